// The catalog: every named object (tables, streams, views, materialized views, sinks, sources,
// indexes) with its columns and definition. Names live in schemas; `public` is the default.
// Definitions that need the parser (a view's query, a column's DEFAULT) are kept as the AST the
// statement produced (plain data), which the planner binds when it uses them.

import { DataType, SqlError, SqlState } from "../types/index.js";
import { AccessControl, type AclItem, type Membership } from "./acl.js";
import { DatabaseDirectory, type DatabaseEntry } from "./database-directory.js";

export type RelationKind = "table" | "stream" | "view" | "materialized_view" | "source" | "sink" | "system";

export interface ColumnSchema {
  name: string;
  type: DataType;
  notNull: boolean;
  /** the DEFAULT expression as parsed (an AST Expr), bound when an INSERT needs it */
  default?: unknown;
  /** its SQL text, for \d and SHOW CREATE */
  defaultText?: string;
}

export interface RelationEntry {
  id: string;
  kind: RelationKind;
  schema: string;
  name: string;
  columns: ColumnSchema[];
  /** column positions of the primary key */
  primaryKey?: number[];
  /** UNIQUE constraints (column positions each) */
  uniques?: number[][];
  /** views: the query AST (parser Query) and its text */
  query?: unknown;
  definition?: string;
  /** WITH (...) options as given */
  options?: Record<string, string>;
  /** materialized views: the partitions each of its fragments runs as (WITH (parallelism = n) or SET streaming_parallelism) */
  parallelism?: number;
  /** ids of relations this one reads (views), for dependency checks on DROP */
  dependsOn?: string[];
  /** streams: WATERMARK FOR column AS expr (the expression as parsed) */
  watermark?: { column: number; expr: unknown };
  /** streams: whether accepted rows are kept (ad-hoc SELECT and backfill) or only flow to views */
  retain?: boolean;
  /** streams: the stream late rows are sent to (WITH (late_rows = 'name')) */
  lateRowsTarget?: string;
  /** the owning role (absent: the bootstrap superuser `sage`) */
  owner?: string;
  /** GRANTed privileges (absent: the default, the owner has all) */
  acl?: AclItem[];
  /** column-level privileges by column name */
  columnAcl?: Record<string, AclItem[]>;
}

export interface IndexEntry {
  id: string;
  schema: string;
  name: string;
  relation: string;
  method: string;
  unique: boolean;
  /** the indexed expressions' SQL text */
  columns: string[];
  options?: Record<string, string>;
  /** USING hnsw: what the planner matches ORDER BY / VECTOR JOIN against */
  vector?: VectorIndexSpec;
}

/** An HNSW index's definition (the index itself lives with the database, rebuilt from the table). */
export interface VectorIndexSpec {
  /** the indexed expression, bound over the table's columns (a planner BoundExpr, plain data) */
  expr: unknown;
  /** the pgvector operator it serves: '<=>' (vector_cosine_ops), '<->' (vector_l2_ops), '<#>' (vector_ip_ops) */
  operator: "<=>" | "<->" | "<#>";
  opclass: string;
  dims: number;
  m: number;
  efConstruction: number;
}

const KIND_NAMES: Record<RelationKind, string> = {
  table: "table",
  stream: "stream",
  view: "view",
  materialized_view: "materialized view",
  source: "source",
  sink: "sink",
  system: "system view",
};

export function relationKindName(kind: RelationKind): string {
  return KIND_NAMES[kind];
}

/** A model usable by EMBED / GENERATE (the definition itself lives with the AI runtime). */
export interface ModelEntry {
  name: string;
  task: "embedding" | "generation";
  provider: string;
  /** embedding models: the vector size EMBED returns */
  dimensions?: number;
  /** the statement that created it (replayed on recovery) */
  definition?: string;
  isDefault?: boolean;
  /** the owning role (absent: the bootstrap superuser `sage`) */
  owner?: string;
  /** GRANT USAGE ON MODEL (absent: the default, the owner only; the built-in model: PUBLIC too) */
  acl?: AclItem[];
}

/** A role (CREATE USER / CREATE ROLE); its password is kept only as a SCRAM-SHA-256 or MD5 secret. */
export interface RoleEntry {
  name: string;
  login: boolean;
  superuser: boolean;
  createdb: boolean;
  createrole: boolean;
  /** `SCRAM-SHA-256$iter:salt$StoredKey:ServerKey` or `md5<hex>`; null: no password */
  passwordSecret: string | null;
  /** INHERIT (the default): the role uses the privileges of the roles it is a member of */
  inherit?: boolean;
  /** CONNECTION LIMIT: concurrent logins allowed (-1 or absent: no limit; see src/role-login.ts) */
  connectionLimit?: number;
  /** ALTER ROLE ... SET name = value: the role's session defaults, by setting name */
  settings?: Record<string, string>;
}

/** A user-defined function (CREATE FUNCTION); overloads share a name and differ in parameter types. */
export interface FunctionEntry {
  id: string;
  schema: string;
  name: string;
  params: { name?: string; type: DataType }[];
  /** a scalar function's result type (undefined for a table function) */
  returns?: DataType;
  /** RETURNS TABLE (...): a table function's columns */
  returnsTable?: { name: string; type: DataType }[];
  language: "sql" | "javascript";
  /** the body as written (SQL text or JavaScript source) */
  body: string;
  /** LANGUAGE sql: the body parsed (a parser Query, plain data), inlined by the binder at each call */
  query?: unknown;
  /** RETURNS NULL ON NULL INPUT / STRICT: a NULL argument gives NULL without calling */
  strict: boolean;
  volatile: boolean;
  /** javascript: 'error' fails the statement, 'null' gives NULL and records the error */
  onError: "error" | "null";
  /** javascript: per-batch time limit and worker heap limit */
  timeoutMs: number;
  memoryMb: number;
  owner: string;
  /** the CREATE statement (SHOW CREATE, \df+) */
  definition?: string;
}

/** `int4, text` — a signature's parameter types, the identity of an overload. */
export function functionSignature(types: readonly DataType[]): string {
  return types.map((t) => JSON.stringify(t)).join(",");
}

export class Catalog {
  readonly models = new Map<string, ModelEntry>();
  /** roles by name (see src/role-ddl.ts) */
  roles = new Map<string, RoleEntry>();
  /** user-defined functions by (schema-less, lower-case) name; each list holds the overloads */
  private readonly functions = new Map<string, FunctionEntry[]>();
  /** schema and database ACLs, role memberships, default privileges (see acl.ts) */
  readonly access = new AccessControl();
  /** the process's databases, shared by every database's catalog (see database-directory.ts) */
  databases = new DatabaseDirectory(this.access.database);
  private relations = new Map<string, RelationEntry>();
  private byName = new Map<string, string>();
  private indexes = new Map<string, IndexEntry>();
  private nextId = 1;
  readonly schemas = new Set<string>(["public", "pg_catalog", "information_schema", "sage_catalog"]);
  /** bumped on every DDL change (the planner's caches and the server's prepared statements check it) */
  version = 0;

  /**
   * Makes this (another database's) catalog share `root`'s cluster-wide parts: roles, role
   * memberships and the database directory; its own database entry is `entry`.
   */
  joinCluster(root: Catalog, entry: DatabaseEntry): void {
    this.roles = root.roles;
    this.databases = root.databases;
    this.access.database = entry.access;
    Object.defineProperty(this.access, "memberships", {
      get: () => root.access.memberships,
      set: (v: Membership[]) => (root.access.memberships = v),
    });
  }

  newId(prefix: string): string {
    return `${prefix}${this.nextId++}`;
  }

  private key(schema: string, name: string): string {
    return `${schema}.${name}`;
  }

  /** Resolves `t` or `s.t` (search path: public, then pg_catalog) to an entry, or undefined. */
  findRelation(parts: readonly string[]): RelationEntry | undefined {
    if (parts.length === 1) {
      for (const schema of ["public", "pg_catalog", "sage_catalog"]) {
        const id = this.byName.get(this.key(schema, parts[0]));
        if (id) return this.relations.get(id);
      }
      return undefined;
    }
    const [schema, name] = parts.length === 2 ? parts : parts.slice(-2);
    const id = this.byName.get(this.key(schema, name));
    return id ? this.relations.get(id) : undefined;
  }

  getRelation(parts: readonly string[], position?: number): RelationEntry {
    const r = this.findRelation(parts);
    if (!r) {
      throw new SqlError(SqlState.UndefinedTable, `relation "${parts.join(".")}" does not exist`, { position });
    }
    return r;
  }

  relationById(id: string): RelationEntry | undefined {
    return this.relations.get(id);
  }

  listRelations(kind?: RelationKind): RelationEntry[] {
    const out = [...this.relations.values()].filter((r) => kind === undefined || r.kind === kind);
    return out.sort((a, b) => (a.schema + "." + a.name < b.schema + "." + b.name ? -1 : 1));
  }

  /** The schema a new object named `parts` goes into (public unless qualified). */
  schemaFor(parts: readonly string[]): { schema: string; name: string } {
    if (parts.length === 1) return { schema: "public", name: parts[0] };
    const [schema, name] = parts.slice(-2);
    if (!this.schemas.has(schema)) {
      throw new SqlError(SqlState.InvalidSchemaName, `schema "${schema}" does not exist`);
    }
    return { schema, name };
  }

  nameTaken(schema: string, name: string): boolean {
    if (this.byName.has(this.key(schema, name))) return true;
    for (const ix of this.indexes.values()) if (ix.schema === schema && ix.name === name) return true;
    return false;
  }

  addRelation(entry: RelationEntry): void {
    if (this.nameTaken(entry.schema, entry.name)) {
      throw new SqlError(SqlState.DuplicateTable, `relation "${entry.name}" already exists`);
    }
    this.relations.set(entry.id, entry);
    this.byName.set(this.key(entry.schema, entry.name), entry.id);
    this.version++;
  }

  /** Relations that read `id` (views on it), for DROP ... RESTRICT / CASCADE. */
  dependents(id: string): RelationEntry[] {
    return [...this.relations.values()].filter((r) => r.dependsOn?.includes(id));
  }

  removeRelation(id: string): void {
    const r = this.relations.get(id);
    if (!r) return;
    this.relations.delete(id);
    this.byName.delete(this.key(r.schema, r.name));
    for (const [ixId, ix] of this.indexes) if (ix.relation === id) this.indexes.delete(ixId);
    this.version++;
  }

  addIndex(entry: IndexEntry): void {
    if (this.nameTaken(entry.schema, entry.name)) {
      throw new SqlError(SqlState.DuplicateTable, `relation "${entry.name}" already exists`);
    }
    this.indexes.set(entry.id, entry);
    this.version++;
  }

  findIndex(parts: readonly string[]): IndexEntry | undefined {
    const { schema, name } = parts.length === 1 ? { schema: "public", name: parts[0] } : { schema: parts[parts.length - 2], name: parts[parts.length - 1] };
    for (const ix of this.indexes.values()) if (ix.schema === schema && ix.name === name) return ix;
    return undefined;
  }

  listIndexes(relation?: string): IndexEntry[] {
    return [...this.indexes.values()].filter((ix) => relation === undefined || ix.relation === relation);
  }

  /** The overloads of user function `name` (empty when there are none). */
  findFunctions(name: string): readonly FunctionEntry[] {
    return this.functions.get(name) ?? [];
  }

  listFunctions(): FunctionEntry[] {
    return [...this.functions.values()].flat().sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  functionById(id: string): FunctionEntry | undefined {
    for (const list of this.functions.values()) for (const f of list) if (f.id === id) return f;
    return undefined;
  }

  /** Adds an overload, or replaces the one with the same parameter types (CREATE OR REPLACE). */
  putFunction(entry: FunctionEntry): void {
    const list = this.functions.get(entry.name) ?? [];
    const sig = functionSignature(entry.params.map((p) => p.type));
    const i = list.findIndex((f) => functionSignature(f.params.map((p) => p.type)) === sig);
    if (i >= 0) list[i] = entry;
    else list.push(entry);
    this.functions.set(entry.name, list);
    this.version++;
  }

  removeFunction(id: string): void {
    for (const [name, list] of this.functions) {
      const rest = list.filter((f) => f.id !== id);
      if (rest.length === list.length) continue;
      if (rest.length === 0) this.functions.delete(name);
      else this.functions.set(name, rest);
      this.version++;
    }
  }

  removeIndex(id: string): void {
    this.indexes.delete(id);
    this.version++;
  }
}
