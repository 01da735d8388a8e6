// The write-ahead log as a sequence of segment files, so that a checkpoint can truncate it: the
// checkpoint rotates to a new segment (every record appended from then on lands there), and once
// the checkpoint has committed, the segments before it are deleted. Segment 0 is "wal.log", the
// single log of data directories written before checkpoints existed; later ones are
// "wal-<n>.log". Appends are synchronous, so a rotation never splits or loses a record.

import { closeSync, fsyncSync, openSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { WriteAheadLog, type LogRecord } from "./write-ahead-log.js";

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

  append(records: readonly LogRecord[]): void {
    this.current.append(records);
  }

  /** Starts a new segment; returns its number (the first segment a checkpoint taken now needs). */
  rotate(): number {
    const next = WriteAheadLog.open(join(this.dir, segmentName(this.seq + 1))).log;
    syncDirectory(this.dir);
    this.olderBytes += this.current.bytes;
    this.current.close();
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

  close(): void {
    this.current.close();
  }
}
