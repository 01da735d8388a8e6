// Roles and privileges in the embedded Database: what the differential test against Postgres
// cannot cover (our own object kinds, SUBSCRIBE, COPY to files, the log replay) and the
// behaviours around ownership: DROP ROLE refused while objects depend on it, views reading with
// their owner's rights.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Database, type Session } from "../src/index.js";

async function fails(session: Session, sql: string): Promise<{ code: string; message: string; detail?: string }> {
  try {
    await session.execute(sql);
  } catch (e) {
    const err = e as { code: string; message: string; detail?: string };
    return { code: err.code, message: err.message, detail: err.detail };
  }
  throw new Error(`expected ${sql} to fail`);
}

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0)) await f();
});

async function memoryDb(): Promise<Database> {
  const db = await Database.open({ memory: true });
  cleanup.push(() => db.close());
  return db;
}

describe("roles and privileges", () => {
  it("keeps owners, ACLs, memberships and default privileges across a restart, and enforces them after it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sage-priv-"));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    let db = await Database.open({ dataDir: dir });
    await db.execute(`CREATE ROLE owner1; CREATE ROLE reader; CREATE ROLE grp; GRANT grp TO reader;
      GRANT CREATE ON SCHEMA public TO owner1;
      ALTER DEFAULT PRIVILEGES FOR ROLE owner1 GRANT SELECT ON TABLES TO grp`);
    const admin = db.connect();
    await admin.execute("SET ROLE owner1; CREATE TABLE t (a int, b int); INSERT INTO t VALUES (1, 2); CREATE TABLE u (x int); GRANT INSERT ON u TO reader WITH GRANT OPTION; RESET ROLE");
    await db.close();

    db = await Database.open({ dataDir: dir });
    cleanup.push(() => db.close());
    expect(db.catalog.findRelation(["t"])?.owner).toBe("owner1");
    const reader = db.connect({ user: "reader" });
    // SELECT through grp (default privileges), INSERT granted directly; nothing else
    expect((await reader.execute("SELECT a FROM t"))[0].rows).toEqual([[1]]);
    await reader.execute("INSERT INTO u VALUES (5)");
    expect(await fails(reader, "DELETE FROM t")).toMatchObject({ code: "42501", message: "permission denied for table t" });
    expect((await reader.execute("SELECT has_table_privilege('reader', 'u', 'INSERT WITH GRANT OPTION'), pg_has_role('reader', 'grp', 'MEMBER')"))[0].rows).toEqual([[true, true]]);
  });

  it("refuses DROP ROLE while the role owns objects or holds privileges, with Postgres's message and details", async () => {
    const db = await memoryDb();
    const admin = db.connect();
    await admin.execute("CREATE ROLE alice; CREATE ROLE bob; CREATE TABLE t (a int); CREATE TABLE u (a int); ALTER TABLE t OWNER TO alice; GRANT SELECT ON u TO alice");
    const e = await fails(admin, "DROP ROLE alice");
    expect(e.code).toBe("2BP01");
    expect(e.message).toBe('role "alice" cannot be dropped because some objects depend on it');
    expect(e.detail?.split("\n")).toEqual(["owner of table t", "privileges for table u"]);
    await admin.execute("ALTER TABLE t OWNER TO bob; REVOKE ALL ON u FROM alice");
    await admin.execute("DROP ROLE alice");
    expect(db.catalog.roles.has("alice")).toBe(false);
  });

  it("reads a view's sources with the view owner's rights", async () => {
    const db = await memoryDb();
    const admin = db.connect();
    await admin.execute(`CREATE ROLE vowner; CREATE ROLE client; CREATE TABLE base (id int, secret text);
      INSERT INTO base VALUES (1, 'x'); GRANT CREATE ON SCHEMA public TO vowner; GRANT SELECT (id) ON base TO vowner`);
    await admin.execute("SET ROLE vowner; CREATE VIEW ids AS SELECT id FROM base; CREATE VIEW everything AS SELECT * FROM base; GRANT SELECT ON ids, everything TO client; RESET ROLE");
    const client = db.connect({ user: "client" });
    expect((await client.execute("SELECT * FROM ids"))[0].rows).toEqual([[1]]);
    expect(await fails(client, "SELECT * FROM base")).toMatchObject({ code: "42501", message: "permission denied for table base" });
    // the owner may read only base.id: the view reading secret is refused, though client may read the view
    expect(await fails(client, "SELECT * FROM everything")).toMatchObject({ code: "42501", message: "permission denied for table base" });
  });

  it("checks SUBSCRIBE, COPY to and from files, and SET ROLE", async () => {
    const db = await memoryDb();
    const admin = db.connect();
    await admin.execute("CREATE ROLE a; CREATE ROLE b; CREATE TABLE t (x int); CREATE MATERIALIZED VIEW mv AS SELECT count(*) AS n FROM t");
    const a = db.connect({ user: "a" });
    expect(await fails(a, "SUBSCRIBE t")).toMatchObject({ code: "42501", message: "permission denied for table t" });
    expect(await fails(a, "SUBSCRIBE mv")).toMatchObject({ code: "42501", message: "permission denied for materialized view mv" });
    expect(await fails(a, "SUBSCRIBE (SELECT x FROM t)")).toMatchObject({ code: "42501" });
    const file = join(mkdtempSync(join(tmpdir(), "sage-priv-copy-")), "t.csv");
    cleanup.push(() => rmSync(join(file, ".."), { recursive: true, force: true }));
    expect(await fails(a, `COPY t TO '${file}'`)).toMatchObject({ code: "42501", message: "permission denied for table t" });
    expect(await fails(a, `COPY t FROM '${file}'`)).toMatchObject({ code: "42501", message: "permission denied for table t" });
    await admin.execute("GRANT CREATE ON SCHEMA public TO a");
    expect(await fails(a, `CREATE SINK s FROM t WITH (connector = 'file', path = '${join(file, "..", "sink")}')`)).toMatchObject({ code: "42501", message: "permission denied for table t" });
    await admin.execute("GRANT SELECT ON mv TO a");
    const sub = await a.execute("SUBSCRIBE mv");
    (sub[0].subscription as { cancel(): void } | undefined)?.cancel();
    expect(await fails(a, "SET ROLE b")).toMatchObject({ code: "42501", message: 'permission denied to set role "b"' });
    await admin.execute("GRANT b TO a");
    await a.execute("SET ROLE b");
    expect((await a.execute("SELECT current_user, session_user"))[0].rows).toEqual([["b", "a"]]);
  });

  it("needs USAGE on a model for EMBED / GENERATE (the built-in model is everyone's)", async () => {
    const db = await memoryDb();
    const admin = db.connect();
    await admin.execute("CREATE ROLE a; CREATE MODEL remote WITH (provider = 'openai', task = 'embedding', endpoint = 'http://127.0.0.1:9/v1', model = 'm', dimensions = 3)");
    const a = db.connect({ user: "a" });
    expect(await fails(a, "SELECT EMBED('hi', 'remote')")).toMatchObject({ code: "42501", message: "permission denied for model remote" });
    await admin.execute("GRANT USAGE ON MODEL remote TO a");
    // now the call is made (and fails or yields NULL: nothing listens there), but not for lack of privilege
    const after = await a.execute("SELECT EMBED('hi', 'remote')").then(() => "ran", (e: { code: string }) => e.code);
    expect(after).not.toBe("42501");
  });

  it("refuses role management to roles without CREATEROLE", async () => {
    const db = await memoryDb();
    await db.execute("CREATE ROLE plain; CREATE ROLE manager CREATEROLE");
    const plain = db.connect({ user: "plain" });
    expect(await fails(plain, "CREATE ROLE x")).toMatchObject({ code: "42501", message: "permission denied to create role" });
    expect(await fails(plain, "GRANT manager TO plain")).toMatchObject({ code: "42501", message: 'must have admin option on role "manager"' });
    await db.connect({ user: "manager" }).execute("CREATE ROLE made_by_manager");
    expect(db.catalog.roles.has("made_by_manager")).toBe(true);
  });
});
