// The write-ahead log of a data directory: every accepted change (a DDL statement, the rows a
// write inserted and the row ids it deleted, the rows a connector produced) is appended as one
// record and fsync'd before the statement reports success. On open, the log is replayed to rebuild
// the catalog, the tables, and (through the same write path) every materialized view.
//
// Record framing: [u32 length][u32 crc32][length bytes of UTF-8 JSON]. A torn or corrupt tail
// (a crash mid-append) is detected by the length/CRC check and cut off at the last good record.

import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, writeSync } from "node:fs";
import { SqlError, SqlState } from "../types/index.js";

// Records name their relation by [schema, name] as it was when written (`at`): relation ids come
// from a counter that things outside the log also advance (a failed CREATE, a SUBSCRIBE, system
// relations), so a replay does not hand out the same ids. `rel` (the id) is kept for older logs.
// `logSeq`, `logTerm` (cluster mode): the sequence of the cluster input-log message whose
// application wrote the record and the leader term then, so a coordinator's replica resumes the input log after it (see src/log-replica.ts).
export type LogRecord =
  /** a DDL statement's text, replayed as SQL */
  | { t: "ddl"; sql: string; logSeq?: number; logTerm?: number }
  /** rows written to relation `rel` (named `name` since ids are not stable across runs): deleted row ids, then inserted rows as Postgres text values */
  | { t: "write"; rel: string; name?: [string, string]; del: number[]; ins: (string | null)[][]; logSeq?: number; logTerm?: number }
  /**
   * a source produced `n` more rows for relation `rel` (named `name`): a generator regenerates them
   * (`from`: its position before them, in the first record of a run, so a replay also restores what
   * the source chose at creation, like datagen's base time); a file source re-reads rows
   * [at, at + n) of `file` (`done`: the file has been read to its end); a Postgres CDC source (its
   * rows are in `write` records) has applied the upstream WAL up to `lsn`, or loaded
   * `snapshot.table` as of the upstream snapshot `snapshot.at`; a
   * message source (NATS) carries the rows themselves (Postgres text, `ops` −1/+1 when it has
   * deletions) and, from JetStream, the stream sequence of its last message (`seq`); in cluster
   * mode, a batch read back from the input log carries only the source's `position` after it (its
   * rows are `write` records just before) and the log sequence it came from
   */
  | { t: "source"; rel: string; name?: [string, string]; n: number; from?: unknown; file?: string; at?: number; done?: boolean; lsn?: string; snapshot?: { table: string; at: string; upstream?: string }; rows?: (string | null)[][]; ops?: number[]; seq?: number; position?: unknown; logSeq?: number; logTerm?: number };

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(buf: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const HEADER = 8;
/** a record larger than this is corruption, not data */
const MAX_RECORD = 1 << 30;
/** every record's JSON begins so (JSON.stringify puts the `t` key first) */
const RECORD_START = Buffer.from('{"t":"', "utf8");

export class WriteAheadLog {
  private fd: number;
  private size: number;

  private constructor(readonly path: string) {
    try {
      this.fd = openSync(path, existsSync(path) ? "r+" : "w+");
      this.size = fstatSync(this.fd).size;
    } catch (e) {
      throw new SqlError(SqlState.IoError, `could not open the log "${path}": ${(e as Error).message}`);
    }
  }

  /**
   * Opens (creating if needed) the log and returns its good records. A torn tail (a crash
   * mid-append) is cut off; damage anywhere else is refused, since cutting there would drop
   * acknowledged records after it.
   */
  static open(path: string): { log: WriteAheadLog; records: LogRecord[]; truncatedBytes: number } {
    const log = new WriteAheadLog(path);
    const { records, goodBytes } = log.readAll();
    const truncatedBytes = log.size - goodBytes;
    if (truncatedBytes > 0 && !log.isTornTail(goodBytes)) {
      log.close();
      throw new SqlError(SqlState.DataCorrupted, `the log "${path}" is damaged at byte ${goodBytes} of ${log.size} (${records.length} good records before it), and not by a write cut short at its end`, {
        hint: "Nothing was changed. Move the data directory aside and load a dump (sage-sql restore), or truncate the log at that byte to keep only what precedes it.",
      });
    }
    if (truncatedBytes > 0) {
      ftruncateSync(log.fd, goodBytes);
      fsyncSync(log.fd);
      log.size = goodBytes;
    }
    return { log, records, truncatedBytes };
  }

  private readAll(): { records: LogRecord[]; goodBytes: number } {
    const records: LogRecord[] = [];
    const header = Buffer.alloc(HEADER);
    let pos = 0;
    while (pos + HEADER <= this.size) {
      readSync(this.fd, header, 0, HEADER, pos);
      const len = header.readUInt32LE(0);
      const crc = header.readUInt32LE(4);
      if (len > MAX_RECORD || pos + HEADER + len > this.size) break;
      const body = Buffer.alloc(len);
      readSync(this.fd, body, 0, len, pos + HEADER);
      if (crc32(body) !== crc) break;
      let rec: LogRecord;
      try {
        rec = JSON.parse(body.toString("utf8")) as LogRecord;
      } catch {
        break;
      }
      records.push(rec);
      pos += HEADER + len;
    }
    return { records, goodBytes: pos };
  }

  /**
   * Whether the bytes from `pos` on can be what a crash leaves of one last append: the start of a
   * record (a header, then a body beginning like every record's JSON), possibly zero-filled, and no
   * whole good record anywhere after it.
   */
  private isTornTail(pos: number): boolean {
    const tail = Buffer.alloc(this.size - pos);
    readSync(this.fd, tail, 0, tail.length, pos);
    if (tail.length >= HEADER) {
      const len = tail.readUInt32LE(0);
      const body = tail.subarray(HEADER, HEADER + Math.min(len, RECORD_START.length));
      const zeros = tail.every((b) => b === 0);
      if (!zeros && (len > MAX_RECORD || !RECORD_START.subarray(0, body.length).equals(body))) return false;
    }
    for (let at = 1; at + HEADER < tail.length; at++) {
      // a cheap filter first: a record's body starts with RECORD_START
      if (tail[at + HEADER] !== RECORD_START[0] || tail[at + HEADER + 1] !== RECORD_START[1]) continue;
      const len = tail.readUInt32LE(at);
      if (len < RECORD_START.length || at + HEADER + len > tail.length) continue;
      const body = tail.subarray(at + HEADER, at + HEADER + len);
      if (crc32(body) === tail.readUInt32LE(at + 4)) return false;
    }
    return true;
  }

  /** Appends records and makes them durable (one fsync for the whole batch). */
  append(records: readonly LogRecord[]): void {
    this.write(records);
    this.sync();
  }

  /**
   * Writes records after the last good one without fsync (group commit syncs later, see
   * LogSegments); returns the bytes written. Throws 53100 on a full disk, 58030 otherwise.
   */
  write(records: readonly LogRecord[]): number {
    if (records.length === 0) return 0;
    const parts: Buffer[] = [];
    for (const r of records) {
      const body = Buffer.from(JSON.stringify(r), "utf8");
      const header = Buffer.alloc(HEADER);
      header.writeUInt32LE(body.length, 0);
      header.writeUInt32LE(crc32(body), 4);
      parts.push(header, body);
    }
    const buf = Buffer.concat(parts);
    try {
      let done = 0;
      while (done < buf.length) done += writeSync(this.fd, buf, done, buf.length - done, this.size + done);
    } catch (e) {
      // nothing after this.size counts: a later append overwrites a partial write
      throw logError(e, this.path, "write to");
    }
    this.size += buf.length;
    return buf.length;
  }

  /** fsync: everything written so far is durable when this returns. */
  sync(): void {
    try {
      fsyncSync(this.fd);
    } catch (e) {
      throw logError(e, this.path, "fsync");
    }
  }

  /** The file descriptor, for an fsync off the main thread (LogSegments' group commit). */
  get descriptor(): number {
    return this.fd;
  }

  get bytes(): number {
    return this.size;
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** The SqlError of a failed log write or fsync: 53100 for a full disk (naming the file), else 58030. */
export function logError(e: unknown, path: string, what: "write to" | "fsync"): SqlError {
  if (e instanceof SqlError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "ENOSPC" || code === "EDQUOT") {
    return new SqlError(SqlState.DiskFull, `could not ${what} the log "${path}": No space left on device`, { hint: `Free space where ${path} lives.` });
  }
  return new SqlError(SqlState.IoError, `could not ${what} the log "${path}": ${(e as Error).message}`);
}
