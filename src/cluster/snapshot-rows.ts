// A table's rows in a log snapshot (cluster-records.ts LogSnapshotRecord): what a view placed
// after the input log was cut reads instead of the writes that were cut. One object per table,
// u32 length + Arrow IPC bytes per chunk (exchange-frames.ts: exact for every type), the rows as
// they are (all +1), read by a source instance before the log after the snapshot's sequence.

import type { ObjectStore } from "./backbone.js";
import { chunkSequenceParts, decodeChunkSequence } from "./exchange-frames.js";
import type { Chunk } from "../types/index.js";

export function encodeSnapshotRows(chunks: readonly Chunk[]): Uint8Array {
  return Buffer.concat(chunkSequenceParts(chunks.filter((c) => c.length > 0)));
}

export function decodeSnapshotRows(data: Uint8Array): Chunk[] {
  return decodeChunkSequence(data);
}

/** the rows of each of `relations` the snapshot holds (a relation it lacks had no rows then); a missing object throws */
export async function readSnapshotRows(objects: ObjectStore, rows: Record<string, string>, relations: Iterable<string>): Promise<Map<string, Chunk[]>> {
  const out = new Map<string, Chunk[]>();
  for (const relation of relations) {
    const name = rows[relation];
    if (name === undefined) continue;
    const bytes = await objects.get(name);
    if (bytes === null) throw new Error(`the snapshot object ${name} is missing`);
    out.set(relation, decodeSnapshotRows(bytes));
  }
  return out;
}
