// Evaluating an expression on a subset of a chunk's rows (lazy CASE, COALESCE, AND/OR) and
// stitching the partial results back together by row position.

import { allocData, Chunk, Column, type DataType, physicalKind, type PhysicalKind } from "../../types/index.js";
import type { BoundExpr } from "../../planner/physical-plan.js";

/** The input columns an expression reads (not descending into subquery plans). */
export function referencedColumns(expr: BoundExpr, out: Set<number> = new Set()): Set<number> {
  switch (expr.kind) {
    case "column":
      out.add(expr.index);
      break;
    case "const":
    case "outer":
    case "param":
      break;
    case "call":
    case "and":
    case "or":
    case "coalesce":
    case "greatest":
    case "least":
    case "nullif":
      for (const a of expr.args) referencedColumns(a, out);
      break;
    case "cast":
      referencedColumns(expr.expr, out);
      break;
    case "not":
    case "is_null":
    case "is_bool":
      referencedColumns(expr.arg, out);
      break;
    case "case":
      for (const w of expr.whens) {
        referencedColumns(w.when, out);
        referencedColumns(w.then, out);
      }
      referencedColumns(expr.else, out);
      break;
    case "in_list":
      referencedColumns(expr.expr, out);
      for (const a of expr.list) referencedColumns(a, out);
      break;
    case "subquery":
      for (const a of expr.correlated) referencedColumns(a, out);
      if (expr.lhs) referencedColumns(expr.lhs, out);
      break;
  }
  return out;
}

/**
 * The rows idx[0..count) of `chunk` as a chunk; only the columns in `cols` are gathered (the
 * others keep the full-length column, which the expression never reads).
 */
export function subChunk(chunk: Chunk, cols: readonly number[], idx: Int32Array, count: number): Chunk {
  const columns = chunk.columns.slice();
  for (const c of cols) if (c < columns.length) columns[c] = columns[c].take(idx, count);
  return new Chunk(columns, count, null);
}

/** Builds a column of n rows from parts, each covering a set of row positions. */
export class ColumnAssembler {
  private readonly kind: PhysicalKind;
  private readonly data: ReturnType<typeof allocData>;
  private readonly nulls: Uint8Array;
  private anyNull = false;

  constructor(
    readonly type: DataType,
    readonly n: number,
  ) {
    this.kind = physicalKind(type);
    this.data = allocData(this.kind, n);
    this.nulls = new Uint8Array(n).fill(1);
  }

  /** Row j of `part` goes to position idx[j] (idx null: position j). */
  set(part: Column, idx: Int32Array | null, count: number): void {
    const src = part.data as unknown as { [k: number]: unknown };
    const dst = this.data as unknown as { [k: number]: unknown };
    const pn = part.nulls;
    const sameKind = part.kind === this.kind;
    for (let j = 0; j < count; j++) {
      const i = idx === null ? j : idx[j];
      if (pn !== null && pn[j] === 1) continue;
      this.nulls[i] = 0;
      dst[i] = sameKind ? src[j] : part.get(j);
    }
  }

  build(): Column {
    let anyNull = this.anyNull;
    for (let i = 0; i < this.n && !anyNull; i++) if (this.nulls[i] === 1) anyNull = true;
    return new Column(this.type, this.data, anyNull ? this.nulls : null, this.n);
  }
}
