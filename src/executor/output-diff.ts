// The difference between two multisets of output rows, as changes: the rows an operator emitted
// last time and the rows it would emit now (both keyed by exact row value, with counts). Operators
// that recompute a part of their output from scratch (TopN, IncrementalWindow) retract what is gone
// and insert what is new, and unchanged rows produce no change at all.

import type { ChunkBuilder } from "./chunk-builder.js";
import type { KeyPrimitive } from "./row-key.js";

export type CountedRows = Map<KeyPrimitive, { row: unknown[]; count: number }>;

export function appendOutputDiff(out: ChunkBuilder, emitted: CountedRows, now: CountedRows): void {
  for (const [k, old] of emitted) {
    const c = now.get(k)?.count ?? 0;
    for (let j = c; j < old.count; j++) out.appendValues(old.row, -1);
  }
  for (const [k, cur] of now) {
    const c = emitted.get(k)?.count ?? 0;
    for (let j = c; j < cur.count; j++) out.appendValues(cur.row, 1);
  }
}
