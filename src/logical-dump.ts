// A logical dump of a database as SQL statements that rebuild it (`sage-sql dump`, and the
// sage_catalog.dump relation it reads over the wire). Built in one synchronous pass over the
// catalog and the stored rows, so it is a consistent snapshot: no write can land half-way.
//
// Order: schemas, models (views may call EMBED/GENERATE with them), then tables, streams, views
// and materialized views in creation order (an object can only read objects made before it), then
// the rows of tables and retained streams, then indexes, then sinks (so a restored sink starts
// from the restored data rather than replaying it row by row). Generator streams (connector =
// 'datagen' | 'nexmark') keep only their definition: their rows are a pure function of the
// generator, which starts again from its first row in the restored database.

import type { Database } from "./database.js";
import type { RelationEntry } from "./catalog/index.js";
import { formatValue, typeName } from "./types/index.js";

/** rows per INSERT statement */
const ROWS_PER_INSERT = 500;
const BUILTIN_SCHEMAS = new Set(["public", "pg_catalog", "information_schema", "sage_catalog"]);

function ident(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

function qualified(r: { schema: string; name: string }): string {
  return `${ident(r.schema)}.${ident(r.name)}`;
}

function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** creation order: ids are a prefix and a number from one counter */
function creationOrder(id: string): number {
  const m = /(\d+)$/.exec(id);
  return m ? Number(m[1]) : 0;
}

/** CREATE TABLE ... AS SELECT would fill the table again on restore; its rows come from the dump. */
function isCreateTableAs(definition: string): boolean {
  return /^\s*create\s+(?:temp\w*\s+|unlogged\s+)?table\b[\s\S]*?\bas\s*(?:select|values|with|table|\()/i.test(definition) && !/^\s*create\s+[\w\s]*table\s+[^(]*\(\s*\w+\s+\w/i.test(definition);
}

/** The table as it stands, from the catalog (CREATE TABLE AS keeps no column text of its own). */
function tableDefinition(r: RelationEntry): string {
  const cols = r.columns.map((c, i) => generatedColumn(r, i));
  if (r.primaryKey?.length) cols.push(primaryKeyClause(r));
  for (const u of r.uniques ?? []) cols.push(`UNIQUE (${u.map((i) => ident(r.columns[i].name)).join(", ")})`);
  return `CREATE TABLE ${qualified(r)} (${cols.join(", ")})`;
}

function generatedColumn(r: RelationEntry, i: number): string {
  const c = r.columns[i];
  return `${ident(c.name)} ${typeName(c.type)}${c.notNull && !r.primaryKey?.includes(i) ? " NOT NULL" : ""}`;
}

function primaryKeyClause(r: RelationEntry): string {
  return `PRIMARY KEY (${r.primaryKey!.map((i) => ident(r.columns[i].name)).join(", ")})`;
}

function unquote(name: string): string {
  return name.startsWith('"') ? name.slice(1, -1).replace(/""/g, '"') : name.toLowerCase();
}

const CONSTRAINT_ITEM = /^(primary|unique|check|constraint|foreign|exclude|like)\b/i;

/** The name and the top-level comma-separated items of a CREATE TABLE (name (items...)) text. */
function definitionItems(def: string): { name: string[]; items: string[] } | null {
  const head = /^\s*create\s+table\s+(?:if\s+not\s+exists\s+)?((?:"(?:[^"]|"")*"|[\w$]+)(?:\s*\.\s*(?:"(?:[^"]|"")*"|[\w$]+))?)\s*\(/i.exec(def);
  if (!head) return null;
  const items: string[] = [];
  let depth = 0;
  let quote = "";
  let start = head[0].length;
  for (let i = start; i < def.length; i++) {
    const ch = def[i];
    if (quote) {
      if (ch === quote) quote = "";
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === "(") depth++;
    else if (ch === ")") {
      if (depth === 0) {
        items.push(def.slice(start, i).trim());
        return { name: head[1].split(/\s*\.\s*/).map(unquote), items };
      }
      depth--;
    } else if (ch === "," && depth === 0) {
      items.push(def.slice(start, i).trim());
      start = i + 1;
    }
  }
  return null;
}

function itemColumn(item: string): string {
  return unquote(/^("(?:[^"]|"")*"|[\w$]+)/.exec(item)?.[1] ?? "");
}

/**
 * CREATE TABLE for a table. The original text is kept when it still describes the table (it
 * carries CHECK constraints and DEFAULTs as written). After ALTER TABLE (which keeps the text it
 * started from) the columns are rebuilt in their current order, each from its original text when
 * it still exists under that name, with the original table constraints after them.
 */
function createTable(r: RelationEntry): string {
  const def = r.definition;
  const parsed = def && !isCreateTableAs(def) ? definitionItems(def) : null;
  if (!parsed) return tableDefinition(r);
  const columnItems = parsed.items.filter((it) => !CONSTRAINT_ITEM.test(it));
  const constraintItems = parsed.items.filter((it) => CONSTRAINT_ITEM.test(it));
  const sameName = parsed.name[parsed.name.length - 1] === r.name && (parsed.name.length === 1 || parsed.name[0] === r.schema);
  if (sameName && columnItems.length === r.columns.length && columnItems.every((it, i) => itemColumn(it) === r.columns[i].name)) {
    return def!.trim().replace(/;\s*$/, "");
  }
  const items = r.columns.map((c, i) => columnItems.find((it) => itemColumn(it) === c.name) ?? generatedColumn(r, i));
  const kept = constraintItems.filter((it) => {
    // a table constraint on a column that is gone (dropped or renamed) cannot come back
    const names = [...it.matchAll(/"(?:[^"]|"")*"|[a-z_][\w$]*/gi)].map((m) => unquote(m[0]));
    return !parsed.items.some((col) => !CONSTRAINT_ITEM.test(col) && names.includes(itemColumn(col)) && !r.columns.some((c) => c.name === itemColumn(col)));
  });
  items.push(...kept);
  if (r.primaryKey?.length && !items.some((it) => /\bprimary\s+key\b/i.test(it))) items.push(primaryKeyClause(r));
  return `CREATE TABLE ${qualified(r)} (${items.join(", ")})`;
}

function insertStatements(db: Database, r: RelationEntry, out: string[]): void {
  const stored = db.relation(r.id);
  const types = r.columns.map((c) => c.type);
  const head = `INSERT INTO ${qualified(r)} (${r.columns.map((c) => ident(c.name)).join(", ")}) VALUES\n`;
  let tuples: string[] = [];
  for (const chunk of stored.store.scan(r.columns.map((_, i) => i))) {
    for (const row of chunk.rows()) {
      tuples.push(`(${row.map((v, c) => (v === null ? "NULL" : literal(formatValue(types[c], v)))).join(", ")})`);
      if (tuples.length === ROWS_PER_INSERT) {
        out.push(head + tuples.join(",\n"));
        tuples = [];
      }
    }
  }
  if (tuples.length > 0) out.push(head + tuples.join(",\n"));
}

/**
 * Creation order, except that a relation comes after everything it reads (CREATE OR REPLACE VIEW
 * keeps the view's id, so its new query may read relations made after it).
 */
function dependencyOrder(relations: RelationEntry[]): RelationEntry[] {
  const byId = new Map(relations.map((r) => [r.id, r]));
  const out: RelationEntry[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (r: RelationEntry) => {
    if (state.has(r.id)) return; // done, or a cycle (impossible through DDL): keep creation order
    state.set(r.id, "visiting");
    for (const dep of r.dependsOn ?? []) {
      const d = byId.get(dep);
      if (d) visit(d);
    }
    state.set(r.id, "done");
    out.push(r);
  };
  for (const r of relations) visit(r);
  return out;
}

/** The statements (without `;`) that rebuild `db`'s user objects and data. */
export function logicalDump(db: Database): string[] {
  const out: string[] = [];
  const cat = db.catalog;
  for (const s of [...cat.schemas].sort()) if (!BUILTIN_SCHEMAS.has(s)) out.push(`CREATE SCHEMA ${ident(s)}`);
  for (const m of cat.models.values()) if (m.definition) out.push(m.definition.trim().replace(/;\s*$/, ""));
  const relations = dependencyOrder(
    cat
      .listRelations()
      .filter((r) => r.kind !== "system" && (r.schema === "public" || !BUILTIN_SCHEMAS.has(r.schema)))
      .sort((a, b) => creationOrder(a.id) - creationOrder(b.id)),
  );
  const sinks: RelationEntry[] = [];
  const withRows: RelationEntry[] = [];
  for (const r of relations) {
    if (r.kind === "sink") {
      sinks.push(r);
      continue;
    }
    if (r.kind === "table") {
      out.push(createTable(r));
      withRows.push(r);
    } else if (r.definition) {
      out.push(r.definition.trim().replace(/;\s*$/, ""));
      if (r.kind === "stream" && r.retain !== false && !r.options?.connector) withRows.push(r);
    }
  }
  for (const r of withRows) insertStatements(db, r, out);
  for (const ix of cat.listIndexes().sort((a, b) => creationOrder(a.id) - creationOrder(b.id))) {
    const rel = cat.relationById(ix.relation);
    if (!rel) continue;
    const opts = ix.options && Object.keys(ix.options).length ? ` WITH (${Object.entries(ix.options).map(([k, v]) => `${k} = ${literal(v)}`).join(", ")})` : "";
    out.push(`CREATE ${ix.unique ? "UNIQUE " : ""}INDEX ${ident(ix.name)} ON ${qualified(rel)} USING ${ix.method} (${ix.columns.join(", ")})${opts}`);
  }
  for (const r of sinks) if (r.definition) out.push(r.definition.trim().replace(/;\s*$/, ""));
  return out;
}
