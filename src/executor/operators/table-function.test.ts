import { describe, expect, it } from "vitest";
import type { BoundExpr, TableFunctionNode } from "../../planner/physical-plan.js";
import { type DataType, Interval, Types } from "../../types/index.js";
import { barrier, I32, I64, lit, recorder, TEXT, testEnv } from "../testing.js";
import { TableFunction } from "./table-function.js";

function run(fn: string, args: BoundExpr[], types: DataType[], withOrdinality = false): unknown[][] {
  const node: TableFunctionNode = { kind: "table_function", fn, args, types, withOrdinality };
  const r = recorder();
  const t = new TableFunction(node, testEnv(), r.emit);
  while (t.next()) {
    /* drain */
  }
  t.push(0, barrier(1, true));
  expect(r.out[r.out.length - 1]).toEqual({ barrier: 1, final: true });
  return r.rows().map((row) => row.slice(1));
}

describe("TableFunction", () => {
  it("generate_series over integers, with step, descending, empty", () => {
    expect(run("generate_series", [lit(1, I32), lit(4, I32)], [I32])).toEqual([[1], [2], [3], [4]]);
    expect(run("generate_series", [lit(1, I32), lit(10, I32), lit(4, I32)], [I32])).toEqual([[1], [5], [9]]);
    expect(run("generate_series", [lit(3, I32), lit(1, I32), lit(-1, I32)], [I32])).toEqual([[3], [2], [1]]);
    expect(run("generate_series", [lit(3, I32), lit(1, I32)], [I32])).toEqual([]);
    expect(run("generate_series", [lit(null, I32), lit(1, I32)], [I32])).toEqual([]);
    expect(() => run("generate_series", [lit(1, I32), lit(2, I32), lit(0, I32)], [I32])).toThrow(
      expect.objectContaining({ code: "22023", message: "step size cannot equal zero" }),
    );
  });

  it("generate_series over bigints with ordinality, in chunks", () => {
    const out = run("generate_series", [lit(1n, I64), lit(10000n, I64)], [I64, I64], true);
    expect(out.length).toBe(10000);
    expect(out[0]).toEqual([1n, 1n]);
    expect(out[9999]).toEqual([10000n, 10000n]);
  });

  it("unnest zips arrays, padding with NULL", () => {
    expect(
      run("unnest", [lit([1, 2, null], { id: "array", element: I32 }), lit(["a"], { id: "array", element: TEXT })], [I32, TEXT, I64], true),
    ).toEqual([
      [1, "a", 1n],
      [2, null, 2n],
      [null, null, 3n],
    ]);
  });

  it("generate_series over timestamps with an interval step (added cumulatively, as Postgres does)", () => {
    const TS = Types.timestamp;
    const day = 86400000000;
    const jan31 = Date.UTC(2024, 0, 31) * 1000;
    const out = run(
      "generate_series_timestamp",
      [lit(jan31, TS), lit(jan31 + 70 * day, TS), lit(new Interval(1, 0, 0), Types.interval)],
      [TS],
    );
    // the step is added to the previous value, as Postgres does: Jan 31, Feb 29, Mar 29
    expect(out).toEqual([[jan31], [Date.UTC(2024, 1, 29) * 1000], [Date.UTC(2024, 2, 29) * 1000]]);
    const back = run("generate_series_timestamp", [lit(2 * day, TS), lit(0, TS), lit(new Interval(0, -1, 0), Types.interval)], [TS]);
    expect(back).toEqual([[2 * day], [day], [0]]);
    expect(() => run("generate_series_timestamp", [lit(0, TS), lit(day, TS), lit(Interval.ZERO, Types.interval)], [TS])).toThrow(
      expect.objectContaining({ code: "22023" }),
    );
  });
});
