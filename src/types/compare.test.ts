import { describe, it, expect } from "vitest";
import { compareValues, valuesEqual, keyOf } from "./compare.js";
import { Types, DataType } from "./data-type.js";
import { Decimal } from "./numeric.js";
import { Interval } from "./interval.js";
import { Jsonb } from "./jsonb.js";
import { parseValue } from "./text-format.js";

const sign = (n: number) => Math.sign(n);
const v = (t: DataType, s: string) => parseValue(t, s);

describe("compareValues", () => {
  it("orders floats with NaN greatest and -0 = 0", () => {
    const t = Types.double;
    expect(sign(compareValues(t, NaN, Infinity))).toBe(1);
    expect(compareValues(t, NaN, NaN)).toBe(0);
    expect(compareValues(t, -0, 0)).toBe(0);
    expect(sign(compareValues(t, -Infinity, -1e308))).toBe(-1);
    const sorted = [3, NaN, -Infinity, 0, Infinity].sort((a, b) => compareValues(t, a, b));
    expect(sorted).toEqual([-Infinity, 0, 3, Infinity, NaN]);
  });
  it("compares text by code point (collation C)", () => {
    const t = Types.text;
    expect(sign(compareValues(t, "B", "a"))).toBe(-1);
    expect(sign(compareValues(t, "a", "ab"))).toBe(-1);
    // U+FFFD sorts below an astral character in UTF-8 byte order (not in UTF-16 order)
    expect(sign(compareValues(t, "\uFFFD", "😀"))).toBe(-1);
    expect(sign(compareValues(t, "é", "z"))).toBe(1);
  });
  it("ignores trailing spaces for char(n)", () => {
    const t: DataType = { id: "char", length: 4 };
    expect(compareValues(t, "ab  ", "ab")).toBe(0);
    expect(valuesEqual(t, "ab  ", "ab")).toBe(true);
    expect(keyOf(t, "ab  ")).toBe(keyOf(t, "ab"));
  });
  it("numeric compares values across scales", () => {
    const t = Types.numeric;
    expect(compareValues(t, Decimal.parse("1.0"), Decimal.parse("1.00"))).toBe(0);
    expect(sign(compareValues(t, Decimal.parse("NaN"), Decimal.parse("Infinity")))).toBe(1);
    expect(keyOf(t, Decimal.parse("1.0"))).toBe(keyOf(t, Decimal.parse("1.000")));
    expect(keyOf(t, Decimal.parse("1.01"))).not.toBe(keyOf(t, Decimal.parse("1.1")));
    expect(keyOf(t, Decimal.parse("-0.0"))).toBe(keyOf(t, Decimal.parse("0")));
  });
  it("intervals compare by span", () => {
    const t = Types.interval;
    expect(compareValues(t, Interval.parse("1 mon"), Interval.parse("30 days"))).toBe(0);
    expect(sign(compareValues(t, Interval.parse("25 hours"), Interval.parse("1 day")))).toBe(1);
    expect(keyOf(t, Interval.parse("1 day"))).toBe(keyOf(t, Interval.parse("24 hours")));
  });
  it("booleans, bigints, bytea, vectors", () => {
    expect(sign(compareValues(Types.boolean, false, true))).toBe(-1);
    expect(sign(compareValues(Types.bigint, 9007199254740993n, 9007199254740992n))).toBe(1);
    expect(sign(compareValues(Types.bytea, new Uint8Array([1]), new Uint8Array([1, 0])))).toBe(-1);
    expect(sign(compareValues(Types.vector(), new Float32Array([1, 2]), new Float32Array([1, 3])))).toBe(-1);
    expect(sign(compareValues(Types.vector(), new Float32Array([1, 2]), new Float32Array([1, 2, 0])))).toBe(-1);
  });
  it("arrays: elementwise, NULL last, then length and dimensions", () => {
    const t = Types.array(Types.integer);
    expect(sign(compareValues(t, [1, 2], [1, 2, 0]))).toBe(-1);
    expect(sign(compareValues(t, [1, null], [1, 2]))).toBe(1);
    expect(compareValues(t, [1, null], [1, null])).toBe(0);
    expect(sign(compareValues(t, [[1, 2]], [1, 2]))).toBe(1);
    expect(sign(compareValues(t, [2], [1, 5]))).toBe(1);
  });
  it("jsonb uses jsonb ordering", () => {
    const t = Types.jsonb;
    const j = (s: string) => Jsonb.parse(s);
    expect(sign(compareValues(t, j("[]"), j("null")))).toBe(-1);
    expect(sign(compareValues(t, j('{"b":1}'), j('{"aa":1}')))).toBe(1);
    expect(compareValues(t, j('{"a":1.0}'), j('{"a":1}'))).toBe(0);
    expect(keyOf(t, j('{"a":1.0, "b":[1,2]}'))).toBe(keyOf(t, j('{"b":[1,2.00],"a":1}')));
    expect(keyOf(t, j('"1"'))).not.toBe(keyOf(t, j("1")));
  });
});

describe("keyOf", () => {
  it("gives Map-friendly primitives", () => {
    const m = new Map<unknown, number>();
    m.set(keyOf(Types.double, -0), 1);
    expect(m.get(keyOf(Types.double, 0))).toBe(1);
    m.set(keyOf(Types.double, NaN), 2);
    expect(m.get(keyOf(Types.double, NaN))).toBe(2);
    expect(keyOf(Types.bigint, 5n)).toBe(5n);
    expect(keyOf(Types.date, 19737)).toBe(19737);
  });
  it("distinguishes bytea and array values", () => {
    expect(keyOf(Types.bytea, new Uint8Array([1, 2]))).not.toBe(keyOf(Types.bytea, new Uint8Array([1, 2, 0])));
    const t = Types.array(Types.text);
    expect(keyOf(t, ["a,b"])).not.toBe(keyOf(t, ["a", "b"]));
    expect(keyOf(t, [null])).not.toBe(keyOf(t, ["\\N"]));
    expect(keyOf(t, ["x"])).toBe(keyOf(t, ["x"]));
    const n = Types.array(Types.numeric);
    expect(keyOf(n, v(n, "{1.0,2}"))).toBe(keyOf(n, v(n, "{1,2.00}")));
  });
  it("vectors with -0 and 0 are equal", () => {
    expect(keyOf(Types.vector(), new Float32Array([0, 1]))).toBe(keyOf(Types.vector(), new Float32Array([-0, 1])));
  });
});
