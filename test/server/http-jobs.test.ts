// The jobs endpoints of the HTTP port: GET /api/jobs lists a running backfill with its progress,
// POST /api/jobs/<id>/cancel cancels it (as the job's role or a superuser only), through the same
// authentication as /api/query.
import { afterEach, describe, expect, it } from "vitest";
import { Database, SqlError } from "../../src/index.js";
import { HttpServer, PgServer, ServerMetrics, type JobJson } from "../../src/server/index.js";

let cleanup: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function start(): Promise<{ db: Database; url: string }> {
  const db = await Database.open({ memory: true });
  const pg = await PgServer.start({ db, port: 0 });
  const metrics = new ServerMetrics(db, () => pg.sessionCount);
  const http = await HttpServer.start({ db, port: 0, hba: pg.hba, users: pg.users, defaultUser: "sage", metrics });
  cleanup.push(async () => {
    await http.close();
    await pg.close();
    metrics.close();
    await db.close();
  });
  return { db, url: `http://127.0.0.1:${http.port}` };
}

const basic = (user: string) => ({ authorization: `Basic ${Buffer.from(`${user}:`).toString("base64")}` });

async function listJobs(url: string): Promise<JobJson[]> {
  const res = await fetch(`${url}/api/jobs`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { jobs: JobJson[] }).jobs;
}

describe("HTTP jobs API", () => {
  it("lists a running backfill with rising progress and cancels it; the view is not created", async () => {
    const { db, url } = await start();
    expect(await listJobs(url)).toEqual([]);
    await db.execute("CREATE TABLE big (id INT, g INT); CREATE ROLE bob LOGIN");
    await db.execute("INSERT INTO big SELECT i, i % 100 FROM generate_series(1, 1000000) AS s(i)");
    const outcome = db
      .connect()
      .execute("CREATE MATERIALIZED VIEW v AS SELECT a.g, count(*) FROM big a JOIN big b ON a.id = b.id GROUP BY a.g")
      .then(() => null, (e: SqlError) => e);
    let job: JobJson | undefined;
    for (let i = 0; i < 2000 && !job; i++) {
      job = (await listJobs(url)).find((j) => j.kind === "backfill" && j.state === "running" && j.rowsDone > 0);
      if (!job) await new Promise((r) => setTimeout(r, 5));
    }
    expect(job).toBeDefined();
    expect(job!.rowsTotal).toBe(1_000_000);
    expect(job!.statement).toContain("CREATE MATERIALIZED VIEW v");
    expect(new Date(job!.startedAt).getTime()).toBeLessThanOrEqual(Date.now());
    // the wrong method, another role, an unknown id
    expect((await fetch(`${url}/api/jobs/${job!.id}/cancel`)).status).toBe(405);
    const denied = await fetch(`${url}/api/jobs/${job!.id}/cancel`, { method: "POST", headers: basic("bob") });
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { error: { code: string } }).error.code).toBe("42501");
    expect((await fetch(`${url}/api/jobs/9999/cancel`, { method: "POST" })).status).toBe(404);
    const ok = await fetch(`${url}/api/jobs/${job!.id}/cancel`, { method: "POST" });
    expect(ok.status).toBe(200);
    expect((await outcome)?.code).toBe("57014");
    expect((await listJobs(url)).find((j) => j.id === job!.id)?.state).toBe("cancelled");
    expect(db.catalog.findRelation(["v"])).toBeUndefined();
  }, 60_000);

  it("a cookie login must send its CSRF token to cancel", async () => {
    const { db, url } = await start();
    await db.execute("CREATE TABLE big (id INT, g INT)");
    await db.execute("INSERT INTO big SELECT i, i % 100 FROM generate_series(1, 1000000) AS s(i)");
    const login = await fetch(`${url}/api/login`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(login.status).toBe(200);
    const cookie = login.headers.get("set-cookie")!.split(";")[0];
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const outcome = db
      .connect()
      .execute("CREATE MATERIALIZED VIEW v AS SELECT a.g, count(*) FROM big a JOIN big b ON a.id = b.id GROUP BY a.g")
      .then(() => null, (e: SqlError) => e);
    let job: JobJson | undefined;
    for (let i = 0; i < 2000 && !job; i++) {
      const res = await fetch(`${url}/api/jobs`, { headers: { cookie } });
      job = ((await res.json()) as { jobs: JobJson[] }).jobs.find((j) => j.state === "running");
      if (!job) await new Promise((r) => setTimeout(r, 5));
    }
    expect(job).toBeDefined();
    const forged = await fetch(`${url}/api/jobs/${job!.id}/cancel`, { method: "POST", headers: { cookie } });
    expect(forged.status).toBe(403);
    const ok = await fetch(`${url}/api/jobs/${job!.id}/cancel`, { method: "POST", headers: { cookie, "x-csrf-token": csrfToken } });
    expect(ok.status).toBe(200);
    expect((await outcome)?.code).toBe("57014");
  }, 60_000);
});
