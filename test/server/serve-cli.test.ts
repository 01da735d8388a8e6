// `sage-sql serve` (the built CLI, dist/: run `npx tsc` first) with its HTTP port, its layered
// configuration (a config file via SAGE_CONFIG, so the real home is never read) and its logs, and
// `sage-sql config show`.
import { execFile, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import pg from "pg";
import { CLI, startServe } from "./serve-process.js";

const children: ChildProcess[] = [];

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGTERM");
});

function configFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "sage-serve-"));
  writeFileSync(join(dir, "config.yaml"), text);
  return join(dir, "config.yaml");
}

/** Starts serve in memory; resolves with its printed pgwire and HTTP ports once both are up. */
async function serve(args: string[], env: Record<string, string>): Promise<{ proc: ChildProcess; pgPort: number; httpPort: number; stderr: () => string }> {
  const s = await startServe(["--memory", ...args], { env, timeoutMs: 20_000 });
  children.push(s.proc);
  return { ...s, httpPort: s.httpPort! };
}

function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, HOME: tmpdir(), ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe("sage-sql serve with HTTP, config and logs", () => {
  it("prints the HTTP URL next to the psql line and serves /metrics and /api/query", async () => {
    const path = configFile("system:\n  log_level: info\nserver:\n  port: 0\n  http_port: 0\n");
    const s = await serve([], { SAGE_CONFIG: path });
    expect(s.httpPort).toBeGreaterThan(0);
    const client = new pg.Client({ host: "127.0.0.1", port: s.pgPort, user: "sage", database: "sage" });
    await client.connect();
    await client.query("CREATE TABLE t (a INT); INSERT INTO t VALUES (1), (2)");
    await client.end();
    const res = await fetch(`http://127.0.0.1:${s.httpPort}/api/query`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ sql: "SELECT sum(a) FROM t" }) });
    expect(((await res.json()) as { results: { rows: unknown[][] }[] }).results[0].rows).toEqual([["3"]]);
    const metrics = await (await fetch(`http://127.0.0.1:${s.httpPort}/metrics`)).text();
    expect(metrics).toMatch(/^sage_query_duration_seconds_count\{protocol="pgwire"\} [1-9]/m);
    // log level info from the file: JSON lines on stderr, with the connection event
    const lines = s.stderr().split("\n").filter(Boolean).map((l) => JSON.parse(l) as { level: number; event?: string; name: string });
    expect(lines.some((l) => l.event === "server_started" && l.name === "sage-sql")).toBe(true);
    expect(lines.some((l) => l.event === "connection_ready")).toBe(true);
  }, 30_000);

  it("is quiet by default and a flag beats the environment beats the file", async () => {
    const path = configFile("server:\n  port: 1\n");
    const s = await serve(["--port", "0"], { SAGE_CONFIG: path, SAGE_SERVER_PORT: "2" });
    expect(s.httpPort).not.toBe(5480); // a random pgwire port picks a random HTTP port too
    const client = new pg.Client({ host: "127.0.0.1", port: s.pgPort, user: "sage", database: "sage" });
    await client.connect();
    await client.end();
    expect(s.stderr()).toBe("");
  }, 30_000);

  it("system.max_memory is each query's default max_query_memory: 53200, and the server and connection go on", async () => {
    const path = configFile("system:\n  max_memory: 2MB\nserver:\n  port: 0\n  http_port: 0\n");
    const s = await serve([], { SAGE_CONFIG: path });
    const client = new pg.Client({ host: "127.0.0.1", port: s.pgPort, user: "sage", database: "sage" });
    await client.connect();
    try {
      const e = await client.query("SELECT g, count(*) FROM generate_series(1, 300000) g GROUP BY g").then(() => null, (x: { code: string; message: string; detail: string }) => x);
      expect(e).toMatchObject({ code: "53200", message: "out of memory", detail: expect.stringMatching(/^query needed more than 2\.0 MB/) });
      expect((await client.query("SELECT count(*) AS n FROM generate_series(1, 300000) g")).rows).toEqual([{ n: "300000" }]);
      // a session may allow itself more
      await client.query("SET max_query_memory = '256MB'");
      expect((await client.query("SELECT count(*) AS n FROM (SELECT g, count(*) FROM generate_series(1, 300000) g GROUP BY g) x")).rows).toEqual([{ n: "300000" }]);
    } finally {
      await client.end();
    }
    expect(s.proc.exitCode).toBeNull();
  }, 30_000);

  it("refuses a bad config file naming the key and line", async () => {
    const path = configFile("server:\n  port: 0\n  http_prot: 5\n");
    const r = await cli(["serve", "--memory"], { SAGE_CONFIG: path });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${path} line 3: unknown configuration key "server.http_prot"`);
  });

  it("creates the models of the configuration, and refuses a bad one", async () => {
    const path = configFile("server: { port: 0 }\nmodels:\n  llm: { provider: openai, task: generation, endpoint: 'http://127.0.0.1:9/v1', model: tiny }\n");
    const s = await serve([], { SAGE_CONFIG: path });
    const res = await fetch(`http://127.0.0.1:${s.httpPort}/api/query`, { method: "POST", body: "SHOW MODELS" });
    const body = (await res.json()) as { results: { rows: unknown[][] }[] };
    expect(body.results[0].rows.some((r) => r[0] === "llm")).toBe(true);
    const bad = configFile("server: { port: 0 }\nmodels:\n  llm: { provider: nosuch }\n");
    const r = await cli(["serve", "--memory"], { SAGE_CONFIG: bad });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("config models.llm:");
  }, 30_000);

  it("config show prints effective values and their sources", async () => {
    const path = configFile("server:\n  port: 6543\nsystem:\n  log_level: error\n");
    const r = await cli(["config", "show", "--http-port", "7000"], { SAGE_CONFIG: path, SAGE_SYSTEM_LOG_LEVEL: "debug" });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`# config file: ${path}`);
    expect(r.stdout).toContain(`server.port = 6543    # ${path}:2`);
    expect(r.stdout).toContain('system.log_level = "debug"    # env SAGE_SYSTEM_LOG_LEVEL');
    expect(r.stdout).toContain("server.http_port = 7000    # flag --http-port");
    expect(r.stdout).toContain('server.host = "127.0.0.1"    # default');
  });
});
