import { describe, expect, it } from "vitest";
import { Chunk, resolveOperator, Types } from "../../types/index.js";
import { VectorIndex } from "../../ai/index.js";
import type { BoundExpr, VectorIndexScanNode } from "../../planner/physical-plan.js";
import type { ExecutionContext, OperatorEnv, VectorIndexReader } from "../message.js";
import { BOOL, I32, TEXT, col, lit, recorder, testContext } from "../testing.js";
import { VectorIndexScan } from "./vector-index-scan.js";

const VEC = Types.vector(2);

/** A real usearch index over a few rows (id, tag, vector), as the database keeps one over a table. */
function smallIndexReader(rows: [number, string, number[] | null][], metric: "l2sq" | "cos" = "l2sq"): VectorIndexReader & { searches: number[] } {
  const index = new VectorIndex({ dims: 2, metric });
  for (const [id, , v] of rows) if (v) index.add(id, Float32Array.from(v));
  const byId = new Map(rows.map((r) => [r[0], r]));
  const searches: number[] = [];
  return {
    searches,
    search(query, k, efSearch, accept) {
      searches.push(efSearch ?? -1);
      return index.search(query, k, accept ? (key) => accept(Number(key)) : undefined).map((m) => ({ rowId: Number(m.key), distance: m.distance }));
    },
    firstRows(k, accept) {
      return rows.map((r) => r[0]).filter((id) => accept === undefined || accept(id)).slice(0, k);
    },
    rows(ids, columns) {
      const types = [I32, TEXT, VEC];
      return Chunk.fromRows(
        columns.map((c) => types[c]),
        ids.map((id) => {
          const r = byId.get(id)!;
          const full = [r[0], r[1], r[2] ? Float32Array.from(r[2]) : null];
          return columns.map((c) => full[c]);
        }),
      );
    },
  };
}

function contextWith(reader: VectorIndexReader, extra: Partial<ExecutionContext> = {}): ExecutionContext {
  const ctx = testContext();
  return { ...ctx, relations: { ...ctx.relations, vectorIndex: (id) => (id === "i1" ? reader : undefined) }, ...extra };
}

const ROWS: [number, string, number[] | null][] = [
  [1, "a", [0, 0]],
  [2, "b", [1, 0]],
  [3, "a", [2, 0]],
  [4, "b", [3, 0]],
  [5, "a", [4, 0]],
  [6, "a", null],
];

function node(query: BoundExpr, limit: number, filter?: BoundExpr): VectorIndexScanNode {
  return {
    kind: "vector_index_scan",
    relation: "t1",
    name: "t",
    index: "i1",
    indexName: "t_v_idx",
    columns: [0, 1],
    types: [I32, TEXT],
    query,
    operator: "<->",
    limit: lit(limit, I32),
    orderBy: query,
    ...(filter ? { filter } : {}),
  };
}

describe("VectorIndexScan", () => {
  it("emits the k nearest rows, nearest first, then is exhausted", () => {
    const r = recorder();
    const env: OperatorEnv = { ctx: contextWith(smallIndexReader(ROWS)), outer: undefined };
    const op = new VectorIndexScan(node(lit(Float32Array.from([2.9, 0]), VEC), 3), env, r.emit);
    expect(op.next()).toBe(true);
    expect(op.next()).toBe(false);
    expect(r.rows()).toEqual([[1, 4, "b"], [1, 3, "a"], [1, 5, "a"]]);
  });

  it("applies the filter, widening the search until k rows pass", () => {
    const eq = resolveOperator("=", TEXT, TEXT).id;
    const filter: BoundExpr = { kind: "call", fn: eq, args: [col(1, TEXT), lit("b", TEXT)], type: BOOL };
    const r = recorder();
    const env: OperatorEnv = { ctx: contextWith(smallIndexReader(ROWS)), outer: undefined };
    new VectorIndexScan(node(lit(Float32Array.from([4, 0]), VEC), 5, filter), env, r.emit).next();
    // only two rows are 'b': fewer than k, nearest first
    expect(r.rows()).toEqual([[1, 4, "b"], [1, 2, "b"]]);
  });

  it("reads the query from outer values, passes SET hnsw.ef_search; a NULL query gives any k rows (all distances NULL)", () => {
    const reader = smallIndexReader(ROWS);
    const outerQ: BoundExpr = { kind: "outer", index: 0, type: VEC };
    const r = recorder();
    new VectorIndexScan(node(outerQ, 1), { ctx: contextWith(reader, { hnswEfSearch: 7 }), outer: [Float32Array.from([0.2, 0])] }, r.emit).next();
    expect(r.rows()).toEqual([[1, 1, "a"]]);
    expect(reader.searches).toEqual([7]);
    const r2 = recorder();
    const eq = resolveOperator("=", TEXT, TEXT).id;
    const onlyB: BoundExpr = { kind: "call", fn: eq, args: [col(1, TEXT), lit("b", TEXT)], type: BOOL };
    new VectorIndexScan(node(outerQ, 1, onlyB), { ctx: contextWith(reader), outer: [null] }, r2.emit).next();
    expect(r2.rows()).toEqual([[1, 2, "b"]]);
    expect(reader.searches).toEqual([7]); // no index search for it
  });

  it("refuses a query vector of other dimensions with 22000", () => {
    const index = new VectorIndex({ dims: 2, metric: "l2sq" });
    const reader: VectorIndexReader = {
      search: (q, k) => index.search(q, k).map((m) => ({ rowId: Number(m.key), distance: m.distance })),
      firstRows: () => [],
      rows: () => Chunk.fromRows([I32, TEXT], []),
    };
    const op = new VectorIndexScan(node(lit(Float32Array.from([1, 2, 3]), Types.vector(3)), 1), { ctx: contextWith(reader), outer: undefined }, recorder().emit);
    expect(() => op.next()).toThrow(expect.objectContaining({ code: "22000" }));
  });
});
