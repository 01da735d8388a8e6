import { describe, expect, it } from "vitest";
import type { ProjectNode } from "../../planner/physical-plan.js";
import { barrier, chunk, col, I32, lit, recorder, TEXT, testEnv } from "../testing.js";
import { Project } from "./project.js";

describe("Project", () => {
  it("computes the expressions and keeps ops; remaps watermarks of passed-through columns", () => {
    const node: ProjectNode = {
      kind: "project",
      types: [TEXT, I32, I32],
      input: { kind: "empty", types: [I32, TEXT] },
      exprs: [col(1, TEXT), lit(7, I32), col(0, I32)],
    };
    const r = recorder();
    const p = new Project(node, testEnv(), r.emit);
    p.push(0, chunk([I32, TEXT], [[1, "a"], [null, "b"]], [1, -1]));
    p.push(0, { kind: "watermark", column: 0, value: 10 });
    p.push(0, { kind: "watermark", column: 1, value: "x" });
    p.push(0, barrier(2));
    expect(r.out).toEqual([
      { rows: [[1, "a", 7, 1], [-1, "b", 7, null]] },
      { watermark: 2, value: 10 },
      { watermark: 0, value: "x" },
      { barrier: 2, final: false },
    ]);
  });
});
