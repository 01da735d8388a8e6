// Syntax errors as Postgres words them: `syntax error at or near "x"` / `syntax error at end of
// input`, SQLSTATE 42601, with the 1-based character position, line, column and a short hint
// naming what the parser expected.

import type { IRecognitionException, IToken, TokenType } from "chevrotain";
import { EOF } from "chevrotain";
import { SqlError, SqlState } from "../types/errors.js";

const MAX_NEAR = 200;
const MAX_EXPECTED = 8;

/** 1-based line and column of a 1-based code-point position in `text`. */
export function lineColumn(text: string, pos: number): { line: number; column: number } {
  let line = 1;
  let column = 1;
  let cp = 1;
  for (let i = 0; i < text.length && cp < pos; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    if (c === 10) {
      line++;
      column = 1;
    } else column++;
    cp++;
  }
  return { line, column };
}

function codePointLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff && i > 0) {
      const p = text.charCodeAt(i - 1);
      if (p >= 0xd800 && p <= 0xdbff) continue;
    }
    n++;
  }
  return n;
}

function nearText(s: string): string {
  return s.length > MAX_NEAR ? s.slice(0, MAX_NEAR) + "..." : s;
}

/** A lexical error (unterminated string/comment, bad escape...). */
export function lexError(text: string, pos: number, message: string, near: string): SqlError {
  const { line, column } = lineColumn(text, pos);
  return new SqlError(SqlState.SyntaxError, `${message} at or near "${nearText(near)}"`, {
    position: pos,
    line,
    column,
  });
}

/** A syntax error at a token (`undefined`/EOF token → "at end of input"). */
export function syntaxError(text: string, token: IToken | undefined, hint?: string): SqlError {
  const atEnd = token === undefined || token.tokenType === EOF || Number.isNaN(token.startOffset);
  const pos = atEnd
    ? codePointLength(text) + 1
    : ((token as IToken & { pos?: number }).pos ?? token.startOffset + 1);
  const { line, column } = lineColumn(text, pos);
  const message = atEnd ? "syntax error at end of input" : `syntax error at or near "${nearText(token.image)}"`;
  return new SqlError(SqlState.SyntaxError, message, { position: pos, line, column, hint });
}

/** 54001: the statement nests deeper than the parser's bound. */
export function tooDeepError(text: string, pos: number | undefined): SqlError {
  const lc = pos === undefined ? undefined : lineColumn(text, pos);
  return new SqlError(SqlState.StatementTooComplex, "stack depth limit exceeded", {
    position: pos,
    line: lc?.line,
    column: lc?.column,
    hint: "The statement nests too deeply; simplify it.",
  });
}

// Clause keywords come first in hints, in the order a reader expects them.
const PRIORITY = [
  "FROM", "WHERE", "GROUP", "HAVING", "WINDOW", "ORDER", "LIMIT", "OFFSET", "FETCH", "UNION",
  "INTERSECT", "EXCEPT", "SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", ")", ",", "expression",
  "AS", "ON", "USING", "JOIN", "THEN", "WHEN", "ELSE", "END", "AND", "OR", "BY", "VALUES", "SET",
  "INTO", "TABLE", "VIEW", "TO",
];

// Tokens that can start an expression: when most of them are expected, say "expression".
const EXPRESSION_START = new Set([
  "identifier", "number", "string", "bit string", "parameter", "operator", "(", "-", "+", "NOT",
  "TRUE", "FALSE", "NULL", "CASE", "CAST", "EXISTS", "ARRAY", "CURRENT_DATE", "CURRENT_TIME",
  "CURRENT_TIMESTAMP", "LOCALTIME", "LOCALTIMESTAMP", "CURRENT_USER", "CURRENT_ROLE",
  "SESSION_USER", "USER", "SYSTEM_USER", "CURRENT_CATALOG", "CURRENT_SCHEMA", "LEFT", "RIGHT",
]);

function labelOf(t: TokenType): string {
  switch (t.name) {
    case "Ident":
    case "Identifier":
    case "QuotedIdentifier":
      return "identifier";
    case "ReservedKeyword":
      return "keyword";
    case "StringLiteral":
      return "string";
    case "IntegerLiteral":
    case "DecimalLiteral":
      return "number";
    case "BitStringLiteral":
      return "bit string";
    case "Param":
      return "parameter";
    case "BinaryOperator":
    case "Comparison":
    case "Op":
      return "operator";
    case "EOF":
      return "end of input";
  }
  if (t.LABEL && /^'.*'$/.test(t.LABEL)) return t.LABEL.slice(1, -1);
  return t.LABEL ?? t.name;
}

function rank(label: string): number {
  const p = PRIORITY.indexOf(label);
  if (p >= 0) return p;
  if (/^[A-Z_]+$/.test(label)) return 100; // other keywords
  if (label.length <= 3 && !/^[a-z]/.test(label)) return 200; // punctuation
  return 300; // identifier, number, string, operator
}

/** `Expected one of: A, B, ...` (at most 8 alternatives) from expected token types. */
export function expectedHint(types: Iterable<TokenType>): string | undefined {
  let labels: string[] = [];
  const seen = new Set<string>();
  for (const t of types) {
    const l = labelOf(t);
    if (!seen.has(l)) {
      seen.add(l);
      labels.push(l);
    }
  }
  if (labels.length === 0) return undefined;
  if (seen.has("identifier") && seen.has("number") && seen.has("string")) {
    labels = labels.filter((l) => !EXPRESSION_START.has(l));
    labels.push("expression");
  }
  const sorted = labels
    .map((l, i) => ({ l, i, r: rank(l) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => (/^[a-zA-Z_ ]+$/.test(x.l) ? x.l : `'${x.l}'`));
  if (sorted.length === 1) return `Expected ${sorted[0]}.`;
  const shown = sorted.slice(0, MAX_EXPECTED);
  return `Expected one of: ${shown.join(", ")}${sorted.length > MAX_EXPECTED ? ", ..." : ""}.`;
}

/** Expected token types encoded by our error message provider (see parser.ts). */
export interface ExpectedInfo {
  types: TokenType[];
}

/** Converts the first Chevrotain recognition error into an SqlError. */
export function fromRecognitionError(
  text: string,
  e: IRecognitionException,
  expected: TokenType[],
  terminator: IToken | undefined,
): SqlError {
  let token: IToken | undefined = e.token;
  if (token === undefined || token.tokenType === EOF) token = terminator;
  return syntaxError(text, token, expectedHint(expected));
}
