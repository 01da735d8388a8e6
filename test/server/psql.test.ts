// The real psql binary against `sage-sql serve`'s server: queries, errors with LINE and caret,
// notices, \d and friends, COPY through \copy.

import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { psql, startTestServer, type TestServer } from "./fixture.js";

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
  const setup = await psql(t.port, [
    "-c",
    "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL UNIQUE, price NUMERIC(10,2), tags TEXT[], emb VECTOR(3))",
    "-c",
    "INSERT INTO items VALUES (1, 'apple', 1.50, '{red,fruit}', '[1,2,3]'), (2, 'pear', NULL, NULL, NULL)",
    "-c",
    "CREATE VIEW cheap AS SELECT id, name FROM items WHERE price < 2",
    "-c",
    "CREATE INDEX items_price ON items (price)",
  ]);
  expect(setup.stderr).toBe("");
});

afterAll(async () => {
  await t.close();
});

describe("psql", () => {
  it("runs queries and prints aligned results", async () => {
    const r = await psql(t.port, ["-c", "SELECT id, name, price, tags FROM items ORDER BY id"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        " id | name  | price |    tags     ",
        "----+-------+-------+-------------",
        "  1 | apple |  1.50 | {red,fruit}",
        "  2 | pear  |       | ",
        "(2 rows)",
        "",
        "",
      ].join("\n"),
    );
  });

  it("prints every statement's result of a multi-statement -c and command tags", async () => {
    const r = await psql(t.port, ["-c", "SELECT 1 AS a; SELECT 'x' AS b", "-c", "UPDATE items SET price = price WHERE id = 1", "-c", "SHOW server_version"]);
    expect(r.stdout).toContain(" a \n---\n 1\n(1 row)");
    expect(r.stdout).toContain(" b \n---\n x\n(1 row)");
    expect(r.stdout).toContain("UPDATE 1");
    expect(r.stdout).toContain("15.0");
  });

  it("shows errors with LINE and a caret under the position, and HINT", async () => {
    const r = await psql(t.port, ["-c", "SELECT id,\n  nonsense FROM items"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('ERROR:  column "nonsense" does not exist\nLINE 2:   nonsense FROM items\n          ^\n');
    const syntax = await psql(t.port, ["-c", "SELEC 1"]);
    expect(syntax.stderr).toMatch(/^ERROR: {2}syntax error at or near "SELEC"\nLINE 1: SELEC 1\n {8}\^\n/);
    const div = await psql(t.port, ["-v", "ON_ERROR_STOP=1", "-c", "SELECT 1/0"]);
    expect(div.stderr).toBe("ERROR:  division by zero\n");
    expect(div.code).toBe(1);
  });

  it("shows the SQLSTATE in verbose mode, and notices", async () => {
    const r = await psql(t.port, ["-c", "\\set VERBOSITY verbose", "-c", "SELECT * FROM nope"]);
    expect(r.stderr).toContain("ERROR:  42P01: relation \"nope\" does not exist");
    const n = await psql(t.port, ["-c", "DROP TABLE IF EXISTS nope"]);
    expect(n.stderr).toBe('NOTICE:  table "nope" does not exist, skipping\n');
    expect(n.stdout).toBe("DROP TABLE\n");
  });

  it("lists relations with \\d, \\dt, \\dv, \\di", async () => {
    const d = await psql(t.port, ["-c", "\\d"]);
    expect(d.stdout).toBe(
      ["       List of relations", " Schema | Name  | Type  | Owner ", "--------+-------+-------+-------", " public | cheap | view  | sage", " public | items | table | sage", "(2 rows)", "", ""].join("\n"),
    );
    expect((await psql(t.port, ["-c", "\\dt"])).stdout).toContain(" public | items | table | sage\n(1 row)");
    expect((await psql(t.port, ["-c", "\\dv"])).stdout).toContain(" public | cheap | view | sage\n(1 row)");
    const di = await psql(t.port, ["-c", "\\di"]);
    expect(di.stdout).toContain("items_pkey");
    expect(di.stdout).toContain("items_name_key");
    expect(di.stdout).toContain("items_price");
  });

  it("describes a table with \\d name and \\d+ name", async () => {
    const r = await psql(t.port, ["-c", "\\d items"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(
      [
        "                      Table \"public.items\"",
        " Column |         Type          | Collation | Nullable | Default ",
        "--------+-----------------------+-----------+----------+---------",
        " id     | integer               |           | not null | ",
        " name   | character varying(20) |           | not null | ",
        " price  | numeric(10,2)         |           |          | ",
        " tags   | text[]                |           |          | ",
        " emb    | vector(3)             |           |          | ",
        "Indexes:",
        '    "items_pkey" PRIMARY KEY, btree (id)',
        '    "items_name_key" UNIQUE CONSTRAINT, btree (name)',
        '    "items_price" btree (price)',
        "",
        "",
      ].join("\n"),
    );
    const plus = await psql(t.port, ["-c", "\\d+ items"]);
    expect(plus.stderr).toBe("");
    expect(plus.stdout).toContain("| Storage  |");
    expect(plus.stdout).toContain("Access method: heap");
    const view = await psql(t.port, ["-c", "\\d+ cheap"]);
    expect(view.stdout).toContain('View "public.cheap"');
    expect(view.stdout).toContain("View definition:");
    const missing = await psql(t.port, ["-c", "\\d nope"]);
    expect(missing.stderr).toBe('Did not find any relation named "nope".\n');
  });

  it("lists schemas, roles, databases and extensions", async () => {
    expect((await psql(t.port, ["-c", "\\dn"])).stdout).toContain(" public ");
    expect((await psql(t.port, ["-c", "\\du"])).stdout).toContain(" sage ");
    const l = await psql(t.port, ["-l"]);
    expect(l.stderr).toBe("");
    expect(l.stdout).toMatch(/ sage +\| sage +\| UTF8 /);
    expect((await psql(t.port, ["-c", "\\dx"])).stdout).toContain(" vector ");
  });

  it("copies data in and out with \\copy", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sage-psql-"));
    const file = join(dir, "rows.csv");
    writeFileSync(file, 'id,name,price\n10,"kiwi, green",0.99\n11,plum,\n');
    const r = await psql(t.port, ["-c", `\\copy items (id, name, price) from '${file}' with (format csv, header)`, "-c", "SELECT name, price FROM items WHERE id >= 10 ORDER BY id"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("COPY 2");
    expect(r.stdout).toContain(" kiwi, green |  0.99");
    const out = await psql(t.port, ["-c", "COPY (SELECT id, name FROM items WHERE id >= 10 ORDER BY id) TO STDOUT WITH (FORMAT csv)"]);
    expect(out.stdout).toBe('10,"kiwi, green"\n11,plum\n');
    const bad = await psql(t.port, ["-c", "\\copy items (id, name) from stdin"], { input: "12\tok\nnot-a-number\tx\n\\.\n" });
    expect(bad.stderr).toContain('ERROR:  invalid input syntax for type integer: "not-a-number"');
    expect(bad.stderr).toContain('CONTEXT:  COPY items, line 2, column id: "not-a-number"');
    const count = await psql(t.port, ["-A", "-t", "-c", "SELECT count(*) FROM items WHERE id = 12"]);
    expect(count.stdout).toBe("0\n");
  });

  it("reads from the catalog like drivers do", async () => {
    const r = await psql(t.port, ["-A", "-t", "-c", "SELECT oid, typname FROM pg_type WHERE typname = 'vector'"]);
    expect(r.stdout).toBe("16385|vector\n");
    const cols = await psql(t.port, ["-A", "-t", "-c", "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'items' ORDER BY ordinal_position"]);
    expect(cols.stdout).toBe("id|integer\nname|character varying\nprice|numeric\ntags|ARRAY\nemb|USER-DEFINED\n");
  });

  it("cancels a running query on Ctrl-C (SIGINT sends a CancelRequest)", async () => {
    const child = spawn("psql", ["-X", "-h", "127.0.0.1", "-p", String(t.port), "-U", "sage", "-d", "sage", "-c", "SELECT count(*) FROM generate_series(1, 200) a, generate_series(1, 10000000) b"], {
      env: { ...process.env, PGPASSWORD: "", LC_ALL: "C.UTF-8" },
    });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    await new Promise((r) => setTimeout(r, 1000));
    const started = Date.now();
    child.kill("SIGINT");
    const code = await exited;
    expect(Date.now() - started).toBeLessThan(5000);
    expect(stderr).toContain("ERROR:  canceling statement due to user request");
    expect(code).toBe(1);
  });
});
