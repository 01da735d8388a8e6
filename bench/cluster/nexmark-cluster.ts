// Nexmark q0, q5 and q7 through a cluster of real processes (nats-server, a coordinator and two
// workers on loopback), each view WITH (parallelism = 1) and (parallelism = 2), against the same
// view in a single-node in-process Database fed the same INSERT statements. Figure: bid events per
// second from the first INSERT to FLUSH returning. Each run creates the tables and the view, feeds
// the events and drops them again; the view's final contents must equal the single node's.
import { createHash } from "node:crypto";
import { loadavg } from "node:os";
import { createGeneratorSource } from "../../src/connectors/index.js";
import { Database } from "../../src/database.js";
import type { Session } from "../../src/session.js";
import { formatValue, type Chunk, type DataType } from "../../src/types/index.js";
import { type BenchCase, type BenchContext, type Contender, measure, median, resultRow, type BenchResult } from "../lib/harness.js";
import { QUERIES } from "../nexmark/nexmark.js";
import { BenchCluster, TIMING } from "./processes.js";

const BID_COLUMNS = "auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR, date_time TIMESTAMP, extra VARCHAR";
const ROWS_PER_INSERT = 1000;
const CLUSTER_QUERIES = QUERIES.filter((q) => ["q0", "q5", "q7"].includes(q.name));

function literal(type: DataType, v: unknown): string {
  if (v === null || v === undefined) return "NULL";
  if ((typeof v === "number" || typeof v === "bigint") && /int|numeric|double|real/.test(type.id)) return String(v);
  return `'${formatValue(type, v, { timeZone: "UTC" }).replace(/'/g, "''")}'`;
}

function insertSql(chunk: Chunk): string {
  const types = chunk.columns.map((c) => c.type);
  return `INSERT INTO bid VALUES ${chunk
    .rows()
    .map((r) => `(${r.map((v, i) => literal(types[i], v)).join(", ")})`)
    .join(", ")}`;
}

/** the first `bids` Nexmark bid events as INSERT statements of ROWS_PER_INSERT rows */
async function bidInserts(bids: number): Promise<string[]> {
  const db = await Database.open({ memory: true });
  try {
    await db.connect().execute(`CREATE TABLE bid (${BID_COLUMNS})`);
    const columns = db.catalog.findRelation(["public", "bid"])!.columns.map((c) => ({ name: c.name, type: c.type }));
    // max_events counts all three tables' events; bids are 46 of every 50
    const gen = createGeneratorSource("nexmark", { "nexmark.table": "bid", "nexmark.events_per_second": "0", "nexmark.max_events": String(Math.ceil((bids * 50) / 46) + 50), "nexmark.first_event_rate": "500" }, columns);
    const out: string[] = [];
    for (let n = 0; n < bids; ) {
      const chunk = gen.next(Math.min(ROWS_PER_INSERT, bids - n));
      if (chunk === null || chunk.length === 0) break;
      out.push(insertSql(chunk));
      n += chunk.length;
    }
    return out;
  } finally {
    await db.close();
  }
}

/** a digest of a view's rows (as text, sorted): equal digests = equal contents */
function digest(rows: string[][]): string {
  const lines = rows.map((r) => JSON.stringify(r)).sort();
  return `${lines.length} rows ${createHash("sha1").update(lines.join("\n")).digest("hex").slice(0, 12)}`;
}

async function singleNodeRun(sql: string, inserts: string[], rows: number): Promise<{ value: number; check: string }> {
  const db = await Database.open({ memory: true });
  try {
    const s = db.connect() as Session;
    await s.execute(`CREATE TABLE bid (${BID_COLUMNS})`);
    await s.execute(`CREATE MATERIALIZED VIEW v AS ${sql}`);
    const t0 = performance.now();
    for (const i of inserts) await s.execute(i);
    await s.execute("FLUSH");
    const value = (rows / (performance.now() - t0)) * 1000;
    const [r] = await s.execute("SELECT * FROM v");
    const text = r.rows.map((row) => row.map((v, i) => (v === null ? (null as unknown as string) : typeof v === "string" ? v : formatValue(r.columns[i].type, v, { timeZone: "UTC" }))));
    return { value, check: digest(text) };
  } finally {
    await db.close();
  }
}

/** how long each FLUSH with nothing new to process took (ms) */
const idleFlushMs: number[] = [];

async function clusterRun(cluster: BenchCluster, parallelism: number, sql: string, inserts: string[], rows: number): Promise<{ value: number; check: string }> {
  await cluster.query(`CREATE TABLE bid (${BID_COLUMNS})`);
  try {
    await cluster.query(`CREATE MATERIALIZED VIEW v WITH (parallelism = ${parallelism}) AS ${sql}`);
    const t0 = performance.now();
    for (const i of inserts) await cluster.query(i);
    await cluster.query("FLUSH");
    const value = (rows / (performance.now() - t0)) * 1000;
    // a FLUSH with nothing to do: the fixed cost every cluster figure above carries
    const t1 = performance.now();
    await cluster.query("FLUSH");
    idleFlushMs.push(performance.now() - t1);
    const check = digest(await cluster.query("SELECT * FROM v"));
    await cluster.query("DROP MATERIALIZED VIEW v");
    return { value, check };
  } finally {
    await cluster.query("DROP TABLE bid CASCADE").catch(() => cluster.query("DROP TABLE bid"));
  }
}

async function runAll(ctx: BenchContext): Promise<BenchResult[]> {
  const bids = ctx.quick ? 10_000 : 50_000;
  const inserts = await bidInserts(bids);
  const cluster = await BenchCluster.start(2);
  const out: BenchResult[] = [];
  try {
    for (const q of CLUSTER_QUERIES) {
      const contenders: Contender[] = [
        { name: "cluster-2-workers", run: () => clusterRun(cluster, 2, q.sql, inserts, bids) },
        { name: "cluster-1-worker", run: () => clusterRun(cluster, 1, q.sql, inserts, bids) },
        { name: "single-node", run: () => singleNodeRun(q.sql, inserts, bids) },
      ];
      const m = await measure({ name: `cluster-nexmark-${q.name}`, contenders, runs: ctx.quick ? 2 : 5, warmups: ctx.quick ? 0 : 1, minWarmupSeconds: 0, ctx });
      const notes = `${bids} Nexmark bids as INSERTs of ${ROWS_PER_INSERT} rows over pg (one at a time), timed from the first INSERT to FLUSH returning; cluster = nats-server + 1 coordinator + 2 worker processes on loopback, the view WITH (parallelism = n) (1 worker: parallelism 1, the other worker idle); single-node: an in-process Database fed the same statements; 2-CORE MACHINE shared by every process, so 2 workers cannot show a speed-up here; load average ${loadavg()[0].toFixed(1)} at the end; a FLUSH with nothing to do took ${median(idleFlushMs).toFixed(0)} ms (median; it waits for the next checkpoint, every ${TIMING.checkpointEveryEpochs} barriers of ${TIMING.barrierIntervalMs} ms), included in every cluster figure`;
      // the worker-count rows: sage = the cluster, peer = the single node (ratio cluster/single)
      out.push(resultRow(m, { name: `cluster/nexmark-${q.name}-1-worker`, unit: "events/s", higherIsBetter: true, sage: "cluster-1-worker", peers: ["single-node"], notes }));
      out.push(resultRow(m, { name: `cluster/nexmark-${q.name}-2-workers`, unit: "events/s", higherIsBetter: true, sage: "cluster-2-workers", peers: ["single-node", "cluster-1-worker"], notes: "as above; peers: the single node and the 1-worker cluster" }));
    }
  } finally {
    await cluster.stop();
  }
  return out;
}

export const nexmarkClusterCase: BenchCase = { name: "scale-cluster-nexmark", run: runAll };
