// sage_catalog.audit_log: DDL, GRANT/REVOKE, role changes and privilege denials are recorded with
// who, from where and the outcome; passwords never appear; no role (superusers included) can
// change or remove a record; only superusers read it; records survive a restart.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Database } from "../src/index.js";
import { connectorSecrets } from "../src/secrets.js";

const dirs: string[] = [];
function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), "sage-audit-"));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

type Row = { role: string; session_user: string; client_addr: string | null; action: string; object: string | null; outcome: string; sqlstate: string | null; detail: string | null };

async function audit(db: Database): Promise<Row[]> {
  const [r] = await db.execute("SELECT role, session_user, client_addr, action, object, outcome, sqlstate, detail FROM sage_catalog.audit_log ORDER BY time");
  return r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c.name, row[i]])) as Row);
}

async function sqlState(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (e) {
    return (e as { code: string }).code;
  }
}

describe("sage_catalog.audit_log", () => {
  it("records DDL, GRANT/REVOKE, role changes and denials, without passwords", async () => {
    const db = await Database.open({ memory: true });
    try {
      const admin = db.connect({ user: "sage", clientAddress: "10.1.2.3" });
      await admin.execute("CREATE USER alice PASSWORD 'pw-alice-9'");
      await admin.execute("ALTER ROLE alice PASSWORD 'pw-alice-10'");
      await admin.execute("CREATE TABLE t (id INT PRIMARY KEY, v TEXT)");
      await admin.execute("GRANT SELECT ON t TO alice");
      await admin.execute("INSERT INTO t VALUES (1, 'a')");
      await admin.execute("REVOKE SELECT ON t FROM alice");
      const alice = db.connect({ user: "alice", clientAddress: "10.9.9.9" });
      expect(await sqlState(alice.execute("SELECT * FROM t"))).toBe("42501");
      expect(await sqlState(alice.execute("DROP TABLE t"))).toBe("42501");
      expect(await sqlState(admin.execute("CREATE TABLE t (x INT)"))).toBe("42P07");
      await admin.execute("DROP ROLE alice");
      const rows = await audit(db);
      const brief = rows.map((r) => [r.role, r.action, r.object, r.outcome, r.sqlstate]);
      expect(brief).toEqual([
        ["sage", "CREATE USER", "alice", "ok", null],
        ["sage", "ALTER ROLE", "alice", "ok", null],
        ["sage", "CREATE TABLE", "t", "ok", null],
        ["sage", "GRANT", "table t to alice", "ok", null],
        ["sage", "REVOKE", "table t from alice", "ok", null],
        ["alice", "SELECT", null, "denied", "42501"],
        ["alice", "DROP TABLE", "t", "denied", "42501"],
        ["sage", "CREATE TABLE", "t", "failed", "42P07"],
        ["sage", "DROP ROLE", "alice", "ok", null],
      ]);
      expect(rows[0].client_addr).toBe("10.1.2.3");
      expect(rows[5].client_addr).toBe("10.9.9.9");
      expect(rows[0].detail).toBe("CREATE USER alice PASSWORD '********'");
      expect(JSON.stringify(rows)).not.toMatch(/pw-alice/);
    } finally {
      await db.close();
    }
  });

  it("is append-only for every role and readable only by superusers", async () => {
    const db = await Database.open({ memory: true });
    try {
      await db.execute("CREATE USER bob PASSWORD 'pw-bob-1'; CREATE ROLE boss SUPERUSER LOGIN");
      const before = (await audit(db)).length;
      for (const user of ["sage", "boss"]) {
        const s = db.connect({ user });
        for (const sql of [
          "DELETE FROM sage_catalog.audit_log",
          "UPDATE sage_catalog.audit_log SET outcome = 'ok'",
          "TRUNCATE sage_catalog.audit_log",
          "INSERT INTO sage_catalog.audit_log (action) VALUES ('x')",
          "DROP TABLE sage_catalog.audit_log",
        ]) {
          expect(await sqlState(s.execute(sql)), `${user}: ${sql}`).toBe("42501");
        }
      }
      const bob = db.connect({ user: "bob" });
      expect(await sqlState(bob.execute("SELECT * FROM sage_catalog.audit_log"))).toBe("42501");
      expect(await sqlState(bob.execute("SELECT count(*) FROM (SELECT action FROM sage_catalog.audit_log) x"))).toBe("42501");
      expect(await sqlState(bob.execute("DELETE FROM sage_catalog.audit_log"))).toBe("42501");
      expect(await sqlState(db.connect({ user: "boss" }).execute("SELECT count(*) FROM sage_catalog.audit_log"))).toBe("ok");
      const after = await audit(db);
      // nothing was removed; the refusals themselves are recorded as denials
      expect(after.length).toBe(before + 13);
      expect(after.slice(before).every((r) => r.outcome === "denied" && r.sqlstate === "42501")).toBe(true);
    } finally {
      await db.close();
    }
  });

  it("records a connector opening a secret (once a minute), and a failed open", async () => {
    const db = await Database.open({ memory: true });
    try {
      await db.execute("CREATE SECRET pg_pw WITH (value = 'pg-secret-41'); CREATE SECRET gone WITH (env = 'SAGE_TEST_UNSET_VARIABLE_X')");
      const open = connectorSecrets(db, { password_secret: "pg_pw" });
      expect(open("pg_pw")).toBe("pg-secret-41");
      expect(open("pg_pw")).toBe("pg-secret-41");
      expect(() => open("gone")).toThrow(/SAGE_TEST_UNSET_VARIABLE_X is not set/);
      const uses = (await audit(db)).filter((r) => r.action === "SECRET USE").map((r) => [r.object, r.outcome, r.sqlstate, r.detail]);
      expect(uses).toEqual([
        ["pg_pw", "ok", null, "connector"],
        ["gone", "failed", "22023", "connector"],
      ]);
    } finally {
      await db.close();
    }
  });

  it("when a record cannot be written, the statement keeps its outcome and later audited statements are refused", async () => {
    const dir = dataDir();
    const db = await Database.open({ dataDir: dir });
    try {
      // the disk fills up under the audit file
      const file = (db.audit as unknown as { file: { append(): void } }).file;
      file.append = () => {
        throw Object.assign(new Error("could not write the audit log: ENOSPC"), { code: "58030" });
      };
      await db.execute("CREATE TABLE a (x INT)"); // ran; its record could not be written
      expect((await db.execute("SELECT count(*) FROM a"))[0].rows).toEqual([[0n]]);
      await expect(db.execute("CREATE TABLE b (x INT)")).rejects.toMatchObject({ message: expect.stringMatching(/^the audit log cannot be written, so this statement is refused/) });
      expect(await sqlState(db.execute("DROP TABLE a"))).not.toBe("ok");
      // reads and writes go on
      await db.execute("INSERT INTO a VALUES (1)");
      expect((await db.execute("SELECT x FROM a"))[0].rows).toEqual([[1]]);
    } finally {
      await db.close();
    }
  });

  it("survives a restart, kept in its own file without secrets", async () => {
    const dir = dataDir();
    let db = await Database.open({ dataDir: dir });
    await db.execute("CREATE USER carol PASSWORD 'pw-carol-7'");
    await db.execute("CREATE SECRET k WITH (value = 'sk-secret-value-123')");
    await db.execute("CREATE TABLE t (id INT)");
    await db.close();
    db = await Database.open({ dataDir: dir });
    try {
      await db.execute("DROP TABLE t");
      const actions = (await audit(db)).map((r) => `${r.action} ${r.object}`);
      expect(actions).toEqual(["CREATE USER carol", "CREATE SECRET k", "CREATE TABLE t", "DROP TABLE t"]);
      const file = readFileSync(join(dir, "audit.log"), "utf8");
      expect(file.trim().split("\n")).toHaveLength(4);
      expect(file).not.toMatch(/pw-carol|sk-secret-value/);
    } finally {
      await db.close();
    }
  });
});
