import { describe, expect, it } from "vitest";
import type { ValuesNode } from "../../planner/physical-plan.js";
import { barrier, I32, lit, recorder, TEXT, testEnv } from "../testing.js";
import { Values } from "./values.js";

describe("Values", () => {
  it("evaluates each row's expressions (constants, parameters, outer values) into chunks", () => {
    const node: ValuesNode = {
      kind: "values",
      types: [I32, TEXT],
      rows: [
        [lit(1, I32), lit("a", TEXT)],
        [{ kind: "param", index: 0, type: I32 }, lit(null, TEXT)],
        [{ kind: "outer", index: 0, type: I32 }, lit("c", TEXT)],
      ],
    };
    const env = { ...testEnv({}, [42]), outer: [7] };
    const r = recorder();
    const v = new Values(node, env, r.emit);
    while (v.next()) {
      /* drain */
    }
    v.push(0, barrier(1, true));
    expect(r.out).toEqual([{ rows: [[1, 1, "a"], [1, 42, null], [1, 7, "c"]] }, { barrier: 1, final: true }]);
  });
});
