import { describe, it, expect } from "vitest";
import { Jsonb } from "./jsonb.js";
import { Decimal } from "./numeric.js";
import { SqlError } from "./errors.js";

const j = (s: string) => Jsonb.parse(s);

function err(f: () => unknown): SqlError {
  try {
    f();
  } catch (e) {
    return e as SqlError;
  }
  throw new Error("no error");
}

describe("Jsonb", () => {
  it("keeps numbers exact: small integers as numbers, the rest as Decimal", () => {
    expect(j("42").value).toBe(42);
    expect(j("1.50").value).toBeInstanceOf(Decimal);
    expect(j("12345678901234567890").toString()).toBe("12345678901234567890");
    expect(j("[1.0, 2e1, -0]").toString()).toBe("[1.0, 20, 0]");
  });
  it("formats like Postgres: sorted keys, last duplicate wins, spaces after : and ,", () => {
    expect(j('{"b": [1,2], "a": {"y":1,"x":2}, "b": true}').toString()).toBe('{"a": {"x": 2, "y": 1}, "b": true}');
    expect(j('{"aaa":1,"b":2,"cc":3}').toString()).toBe('{"b": 2, "cc": 3, "aaa": 1}');
    expect(j('"tab\\tquote\\"slash\\\\ctl\\u0001"').toString()).toBe('"tab\\tquote\\"slash\\\\ctl\\u0001"');
  });
  it("accepts JS-built trees", () => {
    expect(new Jsonb({ z: 1.5, a: [true, null, "x"] }).toString()).toBe('{"a": [true, null, "x"], "z": 1.5}');
  });
  it("reports Postgres's error details", () => {
    const e = err(() => j("[1,2"));
    expect(e.code).toBe("22P02");
    expect(e.message).toBe("invalid input syntax for type json");
    expect(e.detail).toBe("The input string ended unexpectedly.");
    expect(err(() => j('{"a" 1}')).detail).toBe('Expected ":", but found "1".');
    expect(err(() => j("nul")).detail).toBe('Token "nul" is invalid.');
    expect(err(() => j("[1] x")).detail).toBe('Expected end of input, but found "x".');
    expect(err(() => j('"\\u0000"')).code).toBe("22P05");
  });
  it("navigates with get / getText / getPath", () => {
    const d = j('{"a": [10, {"b": "x"}], "n": null}');
    expect(d.get("a")!.toString()).toBe('[10, {"b": "x"}]');
    expect(d.get("a")!.get(-1)!.getText("b")).toBe("x");
    expect(d.getText("n")).toBe(null);
    expect(d.get("n")!.toString()).toBe("null");
    expect(d.get("missing")).toBe(null);
    expect(d.getPath(["a", "1", "b"])!.toString()).toBe('"x"');
    expect(d.getPathText(["a", "0"])).toBe("10");
    expect(d.getPath(["a", "x"])).toBe(null);
    expect(d.getPath([])!.toString()).toBe(d.toString());
  });
  it("containment, existence and ordering", () => {
    expect(j('{"a":{"b":1,"c":2}}').contains(j('{"a":{"b":1}}'))).toBe(true);
    expect(j("[1,2,3]").contains(j("[3,1,1]"))).toBe(true);
    expect(j("[1,2]").contains(j("1"))).toBe(true);
    expect(j("1").contains(j("[1]"))).toBe(false);
    expect(j('["a"]').exists("a")).toBe(true);
    expect(j('{"a":1}').exists("b")).toBe(false);
    expect(j("1").cmp(j("[1,2]"))).toBeLessThan(0);
    expect(j('"a"').cmp(j("1"))).toBeLessThan(0);
    expect(j("true").cmp(j("1"))).toBeGreaterThan(0);
    expect(j("[1]").cmp(j("[0,0]"))).toBeLessThan(0);
    expect(j("{}").cmp(j("[1]"))).toBeGreaterThan(0);
    expect(j('{"a":1.0}').eq(j('{"a":1}'))).toBe(true);
  });
  it("typeOf", () => {
    expect(["{}", "[]", '"s"', "1", "true", "null"].map((s) => j(s).typeOf())).toEqual(["object", "array", "string", "number", "boolean", "null"]);
  });
});
