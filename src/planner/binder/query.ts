// Binds a query (SELECT, set operations, VALUES, with WITH/ORDER BY/LIMIT) into a physical plan.
// A SELECT is planned in Postgres's logical order: FROM and WHERE, GROUP BY and aggregates,
// HAVING, window functions, the select list, DISTINCT, ORDER BY, LIMIT/OFFSET.

import { useVectorIndexes } from "../optimizer/vector-index-scan.js";
import type * as A from "../../parser/ast.js";
import { DataType, SqlError, SqlState, Types, typeEquals, typeName } from "../../types/index.js";
import { mapExpr } from "../bound-expr-walk.js";
import type { AggregateCall, BoundExpr, PhysicalPlan, SortKey, WindowCall } from "../physical-plan.js";
import { AGG_BASE, CteBinding, ExprScope, QueryContext, WINDOW_BASE, WorkTableBinding, exprKey } from "./context.js";
import { coerce, coerceAssignment, unify } from "./coerce.js";
import { bindCondition, bindExpr, outputName, sortKey } from "./expressions.js";
import { bindFromWhere } from "./from.js";
import { Scope } from "./scope.js";

export interface BoundQuery {
  plan: PhysicalPlan;
  names: string[];
  types: DataType[];
}

/** Binds a subquery used inside an expression of `es` (its outer references go through `es`). */
export function bindSubquery(q: A.Query, es: ExprScope): BoundQuery & { correlated: BoundExpr[] } {
  const ctx = new QueryContext(es.ctx.env, { ctx: es.ctx, scope: es.scope });
  const b = bindQuery(q, ctx);
  return { ...b, correlated: ctx.correlated };
}

function col(index: number, type: DataType): BoundExpr {
  return { kind: "column", index, type };
}

function project(plan: PhysicalPlan, exprs: BoundExpr[]): PhysicalPlan {
  if (exprs.length === plan.types.length && exprs.every((e, i) => e.kind === "column" && e.index === i)) return plan;
  return { kind: "project", input: plan, exprs, types: exprs.map((e) => e.type) };
}

/** ORDER BY 'x', GROUP BY 1.5: a constant that is not a column ordinal (42P10). */
function nonIntegerConstant(e: A.Expr, clause: string): void {
  if (e.kind === "literal" && e.value.type !== "integer" && e.value.type !== "null") {
    throw new SqlError(SqlState.InvalidColumnReference, `non-integer constant in ${clause}`, { position: e.pos });
  }
}

function containsColumnRef(e: A.Expr): boolean {
  let found = false;
  JSON.stringify(e, (k, v) => {
    if (v && typeof v === "object" && (v as { kind?: string }).kind === "column_ref") found = true;
    if (v && typeof v === "object" && (v as { kind?: string }).kind === "query") return undefined;
    return v;
  });
  return found;
}

function bindLimitValue(e: A.Expr | undefined, ctx: QueryContext, clause: string): BoundExpr | undefined {
  if (!e) return undefined;
  if (containsColumnRef(e)) {
    throw new SqlError(SqlState.InvalidColumnReference, `argument of ${clause} must not contain variables`, { position: e.pos });
  }
  const b = bindExpr(e, { scope: Scope.empty(), ctx, clause });
  if (b.kind === "const" && b.value === null) return undefined;
  return coerce(ctx.env, b, Types.bigint, "implicit", e.pos);
}

export function bindQuery(q: A.Query, ctx: QueryContext): BoundQuery {
  if (q.with) {
    const seen = new Set<string>();
    for (const cte of q.with.ctes) {
      if (seen.has(cte.name)) {
        throw new SqlError(SqlState.DuplicateAlias, `WITH query name "${cte.name}" specified more than once`, { position: cte.pos ?? q.pos });
      }
      seen.add(cte.name);
      const binding: CteBinding = { name: cte.name, columns: cte.columns, query: cte.query, visible: new Map(ctx.ctes), recursive: q.with.recursive };
      if (q.with.recursive) binding.visible.set(cte.name, binding);
      ctx.ctes.set(cte.name, binding);
    }
  }
  let plan: PhysicalPlan;
  let names: string[];
  let types: DataType[];
  let keys: SortKey[] = [];
  let distinctOn: BoundExpr[] | undefined;
  let visible: number;
  if (q.body.kind === "select") {
    const s = bindSelect(q.body, ctx, q.orderBy);
    ({ plan, names, types, visible } = s);
    keys = s.sortKeys;
    distinctOn = s.distinctOn;
  } else {
    ({ plan, names, types } = bindSetBody(q.body, ctx));
    visible = names.length;
    keys = q.orderBy.map((o) => sortKey(resolveOutputRef(o.expr, names, types, "ORDER BY"), o));
  }
  if (distinctOn) {
    plan = { kind: "sort", input: plan, keys: keys.length ? keys : distinctOn.map((e) => ({ expr: e, desc: false, nullsFirst: false })), types: plan.types };
    plan = { kind: "distinct_on", input: plan, keys: distinctOn, types: plan.types };
  } else if (keys.length) {
    plan = { kind: "sort", input: plan, keys, types: plan.types };
  }
  const limit = bindLimitValue(q.limit, ctx, "LIMIT");
  const offset = bindLimitValue(q.offset, ctx, "OFFSET");
  if (limit || offset) plan = { kind: "limit", input: plan, limit, offset, types: plan.types };
  if (!ctx.env.logicalOnly) plan = useVectorIndexes(plan, ctx.env.catalog);
  if (visible < plan.types.length) plan = project(plan, types.map((t, i) => col(i, t)));
  return { plan, names, types };
}

/** ORDER BY of a set operation / VALUES: output column names and ordinals only. */
function resolveOutputRef(e: A.Expr, names: string[], types: DataType[], clause: string): BoundExpr {
  if (e.kind === "literal" && e.value.type === "integer") {
    const k = Number(e.value.text);
    if (k < 1 || k > names.length) throw new SqlError(SqlState.InvalidColumnReference, `${clause} position ${k} is not in select list`, { position: e.pos });
    return col(k - 1, types[k - 1]);
  }
  nonIntegerConstant(e, clause);
  if (e.kind === "column_ref" && e.parts.length === 1) {
    const k = names.indexOf(e.parts[0]);
    if (k >= 0) return col(k, types[k]);
    throw new SqlError(SqlState.UndefinedColumn, `column "${e.parts[0]}" does not exist`, { position: e.pos });
  }
  throw new SqlError(SqlState.FeatureNotSupported, `invalid UNION/INTERSECT/EXCEPT ORDER BY clause`, {
    position: e.pos,
    detail: "Only result column names can be used, not expressions or functions.",
  });
}

function bindSetBody(body: A.QueryBody, ctx: QueryContext): BoundQuery {
  switch (body.kind) {
    case "select": {
      const s = bindSelect(body, ctx, []);
      return { plan: s.plan, names: s.names, types: s.types };
    }
    case "values":
      return bindValues(body, ctx);
    case "query":
      return bindQuery(body, ctx.derived());
    case "set_op": {
      const l = bindSetBody(body.left, ctx);
      const r = bindSetBody(body.right, ctx);
      const what = body.op.toUpperCase();
      if (l.types.length !== r.types.length) {
        throw new SqlError(SqlState.SyntaxError, `each ${what} query must have the same number of columns`, { position: body.pos });
      }
      const types = l.types.map((t, i) => unify([t, r.types[i]], what, body.pos));
      const lp = project(l.plan, l.types.map((t, i) => coerce(ctx.env, col(i, t), types[i])));
      const rp = project(r.plan, r.types.map((t, i) => coerce(ctx.env, col(i, t), types[i])));
      const plan: PhysicalPlan =
        body.op === "union" && body.all
          ? { kind: "union_all", inputs: flattenUnionAll(lp, rp), types }
          : { kind: "set_op", op: body.op, all: body.all, left: lp, right: rp, types };
      return { plan, names: l.names, types };
    }
  }
}

function flattenUnionAll(a: PhysicalPlan, b: PhysicalPlan): PhysicalPlan[] {
  const out: PhysicalPlan[] = [];
  for (const p of [a, b]) {
    if (p.kind === "union_all") out.push(...p.inputs);
    else out.push(p);
  }
  return out;
}

/** VALUES (...), (...): each column's type unified across rows; `targetTypes` (INSERT) take precedence. */
export function bindValues(body: A.ValuesBody, ctx: QueryContext, targetTypes?: DataType[], targetNames?: string[]): BoundQuery {
  const es: ExprScope = { scope: Scope.empty(), ctx, clause: "VALUES" };
  const width = body.rows[0]?.length ?? 0;
  const rows = body.rows.map((r) => {
    if (r.length !== width) throw new SqlError(SqlState.SyntaxError, "VALUES lists must all be the same length", { position: r[0]?.pos ?? body.pos });
    return r.map((e) => (e.kind === ("default" as string) ? DEFAULT_MARKER : bindExpr(e, es)));
  });
  const types: DataType[] = [];
  for (let c = 0; c < width; c++) {
    if (targetTypes && c < targetTypes.length) types.push(targetTypes[c]);
    else types.push(unify(rows.map((r) => r[c].type), "VALUES", body.pos));
  }
  const bound = rows.map((r) =>
    r.map((e, c) => {
      if (e === DEFAULT_MARKER) return e;
      if (targetNames && c < targetNames.length) return coerceAssignment(ctx.env, e, types[c], targetNames[c], body.pos);
      return coerce(ctx.env, e, types[c], targetTypes ? "assignment" : "implicit", body.pos);
    }),
  );
  return {
    plan: { kind: "values", rows: bound, types },
    names: types.map((_, i) => `column${i + 1}`),
    types,
  };
}

/** Stands for DEFAULT in an INSERT's VALUES row until the DML binder replaces it. */
export const DEFAULT_MARKER: BoundExpr = { kind: "const", type: Types.unknown, value: null };

interface BoundSelect extends BoundQuery {
  /** number of visible columns; the rest are ORDER BY / DISTINCT ON helpers */
  visible: number;
  sortKeys: SortKey[];
  distinctOn?: BoundExpr[];
}

function groupingError(scope: Scope, index: number): SqlError {
  const c = scope.columns.find((x) => x.index === index);
  const name = c ? (c.table ? `${c.table}.${c.name}` : c.name) : `#${index}`;
  return new SqlError(SqlState.GroupingError, `column "${name}" must appear in the GROUP BY clause or be used in an aggregate function`);
}

function containsVirtual(e: BoundExpr, base: number): boolean {
  let found = false;
  mapExpr(e, (x) => {
    if (x.kind === "column" && x.index >= base && (base === WINDOW_BASE || x.index < WINDOW_BASE)) found = true;
    return undefined;
  });
  return found;
}

function bindSelect(core: A.SelectCore, ctx: QueryContext, orderBy: A.OrderByItem[]): BoundSelect {
  const from = bindFromWhere(core.from, core.where, ctx);
  const scope = from.scope;
  let plan = from.plan;
  const aggs: AggregateCall[] = [];
  const windows: WindowCall[] = [];
  const windowDefs = new Map<string, A.WindowSpec>(core.windows.map((w) => [w.name, w.spec]));
  const es: ExprScope = { scope, ctx, aggs, windows, windowDefs, clause: "SELECT" };

  // select list, with * expanded
  const items: { expr: BoundExpr; name: string }[] = [];
  for (const item of core.items) {
    if (item.expr.kind === "star") {
      const table = item.expr.table?.[item.expr.table.length - 1];
      if (table !== undefined && !scope.hasTable(table)) {
        throw new SqlError(SqlState.UndefinedTable, `missing FROM-clause entry for table "${table}"`, { position: item.expr.pos });
      }
      const cols = scope.star(table);
      if (cols.length === 0 && core.from.length === 0) {
        throw new SqlError(SqlState.SyntaxError, "SELECT * with no tables specified is not valid", { position: item.expr.pos });
      }
      for (const c of cols) items.push({ expr: col(c.index, c.type), name: c.name });
      continue;
    }
    items.push({ expr: bindExpr(item.expr, es), name: item.alias ?? outputName(item.expr) });
  }
  const names = items.map((i) => i.name);

  // GROUP BY: input columns first, then output aliases and ordinals (Postgres's rule)
  const groupEs: ExprScope = { scope, ctx, clause: "GROUP BY" };
  const groupExprs: BoundExpr[] = [];
  let grouped = false;
  for (const g of core.groupBy) {
    grouped = true;
    if (g.kind === "empty") continue;
    if (g.kind !== "expr") throw new SqlError(SqlState.FeatureNotSupported, `${g.kind.toUpperCase().replace("_", " ")} is not supported yet`);
    const e = g.expr;
    let bound: BoundExpr;
    nonIntegerConstant(e, "GROUP BY");
    if (e.kind === "literal" && e.value.type === "integer") {
      const k = Number(e.value.text);
      if (k < 1 || k > items.length) throw new SqlError(SqlState.InvalidColumnReference, `GROUP BY position ${k} is not in select list`, { position: e.pos });
      bound = items[k - 1].expr;
      if (containsVirtual(bound, AGG_BASE)) throw new SqlError(SqlState.GroupingError, "aggregate functions are not allowed in GROUP BY", { position: e.pos });
    } else if (e.kind === "column_ref" && e.parts.length === 1 && !scope.resolve(e.parts, e.pos) && names.includes(e.parts[0])) {
      bound = items[names.indexOf(e.parts[0])].expr;
      if (containsVirtual(bound, AGG_BASE)) throw new SqlError(SqlState.GroupingError, "aggregate functions are not allowed in GROUP BY", { position: e.pos });
    } else {
      bound = bindExpr(e, groupEs);
    }
    if (!groupExprs.some((x) => exprKey(x) === exprKey(bound))) groupExprs.push(bound);
  }
  const having = core.having ? bindCondition(core.having, { ...es, windows: undefined, clause: "HAVING" }) : undefined;

  // ORDER BY / DISTINCT ON items: output names and ordinals, else expressions over the input
  const resolveOrderItem = (e: A.Expr, clause: string): BoundExpr => {
    nonIntegerConstant(e, clause);
    if (e.kind === "literal" && e.value.type === "integer") {
      const k = Number(e.value.text);
      if (k < 1 || k > items.length) throw new SqlError(SqlState.InvalidColumnReference, `${clause} position ${k} is not in select list`, { position: e.pos });
      return items[k - 1].expr;
    }
    if (e.kind === "column_ref" && e.parts.length === 1) {
      const hits = items.filter((it) => it.name === e.parts[0]);
      if (hits.length === 1 || (hits.length > 1 && hits.every((h) => exprKey(h.expr) === exprKey(hits[0].expr)))) return hits[0].expr;
      if (hits.length > 1) throw new SqlError(SqlState.AmbiguousColumn, `${clause} "${e.parts[0]}" is ambiguous`, { position: e.pos });
    }
    return bindExpr(e, { ...es, clause });
  };
  const orderExprs = orderBy.map((o) => resolveOrderItem(o.expr, "ORDER BY"));
  const distinctOnExprs = core.distinct && core.distinct.length > 0 ? core.distinct.map((e) => resolveOrderItem(e, "SELECT DISTINCT ON")) : undefined;

  let selectExprs = items.map((i) => i.expr);
  let orderB = orderExprs;
  let distinctB = distinctOnExprs;
  let windowCalls = windows;

  // aggregation: the input columns give way to group keys and aggregate results
  if (aggs.length > 0 || grouped || having) {
    const g = groupExprs.length;
    const groupKeys = groupExprs.map(exprKey);
    const rw = (e: BoundExpr): BoundExpr =>
      mapExpr(e, (x) => {
        if (x.kind !== "const" && x.kind !== "param") {
          const k = groupKeys.indexOf(exprKey(x));
          if (k >= 0) return col(k, x.type);
        }
        if (x.kind === "column") {
          if (x.index >= WINDOW_BASE) return x;
          if (x.index >= AGG_BASE) return col(g + x.index - AGG_BASE, x.type);
          throw groupingError(scope, x.index);
        }
        return undefined;
      });
    plan = { kind: "aggregate", input: plan, groupBy: groupExprs, aggregates: aggs, types: [...groupExprs.map((e) => e.type), ...aggs.map((a) => a.type)] };
    if (having) plan = { kind: "filter", input: plan, predicate: rw(having), types: plan.types };
    selectExprs = selectExprs.map(rw);
    orderB = orderB.map(rw);
    distinctB = distinctB?.map(rw);
    windowCalls = windowCalls.map((w) => ({
      ...w,
      args: w.args.map(rw),
      filter: w.filter ? rw(w.filter) : undefined,
      partitionBy: w.partitionBy.map(rw),
      orderBy: w.orderBy.map((k) => ({ ...k, expr: rw(k.expr) })),
    }));
  }

  // window functions: appended after the current columns
  if (windowCalls.length > 0) {
    const m = plan.types.length;
    const wrw = (e: BoundExpr): BoundExpr => mapExpr(e, (x) => (x.kind === "column" && x.index >= WINDOW_BASE ? col(m + x.index - WINDOW_BASE, x.type) : undefined));
    plan = { kind: "window", input: plan, functions: windowCalls, types: [...plan.types, ...windowCalls.map((w) => w.type)] };
    selectExprs = selectExprs.map(wrw);
    orderB = orderB.map(wrw);
    distinctB = distinctB?.map(wrw);
  }

  // the select list, then hidden helper columns for ORDER BY / DISTINCT ON
  const outExprs = [...selectExprs];
  const keys = selectExprs.map(exprKey);
  const positionOf = (e: BoundExpr, allowHidden: boolean, clause: string): number => {
    const k = keys.indexOf(exprKey(e));
    if (k >= 0) return k;
    if (!allowHidden) {
      throw new SqlError(SqlState.InvalidColumnReference, `for SELECT DISTINCT, ${clause} expressions must appear in select list`);
    }
    outExprs.push(e);
    keys.push(exprKey(e));
    return outExprs.length - 1;
  };
  const plainDistinct = core.distinct !== undefined && core.distinct.length === 0;
  const sortKeys: SortKey[] = orderB.map((e, i) => {
    const p = positionOf(e, !plainDistinct, "ORDER BY");
    return sortKey(col(p, e.type), orderBy[i]);
  });
  const distinctOnCols = distinctB?.map((e) => col(positionOf(e, true, "DISTINCT ON"), e.type));
  if (distinctOnCols && sortKeys.length > 0) {
    for (let i = 0; i < distinctOnCols.length && i < sortKeys.length; i++) {
      const k = sortKeys[i].expr;
      if (!distinctOnCols.some((d) => d.kind === "column" && k.kind === "column" && d.index === k.index)) {
        throw new SqlError(SqlState.InvalidColumnReference, "SELECT DISTINCT ON expressions must match initial ORDER BY expressions");
      }
    }
  }
  plan = project(plan, outExprs);
  if (plainDistinct) {
    plan = { kind: "aggregate", input: plan, groupBy: outExprs.map((e, i) => col(i, e.type)), aggregates: [], types: plan.types };
  }
  return {
    plan,
    names,
    types: selectExprs.map((e) => e.type),
    visible: selectExprs.length,
    sortKeys,
    distinctOn: distinctOnCols,
  };
}


/**
 * A CTE of WITH RECURSIVE. When its query is `base UNION [ALL] recursive` and the recursive term
 * refers to the CTE, the result is a recursive_cte node whose recursive term reads the working
 * table; the column types are the base term's (42804 when the union would widen them).
 */
export function bindRecursiveCte(cte: CteBinding, env: QueryContext["env"]): BoundQuery {
  const withSelf = (wt: WorkTableBinding): Map<string, CteBinding> => {
    const m = new Map(cte.visible);
    m.set(cte.name, { ...cte, recursive: false, workTable: wt });
    return m;
  };
  const body = cte.query.body;
  if (body.kind !== "set_op" || body.op !== "union") {
    const wt: WorkTableBinding = { names: [], types: [], used: false, error: `recursive query "${cte.name}" does not have the form non-recursive-term UNION [ALL] recursive-term` };
    return bindQuery(cte.query, new QueryContext(env, undefined, withSelf(wt)));
  }
  const baseWt: WorkTableBinding = { names: [], types: [], used: false, error: `recursive reference to query "${cte.name}" must not appear within its non-recursive term` };
  const base = bindSetBody(body.left, new QueryContext(env, undefined, withSelf(baseWt)));
  const baseTypes = base.types.map((t) => (t.id === "unknown" ? Types.text : t));
  const basePlan = project(base.plan, base.types.map((t, i) => coerce(env, col(i, t), baseTypes[i])));
  const names = cte.columns ? base.names.map((n, i) => cte.columns![i] ?? n) : base.names;
  env.nextId = (env.nextId ?? 0) + 1;
  const id = `worktable${env.nextId}`;
  const wt: WorkTableBinding = { id, names, types: baseTypes, used: false };
  const rctx = new QueryContext(env, undefined, withSelf(wt));
  const rec = bindSetBody(body.right, rctx);
  if (!wt.used) return bindQuery(cte.query, new QueryContext(env, undefined, withSelf(wt)));
  if (rec.types.length !== baseTypes.length) {
    throw new SqlError(SqlState.SyntaxError, "each UNION query must have the same number of columns", { position: body.pos });
  }
  const recExprs = rec.types.map((t, i) => {
    const overall = unify([baseTypes[i], t], "UNION", body.pos);
    if (!typeEquals(overall, baseTypes[i])) {
      throw new SqlError(
        SqlState.DatatypeMismatch,
        `recursive query "${cte.name}" column ${i + 1} has type ${typeName(baseTypes[i])} in non-recursive term but type ${typeName(overall)} overall`,
        { position: body.pos, hint: "Cast the output of the non-recursive term to the correct type." },
      );
    }
    return coerce(env, col(i, t), baseTypes[i]);
  });
  const plan: PhysicalPlan = {
    kind: "recursive_cte",
    id,
    name: cte.name,
    all: body.all,
    base: basePlan,
    recursive: project(rec.plan, recExprs),
    types: baseTypes,
  };
  return { plan, names, types: baseTypes };
}
