// Helpers for tests: typed argument constructors and a tiny evaluator that resolves a function or
// operator the way the binder will, casts the arguments, calls the implementation and prints the
// result with Postgres's text output, so tests can compare against what psql prints. Errors come
// back as "ERROR <sqlstate>: <message>".

import { DataType, Types, typeName } from "./data-type.js";
import { SqlError } from "./errors.js";
import { castValue, commonSupertype } from "./cast.js";
import { formatValue, parseValue } from "./text-format.js";
import { EvalContext, getFunction, resolveFunction, resolveOperator } from "./functions/index.js";

export interface Arg {
  type: DataType;
  value: unknown;
}

/** Statement time used by the helpers: 2024-01-15 10:30:00 UTC. */
export const TEST_NOW = Date.UTC(2024, 0, 15, 10, 30, 0) * 1000;

export function testContext(timeZone = "UTC"): EvalContext {
  return { now: TEST_NOW, timeZone, random: () => 0.5 };
}

/** A typed argument from its SQL text (what 'text'::type gives). */
export function typed(type: DataType, text: string | null): Arg {
  return { type, value: text === null ? null : parseValue(type, text) };
}

export const lit = (text: string | null): Arg => ({ type: Types.unknown, value: text });
export const i2 = (n: number): Arg => ({ type: Types.smallint, value: n });
export const i4 = (n: number | null): Arg => ({ type: Types.integer, value: n });
export const i8 = (n: bigint | number): Arg => ({ type: Types.bigint, value: BigInt(n) });
export const f4 = (x: number): Arg => ({ type: Types.real, value: Math.fround(x) });
export const f8 = (x: number): Arg => ({ type: Types.double, value: x });
export const num = (s: string): Arg => typed(Types.numeric, s);
export const txt = (s: string | null): Arg => ({ type: Types.text, value: s });
export const bool = (b: boolean): Arg => ({ type: Types.boolean, value: b });
export const date = (s: string): Arg => typed(Types.date, s);
export const time = (s: string): Arg => typed(Types.time, s);
export const ts = (s: string): Arg => typed(Types.timestamp, s);
export const tstz = (s: string): Arg => typed(Types.timestamptz, s);
export const iv = (s: string): Arg => typed(Types.interval, s);
export const jb = (s: string | null): Arg => typed(Types.jsonb, s);
export const bytea = (s: string): Arg => typed(Types.bytea, s);
export const vec = (s: string): Arg => typed(Types.vector(), s);
export const arr = (element: DataType, s: string): Arg => typed(Types.array(element), s);

function errorText(e: unknown): string {
  if (e instanceof SqlError) return `ERROR ${e.code}: ${e.message}`;
  throw e;
}

function run(id: string, argTypes: DataType[], returnType: DataType, args: Arg[], ctx: EvalContext): string | null {
  const f = getFunction(id);
  const values = args.map((a, i) => castValue(a.value, a.type, argTypes[i], "implicit", { timeZone: ctx.timeZone }));
  if (f.strict && values.some((v) => v === null || v === undefined)) return null;
  const r = f.eval(values, ctx);
  return r === null || r === undefined ? null : formatValue(returnType, r, { timeZone: ctx.timeZone });
}

/** Calls a function by name; the result as Postgres prints it (null for NULL). */
export function callFn(name: string, ...args: Arg[]): string | null {
  return callFnIn(testContext(), name, ...args);
}

export function callFnIn(ctx: EvalContext, name: string, ...args: Arg[]): string | null {
  try {
    const r = resolveFunction(name, args.map((a) => a.type));
    return run(r.id, r.argTypes, r.returnType, args, ctx);
  } catch (e) {
    return errorText(e);
  }
}

/** Applies a binary (left given) or prefix (left null) operator. */
export function callOp(op: string, left: Arg | null, right: Arg): string | null {
  return callOpIn(testContext(), op, left, right);
}

export function callOpIn(ctx: EvalContext, op: string, left: Arg | null, right: Arg): string | null {
  try {
    const r = resolveOperator(op, left === null ? null : left.type, right.type);
    return run(r.id, r.argTypes, r.returnType, left === null ? [right] : [left, right], ctx);
  } catch (e) {
    return errorText(e);
  }
}

/** Runs `f`, returning its result or the error as "ERROR <code>: <message>". */
export function attempt<T>(f: () => T): T | string {
  try {
    return f();
  } catch (e) {
    return errorText(e);
  }
}

/** The result type name of an operator (left null: prefix), or the error text. */
export function opType(op: string, left: DataType | null, right: DataType): string {
  try {
    return typeName(resolveOperator(op, left, right).returnType);
  } catch (e) {
    return errorText(e);
  }
}

/** The result type name of a function call, or the error text. */
export function fnType(name: string, ...args: DataType[]): string {
  try {
    return typeName(resolveFunction(name, args).returnType);
  } catch (e) {
    return errorText(e);
  }
}

/** Short type constants for tests. */
export const TY = {
  int2: Types.smallint,
  int4: Types.integer,
  int8: Types.bigint,
  float4: Types.real,
  float8: Types.double,
  numeric: Types.numeric,
  text: Types.text,
  varchar: Types.varchar,
  bpchar: { id: "char", length: 1 } as DataType,
  bool: Types.boolean,
  bytea: Types.bytea,
  date: Types.date,
  time: Types.time,
  timestamp: Types.timestamp,
  timestamptz: Types.timestamptz,
  interval: Types.interval,
  jsonb: Types.jsonb,
  vector: Types.vector(),
  unknown: Types.unknown,
  int4arr: Types.array(Types.integer),
  textarr: Types.array(Types.text),
};

/** 'text'::type printed back (the input then the output function), or the error text. */
export function io(type: DataType, text: string, timeZone = "UTC"): string {
  try {
    return formatValue(type, parseValue(type, text, { timeZone }), { timeZone });
  } catch (e) {
    return errorText(e);
  }
}

/** CAST(arg AS type) printed, or the error text. */
export function cast(arg: Arg, to: DataType, context: "explicit" | "assignment" | "implicit" = "explicit", timeZone = "UTC"): string | null {
  try {
    const v = castValue(arg.value, arg.type, to, context, { timeZone });
    return v === null ? null : formatValue(to, v, { timeZone });
  } catch (e) {
    return errorText(e);
  }
}

/** typeName of commonSupertype(types), or "none" when they cannot be matched. */
export function common(...types: DataType[]): string {
  const t = commonSupertype(types);
  return t === null ? "none" : typeName(t);
}
