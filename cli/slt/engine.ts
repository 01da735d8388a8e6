// What the sqllogictest runner needs of a database: a fresh database per test file, connections
// (sessions) on it, and for each SQL text the results of its statements with every value already
// in Postgres text form. The embedded engine (embedded-engine.ts) and a Postgres server reached by
// URL (pg-engine.ts) both fit.

import type { ValueKind } from "./compare.js";

export interface SltResult {
  /** command tag verb: SELECT, INSERT, CREATE TABLE, ... */
  command: string;
  /** rows returned or affected */
  rowCount: number;
  columns: { name: string; kind: ValueKind }[];
  /** each cell in Postgres text form, or null */
  rows: (string | null)[][];
}

/** A statement's failure, as the runner matches it against `statement error <regex>`. */
export class SltEngineError extends Error {
  constructor(
    message: string,
    /** SQLSTATE, when known */
    readonly code?: string,
    /** a crash inside the engine (not an SQL error); never satisfies a bare `statement error` */
    readonly internal = false,
  ) {
    super(message);
    this.name = "SltEngineError";
  }
}

export interface SltConnection {
  /** Runs all statements of `sql`; rejects with an SltEngineError on the first failing one. */
  run(sql: string): Promise<SltResult[]>;
}

export interface SltDatabase {
  connect(): Promise<SltConnection>;
  close(): Promise<void>;
}

export interface SltEngine {
  /** shown in reports */
  name: string;
  /** more names `skipif`/`onlyif` match it by (besides the runner's), e.g. "cluster" for a sage-sql cluster */
  names?: readonly string[];
  /** A fresh, empty database for one test file. */
  open(): Promise<SltDatabase>;
}
