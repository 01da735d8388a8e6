// Runs a physical plan as an ad-hoc (batch) query: builds the operator graph with a Collect sink,
// drives each source to exhaustion (checking for cancellation between chunks, and stopping a
// source early once a LIMIT above it is full), then sends the final barrier down every source and
// returns what reached the sink: insert-only chunks.
// Everything runs synchronously on the caller's stack. An asynchronous operator (the AI map that
// batches EMBED/GENERATE calls) will hook in here: the driver becomes an async loop that awaits
// the operators' pending work before pulling the next chunk and before the barrier is released.

import type { PhysicalPlan } from "../planner/physical-plan.js";
import type { Chunk } from "../types/index.js";
import { buildGraph } from "./graph.js";
import { type BarrierMessage, checkCancelled, type ExecutionContext } from "./message.js";
import { Collect } from "./operators/collect.js";
import type { OperatorStats } from "./operator-stats.js";
import { checkQueryMemory } from "./memory-limit.js";

/** Runs `plan` to completion; `outer` holds a correlated subquery's outer values. */
export function runQuery(plan: PhysicalPlan, ctx: ExecutionContext, outer?: unknown[]): Chunk[] {
  const run = startRun(plan, ctx, outer, false);
  for (const { source, done, stats } of run.graph.sources) {
    const next = () => source.next();
    for (;;) {
      checkCancelled(run.ctx);
      run.checkMemory();
      if (done() || !stats.timeSource(next)) break;
    }
  }
  return run.finish().chunks;
}

/** Runs `plan` to completion and also returns each operator's counters and times (EXPLAIN ANALYZE). */
export function runQueryWithStats(plan: PhysicalPlan, ctx: ExecutionContext, outer?: unknown[]): { chunks: Chunk[]; stats: OperatorStats[] } {
  const run = startRun(plan, ctx, outer, true);
  for (const { source, done, stats } of run.graph.sources) {
    const next = () => source.next();
    for (;;) {
      checkCancelled(run.ctx);
      run.checkMemory();
      if (done() || !stats.timeSource(next)) break;
    }
  }
  return run.finish();
}

/**
 * Runs a top-level `plan` like runQuery, but gives the event loop a turn between source chunks
 * once `sliceMs` has passed since the last one, so that a long query does not starve other
 * connections and a cancel request (or a timer) can reach `ctx.cancelled` while it runs. A query
 * shorter than one slice never yields (it reads one snapshot, as runQuery does); a longer one
 * may see, in relations it starts reading after a turn, writes committed during that turn.
 */
export async function runQueryYielding(plan: PhysicalPlan, ctx: ExecutionContext, sliceMs = 20): Promise<Chunk[]> {
  const run = startRun(plan, ctx, undefined, false);
  let sliceStart = Date.now();
  let before = 0; // rows of the sources already finished
  for (const { source, done, stats } of run.graph.sources) {
    const next = () => source.next();
    for (;;) {
      if (Date.now() - sliceStart >= sliceMs) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        sliceStart = Date.now();
      }
      checkCancelled(run.ctx);
      run.checkMemory();
      run.ctx.progress?.(before + stats.rowsOut);
      if (done() || !stats.timeSource(next)) break;
    }
    before += stats.rowsOut;
  }
  return run.finish().chunks;
}

function startRun(plan: PhysicalPlan, ctx: ExecutionContext, outer: unknown[] | undefined, timing: boolean) {
  // A top-level run gets a context of its own: subquery results are cached per context, and must
  // not outlive the statement. Subqueries (outer given) share their statement's context.
  if (outer === undefined) ctx = { ...ctx };
  const sink = new Collect(plan.types, ctx);
  const graph = buildGraph(plan, { ctx, outer }, (m) => sink.push(0, m), { appendOnly: true, timing });
  return {
    ctx,
    graph,
    /** 53200 once the query holds more than max_query_memory (see memory-limit.ts) */
    checkMemory(): void {
      if (ctx.maxQueryMemory) checkQueryMemory(ctx, graph.stats, sink.rows, plan.types.length);
    },
    finish(): { chunks: Chunk[]; stats: OperatorStats[] } {
      const barrier: BarrierMessage = { kind: "barrier", epoch: 1, final: true };
      for (const { source, stats } of graph.sources) stats.timeSource(() => source.push(0, barrier));
      // what the final barrier released (a sort's output, a window's rows) counts too
      if (ctx.maxQueryMemory) checkQueryMemory(ctx, graph.stats, sink.rows, plan.types.length);
      return { chunks: sink.result(), stats: graph.stats };
    },
  };
}
