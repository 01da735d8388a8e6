// EMBED, GENERATE, models and vector operators from SQL: the embedded model offline, and remote
// models through the real provider code against a local OpenAI-compatible server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Database, SqlError, formatValue } from "../src/index.js";
import { ModelTestServer } from "../src/ai/testing/model-test-server.js";

async function rows(db: Database, sql: string): Promise<string[]> {
  const [r] = await db.execute(sql);
  return r.rows.map((row) => row.map((v, i) => (v === null ? "NULL" : formatValue(r.columns[i].type, v))).join("|"));
}

describe("AI in SQL", () => {
  let server: ModelTestServer;
  beforeAll(async () => {
    server = await ModelTestServer.start("openai", 8);
  });
  afterAll(async () => {
    await server.close();
  });

  it("embeds with the built-in model and ranks related text first", async () => {
    const db = await Database.open({ memory: true });
    const [r] = await db.execute("SELECT vector_dims(EMBED('streaming databases')) AS d, EMBED(NULL) IS NULL AS n");
    expect(r.rows).toEqual([[100, true]]);
    await db.execute(`CREATE TABLE docs (id INT PRIMARY KEY, body TEXT);
      INSERT INTO docs VALUES (1, 'the cat sat on the warm mat'), (2, 'stock markets fell sharply today'), (3, 'a kitten sleeps on the sofa')`);
    expect(await rows(db, "SELECT id FROM docs ORDER BY EMBED(body) <=> EMBED('my pet cat is sleeping') LIMIT 2")).toEqual(["3", "1"]);
    // deterministic, and usable in a continuous view
    await db.execute("CREATE MATERIALIZED VIEW emb AS SELECT id, EMBED(body) AS e FROM docs");
    expect(await rows(db, "SELECT count(*) FROM emb e JOIN docs d ON e.id = d.id WHERE e.e = EMBED(d.body)")).toEqual(["3"]);
  });

  it("calls a remote generation model, batching and caching, with GENERATE", async () => {
    const db = await Database.open({ memory: true });
    await expect(db.execute("SELECT GENERATE('hi')")).rejects.toMatchObject({ code: "42704", hint: expect.stringMatching(/CREATE MODEL/) });
    await db.execute(`CREATE MODEL llm WITH (provider = 'openai', task = 'generation', endpoint = '${server.url}/v1', model = 'test')`);
    await db.execute("CREATE TABLE q (id INT, text TEXT); INSERT INTO q VALUES (1, 'what is sage'), (2, 'what is sql'), (3, NULL), (4, 'what is sage')");
    server.reset();
    expect(await rows(db, "SELECT id, GENERATE('Q: ' || text) FROM q ORDER BY id")).toEqual(["1|echo: Q: what is sage", "2|echo: Q: what is sql", "3|NULL", "4|echo: Q: what is sage"]);
    expect(server.requests.length).toBe(2); // NULL skipped, duplicate asked once
    await rows(db, "SELECT GENERATE('Q: ' || text) FROM q");
    expect(server.requests.length).toBe(2); // answered from the cache
    expect(await rows(db, "SHOW MODELS")).toContain(`llm|generation|openai|test|NULL|${server.url}/v1|f`);
    // in a continuous view the call runs in the async AI map (test/ai-streaming.test.ts); not in a join condition
    await expect(db.execute("CREATE MATERIALIZED VIEW g AS SELECT q.id FROM q JOIN q q2 ON GENERATE(q.text) = q2.text")).rejects.toMatchObject({ code: "0A000" });
    await db.execute("DROP MODEL llm");
    await expect(db.execute("SELECT GENERATE('x', 'llm')")).rejects.toBeInstanceOf(SqlError);
  });

  it("GENERATE options: system prompt and temperature reach the model; json_schema gives JSONB", async () => {
    const db = await Database.open({ memory: true });
    await db.execute(`CREATE MODEL llm WITH (provider = 'openai', task = 'generation', endpoint = '${server.url}/v1', model = 'test')`);
    expect(await rows(db, `SELECT GENERATE('hi', 'llm', '{"system": "be brief", "temperature": 0.5}')`)).toEqual(["echo: hi (system: be brief) (t=0.5)"]);
    const [r] = await db.execute(`SELECT GENERATE('two words', 'llm', '{"json_schema": {"type": "object"}}') AS j`);
    expect(r.columns[0].type.id).toBe("jsonb");
    expect(await rows(db, `SELECT j->>'answer', j->'words' FROM (SELECT GENERATE('two words', 'llm', '{"json_schema": {"type": "object"}}') AS j) s`)).toEqual(["two words|2"]);
    // the model promised JSON and did not deliver: NULL, and the failure is recorded
    expect(await rows(db, `SELECT GENERATE('x [nojson]', 'llm', '{"json_schema": {"type": "object"}}') IS NULL`)).toEqual(["t"]);
    expect(await rows(db, "SELECT count(*) FROM sage_catalog.model_errors")).toEqual(["1"]);
    await expect(db.execute(`SELECT GENERATE('x', 'llm', '{"temprature": 1}')`)).rejects.toMatchObject({ code: "22023" });
  });

  it("embeds with a remote OpenAI-compatible embedding model", async () => {
    const db = await Database.open({ memory: true });
    await db.execute(`CREATE MODEL small WITH (provider = 'openai', task = 'embedding', endpoint = '${server.url}/v1', model = 'e', dimensions = 8)`);
    const [r] = await db.execute("SELECT vector_dims(EMBED('hello', 'small'))");
    expect(r.rows).toEqual([[8]]);
  });
});
