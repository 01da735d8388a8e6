// Calls of user-defined functions (CREATE FUNCTION). Overloads resolve the Postgres way, by name
// and argument types (exact match, then implicit casts; see types/functions/resolve.ts).
// LANGUAGE sql functions are inlined where the call stands, so they work in views and
// materialized views like hand-written SQL:
//  - scalar: the body is bound over its parameters (as columns `name`, `fn.name`, `$n`), then each
//    parameter reference is replaced by the call's bound argument — a `SELECT expr` body becomes
//    that expression, any other body a scalar subquery whose outer values are the arguments;
//  - RETURNS TABLE in FROM: a derived table; constant arguments are written into the body, and
//    arguments that read earlier FROM items come in as a LATERAL row of parameters.
// In a body with FROM, a table's own column shadows a parameter of the same name, as in Postgres.
// LANGUAGE javascript functions become calls "udf.<id>:<name>" that the executor runs (by id)
// through ExecutionContext.udf.

import type * as A from "../../parser/ast.js";
import type { FunctionEntry } from "../../catalog/index.js";
import { DataType, SqlError, SqlState, castContext, resolveAmong, typeName } from "../../types/index.js";
import type { BoundExpr, PhysicalPlan } from "../physical-plan.js";
import { QueryContext, type BinderEnv, type ExprScope } from "./context.js";
import { mapExpr } from "../bound-expr-walk.js";
import { bindQuery } from "./query.js";
import { coerce } from "./coerce.js";
import { bindExpr } from "./expressions.js";
import { bindFromItem, namesScope, type Bound } from "./from.js";
import { Scope } from "./scope.js";

/** The parts of a SQL function's definition the binder inlines (kept in FunctionEntry as plain AST). */
export interface SqlFunctionAst {
  query: A.Query;
  paramTypes: A.TypeName[];
  returns?: A.TypeName;
  /** RETURNS TABLE: the columns' types */
  table?: A.TypeName[];
}

function argList(types: readonly DataType[]): string {
  return types.map((t) => typeName(t)).join(", ");
}

/**
 * The overload of user function `name` for these argument types, or undefined when the name has
 * no user functions of this kind (then built-in functions answer). Throws 42883 / 42725.
 */
export function resolveUserFunction(
  entries: readonly FunctionEntry[],
  name: string,
  argTypes: DataType[],
  wantTable: boolean,
  position?: number,
): { entry: FunctionEntry; argTypes: DataType[] } | undefined {
  const candidates = entries.filter((f) => (f.returnsTable !== undefined) === wantTable);
  if (candidates.length === 0) {
    if (entries.length > 0) {
      throw new SqlError(
        wantTable ? SqlState.WrongObjectType : SqlState.FeatureNotSupported,
        wantTable ? `function ${name} does not return a table` : `set-returning function ${name} must be called in FROM`,
        { position },
      );
    }
    return undefined;
  }
  const overloads = candidates.map((f) => ({ name, params: f.params.map((p) => p.type), ret: f.returns ?? f.params[0]?.type ?? argTypes[0], id: f.id }));
  const r = resolveAmong(overloads, argTypes);
  if (r === "ambiguous") {
    throw new SqlError(SqlState.AmbiguousFunction, `function ${name}(${argList(argTypes)}) is not unique`, {
      position,
      hint: "Could not choose a best candidate function. You might need to add explicit type casts.",
    });
  }
  if (r === null) return undefined;
  const entry = candidates.find((f) => f.id === r.id)!;
  return { entry, argTypes: entry.params.map((p) => p.type) };
}

/** Deep copy of `node` with parameter references replaced by `replace(i)`. */
function substitute(node: unknown, entry: FunctionEntry, replace: (i: number) => A.Expr, replaceParam: (i: number) => A.Expr = replace): unknown {
  if (Array.isArray(node)) return node.map((n) => substitute(n, entry, replace, replaceParam));
  if (node === null || typeof node !== "object") return node;
  const o = node as Record<string, unknown>;
  if (o.kind === "param" && typeof o.index === "number") return replaceParam(o.index - 1);
  if (o.kind === "column_ref" && Array.isArray(o.parts)) {
    const parts = o.parts as string[];
    const name = parts.length === 1 ? parts[0] : parts.length === 2 && parts[0] === entry.name ? parts[1] : undefined;
    const i = name === undefined ? -1 : entry.params.findIndex((p) => p.name === name);
    if (i >= 0) return replace(i);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[k] = substitute(v, entry, replace, replaceParam);
  return out;
}

/** `fn.param` → `_sage_args.param` (bare names are left to scope resolution). */
function substituteQualified(node: unknown, fname: string, params: string[]): unknown {
  if (Array.isArray(node)) return node.map((n) => substituteQualified(n, fname, params));
  if (node === null || typeof node !== "object") return node;
  const o = node as Record<string, unknown>;
  if (o.kind === "column_ref" && Array.isArray(o.parts) && o.parts.length === 2 && o.parts[0] === fname && params.includes(o.parts[1] as string)) {
    return { ...o, parts: ["_sage_args", o.parts[1]] };
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[k] = substituteQualified(v, fname, params);
  return out;
}

function sqlAst(entry: FunctionEntry): SqlFunctionAst {
  return entry.query as SqlFunctionAst;
}

/** The body with each parameter replaced by CAST(<argument> AS <parameter type>). */
function inlinedQuery(entry: FunctionEntry, args: readonly A.Expr[]): A.Query {
  const ast = sqlAst(entry);
  return substitute(ast.query, entry, (i) => {
    if (i < 0 || i >= args.length) throw new SqlError(SqlState.UndefinedParameter, `there is no parameter $${i + 1}`);
    return { kind: "cast", expr: args[i], type: ast.paramTypes[i] };
  }) as A.Query;
}

/** `SELECT expr` with nothing else: inlined as the expression itself. */
function simpleExpression(q: A.Query): A.Expr | undefined {
  const b = q.body;
  if (q.with || q.orderBy.length > 0 || q.limit || q.offset || b.kind !== "select") return undefined;
  if (b.items.length !== 1 || b.from.length > 0 || b.where || b.groupBy.length > 0 || b.having || b.distinct) return undefined;
  const e = b.items[0].expr;
  return e.kind === "star" ? undefined : e;
}

/** The parameters as columns `$1`, `$2`, ... and by name, qualified by the function's name. */
function paramScope(entry: FunctionEntry): Scope {
  return new Scope(
    entry.params.flatMap((p, i) => [
      { table: entry.name, name: `$${i + 1}`, type: p.type, index: i },
      ...(p.name !== undefined ? [{ table: entry.name, name: p.name, type: p.type, index: i }] : []),
    ]),
  );
}

/** The body with `$n` written as the column `$n` of paramScope (names already are columns). */
function bodyOverParams(entry: FunctionEntry): A.Query {
  return substitute(sqlAst(entry).query, { ...entry, params: [] } as FunctionEntry, () => ({ kind: "literal", value: { type: "null" } }), (i) => ({
    kind: "column_ref",
    parts: [`$${i + 1}`],
  })) as A.Query;
}

let inlineDepth = 0;
/** Deeper than this, a SQL function calls itself (through CREATE OR REPLACE): refuse, do not overflow. */
const MAX_INLINE_DEPTH = 40;

/**
 * A scalar SQL function's body bound over its parameters, with each parameter reference then
 * replaced by the call's (already bound and coerced) argument. A `SELECT expr` body becomes that
 * expression; any other body a scalar subquery whose outer values are the arguments. Inside a
 * body with FROM, a table column shadows a parameter of the same name (as in Postgres).
 */
function inlineScalar(entry: FunctionEntry, args: BoundExpr[], env: BinderEnv): BoundExpr {
  if (++inlineDepth > MAX_INLINE_DEPTH) {
    inlineDepth = 0;
    throw new SqlError(SqlState.StatementTooComplex, `SQL function "${entry.name}" calls itself too deeply to inline`);
  }
  try {
    const q = bodyOverParams(entry);
    const scope = paramScope(entry);
    const toArg = (x: BoundExpr): BoundExpr | undefined => (x.kind === "column" ? args[x.index] : undefined);
    const simple = simpleExpression(q);
    let body: BoundExpr;
    if (simple) {
      body = mapExpr(bindExpr(simple, { scope, ctx: new QueryContext(env), clause: "function body" }), toArg);
    } else {
      const ctx = new QueryContext(env, { ctx: new QueryContext(env), scope });
      const b = bindQuery(q, ctx);
      if (b.types.length !== 1) {
        throw new SqlError(SqlState.InvalidFunctionDefinition, `return type mismatch in function declared to return ${typeName(entry.returns!)}`, { detail: "Final statement must return exactly one column." });
      }
      body = { kind: "subquery", mode: "scalar", plan: b.plan, correlated: ctx.correlated.map((c) => mapExpr(c, toArg)), type: b.types[0] };
    }
    if (body.type.id !== "unknown" && body.type.id !== entry.returns!.id && !canAssign(body.type, entry.returns!)) {
      throw new SqlError(SqlState.InvalidFunctionDefinition, `return type mismatch in function declared to return ${typeName(entry.returns!)}`, {
        detail: `Actual return type is ${typeName(body.type)}.`,
      });
    }
    return coerce(env, body, entry.returns!, "assignment");
  } finally {
    inlineDepth = Math.max(0, inlineDepth - 1);
  }
}

/** A scalar user function call in an expression; undefined when `name` has no scalar user function. */
export function bindUserFunctionCall(ast: A.FunctionCallExpr, args: BoundExpr[], es: ExprScope): BoundExpr | undefined {
  const env = es.ctx.env;
  const name = ast.name.parts[ast.name.parts.length - 1];
  const entries = env.catalog.findFunctions(name);
  if (entries.length === 0) return undefined;
  const r = resolveUserFunction(entries, name, args.map((a) => a.type), false, ast.pos);
  if (!r) return undefined;
  const { entry } = r;
  const callArgs = args.map((a, i) => coerce(env, a, r.argTypes[i], "implicit", ast.pos));
  // a view that calls it depends on it (DROP FUNCTION checks): recorded like a relation it reads
  env.readRelations.add(entry.id);
  if (entry.language === "javascript") {
    return { kind: "call", fn: `udf.${entry.id}:${entry.name}`, args: callArgs, type: entry.returns! };
  }
  return inlineScalar(entry, callArgs, env);
}

/** A user table function in FROM; undefined when `name` has no user table function. */
export function bindUserTableFunction(item: A.FunctionRef, ctx: QueryContext, args: BoundExpr[]): Bound | undefined {
  const env = ctx.env;
  const name = item.call.name.parts[item.call.name.parts.length - 1];
  const entries = env.catalog.findFunctions(name);
  if (entries.length === 0) return undefined;
  const r = resolveUserFunction(entries, name, args.map((a) => a.type), true, item.pos);
  if (!r) return undefined;
  const { entry } = r;
  const cols = entry.returnsTable!;
  const alias = item.alias?.name ?? name;
  const colNames = cols.map((c, i) => item.alias?.columns?.[i] ?? c.name);
  if (entry.language === "javascript") {
    if (item.withOrdinality) throw new SqlError(SqlState.FeatureNotSupported, "WITH ORDINALITY is not supported for javascript functions", { position: item.pos });
    const callArgs = args.map((a, i) => coerce(env, a, r.argTypes[i], "implicit", item.pos));
    env.readRelations.add(entry.id);
    const types = cols.map((c) => c.type);
    const plan: PhysicalPlan = { kind: "table_function", fn: `udf.${entry.id}:${entry.name}`, args: callArgs, withOrdinality: false, types };
    return { plan, scope: namesScope(colNames, types, alias) };
  }
  // SELECT CAST(c1 AS t1) AS name1, ... FROM <body> AS _body(c1, ...), where <body> is
  //  - constant arguments: the body with the arguments written in (capture-free; works in views);
  //  - arguments that read columns (FROM t, f(t.x)): (VALUES (args)) AS _sage_args(params),
  //    LATERAL (body): parameters resolve as that row's columns, and a body table's own column
  //    shadows a parameter of the same name, as in Postgres.
  env.readRelations.add(entry.id);
  const ast = sqlAst(entry);
  const tableTypes = ast.table ?? [];
  const inner = cols.map((_, i) => `_c${i + 1}`);
  const constantArgs = args.every((a) => a.kind === "const" || a.kind === "param");
  const from: A.FromItem[] = [];
  if (constantArgs) {
    from.push({ kind: "subquery", query: inlinedQuery(entry, item.call.args), alias: { name: "_body", columns: inner }, lateral: false });
  } else {
    const argCols = entry.params.map((p, i) => p.name ?? `$${i + 1}`);
    const values: A.Query = {
      kind: "query",
      orderBy: [],
      body: { kind: "select", items: item.call.args.map((a, i) => ({ expr: { kind: "cast", expr: a, type: ast.paramTypes[i] } })), from: [], groupBy: [], windows: [] },
    };
    const toArgColumn = (i: number): A.Expr => {
      if (i < 0 || i >= argCols.length) throw new SqlError(SqlState.UndefinedParameter, `there is no parameter $${i + 1}`);
      return { kind: "column_ref", parts: ["_sage_args", argCols[i]] };
    };
    // only `$n` and `fn.param` are rewritten; bare names resolve through the scopes
    const body = substitute(ast.query, { ...entry, params: [] } as FunctionEntry, toArgColumn, toArgColumn) as A.Query; // `$n` only
    const qualified = substituteQualified(body, entry.name, argCols) as A.Query;
    from.push({ kind: "subquery", query: values, alias: { name: "_sage_args", columns: argCols }, lateral: false });
    from.push({ kind: "subquery", query: qualified, alias: { name: "_body", columns: inner }, lateral: true });
  }
  const wrapped: A.Query = {
    kind: "query",
    orderBy: [],
    body: {
      kind: "select",
      items: cols.map((c, i) => ({ expr: { kind: "cast", expr: { kind: "column_ref", parts: ["_body", inner[i]] }, type: tableTypes[i] }, alias: colNames[i] })),
      from,
      groupBy: [],
      windows: [],
    },
  };
  return bindFromItem({ kind: "subquery", query: wrapped, alias: { name: alias, columns: item.alias?.columns }, lateral: false, pos: item.pos }, ctx, Scope.empty());
}

/**
 * Checks a LANGUAGE sql body at CREATE time: it binds with NULLs of the parameter types for the
 * parameters, and its result fits the declared return type (one column, or the RETURNS TABLE
 * columns). Errors point into the body (42P13 for a shape mismatch).
 */
export function checkSqlFunctionBody(entry: FunctionEntry, ctx: QueryContext): void {
  const nulls = entry.params.map((): A.Expr => ({ kind: "literal", value: { type: "null" } }));
  if (entry.returnsTable) {
    const b = bindFromItem({ kind: "subquery", query: inlinedQuery(entry, nulls), alias: { name: "_body" }, lateral: false }, ctx, Scope.empty());
    if (b.scope.width !== entry.returnsTable.length) {
      throw new SqlError(SqlState.InvalidFunctionDefinition, `return type mismatch in function declared to return a table of ${entry.returnsTable.length} columns`, {
        detail: `Final statement returns ${b.scope.width} columns.`,
      });
    }
    return;
  }
  inlineScalar(entry, entry.params.map((p): BoundExpr => ({ kind: "const", type: p.type, value: null })), ctx.env);
}

function canAssign(from: DataType, to: DataType): boolean {
  const c = castContext(from, to);
  return c === "implicit" || c === "assignment";
}
