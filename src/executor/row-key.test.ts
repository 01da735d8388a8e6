// Row keys: GROUP BY keys merge equal values; exact keys keep apart equal values that print
// differently (numeric scale, interval units, -0), for tracking copies of rows.
import { describe, expect, it } from "vitest";
import { Column, Decimal, Interval, Types } from "../types/index.js";
import { exactRowKeys, exactValueKey, rowKeys, sameKey, valueKey } from "./row-key.js";

describe("exact keys", () => {
  it("tell apart numerics of different scale, which GROUP BY keys merge", () => {
    const a = Decimal.parse("1.0");
    const b = Decimal.parse("1.00");
    expect(valueKey(Types.numeric, a)).toBe(valueKey(Types.numeric, b));
    expect(exactValueKey(Types.numeric, a)).not.toBe(exactValueKey(Types.numeric, b));
  });

  it("tell apart '1 day' and '24 hours', and 0 and -0", () => {
    expect(exactValueKey(Types.interval, new Interval(0, 1, 0))).not.toBe(exactValueKey(Types.interval, new Interval(0, 0, 86_400_000_000)));
    expect(exactValueKey(Types.double, -0)).not.toBe(exactValueKey(Types.double, 0));
  });

  it("are the plain keys for columns that cannot differ in print", () => {
    const cols = [Column.fromValues(Types.integer, [1, 2, null]), Column.fromValues(Types.text, ["a", "b", "c"])];
    expect(exactRowKeys(cols, 3)).toEqual(rowKeys(cols, 3));
  });

  it("compare NaN equal to NaN, as a Map does", () => {
    expect(sameKey(Number.NaN, Number.NaN)).toBe(true);
    expect(sameKey(exactValueKey(Types.double, Number.NaN), exactValueKey(Types.double, Number.NaN))).toBe(true);
    expect(sameKey(1, 2)).toBe(false);
  });
});
