import { describe, expect, it } from "vitest";
import type { StatementResult } from "../src/index.js";
import { commandTag, formatResult, formatTiming, returnsRows } from "./result-format.js";

const r = (command: string, rowCount: number, extra: Partial<StatementResult> = {}): StatementResult => ({
  command,
  rowCount,
  columns: [],
  rows: [],
  notices: [],
  ...extra,
});

describe("command tags", () => {
  it("prints tags the way Postgres sends them", () => {
    expect(commandTag(r("INSERT", 3))).toBe("INSERT 0 3");
    expect(commandTag(r("UPDATE", 2))).toBe("UPDATE 2");
    expect(commandTag(r("DELETE", 1))).toBe("DELETE 1");
    expect(commandTag(r("SELECT", 5))).toBe("SELECT 5"); // CREATE TABLE AS
    expect(commandTag(r("CREATE TABLE", 0))).toBe("CREATE TABLE");
    expect(commandTag(r("SET", 0))).toBe("SET");
    expect(commandTag(r("INSERT 0 7", 7))).toBe("INSERT 0 7");
  });

  it("knows which results are tables", () => {
    expect(returnsRows(r("SELECT", 1, { columns: [{ name: "a", type: { id: "integer" } }], rows: [[1]] }))).toBe(true);
    expect(returnsRows(r("SELECT", 1, { rows: [[]] }))).toBe(true); // SELECT;
    expect(returnsRows(r("SELECT", 3))).toBe(false); // CREATE TABLE AS
    expect(returnsRows(r("CREATE TABLE", 0))).toBe(false);
  });

  it("prints a RETURNING table followed by the tag", () => {
    const text = formatResult(
      r("INSERT", 1, { columns: [{ name: "id", type: { id: "integer" } }], rows: [[1]] }),
      (_t, v) => String(v),
      { expanded: "off" },
    );
    expect(text).toBe(" id \n----\n  1\n(1 row)\n\nINSERT 0 1\n");
  });

  it("prints SELECT; as psql does", () => {
    expect(formatResult(r("SELECT", 1, { rows: [[]] }), String, { expanded: "off" })).toBe("--\n(1 row)\n\n");
  });
});

describe("\\timing output", () => {
  it("matches psql's formats", () => {
    expect(formatTiming(0.193)).toBe("Time: 0.193 ms\n");
    expect(formatTiming(1234.5678)).toBe("Time: 1234.568 ms (00:01.235)\n");
    expect(formatTiming(61_000)).toBe("Time: 61000.000 ms (01:01.000)\n");
    expect(formatTiming(3_723_000)).toBe("Time: 3723000.000 ms (01:02:03.000)\n");
    expect(formatTiming(90_061_000)).toBe("Time: 90061000.000 ms (1 d 01:01:01.000)\n");
  });
});
