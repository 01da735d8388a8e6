import { describe, expect, it } from "vitest";
import type { FilterNode } from "../../planner/physical-plan.js";
import { barrier, BOOL, chunk, col, I32, recorder, testEnv } from "../testing.js";
import { Filter } from "./filter.js";

const node: FilterNode = { kind: "filter", types: [I32, BOOL], input: { kind: "empty", types: [I32, BOOL] }, predicate: col(1, BOOL) };

describe("Filter", () => {
  it("keeps rows whose predicate is true, with their ops", () => {
    const r = recorder();
    const f = new Filter(node, testEnv(), r.emit);
    f.push(0, chunk([I32, BOOL], [[1, true], [2, false], [3, null], [4, true]], [1, 1, -1, -1]));
    f.push(0, { kind: "watermark", column: 0, value: 3 });
    f.push(0, barrier(1, true));
    expect(r.out).toEqual([
      { rows: [[1, 1, true], [-1, 4, true]] },
      { watermark: 0, value: 3 },
      { barrier: 1, final: true },
    ]);
  });

  it("forwards a chunk that passes whole and drops one that passes nothing", () => {
    const r = recorder();
    const f = new Filter(node, testEnv(), r.emit);
    f.push(0, chunk([I32, BOOL], [[1, false]]));
    f.push(0, chunk([I32, BOOL], [[1, true], [2, true]]));
    expect(r.out).toEqual([{ rows: [[1, 1, true], [1, 2, true]] }]);
  });
});
