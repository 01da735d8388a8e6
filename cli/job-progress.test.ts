import { describe, expect, it } from "vitest";
import type { JobSnapshot } from "../src/index.js";
import { formatDuration, formatJobProgress, jobProgressLine } from "./job-progress.js";

const base: JobSnapshot = { id: 3, kind: "backfill", statement: "CREATE MATERIALIZED VIEW v AS ...", role: "sage", startedAt: 0, finishedAt: null, rowsDone: 0, rowsTotal: null, rate: 0, fraction: null, etaSeconds: null, state: "running", error: null };

describe("job progress line", () => {
  it("shows a bar, rows, rate and ETA when the total is known", () => {
    expect(formatJobProgress({ ...base, rowsDone: 250_000, rowsTotal: 1_000_000, fraction: 0.25, rate: 50_000.4, etaSeconds: 15 })).toBe(
      "backfill (job 3): [######------------------] 25%, 250,000/1,000,000 rows, 50,000 rows/s, ETA 15s",
    );
  });

  it("shows rows and rate only when the total is unknown", () => {
    expect(formatJobProgress({ ...base, kind: "copy", rowsDone: 1234567, rate: 99.6 })).toBe("copy (job 3): 1,234,567 rows, 100 rows/s");
  });

  it("formats durations", () => {
    expect(formatDuration(0.2)).toBe("1s");
    expect(formatDuration(75)).toBe("1m15s");
    expect(formatDuration(3 * 3600 + 125)).toBe("3h02m");
  });

  it("redraws at most every 200 ms and clears itself when the job ends", () => {
    const out: string[] = [];
    let t = 1000;
    const report = jobProgressLine((s) => out.push(s), () => t);
    report({ ...base, rowsDone: 1 });
    t += 50;
    report({ ...base, rowsDone: 2 });
    t += 200;
    report({ ...base, rowsDone: 3 });
    report({ ...base, rowsDone: 3, state: "cancelled" });
    expect(out).toEqual(["\r\x1b[Kbackfill (job 3): 1 rows, 0 rows/s", "\r\x1b[Kbackfill (job 3): 3 rows, 0 rows/s", "\r\x1b[K"]);
  });
});
