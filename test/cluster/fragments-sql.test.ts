// The fragments of a view as SQL reaches them: WITH (parallelism = n) and SET
// streaming_parallelism (stored in the catalog, bad values refused with 22023) and EXPLAIN
// (FRAGMENTS), whose text for a join + aggregate view is checked exactly; plain EXPLAIN is unchanged.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Database, type Session } from "../../src/index.js";

let db: Database;
let s: Session;

async function lines(sql: string): Promise<string[]> {
  const [r] = await s.execute(sql);
  return r.rows.map((row) => String(row[0]));
}

async function sqlError(sql: string): Promise<{ code: string; message: string }> {
  try {
    await s.execute(sql);
  } catch (e) {
    return { code: (e as { code: string }).code, message: (e as Error).message };
  }
  throw new Error(`no error from ${sql}`);
}

describe("fragments from SQL", () => {
  beforeAll(async () => {
    db = await Database.open({ memory: true });
    s = db.connect();
    await s.execute("CREATE TABLE orders (id INT PRIMARY KEY, cust INT, amt INT)");
    await s.execute("CREATE TABLE customers (id INT PRIMARY KEY, region TEXT)");
  });
  afterAll(async () => {
    await db.close();
  });

  it("EXPLAIN (FRAGMENTS) of a join + aggregate view", async () => {
    const text = await lines(
      "EXPLAIN (FRAGMENTS) CREATE MATERIALIZED VIEW by_region WITH (parallelism = 4) AS SELECT c.region, count(*) AS n, sum(o.amt) AS total FROM orders o JOIN customers c ON o.cust = c.id GROUP BY c.region",
    );
    // customers is placed by its primary key, the join key: its rows need no exchange
    expect(text).toEqual([
      "Fragment 0 (parallelism 4)",
      "  Output: materialize by_region",
      "  Input: exchange 0 from fragment 1, hash(#3)",
      "  HashAggregate",
      "    Group Key: #3",
      "    Aggregates: count_star(), sum_int(#1)",
      "  ->  Exchange Source (exchange 0)",
      "Fragment 1 (parallelism 4)",
      "  Output: exchange 0 to fragment 0, hash(#3)",
      "  Input: exchange 1 from fragment 2, hash(#0)",
      "  Input: changes of customers",
      "  Hash Join",
      "    Hash Cond: (#0 = right.#0)",
      "  ->  Exchange Source (exchange 1)",
      "  ->  ChangeFeed from customers (columns #0, #1)",
      "Fragment 2 (parallelism 4)",
      "  Output: exchange 1 to fragment 1, hash(#0)",
      "  Input: changes of orders",
      "  ChangeFeed from orders (columns #1, #2)",
    ]);
  });

  it("plain EXPLAIN of the same view does not show fragments", async () => {
    const text = await lines(
      "EXPLAIN CREATE MATERIALIZED VIEW by_region WITH (parallelism = 4) AS SELECT c.region, count(*) AS n FROM orders o JOIN customers c ON o.cust = c.id GROUP BY c.region",
    );
    expect(text[0]).toBe("Materialize by_region");
    expect(text.some((l) => l.includes("Fragment") || l.includes("Exchange"))).toBe(false);
  });

  it("a global aggregate gathers into one partition", async () => {
    const text = await lines("EXPLAIN (FRAGMENTS) CREATE MATERIALIZED VIEW total WITH (parallelism = 3) AS SELECT sum(amt) FROM orders");
    expect(text.filter((l) => l.startsWith("Fragment"))).toEqual(["Fragment 0 (parallelism 3)", "Fragment 1 (parallelism 1)", "Fragment 2 (parallelism 3)"]);
    expect(text).toContain("  Input: exchange 1 from fragment 2, single");
  });

  it("the parallelism is stored in the catalog: WITH (parallelism), else SET streaming_parallelism, else 1", async () => {
    await s.execute("CREATE MATERIALIZED VIEW p_default AS SELECT cust FROM orders");
    await s.execute("CREATE MATERIALIZED VIEW p_with WITH (parallelism = 6) AS SELECT cust FROM orders");
    await s.execute("SET streaming_parallelism = 3");
    expect((await lines("SHOW streaming_parallelism"))[0]).toBe("3");
    await s.execute("CREATE MATERIALIZED VIEW p_set AS SELECT cust FROM orders");
    const text = await lines("EXPLAIN (FRAGMENTS) SELECT cust, count(*) FROM orders GROUP BY cust");
    expect(text[0]).toBe("Fragment 0 (parallelism 3)");
    await s.execute("RESET streaming_parallelism");
    expect(db.catalog.getRelation(["p_default"]).parallelism).toBe(1);
    expect(db.catalog.getRelation(["p_with"]).parallelism).toBe(6);
    expect(db.catalog.getRelation(["p_set"]).parallelism).toBe(3);
    // the view works as before
    await s.execute("INSERT INTO orders VALUES (1, 7, 10)");
    expect((await s.execute("SELECT * FROM p_with"))[0].rows).toEqual([[7]]);
  });

  it("a bad parallelism is refused with 22023", async () => {
    for (const bad of ["0", "-1", "2.5", "257", "'many'", "true"]) {
      const e = await sqlError(`CREATE MATERIALIZED VIEW bad WITH (parallelism = ${bad}) AS SELECT cust FROM orders`);
      expect(e.code, bad).toBe("22023");
    }
    for (const bad of ["0", "-3", "1.5", "300", "'x'"]) {
      const e = await sqlError(`SET streaming_parallelism = ${bad}`);
      expect(e.code, bad).toBe("22023");
    }
    const e = await sqlError("EXPLAIN (FRAGMENTS) CREATE MATERIALIZED VIEW bad WITH (parallelism = 0) AS SELECT cust FROM orders");
    expect(e.code).toBe("22023");
    expect(db.catalog.findRelation(["public", "bad"])).toBeUndefined();
  });

  it("EXPLAIN (FRAGMENTS) of other statements is refused", async () => {
    expect((await sqlError("EXPLAIN (FRAGMENTS) INSERT INTO orders VALUES (2, 1, 1)")).code).toBe("0A000");
  });
});
