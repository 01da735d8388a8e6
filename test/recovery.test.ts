// Durability: everything a statement acknowledged survives a restart and a kill -9, exactly once,
// and materialized views come back equal to their query over the recovered data.
import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Database, formatValue } from "../src/index.js";
// @ts-expect-error: a plain .mjs fixture shared with child processes
import { VIEWS } from "./fixtures/checkpoint-workload.mjs";

const child = fileURLToPath(new URL("./fixtures/ingest-child.mjs", import.meta.url));
const checkpointChild = fileURLToPath(new URL("./fixtures/checkpoint-child.mjs", import.meta.url));

/** Runs the checkpoint child until `ms` after it is ready (or after its own kill), then kill -9; returns the acknowledged steps. */
async function runCheckpointChild(dir: string, start: number, ms: number, mode = "run"): Promise<number[]> {
  const acked: number[] = [];
  const proc = spawn(process.execPath, [checkpointChild, dir, String(start), mode], { stdio: ["ignore", "pipe", "inherit"] });
  let buf = "";
  let timer: NodeJS.Timeout | undefined;
  proc.stdout.on("data", (d: Buffer) => {
    buf += d.toString();
    const lines = buf.split("\n");
    buf = lines.pop()!;
    for (const l of lines) {
      if (l === "ready") timer = setTimeout(() => proc.kill("SIGKILL"), ms);
      else acked.push(Number(l));
    }
  });
  await new Promise((r) => proc.on("exit", r));
  clearTimeout(timer);
  return acked;
}

async function rows(db: Database, sql: string): Promise<string[]> {
  const [r] = await db.execute(sql);
  return r.rows.map((row) => row.map((v, i) => (v === null ? "NULL" : formatValue(r.columns[i].type, v))).join("|"));
}

describe("durable storage", () => {
  it("restores tables, streams and views after a clean restart", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sage-data-"));
    try {
      let db = await Database.open({ dataDir: dir });
      await db.execute(`CREATE TABLE t (id INT PRIMARY KEY, name TEXT, price NUMERIC(10,2), at TIMESTAMP);
        INSERT INTO t VALUES (1, 'a', 1.50, '2024-01-01 10:00:00'), (2, 'b', NULL, NULL), (3, 'c''s', 2.25, '2024-01-02 00:00:00.5');
        UPDATE t SET price = price * 2 WHERE id = 1; DELETE FROM t WHERE id = 2;
        CREATE MATERIALIZED VIEW total AS SELECT count(*) AS n, sum(price) AS s FROM t;
        CREATE STREAM ev (k INT, ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL '1 second');
        CREATE MATERIALIZED VIEW evc AS SELECT k, count(*) AS n FROM ev GROUP BY k;
        INSERT INTO ev VALUES (1, '2024-01-01 00:00:10'), (1, '2024-01-01 00:00:11');
        INSERT INTO ev VALUES (2, '2024-01-01 00:00:01');`);
      const before = [await rows(db, "SELECT * FROM t ORDER BY id"), await rows(db, "SELECT * FROM total"), await rows(db, "SELECT * FROM evc ORDER BY k")];
      expect(before[2]).toEqual(["1|2"]); // the third event came behind the watermark
      await db.close();
      db = await Database.open({ dataDir: dir });
      await expect(Database.open({ dataDir: dir })).rejects.toMatchObject({ code: "55000" });
      expect([await rows(db, "SELECT * FROM t ORDER BY id"), await rows(db, "SELECT * FROM total"), await rows(db, "SELECT * FROM evc ORDER BY k")]).toEqual(before);
      await db.execute("INSERT INTO t VALUES (4, 'd', 1, NULL)");
      expect(await rows(db, "SELECT n FROM total")).toEqual(["3"]);
      await db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("replays writes into the right relation after a failed CREATE and a SUBSCRIBE used up ids", async () => {
    // relation ids come from a counter that a failing CREATE TABLE and a SUBSCRIBE advance without
    // a log record; the log names relations, so the replay still finds them (it used to refuse to open)
    const dir = mkdtempSync(join(tmpdir(), "sage-data-"));
    try {
      let db = await Database.open({ dataDir: dir });
      const s = db.connect();
      await s.execute("CREATE TABLE a (x INT)");
      await expect(s.execute("CREATE TABLE bad (x INT DEFAULT 'nope')")).rejects.toMatchObject({ code: "22P02" });
      await s.execute("SUBSCRIBE (SELECT x FROM a)");
      await s.execute("CREATE TABLE b (y TEXT); INSERT INTO a VALUES (1); INSERT INTO b VALUES ('hello')");
      await s.execute("ALTER TABLE b RENAME TO c; INSERT INTO c VALUES ('again')");
      await s.execute("CREATE MATERIALIZED VIEW n AS SELECT count(*) AS n FROM c");
      await db.close(); // a clean close takes a checkpoint: its state is found by name too
      db = await Database.open({ dataDir: dir });
      expect(await rows(db, "SELECT * FROM a")).toEqual(["1"]);
      expect(await rows(db, "SELECT * FROM c ORDER BY y")).toEqual(["again", "hello"]);
      await db.execute("INSERT INTO c VALUES ('third')");
      expect(await rows(db, "SELECT n FROM n")).toEqual(["3"]);
      await db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("gives a datagen stream the same rows after a restart (its base time comes from the log, not the replay's clock)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sage-data-"));
    try {
      let db = await Database.open({ dataDir: dir });
      await db.execute("CREATE STREAM g (seq BIGINT, ts TIMESTAMP, d DATE) WITH (connector = 'datagen', fields.seq.kind = 'sequence', datagen.rows.per.second = '200', retention = 'all')");
      const deadline = Date.now() + 10_000;
      while ((await rows(db, "SELECT count(*) FROM g"))[0] === "0" && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const before = await rows(db, "SELECT seq, ts, d FROM g ORDER BY seq");
      expect(before.length).toBeGreaterThan(0);
      await db.close();
      await new Promise((r) => setTimeout(r, 1100)); // a replay a second later used to shift every timestamp by that second
      db = await Database.open({ dataDir: dir });
      expect((await rows(db, `SELECT seq, ts, d FROM g ORDER BY seq LIMIT ${before.length}`))).toEqual(before);
      await db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a foreign directory with a clear error", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sage-foreign-"));
    try {
      writeFileSync(join(dir, "something.txt"), "not ours");
      await expect(Database.open({ dataDir: dir })).rejects.toMatchObject({ code: "XX001", message: expect.stringMatching(/not a sage-sql data directory/) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps every acknowledged row exactly once across kill -9", { timeout: 180_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "sage-crash-"));
    try {
      const acked = new Set<number>();
      let next = 0;
      for (let round = 0; round < 6; round++) {
        const proc = spawn(process.execPath, [child, dir, String(next)], { stdio: ["ignore", "pipe", "inherit"] });
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
        // once it is acknowledging writes (start-up time depends on the machine's load), let it
        // run a random while, then kill it hard
        await Promise.race([acking, new Promise((r) => setTimeout(r, 30_000))]);
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 1000)));
        proc.kill("SIGKILL");
        await new Promise((r) => proc.on("exit", r));
        next = Math.max(next, ...acked) + 1000; // fresh ids: a row written but not acknowledged may exist
      }
      expect(acked.size).toBeGreaterThan(10);
      const db = await Database.open({ dataDir: dir });
      const ids = (await rows(db, "SELECT id FROM acked")).map(Number);
      expect(new Set(ids).size).toBe(ids.length); // no duplicates
      for (const id of acked) expect(ids).toContain(id); // nothing acknowledged is lost
      expect((await rows(db, "SELECT * FROM per_grp ORDER BY grp"))).toEqual(await rows(db, "SELECT grp, count(*) FROM acked GROUP BY grp ORDER BY grp"));
      await db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("recovers views over tables and streams from periodic checkpoints plus the log after kill -9, sources resuming without gaps or duplicates", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sage-ckpt-kill-"));
    try {
      const acked: number[] = [];
      let next = 0;
      const rounds: [number, string][] = [[1500, "run"], [1500, "crash-in-commit"], [1000, "run"], [2000, "run"]];
      for (const [ms, mode] of rounds) {
        const got = await runCheckpointChild(dir, next, ms + Math.floor(Math.random() * 500), mode);
        acked.push(...got);
        next = Math.max(next, ...got) + 2; // a step cut off half-way may have applied some statements
      }
      expect(acked.length).toBeGreaterThan(10);
      const db = await Database.open({ dataDir: dir, checkpointInterval: 0 });
      expect(db.checkpoints!.last).not.toBeNull(); // recovery started from a checkpoint
      // every acknowledged step's stream row is there exactly once (pviews gets one row per step, v = step)
      const vs = (await rows(db, "SELECT v FROM pviews")).map(Number);
      expect(new Set(vs).size).toBe(vs.length);
      for (const i of acked) expect(vs).toContain(i);
      for (const [name, q, eowc] of VIEWS as [string, string, boolean][]) {
        if (eowc) continue;
        expect((await rows(db, `SELECT * FROM ${name}`)).sort(), name).toEqual((await rows(db, q)).sort());
      }
      // the generator resumed from its checkpointed offset: once done, exactly what a run without crashes produces
      for (let i = 0; i < 300; i++) {
        const [done] = await rows(db, "SELECT exhausted FROM sage_catalog.sources WHERE stream = 'bid'");
        if (done === "t") break;
        await new Promise((r) => setTimeout(r, 20));
      }
      const ref = await Database.open({ memory: true });
      await ref.execute(`CREATE STREAM bid (auction BIGINT, bidder BIGINT, price BIGINT, date_time TIMESTAMP)
        WITH (connector = 'nexmark', nexmark.table = 'bid', nexmark.events_per_second = 0, nexmark.max_events = 12000)`);
      await ref.execute("CREATE MATERIALIZED VIEW bids AS SELECT count(*) AS n, sum(price) AS total, count(DISTINCT auction) AS auctions FROM bid");
      for (let i = 0; i < 300; i++) {
        const [done] = await rows(ref, "SELECT exhausted FROM sage_catalog.sources WHERE stream = 'bid'");
        if (done === "t") break;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(await rows(db, "SELECT * FROM bids")).toEqual(await rows(ref, "SELECT * FROM bids"));
      // the stream's kept rows (restored from checkpoints, the rest regenerated from the log) are the same events
      expect(await rows(db, "SELECT count(*), sum(price), count(DISTINCT auction) FROM bid")).toEqual(await rows(ref, "SELECT * FROM bids"));
      await ref.close();
      await db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
