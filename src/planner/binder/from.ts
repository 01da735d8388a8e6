// The FROM clause: relations, derived tables, CTE references, table functions and joins, planned
// together with the WHERE clause so that single-relation conditions are pushed down to their
// relation and equalities between relations become hash-join keys (relations joined greedily
// along those equalities, so a many-way comma join never builds a cross product it can avoid).

import { vectorJoinAsLateral } from "./vector-join.js";
import type * as A from "../../parser/ast.js";
import { BOOTSTRAP_SUPERUSER } from "../../catalog/index.js";
import { DataType, SqlError, SqlState, Types, resolveOperator, typeEquals } from "../../types/index.js";
import { columnsUsed, conjuncts, remapColumns } from "../bound-expr-walk.js";
import type { BoundExpr, PhysicalPlan } from "../physical-plan.js";
import { BOOL, ExprScope, QueryContext } from "./context.js";
import { bindCondition, bindExpr, equalityCalls } from "./expressions.js";
import { coerce } from "./coerce.js";
import { bindQuery, bindRecursiveCte } from "./query.js";
import { Scope, ScopeColumn } from "./scope.js";
import { bindTableFunction } from "./table-functions.js";

/** Scan column index asking for the row id (storage's ROW_ID_COLUMN; the planner may not import storage). */
export const ROW_ID_COLUMN = -1;

export interface Bound {
  plan: PhysicalPlan;
  scope: Scope;
  /**
   * A LATERAL item that refers to earlier FROM items: its plan's outer values, as expressions
   * over the columns of the items before it (natural positions) or the enclosing query's outer values.
   */
  lateral?: BoundExpr[];
}

function project(plan: PhysicalPlan, exprs: BoundExpr[]): PhysicalPlan {
  return { kind: "project", input: plan, exprs, types: exprs.map((e) => e.type) };
}

function filter(plan: PhysicalPlan, predicate: BoundExpr): PhysicalPlan {
  if (predicate.kind === "const" && predicate.value === true) return plan;
  if (predicate.kind === "const") return { kind: "empty", types: plan.types };
  return { kind: "filter", input: plan, predicate, types: plan.types };
}

function andAll(es: BoundExpr[]): BoundExpr {
  return es.length === 1 ? es[0] : { kind: "and", args: es, type: BOOL };
}

/** Binds the FROM list and the WHERE condition into one plan whose columns are the FROM columns in order. */
export function bindFromWhere(items: A.FromItem[], where: A.Expr | undefined, ctx: QueryContext): Bound {
  if (items.length === 0) {
    const plan: PhysicalPlan = { kind: "values", rows: [[]], types: [] };
    const scope = Scope.empty();
    if (!where) return { plan, scope };
    const cond = bindCondition(where, { scope, ctx, clause: "WHERE" });
    return { plan: filter(plan, cond), scope };
  }
  const bound: Bound[] = [];
  let leftScope = Scope.empty();
  for (const item of items) {
    const b = bindFromItem(item, ctx, leftScope);
    bound.push(b);
    leftScope = leftScope.concat(b.scope);
  }
  const fullScope = bound.slice(1).reduce((s, b) => s.concat(b.scope), bound[0].scope);
  checkDuplicateAliases(fullScope, items);
  const conds = where ? conjuncts(bindCondition(where, { scope: fullScope, ctx, clause: "WHERE" })) : [];
  return { plan: joinGreedily(bound, conds), scope: fullScope };
}

function checkDuplicateAliases(scope: Scope, items: A.FromItem[]): void {
  void scope;
  const seen = new Set<string>();
  for (const item of items) {
    const n = item.kind === "table" ? (item.alias?.name ?? item.name.parts[item.name.parts.length - 1]) : item.kind === "subquery" || item.kind === "function" ? item.alias?.name : undefined;
    if (n === undefined) continue;
    if (seen.has(n)) throw new SqlError(SqlState.DuplicateAlias, `table name "${n}" specified more than once`, { position: item.pos });
    seen.add(n);
  }
}

/**
 * Joins the FROM items (natural layout: item 0's columns, then item 1's...) applying `conds`:
 * single-item conditions filter that item, equalities across items become hash keys, the rest
 * are residual conditions at the first join where all their items are present.
 */
function joinGreedily(items: Bound[], conds: BoundExpr[]): PhysicalPlan {
  const offsets: number[] = [];
  let off = 0;
  for (const b of items) {
    offsets.push(off);
    off += b.scope.width;
  }
  const itemOf = (col: number) => {
    let k = 0;
    while (k + 1 < offsets.length && offsets[k + 1] <= col) k++;
    return k;
  };
  const info = conds.map((c) => {
    const set = new Set<number>();
    for (const col of columnsUsed(c)) set.add(itemOf(col));
    return { cond: c, items: set, used: false };
  });
  const plans = items.map((b) => b.plan);
  for (const ci of info) {
    if (ci.items.size === 1) {
      const k = [...ci.items][0];
      plans[k] = filter(plans[k], remapColumns(ci.cond, (i) => i - offsets[k]));
      ci.used = true;
    }
  }
  // layout[i] = the natural column position at plan position i
  let current = plans[0];
  let layout: number[] = range(offsets[0], items[0].scope.width);
  const inCurrent = new Set<number>([0]);
  const remaining = items.map((_, k) => k).slice(1);
  const deps = items.map((b) => {
    const set = new Set<number>();
    for (const e of b.lateral ?? []) for (const c of columnsUsed(e)) set.add(itemOf(c));
    return set;
  });
  const ready = (k: number) => [...deps[k]].every((j) => inCurrent.has(j));
  while (remaining.length > 0) {
    const connected = remaining.find((k) => ready(k) && info.some((ci) => !ci.used && ci.items.has(k) && [...ci.items].some((j) => inCurrent.has(j)) && [...ci.items].every((j) => j === k || inCurrent.has(j))));
    const k = connected ?? remaining.find(ready) ?? remaining[0];
    remaining.splice(remaining.indexOf(k), 1);
    const rightLayout = range(offsets[k], items[k].scope.width);
    const applicable = info.filter((ci) => !ci.used && ci.items.has(k) && [...ci.items].every((j) => j === k || inCurrent.has(j)));
    const joined = [...layout, ...rightLayout];
    const pos = new Map<number, number>();
    joined.forEach((nat, i) => pos.set(nat, i));
    const leftPos = new Map<number, number>();
    layout.forEach((nat, i) => leftPos.set(nat, i));
    const rightPos = new Map<number, number>();
    rightLayout.forEach((nat, i) => rightPos.set(nat, i));
    const leftKeys: BoundExpr[] = [];
    const rightKeys: BoundExpr[] = [];
    const residual: BoundExpr[] = [];
    const lateral = items[k].lateral;
    for (const ci of applicable) {
      ci.used = true;
      const key = lateral ? undefined : equiKey(ci.cond, (c) => leftPos.has(c), (c) => rightPos.has(c));
      if (key) {
        leftKeys.push(remapColumns(key.left, (c) => leftPos.get(c)!));
        rightKeys.push(remapColumns(key.right, (c) => rightPos.get(c)!));
      } else {
        residual.push(remapColumns(ci.cond, (c) => pos.get(c)!));
      }
    }
    const node: PhysicalPlan = lateral ? {
      kind: "lateral_join",
      joinType: "inner",
      left: current,
      right: plans[k],
      correlated: lateral.map((e) => remapColumns(e, (c) => leftPos.get(c)!)),
      condition: residual.length ? andAll(residual) : undefined,
      types: [...current.types, ...plans[k].types],
    } : {
      kind: "join",
      joinType: "inner",
      left: current,
      right: plans[k],
      leftKeys,
      rightKeys,
      condition: residual.length ? andAll(residual) : undefined,
      types: [...current.types, ...plans[k].types],
    };
    current = node;
    layout = joined;
    inCurrent.add(k);
  }
  const rest = info.filter((ci) => !ci.used).map((ci) => {
    const pos = new Map<number, number>();
    layout.forEach((nat, i) => pos.set(nat, i));
    return remapColumns(ci.cond, (c) => pos.get(c)!);
  });
  if (rest.length) current = filter(current, andAll(rest));
  if (!layout.every((nat, i) => nat === i)) {
    const pos = new Map<number, number>();
    layout.forEach((nat, i) => pos.set(nat, i));
    const natural = range(0, layout.length).map((nat) => ({ kind: "column" as const, index: pos.get(nat)!, type: current.types[pos.get(nat)!] }));
    current = project(current, natural);
  }
  return current;
}

function range(start: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => start + i);
}

/** If `c` is `a = b` with a over one side and b over the other, the two key expressions. */
function equiKey(c: BoundExpr, isLeft: (col: number) => boolean, isRight: (col: number) => boolean): { left: BoundExpr; right: BoundExpr } | undefined {
  if (c.kind !== "call" || !equalityCalls.has(c) || c.args.length !== 2) return undefined;
  const [a, b] = c.args;
  const ca = [...columnsUsed(a)];
  const cb = [...columnsUsed(b)];
  if (ca.length === 0 || cb.length === 0) return undefined;
  if (hasSubquery(a) || hasSubquery(b)) return undefined;
  if (ca.every(isLeft) && cb.every(isRight)) return { left: a, right: b };
  if (ca.every(isRight) && cb.every(isLeft)) return { left: b, right: a };
  return undefined;
}

function hasSubquery(e: BoundExpr): boolean {
  return JSON.stringify(e, (_k, v) => (typeof v === "bigint" ? String(v) : v)).includes('"kind":"subquery"');
}

/** Binds one FROM item. `leftScope` is what earlier items provide, for LATERAL. */
export function bindFromItem(item: A.FromItem, ctx: QueryContext, leftScope: Scope): Bound {
  switch (item.kind) {
    case "table":
      return bindTableRef(item, ctx);
    case "subquery": {
      if (!item.alias) {
        throw new SqlError(SqlState.SyntaxError, "subquery in FROM must have an alias", {
          position: item.pos,
          hint: "For example, FROM (SELECT ...) [AS] foo.",
        });
      }
      if (item.lateral) {
        const lctx = new QueryContext(ctx.env, { ctx, scope: leftScope });
        const q = bindQuery(item.query, lctx);
        const scope = namesScope(q.names, q.types, item.alias?.name, item.alias?.columns);
        if (lctx.correlated.length === 0) return { plan: q.plan, scope };
        // outer values that are themselves outer values of this query go through its own parameters
        return { plan: q.plan, scope, lateral: lctx.correlated };
      }
      const q = bindQuery(item.query, ctx.derived());
      return { plan: q.plan, scope: namesScope(q.names, q.types, item.alias?.name, item.alias?.columns) };
    }
    case "function": {
      // a function in FROM may read the columns of the items before it (implicitly LATERAL, as in
      // Postgres); window TVFs (TUMBLE, HOP, ...) take a relation and stay as they are
      const fname = item.call.name.parts[item.call.name.parts.length - 1];
      if (leftScope.width === 0 || ["tumble", "hop", "cumulate", "session"].includes(fname)) return bindTableFunction(item, ctx);
      const lctx = new QueryContext(ctx.env, { ctx, scope: leftScope });
      const b = bindTableFunction(item, lctx);
      return lctx.correlated.length === 0 ? b : { ...b, lateral: lctx.correlated };
    }
    case "join":
      return bindJoin(item, ctx, leftScope);
    case "vector_join":
      return bindJoin(vectorJoinAsLateral(item), ctx, leftScope);
  }
}

export function namesScope(names: string[], types: DataType[], table: string | undefined, aliases?: string[]): Scope {
  if (aliases && aliases.length > names.length) {
    throw new SqlError(SqlState.InvalidColumnReference, `table "${table}" has ${names.length} columns available but ${aliases.length} columns specified`);
  }
  return new Scope(names.map((n, i) => ({ table, name: aliases?.[i] ?? n, type: types[i], index: i })));
}

function bindTableRef(item: A.TableRef, ctx: QueryContext): Bound {
  const parts = item.name.parts;
  const alias = item.alias?.name ?? parts[parts.length - 1];
  if (parts.length === 1) {
    const cte = ctx.ctes.get(parts[0]);
    if (cte) {
      if (cte.workTable) {
        const wt = cte.workTable;
        if (wt.id === undefined) throw new SqlError(SqlState.InvalidRecursion, wt.error ?? `recursive reference to query "${cte.name}" not allowed here`, { position: item.pos });
        wt.used = true;
        const plan: PhysicalPlan = { kind: "work_table_scan", id: wt.id, name: cte.name, types: wt.types };
        return { plan, scope: namesScope(wt.names, wt.types, alias, item.alias?.columns) };
      }
      const q = cte.recursive ? bindRecursiveCte(cte, ctx.env) : bindQuery(cte.query, new QueryContext(ctx.env, undefined, cte.visible));
      const names = cte.columns ? q.names.map((n, i) => cte.columns![i] ?? n) : q.names;
      return { plan: q.plan, scope: namesScope(names, q.types, alias, item.alias?.columns) };
    }
  }
  // a view's stored query was looked up when it was created: only the statement's own names now
  if (parts.length > 1 && ctx.env.viewOwner === undefined) ctx.env.access?.schema(parts[parts.length - 2], item.pos);
  const rel = ctx.env.catalog.getRelation(parts, item.pos);
  ctx.env.readRelations.add(rel.id);
  // the target of UPDATE / DELETE is checked for its own privilege by the caller
  if (ctx.env.rowIdRelation !== rel.id) ctx.env.access?.read(rel, ctx.env.viewOwner, item.pos, ctx);
  if (rel.kind === "view") {
    const vctx = new QueryContext(ctx.env);
    const outer = ctx.env.viewOwner;
    ctx.env.viewOwner = rel.owner ?? BOOTSTRAP_SUPERUSER;
    let q: ReturnType<typeof bindQuery>;
    try {
      q = bindQuery(rel.query as A.Query, vctx);
    } finally {
      ctx.env.viewOwner = outer;
    }
    const names = rel.columns.map((c) => c.name);
    return { plan: q.plan, scope: namesScope(names, q.types, alias, item.alias?.columns) };
  }
  if (rel.kind === "sink") {
    throw new SqlError(SqlState.WrongObjectType, `"${rel.name}" is a sink and cannot be read`, { position: item.pos });
  }
  const types = rel.columns.map((c) => c.type);
  const columns = rel.columns.map((_, i) => i);
  let scope = namesScope(rel.columns.map((c) => c.name), types, alias, item.alias?.columns);
  if (item.alias) scope = new Scope(scope.columns.map((c) => ({ ...c, relation: rel.name })));
  if (ctx.env.rowIdRelation === rel.id) {
    // the target of UPDATE/DELETE: its row ids ride along as a system column
    ctx.env.rowIdRelation = undefined;
    columns.push(ROW_ID_COLUMN);
    types.push(Types.integer);
    scope = new Scope([...scope.columns, { table: alias, name: "ctid", type: Types.integer, index: columns.length - 1, system: true }]);
  }
  const plan: PhysicalPlan = { kind: "scan", relation: rel.id, name: rel.name, columns, types };
  return { plan, scope };
}

function bindJoin(item: A.JoinRef, ctx: QueryContext, outerLeft: Scope): Bound {
  const left = bindFromItem(item.left, ctx, outerLeft);
  const right = bindFromItem(item.right, ctx, outerLeft.concat(left.scope));
  const lw = left.scope.width;
  let scope = left.scope.concat(right.scope);
  const es: ExprScope = { scope, ctx, clause: "JOIN conditions" };
  let conds: BoundExpr[] = [];
  let using: string[] | undefined = item.using;
  if (item.natural) {
    const rightNames = new Set(right.scope.star().map((c) => c.name));
    using = left.scope.star().map((c) => c.name).filter((n) => rightNames.has(n));
  }
  const usingPairs: [ScopeColumn, ScopeColumn][] = [];
  if (using) {
    for (const name of using) {
      for (const [side, sc] of [["left", left.scope], ["right", right.scope]] as const) {
        if (sc.columns.filter((c) => c.name === name && !c.hiddenUnqualified).length > 1) {
          throw new SqlError(SqlState.AmbiguousColumn, `common column name "${name}" appears more than once in ${side} table`, { position: item.pos });
        }
      }
      const l = left.scope.resolve([name], item.pos);
      const r = right.scope.resolve([name], item.pos);
      if (!l) throw new SqlError(SqlState.UndefinedColumn, `column "${name}" specified in USING clause does not exist in left table`, { position: item.pos });
      if (!r) throw new SqlError(SqlState.UndefinedColumn, `column "${name}" specified in USING clause does not exist in right table`, { position: item.pos });
      usingPairs.push([l, r]);
      const res = resolveOperator("=", l.type, r.type);
      const eq: BoundExpr = {
        kind: "call",
        fn: res.id,
        args: [coerce(ctx.env, { kind: "column", index: l.index, type: l.type }, res.argTypes[0]), coerce(ctx.env, { kind: "column", index: lw + r.index, type: r.type }, res.argTypes[1])],
        type: res.returnType,
      };
      equalityCalls.add(eq);
      conds.push(eq);
    }
  } else if (item.on) {
    conds = conjuncts(bindCondition(item.on, es, "JOIN/ON"));
  }
  const joinType = item.joinType === "cross" ? "inner" : item.joinType;
  const lookup = item.right.kind === "table" && item.right.asOfProctime === true;
  if (lookup) {
    if (joinType !== "inner" && joinType !== "left") {
      throw new SqlError(SqlState.FeatureNotSupported, "FOR SYSTEM_TIME AS OF PROCTIME() joins must be inner or LEFT joins", { position: item.pos });
    }
    const leftRel = item.left.kind === "table" ? ctx.env.catalog.findRelation(item.left.name.parts) : undefined;
    if (!leftRel || leftRel.kind !== "stream") {
      throw new SqlError(SqlState.FeatureNotSupported, "the left side of a FOR SYSTEM_TIME AS OF PROCTIME() join must be a stream (append-only)", { position: item.pos });
    }
  }
  if (left.lateral) {
    throw new SqlError(SqlState.FeatureNotSupported, "LATERAL items that refer to FROM items outside their JOIN are not supported yet", { position: item.pos });
  }
  if (right.lateral) {
    const ow = outerLeft.width;
    const correlated = right.lateral.map((e) => remapColumns(e, (i) => i - ow));
    if (correlated.some((e) => [...columnsUsed(e)].some((i) => i < 0))) {
      throw new SqlError(SqlState.FeatureNotSupported, "LATERAL items that refer to FROM items outside their JOIN are not supported yet", { position: item.pos });
    }
    if (joinType !== "inner" && joinType !== "left") {
      throw new SqlError(SqlState.InvalidColumnReference, "The combining JOIN type must be INNER or LEFT for a LATERAL reference.", { position: item.pos });
    }
    let plan: PhysicalPlan = {
      kind: "lateral_join",
      joinType,
      left: left.plan,
      right: right.plan,
      correlated,
      condition: conds.length ? andAll(conds) : undefined,
      types: [...left.plan.types, ...right.plan.types],
    };
    if (usingPairs.length > 0) {
      const merged: BoundExpr[] = usingPairs.map(([l]) => ({ kind: "column", index: l.index, type: l.type }));
      plan = project(plan, [...merged, ...scope.columns.map((c) => ({ kind: "column" as const, index: c.index, type: c.type }))]);
      const usedNames = new Set(usingPairs.map(([l]) => l.name));
      const mergedCols: ScopeColumn[] = usingPairs.map(([l], i) => ({ table: undefined, name: l.name, type: l.type, index: i }));
      const rest: ScopeColumn[] = scope.columns.map((c) => ({ ...c, index: c.index + usingPairs.length, hiddenUnqualified: c.hiddenUnqualified || usedNames.has(c.name) }));
      return { plan, scope: new Scope([...mergedCols, ...rest]) };
    }
    return { plan, scope };
  }
  let lplan = left.plan;
  let rplan = right.plan;
  const leftKeys: BoundExpr[] = [];
  const rightKeys: BoundExpr[] = [];
  const residual: BoundExpr[] = [];
  for (const c of conds) {
    const cols = [...columnsUsed(c)];
    const key = equiKey(c, (i) => i < lw, (i) => i >= lw);
    if (key) {
      leftKeys.push(key.left);
      rightKeys.push(remapColumns(key.right, (i) => i - lw));
    } else if (joinType === "inner" && cols.length > 0 && cols.every((i) => i < lw) && !hasSubquery(c)) {
      lplan = filter(lplan, c);
    } else if ((joinType === "inner" || joinType === "left") && cols.length > 0 && cols.every((i) => i >= lw) && !hasSubquery(c)) {
      rplan = filter(rplan, remapColumns(c, (i) => i - lw));
    } else {
      residual.push(c);
    }
  }
  let plan: PhysicalPlan = {
    kind: "join",
    joinType,
    left: lplan,
    right: rplan,
    leftKeys,
    rightKeys,
    condition: residual.length ? andAll(residual) : undefined,
    types: [...left.plan.types, ...right.plan.types],
    ...(lookup ? { lookup: true } : {}),
  };
  if (lookup && leftKeys.length === 0) {
    throw new SqlError(SqlState.FeatureNotSupported, "a FOR SYSTEM_TIME AS OF PROCTIME() join needs an equality between the two sides", { position: item.pos });
  }
  if (usingPairs.length > 0) {
    // USING/NATURAL: one merged column per name, listed first; both originals stay reachable qualified
    const merged: BoundExpr[] = usingPairs.map(([l, r]) => {
      const lc: BoundExpr = { kind: "column", index: l.index, type: l.type };
      const rc: BoundExpr = { kind: "column", index: lw + r.index, type: r.type };
      const t = typeEquals(l.type, r.type) ? l.type : resolveOperator("=", l.type, r.type).argTypes[0];
      if (joinType === "full") return { kind: "coalesce", args: [coerce(ctx.env, lc, t), coerce(ctx.env, rc, t)], type: t };
      return joinType === "right" ? coerce(ctx.env, rc, t) : coerce(ctx.env, lc, t);
    });
    plan = project(plan, [...merged, ...scope.columns.map((c) => ({ kind: "column" as const, index: c.index, type: c.type }))]);
    // unqualified `a` and `*` see the merged column; `t1.a` and `t1.*` still reach the originals
    const usedNames = new Set(usingPairs.map(([l]) => l.name));
    const mergedCols: ScopeColumn[] = usingPairs.map(([l], i) => ({ table: undefined, name: l.name, type: merged[i].type, index: i }));
    const rest: ScopeColumn[] = scope.columns.map((c) => ({
      ...c,
      index: c.index + usingPairs.length,
      hiddenUnqualified: c.hiddenUnqualified || usedNames.has(c.name),
    }));
    return { plan, scope: new Scope([...mergedCols, ...rest]) };
  }
  return { plan, scope };
}

