// Remote models in continuous queries: the async AI map operator between a stream or table and a
// materialized view (or a SUBSCRIBE), against a real local OpenAI-compatible HTTP server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Database, formatValue } from "../src/index.js";
import { ModelTestServer } from "../src/ai/testing/model-test-server.js";

async function rows(db: Database, sql: string): Promise<string[]> {
  const [r] = await db.execute(sql);
  return r.rows.map((row) => row.map((v, i) => (v === null ? "NULL" : formatValue(r.columns[i].type, v))).join("|"));
}

describe("remote models in continuous views", () => {
  let server: ModelTestServer;
  beforeAll(async () => {
    server = await ModelTestServer.start("openai", 8);
  });
  afterAll(async () => {
    await server.close();
  });

  async function withModels(extra = ""): Promise<Database> {
    const db = await Database.open({ memory: true });
    await db.execute(`CREATE MODEL llm WITH (provider = 'openai', task = 'generation', endpoint = '${server.url}/v1', model = 'test', max_retries = 2${extra})`);
    await db.execute(`CREATE MODEL emb WITH (provider = 'openai', task = 'embedding', endpoint = '${server.url}/v1', model = 'e', dimensions = 8, max_batch = 4)`);
    return db;
  }

  it("reads its own writes: a SELECT after an INSERT waits for the view's model answers, unless visibility = 'eventual'", async () => {
    const db = await withModels();
    await db.execute("CREATE STREAM q (id INT, text TEXT)");
    await db.execute("CREATE MATERIALIZED VIEW answers AS SELECT id, GENERATE(text, 'llm') AS a FROM q");
    const s = db.connect();
    server.reset();
    server.script({ delayMs: 300, then: "normal" as const }, { delayMs: 300, then: "normal" as const });
    await s.execute("INSERT INTO q VALUES (1, 'one')");
    expect((await s.execute("SELECT id, a FROM answers"))[0].rows).toEqual([[1, "echo: one"]]);
    await s.execute("SET visibility = 'eventual'; INSERT INTO q VALUES (2, 'two')");
    expect((await s.execute("SELECT id FROM answers ORDER BY id"))[0].rows).toEqual([[1]]); // the answer is 300 ms away
    await s.execute("FLUSH");
    expect((await s.execute("SELECT id FROM answers ORDER BY id"))[0].rows).toEqual([[1], [2]]);
    await db.close();
  });

  it("maintains a view with GENERATE and EMBED over a stream: in order, batched, deduplicated, FLUSH waits", async () => {
    const db = await withModels();
    await db.execute("CREATE STREAM q (id INT, text TEXT)");
    await db.execute("CREATE MATERIALIZED VIEW answers AS SELECT id, GENERATE('Q: ' || text, 'llm') AS a, vector_dims(EMBED(text, 'emb')) AS d FROM q WHERE text IS DISTINCT FROM 'skip'");
    const [plan] = await db.execute("EXPLAIN CREATE MATERIALIZED VIEW x AS SELECT id, GENERATE(text, 'llm') FROM q");
    expect(plan.rows.map((r) => r[0]).join("\n")).toMatch(/Async AI Map[\s\S]*GENERATE\(.*\) with model llm/);
    server.reset();
    const values = Array.from({ length: 40 }, (_, i) => `(${i}, 'item ${i % 10}')`).join(", ");
    await db.execute(`INSERT INTO q VALUES ${values}, (100, NULL), (101, 'skip')`);
    await db.execute("FLUSH");
    const got = await rows(db, "SELECT id, a, d FROM answers ORDER BY id");
    expect(got).toHaveLength(41);
    expect(got[0]).toBe("0|echo: Q: item 0|8");
    expect(got[13]).toBe("13|echo: Q: item 3|8");
    expect(got[40]).toBe("100|NULL|NULL"); // NULL input: NULL without a call
    // 10 distinct texts: one chat request each (deduplicated) and 10 embeddings in batches of <= 4
    const chats = server.requests.filter((r) => r.path.endsWith("/chat/completions"));
    expect(chats).toHaveLength(10);
    const batches = server.embeddingBatches();
    expect(batches.flat().sort()).toEqual(Array.from({ length: 10 }, (_, i) => `item ${i}`).sort());
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(4);
    // the same inputs again come from the cache
    server.reset();
    await db.execute("INSERT INTO q VALUES (200, 'item 5')");
    await db.execute("FLUSH");
    expect(server.requests).toHaveLength(0);
    expect(await rows(db, "SELECT a FROM answers WHERE id = 200")).toEqual(["echo: Q: item 5"]);
    const [usage] = await db.execute("SELECT model, rows, cache_hits, calls, p50_latency_ms IS NOT NULL FROM sage_catalog.model_usage WHERE model = 'llm'");
    expect(usage.rows[0][0]).toBe("llm");
    expect(Number(usage.rows[0][2])).toBeGreaterThanOrEqual(1);
    expect(usage.rows[0][4]).toBe(true);
    await db.close();
  });

  it("model_usage.spend is the tokens times the model's prices; NULL without a price; a bad price is 22023", async () => {
    const db = await withModels(", price_per_1k_input_tokens = 0.5, price_per_1k_output_tokens = 2");
    await db.execute("CREATE STREAM q (id INT, text TEXT)");
    await db.execute("CREATE MATERIALIZED VIEW answers AS SELECT id, GENERATE(text, 'llm') AS a, EMBED(text, 'emb') AS e FROM q");
    await db.execute("INSERT INTO q VALUES (1, 'one two three'), (2, 'four five')");
    await db.execute("FLUSH");
    const [u] = await db.execute("SELECT model, prompt_tokens, completion_tokens, spend FROM sage_catalog.model_usage ORDER BY model");
    const byModel = new Map(u.rows.map((r) => [r[0] as string, r]));
    const llm = byModel.get("llm")!;
    expect(Number(llm[1])).toBeGreaterThan(0);
    expect(Number(llm[2])).toBeGreaterThan(0);
    expect(llm[3]).toBeCloseTo((Number(llm[1]) * 0.5 + Number(llm[2]) * 2) / 1000, 12);
    expect(Number(byModel.get("emb")![1])).toBeGreaterThan(0); // the embedding model used tokens but has no price
    expect(byModel.get("emb")![3]).toBeNull();
    // a new price (all else unchanged) applies from then on; what was spent stays
    await db.execute(`CREATE OR REPLACE MODEL llm WITH (provider = 'openai', task = 'generation', endpoint = '${server.url}/v1', model = 'test', max_retries = 2, price_per_1k_input_tokens = 10)`);
    await db.execute("SELECT GENERATE('five six seven eight', 'llm')");
    const [after] = await db.execute("SELECT prompt_tokens, completion_tokens, spend FROM sage_catalog.model_usage WHERE model = 'llm'");
    const [p2, c2, s2] = after.rows[0].map(Number);
    expect(p2).toBeGreaterThan(Number(llm[1]));
    expect(s2).toBeCloseTo((llm[3] as number) + ((p2 - Number(llm[1])) * 10) / 1000, 12);
    expect(c2).toBeGreaterThan(Number(llm[2])); // and completion tokens, now unpriced, added nothing
    for (const bad of ["-1", "'lots'", "''"]) {
      await expect(db.execute(`CREATE MODEL p WITH (provider = 'openai', task = 'generation', model = 'x', price_per_1k_output_tokens = ${bad})`)).rejects.toMatchObject({
        code: "22023",
        message: expect.stringContaining('"price_per_1k_output_tokens"'),
      });
    }
    await db.close();
  });

  it("backfills existing rows before CREATE returns, and views on the view follow", async () => {
    const db = await withModels();
    await db.execute("CREATE TABLE docs (id INT PRIMARY KEY, body TEXT); INSERT INTO docs VALUES (1, 'a'), (2, 'b')");
    await db.execute("CREATE MATERIALIZED VIEW g AS SELECT id, GENERATE(body, 'llm') AS a FROM docs");
    expect(await rows(db, "SELECT id, a FROM g ORDER BY id")).toEqual(["1|echo: a", "2|echo: b"]);
    await db.execute("CREATE MATERIALIZED VIEW n AS SELECT count(*) AS c, max(a) AS m FROM g");
    await db.execute("INSERT INTO docs VALUES (3, 'c')");
    await db.execute("UPDATE docs SET body = 'z' WHERE id = 1");
    await db.execute("FLUSH");
    expect(await rows(db, "SELECT id, a FROM g ORDER BY id")).toEqual(["1|echo: z", "2|echo: b", "3|echo: c"]);
    expect(await rows(db, "SELECT c, m FROM n")).toEqual(["3|echo: z"]);
    // a delete carries its insert's answer: the model is not asked (model_usage counts no new row)
    const asked = await rows(db, "SELECT rows FROM sage_catalog.model_usage WHERE model = 'llm'");
    await db.execute("DELETE FROM docs WHERE id = 2");
    await db.execute("FLUSH");
    expect(await rows(db, "SELECT id FROM g ORDER BY id")).toEqual(["1", "3"]);
    expect(await rows(db, "SELECT rows FROM sage_catalog.model_usage WHERE model = 'llm'")).toEqual(asked);
    // over a table the operator keeps answers for deletes; over a stream (appends only) it does not
    const [onTable] = await db.execute("EXPLAIN CREATE MATERIALIZED VIEW x AS SELECT GENERATE(body, 'llm') FROM docs");
    expect(onTable.rows.map((r) => r[0]).join("\n")).toMatch(/for its deletes/);
    await db.execute("CREATE STREAM s (body TEXT)");
    const [onStream] = await db.execute("EXPLAIN CREATE MATERIALIZED VIEW x AS SELECT GENERATE(body, 'llm') FROM s");
    expect(onStream.rows.map((r) => r[0]).join("\n")).not.toMatch(/for its deletes/);
    await db.close();
  });

  it("a failing row gives NULL and lands in model_errors; the view keeps running", async () => {
    const db = await withModels();
    await db.execute("CREATE STREAM q (id INT, text TEXT)");
    await db.execute("CREATE MATERIALIZED VIEW answers AS SELECT id, GENERATE(text, 'llm') AS a FROM q");
    await db.execute("INSERT INTO q VALUES (1, 'fine'), (2, 'bad [400]'), (3, 'broken [malformed]'), (4, 'also fine')");
    await db.execute("FLUSH");
    expect(await rows(db, "SELECT id, a FROM answers ORDER BY id")).toEqual(["1|echo: fine", "2|NULL", "3|NULL", "4|echo: also fine"]);
    const errors = await rows(db, "SELECT model, length(input_hash), code FROM sage_catalog.model_errors ORDER BY code");
    expect(errors).toHaveLength(2);
    expect(errors.every((e) => e.startsWith("llm|16|"))).toBe(true);
    const [e] = await db.execute("SELECT message FROM sage_catalog.model_errors");
    expect(e.rows.map((r) => String(r[0])).join(" ")).not.toContain("bad [400]"); // inputs are hashed, not echoed
    await db.execute("INSERT INTO q VALUES (5, 'later')");
    await db.execute("FLUSH");
    expect(await rows(db, "SELECT a FROM answers WHERE id = 5")).toEqual(["echo: later"]);
    expect(await rows(db, "SELECT errors FROM sage_catalog.model_usage WHERE model = 'llm'")).toEqual(["2"]);
    await expect(db.execute("DROP MODEL llm")).rejects.toMatchObject({ code: "2BP01", message: expect.stringMatching(/materialized view answers uses it/) });
    await db.execute("DROP MATERIALIZED VIEW answers; DROP MODEL llm");
    await db.close();
  });

  it("retries 429 and 500 answers and still answers every row", async () => {
    const db = await withModels();
    await db.execute("CREATE STREAM q (id INT, text TEXT)");
    await db.execute("CREATE MATERIALIZED VIEW answers AS SELECT id, GENERATE(text, 'llm') AS a FROM q");
    server.reset();
    server.script({ status: 429, headers: { "retry-after": "0" } }, { status: 500 });
    await db.execute("INSERT INTO q VALUES (1, 'x')");
    await db.execute("FLUSH");
    expect(await rows(db, "SELECT a FROM answers")).toEqual(["echo: x"]);
    expect(server.requests.length).toBe(3);
    expect(await rows(db, "SELECT retries FROM sage_catalog.model_usage WHERE model = 'llm'")).toEqual(["2"]);
    await db.close();
  });

  it("on_error = 'fail' stops the view: FLUSH reports the model's error", async () => {
    const db = await withModels(", on_error = 'fail'");
    await db.execute("CREATE STREAM q (id INT, text TEXT)");
    await db.execute("CREATE MATERIALIZED VIEW answers AS SELECT id, GENERATE(text, 'llm') AS a FROM q");
    await db.execute("INSERT INTO q VALUES (1, 'ok')");
    await db.execute("FLUSH");
    await db.execute("INSERT INTO q VALUES (2, 'bad [400]')");
    await expect(db.execute("FLUSH")).rejects.toMatchObject({ code: expect.stringMatching(/^[0-9A-Z]{5}$/) });
    expect(await rows(db, "SELECT id FROM answers")).toEqual(["1"]);
    await db.close();
  });

  it("a stopped view names itself in FLUSH and does not block creating other views", async () => {
    const db = await withModels(", on_error = 'fail'");
    await db.execute("CREATE STREAM q (id INT, text TEXT)");
    await db.execute("CREATE MATERIALIZED VIEW answers AS SELECT id, GENERATE(text, 'llm') AS a FROM q");
    await db.execute("INSERT INTO q VALUES (1, 'bad [400]')");
    await expect(db.execute("FLUSH")).rejects.toThrow(/materialized view "answers" stopped/);
    await db.execute("CREATE TABLE other (x INT); CREATE MATERIALIZED VIEW fine AS SELECT count(*) AS n FROM other");
    await expect(db.execute("CREATE MATERIALIZED VIEW g2 AS SELECT GENERATE(text, 'llm') FROM (VALUES ('x [400]')) v(text)")).rejects.toThrow(/"g2" stopped/);
    await db.execute("DROP MATERIALIZED VIEW answers; DROP MATERIALIZED VIEW g2");
    await db.execute("FLUSH");
    await db.close();
  });

  it("backpressure: a writer waits while the views hold too many unanswered rows", async () => {
    const db = await withModels();
    db.streams.maxPendingRows = 1;
    server.slowMs = 2000; // "held" and "at once" a second apart, however loaded the machine
    await db.execute("CREATE STREAM q (id INT, text TEXT)");
    await db.execute("CREATE MATERIALIZED VIEW answers AS SELECT id, GENERATE(text, 'llm') AS a FROM q");
    const t0 = Date.now();
    await db.execute("INSERT INTO q VALUES (1, 'one [slow]'), (2, 'two [slow]')");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1900); // held until the slow model answered
    expect(db.streams.pendingRows).toBeLessThanOrEqual(1);
    db.streams.maxPendingRows = 1000;
    const t1 = Date.now();
    await db.execute("INSERT INTO q VALUES (3, 'three [slow]')");
    expect(Date.now() - t1).toBeLessThan(1000); // under the bound: the write returns at once
    expect(db.streams.pendingRows).toBe(1);
    await db.execute("FLUSH");
    expect(await rows(db, "SELECT count(a) FROM answers")).toEqual(["3"]);
    await db.close();
    server.slowMs = 600;
  });

  it("backpressure: a generator source stops producing while a slow model holds too many rows", async () => {
    const db = await withModels();
    db.streams.maxPendingRows = 100;
    server.reset();
    // every answer takes 300 ms: with 4 calls at a time the model manages ~13 rows/s
    server.script(...Array.from({ length: 400 }, () => ({ delayMs: 300, then: "normal" as const })));
    await db.execute("CREATE STREAM g (n INT, t TEXT) WITH (connector = 'datagen', datagen.rows.per.second = 2000, fields.n.kind = 'sequence', fields.n.start = 1, fields.n.end = 100000000, fields.t.length = 6)");
    await db.execute("CREATE MATERIALIZED VIEW gv AS SELECT n, GENERATE(t, 'llm') AS a FROM g");
    const produced = async () => Number((await db.execute("SELECT rows_produced FROM sage_catalog.sources WHERE stream = 'g'"))[0].rows[0][0]);
    // from the moment the view holds too many rows: before it, the source may still produce in one
    // tick what it owes for a stall (CI: creating the view on a loaded machine let 1,248 rows come due)
    const overloaded = Date.now() + 10_000;
    while (!db.streams.overloaded) {
      if (Date.now() > overloaded) throw new Error(`the view never held more than ${db.streams.maxPendingRows} rows (${db.streams.pendingRows})`);
      await new Promise((r) => setTimeout(r, 10));
    }
    const before = await produced();
    await new Promise((r) => setTimeout(r, 1000));
    const during = (await produced()) - before;
    // at 2,000 rows/s the source would have made ~2,000 rows; it held back at the bound instead
    expect(during).toBeLessThan(600);
    expect(db.streams.pendingRows).toBeLessThanOrEqual(100 + 200);
    await db.execute("DROP MATERIALIZED VIEW gv; DROP STREAM g");
    server.reset();
    await db.close();
  });

  it("SET ai.on_error = 'fail' turns a failed ad-hoc call into a statement error", async () => {
    const db = await withModels();
    const s = db.connect();
    expect((await s.execute("SELECT GENERATE('bad [400]', 'llm') IS NULL"))[0].rows).toEqual([[true]]);
    await s.execute("SET ai.on_error = 'fail'");
    await expect(s.execute("SELECT GENERATE('bad [400]', 'llm')")).rejects.toThrow();
    await db.close();
  });

  it("SET ai.on_error = 'fail' applies to views the session creates", async () => {
    const db = await withModels();
    const s = db.connect();
    await s.execute("SET ai.on_error = 'fail'; CREATE STREAM q (id INT, text TEXT)");
    await s.execute("CREATE MATERIALIZED VIEW answers AS SELECT id, GENERATE(text, 'llm') AS a FROM q");
    await s.execute("INSERT INTO q VALUES (1, 'bad [400]')");
    await expect(s.execute("FLUSH")).rejects.toThrow();
    await expect(s.execute("SET ai.on_error = 'maybe'; CREATE MATERIALIZED VIEW v2 AS SELECT GENERATE(text, 'llm') FROM q")).rejects.toMatchObject({ code: "22023" });
    await db.close();
  });

  it("SUBSCRIBE to a query with GENERATE delivers answered rows; DROP cancels in-flight calls", async () => {
    const db = await withModels();
    await db.execute("CREATE STREAM q (id INT, text TEXT)");
    const [sub] = await db.execute("SUBSCRIBE TO (SELECT id, GENERATE(text, 'llm') AS a FROM q)");
    await db.execute("INSERT INTO q VALUES (1, 'hello'), (2, 'world')");
    await db.execute("FLUSH");
    const batch = await sub.subscription!.next();
    expect(batch!.map((r) => `${r[0]}|${r[2]}|${r[3]}`)).toEqual(["insert|1|echo: hello", "insert|2|echo: world"]);
    sub.subscription!.cancel();
    // a slow call in a view that is dropped is aborted, and FLUSH does not wait for it
    await db.execute("CREATE MATERIALIZED VIEW slow AS SELECT GENERATE(text, 'llm') AS a FROM q");
    server.reset();
    server.slowMs = 2000;
    await db.execute("INSERT INTO q VALUES (3, 'wait [slow]')");
    await db.execute("DROP MATERIALIZED VIEW slow");
    const t0 = Date.now();
    await db.execute("FLUSH");
    expect(Date.now() - t0).toBeLessThan(1000);
    await db.close();
    server.slowMs = 600;
  });

  it("embeds through a self-hosted Hugging Face TEI server in a view, the key from a secret", async () => {
    const tei = await ModelTestServer.start("tei", 6);
    try {
      const db = await Database.open({ memory: true });
      await db.execute("CREATE SECRET hf WITH (value = 'hf_test_token')");
      await db.execute(`CREATE MODEL tei WITH (provider = 'huggingface', task = 'embedding', endpoint = '${tei.url}', dimensions = 6, api_key = SECRET hf)`);
      await db.execute("CREATE STREAM docs (id INT, body TEXT)");
      await db.execute("CREATE MATERIALIZED VIEW e AS SELECT id, EMBED(body, 'tei') AS v FROM docs");
      await db.execute("INSERT INTO docs VALUES (1, 'alpha'), (2, 'beta'), (3, NULL)");
      await db.execute("FLUSH");
      expect(await rows(db, "SELECT id, vector_dims(v) FROM e ORDER BY id")).toEqual(["1|6", "2|6", "3|NULL"]);
      // the same text embedded ad hoc gives the same vector
      expect(await rows(db, "SELECT count(*) FROM e WHERE v = EMBED('alpha', 'tei')")).toEqual(["1"]);
      expect(tei.requests.every((r) => r.headers.authorization === "Bearer hf_test_token")).toBe(true);
      await db.close();
    } finally {
      await tei.close();
    }
  });

  it("classify and count: GROUP BY GENERATE(...) and an aggregate over answers, joined to a table", async () => {
    const db = await withModels();
    await db.execute("CREATE STREAM tickets (id INT, team INT, text TEXT); CREATE TABLE teams (id INT, name TEXT); INSERT INTO teams VALUES (1, 'core'), (2, 'ai')");
    await db.execute("CREATE MATERIALIZED VIEW labels AS SELECT GENERATE(text, 'llm') AS label, count(*) AS n, sum(length(GENERATE(text, 'llm'))) AS chars FROM tickets GROUP BY 1");
    await db.execute("CREATE MATERIALIZED VIEW by_team AS SELECT t.name, GENERATE(k.text, 'llm') AS a FROM tickets k JOIN teams t ON k.team = t.id");
    await db.execute("INSERT INTO tickets VALUES (1, 1, 'bug'), (2, 2, 'bug'), (3, 2, 'idea')");
    await db.execute("FLUSH");
    expect(await rows(db, "SELECT label, n, chars FROM labels ORDER BY label")).toEqual(["echo: bug|2|18", "echo: idea|1|10"]);
    expect(await rows(db, "SELECT name, a FROM by_team ORDER BY name, a")).toEqual(["ai|echo: bug", "ai|echo: idea", "core|echo: bug"]);
    await db.execute("UPDATE teams SET name = 'platform' WHERE id = 1");
    await db.execute("FLUSH");
    expect(await rows(db, "SELECT name, a FROM by_team ORDER BY name, a")).toEqual(["ai|echo: bug", "ai|echo: idea", "platform|echo: bug"]);
    await db.close();
  });

  it("a filter calling GENERATE keeps the row shape", async () => {
    const db = await withModels();
    await db.execute("CREATE TABLE t (id INT, text TEXT); INSERT INTO t VALUES (1, 'yes'), (2, 'no')");
    await db.execute("CREATE MATERIALIZED VIEW f AS SELECT id FROM t WHERE GENERATE(text, 'llm') LIKE '%yes'");
    expect(await rows(db, "SELECT * FROM f")).toEqual(["1"]);
    // unused columns are pruned below the async operator; the answer lands in the right column
    await db.execute("CREATE TABLE w (a INT, b TEXT, c INT, d TEXT); INSERT INTO w VALUES (1, 'x', 10, 'p'), (0, 'y', 20, 'q')");
    await db.execute("CREATE MATERIALIZED VIEW wv AS SELECT c, GENERATE(d || b, 'llm') AS g, upper(GENERATE(d, 'llm')) AS u FROM w WHERE a > 0");
    expect(await rows(db, "SELECT * FROM wv")).toEqual(["10|echo: px|ECHO: P"]);
    await db.close();
  });
});

describe("the persistent answer cache", () => {
  it("answers a view's calls from the data directory after a restart", async () => {
    const { mkdtempSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const server = await ModelTestServer.start("openai", 8);
    const dir = mkdtempSync(join(tmpdir(), "sage-aicache-db-"));
    try {
      const db = await Database.open({ dataDir: dir });
      await db.execute(`CREATE MODEL llm WITH (provider = 'openai', task = 'generation', endpoint = '${server.url}/v1', model = 'test')`);
      await db.execute("CREATE TABLE q (id INT, text TEXT); INSERT INTO q VALUES (1, 'alpha'), (2, 'beta')");
      await db.execute("CREATE MATERIALIZED VIEW g AS SELECT id, GENERATE(text, 'llm', '{\"json_schema\": {\"type\": \"object\"}}') AS a FROM q");
      expect(server.requests).toHaveLength(2);
      const before = await rows(db, "SELECT id, a FROM g ORDER BY id");
      expect(before[0]).toMatch(/^1\|\{.*"answer":.*alpha/);
      await db.close();
      server.reset();
      const again = await Database.open({ dataDir: dir });
      expect(await rows(again, "SELECT id, a FROM g ORDER BY id")).toEqual(before);
      expect(server.requests).toHaveLength(0); // the restart restored the view (checkpoint) without calling the model
      // the answers themselves are in the data directory: a new view over the same inputs is answered from it
      await again.execute("CREATE MATERIALIZED VIEW g2 AS SELECT id, GENERATE(text, 'llm', '{\"json_schema\": {\"type\": \"object\"}}') AS a FROM q");
      expect(await rows(again, "SELECT id, a FROM g2 ORDER BY id")).toEqual(before);
      expect(server.requests).toHaveLength(0);
      expect(await rows(again, "SELECT cache_hits, calls FROM sage_catalog.model_usage WHERE model = 'llm'")).toEqual(["2|0"]);
      await again.close();
      // a view stopped by on_error = 'fail' does not keep the database from opening again
      const third = await Database.open({ dataDir: dir });
      await third.execute(`CREATE MODEL strict WITH (provider = 'openai', task = 'generation', endpoint = '${server.url}/v1', model = 'test', on_error = 'fail')`);
      await third.execute("CREATE MATERIALIZED VIEW s AS SELECT GENERATE(text, 'strict') AS a FROM q");
      await third.execute("INSERT INTO q VALUES (3, 'bad [400]')");
      await expect(third.execute("FLUSH")).rejects.toThrow(/"s" stopped/);
      await third.close();
      const fourth = await Database.open({ dataDir: dir });
      await expect(fourth.execute("FLUSH")).rejects.toThrow(/"s" stopped/);
      expect(await rows(fourth, "SELECT count(*) FROM g")).toEqual(["3"]);
      await fourth.close();
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
