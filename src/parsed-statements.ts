// A session's parsed statements by SQL text, so that a prepared statement's every Execute (and a
// query a client repeats) skips the parser, which costs ~10x a copy of its result. Each use gets
// its own copy of the tree (binding must not see another use's changes). Bounded: the least
// recently used text goes first; long texts (bulk INSERTs) are not kept.

import type * as A from "./parser/index.js";
import { parse, scanLiteralInsert } from "./parser/index.js";

const CAPACITY = 128;
const MAX_TEXT = 4096;

export class ParsedStatements {
  private readonly byText = new Map<string, A.Statement[]>();

  /** The statements of `sql` (throws the parser's error, which is not kept). */
  get(sql: string): A.Statement[] {
    // a plain literal INSERT ... VALUES: scanned by hand (the same tree), not parsed nor kept
    const insert = scanLiteralInsert(sql);
    if (insert !== null) return [insert];
    const hit = this.byText.get(sql);
    if (hit !== undefined) {
      this.byText.delete(sql);
      this.byText.set(sql, hit);
      return structuredClone(hit);
    }
    const statements = parse(sql);
    if (sql.length <= MAX_TEXT) {
      this.byText.set(sql, structuredClone(statements));
      if (this.byText.size > CAPACITY) this.byText.delete(this.byText.keys().next().value!);
    }
    return statements;
  }
}
