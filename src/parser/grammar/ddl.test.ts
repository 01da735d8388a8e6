import { describe, expect, it } from "vitest";
import { parse, type AlterStatement } from "../index.js";
import { bin, col, fn, int, stmt, str } from "../test-helpers.js";

const action = (sql: string) => (stmt(sql) as AlterStatement).action;
const type = (name: string, modifiers: number[] = [], arrayDims = 0) => ({ name, modifiers, arrayDims });

describe("CREATE TABLE", () => {
  it("parses columns, constraints, options and format", () => {
    const s = stmt(`CREATE TEMP TABLE IF NOT EXISTS s.t (
      id INT PRIMARY KEY,
      a int NOT NULL DEFAULT 0 CHECK (a >= 0),
      b VARCHAR(10) NULL UNIQUE REFERENCES u (x) ON DELETE CASCADE ON UPDATE SET NULL,
      c double precision GENERATED ALWAYS AS (a * 2) STORED,
      d numeric(10,2) CONSTRAINT nn NOT NULL,
      e text[],
      ts timestamp with time zone,
      CONSTRAINT pk PRIMARY KEY (id, a),
      UNIQUE (b),
      CHECK (a < 10),
      FOREIGN KEY (b) REFERENCES u (x),
      WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
    ) WITH (appendonly = true) FORMAT PLAIN ENCODE JSON (schema.registry = 'http://r')`);
    expect(s).toEqual({
      kind: "create_table",
      name: { parts: ["s", "t"] },
      ifNotExists: true,
      temporary: true,
      columns: [
        { name: "id", type: type("int"), primaryKey: true },
        { name: "a", type: type("int"), notNull: true, default: int("0"), check: bin(">=", col("a"), int("0")) },
        { name: "b", type: type("varchar", [10]), nullable: true, unique: true, references: { table: { parts: ["u"] }, columns: ["x"] } },
        { name: "c", type: type("double precision"), generated: bin("*", col("a"), int("2")) },
        { name: "d", type: type("numeric", [10, 2]), notNull: true },
        { name: "e", type: type("text", [], 1) },
        { name: "ts", type: type("timestamptz") },
      ],
      constraints: [
        { kind: "primary_key", columns: ["id", "a"], name: "pk" },
        { kind: "unique", columns: ["b"] },
        { kind: "check", expr: bin("<", col("a"), int("10")) },
        { kind: "foreign_key", columns: ["b"], table: { parts: ["u"] }, refColumns: ["x"] },
      ],
      watermarks: [{ column: "ts", expr: bin("-", col("ts"), { kind: "interval_literal", value: "5", qualifier: "second" }) }],
      with: [{ key: "appendonly", value: { kind: "boolean", value: true } }],
      format: { format: "plain", encode: "json", options: [{ key: "schema.registry", value: { kind: "string", value: "http://r" } }] },
    });
  });

  it("parses CREATE TABLE AS, FROM source TABLE and keyword column names", () => {
    expect(stmt("CREATE TABLE t2 AS SELECT * FROM t")).toMatchObject({ kind: "create_table", asQuery: { body: { kind: "select" } }, columns: [] });
    expect(stmt("CREATE TABLE orders (id int) FROM pg_src TABLE 'public.orders'")).toMatchObject({
      fromSource: { source: { parts: ["pg_src"] }, table: "public.orders" },
    });
    const s = stmt("CREATE TABLE kv (key text, value text, name text, type text, date date, time time, year int, count bigint)");
    expect(s).toMatchObject({ columns: [{ name: "key" }, { name: "value" }, { name: "name" }, { name: "type" }, { name: "date" }, { name: "time", type: type("time") }, { name: "year" }, { name: "count" }] });
    expect(stmt("CREATE TABLE t ()")).toMatchObject({ columns: [] });
  });

  it("rejects invalid modifier combinations", () => {
    expect(() => parse("CREATE OR REPLACE TABLE t (a int)")).toThrow(/syntax error at or near "TABLE"/);
    expect(() => parse("CREATE UNIQUE TABLE t (a int)")).toThrow(/syntax error/);
    expect(() => parse("CREATE TEMP STREAM s (a int)")).toThrow(/syntax error/);
  });
});

describe("CREATE VIEW / STREAM / SOURCE / SINK", () => {
  it("parses views", () => {
    expect(stmt("CREATE OR REPLACE VIEW v (a, b) WITH (x = 1) AS SELECT 1, 2")).toMatchObject({
      kind: "create_view", materialized: false, orReplace: true, ifNotExists: false, columns: ["a", "b"],
      with: [{ key: "x", value: { kind: "number", value: "1" } }], emitOnWindowClose: false,
    });
    expect(stmt("CREATE TEMP VIEW IF NOT EXISTS v AS SELECT 1")).toMatchObject({ temporary: true, ifNotExists: true });
    const mv = stmt(`CREATE MATERIALIZED VIEW hot AS SELECT auction, count(*) AS bids FROM TUMBLE(bid, date_time, INTERVAL '10 seconds')
      GROUP BY auction, window_start, window_end EMIT ON WINDOW CLOSE`);
    expect(mv).toMatchObject({ kind: "create_view", materialized: true, emitOnWindowClose: true, query: { body: { emitOnWindowClose: true } } });
    const trailing = stmt("CREATE MATERIALIZED VIEW v AS SELECT 1 ORDER BY 1 EMIT ON WINDOW CLOSE");
    expect(trailing).toMatchObject({ emitOnWindowClose: true });
  });

  it("parses streams and sources", () => {
    const s = stmt(`CREATE STREAM IF NOT EXISTS bid (auction BIGINT, date_time TIMESTAMP,
      WATERMARK FOR date_time AS date_time - INTERVAL '4 seconds')
      WITH (connector = 'nexmark', nexmark.table = 'bid', nexmark.events_per_second = 50000, watermark.idle_timeout = '5s')
      FORMAT JSON`);
    expect(s).toEqual({
      kind: "create_stream", name: { parts: ["bid"] }, ifNotExists: true,
      columns: [{ name: "auction", type: type("bigint") }, { name: "date_time", type: type("timestamp") }],
      watermarks: [{ column: "date_time", expr: bin("-", col("date_time"), { kind: "interval_literal", value: "4 seconds" }) }],
      with: [
        { key: "connector", value: { kind: "string", value: "nexmark" } },
        { key: "nexmark.table", value: { kind: "string", value: "bid" } },
        { key: "nexmark.events_per_second", value: { kind: "number", value: "50000" } },
        { key: "watermark.idle_timeout", value: { kind: "string", value: "5s" } },
      ],
      format: { format: "json" },
    });
    expect(stmt("CREATE SOURCE src WITH (connector = 'kafka', enabled = false, mode = upsert, n = -1.5) FORMAT PLAIN ENCODE JSON")).toEqual({
      kind: "create_source", name: { parts: ["src"] }, ifNotExists: false, columns: [], watermarks: [],
      with: [
        { key: "connector", value: { kind: "string", value: "kafka" } },
        { key: "enabled", value: { kind: "boolean", value: false } },
        { key: "mode", value: { kind: "identifier", value: "upsert" } },
        { key: "n", value: { kind: "number", value: "-1.5" } },
      ],
      format: { format: "plain", encode: "json" },
    });
  });

  it("parses sinks", () => {
    expect(stmt("CREATE SINK IF NOT EXISTS sk FROM mv WITH (connector = 'webhook', token = SECRET my_secret) FORMAT PLAIN ENCODE JSON")).toEqual({
      kind: "create_sink", name: { parts: ["sk"] }, ifNotExists: true, from: { parts: ["mv"] },
      with: [
        { key: "connector", value: { kind: "string", value: "webhook" } },
        { key: "token", value: { kind: "secret", name: "my_secret" } },
      ],
      format: { format: "plain", encode: "json" },
    });
    expect(stmt("CREATE SINK sk AS SELECT * FROM mv WITH (connector = 'blackhole')")).toMatchObject({
      query: { body: { kind: "select" } }, with: [{ key: "connector" }],
    });
  });
});

describe("CREATE INDEX / MODEL / SECRET / FUNCTION", () => {
  it("parses indexes", () => {
    expect(stmt("CREATE INDEX docs_emb ON docs USING hnsw ((EMBED(body)) vector_cosine_ops)")).toEqual({
      kind: "create_index", name: "docs_emb", table: { parts: ["docs"] }, ifNotExists: false, unique: false, method: "hnsw",
      items: [{ expr: fn("embed", col("body")), opclass: "vector_cosine_ops" }], with: [],
    });
    expect(stmt("CREATE UNIQUE INDEX IF NOT EXISTS i ON t (a DESC NULLS LAST, lower(b)) WITH (m = 16, ef_construction = 64) WHERE a > 0")).toEqual({
      kind: "create_index", name: "i", table: { parts: ["t"] }, ifNotExists: true, unique: true,
      items: [{ expr: col("a"), direction: "desc", nulls: "last" }, { expr: fn("lower", col("b")) }],
      with: [{ key: "m", value: { kind: "number", value: "16" } }, { key: "ef_construction", value: { kind: "number", value: "64" } }],
      where: bin(">", col("a"), int("0")),
    });
    expect(stmt("CREATE INDEX ON t (a)")).not.toHaveProperty("name");
    expect(stmt("CREATE INDEX t1i1 ON t1(a)")).toMatchObject({ name: "t1i1" });
  });

  it("parses models and secrets", () => {
    expect(stmt("CREATE OR REPLACE MODEL m WITH (provider = 'openai', api_key = SECRET k)")).toEqual({
      kind: "create_model", name: { parts: ["m"] }, orReplace: true, ifNotExists: false,
      with: [{ key: "provider", value: { kind: "string", value: "openai" } }, { key: "api_key", value: { kind: "secret", name: "k" } }],
    });
    expect(stmt("CREATE SECRET k WITH (backend = 'meta') AS 'abc'")).toMatchObject({
      kind: "create_secret", with: [{ key: "backend" }, { key: "value", value: { kind: "string", value: "abc" } }],
    });
  });

  it("parses functions", () => {
    expect(stmt("CREATE OR REPLACE FUNCTION f(a INT, b TEXT DEFAULT 'x') RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT a + 1 $$")).toEqual({
      kind: "create_function", name: { parts: ["f"] }, orReplace: true,
      params: [{ name: "a", type: type("int") }, { name: "b", type: type("text"), default: str("x") }],
      returns: type("int"), language: "sql", body: " SELECT a + 1 ",
      options: [{ key: "immutable", value: { kind: "boolean", value: true } }],
    });
    expect(stmt("CREATE FUNCTION g(double precision, OUT r int) RETURNS TABLE (x int, y text) AS 'select 1' LANGUAGE 'plpgsql' STRICT PARALLEL SAFE")).toMatchObject({
      params: [{ type: type("double precision") }, { name: "r", type: type("int") }],
      returnsTable: [{ name: "x", type: type("int") }, { name: "y", type: type("text") }],
      language: "plpgsql", body: "select 1",
      options: [{ key: "strict" }, { key: "parallel", value: { kind: "identifier", value: "safe" } }],
    });
    expect(stmt("CREATE FUNCTION h() RETURNS int RETURNS NULL ON NULL INPUT AS 'x'")).toMatchObject({
      options: [{ key: "strict", value: { kind: "boolean", value: true } }],
    });
  });
});

describe("CREATE ROLE / DATABASE / SCHEMA", () => {
  it("parses roles", () => {
    expect(stmt("CREATE ROLE r WITH LOGIN PASSWORD 'x' NOSUPERUSER CREATEDB CONNECTION LIMIT 5 VALID UNTIL '2030-01-01' IN ROLE a, b")).toEqual({
      kind: "create_role", user: false, name: "r",
      options: [
        { kind: "flag", name: "login", value: true },
        { kind: "password", value: "x" },
        { kind: "flag", name: "superuser", value: false },
        { kind: "flag", name: "createdb", value: true },
        { kind: "connection_limit", value: 5 },
        { kind: "valid_until", value: "2030-01-01" },
        { kind: "in_role", roles: ["a", "b"] },
      ],
    });
    expect(stmt("CREATE USER u PASSWORD NULL")).toEqual({ kind: "create_role", user: true, name: "u", options: [{ kind: "password", value: null }] });
    expect(() => parse("CREATE ROLE r FOO")).toThrow(/syntax error at or near "FOO"/);
  });

  it("parses databases and schemas", () => {
    expect(stmt("CREATE DATABASE d")).toEqual({ kind: "create_database", name: "d", ifNotExists: false, with: [] });
    expect(stmt("CREATE DATABASE IF NOT EXISTS d WITH OWNER = bob ENCODING 'UTF8'")).toMatchObject({
      ifNotExists: true, with: [{ key: "owner", value: { kind: "identifier", value: "bob" } }, { key: "encoding", value: { kind: "string", value: "UTF8" } }],
    });
    expect(stmt("CREATE SCHEMA IF NOT EXISTS s")).toEqual({ kind: "create_schema", name: "s", ifNotExists: true });
    expect(stmt("CREATE SCHEMA AUTHORIZATION bob")).toMatchObject({ name: "bob" });
  });
});

describe("ALTER / DROP / TRUNCATE", () => {
  it("parses ALTER actions", () => {
    expect(stmt("ALTER TABLE t ADD COLUMN IF NOT EXISTS c int NOT NULL")).toEqual({
      kind: "alter", objectKind: "table", name: { parts: ["t"] }, ifExists: false,
      action: { kind: "add_column", column: { name: "c", type: type("int"), notNull: true }, ifNotExists: true },
    });
    expect(action("ALTER TABLE IF EXISTS t DROP COLUMN c CASCADE")).toEqual({ kind: "drop_column", column: "c", ifExists: false, cascade: true });
    expect(action("ALTER STREAM s RENAME TO s2")).toEqual({ kind: "rename", newName: "s2" });
    expect(action("ALTER TABLE t RENAME COLUMN a TO b")).toEqual({ kind: "rename_column", column: "a", newName: "b" });
    expect(stmt("ALTER MATERIALIZED VIEW mv OWNER TO bob")).toMatchObject({ objectKind: "materialized view", action: { kind: "owner_to", owner: "bob" } });
    expect(action("ALTER SINK s SET (x = 1)")).toEqual({ kind: "set_options", with: [{ key: "x", value: { kind: "number", value: "1" } }] });
    expect(action("ALTER ROLE r WITH NOLOGIN PASSWORD 'p'")).toEqual({
      kind: "role_options", options: [{ kind: "flag", name: "login", value: false }, { kind: "password", value: "p" }],
    });
    expect(action("ALTER USER r SUPERUSER")).toEqual({ kind: "role_options", options: [{ kind: "flag", name: "superuser", value: true }] });
    expect(action("ALTER ROLE r SET search_path = a, b")).toEqual({ kind: "set_config", name: "search_path", value: "a, b" });
    expect(action("ALTER ROLE r SET x TO DEFAULT")).toEqual({ kind: "set_config", name: "x", value: null });
    expect(action("ALTER ROLE r RESET x")).toEqual({ kind: "set_config", name: "x", value: null });
    expect(action("ALTER TABLE t ALTER COLUMN a TYPE bigint")).toEqual({ kind: "other", text: "ALTER COLUMN a TYPE bigint" });
    expect(stmt("ALTER MODEL m SET (temperature = 0.2)")).toMatchObject({ objectKind: "model" });
  });

  it("parses DROP", () => {
    expect(stmt("DROP TABLE IF EXISTS a, s.b CASCADE")).toEqual({
      kind: "drop", objectKind: "table", names: [{ parts: ["a"] }, { parts: ["s", "b"] }], ifExists: true, cascade: true,
    });
    for (const k of ["stream", "view", "materialized view", "sink", "source", "index", "model", "secret", "function", "role", "user", "database", "schema"]) {
      expect(stmt(`DROP ${k.toUpperCase()} x`)).toMatchObject({ objectKind: k, names: [{ parts: ["x"] }], cascade: false });
    }
    expect(stmt("DROP FUNCTION f(int, text) RESTRICT")).toMatchObject({ names: [{ parts: ["f"] }], cascade: false });
    expect(stmt("DROP VIEW IF EXISTS v")).toMatchObject({ objectKind: "view", ifExists: true });
  });

  it("parses TRUNCATE", () => {
    expect(stmt("TRUNCATE TABLE a, b")).toEqual({ kind: "truncate", tables: [{ parts: ["a"] }, { parts: ["b"] }] });
    expect(stmt("TRUNCATE a CASCADE")).toEqual({ kind: "truncate", tables: [{ parts: ["a"] }] });
  });
});

describe("clause keywords after a FROM item", () => {
  it("does not take FORMAT or EMIT as table aliases", () => {
    expect(stmt("CREATE SINK s AS SELECT * FROM mv FORMAT PLAIN ENCODE JSON")).toMatchObject({
      query: { body: { from: [{ kind: "table", name: { parts: ["mv"] } }] } }, format: { format: "plain", encode: "json" },
    });
    expect(stmt("CREATE MATERIALIZED VIEW v AS SELECT * FROM t EMIT ON WINDOW CLOSE")).toMatchObject({ emitOnWindowClose: true });
  });
});
