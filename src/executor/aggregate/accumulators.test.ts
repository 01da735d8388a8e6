// Retraction in the accumulators: after any mix of +1/-1, an accumulator's result equals what the
// rows still held give from scratch — display scale of numeric sums included, NaN included.
import { describe, expect, it } from "vitest";
import { Decimal, Types, type DataType } from "../../types/index.js";
import { accumulatorFactory, NumericSum } from "./accumulators.js";

const evalCtx = { now: 0, timeZone: "UTC", random: Math.random };

function acc(fn: string, argType: DataType, type: DataType, distinct = false) {
  return accumulatorFactory({ fn, argTypes: [argType], type, distinct }, false, evalCtx)();
}

const dec = (s: string) => Decimal.parse(s);

describe("NumericSum", () => {
  it("takes the largest display scale of the inputs it still holds", () => {
    const s = new NumericSum();
    s.add(dec("1.5"), 1);
    s.add(dec("0.50"), 1);
    expect(s.value().toString()).toBe("2.00");
    s.add(dec("0.50"), -1);
    expect(s.value().toString()).toBe("1.5");
    s.add(dec("1.5"), -1);
    expect(s.value().toString()).toBe("0");
  });

  it("counts NaN and infinities apart, so retracting them restores the finite sum", () => {
    const s = new NumericSum();
    s.add(dec("2.5"), 1);
    s.add(Decimal.NaN, 1);
    expect(s.value().isNaN()).toBe(true);
    s.add(Decimal.POSITIVE_INFINITY, 1);
    s.add(Decimal.NaN, -1);
    expect(s.value().toString()).toBe("Infinity");
    s.add(Decimal.NEGATIVE_INFINITY, 1);
    expect(s.value().isNaN()).toBe(true);
    s.add(Decimal.POSITIVE_INFINITY, -1);
    s.add(Decimal.NEGATIVE_INFINITY, -1);
    expect(s.value().toString()).toBe("2.5");
  });
});

describe("retractable accumulators", () => {
  it("min/max forget a retracted NaN", () => {
    const max = acc("max", Types.double, Types.double);
    max.update([Number.NaN], 1);
    max.update([0.5], 1);
    expect(max.result()).toBeNaN();
    max.update([Number.NaN], -1);
    expect(max.result()).toBe(0.5);
    const min = acc("min", Types.double, Types.double);
    min.update([Number.NaN], 1);
    expect(min.result()).toBeNaN();
    min.update([Number.NaN], -1);
    expect(min.result()).toBeNull();
  });

  it("array_agg retracts a NaN entry", () => {
    const a = acc("array_agg", Types.double, Types.array(Types.double));
    a.update([Number.NaN], 1);
    a.update([1], 1);
    a.update([Number.NaN], -1);
    expect(a.result()).toEqual([1]);
  });

  it("sum(DISTINCT) retracts the copy it added, not an equal value of another scale", () => {
    const s = acc("sum", Types.numeric, Types.numeric, true);
    s.update([dec("1.0")], 1);
    s.update([dec("1.00")], 1); // a second copy of the same distinct value: not summed
    s.update([dec("1.0")], -1);
    s.update([dec("1.00")], -1); // the last copy: retracts the 1.0 that was summed
    s.update([dec("5")], 1);
    expect(String(s.result())).toBe("5");
  });
});
