// A relation's stored rows together with the constraints that guard them: NOT NULL, primary key
// and UNIQUE (hash indexes from key to row id), CHECK. Writes are checked whole before any row is
// applied, so a failing statement changes nothing.

import type { RelationEntry } from "./catalog/index.js";
import { ROW_ID_COLUMN, TableStore } from "./storage/index.js";
import type { WatermarkGenerator } from "./watermark.js";
import { Chunk, SqlError, SqlState, formatValue, keyOf } from "./types/index.js";

export interface CheckConstraint {
  name: string;
  /** evaluates the check over full rows (columns in table order); null/true pass */
  evaluate(rows: unknown[][]): unknown[];
}

interface UniqueIndex {
  name: string;
  columns: number[];
  primary: boolean;
  map: Map<unknown, number>;
}

export interface WriteResult {
  inserted: unknown[][];
  deleted: unknown[][];
  /** the row ids of `deleted` */
  deletedIds: number[];
  /** rows refused for arriving behind the stream's watermark */
  late: unknown[][];
  /** the stream's new watermark, when this write moved it */
  watermark?: unknown;
}

/** Told of every change applied to a relation's rows (secondary indexes such as HNSW follow it). */
export interface RowChangeListener {
  applied(deletedIds: readonly number[], insertedIds: readonly number[], inserted: readonly unknown[][]): void;
  cleared(): void;
}

export class StoredRelation {
  /** what checkpoints capture (see executor/state): the rows and the watermark (unique indexes are rebuilt) */
  readonly stateFields = ["store", "watermark"] as const;
  readonly store: TableStore;
  private uniques: UniqueIndex[] = [];
  checks: CheckConstraint[] = [];
  /** streams with WATERMARK FOR: the event-time watermark, and late-row filtering */
  watermark: WatermarkGenerator | null = null;
  /** secondary indexes kept in step with the rows */
  readonly listeners = new Set<RowChangeListener>();

  constructor(readonly entry: RelationEntry) {
    this.store = new TableStore(entry.columns.map((c) => c.type));
    if (entry.primaryKey) this.uniques.push({ name: `${entry.name}_pkey`, columns: entry.primaryKey, primary: true, map: new Map() });
    for (const u of entry.uniques ?? []) {
      this.uniques.push({ name: `${entry.name}_${u.map((c) => entry.columns[c].name).join("_")}_key`, columns: u, primary: false, map: new Map() });
    }
  }

  /**
   * The live row whose one-column unique key `column` equals `value`, as a chunk of `columns`
   * (empty when there is none); undefined when `column` is not such a key.
   */
  lookup(columns: readonly number[], column: number, value: unknown): Chunk | undefined {
    const ix = this.uniques.find((u) => u.columns.length === 1 && u.columns[0] === column);
    if (!ix) return undefined;
    const id = ix.map.get(keyOf(this.entry.columns[column].type, value));
    if (id === undefined) return this.store.rowChunk(-1, columns);
    return this.store.rowChunk(id as number, columns);
  }

  /** The index key of a row for a unique index; undefined when a key column is NULL (no conflict). */
  private keyOf(ix: UniqueIndex, row: readonly unknown[]): unknown {
    if (ix.columns.length === 1) {
      const v = row[ix.columns[0]];
      return v === null ? undefined : keyOf(this.entry.columns[ix.columns[0]].type, v);
    }
    let k = "";
    for (const c of ix.columns) {
      const v = row[c];
      if (v === null) return undefined;
      const kv = keyOf(this.entry.columns[c].type, v);
      k += `${typeof kv}:${String(kv).length}:${String(kv)}|`;
    }
    return k;
  }

  /** The live row with `row`'s primary key (only the key columns of `row` are read), if any. */
  rowIdForKey(row: readonly unknown[]): number | undefined {
    const pk = this.uniques.find((u) => u.primary);
    if (!pk) return undefined;
    const k = this.keyOf(pk, row);
    return k === undefined ? undefined : pk.map.get(k);
  }

  private describeKey(ix: UniqueIndex, row: readonly unknown[]): string {
    const names = ix.columns.map((c) => this.entry.columns[c].name).join(", ");
    const values = ix.columns.map((c) => formatValue(this.entry.columns[c].type, row[c])).join(", ");
    return `Key (${names})=(${values}) already exists.`;
  }

  private failingRow(row: readonly unknown[]): string {
    return `Failing row contains (${row.map((v, c) => (v === null ? "null" : formatValue(this.entry.columns[c].type, v))).join(", ")}).`;
  }

  /**
   * Checks and applies one statement's writes: `deletes` (row ids) go first, then `inserts`.
   * With `skipConflicts` (ON CONFLICT DO NOTHING) conflicting inserts are dropped instead of failing.
   * Returns the rows actually inserted and the rows deleted; on a stream with a watermark, the
   * rows that arrived late (behind it), which were not inserted, and the watermark if it moved.
   */
  write(deletes: readonly number[], inserts: unknown[][], skipConflicts = false): WriteResult {
    const { accepted, late } = this.admit(deletes, inserts, skipConflicts);
    return this.applyAdmitted(deletes, accepted, late);
  }

  /**
   * What write() would do with these rows, changing nothing: throws its constraint errors, and
   * returns the rows it would insert (`accepted`) and those behind a stream's watermark (`late`).
   * A cluster leader checks a write with it before appending it to the input log.
   */
  admit(deletes: readonly number[], inserts: unknown[][], skipConflicts = false): { accepted: unknown[][]; late: unknown[][] } {
    const e = this.entry;
    let late: unknown[][] = [];
    if (this.watermark) ({ onTime: inserts, late } = this.watermark.split(inserts));
    for (const row of inserts) {
      for (let c = 0; c < e.columns.length; c++) {
        if (row[c] === null && (e.columns[c].notNull || e.primaryKey?.includes(c))) {
          throw new SqlError(SqlState.NotNullViolation, `null value in column "${e.columns[c].name}" of relation "${e.name}" violates not-null constraint`, { detail: this.failingRow(row) });
        }
      }
    }
    for (const check of this.checks) {
      const results = check.evaluate(inserts);
      results.forEach((ok, i) => {
        if (ok === false) {
          throw new SqlError(SqlState.CheckViolation, `new row for relation "${e.name}" violates check constraint "${check.name}"`, { detail: this.failingRow(inserts[i]) });
        }
      });
    }
    const deleted = new Set(deletes);
    let accepted = inserts;
    if (this.uniques.length > 0) {
      accepted = [];
      const staged = this.uniques.map(() => new Set<unknown>());
      for (const row of inserts) {
        let conflict: { ix: UniqueIndex } | undefined;
        const keys = this.uniques.map((ix) => this.keyOf(ix, row));
        for (let u = 0; u < this.uniques.length && !conflict; u++) {
          const k = keys[u];
          if (k === undefined) continue;
          const existing = this.uniques[u].map.get(k);
          if ((existing !== undefined && !deleted.has(existing)) || staged[u].has(k)) conflict = { ix: this.uniques[u] };
        }
        if (conflict) {
          if (skipConflicts) continue;
          throw new SqlError(SqlState.UniqueViolation, `duplicate key value violates unique constraint "${conflict.ix.name}"`, { detail: this.describeKey(conflict.ix, row) });
        }
        keys.forEach((k, u) => k !== undefined && staged[u].add(k));
        accepted.push(row);
      }
    }
    return { accepted, late };
  }

  // apply: nothing here can fail on user input
  private applyAdmitted(deletes: readonly number[], accepted: unknown[][], late: unknown[][]): WriteResult {
    const deletedRows: unknown[][] = [];
    const deletedIds: number[] = [];
    for (const id of deletes) {
      if (!this.store.isLive(id)) continue;
      const old = this.store.row(id);
      deletedRows.push(old);
      deletedIds.push(id);
      if (this.uniques.length) {
        for (const ix of this.uniques) {
          const k = this.keyOf(ix, old);
          if (k !== undefined && ix.map.get(k) === id) ix.map.delete(k);
        }
      }
      this.store.delete(id);
    }
    const insertedIds: number[] = [];
    if (this.entry.retain !== false) {
      for (const row of accepted) {
        const id = this.store.appendRow(row);
        insertedIds.push(id);
        for (const ix of this.uniques) {
          const k = this.keyOf(ix, row);
          if (k !== undefined) ix.map.set(k, id);
        }
      }
    }
    for (const l of this.listeners) l.applied(deletedIds, insertedIds, accepted);
    const watermark = this.watermark?.advance(accepted);
    return { inserted: accepted, deleted: deletedRows, deletedIds, late, watermark };
  }

  /**
   * A write with the means to take it back: `undo` restores the rows as they were before it, for a
   * write its statement could not log (a full disk), so no reader sees what a restart would lose.
   * Only the rows and their indexes go back; a moved watermark stays (the database then refuses
   * writes until a restart replays the log).
   */
  writeUndoable(deletes: readonly number[], inserts: unknown[][], skipConflicts = false): { change: WriteResult; undo(): void } {
    const before = this.store.highWaterMark;
    const change = this.write(deletes, inserts, skipConflicts);
    return {
      change,
      undo: () => {
        this.store.truncateTo(before);
        for (const id of change.deletedIds) this.store.undelete(id);
        this.rebuildIndexes();
      },
    };
  }

  /**
   * Whether insertChunk can take a statement's rows column-wise: CHECK constraints and row
   * listeners (vector indexes) read row arrays, so those relations keep the row path (write).
   */
  get chunkInsertable(): boolean {
    return this.checks.length === 0 && this.listeners.size === 0;
  }

  /**
   * An INSERT's rows as a chunk (columns in table order), checked and appended column-wise: the
   * same checks, errors and ON CONFLICT DO NOTHING semantics as write([], rows), without turning
   * the rows into arrays. Returns the inserted rows as a chunk, the first new row id, the late
   * rows (behind a stream's watermark) and the watermark if it moved. Only when chunkInsertable.
   */
  insertChunk(chunk: Chunk, skipConflicts = false): { inserted: Chunk; late: unknown[][]; watermark?: unknown; undo(): void } {
    const e = this.entry;
    let rows = chunk;
    let late: unknown[][] = [];
    const wm = this.watermark;
    if (wm && wm.current !== undefined) {
      const keep = wm.onTimeIndices(chunk);
      if (keep.length < chunk.length) {
        const lateIdx: number[] = [];
        for (let i = 0, k = 0; i < chunk.length; i++) {
          if (k < keep.length && keep[k] === i) k++;
          else lateIdx.push(i);
        }
        late = chunk.take(lateIdx).rows();
        rows = chunk.take(keep);
      }
    }
    // NOT NULL: the first failing row wins, and within it the first column (as the row path reports)
    let badRow = -1;
    let badCol = -1;
    for (let c = 0; c < e.columns.length; c++) {
      const nulls = rows.columns[c].nulls;
      if (nulls === null || !(e.columns[c].notNull || e.primaryKey?.includes(c))) continue;
      const i = nulls.subarray(0, rows.length).indexOf(1);
      if (i >= 0 && (badRow < 0 || i < badRow)) [badRow, badCol] = [i, c];
    }
    if (badRow >= 0) {
      throw new SqlError(SqlState.NotNullViolation, `null value in column "${e.columns[badCol].name}" of relation "${e.name}" violates not-null constraint`, { detail: this.failingRow(rows.row(badRow)) });
    }
    let accepted = rows;
    let keys: unknown[][] = [];
    if (this.uniques.length > 0) {
      keys = this.uniques.map((ix) => this.chunkKeys(ix, rows));
      const keep: number[] = [];
      const staged = this.uniques.map(() => new Set<unknown>());
      for (let i = 0; i < rows.length; i++) {
        let conflict: UniqueIndex | undefined;
        for (let u = 0; u < this.uniques.length && !conflict; u++) {
          const k = keys[u][i];
          if (k !== undefined && (this.uniques[u].map.has(k) || staged[u].has(k))) conflict = this.uniques[u];
        }
        if (conflict) {
          if (skipConflicts) continue;
          throw new SqlError(SqlState.UniqueViolation, `duplicate key value violates unique constraint "${conflict.name}"`, { detail: this.describeKey(conflict, rows.row(i)) });
        }
        for (let u = 0; u < this.uniques.length; u++) if (keys[u][i] !== undefined) staged[u].add(keys[u][i]);
        keep.push(i);
      }
      if (keep.length < rows.length) {
        accepted = rows.take(keep);
        keys = keys.map((ks) => keep.map((i) => ks[i]));
      }
    }
    // apply: nothing below can fail on user input
    const before = this.store.highWaterMark;
    if (e.retain !== false && accepted.length > 0) {
      const first = this.store.appendChunk(accepted);
      for (let u = 0; u < this.uniques.length; u++) {
        const map = this.uniques[u].map;
        const ks = keys[u];
        for (let j = 0; j < accepted.length; j++) if (ks[j] !== undefined) map.set(ks[j], first + j);
      }
    }
    const watermark = wm?.advanceChunk(accepted);
    return {
      inserted: accepted,
      late,
      watermark,
      undo: () => {
        this.store.truncateTo(before);
        this.rebuildIndexes();
      },
    };
  }

  /** The unique index keys of a chunk's rows (undefined where a key column is NULL), as keyOf computes them. */
  private chunkKeys(ix: UniqueIndex, chunk: Chunk): unknown[] {
    const out = new Array<unknown>(chunk.length);
    if (ix.columns.length === 1) {
      const col = chunk.columns[ix.columns[0]];
      const type = this.entry.columns[ix.columns[0]].type;
      for (let i = 0; i < chunk.length; i++) {
        const v = col.get(i);
        out[i] = v === null ? undefined : keyOf(type, v);
      }
      return out;
    }
    const row = new Array<unknown>(this.entry.columns.length).fill(null);
    for (let i = 0; i < chunk.length; i++) {
      for (const c of ix.columns) row[c] = chunk.columns[c].get(i);
      out[i] = this.keyOf(ix, row);
    }
    return out;
  }

  /** Whether appendChunk may take bulk rows: no key or CHECK to enforce row by row. */
  get bulkAppendable(): boolean {
    return this.uniques.length === 0 && this.checks.length === 0;
  }

  /**
   * Appends a chunk to a stream (bulk ingest from a connector): no constraints to check beyond
   * NOT NULL; late rows are dropped by the watermark. Returns the on-time rows as a chunk.
   */
  appendChunk(chunk: Chunk): { accepted: Chunk; late: number; watermark?: unknown } {
    let accepted = chunk;
    let late = 0;
    const wm = this.watermark;
    if (wm && wm.current !== undefined) {
      const keep = wm.onTimeIndices(chunk);
      late = chunk.length - keep.length;
      if (late > 0) accepted = chunk.take(keep);
    }
    for (let c = 0; c < this.entry.columns.length; c++) {
      if (this.entry.columns[c].notNull && accepted.columns[c].nulls?.includes(1)) {
        const i = accepted.columns[c].nulls!.indexOf(1);
        throw new SqlError(SqlState.NotNullViolation, `null value in column "${this.entry.columns[c].name}" of relation "${this.entry.name}" violates not-null constraint`, { detail: this.failingRow(accepted.row(i)) });
      }
    }
    if (this.entry.retain !== false) this.store.appendChunk(accepted);
    const watermark = wm?.advanceChunk(accepted);
    return { accepted, late, watermark };
  }

  /**
   * Rebuilds the unique indexes from the stored rows, and has the row listeners (vector indexes)
   * start over from them (after restoring the rows from a checkpoint, which no listener saw).
   */
  rebuildIndexes(): void {
    if (this.uniques.length === 0 && this.listeners.size === 0) return;
    for (const ix of this.uniques) ix.map.clear();
    for (const l of this.listeners) l.cleared();
    const all = this.entry.columns.map((_, i) => i);
    for (const chunk of this.store.scan([ROW_ID_COLUMN, ...all])) {
      const ids: number[] = [];
      const rows: unknown[][] = [];
      for (let i = 0; i < chunk.length; i++) {
        const row = chunk.row(i);
        const id = row[0] as number;
        for (const ix of this.uniques) {
          const k = this.keyOf(ix, row.slice(1));
          if (k !== undefined) ix.map.set(k, id);
        }
        ids.push(id);
        rows.push(row.slice(1));
      }
      for (const l of this.listeners) l.applied([], ids, rows);
    }
  }

  /** Removes every row; returns them (for the views that read this relation). */
  truncate(): unknown[][] {
    const rows = [...this.store.scan(this.entry.columns.map((_, i) => i))].flatMap((c) => c.rows());
    this.store.clear();
    for (const ix of this.uniques) ix.map.clear();
    for (const l of this.listeners) l.cleared();
    return rows;
  }

  /** The change chunk of a write: deleted rows as -1, inserted rows as +1. */
  changes(inserted: unknown[][], deleted: unknown[][]): Chunk {
    const rows = [...deleted, ...inserted];
    const ops = [...deleted.map(() => -1), ...inserted.map(() => 1)];
    return Chunk.fromRows(this.entry.columns.map((c) => c.type), rows, deleted.length ? ops : undefined);
  }
}

