// The parser's public surface: parse(), parseExpression(), splitStatements(), KEYWORDS and the AST.
//
// Positions (`pos` on nodes, `position` on errors) are 1-based character offsets into the text
// passed to parse() — what Postgres reports. Binary, LIKE, BETWEEN, IN and IS nodes carry their
// operator's position (as Postgres's A_Expr does); other nodes their first token's.

import type { IToken } from "chevrotain";
import type { Expr, Statement } from "./ast.js";
import { scan, type SqlToken } from "./lexer.js";
import { SqlParser, type ParseContext } from "./parser.js";
import { fromRecognitionError, expectedHint, tooDeepError, syntaxError } from "./errors.js";
import { LBracket, LParen, RBracket, RParen, Semicolon, RESERVED_KEYWORDS, NON_RESERVED_KEYWORDS, SOFT_KEYWORDS } from "./tokens.js";
import { SqlError, toSqlError } from "../types/errors.js";

export * from "./ast.js";
export { splitStatements, type SplitStatement } from "./split.js";
export { scanLiteralInsert } from "./literal-insert.js";

/** Keywords for completion (upper case, sorted). */
export const KEYWORDS: string[] = [...new Set([...RESERVED_KEYWORDS, ...NON_RESERVED_KEYWORDS, ...SOFT_KEYWORDS])].sort();

/** Parentheses/brackets nested deeper than this are refused with 54001. */
export const MAX_NESTING_DEPTH = 1000;
// Content assist (which computes the full "expected" set for hints) costs time that grows with
// the statement; it is skipped past these bounds and the hint falls back to the local expectation.
const CONTENT_ASSIST_MAX_TOKENS = 60;
const CONTENT_ASSIST_MAX_DEPTH = 16;

let parserInstance: SqlParser | undefined;
function parser(): SqlParser {
  parserInstance ??= new SqlParser();
  return parserInstance;
}

function buildContext(text: string, tokens: SqlToken[]): ParseContext {
  const match = new Int32Array(tokens.length).fill(-1);
  const stack: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i].tokenType;
    if (t === LParen || t === LBracket) {
      stack.push(i);
      if (stack.length > MAX_NESTING_DEPTH) throw tooDeepError(text, tokens[i].pos);
    } else if (t === RParen || t === RBracket) {
      const open = stack.pop();
      if (open !== undefined) match[open] = i;
    } else if (t === Semicolon) stack.length = 0;
  }
  return { text, tokens, match, queryMemo: new Uint8Array(tokens.length + 1) };
}

function nestingDepth(tokens: SqlToken[]): number {
  let depth = 0;
  let max = 0;
  for (const t of tokens) {
    if (t.tokenType === LParen || t.tokenType === LBracket) max = Math.max(max, ++depth);
    else if (t.tokenType === RParen || t.tokenType === RBracket) depth--;
  }
  return max;
}

function runRule<T>(
  p: SqlParser,
  ctx: ParseContext,
  tokens: SqlToken[],
  terminator: SqlToken | undefined,
  ruleName: "statement" | "exprOnly",
): T {
  ctx.terminator = terminator;
  p.ctx = ctx;
  p.input = tokens;
  let result: unknown;
  try {
    result = ruleName === "statement" ? p.statement() : p.exprOnly();
  } catch (e) {
    if (e instanceof SqlError) throw e;
    if (e instanceof RangeError) throw tooDeepError(ctx.text, tokens[0]?.pos);
    throw toSqlError(e);
  }
  if (p.errors.length > 0) {
    const err = p.errors[0];
    const expected = p.lastExpected;
    let hint: string | undefined;
    const errTok = err.token as SqlToken | undefined;
    const errIdx = errTok && errTok.idx !== undefined ? tokens.indexOf(errTok) : tokens.length;
    const preceding = errIdx >= 0 ? tokens.slice(0, errIdx) : tokens;
    if (preceding.length <= CONTENT_ASSIST_MAX_TOKENS && nestingDepth(preceding) <= CONTENT_ASSIST_MAX_DEPTH) {
      try {
        const paths = p.computeContentAssist(ruleName, preceding as IToken[]);
        hint = expectedHint(paths.map((x) => x.nextTokenType));
      } catch {
        hint = undefined;
      }
    }
    const e = fromRecognitionError(ctx.text, err, expected, terminator);
    if (hint !== undefined) e.hint = hint;
    else if (e.hint === undefined) e.hint = expectedHint(expected) ?? "Expected the end of the statement.";
    throw e;
  }
  return result as T;
}

/** Parses one or more `;`-separated statements (empty statements are skipped). */
export function parse(sql: string): Statement[] {
  try {
    const { tokens } = scan(sql);
    const ctx = buildContext(sql, tokens);
    const p = parser();
    const out: Statement[] = [];
    let start = 0;
    for (let i = 0; i <= tokens.length; i++) {
      if (i < tokens.length && tokens[i].tokenType !== Semicolon) continue;
      if (i > start) {
        const seg = tokens.slice(start, i);
        const stmt = runRule<Statement>(p, ctx, seg, tokens[i], "statement");
        const first = seg[0];
        const last = seg[seg.length - 1];
        stmt.pos = first.pos;
        stmt.text = sql.slice(first.startOffset, (last.endOffset ?? last.startOffset) + 1);
        out.push(stmt);
      }
      start = i + 1;
    }
    return out;
  } catch (e) {
    throw asSyntaxFailure(e, sql);
  }
}

/** Parses a single expression (column defaults, tests). */
export function parseExpression(sql: string): Expr {
  try {
    const { tokens } = scan(sql);
    const ctx = buildContext(sql, tokens);
    const semi = tokens.findIndex((t) => t.tokenType === Semicolon);
    if (semi >= 0) throw syntaxError(sql, tokens[semi]);
    if (tokens.length === 0) throw syntaxError(sql, undefined, "Expected an expression.");
    return runRule<Expr>(parser(), ctx, tokens, undefined, "exprOnly");
  } catch (e) {
    throw asSyntaxFailure(e, sql);
  }
}

/** Anything escaping the parser becomes an SqlError: 54001 for stack exhaustion, XX000 for bugs. */
function asSyntaxFailure(e: unknown, sql: string): SqlError {
  if (e instanceof SqlError) return e;
  if (e instanceof RangeError) return tooDeepError(sql, undefined);
  return toSqlError(e);
}
