// Test harness for partitioned dataflows: runs a materialized view on one node (a Database) while
// recording every input its dataflow receives (relation changes, watermarks, barriers), then
// replays that input into a LocalFragmentRunner over the view's plan cut into fragments, and
// renders both results as sorted lists of rows for comparison.
import { Database, formatValue } from "../../src/index.js";
import { fragmentPlan, encodeFragmentGraph, decodeFragmentGraph, type FragmentGraph, type PhysicalPlan } from "../../src/planner/index.js";
import { LocalFragmentRunner } from "../../src/executor/index.js";
import type { Chunk, DataType } from "../../src/types/index.js";
import type { Session } from "../../src/session.js";

export type Input =
  | { kind: "changes"; relation: string; changes: Chunk }
  | { kind: "watermark"; relation: string; column: number; value: unknown }
  | { kind: "barrier"; epoch: number };

export interface Recorded {
  db: Database;
  session: Session;
  plan: PhysicalPlan;
  types: DataType[];
  inputs: Input[];
  /** the single-node view's rows, rendered and sorted */
  expected: string[];
  primaryKey: (relation: string) => number[] | undefined;
}

export function render(types: readonly DataType[], chunks: readonly Chunk[]): string[] {
  const out: string[] = [];
  for (const c of chunks) {
    for (let i = 0; i < c.length; i++) {
      if (c.op(i) < 0) throw new Error("a view's rows hold a delete");
      out.push(c.columns.map((col, j) => { const v = col.get(i); return v === null ? "NULL" : formatValue(types[j], v); }).join("|"));
    }
  }
  return out.sort();
}

/** Runs `setup` (DDL), creates the view `viewSql` (named v), runs each statement of `writes`, recording the view's inputs. */
export async function recordView(setup: string[], viewSql: string, writes: string[]): Promise<Recorded> {
  const db = await Database.open({ memory: true });
  const session = db.connect() as Session;
  for (const s of setup) await session.execute(s);
  const inputs: Input[] = [];
  const rt = db.streams;
  const publish = rt.publish.bind(rt);
  rt.publish = (relation: string, changes: Chunk, fromDataflow = false) => {
    if (!fromDataflow && changes.length > 0) inputs.push({ kind: "changes", relation, changes });
    publish(relation, changes, fromDataflow);
  };
  const publishWatermark = rt.publishWatermark.bind(rt);
  rt.publishWatermark = (relation: string, column: number, value: unknown) => {
    inputs.push({ kind: "watermark", relation, column, value });
    publishWatermark(relation, column, value);
  };
  const barrier = rt.barrier.bind(rt);
  rt.barrier = (force = false) => {
    const before = rt.epoch;
    const epoch = barrier(force);
    if (epoch !== before) inputs.push({ kind: "barrier", epoch });
    return epoch;
  };
  await session.execute(viewSql);
  const view = db.catalog.getRelation(["v"]);
  const df = rt.get(view.id);
  if (!df) throw new Error("the view has no dataflow");
  for (const w of writes) await session.execute(w);
  await session.execute("FLUSH");
  const result = (await session.execute("SELECT * FROM v"))[0];
  const types = df.plan.types;
  const expected = render(types, [result.rows ? chunkOf(types, result.rows as unknown[][]) : []].flat());
  return {
    db,
    session,
    plan: df.plan,
    types,
    inputs,
    expected,
    primaryKey: (id) => db.catalog.relationById(id)?.primaryKey,
  };
}

function chunkOf(types: DataType[], rows: unknown[][]): Chunk {
  // imported lazily to keep the harness's imports small
  return { columns: types.map((_, c) => ({ get: (i: number) => rows[i][c] })), length: rows.length, op: () => 1 } as unknown as Chunk;
}

export interface ReplayOptions {
  parallelism: number;
  shuffleSeed?: number;
  /** snapshot every instance, rebuild and restore at the barrier nearest this fraction of the input */
  restoreAt?: number;
}

/** Replays the recorded input into the view's plan cut into fragments; returns the rendered rows. */
export function replay(rec: Recorded, options: ReplayOptions): { rows: string[]; graph: FragmentGraph; exchanged: number } {
  const graph = decodeFragmentGraph(encodeFragmentGraph(fragmentPlan(rec.plan, options.parallelism, { primaryKey: rec.primaryKey })));
  const ctx = rec.session.executionContext([]);
  let runner = new LocalFragmentRunner(graph, ctx, { shuffleSeed: options.shuffleSeed });
  const inputs = new Set(runner.inputs);
  const cut = options.restoreAt === undefined ? -1 : Math.floor(rec.inputs.length * options.restoreAt);
  let restored = false;
  let exchanged = 0;
  rec.inputs.forEach((m, i) => {
    if (m.kind === "changes") {
      if (inputs.has(m.relation)) runner.deliver(m.relation, m.changes);
    } else if (m.kind === "watermark") {
      if (inputs.has(m.relation)) runner.deliverWatermark(m.relation, m.column, m.value);
    } else {
      runner.barrier(m.epoch);
      if (!restored && cut >= 0 && i >= cut) {
        restored = true;
        const state = runner.snapshot();
        exchanged += runner.exchanged;
        runner = new LocalFragmentRunner(graph, ctx, { shuffleSeed: (options.shuffleSeed ?? 0) + 1 });
        runner.restore(state);
      }
    }
  });
  exchanged += runner.exchanged;
  return { rows: render(rec.types, runner.rows()), graph, exchanged };
}
