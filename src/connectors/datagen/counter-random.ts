// Counter-based randomness for datagen: the k-th draw of row r of a column is a pure function of
// (column seed, r, k), so any row can be produced on its own (seeking is free) and chunks fill in
// plain loops over typed arrays. The mixer is MurmurHash3's 32-bit finalizer, a bijection with
// full avalanche; this is test data, not cryptography.

export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 64-bit seed as two 32-bit words. */
export interface Seed64 {
  hi: number;
  lo: number;
}

export function seed64(seed: bigint): Seed64 {
  const s = BigInt.asUintN(64, seed);
  return { hi: Number(s >> 32n), lo: Number(s & 0xffffffffn) };
}

/** The key of row `row` (a non-negative safe integer) under a seed. */
export function rowKey(seed: Seed64, row: number): number {
  const lo = row >>> 0;
  const hi = Math.floor(row / 4294967296) | 0;
  return mix32(seed.lo ^ mix32((lo + mix32(hi ^ seed.hi ^ 0x5bd1e995)) | 0));
}

/** The k-th uniform 32-bit draw of a row (unsigned). */
export function draw32(key: number, k: number): number {
  return mix32((key + Math.imul(k + 1, 0x9e3779b9)) | 0);
}

/** A uniform double in [0, 1) with 53 random bits, from draws k and k + 1. */
export function unit53(key: number, k: number): number {
  return (draw32(key, k) * 2097152 + (draw32(key, k + 1) >>> 11)) * 1.1102230246251565e-16;
}
