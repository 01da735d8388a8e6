// Coordinators as replicas of the input log, with real processes on loopback: nats-server on a
// free port with a temp store, two `sage-sql serve --role coordinator --nats` children (a leader
// and a hot standby) with their own data directories. Under a steady write load through `pg` (INSERTs, some UPDATEs and DELETEs),
// the leader is killed with SIGKILL three times (the killed one restarted each time as the new
// standby): after each takeover every acknowledged row is on the new leader, none is doubled,
// and a view over the table equals the query computed ad hoc. Also: DDL reaches the standby,
// libpq's multi-host strings fall through a standby (57P03) to the leader, NATS stopped mid-run
// (writes fail with 08006, none acknowledged; restarted, writes resume by themselves), an
// unreachable NATS at start (non-zero exit naming the URL), and a worker in sage_catalog.workers
// that disappears after SIGKILL within its TTL.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, NatsServer } from "./nats-server.js";
import { WORKER_TTL_MS } from "../src/cluster/index.js";

const CLI = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
const PSQL = "/usr/lib/postgresql/15/bin/psql";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe().catch(() => null);
    if (v !== null && v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

class Coordinator {
  proc: ChildProcess | null = null;
  stderr = "";
  /** the input-log sequence the last start resumed after (what its data directory held) */
  resumedAfter = -1;
  constructor(
    readonly name: string,
    readonly port: number,
    readonly dir: string,
    readonly natsUrl: string,
  ) {}

  async start(): Promise<void> {
    const proc = spawn(process.execPath, [CLI, "serve", "--role", "coordinator", "--nats", this.natsUrl, "--port", String(this.port), "--no-http", "--data-dir", this.dir, "--checkpoint-interval", "700", "--cluster-token", "s3cret"], { stdio: ["ignore", "pipe", "pipe"] });
    this.proc = proc;
    proc.stderr!.on("data", (d) => (this.stderr += d));
    let out = "";
    await new Promise<void>((resolve, reject) => {
      proc.stdout!.on("data", (d) => {
        out += d;
        const m = /resumed the input log after sequence (\d+)/.exec(out);
        if (m) this.resumedAfter = Number(m[1]);
        if (out.includes("sage-sql listening")) resolve();
      });
      proc.once("exit", (code) => reject(new Error(`coordinator ${this.name} exited ${code}: ${this.stderr}`)));
    });
  }

  kill9(): Promise<void> {
    const p = this.proc!;
    this.proc = null;
    p.kill("SIGKILL");
    return new Promise((r) => (p.exitCode !== null || p.signalCode !== null ? r() : p.once("exit", () => r())));
  }

  async stop(): Promise<void> {
    const p = this.proc;
    this.proc = null;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    p.kill("SIGTERM");
    await new Promise((r) => p.once("exit", r));
  }
}

/** A client on whichever coordinator leads (a standby refuses with 57P03). */
async function leaderClient(coords: Coordinator[], ms = 20_000): Promise<{ client: pg.Client; leader: Coordinator }> {
  return until("a leader", async () => {
    for (const c of coords) {
      if (!c.proc) continue;
      const client = new pg.Client({ host: "127.0.0.1", port: c.port, user: "sage", database: "sage" });
      client.on("error", () => {});
      try {
        await client.connect();
        return { client, leader: c };
      } catch (e) {
        await client.end().catch(() => {});
        const code = (e as { code?: string }).code;
        if (code !== "57P03" && code !== "ECONNREFUSED") throw e;
      }
    }
    return null;
  }, ms);
}

/**
 * Runs statements on the leader, again on a fresh connection when a takeover refused them (08006:
 * a deposed leader's statement was not applied; 57P03, a broken connection): each must be safe to
 * repeat.
 */
async function onLeader(coords: Coordinator[], ...statements: string[]): Promise<pg.QueryResult[]> {
  return until("statements on the leader", async () => {
    const { client } = await leaderClient(coords);
    try {
      const out: pg.QueryResult[] = [];
      for (const sql of statements) out.push(await client.query(sql));
      return out;
    } catch (e) {
      if ((e as { code?: string }).code?.startsWith("42")) throw e;
      return null;
    } finally {
      await client.end().catch(() => {});
    }
  }, 30_000);
}

/**
 * A steady write load: mostly INSERTs of fresh ids (recorded once acknowledged), with UPDATEs and
 * DELETEs of acknowledged rows mixed in (their row ids must mean the same rows on every replica).
 */
class WriteLoad {
  readonly acked = new Set<number>();
  /** acknowledged deletes, and deletes whose outcome is unknown (the connection broke) */
  readonly deleted = new Set<number>();
  readonly maybeDeleted = new Set<number>();
  readonly failures: string[] = [];
  private next = 1;
  private running = false;
  private done: Promise<void> = Promise.resolve();
  client: pg.Client | null = null;

  constructor(private readonly coords: Coordinator[]) {}

  start(): void {
    this.running = true;
    this.done = this.loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }

  private pick(): number | null {
    const live = [...this.acked].filter((id) => !this.deleted.has(id) && !this.maybeDeleted.has(id));
    return live.length === 0 ? null : live[(this.next * 7919) % live.length];
  }

  private async loop(): Promise<void> {
    while (this.running) {
      if (!this.client) {
        try {
          this.client = (await leaderClient(this.coords, 30_000)).client;
        } catch (e) {
          this.failures.push(String(e));
          continue;
        }
      }
      const id = this.next++;
      const victim = id % 10 === 0 ? this.pick() : null;
      try {
        if (victim !== null) {
          this.maybeDeleted.add(victim);
          await this.client.query("DELETE FROM t WHERE id = $1", [victim]);
          this.maybeDeleted.delete(victim);
          this.deleted.add(victim);
        } else if (id % 5 === 0 && this.pick() !== null) {
          await this.client.query("UPDATE t SET v = v + 100 WHERE id = $1", [this.pick()]);
        } else {
          await this.client.query("INSERT INTO t VALUES ($1, $2)", [id, id % 7]);
          this.acked.add(id);
        }
      } catch (e) {
        this.failures.push((e as { code?: string }).code ?? String(e));
        await this.client.end().catch(() => {});
        this.client = null;
      }
    }
    await this.client?.end().catch(() => {});
    this.client = null;
  }
}

async function rows(client: pg.Client, sql: string): Promise<Record<string, unknown>[]> {
  return (await client.query(sql)).rows;
}

describe("coordinators replicating the input log", () => {
  let nats: NatsServer;
  let dir: string;
  let coords: Coordinator[];

  beforeAll(async () => {
    nats = await NatsServer.start();
    dir = mkdtempSync(join(tmpdir(), "sage-replica-"));
    coords = [new Coordinator("a", await freePort(), join(dir, "a"), nats.url), new Coordinator("b", await freePort(), join(dir, "b"), nats.url)];
    await coords[0].start();
    await coords[1].start();
  }, 30_000);

  afterAll(async () => {
    for (const c of coords ?? []) await c.stop();
    await nats?.destroy();
    if (dir && !process.env.KEEP_REPLICA_DIRS) rmSync(dir, { recursive: true, force: true });
    else if (dir) console.log(`kept ${dir}`);
  });

  it("keeps every acknowledged write, exactly once, through three SIGKILLs of the leader", async () => {
    await onLeader(coords, "CREATE TABLE IF NOT EXISTS t (id int, v int)", "CREATE MATERIALIZED VIEW IF NOT EXISTS totals AS SELECT v, count(*) AS n, sum(id) AS s FROM t GROUP BY v");
    const { client: setup, leader: first } = await leaderClient(coords);
    const cluster = await rows(setup, "SELECT role, leader FROM sage_catalog.cluster");
    expect(cluster).toEqual([{ role: "leader", leader: `127.0.0.1:${first.port}` }]);
    await setup.end();

    const load = new WriteLoad(coords);
    load.start();
    for (let cycle = 1; cycle <= 3; cycle++) {
      await until("acknowledged writes", async () => load.acked.size >= cycle * 40);
      // DDL on the leader, to be found on the standby once it has taken over
      await onLeader(coords, `CREATE TABLE IF NOT EXISTS ddl_${cycle} (k int)`);
      await onLeader(coords, `INSERT INTO ddl_${cycle} SELECT ${cycle} WHERE NOT EXISTS (SELECT 1 FROM ddl_${cycle})`);
      // how far the leader has applied the log: its reply comes after an fsync of its local log (a
      // read awaits it too), so the leader's data directory holds at least this much when it dies
      const { client: probe, leader: toKill } = await leaderClient(coords);
      const appliedBeforeKill = Number((await rows(probe, "SELECT applied_seq FROM sage_catalog.cluster"))[0].applied_seq);
      await probe.end();
      let leader = toKill;

      const before = load.acked.size;
      const killedAt = Date.now();
      await leader.kill9();
      const killed = leader;
      // the standby takes over by itself and the load resumes on it
      await until("a write on the new leader", async () => load.acked.size > before, 30_000);
      const takeoverMs = Date.now() - killedAt;
      await until("writes on the new leader", async () => load.acked.size >= before + 30, 30_000);
      await killed.start(); // back as the new standby, resuming from its own data directory
      expect(killed.resumedAfter).toBeGreaterThan(0); // not from the start of the log
      // ...but from where it was when killed: every message it applied and acknowledged before
      // dying is in its own log or checkpoint (the load keeps writing meanwhile, so it may be further)
      expect(killed.resumedAfter).toBeGreaterThanOrEqual(appliedBeforeKill);
      const { client, leader: next } = await leaderClient(coords);
      expect(next).not.toBe(killed);
      leader = next;

      await load.stop();
      const ids = (await rows(client, "SELECT id FROM t")).map((r) => Number(r.id));
      const present = new Set(ids);
      expect(ids.length).toBe(present.size); // nothing doubled
      const missing = [...load.acked].filter((id) => !present.has(id) && !load.deleted.has(id) && !load.maybeDeleted.has(id));
      expect(missing).toEqual([]); // nothing acknowledged lost
      expect([...load.deleted].filter((id) => present.has(id))).toEqual([]); // no acknowledged delete undone
      expect([...present].filter((id) => !load.acked.has(id)).length).toBeLessThanOrEqual(load.failures.length); // only unacknowledged tries may be extra
      const view = await rows(client, "SELECT v, n, s FROM totals ORDER BY v");
      const adHoc = await rows(client, "SELECT v, count(*) AS n, sum(id) AS s FROM t GROUP BY v ORDER BY v");
      expect(view).toEqual(adHoc);
      expect(await rows(client, `SELECT k FROM ddl_${cycle}`)).toEqual([{ k: cycle }]);
      const status = await rows(client, "SELECT role, leader, term, applied_seq FROM sage_catalog.cluster");
      expect(status[0].role).toBe("leader");
      expect(status[0].leader).toBe(`127.0.0.1:${next.port}`);
      console.log(`cycle ${cycle}: first write acknowledged by the new leader ${takeoverMs} ms after SIGKILL; ${load.acked.size} rows acknowledged, ${ids.length} present, applied_seq ${status[0].applied_seq} (the new leader's, now), term ${status[0].term}; the killed leader had applied ${appliedBeforeKill} when killed and resumed after seq ${killed.resumedAfter}; failed tries so far: ${JSON.stringify(Object.fromEntries([...new Set(load.failures)].map((f) => [f.slice(0, 60), load.failures.filter((x) => x === f).length])))}`);
      await client.end();
      load.start();
    }
    await load.stop();
    // the restarted standby caught up too (from its own checkpoint and log, then NATS): made the
    // leader, it has exactly what the leader had, updated and deleted rows included
    const { client: last, leader: lastLeader } = await leaderClient(coords);
    const snapshot = await rows(last, "SELECT id, v FROM t ORDER BY id, v");
    const views = await rows(last, "SELECT v, n, s FROM totals ORDER BY v");
    await last.end();
    await lastLeader.kill9();
    const { client: after } = await leaderClient(coords, 30_000);
    expect(await rows(after, "SELECT id, v FROM t ORDER BY id, v")).toEqual(snapshot);
    expect(await rows(after, "SELECT v, n, s FROM totals ORDER BY v")).toEqual(views);
    expect(snapshot.some((r) => Number(r.v) >= 100)).toBe(true); // updates happened
    expect(load.deleted.size).toBeGreaterThan(0);
    await after.end();
    await lastLeader.start();
    expect(load.acked.size).toBeGreaterThan(120);
  }, 120_000);

  it("lets libpq's multi-host strings fall through a standby to the leader", async () => {
    if (!existsSync(PSQL)) return;
    const { client, leader } = await leaderClient(coords);
    await client.end();
    const standby = coords.find((c) => c !== leader)!;
    const direct = spawnSync(PSQL, ["-h", "127.0.0.1", "-p", String(standby.port), "-U", "sage", "-Atc", "SELECT 1"], { encoding: "utf8" });
    expect(direct.status).not.toBe(0);
    expect(direct.stderr).toContain(`this coordinator is a standby; the leader is 127.0.0.1:${leader.port}`);
    const multi = spawnSync(PSQL, [`host=127.0.0.1,127.0.0.1 port=${standby.port},${leader.port} user=sage dbname=sage`, "-Atc", "SELECT role FROM sage_catalog.cluster"], { encoding: "utf8" });
    expect(multi.stderr).toBe("");
    expect(multi.stdout.trim()).toBe("leader");
  }, 20_000);

  it("fails writes with 08006 while NATS is away and resumes by itself when it is back", async () => {
    await onLeader(coords, "CREATE TABLE IF NOT EXISTS n (id int)", "INSERT INTO n SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM n)");
    const { client } = await leaderClient(coords);
    await nats.stop();
    const started = Date.now();
    const err = await client.query("INSERT INTO n VALUES (2)").then(
      () => null,
      (e: { code?: string }) => e,
    );
    expect(err?.code).toBe("08006");
    expect(Date.now() - started).toBeLessThan(6000);
    await client.end();
    await nats.restart();
    // no restart of any coordinator: a write goes through again once NATS is back
    let id = 10;
    await until(
      "a write after NATS returned",
      async () => {
        const { client: c } = await leaderClient(coords, 5000);
        try {
          await c.query("INSERT INTO n VALUES ($1)", [id++]);
          return true;
        } finally {
          await c.end();
        }
      },
      30_000,
    );
    const { client: check } = await leaderClient(coords);
    const ids = (await rows(check, "SELECT id FROM n ORDER BY id")).map((r) => Number(r.id));
    expect(ids[0]).toBe(1);
    expect(ids).not.toContain(2); // refused with 08006: never applied
    await check.end();
  }, 60_000);

  it("lists a worker in sage_catalog.workers and drops it after SIGKILL within the TTL", async () => {
    const worker = spawn(process.execPath, [CLI, "worker", "--nats", nats.url, "--cluster-token", "s3cret", "--id", "w1"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    await new Promise<void>((resolve, reject) => {
      worker.stdout!.on("data", (d) => {
        out += d;
        if (out.includes("listening")) resolve();
      });
      worker.once("exit", (code) => reject(new Error(`worker exited ${code}`)));
    });
    expect(out).toMatch(/sage-sql worker w1 listening on ws:\/\/127\.0\.0\.1:\d+/);
    const address = /listening on (\S+),/.exec(out)![1];
    const { client } = await leaderClient(coords);
    const listed = await until("the worker listed", async () => {
      const r = await rows(client, "SELECT id, address, state, heartbeat IS NOT NULL AS beat FROM sage_catalog.workers");
      return r.length === 1 ? r : null;
    });
    expect(listed).toEqual([{ id: "w1", address, state: "idle", beat: true }]);
    worker.kill("SIGKILL");
    const killedAt = Date.now();
    await until("the worker gone", async () => (await rows(client, "SELECT id FROM sage_catalog.workers")).length === 0, WORKER_TTL_MS + 10_000);
    expect(Date.now() - killedAt).toBeLessThan(WORKER_TTL_MS + 2500); // the TTL, a heartbeat and a poll
    await client.end();
  }, 30_000);

  it("exits non-zero naming the URL when NATS is unreachable at start", async () => {
    const url = `nats://127.0.0.1:${await freePort()}`;
    for (const args of [["serve", "--role", "coordinator", "--nats", url, "--port", "0", "--memory", "--no-http"], ["worker", "--nats", url]]) {
      const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", timeout: 20_000 });
      expect(r.status).not.toBe(0);
      expect(r.status).not.toBeNull();
      expect(r.stderr).toContain(url);
      expect(r.stdout).not.toContain("listening");
    }
  }, 45_000);

  it("needs no NATS in single-node mode, where the cluster tables say so", async () => {
    const { Database } = await import("../src/index.js");
    const db = await Database.open({ memory: true });
    const [workers] = await db.execute("SELECT * FROM sage_catalog.workers");
    const [cluster] = await db.execute("SELECT role, leader FROM sage_catalog.cluster");
    expect(workers.rows).toEqual([]);
    expect(cluster.rows).toEqual([["single", null]]);
    await db.close();
  });
});
