// Group commit (issue 5): concurrent statements share log fsyncs, and a statement reports success
// only after an fsync covering its records, so every acknowledged row survives kill -9.
import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { Database } from "../src/index.js";

const CLI = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));

/** `sessions` concurrent sessions each running `each` single-row INSERTs; returns the fsyncs they took. */
async function concurrentInserts(db: Database, sessions: number, each: number): Promise<number> {
  const before = db.logStats()!.fsyncs;
  await Promise.all(
    Array.from({ length: sessions }, async (_, s) => {
      const session = db.connect();
      for (let i = 0; i < each; i++) await session.execute(`INSERT INTO t VALUES (${s * 1000 + i}, ${s})`);
    }),
  );
  return db.logStats()!.fsyncs - before;
}

describe("group commit", () => {
  it("shares fsyncs among concurrent sessions, and syncs each statement alone with group_commit off", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sage-groupcommit-"));
    try {
      let db = await Database.open({ dataDir: dir, checkpointInterval: 0 });
      await db.execute("CREATE TABLE t (id INT PRIMARY KEY, s INT)");
      const statements = 16 * 20;
      const grouped = await concurrentInserts(db, 16, 20);
      expect(grouped).toBeGreaterThan(0);
      expect(grouped).toBeLessThan(statements / 2);
      // off: one fsync per statement (SET reaches the database-wide switch)
      await db.execute("SET group_commit = off");
      expect(db.logStats()!.groupCommit).toBe(false);
      await db.execute("DELETE FROM t");
      const single = await concurrentInserts(db, 16, 5);
      expect(single).toBeGreaterThanOrEqual(16 * 5);
      await db.execute("SET group_commit = on");
      const [r] = await db.execute("SELECT count(*), count(DISTINCT s) FROM t");
      expect(r.rows[0].map(String)).toEqual(["80", "16"]);
      await db.close();
      // everything acknowledged is in the log (no checkpoint was taken: interval 0, close skips it)
      db = await Database.open({ dataDir: dir, checkpointInterval: 0 });
      const [again] = await db.execute("SELECT count(*), sum(id) FROM t");
      expect(String(again.rows[0][0])).toBe("80");
      const [sum] = await db.execute(`SELECT sum(id) = ${Array.from({ length: 16 }, (_, s) => Array.from({ length: 5 }, (_, i) => s * 1000 + i)).flat().reduce((a, b) => a + b, 0)} FROM t`);
      expect(sum.rows[0][0]).toBe(true);
      await db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("hands a SUBSCRIBE a change only once the log records behind it are fsync'd", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sage-groupcommit-sub-"));
    try {
      const db = await Database.open({ dataDir: dir, checkpointInterval: 0 });
      await db.execute("CREATE TABLE t (id INT PRIMARY KEY, s INT)");
      const [r] = await db.connect().execute("SUBSCRIBE t");
      const feed = r.subscription!;
      const before = db.logStats()!.fsyncs;
      const insert = db.connect().execute("INSERT INTO t VALUES (1, 1)");
      const batch = await feed.next();
      expect(batch!.map((row) => row.slice(0, 1).concat(row.slice(2)).map(String))).toEqual([["insert", "1", "1"]]);
      expect(db.logStats()!.fsyncs).toBeGreaterThan(before);
      await insert;
      feed.cancel();
      await db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps every row acknowledged to 16 concurrent pg clients across kill -9 of the server", { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "sage-groupcommit-kill-"));
    try {
      const proc = spawn(process.execPath, [CLI, "serve", "--port", "0", "--data-dir", dir], { stdio: ["ignore", "pipe", "pipe"] });
      const exited = new Promise<void>((r) => proc.once("exit", () => r()));
      const port = await new Promise<number>((resolve, reject) => {
        let out = "";
        proc.stdout!.on("data", (d: Buffer) => {
          out += d.toString();
          const m = /listening on postgres:\/\/\S+:(\d+)\//.exec(out);
          if (m) resolve(Number(m[1]));
        });
        proc.once("exit", (code) => reject(new Error(`server exited (${code}) before listening`)));
      });
      const connect = async () => {
        const c = new pg.Client({ host: "127.0.0.1", port, user: "sage", database: "sage" });
        c.on("error", () => {}); // the kill ends every connection
        await c.connect();
        return c;
      };
      const admin = await connect();
      await admin.query("CREATE TABLE acked (id INT PRIMARY KEY, client INT)");
      await admin.query("CREATE MATERIALIZED VIEW per_client AS SELECT client, count(*) AS n FROM acked GROUP BY client");
      const acked: number[] = [];
      let killed = false;
      const clients = await Promise.all(Array.from({ length: 16 }, connect));
      const writers = clients.map(async (c, k) => {
        for (let i = 0; !killed; i++) {
          const id = k * 1_000_000 + i;
          try {
            await c.query("INSERT INTO acked VALUES ($1, $2)", [id, k]);
          } catch {
            return; // the kill: this insert was not acknowledged
          }
          acked.push(id);
        }
      });
      while (acked.length < 400) await new Promise((r) => setTimeout(r, 20));
      killed = true;
      proc.kill("SIGKILL");
      await exited;
      await Promise.all(writers);
      expect(acked.length).toBeGreaterThanOrEqual(400);
      const db = await Database.open({ dataDir: dir, checkpointInterval: 0 });
      const [r] = await db.execute("SELECT id FROM acked");
      const present = new Set(r.rows.map((row) => Number(row[0])));
      const lost = acked.filter((id) => !present.has(id));
      expect(lost).toEqual([]);
      const [view] = await db.execute("SELECT count(*) FROM per_client p JOIN (SELECT client, count(*) AS n FROM acked GROUP BY client) q ON p.client = q.client AND p.n = q.n");
      const [groups] = await db.execute("SELECT count(DISTINCT client) FROM acked");
      expect(view.rows[0][0]).toBe(groups.rows[0][0]);
      await db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
