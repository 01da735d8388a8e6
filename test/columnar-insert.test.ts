// The columnar INSERT path (src/table-insert.ts) against the row path it replaces: every statement
// runs on a table that takes chunks and on its twin with a CHECK (TRUE), which keeps the row path;
// results, errors, table contents, views over them and recovery from the log must agree. Also the
// literal VALUES scanner (src/parser/literal-insert.ts) as reached through SQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Database, type Session } from "../src/index.js";

let db: Database;
let s: Session;

async function outcome(sql: string): Promise<unknown> {
  try {
    const [r] = await s.execute(sql);
    return { tag: r.command, count: r.rowCount, rows: r.rows, notices: r.notices };
  } catch (e) {
    const err = e as { code?: string; message: string; detail?: string };
    return { code: err.code, message: err.message, detail: err.detail };
  }
}

async function contents(table: string): Promise<unknown[][]> {
  const [r] = await s.execute(`SELECT * FROM ${table} ORDER BY 1, 2, 3`);
  return r.rows;
}

/** Runs `sql` (with $T for the table) on both twins; their outcomes, with the names swapped back, must match. */
async function same(sql: string): Promise<unknown> {
  const text = (v: unknown) => JSON.stringify(v, (_, x) => (typeof x === "bigint" ? `${x}n` : x));
  const fast = await outcome(sql.replaceAll("$T", "fast"));
  const slow = await outcome(sql.replaceAll("$T", "slow"));
  expect(text(fast)).toEqual(text(slow).replaceAll("slow", "fast"));
  expect(await contents("fast")).toEqual(await contents("slow"));
  return fast;
}

beforeAll(async () => {
  db = await Database.open({ memory: true });
  s = db.connect();
  await s.execute("CREATE TABLE fast (id INT PRIMARY KEY, code TEXT UNIQUE, n BIGINT NOT NULL, x DOUBLE PRECISION, grp INT, sub INT, UNIQUE (grp, sub))");
  await s.execute("CREATE TABLE slow (id INT PRIMARY KEY, code TEXT UNIQUE, n BIGINT NOT NULL, x DOUBLE PRECISION, grp INT, sub INT, UNIQUE (grp, sub), CHECK (TRUE))");
  await s.execute("CREATE MATERIALIZED VIEW fast_sum AS SELECT grp, count(*) AS c, sum(n) AS s FROM fast GROUP BY grp");
  await s.execute("CREATE MATERIALIZED VIEW slow_sum AS SELECT grp, count(*) AS c, sum(n) AS s FROM slow GROUP BY grp");
});

afterAll(async () => {
  await db.close();
});

describe("columnar INSERT", () => {
  it("is taken for tables without CHECK constraints, and not for the twin", () => {
    expect(db.relation(db.catalog.findRelation(["public", "fast"])!.id).chunkInsertable).toBe(true);
    expect(db.relation(db.catalog.findRelation(["public", "slow"])!.id).chunkInsertable).toBe(false);
  });

  it("inserts what the row path inserts, with the same counts, RETURNING and views", async () => {
    expect(await same("INSERT INTO $T SELECT g, 'c' || g, g * 3, g / 2.0, g % 5, g FROM generate_series(1, 3000) g")).toMatchObject({ tag: "INSERT", count: 3000 });
    expect(await same("INSERT INTO $T VALUES (5001, NULL, 7, NULL, NULL, NULL), (5002, NULL, 8, NULL, NULL, NULL) RETURNING id, n * 2, code IS NULL")).toMatchObject({ count: 2, rows: [[5001, 14n, true], [5002, 16n, true]] });
    const [a] = await s.execute("SELECT * FROM fast_sum ORDER BY grp");
    const [b] = await s.execute("SELECT * FROM slow_sum ORDER BY grp");
    expect(a.rows).toEqual(b.rows);
    const [direct] = await s.execute("SELECT grp, count(*), sum(n) FROM fast GROUP BY grp ORDER BY grp");
    expect(a.rows).toEqual(direct.rows);
  });

  it("reports NOT NULL violations on the first failing row and column, changing nothing", async () => {
    const r = (await same("INSERT INTO $T VALUES (6001, 'a', 1, 0, 1, 1), (NULL, 'b', NULL, 0, 1, 2), (6003, 'c', NULL, 0, 1, 3)")) as { code: string; message: string };
    expect(r.code).toBe("23502");
    expect(r.message).toContain('column "id"');
    const r2 = (await same("INSERT INTO $T SELECT g, NULL, CASE WHEN g = 6105 THEN NULL ELSE g END, 0, NULL, NULL FROM generate_series(6100, 6110) g")) as { code: string; detail: string };
    expect(r2.code).toBe("23502");
    expect(r2.detail).toContain("(6105, null, null");
  });

  it("refuses duplicate keys against stored rows and within the statement, on every unique index", async () => {
    expect(await same("INSERT INTO $T VALUES (1, 'new', 1, 0, NULL, NULL)")).toMatchObject({ code: "23505" });
    expect(await same("INSERT INTO $T VALUES (7001, 'c1', 1, 0, NULL, NULL)")).toMatchObject({ code: "23505" });
    expect(await same("INSERT INTO $T VALUES (7001, 'u1', 1, 0, 9, 9), (7002, 'u2', 1, 0, 9, 9)")).toMatchObject({ code: "23505" });
    expect(await same("INSERT INTO $T VALUES (7001, 'u1', 1, 0, 9, 9), (7001, 'u2', 1, 0, 9, 8)")).toMatchObject({ code: "23505" });
    // NULL keys never conflict
    expect(await same("INSERT INTO $T VALUES (7003, NULL, 1, 0, 9, NULL), (7004, NULL, 1, 0, 9, NULL)")).toMatchObject({ count: 2 });
  });

  it("skips conflicting rows with ON CONFLICT DO NOTHING, earlier rows of the statement winning", async () => {
    expect(await same("INSERT INTO $T SELECT g % 8005 + 8000, 'd' || (g % 3), g, 0, NULL, NULL FROM generate_series(0, 20) g ON CONFLICT DO NOTHING RETURNING id, code")).toMatchObject({ count: 3 });
    expect(await same("INSERT INTO $T VALUES (1, 'z', 1, 0, NULL, NULL), (8100, 'z', 2, 0, NULL, NULL) ON CONFLICT DO NOTHING")).toMatchObject({ count: 1 });
    expect(await same("INSERT INTO $T SELECT * FROM $T ON CONFLICT DO NOTHING")).toMatchObject({ count: 0 });
  });

  it("writes the same log records: a restart recovers the rows and the view", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sage-colinsert-"));
    try {
      let d = await Database.open({ dataDir: dir, checkpointInterval: 0 });
      let ss = d.connect();
      await ss.execute("CREATE TABLE t (id INT PRIMARY KEY, name TEXT, v NUMERIC, at TIMESTAMP, ok BOOLEAN)");
      await ss.execute("CREATE MATERIALIZED VIEW tv AS SELECT ok, count(*) AS c, sum(v) AS s FROM t GROUP BY ok");
      await ss.execute("INSERT INTO t SELECT g, 'n' || g, g * 1.5, TIMESTAMP '2026-01-01' + g * INTERVAL '1 hour', g % 2 = 0 FROM generate_series(1, 500) g");
      await ss.execute("INSERT INTO t VALUES (501, NULL, NULL, NULL, NULL), (1, 'dup', 0, NULL, TRUE) ON CONFLICT DO NOTHING");
      const before = (await ss.execute("SELECT * FROM t ORDER BY id"))[0].rows;
      const view = (await ss.execute("SELECT * FROM tv ORDER BY ok"))[0].rows;
      expect(before.length).toBe(501);
      await d.close();
      d = await Database.open({ dataDir: dir, checkpointInterval: 0 });
      ss = d.connect();
      expect((await ss.execute("SELECT * FROM t ORDER BY id"))[0].rows).toEqual(before);
      expect((await ss.execute("SELECT * FROM tv ORDER BY ok"))[0].rows).toEqual(view);
      await expect(ss.execute("INSERT INTO t VALUES (7, 'x', 1, NULL, TRUE)")).rejects.toMatchObject({ code: "23505" });
      await d.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("is reached through SQL: a literal INSERT's errors keep the positions the parsed path reports", async () => {
    const db = await Database.open({ memory: true });
    try {
      const s = db.connect();
      await s.execute("CREATE TABLE lt (id INT PRIMARY KEY, name TEXT, v NUMERIC)");
      const [r] = await s.execute("INSERT INTO lt VALUES (1, 'a', 1.5), (2, NULL, -3)");
      expect(r.rowCount).toBe(2);
      await expect(s.execute("INSERT INTO lt VALUES (3, 'b', 1), (4, 'c', 'x')")).rejects.toMatchObject({ code: "22P02", position: 16 });
      await expect(s.execute("INSERT INTO lt VALUES (5, 'b', 1, 9)")).rejects.toMatchObject({ code: "42601" });
      await expect(s.execute("INSERT INTO lt VALUES (99999999999, 'b', 1)")).rejects.toMatchObject({ code: "22003", position: 16 });
      await expect(s.execute("INSERT INTO nosuch VALUES (1)")).rejects.toMatchObject({ code: "42P01", position: 13 });
      const [rows] = await s.execute("SELECT * FROM lt ORDER BY id");
      expect(rows.rows.map((x) => x[0])).toEqual([1, 2]);
    } finally {
      await db.close();
    }
  });
});
