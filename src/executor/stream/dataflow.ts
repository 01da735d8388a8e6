// A dataflow: the running operator graph of one continuous query (a materialized view or a
// SUBSCRIBE), built from its physical plan with change feeds in place of scans. The runtime
// delivers each relation's changes to its feeds and injects barriers; the graph's sink receives
// the query's changes.

import type { PhysicalPlan } from "../../planner/physical-plan.js";
import type { Chunk } from "../../types/index.js";
import { buildGraph, type Graph } from "../graph.js";
import { isAsyncOperator, type AsyncOperator, type ExecutionContext, type Operator } from "../message.js";
import type { OperatorStats } from "../operator-stats.js";
import { TemporalFilter } from "../operators/temporal-filter.js";
import { ChangeFeed } from "./change-feed.js";
import { restoreObjects, snapshotObjects, type HasState } from "../state/index.js";

export class Dataflow {
  private readonly feeds = new Map<string, ChangeFeed[]>();
  private readonly graph: Graph;
  /** operators whose output may come later than their input (the async AI map) */
  readonly asyncOperators: AsyncOperator[];
  /** set by the runtime: an async operator emitted between barriers */
  onAsyncEmit: (() => void) | null = null;
  /** input arrived since the last checkpoint took this dataflow's state */
  changedSinceSnapshot = true;

  constructor(
    /** the relation this dataflow maintains (a view id), or a subscription id */
    readonly id: string,
    readonly plan: PhysicalPlan,
    ctx: ExecutionContext,
    readonly sink: Operator,
  ) {
    const context: ExecutionContext = { ...ctx, asyncEmitted: () => this.onAsyncEmit?.() };
    this.graph = buildGraph(plan, { ctx: context, outer: undefined }, (m) => sink.push(0, m), {
      appendOnly: false,
      scanSource: (node, emit) => {
        const feed = new ChangeFeed(node, emit);
        const list = this.feeds.get(node.relation);
        if (list) list.push(feed);
        else this.feeds.set(node.relation, [feed]);
        return feed;
      },
    });
    this.asyncOperators = this.graph.operators.filter(isAsyncOperator);
    // constant sources (VALUES, generate_series) produce their rows once, now
    for (const { source } of this.graph.sources) {
      if (source instanceof ChangeFeed) continue;
      while (source.next()) {
        /* drain */
      }
    }
  }

  /** Whether its result depends on the clock (temporal filters): the runtime ticks barriers for it. */
  get readsClock(): boolean {
    return this.graph.operators.some((op) => op instanceof TemporalFilter);
  }

  /** Relations whose changes this dataflow reads. */
  get inputs(): string[] {
    return [...this.feeds.keys()];
  }

  get operators(): Operator[] {
    return this.graph.operators;
  }

  /** live counters of each operator, in plan preorder (sage_catalog.operators, /metrics) */
  get stats(): readonly OperatorStats[] {
    return this.graph.stats;
  }

  /**
   * Stops reading its inputs: a view run on cluster workers keeps only its sink here, fed what the
   * workers computed (src/cluster-views.ts); barriers still pass through to the sink.
   */
  detachInputs(): void {
    this.feeds.clear();
  }

  deliver(relation: string, changes: Chunk): void {
    this.changedSinceSnapshot = true;
    for (const feed of this.feeds.get(relation) ?? []) feed.deliver(changes);
  }

  deliverWatermark(relation: string, column: number, value: unknown): void {
    this.changedSinceSnapshot = true;
    for (const feed of this.feeds.get(relation) ?? []) feed.deliverWatermark(column, value);
  }

  /** Input rows its async operators hold, not yet emitted. */
  get pendingRows(): number {
    let n = 0;
    for (const op of this.asyncOperators) n += op.pendingRows;
    return n;
  }

  /** The failure that stopped it (a model call under on_error = 'fail'), if any. */
  get failure(): Error | null {
    for (const op of this.asyncOperators) if (op.failure) return op.failure;
    return null;
  }

  /** Stops its async work (in-flight model calls are cancelled). */
  close(): void {
    for (const op of this.asyncOperators) op.close();
  }

  barrier(epoch: number): void {
    for (const { source, stats } of this.graph.sources) stats.timeSource(() => source.push(0, { kind: "barrier", epoch, final: false }));
  }

  /** The state of every operator and the sink (taken between barriers, when nothing is in flight). */
  snapshotState(): Buffer {
    return snapshotObjects([...this.graph.operators, this.sink] as HasState[]);
  }

  /** Restores a snapshot into this dataflow, freshly built from the same plan. */
  restoreState(bytes: Uint8Array): void {
    restoreObjects([...this.graph.operators, this.sink] as HasState[], bytes);
    this.changedSinceSnapshot = false;
  }
}
