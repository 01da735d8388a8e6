// How SQL values cross into and out of JavaScript functions. Into JS: booleans, smallint/integer/
// real/double as numbers, bigint as BigInt (exact over the whole 64-bit range), text as strings,
// json/jsonb as parsed JSON, arrays as arrays, everything else (numeric, dates, intervals, ...) as
// its Postgres text form. Out of JS: the value is read as the declared return type; a value that
// does not fit (a fraction for an integer, text that is not a date) is an error of the call.

import { SqlError, SqlState, formatValue, parseValue, type DataType } from "../../types/index.js";

export function toJs(type: DataType, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (type.id) {
    case "boolean":
    case "smallint":
    case "integer":
    case "real":
    case "double":
    case "text":
    case "varchar":
      return v;
    case "bigint":
      return typeof v === "bigint" ? v : BigInt(v as number);
    case "jsonb":
      return JSON.parse(formatValue(type, v));
    case "array":
      return Array.isArray(v) ? v.map((e) => toJs(type.element!, e)) : formatValue(type, v);
    default:
      return formatValue(type, v);
  }
}

function textOf(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "bigint" || typeof v === "boolean") return String(v);
  if (v instanceof Date) return v.toISOString();
  return JSON.stringify(v);
}

/** Reads a JS result as `type`; throws SqlError when it does not fit. */
export function fromJs(type: DataType, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (type.id) {
    case "boolean":
      if (typeof v === "boolean") return v;
      break;
    case "integer":
      if (typeof v === "number" && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647) return v;
      break;
    case "smallint":
      if (typeof v === "number" && Number.isInteger(v) && v >= -32768 && v <= 32767) return v;
      break;
    case "bigint":
      if (typeof v === "bigint" && v >= -9223372036854775808n && v <= 9223372036854775807n) return v;
      break;
    case "double":
    case "real":
      if (typeof v === "number") return type.id === "real" ? Math.fround(v) : v;
      break;
    case "text":
    case "varchar":
      if (typeof v === "string" && type.id === "text") return v;
      break;
    case "jsonb":
      return parseValue(type, JSON.stringify(v));
    case "array":
      if (Array.isArray(v)) return v.map((e) => fromJs(type.element!, e));
      break;
  }
  if (typeof v === "number" && (type.id === "integer" || type.id === "smallint" || type.id === "bigint") && !Number.isInteger(v)) {
    throw new SqlError(SqlState.InvalidTextRepresentation, `invalid input syntax for type ${type.id}: "${v}"`);
  }
  return parseValue(type, textOf(v));
}
