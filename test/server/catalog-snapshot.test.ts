// The pg_catalog emulation keeps its scratch database between queries: answers follow DDL at
// once (changed relations are reloaded), and concurrent sessions each see their own view.

import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./fixture.js";

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
});

afterAll(async () => {
  await t.close();
});

async function client(user: string): Promise<pg.Client> {
  const c = new pg.Client({ host: "127.0.0.1", port: t.port, user, database: "sage" });
  await c.connect();
  return c;
}

describe("catalog snapshot", () => {
  it("follows DDL between catalog queries", async () => {
    const c = await client("sage");
    const tables = async () => (await c.query("SELECT c.relname FROM pg_catalog.pg_class c WHERE c.relname LIKE 'snap%' AND c.relkind = 'r' ORDER BY 1")).rows.map((r) => r.relname);
    const columns = async (table: string) => (await c.query(`SELECT a.attname FROM pg_catalog.pg_attribute a WHERE a.attrelid = '${table}'::regclass AND a.attnum > 0 ORDER BY a.attnum`)).rows.map((r) => r.attname);
    try {
      expect(await tables()).toEqual([]);
      await c.query("CREATE TABLE snap1 (a INT)");
      expect(await tables()).toEqual(["snap1"]);
      expect(await columns("snap1")).toEqual(["a"]);
      await c.query("CREATE TABLE snap2 (b TEXT, c INT)");
      await c.query("ALTER TABLE snap1 ADD COLUMN z TEXT");
      expect(await tables()).toEqual(["snap1", "snap2"]);
      expect(await columns("snap1")).toEqual(["a", "z"]);
      await c.query("DROP TABLE snap1");
      expect(await tables()).toEqual(["snap2"]);
    } finally {
      await c.end();
    }
  });

  it("answers concurrent sessions each with their own user", async () => {
    const users = ["sage", "ann", "ben"];
    // a login must be a role (an unknown user is refused with 28000)
    await t.db.execute("CREATE ROLE ann LOGIN; CREATE ROLE ben LOGIN");
    const clients = await Promise.all(users.map(client));
    try {
      // the three sessions' catalog queries interleave on the server
      const perClient = await Promise.all(
        clients.map(async (c, k) => {
          const got: [string, string, number][] = [];
          for (let i = 0; i < 10; i++) {
            const r = await c.query("SELECT current_user AS u, (SELECT count(*) FROM pg_catalog.pg_roles WHERE rolname = current_user) AS n");
            got.push([users[k], r.rows[0].u, Number(r.rows[0].n)]);
          }
          return got;
        }),
      );
      const answers = perClient.flat();
      expect(answers).toHaveLength(30);
      for (const [want, got, n] of answers) {
        expect(got).toBe(want);
        expect(n).toBe(1);
      }
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
  });
});
