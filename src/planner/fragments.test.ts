import { describe, expect, it } from "vitest";
import { Decimal, Interval, Jsonb, Types, type DataType } from "../types/index.js";
import { decodeFragmentGraph, encodeFragmentGraph, fragmentPlan, injectsBarriers, readsClock, type FragmentGraph } from "./fragments.js";
import type { BoundExpr, PhysicalPlan } from "./physical-plan.js";

const I = Types.integer;
const col = (index: number, type: DataType = I): BoundExpr => ({ kind: "column", index, type });
const scan = (relation: string, columns: number[], types: DataType[] = columns.map(() => I)): PhysicalPlan => ({ kind: "scan", relation, name: relation, columns, types });
const count = { fn: "count_star", args: [], distinct: false, type: Types.bigint };

function shape(g: FragmentGraph): string[] {
  return g.fragments.map((f) => `${f.id}:${f.parallelism}:${f.output === "materialize" ? "mat" : `${f.output.exchange}->${g.exchanges[f.output.exchange].to}:${g.exchanges[f.output.exchange].distribution.kind}`}`);
}

describe("fragmentPlan", () => {
  it("hash-partitions a grouped aggregate by its keys and materializes in place", () => {
    const plan: PhysicalPlan = { kind: "aggregate", input: scan("t", [0, 1]), groupBy: [col(1)], aggregates: [count], types: [I, Types.bigint] };
    const g = fragmentPlan(plan, 4);
    expect(shape(g)).toEqual(["0:4:mat", "1:4:0->0:hash"]);
    expect(g.exchanges[0].distribution).toEqual({ kind: "hash", columns: [1] });
    expect(g.fragments[1].sources).toEqual(["t"]);
    expect(g.fragments[1].sourceKeys).toEqual({ t: null });
    expect(injectsBarriers(g.fragments[1])).toBe(true);
    expect(injectsBarriers(g.fragments[0])).toBe(false);
  });

  it("needs no exchange when the relation is placed by a primary key the groups contain", () => {
    const plan: PhysicalPlan = { kind: "aggregate", input: scan("t", [0, 1]), groupBy: [col(0), col(1)], aggregates: [count], types: [I, I, Types.bigint] };
    const g = fragmentPlan(plan, 3, { primaryKey: (r) => (r === "t" ? [0] : undefined) });
    expect(shape(g)).toEqual(["0:3:mat"]);
    expect(g.fragments[0].sourceKeys).toEqual({ t: [0] });
  });

  it("gathers a global aggregate into one partition, then places the view's rows by value", () => {
    const plan: PhysicalPlan = { kind: "aggregate", input: scan("t", [0]), groupBy: [], aggregates: [count], types: [Types.bigint] };
    const g = fragmentPlan(plan, 4);
    expect(shape(g)).toEqual(["0:4:mat", "1:1:0->0:hash", "2:4:1->1:single"]);
  });

  it("computes join keys that are expressions before the exchange and drops them after", () => {
    const key: BoundExpr = { kind: "call", fn: "+:integer,integer", args: [col(0), { kind: "const", type: I, value: 1 }], type: I };
    const plan: PhysicalPlan = { kind: "join", joinType: "inner", left: scan("a", [0]), right: scan("b", [0]), leftKeys: [key], rightKeys: [col(0)], types: [I, I] };
    const g = fragmentPlan(plan, 2);
    const join = g.fragments.find((f) => f.plan.kind === "join")!;
    expect(join.plan.kind === "join" && join.plan.left.kind).toBe("project"); // the key column dropped again
    expect(join.plan.kind === "join" && join.plan.right.kind).toBe("exchange_source");
    const left = g.fragments.find((f) => f.sources.includes("a"))!;
    expect(left.plan.kind).toBe("project");
    expect(left.plan.types.length).toBe(2); // the column and the key
    expect(left.output !== "materialize" && left.output.distribution).toEqual({ kind: "hash", columns: [1] });
  });

  it("runs constants and nested loop joins in one partition", () => {
    const values: PhysicalPlan = { kind: "values", rows: [[{ kind: "const", type: I, value: 1 }]], types: [I] };
    const plan: PhysicalPlan = { kind: "join", joinType: "inner", left: scan("a", [0]), right: values, leftKeys: [], rightKeys: [], condition: { kind: "const", type: Types.boolean, value: true }, types: [I, I] };
    const g = fragmentPlan(plan, 4);
    const nl = g.fragments.find((f) => f.plan.kind === "join")!;
    expect(nl.parallelism).toBe(1);
    expect(g.fragments.find((f) => f.sources.includes("a"))!.parallelism).toBe(4);
  });

  it("tells whether a graph reads the clock", () => {
    const tf: PhysicalPlan = { kind: "temporal_filter", input: scan("t", [0]), from: [col(0)], until: [], types: [I] };
    expect(readsClock(fragmentPlan(tf, 2))).toBe(true);
    expect(readsClock(fragmentPlan(scan("t", [0]), 2))).toBe(false);
  });

  it("refuses a bad parallelism", () => {
    expect(() => fragmentPlan(scan("t", [0]), 0)).toThrow(/parallelism/);
    expect(() => fragmentPlan(scan("t", [0]), 257)).toThrow(/parallelism/);
  });

  it("round-trips through JSON with SQL values JSON lacks", () => {
    const consts: unknown[] = [123n, -(2n ** 63n), Decimal.parse("1.50"), new Interval(1, -2, 3000000), Jsonb.parse('{"a": [1, 2.5, null]}'), Uint8Array.from([0, 255]), Float32Array.from([0.5, -1]), Number.NaN, Infinity, -Infinity, -0, null, "text"];
    const types: DataType[] = [Types.bigint, Types.bigint, Types.numeric, Types.interval, Types.jsonb, Types.bytea, Types.vector(2), Types.double, Types.double, Types.double, Types.double, I, Types.text];
    const plan: PhysicalPlan = { kind: "project", input: scan("t", [0]), exprs: consts.map((value, i) => ({ kind: "const", type: types[i], value })), types };
    const g = fragmentPlan(plan, 2);
    const back = decodeFragmentGraph(encodeFragmentGraph(g));
    expect(back).toEqual(g);
    const exprs = (back.fragments.find((f) => f.plan.kind === "project")!.plan as { exprs: { value: unknown }[] }).exprs.map((e) => e.value);
    expect(exprs[0]).toBe(123n);
    expect(exprs[2]).toBeInstanceOf(Decimal);
    expect(String(exprs[2])).toBe("1.50");
    expect(exprs[3]).toBeInstanceOf(Interval);
    expect(Object.is(exprs[10], -0)).toBe(true);
    expect(Number.isNaN(exprs[7])).toBe(true);
    expect(String(exprs[4])).toBe('{"a": [1, 2.5, null]}');
  });
});
