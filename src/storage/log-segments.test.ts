// Group commit in the segmented log: appends of one event-loop turn share one fsync, a rotation
// makes pending records durable first, and a failed fsync is final.
import { describe, expect, it } from "vitest";
import { closeSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LogSegments } from "./log-segments.js";
import type { LogRecord } from "./write-ahead-log.js";

const ddl = (i: number): LogRecord => ({ t: "ddl", sql: `-- ${i}` });

function withDir(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "sage-logseg-"));
  return run(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

describe("LogSegments group commit", () => {
  it("syncs the appends of one turn with one fsync, in order, and each flush waits for it", () =>
    withDir(async (dir) => {
      const { log } = LogSegments.open(dir, 0);
      const lsns = Array.from({ length: 50 }, (_, i) => log.append([ddl(i)]));
      expect(lsns).toEqual([...lsns].sort((a, b) => a - b));
      let done = 0;
      const flushes = lsns.map((lsn) => log.flush(lsn).then(() => done++));
      expect(done).toBe(0); // nothing is acknowledged before the fsync
      await Promise.all(flushes);
      expect(log.fsyncs).toBe(1);
      await log.flush(); // nothing pending: no new fsync
      expect(log.fsyncs).toBe(1);
      await log.close();
      const again = LogSegments.open(dir, 0);
      expect(again.records.map((r) => (r as { sql: string }).sql)).toEqual(Array.from({ length: 50 }, (_, i) => `-- ${i}`));
      await again.log.close();
    }));

  it("with group commit off, fsyncs every append before it returns", () =>
    withDir(async (dir) => {
      const { log } = LogSegments.open(dir, 0);
      log.groupCommit = false;
      for (let i = 0; i < 5; i++) log.append([ddl(i)]);
      expect(log.fsyncs).toBe(5);
      await log.flush();
      expect(log.fsyncs).toBe(5);
      await log.close();
    }));

  it("makes pending records durable at a rotation, also while an fsync is running", () =>
    withDir(async (dir) => {
      const { log } = LogSegments.open(dir, 0);
      const first = log.flush(log.append([ddl(1)]));
      await new Promise((r) => setImmediate(r)); // the fsync of record 1 has started
      const second = log.flush(log.append([ddl(2)]));
      const seq = log.rotate();
      await Promise.all([first, second]);
      log.append([ddl(3)]);
      await log.flush();
      await log.close();
      const fromOld = LogSegments.open(dir, 0);
      expect(fromOld.records.map((r) => (r as { sql: string }).sql)).toEqual(["-- 1", "-- 2", "-- 3"]);
      await fromOld.log.close();
      const fromNew = LogSegments.open(dir, seq);
      expect(fromNew.records.map((r) => (r as { sql: string }).sql)).toEqual(["-- 3"]);
      await fromNew.log.close();
    }));

  it("fails every waiting and later flush, and refuses appends, once an fsync fails", () =>
    withDir(async (dir) => {
      const { log } = LogSegments.open(dir, 0);
      await log.flush(log.append([ddl(1)]));
      const lsn = log.append([ddl(2)]);
      // the segment's descriptor closed under the log: its next fsync fails (EBADF), as a device error would
      closeSync((log as unknown as { current: { descriptor: number } }).current.descriptor);
      await expect(log.flush(lsn)).rejects.toMatchObject({ code: "58030" });
      expect(log.failed?.message).toMatch(/could not fsync the log/);
      await expect(log.flush()).rejects.toMatchObject({ code: "58030" });
      expect(() => log.append([ddl(3)])).toThrow(/could not fsync the log/);
    }));
});
