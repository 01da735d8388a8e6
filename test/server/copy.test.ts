// COPY FROM STDIN / TO STDOUT with pg-copy-streams: text, CSV and binary formats, a larger
// load, errors that abort the copy, and COPY of a query.

import pg from "pg";
import { from as copyFrom, to as copyTo } from "pg-copy-streams";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./fixture.js";

let t: TestServer;
let c: pg.Client;

beforeAll(async () => {
  t = await startTestServer();
  c = new pg.Client({ host: "127.0.0.1", port: t.port, user: "sage", database: "sage" });
  c.on("error", () => {});
  await c.connect();
  await c.query("CREATE TABLE events (id BIGINT PRIMARY KEY, kind TEXT, amount NUMERIC(12,2), at TIMESTAMP, tags TEXT[])");
});

afterAll(async () => {
  await c.end();
  await t.close();
});

async function copyIn(sql: string, chunks: (string | Buffer)[]): Promise<void> {
  await pipeline(Readable.from(chunks.map((x) => (typeof x === "string" ? Buffer.from(x) : x))), c.query(copyFrom(sql)));
}

async function copyOut(sql: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  await pipeline(
    c.query(copyTo(sql)),
    new Writable({
      write(chunk: Buffer, _enc, done) {
        parts.push(chunk);
        done();
      },
    }),
  );
  return Buffer.concat(parts);
}

describe("COPY", () => {
  it("loads text-format rows split across arbitrary chunks", async () => {
    const lines: string[] = [];
    for (let i = 1; i <= 20_000; i++) lines.push(`${i}\t${i % 3 === 0 ? "\\N" : "k" + (i % 5)}\t${(i / 4).toFixed(2)}\t2024-01-01 00:00:${String(i % 60).padStart(2, "0")}\t{a,b}\n`);
    const text = lines.join("");
    const chunks: string[] = [];
    for (let p = 0; p < text.length; p += 4099) chunks.push(text.slice(p, p + 4099));
    await copyIn("COPY events FROM STDIN", chunks);
    const r = await c.query("SELECT count(*)::int AS n, count(kind)::int AS k, sum(amount)::text AS s FROM events");
    expect(r.rows).toEqual([{ n: 20_000, k: 13_334, s: "50002500.00" }]);
  });

  it("writes text, CSV and binary", async () => {
    const text = await copyOut("COPY (SELECT id, kind, amount, tags FROM events WHERE id <= 3 ORDER BY id) TO STDOUT");
    expect(text.toString()).toBe("1\tk1\t0.25\t{a,b}\n2\tk2\t0.50\t{a,b}\n3\t\\N\t0.75\t{a,b}\n");
    const csv = await copyOut("COPY (SELECT id, kind FROM events WHERE id IN (1, 3) ORDER BY id) TO STDOUT WITH (FORMAT csv, HEADER)");
    expect(csv.toString()).toBe("id,kind\n1,k1\n3,\n");
    const bin = await copyOut("COPY (SELECT id FROM events WHERE id = 2) TO STDOUT WITH (FORMAT binary)");
    expect(bin.subarray(0, 11).toString("latin1")).toBe("PGCOPY\n\xff\r\n\0");
    expect(bin.subarray(19).toString("hex")).toBe("0001" + "00000008" + "0000000000000002" + "ffff");
  });

  it("round-trips the binary format", async () => {
    await c.query("CREATE TABLE copy_target (id BIGINT, kind TEXT, amount NUMERIC(12,2), at TIMESTAMP, tags TEXT[])");
    const data = await copyOut("COPY (SELECT * FROM events WHERE id <= 500 ORDER BY id) TO STDOUT (FORMAT binary)");
    await copyIn("COPY copy_target FROM STDIN (FORMAT binary)", [data.subarray(0, 1000), data.subarray(1000)]);
    const a = await c.query("SELECT * FROM events WHERE id <= 500 ORDER BY id");
    const b = await c.query("SELECT * FROM copy_target ORDER BY id");
    expect(b.rows).toEqual(a.rows);
  });

  it("loads CSV with a header, quotes and a column list", async () => {
    await copyIn("COPY events (id, kind, tags) FROM STDIN WITH (FORMAT csv, HEADER true)", ['id,kind,tags\n900001,"quoted, comma",{x}\n', '900002,"multi\nline",\n']);
    const r = await c.query("SELECT id, kind, tags FROM events WHERE id > 900000 ORDER BY id");
    expect(r.rows).toEqual([
      { id: "900001", kind: "quoted, comma", tags: ["x"] },
      { id: "900002", kind: "multi\nline", tags: null },
    ]);
  });

  it("fails the whole copy on bad data, naming the line and column", async () => {
    const before = (await c.query("SELECT count(*)::int AS n FROM events")).rows[0].n;
    await expect(copyIn("COPY events (id, kind) FROM STDIN", ["800001\tok\n800002\tok\n", "oops\tbad\n"])).rejects.toMatchObject({
      code: "22P02",
      where: 'COPY events, line 3, column id: "oops"',
    });
    await expect(copyIn("COPY events (id, kind) FROM STDIN", ["800003\n"])).rejects.toMatchObject({ code: "22P04", message: 'missing data for column "kind"' });
    await expect(copyIn("COPY nowhere FROM STDIN", ["1\n"])).rejects.toMatchObject({ code: "42P01" });
    expect((await c.query("SELECT count(*)::int AS n FROM events")).rows[0].n).toBe(before);
    expect((await c.query("SELECT 1 AS ok")).rows).toEqual([{ ok: 1 }]);
  });
});
