// A lexer-level statement splitter for the REPL and scripts: finds the `;` that end statements,
// skipping those inside quotes, dollar quotes, comments and parentheses. It never throws: input
// that stops inside an open construct (or without a final `;`) yields an incomplete statement.

export interface SplitStatement {
  /** the statement's text, trimmed, without leading comments or the `;` */
  text: string;
  /** 1-based character (code point) offset of the text in the input */
  pos: number;
  /** true when the statement ended with `;` */
  complete: boolean;
}

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c >= 128;
}
function isIdentCont(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57) || c === 36;
}
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

export function splitStatements(sql: string): SplitStatement[] {
  const out: SplitStatement[] = [];
  const n = sql.length;
  // code-point positions
  let surrogatesBefore = 0;
  let scanned = 0;
  const posOf = (offset: number): number => {
    for (; scanned < offset; scanned++) {
      const c = sql.charCodeAt(scanned);
      if (c >= 0xdc00 && c <= 0xdfff && scanned > 0) {
        const p = sql.charCodeAt(scanned - 1);
        if (p >= 0xd800 && p <= 0xdbff) surrogatesBefore++;
      }
    }
    return offset - surrogatesBefore + 1;
  };

  let i = 0;
  let depth = 0;
  let start = -1; // offset of the statement's first token
  let end = -1; // offset just after its last token
  const emit = (complete: boolean, open: boolean, openAt: number): void => {
    if (start >= 0) {
      const stop = open ? n : end;
      out.push({ text: sql.slice(start, stop).trim(), pos: posOf(start), complete });
    } else if (open) {
      out.push({ text: sql.slice(openAt).trim(), pos: posOf(openAt), complete: false });
    }
    start = -1;
    end = -1;
    depth = 0;
  };
  const token = (s: number, e: number): void => {
    if (start < 0) start = s;
    end = e;
  };

  while (i < n) {
    const c = sql.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    const c1 = i + 1 < n ? sql.charCodeAt(i + 1) : 0;
    if (c === 45 && c1 === 45) {
      while (i < n && sql.charCodeAt(i) !== 10) i++;
      continue;
    }
    if (c === 47 && c1 === 42) {
      const s = i;
      let d = 1;
      i += 2;
      while (i < n && d > 0) {
        if (sql.charCodeAt(i) === 47 && sql.charCodeAt(i + 1) === 42) {
          d++;
          i += 2;
        } else if (sql.charCodeAt(i) === 42 && sql.charCodeAt(i + 1) === 47) {
          d--;
          i += 2;
        } else i++;
      }
      if (d > 0) {
        emit(false, true, s);
        return out;
      }
      continue;
    }
    if (c === 39 || ((c === 69 || c === 101) && c1 === 39)) {
      // '...' or E'...' (backslash escapes)
      const s = i;
      const backslash = c !== 39;
      i += backslash ? 2 : 1;
      let closed = false;
      while (i < n) {
        const d = sql.charCodeAt(i);
        if (backslash && d === 92) {
          i += 2;
          continue;
        }
        if (d === 39) {
          if (sql.charCodeAt(i + 1) === 39) {
            i += 2;
            continue;
          }
          i++;
          closed = true;
          break;
        }
        i++;
      }
      token(s, Math.min(i, n));
      if (!closed) {
        emit(false, true, s);
        return out;
      }
      continue;
    }
    if (c === 34) {
      const s = i;
      i++;
      let closed = false;
      while (i < n) {
        if (sql.charCodeAt(i) === 34) {
          if (sql.charCodeAt(i + 1) === 34) {
            i += 2;
            continue;
          }
          i++;
          closed = true;
          break;
        }
        i++;
      }
      token(s, Math.min(i, n));
      if (!closed) {
        emit(false, true, s);
        return out;
      }
      continue;
    }
    if (c === 36) {
      // $tag$ ... $tag$ (a $1 parameter otherwise)
      let j = i + 1;
      if (j < n && isIdentStart(sql.charCodeAt(j))) {
        j++;
        while (j < n && (isIdentStart(sql.charCodeAt(j)) || (sql.charCodeAt(j) >= 48 && sql.charCodeAt(j) <= 57))) j++;
      }
      if (j < n && sql.charCodeAt(j) === 36) {
        const tag = sql.slice(i, j + 1);
        const close = sql.indexOf(tag, j + 1);
        token(i, close < 0 ? n : close + tag.length);
        if (close < 0) {
          emit(false, true, i);
          return out;
        }
        i = close + tag.length;
        continue;
      }
      token(i, i + 1);
      i++;
      continue;
    }
    if (isIdentStart(c)) {
      const s = i;
      i++;
      while (i < n && isIdentCont(sql.charCodeAt(i))) i++;
      token(s, i);
      continue;
    }
    if (c === 40) depth++;
    else if (c === 41 && depth > 0) depth--;
    else if (c === 59 && depth === 0) {
      emit(true, false, i);
      i++;
      continue;
    }
    token(i, i + 1);
    i++;
  }
  emit(false, false, n);
  return out;
}
