// Exchange frames round-trip exactly: chunks of every SQL type (seeded random values, NULLs,
// edge values such as -0, NaN, int64 extremes, numeric scales and specials), with and without ops,
// plus barriers, watermarks and credits; bad bytes fail with 08P01, not a crash.
import { describe, expect, it } from "vitest";
import { Chunk, Column, Decimal, Interval, Jsonb, SqlError, Types, type DataType } from "../types/index.js";
import { arrowFrameCodec, decodeFrame, decodeFrameHeader, encodeFrame, frameKind, stateFrameCodec, type FrameHeader } from "./exchange-frames.js";

/** mulberry32: a small seeded PRNG, so a failing seed replays */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Gen = (r: () => number) => unknown;
const int = (r: () => number, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

function anyDouble(r: () => number): number {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setUint32(0, Math.floor(r() * 2 ** 32));
  dv.setUint32(4, Math.floor(r() * 2 ** 32));
  return dv.getFloat64(0);
}

function text(r: () => number): string {
  const alphabet = ["a", "Z", " ", "'", '"', "\\", "é", "ß", "中", "😀", "\n", "\t", ",", "{", "}"];
  let s = "";
  for (let i = int(r, 0, 12); i > 0; i--) s += pick(r, alphabet);
  return s;
}

function decimal(r: () => number): Decimal {
  if (r() < 0.1) return pick(r, [Decimal.NaN, Decimal.POSITIVE_INFINITY, Decimal.NEGATIVE_INFINITY, Decimal.parse("0.000"), Decimal.parse("-0.5")]);
  let digits = String(int(r, 1, 9));
  for (let i = int(r, 0, 40); i > 0; i--) digits += String(int(r, 0, 9));
  const scale = int(r, 0, Math.min(20, digits.length));
  const s = scale === 0 ? digits : `${digits.slice(0, digits.length - scale) || "0"}.${digits.slice(digits.length - scale)}`;
  return Decimal.parse(r() < 0.5 ? "-" + s : s);
}

function json(r: () => number, depth = 0): string {
  const k = depth > 2 ? int(r, 0, 3) : int(r, 0, 5);
  switch (k) {
    case 0:
      return "null";
    case 1:
      return r() < 0.5 ? "true" : "false";
    case 2:
      return pick(r, ["0", "1.50", "-12.000", "1e3", "123456789012345678901234567890.5"]);
    case 3:
      return JSON.stringify(text(r));
    case 4:
      return `[${Array.from({ length: int(r, 0, 3) }, () => json(r, depth + 1)).join(",")}]`;
    default:
      return `{${Array.from({ length: int(r, 0, 3) }, (_, i) => `${JSON.stringify("k" + i + text(r))}: ${json(r, depth + 1)}`).join(",")}}`;
  }
}

const uuid = (r: () => number) => Array.from({ length: 32 }, () => "0123456789abcdef"[int(r, 0, 15)]).join("").replace(/^(.{8})(.{4})(.{4})(.{4})/, "$1-$2-$3-$4-");

const CASES: [DataType, Gen][] = [
  [Types.boolean, (r) => r() < 0.5],
  [Types.smallint, (r) => pick(r, [-32768, 32767, 0, int(r, -32768, 32767)])],
  [Types.integer, (r) => pick(r, [-2147483648, 2147483647, 0, int(r, -2147483648, 2147483647)])],
  [Types.bigint, (r) => pick(r, [-(2n ** 63n), 2n ** 63n - 1n, 0n, BigInt.asIntN(64, (BigInt(int(r, 0, 2 ** 32 - 1)) << 32n) | BigInt(int(r, 0, 2 ** 32 - 1)))])],
  [Types.real, (r) => pick(r, [Math.fround(anyDouble(r)), -0, NaN, Infinity, Math.fround(r() * 1e6)])],
  [Types.double, (r) => pick(r, [anyDouble(r), -0, NaN, -Infinity, 5e-324, Number.MAX_VALUE, r()])],
  [Types.numeric, decimal],
  [{ id: "numeric", precision: 10, scale: 2 }, (r) => Decimal.parse(`${int(r, -99999999, 99999999)}.${String(int(r, 0, 99)).padStart(2, "0")}`)],
  [Types.text, text],
  [{ id: "varchar", length: 20 }, text],
  [{ id: "char", length: 3 }, (r) => Array.from(text(r)).slice(0, 3).join("").padEnd(3)],
  [Types.text, uuid], // uuid values (held as text by the engine)
  [Types.bytea, (r) => Uint8Array.from({ length: int(r, 0, 20) }, () => int(r, 0, 255))],
  [Types.date, (r) => int(r, -2_000_000, 2_000_000)],
  [Types.time, (r) => int(r, 0, 86_400_000_000)],
  [Types.timestamp, (r) => int(r, -(2 ** 52), 2 ** 52)],
  [Types.timestamptz, (r) => int(r, -(2 ** 52), 2 ** 52)],
  [Types.interval, (r) => new Interval(int(r, -1e6, 1e6), int(r, -1e6, 1e6), int(r, -(2 ** 52), 2 ** 52))],
  [Types.jsonb, (r) => Jsonb.parse(json(r))],
  [Types.vector(4), (r) => Float32Array.from({ length: 4 }, () => Math.fround((r() - 0.5) * 100))],
  [Types.vector(), (r) => Float32Array.from({ length: int(r, 0, 6) }, () => Math.fround(anyDouble(r)))],
  [Types.array(Types.integer), (r) => Array.from({ length: int(r, 0, 5) }, () => (r() < 0.2 ? null : int(r, -1000, 1000)))],
  [Types.array(Types.text), (r) => Array.from({ length: 2 }, () => Array.from({ length: 2 }, () => (r() < 0.2 ? null : text(r))))], // 2-D
  [Types.array(Types.numeric), (r) => Array.from({ length: int(r, 0, 3) }, () => decimal(r))],
  [Types.array(Types.bigint), (r) => [BigInt(int(r, -5, 5)), null]],
];

function randomChunk(seed: number, rows: number): Chunk {
  const r = rng(seed);
  const nullRate = pick(r, [0, 0, 0.1, 0.5, 1]);
  const cols = CASES.map(([type, gen]) => ({ type, values: Array.from({ length: rows }, () => (r() < nullRate ? null : gen(r))) }));
  const ops = r() < 0.5 ? null : Array.from({ length: rows }, () => (r() < 0.5 ? 1 : -1));
  const data = Array.from({ length: rows }, (_, i) => cols.map((c) => c.values[i]));
  return Chunk.fromRows(
    cols.map((c) => c.type),
    data,
    ops ?? undefined,
  );
}

const header: FrameHeader = { generation: 7, view: "nexmark_q5 ✓", exchange: 3, fromPartition: 2, toPartition: 11 };

function roundTrip(chunk: Chunk): Chunk {
  const frame = decodeFrame(encodeFrame(header, { kind: "chunk", chunk }));
  expect(frame.header).toEqual(header);
  if (frame.payload.kind !== "chunk") throw new Error("not a chunk");
  return frame.payload.chunk;
}

function expectSameChunk(got: Chunk, want: Chunk): void {
  expect(got.length).toBe(want.length);
  expect(got.columns.map((c) => c.type)).toEqual(want.columns.map((c) => c.type));
  expect(got.ops === null ? null : [...got.ops]).toEqual(want.ops === null ? null : [...want.ops.subarray(0, want.length)]);
  for (let c = 0; c < want.columns.length; c++) {
    for (let i = 0; i < want.length; i++) {
      const g = got.columns[c].get(i);
      const w = want.columns[c].get(i);
      // toStrictEqual: Object.is on numbers (-0, NaN), class and fields of Decimal/Interval/Jsonb
      expect(g, `column ${c} (${want.columns[c].type.id}) row ${i}`).toStrictEqual(w);
    }
  }
}

describe("exchange frames", () => {
  it("round-trips chunks of every SQL type exactly (200 seeded chunks)", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const chunk = randomChunk(seed, seed % 17 === 0 ? 0 : 1 + (seed % 40));
      expectSameChunk(roundTrip(chunk), chunk);
    }
  });

  it("round-trips a slice of a chunk (columns that are views at an offset) and a large chunk", () => {
    const big = randomChunk(999, 5000);
    expectSameChunk(roundTrip(big), big);
    const part = big.slice(1234, 3333);
    expectSameChunk(roundTrip(part), part);
  });

  it("keeps a NULL held in an object column's slot without a null mask (Column.get reads it as NULL)", () => {
    // operators that fill an allocData array leave NULL slots holding null with nulls === null;
    // the frame used to carry them as valid rows: '' for text, an empty bytea, a zero interval,
    // and a numeric frame that failed to decode
    const types = [Types.text, Types.varchar, Types.numeric, Types.bytea, Types.interval, Types.jsonb, Types.vector()];
    const values = [["a", "é"], ["b", "c"], [Decimal.parse("1.5"), Decimal.parse("-2")], [Uint8Array.of(1), Uint8Array.of(2, 3)], [new Interval(1, 2, 3), new Interval(0, 0, 1)], [new Jsonb(1), new Jsonb("x")], [Float32Array.of(1, 2), Float32Array.of(3)]];
    const columns = types.map((t, c) => new Column(t, [null, values[c][0], null, values[c][1]], null, 4));
    const chunk = new Chunk(columns, 4, Int8Array.of(1, -1, 1, 1));
    for (const col of chunk.columns) expect([col.get(0), col.get(2)]).toEqual([null, null]);
    const got = roundTrip(chunk);
    expectSameChunk(got, chunk);
    // both as a whole chunk and as a slice of one
    expectSameChunk(roundTrip(chunk.slice(1, 4)), chunk.slice(1, 4));
  });

  it("decodes a frame that sits at an odd offset in a larger buffer (a socket read)", () => {
    const chunk = randomChunk(5, 30);
    const frame = encodeFrame(header, { kind: "chunk", chunk });
    const host = new Uint8Array(frame.length + 3);
    host.set(frame, 3);
    const got = decodeFrame(host.subarray(3));
    if (got.payload.kind !== "chunk") throw new Error("not a chunk");
    expectSameChunk(got.payload.chunk, chunk);
  });

  it("round-trips barriers, watermarks of any value type and credits", () => {
    const cases = [
      { kind: "barrier", epoch: 123456789012, final: false },
      { kind: "barrier", epoch: 1, final: true },
      { kind: "watermark", column: 4, value: 1_700_000_000_000_000 },
      { kind: "watermark", column: 0, value: Decimal.parse("12.50") },
      { kind: "watermark", column: 1, value: 9007199254740993n },
      { kind: "watermark", column: 2, value: null },
      { kind: "credit", credits: 64 },
    ] as const;
    for (const p of cases) {
      const f = decodeFrame(encodeFrame(header, p));
      expect(f.header).toEqual(header);
      expect(f.payload).toStrictEqual(p);
    }
    // small frames are small
    expect(encodeFrame(header, { kind: "barrier", epoch: 5, final: false }).length).toBeLessThan(64);
  });

  it("reads the header alone (receivers drop stale generations before decoding)", () => {
    const f = encodeFrame({ ...header, generation: 42 }, { kind: "chunk", chunk: randomChunk(3, 10) });
    expect(decodeFrameHeader(f).generation).toBe(42);
  });

  it("rejects bad bytes with a SqlError 08P01", () => {
    const good = encodeFrame(header, { kind: "chunk", chunk: randomChunk(8, 5) });
    const bad = [new Uint8Array(0), new Uint8Array(30), good.subarray(0, 20), Uint8Array.from([...good.subarray(0, 2), 99, ...good.subarray(3)])];
    for (const b of bad) {
      let err: unknown = null;
      try {
        decodeFrame(b);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SqlError);
      expect((err as SqlError).code).toBe("08P01");
    }
  });

  it("the simulation's state-codec chunks share the header, and either codec reads both", () => {
    // the simulation's own column types (the state codec does not keep every jsonb tree strictly equal)
    const chunk = Chunk.fromRows([Types.integer, Types.bigint, Types.text], [[1, 2n, "a"], [null, -5n, "ü"], [3, null, null]], [1, -1, 1]);
    const h: FrameHeader = { generation: 9, view: "v", exchange: 2, fromPartition: 1, toPartition: 0 };
    const viaState = stateFrameCodec.encode(h, { kind: "chunk", chunk });
    const viaArrow = arrowFrameCodec.encode(h, { kind: "chunk", chunk });
    expect(viaState[2]).not.toBe(viaArrow[2]);
    expect(frameKind(viaState)).toBe("chunk");
    expect(decodeFrameHeader(viaState)).toEqual(h);
    for (const bytes of [viaState, viaArrow]) {
      for (const codec of [stateFrameCodec, arrowFrameCodec]) {
        const back = codec.decode(bytes);
        expect(back.header).toEqual(h);
        if (back.payload.kind !== "chunk") throw new Error("not a chunk");
        expectSameChunk(back.payload.chunk, chunk);
      }
    }
    // barriers and credits are the same bytes either way
    expect(stateFrameCodec.encode(h, { kind: "barrier", epoch: 3, final: false })).toEqual(arrowFrameCodec.encode(h, { kind: "barrier", epoch: 3, final: false }));
    expect(stateFrameCodec.decode(arrowFrameCodec.encode(h, { kind: "credit", credits: 7 })).payload).toEqual({ kind: "credit", credits: 7 });
  });

  it("a state-codec chunk frame whose body is not a chunk fails with 08P01", () => {
    const good = stateFrameCodec.encode(header, { kind: "chunk", chunk: randomChunk(3, 2) });
    const notChunk = stateFrameCodec.encode(header, { kind: "watermark", column: 0, value: 5 });
    // a chunk frame's kind byte over a watermark's body
    const bad = notChunk.slice();
    bad[2] = good[2];
    let err: unknown = null;
    try {
      decodeFrame(bad);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SqlError);
    expect((err as SqlError).code).toBe("08P01");
  });
});
