// `sage-sql dump` / `sage-sql restore`: a dump of a live server (a writer keeps inserting while it
// is taken) restores into a fresh server and into a fresh data directory, and every relation there
// reads the same as in the original; the dump is one consistent moment of the writer's sequence.

import pg from "pg";
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Database, formatValue } from "../src/index.js";

const CLI = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));

interface Served {
  proc: ChildProcess;
  url: string;
  client: pg.Client;
}

async function serve(dir: string): Promise<Served> {
  const proc = spawn(process.execPath, [CLI, "serve", "--port", "0", "--data-dir", dir], { stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  proc.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    proc.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /listening on postgres:\/\/\S+:(\d+)\//.exec(out);
      if (m) resolve(Number(m[1]));
    });
    proc.once("exit", (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
  const url = `postgres://sage@127.0.0.1:${port}/sage`;
  const client = new pg.Client({ connectionString: url });
  client.on("error", () => {});
  await client.connect();
  return { proc, url, client };
}

async function stop(s: Served): Promise<void> {
  await s.client.end().catch(() => {});
  const exited = new Promise((r) => s.proc.once("exit", r));
  s.proc.kill("SIGTERM");
  await exited;
}

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { maxBuffer: 64 << 20, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

const SETUP = `
  CREATE SCHEMA shop;
  CREATE TABLE shop."Items" (id INT PRIMARY KEY, "Name" TEXT NOT NULL, price NUMERIC(10,2), tags TEXT[], meta JSONB, at TIMESTAMP, big BIGINT, ok BOOLEAN, UNIQUE ("Name"));
  INSERT INTO shop."Items" VALUES
    (1, 'plain', 1.50, '{a,b}', '{"k": [1, 2]}', '2024-01-01 10:00:00.25', 9223372036854775807, true),
    (2, 'it''s "quoted"', NULL, '{}', NULL, NULL, -9223372036854775808, false),
    (3, E'tab\\tnew\\nline back\\\\slash', 0.01, NULL, '"s"', '1999-12-31 23:59:59', 0, NULL);
  CREATE TABLE orders (id INT PRIMARY KEY, item INT, qty INT CHECK (qty > 0));
  INSERT INTO orders SELECT g, 1 + g % 3, 1 + g % 5 FROM generate_series(1, 1200) AS s(g);
  ALTER TABLE orders ADD COLUMN note TEXT;
  UPDATE orders SET note = 'n' || id::text WHERE id % 100 = 0;
  DELETE FROM orders WHERE id % 7 = 0;
  CREATE TABLE order_copy AS SELECT id, qty FROM orders WHERE id < 50;
  CREATE STREAM clicks (page TEXT, ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL '5 seconds');
  INSERT INTO clicks VALUES ('home', '2024-01-01 00:00:10'), ('cart', '2024-01-01 00:00:12'), ('home', '2024-01-01 00:00:09');
  CREATE STREAM ticks (seq BIGINT, k INT) WITH (connector = 'datagen', fields.seq.kind = 'sequence', fields.k.min = '0', fields.k.max = '3', datagen.rows.per.second = '100');
  CREATE VIEW big_orders AS SELECT o.id, i."Name" FROM orders o JOIN shop."Items" i ON o.item = i.id WHERE o.qty >= 4;
  CREATE MATERIALIZED VIEW per_item AS SELECT item, count(*) AS n, sum(qty) AS q FROM orders GROUP BY item;
  CREATE MATERIALIZED VIEW per_name AS SELECT i."Name", count(*) AS n FROM orders o JOIN shop."Items" i ON o.item = i.id GROUP BY i."Name";
  CREATE MATERIALIZED VIEW clicks_per_page AS SELECT page, count(*) AS n FROM clicks GROUP BY page;
  CREATE MATERIALIZED VIEW ticks_per_k AS SELECT k, count(*) AS n FROM ticks GROUP BY k;
  CREATE INDEX orders_item ON orders (item);
  CREATE TABLE a (id INT PRIMARY KEY);
  CREATE TABLE b (id INT PRIMARY KEY);`;

/** Relations whose contents must be equal after the restore (the generator restarts, so not ticks). */
const COMPARED = ['shop."Items"', "orders", "order_copy", "clicks", "big_orders", "per_item", "per_name", "clicks_per_page"];

async function contents(c: pg.Client, rel: string): Promise<string[]> {
  const r = await c.query({ text: `SELECT * FROM ${rel}`, rowMode: "array", types: { getTypeParser: () => (v: string) => v } });
  return (r.rows as unknown[][]).map((row) => JSON.stringify(row)).sort();
}

let dir: string;
let source: Served;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "sage-dump-"));
  source = await serve(join(dir, "source"));
  await source.client.query(SETUP);
}, 60_000);

afterAll(async () => {
  if (source) await stop(source);
  rmSync(dir, { recursive: true, force: true });
});

describe("sage-sql dump / restore", () => {
  it("dumps a live server consistently and restores it into a fresh server and a fresh data directory", { timeout: 120_000 }, async () => {
    // a writer inserts i into a, then i into b, each acknowledged before the next: any consistent
    // moment has b = 1..m and a = 1..m or 1..m+1
    const writer = new pg.Client({ connectionString: source.url });
    await writer.connect();
    let writing = true;
    const load = (async () => {
      for (let i = 1; writing; i++) {
        await writer.query(`INSERT INTO a VALUES (${i})`);
        await writer.query(`INSERT INTO b VALUES (${i})`);
      }
    })();
    await new Promise((r) => setTimeout(r, 300));
    const dumped = await cli(["dump", "--url", source.url]);
    writing = false;
    await load;
    await writer.end();
    expect(dumped.stderr).toBe("");
    expect(dumped.code).toBe(0);
    const file = join(dir, "dump.sql");
    writeFileSync(file, dumped.stdout);

    // into a fresh server
    const target = await serve(join(dir, "target"));
    try {
      const restored = await cli(["restore", file, "--url", target.url]);
      expect(restored.stderr).toMatch(/statements applied/);
      expect(restored.code).toBe(0);
      for (const rel of COMPARED) expect(await contents(target.client, rel), rel).toEqual(await contents(source.client, rel));
      const a = (await contents(target.client, "a")).map((r) => Number(JSON.parse(r)[0])).sort((x, y) => x - y);
      const b = (await contents(target.client, "b")).map((r) => Number(JSON.parse(r)[0])).sort((x, y) => x - y);
      expect(b.length).toBeGreaterThan(0);
      expect(b).toEqual(Array.from({ length: b.length }, (_, i) => i + 1));
      expect([b.length, b.length + 1]).toContain(a.length);
      expect(a).toEqual(Array.from({ length: a.length }, (_, i) => i + 1));
      // constraints and the generator came back too
      await expect(target.client.query("INSERT INTO orders (id, item, qty) VALUES (5000, 1, 0)")).rejects.toMatchObject({ code: "23514" });
      await expect(target.client.query(`INSERT INTO shop."Items" (id, "Name") VALUES (9, 'plain')`)).rejects.toMatchObject({ code: "23505" });
      await new Promise((r) => setTimeout(r, 300));
      const ticks = await target.client.query("SELECT sum(n)::int AS n FROM ticks_per_k");
      expect(ticks.rows[0].n).toBeGreaterThan(0);
    } finally {
      await stop(target);
    }

    // into a fresh data directory, read in-process
    const restoredDir = join(dir, "restored-dir");
    const r2 = await cli(["restore", file, "--data-dir", restoredDir]);
    expect(r2.code).toBe(0);
    const db = await Database.open({ dataDir: restoredDir });
    try {
      for (const rel of COMPARED) {
        const [res] = await db.execute(`SELECT * FROM ${rel}`);
        const rows = res.rows.map((row) => JSON.stringify(row.map((v, i) => (v === null ? null : formatValue(res.columns[i].type, v))))).sort();
        expect(rows, rel).toEqual(await contents(source.client, rel));
      }
    } finally {
      await db.close();
    }
  });

  it("is reachable from SQL as sage_catalog.dump and refuses a data directory a server holds", async () => {
    const r = await source.client.query("SELECT n, statement FROM sage_catalog.dump ORDER BY n");
    const statements: string[] = r.rows.map((x) => x.statement);
    // dependency order: the schema, then tables before the views that read them, indexes after rows
    const at = (re: RegExp) => statements.findIndex((s) => re.test(s));
    expect(at(/^CREATE SCHEMA shop/)).toBe(0);
    expect(at(/^CREATE TABLE orders/)).toBeLessThan(at(/^CREATE VIEW big_orders/));
    expect(at(/^CREATE MATERIALIZED VIEW per_item/)).toBeLessThan(at(/^INSERT INTO public\.orders/));
    expect(at(/^INSERT INTO public\.orders/)).toBeLessThan(at(/^CREATE INDEX orders_item/));
    // ALTER TABLE and CREATE TABLE AS are dumped as the tables now are
    expect(statements.find((s) => /^CREATE TABLE public\.orders/.test(s))).toMatch(/note text/);
    expect(statements.find((s) => /order_copy/.test(s))).not.toMatch(/SELECT/i);
    expect(statements.some((s) => /INSERT INTO public\.ticks/.test(s))).toBe(false);
    const held = await cli(["dump", "--data-dir", join(dir, "source")]);
    expect(held.code).toBe(2);
    expect(held.stderr).toMatch(/in use by another sage-sql process/);
  });
});
