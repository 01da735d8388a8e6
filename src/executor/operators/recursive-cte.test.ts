import { describe, expect, it } from "vitest";
import { resolveOperator } from "../../types/index.js";
import type { BoundExpr, PhysicalPlan } from "../../planner/physical-plan.js";
import { barrier, BOOL, col, I32, lit, recorder, testEnv, valuesPlan } from "../testing.js";
import { RecursiveCte } from "./recursive-cte.js";

const add = resolveOperator("+", I32, I32).id;
const lt = resolveOperator("<", I32, I32).id;
const mod = resolveOperator("%", I32, I32).id;
const call = (fn: string, args: BoundExpr[], type = I32): BoundExpr => ({ kind: "call", fn, args, type });
const work: PhysicalPlan = { kind: "work_table_scan", id: "w1", name: "c", types: [I32] };

function drain(op: RecursiveCte): void {
  while (op.next());
  op.push(0, barrier(1, true));
}

describe("RecursiveCte", () => {
  it("UNION ALL: iterates the recursive term over the previous round's rows until it adds none", () => {
    // WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 4)
    const recursive: PhysicalPlan = {
      kind: "project",
      input: { kind: "filter", input: work, predicate: call(lt, [col(0, I32), lit(4, I32)], BOOL), types: [I32] },
      exprs: [call(add, [col(0, I32), lit(1, I32)])],
      types: [I32],
    };
    const r = recorder();
    drain(new RecursiveCte({ kind: "recursive_cte", id: "w1", name: "c", all: true, base: valuesPlan([I32], [[1]]), recursive, types: [I32] }, testEnv(), r.emit));
    expect(r.out).toEqual([{ rows: [[1, 1], [1, 2], [1, 3], [1, 4]] }, { barrier: 1, final: true }]);
  });

  it("UNION: drops rows seen before (also within a round), so a cycle terminates", () => {
    // WITH RECURSIVE c(n) AS (VALUES (1), (1) UNION SELECT n % 3 + 1 FROM c)
    const recursive: PhysicalPlan = { kind: "project", input: work, exprs: [call(add, [call(mod, [col(0, I32), lit(3, I32)]), lit(1, I32)])], types: [I32] };
    const r = recorder();
    drain(new RecursiveCte({ kind: "recursive_cte", id: "w1", name: "c", all: false, base: valuesPlan([I32], [[1], [1]]), recursive, types: [I32] }, testEnv(), r.emit));
    expect(r.rows()).toEqual([[1, 1], [1, 2], [1, 3]]);
  });

  it("emits one round per call, so a LIMIT above can stop an unbounded recursion", () => {
    const recursive: PhysicalPlan = { kind: "project", input: work, exprs: [call(add, [col(0, I32), lit(1, I32)])], types: [I32] };
    const r = recorder();
    const op = new RecursiveCte({ kind: "recursive_cte", id: "w1", name: "c", all: true, base: valuesPlan([I32], [[1]]), recursive, types: [I32] }, testEnv(), r.emit);
    expect(op.next()).toBe(true);
    expect(op.next()).toBe(true);
    expect(r.rows()).toEqual([[1, 1], [1, 2]]);
  });
});
