// Builds output chunks row by row (for operators whose output is not a simple gather of an input
// chunk: aggregates, set operations, NULL-extended join rows...). Rows are appended with their op
// (+1/-1); a chunk is handed to `sink` every CHUNK_SIZE rows and on flush(). Keeps no state beyond
// the rows of the chunk being built.

import { allocData, Chunk, Column, ColumnBuilder, type DataType, physicalKind } from "../types/index.js";
import { CHUNK_SIZE, type Emit } from "./message.js";
import { type KeyPrimitive, rowKeys } from "./row-key.js";

export class ChunkBuilder {
  private builders: ColumnBuilder[];
  private ops: Int8Array;
  private anyDelete = false;
  private n = 0;

  constructor(
    readonly types: readonly DataType[],
    private readonly sink: (chunk: Chunk) => void,
  ) {
    this.builders = types.map((t) => new ColumnBuilder(t, 64));
    this.ops = new Int8Array(CHUNK_SIZE);
  }

  get length(): number {
    return this.n;
  }

  /** Appends one row of scalar values. */
  appendValues(values: readonly unknown[], op: number): void {
    for (let c = 0; c < this.builders.length; c++) this.builders[c].push(values[c]);
    this.finishRow(op);
  }

  /** Appends row i of `cols` into output columns starting at `offset`; call finishRow after the last part. */
  appendPart(cols: readonly Column[], i: number, offset: number): void {
    for (let c = 0; c < cols.length; c++) this.builders[offset + c].pushFrom(cols[c], i);
  }

  /** Appends NULLs into `count` output columns starting at `offset`. */
  appendNulls(offset: number, count: number): void {
    for (let c = 0; c < count; c++) this.builders[offset + c].pushNull();
  }

  /** Appends a value into output column `c`. */
  appendValue(c: number, v: unknown): void {
    this.builders[c].push(v);
  }

  finishRow(op: number): void {
    this.ops[this.n] = op;
    if (op !== 1) this.anyDelete = true;
    this.n++;
    if (this.n >= CHUNK_SIZE) this.flush();
  }

  flush(): void {
    if (this.n === 0) return;
    const cols = this.builders.map((b) => b.build());
    const ops = this.anyDelete ? this.ops.slice(0, this.n) : null;
    const chunk = new Chunk(cols, this.n, ops);
    this.builders = this.types.map((t) => new ColumnBuilder(t, 64));
    this.n = 0;
    this.anyDelete = false;
    this.sink(chunk);
  }
}

/** Emits `chunk`, split into pieces of at most CHUNK_SIZE rows; empty chunks are dropped. */
export function emitChunk(emit: Emit, chunk: Chunk): void {
  if (chunk.length === 0) return;
  if (chunk.length <= CHUNK_SIZE) {
    emit({ kind: "chunk", chunk });
    return;
  }
  for (let s = 0; s < chunk.length; s += CHUNK_SIZE) {
    emit({ kind: "chunk", chunk: chunk.slice(s, Math.min(chunk.length, s + CHUNK_SIZE)) });
  }
}

/** Indices of the rows whose mask byte is 1, and their count. */
export function selectTrue(mask: Uint8Array, nulls: Uint8Array | null, n: number): { idx: Int32Array; count: number } {
  const idx = new Int32Array(n);
  let k = 0;
  if (nulls === null) {
    for (let i = 0; i < n; i++) if (mask[i] === 1) idx[k++] = i;
  } else {
    for (let i = 0; i < n; i++) if (mask[i] === 1 && nulls[i] !== 1) idx[k++] = i;
  }
  return { idx, count: k };
}

/** One chunk holding the rows of all `chunks` in order (ops kept; null when all are inserts). */
export function concatChunks(types: readonly DataType[], chunks: readonly Chunk[]): Chunk {
  if (chunks.length === 1) return chunks[0];
  let total = 0;
  let anyOps = false;
  for (const c of chunks) {
    total += c.length;
    if (c.ops !== null) anyOps = true;
  }
  const cols = types.map((t, ci) => {
    const kind = physicalKind(t);
    const data = allocData(kind, total);
    let nulls: Uint8Array | null = null;
    let off = 0;
    for (const c of chunks) {
      const col = c.columns[ci];
      if (Array.isArray(data)) {
        const src = col.data as ArrayLike<unknown>;
        for (let i = 0; i < c.length; i++) data[off + i] = src[i];
      } else {
        (data as Int32Array).set((col.data as Int32Array).subarray(0, c.length), off);
      }
      if (col.nulls !== null) {
        nulls ??= new Uint8Array(total);
        nulls.set(col.nulls.subarray(0, c.length), off);
      }
      off += c.length;
    }
    return new Column(t, data, nulls, total);
  });
  let ops: Int8Array | null = null;
  if (anyOps) {
    ops = new Int8Array(total).fill(1);
    let off = 0;
    for (const c of chunks) {
      if (c.ops !== null) ops.set(c.ops.subarray(0, c.length), off);
      off += c.length;
    }
  }
  return new Chunk(cols, total, ops);
}

/**
 * The net rows of a bag of changes: every row with its count summed over inserts and deletes,
 * rows with a positive count repeated that many times, in first-appearance order; inserts only.
 */
export function consolidate(chunk: Chunk): Chunk {
  if (chunk.ops === null) return chunk;
  const keys = rowKeys(chunk.columns, chunk.length);
  const counts = new Map<KeyPrimitive, { row: number; count: number }>();
  for (let i = 0; i < chunk.length; i++) {
    let e = counts.get(keys[i]);
    if (e === undefined) {
      e = { row: i, count: 0 };
      counts.set(keys[i], e);
    }
    e.count += chunk.ops[i];
  }
  const idx: number[] = [];
  for (const e of counts.values()) for (let k = 0; k < e.count; k++) idx.push(e.row);
  return chunk.take(idx).withOps(null);
}
