// What the database holds, read through SHOW statements (the Database has no information_schema;
// a server that adds one is used for completion, see completionSchema).

import { ident, query, queryOne } from "./api.js";

export type ObjectKind = "table" | "stream" | "view" | "materialized view" | "source" | "sink" | "index" | "model" | "secret";

export interface CatalogObject {
  kind: ObjectKind;
  name: string;
  /** extra fields from the listing (an index's table, a model's provider...) */
  detail: string;
}

/** listing statement per kind; relation kinds also have columns and a definition */
const LISTINGS: [ObjectKind, string][] = [
  ["table", "SHOW TABLES"],
  ["stream", "SHOW STREAMS"],
  ["view", "SHOW VIEWS"],
  ["materialized view", "SHOW MATERIALIZED VIEWS"],
  ["source", "SHOW SOURCES"],
  ["sink", "SHOW SINKS"],
  ["index", "SHOW INDEXES"],
  ["model", "SHOW MODELS"],
  ["secret", "SHOW SECRETS"],
];

export const RELATION_KINDS: ObjectKind[] = ["table", "stream", "view", "materialized view", "source", "sink"];

/** Every object by kind; a listing the server rejects is left empty rather than failing the rest. */
export async function loadCatalog(): Promise<CatalogObject[]> {
  const lists = await Promise.all(
    LISTINGS.map(async ([kind, sql]) => {
      try {
        const r = await queryOne(sql);
        return r.rows.map((row) => ({ kind, name: String(row[0]), detail: row.slice(1).filter((v) => v !== null && v !== "").join(" · ") }));
      } catch {
        return [];
      }
    }),
  );
  return lists.flat();
}

export interface ColumnInfo {
  name: string;
  type: string;
}

export async function loadColumns(name: string): Promise<ColumnInfo[]> {
  const r = await queryOne(`SHOW COLUMNS FROM ${ident(name)}`);
  return r.rows.map((row) => ({ name: String(row[0]), type: String(row[1]) }));
}

/** The CREATE statement of a relation, or "" when the server keeps none. */
export async function loadDefinition(kind: ObjectKind, name: string): Promise<string> {
  const r = await query(`SHOW CREATE ${kind.toUpperCase()} ${ident(name)}`);
  const row = r.error ? undefined : r.results[0]?.rows[0];
  return row ? String(row[row.length - 1] ?? "") : "";
}

/** Row count of a relation that keeps rows; null for streams without retention and the like. */
export async function loadRowCount(name: string): Promise<number | null> {
  const r = await query(`SELECT count(*) FROM ${ident(name)}`);
  const v = r.error ? undefined : r.results[0]?.rows[0]?.[0];
  return v === undefined || v === null ? null : Number(v);
}

/** table -> columns for the editor's completion: information_schema.columns when the server has
 *  it, otherwise SHOW COLUMNS of each relation. */
export async function completionSchema(objects: CatalogObject[]): Promise<Record<string, string[]>> {
  const schema: Record<string, string[]> = {};
  const info = await query(
    "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY table_name, ordinal_position",
  );
  if (!info.error && info.results[0]) {
    for (const [t, c] of info.results[0].rows) (schema[String(t)] ??= []).push(String(c));
    return schema;
  }
  await Promise.all(
    objects
      .filter((o) => RELATION_KINDS.includes(o.kind))
      .map(async (o) => {
        try {
          schema[o.name] = (await loadColumns(o.name)).map((c) => c.name);
        } catch {
          schema[o.name] = [];
        }
      }),
  );
  return schema;
}
