// The write-ahead log as a sequence of segment files, so that a checkpoint can truncate it: the
// checkpoint rotates to a new segment (every record appended from then on lands there), and once
// the checkpoint has committed, the segments before it are deleted. Segment 0 is "wal.log", the
// single log of data directories written before checkpoints existed; later ones are
// "wal-<n>.log". Appends are synchronous, so a rotation never splits or loses a record.
//
// Group commit: an append writes its records at once (so the log's order is the order changes
// were applied in memory) and returns its end position (an LSN: bytes appended since open, across
// segments); flush(lsn) resolves once an fsync has covered that position. One fsync runs at a
// time, off the main thread, and covers everything appended when it started, so writers arriving
// while it runs share the next one. A failed fsync is final (Linux may have dropped the dirty
// pages, so a retry could falsely succeed): every flush rejects from then on.

import { closeSync, fsync, fsyncSync, openSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { WriteAheadLog, logError, type LogRecord } from "./write-ahead-log.js";
import type { SqlError } from "../types/index.js";

function segmentName(seq: number): string {
  return seq === 0 ? "wal.log" : `wal-${String(seq).padStart(8, "0")}.log`;
}

function segmentSeq(file: string): number | null {
  if (file === "wal.log") return 0;
  const m = /^wal-(\d{8})\.log$/.exec(file);
  return m ? Number(m[1]) : null;
}

/** fsync a directory so a created, renamed or deleted entry is durable */
export function syncDirectory(path: string): void {
  const fd = openSync(path, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export class LogSegments {
  /** false: every append fsyncs before it returns (one fsync per statement) */
  groupCommit = true;
  /** fsyncs of log segments so far (tests and benchmarks compare it with the statements run) */
  fsyncs = 0;
  /** LSN: bytes appended since open; `durable` is the part an fsync has covered */
  private written = 0;
  private durable = 0;
  private waiters: { lsn: number; resolve: () => void; reject: (e: SqlError) => void }[] = [];
  /** the fsync running off the main thread, if any */
  private inFlight: Promise<void> | null = null;
  private scheduled = false;
  private failure: SqlError | null = null;

  private constructor(
    private readonly dir: string,
    private current: WriteAheadLog,
    private seq: number,
    /** bytes in the live segments before the current one */
    private olderBytes: number,
  ) {}

  private static segments(dir: string): number[] {
    return readdirSync(dir)
      .map(segmentSeq)
      .filter((s): s is number => s !== null)
      .sort((a, b) => a - b);
  }

  /**
   * Opens the log of `dir`, returning the records of segment `from` onwards in order (a torn
   * tail, from a crash mid-append, is cut off); appends go to the last segment.
   */
  static open(dir: string, from: number): { log: LogSegments; records: LogRecord[] } {
    const seqs = LogSegments.segments(dir).filter((s) => s >= from);
    if (seqs.length === 0) seqs.push(from);
    const records: LogRecord[] = [];
    let older = 0;
    let last: WriteAheadLog | null = null;
    for (let i = 0; i < seqs.length; i++) {
      const opened = WriteAheadLog.open(join(dir, segmentName(seqs[i])));
      for (const r of opened.records) records.push(r);
      if (i < seqs.length - 1) {
        older += opened.log.bytes;
        opened.log.close();
      } else last = opened.log;
    }
    return { log: new LogSegments(dir, last!, seqs[seqs.length - 1], older), records };
  }

  /** Writes records (in order, at once); returns their end LSN, durable once flush(lsn) resolves. */
  append(records: readonly LogRecord[]): number {
    if (this.failure) throw this.failure;
    this.written += this.current.write(records);
    if (!this.groupCommit) {
      this.syncCurrent();
    } else if (this.written > this.durable) {
      this.schedule(); // records nobody awaits (a connector's) are synced soon too
    }
    return this.written;
  }

  /** Resolves once everything appended up to `lsn` (default: so far) is durable. */
  flush(lsn = this.written): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (lsn <= this.durable) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ lsn, resolve, reject });
      this.schedule();
    });
  }

  /** The next fsync starts at the end of this event-loop turn, gathering the turn's appends. */
  private schedule(): void {
    if (this.scheduled || this.inFlight) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.startFlush();
    });
  }

  private startFlush(): void {
    if (this.inFlight || this.failure || this.written <= this.durable) return this.settle();
    const target = this.written;
    const segment = this.current;
    this.inFlight = new Promise<void>((done) => {
      fsync(segment.descriptor, (err) => {
        this.inFlight = null;
        if (err) this.fail(logError(err, segment.path, "fsync"));
        else {
          this.fsyncs++;
          this.durable = Math.max(this.durable, target);
          this.settle();
        }
        done();
        if (this.waiters.length > 0 || this.written > this.durable) this.schedule();
      });
    });
  }

  /** A synchronous fsync of the current segment (no group commit, a rotation, close). */
  private syncCurrent(): void {
    try {
      this.current.sync();
    } catch (e) {
      this.fail(e as SqlError);
      throw e;
    }
    this.fsyncs++;
    this.durable = this.written;
    this.settle();
  }

  private settle(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) {
      if (this.failure) w.reject(this.failure);
      else if (w.lsn <= this.durable) w.resolve();
      else this.waiters.push(w);
    }
  }

  private fail(e: SqlError): void {
    this.failure ??= e;
    this.settle();
  }

  /** Why the log stopped (a failed fsync), if it did. */
  get failed(): SqlError | null {
    return this.failure;
  }

  /** Starts a new segment; returns its number (the first segment a checkpoint taken now needs). */
  rotate(): number {
    // what the old segment holds is durable before the new one takes appends
    if (this.written > this.durable || this.inFlight) this.syncCurrent();
    const next = WriteAheadLog.open(join(this.dir, segmentName(this.seq + 1))).log;
    syncDirectory(this.dir);
    this.olderBytes += this.current.bytes;
    const old = this.current;
    // an fsync still running on the old descriptor must finish before it is closed (and reused)
    if (this.inFlight) void this.inFlight.then(() => old.close());
    else old.close();
    this.current = next;
    this.seq++;
    return this.seq;
  }

  /** Deletes the segments before `seq` (a committed checkpoint covers them). */
  dropBefore(seq: number): void {
    let removed = false;
    for (const s of LogSegments.segments(this.dir)) {
      if (s >= seq) continue;
      rmSync(join(this.dir, segmentName(s)), { force: true });
      removed = true;
    }
    if (removed) {
      syncDirectory(this.dir);
      this.olderBytes = 0;
    }
  }

  /** Bytes in the live log (every segment still on disk). */
  get bytes(): number {
    return this.olderBytes + this.current.bytes;
  }

  get segment(): number {
    return this.seq;
  }

  /** Syncs what is pending, waits for a running fsync, and closes the current segment. */
  async close(): Promise<void> {
    if (this.inFlight) await this.inFlight;
    if (!this.failure && this.written > this.durable) {
      try {
        this.syncCurrent();
      } catch {
        /* the waiters have been told */
      }
    }
    this.current.close();
  }
}
