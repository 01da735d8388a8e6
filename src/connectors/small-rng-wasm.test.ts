import { describe, expect, test } from "vitest";
import { WasmSmallRng, createSmallRng, smallRngKernelAvailable } from "./small-rng-wasm.js";
import { Xoshiro256PlusPlus, type SmallRng } from "./xoshiro256pp.js";

// The WebAssembly kernel must draw exactly what the JavaScript reference (itself checked against a
// BigInt model and nexmark-rs's golden values in xoshiro256pp.test.ts) draws.
describe("WasmSmallRng", () => {
  test("the kernel is available on this platform", () => {
    expect(smallRngKernelAvailable()).toBe(true);
    expect(createSmallRng()).toBeInstanceOf(WasmSmallRng);
  });

  test("every operation matches the JavaScript implementation", () => {
    const ranges32 = [1, 2, 3, 4, 6, 9, 10, 11, 13, 26, 10000, 0x200000, 0x7fffffff, 0x80000000, 0xffffffff];
    const ranges64 = [1, 2, 4, 5, 1010, 111, 333, 0x1fffff, 0x200000, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 3, 2 ** 53 - 1];
    const wasm = createSmallRng();
    const js: SmallRng = new Xoshiro256PlusPlus();
    let x = 12345;
    const rand = (n: number) => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return x % n;
    };
    for (let round = 0; round < 300; round++) {
      const hi = round % 3 === 0 ? rand(2 ** 31) * 2 : 0;
      const lo = round < 100 ? round : (rand(2 ** 31) * 2 + (round & 1)) >>> 0;
      wasm.seedFromU64(hi, lo);
      js.seedFromU64(hi, lo);
      for (let i = 0; i < 20; i++) {
        switch (rand(5)) {
          case 0:
            expect(wasm.nextU32()).toBe(js.nextU32());
            break;
          case 1:
            expect(wasm.nextF32()).toBe(js.nextF32());
            break;
          case 2: {
            const r = ranges32[rand(ranges32.length)];
            expect(wasm.rangeU32(r)).toBe(js.rangeU32(r));
            break;
          }
          case 3: {
            const r = ranges64[rand(ranges64.length)];
            expect(wasm.rangeU64(r)).toBe(js.rangeU64(r));
            break;
          }
          case 4: {
            const n = rand(120);
            const at = rand(16);
            wasm.letters(at, n);
            js.letters(at, n);
            expect(wasm.reserveScratch(at + n).toString("latin1", at, at + n)).toBe(
              js.reserveScratch(at + n).toString("latin1", at, at + n),
            );
            break;
          }
        }
      }
    }
  });

  test("instances keep separate state", () => {
    const a = createSmallRng();
    const b = createSmallRng();
    a.seedFromU64(0, 1);
    b.seedFromU64(0, 1);
    const first = a.nextU32();
    a.nextU32();
    expect(b.nextU32()).toBe(first);
  });
});
