// Sends rows to a Postgres table with COPY ... FROM STDIN (text format) on a client that may be in
// a transaction: the Postgres sink's fast path (a multi-row INSERT with bound parameters costs
// Postgres a parse and plan of a huge statement and the client a parameter array per value).
// Values arrive already in Postgres text form (formatValue), the same text the INSERT path bound
// as parameters cast to the target's types, so COPY's input functions read them the same way.

import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";

/** COPY's text format: backslash, tab, newline and carriage return are escaped; NULL is \N */
function copyField(v: string | null): string {
  if (v === null) return "\\N";
  return /[\\\t\n\r]/.test(v) ? v.replace(/[\\\t\n\r]/g, (c) => (c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r")) : v;
}

/** rows per piece written to the COPY stream (bounds the size of one string built in memory) */
const ROWS_PER_PIECE = 2000;

/** COPYs `rows` into `table` (already quoted) with the `columns` (already quoted), in order. */
export async function copyRows(client: pg.Client, table: string, columns: readonly string[], rows: readonly (string | null)[][]): Promise<void> {
  if (rows.length === 0) return;
  const pieces = function* () {
    for (let s = 0; s < rows.length; s += ROWS_PER_PIECE) {
      let text = "";
      const end = Math.min(rows.length, s + ROWS_PER_PIECE);
      for (let i = s; i < end; i++) text += rows[i].map(copyField).join("\t") + "\n";
      yield text;
    }
  };
  await pipeline(Readable.from(pieces()), client.query(copyFrom(`COPY ${table} (${columns.join(", ")}) FROM STDIN`)));
}
