// Reads the fields of one message body (big-endian integers, NUL-terminated strings, byte runs)
// with a bounds check on every read: a field that runs past the end of the message is a
// ProtocolError, as is a body with bytes left over once all of its fields are read.

import { ProtocolError } from "../protocol-error.js";

export class MessageCursor {
  private pos = 0;

  constructor(
    private readonly buf: Buffer,
    /** the message's name, for error text */
    private readonly what: string,
  ) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  private need(n: number): void {
    if (n < 0 || this.pos + n > this.buf.length) {
      throw new ProtocolError(`invalid ${this.what} message format`);
    }
  }

  byte(): number {
    this.need(1);
    return this.buf[this.pos++];
  }

  int16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  int32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  /** A NUL-terminated UTF-8 string. */
  cstring(): string {
    const end = this.buf.indexOf(0, this.pos);
    if (end < 0) throw new ProtocolError(`invalid string in ${this.what} message`);
    const s = this.buf.toString("utf8", this.pos, end);
    this.pos = end + 1;
    return s;
  }

  bytes(n: number): Buffer {
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  /** The rest of the body. */
  rest(): Buffer {
    const b = this.buf.subarray(this.pos);
    this.pos = this.buf.length;
    return b;
  }

  /** Every field has been read: leftover bytes mean a malformed message. */
  end(): void {
    if (this.pos !== this.buf.length) throw new ProtocolError(`invalid ${this.what} message format`);
  }
}
