// A growable columnar store of rows, addressed by row id: the state that joins, sort and window
// keep. Values live in typed arrays per column (object arrays for variable-width types), so
// storing a row allocates nothing but the occasional doubling. Freed ids are reused.

import { allocData, Column, type ColumnData, type DataType, physicalKind, type PhysicalKind, valuesEqual } from "../types/index.js";

export class RowStore {
  private data: ColumnData[];
  private nulls: Uint8Array[];
  private readonly kinds: PhysicalKind[];
  private cap: number;
  private top = 0;
  private freeIds: number[] = [];
  private live = 0;

  constructor(
    readonly types: readonly DataType[],
    capacity = 256,
  ) {
    this.kinds = types.map(physicalKind);
    this.cap = capacity;
    this.data = this.kinds.map((k) => allocData(k, capacity));
    this.nulls = this.kinds.map(() => new Uint8Array(capacity));
  }

  /** How many rows are stored. */
  get size(): number {
    return this.live;
  }

  /** One past the highest row id ever handed out (ids below it may be free). */
  get highWater(): number {
    return this.top;
  }

  private grow(): void {
    const cap = this.cap * 2;
    for (let c = 0; c < this.data.length; c++) {
      const old = this.data[c];
      if (Array.isArray(old)) {
        old.length = cap;
      } else {
        const next = allocData(this.kinds[c], cap) as Int32Array;
        next.set(old as Int32Array);
        this.data[c] = next;
      }
      const nn = new Uint8Array(cap);
      nn.set(this.nulls[c]);
      this.nulls[c] = nn;
    }
    this.cap = cap;
  }

  private allocId(): number {
    this.live++;
    if (this.freeIds.length > 0) return this.freeIds.pop()!;
    if (this.top >= this.cap) this.grow();
    return this.top++;
  }

  /** Stores row i of `cols` (one column per store column) and returns its id. */
  append(cols: readonly Column[], i: number): number {
    const id = this.allocId();
    for (let c = 0; c < cols.length; c++) {
      const col = cols[c];
      const isNull = col.nulls !== null && col.nulls[i] === 1;
      this.nulls[c][id] = isNull ? 1 : 0;
      (this.data[c] as unknown as { [k: number]: unknown })[id] = isNull
        ? this.kinds[c] === "object"
          ? null
          : this.kinds[c] === "int64"
            ? 0n
            : 0
        : (col.data as unknown as { [k: number]: unknown })[i];
    }
    return id;
  }

  /** Stores a row of scalar values. */
  appendValues(values: readonly unknown[]): number {
    const id = this.allocId();
    for (let c = 0; c < values.length; c++) {
      const v = values[c];
      const k = this.kinds[c];
      if (v === null || v === undefined) {
        this.nulls[c][id] = 1;
        (this.data[c] as unknown as { [k: number]: unknown })[id] = k === "object" ? null : k === "int64" ? 0n : 0;
      } else {
        this.nulls[c][id] = 0;
        (this.data[c] as unknown as { [k: number]: unknown })[id] = k === "bool" ? (v ? 1 : 0) : v;
      }
    }
    return id;
  }

  free(id: number): void {
    this.live--;
    for (let c = 0; c < this.data.length; c++) {
      if (this.kinds[c] === "object") (this.data[c] as unknown[])[id] = null;
    }
    this.freeIds.push(id);
  }

  isNull(c: number, id: number): boolean {
    return this.nulls[c][id] === 1;
  }

  /** The scalar value of column c at row id. */
  value(c: number, id: number): unknown {
    if (this.nulls[c][id] === 1) return null;
    if (this.kinds[c] === "bool") return (this.data[c] as Uint8Array)[id] === 1;
    return (this.data[c] as unknown as { [k: number]: unknown })[id];
  }

  row(id: number): unknown[] {
    const out = new Array<unknown>(this.data.length);
    for (let c = 0; c < out.length; c++) out[c] = this.value(c, id);
    return out;
  }

  /** The raw typed storage of column c (valid until the next append). */
  rawData(c: number): ColumnData {
    return this.data[c];
  }

  rawNulls(c: number): Uint8Array {
    return this.nulls[c];
  }

  /** Columns holding the rows `ids[0..count)` in that order. */
  gather(ids: ArrayLike<number>, count = ids.length): Column[] {
    return this.types.map((t, c) => this.gatherColumn(c, ids, count));
  }

  gatherColumn(c: number, ids: ArrayLike<number>, count = ids.length): Column {
    const src = this.data[c] as unknown as { [k: number]: unknown };
    const out = allocData(this.kinds[c], count);
    const dst = out as unknown as { [k: number]: unknown };
    const sn = this.nulls[c];
    let nulls: Uint8Array | null = null;
    for (let j = 0; j < count; j++) {
      const id = ids[j];
      dst[j] = src[id];
      if (sn[id] === 1) {
        if (nulls === null) nulls = new Uint8Array(count);
        nulls[j] = 1;
      }
    }
    return new Column(this.types[c], out, nulls, count);
  }

  /** Whether stored row `id` equals row i of `cols` (NULLs equal), for finding the row a delete retracts. */
  rowEquals(id: number, cols: readonly Column[], i: number): boolean {
    for (let c = 0; c < cols.length; c++) {
      const col = cols[c];
      const an = this.nulls[c][id] === 1;
      const bn = col.nulls !== null && col.nulls[i] === 1;
      if (an || bn) {
        if (an !== bn) return false;
        continue;
      }
      const a = (this.data[c] as unknown as { [k: number]: unknown })[id];
      const b = (col.data as unknown as { [k: number]: unknown })[i];
      if (a === b) continue;
      if (this.kinds[c] === "object") {
        if (!valuesEqual(this.types[c], a, b)) return false;
      } else if (!(Number.isNaN(a) && Number.isNaN(b))) {
        return false;
      }
    }
    return true;
  }
}
