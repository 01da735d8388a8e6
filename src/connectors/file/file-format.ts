// How a file is laid out: its format (csv, json = newline-delimited JSON, parquet) and the CSV
// knobs, read from COPY's options (FORMAT, HEADER, DELIMITER, NULL) or a connector's WITH options
// (format, header, delimiter, null). The format defaults to the path's extension.

import { SqlError, SqlState } from "../../types/index.js";
import { ConnectorOptions, invalidOption } from "../connector-options.js";

export const FILE_FORMATS = ["csv", "json", "parquet"] as const;
export type FileFormatName = (typeof FILE_FORMATS)[number];

export interface FileFormat {
  format: FileFormatName;
  /** CSV: the first line names the columns (skipped on read, written on write) */
  header: boolean;
  /** CSV: the field separator */
  delimiter: string;
  /** CSV: the text that stands for NULL (default: an empty unquoted field) */
  nullString: string | undefined;
}

function extensionFormat(path: string): FileFormatName | undefined {
  const m = /\.(csv|tsv|json|jsonl|ndjson|parquet|pq)(\.gz|\.zst)?$/i.exec(path);
  if (!m) return undefined;
  const ext = m[1].toLowerCase();
  return ext === "tsv" ? "csv" : ext === "jsonl" || ext === "ndjson" ? "json" : ext === "pq" ? "parquet" : (ext as FileFormatName);
}

function booleanOption(o: ConnectorOptions, name: string, fallback: boolean): boolean {
  const r = o.raw(name);
  if (r === undefined) return fallback;
  const v = r.value.trim().toLowerCase();
  if (["true", "on", "1", "yes"].includes(v)) return true;
  if (["false", "off", "0", "no"].includes(v)) return false;
  throw invalidOption(r.name, r.value, "a boolean");
}

/**
 * The file format from options (names case-insensitive). `defaults.header`: whether CSV has a
 * header line unless HEADER says otherwise (COPY: no, as in Postgres; connectors and sinks: yes).
 */
export function readFileFormat(options: Record<string, string>, path: string, defaults: { header: boolean }): FileFormat {
  const o = new ConnectorOptions(options);
  const given = o.raw("format");
  let format: FileFormatName | undefined;
  if (given !== undefined) {
    const v = given.value.trim().toLowerCase();
    if (v === "text" || v === "binary") {
      throw new SqlError(SqlState.FeatureNotSupported, `COPY with files supports FORMAT csv, json and parquet, not ${v}`, { hint: "Use FORMAT csv, or COPY ... FROM STDIN for the text and binary formats." });
    }
    format = FILE_FORMATS.find((f) => f === v || (f === "json" && (v === "ndjson" || v === "jsonl")));
    if (format === undefined) throw invalidOption(given.name, given.value, `one of ${FILE_FORMATS.map((f) => `'${f}'`).join(", ")}`);
  }
  format ??= extensionFormat(path);
  if (format === undefined) {
    throw new SqlError(SqlState.InvalidParameterValue, `cannot tell the format of "${path}" from its name`, { hint: "Give FORMAT csv, json or parquet." });
  }
  const header = booleanOption(o, "header", defaults.header);
  const delimiter = o.string("delimiter", /\.tsv$/i.test(path) ? "\t" : ",");
  if (delimiter.length !== 1) throw invalidOption("delimiter", delimiter, "a single one-byte character");
  const nullRaw = o.raw("null");
  return { format, header, delimiter, nullString: nullRaw?.value };
}
