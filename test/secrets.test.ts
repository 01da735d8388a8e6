// CREATE SECRET / DROP SECRET / SHOW SECRETS and `api_key = SECRET name`: the key reaches the model
// server, and its value appears nowhere else: not in results, errors, model_errors, nor in any
// file of the data directory (the log holds it sealed with AES-256-GCM).
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Database } from "../src/index.js";
import { ModelTestServer } from "../src/ai/testing/model-test-server.js";

const SECRET = "sk-live-7f3a9c1e5b2d4680";

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

function text(results: unknown): string {
  return JSON.stringify(results, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v instanceof Float32Array ? [...v] : v));
}

describe("secrets", () => {
  let server: ModelTestServer;
  let dir: string;
  beforeAll(async () => {
    server = await ModelTestServer.start("openai", 8);
    dir = mkdtempSync(join(tmpdir(), "sage-secrets-"));
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("seals the value, sends it as the API key, and never shows or stores it in clear", async () => {
    const db = await Database.open({ dataDir: dir });
    const outputs: unknown[] = [];
    const run = async (sql: string) => {
      const r = await db.execute(sql);
      outputs.push(r);
      return r;
    };
    await run(`CREATE SECRET openai_key WITH (value = '${SECRET}')`);
    expect(statSync(join(dir, "master.key")).mode & 0o777).toBe(0o600);
    await run(`CREATE MODEL llm WITH (provider = 'openai', task = 'generation', endpoint = '${server.url}/v1', model = 'test', api_key = SECRET openai_key)`);
    server.reset();
    const [g] = await run("SELECT GENERATE('hello', 'llm')");
    expect(g.rows).toEqual([["echo: hello"]]);
    expect(server.requests[0].headers.authorization).toBe(`Bearer ${SECRET}`);
    const [shown] = await run("SHOW SECRETS");
    expect(shown.rows).toEqual([["openai_key", "encrypted value"]]);
    await run("SHOW MODELS");
    // a server error that echoes the Authorization header back is redacted before it is kept
    await run("SELECT GENERATE('oops [400]', 'llm')");
    const [errs] = await run("SELECT message FROM sage_catalog.model_errors");
    expect(errs.rows.length).toBe(1);
    await expect(db.execute(`CREATE SECRET openai_key WITH (value = '${SECRET}')`)).rejects.toMatchObject({ code: "42710" });
    await expect(db.execute("DROP SECRET openai_key")).rejects.toMatchObject({ code: "2BP01" });
    await expect(db.execute("CREATE SECRET bad WITH (value = 'a', env = 'B')")).rejects.toMatchObject({ code: "22023" });
    expect(text(outputs)).not.toContain(SECRET);
    await db.close();
    for (const f of filesUnder(dir)) expect(readFileSync(f).includes(SECRET), f).toBe(false);

    // after a restart the model still authenticates with the key
    const again = await Database.open({ dataDir: dir });
    server.reset();
    expect((await again.execute("SELECT GENERATE('after restart', 'llm')"))[0].rows).toEqual([["echo: after restart"]]);
    expect(server.requests[0].headers.authorization).toBe(`Bearer ${SECRET}`);
    // replacing the secret rotates the key of the models using it
    await again.execute("CREATE OR REPLACE SECRET openai_key WITH (value = 'sk-rotated')");
    server.reset();
    await again.execute("SELECT GENERATE('rotated', 'llm')");
    expect(server.requests[0].headers.authorization).toBe("Bearer sk-rotated");
    await again.execute("DROP MODEL llm; DROP SECRET openai_key");
    expect((await again.execute("SHOW SECRETS"))[0].rows).toEqual([]);
    await expect(again.execute("DROP SECRET openai_key")).rejects.toMatchObject({ code: "42704" });
    await again.close();
    for (const f of filesUnder(dir)) expect(readFileSync(f).includes("sk-rotated"), f).toBe(false);
  });

  it("an env secret reads its variable when used; a literal api_key is refused", async () => {
    process.env.SAGE_TEST_SECRET_KEY = "sk-from-env";
    const db = await Database.open({ memory: true });
    await db.execute("CREATE SECRET k WITH (env = 'SAGE_TEST_SECRET_KEY')");
    expect((await db.execute("SHOW SECRETS"))[0].rows).toEqual([["k", "environment variable SAGE_TEST_SECRET_KEY"]]);
    await db.execute(`CREATE MODEL m WITH (provider = 'openai', task = 'generation', endpoint = '${server.url}/v1', model = 't', api_key = SECRET k)`);
    server.reset();
    await db.execute("SELECT GENERATE('x', 'm')");
    expect(server.requests[0].headers.authorization).toBe("Bearer sk-from-env");
    await expect(db.execute(`CREATE MODEL m2 WITH (provider = 'openai', task = 'generation', endpoint = '${server.url}/v1', model = 't', api_key = 'sk-literal')`)).rejects.toMatchObject({ code: "22023" });
    await expect(db.execute(`CREATE MODEL m3 WITH (provider = 'openai', task = 'generation', endpoint = '${server.url}/v1', model = 't', api_key = SECRET nope)`)).rejects.toMatchObject({ code: "42704" });
    delete process.env.SAGE_TEST_SECRET_KEY;
    await db.close();
  });
});
