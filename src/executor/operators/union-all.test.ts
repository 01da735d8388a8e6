import { describe, expect, it } from "vitest";
import { barrier, chunk, I32, recorder } from "../testing.js";
import { UnionAll } from "./union-all.js";

describe("UnionAll", () => {
  it("forwards every input's changes, aligns barriers and forwards the minimum watermark", () => {
    const r = recorder();
    const u = new UnionAll([I32], 3, r.emit);
    u.push(0, chunk([I32], [[1]]));
    u.push(2, chunk([I32], [[2]], [-1]));
    u.push(0, { kind: "watermark", column: 0, value: 10 });
    u.push(1, { kind: "watermark", column: 0, value: 5 });
    u.push(2, { kind: "watermark", column: 0, value: 7 });
    u.push(0, barrier(1));
    u.push(0, chunk([I32], [[3]])); // after its barrier: held
    u.push(1, barrier(1));
    u.push(2, barrier(1));
    expect(r.out).toEqual([
      { rows: [[1, 1], [-1, 2]] },
      { watermark: 0, value: 5 },
      { barrier: 1, final: false },
      { rows: [[1, 3]] },
    ]);
  });
});
