import { describe, expect, it } from "vitest";
import { barrier, recorder } from "../testing.js";
import { Empty } from "./empty.js";

describe("Empty", () => {
  it("produces no rows and forwards barriers", () => {
    const r = recorder();
    const e = new Empty(r.emit);
    expect(e.next()).toBe(false);
    e.push(0, barrier(3, true));
    expect(r.out).toEqual([{ barrier: 3, final: true }]);
  });
});
