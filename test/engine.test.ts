// End-to-end checks of the Database API: statements in, Postgres-shaped results and errors out.
import { describe, expect, it } from "vitest";
import { Database, SqlError, formatValue } from "../src/index.js";

async function rows(db: Database, sql: string): Promise<string[][]> {
  const results = await db.execute(sql);
  const last = results[results.length - 1];
  return last.rows.map((r) => r.map((v, i) => (v === null ? "NULL" : formatValue(last.columns[i].type, v))));
}

async function error(db: Database, sql: string): Promise<SqlError> {
  try {
    await db.execute(sql);
  } catch (e) {
    expect(e).toBeInstanceOf(SqlError);
    return e as SqlError;
  }
  throw new Error(`expected an error from: ${sql}`);
}

describe("engine end to end", () => {
  it("creates, inserts and selects with coalesce and ORDER BY", async () => {
    const db = await Database.open({ memory: true });
    const r = await db.execute("CREATE TABLE t (a INT, b TEXT); INSERT INTO t VALUES (1,'x'),(2,NULL); SELECT a, coalesce(b,'-') FROM t ORDER BY a;");
    expect(r.map((x) => x.command)).toEqual(["CREATE TABLE", "INSERT", "SELECT"]);
    expect(r[1].rowCount).toBe(2);
    expect(r[2].columns.map((c) => c.name)).toEqual(["a", "coalesce"]);
    expect(r[2].rows).toEqual([[1, "x"], [2, "-"]]);
  });

  it("joins, groups and filters", async () => {
    const db = await Database.open({ memory: true });
    await db.execute(`
      CREATE TABLE emp (id INT PRIMARY KEY, dept INT, salary INT);
      CREATE TABLE dept (id INT PRIMARY KEY, name TEXT);
      INSERT INTO dept VALUES (1, 'eng'), (2, 'ops'), (3, 'empty');
      INSERT INTO emp VALUES (1, 1, 100), (2, 1, 200), (3, 2, 50), (4, NULL, 10);`);
    expect(await rows(db, "SELECT d.name, count(e.id), sum(e.salary) FROM dept d LEFT JOIN emp e ON e.dept = d.id GROUP BY d.name ORDER BY d.name")).toEqual([
      ["empty", "0", "NULL"],
      ["eng", "2", "300"],
      ["ops", "1", "50"],
    ]);
    expect(await rows(db, "SELECT name FROM dept WHERE id IN (SELECT dept FROM emp WHERE salary > 60) ORDER BY 1")).toEqual([["eng"]]);
    expect(await rows(db, "SELECT id, (SELECT count(*) FROM emp e2 WHERE e2.salary > e.salary) FROM emp e ORDER BY id")).toEqual([
      ["1", "1"],
      ["2", "0"],
      ["3", "2"],
      ["4", "3"],
    ]);
    expect(await rows(db, "SELECT dept, avg(salary) FROM emp GROUP BY dept HAVING count(*) > 1")).toEqual([["1", "150.0000000000000000"]]);
  });

  it("enforces primary keys and NOT NULL with Postgres's SQLSTATEs, atomically", async () => {
    const db = await Database.open({ memory: true });
    await db.execute("CREATE TABLE k (id INT PRIMARY KEY, v TEXT NOT NULL)");
    await db.execute("INSERT INTO k VALUES (1, 'a')");
    const dup = await error(db, "INSERT INTO k VALUES (2, 'b'), (1, 'c')");
    expect(dup.code).toBe("23505");
    expect(dup.detail).toBe("Key (id)=(1) already exists.");
    expect(await rows(db, "SELECT count(*) FROM k")).toEqual([["1"]]);
    expect((await error(db, "INSERT INTO k VALUES (3, NULL)")).code).toBe("23502");
    await db.execute("UPDATE k SET id = id + 1");
    expect(await rows(db, "SELECT id, v FROM k")).toEqual([["2", "a"]]);
  });

  it("reports name errors with SQLSTATE and position", async () => {
    const db = await Database.open({ memory: true });
    await db.execute("CREATE TABLE t (a INT)");
    const e1 = await error(db, "SELECT * FROM nope");
    expect(e1.code).toBe("42P01");
    expect(e1.message).toBe('relation "nope" does not exist');
    expect(e1.position).toBe(15);
    const e2 = await error(db, "SELECT b FROM t");
    expect(e2.code).toBe("42703");
    expect((await error(db, "SELECT a, count(*) FROM t")).code).toBe("42803");
    const e3 = await error(db, "SELECT 1 +\n  FROM t");
    expect(e3.code).toBe("42601");
    expect(e3.line).toBe(2);
  });

  it("computes window functions and set operations", async () => {
    const db = await Database.open({ memory: true });
    await db.execute("CREATE TABLE s (g TEXT, x INT); INSERT INTO s VALUES ('a', 1), ('a', 3), ('b', 2), ('b', 2)");
    expect(await rows(db, "SELECT g, x, row_number() OVER (PARTITION BY g ORDER BY x), sum(x) OVER (PARTITION BY g) FROM s ORDER BY g, x")).toEqual([
      ["a", "1", "1", "4"],
      ["a", "3", "2", "4"],
      ["b", "2", "1", "4"],
      ["b", "2", "2", "4"],
    ]);
    expect(await rows(db, "SELECT x FROM s UNION SELECT 5 ORDER BY 1")).toEqual([["1"], ["2"], ["3"], ["5"]]);
    expect(await rows(db, "SELECT x FROM s INTERSECT ALL SELECT 2")).toEqual([["2"]]);
    expect(await rows(db, "SELECT x FROM s EXCEPT SELECT 2 ORDER BY x")).toEqual([["1"], ["3"]]);
  });
});
