// Starting a continuous query (a materialized view or a SUBSCRIBE): build its dataflow, backfill
// it with what its inputs hold now — their rows, then their current watermarks, so that windows
// the watermark has already closed are emitted by EMIT ON WINDOW CLOSE now rather than at the
// next watermark — register it with the runtime, and run a first barrier so its initial result is
// complete before the statement returns.

import type { Database } from "./database.js";
import { Dataflow, checkQueryMemory, type ExecutionContext, type Operator } from "./executor/index.js";
import { remoteModelsCalled, type PhysicalPlan } from "./planner/index.js";
import { SqlError, SqlState } from "./types/index.js";

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
      // max_query_memory holds for the backfill: a view whose state outgrows it fails its CREATE
      // (afterwards its state may grow past it: see docs/security.md, "Limits and budgets")
      if (ctx.maxQueryMemory && !db.isReplaying) {
        try {
          checkQueryMemory(ctx, dataflow.stats, 0, 0);
        } catch (e) {
          dataflow.close();
          throw e;
        }
      }
    }
  }
  for (const input of dataflow.inputs) {
    const wm = db.relation(input).watermark;
    if (wm !== null && wm.current !== undefined) dataflow.deliverWatermark(input, wm.column, wm.current);
  }
  db.streams.add(dataflow);
  dataflow.barrier(db.streams.nextEpoch());
  return dataflow;
}
