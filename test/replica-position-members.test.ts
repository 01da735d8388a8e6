// A coordinator's resume position in the input log (replica-position.ts) when the log's messages
// change a database other than the first (CREATE DATABASE): each database checkpoints on its own
// and then drops its log, so each checkpoint must keep the position, or a restart resumes before
// messages whose changes it already holds and applies them twice.

import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Database, ReplicaPosition } from "../src/index.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Runs `sql` on `database` as the replica does when it applies input-log message `seq`. */
async function applyMessage(root: Database, position: ReplicaPosition, seq: number, database: string, sql: string): Promise<void> {
  const engine = root.cluster.all().find((e) => e.name === database)!;
  position.applying = seq;
  try {
    await engine.connect().execute(sql);
  } finally {
    position.applying = undefined;
    position.applied(seq);
  }
  await engine.durable();
}

describe("the replica position with several databases", () => {
  it("is kept by a checkpoint of a database other than the first", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sage-position-"));
    dirs.push(dir);
    const position = new ReplicaPosition();
    const db = await Database.open({ dataDir: join(dir, "live"), checkpointInterval: 0, replicaPosition: position });
    try {
      await applyMessage(db, position, 1, "sage", "CREATE DATABASE other");
      await applyMessage(db, position, 2, "other", "CREATE TABLE x (id int)");
      db.checkpoints!.checkpoint(); // the first database's checkpoint: position 2
      await applyMessage(db, position, 3, "other", "INSERT INTO x VALUES (1)");
      const other = db.cluster.all().find((e) => e.name === "other")!;
      expect(other.checkpoints!.checkpoint()).not.toBeNull(); // holds row 1, drops the log that said seq 3
      // the directory as a SIGKILL leaves it (the copy is not locked by this process)
      cpSync(join(dir, "live"), join(dir, "crashed"), { recursive: true });
      rmSync(join(dir, "crashed", "LOCK"), { force: true });
    } finally {
      await db.close();
    }
    const restarted = new ReplicaPosition();
    const again = await Database.open({ dataDir: join(dir, "crashed"), checkpointInterval: 0, replicaPosition: restarted });
    try {
      // resuming after 2 would apply message 3 again: row 1 twice
      expect(restarted.seq).toBe(3);
      const other = again.cluster.all().find((e) => e.name === "other")!;
      expect((await other.execute("SELECT count(*) AS n FROM x"))[0].rows).toEqual([[1n]]);
    } finally {
      await again.close();
    }
  });
});
