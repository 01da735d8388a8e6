// The shell's query buffer: lines typed (or read from a file) accumulate until they end one or more
// statements with `;`; those are handed out to run and what follows stays for the next line, the
// way psql does. Quotes, comments, dollar quoting and parentheses are the engine's statement
// splitter's business (`splitStatements`), passed in so the buffer can be tested without it.

import { isBlankSql, skipNoise } from "./sql-text.js";

/** One piece of a statement split, as `splitStatements` in src/parser returns it. */
export interface SplitStatement {
  /** the statement's text from its first token to its last (no leading comments, no `;`) */
  text: string;
  /** 1-based character (code point) offset of `text` in the input */
  pos: number;
  /** ended by a `;` (false for a trailing unterminated statement) */
  complete: boolean;
}

export type StatementSplitter = (sql: string) => SplitStatement[];

/** A statement ready to run: from its first token through its `;` (as psql sends it). */
export interface PendingStatement {
  text: string;
  /** 0-based code point offset of `text` in the input it was cut from */
  offset: number;
}

/**
 * Cuts the statements out of `sql`: each piece's text extended through its terminating `;` (and
 * whatever comment sits before it), with its code point offset. `end` is the string index after
 * the last complete statement (-1 if none).
 */
export function cutStatements(sql: string, split: StatementSplitter): { statements: (PendingStatement & { complete: boolean })[]; end: number } {
  const statements: (PendingStatement & { complete: boolean })[] = [];
  let end = -1;
  let index = 0; // string index of code point `point`
  let point = 0;
  for (const piece of split(sql)) {
    // advance to the piece's start (pieces come in order)
    while (point < piece.pos - 1 && index < sql.length) {
      index += sql.codePointAt(index)! > 0xffff ? 2 : 1;
      point++;
    }
    const start = index;
    let stop = Math.min(sql.length, start + piece.text.length);
    if (piece.complete) {
      const semicolon = skipNoise(sql, stop);
      if (sql[semicolon] === ";") stop = semicolon + 1;
      end = stop;
    } else {
      stop = sql.length;
    }
    statements.push({ text: sql.slice(start, stop), offset: piece.pos - 1, complete: piece.complete });
  }
  return { statements, end };
}

export class InputBuffer {
  private text = "";

  constructor(private readonly split: StatementSplitter) {}

  /** What has been typed and not run yet. */
  get contents(): string {
    return this.text;
  }

  /** True when nothing but whitespace and comments is waiting (psql shows its `=>` prompt). */
  get isEmpty(): boolean {
    return isBlankSql(this.text);
  }

  reset(): void {
    this.text = "";
  }

  /** Adds a line; returns the statements it completed, in order. */
  addLine(line: string): PendingStatement[] {
    this.text = this.text === "" ? line : this.text + "\n" + line;
    const { statements, end } = cutStatements(this.text, this.split);
    if (end < 0) {
      if (isBlankSql(this.text)) this.text = "";
      return [];
    }
    const rest = this.text.slice(end);
    this.text = isBlankSql(rest) ? "" : rest.replace(/^[ \t]*\n/, "");
    return statements.filter((s) => s.complete).map(({ text, offset }) => ({ text, offset }));
  }

  /** Everything left as one statement (end of file, or `\g`); empties the buffer. */
  takeAll(): PendingStatement | null {
    const text = this.text;
    this.text = "";
    if (isBlankSql(text)) return null;
    const start = skipNoise(text);
    return { text: text.slice(start), offset: [...text.slice(0, start)].length };
  }
}
