// Storage: group commit (issue 5). 16 concurrent sessions each run single-row INSERTs into a
// table in a data directory; every INSERT reports success only once its log record is fsync'd.
// sage: group commit on (the sessions share fsyncs); peer "fsync-per-statement": SET
// group_commit = off, each statement's record fsync'd on its own. Figure: acknowledged rows/s;
// ratio = on / off. The notes give the fsyncs each run took per statement.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Database } from "../../src/index.js";
import { type BenchCase, type Contender, measure, probe, resultRow } from "../lib/harness.js";

const SESSIONS = 16;

function insertContender(name: string, groupCommit: boolean, perSession: number, fsyncsPerStatement: number[]): Contender {
  return {
    name,
    async run() {
      const dir = mkdtempSync(join(tmpdir(), "sage-bench-groupcommit-"));
      try {
        const db = await Database.open({ dataDir: dir, checkpointInterval: 0, groupCommit });
        await db.execute("CREATE TABLE t (id INT PRIMARY KEY, s INT, note TEXT)");
        const fsyncsBefore = db.logStats()!.fsyncs;
        const t0 = performance.now();
        await Promise.all(
          Array.from({ length: SESSIONS }, async (_, s) => {
            const session = db.connect();
            for (let i = 0; i < perSession; i++) {
              await session.execute("INSERT INTO t VALUES ($1, $2, $3)", [s * perSession + i, s, `row ${i} of session ${s}`]);
            }
          }),
        );
        const seconds = (performance.now() - t0) / 1000;
        probe();
        fsyncsPerStatement.push((db.logStats()!.fsyncs - fsyncsBefore) / (SESSIONS * perSession));
        const [r] = await db.execute("SELECT count(*), count(DISTINCT s) FROM t");
        await db.close();
        return { value: (SESSIONS * perSession) / seconds, check: r.rows[0].map(String).join("/") };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

export const groupCommitCase: BenchCase = {
  name: "group-commit",
  async run(ctx) {
    const perSession = ctx.quick ? 100 : 400;
    const on: number[] = [];
    const off: number[] = [];
    const m = await measure({
      name: "group-commit",
      contenders: [insertContender("sage", true, perSession, on), insertContender("fsync-per-statement", false, perSession, off)],
      runs: ctx.quick ? 3 : 5,
      warmups: 1,
      ctx,
    });
    const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
    return [
      resultRow(m, {
        name: "storage/group-commit-16-sessions",
        unit: "rows/s",
        higherIsBetter: true,
        sage: "sage",
        peers: ["fsync-per-statement"],
        notes: `${SESSIONS} concurrent sessions x ${perSession} single-row INSERTs, each acknowledged after its fsync; group commit vs SET group_commit = off; fsyncs per statement ${avg(on).toFixed(3)} vs ${avg(off).toFixed(3)}; ratio = on/off`,
      }),
    ];
  },
};
