// The apply half of an INSERT/UPDATE/DELETE: the rows its plan computed (insert: new rows;
// update: row id then the new row; delete: row id then the old row) go into the relation, the
// log and the views, and rows behind a stream's watermark go to its late-rows stream. It is one
// function so that a statement run here and the same statement read back from the cluster's
// input log (log-replica.ts) apply through exactly the same code.

import type { Database } from "./database.js";
import type { StoredRelation, WriteResult } from "./stored-relation.js";
import { insertChunkInto, tableChunk } from "./table-insert.js";
import { Chunk } from "./types/index.js";

export interface PlannedWrite {
  kind: "insert" | "update" | "delete";
  /** the relation's id in the database that applies it */
  relation: string;
  /** INSERT ... ON CONFLICT DO NOTHING */
  skipConflicts: boolean;
}

export interface AppliedWrite {
  /** rows inserted, updated or deleted (the command tag's count) */
  count: number;
  /** those rows, in the relation's columns (RETURNING reads them) */
  written: () => Chunk;
  /** rows behind the stream's watermark, not inserted */
  late: unknown[][];
  /** the stream the late rows went to (absent: dropped) */
  lateTarget?: string;
}

/** Applies the computed rows `chunks` of write `w` to `db`. */
export function applyPlannedWrite(db: Database, w: PlannedWrite, chunks: readonly Chunk[]): AppliedWrite {
  const stored = db.relation(w.relation);
  const entry = stored.entry;
  const columnar = w.kind === "insert" && stored.chunkInsertable ? tableChunk(entry, chunks) : null;
  if (columnar) {
    const r = insertChunkInto(db, stored, columnar, w.skipConflicts);
    return withLateRows(db, stored, { count: r.inserted.length, written: () => r.inserted, late: r.late });
  }
  const rows = chunks.flatMap((c) => c.rows());
  let written: unknown[][];
  const uniqueIds = () => matchedOnce(rows);
  let applied: ReturnType<StoredRelation["writeUndoable"]>;
  if (w.kind === "insert") {
    applied = stored.writeUndoable([], rows, w.skipConflicts);
    written = applied.change.inserted;
  } else if (w.kind === "update") {
    const matched = uniqueIds();
    written = matched.map((r) => r.slice(1));
    applied = stored.writeUndoable(
      matched.map((r) => r[0] as number),
      written,
    );
  } else {
    const matched = uniqueIds();
    written = matched.map((r) => r.slice(1));
    applied = stored.writeUndoable(
      matched.map((r) => r[0] as number),
      [],
    );
  }
  const change: WriteResult = applied.change;
  try {
    db.logWrite(entry.id, change.deletedIds, change.inserted);
  } catch (e) {
    applied.undo(); // not in the log (a full disk): no reader may see it
    throw e;
  }
  db.publishChanges(entry.id, change.inserted, change.deleted, change.watermark);
  const types = entry.columns.map((c) => c.type);
  return withLateRows(db, stored, { count: written.length, written: () => Chunk.fromRows(types, written), late: change.late });
}

/** a row matched twice through UPDATE ... FROM / DELETE ... USING is written once */
function matchedOnce(rows: unknown[][]): unknown[][] {
  const seen = new Set<number>();
  return rows.filter((r) => !seen.has(r[0] as number) && (seen.add(r[0] as number), true));
}

/**
 * Checks write `w` against `db` as applyPlannedWrite would apply it, changing nothing: throws the
 * errors its application would (constraint violations), and returns the chunks to apply, the
 * rows an ON CONFLICT DO NOTHING leaves out removed. A cluster leader appends these to the input
 * log, so that the log holds only what every replica applies and workers read exactly that.
 */
export function admitPlannedWrite(db: Database, w: PlannedWrite, chunks: readonly Chunk[]): readonly Chunk[] {
  const stored = db.relation(w.relation);
  const entry = stored.entry;
  // nothing a replica could reject: no constraint to check
  if (!entry.uniques?.length && stored.checks.length === 0 && !entry.columns.some((c) => c.notNull) && !entry.primaryKey?.length) return chunks;
  if (w.kind === "delete") return chunks;
  const rows = chunks.flatMap((c) => c.rows());
  if (w.kind === "update") {
    const matched = matchedOnce(rows);
    stored.admit(
      matched.map((r) => r[0] as number),
      matched.map((r) => r.slice(1)),
    );
    return chunks;
  }
  const { accepted, late } = stored.admit([], rows, w.skipConflicts);
  if (accepted.length + late.length === rows.length) return chunks;
  // the watermark splits the rows the same way on every replica: late ones stay for its late-rows stream
  const kept = new Set([...accepted, ...late]);
  return [Chunk.fromRows(entry.columns.map((c) => c.type), rows.filter((r) => kept.has(r)))];
}

/** Rows behind a stream's watermark go to its late-rows stream when it names one. */
function withLateRows(db: Database, stored: StoredRelation, r: AppliedWrite): AppliedWrite {
  if (r.late.length === 0 || !stored.entry.lateRowsTarget) return r;
  const target = db.catalog.relationById(stored.entry.lateRowsTarget);
  if (!target) return r;
  const late = db.relation(target.id).write([], r.late);
  db.logWrite(target.id, [], late.inserted);
  db.publishChanges(target.id, late.inserted, [], late.watermark);
  return { ...r, lateTarget: target.name };
}
