// Error display against psql 15's output for the same statement and error position (fixtures from
// `psql -c <query>` where the query refers to a missing column, so the position is known).
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { formatError, formatErrorPosition, formatNotice } from "./error-format.js";

interface Fixture {
  query: string;
  position: number;
  message: string;
  psql: string;
}

const fixtures = JSON.parse(
  readFileSync(new URL("./error-format.fixtures.json", import.meta.url), "utf8"),
) as Fixture[];

describe("psql error display", () => {
  for (const f of fixtures) {
    it(JSON.stringify(f.query.slice(0, 50)), () => {
      expect(formatError({ message: f.message, position: f.position }, f.query)).toBe(f.psql);
    });
  }

  it("syntax error at end of input", () => {
    expect(formatError({ message: "syntax error at end of input", position: 11 }, "select 1 +")).toBe(
      "ERROR:  syntax error at end of input\nLINE 1: select 1 +\n                  ^\n",
    );
  });

  it("adds DETAIL and HINT after the position, and a prefix", () => {
    const text = formatError(
      { message: "syntax error at or near \"FORM\"", position: 10, hint: "Did you mean FROM?", detail: "d" },
      "SELECT * FORM t",
      "psql:x.sql:3: ",
    );
    expect(text).toBe(
      'psql:x.sql:3: ERROR:  syntax error at or near "FORM"\nLINE 1: SELECT * FORM t\n                 ^\nDETAIL:  d\nHINT:  Did you mean FROM?\n',
    );
  });

  it("prints no position lines without a query or outside it", () => {
    expect(formatError({ message: "division by zero" })).toBe("ERROR:  division by zero\n");
    expect(formatErrorPosition("select 1", 20)).toBe("");
    expect(formatErrorPosition("select 1", 0)).toBe("");
  });

  it("formats notices", () => {
    expect(formatNotice('table "nope" does not exist, skipping')).toBe(
      'NOTICE:  table "nope" does not exist, skipping\n',
    );
  });
});
