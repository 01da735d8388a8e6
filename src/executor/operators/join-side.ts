// One input's state in a symmetric join: its rows (RowStore), a chain of row ids per join key
// (head map + next/prev links; rows with a NULL key sit on their own chain that is never probed),
// and for a preserved side (the outer side of an outer join, the left of semi/anti) each row's
// match count and whether its unmatched/semi row is currently emitted, with the rows to re-decide
// at the next barrier. A delete retracts a stored row that prints the same (numeric 1.00 is not
// the 1.0 stored beside it), so what the join emitted for the row is what it retracts.

import type { Column, DataType } from "../../types/index.js";
import { exactValueKey, type KeyPrimitive, sameKey } from "../row-key.js";
import { RowStore } from "../row-store.js";

const NONE = -1;
/** the chain of rows with a NULL key: kept for outer/anti output and deletes, never probed */
const NULL_CHAIN = 0;

export class JoinSide {
  readonly store: RowStore;
  // key → chain slot; per chain its first and last row; per row the next/previous row and its chain
  private readonly chains = new Map<KeyPrimitive, number>();
  private chainHead: Int32Array = new Int32Array(64).fill(NONE);
  private chainTail: Int32Array = new Int32Array(64).fill(NONE);
  private chainKey: KeyPrimitive[] = [null];
  private freeChains: number[] = [];
  private chainCount = 1;
  private next: Int32Array = new Int32Array(64).fill(NONE);
  private prev: Int32Array = new Int32Array(64).fill(NONE);
  private chainOf: Int32Array = new Int32Array(64);
  /** per row: number of matching rows on the other side (preserved sides only) */
  matches: Float64Array = new Float64Array(64);
  /** per row: 1 when its NULL-extended (or semi/anti) output row is currently emitted */
  emitted: Uint8Array = new Uint8Array(64);
  private dirty: Uint8Array = new Uint8Array(64);
  private dirtyList: number[] = [];
  /** per row id: 1 while the row is stored (for scanning the rows, e.g. to evict by watermark) */
  private live: Uint8Array = new Uint8Array(64);

  /** columns whose equal values can print differently (numeric scale, interval units, -0) */
  private readonly exactColumns: number[];

  constructor(
    private readonly types: readonly DataType[],
    readonly preserved: boolean,
  ) {
    this.store = new RowStore(types, 64);
    this.exactColumns = [];
    types.forEach((t, c) => {
      if (t.id === "numeric" || t.id === "interval" || t.id === "char" || t.id === "real" || t.id === "double") this.exactColumns.push(c);
    });
  }

  private ensure(id: number): void {
    if (id < this.next.length) return;
    const cap = Math.max(id + 1, this.next.length * 2);
    this.next = grow32(this.next, cap, NONE);
    this.prev = grow32(this.prev, cap, NONE);
    this.chainOf = grow32(this.chainOf, cap, 0);
    this.emitted = grow8(this.emitted, cap);
    this.dirty = grow8(this.dirty, cap);
    this.live = grow8(this.live, cap);
    const m = new Float64Array(cap);
    m.set(this.matches);
    this.matches = m;
  }

  private chainFor(key: KeyPrimitive): number {
    let c = this.chains.get(key);
    if (c !== undefined) return c;
    c = this.freeChains.length > 0 ? this.freeChains.pop()! : this.chainCount++;
    if (c >= this.chainHead.length) {
      this.chainHead = grow32(this.chainHead, c * 2, NONE);
      this.chainTail = grow32(this.chainTail, c * 2, NONE);
    }
    this.chains.set(key, c);
    this.chainKey[c] = key;
    return c;
  }

  /** Stores row i of `cols` under `key` (null key: the never-probed chain); returns its id. */
  insert(cols: readonly Column[], i: number, key: KeyPrimitive, keyIsNull: boolean): number {
    const id = this.store.append(cols, i);
    this.ensure(id);
    const c = keyIsNull ? NULL_CHAIN : this.chainFor(key);
    const tail = this.chainTail[c];
    this.prev[id] = tail;
    this.next[id] = NONE;
    if (tail !== NONE) this.next[tail] = id;
    else this.chainHead[c] = id;
    this.chainTail[c] = id;
    this.chainOf[id] = c;
    this.live[id] = 1;
    this.matches[id] = 0;
    this.emitted[id] = 0;
    if (this.preserved) this.markDirty(id);
    return id;
  }

  /** The id of a stored row equal to row i of `cols` under `key`, or -1. */
  find(cols: readonly Column[], i: number, key: KeyPrimitive, keyIsNull: boolean): number {
    for (let id = keyIsNull ? this.chainHead[NULL_CHAIN] : this.first(key); id !== NONE; id = this.next[id]) {
      if (this.store.rowEquals(id, cols, i) && this.samePrint(id, cols, i)) return id;
    }
    return NONE;
  }

  private samePrint(id: number, cols: readonly Column[], i: number): boolean {
    for (const c of this.exactColumns) {
      const a = this.store.value(c, id);
      const b = cols[c].get(i);
      if (a !== null && b !== null && !sameKey(exactValueKey(this.types[c], a), exactValueKey(this.types[c], b))) return false;
    }
    return true;
  }

  remove(id: number): void {
    const c = this.chainOf[id];
    const p = this.prev[id];
    const n = this.next[id];
    if (n !== NONE) this.prev[n] = p;
    else this.chainTail[c] = p;
    if (p !== NONE) this.next[p] = n;
    else this.chainHead[c] = n;
    if (c !== NULL_CHAIN && this.chainHead[c] === NONE) {
      this.chains.delete(this.chainKey[c]);
      this.chainKey[c] = null;
      this.freeChains.push(c);
    }
    this.dirty[id] = 0;
    this.emitted[id] = 0;
    this.live[id] = 0;
    this.store.free(id);
  }

  /** How many rows are stored. */
  get size(): number {
    return this.store.size;
  }

  /** The ids of all stored rows. */
  liveIds(): Int32Array {
    const out = new Int32Array(this.store.size);
    let n = 0;
    const top = this.store.highWater;
    for (let id = 0; id < top; id++) if (this.live[id] === 1) out[n++] = id;
    return out.subarray(0, n);
  }

  /** First row id under `key` (in insertion order), or -1; follow with nextId. */
  first(key: KeyPrimitive): number {
    const c = this.chains.get(key);
    return c === undefined ? NONE : this.chainHead[c];
  }

  nextId(id: number): number {
    return this.next[id];
  }

  markDirty(id: number): void {
    if (this.dirty[id] === 0) {
      this.dirty[id] = 1;
      this.dirtyList.push(id);
    }
  }

  /** The rows whose match state may have changed since the last call (each once, still stored). */
  takeDirty(): number[] {
    const list = this.dirtyList;
    this.dirtyList = [];
    const out: number[] = [];
    for (const id of list) {
      if (this.dirty[id] === 1) {
        this.dirty[id] = 0;
        out.push(id);
      }
    }
    return out;
  }
}

function grow32(a: Int32Array, cap: number, fill: number): Int32Array {
  const b = new Int32Array(cap).fill(fill);
  b.set(a);
  return b;
}

function grow8(a: Uint8Array, cap: number): Uint8Array {
  const b = new Uint8Array(cap);
  b.set(a);
  return b;
}
