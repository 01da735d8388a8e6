// Starting a continuous query (a materialized view or a SUBSCRIBE): build its dataflow, backfill
// it with what its inputs hold now — their rows, then their current watermarks, so that windows
// the watermark has already closed are emitted by EMIT ON WINDOW CLOSE now rather than at the
// next watermark — register it with the runtime, and run a first barrier so its initial result is
// complete before the statement returns.

import type { Database } from "./database.js";
import { Dataflow, checkQueryMemory, type ExecutionContext, type Operator } from "./executor/index.js";
import { remoteModelsCalled, type PhysicalPlan } from "./planner/index.js";
import { SqlError, SqlState, type Chunk } from "./types/index.js";
import type { Job } from "./jobs.js";

/** A backfill works this long between yields to the event loop (other connections, CANCEL JOB). */
const BACKFILL_SLICE_MS = 20;

/**
 * After waiting for the dataflows (FLUSH, CREATE MATERIALIZED VIEW): the error of a continuous
 * query stopped by a model failure under on_error = 'fail' — `id`'s only, or any one's.
 */
export function throwIfStopped(db: Database, id?: string): void {
  const stopped = db.streams.failures().find((f) => id === undefined || f.id === id);
  if (!stopped) return;
  const name = db.catalog.relationById(stopped.id)?.name;
  const e = stopped.error;
  const what = name ? `materialized view "${name}"` : "a subscription";
  throw new SqlError(e instanceof SqlError ? e.code : SqlState.InternalError, `${what} stopped: ${e.message}`, {
    hint: "A model call failed under on_error = 'fail'. Drop and recreate the view, or use on_error = 'null' to keep it running with NULLs.",
  });
}

/** The continuous queries calling model `name` (by relation name; "a subscription" for a SUBSCRIBE). */
export function continuousQueriesUsingModel(db: Database, name: string): string[] {
  return db.streams
    .all()
    .filter((df) => remoteModelsCalled(df.plan).has(name))
    .map((df) => {
      const rel = db.catalog.relationById(df.id);
      return rel ? `materialized view ${rel.name}` : "a subscription";
    });
}

export function startDataflow(db: Database, id: string, plan: PhysicalPlan, ctx: ExecutionContext, sink: Operator): Dataflow {
  // the limit holds for the backfill below, not for the maintenance that follows (see docs/security.md)
  const dataflow = new Dataflow(id, plan, { ...ctx, maxQueryMemory: undefined }, sink);
  for (const input of dataflow.inputs) {
    const rel = db.relation(input);
    if (rel.entry.retain === false) continue; // a stream that keeps nothing: the view starts from now
    for (const chunk of rel.store.scan(rel.entry.columns.map((_, i) => i))) {
      dataflow.deliver(input, chunk);
      try {
        checkBackfillMemory(db, ctx, dataflow);
      } catch (e) {
        dataflow.close();
        throw e;
      }
    }
  }
  return startRunning(db, dataflow);
}

/**
 * max_query_memory holds for a view's backfill: a view whose state outgrows it fails its CREATE
 * (afterwards its state may grow past it: see docs/security.md, "Limits and budgets").
 */
function checkBackfillMemory(db: Database, ctx: ExecutionContext, dataflow: Dataflow): void {
  if (ctx.maxQueryMemory && !db.isReplaying) checkQueryMemory(ctx, dataflow.stats, 0, 0);
}

/** A filled dataflow joins the runtime: its inputs' current watermarks, then a first barrier. */
function startRunning(db: Database, dataflow: Dataflow): Dataflow {
  for (const input of dataflow.inputs) {
    const wm = db.relation(input).watermark;
    if (wm !== null && wm.current !== undefined) dataflow.deliverWatermark(input, wm.column, wm.current);
  }
  db.streams.add(dataflow);
  dataflow.barrier(db.streams.nextEpoch());
  return dataflow;
}

/**
 * startDataflow for a materialized view's backfill run as a job: the inputs' rows are read from a
 * snapshot taken now and fed in slices, yielding to the event loop between them, so that other
 * connections go on (SHOW JOBS, CANCEL JOB, writes). What is published to the inputs meanwhile is
 * held and delivered after the snapshot, so the view misses nothing and counts nothing twice.
 * `publish` runs once the snapshot is in, in the same turn as the dataflow's start (the view
 * enters the catalog there); it may refuse by throwing. On cancel (57014) or failure nothing is
 * registered: the caller removes what it prepared.
 */
export async function backfillDataflow(db: Database, id: string, plan: PhysicalPlan, ctx: ExecutionContext, sink: Operator, job: Job, publish: () => void): Promise<Dataflow> {
  const dataflow = new Dataflow(id, plan, { ...ctx, maxQueryMemory: undefined }, sink);
  const held = db.streams.hold(dataflow.inputs);
  // no checkpoint while the view exists without its dataflow
  const unblock = db.addCheckpointBlocker(() => `materialized view backfill (job ${job.id}) in progress`);
  try {
    const snapshots: { input: string; chunks: Iterator<Chunk> }[] = [];
    let total = 0;
    for (const input of dataflow.inputs) {
      const rel = db.relation(input);
      if (rel.entry.retain === false) continue; // a stream that keeps nothing: the view starts from now
      const chunks = rel.store.scan(rel.entry.columns.map((_, i) => i));
      snapshots.push({ input, chunks: primed(chunks) });
      total += rel.store.size;
    }
    job.rowsTotal = total;
    let sliceStart = performance.now();
    for (const { input, chunks } of snapshots) {
      for (let r = chunks.next(); !r.done; r = chunks.next()) {
        dataflow.deliver(input, r.value);
        checkBackfillMemory(db, ctx, dataflow);
        job.advance(r.value.length);
        if (performance.now() - sliceStart >= BACKFILL_SLICE_MS) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          job.throwIfCancelled();
          sliceStart = performance.now();
        }
      }
    }
    job.committing();
    publish();
    held.replayInto(dataflow);
    return startRunning(db, dataflow);
  } catch (e) {
    dataflow.close();
    throw e;
  } finally {
    held.release();
    unblock();
  }
}

/** A snapshot generator started now: TableStore.scan takes its snapshot at the first next(). */
function primed(chunks: Generator<Chunk>): Iterator<Chunk> {
  const first = chunks.next();
  let pending: IteratorResult<Chunk> | null = first;
  return {
    next: () => {
      if (pending) {
        const r = pending;
        pending = null;
        return r;
      }
      return chunks.next();
    },
  };
}
