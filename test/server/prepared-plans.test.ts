// Prepared statements keep their bound plan between Executes (src/bound-selects.ts). Through the
// `pg` client's named statements (Parse once, then Bind/Execute): a kept plan must never outlive
// what it was bound against — a revoked privilege (also a role membership revoked from another
// database), a changed TimeZone, a dropped or replaced table, SET ROLE — and must
// not freeze what is read when it runs (parameter values, now(), the rows).

import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./fixture.js";

let t: TestServer;
const clients: pg.Client[] = [];

async function client(database = "sage", user = "sage"): Promise<pg.Client> {
  const c = new pg.Client({ host: "127.0.0.1", port: t.port, user, database });
  await c.connect();
  clients.push(c);
  return c;
}

/** Runs the named statement `name` (parsed by the server once per connection) with `values`. */
async function exec(c: pg.Client, name: string, text: string, values: unknown[] = []): Promise<unknown[][]> {
  const r = await c.query({ name, text, values, rowMode: "array" });
  return r.rows;
}

async function failure(p: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return { code: (e as { code?: string }).code, message: (e as Error).message };
  }
  throw new Error("expected a failure");
}

describe("prepared statements' kept plans", () => {
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    for (const c of clients) await c.end().catch(() => undefined);
    await t.close();
  });

  it("read each Execute's parameters and rows, and now() when they run", async () => {
    const admin = await client();
    await admin.query("CREATE TABLE acct (id INT PRIMARY KEY, bal INT)");
    await admin.query("INSERT INTO acct SELECT i, i * 10 FROM generate_series(1, 100) AS g(i)");
    const point = "SELECT bal FROM acct WHERE id = $1";
    expect(await exec(admin, "p", point, [7])).toEqual([[70]]);
    expect(await exec(admin, "p", point, [42])).toEqual([[420]]);
    await admin.query("UPDATE acct SET bal = -1 WHERE id = 42");
    expect(await exec(admin, "p", point, [42])).toEqual([[-1]]);
    expect(await exec(admin, "p", point, [1000])).toEqual([]);
    const first = (await exec(admin, "now", "SELECT now()::text"))[0][0];
    await new Promise((r) => setTimeout(r, 20));
    const second = (await exec(admin, "now", "SELECT now()::text"))[0][0];
    expect(second).not.toBe(first);
  });

  it("see a privilege revoked, also one held through a role revoked from another database", async () => {
    const admin = await client();
    await admin.query("CREATE TABLE secret_t (v INT); INSERT INTO secret_t VALUES (1)");
    await admin.query("CREATE ROLE readers; CREATE ROLE ann LOGIN; GRANT readers TO ann; GRANT SELECT ON secret_t TO readers");
    const ann = await client("sage", "ann");
    const q = "SELECT v FROM secret_t";
    expect(await exec(ann, "q", q)).toEqual([[1]]);
    // roles are cluster-wide: the membership is revoked by a session on another database
    await admin.query("CREATE DATABASE other");
    const elsewhere = await client("other");
    await elsewhere.query("REVOKE readers FROM ann");
    expect(await failure(exec(ann, "q", q))).toMatchObject({ code: "42501", message: "permission denied for table secret_t" });
    await admin.query("GRANT SELECT ON secret_t TO ann");
    expect(await exec(ann, "q", q)).toEqual([[1]]);
    await admin.query("REVOKE SELECT ON secret_t FROM ann");
    expect(await failure(exec(ann, "q", q))).toMatchObject({ code: "42501" });
    // SET ROLE: the same statement, bound for the role now in effect
    await admin.query("CREATE ROLE nobody");
    expect(await exec(admin, "q", q)).toEqual([[1]]);
    await admin.query("SET ROLE nobody");
    expect(await failure(exec(admin, "q", q))).toMatchObject({ code: "42501" });
    await admin.query("RESET ROLE");
    expect(await exec(admin, "q", q)).toEqual([[1]]);
  });

  it("follow TimeZone and a table dropped and created again", async () => {
    const c = await client();
    await c.query("CREATE SCHEMA s2; CREATE TABLE named (v TEXT); CREATE TABLE s2.named (v TEXT)");
    await c.query("INSERT INTO named VALUES ('public'); INSERT INTO s2.named VALUES ('s2')");
    const q = "SELECT v FROM named";
    expect(await exec(c, "n", q)).toEqual([["public"]]);

    const ts = "SELECT '2024-01-01 00:00:00'::timestamptz::text";
    await c.query("SET TimeZone = 'UTC'");
    expect(await exec(c, "ts", ts)).toEqual([["2024-01-01 00:00:00+00"]]);
    await c.query("SET TimeZone = 'Asia/Tokyo'");
    expect(await exec(c, "ts", ts)).toEqual([["2024-01-01 00:00:00+09"]]);

    await c.query("DROP TABLE named; CREATE TABLE named (v TEXT, w INT); INSERT INTO named VALUES ('again', 2)");
    expect(await exec(c, "n", q)).toEqual([["again"]]);
    await c.query("DROP TABLE named");
    expect(await failure(exec(c, "n", q))).toMatchObject({ code: "42P01" });
  });
});
