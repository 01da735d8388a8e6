import { describe, expect, it } from "vitest";
import type { SortKey, WindowCall, WindowFrameB, WindowNode } from "../../planner/physical-plan.js";
import { barrier, chunk, col, I32, I64, recorder, TEXT, testEnv } from "../testing.js";
import { IncrementalWindow } from "./incremental-window.js";

const T = [TEXT, I32]; // (part, value)
const byValue: SortKey[] = [{ expr: col(1, I32), desc: false, nullsFirst: false }];
const RUNNING: WindowFrameB = { mode: "rows", start: { kind: "unbounded_preceding" }, end: { kind: "current_row" } };

function rowNumber(partitionBy = [col(0, TEXT)]): WindowCall {
  return { fn: "row_number", args: [], type: I64, aggregate: false, partitionBy, orderBy: byValue, frame: RUNNING };
}

function runningSum(partitionBy = [col(0, TEXT)]): WindowCall {
  return { fn: "sum_int", args: [col(1, I32)], type: I64, aggregate: true, partitionBy, orderBy: byValue, frame: RUNNING };
}

function setup(functions: WindowCall[]) {
  const node: WindowNode = { kind: "window", incremental: true, types: [...T, ...functions.map((f) => f.type)], input: { kind: "empty", types: T }, functions };
  const r = recorder();
  const op = new IncrementalWindow(node, testEnv(), r.emit);
  let epoch = 0;
  /** pushes one chunk and a barrier; returns what the barrier released, sorted */
  const step = (rows: unknown[][], ops?: number[]): unknown[][] => {
    const before = r.rows().length;
    op.push(0, chunk(T, rows, ops));
    op.push(0, barrier(++epoch));
    return r
      .rows()
      .slice(before)
      .sort((a, b) => JSON.stringify(a, big).localeCompare(JSON.stringify(b, big)));
  };
  return { op, r, step };
}

const big = (_k: string, v: unknown) => (typeof v === "bigint" ? Number(v) : v);

describe("IncrementalWindow", () => {
  it("emits nothing before a barrier, then every row with its window values", () => {
    const { op, r, step } = setup([rowNumber()]);
    op.push(0, chunk(T, [["a", 2]]));
    expect(r.out).toEqual([]);
    expect(step([["a", 1], ["b", 5]])).toEqual([
      [1, "a", 1, 1n],
      [1, "a", 2, 2n],
      [1, "b", 5, 1n],
    ]);
    expect(r.out[r.out.length - 1]).toEqual({ barrier: 1, final: false });
  });

  it("an insert re-ranks only its partition, and only the rows whose values changed", () => {
    const { step } = setup([rowNumber()]);
    step([["a", 10], ["a", 30], ["b", 5]]);
    // 20 lands between 10 and 30: 30 moves from rank 2 to 3, 10 keeps rank 1, b is untouched
    expect(step([["a", 20]])).toEqual([
      [-1, "a", 30, 2n],
      [1, "a", 20, 2n],
      [1, "a", 30, 3n],
    ]);
  });

  it("deletes retract and re-rank; an emptied partition retracts all its rows", () => {
    const { op, step } = setup([rowNumber(), runningSum()]);
    step([["a", 1], ["a", 2], ["a", 3], ["b", 7]]);
    expect(step([["a", 1]], [-1])).toEqual([
      [-1, "a", 1, 1n, 1n],
      [-1, "a", 2, 2n, 3n],
      [-1, "a", 3, 3n, 6n],
      [1, "a", 2, 1n, 2n],
      [1, "a", 3, 2n, 5n],
    ]);
    expect(step([["b", 7]], [-1])).toEqual([[-1, "b", 7, 1n, 7n]]);
    expect(op.partitionCount).toBe(1);
  });

  it("an insert and delete of the same row within an epoch emit nothing; duplicates are counted", () => {
    const { step } = setup([runningSum()]);
    step([["a", 4], ["a", 4]]);
    expect(step([["a", 9], ["a", 9]], [1, -1])).toEqual([]);
    // (a, 4, 4) stays; only the second copy's running sum goes
    expect(step([["a", 4]], [-1])).toEqual([[-1, "a", 4, 8n]]);
  });

  it("without a shared PARTITION BY the whole input is one partition", () => {
    const { op, step } = setup([rowNumber([])]);
    step([["a", 2], ["b", 1]]);
    expect(op.partitionCount).toBe(1);
    expect(step([["c", 0]])).toEqual([
      [-1, "a", 2, 2n],
      [-1, "b", 1, 1n],
      [1, "a", 2, 3n],
      [1, "b", 1, 2n],
      [1, "c", 0, 1n],
    ]);
  });

  it("a delete of a row it never saw is an internal error, not a silent miss", () => {
    const { op } = setup([rowNumber()]);
    expect(() => op.push(0, chunk(T, [["a", 1]], [-1]))).toThrow(/does not hold/);
  });
});
