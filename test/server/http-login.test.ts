// The HTTP port's Studio login (cookie session, CSRF token, same-origin rule), SUBSCRIBE over
// Server-Sent Events, and checkpoint metrics, against a real PgServer + HttpServer pair.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { request, type IncomingMessage } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ModelTestServer } from "../../src/ai/testing/model-test-server.js";
import { HttpServer, PgServer, type HbaRule } from "../../src/server/index.js";
import { startServers, stopServers } from "./http-harness.js";



afterEach(stopServers);

/** Only `sage` is trusted on loopback; every other role gives its password (as the brief's HBA). */
const SAGE_TRUSTED: HbaRule[] = [
  { host: "local", user: "sage", method: "trust" },
  { host: "all", user: "all", method: "scram-sha-256" },
];

const basic = (u: string, p: string) => ({ authorization: `Basic ${Buffer.from(`${u}:${p}`).toString("base64")}` });

async function login(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/api/login`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  const json = (await res.json()) as any;
  const setCookie = res.headers.get("set-cookie") ?? "";
  return { status: res.status, json, setCookie, cookie: setCookie.split(";")[0] };
}

async function query(url: string, sql: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/api/query`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ sql }) });
  return { status: res.status, json: (await res.json()) as any };
}

/** A raw request, for headers fetch will not let a test set (Host). */
function rawRequest(url: string, path: string, method: string, headers: Record<string, string>, body = ""): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url + path, { method, headers }, (res) => {
      let text = "";
      res.on("data", (d: Buffer) => (text += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("Studio login over HTTP", () => {
  it("logs in with a password, uses the cookie with its CSRF token, and logs out", async () => {
    const { url } = await startServers({ users: [{ name: "alice", password: "s3cret", superuser: true }], hba: SAGE_TRUSTED });
    const bad = await login(url, { user: "alice", password: "wrong" });
    expect(bad.status).toBe(401);
    expect(bad.json.error.code).toBe("28P01");
    expect(bad.setCookie).toBe("");
    // a role with a password must give it even from loopback (its rule is not trust)
    expect((await login(url, { user: "alice" })).status).toBe(401);
    // scripts get a Basic challenge on 401; the Studio (x-requested-with) none, so no browser dialog
    const challenge = (h: Record<string, string>) => fetch(`${url}/api/query`, { method: "POST", headers: h, body: "SELECT 1" }).then((r) => [r.status, r.headers.get("www-authenticate")]);
    expect(await challenge(basic("alice", "wrong"))).toEqual([401, 'Basic realm="sage-sql", charset="UTF-8"']);
    expect(await challenge({ ...basic("alice", "wrong"), "x-requested-with": "sage-studio" })).toEqual([401, null]);

    const ok = await login(url, { user: "alice", password: "s3cret" });
    expect(ok.status).toBe(200);
    expect(ok.json.user).toBe("alice");
    const attrs = ok.setCookie.split(";").map((s) => s.trim());
    expect(attrs).toEqual(expect.arrayContaining(["HttpOnly", "SameSite=Strict", "Path=/"]));
    expect(attrs).not.toContain("Secure"); // plain HTTP
    const id = /^sage_session=([A-Za-z0-9_-]+)$/.exec(ok.cookie)![1];
    expect(Buffer.from(id, "base64url").length).toBe(32); // 256 random bits
    const token = ok.json.csrfToken as string;
    expect(token.length).toBeGreaterThanOrEqual(43);
    // the reply carries no secret of the role
    expect(JSON.stringify(ok.json)).not.toMatch(/SCRAM|md5|s3cret/);

    const withToken = await query(url, "SELECT current_user AS u", { cookie: ok.cookie, "x-csrf-token": token });
    expect(withToken.status).toBe(200);
    expect(withToken.json.results[0].rows).toEqual([["alice"]]);
    // the cookie alone does not do for a POST
    const noToken = await query(url, "SELECT 1", { cookie: ok.cookie });
    expect(noToken.status).toBe(403);
    expect(noToken.json.error.code).toBe("28000");
    expect((await query(url, "SELECT 1", { cookie: ok.cookie, "x-csrf-token": token.slice(0, -1) + (token.endsWith("A") ? "B" : "A") })).status).toBe(403);
    // nor from another origin, even with the token
    expect((await query(url, "SELECT 1", { cookie: ok.cookie, "x-csrf-token": token, origin: "http://evil.example" })).status).toBe(403);
    expect((await query(url, "SELECT 1", { cookie: ok.cookie, "x-csrf-token": token, origin: url })).status).toBe(200);
    // a GET needs no token; /api/session gives the token back after a reload
    expect((await fetch(`${url}/metrics`, { headers: { cookie: ok.cookie } })).status).toBe(200);
    const session = await fetch(`${url}/api/session`, { headers: { cookie: ok.cookie } });
    expect(session.status).toBe(200);
    expect(await session.json()).toEqual({ user: "alice", csrfToken: token });

    // Basic keeps working without any token
    const viaBasic = await query(url, "SELECT current_user AS u", basic("alice", "s3cret"));
    expect(viaBasic.json.results[0].rows).toEqual([["alice"]]);

    // logout needs the token too, then the cookie is dead
    expect((await fetch(`${url}/api/logout`, { method: "POST", headers: { cookie: ok.cookie } })).status).toBe(403);
    const out = await fetch(`${url}/api/logout`, { method: "POST", headers: { cookie: ok.cookie, "x-csrf-token": token } });
    expect(out.status).toBe(200);
    expect(out.headers.get("set-cookie")).toMatch(/^sage_session=; .*Max-Age=0/);
    expect((await fetch(`${url}/api/session`, { headers: { cookie: ok.cookie } })).status).toBe(401);
    // without a session the request falls back to Basic/trust: no longer alice (here: the trusted default role)
    const after = await query(url, "SELECT current_user AS u", { cookie: ok.cookie, "x-csrf-token": token });
    expect(after.json.results[0].rows).toEqual([["sage"]]);
  });

  it("throttles an address after repeated failed logins, even for the right password", async () => {
    const { url } = await startServers({ users: [{ name: "alice", password: "s3cret" }], hba: SAGE_TRUSTED, loginFailures: { max: 3, windowMs: 600 } });
    for (let i = 0; i < 3; i++) expect((await login(url, { user: "alice", password: `guess${i}` })).status).toBe(401);
    const refused = await fetch(`${url}/api/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ user: "alice", password: "s3cret" }) });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(((await refused.json()) as any).error.code).toBe("28000");
    await new Promise((r) => setTimeout(r, 700));
    expect((await login(url, { user: "alice", password: "s3cret" })).status).toBe(200);
  });

  it("logs the default role in without a password on loopback, as psql does", async () => {
    const { url } = await startServers({ hba: SAGE_TRUSTED });
    const ok = await login(url, {});
    expect(ok.status).toBe(200);
    expect(ok.json.user).toBe("sage");
    const r = await query(url, "SELECT current_user AS u", { cookie: ok.cookie, "x-csrf-token": ok.json.csrfToken });
    expect(r.json.results[0].rows).toEqual([["sage"]]);
    // login from another site's page is refused (login CSRF)
    expect((await login(url, {}, { origin: "http://evil.example" })).status).toBe(403);
    // a name that could be a rebound DNS record gets no password-less trust
    const port = new URL(url).port;
    const rebound = await rawRequest(url, "/api/query", "POST", { host: `evil.example:${port}`, "content-type": "application/json" }, JSON.stringify({ sql: "SELECT 1" }));
    expect(rebound.status).toBe(403);
    const reboundLogin = await rawRequest(url, "/api/login", "POST", { host: `evil.example:${port}`, "content-type": "application/json" }, "{}");
    expect(reboundLogin.status).toBe(403);
    expect((await rawRequest(url, "/api/query", "POST", { host: `localhost:${port}`, "content-type": "application/json" }, JSON.stringify({ sql: "SELECT 1" }))).status).toBe(200);
    // a JSON body is required (a cross-site form post cannot send one)
    const form = await fetch(`${url}/api/login`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "user=sage" });
    expect(form.status).toBe(415);
    expect((await login(url, { user: 5 })).status).toBe(400);
  });

  it("logs in a role made with CREATE USER and ends its sessions when it is dropped or idle", async () => {
    const { url } = await startServers({ hba: SAGE_TRUSTED, sessionIdleMs: 1500 });
    expect((await query(url, "CREATE USER carol PASSWORD 'pw9'")).status).toBe(200);
    const carol = await login(url, { user: "carol", password: "pw9" });
    expect(carol.status).toBe(200);
    const h = { cookie: carol.cookie, "x-csrf-token": carol.json.csrfToken };
    expect((await query(url, "SELECT current_user AS u", h)).json.results[0].rows).toEqual([["carol"]]);
    await query(url, "DROP ROLE carol");
    const dropped = await query(url, "SELECT 1", h);
    expect(dropped.status).toBe(401);

    const sage = await login(url, {});
    const hs = { cookie: sage.cookie, "x-csrf-token": sage.json.csrfToken };
    // idle after 1.5 s: two uses 0.9 s apart keep it alive (0.6 s of margin each for a loaded
    // machine's event loop), 2.2 s without one ends it
    await new Promise((r) => setTimeout(r, 900));
    expect((await fetch(`${url}/api/session`, { headers: { cookie: sage.cookie } })).status).toBe(200); // use restarts the idle clock
    await new Promise((r) => setTimeout(r, 900));
    expect((await fetch(`${url}/api/session`, { headers: hs })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 2200));
    expect((await fetch(`${url}/api/session`, { headers: hs })).status).toBe(401);
  });
});

interface SseStream {
  res: IncomingMessage;
  /** events so far */
  events: { event: string; data: any }[];
  /** resolves with the first event (after `from`) that matches */
  waitFor(pred: (e: { event: string; data: any }) => boolean, ms?: number): Promise<{ event: string; data: any }>;
  close(): void;
}

function openSse(url: string, sql: string, headers: Record<string, string> = {}): Promise<SseStream> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/api/subscribe?sql=${encodeURIComponent(sql)}`, { headers: { accept: "text/event-stream", ...headers } }, (res) => {
      const events: { event: string; data: any }[] = [];
      const waiters: (() => void)[] = [];
      let buf = "";
      res.on("data", (d: Buffer) => {
        buf += d.toString();
        let end: number;
        while ((end = buf.indexOf("\n\n")) >= 0) {
          const block = buf.slice(0, end);
          buf = buf.slice(end + 2);
          const ev = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (ev && data !== undefined) events.push({ event: ev, data: JSON.parse(data) });
        }
        for (const w of waiters.splice(0)) w();
      });
      resolve({
        res,
        events,
        waitFor(pred, ms = 1000) {
          return new Promise((ok, fail) => {
            const timer = setTimeout(() => fail(new Error(`no matching event within ${ms} ms: ${JSON.stringify(events)}`)), ms);
            const check = () => {
              const e = events.find(pred);
              if (e) {
                clearTimeout(timer);
                ok(e);
              } else waiters.push(check);
            };
            check();
          });
        },
        close: () => req.destroy(),
      });
    });
    req.on("error", (e) => (e.message.includes("socket hang up") || e.message.includes("aborted") ? undefined : reject(e)));
    req.end();
  });
}

describe("webhooks and cross-site requests", () => {
  it("an unsigned webhook refuses another site's page and a rebindable Host, and takes a server's post", async () => {
    const { url } = await startServers();
    await query(url, "CREATE TABLE hook (id INT) WITH (connector = 'webhook')");
    const post = (headers: Record<string, string>) => rawRequest(url, "/webhook/hook", "POST", { "content-type": "application/json", ...headers }, JSON.stringify({ id: 1 }));
    const port = new URL(url).port;
    expect((await post({ origin: "http://evil.example" })).status).toBe(403);
    expect((await post({ host: `evil.example:${port}` })).status).toBe(403);
    expect((await post({})).status).toBe(200);
    expect((await query(url, "SELECT count(*) AS n FROM hook")).json.results[0].rows).toEqual([["1"]]);
  });
});

describe("SUBSCRIBE over HTTP (Server-Sent Events)", () => {
  it("streams the snapshot and each insert within a second, and stops the subscription on disconnect", async () => {
    const { url, db, http } = await startServers();
    await query(url, "CREATE TABLE t (id INT, v TEXT); INSERT INTO t VALUES (1, 'one')");
    const dataflowsBefore = db.streams.all().length;
    const sse = await openSse(url, "SUBSCRIBE (SELECT id, v FROM t)");
    expect(sse.res.statusCode).toBe(200);
    expect(sse.res.headers["content-type"]).toMatch(/^text\/event-stream/);
    const columns = await sse.waitFor((e) => e.event === "columns");
    expect(columns.data.map((c: any) => c.name)).toEqual(["op", "ts", "id", "v"]);
    const snapshot = await sse.waitFor((e) => e.event === "rows");
    expect(snapshot.data.map((r: any[]) => [r[0], r[2], r[3]])).toEqual([["insert", 1, "one"]]);
    expect(http.subscriptions.active).toBe(1);
    expect((await scrape(url)).get("sage_http_subscriptions")).toBe(1);
    expect(db.streams.all().length).toBe(dataflowsBefore + 1);

    const sent = performance.now();
    await query(url, "INSERT INTO t VALUES (2, 'two')");
    const insert = await sse.waitFor((e) => e.event === "rows" && e.data.some((r: any[]) => r[2] === 2), 1000);
    expect(performance.now() - sent).toBeLessThan(1000);
    const row = insert.data.find((r: any[]) => r[2] === 2);
    expect(row[0]).toBe("insert");
    expect(BigInt(row[1])).toBeGreaterThan(0n); // the change's timestamp, as text (BIGINT)
    await query(url, "DELETE FROM t WHERE id = 1");
    await sse.waitFor((e) => e.event === "rows" && e.data.some((r: any[]) => r[0] === "delete" && r[2] === 1));

    sse.close();
    await expect.poll(() => http.subscriptions.active, { timeout: 2000, interval: 20 }).toBe(0);
    await expect.poll(() => db.streams.all().length, { timeout: 2000, interval: 20 }).toBe(dataflowsBefore);
    expect((await scrape(url)).get("sage_http_subscriptions")).toBe(0);
  });

  it("never sends a secret's value: SHOW SECRETS lists names and sources", async () => {
    const { url } = await startServers();
    await query(url, "CREATE SECRET api_key WITH (value = 'sk-very-secret-42')");
    const r = await query(url, "SHOW SECRETS");
    expect(r.json.results[0].rows.map((x: any[]) => x[0])).toEqual(["api_key"]);
    expect(JSON.stringify(r.json)).not.toContain("sk-very-secret-42");
  });

  it("waits for a slow reader instead of buffering without bound, and delivers every change", async () => {
    const { url } = await startServers();
    await query(url, "CREATE TABLE big (id INT, pad TEXT)");
    const sse = await openSse(url, "SUBSCRIBE big");
    await sse.waitFor((e) => e.event === "columns");
    sse.res.pause(); // the client stops reading: the server's writes must back up
    for (let i = 0; i < 3; i++) {
      expect((await query(url, `INSERT INTO big SELECT g, repeat('p', 200) FROM generate_series(${i * 10000 + 1}, ${(i + 1) * 10000}) g`)).status).toBe(200);
    }
    await new Promise((r) => setTimeout(r, 300));
    sse.res.resume();
    const seen = () => sse.events.filter((e) => e.event === "rows").reduce((n, e) => n + e.data.length, 0);
    await expect.poll(seen, { timeout: 10_000, interval: 50 }).toBe(30_000);
    const ids = new Set(sse.events.filter((e) => e.event === "rows").flatMap((e) => e.data.map((r: any[]) => r[2])));
    expect(ids.size).toBe(30_000);
    sse.close();
  });

  it("runs only a single SUBSCRIBE, as the request's user, and reports bad SQL as JSON errors", async () => {
    const { url } = await startServers({ users: [{ name: "alice", password: "s3cret", superuser: false }], hba: SAGE_TRUSTED });
    await query(url, "CREATE TABLE t (a INT); CREATE USER carol PASSWORD 'pw9'");
    const get = async (sql: string, headers: Record<string, string> = {}) => {
      const res = await fetch(`${url}/api/subscribe?sql=${encodeURIComponent(sql)}`, { headers, signal: AbortSignal.timeout(3000) });
      return { status: res.status, json: (await res.json()) as any };
    };
    const drop = await get("DROP TABLE t");
    expect([drop.status, drop.json.error.code]).toEqual([400, "0A000"]);
    expect((await get("SUBSCRIBE t; DROP TABLE t")).status).toBe(400);
    expect((await query(url, "SELECT count(*) AS n FROM t")).json.results[0].rows).toEqual([["0"]]); // t is still there
    const syntax = await get("SUBSCRIBE (SELEC 1)");
    expect(syntax.json.error.code).toBe("42601");
    expect(syntax.json.error.position).toBeGreaterThan(0);
    expect((await get("SUBSCRIBE nope")).json.error.code).toBe("42P01");
    expect((await fetch(`${url}/api/subscribe`)).status).toBe(400);
    // carol (a role without a grant on t) may not read it; with a wrong password she is refused
    expect((await get("SUBSCRIBE t", basic("carol", "pw9"))).json.error.code).toBe("42501");
    expect((await get("SUBSCRIBE t", basic("carol", "bad"))).status).toBe(401);
    // another site's page cannot open a stream
    expect((await get("SUBSCRIBE t", { origin: "http://evil.example" })).status).toBe(403);
  });
});

/** Prometheus text → sample name{labels} → value. */
async function scrape(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const samples = new Map<string, number>();
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (m) samples.set(m[1] + (m[2] ?? ""), Number(m[3]));
  }
  return samples;
}

describe("checkpoint metrics", () => {
  it("/metrics and sage_catalog.checkpoints move after CHECKPOINT", async () => {
    const { url } = await startServers({ dataDir: true });
    const before = await scrape(url);
    expect(before.get("sage_checkpoint_failures_total{reason=\"error\"}")).toBe(0);
    const taken0 = before.get("sage_checkpoints_total") ?? 0;
    const r = await query(url, "CREATE TABLE t (a INT, b TEXT); INSERT INTO t SELECT g, repeat('x', 100) FROM generate_series(1, 2000) g; CHECKPOINT;");
    expect(r.status).toBe(200);
    const after = await scrape(url);
    expect(after.get("sage_checkpoints_total")).toBe(taken0 + 1);
    expect(after.get("sage_checkpoint_duration_seconds_count")).toBe((before.get("sage_checkpoint_duration_seconds_count") ?? 0) + 1);
    expect(after.get("sage_checkpoint_duration_seconds_sum")).toBeGreaterThan(0);
    const epoch1 = after.get("sage_checkpoint_last_epoch")!;
    expect(epoch1).toBeGreaterThan(0);
    expect(after.get("sage_checkpoint_last_bytes")).toBeGreaterThan(200_000); // 2000 rows of 100 characters
    expect(after.get("sage_checkpoint_written_bytes_total")).toBeGreaterThanOrEqual(after.get("sage_checkpoint_last_bytes")!);

    await query(url, "INSERT INTO t VALUES (0, 'more'); CHECKPOINT;");
    const third = await scrape(url);
    expect(third.get("sage_checkpoints_total")).toBe(taken0 + 2);
    expect(third.get("sage_checkpoint_last_epoch")).toBeGreaterThan(epoch1);

    const rows = (await query(url, "SELECT epoch, ok, duration_ms, bytes, blobs_written, finished_at IS NOT NULL AS stamped FROM sage_catalog.checkpoints")).json.results[0].rows;
    expect(rows.length).toBe(2);
    expect(rows[0][0]).toBe(String(third.get("sage_checkpoint_last_epoch"))); // newest first
    expect(rows.map((x: any[]) => x[1])).toEqual([true, true]);
    expect(rows[1][3]).toBe(String(after.get("sage_checkpoint_last_bytes")));
    expect(rows[0][2]).toBeGreaterThan(0);
    expect(rows[0][5]).toBe(true);
  });

  it("an in-memory database shows no checkpoints", async () => {
    const { url } = await startServers();
    expect((await query(url, "SELECT count(*) AS n FROM sage_catalog.checkpoints")).json.results[0].rows).toEqual([["0"]]);
    expect((await scrape(url)).get("sage_checkpoints_total")).toBe(0);
  });
});

describe("operator backpressure", () => {
  it("/metrics shows rows queued in a view's model call until the answers come", async () => {
    const model = await ModelTestServer.start("openai", 8);
    try {
      const { url } = await startServers();
      await query(url, `CREATE MODEL llm WITH (provider = 'openai', task = 'generation', endpoint = '${model.url}/v1', model = 'test')`);
      await query(url, "CREATE STREAM q (id INT, text TEXT); CREATE MATERIALIZED VIEW answers AS SELECT id, GENERATE(text, 'llm') AS a FROM q");
      const queued = async () => (await scrape(url)).get('sage_operator_queued_rows{view="answers",operator_id="1",kind="AsyncAiMap"}');
      expect(await queued()).toBe(0);
      model.script({ delayMs: 800, then: "normal" as const });
      // eventual visibility: the INSERT returns while the answer is still on its way
      expect((await query(url, "SET visibility = 'eventual'; INSERT INTO q VALUES (1, 'one'), (2, 'two'), (3, 'three')")).status).toBe(200);
      expect(await queued()).toBe(3);
      const ops = await query(url, "SELECT kind, queued_rows FROM sage_catalog.operators WHERE name = 'answers' AND queued_rows > 0");
      expect(ops.json.results[0].rows).toEqual([["AsyncAiMap", "3"]]);
      await expect.poll(queued, { timeout: 5000, interval: 50 }).toBe(0);
      expect((await query(url, "SELECT count(*) AS n FROM answers")).json.results[0].rows).toEqual([["3"]]);
    } finally {
      await model.close();
    }
  });
});

describe("login over HTTPS", () => {
  it("serves HTTPS with pgwire's certificate and marks the session cookie Secure", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sage-https-"));
    try {
      const key = join(dir, "key.pem");
      const cert = join(dir, "cert.pem");
      execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost"], { stdio: "ignore" });
      const { http } = await startServers({ tls: { key: readFileSync(key), cert: readFileSync(cert) } });
      const origin = `https://127.0.0.1:${http.port}`;
      const post = (path: string, headers: Record<string, string>, body: string) =>
        new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
          const req = httpsRequest(origin + path, { method: "POST", rejectUnauthorized: false, headers: { "content-type": "application/json", ...headers } }, (res) => {
            let text = "";
            res.on("data", (d: Buffer) => (text += d.toString()));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
          });
          req.on("error", reject);
          req.end(body);
        });
      const loggedIn = await post("/api/login", { origin }, "{}");
      expect(loggedIn.status).toBe(200);
      const setCookie = String(loggedIn.headers["set-cookie"]);
      expect(setCookie).toMatch(/; Secure$/);
      const cookie = setCookie.split(";")[0];
      const token = JSON.parse(loggedIn.body).csrfToken as string;
      const r = await post("/api/query", { origin, cookie, "x-csrf-token": token }, JSON.stringify({ sql: "SELECT 1 AS one" }));
      expect([r.status, JSON.parse(r.body).results[0].rows]).toEqual([200, [[1]]]);
      // the same host over plain http is another origin
      expect((await post("/api/query", { origin: `http://127.0.0.1:${http.port}`, cookie, "x-csrf-token": token }, JSON.stringify({ sql: "SELECT 1" }))).status).toBe(403);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
