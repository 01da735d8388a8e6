import { describe, expect, it } from "vitest";
import { bin, col, int, stmt, str } from "../test-helpers.js";

describe("INSERT", () => {
  it("parses VALUES with DEFAULT, ON CONFLICT and RETURNING", () => {
    expect(stmt("INSERT INTO t (a, b) VALUES (1, DEFAULT), (2, 'x') ON CONFLICT (a) DO UPDATE SET b = 'y', c = DEFAULT WHERE t.a > 0 RETURNING a, b AS bb")).toEqual({
      kind: "insert",
      table: { parts: ["t"] },
      columns: ["a", "b"],
      source: {
        kind: "query", orderBy: [],
        body: { kind: "values", rows: [[int("1"), { kind: "default" }], [int("2"), str("x")]] },
      },
      onConflict: {
        target: ["a"], action: "update",
        set: [{ column: "b", value: str("y") }, { column: "c", value: "default" }],
        where: bin(">", col("t", "a"), int("0")),
      },
      returning: [{ expr: col("a") }, { expr: col("b"), alias: "bb" }],
    });
  });

  it("parses DEFAULT VALUES, INSERT ... SELECT, aliases and DO NOTHING", () => {
    expect(stmt("INSERT INTO s.t DEFAULT VALUES")).toEqual({ kind: "insert", table: { parts: ["s", "t"] }, defaultValues: true });
    expect(stmt("INSERT INTO t SELECT * FROM u ON CONFLICT DO NOTHING")).toMatchObject({
      source: { body: { kind: "select" } }, onConflict: { action: "nothing" },
    });
    expect(stmt("INSERT INTO t (SELECT 1)")).toMatchObject({ source: { body: { kind: "select" } } });
    expect(stmt("INSERT INTO t AS x (a) VALUES (1)")).toMatchObject({ alias: "x", columns: ["a"] });
    expect(stmt("INSERT INTO t1(e,c,b,d,a) VALUES(103,102,100,101,104)")).toMatchObject({ columns: ["e", "c", "b", "d", "a"] });
    expect(stmt("INSERT INTO t VALUES (1) RETURNING *")).toMatchObject({ returning: [{ expr: { kind: "star" } }] });
  });
});

describe("UPDATE", () => {
  it("parses SET, FROM, WHERE and RETURNING", () => {
    expect(stmt("UPDATE t AS x SET a = a + 1, b = DEFAULT FROM u WHERE x.id = u.id RETURNING a")).toEqual({
      kind: "update",
      table: { parts: ["t"] },
      alias: "x",
      set: [{ column: "a", value: bin("+", col("a"), int("1")) }, { column: "b", value: "default" }],
      from: [{ kind: "table", name: { parts: ["u"] } }],
      where: bin("=", col("x", "id"), col("u", "id")),
      returning: [{ expr: col("a") }],
    });
    expect(stmt("UPDATE t SET a = 1")).toEqual({ kind: "update", table: { parts: ["t"] }, set: [{ column: "a", value: int("1") }], from: [] });
    expect(stmt("UPDATE ONLY t x SET a = 1")).toMatchObject({ alias: "x" });
  });
});

describe("DELETE", () => {
  it("parses USING, WHERE and RETURNING", () => {
    expect(stmt("DELETE FROM t USING u WHERE t.id = u.id RETURNING *")).toEqual({
      kind: "delete",
      table: { parts: ["t"] },
      using: [{ kind: "table", name: { parts: ["u"] } }],
      where: bin("=", col("t", "id"), col("u", "id")),
      returning: [{ expr: { kind: "star" } }],
    });
    expect(stmt("DELETE FROM t")).toEqual({ kind: "delete", table: { parts: ["t"] }, using: [] });
    expect(stmt("DELETE FROM t AS x WHERE x.a = 1")).toMatchObject({ alias: "x" });
  });
});
