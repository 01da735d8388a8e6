// The executor's vocabulary: the messages that flow between operators (DESIGN.md "The data
// model": Chunk | Watermark | Barrier), the Operator interface every operator implements, and the
// ExecutionContext a query runs in.

import { type Chunk, type EvalContext, SqlError, SqlState } from "../types/index.js";

export type Message =
  | { kind: "chunk"; chunk: Chunk }
  | { kind: "watermark"; column: number; value: unknown }
  | { kind: "barrier"; epoch: number; final: boolean };

export type BarrierMessage = Extract<Message, { kind: "barrier" }>;
export type WatermarkMessage = Extract<Message, { kind: "watermark" }>;

/** Where an operator sends its output (the downstream operator's push, bound to a port). */
export type Emit = (msg: Message) => void;

/**
 * An operator receives messages on numbered input ports and emits downstream through the
 * callback it was constructed with. Multi-input operators align barriers: they act on a barrier
 * only once it has arrived on every input.
 */
export interface Operator {
  readonly name: string;
  push(port: number, msg: Message): void;
}

/**
 * A source operator has no inputs: the driver asks it for chunks (`next` emits one and returns
 * false when the source is exhausted) and then pushes barriers into it, which it forwards.
 */
export interface SourceOperator extends Operator {
  next(): boolean;
}

export interface RelationReader {
  scan(relation: string, columns: number[]): Iterable<Chunk>;
  /** the live row whose one-column unique key `keyColumn` equals `value` (columns as in scan); undefined: no such key to look up by */
  lookup?(relation: string, columns: number[], keyColumn: number, value: unknown): Chunk[] | undefined;
  /** the HNSW index with this catalog id (absent: no vector indexes here) */
  vectorIndex?(index: string): VectorIndexReader | undefined;
}

/** What the vector index operators need of an HNSW index over a table's rows. */
export interface VectorIndexReader {
  /**
   * The k nearest rows to `query` (row ids, nearest first) that `accept` passes, widening the
   * search until k pass or every indexed row was seen. `efSearch` overrides the index's own.
   */
  search(query: Float32Array, k: number, efSearch: number | undefined, accept?: (rowId: number) => boolean): { rowId: number; distance: number }[];
  /** Ids of the first k live rows (in storage order) that `accept` passes: the answer for a NULL query, whose distances are all NULL. */
  firstRows(k: number, accept?: (rowId: number) => boolean): number[];
  /** The rows with these ids (live ones), the given columns (storage's ROW_ID_COLUMN = the row id). */
  rows(rowIds: readonly number[], columns: readonly number[]): Chunk;
}

export interface ExecutionContext {
  relations: RelationReader;
  params: unknown[];
  eval: EvalContext;
  /**
   * checked between chunks; true (a cancel request) or a reason ('statement timeout') makes the
   * executor throw SqlError 57014 'canceling statement due to user request' (or due to the reason)
   */
  cancelled?: () => boolean | string;
  /**
   * max_query_memory in bytes (absent or 0: none): an ad-hoc run whose operators' state and
   * gathered result pass it stops with 53200 (see memory-limit.ts)
   */
  maxQueryMemory?: number;
  /** told, between chunks of a yielding run, how many rows its sources have produced so far (a long statement's job) */
  progress?: (sourceRows: number) => void;
  /** answers EMBED / GENERATE calls (see AiLookup) */
  ai?: AiLookup;
  /** SET hnsw.ef_search: the candidate list of HNSW searches (absent: each index's tuned value) */
  hnswEfSearch?: number;
  /** answers remote model calls asynchronously, for the async AI map operator (continuous queries) */
  models?: AsyncModelCalls;
  /** an operator emitted outside a push (an async answer arrived): the runtime may need a barrier */
  asyncEmitted?: () => void;
  /** runs user-defined (LANGUAGE javascript) functions (see UserFunctionCalls) */
  udf?: UserFunctionCalls;
}

/**
 * Remote model calls for the async AI map operator. `call` answers one batch of rows in order:
 * NULL for a NULL input, and for a failed row under on_error = 'null' (the failure is counted and
 * logged by the model layer). It rejects with the SqlError under on_error = 'fail', or 57014 when
 * `signal` aborts.
 */
export interface AsyncModelCalls {
  call(kind: "embed" | "generate", model: string, inputs: readonly (string | null)[], options: readonly (string | null)[], signal: AbortSignal): Promise<unknown[]>;
  /** the most rows one request to the model carries (the operator's micro-batch size) */
  batchSize(model: string): number;
}

/**
 * An operator whose output can come later than its input (the async AI map). The runtime waits
 * on it: FLUSH until it is idle, writers while it holds too many rows (backpressure).
 */
export interface AsyncOperator extends Operator {
  /** input rows accepted and not yet emitted */
  readonly pendingRows: number;
  /** set once it failed (on_error = 'fail'); it then drops its input */
  readonly failure: Error | null;
  /** resolves when some pending rows were emitted (or it became idle or failed) */
  progress(): Promise<void>;
  /** stops: in-flight calls are cancelled, pending rows dropped */
  close(): void;
}

export function isAsyncOperator(op: Operator): op is AsyncOperator {
  return typeof (op as Partial<AsyncOperator>).progress === "function";
}

/**
 * How expression kernels and table functions reach user-defined functions that do not run inline
 * (fn "udf.<id>:<name>"): synchronously, a batch of argument rows at a time.
 */
export interface UserFunctionCalls {
  /** one result per row; `args` holds one array of `count` values per parameter (columnar) */
  scalar(fnId: string, args: unknown[][], count: number): unknown[];
  /** a table function's rows for one set of arguments */
  table(fnId: string, args: unknown[]): unknown[][];
}

/**
 * How expression kernels reach models. `lookup` answers synchronously when it can (the embedded
 * model, results already fetched); otherwise it records the input as missing and returns
 * `undefined`, and the caller fetches the missing inputs asynchronously and runs the query again.
 */
export interface AiLookup {
  lookup(kind: "embed" | "generate", model: string, input: string, options: string | null): unknown;
}

/** The most rows an operator puts in one output chunk (sources produce chunks of at most this size). */
export const CHUNK_SIZE = 4096;

/** Throws 57014 when the statement was cancelled; called between chunks. */
export function checkCancelled(ctx: ExecutionContext): void {
  if (ctx.cancelled === undefined) return;
  const reason = ctx.cancelled();
  if (reason !== false && reason !== "") {
    throw new SqlError(SqlState.QueryCanceled, `canceling statement due to ${reason === true ? "user request" : reason}`);
  }
}

/** What every operator is built with: the query's context and, inside a correlated subquery, its outer values. */
export interface OperatorEnv {
  ctx: ExecutionContext;
  outer: unknown[] | undefined;
}
