// Content-defined chunking of an instance's operator-state bytes, so that a checkpoint after a
// small change uploads only the chunks around what changed. Boundaries are where a gear rolling
// hash of the last 32 bytes has its top 12 bits zero (after a 1 KiB minimum), so they depend on
// the content around them, not on offsets: bytes inserted or removed in one place move no
// boundary elsewhere. Each chunk is named by its SHA-256.
// The sizes are measured, not textbook (~8 KiB average, 64 KiB max): operator state is mostly
// typed arrays of low entropy (an aggregate's counts, all 1.0), where a rolling hash is periodic
// and finds no boundary, so chunks there are max-sized; and a changed group touches a dozen such
// arrays. 100 changed groups of 100k (test/cluster-incremental-checkpoints.test.ts) rewrote 54 %
// of the state with 2/8/64 KiB chunks and 30 % with 1/4/8 KiB (manifest included).

import { createHash } from "node:crypto";

const MIN_CHUNK = 1024;
const MAX_CHUNK = 8 * 1024;
/** the gear hash's top 12 bits: a boundary every 4 KiB on average past the minimum */
const BOUNDARY_MASK = 0xfff00000;

/** 256 fixed pseudo-random 32-bit values (xorshift32 from a constant seed: the same in every build) */
const GEAR = (() => {
  const table = new Uint32Array(256);
  let x = 0x9e3779b9;
  for (let i = 0; i < 256; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    table[i] = x >>> 0;
  }
  return table;
})();

/** the end offsets of the chunks `bytes` splits into (the last is bytes.length; none when empty) */
export function chunkBoundaries(bytes: Uint8Array): number[] {
  const ends: number[] = [];
  let start = 0;
  const n = bytes.length;
  while (start < n) {
    const limit = Math.min(n, start + MAX_CHUNK);
    let end = limit;
    let h = 0;
    // the bytes before the minimum only warm the hash up: a boundary needs 32 bytes of context
    for (let i = Math.min(limit, start + MIN_CHUNK - 32); i < limit; i++) {
      h = ((h << 1) + GEAR[bytes[i]]) >>> 0;
      if (i + 1 - start >= MIN_CHUNK && (h & BOUNDARY_MASK) === 0) {
        end = i + 1;
        break;
      }
    }
    ends.push(end);
    start = end;
  }
  return ends;
}

/** a chunk's name: the SHA-256 of its bytes, lowercase hex */
export function chunkHash(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export interface ContentChunk {
  /** SHA-256 of the bytes, lowercase hex */
  hash: string;
  bytes: Uint8Array;
}

/** `bytes` split at content-defined boundaries, each chunk with its hash (views into `bytes`, not copies) */
export function contentChunks(bytes: Uint8Array): ContentChunk[] {
  const out: ContentChunk[] = [];
  let start = 0;
  for (const end of chunkBoundaries(bytes)) {
    const piece = bytes.subarray(start, end);
    out.push({ hash: chunkHash(piece), bytes: piece });
    start = end;
  }
  return out;
}
