// The syntax tree of names, types, expressions and queries (SELECT, VALUES, set operations, FROM
// items): what every statement kind embeds. Plain data, as ast.ts says; statements are in ast.ts.

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
