// Which aggregate an AggregateCall / WindowCall computes. The registry's ids name the function and
// may carry an argument-type suffix (sum_int4, avg_numeric, ...); the executor dispatches on the
// function and on the argument and result types, so the suffix is not needed here.

export type AggKind =
  | "count_star"
  | "count"
  | "sum"
  | "avg"
  | "min"
  | "max"
  | "bool_and"
  | "bool_or"
  | "string_agg"
  | "array_agg"
  | "var_samp"
  | "var_pop"
  | "stddev_samp"
  | "stddev_pop";

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
  ["string_agg", "string_agg"],
  ["array_agg", "array_agg"],
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
    if (id === p || id.startsWith(p + "_") || id.startsWith(p + "(")) {
      if (k === "count" && argCount === 0) return "count_star";
      return k;
    }
  }
  return null;
}
