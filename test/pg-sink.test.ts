// The Postgres sink against a real PostgreSQL 15 started by the test: upsert and append-only
// targets equal the view they mirror; a restart restores the last checkpoint (with the changes the
// sink had not confirmed written), replays the log after it and skips what the progress table says
// was committed (no duplicate, no gap), also with checkpoints every 200 ms across kill -9; a target that goes down is retried while the view
// keeps computing, with the state in sage_catalog.sink_status; bad options fail with a SQLSTATE.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Database, formatValue } from "../src/index.js";
import { PgSinkWriter } from "../src/connectors/index.js";
import { CheckpointStore } from "../src/storage/index.js";
import { Chunk, Types } from "../src/types/index.js";
import { hasPostgres, startPostgres, type PgServer } from "./pg/pg-server.js";
import { freePort } from "./free-port.js";

const child = fileURLToPath(new URL("./fixtures/pg-sink-child.mjs", import.meta.url));
// a fixed port collided once in CI (a loopback client had it as its ephemeral port): a free one
let PORT = Number(process.env.PG_TEST_PORT ?? 0);
let server: PgServer;

async function rows(db: Database, sql: string): Promise<string[]> {
  const [r] = await db.execute(sql);
  return r.rows.map((row) => row.map((v, i) => (v === null ? "NULL" : formatValue(r.columns[i].type, v))).join("|"));
}

const pgRows = (sql: string) => server.textRows(sql);

const conn = () => `connector = 'postgres', hostname = '127.0.0.1', port = '${PORT}', username = 'postgres', database = 'postgres'`;

async function until(check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!hasPostgres)("postgres sink", () => {
  beforeAll(async () => {
    PORT ||= await freePort();
    server = startPostgres(PORT);
  }, 200_000);
  afterAll(() => server?.destroy());

  it("password = SECRET name: opened when connecting, never stored or logged in plain text", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sage-pg-secret-"));
    const plain = "pw-plain-7f3a9c";
    try {
      const db = await Database.open({ dataDir: dir, checkpointInterval: 0 });
      await db.execute(`CREATE SECRET pgpw WITH (value = '${plain}'); CREATE TABLE sec (id INT);
        CREATE SINK sec_pg FROM sec WITH (${conn()}, password = SECRET pgpw, table = 'public.sec_out', type = 'append-only');
        INSERT INTO sec VALUES (1), (2); FLUSH`);
      expect(await pgRows("SELECT id FROM sec_out ORDER BY id")).toEqual(["1", "2"]);
      // a secret that does not exist: refused at CREATE; SECRET on another option: refused
      await expect(db.execute(`CREATE SINK bad FROM sec WITH (${conn()}, password = SECRET nope, table = 'x')`)).rejects.toMatchObject({ code: "42704" });
      await expect(db.execute(`CREATE SINK bad FROM sec WITH (${conn()}, table = SECRET pgpw)`)).rejects.toMatchObject({ code: "0A000" });
      // an env secret whose variable is unset: the failure comes when connecting (it is opened then)
      delete process.env.SAGE_TEST_UNSET_PGPW;
      await db.execute(`CREATE SECRET envpw WITH (env = 'SAGE_TEST_UNSET_PGPW'); CREATE TABLE sec2 (id INT);
        CREATE SINK sec2_pg FROM sec2 WITH (${conn()}, password = SECRET envpw, table = 'public.sec2_out', type = 'append-only');
        INSERT INTO sec2 VALUES (1)`);
      await expect(db.execute("FLUSH")).rejects.toThrow(/SAGE_TEST_UNSET_PGPW is not set/);
      expect((await rows(db, "SELECT sink FROM sage_catalog.sink_status WHERE error LIKE '%SAGE_TEST_UNSET_PGPW%'"))).toEqual(["sec2_pg"]);
      await db.close();
      // neither the log nor the catalog holds the value
      const all = (readdirSync(dir, { recursive: true }) as string[])
        .map((f) => join(dir, f))
        .filter((f) => statSync(f).isFile())
        .map((f) => readFileSync(f).toString("latin1"));
      expect(all.some((b) => b.includes(plain))).toBe(false);
      expect(all.some((b) => b.includes("SECRET pgpw"))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a Postgres sink takes part in checkpoints: a restart from one writes what Postgres lacks, once, and skips what it has", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sage-pg-ckpt-"));
    const manifest = () => new CheckpointStore(join(dir, "checkpoints")).readManifest()!;
    try {
      // flush_interval_ms: the sinks write only at FLUSH; closing without a checkpoint (interval 0)
      // then loses what they gathered in memory, as a crash would
      let db = await Database.open({ dataDir: dir, checkpointInterval: 0 });
      await db.execute(`CREATE TABLE ck (id INT); INSERT INTO ck VALUES (1), (2);
        CREATE SINK ck_pg FROM ck WITH (${conn()}, table = 'public.ck_out', type = 'append-only', flush_interval_ms = '86400000');
        CREATE SINK ck_agg AS SELECT 1 AS k, count(*) AS n, sum(id) AS s FROM ck WITH (${conn()}, table = 'public.ck_agg', type = 'upsert', primary_key = 'k', flush_interval_ms = '86400000');
        INSERT INTO ck VALUES (3); CHECKPOINT`);
      expect(db.checkpoints!.lastError).toBeNull();
      expect(db.checkpoints!.last).not.toBeNull();
      const sinks = Object.values(manifest().sinks ?? {}) as { pending: unknown[] }[];
      expect(sinks.map((s) => s.pending.length).sort()).toEqual([2, 2]); // ck_pg: the rows at creation, then 3; ck_agg: two epochs
      expect(readdirSync(dir).filter((f) => /^wal/.test(f))).toEqual(["wal-00000001.log"]); // the log before it is gone
      await db.execute("INSERT INTO ck VALUES (4)"); // after the checkpoint: in the log only
      const position = db.logPosition;
      await db.close();
      db = await Database.open({ dataDir: dir, checkpointInterval: 0 });
      // the log before the checkpoint is gone, but positions do not restart low
      expect(db.logPosition).toBeGreaterThanOrEqual(position);
      await db.execute("FLUSH");
      expect(await pgRows("SELECT id FROM ck_out ORDER BY id")).toEqual(["1", "2", "3", "4"]);
      expect(await pgRows("SELECT k, n, s FROM ck_agg")).toEqual(["1|4|10"]); // the query's state came back with the checkpoint
      // written after a checkpoint that still holds them as unwritten: a restart from it skips them
      await db.execute("INSERT INTO ck VALUES (5); CHECKPOINT; FLUSH; INSERT INTO ck VALUES (6)");
      expect(await pgRows("SELECT id FROM ck_out ORDER BY id")).toEqual(["1", "2", "3", "4", "5"]);
      await db.close();
      db = await Database.open({ dataDir: dir, checkpointInterval: 0 });
      await db.execute("INSERT INTO ck VALUES (7); FLUSH");
      expect(await pgRows("SELECT id FROM ck_out ORDER BY id")).toEqual(["1", "2", "3", "4", "5", "6", "7"]);
      expect(await pgRows("SELECT k, n, s FROM ck_agg")).toEqual(["1|7|28"]);
      expect(await rows(db, "SELECT id FROM ck ORDER BY id")).toEqual(["1", "2", "3", "4", "5", "6", "7"]);
      await db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("upsert: a randomly updated aggregate view equals its Postgres table after each FLUSH", async () => {
    const db = await Database.open({ memory: true });
    await db.execute(`CREATE TABLE orders (id INT PRIMARY KEY, customer INT, amount NUMERIC(12,2), note TEXT);
      CREATE MATERIALIZED VIEW per_customer AS SELECT customer, count(*) AS n, sum(amount) AS total, max(note) AS last_note FROM orders GROUP BY customer;
      CREATE SINK per_customer_pg FROM per_customer WITH (${conn()}, table = 'public.per_customer', type = 'upsert', primary_key = 'customer');`);
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const live = new Set<number>();
    for (let round = 0; round < 6; round++) {
      const stmts: string[] = [];
      for (let i = 0; i < 300; i++) {
        const id = rnd(400);
        const op = rnd(3);
        if (!live.has(id)) {
          stmts.push(`INSERT INTO orders VALUES (${id}, ${rnd(20)}, ${rnd(100000) / 100}, 'n''${rnd(50)}')`);
          live.add(id);
        } else if (op === 0) {
          stmts.push(`DELETE FROM orders WHERE id = ${id}`);
          live.delete(id);
        } else stmts.push(`UPDATE orders SET amount = amount + 1.25, customer = ${rnd(20)} WHERE id = ${id}`);
      }
      await db.execute(stmts.join(";"));
      await db.execute("FLUSH");
      const ours = await rows(db, "SELECT customer, n, total, last_note FROM per_customer ORDER BY customer");
      const theirs = await pgRows("SELECT customer, n, total, last_note FROM per_customer ORDER BY customer");
      expect(theirs).toEqual(ours);
      expect(ours.length).toBeGreaterThan(0);
    }
    const [status] = await db.execute("SELECT state, pending_rows, error FROM sage_catalog.sink_status WHERE sink = 'per_customer_pg'");
    expect(status.rows).toEqual([["running", 0n, null]]);
    await db.close();
  }, 60_000);

  it("text with COPY's special characters (tab, newline, CR, backslash, \\N) and NULLs arrives intact, append-only and upsert", async () => {
    const db = await Database.open({ memory: true });
    const notes = ["a\tb", "line1\nline2", "cr\r", "back\\slash", "\\N", "", "é 日本", null, "end\\"];
    const values = notes.map((n, i) => `(${i}, ${n === null ? "NULL" : `'${n.replace(/'/g, "''")}'`})`).join(", ");
    await db.execute(`CREATE TABLE odd (id INT PRIMARY KEY, note TEXT);
      CREATE SINK odd_app FROM odd WITH (${conn()}, table = 'public.odd_app', type = 'append-only');
      CREATE SINK odd_up FROM odd WITH (${conn()}, table = 'public.odd_up', type = 'upsert', primary_key = 'id');
      INSERT INTO odd VALUES ${values}; FLUSH`);
    const want = notes.map((n, i) => `${i}|${n === null ? "NULL" : n}`);
    expect(await rows(db, "SELECT id, note FROM odd ORDER BY id")).toEqual(want);
    expect(await pgRows("SELECT id, note FROM odd_app ORDER BY id")).toEqual(want);
    expect(await pgRows("SELECT id, note FROM odd_up ORDER BY id")).toEqual(want);
    // an update through the upsert's staging table replaces the row
    await db.execute("DROP SINK odd_app; UPDATE odd SET note = 'x\ty' WHERE id = 0; FLUSH"); // append-only refuses updates
    expect(await pgRows("SELECT note FROM odd_up WHERE id = 0")).toEqual(["x\ty"]);
    expect(await pgRows("SELECT count(*) FROM odd_up")).toEqual([String(notes.length)]);
    await db.close();
  }, 60_000);

  it("append-only: after a crash and a replay of the log, every row is in Postgres exactly once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sage-data-"));
    try {
      let db = await Database.open({ dataDir: dir });
      await db.execute(`CREATE STREAM ev (id INT, v TEXT, at TIMESTAMPTZ, tags INT[], payload JSONB, raw BYTEA);
        CREATE SINK ev_pg FROM ev WITH (${conn()}, table = 'ev_copy', type = 'append-only', flush_interval_ms = '100000');`);
      let next = 0;
      const insert = async (n: number) => {
        const vals = Array.from({ length: n }, () => {
          const i = next++;
          return `(${i}, 'row ${i}', '2024-03-01 10:00:00+00'::timestamptz + interval '${i} seconds', ARRAY[${i}, ${i + 1}], '{"k": ${i}, "s": "x"}', '\\x${(i % 256).toString(16).padStart(2, "0")}')`;
        });
        await db.execute(`INSERT INTO ev VALUES ${vals.join(", ")}`);
      };
      await insert(50);
      await db.execute("FLUSH"); // committed: rows 0..49 and the log position
      await insert(30); // gathered, not written: the "crash" below loses them from memory
      await db.close();
      db = await Database.open({ dataDir: dir }); // replay: 0..49 skipped, 50..79 written
      await insert(20);
      await db.execute("FLUSH");
      const got = await pgRows("SELECT id, count(*) FROM ev_copy GROUP BY id ORDER BY id");
      expect(got).toEqual(Array.from({ length: 100 }, (_, i) => `${i}|1`));
      // types arrive faithfully
      const one = await server.query("SELECT v, at, tags, payload, raw FROM ev_copy WHERE id = 61");
      expect(one.rows[0].v).toBe("row 61");
      expect(one.rows[0].at.toISOString()).toBe("2024-03-01T10:01:01.000Z");
      expect(one.rows[0].tags).toEqual([61, 62]);
      expect(one.rows[0].payload).toEqual({ k: 61, s: "x" });
      expect(one.rows[0].raw).toEqual(Buffer.from([61]));
      // a restart with nothing new writes nothing twice
      await db.close();
      db = await Database.open({ dataDir: dir });
      await db.execute("FLUSH");
      expect(await pgRows("SELECT count(*) AS n, count(DISTINCT id) AS d FROM ev_copy")).toEqual(["100|100"]);
      await db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("a target that goes down is retried with backoff while the view keeps computing; nothing is lost", async () => {
    const db = await Database.open({ memory: true });
    await db.execute(`CREATE TABLE t (k INT PRIMARY KEY, v INT);
      CREATE MATERIALIZED VIEW sums AS SELECT k % 5 AS b, sum(v) AS s FROM t GROUP BY k % 5;
      CREATE SINK sums_pg FROM sums WITH (${conn()}, table = 'sums', type = 'upsert', primary_key = 'b', flush_interval_ms = '50', retry_max_ms = '200');
      INSERT INTO t SELECT g, g FROM generate_series(1, 100) AS g;
      FLUSH;`);
    expect(await pgRows("SELECT sum(s) FROM sums")).toEqual(["5050"]);
    server.stop();
    try {
      await db.execute("INSERT INTO t SELECT g, 1 FROM generate_series(101, 150) AS g");
      expect(await rows(db, "SELECT sum(s) FROM sums")).toEqual(["5100"]); // the view moved on
      await expect(db.execute("FLUSH")).rejects.toMatchObject({ code: "08006" });
      await until(async () => (await rows(db, "SELECT state FROM sage_catalog.sink_status WHERE sink = 'sums_pg'"))[0] === "retrying");
      const [st] = await db.execute("SELECT pending_rows, retries, error FROM sage_catalog.sink_status WHERE sink = 'sums_pg'");
      expect(Number(st.rows[0][0])).toBeGreaterThan(0);
      expect(Number(st.rows[0][1])).toBeGreaterThan(0);
      expect(String(st.rows[0][2])).toMatch(/ECONNREFUSED|connect|terminat/i);
    } finally {
      server.start();
    }
    await until(async () => (await pgRows("SELECT sum(s) FROM sums"))[0] === "5100");
    await until(async () => (await rows(db, "SELECT state, pending_rows FROM sage_catalog.sink_status WHERE sink = 'sums_pg'"))[0] === "running|0");
    await db.close();
  }, 60_000);

  it("bad options and an append-only sink fed deletions fail with SQLSTATEs naming the fix", async () => {
    const db = await Database.open({ memory: true });
    await db.execute("CREATE TABLE t (k INT, v INT)");
    await expect(db.execute(`CREATE SINK s1 FROM t WITH (${conn()}, type = 'upsert')`)).rejects.toMatchObject({ code: "22023", message: expect.stringContaining('"table"') });
    await expect(db.execute(`CREATE SINK s1 FROM t WITH (${conn()}, table = 'x', type = 'upsert')`)).rejects.toMatchObject({ code: "22023", message: expect.stringContaining("primary_key") });
    await expect(db.execute(`CREATE SINK s1 FROM t WITH (${conn()}, table = 'x', type = 'upsert', primary_key = 'nope')`)).rejects.toMatchObject({ code: "42703" });
    await expect(db.execute(`CREATE SINK s1 FROM t WITH (${conn()}, table = 'x', type = 'append-only', tabel = 'y')`)).rejects.toMatchObject({ code: "22023", message: expect.stringContaining("tabel") });
    await expect(db.execute(`CREATE SINK s1 FROM t WITH (${conn()}, table = 'x', type = 'merge')`)).rejects.toMatchObject({ code: "22023" });
    // an existing target without the key's unique index: the upsert fails and says what to add
    await server.query("CREATE TABLE nokey (k int, v int)");
    await db.execute(`CREATE SINK s2 FROM t WITH (${conn()}, table = 'nokey', type = 'upsert', primary_key = 'k'); INSERT INTO t VALUES (1, 1)`);
    await expect(db.execute("FLUSH")).rejects.toMatchObject({ code: "42P10", hint: expect.stringContaining("primary key or unique index") });
    await db.execute("DROP SINK s2");
    await db.execute(`CREATE SINK s3 FROM t WITH (${conn()}, table = 'ao', type = 'append-only'); DELETE FROM t WHERE k = 1`);
    await expect(db.execute("FLUSH")).rejects.toMatchObject({ code: "0A000", message: expect.stringContaining("append-only") });
    expect(await rows(db, "SELECT state FROM sage_catalog.sink_status WHERE sink = 's3'")).toEqual(["failed"]);
    await db.close();
  }, 60_000);

  it("kill -9 while a sink writes: every acknowledged row reaches Postgres, none twice", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sage-data-"));
    try {
      let db = await Database.open({ dataDir: dir });
      await db.execute(`CREATE STREAM ev (id INT, v TEXT);
        CREATE SINK ev_out FROM ev WITH (${conn()}, table = 'ev_killed', type = 'append-only', flush_interval_ms = '20');`);
      await db.close();
      let acked = -1;
      const checkpointedAt: number[] = [];
      for (let round = 0; round < 3; round++) {
        const proc = spawn(process.execPath, [child, dir], { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, SAGE_TEST_CHECKPOINT_MS: "200" } });
        let buf = "";
        proc.stdout.on("data", (d: Buffer) => {
          buf += d.toString();
          const lines = buf.split("\n");
          buf = lines.pop()!;
          for (const l of lines) if (l) acked = Number(l);
        });
        const target = acked + 500 + round * 300;
        await until(async () => acked >= target, 60_000);
        proc.kill("SIGKILL");
        await new Promise((r) => proc.once("exit", r));
        // checkpoints were taken while the sink ran: the next run restores one, the log before it is gone
        const m = new CheckpointStore(join(dir, "checkpoints")).readManifest();
        expect(Object.keys(m?.sinks ?? {})).toHaveLength(1);
        checkpointedAt.push(m!.logPosition ?? 0);
        expect(readdirSync(dir).filter((f) => /^wal/.test(f)).length).toBeLessThanOrEqual(2);
      }
      expect(new Set(checkpointedAt).size).toBe(3); // a newer checkpoint each round
      // the checkpoint restores the sink's unwritten changes, the log after it replays; the sink skips what Postgres committed
      db = await Database.open({ dataDir: dir });
      await db.execute("FLUSH");
      const [{ n, d, lo, hi }] = (await server.query("SELECT count(*)::int AS n, count(DISTINCT id)::int AS d, min(id) AS lo, max(id) AS hi FROM ev_killed")).rows;
      expect(n).toBe(d); // none twice
      expect(lo).toBe(0);
      expect(hi).toBeGreaterThanOrEqual(acked); // every acknowledged row (and any logged but unacknowledged one)
      expect(n).toBe(hi + 1); // no gap
      expect(await rows(db, "SELECT count(*), count(DISTINCT id), max(id) FROM ev")).toEqual([`${n}|${n}|${hi}`]); // exactly what sage-sql holds
      const [rowsIn] = await db.execute("SELECT count(*) FROM sage_catalog.sink_status WHERE sink = 'ev_out' AND state = 'running'");
      expect(rowsIn.rows[0][0]).toBe(1n);
      await db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it("a batch tried again after a COMMIT whose answer was lost is not written twice", async () => {
    const target = { host: "127.0.0.1", port: PORT, user: "postgres", password: undefined, database: "postgres" };
    const types = [Types.integer, Types.text];
    const writer = new PgSinkWriter({ target, table: "retried", upsert: false, key: [], progressTable: "sage_sink_progress", sinkName: "retried_sink", fresh: true }, ["k", "v"], types);
    const batch = (id: number, rows: unknown[][]) => {
      const chunk = Chunk.fromRows(types, rows);
      return { id, upTo: id, epochs: () => [chunk], changes: () => chunk, numbered: () => [{ seq: id, chunk }] };
    };
    await writer.write(batch(1, [[1, "a"], [2, "b"]]));
    await writer.write(batch(1, [[1, "a"], [2, "b"]])); // the same batch again: recognised as committed
    await writer.write(batch(2, [[3, "c"]]));
    expect(await pgRows("SELECT k, v FROM retried ORDER BY k")).toEqual(["1|a", "2|b", "3|c"]);
    expect(await pgRows("SELECT log_position, batch FROM sage_sink_progress WHERE sink = 'retried_sink'")).toEqual(["2|2"]);
    // another process (another writer) with a new sink of the same name starts over
    const again = new PgSinkWriter({ target, table: "retried", upsert: false, key: [], progressTable: "sage_sink_progress", sinkName: "retried_sink", fresh: true }, ["k", "v"], types);
    await again.write(batch(1, [[4, "d"]]));
    expect(await pgRows("SELECT count(*) AS n FROM retried")).toEqual(["4"]);
    await writer.close();
    await again.close();
  }, 30_000);

  it("cluster mode: writers naming the same instance resume each other's progress, and sinks started together create their tables once", async () => {
    const target = { host: "127.0.0.1", port: PORT, user: "postgres", password: undefined, database: "postgres" };
    const types = [Types.integer, Types.text];
    // epochs numbered as every coordinator numbers them; a batch leaves out those the target has
    const batch = (id: number, epochs: [number, unknown[][]][]) => {
      const chunks = epochs.map(([n, rows]) => [n, Chunk.fromRows(types, rows)] as const);
      const left = (committed: number) => chunks.filter(([n]) => n > committed).map(([, c]) => c);
      return { id, upTo: Math.max(...epochs.map(([n]) => n)), epochs: left, changes: (committed: number) => {
          const rows = left(committed).flatMap((c) => c.rows());
          return rows.length === 0 ? null : Chunk.fromRows(types, rows);
        }, numbered: () => chunks.map(([seq, chunk]) => ({ seq, chunk })) };
    };
    const config = { target, table: "shared_out", upsert: false, key: [], progressTable: "sage_sink_progress", sinkName: "shared_sink", fresh: true, instance: "sage-sink-instance c42" };
    const oldLeader = new PgSinkWriter(config, ["k", "v"], types);
    const newLeader = new PgSinkWriter(config, ["k", "v"], types);
    const other = new PgSinkWriter({ ...config, instance: "sage-sink-instance c99" }, ["k", "v"], types);
    try {
      await oldLeader.write(batch(1, [[43008, [[1, "a"]]], [43009, [[2, "b"]]]]));
      // a standby of the same instance sees the progress; another instance's writer does not
      expect(await newLeader.confirmed()).toEqual({ position: 43009 });
      expect(await other.confirmed()).toBeNull();
      // the new leader (fresh too: it applied the CREATE SINK live) does not start over; it skips what is there
      await newLeader.write(batch(1, [[43009, [[2, "b"]]], [44032, [[3, "c"]]]]));
      expect(await pgRows("SELECT k, v FROM shared_out ORDER BY k")).toEqual(["1|a", "2|b", "3|c"]);
      expect(await pgRows("SELECT log_position, writer FROM sage_sink_progress WHERE sink = 'shared_sink'")).toEqual(["44032|sage-sink-instance c42"]);
    } finally {
      for (const w of [oldLeader, newLeader, other]) await w.close();
    }
    // sinks whose first batches come at the same moment, sharing a progress table nobody created yet
    const progressTable = `race_progress_${Date.now()}`;
    const writers = Array.from({ length: 6 }, (_, i) => new PgSinkWriter({ target, table: `race_out_${i}`, upsert: false, key: [], progressTable, sinkName: `race_${i}`, fresh: true }, ["k", "v"], types));
    try {
      await Promise.all(writers.map((w, i) => w.write(batch(1, [[1, [[i, "x"]]]]))));
      expect(await pgRows(`SELECT count(*) FROM ${progressTable}`)).toEqual(["6"]);
    } finally {
      for (const w of writers) await w.close();
    }
  }, 30_000);
});
