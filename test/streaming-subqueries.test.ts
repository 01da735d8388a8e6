// Subqueries decorrelated into joins, and window functions, in continuous queries: the plans
// EXPLAIN shows, the changes SUBSCRIBE pushes, and the shapes still refused. (View contents under
// writes are checked against PostgreSQL in sqltests/streaming/subqueries.slt and
// window_functions.slt, and randomly in streaming-differential.test.ts.)
import { describe, expect, it } from "vitest";
import { Database } from "../src/index.js";

async function setup(): Promise<Database> {
  const db = await Database.open({ memory: true });
  await db.execute("CREATE TABLE o (id INT PRIMARY KEY, k INT, x INT)");
  await db.execute("CREATE TABLE t (id INT PRIMARY KEY, k INT, v INT)");
  return db;
}

async function explain(db: Database, q: string): Promise<string> {
  const [r] = await db.execute(`EXPLAIN CREATE MATERIALIZED VIEW e AS ${q}`);
  return r.rows.map((row) => row[0]).join("\n");
}

describe("decorrelated subqueries in continuous queries", () => {
  it("EXPLAIN shows the joins the subqueries became", async () => {
    const db = await setup();
    expect(await explain(db, "SELECT id FROM o WHERE EXISTS (SELECT 1 FROM t WHERE t.k = o.k AND t.v > 1)")).toMatch(/Hash Join Semi\n\s+Hash Cond: \(#1 = right.#0\)/);
    expect(await explain(db, "SELECT id FROM o WHERE NOT EXISTS (SELECT 1 FROM t WHERE t.k = o.k)")).toMatch(/Hash Join Anti/);
    // NOT IN: anti joins against equal values, against a NULL in the subquery, and (for a NULL x)
    // against a non-empty subquery
    const notIn = await explain(db, "SELECT id FROM o WHERE k NOT IN (SELECT t.k FROM t WHERE t.id = o.id)");
    expect(notIn.match(/Hash Join Anti/g)).toHaveLength(3);
    expect(notIn).toMatch(/Hash Cond: \(#0 = right.#0\) AND \(#1 = right.#1\)/);
    expect(notIn).toMatch(/Join Filter: #1 IS NULL/);
    // with a correlation other than equalities: one anti join matching when x = y is true or NULL
    expect(await explain(db, "SELECT id FROM o WHERE k NOT IN (SELECT t.k FROM t WHERE t.v < o.x)")).toMatch(/Nested Loop Anti\n\s+Join Filter: .* IS NOT FALSE/);
    const scalar = await explain(db, "SELECT id, (SELECT count(*) FROM t WHERE t.k = o.k) FROM o");
    expect(scalar).toMatch(/CASE WHEN #\d+ IS NOT NULL THEN #\d+ ELSE 0 END/);
    expect(scalar).toMatch(/Hash Join Left[\s\S]*HashAggregate\n\s+Group Key: #0\n\s+Aggregates: count_star\(\)/);
  });

  it("SUBSCRIBE pushes a row when its match appears and retracts it when the match goes", async () => {
    const db = await setup();
    const s = db.connect();
    await s.execute("INSERT INTO o VALUES (1, 1, 10), (2, 2, 20)");
    const [r] = await s.execute("SUBSCRIBE (SELECT id FROM o WHERE EXISTS (SELECT 1 FROM t WHERE t.k = o.k))");
    const sub = r.subscription!;
    const changes = async () => (await sub.next())!.map((row) => [row[0], row[2]]);
    await s.execute("INSERT INTO t VALUES (1, 2, 0), (2, 2, 0)");
    expect(await changes()).toEqual([["insert", 2]]);
    await s.execute("DELETE FROM t WHERE id = 1"); // one match left: nothing changes
    await s.execute("UPDATE t SET k = 1 WHERE id = 2");
    expect((await changes()).sort()).toEqual([["delete", 2], ["insert", 1]]);
    sub.cancel();
  });

  it("NOT IN turns NULL (the row leaves) when the subquery yields a NULL, as in Postgres", async () => {
    const db = await setup();
    await db.execute("INSERT INTO o VALUES (1, 1, 0), (2, 2, 0), (3, NULL, 0)");
    await db.execute("CREATE MATERIALIZED VIEW ni AS SELECT id FROM o WHERE k NOT IN (SELECT k FROM t)");
    const ids = async () => (await db.execute("SELECT id FROM ni ORDER BY id"))[0].rows.map((r) => r[0]);
    expect(await ids()).toEqual([1, 2, 3]); // empty subquery: NOT IN is true, even for NULL
    await db.execute("INSERT INTO t VALUES (1, 1, 0)");
    expect(await ids()).toEqual([2]);
    await db.execute("INSERT INTO t VALUES (2, NULL, 0)");
    expect(await ids()).toEqual([]);
    await db.execute("DELETE FROM t WHERE id = 2");
    expect(await ids()).toEqual([2]);
  });

  it("shapes that cannot become joins are refused with 0A000", async () => {
    const db = await setup();
    for (const q of [
      "SELECT id FROM o WHERE x > 1 OR k NOT IN (SELECT k FROM t WHERE t.v < o.x)",
      "SELECT id, (SELECT v FROM t WHERE t.k = o.k) FROM o",
      "SELECT id, (SELECT max(v) FROM t WHERE t.k > o.k) FROM o",
      "SELECT id, k < ANY (SELECT k FROM t) FROM o",
      "SELECT id, EXISTS (SELECT 1 FROM t WHERE t.k < o.k) FROM o",
      "SELECT id FROM o WHERE EXISTS (SELECT 1 FROM t WHERE t.k = o.k AND EXISTS (SELECT 1 FROM o o2 WHERE o2.x = o.x AND o2.k = t.v))",
    ]) {
      await expect(db.execute(`CREATE MATERIALIZED VIEW r AS ${q}`), q).rejects.toMatchObject({ code: "0A000", message: expect.stringMatching(/subqueries in expressions/) });
    }
  });
});

describe("window functions in continuous queries", () => {
  it("EXPLAIN shows the incremental window and its state", async () => {
    const db = await setup();
    expect(await explain(db, "SELECT id, sum(v) OVER (PARTITION BY k ORDER BY id) FROM t")).toMatch(/WindowAgg[\s\S]*State: every input row by partition/);
  });

  it("a view with lag() and a running sum follows updates that move rows between partitions", async () => {
    const db = await setup();
    const q = "SELECT id, k, lag(v) OVER (PARTITION BY k ORDER BY id) AS prev, sum(v) OVER (PARTITION BY k ORDER BY id) AS run FROM t";
    await db.execute(`CREATE MATERIALIZED VIEW w AS ${q}`);
    const rows = async (sql: string) => (await db.execute(sql))[0].rows.map((r) => r.map((v) => (typeof v === "bigint" ? Number(v) : v)));
    await db.execute("INSERT INTO t VALUES (1, 1, 10), (2, 1, 20), (3, 2, 5)");
    expect(await rows("SELECT * FROM w ORDER BY id")).toEqual([
      [1, 1, null, 10],
      [2, 1, 10, 30],
      [3, 2, null, 5],
    ]);
    await db.execute("UPDATE t SET k = 2 WHERE id = 1");
    expect(await rows("SELECT * FROM w ORDER BY id")).toEqual([
      [1, 2, null, 10],
      [2, 1, null, 20],
      [3, 2, 10, 15],
    ]);
    expect(await rows("SELECT * FROM w ORDER BY id")).toEqual(await rows(`${q} ORDER BY id`));
  });
});
