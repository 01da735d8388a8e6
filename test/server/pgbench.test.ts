// pgbench against the server: initialisation through COPY (client-side data generation; the
// vacuum and primary-key steps need VACUUM and ALTER TABLE ADD PRIMARY KEY, which the engine
// lacks yet), the TPC-B-like script in the simple and prepared protocols, and a custom
// point-select script over the 100k-row accounts table at 16 concurrent clients.

import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./fixture.js";

let t: TestServer;
let init: { code: number; stdout: string; stderr: string };
let dir: string;

function pgbench(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile("pgbench", ["-h", "127.0.0.1", "-p", String(t.port), "-U", "sage", ...args, "sage"], { env: { ...process.env, PGPASSWORD: "" }, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? 1 : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  t = await startTestServer();
  dir = mkdtempSync(join(tmpdir(), "sage-pgbench-"));
  init = await pgbench(["-i", "-I", "dtg", "-s", "1"]);
}, 120_000);

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await t.close();
});

describe("pgbench", () => {
  it("initialises with COPY and runs TPC-B transactions", async () => {
    expect(init.stderr).toContain("100000 of 100000 tuples (100%) done");
    expect(init.code).toBe(0);
    for (const mode of ["simple", "prepared"]) {
      const run = await pgbench(["-n", "-M", mode, "-c", "2", "-t", "10"]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain("number of transactions actually processed: 20/20");
      expect(run.stdout).toContain("number of failed transactions: 0");
    }
  });

  it("runs a custom point-select script over 100k rows at 16 clients with zero errors", async () => {
    const [count] = await t.db.connect().execute("SELECT count(*) AS n FROM pgbench_accounts");
    expect(count.rows).toEqual([[100000n]]);
    // \gset fails the transaction unless the SELECT returns exactly one row
    const script = join(dir, "select.sql");
    writeFileSync(script, "\\set aid random(1, 100000)\nSELECT aid AS got, abalance FROM pgbench_accounts WHERE aid = :aid \\gset\n");
    for (const mode of ["simple", "extended", "prepared"]) {
      const run = await pgbench(["-n", "-f", script, "-M", mode, "-c", "16", "-j", "2", "-t", "10"]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain("number of clients: 16");
      expect(run.stdout).toContain("number of transactions actually processed: 160/160");
      expect(run.stdout).toContain("number of failed transactions: 0 (0.000%)");
    }
  });
});
