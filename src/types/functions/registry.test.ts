import { describe, it, expect } from "vitest";
import { getFunction, resolveFunction, resolveOperator } from "./index.js";
import { allOverloadIds } from "./registry.js";
import { Types } from "../data-type.js";
import { SqlError } from "../errors.js";
import { testContext } from "../testing.js";

describe("function registry", () => {
  it("getFunction returns cached implementations and rejects unknown ids with XX000", () => {
    const r = resolveOperator("+", Types.integer, Types.integer);
    expect(r.id).toBe("+:int4");
    const f = getFunction(r.id);
    expect(getFunction(r.id)).toBe(f);
    expect(f.strict).toBe(true);
    expect(f.volatile).toBe(false);
    expect(f.eval([2, 3], testContext())).toBe(5);
    try {
      getFunction("no_such_function");
      throw new Error("expected an error");
    } catch (e) {
      expect((e as SqlError).code).toBe("XX000");
    }
    expect(() => getFunction("pg_typeof$no such type")).toThrow(SqlError);
  });
  it("parametric ids bake the argument types in", () => {
    const r = resolveFunction("pg_typeof", [Types.array(Types.numeric)]);
    expect(r.id).toBe("pg_typeof$numeric[]");
    expect(getFunction(r.id).eval([[1]], testContext())).toBe("numeric[]");
    const c = resolveFunction("concat", [Types.unknown, Types.boolean]);
    expect(c.id).toBe("concat$unknown$boolean");
    expect(c.argTypes).toEqual([Types.unknown, Types.boolean]);
    expect(getFunction(c.id).strict).toBe(false);
    expect(getFunction(c.id).eval(["x", true], testContext())).toBe("xt");
  });
  it("marks volatile functions", () => {
    expect(getFunction(resolveFunction("random", []).id).volatile).toBe(true);
    expect(getFunction(resolveFunction("clock_timestamp", []).id).volatile).toBe(true);
    expect(getFunction(resolveFunction("now", []).id).volatile).toBe(false);
    expect(getFunction(resolveFunction("random", []).id).eval([], testContext())).toBe(0.5);
  });
  it("unknown arguments are cast to the chosen parameter types", () => {
    const r = resolveOperator("=", Types.integer, Types.unknown);
    expect(r.argTypes).toEqual([Types.integer, Types.integer]);
    const s = resolveFunction("lower", [Types.unknown]);
    expect(s.argTypes).toEqual([Types.text]);
    const a = resolveOperator("||", Types.array(Types.text), Types.unknown);
    expect(a.id).toBe("||:array_cat");
  });
  it("every overload id is unique and non-empty", () => {
    const ids = allOverloadIds();
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThan(300);
  });
});

describe("operator spellings", () => {
  it("!= is <>", () => {
    expect(resolveOperator("!=", Types.integer, Types.integer).id).toBe("<>:int4");
  });
});
