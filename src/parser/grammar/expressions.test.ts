import { describe, expect, it } from "vitest";
import { parseExpression } from "../index.js";
import { bin, col, core, expr, fn, int, str } from "../test-helpers.js";

describe("literals", () => {
  it("keeps number text and folds unary minus into numeric literals", () => {
    expect(expr("123")).toEqual(int("123"));
    expect(expr("1.5")).toEqual({ kind: "literal", value: { type: "decimal", text: "1.5" } });
    expect(expr(".5")).toEqual({ kind: "literal", value: { type: "decimal", text: ".5" } });
    expect(expr("1e10")).toEqual({ kind: "literal", value: { type: "decimal", text: "1e10" } });
    expect(expr("1.5E-3")).toEqual({ kind: "literal", value: { type: "decimal", text: "1.5E-3" } });
    expect(expr("-9223372036854775808")).toEqual(int("-9223372036854775808"));
    expect(expr("- 5")).toEqual(int("-5"));
    expect(expr("- -5")).toEqual(int("5"));
    expect(expr("0x1F")).toEqual(int("31"));
    expect(expr("1_000")).toEqual(int("1000"));
  });

  it("decodes the string forms", () => {
    expect(expr("'it''s'")).toEqual(str("it's"));
    expect(expr("'a'\n'b'")).toEqual(str("ab"));
    expect(expr("E'a\\nb\\x41\\u0042\\''")).toEqual(str("a\nbAB'"));
    expect(expr("$$a'b$$")).toEqual(str("a'b"));
    expect(expr("$fn$x$$y$fn$")).toEqual(str("x$$y"));
    expect(expr("U&'d\\0061t\\+000061'")).toEqual(str("data"));
    expect(expr("N'x'")).toEqual(str("x"));
    expect(expr("B'1010'")).toEqual({ kind: "literal", value: { type: "bitstring", value: "b1010" } });
    expect(expr("X'fF'")).toEqual({ kind: "literal", value: { type: "bitstring", value: "xfF" } });
  });

  it("parses booleans, NULL and parameters", () => {
    expect(expr("TRUE")).toEqual({ kind: "literal", value: { type: "boolean", value: true } });
    expect(expr("false")).toEqual({ kind: "literal", value: { type: "boolean", value: false } });
    expect(expr("NULL")).toEqual({ kind: "literal", value: { type: "null" } });
    expect(expr("$12")).toEqual({ kind: "param", index: 12 });
  });

  it("parses typed and interval literals", () => {
    const typed = (name: string, value: string) => ({ kind: "typed_literal", type: { name, modifiers: [], arrayDims: 0 }, value });
    expect(expr("DATE '2024-01-01'")).toEqual(typed("date", "2024-01-01"));
    expect(expr("TIMESTAMP '2024-01-01 10:00'")).toEqual(typed("timestamp", "2024-01-01 10:00"));
    expect(expr("TIMESTAMPTZ '2024-01-01'")).toEqual(typed("timestamptz", "2024-01-01"));
    expect(expr("timestamp with time zone '2024-01-01'")).toEqual(typed("timestamptz", "2024-01-01"));
    expect(expr("TIME '10:00'")).toEqual(typed("time", "10:00"));
    expect(expr("VECTOR '[1,2]'")).toEqual(typed("vector", "[1,2]"));
    expect(expr("JSONB '{}'")).toEqual(typed("jsonb", "{}"));
    expect(expr("INTERVAL '10 seconds'")).toEqual({ kind: "interval_literal", value: "10 seconds" });
    expect(expr("INTERVAL '10' SECOND")).toEqual({ kind: "interval_literal", value: "10", qualifier: "second" });
    expect(expr("INTERVAL '1' DAY TO HOUR")).toEqual({ kind: "interval_literal", value: "1", qualifier: "day to hour" });
  });
});

describe("names", () => {
  it("folds unquoted identifiers and keeps quoted ones", () => {
    expect(expr("MyCol")).toEqual(col("mycol"));
    expect(expr('"MyCol"')).toEqual(col("MyCol"));
    expect(expr('"a""b"')).toEqual(col('a"b'));
    expect(expr("s.T.a")).toEqual(col("s", "t", "a"));
    expect(expr("t.*")).toEqual({ kind: "star", table: ["t"] });
    expect(expr('t."order"')).toEqual(col("t", "order"));
    expect(expr("t.order")).toEqual(col("t", "order"));
  });

  it("accepts non-reserved keywords as column names", () => {
    const names = [
      "value", "key", "name", "type", "text", "date", "time", "timestamp", "year", "day", "first", "last",
      "source", "sink", "stream", "model", "secret", "window_start", "window_end", "data", "position",
      "rank", "count", "index", "action", "interval", "filter", "over", "top", "vector", "row", "trim",
    ];
    const c = core(`SELECT ${names.join(", ")} FROM t`);
    expect(c.items.map((i) => i.expr)).toEqual(names.map((n) => col(n)));
  });
});

describe("operators and precedence", () => {
  it("follows Postgres precedence", () => {
    expect(expr("a OR b AND c")).toEqual(bin("or", col("a"), bin("and", col("b"), col("c"))));
    expect(expr("NOT a = b")).toEqual({ kind: "unary", op: "not", operand: bin("=", col("a"), col("b")) });
    expect(expr("NOT a AND b")).toEqual(bin("and", { kind: "unary", op: "not", operand: col("a") }, col("b")));
    expect(expr("a = 1 IS NULL")).toEqual({ kind: "is", expr: bin("=", col("a"), int("1")), test: "null", negated: false });
    expect(expr("1 + 2 * 3")).toEqual(bin("+", int("1"), bin("*", int("2"), int("3"))));
    expect(expr("1 - 2 - 3")).toEqual(bin("-", bin("-", int("1"), int("2")), int("3")));
    expect(expr("2 ^ 3 ^ 2")).toEqual(bin("^", bin("^", int("2"), int("3")), int("2")));
    expect(expr("-2 ^ 2")).toEqual(bin("^", int("-2"), int("2")));
    expect(expr("a || b + c")).toEqual(bin("||", col("a"), bin("+", col("b"), col("c"))));
    expect(expr("a < b || c")).toEqual(bin("<", col("a"), bin("||", col("b"), col("c"))));
    expect(expr("a -> 'b' ->> 'c'")).toEqual(bin("->>", bin("->", col("a"), str("b")), str("c")));
    expect(expr("-a::int")).toEqual({ kind: "unary", op: "-", operand: { kind: "cast", expr: col("a"), type: { name: "int", modifiers: [], arrayDims: 0 } } });
    expect(expr("a::text[]")).toEqual({ kind: "cast", expr: col("a"), type: { name: "text", modifiers: [], arrayDims: 1 } });
    expect(expr("x BETWEEN 1 AND 2 AND y")).toEqual(
      bin("and", { kind: "between", expr: col("x"), low: int("1"), high: int("2"), negated: false }, col("y")),
    );
  });

  it("normalises != to <> and keeps every operator's spelling", () => {
    expect(expr("a != b")).toEqual(bin("<>", col("a"), col("b")));
    for (const op of ["<->", "<=>", "<#>", "<+>", "@>", "<@", "#>", "#>>", "?", "&", "|", "#", "<<", ">>", "~", "~*", "!~", "!~*", "%", "/"]) {
      expect(expr(`a ${op} b`)).toEqual(bin(op, col("a"), col("b")));
    }
    expect(expr("a=-1")).toEqual(bin("=", col("a"), int("-1")));
    expect(expr("a<-1")).toEqual(bin("<", col("a"), int("-1")));
    expect(expr("a*-b")).toEqual(bin("*", col("a"), { kind: "unary", op: "-", operand: col("b") }));
  });

  it("parses prefix operators", () => {
    expect(expr("|/ 25")).toEqual({ kind: "unary", op: "|/", operand: int("25") });
    expect(expr("||/ 27")).toEqual({ kind: "unary", op: "||/", operand: int("27") });
    expect(expr("@ -5")).toEqual({ kind: "unary", op: "@", operand: int("-5") });
    expect(expr("~ 5")).toEqual({ kind: "unary", op: "~", operand: int("5") });
    expect(expr("+a")).toEqual({ kind: "unary", op: "+", operand: col("a") });
  });

  it("parses IS forms", () => {
    expect(expr("a IS NOT NULL")).toEqual({ kind: "is", expr: col("a"), test: "null", negated: true });
    expect(expr("a ISNULL")).toEqual({ kind: "is", expr: col("a"), test: "null", negated: false });
    expect(expr("a NOTNULL")).toEqual({ kind: "is", expr: col("a"), test: "null", negated: true });
    expect(expr("a IS TRUE")).toEqual({ kind: "is", expr: col("a"), test: "true", negated: false });
    expect(expr("a IS NOT FALSE")).toEqual({ kind: "is", expr: col("a"), test: "false", negated: true });
    expect(expr("a IS UNKNOWN")).toEqual({ kind: "is", expr: col("a"), test: "unknown", negated: false });
    expect(expr("a IS DISTINCT FROM b")).toEqual(bin("is distinct from", col("a"), col("b")));
    expect(expr("a IS NOT DISTINCT FROM b")).toEqual(bin("is not distinct from", col("a"), col("b")));
  });

  it("parses LIKE, ILIKE, SIMILAR TO and the ~~ operators", () => {
    const like = (op: string, negated: boolean, escape?: unknown) =>
      ({ kind: "like", op, expr: col("a"), pattern: str("x%"), negated, ...(escape ? { escape } : {}) });
    expect(expr("a LIKE 'x%'")).toEqual(like("like", false));
    expect(expr("a NOT ILIKE 'x%'")).toEqual(like("ilike", true));
    expect(expr("a SIMILAR TO 'x%' ESCAPE '!'")).toEqual(like("similar", false, str("!")));
    expect(expr("a ~~ 'x%'")).toEqual(like("like", false));
    expect(expr("a ~~* 'x%'")).toEqual(like("ilike", false));
    expect(expr("a !~~ 'x%'")).toEqual(like("like", true));
    expect(expr("a !~~* 'x%'")).toEqual(like("ilike", true));
    expect(expr("a LIKE b || '%'")).toEqual({ kind: "like", op: "like", expr: col("a"), pattern: bin("||", col("b"), str("%")), negated: false });
  });

  it("parses BETWEEN, IN and quantified comparisons", () => {
    expect(expr("a NOT BETWEEN SYMMETRIC 1 AND 2")).toEqual({ kind: "between", expr: col("a"), low: int("1"), high: int("2"), negated: true, symmetric: true });
    expect(expr("a IN (1, 2)")).toEqual({ kind: "in_list", expr: col("a"), list: [int("1"), int("2")], negated: false });
    expect(expr("a NOT IN ()")).toEqual({ kind: "in_list", expr: col("a"), list: [], negated: true });
    const inq = expr("a IN (SELECT b FROM t)");
    expect(inq.kind).toBe("in_subquery");
    const q = expr("a = ANY (SELECT b FROM t)");
    expect(q).toMatchObject({ kind: "quantified", op: "=", quantifier: "any", expr: col("a") });
    expect(expr("a < ALL (ARRAY[1, 2])")).toEqual({
      kind: "quantified", op: "<", quantifier: "all", expr: col("a"), array: { kind: "array", elements: [int("1"), int("2")] },
    });
    expect(expr("a = SOME (arr)")).toEqual({ kind: "quantified", op: "=", quantifier: "any", expr: col("a"), array: col("arr") });
  });

  it("parses AT TIME ZONE as timezone(zone, x)", () => {
    expect(expr("ts AT TIME ZONE 'UTC'")).toEqual(fn("timezone", str("UTC"), col("ts")));
  });
});

describe("compound expressions", () => {
  it("parses casts", () => {
    const t = (name: string, modifiers: number[] = [], arrayDims = 0) => ({ name, modifiers, arrayDims });
    expect(expr("CAST(a AS double precision)")).toEqual({ kind: "cast", expr: col("a"), type: t("double precision") });
    expect(expr("a::numeric(10,2)")).toEqual({ kind: "cast", expr: col("a"), type: t("numeric", [10, 2]) });
    expect(expr("a::character varying(5)")).toEqual({ kind: "cast", expr: col("a"), type: t("character varying", [5]) });
    expect(expr("a::timestamp(3) with time zone")).toEqual({ kind: "cast", expr: col("a"), type: t("timestamptz", [3]) });
    expect(expr("a::timestamp without time zone")).toEqual({ kind: "cast", expr: col("a"), type: t("timestamp") });
    expect(expr("a::time with time zone")).toEqual({ kind: "cast", expr: col("a"), type: t("timetz") });
    expect(expr("a::VECTOR(3)")).toEqual({ kind: "cast", expr: col("a"), type: t("vector", [3]) });
    expect(expr("a::INT[][]")).toEqual({ kind: "cast", expr: col("a"), type: t("int", [], 2) });
    expect(expr("a::pg_catalog.int4")).toEqual({ kind: "cast", expr: col("a"), type: t("int4") });
    expect(expr("'1'::text::int")).toEqual({ kind: "cast", expr: { kind: "cast", expr: str("1"), type: t("text") }, type: t("int") });
  });

  it("parses CASE", () => {
    expect(expr("CASE WHEN a THEN 1 ELSE 2 END")).toEqual({ kind: "case", whens: [{ when: col("a"), then: int("1") }], else: int("2") });
    expect(expr("CASE x WHEN 1 THEN 'a' WHEN 2 THEN 'b' END")).toEqual({
      kind: "case", operand: col("x"), whens: [{ when: int("1"), then: str("a") }, { when: int("2"), then: str("b") }],
    });
  });

  it("parses arrays, subscripts, rows and subqueries", () => {
    expect(expr("ARRAY[1, 2]")).toEqual({ kind: "array", elements: [int("1"), int("2")] });
    expect(expr("ARRAY[[1], [2]]")).toEqual({
      kind: "array", elements: [{ kind: "array", elements: [int("1")] }, { kind: "array", elements: [int("2")] }],
    });
    expect(expr("ARRAY[]")).toEqual({ kind: "array", elements: [] });
    expect(expr("ARRAY(SELECT 1)")).toMatchObject({ kind: "subquery", array: true });
    expect(expr("a[1]")).toEqual({ kind: "subscript", expr: col("a"), index: int("1"), slice: false });
    expect(expr("a[1:2]")).toEqual({ kind: "subscript", expr: col("a"), lower: int("1"), upper: int("2"), slice: true });
    expect(expr("a[:2]")).toEqual({ kind: "subscript", expr: col("a"), upper: int("2"), slice: true });
    expect(expr("a[1][2]")).toEqual({
      kind: "subscript", expr: { kind: "subscript", expr: col("a"), index: int("1"), slice: false }, index: int("2"), slice: false,
    });
    expect(expr("ROW(1, 'a')")).toEqual({ kind: "row", fields: [int("1"), str("a")] });
    expect(expr("ROW()")).toEqual({ kind: "row", fields: [] });
    expect(expr("(1, 2)")).toEqual({ kind: "row", fields: [int("1"), int("2")] });
    expect(expr("((1))")).toEqual(int("1"));
    expect(expr("(SELECT 1)")).toMatchObject({ kind: "subquery", query: { kind: "query" } });
    expect(expr("EXISTS (SELECT 1)")).toMatchObject({ kind: "exists", negated: false });
    expect(expr("NOT EXISTS (SELECT 1)")).toMatchObject({ kind: "unary", op: "not", operand: { kind: "exists" } });
    expect(expr("((SELECT 1) UNION (SELECT 2))")).toMatchObject({ kind: "subquery", query: { body: { kind: "set_op", op: "union" } } });
    expect(expr("((SELECT 1) + 1)")).toMatchObject({ kind: "binary", op: "+", left: { kind: "subquery" } });
  });

  it("parses function calls", () => {
    expect(expr("count(*)")).toEqual({ kind: "function", name: { parts: ["count"] }, args: [], star: true });
    expect(expr("count(DISTINCT x)")).toEqual({ kind: "function", name: { parts: ["count"] }, args: [col("x")], distinct: true });
    expect(expr("pg_catalog.now()")).toEqual({ kind: "function", name: { parts: ["pg_catalog", "now"] }, args: [] });
    expect(expr("string_agg(x, ',' ORDER BY y DESC)")).toEqual({
      kind: "function", name: { parts: ["string_agg"] }, args: [col("x"), str(",")], orderBy: [{ expr: col("y"), direction: "desc" }],
    });
    expect(expr("sum(x) FILTER (WHERE x > 0)")).toEqual({
      kind: "function", name: { parts: ["sum"] }, args: [col("x")], filter: bin(">", col("x"), int("0")),
    });
    expect(expr("percentile_cont(0.5) WITHIN GROUP (ORDER BY x)")).toMatchObject({
      withinGroup: true, orderBy: [{ expr: col("x"), direction: "asc" }],
    });
    expect(expr("coalesce(a, b)")).toEqual(fn("coalesce", col("a"), col("b")));
    expect(expr("left(s, 2)")).toEqual(fn("left", col("s"), int("2")));
    expect(expr("PROCTIME()")).toEqual(fn("proctime"));
    expect(expr("EMBED(d.body) <=> EMBED(q.text)")).toEqual(bin("<=>", fn("embed", col("d", "body")), fn("embed", col("q", "text"))));
  });

  it("parses window calls", () => {
    expect(expr("row_number() OVER (PARTITION BY a ORDER BY b ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)")).toEqual({
      kind: "function", name: { parts: ["row_number"] }, args: [],
      over: {
        partitionBy: [col("a")], orderBy: [{ expr: col("b"), direction: "asc" }],
        frame: { mode: "rows", start: { kind: "unbounded_preceding" }, end: { kind: "current_row" } },
      },
    });
    expect(expr("sum(x) OVER (RANGE BETWEEN INTERVAL '1' DAY PRECEDING AND 2 FOLLOWING)")).toMatchObject({
      over: { frame: { mode: "range", start: { kind: "preceding" }, end: { kind: "following", offset: int("2") } } },
    });
    expect(expr("sum(x) OVER (GROUPS UNBOUNDED FOLLOWING)")).toMatchObject({ over: { frame: { mode: "groups", start: { kind: "unbounded_following" } } } });
    expect(expr("rank() OVER w")).toMatchObject({ over: { baseName: "w", partitionBy: [], orderBy: [] } });
    expect(expr("rank() OVER (w ORDER BY c)")).toMatchObject({ over: { baseName: "w", orderBy: [{ expr: col("c") }] } });
  });

  it("maps the special-syntax functions", () => {
    expect(expr("EXTRACT(YEAR FROM ts)")).toEqual(fn("extract", str("year"), col("ts")));
    expect(expr("extract('epoch' from ts)")).toEqual(fn("extract", str("epoch"), col("ts")));
    expect(expr("POSITION('b' IN s)")).toEqual(fn("position", col("s"), str("b"))); // position(string, substring), as Postgres
    expect(expr("SUBSTRING(s FROM 2 FOR 3)")).toEqual(fn("substring", col("s"), int("2"), int("3")));
    expect(expr("SUBSTRING(s FROM 2)")).toEqual(fn("substring", col("s"), int("2")));
    expect(expr("SUBSTRING(s FOR 3)")).toEqual(fn("substring", col("s"), int("1"), int("3")));
    expect(expr("substring(s, 1, 2)")).toEqual(fn("substring", col("s"), int("1"), int("2")));
    expect(expr("TRIM(s)")).toEqual(fn("btrim", col("s")));
    expect(expr("TRIM(BOTH 'x' FROM s)")).toEqual(fn("btrim", col("s"), str("x")));
    expect(expr("TRIM(LEADING FROM s)")).toEqual(fn("ltrim", col("s")));
    expect(expr("TRIM(TRAILING 'x' FROM s)")).toEqual(fn("rtrim", col("s"), str("x")));
    expect(expr("trim(s, 'x')")).toEqual(fn("btrim", col("s"), str("x")));
    expect(expr("OVERLAY(s PLACING 'x' FROM 2 FOR 1)")).toEqual(fn("overlay", col("s"), str("x"), int("2"), int("1")));
    for (const n of ["CURRENT_DATE", "CURRENT_TIMESTAMP", "CURRENT_TIME", "LOCALTIMESTAMP", "LOCALTIME", "CURRENT_USER", "SESSION_USER", "USER", "CURRENT_SCHEMA", "CURRENT_CATALOG", "CURRENT_ROLE"]) {
      expect(expr(n)).toEqual(fn(n.toLowerCase()));
    }
    expect(expr("CURRENT_TIMESTAMP(3)")).toEqual(fn("current_timestamp", int("3")));
  });
});

describe("positions", () => {
  it("records 1-based character offsets", () => {
    const e = parseExpression("a + f(b)");
    expect(e).toMatchObject({ kind: "binary", pos: 3, left: { pos: 1 }, right: { pos: 5, args: [{ pos: 7 }] } });
    const u = parseExpression("'😀' || x");
    expect(u).toMatchObject({ pos: 5, right: { pos: 8 } });
  });
});

describe("client catalog syntax", () => {
  it("parses OPERATOR(schema.op) and (expr).field", () => {
    expect(expr("c.relname OPERATOR(pg_catalog.~) '^(t)$' COLLATE pg_catalog.default")).toEqual(bin("~", col("c", "relname"), str("^(t)$")));
    expect(expr("OPERATOR(pg_catalog.-) 5")).toEqual({ kind: "unary", op: "-", operand: int("5") });
    expect(expr("(result.keys).x")).toEqual({ kind: "field_select", expr: col("result", "keys"), field: "x" });
    expect(expr("(information_schema._pg_expandarray(i.indkey)).n")).toMatchObject({ kind: "field_select", field: "n", expr: { kind: "function" } });
    expect(expr("'pg_class'::regclass")).toMatchObject({ kind: "cast", type: { name: "regclass" } });
    expect(expr("c.reloftype::pg_catalog.regtype::pg_catalog.text")).toMatchObject({ kind: "cast", type: { name: "text" }, expr: { type: { name: "regtype" } } });
  });
});
