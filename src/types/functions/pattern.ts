// Pattern matching: LIKE / ILIKE (with ESCAPE), SIMILAR TO, and POSIX regular expressions
// (~, ~*, regexp_replace, regexp_match, ...). Postgres's ARE syntax is translated to a JS RegExp
// with the 'u' (code points) and 's' (dot matches newline, Postgres's default) flags; bracket
// classes like [[:alpha:]] become ASCII classes (collation "C"), \m \M \y \Y \A \Z become
// lookarounds. Compiled patterns are cached by pattern text, so per-row calls never recompile.

import { Types } from "../data-type.js";
import { SqlError, SqlState } from "../errors.js";
import { binop } from "./operators.js";
import { defineFunction } from "./registry.js";

export type Matcher = (s: string) => boolean;

const CACHE_LIMIT = 4096;

/**
 * Two-level caches: an outer map per option set (case-insensitive, escape, flags...) and an inner
 * map by pattern text, so a per-row lookup never builds a key string.
 */
class PatternCache<V> {
  private readonly outer = new Map<string | null, Map<string, V>>();
  private size = 0;
  get(options: string | null, pattern: string): V | undefined {
    return this.outer.get(options)?.get(pattern);
  }
  set(options: string | null, pattern: string, v: V): V {
    if (this.size >= CACHE_LIMIT) {
      this.outer.clear();
      this.size = 0;
    }
    let inner = this.outer.get(options);
    if (inner === undefined) {
      inner = new Map();
      this.outer.set(options, inner);
    }
    inner.set(pattern, v);
    this.size++;
    return v;
  }
}

const LIKE_CACHE = new PatternCache<Matcher>();
const ILIKE_CACHE = new PatternCache<Matcher>();
const SIMILAR_CACHE = new PatternCache<Matcher>();
const REGEX_CACHE = new PatternCache<RegExp>();

function escapeRegex(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&");
}

function checkEscape(escape: string | null): string | null {
  if (escape === null) return "\\";
  if (escape === "") return null;
  if ([...escape].length !== 1) {
    throw new SqlError(SqlState.InvalidEscapeSequence, "invalid escape string", {
      hint: "Escape string must be empty or one character.",
    });
  }
  return escape;
}

/** A compiled LIKE / ILIKE matcher (cached). `escape` null = the default backslash; "" = none. */
export function likeMatcher(pattern: string, escape: string | null, caseInsensitive: boolean): Matcher {
  const cache = caseInsensitive ? ILIKE_CACHE : LIKE_CACHE;
  const hit = cache.get(escape, pattern);
  if (hit !== undefined) return hit;
  const esc = checkEscape(escape);
  // split into literal runs and wildcards
  const parts: (string | "%" | "_")[] = [];
  let lit = "";
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (esc !== null && c === esc) {
      if (i + 1 >= chars.length) {
        // Postgres raises this only when matching reaches the dangling escape with text left over
        const prefix = likeRegexSource(pattern.slice(0, pattern.length - esc.length), esc, caseInsensitive);
        const m: Matcher = (s) => {
          if (prefix.test(s)) throw new SqlError(SqlState.InvalidEscapeSequence, "LIKE pattern must not end with escape character");
          return false;
        };
        return cache.set(escape, pattern, m);
      }
      lit += chars[++i];
    } else if (c === "%" || c === "_") {
      if (lit !== "") parts.push(lit);
      lit = "";
      if (!(c === "%" && parts[parts.length - 1] === "%")) parts.push(c);
    } else lit += c;
  }
  if (lit !== "") parts.push(lit);
  let m: Matcher;
  const isLit = (p: string | undefined) => p !== undefined && p !== "%" && p !== "_";
  if (!caseInsensitive && parts.length <= 3 && !parts.includes("_")) {
    const n = parts.length;
    if (n === 0) m = (s) => s === "";
    else if (n === 1 && parts[0] === "%") m = () => true;
    else if (n === 1) {
      const p = parts[0];
      m = (s) => s === p;
    } else if (n === 2 && isLit(parts[0]) && parts[1] === "%") {
      const p = parts[0];
      m = (s) => s.startsWith(p);
    } else if (n === 2 && parts[0] === "%" && isLit(parts[1])) {
      const p = parts[1];
      m = (s) => s.endsWith(p);
    } else if (n === 3 && parts[0] === "%" && isLit(parts[1]) && parts[2] === "%") {
      const p = parts[1];
      m = (s) => s.includes(p);
    } else m = likeRegex(parts, caseInsensitive);
  } else m = likeRegex(parts, caseInsensitive);
  return cache.set(escape, pattern, m);
}

/** ^pattern followed by at least one more character, for the dangling-escape check. */
function likeRegexSource(pattern: string, esc: string, ci: boolean): RegExp {
  let src = "^";
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === esc && i + 1 < chars.length) src += escapeRegex(chars[++i]);
    else src += c === "%" ? "[\\s\\S]*" : c === "_" ? "[\\s\\S]" : escapeRegex(c);
  }
  return new RegExp(src + "[\\s\\S]", ci ? "iu" : "u");
}

function likeRegex(parts: (string | "%" | "_")[], ci: boolean): Matcher {
  let src = "^";
  for (const p of parts) src += p === "%" ? "[\\s\\S]*" : p === "_" ? "[\\s\\S]" : escapeRegex(p);
  const re = new RegExp(src + "$", ci ? "iu" : "u");
  return (s) => re.test(s);
}

/** SIMILAR TO → an anchored JS regex (cached). */
export function similarMatcher(pattern: string, escape: string | null): Matcher {
  const hit = SIMILAR_CACHE.get(escape, pattern);
  if (hit !== undefined) return hit;
  const esc = checkEscape(escape);
  let src = "";
  let inBracket = false;
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (esc !== null && c === esc) {
      if (i + 1 >= chars.length) {
        throw new SqlError(SqlState.InvalidEscapeSequence, "invalid escape string", {
          hint: "Escape string must be empty or one character.",
        });
      }
      src += escapeRegex(chars[++i]);
      continue;
    }
    if (inBracket) {
      if (c === "]") inBracket = false;
      src += c === "\\" ? "\\\\" : c;
      continue;
    }
    switch (c) {
      case "%":
        src += "[\\s\\S]*";
        break;
      case "_":
        src += "[\\s\\S]";
        break;
      case "[":
        inBracket = true;
        src += "[";
        break;
      case "|":
      case "*":
      case "+":
      case "?":
      case "(":
      case ")":
      case "{":
      case "}":
        src += c === "(" ? "(?:" : c;
        break;
      default:
        src += escapeRegex(c);
    }
  }
  let re: RegExp;
  try {
    re = new RegExp("^(?:" + src + ")$", "u");
  } catch (e) {
    throw new SqlError(SqlState.InvalidRegularExpression, `invalid regular expression: ${(e as Error).message}`);
  }
  const m: Matcher = (s) => re.test(s);
  return SIMILAR_CACHE.set(escape, pattern, m);
}

// ---- POSIX regular expressions --------------------------------------------------------------------

const CLASSES: Record<string, string> = {
  alpha: "A-Za-z",
  digit: "0-9",
  alnum: "A-Za-z0-9",
  upper: "A-Z",
  lower: "a-z",
  space: " \\t\\n\\r\\f\\v",
  blank: " \\t",
  punct: "!-\\/:-@\\[-`{-~",
  xdigit: "0-9A-Fa-f",
  word: "A-Za-z0-9_",
  cntrl: "\\x00-\\x1f\\x7f",
  print: "\\x20-\\x7e",
  graph: "\\x21-\\x7e",
};

const SYNTAX = new Set(["^", "$", "\\", ".", "*", "+", "?", "(", ")", "[", "]", "{", "}", "|", "/"]);

/** Translates a Postgres ARE to JS regex source. */
function translateRegex(p: string, expanded: boolean): string {
  let out = "";
  let i = 0;
  const n = p.length;
  while (i < n) {
    const c = p[i];
    if (expanded && (c === " " || c === "\t" || c === "\n" || c === "\r")) {
      i++;
      continue;
    }
    if (expanded && c === "#") {
      while (i < n && p[i] !== "\n") i++;
      continue;
    }
    if (c === "\\") {
      const d = p[i + 1];
      if (d === undefined) throw new SqlError(SqlState.InvalidRegularExpression, "invalid regular expression: invalid escape \\ sequence");
      i += 2;
      switch (d) {
        case "m":
          out += "(?<![A-Za-z0-9_])(?=[A-Za-z0-9_])";
          continue;
        case "M":
          out += "(?<=[A-Za-z0-9_])(?![A-Za-z0-9_])";
          continue;
        case "y":
          out += "\\b";
          continue;
        case "Y":
          out += "\\B";
          continue;
        case "A":
          out += "(?<![\\s\\S])";
          continue;
        case "Z":
          out += "(?![\\s\\S])";
          continue;
        case "e":
          out += "\\x1b";
          continue;
      }
      if (/[A-Za-z0-9]/.test(d)) out += "\\" + d;
      else out += SYNTAX.has(d) ? "\\" + d : d === "-" ? "\\-" : d;
      continue;
    }
    if (c === "[") {
      // bracket expression
      let j = i + 1;
      let cls = "[";
      if (p[j] === "^") {
        cls += "^";
        j++;
      }
      if (p[j] === "]") {
        cls += "\\]";
        j++;
      }
      while (j < n && p[j] !== "]") {
        if (p[j] === "[" && p[j + 1] === ":") {
          const end = p.indexOf(":]", j + 2);
          if (end < 0) throw new SqlError(SqlState.InvalidRegularExpression, "invalid regular expression: brackets [] not balanced");
          const name = p.slice(j + 2, end);
          const body = CLASSES[name];
          if (body === undefined) throw new SqlError(SqlState.InvalidRegularExpression, "invalid regular expression: invalid character class");
          cls += body;
          j = end + 2;
        } else if (p[j] === "\\" && j + 1 < n) {
          const d = p[j + 1];
          cls += /[A-Za-z0-9]/.test(d) || d === "-" || d === "]" || d === "\\" || d === "^" || d === "[" ? "\\" + d : d;
          j += 2;
        } else {
          const ch = p[j];
          cls += ch === "[" || ch === "/" ? "\\" + ch : ch;
          j++;
        }
      }
      if (j >= n) throw new SqlError(SqlState.InvalidRegularExpression, "invalid regular expression: brackets [] not balanced");
      out += cls + "]";
      i = j + 1;
      continue;
    }
    out += c === "/" ? "\\/" : c;
    i++;
  }
  return out;
}

export interface RegexFlags {
  /** the options as a short string (cache key) */
  key: string;
  global: boolean;
  ci: boolean;
  newline: boolean;
  expanded: boolean;
  literal: boolean;
}

export function parseRegexFlags(flags: string | null): RegexFlags {
  if (flags === null || flags === "") return NO_FLAGS;
  const r: RegexFlags = { key: "", global: false, ci: false, newline: false, expanded: false, literal: false };
  for (const f of flags) {
    switch (f) {
      case "g":
        r.global = true;
        break;
      case "i":
        r.ci = true;
        break;
      case "c":
        r.ci = false;
        break;
      case "n":
      case "m":
      case "p":
      case "w":
        r.newline = true;
        break;
      case "s":
        r.newline = false;
        break;
      case "x":
        r.expanded = true;
        break;
      case "t":
        r.expanded = false;
        break;
      case "q":
        r.literal = true;
        break;
      case "b":
      case "e":
        break;
      default:
        throw new SqlError(SqlState.InvalidParameterValue, `invalid regular expression option: "${f}"`);
    }
  }
  r.key = (r.ci ? "i" : "") + (r.newline ? "n" : "") + (r.expanded ? "x" : "") + (r.literal ? "q" : "");
  return r;
}

/** A compiled regex for a Postgres pattern (cached). `global` adds the JS 'g' flag. */
export function compileRegex(pattern: string, flags: RegexFlags, global = false): RegExp {
  const key = flags.key + (global ? "g" : "");
  const hit = REGEX_CACHE.get(key, pattern);
  if (hit !== undefined) {
    hit.lastIndex = 0;
    return hit;
  }
  let src = pattern;
  let ci = flags.ci;
  // embedded options: (?i) etc. at the start
  const emb = /^\(\?([a-z]+)\)/.exec(src);
  let expanded = flags.expanded;
  let newline = flags.newline;
  if (emb !== null && !flags.literal) {
    for (const f of emb[1]) {
      if (f === "i") ci = true;
      else if (f === "c") ci = false;
      else if (f === "x") expanded = true;
      else if (f === "n" || f === "m") newline = true;
    }
    src = src.slice(emb[0].length);
  }
  if (src.startsWith("***:")) src = src.slice(4);
  const body = flags.literal ? escapeRegex(src) : translateRegex(src, expanded);
  let jsFlags = "u" + (ci ? "i" : "") + (newline ? "m" : "s") + (global ? "g" : "");
  let re: RegExp;
  try {
    re = new RegExp(body, jsFlags);
  } catch (e) {
    try {
      jsFlags = jsFlags.replace("u", "");
      re = new RegExp(body, jsFlags);
    } catch {
      throw new SqlError(SqlState.InvalidRegularExpression, `invalid regular expression: ${regexErrorText((e as Error).message)}`);
    }
  }
  return REGEX_CACHE.set(key, pattern, re);
}

/** Postgres's wording for the common regex syntax errors. */
function regexErrorText(jsMessage: string): string {
  const m = jsMessage.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, "");
  if (/Unterminated group|Unmatched '\)'/.test(m)) return "parentheses () not balanced";
  if (/Unterminated character class/.test(m)) return "brackets [] not balanced";
  if (/Nothing to repeat/.test(m)) return "quantifier operand invalid";
  if (/quantifier|numbers out of order/i.test(m)) return "invalid repetition count(s)";
  if (/escape/i.test(m)) return "invalid escape \\ sequence";
  if (/Invalid group/.test(m)) return "quantifier operand invalid";
  return m;
}

const NO_FLAGS: RegexFlags = { key: "", global: false, ci: false, newline: false, expanded: false, literal: false };
const CI_FLAGS: RegexFlags = { key: "i", global: false, ci: true, newline: false, expanded: false, literal: false };

export function regexTest(s: string, pattern: string, ci: boolean): boolean {
  return compileRegex(pattern, ci ? CI_FLAGS : NO_FLAGS).test(s);
}

type ReplPart = string | number; // literal text or group number (0 = whole match)
const REPL_CACHE = new Map<string, ReplPart[]>();

function parseReplacement(r: string): ReplPart[] {
  const hit = REPL_CACHE.get(r);
  if (hit !== undefined) return hit;
  const parts: ReplPart[] = [];
  let lit = "";
  for (let i = 0; i < r.length; i++) {
    const c = r[i];
    if (c === "\\" && i + 1 < r.length) {
      const d = r[i + 1];
      if (d >= "1" && d <= "9") {
        if (lit !== "") parts.push(lit);
        lit = "";
        parts.push(Number(d));
        i++;
        continue;
      }
      if (d === "&") {
        if (lit !== "") parts.push(lit);
        lit = "";
        parts.push(0);
        i++;
        continue;
      }
      if (d === "\\") {
        lit += "\\";
        i++;
        continue;
      }
    }
    lit += c;
  }
  if (lit !== "") parts.push(lit);
  if (REPL_CACHE.size >= CACHE_LIMIT) REPL_CACHE.clear();
  REPL_CACHE.set(r, parts);
  return parts;
}

export function regexpReplace(src: string, pattern: string, repl: string, flagText: string | null): string {
  const flags = parseRegexFlags(flagText);
  const re = compileRegex(pattern, flags, flags.global);
  const parts = parseReplacement(repl);
  return src.replace(re, (...m: unknown[]) => {
    let out = "";
    for (const p of parts) {
      if (typeof p === "string") out += p;
      else {
        const g = m[p];
        if (typeof g === "string") out += g;
      }
    }
    return out;
  });
}

export function regexpMatch(src: string, pattern: string, flagText: string | null): (string | null)[] | null {
  const flags = parseRegexFlags(flagText);
  if (flags.global) {
    throw new SqlError(SqlState.InvalidParameterValue, "regexp_match() does not support the \"global\" option", {
      hint: "Use the regexp_matches function instead.",
    });
  }
  const m = compileRegex(pattern, flags).exec(src);
  if (m === null) return null;
  if (m.length === 1) return [m[0]];
  return m.slice(1).map((g) => (g === undefined ? null : g));
}

function registerPatternFunctions(): void {
  const T = Types.text;
  const B = Types.boolean;
  const I4 = Types.integer;
  const like = (ci: boolean, neg: boolean) => (a: unknown[]) => {
    const r = likeMatcher(a[1] as string, a.length > 2 ? (a[2] as string) : null, ci)(a[0] as string);
    return neg ? !r : r;
  };
  for (const [name, ci, neg] of [["like", false, false], ["ilike", true, false], ["not_like", false, true], ["not_ilike", true, true]] as const) {
    defineFunction({ name, params: [T, T], ret: B, id: name, impl: like(ci, neg) });
    defineFunction({ name, params: [T, T, T], ret: B, id: `${name}_escape`, impl: like(ci, neg) });
  }
  binop("~~", T, T, B, "~~:text", (s: string, p: string) => likeMatcher(p, null, false)(s));
  binop("!~~", T, T, B, "!~~:text", (s: string, p: string) => !likeMatcher(p, null, false)(s));
  binop("~~*", T, T, B, "~~*:text", (s: string, p: string) => likeMatcher(p, null, true)(s));
  binop("!~~*", T, T, B, "!~~*:text", (s: string, p: string) => !likeMatcher(p, null, true)(s));
  const similar = (neg: boolean) => (a: unknown[]) => {
    const r = similarMatcher(a[1] as string, a.length > 2 ? (a[2] as string) : null)(a[0] as string);
    return neg ? !r : r;
  };
  defineFunction({ name: "similar_to", params: [T, T], ret: B, id: "similar_to", impl: similar(false) });
  defineFunction({ name: "similar_to", params: [T, T, T], ret: B, id: "similar_to_escape", impl: similar(false) });
  defineFunction({ name: "not_similar_to", params: [T, T], ret: B, id: "not_similar_to", impl: similar(true) });
  defineFunction({ name: "not_similar_to", params: [T, T, T], ret: B, id: "not_similar_to_escape", impl: similar(true) });

  binop("~", T, T, B, "~:text", (s: string, p: string) => regexTest(s, p, false));
  binop("~*", T, T, B, "~*:text", (s: string, p: string) => regexTest(s, p, true));
  binop("!~", T, T, B, "!~:text", (s: string, p: string) => !regexTest(s, p, false));
  binop("!~*", T, T, B, "!~*:text", (s: string, p: string) => !regexTest(s, p, true));

  defineFunction({ name: "regexp_replace", params: [T, T, T], ret: T, id: "regexp_replace", impl: (a) => regexpReplace(a[0] as string, a[1] as string, a[2] as string, null) });
  defineFunction({ name: "regexp_replace", params: [T, T, T, T], ret: T, id: "regexp_replace_flags", impl: (a) => regexpReplace(a[0] as string, a[1] as string, a[2] as string, a[3] as string) });
  const TA = Types.array(T);
  defineFunction({ name: "regexp_match", params: [T, T], ret: TA, id: "regexp_match", impl: (a) => regexpMatch(a[0] as string, a[1] as string, null) });
  defineFunction({ name: "regexp_match", params: [T, T, T], ret: TA, id: "regexp_match_flags", impl: (a) => regexpMatch(a[0] as string, a[1] as string, a[2] as string) });
  const regexLike = (a: unknown[]) => compileRegex(a[1] as string, parseRegexFlags(a.length > 2 ? (a[2] as string) : null)).test(a[0] as string);
  defineFunction({ name: "regexp_like", params: [T, T], ret: B, id: "regexp_like", impl: regexLike });
  defineFunction({ name: "regexp_like", params: [T, T, T], ret: B, id: "regexp_like_flags", impl: regexLike });
  const regexCount = (a: unknown[]) => {
    const start = a.length > 2 ? (a[2] as number) : 1;
    if (start <= 0) throw new SqlError(SqlState.InvalidParameterValue, `invalid value for parameter "start": ${start}`);
    const s = [...(a[0] as string)].slice(start - 1).join("");
    const re = compileRegex(a[1] as string, parseRegexFlags(a.length > 3 ? (a[3] as string) : null), true);
    let n = 0;
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(s)) !== null) {
      n++;
      if (m[0] === "") {
        if (re.lastIndex >= s.length) break;
        re.lastIndex += s.codePointAt(re.lastIndex)! > 0xffff ? 2 : 1;
      }
    }
    return n;
  };
  defineFunction({ name: "regexp_count", params: [T, T], ret: I4, id: "regexp_count", impl: regexCount });
  defineFunction({ name: "regexp_count", params: [T, T, I4], ret: I4, id: "regexp_count_start", impl: regexCount });
  defineFunction({ name: "regexp_count", params: [T, T, I4, T], ret: I4, id: "regexp_count_flags", impl: regexCount });
  defineFunction({
    name: "regexp_substr", params: [T, T], ret: T, id: "regexp_substr",
    impl: (a) => {
      const m = compileRegex(a[1] as string, NO_FLAGS).exec(a[0] as string);
      return m === null ? null : m[0];
    },
  });
  defineFunction({
    name: "regexp_split_to_array", params: [T, T], ret: TA, id: "regexp_split_to_array",
    impl: (a) => splitRegex(a[0] as string, a[1] as string, null),
  });
  defineFunction({
    name: "regexp_split_to_array", params: [T, T, T], ret: TA, id: "regexp_split_to_array_flags",
    impl: (a) => splitRegex(a[0] as string, a[1] as string, a[2] as string),
  });
  // substring(text from pattern): the first match, or its first parenthesized group
  defineFunction({
    name: "substring", params: [T, T], ret: T, id: "substring:regex",
    impl: (a) => {
      const m = compileRegex(a[1] as string, NO_FLAGS).exec(a[0] as string);
      if (m === null) return null;
      return m.length > 1 ? (m[1] ?? null) : m[0];
    },
  });
}

function splitRegex(s: string, pattern: string, flagText: string | null): string[] {
  const flags = parseRegexFlags(flagText);
  if (flags.global) {
    throw new SqlError(SqlState.InvalidParameterValue, "regexp_split_to_array() does not support the \"global\" option");
  }
  const re = compileRegex(pattern, flags, true);
  const out: string[] = [];
  let last = 0;
  for (const m of s.matchAll(re)) {
    const at = m.index!;
    if (m[0].length === 0 && (at === 0 || at >= s.length)) continue;
    out.push(s.slice(last, at));
    last = at + m[0].length;
  }
  out.push(s.slice(last));
  return out;
}

export function registerPatterns(): void {
  registerPatternFunctions();
}
