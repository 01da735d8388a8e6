// Errors and notices as psql prints them: `ERROR:  message`, then for an error with a position the
// `LINE n: ...` excerpt of the statement with a caret under the position (long lines are cut
// around it with `...`, as libpq does), then `DETAIL:  ...` and `HINT:  ...`.

import { charWidth } from "./display-width.js";

/** What the printer needs of an error (SqlError has all of these). */
export interface ErrorLike {
  message: string;
  /** 1-based character offset into the statement text */
  position?: number;
  detail?: string;
  hint?: string;
}

/** libpq's limits for the excerpt: at most this many screen columns ... */
const DISPLAY_SIZE = 60;
/** ... keeping at least this many after the position when cutting the right end. */
const MIN_RIGHT_CUT = 10;

/**
 * The full message psql prints to stderr for an error. `query` is the text the position refers to;
 * `prefix` is put before the first line (psql's `psql:file.sql:12: ` in -f mode).
 */
export function formatError(err: ErrorLike, query?: string, prefix = "", severity = "ERROR"): string {
  let out = `${prefix}${severity}:  ${err.message}\n`;
  if (query !== undefined && err.position !== undefined) out += formatErrorPosition(query, err.position);
  if (err.detail) out += `DETAIL:  ${err.detail}\n`;
  if (err.hint) out += `HINT:  ${err.hint}\n`;
  return out;
}

export function formatNotice(message: string): string {
  return `NOTICE:  ${message}\n`;
}

/**
 * The `LINE n: ...` and caret lines for a 1-based character position in `query` (empty when the
 * position is outside the text), following libpq's reportErrorPosition.
 */
export function formatErrorPosition(query: string, position: number): string {
  const loc = position - 1;
  if (loc < 0) return "";
  // one entry per character: its text (tabs become spaces) and its starting screen column
  const chars: string[] = [];
  const col: number[] = [];
  let scr = 0;
  let line = 1;
  let begin = 0;
  let end = -1;
  let cno = 0;
  for (let i = 0; i < query.length; cno++) {
    const cp = query.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    i += ch.length;
    col[cno] = scr;
    chars[cno] = ch === "\t" ? " " : ch;
    if (ch === "\r" || ch === "\n") {
      if (cno < loc) {
        // \r\n counts as one line break
        if (ch === "\r" || cno === 0 || chars[cno - 1] !== "\r") line++;
        begin = cno + 1;
      } else {
        end = cno;
        break;
      }
    }
    const w = charWidth(cp);
    scr += w <= 0 ? 1 : w;
  }
  if (end < 0) {
    end = cno;
    col[end] = scr;
  }
  if (loc > cno) return "";
  if (col[loc] === undefined) col[loc] = scr;

  let cutLeft = false;
  let cutRight = false;
  if (col[end] - col[begin] > DISPLAY_SIZE) {
    if (col[begin] + DISPLAY_SIZE >= col[loc] + MIN_RIGHT_CUT) {
      while (col[end] - col[begin] > DISPLAY_SIZE) end--;
      cutRight = true;
    } else {
      while (col[loc] + MIN_RIGHT_CUT < col[end]) {
        end--;
        cutRight = true;
      }
      while (col[end] - col[begin] > DISPLAY_SIZE) {
        begin++;
        cutLeft = true;
      }
    }
  }
  const head = `LINE ${line}: ` + (cutLeft ? "..." : "");
  const excerpt = chars.slice(begin, end).join("") + (cutRight ? "..." : "");
  const caretColumn = head.length + col[loc] - col[begin];
  return `${head}${excerpt}\n${" ".repeat(caretColumn)}^\n`;
}
