// A chunk: a batch of rows as columns, plus the `ops` column of DESIGN.md's data model
// (+1 insert, -1 delete; an update is a delete and an insert). `ops === null` means every row is
// an insert, the common case for ad-hoc queries and append-only streams, so they pay nothing.

import { Column } from "./column.js";
import { DataType } from "./data-type.js";

export const OP_INSERT = 1;
export const OP_DELETE = -1;

export class Chunk {
  constructor(
    readonly columns: Column[],
    readonly length: number,
    readonly ops: Int8Array | null = null,
  ) {}

  static empty(types: readonly DataType[]): Chunk {
    return new Chunk(
      types.map((t) => Column.fromValues(t, [])),
      0,
    );
  }

  /** Builds a chunk from rows of scalar values (tests, VALUES, small results). */
  static fromRows(types: readonly DataType[], rows: readonly (readonly unknown[])[], ops?: readonly number[]): Chunk {
    const columns = types.map((t, c) => Column.fromValues(t, rows.map((r) => r[c])));
    return new Chunk(columns, rows.length, ops ? Int8Array.from(ops) : null);
  }

  op(i: number): number {
    return this.ops === null ? OP_INSERT : this.ops[i];
  }

  row(i: number): unknown[] {
    const out = new Array<unknown>(this.columns.length);
    for (let c = 0; c < this.columns.length; c++) out[c] = this.columns[c].get(i);
    return out;
  }

  rows(): unknown[][] {
    const out: unknown[][] = [];
    for (let i = 0; i < this.length; i++) out.push(this.row(i));
    return out;
  }

  take(indices: ArrayLike<number>, count = indices.length): Chunk {
    let ops: Int8Array | null = null;
    if (this.ops !== null) {
      ops = new Int8Array(count);
      for (let j = 0; j < count; j++) ops[j] = this.ops[indices[j]];
    }
    return new Chunk(
      this.columns.map((c) => c.take(indices, count)),
      count,
      ops,
    );
  }

  slice(start: number, end: number): Chunk {
    return new Chunk(
      this.columns.map((c) => c.slice(start, end)),
      end - start,
      this.ops ? this.ops.subarray(start, end) : null,
    );
  }

  withColumns(columns: Column[]): Chunk {
    return new Chunk(columns, this.length, this.ops);
  }

  withOps(ops: Int8Array | null): Chunk {
    return new Chunk(this.columns, this.length, ops);
  }
}
