import { describe, expect, it } from "vitest";
import type { DistinctOnNode } from "../../planner/physical-plan.js";
import { barrier, chunk, col, I32, recorder, TEXT, testEnv } from "../testing.js";
import { DistinctOn } from "./distinct-on.js";

describe("DistinctOn", () => {
  it("passes the first row of each key (NULL keys one group), across chunks", () => {
    const types = [I32, TEXT];
    const node: DistinctOnNode = { kind: "distinct_on", types, input: { kind: "empty", types }, keys: [col(0, I32)] };
    const r = recorder();
    const d = new DistinctOn(node, testEnv(), r.emit);
    d.push(0, chunk(types, [[1, "a"], [1, "b"], [null, "c"], [2, "d"]]));
    d.push(0, chunk(types, [[2, "e"], [null, "f"], [3, "g"]]));
    d.push(0, barrier(1, true));
    expect(r.out).toEqual([
      { rows: [[1, 1, "a"], [1, null, "c"], [1, 2, "d"], [1, 3, "g"]] },
      { barrier: 1, final: true },
    ]);
  });
});
