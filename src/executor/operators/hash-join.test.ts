import { describe, expect, it } from "vitest";
import type { BoundExpr, JoinNode } from "../../planner/physical-plan.js";
import { barrier, BOOL, chunk, col, I32, recorder, sorted, TEXT, testEnv } from "../testing.js";
import { HashJoin } from "./hash-join.js";

const L = [I32, TEXT];
const R = [I32, TEXT];

function join(joinType: JoinNode["joinType"], condition?: BoundExpr): JoinNode {
  const semi = joinType === "semi" || joinType === "anti";
  return {
    kind: "join",
    joinType,
    types: semi ? L : [...L, ...R],
    left: { kind: "empty", types: L },
    right: { kind: "empty", types: R },
    leftKeys: [col(0, I32)],
    rightKeys: [col(0, I32)],
    condition,
  };
}

function run(joinType: JoinNode["joinType"], condition?: BoundExpr): unknown[][] {
  const r = recorder();
  const j = new HashJoin(join(joinType, condition), testEnv(), r.emit);
  j.push(0, chunk(L, [[1, "a"], [2, "b"], [null, "n"], [4, "d"]]));
  j.push(1, chunk(R, [[1, "x"], [1, "y"], [3, "z"], [null, "m"]]));
  j.push(0, barrier(1, true));
  j.push(1, barrier(1, true));
  expect(r.out[r.out.length - 1]).toEqual({ barrier: 1, final: true });
  return sorted(r.rows());
}

describe("HashJoin", () => {
  it("inner: pairs with equal keys; NULL keys never match", () => {
    expect(run("inner")).toEqual([
      [1, 1, "a", 1, "x"],
      [1, 1, "a", 1, "y"],
    ]);
  });

  it("left / right / full add the unmatched rows NULL-extended, once", () => {
    expect(run("left")).toEqual(
      sorted([
        [1, 1, "a", 1, "x"],
        [1, 1, "a", 1, "y"],
        [1, 2, "b", null, null],
        [1, null, "n", null, null],
        [1, 4, "d", null, null],
      ]),
    );
    expect(run("right")).toEqual(
      sorted([
        [1, 1, "a", 1, "x"],
        [1, 1, "a", 1, "y"],
        [1, null, null, 3, "z"],
        [1, null, null, null, "m"],
      ]),
    );
    expect(run("full").length).toBe(7);
  });

  it("semi / anti output the left columns of matched / unmatched rows", () => {
    expect(run("semi")).toEqual([[1, 1, "a"]]);
    expect(run("anti")).toEqual(sorted([[1, 2, "b"], [1, null, "n"], [1, 4, "d"]]));
  });

  it("applies the residual condition over left ++ right", () => {
    // condition: the right row's text is 'y' — expressed as a boolean column appended to R
    const node: JoinNode = {
      kind: "join",
      joinType: "left",
      types: [I32, I32, BOOL],
      left: { kind: "empty", types: [I32] },
      right: { kind: "empty", types: [I32, BOOL] },
      leftKeys: [col(0, I32)],
      rightKeys: [col(0, I32)],
      condition: col(2, BOOL),
    };
    const r = recorder();
    const j = new HashJoin(node, testEnv(), r.emit);
    j.push(1, chunk([I32, BOOL], [[1, false], [1, true], [2, false]]));
    j.push(0, chunk([I32], [[1], [2]]));
    j.push(0, barrier(1, true));
    j.push(1, barrier(1, true));
    expect(sorted(r.rows())).toEqual([
      [1, 1, 1, true],
      [1, 2, null, null],
    ]);
  });

  it("aligns barriers: acts only once the barrier arrived on both inputs, holding later input", () => {
    const r = recorder();
    const j = new HashJoin(join("left"), testEnv(), r.emit);
    j.push(0, chunk(L, [[1, "a"]]));
    j.push(0, barrier(1));
    j.push(0, chunk(L, [[2, "b"]])); // held until the barrier arrives on the right
    expect(r.out).toEqual([]);
    j.push(1, barrier(1));
    expect(r.out).toEqual([{ rows: [[1, 1, "a", null, null]] }, { barrier: 1, final: false }]);
    j.push(1, barrier(2));
    j.push(0, barrier(2));
    expect(r.out.slice(2)).toEqual([{ rows: [[1, 2, "b", null, null]] }, { barrier: 2, final: false }]);
  });

  it("retracts NULL-extended rows when matches arrive, and re-emits them when matches go", () => {
    const r = recorder();
    const j = new HashJoin(join("left"), testEnv(), r.emit);
    const epoch = (e: number): void => {
      j.push(0, barrier(e));
      j.push(1, barrier(e));
    };
    j.push(0, chunk(L, [[1, "a"]]));
    epoch(1);
    j.push(1, chunk(R, [[1, "x"]]));
    epoch(2);
    j.push(1, chunk(R, [[1, "x"]], [-1]));
    epoch(3);
    j.push(0, chunk(L, [[1, "a"]], [-1]));
    epoch(4);
    expect(r.out).toEqual([
      { rows: [[1, 1, "a", null, null]] },
      { barrier: 1, final: false },
      { rows: [[1, 1, "a", 1, "x"], [-1, 1, "a", null, null]] },
      { barrier: 2, final: false },
      { rows: [[-1, 1, "a", 1, "x"], [1, 1, "a", null, null]] },
      { barrier: 3, final: false },
      { rows: [[-1, 1, "a", null, null]] },
      { barrier: 4, final: false },
    ]);
  });

  it("inner join deletes retract their pairs; semi join follows match counts", () => {
    const r = recorder();
    const j = new HashJoin(join("inner"), testEnv(), r.emit);
    j.push(0, chunk(L, [[1, "a"], [1, "a"]]));
    j.push(1, chunk(R, [[1, "x"]]));
    j.push(0, chunk(L, [[1, "a"]], [-1]));
    j.push(1, chunk(R, [[1, "x"]], [-1]));
    expect(r.rows()).toEqual([
      [1, 1, "a", 1, "x"],
      [1, 1, "a", 1, "x"],
      [-1, 1, "a", 1, "x"],
      [-1, 1, "a", 1, "x"],
    ]);

    const s = recorder();
    const sj = new HashJoin(join("semi"), testEnv(), s.emit);
    const epoch = (e: number): void => {
      sj.push(0, barrier(e));
      sj.push(1, barrier(e));
    };
    sj.push(0, chunk(L, [[1, "a"], [2, "b"]]));
    sj.push(1, chunk(R, [[1, "x"], [1, "y"]]));
    epoch(1);
    sj.push(1, chunk(R, [[1, "x"], [2, "z"]], [-1, 1]));
    epoch(2);
    sj.push(1, chunk(R, [[1, "y"]], [-1]));
    epoch(3);
    expect(s.rows()).toEqual([
      [1, 1, "a"],
      [1, 2, "b"],
      [-1, 1, "a"],
    ]);
  });

  it("handles many rows per key across chunk-sized pair batches", () => {
    const r = recorder();
    const j = new HashJoin(join("inner"), testEnv(), r.emit);
    const left: unknown[][] = [];
    for (let i = 0; i < 100; i++) left.push([i % 2, `l${i}`]);
    const right: unknown[][] = [];
    for (let i = 0; i < 100; i++) right.push([0, `r${i}`]);
    j.push(0, chunk(L, left));
    j.push(1, chunk(R, right));
    expect(r.rows().length).toBe(50 * 100);
  });
});
