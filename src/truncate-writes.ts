// TRUNCATE in cluster mode: workers read the input log's writes, not DDL, and a view placed on
// workers later replays the log from its start; a TRUNCATE sent as SQL text would leave every
// such view counting rows the table no longer holds. So the leader appends a table's TRUNCATE as
// the DELETE of every row it removes (row id, then the row, as a DELETE's plan computes them):
// replicas apply it through the same planned-write path, and workers see each removed row as -1.

import type * as A from "./parser/index.js";
import type { Database } from "./database.js";
import { Chunk, SqlError, SqlState, Types } from "./types/index.js";

export interface TruncateTarget {
  relation: string;
  schema: string;
  name: string;
  kind: "table" | "stream";
}

/** The relations a TRUNCATE names, checked as ddl.ts checks them (before anything is appended). */
export function truncateTargets(db: Database, st: A.TruncateStatement): TruncateTarget[] {
  return st.tables.map((n) => {
    const rel = db.catalog.getRelation(n.parts, n.pos);
    if (rel.kind !== "table" && rel.kind !== "stream") throw new SqlError(SqlState.WrongObjectType, `"${rel.name}" is not a table`, { position: n.pos });
    return { relation: rel.id, schema: rel.schema, name: rel.name, kind: rel.kind };
  });
}

/** Every live row of a table as a DELETE's computed rows: the row id (integer, as the plan's ctid) then the row. */
export function truncatedRows(db: Database, relation: string): Chunk[] {
  const stored = db.relation(relation);
  const rows: unknown[][] = [];
  for (let id = 0; id < stored.store.highWaterMark; id++) if (stored.store.isLive(id)) rows.push([id, ...stored.store.row(id)]);
  if (rows.length === 0) return [];
  return [Chunk.fromRows([Types.integer, ...stored.entry.columns.map((c) => c.type)], rows)];
}
