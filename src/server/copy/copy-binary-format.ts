// COPY's binary format: the signature "PGCOPY\n\377\r\n\0", int32 flags, int32 header extension
// length (and the extension), then per row an int16 field count and each field as int32 length
// (-1 for NULL) and the type's binary form; an int16 -1 ends the data.

import { SqlError, type DataType } from "../../types/index.js";
import { decodeBinary } from "../value-decoding.js";
import { encodeBinary } from "../value-encoding.js";

export const COPY_SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");

function bad(message: string): SqlError {
  return new SqlError("22P04", message);
}

export class CopyBinaryDecoder {
  private buf: Buffer = Buffer.alloc(0);
  private headerRead = false;
  private ended = false;

  constructor(private readonly types: readonly DataType[]) {}

  push(chunk: Buffer): unknown[][] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    return this.rows();
  }

  end(): unknown[][] {
    const rows = this.rows();
    if (!this.ended && (this.buf.length > 0 || !this.headerRead)) throw bad("unexpected EOF in COPY data");
    return rows;
  }

  private rows(): unknown[][] {
    const out: unknown[][] = [];
    let p = 0;
    const b = this.buf;
    if (!this.headerRead) {
      if (b.length < 19) return out;
      if (!b.subarray(0, 11).equals(COPY_SIGNATURE)) throw bad("COPY file signature not recognized");
      const ext = b.readInt32BE(15);
      if (ext < 0) throw bad("invalid COPY file header (missing length)");
      if (b.length < 19 + ext) return out;
      p = 19 + ext;
      this.headerRead = true;
    }
    while (!this.ended && p + 2 <= b.length) {
      const count = b.readInt16BE(p);
      if (count === -1) {
        this.ended = true;
        p += 2;
        break;
      }
      if (count !== this.types.length) throw bad(`row field count is ${count}, expected ${this.types.length}`);
      let q = p + 2;
      const row: unknown[] = [];
      let complete = true;
      for (let i = 0; i < count; i++) {
        if (q + 4 > b.length) {
          complete = false;
          break;
        }
        const len = b.readInt32BE(q);
        q += 4;
        if (len === -1) {
          row.push(null);
          continue;
        }
        if (len < 0) throw bad("invalid field length in COPY data");
        if (q + len > b.length) {
          complete = false;
          break;
        }
        row.push(decodeBinary(this.types[i], b.subarray(q, q + len)));
        q += len;
      }
      if (!complete) break;
      out.push(row);
      p = q;
    }
    this.buf = this.ended ? Buffer.alloc(0) : b.subarray(p);
    return out;
  }
}

export function copyBinaryHeader(): Buffer {
  const h = Buffer.alloc(19);
  COPY_SIGNATURE.copy(h, 0);
  return h;
}

export function copyBinaryTrailer(): Buffer {
  const t = Buffer.alloc(2);
  t.writeInt16BE(-1);
  return t;
}

export function encodeCopyBinaryRow(types: readonly DataType[], row: readonly unknown[]): Buffer {
  const parts: Buffer[] = [];
  const head = Buffer.alloc(2);
  head.writeInt16BE(types.length);
  parts.push(head);
  for (let i = 0; i < types.length; i++) {
    const v = row[i];
    const len = Buffer.alloc(4);
    if (v === null || v === undefined) {
      len.writeInt32BE(-1);
      parts.push(len);
      continue;
    }
    const data = encodeBinary(types[i], v);
    len.writeInt32BE(data.length);
    parts.push(len, data);
  }
  return Buffer.concat(parts);
}
