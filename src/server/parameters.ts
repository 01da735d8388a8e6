// Bound parameters of the extended query protocol. A statement the engine prepares takes its
// parameters as values (`parameterValue`: text-format parameters stay text, which the engine
// reads with the parameter's type; binary ones are decoded by that type). Statements the server
// answers itself (the pg_catalog emulation) or that are not the engine's alone (COPY) get them as
// SQL literals in the statement text: `$n` becomes `'text'` (an untyped literal, typed from its
// context exactly as Postgres types an unspecified parameter) or `('text'::type)` when the client
// named the type in Parse; error positions in the rewritten text are mapped back to the client's.

import { SqlError, Types, formatValue, type DataType } from "../types/index.js";
import { codePointToOffset, findParameters, offsetToCodePoint } from "./sql-scan.js";
import { typeForOid } from "./type-oids.js";
import { decodeBinary } from "./value-decoding.js";

export interface BoundParameter {
  /** the value's text form; null for SQL NULL */
  text: string | null;
  /** the type the client gave in Parse, if any */
  type?: DataType;
}

export interface RewrittenSql {
  sql: string;
  /** maps a 1-based code-point position in `sql` back to one in the original text */
  mapPosition(position: number): number;
}

/** The highest `$n` in the text (the number of parameters the statement takes). */
export function parameterCount(sql: string, declared: number): number {
  let max = declared;
  for (const p of findParameters(sql)) if (p.index > max) max = p.index;
  return max;
}

/** The SQL spelling of a parameter's type for a cast (the engine's parser accepts these). */
export function castTypeName(t: DataType): string {
  switch (t.id) {
    case "boolean":
      return "bool";
    case "smallint":
      return "int2";
    case "integer":
      return "int4";
    case "bigint":
      return "int8";
    case "real":
      return "float4";
    case "double":
      return "float8";
    case "char":
      return t.length === 1 ? '"char"' : "bpchar";
    case "array":
      return castTypeName(t.element!) + "[]";
    case "unknown":
      return "text";
    default:
      return t.id;
  }
}

function quoteLiteral(text: string): string {
  if (text.includes("\0")) throw new SqlError("22021", 'invalid byte sequence for encoding "UTF8": 0x00');
  return "'" + text.replace(/'/g, "''") + "'";
}

function literalFor(p: BoundParameter | undefined): string {
  if (!p || p.text === null) return p?.type ? `(NULL::${castTypeName(p.type)})` : "NULL";
  const lit = quoteLiteral(p.text);
  return p.type ? `(${lit}::${castTypeName(p.type)})` : lit;
}

/** Replaces each `$n` with its parameter's literal. */
export function substituteParameters(sql: string, params: readonly (BoundParameter | undefined)[]): RewrittenSql {
  const refs = findParameters(sql);
  if (refs.length === 0) return { sql, mapPosition: (p) => p };
  let out = "";
  let last = 0;
  // (offset in new text where a replacement starts, its length, original start, original length)
  const spans: { newStart: number; newLen: number; oldStart: number; oldLen: number }[] = [];
  for (const r of refs) {
    out += sql.slice(last, r.start);
    const lit = literalFor(params[r.index - 1]);
    spans.push({ newStart: out.length, newLen: lit.length, oldStart: r.start, oldLen: r.end - r.start });
    out += lit;
    last = r.end;
  }
  out += sql.slice(last);
  const rewritten = out;
  const mapPosition = (position: number): number => {
    const off = codePointToOffset(rewritten, position);
    let delta = 0;
    for (const s of spans) {
      if (off < s.newStart) break;
      if (off < s.newStart + s.newLen) return offsetToCodePoint(sql, s.oldStart);
      delta += s.newLen - s.oldLen;
    }
    return offsetToCodePoint(sql, off - delta);
  };
  return { sql: rewritten, mapPosition };
}

/**
 * One Bind parameter as a BoundParameter: text format is taken as it is; binary format is
 * decoded with the type's receive function (which needs the type from Parse) and re-spelled in
 * text.
 */
export function bindParameter(value: Buffer | null, format: number, typeOid: number, index: number): BoundParameter {
  const type = typeOid ? typeForOid(typeOid) : undefined;
  if (typeOid && !type) {
    throw new SqlError("42704", `type with OID ${typeOid} is not supported for parameter $${index + 1}`);
  }
  if (value === null) return { text: null, type };
  if (format === 0) {
    const text = value.toString("utf8");
    return { text, type };
  }
  if (!type) {
    // node-postgres sends Buffer values in binary format without a type: they are bytea
    return { text: formatValue(Types.bytea, new Uint8Array(value)) };
  }
  let decoded: unknown;
  try {
    decoded = decodeBinary(type, value);
  } catch (e) {
    if (e instanceof SqlError && e.code === "22P03") {
      throw new SqlError("22P03", `incorrect binary data format in bind parameter ${index + 1}`);
    }
    throw e;
  }
  return { text: formatValue(type, decoded), type };
}

/**
 * One Bind parameter as the value the engine takes for a parameter of `type` (the type from Parse,
 * else the one the engine inferred): text format stays text (the engine reads it with the type's
 * input function), binary format is decoded with the type's receive function.
 */
export function parameterValue(value: Buffer | null, format: number, type: DataType, index: number): unknown {
  if (value === null) return null;
  if (format === 0) {
    const text = value.toString("utf8");
    if (text.includes("\0")) throw new SqlError("22021", 'invalid byte sequence for encoding "UTF8": 0x00');
    return text;
  }
  try {
    return decodeBinary(type, value);
  } catch (e) {
    if (e instanceof SqlError && e.code === "22P03") {
      throw new SqlError("22P03", `incorrect binary data format in bind parameter ${index + 1}`);
    }
    throw e;
  }
}
