import { describe, expect, it } from "vitest";
import { parse, parseExpression, MAX_NESTING_DEPTH } from "./index.js";
import { SqlError } from "../types/errors.js";

function err(sql: string, fn: (s: string) => unknown = parse): SqlError {
  try {
    fn(sql);
  } catch (e) {
    expect(e).toBeInstanceOf(SqlError);
    return e as SqlError;
  }
  throw new Error(`expected an error for ${sql}`);
}

describe("syntax errors", () => {
  it("reports the offending token like Postgres", () => {
    const e = err("SELECT * FROM t WHER x");
    expect(e.code).toBe("42601");
    expect(e.message).toBe('syntax error at or near "x"');
    expect(e.position).toBe(22);
    expect(e.line).toBe(1);
    expect(e.column).toBe(22);
    expect(e.hint).toMatch(/^Expected one of: WHERE, GROUP, HAVING/);
  });

  it("reports the end of input at one past the last character", () => {
    const e = err("SELECT 1 +");
    expect(e.message).toBe("syntax error at end of input");
    expect(e.position).toBe(11);
    expect(e.hint).toMatch(/expression/);
  });

  it("reports an error before a ; at the ;", () => {
    const e = err("SELECT 1 +; SELECT 2");
    expect(e.message).toBe('syntax error at or near ";"');
    expect(e.position).toBe(11);
    const j = err("SELECT * FROM a JOIN b; SELECT 1");
    expect(j.message).toBe('syntax error at or near ";"');
  });

  it("gives lines and columns in code points", () => {
    const e = err("SELECT '😀', x\nFROM t\nWHERE = 1");
    expect(e.message).toBe('syntax error at or near "="');
    expect(e.line).toBe(3);
    expect(e.column).toBe(7);
    expect(e.position).toBe(28);
  });

  it("keeps hints short", () => {
    for (const sql of ["SELEC 1", "SELECT (1", "CREATE TABLE t (a int,)", "INSERT INTO t VALUES (1", "UPDATE t SET", "SELECT a FROM"]) {
      const e = err(sql);
      expect(e.code).toBe("42601");
      expect(e.hint).toBeDefined();
      const listed = e.hint!.replace(/^Expected (one of: )?/, "").split(", ");
      expect(listed.length).toBeLessThanOrEqual(9);
    }
    expect(err("SELEC 1").hint).toMatch(/^Expected one of: SELECT, INSERT, UPDATE/);
    expect(err("CREATE OR REPLACE TABLE t (a int)").hint).toMatch(/OR REPLACE/);
    expect(err("SELECT 1 LIMIT 1 LIMIT 2").hint).toMatch(/multiple LIMIT/);
  });

  it("rejects reserved words as bare names", () => {
    expect(err("SELECT a FROM order").message).toBe('syntax error at or near "order"');
    expect(err("CREATE TABLE select (a int)").message).toBe('syntax error at or near "select"');
    expect(parse('CREATE TABLE "select" (a int)')).toHaveLength(1);
  });

  it("rejects trailing input in parseExpression", () => {
    expect(err("a b", parseExpression).message).toBe('syntax error at or near "b"');
    expect(err("a; b", parseExpression).message).toBe('syntax error at or near ";"');
    expect(err("", parseExpression).message).toBe("syntax error at end of input");
  });
});

describe("lexical errors", () => {
  it.each([
    ["SELECT 'abc", 'unterminated quoted string at or near "\'abc"', 8],
    ["SELECT E'abc\\'", "unterminated quoted string at or near \"E'abc\\'\"", 8],
    ["SELECT /* x /* y */", 'unterminated /* comment at or near "/* x /* y */"', 8],
    ['SELECT "abc', 'unterminated quoted identifier at or near ""abc"', 8],
    ["SELECT $$abc", 'unterminated dollar-quoted string at or near "$$abc"', 8],
    ['SELECT ""', 'zero-length delimited identifier at or near """"', 8],
    ["SELECT 1abc", 'trailing junk after numeric literal at or near "1abc"', 8],
    ["SELECT B'102'", "\"102\" is not a valid binary digit at or near \"B'102'\"", 8],
    ["SELECT 1 \\ 2", 'syntax error at or near "\\"', 10],
  ])("%s", (sql, message, position) => {
    const e = err(sql);
    expect(e.code).toBe("42601");
    expect(e.message).toBe(message);
    expect(e.position).toBe(position);
  });
});

describe("nesting bound", () => {
  it("parses moderately deep nesting", () => {
    const depth = 100;
    expect(() => parse("SELECT " + "(".repeat(depth) + "1" + ")".repeat(depth))).not.toThrow();
    expect(() => parse("SELECT " + "ARRAY[".repeat(depth) + "1" + "]".repeat(depth))).not.toThrow();
    expect(() => parse("SELECT " + "f(".repeat(depth) + "1" + ")".repeat(depth))).not.toThrow();
    expect(() => parse("SELECT " + "(SELECT ".repeat(50) + "1" + ")".repeat(50))).not.toThrow();
    expect(() => parse("SELECT " + "NOT ".repeat(500) + "true")).not.toThrow();
  });

  it("refuses deeper nesting with 54001, never a crash", () => {
    const deep = [
      "SELECT " + "(".repeat(MAX_NESTING_DEPTH + 1) + "1" + ")".repeat(MAX_NESTING_DEPTH + 1),
      "SELECT " + "(SELECT ".repeat(900) + "1" + ")".repeat(900),
      "SELECT " + "CASE WHEN true THEN ".repeat(5000) + "1" + " END".repeat(5000),
      "SELECT " + "- ".repeat(50000) + "1",
      "SELECT " + "NOT ".repeat(50000) + "true",
      "SELECT " + "(".repeat(100000),
    ];
    for (const sql of deep) {
      const e = err(sql);
      expect(e.code).toBe("54001");
      expect(e.message).toBe("stack depth limit exceeded");
    }
  }, 60_000);

  it("handles long flat inputs without recursion trouble", () => {
    expect(() => parse("SELECT " + Array.from({ length: 20000 }, (_, i) => `c${i}`).join(" OR "))).not.toThrow();
    expect(() => parse(Array.from({ length: 2000 }, () => "SELECT 1").join(" UNION ALL "))).not.toThrow();
    expect(() => parse("SELECT 1" + "::int".repeat(5000))).not.toThrow();
  }, 60_000);
});
