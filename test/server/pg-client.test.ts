// The node-postgres client (`pg`) against the server: the simple and extended protocols, text
// and binary results, parameters, errors, notices, many clients at once; and the extended
// protocol's finer points through a raw protocol client.

import pg from "pg";
import { serialize } from "pg-protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WireClient, rowsOf, startTestServer, type TestServer } from "./fixture.js";

let t: TestServer;

function client(extra: Partial<pg.ClientConfig> = {}): pg.Client {
  const c = new pg.Client({ host: "127.0.0.1", port: t.port, user: "sage", database: "sage", ...extra });
  c.on("error", () => {});
  return c;
}

beforeAll(async () => {
  t = await startTestServer();
  const c = client();
  await c.connect();
  await c.query(`CREATE TABLE things (id INT PRIMARY KEY, name TEXT, price NUMERIC(10,2), at TIMESTAMPTZ, tags TEXT[],
                  emb VECTOR(3), doc JSONB, big BIGINT, ratio FLOAT8, ok BOOLEAN, day DATE, raw BYTEA)`);
  await c.end();
});

afterAll(async () => {
  await t.close();
});

describe("pg client", () => {
  it("connects and reads the server's parameters", async () => {
    const c = client({ application_name: "vitest" });
    await c.connect();
    const params = (c as unknown as { connectionParameters: unknown; processID: number }).processID;
    expect(params).toBeGreaterThan(0);
    const r = await c.query("SHOW application_name");
    expect(r.rows).toEqual([{ application_name: "vitest" }]);
    const v = await c.query("SELECT version()");
    expect(v.rows[0].version).toMatch(/PostgreSQL 15\.0 \(sage-sql/);
    await c.end();
  });

  it("inserts and selects with parameters, and parses the result types", async () => {
    const c = client();
    await c.connect();
    const at = new Date("2024-01-02T03:04:05.678Z");
    const ins = await c.query("INSERT INTO things VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)", [
      1, "one", "12.50", at, ["a", "b c"], "[1,2,3]", { k: [1, 2] }, "9007199254740993", 0.25, true, "2024-02-29", Buffer.from([0xde, 0xad]),
    ]);
    expect(ins.command).toBe("INSERT");
    expect(ins.rowCount).toBe(1);
    const r = await c.query("SELECT * FROM things WHERE id = $1", [1]);
    expect(r.rows).toEqual([
      { id: 1, name: "one", price: "12.50", at, tags: ["a", "b c"], emb: "[1,2,3]", doc: { k: [1, 2] }, big: "9007199254740993", ratio: 0.25, ok: true, day: new Date(2024, 1, 29), raw: Buffer.from([0xde, 0xad]) },
    ]);
    expect(r.fields.map((f) => f.dataTypeID)).toEqual([23, 25, 1700, 1184, 1009, 16385, 3802, 20, 701, 16, 1082, 17]);
    const ret = await c.query("INSERT INTO things (id, name) VALUES ($1, $2) RETURNING id, name", [2, "it's two"]);
    expect(ret.rows).toEqual([{ id: 2, name: "it's two" }]);
    await c.end();
  });

  it("reuses named prepared statements", async () => {
    const c = client();
    await c.connect();
    for (const id of [1, 2, 1]) {
      const r = await c.query({ name: "by-id", text: "SELECT name FROM things WHERE id = $1", values: [id] });
      expect(r.rows[0].name).toBe(id === 1 ? "one" : "it's two");
    }
    const arr = await c.query({ text: "SELECT id, name FROM things WHERE id > $1 ORDER BY id", values: [0], rowMode: "array" });
    expect(arr.rows).toEqual([[1, "one"], [2, "it's two"]]);
    await c.end();
  });

  it("reports errors with code and position, and stays usable", async () => {
    const c = client();
    await c.connect();
    await expect(c.query("SELECT nonsense FROM things")).rejects.toMatchObject({ code: "42703", position: "8" });
    await expect(c.query("SELECT * FROM things WHERE id = $1 AND bogus", [1])).rejects.toMatchObject({ code: "42703", position: "40" });
    await expect(c.query("SELECT $1::int", ["x"])).rejects.toMatchObject({ code: "22P02" });
    await expect(c.query("INSERT INTO things (id) VALUES (1)")).rejects.toMatchObject({ code: "23505", detail: "Key (id)=(1) already exists." });
    await expect(c.query("SELECT 1; SELECT 1/0; SELECT 3")).rejects.toMatchObject({ code: "22012" });
    expect((await c.query("SELECT 42 AS x")).rows).toEqual([{ x: 42 }]);
    await c.end();
  });

  it("delivers notices and multiple results", async () => {
    const c = client();
    await c.connect();
    const notices: string[] = [];
    c.on("notice", (n) => notices.push(`${n.severity} ${n.code} ${n.message}`));
    await c.query("DROP TABLE IF EXISTS missing");
    await c.query("BEGIN; BEGIN; COMMIT");
    expect(notices).toEqual(['NOTICE 00000 table "missing" does not exist, skipping', "WARNING 25001 there is already a transaction in progress"]);
    const results = (await c.query("SELECT 1 AS a; SELECT 'b' AS b; CREATE TABLE multi (x INT)")) as unknown as pg.QueryResult[];
    expect(results.map((r) => [r.command, r.rows])).toEqual([["SELECT", [{ a: 1 }]], ["SELECT", [{ b: "b" }]], ["CREATE", []]]);
    await c.end();
  });

  it("serves many concurrent clients", async () => {
    const clients = Array.from({ length: 40 }, () => client());
    await Promise.all(clients.map((c) => c.connect()));
    await clients[0].query("CREATE TABLE busy (client INT, n INT)");
    await Promise.all(
      clients.map(async (c, i) => {
        for (let n = 0; n < 10; n++) {
          await c.query("INSERT INTO busy VALUES ($1, $2)", [i, n]);
          const r = await c.query("SELECT count(*)::int AS k FROM busy WHERE client = $1", [i]);
          expect(r.rows[0].k).toBe(n + 1);
        }
      }),
    );
    const total = await clients[0].query("SELECT count(*)::int AS k FROM busy");
    expect(total.rows[0].k).toBe(400);
    expect(t.server.sessionCount).toBeGreaterThanOrEqual(40);
    await Promise.all(clients.map((c) => c.end()));
  });
});

describe("extended protocol details", () => {
  it("suspends a portal at the row limit and resumes it", async () => {
    const w = await WireClient.ready(t.port);
    w.send(Buffer.concat([serialize.parse({ text: "SELECT * FROM (VALUES (1), (2), (3)) AS v(x)" }), serialize.bind({}), serialize.execute({ rows: 2 }), serialize.flush()]));
    const first = await w.until("portalSuspended");
    expect(first.map((m) => m.name)).toEqual(["parseComplete", "bindComplete", "dataRow", "dataRow", "portalSuspended"]);
    w.send(Buffer.concat([serialize.execute({ rows: 2 }), serialize.sync()]));
    const rest = await w.until("readyForQuery");
    expect(rest.map((m) => m.name)).toEqual(["dataRow", "commandComplete", "readyForQuery"]);
    expect(rowsOf([...first, ...rest])).toEqual([["1"], ["2"], ["3"]]);
    expect(rest[1].text).toBe("SELECT 1");
    w.close();
  });

  it("describes statements and portals", async () => {
    const w = await WireClient.ready(t.port);
    w.send(Buffer.concat([serialize.parse({ name: "s", text: "SELECT id, name FROM things WHERE id = $1", types: [23] }), serialize.describe({ type: "S", name: "s" }), serialize.sync()]));
    const msgs = await w.until("readyForQuery");
    expect(msgs.map((m) => m.name)).toEqual(["parseComplete", "parameterDescription", "rowDescription", "readyForQuery"]);
    expect(msgs[1].dataTypeIDs).toEqual([23]);
    expect((msgs[2].fields as { name: string; dataTypeID: number }[]).map((f) => [f.name, f.dataTypeID])).toEqual([["id", 23], ["name", 25]]);
    w.send(Buffer.concat([serialize.parse({ name: "i", text: "INSERT INTO things (id) VALUES ($1)" }), serialize.describe({ type: "S", name: "i" }), serialize.sync()]));
    const ins = await w.until("readyForQuery");
    expect(ins.map((m) => m.name)).toEqual(["parseComplete", "parameterDescription", "noData", "readyForQuery"]);
    w.send(Buffer.concat([serialize.parse({ name: "s", text: "SELECT 1" }), serialize.sync()]));
    const dup = await w.until("readyForQuery");
    expect(dup[0]).toMatchObject({ name: "error", code: "42P05" });
    w.close();
  });

  it("skips to Sync after an error", async () => {
    const w = await WireClient.ready(t.port);
    w.send(
      Buffer.concat([
        serialize.parse({ text: "SELECT * FROM nowhere" }),
        serialize.bind({}),
        serialize.describe({ type: "P" }),
        serialize.execute({}),
        serialize.sync(),
        serialize.parse({ text: "SELECT 7" }),
        serialize.bind({}),
        serialize.execute({}),
        serialize.sync(),
      ]),
    );
    // (it fails at Parse, as in Postgres: the rest is skipped until Sync)
    const a = await w.until("readyForQuery");
    expect(a.filter((m) => m.name !== "parseComplete" && m.name !== "bindComplete").map((m) => m.name)).toEqual(["error", "readyForQuery"]);
    expect(a.find((m) => m.name === "error")).toMatchObject({ code: "42P01", position: "15" });
    const b = await w.until("readyForQuery");
    expect(b.map((m) => m.name)).toEqual(["parseComplete", "bindComplete", "dataRow", "commandComplete", "readyForQuery"]);
    w.close();
  });

  it("checks parameter counts and refuses multiple statements in Parse", async () => {
    const w = await WireClient.ready(t.port);
    w.send(Buffer.concat([serialize.parse({ text: "SELECT $1, $2" }), serialize.bind({ values: ["1"] }), serialize.sync()]));
    expect((await w.until("readyForQuery"))[1]).toMatchObject({ name: "error", code: "08P01", message: 'bind message supplies 1 parameters, but prepared statement "" requires 2' });
    w.send(Buffer.concat([serialize.parse({ text: "SELECT 1; SELECT 2" }), serialize.sync()]));
    expect((await w.until("readyForQuery"))[0]).toMatchObject({ name: "error", code: "42601" });
    w.send(Buffer.concat([serialize.bind({ portal: "p", statement: "nope" }), serialize.sync()]));
    expect((await w.until("readyForQuery"))[0]).toMatchObject({ name: "error", code: "26000" });
    w.send(Buffer.concat([serialize.execute({ portal: "nope" }), serialize.sync()]));
    expect((await w.until("readyForQuery"))[0]).toMatchObject({ name: "error", code: "34000" });
    w.close();
  });

  it("answers an empty query, reports changed settings, and closes statements", async () => {
    const w = await WireClient.ready(t.port);
    expect((await w.query("  -- nothing\n;")).map((m) => m.name)).toEqual(["emptyQuery", "readyForQuery"]);
    const set = await w.query("SET application_name = 'renamed'");
    expect(set.find((m) => m.name === "parameterStatus")).toMatchObject({ parameterName: "application_name", parameterValue: "renamed" });
    w.send(Buffer.concat([serialize.parse({ name: "x", text: "SELECT 1" }), serialize.close({ type: "S", name: "x" }), serialize.close({ type: "P", name: "never" }), serialize.sync()]));
    expect((await w.until("readyForQuery")).map((m) => m.name)).toEqual(["parseComplete", "closeComplete", "closeComplete", "readyForQuery"]);
    w.send(Buffer.concat([serialize.bind({ statement: "x" }), serialize.sync()]));
    expect((await w.until("readyForQuery"))[0]).toMatchObject({ name: "error", code: "26000" });
    w.close();
  });

  it("takes typed binary parameters and returns binary columns", async () => {
    const w = await WireClient.ready(t.port);
    const two = Buffer.alloc(4);
    two.writeInt32BE(2);
    const bind = serialize.bind({ values: [two], valueMapper: (v) => v, binary: true });
    const sql = "SELECT id, id::bigint * 10 AS ten, 0.25::float8 AS f, true AS b, 12.50::numeric(5,2) AS n, 'é' AS t, '2000-01-01 00:00:01+00'::timestamptz AS ts FROM things WHERE id = $1";
    w.send(Buffer.concat([serialize.parse({ text: sql, types: [23] }), bind, serialize.execute({}), serialize.sync()]));
    const msgs = await w.until("readyForQuery");
    expect(msgs.map((m) => m.name)).toEqual(["parseComplete", "bindComplete", "dataRow", "commandComplete", "readyForQuery"]);
    const hex = (w.rawDataRows.at(-1) ?? []).map((b) => b?.toString("hex"));
    expect(hex).toEqual([
      "00000002",
      "0000000000000014",
      "3fd0000000000000",
      "01",
      "0002" + "0000" + "0000" + "0002" + "000c" + "1388",
      "c3a9",
      "00000000000f4240",
    ]);
    w.close();
  });
});
