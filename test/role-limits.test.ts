// Per-role limits: ALTER ROLE ... SET defaults applied at login, CONNECTION LIMIT (53300), unknown
// users refused (28000), max_query_memory (53200, the session stays usable), AI budgets
// (ai.max_calls_per_minute, ai.max_tokens_per_day: 53400 by the model's error policy) and USAGE
// on models — through the embedded API, pgwire and the HTTP API.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Database, HttpServer, ServerMetrics, SqlError, formatValue, type Session } from "../src/index.js";
import { ModelTestServer } from "../src/ai/testing/model-test-server.js";
import { psql, startTestServer, type TestServer } from "./server/fixture.js";

async function fails(s: Session | Database, sql: string): Promise<SqlError> {
  const e = await s.execute(sql).then(
    () => new Error(`expected ${sql} to fail`),
    (x: unknown) => x,
  );
  if (!(e instanceof SqlError)) throw e;
  return e;
}

async function rows(s: Session | Database, sql: string): Promise<string[]> {
  const results = await s.execute(sql);
  const r = results[results.length - 1];
  return r.rows.map((row) => row.map((v, i) => (v === null ? "NULL" : formatValue(r.columns[i].type, v))).join("|"));
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("ALTER ROLE ... SET", () => {
  it("stores per-role settings, applies them at login, and RESET / RESET ALL remove them; they survive a restart", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sage-role-limits-"));
    dirs.push(dir);
    let db = await Database.open({ dataDir: dir });
    await db.execute("CREATE ROLE r LOGIN");
    await db.execute("ALTER ROLE r SET statement_timeout = '250ms'; ALTER ROLE r SET search_path TO app, public; ALTER ROLE r SET visibility = 'eventual'; ALTER ROLE r SET max_query_memory = '64MB'; ALTER ROLE r SET ai.max_calls_per_minute = 10");
    const r = db.connect({ user: "r" });
    expect(await rows(r, "SHOW statement_timeout")).toEqual(["250"]);
    expect(await rows(r, "SHOW search_path")).toEqual(["app, public"]);
    expect(await rows(r, "SHOW visibility")).toEqual(["eventual"]);
    expect(await rows(r, "SHOW max_query_memory")).toEqual(["64MB"]);
    expect(await rows(r, "SET max_query_memory = 2097152; SHOW max_query_memory")).toEqual(["2GB"]); // a bare number is kB, as in Postgres
    expect(await rows(r, "SET max_query_memory = '1500B'; SHOW max_query_memory")).toEqual(["1500B"]);
    // another role's sessions are untouched
    expect(await rows(db, "SHOW statement_timeout")).toEqual(["0"]);
    // the session may still SET its own value
    expect(await rows(r, "SET statement_timeout = 0; SHOW statement_timeout")).toEqual(["0"]);
    // as Postgres: an unknown setting is 42704, a bad value 22023, and nothing is stored
    expect(await fails(db, "ALTER ROLE r SET no_such_setting = 1")).toMatchObject({ code: "42704", message: 'unrecognized configuration parameter "no_such_setting"' });
    expect((await fails(db, "ALTER ROLE r SET statement_timeout = 'soon'")).code).toBe("22023");
    expect((await fails(db, "ALTER ROLE r SET max_query_memory = '12 parsecs'")).code).toBe("22023");
    expect((await fails(db, "ALTER ROLE nobody SET statement_timeout = 1")).code).toBe("42704");
    await db.execute("ALTER ROLE r RESET no_such_setting"); // accepted, as Postgres does
    // only a superuser / CREATEROLE role may change them (a role cannot raise its own AI budget)
    expect((await fails(r, "ALTER ROLE r SET ai.max_calls_per_minute = 1000")).code).toBe("42501");
    await db.execute("ALTER ROLE r RESET visibility");
    expect(await rows(db.connect({ user: "r" }), "SHOW visibility")).toEqual(["strong"]);
    await db.close();

    db = await Database.open({ dataDir: dir });
    const again = db.connect({ user: "r" });
    expect(await rows(again, "SHOW statement_timeout")).toEqual(["250"]);
    expect(await rows(again, "SHOW visibility")).toEqual(["strong"]);
    await db.execute("ALTER ROLE r RESET ALL");
    expect(await rows(db.connect({ user: "r" }), "SHOW statement_timeout")).toEqual(["0"]);
    expect(db.catalog.roles.get("r")?.settings).toBeUndefined();
    await db.close();
  });

  it("a role's statement_timeout stops its long statements with 57014", async () => {
    const db = await Database.open({ memory: true });
    await db.execute("CREATE ROLE slow LOGIN; ALTER ROLE slow SET statement_timeout = 50");
    const s = db.connect({ user: "slow" });
    const e = await fails(s, "SELECT count(*) FROM generate_series(1, 3000) a, generate_series(1, 3000) b");
    expect(e.code).toBe("57014");
    expect(e.message).toBe("canceling statement due to statement timeout");
    expect(await rows(s, "SELECT 1")).toEqual(["1"]);
    await db.close();
  });
});

describe("who may open a session", () => {
  it("the embedded API: no user is the superuser sage; an unknown user is 28000, not a superuser", async () => {
    const db = await Database.open({ memory: true });
    expect(await rows(db.connect(), "SELECT current_user")).toEqual(["sage"]);
    expect(() => db.connect({ user: "ghost" })).toThrow(expect.objectContaining({ code: "28000", message: 'role "ghost" does not exist' }));
    // a role dropped while its session is open is no superuser either
    await db.execute("CREATE ROLE gone; CREATE TABLE secret_t (x int)");
    const gone = db.connect({ user: "gone" });
    await db.execute("DROP ROLE gone");
    expect((await fails(gone, "SELECT * FROM secret_t")).code).toBe("42501");
    await db.close();
  });

  describe("over pgwire and HTTP", () => {
    let t: TestServer;
    let http: HttpServer;
    let metrics: ServerMetrics;
    beforeAll(async () => {
      t = await startTestServer({ hba: [{ host: "all", user: "all", method: "trust" }] });
      await t.db.execute("CREATE ROLE limited LOGIN CONNECTION LIMIT 2; CREATE ROLE nologin NOLOGIN; CREATE ROLE boss LOGIN SUPERUSER CONNECTION LIMIT 1; CREATE ROLE unlimited LOGIN CONNECTION LIMIT -1");
      metrics = new ServerMetrics(t.db, () => t.server.sessionCount);
      http = await HttpServer.start({ db: t.db, host: "127.0.0.1", port: 0, hba: [{ host: "all", user: "all", method: "trust" }], users: t.server.users, defaultUser: "sage", metrics });
    });
    afterAll(async () => {
      await http.close();
      metrics.close();
      await t.close();
    });

    async function connect(user: string): Promise<pg.Client> {
      const c = new pg.Client({ host: "127.0.0.1", port: t.port, user, database: "sage" });
      c.on("error", () => {});
      await c.connect();
      return c;
    }
    async function loginError(user: string): Promise<{ code?: string; message?: string } | "ok"> {
      try {
        const c = await connect(user);
        await c.end();
        return "ok";
      } catch (e) {
        return { code: (e as { code?: string }).code, message: (e as Error).message };
      }
    }

    it("refuses unknown and NOLOGIN roles with 28000 (trust does not make them superusers)", async () => {
      expect(await loginError("ghost")).toEqual({ code: "28000", message: 'role "ghost" does not exist' });
      expect(await loginError("nologin")).toEqual({ code: "28000", message: 'role "nologin" is not permitted to log in' });
      const res = await fetch(`http://127.0.0.1:${http.port}/api/query`, { method: "POST", headers: { authorization: `Basic ${Buffer.from("ghost:").toString("base64")}` }, body: "SELECT 1" });
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("28000");
    });

    it("a pgwire login gets its role's settings; pg_roles, pg_db_role_setting and psql's \\drds show them", async () => {
      await t.db.execute("CREATE ROLE tuned LOGIN CONNECTION LIMIT 5; ALTER ROLE tuned SET statement_timeout = '2s'; ALTER ROLE tuned SET ai.max_tokens_per_day = 500");
      const c = await connect("tuned");
      try {
        expect((await c.query("SHOW statement_timeout")).rows).toEqual([{ statement_timeout: "2000" }]);
        // a non-superuser role is no superuser over pgwire: is_superuser says so, untrusted languages are refused
        expect((await c.query("SHOW is_superuser")).rows).toEqual([{ is_superuser: "off" }]);
        expect(await c.query("CREATE FUNCTION f(x int) RETURNS int LANGUAGE javascript AS $$ return x $$").then(() => "ok", (e: { code: string }) => e.code)).toBe("42501");
        const r = await c.query("SELECT rolconnlimit, rolconfig FROM pg_catalog.pg_roles WHERE rolname = 'tuned'");
        expect(r.rows).toEqual([{ rolconnlimit: 5, rolconfig: ["statement_timeout=2s", "ai.max_tokens_per_day=500"] }]);
        const s = await c.query("SELECT setdatabase, setconfig FROM pg_catalog.pg_db_role_setting s JOIN pg_catalog.pg_roles r ON r.oid = s.setrole WHERE r.rolname = 'tuned'");
        expect(s.rows).toEqual([{ setdatabase: 0, setconfig: ["statement_timeout=2s", "ai.max_tokens_per_day=500"] }]);
      } finally {
        await c.end();
      }
      const drds = await psql(t.port, ["-c", "\\drds"]);
      expect(drds.stderr).toBe("");
      expect(drds.stdout).toMatch(/tuned\s*\|\s*\|\s*statement_timeout=2s/);
    });

    it("CONNECTION LIMIT: the next login is 53300 until one closes; -1 is unlimited; superusers are exempt (as in Postgres)", async () => {
      const a = await connect("limited");
      const b = await connect("limited");
      expect(await loginError("limited")).toEqual({ code: "53300", message: 'too many connections for role "limited"' });
      await a.end();
      await new Promise((r) => setTimeout(r, 50));
      const c = await connect("limited");
      expect((await c.query("SELECT current_user AS u")).rows).toEqual([{ u: "limited" }]);
      // ALTER ROLE changes the limit for the next login
      await t.db.execute("ALTER ROLE limited CONNECTION LIMIT 3");
      const d = await connect("limited");
      await Promise.all([b.end(), c.end(), d.end()]);
      const bosses = await Promise.all([connect("boss"), connect("boss")]);
      const many = await Promise.all([1, 2, 3, 4].map(() => connect("unlimited")));
      await Promise.all([...bosses, ...many].map((x) => x.end()));
      // CONNECTION LIMIT 0: no logins at all, HTTP requests included (429)
      await t.db.execute("CREATE ROLE zero LOGIN CONNECTION LIMIT 0");
      expect(await loginError("zero")).toEqual({ code: "53300", message: 'too many connections for role "zero"' });
      const res = await fetch(`http://127.0.0.1:${http.port}/api/query`, { method: "POST", headers: { authorization: `Basic ${Buffer.from("zero:").toString("base64")}` }, body: "SELECT 1" });
      expect(res.status).toBe(429);
      expect(((await res.json()) as { error: { code: string; message: string } }).error).toEqual({ code: "53300", message: 'too many connections for role "zero"' });
    });
  });
});

describe("max_query_memory", () => {
  it("stops a query that builds a huge hash table or sort with 53200; the session stays usable", async () => {
    const db = await Database.open({ memory: true });
    const s = db.connect();
    await s.execute("SET max_query_memory = '2MB'");
    for (const sql of [
      "SELECT g, count(*) FROM generate_series(1, 300000) g GROUP BY g",
      "SELECT * FROM generate_series(1, 300000) g ORDER BY g DESC",
      "SELECT count(*) FROM generate_series(1, 100000) a JOIN generate_series(1, 100000) b ON a.a = b.b",
    ]) {
      const e = await fails(s, sql);
      expect(e.code).toBe("53200");
      expect(e.message).toBe("out of memory");
      expect(e.detail).toMatch(/^query needed more than 2\.0 MB \(max_query_memory\)/);
    }
    // small state runs, on the same session
    expect(await rows(s, "SELECT g % 3 AS k, count(*) FROM generate_series(1, 300000) g GROUP BY 1 ORDER BY 1")).toEqual(["0|100000", "1|100000", "2|100000"]);
    // without a limit the big one runs
    await s.execute("RESET max_query_memory");
    expect(await rows(s, "SELECT count(*) FROM (SELECT g, count(*) FROM generate_series(1, 300000) g GROUP BY g) x")).toEqual(["300000"]);
    await db.close();
  });

  it("comes from the role (ALTER ROLE SET) and the server default (system.max_memory); fails a view's CREATE whose backfill outgrows it", async () => {
    const db = await Database.open({ memory: true, maxQueryMemory: 1024 * 1024 });
    // (loading 100000 rows holds them all at once: this session allows itself more)
    await db.execute("SET max_query_memory = '64MB'; CREATE TABLE t (a int, b int); INSERT INTO t SELECT g, g % 10 FROM generate_series(1, 100000) g");
    const big = "SELECT a, count(*) FROM t GROUP BY a";
    expect((await fails(db, big)).code).toBe("53200");
    await db.execute("CREATE ROLE analyst LOGIN; GRANT SELECT ON t TO analyst; ALTER ROLE analyst SET max_query_memory = '64MB'");
    expect(await rows(db.connect({ user: "analyst" }), `SELECT count(*) FROM (${big}) x`)).toEqual(["100000"]);
    // a materialized view whose initial state is over the limit is not created
    expect((await fails(db, `CREATE MATERIALIZED VIEW too_big AS ${big}`)).code).toBe("53200");
    expect((await fails(db, "SELECT * FROM too_big")).code).toBe("42P01");
    await db.execute("CREATE MATERIALIZED VIEW fine AS SELECT b, count(*) AS n FROM t GROUP BY b");
    expect(await rows(db, "SELECT sum(n) FROM fine")).toEqual(["100000"]);
    await db.close();
  });
});

describe("AI budgets and USAGE on models", () => {
  let server: ModelTestServer;
  beforeAll(async () => {
    server = await ModelTestServer.start("openai", 8);
  });
  afterAll(async () => {
    await server.close();
  });

  async function setup(): Promise<Database> {
    const db = await Database.open({ memory: true });
    await db.execute(`CREATE MODEL llm WITH (provider = 'openai', task = 'generation', endpoint = '${server.url}/v1', model = 'test');
      CREATE ROLE bot LOGIN; GRANT USAGE ON MODEL llm TO bot`);
    return db;
  }

  it("ai.max_calls_per_minute: calls past it give NULL and a model_errors row (53400), or a 53400 error with on_error = 'fail'", async () => {
    const db = await setup();
    await db.execute("ALTER ROLE bot SET ai.max_calls_per_minute = 3");
    const bot = db.connect({ user: "bot" });
    server.reset();
    const answers = await rows(bot, "SELECT GENERATE('q' || g, 'llm') FROM generate_series(1, 5) g ORDER BY g");
    expect(answers.filter((a) => a !== "NULL")).toHaveLength(3);
    expect(answers.filter((a) => a === "NULL")).toHaveLength(2);
    expect(server.requests).toHaveLength(3);
    const errors = await rows(db, "SELECT code, message FROM sage_catalog.model_errors");
    expect(errors).toHaveLength(2);
    for (const e of errors) expect(e).toBe('53400|model "llm": role "bot" is over its AI budget: ai.max_calls_per_minute = 3');
    // cached answers cost nothing
    expect(await rows(bot, "SELECT GENERATE('q1', 'llm') IS NOT NULL")).toEqual(["t"]);
    // a session cannot raise its role's limit
    await bot.execute("SET ai.max_calls_per_minute = 1000");
    expect(await rows(bot, "SELECT GENERATE('fresh', 'llm') IS NULL")).toEqual(["t"]);
    await bot.execute("SET ai.on_error = 'fail'");
    const e = await fails(bot, "SELECT GENERATE('fresher', 'llm')");
    expect(e.code).toBe("53400");
    expect(e.message).toMatch(/over its AI budget/);
    // another role's budget is its own
    expect(await rows(db, "SELECT GENERATE('admin asks', 'llm') IS NOT NULL")).toEqual(["t"]);
    // lifting the limit lets the role's calls through again
    await db.execute("ALTER ROLE bot RESET ai.max_calls_per_minute");
    await bot.execute("RESET ai.max_calls_per_minute");
    expect(await rows(bot, "SELECT GENERATE('fresher', 'llm') IS NOT NULL")).toEqual(["t"]);
    await db.close();
  });

  it("ai.max_tokens_per_day: once the role's tokens today reach it, its calls are refused (a session may lower it)", async () => {
    const db = await setup();
    await db.execute("ALTER ROLE bot SET ai.max_tokens_per_day = 1000000");
    const bot = db.connect({ user: "bot" });
    expect(await rows(bot, "SELECT GENERATE('count my tokens please', 'llm') IS NOT NULL")).toEqual(["t"]);
    const used = await rows(db, "SELECT prompt_tokens + completion_tokens FROM sage_catalog.model_usage WHERE model = 'llm'");
    expect(Number(used[0])).toBeGreaterThan(0);
    // lowering it in the session to what was used already refuses the next call
    await bot.execute(`SET ai.max_tokens_per_day = ${Number(used[0])}`);
    expect(await rows(bot, "SELECT GENERATE('one more', 'llm') IS NULL")).toEqual(["t"]);
    expect((await rows(db, "SELECT message FROM sage_catalog.model_errors"))[0]).toMatch(/role "bot" is over its AI budget: used \d+ of ai\.max_tokens_per_day = \d+ tokens today \(UTC\)/);
    // the same budget holds for the role's continuous views
    await db.execute("CREATE TABLE q (id int, text text); GRANT SELECT ON q TO bot; GRANT CREATE ON SCHEMA public TO bot");
    await bot.execute("RESET ai.max_tokens_per_day; SET ai.on_error = 'null'");
    await db.execute("ALTER ROLE bot SET ai.max_tokens_per_day = 1");
    const viewer = db.connect({ user: "bot" });
    await viewer.execute("CREATE MATERIALIZED VIEW answers AS SELECT id, GENERATE(text, 'llm') AS a FROM q");
    await db.execute("INSERT INTO q VALUES (1, 'budgeted question'); FLUSH");
    expect(await rows(viewer, "SELECT id, a IS NULL FROM answers")).toEqual(["1|t"]);
    await db.close();
  });

  it("a role's tokens of the day survive a restart", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sage-ai-budget-"));
    dirs.push(dir);
    let db = await Database.open({ dataDir: dir });
    await db.execute(`CREATE MODEL llm WITH (provider = 'openai', task = 'generation', endpoint = '${server.url}/v1', model = 'test');
      CREATE ROLE bot LOGIN; GRANT USAGE ON MODEL llm TO bot`);
    expect(await rows(db.connect({ user: "bot" }), "SELECT GENERATE('tokens before the restart', 'llm') IS NOT NULL")).toEqual(["t"]);
    const used = Number((await rows(db, "SELECT prompt_tokens + completion_tokens FROM sage_catalog.model_usage WHERE model = 'llm'"))[0]);
    expect(used).toBeGreaterThan(0);
    await db.execute(`ALTER ROLE bot SET ai.max_tokens_per_day = ${used}`);
    await db.close();

    db = await Database.open({ dataDir: dir });
    // model_usage starts over with the process; the role's budget does not
    expect(await rows(db, "SELECT count(*) FROM sage_catalog.model_usage WHERE model = 'llm' AND prompt_tokens > 0")).toEqual(["0"]);
    // the day's budget was used up before the restart: the first call after it is refused
    const bot = db.connect({ user: "bot" });
    expect(await rows(bot, "SELECT GENERATE('the first after the restart', 'llm') IS NULL")).toEqual(["t"]);
    expect(await rows(db, "SELECT message FROM sage_catalog.model_errors")).toEqual([`model "llm": role "bot" is over its AI budget: used ${used} of ai.max_tokens_per_day = ${used} tokens today (UTC)`]);
    // another role's budget is untouched
    expect(await rows(db, "SELECT GENERATE('the first after the restart', 'llm') IS NOT NULL")).toEqual(["t"]);
    await db.close();
  });

  it("EMBED / GENERATE need USAGE on the model (42501), in queries and in views; REVOKE takes it away", async () => {
    const db = await setup();
    await db.execute(`CREATE MODEL emb WITH (provider = 'openai', task = 'embedding', endpoint = '${server.url}/v1', model = 'e', dimensions = 8);
      CREATE ROLE outsider LOGIN; CREATE TABLE q (t text); GRANT SELECT ON q TO outsider; GRANT CREATE ON SCHEMA public TO outsider`);
    const outsider = db.connect({ user: "outsider" });
    expect(await fails(outsider, "SELECT GENERATE('hi', 'llm')")).toMatchObject({ code: "42501", message: "permission denied for model llm" });
    expect(await fails(outsider, "SELECT EMBED('hi', 'emb')")).toMatchObject({ code: "42501", message: "permission denied for model emb" });
    expect(await fails(outsider, "CREATE MATERIALIZED VIEW g AS SELECT GENERATE(t, 'llm') FROM q")).toMatchObject({ code: "42501", message: "permission denied for model llm" });
    // the built-in embedded model is everyone's
    expect((await outsider.execute("SELECT vector_dims(EMBED('hi'))"))[0].rows).toEqual([[100]]);
    await db.execute("GRANT USAGE ON MODEL llm TO outsider");
    expect(await rows(outsider, "SELECT GENERATE('hi', 'llm')")).toEqual(["echo: hi"]);
    await db.execute("REVOKE USAGE ON MODEL llm FROM outsider");
    expect((await fails(outsider, "SELECT GENERATE('hi', 'llm')")).code).toBe("42501");
    await db.close();
  });

  it("a model or connector may use a secret only with USAGE on it; its owner alone replaces or drops it; it survives a restart", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sage-secret-usage-"));
    dirs.push(dir);
    let db = await Database.open({ dataDir: dir });
    await db.execute("CREATE ROLE keeper LOGIN; CREATE ROLE builder LOGIN");
    const keeper = db.connect({ user: "keeper" });
    const builder = db.connect({ user: "builder" });
    await keeper.execute("CREATE SECRET api WITH (value = 'sk-test-123456')");
    const model = `CREATE MODEL m1 WITH (provider = 'openai', task = 'embedding', endpoint = '${server.url}/v1', model = 'e', dimensions = 8, api_key = SECRET api)`;
    expect(await fails(builder, model)).toMatchObject({ code: "42501", message: "permission denied for secret api" });
    expect(await fails(builder, "CREATE SINK s1 FROM nothing WITH (connector = 'postgres', hostname = '127.0.0.1', password = SECRET api)")).toMatchObject({ code: "42501", message: "permission denied for secret api" });
    expect(await fails(builder, "DROP SECRET api")).toMatchObject({ code: "42501", message: "must be owner of secret api" });
    expect(await fails(builder, "CREATE OR REPLACE SECRET api WITH (value = 'stolen')")).toMatchObject({ code: "42501", message: "must be owner of secret api" });
    expect(await fails(builder, "GRANT USAGE ON SECRET api TO builder")).toMatchObject({ code: "42501" });
    await keeper.execute("GRANT USAGE ON SECRET api TO builder");
    await builder.execute(model);
    expect(await rows(builder, "SELECT vector_dims(EMBED('x', 'm1'))")).toEqual(["8"]);
    // the owner still cannot read the value back
    expect(JSON.stringify(await keeper.execute("SHOW SECRETS"))).not.toContain("sk-test-123456");
    expect(await fails(db, "DROP ROLE keeper")).toMatchObject({ code: "2BP01", detail: expect.stringContaining("owner of secret api") });
    await db.close();

    db = await Database.open({ dataDir: dir });
    expect(db.catalog.access.secrets.get("api")?.owner).toBe("keeper");
    await db.execute("CREATE ROLE late LOGIN");
    const late = db.connect({ user: "late" });
    expect((await fails(late, model.replace("m1", "m2"))).code).toBe("42501");
    await db.connect({ user: "keeper" }).execute("REVOKE USAGE ON SECRET api FROM builder");
    expect((await fails(db.connect({ user: "builder" }), model.replace("m1", "m3"))).code).toBe("42501");
    await db.close();
  });
});
