// sqllogictest files as records. The classic SQLite format (statement ok|error, query <types>
// [nosort|rowsort|valuesort] [label], ----, "N values hashing to H", hash-threshold, skipif/onlyif,
// halt, # comments, records separated by blank lines) and the sqllogictest-rs extensions
// (statement error <regex>, query error <regex>, an expected error message after ----,
// statement count N, control sortmode, include <glob>, sleep <duration>, connection <name>,
// retry N backoff <duration>). Lines are kept 1-based so every failure can name file:line.

export type SortMode = "nosort" | "rowsort" | "valuesort";

export interface Condition {
  kind: "skipif" | "onlyif";
  engine: string;
}

export interface Location {
  file: string;
  line: number;
}

export interface Retry {
  attempts: number;
  backoffMs: number;
}

/** What a statement or query expects when it is meant to fail. */
export interface ExpectedError {
  /** regular expression the message must match (sqllogictest-rs `statement error <regex>`) */
  pattern?: string;
  /** the exact message, when given after `----` */
  message?: string;
}

export type ExpectedRows =
  | { kind: "values"; lines: string[] }
  | { kind: "hash"; count: number; hash: string };

interface RecordBase {
  loc: Location;
  conditions: Condition[];
}

export interface StatementRecord extends RecordBase {
  kind: "statement";
  connection?: string;
  sql: string;
  expect: { kind: "ok" } | { kind: "count"; count: number } | ({ kind: "error" } & ExpectedError);
  retry?: Retry;
}

export interface QueryRecord extends RecordBase {
  kind: "query";
  connection?: string;
  sql: string;
  /** one letter per column: T text, I integer, R real (others are taken as text) */
  types: string;
  sortMode?: SortMode;
  label?: string;
  expect: ExpectedRows | ({ kind: "error" } & ExpectedError);
  retry?: Retry;
}

export type SltRecord =
  | StatementRecord
  | QueryRecord
  | (RecordBase & { kind: "halt" })
  | (RecordBase & { kind: "hash-threshold"; threshold: number })
  | (RecordBase & { kind: "sortmode"; sortMode: SortMode })
  | (RecordBase & { kind: "include"; pattern: string })
  | (RecordBase & { kind: "sleep"; ms: number })
  /** a line the parser could not read: reported as a failure at its place */
  | (RecordBase & { kind: "invalid"; message: string });

const HASH_LINE = /^(\d+) values hashing to ([0-9a-fA-F]{32})$/;
const SORT_MODES = new Set<string>(["nosort", "rowsort", "valuesort"]);

/** Parses a whole file. Never throws: unreadable lines become `invalid` records. */
export function parseSlt(text: string, file: string): SltRecord[] {
  const lines = text.split(/\r?\n/);
  const records: SltRecord[] = [];
  let i = 0;
  const isBlank = (l: string | undefined) => l === undefined || l.trim() === "";

  /** Lines from i up to a blank line (or `----` when stopAtSeparator). */
  const block = (stopAtSeparator: boolean): string[] => {
    const out: string[] = [];
    while (i < lines.length && !isBlank(lines[i]) && !(stopAtSeparator && lines[i].trim() === "----")) {
      out.push(lines[i]);
      i++;
    }
    return out;
  };
  const skipToBlank = () => {
    while (i < lines.length && !isBlank(lines[i])) i++;
  };

  while (i < lines.length) {
    const raw = lines[i];
    if (isBlank(raw) || raw.trimStart().startsWith("#")) {
      i++;
      continue;
    }
    const conditions: Condition[] = [];
    let connection: string | undefined;
    let loc: Location = { file, line: i + 1 };
    // record prefixes: conditions and the connection to use
    for (;;) {
      const words = stripComment(lines[i]).trim().split(/\s+/);
      if ((words[0] === "skipif" || words[0] === "onlyif") && words[1] !== undefined) {
        conditions.push({ kind: words[0], engine: words[1].toLowerCase() });
      } else if (words[0] === "connection" && words[1] !== undefined) {
        connection = words[1];
      } else break;
      i++;
      if (isBlank(lines[i])) break;
    }
    if (isBlank(lines[i])) {
      records.push({ kind: "invalid", loc, conditions, message: "condition without a record after it" });
      continue;
    }
    loc = { file, line: i + 1 };
    const header = lines[i];
    const words = stripComment(header).trim().split(/\s+/);
    i++;
    const invalid = (message: string) => {
      records.push({ kind: "invalid", loc, conditions, message });
      skipToBlank();
    };

    switch (words[0]) {
      case "statement": {
        const mode = words[1];
        if (mode === "ok" || mode === "count") {
          let count = 0;
          let rest = words.slice(2);
          if (mode === "count") {
            count = Number(rest[0]);
            if (!Number.isInteger(count)) {
              invalid(`statement count needs a number: ${header.trim()}`);
              break;
            }
            rest = rest.slice(1);
          }
          const attrs = parseAttributes(rest);
          if (typeof attrs === "string") {
            invalid(attrs);
            break;
          }
          const sql = block(false);
          if (sql.length === 0) {
            invalid("statement without SQL");
            break;
          }
          records.push({
            kind: "statement",
            loc,
            conditions,
            connection,
            sql: sql.join("\n"),
            expect: mode === "ok" ? { kind: "ok" } : { kind: "count", count },
            retry: attrs.retry,
          });
        } else if (mode === "error") {
          const pattern = restOfLine(header, 2);
          const sql = block(true);
          let message: string | undefined;
          if (lines[i]?.trim() === "----") {
            i++;
            message = block(false).join("\n");
          }
          if (sql.length === 0) {
            invalid("statement without SQL");
            break;
          }
          records.push({
            kind: "statement",
            loc,
            conditions,
            connection,
            sql: sql.join("\n"),
            expect: { kind: "error", pattern: pattern || undefined, message },
          });
        } else {
          invalid(`unknown statement mode: ${header.trim()}`);
        }
        break;
      }
      case "query": {
        if (words[1] === "error") {
          const pattern = restOfLine(header, 2);
          const sql = block(true);
          let message: string | undefined;
          if (lines[i]?.trim() === "----") {
            i++;
            message = block(false).join("\n");
          }
          if (sql.length === 0) {
            invalid("query without SQL");
            break;
          }
          records.push({
            kind: "query",
            loc,
            conditions,
            connection,
            sql: sql.join("\n"),
            types: "",
            expect: { kind: "error", pattern: pattern || undefined, message },
          });
          break;
        }
        const types = words[1] ?? "";
        let sortMode: SortMode | undefined;
        let label: string | undefined;
        let rest: string[] = [];
        const options = words.slice(2);
        for (let k = 0; k < options.length; k++) {
          const w = options[k];
          if (w === "retry") {
            rest = options.slice(k);
            break;
          }
          if (SORT_MODES.has(w) && sortMode === undefined && label === undefined) sortMode = w as SortMode;
          else if (label === undefined) label = w;
          else rest.push(w);
        }
        const attrs = parseAttributes(rest);
        if (typeof attrs === "string") {
          invalid(attrs);
          break;
        }
        if (types === "") {
          invalid("query without a type string");
          break;
        }
        const sql = block(true);
        if (sql.length === 0) {
          invalid("query without SQL");
          break;
        }
        let expect: ExpectedRows = { kind: "values", lines: [] };
        if (lines[i]?.trim() === "----") {
          i++;
          const result = block(false);
          const hash = result.length === 1 ? HASH_LINE.exec(result[0].trim()) : null;
          expect = hash ? { kind: "hash", count: Number(hash[1]), hash: hash[2].toLowerCase() } : { kind: "values", lines: result };
        }
        records.push({ kind: "query", loc, conditions, connection, sql: sql.join("\n"), types, sortMode, label, expect, retry: attrs.retry });
        break;
      }
      case "halt":
        records.push({ kind: "halt", loc, conditions });
        break;
      case "hash-threshold": {
        const threshold = Number(words[1]);
        if (!Number.isInteger(threshold)) invalid(`hash-threshold needs a number: ${header.trim()}`);
        else records.push({ kind: "hash-threshold", loc, conditions, threshold });
        break;
      }
      case "control": {
        if (words[1] === "sortmode" && SORT_MODES.has(words[2] ?? "")) {
          records.push({ kind: "sortmode", loc, conditions, sortMode: words[2] as SortMode });
        } else invalid(`unknown control: ${header.trim()}`);
        break;
      }
      case "include": {
        const pattern = restOfLine(header, 1);
        if (!pattern) invalid("include needs a file name");
        else records.push({ kind: "include", loc, conditions, pattern });
        break;
      }
      case "sleep": {
        const ms = parseDuration(words[1] ?? "");
        if (ms === null) invalid(`sleep needs a duration such as 500ms or 1s: ${header.trim()}`);
        else records.push({ kind: "sleep", loc, conditions, ms });
        break;
      }
      case "subtest":
        // sqllogictest-rs: a name for the following records; nothing to run
        break;
      default:
        invalid(`unknown record: ${header.trim()}`);
    }
  }
  return records;
}

/** The header line after its first `n` words, as written (a regex may contain spaces). */
function restOfLine(line: string, n: number): string {
  let rest = line.trim();
  for (let k = 0; k < n; k++) rest = rest.replace(/^\S+\s*/, "");
  return rest.trim();
}

/** Drops a trailing `# comment` from a header line (sqllogictest-rs allows them). */
function stripComment(line: string): string {
  const hash = line.indexOf(" #");
  return hash >= 0 ? line.slice(0, hash) : line;
}

function parseAttributes(words: string[]): { retry?: Retry } | string {
  if (words.length === 0) return {};
  // retry N backoff <duration>
  if (words[0] === "retry" && words.length === 4 && words[2] === "backoff") {
    const attempts = Number(words[1]);
    const backoffMs = parseDuration(words[3]);
    if (Number.isInteger(attempts) && attempts >= 0 && backoffMs !== null) return { retry: { attempts, backoffMs } };
  }
  return `cannot read: ${words.join(" ")}`;
}

/** `500ms`, `1s`, `1.5s`, `2m`, `1h`, combinations like `1m30s`; a bare number is seconds. */
export function parseDuration(text: string): number | null {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const units: Record<string, number> = { ms: 1, s: 1000, sec: 1000, secs: 1000, m: 60_000, min: 60_000, mins: 60_000, h: 3_600_000, us: 0.001, ns: 0.000001 };
  let total = 0;
  let matched = "";
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ms|us|ns|secs|sec|s|mins|min|m|h)/g)) {
    total += Number(m[1]) * units[m[2]];
    matched += m[0];
  }
  return matched === text && text !== "" ? total : null;
}
