// Connection-level control: CancelRequest (of a SUBSCRIBE, of a waiting COPY, of nothing),
// the max-connections limit (53300), Terminate, and a graceful server shutdown (57P01).

import { connect } from "node:net";
import pg from "pg";
import { serialize } from "pg-protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WireClient, rowsOf, sleep, startTestServer, type TestServer } from "./fixture.js";

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
  const w = await WireClient.ready(t.port);
  await w.query("CREATE TABLE feed (id INT, note TEXT)");
  w.close();
});

afterAll(async () => {
  await t.close();
});

/** Sends a CancelRequest; resolves with what the server sent back (nothing) once it closes the socket. */
function sendCancel(port: number, processId: number, secretKey: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const s = connect(port, "127.0.0.1", () => s.write(serialize.cancel(processId, secretKey)));
    const got: Buffer[] = [];
    s.on("data", (d) => got.push(d));
    s.on("close", () => resolve(Buffer.concat(got)));
    s.on("error", reject);
  });
}

describe("cancel requests", () => {
  it("end a SUBSCRIBE with 57014 after it streamed changes", async () => {
    const sub = await WireClient.ready(t.port);
    sub.send(serialize.query("SUBSCRIBE feed"));
    const head = await sub.until("rowDescription");
    expect((head.at(-1)!.fields as { name: string }[]).map((f) => f.name)).toEqual(["op", "ts", "id", "note"]);
    const writer = await WireClient.ready(t.port);
    await writer.query("INSERT INTO feed VALUES (1, 'first')");
    const row = await sub.until("dataRow");
    expect(rowsOf(row)[0]).toEqual(["insert", expect.any(String), "1", "first"]);

    // a wrong key does nothing
    expect((await sendCancel(t.port, sub.processId, sub.secretKey ^ 1)).length).toBe(0);
    await writer.query("INSERT INTO feed VALUES (2, 'second')");
    expect(rowsOf(await sub.until("dataRow"))[0].slice(2)).toEqual(["2", "second"]);

    expect((await sendCancel(t.port, sub.processId, sub.secretKey)).length).toBe(0);
    const end = await sub.until("readyForQuery");
    expect(end.map((m) => m.name)).toEqual(["error", "readyForQuery"]);
    expect(end[0]).toMatchObject({ code: "57014", message: "canceling statement due to user request" });
    expect(rowsOf(await sub.query("SELECT count(*) FROM feed"))).toEqual([["2"]]);
    sub.close();
    writer.close();
  });

  it("end a COPY FROM STDIN that waits for data, and leave an idle session alone", async () => {
    const w = await WireClient.ready(t.port);
    expect((await sendCancel(t.port, w.processId, w.secretKey)).length).toBe(0);
    await sleep(20);
    expect(rowsOf(await w.query("SELECT 1"))).toEqual([["1"]]);

    w.send(serialize.query("COPY feed FROM STDIN"));
    await w.until("copyInResponse");
    w.send(serialize.copyData(Buffer.from("3\tthird\n")));
    await sendCancel(t.port, w.processId, w.secretKey);
    const end = await w.until("readyForQuery");
    expect(end[0]).toMatchObject({ name: "error", code: "57014" });
    // the rest of the copy data is dropped, then the session goes on
    w.send(Buffer.concat([serialize.copyData(Buffer.from("4\tfourth\n")), serialize.copyDone()]));
    expect(rowsOf(await w.query("SELECT count(*) FROM feed WHERE id >= 3"))).toEqual([["0"]]);
    w.close();
  });

  it("cancel pg's SUBSCRIBE query through the client API", async () => {
    const c = new pg.Client({ host: "127.0.0.1", port: t.port, user: "sage", database: "sage" });
    c.on("error", () => {});
    await c.connect();
    const pending = c.query("SUBSCRIBE feed");
    await sleep(100);
    const canceller = new pg.Client({ host: "127.0.0.1", port: t.port, user: "sage", database: "sage" });
    (canceller as unknown as { cancel(client: pg.Client, query: unknown): void }).cancel(c, (c as unknown as { activeQuery: unknown }).activeQuery);
    await expect(pending).rejects.toMatchObject({ code: "57014" });
    expect((await c.query("SELECT 1 AS x")).rows).toEqual([{ x: 1 }]);
    await c.end();
  });
});

// a cross join aggregate that runs for minutes unless stopped
const LONG_QUERY = "SELECT count(*) FROM generate_series(1, 200) a, generate_series(1, 10000000) b WHERE a.a + b.b > $1";

function pgClient(): pg.Client {
  const c = new pg.Client({ host: "127.0.0.1", port: t.port, user: "sage", database: "sage" });
  c.on("error", () => {});
  return c;
}

describe("cancelling running queries", () => {
  it("a CancelRequest stops a long query with 57014 while other sessions stay served", async () => {
    const c = pgClient();
    await c.connect();
    const other = pgClient();
    await other.connect();
    try {
      const started = Date.now();
      const pending = c.query(LONG_QUERY.replace("$1", "0"));
      const outcome = pending.then(
        () => null,
        (e: unknown) => e,
      );
      await sleep(300);
      // the long query yields between chunks: another session's query is answered meanwhile
      const t0 = Date.now();
      expect((await other.query("SELECT 40 + 2 AS x")).rows).toEqual([{ x: 42 }]);
      expect(Date.now() - t0).toBeLessThan(2000);
      const canceller = pgClient();
      (canceller as unknown as { cancel(client: pg.Client, query: unknown): void }).cancel(c, (c as unknown as { activeQuery: unknown }).activeQuery);
      expect(await outcome).toMatchObject({ code: "57014", message: "canceling statement due to user request" });
      expect(Date.now() - started).toBeLessThan(5000);
      expect((await c.query("SELECT 1 AS x")).rows).toEqual([{ x: 1 }]);
    } finally {
      await c.end();
      await other.end();
    }
  });

  it("statement_timeout stops a long query (simple and extended protocol) with 57014", async () => {
    const c = pgClient();
    await c.connect();
    try {
      await c.query("SET statement_timeout = '100ms'");
      for (const run of [() => c.query(LONG_QUERY.replace("$1", "0")), () => c.query(LONG_QUERY, [0])]) {
        const started = Date.now();
        await expect(run()).rejects.toMatchObject({ code: "57014", message: "canceling statement due to statement timeout" });
        expect(Date.now() - started).toBeLessThan(3000);
      }
      // short statements are untouched by the timeout
      expect((await c.query("SELECT count(*)::int AS n FROM generate_series(1, 1000)")).rows).toEqual([{ n: 1000 }]);
      await c.query("SET statement_timeout = 0");
      expect((await c.query("SHOW statement_timeout")).rows).toEqual([{ statement_timeout: "0" }]);
    } finally {
      await c.end();
    }
  });

  it("a cancelled query inside a transaction block fails the block", async () => {
    const c = pgClient();
    await c.connect();
    try {
      await c.query("BEGIN");
      await c.query("SET statement_timeout = '50ms'");
      await expect(c.query(LONG_QUERY.replace("$1", "0"))).rejects.toMatchObject({ code: "57014" });
      await expect(c.query("SELECT 1")).rejects.toMatchObject({ code: "25P02" });
      await c.query("ROLLBACK");
      expect((await c.query("SELECT 1 AS x")).rows).toEqual([{ x: 1 }]);
    } finally {
      await c.end();
    }
  });
});

describe("idle timeouts", () => {
  it("idle_in_transaction_session_timeout ends a session idle inside a block with FATAL 25P03", async () => {
    const w = await WireClient.ready(t.port);
    await w.query("SET idle_in_transaction_session_timeout = '150ms'");
    // idle outside a block: untouched
    await sleep(300);
    expect(rowsOf(await w.query("SELECT 1"))).toEqual([["1"]]);
    await w.query("BEGIN");
    const msgs = await w.drain();
    expect(msgs).toEqual([expect.objectContaining({ name: "error", severity: "FATAL", code: "25P03", message: "terminating connection due to idle-in-transaction timeout" })]);
  });

  it("idle_session_timeout ends a session idle outside a block with FATAL 57P05", async () => {
    const w = await WireClient.ready(t.port);
    await w.query("SET idle_session_timeout = '150ms'");
    const msgs = await w.drain();
    expect(msgs).toEqual([expect.objectContaining({ name: "error", severity: "FATAL", code: "57P05", message: "terminating connection due to idle-session timeout" })]);
  });
});

describe("connection limits and lifecycle", () => {
  it("refuses sessions past max connections with 53300", async () => {
    const small = await startTestServer({ maxConnections: 2 });
    try {
      const a = await WireClient.ready(small.port);
      const b = await WireClient.ready(small.port);
      const c = await WireClient.connect(small.port);
      c.send(serialize.startup({ user: "sage", database: "sage" }));
      const refused = await c.drain();
      expect(refused).toHaveLength(1);
      expect(refused[0]).toMatchObject({ name: "error", severity: "FATAL", code: "53300", message: "sorry, too many clients already" });
      // cancel requests are not sessions
      expect((await sendCancel(small.port, a.processId, a.secretKey)).length).toBe(0);
      a.send(serialize.end());
      expect(await a.drain()).toEqual([]);
      await sleep(50);
      const d = await WireClient.ready(small.port);
      expect(rowsOf(await d.query("SELECT 2"))).toEqual([["2"]]);
      b.close();
      d.close();
    } finally {
      await small.close();
    }
  });

  it("tells connected clients when the server shuts down", async () => {
    const s = await startTestServer();
    const w = await WireClient.ready(s.port);
    await s.close();
    const msgs = await w.drain();
    expect(msgs).toEqual([expect.objectContaining({ name: "error", severity: "FATAL", code: "57P01" })]);
  });

  it("answers SSLRequest and GSSENCRequest with N when no certificate is configured", async () => {
    const got = await new Promise<Buffer>((resolve) => {
      const s = connect(t.port, "127.0.0.1", () => s.write(serialize.requestSsl()));
      s.once("data", (d) => {
        resolve(d);
        s.destroy();
      });
    });
    expect(got.toString()).toBe("N");
  });
});
