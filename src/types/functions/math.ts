// Mathematical functions with Postgres's overloads (double precision and numeric variants, the
// numeric ones exact) and errors: sqrt of a negative → 2201F, ln/log of zero or a negative → 2201E,
// float overflow/underflow → 22003.

import { DataType, Types } from "../data-type.js";
import { SqlError, SqlState } from "../errors.js";
import { Decimal } from "../numeric.js";
import { rint } from "../float.js";
import { defineFunction } from "./registry.js";
import { dpow, floatOverflow, floatUnderflow, int2OutOfRange, int4OutOfRange, int8OutOfRange, int4ops, int8ops } from "./operators.js";

const I2 = Types.smallint;
const I4 = Types.integer;
const I8 = Types.bigint;
const F4 = Types.real;
const F8 = Types.double;
const N = Types.numeric;

function f1(name: string, id: string, f: (x: number) => number): void {
  defineFunction({ name, params: [F8], ret: F8, id, impl: (a) => f(a[0] as number) });
}

function n1(name: string, id: string, f: (x: Decimal) => unknown, ret: DataType = N): void {
  defineFunction({ name, params: [N], ret, id, impl: (a) => f(a[0] as Decimal) });
}

function checkResult(r: number, x: number): number {
  if (!Number.isFinite(r) && Number.isFinite(x)) throw floatOverflow();
  return r;
}

function dsqrt(x: number): number {
  if (x < 0) throw new SqlError("2201F", "cannot take square root of a negative number");
  return Math.sqrt(x);
}

function dlog(x: number, f: (x: number) => number): number {
  if (x === 0) throw new SqlError("2201E", "cannot take logarithm of zero");
  if (x < 0) throw new SqlError("2201E", "cannot take logarithm of a negative number");
  return f(x);
}

function dexp(x: number): number {
  const r = Math.exp(x);
  if (r === Infinity && Number.isFinite(x)) throw floatOverflow();
  if (r === 0 && Number.isFinite(x)) throw floatUnderflow();
  return r;
}

function inputOutOfRange(): SqlError {
  return new SqlError(SqlState.NumericValueOutOfRange, "input is out of range");
}

function trig(f: (x: number) => number, domain?: (x: number) => boolean): (x: number) => number {
  return (x) => {
    if (x !== x) return NaN;
    if (domain !== undefined && !domain(x)) throw inputOutOfRange();
    if (!Number.isFinite(x) && domain === undefined && f !== Math.atan) throw inputOutOfRange();
    return f(x);
  };
}

function gcdBig(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  if (b < 0n) b = -b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function widthBucket(op: number, b1: number, b2: number, count: number): number {
  if (count <= 0) throw new SqlError("2201G", "count must be greater than zero");
  if (op !== op || b1 !== b1 || b2 !== b2) throw new SqlError("2201G", "operand, lower bound, and upper bound cannot be NaN");
  if (!Number.isFinite(b1) || !Number.isFinite(b2)) throw new SqlError("2201G", "lower and upper bounds must be finite");
  if (b1 === b2) throw new SqlError("2201G", "lower bound cannot equal upper bound");
  let r: number;
  if (b1 < b2) {
    if (op < b1) r = 0;
    else if (op >= b2) r = count + 1;
    else r = Math.floor((count * (op - b1)) / (b2 - b1)) + 1;
  } else {
    if (op > b1) r = 0;
    else if (op <= b2) r = count + 1;
    else r = Math.floor((count * (b1 - op)) / (b1 - b2)) + 1;
  }
  if (r > 2147483647) throw int4OutOfRange();
  return r;
}

function widthBucketNumeric(op: Decimal, b1: Decimal, b2: Decimal, count: number): number {
  if (count <= 0) throw new SqlError("2201G", "count must be greater than zero");
  if (op.isNaN() || b1.isNaN() || b2.isNaN()) throw new SqlError("2201G", "operand, lower bound, and upper bound cannot be NaN");
  if (!b1.isFinite() || !b2.isFinite()) throw new SqlError("2201G", "lower and upper bounds must be finite");
  const c = b1.cmp(b2);
  if (c === 0) throw new SqlError("2201G", "lower bound cannot equal upper bound");
  const cnt = Decimal.fromBigInt(BigInt(count));
  if (c < 0) {
    if (op.cmp(b1) < 0) return 0;
    if (op.cmp(b2) >= 0) return count + 1;
    return Number(op.sub(b1).mul(cnt).divTrunc(b2.sub(b1)).toString()) + 1;
  }
  if (op.cmp(b1) > 0) return 0;
  if (op.cmp(b2) <= 0) return count + 1;
  return Number(b1.sub(op).mul(cnt).divTrunc(b1.sub(b2)).toString()) + 1;
}

export function registerMath(): void {
  // abs
  defineFunction({ name: "abs", params: [I2], ret: I2, id: "abs:int2", impl: (a) => {
    const r = Math.abs(a[0] as number);
    if (r > 32767) throw int2OutOfRange();
    return r;
  } });
  defineFunction({ name: "abs", params: [I4], ret: I4, id: "abs:int4", impl: (a) => {
    const r = Math.abs(a[0] as number);
    if (r > 2147483647) throw int4OutOfRange();
    return r;
  } });
  defineFunction({ name: "abs", params: [I8], ret: I8, id: "abs:int8", impl: (a) => {
    const v = a[0] as bigint;
    const r = v < 0n ? -v : v;
    if (r > 9223372036854775807n) throw int8OutOfRange();
    return r;
  } });
  defineFunction({ name: "abs", params: [F4], ret: F4, id: "abs:float4", impl: (a) => Math.abs(a[0] as number) });
  f1("abs", "abs:float8", Math.abs);
  n1("abs", "abs:numeric", (x) => x.abs());

  // rounding
  f1("round", "round:float8", rint);
  n1("round", "round:numeric", (x) => x.round(0));
  defineFunction({ name: "round", params: [N, I4], ret: N, id: "round:numeric_int4", impl: (a) => (a[0] as Decimal).round(a[1] as number) });
  f1("trunc", "trunc:float8", Math.trunc);
  n1("trunc", "trunc:numeric", (x) => x.trunc(0));
  defineFunction({ name: "trunc", params: [N, I4], ret: N, id: "trunc:numeric_int4", impl: (a) => (a[0] as Decimal).trunc(a[1] as number) });
  for (const name of ["ceil", "ceiling"]) {
    f1(name, `${name}:float8`, Math.ceil);
    n1(name, `${name}:numeric`, (x) => x.ceil());
  }
  f1("floor", "floor:float8", Math.floor);
  n1("floor", "floor:numeric", (x) => x.floor());
  f1("sign", "sign:float8", (x) => (x > 0 ? 1 : x < 0 ? -1 : x === x ? 0 : NaN));
  n1("sign", "sign:numeric", (x) => (x.isNaN() ? x : Decimal.fromBigInt(BigInt(x.sign()))));

  // roots, powers, logarithms
  f1("sqrt", "sqrt:float8", dsqrt);
  n1("sqrt", "sqrt:numeric", (x) => x.sqrt());
  f1("cbrt", "cbrt:float8", Math.cbrt);
  for (const name of ["power", "pow"]) {
    defineFunction({ name, params: [F8, F8], ret: F8, id: `${name}:float8`, impl: (a) => dpow(a[0] as number, a[1] as number) });
    defineFunction({ name, params: [N, N], ret: N, id: `${name}:numeric`, impl: (a) => (a[0] as Decimal).pow(a[1] as Decimal) });
  }
  f1("exp", "exp:float8", dexp);
  n1("exp", "exp:numeric", (x) => x.exp());
  f1("ln", "ln:float8", (x) => dlog(x, Math.log));
  n1("ln", "ln:numeric", (x) => x.ln());
  for (const name of ["log", "log10"]) {
    f1(name, `${name}:float8`, (x) => dlog(x, Math.log10));
    n1(name, `${name}:numeric`, (x) => x.log10());
  }
  defineFunction({ name: "log", params: [N, N], ret: N, id: "log:numeric2", impl: (a) => (a[1] as Decimal).log(a[0] as Decimal) });

  // integer-ish
  defineFunction({ name: "mod", params: [I2, I2], ret: I2, id: "mod:int2", impl: (a) => int4ops.mod(a[0] as number, a[1] as number) });
  defineFunction({ name: "mod", params: [I4, I4], ret: I4, id: "mod:int4", impl: (a) => int4ops.mod(a[0] as number, a[1] as number) });
  defineFunction({ name: "mod", params: [I8, I8], ret: I8, id: "mod:int8", impl: (a) => int8ops.mod(a[0] as bigint, a[1] as bigint) });
  defineFunction({ name: "mod", params: [N, N], ret: N, id: "mod:numeric", impl: (a) => (a[0] as Decimal).mod(a[1] as Decimal) });
  defineFunction({ name: "div", params: [N, N], ret: N, id: "div:numeric", impl: (a) => (a[0] as Decimal).divTrunc(a[1] as Decimal) });
  defineFunction({
    name: "gcd", params: [I4, I4], ret: I4, id: "gcd:int4",
    impl: (a) => {
      const r = Number(gcdBig(BigInt(a[0] as number), BigInt(a[1] as number)));
      if (r > 2147483647) throw int4OutOfRange();
      return r;
    },
  });
  defineFunction({
    name: "gcd", params: [I8, I8], ret: I8, id: "gcd:int8",
    impl: (a) => {
      const r = gcdBig(a[0] as bigint, a[1] as bigint);
      if (r > 9223372036854775807n) throw int8OutOfRange();
      return r;
    },
  });
  defineFunction({
    name: "lcm", params: [I4, I4], ret: I4, id: "lcm:int4",
    impl: (a) => {
      const x = BigInt(a[0] as number);
      const y = BigInt(a[1] as number);
      if (x === 0n || y === 0n) return 0;
      const r = ((x < 0n ? -x : x) / gcdBig(x, y)) * (y < 0n ? -y : y);
      if (r > 2147483647n) throw int4OutOfRange();
      return Number(r);
    },
  });
  defineFunction({
    name: "lcm", params: [I8, I8], ret: I8, id: "lcm:int8",
    impl: (a) => {
      const x = a[0] as bigint;
      const y = a[1] as bigint;
      if (x === 0n || y === 0n) return 0n;
      const r = ((x < 0n ? -x : x) / gcdBig(x, y)) * (y < 0n ? -y : y);
      if (r > 9223372036854775807n) throw int8OutOfRange();
      return r;
    },
  });
  const decGcd = (x: Decimal, y: Decimal): Decimal => {
    if (!x.isFinite() || !y.isFinite()) return Decimal.NaN;
    const s = Math.max(x.scale, y.scale);
    const g = gcdBig(x.round(s).unscaled, y.round(s).unscaled);
    return Decimal.of(g, s);
  };
  defineFunction({ name: "gcd", params: [N, N], ret: N, id: "gcd:numeric", impl: (a) => decGcd(a[0] as Decimal, a[1] as Decimal) });
  defineFunction({
    name: "lcm", params: [N, N], ret: N, id: "lcm:numeric",
    impl: (a) => {
      const x = a[0] as Decimal;
      const y = a[1] as Decimal;
      if (!x.isFinite() || !y.isFinite()) return Decimal.NaN;
      if (x.isZero() || y.isZero()) return Decimal.of(0n, Math.max(x.scale, y.scale));
      const g = decGcd(x, y);
      return x.abs().divTrunc(g).mul(y.abs()).round(Math.max(x.scale, y.scale));
    },
  });
  defineFunction({
    name: "factorial", params: [I8], ret: N, id: "factorial",
    impl: (a) => {
      const n = a[0] as bigint;
      if (n < 0n) throw new SqlError(SqlState.InvalidParameterValue, "factorial of a negative number is undefined");
      if (n > 32177n) throw new SqlError(SqlState.NumericValueOutOfRange, "value overflows numeric format");
      let r = 1n;
      for (let i = 2n; i <= n; i++) r *= i;
      return Decimal.fromBigInt(r);
    },
  });
  n1("scale", "scale", (x) => (x.isFinite() ? x.scale : null), I4);
  n1("min_scale", "min_scale", (x) => (x.isFinite() ? x.normalize().scale : null), I4);
  n1("trim_scale", "trim_scale", (x) => x.normalize());
  defineFunction({
    name: "width_bucket", params: [F8, F8, F8, I4], ret: I4, id: "width_bucket:float8",
    impl: (a) => widthBucket(a[0] as number, a[1] as number, a[2] as number, a[3] as number),
  });
  defineFunction({
    name: "width_bucket", params: [N, N, N, I4], ret: I4, id: "width_bucket:numeric",
    impl: (a) => widthBucketNumeric(a[0] as Decimal, a[1] as Decimal, a[2] as Decimal, a[3] as number),
  });

  // constants and randomness
  defineFunction({ name: "pi", params: [], ret: F8, id: "pi", impl: () => Math.PI });
  defineFunction({ name: "random", params: [], ret: F8, id: "random", volatile: true, impl: (_, ctx) => ctx.random() });

  // trigonometry (radians)
  f1("degrees", "degrees", (x) => checkResult((x * 180) / Math.PI, x));
  f1("radians", "radians", (x) => (x * Math.PI) / 180);
  f1("sin", "sin", trig(Math.sin));
  f1("cos", "cos", trig(Math.cos));
  f1("tan", "tan", trig(Math.tan));
  f1("cot", "cot", trig((x) => 1 / Math.tan(x)));
  f1("asin", "asin", trig(Math.asin, (x) => x >= -1 && x <= 1));
  f1("acos", "acos", trig(Math.acos, (x) => x >= -1 && x <= 1));
  f1("atan", "atan", (x) => Math.atan(x));
  defineFunction({ name: "atan2", params: [F8, F8], ret: F8, id: "atan2", impl: (a) => Math.atan2(a[0] as number, a[1] as number) });
  f1("sinh", "sinh", Math.sinh);
  f1("cosh", "cosh", Math.cosh);
  f1("tanh", "tanh", Math.tanh);
  f1("asinh", "asinh", Math.asinh);
  f1("acosh", "acosh", (x) => {
    if (x < 1) throw inputOutOfRange();
    return Math.acosh(x);
  });
  f1("atanh", "atanh", (x) => {
    if (x < -1 || x > 1) throw inputOutOfRange();
    return Math.atanh(x);
  });
}
