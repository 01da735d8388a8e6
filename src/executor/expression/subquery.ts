// Subqueries used as expressions. For each row the `correlated` expressions give the subquery's
// outer values; the plan runs (run-query.ts) once per distinct outer values per query run (a cache
// keyed by the outer values, per ExecutionContext), and the result is folded per mode:
//   scalar (0 rows → NULL, >1 → 21000), exists, any/all (three-valued), array.

import {
  ColumnBuilder,
  type DataType,
  getFunction,
  SqlError,
  SqlState,
  typeEquals,
} from "../../types/index.js";
import type { SubqueryExprB } from "../../planner/physical-plan.js";
import type { ExecutionContext } from "../message.js";
import { type KeyPrimitive, valueKey, valuesKey } from "../row-key.js";
import { runQuery } from "../run-query.js";
import type { CompiledExpr } from "./compiled.js";

interface SubResult {
  values: unknown[];
  /** for = ANY: keys of the non-NULL values */
  keys?: Set<KeyPrimitive>;
  hasNull?: boolean;
}

const CACHE_LIMIT = 10000;

/**
 * Results of a subquery per statement (each top-level run has its own context) and per distinct
 * outer values; bounded, cleared when full.
 */
class SubqueryCache<R> {
  private readonly byContext = new WeakMap<ExecutionContext, Map<KeyPrimitive, R>>();

  constructor(private readonly outerTypes: DataType[]) {}

  get(ctx: ExecutionContext, outerVals: unknown[], compute: () => R): R {
    let cache = this.byContext.get(ctx);
    if (cache === undefined) {
      cache = new Map();
      this.byContext.set(ctx, cache);
    }
    const key = valuesKey(this.outerTypes, outerVals);
    let r = cache.get(key);
    if (r !== undefined) return r;
    r = compute();
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, r);
    return r;
  }
}

export function compileSubquery(
  expr: SubqueryExprB,
  correlated: CompiledExpr[],
  lhs: CompiledExpr | null,
  cmpIsEquality: boolean,
  lhsRow?: CompiledExpr[],
): CompiledExpr {
  if (expr.lhsRow !== undefined && lhsRow !== undefined) return compileRowSubquery(expr, correlated, lhsRow);
  const cache = new SubqueryCache<SubResult>(expr.correlated.map((c) => c.type));
  const colType: DataType = expr.plan.types[0] ?? { id: "unknown" };
  const cmp = expr.cmp !== undefined ? getFunction(expr.cmp) : null;
  const useKeys =
    expr.mode === "any" && cmpIsEquality && expr.lhs !== undefined && typeEquals(expr.lhs.type, colType);

  function run(ctx: ExecutionContext, outerVals: unknown[]): SubResult {
    return cache.get(ctx, outerVals, () => compute(ctx, outerVals));
  }

  function compute(ctx: ExecutionContext, outerVals: unknown[]): SubResult {
    const chunks = runQuery(expr.plan, ctx, outerVals.slice());
    const values: unknown[] = [];
    const limit = expr.mode === "exists" ? 1 : expr.mode === "scalar" ? 2 : Infinity;
    for (const ch of chunks) {
      const col = ch.columns[0];
      for (let i = 0; i < ch.length && values.length < limit; i++) values.push(col === undefined ? true : col.get(i));
    }
    if (expr.mode === "scalar" && values.length > 1) {
      throw new SqlError(SqlState.CardinalityViolation, "more than one row returned by a subquery used as an expression");
    }
    const r: SubResult = { values };
    if (useKeys) {
      r.keys = new Set();
      r.hasNull = false;
      for (const v of values) {
        if (v === null) r.hasNull = true;
        else r.keys.add(valueKey(colType, v));
      }
    }
    return r;
  }

  function fold(r: SubResult, x: unknown, ctx: ExecutionContext): unknown {
    switch (expr.mode) {
      case "scalar":
        return r.values.length === 0 ? null : r.values[0];
      case "exists":
        return r.values.length > 0;
      case "array":
        return r.values;
      case "any":
      case "all": {
        const any = expr.mode === "any";
        if (r.values.length === 0) return !any;
        if (x === null) return null;
        if (r.keys !== undefined) {
          if (r.keys.has(valueKey(colType, x))) return true;
          return r.hasNull ? null : false;
        }
        let sawNull = false;
        for (const v of r.values) {
          if (v === null) {
            sawNull = true;
            continue;
          }
          const c = cmp!.eval([x, v], ctx.eval);
          if (c === null) sawNull = true;
          else if (c === any) return any;
        }
        return sawNull ? null : !any;
      }
    }
  }

  return (chunk, ctx, outer) => {
    const n = chunk.length;
    const corrCols = correlated.map((c) => c(chunk, ctx, outer));
    const lhsCol = lhs !== null ? lhs(chunk, ctx, outer) : null;
    const b = new ColumnBuilder(expr.type, n);
    const outerVals = new Array<unknown>(corrCols.length);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < corrCols.length; c++) outerVals[c] = corrCols[c].get(i);
      const r = run(ctx, outerVals);
      b.push(fold(r, lhsCol !== null ? lhsCol.get(i) : null, ctx));
    }
    return b.build();
  };
}

/** `(a, b) op ANY|ALL (SELECT x, y ...)`: each subquery row compared field by field (three-valued AND). */
function compileRowSubquery(expr: SubqueryExprB, correlated: CompiledExpr[], lhsRow: CompiledExpr[]): CompiledExpr {
  const cache = new SubqueryCache<unknown[][]>(expr.correlated.map((c) => c.type));
  const cmps = expr.cmps!.map((id) => getFunction(id));
  const any = expr.mode === "any";

  function run(ctx: ExecutionContext, outerVals: unknown[]): unknown[][] {
    return cache.get(ctx, outerVals, () => {
      const rows: unknown[][] = [];
      for (const ch of runQuery(expr.plan, ctx, outerVals.slice())) rows.push(...ch.rows());
      return rows;
    });
  }

  function rowCompare(x: unknown[], row: unknown[], ctx: ExecutionContext): boolean | null {
    let sawNull = false;
    for (let c = 0; c < x.length; c++) {
      const res = x[c] === null || row[c] === null ? null : cmps[c].eval([x[c], row[c]], ctx.eval);
      if (res === null) sawNull = true;
      else if (res === false) return false;
    }
    return sawNull ? null : true;
  }

  return (chunk, ctx, outer) => {
    const n = chunk.length;
    const corrCols = correlated.map((c) => c(chunk, ctx, outer));
    const lhsCols = lhsRow.map((c) => c(chunk, ctx, outer));
    const b = new ColumnBuilder(expr.type, n);
    const outerVals = new Array<unknown>(corrCols.length);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < corrCols.length; c++) outerVals[c] = corrCols[c].get(i);
      const rows = run(ctx, outerVals);
      const x = lhsCols.map((c) => c.get(i));
      let result: boolean | null = !any;
      for (const row of rows) {
        const r = rowCompare(x, row, ctx);
        if (r === null) result = null;
        else if (r === any) {
          result = any;
          break;
        }
      }
      b.push(result);
    }
    return b.build();
  };
}
