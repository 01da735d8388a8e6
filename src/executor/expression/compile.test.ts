import { describe, expect, it } from "vitest";
import type { BoundExpr } from "../../planner/physical-plan.js";
import { Chunk, type DataType, resolveOperator, Types } from "../../types/index.js";
import { BOOL, col, I32, I64, lit, testContext, TEXT } from "../testing.js";
import { compileExpr, evalConst } from "./compile.js";

const ctx = testContext({}, [42, "p"]);

function evalOn(expr: BoundExpr, types: DataType[], rows: unknown[][], outer?: unknown[]): unknown[] {
  const chunk = Chunk.fromRows(types, rows);
  const out = compileExpr(expr)(chunk, ctx, outer);
  return Array.from({ length: chunk.length }, (_, i) => out.get(i));
}

const op = (name: string, a: BoundExpr, b: BoundExpr, type: DataType): BoundExpr => ({
  kind: "call",
  fn: resolveOperator(name, a.type, b.type).id,
  args: [a, b],
  type,
});

const B3 = [true, false, null];

describe("compileExpr", () => {
  it("AND / OR / NOT follow three-valued logic", () => {
    const rows: unknown[][] = [];
    for (const a of B3) for (const b of B3) rows.push([a, b]);
    const and = evalOn({ kind: "and", args: [col(0, BOOL), col(1, BOOL)], type: BOOL }, [BOOL, BOOL], rows);
    const or = evalOn({ kind: "or", args: [col(0, BOOL), col(1, BOOL)], type: BOOL }, [BOOL, BOOL], rows);
    const not = evalOn({ kind: "not", arg: col(0, BOOL), type: BOOL }, [BOOL, BOOL], rows);
    const expAnd = rows.map(([a, b]) => (a === false || b === false ? false : a === null || b === null ? null : true));
    const expOr = rows.map(([a, b]) => (a === true || b === true ? true : a === null || b === null ? null : false));
    expect(and).toEqual(expAnd);
    expect(or).toEqual(expOr);
    expect(not).toEqual(rows.map(([a]) => (a === null ? null : !a)));
  });

  it("IS [NOT] NULL and IS [NOT] TRUE/FALSE/UNKNOWN never return NULL", () => {
    const rows = B3.map((v) => [v]);
    expect(evalOn({ kind: "is_null", arg: col(0, BOOL), negated: false, type: BOOL }, [BOOL], rows)).toEqual([false, false, true]);
    expect(evalOn({ kind: "is_null", arg: col(0, BOOL), negated: true, type: BOOL }, [BOOL], rows)).toEqual([true, true, false]);
    expect(evalOn({ kind: "is_bool", arg: col(0, BOOL), test: "true", negated: false, type: BOOL }, [BOOL], rows)).toEqual([true, false, false]);
    expect(evalOn({ kind: "is_bool", arg: col(0, BOOL), test: "false", negated: true, type: BOOL }, [BOOL], rows)).toEqual([true, false, true]);
    expect(evalOn({ kind: "is_bool", arg: col(0, BOOL), test: "unknown", negated: false, type: BOOL }, [BOOL], rows)).toEqual([false, false, true]);
  });

  it("CASE evaluates each THEN only on its rows: CASE WHEN b <> 0 THEN a / b END", () => {
    const a = col(0, I32);
    const b = col(1, I32);
    const expr: BoundExpr = {
      kind: "case",
      whens: [{ when: { kind: "not", arg: op("=", b, lit(0, I32), BOOL), type: BOOL }, then: op("/", a, b, I32) }],
      else: lit(null, I32),
      type: I32,
    };
    expect(evalOn(expr, [I32, I32], [[10, 2], [5, 0], [null, 3], [9, null], [-9, 2]])).toEqual([5, null, null, null, -4]);
  });

  it("AND does not evaluate later arguments on rows already false", () => {
    const a = col(0, I32);
    const b = col(1, I32);
    const expr: BoundExpr = {
      kind: "and",
      args: [{ kind: "not", arg: op("=", b, lit(0, I32), BOOL), type: BOOL }, op("<", lit(1, I32), op("/", a, b, I32), BOOL)],
      type: BOOL,
    };
    expect(evalOn(expr, [I32, I32], [[10, 2], [5, 0], [1, 1]])).toEqual([true, false, false]);
  });

  it("COALESCE is lazy and NULL-skipping; GREATEST/LEAST ignore NULLs; NULLIF", () => {
    const a = col(0, I32);
    const b = col(1, I32);
    const coalesce: BoundExpr = { kind: "coalesce", args: [a, op("/", lit(1, I32), b, I32), lit(-1, I32)], type: I32 };
    expect(evalOn(coalesce, [I32, I32], [[1, 0], [null, 1], [null, null]])).toEqual([1, 1, -1]);
    expect(evalOn({ kind: "greatest", args: [a, b], type: I32 }, [I32, I32], [[1, 2], [null, 2], [null, null]])).toEqual([2, 2, null]);
    expect(evalOn({ kind: "least", args: [a, b], type: I32 }, [I32, I32], [[1, 2], [3, null]])).toEqual([1, 3]);
    const nullif: BoundExpr = { kind: "nullif", args: [a, b], cmp: resolveOperator("=", I32, I32).id, type: I32 };
    expect(evalOn(nullif, [I32, I32], [[1, 1], [1, 2], [null, 1], [1, null]])).toEqual([null, 1, null, 1]);
  });

  it("IN lists: constant lists probe a key set; NULLs give NULL when nothing matches", () => {
    const eqId = resolveOperator("=", I32, I32).id;
    const inList = (list: unknown[], negated = false): BoundExpr => ({
      kind: "in_list",
      expr: col(0, I32),
      list: list.map((v) => lit(v, I32)),
      negated,
      eq: eqId,
      type: BOOL,
    });
    const rows = [[1], [3], [null]];
    expect(evalOn(inList([1, 2]), [I32], rows)).toEqual([true, false, null]);
    expect(evalOn(inList([1, null]), [I32], rows)).toEqual([true, null, null]);
    expect(evalOn(inList([1, 2], true), [I32], rows)).toEqual([false, true, null]);
    // a non-constant list compares element by element
    const dyn: BoundExpr = { kind: "in_list", expr: col(0, I32), list: [col(1, I32), lit(7, I32)], negated: false, eq: eqId, type: BOOL };
    expect(evalOn(dyn, [I32, I32], [[1, 1], [7, 2], [3, null], [3, 4]])).toEqual([true, true, null, false]);
    const text: BoundExpr = { kind: "in_list", expr: col(0, TEXT), list: [lit("a", TEXT), lit("b", TEXT)], negated: false, eq: eqId, type: BOOL };
    expect(evalOn(text, [TEXT], [["a"], ["c"]])).toEqual([true, false]);
  });

  it("casts: widening kernels, range-checked narrowing, generic castValue", () => {
    expect(evalOn({ kind: "cast", expr: col(0, I32), type: I64 }, [I32], [[1], [null], [-2147483648]])).toEqual([1n, null, -2147483648n]);
    expect(evalOn({ kind: "cast", expr: col(0, I32), type: Types.double }, [I32], [[3]])).toEqual([3]);
    expect(evalOn({ kind: "cast", expr: col(0, I64), type: Types.double }, [I64], [[2n ** 60n]])).toEqual([2 ** 60]);
    expect(() => evalOn({ kind: "cast", expr: col(0, I32), type: Types.smallint }, [I32], [[40000]])).toThrow(
      expect.objectContaining({ code: "22003", message: "smallint out of range" }),
    );
    expect(evalOn({ kind: "cast", expr: col(0, I32), type: TEXT }, [I32], [[12], [null]])).toEqual(["12", null]);
    // bigint narrowing: a typed kernel with castValue's range checks
    expect(evalOn({ kind: "cast", expr: col(0, I64), type: I32 }, [I64], [[2147483647n], [null], [-2147483648n], [-5n]])).toEqual([2147483647, null, -2147483648, -5]);
    expect(evalOn({ kind: "cast", expr: col(0, I64), type: Types.smallint }, [I64], [[-32768n], [32767n]])).toEqual([-32768, 32767]);
    for (const v of [2147483648n, -2147483649n, 2n ** 62n, -(2n ** 63n)]) {
      expect(() => evalOn({ kind: "cast", expr: col(0, I64), type: I32 }, [I64], [[1n], [v]])).toThrow(expect.objectContaining({ code: "22003", message: "integer out of range" }));
    }
    expect(() => evalOn({ kind: "cast", expr: col(0, I64), type: Types.smallint }, [I64], [[32768n]])).toThrow(expect.objectContaining({ code: "22003", message: "smallint out of range" }));
  });

  it("params, outer columns, constants and evalConst", () => {
    expect(evalOn({ kind: "param", index: 0, type: I32 }, [I32], [[1], [2]])).toEqual([42, 42]);
    expect(evalOn({ kind: "outer", index: 1, type: TEXT }, [I32], [[1]], [0, "o"])).toEqual(["o"]);
    expect(evalConst(op("+", lit(2, I32), lit(3, I32), I32), ctx)).toBe(5);
    expect(evalConst({ kind: "param", index: 1, type: TEXT }, ctx)).toBe("p");
  });

  it("comparisons and arithmetic over columns use the registry's operator ids", () => {
    const a = col(0, I32);
    const b = col(1, I32);
    expect(evalOn(op("<", a, b, BOOL), [I32, I32], [[1, 2], [2, 1], [null, 1]])).toEqual([true, false, null]);
    expect(evalOn(op("+", a, b, I32), [I32, I32], [[1, 2], [null, 1]])).toEqual([3, null]);
    expect(() => evalOn(op("+", a, b, I32), [I32, I32], [[2147483647, 1]])).toThrow(expect.objectContaining({ code: "22003" }));
    expect(() => evalOn(op("/", a, b, I32), [I32, I32], [[1, 0]])).toThrow(expect.objectContaining({ code: "22012" }));
    const neg: BoundExpr = { kind: "call", fn: resolveOperator("-", null, I32).id, args: [a], type: I32 };
    expect(evalOn(neg, [I32], [[5], [null]])).toEqual([-5, null]);
    expect(() => evalOn(neg, [I32], [[-2147483648]])).toThrow(expect.objectContaining({ code: "22003" }));
    const concat: BoundExpr = { kind: "call", fn: resolveOperator("||", TEXT, TEXT).id, args: [col(0, TEXT), lit("!", TEXT)], type: TEXT };
    expect(evalOn(concat, [TEXT], [["a"], [null]])).toEqual(["a!", null]);
  });
});
