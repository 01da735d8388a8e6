import { describe, expect, it } from "vitest";
import type { JoinNode } from "../../planner/physical-plan.js";
import { barrier, BOOL, chunk, col, I32, recorder, sorted, testEnv } from "../testing.js";
import { NestedLoopJoin } from "./nested-loop-join.js";

function node(joinType: JoinNode["joinType"]): JoinNode {
  const semi = joinType === "semi" || joinType === "anti";
  return {
    kind: "join",
    joinType,
    types: semi ? [I32] : [I32, I32, BOOL],
    left: { kind: "empty", types: [I32] },
    right: { kind: "empty", types: [I32, BOOL] },
    leftKeys: [],
    rightKeys: [],
    // the pair matches when the right row's flag is true
    condition: col(2, BOOL),
  };
}

describe("NestedLoopJoin", () => {
  it("pairs every row with every row of the other side under the condition", () => {
    const r = recorder();
    const j = new NestedLoopJoin(node("inner"), testEnv(), r.emit);
    j.push(0, chunk([I32], [[1], [2]]));
    j.push(1, chunk([I32, BOOL], [[10, true], [20, false], [30, null]]));
    j.push(0, chunk([I32], [[3]]));
    j.push(0, chunk([I32], [[1]], [-1]));
    j.push(0, barrier(1, true));
    j.push(1, barrier(1, true));
    expect(r.out).toEqual([
      { rows: [[1, 1, 10, true], [1, 2, 10, true], [1, 3, 10, true], [-1, 1, 10, true]] },
      { barrier: 1, final: true },
    ]);
  });

  it("full, semi and anti joins decide unmatched rows at the barrier", () => {
    const run = (t: JoinNode["joinType"]): unknown[][] => {
      const r = recorder();
      const j = new NestedLoopJoin(node(t), testEnv(), r.emit);
      j.push(0, chunk([I32], [[1], [2]]));
      j.push(1, chunk([I32, BOOL], [[20, false]]));
      j.push(0, barrier(1, true));
      j.push(1, barrier(1, true));
      return sorted(r.rows());
    };
    expect(run("full")).toEqual(sorted([[1, 1, null, null], [1, 2, null, null], [1, null, 20, false]]));
    expect(run("semi")).toEqual([]);
    expect(run("anti")).toEqual([[1, 1], [1, 2]]);
  });
});
