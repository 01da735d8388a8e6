import { describe, expect, it } from "vitest";
import { Types } from "../types/index.js";
import { bindParameter, parameterCount, substituteParameters } from "./parameters.js";
import { findParameters, leadingKeyword, qualifiedNames } from "./sql-scan.js";

describe("sql-scan", () => {
  it("finds $n outside literals, identifiers, comments and dollar quotes", () => {
    const sql = `select $1, '$2', "$3", a$4, $$ $5 $$, $tag$ $6 $tag$, E'\\' $7', -- $8\n /* $9 /* $10 */ */ $11`;
    expect(findParameters(sql).map((p) => p.index)).toEqual([1, 11]);
    expect(parameterCount("select $2 + $10", 0)).toBe(10);
    expect(parameterCount("select 1", 3)).toBe(3);
  });

  it("reads the leading keyword and dotted names", () => {
    expect(leadingKeyword("  -- c\n /* x */ (SELECT 1)")).toBe("select");
    expect(qualifiedNames(`select * from pg_catalog . pg_class c join "My"."T" on x = 'pg_type'`)).toEqual([["select"], ["from"], ["pg_catalog", "pg_class"], ["c"], ["join"], ["My", "T"], ["on"], ["x"]]);
  });
});

describe("parameter substitution", () => {
  it("replaces $n with literals and maps error positions back", () => {
    const r = substituteParameters("select $1 + $2, $1 from t where x = $3", [{ text: "it's" }, { text: "5", type: Types.integer }, { text: null }]);
    expect(r.sql).toBe("select 'it''s' + ('5'::int4), 'it''s' from t where x = NULL");
    // a position inside a substituted literal maps to its $n
    expect(r.mapPosition(r.sql.indexOf("('5'") + 2)).toBe("select $1 + $2".indexOf("$2") + 1);
    // a position after the literals maps by the length difference
    expect(r.mapPosition(r.sql.indexOf("from") + 1)).toBe("select $1 + $2, $1 from".indexOf("from") + 1);
    expect(r.mapPosition(3)).toBe(3);
  });

  it("refuses NUL in text and types binary parameters from Parse", () => {
    expect(() => substituteParameters("select $1", [{ text: "a\0b" }])).toThrow(expect.objectContaining({ code: "22021" }));
    const four = Buffer.alloc(4);
    four.writeInt32BE(42);
    expect(bindParameter(four, 1, 23, 0)).toEqual({ text: "42", type: Types.integer });
    expect(bindParameter(four, 1, 0, 0)).toEqual({ text: "\\x0000002a" });
    expect(() => bindParameter(Buffer.alloc(3), 1, 23, 0)).toThrow(expect.objectContaining({ code: "22P03" }));
    expect(bindParameter(null, 0, 0, 0)).toEqual({ text: null, type: undefined });
  });
});
