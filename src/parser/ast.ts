// The typed syntax tree the parser produces and the binder consumes. Plain data: no methods, no
// classes. Every node may carry `pos`, the 1-based character offset of its first token in the
// statement text (what Postgres reports as an error's position).

export * from "./query-ast.js";
import type { Expr, FromItem, QualifiedName, Query, SelectItem, TypeName } from "./query-ast.js";

// ───────────────────────────── statements ─────────────────────────────

export type Statement =
  | SelectStatement
  | InsertStatement
  | UpdateStatement
  | DeleteStatement
  | CreateTableStatement
  | CreateStreamStatement
  | CreateViewStatement
  | CreateSinkStatement
  | CreateSourceStatement
  | CreateIndexStatement
  | CreateModelStatement
  | CreateSecretStatement
  | CreateFunctionStatement
  | CreateRoleStatement
  | CreateDatabaseStatement
  | CreateSchemaStatement
  | AlterStatement
  | DropStatement
  | TruncateStatement
  | CopyStatement
  | SubscribeStatement
  | FlushStatement
  | CheckpointStatement
  | ShowStatement
  | ExplainStatement
  | SetStatement
  | ResetStatement
  | TransactionStatement
  | GrantStatement
  | AlterDefaultPrivilegesStatement
  | CancelJobStatement;

/** Every statement carries its text span so errors and logs can quote it. */
interface StatementBase {
  /** 1-based offset of the first character of the statement in the submitted text */
  pos?: number;
  /** the statement's own text */
  text?: string;
}

export interface SelectStatement extends StatementBase {
  kind: "select";
  query: Query;
}

export interface InsertStatement extends StatementBase {
  kind: "insert";
  table: QualifiedName;
  alias?: string;
  columns?: string[];
  /** VALUES (...) or a query; absent with DEFAULT VALUES */
  source?: Query;
  defaultValues?: boolean;
  onConflict?: {
    target?: string[];
    action: "nothing" | "update";
    set?: { column: string; value: Expr | "default" }[];
    where?: Expr;
  };
  returning?: SelectItem[];
}

export interface UpdateStatement extends StatementBase {
  kind: "update";
  table: QualifiedName;
  alias?: string;
  set: { column: string; value: Expr | "default" }[];
  from: FromItem[];
  where?: Expr;
  returning?: SelectItem[];
}

export interface DeleteStatement extends StatementBase {
  kind: "delete";
  table: QualifiedName;
  alias?: string;
  using: FromItem[];
  where?: Expr;
  returning?: SelectItem[];
}

export interface ColumnDef {
  name: string;
  type: TypeName;
  notNull?: boolean;
  /** explicit NULL */
  nullable?: boolean;
  primaryKey?: boolean;
  unique?: boolean;
  default?: Expr;
  check?: Expr;
  /** GENERATED ALWAYS AS (expr) STORED / AS expr (computed column) */
  generated?: Expr;
  references?: { table: QualifiedName; columns?: string[] };
  pos?: number;
}

export type TableConstraint =
  | { kind: "primary_key"; columns: string[]; name?: string }
  | { kind: "unique"; columns: string[]; name?: string }
  | { kind: "check"; expr: Expr; name?: string }
  | { kind: "foreign_key"; columns: string[]; table: QualifiedName; refColumns?: string[]; name?: string };

/** `WITH (connector = 'nexmark', nexmark.table = 'bid', ...)`: keys are dotted, values literal or SECRET name */
export type WithOptions = { key: string; value: OptionValue; pos?: number }[];
export type OptionValue =
  | { kind: "string"; value: string }
  | { kind: "number"; value: string }
  | { kind: "boolean"; value: boolean }
  | { kind: "identifier"; value: string }
  | { kind: "secret"; name: string };

export interface WatermarkDef {
  column: string;
  expr: Expr;
  pos?: number;
}

export interface FormatSpec {
  /** FORMAT JSON | CSV | PLAIN | DEBEZIUM_JSON | UPSERT | PARQUET [ENCODE ...] */
  format: string;
  encode?: string;
  options?: WithOptions;
}

export interface CreateTableStatement extends StatementBase {
  kind: "create_table";
  name: QualifiedName;
  ifNotExists: boolean;
  columns: ColumnDef[];
  constraints: TableConstraint[];
  /** CREATE TABLE t AS SELECT ... */
  asQuery?: Query;
  with: WithOptions;
  format?: FormatSpec;
  /** CREATE TABLE t (...) FROM source TABLE 'public.orders' (CDC) */
  fromSource?: { source: QualifiedName; table: string };
  temporary?: boolean;
  watermarks: WatermarkDef[];
}

export interface CreateStreamStatement extends StatementBase {
  kind: "create_stream";
  name: QualifiedName;
  ifNotExists: boolean;
  columns: ColumnDef[];
  watermarks: WatermarkDef[];
  with: WithOptions;
  format?: FormatSpec;
}

export interface CreateViewStatement extends StatementBase {
  kind: "create_view";
  name: QualifiedName;
  materialized: boolean;
  orReplace: boolean;
  ifNotExists: boolean;
  columns?: string[];
  query: Query;
  with: WithOptions;
  /** EMIT ON WINDOW CLOSE after the query */
  emitOnWindowClose: boolean;
  /** CREATE TEMP VIEW */
  temporary?: boolean;
}

export interface CreateSinkStatement extends StatementBase {
  kind: "create_sink";
  name: QualifiedName;
  ifNotExists: boolean;
  /** FROM view_name */
  from?: QualifiedName;
  /** AS SELECT ... */
  query?: Query;
  with: WithOptions;
  format?: FormatSpec;
}

export interface CreateSourceStatement extends StatementBase {
  kind: "create_source";
  name: QualifiedName;
  ifNotExists: boolean;
  columns: ColumnDef[];
  watermarks: WatermarkDef[];
  with: WithOptions;
  format?: FormatSpec;
}

export interface CreateIndexStatement extends StatementBase {
  kind: "create_index";
  name?: string;
  table: QualifiedName;
  ifNotExists: boolean;
  unique: boolean;
  /** `USING hnsw`, `USING btree`; absent → default */
  method?: string;
  items: { expr: Expr; opclass?: string; direction?: "asc" | "desc"; nulls?: "first" | "last" }[];
  with: WithOptions;
  where?: Expr;
}

export interface CreateModelStatement extends StatementBase {
  kind: "create_model";
  name: QualifiedName;
  orReplace: boolean;
  ifNotExists: boolean;
  with: WithOptions;
}

export interface CreateSecretStatement extends StatementBase {
  kind: "create_secret";
  name: QualifiedName;
  orReplace: boolean;
  ifNotExists: boolean;
  with: WithOptions;
}

export interface CreateFunctionStatement extends StatementBase {
  kind: "create_function";
  name: QualifiedName;
  orReplace: boolean;
  params: { name?: string; type: TypeName; default?: Expr }[];
  /** RETURNS type, or RETURNS TABLE (cols) */
  returns?: TypeName;
  returnsTable?: { name: string; type: TypeName }[];
  language: string;
  body: string;
  options: WithOptions;
}

export interface CreateRoleStatement extends StatementBase {
  kind: "create_role";
  /** CREATE USER implies LOGIN */
  user: boolean;
  name: string;
  options: RoleOption[];
}

export type RoleOption =
  | { kind: "password"; value: string | null }
  | { kind: "flag"; name: string; value: boolean } // LOGIN/NOLOGIN, SUPERUSER/NOSUPERUSER, CREATEDB, CREATEROLE, INHERIT, REPLICATION, BYPASSRLS
  | { kind: "connection_limit"; value: number }
  | { kind: "valid_until"; value: string }
  | { kind: "in_role"; roles: string[] };

export interface CreateDatabaseStatement extends StatementBase {
  kind: "create_database";
  name: string;
  ifNotExists: boolean;
  with: WithOptions;
}

export interface CreateSchemaStatement extends StatementBase {
  kind: "create_schema";
  name: string;
  ifNotExists: boolean;
}

/** The ALTER family, kept generic: the binder interprets `action`. */
export interface AlterStatement extends StatementBase {
  kind: "alter";
  objectKind: string; // 'table', 'role', 'materialized view', 'stream', 'default privileges', ...
  name: QualifiedName;
  ifExists: boolean;
  action: AlterAction;
}

export type AlterAction =
  | { kind: "add_column"; column: ColumnDef; ifNotExists: boolean }
  | { kind: "drop_column"; column: string; ifExists: boolean; cascade: boolean }
  | { kind: "rename"; newName: string }
  | { kind: "rename_column"; column: string; newName: string }
  | { kind: "owner_to"; owner: string }
  | { kind: "set_options"; with: WithOptions }
  | { kind: "role_options"; options: RoleOption[] }
  | { kind: "set_config"; name: string; value: string | null }
  | { kind: "other"; text: string };

export interface DropStatement extends StatementBase {
  kind: "drop";
  /** 'table', 'stream', 'view', 'materialized view', 'sink', 'source', 'index', 'model', 'secret', 'function', 'role', 'user', 'database', 'schema' */
  objectKind: string;
  names: QualifiedName[];
  ifExists: boolean;
  cascade: boolean;
  /** DROP FUNCTION: each name's argument types when given (undefined: any overload) */
  functionArgs?: (TypeName[] | undefined)[];
}

export interface TruncateStatement extends StatementBase {
  kind: "truncate";
  tables: QualifiedName[];
}

export interface CopyStatement extends StatementBase {
  kind: "copy";
  /** COPY t [(cols)] ... or COPY (query) TO ... */
  table?: QualifiedName;
  columns?: string[];
  query?: Query;
  direction: "from" | "to";
  /** 'stdin' | 'stdout' | a file path */
  target: { kind: "stdin" } | { kind: "stdout" } | { kind: "file"; path: string };
  /** WITH (FORMAT csv, HEADER true, DELIMITER ',', NULL '') and the old-style options */
  options: WithOptions;
}

export interface SubscribeStatement extends StatementBase {
  kind: "subscribe";
  /** SUBSCRIBE name | SUBSCRIBE (SELECT ...) | SUBSCRIBE TO name */
  name?: QualifiedName;
  query?: Query;
  with: WithOptions;
}

export interface FlushStatement extends StatementBase {
  kind: "flush";
}

/** CHECKPOINT: write a checkpoint of all state now (as Postgres's CHECKPOINT forces one). */
export interface CheckpointStatement extends StatementBase { kind: "checkpoint" }

export interface ShowStatement extends StatementBase {
  kind: "show";
  /** SHOW TABLES | STREAMS | MATERIALIZED VIEWS | VIEWS | SINKS | SOURCES | MODELS | SECRETS | INDEXES | FUNCTIONS | JOBS | DATABASES | COLUMNS FROM t | CREATE ... | ALL | <setting> */
  what: string;
  /** SHOW COLUMNS FROM t, SHOW CREATE TABLE t */
  target?: QualifiedName;
}

export interface ExplainStatement extends StatementBase {
  kind: "explain";
  analyze: boolean;
  verbose: boolean;
  /** EXPLAIN (FORMAT JSON) */
  format?: string;
  /** EXPLAIN (LOGICAL): the bound plan before optimization; PHYSICAL (the default) the plan that runs */
  plan?: "logical" | "physical";
  /** EXPLAIN (FRAGMENTS): a continuous query cut into fragments and exchanges */
  fragments?: boolean;
  statement: Statement;
}

export interface SetStatement extends StatementBase {
  kind: "set";
  /** SET [SESSION|LOCAL] name {TO|=} value [, value]; SET TIME ZONE x; SET ROLE r; SET NAMES x */
  name: string;
  /** each value as text (identifiers, strings and numbers all become strings); DEFAULT → null */
  values: string[] | null;
  local: boolean;
}

export interface ResetStatement extends StatementBase {
  kind: "reset";
  /** RESET name | RESET ALL ('all') */
  name: string;
}

export interface TransactionStatement extends StatementBase {
  kind: "transaction";
  action: "begin" | "commit" | "rollback" | "savepoint" | "release" | "rollback_to";
  savepoint?: string;
}

export interface GrantStatement extends StatementBase {
  kind: "grant";
  revoke: boolean;
  /** privileges like 'select', 'insert', 'all', with optional column list; or role names for GRANT role TO role */
  privileges: { name: string; columns?: string[] }[];
  /** ON TABLE t, ON ALL TABLES IN SCHEMA s, ON MODEL m, ON SECRET s, ON DATABASE d, ON SCHEMA s; absent for role grants */
  on?: { objectKind: string; names: QualifiedName[]; allInSchema?: boolean };
  grantees: string[];
  withGrantOption: boolean;
  cascade?: boolean;
  /** GRANTED BY role */
  grantedBy?: string;
}

/** ALTER DEFAULT PRIVILEGES [FOR ROLE r, ...] [IN SCHEMA s, ...] GRANT|REVOKE ... ON TABLES ... */
export interface AlterDefaultPrivilegesStatement extends StatementBase {
  kind: "alter_default_privileges";
  roles: string[];
  schemas: string[];
  /** its `on` names the object class: { objectKind: "table", names: [tables] } */
  action: GrantStatement;
}

/** CANCEL JOB n */
export interface CancelJobStatement extends StatementBase {
  kind: "cancel_job";
  jobId: number;
}
