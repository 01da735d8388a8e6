// The physical plan: what the planner hands the executor. Plain serializable data (it travels to
// workers later), so the planner never imports the executor. Every node lists the types of the
// columns it outputs; expressions refer to input columns by position.

import type { DataType } from "../types/data-type.js";

// ───────────────────────────── bound expressions ─────────────────────────────

export type BoundExpr =
  | ConstExpr
  | ColumnExpr
  | OuterColumnExpr
  | ParamRefExpr
  | CallExpr
  | CastExprB
  | LogicalExpr
  | NotExpr
  | IsNullExpr
  | IsBoolExpr
  | CaseExprB
  | InListExprB
  | CoalesceExpr
  | SubqueryExprB;

/** A constant, already in its scalar form (see types/column.ts). */
export interface ConstExpr {
  kind: "const";
  type: DataType;
  value: unknown;
}

/** Column `index` of the operator's input row (for joins: left columns, then right columns). */
export interface ColumnExpr {
  kind: "column";
  index: number;
  type: DataType;
}

/**
 * A column of an enclosing query's row, inside a correlated subquery: `index` into the outer
 * parameters the subquery was called with (SubqueryExprB.correlated, in order).
 */
export interface OuterColumnExpr {
  kind: "outer";
  index: number;
  type: DataType;
}

/** `$n` of a prepared statement (0-based index here). */
export interface ParamRefExpr {
  kind: "param";
  index: number;
  type: DataType;
}

/** A built-in scalar function or operator, by the id the function registry (types/functions) resolved. */
export interface CallExpr {
  kind: "call";
  fn: string;
  args: BoundExpr[];
  type: DataType;
}

export interface CastExprB {
  kind: "cast";
  expr: BoundExpr;
  type: DataType;
  /** 'assignment' for casts into a column on INSERT/UPDATE (varchar(n) overflow is an error, not a truncation); pass to castValue */
  context?: "explicit" | "assignment" | "implicit";
}

/** AND / OR with three-valued logic over any number of arguments. */
export interface LogicalExpr {
  kind: "and" | "or";
  args: BoundExpr[];
  type: DataType;
}

export interface NotExpr {
  kind: "not";
  arg: BoundExpr;
  type: DataType;
}

export interface IsNullExpr {
  kind: "is_null";
  arg: BoundExpr;
  negated: boolean;
  type: DataType;
}

/** IS [NOT] TRUE | FALSE | UNKNOWN */
export interface IsBoolExpr {
  kind: "is_bool";
  arg: BoundExpr;
  test: "true" | "false" | "unknown";
  negated: boolean;
  type: DataType;
}

/** Searched CASE (the binder rewrites the simple form into `operand = value` tests). */
export interface CaseExprB {
  kind: "case";
  whens: { when: BoundExpr; then: BoundExpr }[];
  else: BoundExpr;
  type: DataType;
}

/** x [NOT] IN (a, b, c), with SQL's NULL semantics; `eq` is the resolved equality function id. */
export interface InListExprB {
  kind: "in_list";
  expr: BoundExpr;
  list: BoundExpr[];
  negated: boolean;
  eq: string;
  type: DataType;
}

/** COALESCE, GREATEST, LEAST (lazy / NULL-skipping forms that are not plain strict functions). */
export interface CoalesceExpr {
  kind: "coalesce" | "greatest" | "least" | "nullif";
  args: BoundExpr[];
  /** for greatest/least/nullif: the comparison function id */
  cmp?: string;
  type: DataType;
}

/**
 * A subquery used as an expression. The executor runs `plan` with the values of `correlated`
 * (evaluated on the current row) as its outer parameters, caching results per distinct outer values.
 *   scalar: the single value of a one-column result (NULL if empty, error 21000 if more than one row)
 *   exists: whether there is at least one row
 *   in / any / all: `lhs op ANY|ALL (column)`, three-valued; `in` is `= ANY`; `cmp` is the function id
 *   array: ARRAY(SELECT ...)
 */
export interface SubqueryExprB {
  kind: "subquery";
  mode: "scalar" | "exists" | "any" | "all" | "array";
  plan: PhysicalPlan;
  correlated: BoundExpr[];
  lhs?: BoundExpr;
  cmp?: string;
  /**
   * Row comparison `(a, b) op ANY|ALL (SELECT x, y ...)`: the left row's fields and one comparison
   * function id per column (then `lhs`/`cmp` are unset). A row matches when every pairwise
   * comparison is true (three-valued AND); `in` over rows is `= ANY`.
   */
  lhsRow?: BoundExpr[];
  cmps?: string[];
  type: DataType;
}

// ───────────────────────────── plan nodes ─────────────────────────────

export type PhysicalPlan =
  | ScanNode
  | ValuesNode
  | FilterNode
  | ProjectNode
  | AggregateNode
  | JoinNode
  | SortNode
  | LimitNode
  | DistinctOnNode
  | SetOpNode
  | UnionAllNode
  | WindowNode
  | TableFunctionNode
  | RecursiveCteNode
  | WorkTableScanNode
  | LateralJoinNode
  | TopNNode
  | SessionWindowNode
  | TemporalFilterNode
  | AiMapNode
  | VectorIndexScanNode
  | VectorJoinNode
  | ExchangeSourceNode
  | EmptyNode;

interface NodeBase {
  /** output column types */
  types: DataType[];
}

/** Reads a table, stream or materialized view's current contents; `columns` picks and orders them. */
export interface ScanNode extends NodeBase {
  kind: "scan";
  /** catalog object id */
  relation: string;
  /** the name as written, for EXPLAIN */
  name: string;
  columns: number[];
  /**
   * set by the key-lookup rule: `column` (of the relation) is a one-column unique key and the
   * filter above requires it to equal `value` (a constant or a parameter): the scan reads only
   * that row, where the relation can find it by key (the filter still applies)
   */
  keyEquals?: { column: number; value: ConstExpr | ParamRefExpr };
}

export interface ValuesNode extends NodeBase {
  kind: "values";
  rows: BoundExpr[][];
}

/**
 * EMBED/GENERATE calls with a remote model in a continuous query, taken out of the expressions
 * that held them: the output is the input's columns followed by one column per call, filled in
 * asynchronously by the async AI map operator (batched, cached, bounded, in order). The
 * expressions above read those columns instead of calling the model.
 */
export interface AiMapNode extends NodeBase {
  kind: "ai_map";
  input: PhysicalPlan;
  calls: AiMapCall[];
  /**
   * The input can delete rows (it is not only appends to streams): the operator then keeps the
   * answers it emitted per input row, so that a delete carries the very answer its insert got
   * (a model need not answer the same twice) and costs no call.
   */
  retractable: boolean;
}

export interface AiMapCall {
  kind: "embed" | "generate";
  model: string;
  /** the text sent, over the input row */
  input: BoundExpr;
  /** GENERATE's options (jsonb text), over the input row */
  options: BoundExpr | null;
  type: DataType;
}

/**
 * The receiving end of an exchange between fragments (see fragments.ts): the rows, watermarks and
 * barriers that the partitions of the upstream fragment sent to this partition. A leaf.
 */
export interface ExchangeSourceNode extends NodeBase {
  kind: "exchange_source";
  /** the exchange's id in its FragmentGraph */
  exchange: number;
}

/** No rows (a WHERE false folded away); still has the output types. */
export interface EmptyNode extends NodeBase {
  kind: "empty";
}

export interface FilterNode extends NodeBase {
  kind: "filter";
  input: PhysicalPlan;
  predicate: BoundExpr;
}

export interface ProjectNode extends NodeBase {
  kind: "project";
  input: PhysicalPlan;
  exprs: BoundExpr[];
  /**
   * Outputs that never decrease when input column `input` does (window_start of a TUMBLE over the
   * event time, say): a watermark on that input becomes a watermark on the output, computed by
   * evaluating the output's expression at the watermark value.
   */
  monotone?: { output: number; input: number }[];
}

export interface AggregateCall {
  /** aggregate id from the registry: count, count_star, sum, avg, min, max, bool_and, bool_or, string_agg, array_agg... */
  fn: string;
  args: BoundExpr[];
  distinct: boolean;
  filter?: BoundExpr;
  /** ORDER BY inside the call (string_agg, array_agg) */
  orderBy?: SortKey[];
  type: DataType;
}

/**
 * Hash aggregate: output is the group-by values then one column per aggregate. With no group
 * keys it outputs exactly one row even on empty input (count = 0, others NULL).
 */
export interface AggregateNode extends NodeBase {
  kind: "aggregate";
  input: PhysicalPlan;
  groupBy: BoundExpr[];
  aggregates: AggregateCall[];
  /**
   * EMIT ON WINDOW CLOSE: a group is emitted once, final, when a watermark on one of its key
   * columns passes its key value; until then it emits nothing. Without it, groups behind a
   * watermark are emitted as usual and then their state is dropped.
   */
  emitOnWindowClose?: boolean;
}

/**
 * Join. With equi-keys, a hash join; without, a nested loop. `condition` is the residual
 * predicate over the concatenated row (left columns then right columns). Output: left ++ right
 * columns, except semi/anti joins which output the left columns only.
 */
export interface JoinNode extends NodeBase {
  kind: "join";
  joinType: "inner" | "left" | "right" | "full" | "semi" | "anti";
  left: PhysicalPlan;
  right: PhysicalPlan;
  leftKeys: BoundExpr[];
  rightKeys: BoundExpr[];
  condition?: BoundExpr;
  /**
   * A lookup (temporal) join, `JOIN t FOR SYSTEM_TIME AS OF PROCTIME()`: each left row is joined
   * with the right side as it stands when the row arrives; later right changes update the lookup
   * state but never revise rows already joined. The left side must be append-only.
   */
  lookup?: boolean;
  /**
   * Interval join state cleanup (continuous inner joins only; see interval-join.ts): per side, the
   * bounds under which a stored row can no longer match any future row of the other side. A
   * stored row is evicted at a barrier once, for one of its side's bounds,
   * `rowExpr(row[column]) < otherExpr(watermark on the other side's otherColumn)` and
   * `row[column]` is behind its own side's watermark on `column`. With it, the join also forwards
   * watermarks of its inputs' columns (held back by the oldest stored row).
   */
  stateCleanup?: { left?: JoinCleanupBound[]; right?: JoinCleanupBound[] };
}

/** One interval bound of a join side (JoinNode.stateCleanup); both expressions read column 0 only. */
export interface JoinCleanupBound {
  /** the stored row's time column (in its side's columns) */
  column: number;
  /** monotone expression of that column (as column 0) */
  rowExpr: BoundExpr;
  /** the other side's column whose watermark bounds future rows */
  otherColumn: number;
  /** monotone expression of the other side's column (as column 0), evaluated at its watermark */
  otherExpr: BoundExpr;
}

export interface SortKey {
  expr: BoundExpr;
  desc: boolean;
  nullsFirst: boolean;
}

export interface SortNode extends NodeBase {
  kind: "sort";
  input: PhysicalPlan;
  keys: SortKey[];
}

/** LIMIT/OFFSET; the expressions are constant (or $n parameters) and evaluated once. */
export interface LimitNode extends NodeBase {
  kind: "limit";
  input: PhysicalPlan;
  limit?: BoundExpr;
  offset?: BoundExpr;
}

/** DISTINCT ON (keys): the first row of each key group in input order (input is sorted). */
export interface DistinctOnNode extends NodeBase {
  kind: "distinct_on";
  input: PhysicalPlan;
  keys: BoundExpr[];
}

/** UNION / INTERSECT / EXCEPT [ALL] with SQL's duplicate semantics (NULLs compare equal). */
export interface SetOpNode extends NodeBase {
  kind: "set_op";
  op: "union" | "intersect" | "except";
  all: boolean;
  left: PhysicalPlan;
  right: PhysicalPlan;
}

export interface UnionAllNode extends NodeBase {
  kind: "union_all";
  inputs: PhysicalPlan[];
}

export interface WindowFrameB {
  mode: "rows" | "range" | "groups";
  start: { kind: "unbounded_preceding" | "preceding" | "current_row" | "following" | "unbounded_following"; offset?: BoundExpr };
  end: { kind: "unbounded_preceding" | "preceding" | "current_row" | "following" | "unbounded_following"; offset?: BoundExpr };
}

export interface WindowCall {
  /** row_number, rank, dense_rank, percent_rank, cume_dist, ntile, lag, lead, first_value, last_value, nth_value, or an aggregate id */
  fn: string;
  args: BoundExpr[];
  /** true when fn is an aggregate used as a window function */
  aggregate: boolean;
  distinct?: boolean;
  filter?: BoundExpr;
  partitionBy: BoundExpr[];
  orderBy: SortKey[];
  frame: WindowFrameB;
  type: DataType;
}

/** Appends one column per window function to each input row; output order is unspecified. */
export interface WindowNode extends NodeBase {
  kind: "window";
  input: PhysicalPlan;
  functions: WindowCall[];
  /** continuous queries: keep each partition's rows and re-emit a partition's changed rows at barriers */
  incremental?: boolean;
}

/**
 * Incremental top-N (continuous queries): per partition (none = one), the rows ranked by `keys`
 * in positions offset+1 .. offset+limit, kept exact under inserts and deletes. With `rowNumber`
 * it appends each kept row's rank (1-based, within the partition) as a bigint column — the
 * `ROW_NUMBER() OVER (PARTITION BY ... ORDER BY ...) <= n` pattern.
 */
export interface TopNNode extends NodeBase {
  kind: "topn";
  input: PhysicalPlan;
  partitionBy: BoundExpr[];
  keys: SortKey[];
  limit: number;
  offset: number;
  rowNumber: boolean;
}

/**
 * SESSION(rel, ts, gap [, key ...]): the input rows with window_start and window_end (two more
 * columns, of ts's type) of their session — per partition (`partitionBy` input columns; none =
 * the whole input), rows less than `gap` apart in `timeColumn` form one session, which spans
 * [first ts, last ts + gap). With `emitOnWindowClose` a session's rows are emitted once, final,
 * when a watermark on ts reaches its window_end; otherwise they are emitted as rows arrive and
 * re-emitted (retracted and inserted) when sessions grow or merge.
 */
export interface SessionWindowNode extends NodeBase {
  kind: "session_window";
  input: PhysicalPlan;
  timeColumn: number;
  /** µs */
  gap: number;
  partitionBy: number[];
  emitOnWindowClose?: boolean;
}

/**
 * A temporal filter (continuous queries only): rows are visible while the clock `now` (µs) lies
 * in [max(from), min(until)), each bound an expression over the row (timestamptz µs; a NULL
 * bound hides the row). From `WHERE ts > now() - INTERVAL '1 hour'` and the like; rows enter and
 * leave as the runtime's clock advances (at barriers).
 */
export interface TemporalFilterNode extends NodeBase {
  kind: "temporal_filter";
  input: PhysicalPlan;
  /** visible once now >= each of these */
  from: BoundExpr[];
  /** visible while now < each of these */
  until: BoundExpr[];
}

/** A set-returning function in FROM: generate_series, unnest, ... (args are constant or correlated). */
export interface TableFunctionNode extends NodeBase {
  kind: "table_function";
  fn: string;
  args: BoundExpr[];
  withOrdinality: boolean;
}

/**
 * WITH RECURSIVE: runs `base`, then runs `recursive` again and again, each time with the working
 * table (read by WorkTableScan nodes with the same `id`) holding the previous round's new rows,
 * until a round adds nothing. Output: all rows produced. With `all` false (UNION) duplicate rows
 * are dropped, both within a round and against every earlier row.
 */
export interface RecursiveCteNode extends NodeBase {
  kind: "recursive_cte";
  /** unique within the statement */
  id: string;
  name: string;
  all: boolean;
  base: PhysicalPlan;
  recursive: PhysicalPlan;
}

/** The working table of the enclosing RecursiveCteNode with this `id` (the previous round's rows). */
export interface WorkTableScanNode extends NodeBase {
  kind: "work_table_scan";
  id: string;
  name: string;
}

/**
 * A dependent (LATERAL) join: for each left row, `correlated` (expressions over the left row, or
 * outer values of the enclosing query) gives the outer parameters the `right` plan runs with;
 * output is left ++ right columns for the right rows that satisfy `condition` (over the
 * concatenated row). For a left join, a left row without such a right row is output once with
 * NULLs on the right.
 */
export interface LateralJoinNode extends NodeBase {
  kind: "lateral_join";
  joinType: "inner" | "left";
  left: PhysicalPlan;
  right: PhysicalPlan;
  correlated: BoundExpr[];
  condition?: BoundExpr;
  /** the left input is a stream's rows (never deleted): no state is kept for retractions */
  leftAppendOnly?: boolean;
}

/**
 * Reads the rows of a table nearest to a query vector through an HNSW index (ORDER BY
 * <indexed expr> <op> <query> LIMIT k): the (up to) `limit + offset` nearest rows that pass
 * `filter`, nearest first, with the same output columns a ScanNode with `columns` would give.
 * The index cannot filter inside its graph walk, so the operator over-fetches and widens the
 * search until enough rows pass (or the index is exhausted). Rows whose indexed value is NULL
 * (or a zero vector under cosine) are not in the index, as with pgvector.
 */
export interface VectorIndexScanNode extends NodeBase {
  kind: "vector_index_scan";
  relation: string;
  /** the table's name as written, for EXPLAIN */
  name: string;
  /** catalog id and name of the index */
  index: string;
  indexName: string;
  columns: number[];
  /** the query vector: constants, parameters and outer values only */
  query: BoundExpr;
  /** the pgvector operator ('<->', '<=>', '<#>'), for EXPLAIN */
  operator: string;
  /** rows wanted: LIMIT (+ OFFSET) of the query, constant or a parameter */
  limit: BoundExpr;
  offset?: BoundExpr;
  /** over the output columns; rows failing it are skipped and the search widened */
  filter?: BoundExpr;
  /** the ORDER BY expression as the user's plan had it, for EXPLAIN */
  orderBy: BoundExpr;
}

/**
 * A vector join (FROM s VECTOR JOIN d ON d.v <op> s.v TOP k, or the pgvector form JOIN LATERAL
 * (... ORDER BY ... LIMIT k) ON true): for each left row, `probe` (a plan over a
 * VectorIndexScanNode whose query reads the outer values `correlated`) runs against the index as
 * it stands when the row arrives; output is left ++ probe columns, kept where `condition` holds
 * (a left join outputs an unmatched left row once, NULL-extended). Nothing is cached: later
 * changes to the table do not revise rows already joined (a processing-time lookup). A deleted
 * left row retracts exactly what its insert produced. `probe` is not a child (plan walks and
 * streaming rewrites treat it as a separate, ad-hoc plan, like a subquery's).
 */
export interface VectorJoinNode extends NodeBase {
  kind: "vector_join";
  joinType: "inner" | "left";
  left: PhysicalPlan;
  probe: PhysicalPlan;
  correlated: BoundExpr[];
  condition?: BoundExpr;
  /** the left input is a stream's rows (never deleted): no state is kept for retractions */
  leftAppendOnly?: boolean;
}
