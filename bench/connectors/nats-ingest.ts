// Connectors: NATS ingest. N JSON messages ({"id", "k", "v"}, one object each) are published to a
// JetStream stream before the clock starts; a NATS source reads them into a stream feeding
//   CREATE MATERIALIZED VIEW agg AS SELECT count(*) AS n, sum(v) AS s FROM ev
// and the figure is events/s from CREATE STREAM until the view counts all N. Peer: the built-in
// datagen source producing the same N rows (id and v sequences 0..N-1, unthrottled) into the same
// view, i.e. the engine without the network and JSON decoding. Ratio = nats / datagen. The bench
// starts its own nats-server (Debian package nats-server) on a free port and skips when there is
// none.

import { connect } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { Database } from "../../src/index.js";
import { NatsServer } from "../../test/nats-server.js";
import { type BenchCase, type Contender, measure, probe, resultRow } from "../lib/harness.js";

const SUBJECT = "bench.ev";
const STREAM = "BENCH";

/** Waits until the view has counted `n` rows; returns its "count/sum". */
async function drained(db: Database, n: number, timeoutMs: number): Promise<string> {
  const until = performance.now() + timeoutMs;
  for (;;) {
    const [r] = await db.execute("SELECT n, s FROM agg");
    const row = r.rows[0];
    if (row && Number(row[0]) >= n) return row.map(String).join("/");
    if (performance.now() > until) throw new Error(`the view counted ${row ? String(row[0]) : 0} of ${n} rows in ${timeoutMs / 1000} s`);
    probe();
    await new Promise((res) => setTimeout(res, 5));
  }
}

function ingestContender(name: string, n: number, streamSql: () => string): Contender {
  return {
    name,
    async run() {
      const db = await Database.open({ memory: true });
      try {
        const t0 = performance.now();
        await db.execute(`${streamSql()}; CREATE MATERIALIZED VIEW agg AS SELECT count(*) AS n, sum(v) AS s FROM ev`);
        const check = await drained(db, n, 300_000);
        return { value: (n / (performance.now() - t0)) * 1000, check };
      } finally {
        await db.close();
      }
    },
  };
}

export const natsIngestCase: BenchCase = {
  name: "connectors-nats-ingest",
  async run(ctx) {
    const n = ctx.quick ? 20_000 : 200_000;
    let server: NatsServer;
    try {
      server = await NatsServer.start();
    } catch (e) {
      ctx.log(`  connectors-nats-ingest: SKIPPED: ${(e as Error).message}`);
      return [];
    }
    try {
      const nc = await connect({ servers: server.url });
      const jsm = await jetstreamManager(nc);
      await jsm.streams.add({ name: STREAM, subjects: [SUBJECT] });
      const js = jetstream(nc);
      const p0 = performance.now();
      for (let i = 0; i < n; i += 1000) {
        const acks: Promise<unknown>[] = [];
        for (let j = i; j < Math.min(n, i + 1000); j++) acks.push(js.publish(SUBJECT, JSON.stringify({ id: j, k: j % 1000, v: j })));
        await Promise.all(acks);
      }
      ctx.log(`  connectors-nats-ingest: published ${n} messages in ${((performance.now() - p0) / 1000).toFixed(1)} s`);
      await nc.close();
      const m = await measure({
        name: "connectors-nats-ingest",
        contenders: [
          // each run reads the whole stream again with its own ephemeral consumer (DeliverPolicy.All)
          ingestContender("nats-source", n, () => `CREATE STREAM ev (id BIGINT, k INT, v BIGINT) WITH (connector = 'nats', servers = '${server.url}', subject = '${SUBJECT}', stream = '${STREAM}') FORMAT JSON`),
          ingestContender(
            "datagen-source",
            n,
            () =>
              `CREATE STREAM ev (id BIGINT, k INT, v BIGINT) WITH (connector = 'datagen', datagen.rows_per_second = '0', fields.id.kind = 'sequence', fields.id.start = '0', fields.id.end = '${n - 1}', fields.k.min = '0', fields.k.max = '999', fields.v.kind = 'sequence', fields.v.start = '0', fields.v.end = '${n - 1}')`,
          ),
        ],
        runs: ctx.quick ? 3 : 5,
        warmups: 1,
        ctx,
      });
      return [
        resultRow(m, {
          name: "connectors/nats-ingest",
          unit: "events/s",
          higherIsBetter: true,
          sage: "nats-source",
          peers: ["datagen-source"],
          notes: `${n.toLocaleString("en")} JSON messages pre-published to a JetStream stream, read by a NATS source (ephemeral consumer) into count/sum view; peer: datagen source, same rows, unthrottled; ratio = nats/datagen`,
        }),
      ];
    } finally {
      await server.destroy();
    }
  },
};
