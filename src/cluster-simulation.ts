// Wires the SQL engine into the cluster simulation (src/cluster/simulation): two views planned by
// a Database and cut into fragments at parallelism 3 (an aggregate, and a join feeding an
// aggregate) run as cluster jobs of FragmentInstances; their single-node answer is the same SQL
// run ad hoc in that Database over the tables' final contents. `sage-sql simulate` runs seeds here.

import { Database } from "./database.js";
import type { Session } from "./session.js";
import { fragmentJob } from "./cluster/fragment-job.js";
import { arrowFrameCodec, stateFrameCodec } from "./cluster/exchange-frames.js";
import { type SimulationOptions, type SimulationResult, type SimulationSetup, keyedSumSetup, runSimulation } from "./cluster/simulation/index.js";
import { decodeFragmentGraph, encodeFragmentGraph, fragmentPlan } from "./planner/index.js";

const VIEWS: { name: string; sql: string }[] = [
  { name: "agg", sql: "SELECT k, count(*) AS n, sum(v) AS s FROM t GROUP BY k" },
  { name: "jagg", sql: "SELECT t.k, count(*) AS n, sum(t.v * u.w) AS s FROM t JOIN u ON t.k = u.k GROUP BY t.k" },
];

/**
 * Nexmark q8's shape, opt-in (five fragments: a seed costs about three times the two views'):
 * "persons" (t) and "auctions" (u) grouped into 10-second tumbling windows (v, w as seconds),
 * joined on id = seller and the window, so text names and timestamps cross the exchanges.
 */
const Q8_VIEWS: { name: string; sql: string }[] = [
  {
    name: "q8",
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

export interface SqlSimulation {
  setup: SimulationSetup;
  close(): Promise<void>;
}

/** plans the views once; the setup is then reused by every seed */
export async function openSqlSimulation(parallelism = 3, options: { q8?: boolean } = {}): Promise<SqlSimulation> {
  const views = options.q8 ? [...VIEWS, ...Q8_VIEWS] : VIEWS;
  const db = await Database.open({ memory: true });
  const session = db.connect() as Session;
  await session.execute("CREATE TABLE t (k INT, v INT); CREATE TABLE u (k INT, w INT)");
  // q8's inputs as views over the integer tables: names as text, v and w as seconds
  await session.execute(
    "CREATE VIEW person AS SELECT k AS id, 'p' || k AS name, to_timestamp(v + 100) AS date_time FROM t; " +
      "CREATE VIEW auction AS SELECT k AS seller, to_timestamp(w + 100) AS date_time FROM u",
  );
  const idOf = (name: string): string => db.catalog.getRelation([name]).id;
  const jobs = [];
  for (const v of views) {
    await session.execute(`CREATE MATERIALIZED VIEW ${v.name} AS ${v.sql}`);
    const df = db.streams.get(idOf(v.name));
    if (df === undefined) throw new Error(`view ${v.name} has no dataflow`);
    // through JSON, as the graph travels to workers
    const graph = decodeFragmentGraph(encodeFragmentGraph(fragmentPlan(df.plan, parallelism, { primaryKey: (id) => db.catalog.relationById(id)?.primaryKey })));
    jobs.push(fragmentJob(v.name, graph, session.executionContext([])));
  }
  // the views' own dataflows are not needed any more: the answer is computed ad hoc
  for (const v of views) await session.execute(`DROP MATERIALIZED VIEW ${v.name}`);
  const tables = [
    { name: idOf("t"), columns: 2, sql: "t" },
    { name: idOf("u"), columns: 2, sql: "u" },
  ];
  const setup: SimulationSetup = {
    tables: tables.map((t) => ({ name: t.name, columns: t.columns })),
    jobs,
    expected: async (contents) => {
      for (const t of tables) {
        await session.execute(`DELETE FROM ${t.sql}`);
        const rows = contents.get(t.name) ?? [];
        if (rows.length > 0) await session.execute(`INSERT INTO ${t.sql} VALUES ${rows.map((r) => `(${r.join(", ")})`).join(", ")}`);
      }
      const out = new Map<string, unknown[][]>();
      for (const v of views) {
        const [r] = await session.execute(v.sql);
        out.set(v.name, r.rows as unknown[][]);
      }
      return out;
    },
  };
  return { setup, close: () => db.close() };
}

export interface ClusterSimulationOptions {
  seeds: number;
  from?: number;
  /** which views: the SQL ones (default), the protocol's own keyed sum, or both per seed */
  views?: "sql" | "keyed-sum" | "both";
  /** also run a Nexmark-q8-shaped view (tumbling windows, a join of two window aggregates) with the SQL ones */
  q8?: boolean;
  broken?: SimulationOptions["broken"];
  /** per seed: faults and writes within this window (default 1500 ms simulated) */
  windowMs?: number;
  /** per seed: write batches (default 12) */
  batches?: number;
  /** the exchange frames' codec: Arrow IPC (production's) or the state codec (default, faster on tiny chunks) */
  codec?: "arrow" | "state";
  /** told after each seed */
  onResult?: (r: SimulationResult) => void;
}

export interface ClusterSimulationSummary {
  seeds: number;
  failures: SimulationResult[];
  ms: number;
}

/** runs seeds from..from+seeds-1; each is a pure function of its number, so a failure replays */
export async function simulateCluster(options: ClusterSimulationOptions): Promise<ClusterSimulationSummary> {
  const started = performance.now();
  const views = options.views ?? "sql";
  const sql = views === "keyed-sum" ? null : await openSqlSimulation(3, { q8: options.q8 });
  const failures: SimulationResult[] = [];
  try {
    const from = options.from ?? 1;
    for (let seed = from; seed < from + options.seeds; seed++) {
      const runs: SimulationResult[] = [];
      const run = { codec: options.codec === "arrow" ? arrowFrameCodec : stateFrameCodec, broken: options.broken, windowMs: options.windowMs ?? 1500, batches: options.batches ?? 12 };
      if (sql !== null) runs.push(await runSimulation(seed, { setup: sql.setup, ...run }));
      if (views !== "sql") runs.push(await runSimulation(seed, { setup: keyedSumSetup(), ...run }));
      for (const r of runs) {
        if (!r.ok) failures.push(r);
        options.onResult?.(r);
      }
    }
  } finally {
    await sql?.close();
  }
  return { seeds: options.seeds, failures, ms: performance.now() - started };
}
