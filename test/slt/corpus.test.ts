// The classic sqllogictest corpus (../shared/sqllogictest: select1-5.test and evidence/*.test), each
// file run once on a fresh in-memory database. A file passes when its pass rate (passed records over
// records run; skipped ones do not count) reaches the threshold below, the figure measured when the
// engine first ran it: select1-5 pass completely; the evidence files test some SQLite behaviour that
// Postgres does not share. Raise a threshold whenever the engine does better.
import { describe, expect, it } from "vitest";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { formatFailure, runSltFile } from "../../cli/slt/index.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const corpus = join(root, "../shared/sqllogictest");

/**
 * Minimum pass rate in percent, per file. `postgres` is what PostgreSQL 15 scores with the same
 * runner (`sage-sql test --url`): the most a Postgres-semantics engine can be expected to reach.
 */
const THRESHOLDS: Record<string, { min: number; postgres: number }> = {
  "select1.test": { min: 100, postgres: 100 }, // 1031 records
  "select2.test": { min: 100, postgres: 100 }, // 1031
  "select3.test": { min: 100, postgres: 100 }, // 3351
  "select4.test": { min: 100, postgres: 100 }, // 3857
  "select5.test": { min: 100, postgres: 100 }, // 1436
  "evidence/in1.test": { min: 96.9, postgres: 96.9 }, // 128/132: 'hello' IN (ints), x'..' blobs
  "evidence/in2.test": { min: 98.1, postgres: 84.9 }, // 52/53 (Postgres 45/53: `IN ()` is SQLite-only)
  "evidence/slt_lang_aggfunc.test": { min: 100, postgres: 100 }, // 5/5, then `skipif sqlite halt`
  "evidence/slt_lang_createtrigger.test": { min: 23.0, postgres: 23.0 }, // 6/26: SQLite trigger syntax
  "evidence/slt_lang_createview.test": { min: 100, postgres: 86.6 }, // 15/15 (Postgres 13/15)
  "evidence/slt_lang_dropindex.test": { min: 100, postgres: 100 },
  "evidence/slt_lang_droptable.test": { min: 100, postgres: 100 },
  "evidence/slt_lang_droptrigger.test": { min: 75.0, postgres: 75.0 }, // 9/12
  "evidence/slt_lang_dropview.test": { min: 100, postgres: 100 },
  "evidence/slt_lang_reindex.test": { min: 85.7, postgres: 85.7 }, // 6/7: REINDEX
  "evidence/slt_lang_replace.test": { min: 42.8, postgres: 42.8 }, // 6/14: INSERT OR REPLACE
  "evidence/slt_lang_update.test": { min: 88.8, postgres: 88.8 }, // 24/27: UPDATE SET x=3, x=4
};

function corpusFiles(): string[] {
  const names = readdirSync(corpus).filter((f) => /^select\d+\.test$/.test(f)).sort();
  const evidence = join(corpus, "evidence");
  if (existsSync(evidence)) names.push(...readdirSync(evidence).filter((f) => f.endsWith(".test")).sort().map((f) => `evidence/${f}`));
  return names;
}

describe.skipIf(!existsSync(corpus))("classic sqllogictest corpus", () => {
  for (const name of existsSync(corpus) ? corpusFiles() : []) {
    it(name, { timeout: 1_800_000 }, async () => {
      const report = await runSltFile(join(corpus, name), { displayRoot: corpus });
      const run = report.passed + report.failed;
      const rate = run === 0 ? 100 : (100 * report.passed) / run;
      const threshold = THRESHOLDS[name]?.min ?? 0;
      console.log(
        `${name}: ${report.passed}/${run} passed (${rate.toFixed(1)}%), ${report.skipped} skipped, ` +
          `${(report.durationMs / 1000).toFixed(1)} s; threshold ${threshold}%`,
      );
      const sample = report.failures.slice(0, 5).map(formatFailure).join("\n");
      expect(rate, `pass rate of ${name} below ${threshold}%; first failures:\n${sample}`).toBeGreaterThanOrEqual(threshold);
    });
  }
});
