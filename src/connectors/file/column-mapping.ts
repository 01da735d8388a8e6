// Our SQL types on either side of DuckDB. Reading: each declared column becomes a DuckDB
// expression whose result our Column builders take directly (INTEGER → Int32Array, BIGINT →
// BigInt64Array, DOUBLE → Float64Array, timestamps as BIGINT µs → Float64Array, dates as INTEGER
// days); types without a cheap DuckDB twin (numeric, interval, jsonb, vector, ...) come across as
// text and go through our own input functions, so they parse exactly as INSERT would parse them.
// Writing: the reverse, each column appended in a DuckDB type and turned into the file's type by
// the final SELECT of the COPY.

import type { DuckDBType, DuckDBVector } from "@duckdb/node-api";
import { Column, ColumnBuilder, SqlError, SqlState, allocData, formatValue, parseValue, physicalKind, typeName as sqlTypeName, type DataType } from "../../types/index.js";
import { sqlIdent, type DuckDBModule } from "./duckdb-engine.js";

/** The DuckDB type a declared column is cast to on read; null when it crosses as text. */
function nativeReadType(type: DataType): string | null {
  switch (type.id) {
    case "boolean":
      return "BOOLEAN";
    case "smallint":
      return "SMALLINT";
    case "integer":
      return "INTEGER";
    case "bigint":
      return "BIGINT";
    case "real":
      return "FLOAT";
    case "double":
      return "DOUBLE";
    case "text":
    case "varchar":
    case "char":
      return "VARCHAR";
    case "date":
      return "DATE";
    case "timestamp":
      return "TIMESTAMP";
    case "timestamptz":
      return "TIMESTAMPTZ";
    default:
      return null;
  }
}

/**
 * The DuckDB expression reading source expression `src` as `type`. `strict`: CAST (fails on bad
 * input); otherwise TRY_CAST (NULL on bad input, for finding the offending row).
 */
export function readExpression(src: string, type: DataType, strict: boolean, srcIsList = false): string {
  const cast = strict ? "CAST" : "TRY_CAST";
  // a DuckDB list (JSON array, Parquet list) for an array column: Postgres's {..} literal
  if (type.id === "array" && srcIsList) {
    const elem = `CASE WHEN x IS NULL THEN 'NULL' ELSE '"' || replace(replace(CAST(x AS VARCHAR), '\\', '\\\\'), '"', '\\"') || '"' END`;
    return `'{' || array_to_string(list_transform(${src}, x -> ${elem}), ',') || '}'`;
  }
  const native = nativeReadType(type);
  if (native === "DATE") return `CAST(${cast}(${src} AS DATE) - DATE '1970-01-01' AS INTEGER)`;
  if (native === "TIMESTAMP" || native === "TIMESTAMPTZ") return `epoch_us(${cast}(${src} AS ${native}))`;
  if (native !== null) return `${cast}(${src} AS ${native})`;
  // jsonb keeps nested values as JSON text; everything else crosses as DuckDB's text form
  if (type.id === "jsonb") return `CASE WHEN typeof(${src}) = 'VARCHAR' THEN CAST(${src} AS VARCHAR) ELSE CAST(to_json(${src}) AS VARCHAR) END`;
  return `CAST(${src} AS VARCHAR)`;
}

/** Whether values of `type` cross as text and need our input function. */
export function readsAsText(type: DataType): boolean {
  return nativeReadType(type) === null;
}

/** Where a bad value was: filled in by the caller, which knows the file and the row. */
export interface BadValue {
  row: number;
  column: number;
  text: string;
  why: string;
}

/** One DuckDB vector (rows [0, n)) of declared type `type` as our Column. */
export function columnFromVector(type: DataType, v: DuckDBVector, n: number, onBad: (row: number, text: string, why: string, cause: unknown) => never): Column {
  const kind = physicalKind(type);
  if (readsAsText(type)) {
    const b = new ColumnBuilder(type, n);
    for (let i = 0; i < n; i++) {
      const t = v.getItem(i) as string | null;
      if (t === null) b.pushNull();
      else {
        try {
          b.push(parseValue(type, t));
        } catch (e) {
          onBad(i, t, e instanceof Error ? e.message : String(e), e);
        }
      }
    }
    return b.build();
  }
  const data = allocData(kind, n);
  let nulls: Uint8Array | null = null;
  const timeLike = type.id === "timestamp" || type.id === "timestamptz";
  for (let i = 0; i < n; i++) {
    const x = v.getItem(i);
    if (x === null) {
      nulls ??= new Uint8Array(n);
      nulls[i] = 1;
      continue;
    }
    switch (kind) {
      case "bool":
        (data as Uint8Array)[i] = x ? 1 : 0;
        break;
      case "int32":
        (data as Int32Array)[i] = x as number;
        break;
      case "int64":
        (data as BigInt64Array)[i] = x as bigint;
        break;
      case "float64":
        (data as Float64Array)[i] = timeLike ? Number(x as bigint) : (x as number);
        break;
      default:
        (data as unknown[])[i] = x;
    }
  }
  return new Column(type, data, nulls, n);
}

/** How a column of ours is appended to DuckDB and turned into the file's type. */
export interface WriteColumn {
  /** the DuckDB type of the appended values */
  duckType: DuckDBType;
  /** the SELECT expression over the appended column named `c` giving the file's value */
  output(c: string): string;
  /** our value (not NULL) → the appended value */
  convert(v: unknown): unknown;
}

/**
 * How to write a column of `type`. Unconstrained numeric becomes the narrowest DECIMAL(38, s) that
 * holds every value in `values` (exact), or text when a value needs more than 38 digits.
 */
export function writeColumn(type: DataType, values: () => Iterable<unknown>, duck: DuckDBModule): WriteColumn {
  const { BIGINT, BOOLEAN, DOUBLE, FLOAT, INTEGER, SMALLINT, VARCHAR } = duck;
  const same = (duckType: DuckDBType): WriteColumn => ({ duckType, output: (c) => sqlIdent(c), convert: (v) => v });
  switch (type.id) {
    case "boolean":
      return same(BOOLEAN);
    case "smallint":
      return same(SMALLINT);
    case "integer":
      return same(INTEGER);
    case "bigint":
      return same(BIGINT);
    case "real":
      return same(FLOAT);
    case "double":
      return same(DOUBLE);
    case "text":
    case "varchar":
    case "char":
      return same(VARCHAR);
    case "date":
      return { duckType: INTEGER, output: (c) => `CAST(DATE '1970-01-01' + ${sqlIdent(c)} AS DATE)`, convert: (v) => v };
    case "timestamp":
    case "timestamptz": {
      const cast = type.id === "timestamptz" ? "TIMESTAMPTZ" : "TIMESTAMP";
      return { duckType: BIGINT, output: (c) => `CAST(make_timestamp(${sqlIdent(c)}) AS ${cast})`, convert: (v) => BigInt(Math.round(v as number)) };
    }
    case "numeric": {
      let p = type.precision;
      let s = type.scale ?? 0;
      if (p === undefined) {
        let intDigits = 1;
        s = 0;
        for (const v of values()) {
          if (v === null) continue;
          const t = formatValue(type, v).replace(/^-/, "");
          const dot = t.indexOf(".");
          if (!/^\d+(\.\d+)?$/.test(t)) {
            intDigits = 99; // NaN / Infinity: only text holds them
            break;
          }
          intDigits = Math.max(intDigits, dot < 0 ? t.length : dot);
          s = Math.max(s, dot < 0 ? 0 : t.length - dot - 1);
        }
        p = intDigits + s <= 38 ? 38 : 99;
        if (p > 38) return { duckType: VARCHAR, output: (c) => sqlIdent(c), convert: (v) => formatValue(type, v) };
      }
      if (p > 38) return { duckType: VARCHAR, output: (c) => sqlIdent(c), convert: (v) => formatValue(type, v) };
      return { duckType: VARCHAR, output: (c) => `CAST(${sqlIdent(c)} AS DECIMAL(${p}, ${s}))`, convert: (v) => formatValue(type, v) };
    }
    case "jsonb":
      return { duckType: VARCHAR, output: (c) => `CAST(${sqlIdent(c)} AS JSON)`, convert: (v) => formatValue(type, v) };
    default:
      return { duckType: VARCHAR, output: (c) => sqlIdent(c), convert: (v) => formatValue(type, v) };
  }
}

/**
 * The error of a value that does not fit its column: Postgres's own message for the value (our
 * input function's, or "invalid input syntax for type ..." when DuckDB refused the cast), then
 * where it is: file, row (and CSV line), column. `cause`: our input function's error, if it failed.
 */
export function badValueError(file: string, row: number, line: number | null, column: string, type: DataType, text: string | null, why: string, cause?: unknown): SqlError {
  const where = `in file "${file}", ${line !== null ? `row ${row} (line ${line})` : `row ${row}`}, column "${column}"`;
  const shown = text === null ? "" : text.length > 60 ? text.slice(0, 57) + "..." : text;
  if (cause instanceof SqlError) return new SqlError(cause.code, `${cause.message} ${where}`, { detail: cause.detail, hint: cause.hint });
  const range = /out of range/i.test(why);
  // Postgres's input errors say "timestamp" for timestamp without time zone
  const typeName = (t: DataType) => (t.id === "timestamp" ? "timestamp" : sqlTypeName(t));
  const message = range ? `value "${shown}" is out of range for type ${typeName(type)}` : `invalid input syntax for type ${typeName(type)}: "${shown}"`;
  return new SqlError(range ? SqlState.NumericValueOutOfRange : SqlState.InvalidTextRepresentation, `${message} ${where}`, { detail: why });
}
