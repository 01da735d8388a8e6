// An open-addressing hash table from int32 keys to int32 values (group slots), in typed arrays:
// the hash aggregate's index for its most common case, a single integer GROUP BY key. Linear
// probing over a power-of-two table kept at most half full; no per-entry objects.

const EMPTY = -1;

export class IntHashTable {
  private keys: Int32Array;
  private values: Int32Array;
  private mask: number;
  private count = 0;

  constructor(capacity = 1024) {
    let cap = 16;
    while (cap < capacity * 2) cap *= 2;
    this.keys = new Int32Array(cap);
    this.values = new Int32Array(cap).fill(EMPTY);
    this.mask = cap - 1;
  }

  get size(): number {
    return this.count;
  }

  private static hash(k: number): number {
    const h = Math.imul(k, 0x9e3779b1);
    return h ^ (h >>> 16);
  }

  /** The value stored for k, or -1. */
  get(k: number): number {
    const keys = this.keys;
    const values = this.values;
    const mask = this.mask;
    for (let i = IntHashTable.hash(k) & mask; ; i = (i + 1) & mask) {
      const v = values[i];
      if (v === EMPTY || keys[i] === k) return v;
    }
  }

  /** Stores k → v (v >= 0); k must not be present. */
  set(k: number, v: number): void {
    if ((this.count + 1) * 2 > this.keys.length) this.rehash();
    const mask = this.mask;
    let i = IntHashTable.hash(k) & mask;
    while (this.values[i] !== EMPTY) i = (i + 1) & mask;
    this.keys[i] = k;
    this.values[i] = v;
    this.count++;
  }

  /** Removes k (backward-shift deletion keeps probe chains intact). */
  delete(k: number): void {
    const keys = this.keys;
    const values = this.values;
    const mask = this.mask;
    let i = IntHashTable.hash(k) & mask;
    for (;;) {
      if (values[i] === EMPTY) return;
      if (keys[i] === k) break;
      i = (i + 1) & mask;
    }
    this.count--;
    let j = i;
    for (;;) {
      values[i] = EMPTY;
      for (;;) {
        j = (j + 1) & mask;
        if (values[j] === EMPTY) return;
        const home = IntHashTable.hash(keys[j]) & mask;
        // move j back to i unless its home lies cyclically in (i, j]
        if (i <= j ? home <= i || home > j : home <= i && home > j) break;
      }
      keys[i] = keys[j];
      values[i] = values[j];
      i = j;
    }
  }

  private rehash(): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    const cap = oldKeys.length * 2;
    this.keys = new Int32Array(cap);
    this.values = new Int32Array(cap).fill(EMPTY);
    this.mask = cap - 1;
    this.count = 0;
    for (let i = 0; i < oldKeys.length; i++) if (oldValues[i] !== EMPTY) this.set(oldKeys[i], oldValues[i]);
  }
}
