// Checkpoints: state snapshots restore every stateful operator kind exactly; a crash after a
// checkpoint (the data directory as the disk holds it) recovers from the checkpoint plus the log
// after it, giving the same views as a run without a crash; the log shrinks; a checkpoint
// interrupted before its commit leaves the previous one; old log-only directories still open.
import { describe, expect, it } from "vitest";
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Database, formatValue } from "../src/index.js";
// @ts-expect-error: a plain .mjs fixture shared with child processes
import { SCHEMA, VIEWS, CREATE_VIEWS, step } from "./fixtures/checkpoint-workload.mjs";

const views = VIEWS as [string, string, boolean][];

async function rows(db: Database, sql: string): Promise<string[]> {
  const [r] = await db.execute(sql);
  return r.rows.map((row) => row.map((v, i) => (v === null ? "NULL" : formatValue(r.columns[i].type, v))).join("|")).sort();
}

async function run(db: Database, from: number, to: number): Promise<void> {
  for (let i = from; i < to; i++) await db.execute(step(i));
}

async function contents(db: Database): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const [name] of views) out[name] = await rows(db, `SELECT * FROM ${name}`);
  out["table t"] = await rows(db, "SELECT * FROM t");
  return out;
}

/** Each view equals its query run ad hoc (EMIT ON WINDOW CLOSE views are compared with a reference run instead). */
async function expectViewsMatchQueries(db: Database): Promise<void> {
  for (const [name, q, eowc] of views) if (!eowc) expect(await rows(db, `SELECT * FROM ${name}`), name).toEqual(await rows(db, q));
}

function walBytes(dir: string): number {
  return readdirSync(dir)
    .filter((f) => f.startsWith("wal"))
    .reduce((n, f) => n + statSync(join(dir, f)).size, 0);
}

/** A copy of a data directory as the disk holds it now: what a restart after kill -9 finds. */
function crashCopy(dir: string): string {
  const copy = mkdtempSync(join(tmpdir(), "sage-ckpt-crash-"));
  cpSync(dir, copy, { recursive: true });
  return copy;
}

async function setup(dir: string, options: Parameters<typeof Database.open>[0] = {}): Promise<{ db: Database; ref: Database }> {
  const db = await Database.open({ dataDir: dir, checkpointInterval: 0, ...options });
  const ref = await Database.open({ memory: true });
  for (const d of [db, ref]) {
    await d.execute(SCHEMA);
    await d.execute(CREATE_VIEWS);
  }
  return { db, ref };
}

describe("checkpoints", () => {
  it("restores every operator kind: checkpoint, more writes, crash, restart equals a run without a crash", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sage-ckpt-"));
    const dirs = [dir];
    try {
      const { db, ref } = await setup(dir);
      await run(db, 0, 25);
      await run(ref, 0, 25);
      const before = walBytes(dir);
      await db.execute("CHECKPOINT");
      const after = walBytes(dir);
      expect(after).toBeLessThan(before / 10); // the log before the checkpoint is gone
      expect(existsSync(join(dir, "wal.log"))).toBe(false);
      await run(db, 25, 40); // in the log only
      await run(ref, 25, 40);
      const crashed = crashCopy(dir);
      dirs.push(crashed);
      const back = await Database.open({ dataDir: crashed, checkpointInterval: 0 });
      expect(await contents(back)).toEqual(await contents(ref));
      await run(back, 40, 60); // state restored into operators keeps working
      await run(ref, 40, 60);
      expect(await contents(back)).toEqual(await contents(ref));
      await expectViewsMatchQueries(back);
      await back.close();
      await db.close();
      await ref.close();
    } finally {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    }
  }, 120_000);

  it("survives repeated checkpoints and restarts, writing only what changed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sage-ckpt-"));
    try {
      let { db, ref } = await setup(dir);
      for (let round = 0; round < 4; round++) {
        await run(db, round * 10, round * 10 + 10);
        await run(ref, round * 10, round * 10 + 10);
        await db.execute("CHECKPOINT");
        await db.execute(`INSERT INTO u VALUES (${100 + round}, 'only u')`);
        await ref.execute(`INSERT INTO u VALUES (${100 + round}, 'only u')`);
        await db.execute("CHECKPOINT");
        // only u and the views reading it changed: the other relations' and views' state was reused
        const last = db.checkpoints!.last!;
        expect(last.reused).toBeGreaterThan(last.written);
        await db.close();
        db = await Database.open({ dataDir: dir, checkpointInterval: 0 });
        expect(await contents(db)).toEqual(await contents(ref));
      }
      await expectViewsMatchQueries(db);
      await db.close();
      await ref.close();
      ({ db } = { db: await Database.open({ dataDir: dir, checkpointInterval: 0 }) });
      await db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it("writes a table's changes since the last checkpoint as a delta, not the whole table", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sage-ckpt-"));
    const dirs = [dir];
    try {
      const db = await Database.open({ dataDir: dir, checkpointInterval: 0 });
      await db.execute("CREATE TABLE big (id INT PRIMARY KEY, s TEXT); CREATE MATERIALIZED VIEW c AS SELECT count(*) AS n FROM big");
      await db.execute("INSERT INTO big SELECT i, 'row ' || i FROM generate_series(1, 50000) AS g(i)");
      await db.execute("CHECKPOINT");
      const whole = db.checkpoints!.last!.bytes;
      for (let i = 0; i < 3; i++) {
        await db.execute(`INSERT INTO big VALUES (${100000 + i}, 'new'); DELETE FROM big WHERE id = ${10 + i}; UPDATE big SET s = 'changed' WHERE id = ${20 + i}`);
        await db.execute("CHECKPOINT");
        expect(db.checkpoints!.last!.bytes).toBeLessThan(whole / 20);
      }
      expect(readdirSync(join(dir, "checkpoints")).filter((f) => f.endsWith(".delta")).length).toBeGreaterThanOrEqual(3);
      await db.execute("INSERT INTO big VALUES (200000, 'in the log only')");
      const crashed = crashCopy(dir);
      dirs.push(crashed);
      const back = await Database.open({ dataDir: crashed, checkpointInterval: 0 });
      expect(await rows(back, "SELECT * FROM big")).toEqual(await rows(db, "SELECT * FROM big"));
      expect(await rows(back, "SELECT n FROM c")).toEqual(["50001"]); // 50,000 + 3 - 3 + 1
      expect(await rows(back, "SELECT n FROM c")).toEqual(await rows(back, "SELECT count(*) FROM big"));
      // the primary key index came back with the rows
      await expect(back.execute("INSERT INTO big VALUES (100001, 'dup')")).rejects.toMatchObject({ code: "23505" });
      await back.execute("INSERT INTO big VALUES (10, 'reused id')");
      expect(await rows(back, "SELECT n FROM c")).toEqual(["50002"]);
      await back.close();
      await db.close();
    } finally {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    }
  }, 120_000);

  it("a crash between writing a checkpoint and committing it recovers from the previous one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sage-ckpt-"));
    const dirs = [dir];
    try {
      let failing = false;
      const { db, ref } = await setup(dir, {
        beforeCheckpointCommit: () => {
          if (failing) throw new Error("simulated crash before the commit");
        },
      });
      await run(db, 0, 10);
      await run(ref, 0, 10);
      await db.execute("CHECKPOINT");
      const committed = db.checkpoints!.last!.epoch;
      await run(db, 10, 20);
      await run(ref, 10, 20);
      failing = true;
      expect(() => db.checkpoints!.checkpoint()).toThrow(/simulated crash/);
      // the disk now holds the new blobs and a rotated log, but the old manifest
      const crashed = crashCopy(dir);
      dirs.push(crashed);
      const back = await Database.open({ dataDir: crashed, checkpointInterval: 0 });
      expect(back.checkpoints!.last!.epoch).toBe(committed);
      expect(await contents(back)).toEqual(await contents(ref));
      await run(back, 20, 30);
      await run(ref, 20, 30);
      expect(await contents(back)).toEqual(await contents(ref));
      // and the next checkpoint commits normally, dropping the interrupted one's files
      await back.execute("CHECKPOINT");
      expect(back.checkpoints!.last!.epoch).toBeGreaterThan(committed);
      await back.close();
      const again = await Database.open({ dataDir: crashed, checkpointInterval: 0 });
      expect(await contents(again)).toEqual(await contents(ref));
      await again.close();
      await db.close();
      await ref.close();
    } finally {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    }
  }, 120_000);

  it("opens a data directory with only the old whole log, then checkpoints it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sage-ckpt-"));
    const dirs = [dir];
    try {
      const { db, ref } = await setup(dir);
      await run(db, 0, 15);
      await run(ref, 0, 15);
      const old = crashCopy(dir); // never checkpointed: wal.log only, as before checkpoints existed
      dirs.push(old);
      rmSync(join(old, "checkpoints"), { recursive: true, force: true });
      expect(readdirSync(old).filter((f) => f.startsWith("wal"))).toEqual(["wal.log"]);
      const back = await Database.open({ dataDir: old, checkpointInterval: 0 });
      expect(await contents(back)).toEqual(await contents(ref));
      await back.execute("CHECKPOINT");
      expect(readdirSync(old).filter((f) => f.startsWith("wal"))).toEqual(["wal-00000001.log"]);
      await back.close();
      await db.close();
      await ref.close();
    } finally {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    }
  }, 120_000);

  it("random checkpoint and crash points (seeded) give the same views as a run without crashes", async () => {
    let seed = 20261126;
    const rand = (n: number): number => {
      seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
      return seed % n;
    };
    const dirs: string[] = [];
    try {
      const dir = mkdtempSync(join(tmpdir(), "sage-ckpt-rand-"));
      dirs.push(dir);
      const { db, ref } = await setup(dir);
      let i = 0;
      for (let crash = 0; crash < 4; crash++) {
        const steps = 3 + rand(10);
        for (let k = 0; k < steps; k++, i++) {
          await db.execute(step(i));
          await ref.execute(step(i));
          if (rand(4) === 0) await db.execute("CHECKPOINT");
        }
        const copy = crashCopy(dir);
        dirs.push(copy);
        const back = await Database.open({ dataDir: copy, checkpointInterval: 0 });
        expect(await contents(back), `crash ${crash} after step ${i}`).toEqual(await contents(ref));
        await back.close();
      }
      await expectViewsMatchQueries(db);
      await db.close();
      await ref.close();
    } finally {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    }
  }, 180_000);

  it("takes periodic checkpoints at SET checkpoint_interval", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sage-ckpt-"));
    try {
      const db = await Database.open({ dataDir: dir, checkpointInterval: 0 });
      const s = db.connect();
      await s.execute("CREATE TABLE k (x INT); INSERT INTO k VALUES (1)");
      expect(db.checkpoints!.last).toBeNull();
      await s.execute("SET checkpoint_interval = '50ms'");
      expect(db.checkpoints!.interval).toBe(50);
      await new Promise((r) => setTimeout(r, 300));
      expect(db.checkpoints!.last).not.toBeNull();
      await expect(s.execute("SET checkpoint_interval = 'soon'")).rejects.toMatchObject({ code: "22023" });
      await s.execute("SET checkpoint_interval = 0");
      expect(db.checkpoints!.interval).toBe(0);
      await db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
