// JSON documents -> rows of declared columns, one piece for every connector that takes JSON (NATS
// messages, webhook request bodies). Fields map to columns by name (exact, then case-insensitive);
// a missing field is NULL; extra fields are ignored. Values cross as Postgres text through the
// column type's input function, so a field parses as it would in INSERT.

import { SqlError, SqlState, parseValue, type DataType } from "../types/index.js";

export interface JsonColumn {
  name: string;
  type: DataType;
}

/** A document that does not fit: 22P04, as COPY's bad input. */
export function badJson(why: string): SqlError {
  return new SqlError(SqlState.BadCopyFileFormat, why);
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badJson(`malformed JSON: ${(e as Error).message}`);
  }
}

/** A JSON value into a column's type (strings through the type's input function). */
function jsonValue(col: JsonColumn, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  const text = typeof v === "string" ? v : typeof v === "object" ? JSON.stringify(v) : String(v);
  return parseValue(col.type, text);
}

/**
 * A JSON object's fields by column name (exact, then case-insensitive); a missing field is NULL,
 * or `missing` when given (so a caller can apply the column's DEFAULT, as INSERT does).
 */
export function objectRow(columns: readonly JsonColumn[], obj: unknown, what = "a JSON message", missing: unknown = null): unknown[] {
  if (obj === null || typeof obj !== "object" || Array.isArray(obj)) throw badJson(`${what} must be an object`);
  const rec = obj as Record<string, unknown>;
  let lower: Map<string, unknown> | null = null;
  return columns.map((c) => {
    if (c.name in rec) return jsonValue(c, rec[c.name]);
    lower ??= new Map(Object.entries(rec).map(([k, v]) => [k.toLowerCase(), v]));
    const key = c.name.toLowerCase();
    return lower.has(key) ? jsonValue(c, lower.get(key)) : missing;
  });
}

/** One JSON object or an array of them into rows; throws a SqlError on the first that does not fit. */
export function jsonRows(columns: readonly JsonColumn[], text: string, what = "a JSON message", missing: unknown = null): unknown[][] {
  const v = parseJson(text);
  return Array.isArray(v) ? v.map((o, i) => objectRow(columns, o, `element ${i} of ${what}`, missing)) : [objectRow(columns, v, what, missing)];
}
