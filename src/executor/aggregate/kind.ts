// Which aggregate an AggregateCall / WindowCall computes, from the registry's aggregate id
// (types/functions/aggregates.ts: count_star, count, sum_int, sum_bigint, ..., avg_*, min, max,
// bool_and, bool_or, bit_*, string_agg[_bytea], array_agg[_array], jsonb_agg, jsonb_object_agg,
// var_samp_*, var_pop_*, stddev_samp_*, stddev_pop_*). The argument-type suffix does not matter
// here: accumulators dispatch on the argument and result types.

export type AggKind =
  | "count_star"
  | "count"
  | "sum"
  | "avg"
  | "min"
  | "max"
  | "bool_and"
  | "bool_or"
  | "bit_and"
  | "bit_or"
  | "bit_xor"
  | "string_agg"
  | "string_agg_bytea"
  | "array_agg"
  | "array_agg_array"
  | "jsonb_agg"
  | "jsonb_object_agg"
  | "var_samp"
  | "var_pop"
  | "stddev_samp"
  | "stddev_pop";

// longest names first where one is a prefix of another
const PREFIXES: [string, AggKind][] = [
  ["count_star", "count_star"],
  ["count", "count"],
  ["sum", "sum"],
  ["avg", "avg"],
  ["min", "min"],
  ["max", "max"],
  ["bool_and", "bool_and"],
  ["every", "bool_and"],
  ["bool_or", "bool_or"],
  ["bit_and", "bit_and"],
  ["bit_or", "bit_or"],
  ["bit_xor", "bit_xor"],
  ["string_agg_bytea", "string_agg_bytea"],
  ["string_agg", "string_agg"],
  ["array_agg_array", "array_agg_array"],
  ["array_agg", "array_agg"],
  ["jsonb_object_agg", "jsonb_object_agg"],
  ["json_object_agg", "jsonb_object_agg"],
  ["jsonb_agg", "jsonb_agg"],
  ["json_agg", "jsonb_agg"],
  ["stddev_pop", "stddev_pop"],
  ["stddev_samp", "stddev_samp"],
  ["stddev", "stddev_samp"],
  ["var_pop", "var_pop"],
  ["var_samp", "var_samp"],
  ["variance", "var_samp"],
];

export function aggKind(fn: string, argCount: number): AggKind | null {
  const id = fn.toLowerCase();
  for (const [p, k] of PREFIXES) {
    if (id === p || id.startsWith(p + "_")) {
      if (k === "count" && argCount === 0) return "count_star";
      return k;
    }
  }
  return null;
}
