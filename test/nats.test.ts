// NATS connectors against a real nats-server (JetStream) started on loopback: sources in every
// format, JetStream exactly-once across kill -9, core NATS at-most-once, sinks with de-dup and
// retries while the server is down.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { AckPolicy, jetstream, jetstreamManager, type JetStreamClient } from "@nats-io/jetstream";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Database, formatValue } from "../src/index.js";
import { CheckpointStore } from "../src/storage/index.js";
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

  it("shows why it cannot read (no server, no such JetStream stream) and starts once it can", async () => {
    const db = await Database.open({ memory: true });
    await db.execute(`CREATE STREAM nos (a INT) WITH (connector = 'nats', servers = 'nats://127.0.0.1:1', subject = 'a') FORMAT JSON;
      CREATE STREAM late (a INT) WITH (connector = 'nats', servers = '${server.url}', subject = 'late.in', stream = 'LATE', retention = 'all') FORMAT JSON`);
    await until(async () => (await rows(db, "SELECT stream FROM sage_catalog.sources WHERE error IS NOT NULL ORDER BY stream")).join() === "late,nos");
    expect((await rows(db, "SELECT error FROM sage_catalog.sources WHERE stream = 'late'"))[0]).toMatch(/stream not found/i);
    await addStream("LATE", ["late.in"]);
    await js.publish("late.in", '{"a": 5}');
    await eventually(db, "SELECT a FROM late", ["5"], 20_000);
    expect(await rows(db, "SELECT error FROM sage_catalog.sources WHERE stream = 'late'")).toEqual(["NULL"]);
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
      const checkpointedSeqs: number[] = [];
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
        // the checkpoint the next run restores from: the source's JetStream sequence is in it
        const manifest = new CheckpointStore(join(dir, "checkpoints")).readManifest();
        const positions = Object.values(manifest?.sources ?? {}) as { seq?: number }[];
        checkpointedSeqs.push(Math.max(0, ...positions.map((p) => p?.seq ?? 0)));
      }
      await publisher;
      expect(maxSeen).toBeGreaterThan(0);
      // restarts resumed from checkpoints holding a NATS position (the log before them is gone)
      expect(checkpointedSeqs.filter((s) => s > 0).length).toBeGreaterThanOrEqual(2);
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

/** Every message of a JetStream stream: its payload and Sage-Op header. */
async function streamMessages(stream: string): Promise<{ data: string; deleted: boolean; id: string }[]> {
  const jsm = await jetstreamManager(nc);
  const count = (await jsm.streams.info(stream)).state.messages;
  if (count === 0) return [];
  const c = await js.consumers.get(stream);
  const out: { data: string; deleted: boolean; id: string }[] = [];
  const msgs = await c.fetch({ max_messages: count, expires: 5000 });
  for await (const m of msgs) {
    out.push({ data: m.string(), deleted: m.headers?.get("Sage-Op") === "delete", id: m.headers?.get("Nats-Msg-Id") ?? "" });
    if (out.length === count) break;
  }
  return out;
}

/** A changes sink's net contents: rows with the sum of their __op, zero sums left out, sorted. */
function netRows(messages: { data: string }[]): string[] {
  const net = new Map<string, number>();
  for (const m of messages) {
    const { __op, ...row } = JSON.parse(m.data) as Record<string, unknown>;
    const key = JSON.stringify(row);
    net.set(key, (net.get(key) ?? 0) + (__op as number));
  }
  return [...net].filter(([, n]) => n !== 0).map(([k, n]) => `${k}x${n}`).sort();
}

async function sinkStatus(db: Database): Promise<string[]> {
  return rows(db, "SELECT sink, rows_written, pending_rows, error IS NULL FROM sage_catalog.sink_status");
}

async function until(check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("condition not reached in time");
}

describe("NATS sink", () => {
  it("publishes a view's changes to JetStream (JSON with __op, DEBEZIUM_JSON, UPSERT)", async () => {
    const db = await Database.open({ memory: true });
    await db.execute(`CREATE TABLE t (k TEXT, v INT);
      CREATE MATERIALIZED VIEW s AS SELECT k, sum(v) AS total FROM t GROUP BY k;
      CREATE SINK s_json FROM s WITH (connector = 'nats', servers = '${server.url}', subject = 'out.json', stream = 'OUT_JSON') FORMAT JSON;
      CREATE SINK s_dbz FROM s WITH (connector = 'nats', servers = '${server.url}', subject = 'out.dbz', stream = 'OUT_DBZ') FORMAT DEBEZIUM_JSON;
      CREATE SINK s_up AS SELECT k, v FROM t WHERE v > 1 WITH (connector = 'nats', servers = '${server.url}', subject = 'out.up', stream = 'OUT_UP') FORMAT UPSERT;
      INSERT INTO t VALUES ('a', 1), ('b', 2);
      INSERT INTO t VALUES ('a', 5);
      DELETE FROM t WHERE k = 'b';`);
    await until(async () => (await rows(db, "SELECT sum(pending_rows) = 0 AND bool_and(error IS NULL) AND sum(rows_written) >= 9 FROM sage_catalog.sink_status"))[0] === "t");
    expect(netRows(await streamMessages("OUT_JSON"))).toEqual(['{"k":"a","total":6}x1']);
    const dbz = (await streamMessages("OUT_DBZ")).map((m) => JSON.parse(m.data) as { op: string; before: unknown; after: unknown });
    expect(dbz.filter((e) => e.op === "c").length - dbz.filter((e) => e.op === "d").length).toBe(1);
    expect(dbz.at(-1)).toMatchObject({ op: "d", before: { k: "b", total: 2 }, after: null });
    const up = await streamMessages("OUT_UP");
    expect(up.map((m) => `${m.data}${m.deleted ? " (deleted)" : ""}`)).toEqual(['{"k":"b","v":2}', '{"k":"a","v":5}', '{"k":"b","v":2} (deleted)']);
    expect(await rows(db, "SELECT sink, connector, batches_written > 0, retries FROM sage_catalog.sink_status ORDER BY sink")).toEqual(["s_dbz|nats|t|0", "s_json|nats|t|0", "s_up|nats|t|0"]);
    await expect(db.execute(`CREATE SINK bad FROM s WITH (connector = 'nats', servers = '${server.url}', subject = 'x')`)).rejects.toMatchObject({ code: "22023", message: expect.stringMatching(/stream/) });
    await expect(db.execute(`CREATE SINK bad FROM s WITH (connector = 'nats', servers = '${server.url}', subject = 'x.*', stream = 'X')`)).rejects.toMatchObject({ code: "22023" });
    await expect(db.execute(`CREATE SINK bad FROM s WITH (connector = 'nats', servers = '${server.url}', subject = 'x', stream = 'X') FORMAT CSV`)).rejects.toMatchObject({ code: "22023" });
    await db.close();
  });

  it("a restart replays the log without publishing anything twice", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sage-nats-sink-"));
    const open = () => Database.open({ dataDir: dir, checkpointInterval: 0 }); // the whole log replays
    try {
      let db = await open();
      await db.execute(`CREATE TABLE t (id INT, v INT);
        CREATE MATERIALIZED VIEW m AS SELECT v % 3 AS g, count(*) AS n FROM t GROUP BY 1;
        CREATE SINK m_out FROM m WITH (connector = 'nats', servers = '${server.url}', subject = 'replay.m', stream = 'REPLAY') FORMAT JSON`);
      for (let i = 0; i < 20; i++) await db.execute(`INSERT INTO t VALUES (${i}, ${i})`);
      await until(async () => (await sinkStatus(db))[0]?.split("|")[2] === "0" && (await streamMessages("REPLAY")).length > 0);
      const before = await streamMessages("REPLAY");
      expect(netRows(before)).toEqual(['{"g":0,"n":7}x1', '{"g":1,"n":7}x1', '{"g":2,"n":6}x1']);
      await db.close();

      // the replayed epochs carry the same ids: nothing new reaches the stream
      db = await open();
      await until(async () => (await sinkStatus(db))[0] === `m_out|${before.length}|0|t`);
      await new Promise((r) => setTimeout(r, 300));
      expect((await streamMessages("REPLAY")).map((m) => m.id)).toEqual(before.map((m) => m.id));

      // publishing an epoch again (as after a crash mid-publish) is dropped by its message id
      const again = await js.publish("replay.m", before[0].data, { msgID: before[0].id });
      expect(again.duplicate).toBe(true);

      await db.execute("INSERT INTO t VALUES (100, 100)");
      await until(async () => (await streamMessages("REPLAY")).length === before.length + 2);
      expect(netRows(await streamMessages("REPLAY"))).toEqual(['{"g":0,"n":7}x1', '{"g":1,"n":8}x1', '{"g":2,"n":6}x1']);
      await db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("after a restart, republishes a message of the last window the server lost (no gap)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sage-nats-gap-"));
    // a short duplicate window, so that the server's own de-dup does not hide what the sink skips
    await (await jetstreamManager(nc)).streams.add({ name: "GAP", subjects: ["gap.g"], duplicate_window: 100_000_000 });
    const open = () => Database.open({ dataDir: dir, checkpointInterval: 0 }); // the whole log replays
    try {
      let db = await open();
      await db.execute(`CREATE TABLE g (id INT);
        CREATE SINK g_out FROM g WITH (connector = 'nats', servers = '${server.url}', subject = 'gap.g', stream = 'GAP') FORMAT JSON;
        INSERT INTO g SELECT * FROM generate_series(1, 10)`);
      await until(async () => (await sinkStatus(db))[0] === "g_out|10|0|t");
      await db.close();
      // as if the connection had dropped mid-window: message 7 never reached the stream
      const jsm = await jetstreamManager(nc);
      const lost = (await streamMessages("GAP")).findIndex((m) => (JSON.parse(m.data) as { id: number }).id === 7);
      await jsm.streams.deleteMessage("GAP", lost + 1);
      await new Promise((r) => setTimeout(r, 200));
      db = await open();
      await until(async () => (await streamMessages("GAP")).length === 10);
      await new Promise((r) => setTimeout(r, 300));
      expect((await streamMessages("GAP")).map((m) => (JSON.parse(m.data) as { id: number }).id)).toEqual([1, 2, 3, 4, 5, 6, 8, 9, 10, 7]);
      expect(await sinkStatus(db)).toEqual(["g_out|10|0|t"]);
      await db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a restart from a checkpoint publishes what it held as unconfirmed with the same ids: nothing twice, nothing lost", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sage-nats-ckpt-"));
    const open = () => Database.open({ dataDir: dir, checkpointInterval: 0 }); // checkpoints at CHECKPOINT only
    const ids = async () => (await streamMessages("CKPT")).map((m) => (JSON.parse(m.data) as { id: number }).id);
    try {
      let db = await open();
      await db.execute(`CREATE TABLE c (id INT);
        CREATE SINK c_out FROM c WITH (connector = 'nats', servers = '${server.url}', subject = 'ckpt.c', stream = 'CKPT', retry_max_ms = '100') FORMAT JSON;
        INSERT INTO c VALUES (1), (2); INSERT INTO c VALUES (3)`);
      await until(async () => (await sinkStatus(db))[0] === "c_out|3|0|t");
      await server.stop();
      try {
        await db.execute("INSERT INTO c VALUES (4); INSERT INTO c VALUES (5), (6)");
        await until(async () => (await rows(db, "SELECT state FROM sage_catalog.sink_status"))[0] === "retrying");
        await db.execute("CHECKPOINT"); // holds 4, 5, 6 as not yet published
        const [held] = Object.values(new CheckpointStore(join(dir, "checkpoints")).readManifest()!.sinks!) as { seq: number; pending: { seq: number; rows: unknown[] }[] }[];
        expect(held.pending.flatMap((p) => p.rows)).toEqual([["4"], ["5"], ["6"]]);
        expect(held.pending.map((p) => p.seq)).toEqual([held.seq - 1, held.seq]);
      } finally {
        await server.restart();
      }
      // published after the checkpoint (once this test's own client has reconnected too)
      await until(async () => (await ids().catch(() => [])).length === 6, 30_000);
      await db.execute("INSERT INTO c VALUES (7)"); // in the log after the checkpoint
      await until(async () => (await ids()).length === 7);
      const before = (await streamMessages("CKPT")).map((m) => m.id);
      await db.close(); // without a checkpoint: the next open restores the one above
      db = await open();
      await until(async () => (await sinkStatus(db))[0]?.split("|")[2] === "0", 30_000);
      await new Promise((r) => setTimeout(r, 300));
      expect((await streamMessages("CKPT")).map((m) => m.id)).toEqual(before); // 4..7 again, the same ids: nothing new
      await db.execute("INSERT INTO c VALUES (8)");
      await until(async () => (await ids()).length === 8);
      await new Promise((r) => setTimeout(r, 200));
      expect(await ids()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      await db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a sink dropped and created again with the same definition publishes afresh", async () => {
    const db = await Database.open({ memory: true });
    const create = `CREATE SINK again_out FROM again WITH (connector = 'nats', servers = '${server.url}', subject = 'again.t', stream = 'AGAIN') FORMAT JSON`;
    await db.execute(`CREATE TABLE again (id INT); INSERT INTO again VALUES (1), (2); ${create}`);
    await until(async () => (await sinkStatus(db))[0] === "again_out|2|0|t");
    await db.execute(`DROP SINK again_out; ${create}`);
    await until(async () => (await sinkStatus(db)).join() === "again_out|2|0|t" && (await streamMessages("AGAIN")).length === 4);
    const msgs = await streamMessages("AGAIN");
    expect(msgs.map((m) => (JSON.parse(m.data) as { id: number }).id)).toEqual([1, 2, 1, 2]);
    expect(new Set(msgs.map((m) => m.id)).size).toBe(4);
    await db.close();
  });

  it("retries while the server is down, keeps computing, shows the error, then catches up", async () => {
    const db = await Database.open({ memory: true });
    await db.execute(`CREATE TABLE t (id INT);
      CREATE MATERIALIZED VIEW c AS SELECT count(*) AS n FROM t;
      CREATE SINK t_out FROM t WITH (connector = 'nats', servers = '${server.url}', subject = 'down.t', stream = 'DOWN') FORMAT JSON;
      INSERT INTO t VALUES (1)`);
    await until(async () => (await sinkStatus(db))[0] === "t_out|1|0|t");
    await server.stop();
    try {
      for (let i = 2; i <= 50; i++) await db.execute(`INSERT INTO t VALUES (${i})`);
      expect(await rows(db, "SELECT n FROM c")).toEqual(["50"]); // the view keeps computing
      await until(async () => (await rows(db, "SELECT pending_rows, error IS NOT NULL, retries > 0 FROM sage_catalog.sink_status"))[0] === "49|t|t");
      expect(await rows(db, "SELECT state FROM sage_catalog.sink_status")).toEqual(["retrying"]);
      // FLUSH says why the rows wait (they stay queued)
      await expect(db.execute("FLUSH")).rejects.toMatchObject({ code: "08006", message: expect.stringMatching(/sink "t_out" could not write/) });
    } finally {
      await server.restart();
    }
    // once the client has reconnected, FLUSH returns after everything is published
    await until(() => db.execute("FLUSH").then(() => true, () => false), 30_000);
    expect(await sinkStatus(db)).toEqual(["t_out|50|0|t"]);
    const got = (await streamMessages("DOWN")).map((m) => (JSON.parse(m.data) as { id: number }).id);
    expect(got).toEqual(Array.from({ length: 50 }, (_, i) => i + 1)); // all, once, in order
    await db.close();
  });
});

describe("NATS sink across kill -9", () => {
  it("publishes every acknowledged row exactly once (no duplicate, no gap)", async () => {
    const child = fileURLToPath(new URL("./fixtures/nats-sink-child.mjs", import.meta.url));
    const dir = mkdtempSync(join(tmpdir(), "sage-nats-sink-crash-"));
    try {
      const acked = new Set<number>();
      const checkpointed = new Set<number>();
      let next = 0;
      for (let round = 0; round < 4; round++) {
        const proc = spawn(process.execPath, [child, dir, server.url, String(next)], { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, SAGE_TEST_CHECKPOINT_MS: "200" } });
        let buf = "";
        let firstAck: () => void = () => {};
        const acking = new Promise<void>((r) => (firstAck = r));
        proc.stdout.on("data", (d: Buffer) => {
          buf += d.toString();
          const lines = buf.split("\n");
          buf = lines.pop()!;
          for (const l of lines) acked.add(Number(l));
          if (lines.length > 0) firstAck();
        });
        await Promise.race([acking, new Promise((r) => setTimeout(r, 30_000))]);
        await new Promise((r) => setTimeout(r, 300 + Math.floor(Math.random() * 1000)));
        proc.kill("SIGKILL");
        await new Promise((r) => proc.on("exit", r));
        next = Math.max(next, ...acked) + 1000; // fresh ids: a row written but not acknowledged may exist
        // checkpoints (every 200 ms) were taken while the sink ran: the next run restores one
        // (the first run creates the sink: a checkpoint before that has none)
        const m = new CheckpointStore(join(dir, "checkpoints")).readManifest();
        if (m && Object.keys(m.sinks ?? {}).length === 1) checkpointed.add(m.epoch);
      }
      expect(checkpointed.size).toBeGreaterThanOrEqual(3); // newer ones as the rounds went
      expect(acked.size).toBeGreaterThan(10);
      const db = await Database.open({ dataDir: dir });
      await until(async () => (await rows(db, "SELECT pending_rows, error IS NULL FROM sage_catalog.sink_status"))[0] === "0|t", 30_000);
      const inTable = (await rows(db, "SELECT id FROM acked ORDER BY id")).map(Number);
      for (const id of acked) expect(inTable).toContain(id);
      const published = (await streamMessages("CRASH")).map((m) => (JSON.parse(m.data) as { id: number }).id);
      expect(published.length).toBe(new Set(published).size); // no duplicate
      expect([...published].sort((a, b) => a - b)).toEqual(inTable); // no gap: exactly the table's rows
      await db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("JetStream durable consumer", () => {
  it("reads through a named consumer and acks each message once its batch is logged", async () => {
    await addStream("DUR", ["dur.in"]);
    const jsm = await jetstreamManager(nc);
    await jsm.consumers.add("DUR", { durable_name: "sage", ack_policy: AckPolicy.Explicit, filter_subject: "dur.in" });
    for (let i = 0; i < 30; i++) await js.publish("dur.in", JSON.stringify({ n: i }));
    const dir = mkdtempSync(join(tmpdir(), "sage-nats-dur-"));
    try {
      let db = await Database.open({ dataDir: dir });
      await db.execute(`CREATE STREAM d (n INT) WITH (connector = 'nats', servers = '${server.url}', subject = 'dur.in', stream = 'DUR', consumer = 'sage', retention = 'all') FORMAT JSON`);
      await eventually(db, "SELECT count(*), sum(n) FROM d", ["30|435"]);
      await until(async () => (await jsm.consumers.info("DUR", "sage")).num_ack_pending === 0);
      expect((await jsm.consumers.info("DUR", "sage")).ack_floor.stream_seq).toBe(30);
      await db.close();
      for (let i = 30; i < 40; i++) await js.publish("dur.in", JSON.stringify({ n: i }));
      db = await Database.open({ dataDir: dir });
      // a message the old reader had fetched but not acked comes back only after the durable
      // consumer's ack wait (JetStream's default 30 s): wait past it
      await eventually(db, "SELECT count(*), count(DISTINCT n), max(n) FROM d", ["40|40|39"], 45_000);
      await db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
