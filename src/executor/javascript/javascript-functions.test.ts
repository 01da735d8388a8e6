// The JavaScript function runner on its own: batches cross to the worker pool and back in order
// (split across workers when large), values convert both ways, a throwing row follows the
// function's policy, and a batch past its time limit is stopped without stopping the pool.
import { afterAll, describe, expect, it } from "vitest";
import { Decimal, SqlError, Types } from "../../types/index.js";
import { JavaScriptFunctions, type FunctionErrorRecord, type JsFunctionDef } from "./javascript-functions.js";
import { fromJs, toJs } from "./js-values.js";

const defs = new Map<string, JsFunctionDef>();
const recorded: FunctionErrorRecord[] = [];
const js = new JavaScriptFunctions((id) => defs.get(id), (e) => recorded.push(e));
afterAll(() => js.close());

/** Calls with argument rows (the runner takes them columnar). */
function scalar(id: string, rows: unknown[][]): unknown[] {
  const width = rows[0]?.length ?? 0;
  return js.scalar(id, Array.from({ length: width }, (_, p) => rows.map((r) => r[p])), rows.length);
}

function define(d: Partial<JsFunctionDef> & Pick<JsFunctionDef, "id" | "body">): JsFunctionDef {
  const def: JsFunctionDef = { name: d.id, params: [{ name: "x", type: Types.integer }], returns: Types.integer, strict: false, onError: "error", timeoutMs: 2000, memoryMb: 32, ...d };
  defs.set(def.id, def);
  return def;
}

describe("JavaScriptFunctions", () => {
  it("returns one result per row, in order, across a split batch", () => {
    define({ id: "sq", body: "return x * x" });
    const rows = Array.from({ length: 3000 }, (_, i) => [i]);
    const out = scalar("sq", rows);
    expect(out.length).toBe(3000);
    expect(out.every((v, i) => v === i * i)).toBe(true);
  });

  it("skips the call for NULL arguments of a strict function", () => {
    define({ id: "is_null", body: "return x === null ? -1 : x", strict: true });
    define({ id: "sees_null", body: "return x === null ? -1 : x" });
    expect(scalar("is_null", [[null], [3]])).toEqual([null, 3]);
    expect(scalar("sees_null", [[null], [3]])).toEqual([-1, 3]);
  });

  it("fails with 22000 naming the function, or records the row under the NULL policy", () => {
    define({ id: "picky", body: "if (x < 0) throw new RangeError('negative: ' + x); return x" });
    expect(() => scalar("picky", [[1], [-2]])).toThrow(/picky raised an error: negative: -2/);
    define({ id: "lenient", body: "if (x < 0) throw new RangeError('negative: ' + x); return x", onError: "null" });
    recorded.length = 0;
    expect(scalar("lenient", [[1], [-2], [3]])).toEqual([1, null, 3]);
    expect(recorded).toEqual([{ function: "lenient", message: "negative: -2", input: "-2" }]);
  });

  it("stops a batch at its time limit (57014) and keeps serving", () => {
    define({ id: "loop", body: "for (;;) {}", timeoutMs: 200 });
    const t0 = Date.now();
    let err: unknown;
    try {
      scalar("loop", [[1]]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SqlError);
    expect((err as SqlError).code).toBe("57014");
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(scalar("sq", [[9]])).toEqual([81]);
  });

  it("returns table rows given as arrays, objects or single values", () => {
    define({ id: "rows", params: [{ name: "n", type: Types.integer }], returns: undefined, returnsTable: [{ name: "a", type: Types.integer }, { name: "b", type: Types.text }], body: "return [[n, 'x'], { b: 'y', a: n + 1 }, n + 2]" });
    expect(js.table("rows", [5])).toEqual([[5, "x"], [6, "y"], [7, null]]);
  });
});

describe("values between SQL and JavaScript", () => {
  it("keeps bigints exact and passes other types in their text form", () => {
    expect(toJs(Types.bigint, 9007199254740993n)).toBe(9007199254740993n);
    expect(toJs(Types.numeric, Decimal.parse("1.50"))).toBe("1.50");
    expect(toJs(Types.array(Types.integer), [1, null, 3])).toEqual([1, null, 3]);
    expect(fromJs(Types.bigint, 9007199254740993n)).toBe(9007199254740993n);
    expect(fromJs(Types.bigint, "12")).toBe(12n);
    expect(String(fromJs(Types.numeric, 2.5))).toBe("2.5");
    expect(fromJs(Types.text, 42)).toBe("42");
    expect(fromJs(Types.boolean, true)).toBe(true);
  });

  it("rejects results that do not fit the return type", () => {
    expect(() => fromJs(Types.integer, 1.5)).toThrow(SqlError);
    expect(() => fromJs(Types.integer, 2 ** 40)).toThrow(SqlError);
    expect(() => fromJs(Types.date, "not a date")).toThrow(SqlError);
  });
});
