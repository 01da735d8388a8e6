// Aggregate signatures. The executor implements the accumulators, keyed by the ids below; it calls
// resolveAggregate(name, argTypes, distinct) and casts each argument to the returned argTypes.
// DISTINCT does not change the signature (the executor deduplicates with keyOf). Every aggregate
// ignores NULL inputs except count(*) and array_agg / jsonb_agg / jsonb_object_agg values; an
// aggregate over no non-null input returns NULL, except count (0).

import { DataType, Types } from "../data-type.js";
import { SqlError, SqlState } from "../errors.js";
import { Decimal } from "../numeric.js";
import { FunctionResolution, Overload, Param } from "./registry.js";
import { resolveAmong } from "./resolve.js";

export interface AggregateInfo {
  /** SQL names that resolve to this id */
  names: string[];
  /** argument types after the caller's casts */
  input: string;
  result: string;
  /** what the accumulator computes (retraction: the inverse of the step, for +/- chunks) */
  semantics: string;
}

/** Every aggregate id resolveAggregate can return, with its accumulator contract. */
export const AGGREGATES: Readonly<Record<string, AggregateInfo>> = {
  count_star: { names: ["count"], input: "(none)", result: "bigint", semantics: "number of rows, NULLs included; never NULL (0 for no rows)" },
  count: { names: ["count"], input: "any one type", result: "bigint", semantics: "number of non-NULL values; never NULL" },
  sum_int: { names: ["sum"], input: "smallint or integer (JS number)", result: "bigint", semantics: "exact sum in bigint; beyond int64 → 22003 `bigint out of range`" },
  sum_bigint: { names: ["sum"], input: "bigint", result: "numeric", semantics: "exact sum as Decimal (scale 0)" },
  sum_numeric: { names: ["sum"], input: "numeric", result: "numeric", semantics: "Decimal.add (result scale = largest input scale); NaN/Infinity propagate" },
  sum_real: { names: ["sum"], input: "real", result: "real", semantics: "float4 sum (Math.fround after each add); finite inputs overflowing → 22003 `value out of range: overflow`" },
  sum_double: { names: ["sum"], input: "double precision", result: "double precision", semantics: "float8 sum; finite inputs overflowing → 22003 `value out of range: overflow`" },
  sum_interval: { names: ["sum"], input: "interval", result: "interval", semantics: "Interval.add fieldwise" },
  sum_vector: { names: ["sum"], input: "vector", result: "vector", semantics: "elementwise sum accumulated in float64, result Float32Array; dimension mismatch → 22000 `expected N dimensions, not M`" },
  avg_int: { names: ["avg"], input: "smallint or integer", result: "numeric", semantics: "Decimal.fromBigInt(sum).div(Decimal.fromBigInt(count)) — select_div_scale: avg(1,2) = 1.5000000000000000" },
  avg_bigint: { names: ["avg"], input: "bigint", result: "numeric", semantics: "as avg_int with a BigInt sum" },
  avg_numeric: { names: ["avg"], input: "numeric", result: "numeric", semantics: "sum.div(Decimal.fromBigInt(count))" },
  avg_double: { names: ["avg"], input: "double precision (real is cast)", result: "double precision", semantics: "float8 sum / count" },
  avg_interval: { names: ["avg"], input: "interval", result: "interval", semantics: "sum.div(count) (Interval.div cascades fractions like Postgres)" },
  avg_vector: { names: ["avg"], input: "vector", result: "vector", semantics: "elementwise float64 sum / count, as Float32Array" },
  min: { names: ["min"], input: "the argument's type (argTypes[0])", result: "same type", semantics: "least value by compareValues(argTypes[0], ...); retractable with a multiset" },
  max: { names: ["max"], input: "the argument's type (argTypes[0])", result: "same type", semantics: "greatest value by compareValues(argTypes[0], ...)" },
  bool_and: { names: ["bool_and", "every"], input: "boolean", result: "boolean", semantics: "true if all non-NULL inputs are true (count falses)" },
  bool_or: { names: ["bool_or"], input: "boolean", result: "boolean", semantics: "true if any non-NULL input is true (count trues)" },
  bit_and: { names: ["bit_and"], input: "smallint, integer or bigint (argTypes[0])", result: "same type", semantics: "bitwise AND of non-NULL inputs" },
  bit_or: { names: ["bit_or"], input: "smallint, integer or bigint", result: "same type", semantics: "bitwise OR" },
  bit_xor: { names: ["bit_xor"], input: "smallint, integer or bigint", result: "same type", semantics: "bitwise XOR" },
  string_agg: { names: ["string_agg"], input: "text, text (value, delimiter)", result: "text", semantics: "non-NULL values joined; each value after the first is preceded by its own row's delimiter (NULL delimiter = ''); input order" },
  string_agg_bytea: { names: ["string_agg"], input: "bytea, bytea", result: "bytea", semantics: "as string_agg on bytes" },
  array_agg: { names: ["array_agg"], input: "any non-array type T", result: "T[]", semantics: "all values in input order, NULLs included" },
  array_agg_array: { names: ["array_agg"], input: "an array type T[]", result: "T[] (one dimension more)", semantics: "arrays stacked as sub-arrays; NULL or differently-shaped inputs → 2202E `cannot accumulate arrays of different dimensionality`" },
  jsonb_agg: { names: ["jsonb_agg", "json_agg"], input: "any type (argTypes[0])", result: "jsonb", semantics: "JSON array of to_jsonb(value) in input order, NULL → JSON null" },
  jsonb_object_agg: { names: ["jsonb_object_agg", "json_object_agg"], input: "any key type, any value type", result: "jsonb", semantics: "object of key (as text) → to_jsonb(value); NULL key → 22004 `field name must not be null`; later duplicate keys win" },
  var_samp_numeric: { names: ["var_samp", "variance"], input: "numeric (integers are cast)", result: "numeric", semantics: "numericVariance(n, Σx, Σx², sample = true, stddev = false); NULL for n < 2" },
  var_pop_numeric: { names: ["var_pop"], input: "numeric", result: "numeric", semantics: "numericVariance(n, Σx, Σx², false, false); NULL for n = 0" },
  stddev_samp_numeric: { names: ["stddev_samp", "stddev"], input: "numeric", result: "numeric", semantics: "numericVariance(n, Σx, Σx², true, true)" },
  stddev_pop_numeric: { names: ["stddev_pop"], input: "numeric", result: "numeric", semantics: "numericVariance(n, Σx, Σx², false, true)" },
  var_samp_double: { names: ["var_samp", "variance"], input: "double precision (real is cast)", result: "double precision", semantics: "floatVariance(n, Σx, Σx², true, false)" },
  var_pop_double: { names: ["var_pop"], input: "double precision", result: "double precision", semantics: "floatVariance(n, Σx, Σx², false, false)" },
  stddev_samp_double: { names: ["stddev_samp", "stddev"], input: "double precision", result: "double precision", semantics: "floatVariance(n, Σx, Σx², true, true)" },
  stddev_pop_double: { names: ["stddev_pop"], input: "double precision", result: "double precision", semantics: "floatVariance(n, Σx, Σx², false, true)" },
};

interface AggOverload {
  name: string;
  params: Param[];
  id: string;
  ret: DataType | ((p: DataType[]) => DataType);
  /** the types the caller casts to, when they differ from the declared parameters */
  cast?: DataType[];
}

const I2 = Types.smallint;
const I4 = Types.integer;
const I8 = Types.bigint;
const F4 = Types.real;
const F8 = Types.double;
const N = Types.numeric;
const T = Types.text;
const IV = Types.interval;
const B = Types.boolean;
const V = Types.vector();

const LIST: AggOverload[] = [];
function agg(name: string, params: Param[], ret: AggOverload["ret"], id: string, cast?: DataType[]): void {
  LIST.push({ name, params, ret, id, cast });
}

agg("count", [], I8, "count_star");
agg("count", ["any"], I8, "count");
agg("sum", [I2], I8, "sum_int");
agg("sum", [I4], I8, "sum_int");
agg("sum", [I8], N, "sum_bigint");
agg("sum", [N], N, "sum_numeric");
agg("sum", [F4], F4, "sum_real");
agg("sum", [F8], F8, "sum_double");
agg("sum", [IV], IV, "sum_interval");
agg("sum", [V], V, "sum_vector");
agg("avg", [I2], N, "avg_int");
agg("avg", [I4], N, "avg_int");
agg("avg", [I8], N, "avg_bigint");
agg("avg", [N], N, "avg_numeric");
agg("avg", [F4], F8, "avg_double", [F8]);
agg("avg", [F8], F8, "avg_double");
agg("avg", [IV], IV, "avg_interval");
agg("avg", [V], V, "avg_vector");
for (const t of [I2, I4, I8, F4, F8, N, T, { id: "char" } as DataType, Types.date, Types.time, Types.timestamp, Types.timestamptz, IV, Types.bytea, V]) {
  agg("min", [t], t, "min");
  agg("max", [t], t, "max");
}
agg("min", ["anyarray"], (p) => p[0], "min");
agg("max", ["anyarray"], (p) => p[0], "max");
agg("bool_and", [B], B, "bool_and");
agg("every", [B], B, "bool_and");
agg("bool_or", [B], B, "bool_or");
for (const t of [I2, I4, I8]) {
  agg("bit_and", [t], t, "bit_and");
  agg("bit_or", [t], t, "bit_or");
  agg("bit_xor", [t], t, "bit_xor");
}
agg("string_agg", [T, T], T, "string_agg");
agg("string_agg", [Types.bytea, Types.bytea], Types.bytea, "string_agg_bytea");
agg("array_agg", ["anynonarray"], (p) => Types.array(p[0]), "array_agg");
agg("array_agg", ["anyarray"], (p) => p[0], "array_agg_array");
for (const name of ["jsonb_agg", "json_agg"]) agg(name, ["anyelement"], Types.jsonb, "jsonb_agg");
for (const name of ["jsonb_object_agg", "json_object_agg"]) agg(name, ["any", "any"], Types.jsonb, "jsonb_object_agg");
for (const [name, base] of [
  ["var_samp", "var_samp"],
  ["variance", "var_samp"],
  ["var_pop", "var_pop"],
  ["stddev_samp", "stddev_samp"],
  ["stddev", "stddev_samp"],
  ["stddev_pop", "stddev_pop"],
]) {
  for (const t of [I2, I4, I8, N]) agg(name, [t], N, `${base}_numeric`, [N]);
  agg(name, [F4], F8, `${base}_double`, [F8]);
  agg(name, [F8], F8, `${base}_double`);
}

const BY_NAME = new Map<string, Overload[]>();
const CASTS = new Map<Overload, DataType[]>();
let serial = 0;
for (const a of LIST) {
  // resolveAmong works on Overload records; each gets a unique internal id, mapped back below
  const o: Overload = { name: a.name, params: a.params, ret: a.ret, id: `${a.id}#${serial++}` };
  if (a.cast) CASTS.set(o, a.cast);
  let l = BY_NAME.get(a.name);
  if (l === undefined) {
    l = [];
    BY_NAME.set(a.name, l);
  }
  l.push(o);
}
const BY_INTERNAL_ID = new Map<string, Overload>();
for (const l of BY_NAME.values()) for (const o of l) BY_INTERNAL_ID.set(o.id, o);

export function isAggregateName(name: string): boolean {
  return BY_NAME.has(name.toLowerCase());
}

/**
 * The aggregate a call resolves to, or null if `name` is not an aggregate. Raises 42883 when the
 * name is an aggregate but no signature fits (e.g. sum(text)), 42725 when ambiguous.
 */
export function resolveAggregate(name: string, argTypes: DataType[], distinct = false): FunctionResolution | null {
  const lname = name.toLowerCase();
  const list = BY_NAME.get(lname);
  if (list === undefined) return null;
  // DISTINCT needs only equality, which every type has: it does not change the signature
  if (distinct && list[0].params.length === 0 && argTypes.length === 0) return null;
  const r = resolveAmong(list, argTypes);
  const shown = argTypes.map(displayName).join(", ");
  if (r === "ambiguous") {
    throw new SqlError(SqlState.AmbiguousFunction, `function ${lname}(${shown}) is not unique`, {
      hint: "Could not choose a best candidate function. You might need to add explicit type casts.",
    });
  }
  if (r === null) {
    throw new SqlError(SqlState.UndefinedFunction, `function ${lname}(${argTypes.map(displayName).join(", ")}) does not exist`, {
      hint: "No function matches the given name and argument types. You might need to add explicit type casts.",
    });
  }
  const o = BY_INTERNAL_ID.get(r.id)!;
  const cast = CASTS.get(o);
  const id = r.id.slice(0, r.id.indexOf("#"));
  if ((id === "min" || id === "max") && argTypes[0].id === r.argTypes[0].id && argTypes[0].id === "char") {
    // char(n) keeps its length (the declared parameter is bpchar without one)
    return { id, argTypes: [argTypes[0]], returnType: argTypes[0] };
  }
  return { id, argTypes: cast ? cast.slice() : r.argTypes, returnType: r.returnType };
}

function displayName(t: DataType): string {
  switch (t.id) {
    case "double":
      return "double precision";
    case "varchar":
      return "character varying";
    case "char":
      return "character";
    case "time":
      return "time without time zone";
    case "timestamp":
      return "timestamp without time zone";
    case "timestamptz":
      return "timestamp with time zone";
    case "array":
      return displayName(t.element!) + "[]";
    default:
      return t.id;
  }
}

// ---- helpers for the executor's variance accumulators ------------------------------------------

/**
 * Postgres's numeric_stddev_internal: variance = (n·Σx² − (Σx)²) / (n·(n−1)) (or n² for the
 * population forms) divided at select_div_scale; stddev = its square root at the same scale.
 * Null when n = 0, or n = 1 for the sample forms.
 */
export function numericVariance(n: bigint, sumX: Decimal, sumX2: Decimal, sample: boolean, stddev: boolean): Decimal | null {
  if (n === 0n || (sample && n === 1n)) return null;
  if (sumX.isNaN() || sumX2.isNaN()) return Decimal.NaN;
  const vN = Decimal.fromBigInt(n);
  const sq = sumX.mul(sumX);
  const num = vN.mul(sumX2).sub(sq);
  if (num.sign() <= 0) return Decimal.ZERO; // roundoff guard, as Postgres
  const den = sample ? vN.mul(Decimal.fromBigInt(n - 1n)) : vN.mul(vN);
  const v = num.div(den);
  return stddev ? v.sqrt(v.scale) : v;
}

/** Postgres's float8 variance from n, Σx and Σx² (computed as Youngs–Cramer would, for n ≥ 1). */
export function floatVariance(n: number, sumX: number, sumX2: number, sample: boolean, stddev: boolean): number | null {
  if (n === 0 || (sample && n === 1)) return null;
  let sxx = sumX2 - (sumX * sumX) / n;
  if (sxx < 0) sxx = 0;
  const v = sxx / (sample ? n - 1 : n);
  return stddev ? Math.sqrt(v) : v;
}
