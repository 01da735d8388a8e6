// User-defined functions through the real psql: \df lists them (pg_proc and
// pg_get_function_arguments / pg_get_function_result), and a call over the wire works.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { psql, startTestServer, type TestServer } from "./fixture.js";

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
  const setup = await psql(t.port, [
    "-c",
    "CREATE FUNCTION add_one(a INT) RETURNS INT LANGUAGE sql AS $$ SELECT a + 1 $$",
    "-c",
    "CREATE FUNCTION add_one(a TEXT) RETURNS TEXT LANGUAGE sql AS $$ SELECT a || '1' $$",
    "-c",
    "CREATE FUNCTION js_pairs(n INT) RETURNS TABLE (i INT, label TEXT) LANGUAGE javascript AS $$ return [[n, 'n']] $$",
  ]);
  expect(setup.stderr).toBe("");
});

afterAll(async () => {
  await t.close();
});

describe("psql and user functions", () => {
  it("lists overloads with \\df", async () => {
    const r = await psql(t.port, ["-c", "\\df"]);
    expect(r.stderr).toBe("");
    const lines = r.stdout.split("\n");
    expect(lines[0]).toContain("List of functions");
    const rows = lines.filter((l) => l.includes("| func"));
    expect(rows.map((l) => l.split("|").map((c) => c.trim()).slice(0, 4))).toEqual([
      ["public", "add_one", "integer", "a integer"],
      ["public", "add_one", "text", "a text"],
      ["public", "js_pairs", "TABLE(i integer, label text)", "n integer"],
    ]);
  });

  it("calls a function over the wire", async () => {
    const r = await psql(t.port, ["-At", "-c", "SELECT add_one(41), add_one('x'::text)", "-c", "SELECT label FROM js_pairs(3)"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("42|x1\nn\n");
  });

  it("stops an endless loop at the time limit and keeps serving other connections", async () => {
    const create = await psql(t.port, ["-c", "CREATE FUNCTION spin(x INT) RETURNS INT LANGUAGE javascript WITH (timeout_ms = 300) AS $$ for (;;) {} $$"]);
    expect(create.stderr).toBe("");
    const [looping, other] = await Promise.all([
      psql(t.port, ["-c", "SELECT spin(1)"]),
      psql(t.port, ["-At", "-c", "SELECT add_one(1)"]),
    ]);
    expect(looping.code).toBe(1);
    expect(looping.stderr).toContain("function spin exceeded its time limit of 300 ms");
    expect(other.stdout).toBe("2\n");
    const after = await psql(t.port, ["-At", "-c", "SELECT add_one(2)"]);
    expect(after.stdout).toBe("3\n");
  });
});
