// Storage: restart time and checkpoint cost.
//
// recovery-restart: a data directory holding N rows of state (a table of N rows and a view
// grouping it into N/100 groups: full size N = 10,000,000, --quick 1,000,000) is reopened. sage:
// from its last checkpoint (the log after it is empty); peer "log-replay": the same history with
// no checkpoint, replayed whole from the log as before checkpoints existed. Figure: ms to open.
// Both must come back with the same view (digest).
//
// checkpoint-ingest: steady-state ingest of batches of 10,000 rows (INSERT ... generate_series)
// into a table feeding a grouping view, with a checkpoint every second versus checkpoints off.
// Figure: rows/s; ratio = on / off (the cost of checkpointing; 1 = free).

import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Database } from "../../src/index.js";
import { type BenchCase, type BenchContext, type BenchModule, type Contender, measure, probe, resultRow } from "../lib/harness.js";
import { groupCommitCase } from "./group-commit.js";
import { cdcRecoveryCase } from "./cdc-recovery.js";

const VIEW = "SELECT g, count(*) AS n, sum(v) AS s FROM t GROUP BY g";
const LOAD_BATCH = 500_000;

async function digest(db: Database): Promise<string> {
  const [r] = await db.execute("SELECT count(*), sum(n), sum(s) FROM mv");
  return r.rows[0].map(String).join("/");
}

/** Builds a data directory with `rows` rows of state; checkpointed or log only. */
async function build(dir: string, rows: number, checkpoint: boolean, ctx: BenchContext): Promise<void> {
  const db = await Database.open({ dataDir: dir, checkpointInterval: 0 });
  await db.execute(`CREATE TABLE t (id INT, g INT, v INT); CREATE MATERIALIZED VIEW mv AS ${VIEW}`);
  for (let a = 0; a < rows; a += LOAD_BATCH) {
    await db.execute(`INSERT INTO t SELECT i, i % ${Math.max(1, Math.floor(rows / 100))}, i % 1000 FROM generate_series(${a}, ${Math.min(rows, a + LOAD_BATCH) - 1}) AS g(i)`);
    probe();
  }
  if (checkpoint) {
    const t0 = performance.now();
    await db.execute("CHECKPOINT");
    const st = db.checkpoints!.last!;
    ctx.log(`recovery: checkpoint of ${rows.toLocaleString("en")} rows: ${(performance.now() - t0).toFixed(0)} ms, ${(st.bytes / 1e6).toFixed(0)} MB`);
  }
  await db.close();
}

function restartContender(name: string, pristine: string): Contender {
  return {
    name,
    async run() {
      // a copy per run: opening may rotate the log
      const dir = mkdtempSync(join(tmpdir(), "sage-bench-open-"));
      try {
        cpSync(pristine, dir, { recursive: true });
        const t0 = performance.now();
        const db = await Database.open({ dataDir: dir, checkpointInterval: 0 });
        const ms = performance.now() - t0;
        probe();
        const check = await digest(db);
        await db.close();
        return { value: ms, check };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

const restartCase: BenchCase = {
  name: "recovery-restart",
  async run(ctx) {
    const rows = ctx.quick ? 500_000 : 10_000_000;
    const ckpt = mkdtempSync(join(tmpdir(), "sage-bench-ckpt-"));
    const log = mkdtempSync(join(tmpdir(), "sage-bench-log-"));
    try {
      const t0 = performance.now();
      await build(ckpt, rows, true, ctx);
      await build(log, rows, false, ctx);
      ctx.log(`recovery: built both directories in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      const m = await measure({
        name: "recovery-restart",
        contenders: [restartContender("sage", ckpt), restartContender("log-replay", log)],
        runs: ctx.quick ? 3 : 5,
        warmups: 0,
        budgetSeconds: 120,
        ctx,
      });
      return [
        resultRow(m, {
          name: `storage/recovery-restart-${rows / 1e6}M`,
          unit: "ms",
          higherIsBetter: false,
          sage: "sage",
          peers: ["log-replay"],
          notes: `reopen a data directory holding ${rows.toLocaleString("en")} table rows + a grouping view (${(rows / 100).toLocaleString("en")} groups): from the last checkpoint vs replaying the whole log (no checkpoint)`,
        }),
      ];
    } finally {
      rmSync(ckpt, { recursive: true, force: true });
      rmSync(log, { recursive: true, force: true });
    }
  },
};

function ingestContender(name: string, intervalMs: number, batches: number): Contender {
  const BATCH = 10_000;
  return {
    name,
    async run() {
      const dir = mkdtempSync(join(tmpdir(), "sage-bench-ingest-"));
      try {
        const db = await Database.open({ dataDir: dir, checkpointInterval: intervalMs });
        await db.execute(`CREATE TABLE t (id INT, g INT, v INT); CREATE MATERIALIZED VIEW mv AS ${VIEW}`);
        const t0 = performance.now();
        for (let b = 0; b < batches; b++) {
          const a = b * BATCH;
          await db.execute(`INSERT INTO t SELECT i, i % 10000, i % 1000 FROM generate_series(${a}, ${a + BATCH - 1}) AS g(i)`);
          await new Promise((r) => setImmediate(r)); // as a server between requests: timers (checkpoints) run
          probe();
        }
        const seconds = (performance.now() - t0) / 1000;
        const check = await digest(db);
        await db.close();
        return { value: (batches * BATCH) / seconds, check };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

const ingestCase: BenchCase = {
  name: "checkpoint-ingest",
  async run(ctx) {
    const batches = ctx.quick ? 50 : 300;
    const m = await measure({
      name: "checkpoint-ingest",
      contenders: [ingestContender("sage", 1000, batches), ingestContender("checkpoints-off", 0, batches)],
      runs: ctx.quick ? 3 : 5,
      warmups: 1,
      ctx,
    });
    return [
      resultRow(m, {
        name: "storage/ingest-checkpoints-on-vs-off",
        unit: "rows/s",
        higherIsBetter: true,
        sage: "sage",
        peers: ["checkpoints-off"],
        notes: `${batches} INSERTs of 10,000 rows into a table with a grouping view (10,000 groups), data directory, checkpoint_interval 1 s vs off; ratio = on/off`,
      }),
    ];
  },
};

export const recoveryModule: BenchModule = {
  name: "storage",
  description: "restart time from a checkpoint vs whole-log replay, ingest throughput with checkpoints on vs off, group commit vs an fsync per statement, and restart time with a Postgres CDC source (checkpointed vs whole log)",
  cases: [restartCase, ingestCase, groupCommitCase, cdcRecoveryCase],
};
