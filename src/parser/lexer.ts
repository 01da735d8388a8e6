// The scanner: SQL text → Chevrotain tokens (types from tokens.ts). Hand-written rather than a
// regex-driven Chevrotain Lexer because Postgres's lexical rules (nested comments, dollar quotes
// with tags, E'' escapes, operator trimming, case folding) are not regular; it produces ordinary
// Chevrotain IToken objects, so the parser is a plain Chevrotain parser.
//
// Every token carries `value` (identifiers case-folded, strings decoded) and `pos` (the 1-based
// character offset Postgres reports; code points, not UTF-16 units).

import type { IToken, TokenType } from "chevrotain";
import {
  BitStringLiteral, Caret, Colon, Comma, DecimalLiteral, Dot, DoubleColon, Eq, Ge, Gt, Identifier,
  IntegerLiteral, LBracket, LParen, Le, Lt, Minus, NotEq, Op, Param, Percent, Plus, QuotedIdentifier,
  RBracket, RParen, Semicolon, Slash, Star, StringLiteral, keywordByLowerName,
} from "./tokens.js";
import { lexError } from "./errors.js";

export interface SqlToken extends IToken {
  /** identifiers: folded name; strings: decoded content; numbers: normalized text; params: digits */
  value: string;
  /** 1-based character (code point) offset in the scanned text */
  pos: number;
  /** index in the token array */
  idx: number;
}

const OP_CHARS = "+-*/<>=~!@#%^&|`?";
const isOpChar = (c: number): boolean => c < 128 && OP_CHARS.indexOf(String.fromCharCode(c)) >= 0;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isIdentStart = (c: number): boolean =>
  (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c >= 128;
const isIdentCont = (c: number): boolean => isIdentStart(c) || isDigit(c) || c === 36;
const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

/** Operators with a token type of their own; everything else in KNOWN_OPS becomes `Op`. */
const SPECIAL_OPS = new Map<string, TokenType>([
  ["+", Plus], ["-", Minus], ["*", Star], ["/", Slash], ["%", Percent], ["^", Caret], ["=", Eq],
  ["<>", NotEq], ["!=", NotEq], ["<", Lt], ["<=", Le], [">", Gt], [">=", Ge],
]);
const KNOWN_OPS = new Set<string>([
  ...SPECIAL_OPS.keys(),
  "||", "||/", "|/", "->", "->>", "#>", "#>>", "#-", "@>", "<@", "@@", "@?", "?", "?|", "?&",
  "<->", "<=>", "<#>", "<+>", "<<", ">>", "&&", "&", "|", "#", "~", "~*", "!~", "!~*", "~~", "~~*",
  "!~~", "!~~*", "@", "<<=", ">>=", "&<", "&>", "-|-", "^@", "<^", ">^", "?-", "?-|", "?||", "@-@",
  "##", "<<|", "|>>", "&<|", "|&>",
]);
const MAX_OP_LEN = 4;

/** ASCII-only case folding, as Postgres does for identifiers in UTF-8 databases. */
export function foldIdent(s: string): string {
  return /[A-Z]/.test(s) ? s.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : s;
}

export interface ScanResult {
  tokens: SqlToken[];
  /** converts a UTF-16 offset into a 1-based code-point position */
  posOf: (offset: number) => number;
}

export function makePosOf(text: string): (offset: number) => number {
  if (!/[\uD800-\uDBFF]/.test(text)) return (o) => o + 1;
  const cum = new Int32Array(text.length + 1);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    cum[i] = n;
    const c = text.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff && i > 0) {
      const p = text.charCodeAt(i - 1);
      if (p >= 0xd800 && p <= 0xdbff) n++;
    }
  }
  cum[text.length] = n;
  return (o) => o - cum[Math.min(Math.max(o, 0), text.length)] + 1;
}

/** Scans `text` into tokens; throws SqlError 42601 on a lexical error. */
export function scan(text: string): ScanResult {
  const posOf = makePosOf(text);
  const tokens: SqlToken[] = [];
  const n = text.length;
  let i = 0;

  const push = (type: TokenType, start: number, end: number, value: string): void => {
    tokens.push({
      image: text.slice(start, end),
      startOffset: start,
      endOffset: end - 1,
      tokenType: type,
      tokenTypeIdx: type.tokenTypeIdx!,
      value,
      pos: posOf(start),
      idx: tokens.length,
    });
  };
  const fail = (msg: string, start: number, near?: string): never => {
    throw lexError(text, posOf(start), msg, near ?? text.slice(start));
  };

  /** Scans a '...' body starting after the opening quote; returns [content, index after close]. */
  const quoted = (from: number, backslash: boolean, start: number): [string, number] => {
    let out = "";
    let j = from;
    for (;;) {
      let seg = j;
      while (j < n) {
        const c = text.charCodeAt(j);
        if (c === 39 /* ' */) break;
        if (backslash && c === 92 /* \ */) {
          out += text.slice(seg, j);
          const [s, next] = backslashEscape(j);
          out += s;
          j = next;
          seg = j;
          continue;
        }
        j++;
      }
      if (j >= n) fail("unterminated quoted string", start);
      out += text.slice(seg, j);
      j++; // closing quote
      if (j < n && text.charCodeAt(j) === 39) {
        out += "'";
        j++;
        continue;
      }
      // SQL standard: two literals separated by whitespace containing a newline are one
      let k = j;
      let newline = false;
      while (k < n && isSpace(text.charCodeAt(k))) {
        if (text.charCodeAt(k) === 10 || text.charCodeAt(k) === 13) newline = true;
        k++;
      }
      if (newline && k < n && text.charCodeAt(k) === 39) {
        j = k + 1;
        continue;
      }
      return [out, j];
    }
  };

  const backslashEscape = (j: number): [string, number] => {
    // text[j] is the backslash
    if (j + 1 >= n) return ["\\", j + 1];
    const c = text[j + 1];
    switch (c) {
      case "b": return ["\b", j + 2];
      case "f": return ["\f", j + 2];
      case "n": return ["\n", j + 2];
      case "r": return ["\r", j + 2];
      case "t": return ["\t", j + 2];
      case "x": {
        const m = /^[0-9A-Fa-f]{1,2}/.exec(text.slice(j + 2, j + 4));
        if (!m) return ["x", j + 2];
        return [String.fromCharCode(parseInt(m[0], 16)), j + 2 + m[0].length];
      }
      case "u":
      case "U": {
        const len = c === "u" ? 4 : 8;
        const hex = text.slice(j + 2, j + 2 + len);
        if (!new RegExp(`^[0-9A-Fa-f]{${len}}$`).test(hex)) fail("invalid Unicode escape", j, text.slice(j, j + 2 + len));
        const cp = parseInt(hex, 16);
        if (cp > 0x10ffff || cp === 0) fail("invalid Unicode escape value", j, text.slice(j, j + 2 + len));
        return [String.fromCodePoint(cp), j + 2 + len];
      }
      default:
        if (c >= "0" && c <= "7") {
          const m = /^[0-7]{1,3}/.exec(text.slice(j + 1, j + 4))!;
          return [String.fromCharCode(parseInt(m[0], 8) & 0xff), j + 1 + m[0].length];
        }
        return [c, j + 2];
    }
  };

  const unicodeEscapes = (s: string, start: number, esc = "\\"): string => {
    let out = "";
    for (let k = 0; k < s.length; k++) {
      if (s[k] !== esc) {
        out += s[k];
        continue;
      }
      if (s[k + 1] === esc) {
        out += esc;
        k++;
        continue;
      }
      let hex: string;
      if (s[k + 1] === "+") {
        hex = s.slice(k + 2, k + 8);
        if (!/^[0-9A-Fa-f]{6}$/.test(hex)) fail("invalid Unicode escape", start);
        k += 7;
      } else {
        hex = s.slice(k + 1, k + 5);
        if (!/^[0-9A-Fa-f]{4}$/.test(hex)) fail("invalid Unicode escape", start);
        k += 4;
      }
      const cp = parseInt(hex, 16);
      if (cp > 0x10ffff || cp === 0) fail("invalid Unicode escape value", start);
      out += String.fromCodePoint(cp);
    }
    return out;
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    // whitespace
    if (isSpace(c)) {
      i++;
      continue;
    }
    const start = i;
    const c1 = i + 1 < n ? text.charCodeAt(i + 1) : 0;
    // comments
    if (c === 45 /* - */ && c1 === 45) {
      while (i < n && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
      continue;
    }
    if (c === 47 /* / */ && c1 === 42 /* * */) {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        const d = text.charCodeAt(i);
        if (d === 47 && text.charCodeAt(i + 1) === 42) {
          depth++;
          i += 2;
        } else if (d === 42 && text.charCodeAt(i + 1) === 47) {
          depth--;
          i += 2;
        } else i++;
      }
      if (depth > 0) fail("unterminated /* comment", start);
      continue;
    }
    // strings with a prefix: E'..', B'..', X'..', N'..', U&'..', U&".."
    if ((c === 69 || c === 101) && c1 === 39) {
      const [s, end] = quoted(i + 2, true, start);
      push(StringLiteral, start, end, s);
      i = end;
      continue;
    }
    if ((c === 78 || c === 110) && c1 === 39) {
      const [s, end] = quoted(i + 2, false, start);
      push(StringLiteral, start, end, s);
      i = end;
      continue;
    }
    if ((c === 66 || c === 98 || c === 88 || c === 120) && c1 === 39) {
      const hex = c === 88 || c === 120;
      let j = i + 2;
      while (j < n && text.charCodeAt(j) !== 39) j++;
      if (j >= n) fail(hex ? "unterminated hexadecimal string literal" : "unterminated bit string literal", start);
      const body = text.slice(i + 2, j);
      if (hex ? !/^[0-9A-Fa-f]*$/.test(body) : !/^[01]*$/.test(body)) {
        fail(`"${body}" is not a valid ${hex ? "hexadecimal" : "binary"} digit`, start, text.slice(start, j + 1));
      }
      push(BitStringLiteral, start, j + 1, (hex ? "x" : "b") + body);
      i = j + 1;
      continue;
    }
    if ((c === 85 || c === 117) && c1 === 38 /* & */ && (text[i + 2] === "'" || text[i + 2] === '"')) {
      const isIdent = text[i + 2] === '"';
      let body: string;
      let end: number;
      if (isIdent) {
        const r = quotedIdent(text, i + 3);
        if (r === null) fail("unterminated quoted identifier", start);
        [body, end] = r!;
      } else {
        [body, end] = quoted(i + 3, false, start);
      }
      // optional UESCAPE 'c'
      let esc = "\\";
      const m = /^\s+UESCAPE\s+'([^'])'/i.exec(text.slice(end, end + 40));
      if (m) {
        esc = m[1];
        end += m[0].length;
      }
      const decoded = unicodeEscapes(body, start, esc);
      if (isIdent) {
        if (decoded.length === 0) fail("zero-length delimited identifier", start, text.slice(start, end));
        push(QuotedIdentifier, start, end, decoded);
      } else push(StringLiteral, start, end, decoded);
      i = end;
      continue;
    }
    if (c === 39 /* ' */) {
      const [s, end] = quoted(i + 1, false, start);
      push(StringLiteral, start, end, s);
      i = end;
      continue;
    }
    if (c === 34 /* " */) {
      const r = quotedIdent(text, i + 1);
      if (r === null) fail("unterminated quoted identifier", start);
      const [name, end] = r!;
      if (name.length === 0) fail("zero-length delimited identifier", start, '""');
      push(QuotedIdentifier, start, end, name);
      i = end;
      continue;
    }
    // identifiers and keywords
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentCont(text.charCodeAt(j))) j++;
      const word = text.slice(i, j);
      const lower = foldIdent(word);
      const kw = keywordByLowerName.get(lower);
      push(kw ?? Identifier, start, j, lower);
      i = j;
      continue;
    }
    // numbers
    if (isDigit(c) || (c === 46 /* . */ && isDigit(c1))) {
      let j = i;
      let isDecimal = false;
      let value: string;
      if (c === 48 && /[xXoObB]/.test(text[i + 1] ?? "") && /[0-9A-Fa-f_]/.test(text[i + 2] ?? "")) {
        const radix = /[xX]/.test(text[i + 1]) ? 16 : /[oO]/.test(text[i + 1]) ? 8 : 2;
        const digitRe = radix === 16 ? /[0-9A-Fa-f_]/ : radix === 8 ? /[0-7_]/ : /[01_]/;
        j = i + 2;
        while (j < n && digitRe.test(text[j])) j++;
        const digits = text.slice(i + 2, j).replace(/_/g, "");
        if (digits.length === 0) fail("trailing junk after numeric literal", start, text.slice(start, j + 1));
        const prefix = radix === 16 ? "0x" : radix === 8 ? "0o" : "0b";
        value = BigInt(prefix + digits).toString();
      } else {
        while (j < n && (isDigit(text.charCodeAt(j)) || (text[j] === "_" && isDigit(text.charCodeAt(j + 1))))) j++;
        if (text[j] === "." && text[j + 1] !== ".") {
          isDecimal = true;
          j++;
          while (j < n && (isDigit(text.charCodeAt(j)) || (text[j] === "_" && isDigit(text.charCodeAt(j + 1))))) j++;
        }
        if ((text[j] === "e" || text[j] === "E") && (isDigit(text.charCodeAt(j + 1)) ||
          ((text[j + 1] === "+" || text[j + 1] === "-") && isDigit(text.charCodeAt(j + 2))))) {
          isDecimal = true;
          j += 2;
          while (j < n && isDigit(text.charCodeAt(j))) j++;
        }
        value = text.slice(i, j).replace(/_/g, "");
      }
      if (j < n && isIdentStart(text.charCodeAt(j))) {
        let k = j;
        while (k < n && isIdentCont(text.charCodeAt(k))) k++;
        fail("trailing junk after numeric literal", start, text.slice(start, k));
      }
      push(isDecimal ? DecimalLiteral : IntegerLiteral, start, j, value);
      i = j;
      continue;
    }
    // $1 parameters and $tag$ dollar quotes
    if (c === 36 /* $ */) {
      if (isDigit(c1)) {
        let j = i + 1;
        while (j < n && isDigit(text.charCodeAt(j))) j++;
        if (j < n && isIdentCont(text.charCodeAt(j))) {
          let k = j;
          while (k < n && isIdentCont(text.charCodeAt(k))) k++;
          fail("trailing junk after parameter", start, text.slice(start, k));
        }
        push(Param, start, j, text.slice(i + 1, j));
        i = j;
        continue;
      }
      let j = i + 1;
      if (j < n && isIdentStart(text.charCodeAt(j))) {
        j++;
        while (j < n && (isIdentStart(text.charCodeAt(j)) || isDigit(text.charCodeAt(j)))) j++;
      }
      if (j < n && text.charCodeAt(j) === 36) {
        const tag = text.slice(i, j + 1);
        const close = text.indexOf(tag, j + 1);
        if (close < 0) fail("unterminated dollar-quoted string", start);
        push(StringLiteral, start, close + tag.length, text.slice(j + 1, close));
        i = close + tag.length;
        continue;
      }
      fail("syntax error", start, "$");
    }
    // punctuation
    switch (c) {
      case 40: push(LParen, i, i + 1, "("); i++; continue;
      case 41: push(RParen, i, i + 1, ")"); i++; continue;
      case 91: push(LBracket, i, i + 1, "["); i++; continue;
      case 93: push(RBracket, i, i + 1, "]"); i++; continue;
      case 44: push(Comma, i, i + 1, ","); i++; continue;
      case 59: push(Semicolon, i, i + 1, ";"); i++; continue;
      case 46: push(Dot, i, i + 1, "."); i++; continue;
      case 58:
        if (c1 === 58) {
          push(DoubleColon, i, i + 2, "::");
          i += 2;
        } else {
          push(Colon, i, i + 1, ":");
          i++;
        }
        continue;
    }
    // operators: Postgres's rules (stop before a comment start; a multi-character operator cannot
    // end in + or - unless it contains one of ~ ! @ # % ^ & | ` ?), then longest known prefix
    if (isOpChar(c)) {
      let j = i;
      while (j < n && isOpChar(text.charCodeAt(j))) {
        if (j > i && ((text[j] === "-" && text[j + 1] === "-") || (text[j] === "/" && text[j + 1] === "*"))) break;
        j++;
      }
      let run = text.slice(i, j);
      if (run.length > 1 && !/[~!@#%^&|`?]/.test(run)) run = run.replace(/[+-]+$/, "") || run[0];
      let op = run;
      if (!KNOWN_OPS.has(op)) {
        let found = "";
        for (let len = Math.min(MAX_OP_LEN, run.length); len >= 1; len--) {
          if (KNOWN_OPS.has(run.slice(0, len))) {
            found = run.slice(0, len);
            break;
          }
        }
        if (found) op = found;
      }
      push(SPECIAL_OPS.get(op) ?? Op, i, i + op.length, op);
      i += op.length;
      continue;
    }
    // anything else
    const cp = text.codePointAt(i)!;
    fail("syntax error", start, String.fromCodePoint(cp));
  }
  return { tokens, posOf };
}

/** Scans a "..." body from after the opening quote; null when unterminated. */
function quotedIdent(text: string, from: number): [string, number] | null {
  let out = "";
  let j = from;
  for (;;) {
    const close = text.indexOf('"', j);
    if (close < 0) return null;
    out += text.slice(j, close);
    if (text[close + 1] === '"') {
      out += '"';
      j = close + 2;
      continue;
    }
    return [out, close + 1];
  }
}
