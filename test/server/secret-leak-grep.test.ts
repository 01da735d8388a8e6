// No secret value or password anywhere: a `sage-sql serve` at log level trace with a data
// directory runs a session that creates roles with passwords and secrets, uses a secret in a
// model, reads the catalogs, the dump, EXPLAIN, the audit log, and provokes errors that quote
// the statement (a syntax error in CREATE SECRET, a duplicate, a bad password change). Then
// every byte the run produced — the server's log output, every result and error message, and
// every file of the data directory — is searched for each value.

import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ModelTestServer } from "../../src/ai/testing/model-test-server.js";
import { startServe } from "./serve-process.js";

const SECRET = "sk-grep-4c1d8e7f2a9b";
const PASSWORD = "pw-grep-93kd71x";
const PASSWORD_2 = "pw-grep-second-55z";
const WRONG = "pw-grep-wrong-0q0";
const VALUES = [SECRET, PASSWORD, PASSWORD_2, WRONG];

let model: ModelTestServer;
let dir: string;
let proc: ChildProcess;
let port = 0;
/** the server's stderr (its logs) so far */
let logs: () => string = () => "";

function filesUnder(d: string): string[] {
  return readdirSync(d).flatMap((f) => {
    const p = join(d, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

beforeAll(async () => {
  model = await ModelTestServer.start("openai", 8);
  dir = mkdtempSync(join(tmpdir(), "sage-leak-"));
  const served = await startServe(["--data-dir", join(dir, "data"), "--port", "0", "--no-http", "--log-level", "trace"], { env: { HOME: dir, SAGE_MASTER_KEY: "" } });
  proc = served.proc;
  port = served.pgPort;
  logs = served.stderr;
});

afterAll(async () => {
  if (proc && proc.exitCode === null) proc.kill("SIGKILL");
  await model?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("no secret or password leaks", () => {
  it("finds none in logs, results, errors, catalogs, dump, EXPLAIN, audit log or the data directory", async () => {
    const seen: string[] = [];
    const client = async (user: string, password?: string) => {
      const c = new pg.Client({ host: "127.0.0.1", port, user, password, database: "sage" });
      c.on("error", (e) => seen.push(String(e)));
      c.on("notice", (n) => seen.push(JSON.stringify(n)));
      await c.connect();
      return c;
    };
    const run = async (c: pg.Client, sql: string) => {
      try {
        const r = await c.query(sql);
        seen.push(JSON.stringify((Array.isArray(r) ? r : [r]).map((x) => x.rows)));
        return "ok";
      } catch (e) {
        const err = e as { code?: string; message: string; detail?: string; hint?: string };
        seen.push(JSON.stringify({ code: err.code, message: err.message, detail: err.detail, hint: err.hint }));
        return err.code ?? "?";
      }
    };
    const admin = await client("sage");
    expect(await run(admin, `CREATE USER eve PASSWORD '${PASSWORD}'`)).toBe("ok");
    expect(await run(admin, `CREATE SECRET k WITH (value = '${SECRET}')`)).toBe("ok");
    expect(await run(admin, `CREATE MODEL llm WITH (provider = 'openai', task = 'generation', endpoint = '${model.url}/v1', model = 't', api_key = SECRET k)`)).toBe("ok");
    expect(await run(admin, "SELECT GENERATE('hello', 'llm')")).toBe("ok");
    expect(model.requests.at(-1)!.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(await run(admin, "EXPLAIN SELECT GENERATE('x', 'llm')")).toBe("ok");
    expect(await run(admin, "CREATE TABLE notes (id INT PRIMARY KEY, body TEXT)")).toBe("ok");
    expect(await run(admin, "EXPLAIN CREATE MATERIALIZED VIEW g AS SELECT id, GENERATE(body, 'llm') FROM notes")).toBe("ok");
    // errors quoting the statement
    expect(await run(admin, `CREATE SECRET k WITH (value = '${SECRET}')`)).toBe("42710");
    expect(await run(admin, `CREATE SECRET k2 WITH (value = '${SECRET}' oops)`)).toBe("42601");
    expect(await run(admin, `CREATE SECRET k3 WITH (value = '${SECRET}', colour = 'x')`)).toBe("22023");
    expect(await run(admin, `ALTER USER nobody PASSWORD '${PASSWORD_2}'`)).toBe("42704");
    expect(await run(admin, `CREATE USER eve2 PASSWORD '${PASSWORD_2}' BOGUS`)).toBe("42601");
    // a syntax error at the literal itself (the message quotes the token: masked)
    expect(await run(admin, `CREATE USER eve3 WITH '${PASSWORD_2}'`)).toBe("42601");
    expect(seen.at(-1)).toMatch(/syntax error at or near \\"'\*{8}'\\"/);
    expect(await run(admin, `ALTER USER eve PASSWORD '${PASSWORD_2}'`)).toBe("ok");
    // catalogs, dump and the audit log
    for (const sql of [
      "SHOW SECRETS",
      "SHOW MODELS",
      "SELECT * FROM pg_authid",
      "SELECT * FROM pg_roles",
      "SELECT * FROM pg_user",
      "SELECT * FROM pg_stat_activity",
      "SELECT * FROM sage_catalog.dump",
      "SELECT * FROM sage_catalog.audit_log",
      "SELECT * FROM sage_catalog.model_errors",
    ]) {
      expect(await run(admin, sql), sql).toBe("ok");
    }
    // a wrong password, then eve's own view of pg_authid (the verifier masked for non-superusers)
    await expect(client("eve", WRONG)).rejects.toMatchObject({ code: "28P01" });
    const eve = await client("eve", PASSWORD_2);
    expect(await run(eve, "SELECT rolpassword FROM pg_authid WHERE rolname = 'eve'")).toBe("ok");
    expect(seen.at(-1)).toBe(JSON.stringify([[{ rolpassword: "********" }]]));
    expect(await run(eve, "SELECT * FROM sage_catalog.audit_log")).toBe("42501");
    await eve.end();
    await admin.end();

    proc.kill("SIGTERM");
    await new Promise((r) => proc.once("exit", r));
    // the log at trace level did log the run (so the search below is not vacuous)
    expect(logs()).toMatch(/connection_ready/);

    const outputs = seen.join("\n");
    const files = filesUnder(join(dir, "data"));
    expect(files.some((f) => f.endsWith("audit.log"))).toBe(true);
    for (const v of VALUES) {
      expect(outputs.includes(v), `results/errors contain ${v}`).toBe(false);
      expect(logs().includes(v), `logs contain ${v}`).toBe(false);
      for (const f of files) expect(readFileSync(f).includes(v), `${f} contains ${v}`).toBe(false);
    }
    // and the values went where they belong: the model got the key, the audit log the events
    expect(outputs).toMatch(/CREATE SECRET k WITH \(value = '\*\*\*\*\*\*\*\*'\)/);
    expect(outputs).toMatch(/SECRET USE/);
  }, 120_000);
});
