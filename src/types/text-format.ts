// The text forms of values: Postgres's output function (formatValue) and input function
// (parseValue) for every type, and the mapping from type names as users write them to DataType
// (parseTypeName).

import { DataType, Types, typeName } from "./data-type.js";
import { SqlError, SqlState } from "./errors.js";
import { Decimal } from "./numeric.js";
import { Interval } from "./interval.js";
import { Jsonb } from "./jsonb.js";
import { formatFloat4, formatFloat8, parseFloat4, parseFloat8 } from "./float.js";
import {
  formatDate,
  formatTime,
  formatTimestamp,
  formatTimestamptz,
  parseDate,
  parseTime,
  parseTimestamp,
  parseTimestamptz,
} from "./datetime.js";
import { applyNumericTypmod, applyStringTypmod, checkVectorDims, checkVectorElement } from "./typmod.js";

export interface FormatOptions {
  /** Zone for timestamptz output and for reading timestamps without an offset (default UTC). */
  timeZone?: string;
}

const HEX = "0123456789abcdef";
const BYTE_HEX: string[] = [];
for (let i = 0; i < 256; i++) BYTE_HEX.push(HEX[i >> 4] + HEX[i & 15]);

export function formatBytea(b: Uint8Array): string {
  let s = "\\x";
  for (let i = 0; i < b.length; i++) s += BYTE_HEX[b[i]];
  return s;
}

export function formatVector(v: Float32Array): string {
  let s = "[";
  for (let i = 0; i < v.length; i++) {
    if (i > 0) s += ",";
    s += formatFloat4(v[i]);
  }
  return s + "]";
}

/** Postgres's text output of a non-null value of `type`. */
export function formatValue(type: DataType, value: unknown, options?: FormatOptions): string {
  switch (type.id) {
    case "boolean":
      return value ? "t" : "f";
    case "smallint":
    case "integer":
      return String(value);
    case "bigint":
      return typeof value === "bigint" ? value.toString() : String(value);
    case "real":
      return formatFloat4(value as number);
    case "double":
      return formatFloat8(value as number);
    case "numeric":
      return value instanceof Decimal ? value.toString() : String(value);
    case "text":
    case "varchar":
    case "char":
    case "unknown":
      return value as string;
    case "bytea":
      return formatBytea(value as Uint8Array);
    case "date":
      return formatDate(value as number);
    case "time":
      return formatTime(value as number);
    case "timestamp":
      return formatTimestamp(value as number);
    case "timestamptz":
      return formatTimestamptz(value as number, options?.timeZone ?? "UTC");
    case "interval":
      return (value as Interval).toString();
    case "jsonb":
      return (value as Jsonb).toString();
    case "vector":
      return formatVector(value as Float32Array);
    case "array":
      return formatArray(type.element ?? Types.text, value as unknown[], options);
  }
}

function needsQuote(s: string): boolean {
  if (s.length === 0) return true;
  if (s.length === 4 && s.toLowerCase() === "null") return true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 123 || c === 125 || c === 44 || c === 34 || c === 92 || c === 32 || (c >= 9 && c <= 13)) return true;
  }
  return false;
}

function quoteArrayElement(s: string): string {
  if (!needsQuote(s)) return s;
  return '"' + s.replace(/[\\"]/g, "\\$&") + '"';
}

function formatArray(element: DataType, arr: readonly unknown[], options?: FormatOptions): string {
  let s = "{";
  for (let i = 0; i < arr.length; i++) {
    if (i > 0) s += ",";
    const v = arr[i];
    if (v === null || v === undefined) s += "NULL";
    else if (Array.isArray(v)) s += formatArray(element, v, options);
    else s += quoteArrayElement(formatValue(element, v, options));
  }
  return s + "}";
}

// ---- input ----------------------------------------------------------------------------------

export interface ParseOptions extends FormatOptions {}

const INT_RE = /^\s*[+-]?\d+\s*$/;

function parseInteger(text: string, name: "smallint" | "integer", min: number, max: number): number {
  if (!INT_RE.test(text)) {
    throw new SqlError(SqlState.InvalidTextRepresentation, `invalid input syntax for type ${name}: "${text}"`);
  }
  const v = Number(text);
  if (v < min || v > max) {
    throw new SqlError(SqlState.NumericValueOutOfRange, `value "${text}" is out of range for type ${name}`);
  }
  return v === 0 ? 0 : v;
}

function parseBigint(text: string): bigint {
  if (!INT_RE.test(text)) {
    throw new SqlError(SqlState.InvalidTextRepresentation, `invalid input syntax for type bigint: "${text}"`);
  }
  const v = BigInt(text.trim());
  if (v < -9223372036854775808n || v > 9223372036854775807n) {
    throw new SqlError(SqlState.NumericValueOutOfRange, `value "${text}" is out of range for type bigint`);
  }
  return v;
}

/** boolean input: t/true/yes/on/1 and f/false/no/off/0, any unique prefix, any case, trimmed. */
export function parseBool(text: string): boolean {
  const t = text.trim().toLowerCase();
  const n = t.length;
  if (n > 0) {
    switch (t[0]) {
      case "t":
        if ("true".startsWith(t)) return true;
        break;
      case "f":
        if ("false".startsWith(t)) return false;
        break;
      case "y":
        if ("yes".startsWith(t)) return true;
        break;
      case "n":
        if ("no".startsWith(t)) return false;
        break;
      case "o":
        if (n >= 2 && "on".startsWith(t)) return true;
        if (n >= 2 && "off".startsWith(t)) return false;
        break;
      case "1":
        if (n === 1) return true;
        break;
      case "0":
        if (n === 1) return false;
        break;
    }
  }
  throw new SqlError(SqlState.InvalidTextRepresentation, `invalid input syntax for type boolean: "${text}"`);
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** bytea input: hex format '\x0102' or the escape format. */
export function parseBytea(text: string): Uint8Array {
  if (text.length >= 2 && text.charCodeAt(0) === 92 && (text[1] === "x" || text[1] === "X")) {
    const out = new Uint8Array((text.length - 2) >> 1);
    let n = 0;
    for (let i = 2; i < text.length; ) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) {
        i++;
        continue;
      }
      const hi = hexValue(c);
      if (hi < 0) throw new SqlError(SqlState.InvalidParameterValue, `invalid hexadecimal digit: "${text[i]}"`);
      if (i + 1 >= text.length) {
        throw new SqlError(SqlState.InvalidParameterValue, "invalid hexadecimal data: odd number of digits");
      }
      const lo = hexValue(text.charCodeAt(i + 1));
      if (lo < 0) throw new SqlError(SqlState.InvalidParameterValue, `invalid hexadecimal digit: "${text[i + 1]}"`);
      out[n++] = (hi << 4) | lo;
      i += 2;
    }
    return out.subarray(0, n);
  }
  const bytes: number[] = [];
  const utf8 = new TextEncoder();
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (c !== 92) {
      // copy a run of ordinary characters as UTF-8
      let j = i;
      while (j < text.length && text.charCodeAt(j) !== 92) j++;
      for (const b of utf8.encode(text.slice(i, j))) bytes.push(b);
      i = j;
      continue;
    }
    if (text.charCodeAt(i + 1) === 92) {
      bytes.push(92);
      i += 2;
      continue;
    }
    const oct = /^[0-3][0-7][0-7]/.exec(text.slice(i + 1, i + 4));
    if (oct === null) throw new SqlError(SqlState.InvalidTextRepresentation, "invalid input syntax for type bytea");
    bytes.push(parseInt(oct[0], 8));
    i += 4;
  }
  return Uint8Array.from(bytes);
}

/** pgvector's input: '[1,2,3]'. */
export function parseVector(text: string, dims?: number): Float32Array {
  const bad = (detail?: string) =>
    new SqlError(SqlState.InvalidTextRepresentation, `invalid input syntax for type vector: "${text}"`, detail ? { detail } : {});
  const t = text.trim();
  if (t[0] !== "[") throw bad('Vector contents must start with "[".');
  const close = t.indexOf("]");
  if (close < 0) throw bad();
  if (t.slice(close + 1).trim() !== "") throw bad("Junk after closing right brace.");
  const body = t.slice(1, close);
  if (body.trim() === "") throw new SqlError(SqlState.DataException, "vector must have at least 1 dimension");
  const parts = body.split(",");
  const out = new Float32Array(parts.length);
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i].trim();
    if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(p) && !/^[+-]?(?:inf|infinity|nan)$/i.test(p)) throw bad();
    const v = Math.fround(Number(/^[+-]?inf/i.test(p) ? (p[0] === "-" ? -Infinity : Infinity) : p));
    if (!Number.isFinite(v) && !/inf|nan/i.test(p)) {
      throw new SqlError(SqlState.NumericValueOutOfRange, `"${p}" is out of range for type vector`);
    }
    checkVectorElement(v);
    out[i] = v;
  }
  if (out.length > 16000) {
    throw new SqlError(SqlState.ProgramLimitExceeded, "vector cannot have more than 16000 dimensions");
  }
  return checkVectorDims(out, dims);
}

/**
 * Postgres's input function of `type`: what `'text'::type` produces. Type modifiers apply with
 * the input function's rules (varchar(n) too long → 22001; castValue from text/unknown with an
 * explicit context truncates instead).
 */
export function parseValue(type: DataType, text: string, options?: ParseOptions): unknown {
  switch (type.id) {
    case "boolean":
      return parseBool(text);
    case "smallint":
      return parseInteger(text, "smallint", -32768, 32767);
    case "integer":
      return parseInteger(text, "integer", -2147483648, 2147483647);
    case "bigint":
      return parseBigint(text);
    case "real":
      return parseFloat4(text);
    case "double":
      return parseFloat8(text);
    case "numeric":
      return applyNumericTypmod(Decimal.parse(text), type.precision, type.scale);
    case "text":
    case "unknown":
      return text;
    case "varchar":
    case "char":
      return applyStringTypmod(text, type, false);
    case "bytea":
      return parseBytea(text);
    case "date":
      return parseDate(text, options?.timeZone);
    case "time":
      return parseTime(text);
    case "timestamp":
      return parseTimestamp(text, options?.timeZone);
    case "timestamptz":
      return parseTimestamptz(text, options?.timeZone);
    case "interval":
      return Interval.parse(text);
    case "jsonb":
      return Jsonb.parse(text);
    case "vector":
      return parseVector(text, type.dims);
    case "array":
      return parseArray(text, type.element ?? Types.text, options);
  }
}

function malformed(text: string, detail: string): SqlError {
  return new SqlError(SqlState.InvalidTextRepresentation, `malformed array literal: "${text}"`, { detail });
}

function isArraySpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** Array input: '{1,2,3}', '{{1,2},{3,4}}', quoted elements with backslash escapes, NULL. */
export function parseArray(text: string, element: DataType, options?: ParseOptions): unknown[] {
  let i = 0;
  const n = text.length;
  while (i < n && isArraySpace(text.charCodeAt(i))) i++;
  if (text[i] === "[") {
    // explicit bounds '[1:3]={...}': accepted, bounds ignored (arrays here are 1-based)
    const eq = text.indexOf("=", i);
    if (eq < 0 || !/^(\[\s*[+-]?\d+\s*(:\s*[+-]?\d+\s*)?\])+\s*$/.test(text.slice(i, eq))) {
      throw malformed(text, 'Missing "]" after array dimensions.');
    }
    i = eq + 1;
    while (i < n && isArraySpace(text.charCodeAt(i))) i++;
  }
  if (text[i] !== "{") throw malformed(text, 'Array value must start with "{" or dimension information.');
  const pos = { i };
  const result = parseLevel(text, pos, element, options);
  i = pos.i;
  while (i < n && isArraySpace(text.charCodeAt(i))) i++;
  if (i < n) throw malformed(text, "Junk after closing right brace.");
  checkRectangular(result, text);
  return result;
}

function parseLevel(text: string, pos: { i: number }, element: DataType, options?: ParseOptions): unknown[] {
  const out: unknown[] = [];
  let i = pos.i + 1; // after '{'
  const n = text.length;
  let expectElement = true;
  let sawAny = false;
  for (;;) {
    while (i < n && isArraySpace(text.charCodeAt(i))) i++;
    if (i >= n) throw malformed(text, "Unexpected end of input.");
    const c = text[i];
    if (c === "}") {
      if (sawAny && expectElement) throw malformed(text, 'Unexpected "}" character.');
      pos.i = i + 1;
      return out;
    }
    if (!expectElement) {
      if (c !== ",") throw malformed(text, `Unexpected "${c}" character.`);
      i++;
      expectElement = true;
      continue;
    }
    if (c === "{") {
      pos.i = i;
      out.push(parseLevel(text, pos, element, options));
      i = pos.i;
    } else if (c === '"') {
      let s = "";
      i++;
      for (;;) {
        if (i >= n) throw malformed(text, "Unexpected end of input.");
        const d = text[i];
        if (d === "\\") {
          if (i + 1 >= n) throw malformed(text, "Unexpected end of input.");
          s += text[i + 1];
          i += 2;
        } else if (d === '"') {
          i++;
          break;
        } else {
          s += d;
          i++;
        }
      }
      out.push(parseValue(element, s, options));
    } else if (c === ",") {
      throw malformed(text, 'Unexpected "," character.');
    } else {
      let s = "";
      let lastNonSpace = 0;
      let escapedTail = false;
      while (i < n) {
        const d = text[i];
        if (d === "," || d === "}") break;
        if (d === "{" || d === '"') throw malformed(text, `Unexpected "${d}" character.`);
        if (d === "\\") {
          if (i + 1 >= n) throw malformed(text, "Unexpected end of input.");
          s += text[i + 1];
          i += 2;
          lastNonSpace = s.length;
          escapedTail = true;
          continue;
        }
        s += d;
        if (!isArraySpace(d.charCodeAt(0))) lastNonSpace = s.length;
        i++;
      }
      s = s.slice(0, lastNonSpace);
      if (!escapedTail && s.toLowerCase() === "null") out.push(null);
      else out.push(parseValue(element, s, options));
    }
    sawAny = true;
    expectElement = false;
  }
}

function checkRectangular(arr: unknown[], text: string): void {
  const shape = (a: unknown[]): string => {
    if (a.length === 0) return "";
    const nested = Array.isArray(a[0]);
    for (const e of a) {
      if (Array.isArray(e) !== nested) {
        throw malformed(text, "Multidimensional arrays must have sub-arrays with matching dimensions.");
      }
    }
    if (!nested) return String(a.length);
    const inner = shape(a[0] as unknown[]);
    for (const e of a) {
      if (shape(e as unknown[]) !== inner) {
        throw malformed(text, "Multidimensional arrays must have sub-arrays with matching dimensions.");
      }
    }
    return a.length + "x" + inner;
  };
  shape(arr);
}

// ---- type names -----------------------------------------------------------------------------

function invalidTypmod(message: string): SqlError {
  return new SqlError(SqlState.InvalidParameterValue, message);
}

function undefinedType(name: string): SqlError {
  return new SqlError(SqlState.UndefinedObject, `type "${name}" does not exist`);
}

/**
 * The DataType of a type name as written in SQL (`int`, `character varying`, `numeric`,
 * `float(p)`, ...), with its modifiers (`numeric(10,2)` → [10, 2]) and array dimensions
 * (`int[][]` → 2). Modifiers and `[]` may also be written inside `name`.
 */
export function parseTypeName(name: string, modifiers: readonly number[] = [], arrayDims = 0): DataType {
  let n = name.trim().toLowerCase().replace(/\s+/g, " ");
  while (n.endsWith("[]")) {
    arrayDims++;
    n = n.slice(0, -2).trimEnd();
  }
  const arr = /^(.*?)\s*\[\s*\d*\s*\]$/.exec(n);
  if (arr !== null) {
    arrayDims++;
    n = arr[1];
  }
  let mods = modifiers;
  const inline = /^([a-z_ ."]+?)\s*\(([^)]*)\)(.*)$/.exec(n);
  if (inline !== null) {
    mods = inline[2].split(",").map((s) => Number(s.trim()));
    n = (inline[1] + inline[3]).trim();
  }
  if (n.startsWith("pg_catalog.")) n = n.slice(11);
  if (n.startsWith('"') && n.endsWith('"')) n = n.slice(1, -1);
  let t = scalarTypeByName(n, mods, name);
  if (arrayDims > 0) t = Types.array(t);
  return t;
}

function scalarTypeByName(n: string, mods: readonly number[], original: string): DataType {
  switch (n) {
    case "int":
    case "int4":
    case "integer":
    case "serial":
    case "serial4":
      return Types.integer;
    case "int2":
    case "smallint":
    case "smallserial":
    case "serial2":
      return Types.smallint;
    case "int8":
    case "bigint":
    case "bigserial":
    case "serial8":
      return Types.bigint;
    case "float4":
    case "real":
      return Types.real;
    case "float8":
    case "double precision":
    case "double":
      return Types.double;
    case "float": {
      if (mods.length === 0) return Types.double;
      const p = mods[0];
      if (p < 1) throw invalidTypmod("precision for type float must be at least 1 bit");
      if (p > 53) throw invalidTypmod("precision for type float must be less than 54 bits");
      return p <= 24 ? Types.real : Types.double;
    }
    case "numeric":
    case "decimal":
    case "dec": {
      if (mods.length === 0) return Types.numeric;
      if (mods.length > 2) throw invalidTypmod("invalid NUMERIC type modifier");
      const p = mods[0];
      const s = mods.length > 1 ? mods[1] : 0;
      if (!(p >= 1 && p <= 1000)) throw invalidTypmod(`NUMERIC precision ${p} must be between 1 and 1000`);
      if (!(s >= -1000 && s <= 1000)) throw invalidTypmod(`NUMERIC scale ${s} must be between -1000 and 1000`);
      return { id: "numeric", precision: p, scale: s };
    }
    case "text":
    case "string":
    case "name":
    case "citext":
      return Types.text;
    case "varchar":
    case "character varying":
    case "char varying":
      return lengthType("varchar", mods);
    case "char":
    case "character":
    case "nchar":
    case "national character":
      return lengthType("char", mods.length === 0 ? [1] : mods);
    case "bpchar":
      return mods.length === 0 ? { id: "char" } : lengthType("char", mods);
    case "bytea":
      return Types.bytea;
    case "bool":
    case "boolean":
      return Types.boolean;
    case "date":
      return Types.date;
    case "time":
    case "time without time zone":
      return timePrecisionType("time", mods);
    case "timestamp":
    case "timestamp without time zone":
    case "datetime":
      return timePrecisionType("timestamp", mods);
    case "timestamptz":
    case "timestamp with time zone":
      return timePrecisionType("timestamptz", mods);
    case "timetz":
    case "time with time zone":
      throw new SqlError(SqlState.FeatureNotSupported, `type "time with time zone" is not supported`);
    case "json":
    case "jsonb":
      return Types.jsonb;
    case "vector": {
      if (mods.length === 0) return Types.vector();
      if (mods.length !== 1) throw invalidTypmod("invalid type modifier");
      const d = mods[0];
      if (d < 1) throw invalidTypmod("dimensions for type vector must be at least 1");
      if (d > 16000) throw invalidTypmod("dimensions for type vector cannot exceed 16000");
      return Types.vector(d);
    }
    case "unknown":
      return Types.unknown;
  }
  if (n === "interval" || n.startsWith("interval ")) return Types.interval;
  throw undefinedType(original.trim());
}

/** time(p) / timestamp(p) / timestamptz(p): fractional-second digits kept (0-6; more is 6). */
function timePrecisionType(id: "time" | "timestamp" | "timestamptz", mods: readonly number[]): DataType {
  if (mods.length === 0) return { id };
  if (mods.length > 1) throw invalidTypmod("invalid type modifier");
  const p = mods[0];
  const label = id === "time" ? "TIME" : id === "timestamp" ? "TIMESTAMP" : "TIMESTAMP";
  if (p < 0) throw invalidTypmod(`${label}(${p}) precision must not be negative`);
  return { id, precision: Math.min(p, 6) };
}

function lengthType(id: "varchar" | "char", mods: readonly number[]): DataType {
  if (mods.length === 0) return { id };
  if (mods.length > 1) throw invalidTypmod("invalid type modifier");
  const len = mods[0];
  const label = id === "varchar" ? "varchar" : "char";
  if (!(len >= 1)) throw invalidTypmod(`length for type ${label} must be at least 1`);
  if (len > 10485760) throw invalidTypmod(`length for type ${label} cannot exceed 10485760`);
  return { id, length: len };
}

/** typeName's inverse for the names typeName prints (used to encode types in function ids). */
export function typeFromName(name: string): DataType {
  return parseTypeName(name);
}

export { typeName };
