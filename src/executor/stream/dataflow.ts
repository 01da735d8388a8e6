// A dataflow: the running operator graph of one continuous query (a materialized view or a
// SUBSCRIBE), built from its physical plan with change feeds in place of scans. The runtime
// delivers each relation's changes to its feeds and injects barriers; the graph's sink receives
// the query's changes.

import type { PhysicalPlan } from "../../planner/physical-plan.js";
import type { Chunk } from "../../types/index.js";
import { buildGraph, type Graph } from "../graph.js";
import type { ExecutionContext, Operator } from "../message.js";
import type { OperatorStats } from "../operator-stats.js";
import { TemporalFilter } from "../operators/temporal-filter.js";
import { ChangeFeed } from "./change-feed.js";

export class Dataflow {
  private readonly feeds = new Map<string, ChangeFeed[]>();
  private readonly graph: Graph;

  constructor(
    /** the relation this dataflow maintains (a view id), or a subscription id */
    readonly id: string,
    readonly plan: PhysicalPlan,
    ctx: ExecutionContext,
    readonly sink: Operator,
  ) {
    this.graph = buildGraph(plan, { ctx, outer: undefined }, (m) => sink.push(0, m), {
      appendOnly: false,
      scanSource: (node, emit) => {
        const feed = new ChangeFeed(node, emit);
        const list = this.feeds.get(node.relation);
        if (list) list.push(feed);
        else this.feeds.set(node.relation, [feed]);
        return feed;
      },
    });
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

  deliver(relation: string, changes: Chunk): void {
    for (const feed of this.feeds.get(relation) ?? []) feed.deliver(changes);
  }

  deliverWatermark(relation: string, column: number, value: unknown): void {
    for (const feed of this.feeds.get(relation) ?? []) feed.deliverWatermark(column, value);
  }

  barrier(epoch: number): void {
    for (const { source, stats } of this.graph.sources) stats.timeSource(() => source.push(0, { kind: "barrier", epoch, final: false }));
  }
}
