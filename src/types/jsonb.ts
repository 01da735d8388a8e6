// JSONB: a parsed JSON document with Postgres's jsonb semantics.
//
// `value` holds a plain JS tree: null (JSON null), boolean, string, arrays, objects (plain objects;
// parse creates them without a prototype; duplicate keys: the last one wins), and numbers as
// either a JS number (integers of at most 15 digits, the common case, exact in a double) or a
// Decimal (everything else, keeping Postgres's numeric text: 1.50 stays 1.50, 1e2 becomes 100).
// Code that builds a Jsonb may put any finite JS number in the tree; it prints as its shortest
// decimal form. Output sorts object keys as Postgres stores them (shorter keys first, then
// bytewise) and prints `{"a": 1, "b": [1, 2]}`.

import { Decimal } from "./numeric.js";
import { SqlError, SqlState } from "./errors.js";

export type JsonValue = null | boolean | number | Decimal | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

const MAX_DEPTH = 6400;

function jsonError(detail: string): SqlError {
  return new SqlError(SqlState.InvalidTextRepresentation, "invalid input syntax for type json", { detail });
}

/** Compares keys as jsonb stores them: by UTF-8 length, then bytewise. */
export function compareJsonbKeys(a: string, b: string): number {
  if (a === b) return 0;
  const la = utf8Length(a);
  const lb = utf8Length(b);
  if (la !== lb) return la - lb;
  return compareCodePoints(a, b);
}

/** UTF-8 byte length of a JS string. */
export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 1; // surrogate pair: 4 bytes for 2 code units
      i++;
    } else n += 2;
  }
  return n;
}

/** Code point (= UTF-8 byte) order, the "C" collation. */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x !== y) {
      // surrogates (astral code points) sort above U+E000..U+FFFF
      if (x >= 0xd800 && y >= 0xd800) {
        if (x >= 0xe000) x -= 0x800;
        else x += 0x2000;
        if (y >= 0xe000) y -= 0x800;
        else y += 0x2000;
      }
      return x < y ? -1 : 1;
    }
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** Object keys in jsonb storage order. */
export function sortedKeys(o: JsonObject): string[] {
  return Object.keys(o).sort(compareJsonbKeys);
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Decimal);
}

function isNumber(v: unknown): v is number | Decimal {
  return typeof v === "number" || v instanceof Decimal;
}

function toDecimal(v: number | Decimal): Decimal {
  return typeof v === "number" ? Decimal.fromNumber(v) : v;
}

function formatNumber(v: number | Decimal): string {
  if (typeof v === "number") {
    if (Number.isInteger(v) && Math.abs(v) < 1e21) return String(v === 0 ? 0 : v);
    return Decimal.fromNumber(v).toString();
  }
  return v.toString();
}

/** JSON string literal as Postgres's escape_json writes it. */
export function quoteJsonString(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | null = null;
    if (c < 0x20) {
      switch (c) {
        case 8:
          esc = "\\b";
          break;
        case 12:
          esc = "\\f";
          break;
        case 10:
          esc = "\\n";
          break;
        case 13:
          esc = "\\r";
          break;
        case 9:
          esc = "\\t";
          break;
        default:
          esc = "\\u" + c.toString(16).padStart(4, "0");
      }
    } else if (c === 34) esc = '\\"';
    else if (c === 92) esc = "\\\\";
    if (esc !== null) {
      out += s.slice(start, i) + esc;
      start = i + 1;
    }
  }
  return out + s.slice(start) + '"';
}

function formatValue(v: JsonValue, out: string[]): void {
  if (v === null) out.push("null");
  else if (typeof v === "boolean") out.push(v ? "true" : "false");
  else if (typeof v === "string") out.push(quoteJsonString(v));
  else if (isNumber(v)) out.push(formatNumber(v));
  else if (Array.isArray(v)) {
    out.push("[");
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out.push(", ");
      formatValue(v[i], out);
    }
    out.push("]");
  } else {
    out.push("{");
    const keys = sortedKeys(v);
    for (let i = 0; i < keys.length; i++) {
      if (i > 0) out.push(", ");
      out.push(quoteJsonString(keys[i]), ": ");
      formatValue(v[keys[i]], out);
    }
    out.push("}");
  }
}

/** The text of a JSON value as jsonb prints it. */
export function formatJson(v: JsonValue): string {
  if (typeof v === "string") return quoteJsonString(v);
  if (v === null || typeof v !== "object" || v instanceof Decimal) {
    if (v === null) return "null";
    if (typeof v === "boolean") return v ? "true" : "false";
    return formatNumber(v as number | Decimal);
  }
  const out: string[] = [];
  formatValue(v, out);
  return out.join("");
}

// ---- parsing --------------------------------------------------------------------------------

const NUMBER_RE = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

class Parser {
  pos = 0;
  depth = 0;
  constructor(readonly text: string) {}

  fail(detail: string): never {
    throw jsonError(detail);
  }

  skipWs(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.pos++;
      else break;
    }
  }

  token(): string {
    // the offending token, for "Token ... is invalid."
    const t = this.text;
    let e = this.pos;
    while (e < t.length && /[A-Za-z0-9_.+-]/.test(t[e])) e++;
    return t.slice(this.pos, Math.max(e, this.pos + 1));
  }

  value(): JsonValue {
    this.skipWs();
    const t = this.text;
    if (this.pos >= t.length) this.fail("The input string ended unexpectedly.");
    const c = t.charCodeAt(this.pos);
    if (c === 123) return this.object();
    if (c === 91) return this.array();
    if (c === 34) return this.string();
    if (c === 45 || (c >= 48 && c <= 57)) return this.number();
    if (t.startsWith("true", this.pos) && !/[A-Za-z0-9_]/.test(t[this.pos + 4] ?? "")) {
      this.pos += 4;
      return true;
    }
    if (t.startsWith("false", this.pos) && !/[A-Za-z0-9_]/.test(t[this.pos + 5] ?? "")) {
      this.pos += 5;
      return false;
    }
    if (t.startsWith("null", this.pos) && !/[A-Za-z0-9_]/.test(t[this.pos + 4] ?? "")) {
      this.pos += 4;
      return null;
    }
    const tok = this.token();
    this.pos += tok.length;
    this.fail(`Token "${tok}" is invalid.`);
  }

  enter(): void {
    if (++this.depth > MAX_DEPTH) {
      throw new SqlError(SqlState.StatementTooComplex, "stack depth limit exceeded");
    }
  }

  object(): JsonObject {
    this.enter();
    this.pos++;
    const o: JsonObject = Object.create(null) as JsonObject;
    this.skipWs();
    if (this.text.charCodeAt(this.pos) === 125) {
      this.pos++;
      this.depth--;
      return o;
    }
    for (;;) {
      this.skipWs();
      if (this.pos >= this.text.length) this.fail("The input string ended unexpectedly.");
      if (this.text.charCodeAt(this.pos) !== 34) this.fail(`Expected string, but found "${this.token()}".`);
      const k = this.string();
      this.skipWs();
      if (this.pos >= this.text.length) this.fail("The input string ended unexpectedly.");
      if (this.text.charCodeAt(this.pos) !== 58) this.fail(`Expected ":", but found "${this.token()}".`);
      this.pos++;
      o[k] = this.value();
      this.skipWs();
      if (this.pos >= this.text.length) this.fail("The input string ended unexpectedly.");
      const c = this.text.charCodeAt(this.pos);
      if (c === 44) {
        this.pos++;
        continue;
      }
      if (c === 125) {
        this.pos++;
        this.depth--;
        return o;
      }
      this.fail(`Expected "," or "}", but found "${this.token()}".`);
    }
  }

  array(): JsonValue[] {
    this.enter();
    this.pos++;
    const a: JsonValue[] = [];
    this.skipWs();
    if (this.text.charCodeAt(this.pos) === 93) {
      this.pos++;
      this.depth--;
      return a;
    }
    for (;;) {
      a.push(this.value());
      this.skipWs();
      if (this.pos >= this.text.length) this.fail("The input string ended unexpectedly.");
      const c = this.text.charCodeAt(this.pos);
      if (c === 44) {
        this.pos++;
        continue;
      }
      if (c === 93) {
        this.pos++;
        this.depth--;
        return a;
      }
      this.fail(`Expected "," or "]", but found "${this.token()}".`);
    }
  }

  string(): string {
    const t = this.text;
    let i = this.pos + 1;
    let out = "";
    let start = i;
    for (;;) {
      if (i >= t.length) {
        this.pos = i;
        this.fail("The input string ended unexpectedly.");
      }
      const c = t.charCodeAt(i);
      if (c === 34) break;
      if (c < 0x20) {
        this.pos = i;
        this.fail(`Character with value 0x${c.toString(16).padStart(2, "0")} must be escaped.`);
      }
      if (c === 92) {
        out += t.slice(start, i);
        const e = t[i + 1];
        if (e === undefined) {
          this.pos = i + 1;
          this.fail("The input string ended unexpectedly.");
        }
        switch (e) {
          case '"':
            out += '"';
            break;
          case "\\":
            out += "\\";
            break;
          case "/":
            out += "/";
            break;
          case "b":
            out += "\b";
            break;
          case "f":
            out += "\f";
            break;
          case "n":
            out += "\n";
            break;
          case "r":
            out += "\r";
            break;
          case "t":
            out += "\t";
            break;
          case "u": {
            const hex = t.slice(i + 2, i + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
              this.pos = i;
              this.fail('"\\u" must be followed by four hexadecimal digits.');
            }
            const code = parseInt(hex, 16);
            if (code === 0) {
              this.pos = i + 6;
              throw new SqlError("22P05", "unsupported Unicode escape sequence", {
                detail: "\\u0000 cannot be converted to text.",
              });
            }
            if (code >= 0xd800 && code <= 0xdbff) {
              const lo = /^\\u([dD][c-fC-F][0-9a-fA-F]{2})/.exec(t.slice(i + 6, i + 12));
              if (lo === null) {
                this.pos = i + 6;
                this.fail("Unicode low surrogate must follow a high surrogate.");
              }
              out += String.fromCharCode(code, parseInt(lo[1], 16));
              i += 6;
            } else if (code >= 0xdc00 && code <= 0xdfff) {
              this.pos = i + 6;
              this.fail("Unicode low surrogate must follow a high surrogate.");
            } else out += String.fromCharCode(code);
            i += 4;
            break;
          }
          default:
            this.pos = i + 2;
            this.fail(`Escape sequence "\\${e}" is invalid.`);
        }
        i += 2;
        start = i;
        continue;
      }
      i++;
    }
    out += t.slice(start, i);
    this.pos = i + 1;
    return out;
  }

  number(): number | Decimal {
    const t = this.text;
    NUMBER_RE.lastIndex = this.pos;
    const m = NUMBER_RE.exec(t);
    const after = m === null ? this.pos : this.pos + m[0].length;
    if (m === null || /[A-Za-z0-9_.]/.test(t[after] ?? "")) {
      const tok = this.token();
      this.pos += tok.length;
      this.fail(`Token "${tok}" is invalid.`);
    }
    this.pos = after;
    const s = m[0];
    if (m[1] === undefined && m[2] === undefined && s.length <= 16) {
      const n = Number(s);
      return n === 0 ? 0 : n;
    }
    return Decimal.parse(s);
  }
}

// ---- comparison helpers ---------------------------------------------------------------------

function typeRank(v: JsonValue): number {
  // Postgres's jbvType order: null < string < numeric < bool < array < object
  if (v === null) return 0;
  switch (typeof v) {
    case "string":
      return 1;
    case "number":
      return 2;
    case "boolean":
      return 3;
  }
  if (v instanceof Decimal) return 2;
  return Array.isArray(v) ? 16 : 17;
}

function compareNumbers(a: number | Decimal, b: number | Decimal): number {
  if (typeof a === "number" && typeof b === "number") return a < b ? -1 : a > b ? 1 : 0;
  return toDecimal(a).cmp(toDecimal(b));
}

function compareInner(a: JsonValue, b: JsonValue): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra > rb ? 1 : -1;
  switch (ra) {
    case 0:
      return 0;
    case 1:
      return compareCodePoints(a as string, b as string);
    case 2:
      return compareNumbers(a as number | Decimal, b as number | Decimal);
    case 3:
      return a === b ? 0 : a ? 1 : -1;
    case 16: {
      const x = a as JsonValue[];
      const y = b as JsonValue[];
      if (x.length !== y.length) return x.length > y.length ? 1 : -1;
      for (let i = 0; i < x.length; i++) {
        const c = compareInner(x[i], y[i]);
        if (c !== 0) return c;
      }
      return 0;
    }
    default: {
      const x = a as JsonObject;
      const y = b as JsonObject;
      const kx = sortedKeys(x);
      const ky = sortedKeys(y);
      if (kx.length !== ky.length) return kx.length > ky.length ? 1 : -1;
      for (let i = 0; i < kx.length; i++) {
        const ck = compareCodePoints(kx[i], ky[i]);
        if (ck !== 0) return ck;
        const cv = compareInner(x[kx[i]], y[ky[i]]);
        if (cv !== 0) return cv;
      }
      return 0;
    }
  }
}

/** Postgres's jsonb btree order (compareJsonbContainers), top-level scalars included. */
export function compareJson(a: JsonValue, b: JsonValue): number {
  const aObj = isObject(a);
  const bObj = isObject(b);
  if (aObj || bObj) {
    if (aObj && bObj) return compareInner(a, b);
    return aObj ? 1 : -1; // object > array and raw scalars
  }
  // both are arrays or raw scalars (stored as one-element "raw scalar" arrays)
  const aRaw = !Array.isArray(a);
  const bRaw = !Array.isArray(b);
  const na = aRaw ? 1 : (a as JsonValue[]).length;
  const nb = bRaw ? 1 : (b as JsonValue[]).length;
  let res = 0;
  if (aRaw !== bRaw) res = aRaw ? -1 : 1;
  if (na !== nb) res = na > nb ? 1 : -1;
  if (res !== 0) return res;
  if (aRaw) return compareInner(a, b);
  const x = a as JsonValue[];
  const y = b as JsonValue[];
  for (let i = 0; i < x.length; i++) {
    const c = compareInner(x[i], y[i]);
    if (c !== 0) return c;
  }
  return 0;
}

function scalarEquals(a: JsonValue, b: JsonValue): boolean {
  if (isNumber(a) && isNumber(b)) return compareNumbers(a, b) === 0;
  return a === b;
}

function containsInner(a: JsonValue, b: JsonValue): boolean {
  if (isObject(b)) {
    if (!isObject(a)) return false;
    const kb = Object.keys(b);
    if (Object.keys(a).length < kb.length) return false;
    for (const k of kb) {
      if (!Object.prototype.hasOwnProperty.call(a, k)) return false;
      const av = a[k];
      const bv = b[k];
      if (typeRank(av) !== typeRank(bv)) return false;
      if (typeRank(bv) < 16) {
        if (!scalarEquals(av, bv)) return false;
      } else if (!containsInner(av, bv)) return false;
    }
    return true;
  }
  if (Array.isArray(b)) {
    if (!Array.isArray(a)) return false;
    for (const e of b) {
      if (typeRank(e) < 16) {
        let found = false;
        for (const x of a) {
          if (typeRank(x) === typeRank(e) && scalarEquals(x, e)) {
            found = true;
            break;
          }
        }
        if (!found) return false;
      } else {
        let found = false;
        for (const x of a) {
          if (typeRank(x) >= 16 && containsInner(x, e)) {
            found = true;
            break;
          }
        }
        if (!found) return false;
      }
    }
    return true;
  }
  return typeRank(a) === typeRank(b) && scalarEquals(a, b);
}

/** A canonical string for hashing: equal jsonb values (1.0 and 1 included) give equal keys. */
function canonical(v: JsonValue, out: string[]): void {
  if (v === null) out.push("n");
  else if (typeof v === "boolean") out.push(v ? "t" : "f");
  else if (typeof v === "string") out.push(quoteJsonString(v));
  else if (isNumber(v)) out.push("#" + toDecimal(v).normalize().toString());
  else if (Array.isArray(v)) {
    out.push("[");
    for (const e of v) {
      canonical(e, out);
      out.push(",");
    }
    out.push("]");
  } else {
    out.push("{");
    for (const k of sortedKeys(v)) {
      out.push(quoteJsonString(k), ":");
      canonical(v[k], out);
      out.push(",");
    }
    out.push("}");
  }
}

export class Jsonb {
  /** `value` is a JSON tree as described at the top of this file. */
  constructor(readonly value: unknown) {}

  private get v(): JsonValue {
    return this.value as JsonValue;
  }

  /** jsonb input (22P02 `invalid input syntax for type json` with Postgres's detail). */
  static parse(text: string): Jsonb {
    const p = new Parser(text);
    const v = p.value();
    p.skipWs();
    if (p.pos < text.length) {
      const tok = p.token();
      p.pos += tok.length;
      p.fail(`Expected end of input, but found "${tok}".`);
    }
    return new Jsonb(v);
  }

  /** A JSON value parsed without wrapping (for callers that build trees). */
  static parseValue(text: string): JsonValue {
    return Jsonb.parse(text).v;
  }

  toString(): string {
    return formatJson(this.v);
  }

  toJSON(): unknown {
    return JSON.parse(this.toString());
  }

  /** jsonb_typeof */
  typeOf(): string {
    const v = this.v;
    if (v === null) return "null";
    if (typeof v === "string") return "string";
    if (typeof v === "boolean") return "boolean";
    if (isNumber(v)) return "number";
    return Array.isArray(v) ? "array" : "object";
  }

  /** `->`: an object field by key or an array element by index (negative from the end). */
  get(key: string | number): Jsonb | null {
    const r = getField(this.v, key);
    return r === undefined ? null : new Jsonb(r);
  }

  /** `->>`: like get, as text (JSON null → SQL NULL, strings unquoted). */
  getText(key: string | number): string | null {
    const r = getField(this.v, key);
    return r === undefined ? null : jsonText(r);
  }

  /** `#>`: the value at a path of keys/indexes (NULL elements give NULL). */
  getPath(path: readonly (string | null)[]): Jsonb | null {
    const r = getPathValue(this.v, path);
    return r === undefined ? null : new Jsonb(r);
  }

  /** `#>>` */
  getPathText(path: readonly (string | null)[]): string | null {
    const r = getPathValue(this.v, path);
    return r === undefined ? null : jsonText(r);
  }

  /** `@>` */
  contains(other: Jsonb): boolean {
    const a = this.v;
    const b = other.v;
    const aRaw = typeRank(a) < 16;
    const bRaw = typeRank(b) < 16;
    if (aRaw && bRaw) return scalarEquals(a, b) && typeRank(a) === typeRank(b);
    if (aRaw) return false; // a raw scalar never contains a container
    if (bRaw) {
      // an array may contain a raw scalar
      if (!Array.isArray(a)) return false;
      return a.some((x) => typeRank(x) === typeRank(b) && scalarEquals(x, b));
    }
    return containsInner(a, b);
  }

  /** `?`: a key of an object, or a string element of an array (or the string itself). */
  exists(key: string): boolean {
    const v = this.v;
    if (isObject(v)) return Object.prototype.hasOwnProperty.call(v, key);
    if (Array.isArray(v)) return v.some((x) => x === key);
    return v === key;
  }

  cmp(other: Jsonb): number {
    return compareJson(this.v, other.v);
  }

  eq(other: Jsonb): boolean {
    return compareJson(this.v, other.v) === 0;
  }

  /** A string equal exactly for equal jsonb values (for hash keys). */
  key(): string {
    const out: string[] = [];
    canonical(this.v, out);
    return out.join("");
  }
}

function getField(v: JsonValue, key: string | number): JsonValue | undefined {
  if (typeof key === "number") {
    if (!Array.isArray(v)) {
      // a top-level scalar acts as a one-element array for -> int, as in Postgres
      return typeRank(v) < 16 && (key === 0 || key === -1) ? v : undefined;
    }
    const i = key < 0 ? v.length + key : key;
    return i >= 0 && i < v.length ? v[i] : undefined;
  }
  if (!isObject(v)) return undefined;
  return Object.prototype.hasOwnProperty.call(v, key) ? v[key] : undefined;
}

function getPathValue(v: JsonValue, path: readonly (string | null)[]): JsonValue | undefined {
  let cur: JsonValue | undefined = v;
  for (const p of path) {
    if (p === null || cur === undefined) return undefined;
    if (Array.isArray(cur)) {
      if (!/^\s*[+-]?\d+\s*$/.test(p)) return undefined;
      cur = getField(cur, Number(p));
    } else if (isObject(cur)) cur = getField(cur, p);
    else return undefined;
  }
  return cur;
}

/** The text a JSON value gives for ->> (null for JSON null). */
export function jsonText(v: JsonValue): string | null {
  if (v === null) return null;
  if (typeof v === "string") return v;
  return formatJson(v);
}
