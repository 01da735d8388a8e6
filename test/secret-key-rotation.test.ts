// `sage-sql secrets rotate-key`: every secret is sealed again under a new master key; afterwards
// the secrets open with the new key and the old key opens nothing; no old sealed value is left in
// the data directory; a running server's directory is refused; an interrupted rotation leaves a
// directory that opens and that a second run finishes; SAGE_MASTER_KEY mode takes the new key
// from a variable.

import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Database, rotateMasterKey } from "../src/index.js";

const CLI = join(import.meta.dirname, "..", "dist", "cli", "main.js");

const dirs: string[] = [];
function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), "sage-rotate-"));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** every sealed value ("v1:...") in the data directory's files */
function sealedValues(dir: string): Set<string> {
  const out = new Set<string>();
  for (const f of filesUnder(dir)) for (const m of readFileSync(f).toString("latin1").matchAll(/v1:[A-Za-z0-9+/=]{20,}/g)) out.add(m[0]);
  return out;
}

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [CLI, ...args], { env: { ...process.env, SAGE_MASTER_KEY: "", ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    child.stdin?.end();
  });
}

async function withSecrets(dir: string): Promise<void> {
  const db = await Database.open({ dataDir: dir });
  await db.execute("CREATE SECRET api WITH (value = 'sk-rotate-me-111')");
  await db.execute("CREATE TABLE t (id INT PRIMARY KEY, v TEXT)");
  await db.execute("INSERT INTO t VALUES (1, 'one')");
  await db.execute("CREATE SECRET db_pw WITH (value = 'pg-pass-222')");
  await db.close();
}

async function secretValues(dir: string): Promise<string[]> {
  const db = await Database.open({ dataDir: dir });
  try {
    const [t] = await db.execute("SELECT v FROM t");
    expect(t.rows).toEqual([["one"]]);
    return [db.openSecret("api", "test")!, db.openSecret("db_pw", "test")!];
  } finally {
    await db.close();
  }
}

describe("secrets rotate-key", () => {
  it("re-seals every secret under a new key file; the old key no longer opens them", async () => {
    const dir = dataDir();
    await withSecrets(dir);
    const oldKey = readFileSync(join(dir, "master.key"), "utf8");
    const oldSealed = sealedValues(dir);
    expect(oldSealed.size).toBeGreaterThanOrEqual(2);

    const r = await cli(["secrets", "rotate-key", "--data-dir", dir]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^2 secret\(s\) sealed again/);
    const newKey = readFileSync(join(dir, "master.key"), "utf8");
    expect(newKey).not.toBe(oldKey);
    expect(statSync(join(dir, "master.key")).mode & 0o777).toBe(0o600);
    expect(existsSync(join(dir, "master.key.new"))).toBe(false);
    // no value sealed under the old key is left anywhere in the directory
    const now = sealedValues(dir);
    expect(now.size).toBeGreaterThanOrEqual(2);
    for (const v of oldSealed) expect(now.has(v)).toBe(false);

    expect(await secretValues(dir)).toEqual(["sk-rotate-me-111", "pg-pass-222"]);
    // the audit log says so
    const db = await Database.open({ dataDir: dir });
    const [a] = await db.execute("SELECT action, outcome FROM sage_catalog.audit_log WHERE action = 'ROTATE MASTER KEY'");
    expect(a.rows).toEqual([["ROTATE MASTER KEY", "ok"]]);
    await db.close();

    // the old key opens nothing any more
    writeFileSync(join(dir, "master.key"), oldKey);
    let opened: string | undefined;
    try {
      const old = await Database.open({ dataDir: dir });
      try {
        opened = old.openSecret("api", "test");
      } finally {
        await old.close();
      }
    } catch (e) {
      expect(String((e as Error).message)).toMatch(/cannot be decrypted with this master key/);
    }
    expect(opened).toBeUndefined();
  });

  it("refuses a data directory a server is using", async () => {
    const dir = dataDir();
    await withSecrets(dir);
    const db = await Database.open({ dataDir: dir });
    try {
      const r = await cli(["secrets", "rotate-key", "--data-dir", dir]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/in use by another sage-sql process \(pid \d+\)/);
      await expect(rotateMasterKey({ dataDir: dir })).rejects.toThrow(/already open in this process/);
    } finally {
      await db.close();
    }
    expect(existsSync(join(dir, "master.key.new"))).toBe(false);
  });

  it("leaves a usable directory when interrupted, and a second run finishes", async () => {
    const dir = dataDir();
    await withSecrets(dir);
    const oldKey = readFileSync(join(dir, "master.key"), "utf8");
    // crashed after step 1: the new key written, nothing sealed under it yet
    const pending = "ab".repeat(32) + "\n";
    writeFileSync(join(dir, "master.key.new"), pending, { mode: 0o600 });
    expect(await secretValues(dir)).toEqual(["sk-rotate-me-111", "pg-pass-222"]);
    await rotateMasterKey({ dataDir: dir });
    expect(readFileSync(join(dir, "master.key"), "utf8")).toBe(pending);
    expect(await secretValues(dir)).toEqual(["sk-rotate-me-111", "pg-pass-222"]);

    // crashed after step 2: everything sealed under the new key, master.key still the old one
    writeFileSync(join(dir, "master.key.new"), pending, { mode: 0o600 });
    writeFileSync(join(dir, "master.key"), oldKey);
    expect(await secretValues(dir)).toEqual(["sk-rotate-me-111", "pg-pass-222"]);
    await rotateMasterKey({ dataDir: dir });
    expect(readFileSync(join(dir, "master.key"), "utf8")).toBe(pending);
    expect(existsSync(join(dir, "master.key.new"))).toBe(false);
    expect(await secretValues(dir)).toEqual(["sk-rotate-me-111", "pg-pass-222"]);
  });

  it("takes the new key from a variable when SAGE_MASTER_KEY holds the current one", async () => {
    const dir = dataDir();
    const saved = process.env.SAGE_MASTER_KEY;
    process.env.SAGE_MASTER_KEY = "old passphrase for the test";
    try {
      await withSecrets(dir);
      const refused = await cli(["secrets", "rotate-key", "--data-dir", dir], { SAGE_MASTER_KEY: "old passphrase for the test" });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/give the new key \(--new-key-env VARIABLE\)/);
      const r = await cli(["secrets", "rotate-key", "--data-dir", dir, "--new-key-env", "NEW_SAGE_KEY"], { SAGE_MASTER_KEY: "old passphrase for the test", NEW_SAGE_KEY: "new passphrase for the test" });
      expect(r.stderr).toBe("");
      expect(r.stdout).toMatch(/restart with SAGE_MASTER_KEY set to the new key/);
      expect(existsSync(join(dir, "master.key"))).toBe(false);
      process.env.SAGE_MASTER_KEY = "new passphrase for the test";
      expect(await secretValues(dir)).toEqual(["sk-rotate-me-111", "pg-pass-222"]);
      process.env.SAGE_MASTER_KEY = "old passphrase for the test";
      await expect(secretValues(dir)).rejects.toThrow(/cannot be decrypted with this master key/);
    } finally {
      if (saved === undefined) delete process.env.SAGE_MASTER_KEY;
      else process.env.SAGE_MASTER_KEY = saved;
    }
  });
});
