// ALTER TABLE: ADD COLUMN, DROP COLUMN, RENAME COLUMN, RENAME TO. A column change replaces the
// catalog entry and rebuilds the table's storage from its live rows in the new layout (new row
// ids; replaying the log re-runs the ALTER, so later log records see the same ids). Tables read
// by continuous queries or views are refused where the change would break them.

import type * as A from "./parser/index.js";
import type { ColumnSchema, RelationEntry } from "./catalog/index.js";
import { defaultExpr } from "./planner/index.js";
import type { Session } from "./session.js";
import { commandResult } from "./session.js";
import type { StatementResult } from "./types/index.js";
import { StoredRelation } from "./stored-relation.js";
import { SqlError, SqlState, parseTypeName } from "./types/index.js";

export function alter(session: Session, st: A.AlterStatement, sql: string): StatementResult {
  if (st.objectKind !== "table") {
    throw new SqlError(SqlState.FeatureNotSupported, `ALTER ${st.objectKind.toUpperCase()} is not supported yet`, { position: st.pos });
  }
  const cat = session.db.catalog;
  const rel = cat.findRelation(st.name.parts);
  if (!rel) {
    if (st.ifExists) return { ...commandResult("ALTER TABLE"), notices: [`relation "${st.name.parts.join(".")}" does not exist, skipping`] };
    throw new SqlError(SqlState.UndefinedTable, `relation "${st.name.parts.join(".")}" does not exist`, { position: st.name.pos });
  }
  if (rel.kind !== "table") {
    throw new SqlError(SqlState.WrongObjectType, `"${rel.name}" is not a table`, { position: st.name.pos });
  }
  const a = st.action;
  const colIndex = (name: string) => rel.columns.findIndex((c) => c.name === name);
  const noColumn = (name: string) => new SqlError(SqlState.UndefinedColumn, `column "${name}" of relation "${rel.name}" does not exist`, { position: st.pos });
  const result = commandResult("ALTER TABLE");
  switch (a.kind) {
    case "add_column": {
      const d = a.column;
      if (colIndex(d.name) >= 0) {
        if (a.ifNotExists) return { ...result, notices: [`column "${d.name}" of relation "${rel.name}" already exists, skipping`] };
        throw new SqlError(SqlState.DuplicateColumn, `column "${d.name}" of relation "${rel.name}" already exists`, { position: d.pos });
      }
      if (d.primaryKey || d.unique || d.check || d.generated) {
        throw new SqlError(SqlState.FeatureNotSupported, "ALTER TABLE ADD COLUMN with constraints other than NOT NULL and DEFAULT is not supported yet", { position: d.pos });
      }
      refuseIfRead(session, rel, false);
      const column: ColumnSchema = { name: d.name, type: parseTypeName(d.type.name, d.type.modifiers, d.type.arrayDims), notNull: !!d.notNull, default: d.default };
      const entry: RelationEntry = { ...rel, columns: [...rel.columns, column] };
      const c = entry.columns.length - 1;
      // existing rows get the DEFAULT (evaluated per row) or NULL
      const env = session.binderEnv(sql);
      const dflt = defaultExpr(env, entry, c);
      const old = liveRows(session, rel);
      let values: unknown[] = old.map(() => null);
      if (old.length > 0 && !(dflt.kind === "const" && dflt.value === null)) {
        const chunks = session.runPlan({ kind: "values", rows: old.map(() => [dflt]), types: [column.type] }, []);
        values = chunks.flatMap((ch) => ch.rows().map((r) => r[0]));
      }
      if (column.notNull && values.some((v) => v === null)) {
        throw new SqlError(SqlState.NotNullViolation, `column "${d.name}" of relation "${rel.name}" contains null values`);
      }
      rebuild(session, rel, entry, old.map((r, i) => [...r, values[i]]), (row) => row.slice(0, rel.columns.length));
      return result;
    }
    case "drop_column": {
      const c = colIndex(a.column);
      if (c < 0) {
        if (a.ifExists) return { ...result, notices: [`column "${a.column}" of relation "${rel.name}" does not exist, skipping`] };
        throw noColumn(a.column);
      }
      refuseIfRead(session, rel, true);
      const remap = (cols: number[]) => (cols.includes(c) ? undefined : cols.map((i) => (i > c ? i - 1 : i)));
      const primaryKey = rel.primaryKey ? remap(rel.primaryKey) : undefined;
      const uniques = (rel.uniques ?? []).map(remap).filter((u): u is number[] => u !== undefined);
      const entry: RelationEntry = { ...rel, columns: rel.columns.filter((_, i) => i !== c), primaryKey, uniques };
      const rows = liveRows(session, rel).map((r) => r.filter((_, i) => i !== c));
      // CHECK constraints evaluate full rows of the old layout: the dropped column reads as NULL
      rebuild(session, rel, entry, rows, (row) => [...row.slice(0, c), null, ...row.slice(c)]);
      return result;
    }
    case "rename_column": {
      const c = colIndex(a.column);
      // Postgres words this one without the relation
      if (c < 0) throw new SqlError(SqlState.UndefinedColumn, `column "${a.column}" does not exist`, { position: st.pos });
      if (colIndex(a.newName) >= 0) {
        throw new SqlError(SqlState.DuplicateColumn, `column "${a.newName}" of relation "${rel.name}" already exists`, { position: st.pos });
      }
      refuseIfRead(session, rel, true);
      const entry: RelationEntry = { ...rel, columns: rel.columns.map((col, i) => (i === c ? { ...col, name: a.newName } : col)) };
      rebuild(session, rel, entry, liveRows(session, rel), (row) => row);
      return result;
    }
    case "rename": {
      if (cat.nameTaken(rel.schema, a.newName)) {
        throw new SqlError(SqlState.DuplicateTable, `relation "${a.newName}" already exists`, { position: st.pos });
      }
      refuseIfRead(session, rel, true);
      const entry: RelationEntry = { ...rel, name: a.newName };
      rebuild(session, rel, entry, liveRows(session, rel), (row) => row);
      return result;
    }
    default:
      throw new SqlError(SqlState.FeatureNotSupported, `this form of ALTER TABLE is not supported yet`, { position: st.pos });
  }
}

/** Continuous queries read a table's change feed in its column layout; views refer to it by name. */
function refuseIfRead(session: Session, rel: RelationEntry, viewsToo: boolean): void {
  const deps = session.db.catalog.dependents(rel.id);
  const blocking = deps.filter((d) => viewsToo || d.kind === "materialized_view");
  if (blocking.length > 0 || session.db.streams.hasConsumers(rel.id)) {
    const d = blocking[0];
    throw new SqlError(SqlState.FeatureNotSupported, `cannot alter table "${rel.name}" because ${d ? `${d.kind.replace("_", " ")} "${d.name}"` : "a continuous query"} depends on it`, {
      hint: "Drop the dependent objects first.",
    });
  }
}

function liveRows(session: Session, rel: RelationEntry): unknown[][] {
  const store = session.db.relation(rel.id).store;
  const rows: unknown[][] = [];
  for (let id = 0; id < store.highWaterMark; id++) if (store.isLive(id)) rows.push(store.row(id));
  return rows;
}

/**
 * Replaces `rel` by `entry` in the catalog (keeping its id and indexes) and its storage by a new
 * store holding `rows`; `toOldLayout` adapts new rows for the CHECK constraints compiled before.
 */
function rebuild(session: Session, rel: RelationEntry, entry: RelationEntry, rows: unknown[][], toOldLayout: (row: unknown[]) => unknown[]): void {
  const cat = session.db.catalog;
  // an HNSW index is keyed by row id and follows this storage object: rebuilding would strand it
  const hnsw = cat.listIndexes(rel.id).find((ix) => ix.vector);
  if (hnsw) throw new SqlError(SqlState.FeatureNotSupported, `cannot alter table "${rel.name}" while hnsw index "${hnsw.name}" covers it`, { hint: "Drop the index, alter the table, then create the index again." });
  const oldStored = session.db.relation(rel.id);
  const stored = new StoredRelation(entry);
  stored.checks = oldStored.checks.map((check) => ({ name: check.name, evaluate: (rs: unknown[][]) => check.evaluate(rs.map(toOldLayout)) }));
  stored.watermark = oldStored.watermark;
  if (rows.length > 0) stored.write([], rows);
  const indexes = cat.listIndexes(rel.id);
  cat.removeRelation(rel.id);
  cat.addRelation(entry);
  for (const ix of indexes) cat.addIndex(ix);
  session.db.addStored(stored);
}
