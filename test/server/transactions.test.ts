// Transaction blocks over the wire: ReadyForQuery's status byte (I / T / E), the failed block that
// refuses statements with 25P02 until ROLLBACK or COMMIT (which then reports ROLLBACK), in the
// simple and the extended protocol, and what a block guarantees (statements apply as they run).

import { serialize } from "pg-protocol";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WireClient, rowsOf, startTestServer, type Message, type TestServer } from "./fixture.js";

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
});

afterAll(async () => {
  await t.close();
});

const status = (msgs: Message[]) => (msgs.at(-1) as { status?: string }).status;
const errorOf = (msgs: Message[]) => msgs.find((m) => m.name === "error") as { code?: string; message?: string } | undefined;

describe("transaction blocks", () => {
  it("a failed block answers 25P02 with status E until ROLLBACK", async () => {
    const w = await WireClient.ready(t.port);
    await w.query("CREATE TABLE tx1 (id INT PRIMARY KEY)");
    expect(status(await w.query("BEGIN"))).toBe("T");
    expect(status(await w.query("INSERT INTO tx1 VALUES (1)"))).toBe("T");
    const bad = await w.query("SELECT 1/0");
    expect(errorOf(bad)?.code).toBe("22012");
    expect(status(bad)).toBe("E");
    for (const sql of ["SELECT 1", "INSERT INTO tx1 VALUES (2)", "SELECT relname FROM pg_class LIMIT 1", "SHOW TimeZone"]) {
      const refused = await w.query(sql);
      expect(errorOf(refused)).toMatchObject({ code: "25P02", message: "current transaction is aborted, commands ignored until end of transaction block" });
      expect(status(refused)).toBe("E");
    }
    const end = await w.query("ROLLBACK");
    expect(end.find((m) => m.name === "commandComplete")).toMatchObject({ text: "ROLLBACK" });
    expect(status(end)).toBe("I");
    // the refused INSERT never ran; the one before the error applied when it ran (autocommit)
    expect(rowsOf(await w.query("SELECT id FROM tx1 ORDER BY id"))).toEqual([["1"]]);
    w.close();
  });

  it("COMMIT of a failed block reports ROLLBACK; an error in the same query string fails the block", async () => {
    const w = await WireClient.ready(t.port);
    const bad = await w.query("BEGIN; SELECT * FROM no_such_table");
    expect(errorOf(bad)?.code).toBe("42P01");
    expect(status(bad)).toBe("E");
    const end = await w.query("COMMIT");
    expect(end.find((m) => m.name === "commandComplete")).toMatchObject({ text: "ROLLBACK" });
    expect(status(end)).toBe("I");
    expect(rowsOf(await w.query("SELECT 2"))).toEqual([["2"]]);
    // outside a block an error leaves the session idle
    expect(status(await w.query("SELECT 1/0"))).toBe("I");
    w.close();
  });

  it("extended protocol: Parse and Execute in a failed block fail with 25P02, ROLLBACK ends it", async () => {
    const w = await WireClient.ready(t.port);
    await w.query("BEGIN");
    w.send(Buffer.concat([serialize.parse({ text: "SELECT 1/0" }), serialize.bind({}), serialize.describe({ type: "P" }), serialize.execute({}), serialize.sync()]));
    const failed = await w.until("readyForQuery");
    expect(errorOf(failed)?.code).toBe("22012");
    expect(status(failed)).toBe("E");
    w.send(Buffer.concat([serialize.parse({ text: "SELECT 1" }), serialize.bind({}), serialize.execute({}), serialize.sync()]));
    const refused = await w.until("readyForQuery");
    expect(errorOf(refused)?.code).toBe("25P02");
    expect(status(refused)).toBe("E");
    w.send(Buffer.concat([serialize.parse({ text: "ROLLBACK" }), serialize.bind({}), serialize.execute({}), serialize.sync()]));
    const end = await w.until("readyForQuery");
    expect(errorOf(end)).toBeUndefined();
    expect(status(end)).toBe("I");
    w.close();
  });

  it("node-postgres sees 25P02 and recovers after ROLLBACK", async () => {
    const c = new pg.Client({ host: "127.0.0.1", port: t.port, user: "sage", database: "sage" });
    await c.connect();
    try {
      await c.query("BEGIN");
      await expect(c.query("SELECT 1/0")).rejects.toMatchObject({ code: "22012" });
      await expect(c.query("SELECT $1::int AS x", [5])).rejects.toMatchObject({ code: "25P02" });
      await c.query("ROLLBACK");
      expect((await c.query("SELECT $1::int AS x", [5])).rows).toEqual([{ x: 5 }]);
    } finally {
      await c.end();
    }
  });
});
