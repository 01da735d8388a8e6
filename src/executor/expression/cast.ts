// CAST kernels: relabelling where the layout is shared, typed loops for the numeric widenings and
// narrowings, and a per-row castValue() for everything else.

import { type CastContext, castValue, Column, ColumnBuilder, type DataType, SqlError, SqlState } from "../../types/index.js";
import type { CompiledExpr } from "./compiled.js";
import { readSafe, words, writeSafe } from "./int64.js";
import { outOfRange } from "./kernels.js";

function hasModifiers(t: DataType): boolean {
  return t.length !== undefined || t.precision !== undefined || t.scale !== undefined || t.dims !== undefined;
}

type ColumnCast = (c: Column, n: number) => Column;

function fastCast(from: DataType, to: DataType): ColumnCast | null {
  const relabel: ColumnCast = (c, n) => new Column(to, c.data, c.nulls, n);
  if (from.id === to.id && from.id !== "array" && !hasModifiers(to)) return relabel;
  const f = from.id;
  const t = to.id;
  if ((f === "text" || f === "varchar") && (t === "text" || (t === "varchar" && !hasModifiers(to)))) return relabel;
  if (f === "smallint" && t === "integer") return relabel;
  if (f === "real" && t === "double") return relabel;
  if (f === "integer" && t === "smallint") {
    return (c, n) => {
      const d = c.data as Int32Array;
      for (let i = 0; i < n; i++) {
        if ((d[i] > 32767 || d[i] < -32768) && !(c.nulls !== null && c.nulls[i] === 1)) throw outOfRange(to);
      }
      return new Column(to, d, c.nulls, n);
    };
  }
  if ((f === "smallint" || f === "integer") && t === "bigint") {
    return (c, n) => {
      const d = c.data as Int32Array;
      const out = new BigInt64Array(n);
      const w = words(out);
      for (let i = 0; i < n; i++) writeSafe(w, i, d[i]);
      return new Column(to, out, c.nulls, n);
    };
  }
  if ((f === "smallint" || f === "integer") && (t === "double" || t === "real")) {
    return (c, n) => {
      const d = c.data as Int32Array;
      const out = new Float64Array(n);
      if (t === "real") for (let i = 0; i < n; i++) out[i] = Math.fround(d[i]);
      else for (let i = 0; i < n; i++) out[i] = d[i];
      return new Column(to, out, c.nulls, n);
    };
  }
  if (f === "bigint" && (t === "double" || t === "real")) {
    return (c, n) => {
      const d = c.data as BigInt64Array;
      const w = words(d);
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = readSafe(w, i);
        const x = v === v ? v : Number(d[i]);
        out[i] = t === "real" ? Math.fround(x) : x;
      }
      return new Column(to, out, c.nulls, n);
    };
  }
  if (f === "bigint" && (t === "integer" || t === "smallint")) {
    // range-checked narrowing on the int64 words, as castValue does it (no BigInt per row)
    const lo = t === "integer" ? -2147483648 : -32768;
    const hi = t === "integer" ? 2147483647 : 32767;
    return (c, n) => {
      const w = words(c.data as BigInt64Array);
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        if (c.nulls !== null && c.nulls[i] === 1) continue;
        const v = readSafe(w, i); // NaN beyond 2^53: out of range either way
        if (!(v >= lo && v <= hi)) throw outOfRange(to);
        out[i] = v;
      }
      return new Column(to, out, c.nulls, n);
    };
  }
  if (f === "double" && t === "real") {
    return (c, n) => {
      const d = c.data as Float64Array;
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const r = Math.fround(d[i]);
        if (!Number.isFinite(r) && Number.isFinite(d[i]) && !(c.nulls !== null && c.nulls[i] === 1)) {
          throw new SqlError(SqlState.NumericValueOutOfRange, "value out of range: overflow");
        }
        out[i] = r;
      }
      return new Column(to, out, c.nulls, n);
    };
  }
  return null;
}

export function compileCast(
  arg: CompiledExpr,
  from: DataType,
  to: DataType,
  context: CastContext = "explicit",
): { fn: CompiledExpr; widening: boolean } {
  const fast = fastCast(from, to);
  if (fast !== null) {
    const widening = !(from.id === "integer" && to.id === "smallint") && !(from.id === "double" && to.id === "real") && !(from.id === "bigint" && (to.id === "integer" || to.id === "smallint"));
    return { fn: (chunk, ctx, outer) => fast(arg(chunk, ctx, outer), chunk.length), widening };
  }
  return {
    fn: (chunk, ctx, outer) => {
      const c = arg(chunk, ctx, outer);
      const n = chunk.length;
      const b = new ColumnBuilder(to, n);
      const options = { timeZone: ctx.eval.timeZone };
      for (let i = 0; i < n; i++) {
        const v = c.get(i);
        b.push(v === null ? null : castValue(v, from, to, context, options));
      }
      return b.build();
    },
    widening: false,
  };
}
