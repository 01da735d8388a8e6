// Rewrites a catalog query (psql's describe queries, drivers' metadata queries) into SQL the
// engine runs on the catalog snapshot: Postgres's catalog functions (pg_get_userbyid,
// pg_table_is_visible, format_type, pg_get_indexdef, ...) become subqueries over the snapshot's
// relations or constants, and reg* casts become OID lookups. Text inside literals and comments
// is left alone.

import type { CatalogModel } from "./catalog-model.js";
import { NAMESPACE_OIDS } from "./oid-registry.js";
import { builtinTypes } from "../type-oids.js";

/** OIDs of the catalog relations themselves (as `'pg_catalog.pg_class'::regclass` gives them). */
const SYSTEM_CLASS_OIDS: Record<string, number> = {
  pg_type: 1247, pg_attribute: 1249, pg_proc: 1255, pg_class: 1259, pg_authid: 1260, pg_database: 1262,
  pg_tablespace: 1213, pg_am: 2601, pg_attrdef: 2604, pg_constraint: 2606, pg_description: 2609, pg_index: 2610,
  pg_namespace: 2615, pg_rewrite: 2618, pg_trigger: 2620, pg_extension: 3079, pg_statistic_ext: 3381,
  pg_collation: 3456, pg_policy: 3256, pg_publication: 6104, pg_roles: 1260,
};

const VISIBLE_NAMESPACES = `${NAMESPACE_OIDS.public}, ${NAMESPACE_OIDS.pg_catalog}`;

type Replacer = (args: string[], model: CatalogModel) => string;

const NULL_TEXT: Replacer = () => "NULL::text";
const TRUE: Replacer = () => "true";
const FALSE: Replacer = () => "false";

const FUNCTIONS: Record<string, Replacer> = {
  pg_get_userbyid: ([x]) => `(SELECT sage_r.rolname FROM pg_catalog.pg_roles sage_r WHERE sage_r.oid = (${x}))`,
  pg_table_is_visible: ([x]) => `((${x}) IN (SELECT sage_c.oid FROM pg_catalog.pg_class sage_c WHERE sage_c.relnamespace IN (${VISIBLE_NAMESPACES})))`,
  pg_function_is_visible: TRUE,
  pg_type_is_visible: TRUE,
  pg_opclass_is_visible: TRUE,
  pg_opfamily_is_visible: TRUE,
  pg_operator_is_visible: TRUE,
  pg_collation_is_visible: TRUE,
  pg_conversion_is_visible: TRUE,
  pg_statistics_obj_is_visible: TRUE,
  pg_ts_config_is_visible: TRUE,
  pg_ts_dict_is_visible: TRUE,
  pg_ts_parser_is_visible: TRUE,
  pg_ts_template_is_visible: TRUE,
  format_type: ([oid, typmod], model) => formatTypeCase(oid, typmod, model),
  pg_get_expr: ([x]) => `(${x})`,
  obj_description: NULL_TEXT,
  col_description: NULL_TEXT,
  shobj_description: NULL_TEXT,
  pg_size_pretty: () => "'0 bytes'",
  pg_table_size: () => "0",
  pg_relation_size: () => "0",
  pg_total_relation_size: () => "0",
  pg_indexes_size: () => "0",
  pg_database_size: () => "0",
  pg_encoding_to_char: () => "'UTF8'",
  pg_get_indexdef: ([x, col]) => {
    const whole = `(SELECT sage_i.indexdef FROM pg_catalog.sage_index_def sage_i WHERE sage_i.oid = (${x}))`;
    if (col === undefined || col === "0") return whole;
    return `(CASE WHEN (${col}) = 0 THEN ${whole} ELSE (SELECT sage_k.expr FROM pg_catalog.sage_index_column sage_k WHERE sage_k.oid = (${x}) AND sage_k.num = (${col})) END)`;
  },
  pg_get_constraintdef: ([x]) => `(SELECT sage_i.constraintdef FROM pg_catalog.sage_index_def sage_i WHERE sage_i.oid = (${x}))`,
  pg_get_viewdef: ([x]) => `(SELECT sage_v.definition FROM pg_catalog.sage_view_def sage_v WHERE sage_v.oid = (${x}))`,
  pg_get_function_result: ([x]) => `(SELECT sage_f.result FROM pg_catalog.sage_function_def sage_f WHERE sage_f.oid = (${x}))`,
  pg_get_function_arguments: ([x]) => `(SELECT sage_f.arguments FROM pg_catalog.sage_function_def sage_f WHERE sage_f.oid = (${x}))`,
  pg_get_function_identity_arguments: ([x]) => `(SELECT sage_f.identity_arguments FROM pg_catalog.sage_function_def sage_f WHERE sage_f.oid = (${x}))`,
  pg_get_partkeydef: NULL_TEXT,
  pg_get_partition_constraintdef: NULL_TEXT,
  pg_get_triggerdef: NULL_TEXT,
  pg_get_ruledef: NULL_TEXT,
  pg_get_statisticsobjdef: NULL_TEXT,
  pg_get_statisticsobjdef_columns: NULL_TEXT,
  pg_get_serial_sequence: NULL_TEXT,
  pg_relation_is_publishable: FALSE,
  pg_is_other_temp_schema: FALSE,
  pg_has_role: TRUE,
  has_table_privilege: TRUE,
  has_schema_privilege: TRUE,
  has_database_privilege: TRUE,
  has_column_privilege: TRUE,
  has_function_privilege: TRUE,
  has_sequence_privilege: TRUE,
  has_type_privilege: TRUE,
  pg_my_temp_schema: () => "0",
  current_schemas: () => "'{pg_catalog,public}'::text[]",
};

function quoteText(s: string): string {
  return "'" + s.replace(/'/g, "''") + "'";
}

/** format_type(oid, typmod) as a CASE over the types the catalog uses. */
function formatTypeCase(oid: string, typmod: string | undefined, model: CatalogModel): string {
  const arms: string[] = [];
  const seen = new Set<string>();
  for (const r of model.relations) {
    for (const c of r.columns) {
      if (c.typmod === -1) continue;
      const key = `${c.typeOid}:${c.typmod}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (typmod !== undefined) arms.push(`WHEN (${oid}) = ${c.typeOid} AND (${typmod}) = ${c.typmod} THEN ${quoteText(c.typeText)}`);
    }
  }
  for (const t of builtinTypes()) {
    const name = t.elementOid ? builtinName(t.elementOid) + "[]" : builtinName(t.oid);
    arms.push(`WHEN (${oid}) = ${t.oid} THEN ${quoteText(name)}`);
  }
  return `(CASE ${arms.join(" ")} ELSE NULL END)`;
}

const FORMAT_NAMES: Record<string, string> = {
  bool: "boolean", int2: "smallint", int4: "integer", int8: "bigint", float4: "real", float8: "double precision",
  varchar: "character varying", bpchar: "character", time: "time without time zone", timestamp: "timestamp without time zone",
  timestamptz: "timestamp with time zone",
};

function builtinName(oid: number): string {
  const t = builtinTypes().find((x) => x.oid === oid);
  return t ? (FORMAT_NAMES[t.name] ?? t.name) : "???";
}

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c >= 128;
}

function isIdentCont(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57) || c === 36;
}

/** The end (exclusive) of the literal, quoted identifier or comment starting at i, or -1. */
function skipOpaque(sql: string, i: number): number {
  const c = sql.charCodeAt(i);
  if (c === 39 || c === 34) {
    let j = i + 1;
    const backslash = c === 39 && i > 0 && (sql[i - 1] === "E" || sql[i - 1] === "e");
    while (j < sql.length) {
      const d = sql.charCodeAt(j);
      if (backslash && d === 92) {
        j += 2;
        continue;
      }
      if (d === c) {
        if (sql.charCodeAt(j + 1) === c) {
          j += 2;
          continue;
        }
        return j + 1;
      }
      j++;
    }
    return sql.length;
  }
  if (c === 45 && sql.charCodeAt(i + 1) === 45) {
    const nl = sql.indexOf("\n", i);
    return nl < 0 ? sql.length : nl + 1;
  }
  if (c === 47 && sql.charCodeAt(i + 1) === 42) {
    const end = sql.indexOf("*/", i + 2);
    return end < 0 ? sql.length : end + 2;
  }
  return -1;
}

/** Finds the `)` matching the `(` at i; returns its index and the top-level comma-separated args. */
export function callArgs(sql: string, open: number): { close: number; args: string[] } | null {
  let depth = 0;
  let start = open + 1;
  const args: string[] = [];
  let i = open;
  while (i < sql.length) {
    const skip = skipOpaque(sql, i);
    if (skip >= 0) {
      i = skip;
      continue;
    }
    const ch = sql[i];
    if (ch === "(" || ch === "[") depth++;
    else if (ch === ")" || ch === "]") {
      depth--;
      if (depth === 0) {
        const last = sql.slice(start, i).trim();
        if (last !== "" || args.length > 0) args.push(last);
        return { close: i, args };
      }
    } else if (ch === "," && depth === 1) {
      args.push(sql.slice(start, i).trim());
      start = i + 1;
    }
    i++;
  }
  return null;
}

const CAST_RE = /^::\s*(?:pg_catalog\s*\.\s*)?(regclass|regtype|regnamespace|regproc|regprocedure|regrole|oid)\b/i;

function relationOid(name: string, model: CatalogModel): number {
  const parts = name.split(".").map((p) => p.replace(/^"|"$/g, ""));
  const rel = parts[parts.length - 1];
  const schema = parts.length > 1 ? parts[parts.length - 2] : undefined;
  if ((schema === undefined || schema === "pg_catalog") && SYSTEM_CLASS_OIDS[rel] !== undefined) return SYSTEM_CLASS_OIDS[rel];
  const found = model.relations.find((r) => r.name === rel && (schema === undefined ? r.schema === "public" : r.schema === schema));
  return found ? found.oid : 0;
}

function castReplacement(kind: string, operand: string, model: CatalogModel): string {
  const literal = /^'((?:[^']|'')*)'$/.exec(operand);
  switch (kind) {
    case "regclass":
      if (literal) return String(relationOid(literal[1].replace(/''/g, "'"), model));
      return `(SELECT sage_c.relname FROM pg_catalog.pg_class sage_c WHERE sage_c.oid = ${operand})`;
    case "regnamespace":
      if (literal) return String(NAMESPACE_OIDS[literal[1]] ?? 0);
      return `(SELECT sage_n.nspname FROM pg_catalog.pg_namespace sage_n WHERE sage_n.oid = ${operand})`;
    case "regtype":
      if (literal) {
        const t = builtinTypes().find((b) => b.name === literal[1] || builtinName(b.oid) === literal[1]);
        return String(t?.oid ?? 0);
      }
      return formatTypeCase(operand, undefined, model);
    case "regrole":
      return `(SELECT sage_r.rolname FROM pg_catalog.pg_roles sage_r WHERE sage_r.oid = ${operand})`;
    case "oid":
      return `${operand}::int4`;
    default:
      // regproc / regprocedure: functions are known by name (pg_type.typinput holds 'array_in')
      if (literal) return quoteText(literal[1].replace(/''/g, "'").replace(/^pg_catalog\./, "").replace(/\(.*$/, ""));
      return `${operand}::text`;
  }
}

// the privilege inquiries the engine answers itself (with the real ACLs): a statement calling only
// them, over no system relation, goes to the engine; inside a catalog query they are rewritten
const ENGINE_INQUIRIES = new Set(["has_table_privilege", "has_column_privilege", "has_schema_privilege", "has_database_privilege", "pg_has_role"]);

const CATALOG_CALL_RE = new RegExp(`\\b(?:${Object.keys(FUNCTIONS).filter((f) => !ENGINE_INQUIRIES.has(f)).join("|")})\\s*\\(|::\\s*(?:pg_catalog\\s*\\.\\s*)?(?:regclass|regtype|regnamespace|regproc|regprocedure|regrole)\\b|::\\s*pg_catalog\\s*\\.\\s*oid\\b`, "i");

/** Whether the statement uses Postgres catalog functions or reg* casts (so it needs the rewrite). */
export function usesCatalogFunctions(sql: string): boolean {
  return CATALOG_CALL_RE.test(sql);
}

/** Rewrites the catalog functions and reg* casts of `sql`. */
export function rewriteCatalogQuery(sql: string, model: CatalogModel): string {
  let out = "";
  /** start offset in `out` of the last complete operand (literal, identifier chain, parenthesised group) */
  let operandStart = -1;
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const skip = skipOpaque(sql, i);
    if (skip >= 0) {
      const text = sql.slice(i, skip);
      const isLiteral = sql[i] === "'" || sql[i] === '"';
      if (isLiteral) {
        if (!(sql[i] === '"' && operandStart >= 0 && out.endsWith("."))) operandStart = out.length;
      }
      out += text;
      i = skip;
      continue;
    }
    const c = sql.charCodeAt(i);
    if (c === 58 && sql.charCodeAt(i + 1) === 58) {
      const m = CAST_RE.exec(sql.slice(i, i + 40));
      if (m && operandStart >= 0) {
        const operand = out.slice(operandStart);
        out = out.slice(0, operandStart) + castReplacement(m[1].toLowerCase(), operand, model);
        i += m[0].length;
        // chained casts (x::regtype::text) apply to the replacement
        continue;
      }
      out += "::";
      i += 2;
      continue;
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentCont(sql.charCodeAt(j))) j++;
      const word = sql.slice(i, j);
      // a qualified function name: pg_catalog.fn(
      let name = word.toLowerCase();
      let end = j;
      const qualified = /^\s*\.\s*([A-Za-z_][A-Za-z0-9_$]*)/.exec(sql.slice(j, j + 80));
      if (name === "pg_catalog" && qualified) {
        name = qualified[1].toLowerCase();
        end = j + qualified[0].length;
      }
      const afterName = /^\s*\(/.exec(sql.slice(end, end + 20));
      const replacer = afterName ? FUNCTIONS[name] : undefined;
      if (replacer && !out.endsWith(".")) {
        const open = end + afterName![0].length - 1;
        const call = callArgs(sql, open);
        if (call) {
          const args = call.args.map((a) => rewriteCatalogQuery(a, model));
          operandStart = out.length;
          out += replacer(args, model);
          i = call.close + 1;
          continue;
        }
      }
      // an identifier chain is an operand (for a following cast)
      if (!(out.endsWith(".") && operandStart >= 0)) operandStart = out.length;
      out += word;
      i = j;
      continue;
    }
    if (c === 40) {
      const call = callArgs(sql, i);
      if (call) {
        const inner = rewriteCatalogQuery(sql.slice(i + 1, call.close), model);
        const startsCall = /[A-Za-z0-9_$"]\s*$/.test(out) && operandStart >= 0;
        if (!startsCall) operandStart = out.length;
        out += "(" + inner + ")";
        i = call.close + 1;
        continue;
      }
    }
    if (c === 46) {
      out += ".";
      i++;
      continue;
    }
    if (!(c === 32 || (c >= 9 && c <= 13))) operandStart = -1;
    out += sql[i];
    i++;
  }
  return out;
}
