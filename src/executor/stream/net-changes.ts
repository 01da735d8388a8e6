// The net effect of a bag of changes: each distinct row's +1/-1 ops summed (rows that are equal
// but print differently, numeric 1.0 and 1.00, stay distinct: exactRowKeys); rows whose count
// nets to zero vanish, the rest come out as that many inserts or deletes, in first-seen order.

import type { Chunk, DataType } from "../../types/index.js";
import { ChunkBuilder, concatChunks } from "../chunk-builder.js";
import { exactRowKeys, type KeyPrimitive } from "../row-key.js";

export function netChanges(types: readonly DataType[], chunks: readonly Chunk[]): Chunk | null {
  if (chunks.length === 0) return null;
  // inserts only (append-only inputs): nothing can cancel, the net is the chunks themselves
  if (chunks.every((c) => c.ops === null)) return concatChunks(types, chunks);
  const net = new Map<KeyPrimitive, { chunk: Chunk; row: number; count: number }>();
  for (const chunk of chunks) {
    const keys = exactRowKeys(chunk.columns, chunk.length);
    for (let i = 0; i < chunk.length; i++) {
      let e = net.get(keys[i]);
      if (e === undefined) {
        e = { chunk, row: i, count: 0 };
        net.set(keys[i], e);
      }
      e.count += chunk.op(i);
    }
  }
  const parts: Chunk[] = [];
  const b = new ChunkBuilder(types, (c) => parts.push(c));
  for (const e of net.values()) {
    if (e.count === 0) continue;
    const row = e.chunk.row(e.row);
    const op = e.count > 0 ? 1 : -1;
    for (let k = 0; k < Math.abs(e.count); k++) b.appendValues(row, op);
  }
  b.flush();
  if (parts.length === 0) return null;
  return parts.length === 1 ? parts[0] : concatChunks(types, parts);
}
