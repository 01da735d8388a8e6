// An index from tuples of numbers (a composite GROUP BY key whose columns are all numeric:
// integers, floats, timestamps) to group slots, as nested Maps keyed by numbers. Why: the hash
// aggregate's general index keys each row by a joined string, and building and hashing that
// string dominated composite-key aggregates (nexmark q5's (window_start, auction)). It is a cache
// in front of that index, not state: it is filled from lookups, so a restored operator starts
// with it empty.

type Level = Map<number, unknown>;

export class NumericTupleIndex {
  private readonly root: Level = new Map();

  constructor(readonly width: number) {}

  /** The slot of parts[0..width), or -1. */
  get(parts: Float64Array): number {
    let level = this.root;
    const last = this.width - 1;
    for (let c = 0; c < last; c++) {
      const next = level.get(parts[c]) as Level | undefined;
      if (next === undefined) return -1;
      level = next;
    }
    const s = level.get(parts[last]) as number | undefined;
    return s === undefined ? -1 : s;
  }

  set(parts: Float64Array, slot: number): void {
    let level = this.root;
    const last = this.width - 1;
    for (let c = 0; c < last; c++) {
      let next = level.get(parts[c]) as Level | undefined;
      if (next === undefined) {
        next = new Map();
        level.set(parts[c], next);
      }
      level = next;
    }
    level.set(parts[last], slot);
  }

  /** Removes the tuple (and the levels it leaves empty). */
  delete(parts: Float64Array): void {
    this.deleteFrom(this.root, parts, 0);
  }

  private deleteFrom(level: Level, parts: Float64Array, c: number): void {
    if (c === this.width - 1) {
      level.delete(parts[c]);
      return;
    }
    const next = level.get(parts[c]) as Level | undefined;
    if (next === undefined) return;
    this.deleteFrom(next, parts, c + 1);
    if (next.size === 0) level.delete(parts[c]);
  }
}
