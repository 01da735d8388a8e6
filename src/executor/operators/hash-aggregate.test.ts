import { describe, expect, it } from "vitest";
import type { AggregateCall, AggregateNode, BoundExpr } from "../../planner/physical-plan.js";
import { Decimal, type DataType, Interval, SqlError } from "../../types/index.js";
import { barrier, BOOL, chunk, col, F64, I32, I64, NUM, recorder, sorted, TEXT, testEnv } from "../testing.js";
import { HashAggregate } from "./hash-aggregate.js";

function agg(fn: string, args: BoundExpr[], type: DataType, extra: Partial<AggregateCall> = {}): AggregateCall {
  return { fn, args, type, distinct: false, ...extra };
}

function node(inputTypes: DataType[], groupBy: BoundExpr[], aggregates: AggregateCall[]): AggregateNode {
  return {
    kind: "aggregate",
    types: [...groupBy.map((g) => g.type), ...aggregates.map((a) => a.type)],
    input: { kind: "empty", types: inputTypes },
    groupBy,
    aggregates,
  };
}

describe("HashAggregate", () => {
  it("groups by an int key with count(*) and sum, retracting changed groups at each barrier", () => {
    const n = node([I32, I32], [col(0, I32)], [agg("count_star", [], I64), agg("sum_int", [col(1, I32)], I64)]);
    const r = recorder();
    const op = new HashAggregate(n, testEnv(), r.emit, { appendOnly: false });
    op.push(0, chunk([I32, I32], [[1, 10], [2, 20], [1, 5]]));
    op.push(0, barrier(1));
    op.push(0, chunk([I32, I32], [[1, 10], [2, 20], [3, null]], [-1, -1, 1]));
    op.push(0, barrier(2));
    op.push(0, chunk([I32, I32], [[1, 7]]));
    op.push(0, barrier(3));
    expect(r.out).toEqual([
      { rows: [[1, 1, 2n, 15n], [1, 2, 1n, 20n]] },
      { barrier: 1, final: false },
      { rows: [[1, 3, 1n, null], [-1, 1, 2n, 15n], [1, 1, 1n, 5n], [-1, 2, 1n, 20n]] },
      { barrier: 2, final: false },
      { rows: [[-1, 1, 1n, 5n], [1, 1, 2n, 12n]] },
      { barrier: 3, final: false },
    ]);
  });

  it("without GROUP BY emits one row even on empty input, and updates it", () => {
    const n = node([I32], [], [agg("count_star", [], I64), agg("sum_int", [col(0, I32)], I64), agg("max", [col(0, I32)], I32)]);
    const r = recorder();
    const op = new HashAggregate(n, testEnv(), r.emit, { appendOnly: false });
    op.push(0, barrier(1));
    op.push(0, chunk([I32], [[4], [9]]));
    op.push(0, barrier(2));
    op.push(0, chunk([I32], [[9]], [-1]));
    op.push(0, barrier(3, true));
    expect(r.out).toEqual([
      { rows: [[1, 0n, null, null]] },
      { barrier: 1, final: false },
      { rows: [[-1, 0n, null, null], [1, 2n, 13n, 9]] },
      { barrier: 2, final: false },
      { rows: [[-1, 2n, 13n, 9], [1, 1n, 4n, 4]] },
      { barrier: 3, final: true },
    ]);
  });

  it("drops a group whose rows are all deleted, and emits nothing for unchanged outputs", () => {
    const n = node([TEXT], [col(0, TEXT)], [agg("count_star", [], I64)]);
    const r = recorder();
    const op = new HashAggregate(n, testEnv(), r.emit, { appendOnly: false });
    op.push(0, chunk([TEXT], [["a"], ["b"]]));
    op.push(0, barrier(1));
    op.push(0, chunk([TEXT], [["a"], ["b"], ["b"]], [-1, 1, -1]));
    op.push(0, barrier(2));
    expect(r.out).toEqual([
      { rows: [[1, "a", 1n], [1, "b", 1n]] },
      { barrier: 1, final: false },
      { rows: [[-1, "a", 1n]] },
      { barrier: 2, final: false },
    ]);
  });

  it("min/max survive the deletion of the current extreme", () => {
    const n = node([I32, TEXT], [col(0, I32)], [agg("min", [col(1, TEXT)], TEXT), agg("max", [col(1, TEXT)], TEXT)]);
    const r = recorder();
    const op = new HashAggregate(n, testEnv(), r.emit, { appendOnly: false });
    op.push(0, chunk([I32, TEXT], [[1, "b"], [1, "a"], [1, "c"], [1, "a"]]));
    op.push(0, barrier(1));
    op.push(0, chunk([I32, TEXT], [[1, "a"], [1, "c"]], [-1, -1]));
    op.push(0, barrier(2));
    op.push(0, chunk([I32, TEXT], [[1, "a"]], [-1]));
    op.push(0, barrier(3));
    expect(r.rows()).toEqual([
      [1, 1, "a", "c"],
      [-1, 1, "a", "c"],
      [1, 1, "a", "b"],
      [-1, 1, "a", "b"],
      [1, 1, "b", "b"],
    ]);
  });

  it("groups NULL keys together, and NaN with NaN, -0 with 0", () => {
    const n = node([F64], [col(0, F64)], [agg("count_star", [], I64)]);
    const r = recorder();
    const op = new HashAggregate(n, testEnv(), r.emit, { appendOnly: true });
    op.push(0, chunk([F64], [[NaN], [0], [null], [-0], [NaN], [null], [1.5]]));
    op.push(0, barrier(1, true));
    expect(r.rows()).toEqual([
      [1, NaN, 2n],
      [1, 0, 2n],
      [1, null, 2n],
      [1, 1.5, 1n],
    ]);
  });

  it("groups by several columns (text, int, NULLs) without ambiguity", () => {
    const n = node([TEXT, TEXT], [col(0, TEXT), col(1, TEXT)], [agg("count_star", [], I64)]);
    const r = recorder();
    const op = new HashAggregate(n, testEnv(), r.emit, { appendOnly: true });
    op.push(0, chunk([TEXT, TEXT], [["a|", "b"], ["a", "|b"], ["a|", "b"], [null, "x"], ["", "x"], [null, "x"]]));
    op.push(0, barrier(1, true));
    expect(r.rows()).toEqual([
      [1, "a|", "b", 2n],
      [1, "a", "|b", 1n],
      [1, null, "x", 2n],
      [1, "", "x", 1n],
    ]);
  });

  it("groups by a bigint key beyond 2^53 and sums bigints exactly into numeric", () => {
    const big = 2n ** 60n;
    const n = node([I64, I64], [col(0, I64)], [agg("sum_bigint", [col(1, I64)], NUM), agg("count", [col(1, I64)], I64)]);
    const r = recorder();
    const op = new HashAggregate(n, testEnv(), r.emit, { appendOnly: true });
    op.push(0, chunk([I64, I64], [[big, big], [big + 1n, 1n], [big, big], [5n, null], [big, 3n]]));
    op.push(0, barrier(1, true));
    const rows = r.rows().map((row) => row.map((v) => (v instanceof Decimal ? v.toString() : v)));
    expect(rows).toEqual([
      [1, big, (2n * big + 3n).toString(), 3n],
      [1, big + 1n, "1", 1n],
      [1, 5n, null, 0n],
    ]);
  });

  it("sums stay exact past 2^53, with retraction; bigint overflow is 22003", () => {
    const p52 = 2n ** 52n;
    const n = node([I64], [], [agg("sum_bigint", [col(0, I64)], NUM)]);
    const r = recorder();
    const op = new HashAggregate(n, testEnv(), r.emit, { appendOnly: false });
    op.push(0, chunk([I64], [[p52], [p52], [p52], [1n]]));
    op.push(0, barrier(1));
    op.push(0, chunk([I64], [[p52], [3n]], [-1, 1]));
    op.push(0, barrier(2));
    expect(r.rows().map((row) => [row[0], String(row[1])])).toEqual([
      [1, String(3n * p52 + 1n)],
      [-1, String(3n * p52 + 1n)],
      [1, String(2n * p52 + 4n)],
    ]);

    const m = node([I64], [], [agg("sum_int", [col(0, I64)], I64)]);
    const op2 = new HashAggregate(m, testEnv(), () => {}, { appendOnly: true });
    op2.push(0, chunk([I64], [[9223372036854775807n], [1n]]));
    expect(() => op2.push(0, barrier(1, true))).toThrow(SqlError);
  });

  it("avg of ints is numeric, of floats double; float sums retract NaN and Infinity", () => {
    const n = node([I32, F64], [], [agg("avg_int", [col(0, I32)], NUM), agg("avg_double", [col(1, F64)], F64), agg("sum_double", [col(1, F64)], F64)]);
    const r = recorder();
    const op = new HashAggregate(n, testEnv(), r.emit, { appendOnly: false });
    op.push(0, chunk([I32, F64], [[1, 1.5], [2, Infinity], [2, 2.5]]));
    op.push(0, barrier(1));
    op.push(0, chunk([I32, F64], [[2, Infinity]], [-1]));
    op.push(0, barrier(2));
    const rows = r.rows().map((row) => row.map((v) => (v instanceof Decimal ? v.toString() : v)));
    expect(rows).toEqual([
      [1, "1.6666666666666667", Infinity, Infinity],
      [-1, "1.6666666666666667", Infinity, Infinity],
      [1, "1.5000000000000000", 2, 4],
    ]);
  });

  it("count(DISTINCT), FILTER, bool_and/bool_or, string_agg with ORDER BY, array_agg", () => {
    const n = node(
      [I32, TEXT, BOOL],
      [],
      [
        agg("count", [col(0, I32)], I64, { distinct: true }),
        agg("count_star", [], I64, { filter: col(2, BOOL) }),
        agg("bool_and", [col(2, BOOL)], BOOL),
        agg("bool_or", [col(2, BOOL)], BOOL),
        agg("string_agg", [col(1, TEXT), { kind: "const", value: ",", type: TEXT }], TEXT, {
          orderBy: [{ expr: col(1, TEXT), desc: true, nullsFirst: true }],
        }),
        agg("array_agg", [col(0, I32)], { id: "array", element: I32 }),
      ],
    );
    const r = recorder();
    const op = new HashAggregate(n, testEnv(), r.emit, { appendOnly: false });
    op.push(0, chunk([I32, TEXT, BOOL], [[1, "a", true], [1, "c", false], [2, null, null], [null, "b", true]]));
    op.push(0, barrier(1));
    op.push(0, chunk([I32, TEXT, BOOL], [[1, "c", false]], [-1]));
    op.push(0, barrier(2));
    expect(r.rows()).toEqual([
      [1, 2n, 2n, false, true, "c,b,a", [1, 1, 2, null]],
      [-1, 2n, 2n, false, true, "c,b,a", [1, 1, 2, null]],
      [1, 2n, 2n, true, true, "b,a", [1, 2, null]],
    ]);
  });

  it("stddev/variance of ints (numeric) and floats", () => {
    const n = node(
      [NUM, F64],
      [],
      [
        agg("stddev_samp_numeric", [col(0, NUM)], NUM),
        agg("var_pop_numeric", [col(0, NUM)], NUM),
        agg("stddev_samp_double", [col(1, F64)], F64),
        agg("var_samp_double", [col(1, F64)], F64),
      ],
    );
    const r = recorder();
    const op = new HashAggregate(n, testEnv(), r.emit, { appendOnly: true });
    const d = (x: number): Decimal => Decimal.fromNumber(x);
    op.push(0, chunk([NUM, F64], [[d(1), 1], [d(2), 2], [d(3), 3], [d(4), 4]]));
    op.push(0, barrier(1, true));
    const [row] = r.rows();
    expect((row[1] as Decimal).toString()).toBe("1.2909944487358056");
    expect((row[2] as Decimal).toString()).toBe("1.2500000000000000");
    expect(row[3]).toBeCloseTo(1.2909944487358056, 15);
    expect(row[4]).toBeCloseTo(1.6666666666666667, 15);
  });

  it("keeps many groups in typed slots across chunks", () => {
    const n = node([I32, I32], [col(0, I32)], [agg("sum_int", [col(1, I32)], I64), agg("count", [col(1, I32)], I64)]);
    const r = recorder();
    const op = new HashAggregate(n, testEnv(), r.emit, { appendOnly: true });
    const rows: unknown[][] = [];
    for (let i = 0; i < 10000; i++) rows.push([i % 1000, i % 7 === 0 ? null : i]);
    op.push(0, chunk([I32, I32], rows));
    op.push(0, barrier(1, true));
    const out = r.rows();
    expect(out.length).toBe(1000);
    const expected = new Map<number, [bigint, bigint]>();
    for (const [k, v] of rows as [number, number | null][]) {
      const e = expected.get(k) ?? [0n, 0n];
      if (v !== null) {
        e[0] += BigInt(v);
        e[1] += 1n;
      }
      expected.set(k, e);
    }
    for (const [op1, k, s, c] of out as [number, number, bigint, bigint][]) {
      expect(op1).toBe(1);
      expect([s, c]).toEqual(expected.get(k));
    }
    expect(sorted(out)[0][1]).toBe(0);
  });

  it("with no aggregates it is DISTINCT, retracting a key when its last row goes", () => {
    const n = node([I32, TEXT], [col(0, I32), col(1, TEXT)], []);
    const r = recorder();
    const op = new HashAggregate(n, testEnv(), r.emit, { appendOnly: false });
    op.push(0, chunk([I32, TEXT], [[1, "a"], [null, null], [1, "a"], [null, null], [2, "b"]]));
    op.push(0, barrier(1));
    op.push(0, chunk([I32, TEXT], [[1, "a"], [2, "b"]], [-1, -1]));
    op.push(0, barrier(2));
    expect(r.rows()).toEqual([
      [1, 1, "a"],
      [1, null, null],
      [1, 2, "b"],
      [-1, 2, "b"],
    ]);
  });

  it("bit_and/bit_or/bit_xor retract per bit; sum/avg of intervals and vectors; sum(real) overflow", () => {
    const n = node(
      [I32, { id: "interval" }, { id: "vector" }],
      [],
      [
        agg("bit_and", [col(0, I32)], I32),
        agg("bit_or", [col(0, I32)], I32),
        agg("bit_xor", [col(0, I32)], I32),
        agg("sum_interval", [col(1, { id: "interval" })], { id: "interval" }),
        agg("avg_interval", [col(1, { id: "interval" })], { id: "interval" }),
        agg("sum_vector", [col(2, { id: "vector" })], { id: "vector" }),
      ],
    );
    const r = recorder();
    const op = new HashAggregate(n, testEnv(), r.emit, { appendOnly: false });
    const types = [I32, { id: "interval" } as DataType, { id: "vector" } as DataType];
    op.push(0, chunk(types, [[12, new Interval(1, 2, 0), Float32Array.of(1, 2)], [10, new Interval(0, 1, 5), Float32Array.of(0.5, 1)], [-1, null, null]]));
    op.push(0, barrier(1));
    op.push(0, chunk(types, [[-1, null, null], [10, new Interval(0, 1, 5), Float32Array.of(0.5, 1)]], [-1, -1]));
    op.push(0, barrier(2));
    const show = (row: unknown[]): unknown[] => row.map((v) => (v instanceof Interval ? v.toString() : v instanceof Float32Array ? Array.from(v) : v));
    // avg: (1 mon 3 days 5µs) / 2 = 15 days (half a month) + 1.5 days + 2.5µs → 16 days 12:00:00.000002
    expect(r.rows().map(show)).toEqual([
      [1, 8, -1, -7, "1 mon 3 days 00:00:00.000005", "16 days 12:00:00.000002", [1.5, 3]],
      [-1, 8, -1, -7, "1 mon 3 days 00:00:00.000005", "16 days 12:00:00.000002", [1.5, 3]],
      [1, 12, 12, 12, "1 mon 2 days", "1 mon 2 days", [1, 2]],
    ]);

    const m = node([{ id: "real" }], [], [agg("sum_real", [col(0, { id: "real" })], { id: "real" })]);
    const op2 = new HashAggregate(m, testEnv(), () => {}, { appendOnly: true });
    expect(() => op2.push(0, chunk([{ id: "real" }], [[3e38], [3e38]]))).toThrow(
      expect.objectContaining({ code: "22003", message: "value out of range: overflow" }),
    );
  });

  it("jsonb_agg, jsonb_object_agg, string_agg over bytea, array_agg of arrays", () => {
    const INT_ARR: DataType = { id: "array", element: I32 };
    const BYTEA: DataType = { id: "bytea" };
    const n = node(
      [I32, TEXT, BYTEA, INT_ARR],
      [],
      [
        agg("jsonb_agg", [col(0, I32)], { id: "jsonb" }),
        agg("jsonb_object_agg", [col(1, TEXT), col(0, I32)], { id: "jsonb" }),
        agg("string_agg_bytea", [col(2, BYTEA), { kind: "const", value: Uint8Array.of(0), type: BYTEA }], BYTEA),
        agg("array_agg_array", [col(3, INT_ARR)], INT_ARR),
      ],
    );
    const r = recorder();
    const op = new HashAggregate(n, testEnv(), r.emit, { appendOnly: true });
    op.push(0, chunk([I32, TEXT, BYTEA, INT_ARR], [[1, "a", Uint8Array.of(1), [1, 2]], [null, "b", Uint8Array.of(2, 3), [3, 4]], [3, "a", null, [5, null]]]));
    op.push(0, barrier(1, true));
    const [row] = r.rows();
    expect(String(row[1])).toBe("[1, null, 3]");
    expect(String(row[2])).toBe('{"a": 3, "b": null}');
    expect(Array.from(row[3] as Uint8Array)).toEqual([1, 0, 2, 3]);
    expect(row[4]).toEqual([[1, 2], [3, 4], [5, null]]);

    const bad = new HashAggregate(node([INT_ARR], [], [agg("array_agg_array", [col(0, INT_ARR)], INT_ARR)]), testEnv(), () => {}, { appendOnly: true });
    bad.push(0, chunk([INT_ARR], [[[1, 2]], [[1]]]));
    expect(() => bad.push(0, barrier(1, true))).toThrow(
      expect.objectContaining({ code: "2202E", message: "cannot accumulate arrays of different dimensionality" }),
    );
  });

  it("typed barrier path: negative bigint sums, NaN sums unchanged, avg of ints as double, NULL sums", () => {
    const n = node(
      [I32, I32, F64],
      [col(0, I32)],
      [agg("sum_int", [col(1, I32)], I64), agg("sum_double", [col(2, F64)], F64), agg("avg_int", [col(1, I32)], F64)],
    );
    const r = recorder();
    const op = new HashAggregate(n, testEnv(), r.emit, { appendOnly: false });
    op.push(0, chunk([I32, I32, F64], [[1, -5, NaN], [1, -7, null], [2, null, null]]));
    op.push(0, barrier(1));
    // group 1: the float sum stays NaN, the int sum and avg change; group 2: nothing changes
    op.push(0, chunk([I32, I32, F64], [[1, 2, 1.5], [2, null, null], [2, null, null]], [1, 1, -1]));
    op.push(0, barrier(2));
    // only the float sum's row changes: NaN is retracted
    op.push(0, chunk([I32, I32, F64], [[1, -5, NaN], [1, -5, 0]], [-1, 1]));
    op.push(0, barrier(3));
    // an unchanged group emits nothing
    op.push(0, chunk([I32, I32, F64], [[1, 3, 0], [1, 3, 0]], [1, -1]));
    op.push(0, barrier(4, true));
    expect(r.out).toEqual([
      { rows: [[1, 1, -12n, NaN, -6], [1, 2, null, null, null]] },
      { barrier: 1, final: false },
      { rows: [[-1, 1, -12n, NaN, -6], [1, 1, -10n, NaN, -10 / 3]] },
      { barrier: 2, final: false },
      { rows: [[-1, 1, -10n, NaN, -10 / 3], [1, 1, -10n, 1.5, -10 / 3]] },
      { barrier: 3, final: false },
      { barrier: 4, final: true },
    ]);
  });

  it("emits more changed groups than a chunk holds, keys intact when the groups are dropped", () => {
    const n = node([TEXT, I32], [col(0, TEXT)], [agg("count_star", [], I64), agg("max", [col(1, I32)], I32)]);
    const r = recorder();
    const op = new HashAggregate(n, testEnv(), r.emit, { appendOnly: false });
    const rows = Array.from({ length: 5000 }, (_, i) => [`k${i}`, i]);
    op.push(0, chunk([TEXT, I32], rows));
    op.push(0, barrier(1));
    op.push(0, chunk([TEXT, I32], rows, rows.map(() => -1)));
    op.push(0, barrier(2));
    expect(r.out.length).toBe(4);
    expect(r.out[0]).toEqual({ rows: rows.map(([k, v]) => [1, k, 1n, v]) });
    expect(r.out[2]).toEqual({ rows: rows.map(([k, v]) => [-1, k, 1n, v]) });
    // the slots are reused by new groups
    op.push(0, chunk([TEXT, I32], [["z", 1]]));
    op.push(0, barrier(3));
    expect(r.out[4]).toEqual({ rows: [[1, "z", 1n, 1]] });
  });
});
