// Walking and rewriting bound expressions: which input columns an expression reads, and the same
// expression with its column references moved (when plans are reordered or stacked).

import type { BoundExpr } from "./physical-plan.js";

/** Rebuilds `e`: `f` sees each node first and may replace it whole; otherwise its children are rebuilt. */
export function mapExpr(e: BoundExpr, f: (e: BoundExpr) => BoundExpr | undefined): BoundExpr {
  const replaced = f(e);
  if (replaced !== undefined) return replaced;
  const m = (x: BoundExpr) => mapExpr(x, f);
  switch (e.kind) {
    case "const":
    case "column":
    case "outer":
    case "param":
      return e;
    case "call":
      return { ...e, args: e.args.map(m) };
    case "cast":
      return { ...e, expr: m(e.expr) };
    case "and":
    case "or":
      return { ...e, args: e.args.map(m) };
    case "not":
    case "is_null":
    case "is_bool":
      return { ...e, arg: m(e.arg) };
    case "case":
      return { ...e, whens: e.whens.map((w) => ({ when: m(w.when), then: m(w.then) })), else: m(e.else) };
    case "in_list":
      return { ...e, expr: m(e.expr), list: e.list.map(m) };
    case "coalesce":
    case "greatest":
    case "least":
    case "nullif":
      return { ...e, args: e.args.map(m) };
    case "subquery":
      // the subquery's own plan refers to its outer values by position, not to our columns
      return { ...e, correlated: e.correlated.map(m), lhs: e.lhs ? m(e.lhs) : undefined, ...(e.lhsRow ? { lhsRow: e.lhsRow.map(m) } : {}) };
  }
}

/** Calls `visit` on every node of `e` (not descending into subquery plans). */
export function visitExpr(e: BoundExpr, visit: (e: BoundExpr) => void): void {
  mapExpr(e, (x) => {
    visit(x);
    return undefined;
  });
}

/** The input column positions `e` reads. */
export function columnsUsed(e: BoundExpr, out = new Set<number>()): Set<number> {
  visitExpr(e, (x) => {
    if (x.kind === "column") out.add(x.index);
  });
  return out;
}

/** `e` with every column reference i replaced by column `map(i)`. */
export function remapColumns(e: BoundExpr, map: (i: number) => number): BoundExpr {
  return mapExpr(e, (x) => (x.kind === "column" ? { ...x, index: map(x.index) } : undefined));
}

/** Splits a condition into its top-level AND terms. */
export function conjuncts(e: BoundExpr): BoundExpr[] {
  return e.kind === "and" ? e.args.flatMap(conjuncts) : [e];
}

export function hasVolatileOrSubquery(e: BoundExpr): boolean {
  let found = false;
  visitExpr(e, (x) => {
    if (x.kind === "subquery") found = true;
  });
  return found;
}
