// Reads files (one path, a glob, or a directory) into columnar Chunks of a declared schema,
// through DuckDB's readers: CSV columns map by position (as COPY does), JSON and Parquet by name.
// DuckDB hands over data chunks of 2048 rows; each becomes one of our Chunks, column by column
// into typed arrays. A value that does not fit its column fails with 22P02 naming the file, the
// row (and CSV line), the column and why; a file of the wrong shape fails with 22P04.

import { existsSync, statSync } from "node:fs";
import type { DuckDBConnection, DuckDBResult } from "@duckdb/node-api";
import { Chunk, SqlError, SqlState, typeName, type DataType } from "../../types/index.js";
import { badValueError, columnFromVector, readExpression } from "./column-mapping.js";
import { duckMessage, duckdbModule, fileEngineConnection, fileError, sqlIdent, sqlString } from "./duckdb-engine.js";
import type { FileFormat } from "./file-format.js";

export interface FileColumn {
  name: string;
  type: DataType;
}

/** The files a path names, sorted: a directory means every file in it; globs (* ? [..] **) expand. Dotfiles (a writer's temporary files) are skipped. */
export async function listFiles(path: string): Promise<string[]> {
  const isGlob = /[*?[]/.test(path);
  if (!isGlob) {
    if (!existsSync(path)) throw new SqlError(SqlState.UndefinedFile, `could not open file "${path}" for reading: No such file or directory`);
    if (!statSync(path).isDirectory()) return [path];
  }
  const pattern = isGlob ? path : `${path.replace(/\/+$/, "")}/*`;
  const conn = await fileEngineConnection();
  try {
    const r = await conn.runAndReadAll(`SELECT file FROM glob(${sqlString(pattern)}) ORDER BY file`);
    return r
      .getRows()
      .map((row) => row[0] as string)
      .filter((f) => !(f.split("/").pop() ?? "").startsWith(".") && statSync(f, { throwIfNoEntry: false })?.isFile());
  } catch (e) {
    throw fileError(e, path, "read");
  } finally {
    conn.closeSync();
  }
}

export class FileReader {
  constructor(
    private readonly columns: readonly FileColumn[],
    private readonly format: FileFormat,
  ) {}

  /** The DuckDB table expression over `file`, each declared column as a raw (unconverted) column. */
  private async source(conn: DuckDBConnection, file: string): Promise<{ from: string; raw: string[]; lists: boolean[] }> {
    const f = this.format;
    const wanted = this.columns.length;
    if (f.format === "csv") {
      const opts = `header = ${f.header}, delim = ${sqlString(f.delimiter)}, all_varchar = true, allow_quoted_nulls = false${f.nullString !== undefined ? `, nullstr = ${sqlString(f.nullString)}` : ""}`;
      const probe = await conn.runAndReadAll(`SELECT * FROM read_csv(${sqlString(file)}, ${opts}) LIMIT 0`);
      const have = probe.columnCount;
      if (have !== wanted) {
        // Postgres's words first ("extra data after last expected column" / "missing data for column")
        const pg = have > wanted ? "extra data after last expected column" : `missing data for column "${this.columns[have].name}"`;
        throw new SqlError(SqlState.BadCopyFileFormat, `${pg}: file "${file}" has ${have} column${have === 1 ? "" : "s"} per line, but ${wanted} ${wanted === 1 ? "is" : "are"} declared (${this.columns.map((c) => c.name).join(", ")})`, {
          hint: "CSV columns are matched by position.",
        });
      }
      const names = this.columns.map((_, i) => `c${i}`);
      return { from: `read_csv(${sqlString(file)}, ${opts}, names = [${names.map(sqlString).join(", ")}])`, raw: names, lists: names.map(() => false) };
    }
    const from = f.format === "parquet" ? `read_parquet(${sqlString(file)})` : `read_json(${sqlString(file)}, format = 'auto')`;
    const probe = await conn.runAndReadAll(`SELECT * FROM ${from} LIMIT 0`);
    const fileNames = probe.columnNames();
    const raw = this.columns.map((c) => {
      const hit = fileNames.find((n) => n === c.name) ?? fileNames.find((n) => n.toLowerCase() === c.name.toLowerCase());
      if (hit === undefined) {
        throw new SqlError(SqlState.BadCopyFileFormat, `file "${file}" has no column "${c.name}"`, {
          detail: `Its columns: ${fileNames.join(", ")}.`,
          hint: `${f.format === "json" ? "JSON" : "Parquet"} columns are matched by name.`,
        });
      }
      return hit;
    });
    const types = probe.columnTypes();
    const { DuckDBTypeId } = await duckdbModule();
    const lists = raw.map((r) => types[fileNames.indexOf(r)].typeId === DuckDBTypeId.LIST);
    return { from, raw, lists };
  }

  /**
   * The rows of `file` from row `offset` (0-based), as chunks of up to 2048 rows. `limit` bounds
   * the number of rows (recovery re-reads exactly what a log record says was read).
   */
  async *read(file: string, offset = 0, limit?: number): AsyncGenerator<Chunk> {
    if (statSync(file, { throwIfNoEntry: false })?.size === 0) return;
    const conn = await fileEngineConnection();
    try {
      let src: { from: string; raw: string[]; lists: boolean[] };
      try {
        src = await this.source(conn, file);
      } catch (e) {
        throw fileError(e, file, "read");
      }
      const select = this.columns.map((c, i) => `${readExpression(sqlIdent(src.raw[i]), c.type, true, src.lists[i])} AS ${sqlIdent(`v${i}`)}`).join(", ");
      const sql = `SELECT ${select} FROM ${src.from}${limit !== undefined ? ` LIMIT ${limit}` : ""}${offset > 0 ? ` OFFSET ${offset}` : ""}`;
      let result: DuckDBResult;
      let done = 0;
      try {
        result = await conn.stream(sql);
      } catch (e) {
        throw await this.diagnose(conn, file, src, e);
      }
      for (;;) {
        let dc;
        try {
          dc = await result.fetchChunk();
        } catch (e) {
          throw await this.diagnose(conn, file, src, e);
        }
        if (dc === null || dc.rowCount === 0) break;
        const n = dc.rowCount;
        const columns = this.columns.map((c, i) =>
          columnFromVector(c.type, dc.getColumnVector(i), n, (row, text, why, cause) => {
            throw this.badValue(file, offset + done + row + 1, i, text, why, cause);
          }),
        );
        done += n;
        yield new Chunk(columns, n);
      }
    } finally {
      conn.closeSync();
    }
  }

  private badValue(file: string, row: number, column: number, text: string | null, why: string, cause?: unknown): SqlError {
    const line = this.format.format === "csv" ? row + (this.format.header ? 1 : 0) : null;
    return badValueError(file, row, line, this.columns[column].name, this.columns[column].type, text, why, cause);
  }

  /** After DuckDB refused a conversion: find the first row and column that do not fit, for the error. */
  private async diagnose(conn: DuckDBConnection, file: string, src: { from: string; raw: string[]; lists: boolean[] }, cause: unknown): Promise<SqlError> {
    const msg = duckMessage(cause);
    if (!/Conversion Error|Could not convert|out of range|Invalid Input Error: Could not/i.test(msg)) return fileError(cause, file, "read");
    try {
      const oks = this.columns.map((c, i) => `(${sqlIdent(src.raw[i])} IS NULL OR ${readExpression(sqlIdent(src.raw[i]), c.type, false, src.lists[i])} IS NOT NULL)`);
      const texts = src.raw.map((r) => `CAST(${sqlIdent(r)} AS VARCHAR)`);
      const r = await conn.runAndReadAll(
        `SELECT * FROM (SELECT row_number() OVER () AS rn, ${texts.map((t, i) => `${t} AS t${i}`).join(", ")}, ${oks.map((o, i) => `${o} AS ok${i}`).join(", ")} FROM ${src.from}) WHERE NOT (${oks.map((_, i) => `ok${i}`).join(" AND ")}) ORDER BY rn LIMIT 1`,
      );
      const row = r.getRows()[0];
      if (row) {
        const n = this.columns.length;
        const col = this.columns.findIndex((_, i) => row[1 + n + i] === false);
        if (col >= 0) return this.badValue(file, Number(row[0]), col, row[1 + col] as string | null, msg.replace(/ when casting from source column \S+/, ""));
      }
    } catch {
      // the diagnosis is best effort; DuckDB's own message follows
    }
    return new SqlError(SqlState.InvalidTextRepresentation, `file "${file}" does not match the declared columns (${this.columns.map((c) => `${c.name} ${typeName(c.type)}`).join(", ")})`, { detail: msg });
  }
}
