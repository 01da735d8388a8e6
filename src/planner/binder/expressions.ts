// Binds AST expressions to typed BoundExprs: resolves names (through enclosing queries for
// correlated subqueries), types literals as Postgres does, resolves operators and functions,
// inserts casts, folds constants, and collects aggregate and window calls where they are allowed.

import type * as A from "../../parser/ast.js";
import {
  DataType,
  Decimal,
  SqlError,
  SqlState,
  Types,
  castContext,
  isAggregateName,
  isWindowFunctionName,
  parseTypeName,
  parseValue,
  resolveAggregate,
  resolveFunction,
  resolveOperator,
  resolveWindowFunction,
  typeName,
} from "../../types/index.js";
import type { BoundExpr, PhysicalPlan, SortKey, WindowCall, WindowFrameB } from "../physical-plan.js";
import { AGG_BASE, BOOL, ExprScope, QueryContext, WINDOW_BASE, typeError } from "./context.js";
import { coerce, foldCall, unify } from "./coerce.js";
import { bindSubquery } from "./query.js";
import { bindUserFunctionCall } from "./user-functions.js";
import type { Scope } from "./scope.js";

/** Equality calls the binder created: join planning turns them into hash-join keys. */
export const equalityCalls = new WeakSet<BoundExpr>();

const INT4_MIN = -2147483648n;
const INT4_MAX = 2147483647n;
const INT8_MIN = -9223372036854775808n;
const INT8_MAX = 9223372036854775807n;

function fail(e: unknown, es: ExprScope, pos?: number): never {
  if (e instanceof SqlError) throw e.at(pos, es.ctx.env.sql);
  throw e;
}

export function bindExpr(ast: A.Expr, es: ExprScope): BoundExpr {
  try {
    return bindInner(ast, es);
  } catch (e) {
    fail(e, es, ast.pos);
  }
}

/** Binds a condition (WHERE, ON, HAVING, CASE WHEN): must be boolean (or an untyped literal). */
export function bindCondition(ast: A.Expr, es: ExprScope, clause = es.clause): BoundExpr {
  const e = bindExpr(ast, es);
  return requireBoolean(e, es, clause, ast.pos);
}

function requireBoolean(e: BoundExpr, es: ExprScope, clause: string, pos?: number): BoundExpr {
  if (e.type.id === "boolean") return e;
  if (e.type.id === "unknown") return coerce(es.ctx.env, e, BOOL, "implicit", pos);
  throw typeError(`argument of ${clause} must be type boolean, not type ${typeName(e.type)}`, pos);
}

function literal(v: A.LiteralExpr["value"]): BoundExpr {
  switch (v.type) {
    case "integer": {
      const n = BigInt(v.text);
      if (n >= INT4_MIN && n <= INT4_MAX) return { kind: "const", type: Types.integer, value: Number(n) };
      if (n >= INT8_MIN && n <= INT8_MAX) return { kind: "const", type: Types.bigint, value: n };
      return { kind: "const", type: Types.numeric, value: Decimal.parse(v.text) };
    }
    case "decimal":
      return { kind: "const", type: Types.numeric, value: Decimal.parse(v.text) };
    case "string":
      return { kind: "const", type: Types.unknown, value: v.value };
    case "bitstring":
      throw new SqlError(SqlState.FeatureNotSupported, "bit string literals are not supported");
    case "boolean":
      return { kind: "const", type: Types.boolean, value: v.value };
    case "null":
      return { kind: "const", type: Types.unknown, value: null };
  }
}

function resolveColumn(parts: string[], pos: number | undefined, es: ExprScope): BoundExpr {
  const c = es.scope.resolve(parts, pos);
  if (c) return { kind: "column", index: c.index, type: c.type };
  const outer = resolveOuter(parts, pos, es.ctx);
  if (outer) return outer;
  if (parts.length > 1) {
    const table = parts[parts.length - 2];
    if (!scopeChainHasTable(es.ctx, es.scope, table)) {
      if (es.scope.columns.some((c) => c.relation === table)) {
        throw new SqlError(SqlState.UndefinedTable, `invalid reference to FROM-clause entry for table "${table}"`, { position: pos });
      }
      throw new SqlError(SqlState.UndefinedTable, `missing FROM-clause entry for table "${table}"`, { position: pos });
    }
  }
  throw new SqlError(SqlState.UndefinedColumn, `column ${parts.map((p) => `${p}`).join(".") === parts[parts.length - 1] ? `"${parts[0]}"` : `${parts.slice(0, -1).join(".")}.${parts[parts.length - 1]}`} does not exist`, { position: pos });
}

function scopeChainHasTable(ctx: QueryContext, scope: Scope, table: string): boolean {
  if (scope.hasTable(table)) return true;
  return ctx.outer ? scopeChainHasTable(ctx.outer.ctx, ctx.outer.scope, table) : false;
}

/** Looks a name up in the enclosing queries; registers it as a correlated value on the way back. */
function resolveOuter(parts: string[], pos: number | undefined, ctx: QueryContext): BoundExpr | undefined {
  const outer = ctx.outer;
  if (!outer) return undefined;
  const c = outer.scope.resolve(parts, pos);
  let inOuterTerms: BoundExpr | undefined;
  if (c) inOuterTerms = { kind: "column", index: c.index, type: c.type };
  else inOuterTerms = resolveOuter(parts, pos, outer.ctx);
  if (!inOuterTerms) return undefined;
  const index = ctx.addCorrelated(inOuterTerms);
  return { kind: "outer", index, type: inOuterTerms.type };
}

function bindInner(ast: A.Expr, es: ExprScope): BoundExpr {
  const env = es.ctx.env;
  switch (ast.kind) {
    case "literal":
      return literal(ast.value);
    case "typed_literal": {
      const type = parseTypeName(ast.type.name, ast.type.modifiers, ast.type.arrayDims);
      return { kind: "const", type, value: parseValue(type, ast.value) };
    }
    case "interval_literal": {
      const text = ast.qualifier && /^\s*[-+]?\d+(\.\d+)?\s*$/.test(ast.value) ? `${ast.value} ${ast.qualifier.split(" ")[0]}` : ast.value;
      return { kind: "const", type: Types.interval, value: parseValue(Types.interval, text) };
    }
    case "column_ref":
      return resolveColumn(ast.parts, ast.pos, es);
    case "star":
      throw new SqlError(SqlState.SyntaxError, "* is not allowed here", { position: ast.pos });
    case "param": {
      const i = ast.index - 1;
      if (i < 0) throw new SqlError(SqlState.UndefinedParameter, `there is no parameter $${ast.index}`, { position: ast.pos });
      while (env.paramTypes.length <= i) env.paramTypes.push(Types.unknown);
      return { kind: "param", index: i, type: env.paramTypes[i] };
    }
    case "unary":
      return bindUnary(ast, es);
    case "binary":
      return bindBinary(ast.op, ast.left, ast.right, es, ast.pos);
    case "function":
      return bindFunction(ast, es);
    case "cast": {
      const inner = bindInner(ast.expr, es);
      const type = parseTypeName(ast.type.name, ast.type.modifiers, ast.type.arrayDims);
      if (inner.type.id !== "unknown" && inner.type.id !== type.id && castContext(inner.type, type) === null) {
        throw new SqlError(SqlState.CannotCoerce, `cannot cast type ${typeName(inner.type)} to ${typeName(type)}`, { position: ast.pos });
      }
      return coerce(env, inner, type, "explicit", ast.pos);
    }
    case "case":
      return bindCase(ast, es);
    case "between": {
      const lo = bindBinary(">=", ast.expr, ast.low, es, ast.pos);
      const hi = bindBinary("<=", ast.expr, ast.high, es, ast.pos);
      let e: BoundExpr = { kind: "and", args: [lo, hi], type: BOOL };
      if (ast.symmetric) {
        const lo2 = bindBinary(">=", ast.expr, ast.high, es, ast.pos);
        const hi2 = bindBinary("<=", ast.expr, ast.low, es, ast.pos);
        e = { kind: "or", args: [e, { kind: "and", args: [lo2, hi2], type: BOOL }], type: BOOL };
      }
      return ast.negated ? { kind: "not", arg: e, type: BOOL } : e;
    }
    case "in_list": {
      if (isRow(ast.expr)) {
        const lf = ast.expr.fields;
        const alts = ast.list.map((item) => bindRowComparison("=", lf, isRow(item) ? item.fields : [item], es, ast.pos));
        const e: BoundExpr = alts.length === 1 ? alts[0] : { kind: "or", args: alts, type: BOOL };
        return ast.negated ? { kind: "not", arg: e, type: BOOL } : e;
      }
      const x = bindInner(ast.expr, es);
      const list = ast.list.map((item) => bindInner(item, es));
      const t = unify([x.type, ...list.map((l) => l.type)], "IN", ast.pos);
      const eq = resolveOperator("=", t, t);
      const e: BoundExpr = {
        kind: "in_list",
        expr: coerce(env, x, eq.argTypes[0], "implicit", ast.pos),
        list: list.map((l) => coerce(env, l, eq.argTypes[1], "implicit", ast.pos)),
        negated: ast.negated,
        eq: eq.id,
        type: BOOL,
      };
      return e;
    }
    case "in_subquery": {
      const e = isRow(ast.expr) ? bindQuantifiedRow("=", "any", ast.expr.fields, ast.query, es, ast.pos) : bindQuantified("=", "any", ast.expr, ast.query, es, ast.pos);
      return ast.negated ? { kind: "not", arg: e, type: BOOL } : e;
    }
    case "quantified": {
      if (!ast.query) return bindQuantifiedArray(ast.op, ast.quantifier, ast.expr, ast.array!, es, ast.pos);
      if (isRow(ast.expr)) return bindQuantifiedRow(ast.op, ast.quantifier, ast.expr.fields, ast.query, es, ast.pos);
      return bindQuantified(ast.op, ast.quantifier, ast.expr, ast.query, es, ast.pos);
    }
    case "exists": {
      const sub = bindSubquery(ast.query, es);
      const e: BoundExpr = { kind: "subquery", mode: "exists", plan: sub.plan, correlated: sub.correlated, type: BOOL };
      return ast.negated ? { kind: "not", arg: e, type: BOOL } : e;
    }
    case "subquery": {
      const sub = bindSubquery(ast.query, es);
      if (sub.types.length !== 1) {
        throw new SqlError(SqlState.SyntaxError, "subquery must return only one column", { position: ast.pos });
      }
      if (ast.array) {
        return { kind: "subquery", mode: "array", plan: sub.plan, correlated: sub.correlated, type: Types.array(sub.types[0]) };
      }
      return { kind: "subquery", mode: "scalar", plan: sub.plan, correlated: sub.correlated, type: sub.types[0] };
    }
    case "is": {
      if (ast.test === "null" && isRow(ast.expr)) {
        // ROW IS NULL: every field is NULL; ROW IS NOT NULL: every field is not NULL
        const tests: BoundExpr[] = ast.expr.fields.map((f) => ({ kind: "is_null", arg: bindInner(f, es), negated: ast.negated, type: BOOL }));
        return tests.length === 1 ? tests[0] : { kind: "and", args: tests, type: BOOL };
      }
      const x = bindInner(ast.expr, es);
      if (ast.test === "null") return { kind: "is_null", arg: x, negated: ast.negated, type: BOOL };
      return { kind: "is_bool", arg: requireBoolean(x, es, "IS " + ast.test.toUpperCase(), ast.pos), test: ast.test, negated: ast.negated, type: BOOL };
    }
    case "like": {
      const name = ast.op === "similar" ? "similar_to" : ast.op;
      const args = [ast.expr, ast.pattern, ...(ast.escape ? [ast.escape] : [])].map((a) => bindInner(a, es));
      const e = call(name, args, es, ast.pos);
      return ast.negated ? { kind: "not", arg: e, type: BOOL } : e;
    }
    case "array": {
      const elems = ast.elements.map((x) => bindInner(x, es));
      const t = elems.length === 0 ? Types.text : unify(elems.map((x) => x.type), "ARRAY", ast.pos);
      return call("array", elems.map((x) => coerce(env, x, t, "implicit", ast.pos)), es, ast.pos);
    }
    case "subscript": {
      if (ast.slice) {
        const arr = bindInner(ast.expr, es);
        const bound = (e?: A.Expr): BoundExpr => (e ? bindInner(e, es) : { kind: "const", type: Types.integer, value: null });
        requireArray(arr, ast.pos);
        return call("array_slice", [arr, bound(ast.lower), bound(ast.upper)], es, ast.pos);
      }
      // a[i][j]: one call with all the subscripts
      const idx: A.Expr[] = [];
      let base: A.Expr = ast;
      while (base.kind === "subscript" && !base.slice) {
        idx.unshift(base.index!);
        base = base.expr;
      }
      const arr = bindInner(base, es);
      requireArray(arr, ast.pos);
      return call("array_subscript", [arr, ...idx.map((i) => bindInner(i, es))], es, ast.pos);
    }
    case "row":
      if (ast.fields.length === 1) return bindInner(ast.fields[0], es);
      throw new SqlError(SqlState.FeatureNotSupported, "row values are only supported in comparisons, IN and IS [NOT] NULL", { position: ast.pos });
    default: {
      const other = ast as { kind: string; pos?: number };
      if (other.kind === "default") throw new SqlError(SqlState.SyntaxError, "DEFAULT is not allowed in this context", { position: other.pos });
      throw new SqlError(SqlState.FeatureNotSupported, `expression ${other.kind} is not supported`, { position: other.pos });
    }
  }
}

function bindUnary(ast: A.UnaryExpr, es: ExprScope): BoundExpr {
  if (ast.op === "not") {
    const x = requireBoolean(bindInner(ast.operand, es), es, "NOT", ast.pos);
    if (x.kind === "const") return { kind: "const", type: BOOL, value: x.value === null ? null : !x.value };
    return { kind: "not", arg: x, type: BOOL };
  }
  if (ast.op === "-" && ast.operand.kind === "literal" && (ast.operand.value.type === "integer" || ast.operand.value.type === "decimal")) {
    const text = ast.operand.value.text;
    return literal({ type: ast.operand.value.type, text: text.startsWith("-") ? text.slice(1) : "-" + text });
  }
  const x = bindInner(ast.operand, es);
  const r = resolveOperator(ast.op, null, x.type);
  return foldCall(es.ctx.env, { kind: "call", fn: r.id, args: [coerce(es.ctx.env, x, r.argTypes[0], "implicit", ast.pos)], type: r.returnType });
}

function flatten(kind: "and" | "or", args: BoundExpr[]): BoundExpr[] {
  const out: BoundExpr[] = [];
  for (const a of args) {
    if (a.kind === kind) out.push(...a.args);
    else out.push(a);
  }
  return out;
}

function isRow(e: A.Expr): e is A.RowExpr {
  return e.kind === "row" && e.fields.length > 1;
}

const ROW_COMPARISONS = new Set(["=", "<>", "!=", "<", "<=", ">", ">=", "is distinct from", "is not distinct from"]);

/**
 * `(a1, a2, ...) op (b1, b2, ...)` expanded pairwise as Postgres defines it: = is the AND of the
 * pairs, <> their OR, and < <= > >= compare lexicographically (the first pair that is not equal
 * decides; a NULL there makes the result NULL).
 */
function bindRowComparison(op: string, lf: A.Expr[], rf: A.Expr[], es: ExprScope, pos?: number): BoundExpr {
  if (lf.length !== rf.length) throw new SqlError(SqlState.SyntaxError, "unequal number of entries in row expressions", { position: pos });
  if (!ROW_COMPARISONS.has(op)) throw new SqlError(SqlState.FeatureNotSupported, `operator ${op} is not supported for row expressions`, { position: pos });
  const pair = (o: string, i: number) => bindBinary(o, lf[i], rf[i], es, pos);
  const n = lf.length;
  if (op === "=" || op === "is not distinct from") return { kind: "and", args: flatten("and", lf.map((_, i) => pair(op, i))), type: BOOL };
  if (op === "<>" || op === "!=" || op === "is distinct from") return { kind: "or", args: flatten("or", lf.map((_, i) => pair(op, i))), type: BOOL };
  const strict = op[0];
  let acc = pair(op, n - 1);
  for (let i = n - 2; i >= 0; i--) {
    acc = { kind: "or", args: [pair(strict, i), { kind: "and", args: flatten("and", [pair("=", i), acc]), type: BOOL }], type: BOOL };
  }
  return acc;
}

export function bindBinary(op: string, l: A.Expr, r: A.Expr, es: ExprScope, pos?: number): BoundExpr {
  if ((isRow(l) || isRow(r)) && ROW_COMPARISONS.has(op)) {
    return bindRowComparison(op, isRow(l) ? l.fields : [l], isRow(r) ? r.fields : [r], es, pos);
  }
  const env = es.ctx.env;
  if (op === "and" || op === "or") {
    const a = requireBoolean(bindInner(l, es), es, op.toUpperCase(), pos);
    const b = requireBoolean(bindInner(r, es), es, op.toUpperCase(), pos);
    return { kind: op, args: flatten(op, [a, b]), type: BOOL };
  }
  const left = bindInner(l, es);
  const right = bindInner(r, es);
  return bindOperator(op, left, right, es, pos);
}

export function bindOperator(op: string, left: BoundExpr, right: BoundExpr, es: ExprScope, pos?: number): BoundExpr {
  const env = es.ctx.env;
  if (op === "is distinct from" || op === "is not distinct from") {
    const eq = bindOperator("=", left, right, es, pos);
    const bothNull: BoundExpr = { kind: "and", args: [{ kind: "is_null", arg: left, negated: false, type: BOOL }, { kind: "is_null", arg: right, negated: false, type: BOOL }], type: BOOL };
    const bothSet: BoundExpr = { kind: "and", args: [{ kind: "is_null", arg: left, negated: true, type: BOOL }, { kind: "is_null", arg: right, negated: true, type: BOOL }, eq], type: BOOL };
    const same: BoundExpr = { kind: "or", args: [bothNull, bothSet], type: BOOL };
    return op === "is not distinct from" ? same : { kind: "not", arg: same, type: BOOL };
  }
  const res = resolveOperator(op, left.type, right.type);
  const e = foldCall(env, {
    kind: "call",
    fn: res.id,
    args: [coerce(env, left, res.argTypes[0], "implicit", pos), coerce(env, right, res.argTypes[1], "implicit", pos)],
    type: res.returnType,
  });
  if (op === "=" && e.kind === "call") equalityCalls.add(e);
  return e;
}

function bindQuantified(op: string, quantifier: "any" | "all", lhsAst: A.Expr, query: A.Query, es: ExprScope, pos?: number): BoundExpr {
  const env = es.ctx.env;
  const lhs = bindInner(lhsAst, es);
  const sub = bindSubquery(query, es);
  if (sub.types.length !== 1) {
    throw new SqlError(SqlState.SyntaxError, sub.types.length > 1 ? "subquery has too many columns" : "subquery has too few columns", { position: pos });
  }
  const res = resolveOperator(op, lhs.type, sub.types[0]);
  let plan = sub.plan;
  if (res.argTypes[1].id !== sub.types[0].id) {
    plan = { kind: "project", input: plan, exprs: [{ kind: "cast", expr: { kind: "column", index: 0, type: sub.types[0] }, type: res.argTypes[1] }], types: [res.argTypes[1]] };
  }
  return {
    kind: "subquery",
    mode: quantifier,
    plan,
    correlated: sub.correlated,
    lhs: coerce(env, lhs, res.argTypes[0], "implicit", pos),
    cmp: res.id,
    type: BOOL,
  };
}

/** `(a, b) op ANY|ALL (SELECT x, y ...)`: one comparison per column, a row matches when all hold. */
function bindQuantifiedRow(op: string, quantifier: "any" | "all", fields: A.Expr[], query: A.Query, es: ExprScope, pos?: number): BoundExpr {
  const env = es.ctx.env;
  const lhs = fields.map((f) => bindInner(f, es));
  const sub = bindSubquery(query, es);
  if (sub.types.length !== lhs.length) {
    throw new SqlError(SqlState.SyntaxError, sub.types.length > lhs.length ? "subquery has too many columns" : "subquery has too few columns", { position: pos });
  }
  if (op !== "=" && op !== "<>") throw new SqlError(SqlState.FeatureNotSupported, `row comparison with ${op} ${quantifier.toUpperCase()} is not supported`, { position: pos });
  const res = lhs.map((l, i) => resolveOperator(op, l.type, sub.types[i]));
  let plan = sub.plan;
  if (res.some((r, i) => r.argTypes[1].id !== sub.types[i].id)) {
    const exprs: BoundExpr[] = sub.types.map((t, i) => (res[i].argTypes[1].id !== t.id ? { kind: "cast", expr: { kind: "column", index: i, type: t }, type: res[i].argTypes[1] } : { kind: "column", index: i, type: t }));
    plan = { kind: "project", input: plan, exprs, types: exprs.map((e) => e.type) };
  }
  return {
    kind: "subquery",
    mode: quantifier,
    plan,
    correlated: sub.correlated,
    lhsRow: lhs.map((l, i) => coerce(env, l, res[i].argTypes[0], "implicit", pos)),
    cmps: res.map((r) => r.id),
    type: BOOL,
  };
}

/** `x op ANY|ALL (array)`: a subquery over unnest(array), the array passed as its outer value. */
function bindQuantifiedArray(op: string, quantifier: "any" | "all", lhsAst: A.Expr, arrayAst: A.Expr, es: ExprScope, pos?: number): BoundExpr {
  const env = es.ctx.env;
  const lhs = bindInner(lhsAst, es);
  let arr = bindInner(arrayAst, es);
  if (arr.type.id === "unknown") arr = coerce(env, arr, Types.array(lhs.type.id === "unknown" ? Types.text : lhs.type), "implicit", pos);
  if (arr.type.id !== "array" || !arr.type.element) {
    throw new SqlError(SqlState.WrongObjectType, "op ANY/ALL (array) requires array on right side", { position: pos });
  }
  const elem = arr.type.element;
  let cmp: { id: string; argTypes: DataType[] };
  if (LIKE_OPS[op] !== undefined) {
    const r = resolveFunction(LIKE_OPS[op], [lhs.type, elem]);
    cmp = { id: r.id, argTypes: r.argTypes };
  } else {
    cmp = resolveOperator(op, lhs.type, elem);
  }
  let plan: PhysicalPlan = { kind: "table_function", fn: "unnest", args: [{ kind: "outer", index: 0, type: arr.type }], withOrdinality: false, types: [elem] };
  if (cmp.argTypes[1] && cmp.argTypes[1].id !== elem.id) {
    plan = { kind: "project", input: plan, exprs: [{ kind: "cast", expr: { kind: "column", index: 0, type: elem }, type: cmp.argTypes[1] }], types: [cmp.argTypes[1]] };
  }
  return {
    kind: "subquery",
    mode: quantifier,
    plan,
    correlated: [arr],
    lhs: coerce(env, lhs, cmp.argTypes[0] ?? lhs.type, "implicit", pos),
    cmp: cmp.id,
    type: BOOL,
  };
}

const LIKE_OPS: Record<string, string> = { like: "like", ilike: "ilike", "~~": "like", "~~*": "ilike", "not like": "not_like", "not ilike": "not_ilike", "!~~": "not_like", "!~~*": "not_ilike", similar: "similar_to" };

function bindCase(ast: A.CaseExpr, es: ExprScope): BoundExpr {
  const env = es.ctx.env;
  const conds: BoundExpr[] = [];
  const operand = ast.operand ? bindInner(ast.operand, es) : undefined;
  for (const w of ast.whens) {
    if (operand) conds.push(bindOperator("=", operand, bindInner(w.when, es), es, ast.pos));
    else conds.push(requireBoolean(bindInner(w.when, es), es, "CASE/WHEN", w.when.pos));
  }
  const thens = ast.whens.map((w) => bindInner(w.then, es));
  const els = ast.else ? bindInner(ast.else, es) : undefined;
  // as Postgres: the ELSE result's type is considered first
  const t = unify([...(els ? [els.type] : []), ...thens.map((x) => x.type)], "CASE", ast.pos);
  const whens: { when: BoundExpr; then: BoundExpr }[] = [];
  for (let i = 0; i < conds.length; i++) {
    const c = conds[i];
    if (c.kind === "const" && c.value !== true) continue; // WHEN false / NULL never fires
    whens.push({ when: c, then: coerce(env, thens[i], t, "implicit", ast.pos) });
    if (c.kind === "const") break; // WHEN true: later branches are dead
  }
  const elseExpr: BoundExpr = els ? coerce(env, els, t, "implicit", ast.pos) : { kind: "const", type: t, value: null };
  if (whens.length === 0) return elseExpr;
  if (whens[0].when.kind === "const") return whens[0].then;
  return { kind: "case", whens, else: elseExpr, type: t };
}

function call(name: string, args: BoundExpr[], es: ExprScope, pos?: number): BoundExpr {
  const res = resolveFunction(name, args.map((a) => a.type));
  return foldCall(es.ctx.env, {
    kind: "call",
    fn: res.id,
    args: args.map((a, i) => coerce(es.ctx.env, a, res.argTypes[i] ?? a.type, "implicit", pos)),
    type: res.returnType,
  });
}

const CONDITIONAL = new Set(["coalesce", "nullif", "greatest", "least"]);

/** Set-returning functions: only in FROM (Postgres also allows the select list). */
const SET_RETURNING = new Set(["generate_series", "unnest", "regexp_matches", "generate_subscripts", "regexp_split_to_table"]);

function bindFunction(ast: A.FunctionCallExpr, es: ExprScope): BoundExpr {
  const env = es.ctx.env;
  const name = ast.name.parts[ast.name.parts.length - 1];
  if (ast.over) return bindWindowCall(ast, name, es);
  if (isWindowFunctionName(name) && !isAggregateName(name)) {
    throw new SqlError(SqlState.WrongObjectType, `window function ${name} requires an OVER clause`, { position: ast.pos });
  }
  if (isAggregateName(name) && !(name === "count" && !ast.star && ast.args.length === 0 && false)) {
    return bindAggregateCall(ast, name, es);
  }
  if (ast.distinct || ast.orderBy || ast.filter || ast.star) {
    throw new SqlError(SqlState.WrongObjectType, `${ast.star ? "*" : "DISTINCT, ORDER BY or FILTER"} specified, but ${name} is not an aggregate function`, { position: ast.pos });
  }
  if (SET_RETURNING.has(name)) {
    throw new SqlError(
      SqlState.FeatureNotSupported,
      es.clause === "SELECT" ? `set-returning function ${name} in the select list is not supported yet; call it in FROM` : `set-returning functions are not allowed in ${es.clause}`,
      { position: ast.pos },
    );
  }
  const args = ast.args.map((a) => bindInner(a, es));
  const udf = bindUserFunctionCall(ast, args, es);
  if (udf) return udf;
  if (name === "embed" || name === "generate") return bindModelCall(name, args, es, ast.pos);
  if (CONDITIONAL.has(name)) {
    if (args.length === 0 || (name === "nullif" && args.length !== 2)) {
      throw new SqlError(SqlState.UndefinedFunction, `function ${name}() does not exist`, { position: ast.pos });
    }
    const t = unify(args.map((a) => a.type), name.toUpperCase(), ast.pos);
    const cargs = args.map((a) => coerce(env, a, t, "implicit", ast.pos));
    if (name === "coalesce") {
      const firstNonNullConst = cargs.findIndex((a) => a.kind === "const" && a.value !== null);
      const kept = cargs.filter((a, i) => !(a.kind === "const" && a.value === null) && (firstNonNullConst < 0 || i <= firstNonNullConst));
      if (kept.length === 0) return { kind: "const", type: t, value: null };
      if (kept.length === 1) return kept[0];
      return { kind: "coalesce", args: kept, type: t };
    }
    const cmp = resolveOperator(name === "nullif" ? "=" : name === "greatest" ? ">" : "<", t, t).id;
    return { kind: name as "nullif" | "greatest" | "least", args: cargs, cmp, type: t };
  }
  return call(name, args, es, ast.pos);
}

/** The embedded embedding model, always present. */
export const EMBEDDED_MODEL = "glove_100d";

/**
 * EMBED(text [, model]) → vector(n); GENERATE(prompt [, model [, options]]) → text. The model is
 * a constant name (default: the default model of the task); the call becomes "ai.embed" /
 * "ai.generate" over (input, model name, options), answered through the execution context.
 */
function bindModelCall(name: "embed" | "generate", args: BoundExpr[], es: ExprScope, pos?: number): BoundExpr {
  const env = es.ctx.env;
  const task = name === "embed" ? "embedding" : "generation";
  const max = name === "embed" ? 2 : 3;
  if (args.length < 1 || args.length > max) {
    throw new SqlError(SqlState.UndefinedFunction, `function ${name}() takes ${name === "embed" ? "(text [, model])" : "(prompt [, model [, options jsonb]])"}`, { position: pos });
  }
  const input = coerce(env, args[0], Types.text, "implicit", pos);
  if (input.type.id !== "text" && input.type.id !== "varchar") {
    throw new SqlError(SqlState.UndefinedFunction, `function ${name}(${typeName(args[0].type)}) does not exist`, { position: pos, hint: "Cast the argument to text." });
  }
  let modelName: string | undefined;
  if (args.length >= 2) {
    const m = args[1];
    if (m.kind !== "const" || m.value === null) throw new SqlError(SqlState.FeatureNotSupported, `the model of ${name.toUpperCase()} must be a constant name`, { position: pos });
    modelName = String(m.value).toLowerCase();
  }
  const models = [...env.catalog.models.values()].filter((x) => x.task === task);
  const model = modelName !== undefined ? env.catalog.models.get(modelName) : (models.find((x) => x.isDefault) ?? (task === "embedding" ? env.catalog.models.get(EMBEDDED_MODEL) : models.length === 1 ? models[0] : undefined));
  if (!model) {
    if (modelName !== undefined) throw new SqlError(SqlState.UndefinedObject, `model "${modelName}" does not exist`, { position: pos, hint: "SHOW MODELS lists the models; CREATE MODEL adds one." });
    if (models.length > 1) throw new SqlError(SqlState.AmbiguousFunction, `there are ${models.length} generation models and none is the default`, { position: pos, hint: "Name the model: GENERATE(prompt, 'model'), or SET generation_model = 'name'." });
    throw new SqlError(SqlState.UndefinedObject, "no generation model is configured", {
      position: pos,
      hint: "Create one, e.g. CREATE MODEL llm WITH (provider = 'openai', task = 'generation', endpoint = 'http://localhost:8000/v1', model = 'your-model');",
    });
  }
  if (model.task !== task) throw new SqlError(SqlState.WrongObjectType, `model "${model.name}" is a ${model.task} model, not a ${task} model`, { position: pos });
  env.access?.model(model, pos);
  const callArgs: BoundExpr[] = [input, { kind: "const", type: Types.text, value: model.name }];
  if (args.length === 3) callArgs.push(coerce(env, args[2], Types.text, "implicit", pos));
  const type = name === "embed" ? Types.vector(model.dimensions) : asksForJson(callArgs[2]) ? Types.jsonb : Types.text;
  return { kind: "call", fn: `ai.${name}`, args: callArgs, type };
}

/** GENERATE(..., '{"json_schema": {...}}'): structured output, typed JSONB (the options must be a constant to know). */
function asksForJson(options: BoundExpr | undefined): boolean {
  if (options?.kind !== "const" || typeof options.value !== "string") return false;
  try {
    const o: unknown = JSON.parse(options.value);
    return o !== null && typeof o === "object" && !Array.isArray(o) && "json_schema" in o;
  } catch {
    return false; // GENERATE reports bad options when it runs
  }
}

function bindAggregateCall(ast: A.FunctionCallExpr, name: string, es: ExprScope): BoundExpr {
  const env = es.ctx.env;
  if (!es.aggs) {
    const where = es.clause;
    throw new SqlError(SqlState.GroupingError, where === "aggregate" ? "aggregate function calls cannot be nested" : `aggregate functions are not allowed in ${where}`, { position: ast.pos });
  }
  const inner: ExprScope = { scope: es.scope, ctx: es.ctx, clause: "aggregate" };
  const args = ast.star ? [] : ast.args.map((a) => bindInner(a, inner));
  const res = resolveAggregate(name, args.map((a) => a.type), !!ast.distinct);
  if (!res) throw new SqlError(SqlState.UndefinedFunction, `function ${name} does not exist`, { position: ast.pos });
  const filter = ast.filter ? bindCondition(ast.filter, { ...inner, clause: "FILTER" }) : undefined;
  const orderBy: SortKey[] | undefined = ast.orderBy?.map((o) => sortKey(bindInner(o.expr, inner), o));
  es.aggs.push({
    fn: res.id,
    args: args.map((a, i) => coerce(env, a, res.argTypes[i] ?? a.type, "implicit", ast.pos)),
    distinct: !!ast.distinct,
    filter,
    orderBy,
    type: res.returnType,
  });
  return { kind: "column", index: AGG_BASE + es.aggs.length - 1, type: res.returnType };
}

export function sortKey(expr: BoundExpr, o: { direction: "asc" | "desc"; nulls?: "first" | "last" }): SortKey {
  const desc = o.direction === "desc";
  return { expr, desc, nullsFirst: o.nulls ? o.nulls === "first" : desc };
}

function bindFrameBound(b: A.FrameBound, es: ExprScope): WindowFrameB["start"] {
  if (b.kind === "preceding" || b.kind === "following") {
    return { kind: b.kind, offset: bindInner(b.offset, es) };
  }
  return { kind: b.kind };
}

function bindWindowCall(ast: A.FunctionCallExpr, name: string, es: ExprScope): BoundExpr {
  const env = es.ctx.env;
  if (!es.windows) {
    throw new SqlError(SqlState.WindowingError, `window functions are not allowed in ${es.clause}`, { position: ast.pos });
  }
  let spec = ast.over!;
  if (spec.baseName) {
    const base = es.windowDefs?.get(spec.baseName);
    if (!base) throw new SqlError(SqlState.UndefinedObject, `window "${spec.baseName}" does not exist`, { position: ast.pos });
    spec = { partitionBy: base.partitionBy, orderBy: spec.orderBy.length ? spec.orderBy : base.orderBy, frame: spec.frame ?? base.frame };
  }
  // window arguments may contain aggregates (computed first), but not other window calls
  const argScope: ExprScope = { ...es, windows: undefined, clause: "window function arguments" };
  const args = ast.star ? [] : ast.args.map((a) => bindInner(a, argScope));
  let fn: string;
  let type: DataType;
  let aggregate = false;
  let argTypes: DataType[];
  if (isWindowFunctionName(name)) {
    const res = resolveWindowFunction(name, args.map((a) => a.type));
    if (!res) throw new SqlError(SqlState.UndefinedFunction, `function ${name} does not exist`, { position: ast.pos });
    fn = res.id;
    type = res.returnType;
    argTypes = res.argTypes;
  } else if (isAggregateName(name)) {
    const res = resolveAggregate(name, args.map((a) => a.type), !!ast.distinct);
    if (!res) throw new SqlError(SqlState.UndefinedFunction, `function ${name} does not exist`, { position: ast.pos });
    fn = res.id;
    type = res.returnType;
    aggregate = true;
    argTypes = res.argTypes;
  } else {
    throw new SqlError(SqlState.WrongObjectType, `OVER specified, but ${name} is not a window function nor an aggregate function`, { position: ast.pos });
  }
  const partitionBy = spec.partitionBy.map((p) => bindInner(p, argScope));
  const orderBy = spec.orderBy.map((o) => sortKey(bindInner(o.expr, argScope), o));
  if (spec.frame) checkFrame(spec.frame, ast.pos);
  const frame: WindowFrameB = spec.frame
    ? { mode: spec.frame.mode, start: bindFrameBound(spec.frame.start, argScope), end: spec.frame.end ? bindFrameBound(spec.frame.end, argScope) : { kind: "current_row" } }
    : orderBy.length > 0
      ? { mode: "range", start: { kind: "unbounded_preceding" }, end: { kind: "current_row" } }
      : { mode: "rows", start: { kind: "unbounded_preceding" }, end: { kind: "unbounded_following" } };
  const wc: WindowCall = {
    fn,
    args: args.map((a, i) => coerce(env, a, argTypes[i] ?? a.type, "implicit", ast.pos)),
    aggregate,
    distinct: !!ast.distinct,
    filter: ast.filter ? bindCondition(ast.filter, { ...argScope, clause: "FILTER" }) : undefined,
    partitionBy,
    orderBy,
    frame,
    type,
  };
  es.windows.push(wc);
  return { kind: "column", index: WINDOW_BASE + es.windows.length - 1, type };
}

/** The column name Postgres gives a select-list expression without an alias. */
export function outputName(ast: A.Expr): string {
  switch (ast.kind) {
    case "column_ref":
      return ast.parts[ast.parts.length - 1];
    case "function":
      return ast.name.parts[ast.name.parts.length - 1];
    case "cast":
      if (ast.expr.kind === "column_ref" || ast.expr.kind === "function" || ast.expr.kind === "cast") return outputName(ast.expr);
      return typeDisplayName(ast.type.name);
    case "typed_literal":
      return typeDisplayName(ast.type.name);
    case "interval_literal":
      return "interval";
    case "case":
      return "case";
    case "exists":
      return "exists";
    case "array":
      return "array";
    case "subquery": {
      if (ast.array) return "array";
      const body = ast.query.body;
      if (body.kind === "select" && body.items.length === 1) {
        const item = body.items[0];
        return item.alias ?? outputName(item.expr);
      }
      return "?column?";
    }
    default:
      return "?column?";
  }
}

const DISPLAY: Record<string, string> = {
  int: "int4",
  integer: "int4",
  int4: "int4",
  smallint: "int2",
  int2: "int2",
  bigint: "int8",
  int8: "int8",
  real: "float4",
  float4: "float4",
  "double precision": "float8",
  float8: "float8",
  float: "float8",
  boolean: "bool",
  bool: "bool",
  decimal: "numeric",
  "character varying": "varchar",
  character: "bpchar",
  char: "bpchar",
  "timestamp without time zone": "timestamp",
  "timestamp with time zone": "timestamptz",
  "time without time zone": "time",
};

function typeDisplayName(name: string): string {
  return DISPLAY[name] ?? name;
}

/** Frame bounds Postgres rejects (42P20). */
function checkFrame(f: A.WindowFrame, pos?: number): void {
  const start = f.start.kind;
  const end = f.end?.kind ?? "current_row";
  const fail = (m: string) => {
    throw new SqlError(SqlState.WindowingError, m, { position: pos });
  };
  if (start === "unbounded_following") fail("frame start cannot be UNBOUNDED FOLLOWING");
  if (end === "unbounded_preceding") fail("frame end cannot be UNBOUNDED PRECEDING");
  if (start === "current_row" && end === "preceding") fail("frame starting from current row cannot have preceding rows");
  if (start === "following" && (end === "preceding" || end === "current_row")) fail("frame starting from following row cannot have preceding rows");
}

function requireArray(e: BoundExpr, pos?: number): void {
  if (e.type.id !== "array") {
    throw new SqlError(SqlState.DatatypeMismatch, `cannot subscript type ${typeName(e.type)} because it does not support subscripting`, { position: pos });
  }
}
