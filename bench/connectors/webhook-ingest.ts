// Connectors: webhook ingest. 16 concurrent HTTP senders each POST single-event JSON bodies,
// signed with HMAC-SHA256, to /webhook/events of an in-process server over a data directory
// (every 200 waits for the log's fsync: group commit). Peer: the same events sent by the same
// senders as single-row INSERTs through POST /api/query (same port, same durability). Figure:
// acknowledged events/s; ratio = webhook / api-query. Both checks count the rows and sum the ids.

import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Database } from "../../src/index.js";
import { HttpServer, PgServer, ServerMetrics } from "../../src/server/index.js";
import { type BenchCase, type Contender, measure, probe, resultRow } from "../lib/harness.js";

const SENDERS = 16;
const SECRET = "bench-secret";

function contender(name: string, perSender: number, send: (url: string, id: number) => Promise<Response>): Contender {
  return {
    name,
    async run() {
      const dir = mkdtempSync(join(tmpdir(), "sage-bench-webhook-"));
      const db = await Database.open({ dataDir: dir, checkpointInterval: 0 });
      const metrics = new ServerMetrics(db, () => 0);
      const pg = await PgServer.start({ db, port: 0 });
      const http = await HttpServer.start({ db, port: 0, hba: pg.hba, users: pg.users, defaultUser: "sage", metrics });
      try {
        await db.execute(`CREATE SECRET k WITH (value = '${SECRET}'); CREATE TABLE events (id INT, kind TEXT, amount DOUBLE PRECISION) WITH (connector = 'webhook', secret = SECRET k)`);
        const url = `http://127.0.0.1:${http.port}`;
        const t0 = performance.now();
        await Promise.all(
          Array.from({ length: SENDERS }, async (_, s) => {
            for (let i = 0; i < perSender; i++) {
              const res = await send(url, s * perSender + i);
              if (res.status !== 200) throw new Error(`${name}: HTTP ${res.status}: ${await res.text()}`);
              await res.arrayBuffer();
            }
          }),
        );
        const seconds = (performance.now() - t0) / 1000;
        probe();
        const [r] = await db.execute("SELECT count(*), sum(id) FROM events");
        return { value: (SENDERS * perSender) / seconds, check: r.rows[0].map(String).join("/") };
      } finally {
        await http.close();
        await pg.close();
        metrics.close();
        await db.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

const event = (id: number) => JSON.stringify({ id, kind: `k${id % 10}`, amount: id / 4 });

export const webhookIngestCase: BenchCase = {
  name: "connectors-webhook",
  async run(ctx) {
    const perSender = ctx.quick ? 20 : 100;
    const m = await measure({
      name: "connectors-webhook",
      contenders: [
        contender("webhook", perSender, (url, id) => {
          const body = event(id);
          return fetch(`${url}/webhook/events`, { method: "POST", headers: { "content-type": "application/json", "x-sage-signature": createHmac("sha256", SECRET).update(body).digest("hex") }, body });
        }),
        contender("api-query", perSender, (url, id) =>
          fetch(`${url}/api/query`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ sql: "INSERT INTO events VALUES ($1, $2, $3)", params: [id, `k${id % 10}`, id / 4] }) }),
        ),
      ],
      runs: ctx.quick ? 3 : 5,
      warmups: 1,
      ctx,
    });
    return [
      resultRow(m, {
        name: "connectors/webhook-ingest",
        unit: "events/s",
        higherIsBetter: true,
        sage: "webhook",
        peers: ["api-query"],
        notes: `${SENDERS} concurrent HTTP senders x ${perSender} single-event POSTs (HMAC-signed) into a webhook table on a data directory, each answered after its fsync (group commit); peer: the same rows as single-row INSERTs through POST /api/query; ratio = webhook/api-query`,
      }),
    ];
  },
};
