// Test harness for partitioned dataflows: runs materialized views on one node (a Database) while
// recording every input their dataflows receive (relation changes, watermarks, barriers, in order),
// then replays that input into a LocalFragmentRunner over a view's plan cut into fragments, and
// renders both results as sorted lists of rows for comparison.
import { Database, formatValue } from "../../src/index.js";
import { fragmentPlan, encodeFragmentGraph, decodeFragmentGraph, type FragmentGraph, type PhysicalPlan } from "../../src/planner/index.js";
import { Dataflow, LocalFragmentRunner } from "../../src/executor/index.js";
import type { Chunk, DataType } from "../../src/types/index.js";
import type { Session } from "../../src/session.js";
import { TABLES } from "../../bench/nexmark/nexmark.js";
import { createGeneratorSource } from "../../src/connectors/index.js";
import { tableEventsBefore } from "../../src/connectors/nexmark/event-model.js";

export type Input =
  | { kind: "changes"; relation: string; changes: Chunk }
  | { kind: "watermark"; relation: string; column: number; value: unknown }
  | { kind: "barrier"; epoch: number };

export interface RecordedView {
  name: string;
  plan: PhysicalPlan;
  types: DataType[];
  /** the single-node view's rows, rendered and sorted */
  expected: string[];
  /** the view's net changes per epoch on one node (what SUBSCRIBE sends), rendered "+row"/"-row" and sorted */
  changes: Map<number, string[]>;
  /** everything its dataflow received, in order */
  inputs: Input[];
}

export interface Recording {
  db: Database;
  session: Session;
  views: Map<string, RecordedView>;
  primaryKey: (relation: string) => number[] | undefined;
}

function renderValue(type: DataType, v: unknown): string {
  return v === null ? "NULL" : formatValue(type, v);
}

/** Net changes as "+row" / "-row" lines, sorted. */
export function renderChanges(types: readonly DataType[], chunks: readonly Chunk[]): string[] {
  const out: string[] = [];
  for (const c of chunks) {
    for (let i = 0; i < c.length; i++) out.push((c.op(i) > 0 ? "+" : "-") + c.columns.map((col, j) => renderValue(types[j], col.get(i))).join("|"));
  }
  return out.sort();
}

export function renderChunks(types: readonly DataType[], chunks: readonly Chunk[]): string[] {
  const out: string[] = [];
  for (const c of chunks) {
    for (let i = 0; i < c.length; i++) {
      if (c.op(i) < 0) throw new Error("a view's rows hold a delete");
      out.push(c.columns.map((col, j) => renderValue(types[j], col.get(i))).join("|"));
    }
  }
  return out.sort();
}

/**
 * Runs `script` (DDL creating relations and the views), then `drive` (the writes), recording the
 * inputs of the views named in `views` from the start; the views' contents are read at the end.
 */
export async function recordViews(script: string[], views: string[], drive: (session: Session, viewsCreated: () => void) => Promise<void>): Promise<Recording> {
  const db = await Database.open({ memory: true });
  const session = db.connect() as Session;
  const recorder = recordDataflowInputs();
  const rt = db.streams;
  const changes = new Map<string, Map<number, string[]>>();
  const listenAll = () => {
    for (const name of views) {
      if (changes.has(name)) continue;
      const rel = db.catalog.findRelation(["public", name]);
      if (!rel) continue;
      const byEpoch = new Map<number, string[]>();
      changes.set(name, byEpoch);
      rt.listen(rel.id, (c, epoch) => {
        const types = rel.columns.map((col) => col.type);
        byEpoch.set(epoch, [...(byEpoch.get(epoch) ?? []), ...renderChanges(types, [c])].sort());
      });
    }
  };
  await session.execute(script.join(";\n"));
  listenAll();
  await drive(session, listenAll);
  await session.execute("FLUSH");
  rt.barrier(true);
  recorder.stop();
  const out = new Map<string, RecordedView>();
  for (const name of views) {
    const rel = db.catalog.getRelation([name]);
    const df = rt.get(rel.id);
    if (!df) throw new Error(`view ${name} has no dataflow`);
    const [r] = await session.execute(`SELECT * FROM ${name}`);
    const types = df.plan.types;
    const expected = r.rows.map((row) => row.map((v, i) => renderValue(types[i], v)).join("|")).sort();
    out.set(name, { name, plan: df.plan, types, expected, changes: changes.get(name) ?? new Map(), inputs: recorder.inputsOf(rel.id) });
  }
  return { db, session, views: out, primaryKey: (id) => db.catalog.relationById(id)?.primaryKey };
}

/**
 * Records, from now on, every input each dataflow of this process receives (its id: a view's
 * relation id), exactly as it receives it: a backfill's snapshot rows, the changes held during
 * it, the watermarks and first barrier it starts with, then each published change, watermark and
 * barrier. Stop with the returned function.
 */
export function recordDataflowInputs(): { inputsOf(id: string): Input[]; stop(): void } {
  const logs = new Map<string, Input[]>();
  const log = (id: string): Input[] => {
    let l = logs.get(id);
    if (!l) logs.set(id, (l = []));
    return l;
  };
  const proto = Dataflow.prototype;
  const { deliver, deliverWatermark, barrier } = proto;
  proto.deliver = function (this: Dataflow, relation: string, changes: Chunk) {
    if (changes.length > 0) log(this.id).push({ kind: "changes", relation, changes });
    deliver.call(this, relation, changes);
  };
  proto.deliverWatermark = function (this: Dataflow, relation: string, column: number, value: unknown) {
    log(this.id).push({ kind: "watermark", relation, column, value });
    deliverWatermark.call(this, relation, column, value);
  };
  proto.barrier = function (this: Dataflow, epoch: number) {
    log(this.id).push({ kind: "barrier", epoch });
    barrier.call(this, epoch);
  };
  return {
    inputsOf: (id) => logs.get(id) ?? [],
    stop: () => {
      Object.assign(proto, { deliver, deliverWatermark, barrier });
    },
  };
}

export interface ReplayOptions {
  parallelism: number;
  shuffleSeed?: number;
  /** snapshot every instance, rebuild them all and restore, at the first barrier past this fraction of the input */
  restoreAt?: number;
}

/** Replays the recorded input into a view's plan cut into fragments; returns the rendered rows. */
export function replay(rec: Recording, view: string, options: ReplayOptions): { rows: string[]; graph: FragmentGraph; exchanged: number; changes: Map<number, string[]> } {
  const v = rec.views.get(view)!;
  // through JSON, as the graph travels to workers
  const graph = decodeFragmentGraph(encodeFragmentGraph(fragmentPlan(v.plan, options.parallelism, { primaryKey: rec.primaryKey })));
  const ctx = rec.session.executionContext([]);
  const changes = new Map<number, string[]>();
  // the first barrier is the one the view starts with, whose changes (a global aggregate's row
  // for no input) no listener sees: it is registered once the view exists
  const first = v.inputs.find((m) => m.kind === "barrier");
  const gather = (epoch: number, chunks: Chunk[]) => {
    const rendered = renderChanges(v.types, chunks);
    if (rendered.length > 0 && (first === undefined || first.kind !== "barrier" || epoch !== first.epoch)) changes.set(epoch, rendered);
  };
  let runner = new LocalFragmentRunner(graph, ctx, { shuffleSeed: options.shuffleSeed });
  runner.onEpoch(gather);
  const inputs = new Set(runner.inputs);
  const cut = options.restoreAt === undefined ? -1 : Math.floor(v.inputs.length * options.restoreAt);
  let restored = false;
  let exchanged = 0;
  v.inputs.forEach((m, i) => {
    if (m.kind === "changes") {
      if (inputs.has(m.relation)) runner.deliver(m.relation, m.changes);
    } else if (m.kind === "watermark") {
      if (inputs.has(m.relation)) runner.deliverWatermark(m.relation, m.column, m.value);
    } else {
      runner.barrier(m.epoch);
      if (!restored && cut >= 0 && i >= cut) {
        restored = true;
        const state = runner.snapshot().map((parts) => parts.map((b) => Uint8Array.from(b)));
        exchanged += runner.exchanged;
        runner = new LocalFragmentRunner(graph, ctx, { shuffleSeed: options.shuffleSeed === undefined ? undefined : options.shuffleSeed + 1 });
        runner.restore(state);
        runner.onEpoch(gather);
      }
    }
  });
  exchanged += runner.exchanged;
  return { rows: renderChunks(v.types, runner.rows()), graph, exchanged, changes };
}

export { Rng } from "../seeded-rng.js";

/** Drives `events` Nexmark events into the streams in ticks of `tick` events, one epoch per table per tick, as the connector does. */
export async function driveNexmark(session: Session, events: number, tick: number): Promise<void> {
  const db = session.db;
  const gens = new Map(
    TABLES.map((t) => {
      const entry = db.catalog.findRelation(["public", t])!;
      const options = { "nexmark.table": t, "nexmark.events_per_second": "0", "nexmark.max_events": String(events), "nexmark.first_event_rate": "500" };
      return [t, { id: entry.id, gen: createGeneratorSource("nexmark", options, entry.columns.map((c) => ({ name: c.name, type: c.type }))) }];
    }),
  );
  for (let lo = 0; lo < events; lo += tick) {
    const hi = Math.min(events, lo + tick);
    for (const t of TABLES) {
      const due = tableEventsBefore(t, hi) - tableEventsBefore(t, lo);
      if (due <= 0) continue;
      const { id, gen } = gens.get(t)!;
      const chunk = gen.next(due);
      if (chunk === null) continue;
      const r = db.relation(id).appendChunk(chunk);
      db.publishChunk(id, r.accepted);
      db.publishChanges(id, [], [], r.watermark);
    }
  }
}
