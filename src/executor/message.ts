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
}

export interface ExecutionContext {
  relations: RelationReader;
  params: unknown[];
  eval: EvalContext;
  /** checked between chunks; the executor throws SqlError 57014 'canceling statement due to user request' when set */
  cancelled?: () => boolean;
  /** answers EMBED / GENERATE calls (see AiLookup) */
  ai?: AiLookup;
  /** runs user-defined (LANGUAGE javascript) functions (see UserFunctionCalls) */
  udf?: UserFunctionCalls;
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
  if (ctx.cancelled !== undefined && ctx.cancelled()) {
    throw new SqlError(SqlState.QueryCanceled, "canceling statement due to user request");
  }
}

/** What every operator is built with: the query's context and, inside a correlated subquery, its outer values. */
export interface OperatorEnv {
  ctx: ExecutionContext;
  outer: unknown[] | undefined;
}
