// Webhook tables (CREATE TABLE ... WITH (connector = 'webhook')): JSON POSTed to the HTTP port
// lands in the table and its views; a signed table refuses a missing or wrong HMAC signature with
// 401 and changes nothing; bad JSON or values are 400 and nothing of the request is inserted; an
// unsigned table takes users with INSERT; a 200 survives kill -9 of `sage-sql serve` (the built
// CLI, dist/: run `npx tsc` first).
import type { ChildProcess } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import pg from "pg";
import { Database, SqlError } from "../src/index.js";
import { startServers, stopServers } from "./server/http-harness.js";
import { startServe } from "./server/serve-process.js";

const children: ChildProcess[] = [];


afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
  await stopServers();
});

const sign = (secret: string, body: string) => createHmac("sha256", secret).update(body).digest("hex");

async function post(url: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; json: { inserted?: number; error?: { code: string; message: string } } }> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  return { status: res.status, json: (await res.json()) as never };
}

async function rows(db: Database, sql: string): Promise<unknown[][]> {
  const [r] = await db.execute(sql);
  return r.rows;
}

async function count(db: Database, table: string): Promise<number> {
  return Number((await rows(db, `SELECT count(*) FROM ${table}`))[0][0]);
}

describe("webhook tables over HTTP", () => {
  it("takes signed JSON into the table and its views; a missing or wrong signature is 401 and changes nothing", async () => {
    const { db, url } = await startServers();
    await db.execute("CREATE SECRET hook_key WITH (value = 'topsecret')");
    await db.execute("CREATE TABLE events (id INT, kind TEXT, amount NUMERIC, at TIMESTAMPTZ) WITH (connector = 'webhook', secret = SECRET hook_key)");
    await db.execute("CREATE MATERIALIZED VIEW by_kind AS SELECT kind, count(*) AS n, sum(amount) AS total FROM events GROUP BY kind");
    const one = JSON.stringify({ id: 1, kind: "click", amount: "1.50", at: "2026-01-02 03:04:05+00" });
    const ok = await post(`${url}/webhook/events`, one, { "x-sage-signature": sign("topsecret", one) });
    expect(ok).toEqual({ status: 200, json: { inserted: 1 } });
    expect(await rows(db, "SELECT id, kind, amount::text FROM events")).toEqual([[1, "click", "1.50"]]);
    // an array body, signed GitHub-style, through the schema-qualified path
    const many = JSON.stringify([
      { id: 2, kind: "click", amount: 2 },
      { id: 3, kind: "view", amount: 0.25 },
    ]);
    expect(await post(`${url}/webhook/public/events`, many, { "x-sage-signature": `sha256=${sign("topsecret", many)}` })).toEqual({ status: 200, json: { inserted: 2 } });
    expect(await rows(db, "SELECT kind, n, total::text FROM by_kind ORDER BY kind")).toEqual([
      ["click", 2n, "3.50"],
      ["view", 1n, "0.25"],
    ]);
    // missing, wrong key, tampered body: 401 and nothing changes
    const bad = JSON.stringify({ id: 9, kind: "evil", amount: 100 });
    const missing = await post(`${url}/webhook/events`, bad);
    expect(missing.status).toBe(401);
    expect(missing.json.error?.code).toBe("28000");
    expect((await post(`${url}/webhook/events`, bad, { "x-sage-signature": sign("wrong", bad) })).status).toBe(401);
    expect((await post(`${url}/webhook/events`, bad, { "x-sage-signature": sign("topsecret", one) })).status).toBe(401);
    expect(await count(db, "events")).toBe(3);
    expect(await rows(db, "SELECT count(*) FROM by_kind WHERE kind = 'evil'")).toEqual([[0n]]);
    // the catalog shows the connector and the rows it took; /metrics counts requests by status
    expect(await rows(db, "SELECT connector, rows_produced, bad_messages FROM sage_catalog.sources WHERE stream = 'events'")).toEqual([["webhook", 3n, 3n]]);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/^sage_webhook_requests_total\{table="public\.events",status="200"\} 2$/m);
    expect(metrics).toMatch(/^sage_webhook_requests_total\{table="public\.events",status="401"\} 3$/m);
  });

  it("refuses bad JSON or values with 400 and inserts nothing of the request; unknown tables are 404", async () => {
    const { db, url } = await startServers();
    await db.execute("CREATE TABLE t (id INT NOT NULL, v TEXT) WITH (connector = 'webhook')");
    await db.execute("CREATE TABLE plain (id INT)");
    const cases = ["{not json", "42", '[{"id": 1}, "x"]', '[{"id": 1}, {"id": "seven"}]', '[{"id": 1}, {"v": "no id"}]'];
    for (const body of cases) {
      const r = await post(`${url}/webhook/t`, body);
      expect(r.status, body).toBe(400);
      expect(r.json.error?.code, body).toMatch(/^2[23]/);
      expect(typeof r.json.error?.message).toBe("string");
    }
    expect(await count(db, "t")).toBe(0);
    expect(await post(`${url}/webhook/t`, "[]")).toEqual({ status: 200, json: { inserted: 0 } });
    expect(await post(`${url}/webhook/T`, '{"id": 5, "v": "x"}')).toEqual({ status: 200, json: { inserted: 1 } });
    await db.execute("CREATE SCHEMA ops; CREATE TABLE ops.t (id INT) WITH (connector = 'webhook')");
    expect(await post(`${url}/webhook/ops/t`, '{"id": 6}')).toEqual({ status: 200, json: { inserted: 1 } });
    expect(await post(`${url}/webhook/sage/ops/t`, '{"id": 7}')).toEqual({ status: 200, json: { inserted: 1 } }); // RisingWave's form
    expect(await rows(db, "SELECT id FROM ops.t ORDER BY id")).toEqual([[6], [7]]);
    for (const path of ["nope", "plain", "other/t", "a/b/c", "a/b/c/d", "%E0%A4%A"]) {
      const r = await post(`${url}/webhook/${path}`, '{"id": 1}');
      expect(r.status, path).toBe(404);
      expect(r.json.error?.code).toBe("42P01");
    }
    expect((await fetch(`${url}/webhook/t`)).status).toBe(405);
    expect(await count(db, "plain")).toBe(0);
  });

  it("gives a field left out its column's DEFAULT, as INSERT does; an explicit null stays NULL", async () => {
    const { db, url } = await startServers();
    await db.execute("CREATE TABLE d (id INT, status TEXT DEFAULT 'new', n INT DEFAULT 7, at TIMESTAMPTZ DEFAULT now(), note TEXT) WITH (connector = 'webhook')");
    const body = JSON.stringify([{ id: 1 }, { id: 2, status: null, n: 3, note: "x" }, { ID: 3, Status: "done" }]);
    expect(await post(`${url}/webhook/d`, body)).toEqual({ status: 200, json: { inserted: 3 } });
    expect(await rows(db, "SELECT id, status, n, at IS NOT NULL, note FROM d ORDER BY id")).toEqual([
      [1, "new", 7, true, null],
      [2, null, 3, true, "x"],
      [3, "done", 7, true, null],
    ]);
  });

  it("refuses a body over max_body_bytes with 413", async () => {
    const { db, url } = await startServers();
    await db.execute("CREATE TABLE small (v TEXT) WITH (connector = 'webhook', max_body_bytes = 100)");
    const r = await post(`${url}/webhook/small`, JSON.stringify({ v: "x".repeat(200) }));
    expect(r.status).toBe(413);
    expect(r.json.error?.code).toBe("54000");
    expect(await post(`${url}/webhook/small`, '{"v": "short"}')).toEqual({ status: 200, json: { inserted: 1 } });
  });

  it("without a secret, authenticates like /api/query and needs INSERT on the table", async () => {
    const { db, url } = await startServers({ users: [{ name: "sage", password: "admin" }], hba: [{ host: "all", user: "all", method: "scram-sha-256" }] });
    await db.execute("CREATE TABLE inbox (msg TEXT) WITH (connector = 'webhook')");
    await db.execute("CREATE ROLE alice LOGIN PASSWORD 'pw'");
    const basic = (u: string, p: string) => ({ authorization: `Basic ${Buffer.from(`${u}:${p}`).toString("base64")}` });
    expect((await post(`${url}/webhook/inbox`, '{"msg": "anon"}')).status).toBe(401);
    expect((await post(`${url}/webhook/inbox`, '{"msg": "bad pw"}', basic("alice", "nope"))).status).toBe(401);
    const denied = await post(`${url}/webhook/inbox`, '{"msg": "no grant"}', basic("alice", "pw"));
    expect(denied.status).toBe(403);
    expect(denied.json.error?.code).toBe("42501");
    await db.execute("GRANT INSERT ON inbox TO alice");
    expect(await post(`${url}/webhook/inbox`, '{"msg": "granted"}', basic("alice", "pw"))).toEqual({ status: 200, json: { inserted: 1 } });
    expect(await post(`${url}/webhook/inbox`, '{"msg": "owner"}', basic("sage", "admin"))).toEqual({ status: 200, json: { inserted: 1 } });
    expect(await rows(db, "SELECT msg FROM inbox ORDER BY msg")).toEqual([["granted"], ["owner"]]);
  });
});

describe("webhook DDL", () => {
  async function fails(db: Database, sql: string): Promise<SqlError> {
    const e = await db.execute(sql).catch((x: unknown) => x);
    expect(e, sql).toBeInstanceOf(SqlError);
    return e as SqlError;
  }

  it("refuses the connector on streams and views, literal or missing secrets, unknown options; and keeps the secret while a table uses it", async () => {
    const db = await Database.open({ memory: true });
    const stream = await fails(db, "CREATE STREAM s (a INT) WITH (connector = 'webhook')");
    expect(stream.code).toBe("0A000");
    expect(stream.hint).toMatch(/CREATE TABLE .*connector = 'webhook'/);
    await db.execute("CREATE TABLE base (a INT)");
    expect((await fails(db, "CREATE MATERIALIZED VIEW v WITH (connector = 'webhook') AS SELECT a FROM base")).code).toBe("0A000");
    expect((await fails(db, "CREATE TABLE w (a INT) WITH (connector = 'webhook', secret = 'literal')")).code).toBe("22023");
    expect((await fails(db, "CREATE TABLE w (a INT) WITH (connector = 'webhook', secret = SECRET nope)")).code).toBe("42704");
    expect((await fails(db, "CREATE TABLE w (a INT) WITH (connector = 'webhook', sekret = 'x')")).code).toBe("22023");
    expect((await fails(db, "CREATE TABLE w (a INT) WITH (connector = 'file', password = SECRET nope)")).code).toBe("0A000");
    await db.execute("CREATE SECRET k WITH (value = 'v')");
    await db.execute("CREATE TABLE w (a INT) WITH (connector = 'webhook', secret = SECRET k, signature_header = 'X-Hub-Signature-256')");
    const drop = await fails(db, "DROP SECRET k");
    expect(drop.code).toBe("2BP01");
    await db.execute("INSERT INTO w VALUES (1)"); // still an ordinary table for SQL
    await db.execute("DROP TABLE w");
    await db.execute("DROP SECRET k");
    await db.close();
  });
});

/** `sage-sql serve` on a data directory; resolves with its ports once both are up. */
async function serve(dataDir: string): Promise<{ proc: ChildProcess; pgPort: number; httpPort: number }> {
  const s = await startServe(["--data-dir", dataDir, "--port", "0", "--http-port", "0"]);
  children.push(s.proc);
  return { ...s, httpPort: s.httpPort! };
}

async function query(port: number, sql: string): Promise<unknown[][]> {
  const client = new pg.Client({ host: "127.0.0.1", port, user: "sage", database: "sage" });
  await client.connect();
  try {
    const r = await client.query({ text: sql, rowMode: "array" });
    return (Array.isArray(r) ? r[r.length - 1] : r).rows as unknown[][];
  } finally {
    await client.end();
  }
}

describe("webhook durability", () => {
  it("a POST answered 200 survives kill -9 of the server", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sage-webhook-"));
    const first = await serve(dir);
    await query(first.pgPort, "CREATE SECRET k WITH (value = 'shh'); CREATE TABLE ev (id INT, note TEXT) WITH (connector = 'webhook', secret = SECRET k); CREATE MATERIALIZED VIEW n AS SELECT count(*) AS c FROM ev");
    const answered: number[] = [];
    for (let i = 1; i <= 20; i++) {
      const body = JSON.stringify({ id: i, note: `n${i}` });
      const r = await post(`http://127.0.0.1:${first.httpPort}/webhook/ev`, body, { "x-sage-signature": sign("shh", body) });
      expect(r.status).toBe(200);
      answered.push(i);
    }
    first.proc.kill("SIGKILL");
    await new Promise((r) => first.proc.once("exit", r));
    const second = await serve(dir);
    expect((await query(second.pgPort, "SELECT id FROM ev ORDER BY id")).map((r) => r[0])).toEqual(answered);
    expect(await query(second.pgPort, "SELECT c FROM n")).toEqual([["20"]]);
    // the restarted server serves the same webhook (its secret and header came back from the log)
    const body = '{"id": 21}';
    expect(await post(`http://127.0.0.1:${second.httpPort}/webhook/ev`, body, { "x-sage-signature": sign("shh", body) })).toEqual({ status: 200, json: { inserted: 1 } });
    expect(await post(`http://127.0.0.1:${second.httpPort}/webhook/ev`, body, { "x-sage-signature": sign("nope", body) })).toMatchObject({ status: 401 });
    expect(await query(second.pgPort, "SELECT count(*) FROM ev")).toEqual([["21"]]);
  }, 60_000);
});
