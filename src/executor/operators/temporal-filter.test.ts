import { describe, expect, it } from "vitest";
import type { TemporalFilterNode } from "../../planner/physical-plan.js";
import { Interval, Types, resolveOperator } from "../../types/index.js";
import { barrier, chunk, col, I32, lit, recorder, sorted, testEnv } from "../testing.js";
import { TemporalFilter } from "./temporal-filter.js";

const TZ = Types.timestamptz;
const IN = [I32, TZ]; // id, ts
const MS = 1000; // µs per ms: barrier epochs are milliseconds

const plus = (ms: number) => ({
  kind: "call" as const,
  fn: resolveOperator("+", TZ, Types.interval).id,
  args: [col(1, TZ), lit(new Interval(0, 0, ms * MS), Types.interval)],
  type: TZ,
});

/** `ts > now() - 100 ms AND ts <= now() + 0`: visible from ts until ts + 100 ms */
const node: TemporalFilterNode = { kind: "temporal_filter", input: { kind: "empty", types: IN }, from: [col(1, TZ)], until: [plus(100)], types: IN };

describe("TemporalFilter", () => {
  it("shows rows while the clock is inside their interval, and retracts them after", () => {
    const r = recorder();
    const f = new TemporalFilter(node, testEnv(), r.emit);
    // at clock 1000 ms: row 1 (ts 950) is visible, row 2 (ts 1050) is in the future, row 3 (ts 800) is over
    f.push(0, chunk(IN, [[1, 950 * MS], [2, 1050 * MS], [3, 800 * MS]]));
    f.push(0, barrier(1000));
    expect(r.out).toEqual([{ rows: [[1, 1, 950 * MS]] }, { barrier: 1000, final: false }]);
    expect(f.storedRows).toBe(2); // row 3 can never be visible: not kept
    r.out.length = 0;
    // 1050: row 1 leaves at 1050 (950 + 100), row 2 enters
    f.push(0, barrier(1050));
    expect(sorted(r.rows())).toEqual(sorted([[-1, 1, 950 * MS], [1, 2, 1050 * MS]]));
    r.out.length = 0;
    f.push(0, barrier(1149));
    expect(r.rows()).toEqual([]);
    f.push(0, barrier(1150));
    expect(r.rows()).toEqual([[-1, 2, 1050 * MS]]);
    expect(f.storedRows).toBe(0);
  });

  it("retracts a deleted visible row, forgets a deleted future row, and drops rows with NULL time", () => {
    const r = recorder();
    const f = new TemporalFilter(node, testEnv(), r.emit);
    f.push(0, chunk(IN, [[1, 1000 * MS], [1, 1000 * MS], [2, 2000 * MS], [3, null]]));
    f.push(0, barrier(1000));
    expect(r.rows()).toEqual([[1, 1, 1000 * MS], [1, 1, 1000 * MS]]);
    r.out.length = 0;
    f.push(0, chunk(IN, [[1, 1000 * MS], [2, 2000 * MS]], [-1, -1]));
    f.push(0, barrier(1001));
    expect(r.rows()).toEqual([[-1, 1, 1000 * MS]]);
    r.out.length = 0;
    f.push(0, barrier(2000)); // row 2 was deleted before it became visible; the remaining copy of 1 leaves
    expect(r.rows()).toEqual([[-1, 1, 1000 * MS]]);
    expect(f.storedRows).toBe(0);
  });

  it("does not forward watermarks (the clock can retract rows of any age)", () => {
    const r = recorder();
    const f = new TemporalFilter(node, testEnv(), r.emit);
    f.push(0, { kind: "watermark", column: 1, value: 5 });
    f.push(0, barrier(1));
    expect(r.out).toEqual([{ barrier: 1, final: false }]);
  });
});
