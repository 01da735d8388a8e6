// Bulk ingest into a table or stream, a chunk at a time (COPY FROM a file, file sources): a
// relation with no key or CHECK takes the chunk whole; otherwise its rows go through the checked
// write path. The chunk's changes are published; the caller ends the epoch with publishChanges.

import type { Database } from "./database.js";
import type { Chunk } from "./types/index.js";

export interface AppendResult {
  rows: number;
  /** the stream's new watermark when the chunk moved it */
  watermark?: unknown;
}

/** Appends `chunk` (rows in the relation's column order) to relation `id`; `log` makes the rows durable in the WAL. */
export function appendChunkTo(db: Database, id: string, chunk: Chunk, log: boolean): AppendResult {
  const stored = db.relation(id);
  if (stored.bulkAppendable) {
    const before = stored.store.highWaterMark;
    const r = stored.appendChunk(chunk);
    if (log && r.accepted.length > 0) {
      try {
        db.logWrite(id, [], r.accepted.rows());
      } catch (e) {
        // not in the log (a full disk): take the rows back so no reader sees them
        stored.store.truncateTo(before);
        stored.rebuildIndexes();
        throw e;
      }
    }
    db.publishChunk(id, r.accepted);
    return { rows: r.accepted.length, watermark: r.watermark };
  }
  const { change, undo } = stored.writeUndoable([], chunk.rows());
  if (log) {
    try {
      db.logWrite(id, change.deletedIds, change.inserted);
    } catch (e) {
      undo();
      throw e;
    }
  }
  if (change.inserted.length > 0) db.publishChunk(id, stored.changes(change.inserted, []));
  return { rows: change.inserted.length, watermark: change.watermark };
}
