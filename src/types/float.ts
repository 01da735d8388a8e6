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
    // Postgres's shortest-digits search excludes the exact rounding boundaries JS accepts: take
    // the correctly rounded decimal of the same length (or longer) that lies strictly inside
    let p = splitExponential(e).digits.length;
    for (; p < 17; p++) {
      const c = x.toExponential(p - 1);
      if (Number(c) === x && !isMidpoint(x, c)) break;
    }
    e = x.toExponential(p - 1);
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
  // Shortest digits that read back as f strictly inside its rounding interval (Postgres's ryu
  // rejects decimals exactly on the boundary between two floats), ties between equally near
  // candidates going to the even digit.
  const ulp = float32Ulp(f);
  const lowMid = f - ulp / 2;
  const highMid = f + ulp / 2;
  const ok = (c: string) => {
    const n = Number(c);
    return Math.fround(n) === f && n !== lowMid && n !== highMid;
  };
  let lo = 1;
  let hi = 9;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (Math.fround(Number(f.toExponential(mid - 1))) === f) hi = mid;
    else lo = mid + 1;
  }
  let s = "";
  for (let p = lo; p <= 9; p++) {
    const c = candidate(f, p);
    if (ok(c)) {
      s = c;
      break;
    }
  }
  if (s === "") s = f.toExponential(8);
  const { neg, digits, exp } = splitExponential(s);
  return layout(neg, digits, exp, 6);
}

/** Distance to the next float32 away from zero. */
function float32Ulp(f: number): number {
  const a = Math.abs(f);
  if (a < 1.1754943508222875e-38) return 1.401298464324817e-45; // subnormal spacing
  const e = Math.floor(Math.log2(a));
  let u = 2 ** (e - 23);
  // log2 can be off by one near powers of two
  if (2 ** e > a) u /= 2;
  else if (2 ** (e + 1) <= a) u *= 2;
  return u;
}

/** f rounded to p significant digits; an exact decimal tie goes to the even digit. */
function candidate(f: number, p: number): string {
  const up = f.toExponential(p - 1);
  const longer = f.toExponential(p);
  const m = /^(-?)(\d)(?:\.(\d*))?e([+-]\d+)$/.exec(longer);
  if (m === null || !longer.includes("5e") || Number(longer) !== f) return up;
  // f is exactly halfway between two p-digit decimals: JS rounded up, take the even one
  const digits = m[2] + (m[3] ?? "");
  const truncated = digits.slice(0, -1);
  if (Number(truncated[truncated.length - 1]) % 2 === 1) return up;
  const exp = Number(m[4]);
  return m[1] + truncated[0] + (truncated.length > 1 ? "." + truncated.slice(1) : "") + "e" + (exp < 0 ? "-" : "+") + Math.abs(exp);
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
