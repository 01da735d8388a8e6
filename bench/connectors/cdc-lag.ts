// Connectors: Postgres CDC end-to-end lag. A writer commits rows into a Postgres table at a steady
// rate (2,000 rows/s: a transaction of 20 rows every 10 ms, each row tagged with its transaction's
// number); sage-sql mirrors the table through logical replication (CREATE SOURCE ... 'postgres-cdc',
// CREATE TABLE ... FROM src TABLE) with
//   CREATE MATERIALIZED VIEW seen AS SELECT max(batch) AS b FROM orders
// and a SUBSCRIBE client on the view. A transaction's lag is the time from its commit being
// acknowledged to the writer until the subscriber sees a max(batch) at or past it. Writer,
// replication client and subscriber share one process; Postgres runs beside it. Figures: p50 and
// p99 over the run. Starts its own PostgreSQL 15 (wal_level = logical) on a free port; skips when
// the binaries are missing.

import pg from "pg";
import { Database, type ChangeFeedHandle } from "../../src/index.js";
import { freePort } from "../../test/free-port.js";
import { hasPostgres, startPostgres, type PgServer } from "../../test/pg/pg-server.js";
import { type BenchCase, type Measurement, collectGarbage, median, probe, resultRow, roundsFor } from "../lib/harness.js";

const ROWS_PER_TX = 20;
const TX_EVERY_MS = 10;

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

interface LagStats {
  p50: number;
  p99: number;
  max: number;
  rowsPerSecond: number;
}

async function oneRun(server: PgServer, runIndex: number, seconds: number): Promise<LagStats> {
  const table = `orders_${runIndex < 0 ? `w${-runIndex}` : runIndex}`;
  await server.query(`CREATE TABLE ${table} (id bigint PRIMARY KEY, batch int NOT NULL, amount numeric(12,2), note text); CREATE PUBLICATION pub_${table} FOR TABLE ${table}`);
  const db = await Database.open({ memory: true });
  const writer = new pg.Client(server.config);
  await writer.connect();
  let sub: ChangeFeedHandle | undefined;
  try {
    await db.execute(`CREATE SOURCE pg WITH (connector = 'postgres-cdc', hostname = '127.0.0.1', port = '${server.port}', username = 'postgres', database = 'postgres', slot = 'slot_${table}', publication = 'pub_${table}');
      CREATE TABLE orders (id bigint, batch int, amount numeric(12,2), note text, PRIMARY KEY (id)) FROM pg TABLE 'public.${table}';
      CREATE MATERIALIZED VIEW seen AS SELECT max(batch) AS b FROM orders`);
    sub = (await db.connect().execute("SUBSCRIBE seen"))[0].subscription!;
    const batches = Math.round((seconds * 1000) / TX_EVERY_MS);
    const committed = new Float64Array(batches).fill(NaN);
    const lag = new Float64Array(batches).fill(NaN);
    let seenUpTo = -1;
    const feed = sub;
    const consumer = (async () => {
      while (seenUpTo < batches - 1) {
        const rows = await feed.next();
        if (rows === null) return;
        const now = performance.now();
        let b = -1;
        for (const r of rows) if (r[0] === "insert" && r[2] !== null && Number(r[2]) > b) b = Number(r[2]); // op, ts, b
        // seen before the writer heard its commit acknowledged: lag 0 (the commit happened in between)
        for (let i = seenUpTo + 1; i <= b; i++) lag[i] = Number.isNaN(committed[i]) ? 0 : Math.max(0, now - committed[i]);
        if (b > seenUpTo) seenUpTo = b;
      }
    })();
    const t0 = performance.now();
    for (let i = 0; i < batches; i++) {
      const due = t0 + i * TX_EVERY_MS;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const first = i * ROWS_PER_TX;
      await writer.query(`INSERT INTO ${table} SELECT g, $1, g % 1000 / 7.0, 'order ' || g FROM generate_series($2::bigint, $3::bigint) g`, [i, first, first + ROWS_PER_TX - 1]);
      committed[i] = performance.now();
      probe();
    }
    const elapsed = performance.now() - t0;
    const timeout = setTimeout(() => sub?.cancel(), 30_000);
    await consumer;
    clearTimeout(timeout);
    const measured = lag.filter((x) => !Number.isNaN(x));
    if (measured.length < batches) throw new Error(`the subscriber saw ${measured.length} of ${batches} transactions`);
    const [count] = await db.execute("SELECT count(*) FROM orders");
    if (Number(count.rows[0][0]) !== batches * ROWS_PER_TX) throw new Error(`mirrored ${String(count.rows[0][0])} of ${batches * ROWS_PER_TX} rows`);
    const sorted = measured.slice().sort();
    return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1], rowsPerSecond: ((batches * ROWS_PER_TX) / elapsed) * 1000 };
  } finally {
    sub?.cancel();
    await writer.end();
    await db.close();
    // the slot would hold WAL back for the next run
    await server.query(`SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = 'slot_${table}' AND NOT active`).catch(() => {});
  }
}

export const cdcLagCase: BenchCase = {
  name: "connectors-cdc-lag",
  async run(ctx) {
    if (!hasPostgres) {
      ctx.log("  connectors-cdc-lag: SKIPPED: no PostgreSQL binaries (set PGBIN; Debian package postgresql-15)");
      return [];
    }
    const seconds = ctx.quick ? 2 : 8;
    const runs = roundsFor(ctx, 5);
    const server = startPostgres(await freePort());
    try {
      await oneRun(server, -1, Math.min(seconds, 2)); // warm-up
      const stats: LagStats[] = [];
      for (let r = 0; r < runs; r++) {
        collectGarbage();
        const x = await oneRun(server, r, seconds);
        stats.push(x);
        ctx.log(`  connectors-cdc-lag: run ${r + 1}/${runs} p50 ${x.p50.toFixed(2)} ms, p99 ${x.p99.toFixed(2)} ms, max ${x.max.toFixed(2)} ms, ${Math.round(x.rowsPerSecond)} rows/s`);
      }
      const m: Measurement = {
        values: new Map([
          ["p50", stats.map((x) => x.p50)],
          ["p99", stats.map((x) => x.p99)],
        ]),
        checks: new Map(),
        heap: new Map(),
        failed: new Map(),
        single: new Map(),
      };
      const rate = median(stats.map((x) => x.rowsPerSecond));
      const note = `Postgres commits ${ROWS_PER_TX} rows every ${TX_EVERY_MS} ms (${((ROWS_PER_TX * 1000) / TX_EVERY_MS).toLocaleString("en")} rows/s target, achieved ${Math.round(rate).toLocaleString("en")}/s) for ${seconds} s per run; lag = commit acknowledged to the writer → a SUBSCRIBE client on a view over the CDC mirror sees it (pgoutput over loopback, same process)`;
      return [
        resultRow(m, { name: "connectors/cdc-lag/p50", unit: "ms", higherIsBetter: false, sage: "p50", peers: [], notes: note }),
        resultRow(m, { name: "connectors/cdc-lag/p99", unit: "ms", higherIsBetter: false, sage: "p99", peers: [], notes: note }),
      ];
    } finally {
      server.destroy();
    }
  },
};
