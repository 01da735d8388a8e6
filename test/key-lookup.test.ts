// The key-lookup rule: which filters over a table scan read one row through a unique key's index
// (EXPLAIN shows "Key Lookup"), and that a looked-up read answers like a scan, parameters included.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Database, type Session } from "../src/index.js";

let db: Database;
let s: Session;

beforeAll(async () => {
  db = await Database.open({ memory: true });
  s = db.connect();
  await s.execute("CREATE TABLE kt (id INT PRIMARY KEY, code VARCHAR(10) UNIQUE, a INT, b INT)");
  await s.execute("CREATE TABLE kc (x INT, y INT, v INT, PRIMARY KEY (x, y))");
  await s.execute("INSERT INTO kt SELECT g, 'c' || g, g * 10, g % 7 FROM generate_series(1, 5000) g");
});

afterAll(async () => {
  await db.close();
});

async function plan(sql: string): Promise<string> {
  const [r] = await s.execute(`EXPLAIN ${sql}`);
  return r.rows.map((row) => row[0]).join("\n");
}

describe("key lookups", () => {
  it("are used for key = constant / parameter, and not otherwise", async () => {
    expect(await plan("SELECT a FROM kt WHERE id = 42")).toContain("Key Lookup on kt");
    expect(await plan("SELECT a FROM kt WHERE b = 3 AND 42 = id")).toContain("Key Lookup on kt");
    expect(await plan("SELECT a FROM kt WHERE code = 'c42'")).toContain("Key Lookup on kt");
    expect(await plan("UPDATE kt SET a = 0 WHERE id = 42")).toContain("Key Lookup on kt");
    // not a unique key, an expression, a cross-type comparison, OR, a composite key
    expect(await plan("SELECT a FROM kt WHERE a = 420")).not.toContain("Key Lookup");
    expect(await plan("SELECT a FROM kt WHERE id + 0 = 42")).not.toContain("Key Lookup");
    expect(await plan("SELECT a FROM kt WHERE id = 42::bigint")).not.toContain("Key Lookup");
    expect(await plan("SELECT a FROM kt WHERE id = 42 OR id = 43")).not.toContain("Key Lookup");
    expect(await plan("SELECT v FROM kc WHERE x = 1")).not.toContain("Key Lookup");
  });

  it("answer like a scan, with parameters, after writes", async () => {
    for (const id of [1, 2500, 5000, 5001, 0]) {
      const [looked] = await s.execute("SELECT id, a, code FROM kt WHERE id = $1", [id]);
      const [scanned] = await s.execute("SELECT id, a, code FROM kt WHERE id + 0 = $1", [id]);
      expect(looked.rows).toEqual(scanned.rows);
      expect(looked.rows.length).toBe(id >= 1 && id <= 5000 ? 1 : 0);
    }
    await s.execute("UPDATE kt SET a = -1 WHERE id = 7");
    await s.execute("DELETE FROM kt WHERE id = 8");
    expect((await s.execute("SELECT a FROM kt WHERE id = $1", [7]))[0].rows).toEqual([[-1]]);
    expect((await s.execute("SELECT a FROM kt WHERE id = $1", [8]))[0].rows).toEqual([]);
    expect((await s.execute("SELECT a FROM kt WHERE id = $1", [null]))[0].rows).toEqual([]);
    expect((await s.execute("SELECT id FROM kt WHERE code = $1", ["c9"]))[0].rows).toEqual([[9]]);
  });
});
