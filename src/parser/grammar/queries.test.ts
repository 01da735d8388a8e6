import { describe, expect, it } from "vitest";
import { parse } from "../index.js";
import { bin, col, core, fn, int, query, str } from "../test-helpers.js";

describe("SELECT", () => {
  it("parses a select core", () => {
    expect(core("SELECT a, b AS c, d e, 1 AS select FROM t WHERE a > 1 GROUP BY a HAVING count(*) > 1")).toEqual({
      kind: "select",
      items: [{ expr: col("a") }, { expr: col("b"), alias: "c" }, { expr: col("d"), alias: "e" }, { expr: int("1"), alias: "select" }],
      from: [{ kind: "table", name: { parts: ["t"] } }],
      where: bin(">", col("a"), int("1")),
      groupBy: [{ kind: "expr", expr: col("a") }],
      having: bin(">", { kind: "function", name: { parts: ["count"] }, args: [], star: true }, int("1")),
      windows: [],
    });
  });

  it("parses *, t.*, DISTINCT, DISTINCT ON and an empty target list", () => {
    expect(core("SELECT *, t.* FROM t").items).toEqual([{ expr: { kind: "star" } }, { expr: { kind: "star", table: ["t"] } }]);
    expect(core("SELECT DISTINCT a FROM t").distinct).toEqual([]);
    expect(core("SELECT DISTINCT ON (a, b) a FROM t").distinct).toEqual([col("a"), col("b")]);
    expect(core("SELECT ALL a FROM t").distinct).toBeUndefined();
    expect(core("SELECT FROM t").items).toEqual([]);
    expect(core("SELECT ALL - 59 * - - 28").items[0].expr).toEqual(bin("*", int("-59"), int("28")));
  });

  it("does not take clause keywords as bare aliases", () => {
    const c = core("SELECT count(*) FROM TUMBLE(bid, ts, INTERVAL '10' SECOND) GROUP BY window_start EMIT ON WINDOW CLOSE");
    expect(c.emitOnWindowClose).toBe(true);
    expect(c.from[0]).toMatchObject({ kind: "function", call: { name: { parts: ["tumble"] } } });
    expect(c.from[0]).not.toHaveProperty("alias");
  });

  it("parses ORDER BY, LIMIT, OFFSET, FETCH and locking", () => {
    const q = query("SELECT a FROM t ORDER BY a DESC NULLS FIRST, b LIMIT 10 OFFSET 5");
    expect(q.orderBy).toEqual([{ expr: col("a"), direction: "desc", nulls: "first" }, { expr: col("b"), direction: "asc" }]);
    expect(q.limit).toEqual(int("10"));
    expect(q.offset).toEqual(int("5"));
    expect(query("SELECT a FROM t OFFSET 5 ROWS LIMIT ALL")).toMatchObject({ offset: int("5") });
    expect(query("SELECT a FROM t LIMIT ALL").limit).toBeUndefined();
    expect(query("SELECT a FROM t FETCH FIRST 3 ROWS ONLY")).toMatchObject({ limit: int("3") });
    expect(query("SELECT a FROM t FETCH NEXT ROW ONLY")).toMatchObject({ limit: int("1") });
    expect(query("SELECT a FROM t ORDER BY a FETCH FIRST 3 ROWS WITH TIES")).toMatchObject({ limit: int("3"), withTies: true });
    expect(query("SELECT a FROM t FOR UPDATE").locking).toBe("update");
    expect(query("SELECT a FROM t FOR NO KEY UPDATE OF t SKIP LOCKED").locking).toBe("no key update");
    expect(query("SELECT a FROM t FOR SHARE NOWAIT").locking).toBe("share");
  });

  it("parses set operations with INTERSECT binding tighter", () => {
    const q = query("SELECT 1 UNION SELECT 2 INTERSECT SELECT 3 EXCEPT ALL SELECT 4 ORDER BY 1");
    expect(q.body).toMatchObject({
      kind: "set_op", op: "except", all: true,
      left: { kind: "set_op", op: "union", all: false, right: { kind: "set_op", op: "intersect" } },
    });
    expect(q.orderBy).toHaveLength(1);
    const p = query("(SELECT 1 ORDER BY 1 LIMIT 1) UNION DISTINCT (SELECT 2)");
    expect(p.body).toMatchObject({ kind: "set_op", left: { kind: "query", limit: int("1") }, right: { kind: "select" } });
    expect(query("((SELECT 1))").body.kind).toBe("select");
  });

  it("parses VALUES and TABLE anywhere a SELECT can be", () => {
    expect(query("VALUES (1, 'a'), (2, DEFAULT)").body).toEqual({
      kind: "values", rows: [[int("1"), str("a")], [int("2"), { kind: "default" }]],
    });
    expect(query("TABLE s.t").body).toEqual({
      kind: "select", items: [{ expr: { kind: "star" } }], from: [{ kind: "table", name: { parts: ["s", "t"] } }], groupBy: [], windows: [],
    });
    expect(query("SELECT 1 UNION VALUES (2)").body).toMatchObject({ right: { kind: "values" } });
  });

  it("parses WITH", () => {
    const q = query("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r), m AS NOT MATERIALIZED (SELECT 2) SELECT * FROM r");
    expect(q.with).toMatchObject({ recursive: true, ctes: [{ name: "r", columns: ["n"] }, { name: "m", materialized: false }] });
    expect(query("WITH x AS MATERIALIZED (SELECT 1) SELECT 1").with?.ctes[0].materialized).toBe(true);
  });

  it("parses GROUP BY grouping sets", () => {
    const c = core("SELECT 1 FROM t GROUP BY ROLLUP (a, (b, c)), CUBE (a, b), GROUPING SETS ((a), (), ROLLUP (a, b)), ()");
    expect(c.groupBy).toEqual([
      { kind: "rollup", sets: [[col("a")], [col("b"), col("c")]] },
      { kind: "cube", sets: [[col("a")], [col("b")]] },
      { kind: "grouping_sets", sets: [[col("a")], [], [col("a"), col("b")], [col("a")], []] },
      { kind: "empty" },
    ]);
    expect(core("SELECT 1 FROM t GROUP BY cube(a)").groupBy[0].kind).toBe("cube");
  });

  it("parses WINDOW clauses", () => {
    const c = core("SELECT rank() OVER w FROM t WINDOW w AS (PARTITION BY a ORDER BY b), v AS (w)");
    expect(c.windows).toEqual([
      { name: "w", spec: { partitionBy: [col("a")], orderBy: [{ expr: col("b"), direction: "asc" }] } },
      { name: "v", spec: { baseName: "w", partitionBy: [], orderBy: [] } },
    ]);
  });
});

describe("FROM", () => {
  it("parses tables with aliases", () => {
    expect(core("SELECT 1 FROM s.t AS x (a, b), u v, ONLY w").from).toEqual([
      { kind: "table", name: { parts: ["s", "t"] }, alias: { name: "x", columns: ["a", "b"] } },
      { kind: "table", name: { parts: ["u"] }, alias: { name: "v" } },
      { kind: "table", name: { parts: ["w"] } },
    ]);
  });

  it("parses joins", () => {
    const c = core("SELECT 1 FROM a JOIN b ON a.x = b.x LEFT OUTER JOIN c USING (id) RIGHT JOIN d ON true FULL JOIN e ON true CROSS JOIN f NATURAL INNER JOIN g");
    const j = c.from[0];
    expect(j).toMatchObject({
      kind: "join", joinType: "inner", natural: true, right: { name: { parts: ["g"] } },
      left: {
        kind: "join", joinType: "cross",
        left: {
          kind: "join", joinType: "full",
          left: {
            kind: "join", joinType: "right",
            left: { kind: "join", joinType: "left", using: ["id"], left: { kind: "join", joinType: "inner", on: bin("=", col("a", "x"), col("b", "x")) } },
          },
        },
      },
    });
    expect(core("SELECT 1 FROM (a JOIN b ON true) JOIN c ON true").from[0]).toMatchObject({ kind: "join", left: { kind: "join" } });
    expect(() => parse("SELECT 1 FROM a JOIN b")).toThrow(/syntax error/);
    expect(() => parse("SELECT 1 FROM a NATURAL JOIN b ON true")).toThrow(/syntax error/);
  });

  it("parses subqueries, LATERAL and VALUES in FROM", () => {
    expect(core("SELECT 1 FROM (SELECT 1) AS s").from[0]).toMatchObject({ kind: "subquery", lateral: false, alias: { name: "s" } });
    expect(core("SELECT 1 FROM (SELECT 1) s").from[0]).toMatchObject({ kind: "subquery", alias: { name: "s" } });
    expect(core("SELECT 1 FROM (VALUES (1, 2)) AS t(a, b)").from[0]).toMatchObject({
      kind: "subquery", query: { body: { kind: "values" } }, alias: { name: "t", columns: ["a", "b"] },
    });
    expect(core("SELECT 1 FROM ((SELECT 1) UNION (SELECT 2)) u").from[0]).toMatchObject({ kind: "subquery", query: { body: { kind: "set_op" } } });
    expect(core("SELECT 1 FROM ((SELECT 1) x JOIN y ON true)").from[0]).toMatchObject({ kind: "join", left: { kind: "subquery", alias: { name: "x" } } });
    const lat = core("SELECT * FROM q JOIN LATERAL (SELECT * FROM docs ORDER BY docs.emb <=> EMBED(q.text) LIMIT 3) d ON true").from[0];
    expect(lat).toMatchObject({ kind: "join", right: { kind: "subquery", lateral: true, alias: { name: "d" } }, on: { kind: "literal" } });
  });

  it("parses functions in FROM", () => {
    expect(core("SELECT 1 FROM generate_series(1, 10) AS g(x)").from[0]).toEqual({
      kind: "function", call: fn("generate_series", int("1"), int("10")), alias: { name: "g", columns: ["x"] }, lateral: false,
    });
    expect(core("SELECT 1 FROM unnest(a) WITH ORDINALITY u").from[0]).toMatchObject({ kind: "function", withOrdinality: true, alias: { name: "u" } });
    expect(core("SELECT 1 FROM t, LATERAL unnest(t.a) x").from[1]).toMatchObject({ kind: "function", lateral: true });
    const tumble = core("SELECT 1 FROM TUMBLE(bid, date_time, INTERVAL '10' SECOND)").from[0];
    expect(tumble).toEqual({
      kind: "function", lateral: false,
      call: fn("tumble", col("bid"), col("date_time"), { kind: "interval_literal", value: "10", qualifier: "second" }),
    });
    expect(core("SELECT 1 FROM HOP(s, ts, INTERVAL '1' MINUTE, INTERVAL '5' MINUTE) h").from[0]).toMatchObject({ call: { name: { parts: ["hop"] } } });
    expect(core("SELECT 1 FROM SESSION(s, ts, INTERVAL '5' MINUTE)").from[0]).toMatchObject({ call: { name: { parts: ["session"] } } });
    expect(core("SELECT 1 FROM CUMULATE(s, ts, INTERVAL '1' MINUTE, INTERVAL '1' HOUR)").from[0]).toMatchObject({ call: { name: { parts: ["cumulate"] } } });
  });

  it("parses FOR SYSTEM_TIME AS OF PROCTIME()", () => {
    const c = core("SELECT 1 FROM o JOIN r FOR SYSTEM_TIME AS OF PROCTIME() AS rr ON o.k = rr.k");
    expect(c.from[0]).toMatchObject({ right: { kind: "table", name: { parts: ["r"] }, asOfProctime: true, alias: { name: "rr" } } });
    expect(() => parse("SELECT 1 FROM r FOR SYSTEM_TIME AS OF o.ts")).toThrow(/syntax error/);
  });

  it("parses VECTOR JOIN", () => {
    const c = core("SELECT q.id FROM questions q VECTOR JOIN docs d ON EMBED(d.body) <=> EMBED(q.text) TOP 3");
    expect(c.from[0]).toEqual({
      kind: "vector_join",
      left: { kind: "table", name: { parts: ["questions"] }, alias: { name: "q" } },
      right: { kind: "table", name: { parts: ["docs"] }, alias: { name: "d" } },
      on: bin("<=>", fn("embed", col("d", "body")), fn("embed", col("q", "text"))),
      top: int("3"),
    });
    expect(core("SELECT 1 FROM questions VECTOR JOIN docs ON a <-> b TOP 1").from[0]).toMatchObject({ kind: "vector_join", left: { name: { parts: ["questions"] } } });
  });
});

describe("statement spans", () => {
  it("splits on ; and records pos and text", () => {
    const list = parse("  SELECT 1;;\n-- c\nSELECT 2 ;  ");
    expect(list.map((s) => [s.pos, s.text])).toEqual([[3, "SELECT 1"], [19, "SELECT 2"]]);
    expect(parse("")).toEqual([]);
    expect(parse(" ; -- nothing\n ;")).toEqual([]);
  });
});

describe("client catalog queries", () => {
  it("parses psql's \\dt and pgjdbc's getPrimaryKeys", () => {
    const dt = `SELECT n.nspname as "Schema", c.relname as "Name",
      CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' END as "Type",
      pg_catalog.pg_get_userbyid(c.relowner) as "Owner"
    FROM pg_catalog.pg_class c
         LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r','p','') AND n.nspname <> 'pg_catalog' AND n.nspname !~ '^pg_toast'
      AND pg_catalog.pg_table_is_visible(c.oid)
    ORDER BY 1,2;`;
    expect(parse(dt)).toHaveLength(1);
    const pk = `SELECT result.TABLE_SCHEM, result.KEY_SEQ FROM (SELECT n.nspname AS TABLE_SCHEM,
      (information_schema._pg_expandarray(i.indkey)).n AS KEY_SEQ, information_schema._pg_expandarray(i.indkey) AS KEYS,
      a.attnum AS A_ATTNUM FROM pg_catalog.pg_class ct JOIN pg_catalog.pg_attribute a ON (ct.oid = a.attrelid)
      JOIN pg_catalog.pg_index i ON ( a.attrelid = i.indrelid) WHERE true AND ct.relname = E't' AND i.indisprimary ) result
      where result.A_ATTNUM = (result.KEYS).x ORDER BY result.key_seq`;
    expect(parse(pk)).toHaveLength(1);
    const memberof = `SELECT r.rolname, ARRAY(SELECT b.rolname FROM pg_catalog.pg_auth_members m
      JOIN pg_catalog.pg_roles b ON (m.roleid = b.oid) WHERE m.member = r.oid) as memberof
      FROM pg_catalog.pg_roles r WHERE r.rolname !~ '^pg_' ORDER BY 1;`;
    expect(parse(memberof)).toHaveLength(1);
  });
});
