// pgbench against the server: initialisation through COPY (client-side data generation; the
// vacuum and primary-key steps need VACUUM and ALTER TABLE ADD PRIMARY KEY, which the engine
// lacks yet) and the TPC-B-like script in the simple and prepared protocols.

import { execFile } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./fixture.js";

let t: TestServer;

function pgbench(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile("pgbench", ["-h", "127.0.0.1", "-p", String(t.port), "-U", "sage", ...args, "sage"], { env: { ...process.env, PGPASSWORD: "" }, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? 1 : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  t = await startTestServer();
});

afterAll(async () => {
  await t.close();
});

describe("pgbench", () => {
  it("initialises with COPY and runs TPC-B transactions", async () => {
    const init = await pgbench(["-i", "-I", "dtg", "-s", "1"]);
    expect(init.stderr).toContain("100000 of 100000 tuples (100%) done");
    expect(init.code).toBe(0);
    for (const mode of ["simple", "prepared"]) {
      const run = await pgbench(["-n", "-M", mode, "-c", "2", "-t", "10"]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain("number of transactions actually processed: 20/20");
      expect(run.stdout).toContain("number of failed transactions: 0");
    }
  });
});
