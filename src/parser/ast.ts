// The typed syntax tree the parser produces and the binder consumes. Plain data: no methods, no
// classes. Every node may carry `pos`, the 1-based character offset of its first token in the
// statement text (what Postgres reports as an error's position).

// ───────────────────────────── names and types ─────────────────────────────

/** A possibly qualified name: `t`, `s.t`; identifiers are already case-folded (unquoted → lower). */
export interface QualifiedName {
  parts: string[];
  pos?: number;
}

/** A type as written: `INT`, `VARCHAR(10)`, `NUMERIC(10,2)`, `VECTOR(3)`, `TEXT[]`, `TIMESTAMP WITH TIME ZONE`. */
export interface TypeName {
  /** canonical lower-case name: int, integer, int4, bigint, varchar, character varying, double precision, timestamptz... */
  name: string;
  /** modifiers in parentheses: VARCHAR(10) → [10]; NUMERIC(10,2) → [10, 2] */
  modifiers: number[];
  /** number of trailing [] */
  arrayDims: number;
  pos?: number;
}

// ───────────────────────────── expressions ─────────────────────────────

export type Expr =
  | LiteralExpr
  | TypedLiteralExpr
  | IntervalLiteralExpr
  | ColumnRefExpr
  | StarExpr
  | ParamExpr
  | UnaryExpr
  | BinaryExpr
  | FunctionCallExpr
  | CastExpr
  | CaseExpr
  | BetweenExpr
  | InListExpr
  | InSubqueryExpr
  | ExistsExpr
  | SubqueryExpr
  | IsExpr
  | LikeExpr
  | ArrayExpr
  | SubscriptExpr
  | RowExpr
  | QuantifiedExpr
  | DefaultExpr
  | FieldSelectExpr;

/** A literal: numbers keep their text so the binder can type them exactly (int4/int8/numeric). */
export interface LiteralExpr {
  kind: "literal";
  value:
    | { type: "integer"; text: string } // 123
    | { type: "decimal"; text: string } // 1.5, .5, 1e10
    | { type: "string"; value: string } // 'abc', E'..', $$..$$
    | { type: "bitstring"; value: string } // B'1010' / X'ff' (hex kept as hex digits with type)
    | { type: "boolean"; value: boolean }
    | { type: "null" };
  pos?: number;
}

/** `TIMESTAMP '2024-01-01'`, `DATE '...'`, `VECTOR '[1,2]'`: a type name followed by a string. */
export interface TypedLiteralExpr {
  kind: "typed_literal";
  type: TypeName;
  value: string;
  pos?: number;
}

/** `INTERVAL '10 seconds'`, `INTERVAL '10' SECOND`, `INTERVAL '1-2' YEAR TO MONTH`. */
export interface IntervalLiteralExpr {
  kind: "interval_literal";
  value: string;
  /** trailing field qualifier, lower-case: 'second', 'year to month', ... */
  qualifier?: string;
  pos?: number;
}

/** `a`, `t.a`, `s.t.a` (parts already case-folded). */
export interface ColumnRefExpr {
  kind: "column_ref";
  parts: string[];
  pos?: number;
}

/** `*` or `t.*` */
export interface StarExpr {
  kind: "star";
  table?: string[];
  pos?: number;
}

/** `$1` */
export interface ParamExpr {
  kind: "param";
  index: number;
  pos?: number;
}

export interface UnaryExpr {
  kind: "unary";
  /** '-', '+', 'not', '~' (bitwise not), '@' (abs), '|/' (sqrt), '||/' (cbrt) */
  op: string;
  operand: Expr;
  pos?: number;
}

export interface BinaryExpr {
  kind: "binary";
  /**
   * Lower-case operator: '+', '-', '*', '/', '%', '^', '||', '=', '<>' ('!=' normalised to '<>'),
   * '<', '<=', '>', '>=', 'and', 'or', '->', '->>', '#>', '#>>', '@>', '<@', '?',
   * '<->', '<=>', '<#>', '<+>', '&', '|', '#', '<<', '>>', 'is distinct from', 'is not distinct from'
   */
  op: string;
  left: Expr;
  right: Expr;
  pos?: number;
}

export interface FunctionCallExpr {
  kind: "function";
  name: QualifiedName;
  args: Expr[];
  /** count(*) */
  star?: boolean;
  distinct?: boolean;
  /** string_agg(x, ',' ORDER BY y), array_agg(x ORDER BY y) */
  orderBy?: OrderByItem[];
  /** percentile_cont(0.5) WITHIN GROUP (ORDER BY x): the ORDER BY is in `orderBy` */
  withinGroup?: boolean;
  /** agg(...) FILTER (WHERE ...) */
  filter?: Expr;
  /** f(...) OVER (...) or OVER w */
  over?: WindowSpec;
  pos?: number;
}

export interface WindowSpec {
  /** OVER w, or OVER (w ORDER BY ...) */
  baseName?: string;
  partitionBy: Expr[];
  orderBy: OrderByItem[];
  frame?: WindowFrame;
  pos?: number;
}

export interface WindowFrame {
  mode: "rows" | "range" | "groups";
  start: FrameBound;
  end?: FrameBound;
}

export type FrameBound =
  | { kind: "unbounded_preceding" }
  | { kind: "preceding"; offset: Expr }
  | { kind: "current_row" }
  | { kind: "following"; offset: Expr }
  | { kind: "unbounded_following" };

/** `CAST(x AS t)` and `x::t` */
export interface CastExpr {
  kind: "cast";
  expr: Expr;
  type: TypeName;
  pos?: number;
}

export interface CaseExpr {
  kind: "case";
  /** CASE operand WHEN ... (simple form); absent for the searched form */
  operand?: Expr;
  whens: { when: Expr; then: Expr }[];
  else?: Expr;
  pos?: number;
}

export interface BetweenExpr {
  kind: "between";
  expr: Expr;
  low: Expr;
  high: Expr;
  negated: boolean;
  symmetric?: boolean;
  pos?: number;
}

export interface InListExpr {
  kind: "in_list";
  expr: Expr;
  list: Expr[];
  negated: boolean;
  pos?: number;
}

export interface InSubqueryExpr {
  kind: "in_subquery";
  expr: Expr;
  query: Query;
  negated: boolean;
  pos?: number;
}

export interface ExistsExpr {
  kind: "exists";
  query: Query;
  /** NOT EXISTS is parsed as unary 'not' over this; kept false here */
  negated: boolean;
  pos?: number;
}

/** A scalar subquery `(SELECT ...)`, or `ARRAY(SELECT ...)` when `array` is set. */
export interface SubqueryExpr {
  kind: "subquery";
  query: Query;
  array?: boolean;
  pos?: number;
}

/** `x IS [NOT] NULL | TRUE | FALSE | UNKNOWN` (ISNULL/NOTNULL spelled the same) */
export interface IsExpr {
  kind: "is";
  expr: Expr;
  test: "null" | "true" | "false" | "unknown";
  negated: boolean;
  pos?: number;
}

/** `x [NOT] LIKE | ILIKE | SIMILAR TO pattern [ESCAPE e]`; '~~' '~~*' '!~~' operators map here too */
export interface LikeExpr {
  kind: "like";
  op: "like" | "ilike" | "similar";
  expr: Expr;
  pattern: Expr;
  escape?: Expr;
  negated: boolean;
  pos?: number;
}

/** `ARRAY[1,2,3]` */
export interface ArrayExpr {
  kind: "array";
  elements: Expr[];
  pos?: number;
}

/** `a[1]`, `a[1:2]` */
export interface SubscriptExpr {
  kind: "subscript";
  expr: Expr;
  index?: Expr;
  lower?: Expr;
  upper?: Expr;
  slice: boolean;
  pos?: number;
}

/** `ROW(a, b)` or `(a, b)` */
export interface RowExpr {
  kind: "row";
  fields: Expr[];
  pos?: number;
}

/** `x = ANY(subquery|array)`, `x < ALL(...)`, `x = SOME(...)` */
export interface QuantifiedExpr {
  kind: "quantified";
  op: string;
  quantifier: "any" | "all";
  expr: Expr;
  /** either a subquery or an array-valued expression */
  query?: Query;
  array?: Expr;
  pos?: number;
}

/** `DEFAULT` as an item of a VALUES row (INSERT ... VALUES (1, DEFAULT)); the binder rejects it elsewhere. */
export interface DefaultExpr {
  kind: "default";
  pos?: number;
}

/** `(expr).field`: a field of a composite value (pgjdbc's metadata queries use `(x).n`). */
export interface FieldSelectExpr {
  kind: "field_select";
  expr: Expr;
  field: string;
  pos?: number;
}

// ───────────────────────────── queries ─────────────────────────────

export interface OrderByItem {
  expr: Expr;
  direction: "asc" | "desc";
  /** explicit NULLS FIRST / LAST; absent → Postgres default (NULLS LAST for ASC, FIRST for DESC) */
  nulls?: "first" | "last";
  /** ORDER BY x USING < (rare) is not supported */
  pos?: number;
}

export interface SelectItem {
  expr: Expr;
  alias?: string;
  pos?: number;
}

/** A query: a SELECT core, a set operation, or VALUES, with its own WITH/ORDER BY/LIMIT/OFFSET. */
export interface Query {
  kind: "query";
  with?: WithClause;
  body: QueryBody;
  orderBy: OrderByItem[];
  limit?: Expr;
  /** LIMIT ALL is an absent limit */
  offset?: Expr;
  /** FETCH FIRST n ROWS WITH TIES */
  withTies?: boolean;
  /** FOR UPDATE etc. are accepted and ignored (single-writer engine) */
  locking?: string;
  pos?: number;
}

export interface WithClause {
  recursive: boolean;
  ctes: CommonTableExpr[];
}

export interface CommonTableExpr {
  name: string;
  columns?: string[];
  query: Query;
  materialized?: boolean;
  pos?: number;
}

export type QueryBody = SelectCore | SetOperation | ValuesBody | Query;

export interface SetOperation {
  kind: "set_op";
  op: "union" | "intersect" | "except";
  all: boolean;
  left: QueryBody;
  right: QueryBody;
  pos?: number;
}

export interface ValuesBody {
  kind: "values";
  rows: Expr[][];
  pos?: number;
}

export interface SelectCore {
  kind: "select";
  /** DISTINCT → [], DISTINCT ON (a, b) → [a, b]; absent → ALL */
  distinct?: Expr[];
  items: SelectItem[];
  from: FromItem[];
  where?: Expr;
  groupBy: GroupByItem[];
  having?: Expr;
  /** WINDOW w AS (...) */
  windows: { name: string; spec: WindowSpec }[];
  /** EMIT ON WINDOW CLOSE (materialized views) */
  emitOnWindowClose?: boolean;
  pos?: number;
}

export type GroupByItem =
  | { kind: "expr"; expr: Expr }
  | { kind: "rollup" | "cube"; sets: Expr[][] }
  | { kind: "grouping_sets"; sets: Expr[][] }
  | { kind: "empty" };

export type FromItem = TableRef | SubqueryRef | FunctionRef | JoinRef | VectorJoinRef;

export interface Alias {
  name: string;
  columns?: string[];
}

/** `t`, `s.t AS x (a, b)`, `t FOR SYSTEM_TIME AS OF PROCTIME()` */
export interface TableRef {
  kind: "table";
  name: QualifiedName;
  alias?: Alias;
  /** FOR SYSTEM_TIME AS OF PROCTIME() (temporal/lookup join) */
  asOfProctime?: boolean;
  pos?: number;
}

export interface SubqueryRef {
  kind: "subquery";
  query: Query;
  alias?: Alias;
  lateral: boolean;
  pos?: number;
}

/** A function in FROM: `generate_series(1,10) AS g(x)`, `TUMBLE(bid, date_time, INTERVAL '10' SECOND)`, `unnest(...)` */
export interface FunctionRef {
  kind: "function";
  call: FunctionCallExpr;
  alias?: Alias;
  lateral: boolean;
  withOrdinality?: boolean;
  pos?: number;
}

export interface JoinRef {
  kind: "join";
  joinType: "inner" | "left" | "right" | "full" | "cross";
  natural: boolean;
  left: FromItem;
  right: FromItem;
  on?: Expr;
  using?: string[];
  pos?: number;
}

/** `left VECTOR JOIN right ON <vec expr> <op> <vec expr> TOP k` (sage-sql sugar for the LATERAL form) */
export interface VectorJoinRef {
  kind: "vector_join";
  left: FromItem;
  right: FromItem;
  /** the ON expression: a binary distance operator ('<->', '<=>', '<#>', '<+>') between two vector expressions */
  on: Expr;
  top: Expr;
  pos?: number;
}

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
