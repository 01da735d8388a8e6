import { describe, expect, it } from "vitest";
import type { BoundExpr, JoinNode } from "../../planner/physical-plan.js";
import { barrier, BOOL, chunk, col, I32, lit, recorder, sorted, TEXT, testEnv } from "../testing.js";
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

  describe("interval join state cleanup", () => {
    // l(k, ts) JOIN r(k, ts) ON l.k = r.k AND r.ts >= l.ts - 10 AND r.ts <= l.ts
    const T = [I32, I32];
    const call = (fn: string, args: BoundExpr[], type = BOOL): BoundExpr => ({ kind: "call", fn, args, type });
    function intervalJoin(cleanup: boolean): JoinNode {
      return {
        kind: "join",
        joinType: "inner",
        types: [...T, ...T],
        left: { kind: "empty", types: T },
        right: { kind: "empty", types: T },
        leftKeys: [col(0, I32)],
        rightKeys: [col(0, I32)],
        condition: {
          kind: "and",
          args: [call(">=:int4", [col(3, I32), call("-:int4", [col(1, I32), lit(10, I32)], I32)]), call("<=:int4", [col(3, I32), col(1, I32)])],
          type: BOOL,
        },
        ...(cleanup
          ? {
              stateCleanup: {
                // a left row is done once l.ts < watermark(r.ts) (and behind its own watermark)
                left: [{ column: 1, rowExpr: col(0, I32), otherColumn: 1, otherExpr: col(0, I32) }],
                // a right row once r.ts < watermark(l.ts) - 10
                right: [{ column: 1, rowExpr: col(0, I32), otherColumn: 1, otherExpr: call("-:int4", [col(0, I32), lit(10, I32)], I32) }],
              },
            }
          : {}),
      };
    }
    const wm = (column: number, value: unknown) => ({ kind: "watermark" as const, column, value });

    function feed(cleanup: boolean) {
      const r = recorder();
      const j = new HashJoin(intervalJoin(cleanup), testEnv(), r.emit);
      const sizes: number[] = [];
      j.push(0, chunk(T, [[1, 100], [1, 105], [2, 100]]));
      j.push(1, chunk(T, [[1, 95], [1, 100], [1, 120]]));
      j.push(0, wm(1, 110));
      j.push(1, wm(1, 110));
      sizes.push(j.stateRows);
      j.push(0, barrier(1));
      j.push(1, barrier(1));
      sizes.push(j.stateRows);
      j.push(0, chunk(T, [[1, 110], [1, 112], [1, 125]]));
      j.push(1, chunk(T, [[1, 120]], [-1]));
      j.push(0, wm(1, 130));
      j.push(1, wm(1, 125));
      j.push(0, barrier(2));
      j.push(1, barrier(2));
      sizes.push(j.stateRows);
      return { out: r.out, rows: r.rows(), sizes };
    }

    it("evicts rows no future row can match, with the same output as without cleanup", () => {
      const withCleanup = feed(true);
      const without = feed(false);
      expect(withCleanup.rows).toEqual(without.rows);
      expect(sorted(withCleanup.rows)).toEqual(
        sorted([
          [1, 1, 100, 1, 95],
          [1, 1, 100, 1, 100],
          [1, 1, 105, 1, 95],
          [1, 1, 105, 1, 100],
          [1, 1, 110, 1, 100],
          [1, 1, 125, 1, 120],
          [-1, 1, 125, 1, 120],
        ]),
      );
      // 6 rows stored; at barrier 1 all left rows (ts < 110 on both watermarks) and right 95 go;
      // at barrier 2 left 110 and 112 (< 125) and right 100 (< 130 - 10) go, left 125 stays
      expect(withCleanup.sizes).toEqual([6, 2, 1]);
      expect(without.sizes).toEqual([6, 6, 8]);
    });

    it("forwards watermarks on the output, held back by the rows still stored", () => {
      const { out } = feed(true);
      const marks = out.filter((m) => "watermark" in m || "barrier" in m);
      expect(marks).toEqual([
        // left ts: nothing older stored; right ts: row 100 still stored
        { watermark: 1, value: 110 },
        { watermark: 3, value: 100 },
        { barrier: 1, final: false },
        { watermark: 1, value: 125 },
        { watermark: 3, value: 125 },
        { barrier: 2, final: false },
      ]);
      expect(feed(false).out.some((m) => "watermark" in m)).toBe(false);
    });
  });
});
