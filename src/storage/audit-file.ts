// The audit log's own append-only file in the data directory (`audit.log`, JSON lines, mode
// 0600): each record is written and fdatasync'd before the event it records is reported, so an
// acknowledged login, DDL statement or denial survives a crash. Nothing here rewrites or deletes
// a record; retention is by size: once the file passes `maxBytes` it is renamed to
// `audit.log.1` (replacing an older one) and a new file begins, so at most two files' worth is
// kept. A torn last line (a crash mid-write) is skipped when the file is read back.

import { closeSync, existsSync, fdatasyncSync, fstatSync, openSync, readFileSync, readSync, renameSync, writeSync } from "node:fs";
import { join } from "node:path";
import { SqlError, SqlState } from "../types/index.js";

export const AUDIT_FILE = "audit.log";

export interface AuditRecord {
  /** ms since the epoch */
  time: number;
  /** current_user when it happened (null: before a session existed, or no session) */
  role: string | null;
  sessionUser: string | null;
  clientAddress: string | null;
  database: string | null;
  /** LOGIN, CREATE TABLE, GRANT, SECRET USE, ... */
  action: string;
  object: string | null;
  outcome: "ok" | "denied" | "failed" | "throttled";
  sqlstate: string | null;
  /** the statement as run, with passwords and secret values redacted; or a short note */
  detail: string | null;
}

export class AuditFile {
  private fd: number;
  private bytes: number;

  private constructor(
    private readonly path: string,
    private readonly maxBytes: number,
  ) {
    this.fd = AuditFile.openForAppend(path);
    this.bytes = fstatSync(this.fd).size;
    // a line torn by a crash is ended, so that the next record starts on a line of its own
    if (this.bytes > 0 && !endsWithNewline(path, this.bytes)) {
      writeSync(this.fd, "\n");
      this.bytes += 1;
    }
  }

  /** Opens (creating) `audit.log` in `dir`; also returns the records already there, oldest first. */
  static open(dir: string, maxBytes = 64 * 1024 * 1024): { file: AuditFile; records: AuditRecord[] } {
    const path = join(dir, AUDIT_FILE);
    const records = [...readRecords(path + ".1"), ...readRecords(path)];
    return { file: new AuditFile(path, maxBytes), records };
  }

  private static openForAppend(path: string): number {
    try {
      return openSync(path, "a", 0o600);
    } catch (e) {
      throw new SqlError(SqlState.IoError, `could not open the audit log "${path}": ${(e as Error).message}`);
    }
  }

  /** Appends one record durably (throws 58030 when the disk refuses). */
  append(record: AuditRecord): void {
    const line = Buffer.from(JSON.stringify(record) + "\n", "utf8");
    try {
      if (this.bytes > 0 && this.bytes + line.length > this.maxBytes) this.rotate();
      writeSync(this.fd, line);
      fdatasyncSync(this.fd);
      this.bytes += line.length;
    } catch (e) {
      throw new SqlError(SqlState.IoError, `could not write the audit log: ${(e as Error).message}`);
    }
  }

  private rotate(): void {
    closeSync(this.fd);
    renameSync(this.path, this.path + ".1");
    this.fd = AuditFile.openForAppend(this.path);
    this.bytes = 0;
  }

  close(): void {
    try {
      closeSync(this.fd);
    } catch {
      /* already closed */
    }
  }
}

function endsWithNewline(path: string, size: number): boolean {
  const fd = openSync(path, "r");
  try {
    const b = Buffer.alloc(1);
    readSync(fd, b, 0, 1, size - 1);
    return b[0] === 0x0a;
  } finally {
    closeSync(fd);
  }
}

function readRecords(path: string): AuditRecord[] {
  if (!existsSync(path)) return [];
  const out: AuditRecord[] = [];
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (line === "") continue;
    try {
      out.push(JSON.parse(line) as AuditRecord);
    } catch {
      // a line torn by a crash mid-write
    }
  }
  return out;
}
