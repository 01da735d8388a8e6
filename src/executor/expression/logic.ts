// Kernels for the non-strict constructs: AND/OR (three-valued, evaluating later arguments only on
// rows the earlier ones left undecided), NOT, IS [NOT] NULL, IS [NOT] TRUE/FALSE/UNKNOWN, CASE
// (each THEN only on the rows that chose it), COALESCE (each argument only on rows still NULL),
// GREATEST/LEAST and NULLIF.

import { Column, compareValues, type DataType, getFunction } from "../../types/index.js";
import { type Compiled, type CompiledExpr, evalRows } from "./compiled.js";
import { ColumnAssembler } from "./selection.js";

const BOOL: DataType = { id: "boolean" };

/** AND (isAnd) or OR over boolean arguments with three-valued logic. */
export function compileLogical(isAnd: boolean, args: Compiled[]): CompiledExpr {
  // a row is decided once it is false (AND) / true (OR)
  const decided = isAnd ? 0 : 1;
  return (chunk, ctx, outer) => {
    const n = chunk.length;
    const first = args[0].fn(chunk, ctx, outer);
    const val = new Uint8Array(n);
    const nul = new Uint8Array(n);
    val.set((first.data as Uint8Array).subarray(0, n));
    if (first.nulls !== null) nul.set(first.nulls.subarray(0, n));
    for (let k = 1; k < args.length; k++) {
      const a = args[k];
      let idx: Int32Array | null = null;
      let count = n;
      if (!a.safe) {
        idx = new Int32Array(n);
        count = 0;
        for (let i = 0; i < n; i++) if (!(val[i] === decided && nul[i] === 0)) idx[count++] = i;
        if (count === 0) break;
        if (count === n) idx = null;
      }
      const col = evalRows(a, chunk, idx, count, ctx, outer);
      const cd = col.data as Uint8Array;
      const cn = col.nulls;
      for (let j = 0; j < count; j++) {
        const i = idx === null ? j : idx[j];
        if (val[i] === decided && nul[i] === 0) continue;
        const bn = cn !== null && cn[j] === 1;
        if (!bn && cd[j] === decided) {
          val[i] = decided;
          nul[i] = 0;
        } else if (bn) {
          nul[i] = 1;
        }
      }
    }
    let any = false;
    for (let i = 0; i < n; i++) {
      if (nul[i] === 1) {
        any = true;
        val[i] = 0;
      }
    }
    return new Column(BOOL, val, any ? nul : null, n);
  };
}

export function compileNot(arg: CompiledExpr): CompiledExpr {
  return (chunk, ctx, outer) => {
    const c = arg(chunk, ctx, outer);
    const n = chunk.length;
    const d = c.data as Uint8Array;
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = d[i] === 1 ? 0 : 1;
    if (c.nulls !== null) for (let i = 0; i < n; i++) if (c.nulls[i] === 1) out[i] = 0;
    return new Column(BOOL, out, c.nulls, n);
  };
}

export function compileIsNull(arg: CompiledExpr, negated: boolean): CompiledExpr {
  return (chunk, ctx, outer) => {
    const c = arg(chunk, ctx, outer);
    const n = chunk.length;
    const out = new Uint8Array(n);
    if (c.nulls === null) {
      if (negated) out.fill(1);
    } else {
      for (let i = 0; i < n; i++) out[i] = (c.nulls[i] === 1) !== negated ? 1 : 0;
    }
    return new Column(BOOL, out, null, n);
  };
}

export function compileIsBool(arg: CompiledExpr, test: "true" | "false" | "unknown", negated: boolean): CompiledExpr {
  return (chunk, ctx, outer) => {
    const c = arg(chunk, ctx, outer);
    const n = chunk.length;
    const d = c.data as Uint8Array;
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const isNull = c.nulls !== null && c.nulls[i] === 1;
      const r = test === "unknown" ? isNull : !isNull && d[i] === (test === "true" ? 1 : 0);
      out[i] = r !== negated ? 1 : 0;
    }
    return new Column(BOOL, out, null, n);
  };
}

/** Searched CASE: each WHEN on the rows no earlier WHEN took, each THEN only on its own rows. */
export function compileCase(type: DataType, whens: { when: Compiled; then: Compiled }[], otherwise: Compiled): CompiledExpr {
  return (chunk, ctx, outer) => {
    const n = chunk.length;
    const out = new ColumnAssembler(type, n);
    let rest: Int32Array | null = null; // null: all rows
    let restCount = n;
    for (const w of whens) {
      if (restCount === 0) break;
      const cond = evalRows(w.when, chunk, rest, restCount, ctx, outer);
      const cd = cond.data as Uint8Array;
      const cn = cond.nulls;
      const hit = new Int32Array(restCount);
      const miss = new Int32Array(restCount);
      let nh = 0;
      let nm = 0;
      for (let j = 0; j < restCount; j++) {
        const i = rest === null ? j : rest[j];
        if (cd[j] === 1 && (cn === null || cn[j] === 0)) hit[nh++] = i;
        else miss[nm++] = i;
      }
      if (nh > 0) {
        const v = evalRows(w.then, chunk, nh === n ? null : hit, nh, ctx, outer);
        out.set(v, nh === n ? null : hit, nh);
      }
      rest = miss;
      restCount = nm;
    }
    if (restCount > 0) {
      const all = restCount === n;
      const v = evalRows(otherwise, chunk, all ? null : rest, restCount, ctx, outer);
      out.set(v, all ? null : rest, restCount);
    }
    return out.build();
  };
}

/** COALESCE: the first non-NULL argument, evaluating each only where all before it were NULL. */
export function compileCoalesce(type: DataType, args: Compiled[]): CompiledExpr {
  return (chunk, ctx, outer) => {
    const n = chunk.length;
    const out = new ColumnAssembler(type, n);
    let rest: Int32Array | null = null;
    let restCount = n;
    for (const a of args) {
      if (restCount === 0) break;
      const v = evalRows(a, chunk, rest, restCount, ctx, outer);
      out.set(v, rest, restCount);
      if (v.nulls === null) {
        restCount = 0;
        break;
      }
      const next = new Int32Array(restCount);
      let k = 0;
      for (let j = 0; j < restCount; j++) if (v.nulls[j] === 1) next[k++] = rest === null ? j : rest[j];
      rest = next;
      restCount = k;
    }
    return out.build();
  };
}

/** GREATEST / LEAST: NULL arguments are ignored; NULL only when all are NULL. */
export function compileExtreme(type: DataType, greatest: boolean, args: CompiledExpr[]): CompiledExpr {
  return (chunk, ctx, outer) => {
    const n = chunk.length;
    const cols = args.map((a) => a(chunk, ctx, outer));
    const values = new Array<unknown>(n).fill(null);
    for (const c of cols) {
      for (let i = 0; i < n; i++) {
        const v = c.get(i);
        if (v === null) continue;
        const cur = values[i];
        if (cur === null) values[i] = v;
        else {
          const r = compareValues(type, v, cur);
          if (greatest ? r > 0 : r < 0) values[i] = v;
        }
      }
    }
    return Column.fromValues(type, values);
  };
}

/** NULLIF(a, b): NULL when a = b, else a. */
export function compileNullif(type: DataType, a: CompiledExpr, b: CompiledExpr, cmp: string | undefined, argType: DataType): CompiledExpr {
  const eq = cmp !== undefined ? getFunction(cmp) : null;
  return (chunk, ctx, outer) => {
    const n = chunk.length;
    const ca = a(chunk, ctx, outer);
    const cb = b(chunk, ctx, outer);
    const values = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      const x = ca.get(i);
      const y = cb.get(i);
      if (x === null || y === null) {
        values[i] = x;
        continue;
      }
      const same = eq !== null ? eq.eval([x, y], ctx.eval) === true : compareValues(argType, x, y) === 0;
      values[i] = same ? null : x;
    }
    return Column.fromValues(type, values);
  };
}
