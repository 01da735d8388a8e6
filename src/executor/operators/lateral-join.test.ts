import { describe, expect, it } from "vitest";
import { resolveOperator } from "../../types/index.js";
import type { BoundExpr, PhysicalPlan } from "../../planner/physical-plan.js";
import { barrier, BOOL, chunk, col, I32, lit, recorder, testEnv } from "../testing.js";
import { LateralJoin } from "./lateral-join.js";

const outer0: BoundExpr = { kind: "outer", index: 0, type: I32 };
// the right side: generate_series(1, $outer.0)
const series: PhysicalPlan = { kind: "table_function", fn: "generate_series_int", args: [lit(1, I32), outer0], withOrdinality: false, types: [I32] };
const left: PhysicalPlan = { kind: "values", rows: [], types: [I32] };

describe("LateralJoin", () => {
  it("runs the right plan per left row with the left row's values (inner)", () => {
    const r = recorder();
    const op = new LateralJoin({ kind: "lateral_join", joinType: "inner", left, right: series, correlated: [col(0, I32)], types: [I32, I32] }, testEnv(), r.emit);
    op.push(0, chunk([I32], [[2], [0], [1]]));
    op.push(0, barrier(1));
    expect(r.out).toEqual([{ rows: [[1, 2, 1], [1, 2, 2], [1, 1, 1]] }, { barrier: 1, final: false }]);
  });

  it("left join: a row without right rows passing the condition comes once, NULL-extended; deletes keep their op", () => {
    const gt = resolveOperator(">", I32, I32).id;
    const cond: BoundExpr = { kind: "call", fn: gt, args: [col(1, I32), lit(1, I32)], type: BOOL };
    const r = recorder();
    const op = new LateralJoin({ kind: "lateral_join", joinType: "left", left, right: series, correlated: [col(0, I32)], condition: cond, types: [I32, I32] }, testEnv(), r.emit);
    op.push(0, chunk([I32], [[2], [1]], [1, -1]));
    expect(r.rows()).toEqual([[1, 2, 2], [-1, 1, null]]);
  });
});
