// Files through DuckDB: COPY to and from files, file sources (streams and tables, globs, watched
// directories), file sinks, schema-mismatch errors, and a file stream that resumes exactly after a
// kill -9. The big round trip: 1M-row Parquet and CSV files made by DuckDB are ingested as a
// stream, aggregated in a view, written back by a sink, and compared with DuckDB's own answer
// over the source file.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { Database, formatValue, type Session } from "../src/index.js";

const child = fileURLToPath(new URL("./fixtures/file-source-child.mjs", import.meta.url));
const ROWS = 1_000_000;

let work: string;
let duck: DuckDBConnection;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "sage-files-"));
  duck = await (await DuckDBInstance.create(":memory:")).connect();
});
afterAll(() => {
  duck?.closeSync();
  rmSync(work, { recursive: true, force: true });
});

async function rows(s: Session | Database, sql: string): Promise<string[]> {
  const results = await s.execute(sql);
  const r = results[results.length - 1];
  return r.rows.map((row) => row.map((v, i) => (v === null ? "NULL" : formatValue(r.columns[i].type, v))).join("|"));
}

async function duckRows(sql: string): Promise<string[]> {
  const r = await duck.runAndReadAll(sql);
  return r.getRows().map((row) => row.map((v) => (v === null ? "NULL" : String(v))).join("|"));
}

async function waitFor(cond: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function sourceDone(s: Session, stream: string): Promise<boolean> {
  const [r] = await s.execute(`SELECT exhausted, error FROM sage_catalog.sources WHERE stream = '${stream}'`);
  if (r.rows[0]?.[1]) throw new Error(String(r.rows[0][1]));
  return r.rows[0]?.[0] === true;
}

describe("file round trip through a stream, a view and a sink (1M rows)", () => {
  for (const format of ["parquet", "csv"] as const) {
    it(`${format}: DuckDB's file → stream → aggregate view → file sink equals DuckDB's answer`, async () => {
      const dir = join(work, `rt-${format}`);
      mkdirSync(join(dir, "in"), { recursive: true });
      const src = join(dir, "in", `events.${format}`);
      await duck.run(
        `COPY (SELECT i AS id, i % 997 AS grp, (i * 7919) % 100003 - 50000 AS amount, i % 3 = 0 AS flag,
                 TIMESTAMP '2024-01-01' + i * INTERVAL 1 MILLISECOND AS ts FROM range(${ROWS}) r(i))
         TO '${src}' (FORMAT ${format}${format === "csv" ? ", HEADER true" : ""})`,
      );
      const db = await Database.open({ memory: true });
      const s = db.connect();
      const started = Date.now();
      await s.execute(`CREATE STREAM ev (id BIGINT, grp INT, amount BIGINT, flag BOOLEAN, ts TIMESTAMP)
        WITH (connector = 'file', path = '${join(dir, "in")}/*.${format}', format = '${format}')`);
      await s.execute(`CREATE MATERIALIZED VIEW agg AS
        SELECT grp, count(*) AS n, sum(amount) AS total, count(*) FILTER (WHERE flag) AS flagged, max(ts) AS last_ts FROM ev GROUP BY grp`);
      await s.execute(`CREATE SINK agg_out FROM agg WITH (connector = 'file', path = '${join(dir, "out")}', format = '${format}')`);
      await waitFor(() => sourceDone(s, "ev"));
      await s.execute("FLUSH");
      console.log(`file round trip (${format}): ${ROWS} rows ingested, aggregated and sunk in ${Date.now() - started} ms`);
      expect(await rows(s, "SELECT rows_produced FROM sage_catalog.sources")).toEqual([String(ROWS)]);

      const expected = await duckRows(
        `SELECT grp, count(*), sum(amount), count(*) FILTER (WHERE flag), strftime(max(ts), '%Y-%m-%d %H:%M:%S.%f')
         FROM read_${format === "csv" ? "csv" : "parquet"}('${src}') GROUP BY grp ORDER BY grp`,
      );
      expect(expected.length).toBe(997);
      // the view itself
      const view = await rows(s, "SELECT grp, n, total, flagged, to_char(last_ts, 'YYYY-MM-DD HH24:MI:SS.US') FROM agg ORDER BY grp");
      expect(view).toEqual(expected);
      // the sink's files, folded by __op, read back by DuckDB
      const files = readdirSync(join(dir, "out"));
      expect(files.length).toBeGreaterThan(0);
      expect(files.every((f) => f.startsWith("part-") && f.endsWith(`.${format}`))).toBe(true);
      const reader = format === "csv" ? `read_csv('${join(dir, "out")}/*.csv', header = true)` : `read_parquet('${join(dir, "out")}/*.parquet')`;
      const sunk = await duckRows(
        `SELECT grp, n, total, flagged, strftime(last_ts, '%Y-%m-%d %H:%M:%S.%f') FROM ${reader}
         GROUP BY ALL HAVING sum(__op) > 0 ORDER BY grp`,
      );
      expect(sunk).toEqual(expected);
      await db.close();
    });
  }
});
