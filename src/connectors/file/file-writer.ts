// Writes chunks of rows to one file through DuckDB's writers: the rows are appended to a DuckDB
// temporary table in data chunks (not row by row), then `COPY (SELECT ...) TO` writes the file
// under a hidden temporary name that is renamed into place, so a file is complete when it appears.

import { renameSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { DuckDBValue } from "@duckdb/node-api";
import type { Chunk, DataType } from "../../types/index.js";
import { writeColumn } from "./column-mapping.js";
import { duckdbModule, fileEngineConnection, fileError, sqlIdent, sqlString } from "./duckdb-engine.js";
import type { FileFormat } from "./file-format.js";

export interface WriteSpec {
  names: readonly string[];
  types: readonly DataType[];
}

const DUCK_CHUNK = 2048;
let tableCounter = 0;

/** The COPY options of a format. */
function copyOptions(f: FileFormat): string {
  if (f.format === "parquet") return "FORMAT parquet";
  if (f.format === "json") return "FORMAT json";
  return `FORMAT csv, HEADER ${f.header}, DELIMITER ${sqlString(f.delimiter)}${f.nullString !== undefined ? `, NULLSTR ${sqlString(f.nullString)}` : ""}`;
}

/** Writes `chunks` (insert-only rows of `spec`) to `path`; returns the number of rows written. */
export async function writeFile(path: string, format: FileFormat, spec: WriteSpec, chunks: readonly Chunk[]): Promise<number> {
  const duck = await duckdbModule();
  const cols = spec.types.map((t, c) =>
    writeColumn(
      t,
      function* () {
        for (const ch of chunks) for (let i = 0; i < ch.length; i++) yield ch.columns[c].get(i);
      },
      duck,
    ),
  );
  const table = `sage_write_${process.pid}_${++tableCounter}`;
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${tableCounter}.tmp`);
  const conn = await fileEngineConnection();
  let rows = 0;
  try {
    await conn.run(`CREATE TABLE ${sqlIdent(table)} (${cols.map((c, i) => `c${i} ${c.duckType.toString()}`).join(", ")})`);
    const appender = await conn.createAppender(table);
    const types = cols.map((c) => c.duckType);
    for (const ch of chunks) {
      for (let start = 0; start < ch.length; start += DUCK_CHUNK) {
        const end = Math.min(ch.length, start + DUCK_CHUNK);
        const dc = duck.DuckDBDataChunk.create(types, end - start);
        for (let c = 0; c < cols.length; c++) {
          const col = ch.columns[c];
          const values: DuckDBValue[] = new Array(end - start);
          for (let i = start; i < end; i++) {
            const v = col.get(i);
            values[i - start] = v === null ? null : (cols[c].convert(v) as DuckDBValue);
          }
          dc.setColumnValues(c, values);
        }
        appender.appendDataChunk(dc);
        rows += end - start;
      }
    }
    appender.closeSync();
    const select = spec.names.map((n, i) => `${cols[i].output(`c${i}`)} AS ${sqlIdent(n)}`).join(", ");
    await conn.run(`COPY (SELECT ${select} FROM ${sqlIdent(table)}) TO ${sqlString(tmp)} (${copyOptions(format)})`);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw fileError(e, path, "write");
  } finally {
    await conn.run(`DROP TABLE IF EXISTS ${sqlIdent(table)}`).catch(() => undefined);
    conn.closeSync();
  }
  return rows;
}
