// The REPL's progress bar from the real `sage-sql` command (dist/cli/main.js): drawn on stderr
// while a backfill runs when forced with --progress always (as on a terminal), cleared at the end;
// nothing with the default on a pipe.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const CLI = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));

function sageSql(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, "--memory", "--no-history", ...args], { timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

const SCRIPT = [
  "CREATE TABLE big (id INT, g INT)",
  "INSERT INTO big SELECT i, i % 10 FROM generate_series(1, 500000) AS s(i)",
  "CREATE MATERIALIZED VIEW v AS SELECT a.g, count(*) AS n FROM big a JOIN big b ON a.id = b.id GROUP BY a.g",
  "SELECT sum(n)::bigint AS total FROM v",
];

describe("sage-sql progress bar", () => {
  it("draws the backfill's progress on stderr with --progress always, and clears it", async () => {
    const r = await sageSql([...SCRIPT.flatMap((s) => ["-c", s]), "--progress", "always"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("CREATE MATERIALIZED VIEW");
    expect(r.stdout).toMatch(/total\s*\n-+\n\s*500000\n/);
    // redrawn in place: each frame starts with CR + erase line; the last write clears it
    const frames = r.stderr.split("\r\x1b[K").filter((f) => f !== "");
    const backfill = frames.filter((f) => f.startsWith("backfill"));
    expect(backfill.length).toBeGreaterThanOrEqual(1);
    for (const f of backfill) expect(f).toMatch(/^backfill \(job \d+\): \[[#-]{24}\] \d+%, [0-9,]+\/500,000 rows, [0-9,]+ rows\/s(, ETA \d+(s|m\d\ds))?$/);
    // the INSERT ... SELECT before it is a job too once it has run a second (no total: no bar)
    for (const f of frames.filter((f) => !f.startsWith("backfill"))) expect(f).toMatch(/^insert \(job \d+\): [0-9,]+ rows, [0-9,]+ rows\/s$/);
    expect(r.stderr.endsWith("\r\x1b[K")).toBe(true);
  }, 120_000);

  it("prints no progress on a pipe by default, and refuses a bad --progress", async () => {
    const r = await sageSql(SCRIPT.flatMap((s) => ["-c", s]));
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const bad = await sageSql(["--progress", "sometimes", "-c", "SELECT 1"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--progress must be auto, always or never");
  }, 120_000);
});
