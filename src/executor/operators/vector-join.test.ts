import { describe, expect, it } from "vitest";
import { Chunk, Types } from "../../types/index.js";
import { VectorIndex } from "../../ai/index.js";
import type { BoundExpr, PhysicalPlan, VectorJoinNode } from "../../planner/physical-plan.js";
import type { ExecutionContext, VectorIndexReader } from "../message.js";
import { I32, chunk, col, lit, recorder, testContext, barrier } from "../testing.js";
import { VectorJoin } from "./vector-join.js";

const VEC = Types.vector(1);

/** A live (mutable) table of (id, x) points with a real HNSW index over x. */
function pointTable() {
  const index = new VectorIndex({ dims: 1, metric: "l2sq" });
  const xs = new Map<number, number>();
  const reader: VectorIndexReader = {
    search: (q, k, _ef, accept) => index.search(q, k, accept ? (key) => accept(Number(key)) : undefined).map((m) => ({ rowId: Number(m.key), distance: m.distance })),
    firstRows: (k, accept) => [...xs.keys()].filter((id) => accept === undefined || accept(id)).slice(0, k),
    rows: (ids, columns) =>
      Chunk.fromRows(
        columns.map(() => I32),
        ids.filter((id) => xs.has(id)).map((id) => columns.map((c) => (c === 0 ? id : xs.get(id)!))),
      ),
  };
  return {
    put(id: number, x: number) {
      xs.set(id, x);
      index.add(id, Float32Array.from([x]));
    },
    ctx(): ExecutionContext {
      const ctx = testContext();
      return { ...ctx, relations: { ...ctx.relations, vectorIndex: () => reader } };
    },
  };
}

// probe: the nearest `k` points to the left row's vector (outer value 0), as (id)
function probe(k: number): PhysicalPlan {
  const q: BoundExpr = { kind: "outer", index: 0, type: VEC };
  return { kind: "vector_index_scan", relation: "t", name: "t", index: "i", indexName: "t_x_idx", columns: [0], types: [I32], query: q, operator: "<->", limit: lit(k, I32), orderBy: q };
}

function node(k: number, joinType: "inner" | "left" = "inner"): VectorJoinNode {
  const left: PhysicalPlan = { kind: "values", rows: [], types: [I32, VEC] };
  return { kind: "vector_join", joinType, left, probe: probe(k), correlated: [col(1, VEC)], types: [I32, VEC, I32] };
}

const v = (x: number) => Float32Array.from([x]);

describe("VectorJoin", () => {
  it("probes the index per left row, as it stands when the row arrives", () => {
    const t = pointTable();
    t.put(1, 0);
    t.put(2, 10);
    const r = recorder();
    const op = new VectorJoin(node(1), { ctx: t.ctx(), outer: undefined }, r.emit);
    op.push(0, chunk([I32, VEC], [[100, v(9)]]));
    t.put(3, 9); // later index changes do not revise rows already joined
    op.push(0, chunk([I32, VEC], [[101, v(9)]]));
    op.push(0, barrier(1));
    expect(r.rows().map((row) => [row[0], row[1], row[3]])).toEqual([[1, 100, 2], [1, 101, 3]]);
    expect(r.out.at(-1)).toEqual({ barrier: 1, final: false });
  });

  it("a deleted left row retracts exactly what its insert produced, even after the index changed", () => {
    const t = pointTable();
    t.put(1, 0);
    t.put(2, 5);
    const r = recorder();
    const op = new VectorJoin(node(2), { ctx: t.ctx(), outer: undefined }, r.emit);
    op.push(0, chunk([I32, VEC], [[100, v(1)]]));
    t.put(3, 1);
    op.push(0, chunk([I32, VEC], [[100, v(1)]], [-1]));
    expect(r.rows().map((row) => [row[0], row[1], row[3]])).toEqual([[1, 100, 1], [1, 100, 2], [-1, 100, 1], [-1, 100, 2]]);
  });

  it("left join: a row with no neighbours (empty index) comes once with NULLs", () => {
    const t = pointTable();
    const r = recorder();
    const op = new VectorJoin(node(3, "left"), { ctx: t.ctx(), outer: undefined }, r.emit);
    op.push(0, chunk([I32, VEC], [[7, v(1)], [8, null]]));
    t.put(1, 0);
    op.push(0, chunk([I32, VEC], [[9, null]])); // NULL vector: every distance is NULL, any row answers
    expect(r.rows().map((row) => [row[0], row[1], row[3]])).toEqual([[1, 7, null], [1, 8, null], [1, 9, 1]]);
  });
});
