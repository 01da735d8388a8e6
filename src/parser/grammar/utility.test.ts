import { describe, expect, it } from "vitest";
import { parse } from "../index.js";
import { stmt } from "../test-helpers.js";

describe("COPY / SUBSCRIBE / FLUSH / CANCEL", () => {
  it("parses COPY", () => {
    expect(stmt("COPY t (a, b) FROM STDIN WITH (FORMAT csv, HEADER true, DELIMITER ',', NULL '')")).toEqual({
      kind: "copy", table: { parts: ["t"] }, columns: ["a", "b"], direction: "from", target: { kind: "stdin" },
      options: [
        { key: "format", value: { kind: "identifier", value: "csv" } },
        { key: "header", value: { kind: "boolean", value: true } },
        { key: "delimiter", value: { kind: "string", value: "," } },
        { key: "null", value: { kind: "string", value: "" } },
      ],
    });
    expect(stmt("COPY t FROM STDIN WITH CSV HEADER")).toMatchObject({
      options: [{ key: "format", value: { kind: "identifier", value: "csv" } }, { key: "header", value: { kind: "boolean", value: true } }],
    });
    expect(stmt("COPY t TO '/tmp/x.csv' DELIMITER AS ';' CSV")).toMatchObject({
      direction: "to", target: { kind: "file", path: "/tmp/x.csv" }, options: [{ key: "delimiter", value: { kind: "string", value: ";" } }, { key: "format" }],
    });
    expect(stmt("COPY (SELECT 1) TO STDOUT (FORMAT binary)")).toMatchObject({ query: { kind: "query" }, direction: "to", target: { kind: "stdout" } });
    expect(() => parse("COPY t FROM STDOUT")).toThrow(/syntax error/);
    expect(() => parse("COPY (SELECT 1) FROM STDIN")).toThrow(/syntax error/);
  });

  it("parses SUBSCRIBE, FLUSH and CANCEL JOB", () => {
    expect(stmt("SUBSCRIBE hot_auctions")).toEqual({ kind: "subscribe", name: { parts: ["hot_auctions"] }, with: [] });
    expect(stmt("SUBSCRIBE TO s.mv WITH (snapshot = false)")).toEqual({
      kind: "subscribe", name: { parts: ["s", "mv"] }, with: [{ key: "snapshot", value: { kind: "boolean", value: false } }],
    });
    expect(stmt("SUBSCRIBE (SELECT * FROM mv)")).toMatchObject({ query: { kind: "query" } });
    expect(stmt("FLUSH")).toEqual({ kind: "flush" });
    expect(stmt("CANCEL JOB 12")).toEqual({ kind: "cancel_job", jobId: 12 });
  });
});

describe("SHOW / EXPLAIN", () => {
  it("parses SHOW", () => {
    const show = (sql: string) => stmt(sql);
    expect(show("SHOW ALL")).toEqual({ kind: "show", what: "all" });
    for (const w of ["TABLES", "STREAMS", "VIEWS", "SINKS", "SOURCES", "MODELS", "SECRETS", "FUNCTIONS", "JOBS", "DATABASES"]) {
      expect(show(`SHOW ${w}`)).toEqual({ kind: "show", what: w.toLowerCase() });
    }
    expect(show("SHOW MATERIALIZED VIEWS")).toEqual({ kind: "show", what: "materialized views" });
    expect(show("SHOW INDEXES FROM t")).toEqual({ kind: "show", what: "indexes", target: { parts: ["t"] } });
    expect(show("SHOW INDEXES")).toEqual({ kind: "show", what: "indexes" });
    expect(show("SHOW COLUMNS FROM s.t")).toEqual({ kind: "show", what: "columns", target: { parts: ["s", "t"] } });
    expect(show("SHOW CREATE TABLE t")).toEqual({ kind: "show", what: "create table", target: { parts: ["t"] } });
    expect(show("SHOW CREATE MATERIALIZED VIEW mv")).toEqual({ kind: "show", what: "create materialized view", target: { parts: ["mv"] } });
    expect(show("SHOW TIME ZONE")).toEqual({ kind: "show", what: "time zone" });
    expect(show("SHOW TRANSACTION ISOLATION LEVEL")).toEqual({ kind: "show", what: "transaction isolation level" });
    expect(show("SHOW search_path")).toEqual({ kind: "show", what: "search_path" });
    expect(show('SHOW "DateStyle"')).toEqual({ kind: "show", what: "datestyle" });
  });

  it("parses EXPLAIN", () => {
    expect(stmt("EXPLAIN SELECT 1")).toMatchObject({ kind: "explain", analyze: false, verbose: false, statement: { kind: "select" } });
    expect(stmt("EXPLAIN ANALYZE VERBOSE SELECT 1")).toMatchObject({ analyze: true, verbose: true });
    expect(stmt("EXPLAIN (ANALYZE, VERBOSE false, FORMAT JSON) INSERT INTO t VALUES (1)")).toMatchObject({
      analyze: true, verbose: false, format: "json", statement: { kind: "insert" },
    });
    expect(stmt("EXPLAIN CREATE MATERIALIZED VIEW v AS SELECT 1")).toMatchObject({ statement: { kind: "create_view", materialized: true } });
    expect(stmt("EXPLAIN (SELECT 1)")).toMatchObject({ analyze: false, statement: { kind: "select" } });
    expect(stmt("EXPLAIN (LOGICAL) SELECT 1")).toMatchObject({ plan: "logical", statement: { kind: "select" } });
    expect(stmt("EXPLAIN (LOGICAL, PHYSICAL) SELECT 1")).toMatchObject({ plan: "physical" });
    expect(stmt("EXPLAIN SELECT 1")).not.toHaveProperty("plan");
  });
});

describe("SET / RESET", () => {
  it("parses SET forms", () => {
    expect(stmt("SET visibility = 'eventual'")).toEqual({ kind: "set", name: "visibility", values: ["eventual"], local: false });
    expect(stmt("SET search_path TO public, \"$user\"")).toEqual({ kind: "set", name: "search_path", values: ["public", "$user"], local: false });
    expect(stmt("SET LOCAL x = DEFAULT")).toEqual({ kind: "set", name: "x", values: null, local: true });
    expect(stmt("SET SESSION extra_float_digits = -3")).toEqual({ kind: "set", name: "extra_float_digits", values: ["-3"], local: false });
    expect(stmt("SET nexmark.rate = 1.5")).toEqual({ kind: "set", name: "nexmark.rate", values: ["1.5"], local: false });
    expect(stmt("SET x = on")).toMatchObject({ values: ["on"] });
    expect(stmt("SET TIME ZONE 'UTC'")).toEqual({ kind: "set", name: "timezone", values: ["UTC"], local: false });
    expect(stmt("SET TIME ZONE LOCAL")).toEqual({ kind: "set", name: "timezone", values: null, local: false });
    expect(stmt("SET TIME ZONE INTERVAL '+02:00'")).toMatchObject({ name: "timezone", values: ["+02:00"] });
    expect(stmt("SET ROLE admin")).toEqual({ kind: "set", name: "role", values: ["admin"], local: false });
    expect(stmt("SET SESSION AUTHORIZATION bob")).toEqual({ kind: "set", name: "session_authorization", values: ["bob"], local: false });
    expect(stmt("SET SESSION AUTHORIZATION DEFAULT")).toMatchObject({ values: null });
    expect(stmt("SET NAMES 'UTF8'")).toEqual({ kind: "set", name: "client_encoding", values: ["UTF8"], local: false });
    expect(stmt("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")).toEqual({
      kind: "set", name: "transaction", values: ["isolation level read committed"], local: false,
    });
    expect(() => parse("SET TRANSACTION SOMETHING")).toThrow(/syntax error/);
  });

  it("parses RESET", () => {
    expect(stmt("RESET ALL")).toEqual({ kind: "reset", name: "all" });
    expect(stmt("RESET search_path")).toEqual({ kind: "reset", name: "search_path" });
    expect(stmt("RESET TIME ZONE")).toEqual({ kind: "reset", name: "timezone" });
  });
});

describe("transactions", () => {
  it("parses transaction control", () => {
    const t = (sql: string) => stmt(sql);
    for (const sql of ["BEGIN", "BEGIN WORK", "BEGIN TRANSACTION ISOLATION LEVEL SERIALIZABLE, READ ONLY", "START TRANSACTION", "START TRANSACTION READ WRITE NOT DEFERRABLE"]) {
      expect(t(sql)).toEqual({ kind: "transaction", action: "begin" });
    }
    for (const sql of ["COMMIT", "COMMIT WORK", "END", "END TRANSACTION", "COMMIT AND NO CHAIN"]) {
      expect(t(sql)).toEqual({ kind: "transaction", action: "commit" });
    }
    for (const sql of ["ROLLBACK", "ABORT", "ROLLBACK TRANSACTION"]) expect(t(sql)).toEqual({ kind: "transaction", action: "rollback" });
    expect(t("SAVEPOINT s1")).toEqual({ kind: "transaction", action: "savepoint", savepoint: "s1" });
    expect(t("RELEASE SAVEPOINT s1")).toEqual({ kind: "transaction", action: "release", savepoint: "s1" });
    expect(t("RELEASE s1")).toEqual({ kind: "transaction", action: "release", savepoint: "s1" });
    expect(t("ROLLBACK TO SAVEPOINT s1")).toEqual({ kind: "transaction", action: "rollback_to", savepoint: "s1" });
    expect(t("ROLLBACK WORK TO s1")).toEqual({ kind: "transaction", action: "rollback_to", savepoint: "s1" });
    expect(() => parse("BEGIN ISOLATION LEVEL SOMETIMES")).toThrow(/syntax error/);
  });
});

describe("GRANT / REVOKE", () => {
  it("parses privilege grants", () => {
    expect(stmt("GRANT SELECT, INSERT (a, b) ON TABLE t, u TO bob, PUBLIC WITH GRANT OPTION")).toEqual({
      kind: "grant", revoke: false,
      privileges: [{ name: "select" }, { name: "insert", columns: ["a", "b"] }],
      on: { objectKind: "table", names: [{ parts: ["t"] }, { parts: ["u"] }] },
      grantees: ["bob", "public"], withGrantOption: true,
    });
    expect(stmt("GRANT ALL PRIVILEGES ON ALL TABLES IN SCHEMA public TO bob")).toEqual({
      kind: "grant", revoke: false, privileges: [{ name: "all" }],
      on: { objectKind: "table", names: [{ parts: ["public"] }], allInSchema: true },
      grantees: ["bob"], withGrantOption: false,
    });
    expect(stmt("GRANT SELECT ON t TO bob")).toMatchObject({ on: { objectKind: "table", names: [{ parts: ["t"] }] } });
    expect(stmt("GRANT USAGE ON MODEL m TO bob")).toMatchObject({ on: { objectKind: "model" } });
    expect(stmt("GRANT USAGE ON SECRET k TO bob")).toMatchObject({ on: { objectKind: "secret" } });
    expect(stmt("GRANT CREATE ON DATABASE d TO bob")).toMatchObject({ privileges: [{ name: "create" }], on: { objectKind: "database" } });
    expect(stmt("GRANT USAGE ON SCHEMA s TO bob")).toMatchObject({ on: { objectKind: "schema" } });
  });

  it("parses GRANTED BY", () => {
    expect(stmt("GRANT SELECT ON t TO bob GRANTED BY alice")).toMatchObject({ grantees: ["bob"], grantedBy: "alice" });
    expect(stmt("REVOKE SELECT ON t FROM bob GRANTED BY current_user CASCADE")).toMatchObject({ grantedBy: "current_user", cascade: true });
  });

  it("parses ALTER DEFAULT PRIVILEGES", () => {
    expect(stmt("ALTER DEFAULT PRIVILEGES FOR ROLE a, b IN SCHEMA s GRANT SELECT ON TABLES TO c WITH GRANT OPTION")).toMatchObject({
      kind: "alter_default_privileges", roles: ["a", "b"], schemas: ["s"],
      action: { kind: "grant", revoke: false, privileges: [{ name: "select" }], grantees: ["c"], withGrantOption: true, on: { names: [{ parts: ["tables"] }] } },
    });
    expect(stmt("ALTER DEFAULT PRIVILEGES REVOKE ALL ON TABLES FROM PUBLIC")).toMatchObject({ roles: [], schemas: [], action: { revoke: true, grantees: ["public"] } });
  });

  it("parses revokes and role grants", () => {
    expect(stmt("REVOKE SELECT ON t FROM bob CASCADE")).toEqual({
      kind: "grant", revoke: true, privileges: [{ name: "select" }], on: { objectKind: "table", names: [{ parts: ["t"] }] },
      grantees: ["bob"], withGrantOption: false, cascade: true,
    });
    expect(stmt("REVOKE GRANT OPTION FOR SELECT ON t FROM bob")).toMatchObject({ revoke: true, privileges: [{ name: "select" }] });
    expect(stmt("GRANT admin TO bob")).toEqual({ kind: "grant", revoke: false, privileges: [{ name: "admin" }], grantees: ["bob"], withGrantOption: false });
    expect(stmt("REVOKE admin FROM bob")).toMatchObject({ revoke: true, privileges: [{ name: "admin" }] });
  });
});
