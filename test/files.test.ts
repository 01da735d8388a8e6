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

describe("COPY to and from files", () => {
  it("round-trips a table through Parquet, CSV and JSON files", async () => {
    const db = await Database.open({ memory: true });
    const s = db.connect();
    await s.execute(`CREATE TABLE t (id INT, name TEXT, price NUMERIC(10,2), big BIGINT, d DATE, at TIMESTAMPTZ, ok BOOLEAN, x DOUBLE PRECISION);
      INSERT INTO t VALUES (1, 'plain', 1.50, 9223372036854775807, '2024-02-29', '2024-01-01 10:00:00.123456+00', true, 0.1),
        (2, 'comma, "quote"', NULL, -9223372036854775808, NULL, NULL, false, -1e300),
        (3, NULL, 12345678.99, 0, '1970-01-01', '1999-12-31 23:59:59+00', NULL, NULL)`);
    const original = await rows(s, "SELECT * FROM t ORDER BY id");
    for (const [ext, opts] of [["parquet", ""], ["csv", " WITH (FORMAT csv, HEADER true)"], ["json", " (FORMAT json)"]] as const) {
      const file = join(work, `copy-t.${ext}`);
      expect((await s.execute(`COPY t TO '${file}'${opts}`))[0]).toMatchObject({ command: "COPY", rowCount: 3 });
      await s.execute(`CREATE TABLE back_${ext} (id INT, name TEXT, price NUMERIC(10,2), big BIGINT, d DATE, at TIMESTAMPTZ, ok BOOLEAN, x DOUBLE PRECISION)`);
      expect((await s.execute(`COPY back_${ext} FROM '${file}'${opts}`))[0]).toMatchObject({ command: "COPY", rowCount: 3 });
      expect(await rows(s, `SELECT * FROM back_${ext} ORDER BY id`)).toEqual(original);
    }
    // a query, a column list, and a glob of several files
    await s.execute(`COPY (SELECT id, name FROM t WHERE id < 3) TO '${join(work, "part-a.csv")}' (FORMAT csv)`);
    await s.execute(`COPY (SELECT id + 10, name FROM t) TO '${join(work, "part-b.csv")}' (FORMAT csv)`);
    await s.execute("CREATE TABLE two (id INT, name TEXT, extra INT)");
    expect((await s.execute(`COPY two (id, name) FROM '${join(work, "part-*.csv")}'`))[0].rowCount).toBe(5);
    expect(await rows(s, "SELECT id, name, extra FROM two ORDER BY id")).toEqual(["1|plain|NULL", '2|comma, "quote"|NULL', "11|plain|NULL", '12|comma, "quote"|NULL', "13|NULL|NULL"]);
    // views over a COPY target see the rows
    await s.execute("CREATE MATERIALIZED VIEW n_two AS SELECT count(*) AS n FROM two");
    await s.execute(`COPY two (id, name) FROM '${join(work, "part-a.csv")}'`);
    expect(await rows(s, "SELECT n FROM n_two")).toEqual(["7"]);
    await db.close();
  });

  it("reads nested JSON into jsonb, lists into arrays, and text forms through our input functions", async () => {
    const file = join(work, "nested.json");
    writeFileSync(file, '{"id": 1, "doc": {"a": [1, 2], "b": "x"}, "amt": 12.345, "iv": "1 day 2 hours", "tags": ["a\\"b", null, "c,d"]}\n{"id": 2}\n');
    const db = await Database.open({ memory: true });
    const s = db.connect();
    await s.execute("CREATE TABLE j (id INT, doc JSONB, amt NUMERIC(10,3), iv INTERVAL, tags TEXT[])");
    await s.execute(`COPY j FROM '${file}'`);
    expect(await rows(s, "SELECT id, doc, doc->'a'->>1, amt, iv, tags, tags[1], tags[2] IS NULL FROM j ORDER BY id")).toEqual([
      '1|{"a": [1, 2], "b": "x"}|2|12.345|1 day 02:00:00|{"a\\"b",NULL,"c,d"}|a"b|t',
      "2|NULL|NULL|NULL|NULL|NULL|NULL|t",
    ]);
    await s.execute(`COPY j TO '${join(work, "nested.parquet")}'; CREATE TABLE j2 (id INT, doc JSONB, amt NUMERIC(10,3), iv INTERVAL, tags TEXT[]); COPY j2 FROM '${join(work, "nested.parquet")}'`);
    expect(await rows(s, "SELECT * FROM j2 ORDER BY id")).toEqual(await rows(s, "SELECT * FROM j ORDER BY id"));
    await db.close();
  });

  it("rejects bad files and bad requests with clear errors, loading nothing", async () => {
    const db = await Database.open({ memory: true });
    const s = db.connect();
    await s.execute("CREATE TABLE t (id INT, price BIGINT, at TIMESTAMP); CREATE VIEW v AS SELECT 1 AS x");
    const bad = join(work, "bad.csv");
    writeFileSync(bad, "id,price,at\n1,10,2024-01-01 00:00:00\n2,12,2024-01-01 00:00:01\n3,abc,2024-01-01 00:00:02\n");
    await expect(s.execute(`COPY t FROM '${bad}' (FORMAT csv, HEADER true)`)).rejects.toMatchObject({
      code: "22P02",
      message: expect.stringMatching(/^invalid input syntax for type bigint: "abc" in file ".*bad\.csv", row 3 \(line 4\), column "price"$/),
    });
    expect(await rows(s, "SELECT count(*) FROM t")).toEqual(["0"]);
    const wide = join(work, "wide.csv");
    writeFileSync(wide, "1,2,2024-01-01,4\n");
    await expect(s.execute(`COPY t FROM '${wide}'`)).rejects.toMatchObject({ code: "22P04", message: expect.stringMatching(/has 4 columns per line, but 3 are declared/) });
    const pq = join(work, "other.parquet");
    await duck.run(`COPY (SELECT 1 AS id, 2 AS cost) TO '${pq}' (FORMAT parquet)`);
    await expect(s.execute(`COPY t FROM '${pq}'`)).rejects.toMatchObject({ code: "22P04", message: expect.stringMatching(/has no column "price"/), detail: expect.stringMatching(/id, cost/) });
    const pqBad = join(work, "badtype.parquet");
    await duck.run(`COPY (SELECT i AS id, CASE WHEN i = 7 THEN 'x7' ELSE i::VARCHAR END AS price, TIMESTAMP '2024-01-01' AS at FROM range(10) r(i)) TO '${pqBad}' (FORMAT parquet)`);
    await expect(s.execute(`COPY t FROM '${pqBad}'`)).rejects.toMatchObject({ code: "22P02", message: expect.stringMatching(/^invalid input syntax for type bigint: "x7" in file ".*badtype\.parquet", row 8, column "price"$/) });
    await expect(s.execute(`COPY t FROM '${join(work, "missing.csv")}'`)).rejects.toMatchObject({ code: "58P01" });
    await expect(s.execute(`COPY v FROM '${bad}'`)).rejects.toMatchObject({ code: "42809" });
    await expect(s.execute(`COPY t TO 'relative.csv'`)).rejects.toMatchObject({ code: "42602" });
    await expect(s.execute(`COPY t TO '${join(work, "x.txt")}'`)).rejects.toMatchObject({ code: "22023", message: expect.stringMatching(/cannot tell the format/) });
    await expect(s.execute(`COPY t TO '${join(work, "x.csv")}' (FORMAT xml)`)).rejects.toMatchObject({ code: "22023" });
    await expect(s.execute(`COPY t FROM STDIN`)).rejects.toMatchObject({ code: "0A000" });
    await expect(s.execute(`COPY t TO '${join(work, "no-such-dir", "x.csv")}'`)).rejects.toMatchObject({ code: "58P01", message: expect.stringMatching(/for writing/) });
    expect(await rows(s, "SELECT count(*) FROM t")).toEqual(["0"]);
    await db.close();
  });
});

describe("file sources and sinks", () => {
  it("loads a table from files, and a watched directory feeds a stream as complete files appear", async () => {
    const dir = join(work, "watch");
    mkdirSync(dir, { recursive: true });
    await duck.run(`COPY (SELECT i AS id, 'n' || i AS name FROM range(100) r(i)) TO '${join(dir, "a.json")}' (FORMAT json)`);
    const db = await Database.open({ memory: true });
    const s = db.connect();
    await s.execute(`CREATE TABLE people (id BIGINT PRIMARY KEY, name TEXT) WITH (connector = 'file', path = '${join(dir, "a.json")}')`);
    await waitFor(() => sourceDone(s, "people"));
    expect(await rows(s, "SELECT count(*), min(id), max(name) FROM people")).toEqual(["100|0|n99"]);
    await s.execute("UPDATE people SET name = 'zero' WHERE id = 0");
    expect(await rows(s, "SELECT name FROM people WHERE id = 0")).toEqual(["zero"]);

    await s.execute(`CREATE STREAM ev (id BIGINT, name TEXT) WITH (connector = 'file', path = '${dir}', format = 'json', watch = true, poll_interval_ms = 20)`);
    await s.execute("CREATE MATERIALIZED VIEW evn AS SELECT count(*) AS n, sum(id) AS s FROM ev");
    await waitFor(async () => (await rows(s, "SELECT n FROM evn")).join() === "100");
    // a new file appears complete (written elsewhere, renamed in); a dotfile is a writer's temporary
    await duck.run(`COPY (SELECT 1000 + i AS id, 'm' AS name FROM range(50) r(i)) TO '${join(dir, ".b.json.tmp")}' (FORMAT json)`);
    await new Promise((r) => setTimeout(r, 100));
    expect(await rows(s, "SELECT n FROM evn")).toEqual(["100"]);
    renameSync(join(dir, ".b.json.tmp"), join(dir, "b.json"));
    await waitFor(async () => (await rows(s, "SELECT n FROM evn")).join() === "150");
    expect(await rows(s, "SELECT n, s FROM evn")).toEqual([`150|${4950 + 50 * 1000 + 1225}`]);
    expect(await rows(s, "SELECT exhausted, error FROM sage_catalog.sources WHERE stream = 'ev'")).toEqual(["f|NULL"]);
    await db.close();
  });

  it("reports a source file that does not match the stream in sage_catalog.sources", async () => {
    const dir = join(work, "badsrc");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "x.csv"), "id,at\n1,2024-01-01\n2,yesterday\n");
    const db = await Database.open({ memory: true });
    const s = db.connect();
    await s.execute(`CREATE STREAM ev (id INT, at TIMESTAMP) WITH (connector = 'file', path = '${dir}/*.csv')`);
    await waitFor(async () => (await rows(s, "SELECT exhausted FROM sage_catalog.sources")).join() === "t");
    expect((await rows(s, "SELECT error FROM sage_catalog.sources"))[0]).toMatch(/invalid input syntax for type timestamp: "yesterday" in file ".*x\.csv", row 2 \(line 3\), column "at"/);
    await expect(s.execute(`CREATE STREAM e2 (id INT) WITH (connector = 'file')`)).rejects.toMatchObject({ code: "22023", message: expect.stringMatching(/"path" is required/) });
    await expect(s.execute(`CREATE STREAM e3 (id INT) WITH (connector = 'file', path = '/tmp/x.csv', watch = 'maybe')`)).rejects.toMatchObject({ code: "22023" });
    await expect(s.execute(`CREATE STREAM e4 (id INT) WITH (connector = 'file', path = '/tmp/x.csv', wach = true)`)).rejects.toMatchObject({ code: "22023", message: expect.stringMatching(/unknown option "wach"/) });
    await db.close();
  });

  it("a sink writes complete rolling files of a view's changes; append-only sinks refuse retractions", async () => {
    const out = join(work, "sink-out");
    const db = await Database.open({ memory: true });
    const s = db.connect();
    await s.execute("CREATE TABLE t (k INT, v INT); INSERT INTO t VALUES (1, 10), (2, 20)");
    await s.execute("CREATE MATERIALIZED VIEW m AS SELECT k, sum(v) AS total FROM t GROUP BY k");
    await s.execute(`CREATE SINK m_out FROM m WITH (connector = 'file', path = '${out}', format = 'csv', rollover_interval_ms = 60000)`);
    await s.execute("FLUSH");
    await s.execute("INSERT INTO t VALUES (1, 5); DELETE FROM t WHERE k = 2");
    await s.execute("FLUSH");
    const files = readdirSync(out).sort();
    expect(files).toHaveLength(2);
    expect(await duckRows(`SELECT k, total, __op FROM read_csv('${out}/${files[0]}', header = true) ORDER BY k`)).toEqual(["1|10|1", "2|20|1"]);
    expect(await duckRows(`SELECT k, total, __op FROM read_csv('${out}/${files[1]}', header = true) ORDER BY k, __op`)).toEqual(["1|10|-1", "1|15|1", "2|20|-1"]);
    expect(readdirSync(out).some((f) => f.startsWith("."))).toBe(false);
    // a sink of a query, append-only
    await s.execute("CREATE STREAM clicks (u INT)");
    await s.execute(`CREATE SINK big_clicks AS SELECT u FROM clicks WHERE u > 1 WITH (connector = 'file', path = '${join(work, "clicks")}', format = 'json', type = 'append-only')`);
    await s.execute("INSERT INTO clicks VALUES (1), (2), (3); FLUSH");
    expect(await duckRows(`SELECT u FROM read_json('${join(work, "clicks")}/*.json') ORDER BY u`)).toEqual(["2", "3"]);
    await s.execute(`CREATE SINK m_append FROM m WITH (connector = 'file', path = '${join(work, "m-append")}', type = 'append-only')`);
    await s.execute("UPDATE t SET v = 6 WHERE v = 5");
    await expect(s.execute("FLUSH")).rejects.toMatchObject({ code: "0A000", message: expect.stringMatching(/append-only/) });
    await expect(s.execute("DROP TABLE t")).rejects.toMatchObject({ code: "2BP01" });
    await s.execute("DROP SINK m_append; DROP SINK m_out");
    await expect(s.execute(`CREATE SINK bad FROM m WITH (connector = 'kafka')`)).rejects.toMatchObject({ code: "0A000" });
    await expect(s.execute(`CREATE SINK bad FROM m WITH (connector = 'file')`)).rejects.toMatchObject({ code: "22023" });
    await expect(s.execute(`CREATE SINK bad FROM m WITH (connector = 'file', path = '${out}', rollover = 5)`)).rejects.toMatchObject({ code: "22023", message: expect.stringMatching(/unknown option "rollover"/) });
    await db.close();
  });

  it("a file stream resumes after kill -9 without skipping or repeating rows", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "sage-files-crash-"));
    const sourceDir = join(work, "crash-src");
    mkdirSync(sourceDir, { recursive: true });
    const FILES = 3;
    const PER_FILE = 100_000;
    for (let f = 0; f < FILES; f++) {
      await duck.run(`COPY (SELECT ${f * PER_FILE} + i AS id, (i % 7)::INTEGER AS grp FROM range(${PER_FILE}) r(i)) TO '${join(sourceDir, `f${f}.parquet`)}' (FORMAT parquet)`);
    }
    try {
      const seen: number[] = [];
      for (let round = 0; round < 2; round++) {
        const proc = spawn(process.execPath, [child, dataDir, sourceDir], { stdio: ["ignore", "pipe", "inherit"] });
        let buf = "";
        // kill it hard once it has read some rows (round 0), or part of the rest (round 1)
        await new Promise<void>((resolveKill) => {
          proc.stdout.on("data", (d: Buffer) => {
            buf += d.toString();
            const lines = buf.split("\n");
            buf = lines.pop()!;
            for (const l of lines) {
              const n = Number(l);
              const floor = round === 0 ? 0 : Math.max(...seen);
              if (n > floor && n < FILES * PER_FILE) {
                seen.push(n);
                proc.kill("SIGKILL");
                resolveKill();
              }
            }
          });
          proc.on("exit", () => resolveKill());
        });
        await new Promise((r) => (proc.exitCode !== null || proc.signalCode !== null ? r(null) : proc.on("exit", r)));
      }
      expect(seen.length).toBe(2);
      const db = await Database.open({ dataDir });
      const s = db.connect();
      await waitFor(async () => (await rows(s, "SELECT count(*) FROM ev")).join() === String(FILES * PER_FILE));
      await new Promise((r) => setTimeout(r, 200)); // nothing more arrives
      expect(await rows(s, "SELECT count(*), count(DISTINCT id), min(id), max(id) FROM ev")).toEqual([`${FILES * PER_FILE}|${FILES * PER_FILE}|0|${FILES * PER_FILE - 1}`]);
      expect(await rows(s, "SELECT grp, n FROM per_grp ORDER BY grp")).toEqual(await rows(s, "SELECT grp, count(*) FROM ev GROUP BY grp ORDER BY grp"));
      expect(await rows(s, "SELECT rows_produced FROM sage_catalog.sources")).toEqual([String(FILES * PER_FILE)]);
      await db.close(); // a clean close checkpoints: the rows read are in the checkpoint now
      // a source file deleted since: the database opens with every row (none is re-read)
      rmSync(join(sourceDir, "f0.parquet"));
      const again = await Database.open({ dataDir });
      expect(await rows(again, "SELECT count(*), count(DISTINCT id) FROM ev")).toEqual([`${FILES * PER_FILE}|${FILES * PER_FILE}`]);
      expect(await rows(again, "SELECT error FROM sage_catalog.sources")).toEqual(["NULL"]);
      await again.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
