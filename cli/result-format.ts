// A statement's result as psql prints it: the table (aligned or expanded) for a statement that
// returns rows, the command tag (`INSERT 0 3`, `UPDATE 2`, `CREATE TABLE`) for one that does not,
// and both for INSERT/UPDATE/DELETE ... RETURNING. Values are turned into text by the engine's
// formatValue (passed in); NULL shows as an empty cell, as in psql.

import type { DataType, StatementResult } from "../src/index.js";
import { formatAligned, formatExpanded, type Align, type TableContent } from "./table-format.js";

export type ValueFormatter = (type: DataType, value: unknown) => string;

export type ExpandedMode = "off" | "on" | "auto";

export interface DisplayOptions {
  expanded: ExpandedMode;
  /** terminal width, for `\x auto` */
  columns?: number;
}

const ROWS_COMMANDS = new Set(["SELECT", "SHOW", "EXPLAIN", "VALUES", "TABLE", "FETCH", "DESCRIBE"]);
const COUNT_COMMANDS = new Set(["UPDATE", "DELETE", "SELECT", "MERGE", "COPY", "FETCH", "MOVE"]);
const RETURNING_COMMANDS = new Set(["INSERT", "UPDATE", "DELETE", "MERGE"]);

/** The command tag Postgres sends for a result (`INSERT 0 3`, `DELETE 1`, `CREATE TABLE`). */
export function commandTag(r: Pick<StatementResult, "command" | "rowCount">): string {
  const command = r.command.toUpperCase();
  if (/\d$/.test(command)) return r.command;
  if (command === "INSERT") return `INSERT 0 ${r.rowCount}`;
  if (COUNT_COMMANDS.has(command)) return `${command} ${r.rowCount}`;
  return r.command;
}

/** True when the statement produced a result set (psql prints a table for it). */
export function returnsRows(r: StatementResult): boolean {
  if (r.columns.length > 0) return true;
  // `SELECT;` has rows of no columns; CREATE TABLE AS (tag SELECT n) has neither
  return ROWS_COMMANDS.has(r.command.toUpperCase()) && r.rows.length > 0;
}

export function isRightAligned(type: DataType): boolean {
  switch (type.id) {
    case "smallint":
    case "integer":
    case "bigint":
    case "real":
    case "double":
    case "numeric":
      return true;
    default:
      return false;
  }
}

/** The result's rows as a table of text cells. */
export function toTable(r: StatementResult, format: ValueFormatter): TableContent {
  return {
    headers: r.columns.map((c) => c.name),
    aligns: r.columns.map((c): Align => (isRightAligned(c.type) ? "right" : "left")),
    rows: r.rows.map((row) =>
      r.columns.length === 0 ? [] : row.map((v, i) => (v === null || v === undefined ? "" : format(r.columns[i].type, v))),
    ),
  };
}

export function formatTable(t: TableContent, options: DisplayOptions): string {
  if (options.expanded === "on" && t.headers.length > 0) return formatExpanded(t);
  const aligned = formatAligned(t);
  if (options.expanded === "auto" && t.headers.length > 1 && options.columns !== undefined) {
    const widest = Math.max(...aligned.split("\n").map((l) => l.length));
    if (widest > options.columns) return formatExpanded(t);
  }
  return aligned;
}

/** Everything psql prints on stdout for one result (notices go to stderr separately). */
export function formatResult(r: StatementResult, format: ValueFormatter, options: DisplayOptions): string {
  if (!returnsRows(r)) return commandTag(r) + "\n";
  let out = formatTable(toTable(r, format), options);
  if (RETURNING_COMMANDS.has(r.command.toUpperCase())) out += commandTag(r) + "\n";
  return out;
}

/** psql's `\timing` line. */
export function formatTiming(ms: number): string {
  if (ms < 1000) return `Time: ${ms.toFixed(3)} ms\n`;
  let seconds = ms / 1000;
  let minutes = Math.floor(seconds / 60);
  seconds -= 60 * minutes;
  const sec = seconds.toFixed(3).padStart(6, "0");
  if (minutes < 60) return `Time: ${ms.toFixed(3)} ms (${pad2(minutes)}:${sec})\n`;
  let hours = Math.floor(minutes / 60);
  minutes -= 60 * hours;
  if (hours < 24) return `Time: ${ms.toFixed(3)} ms (${pad2(hours)}:${pad2(minutes)}:${sec})\n`;
  const days = Math.floor(hours / 24);
  hours -= 24 * days;
  return `Time: ${ms.toFixed(3)} ms (${days} d ${pad2(hours)}:${pad2(minutes)}:${sec})\n`;
}

function pad2(n: number): string {
  return String(n).padStart(2, "0");
}
