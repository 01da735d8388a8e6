// A relation's stored rows together with the constraints that guard them: NOT NULL, primary key
// and UNIQUE (hash indexes from key to row id), CHECK. Writes are checked whole before any row is
// applied, so a failing statement changes nothing.

import type { RelationEntry } from "./catalog/index.js";
import { TableStore } from "./storage/index.js";
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

export class StoredRelation {
  readonly store: TableStore;
  private uniques: UniqueIndex[] = [];
  checks: CheckConstraint[] = [];

  constructor(readonly entry: RelationEntry) {
    this.store = new TableStore(entry.columns.map((c) => c.type));
    if (entry.primaryKey) this.uniques.push({ name: `${entry.name}_pkey`, columns: entry.primaryKey, primary: true, map: new Map() });
    for (const u of entry.uniques ?? []) {
      this.uniques.push({ name: `${entry.name}_${u.map((c) => entry.columns[c].name).join("_")}_key`, columns: u, primary: false, map: new Map() });
    }
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
   * Returns the rows actually inserted and the rows deleted.
   */
  write(deletes: readonly number[], inserts: unknown[][], skipConflicts = false): { inserted: unknown[][]; deleted: unknown[][] } {
    const e = this.entry;
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
    // apply: nothing below can fail on user input
    const deletedRows: unknown[][] = [];
    for (const id of deletes) {
      if (!this.store.isLive(id)) continue;
      const old = this.store.row(id);
      deletedRows.push(old);
      if (this.uniques.length) {
        for (const ix of this.uniques) {
          const k = this.keyOf(ix, old);
          if (k !== undefined && ix.map.get(k) === id) ix.map.delete(k);
        }
      }
      this.store.delete(id);
    }
    for (const row of accepted) {
      const id = this.store.appendRow(row);
      for (const ix of this.uniques) {
        const k = this.keyOf(ix, row);
        if (k !== undefined) ix.map.set(k, id);
      }
    }
    return { inserted: accepted, deleted: deletedRows };
  }

  /** Removes every row; returns them (for the views that read this relation). */
  truncate(): unknown[][] {
    const rows = [...this.store.scan(this.entry.columns.map((_, i) => i))].flatMap((c) => c.rows());
    this.store.clear();
    for (const ix of this.uniques) ix.map.clear();
    return rows;
  }

  /** The change chunk of a write: deleted rows as -1, inserted rows as +1. */
  changes(inserted: unknown[][], deleted: unknown[][]): Chunk {
    const rows = [...deleted, ...inserted];
    const ops = [...deleted.map(() => -1), ...inserted.map(() => 1)];
    return Chunk.fromRows(this.entry.columns.map((c) => c.type), rows, deleted.length ? ops : undefined);
  }
}

