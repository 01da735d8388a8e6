// The one embedded DuckDB instance that reads and writes files for us (CSV, JSON, Parquet): no
// hand-written file-format code lives in sage-sql. It is in-memory and opened on first use; without
// ICU loaded, DuckDB treats TIMESTAMPTZ as UTC, so instants cross unchanged. Each reader and writer
// has its own connection.

import type * as DuckDB from "@duckdb/node-api";
import { SqlError, SqlState } from "../../types/index.js";

export type DuckDBModule = typeof DuckDB;

let module: Promise<DuckDBModule> | null = null;
let instance: Promise<DuckDB.DuckDBInstance> | null = null;

/** DuckDB's module, loaded on first use: its native library costs every process start ~0.5 s otherwise. */
export function duckdbModule(): Promise<DuckDBModule> {
  module ??= import("@duckdb/node-api");
  return module;
}

/** A fresh connection to the shared file engine (close it with `closeSync()` when done). */
export async function fileEngineConnection(): Promise<DuckDB.DuckDBConnection> {
  const duck = await duckdbModule();
  instance ??= duck.DuckDBInstance.create(":memory:");
  return (await instance).connect();
}

/** A SQL string literal for DuckDB. */
export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** A quoted identifier for DuckDB. */
export function sqlIdent(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

/** DuckDB's error text without its "LINE 1: ..." echo of our generated SQL. */
export function duckMessage(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split(/\n\s*\nLINE \d+:/)[0].trim();
}

/** A DuckDB failure on `file` as a SqlError: missing files are 58P01, malformed ones 22P04. */
export function fileError(e: unknown, file: string, action: "read" | "write"): SqlError {
  if (e instanceof SqlError) return e;
  const msg = duckMessage(e);
  if (/No files found|No such file|Cannot open file|could not open/i.test(msg)) {
    return new SqlError(SqlState.UndefinedFile, `could not open file "${file}" for ${action === "read" ? "reading" : "writing"}`, { detail: msg });
  }
  if (action === "write") return new SqlError(SqlState.IoError, `could not write file "${file}"`, { detail: msg });
  return new SqlError(SqlState.BadCopyFileFormat, `file "${file}" could not be read`, { detail: msg });
}
