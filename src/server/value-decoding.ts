// Parameter values a client sends in binary format (the types' receive functions), decoded into
// the engine's scalar forms. Text-format parameters need no decoding here: they go to the engine
// as the text a literal would hold (see parameters.ts).

import { Interval, Jsonb, SqlError, Types, type DataType } from "../types/index.js";
import { decodeNumericBinary } from "./numeric-binary.js";
import { typeForOid } from "./type-oids.js";
import { PG_EPOCH_DAYS, PG_EPOCH_MICROS } from "./value-encoding.js";

const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;
const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

function badFormat(): SqlError {
  return new SqlError("22P03", "incorrect binary data format");
}

function exact(b: Buffer, n: number): void {
  if (b.length !== n) throw badFormat();
}

function micros(v: bigint, offset: number): number {
  if (v === INT64_MAX) return Infinity;
  if (v === INT64_MIN) return -Infinity;
  return Number(v) + offset;
}

/** The scalar value of a binary-format parameter of `type`. */
export function decodeBinary(type: DataType, data: Uint8Array): unknown {
  const b = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  switch (type.id) {
    case "boolean":
      exact(b, 1);
      return b[0] !== 0;
    case "smallint":
      exact(b, 2);
      return b.readInt16BE(0);
    case "integer":
      exact(b, 4);
      return b.readInt32BE(0);
    case "bigint":
      exact(b, 8);
      return b.readBigInt64BE(0);
    case "real":
      exact(b, 4);
      return b.readFloatBE(0);
    case "double":
      exact(b, 8);
      return b.readDoubleBE(0);
    case "numeric":
      return decodeNumericBinary(b);
    case "text":
    case "varchar":
    case "char":
    case "unknown":
      return b.toString("utf8");
    case "bytea":
      return new Uint8Array(b);
    case "date": {
      exact(b, 4);
      const d = b.readInt32BE(0);
      return d === INT32_MAX || d === INT32_MIN ? d : d + PG_EPOCH_DAYS;
    }
    case "time":
      exact(b, 8);
      return Number(b.readBigInt64BE(0));
    case "timestamp":
    case "timestamptz":
      exact(b, 8);
      return micros(b.readBigInt64BE(0), PG_EPOCH_MICROS);
    case "interval":
      exact(b, 16);
      return new Interval(b.readInt32BE(12), b.readInt32BE(8), Number(b.readBigInt64BE(0)));
    case "jsonb":
      if (b.length < 1) throw badFormat();
      if (b[0] !== 1) throw new SqlError("22P03", `unsupported jsonb version number ${b[0]}`);
      return Jsonb.parse(b.toString("utf8", 1));
    case "vector": {
      if (b.length < 4) throw badFormat();
      const dims = b.readInt16BE(0);
      if (dims < 0 || b.length !== 4 + dims * 4) throw badFormat();
      const v = new Float32Array(dims);
      for (let i = 0; i < dims; i++) v[i] = b.readFloatBE(4 + i * 4);
      return v;
    }
    case "array":
      return decodeArrayBinary(b, type.element ?? Types.text);
  }
}

function decodeArrayBinary(b: Buffer, declared: DataType): unknown[] {
  if (b.length < 12) throw badFormat();
  const ndim = b.readInt32BE(0);
  const elementOid = b.readUInt32BE(8);
  if (ndim < 0 || ndim > 6) throw new SqlError("22P03", `invalid number of dimensions: ${ndim}`);
  const element = typeForOid(elementOid) ?? declared;
  if (element.id === "array") throw badFormat();
  let pos = 12;
  const dims: number[] = [];
  for (let i = 0; i < ndim; i++) {
    if (pos + 8 > b.length) throw badFormat();
    const n = b.readInt32BE(pos);
    if (n < 0) throw badFormat();
    dims.push(n);
    pos += 8;
  }
  const total = dims.reduce((a, n) => a * n, ndim === 0 ? 0 : 1);
  if (total > b.length) throw badFormat();
  const flat: unknown[] = [];
  for (let i = 0; i < total; i++) {
    if (pos + 4 > b.length) throw badFormat();
    const len = b.readInt32BE(pos);
    pos += 4;
    if (len === -1) {
      flat.push(null);
      continue;
    }
    if (len < 0 || pos + len > b.length) throw badFormat();
    flat.push(decodeBinary(element, b.subarray(pos, pos + len)));
    pos += len;
  }
  if (pos !== b.length) throw badFormat();
  // nest the flat list by dimensions, innermost last
  let nested: unknown[] = flat;
  for (let d = dims.length - 1; d > 0; d--) {
    const size = dims[d];
    const next: unknown[] = [];
    for (let i = 0; i < nested.length; i += size) next.push(nested.slice(i, i + size));
    nested = next;
  }
  return nested;
}

