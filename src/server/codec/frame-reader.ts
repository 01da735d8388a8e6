// Splits the bytes of a client connection into messages. Before startup completes a message is
// an untyped packet (int32 length, body); afterwards each message is a type byte, an int32 length
// (counting itself) and a body. Lengths are checked as soon as the header arrives, so a negative,
// too small or oversized length is refused before any of its body is buffered.

import { ProtocolError } from "../protocol-error.js";

/** Postgres's MAX_STARTUP_PACKET_LENGTH. */
export const MAX_STARTUP_PACKET = 10_000;
/** Postgres's PQ_LARGE_MESSAGE_LIMIT (MaxAllocSize - 1): the largest message body accepted. */
export const MAX_MESSAGE_SIZE = 0x3fffffff - 1;
/** Messages that never carry much data are refused past this length (Postgres's PQ_SMALL_MESSAGE_LIMIT). */
export const MAX_SMALL_MESSAGE_SIZE = 10_000;

export interface TypedFrame {
  /** the type byte as a character: 'Q', 'P', 'B', ... */
  type: string;
  body: Buffer;
}

/** Frontend message types that may be large (query text, parameters, COPY data, passwords). */
const LARGE_TYPES = new Set(["Q", "P", "B", "d", "p", "F", "f"]);
/** Every frontend message type of protocol 3.0. */
export const FRONTEND_TYPES = new Set(["Q", "P", "B", "D", "E", "S", "H", "X", "C", "p", "d", "c", "f", "F"]);

export class FrameReader {
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly maxMessageSize = MAX_MESSAGE_SIZE) {}

  /** bytes received and not yet taken as messages */
  get buffered(): number {
    return this.size;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  /** Drops everything buffered (the connection is closing). */
  clear(): void {
    this.chunks = [];
    this.size = 0;
  }

  /** The next startup-phase packet's body (after its length), or null until it is complete. */
  nextStartup(): Buffer | null {
    if (this.size < 4) return null;
    const len = this.peekInt32(0);
    if (len < 8 || len > MAX_STARTUP_PACKET) throw new ProtocolError("invalid length of startup packet");
    if (this.size < len) return null;
    return this.take(len).subarray(4);
  }

  /** The next typed message, or null until it is complete. */
  nextTyped(): TypedFrame | null {
    if (this.size < 5) return null;
    const head = this.peek(5);
    const type = String.fromCharCode(head[0]);
    if (!FRONTEND_TYPES.has(type)) throw new ProtocolError(`invalid frontend message type ${head[0]}`);
    const len = head.readInt32BE(1);
    if (len < 4) throw new ProtocolError(`invalid message length ${len}`);
    const limit = LARGE_TYPES.has(type) ? this.maxMessageSize : MAX_SMALL_MESSAGE_SIZE;
    if (len - 4 > limit) throw new ProtocolError(`invalid message length ${len}`);
    if (this.size < len + 1) return null;
    const frame = this.take(len + 1);
    return { type, body: frame.subarray(5) };
  }

  private peekInt32(offset: number): number {
    return this.peek(offset + 4).readInt32BE(offset);
  }

  /** The first n bytes (n <= size), joining chunks only as far as needed. */
  private peek(n: number): Buffer {
    if (this.chunks[0].length >= n) return this.chunks[0];
    const parts: Buffer[] = [];
    let have = 0;
    let i = 0;
    while (have < n) {
      parts.push(this.chunks[i]);
      have += this.chunks[i].length;
      i++;
    }
    const joined = Buffer.concat(parts);
    this.chunks.splice(0, i, joined);
    return joined;
  }

  /** Removes and returns the first n bytes (n <= size). */
  private take(n: number): Buffer {
    const first = this.peek(n);
    let out: Buffer;
    if (first.length === n) {
      this.chunks.shift();
      out = first;
    } else {
      out = first.subarray(0, n);
      this.chunks[0] = first.subarray(n);
    }
    this.size -= n;
    return out;
  }
}
