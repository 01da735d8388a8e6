// Jobs: a materialized view's backfill and COPY run as jobs that SHOW JOBS / sage_catalog.jobs list
// from other sessions with rising progress, and that CANCEL JOB stops atomically (57014, nothing left).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Database, SqlError, type Session } from "../src/index.js";

/** A table of `n` rows, loaded in big INSERT ... SELECT steps. */
async function bigTable(db: Database, n: number): Promise<void> {
  await db.execute("CREATE TABLE big (id INT, g INT, v INT)");
  const step = 500_000;
  for (let start = 1; start <= n; start += step) {
    await db.execute(`INSERT INTO big SELECT i, i % 1000, i % 97 FROM generate_series(${start}, ${Math.min(n, start + step - 1)}) AS s(i)`);
  }
}

type JobRow = { id: number; kind: string; state: string; role: string; statement: string; rows_done: bigint; rows_total: bigint | null; progress: number | null; rows_per_second: number; eta_seconds: number | null; error: string | null };

async function jobs(session: Session, sql = "SHOW JOBS"): Promise<JobRow[]> {
  const [r] = await session.execute(sql);
  return r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c.name, row[i]])) as JobRow);
}

async function until<T>(what: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await what();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function failure(p: Promise<unknown>): Promise<SqlError> {
  try {
    await p;
  } catch (e) {
    return e as SqlError;
  }
  throw new Error("expected the statement to fail");
}

const VIEW = "CREATE MATERIALIZED VIEW per_g AS SELECT a.g, count(*) AS n, sum(a.v) AS s FROM big a JOIN big b ON a.id = b.id GROUP BY a.g";

describe("jobs", () => {
  it("SHOW JOBS sees a running backfill from another session, its rows grow, and it ends done", async () => {
    const db = await Database.open({ memory: true });
    await bigTable(db, 1_000_000);
    const creator = db.connect();
    const watcher = db.connect();
    const created = creator.execute(VIEW);
    const first = await until(async () => (await jobs(watcher)).find((j) => j.kind === "backfill" && j.state === "running" && j.rows_done > 0n));
    expect(first.statement).toContain("CREATE MATERIALIZED VIEW per_g");
    expect(first.role).toBe("sage");
    expect(first.rows_total).toBe(1_000_000n); // the rows of its input (the self-join reads each once)
    const later = await until(async () => (await jobs(watcher, "SELECT * FROM sage_catalog.jobs")).find((j) => j.id === first.id && j.rows_done > first.rows_done));
    expect(later.progress).toBeGreaterThan(0);
    expect(later.progress).toBeLessThanOrEqual(1);
    await created;
    const done = (await jobs(watcher)).find((j) => j.id === first.id)!;
    expect(done.state).toBe("done");
    expect(done.rows_done).toBe(1_000_000n);
    const [count] = await watcher.execute("SELECT count(*), sum(n)::bigint FROM per_g");
    expect(count.rows[0]).toEqual([1000n, 1_000_000n]);
  }, 120_000);

  it("CANCEL JOB stops a backfill with 57014 and the view does not exist afterwards", async () => {
    const db = await Database.open({ memory: true });
    await bigTable(db, 1_000_000);
    const creator = db.connect();
    const other = db.connect();
    const created = failure(creator.execute(VIEW));
    const job = await until(async () => (await jobs(other)).find((j) => j.kind === "backfill" && j.state === "running" && j.rows_done > 0n));
    const [r] = await other.execute(`CANCEL JOB ${job.id}`);
    expect(r.command).toBe("CANCEL JOB");
    const e = await created;
    expect(e.code).toBe("57014");
    expect(e.message).toContain(`CANCEL JOB ${job.id}`);
    expect((await jobs(other)).find((j) => j.id === job.id)!.state).toBe("cancelled");
    expect((await failure(other.execute("SELECT * FROM per_g"))).code).toBe("42P01");
    // the name is free again, and writes made during the backfill are in the new view
    await other.execute("INSERT INTO big VALUES (0, 5, 1)");
    await other.execute("CREATE MATERIALIZED VIEW per_g AS SELECT count(*) AS n FROM big");
    const [n] = await other.execute("SELECT n FROM per_g");
    expect(n.rows).toEqual([[1_000_001n]]);
  }, 120_000);

  it("statement_timeout stops a backfill too, leaving no view", async () => {
    const db = await Database.open({ memory: true });
    await bigTable(db, 1_000_000);
    const s = db.connect();
    await s.execute("SET statement_timeout = 200");
    const e = await failure(s.execute(VIEW));
    expect(e.code).toBe("57014");
    expect(e.message).toContain("statement timeout");
    expect((await jobs(s)).find((j) => j.kind === "backfill")!.state).toBe("cancelled");
    expect(db.catalog.findRelation(["per_g"])).toBeUndefined();
  }, 120_000);

  it("writes made while a view backfills are in the view exactly once", async () => {
    const db = await Database.open({ memory: true });
    await bigTable(db, 1_000_000);
    const creator = db.connect();
    const writer = db.connect();
    const created = creator.execute(VIEW);
    await until(async () => ((await jobs(writer)).some((j) => j.kind === "backfill" && j.state === "running") ? true : undefined));
    await writer.execute("INSERT INTO big VALUES (-1, 1, 1000), (-2, 1, 1000)");
    await writer.execute("DELETE FROM big WHERE id = 1");
    // the writes really happened while the snapshot was being fed
    expect((await jobs(writer)).find((j) => j.kind === "backfill")!.state).toBe("running");
    await created;
    const [view] = await writer.execute("SELECT count(*), sum(n)::bigint, sum(s)::bigint FROM per_g");
    const [query] = await writer.execute("SELECT count(DISTINCT g), count(*), sum(v)::bigint FROM big");
    expect(view.rows).toEqual(query.rows);
    expect(view.rows[0][1]).toBe(1_000_001n);
  }, 120_000);

  it("only the job's role or a superuser may cancel it; an unknown or finished job is a clear error", async () => {
    const db = await Database.open({ memory: true });
    await bigTable(db, 1_000_000);
    await db.execute("CREATE ROLE alice; CREATE ROLE bob; GRANT SELECT ON big TO alice; GRANT CREATE ON SCHEMA public TO alice");
    const alice = db.connect({ user: "alice" });
    const bob = db.connect({ user: "bob" });
    const admin = db.connect();
    expect((await failure(bob.execute("CANCEL JOB 999"))).code).toBe("42704");
    const created = failure(alice.execute(VIEW));
    const job = await until(async () => (await jobs(admin)).find((j) => j.kind === "backfill" && j.state === "running"));
    expect(job.role).toBe("alice");
    const denied = await failure(bob.execute(`CANCEL JOB ${job.id}`));
    expect(denied.code).toBe("42501");
    await admin.execute(`CANCEL JOB ${job.id}`);
    expect((await created).code).toBe("57014");
    expect((await failure(admin.execute(`CANCEL JOB ${job.id}`))).code).toBe("55000");
  }, 120_000);

  it("COPY FROM a file is a job with its rows counted; a cancelled COPY loads nothing", async () => {
    const db = await Database.open({ memory: true });
    const dir = mkdtempSync(join(tmpdir(), "sage-jobs-"));
    const lines: string[] = [];
    for (let i = 0; i < 300_000; i++) lines.push(`${i},name ${i}`);
    writeFileSync(join(dir, "rows.csv"), lines.join("\n") + "\n");
    await db.execute("CREATE TABLE t (id INT, name TEXT)");
    const s = db.connect();
    const [copied] = await s.execute(`COPY t FROM '${join(dir, "rows.csv")}' WITH (FORMAT csv)`);
    expect(copied.rowCount).toBe(300_000);
    const copyJob = (await jobs(s)).find((j) => j.kind === "copy")!;
    expect(copyJob.state).toBe("done");
    expect(copyJob.rows_done).toBe(300_000n);
    expect(copyJob.statement).toMatch(/^COPY t FROM/);

    // cancelled while reading: watch the progress callback and cancel at the first chunk
    const other = db.connect();
    const seen: number[] = [];
    s.reportProgress = (j) => {
      seen.push(j.rowsDone);
      if (seen.length === 1) void other.execute(`CANCEL JOB ${j.id}`);
    };
    const e = await failure(s.execute(`COPY t FROM '${join(dir, "rows.csv")}' WITH (FORMAT csv)`));
    expect(e.code).toBe("57014");
    expect(seen.length).toBeGreaterThan(0);
    const [count] = await other.execute("SELECT count(*) FROM t");
    expect(count.rows).toEqual([[300_000n]]);
  }, 120_000);

  it("CREATE INDEX ... USING hnsw is a job: listed with its rows, cancelled with 57014 and no index left", async () => {
    const db = await Database.open({ memory: true });
    const dims = 16;
    const vector = `ARRAY[${Array.from({ length: dims }, (_, d) => `sin(i * ${d + 1}.37)`).join(", ")}]::vector(${dims})`;
    await db.execute(`CREATE TABLE docs (id INT, emb VECTOR(${dims}))`);
    await db.execute(`INSERT INTO docs SELECT i, ${vector} FROM generate_series(1, 30000) AS s(i)`);
    const builder = db.connect();
    const other = db.connect();
    const built = failure(builder.execute("CREATE INDEX docs_emb ON docs USING hnsw (emb vector_l2_ops)"));
    const job = await until(async () => (await jobs(other)).find((j) => j.kind === "index build" && j.state === "running" && j.rows_done > 0n));
    expect(job.rows_total).toBe(30000n);
    expect(job.statement).toContain("CREATE INDEX docs_emb");
    await other.execute(`CANCEL JOB ${job.id}`);
    const e = await built;
    expect(e.code).toBe("57014");
    expect(e.message).toContain(`CANCEL JOB ${job.id}`);
    expect(db.catalog.listIndexes().some((ix) => ix.name === "docs_emb")).toBe(false);
    // the name is free: a build left to finish is listed as done with every row
    await other.execute("CREATE INDEX docs_emb ON docs USING hnsw (emb vector_l2_ops)");
    const done = (await jobs(other)).filter((j) => j.kind === "index build").pop()!;
    expect([done.state, done.rows_done]).toEqual(["done", 30000n]);
  }, 120_000);

  it("with a data directory: no checkpoint during a backfill, and after a restart the cancelled view is gone and the finished one is back", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sage-jobs-dir-"));
    try {
      let db = await Database.open({ dataDir: dir, checkpointInterval: 0 });
      await bigTable(db, 1_000_000);
      const s = db.connect();
      const other = db.connect();
      const cancelled = failure(s.execute(VIEW));
      const job = await until(async () => (await jobs(other)).find((j) => j.kind === "backfill" && j.state === "running"));
      await other.execute("CHECKPOINT");
      expect(db.checkpoints!.lastError).toContain(`materialized view backfill (job ${job.id}) in progress`);
      await other.execute(`CANCEL JOB ${job.id}`);
      expect((await cancelled).code).toBe("57014");
      await s.execute("CREATE MATERIALIZED VIEW total AS SELECT count(*) AS n FROM big");
      await db.close();
      db = await Database.open({ dataDir: dir, checkpointInterval: 0 });
      expect(db.catalog.findRelation(["per_g"])).toBeUndefined();
      const [r] = await db.execute("SELECT n FROM total");
      expect(r.rows).toEqual([[1_000_000n]]);
      await db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it("INSERT ... SELECT over a large input is listed once it has run a second, and CANCEL JOB writes none of it", async () => {
    const db = await Database.open({ memory: true });
    await db.execute("CREATE TABLE t (id INT, sq BIGINT)");
    const s = db.connect();
    const other = db.connect();
    // a short one is never listed
    await s.execute("INSERT INTO t SELECT i, i * i FROM generate_series(1, 1000) AS g(i)");
    expect((await jobs(other)).filter((j) => j.kind === "insert")).toEqual([]);
    const started = Date.now();
    const inserted = failure(s.execute("INSERT INTO t SELECT i, i::bigint * i FROM generate_series(1, 50000000) AS g(i)"));
    const job = await until(async () => (await jobs(other)).find((j) => j.kind === "insert" && j.state === "running"));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(job.rows_total).toBeNull();
    expect(job.eta_seconds).toBeNull();
    const later = await until(async () => (await jobs(other)).find((j) => j.id === job.id && j.rows_done > job.rows_done));
    expect(later.rows_per_second).toBeGreaterThan(0);
    await other.execute(`CANCEL JOB ${job.id}`);
    expect((await inserted).code).toBe("57014");
    const [n] = await other.execute("SELECT count(*) FROM t");
    expect(n.rows).toEqual([[1000n]]);
  }, 120_000);

  it("a view being built cannot be named yet; dropping its input meanwhile fails the CREATE and leaves nothing", async () => {
    const db = await Database.open({ memory: true });
    await bigTable(db, 1_000_000);
    const creator = db.connect();
    const other = db.connect();
    const created = failure(creator.execute(VIEW));
    await until(async () => (await jobs(other)).find((j) => j.kind === "backfill" && j.state === "running"));
    // not in the catalog until built: no DDL can reach the log before its CREATE
    expect((await failure(other.execute("SELECT * FROM per_g"))).code).toBe("42P01");
    expect((await failure(other.execute("DROP MATERIALIZED VIEW per_g"))).code).toBe("42P01");
    await other.execute("DROP TABLE big");
    const e = await created;
    expect(e.code).toBe("55000");
    expect(e.message).toContain("dropped or replaced while the view was being built");
    expect(db.catalog.findRelation(["per_g"])).toBeUndefined();
    expect((await jobs(other)).find((j) => j.kind === "backfill")!.state).toBe("failed");
  }, 120_000);
});
