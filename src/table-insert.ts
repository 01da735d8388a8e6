// The columnar INSERT path: a statement's result chunks go into the table store, the WAL and the
// views as chunks (StoredRelation.insertChunk, Database.logInsertChunk/publishInsertedChunk),
// with no row arrays in between. Relations with CHECK constraints or vector indexes, which read
// rows, keep the row path (StoredRelation.write).

import type { RelationEntry } from "./catalog/index.js";
import type { Database } from "./database.js";
import type { StoredRelation } from "./stored-relation.js";
import { Chunk, Column, ColumnBuilder, physicalKind } from "./types/index.js";

export interface ChunkInsertResult {
  inserted: Chunk;
  /** rows behind the stream's watermark, not inserted */
  late: unknown[][];
  watermark?: unknown;
}

/**
 * The plan's chunks as one chunk typed as the relation's columns (insert-only: ops dropped), or
 * null when a column's physical representation differs from the table's (the row path casts).
 */
export function tableChunk(entry: RelationEntry, chunks: readonly Chunk[]): Chunk | null {
  const n = entry.columns.length;
  for (const ch of chunks) {
    if (ch.columns.length !== n) return null;
    for (let c = 0; c < n; c++) if (ch.columns[c].kind !== physicalKind(entry.columns[c].type)) return null;
  }
  const live = chunks.filter((ch) => ch.length > 0);
  const length = live.reduce((s, ch) => s + ch.length, 0);
  const columns = entry.columns.map((def, c) => {
    if (live.length === 1) {
      const col = live[0].columns[c];
      return new Column(def.type, col.data, col.nulls, live[0].length);
    }
    const b = new ColumnBuilder(def.type, Math.max(1, length));
    for (const ch of live) for (let i = 0; i < ch.length; i++) b.pushFrom(ch.columns[c], i);
    return b.build();
  });
  return new Chunk(columns, length);
}

/** Inserts `chunk` into relation `stored` (chunkInsertable), logs it, and publishes it to the views. */
export function insertChunkInto(db: Database, stored: StoredRelation, chunk: Chunk, skipConflicts: boolean): ChunkInsertResult {
  const applied = stored.insertChunk(chunk, skipConflicts);
  if (applied.inserted.length > 0) {
    try {
      db.logInsertChunk(stored.entry.id, applied.inserted);
    } catch (e) {
      applied.undo(); // not in the log (a full disk): no reader may see it
      throw e;
    }
  }
  db.publishInsertedChunk(stored.entry.id, applied.inserted, applied.watermark);
  return { inserted: applied.inserted, late: applied.late, watermark: applied.watermark };
}
