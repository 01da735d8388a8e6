// EXPLAIN ANALYZE (per-operator rows, time and state of an ad-hoc query) and sage_catalog.operators
// (live counters of the operators of running views, here a nexmark view while its source runs).
import { describe, expect, it } from "vitest";
import { Database, SqlError } from "../src/index.js";

async function planLines(db: Database, sql: string): Promise<string[]> {
  const [r] = await db.execute(sql);
  expect(r.columns.map((c) => c.name)).toEqual(["QUERY PLAN"]);
  return r.rows.map((row) => String(row[0]));
}

function actual(lines: string[], head: string): { in: number; out: number; ms: number } {
  const line = lines.find((l) => l.replace(/^[\s->]*/, "").startsWith(head));
  if (!line) throw new Error(`no "${head}" line in\n${lines.join("\n")}`);
  const m = /\(actual rows in=(\d+) out=(\d+) chunks=\d+ time=([\d.]+) ms\)/.exec(line);
  if (!m) throw new Error(`no actual figures on "${line}"`);
  return { in: Number(m[1]), out: Number(m[2]), ms: Number(m[3]) };
}

describe("EXPLAIN ANALYZE", () => {
  it("counts each operator's rows in and out as the query really ran", async () => {
    const db = await Database.open({ memory: true });
    await db.execute("CREATE TABLE t (a INT, b TEXT)");
    await db.execute("INSERT INTO t SELECT g, 'k' || (g % 7) FROM generate_series(1, 5000) g");
    const lines = await planLines(db, "EXPLAIN ANALYZE SELECT b, count(*) FROM t WHERE a > 1000 GROUP BY b ORDER BY b");
    expect(actual(lines, "Scan on t")).toMatchObject({ in: 0, out: 5000 });
    expect(actual(lines, "Filter")).toMatchObject({ in: 5000, out: 4000 });
    expect(actual(lines, "HashAggregate")).toMatchObject({ in: 4000, out: 7 });
    expect(actual(lines, "Sort")).toMatchObject({ in: 7, out: 7 });
    expect(lines).toContain("        State: 7 rows, about 560 B");
    expect(lines).toContain("Rows Returned: 7");
    expect(lines.some((l) => /^Memory: heap [+-][\d.]+ (B|kB|MB) over the run/.test(l))).toBe(true);
    expect(lines.some((l) => /^Execution Time: [\d.]+ ms$/.test(l))).toBe(true);
    await db.close();
  });

  it("shows a LIMIT stopping its input early and join state", async () => {
    const db = await Database.open({ memory: true });
    await db.execute("CREATE TABLE t (a INT)");
    await db.execute("INSERT INTO t SELECT g FROM generate_series(1, 20000) g");
    const limited = await planLines(db, "EXPLAIN ANALYZE SELECT a FROM t WHERE a % 2 = 0 LIMIT 5");
    expect(actual(limited, "Limit").out).toBe(5);
    // the scan stops once the limit is full: one chunk, not the whole table
    expect(actual(limited, "Scan on t").out).toBeLessThan(20000);
    const joined = await planLines(db, "EXPLAIN ANALYZE SELECT * FROM t x JOIN t y ON x.a = y.a + 1");
    expect(actual(joined, "Hash Join")).toMatchObject({ in: 40000, out: 19999 });
    expect(joined.some((l) => /State: 40000 rows/.test(l))).toBe(true);
    await db.close();
  });

  it("takes parameters and runs once (its rows are returned by nobody else)", async () => {
    const db = await Database.open({ memory: true });
    await db.execute("CREATE TABLE t (a INT)");
    await db.execute("INSERT INTO t VALUES (1), (2), (3)");
    const [r] = await db.execute("EXPLAIN (ANALYZE true) SELECT a FROM t WHERE a >= $1", [2]);
    const lines = r.rows.map((x) => String(x[0]));
    expect(actual(lines, "Filter")).toMatchObject({ in: 3, out: 2 });
    const [plain] = await db.execute("EXPLAIN (ANALYZE false) SELECT a FROM t");
    expect(plain.rows.some((x) => String(x[0]).includes("actual"))).toBe(false);
    await db.close();
  });

  it("refuses what it cannot run with a SQLSTATE", async () => {
    const db = await Database.open({ memory: true });
    await db.execute("CREATE TABLE t (a INT)");
    const err = await db.execute("EXPLAIN ANALYZE DELETE FROM t").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SqlError);
    expect((err as SqlError).code).toBe("0A000");
    expect((err as SqlError).hint).toMatch(/sage_catalog.operators/);
    const view = await db.execute("EXPLAIN ANALYZE CREATE MATERIALIZED VIEW v AS SELECT a FROM t").catch((e: unknown) => e);
    expect((view as SqlError).code).toBe("0A000");
    const [plain] = await db.execute("EXPLAIN CREATE MATERIALIZED VIEW v AS SELECT count(*) FROM t");
    expect(plain.rows.length).toBeGreaterThan(0);
    const bad = await db.execute("EXPLAIN ANALYZE SELECT nope FROM t").catch((e: unknown) => e);
    expect((bad as SqlError).code).toBe("42703");
    await db.close();
  });
});

describe("EXPLAIN (LOGICAL) and (PHYSICAL)", () => {
  it("LOGICAL prints the bound plan before optimization; PHYSICAL is the default plan", async () => {
    const db = await Database.open({ memory: true });
    await db.execute("CREATE TABLE t (a INT PRIMARY KEY, b TEXT, c INT)");
    const sql = "SELECT b FROM t WHERE a = 1";
    const logical = await planLines(db, `EXPLAIN (LOGICAL) ${sql}`);
    const physical = await planLines(db, `EXPLAIN (PHYSICAL) ${sql}`);
    expect(physical).toEqual(await planLines(db, `EXPLAIN ${sql}`));
    expect(await planLines(db, `EXPLAIN (LOGICAL false) ${sql}`)).toEqual(physical);
    // the optimizer turned filter + scan into a key lookup of the needed columns; the logical plan still scans every column
    expect(physical.join("\n")).toMatch(/Key Lookup on t/);
    expect(logical.join("\n")).not.toMatch(/Key Lookup/);
    expect(logical.some((l) => /Filter/.test(l))).toBe(true);
    expect(logical.some((l) => /Scan on t \(columns #0, #1, #2\)/.test(l))).toBe(true);
    await db.close();
  });

  it("LOGICAL works for CREATE MATERIALIZED VIEW (the query before it becomes a dataflow) and DML", async () => {
    const db = await Database.open({ memory: true });
    await db.execute("CREATE TABLE t (a INT, b TEXT, c INT)");
    const cmv = "CREATE MATERIALIZED VIEW v AS SELECT c, count(*) FROM t GROUP BY c";
    const logical = await planLines(db, `EXPLAIN (LOGICAL) ${cmv}`);
    const dataflow = await planLines(db, `EXPLAIN ${cmv}`);
    expect(logical[0]).toBe("Materialized View v");
    expect(logical.some((l) => /HashAggregate/.test(l))).toBe(true);
    expect(logical.some((l) => /Scan on t/.test(l))).toBe(true);
    expect(logical.some((l) => /State:|ChangeFeed/.test(l))).toBe(false);
    expect(dataflow.some((l) => /ChangeFeed from t/.test(l))).toBe(true);
    expect(await db.execute("SELECT * FROM v").catch((e: unknown) => e)).toMatchObject({ code: "42P01" }); // nothing was created
    expect((await planLines(db, "EXPLAIN (LOGICAL) DELETE FROM t WHERE c > 3")).some((l) => /Filter/.test(l))).toBe(true);
    await db.close();
  });

  it("LOGICAL leaves out the vector index scan the optimizer picks", async () => {
    const db = await Database.open({ memory: true });
    await db.execute("CREATE TABLE docs (id INT PRIMARY KEY, emb VECTOR(3))");
    await db.execute("INSERT INTO docs SELECT g, ('[' || g || ', 1, ' || (g % 5) || ']')::vector FROM generate_series(1, 50) g");
    await db.execute("CREATE INDEX docs_emb ON docs USING hnsw (emb vector_l2_ops)");
    const sql = "SELECT id FROM docs ORDER BY emb <-> '[1, 1, 1]' LIMIT 3";
    expect((await planLines(db, `EXPLAIN ${sql}`)).join("\n")).toContain("Index Scan using docs_emb on docs (hnsw)");
    const logical = (await planLines(db, `EXPLAIN (LOGICAL) ${sql}`)).join("\n");
    expect(logical).not.toContain("Index Scan");
    expect(logical).toMatch(/Limit[\s\S]*Sort[\s\S]*Scan on docs/);
    await db.close();
  });

  it("an unknown option is 42601 at its position; Postgres's options still work", async () => {
    const db = await Database.open({ memory: true });
    const sql = "EXPLAIN (LOGICAL, bogus) SELECT 1";
    const err = await db.execute(sql).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SqlError);
    expect(err).toMatchObject({ code: "42601", message: 'unrecognized EXPLAIN option "bogus"', position: sql.indexOf("bogus") + 1 });
    expect(await planLines(db, "EXPLAIN (COSTS false, VERBOSE, FORMAT TEXT, BUFFERS off, TIMING, SUMMARY) SELECT 1")).toEqual(await planLines(db, "EXPLAIN SELECT 1"));
    expect(await db.execute("EXPLAIN (FORMAT csv) SELECT 1").catch((e: unknown) => e)).toMatchObject({ code: "22023", message: 'unrecognized value for EXPLAIN option "format": "csv"', position: 10 });
    expect(await db.execute("EXPLAIN (ANALYZE, LOGICAL) SELECT 1").catch((e: unknown) => e)).toMatchObject({ code: "0A000" });
    await db.close();
  });
});

describe("sage_catalog.operators", () => {
  it("shows live counters of a running nexmark view", async () => {
    const db = await Database.open({ memory: true });
    await db.execute(`
      CREATE STREAM bid (auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR, date_time TIMESTAMP, extra VARCHAR,
                         WATERMARK FOR date_time AS date_time - INTERVAL '1 second')
        WITH (connector = 'nexmark', nexmark.table = 'bid', nexmark.events_per_second = '20000', nexmark.max_events = '200000');
      CREATE MATERIALIZED VIEW q5ish AS
        SELECT auction, window_start, count(*) AS n
        FROM TUMBLE(bid, date_time, INTERVAL '2 seconds')
        GROUP BY auction, window_start;`);
    const read = async () => {
      const [r] = await db.execute("SELECT name, operator_id, kind, rows_in, rows_out, time_ms, state_rows, state_bytes, watermark FROM sage_catalog.operators WHERE name = 'q5ish' ORDER BY operator_id");
      return r.rows;
    };
    const deadline = Date.now() + 20_000;
    let first = await read();
    while ((first.find((r) => r[2] === "ChangeFeed")?.[4] as bigint) === 0n && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      first = await read();
    }
    expect(first.map((r) => r[2])).toContain("HashAggregate");
    expect(first.map((r) => r[2])).toContain("ChangeFeed");
    // ids are the plan's preorder positions, the root first
    expect(first.map((r) => r[1])).toEqual(first.map((_, i) => i));
    const feed = () => first.find((r) => r[2] === "ChangeFeed")!;
    const before = feed()[4] as bigint;
    expect(before).toBeGreaterThan(0n);
    // the counters move while the source runs
    let later = await read();
    while ((later.find((r) => r[2] === "ChangeFeed")![4] as bigint) <= before && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      later = await read();
    }
    expect(later.find((r) => r[2] === "ChangeFeed")![4] as bigint).toBeGreaterThan(before);
    const agg = later.find((r) => r[2] === "HashAggregate")!;
    expect(agg[3] as bigint).toBeGreaterThan(0n);
    expect(agg[6] as bigint).toBeGreaterThan(0n); // groups held
    expect(agg[7] as bigint).toBeGreaterThan(agg[6] as bigint);
    // the watermark reaches the operators below the aggregate as a timestamp
    expect(later.some((r) => typeof r[8] === "string" && /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/.test(r[8] as string))).toBe(true);
    await db.execute("DROP MATERIALIZED VIEW q5ish");
    const [gone] = await db.execute("SELECT count(*) FROM sage_catalog.operators WHERE name = 'q5ish'");
    expect(gone.rows[0][0]).toBe(0n);
    await db.close();
  }, 30_000);
});
