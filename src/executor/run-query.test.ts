import { describe, expect, it } from "vitest";
import type { BoundExpr, PhysicalPlan } from "../planner/physical-plan.js";
import { Chunk, resolveOperator, SqlError } from "../types/index.js";
import { runQuery } from "./run-query.js";
import { BOOL, col, I32, I64, lit, TEXT, testContext, valuesPlan } from "./testing.js";

function rows(chunks: Chunk[]): unknown[][] {
  return chunks.flatMap((c) => c.rows());
}

const eq = (a: BoundExpr, b: BoundExpr): BoundExpr => ({ kind: "call", fn: resolveOperator("=", a.type, b.type).id, args: [a, b], type: BOOL });

describe("runQuery", () => {
  it("scans, filters, aggregates and sorts, returning insert-only chunks", () => {
    const t = Chunk.fromRows([I32, TEXT, BOOL], [[1, "a", true], [2, "b", false], [1, "c", true], [3, "d", true]]);
    const plan: PhysicalPlan = {
      kind: "sort",
      types: [I32, I64],
      keys: [{ expr: col(0, I32), desc: true, nullsFirst: true }],
      input: {
        kind: "aggregate",
        types: [I32, I64],
        groupBy: [col(0, I32)],
        aggregates: [{ fn: "count_star", args: [], distinct: false, type: I64 }],
        input: {
          kind: "filter",
          types: [I32, BOOL],
          predicate: col(1, BOOL),
          input: { kind: "scan", types: [I32, BOOL], relation: "t", name: "t", columns: [0, 2] },
        },
      },
    };
    const out = runQuery(plan, testContext({ t: [t] }));
    expect(out.every((c) => c.ops === null)).toBe(true);
    expect(rows(out)).toEqual([
      [3, 1n],
      [1, 2n],
    ]);
  });

  it("splits large source chunks, and a LIMIT stops reading its source early", () => {
    const big = Chunk.fromRows([I32], Array.from({ length: 10000 }, (_, i) => [i]));
    let pulled = 0;
    const ctx = testContext();
    ctx.relations = {
      *scan() {
        for (let i = 0; i < 100; i++) {
          pulled++;
          yield big;
        }
      },
    };
    const plan: PhysicalPlan = {
      kind: "limit",
      types: [I32],
      limit: lit(5000n, I64),
      offset: lit(1n, I64),
      input: { kind: "scan", types: [I32], relation: "t", name: "t", columns: [0] },
    };
    const out = runQuery(plan, ctx);
    expect(out.every((c) => c.length <= 4096)).toBe(true);
    const r = rows(out);
    expect(r.length).toBe(5000);
    expect(r[0]).toEqual([1]);
    expect(pulled).toBe(1);
  });

  it("ORDER BY ... LIMIT keeps a top-N over a large input", () => {
    const input: unknown[][] = [];
    for (let i = 0; i < 100000; i++) input.push([(i * 7919) % 100003]);
    const plan: PhysicalPlan = {
      kind: "limit",
      types: [I32],
      limit: lit(3n, I64),
      offset: lit(1n, I64),
      input: {
        kind: "sort",
        types: [I32],
        keys: [{ expr: col(0, I32), desc: true, nullsFirst: true }],
        input: { kind: "scan", types: [I32], relation: "t", name: "t", columns: [0] },
      },
    };
    const sortedDesc = input.map((r) => r[0] as number).sort((a, b) => b - a);
    expect(rows(runQuery(plan, testContext({ t: [Chunk.fromRows([I32], input)] })))).toEqual(sortedDesc.slice(1, 4).map((v) => [v]));
  });

  it("joins in left-row order, with the right side as the build side", () => {
    const plan: PhysicalPlan = {
      kind: "join",
      joinType: "left",
      types: [I32, TEXT, I32, TEXT],
      left: valuesPlan([I32, TEXT], [[2, "l2"], [1, "l1"], [3, "l3"]]),
      right: valuesPlan([I32, TEXT], [[1, "r1"], [2, "r2a"], [2, "r2b"]]),
      leftKeys: [col(0, I32)],
      rightKeys: [col(0, I32)],
    };
    expect(rows(runQuery(plan, testContext()))).toEqual([
      [2, "l2", 2, "r2a"],
      [2, "l2", 2, "r2b"],
      [1, "l1", 1, "r1"],
      [3, "l3", null, null],
    ]);
  });

  it("UNION ALL of VALUES, EMPTY and generate_series", () => {
    const plan: PhysicalPlan = {
      kind: "union_all",
      types: [I32],
      inputs: [
        valuesPlan([I32], [[1], [2]]),
        { kind: "empty", types: [I32] },
        { kind: "table_function", types: [I32], fn: "generate_series", args: [lit(5, I32), lit(6, I32)], withOrdinality: false },
      ],
    };
    expect(rows(runQuery(plan, testContext()))).toEqual([[1], [2], [5], [6]]);
  });

  it("is cancelled between chunks with 57014", () => {
    const ctx = testContext({ t: [Chunk.fromRows([I32], [[1]])] });
    ctx.cancelled = () => true;
    expect(() => runQuery({ kind: "scan", types: [I32], relation: "t", name: "t", columns: [0] }, ctx)).toThrow(
      expect.objectContaining({ code: "57014", message: "canceling statement due to user request" }),
    );
  });

  it("runs correlated subqueries once per distinct outer value", () => {
    // SELECT x, (SELECT count(*) FROM t2 WHERE t2.a = outer.x) FROM (VALUES (1),(2),(1),(9))
    let scans = 0;
    const t2 = Chunk.fromRows([I32], [[1], [1], [2]]);
    const ctx = testContext();
    ctx.relations = {
      scan() {
        scans++;
        return [t2];
      },
    };
    const sub: PhysicalPlan = {
      kind: "aggregate",
      types: [I64],
      groupBy: [],
      aggregates: [{ fn: "count_star", args: [], distinct: false, type: I64 }],
      input: {
        kind: "filter",
        types: [I32],
        predicate: eq(col(0, I32), { kind: "outer", index: 0, type: I32 }),
        input: { kind: "scan", types: [I32], relation: "t2", name: "t2", columns: [0] },
      },
    };
    const plan: PhysicalPlan = {
      kind: "project",
      types: [I32, I64],
      exprs: [col(0, I32), { kind: "subquery", mode: "scalar", plan: sub, correlated: [col(0, I32)], type: I64 }],
      input: valuesPlan([I32], [[1], [2], [1], [9]]),
    };
    expect(rows(runQuery(plan, ctx))).toEqual([
      [1, 2n],
      [2, 1n],
      [1, 2n],
      [9, 0n],
    ]);
    expect(scans).toBe(3);
  });

  it("scalar subquery with several rows is 21000; EXISTS, IN/ANY/ALL are three-valued; ARRAY", () => {
    const ctx = testContext();
    const list = (vals: unknown[]): PhysicalPlan => valuesPlan([I32], vals.map((v) => [v]));
    const q = (expr: BoundExpr): unknown => rows(runQuery({ kind: "project", types: [expr.type], exprs: [expr], input: valuesPlan([], [[]]) }, ctx))[0][0];
    const scalar = (p: PhysicalPlan): BoundExpr => ({ kind: "subquery", mode: "scalar", plan: p, correlated: [], type: I32 });
    expect(q(scalar(list([7])))).toBe(7);
    expect(q(scalar(list([])))).toBe(null);
    expect(() => q(scalar(list([1, 2])))).toThrow(SqlError);
    expect(() => q(scalar(list([1, 2])))).toThrow(
      expect.objectContaining({ code: "21000", message: "more than one row returned by a subquery used as an expression" }),
    );
    expect(q({ kind: "subquery", mode: "exists", plan: list([]), correlated: [], type: BOOL })).toBe(false);
    expect(q({ kind: "subquery", mode: "exists", plan: list([null]), correlated: [], type: BOOL })).toBe(true);
    const cmp = resolveOperator("=", I32, I32).id;
    const anyOf = (x: unknown, vals: unknown[], mode: "any" | "all" = "any"): unknown =>
      q({ kind: "subquery", mode, plan: list(vals), correlated: [], lhs: lit(x, I32), cmp, type: BOOL });
    expect(anyOf(1, [1, 2])).toBe(true);
    expect(anyOf(3, [1, 2])).toBe(false);
    expect(anyOf(3, [1, null])).toBe(null);
    expect(anyOf(null, [1])).toBe(null);
    expect(anyOf(null, [])).toBe(false);
    expect(anyOf(1, [1, 1], "all")).toBe(true);
    expect(anyOf(1, [1, 2], "all")).toBe(false);
    expect(anyOf(1, [1, null], "all")).toBe(null);
    expect(anyOf(null, [], "all")).toBe(true);
    expect(q({ kind: "subquery", mode: "array", plan: list([3, null, 1]), correlated: [], type: { id: "array", element: I32 } })).toEqual([3, null, 1]);
  });
});
