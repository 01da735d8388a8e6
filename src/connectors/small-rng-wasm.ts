// The Nexmark generator's random kernel in WebAssembly: the same rand 0.8 SmallRng as
// xoshiro256pp.ts (PCG32-filled seed, Xoshiro256++, rand's widening-multiply samplers), but with
// native 64-bit integers. JavaScript has to emulate every 64-bit step with pairs of 32-bit words,
// which makes the per-letter draws of Nexmark's padding strings the generator's bottleneck; here
// a draw is a handful of machine instructions.
//
// The module is assembled below from named opcodes (no toolchain, no dependency); each function
// is written out in WebAssembly text format in the comment above its code. xoshiro256pp.ts stays
// the reference (and the fallback where WebAssembly is missing or memory is big-endian); the
// tests check that both produce the same draws.

import { Xoshiro256PlusPlus, type SmallRng } from "./xoshiro256pp.js";

// ---- a minimal WebAssembly binary emitter ---------------------------------------------------

const I32 = 0x7f;
const I64 = 0x7e;
const F64 = 0x7c;
const EMPTY = 0x40;

const op = {
  unreachable: 0x00,
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  return: 0x0f,
  call: 0x10,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  globalGet: 0x23,
  globalSet: 0x24,
  i32Store8: 0x3a,
  i32Const: 0x41,
  i64Const: 0x42,
  i32Eqz: 0x45,
  i32LeU: 0x4d,
  i64LeU: 0x58,
  i32Clz: 0x67,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Shl: 0x74,
  i32Rotr: 0x78,
  i64Clz: 0x79,
  i64Add: 0x7c,
  i64Sub: 0x7d,
  i64Mul: 0x7e,
  i64And: 0x83,
  i64Or: 0x84,
  i64Xor: 0x85,
  i64Shl: 0x86,
  i64ShrU: 0x88,
  i64Rotl: 0x89,
  i32WrapI64: 0xa7,
  i64ExtendI32U: 0xad,
  f64ConvertI64U: 0xba,
} as const;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(v: bigint): number[] {
  const out: number[] = [];
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    const done = (v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0);
    out.push(done ? b : b | 0x80);
    if (done) return out;
  }
}

const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const name = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
const i64c = (v: bigint): number[] => [op.i64Const, ...sleb(BigInt.asIntN(64, v))];
const i32c = (v: number): number[] => [op.i32Const, ...sleb(BigInt(v | 0))];
const get = (i: number): number[] => [op.localGet, i];
const set = (i: number): number[] => [op.localSet, i];
const tee = (i: number): number[] => [op.localTee, i];
const gget = (i: number): number[] => [op.globalGet, i];
const gset = (i: number): number[] => [op.globalSet, i];

function func(locals: number[], body: number[]): number[] {
  const decl = vec(locals.map((t) => [1, t]));
  const code = [...decl, ...body, op.end];
  return [...uleb(code.length), ...code];
}

// globals: the xoshiro state s0..s3, and the low word of the last nextHi()
const S0 = 0, S1 = 1, S2 = 2, S3 = 3, LO = 4;
// functions
const F_NEXT = 0, F_SEED = 1, F_NEXT_HI = 2, F_RANGE_U32 = 3, F_RANGE_U64 = 4, F_LETTERS = 5;
const M32 = 0xffffffffn;
const MEMORY_PAGES = 32; // 2 MiB: room for the longest padding string (avg byte sizes ≤ 1e6)

function assemble(): Uint8Array {
  const types = [
    [0x60, ...vec([[I32], [I32]]), ...vec([])], // 0: (i32 i32) -> ()
    [0x60, ...vec([]), ...vec([[I64]])], // 1: () -> i64
    [0x60, ...vec([]), ...vec([[I32]])], // 2: () -> i32
    [0x60, ...vec([[I32]]), ...vec([[I32]])], // 3: (i32) -> i32
    [0x60, ...vec([[I32], [I32]]), ...vec([[F64]])], // 4: (i32 i32) -> f64
  ];
  const funcTypes = [1, 0, 2, 3, 4, 0];

  // (func $next (result i64) (local $r i64) (local $t i64)
  //   r = rotl(s0 + s3, 23) + s0; t = s1 << 17
  //   s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 45); r)
  const next = func([I64, I64], [
    ...gget(S0), ...gget(S3), op.i64Add, ...i64c(23n), op.i64Rotl, ...gget(S0), op.i64Add, ...set(0),
    ...gget(S1), ...i64c(17n), op.i64Shl, ...set(1),
    ...gget(S2), ...gget(S0), op.i64Xor, ...gset(S2),
    ...gget(S3), ...gget(S1), op.i64Xor, ...gset(S3),
    ...gget(S1), ...gget(S2), op.i64Xor, ...gset(S1),
    ...gget(S0), ...gget(S3), op.i64Xor, ...gset(S0),
    ...gget(S2), ...get(1), op.i64Xor, ...gset(S2),
    ...gget(S3), ...i64c(45n), op.i64Rotl, ...gset(S3),
    ...get(0),
  ]);

  // (func $seed (param $lo i32) (param $hi i32) (local $st i64) (local $a i64)
  //   st = hi:lo; then 8 PCG32 steps, outputs paired little-endian into s0..s3)
  // one PCG32 step: st = st * MUL + INC; out = rotr32(wrap(((st >> 18) ^ st) >> 27), wrap(st >> 59))
  const pcg = [
    ...get(2), ...i64c(6364136223846793005n), op.i64Mul, ...i64c(11634580027462260723n), op.i64Add, ...tee(2),
    ...i64c(18n), op.i64ShrU, ...get(2), op.i64Xor, ...i64c(27n), op.i64ShrU, op.i32WrapI64,
    ...get(2), ...i64c(59n), op.i64ShrU, op.i32WrapI64,
    op.i32Rotr, op.i64ExtendI32U,
  ];
  const seedBody: number[] = [
    ...get(0), op.i64ExtendI32U, ...get(1), op.i64ExtendI32U, ...i64c(32n), op.i64Shl, op.i64Or, ...set(2),
  ];
  for (const g of [S0, S1, S2, S3]) seedBody.push(...pcg, ...set(3), ...pcg, ...i64c(32n), op.i64Shl, ...get(3), op.i64Or, ...gset(g));
  const seed = func([I64, I64], seedBody);

  // The functions below keep the state in locals while they draw: `load` copies the globals in,
  // `store` copies them back, and `step(t)` is $next's body on locals a..a+3 (leaving r on the
  // stack; local t is scratch). Locals are registers; globals are memory.
  const load = (a: number) => [...gget(S0), ...set(a), ...gget(S1), ...set(a + 1), ...gget(S2), ...set(a + 2), ...gget(S3), ...set(a + 3)];
  const store = (a: number) => [...get(a), ...gset(S0), ...get(a + 1), ...gset(S1), ...get(a + 2), ...gset(S2), ...get(a + 3), ...gset(S3)];
  const step = (a: number, t: number) => {
    const [s0, s1, s2, s3] = [a, a + 1, a + 2, a + 3];
    return [
      ...get(s0), ...get(s3), op.i64Add, ...i64c(23n), op.i64Rotl, ...get(s0), op.i64Add,
      ...get(s1), ...i64c(17n), op.i64Shl, ...set(t),
      ...get(s2), ...get(s0), op.i64Xor, ...set(s2),
      ...get(s3), ...get(s1), op.i64Xor, ...set(s3),
      ...get(s1), ...get(s2), op.i64Xor, ...set(s1),
      ...get(s0), ...get(s3), op.i64Xor, ...set(s0),
      ...get(s2), ...get(t), op.i64Xor, ...set(s2),
      ...get(s3), ...i64c(45n), op.i64Rotl, ...set(s3),
    ];
  };

  // (func $nextHi (result i32) (local $r i64)
  //   r = $next(); lo = wrap(r); wrap(r >> 32))
  const nextHi = func([I64], [
    op.call, F_NEXT, ...tee(0), op.i32WrapI64, ...gset(LO),
    ...get(0), ...i64c(32n), op.i64ShrU, op.i32WrapI64,
  ]);

  // (func $rangeU32 (param $range i32) (result i32) (local $zone i32) (local $p i64) (local s0..s3 t i64)
  //   zone = (range << clz(range)) - 1
  //   loop: p = (next() >> 32) * range; if wrap(p) <=u zone: return wrap(p >> 32))
  // locals: 0 range, 1 zone, 2 p, 3..6 state, 7 t
  const rangeU32 = func([I32, I64, I64, I64, I64, I64, I64], [
    ...load(3),
    ...get(0), ...get(0), op.i32Clz, op.i32Shl, ...i32c(1), op.i32Sub, ...set(1),
    op.loop, EMPTY,
    ...step(3, 7), ...i64c(32n), op.i64ShrU, ...get(0), op.i64ExtendI32U, op.i64Mul, ...tee(2),
    op.i32WrapI64, ...get(1), op.i32LeU,
    op.if, EMPTY, ...store(3), ...get(2), ...i64c(32n), op.i64ShrU, op.i32WrapI64, op.return, op.end,
    op.br, 0,
    op.end,
    op.unreachable,
  ]);

  // (func $rangeU64 (param $lo i32) (param $hi i32) (result f64)
  //   (local $r i64) (local $zone i64) (local $v i64) (local $ll i64) (local $lh i64) (local $cross i64)
  //   (local s0..s3 t i64)
  //   r = hi:lo; zone = (r << clz(r)) - 1
  //   loop: v = next(); the 128-bit v * r from 32-bit partial products:
  //     ll = vl*rl; lh = vl*rh; cross = (ll >> 32) + (lh & M32) + vh*rl
  //     low = (cross << 32) | (ll & M32); high = vh*rh + (lh >> 32) + (cross >> 32)
  //     if low <=u zone: return f64(high))
  const R = 2, ZONE = 3, V = 4, LL = 5, LH = 6, CROSS = 7, ST = 8, T = 12;
  const rangeU64 = func([I64, I64, I64, I64, I64, I64, I64, I64, I64, I64, I64], [
    ...load(ST),
    ...get(0), op.i64ExtendI32U, ...get(1), op.i64ExtendI32U, ...i64c(32n), op.i64Shl, op.i64Or, ...tee(R),
    ...get(R), op.i64Clz, op.i64Shl, ...i64c(1n), op.i64Sub, ...set(ZONE),
    op.loop, EMPTY,
    ...step(ST, T), ...set(V),
    ...get(V), ...i64c(M32), op.i64And, ...get(R), ...i64c(M32), op.i64And, op.i64Mul, ...set(LL),
    ...get(V), ...i64c(M32), op.i64And, ...get(R), ...i64c(32n), op.i64ShrU, op.i64Mul, ...set(LH),
    ...get(LL), ...i64c(32n), op.i64ShrU, ...get(LH), ...i64c(M32), op.i64And, op.i64Add,
    ...get(V), ...i64c(32n), op.i64ShrU, ...get(R), ...i64c(M32), op.i64And, op.i64Mul, op.i64Add, ...set(CROSS),
    ...get(CROSS), ...i64c(32n), op.i64Shl, ...get(LL), ...i64c(M32), op.i64And, op.i64Or, ...get(ZONE), op.i64LeU,
    op.if, EMPTY,
    ...store(ST),
    ...get(V), ...i64c(32n), op.i64ShrU, ...get(R), ...i64c(32n), op.i64ShrU, op.i64Mul,
    ...get(LH), ...i64c(32n), op.i64ShrU, op.i64Add, ...get(CROSS), ...i64c(32n), op.i64ShrU, op.i64Add,
    op.f64ConvertI64U, op.return,
    op.end,
    op.br, 0,
    op.end,
    op.unreachable,
  ]);

  // (func $letters (param $at i32) (param $n i32) (local $p i64) (local s0..s3 t i64)
  //   while n != 0: p = (next() >> 32) * 26
  //     if (p & M32) <=u 4294967273 (u8 sampler zone for 26): mem[at++] = 97 + wrap(p >> 32); n--)
  const letters = func([I64, I64, I64, I64, I64, I64], [
    ...load(3),
    op.block, EMPTY,
    op.loop, EMPTY,
    ...get(1), op.i32Eqz, op.brIf, 1,
    ...step(3, 7), ...i64c(32n), op.i64ShrU, ...i64c(26n), op.i64Mul, ...tee(2),
    ...i64c(M32), op.i64And, ...i64c(4294967273n), op.i64LeU,
    op.if, EMPTY,
    ...get(0), ...get(2), ...i64c(32n), op.i64ShrU, op.i32WrapI64, ...i32c(97), op.i32Add, op.i32Store8, 0, 0,
    ...get(0), ...i32c(1), op.i32Add, ...set(0),
    ...get(1), ...i32c(1), op.i32Sub, ...set(1),
    op.end,
    op.br, 0,
    op.end,
    op.end,
    ...store(3),
  ]);

  const globals = [S0, S1, S2, S3].map(() => [I64, 1, ...i64c(0n), op.end]);
  globals.push([I32, 1, ...i32c(0), op.end]);
  const exports = [
    [...name("memory"), 0x02, 0],
    [...name("seed"), 0x00, F_SEED],
    [...name("nextHi"), 0x00, F_NEXT_HI],
    [...name("rangeU32"), 0x00, F_RANGE_U32],
    [...name("rangeU64"), 0x00, F_RANGE_U64],
    [...name("letters"), 0x00, F_LETTERS],
  ];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(3, vec(funcTypes.map((t) => [t]))),
    ...section(5, vec([[0x00, ...uleb(MEMORY_PAGES)]])),
    ...section(6, vec(globals)),
    ...section(7, vec(exports)),
    ...section(10, vec([next, seed, nextHi, rangeU32, rangeU64, letters])),
  ];
  return Uint8Array.from(bytes);
}

// The few WebAssembly APIs used (the project's TypeScript libs do not declare WebAssembly).
interface WasmModule {
  readonly __wasmModule?: never;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule) => { exports: unknown };
}
const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

interface KernelExports {
  memory: { buffer: ArrayBuffer };
  seed(lo: number, hi: number): void;
  nextHi(): number;
  rangeU32(range: number): number;
  rangeU64(lo: number, hi: number): number;
  letters(at: number, n: number): void;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

let compiled: WasmModule | null | undefined;

function kernelModule(): WasmModule | null {
  if (compiled === undefined) {
    try {
      compiled = LITTLE_ENDIAN && wasmApi !== undefined ? new wasmApi.Module(assemble()) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/** SmallRng on the WebAssembly kernel; each instance owns its module instance (its own state). */
export class WasmSmallRng implements SmallRng {
  readonly scratch: Buffer;
  private readonly k: KernelExports;

  constructor(module: WasmModule) {
    this.k = new wasmApi!.Instance(module).exports as unknown as KernelExports;
    this.scratch = Buffer.from(this.k.memory.buffer);
  }

  seedFromU64(seedHi: number, seedLo: number): void {
    this.k.seed(seedLo | 0, seedHi | 0);
  }

  nextU32(): number {
    return this.k.nextHi() >>> 0;
  }

  nextF32(): number {
    return (this.k.nextHi() >>> 8) * 5.9604644775390625e-8;
  }

  rangeU32(range: number): number {
    return this.k.rangeU32(range | 0) >>> 0;
  }

  rangeU64(range: number): number {
    return this.k.rangeU64(range | 0, Math.floor(range / 4294967296) | 0);
  }

  letters(at: number, n: number): void {
    if (at + n > this.scratch.length) throw new RangeError("letters beyond the kernel's scratch memory");
    this.k.letters(at, n);
  }

  reserveScratch(n: number): Buffer {
    if (n > this.scratch.length) throw new RangeError("string longer than the kernel's scratch memory");
    return this.scratch;
  }
}

/** A SmallRng on the WebAssembly kernel where possible, else the JavaScript implementation. */
export function createSmallRng(): SmallRng {
  const m = kernelModule();
  return m === null ? new Xoshiro256PlusPlus() : new WasmSmallRng(m);
}

/** Whether the WebAssembly kernel is in use (for benchmarks and tests). */
export function smallRngKernelAvailable(): boolean {
  return kernelModule() !== null;
}
