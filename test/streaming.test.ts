// Materialized views stay equal to their query run from scratch, through inserts, updates,
// deletes and truncation of their inputs, including views on views.
import { describe, expect, it } from "vitest";
import { Database, formatValue } from "../src/index.js";

async function sorted(db: Database, sql: string): Promise<string[]> {
  const [r] = await db.execute(sql);
  return r.rows.map((row) => row.map((v, i) => (v === null ? "NULL" : formatValue(r.columns[i].type, v))).join("|")).sort();
}

async function expectViewEqualsQuery(db: Database, view: string, query: string): Promise<void> {
  expect(await sorted(db, `SELECT * FROM ${view}`)).toEqual(await sorted(db, query));
}

describe("materialized views", () => {
  it("maintains an aggregate over a table through inserts, updates and deletes", async () => {
    const db = await Database.open({ memory: true });
    await db.execute("CREATE TABLE t (id INT PRIMARY KEY, g TEXT, v INT)");
    await db.execute("INSERT INTO t VALUES (1, 'a', 10), (2, 'a', 20), (3, 'b', 5)");
    const q = "SELECT g, count(*) AS n, sum(v) AS s, min(v) AS lo, max(v) AS hi FROM t GROUP BY g";
    await db.execute(`CREATE MATERIALIZED VIEW mv AS ${q}`);
    await expectViewEqualsQuery(db, "mv", q);
    await db.execute("INSERT INTO t VALUES (4, 'b', 50), (5, 'c', 1)");
    await expectViewEqualsQuery(db, "mv", q);
    await db.execute("UPDATE t SET v = v + 100 WHERE g = 'a'");
    await expectViewEqualsQuery(db, "mv", q);
    await db.execute("DELETE FROM t WHERE v = 50 OR g = 'c'");
    await expectViewEqualsQuery(db, "mv", q);
    expect(await sorted(db, "SELECT * FROM mv")).toEqual(["a|2|230|110|120", "b|1|5|5|5"]);
    await db.execute("TRUNCATE t");
    expect(await sorted(db, "SELECT * FROM mv")).toEqual([]);
  });

  it("maintains joins, outer joins and views on views", async () => {
    const db = await Database.open({ memory: true });
    await db.execute(`
      CREATE TABLE a (id INT PRIMARY KEY, k INT);
      CREATE TABLE b (id INT PRIMARY KEY, k INT, w TEXT);
      INSERT INTO a VALUES (1, 1), (2, 2), (3, NULL);
      INSERT INTO b VALUES (10, 1, 'x');`);
    const joinQ = "SELECT a.id, b.w FROM a LEFT JOIN b ON a.k = b.k";
    await db.execute(`CREATE MATERIALIZED VIEW j AS ${joinQ}`);
    await db.execute("CREATE MATERIALIZED VIEW jc AS SELECT w, count(*) AS n FROM j GROUP BY w");
    const steps = [
      "INSERT INTO b VALUES (11, 2, 'y'), (12, 1, 'z')",
      "DELETE FROM b WHERE id = 10",
      "UPDATE a SET k = 2 WHERE id = 3",
      "DELETE FROM a WHERE id = 2",
      "UPDATE b SET k = NULL",
    ];
    for (const s of steps) {
      await db.execute(s);
      await expectViewEqualsQuery(db, "j", joinQ);
      await expectViewEqualsQuery(db, "jc", `SELECT w, count(*) FROM (${joinQ}) q GROUP BY w`);
    }
  });

  it("refuses DROP of a table a view reads unless CASCADE", async () => {
    const db = await Database.open({ memory: true });
    await db.execute("CREATE TABLE t (x INT); CREATE MATERIALIZED VIEW m AS SELECT x FROM t WHERE x > 0");
    await expect(db.execute("DROP TABLE t")).rejects.toMatchObject({ code: "2BP01" });
    const [r] = await db.execute("DROP TABLE t CASCADE");
    expect(r.notices).toContain("drop cascades to materialized view m");
    await expect(db.execute("SELECT * FROM m")).rejects.toMatchObject({ code: "42P01" });
  });
});

describe("SUBSCRIBE", () => {
  it("sends the snapshot, then each change with its op and a rising timestamp", async () => {
    const db = await Database.open({ memory: true });
    const s = db.connect();
    await s.execute("CREATE TABLE t (g TEXT, v INT); INSERT INTO t VALUES ('a', 1)");
    await s.execute("CREATE MATERIALIZED VIEW m AS SELECT g, sum(v) AS s FROM t GROUP BY g");
    const [r] = await s.execute("SUBSCRIBE m");
    const sub = r.subscription!;
    expect(r.columns.map((c) => c.name)).toEqual(["op", "ts", "g", "s"]);
    const first = (await sub.next())!;
    expect(first.map((row) => [row[0], row[2], row[3]])).toEqual([["insert", "a", 1n]]);
    await s.execute("INSERT INTO t VALUES ('a', 2), ('b', 5)");
    const second = (await sub.next())!;
    expect(second.map((row) => [row[0], row[2], row[3]]).sort()).toEqual([["delete", "a", 1n], ["insert", "a", 3n], ["insert", "b", 5n]].sort());
    expect(second[0][1] as bigint).toBeGreaterThan(first[0][1] as bigint);
    sub.cancel();
    expect(await sub.next()).toBeNull();
  });

  it("subscribes to a query and stops its dataflow when cancelled", async () => {
    const db = await Database.open({ memory: true });
    const s = db.connect();
    await s.execute("CREATE TABLE t (x INT)");
    const [r] = await s.execute("SUBSCRIBE (SELECT count(*) AS n FROM t WHERE x > 10)");
    const sub = r.subscription!;
    expect((await sub.next())!.map((row) => [row[0], row[2]])).toEqual([["insert", 0n]]);
    await s.execute("INSERT INTO t VALUES (5), (50)");
    expect((await sub.next())!.map((row) => [row[0], row[2]]).sort()).toEqual([["delete", 0n], ["insert", 1n]]);
    sub.cancel();
    expect(db.streams.all()).toHaveLength(0);
  });
});

describe("incremental top-N", () => {
  it("keeps ORDER BY ... LIMIT and ROW_NUMBER() <= n views exact through inserts and deletes", async () => {
    const db = await Database.open({ memory: true });
    await db.execute("CREATE TABLE s (id INT PRIMARY KEY, g TEXT, score INT)");
    const top = "SELECT id, score FROM s ORDER BY score DESC, id LIMIT 3";
    const perGroup = "SELECT g, id, rn FROM (SELECT g, id, row_number() OVER (PARTITION BY g ORDER BY score DESC, id) AS rn FROM s) x WHERE rn <= 2";
    await db.execute(`CREATE MATERIALIZED VIEW top3 AS ${top}`);
    await db.execute(`CREATE MATERIALIZED VIEW top2g AS ${perGroup}`);
    const [plan] = await db.execute(`EXPLAIN CREATE MATERIALIZED VIEW x AS ${perGroup}`);
    expect(plan.rows.map((r) => r[0]).join("\n")).toMatch(/TopN \(limit 2, with row number\)/);
    const steps = [
      "INSERT INTO s VALUES (1, 'a', 10), (2, 'a', 20), (3, 'b', 5), (4, 'a', 15), (5, 'b', 50)",
      "INSERT INTO s VALUES (6, 'a', 30)",
      "DELETE FROM s WHERE id = 6",
      "UPDATE s SET score = 1 WHERE id = 5",
      "UPDATE s SET g = 'b' WHERE id = 2",
      "DELETE FROM s WHERE g = 'a'",
    ];
    for (const step of steps) {
      await db.execute(step);
      await expectViewEqualsQuery(db, "top3", top);
      await expectViewEqualsQuery(db, "top2g", perGroup);
    }
  });
});

describe("sage_catalog", () => {
  it("shows generator sources and their progress", async () => {
    const db = await Database.open({ memory: true });
    await db.execute("CREATE STREAM b (auction BIGINT, price BIGINT) WITH (connector = 'nexmark', nexmark.table = 'bid', nexmark.events_per_second = 0, nexmark.max_events = 1000)");
    for (let i = 0; i < 200 && (await sorted(db, "SELECT exhausted FROM sage_catalog.sources"))[0] !== "t"; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await sorted(db, "SELECT stream, connector, rows_produced, exhausted FROM sage_catalog.sources")).toEqual(["b|nexmark|920|t"]);
    await db.close();
  });
});
