// Builds the operator graph of a physical plan: one operator per plan node, wired so that each
// emits into its parent's input port (joins and set operations: left = port 0, right = port 1;
// UNION ALL: input i = port i). Returns the sources, which the driver (run-query.ts) pulls.
// Streaming (continuous queries) will build the same operators with appendOnly = false and drive
// the sources with periodic, non-final barriers.

import type { ExchangeSourceNode, PhysicalPlan, ScanNode } from "../planner/physical-plan.js";
import { children } from "../planner/plan-walk.js";
import type { Emit, Operator, OperatorEnv, SourceOperator } from "./message.js";
import { OperatorStats } from "./operator-stats.js";
import { DistinctOn } from "./operators/distinct-on.js";
import { Empty } from "./operators/empty.js";
import { Filter } from "./operators/filter.js";
import { HashAggregate } from "./operators/hash-aggregate.js";
import { HashJoin } from "./operators/hash-join.js";
import { LateralJoin } from "./operators/lateral-join.js";
import { Limit } from "./operators/limit.js";
import { NestedLoopJoin } from "./operators/nested-loop-join.js";
import { Project } from "./operators/project.js";
import { RecursiveCte } from "./operators/recursive-cte.js";
import { Scan } from "./operators/scan.js";
import { SetOp } from "./operators/set-op.js";
import { Sort } from "./operators/sort.js";
import { TableFunction } from "./operators/table-function.js";
import { UnionAll } from "./operators/union-all.js";
import { Values } from "./operators/values.js";
import { Window } from "./operators/window.js";
import { IncrementalWindow } from "./operators/incremental-window.js";
import { TopN } from "./operators/top-n.js";
import { SessionWindow } from "./operators/session-window.js";
import { TemporalFilter } from "./operators/temporal-filter.js";
import { VectorIndexScan } from "./operators/vector-index-scan.js";
import { VectorJoin } from "./operators/vector-join.js";
import { WorkTableScan } from "./operators/work-table-scan.js";
import { AsyncAiMap } from "./operators/async-ai-map.js";

export interface GraphOptions {
  /** the input is a snapshot and no deletes will flow (ad-hoc queries) */
  appendOnly: boolean;
  /** builds the source for a scan node (continuous queries read change feeds, not snapshots) */
  scanSource?: (node: ScanNode, emit: Emit) => SourceOperator;
  /** builds the receiving end of an exchange (fragments of a partitioned dataflow, see stream/fragment-instance.ts) */
  exchangeSource?: (node: ExchangeSourceNode, emit: Emit) => SourceOperator;
  /** measure each operator's time (default true); rows are counted either way */
  timing?: boolean;
}

export interface GraphSource {
  source: SourceOperator;
  /** true once nothing more from this source can change the result (a LIMIT above it is full) */
  done: () => boolean;
  /** the source's counters: drivers time its `next()` and barriers through `stats.timeSource` */
  stats: OperatorStats;
}

export interface Graph {
  sources: GraphSource[];
  operators: Operator[];
  /** one entry per operator built, in plan preorder (EXPLAIN ANALYZE, sage_catalog.operators) */
  stats: OperatorStats[];
}

const NEVER = (): boolean => false;

/** Builds the operators of `plan`; its output goes to `emit`. */
export function buildGraph(plan: PhysicalPlan, env: OperatorEnv, emit: Emit, options: GraphOptions): Graph {
  const graph: Graph = { sources: [], operators: [], stats: [] };
  build(plan, env, emit, options, graph, NEVER, preorderIds(plan));
  graph.stats.sort((a, b) => a.id - b.id);
  return graph;
}

/** Preorder ids of plan nodes, so that stats name the same node EXPLAIN prints on the same line. */
function preorderIds(plan: PhysicalPlan): Map<PhysicalPlan, number> {
  const ids = new Map<PhysicalPlan, number>();
  const visit = (p: PhysicalPlan): void => {
    ids.set(p, ids.size);
    for (const c of children(p)) visit(c);
  };
  visit(plan);
  return ids;
}

function build(
  node: PhysicalPlan,
  env: OperatorEnv,
  parentEmit: Emit,
  options: GraphOptions,
  graph: Graph,
  done: () => boolean,
  ids: Map<PhysicalPlan, number>,
): void {
  // every operator emits through its counters, and its inputs push through them
  const timed = options.timing ?? true;
  const stats = new OperatorStats(ids.get(node) ?? -1, node, timed);
  graph.stats.push(stats);
  const emit = stats.countOutput(parentEmit);
  const input = (op: Operator, port: number): Emit => {
    stats.operator = op;
    return stats.countInput(op, port);
  };
  const child = (p: PhysicalPlan, into: Emit, childDone: () => boolean): void => build(p, env, into, options, graph, childDone, ids);
  const source = (s: SourceOperator): void => {
    stats.operator = s;
    graph.operators.push(s);
    graph.sources.push({ source: s, done, stats });
  };
  const unary = (op: Operator, inputNode: PhysicalPlan, inputDone: () => boolean): void => {
    graph.operators.push(op);
    child(inputNode, input(op, 0), inputDone);
  };
  switch (node.kind) {
    case "scan":
      return source(options.scanSource ? options.scanSource(node, emit) : new Scan(node, env, emit));
    case "values":
      return source(new Values(node, env, emit));
    case "exchange_source":
      if (!options.exchangeSource) throw new Error("internal error: an exchange source outside a fragment");
      return source(options.exchangeSource(node, emit));
    case "empty":
      return source(new Empty(emit));
    case "table_function":
      return source(new TableFunction(node, env, emit));
    case "recursive_cte":
      return source(new RecursiveCte(node, env, emit));
    case "work_table_scan":
      return source(new WorkTableScan(node, env, emit));
    case "lateral_join":
      return unary(new LateralJoin(node, env, emit), node.left, done);
    case "vector_index_scan":
      return source(new VectorIndexScan(node, env, emit));
    case "vector_join":
      return unary(new VectorJoin(node, env, emit, { keepState: !options.appendOnly && node.leftAppendOnly !== true }), node.left, done);
    case "filter":
      return unary(new Filter(node, env, emit), node.input, done);
    case "project":
      return unary(new Project(node, env, emit), node.input, done);
    case "distinct_on":
      return unary(new DistinctOn(node, env, emit), node.input, done);
    case "limit": {
      const op = new Limit(node, env, emit);
      if (node.input.kind === "sort" && options.appendOnly) {
        // ORDER BY ... LIMIT over a snapshot: the sort keeps only the rows the limit can pass (a
        // top-N); with retractions a dropped row could come back, so only for append-only input
        const sortStats = new OperatorStats(ids.get(node.input) ?? -1, node.input, timed);
        graph.stats.push(sortStats);
        const sort = new Sort(node.input, env, sortStats.countOutput(input(op, 0)), op.bound);
        sortStats.operator = sort;
        graph.operators.push(op, sort);
        return child(node.input.input, sortStats.countInput(sort, 0), NEVER);
      }
      return unary(op, node.input, () => op.satisfied || done());
    }
    case "aggregate":
      return unary(new HashAggregate(node, env, emit, { appendOnly: options.appendOnly }), node.input, NEVER);
    case "sort":
      return unary(new Sort(node, env, emit), node.input, NEVER);
    case "window":
      return unary(node.incremental ? new IncrementalWindow(node, env, emit) : new Window(node, env, emit), node.input, NEVER);
    case "topn":
      return unary(new TopN(node, env, emit), node.input, NEVER);
    case "session_window":
      return unary(new SessionWindow(node, emit), node.input, NEVER);
    case "temporal_filter":
      return unary(new TemporalFilter(node, env, emit), node.input, NEVER);
    case "ai_map":
      return unary(new AsyncAiMap(node, env, emit), node.input, done);
    case "join": {
      const op = node.leftKeys.length > 0 ? new HashJoin(node, env, emit) : new NestedLoopJoin(node, env, emit);
      graph.operators.push(op);
      // the right (build) side's sources come first: a batch run stores it whole, then streams the
      // left side through it, so output comes in left-row order as from Postgres's joins
      child(node.right, input(op, 1), NEVER);
      child(node.left, input(op, 0), NEVER);
      return;
    }
    case "set_op": {
      const op = new SetOp(node, emit);
      graph.operators.push(op);
      child(node.left, input(op, 0), NEVER);
      child(node.right, input(op, 1), NEVER);
      return;
    }
    case "union_all": {
      if (node.inputs.length === 0) return source(new Empty(emit));
      const op = new UnionAll(node.types, node.inputs.length, emit);
      graph.operators.push(op);
      node.inputs.forEach((p, i) => child(p, input(op, i), done));
      return;
    }
  }
}
