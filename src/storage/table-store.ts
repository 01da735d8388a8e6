// The contents of one stored relation (a table, a stream's retained rows, a materialized view's
// state) in memory: growable columns, a deleted mask, and row ids (positions) that stay stable
// until compaction. Appends never overwrite earlier positions, so a column slice taken for a scan
// stays valid while later rows arrive. Durable persistence (DuckDB) is layered on by the storage
// issue; this is the in-memory form it restores into.

import { Chunk, Column, ColumnBuilder, DataType, Types } from "../types/index.js";

export const SCAN_CHUNK_ROWS = 4096;
/** Column index that asks a scan for the row id (an integer column) instead of a stored column. */
export const ROW_ID_COLUMN = -1;

export class TableStore {
  private builders: ColumnBuilder[];
  private deleted = new Uint8Array(64);
  private deletedCount = 0;
  private rowCount = 0;
  /** bumped by every change: checkpoints skip a store whose version they already hold */
  version = 0;
  /** rows below this are in the last checkpoint (-1: none, the next one must be whole) */
  private checkpointedRows = -1;
  /** ids below checkpointedRows deleted since that checkpoint */
  private deletedSinceCheckpoint: number[] = [];

  constructor(readonly types: DataType[]) {
    this.builders = types.map((t) => new ColumnBuilder(t, 64));
  }

  /** Live rows (not deleted). */
  get size(): number {
    return this.rowCount - this.deletedCount;
  }

  /** Appends rows from a chunk (its ops are ignored: every row is an insert); returns the first new row id. */
  appendChunk(chunk: Chunk): number {
    const first = this.rowCount;
    this.version++;
    for (let c = 0; c < this.builders.length; c++) {
      this.builders[c].pushRange(chunk.columns[c], 0, chunk.length);
    }
    this.rowCount += chunk.length;
    this.ensureDeletedCapacity();
    return first;
  }

  /** Appends one row of scalar values; returns its row id. */
  appendRow(row: readonly unknown[]): number {
    this.version++;
    for (let c = 0; c < this.builders.length; c++) this.builders[c].push(row[c]);
    this.ensureDeletedCapacity();
    return this.rowCount++;
  }

  private ensureDeletedCapacity(): void {
    if (this.deleted.length >= this.rowCount + 1) return;
    let n = this.deleted.length;
    while (n < this.rowCount + 1) n *= 2;
    const d = new Uint8Array(n);
    d.set(this.deleted);
    this.deleted = d;
  }

  isLive(rowId: number): boolean {
    return rowId >= 0 && rowId < this.rowCount && this.deleted[rowId] === 0;
  }

  delete(rowId: number): void {
    if (!this.isLive(rowId)) return;
    this.deleted[rowId] = 1;
    this.version++;
    if (rowId < this.checkpointedRows) this.deletedSinceCheckpoint.push(rowId);
    this.deletedCount++;
  }

  /** Undo a delete made in the same statement (used when a statement fails half-way). */
  undelete(rowId: number): void {
    if (rowId < 0 || rowId >= this.rowCount || this.deleted[rowId] === 0) return;
    this.deleted[rowId] = 0;
    this.deletedCount--;
    this.version++;
    this.checkpointedRows = -1; // rare (a failed statement): the next checkpoint writes everything
  }

  /** Drops rows appended after `rowCount` (statement rollback of appends). */
  truncateTo(rowCount: number): void {
    if (rowCount >= this.rowCount) return;
    this.version++;
    if (rowCount < this.checkpointedRows) this.checkpointedRows = -1;
    for (let r = rowCount; r < this.rowCount; r++) {
      if (this.deleted[r]) {
        this.deleted[r] = 0;
        this.deletedCount--;
      }
    }
    const cols = this.snapshotColumns();
    this.builders = this.types.map((t, c) => {
      const b = new ColumnBuilder(t, Math.max(64, rowCount));
      for (let i = 0; i < rowCount; i++) b.pushFrom(cols[c], i);
      return b;
    });
    this.rowCount = rowCount;
  }

  get highWaterMark(): number {
    return this.rowCount;
  }

  row(rowId: number): unknown[] {
    return this.builders.map((b) => b.get(rowId));
  }

  /** One live row as a chunk with the given columns (ROW_ID_COLUMN for its id); empty when deleted. */
  rowChunk(rowId: number, columns: readonly number[]): Chunk {
    const types = columns.map((c) => (c === ROW_ID_COLUMN ? Types.integer : this.types[c]));
    if (!this.isLive(rowId)) return Chunk.fromRows(types, []);
    return Chunk.fromRows(types, [columns.map((c) => (c === ROW_ID_COLUMN ? rowId : this.builders[c].get(rowId)))]);
  }

  clear(): void {
    this.version++;
    this.checkpointedRows = -1;
    this.builders = this.types.map((t) => new ColumnBuilder(t, 64));
    this.deleted = new Uint8Array(64);
    this.deletedCount = 0;
    this.rowCount = 0;
  }

  private snapshotColumns(): Column[] {
    return this.builders.map((b) => b.build());
  }

  /**
   * The live rows as chunks of at most SCAN_CHUNK_ROWS, with the given columns in order
   * (ROW_ID_COLUMN for the row id). A snapshot: rows appended or deleted after the call are not seen.
   */
  *scan(columns: readonly number[]): Generator<Chunk> {
    const n = this.rowCount;
    // only the wanted columns: building a text column copies its values
    const all: Column[] = [];
    for (const c of columns) if (c !== ROW_ID_COLUMN && all[c] === undefined) all[c] = this.builders[c].build();
    const deleted = this.deletedCount === 0 ? null : this.deleted.slice(0, n);
    for (let start = 0; start < n; start += SCAN_CHUNK_ROWS) {
      const end = Math.min(n, start + SCAN_CHUNK_ROWS);
      let live: Int32Array | null = null;
      let count = end - start;
      if (deleted !== null) {
        live = new Int32Array(end - start);
        count = 0;
        for (let r = start; r < end; r++) if (deleted[r] === 0) live[count++] = r - start;
        if (count === 0) continue;
        if (count === end - start) live = null;
      }
      const cols = columns.map((c) => {
        if (c === ROW_ID_COLUMN) {
          const ids = new Int32Array(end - start);
          for (let r = start; r < end; r++) ids[r - start] = r;
          return new Column(Types.integer, ids, null, end - start);
        }
        return all[c].slice(start, end);
      });
      const chunk = new Chunk(cols, end - start);
      yield live === null ? chunk : chunk.take(live, count);
    }
  }

  /**
   * The changes since the last checkpoint (markCheckpointed) as a delta: the rows appended since,
   * their deleted flags, and the earlier rows deleted since. Null when a whole snapshot is needed
   * (no checkpoint yet, or rows it holds were rolled back or cleared).
   */
  checkpointDelta(): TableDelta | null {
    const from = this.checkpointedRows;
    if (from < 0) return null;
    const n = this.rowCount;
    const columns = this.snapshotColumns().map((c) => c.slice(from, n));
    return { from, rows: n - from, columns, deleted: this.deleted.slice(from, n), deletedBefore: [...this.deletedSinceCheckpoint] };
  }

  /** The state as of now is in a committed checkpoint: later deltas start here. */
  markCheckpointed(): void {
    this.checkpointedRows = this.rowCount;
    this.deletedSinceCheckpoint = [];
  }

  /** Applies a delta written by checkpointDelta (on top of the snapshot it followed). */
  applyDelta(d: TableDelta): void {
    if (d.from !== this.rowCount) throw new Error(`a checkpoint delta starting at row ${d.from} does not follow a store of ${this.rowCount} rows`);
    this.appendChunk(new Chunk(d.columns, d.rows));
    for (let i = 0; i < d.rows; i++) if (d.deleted[i]) this.delete(d.from + i);
    for (const id of d.deletedBefore) this.delete(id);
  }
}

export interface TableDelta {
  from: number;
  rows: number;
  columns: Column[];
  deleted: Uint8Array;
  deletedBefore: number[];
}
