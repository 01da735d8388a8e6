import { describe, expect, it } from "vitest";
import { Column, type DataType, Types } from "../../types/index.js";
import { arithKernel, cmpKernel, compareText, negKernel } from "./kernels.js";

const c = (t: DataType, vals: unknown[]): Column => Column.fromValues(t, vals);
const vals = (col: Column): unknown[] => Array.from({ length: col.length }, (_, i) => col.get(i));

describe("arithmetic kernels", () => {
  it("int4 + - * / % with NULLs, and Postgres overflow / division errors", () => {
    const I = Types.integer;
    const a = c(I, [1, null, 7, -7, 2147483647]);
    const b = c(I, [2, 5, 2, 2, 0]);
    const n = 4; // leave out the last row for the happy path
    expect(vals(arithKernel("add", I)!(a, b, n))).toEqual([3, null, 9, -5]);
    expect(vals(arithKernel("sub", I)!(a, b, n))).toEqual([-1, null, 5, -9]);
    expect(vals(arithKernel("mul", I)!(a, b, n))).toEqual([2, null, 14, -14]);
    expect(vals(arithKernel("div", I)!(a, b, n))).toEqual([0, null, 3, -3]);
    expect(vals(arithKernel("mod", I)!(a, b, n))).toEqual([1, null, 1, -1]);
    expect(() => arithKernel("add", I)!(c(I, [2147483647]), c(I, [1]), 1)).toThrow(
      expect.objectContaining({ code: "22003", message: "integer out of range" }),
    );
    expect(() => arithKernel("mul", I)!(c(I, [65536]), c(I, [65536]), 1)).toThrow(expect.objectContaining({ code: "22003" }));
    expect(() => arithKernel("div", I)!(c(I, [-2147483648]), c(I, [-1]), 1)).toThrow(expect.objectContaining({ code: "22003" }));
    expect(() => arithKernel("div", I)!(a, b, 5)).toThrow(expect.objectContaining({ code: "22012", message: "division by zero" }));
    expect(() => arithKernel("mod", I)!(c(I, [1]), c(I, [0]), 1)).toThrow(expect.objectContaining({ code: "22012" }));
    // a NULL divisor is no error
    expect(vals(arithKernel("div", I)!(c(I, [1]), c(I, [null]), 1))).toEqual([null]);
    expect(() => arithKernel("add", Types.smallint)!(c(Types.smallint, [32767]), c(Types.smallint, [1]), 1)).toThrow(
      expect.objectContaining({ message: "smallint out of range" }),
    );
  });

  it("int8 stays exact over the whole 64-bit range and overflows with 22003", () => {
    const L = Types.bigint;
    const max = 9223372036854775807n;
    const a = c(L, [2n ** 53n, max - 1n, -(2n ** 60n), 10n, -7n]);
    const b = c(L, [1n, 1n, 3n, 3n, 2n]);
    expect(vals(arithKernel("add", L)!(a, b, 5))).toEqual([2n ** 53n + 1n, max, -(2n ** 60n) + 3n, 13n, -5n]);
    expect(vals(arithKernel("mul", L)!(a, b, 5))).toEqual([2n ** 53n, max - 1n, -3n * 2n ** 60n, 30n, -14n]);
    expect(vals(arithKernel("div", L)!(a, b, 5))).toEqual([2n ** 53n, max - 1n, -(2n ** 60n) / 3n, 3n, -3n]);
    expect(vals(arithKernel("mod", L)!(a, b, 5))).toEqual([0n, 0n, -(2n ** 60n) % 3n, 1n, -1n]);
    expect(() => arithKernel("add", L)!(c(L, [max]), c(L, [1n]), 1)).toThrow(
      expect.objectContaining({ code: "22003", message: "bigint out of range" }),
    );
    expect(() => arithKernel("mul", L)!(c(L, [2n ** 32n]), c(L, [2n ** 31n]), 1)).toThrow(expect.objectContaining({ code: "22003" }));
    expect(() => negKernel(L)!(c(L, [-max - 1n]), 1)).toThrow(expect.objectContaining({ code: "22003" }));
    expect(vals(negKernel(L)!(c(L, [5n, null]), 2))).toEqual([-5n, null]);
  });

  it("float8 division by zero and overflow are errors; real rounds to float4", () => {
    const D = Types.double;
    expect(() => arithKernel("div", D)!(c(D, [1]), c(D, [0]), 1)).toThrow(expect.objectContaining({ code: "22012" }));
    expect(() => arithKernel("mul", D)!(c(D, [1e308]), c(D, [10]), 1)).toThrow(
      expect.objectContaining({ code: "22003", message: "value out of range: overflow" }),
    );
    expect(vals(arithKernel("add", D)!(c(D, [Infinity, 0.1]), c(D, [1, 0.2]), 2))).toEqual([Infinity, 0.1 + 0.2]);
    expect(vals(arithKernel("div", D)!(c(D, [NaN, null]), c(D, [0, 0]), 2))).toEqual([NaN, null]);
    expect(() => arithKernel("mul", D)!(c(D, [1e-200]), c(D, [1e-200]), 1)).toThrow(
      expect.objectContaining({ code: "22003", message: "value out of range: underflow" }),
    );
    expect(vals(arithKernel("add", Types.real)!(c(Types.real, [0.1]), c(Types.real, [0.2]), 1))).toEqual([Math.fround(0.1 + 0.2)]);
  });
});

describe("comparison kernels", () => {
  it("floats: NaN equals NaN and is above everything", () => {
    const D = Types.double;
    const a = c(D, [NaN, NaN, 1, Infinity, null]);
    const b = c(D, [NaN, Infinity, NaN, 1, 1]);
    expect(vals(cmpKernel("eq", D)!(a, b, 5))).toEqual([true, false, false, false, null]);
    expect(vals(cmpKernel("gt", D)!(a, b, 5))).toEqual([false, true, false, true, null]);
    expect(vals(cmpKernel("le", D)!(a, b, 5))).toEqual([true, false, true, false, null]);
  });

  it("int8 without BigInt, text by code point, booleans false < true", () => {
    const L = Types.bigint;
    expect(vals(cmpKernel("lt", L)!(c(L, [-(2n ** 62n), 5n, 2n ** 62n]), c(L, [1n, 5n, 2n ** 61n]), 3))).toEqual([true, false, false]);
    const T = Types.text;
    expect(vals(cmpKernel("lt", T)!(c(T, ["a", "B", "\uFFFD", null]), c(T, ["b", "a", "\u{1F600}", "x"]), 4))).toEqual([
      true,
      true,
      true,
      null,
    ]);
    expect(compareText("abc", "ab")).toBeGreaterThan(0);
    const B = Types.boolean;
    expect(vals(cmpKernel("lt", B)!(c(B, [false, true]), c(B, [true, true]), 2))).toEqual([true, false]);
  });
});
