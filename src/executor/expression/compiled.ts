// What the expression compiler produces: a closure over columns, plus what the compiler knows
// about it (whether evaluating it on rows that do not need it is harmless, and which input
// columns it reads) so that lazy constructs can evaluate it on just the rows that need it.

import type { Chunk, Column } from "../../types/index.js";
import type { ExecutionContext } from "../message.js";
import { subChunk } from "./selection.js";

/** Evaluates an expression over every row of a chunk; `outer` holds a correlated subquery's outer values. */
export type CompiledExpr = (chunk: Chunk, ctx: ExecutionContext, outer?: unknown[]) => Column;

export interface Compiled {
  fn: CompiledExpr;
  /** cannot raise an error and is cheap: may be evaluated on rows whose result is discarded */
  safe: boolean;
  /** input columns read */
  cols: number[];
}

/**
 * Evaluates `c` on rows idx[0..count) of the chunk (idx null or count = chunk length: all rows);
 * the result has `count` rows.
 */
export function evalRows(
  c: Compiled,
  chunk: Chunk,
  idx: Int32Array | null,
  count: number,
  ctx: ExecutionContext,
  outer: unknown[] | undefined,
): Column {
  if (idx === null || count === chunk.length) return c.fn(chunk, ctx, outer);
  if (c.safe && count * 2 > chunk.length) return c.fn(chunk, ctx, outer).take(idx, count);
  return c.fn(subChunk(chunk, c.cols, idx, count), ctx, outer);
}
