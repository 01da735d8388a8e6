import { describe, expect, it } from "vitest";
import type { SortKey, SortNode } from "../../planner/physical-plan.js";
import { barrier, BOOL, chunk, col, F64, I32, I64, recorder, TEXT, testEnv } from "../testing.js";
import { Sort } from "./sort.js";

function sortNode(types: SortNode["types"], keys: SortKey[]): SortNode {
  return { kind: "sort", types, input: { kind: "empty", types }, keys };
}

describe("Sort", () => {
  it("emits nothing before the final barrier, then all rows in order (stable)", () => {
    const types = [I32, TEXT];
    const r = recorder();
    const s = new Sort(sortNode(types, [{ expr: col(0, I32), desc: false, nullsFirst: false }]), testEnv(), r.emit);
    s.push(0, chunk(types, [[3, "a"], [1, "b"], [null, "c"]]));
    s.push(0, barrier(1));
    s.push(0, chunk(types, [[1, "d"], [2, "e"]]));
    s.push(0, barrier(2, true));
    expect(r.out).toEqual([
      { barrier: 1, final: false },
      { rows: [[1, 1, "b"], [1, 1, "d"], [1, 2, "e"], [1, 3, "a"], [1, null, "c"]] },
      { barrier: 2, final: true },
    ]);
  });

  it("orders by several keys: DESC, NULLS FIRST, text by code point, false before true", () => {
    const types = [BOOL, TEXT, F64];
    const r = recorder();
    const s = new Sort(
      sortNode(types, [
        { expr: col(0, BOOL), desc: false, nullsFirst: false },
        { expr: col(1, TEXT), desc: true, nullsFirst: true },
        { expr: col(2, F64), desc: false, nullsFirst: false },
      ]),
      testEnv(),
      r.emit,
    );
    s.push(
      0,
      chunk(types, [
        [true, "b", 1],
        [false, "B", NaN],
        [false, "B", -Infinity],
        [true, null, 2],
        [false, "\u{1F600}", 0],
        [false, "\uFFFD", 0],
        [null, "a", 0],
      ]),
    );
    s.push(0, barrier(1, true));
    expect(r.rows()).toEqual([
      [1, false, "\u{1F600}", 0],
      [1, false, "\uFFFD", 0],
      [1, false, "B", -Infinity],
      [1, false, "B", NaN],
      [1, true, null, 2],
      [1, true, "b", 1],
      [1, null, "a", 0],
    ]);
  });

  it("sorts bigints exactly and applies deletes before sorting", () => {
    const types = [I64];
    const r = recorder();
    const s = new Sort(sortNode(types, [{ expr: col(0, I64), desc: true, nullsFirst: false }]), testEnv(), r.emit);
    s.push(0, chunk(types, [[2n ** 62n], [2n ** 62n + 1n], [-5n], [7n]]));
    s.push(0, chunk(types, [[7n]], [-1]));
    s.push(0, barrier(1, true));
    expect(r.rows()).toEqual([
      [1, 2n ** 62n + 1n],
      [1, 2n ** 62n],
      [1, -5n],
    ]);
  });

  it("splits a large result into chunks of at most 4096 rows", () => {
    const types = [I32];
    const chunks: number[] = [];
    const s = new Sort(sortNode(types, [{ expr: col(0, I32), desc: true, nullsFirst: false }]), testEnv(), (m) => {
      if (m.kind === "chunk") chunks.push(m.chunk.length);
    });
    const rows: unknown[][] = [];
    for (let i = 0; i < 10000; i++) rows.push([i]);
    s.push(0, chunk(types, rows));
    s.push(0, barrier(1, true));
    expect(chunks).toEqual([4096, 4096, 1808]);
  });
});

describe("Sort under a LIMIT (top-N)", () => {
  it("keeps only the leading rows, stably, across truncations", () => {
    const types = [I32, I32];
    const r = recorder();
    const s = new Sort(sortNode(types, [{ expr: col(0, I32), desc: false, nullsFirst: false }]), testEnv(), r.emit, 3);
    for (let c = 0; c < 40; c++) {
      const rows: unknown[][] = [];
      for (let i = 0; i < 4096; i++) rows.push([(i * 31 + c) % 1000, c]);
      s.push(0, chunk(types, rows));
    }
    s.push(0, barrier(1, true));
    // three rows with key 0, from the earliest chunks that had one (stable)
    expect(r.rows()).toEqual([
      [1, 0, 0],
      [1, 0, 0],
      [1, 0, 0],
    ]);
  });
});
