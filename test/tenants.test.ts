// Tenants (issue 12): CREATE DATABASE gives a database of its own. Two databases with tables of
// the same name: queries, pg_catalog / information_schema / sage_catalog views, psql's \dt and
// SUBSCRIBE in one never see the other. CONNECT on a database (PUBLIC's by default) and its
// connection limit decide who gets in; CREATEDB who may create one; DROP DATABASE is refused
// while anyone is connected; the databases survive a restart and a kill -9.

import pg from "pg";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { serialize } from "pg-protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Database } from "../src/index.js";
import { HttpServer, PgServer, ServerMetrics } from "../src/server/index.js";
import { WireClient, psql, rowsOf } from "./server/fixture.js";

const CLI = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));

let dir: string;
let db: Database;
let server: PgServer;
const clients: pg.Client[] = [];

async function client(database: string, user = "sage"): Promise<pg.Client> {
  const c = new pg.Client({ host: "127.0.0.1", port: server.port, user, database });
  c.on("error", () => {});
  await c.connect();
  clients.push(c);
  return c;
}

/** The startup failure (FATAL) a connection to `database` as `user` gets, or null when it gets in. */
async function refusal(database: string, user: string): Promise<{ code?: string; message: string; detail?: string } | null> {
  const c = new pg.Client({ host: "127.0.0.1", port: server.port, user, database });
  c.on("error", () => {});
  try {
    await c.connect();
  } catch (e) {
    const err = e as { code?: string; message: string; detail?: string; severity?: string };
    expect(err.severity).toBe("FATAL");
    return { code: err.code, message: err.message, detail: err.detail };
  }
  await c.end();
  return null;
}

async function rows(c: pg.Client, sql: string): Promise<unknown[][]> {
  return (await c.query({ text: sql, rowMode: "array" })).rows as unknown[][];
}

async function errorOf(c: pg.Client, sql: string): Promise<{ code?: string; message: string; detail?: string }> {
  try {
    await c.query(sql);
  } catch (e) {
    const err = e as { code?: string; message: string; detail?: string };
    return { code: err.code, message: err.message, detail: err.detail };
  }
  throw new Error(`expected ${sql} to fail`);
}

async function startServer(): Promise<void> {
  db = await Database.open({ dataDir: dir });
  server = await PgServer.start({ db, host: "127.0.0.1", port: 0 });
}

async function stopServer(): Promise<void> {
  for (const c of clients.splice(0)) await c.end().catch(() => {});
  await server.close();
  await db.close();
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "sage-tenants-"));
  await startServer();
  const main = await client("sage");
  await main.query("CREATE TABLE orders (id INT PRIMARY KEY, customer TEXT)");
  await main.query("INSERT INTO orders VALUES (1, 'main-one'), (2, 'main-two')");
  await main.query("CREATE DATABASE acme");
  const acme = await client("acme");
  await acme.query("CREATE TABLE orders (id INT PRIMARY KEY, customer TEXT, total INT)");
  await acme.query("INSERT INTO orders VALUES (10, 'acme-ten', 5)");
  await acme.query("CREATE TABLE acme_only (x INT)");
  await acme.query("CREATE MATERIALIZED VIEW acme_totals AS SELECT count(*) AS n, sum(total) AS total FROM orders");
  await acme.end();
  await main.end();
}, 60_000);

afterAll(async () => {
  await stopServer();
  rmSync(dir, { recursive: true, force: true });
});

describe("two databases with tables of the same name", () => {
  it("queries see only their own database's rows and objects", async () => {
    const main = await client("sage");
    const acme = await client("acme");
    expect(await rows(main, "SELECT current_database(), id, customer FROM orders ORDER BY id")).toEqual([
      ["sage", 1, "main-one"],
      ["sage", 2, "main-two"],
    ]);
    expect(await rows(acme, "SELECT current_database(), id, customer, total FROM orders")).toEqual([["acme", 10, "acme-ten", 5]]);
    expect(await errorOf(main, "SELECT * FROM acme_only")).toMatchObject({ code: "42P01" });
    expect(await errorOf(main, "SELECT * FROM acme_totals")).toMatchObject({ code: "42P01" });
    expect(await rows(acme, "SELECT n, total FROM acme_totals")).toEqual([[1n.toString(), 5n.toString()]]);
    // a write in one database never reaches the other's table or views
    await main.query("INSERT INTO orders VALUES (3, 'main-three')");
    expect(await rows(acme, "SELECT count(*) FROM orders")).toEqual([["1"]]);
    expect(await rows(acme, "SELECT n FROM acme_totals")).toEqual([["1"]]);
  });

  it("pg_catalog, information_schema and sage_catalog show only the session's database", async () => {
    const main = await client("sage");
    const acme = await client("acme");
    const classes = async (c: pg.Client) => (await rows(c, "SELECT relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' ORDER BY 1")).map((r) => r[0]);
    expect(await classes(main)).not.toContain("acme_only");
    expect(await classes(acme)).toEqual(expect.arrayContaining(["orders", "acme_only", "acme_totals"]));
    const columns = async (c: pg.Client) => (await rows(c, "SELECT table_catalog, column_name FROM information_schema.columns WHERE table_name = 'orders' ORDER BY ordinal_position"));
    expect(await columns(main)).toEqual([["sage", "id"], ["sage", "customer"]]);
    expect(await columns(acme)).toEqual([["acme", "id"], ["acme", "customer"], ["acme", "total"]]);
    const tables = async (c: pg.Client) => (await rows(c, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1")).map((r) => r[0]);
    expect(await tables(main)).toEqual(["orders"]);
    expect(await tables(acme)).toEqual(["acme_only", "acme_totals", "orders"]);
    const dataflows = async (c: pg.Client) => (await rows(c, "SELECT name FROM sage_catalog.dataflows")).map((r) => r[0]);
    expect(await dataflows(main)).not.toContain("acme_totals");
    expect(await dataflows(acme)).toContain("acme_totals");
    // pg_database is the cluster's, as in Postgres: both are listed in both
    for (const c of [main, acme]) expect((await rows(c, "SELECT datname FROM pg_catalog.pg_database ORDER BY 1")).map((r) => r[0])).toEqual(["acme", "sage"]);
    expect(await rows(acme, "SHOW DATABASES")).toEqual([["sage", "sage", -1], ["acme", "sage", -1]]);
  });

  it("psql's \\dt lists each database's own tables, \\l lists both, \\c switches", async () => {
    const main = await psql(server.port, ["-c", "\\dt"]);
    expect(main.stderr).toBe("");
    expect(main.stdout).toContain("orders");
    expect(main.stdout).not.toContain("acme_only");
    const acme = await psql(server.port, ["-d", "acme", "-c", "\\dt"]);
    expect(acme.stderr).toBe("");
    expect(acme.stdout).toContain("acme_only");
    const list = await psql(server.port, ["-c", "\\l"]);
    expect(list.stderr).toBe("");
    expect(list.stdout).toMatch(/^\s*acme\s*\|\s*sage\s*\|/m);
    expect(list.stdout).toMatch(/^\s*sage\s*\|\s*sage\s*\|/m);
    const switched = await psql(server.port, [], { input: "SELECT current_database();\n\\c acme\nSELECT current_database(), count(*) FROM orders;\n" });
    expect(switched.stderr).toBe("");
    expect(switched.stdout).toContain('You are now connected to database "acme" as user "sage".');
    expect(switched.stdout).toMatch(/acme\s+\|\s+1/);
  });

  it("SUBSCRIBE in one database sees only its own table's changes", async () => {
    const sub = await WireClient.ready(server.port, { user: "sage", database: "acme" });
    sub.send(serialize.query("SUBSCRIBE orders"));
    await sub.until("rowDescription");
    // the snapshot: acme's one row
    const first = rowsOf(await sub.until("dataRow"));
    expect(first[0].slice(2)).toEqual(["10", "acme-ten", "5"]);
    const main = await client("sage");
    await main.query("INSERT INTO orders VALUES (100, 'main-hundred')");
    const acme = await client("acme");
    await acme.query("INSERT INTO orders VALUES (11, 'acme-eleven', 7)");
    const next = rowsOf(await sub.until("dataRow"));
    expect(next[0].slice(2)).toEqual(["11", "acme-eleven", "7"]);
    sub.close();
  });
});

describe("database privileges", () => {
  it("CREATE DATABASE needs CREATEDB (or superuser); the creator owns it", async () => {
    const admin = await client("sage");
    await admin.query("CREATE ROLE dana LOGIN");
    const dana = await client("sage", "dana");
    expect(await errorOf(dana, "CREATE DATABASE danadb")).toEqual({ code: "42501", message: "permission denied to create database", detail: undefined });
    await admin.query("ALTER ROLE dana CREATEDB");
    await dana.query("CREATE DATABASE danadb");
    expect(await rows(admin, "SELECT pg_get_userbyid(datdba) FROM pg_catalog.pg_database WHERE datname = 'danadb'")).toEqual([["dana"]]);
    expect(await errorOf(dana, "CREATE DATABASE danadb")).toMatchObject({ code: "42P04", message: 'database "danadb" already exists' });
    // the owner may give it away only to a role it belongs to; DROP needs the owner
    await admin.query("CREATE ROLE eve LOGIN");
    const eve = await client("sage", "eve");
    expect(await errorOf(eve, "DROP DATABASE danadb")).toMatchObject({ code: "42501", message: "must be owner of database danadb" });
    expect(await errorOf(admin, "DROP ROLE dana")).toMatchObject({ code: "2BP01", message: 'role "dana" cannot be dropped because some objects depend on it' });
    await dana.query("DROP DATABASE danadb");
    expect(await refusal("danadb", "sage")).toEqual({ code: "3D000", message: 'database "danadb" does not exist', detail: undefined });
  });

  it("CONNECT: PUBLIC has it by default; revoked, a role without it is refused with Postgres's words", async () => {
    const admin = await client("sage");
    await admin.query("CREATE ROLE frank LOGIN");
    expect(await refusal("acme", "frank")).toBeNull();
    expect(await rows(admin, "SELECT has_database_privilege('frank', 'acme', 'CONNECT'), has_database_privilege('frank', 'acme', 'CREATE')")).toEqual([[true, false]]);
    await admin.query("REVOKE CONNECT ON DATABASE acme FROM PUBLIC");
    expect(await refusal("acme", "frank")).toEqual({ code: "42501", message: 'permission denied for database "acme"', detail: "User does not have CONNECT privilege." });
    expect(await refusal("sage", "frank")).toBeNull(); // the other database is unchanged
    expect(await rows(admin, "SELECT has_database_privilege('frank', 'acme', 'CONNECT')")).toEqual([[false]]);
    expect(await rows(admin, "SELECT datacl FROM pg_catalog.pg_database WHERE datname = 'acme'")).toEqual([[["sage=CTc/sage", "=T/sage"]]]); // TEMP stays PUBLIC's, as in Postgres
    await admin.query("GRANT CONNECT ON DATABASE acme TO frank");
    expect(await refusal("acme", "frank")).toBeNull();
    // CREATE on the database is what CREATE SCHEMA needs
    const frank = await client("acme", "frank");
    expect(await errorOf(frank, "CREATE SCHEMA frank_s")).toMatchObject({ code: "42501", message: "permission denied for database acme" });
    await admin.query("GRANT CREATE ON DATABASE acme TO frank");
    await frank.query("CREATE SCHEMA frank_s");
    // a grant given from one database is about the named one
    await admin.query("REVOKE CONNECT ON DATABASE acme FROM frank");
    await admin.query("GRANT CONNECT ON DATABASE acme TO PUBLIC");
  });

  it("a database's connection limit refuses the next non-superuser connection", async () => {
    const admin = await client("sage");
    await admin.query("CREATE ROLE gina LOGIN");
    await admin.query("CREATE DATABASE limited CONNECTION LIMIT 1");
    const first = await client("limited", "gina");
    expect(await refusal("limited", "gina")).toEqual({ code: "53300", message: 'too many connections for database "limited"', detail: undefined });
    await first.end();
    await new Promise((r) => setTimeout(r, 50));
    expect(await refusal("limited", "gina")).toBeNull();
    await admin.query("ALTER DATABASE limited CONNECTION LIMIT -1");
    expect(await rows(admin, "SELECT datconnlimit FROM pg_catalog.pg_database WHERE datname = 'limited'")).toEqual([[-1]]);
  });

  it("DROP DATABASE is refused while connections are open and for the current database", async () => {
    const admin = await client("sage");
    await admin.query("CREATE DATABASE doomed");
    const user = await client("doomed");
    await user.query("CREATE TABLE t (x INT)");
    expect(await errorOf(admin, "DROP DATABASE doomed")).toEqual({ code: "55006", message: 'database "doomed" is being accessed by other users', detail: "There is 1 other session using the database." });
    expect(await errorOf(user, "DROP DATABASE doomed")).toMatchObject({ code: "55006", message: "cannot drop the currently open database" });
    await user.end();
    await new Promise((r) => setTimeout(r, 50));
    await admin.query("DROP DATABASE doomed");
    expect(await refusal("doomed", "sage")).toMatchObject({ code: "3D000" });
    // a new database of the same name starts empty
    await admin.query("CREATE DATABASE doomed");
    const again = await client("doomed");
    expect(await errorOf(again, "SELECT * FROM t")).toMatchObject({ code: "42P01" });
    await again.end();
    await new Promise((r) => setTimeout(r, 50));
    await admin.query("DROP DATABASE doomed");
  });

  it("an unknown database is FATAL 3D000; the default database answers to its name, postgres and the user's name", async () => {
    expect(await refusal("nosuchdb", "sage")).toEqual({ code: "3D000", message: 'database "nosuchdb" does not exist', detail: undefined });
    for (const name of ["sage", "postgres"]) {
      const c = await client(name);
      expect(await rows(c, "SELECT current_database(), count(*) FROM orders")).toEqual([["sage", "4"]]);
    }
    const frank = await client("frank", "frank");
    expect(await rows(frank, "SELECT current_database()")).toEqual([["sage"]]);
  });

  it("a role's own CONNECTION LIMIT counts its connections to every database", async () => {
    const admin = await client("sage");
    await admin.query("CREATE ROLE hank LOGIN CONNECTION LIMIT 1");
    const first = await client("sage", "hank");
    expect(await refusal("acme", "hank")).toEqual({ code: "53300", message: 'too many connections for role "hank"', detail: undefined });
    await first.end();
    await new Promise((r) => setTimeout(r, 50));
    expect(await refusal("acme", "hank")).toBeNull();
  });

  it("a webhook at /webhook/<database>/<schema>/<table> writes to that database's table", async () => {
    const acme = await client("acme");
    await acme.query("CREATE TABLE hooks (id INT) WITH (connector = 'webhook')");
    const main = await client("sage");
    await main.query("CREATE TABLE hooks (id INT) WITH (connector = 'webhook')");
    const metrics = new ServerMetrics(db, () => 0);
    const http = await HttpServer.start({ db, port: 0, hba: server.hba, users: server.users, defaultUser: "sage", metrics });
    try {
      const post = (path: string, body: string) => fetch(`http://127.0.0.1:${http.port}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body }).then((r) => r.status);
      expect(await post("/webhook/acme/public/hooks", '{"id": 1}')).toBe(200);
      expect(await post("/webhook/hooks", '{"id": 2}')).toBe(200);
      expect(await post("/webhook/dev/public/hooks", '{"id": 3}')).toBe(200); // RisingWave's default name: the first database
      expect(await rows(acme, "SELECT id FROM hooks")).toEqual([[1]]);
      expect(await rows(main, "SELECT id FROM hooks ORDER BY id")).toEqual([[2], [3]]);
    } finally {
      await http.close();
      metrics.close();
    }
    await acme.query("DROP TABLE hooks");
    await main.query("DROP TABLE hooks");
  });

  it("the audit log is the cluster's: a superuser reads every database's statements, each with its database", async () => {
    const main = await client("sage");
    const acme = await client("acme");
    const q = "SELECT database, action, object FROM sage_catalog.audit_log WHERE action IN ('CREATE TABLE', 'CREATE DATABASE') ORDER BY time";
    const fromMain = await rows(main, q);
    expect(fromMain).toEqual(expect.arrayContaining([["sage", "CREATE TABLE", "orders"], ["sage", "CREATE DATABASE", "acme"], ["acme", "CREATE TABLE", "orders"], ["acme", "CREATE TABLE", "acme_only"]]));
    expect(await rows(acme, q)).toEqual(fromMain);
    const frank = await client("acme", "frank");
    expect(await errorOf(frank, "SELECT * FROM sage_catalog.audit_log")).toMatchObject({ code: "42501" });
  });

  it("the HTTP API runs in the database its request names", async () => {
    const metrics = new ServerMetrics(db, () => 0);
    const http = await HttpServer.start({ db, port: 0, hba: server.hba, users: server.users, defaultUser: "sage", metrics });
    try {
      const post = async (body: unknown) => (await fetch(`http://127.0.0.1:${http.port}/api/query`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })).json() as Promise<{ results: { rows: unknown[][] }[]; error?: { code: string; message: string } }>;
      expect((await post({ sql: "SELECT current_database(), count(*) FROM orders", database: "acme" })).results[0].rows).toEqual([["acme", "2"]]);
      expect((await post({ sql: "SELECT current_database(), count(*) FROM orders" })).results[0].rows).toEqual([["sage", "4"]]);
      expect((await post({ sql: "SELECT 1", database: "nosuchdb" })).error).toEqual({ code: "3D000", message: 'database "nosuchdb" does not exist' });
      // SUBSCRIBE over HTTP (Server-Sent Events) in the database ?database= names: its snapshot is acme's rows
      const res = await fetch(`http://127.0.0.1:${http.port}/api/subscribe?sql=${encodeURIComponent("SUBSCRIBE orders")}&database=acme`, { signal: AbortSignal.timeout(5000) });
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      let text = "";
      while (!/event: rows\ndata: .*\n\n/.test(text)) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      await reader.cancel();
      const snapshot = JSON.parse(/event: rows\ndata: (.*)\n\n/.exec(text)![1]) as unknown[][];
      expect(snapshot.map((r) => r[2]).sort()).toEqual([10, 11]);
      expect((await fetch(`http://127.0.0.1:${http.port}/api/subscribe?sql=${encodeURIComponent("SUBSCRIBE orders")}&database=nosuchdb`)).status).toBe(400);
    } finally {
      await http.close();
      metrics.close();
    }
  });
});

describe("the sage-sql shell", () => {
  it("\\l lists the databases and \\c switches between them; a refused \\c keeps the connection", async () => {
    const input = [
      "CREATE TABLE t (x INT); INSERT INTO t VALUES (1);",
      "CREATE DATABASE other;",
      "\\c other",
      "CREATE TABLE t (x INT); INSERT INTO t VALUES (2), (3);",
      "SELECT current_database(), count(*) FROM t;",
      "\\c nosuchdb",
      "SELECT current_database();",
      "\\l",
      "\\c sage",
      "SELECT current_database(), count(*) FROM t;",
      "BEGIN; DROP DATABASE other;",
      "",
    ].join("\n");
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, "--memory", "--no-history"], { stdio: ["pipe", "pipe", "pipe"] });
      let out = "";
      let err = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      child.stderr.on("data", (d: Buffer) => (err += d.toString()));
      child.on("exit", () => resolve({ stdout: out, stderr: err }));
      child.stdin.end(input);
    });
    expect(stdout).toContain('You are now connected to database "other" as user "sage".');
    expect(stdout).toMatch(/ other\s+\|\s+2\n/);
    expect(stderr).toContain('\\connect: FATAL:  database "nosuchdb" does not exist\nPrevious connection kept');
    expect(stdout).toMatch(/List of databases[\s\S]* sage +\| sage +\| +-1\n other +\| sage +\| +-1\n/);
    expect(stdout).toMatch(/ sage\s+\|\s+1\n/);
    expect(stderr).toContain("DROP DATABASE cannot run inside a transaction block");
  }, 30_000);
});

describe("persistence", () => {
  it("a restart keeps both databases, their rows, views and grants", async () => {
    await stopServer();
    await startServer();
    const main = await client("sage");
    const acme = await client("acme");
    expect(await rows(main, "SELECT id FROM orders ORDER BY id")).toEqual([[1], [2], [3], [100]]);
    expect(await rows(acme, "SELECT id FROM orders ORDER BY id")).toEqual([[10], [11]]);
    expect(await rows(acme, "SELECT n FROM acme_totals")).toEqual([["2"]]);
    expect(await rows(main, "SELECT datname, datconnlimit FROM pg_catalog.pg_database ORDER BY 1")).toEqual([["acme", -1], ["limited", -1], ["sage", -1]]);
    expect(await rows(main, "SELECT has_database_privilege('frank', 'acme', 'CREATE')")).toEqual([[true]]);
    const frank = await client("acme", "frank");
    expect(await rows(frank, "SELECT count(*) FROM pg_catalog.pg_namespace WHERE nspname = 'frank_s'")).toEqual([["1"]]);
  });

  it("roles are the cluster's: a rename or drop after a role made objects in another database holds across restarts (embedded API)", async () => {
    const roleDir = mkdtempSync(join(tmpdir(), "sage-tenants-roles-"));
    // the owner as the catalog keeps it, and what that means: the owner reads, the other role is refused
    const table = async (d: Database, name: string) => {
      const owner = d.cluster.all().find((e) => e.name === "shop")!.catalog.findRelation([name])?.owner;
      const reads = async (user: string) => d.connect({ user, database: "shop" }).execute(`SELECT * FROM ${name}`).then(() => "ok", (e: { code: string }) => e.code);
      return [owner, await reads("alicia"), await reads("alice")];
    };
    try {
      let d = await Database.open({ dataDir: roleDir });
      await d.execute("CREATE ROLE alice LOGIN; CREATE ROLE temp LOGIN; CREATE DATABASE shop");
      await d.connect({ database: "shop" }).execute("GRANT CREATE ON SCHEMA public TO alice");
      const asAlice = d.connect({ user: "alice", database: "shop" });
      await asAlice.execute("CREATE TABLE a1 (x INT)");
      asAlice.close();
      const asTemp = d.connect({ user: "temp", database: "shop" });
      const shopAdmin = d.connect({ database: "shop" });
      await shopAdmin.execute("GRANT CREATE ON SCHEMA public TO temp");
      await asTemp.execute("CREATE TABLE t1 (x INT); DROP TABLE t1");
      asTemp.close();
      await shopAdmin.execute("REVOKE CREATE ON SCHEMA public FROM temp");
      shopAdmin.close();
      // the role that owns a table in shop cannot be dropped from the first database; the one that owns nothing can
      await expect(d.execute("DROP ROLE alice")).rejects.toMatchObject({ code: "2BP01" });
      await d.execute("DROP ROLE temp; ALTER ROLE alice RENAME TO alicia; CREATE ROLE alice LOGIN");
      const asNewAlice = d.connect({ user: "alice", database: "shop" });
      await d.connect({ database: "shop" }).execute("GRANT CREATE ON SCHEMA public TO alice");
      await asNewAlice.execute("CREATE TABLE a2 (x INT)");
      asNewAlice.close();
      const before = [await table(d, "a1"), await table(d, "a2")];
      expect(before).toEqual([["alicia", "ok", "42501"], ["alice", "42501", "ok"]]);
      await d.close();
      d = await Database.open({ dataDir: roleDir });
      expect([await table(d, "a1"), await table(d, "a2")]).toEqual(before);
      await d.close();
    } finally {
      rmSync(roleDir, { recursive: true, force: true });
    }
  }, 30_000);

  it("a database created just before a kill -9 is there after the restart", async () => {
    const killDir = mkdtempSync(join(tmpdir(), "sage-tenants-kill-"));
    const serve = async () => {
      const proc = spawn(process.execPath, [CLI, "serve", "--port", "0", "--data-dir", killDir], { stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      const port = await new Promise<number>((resolve, reject) => {
        proc.stdout!.on("data", (d: Buffer) => {
          out += d.toString();
          const m = /listening on postgres:\/\/\S+:(\d+)\//.exec(out);
          if (m) resolve(Number(m[1]));
        });
        proc.once("exit", (code) => reject(new Error(`serve exited (${code}): ${out}`)));
      });
      return { proc, port, exited: new Promise((r) => proc.once("exit", r)) };
    };
    try {
      let s = await serve();
      let c = new pg.Client({ host: "127.0.0.1", port: s.port, user: "sage", database: "sage" });
      await c.connect();
      await c.query("CREATE DATABASE crashy");
      const d = new pg.Client({ host: "127.0.0.1", port: s.port, user: "sage", database: "crashy" });
      await d.connect();
      await d.query("CREATE TABLE t (x INT); INSERT INTO t VALUES (42)");
      c.on("error", () => {});
      d.on("error", () => {});
      s.proc.kill("SIGKILL");
      await s.exited;
      s = await serve();
      c = new pg.Client({ host: "127.0.0.1", port: s.port, user: "sage", database: "crashy" });
      await c.connect();
      expect((await c.query({ text: "SELECT current_database(), x FROM t", rowMode: "array" })).rows).toEqual([["crashy", 42]]);
      await c.end();
      s.proc.kill("SIGTERM");
      await s.exited;
    } finally {
      rmSync(killDir, { recursive: true, force: true });
    }
  }, 60_000);
});
