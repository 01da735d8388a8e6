// Subquery decorrelation for continuous queries: subquery expressions, which the executor runs per
// outer row against a snapshot, become joins that the dataflow maintains incrementally.
//   WHERE [NOT] EXISTS (SELECT ... WHERE inner = outer AND ...)   → semi / anti join
//   WHERE x IN (SELECT y ...)            → semi join on x = y
//   WHERE x NOT IN (SELECT y ...)        → anti join matching when (x = y) IS NOT FALSE: a NULL on
//                                          either side makes NOT IN NULL (row dropped), as in Postgres
//   WHERE x op ANY / ALL (SELECT y ...)  → semi (op true) / anti (op not true) join
//   (SELECT agg(...) FROM t)             → a join to the one-row aggregate
//   (SELECT agg(v) FROM t WHERE t.k = o.k) → LEFT JOIN to the aggregate grouped by t.k; an outer
//                                          row without a group gets the aggregate of no rows
//                                          (count 0, others NULL), not NULL
//   EXISTS (...) as a value (SELECT list, under OR) → count(*) > 0, joined like the above
//   x [NOT] IN (SELECT ...) as a value       → joins to the distinct values and to the counts
// Only top-level AND terms of a WHERE (where NULL and false both drop the row) become semi/anti
// joins; scalar subqueries and EXISTS may sit anywhere in a WHERE, SELECT list or aggregate
// argument expression. A subquery whose
// correlation is not of these shapes is left in place, and the streaming checks refuse it (0A000).

import type { DataType } from "../../types/data-type.js";
import { conjuncts, mapExpr, remapColumns, visitExpr } from "../bound-expr-walk.js";
import type { AggregateNode, BoundExpr, JoinNode, PhysicalPlan, SubqueryExprB } from "../physical-plan.js";
import { mapPlan } from "../plan-walk.js";

const BOOL: DataType = { id: "boolean" };
const BIGINT: DataType = { id: "bigint" };

/** Rewrites every decorrelatable subquery expression of `plan` (and of the subqueries' own plans) into joins. */
export function decorrelateSubqueries(plan: PhysicalPlan): PhysicalPlan {
  return mapPlan(plan, (node) => {
    switch (node.kind) {
      case "filter":
        return rewriteFilter(node);
      case "project":
        return rewriteProject(node);
      case "aggregate":
        return rewriteAggregate(node);
      default:
        return node;
    }
  });
}

// ───────────────────────────── what a subquery's plan looks like ─────────────────────────────

/** Whether `x` (a plan or expression) refers to the enclosing row (`outer`), not looking inside nested subquery plans. */
function refersToOuter(x: unknown): boolean {
  if (x === null || typeof x !== "object") return false;
  if (Array.isArray(x)) return x.some(refersToOuter);
  const o = x as Record<string, unknown>;
  if (o.kind === "outer") return true;
  if (o.kind === "subquery" && "plan" in o) {
    const s = o as unknown as SubqueryExprB;
    return refersToOuter(s.correlated) || refersToOuter(s.lhs) || refersToOuter(s.lhsRow);
  }
  return Object.values(o).some(refersToOuter);
}

function hasSubquery(e: BoundExpr): boolean {
  let found = false;
  visitExpr(e, (x) => {
    if (x.kind === "subquery") found = true;
  });
  return found;
}

/** The subquery's output expressions over the plan below its (stacked) projections. */
function peelProjections(plan: PhysicalPlan): { input: PhysicalPlan; out: BoundExpr[] } {
  let out: BoundExpr[] = plan.types.map((type, index) => ({ kind: "column", index, type }));
  let p = plan;
  while (p.kind === "project") {
    const exprs = p.exprs;
    out = out.map((e) => mapExpr(e, (x) => (x.kind === "column" ? exprs[x.index] : undefined)));
    p = p.input;
  }
  return { input: p, out };
}

/** An equality between an expression of the inner row and one of the outer row. */
interface Correlation {
  outer: BoundExpr; // over the outer row (outer refs already replaced by the correlated expressions)
  inner: BoundExpr; // over the subquery's input row
}

/**
 * Splits the filter at the top of `plan` (if any) into an uncorrelated inner plan, equality
 * correlations and other correlated terms (kept as they are, with `outer` refs). Undefined when
 * something else in the subquery refers to the outer row.
 */
function splitCorrelation(plan: PhysicalPlan, correlated: BoundExpr[]): { inner: PhysicalPlan; eqs: Correlation[]; others: BoundExpr[] } | undefined {
  const eqs: Correlation[] = [];
  const others: BoundExpr[] = [];
  // the binder may stack one filter per WHERE term: gather them all (filters keep their columns)
  let inner = plan;
  const terms: BoundExpr[] = [];
  while (inner.kind === "filter") {
    terms.unshift(...conjuncts(inner.predicate));
    inner = inner.input;
  }
  const keep: BoundExpr[] = [];
  for (const c of terms) {
    if (!refersToOuter(c)) keep.push(c);
    else {
      const eq = asCorrelation(c, correlated);
      if (eq) eqs.push(eq);
      else others.push(c);
    }
  }
  if (keep.length > 0) inner = { kind: "filter", input: inner, predicate: and(keep)!, types: inner.types };
  if (refersToOuter(inner)) return undefined;
  return { inner, eqs, others };
}

/** `inner = outer` (either order) with both sides of one type (hashable as a join key). */
function asCorrelation(c: BoundExpr, correlated: BoundExpr[]): Correlation | undefined {
  if (c.kind !== "call" || !c.fn.startsWith("=:") || c.args.length !== 2) return undefined;
  const [a, b] = c.args;
  for (const [i, o] of [
    [a, b],
    [b, a],
  ]) {
    if (!refersToOuter(i) && !hasSubquery(i) && refersToOuter(o) && !hasColumn(o) && !hasSubquery(o) && i.type.id === o.type.id) {
      return { inner: i, outer: substituteOuter(o, correlated, 0) };
    }
  }
  return undefined;
}

function hasColumn(e: BoundExpr): boolean {
  let found = false;
  visitExpr(e, (x) => {
    if (x.kind === "column") found = true;
  });
  return found;
}

/** `e` over the joined row (outer row ++ inner row): outer refs → the correlated expressions, inner columns shifted by `width`. */
function substituteOuter(e: BoundExpr, correlated: BoundExpr[], width: number): BoundExpr {
  return mapExpr(e, (x) => (x.kind === "outer" ? correlated[x.index] : x.kind === "column" ? { ...x, index: x.index + width } : undefined));
}

function and(terms: BoundExpr[]): BoundExpr | undefined {
  return terms.length === 0 ? undefined : terms.length === 1 ? terms[0] : { kind: "and", args: terms, type: BOOL };
}

// ───────────────────────────── WHERE [NOT] EXISTS / IN / ANY / ALL → semi / anti joins ─────────────────────────────

/** The semi or anti join that keeps exactly the rows of `left` for which `term` (a WHERE term) is true; undefined if it cannot. */
function semiAntiJoin(left: PhysicalPlan, term: BoundExpr): PhysicalPlan | undefined {
  let negated = false;
  let e = term;
  while (e.kind === "not") {
    negated = !negated;
    e = e.arg;
  }
  if (e.kind !== "subquery" || e.mode === "scalar" || e.mode === "array") return undefined;
  const sub = e;
  if (sub.correlated.some((c) => refersToOuter(c) || hasSubquery(c))) return undefined; // correlated with a query further out
  const w = left.types.length;
  const { input, out } = peelProjections(sub.plan);
  const split = splitCorrelation(input, sub.correlated);
  if (split === undefined) return undefined;
  const leftKeys = split.eqs.map((c) => c.outer);
  const rightKeys = split.eqs.map((c) => c.inner);
  const residual = split.others.map((c) => substituteOuter(c, sub.correlated, w));
  let joinType: "semi" | "anti";
  if (sub.mode === "exists") {
    joinType = negated ? "anti" : "semi";
  } else {
    // lhs op y for the subquery's output y: true / false / NULL per inner row
    const lhs = sub.lhsRow ?? (sub.lhs ? [sub.lhs] : []);
    const cmps = sub.cmps ?? (sub.cmp ? [sub.cmp] : []);
    if (lhs.length === 0 || lhs.length !== cmps.length || lhs.length !== out.length) return undefined;
    if (sub.lhsRow && cmps.some((c) => !c.startsWith("=:"))) return undefined; // row <> has OR semantics
    if (lhs.some((l) => refersToOuter(l) || hasSubquery(l)) || out.some((o) => hasSubquery(o))) return undefined;
    const pairs = lhs.map((l, i) => ({ l, r: substituteOuter(out[i], sub.correlated, w), cmp: cmps[i] }));
    const match: BoundExpr = and(pairs.map((p) => ({ kind: "call", fn: p.cmp, args: [p.l, p.r], type: BOOL }) as BoundExpr))!;
    const isBool = (test: "true" | "false", neg: boolean): BoundExpr => ({ kind: "is_bool", arg: match, test, negated: neg, type: BOOL });
    if (sub.mode === "any" && !negated) {
      joinType = "semi";
      // equalities of one type become hash keys (a NULL key never matches: NULL = y is not true)
      for (const p of pairs) {
        if (p.cmp.startsWith("=:") && p.l.type.id === p.r.type.id && !refersToOuter(out[pairs.indexOf(p)])) {
          leftKeys.push(p.l);
          rightKeys.push(out[pairs.indexOf(p)]);
        } else residual.push({ kind: "call", fn: p.cmp, args: [p.l, p.r], type: BOOL });
      }
    } else if (sub.mode === "any") {
      const hashed = notInByKeys(left, sub, out, split);
      if (hashed !== undefined) return hashed;
      // NOT (x op ANY S) is true only when x op y is false for every y (a NULL result → NULL → dropped)
      joinType = "anti";
      residual.push(isBool("false", true));
    } else if (!negated) {
      // x op ALL S is true only when x op y is true for every y
      joinType = "anti";
      residual.push(isBool("true", true));
    } else {
      // NOT (x op ALL S) is true when some x op y is false
      joinType = "semi";
      residual.push(isBool("false", false));
    }
  }
  const join: JoinNode = {
    kind: "join",
    joinType,
    left,
    right: decorrelateSubqueries(split.inner),
    leftKeys,
    rightKeys,
    condition: and(residual),
    types: left.types,
  };
  return join;
}

/**
 * `x NOT IN (SELECT y ... WHERE inner.k = outer.k)` without a nested loop: NOT IN keeps a row when
 * its subquery is empty, or when x is not NULL, no y equals x and no y is NULL. So three anti
 * joins on the correlation keys: against the rows with y = x (x as one more hash key), against
 * the keys whose rows include a NULL y, and, for a NULL x, against the keys with any row (the last
 * two over aggregates, one row per key). Undefined when the shape needs the general form.
 */
function notInByKeys(left: PhysicalPlan, sub: SubqueryExprB, out: BoundExpr[], split: NonNullable<ReturnType<typeof splitCorrelation>>): PhysicalPlan | undefined {
  if (sub.lhsRow || !sub.lhs || !sub.cmp?.startsWith("=:") || out.length !== 1 || split.others.length > 0) return undefined;
  const x = sub.lhs;
  const y = out[0];
  if (x.type.id !== y.type.id || refersToOuter(y) || hasSubquery(y) || refersToOuter(x) || hasSubquery(x)) return undefined;
  const inner = decorrelateSubqueries(split.inner);
  const outerKeys = split.eqs.map((c) => c.outer);
  const innerKeys = split.eqs.map((c) => c.inner);
  const k = innerKeys.length;
  const w = left.types.length;
  const anti = (l: PhysicalPlan, right: PhysicalPlan, leftKeys: BoundExpr[], rightKeys: BoundExpr[], condition?: BoundExpr): JoinNode => ({
    kind: "join",
    joinType: "anti",
    left: l,
    right,
    leftKeys,
    rightKeys,
    ...(condition ? { condition } : {}),
    types: l.types,
  });
  // one row per correlation key (with no keys: one row, holding the count)
  const countPerKey = (input: PhysicalPlan): AggregateNode => ({
    kind: "aggregate",
    input,
    groupBy: innerKeys,
    aggregates: [{ fn: "count_star", args: [], distinct: false, type: BIGINT }],
    types: [...innerKeys.map((e) => e.type), BIGINT],
  });
  const keyCols = innerKeys.map((e, i): BoundExpr => ({ kind: "column", index: i, type: e.type }));
  // with no correlation keys the aggregate's single row exists even for no rows: test its count
  const nonEmpty: BoundExpr | undefined = k > 0 ? undefined : { kind: "call", fn: ">:int8", args: [{ kind: "column", index: w, type: BIGINT }, { kind: "const", type: BIGINT, value: 0n }], type: BOOL };
  const xIsNull: BoundExpr = { kind: "is_null", arg: x, negated: false, type: BOOL };
  const yIsNull: BoundExpr = { kind: "is_null", arg: y, negated: false, type: BOOL };
  let cur: PhysicalPlan = anti(left, inner, [...outerKeys, x], [...innerKeys, y]);
  cur = anti(cur, countPerKey({ kind: "filter", input: inner, predicate: yIsNull, types: inner.types }), outerKeys, keyCols, nonEmpty);
  cur = anti(cur, countPerKey(inner), outerKeys, keyCols, and([xIsNull, ...(nonEmpty ? [nonEmpty] : [])]));
  return cur;
}

// ───────────────────────────── scalar subqueries → joins that add a column ─────────────────────────────

/** An aggregate's value over no rows: count 0, the others NULL. */
function emptyAggregateValue(a: AggregateNode["aggregates"][number]): BoundExpr {
  const counts = a.fn === "count" || a.fn === "count_star" || a.fn.startsWith("count:") || a.fn.startsWith("count_star");
  return { kind: "const", type: a.type, value: counts ? (a.type.id === "bigint" ? 0n : 0) : null };
}

/**
 * Joins `left` with what a scalar subquery needs and returns the joined plan (left columns first)
 * and the subquery's value as an expression over it; undefined for shapes that could return more
 * than one row or correlate in other ways.
 */
function scalarJoin(left: PhysicalPlan, sub: SubqueryExprB): { plan: PhysicalPlan; value: BoundExpr } | undefined {
  if (sub.mode !== "scalar" && sub.mode !== "exists") return undefined;
  if (sub.correlated.some((c) => refersToOuter(c) || hasSubquery(c))) return undefined;
  const w = left.types.length;
  const { input, out: outs } = peelProjections(sub.plan);
  let agg: AggregateNode;
  let out: BoundExpr;
  let split: ReturnType<typeof splitCorrelation>;
  if (sub.mode === "exists") {
    // EXISTS as a value (SELECT list, under OR): count(*) > 0 over the correlated rows
    split = splitCorrelation(input, sub.correlated);
    if (split === undefined) return undefined;
    agg = { kind: "aggregate", input: split.inner, groupBy: [], aggregates: [{ fn: "count_star", args: [], distinct: false, type: BIGINT }], types: [BIGINT] };
    out = { kind: "call", fn: ">:int8", args: [{ kind: "column", index: 0, type: BIGINT }, { kind: "const", type: BIGINT, value: 0n }], type: BOOL };
  } else {
    if (outs.length !== 1 || refersToOuter(outs[0]) || hasSubquery(outs[0])) return undefined;
    // only an aggregate without GROUP BY is sure to give one row (others may give several: 21000)
    if (input.kind !== "aggregate" || input.groupBy.length !== 0 || input.emitOnWindowClose) return undefined;
    split = splitCorrelation(input.input, sub.correlated);
    if (split === undefined) return undefined;
    agg = { ...input, input: split.inner };
    out = outs[0];
  }
  if (split.others.length > 0 || agg.aggregates.some((a) => refersToOuter(a))) return undefined;
  const k = split.eqs.length;
  const empty = agg.aggregates.map(emptyAggregateValue);
  if (k === 0) {
    // uncorrelated: an aggregate without GROUP BY always has exactly one row
    const join: JoinNode = { kind: "join", joinType: "inner", left, right: decorrelateSubqueries(agg), leftKeys: [], rightKeys: [], types: [...left.types, ...agg.types] };
    return { plan: join, value: remapColumns(out, (j) => w + j) };
  }
  // correlated on equalities: the aggregate per inner key, left-joined on the outer key
  const grouped: AggregateNode = {
    ...agg,
    input: decorrelateSubqueries(split.inner),
    groupBy: split.eqs.map((c) => c.inner),
    types: [...split.eqs.map((c) => c.inner.type), ...agg.types],
  };
  const join: JoinNode = {
    kind: "join",
    joinType: "left",
    left,
    right: grouped,
    leftKeys: split.eqs.map((c) => c.outer),
    rightKeys: split.eqs.map((_c, i) => ({ kind: "column", index: i, type: grouped.types[i] })),
    types: [...left.types, ...grouped.types],
  };
  // a matched row has a non-NULL key (NULL keys never match)
  const matched: BoundExpr = { kind: "is_null", arg: { kind: "column", index: w, type: grouped.types[0] }, negated: true, type: BOOL };
  const whenMatched = remapColumns(out, (j) => w + k + j);
  const whenEmpty = mapExpr(out, (x) => (x.kind === "column" ? empty[x.index] : undefined));
  const value: BoundExpr = { kind: "case", whens: [{ when: matched, then: whenMatched }], else: whenEmpty, type: out.type };
  return { plan: join, value };
}

/**
 * `x IN (SELECT y ... WHERE inner.k = outer.k)` as a value (SELECT list, under OR), three-valued:
 * true if some y = x; else false if the subquery is empty; else NULL if x or some y is NULL; else
 * false. Two joins: a LEFT JOIN on (k, x) to the distinct (k, y) (is there an equal y?), and one on
 * k to count(*), count(y) per k (is the subquery empty, does it hold a NULL?).
 */
function inValueJoin(left: PhysicalPlan, sub: SubqueryExprB): { plan: PhysicalPlan; value: BoundExpr } | undefined {
  if (sub.lhsRow || !sub.lhs || !sub.cmp?.startsWith("=:")) return undefined;
  if (sub.correlated.some((c) => refersToOuter(c) || hasSubquery(c))) return undefined;
  const { input, out } = peelProjections(sub.plan);
  const x = sub.lhs;
  if (out.length !== 1) return undefined;
  const y = out[0];
  if (x.type.id !== y.type.id || refersToOuter(y) || hasSubquery(y) || refersToOuter(x) || hasSubquery(x)) return undefined;
  const split = splitCorrelation(input, sub.correlated);
  if (split === undefined || split.others.length > 0) return undefined;
  const inner = decorrelateSubqueries(split.inner);
  const outerKeys = split.eqs.map((c) => c.outer);
  const innerKeys = split.eqs.map((c) => c.inner);
  const k = innerKeys.length;
  const w = left.types.length;
  const col = (index: number, type: DataType): BoundExpr => ({ kind: "column", index, type });
  const gt = (a: BoundExpr, b: BoundExpr): BoundExpr => ({ kind: "call", fn: ">:int8", args: [a, b], type: BOOL });
  const notNull = (e: BoundExpr): BoundExpr => ({ kind: "is_null", arg: e, negated: true, type: BOOL });
  // (k, y) with an equal x: one row per distinct (k, y)
  const pairs: AggregateNode = {
    kind: "aggregate",
    input: inner,
    groupBy: [...innerKeys, y],
    aggregates: [{ fn: "count_star", args: [], distinct: false, type: BIGINT }],
    types: [...innerKeys.map((e) => e.type), y.type, BIGINT],
  };
  const withMatch: JoinNode = {
    kind: "join",
    joinType: "left",
    left,
    right: pairs,
    leftKeys: [...outerKeys, x],
    rightKeys: pairs.groupBy.map((e, i) => col(i, e.type)),
    types: [...left.types, ...pairs.types],
  };
  const matched = notNull(col(w, pairs.types[0]));
  // per k: how many rows, how many non-NULL y (no k: one row, counts of the whole subquery)
  const counts: AggregateNode = {
    kind: "aggregate",
    input: inner,
    groupBy: innerKeys,
    aggregates: [
      { fn: "count_star", args: [], distinct: false, type: BIGINT },
      { fn: "count", args: [y], distinct: false, type: BIGINT },
    ],
    types: [...innerKeys.map((e) => e.type), BIGINT, BIGINT],
  };
  const wb = withMatch.types.length;
  const withCounts: JoinNode = {
    kind: "join",
    joinType: k > 0 ? "left" : "inner",
    left: withMatch,
    right: counts,
    leftKeys: outerKeys,
    rightKeys: innerKeys.map((e, i) => col(i, e.type)),
    types: [...withMatch.types, ...counts.types],
  };
  const rows = col(wb + k, BIGINT);
  const nonNullYs = col(wb + k + 1, BIGINT);
  const zero: BoundExpr = { kind: "const", type: BIGINT, value: 0n };
  const nonEmpty = k > 0 ? notNull(col(wb, counts.types[0])) : gt(rows, zero);
  const c = (value: boolean | null): BoundExpr => ({ kind: "const", type: BOOL, value });
  const value: BoundExpr = {
    kind: "case",
    whens: [
      { when: matched, then: c(true) },
      { when: { kind: "not", arg: nonEmpty, type: BOOL }, then: c(false) },
      { when: { kind: "is_null", arg: x, negated: false, type: BOOL }, then: c(null) },
      { when: gt(rows, nonNullYs), then: c(null) },
    ],
    else: c(false),
    type: BOOL,
  };
  return { plan: withCounts, value };
}

/**
 * Replaces each decorrelatable scalar subquery in `exprs` by a column of joins stacked on
 * `input`; returns the widened input and the rewritten expressions (unchanged if none).
 */
function joinScalarSubqueries(input: PhysicalPlan, exprs: BoundExpr[]): { input: PhysicalPlan; exprs: BoundExpr[] } {
  let cur = input;
  const rewrite = (e: BoundExpr): BoundExpr =>
    mapExpr(e, (x) => {
      if (x.kind !== "subquery") return undefined;
      const j = x.mode === "any" ? inValueJoin(cur, x) : scalarJoin(cur, x);
      if (j === undefined) return x;
      cur = j.plan;
      return j.value;
    });
  const out = exprs.map(rewrite);
  return { input: cur, exprs: out };
}

// ───────────────────────────── the nodes that hold subquery expressions ─────────────────────────────

function rewriteFilter(f: PhysicalPlan & { kind: "filter" }): PhysicalPlan {
  if (!hasSubquery(f.predicate)) return f;
  const terms = conjuncts(f.predicate);
  const plain = terms.filter((t) => !hasSubquery(t));
  const withSub = terms.filter((t) => hasSubquery(t));
  // plain terms first (less join state), then one semi/anti join per subquery term
  let cur: PhysicalPlan = plain.length > 0 ? { ...f, predicate: and(plain)! } : f.input;
  const rest: BoundExpr[] = [];
  for (const t of withSub) {
    const j = semiAntiJoin(cur, t);
    if (j !== undefined) cur = j;
    else rest.push(t);
  }
  if (rest.length === 0) return cur;
  const w = f.types.length;
  const scalar = joinScalarSubqueries(cur, rest);
  const filtered: PhysicalPlan = { kind: "filter", input: scalar.input, predicate: and(scalar.exprs)!, types: scalar.input.types };
  if (scalar.input === cur) return filtered;
  // drop the columns the joins added
  return { kind: "project", input: filtered, exprs: f.types.map((type, index) => ({ kind: "column", index, type })), types: f.types };
}

function rewriteProject(p: PhysicalPlan & { kind: "project" }): PhysicalPlan {
  if (!p.exprs.some(hasSubquery)) return p;
  const r = joinScalarSubqueries(p.input, p.exprs);
  if (r.input === p.input) return p;
  return { ...p, input: r.input, exprs: r.exprs };
}

/** Scalar subqueries in GROUP BY, aggregate arguments or FILTER: the joins go below the aggregate. */
function rewriteAggregate(a: AggregateNode): PhysicalPlan {
  const exprs = [...a.groupBy, ...a.aggregates.flatMap((c) => [...c.args, ...(c.filter ? [c.filter] : [])])];
  if (!exprs.some(hasSubquery)) return a;
  const r = joinScalarSubqueries(a.input, exprs);
  if (r.input === a.input) return a;
  // the joins append columns, so the expressions' other column references stay valid
  let i = 0;
  const next = () => r.exprs[i++];
  const groupBy = a.groupBy.map(next);
  const aggregates = a.aggregates.map((c) => {
    const args = c.args.map(next);
    return c.filter ? { ...c, args, filter: next() } : { ...c, args };
  });
  return { ...a, input: r.input, groupBy, aggregates };
}
