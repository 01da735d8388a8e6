import { describe, expect, it } from "vitest";
import type { BoundExpr, SortKey, WindowCall, WindowFrameB, WindowNode } from "../../planner/physical-plan.js";
import { type DataType, Interval, Types } from "../../types/index.js";
import { barrier, chunk, col, F64, I32, I64, lit, recorder, TEXT, testEnv } from "../testing.js";
import { Window } from "./window.js";

const DEFAULT_ORDERED: WindowFrameB = { mode: "range", start: { kind: "unbounded_preceding" }, end: { kind: "current_row" } };
const WHOLE: WindowFrameB = { mode: "rows", start: { kind: "unbounded_preceding" }, end: { kind: "unbounded_following" } };

const T = [TEXT, I32]; // (part, value)
const byValue: SortKey[] = [{ expr: col(1, I32), desc: false, nullsFirst: false }];

function call(fn: string, args: BoundExpr[], type: DataType, extra: Partial<WindowCall> = {}): WindowCall {
  return {
    fn,
    args,
    type,
    aggregate: false,
    partitionBy: [col(0, TEXT)],
    orderBy: byValue,
    frame: DEFAULT_ORDERED,
    ...extra,
  };
}

function run(functions: WindowCall[], rows: unknown[][], ops?: number[]): unknown[][] {
  const node: WindowNode = { kind: "window", types: [...T, ...functions.map((f) => f.type)], input: { kind: "empty", types: T }, functions };
  const r = recorder();
  const w = new Window(node, testEnv(), r.emit);
  w.push(0, chunk(T, rows, ops));
  w.push(0, barrier(1));
  expect(r.out).toEqual([{ barrier: 1, final: false }]);
  w.push(0, barrier(2, true));
  expect(r.out[r.out.length - 1]).toEqual({ barrier: 2, final: true });
  return r.rows().map((row) => row.slice(1));
}

const DATA = [
  ["b", 5],
  ["a", 2],
  ["a", 1],
  ["a", 2],
  ["b", 7],
  ["a", 4],
  [null, 3],
];

describe("Window", () => {
  it("ranking functions, sorted by partition then ORDER BY", () => {
    const out = run(
      [
        call("row_number", [], I64),
        call("rank", [], I64),
        call("dense_rank", [], I64),
        call("percent_rank", [], F64),
        call("cume_dist", [], F64),
        call("ntile", [lit(2, I32)], I32),
      ],
      DATA,
    );
    expect(out).toEqual([
      ["a", 1, 1n, 1n, 1n, 0, 0.25, 1],
      ["a", 2, 2n, 2n, 2n, 1 / 3, 0.75, 1],
      ["a", 2, 3n, 2n, 2n, 1 / 3, 0.75, 2],
      ["a", 4, 4n, 4n, 3n, 1, 1, 2],
      ["b", 5, 1n, 1n, 1n, 0, 0.5, 1],
      ["b", 7, 2n, 2n, 2n, 1, 1, 2],
      [null, 3, 1n, 1n, 1n, 0, 1, 1],
    ]);
  });

  it("lag/lead with offset and default; first/last/nth_value over the frame", () => {
    const out = run(
      [
        call("lag", [col(1, I32)], I32),
        call("lead", [col(1, I32), lit(2, I32), lit(-1, I32)], I32),
        call("first_value", [col(1, I32)], I32),
        call("last_value", [col(1, I32)], I32),
        call("nth_value", [col(1, I32), lit(2, I32)], I32, { frame: WHOLE }),
      ],
      DATA.filter((r) => r[0] === "a"),
    );
    expect(out).toEqual([
      ["a", 1, null, 2, 1, 1, 2],
      ["a", 2, 1, 4, 1, 2, 2],
      ["a", 2, 2, -1, 1, 2, 2],
      ["a", 4, 2, -1, 1, 4, 2],
    ]);
  });

  it("aggregates over the default frame include peers; without ORDER BY the whole partition", () => {
    const out = run(
      [
        call("sum_int", [col(1, I32)], I64, { aggregate: true }),
        call("count_star", [], I64, { aggregate: true, orderBy: [], frame: { mode: "range", start: { kind: "unbounded_preceding" }, end: { kind: "unbounded_following" } } }),
      ],
      DATA,
    );
    // rows come out in the order of the last window's sort: by partition only (stable)
    expect(out).toEqual([
      ["a", 2, 5n, 4n],
      ["a", 1, 1n, 4n],
      ["a", 2, 5n, 4n],
      ["a", 4, 9n, 4n],
      ["b", 5, 5n, 2n],
      ["b", 7, 12n, 2n],
      [null, 3, 3n, 1n],
    ]);
  });

  it("ROWS, GROUPS and RANGE frames with offsets; min over a sliding frame", () => {
    const rows = [[1], [2], [2], [5], [6], [9]].map((r) => ["p", r[0]]);
    const frame = (mode: WindowFrameB["mode"], s: number, e: number): WindowFrameB => ({
      mode,
      start: { kind: "preceding", offset: lit(s, I32) },
      end: { kind: "following", offset: lit(e, I32) },
    });
    const out = run(
      [
        call("sum_int", [col(1, I32)], I64, { aggregate: true, frame: frame("rows", 1, 1) }),
        call("sum_int", [col(1, I32)], I64, { aggregate: true, frame: frame("groups", 1, 0) }),
        call("sum_int", [col(1, I32)], I64, { aggregate: true, frame: frame("range", 1, 1) }),
        call("min", [col(1, I32)], I32, { aggregate: true, frame: { mode: "rows", start: { kind: "current_row" }, end: { kind: "following", offset: lit(1, I32) } } }),
      ],
      rows,
    );
    expect(out).toEqual([
      ["p", 1, 3n, 1n, 5n, 1],
      ["p", 2, 5n, 5n, 5n, 2],
      ["p", 2, 9n, 5n, 5n, 2],
      ["p", 5, 13n, 9n, 11n, 5],
      ["p", 6, 20n, 11n, 11n, 6],
      ["p", 9, 15n, 15n, 9n, 9],
    ]);
  });

  it("applies deletes before computing, and rejects bad arguments", () => {
    const out = run([call("row_number", [], I64)], [["a", 1], ["a", 2], ["a", 1]], [1, 1, -1]);
    expect(out).toEqual([["a", 2, 1n]]);
    expect(() => run([call("ntile", [lit(0, I32)], I32)], [["a", 1]])).toThrow(expect.objectContaining({ code: "22014" }));
    expect(() =>
      run(
        [call("sum_int", [col(1, I32)], I64, { aggregate: true, frame: { mode: "rows", start: { kind: "preceding", offset: lit(-1, I32) }, end: { kind: "current_row" } } })],
        [["a", 1]],
      ),
    ).toThrow(expect.objectContaining({ code: "22013" }));
  });

  it("RANGE offsets over timestamps take interval offsets; DESC order reverses preceding", () => {
    const TS = Types.timestamp;
    const day = 86400000000;
    const types = [TEXT, TS];
    const frame: WindowFrameB = {
      mode: "range",
      start: { kind: "preceding", offset: lit(new Interval(0, 1, 0), Types.interval) },
      end: { kind: "current_row" },
    };
    const mk = (desc: boolean): WindowNode => ({
      kind: "window",
      types: [...types, I64],
      input: { kind: "empty", types },
      functions: [
        {
          fn: "count_star",
          args: [],
          type: I64,
          aggregate: true,
          partitionBy: [],
          orderBy: [{ expr: col(1, TS), desc, nullsFirst: false }],
          frame,
        },
      ],
    });
    const rows = [["a", 0], ["b", day / 2], ["c", day], ["d", 3 * day], ["e", null]];
    const out = (desc: boolean): unknown[][] => {
      const r = recorder();
      const w = new Window(mk(desc), testEnv(), r.emit);
      w.push(0, chunk(types, rows));
      w.push(0, barrier(1, true));
      return r.rows().map((row) => [row[1], row[3]]);
    };
    expect(out(false)).toEqual([["a", 1n], ["b", 2n], ["c", 3n], ["d", 1n], ["e", 1n]]);
    expect(out(true)).toEqual([["d", 1n], ["c", 1n], ["b", 2n], ["a", 3n], ["e", 1n]]);
  });
});
