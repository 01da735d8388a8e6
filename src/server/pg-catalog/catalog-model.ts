// A snapshot of the engine's catalog in the shape pg_catalog describes it: namespaces, relations
// with their relkind, columns, indexes (explicit ones, and those behind PRIMARY KEY and UNIQUE)
// and OIDs. Every pg_catalog relation and psql answer is computed from one of these.

import { typeName, type DataType } from "../../types/index.js";
import type { Membership, RelationEntry } from "../../catalog/index.js";
import type { EngineDatabase } from "../engine.js";
import { typeModifier, typeOid, wireType } from "../type-oids.js";
import { AM_OIDS, OidRegistry } from "./oid-registry.js";

export interface ModelColumn {
  name: string;
  /** attnum, 1-based */
  num: number;
  type: DataType;
  typeOid: number;
  typmod: number;
  /** pg_type.typlen */
  typlen: number;
  /** format_type's text: integer, character varying(10), numeric(10,2), vector(3) */
  typeText: string;
  notNull: boolean;
  defaultText?: string;
}

export interface ModelIndex {
  oid: number;
  name: string;
  unique: boolean;
  primary: boolean;
  /** 'p' primary key, 'u' unique constraint, undefined for a plain index */
  constraint?: "p" | "u";
  /** the pg_constraint OID of that constraint */
  constraintOid?: number;
  method: string;
  amOid: number;
  /** the indexed columns' attnums (0 for an expression) */
  keys: number[];
  /** CREATE [UNIQUE] INDEX name ON schema.table USING method (cols) */
  definition: string;
  /** PRIMARY KEY (a) / UNIQUE (a, b) */
  constraintDefinition?: string;
}

export interface ModelRelation {
  oid: number;
  name: string;
  schema: string;
  namespaceOid: number;
  /** r table (also streams), v view, m materialized view, f source, i index */
  relkind: string;
  /** the engine's kind, for descriptions: table, stream, view, materialized view, source, index */
  kindName: string;
  columns: ModelColumn[];
  indexes: ModelIndex[];
  definition?: string;
  options?: Record<string, string>;
  entry?: RelationEntry;
  /** for indexes: the table's OID */
  indexOf?: number;
  /** pg_class.relam: heap for tables and materialized views, the index's method for indexes, 0 otherwise */
  amOid: number;
}

/** A user-defined function (pg_proc row). */
export interface ModelFunction {
  oid: number;
  name: string;
  namespaceOid: number;
  /** pg_language oid: 14 sql, JAVASCRIPT_LANGUAGE_OID javascript */
  langOid: number;
  /** pg_get_function_result / pg_get_function_arguments text */
  result: string;
  arguments: string;
  identityArguments: string;
  retTypeOid: number;
  argTypeOids: number[];
  returnsSet: boolean;
  source: string;
}

/** pg_language's OID for javascript (sql is 14, as in Postgres). */
export const JAVASCRIPT_LANGUAGE_OID = 16_410;

export interface CatalogModel {
  namespaces: { oid: number; name: string }[];
  relations: ModelRelation[];
  functions: ModelFunction[];
  byOid: Map<number, ModelRelation>;
  owner: string;
  /** GRANT role TO member (pg_auth_members) */
  memberships: readonly Membership[];
}

const RELKIND: Record<string, string> = { table: "r", stream: "r", view: "v", materialized_view: "m", source: "f", system: "v" };
const KIND_NAME: Record<string, string> = { table: "table", stream: "stream", view: "view", materialized_view: "materialized view", source: "source", system: "view" };

function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** A view's query as pg_get_viewdef prints it (the engine keeps the whole CREATE statement). */
function viewQuery(entry: RelationEntry): string | undefined {
  if (entry.kind !== "view" && entry.kind !== "materialized_view") return undefined;
  const text = entry.definition ?? "";
  const m = /^\s*create\s+(?:or\s+replace\s+)?(?:materialized\s+)?view\s+(?:if\s+not\s+exists\s+)?(?:"(?:[^"]|"")*"|[^\s(]+)\s*(?:\([^)]*\)\s*)?(?:with\s*\([^)]*\)\s*)?as\s+/i.exec(text);
  const query = (m ? text.slice(m[0].length) : text).trim().replace(/;\s*$/, "");
  return ` ${query};`;
}

export function buildCatalogModel(db: EngineDatabase, oids: OidRegistry, owner: string): CatalogModel {
  const namespaces = [...db.catalog.schemas].sort().map((name) => ({ oid: oids.namespace(name), name }));
  const relations: ModelRelation[] = [];
  for (const entry of db.catalog.listRelations()) {
    const relkind = RELKIND[entry.kind];
    if (!relkind) continue; // sinks are not relations one can read
    const oid = oids.oid(`rel:${entry.id}`);
    const columns: ModelColumn[] = entry.columns.map((c, i) => ({
      name: c.name,
      num: i + 1,
      type: c.type,
      typeOid: typeOid(c.type),
      typmod: typeModifier(c.type),
      typlen: wireType(c.type).size,
      typeText: typeName(c.type),
      notNull: c.notNull || (entry.primaryKey?.includes(i) ?? false),
      defaultText: c.defaultText,
    }));
    const rel: ModelRelation = {
      oid,
      name: entry.name,
      schema: entry.schema,
      namespaceOid: oids.namespace(entry.schema),
      relkind,
      kindName: KIND_NAME[entry.kind] ?? entry.kind,
      columns,
      indexes: [],
      definition: viewQuery(entry),
      options: entry.options,
      entry,
      amOid: relkind === "r" || relkind === "m" ? AM_OIDS.heap : 0,
    };
    const qualified = `${quoteIdent(entry.schema)}.${quoteIdent(entry.name)}`;
    const colList = (nums: number[]) => nums.map((n) => quoteIdent(entry.columns[n].name)).join(", ");
    if (entry.primaryKey && entry.primaryKey.length > 0) {
      const name = `${entry.name}_pkey`;
      rel.indexes.push({
        oid: oids.oid(`idx:${entry.id}:pkey`),
        name,
        unique: true,
        primary: true,
        constraint: "p",
        constraintOid: oids.oid(`con:${entry.id}:pkey`),
        method: "btree",
        amOid: AM_OIDS.btree,
        keys: entry.primaryKey.map((n) => n + 1),
        definition: `CREATE UNIQUE INDEX ${quoteIdent(name)} ON ${qualified} USING btree (${colList(entry.primaryKey)})`,
        constraintDefinition: `PRIMARY KEY (${colList(entry.primaryKey)})`,
      });
    }
    for (const u of entry.uniques ?? []) {
      const name = `${entry.name}_${u.map((n) => entry.columns[n].name).join("_")}_key`;
      rel.indexes.push({
        oid: oids.oid(`idx:${entry.id}:${name}`),
        name,
        unique: true,
        primary: false,
        constraint: "u",
        constraintOid: oids.oid(`con:${entry.id}:${name}`),
        method: "btree",
        amOid: AM_OIDS.btree,
        keys: u.map((n) => n + 1),
        definition: `CREATE UNIQUE INDEX ${quoteIdent(name)} ON ${qualified} USING btree (${colList(u)})`,
        constraintDefinition: `UNIQUE (${colList(u)})`,
      });
    }
    for (const ix of db.catalog.listIndexes(entry.id)) {
      const keys = ix.columns.map((c) => {
        const n = entry.columns.findIndex((col) => col.name === c || quoteIdent(col.name) === c);
        return n >= 0 ? n + 1 : 0;
      });
      const method = ix.method || "btree";
      rel.indexes.push({
        oid: oids.oid(`idx:${ix.id}`),
        name: ix.name,
        unique: ix.unique,
        primary: false,
        method,
        amOid: (AM_OIDS as Record<string, number>)[method] ?? AM_OIDS.btree,
        keys,
        definition: `CREATE ${ix.unique ? "UNIQUE " : ""}INDEX ${quoteIdent(ix.name)} ON ${qualified} USING ${method} (${ix.columns.join(", ")})`,
      });
    }
    relations.push(rel);
    for (const ix of rel.indexes) {
      relations.push({
        oid: ix.oid,
        name: ix.name,
        schema: entry.schema,
        namespaceOid: rel.namespaceOid,
        relkind: "i",
        kindName: "index",
        columns: ix.keys.map((k, i) => {
          const c = k > 0 ? columns[k - 1] : undefined;
          return c ? { ...c, num: i + 1 } : { name: "expr", num: i + 1, type: { id: "unknown" }, typeOid: 25, typmod: -1, typlen: -1, typeText: "text", notNull: false };
        }),
        indexes: [],
        indexOf: oid,
        amOid: ix.amOid,
      });
    }
  }
  const byOid = new Map(relations.map((r) => [r.oid, r]));
  const functions: ModelFunction[] = db.catalog.listFunctions().map((f) => ({
    oid: oids.oid(`fn:${f.id}`),
    name: f.name,
    namespaceOid: oids.namespace(f.schema),
    langOid: f.language === "sql" ? 14 : JAVASCRIPT_LANGUAGE_OID,
    result: f.returnsTable ? `TABLE(${f.returnsTable.map((c) => `${quoteIdent(c.name)} ${typeName(c.type)}`).join(", ")})` : typeName(f.returns!),
    arguments: f.params.map((p) => (p.name ? `${quoteIdent(p.name)} ${typeName(p.type)}` : typeName(p.type))).join(", "),
    identityArguments: f.params.map((p) => (p.name ? `${quoteIdent(p.name)} ${typeName(p.type)}` : typeName(p.type))).join(", "),
    retTypeOid: f.returns ? typeOid(f.returns) : 2249, // record
    argTypeOids: f.params.map((p) => typeOid(p.type)),
    returnsSet: f.returnsTable !== undefined,
    source: f.body,
  }));
  return { namespaces, relations, functions, byOid, owner, memberships: [...db.catalog.access.memberships] };
}
