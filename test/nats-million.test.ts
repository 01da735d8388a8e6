// Issue 10 at scale: 1,000,000 JSON messages in a JetStream stream, read by a real `sage-sql serve`
// through a NATS source into views with count(*), count(DISTINCT id), sum(v) and per-group sums.
// The server is killed with SIGKILL at least twice while it ingests and restarted on the same data
// directory; in the end every view must equal the figures computed here from what was published:
// no message lost, none counted twice.
import pg from "pg";
import { connect } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NatsServer } from "./nats-server.js";

const CLI = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
const TOTAL = Number(process.env.NATS_MILLION_COUNT ?? 1_000_000);
const GROUPS = 97;
const SUBJECT = "million.ev";
const STREAM = "MILLION";

/** the published message number i: its group and value (deterministic, so the test knows the sums) */
function message(i: number): { id: number; k: number; v: number } {
  return { id: i, k: (i * 7919) % GROUPS, v: ((i * 2654435761) >>> 0) % 100_000 };
}

let nats: NatsServer;
beforeAll(async () => {
  nats = await NatsServer.start();
});
afterAll(async () => {
  await nats?.destroy();
});

/** Publishes every message fast: core publishes into the stream's subject with a flush per group
 * (TCP backpressure paces them), then checks the stream holds exactly TOTAL messages. */
async function publishAll(url: string): Promise<void> {
  const nc = await connect({ servers: url });
  try {
    for (let i = 0; i < TOTAL; i += 10_000) {
      for (let j = i; j < Math.min(TOTAL, i + 10_000); j++) nc.publish(SUBJECT, JSON.stringify(message(j)));
      await nc.flush();
    }
    const jsm = await jetstreamManager(nc);
    const until = Date.now() + 30_000;
    let stored = 0;
    while (Date.now() < until && (stored = (await jsm.streams.info(STREAM)).state.messages) < TOTAL) await new Promise((r) => setTimeout(r, 50));
    expect(stored).toBe(TOTAL);
  } finally {
    await nc.close();
  }
}

function spawnServer(dir: string): { proc: ChildProcess; port: Promise<number>; exited: Promise<void> } {
  const proc = spawn(process.execPath, [CLI, "serve", "--port", "0", "--no-http", "--data-dir", dir, "--checkpoint-interval", "1000"], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  const port = new Promise<number>((resolve, reject) => {
    proc.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /listening on postgres:\/\/\S+:(\d+)\//.exec(out);
      if (m) resolve(Number(m[1]));
    });
    proc.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    proc.once("exit", (code, signal) => reject(new Error(`server exited (${code ?? signal}) before listening: ${err}`)));
  });
  port.catch(() => {});
  return { proc, port, exited };
}

async function client(port: number): Promise<pg.Client> {
  const c = new pg.Client({ host: "127.0.0.1", port, user: "sage", database: "sage" });
  c.on("error", () => {}); // the kill ends the connection
  await c.connect();
  return c;
}

async function produced(c: pg.Client): Promise<number> {
  const r = await c.query("SELECT rows_produced FROM sage_catalog.sources WHERE stream = 'ev'");
  return Number(r.rows[0]?.rows_produced ?? 0);
}

describe("JetStream source, 1M messages", () => {
  it("ends exact (count, distinct, sums, grouped sums) across two kill -9 while ingesting", async () => {
    const t0 = Date.now();
    const admin = await connect({ servers: nats.url });
    await (await jetstreamManager(admin)).streams.add({ name: STREAM, subjects: [SUBJECT] });
    await admin.close();
    // published once sage-sql reads the stream: a view sees only rows that arrive after it exists
    let publishing: Promise<void> | null = null;
    let publishSeconds = 0;

    // the figures the views must show, from what was published
    let sum = 0;
    const perGroup = new Map<number, { n: number; s: number }>();
    for (let i = 0; i < TOTAL; i++) {
      const m = message(i);
      sum += m.v;
      const g = perGroup.get(m.k) ?? { n: 0, s: 0 };
      g.n++;
      g.s += m.v;
      perGroup.set(m.k, g);
    }

    const dir = mkdtempSync(join(tmpdir(), "sage-nats-million-"));
    const kills: number[] = [];
    const phases: string[] = [];
    try {
      // run 1 creates the stream and views; runs 1 and 2 are killed mid-ingest; run 3 finishes
      for (let run = 0; run < 3; run++) {
        const s = spawnServer(dir);
        const tStart = Date.now();
        try {
          const c = await client(await s.port);
          phases.push(`run ${run}: listening after ${((Date.now() - tStart) / 1000).toFixed(1)} s`);
          if (run === 0) {
            await c.query(`CREATE STREAM ev (id BIGINT, k INT, v BIGINT) WITH (connector = 'nats', servers = '${nats.url}', subject = '${SUBJECT}', stream = '${STREAM}') FORMAT JSON`);
            await c.query("CREATE MATERIALIZED VIEW totals AS SELECT count(*) AS n, count(DISTINCT id) AS d, sum(v) AS s FROM ev");
            await c.query("CREATE MATERIALIZED VIEW per_k AS SELECT k, count(*) AS n, sum(v) AS s FROM ev GROUP BY k");
            const p0 = Date.now();
            publishing = publishAll(nats.url).then(() => void (publishSeconds = (Date.now() - p0) / 1000));
            publishing.catch(() => {});
          }
          if (run < 2) {
            // kill it mid-ingest: once it has read a further ~third of the messages since it started
            const start = await produced(c);
            const target = start + Math.floor(TOTAL / 3) + Math.floor(Math.random() * 50_000);
            const until = Date.now() + 120_000;
            let n = start;
            while ((n = await produced(c)) < target && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
            expect(n).toBeLessThan(TOTAL); // still ingesting when killed
            expect(n).toBeGreaterThan(start);
            kills.push(n);
            phases.push(`run ${run}: read ${n - start} rows in ${((Date.now() - tStart) / 1000).toFixed(1)} s`);
            s.proc.kill("SIGKILL");
            await s.exited;
            continue;
          }
          // the last run: wait for all of it, then check every figure
          const until = Date.now() + 180_000;
          let n = 0;
          while ((n = Number((await c.query("SELECT n FROM totals")).rows[0]?.n ?? 0)) < TOTAL && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
          phases.push(`run ${run}: all counted after ${((Date.now() - tStart) / 1000).toFixed(1)} s`);
          await new Promise((r) => setTimeout(r, 300)); // anything still arriving would be a duplicate
          const t = (await c.query("SELECT n::text, d::text, s::text FROM totals")).rows[0];
          expect(t).toEqual({ n: String(TOTAL), d: String(TOTAL), s: String(sum) });
          const got = (await c.query("SELECT k, n::text, s::text FROM per_k ORDER BY k")).rows.map((r) => `${r.k}|${r.n}|${r.s}`);
          const want = [...perGroup].sort((a, b) => a[0] - b[0]).map(([k, g]) => `${k}|${g.n}|${g.s}`);
          expect(got).toEqual(want);
          const src = (await c.query("SELECT rows_produced, bad_messages FROM sage_catalog.sources WHERE stream = 'ev'")).rows[0];
          expect(Number(src.rows_produced)).toBe(TOTAL);
          expect(Number(src.bad_messages)).toBe(0);
          await c.end();
        } finally {
          if (s.proc.exitCode === null && s.proc.signalCode === null) {
            s.proc.kill("SIGKILL");
            await s.exited;
          }
        }
      }
      await publishing;
      expect(kills.length).toBe(2);
      expect(kills[0]).toBeLessThan(kills[1]);
      process.stderr.write(`nats-million: published ${TOTAL} in ${publishSeconds.toFixed(1)} s; killed at ${kills.join(", ")} rows; total ${((Date.now() - t0) / 1000).toFixed(1)} s; ${phases.join("; ")}\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 400_000);
});
