import { describe, expect, it } from "vitest";
import { recordView, replay } from "./fragment-harness.js";

describe("smoke", () => {
  it("grouped aggregate", async () => {
    const rec = await recordView(
      ["CREATE TABLE t (id INT PRIMARY KEY, g INT, x INT)"],
      "CREATE MATERIALIZED VIEW v AS SELECT g, count(*), sum(x) FROM t GROUP BY g",
      ["INSERT INTO t VALUES (1, 1, 10), (2, 2, 20), (3, 1, 30), (4, 3, 5)", "UPDATE t SET g = 2 WHERE id = 1", "DELETE FROM t WHERE id = 4"],
    );
    console.log(rec.expected, rec.inputs.length);
    for (const p of [1, 2, 3, 4]) {
      const r = replay(rec, { parallelism: p, shuffleSeed: 7, restoreAt: 0.5 });
      expect(r.rows).toEqual(rec.expected);
    }
  });
});
