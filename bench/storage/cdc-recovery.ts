// Storage: restart time of a data directory fed by a Postgres CDC source, with checkpoints (the
// CDC source takes part in them) versus the whole log (checkpoint_interval 0, as when a CDC source
// blocked checkpoints).
//
// A throwaway PostgreSQL 15 (wal_level = logical; test/pg/pg-server.ts) holds a table of 100,000
// rows (--quick 20,000), mirrored into sage-sql with a grouping view over the mirror; then every
// row is updated in transactions of 1,000 rows, ROUNDS times, while two data directories mirror
// it; each is closed as a crash would leave it (no final checkpoint). sage: checkpoints every
// 200 ms during the run; peer "log-replay": none. Figure: ms to reopen (restore + replay the log,
// until the view is back). Both must come back with the same view (digest). The notes give the
// log left on disk and the checkpoints' cost (ms each, as the checkpointer measured it).

import { cpSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Database } from "../../src/index.js";
import { hasPostgres, startPostgres, type PgServer } from "../../test/pg/pg-server.js";
import { type BenchCase, type BenchContext, type Contender, measure, probe, resultRow } from "../lib/harness.js";

const PORT = Number(process.env.PGPORT ?? 55442);
const ROUNDS = 5;
const VIEW = "SELECT grp, count(*) AS n, sum(bal) AS s FROM acct GROUP BY grp";

async function digest(db: Database): Promise<string> {
  const [r] = await db.execute("SELECT count(*), sum(n), sum(s) FROM per_grp");
  return r.rows[0].map(String).join("/");
}

function logBytes(dir: string): number {
  return readdirSync(dir)
    .filter((f) => /^wal/.test(f))
    .reduce((a, f) => a + statSync(join(dir, f)).size, 0);
}

/** A data directory mirroring the upstream table, with checkpoints every `intervalMs` (0: none). */
async function mirror(dir: string, slot: string, intervalMs: number) {
  const db = await Database.open({ dataDir: dir, checkpointInterval: intervalMs });
  await db.execute(`CREATE SOURCE pg WITH (connector = 'postgres-cdc', hostname = '127.0.0.1', port = '${PORT}', username = 'postgres', database = 'postgres', slot = '${slot}', publication = 'bench_pub');
    CREATE TABLE acct (id int PRIMARY KEY, grp int, bal numeric(12,2)) FROM pg TABLE 'public.acct';
    CREATE MATERIALIZED VIEW per_grp AS ${VIEW}`);
  const costs: number[] = [];
  let lastEpoch = -1;
  const sample = setInterval(() => {
    const last = db.checkpoints?.last;
    if (last && last.epoch !== lastEpoch && last.ms > 0) costs.push(last.ms);
    lastEpoch = last?.epoch ?? lastEpoch;
  }, 50);
  return { db, dir, costs, stop: () => clearInterval(sample) };
}

/** Runs the upstream workload while both directories mirror it (the same changes reach both); returns the checkpoints' ms. */
async function build(server: PgServer, ckpt: string, log: string, rows: number, ctx: BenchContext): Promise<number[]> {
  const mirrors = [await mirror(ckpt, "bench_ckpt", 200), await mirror(log, "bench_log", 0)];
  for (let r = 0; r < ROUNDS; r++) {
    for (let a = 0; a < rows; a += 1000) await server.query(`UPDATE acct SET bal = bal + 1, grp = (grp + 1) % 100 WHERE id >= ${a} AND id < ${a + 1000}`);
    probe();
  }
  const [{ lsn }] = (await server.query("SELECT pg_current_wal_lsn()::text AS lsn")).rows;
  const lsnOf = (t: string) => t.split("/").reduce((x, h) => x * 4294967296n + BigInt(`0x${h}`), 0n);
  const want = (await server.query(`SELECT count(*)::text || '/' || sum(n)::text || '/' || sum(s)::text AS d FROM (${VIEW.replace("sum(bal)", "sum(bal)::numeric(20,2)")}) v`)).rows[0].d;
  for (const m of mirrors) {
    // mirrored: the source has applied everything Postgres had when the workload ended
    for (;;) {
      const [s] = await m.db.execute("SELECT position FROM sage_catalog.sources");
      if (s.rows[0][0] !== null && lsnOf(String(s.rows[0][0])) >= lsnOf(lsn) - 4096n && (await digest(m.db)) === want) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  await new Promise((r) => setTimeout(r, 300)); // a checkpoint after the last batch
  for (const m of mirrors) {
    m.stop();
    ctx.log(`cdc-recovery: ${m.dir}: view ${await digest(m.db)}, log ${(logBytes(m.dir) / 1e6).toFixed(1)} MB`);
    m.db.checkpoints?.setInterval(0); // closed as a crash leaves it: no final checkpoint
    await m.db.close();
  }
  return mirrors[0].costs;
}

function reopenContender(name: string, pristine: string): Contender {
  return {
    name,
    async run() {
      const dir = mkdtempSync(join(tmpdir(), "sage-bench-cdc-open-"));
      try {
        cpSync(pristine, dir, { recursive: true });
        const t0 = performance.now();
        const db = await Database.open({ dataDir: dir, checkpointInterval: 0 });
        const check = await digest(db);
        const ms = performance.now() - t0;
        probe();
        await db.close();
        return { value: ms, check };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

export const cdcRecoveryCase: BenchCase = {
  name: "cdc-recovery",
  async run(ctx) {
    if (!hasPostgres) throw new Error("cdc-recovery needs PostgreSQL 15 binaries (/usr/lib/postgresql/15/bin)");
    const rows = ctx.quick ? 10_000 : 100_000;
    const server = startPostgres(PORT);
    const ckpt = mkdtempSync(join(tmpdir(), "sage-bench-cdc-ckpt-"));
    const log = mkdtempSync(join(tmpdir(), "sage-bench-cdc-log-"));
    try {
      await server.query(`CREATE TABLE acct (id int PRIMARY KEY, grp int, bal numeric(12,2));
        INSERT INTO acct SELECT i, i % 100, i FROM generate_series(0, ${rows - 1}) AS i;
        CREATE PUBLICATION bench_pub FOR TABLE acct;`);
      const costs = await build(server, ckpt, log, rows, ctx);
      const m = await measure({
        name: "cdc-recovery",
        contenders: [reopenContender("sage", ckpt), reopenContender("log-replay", log)],
        runs: ctx.quick ? 3 : 5,
        warmups: 0,
        budgetSeconds: 120,
        ctx,
      });
      const avg = costs.length ? costs.reduce((a, b) => a + b, 0) / costs.length : 0;
      return [
        resultRow(m, {
          name: `storage/cdc-recovery-${rows / 1000}k`,
          unit: "ms",
          higherIsBetter: false,
          sage: "sage",
          peers: ["log-replay"],
          notes: `reopen after ${ROUNDS} x ${rows.toLocaleString("en")} row updates mirrored from Postgres (CDC) into a table + grouping view, closed without a final checkpoint: checkpoints every 200 ms (${costs.length} sampled, ${avg.toFixed(1)} ms each on average; log left ${(logBytes(ckpt) / 1e6).toFixed(1)} MB) vs none (whole log, ${(logBytes(log) / 1e6).toFixed(1)} MB)`,
        }),
      ];
    } finally {
      server.destroy();
      rmSync(ckpt, { recursive: true, force: true });
      rmSync(log, { recursive: true, force: true });
    }
  },
};
