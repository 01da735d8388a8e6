// Recognises the COPY statements the server carries out itself — COPY ... FROM STDIN and
// COPY ... TO STDOUT, whose data travels in the protocol's copy sub-protocol — and reads their
// table, column list or query, and options (both the `WITH (FORMAT csv, ...)` form and the old
// `WITH CSV HEADER DELIMITER ','` form). Other COPY forms (files) are left to the engine.

import { SqlError } from "../../types/index.js";

export type CopyFormat = "text" | "csv" | "binary";

export interface CopyOptions {
  format: CopyFormat;
  delimiter: string;
  null: string;
  header: boolean;
  quote: string;
  escape: string;
  /** CSV output: columns always quoted (true: all) */
  forceQuote: string[] | true;
}

export interface CopyStatement {
  direction: "in" | "out";
  /** the table's name parts (schema, name) when copying a table */
  table?: string[];
  columns?: string[];
  /** COPY (query) TO STDOUT */
  query?: string;
  options: CopyOptions;
}

type Token = { kind: "ident" | "qident" | "string" | "punct" | "number"; text: string; start: number; end: number };

function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === "-" && sql[i + 1] === "-") {
      const nl = sql.indexOf("\n", i);
      i = nl < 0 ? n : nl + 1;
    } else if (c === "/" && sql[i + 1] === "*") {
      const e = sql.indexOf("*/", i + 2);
      i = e < 0 ? n : e + 2;
    } else if (c === "'" || ((c === "E" || c === "e") && sql[i + 1] === "'")) {
      const escapes = c !== "'";
      let j = escapes ? i + 2 : i + 1;
      let text = "";
      while (j < n) {
        if (escapes && sql[j] === "\\" && j + 1 < n) {
          const e = sql[j + 1];
          text += e === "t" ? "\t" : e === "n" ? "\n" : e === "r" ? "\r" : e;
          j += 2;
        } else if (sql[j] === "'") {
          if (sql[j + 1] === "'") {
            text += "'";
            j += 2;
          } else break;
        } else text += sql[j++];
      }
      out.push({ kind: "string", text, start: i, end: j + 1 });
      i = j + 1;
    } else if (c === '"') {
      let j = i + 1;
      let text = "";
      while (j < n) {
        if (sql[j] === '"') {
          if (sql[j + 1] === '"') {
            text += '"';
            j += 2;
          } else break;
        } else text += sql[j++];
      }
      out.push({ kind: "qident", text, start: i, end: j + 1 });
      i = j + 1;
    } else if (/[A-Za-z_\u0080-\uffff]/.test(c)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_$\u0080-\uffff]/.test(sql[j])) j++;
      out.push({ kind: "ident", text: sql.slice(i, j).toLowerCase(), start: i, end: j });
      i = j;
    } else if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (j < n && /[0-9.]/.test(sql[j])) j++;
      out.push({ kind: "number", text: sql.slice(i, j), start: i, end: j });
      i = j;
    } else {
      out.push({ kind: "punct", text: c, start: i, end: i + 1 });
      i++;
    }
  }
  return out;
}

function syntax(message: string): SqlError {
  return new SqlError("42601", message);
}

/** The COPY statement if `sql` is a COPY FROM STDIN / TO STDOUT; undefined otherwise. */
export function parseCopyStatement(sql: string): CopyStatement | undefined {
  const t = tokenize(sql);
  if (t[0]?.kind !== "ident" || t[0].text !== "copy") return undefined;
  let i = 1;
  let table: string[] | undefined;
  let columns: string[] | undefined;
  let query: string | undefined;
  const isWord = (k: number, w: string) => t[k]?.kind === "ident" && t[k].text === w;
  const isPunct = (k: number, p: string) => t[k]?.kind === "punct" && t[k].text === p;
  const name = (k: number) => (t[k]?.kind === "ident" || t[k]?.kind === "qident" ? t[k].text : undefined);
  if (isPunct(i, "(")) {
    let depth = 0;
    let j = i;
    for (; j < t.length; j++) {
      if (isPunct(j, "(")) depth++;
      else if (isPunct(j, ")") && --depth === 0) break;
    }
    if (j >= t.length) return undefined;
    query = sql.slice(t[i].end, t[j].start);
    i = j + 1;
  } else {
    const first = name(i);
    if (!first) return undefined;
    table = [first];
    i++;
    while (isPunct(i, ".") && name(i + 1)) {
      table.push(name(i + 1)!);
      i += 2;
    }
    if (isPunct(i, "(")) {
      columns = [];
      i++;
      while (!isPunct(i, ")")) {
        const c = name(i);
        if (!c) throw syntax("syntax error in COPY column list");
        columns.push(c);
        i++;
        if (isPunct(i, ",")) i++;
      }
      i++;
    }
  }
  let direction: "in" | "out";
  if (isWord(i, "from") && isWord(i + 1, "stdin")) direction = "in";
  else if (isWord(i, "to") && isWord(i + 1, "stdout")) direction = "out";
  else return undefined;
  if (query !== undefined && direction === "in") return undefined;
  i += 2;
  const options: CopyOptions = { format: "text", delimiter: "\t", null: "\\N", header: false, quote: '"', escape: '"', forceQuote: [] };
  let delimiterSet = false;
  let nullSet = false;
  if (isWord(i, "with")) i++;
  const str = (k: number): string => {
    if (t[k]?.kind !== "string") throw syntax(`syntax error at or near "${t[k]?.text ?? "end of input"}"`);
    return t[k].text;
  };
  const setFormat = (f: string) => {
    if (f !== "text" && f !== "csv" && f !== "binary") throw new SqlError("22023", `COPY format "${f}" not recognized`);
    options.format = f;
  };
  if (isPunct(i, "(")) {
    i++;
    while (i < t.length && !isPunct(i, ")")) {
      const opt = t[i].text;
      i++;
      const valueTok = t[i];
      const hasValue = valueTok && !isPunct(i, ",") && !isPunct(i, ")");
      const value = hasValue ? valueTok.text : undefined;
      if (hasValue && !isPunct(i, "(")) i++;
      switch (opt) {
        case "format":
          setFormat(value ?? "");
          break;
        case "delimiter":
          options.delimiter = value ?? "";
          delimiterSet = true;
          break;
        case "null":
          options.null = value ?? "";
          nullSet = true;
          break;
        case "header":
          options.header = value === undefined || ["true", "on", "1", "yes", "match"].includes(value.toLowerCase());
          break;
        case "quote":
          options.quote = value ?? '"';
          break;
        case "escape":
          options.escape = value ?? '"';
          break;
        case "force_quote":
          if (value === "*") options.forceQuote = true;
          else if (isPunct(i, "(")) {
            const cols: string[] = [];
            i++;
            while (!isPunct(i, ")") && i < t.length) {
              if (!isPunct(i, ",")) cols.push(t[i].text);
              i++;
            }
            i++;
            options.forceQuote = cols;
          }
          break;
        case "encoding":
        case "freeze":
        case "force_not_null":
        case "force_null":
          break;
        default:
          throw syntax(`option "${opt}" not recognized`);
      }
      if (isPunct(i, ",")) i++;
    }
    i++;
  } else {
    // old-style options
    while (i < t.length && !isPunct(i, ";")) {
      const w = t[i].text;
      if (w === "binary") setFormat("binary");
      else if (w === "csv") setFormat("csv");
      else if (w === "header") options.header = true;
      else if (w === "delimiter") {
        if (isWord(i + 1, "as")) i++;
        options.delimiter = str(++i);
        delimiterSet = true;
      } else if (w === "null") {
        if (isWord(i + 1, "as")) i++;
        options.null = str(++i);
        nullSet = true;
      } else if (w === "quote") {
        if (isWord(i + 1, "as")) i++;
        options.quote = str(++i);
      } else if (w === "escape") {
        if (isWord(i + 1, "as")) i++;
        options.escape = str(++i);
      } else if (w === "force") {
        i++;
        if (isWord(i, "quote")) {
          i++;
          if (isPunct(i, "*")) options.forceQuote = true;
          else {
            const cols: string[] = [];
            while (name(i)) {
              cols.push(name(i)!);
              if (!isPunct(i + 1, ",")) break;
              i += 2;
            }
            options.forceQuote = cols;
          }
        }
      } else throw syntax(`syntax error at or near "${w}"`);
      i++;
    }
  }
  if (options.format === "csv") {
    if (!delimiterSet) options.delimiter = ",";
    if (!nullSet) options.null = "";
  }
  if (options.format !== "binary" && options.delimiter.length !== 1) throw new SqlError("0A000", "COPY delimiter must be a single one-byte character");
  return { direction, table, columns, query, options };
}
