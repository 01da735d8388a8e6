// String functions. Lengths and positions count characters (code points), as Postgres does in
// UTF-8; lower/upper/initcap use Unicode case mapping.

import { createHash, randomUUID } from "node:crypto";
import { DataType, Types } from "../data-type.js";
import { SqlError, SqlState } from "../errors.js";
import { castValue } from "../cast.js";
import { formatValue } from "../text-format.js";
import { rtrimSpaces } from "../compare.js";
import { utf8Length } from "../jsonb.js";
import { charLength } from "../typmod.js";
import { defineFunction } from "./registry.js";
import { binop } from "./operators.js";

const T = Types.text;
const I4 = Types.integer;
const I8 = Types.bigint;
const B = Types.boolean;
const BYTEA = Types.bytea;
const BPCHAR: DataType = { id: "char" };

function hasAstral(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) return true;
  }
  return false;
}

/** Characters (code points) of s, as an array only when s has astral characters. */
function chars(s: string): string[] | null {
  return hasAstral(s) ? [...s] : null;
}

/** Postgres's substring(str, start[, count]) with its rules for start < 1. */
export function substr(s: string, start: number, count?: number): string {
  if (count !== undefined && count < 0) {
    throw new SqlError(SqlState.SubstringError, "negative substring length not allowed");
  }
  const cs = chars(s);
  const len = cs === null ? s.length : cs.length;
  if (start > len) return ""; // (Postgres returns an empty string here too)
  let from = start - 1;
  let to = count === undefined ? len : start - 1 + count;
  if (from < 0) from = 0;
  if (to > len) to = len;
  if (to <= from) return "";
  return cs === null ? s.slice(from, to) : cs.slice(from, to).join("");
}

function position(s: string, sub: string): number {
  const i = s.indexOf(sub);
  if (i < 0) return 0;
  return (hasAstral(s) ? charLength(s.slice(0, i)) : i) + 1;
}

function trimChars(s: string, set: string, left: boolean, right: boolean): string {
  const cs = [...s];
  const del = new Set([...set]);
  let a = 0;
  let b = cs.length;
  if (left) while (a < b && del.has(cs[a])) a++;
  if (right) while (b > a && del.has(cs[b - 1])) b--;
  return cs.slice(a, b).join("");
}

function trimSpaces(s: string, left: boolean, right: boolean): string {
  let a = 0;
  let b = s.length;
  if (left) while (a < b && s.charCodeAt(a) === 32) a++;
  if (right) while (b > a && s.charCodeAt(b - 1) === 32) b--;
  return s.slice(a, b);
}

function pad(s: string, len: number, fill: string, left: boolean): string {
  if (len <= 0) return "";
  const cs = [...s];
  if (cs.length >= len) return cs.slice(0, len).join("");
  const fc = [...fill];
  if (fc.length === 0) return s;
  let p = "";
  for (let i = 0; i < len - cs.length; i++) p += fc[i % fc.length];
  return left ? p + s : s + p;
}

function checkLength(n: number): void {
  if (n > 1073741823) throw new SqlError(SqlState.ProgramLimitExceeded, "requested length too large");
}

function initcap(s: string): string {
  let out = "";
  let inWord = false;
  for (const c of s) {
    const alnum = /[\p{L}\p{N}]/u.test(c);
    out += alnum ? (inWord ? c.toLowerCase() : c.toUpperCase()) : c;
    inWord = alnum;
  }
  return out;
}

function splitPart(s: string, delim: string, n: number): string {
  if (n === 0) throw new SqlError(SqlState.InvalidParameterValue, "field position must not be zero");
  if (delim === "") return n === 1 || n === -1 ? s : "";
  const parts = s.split(delim);
  const i = n > 0 ? n - 1 : parts.length + n;
  return i >= 0 && i < parts.length ? parts[i] : "";
}

function translate(s: string, from: string, to: string): string {
  const f = [...from];
  const t = [...to];
  const map = new Map<string, string | null>();
  for (let i = 0; i < f.length; i++) if (!map.has(f[i])) map.set(f[i], i < t.length ? t[i] : null);
  let out = "";
  for (const c of s) {
    const r = map.get(c);
    if (r === undefined) out += c;
    else if (r !== null) out += r;
  }
  return out;
}

function toHex(v: number | bigint, bits: 32 | 64): string {
  if (typeof v === "number") return (v >>> 0).toString(16);
  return BigInt.asUintN(bits, v).toString(16);
}

const KEYWORDS = new Set(
  (
    "all analyse analyze and any array as asc asymmetric authorization between bigint binary bit boolean both case cast char " +
    "character check coalesce collate collation column concurrently constraint create cross current_catalog current_date " +
    "current_role current_schema current_time current_timestamp current_user dec decimal default deferrable desc distinct do " +
    "else end except exists extract false fetch float for foreign freeze from full grant greatest group grouping having ilike " +
    "in initially inner inout int integer intersect interval into is isnull join lateral leading least left like limit " +
    "localtime localtimestamp national natural nchar none normalize not notnull null nullif numeric offset on only or order " +
    "out outer overlaps overlay placing position precision primary real references returning right row select session_user " +
    "setof similar smallint some substring symmetric system_user table tablesample then time timestamp to trailing treat trim " +
    "true union unique user using values varchar variadic verbose when where window with xmlattributes xmlconcat xmlelement " +
    "xmlexists xmlforest xmlnamespaces xmlparse xmlpi xmlroot xmlserialize xmltable"
  ).split(" "),
);

export function quoteIdent(s: string): string {
  if (/^[a-z_][a-z0-9_$]*$/.test(s) && !KEYWORDS.has(s)) return s;
  return '"' + s.replace(/"/g, '""') + '"';
}

export function quoteLiteral(s: string): string {
  const body = s.replace(/'/g, "''");
  if (s.includes("\\")) return "E'" + body.replace(/\\/g, "\\\\") + "'";
  return "'" + body + "'";
}

function md5Hex(data: string | Uint8Array): string {
  return createHash("md5").update(data).digest("hex");
}

function encode(b: Uint8Array, format: string): string {
  switch (format.toLowerCase()) {
    case "hex":
      return Buffer.from(b).toString("hex");
    case "base64": {
      const s = Buffer.from(b).toString("base64");
      return s.replace(/(.{76})(?=.)/g, "$1\n");
    }
    case "escape": {
      let s = "";
      for (const x of b) {
        if (x === 92) s += "\\\\";
        else if (x < 32 || x > 126) s += "\\" + x.toString(8).padStart(3, "0");
        else s += String.fromCharCode(x);
      }
      return s;
    }
  }
  throw new SqlError(SqlState.InvalidParameterValue, `unrecognized encoding: "${format}"`);
}

function decode(s: string, format: string): Uint8Array {
  switch (format.toLowerCase()) {
    case "hex": {
      const t = s.replace(/\s+/g, "");
      if (t.length % 2 !== 0) throw new SqlError(SqlState.InvalidParameterValue, "invalid hexadecimal data: odd number of digits");
      const bad = /[^0-9a-fA-F]/.exec(t);
      if (bad !== null) throw new SqlError(SqlState.InvalidParameterValue, `invalid hexadecimal digit: "${bad[0]}"`);
      return new Uint8Array(Buffer.from(t, "hex"));
    }
    case "base64": {
      const t = s.replace(/\s+/g, "");
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(t)) throw new SqlError(SqlState.InvalidParameterValue, "invalid symbol found while decoding base64 sequence");
      return new Uint8Array(Buffer.from(t, "base64"));
    }
    case "escape": {
      const out: number[] = [];
      const enc = new TextEncoder();
      for (let i = 0; i < s.length; i++) {
        if (s[i] === "\\") {
          if (s[i + 1] === "\\") {
            out.push(92);
            i++;
            continue;
          }
          const oct = /^[0-3][0-7]{2}/.exec(s.slice(i + 1, i + 4));
          if (oct === null) throw new SqlError(SqlState.InvalidTextRepresentation, "invalid input syntax for type bytea");
          out.push(parseInt(oct[0], 8));
          i += 3;
        } else out.push(...enc.encode(s[i]));
      }
      return Uint8Array.from(out);
    }
  }
  throw new SqlError(SqlState.InvalidParameterValue, `unrecognized encoding: "${format}"`);
}

/** format(): %s (text), %I (identifier), %L (literal), %% and positions like %1$s; widths %5s/%-5s. */
function sqlFormat(fmt: string, args: unknown[], types: DataType[]): string {
  let out = "";
  let argi = 0;
  const text = (i: number): string | null => {
    if (i >= args.length) throw new SqlError(SqlState.InvalidParameterValue, "too few arguments for format()");
    const v = args[i];
    if (v === null || v === undefined) return null;
    const t = types[i];
    if (t.id === "text" || t.id === "varchar" || t.id === "unknown") return v as string;
    return formatValue(t, v);
  };
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i];
    if (c !== "%") {
      out += c;
      continue;
    }
    const m = /^(?:(\d+)\$)?(-)?(\d+|\*)?([sIL%])/.exec(fmt.slice(i + 1));
    if (m === null) {
      if (i + 1 >= fmt.length) throw new SqlError(SqlState.InvalidParameterValue, "unterminated format() type specifier", { hint: 'For a single "%" use "%%".' });
      throw new SqlError(SqlState.InvalidParameterValue, `unrecognized format() type specifier "${fmt[i + 1]}"`, { hint: 'For a single "%" use "%%".' });
    }
    i += m[0].length;
    if (m[4] === "%") {
      out += "%";
      continue;
    }
    let width = 0;
    let left = m[2] === "-";
    if (m[3] === "*") {
      const w = args[argi++] as number;
      width = Math.abs(w ?? 0);
      if (w < 0) left = true;
    } else if (m[3] !== undefined) width = Number(m[3]);
    const idx = m[1] !== undefined ? Number(m[1]) - 1 : argi;
    if (m[1] !== undefined && Number(m[1]) === 0) throw new SqlError(SqlState.InvalidParameterValue, "format specifies argument 0, but arguments are numbered from 1");
    argi = idx + 1;
    const v = text(idx);
    let s: string;
    switch (m[4]) {
      case "s":
        s = v ?? "";
        break;
      case "I":
        if (v === null) throw new SqlError(SqlState.NullValueNotAllowed, "null values cannot be formatted as an SQL identifier");
        s = quoteIdent(v);
        break;
      default:
        s = v === null ? "NULL" : quoteLiteral(v);
    }
    if (width > 0) s = left ? s.padEnd(width) : s.padStart(width);
    out += s;
  }
  return out;
}

function concatText(v: unknown, t: DataType): string {
  if (t.id === "text" || t.id === "varchar" || t.id === "unknown") return v as string;
  return formatValue(t, v);
}

export function registerStrings(): void {
  const fn = (name: string, params: DataType[], ret: DataType, id: string, impl: (a: unknown[]) => unknown, strict = true) =>
    defineFunction({ name, params, ret, id, impl, strict });

  for (const name of ["length", "char_length", "character_length"]) {
    fn(name, [T], I4, `${name}:text`, (a) => charLength(a[0] as string));
    fn(name, [BPCHAR], I4, `${name}:bpchar`, (a) => charLength(rtrimSpaces(a[0] as string)));
  }
  fn("length", [BYTEA], I4, "length:bytea", (a) => (a[0] as Uint8Array).length);
  fn("octet_length", [T], I4, "octet_length:text", (a) => utf8Length(a[0] as string));
  fn("octet_length", [BYTEA], I4, "octet_length:bytea", (a) => (a[0] as Uint8Array).length);
  // overlay(s PLACING r FROM i [FOR n]): s with n characters from position i replaced by r
  const overlay = (s: string, r: string, from: number, count: number): string => {
    const cs = [...s];
    if (from < 1) throw new SqlError(SqlState.SubstringError, "negative substring length not allowed");
    if (count < 0) throw new SqlError(SqlState.SubstringError, "negative substring length not allowed");
    return cs.slice(0, from - 1).join("") + r + cs.slice(from - 1 + count).join("");
  };
  fn("overlay", [T, T, I4, I4], T, "overlay:text4", (a) => overlay(a[0] as string, a[1] as string, a[2] as number, a[3] as number));
  fn("overlay", [T, T, I4], T, "overlay:text3", (a) => overlay(a[0] as string, a[1] as string, a[2] as number, charLength(a[1] as string)));
  // bytea ↔ text in an encoding, and single bytes
  const encoding = (name: string): BufferEncoding => {
    const n = name.toLowerCase().replace(/[-_]/g, "");
    if (n === "utf8" || n === "unicode") return "utf8";
    if (n === "latin1" || n === "iso88591") return "latin1";
    if (n === "sqlascii") return "latin1";
    throw new SqlError(SqlState.InvalidParameterValue, `invalid encoding name "${name}"`);
  };
  fn("convert_from", [BYTEA, T], T, "convert_from", (a) => Buffer.from(a[0] as Uint8Array).toString(encoding(a[1] as string)));
  fn("convert_to", [T, T], BYTEA, "convert_to", (a) => new Uint8Array(Buffer.from(a[0] as string, encoding(a[1] as string))));
  const byteIndex = (b: Uint8Array, n: number): number => {
    if (n < 0 || n >= b.length) throw new SqlError(SqlState.ArraySubscriptError, `index ${n} out of valid range, 0..${b.length - 1}`);
    return n;
  };
  fn("get_byte", [BYTEA, I4], I4, "get_byte", (a) => (a[0] as Uint8Array)[byteIndex(a[0] as Uint8Array, a[1] as number)]);
  fn("set_byte", [BYTEA, I4, I4], BYTEA, "set_byte", (a) => {
    const out = Uint8Array.from(a[0] as Uint8Array);
    out[byteIndex(out, a[1] as number)] = (a[2] as number) & 0xff;
    return out;
  });
  // character(n) keeps its padding here (length() drops it, through the cast to text)
  fn("octet_length", [BPCHAR], I4, "octet_length:bpchar", (a) => utf8Length(a[0] as string));
  fn("bit_length", [T], I4, "bit_length:text", (a) => utf8Length(a[0] as string) * 8);
  fn("lower", [T], T, "lower", (a) => (a[0] as string).toLowerCase());
  fn("upper", [T], T, "upper", (a) => (a[0] as string).toUpperCase());
  fn("initcap", [T], T, "initcap", (a) => initcap(a[0] as string));
  for (const name of ["substr", "substring"]) {
    fn(name, [T, I4], T, `${name}:2`, (a) => substr(a[0] as string, a[1] as number));
    fn(name, [T, I4, I4], T, `${name}:3`, (a) => substr(a[0] as string, a[1] as number, a[2] as number));
    fn(name, [BYTEA, I4], BYTEA, `${name}:bytea2`, (a) => {
      const b = a[0] as Uint8Array;
      return b.slice(Math.max(0, (a[1] as number) - 1));
    });
    fn(name, [BYTEA, I4, I4], BYTEA, `${name}:bytea3`, (a) => {
      const b = a[0] as Uint8Array;
      const start = a[1] as number;
      const count = a[2] as number;
      if (count < 0) throw new SqlError(SqlState.SubstringError, "negative substring length not allowed");
      const from = Math.max(0, start - 1);
      const to = Math.max(from, Math.min(b.length, start - 1 + count));
      return b.slice(from, to);
    });
  }
  // position(string, substring): the parser turns POSITION(sub IN str) into position(str, sub)
  fn("position", [T, T], I4, "position", (a) => position(a[0] as string, a[1] as string));
  fn("strpos", [T, T], I4, "strpos", (a) => position(a[0] as string, a[1] as string));
  fn("replace", [T, T, T], T, "replace", (a) => {
    const from = a[1] as string;
    return from === "" ? a[0] : (a[0] as string).split(from).join(a[2] as string);
  });
  fn("split_part", [T, T, I4], T, "split_part", (a) => splitPart(a[0] as string, a[1] as string, a[2] as number));
  fn("btrim", [T], T, "btrim", (a) => trimSpaces(a[0] as string, true, true));
  fn("btrim", [T, T], T, "btrim:chars", (a) => trimChars(a[0] as string, a[1] as string, true, true));
  fn("trim", [T], T, "trim", (a) => trimSpaces(a[0] as string, true, true));
  fn("trim", [T, T], T, "trim:chars", (a) => trimChars(a[0] as string, a[1] as string, true, true));
  fn("ltrim", [T], T, "ltrim", (a) => trimSpaces(a[0] as string, true, false));
  fn("ltrim", [T, T], T, "ltrim:chars", (a) => trimChars(a[0] as string, a[1] as string, true, false));
  fn("rtrim", [T], T, "rtrim", (a) => trimSpaces(a[0] as string, false, true));
  fn("rtrim", [T, T], T, "rtrim:chars", (a) => trimChars(a[0] as string, a[1] as string, false, true));
  fn("lpad", [T, I4], T, "lpad", (a) => pad(a[0] as string, a[1] as number, " ", true));
  fn("lpad", [T, I4, T], T, "lpad:fill", (a) => pad(a[0] as string, a[1] as number, a[2] as string, true));
  fn("rpad", [T, I4], T, "rpad", (a) => pad(a[0] as string, a[1] as number, " ", false));
  fn("rpad", [T, I4, T], T, "rpad:fill", (a) => pad(a[0] as string, a[1] as number, a[2] as string, false));
  fn("left", [T, I4], T, "left", (a) => {
    const n = a[1] as number;
    const s = a[0] as string;
    if (n >= 0) return substr(s, 1, n);
    return substr(s, 1, Math.max(0, charLength(s) + n));
  });
  fn("right", [T, I4], T, "right", (a) => {
    const n = a[1] as number;
    const s = a[0] as string;
    const len = charLength(s);
    if (n >= 0) return substr(s, Math.max(1, len - n + 1));
    return substr(s, 1 - n);
  });
  fn("repeat", [T, I4], T, "repeat", (a) => {
    const n = a[1] as number;
    if (n <= 0) return "";
    checkLength((a[0] as string).length * n);
    return (a[0] as string).repeat(n);
  });
  fn("reverse", [T], T, "reverse", (a) => [...(a[0] as string)].reverse().join(""));
  fn("starts_with", [T, T], B, "starts_with", (a) => (a[0] as string).startsWith(a[1] as string));
  binop("^@", T, T, B, "^@:text", (s: string, p: string) => s.startsWith(p));
  fn("translate", [T, T, T], T, "translate", (a) => translate(a[0] as string, a[1] as string, a[2] as string));
  fn("md5", [T], T, "md5:text", (a) => md5Hex(a[0] as string));
  fn("md5", [BYTEA], T, "md5:bytea", (a) => md5Hex(a[0] as Uint8Array));
  fn("sha256", [BYTEA], BYTEA, "sha256", (a) => new Uint8Array(createHash("sha256").update(a[0] as Uint8Array).digest()));
  fn("ascii", [T], I4, "ascii", (a) => {
    const s = a[0] as string;
    return s.length === 0 ? 0 : s.codePointAt(0)!;
  });
  fn("chr", [I4], T, "chr", (a) => {
    const n = a[0] as number;
    if (n === 0) throw new SqlError(SqlState.ProgramLimitExceeded, "null character not permitted");
    if (n < 0 || n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) {
      throw new SqlError(SqlState.ProgramLimitExceeded, `requested character too large for encoding: ${n}`);
    }
    return String.fromCodePoint(n);
  });
  fn("to_hex", [I4], T, "to_hex:int4", (a) => toHex(a[0] as number, 32));
  fn("to_hex", [I8], T, "to_hex:int8", (a) => toHex(a[0] as bigint, 64));
  fn("quote_ident", [T], T, "quote_ident", (a) => quoteIdent(a[0] as string));
  fn("quote_literal", [T], T, "quote_literal", (a) => quoteLiteral(a[0] as string));
  defineFunction({
    name: "quote_literal", params: ["anyelement"], ret: T, id: "quote_literal:any",
    specialize: (p) => (a) => quoteLiteral(castValue(a[0], p[0], T) as string),
  });
  fn("quote_nullable", [T], T, "quote_nullable", (a) => (a[0] === null ? "NULL" : quoteLiteral(a[0] as string)), false);
  fn("encode", [BYTEA, T], T, "encode", (a) => encode(a[0] as Uint8Array, a[1] as string));
  fn("decode", [T, T], BYTEA, "decode", (a) => decode(a[0] as string, a[1] as string));
  defineFunction({ name: "gen_random_uuid", params: [], ret: T, id: "gen_random_uuid", volatile: true, impl: () => randomUUID() });

  // concat / concat_ws / format: VARIADIC "any", NULLs skipped; values print with their output function
  defineFunction({
    name: "concat", params: ["any"], variadic: true, ret: T, id: "concat", strict: false,
    specialize: (types) => (a) => {
      let s = "";
      for (let i = 0; i < a.length; i++) if (a[i] !== null && a[i] !== undefined) s += concatText(a[i], types[i]);
      return s;
    },
  });
  defineFunction({
    name: "concat_ws", params: [T, "any"], variadic: true, ret: T, id: "concat_ws", strict: false,
    specialize: (types) => (a) => {
      const sep = a[0];
      if (sep === null || sep === undefined) return null;
      const parts: string[] = [];
      for (let i = 1; i < a.length; i++) if (a[i] !== null && a[i] !== undefined) parts.push(concatText(a[i], types[i]));
      return parts.join(sep as string);
    },
  });
  defineFunction({ name: "format", params: [T], ret: T, id: "format:1", strict: false, impl: (a) => (a[0] === null ? null : sqlFormat(a[0] as string, [], [])) });
  defineFunction({
    name: "format", params: [T, "any"], variadic: true, ret: T, id: "format", strict: false,
    specialize: (types) => (a) => (a[0] === null || a[0] === undefined ? null : sqlFormat(a[0] as string, a.slice(1), types.slice(1))),
  });
}
