// A stream's event-time watermark (WATERMARK FOR col AS expr): the largest value of `expr` over
// the rows accepted so far. Rows whose `col` is behind the watermark when they arrive are late:
// they are dropped (counted, or routed to the stream named by `late_rows`), never merged into
// windows that have already closed.

import { Chunk, compareValues, type DataType } from "./types/index.js";

export class WatermarkGenerator {
  /** undefined until the first row */
  current: unknown = undefined;
  /** rows dropped as late since the stream was created */
  lateRows = 0;

  constructor(
    readonly column: number,
    private readonly columnType: DataType,
    private readonly types: DataType[],
    /** evaluates the watermark expression over rows (columns in relation order) */
    private readonly evaluate: (chunk: Chunk) => { get(i: number): unknown },
  ) {}

  /** Splits rows into the on-time and the late. */
  split(rows: unknown[][]): { onTime: unknown[][]; late: unknown[][] } {
    if (this.current === undefined) return { onTime: rows, late: [] };
    const onTime: unknown[][] = [];
    const late: unknown[][] = [];
    for (const r of rows) {
      const v = r[this.column];
      if (v !== null && compareValues(this.columnType, v, this.current) < 0) late.push(r);
      else onTime.push(r);
    }
    this.lateRows += late.length;
    return { onTime, late };
  }

  /** Positions of the rows of `chunk` that are not behind the watermark (counting the late ones). */
  onTimeIndices(chunk: Chunk): Int32Array {
    const col = chunk.columns[this.column];
    const keep = new Int32Array(chunk.length);
    let n = 0;
    for (let i = 0; i < chunk.length; i++) {
      const v = col.get(i);
      if (v === null || compareValues(this.columnType, v, this.current) >= 0) keep[n++] = i;
    }
    this.lateRows += chunk.length - n;
    return keep.subarray(0, n);
  }

  /** Takes accepted rows into account; returns the new watermark when it moved forward. */
  advance(rows: unknown[][]): unknown {
    if (rows.length === 0) return undefined;
    return this.advanceChunk(Chunk.fromRows(this.types, rows));
  }

  advanceChunk(chunk: Chunk): unknown {
    if (chunk.length === 0) return undefined;
    const out = this.evaluate(chunk);
    let max: unknown = undefined;
    for (let i = 0; i < chunk.length; i++) {
      const v = out.get(i);
      if (v !== null && (max === undefined || compareValues(this.columnType, v, max) > 0)) max = v;
    }
    if (max === undefined || (this.current !== undefined && compareValues(this.columnType, max, this.current) <= 0)) return undefined;
    this.current = max;
    return max;
  }
}
