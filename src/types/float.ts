// Text forms of real and double precision as Postgres 12+ prints them (shortest round-trip digits,
// fixed notation for decimal exponents in [-4, 15) for float8 and [-4, 6) for float4, otherwise
// "1e+100" style), float input with Postgres's errors, and rint (round half to even).

import { SqlError, SqlState } from "./errors.js";

/** Round half to even, as C's rint in the default rounding mode. */
export function rint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Formats `digits` (no leading/trailing zeros) × 10^(exp - digits.length + 1). */
function layout(neg: boolean, digits: string, exp: number, maxFixedExp: number): string {
  let out: string;
  if (exp >= -4 && exp < maxFixedExp) {
    if (exp >= 0) {
      if (digits.length <= exp + 1) out = digits + "0".repeat(exp + 1 - digits.length);
      else out = digits.slice(0, exp + 1) + "." + digits.slice(exp + 1);
    } else {
      out = "0." + "0".repeat(-exp - 1) + digits;
    }
  } else {
    out = digits.length > 1 ? digits[0] + "." + digits.slice(1) : digits;
    const e = Math.abs(exp);
    out += (exp < 0 ? "e-" : "e+") + (e < 10 ? "0" + e : String(e));
  }
  return neg ? "-" + out : out;
}

function splitExponential(s: string): { neg: boolean; digits: string; exp: number } {
  // s like "-1.2345e+17"
  let neg = false;
  if (s[0] === "-") {
    neg = true;
    s = s.slice(1);
  }
  const e = s.indexOf("e");
  let digits = s.slice(0, e).replace(".", "");
  let end = digits.length;
  while (end > 1 && digits.charCodeAt(end - 1) === 48) end--;
  digits = digits.slice(0, end);
  return { neg, digits, exp: Number(s.slice(e + 1)) };
}

/** True when the decimal `e` (the shortest JS form of integer x ≥ 2^53) lies exactly half an ulp away. */
function isMidpoint(x: number, e: string): boolean {
  const m = /^(-?)(\d)(?:\.(\d*))?e\+(\d+)$/.exec(e);
  if (m === null) return false;
  const digits = m[2] + (m[3] ?? "");
  const exp = Number(m[4]);
  if (digits.length - 1 > exp) return false;
  const dec = BigInt(digits) * 10n ** BigInt(exp - (digits.length - 1));
  const exact = BigInt(Math.abs(x));
  const ulp = 2n ** BigInt(Math.floor(Math.log2(Math.abs(x))) - 52);
  const diff = dec > exact ? dec - exact : exact - dec;
  return diff * 2n === ulp;
}

/** double precision output (extra_float_digits = 1, the default). */
export function formatFloat8(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "Infinity";
  if (x === -Infinity) return "-Infinity";
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  let e = x.toExponential();
  if (Number.isInteger(x) && Math.abs(x) >= 9007199254740992 && isMidpoint(x, e)) {
    // Postgres's shortest-digits search excludes the exact rounding boundaries JS accepts
    e = x.toExponential(16);
  }
  const { neg, digits, exp } = splitExponential(e);
  return layout(neg, digits, exp, 15);
}

/** real output: the shortest decimal that reads back as the same float32. */
export function formatFloat4(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "Infinity";
  if (x === -Infinity) return "-Infinity";
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  const f = Math.fround(x);
  if (Number.isInteger(f) && Math.abs(f) < 1e6) return String(f);
  // the shortest precision that reads back as f (round-tripping is monotonic in the precision)
  let lo = 1;
  let hi = 9;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (Math.fround(Number(f.toExponential(mid - 1))) === f) hi = mid;
    else lo = mid + 1;
  }
  let s = f.toExponential(lo - 1);
  // JS rounds a decimal tie up; Postgres (ryu) picks the even digit
  const longer = f.toExponential(lo);
  const m = /^(-?)(\d)(?:\.(\d*))?e([+-]\d+)$/.exec(longer);
  if (m !== null && longer.includes("5e") && Number(longer) === f) {
    const digits = m[2] + (m[3] ?? "");
    const truncated = digits.slice(0, -1);
    const last = Number(truncated[truncated.length - 1]);
    if (last % 2 === 1) {
      // the rounded-up candidate has an odd neighbour below; prefer the even one if it reads back
      const down = (m[1] + truncated[0] + (truncated.length > 1 ? "." + truncated.slice(1) : "") + "e" + m[4]) as string;
      if (Math.fround(Number(down)) === f) s = down;
    }
  }
  const { neg, digits, exp } = splitExponential(s);
  return layout(neg, digits, exp, 6);
}

const FLOAT_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function parseSpecialFloat(t: string): number | null {
  switch (t.toLowerCase()) {
    case "nan":
      return NaN;
    case "infinity":
    case "+infinity":
    case "inf":
    case "+inf":
      return Infinity;
    case "-infinity":
    case "-inf":
      return -Infinity;
  }
  return null;
}

function hasNonZeroDigit(t: string): boolean {
  const e = t.search(/[eE]/);
  const mant = e < 0 ? t : t.slice(0, e);
  return /[1-9]/.test(mant);
}

/** double precision input, with Postgres's errors (22P02 syntax, 22003 range). */
export function parseFloat8(text: string): number {
  const t = text.trim();
  const special = parseSpecialFloat(t);
  if (special !== null) return special;
  if (!FLOAT_RE.test(t)) {
    throw new SqlError(SqlState.InvalidTextRepresentation, `invalid input syntax for type double precision: "${text}"`);
  }
  const v = Number(t);
  if (!Number.isFinite(v) || (v === 0 && hasNonZeroDigit(t))) {
    throw new SqlError(SqlState.NumericValueOutOfRange, `"${t}" is out of range for type double precision`);
  }
  return v;
}

/** real input. */
export function parseFloat4(text: string): number {
  const t = text.trim();
  const special = parseSpecialFloat(t);
  if (special !== null) return special;
  if (!FLOAT_RE.test(t)) {
    throw new SqlError(SqlState.InvalidTextRepresentation, `invalid input syntax for type real: "${text}"`);
  }
  const v = Math.fround(Number(t));
  if (!Number.isFinite(v) || (v === 0 && hasNonZeroDigit(t))) {
    throw new SqlError(SqlState.NumericValueOutOfRange, `"${t}" is out of range for type real`);
  }
  return v;
}

/** float8 → float4 with Postgres's overflow/underflow errors. */
export function toFloat4(x: number): number {
  const f = Math.fround(x);
  if (!Number.isFinite(f) && Number.isFinite(x)) {
    throw new SqlError(SqlState.NumericValueOutOfRange, "value out of range: overflow");
  }
  if (f === 0 && x !== 0) {
    throw new SqlError(SqlState.NumericValueOutOfRange, "value out of range: underflow");
  }
  return f;
}
