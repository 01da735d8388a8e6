// Casts between our types with Postgres's semantics: which casts exist and in which context they
// apply (pg_cast's castcontext), what each produces (rounding, range errors, type modifiers), and
// the common type of a set of expressions (select_common_type, for UNION/CASE/COALESCE/VALUES).

import { DataType, TypeId, Types, typeName } from "./data-type.js";
import { SqlError, SqlState } from "./errors.js";
import { Decimal } from "./numeric.js";
import { Interval } from "./interval.js";
import { Jsonb } from "./jsonb.js";
import { rint, toFloat4 } from "./float.js";
import { USECS_PER_DAY, DATE_NEG_INFINITY, DATE_POS_INFINITY, localToUtc, utcToLocal } from "./datetime.js";
import { formatValue, parseValue, parseVector } from "./text-format.js";
import { applyNumericTypmod, applyStringTypmod, checkVectorDims, checkVectorElement } from "./typmod.js";
import { rtrimSpaces } from "./compare.js";

export type CastContext = "implicit" | "assignment" | "explicit";

export interface CastOptions {
  /** Session time zone for casts between date/timestamp and timestamptz (default UTC). */
  timeZone?: string;
}

// ---- categories -----------------------------------------------------------------------------

/** Postgres's typcategory letter. */
export function typeCategory(t: DataType): string {
  switch (t.id) {
    case "boolean":
      return "B";
    case "smallint":
    case "integer":
    case "bigint":
    case "real":
    case "double":
    case "numeric":
      return "N";
    case "text":
    case "varchar":
    case "char":
      return "S";
    case "date":
    case "time":
    case "timestamp":
    case "timestamptz":
      return "D";
    case "interval":
      return "T";
    case "array":
      return "A";
    case "unknown":
      return "X";
    default:
      return "U";
  }
}

/** Postgres's typispreferred. */
export function isPreferredType(t: DataType): boolean {
  return t.id === "double" || t.id === "text" || t.id === "timestamptz" || t.id === "interval" || t.id === "boolean";
}

const NUMERIC_RANK: Partial<Record<TypeId, number>> = {
  smallint: 0,
  integer: 1,
  bigint: 2,
  numeric: 3,
  real: 4,
  double: 5,
};

function isString(id: TypeId): boolean {
  return id === "text" || id === "varchar" || id === "char";
}

/** pg_cast's castcontext for a cast from → to, or null if no such cast exists. */
export function castContext(from: DataType, to: DataType): CastContext | null {
  const f = from.id;
  const t = to.id;
  if (f === "unknown") return "implicit";
  if (t === "unknown") return null;
  if (f === t) {
    if (f === "array") return castContext(from.element!, to.element!);
    return "implicit";
  }
  const rf = NUMERIC_RANK[f];
  const rt = NUMERIC_RANK[t];
  if (rf !== undefined && rt !== undefined) {
    // widening along smallint < integer < bigint < numeric < real < double is implicit
    return rf < rt ? "implicit" : "assignment";
  }
  if (isString(t)) return isString(f) ? "implicit" : "assignment"; // I/O conversion to text
  if (isString(f)) return "explicit"; // I/O conversion from text
  switch (f) {
    case "boolean":
      return t === "integer" ? "explicit" : null;
    case "integer":
      return t === "boolean" ? "explicit" : null;
    case "date":
      return t === "timestamp" || t === "timestamptz" ? "implicit" : null;
    case "timestamp":
      if (t === "timestamptz") return "implicit";
      return t === "date" || t === "time" ? "assignment" : null;
    case "timestamptz":
      return t === "timestamp" || t === "date" || t === "time" ? "assignment" : null;
    case "time":
      return t === "interval" ? "implicit" : null;
    case "interval":
      return t === "time" ? "assignment" : null;
    case "jsonb":
      return t === "boolean" || rt !== undefined ? "explicit" : null;
    case "vector":
      return t === "array" && to.element!.id === "real" ? "implicit" : null;
    case "array": {
      if (t === "vector") {
        const e = from.element!.id;
        return e === "integer" || e === "real" || e === "double" || e === "numeric" ? "assignment" : null;
      }
      return null;
    }
  }
  return null;
}

/** True if `from` may be cast to `to` in `context` (implicit ⊂ assignment ⊂ explicit). */
export function canCast(from: DataType, to: DataType, context: CastContext): boolean {
  const c = castContext(from, to);
  if (c === null) return false;
  if (context === "explicit") return true;
  if (context === "assignment") return c !== "explicit";
  return c === "implicit";
}

function sameTypmods(a: DataType, b: DataType): boolean {
  if (a.id !== b.id) return false;
  if (a.precision !== b.precision || a.scale !== b.scale || a.length !== b.length || a.dims !== b.dims) return false;
  if (a.id === "array") return sameTypmods(a.element!, b.element!);
  return true;
}

function stripTypmod(t: DataType): DataType {
  switch (t.id) {
    case "numeric":
      return Types.numeric;
    case "varchar":
      return Types.varchar;
    case "char":
      return t.length === undefined ? t : { id: "char" };
    case "vector":
      return Types.vector();
    case "array":
      return Types.array(stripTypmod(t.element!));
    default:
      return t;
  }
}

/**
 * Postgres's select_common_type: the type a set of expressions resolves to (UNION, CASE,
 * COALESCE, VALUES, ARRAY[...]). All-unknown → text. Returns null when the types cannot be
 * matched (the caller raises 42804 `UNION types integer and text cannot be matched`).
 */
export function commonSupertype(types: readonly DataType[]): DataType | null {
  let ptype: DataType | null = null;
  for (const t of types) {
    if (t.id === "unknown") continue;
    if (ptype === null) {
      ptype = t;
      continue;
    }
    if (t.id === ptype.id && (t.id !== "array" || sameTypmods(stripTypmod(t), stripTypmod(ptype)))) continue;
    if (typeCategory(t) !== typeCategory(ptype)) return null;
    if (!isPreferredType(ptype) && castContext(ptype, t) === "implicit" && castContext(t, ptype) !== "implicit") {
      ptype = t;
    }
  }
  if (ptype === null) return Types.text;
  for (const t of types) {
    if (t.id !== "unknown" && castContext(t, ptype) !== "implicit") return null;
  }
  // keep type modifiers only when every input has the same ones
  const known = types.filter((t) => t.id !== "unknown");
  if (known.every((t) => sameTypmods(t, known[0]))) return known[0];
  return stripTypmod(ptype);
}

// ---- castValue ------------------------------------------------------------------------------

function cannotCast(from: DataType, to: DataType): SqlError {
  return new SqlError(SqlState.CannotCoerce, `cannot cast type ${typeName(from)} to ${typeName(to)}`);
}

const INT_LABEL = { smallint: "smallint", integer: "integer", bigint: "bigint" } as const;

function intOutOfRange(id: "smallint" | "integer" | "bigint"): SqlError {
  return new SqlError(SqlState.NumericValueOutOfRange, `${INT_LABEL[id]} out of range`);
}

function jsonbTypeLabel(v: Jsonb): string {
  const t = v.typeOf();
  return t === "number" ? "numeric" : t;
}

function jsonbScalar(v: Jsonb, to: DataType): unknown {
  const j = v.value;
  if (to.id === "boolean") {
    if (typeof j === "boolean") return j;
  } else if (typeof j === "number" || j instanceof Decimal) {
    return j;
  }
  throw new SqlError(SqlState.InvalidParameterValue, `cannot cast jsonb ${jsonbTypeLabel(v)} to type ${typeName(to)}`);
}

/** A number-like value of `from` as a Decimal. */
function toDecimal(value: unknown, from: DataType): Decimal {
  switch (from.id) {
    case "smallint":
    case "integer":
      return Decimal.fromBigInt(BigInt(value as number));
    case "bigint":
      return Decimal.fromBigInt(value as bigint);
    case "real":
      return Decimal.fromFloat(value as number, 6);
    case "double":
      return Decimal.fromFloat(value as number, 15);
    case "numeric":
      return value as Decimal;
  }
  throw new Error("not numeric");
}

function toInteger(value: unknown, from: DataType, id: "smallint" | "integer" | "bigint"): number | bigint {
  const min = id === "smallint" ? -32768 : -2147483648;
  const max = id === "smallint" ? 32767 : 2147483647;
  switch (from.id) {
    case "boolean":
      return value ? 1 : 0;
    case "smallint":
    case "integer": {
      const n = value as number;
      if (id === "bigint") return BigInt(n);
      if (n < min || n > max) throw intOutOfRange(id);
      return n;
    }
    case "bigint": {
      const b = value as bigint;
      if (id === "bigint") return b;
      if (b < BigInt(min) || b > BigInt(max)) throw intOutOfRange(id);
      return Number(b);
    }
    case "real":
    case "double": {
      const x = rint(value as number);
      if (id === "bigint") {
        if (!(x >= -9223372036854775808 && x < 9223372036854775808)) throw intOutOfRange(id);
        return BigInt(x);
      }
      if (!(x >= min && x <= max)) throw intOutOfRange(id);
      return x === 0 ? 0 : x;
    }
    case "numeric": {
      const b = (value as Decimal).toBigInt(id);
      if (id === "bigint") {
        if (b < -9223372036854775808n || b > 9223372036854775807n) throw intOutOfRange(id);
        return b;
      }
      if (b < BigInt(min) || b > BigInt(max)) throw intOutOfRange(id);
      return Number(b);
    }
  }
  throw new Error("not numeric");
}

function toDouble(value: unknown, from: DataType): number {
  switch (from.id) {
    case "smallint":
    case "integer":
    case "real":
    case "double":
      return value as number;
    case "bigint":
      return Number(value as bigint);
    case "numeric":
      return (value as Decimal).toNumber();
  }
  throw new Error("not numeric");
}

function castNumeric(value: unknown, from: DataType, to: DataType): unknown {
  switch (to.id) {
    case "smallint":
    case "integer":
    case "bigint":
      return toInteger(value, from, to.id);
    case "double":
      return toDouble(value, from);
    case "real":
      if (from.id === "double") return toFloat4(value as number);
      if (from.id === "numeric") {
        const d = value as Decimal;
        const x = Math.fround(Number(d.toString()));
        if (!Number.isFinite(x) && d.isFinite()) throw new SqlError(SqlState.NumericValueOutOfRange, `"${d.toString()}" is out of range for type real`);
        return x;
      }
      return Math.fround(toDouble(value, from));
    case "numeric":
      return applyNumericTypmod(toDecimal(value, from), to.precision, to.scale);
  }
  throw cannotCast(from, to);
}

/** The text a value becomes when cast to text (boolean gives 'true', char drops trailing spaces). */
function castToText(value: unknown, from: DataType, options?: CastOptions): string {
  switch (from.id) {
    case "boolean":
      return value ? "true" : "false";
    case "char":
      return rtrimSpaces(value as string);
    case "text":
    case "varchar":
    case "unknown":
      return value as string;
    default:
      return formatValue(from, value, options);
  }
}

function toVector(value: unknown, from: DataType, to: DataType): Float32Array {
  if (from.id === "vector") return checkVectorDims(value as Float32Array, to.dims);
  const arr = value as unknown[];
  if (arr.some((e) => Array.isArray(e))) throw new SqlError(SqlState.DataException, "array must be 1-D");
  if (arr.some((e) => e === null || e === undefined)) {
    throw new SqlError(SqlState.NullValueNotAllowed, "array must not contain nulls");
  }
  if (arr.length < 1) throw new SqlError(SqlState.DataException, "vector must have at least 1 dimension");
  if (to.dims !== undefined && arr.length !== to.dims) {
    throw new SqlError(SqlState.DataException, `expected ${to.dims} dimensions, not ${arr.length}`);
  }
  const out = new Float32Array(arr.length);
  const el = from.element!;
  for (let i = 0; i < arr.length; i++) {
    const x = Math.fround(toDouble(arr[i], el));
    checkVectorElement(x);
    out[i] = x;
  }
  return out;
}

/**
 * Casts a value (never null → null) from one type to another with Postgres's semantics.
 * `context` only changes how type modifiers apply (varchar(n)/char(n): explicit truncates,
 * assignment and implicit raise 22001); checking that the cast is allowed in a context is the
 * binder's job (castContext / canCast). Unsupported pairs raise 42846.
 */
export function castValue(
  value: unknown,
  from: DataType,
  to: DataType,
  context: CastContext = "explicit",
  options?: CastOptions,
): unknown {
  if (value === null || value === undefined) return null;
  const f = from.id;
  const t = to.id;
  if ((t === "timestamp" || t === "timestamptz" || t === "time") && to.precision !== undefined) {
    return roundFractionalSeconds(castValue(value, from, { id: t }, context, options) as number, to.precision);
  }
  const explicit = context === "explicit";
  // to string types: I/O conversion
  if (t === "text" || t === "varchar" || t === "char") {
    // char → char keeps its padding; every other source becomes text first
    const s = f === "char" && t === "char" ? (value as string) : castToText(value, from, options);
    return t === "text" ? s : applyStringTypmod(s, to, explicit);
  }
  // from string types / unknown literals: the input function, then the type modifier
  if (f === "text" || f === "varchar" || f === "char" || f === "unknown") {
    const s = f === "char" ? rtrimSpaces(value as string) : (value as string);
    switch (t) {
      case "numeric":
        return applyNumericTypmod(Decimal.parse(s), to.precision, to.scale);
      case "vector":
        return parseVector(s, to.dims);
      case "unknown":
        return s;
      default:
        return parseValue(to, s, options);
    }
  }
  if (f === t) {
    switch (t) {
      case "numeric":
        return applyNumericTypmod(value as Decimal, to.precision, to.scale);
      case "vector":
        return checkVectorDims(value as Float32Array, to.dims);
      case "array":
        if (sameTypmods(from.element!, to.element!)) return value;
        return castArray(value as unknown[], from.element!, to.element!, context, options);
      default:
        return value;
    }
  }
  if (NUMERIC_RANK[f] !== undefined && NUMERIC_RANK[t] !== undefined) return castNumeric(value, from, to);
  const zone = options?.timeZone ?? "UTC";
  switch (f) {
    case "boolean":
      if (t === "integer") return value ? 1 : 0;
      break;
    case "integer":
      if (t === "boolean") return (value as number) !== 0;
      break;
    case "date": {
      const d = value as number;
      const local = d === DATE_POS_INFINITY ? Infinity : d === DATE_NEG_INFINITY ? -Infinity : d * USECS_PER_DAY;
      if (t === "timestamp") return local;
      if (t === "timestamptz") return localToUtc(local, zone);
      break;
    }
    case "timestamp":
    case "timestamptz": {
      const us = value as number;
      if (t === "timestamptz") return localToUtc(us, zone);
      if (t === "timestamp") return utcToLocal(us, zone);
      const local = f === "timestamptz" ? utcToLocal(us, zone) : us;
      if (t === "date") {
        if (local === Infinity) return DATE_POS_INFINITY;
        if (local === -Infinity) return DATE_NEG_INFINITY;
        return Math.floor(local / USECS_PER_DAY);
      }
      if (t === "time") {
        if (!Number.isFinite(local)) return null;
        return local - Math.floor(local / USECS_PER_DAY) * USECS_PER_DAY;
      }
      break;
    }
    case "time":
      if (t === "interval") return new Interval(0, 0, value as number);
      break;
    case "interval":
      if (t === "time") {
        const us = (value as Interval).micros % USECS_PER_DAY;
        return us < 0 ? us + USECS_PER_DAY : us;
      }
      break;
    case "jsonb":
      if (t === "boolean") return jsonbScalar(value as Jsonb, to);
      if (NUMERIC_RANK[t] !== undefined) {
        const n = jsonbScalar(value as Jsonb, to) as number | Decimal;
        const d = typeof n === "number" ? Decimal.fromNumber(n) : n;
        return castNumeric(d, Types.numeric, to);
      }
      break;
    case "vector":
      if (t === "array" && to.element!.id === "real") return Array.from(value as Float32Array);
      break;
    case "array":
      if (t === "vector") {
        const e = from.element!.id;
        if (e === "integer" || e === "real" || e === "double" || e === "numeric") return toVector(value, from, to);
      }
      break;
  }
  throw cannotCast(from, to);
}

function castArray(arr: readonly unknown[], from: DataType, to: DataType, context: CastContext, options?: CastOptions): unknown[] {
  const out = new Array<unknown>(arr.length);
  for (let i = 0; i < arr.length; i++) {
    const e = arr[i];
    if (e === null || e === undefined) out[i] = null;
    else if (Array.isArray(e)) out[i] = castArray(e, from, to, context, options);
    else out[i] = castValue(e, from, to, context, options);
  }
  return out;
}


/** time(p) / timestamp(p): microseconds rounded to p fractional digits, half away from zero. */
function roundFractionalSeconds(us: number, precision: number): number {
  if (precision >= 6 || !Number.isFinite(us)) return us;
  const unit = 10 ** (6 - precision);
  const r = Math.floor((Math.abs(us) + unit / 2) / unit) * unit;
  return us < 0 ? -r : r;
}
