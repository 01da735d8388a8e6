// Nexmark q0–q8 as materialized views over the nexmark streams (person, auction, bid).
//
// Each run builds a fresh in-memory database with the three streams and one view, then drives
// the nexmark generator the way the connector's SourceRunner does (generate a chunk of ≤ 4096
// rows, StoredRelation.appendChunk, Database.publishChunk; one epoch — publishChanges, hence a
// barrier — per table per tick of 65,536 events), but synchronously, without its timers, so that
// the clock measures the work. Events of the three tables are interleaved in event-number order.
//
// Figures: input events per second on one core = rows of the streams the query reads / time.
// "e2e" includes the generator; "engine" excludes the time spent inside the generator's next().
// The generator alone is the case nexmark-generator. The connector itself (CREATE STREAM ... WITH
// (connector = 'nexmark'), on its timers) is measured for q0 as the contender sage-connector.
// Correctness: at the quick size (200k events), with retained streams, the view's contents must
// equal the same query run ad hoc over the retained streams (a plain recomputation).

import { Database, type Session } from "../../src/index.js";
import { createGeneratorSource, type GeneratorSource } from "../../src/connectors/index.js";
import { tableEventsBefore } from "../../src/connectors/nexmark/event-model.js";
import { formatValue } from "../../src/types/index.js";
import { type BenchCase, type BenchContext, type BenchModule, type Contender, type Sample, measure, perSecond, probe, resultRow } from "../lib/harness.js";

type Table = "person" | "auction" | "bid";
export const TABLES: Table[] = ["person", "auction", "bid"];

const COLUMNS: Record<Table, string> = {
  person: "id BIGINT, name VARCHAR, email_address VARCHAR, credit_card VARCHAR, city VARCHAR, state VARCHAR, date_time TIMESTAMP, extra VARCHAR",
  auction: "id BIGINT, item_name VARCHAR, description VARCHAR, initial_bid BIGINT, reserve BIGINT, date_time TIMESTAMP, expires TIMESTAMP, seller BIGINT, category BIGINT, extra VARCHAR",
  bid: "auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR, date_time TIMESTAMP, extra VARCHAR",
};

interface Query {
  name: string;
  reads: Table[];
  sql: string;
  target: number;
  /**
   * The streams declare `WATERMARK FOR date_time AS date_time - <lateness>` (as Feldera's LATENESS
   * and RisingWave's watermarked Nexmark runs do): closed windows and join rows that can no longer
   * match leave the state. The generator's times only grow, so no row is late and the answer is the
   * same as without one (verify() checks it against a recomputation).
   */
  lateness?: string;
}

/** The queries as RisingWave's e2e_test/streaming/nexmark/views (q2 as Flink's auction % 123 = 0). */
export const QUERIES: Query[] = [
  { name: "q0", reads: ["bid"], target: 1e6, sql: "SELECT auction, bidder, price, date_time FROM bid" },
  { name: "q1", reads: ["bid"], target: 1e6, sql: "SELECT auction, bidder, 0.908 * price AS price, date_time FROM bid" },
  { name: "q2", reads: ["bid"], target: 1e6, sql: "SELECT auction, price FROM bid WHERE auction % 123 = 0" },
  {
    name: "q3",
    reads: ["person", "auction"],
    target: 2e5,
    sql: `SELECT P.name, P.city, P.state, A.id FROM auction AS A INNER JOIN person AS P ON A.seller = P.id
          WHERE A.category = 10 AND (P.state = 'or' OR P.state = 'id' OR P.state = 'ca')`,
  },
  {
    name: "q4",
    reads: ["auction", "bid"],
    target: 2e5,
    sql: `SELECT Q.category, AVG(Q.final) AS avg FROM (
            SELECT MAX(B.price) AS final, A.category FROM auction A, bid B
            WHERE A.id = B.auction AND B.date_time BETWEEN A.date_time AND A.expires
            GROUP BY A.id, A.category) Q
          GROUP BY Q.category`,
  },
  {
    name: "q5",
    reads: ["bid"],
    target: 2e5,
    sql: `SELECT AuctionBids.auction, AuctionBids.num FROM (
            SELECT bid.auction, count(*) AS num, window_start AS starttime
            FROM HOP(bid, date_time, INTERVAL '2' SECOND, INTERVAL '10' SECOND)
            GROUP BY window_start, bid.auction) AS AuctionBids
          JOIN (
            SELECT max(CountBids.num) AS maxn, CountBids.starttime_c FROM (
              SELECT count(*) AS num, window_start AS starttime_c
              FROM HOP(bid, date_time, INTERVAL '2' SECOND, INTERVAL '10' SECOND)
              GROUP BY bid.auction, window_start) AS CountBids
            GROUP BY CountBids.starttime_c) AS MaxBids
          ON AuctionBids.starttime = MaxBids.starttime_c AND AuctionBids.num >= MaxBids.maxn`,
  },
  {
    name: "q7",
    reads: ["bid"],
    target: 2e5,
    sql: `SELECT B.auction, B.price, B.bidder, B.date_time FROM bid B
          JOIN (SELECT MAX(price) AS maxprice, window_end AS date_time
                FROM TUMBLE(bid, date_time, INTERVAL '10' SECOND) GROUP BY window_end) B1
          ON B.price = B1.maxprice
          WHERE B.date_time BETWEEN B1.date_time - INTERVAL '10' SECOND AND B1.date_time`,
  },
  {
    name: "q8",
    reads: ["person", "auction"],
    target: 2e5,
    sql: `SELECT P.id, P.name, P.starttime FROM (
            SELECT id, name, window_start AS starttime, window_end AS endtime
            FROM TUMBLE(person, date_time, INTERVAL '10' SECOND)
            GROUP BY id, name, window_start, window_end) P
          JOIN (
            SELECT seller, window_start AS starttime, window_end AS endtime
            FROM TUMBLE(auction, date_time, INTERVAL '10' SECOND)
            GROUP BY seller, window_start, window_end) A
          ON P.id = A.seller AND P.starttime = A.starttime AND P.endtime = A.endtime`,
  },
];

/**
 * q5 and q7 keep every window (q7 every bid too) for ever without a watermark: their state, and
 * their cost per event, grow with the input. The same queries over watermarked streams (bench
 * cases only: QUERIES stays the plain q0–q8 that tests also use).
 */
export const WATERMARKED_QUERIES: Query[] = ["q5", "q7"].map((name) => ({ ...QUERIES.find((x) => x.name === name)!, name: `${name}-wm`, lateness: "4 seconds" }));

const TICK_EVENTS = 65_536;
const CHUNK_ROWS = 4096;

function sourceOptions(table: Table, events: number): Record<string, string> {
  return { "nexmark.table": table, "nexmark.events_per_second": "0", "nexmark.max_events": String(events) };
}

export async function createStreams(s: Session, tables: readonly Table[], retain: boolean, lateness?: string): Promise<void> {
  const watermark = lateness === undefined ? "" : `, WATERMARK FOR date_time AS date_time - INTERVAL '${lateness}'`;
  for (const t of tables) await s.execute(`CREATE STREAM ${t} (${COLUMNS[t]}${watermark}) WITH (retention = '${retain ? "all" : "none"}')`);
}

function generators(db: Database, tables: readonly Table[], events: number): Map<Table, GeneratorSource> {
  const out = new Map<Table, GeneratorSource>();
  for (const t of tables) {
    const entry = db.catalog.findRelation(["public", t])!;
    out.set(t, createGeneratorSource("nexmark", sourceOptions(t, events), entry.columns.map((c) => ({ name: c.name, type: c.type }))));
  }
  return out;
}

/**
 * Drives events [0, events) of `tables` into the streams as the connector would; returns the
 * rows delivered and the milliseconds spent inside the generator.
 */
function drive(db: Database, tables: readonly Table[], events: number): { rows: number; genMs: number } {
  const ticks = driveTicks(db, tables, events);
  for (;;) {
    const r = ticks.next();
    if (r.done) return r.value;
  }
}

/** drive(), yielding after each tick of 65,536 events (bench/observe scrapes /metrics there). */
export function* driveTicks(db: Database, tables: readonly Table[], events: number): Generator<void, { rows: number; genMs: number }> {
  const gens = generators(db, tables, events);
  const ids = new Map(tables.map((t) => [t, db.catalog.findRelation(["public", t])!.id]));
  let rows = 0;
  let genMs = 0;
  for (let lo = 0; lo < events; lo += TICK_EVENTS) {
    const hi = Math.min(events, lo + TICK_EVENTS);
    for (const t of tables) {
      let due = tableEventsBefore(t, hi) - tableEventsBefore(t, lo);
      if (due <= 0) continue;
      const rel = ids.get(t)!;
      const stored = db.relation(rel);
      const gen = gens.get(t)!;
      let watermark: unknown = undefined;
      while (due > 0) {
        const g0 = performance.now();
        const chunk = gen.next(Math.min(due, CHUNK_ROWS));
        genMs += performance.now() - g0;
        if (chunk === null) break;
        const r = stored.appendChunk(chunk);
        if (r.watermark !== undefined) watermark = r.watermark;
        db.publishChunk(rel, r.accepted);
        due -= chunk.length;
        rows += chunk.length;
      }
      db.publishChanges(rel, [], [], watermark);
    }
    probe();
    yield;
  }
  return { rows, genMs };
}

function eventsFor(ctx: BenchContext): number {
  return ctx.quick ? 200_000 : 10_000_000;
}

// ---------------------------------------------------------------- correctness

function canonical(types: { type: Parameters<typeof formatValue>[0] }[], rows: unknown[][]): string[] {
  return rows.map((r) => r.map((v, i) => (v === null ? "NULL" : formatValue(types[i].type, v))).join("|")).sort();
}

/** The view's contents against the same query ad hoc over retained streams. */
async function verify(q: Query, events: number): Promise<string> {
  const db = await Database.open({ memory: true });
  try {
    const s = db.connect();
    await createStreams(s, TABLES, true, q.lateness);
    await s.execute(`CREATE MATERIALIZED VIEW v AS ${q.sql}`);
    drive(db, q.reads, events);
    const view = (await s.execute("SELECT * FROM v"))[0];
    const adhoc = (await s.execute(q.sql))[0];
    const a = canonical(view.columns, view.rows);
    const b = canonical(adhoc.columns, adhoc.rows);
    if (a.length !== b.length) return `MISMATCH: view has ${a.length} rows, recomputation ${b.length}`;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return `MISMATCH at row ${i}: view ${a[i]} vs recomputation ${b[i]}`;
    return `view = ad-hoc recomputation over the retained streams (${a.length} rows, ${events.toLocaleString("en")} events)`;
  } finally {
    await db.close();
  }
}

// ---------------------------------------------------------------- contenders

interface RunFigures {
  e2e: number;
  engine: number;
}

function directContender(q: Query, events: number, engineFigures: number[]): Contender {
  return {
    name: "sage",
    async run(i): Promise<Sample> {
      const db = await Database.open({ memory: true });
      const s = db.connect();
      await createStreams(s, TABLES, false, q.lateness);
      await s.execute(`CREATE MATERIALIZED VIEW v AS ${q.sql}`);
      const t0 = performance.now();
      const { rows, genMs } = drive(db, q.reads, events);
      const ms = performance.now() - t0;
      const size = db.relation(db.catalog.findRelation(["public", "v"])!.id).store.size;
      await db.close();
      if (i >= 0) engineFigures.push(perSecond(rows, ms - genMs));
      return { value: perSecond(rows, ms), check: `${size}` };
    },
  };
}

/** The real connector on its timers: CREATE STREAM ... WITH (connector = 'nexmark'); done when the sources are exhausted. */
function connectorContender(q: Query, events: number): Contender {
  return {
    name: "sage-connector",
    optional: true,
    async run(): Promise<Sample> {
      const db = await Database.open({ memory: true });
      const s = db.connect();
      for (const t of q.reads) {
        await s.execute(`CREATE STREAM ${t} (${COLUMNS[t]}) WITH (connector = 'nexmark', nexmark.table = '${t}', nexmark.events_per_second = 0, nexmark.max_events = ${events})`);
      }
      // the view is created first thing, before the runners' first tick (setTimeout 0)
      const t0 = performance.now();
      await s.execute(`CREATE MATERIALIZED VIEW v AS ${q.sql}`);
      const runners = (db as unknown as { sources: Map<string, { exhausted: boolean; rowsProduced: number }> }).sources;
      if (!(runners instanceof Map)) throw new Error("cannot see the source runners (Database.sources)");
      const list = [...runners.values()];
      while (!list.every((r) => r.exhausted)) await new Promise((r) => setImmediate(r));
      const ms = performance.now() - t0;
      const rows = list.reduce((n, r) => n + r.rowsProduced, 0);
      const size = db.relation(db.catalog.findRelation(["public", "v"])!.id).store.size;
      await db.close();
      return { value: perSecond(rows, ms), check: `${size}` };
    },
  };
}

function queryCase(q: Query): BenchCase {
  return {
    name: `nexmark-${q.name}`,
    async run(ctx: BenchContext) {
      const events = eventsFor(ctx);
      const verdict = await verify(q, 200_000);
      ctx.log(`nexmark-${q.name}: ${verdict}`);
      const engine: number[] = [];
      const contenders: Contender[] = [directContender(q, events, engine)];
      if (q.name === "q0") contenders.push(connectorContender(q, events));
      const m = await measure({ name: `nexmark-${q.name}`, contenders, runs: 5, warmups: 1, ctx });
      // the engine-only figure (generator time subtracted) as a pseudo-contender, for the table
      m.values.set("engine-only", engine);
      const row = resultRow(m, {
        name: `nexmark/${q.name}`,
        unit: "events/s",
        higherIsBetter: true,
        sage: "sage",
        peers: ["engine-only", ...(q.name === "q0" ? ["sage-connector"] : [])],
        notes: `${events.toLocaleString("en")} nexmark events, input = rows of ${q.reads.join(" + ")}${q.lateness ? ` (streams with WATERMARK FOR date_time AS date_time - INTERVAL '${q.lateness}')` : ""}; sage = generator + engine through the connector's path, engine-only = generator time subtracted; ${verdict}`,
        target: { value: q.target, text: `≥ ${q.target / 1e6}M events/s` },
      });
      // engine-only is sage itself: its "ratio" is meaningless
      delete row.ratios?.["engine-only"];
      if (verdict.startsWith("MISMATCH")) row.notes = `CORRECTNESS ${verdict}; ${row.notes}`;
      return [row];
    },
  };
}

const generatorCase: BenchCase = {
  name: "nexmark-generator",
  async run(ctx: BenchContext) {
    const events = eventsFor(ctx);
    const contender = (tables: Table[], name: string): Contender => ({
      name,
      async run(): Promise<Sample> {
        const db = await Database.open({ memory: true });
        await createStreams(db.connect(), TABLES, false);
        const gens = generators(db, tables, events);
        let rows = 0;
        const t0 = performance.now();
        for (const g of gens.values()) {
          for (let c = g.next(CHUNK_ROWS); c !== null; c = g.next(CHUNK_ROWS)) rows += c.length;
        }
        const ms = performance.now() - t0;
        await db.close();
        return { value: perSecond(rows, ms) };
      },
    });
    const m = await measure({ name: "nexmark-generator", contenders: [contender(TABLES, "all"), contender(["bid"], "bid"), contender(["person", "auction"], "person+auction")], runs: 5, warmups: 1, ctx });
    return [
      resultRow(m, { name: "nexmark/generator", unit: "events/s", higherIsBetter: true, sage: "all", peers: ["bid", "person+auction"], notes: `the nexmark generator alone (next() in chunks of 4096, all columns), ${events.toLocaleString("en")} events; peers here are the generator restricted to those tables (ratios meaningless)` }),
    ].map((r) => ({ ...r, ratios: {} }));
  },
};

export const nexmarkModule: BenchModule = {
  name: "nexmark",
  description: "Nexmark q0–q8 as materialized views over the nexmark streams, events/s on one core (10M events; quick 200k)",
  cases: [generatorCase, ...QUERIES.map(queryCase), ...WATERMARKED_QUERIES.map(queryCase)],
};
