// NUMERIC: an exact decimal, as Postgres's numeric. A finite value is `unscaled × 10^-scale`
// (`scale` is Postgres's display scale, dscale: 1.50 has unscaled 150 and scale 2 and prints as
// "1.50"). NaN, +Infinity and -Infinity are the special values Postgres 14+ has.
//
// Result scales follow numeric.c: add/sub/mod keep the larger scale, mul adds the scales, div uses
// select_div_scale (at least 16 significant digits), sqrt/exp/ln/log/power pick their scales as
// Postgres 15 does. Rounding is half away from zero everywhere (Postgres's round_var).

import { SqlError, SqlState } from "./errors.js";
import { absBig, digitCount, divRound, expScaled, isqrt, lnFixed, pow10 } from "./numeric-math.js";

export { pow10 };

const enum Special {
  Finite = 0,
  NaN = 1,
  PosInf = 2,
  NegInf = 3,
}

const MIN_SIG_DIGITS = 16;
const MAX_DISPLAY_SCALE = 1000;
const MAX_RESULT_SCALE = 2000;
const DEC_DIGITS = 4;

function invalidNumeric(text: string): SqlError {
  return new SqlError(SqlState.InvalidTextRepresentation, `invalid input syntax for type numeric: "${text}"`);
}

function divisionByZero(): SqlError {
  return new SqlError(SqlState.DivisionByZero, "division by zero");
}

export class Decimal {
  /** Use the factories (`Decimal.of`, `parse`, `fromNumber`, `fromBigInt`). */
  private constructor(
    /** The digits as an integer; 0n for the special values. */
    readonly unscaled: bigint,
    /** Display scale: digits after the decimal point (>= 0). */
    readonly scale: number,
    private readonly special: Special,
  ) {}

  static readonly ZERO = new Decimal(0n, 0, Special.Finite);
  static readonly ONE = new Decimal(1n, 0, Special.Finite);
  static readonly NaN = new Decimal(0n, 0, Special.NaN);
  static readonly POSITIVE_INFINITY = new Decimal(0n, 0, Special.PosInf);
  static readonly NEGATIVE_INFINITY = new Decimal(0n, 0, Special.NegInf);

  /** unscaled × 10^-scale; a negative scale multiplies out (the result has scale 0). */
  static of(unscaled: bigint, scale = 0): Decimal {
    if (scale < 0) return new Decimal(unscaled * pow10(-scale), 0, Special.Finite);
    return new Decimal(unscaled, scale, Special.Finite);
  }

  static fromBigInt(v: bigint): Decimal {
    return new Decimal(v, 0, Special.Finite);
  }

  /**
   * A JS number as a Decimal: integers exactly, other values by their shortest round-trip
   * decimal form (0.1 → 0.1). NaN and ±Infinity map to the special values. For Postgres's
   * float8→numeric cast (15 significant digits) use `fromFloat`.
   */
  static fromNumber(n: number): Decimal {
    if (Number.isInteger(n)) {
      if (Number.isSafeInteger(n)) return new Decimal(BigInt(n), 0, Special.Finite);
      return new Decimal(BigInt(n), 0, Special.Finite);
    }
    if (Number.isNaN(n)) return Decimal.NaN;
    if (n === Infinity) return Decimal.POSITIVE_INFINITY;
    if (n === -Infinity) return Decimal.NEGATIVE_INFINITY;
    return Decimal.parse(String(n));
  }

  /**
   * Postgres's float→numeric conversion: the value printed with `%.{digits}g` (15 significant
   * digits for double precision, 6 for real), then read as numeric.
   */
  static fromFloat(n: number, digits = 15): Decimal {
    if (Number.isNaN(n)) return Decimal.NaN;
    if (n === Infinity) return Decimal.POSITIVE_INFINITY;
    if (n === -Infinity) return Decimal.NEGATIVE_INFINITY;
    if (n === 0) return Decimal.ZERO;
    const s = n.toExponential(digits - 1); // d.ddddde±x, correctly rounded
    const e = s.indexOf("e");
    let mant = s.slice(0, e).replace(".", "");
    const exp = Number(s.slice(e + 1));
    const neg = mant[0] === "-";
    if (neg) mant = mant.slice(1);
    mant = mant.replace(/0+$/, "");
    if (mant === "") mant = "0";
    // value = 0.mant... : mant digits d1 d2 ... with the point after d1, times 10^exp
    const scale = mant.length - 1 - exp;
    let u = BigInt(mant);
    if (neg) u = -u;
    return Decimal.of(u, scale);
  }

  /** Postgres's numeric input function. */
  static parse(text: string): Decimal {
    const d = Decimal.tryParse(text);
    if (d === null) throw invalidNumeric(text);
    return d;
  }

  /** Like parse, but null instead of an error. */
  static tryParse(text: string): Decimal | null {
    let i = 0;
    let n = text.length;
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    while (n > i && isSpace(text.charCodeAt(n - 1))) n--;
    if (i >= n) return null;
    let neg = false;
    const c0 = text.charCodeAt(i);
    if (c0 === 43 /* + */ || c0 === 45 /* - */) {
      neg = c0 === 45;
      i++;
    }
    const c = text.charCodeAt(i);
    if (!(c >= 48 && c <= 57) && c !== 46) {
      const word = text.slice(i, n).toLowerCase();
      if (word === "nan" && text.charCodeAt(i - 1) !== 43 && text.charCodeAt(i - 1) !== 45) return Decimal.NaN;
      if (word === "infinity" || word === "inf") return neg ? Decimal.NEGATIVE_INFINITY : Decimal.POSITIVE_INFINITY;
      return null;
    }
    let digits = "";
    let frac = 0;
    let sawDigit = false;
    let sawPoint = false;
    const start = i;
    for (; i < n; i++) {
      const ch = text.charCodeAt(i);
      if (ch >= 48 && ch <= 57) {
        sawDigit = true;
        if (sawPoint) frac++;
      } else if (ch === 46 && !sawPoint) {
        sawPoint = true;
      } else break;
    }
    if (!sawDigit) return null;
    digits = sawPoint ? text.slice(start, i).replace(".", "") : text.slice(start, i);
    let exp = 0;
    if (i < n && (text.charCodeAt(i) === 101 || text.charCodeAt(i) === 69)) {
      i++;
      let eneg = false;
      if (i < n && (text.charCodeAt(i) === 43 || text.charCodeAt(i) === 45)) {
        eneg = text.charCodeAt(i) === 45;
        i++;
      }
      const es = i;
      while (i < n && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
      if (i === es) return null;
      const ev = Number(text.slice(es, i));
      if (ev > 1_000_000) {
        if (!eneg) throw new SqlError(SqlState.NumericValueOutOfRange, "value overflows numeric format");
        return null;
      }
      exp = eneg ? -ev : ev;
    }
    if (i !== n) return null;
    let u = BigInt(digits);
    if (neg) u = -u;
    let scale = frac - exp;
    if (scale < 0) {
      u *= pow10(-scale);
      scale = 0;
    }
    return new Decimal(u, scale, Special.Finite);
  }

  // ---- predicates -----------------------------------------------------------------------------

  isNaN(): boolean {
    return this.special === Special.NaN;
  }
  isFinite(): boolean {
    return this.special === Special.Finite;
  }
  isInfinite(): boolean {
    return this.special === Special.PosInf || this.special === Special.NegInf;
  }
  isZero(): boolean {
    return this.special === Special.Finite && this.unscaled === 0n;
  }
  /** -1, 0 or 1 (NaN gives NaN). */
  sign(): number {
    switch (this.special) {
      case Special.NaN:
        return NaN;
      case Special.PosInf:
        return 1;
      case Special.NegInf:
        return -1;
      default:
        return this.unscaled > 0n ? 1 : this.unscaled < 0n ? -1 : 0;
    }
  }
  isInteger(): boolean {
    return this.special === Special.Finite && (this.scale === 0 || this.unscaled % pow10(this.scale) === 0n);
  }

  // ---- conversions ----------------------------------------------------------------------------

  /** Postgres's numeric output (keeps the display scale: 1.50 prints "1.50"). */
  toString(): string {
    switch (this.special) {
      case Special.NaN:
        return "NaN";
      case Special.PosInf:
        return "Infinity";
      case Special.NegInf:
        return "-Infinity";
    }
    if (this.scale === 0) return this.unscaled.toString();
    const neg = this.unscaled < 0n;
    let s = (neg ? -this.unscaled : this.unscaled).toString();
    if (s.length <= this.scale) s = "0".repeat(this.scale - s.length + 1) + s;
    const p = s.length - this.scale;
    return (neg ? "-" : "") + s.slice(0, p) + "." + s.slice(p);
  }

  toJSON(): string {
    return this.toString();
  }

  /** The nearest double (correctly rounded, as Postgres's numeric→float8 cast). */
  toNumber(): number {
    switch (this.special) {
      case Special.NaN:
        return NaN;
      case Special.PosInf:
        return Infinity;
      case Special.NegInf:
        return -Infinity;
    }
    if (this.scale === 0) return Number(this.unscaled);
    if (absBig(this.unscaled) < 9007199254740992n && this.scale <= 22) {
      // exact numerator and exact power of ten: one correctly rounded division
      return Number(this.unscaled) / 10 ** this.scale;
    }
    return Number(this.toString());
  }

  /** Rounded to an integer (half away from zero) as a bigint; errors for NaN/Infinity. */
  toBigInt(typeName = "bigint"): bigint {
    if (this.special === Special.NaN) {
      throw new SqlError(SqlState.FeatureNotSupported, `cannot convert NaN to ${typeName}`);
    }
    if (this.special !== Special.Finite) {
      throw new SqlError(SqlState.FeatureNotSupported, `cannot convert infinity to ${typeName}`);
    }
    if (this.scale === 0) return this.unscaled;
    return divRound(this.unscaled, pow10(this.scale));
  }

  // ---- comparison -----------------------------------------------------------------------------

  /** Postgres's ordering: -Infinity < finite values < Infinity < NaN (NaN equals NaN). */
  cmp(other: Decimal): number {
    if (this.special !== Special.Finite || other.special !== Special.Finite) {
      return rank(this) - rank(other);
    }
    if (this.scale === other.scale) {
      return this.unscaled < other.unscaled ? -1 : this.unscaled > other.unscaled ? 1 : 0;
    }
    let a = this.unscaled;
    let b = other.unscaled;
    if (this.scale < other.scale) a *= pow10(other.scale - this.scale);
    else b *= pow10(this.scale - other.scale);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  eq(other: Decimal): boolean {
    return this.cmp(other) === 0;
  }

  /** The value with trailing fractional zeros removed (1.500 → 1.5): a canonical form for hashing. */
  normalize(): Decimal {
    if (this.special !== Special.Finite || this.scale === 0) return this;
    let u = this.unscaled;
    let s = this.scale;
    if (u === 0n) return Decimal.ZERO;
    while (s > 0 && u % 10n === 0n) {
      u /= 10n;
      s--;
    }
    return s === this.scale ? this : new Decimal(u, s, Special.Finite);
  }

  // ---- arithmetic -----------------------------------------------------------------------------

  neg(): Decimal {
    switch (this.special) {
      case Special.NaN:
        return this;
      case Special.PosInf:
        return Decimal.NEGATIVE_INFINITY;
      case Special.NegInf:
        return Decimal.POSITIVE_INFINITY;
    }
    return new Decimal(-this.unscaled, this.scale, Special.Finite);
  }

  abs(): Decimal {
    if (this.special === Special.NegInf) return Decimal.POSITIVE_INFINITY;
    if (this.special !== Special.Finite || this.unscaled >= 0n) return this;
    return new Decimal(-this.unscaled, this.scale, Special.Finite);
  }

  add(o: Decimal): Decimal {
    if (this.special !== Special.Finite || o.special !== Special.Finite) return specialAdd(this, o);
    if (this.scale === o.scale) return new Decimal(this.unscaled + o.unscaled, this.scale, Special.Finite);
    if (this.scale > o.scale) {
      return new Decimal(this.unscaled + o.unscaled * pow10(this.scale - o.scale), this.scale, Special.Finite);
    }
    return new Decimal(this.unscaled * pow10(o.scale - this.scale) + o.unscaled, o.scale, Special.Finite);
  }

  sub(o: Decimal): Decimal {
    return this.add(o.neg());
  }

  mul(o: Decimal): Decimal {
    if (this.special !== Special.Finite || o.special !== Special.Finite) {
      if (this.special === Special.NaN || o.special === Special.NaN) return Decimal.NaN;
      const s = this.sign() * o.sign();
      if (s === 0) return Decimal.NaN; // infinity × 0
      return s > 0 ? Decimal.POSITIVE_INFINITY : Decimal.NEGATIVE_INFINITY;
    }
    return new Decimal(this.unscaled * o.unscaled, this.scale + o.scale, Special.Finite);
  }

  /** Division with Postgres's result scale (select_div_scale), rounded half away from zero. */
  div(o: Decimal): Decimal {
    if (this.special !== Special.Finite || o.special !== Special.Finite) return specialDiv(this, o);
    if (o.unscaled === 0n) throw divisionByZero();
    return this.divScale(o, selectDivScale(this, o));
  }

  /** this / o rounded to `rscale` digits (half away from zero). */
  divScale(o: Decimal, rscale: number): Decimal {
    if (o.unscaled === 0n) throw divisionByZero();
    // this/o = (ua/10^sa)/(ub/10^sb); q×10^-rscale → q = ua×10^(rscale+sb-sa) / ub
    const shift = rscale + o.scale - this.scale;
    let n = this.unscaled;
    let d = o.unscaled;
    if (shift >= 0) n *= pow10(shift);
    else d *= pow10(-shift);
    if (d < 0n) {
      n = -n;
      d = -d;
    }
    return new Decimal(divRound(n, d), rscale, Special.Finite);
  }

  /** Truncating integer division (Postgres's div(numeric, numeric)), scale 0. */
  divTrunc(o: Decimal): Decimal {
    if (this.special !== Special.Finite || o.special !== Special.Finite) {
      if (this.special === Special.NaN || o.special === Special.NaN) return Decimal.NaN;
      if (o.special === Special.Finite && o.unscaled === 0n) throw divisionByZero();
      if (this.isInfinite()) {
        if (o.isInfinite()) return Decimal.NaN;
        return this.sign() * o.sign() > 0 ? Decimal.POSITIVE_INFINITY : Decimal.NEGATIVE_INFINITY;
      }
      return Decimal.ZERO;
    }
    if (o.unscaled === 0n) throw divisionByZero();
    let n = this.unscaled;
    let d = o.unscaled;
    if (o.scale >= this.scale) n *= pow10(o.scale - this.scale);
    else d *= pow10(this.scale - o.scale);
    return new Decimal(n / d, 0, Special.Finite);
  }

  /** Remainder with the sign of the dividend; scale max(s1, s2). */
  mod(o: Decimal): Decimal {
    if (this.special !== Special.Finite || o.special !== Special.Finite) {
      if (this.special === Special.NaN || o.special === Special.NaN) return Decimal.NaN;
      if (o.special === Special.Finite && o.unscaled === 0n) throw divisionByZero();
      if (this.isInfinite()) return Decimal.NaN;
      return this; // finite % ±Infinity = the dividend
    }
    if (o.unscaled === 0n) throw divisionByZero();
    const s = Math.max(this.scale, o.scale);
    const a = this.unscaled * pow10(s - this.scale);
    const b = o.unscaled * pow10(s - o.scale);
    return new Decimal(a % b, s, Special.Finite);
  }

  /** Rounds to `scale` decimal places (negative: to tens, hundreds...), half away from zero. */
  round(scale = 0): Decimal {
    if (this.special !== Special.Finite) return this;
    return this.rescale(scale, true);
  }

  /** Truncates toward zero at `scale` decimal places. */
  trunc(scale = 0): Decimal {
    if (this.special !== Special.Finite) return this;
    return this.rescale(scale, false);
  }

  private rescale(scale: number, rounding: boolean): Decimal {
    const target = Math.max(scale, 0);
    if (scale >= this.scale) {
      return scale === this.scale ? this : new Decimal(this.unscaled * pow10(scale - this.scale), scale, Special.Finite);
    }
    const drop = pow10(this.scale - scale);
    let q = rounding ? divRound(this.unscaled, drop) : this.unscaled / drop;
    // q is the value in units of 10^-scale; express it at scale `target`
    if (scale < 0) q *= pow10(-scale);
    return new Decimal(q, target, Special.Finite);
  }

  floor(): Decimal {
    if (this.special !== Special.Finite || this.scale === 0) return this.special === Special.Finite ? this : this;
    const d = pow10(this.scale);
    let q = this.unscaled / d;
    if (this.unscaled < 0n && q * d !== this.unscaled) q -= 1n;
    return new Decimal(q, 0, Special.Finite);
  }

  ceil(): Decimal {
    if (this.special !== Special.Finite || this.scale === 0) return this;
    const d = pow10(this.scale);
    let q = this.unscaled / d;
    if (this.unscaled > 0n && q * d !== this.unscaled) q += 1n;
    return new Decimal(q, 0, Special.Finite);
  }

  /**
   * Square root with Postgres's result scale (or `scale` digits when given, as the stddev
   * aggregates use); negative input → 2201F.
   */
  sqrt(scale?: number): Decimal {
    if (this.special === Special.NaN || this.special === Special.PosInf) return this;
    if (this.sign() < 0) {
      throw new SqlError("2201F", "cannot take square root of a negative number");
    }
    const w = this.unscaled === 0n ? 0 : baseWeight(this);
    const sweight = Math.trunc(((w + 1) * DEC_DIGITS) / 2) - 1;
    let rscale = MIN_SIG_DIGITS - sweight;
    rscale = scale ?? clampScale(Math.max(rscale, this.scale));
    if (this.unscaled === 0n) return new Decimal(0n, rscale, Special.Finite);
    // floor(sqrt(x) × 10^(rscale+1)), then round on the last digit
    const k = rscale + 1;
    // x × 10^(2k) = unscaled × 10^(2k - scale)
    const e = 2 * k - this.scale;
    const n = e >= 0 ? this.unscaled * pow10(e) : this.unscaled / pow10(-e);
    const r = isqrt(n);
    return new Decimal(divRound(r, 10n), rscale, Special.Finite);
  }

  /** e^this with Postgres's result scale. */
  exp(): Decimal {
    if (this.special === Special.NaN || this.special === Special.PosInf) return this;
    if (this.special === Special.NegInf) return Decimal.ZERO;
    let val = this.toNumber() * 0.434294481903252;
    val = Math.max(-MAX_RESULT_SCALE, Math.min(MAX_RESULT_SCALE, val));
    if (val > 131072) throw new SqlError(SqlState.NumericValueOutOfRange, "value overflows numeric format");
    let rscale = MIN_SIG_DIGITS - Math.trunc(val);
    rscale = clampScale(Math.max(rscale, this.scale));
    return expFixed(this, rscale);
  }

  /** Natural logarithm with Postgres's result scale. */
  ln(): Decimal {
    checkLogArg(this);
    if (this.special !== Special.Finite) return this;
    let rscale = MIN_SIG_DIGITS - estimateLnDweight(this);
    rscale = clampScale(Math.max(rscale, this.scale));
    return lnRounded(this, rscale);
  }

  /** Logarithm of `this` in base `base` (Postgres's log(base, x)). */
  log(base: Decimal): Decimal {
    if (this.special === Special.NaN || base.special === Special.NaN) return Decimal.NaN;
    checkLogArg(base);
    checkLogArg(this);
    if (this.special !== Special.Finite || base.special !== Special.Finite) {
      if (this.isInfinite() && base.isInfinite()) return Decimal.NaN;
      if (this.isInfinite()) return Decimal.POSITIVE_INFINITY;
      return Decimal.ZERO;
    }
    const resultDweight = estimateLnDweight(this) - estimateLnDweight(base);
    let rscale = MIN_SIG_DIGITS - resultDweight;
    rscale = clampScale(Math.max(rscale, base.scale, this.scale));
    const w = rscale + 10 + Math.max(0, -resultDweight);
    const lnNum = lnFixed(this.unscaled, this.scale, w);
    const lnBase = lnFixed(base.unscaled, base.scale, w);
    if (lnBase === 0n) throw divisionByZero();
    // (lnNum / lnBase) at rscale
    return new Decimal(divRound(lnNum * pow10(rscale), lnBase), rscale, Special.Finite);
  }

  /** Base-10 logarithm. */
  log10(): Decimal {
    return this.log(Decimal.of(10n));
  }

  /** this ^ exponent, as Postgres 15's numeric power. */
  pow(exponent: Decimal): Decimal {
    const base = this;
    if (base.special === Special.NaN) {
      return exponent.isZero() ? new Decimal(1n, 0, Special.Finite) : Decimal.NaN;
    }
    if (exponent.special === Special.NaN) {
      return base.special === Special.Finite && base.unscaled === pow10(base.scale) ? Decimal.ONE : Decimal.NaN;
    }
    if (base.special === Special.Finite && base.unscaled === 0n && exponent.sign() < 0) {
      throw new SqlError("2201F", "zero raised to a negative power is undefined");
    }
    if (base.special === Special.Finite && base.sign() < 0 && exponent.special === Special.Finite && !exponent.isInteger()) {
      throw new SqlError("2201F", "a negative number raised to a non-integer power yields a complex result");
    }
    if (base.special !== Special.Finite || exponent.special !== Special.Finite) return specialPow(base, exponent);
    if (exponent.isInteger()) {
      const e = exponent.scale === 0 ? exponent.unscaled : exponent.unscaled / pow10(exponent.scale);
      if (e >= -2147483648n && e <= 2147483647n) {
        const rscale = clampScale(Math.max(MIN_SIG_DIGITS, base.scale));
        return powInt(base, Number(e), rscale);
      }
    }
    if (base.unscaled === 0n) return new Decimal(0n, MIN_SIG_DIGITS, Special.Finite);
    // general case: exp(exponent × ln(base))
    let negResult = false;
    let b: Decimal = base;
    if (b.sign() < 0) {
      // only integers reach here (checked above); odd → negative
      b = b.neg();
      negResult = exponent.unscaled % 2n !== 0n;
    }
    const lnb = b.lnApprox();
    let val = lnb * exponent.toNumber();
    if (Math.abs(val) > MAX_RESULT_SCALE * 3.01) {
      if (val > 0) throw new SqlError(SqlState.NumericValueOutOfRange, "value overflows numeric format");
      return new Decimal(0n, MAX_DISPLAY_SCALE, Special.Finite);
    }
    val *= 0.434294481903252;
    let rscale = MIN_SIG_DIGITS - Math.trunc(val);
    rscale = clampScale(Math.max(rscale, b.scale, exponent.scale));
    const w = rscale + Math.max(0, Math.trunc(val)) + 12 + digitCount(exponent.unscaled);
    const lnFix = lnFixed(b.unscaled, b.scale, w); // ln(b) × 10^w
    // x = exponent × ln(b) at scale w
    const x = divRound(exponent.unscaled * lnFix, pow10(exponent.scale));
    const r = Decimal.of(expScaled(x, w, rscale), rscale);
    return negResult ? r.neg() : r;
  }

  private lnApprox(): number {
    // ln of a positive finite decimal as a double, safe for huge/tiny values
    const digits = digitCount(this.unscaled);
    const take = Math.min(digits, 17);
    const lead = Number(this.unscaled / pow10(digits - take));
    return Math.log(lead) + (digits - take - this.scale) * Math.LN10;
  }
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function rank(d: Decimal): number {
  if (d.isNaN()) return 3;
  if (d.isInfinite()) return d.sign() > 0 ? 2 : -2;
  return d.sign() > 0 ? 1 : d.sign() < 0 ? -1 : 0;
}

function specialAdd(a: Decimal, b: Decimal): Decimal {
  if (a.isNaN() || b.isNaN()) return Decimal.NaN;
  if (a.isInfinite() && b.isInfinite()) return a.sign() === b.sign() ? a : Decimal.NaN;
  return a.isInfinite() ? a : b;
}

function specialDiv(a: Decimal, b: Decimal): Decimal {
  if (a.isNaN() || b.isNaN()) return Decimal.NaN;
  if (a.isInfinite()) {
    if (b.isInfinite()) return Decimal.NaN;
    const s = b.sign();
    if (s === 0) throw divisionByZero();
    return a.sign() * s > 0 ? Decimal.POSITIVE_INFINITY : Decimal.NEGATIVE_INFINITY;
  }
  // finite / ±Infinity
  return Decimal.ZERO;
}

function specialPow(base: Decimal, exp: Decimal): Decimal {
  // Postgres's rules for infinite inputs (numeric_power)
  if (base.isFinite() && base.eq(Decimal.ONE)) return Decimal.ONE;
  if (exp.isZero()) return Decimal.ONE;
  if (base.isFinite()) {
    const absCmp = base.abs().cmp(Decimal.ONE);
    if (base.isZero()) return exp.sign() > 0 ? Decimal.ZERO : Decimal.POSITIVE_INFINITY;
    if (exp.sign() > 0) {
      if (absCmp > 0) {
        if (base.sign() < 0) throw new SqlError("2201F", "a negative number raised to a non-integer power yields a complex result");
        return Decimal.POSITIVE_INFINITY;
      }
      return Decimal.ZERO;
    }
    if (absCmp < 0) {
      if (base.sign() < 0) throw new SqlError("2201F", "a negative number raised to a non-integer power yields a complex result");
      return Decimal.POSITIVE_INFINITY;
    }
    return Decimal.ZERO;
  }
  if (base.sign() > 0) return exp.sign() > 0 ? Decimal.POSITIVE_INFINITY : Decimal.ZERO;
  // -Infinity ^ exp
  if (exp.sign() < 0) return Decimal.ZERO;
  if (exp.isFinite() && exp.isInteger()) {
    const odd = (exp.scale === 0 ? exp.unscaled : exp.unscaled / pow10(exp.scale)) % 2n !== 0n;
    return odd ? Decimal.NEGATIVE_INFINITY : Decimal.POSITIVE_INFINITY;
  }
  return Decimal.POSITIVE_INFINITY;
}

function checkLogArg(d: Decimal): void {
  if (d.isNaN()) return;
  const s = d.sign();
  if (s === 0) throw new SqlError("2201E", "cannot take logarithm of zero");
  if (s < 0) throw new SqlError("2201E", "cannot take logarithm of a negative number");
}

function clampScale(s: number): number {
  return Math.min(Math.max(s, 0), MAX_DISPLAY_SCALE);
}

/** Base-10000 weight of a nonzero finite decimal (Postgres's NumericVar.weight). */
function baseWeight(d: Decimal): number {
  const p = digitCount(d.unscaled) - 1 - d.scale; // decimal exponent of the leading digit
  return Math.floor(p / DEC_DIGITS);
}

/** The first `count` base-10000 digits of |d| (nonzero, finite), with the weight. */
function baseDigits(d: Decimal, count: number): { weight: number; digits: number[] } {
  const u = absBig(d.unscaled);
  const nd = digitCount(u);
  const p = nd - 1 - d.scale;
  const weight = Math.floor(p / DEC_DIGITS);
  // value / 10000^(weight - count + 1), truncated, gives `count` base digits
  const e = d.scale + DEC_DIGITS * (weight - count + 1); // divide unscaled by 10^e
  const top = e >= 0 ? u / pow10(e) : u * pow10(-e);
  const digits: number[] = [];
  let t = top;
  for (let i = 0; i < count; i++) {
    digits.unshift(Number(t % 10000n));
    t /= 10000n;
  }
  return { weight, digits };
}

function selectDivScale(a: Decimal, b: Decimal): number {
  let weight1 = 0;
  let first1 = 0;
  if (a.unscaled !== 0n) {
    const r = baseDigits(a, 1);
    weight1 = r.weight;
    first1 = r.digits[0];
  }
  let weight2 = 0;
  let first2 = 0;
  if (b.unscaled !== 0n) {
    const r = baseDigits(b, 1);
    weight2 = r.weight;
    first2 = r.digits[0];
  }
  let qweight = weight1 - weight2;
  if (first1 <= first2) qweight--;
  let rscale = MIN_SIG_DIGITS - qweight * DEC_DIGITS;
  rscale = Math.max(rscale, a.scale, b.scale, 0);
  return Math.min(rscale, MAX_DISPLAY_SCALE);
}

/** Postgres's estimate_ln_dweight: the decimal weight of ln(d). */
function estimateLnDweight(d: Decimal): number {
  if (d.sign() <= 0 || !d.isFinite()) return 0;
  const nine = Decimal.of(9n, 1);
  const oneOne = Decimal.of(11n, 1);
  if (d.cmp(nine) >= 0 && d.cmp(oneOne) <= 0) {
    const x = d.sub(Decimal.ONE);
    if (x.unscaled === 0n) return 0;
    return digitCount(x.unscaled) - 1 - x.scale;
  }
  const { weight, digits } = baseDigits(d, 2);
  let dg = digits[0];
  let dweight = weight * DEC_DIGITS;
  // Postgres uses the second digit only when the value has one (ndigits > 1)
  const hasSecond = hasMoreThanOneBaseDigit(d, weight);
  if (hasSecond) {
    dg = dg * 10000 + digits[1];
    dweight -= DEC_DIGITS;
  }
  const lnVar = Math.log(dg) + dweight * 2.302585092994046;
  return Math.trunc(Math.log10(Math.abs(lnVar)));
}

function hasMoreThanOneBaseDigit(d: Decimal, weight: number): boolean {
  // true if |d| is not a single base-10000 digit times 10000^weight
  const e = d.scale + DEC_DIGITS * weight; // unscaled / 10^e = leading digit
  const u = absBig(d.unscaled);
  if (e <= 0) return false;
  return u % pow10(e) !== 0n;
}

function lnRounded(d: Decimal, rscale: number): Decimal {
  const lnv = lnFixed(d.unscaled, d.scale, rscale + 8);
  return Decimal.of(divRound(lnv, pow10(8)), rscale);
}

/** e^x for a decimal x, rounded to rscale. */
function expFixed(x: Decimal, rscale: number): Decimal {
  const mag = Math.max(0, Math.ceil(Math.abs(x.toNumber()) * 0.4343));
  const w = rscale + mag + 12;
  const e = w - x.scale;
  const xs = e >= 0 ? x.unscaled * pow10(e) : divRound(x.unscaled, pow10(-e));
  return Decimal.of(expScaled(xs, w, rscale), rscale);
}

function powInt(base: Decimal, e: number, rscale: number): Decimal {
  if (e === 0) return Decimal.of(1n, 0).round(rscale);
  const neg = e < 0;
  const n = Math.abs(e);
  if (n > 100000 && !(absBig(base.unscaled) === pow10(base.scale))) {
    // huge exponents: check for overflow/underflow first
    const lnb = Math.log(Math.abs(base.toNumber()));
    if (lnb * n * 0.4343 > 131072) throw new SqlError(SqlState.NumericValueOutOfRange, "value overflows numeric format");
  }
  const u = base.unscaled ** BigInt(n);
  const s = base.scale * n;
  if (!neg) {
    return Decimal.of(u, s).round(rscale);
  }
  // 1 / (u × 10^-s) = 10^s / u
  if (u === 0n) throw divisionByZero();
  let num = pow10(s + rscale);
  let den = u;
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  return Decimal.of(divRound(num, den), rscale);
}

