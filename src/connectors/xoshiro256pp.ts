// Xoshiro256++ with the seeding and sampling rules of Rust's `rand` 0.8, whose `SmallRng` (on
// 64-bit targets) it is. The Nexmark generator (nexmark-rs, the one RisingWave ships) seeds one
// `SmallRng::seed_from_u64(event_id)` per event and draws every field from it; reproducing the
// generator, its seeding (PCG32-filled, as rand 0.8's SmallRng does) and rand's integer/float sampling bit for bit lets our
// Nexmark events be the same events, not merely events of the same model.
//
// 64-bit words live as two 32-bit halves in an Int32Array (no BigInt, no per-draw allocation).
// (The golden values in nexmark-rs's own test, event 0 → "vicky noris", "yplkvgz@qbxfg.com",
// "7878 5821 1864 2539", are reproduced by xoshiro256pp.test.ts and the nexmark tests.)
// Samplers follow rand 0.8's `UniformInt::sample_single_inclusive`: the widening multiply with
// rejection zone `(range << leading_zeros) - 1` for 32- and 64-bit types, and the exact modulus
// zone for 8/16-bit types (used by `gen_range(b'a'..=b'z')`).

const TWO32 = 4294967296;
const INV32 = 1 / TWO32;

// scratch result of mul64 (avoids allocating a pair)
let mulHi = 0;
let mulLo = 0;

/** (ah:al) * (bh:bl) mod 2^64, into mulHi:mulLo (unsigned words). */
function mul64(ah: number, al: number, bh: number, bl: number): void {
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const b0 = bl & 0xffff;
  const b1 = bl >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const p11 = a1 * b1;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  const hiOfLow = p11 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
  mulLo = Math.imul(al, bl) >>> 0;
  mulHi = (hiOfLow + Math.imul(ah, bl) + Math.imul(al, bh)) >>> 0;
}

/** Rejection zone of rand's u32/u64 widening-multiply sampler, for the high word (range < 2^32). */
function zoneOf(range: number): number {
  return ((range << Math.clz32(range)) >>> 0) - 1;
}

/** The draws the Nexmark generator makes, as rand 0.8's `SmallRng` makes them. */
export interface SmallRng {
  /** `SmallRng::seed_from_u64(seedHi:seedLo)` */
  seedFromU64(seedHi: number, seedLo: number): void;
  /** `next_u32` */
  nextU32(): number;
  /** `gen::<f32>()` */
  nextF32(): number;
  /** `gen_range(0..range)` for 32-bit types; 1 <= range < 2^32 */
  rangeU32(range: number): number;
  /** `gen_range(0..range)` for usize/u64; 1 <= range < 2^53 */
  rangeU64(range: number): number;
  /** `n` × `gen_range(b'a'..=b'z')` into `scratch[at .. at + n)` */
  letters(at: number, n: number): void;
  /** the byte buffer `letters` writes to, with room for at least n bytes */
  reserveScratch(n: number): Buffer;
}

export class Xoshiro256PlusPlus implements SmallRng {
  /** s0..s3 as [hi, lo] int32 pairs */
  readonly s = new Int32Array(8);
  /** the low word of the last `nextU64()` (its high word is the return value) */
  lo = 0;

  constructor(seedHi = 0, seedLo = 0) {
    this.seedFromU64(seedHi, seedLo);
  }

  /**
   * `SmallRng::seed_from_u64` of rand 0.8: rand_core's default seeding, which fills the 256-bit
   * seed with eight outputs of PCG32 (XSH-RR) started at the given state (seedHi:seedLo), read as
   * four little-endian u64 words. (Xoshiro256PlusPlus's own seed_from_u64 uses SplitMix64, but
   * SmallRng 0.8 does not forward to it.)
   */
  seedFromU64(seedHi: number, seedLo: number): void {
    pcgStatesOf(seedHi >>> 0, seedLo >>> 0, PCG_SCRATCH);
    this.seedFromPcgStates(PCG_SCRATCH);
  }

  /** Loads the seed from the eight successive PCG32 states (hi/lo pairs) of a seeding. */
  seedFromPcgStates(st: Int32Array): void {
    const s = this.s;
    for (let k = 0; k < 8; k++) {
      const sh = st[2 * k];
      const sl = st[2 * k + 1];
      // xorshifted = ((state >> 18) ^ state) >> 27, truncated to 32 bits; rot = state >> 59
      const xh = sh ^ (sh >>> 18);
      const xl = sl ^ ((sl >>> 18) | (sh << 14));
      const x = (xl >>> 27) | (xh << 5);
      const rot = sh >>> 27;
      // seed word k/2: even outputs are the low halves (little-endian bytes)
      s[(k >> 1) * 2 + ((k & 1) ^ 1)] = (x >>> rot) | (x << (32 - rot));
    }
  }

  /** `next_u64`; returns the high word (unsigned) and leaves the low word in `this.lo`. */
  nextU64(): number {
    const s = this.s;
    let h0 = s[0], l0 = s[1], h1 = s[2], l1 = s[3], h2 = s[4], l2 = s[5], h3 = s[6], l3 = s[7];
    // result = rotl(s0 + s3, 23) + s0, in int32 halves (carries by unsigned comparison)
    const sumL = (l0 + l3) | 0;
    const sumH = (h0 + h3 + ((sumL >>> 0) < (l0 >>> 0) ? 1 : 0)) | 0;
    const rh = (sumH << 23) | (sumL >>> 9);
    const rl = (sumL << 23) | (sumH >>> 9);
    const outL = (rl + l0) | 0;
    const outH = (rh + h0 + ((outL >>> 0) < (l0 >>> 0) ? 1 : 0)) | 0;
    // t = s1 << 17
    const th = (h1 << 17) | (l1 >>> 15);
    const tl = l1 << 17;
    h2 ^= h0; l2 ^= l0;
    h3 ^= h1; l3 ^= l1;
    h1 ^= h2; l1 ^= l2;
    h0 ^= h3; l0 ^= l3;
    h2 ^= th; l2 ^= tl;
    // s3 = rotl(s3, 45)
    s[6] = (l3 << 13) | (h3 >>> 19);
    s[7] = (h3 << 13) | (l3 >>> 19);
    s[0] = h0; s[1] = l0; s[2] = h1; s[3] = l1; s[4] = h2; s[5] = l2;
    this.lo = outL >>> 0;
    return outH >>> 0;
  }

  /** `next_u32`: the upper half of `next_u64`. */
  nextU32(): number {
    return this.nextU64();
  }

  /** `gen_range(0..range)` for a 32-bit (or i32/u32) integer type; 1 <= range < 2^32. */
  rangeU32(range: number): number {
    const zone = zoneOf(range);
    if (range < 0x200000) {
      for (;;) {
        const p = this.nextU64() * range;
        const hi = Math.floor(p * INV32);
        if (p - hi * TWO32 <= zone) return hi;
      }
    }
    for (;;) {
      const v = this.nextU64();
      const { hi, lo } = wideMul32(v, range);
      if (lo <= zone) return hi;
    }
  }

  /** `gen_range(0..range)` for a 64-bit (usize/u64) integer type; 1 <= range < 2^53. */
  rangeU64(range: number): number {
    if (range < 0x200000) {
      // v * range = (vh * 2^32 + vl) * range, exact in doubles while range < 2^21
      const zoneHi = (range << Math.clz32(range)) >>> 0; // zone = zoneHi:0 - 1
      for (;;) {
        const vh = this.nextU64();
        const mid = vh * range + Math.floor(this.lo * range * INV32);
        const hi = Math.floor(mid * INV32);
        const loHi = mid - hi * TWO32; // high word of the low 64 bits of the product
        if (loHi < zoneHi) return hi;
      }
    }
    return this.rangeU64Big(range);
  }

  private rangeU64Big(range: number): number {
    const r = BigInt(range);
    const zone = ((r << BigInt(64 - r.toString(2).length)) - 1n) & 0xffffffffffffffffn;
    for (;;) {
      const vh = this.nextU64();
      const v = (BigInt(vh) << 32n) | BigInt(this.lo);
      const p = v * r;
      if ((p & 0xffffffffffffffffn) <= zone) return Number(p >> 64n);
    }
  }

  /** `gen_range(b'a'..=b'z')`: a lowercase ASCII letter code (u8 sampler, modulus zone). */
  letter(): number {
    for (;;) {
      const p = this.nextU64() * 26;
      const hi = Math.floor(p * INV32);
      if (p - hi * TWO32 <= 4294967273) return 97 + hi;
    }
  }

  private scratch = Buffer.alloc(256);

  reserveScratch(n: number): Buffer {
    if (this.scratch.length < n) this.scratch = Buffer.alloc(Math.max(n, this.scratch.length * 2));
    return this.scratch;
  }

  letters(at: number, n: number): void {
    this.fillLetters(this.reserveScratch(at + n), at, n);
  }

  /** Fills `out[at .. at+n)` with `letter()`s (one inlined loop). */
  fillLetters(out: Uint8Array, at: number, n: number): void {
    const s = this.s;
    let h0 = s[0], l0 = s[1], h1 = s[2], l1 = s[3], h2 = s[4], l2 = s[5], h3 = s[6], l3 = s[7];
    let i = 0;
    while (i < n) {
      const sumL = (l0 + l3) | 0;
      const sumH = (h0 + h3 + ((sumL >>> 0) < (l0 >>> 0) ? 1 : 0)) | 0;
      const rh = (sumH << 23) | (sumL >>> 9);
      const rl = (sumL << 23) | (sumH >>> 9);
      const outL = (rl + l0) | 0;
      const outH = (rh + h0 + ((outL >>> 0) < (l0 >>> 0) ? 1 : 0)) >>> 0;
      const th = (h1 << 17) | (l1 >>> 15);
      const tl = l1 << 17;
      h2 ^= h0; l2 ^= l0;
      h3 ^= h1; l3 ^= l1;
      h1 ^= h2; l1 ^= l2;
      h0 ^= h3; l0 ^= l3;
      h2 ^= th; l2 ^= tl;
      const nh = (l3 << 13) | (h3 >>> 19);
      l3 = (h3 << 13) | (l3 >>> 19);
      h3 = nh;
      const p = outH * 26;
      const hi = Math.floor(p * INV32);
      if (p - hi * TWO32 <= 4294967273) out[at + i++] = 97 + hi;
    }
    s[0] = h0; s[1] = l0; s[2] = h1; s[3] = l1; s[4] = h2; s[5] = l2; s[6] = h3; s[7] = l3;
  }

  /** Advances as `letters` would, writing nothing. */
  skipLetters(n: number): void {
    for (let i = 0; i < n; i++) this.letter();
  }

  /** `gen::<f32>()`: 24 random bits scaled into [0, 1). */
  nextF32(): number {
    return (this.nextU64() >>> 8) * 5.9604644775390625e-8;
  }
}

/** Full 32x32 → 64 multiply as unsigned words. */
function wideMul32(a: number, b: number): { hi: number; lo: number } {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const p11 = a1 * b1;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return {
    hi: (p11 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) >>> 0,
    lo: Math.imul(a, b) >>> 0,
  };
}

// ---- PCG32 seeding, and a seeder for runs of consecutive seeds ------------------------------

const PCG_MUL = 6364136223846793005n;
const PCG_INC = 11634580027462260723n;
const U64 = 0xffffffffffffffffn;

/** MUL^k and the state after k steps from 0, for k = 1..8: state_k(s) = s·MUL^k + OFF_k. */
const PCG_POW = new Int32Array(16);
const PCG_OFF = new Int32Array(16);
{
  let p = 1n;
  let c = 0n;
  for (let k = 0; k < 8; k++) {
    p = (p * PCG_MUL) & U64;
    c = (c * PCG_MUL + PCG_INC) & U64;
    PCG_POW[2 * k] = Number(p >> 32n);
    PCG_POW[2 * k + 1] = Number(p & 0xffffffffn);
    PCG_OFF[2 * k] = Number(c >> 32n);
    PCG_OFF[2 * k + 1] = Number(c & 0xffffffffn);
  }
}

const PCG_SCRATCH = new Int32Array(16);

/** The eight PCG32 states visited when seeding from (seedHi:seedLo), into `out` (hi/lo pairs). */
function pcgStatesOf(seedHi: number, seedLo: number, out: Int32Array): void {
  for (let k = 0; k < 8; k++) {
    mul64(seedHi, seedLo, PCG_POW[2 * k] >>> 0, PCG_POW[2 * k + 1] >>> 0);
    const lo = mulLo + (PCG_OFF[2 * k + 1] >>> 0);
    out[2 * k] = mulHi + PCG_OFF[2 * k] + (lo >= TWO32 ? 1 : 0);
    out[2 * k + 1] = lo;
  }
}
