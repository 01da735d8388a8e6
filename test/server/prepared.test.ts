// Prepared statements through the engine's prepare: parameter types inferred at Parse (and sent
// in ParameterDescription), parameters handed to the engine as values rather than spliced into
// the text as literals, so dates and timestamps arrive as the client meant them.

import { serialize } from "pg-protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WireClient, rowsOf, startTestServer, type TestServer } from "./fixture.js";

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
  const s = t.db.connect();
  await s.execute("CREATE TABLE events (id INT PRIMARY KEY, day DATE, at TIMESTAMPTZ, note VARCHAR(5))");
  await s.execute("INSERT INTO events VALUES (1, '2024-03-15', '2024-03-15 10:00:00+00', 'one')");
});

afterAll(async () => {
  await t.close();
});

describe("prepared statements", () => {
  it("describes the inferred parameter types and the result columns at Parse", async () => {
    const w = await WireClient.ready(t.port);
    w.send(Buffer.concat([serialize.parse({ name: "q", text: "SELECT id, day FROM events WHERE id = $1" }), serialize.describe({ type: "S", name: "q" }), serialize.sync()]));
    const msgs = await w.until("readyForQuery");
    expect(msgs.map((m) => m.name)).toEqual(["parseComplete", "parameterDescription", "rowDescription", "readyForQuery"]);
    expect(msgs[1].dataTypeIDs).toEqual([23]);
    expect((msgs[2].fields as { name: string; dataTypeID: number }[]).map((f) => [f.name, f.dataTypeID])).toEqual([["id", 23], ["day", 1082]]);
    // INSERT ... RETURNING: parameter types from the target columns, columns from RETURNING
    w.send(Buffer.concat([serialize.parse({ name: "i", text: "INSERT INTO events (id, day, at) VALUES ($1, $2, $3) RETURNING id, at" }), serialize.describe({ type: "S", name: "i" }), serialize.sync()]));
    const ins = await w.until("readyForQuery");
    expect(ins[1].dataTypeIDs).toEqual([23, 1082, 1184]);
    expect((ins[2].fields as { name: string; dataTypeID: number }[]).map((f) => f.dataTypeID)).toEqual([23, 1184]);
    // an undefined column fails at Parse, positioned in the client's text
    w.send(Buffer.concat([serialize.parse({ text: "SELECT nope FROM events WHERE id = $1" }), serialize.sync()]));
    const bad = await w.until("readyForQuery");
    expect(bad[0]).toMatchObject({ name: "error", code: "42703", position: "8" });
    w.close();
  });

  it("passes date and timestamptz parameters (text in the session's zone, and binary) as values", async () => {
    const w = await WireClient.ready(t.port);
    await w.query("SET timezone = 'America/New_York'");
    // text parameters: the timestamp without an offset is read in the session's time zone
    const ins = "INSERT INTO events (id, day, at) VALUES ($1, $2, $3)";
    w.send(Buffer.concat([serialize.parse({ text: ins }), serialize.bind({ values: ["2", "2024-02-29", "2024-07-01 12:30:00"] }), serialize.execute({}), serialize.sync()]));
    expect((await w.until("readyForQuery")).map((m) => m.name)).toEqual(["parseComplete", "bindComplete", "commandComplete", "readyForQuery"]);
    // binary parameters, decoded by the inferred types: date = days since 2000-01-01, timestamptz = µs since then
    const id = Buffer.alloc(4);
    id.writeInt32BE(3);
    const day = Buffer.alloc(4);
    day.writeInt32BE((Date.UTC(1999, 11, 31) - Date.UTC(2000, 0, 1)) / 86_400_000);
    const at = Buffer.alloc(8);
    at.writeBigInt64BE(BigInt(Date.UTC(2024, 0, 2, 3, 4, 5) - Date.UTC(2000, 0, 1)) * 1000n);
    w.send(Buffer.concat([serialize.parse({ text: ins }), serialize.bind({ values: [id, day, at], valueMapper: (v) => v, binary: true }), serialize.execute({}), serialize.sync()]));
    expect((await w.until("readyForQuery")).map((m) => m.name)).toEqual(["parseComplete", "bindComplete", "commandComplete", "readyForQuery"]);
    await w.query("SET timezone = 'UTC'");
    const rows = rowsOf(await w.query("SELECT id, day, at FROM events WHERE id IN (2, 3) ORDER BY id"));
    expect(rows).toEqual([
      ["2", "2024-02-29", "2024-07-01 16:30:00+00"],
      ["3", "1999-12-31", "2024-01-02 03:04:05+00"],
    ]);
    // a date parameter in WHERE compares as a date
    w.send(Buffer.concat([serialize.parse({ text: "SELECT id FROM events WHERE day = $1" }), serialize.bind({ values: ["2024-03-15"] }), serialize.execute({}), serialize.sync()]));
    expect(rowsOf(await w.until("readyForQuery"))).toEqual([["1"]]);
    w.close();
  });

  it("keeps a column's type modifier on an inferred parameter", async () => {
    const w = await WireClient.ready(t.port);
    w.send(Buffer.concat([serialize.parse({ text: "INSERT INTO events (id, note) VALUES ($1, $2)" }), serialize.bind({ values: ["9", "toolong"] }), serialize.execute({}), serialize.sync()]));
    const msgs = await w.until("readyForQuery");
    expect(msgs.find((m) => m.name === "error")).toMatchObject({ code: "22001" });
    w.close();
  });
});
