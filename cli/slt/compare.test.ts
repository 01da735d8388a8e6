import { describe, expect, it } from "vitest";
import { compareResult, formatReal, renderValue, sortRows, type ResultSet, type ValueKind } from "./compare.js";
import { hashValues } from "./hash.js";

const result = (kinds: ValueKind[], rows: (string | null)[][]): ResultSet => ({
  columns: kinds.map((kind, i) => ({ name: `c${i}`, kind })),
  rows,
});

describe("value rendering", () => {
  it("renders NULL and the empty string", () => {
    expect(renderValue(null, "text", "T", "classic")).toBe("NULL");
    expect(renderValue("", "text", "T", "classic")).toBe("(empty)");
    expect(renderValue(null, "integer", "I", "plain")).toBe("NULL");
  });

  it("prints I columns as integers, truncating toward zero", () => {
    expect(renderValue("42", "integer", "I", "classic")).toBe("42");
    expect(renderValue("9223372036854775807", "integer", "I", "classic")).toBe("9223372036854775807");
    expect(renderValue("2.9", "float", "I", "classic")).toBe("2");
    expect(renderValue("-2.9", "numeric", "I", "classic")).toBe("-2");
    expect(renderValue("-0.5", "numeric", "I", "classic")).toBe("0");
    expect(renderValue("1e+20", "float", "I", "classic")).toBe("100000000000000000000");
    expect(renderValue("t", "boolean", "I", "classic")).toBe("1");
    expect(renderValue("f", "boolean", "I", "classic")).toBe("0");
    expect(renderValue("abc", "text", "I", "classic")).toBe("abc");
    expect(renderValue("2.9", "float", "I", "plain")).toBe("2.9");
  });

  it("prints R columns with three decimals", () => {
    expect(renderValue("5", "integer", "R", "classic")).toBe("5.000");
    expect(renderValue("-12.3456", "numeric", "R", "classic")).toBe("-12.346");
    expect(renderValue("1.5", "float", "R", "plain")).toBe("1.5");
  });

  it("leaves T columns in Postgres text form", () => {
    expect(renderValue("t", "boolean", "T", "classic")).toBe("t");
    expect(renderValue("1.50", "numeric", "T", "classic")).toBe("1.50");
  });

  it("formats %.3f like C, ties to even", () => {
    expect(formatReal(0)).toBe("0.000");
    expect(formatReal(-0)).toBe("-0.000");
    expect(formatReal(2.0625)).toBe("2.062"); // exact tie in binary
    expect(formatReal(2.1875)).toBe("2.188");
    expect(formatReal(0.1235)).toBe("0.123"); // 0.1235 is below the tie in binary
    expect(formatReal(1e21)).toBe("1000000000000000000000.000");
    expect(formatReal(-1 / 3)).toBe("-0.333");
    expect(formatReal(Infinity)).toBe("inf");
  });
});

describe("sorting", () => {
  it("rowsort compares rows value by value as strings", () => {
    expect(sortRows([["b", "1"], ["a", "2"], ["a", "10"]], "rowsort")).toEqual([["a", "10"], ["a", "2"], ["b", "1"]]);
  });
  it("valuesort sorts every value", () => {
    expect(sortRows([["b", "1"], ["a", "2"]], "valuesort")).toEqual([["1"], ["2"], ["a"], ["b"]]);
  });
  it("nosort keeps the order", () => {
    expect(sortRows([["b"], ["a"]], "nosort")).toEqual([["b"], ["a"]]);
  });
});

describe("result comparison", () => {
  const r = result(["integer", "text"], [["2", "b"], ["1", "a b"], ["3", null]]);

  it("accepts one value per line (classic layout)", () => {
    expect(compareResult({ kind: "values", lines: ["2", "b", "1", "a b", "3", "NULL"] }, r, "IT", "nosort")).toBeNull();
  });

  it("accepts one row per line, whitespace runs equal to one space", () => {
    expect(compareResult({ kind: "values", lines: ["2 b", "1  a b", "3\tNULL"] }, r, "IT", "nosort")).toBeNull();
  });

  it("sorts both sides for rowsort", () => {
    expect(compareResult({ kind: "values", lines: ["3 NULL", "2 b", "1 a b"] }, r, "IT", "rowsort")).toBeNull();
    expect(compareResult({ kind: "values", lines: ["1", "a b", "2", "b", "3", "NULL"] }, r, "IT", "rowsort")).toBeNull();
  });

  it("sorts values for valuesort, whatever the layout", () => {
    const v = result(["integer", "integer"], [["2", "1"], ["4", "3"]]);
    expect(compareResult({ kind: "values", lines: ["1", "2", "3", "4"] }, v, "II", "valuesort")).toBeNull();
    expect(compareResult({ kind: "values", lines: ["4 3", "2 1"] }, v, "II", "valuesort")).toBeNull();
  });

  it("reports a difference in the layout the file uses", () => {
    const m = compareResult({ kind: "values", lines: ["2", "b", "1", "a b", "3", "x"] }, r, "IT", "nosort");
    expect(m?.reason).toBe("results differ");
    expect(m?.expected).toEqual(["2", "b", "1", "a b", "3", "x"]);
    expect(m?.actual).toEqual(["2", "b", "1", "a b", "3", "NULL"]);
    const rows = compareResult({ kind: "values", lines: ["2 b", "1 a b"] }, r, "IT", "nosort");
    expect(rows?.reason).toBe("expected 2 rows, got 3");
    expect(rows?.actual).toEqual(["2 b", "1 a b", "3 NULL"]);
  });

  it("checks the number of columns against the type string", () => {
    expect(compareResult({ kind: "values", lines: [] }, r, "I", "nosort")?.reason).toBe("expected 1 column (query I), got 2");
  });

  it("compares hashes over the sorted values", () => {
    const values = result(["integer"], [["3"], ["1"], ["2"]]);
    const hash = hashValues(["1", "2", "3"]);
    expect(compareResult({ kind: "hash", count: 3, hash }, values, "I", "rowsort")).toBeNull();
    const m = compareResult({ kind: "hash", count: 3, hash }, values, "I", "nosort");
    expect(m?.reason).toBe("values differ (hash mismatch)");
    expect(compareResult({ kind: "hash", count: 4, hash }, values, "I", "rowsort")?.reason).toBe("expected 4 values, got 3");
  });

  it("accepts the Postgres text form where the classic one differs", () => {
    const f = result(["float", "float"], [["1.5", "2.25"]]);
    expect(compareResult({ kind: "values", lines: ["1.500 2.250"] }, f, "RR", "nosort")).toBeNull();
    expect(compareResult({ kind: "values", lines: ["1.5 2.25"] }, f, "RR", "nosort")).toBeNull();
    expect(compareResult({ kind: "values", lines: ["1 2"] }, f, "II", "nosort")).toBeNull();
  });

  it("compares an empty result", () => {
    expect(compareResult({ kind: "values", lines: [] }, result(["integer"], []), "I", "nosort")).toBeNull();
    expect(compareResult({ kind: "values", lines: ["1"] }, result(["integer"], []), "I", "nosort")?.reason).toBe(
      "expected 1 row, got 0",
    );
  });
});
