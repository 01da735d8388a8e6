import { describe, expect, it } from "vitest";
import { formatLoadProgress, loadProgressLine } from "./load-progress.js";

const base = { rows: 0, file: "/d/a.csv", fileIndex: 1, files: 1, bytesDone: 0, bytesTotal: 2_097_152, finished: false };

describe("load progress line", () => {
  it("says rows, file and size", () => {
    expect(formatLoadProgress({ ...base, rows: 1234567 })).toBe("loading: 1,234,567 rows read of 2.0 MB");
    expect(formatLoadProgress({ ...base, rows: 10, fileIndex: 2, files: 4, bytesDone: 1_048_576 })).toBe("loading: 10 rows read, file 2/4 (50% of 2.0 MB)");
  });

  it("redraws at most every 200 ms and clears itself when done", () => {
    const out: string[] = [];
    let t = 1000;
    const report = loadProgressLine((s) => out.push(s), () => t);
    report({ ...base, rows: 1 });
    t += 50;
    report({ ...base, rows: 2 });
    t += 200;
    report({ ...base, rows: 3 });
    report({ ...base, rows: 3, finished: true });
    expect(out).toEqual(["\r\x1b[Kloading: 1 rows read of 2.0 MB", "\r\x1b[Kloading: 3 rows read of 2.0 MB", "\r\x1b[K"]);
  });
});
