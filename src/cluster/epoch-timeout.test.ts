import { describe, expect, it } from "vitest";
import { EpochTimeout } from "./epoch-timeout.js";

describe("EpochTimeout", () => {
  it("doubles with each generation that timed out while no commit advanced, up to 16 times", () => {
    const t = new EpochTimeout(1000);
    expect(t.limitMs(3)).toBe(1000);
    const limits: number[] = [];
    for (let i = 0; i < 6; i++) {
      t.timedOut();
      limits.push(t.limitMs(3));
    }
    expect(limits).toEqual([2000, 4000, 8000, 16000, 16000, 16000]);
  });

  it("is back to the base once the oldest committed epoch moves", () => {
    const t = new EpochTimeout(1000);
    t.limitMs(3);
    t.timedOut();
    t.timedOut();
    expect(t.limitMs(3)).toBe(4000);
    expect(t.limitMs(4)).toBe(1000);
    // an older or equal epoch (a view added at the current epoch, then dropped) is no progress
    t.timedOut();
    expect(t.limitMs(4)).toBe(2000);
    expect(t.limitMs(2)).toBe(2000);
  });

  it("no views (oldest committed epoch Infinity) is no progress, and later views still reset it", () => {
    const t = new EpochTimeout(500);
    t.timedOut();
    expect(t.limitMs(Infinity)).toBe(1000);
    expect(t.limitMs(1)).toBe(500);
  });
});
