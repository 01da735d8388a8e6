import { describe, expect, it } from "vitest";
import { splitStatements } from "./index.js";

describe("splitStatements", () => {
  it("splits on ; outside quotes, comments, dollar quotes and parentheses", () => {
    const sql = "SELECT 1; SELECT (1;2); SELECT $$a;b$$; -- x;\n SELECT 'a;' ; SELECT \"q;\" /* ; */; SELECT E'\\';'; SELECT 1";
    expect(splitStatements(sql)).toEqual([
      { text: "SELECT 1", pos: 1, complete: true },
      { text: "SELECT (1;2)", pos: 11, complete: true },
      { text: "SELECT $$a;b$$", pos: 25, complete: true },
      { text: "SELECT 'a;'", pos: 48, complete: true },
      { text: 'SELECT "q;"', pos: 62, complete: true },
      { text: "SELECT E'\\';'", pos: 83, complete: true },
      { text: "SELECT 1", pos: 98, complete: false },
    ]);
  });

  it("reports statements left open as incomplete", () => {
    expect(splitStatements("SELECT 1; SELECT 'abc")).toEqual([
      { text: "SELECT 1", pos: 1, complete: true },
      { text: "SELECT 'abc", pos: 11, complete: false },
    ]);
    expect(splitStatements("SELECT (1")).toEqual([{ text: "SELECT (1", pos: 1, complete: false }]);
    expect(splitStatements("SELECT (1;")).toEqual([{ text: "SELECT (1;", pos: 1, complete: false }]);
    expect(splitStatements("/* open")).toEqual([{ text: "/* open", pos: 1, complete: false }]);
    expect(splitStatements("CREATE FUNCTION f() AS $body$ x;")).toEqual([
      { text: "CREATE FUNCTION f() AS $body$ x;", pos: 1, complete: false },
    ]);
    expect(splitStatements("SELECT 1 -- no semicolon")).toEqual([{ text: "SELECT 1", pos: 1, complete: false }]);
  });

  it("ignores empty statements and comment-only text", () => {
    expect(splitStatements("  ;; -- c\n /* d */ ")).toEqual([]);
    expect(splitStatements("")).toEqual([]);
  });

  it("gives code-point positions", () => {
    expect(splitStatements("SELECT '😀'; x;")).toEqual([
      { text: "SELECT '😀'", pos: 1, complete: true },
      { text: "x", pos: 13, complete: true },
    ]);
  });
});
