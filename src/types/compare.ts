// Ordering, equality and hash keys of non-null values of one type, as Postgres's btree and hash
// opclasses define them: floats put NaN above everything (NaN = NaN, -0 = 0), text compares by
// code point (collation "C"), char(n) ignores trailing spaces, numeric compares values (1.0 = 1.00),
// intervals compare by span (30-day months), jsonb uses jsonb's order, arrays compare elementwise
// (NULL elements sort last) and then by shape.

import { DataType } from "./data-type.js";
import { Decimal } from "./numeric.js";
import { Interval } from "./interval.js";
import { Jsonb, compareCodePoints } from "./jsonb.js";

export { compareCodePoints };

function cmpNumber(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** float order: NaN is the greatest value and equals itself. */
export function compareFloat(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) return 0;
  const an = a !== a;
  const bn = b !== b;
  return an ? (bn ? 0 : 1) : -1;
}

/** char(n) comparison ignores trailing spaces. */
export function rtrimSpaces(s: string): string {
  let e = s.length;
  while (e > 0 && s.charCodeAt(e - 1) === 32) e--;
  return e === s.length ? s : s.slice(0, e);
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return cmpNumber(a.length, b.length);
}

export function compareVectors(a: Float32Array, b: Float32Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] < b[i]) return -1;
    if (a[i] > b[i]) return 1;
  }
  return cmpNumber(a.length, b.length);
}

function flatten(a: readonly unknown[], out: unknown[], dims: number[], depth: number): void {
  if (dims.length <= depth) dims.push(a.length);
  for (const e of a) {
    if (Array.isArray(e)) flatten(e, out, dims, depth + 1);
    else out.push(e);
  }
}

function compareArrays(element: DataType, a: readonly unknown[], b: readonly unknown[]): number {
  let fa: readonly unknown[] = a;
  let fb: readonly unknown[] = b;
  const da: number[] = [];
  const db: number[] = [];
  const nested = (a.length > 0 && Array.isArray(a[0])) || (b.length > 0 && Array.isArray(b[0]));
  if (nested) {
    const xa: unknown[] = [];
    const xb: unknown[] = [];
    flatten(a, xa, da, 0);
    flatten(b, xb, db, 0);
    fa = xa;
    fb = xb;
  } else {
    da.push(a.length);
    db.push(b.length);
  }
  const n = Math.min(fa.length, fb.length);
  for (let i = 0; i < n; i++) {
    const x = fa[i];
    const y = fb[i];
    const xn = x === null || x === undefined;
    const yn = y === null || y === undefined;
    if (xn || yn) {
      if (xn && yn) continue;
      return xn ? 1 : -1;
    }
    const c = compareValues(element, x, y);
    if (c !== 0) return c;
  }
  if (fa.length !== fb.length) return fa.length < fb.length ? -1 : 1;
  if (da.length !== db.length) return da.length < db.length ? -1 : 1;
  for (let i = 0; i < da.length; i++) {
    if (da[i] !== db[i]) return da[i] < db[i] ? -1 : 1;
  }
  return 0;
}

/** Postgres's ordering of two non-null values of `type`: negative, 0 or positive. */
export function compareValues(type: DataType, a: unknown, b: unknown): number {
  switch (type.id) {
    case "boolean":
      return a === b ? 0 : a ? 1 : -1;
    case "smallint":
    case "integer":
    case "date":
    case "time":
    case "timestamp":
    case "timestamptz":
      return cmpNumber(a as number, b as number);
    case "bigint":
      return (a as bigint) < (b as bigint) ? -1 : (a as bigint) > (b as bigint) ? 1 : 0;
    case "real":
    case "double":
      return compareFloat(a as number, b as number);
    case "numeric":
      return (a as Decimal).cmp(b as Decimal);
    case "text":
    case "varchar":
    case "unknown":
      return compareCodePoints(a as string, b as string);
    case "char":
      return compareCodePoints(rtrimSpaces(a as string), rtrimSpaces(b as string));
    case "bytea":
      return compareBytes(a as Uint8Array, b as Uint8Array);
    case "interval":
      return (a as Interval).cmp(b as Interval);
    case "jsonb":
      return (a as Jsonb).cmp(b as Jsonb);
    case "vector":
      return compareVectors(a as Float32Array, b as Float32Array);
    case "array":
      return compareArrays(type.element!, a as unknown[], b as unknown[]);
  }
}

/** SQL equality of two non-null values of `type`. */
export function valuesEqual(type: DataType, a: unknown, b: unknown): boolean {
  switch (type.id) {
    case "boolean":
    case "smallint":
    case "integer":
    case "date":
    case "time":
    case "timestamp":
    case "timestamptz":
    case "bigint":
    case "text":
    case "varchar":
    case "unknown":
      return a === b;
    case "real":
    case "double":
      return a === b || (a !== a && b !== b);
    default:
      return compareValues(type, a, b) === 0;
  }
}

function bytesKey(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 4096) {
    s += String.fromCharCode.apply(null, Array.from(b.subarray(i, i + 4096)));
  }
  return s;
}

function escapeKeyString(s: string): string {
  return s.replace(/[\\,{}]/g, "\\$&");
}

function arrayKey(element: DataType, a: readonly unknown[]): string {
  let s = "{";
  for (let i = 0; i < a.length; i++) {
    if (i > 0) s += ",";
    const e = a[i];
    if (e === null || e === undefined) s += "\\N";
    else if (Array.isArray(e)) s += arrayKey(element, e);
    else {
      const k = keyOf(element, e);
      s += typeof k === "string" ? escapeKeyString(k) : String(k);
    }
  }
  return s + "}";
}

/**
 * A primitive usable as a Map key: equal SQL values give equal keys (1.0 and 1.00; -0 and 0;
 * NaN and NaN under Map's SameValueZero) and different values give different keys.
 */
export function keyOf(type: DataType, value: unknown): string | number | bigint | boolean {
  switch (type.id) {
    case "boolean":
      return value as boolean;
    case "smallint":
    case "integer":
    case "date":
    case "time":
    case "timestamp":
    case "timestamptz":
    case "real":
    case "double":
      return value as number;
    case "bigint":
      return value as bigint;
    case "numeric":
      return (value as Decimal).normalize().toString();
    case "text":
    case "varchar":
    case "unknown":
      return value as string;
    case "char":
      return rtrimSpaces(value as string);
    case "bytea":
      return bytesKey(value as Uint8Array);
    case "interval":
      return (value as Interval).key();
    case "jsonb":
      return (value as Jsonb).key();
    case "vector":
      return Array.prototype.join.call(value as Float32Array, ",");
    case "array":
      return arrayKey(type.element!, value as unknown[]);
  }
}
