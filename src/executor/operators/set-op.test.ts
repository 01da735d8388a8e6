import { describe, expect, it } from "vitest";
import type { SetOpNode } from "../../planner/physical-plan.js";
import { barrier, chunk, I32, recorder, sorted, testEnv } from "../testing.js";
import { SetOp } from "./set-op.js";

const T = [I32];

function run(op: SetOpNode["op"], all: boolean): unknown[][] {
  const node: SetOpNode = { kind: "set_op", op, all, types: T, left: { kind: "empty", types: T }, right: { kind: "empty", types: T } };
  const r = recorder();
  const s = new SetOp(node, r.emit);
  s.push(0, chunk(T, [[1], [1], [1], [2], [null], [null], [4]]));
  s.push(1, chunk(T, [[1], [3], [null], [4], [4]]));
  s.push(0, barrier(1, true));
  s.push(1, barrier(1, true));
  return sorted(r.rows()).map((row) => row.slice(1));
}

describe("SetOp", () => {
  void testEnv;
  it("UNION dedups; NULLs are one row", () => {
    expect(run("union", false)).toEqual(sorted([[1], [2], [3], [4], [null]]));
    expect(run("union", true).length).toBe(12);
  });
  it("INTERSECT [ALL]", () => {
    expect(run("intersect", false)).toEqual(sorted([[1], [4], [null]]));
    expect(run("intersect", true)).toEqual(sorted([[1], [4], [null]]));
  });
  it("EXCEPT [ALL]", () => {
    expect(run("except", false)).toEqual([[2]]);
    expect(run("except", true)).toEqual(sorted([[1], [1], [2], [null]]));
  });

  it("emits differences at each barrier as inputs change", () => {
    const node: SetOpNode = { kind: "set_op", op: "except", all: false, types: T, left: { kind: "empty", types: T }, right: { kind: "empty", types: T } };
    const r = recorder();
    const s = new SetOp(node, r.emit);
    const epoch = (e: number): void => {
      s.push(0, barrier(e));
      s.push(1, barrier(e));
    };
    s.push(0, chunk(T, [[1], [2]]));
    epoch(1);
    s.push(1, chunk(T, [[1]]));
    epoch(2);
    s.push(1, chunk(T, [[1]], [-1]));
    s.push(0, chunk(T, [[2]], [-1]));
    epoch(3);
    expect(r.out).toEqual([
      { rows: [[1, 1], [1, 2]] },
      { barrier: 1, final: false },
      { rows: [[-1, 1]] },
      { barrier: 2, final: false },
      { rows: [[1, 1], [-1, 2]] },
      { barrier: 3, final: false },
    ]);
  });
});
