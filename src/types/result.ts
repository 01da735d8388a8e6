// What executing one statement gives back to a caller (the REPL, the server, tests).

import type { DataType } from "./data-type.js";

export interface ResultColumn {
  name: string;
  type: DataType;
}

export interface StatementResult {
  /** the command tag's verb as Postgres prints it: SELECT, INSERT, UPDATE, DELETE, CREATE TABLE, DROP TABLE, SET, SHOW, EXPLAIN, BEGIN, ... */
  command: string;
  /** rows returned (SELECT, SHOW, EXPLAIN) or affected (INSERT/UPDATE/DELETE/COPY) */
  rowCount: number;
  /** result columns; empty for statements that return no rows */
  columns: ResultColumn[];
  /** rows of scalar values (see types/column.ts for each type's form; NULL is null) */
  rows: unknown[][];
  /** NOTICE messages raised while running it (e.g. "table \"t\" does not exist, skipping") */
  notices: string[];
  /** SUBSCRIBE: the live change feed (its `columns` are also this result's columns) */
  subscription?: ChangeFeedHandle;
}

/** The consumer's end of a SUBSCRIBE: batches of change rows (op, ts, row...), until cancelled. */
export interface ChangeFeedHandle {
  readonly columns: ResultColumn[];
  /** the next batch of change rows; waits for one; null once cancelled */
  next(): Promise<unknown[][] | null>;
  cancel(): void;
}
