// max_query_memory for an ad-hoc query. Between source chunks the driver (run-query.ts) adds up
// what the query holds: each operator's state estimate (OperatorStats.stateBytes: the hash tables
// of aggregates and joins, sort and window buffers, distinct keys) and the result rows gathered so
// far, and stops the statement with 53200 once the sum passes the limit, long before the process
// itself would run out of heap. The figures are the estimates EXPLAIN ANALYZE prints, not exact bytes.

import { SqlError, SqlState } from "../types/index.js";
import type { ExecutionContext } from "./message.js";
import { OperatorStats } from "./operator-stats.js";

/** Bytes a query holds: its operators' state and `resultRows` gathered rows `resultWidth` wide. */
export function queryStateBytes(stats: readonly OperatorStats[], resultRows: number, resultWidth: number): number {
  let bytes = resultRows * OperatorStats.rowBytes(resultWidth);
  for (const s of stats) bytes += s.stateBytes;
  return bytes;
}

/** Throws 53200 when the query holds more than ctx.maxQueryMemory. */
export function checkQueryMemory(ctx: ExecutionContext, stats: readonly OperatorStats[], resultRows: number, resultWidth: number): void {
  const limit = ctx.maxQueryMemory;
  if (limit === undefined || limit <= 0) return;
  const held = queryStateBytes(stats, resultRows, resultWidth);
  if (held <= limit) return;
  throw new SqlError(SqlState.OutOfMemory, "out of memory", {
    detail: `query needed more than ${formatBytes(limit)} (max_query_memory): it held about ${formatBytes(held)} of hash tables, sort buffers and result rows`,
    hint: "Raise max_query_memory (SET max_query_memory = '1GB'), or make the query hold less: filter earlier, aggregate over fewer groups, add a LIMIT.",
  });
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(1)} GB`;
}
