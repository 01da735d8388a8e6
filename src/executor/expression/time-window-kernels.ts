// Kernels for the timestamp arithmetic that TUMBLE, HOP and CUMULATE expand into (binder/
// table-functions.ts): date_bin(constant stride, ts, constant origin) and ts ± a constant
// interval of plain microseconds. Why: the generic path calls the registry once per row with an
// argument array, which was a fifth of nexmark q5's time; here it is float arithmetic on the
// Float64Array. Rows outside the range where that arithmetic is certainly in range (and ±infinity)
// go through the registry's implementation, so results and errors stay exactly the same.

import { Column, ColumnBuilder, Interval, getFunction } from "../../types/index.js";
import type { BoundExpr, CallExpr } from "../../planner/physical-plan.js";
import type { Compiled, CompiledExpr } from "./compiled.js";

// well inside [MIN_TIMESTAMP, END_TIMESTAMP) and below 2^53 µs (year ~2255): exact and valid
const FAST_MIN = -2e17;
const FAST_END = 9e15;

function constInterval(e: BoundExpr): Interval | null {
  return e.kind === "const" && e.value instanceof Interval && e.value.months === 0 && e.value.days === 0 ? e.value : null;
}

/** A kernel for `expr` when it is one of the window arithmetic shapes; null otherwise. */
export function timeWindowKernel(expr: CallExpr, args: Compiled[]): CompiledExpr | null {
  const [a0, a1, a2] = expr.args;
  if (expr.fn === "date_bin:timestamp" || expr.fn === "date_bin:timestamptz") {
    const stride = constInterval(a0);
    if (stride === null || a2.kind !== "const" || typeof a2.value !== "number" || !Number.isFinite(a2.value)) return null;
    const strideUs = stride.micros;
    if (!(strideUs > 0)) return null;
    const origin = a2.value;
    return rowKernel(expr, args[1], 1, (us) => {
      const diff = us - origin;
      let bin = diff - (diff % strideUs);
      if (diff < 0 && diff % strideUs !== 0) bin -= strideUs;
      return origin + bin;
    });
  }
  const plus = expr.fn === "+:timestamp_interval" || expr.fn === "+:timestamptz_interval";
  const minus = expr.fn === "-:timestamp_interval" || expr.fn === "-:timestamptz_interval";
  if (plus || minus) {
    const iv = constInterval(a1);
    if (iv === null) return null;
    const delta = plus ? iv.micros : iv.neg().micros;
    return rowKernel(expr, args[0], 0, (us) => us + delta);
  }
  return null;
}

/**
 * Applies `f` to the timestamp argument (at position `at` of the call, the others constant) row
 * by row; NULL gives NULL (the functions are strict), and rows outside the fast range go through
 * the registry.
 */
function rowKernel(expr: CallExpr, tsArg: Compiled, at: number, f: (us: number) => number): CompiledExpr {
  const fn = getFunction(expr.fn);
  const consts = expr.args.map((e) => (e.kind === "const" ? e.value : null));
  const type = expr.type;
  return (chunk, ctx, outer) => {
    const col = tsArg.fn(chunk, ctx, outer);
    const n = chunk.length;
    if (col.kind !== "float64") {
      // not the representation this kernel knows: the generic way
      const b = new ColumnBuilder(type, n);
      for (let i = 0; i < n; i++) {
        const v = col.get(i);
        if (v === null) b.pushNull();
        else b.push(fn.eval(withArg(consts, at, v), ctx.eval));
      }
      return b.build();
    }
    const src = col.data as Float64Array;
    const inNulls = col.nulls;
    let nulls: Uint8Array | null = inNulls === null ? null : inNulls.slice(0, n);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (inNulls !== null && inNulls[i] === 1) continue;
      const us = src[i];
      const r = us >= FAST_MIN && us < FAST_END ? f(us) : NaN;
      if (r >= FAST_MIN && r < FAST_END) {
        out[i] = r;
        continue;
      }
      const slow = fn.eval(withArg(consts, at, us), ctx.eval);
      if (slow === null) (nulls ??= new Uint8Array(n))[i] = 1;
      else out[i] = slow as number;
    }
    return new Column(type, out, nulls, n);
  };
}

function withArg(consts: unknown[], at: number, v: unknown): unknown[] {
  const a = consts.slice();
  a[at] = v;
  return a;
}
