// x [NOT] IN (list) with SQL's NULL semantics: true on a match; otherwise NULL when x or any list
// element is NULL; otherwise false. A list of constants of x's own type becomes a Set of keys
// (row-key.ts), probed once per row; other lists compare element by element with the `eq` function.

import { Column, type DataType, getFunction, typeEquals } from "../../types/index.js";
import { columnKeys, type KeyPrimitive, valueKey } from "../row-key.js";
import type { CompiledExpr } from "./compiled.js";

const BOOL: DataType = { id: "boolean" };

export function compileConstInList(
  exprType: DataType,
  expr: CompiledExpr,
  values: unknown[],
  negated: boolean,
): CompiledExpr {
  const set = new Set<KeyPrimitive>();
  let listHasNull = false;
  for (const v of values) {
    if (v === null || v === undefined) listHasNull = true;
    else set.add(valueKey(exprType, v));
  }
  const hit = negated ? 0 : 1;
  return (chunk, ctx, outer) => {
    const n = chunk.length;
    const x = expr(chunk, ctx, outer);
    const keys = columnKeys(x, n);
    const out = new Uint8Array(n);
    let nulls: Uint8Array | null = null;
    for (let i = 0; i < n; i++) {
      const k = keys[i];
      if (k === null) {
        nulls ??= new Uint8Array(n);
        nulls[i] = 1;
      } else if (set.has(k)) {
        out[i] = hit;
      } else if (listHasNull) {
        nulls ??= new Uint8Array(n);
        nulls[i] = 1;
      } else {
        out[i] = 1 - hit;
      }
    }
    return new Column(BOOL, out, nulls, n);
  };
}

export function compileInList(expr: CompiledExpr, list: CompiledExpr[], negated: boolean, eqId: string): CompiledExpr {
  const eq = getFunction(eqId);
  return (chunk, ctx, outer) => {
    const n = chunk.length;
    const x = expr(chunk, ctx, outer);
    const cols = list.map((l) => l(chunk, ctx, outer));
    const out = new Uint8Array(n);
    let nulls: Uint8Array | null = null;
    const args: unknown[] = [null, null];
    for (let i = 0; i < n; i++) {
      const xv = x.get(i);
      let found = false;
      let sawNull = xv === null;
      if (xv !== null) {
        for (const c of cols) {
          const v = c.get(i);
          if (v === null) {
            sawNull = true;
            continue;
          }
          args[0] = xv;
          args[1] = v;
          const r = eq.eval(args, ctx.eval);
          if (r === true) {
            found = true;
            break;
          }
          if (r === null) sawNull = true;
        }
      }
      if (found) out[i] = negated ? 0 : 1;
      else if (sawNull) {
        nulls ??= new Uint8Array(n);
        nulls[i] = 1;
      } else out[i] = negated ? 1 : 0;
    }
    return new Column(BOOL, out, nulls, n);
  };
}

/** Whether the constant list can use the key Set: every element has x's type. */
export function constListUsable(exprType: DataType, listTypes: DataType[]): boolean {
  return listTypes.every((t) => t.id === "unknown" || typeEquals(t, exprType));
}
