import { describe, expect, it } from "vitest";
import { parseDuration, parseSlt, type QueryRecord, type StatementRecord } from "./parser.js";

const parse = (text: string) => parseSlt(text, "t.slt");

describe("sqllogictest record parser", () => {
  it("reads classic statements and queries with their lines", () => {
    const records = parse(`# a comment
statement ok
CREATE TABLE t1(a INTEGER, b INTEGER)

statement error
SELECT * FROM nosuch

query II rowsort label-1
SELECT a,
       b FROM t1
----
1
2
3
4

query I nosort
SELECT count(*) FROM t1
----
30 values hashing to 3C13DEE48D9356AE19AF2515E05E6B54
`);
    expect(records.map((r) => [r.kind, r.loc.line])).toEqual([
      ["statement", 2],
      ["statement", 5],
      ["query", 8],
      ["query", 17],
    ]);
    const q = records[2] as QueryRecord;
    expect(q.types).toBe("II");
    expect(q.sortMode).toBe("rowsort");
    expect(q.label).toBe("label-1");
    expect(q.sql).toBe("SELECT a,\n       b FROM t1");
    expect(q.expect).toEqual({ kind: "values", lines: ["1", "2", "3", "4"] });
    expect((records[3] as QueryRecord).expect).toEqual({ kind: "hash", count: 30, hash: "3c13dee48d9356ae19af2515e05e6b54" });
    expect((records[1] as StatementRecord).expect).toEqual({ kind: "error", pattern: undefined, message: undefined });
  });

  it("reads conditions, halt, hash-threshold and a query without results", () => {
    const records = parse(`hash-threshold 8

onlyif mysql
skipif sqlite
statement ok
SELECT 1

skipif postgresql
halt

query T
SELECT 'x' WHERE false
`);
    expect(records[0]).toMatchObject({ kind: "hash-threshold", threshold: 8 });
    expect(records[1]).toMatchObject({
      kind: "statement",
      loc: { line: 5 },
      conditions: [
        { kind: "onlyif", engine: "mysql" },
        { kind: "skipif", engine: "sqlite" },
      ],
    });
    expect(records[2]).toMatchObject({ kind: "halt", conditions: [{ kind: "skipif", engine: "postgresql" }] });
    expect(records[3]).toMatchObject({ kind: "query", expect: { kind: "values", lines: [] } });
  });

  it("reads the sqllogictest-rs extensions", () => {
    const records = parse(`statement error relation "\\w+" does not exist
SELECT * FROM nosuch

query error division by zero
SELECT 1/0

statement error
SELECT 1/0
----
division by zero

statement count 3
INSERT INTO t VALUES (1), (2), (3)

control sortmode rowsort

include ./parts/*.slt.part

sleep 1.5s

connection other
query IT valuesort retry 3 backoff 500ms
SELECT 1, 'a b'
----
1 a b

subtest ignored
`);
    expect(records[0]).toMatchObject({ kind: "statement", expect: { kind: "error", pattern: 'relation "\\w+" does not exist' } });
    expect(records[1]).toMatchObject({ kind: "query", sql: "SELECT 1/0", expect: { kind: "error", pattern: "division by zero" } });
    expect(records[2]).toMatchObject({ kind: "statement", expect: { kind: "error", message: "division by zero" } });
    expect(records[3]).toMatchObject({ kind: "statement", expect: { kind: "count", count: 3 } });
    expect(records[4]).toMatchObject({ kind: "sortmode", sortMode: "rowsort" });
    expect(records[5]).toMatchObject({ kind: "include", pattern: "./parts/*.slt.part" });
    expect(records[6]).toMatchObject({ kind: "sleep", ms: 1500 });
    expect(records[7]).toMatchObject({
      kind: "query",
      connection: "other",
      types: "IT",
      sortMode: "valuesort",
      retry: { attempts: 3, backoffMs: 500 },
      expect: { kind: "values", lines: ["1 a b"] },
    });
    expect(records).toHaveLength(8);
  });

  it("turns unreadable records into invalid records and goes on", () => {
    const records = parse(`statement maybe
SELECT 1

frobnicate

query I
SELECT 1
----
1
`);
    expect(records.map((r) => r.kind)).toEqual(["invalid", "invalid", "query"]);
    expect(records[0].loc.line).toBe(1);
    expect(records[1].loc.line).toBe(4);
  });

  it("accepts CRLF line ends", () => {
    const records = parse("query I\r\nSELECT 1\r\n----\r\n1\r\n");
    expect(records[0]).toMatchObject({ sql: "SELECT 1", expect: { kind: "values", lines: ["1"] } });
  });

  it("parses durations", () => {
    expect(parseDuration("500ms")).toBe(500);
    expect(parseDuration("2s")).toBe(2000);
    expect(parseDuration("1m30s")).toBe(90_000);
    expect(parseDuration("3")).toBe(3000);
    expect(parseDuration("soon")).toBeNull();
  });
});
