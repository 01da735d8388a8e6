import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AuditFile, type AuditRecord } from "./audit-file.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function record(i: number): AuditRecord {
  return { time: 1_700_000_000_000 + i, role: "r", sessionUser: "r", clientAddress: "127.0.0.1", database: "sage", action: "LOGIN", object: null, outcome: "failed", sqlstate: "28P01", detail: `attempt ${i}` };
}

describe("AuditFile", () => {
  it("appends records that a reopen reads back, in a 0600 file", () => {
    const dir = mkdtempSync(join(tmpdir(), "sage-auditfile-"));
    dirs.push(dir);
    const { file, records } = AuditFile.open(dir);
    expect(records).toEqual([]);
    for (let i = 0; i < 3; i++) file.append(record(i));
    file.close();
    expect(statSync(join(dir, "audit.log")).mode & 0o777).toBe(0o600);
    const again = AuditFile.open(dir);
    expect(again.records).toEqual([record(0), record(1), record(2)]);
    again.file.close();
  });

  it("keeps at most two files' worth: past maxBytes the file becomes audit.log.1", () => {
    const dir = mkdtempSync(join(tmpdir(), "sage-auditfile-"));
    dirs.push(dir);
    const size = JSON.stringify(record(0)).length + 1;
    const { file } = AuditFile.open(dir, size * 4);
    for (let i = 0; i < 10; i++) file.append(record(i));
    file.close();
    expect(existsSync(join(dir, "audit.log.1"))).toBe(true);
    const { file: f2, records } = AuditFile.open(dir, size * 4);
    f2.close();
    // records 0..3 went with the first rotated file; 4..7 are in audit.log.1, 8..9 in audit.log
    expect(records.map((r) => r.detail)).toEqual([4, 5, 6, 7, 8, 9].map((i) => `attempt ${i}`));
  });

  it("skips a line torn by a crash", () => {
    const dir = mkdtempSync(join(tmpdir(), "sage-auditfile-"));
    dirs.push(dir);
    const { file } = AuditFile.open(dir);
    file.append(record(1));
    file.close();
    appendFileSync(join(dir, "audit.log"), '{"time":17000');
    const { file: f2, records } = AuditFile.open(dir);
    f2.append(record(2));
    f2.close();
    expect(records).toEqual([record(1)]);
    // the record after the torn line is whole
    const { file: f3, records: all } = AuditFile.open(dir);
    f3.close();
    expect(all).toEqual([record(1), record(2)]);
    expect(readFileSync(join(dir, "audit.log"), "utf8").split("\n")).toHaveLength(4);
  });
});
