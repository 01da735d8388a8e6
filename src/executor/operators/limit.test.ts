import { describe, expect, it } from "vitest";
import type { LimitNode } from "../../planner/physical-plan.js";
import { barrier, chunk, I32, I64, lit, recorder, testEnv } from "../testing.js";
import { Limit } from "./limit.js";

function limitNode(limit: unknown, offset: unknown): LimitNode {
  return {
    kind: "limit",
    types: [I32],
    input: { kind: "empty", types: [I32] },
    limit: limit === undefined ? undefined : lit(limit, I64),
    offset: offset === undefined ? undefined : lit(offset, I64),
  };
}

describe("Limit", () => {
  it("skips OFFSET rows and passes LIMIT rows across chunks", () => {
    const r = recorder();
    const l = new Limit(limitNode(3n, 2n), testEnv(), r.emit);
    l.push(0, chunk([I32], [[1]]));
    expect(l.satisfied).toBe(false);
    l.push(0, chunk([I32], [[2], [3], [4]]));
    l.push(0, chunk([I32], [[5], [6], [7]]));
    expect(l.satisfied).toBe(true);
    l.push(0, barrier(1, true));
    expect(r.out).toEqual([{ rows: [[1, 3], [1, 4], [1, 5]] }, { barrier: 1, final: true }]);
  });

  it("treats NULL as no limit / no offset", () => {
    const r = recorder();
    const l = new Limit(limitNode(null, null), testEnv(), r.emit);
    l.push(0, chunk([I32], [[1], [2]]));
    expect(r.rows()).toEqual([[1, 1], [1, 2]]);
  });

  it("rejects negative values and deletes", () => {
    expect(() => new Limit(limitNode(-1n, undefined), testEnv(), () => {})).toThrow(
      expect.objectContaining({ code: "2201W", message: "LIMIT must not be negative" }),
    );
    expect(() => new Limit(limitNode(undefined, -1n), testEnv(), () => {})).toThrow(
      expect.objectContaining({ code: "2201X", message: "OFFSET must not be negative" }),
    );
    const l = new Limit(limitNode(5n, undefined), testEnv(), () => {});
    expect(() => l.push(0, chunk([I32], [[1]], [-1]))).toThrow(expect.objectContaining({ code: "0A000" }));
  });
});
