// The CommandComplete tag of a statement result, as Postgres spells it: `SELECT n`, `INSERT 0 n`,
// `UPDATE n`, `DELETE n`, `COPY n`, `FETCH n`, `MOVE n`, `MERGE n`; other commands by name.

import type { StatementResult } from "../types/index.js";

const WITH_COUNT = new Set(["SELECT", "UPDATE", "DELETE", "COPY", "FETCH", "MOVE", "MERGE"]);

export function commandTag(result: Pick<StatementResult, "command" | "rowCount">, rowsSent?: number): string {
  const n = rowsSent ?? result.rowCount;
  if (result.command === "INSERT") return `INSERT 0 ${n}`;
  if (WITH_COUNT.has(result.command)) return `${result.command} ${n}`;
  // SHOW and EXPLAIN return rows under their own tag
  return result.command;
}

/** Whether the statement sends a RowDescription (it returns rows, possibly none). */
export function returnsRows(result: Pick<StatementResult, "command" | "columns">): boolean {
  return result.columns.length > 0 || result.command === "SELECT";
}
