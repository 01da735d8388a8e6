// CREATE USER / ALTER USER / DROP USER over the wire: the roles are in pg_roles, pg_user,
// pg_authid and psql's \du, and they log in with their password (SCRAM-SHA-256 and MD5 rules).

import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { Database } from "../../src/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { psql, startTestServer, type TestServer } from "./fixture.js";

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({
    hba: [
      { host: "all", user: "sage", method: "trust" },
      { host: "all", user: "md5user", method: "md5" },
      { host: "all", user: "all", method: "scram-sha-256" },
    ],
  });
});

afterAll(async () => {
  await t.close();
});

async function client(user = "sage", password?: string): Promise<pg.Client> {
  const c = new pg.Client({ host: "127.0.0.1", port: t.port, user, password, database: "sage" });
  c.on("error", () => {});
  await c.connect();
  return c;
}

/** "ok" when `user` logs in with `password`, else the error's SQLSTATE. */
async function login(user: string, password: string): Promise<string> {
  try {
    const c = await client(user, password);
    const r = await c.query("SELECT current_user AS u");
    await c.end();
    return r.rows[0].u === user ? "ok" : `logged in as ${r.rows[0].u}`;
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
}

describe("roles", () => {
  it("CREATE USER ... PASSWORD shows in the catalogs and logs in; ALTER changes the password; DROP removes it", async () => {
    const admin = await client();
    try {
      await admin.query("CREATE USER alice WITH PASSWORD 'wonderland'");
      await admin.query("CREATE ROLE auditors");
      await admin.query("CREATE USER md5user WITH PASSWORD 'md5pass' CREATEDB");
      const roles = await admin.query("SELECT rolname, rolsuper, rolcanlogin, rolcreatedb FROM pg_catalog.pg_roles WHERE rolname IN ('alice', 'auditors', 'md5user') ORDER BY rolname");
      expect(roles.rows).toEqual([
        { rolname: "alice", rolsuper: false, rolcanlogin: true, rolcreatedb: false },
        { rolname: "auditors", rolsuper: false, rolcanlogin: false, rolcreatedb: false },
        { rolname: "md5user", rolsuper: false, rolcanlogin: true, rolcreatedb: true },
      ]);
      // pg_user: only roles that log in
      const users = await admin.query("SELECT usename FROM pg_catalog.pg_user ORDER BY usename");
      expect(users.rows.map((r) => r.usename)).toEqual(["alice", "md5user", "sage"]);
      // the password is stored as a SCRAM secret, never in clear
      const secret = await admin.query("SELECT rolpassword FROM pg_authid WHERE rolname = 'alice'");
      expect(secret.rows[0].rolpassword).toMatch(/^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);

      expect(await login("alice", "wonderland")).toBe("ok");
      expect(await login("alice", "wrong")).toBe("28P01");
      // an md5 rule with a SCRAM-stored password runs SCRAM (as in Postgres)
      expect(await login("md5user", "md5pass")).toBe("ok");
      // only SCRAM verifiers are stored: an MD5 hash is refused and the SCRAM secret stays
      await expect(admin.query("ALTER USER md5user WITH PASSWORD 'md57541d4e65fae11bd07f18dc6fe2b02bc'")).rejects.toMatchObject({ code: "22023" });
      expect((await admin.query("SELECT rolpassword FROM pg_authid WHERE rolname = 'md5user'")).rows[0].rolpassword).toMatch(/^SCRAM-SHA-256\$/);
      expect(await login("md5user", "md5pass")).toBe("ok");
      expect(await login("md5user", "other")).toBe("28P01");
      expect(await login("auditors", "x")).toBe("28P01");

      await admin.query("ALTER USER alice PASSWORD 'looking-glass'");
      expect(await login("alice", "wonderland")).toBe("28P01");
      expect(await login("alice", "looking-glass")).toBe("ok");

      await expect(admin.query("CREATE USER alice")).rejects.toMatchObject({ code: "42710", message: 'role "alice" already exists' });
      await expect(admin.query("DROP USER nobody")).rejects.toMatchObject({ code: "42704", message: 'role "nobody" does not exist' });
      await expect(admin.query("ALTER USER nobody PASSWORD 'x'")).rejects.toMatchObject({ code: "42704" });
      await admin.query("DROP USER alice");
      await admin.query("DROP ROLE IF EXISTS auditors, nobody");
      expect(await login("alice", "looking-glass")).toBe("28P01");
      const left = await admin.query("SELECT rolname FROM pg_roles WHERE rolname IN ('alice', 'auditors')");
      expect(left.rows).toEqual([]);
    } finally {
      await admin.end();
    }
  });

  it("psql \\du lists created roles with their attributes", async () => {
    const admin = await client();
    await admin.query("CREATE USER carol WITH PASSWORD 'x' CREATEDB");
    await admin.query("CREATE ROLE readers");
    await admin.end();
    const r = await psql(t.port, ["-c", "\\du"]);
    expect(r.stderr).toBe("");
    const lines = r.stdout.split("\n");
    expect(lines.find((l) => l.trimStart().startsWith("carol"))).toMatch(/^\s*carol\s*\|\s*Create DB\s*\|/);
    expect(lines.find((l) => l.trimStart().startsWith("readers"))).toMatch(/^\s*readers\s*\|\s*Cannot login\s*\|/);
    expect(lines.find((l) => l.trimStart().startsWith("sage"))).toMatch(/Superuser/);
  });

  it("roles survive a restart; the log keeps the SCRAM secret, never the cleartext", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sage-roles-"));
    try {
      let db = await Database.open({ dataDir: dir });
      await db.connect().execute("CREATE USER dora WITH PASSWORD 'explorer-cleartext' CREATEDB");
      const before = db.catalog.roles.get("dora")!;
      expect(before.passwordSecret).toMatch(/^SCRAM-SHA-256\$/);
      await db.close();
      const files = (d: string): string[] => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? files(join(d, f)) : [join(d, f)]));
      for (const f of files(dir)) expect(readFileSync(f).includes("explorer-cleartext")).toBe(false);
      db = await Database.open({ dataDir: dir });
      expect(db.catalog.roles.get("dora")).toEqual(before);
      await db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
