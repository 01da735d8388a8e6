// User-defined functions end to end: LANGUAGE sql functions inlined in ad-hoc queries and
// materialized views, overloads, LANGUAGE javascript scalar and table functions in the worker
// pool, the on_error policy, the time limit, and functions surviving a restart.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Database, SqlError, formatValue } from "../src/index.js";

async function rows(db: Database, sql: string): Promise<string[]> {
  const rs = await db.execute(sql);
  const r = rs[rs.length - 1];
  return r.rows.map((row) => row.map((v, i) => (v === null ? "NULL" : formatValue(r.columns[i].type, v))).join("|"));
}

async function failure(db: Database, sql: string): Promise<SqlError> {
  try {
    await db.execute(sql);
  } catch (e) {
    expect(e).toBeInstanceOf(SqlError);
    return e as SqlError;
  }
  throw new Error(`expected "${sql}" to fail`);
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("LANGUAGE sql functions", () => {
  it("inlines a scalar body in ad-hoc queries and keeps a materialized view up to date", async () => {
    const db = await Database.open({ memory: true });
    await db.execute(`
      CREATE FUNCTION price_with_tax(p NUMERIC, rate NUMERIC) RETURNS NUMERIC LANGUAGE sql AS $$ SELECT round(p * (1 + rate), 2) $$;
      CREATE TABLE items (id INT PRIMARY KEY, price NUMERIC);
      INSERT INTO items VALUES (1, 10), (2, 2.5);`);
    expect(await rows(db, "SELECT id, price_with_tax(price, 0.2) FROM items ORDER BY id")).toEqual(["1|12.00", "2|3.00"]);
    // EXPLAIN shows the body, not a call: the function was inlined
    const plan = (await rows(db, "EXPLAIN SELECT price_with_tax(price, 0.2) FROM items")).join("\n");
    expect(plan).toMatch(/round/);
    expect(plan).not.toMatch(/price_with_tax/);
    await db.execute("CREATE MATERIALIZED VIEW taxed AS SELECT id, price_with_tax(price, 0.1) AS gross FROM items");
    await db.execute("INSERT INTO items VALUES (3, 100); UPDATE items SET price = 20 WHERE id = 1; DELETE FROM items WHERE id = 2");
    expect(await rows(db, "SELECT * FROM taxed ORDER BY id")).toEqual(["1|22.00", "3|110.00"]);
    await db.close();
  });

  it("resolves overloads by argument types, Postgres-style", async () => {
    const db = await Database.open({ memory: true });
    await db.execute(`
      CREATE FUNCTION describe(x INT) RETURNS TEXT LANGUAGE sql AS $$ SELECT 'int ' || x $$;
      CREATE FUNCTION describe(x TEXT) RETURNS TEXT LANGUAGE sql AS $$ SELECT 'text ' || x $$;
      CREATE FUNCTION describe(x INT, y INT) RETURNS TEXT LANGUAGE sql AS $$ SELECT 'two ' || (x + y) $$;`);
    expect(await rows(db, "SELECT describe(1), describe('a'), describe(2, 3), describe(2::smallint)")).toEqual(["int 1|text a|two 5|int 2"]);
    expect((await failure(db, "SELECT describe(1.5)")).code).toBe("42883");
    expect((await failure(db, "CREATE FUNCTION describe(x INT) RETURNS TEXT LANGUAGE sql AS $$ SELECT 'again' $$")).code).toBe("42723");
    await db.execute("CREATE OR REPLACE FUNCTION describe(x INT) RETURNS TEXT LANGUAGE sql AS $$ SELECT 'integer ' || x $$");
    expect(await rows(db, "SELECT describe(7)")).toEqual(["integer 7"]);
    expect((await failure(db, "CREATE OR REPLACE FUNCTION describe(x INT) RETURNS INT LANGUAGE sql AS $$ SELECT 1 $$")).code).toBe("42P13");
    expect((await failure(db, "DROP FUNCTION describe")).code).toBe("42725");
    await db.execute("DROP FUNCTION describe(text)");
    expect((await failure(db, "SELECT describe('a'::text)")).code).toBe("42883");
    expect(await rows(db, "SELECT describe(1)")).toEqual(["integer 1"]);
    await db.close();
  });

  it("runs a body with FROM as a correlated subquery, and RETURNS TABLE as a table function", async () => {
    const db = await Database.open({ memory: true });
    await db.execute(`
      CREATE TABLE t (id INT PRIMARY KEY, v INT);
      INSERT INTO t VALUES (1, 10), (2, 20), (3, 30);
      CREATE FUNCTION count_above(x INT) RETURNS BIGINT LANGUAGE sql AS $$ SELECT count(*) FROM t WHERE v > x $$;
      CREATE FUNCTION at_least(lo INT) RETURNS TABLE (id INT, v INT) LANGUAGE sql AS $$ SELECT id, v FROM t WHERE v >= $1 $$;`);
    // the argument v is the outer row's column, even though t (inside the body) has a column v too
    expect(await rows(db, "SELECT id, count_above(v) FROM t ORDER BY id")).toEqual(["1|2", "2|1", "3|0"]);
    expect(await rows(db, "SELECT * FROM at_least(20) ORDER BY id")).toEqual(["2|20", "3|30"]);
    expect(await rows(db, "SELECT a.v FROM at_least(25) AS a")).toEqual(["30"]);
    expect((await failure(db, "SELECT at_least(1)")).code).toBe("0A000");
    // arguments from an earlier FROM item (implicitly LATERAL): lo is t.v of the outer row, not the body's v
    expect(await rows(db, "SELECT t.id, a.id FROM t, at_least(t.v) AS a ORDER BY 1, 2")).toEqual(["1|1", "1|2", "1|3", "2|2", "2|3", "3|3"]);
    // a RETURNS TABLE function with constant arguments feeds a materialized view
    await db.execute("CREATE MATERIALIZED VIEW big AS SELECT count(*) AS n FROM at_least(20)");
    await db.execute("INSERT INTO t VALUES (4, 40)");
    expect(await rows(db, "SELECT n FROM big")).toEqual(["3"]);
    await db.close();
  });

  it("checks the body at CREATE", async () => {
    const db = await Database.open({ memory: true });
    expect((await failure(db, "CREATE FUNCTION f(a INT) RETURNS INT LANGUAGE sql AS $$ SELECT b $$")).code).toBe("42703");
    expect((await failure(db, "CREATE FUNCTION f(a INT) RETURNS INT LANGUAGE sql AS $$ SELECT 'x'::text $$")).code).toBe("42P13");
    expect((await failure(db, "CREATE FUNCTION f(a INT) RETURNS INT LANGUAGE sql AS $$ SELECT a, a $$")).code).toBe("42P13");
    expect((await failure(db, "CREATE FUNCTION f(a INT) RETURNS INT LANGUAGE plpgsql AS $$ BEGIN END $$")).code).toBe("42704");
    expect((await failure(db, "CREATE FUNCTION f(a INT) RETURNS INT LANGUAGE javascript AS $$ return ( $$")).code).toBe("42P13");
    await db.close();
  });
});

describe("LANGUAGE javascript functions", () => {
  it("runs scalar functions a batch at a time, with exact bigints", async () => {
    const db = await Database.open({ memory: true });
    await db.execute(`
      CREATE FUNCTION js_label(n INT, s TEXT) RETURNS TEXT LANGUAGE javascript AS $$ return s.toUpperCase() + '#' + n $$;
      CREATE FUNCTION js_big(x BIGINT) RETURNS BIGINT LANGUAGE javascript AS $$ return x * 2n + 1n $$;
      CREATE TABLE t (id INT PRIMARY KEY, s TEXT);
      INSERT INTO t SELECT g, 'r' || g FROM generate_series(1, 5000) AS g;`);
    expect(await rows(db, "SELECT js_label(id, s) FROM t WHERE id <= 2 ORDER BY id")).toEqual(["R1#1", "R2#2"]);
    // 5000 rows cross in batches (split across the pool's workers) and come back in order
    expect(await rows(db, "SELECT count(*) FROM t WHERE js_label(id, s) = upper(s) || '#' || id")).toEqual(["5000"]);
    expect(await rows(db, "SELECT js_big(4611686018427387903)")).toEqual(["9223372036854775807"]);
    expect(await rows(db, "SELECT js_label(NULL, 'a')")).toEqual(["A#null"]);
    await db.close();
  });

  it("runs table functions in FROM", async () => {
    const db = await Database.open({ memory: true });
    await db.execute(`
      CREATE FUNCTION js_words(s TEXT) RETURNS TABLE (pos INT, word TEXT) LANGUAGE javascript AS $$
        return s.split(' ').map((w, i) => ({ pos: i + 1, word: w }));
      $$;`);
    expect(await rows(db, "SELECT * FROM js_words('to be or not')")).toEqual(["1|to", "2|be", "3|or", "4|not"]);
    expect(await rows(db, "SELECT upper(word) FROM js_words('a b') WHERE pos = 2")).toEqual(["B"]);
    await db.execute("CREATE TABLE lines (id INT, line TEXT); INSERT INTO lines VALUES (1, 'x y'), (2, 'z')");
    expect(await rows(db, "SELECT l.id, w.word FROM lines l, js_words(l.line) AS w ORDER BY 1, 2")).toEqual(["1|x", "1|y", "2|z"]);
    await db.close();
  });

  it("fails the statement on a throw by default, or gives NULL and records it with on_error = 'null'", async () => {
    const db = await Database.open({ memory: true });
    await db.execute(`
      CREATE FUNCTION strict_inv(x INT) RETURNS DOUBLE PRECISION LANGUAGE javascript AS $$ if (x === 0) throw new Error('zero has no inverse'); return 1 / x $$;
      CREATE FUNCTION lenient_inv(x INT) RETURNS DOUBLE PRECISION LANGUAGE javascript WITH (on_error = 'null') AS $$ if (x === 0) throw new Error('zero has no inverse'); return 1 / x $$;
      CREATE TABLE t (x INT);
      INSERT INTO t VALUES (1), (0), (4);`);
    const e = await failure(db, "SELECT strict_inv(x) FROM t");
    expect(e.code).toBe("22000");
    expect(e.message).toContain("strict_inv");
    expect(e.message).toContain("zero has no inverse");
    expect(await rows(db, "SELECT x, lenient_inv(x) FROM t ORDER BY x")).toEqual(["0|NULL", "1|1", "4|0.25"]);
    expect(await rows(db, "SELECT function, error, input FROM sage_catalog.function_errors")).toEqual(["lenient_inv|zero has no inverse|0"]);
    // a result that does not fit the return type follows the same policy
    await db.execute("CREATE FUNCTION bad_int(x INT) RETURNS INT LANGUAGE javascript AS $$ return x + 0.5 $$");
    expect((await failure(db, "SELECT bad_int(1)")).code).toBe("22000");
    await db.close();
  });

  it("keeps a materialized view over a javascript function up to date, NULL policy included", async () => {
    const db = await Database.open({ memory: true });
    await db.execute(`
      CREATE FUNCTION parse_qty(s TEXT) RETURNS INT LANGUAGE javascript WITH (on_error = 'null') AS $$
        const n = Number(s); if (!Number.isInteger(n)) throw new Error('not a number: ' + s); return n;
      $$;
      CREATE TABLE orders (id INT PRIMARY KEY, qty TEXT);
      CREATE MATERIALIZED VIEW totals AS SELECT sum(parse_qty(qty)) AS total, count(parse_qty(qty)) AS good FROM orders;
      INSERT INTO orders VALUES (1, '3'), (2, 'x'), (3, '4');`);
    expect(await rows(db, "SELECT * FROM totals")).toEqual(["7|2"]);
    await db.execute("DELETE FROM orders WHERE id = 1");
    expect(await rows(db, "SELECT * FROM totals")).toEqual(["4|1"]);
    // the view needs the function: DROP refuses until the view is gone
    const e = await failure(db, "DROP FUNCTION parse_qty");
    expect(e.code).toBe("2BP01");
    expect(e.detail).toContain("totals");
    await db.execute("DROP MATERIALIZED VIEW totals; DROP FUNCTION parse_qty");
    await db.close();
  });

  it("stops an endless loop at the time limit and stays responsive", async () => {
    const db = await Database.open({ memory: true });
    await db.execute(`
      CREATE FUNCTION spin(x INT) RETURNS INT LANGUAGE javascript WITH (timeout_ms = 300) AS $$ while (true) {} $$;
      CREATE FUNCTION spin_or_null(x INT) RETURNS INT LANGUAGE javascript WITH (timeout_ms = 300, on_error = 'null') AS $$ while (true) {} $$;
      CREATE FUNCTION twice(x INT) RETURNS INT LANGUAGE javascript AS $$ return 2 * x $$;`);
    const t0 = Date.now();
    const e = await failure(db, "SELECT spin(1)");
    expect(e.code).toBe("57014");
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(await rows(db, "SELECT spin_or_null(1), twice(21)")).toEqual(["NULL|42"]);
    expect(await rows(db, "SELECT count(*) FROM sage_catalog.function_errors WHERE function = 'spin_or_null'")).toEqual(["1"]);
    expect(await rows(db, "SELECT twice(5)")).toEqual(["10"]);
    await db.close();
  });

  it("stops a function that allocates past its memory limit", async () => {
    const db = await Database.open({ memory: true });
    await db.execute(`
      CREATE FUNCTION hog(x INT) RETURNS INT LANGUAGE javascript WITH (memory_limit_mb = 16, timeout_ms = 1500) AS $$
        const keep = []; for (;;) keep.push(new Array(100000).fill(x));
      $$;
      CREATE FUNCTION twice(x INT) RETURNS INT LANGUAGE javascript AS $$ return 2 * x $$;`);
    expect((await failure(db, "SELECT hog(1)")).code).toBe("57014");
    expect(await rows(db, "SELECT twice(4)")).toEqual(["8"]);
    await db.close();
  });
});

describe("privileges", () => {
  it("lets only superusers create javascript functions (an untrusted language)", async () => {
    const db = await Database.open({ memory: true });
    const plain = db.connect({ user: "alice", superuser: false });
    const e = await plain.execute("CREATE FUNCTION f(x INT) RETURNS INT LANGUAGE javascript AS $$ return x $$").catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SqlError);
    expect((e as SqlError).code).toBe("42501");
    await plain.execute("CREATE FUNCTION g(x INT) RETURNS INT LANGUAGE sql AS $$ SELECT x * 3 $$");
    await db.execute("CREATE FUNCTION f(x INT) RETURNS INT LANGUAGE javascript AS $$ return x + 1 $$");
    // calling is not restricted
    expect((await plain.execute("SELECT f(1), g(2)"))[0].rows).toEqual([[2, 6]]);
    await db.close();
  });
});

describe("functions are catalog objects", () => {
  it("survive a restart and show in SHOW FUNCTIONS", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sage-udf-"));
    dirs.push(dir);
    let db = await Database.open({ dataDir: dir });
    await db.execute(`
      CREATE FUNCTION inc(a INT) RETURNS INT LANGUAGE sql AS $$ SELECT a + 1 $$;
      CREATE FUNCTION shout(s TEXT) RETURNS TEXT LANGUAGE javascript AS $$ return s + '!' $$;
      CREATE FUNCTION gone(a INT) RETURNS INT LANGUAGE sql AS $$ SELECT a $$;
      DROP FUNCTION gone(int);
      CREATE TABLE t (a INT);
      INSERT INTO t VALUES (1), (2);
      CREATE MATERIALIZED VIEW mv AS SELECT inc(a) AS b, shout(a::text) AS s FROM t;`);
    await db.close();
    db = await Database.open({ dataDir: dir });
    expect(await rows(db, "SELECT inc(41), shout('hi')")).toEqual(["42|hi!"]);
    await db.execute("INSERT INTO t VALUES (3)");
    expect(await rows(db, "SELECT * FROM mv ORDER BY b")).toEqual(["2|1!", "3|2!", "4|3!"]);
    expect(await rows(db, "SHOW FUNCTIONS")).toEqual(["inc|a integer|integer|sql|0", "shout|s text|text|javascript|0"]);
    expect(await rows(db, "SHOW CREATE FUNCTION shout")).toEqual(["shout(s text)|CREATE FUNCTION shout(s TEXT) RETURNS TEXT LANGUAGE javascript AS $$ return s + '!' $$"]);
    expect((await failure(db, "SELECT gone(1)")).code).toBe("42883");
    await db.close();
  });
});
