// Arithmetic, comparison, bitwise and concatenation operators on the scalar types.
//
// Operator ids are `${op}:${type}` for same-type binary operators (prefix operators: "u-:int4"), with Postgres's short type names
// (bool int2 int4 int8 float4 float8 numeric text bpchar bytea date time timestamp timestamptz
// interval jsonb vector), e.g. "+:int4", "=:text", "<:numeric"; cross-type float operators are
// "+:float48" (real, double) and "+:float84"; array comparisons are parametric
// ("=:array$integer[]$integer[]"). Integer overflow raises 22003 (`integer out of range`, ...),
// division by zero 22012, as Postgres does.

import { DataType, Types } from "../data-type.js";
import { SqlError, SqlState } from "../errors.js";
import { Decimal } from "../numeric.js";
import { castValue } from "../cast.js";
import { compareCodePoints, compareValues, compareFloat, rtrimSpaces, compareBytes } from "../compare.js";
import { Impl, defineOperator } from "./registry.js";

const I16_MIN = -32768;
const I16_MAX = 32767;
const I32_MIN = -2147483648;
const I32_MAX = 2147483647;
const I64_MIN = -9223372036854775808n;
const I64_MAX = 9223372036854775807n;

export function int2OutOfRange(): SqlError {
  return new SqlError(SqlState.NumericValueOutOfRange, "smallint out of range");
}
export function int4OutOfRange(): SqlError {
  return new SqlError(SqlState.NumericValueOutOfRange, "integer out of range");
}
export function int8OutOfRange(): SqlError {
  return new SqlError(SqlState.NumericValueOutOfRange, "bigint out of range");
}
export function divisionByZero(): SqlError {
  return new SqlError(SqlState.DivisionByZero, "division by zero");
}
export function floatOverflow(): SqlError {
  return new SqlError(SqlState.NumericValueOutOfRange, "value out of range: overflow");
}
export function floatUnderflow(): SqlError {
  return new SqlError(SqlState.NumericValueOutOfRange, "value out of range: underflow");
}

export const SHORT: Record<string, string> = {
  boolean: "bool",
  smallint: "int2",
  integer: "int4",
  bigint: "int8",
  real: "float4",
  double: "float8",
  numeric: "numeric",
  text: "text",
  char: "bpchar",
  bytea: "bytea",
  date: "date",
  time: "time",
  timestamp: "timestamp",
  timestamptz: "timestamptz",
  interval: "interval",
  jsonb: "jsonb",
  vector: "vector",
};

type BinImpl = (a: never, b: never) => unknown;

/** Defines a binary operator with a two-argument implementation. */
export function binop(op: string, left: DataType, right: DataType, ret: DataType, id: string, f: BinImpl, strict = true): void {
  const g = f as (a: unknown, b: unknown) => unknown;
  defineOperator("binary", { name: op, params: [left, right], ret, id, strict, impl: (args) => g(args[0], args[1]) });
}

/** Defines a prefix operator; its id is "u" + `id` (e.g. "u-:int4"). */
export function prefixop(op: string, arg: DataType, ret: DataType, id: string, f: (a: never) => unknown): void {
  const g = f as (a: unknown) => unknown;
  defineOperator("prefix", { name: op, params: [arg], ret, id: "u" + id, impl: (args) => g(args[0]) });
}

// ---- integers --------------------------------------------------------------------------------

function int2(r: number): number {
  if (r > I16_MAX || r < I16_MIN) throw int2OutOfRange();
  return r | 0;
}
function int4(r: number): number {
  if (r > I32_MAX || r < I32_MIN) throw int4OutOfRange();
  return r | 0;
}
function int8(r: bigint): bigint {
  if (r > I64_MAX || r < I64_MIN) throw int8OutOfRange();
  return r;
}

export const int4ops = {
  add: (a: number, b: number) => int4(a + b),
  sub: (a: number, b: number) => int4(a - b),
  mul: (a: number, b: number) => int4(a * b),
  div: (a: number, b: number) => {
    if (b === 0) throw divisionByZero();
    if (b === -1) return int4(-a);
    return (a / b) | 0;
  },
  mod: (a: number, b: number) => {
    if (b === 0) throw divisionByZero();
    if (b === -1) return 0;
    return a % b | 0;
  },
};

export const int2ops = {
  add: (a: number, b: number) => int2(a + b),
  sub: (a: number, b: number) => int2(a - b),
  mul: (a: number, b: number) => int2(a * b),
  div: (a: number, b: number) => {
    if (b === 0) throw divisionByZero();
    if (b === -1) return int2(-a);
    return (a / b) | 0;
  },
  mod: int4ops.mod,
};

export const int8ops = {
  add: (a: bigint, b: bigint) => int8(a + b),
  sub: (a: bigint, b: bigint) => int8(a - b),
  mul: (a: bigint, b: bigint) => int8(a * b),
  div: (a: bigint, b: bigint) => {
    if (b === 0n) throw divisionByZero();
    return int8(a / b);
  },
  mod: (a: bigint, b: bigint) => {
    if (b === 0n) throw divisionByZero();
    if (b === -1n) return 0n;
    return a % b;
  },
};

// ---- floats ----------------------------------------------------------------------------------

function checkF8(r: number, a: number, b: number): number {
  if ((r === Infinity || r === -Infinity) && Number.isFinite(a) && Number.isFinite(b)) throw floatOverflow();
  return r;
}

export const float8ops = {
  add: (a: number, b: number) => checkF8(a + b, a, b),
  sub: (a: number, b: number) => checkF8(a - b, a, b),
  mul: (a: number, b: number) => {
    const r = checkF8(a * b, a, b);
    if (r === 0 && a !== 0 && b !== 0) throw floatUnderflow();
    return r;
  },
  div: (a: number, b: number) => {
    if (b === 0 && a === a) throw divisionByZero();
    const r = a / b;
    if ((r === Infinity || r === -Infinity) && Number.isFinite(a)) throw floatOverflow();
    if (r === 0 && a !== 0 && Number.isFinite(b)) throw floatUnderflow();
    return r;
  },
};

function checkF4(r: number, a: number, b: number): number {
  r = Math.fround(r);
  if ((r === Infinity || r === -Infinity) && Number.isFinite(a) && Number.isFinite(b)) throw floatOverflow();
  return r;
}

export const float4ops = {
  add: (a: number, b: number) => checkF4(a + b, a, b),
  sub: (a: number, b: number) => checkF4(a - b, a, b),
  mul: (a: number, b: number) => {
    const r = checkF4(a * b, a, b);
    if (r === 0 && a !== 0 && b !== 0) throw floatUnderflow();
    return r;
  },
  div: (a: number, b: number) => {
    if (b === 0 && a === a) throw divisionByZero();
    const r = Math.fround(a / b);
    if ((r === Infinity || r === -Infinity) && Number.isFinite(a)) throw floatOverflow();
    if (r === 0 && a !== 0 && Number.isFinite(b)) throw floatUnderflow();
    return r;
  },
};

/** Postgres's dpow (float8 ^ float8). */
export function dpow(a: number, b: number): number {
  if (a === 0 && b < 0) throw new SqlError("2201F", "zero raised to a negative power is undefined");
  if (a < 0 && Math.floor(b) !== b && Number.isFinite(b)) {
    throw new SqlError("2201F", "a negative number raised to a non-integer power yields a complex result");
  }
  if (a !== a) return b !== b || b !== 0 ? NaN : 1;
  if (b !== b) return a !== 1 ? NaN : 1;
  if (a === 1) return 1;
  if (a === -1 && !Number.isFinite(b)) return 1;
  const r = Math.pow(a, b);
  if ((r === Infinity || r === -Infinity) && Number.isFinite(a) && Number.isFinite(b)) throw floatOverflow();
  if (r === 0 && a !== 0 && Number.isFinite(a) && Number.isFinite(b)) throw floatUnderflow();
  return r;
}

// ---- comparisons -----------------------------------------------------------------------------

const CMP_OPS = ["=", "<>", "<", "<=", ">", ">="] as const;
type CmpOp = (typeof CMP_OPS)[number];

function fromCompare(op: CmpOp, cmp: (a: never, b: never) => number): BinImpl {
  const c = cmp as (a: unknown, b: unknown) => number;
  switch (op) {
    case "=":
      return (a: never, b: never) => c(a, b) === 0;
    case "<>":
      return (a: never, b: never) => c(a, b) !== 0;
    case "<":
      return (a: never, b: never) => c(a, b) < 0;
    case "<=":
      return (a: never, b: never) => c(a, b) <= 0;
    case ">":
      return (a: never, b: never) => c(a, b) > 0;
    case ">=":
      return (a: never, b: never) => c(a, b) >= 0;
  }
}

/** Fast comparisons for types whose values compare with JS operators. */
function primitiveCompare(op: CmpOp): BinImpl {
  switch (op) {
    case "=":
      return ((a: number, b: number) => a === b) as BinImpl;
    case "<>":
      return ((a: number, b: number) => a !== b) as BinImpl;
    case "<":
      return ((a: number, b: number) => a < b) as BinImpl;
    case "<=":
      return ((a: number, b: number) => a <= b) as BinImpl;
    case ">":
      return ((a: number, b: number) => a > b) as BinImpl;
    case ">=":
      return ((a: number, b: number) => a >= b) as BinImpl;
  }
}

function floatCompare(op: CmpOp): BinImpl {
  switch (op) {
    case "=":
      return ((a: number, b: number) => a === b || (a !== a && b !== b)) as BinImpl;
    case "<>":
      return ((a: number, b: number) => !(a === b || (a !== a && b !== b))) as BinImpl;
    default:
      return fromCompare(op, compareFloat as (a: never, b: never) => number);
  }
}

export function defineComparisons(t: DataType, short: string, cmp: BinImpl | null, kind: "primitive" | "float" | "custom"): void {
  for (const op of CMP_OPS) {
    const impl =
      kind === "primitive" ? primitiveCompare(op) : kind === "float" ? floatCompare(op) : fromCompare(op, cmp as (a: never, b: never) => number);
    binop(op, t, t, Types.boolean, `${op}:${short}`, impl);
  }
}

function registerComparisons(): void {
  for (const t of [Types.smallint, Types.integer, Types.bigint, Types.date, Types.time, Types.timestamp, Types.timestamptz]) {
    defineComparisons(t, SHORT[t.id], null, "primitive");
  }
  defineComparisons(Types.boolean, "bool", null, "primitive");
  defineComparisons(Types.real, "float4", null, "float");
  defineComparisons(Types.double, "float8", null, "float");
  for (const op of CMP_OPS) {
    binop(op, Types.real, Types.double, Types.boolean, `${op}:float48`, floatCompare(op));
    binop(op, Types.double, Types.real, Types.boolean, `${op}:float84`, floatCompare(op));
  }
  defineComparisons(Types.numeric, "numeric", ((a: Decimal, b: Decimal) => a.cmp(b)) as BinImpl, "custom");
  const textCmp = ((a: string, b: string) => compareCodePoints(a, b)) as BinImpl;
  for (const op of CMP_OPS) {
    const impl = op === "=" ? ((a: string, b: string) => a === b) : op === "<>" ? ((a: string, b: string) => a !== b) : fromCompare(op, textCmp as (a: never, b: never) => number);
    binop(op, Types.text, Types.text, Types.boolean, `${op}:text`, impl as BinImpl);
  }
  const bpchar: DataType = { id: "char" };
  defineComparisons(bpchar, "bpchar", ((a: string, b: string) => compareCodePoints(rtrimSpaces(a), rtrimSpaces(b))) as BinImpl, "custom");
  defineComparisons(Types.bytea, "bytea", compareBytes as BinImpl, "custom");
  for (const t of [Types.interval, Types.jsonb, Types.vector()]) {
    defineComparisons(t, SHORT[t.id], ((a: unknown, b: unknown) => compareValues(t, a, b)) as BinImpl, "custom");
  }
  // arrays: any element type, compared elementwise
  for (const op of CMP_OPS) {
    defineOperator("binary", {
      name: op,
      params: ["anyarray", "anyarray"],
      ret: Types.boolean,
      id: `${op}:array`,
      specialize: (params) => {
        const t = params[0];
        const f = fromCompare(op, ((a: unknown, b: unknown) => compareValues(t, a, b)) as (a: never, b: never) => number) as (
          a: unknown,
          b: unknown,
        ) => unknown;
        return (args) => f(args[0], args[1]);
      },
    });
  }
}

// ---- arithmetic registration -------------------------------------------------------------------

function registerArithmetic(): void {
  const I2 = Types.smallint;
  const I4 = Types.integer;
  const I8 = Types.bigint;
  const F4 = Types.real;
  const F8 = Types.double;
  const N = Types.numeric;
  const sets: [DataType, string, Record<string, BinImpl>][] = [
    [I2, "int2", int2ops as unknown as Record<string, BinImpl>],
    [I4, "int4", int4ops as unknown as Record<string, BinImpl>],
    [I8, "int8", int8ops as unknown as Record<string, BinImpl>],
  ];
  for (const [t, s, ops] of sets) {
    binop("+", t, t, t, `+:${s}`, ops.add);
    binop("-", t, t, t, `-:${s}`, ops.sub);
    binop("*", t, t, t, `*:${s}`, ops.mul);
    binop("/", t, t, t, `/:${s}`, ops.div);
    binop("%", t, t, t, `%:${s}`, ops.mod);
  }
  const f8 = float8ops as unknown as Record<string, BinImpl>;
  const f4 = float4ops as unknown as Record<string, BinImpl>;
  for (const [op, name] of [["+", "add"], ["-", "sub"], ["*", "mul"], ["/", "div"]] as const) {
    binop(op, F4, F4, F4, `${op}:float4`, f4[name]);
    binop(op, F8, F8, F8, `${op}:float8`, f8[name]);
    binop(op, F4, F8, F8, `${op}:float48`, f8[name]);
    binop(op, F8, F4, F8, `${op}:float84`, f8[name]);
  }
  binop("+", N, N, N, "+:numeric", (a: Decimal, b: Decimal) => a.add(b));
  binop("-", N, N, N, "-:numeric", (a: Decimal, b: Decimal) => a.sub(b));
  binop("*", N, N, N, "*:numeric", (a: Decimal, b: Decimal) => a.mul(b));
  binop("/", N, N, N, "/:numeric", (a: Decimal, b: Decimal) => a.div(b));
  binop("%", N, N, N, "%:numeric", (a: Decimal, b: Decimal) => a.mod(b));
  binop("^", F8, F8, F8, "^:float8", dpow);
  binop("^", N, N, N, "^:numeric", (a: Decimal, b: Decimal) => a.pow(b));

  // prefix operators
  prefixop("-", I2, I2, "-:int2", (a: number) => int2(-a));
  prefixop("-", I4, I4, "-:int4", (a: number) => int4(-a));
  prefixop("-", I8, I8, "-:int8", (a: bigint) => int8(-a));
  prefixop("-", F4, F4, "-:float4", (a: number) => -a);
  prefixop("-", F8, F8, "-:float8", (a: number) => -a);
  prefixop("-", N, N, "-:numeric", (a: Decimal) => a.neg());
  for (const t of [I2, I4, I8, F4, F8, N]) prefixop("+", t, t, `+:${SHORT[t.id]}`, (a: unknown) => a);
  prefixop("@", I2, I2, "@:int2", (a: number) => int2(Math.abs(a)));
  prefixop("@", I4, I4, "@:int4", (a: number) => int4(Math.abs(a)));
  prefixop("@", I8, I8, "@:int8", (a: bigint) => int8(a < 0n ? -a : a));
  prefixop("@", F4, F4, "@:float4", (a: number) => Math.abs(a));
  prefixop("@", F8, F8, "@:float8", (a: number) => Math.abs(a));
  prefixop("@", N, N, "@:numeric", (a: Decimal) => a.abs());
  prefixop("|/", F8, F8, "|/:float8", (a: number) => {
    if (a < 0) throw new SqlError("2201F", "cannot take square root of a negative number");
    return Math.sqrt(a);
  });
  prefixop("||/", F8, F8, "||/:float8", (a: number) => Math.cbrt(a));

  // bitwise
  for (const [t, s] of [[I2, "int2"], [I4, "int4"]] as const) {
    const wrap = s === "int2" ? (x: number) => (x << 16) >> 16 : (x: number) => x | 0;
    binop("&", t, t, t, `&:${s}`, (a: number, b: number) => a & b);
    binop("|", t, t, t, `|:${s}`, (a: number, b: number) => a | b);
    binop("#", t, t, t, `#:${s}`, (a: number, b: number) => a ^ b);
    binop("<<", t, I4, t, `<<:${s}`, (a: number, b: number) => wrap(a << (b & 31)));
    binop(">>", t, I4, t, `>>:${s}`, (a: number, b: number) => wrap(a >> (b & 31)));
    prefixop("~", t, t, `~:${s}`, (a: number) => wrap(~a));
  }
  const wrap64 = (x: bigint) => BigInt.asIntN(64, x);
  binop("&", I8, I8, I8, "&:int8", (a: bigint, b: bigint) => a & b);
  binop("|", I8, I8, I8, "|:int8", (a: bigint, b: bigint) => a | b);
  binop("#", I8, I8, I8, "#:int8", (a: bigint, b: bigint) => a ^ b);
  binop("<<", I8, I4, I8, "<<:int8", (a: bigint, b: number) => wrap64(a << BigInt(b & 63)));
  binop(">>", I8, I4, I8, ">>:int8", (a: bigint, b: number) => a >> BigInt(b & 63));
  prefixop("~", I8, I8, "~:int8", (a: bigint) => ~a);
}

// ---- concatenation ---------------------------------------------------------------------------------

function registerConcat(): void {
  const T = Types.text;
  binop("||", T, T, T, "||:text", (a: string, b: string) => a + b);
  defineOperator("binary", {
    name: "||",
    params: [T, "anynonarray"],
    ret: T,
    id: "||:anytextcat",
    specialize: (p) => {
      const t = p[1];
      return (args) => (args[0] as string) + (castValue(args[1], t, T) as string);
    },
  });
  defineOperator("binary", {
    name: "||",
    params: ["anynonarray", T],
    ret: T,
    id: "||:textanycat",
    specialize: (p) => {
      const t = p[0];
      return (args) => (castValue(args[0], t, T) as string) + (args[1] as string);
    },
  });
  binop("||", Types.bytea, Types.bytea, Types.bytea, "||:bytea", (a: Uint8Array, b: Uint8Array) => {
    const r = new Uint8Array(a.length + b.length);
    r.set(a, 0);
    r.set(b, a.length);
    return r;
  });
}

export function registerOperators(): void {
  registerComparisons();
  registerArithmetic();
  registerConcat();
}

export type { Impl };
