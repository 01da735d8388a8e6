// The HTTP port: /healthz, /metrics scraped and parsed while pgwire and a nexmark view are busy
// (counters move, histograms have samples), and POST /api/query (rows, structured errors, the
// same authentication rules as pgwire).
import { afterEach, describe, expect, it } from "vitest";
import pg from "pg";
import { startServers, stopServers } from "./http-harness.js";



afterEach(stopServers);

/** Prometheus text exposition → sample name{labels} → value (HELP/TYPE lines checked for shape). */
function parseProm(text: string): { samples: Map<string, number>; types: Map<string, string> } {
  const samples = new Map<string, number>();
  const types = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (line === "") continue;
    if (line.startsWith("# TYPE ")) {
      const [, , name, type] = line.split(" ");
      types.set(name, type);
      continue;
    }
    if (line.startsWith("# HELP ")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a Prometheus sample line: ${line}`);
    samples.set(m[1] + (m[2] ?? ""), Number(m[3]));
  }
  return { samples, types };
}

function sum(samples: Map<string, number>, name: string, labelFilter = ""): number {
  let n = 0;
  for (const [k, v] of samples) if ((k === name || k.startsWith(name + "{")) && k.includes(labelFilter)) n += v;
  return n;
}

async function scrape(url: string): Promise<ReturnType<typeof parseProm>> {
  const res = await fetch(`${url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
  return parseProm(await res.text());
}

async function query(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  const res = await fetch(`${url}/api/query`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

describe("HTTP port", () => {
  it("answers /healthz and 404s unknown paths", async () => {
    const { url } = await startServers();
    const ok = await fetch(`${url}/healthz`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: "ok" });
    expect((await fetch(`${url}/nope`)).status).toBe(404);
    // the Studio is served at / from the built files (npm run build puts them in dist/studio)
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    expect(await page.text()).toMatch(/studio\.js/);
    expect((await fetch(`${url}/metrics`, { method: "POST" })).status).toBe(405);
  });

  it("/metrics under load: counters move and histograms have samples", async () => {
    const { url, pg: server } = await startServers();
    const client = new pg.Client({ host: "127.0.0.1", port: server.port, user: "sage", database: "sage" });
    await client.connect();
    await client.query(`
      CREATE STREAM bid (auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR, date_time TIMESTAMP, extra VARCHAR,
                         WATERMARK FOR date_time AS date_time - INTERVAL '1 second')
        WITH (connector = 'nexmark', nexmark.table = 'bid', nexmark.events_per_second = '20000', nexmark.max_events = '400000');
      CREATE MATERIALIZED VIEW per_auction AS SELECT auction, count(*) AS n, max(price) AS top FROM bid GROUP BY auction;`);
    const first = await scrape(url);
    expect(first.types.get("sage_operator_rows_in_total")).toBe("counter");
    expect(first.types.get("sage_query_duration_seconds")).toBe("histogram");
    expect(first.types.get("sage_barrier_latency_seconds")).toBe("histogram");
    expect(first.samples.get("sage_pgwire_connections")).toBe(1);
    for (let i = 0; i < 20; i++) await client.query("SELECT count(*) FROM per_auction");
    await new Promise((r) => setTimeout(r, 300));
    const second = await scrape(url);
    const aggIn = (s: Map<string, number>) => sum(s, "sage_operator_rows_in_total", 'kind="HashAggregate"');
    expect(aggIn(second.samples)).toBeGreaterThan(aggIn(first.samples));
    expect(sum(second.samples, "sage_source_rows_total", 'stream="bid"')).toBeGreaterThan(sum(first.samples, "sage_source_rows_total", 'stream="bid"'));
    expect(second.samples.get('sage_query_duration_seconds_count{protocol="pgwire"}')).toBeGreaterThanOrEqual(21);
    expect(second.samples.get('sage_query_duration_seconds_bucket{le="+Inf",protocol="pgwire"}')).toBe(second.samples.get('sage_query_duration_seconds_count{protocol="pgwire"}'));
    expect(second.samples.get("sage_barrier_latency_seconds_count")!).toBeGreaterThan(first.samples.get("sage_barrier_latency_seconds_count") ?? 0);
    expect(sum(second.samples, "sage_operator_state_rows", 'view="per_auction"')).toBeGreaterThan(0);
    expect(sum(second.samples, "sage_view_rows", 'view="per_auction"')).toBeGreaterThan(0);
    expect(second.samples.has('sage_late_rows_total{stream="bid"}')).toBe(true);
    expect(second.samples.get('sage_source_lag_seconds{stream="bid"}')).toBeGreaterThanOrEqual(0);
    // a failed query counts as an error
    await client.query("SELECT nope").catch(() => {});
    const third = await scrape(url);
    expect(third.samples.get('sage_query_errors_total{protocol="pgwire"}')).toBe(1);
    await client.end();
  }, 30_000);

  it("/metrics counts model requests and errors", async () => {
    const { url } = await startServers();
    // a provider nobody listens on: the request fails (connection refused), the row is NULL and counted
    await query(url, { sql: "CREATE MODEL gone WITH (provider = 'openai', task = 'generation', endpoint = 'http://127.0.0.1:9/v1', model = 'x', max_retries = 0)" });
    const r = await query(url, { sql: "SELECT GENERATE('hi', 'gone') IS NULL AS failed" });
    expect(r.json.results[0].rows).toEqual([[true]]);
    const { samples } = await scrape(url);
    expect(samples.get('sage_model_requests_total{model="gone"}')).toBe(1);
    expect(samples.get('sage_model_errors_total{model="gone"}')).toBe(1);
    expect(samples.get('sage_model_calls_total{model="gone"}')).toBe(0);
    expect(samples.get('sage_model_tokens_total{model="gone",kind="prompt"}')).toBe(0);
  });

  it("POST /api/query returns rows and columns, JSON numbers where exact", async () => {
    const { url } = await startServers();
    const r = await query(url, { sql: "CREATE TABLE t (a INT, b TEXT, c BIGINT); INSERT INTO t VALUES (1, 'x', 9007199254740993), (2, NULL, 3); SELECT * FROM t ORDER BY a" });
    expect(r.status).toBe(200);
    expect(r.json.results.map((x: any) => x.command)).toEqual(["CREATE TABLE", "INSERT", "SELECT"]);
    const sel = r.json.results[2];
    expect(sel.columns).toEqual([
      { name: "a", type: "integer" },
      { name: "b", type: "text" },
      { name: "c", type: "bigint" },
    ]);
    expect(sel.rows).toEqual([
      [1, "x", "9007199254740993"],
      [2, null, "3"],
    ]);
    const p = await query(url, { sql: "SELECT a FROM t WHERE a > $1", params: [1] });
    expect(p.json.results[0].rows).toEqual([[2]]);
    const text = await fetch(`${url}/api/query`, { method: "POST", headers: { "content-type": "text/plain" }, body: "SELECT 1 + 1 AS two" });
    expect(((await text.json()) as any).results[0].rows).toEqual([[2]]);
    const scraped = await scrape(url);
    expect(scraped.samples.get('sage_query_duration_seconds_count{protocol="http"}')).toBe(3);
  });

  it("POST /api/query gives structured errors with SQLSTATE and position", async () => {
    const { url } = await startServers();
    const syntax = await query(url, { sql: "SELECT 1;\nSELEC 2" });
    expect(syntax.status).toBe(400);
    expect(syntax.json.error).toMatchObject({ code: "42601", line: 2, column: 1 });
    expect(syntax.json.error.position).toBe(11);
    const missing = await query(url, { sql: "SELECT 1 AS one; SELECT * FROM nowhere" });
    expect(missing.status).toBe(400);
    expect(missing.json.error.code).toBe("42P01");
    expect(missing.json.results).toHaveLength(1); // the statement before it ran
    const bad = await fetch(`${url}/api/query`, { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error.code).toBe("22P02");
    const shape = await query(url, { query: "SELECT 1" });
    expect(shape.json.error.code).toBe("08P01");
    const sub = await query(url, { sql: "CREATE TABLE s (a INT); SUBSCRIBE s" });
    expect(sub.json.error.code).toBe("0A000");
  });

  it("uses pgwire's users and rules: Basic auth where a password is required", async () => {
    const { url } = await startServers({ users: [{ name: "alice", password: "s3cret" }], hba: [{ host: "all", user: "all", method: "scram-sha-256" }] });
    const basic = (u: string, p: string) => ({ authorization: `Basic ${Buffer.from(`${u}:${p}`).toString("base64")}` });
    const none = await query(url, { sql: "SELECT 1" });
    expect(none.status).toBe(401);
    expect(none.json.error.code).toBe("28P01");
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    const wrong = await query(url, { sql: "SELECT 1" }, basic("alice", "nope"));
    expect(wrong.status).toBe(401);
    const unknown = await query(url, { sql: "SELECT 1" }, basic("mallory", "s3cret"));
    expect(unknown.status).toBe(401);
    const right = await query(url, { sql: "SELECT 1 AS one" }, basic("alice", "s3cret"));
    expect(right.status).toBe(200);
    expect(right.json.results[0].rows).toEqual([[1]]);
    expect((await fetch(`${url}/metrics`, { headers: basic("alice", "s3cret") })).status).toBe(200);
    // /healthz stays open for probes
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it("refuses a user a reject rule names", async () => {
    const { url } = await startServers({ hba: [{ host: "all", user: "bob", method: "reject" }, { host: "local", user: "all", method: "trust" }] });
    expect((await query(url, { sql: "SELECT 1" })).status).toBe(200);
    const bob = await query(url, { sql: "SELECT 1" }, { authorization: `Basic ${Buffer.from("bob:x").toString("base64")}` });
    expect(bob.status).toBe(403);
    expect(bob.json.error.code).toBe("28000");
  });
});
