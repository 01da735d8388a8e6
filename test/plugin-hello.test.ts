// The example plugin (examples/plugin-hello) loaded the way a user loads one: its connector
// feeds a stream and a materialized view, its model provider answers EMBED and GENERATE.
import { describe, expect, it } from "vitest";
import { Database, SqlError, formatValue } from "../src/index.js";

const PLUGIN = "./examples/plugin-hello";

async function rows(db: Database, sql: string): Promise<string[]> {
  const rs = await db.execute(sql);
  const r = rs[rs.length - 1];
  return r.rows.map((row) => row.map((v, i) => (v === null ? "NULL" : formatValue(r.columns[i].type, v))).join("|"));
}

async function until(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("plugins", () => {
  it("loads a connector plugin that feeds streams and views", async () => {
    const db = await Database.open({ memory: true, plugins: [PLUGIN] });
    await db.execute(`
      CREATE STREAM prices (seq BIGINT, symbol TEXT, price DOUBLE PRECISION)
        WITH (connector = 'ticker', ticker.symbols = 'ACME,INIT', ticker.count = 100, retention = 'all');
      CREATE MATERIALIZED VIEW per_symbol AS SELECT symbol, count(*) AS n, max(seq) AS last FROM prices GROUP BY symbol;`);
    await until(async () => (await rows(db, "SELECT sum(n) FROM per_symbol"))[0] === "100");
    expect(await rows(db, "SELECT * FROM per_symbol ORDER BY symbol")).toEqual(["ACME|50|99", "INIT|50|100"]);
    const prices = await rows(db, "SELECT min(price) >= 100 AND max(price) < 200 FROM prices");
    expect(prices).toEqual(["t"]);
    await db.close();
  });

  it("loads a model provider plugin for EMBED and GENERATE", async () => {
    const db = await Database.open({ memory: true, plugins: [PLUGIN] });
    await db.execute(`
      CREATE MODEL letters WITH (provider = 'echo', task = 'embedding', dimensions = 4);
      CREATE MODEL greeter WITH (provider = 'echo', task = 'generation');`);
    // 'abcd': char codes 97..100 fall in buckets 1, 2, 3, 0 → one each
    expect(await rows(db, "SELECT EMBED('abcd', 'letters')")).toEqual(["[1,1,1,1]"]);
    expect(await rows(db, "SELECT GENERATE('world', 'greeter')")).toEqual(["hello, world"]);
    await db.close();
  });

  it("refuses a plugin that cannot be loaded, and unknown connectors stay unknown", async () => {
    await expect(Database.open({ memory: true, plugins: ["./examples/no-such-plugin"] })).rejects.toThrow(/could not be loaded/);
    const db = await Database.open({ memory: true });
    const e = await db.execute("CREATE STREAM s (a INT) WITH (connector = 'no_such_thing')").catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SqlError);
    await db.close();
  });
});
