// jsonb operators (-> ->> #> #>> @> <@ ? ?| ?& || -) and functions (jsonb_typeof,
// jsonb_array_length, jsonb_build_object/array, to_jsonb, jsonb_extract_path(_text), jsonb_set,
// jsonb_strip_nulls, jsonb_pretty). json_* spellings map to the same functions (json is jsonb here).

import { DataType, Types } from "../data-type.js";
import { SqlError, SqlState } from "../errors.js";
import { Decimal } from "../numeric.js";
import { Interval } from "../interval.js";
import { Jsonb, JsonObject, JsonValue, formatJson, quoteJsonString, sortedKeys } from "../jsonb.js";
import { formatFloat4, formatFloat8 } from "../float.js";
import { formatValue } from "../text-format.js";
import { castValue } from "../cast.js";
import { formatDate, formatTime, zoneOffsetSeconds, USECS_PER_SEC } from "../datetime.js";
import { formatTimestamp } from "../datetime.js";
import { binop } from "./operators.js";
import { EvalContext, defineAlias, defineFunction } from "./registry.js";

const J = Types.jsonb;
const T = Types.text;
const TA = Types.array(Types.text);
const I4 = Types.integer;
const B = Types.boolean;

function isObj(v: JsonValue): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Decimal);
}

function newObject(): JsonObject {
  return Object.create(null) as JsonObject;
}

function isoTimestamp(us: number, offsetSec: number | null): string {
  if (!Number.isFinite(us)) return us > 0 ? "infinity" : "-infinity";
  const local = offsetSec === null ? us : us + offsetSec * USECS_PER_SEC;
  let s = formatTimestamp(local);
  const bc = s.endsWith(" BC");
  if (bc) s = s.slice(0, -3);
  s = s.replace(" ", "T");
  if (offsetSec !== null) {
    const sign = offsetSec < 0 ? "-" : "+";
    const a = Math.abs(offsetSec);
    const h = Math.floor(a / 3600);
    const m = Math.floor((a % 3600) / 60);
    const sec = a % 60;
    s += sign + String(h).padStart(2, "0") + ":" + String(m).padStart(2, "0") + (sec ? ":" + String(sec).padStart(2, "0") : "");
  }
  return bc ? s + " BC" : s;
}

/** An SQL value as a JSON value, as to_jsonb converts it. */
export function toJsonValue(v: unknown, t: DataType, zone = "UTC"): JsonValue {
  if (v === null || v === undefined) return null;
  switch (t.id) {
    case "boolean":
      return v as boolean;
    case "smallint":
    case "integer":
      return v as number;
    case "bigint": {
      const b = v as bigint;
      return b >= -999999999999999n && b <= 999999999999999n ? Number(b) : Decimal.fromBigInt(b);
    }
    case "numeric": {
      const d = v as Decimal;
      return d.isFinite() ? d : d.toString();
    }
    case "real":
    case "double": {
      const x = v as number;
      if (!Number.isFinite(x)) return formatFloat8(x);
      return Decimal.parse(t.id === "real" ? formatFloat4(x) : formatFloat8(x));
    }
    case "text":
    case "varchar":
    case "char":
    case "unknown":
      return v as string;
    case "date":
      return formatDate(v as number);
    case "time":
      return formatTime(v as number);
    case "timestamp":
      return isoTimestamp(v as number, null);
    case "timestamptz":
      return isoTimestamp(v as number, Number.isFinite(v as number) ? zoneOffsetSeconds(zone, v as number) : 0);
    case "interval":
      return (v as Interval).toString();
    case "jsonb":
      return (v as Jsonb).value as JsonValue;
    case "array":
      return (v as unknown[]).map((e) => (Array.isArray(e) ? toJsonValue(e, t, zone) : toJsonValue(e, t.element!, zone)));
    default:
      return formatValue(t, v);
  }
}

function concat(a: JsonValue, b: JsonValue): JsonValue {
  if (isObj(a) && isObj(b)) {
    const o = newObject();
    for (const k of Object.keys(a)) o[k] = a[k];
    for (const k of Object.keys(b)) o[k] = b[k];
    return o;
  }
  const la = Array.isArray(a) ? a : [a];
  const lb = Array.isArray(b) ? b : [b];
  return [...la, ...lb];
}

function deleteKey(v: JsonValue, key: string): JsonValue {
  if (isObj(v)) {
    if (!Object.prototype.hasOwnProperty.call(v, key)) return v;
    const o = newObject();
    for (const k of Object.keys(v)) if (k !== key) o[k] = v[k];
    return o;
  }
  if (Array.isArray(v)) return v.filter((e) => e !== key);
  throw new SqlError(SqlState.InvalidParameterValue, "cannot delete from scalar");
}

function deleteIndex(v: JsonValue, i: number): JsonValue {
  if (isObj(v)) throw new SqlError(SqlState.InvalidParameterValue, "cannot delete from object using integer index");
  if (!Array.isArray(v)) throw new SqlError(SqlState.InvalidParameterValue, "cannot delete from scalar");
  const idx = i < 0 ? v.length + i : i;
  if (idx < 0 || idx >= v.length) return v;
  return v.filter((_, k) => k !== idx);
}

function arrayLength(j: Jsonb): number {
  const v = j.value as JsonValue;
  if (Array.isArray(v)) return v.length;
  if (isObj(v)) throw new SqlError(SqlState.InvalidParameterValue, "cannot get array length of a non-array");
  throw new SqlError(SqlState.InvalidParameterValue, "cannot get array length of a scalar");
}

function stripNulls(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(stripNulls);
  if (isObj(v)) {
    const o = newObject();
    for (const k of Object.keys(v)) if (v[k] !== null) o[k] = stripNulls(v[k]);
    return o;
  }
  return v;
}

function pretty(v: JsonValue, indent: string): string {
  if (Array.isArray(v)) {
    if (v.length === 0) return "[\n" + indent + "]";
    const inner = indent + "    ";
    return "[\n" + v.map((e) => inner + pretty(e, inner)).join(",\n") + "\n" + indent + "]";
  }
  if (isObj(v)) {
    const keys = sortedKeys(v);
    if (keys.length === 0) return "{\n" + indent + "}";
    const inner = indent + "    ";
    return "{\n" + keys.map((k) => inner + quoteJsonString(k) + ": " + pretty(v[k], inner)).join(",\n") + "\n" + indent + "}";
  }
  return formatJson(v);
}

function setPath(v: JsonValue, path: readonly (string | null)[], nv: JsonValue, create: boolean, depth = 0): JsonValue {
  if (depth >= path.length) return nv;
  const p = path[depth];
  if (p === null) {
    throw new SqlError(SqlState.NullValueNotAllowed, `path element at position ${depth + 1} is null`);
  }
  if (isObj(v)) {
    const has = Object.prototype.hasOwnProperty.call(v, p);
    if (!has && !(create && depth === path.length - 1)) return v;
    const o = newObject();
    for (const k of Object.keys(v)) o[k] = v[k];
    o[p] = has ? setPath(v[p], path, nv, create, depth + 1) : nv;
    return o;
  }
  if (Array.isArray(v)) {
    if (!/^\s*[+-]?\d+\s*$/.test(p)) {
      throw new SqlError(SqlState.InvalidTextRepresentation, `path element at position ${depth + 1} is not an integer: "${p}"`);
    }
    let i = Number(p);
    if (i < 0) i += v.length;
    const out = v.slice();
    if (i >= 0 && i < v.length) out[i] = setPath(v[i], path, nv, create, depth + 1);
    else if (create && depth === path.length - 1) {
      if (i < 0) out.unshift(nv);
      else out.push(nv);
    }
    return out;
  }
  return v;
}

function jsonbOf(v: JsonValue): Jsonb {
  return new Jsonb(v);
}

export function registerJson(): void {
  binop("->", J, T, J, "->:jsonb_text", (j: Jsonb, k: string) => j.get(k));
  binop("->", J, I4, J, "->:jsonb_int4", (j: Jsonb, k: number) => j.get(k));
  binop("->>", J, T, T, "->>:jsonb_text", (j: Jsonb, k: string) => j.getText(k));
  binop("->>", J, I4, T, "->>:jsonb_int4", (j: Jsonb, k: number) => j.getText(k));
  binop("#>", J, TA, J, "#>:jsonb", (j: Jsonb, p: (string | null)[]) => j.getPath(p));
  binop("#>>", J, TA, T, "#>>:jsonb", (j: Jsonb, p: (string | null)[]) => j.getPathText(p));
  binop("@>", J, J, B, "@>:jsonb", (a: Jsonb, b: Jsonb) => a.contains(b));
  binop("<@", J, J, B, "<@:jsonb", (a: Jsonb, b: Jsonb) => b.contains(a));
  binop("?", J, T, B, "?:jsonb", (a: Jsonb, k: string) => a.exists(k));
  binop("?|", J, TA, B, "?|:jsonb", (a: Jsonb, ks: (string | null)[]) => ks.some((k) => k !== null && a.exists(k)));
  binop("?&", J, TA, B, "?&:jsonb", (a: Jsonb, ks: (string | null)[]) => ks.every((k) => k === null || a.exists(k)));
  binop("||", J, J, J, "||:jsonb", (a: Jsonb, b: Jsonb) => jsonbOf(concat(a.value as JsonValue, b.value as JsonValue)));
  binop("-", J, T, J, "-:jsonb_text", (a: Jsonb, k: string) => jsonbOf(deleteKey(a.value as JsonValue, k)));
  binop("-", J, I4, J, "-:jsonb_int4", (a: Jsonb, i: number) => jsonbOf(deleteIndex(a.value as JsonValue, i)));
  binop("-", J, TA, J, "-:jsonb_textarr", (a: Jsonb, ks: (string | null)[]) => {
    let v = a.value as JsonValue;
    for (const k of ks) if (k !== null) v = deleteKey(v, k);
    return jsonbOf(v);
  });
  binop("#-", J, TA, J, "#-:jsonb", (a: Jsonb, p: (string | null)[]) => {
    if (p.length === 0) return a;
    const parent = p.slice(0, -1);
    const last = p[p.length - 1];
    const target = parent.length === 0 ? (a.value as JsonValue) : (a.getPath(parent)?.value as JsonValue | undefined);
    if (target === undefined || last === null) return a;
    const replaced = Array.isArray(target) && /^\s*[+-]?\d+\s*$/.test(last) ? deleteIndex(target, Number(last)) : isObj(target) ? deleteKey(target, last) : target;
    return parent.length === 0 ? jsonbOf(replaced) : jsonbOf(setPath(a.value as JsonValue, parent, replaced, false));
  });

  defineFunction({ name: "jsonb_typeof", params: [J], ret: T, id: "jsonb_typeof", impl: (a) => (a[0] as Jsonb).typeOf() });
  defineFunction({ name: "jsonb_array_length", params: [J], ret: I4, id: "jsonb_array_length", impl: (a) => arrayLength(a[0] as Jsonb) });
  defineFunction({
    name: "jsonb_extract_path", params: [J, T], variadic: true, ret: J, id: "jsonb_extract_path",
    impl: (a) => (a[0] as Jsonb).getPath(a.slice(1) as (string | null)[]), strict: false,
  });
  defineFunction({
    name: "jsonb_extract_path_text", params: [J, T], variadic: true, ret: T, id: "jsonb_extract_path_text",
    impl: (a) => (a[0] === null ? null : (a[0] as Jsonb).getPathText(a.slice(1) as (string | null)[])), strict: false,
  });
  defineFunction({ name: "jsonb_strip_nulls", params: [J], ret: J, id: "jsonb_strip_nulls", impl: (a) => jsonbOf(stripNulls((a[0] as Jsonb).value as JsonValue)) });
  defineFunction({ name: "jsonb_pretty", params: [J], ret: T, id: "jsonb_pretty", impl: (a) => pretty((a[0] as Jsonb).value as JsonValue, "") });
  defineFunction({
    name: "jsonb_set", params: [J, TA, J], ret: J, id: "jsonb_set",
    impl: (a) => jsonbOf(setPath((a[0] as Jsonb).value as JsonValue, a[1] as (string | null)[], (a[2] as Jsonb).value as JsonValue, true)),
  });
  defineFunction({
    name: "jsonb_set", params: [J, TA, J, B], ret: J, id: "jsonb_set_create",
    impl: (a) => jsonbOf(setPath((a[0] as Jsonb).value as JsonValue, a[1] as (string | null)[], (a[2] as Jsonb).value as JsonValue, a[3] as boolean)),
  });
  defineFunction({
    name: "to_jsonb", params: ["anyelement"], ret: J, id: "to_jsonb",
    specialize: (p) => (a, ctx: EvalContext) => jsonbOf(toJsonValue(a[0], p[0], ctx.timeZone)),
  });
  defineFunction({
    name: "jsonb_build_array", params: ["any"], variadic: true, ret: J, id: "jsonb_build_array", strict: false,
    specialize: (types) => (a, ctx: EvalContext) => jsonbOf(a.map((v, i) => toJsonValue(v, types[i], ctx.timeZone))),
  });
  defineFunction({ name: "jsonb_build_array", params: [], ret: J, id: "jsonb_build_array0", impl: () => jsonbOf([]) });
  defineFunction({
    name: "jsonb_build_object", params: ["any"], variadic: true, ret: J, id: "jsonb_build_object", strict: false,
    specialize: (types) => (a, ctx: EvalContext) => {
      if (a.length % 2 !== 0) {
        throw new SqlError(SqlState.InvalidParameterValue, "argument list must have even number of elements", {
          hint: "The arguments of jsonb_build_object() must consist of alternating keys and values.",
        });
      }
      const o = newObject();
      for (let i = 0; i < a.length; i += 2) {
        const k = a[i];
        if (k === null || k === undefined) {
          throw new SqlError(SqlState.InvalidParameterValue, `argument ${i + 1}: key must not be null`);
        }
        const t = types[i];
        const key = t.id === "unknown" ? (k as string) : (castValue(k, t, T, "explicit", { timeZone: ctx.timeZone }) as string);
        o[key] = toJsonValue(a[i + 1], types[i + 1], ctx.timeZone);
      }
      return jsonbOf(o);
    },
  });
  defineFunction({ name: "jsonb_build_object", params: [], ret: J, id: "jsonb_build_object0", impl: () => jsonbOf(newObject()) });

  for (const [json, jsonb] of [
    ["json_typeof", "jsonb_typeof"],
    ["json_array_length", "jsonb_array_length"],
    ["json_extract_path", "jsonb_extract_path"],
    ["json_extract_path_text", "jsonb_extract_path_text"],
    ["json_strip_nulls", "jsonb_strip_nulls"],
    ["to_json", "to_jsonb"],
    ["json_build_array", "jsonb_build_array"],
    ["json_build_object", "jsonb_build_object"],
  ]) {
    defineAlias(json, jsonb);
  }
}
