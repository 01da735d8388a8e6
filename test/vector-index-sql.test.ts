// HNSW indexes from SQL: CREATE INDEX ... USING hnsw, ORDER BY <dist> LIMIT k through the index
// (equal to exact search on small sets, filters applied correctly), maintenance through
// inserts/updates/deletes/truncate, VECTOR JOIN == JOIN LATERAL == brute force, continuous views
// with VECTOR JOIN over a stream (lookup at arrival time), SET hnsw.ef_search, and restarts.
import { describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Database, formatValue } from "../src/index.js";

async function rows(db: Database, sql: string, params: unknown[] = []): Promise<string[]> {
  const results = await db.execute(sql, params);
  const r = results[results.length - 1];
  return r.rows.map((row) => row.map((v, i) => (v === null ? "NULL" : formatValue(r.columns[i].type, v))).join("|"));
}

async function plan(db: Database, sql: string): Promise<string> {
  return (await rows(db, `EXPLAIN ${sql}`)).join("\n");
}

/** Deterministic pseudo-random numbers (xorshift). */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

const DIMS = 8;

function randomVector(r: () => number): string {
  return `[${Array.from({ length: DIMS }, () => (r() * 2 - 1).toFixed(4)).join(",")}]`;
}

/** Two tables with the same rows: `docs` gets the index, `exact` never has one (brute force). */
async function twinTables(n: number, seed = 7): Promise<Database> {
  const db = await Database.open({ memory: true });
  await db.execute(`CREATE TABLE docs (id INT PRIMARY KEY, cat TEXT, emb VECTOR(${DIMS}));
    CREATE TABLE exact (id INT PRIMARY KEY, cat TEXT, emb VECTOR(${DIMS}))`);
  const r = rng(seed);
  const values: string[] = [];
  for (let i = 1; i <= n; i++) values.push(`(${i}, '${i % 20 === 0 ? "rare" : i % 2 === 0 ? "even" : "odd"}', '${randomVector(r)}')`);
  await db.execute(`INSERT INTO docs VALUES ${values.join(",")}; INSERT INTO exact VALUES ${values.join(",")}`);
  return db;
}

async function sameAsExact(db: Database, select: string, queries: string[]): Promise<void> {
  for (const q of queries) {
    const sql = select.replaceAll("$q", `'${q}'`);
    const viaIndex = await rows(db, sql);
    const viaScan = await rows(db, sql.replaceAll("FROM docs", "FROM exact"));
    expect(viaIndex.length).toBeGreaterThan(0);
    expect(viaIndex).toEqual(viaScan);
  }
}

describe("HNSW indexes from SQL", () => {
  it("ORDER BY <dist> LIMIT k uses the index (EXPLAIN) and equals exact search, for each operator class", async () => {
    const db = await twinTables(300);
    const r = rng(99);
    // enough queries that a graph walk would miss a neighbour (a 300-row graph with m = 8 leaves
    // nodes unreachable): below 2,048 rows the index compares with every row, so none is missed
    const queries = Array.from({ length: 40 }, () => randomVector(r));
    for (const [op, opclass] of [
      ["<=>", "vector_cosine_ops"],
      ["<->", "vector_l2_ops"],
      ["<#>", "vector_ip_ops"],
    ]) {
      await db.execute(`CREATE INDEX docs_emb ON docs USING hnsw (emb ${opclass}) WITH (m = 8, ef_construction = 64)`);
      const select = `SELECT id, emb ${op} $q AS d FROM docs ORDER BY emb ${op} $q LIMIT 10`;
      expect(await plan(db, select.replaceAll("$q", `'${queries[0]}'`))).toContain("Index Scan using docs_emb on docs (hnsw)");
      await sameAsExact(db, select, queries);
      // an operator the index does not serve scans the table
      const other = op === "<->" ? "<=>" : "<->";
      expect(await plan(db, `SELECT id FROM docs ORDER BY emb ${other} '${queries[0]}' LIMIT 3`)).not.toContain("Index Scan");
      await db.execute("DROP INDEX docs_emb");
      expect(await plan(db, select.replaceAll("$q", `'${queries[0]}'`))).not.toContain("Index Scan");
    }
  });

  it("applies WHERE filters correctly: over-fetches until k rows pass, fewer only when fewer exist", async () => {
    const db = await twinTables(400);
    await db.execute("CREATE INDEX ON docs USING hnsw (emb vector_l2_ops)");
    const r = rng(5);
    const queries = Array.from({ length: 4 }, () => randomVector(r));
    // 'rare' is 5% of the rows: the nearest 10 rows overall hold few of them
    const select = "SELECT id, cat FROM docs WHERE cat = 'rare' AND id > 40 ORDER BY emb <-> $q LIMIT 10";
    expect(await plan(db, select.replaceAll("$q", `'${queries[0]}'`))).toMatch(/Index Scan using docs_emb_idx[\s\S]*Filter:/);
    await sameAsExact(db, select, queries);
    const all = await rows(db, `SELECT id FROM docs WHERE cat = 'rare' ORDER BY emb <-> '${queries[0]}' LIMIT 1000`);
    expect(all.length).toBe(20);
    // a NULL query vector: every distance is NULL, so any k rows (as a sequential scan gives)
    expect(await rows(db, "SELECT count(*) FROM (SELECT id FROM docs WHERE cat = 'rare' ORDER BY emb <-> NULL LIMIT 3) x")).toEqual(["3"]);
    // OFFSET, and a LIMIT given as a parameter
    await sameAsExact(db, "SELECT id FROM docs WHERE cat = 'odd' ORDER BY emb <-> $q LIMIT 5 OFFSET 3", queries);
    const sql = `SELECT id FROM docs ORDER BY emb <-> '${queries[1]}' LIMIT $1`;
    expect(await rows(db, sql, ["4"])).toEqual(await rows(db, sql.replace("FROM docs", "FROM exact"), ["4"]));
  });

  it("follows inserts, updates, deletes and truncation of the table", async () => {
    const db = await twinTables(200);
    await db.execute("CREATE INDEX docs_emb ON docs USING hnsw (emb vector_cosine_ops)");
    const both = async (sql: string) => {
      await db.execute(sql.replaceAll("$t", "docs"));
      await db.execute(sql.replaceAll("$t", "exact"));
    };
    const r = rng(3);
    const queries = Array.from({ length: 4 }, () => randomVector(r));
    const select = "SELECT id FROM docs ORDER BY emb <=> $q LIMIT 7";
    await both(`UPDATE $t SET emb = '${queries[0]}' WHERE id = 151`); // now the exact answer to query 0
    await both("DELETE FROM $t WHERE id % 3 = 0");
    await both(`INSERT INTO $t VALUES (1000, 'odd', '${queries[1]}'), (1001, 'odd', NULL), (1002, 'odd', '[0,0,0,0,0,0,0,0]')`);
    await sameAsExact(db, select, queries);
    expect((await rows(db, select.replace("$q", `'${queries[0]}'`)))[0]).toBe("151");
    expect((await rows(db, select.replace("$q", `'${queries[1]}'`)))[0]).toBe("1000");
    // rows whose vector is NULL (or zero, under cosine) are not in the index, as with pgvector
    expect(await rows(db, `SELECT id FROM docs WHERE id > 1000 ORDER BY emb <=> '${queries[2]}' LIMIT 5`)).toEqual([]);
    await both("UPDATE $t SET id = id + 5000 WHERE id < 50");
    await sameAsExact(db, select, queries);
    await db.execute("TRUNCATE docs");
    expect(await rows(db, select.replace("$q", `'${queries[0]}'`))).toEqual([]);
    await db.execute(`INSERT INTO docs VALUES (1, 'x', '${queries[3]}')`);
    expect(await rows(db, select.replace("$q", `'${queries[0]}'`))).toEqual(["1"]);
  });

  it("indexes an expression, and refuses what it cannot index with SQLSTATEs", async () => {
    const db = await Database.open({ memory: true });
    await db.execute(`CREATE TABLE p (id INT PRIMARY KEY, x FLOAT8, y FLOAT8, label TEXT);
      INSERT INTO p VALUES (1, 0, 0, 'a'), (2, 3, 4, 'b'), (3, 1, 1, 'c')`);
    await db.execute("CREATE INDEX p_xy ON p USING hnsw ((ARRAY[x, y]::vector(2)) vector_l2_ops)");
    const q = "SELECT id FROM p ORDER BY ARRAY[x, y]::vector(2) <-> '[2.9,4]' LIMIT 2";
    expect(await plan(db, q)).toContain("Index Scan using p_xy");
    expect(await rows(db, q)).toEqual(["2", "3"]);
    const code = async (sql: string) => (await db.execute(sql).then(() => "ok", (e: { code: string }) => e.code));
    expect(await code("CREATE INDEX bad ON p USING hnsw (label vector_l2_ops)")).toBe("42804");
    expect(await code("CREATE INDEX bad ON p USING hnsw ((ARRAY[x, y]::vector(2)))")).toBe("42704");
    expect(await code("CREATE INDEX bad ON p USING hnsw ((ARRAY[x, y]::vector(2)) vector_hamming_ops)")).toBe("42704");
    expect(await code("CREATE INDEX bad ON p USING hnsw ((ARRAY[x, y]::vector(2)) vector_l2_ops) WITH (m = 1)")).toBe("22023");
    expect(await code("CREATE INDEX bad ON p USING hnsw ((ARRAY[x, y]::vector(2)) vector_l2_ops) WITH (lists = 3)")).toBe("22023");
    expect(await code("CREATE INDEX p_xy ON p USING hnsw ((ARRAY[x, y]::vector(2)) vector_l2_ops)")).toBe("42P07");
    expect(await code("SELECT id FROM p ORDER BY ARRAY[x, y]::vector(2) <-> '[1,2,3]' LIMIT 1")).toBe("22000");
    expect(await code("SET hnsw.ef_search = 'many'")).toBe("22023");
    expect(await code("ALTER TABLE p ADD COLUMN z INT")).toBe("0A000");
    await db.execute("CREATE STREAM s (v VECTOR(2))");
    expect(await code("CREATE INDEX ON s USING hnsw (v vector_l2_ops)")).toBe("42809");
  });

  it("SET hnsw.ef_search is accepted, shown and used; results stay right", async () => {
    const db = await twinTables(300);
    await db.execute("CREATE INDEX ON docs USING hnsw (emb vector_l2_ops)");
    const session = db.connect();
    await session.execute("SET hnsw.ef_search = 200");
    const [shown] = await session.execute("SHOW hnsw.ef_search");
    expect(shown.rows).toEqual([["200"]]);
    const r = rng(11);
    const q = randomVector(r);
    const viaIndex = (await session.execute(`SELECT id FROM docs ORDER BY emb <-> '${q}' LIMIT 5`))[0].rows;
    const exact = (await session.execute(`SELECT id FROM exact ORDER BY emb <-> '${q}' LIMIT 5`))[0].rows;
    expect(viaIndex).toEqual(exact);
    await session.execute("RESET hnsw.ef_search");
    expect((await session.execute("SHOW hnsw.ef_search"))[0].rows).toEqual([["0"]]);
  });

  it("VECTOR JOIN == JOIN LATERAL (pgvector form) == exact brute force, with the distance selectable", async () => {
    const db = await twinTables(250);
    await db.execute("CREATE INDEX docs_emb ON docs USING hnsw (emb vector_cosine_ops)");
    const r = rng(21);
    await db.execute(`CREATE TABLE qs (qid INT, v VECTOR(${DIMS}));
      INSERT INTO qs VALUES ${Array.from({ length: 6 }, (_, i) => `(${i}, '${randomVector(r)}')`).join(",")}`);
    const vj = "SELECT q.qid, d.id, round(d.distance::numeric, 5) FROM qs q VECTOR JOIN docs d ON d.emb <=> q.v TOP 3";
    const swapped = "SELECT q.qid, d.id, round(d.distance::numeric, 5) FROM qs q VECTOR JOIN docs d ON q.v <=> d.emb TOP 3";
    const lateral = "SELECT q.qid, d.id, round(d.dist::numeric, 5) FROM qs q JOIN LATERAL (SELECT id, emb <=> q.v AS dist FROM docs ORDER BY emb <=> q.v LIMIT 3) d ON true";
    const brute = lateral.replace("FROM docs", "FROM exact");
    expect(await plan(db, vj)).toMatch(/Vector Join[\s\S]*Index Scan using docs_emb/);
    expect(await plan(db, lateral)).toMatch(/Vector Join[\s\S]*Index Scan using docs_emb/);
    expect(await plan(db, brute)).not.toContain("Vector Join");
    const expected = (await rows(db, brute)).sort();
    expect(expected.length).toBe(18);
    expect((await rows(db, vj)).sort()).toEqual(expected);
    expect((await rows(db, swapped)).sort()).toEqual(expected);
    expect((await rows(db, lateral)).sort()).toEqual(expected);
    // with a filter on the docs side inside the lateral form
    const filtered = "SELECT q.qid, d.id FROM qs q JOIN LATERAL (SELECT id FROM docs WHERE cat = 'rare' ORDER BY emb <=> q.v LIMIT 2) d ON true";
    expect((await rows(db, filtered)).sort()).toEqual((await rows(db, filtered.replace("FROM docs", "FROM exact"))).sort());
    const code = await db.execute("SELECT * FROM qs q VECTOR JOIN docs d ON d.emb = q.v TOP 3").then(() => "ok", (e: { code: string }) => e.code);
    expect(code).toBe("42601");
  });

  it("a continuous view with VECTOR JOIN over a stream looks the index up as it stands when each row arrives", async () => {
    const db = await Database.open({ memory: true });
    await db.execute(`CREATE TABLE docs (id INT PRIMARY KEY, title TEXT, emb VECTOR(2));
      INSERT INTO docs VALUES (1, 'east', '[1,0]'), (2, 'north', '[0,1]');
      CREATE INDEX docs_emb ON docs USING hnsw (emb vector_l2_ops);
      CREATE STREAM questions (qid INT, v VECTOR(2));
      CREATE MATERIALIZED VIEW nearest AS
        SELECT q.qid, d.title, d.distance FROM questions q VECTOR JOIN docs d ON d.emb <-> q.v TOP 1`);
    expect(await plan(db, "CREATE MATERIALIZED VIEW x AS SELECT q.qid, d.title FROM questions q VECTOR JOIN docs d ON d.emb <-> q.v TOP 1")).toMatch(/Vector Join[\s\S]*ChangeFeed from questions[\s\S]*Index Scan using docs_emb/);
    await db.execute("INSERT INTO questions VALUES (1, '[0.9,0.2]')");
    await db.execute("INSERT INTO docs VALUES (3, 'east-ish', '[0.9,0.2]')");
    await db.execute("INSERT INTO questions VALUES (2, '[0.9,0.2]')");
    await db.execute("DELETE FROM docs WHERE id = 3");
    await db.execute("INSERT INTO questions VALUES (3, '[0.9,0.2]'), (4, '[0.1,2]')");
    // question 1 keeps the answer it got (the later doc does not revise it); 2 saw doc 3; 3 no longer does
    expect(await rows(db, "SELECT qid, title FROM nearest ORDER BY qid")).toEqual(["1|east", "2|east-ish", "3|east", "4|north"]);
    expect(await rows(db, "SELECT qid FROM nearest WHERE distance = 0")).toEqual(["2"]);
  });

  it("rebuilds the index from the table on restart, and keeps maintaining it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sage-hnsw-"));
    try {
      let db = await Database.open({ dataDir: dir });
      await db.execute(`CREATE TABLE docs (id INT PRIMARY KEY, emb VECTOR(2));
        INSERT INTO docs VALUES (1, '[1,0.2]'), (2, '[0,1]'), (3, '[1,1]');
        CREATE INDEX docs_emb ON docs USING hnsw (emb vector_l2_ops);
        DELETE FROM docs WHERE id = 3;
        INSERT INTO docs VALUES (4, '[5,5]')`);
      const q = "SELECT id FROM docs ORDER BY emb <-> '[1,1]' LIMIT 3";
      const before = await rows(db, q);
      expect(before).toEqual(["1", "2", "4"]);
      await db.close();
      db = await Database.open({ dataDir: dir });
      expect(await plan(db, q)).toContain("Index Scan using docs_emb");
      expect(await rows(db, q)).toEqual(before);
      await db.execute("INSERT INTO docs VALUES (5, '[1,1]')");
      expect(await rows(db, q)).toEqual(["5", "1", "2"]);
      await db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("builds a large index in slices: the event loop keeps turning while CREATE INDEX runs", async () => {
    const db = await Database.open({ memory: true });
    await db.execute("CREATE TABLE big (id INT PRIMARY KEY, emb VECTOR(16))");
    const r = rng(1);
    for (let b = 0; b < 3; b++) {
      const vals = Array.from({ length: 2000 }, (_, i) => `(${b * 2000 + i}, '[${Array.from({ length: 16 }, () => r().toFixed(3)).join(",")}]')`);
      await db.execute(`INSERT INTO big VALUES ${vals.join(",")}`);
    }
    let turns = 0;
    let running = true;
    const tick = () => {
      turns++;
      if (running) setImmediate(tick);
    };
    setImmediate(tick);
    const building = db.execute("CREATE INDEX ON big USING hnsw (emb vector_l2_ops)");
    // writes while the index builds are applied to it: row 5 moves to a new id (and row id)
    const five = (await rows(db, "SELECT emb FROM big WHERE id = 5"))[0];
    await db.execute(`INSERT INTO big VALUES (100000, '${five}'); DELETE FROM big WHERE id = 5`);
    await building;
    running = false;
    // one synchronous build would allow ~1 turn; slices give dozens
    expect(turns).toBeGreaterThan(20);
    expect(await rows(db, "SELECT count(*) FROM big")).toEqual(["6000"]);
    const nearest = (v: string) => `SELECT id FROM big ORDER BY emb <-> '${v}' LIMIT 1`;
    expect(await plan(db, nearest(five))).toContain("Index Scan");
    expect(await rows(db, nearest(five))).toEqual(["100000"]);
  });
});

describe("the RAG example (examples/rag/rag.sql)", () => {
  it("runs end to end against a local OpenAI-compatible server: one view retrieves through the index and calls GENERATE with the context", async () => {
    const { readFileSync } = await import("node:fs");
    const { ModelTestServer } = await import("../src/ai/testing/model-test-server.js");
    const server = await ModelTestServer.start("openai");
    const db = await Database.open({ memory: true });
    try {
      const sql = readFileSync(new URL("../examples/rag/rag.sql", import.meta.url), "utf8").replaceAll("{{endpoint}}", `${server.url}/v1`);
      const results = await db.execute(sql);
      const [context, answers] = results.filter((r) => r.command === "SELECT").slice(-2);
      // the view itself retrieves (index probe per question) and calls the model (async operator)
      const viewSql = /CREATE MATERIALIZED VIEW answers AS([\s\S]*?\) retrieved);/.exec(sql)![1];
      expect(await plan(db, `CREATE MATERIALIZED VIEW x AS ${viewSql}`)).toMatch(/Async AI Map[\s\S]*GENERATE[\s\S]*Vector Join[\s\S]*Index Scan using docs_body_emb/);
      // retrieval equals brute force over the same embeddings, nearest first
      const exact = await rows(
        db,
        "SELECT q.qid, string_agg(d.body, ' | ' ORDER BY d.dist) FROM questions q JOIN LATERAL (SELECT body, (EMBED(body) <=> EMBED(q.text)) + 0 AS dist FROM docs ORDER BY 2 LIMIT 3) d ON true WHERE q.qid <= 3 GROUP BY q.qid ORDER BY q.qid",
      );
      expect(context.rows.map((r) => `${r[0]}|${r[1]}`)).toEqual(exact);
      expect(String(context.rows[1][1])).toMatch(/^stock markets/);
      expect(String(context.rows[2][1])).toMatch(/^pasta cooks/);
      // one model call per question, made by the view (the 4th question arrived after the first three)
      expect(answers.rows.map((r) => Number(r[0]))).toEqual([1, 2, 3, 4]);
      expect(String(answers.rows[2][1])).toMatch(/^echo: Answer how long do I boil pasta using: pasta cooks/);
      expect(String(answers.rows[3][1])).toMatch(/^echo: Answer when does it snow using: snow falls/);
      const calls = server.requests.filter((r) => r.path.includes("chat")).length;
      expect(calls).toBe(4);
      // reading the view serves its stored answers: no new model calls
      expect(await rows(db, "SELECT count(*) FROM answers WHERE answer LIKE 'echo: Answer %'")).toEqual(["4"]);
      expect(server.requests.filter((r) => r.path.includes("chat")).length).toBe(calls);
    } finally {
      await db.close();
      await server.close();
    }
  });
});
