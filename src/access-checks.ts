// Where each statement kind meets the privilege system: reads (through the binder's access hook;
// a view's sources with its owner's rights), writes, TRUNCATE, COPY, CREATE in a schema, and DDL
// on objects one does not own. Superusers (and log replay) skip all of it.

import type * as A from "./parser/index.js";
import { QueryContext, bindQuery, pruneColumns, type BinderEnv, type PhysicalPlan, type WritePlan } from "./planner/index.js";
import type { RelationEntry } from "./catalog/index.js";
import { RoleRights, databaseAcl, ownerOf, permissionDenied, objectKindWord } from "./privileges.js";
import type { Session } from "./session.js";
import { SqlError, SqlState } from "./types/index.js";

interface PendingRead {
  rel: RelationEntry;
  /** the role checked: a view's owner for what the view reads */
  asRole: string | undefined;
  position: number | undefined;
  /** Postgres's checking order: views first, then the statement's own FROM, then the rest (subqueries, view bodies) */
  rank: number;
}

/**
 * The binder's access hook for a session's role. `top`: the statement's own query context; given,
 * the reads are only recorded, and finish() checks them in Postgres's order once the plan is
 * pruned (which also settles column-level grants); absent, each read is checked as it is bound.
 */
export function readAccess(session: Session, top?: QueryContext, schemaOnly = false): { hook: NonNullable<BinderEnv["access"]>; finish(plan: PhysicalPlan): void } {
  const cat = session.db.catalog;
  const reads: PendingRead[] = [];
  const check = (r: PendingRead, used: Map<string, Set<number>> | undefined) => {
    const rights = new RoleRights(cat, r.asRole ?? session.role);
    if (rights.hasRelation(r.rel, "r")) return;
    // column grants only: every column the pruned plan reads of it must be granted
    if (used && r.rel.kind !== "view") {
      const cols = [...(used.get(r.rel.id) ?? [])].filter((c) => c >= 0 && c < r.rel.columns.length).map((c) => r.rel.columns[c].name);
      if (rights.hasRelation(r.rel, "r", cols)) return;
    }
    throw permissionDenied(`${objectKindWord(r.rel)} ${r.rel.name}`);
  };
  const hook: NonNullable<BinderEnv["access"]> = {
    read(rel, asRole, position, ctx) {
      if (rel.kind === "system" || schemaOnly) return;
      const r: PendingRead = { rel, asRole, position, rank: rel.kind === "view" ? 0 : ctx === top && asRole === undefined ? 1 : 2 };
      if (top) reads.push(r);
      else check(r, undefined);
    },
    schema(name, position) {
      // checked when the name is looked up (Postgres: during parse analysis), even if the relation is missing
      if (cat.schemas.has(name)) new RoleRights(cat, session.role).checkSchema(name, "U", position);
    },
    model(model, position) {
      new RoleRights(cat, session.role).checkModel(model, position);
    },
  };
  const finish = (plan: PhysicalPlan) => {
    if (reads.length === 0) return;
    const used = scannedColumns(plan);
    for (const r of [...reads].sort((a, b) => a.rank - b.rank)) check(r, used);
  };
  return { hook, finish };
}

/** The columns each scan of the plan reads, by relation id. */
function scannedColumns(plan: PhysicalPlan): Map<string, Set<number>> {
  const used = new Map<string, Set<number>>();
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== "object") return;
    if (Array.isArray(node)) {
      for (const x of node) visit(x);
      return;
    }
    const n = node as { kind?: unknown; relation?: unknown; columns?: unknown };
    if (n.kind === "scan" && typeof n.relation === "string" && Array.isArray(n.columns)) {
      const set = used.get(n.relation) ?? new Set<number>();
      for (const c of n.columns) if (typeof c === "number") set.add(c);
      used.set(n.relation, set);
    }
    for (const v of Object.values(node)) if (v !== null && typeof v === "object") visit(v);
  };
  visit(plan);
  return used;
}

/** Column names an expression tree refers to (the last part of each column reference); "*" for a star. */
function referencedColumns(node: unknown, out: Set<string>): Set<string> {
  if (node === null || typeof node !== "object") return out;
  if (Array.isArray(node)) {
    for (const x of node) referencedColumns(x, out);
    return out;
  }
  const n = node as { kind?: unknown; parts?: unknown };
  if (n.kind === "column_ref" && Array.isArray(n.parts)) out.add(String(n.parts[n.parts.length - 1]));
  if (n.kind === "star") out.add("*");
  for (const v of Object.values(node)) if (v !== null && typeof v === "object") referencedColumns(v, out);
  return out;
}

/** INSERT / UPDATE / DELETE: the target's privilege (per column for INSERT and UPDATE), and SELECT on what it reads of the target. */
export function checkWrite(session: Session, st: A.InsertStatement | A.UpdateStatement | A.DeleteStatement, w: WritePlan): void {
  const rel = w.relation;
  const rights = new RoleRights(session.db.catalog, session.role);
  if (rel.schema !== "public") rights.checkSchema(rel.schema, "U", st.table.pos);
  const names = rel.columns.map((c) => c.name);
  const reads = new Set<string>();
  if (st.kind === "insert") {
    rights.checkRelation(rel, "a", st.columns ?? names);
    if (st.onConflict?.action === "update") rights.checkRelation(rel, "w", st.onConflict.set?.map((s) => s.column) ?? []);
  } else if (st.kind === "update") {
    rights.checkRelation(rel, "w", st.set.map((s) => s.column));
    referencedColumns(st.set.map((s) => s.value), reads);
    referencedColumns(st.where, reads);
  } else {
    rights.checkRelation(rel, "d");
    referencedColumns(st.where, reads);
  }
  referencedColumns(st.returning, reads);
  if (reads.size === 0) return;
  const cols = reads.has("*") ? names : names.filter((n) => reads.has(n));
  if (cols.length > 0) rights.checkRelation(rel, "r", cols);
}

/** Looks a name up as Postgres does: a qualified name needs USAGE on its schema first (denied even when the relation is missing). */
function findRelationQuietly(session: Session, name: A.QualifiedName): RelationEntry | undefined {
  const cat = session.db.catalog;
  if (name.parts.length > 1) {
    const schema = name.parts[name.parts.length - 2];
    if (cat.schemas.has(schema)) new RoleRights(cat, session.role).checkSchema(schema, "U", name.pos);
  }
  return cat.findRelation(name.parts);
}

const WRITE_LETTER = { insert: "a", update: "w", delete: "d" } as const;

/** The schema a CREATE puts its object in. */
function targetSchema(name: A.QualifiedName): string {
  return name.parts.length === 1 ? "public" : name.parts[name.parts.length - 2];
}

/** Checks made before a statement runs: TRUNCATE, COPY, CREATE in a schema, DROP / ALTER of objects one must own. */
export function checkStatement(session: Session, st: A.Statement): void {
  const cat = session.db.catalog;
  const rights = new RoleRights(cat, session.role);
  // `api_key = SECRET s` (models), `password = SECRET s` (connectors): USAGE on s
  const withOptions = (st as { with?: unknown }).with;
  if (Array.isArray(withOptions)) for (const o of withOptions as A.WithOptions) if (o.value.kind === "secret") rights.checkSecret(o.value.name, o.pos);
  switch (st.kind) {
    case "create_secret": {
      // OR REPLACE of an existing secret: its owner only
      const name = st.name.parts[st.name.parts.length - 1];
      const s = cat.access.secrets.get(name);
      if (s && st.orReplace && !rights.isOwner(s.owner)) throw new SqlError(SqlState.InsufficientPrivilege, `must be owner of secret ${name}`, { position: st.name.pos });
      return;
    }
    case "truncate":
      for (const n of st.tables) {
        const rel = findRelationQuietly(session, n);
        if (rel) rights.checkRelation(rel, "D", undefined, n.pos);
      }
      return;
    case "copy": {
      if (!st.table) return; // COPY (query): the binder checks what it reads
      const rel = findRelationQuietly(session, st.table);
      if (!rel) return;
      if (st.direction === "from") rights.checkRelation(rel, "a", st.columns ?? rel.columns.map((c) => c.name), st.table.pos);
      else rights.checkRelation(rel, "r", st.columns ?? rel.columns.map((c) => c.name), st.table.pos);
      return;
    }
    case "insert":
    case "update":
    case "delete": {
      // before the binder's checks of the target's kind (Postgres denies INSERT INTO a view one may not write first)
      const rel = findRelationQuietly(session, st.table);
      if (rel && rel.kind !== "system") rights.checkRelation(rel, WRITE_LETTER[st.kind], [], st.table.pos);
      return;
    }
    case "create_table":
    case "create_view":
    case "create_stream":
    case "create_sink": {
      // a materialized view runs its query (as its creator) before the relation is created in the schema
      if (st.kind === "create_view" && st.materialized) {
        const env = session.binderEnv(st.text ?? "");
        const top = new QueryContext(env);
        const access = readAccess(session, top);
        env.access = access.hook;
        access.finish(pruneColumns(bindQuery(st.query, top).plan));
      }
      // a sink FROM a stored relation reads all of it (a query's reads are checked as it binds)
      if (st.kind === "create_sink" && st.from) {
        const rel = findRelationQuietly(session, st.from);
        if (rel && rel.kind !== "view") rights.checkRelation(rel, "r", rel.columns.map((c) => c.name), st.from.pos);
      }
      // a plain view's query: only its names are looked up now (USAGE on their schemas)
      if (st.kind === "create_view" && !st.materialized) {
        const env = session.binderEnv(st.text ?? "");
        env.access = readAccess(session, undefined, true).hook;
        bindQuery(st.query, new QueryContext(env));
      }
      const schema = targetSchema(st.name);
      if (cat.schemas.has(schema)) rights.checkSchema(schema, "C", st.name.pos);
      return;
    }
    case "create_index": {
      const rel = findRelationQuietly(session, st.table);
      if (rel) rights.checkOwner(rel, st.pos);
      return;
    }
    case "create_schema":
      if (!rights.has(databaseAcl(cat), "C")) throw permissionDenied(`database ${session.db.name}`, st.pos);
      return;
    case "alter": {
      if (st.objectKind === "role" || st.objectKind === "user") return;
      const rel = findRelationQuietly(session, st.name);
      if (st.action.kind === "owner_to") return;
      if (rel) rights.checkOwner(rel, st.name.pos);
      return;
    }
    case "drop": {
      for (const n of st.names) {
        if (st.objectKind === "index") {
          const ix = cat.findIndex(n.parts);
          const rel = ix && cat.relationById(ix.relation);
          if (ix && rel && !rights.isOwner(ownerOf(rel))) throw new SqlError(SqlState.InsufficientPrivilege, `must be owner of index ${ix.name}`, { position: n.pos });
        } else if (st.objectKind === "model") {
          const m = cat.models.get(n.parts[n.parts.length - 1]);
          if (m && !rights.isOwner(ownerOf(m))) throw new SqlError(SqlState.InsufficientPrivilege, `must be owner of model ${m.name}`, { position: n.pos });
        } else if (st.objectKind === "schema") {
          const name = n.parts[n.parts.length - 1];
          if (cat.schemas.has(name) && !rights.isOwner(cat.access.schema(name).owner)) throw new SqlError(SqlState.InsufficientPrivilege, `must be owner of schema ${name}`, { position: n.pos });
        } else if (st.objectKind === "secret") {
          const name = n.parts[n.parts.length - 1];
          const s = cat.access.secrets.get(name);
          if (s && !rights.isOwner(s.owner)) throw new SqlError(SqlState.InsufficientPrivilege, `must be owner of secret ${name}`, { position: n.pos });
        } else if (st.objectKind !== "role" && st.objectKind !== "user") {
          const rel = findRelationQuietly(session, n);
          if (rel && rel.kind !== "system") rights.checkOwner(rel, n.pos);
        }
      }
      return;
    }
    default:
  }
}
