// Type modifiers: numeric(p,s) rounding and overflow, varchar(n)/char(n) length rules, vector(n)
// dimension checks. Shared by input (text-format.ts) and casts (cast.ts).

import { DataType } from "./data-type.js";
import { Decimal, pow10 } from "./numeric.js";
import { SqlError, SqlState } from "./errors.js";

/** Length in characters (code points), as Postgres counts for text types in UTF-8. */
export function charLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** The first `n` characters (code points) of s. */
export function charPrefix(s: string, n: number): string {
  if (n <= 0) return "";
  if (s.length <= n) return s;
  let i = 0;
  let count = 0;
  while (i < s.length && count < n) {
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
    count++;
  }
  return s.slice(0, i);
}

/** numeric(p, s): round to s digits, error 22003 when the integer part needs more than p - s digits. */
export function applyNumericTypmod(d: Decimal, precision: number | undefined, scale: number | undefined): Decimal {
  if (precision === undefined) return d;
  const s = scale ?? 0;
  if (d.isNaN()) return d;
  if (!d.isFinite()) {
    throw new SqlError(SqlState.NumericValueOutOfRange, "numeric field overflow", {
      detail: `A field with precision ${precision}, scale ${s} cannot hold an infinite value.`,
    });
  }
  const r = d.round(s);
  // digits before the decimal point must be < 10^(p - s)
  const maxDigits = precision - s;
  if (r.unscaled !== 0n) {
    const limit = maxDigits + r.scale; // |unscaled| < 10^(p - s + scale)
    const a = r.unscaled < 0n ? -r.unscaled : r.unscaled;
    if (limit < 0 || a >= pow10(limit)) {
      throw new SqlError(SqlState.NumericValueOutOfRange, "numeric field overflow", {
        detail: `A field with precision ${precision}, scale ${s} must round to an absolute value less than ${maxDigits !== 0 ? "10^" + maxDigits : "1"}.`,
      });
    }
  }
  return r;
}

function typeLabel(t: DataType): string {
  return t.id === "char" ? `character(${t.length})` : `character varying(${t.length})`;
}

/**
 * varchar(n) / char(n) length coercion. Explicit casts truncate silently; other contexts raise
 * 22001 unless only spaces are cut. char(n) pads with spaces to n.
 */
export function applyStringTypmod(s: string, t: DataType, explicit: boolean): string {
  const n = t.length;
  if (n === undefined) return s;
  if (t.id === "varchar" || t.id === "char") {
    if (s.length > n || (s.length > n / 2 && charLength(s) > n)) {
      const len = charLength(s);
      if (len > n) {
        const head = charPrefix(s, n);
        if (!explicit) {
          const tail = s.slice(head.length);
          if (!/^ *$/.test(tail)) {
            throw new SqlError(SqlState.StringDataRightTruncation, `value too long for type ${typeLabel(t)}`);
          }
        }
        s = head;
      }
    }
    if (t.id === "char") {
      const len = charLength(s);
      if (len < n) s += " ".repeat(n - len);
    }
  }
  return s;
}

/** vector(n) dimension check (22000 `expected 3 dimensions, not 2`). */
export function checkVectorDims(v: Float32Array, dims: number | undefined): Float32Array {
  if (dims !== undefined && v.length !== dims) {
    throw new SqlError(SqlState.DataException, `expected ${dims} dimensions, not ${v.length}`);
  }
  return v;
}

/** pgvector's element check. */
export function checkVectorElement(x: number): void {
  if (Number.isNaN(x)) throw new SqlError(SqlState.DataException, "NaN not allowed in vector");
  if (!Number.isFinite(x)) throw new SqlError(SqlState.DataException, "infinite value not allowed in vector");
}
