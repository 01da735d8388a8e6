import { describe, expect, test } from "vitest";
import { Xoshiro256PlusPlus } from "./xoshiro256pp.js";

// A straightforward BigInt model of rand 0.8's SmallRng (PCG32-filled seed, Xoshiro256++) and of
// its integer sampler, to check the 32-bit-halves implementation against.
const M64 = (1n << 64n) - 1n;
const M32 = (1n << 32n) - 1n;

function referenceSeed(seed: bigint): bigint[] {
  let st = seed & M64;
  const words: bigint[] = [];
  for (let i = 0; i < 8; i++) {
    st = (st * 6364136223846793005n + 11634580027462260723n) & M64;
    const x = Number((((st >> 18n) ^ st) >> 27n) & M32);
    const rot = Number(st >> 59n);
    words.push(BigInt(rot === 0 ? x : ((x >>> rot) | (x << (32 - rot))) >>> 0));
  }
  return [0, 1, 2, 3].map((k) => words[2 * k] | (words[2 * k + 1] << 32n));
}

function referenceRng(seed: bigint): () => bigint {
  const s = referenceSeed(seed);
  const rotl = (x: bigint, k: number) => ((x << BigInt(k)) | (x >> BigInt(64 - k))) & M64;
  return () => {
    const r = (rotl((s[0] + s[3]) & M64, 23) + s[0]) & M64;
    const t = (s[1] << 17n) & M64;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return r;
  };
}

/** rand 0.8 `gen_range(0..range)` for a type whose sampling width is `bits` (32 or 64). */
function referenceRange(next: () => bigint, range: bigint, bits: 32 | 64): number {
  const mask = bits === 32 ? M32 : M64;
  const lz = BigInt(bits - range.toString(2).length);
  const zone = ((range << lz) - 1n) & mask;
  for (;;) {
    const v = bits === 32 ? next() >> 32n : next();
    const p = v * range;
    if ((p & mask) <= zone) return Number(p >> BigInt(bits));
  }
}

function words(rng: Xoshiro256PlusPlus): bigint {
  const hi = rng.nextU64();
  return (BigInt(hi) << 32n) | BigInt(rng.lo);
}

describe("Xoshiro256PlusPlus (rand 0.8 SmallRng)", () => {
  test("the stream matches the BigInt reference for several seeds", () => {
    for (const seed of [0n, 1n, 2n, 49n, 123456789n, (1n << 40n) + 7n, M64]) {
      const ref = referenceRng(seed);
      const rng = new Xoshiro256PlusPlus(Number(seed >> 32n), Number(seed & M32));
      for (let i = 0; i < 50; i++) expect(words(rng)).toBe(ref());
    }
  });

  test("rangeU32 and rangeU64 follow rand's widening multiply with its rejection zone", () => {
    const ranges = [1, 2, 3, 4, 6, 9, 10, 11, 13, 26, 100, 1010, 10000, 65536, 0x1fffff, 0x200000, 0x7fffffff, 0xfffffffe];
    for (const r of ranges) {
      const ref = referenceRng(BigInt(r));
      const rng = new Xoshiro256PlusPlus(0, r);
      for (let i = 0; i < 40; i++) expect(rng.rangeU32(r)).toBe(referenceRange(ref, BigInt(r), 32));
      const ref64 = referenceRng(BigInt(r) + (1000n << 32n));
      const rng64 = new Xoshiro256PlusPlus(1000, r);
      for (let i = 0; i < 40; i++) expect(rng64.rangeU64(r)).toBe(referenceRange(ref64, BigInt(r), 64));
    }
  });

  test("letter() is gen_range(b'a'..=b'z') (u8 sampler with the modulus zone)", () => {
    const ref = referenceRng(77n);
    const rng = new Xoshiro256PlusPlus(0, 77);
    const zone = 4294967295n - ((4294967296n - 26n) % 26n);
    for (let i = 0; i < 200; i++) {
      let expected = -1;
      while (expected < 0) {
        const p = (ref() >> 32n) * 26n;
        if ((p & M32) <= zone) expected = 97 + Number(p >> 32n);
      }
      expect(rng.letter()).toBe(expected);
    }
    const a = new Xoshiro256PlusPlus(0, 5);
    const b = new Xoshiro256PlusPlus(0, 5);
    const buf = new Uint8Array(300);
    a.fillLetters(buf, 0, 300);
    for (let i = 0; i < 300; i++) expect(buf[i]).toBe(b.letter());
  });

  test("nextF32 is gen::<f32>(): 24 high bits of next_u32 scaled to [0, 1)", () => {
    const ref = referenceRng(9n);
    const rng = new Xoshiro256PlusPlus(0, 9);
    for (let i = 0; i < 20; i++) expect(rng.nextF32()).toBe(Number(ref() >> 40n) / 2 ** 24);
  });
});
