// Postgres CDC against a real PostgreSQL 15 (wal_level = logical) started by the test: snapshot
// then streamed INSERT/UPDATE/DELETE, faithful types, TOAST values an UPDATE left alone, clear
// errors naming the fix, a differential random workload, and a restart that neither loses nor
// repeats a change.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Database, formatValue } from "../src/index.js";
import { CheckpointStore, WriteAheadLog, type LogRecord } from "../src/storage/index.js";
import { ReplicationStream } from "../src/connectors/index.js";
import { hasPostgres, startPostgres, type PgServer } from "./pg/pg-server.js";
import { freePort } from "./free-port.js";
import { psql, startTestServer } from "./server/fixture.js";

const child = fileURLToPath(new URL("./fixtures/cdc-child.mjs", import.meta.url));
// a fixed port collided once in CI (a loopback client had it as its ephemeral port): a free one
let PORT = Number(process.env.PG_CDC_TEST_PORT ?? 0);
let server: PgServer;

async function rows(db: Database, sql: string): Promise<string[]> {
  const [r] = await db.execute(sql);
  return r.rows.map((row) => row.map((v, i) => (v === null ? "NULL" : formatValue(r.columns[i].type, v))).join("|"));
}

const pgRows = (sql: string) => server.textRows(sql);
/** "X/Y" (pg_lsn text) as a number */
const lsnOf = (t: string) => t.split("/").reduce((a, h) => a * 4294967296n + BigInt(`0x${h}`), 0n);

async function until(check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
}

const source = (name: string, slot: string, pub: string) =>
  `CREATE SOURCE ${name} WITH (connector = 'postgres-cdc', hostname = '127.0.0.1', port = '${PORT}', username = 'postgres', database = 'postgres', slot = '${slot}', publication = '${pub}')`;

describe.skipIf(!hasPostgres)("postgres cdc", () => {
  beforeAll(async () => {
    PORT ||= await freePort();
    server = startPostgres(PORT);
  }, 200_000);
  afterAll(() => server?.destroy());

  it("mirrors a snapshot, then inserts, updates and deletes, with faithful types", async () => {
    await server.query(`CREATE TABLE public.orders (id int PRIMARY KEY, amount numeric(12,3), at timestamptz, doc jsonb, tags text[], raw bytea, uid uuid, note text);
      INSERT INTO orders VALUES (1, 12.345, '2024-05-01 10:00:00.123456+02', '{"a": [1, 2.50, null], "b": "x"}', '{a,"b c",NULL}', '\\x00ff', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'first'),
                                (2, -0.001, NULL, 'null', '{}', '\\x', NULL, NULL);
      CREATE PUBLICATION pub1 FOR TABLE orders;`);
    const db = await Database.open({ memory: true });
    await db.execute(source("pg1", "slot1", "pub1"));
    await db.execute("CREATE TABLE orders (id int, amount numeric(12,3), at timestamptz, doc jsonb, tags text[], raw bytea, uid text, note text, PRIMARY KEY (id)) FROM pg1 TABLE 'public.orders'");
    const cols = "id, amount::text, at::text, doc::text, tags::text, raw::text, uid::text, note";
    const q = `SELECT ${cols} FROM orders ORDER BY id`;
    expect(await rows(db, q)).toEqual(await pgRows(q)); // the snapshot
    // a long value stored out of line (TOAST) that an UPDATE leaves alone is not sent again
    await server.query(`INSERT INTO orders SELECT 3, 1, now(), '{}', '{}', '\\x01', NULL, string_agg(md5(i::text), '') FROM generate_series(1, 3000) AS i`);
    await server.query("UPDATE orders SET amount = 99.5 WHERE id = 3");
    await server.query("UPDATE orders SET amount = amount + 1, doc = jsonb_set(doc, '{b}', '\"y\"') WHERE id = 1");
    await server.query("DELETE FROM orders WHERE id = 2");
    await server.query("UPDATE orders SET id = 20 WHERE id = 1"); // a key change
    const want = await pgRows(q);
    await until(async () => JSON.stringify(await rows(db, q)) === JSON.stringify(want));
    expect((await rows(db, "SELECT length(note), amount FROM orders WHERE id = 3"))[0]).toBe("96000|99.500");
    expect(await rows(db, "SELECT md5(note) FROM orders WHERE id = 3")).toEqual(await pgRows("SELECT md5(note) FROM orders WHERE id = 3"));
    // a dropped mirror is no longer fed; the source goes on without error
    await db.execute("DROP TABLE orders");
    await server.query("INSERT INTO orders (id) VALUES (100)");
    await new Promise((r) => setTimeout(r, 300));
    expect(await rows(db, "SELECT stream, connector, error FROM sage_catalog.sources")).toEqual(["pg1|postgres-cdc|NULL"]);
    await db.close();
  }, 60_000);

  it("the snapshot is consistent: transactions it already includes are not applied again from the slot", async () => {
    await server.query("CREATE TABLE snap (id int PRIMARY KEY, v int); CREATE PUBLICATION pub4 FOR TABLE snap");
    const db = await Database.open({ memory: true });
    await db.execute(source("p4", "slot4", "pub4")); // the slot starts here
    // committed after the slot's start but before the table's snapshot: in the snapshot, and in the slot
    await server.query("INSERT INTO snap VALUES (1, 1), (2, 1)");
    await server.query("UPDATE snap SET v = 2 WHERE id = 1");
    await server.query("DELETE FROM snap WHERE id = 2");
    await db.execute("CREATE TABLE snap (id int PRIMARY KEY, v int) FROM p4 TABLE 'public.snap'");
    expect(await rows(db, "SELECT * FROM snap")).toEqual(["1|2"]);
    await server.query("UPDATE snap SET v = 3 WHERE id = 1");
    await until(async () => (await rows(db, "SELECT * FROM snap"))[0] === "1|3");
    // 1 row from the snapshot, then the update (its old row out, its new row in): nothing replayed
    expect(await rows(db, "SELECT rows_produced, error FROM sage_catalog.sources")).toEqual(["3|NULL"]);
    await db.close();
    await server.dropSlots("slot4");
      await server.query("DROP PUBLICATION pub4; DROP TABLE snap");
  }, 60_000);

  it("from psql: Postgres table → CDC mirror → view → Postgres sink, equal to Postgres's own aggregate; errors carry their hint", async () => {
    await server.query(`CREATE TABLE sales (id int PRIMARY KEY, region text, amount numeric(10,2));
      INSERT INTO sales SELECT i, 'r' || (i % 4), i * 0.25 FROM generate_series(1, 200) AS i;
      CREATE PUBLICATION pub5 FOR TABLE sales;`);
    const t = await startTestServer();
    try {
      const setup = await psql(t.port, ["-v", "ON_ERROR_STOP=1"], {
        input: `${source("p5", "slot5", "pub5")};
          CREATE TABLE sales (id int PRIMARY KEY, region text, amount numeric(10,2)) FROM p5 TABLE 'public.sales';
          CREATE MATERIALIZED VIEW by_region AS SELECT region, count(*) AS n, sum(amount) AS total FROM sales GROUP BY region;
          CREATE SINK by_region_out FROM by_region WITH (connector = 'postgres', hostname = '127.0.0.1', port = '${PORT}', username = 'postgres', database = 'postgres', table = 'by_region', type = 'upsert', primary_key = 'region', flush_interval_ms = '50');\n`,
      });
      expect(setup.stderr).toBe("");
      expect(setup.code).toBe(0);
      await server.query("UPDATE sales SET region = 'r9' WHERE id % 10 = 0; DELETE FROM sales WHERE id > 190; INSERT INTO sales VALUES (500, 'r1', 1000.5)");
      const want = await pgRows("SELECT region, count(*) AS n, sum(amount) AS total FROM sales GROUP BY region ORDER BY region");
      await until(async () => JSON.stringify(await pgRows("SELECT region, n, total FROM by_region ORDER BY region").catch(() => [])) === JSON.stringify(want));
      const status = await psql(t.port, ["-A", "-t", "-c", "SELECT state, error FROM sage_catalog.sink_status"]);
      expect(status.stdout.trim()).toBe("running|");
      const bad = await psql(t.port, ["-c", "CREATE TABLE s2 (id int, region text) FROM p5 TABLE 'public.sales'"]);
      expect(bad.stderr).toMatch(/needs a PRIMARY KEY/);
      expect(bad.stderr).toMatch(/HINT:.*PRIMARY KEY \(id\)/);
    } finally {
      await t.close();
    }
  }, 60_000);

  it("a crash in the middle of a table's snapshot: the restart loads it again, emptied first", async () => {
    await server.query(`CREATE TABLE big (id int PRIMARY KEY, v text); INSERT INTO big SELECT i, 'v' || i FROM generate_series(1, 25000) AS i;
      CREATE PUBLICATION pub6 FOR TABLE big;`);
    const dir = mkdtempSync(join(tmpdir(), "sage-cdc-"));
    try {
      let db = await Database.open({ dataDir: dir, checkpointInterval: 0 }); // the whole log, no checkpoint
      await db.execute(`${source("p6", "slot6", "pub6")}; CREATE TABLE big (id int PRIMARY KEY, v text) FROM p6 TABLE 'public.big'`);
      expect(await rows(db, "SELECT count(*) FROM big")).toEqual(["25000"]);
      await db.close();
      // the log as a crash would have left it: the first batch of snapshot rows, not the rest nor its end record
      const wal = join(dir, "wal.log");
      const { log, records } = WriteAheadLog.open(wal);
      log.close();
      const firstWrite = records.findIndex((r) => r.t === "write");
      const kept: LogRecord[] = records.slice(0, firstWrite + 1);
      expect(records.slice(firstWrite + 1).some((r) => r.t === "source" && r.snapshot !== undefined)).toBe(true);
      rmSync(wal);
      const rewritten = WriteAheadLog.open(wal);
      rewritten.log.append(kept);
      rewritten.log.close();
      // meanwhile upstream: a row of the loaded batch deleted, others changed
      await server.query("DELETE FROM big WHERE id = 1; UPDATE big SET v = 'new' WHERE id IN (2, 24999)");
      db = await Database.open({ dataDir: dir });
      expect(Number((await rows(db, "SELECT count(*) FROM big"))[0])).toBeLessThan(25000); // the partial load
      const want = await pgRows("SELECT count(*) AS n, sum(id) AS s, count(*) FILTER (WHERE v = 'new') AS k FROM big");
      await until(async () => JSON.stringify(await rows(db, "SELECT count(*), sum(id), count(*) FILTER (WHERE v = 'new') FROM big")) === JSON.stringify(want));
      expect(want).toEqual(["24999|312512499|2"]);
      await db.close();
      await server.dropSlots("slot6");
      await server.query("DROP PUBLICATION pub6; DROP TABLE big");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("a checkpoint taken in the middle of a table's snapshot: restored from it, the table is loaded again, emptied first", async () => {
    await server.query(`CREATE TABLE big2 (id int PRIMARY KEY, v text); INSERT INTO big2 SELECT i, 'v' || i FROM generate_series(1, 25000) AS i;
      CREATE PUBLICATION pub7 FOR TABLE big2;`);
    const dir = mkdtempSync(join(tmpdir(), "sage-cdc-"));
    try {
      let db = await Database.open({ dataDir: dir, checkpointInterval: 0 });
      await db.execute(source("p7", "slot7", "pub7"));
      const creating = db.execute("CREATE TABLE big2 (id int PRIMARY KEY, v text) FROM p7 TABLE 'public.big2'");
      // between two batches of the snapshot's rows (10,000 each), take a checkpoint
      let partial = 0;
      let done = false;
      void creating.then(() => (done = true));
      while (!done) {
        const big = [...db.storedRelations().values()].find((r) => r.entry.name === "big2");
        const n = big?.store.highWaterMark ?? 0;
        if (n > 0 && n < 25000) {
          partial = n;
          expect(db.checkpoints!.checkpoint()).not.toBeNull();
          break;
        }
        await new Promise((r) => setImmediate(r));
      }
      await creating;
      expect(partial).toBeGreaterThan(0);
      const [pos] = Object.values(new CheckpointStore(join(dir, "checkpoints")).readManifest()!.sources) as { tables: Record<string, { loaded: boolean }> }[];
      expect(pos.tables["public.big2"].loaded).toBe(false);
      await db.close();
      // a crash right after that checkpoint: the log after it is lost
      const segments = readdirSync(dir).filter((f) => /^wal-/.test(f));
      expect(segments).toEqual(["wal-00000001.log"]);
      rmSync(join(dir, segments[0]));
      await server.query("DELETE FROM big2 WHERE id = 1; UPDATE big2 SET v = 'new' WHERE id IN (2, 24999)");
      db = await Database.open({ dataDir: dir, checkpointInterval: 0 });
      expect(await rows(db, "SELECT count(*) FROM big2")).toEqual([String(partial)]); // the partial load, from the checkpoint
      const want = await pgRows("SELECT count(*) AS n, sum(id) AS s, count(*) FILTER (WHERE v = 'new') AS k FROM big2");
      await until(async () => JSON.stringify(await rows(db, "SELECT count(*), sum(id), count(*) FILTER (WHERE v = 'new') FROM big2")) === JSON.stringify(want));
      expect(want).toEqual(["24999|312512499|2"]);
      await db.close();
      await server.dropSlots("slot7");
      await server.query("DROP PUBLICATION pub7; DROP TABLE big2");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  // The differential workload: random INSERT (as upserts) / UPDATE (values, group, key) / DELETE
  // on two tables in transactions of 1..12 statements, run on Postgres while sage-sql mirrors it.
  const ACCT = "acct (id int PRIMARY KEY, grp int NOT NULL, bal numeric(12,2), name text, tags int[], meta jsonb)";
  const VIEWS = [
    ["per_grp", "SELECT grp, count(*) AS n, sum(bal) AS total, max(name) AS mx, min(bal) AS lo FROM acct GROUP BY grp"],
    ["per_label", "SELECT g.label, count(*) AS n, sum(a.bal) AS s FROM acct a JOIN grps g ON a.grp = g.grp GROUP BY g.label"],
  ];
  const CHECKS = [
    "SELECT grp, n, total, mx, lo FROM per_grp ORDER BY grp",
    "SELECT label, n, s FROM per_label ORDER BY label",
    "SELECT id, grp, bal, name, tags::text, meta::text FROM acct ORDER BY id",
  ];
  const PG_CHECKS = [
    `SELECT grp, count(*) AS n, sum(bal) AS total, max(name) AS mx, min(bal) AS lo FROM acct GROUP BY grp ORDER BY grp`,
    `SELECT g.label, count(*) AS n, sum(a.bal) AS s FROM acct a JOIN grps g ON a.grp = g.grp GROUP BY g.label ORDER BY g.label`,
    "SELECT id, grp, bal, name, tags::text, meta::text FROM acct ORDER BY id",
  ];

  function workload(seed: number, ops: number): string[] {
    let s = seed >>> 0;
    const rnd = (n: number) => {
      s ^= s << 13;
      s >>>= 0;
      s ^= s >>> 17;
      s ^= s << 5;
      s >>>= 0;
      return s % n;
    };
    const txns: string[] = [];
    let left = ops;
    while (left > 0) {
      const k = Math.min(left, 1 + rnd(12));
      left -= k;
      const st: string[] = [];
      for (let i = 0; i < k; i++) {
        const id = rnd(1500);
        const r = rnd(100);
        if (r < 40) st.push(`INSERT INTO acct VALUES (${id}, ${rnd(25)}, ${rnd(1_000_000) / 100 - 2000}, 'n${rnd(500)}', ARRAY[${rnd(9)}, ${rnd(9)}], '{"v": ${rnd(100)}, "w": [1, "a"]}') ON CONFLICT (id) DO UPDATE SET bal = EXCLUDED.bal, name = EXCLUDED.name`);
        else if (r < 65) st.push(`UPDATE acct SET bal = bal + ${rnd(10000) / 100}, meta = jsonb_set(meta, '{v}', '${rnd(100)}') WHERE id = ${id}`);
        else if (r < 72) st.push(`UPDATE acct SET grp = ${rnd(25)}, name = ${rnd(5) === 0 ? "NULL" : `'m${rnd(500)}'`} WHERE id = ${id}`);
        else if (r < 77) st.push(`UPDATE acct SET id = ${1500 + rnd(1500)} WHERE id = ${id} AND NOT EXISTS (SELECT 1 FROM acct WHERE id = ${1500 + (s % 1500)})`);
        else if (r < 95) st.push(`DELETE FROM acct WHERE id = ${id}`);
        else st.push(`UPDATE grps SET label = 'L${rnd(8)}' WHERE grp = ${rnd(25)}`);
      }
      txns.push(`BEGIN; ${st.join("; ")}; COMMIT`);
    }
    return txns;
  }

  /** transactions run() has sent so far (a stall's report says whether the upstream load kept going) */
  let sent = 0;
  async function run(txns: string[]): Promise<void> {
    const pg = (await import("pg")).default;
    const c = new pg.Client(server.config);
    await c.connect();
    try {
      for (const t of txns) {
        sent++;
        try {
          await c.query(t);
        } catch {
          await c.query("ROLLBACK"); // a key change that collided: the transaction is simply not there
        }
      }
    } finally {
      await c.end();
    }
  }

  async function converged(db: Database): Promise<void> {
    const want = await Promise.all(PG_CHECKS.map((q) => pgRows(q)));
    try {
      await until(async () => {
        for (let i = 0; i < CHECKS.length; i++) if (JSON.stringify(await rows(db, CHECKS[i])) !== JSON.stringify(want[i])) return false;
        return true;
      }, 60_000);
    } finally {
      for (let i = 0; i < CHECKS.length; i++) expect(await rows(db, CHECKS[i])).toEqual(want[i]);
    }
    expect(want[2].length).toBeGreaterThan(100);
  }

  async function setUpstream(n: number): Promise<void> {
    await server.query(`CREATE TABLE ${ACCT.replace("acct", `acct`)}; CREATE TABLE grps (grp int PRIMARY KEY, label text);
      INSERT INTO grps SELECT g, 'L' || (g % 8) FROM generate_series(0, 24) AS g;
      INSERT INTO acct SELECT i, i % 25, i * 1.5, 'n' || i, ARRAY[i % 9], '{"v": 1}' FROM generate_series(0, 499) AS i;
      CREATE PUBLICATION pub${n} FOR TABLE acct, grps;`);
  }

  async function mirror(db: Database, n: number): Promise<void> {
    await db.execute(`${source(`pg${n}`, `slot${n}`, `pub${n}`)};
      CREATE TABLE acct (id int PRIMARY KEY, grp int NOT NULL, bal numeric(12,2), name text, tags int[], meta jsonb) FROM pg${n} TABLE 'public.acct';
      CREATE TABLE grps (grp int, label text, PRIMARY KEY (grp)) FROM pg${n} TABLE 'public.grps';
      ${VIEWS.map(([v, q]) => `CREATE MATERIALIZED VIEW ${v} AS ${q}`).join(";\n")}`);
  }

  /** Removes what an earlier, failed try left upstream (the slot's walsender first: an active slot cannot be dropped). */
  async function cleanUpstream(n: number): Promise<void> {
    await server.query(`SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = 'slot${n}' AND active_pid IS NOT NULL`);
    await until(async () => (await pgRows(`SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'slot${n}' AND active`))[0] === "0", 10_000);
    await server.query(`SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = 'slot${n}'; DROP PUBLICATION IF EXISTS pub${n}; DROP TABLE IF EXISTS acct, grps`);
  }

  async function resetUpstream(n: number): Promise<void> {
    await server.dropSlots(`slot${n}`);
    await server.query(`DROP PUBLICATION pub${n}; DROP TABLE acct, grps`);
  }

  it("differential: 10,000 random changes mirrored; views over the mirror equal Postgres, also across a restart midway", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sage-cdc-"));
    try {
      await setUpstream(2);
      let db = await Database.open({ dataDir: dir });
      await mirror(db, 2);
      const txns = workload(42, 10_000);
      const t0 = Date.now();
      await run(txns.slice(0, txns.length / 2));
      await db.close(); // mid-stream: whatever was streamed but not yet logged comes again
      await run(txns.slice(txns.length / 2, (txns.length * 3) / 4)); // while sage-sql is down
      db = await Database.open({ dataDir: dir });
      await run(txns.slice((txns.length * 3) / 4));
      await converged(db);
      console.log(`cdc differential: ${txns.length} transactions (10,000 statements) mirrored and converged in ${Date.now() - t0} ms`);
      await db.close();
      await resetUpstream(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  // (once retried: it stalled once in a clean-clone CI run, the child applying under 3,000 rows in
  // 60 s, cause not found yet; a retry starts from a clean upstream)
  it("kill -9 of sage-sql mid-stream, then a restart: views equal Postgres (no gap, no duplicate)", { retry: 1, timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "sage-cdc-"));
    let proc: ReturnType<typeof spawn> | undefined;
    try {
      await cleanUpstream(3);
      await setUpstream(3);
      let db = await Database.open({ dataDir: dir });
      await mirror(db, 3);
      await db.close();
      proc = spawn(process.execPath, [child, dir], { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, SAGE_TEST_CHECKPOINT_MS: "200" } });
      const killed = new Promise((r) => proc!.once("exit", r));
      let applied = 0;
      let report = "";
      let reportedAt = Date.now();
      proc.stdout!.on("data", (d: Buffer) => {
        report = d.toString().trim().split("\n").pop() ?? "";
        reportedAt = Date.now();
        applied = Number(report.split(",")[0]) || applied;
      });
      const txns = workload(7, 10_000);
      sent = 0;
      const running = run(txns);
      // the child is mirroring. It stalls now and then under a heavily loaded full suite (never
      // alone): the error says whether the child still reports, the upstream load goes on, and
      // what Postgres's walsender for the slot is doing
      await until(async () => applied > 3000, 60_000).catch(async (e: Error) => {
        const slot = await pgRows("SELECT active::text || ' ' || coalesce(active_pid::text, '-') || ' ' || coalesce(confirmed_flush_lsn::text, '-') FROM pg_replication_slots WHERE slot_name = 'slot3'");
        const sender = await pgRows("SELECT state || ' sent ' || coalesce(sent_lsn::text, '-') || ' flushed ' || coalesce(flush_lsn::text, '-') FROM pg_stat_replication");
        const lsn = await pgRows("SELECT pg_current_wal_lsn()::text");
        throw new Error(
          `${e.message}; the child's last report (rows produced, source error) ${Date.now() - reportedAt} ms ago: ${report}; transactions sent upstream: ${sent}/${txns.length}; slot (active, pid, confirmed): ${slot.join(";")}; walsenders: ${sender.join(";") || "none"}; upstream WAL at ${lsn[0]}`,
        );
      });
      proc.kill("SIGKILL");
      await killed;
      await running;
      // the child checkpointed while it mirrored: the restart restores the checkpoint (rows and
      // LSN), replays the log after it, and streams on from the last LSN that log holds
      const ckpt = new CheckpointStore(join(dir, "checkpoints")).readManifest()!;
      const [pos] = Object.values(ckpt.sources) as { lsn: string; tables: Record<string, { loaded: boolean }> }[];
      expect(pos.lsn).not.toBe("0/0");
      expect(pos.tables).toEqual({ "public.acct": expect.objectContaining({ loaded: true }), "public.grps": expect.objectContaining({ loaded: true }) });
      db = await Database.open({ dataDir: dir });
      await converged(db);
      // a restart with nothing new applies nothing again: transactions at or before the logged LSN
      // (even ones Postgres sends again because our last acknowledgement died with the process) are skipped
      const produced = async () => (await rows(db, "SELECT rows_produced, error FROM sage_catalog.sources"))[0];
      await new Promise((r) => setTimeout(r, 1500));
      const before = await produced();
      // the slot never runs ahead of what we logged: its confirmed LSN is at most ours
      const [ours] = await rows(db, "SELECT position FROM sage_catalog.sources");
      const [slot] = await pgRows("SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = 'slot3'");
      const lsn = (t: string) => t.split("/").reduce((a, h) => a * 4294967296n + BigInt(`0x${h}`), 0n);
      expect(lsn(slot)).toBeLessThanOrEqual(lsn(ours));
      expect(lsn(ours)).toBeGreaterThan(0n);
      expect(before).toMatch(/^\d+\|NULL$/);
      await db.close();
      db = await Database.open({ dataDir: dir });
      await new Promise((r) => setTimeout(r, 1500));
      expect(await produced()).toBe(before);
      await converged(db);
      await db.close();
      await resetUpstream(3);
    } catch (e) {
      // leave no slot, publication or tables behind: the next test sets up the same upstream
      if (proc && proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
      await cleanUpstream(3).catch(() => undefined);
      throw e;
    } finally {
      if (proc && proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("checkpoints run while a CDC source and a sink run: the log is cut, and the slot's confirmed LSN never passes the last committed checkpoint", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sage-cdc-"));
    const slotLsn = async () => lsnOf((await pgRows("SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = 'slot11'"))[0]);
    const checkpointLsn = () => {
      const m = new CheckpointStore(join(dir, "checkpoints")).readManifest();
      const [pos] = Object.values(m?.sources ?? {}) as { lsn: string }[];
      return pos ? lsnOf(pos.lsn) : 0n;
    };
    try {
      await setUpstream(11);
      const db = await Database.open({ dataDir: dir, checkpointInterval: 0 });
      await mirror(db, 11);
      await db.execute(`CREATE SINK grp_out FROM per_grp WITH (connector = 'postgres', hostname = '127.0.0.1', port = '${PORT}', username = 'postgres', database = 'postgres', table = 'per_grp_out', type = 'upsert', primary_key = 'grp', flush_interval_ms = '50')`);
      const created = await slotLsn();
      // no checkpoint yet: what is applied is durable in our log, but the slot is not told
      await run(workload(11, 1000));
      await converged(db);
      const [ours] = await rows(db, "SELECT position FROM sage_catalog.sources");
      await new Promise((r) => setTimeout(r, 1300)); // past a status update
      expect(await slotLsn()).toBe(created);
      expect(lsnOf(ours)).toBeGreaterThan(created);
      // a checkpoint commits it: then the slot may let it go
      await db.execute("CHECKPOINT");
      expect(db.checkpoints!.lastError).toBeNull();
      expect(checkpointLsn()).toBe(lsnOf(ours));
      await until(async () => (await slotLsn()) === lsnOf(ours));
      // periodic checkpoints while changes stream: the slot is never ahead of the committed checkpoint
      await db.execute("SET checkpoint_interval = 200");
      const firstEpoch = db.checkpoints!.last!.epoch;
      let done = false;
      const load = run(workload(12, 4000)).finally(() => (done = true));
      let samples = 0;
      while (!done) {
        const slot = await slotLsn(); // read first: the checkpoint read after it is at least as new
        expect(slot).toBeLessThanOrEqual(checkpointLsn());
        samples++;
        await new Promise((r) => setTimeout(r, 30));
      }
      await load;
      await converged(db);
      const want = await pgRows("SELECT grp, count(*) AS n, sum(bal) AS total FROM acct GROUP BY grp ORDER BY grp");
      await until(async () => JSON.stringify(await pgRows("SELECT grp, n, total FROM per_grp_out ORDER BY grp").catch(() => [])) === JSON.stringify(want));
      await until(async () => (await slotLsn()) === checkpointLsn() && checkpointLsn() === lsnOf((await rows(db, "SELECT position FROM sage_catalog.sources"))[0]), 10_000);
      expect(samples).toBeGreaterThan(5);
      expect(db.checkpoints!.lastError).toBeNull();
      expect(db.checkpoints!.last!.epoch).toBeGreaterThan(firstEpoch);
      // the log before the last checkpoint is gone: it does not grow without bound
      expect(readdirSync(dir).filter((f) => /^wal/.test(f)).length).toBeLessThanOrEqual(2);
      expect(readdirSync(dir)).not.toContain("wal.log");
      await db.close();
      await server.query("DROP TABLE per_grp_out");
      await resetUpstream(11);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it("a replication stream closed while it connects does not keep a connection holding its slot", async () => {
    await server.query("CREATE TABLE race (id int PRIMARY KEY); CREATE PUBLICATION pub_race FOR TABLE race");
    await server.query("SELECT pg_create_logical_replication_slot('slot_race', 'pgoutput')");
    const target = { host: "127.0.0.1", port: PORT, user: "postgres", password: undefined, database: "postgres" };
    const ended: (Error | null)[] = [];
    const stream = new ReplicationStream(target, "slot_race", "pub_race", () => undefined, (e) => ended.push(e));
    const started = stream.start(0n);
    stream.close(); // DROP SOURCE or a shutdown while the connection is being made
    await started;
    const connections = () => pgRows("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'sage-sql cdc slot_race'");
    await until(async () => (await connections())[0] === "0", 10_000);
    expect(await pgRows("SELECT active FROM pg_replication_slots WHERE slot_name = 'slot_race'")).toEqual(["false"]);
    expect(ended).toEqual([]);
    await server.dropSlots("slot_race");
    await server.query("DROP PUBLICATION pub_race; DROP TABLE race");
  });

  it("clear errors naming the fix: publication, table not published, keys, columns, options, wal_level", async () => {
    await server.query(`CREATE TABLE nopk (a int, b text); CREATE TABLE withpk (id int PRIMARY KEY, v text);
      CREATE PUBLICATION pub9 FOR TABLE nopk; CREATE PUBLICATION pub10 FOR TABLE withpk;`);
    const db = await Database.open({ memory: true });
    await expect(db.execute(source("nopub", "slot8", "missing_pub"))).rejects.toMatchObject({ code: "42704", hint: expect.stringContaining("CREATE PUBLICATION") });
    await expect(db.execute(`CREATE SOURCE bad WITH (connector = 'postgres-cdc', port = '${PORT}', slto = 'x')`)).rejects.toMatchObject({ code: "22023", message: expect.stringContaining("slto") });
    await expect(db.execute(`CREATE SOURCE bad WITH (connector = 'kafka')`)).rejects.toMatchObject({ code: "0A000" });
    await expect(db.execute(`CREATE SOURCE down WITH (connector = 'postgres-cdc', hostname = '127.0.0.1', port = '1', publication = 'p')`)).rejects.toMatchObject({ code: "08006", hint: expect.stringContaining("hostname") });
    // password = SECRET name: the secret must exist, and is opened when connecting
    const withPassword = (name: string, secret: string) => source(name, `slot_${name}`, "pub9").replace(/\)$/, `, password = SECRET ${secret})`);
    await expect(db.execute(withPassword("s1", "nope"))).rejects.toMatchObject({ code: "42704", message: expect.stringContaining('secret "nope"') });
    delete process.env.SAGE_TEST_UNSET_CDCPW;
    await db.execute("CREATE SECRET envpw WITH (env = 'SAGE_TEST_UNSET_CDCPW'); CREATE SECRET cdcpw WITH (value = 'cdc-pw')");
    await expect(db.execute(withPassword("s2", "envpw"))).rejects.toThrow(/SAGE_TEST_UNSET_CDCPW is not set/);
    await db.execute(withPassword("s3", "cdcpw"));
    await db.execute("DROP SOURCE s3");
    await db.execute(source("p9", "slot9", "pub9"));
    await db.execute(source("p10", "slot10", "pub10"));
    await expect(db.execute("CREATE TABLE m1 (a int, b text) FROM p9 TABLE 'public.nopk'")).rejects.toMatchObject({ code: "42P16", hint: expect.stringContaining("PRIMARY KEY") });
    await expect(db.execute("CREATE TABLE m1 (a int PRIMARY KEY, b text) FROM p9 TABLE 'public.nopk'")).rejects.toMatchObject({ code: "55000", hint: expect.stringContaining("REPLICA IDENTITY FULL") });
    await expect(db.execute("CREATE TABLE m2 (id int PRIMARY KEY, v text) FROM p9 TABLE 'public.withpk'")).rejects.toMatchObject({ code: "55000", hint: expect.stringContaining("ALTER PUBLICATION") });
    await expect(db.execute("CREATE TABLE m2 (id int PRIMARY KEY, w text) FROM p10 TABLE 'public.withpk'")).rejects.toMatchObject({ code: "42703", message: expect.stringContaining('"w"') });
    await expect(db.execute("CREATE TABLE m2 (id int PRIMARY KEY) FROM p10 TABLE 'public.nothere'")).rejects.toMatchObject({ code: "42P01" });
    await expect(db.execute("CREATE TABLE m2 (id int PRIMARY KEY) FROM orders_missing TABLE 'public.withpk'")).rejects.toMatchObject({ code: "42P01" });
    // with REPLICA IDENTITY FULL a table without a key upstream can be mirrored (the mirror declares one)
    await server.query("ALTER TABLE nopk REPLICA IDENTITY FULL; INSERT INTO nopk VALUES (1, 'x')");
    await db.execute("CREATE TABLE m1 (a int PRIMARY KEY, b text) FROM p9 TABLE 'public.nopk'");
    expect(await rows(db, "SELECT * FROM m1")).toEqual(["1|x"]);
    await expect(db.execute("DROP SOURCE p9")).rejects.toMatchObject({ code: "2BP01" });
    await db.execute("DROP TABLE m1; DROP SOURCE p9; DROP SOURCE p10");
    await db.close();
    await server.dropSlots("slot9", "slot10");
    // a server without wal_level = logical
    server.destroy();
    server = startPostgres(PORT, ["wal_level=replica"]);
    const db2 = await Database.open({ memory: true });
    await server.query("CREATE PUBLICATION p FOR ALL TABLES");
    await expect(db2.execute(source("w", "slotw", "p"))).rejects.toMatchObject({ code: "55000", hint: expect.stringContaining("wal_level = logical") });
    await db2.close();
  }, 240_000); // it restarts Postgres, whose start may take pg_ctl's 180 s on a loaded machine
});
