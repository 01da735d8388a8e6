// A data directory: created on first use, locked against a second server (a LOCK file holding the
// owner's pid; a lock left by a process that no longer exists is taken over), and recognised as
// ours by a marker file so that pointing --data-dir at some other folder fails clearly.

import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { SqlError, SqlState } from "../types/index.js";

/** the file that marks a folder as a data directory (its format) */
export const DATA_DIRECTORY_MARKER = "SAGE_VERSION";
const MARKER = DATA_DIRECTORY_MARKER;
const FORMAT_VERSION = 1;
const FORMAT = `sage-sql data directory, format ${FORMAT_VERSION}`;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Directories this process holds open (the LOCK file's pid cannot tell two opens in one process apart). */
const heldHere = new Set<string>();

export class DataDirectory {
  private locked = false;

  private constructor(readonly path: string) {}

  static open(path: string): DataDirectory {
    try {
      mkdirSync(path, { recursive: true });
    } catch (e) {
      throw new SqlError(SqlState.IoError, `could not create data directory "${path}": ${(e as Error).message}`);
    }
    const marker = join(path, MARKER);
    try {
      if (existsSync(marker)) {
        const text = readFileSync(marker, "utf8").trim();
        if (text !== FORMAT) {
          const version = /^sage-sql data directory, format (\d+)$/.exec(text);
          if (version && Number(version[1]) > FORMAT_VERSION) {
            throw new SqlError(SqlState.DataCorrupted, `data directory "${path}" was written by a newer sage-sql (format ${version[1]}; this one reads format ${FORMAT_VERSION})`, { hint: "Open it with that version, or move it with `sage-sql dump` there and `sage-sql restore` here." });
          }
          throw new SqlError(SqlState.DataCorrupted, `data directory "${path}" has an unknown format: "${text.slice(0, 80)}"`, { hint: "It was written by a different version of sage-sql, or is not a sage-sql data directory." });
        }
      } else {
        const entries = readdirSync(path).filter((f) => !f.startsWith("."));
        if (entries.length > 0) {
          throw new SqlError(SqlState.DataCorrupted, `"${path}" is not a sage-sql data directory (it holds other files: ${entries.slice(0, 3).join(", ")}${entries.length > 3 ? ", ..." : ""})`, { hint: "Point --data-dir at an empty or new folder." });
        }
        // written whole or not at all: a crash here must not leave a half-written marker behind
        const temp = join(path, `.${MARKER}.tmp`);
        writeFileSync(temp, FORMAT + "\n");
        renameSync(temp, marker);
      }
    } catch (e) {
      if (e instanceof SqlError) throw e;
      throw new SqlError(SqlState.IoError, `could not use data directory "${path}": ${(e as Error).message}`);
    }
    const dir = new DataDirectory(path);
    try {
      dir.lock();
    } catch (e) {
      if (e instanceof SqlError) throw e;
      throw new SqlError(SqlState.IoError, `could not lock data directory "${path}": ${(e as Error).message}`);
    }
    return dir;
  }

  file(name: string): string {
    return join(this.path, name);
  }

  private lock(): void {
    const key = resolve(this.path);
    if (heldHere.has(key)) {
      throw new SqlError(SqlState.ObjectNotInPrerequisiteState, `data directory "${this.path}" is already open in this process`, { hint: "Close the other Database first, or use another --data-dir." });
    }
    const lockPath = this.file("LOCK");
    if (existsSync(lockPath)) {
      const pid = Number(readFileSync(lockPath, "utf8").trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid)) {
        throw new SqlError(SqlState.ObjectNotInPrerequisiteState, `data directory "${this.path}" is in use by another sage-sql process (pid ${pid})`, { hint: "Stop that process, or use another --data-dir." });
      }
    }
    writeFileSync(lockPath, `${process.pid}\n`);
    heldHere.add(key);
    this.locked = true;
  }

  close(): void {
    if (!this.locked) return;
    this.locked = false;
    heldHere.delete(resolve(this.path));
    try {
      const lockPath = this.file("LOCK");
      if (existsSync(lockPath) && Number(readFileSync(lockPath, "utf8").trim()) === process.pid) rmSync(lockPath);
    } catch {
      /* the lock is stale once we are gone */
    }
  }
}
