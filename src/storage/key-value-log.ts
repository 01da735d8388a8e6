// KeyValueLog: a durable map from string keys to byte values in one append-only file, for caches
// that should survive a restart (model answers). Each record is
//   u32 key length | u32 value length | u32 CRC-32 of key and value | key (UTF-8) | value
// A later record for a key wins. Opening reads the file once and keeps only an index (key → value
// offset and length) in memory; values are read back on demand. A torn or damaged tail (a crash
// mid-append) is cut off at the last good record. Appends are not fsynced: losing the last few
// entries of a cache costs a few repeated calls, never correctness. Past `maxBytes` the file is
// full and further puts are dropped.

import { closeSync, fstatSync, ftruncateSync, mkdirSync, openSync, readSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { crc32 } from "./write-ahead-log.js";

const HEADER = 12;

export class KeyValueLog {
  private readonly index = new Map<string, { offset: number; length: number }>();
  private size: number;
  /** records dropped from a damaged tail when the file was opened */
  readonly truncatedBytes: number;

  private constructor(
    private fd: number | null,
    private readonly maxBytes: number,
  ) {
    const total = fstatSync(fd!).size;
    let pos = 0;
    const header = Buffer.alloc(HEADER);
    while (pos + HEADER <= total) {
      readSync(fd!, header, 0, HEADER, pos);
      const keyLen = header.readUInt32LE(0);
      const valLen = header.readUInt32LE(4);
      if (pos + HEADER + keyLen + valLen > total) break;
      const body = Buffer.alloc(keyLen + valLen);
      readSync(fd!, body, 0, body.length, pos + HEADER);
      if (crc32(body) !== header.readUInt32LE(8)) break;
      this.index.set(body.toString("utf8", 0, keyLen), { offset: pos + HEADER + keyLen, length: valLen });
      pos += HEADER + keyLen + valLen;
    }
    this.truncatedBytes = total - pos;
    if (pos < total) ftruncateSync(fd!, pos);
    this.size = pos;
  }

  static open(path: string, options: { maxBytes?: number } = {}): KeyValueLog {
    mkdirSync(dirname(path), { recursive: true });
    return new KeyValueLog(openSync(path, "a+"), options.maxBytes ?? 1 << 30);
  }

  get entries(): number {
    return this.index.size;
  }

  get bytes(): number {
    return this.size;
  }

  get(key: string): Buffer | undefined {
    const e = this.index.get(key);
    if (e === undefined || this.fd === null) return undefined;
    const out = Buffer.alloc(e.length);
    readSync(this.fd, out, 0, e.length, e.offset);
    return out;
  }

  /** Appends; returns false when the file is full (or closed) and the entry was dropped. */
  put(key: string, value: Uint8Array): boolean {
    if (this.fd === null) return false;
    const k = Buffer.from(key, "utf8");
    const record = Buffer.alloc(HEADER + k.length + value.length);
    record.writeUInt32LE(k.length, 0);
    record.writeUInt32LE(value.length, 4);
    k.copy(record, HEADER);
    record.set(value, HEADER + k.length);
    record.writeUInt32LE(crc32(record.subarray(HEADER)), 8);
    if (this.size + record.length > this.maxBytes) return false;
    writeSync(this.fd, record); // "a+": always at the end
    this.index.set(key, { offset: this.size + HEADER + k.length, length: value.length });
    this.size += record.length;
    return true;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
