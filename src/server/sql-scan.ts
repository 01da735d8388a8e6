// A lexical scan of SQL text that finds the `$n` parameter references outside string literals,
// quoted identifiers, dollar-quoted strings and comments, and the leading keyword of a statement.
// It never throws: unterminated constructs run to the end of the text.

export interface ParameterRef {
  /** UTF-16 offsets of `$n` in the text */
  start: number;
  end: number;
  /** n (1-based) */
  index: number;
}

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c >= 128;
}

function isIdentCont(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57) || c === 36;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** The `$n` references of `sql`, in order. */
export function findParameters(sql: string): ParameterRef[] {
  const out: ParameterRef[] = [];
  const n = sql.length;
  let i = 0;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (c === 39) {
      // '...' ; E'...' handled where the identifier E is seen
      i = skipQuoted(sql, i, 39, false);
    } else if (c === 34) {
      i = skipQuoted(sql, i, 34, false);
    } else if (c === 45 && sql.charCodeAt(i + 1) === 45) {
      const nl = sql.indexOf("\n", i);
      i = nl < 0 ? n : nl + 1;
    } else if (c === 47 && sql.charCodeAt(i + 1) === 42) {
      i = skipBlockComment(sql, i);
    } else if (c === 36) {
      if (isDigit(sql.charCodeAt(i + 1))) {
        let j = i + 1;
        while (j < n && isDigit(sql.charCodeAt(j))) j++;
        const index = Number(sql.slice(i + 1, j));
        out.push({ start: i, end: j, index });
        i = j;
      } else {
        i = skipDollarQuoted(sql, i);
      }
    } else if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentCont(sql.charCodeAt(j))) j++;
      if (sql.charCodeAt(j) === 39) {
        const word = sql.slice(i, j).toLowerCase();
        // E'...' has backslash escapes; U&'...', B'...', X'...' do not
        i = skipQuoted(sql, j, 39, word === "e");
      } else {
        i = j;
      }
    } else if (isDigit(c)) {
      let j = i + 1;
      while (j < n && (isIdentCont(sql.charCodeAt(j)) || sql.charCodeAt(j) === 46)) j++;
      i = j;
    } else {
      i++;
    }
  }
  return out;
}

function skipQuoted(sql: string, i: number, quote: number, backslash: boolean): number {
  const n = sql.length;
  let j = i + 1;
  while (j < n) {
    const c = sql.charCodeAt(j);
    if (backslash && c === 92) {
      j += 2;
      continue;
    }
    if (c === quote) {
      if (sql.charCodeAt(j + 1) === quote) {
        j += 2;
        continue;
      }
      return j + 1;
    }
    j++;
  }
  return n;
}

function skipBlockComment(sql: string, i: number): number {
  const n = sql.length;
  let depth = 0;
  let j = i;
  while (j < n) {
    if (sql.charCodeAt(j) === 47 && sql.charCodeAt(j + 1) === 42) {
      depth++;
      j += 2;
    } else if (sql.charCodeAt(j) === 42 && sql.charCodeAt(j + 1) === 47) {
      depth--;
      j += 2;
      if (depth === 0) return j;
    } else j++;
  }
  return n;
}

/** At a `$` that is not a parameter: a dollar-quoted string `$tag$...$tag$`, or a lone `$`. */
function skipDollarQuoted(sql: string, i: number): number {
  const n = sql.length;
  let j = i + 1;
  if (j < n && isIdentStart(sql.charCodeAt(j))) {
    while (j < n && isIdentCont(sql.charCodeAt(j)) && sql.charCodeAt(j) !== 36) j++;
  }
  if (sql.charCodeAt(j) !== 36) return i + 1;
  const tag = sql.slice(i, j + 1);
  const close = sql.indexOf(tag, j + 1);
  return close < 0 ? n : close + tag.length;
}

/** The first keyword of a statement (lower case), skipping comments, whitespace and `(`. */
export function leadingKeyword(sql: string): string {
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (c === 32 || (c >= 9 && c <= 13) || c === 40) i++;
    else if (c === 45 && sql.charCodeAt(i + 1) === 45) {
      const nl = sql.indexOf("\n", i);
      i = nl < 0 ? n : nl + 1;
    } else if (c === 47 && sql.charCodeAt(i + 1) === 42) i = skipBlockComment(sql, i);
    else break;
  }
  let j = i;
  while (j < n && isIdentCont(sql.charCodeAt(j))) j++;
  return sql.slice(i, j).toLowerCase();
}

/** Converts a 1-based code-point position to a UTF-16 offset in `s`. */
export function codePointToOffset(s: string, position: number): number {
  let cp = 1;
  let i = 0;
  while (i < s.length && cp < position) {
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
    cp++;
  }
  return i;
}

/** Converts a UTF-16 offset in `s` to a 1-based code-point position. */
export function offsetToCodePoint(s: string, offset: number): number {
  let cp = 1;
  let i = 0;
  while (i < offset && i < s.length) {
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
    cp++;
  }
  return cp;
}

/** The dotted names in the text (`a`, `s.t`, `"Q".x`), lower-cased unless quoted, outside literals and comments. */
export function qualifiedNames(sql: string): string[][] {
  const out: string[][] = [];
  const n = sql.length;
  let i = 0;
  let chain: string[] = [];
  let expectPart = false;
  const finish = () => {
    if (chain.length > 0) out.push(chain);
    chain = [];
    expectPart = false;
  };
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (c === 39) {
      finish();
      i = skipQuoted(sql, i, 39, false);
    } else if (c === 34) {
      const end = skipQuoted(sql, i, 34, false);
      const part = sql.slice(i + 1, end - 1).replace(/""/g, '"');
      if (!expectPart) finish();
      chain.push(part);
      expectPart = false;
      i = end;
    } else if (c === 45 && sql.charCodeAt(i + 1) === 45) {
      finish();
      const nl = sql.indexOf("\n", i);
      i = nl < 0 ? n : nl + 1;
    } else if (c === 47 && sql.charCodeAt(i + 1) === 42) {
      finish();
      i = skipBlockComment(sql, i);
    } else if (c === 36) {
      finish();
      i = isDigit(sql.charCodeAt(i + 1)) ? i + 2 : skipDollarQuoted(sql, i);
    } else if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentCont(sql.charCodeAt(j))) j++;
      if (sql.charCodeAt(j) === 39) {
        finish();
        i = skipQuoted(sql, j, 39, sql.slice(i, j).toLowerCase() === "e");
        continue;
      }
      if (!expectPart) finish();
      chain.push(sql.slice(i, j).toLowerCase());
      expectPart = false;
      i = j;
    } else if (c === 46 && chain.length > 0 && !expectPart) {
      expectPart = true;
      i++;
    } else if (c === 32 || (c >= 9 && c <= 13)) {
      i++;
    } else {
      finish();
      i++;
    }
  }
  finish();
  return out;
}
