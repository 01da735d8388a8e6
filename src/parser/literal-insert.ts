// A hand-written scanner for the commonest bulk statement, `INSERT INTO name [(columns)] VALUES
// (literal, ...), ...` with plain literals only (numbers, 'strings', NULL, TRUE, FALSE): it builds
// the tree the full parser builds (same nodes, positions and text) in one pass over the text,
// without the lexer and grammar, which cost ~35% of a literal INSERT. Anything else (comments,
// casts, expressions, keywords as names, ON CONFLICT, RETURNING, several statements) returns
// null and goes through parse(), so errors stay the parser's.

import type { Expr, InsertStatement } from "./ast.js";
import { RESERVED_KEYWORDS } from "./tokens.js";

// non-reserved keywords are names to the parser (the Ident category), reserved ones are not
const RESERVED = new Set(RESERVED_KEYWORDS.map((k) => k.toLowerCase()));
/** longer names are truncated by the parser (NAMEDATALEN): leave them to it */
const MAX_NAME = 63;

const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;
const isDigit = (c: number) => c >= 48 && c <= 57;
const isWordStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
/** characters that may continue a word or number in the lexer: a literal followed by one is not plain */
const isWordPart = (c: number) => isWordStart(c) || isDigit(c) || c === 36 || c > 127;

/** The INSERT statement `sql` holds when it is a plain literal VALUES insert; null otherwise. */
export function scanLiteralInsert(sql: string): InsertStatement | null {
  const n = sql.length;
  let i = 0;

  const skipSpace = () => {
    while (i < n && isSpace(sql.charCodeAt(i))) i++;
  };
  /** an unquoted word at i (as typed), or null */
  const word = (): string | null => {
    if (i >= n || !isWordStart(sql.charCodeAt(i))) return null;
    const start = i;
    while (i < n && (isWordStart(sql.charCodeAt(i)) || isDigit(sql.charCodeAt(i)))) i++;
    if (i < n && isWordPart(sql.charCodeAt(i))) return null;
    return sql.slice(start, i);
  };
  const keyword = (kw: string): boolean => {
    const w = word();
    return w !== null && w.toLowerCase() === kw;
  };
  /** a name: an unquoted non-keyword word (folded to lower case) or a "quoted" one without "" inside */
  const name = (): string | null => {
    if (i < n && sql.charCodeAt(i) === 34) {
      const end = sql.indexOf('"', i + 1);
      if (end < 0 || end === i + 1 || sql.charCodeAt(end + 1) === 34 || end - i - 1 > MAX_NAME) return null;
      const v = sql.slice(i + 1, end);
      i = end + 1;
      return v;
    }
    const w = word();
    if (w === null || w.length > MAX_NAME) return null;
    const lower = w.toLowerCase();
    return RESERVED.has(lower) ? null : lower;
  };
  const punct = (code: number): boolean => {
    skipSpace();
    if (i < n && sql.charCodeAt(i) === code) {
      i++;
      return true;
    }
    return false;
  };

  /** one literal at i, or null when the value is anything else */
  const literal = (): Expr | null => {
    const pos = i + 1;
    const c = sql.charCodeAt(i);
    if (c === 39) {
      // 'string' with '' for a quote; a string continued on the next line is left to the parser
      let v = "";
      let j = i + 1;
      for (;;) {
        const end = sql.indexOf("'", j);
        if (end < 0) return null;
        v += sql.slice(j, end);
        if (sql.charCodeAt(end + 1) === 39) {
          v += "'";
          j = end + 2;
          continue;
        }
        i = end + 1;
        break;
      }
      return { kind: "literal", value: { type: "string", value: v }, pos };
    }
    if (isDigit(c) || c === 46 || (c === 45 && (isDigit(sql.charCodeAt(i + 1)) || sql.charCodeAt(i + 1) === 46))) {
      const start = i;
      if (c === 45) i++;
      const digitsFrom = i;
      while (i < n && isDigit(sql.charCodeAt(i))) i++;
      let decimal = false;
      if (sql.charCodeAt(i) === 46) {
        decimal = true;
        i++;
        while (i < n && isDigit(sql.charCodeAt(i))) i++;
        if (i === digitsFrom + 1) return null; // a lone "."
      }
      const e = sql.charCodeAt(i);
      if (e === 101 || e === 69) {
        let j = i + 1;
        if (sql.charCodeAt(j) === 43 || sql.charCodeAt(j) === 45) j++;
        if (!isDigit(sql.charCodeAt(j))) return null;
        while (j < n && isDigit(sql.charCodeAt(j))) j++;
        i = j;
        decimal = true;
      }
      if (i < n && (isWordPart(sql.charCodeAt(i)) || sql.charCodeAt(i) === 46)) return null;
      return { kind: "literal", value: decimal ? { type: "decimal", text: sql.slice(start, i) } : { type: "integer", text: sql.slice(start, i) }, pos };
    }
    const w = word();
    if (w === null) return null;
    const lower = w.toLowerCase();
    if (lower === "null") return { kind: "literal", value: { type: "null" }, pos };
    if (lower === "true" || lower === "false") return { kind: "literal", value: { type: "boolean", value: lower === "true" }, pos };
    return null;
  };

  // surrogate pairs would make character positions ambiguous: leave them to the parser
  for (let k = 0; k < n; k++) {
    const c = sql.charCodeAt(k);
    if (c >= 0xd800 && c <= 0xdfff) return null;
  }
  skipSpace();
  const stmtPos = i + 1;
  if (!keyword("insert")) return null;
  skipSpace();
  if (!keyword("into")) return null;
  skipSpace();
  const tablePos = i + 1;
  const parts: string[] = [];
  for (;;) {
    const part = name();
    if (part === null) return null;
    parts.push(part);
    if (i < n && sql.charCodeAt(i) === 46) i++;
    else break;
    if (parts.length === 3) return null;
  }
  let columns: string[] | undefined;
  if (punct(40)) {
    columns = [];
    do {
      skipSpace();
      const col = name();
      if (col === null) return null;
      columns.push(col);
    } while (punct(44));
    if (!punct(41)) return null;
  }
  skipSpace();
  const valuesPos = i + 1;
  if (!keyword("values")) return null;
  const rows: Expr[][] = [];
  let end = i;
  do {
    if (!punct(40)) return null;
    const row: Expr[] = [];
    do {
      skipSpace();
      const v = literal();
      if (v === null) return null;
      row.push(v);
    } while (punct(44));
    if (!punct(41)) return null;
    end = i;
    rows.push(row);
  } while (punct(44));
  punct(59);
  skipSpace();
  if (i !== n) return null;
  const stmt: InsertStatement = {
    kind: "insert",
    table: { parts, pos: tablePos },
    source: { kind: "query", body: { kind: "values", rows, pos: valuesPos }, orderBy: [], pos: valuesPos },
    pos: stmtPos,
    text: sql.slice(stmtPos - 1, end),
  };
  if (columns) stmt.columns = columns;
  return stmt;
}
