// The Python and Java drivers people point at Postgres, against sage-sql: psycopg2 (Debian's
// python3-psycopg2, on libpq) and pgjdbc (Debian's libpostgresql-jdbc-java, Java 17).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startTestServer, type TestServer } from "./fixture.js";

const here = fileURLToPath(new URL("./drivers/", import.meta.url));
const JDBC_JAR = "/usr/share/java/postgresql.jar";

function run(cmd: string, args: string[], cwd?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? 1 : 0, stdout, stderr });
    });
  });
}

describe("drivers", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  it("psycopg2: parameters, typed values, errors", async () => {
    // Debian's psycopg2 lives in the system python, not in a pyenv one that may come first on PATH
    const r = await run("/usr/bin/python3", [join(here, "psycopg2_client.py"), String(t.port)]);
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout);
    expect(out.rows).toEqual([
      [1, "it's", "9.50", "2024-01-02T03:04:05", true],
      [2, "b", null, null, false],
      [3, "c", "1.25", null, null],
    ]);
    expect(out.types).toEqual(["int", "str", "Decimal", "datetime", "bool"]);
    expect(out.columns).toEqual(["id", "name", "price", "at", "ok"]);
    expect(out.agg).toEqual([2, "1.25"]);
    expect(out.error[0]).toBe("23505");
    expect(out.version).toMatch(/PostgreSQL/);
  });

  it("pgjdbc: prepared statements, DatabaseMetaData, SQLSTATE", async () => {
    expect(existsSync(JDBC_JAR)).toBe(true);
    const out = mkdtempSync(join(tmpdir(), "sage-jdbc-"));
    try {
      const javac = await run("javac", ["-d", out, join(here, "JdbcClient.java")]);
      expect(javac.stderr).toBe("");
      const r = await run("java", ["-cp", `${out}:${JDBC_JAR}`, "JdbcClient", String(t.port)]);
      expect(r.stderr).toBe("");
      const lines = r.stdout.trim().split("\n");
      expect(lines).toContain("row 2 row2 9000000002");
      expect(lines).toContain("row 3 row3 9000000003");
      expect(lines).toContain("table jt");
      expect(lines.filter((l) => l.startsWith("column "))).toEqual(["column id int4", "column label text", "column amount int8"]);
      // getPrimaryKeys: key columns in key order (KEY_SEQ), none for a table without a key
      expect(lines.filter((l) => l.startsWith("pk "))).toEqual(["pk jt id 1 jt_pkey", "pk jk c 1 jk_pkey", "pk jk a 2 jk_pkey"]);
      expect(lines).toContain("error 42P01");
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
