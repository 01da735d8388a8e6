import { describe, expect, it } from "vitest";
import { barrier, chunk, I32, TEXT, testContext } from "../testing.js";
import { Collect } from "./collect.js";

describe("Collect", () => {
  it("returns the chunks received, insert-only, and notes the final barrier", () => {
    const c = new Collect([I32], testContext());
    c.push(0, chunk([I32], [[1], [2]], [1, 1]));
    c.push(0, barrier(1));
    expect(c.done).toBe(false);
    c.push(0, barrier(2, true));
    expect(c.done).toBe(true);
    const out = c.result();
    expect(out.map((ch) => [ch.ops, ch.rows()])).toEqual([[null, [[1], [2]]]]);
  });

  it("consolidates retractions into net rows", () => {
    const c = new Collect([I32, TEXT], testContext());
    c.push(0, chunk([I32, TEXT], [[1, "a"], [2, "b"], [1, "a"]]));
    c.push(0, chunk([I32, TEXT], [[1, "a"], [3, "c"]], [-1, 1]));
    c.push(0, barrier(1, true));
    expect(c.result().flatMap((ch) => ch.rows())).toEqual([[1, "a"], [2, "b"], [3, "c"]]);
  });
});
