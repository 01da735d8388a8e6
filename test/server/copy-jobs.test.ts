// COPY FROM STDIN over pgwire is a job: another connection sees its rows arrive in SHOW JOBS, and
// CANCEL JOB stops it with 57014 and none of its rows written; a finished COPY is listed as done.

import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, sleep, type TestServer } from "./fixture.js";

let t: TestServer;
const clients: pg.Client[] = [];

async function client(): Promise<pg.Client> {
  const c = new pg.Client({ host: "127.0.0.1", port: t.port, user: "sage", database: "sage" });
  c.on("error", () => {});
  await c.connect();
  clients.push(c);
  return c;
}

beforeAll(async () => {
  t = await startTestServer();
});

afterAll(async () => {
  for (const c of clients) await c.end().catch(() => {});
  await t.close();
});

type Job = { id: number; kind: string; state: string; statement: string; rows_done: string };

async function copyJobs(c: pg.Client): Promise<Job[]> {
  return (await c.query<Job>("SELECT id, kind, state, statement, rows_done FROM sage_catalog.jobs WHERE kind = 'copy' ORDER BY id")).rows;
}

/** Rows of `id\tname` sent 2,000 at a time every 20 ms, `batches` times (endless when Infinity). */
function slowRows(batches: number, first = 1): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= batches) return void this.push(null);
      const lines: string[] = [];
      for (let i = 0; i < 2000; i++) lines.push(`${first + sent * 2000 + i}\tname\n`);
      sent++;
      setTimeout(() => this.push(Buffer.from(lines.join(""))), 20);
    },
  });
}

describe("COPY FROM STDIN as a job", () => {
  it("is listed with its rows while it runs; CANCEL JOB fails it with 57014 and writes nothing", async () => {
    const loader = await client();
    const watcher = await client();
    await loader.query("CREATE TABLE loaded (id INT, name TEXT)");
    const copy = pipeline(slowRows(Infinity), loader.query(copyFrom("COPY loaded FROM STDIN"))).then(
      () => null,
      (e: { code?: string; message: string }) => e,
    );
    let job: Job | undefined;
    for (let i = 0; i < 500 && !job; i++) {
      job = (await copyJobs(watcher)).find((j) => j.state === "running" && Number(j.rows_done) > 0);
      if (!job) await sleep(20);
    }
    expect(job).toBeDefined();
    expect(job!.statement).toBe('COPY "public"."loaded" FROM STDIN');
    let later: Job | undefined;
    for (let i = 0; i < 500 && !later; i++) {
      later = (await copyJobs(watcher)).find((j) => j.id === job!.id && Number(j.rows_done) > Number(job!.rows_done));
      if (!later) await sleep(20);
    }
    expect(later).toBeDefined();
    await watcher.query(`CANCEL JOB ${job!.id}`);
    const e = await copy;
    expect(e?.code).toBe("57014");
    expect(e?.message).toContain(`CANCEL JOB ${job!.id}`);
    expect((await watcher.query("SELECT count(*)::int AS n FROM loaded")).rows).toEqual([{ n: 0 }]);
    expect((await copyJobs(watcher)).find((j) => j.id === job!.id)?.state).toBe("cancelled");
    // the loader's connection goes on
    expect((await loader.query("SELECT 1 AS ok")).rows).toEqual([{ ok: 1 }]);
  }, 60_000);

  it("a COPY that completes is listed as done with all its rows", async () => {
    const loader = await client();
    await loader.query("CREATE TABLE done_load (id INT, name TEXT)");
    await pipeline(slowRows(3), loader.query(copyFrom("COPY done_load (id, name) FROM STDIN")));
    const job = (await copyJobs(loader)).find((j) => j.statement.includes("done_load"));
    expect(job).toMatchObject({ state: "done", rows_done: "6000", statement: 'COPY "public"."done_load" ("id", "name") FROM STDIN' });
    expect((await loader.query("SELECT count(*)::int AS n FROM done_load")).rows).toEqual([{ n: 6000 }]);
  }, 60_000);
});
