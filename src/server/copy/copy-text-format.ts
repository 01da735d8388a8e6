// COPY's text and CSV formats: splitting incoming data (which arrives in arbitrary chunks) into
// rows of field strings (null for NULL), and spelling outgoing rows. Text format: one line per
// row, fields split on the delimiter, backslash escapes, `\N` for NULL, `\.` ends the data. CSV:
// quoted fields may hold delimiters, quotes (doubled or escaped) and newlines; an unquoted
// empty field is NULL.

import { StringDecoder } from "node:string_decoder";
import { SqlError } from "../../types/index.js";
import type { CopyOptions } from "./copy-statement.js";

export type CopyFields = (string | null)[];

/** One row of COPY input and its line number (1-based, counting a header line). */
export interface CopyRow {
  fields: CopyFields;
  line: number;
}

const TEXT_ESCAPES: Record<string, string> = { b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v" };

function badCopy(message: string): SqlError {
  return new SqlError("22P04", message);
}

/** Splits one text-format line into fields. */
function splitTextLine(line: string, o: CopyOptions): CopyFields {
  const fields: CopyFields = [];
  let raw = "";
  let value = "";
  const finish = () => {
    fields.push(raw === o.null ? null : value);
    raw = "";
    value = "";
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "\\" && i + 1 < line.length) {
      const e = line[++i];
      raw += c + e;
      if (TEXT_ESCAPES[e] !== undefined) value += TEXT_ESCAPES[e];
      else if (e >= "0" && e <= "7") {
        let digits = e;
        while (digits.length < 3 && line[i + 1] >= "0" && line[i + 1] <= "7") digits += line[++i];
        raw += digits.slice(1);
        value += String.fromCharCode(parseInt(digits, 8));
      } else if (e === "x" && /[0-9a-fA-F]/.test(line[i + 1] ?? "")) {
        let hex = line[++i];
        if (/[0-9a-fA-F]/.test(line[i + 1] ?? "")) hex += line[++i];
        raw += hex;
        value += String.fromCharCode(parseInt(hex, 16));
      } else value += e;
    } else if (c === o.delimiter) {
      finish();
    } else {
      raw += c;
      value += c;
    }
  }
  finish();
  return fields;
}

export class CopyTextDecoder {
  private readonly decoder = new StringDecoder("utf8");
  private pending = "";
  private ended = false;
  private headerSkipped = false;
  private line = 0;

  constructor(private readonly options: CopyOptions) {}

  /** Rows completed by this chunk. */
  push(chunk: Buffer): CopyRow[] {
    if (this.ended) return [];
    this.pending += this.decoder.write(chunk);
    return this.options.format === "csv" ? this.csvRows(false) : this.textRows(false);
  }

  /** Rows left at the end of the data (a last line without a newline). */
  end(): CopyRow[] {
    if (this.ended) return [];
    this.pending += this.decoder.end();
    const rows = this.options.format === "csv" ? this.csvRows(true) : this.textRows(true);
    this.ended = true;
    return rows;
  }

  private skipHeader(): boolean {
    if (this.options.header && !this.headerSkipped) {
      this.headerSkipped = true;
      return true;
    }
    return false;
  }

  private textRows(final: boolean): CopyRow[] {
    const rows: CopyRow[] = [];
    let start = 0;
    for (;;) {
      let nl = this.pending.indexOf("\n", start);
      if (nl < 0) {
        if (!final || start >= this.pending.length) break;
        nl = this.pending.length;
      }
      let line = this.pending.slice(start, nl);
      start = nl + 1;
      if (line.endsWith("\r")) line = line.slice(0, -1);
      this.line++;
      if (line === "\\.") {
        this.ended = true;
        break;
      }
      if (this.skipHeader()) continue;
      rows.push({ fields: splitTextLine(line, this.options), line: this.line });
    }
    this.pending = this.ended ? "" : this.pending.slice(Math.min(start, this.pending.length));
    return rows;
  }

  private csvRows(final: boolean): CopyRow[] {
    const o = this.options;
    const rows: CopyRow[] = [];
    const s = this.pending;
    let rowStart = 0;
    for (;;) {
      // parse one record starting at rowStart
      const fields: CopyFields = [];
      let j = rowStart;
      let complete = false;
      if (j >= s.length) break;
      const lineEnd = s.indexOf("\n", j);
      const firstLine = (lineEnd < 0 ? s.slice(j) : s.slice(j, lineEnd)).replace(/\r$/, "");
      if (firstLine === "\\." && (lineEnd >= 0 || final)) {
        this.ended = true;
        rowStart = s.length;
        break;
      }
      for (;;) {
        let value = "";
        let quoted = false;
        if (s[j] === o.quote) {
          quoted = true;
          j++;
          let closed = false;
          while (j < s.length) {
            const c = s[j];
            if (c === o.escape && o.escape !== o.quote && s[j + 1] === o.quote) {
              value += o.quote;
              j += 2;
            } else if (c === o.quote) {
              if (o.escape === o.quote && s[j + 1] === o.quote) {
                value += o.quote;
                j += 2;
              } else {
                j++;
                closed = true;
                break;
              }
            } else {
              value += c;
              j++;
            }
          }
          if (!closed) {
            if (final) throw badCopy("unterminated CSV quoted field");
            break;
          }
        }
        // unquoted part (also what follows a closing quote up to the delimiter)
        while (j < s.length && s[j] !== o.delimiter && s[j] !== "\n" && s[j] !== "\r") value += s[j++];
        fields.push(!quoted && value === o.null ? null : value);
        if (j >= s.length) {
          if (final) complete = true;
          break;
        }
        if (s[j] === o.delimiter) {
          j++;
          continue;
        }
        if (s[j] === "\r") {
          // a CR at the end of the data so far may be the first half of CRLF
          if (j + 1 >= s.length && !final) break;
          j++;
        }
        if (s[j] === "\n") j++;
        complete = true;
        break;
      }
      if (!complete) break;
      this.line += (s.slice(rowStart, j).match(/\n/g) ?? []).length || 1;
      const line = this.line;
      rowStart = j;
      if (this.skipHeader()) continue;
      rows.push({ fields, line });
    }
    this.pending = s.slice(rowStart);
    return rows;
  }
}

function escapeText(s: string, delimiter: string): string {
  let out = "";
  for (const c of s) {
    if (c === "\\") out += "\\\\";
    else if (c === "\n") out += "\\n";
    else if (c === "\r") out += "\\r";
    else if (c === "\t") out += "\\t";
    else if (c === "\b") out += "\\b";
    else if (c === "\f") out += "\\f";
    else if (c === "\v") out += "\\v";
    else if (c === delimiter) out += "\\" + c;
    else out += c;
  }
  return out;
}

/** One row in text or CSV format, with its line end. */
export function encodeCopyRow(fields: CopyFields, o: CopyOptions, forceQuote?: boolean[]): string {
  if (o.format === "csv") {
    return (
      fields
        .map((f, i) => {
          if (f === null) return o.null;
          const needs =
            forceQuote?.[i] ||
            f === "" ||
            f === o.null ||
            f.includes(o.delimiter) ||
            f.includes(o.quote) ||
            f.includes("\n") ||
            f.includes("\r") ||
            f === "\\.";
          if (!needs) return f;
          const body =
            o.escape === o.quote
              ? f.split(o.quote).join(o.quote + o.quote)
              : f.split(o.escape).join(o.escape + o.escape).split(o.quote).join(o.escape + o.quote);
          return o.quote + body + o.quote;
        })
        .join(o.delimiter) + "\n"
    );
  }
  return fields.map((f) => (f === null ? o.null : escapeText(f, o.delimiter))).join(o.delimiter) + "\n";
}
