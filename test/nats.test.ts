// NATS connectors against a real nats-server (JetStream) started on loopback: sources in every
// format, JetStream exactly-once across kill -9, core NATS at-most-once, sinks with de-dup and
// retries while the server is down.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { jetstream, jetstreamManager, type JetStreamClient } from "@nats-io/jetstream";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Database, formatValue } from "../src/index.js";
import { NatsServer } from "./nats-server.js";

let server: NatsServer;
let nc: NatsConnection;
let js: JetStreamClient;

beforeAll(async () => {
  server = await NatsServer.start();
  nc = await connect({ servers: server.url });
  js = jetstream(nc);
});

afterAll(async () => {
  await nc?.close();
  await server?.destroy();
});

async function rows(db: Database, sql: string): Promise<string[]> {
  const [r] = await db.execute(sql);
  return r.rows.map((row) => row.map((v, i) => (v === null ? "NULL" : formatValue(r.columns[i].type, v))).join("|"));
}

/** Polls `sql` until it returns `want` (the source is asynchronous). */
async function eventually(db: Database, sql: string, want: string[], ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  let got: string[] = [];
  while (Date.now() < until) {
    got = await rows(db, sql);
    if (JSON.stringify(got) === JSON.stringify(want)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  expect(got).toEqual(want);
}

async function addStream(name: string, subjects: string[]): Promise<void> {
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name, subjects });
}

describe("NATS source", () => {
  it("reads JSON from JetStream into a stream and a view over it", async () => {
    await addStream("ORDERS", ["orders.>"]);
    await js.publish("orders.new", JSON.stringify({ id: 1, item: "apple", qty: 3, at: "2024-01-01 10:00:00" }));
    await js.publish("orders.new", JSON.stringify([{ id: 2, item: "pear", qty: 1 }, { ID: 3, Item: "apple", qty: "4" }]));
    const db = await Database.open({ memory: true });
    await db.execute(`CREATE STREAM orders (id BIGINT, item TEXT, qty INT, at TIMESTAMP)
      WITH (connector = 'nats', servers = '${server.url}', subject = 'orders.new', stream = 'ORDERS') FORMAT JSON;
      CREATE MATERIALIZED VIEW per_item AS SELECT item, sum(qty) AS q, count(*) AS n FROM orders GROUP BY item`);
    await eventually(db, "SELECT * FROM per_item ORDER BY item", ["apple|7|2", "pear|1|1"]);
    await js.publish("orders.new", JSON.stringify({ id: 4, item: "pear", qty: 10 }));
    await eventually(db, "SELECT * FROM per_item ORDER BY item", ["apple|7|2", "pear|11|2"]);
    expect(await rows(db, "SELECT stream, connector, rows_produced, error, bad_messages FROM sage_catalog.sources")).toEqual(["orders|nats|4|NULL|0"]);
    await db.close();
  });

  it("reads CSV and PLAIN messages", async () => {
    await addStream("LINES", ["csv.in", "plain.in"]);
    await js.publish("csv.in", '1,"a, quoted ""x""",2.5\n2,,7');
    await js.publish("plain.in", "hello world");
    await js.publish("plain.in", "second line");
    const db = await Database.open({ memory: true });
    await db.execute(`CREATE STREAM c (id INT, name TEXT, v NUMERIC) WITH (connector = 'nats', servers = '${server.url}', subject = 'csv.in', stream = 'LINES', retention = 'all') FORMAT CSV;
      CREATE STREAM p (line TEXT) WITH (connector = 'nats', servers = '${server.url}', subject = 'plain.in', stream = 'LINES', retention = 'all') FORMAT PLAIN`);
    await eventually(db, "SELECT * FROM c ORDER BY id", ['1|a, quoted "x"|2.5', "2|NULL|7"]);
    await eventually(db, "SELECT * FROM p ORDER BY line", ["hello world", "second line"]);
    await db.close();
  });

  it("applies DEBEZIUM_JSON changes (inserts, updates, deletes) to a view", async () => {
    await addStream("CDC", ["cdc.accounts"]);
    const ev = (op: string, before: unknown, after: unknown) => JSON.stringify({ payload: { before, after, op, source: {} } });
    await js.publish("cdc.accounts", ev("r", null, { id: 1, owner: "ann", balance: 10 }));
    await js.publish("cdc.accounts", ev("c", null, { id: 2, owner: "bob", balance: 5 }));
    await js.publish("cdc.accounts", ev("u", { id: 1, owner: "ann", balance: 10 }, { id: 1, owner: "ann", balance: 25 }));
    await js.publish("cdc.accounts", ev("d", { id: 2, owner: "bob", balance: 5 }, null));
    const db = await Database.open({ memory: true });
    await db.execute(`CREATE STREAM accounts (id INT, owner TEXT, balance INT) WITH (connector = 'nats', servers = '${server.url}', subject = 'cdc.accounts', stream = 'CDC') FORMAT DEBEZIUM_JSON;
      CREATE MATERIALIZED VIEW acc AS SELECT owner, sum(balance) AS b FROM accounts GROUP BY owner`);
    await eventually(db, "SELECT * FROM acc ORDER BY owner", ["ann|25"]);
    await expect(db.execute(`CREATE STREAM a2 (id INT) WITH (connector = 'nats', servers = '${server.url}', subject = 'cdc.accounts', stream = 'CDC', retention = 'all') FORMAT DEBEZIUM_JSON`)).rejects.toMatchObject({ code: "0A000" });
    await db.close();
  });

  it("drops malformed messages with a counter and the reason, and goes on", async () => {
    await addStream("BAD", ["bad.in"]);
    await js.publish("bad.in", '{"id": 1}');
    await js.publish("bad.in", "{not json");
    await js.publish("bad.in", '{"id": "abc"}');
    await js.publish("bad.in", '{"id": 4}');
    const db = await Database.open({ memory: true });
    await db.execute(`CREATE STREAM b (id INT) WITH (connector = 'nats', servers = '${server.url}', subject = 'bad.in', stream = 'BAD', retention = 'all') FORMAT JSON`);
    await eventually(db, "SELECT id FROM b ORDER BY id", ["1", "4"]);
    const [status] = await rows(db, "SELECT rows_produced, bad_messages, error, last_bad_message FROM sage_catalog.sources");
    expect(status).toMatch(/^2\|2\|NULL\|invalid input syntax for type integer: "abc" \(stream sequence 3\)$/);
    await db.close();
  });

  it("rejects bad options with 22023", async () => {
    const db = await Database.open({ memory: true });
    await expect(db.execute(`CREATE STREAM x (a INT) WITH (connector = 'nats', servers = '${server.url}')`)).rejects.toMatchObject({ code: "22023", message: expect.stringMatching(/subject/) });
    await expect(db.execute(`CREATE STREAM x (a INT) WITH (connector = 'nats', subject = 'a')`)).rejects.toMatchObject({ code: "22023", message: expect.stringMatching(/servers/) });
    await expect(db.execute(`CREATE STREAM x (a INT) WITH (connector = 'nats', servers = '${server.url}', subject = 'a', subjekt = 'b')`)).rejects.toMatchObject({ code: "22023", message: expect.stringMatching(/subjekt/) });
    await expect(db.execute(`CREATE STREAM x (a INT) WITH (connector = 'nats', servers = '${server.url}', subject = 'a') FORMAT PARQUET`)).rejects.toMatchObject({ code: "22023" });
    await expect(db.execute(`CREATE STREAM x (a INT, b INT) WITH (connector = 'nats', servers = '${server.url}', subject = 'a') FORMAT PLAIN`)).rejects.toMatchObject({ code: "42P16" });
    expect(await rows(db, "SELECT count(*) FROM sage_catalog.sources")).toEqual(["0"]);
    await db.close();
  });

  it("core NATS is at-most-once: what is published while no one listens is lost", async () => {
    const db = await Database.open({ memory: true });
    nc.publish("core.ev", JSON.stringify({ n: 0 })); // before the stream exists: nobody receives it
    await nc.flush();
    await db.execute(`CREATE STREAM ev (n INT) WITH (connector = 'nats', servers = '${server.url}', subject = 'core.ev', retention = 'all') FORMAT JSON`);
    // the subscription is live once a probe published after it arrives
    for (let i = 1; (await rows(db, "SELECT count(*) FROM ev"))[0] === "0" && i < 400; i++) {
      nc.publish("core.ev", JSON.stringify({ n: 1 }));
      await new Promise((r) => setTimeout(r, 25));
    }
    await db.execute("DELETE FROM ev").catch(() => undefined);
    for (let i = 2; i < 12; i++) nc.publish("core.ev", JSON.stringify({ n: i }));
    await eventually(db, "SELECT count(*) FROM ev WHERE n >= 2", ["10"]);
    expect(await rows(db, "SELECT count(*) FROM ev WHERE n = 0")).toEqual(["0"]);
    await db.close();
  });
});

describe("JetStream source exactly-once", () => {
  it("keeps every message exactly once across kill -9 of sage-sql (no duplicate, no gap)", async () => {
    const child = fileURLToPath(new URL("./fixtures/nats-source-child.mjs", import.meta.url));
    const dir = mkdtempSync(join(tmpdir(), "sage-nats-crash-"));
    await addStream("ONCE", ["once.ev"]);
    const TOTAL = 6000;
    // a publisher writing in the background the whole time, across the kills
    let published = 0;
    const publisher = (async () => {
      while (published < TOTAL) {
        const batch = [];
        for (let i = 0; i < 30 && published < TOTAL; i++, published++) batch.push(js.publish("once.ev", JSON.stringify({ id: published, grp: published % 7 })));
        await Promise.all(batch);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    try {
      let maxSeen = 0;
      let publishedAtFirstKill = 0;
      for (let round = 0; round < 5; round++) {
        const proc = spawn(process.execPath, [child, dir, server.url], { stdio: ["ignore", "pipe", "inherit"] });
        let buf = "";
        // kill it once it has read something new (mid-stream), a random while later
        const before = maxSeen;
        let reading: () => void = () => {};
        const started = new Promise<void>((r) => (reading = r));
        proc.stdout.on("data", (d: Buffer) => {
          buf += d.toString();
          const lines = buf.split("\n");
          buf = lines.pop()!;
          for (const l of lines) maxSeen = Math.max(maxSeen, Number(l));
          if (maxSeen > before) reading();
        });
        await Promise.race([started, new Promise((r) => setTimeout(r, 30_000))]);
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 300)));
        if (round === 0) publishedAtFirstKill = published;
        proc.kill("SIGKILL");
        await new Promise((r) => proc.on("exit", r));
      }
      await publisher;
      expect(maxSeen).toBeGreaterThan(0);
      expect(publishedAtFirstKill).toBeLessThan(TOTAL); // messages kept arriving across the kills
      const db = await Database.open({ dataDir: dir });
      await eventually(db, "SELECT count(*), count(DISTINCT id), min(id), max(id) FROM ev", [`${TOTAL}|${TOTAL}|0|${TOTAL - 1}`], 30_000);
      expect(await rows(db, "SELECT * FROM per_grp ORDER BY grp")).toEqual(await rows(db, "SELECT grp, count(*) FROM ev GROUP BY grp ORDER BY grp"));
      await db.close();
    } finally {
      await publisher.catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
