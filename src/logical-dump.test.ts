// logicalDump: the statements it writes rebuild an equal database, whatever DDL history led there
// (ALTER TABLE in all its forms, CREATE TABLE AS, CREATE OR REPLACE VIEW over a later table).

import { describe, expect, it } from "vitest";
import { Database } from "./database.js";
import { formatValue } from "./types/index.js";
import { logicalDump } from "./logical-dump.js";

async function contents(db: Database, rel: string): Promise<string[]> {
  const [r] = await db.execute(`SELECT * FROM ${rel}`);
  return r.rows.map((row) => row.map((v, i) => (v === null ? "NULL" : formatValue(r.columns[i].type, v))).join("|")).sort();
}

async function roundTrip(setup: string, relations: string[]): Promise<string[]> {
  const source = await Database.open({ memory: true });
  await source.execute(setup);
  const statements = logicalDump(source);
  const target = await Database.open({ memory: true });
  for (const st of statements) await target.execute(st);
  for (const rel of relations) expect(await contents(target, rel), rel).toEqual(await contents(source, rel));
  await source.close();
  await target.close();
  return statements;
}

describe("logicalDump", () => {
  it("rebuilds tables after ADD, DROP and RENAME COLUMN and RENAME TO, keeping CHECKs on the columns that remain", async () => {
    const statements = await roundTrip(
      `CREATE TABLE t (id INT PRIMARY KEY, a TEXT, b INT CHECK (b > 0), gone INT);
       INSERT INTO t VALUES (1, 'x', 1, 9), (2, NULL, 2, 8);
       ALTER TABLE t ADD COLUMN c TEXT;
       ALTER TABLE t DROP COLUMN gone;
       ALTER TABLE t RENAME COLUMN a TO alpha;
       ALTER TABLE t RENAME TO t2;
       UPDATE t2 SET c = 'set' WHERE id = 2;`,
      ["t2"],
    );
    const create = statements.find((s) => /^CREATE TABLE/.test(s))!;
    expect(create).toMatch(/^CREATE TABLE public\.t2 \(/);
    expect(create).toMatch(/b INT CHECK \(b > 0\)/);
    expect(create).not.toMatch(/gone/);
    const target = await Database.open({ memory: true });
    for (const st of statements) await target.execute(st);
    await expect(target.execute("INSERT INTO t2 (id, b) VALUES (3, 0)")).rejects.toMatchObject({ code: "23514" });
    await expect(target.execute("INSERT INTO t2 (id, b) VALUES (1, 5)")).rejects.toMatchObject({ code: "23505" });
    await target.close();
  });

  it("dumps CREATE TABLE AS as a plain table with its rows, once", async () => {
    const statements = await roundTrip(`CREATE TABLE src (a INT); INSERT INTO src VALUES (1), (2); CREATE TABLE copy AS SELECT a * 10 AS b FROM src; INSERT INTO src VALUES (3)`, ["src", "copy"]);
    expect(statements.find((s) => /copy/.test(s) && /^CREATE/.test(s))).toBe("CREATE TABLE public.copy (b integer)");
  });

  it("puts a replaced view after the relations its new query reads, and views before the rows that feed them", async () => {
    const statements = await roundTrip(
      `CREATE VIEW v AS SELECT 1 AS a; CREATE TABLE t (x INT); CREATE OR REPLACE VIEW v AS SELECT x AS a FROM t;
       CREATE MATERIALIZED VIEW mv AS SELECT count(*) AS n, sum(a) AS s FROM v; INSERT INTO t VALUES (1), (2), (NULL)`,
      ["v", "mv", "t"],
    );
    const at = (re: RegExp) => statements.findIndex((s) => re.test(s));
    expect(at(/^CREATE TABLE t/)).toBeLessThan(at(/VIEW v /));
    expect(at(/VIEW v /)).toBeLessThan(at(/MATERIALIZED VIEW mv/));
    expect(at(/MATERIALIZED VIEW mv/)).toBeLessThan(at(/^INSERT INTO public\.t/));
  });

  it("dumps models first, as they were created", async () => {
    const source = await Database.open({ memory: true });
    await source.execute("CREATE TABLE t (a INT); CREATE MODEL g1 WITH (provider = 'openai', task = 'generation', endpoint = 'http://127.0.0.1:9/v1', model = 'x')");
    const statements = logicalDump(source);
    expect(statements[0]).toBe("CREATE MODEL g1 WITH (provider = 'openai', task = 'generation', endpoint = 'http://127.0.0.1:9/v1', model = 'x')");
    const target = await Database.open({ memory: true });
    for (const st of statements) await target.execute(st);
    expect(target.catalog.models.get("g1")).toMatchObject({ provider: "openai", task: "generation" });
    await source.close();
    await target.close();
  });

  it("quotes names and values so that they come back exactly", async () => {
    await roundTrip(
      `CREATE SCHEMA "Odd Schema"; CREATE TABLE "Odd Schema"."My ""T""" ("Col" TEXT, n NUMERIC(20,5), j JSONB, arr INT[], ts TIMESTAMPTZ);
       INSERT INTO "Odd Schema"."My ""T""" VALUES (E'a''b\\\\c\\nd', 12345678901234.12345, '{"k": "v''"}', '{1,NULL,3}', '2024-02-29 12:00:00+02'), (NULL, NULL, NULL, NULL, NULL)`,
      [`"Odd Schema"."My ""T"""`],
    );
  });
});
