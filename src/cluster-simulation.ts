// Wires the SQL engine into the cluster simulation (src/cluster/simulation): two views planned by
// a Database and cut into fragments at parallelism 3 (an aggregate, and a join feeding an
// aggregate) run as cluster jobs of FragmentInstances; their single-node answer is the same SQL
// run ad hoc in that Database over the tables' final contents. `sage-sql simulate` runs seeds here.

import { Database } from "./database.js";
import type { Session } from "./session.js";
import { fragmentJob } from "./cluster/fragment-job.js";
import { type SimulationOptions, type SimulationResult, type SimulationSetup, keyedSumSetup, runSimulation } from "./cluster/simulation/index.js";
import { decodeFragmentGraph, encodeFragmentGraph, fragmentPlan } from "./planner/index.js";

const VIEWS: { name: string; sql: string }[] = [
  { name: "agg", sql: "SELECT k, count(*) AS n, sum(v) AS s FROM t GROUP BY k" },
  { name: "jagg", sql: "SELECT t.k, count(*) AS n, sum(t.v * u.w) AS s FROM t JOIN u ON t.k = u.k GROUP BY t.k" },
];

export interface SqlSimulation {
  setup: SimulationSetup;
  close(): Promise<void>;
}

/** plans the views once; the setup is then reused by every seed */
export async function openSqlSimulation(parallelism = 3): Promise<SqlSimulation> {
  const db = await Database.open({ memory: true });
  const session = db.connect() as Session;
  await session.execute("CREATE TABLE t (k INT, v INT); CREATE TABLE u (k INT, w INT)");
  const idOf = (name: string): string => db.catalog.getRelation([name]).id;
  const jobs = [];
  for (const v of VIEWS) {
    await session.execute(`CREATE MATERIALIZED VIEW ${v.name} AS ${v.sql}`);
    const df = db.streams.get(idOf(v.name));
    if (df === undefined) throw new Error(`view ${v.name} has no dataflow`);
    // through JSON, as the graph travels to workers
    const graph = decodeFragmentGraph(encodeFragmentGraph(fragmentPlan(df.plan, parallelism, { primaryKey: (id) => db.catalog.relationById(id)?.primaryKey })));
    jobs.push(fragmentJob(v.name, graph, session.executionContext([])));
  }
  // the views' own dataflows are not needed any more: the answer is computed ad hoc
  for (const v of VIEWS) await session.execute(`DROP MATERIALIZED VIEW ${v.name}`);
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
      for (const v of VIEWS) {
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
  broken?: SimulationOptions["broken"];
  /** per seed: faults and writes within this window (default 1500 ms simulated) */
  windowMs?: number;
  /** per seed: write batches (default 12) */
  batches?: number;
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
  const sql = views === "keyed-sum" ? null : await openSqlSimulation();
  const failures: SimulationResult[] = [];
  try {
    const from = options.from ?? 1;
    for (let seed = from; seed < from + options.seeds; seed++) {
      const runs: SimulationResult[] = [];
      const run = { broken: options.broken, windowMs: options.windowMs ?? 1500, batches: options.batches ?? 12 };
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
