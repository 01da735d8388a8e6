// A column of one SQL type, laid out as Arrow lays out fixed-width data: a typed array of values
// and a null mask. Text and the other variable-width types are kept as JS values (strings,
// Decimal, Interval...) because every operation on them in JS needs the decoded value anyway;
// conversion to Arrow buffers happens at the boundaries (IPC, storage), see arrow.ts.
//
// Scalar forms by type (what `get(i)` returns and what builders take):
//   boolean → boolean · smallint, integer → number · bigint → bigint · real, double → number
//   date → number (days since 1970-01-01) · time → number (µs since midnight)
//   timestamp, timestamptz → number (µs since 1970-01-01 UTC; exact to the µs within ±285 years)
//   numeric → Decimal · text, varchar, char → string · bytea → Uint8Array · interval → Interval
//   jsonb → Jsonb · vector → Float32Array · array → unknown[] (element scalar forms)
//   NULL → null, for every type.

import { DataType, PhysicalKind, physicalKind } from "./data-type.js";

export type ColumnData = Uint8Array | Int32Array | BigInt64Array | Float64Array | unknown[];

export class Column {
  readonly kind: PhysicalKind;

  constructor(
    readonly type: DataType,
    /** values; at a null position the value is 0 / 0n / null and must be ignored */
    readonly data: ColumnData,
    /** 1 where the row is NULL; null when the column has no NULLs */
    readonly nulls: Uint8Array | null,
    readonly length: number,
  ) {
    this.kind = physicalKind(type);
  }

  isNull(i: number): boolean {
    return this.nulls !== null && this.nulls[i] === 1;
  }

  /** The scalar value at row i (null for NULL). Not for hot loops: kernels read `data` directly. */
  get(i: number): unknown {
    if (this.nulls !== null && this.nulls[i] === 1) return null;
    if (this.kind === "bool") return (this.data as Uint8Array)[i] === 1;
    return (this.data as ArrayLike<unknown>)[i];
  }

  /** Rows at the given positions, in that order. */
  take(indices: ArrayLike<number>, count = indices.length): Column {
    const out = allocData(this.kind, count);
    const src = this.data as ArrayLike<unknown> & { [i: number]: unknown };
    const dst = out as unknown as { [i: number]: unknown };
    for (let j = 0; j < count; j++) dst[j] = src[indices[j]];
    let nulls: Uint8Array | null = null;
    if (this.nulls !== null) {
      nulls = new Uint8Array(count);
      let any = false;
      for (let j = 0; j < count; j++) {
        const n = this.nulls[indices[j]];
        nulls[j] = n;
        if (n) any = true;
      }
      if (!any) nulls = null;
    }
    return new Column(this.type, out, nulls, count);
  }

  slice(start: number, end: number): Column {
    const data = Array.isArray(this.data) ? this.data.slice(start, end) : this.data.subarray(start, end);
    return new Column(this.type, data, this.nulls ? this.nulls.subarray(start, end) : null, end - start);
  }

  static fromValues(type: DataType, values: readonly unknown[]): Column {
    const b = new ColumnBuilder(type, values.length);
    for (const v of values) b.push(v);
    return b.build();
  }

  /** A column of `length` copies of one value. */
  static constant(type: DataType, value: unknown, length: number): Column {
    const b = new ColumnBuilder(type, length);
    for (let i = 0; i < length; i++) b.push(value);
    return b.build();
  }
}

export function allocData(kind: PhysicalKind, n: number): ColumnData {
  switch (kind) {
    case "bool":
      return new Uint8Array(n);
    case "int32":
      return new Int32Array(n);
    case "int64":
      return new BigInt64Array(n);
    case "float64":
      return new Float64Array(n);
    case "object":
      return new Array<unknown>(n).fill(null);
  }
}

/** Appends scalar values (or NULLs) and builds a Column; grows by doubling. */
export class ColumnBuilder {
  readonly kind: PhysicalKind;
  private data: ColumnData;
  private nulls: Uint8Array | null = null;
  private n = 0;

  constructor(
    readonly type: DataType,
    capacity = 16,
  ) {
    this.kind = physicalKind(type);
    this.data = allocData(this.kind, Math.max(1, capacity));
  }

  get length(): number {
    return this.n;
  }

  private grow(): void {
    const cap = this.kind === "object" ? Infinity : (this.data as Int32Array).length;
    if (this.n < cap) return;
    const next = allocData(this.kind, cap * 2) as Int32Array;
    next.set(this.data as Int32Array);
    this.data = next;
    if (this.nulls) {
      const nn = new Uint8Array(cap * 2);
      nn.set(this.nulls);
      this.nulls = nn;
    }
  }

  pushNull(): void {
    this.grow();
    if (this.nulls === null) {
      const cap = this.kind === "object" ? Math.max(16, this.n * 2) : (this.data as Int32Array).length;
      this.nulls = new Uint8Array(cap);
    } else if (this.nulls.length <= this.n) {
      const nn = new Uint8Array(Math.max(16, this.n * 2));
      nn.set(this.nulls);
      this.nulls = nn;
    }
    this.nulls[this.n] = 1;
    if (this.kind === "object") (this.data as unknown[])[this.n] = null;
    this.n++;
  }

  push(v: unknown): void {
    if (v === null || v === undefined) {
      this.pushNull();
      return;
    }
    this.grow();
    if (this.nulls !== null && this.nulls.length <= this.n) {
      const nn = new Uint8Array(Math.max(16, this.n * 2));
      nn.set(this.nulls);
      this.nulls = nn;
    }
    switch (this.kind) {
      case "bool":
        (this.data as Uint8Array)[this.n] = v ? 1 : 0;
        break;
      case "int32":
        (this.data as Int32Array)[this.n] = v as number;
        break;
      case "int64":
        (this.data as BigInt64Array)[this.n] = v as bigint;
        break;
      case "float64":
        (this.data as Float64Array)[this.n] = v as number;
        break;
      case "object":
        (this.data as unknown[])[this.n] = v;
        break;
    }
    this.n++;
  }

  /** The value at position i already pushed (null for NULL). */
  get(i: number): unknown {
    if (this.nulls !== null && i < this.nulls.length && this.nulls[i] === 1) return null;
    if (this.kind === "bool") return (this.data as Uint8Array)[i] === 1;
    return (this.data as ArrayLike<unknown>)[i];
  }

  /** Copies row i of `col` (same physical kind). */
  pushFrom(col: Column, i: number): void {
    if (col.nulls !== null && col.nulls[i] === 1) this.pushNull();
    else if (col.kind === "bool") this.push((col.data as Uint8Array)[i] === 1);
    else this.push((col.data as ArrayLike<unknown>)[i]);
  }

  /**
   * Copies rows [from, from + count) of `col` (same physical kind) in bulk: one typed-array copy
   * instead of a push per value, for paths that append whole chunks (stores, view sinks).
   */
  pushRange(col: Column, from: number, count: number): void {
    if (count <= 0) return;
    if (col.kind !== this.kind || (this.kind !== "object" && !ArrayBuffer.isView(col.data))) {
      for (let i = from; i < from + count; i++) this.pushFrom(col, i);
      return;
    }
    const start = this.n;
    const need = start + count;
    const srcNulls = col.nulls;
    let anyNull = false;
    if (srcNulls !== null) {
      for (let i = from; i < from + count; i++) {
        if (srcNulls[i] === 1) {
          anyNull = true;
          break;
        }
      }
    }
    if (this.kind === "object") {
      const d = this.data as unknown[];
      const src = col.data as unknown[];
      // a NULL's slot holds null (what push stores), whatever the source left there
      for (let j = 0; j < count; j++) d[start + j] = anyNull && srcNulls![from + j] === 1 ? null : src[from + j];
    } else {
      let cap = (this.data as Int32Array).length;
      if (cap < need) {
        while (cap < need) cap *= 2;
        const next = allocData(this.kind, cap) as Int32Array;
        next.set(this.data as Int32Array);
        this.data = next;
      }
      (this.data as Int32Array).set((col.data as Int32Array).subarray(from, from + count), start);
    }
    if (anyNull || this.nulls !== null) {
      // the mask covers at least every pushed row (push and get rely on that once it exists)
      if (this.nulls === null || this.nulls.length < need) {
        const cap = this.kind === "object" ? Math.max(16, need * 2) : (this.data as Int32Array).length;
        const nn = new Uint8Array(cap);
        if (this.nulls !== null) nn.set(this.nulls.subarray(0, start));
        this.nulls = nn;
      }
      const nulls = this.nulls;
      for (let j = 0; j < count; j++) nulls[start + j] = anyNull ? srcNulls![from + j] : 0;
    }
    this.n = need;
  }

  build(): Column {
    const n = this.n;
    let data: ColumnData;
    if (Array.isArray(this.data)) data = this.data.length === n ? this.data : this.data.slice(0, n);
    else data = (this.data as Int32Array).subarray(0, n);
    let nulls: Uint8Array | null = null;
    if (this.nulls !== null) {
      nulls = this.nulls.length >= n ? this.nulls.subarray(0, n) : this.nulls;
      if (nulls.length < n) {
        const nn = new Uint8Array(n);
        nn.set(nulls);
        nulls = nn;
      }
    }
    return new Column(this.type, data, nulls, n);
  }
}
