// Result values on the wire: Postgres's text format (the type's output function, as psql prints
// it) and binary format (the type's send function) for each of our types.

import { Types, formatValue, type DataType, type Decimal, type Interval, type Jsonb } from "../types/index.js";
import { encodeNumericBinary } from "./numeric-binary.js";
import { typeOid } from "./type-oids.js";

/** Microseconds from 1970-01-01 to 2000-01-01, Postgres's binary epoch. */
export const PG_EPOCH_MICROS = 946_684_800_000_000;
/** Days from 1970-01-01 to 2000-01-01. */
export const PG_EPOCH_DAYS = 10_957;
const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;
const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

export interface EncodeOptions {
  /** session TimeZone, for timestamptz text output */
  timeZone: string;
}

/** The text form of a non-null value. */
export function encodeText(type: DataType, value: unknown, options: EncodeOptions): Buffer {
  if (typeof value === "string" && (type.id === "text" || type.id === "varchar" || type.id === "char" || type.id === "unknown")) {
    return Buffer.from(value, "utf8");
  }
  let s: string;
  try {
    s = formatValue(type, value, { timeZone: options.timeZone });
  } catch {
    s = String(value);
  }
  return Buffer.from(typeof s === "string" ? s : String(s), "utf8");
}

function int64(v: bigint): Buffer {
  const b = Buffer.allocUnsafe(8);
  b.writeBigInt64BE(v);
  return b;
}

function micros64(us: number, offset: number): Buffer {
  if (us === Infinity) return int64(INT64_MAX);
  if (us === -Infinity) return int64(INT64_MIN);
  return int64(BigInt(Math.round(us - offset)));
}

/** The binary (send function) form of a non-null value. */
export function encodeBinary(type: DataType, value: unknown): Buffer {
  switch (type.id) {
    case "boolean":
      return Buffer.from([value ? 1 : 0]);
    case "smallint": {
      const b = Buffer.allocUnsafe(2);
      b.writeInt16BE(value as number);
      return b;
    }
    case "integer": {
      const b = Buffer.allocUnsafe(4);
      b.writeInt32BE(value as number);
      return b;
    }
    case "bigint":
      return int64(typeof value === "bigint" ? value : BigInt(value as number));
    case "real": {
      const b = Buffer.allocUnsafe(4);
      b.writeFloatBE(value as number);
      return b;
    }
    case "double": {
      const b = Buffer.allocUnsafe(8);
      b.writeDoubleBE(value as number);
      return b;
    }
    case "numeric":
      return encodeNumericBinary(value as Decimal);
    case "text":
    case "varchar":
    case "char":
    case "unknown":
      return Buffer.from(typeof value === "string" ? value : String(value), "utf8");
    case "bytea": {
      const u = value as Uint8Array;
      return Buffer.from(u.buffer, u.byteOffset, u.byteLength);
    }
    case "date": {
      const days = value as number;
      const b = Buffer.allocUnsafe(4);
      b.writeInt32BE(days === INT32_MAX || days === INT32_MIN ? days : days - PG_EPOCH_DAYS);
      return b;
    }
    case "time":
      return int64(BigInt(Math.round(value as number)));
    case "timestamp":
    case "timestamptz":
      return micros64(value as number, PG_EPOCH_MICROS);
    case "interval": {
      const iv = value as Interval;
      const b = Buffer.allocUnsafe(16);
      b.writeBigInt64BE(BigInt(Math.round(iv.micros)), 0);
      b.writeInt32BE(iv.days, 8);
      b.writeInt32BE(iv.months, 12);
      return b;
    }
    case "jsonb": {
      const text = Buffer.from((value as Jsonb).toString(), "utf8");
      const b = Buffer.allocUnsafe(text.length + 1);
      b[0] = 1;
      text.copy(b, 1);
      return b;
    }
    case "vector": {
      const v = value as Float32Array;
      const b = Buffer.allocUnsafe(4 + v.length * 4);
      b.writeInt16BE(v.length, 0);
      b.writeInt16BE(0, 2);
      for (let i = 0; i < v.length; i++) b.writeFloatBE(v[i], 4 + i * 4);
      return b;
    }
    case "array":
      return encodeArrayBinary(type.element ?? Types.text, value as unknown[]);
  }
}

/** array_send: int32 ndim, int32 has-nulls, int32 element OID, (int32 size, int32 lower bound) per dimension, then the elements. */
function encodeArrayBinary(element: DataType, arr: unknown[]): Buffer {
  const dims: number[] = [];
  let level: unknown = arr;
  while (Array.isArray(level)) {
    dims.push(level.length);
    if (level.length === 0) break;
    level = level[0];
  }
  if (dims.length === 1 && dims[0] === 0) dims.length = 0;
  const parts: Buffer[] = [];
  let hasNull = 0;
  const walk = (v: unknown, depth: number): void => {
    if (depth < dims.length && Array.isArray(v)) {
      for (const x of v) walk(x, depth + 1);
      return;
    }
    if (v === null || v === undefined) {
      hasNull = 1;
      const n = Buffer.allocUnsafe(4);
      n.writeInt32BE(-1);
      parts.push(n);
      return;
    }
    const e = encodeBinary(element, v);
    const len = Buffer.allocUnsafe(4);
    len.writeInt32BE(e.length);
    parts.push(len, e);
  };
  if (dims.length > 0) walk(arr, 0);
  const head = Buffer.allocUnsafe(12 + dims.length * 8);
  head.writeInt32BE(dims.length, 0);
  head.writeInt32BE(hasNull, 4);
  head.writeInt32BE(typeOid(element), 8);
  dims.forEach((d, i) => {
    head.writeInt32BE(d, 12 + i * 8);
    head.writeInt32BE(1, 16 + i * 8);
  });
  return Buffer.concat([head, ...parts]);
}

/** Encodes a value in the given format code (0 text, 1 binary); null stays null. */
export function encodeValue(type: DataType, value: unknown, format: number, options: EncodeOptions): Buffer | null {
  if (value === null || value === undefined) return null;
  return format === 1 ? encodeBinary(type, value) : encodeText(type, value, options);
}
