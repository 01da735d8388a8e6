// The write-ahead log of a data directory: every accepted change (a DDL statement, the rows a
// write inserted and the row ids it deleted, the rows a connector produced) is appended as one
// record and fsync'd before the statement reports success. On open, the log is replayed to rebuild
// the catalog, the tables, and (through the same write path) every materialized view.
//
// Record framing: [u32 length][u32 crc32][length bytes of UTF-8 JSON]. A torn or corrupt tail
// (a crash mid-append) is detected by the length/CRC check and cut off at the last good record.

import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, writeSync } from "node:fs";
import { SqlError, SqlState } from "../types/index.js";

export type LogRecord =
  /** a DDL statement's text, replayed as SQL */
  | { t: "ddl"; sql: string }
  /** rows written to relation `rel`: deleted row ids, then inserted rows as Postgres text values */
  | { t: "write"; rel: string; del: number[]; ins: (string | null)[][] }
  /**
   * a source produced `n` more rows for relation `rel`: a generator regenerates them; a file
   * source re-reads rows [at, at + n) of `file` (`done`: the file has been read to its end); a
   * message source (NATS) carries the rows themselves (Postgres text, `ops` −1/+1 when it has
   * deletions) and, from JetStream, the stream sequence of its last message (`seq`)
   */
  | { t: "source"; rel: string; n: number; file?: string; at?: number; done?: boolean; rows?: (string | null)[][]; ops?: number[]; seq?: number };

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

export class WriteAheadLog {
  private fd: number;
  private size: number;

  private constructor(readonly path: string) {
    this.fd = openSync(path, existsSync(path) ? "r+" : "w+");
    this.size = fstatSync(this.fd).size;
  }

  /** Opens (creating if needed) the log and returns its good records; a bad tail is cut off. */
  static open(path: string): { log: WriteAheadLog; records: LogRecord[]; truncatedBytes: number } {
    const log = new WriteAheadLog(path);
    const { records, goodBytes } = log.readAll();
    const truncatedBytes = log.size - goodBytes;
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

  /** Appends records and makes them durable (one fsync for the whole batch). */
  append(records: readonly LogRecord[]): void {
    if (records.length === 0) return;
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
      writeSync(this.fd, buf, 0, buf.length, this.size);
      fsyncSync(this.fd);
    } catch (e) {
      // nothing after this.size counts: a later append overwrites a partial write
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOSPC") throw new SqlError(SqlState.DiskFull, `could not write to the log: no space left on device`, { hint: `Free space where ${this.path} lives; nothing of this statement was applied.` });
      throw new SqlError(SqlState.IoError, `could not write to the log ${this.path}: ${(e as Error).message}`);
    }
    this.size += buf.length;
  }

  get bytes(): number {
    return this.size;
  }

  close(): void {
    closeSync(this.fd);
  }
}
