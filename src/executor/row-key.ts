// Map keys for rows: what hash aggregate, joins, DISTINCT and set operations group by. A key is a
// primitive (number, bigint, string, boolean or null) such that two rows get equal keys exactly
// when their values are equal under GROUP BY semantics (NULLs equal, NaN = NaN, -0 = 0).
//   · one column: int32/float64/bool → the number itself (Map's SameValueZero already equates NaN
//     and ±0); int64 → a number when it is a safe integer, else the bigint; others → keyOf().
//   · several columns: a string joining self-delimiting encodings of each part (length-prefixed
//     strings, '|'-terminated numbers), never JSON.stringify.

import { type Column, type DataType, keyOf } from "../types/index.js";

export type KeyPrimitive = string | number | bigint | boolean | null;

const TWO_32 = 4294967296;

/** Reads int64 values as numbers where exact, without allocating a BigInt per row. */
export function int64Words(data: BigInt64Array): Int32Array {
  return new Int32Array(data.buffer, data.byteOffset, data.length * 2);
}

/** Row i of an int64 column as a number when |v| < 2^53, else as bigint. */
export function int64Key(words: Int32Array, data: BigInt64Array, i: number): number | bigint {
  const hi = words[2 * i + 1];
  if (hi >= -2097152 && hi < 2097152) return hi * TWO_32 + (words[2 * i] >>> 0);
  return data[i];
}

/** The keys of rows [0, n) of one column (null at NULL rows). */
export function columnKeys(col: Column, n: number, out: KeyPrimitive[] = new Array<KeyPrimitive>(n)): KeyPrimitive[] {
  const nulls = col.nulls;
  switch (col.kind) {
    case "int32":
    case "float64": {
      const d = col.data as Int32Array | Float64Array;
      for (let i = 0; i < n; i++) out[i] = nulls !== null && nulls[i] === 1 ? null : d[i];
      break;
    }
    case "bool": {
      const d = col.data as Uint8Array;
      for (let i = 0; i < n; i++) out[i] = nulls !== null && nulls[i] === 1 ? null : d[i] === 1;
      break;
    }
    case "int64": {
      const d = col.data as BigInt64Array;
      const w = int64Words(d);
      for (let i = 0; i < n; i++) out[i] = nulls !== null && nulls[i] === 1 ? null : int64Key(w, d, i);
      break;
    }
    case "object": {
      const d = col.data as unknown[];
      const t = col.type;
      for (let i = 0; i < n; i++) out[i] = nulls !== null && nulls[i] === 1 ? null : (keyOf(t, d[i]) as KeyPrimitive);
      break;
    }
  }
  return out;
}

/** The key of one scalar value of type `t` (the same key columnKeys gives a row holding it). */
export function valueKey(t: DataType, v: unknown): KeyPrimitive {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case "number":
      return v;
    case "boolean":
      return v;
    case "bigint":
      return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
    default:
      return keyOf(t, v) as KeyPrimitive;
  }
}

/** Appends the self-delimiting encoding of one key part. */
export function encodeKeyPart(k: KeyPrimitive): string {
  switch (typeof k) {
    case "number":
    case "bigint":
      return "n" + String(k) + "|";
    case "string":
      return "s" + k.length + ":" + k;
    case "boolean":
      return k ? "t" : "f";
    default:
      return k === null ? "N" : "o" + String(k) + "|";
  }
}

/** Keys of rows [0, n) over several columns: the single-column key, or a joined string. */
export function rowKeys(cols: readonly Column[], n: number): KeyPrimitive[] {
  if (cols.length === 1) return columnKeys(cols[0], n);
  if (cols.length === 0) return new Array<KeyPrimitive>(n).fill("");
  const parts = cols.map((c) => columnKeys(c, n));
  const out = new Array<KeyPrimitive>(n);
  for (let i = 0; i < n; i++) {
    let s = "";
    for (let c = 0; c < parts.length; c++) s += encodeKeyPart(parts[c][i]);
    out[i] = s;
  }
  return out;
}

/** Whether row i has a NULL in any of `cols` (join keys never match then). */
export function anyNullMask(cols: readonly Column[], n: number): Uint8Array | null {
  let mask: Uint8Array | null = null;
  for (const c of cols) {
    if (c.nulls === null) continue;
    if (mask === null) mask = new Uint8Array(n);
    for (let i = 0; i < n; i++) mask[i] |= c.nulls[i];
  }
  return mask;
}

/** The key of a row of scalar values (several columns joined like rowKeys). */
export function valuesKey(types: readonly DataType[], values: readonly unknown[]): KeyPrimitive {
  if (types.length === 1) return valueKey(types[0], values[0]);
  let s = "";
  for (let c = 0; c < types.length; c++) s += encodeKeyPart(valueKey(types[c], values[c]));
  return s;
}

// ---- representation-exact keys -----------------------------------------------------------------
// GROUP BY equality merges values that print differently: numeric 1.0 and 1.00, interval '1 day'
// and '24 hours', float 0 and -0. Where the engine tracks *copies of rows* rather than groups (a
// materialized view's contents, the net changes of an epoch, a join's stored rows, whether an
// aggregate's output changed), such values must stay apart: a -1 of 1.00 retracts a 1.00, never a
// 1.0 that happens to be equal, or the view ends up printing a value its query no longer gives.

/** The key of a value that also tells apart equal values that print differently. */
export function exactValueKey(t: DataType, v: unknown): KeyPrimitive {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case "number":
      return v === 0 && 1 / v < 0 ? "-0" : v;
    case "boolean":
      return v;
    case "bigint":
      return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
    case "string":
      return v;
    default:
      if (t.id === "numeric") return String(v); // the digits and the display scale
      if (t.id === "interval") {
        const iv = v as { months: number; days: number; micros: number };
        return `${iv.months}:${iv.days}:${iv.micros}`;
      }
      return keyOf(t, v) as KeyPrimitive;
  }
}

/** Whether two keys are the same key (as a Map sees them: NaN is NaN). */
export function sameKey(a: KeyPrimitive, b: KeyPrimitive): boolean {
  return a === b || (a !== a && b !== b);
}

/** Whether a column's GROUP BY key can merge values that print differently. */
function needsExactKey(col: Column): boolean {
  if (col.kind === "float64") return true; // -0
  if (col.kind !== "object") return false;
  const id = col.type.id;
  return id === "numeric" || id === "interval" || id === "char";
}

/** Like columnKeys, but equal values that print differently get different keys. */
export function exactColumnKeys(col: Column, n: number): KeyPrimitive[] {
  if (!needsExactKey(col)) return columnKeys(col, n);
  const out = new Array<KeyPrimitive>(n);
  const nulls = col.nulls;
  const d = col.data as ArrayLike<unknown>;
  for (let i = 0; i < n; i++) out[i] = nulls !== null && nulls[i] === 1 ? null : exactValueKey(col.type, d[i]);
  return out;
}

/** Like rowKeys, but equal values that print differently get different keys. */
export function exactRowKeys(cols: readonly Column[], n: number): KeyPrimitive[] {
  if (!cols.some(needsExactKey)) return rowKeys(cols, n);
  if (cols.length === 1) return exactColumnKeys(cols[0], n);
  const parts = cols.map((c) => exactColumnKeys(c, n));
  const out = new Array<KeyPrimitive>(n);
  for (let i = 0; i < n; i++) {
    let s = "";
    for (let c = 0; c < parts.length; c++) s += encodeKeyPart(parts[c][i]);
    out[i] = s;
  }
  return out;
}

/** Like valuesKey, but equal values that print differently get different keys. */
export function exactValuesKey(types: readonly DataType[], values: readonly unknown[]): KeyPrimitive {
  if (types.length === 1) return exactValueKey(types[0], values[0]);
  let s = "";
  for (let c = 0; c < types.length; c++) s += encodeKeyPart(exactValueKey(types[c], values[c]));
  return s;
}
