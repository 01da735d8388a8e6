// The crash test (issue 5): a real `sage-sql serve` ingests through INSERT/UPDATE/DELETE, COPY FROM
// STDIN and a datagen generator while materialized views aggregate and join; it is killed with
// SIGKILL at random moments (some during its own recovery) again and again. After every restart:
// every acknowledged write is there exactly once, an unacknowledged one is there entirely or not
// at all (each is one statement), the generator's rows are a gapless prefix at least as long as
// any count a client saw and its first rows never change, and every view equals its query run
// ad-hoc over the recovered input. Seeded: CRASH_SEED=<n> replays a run's operations and kill
// delays (what a kill cuts off still depends on timing); CRASH_CYCLES sets the number of kills;
// CRASH_VERBOSE=1 traces the cycles, CRASH_KEEP_DIR=1 keeps the data directory.

import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const CLI = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
const SEED = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
const CYCLES = Number(process.env.CRASH_CYCLES ?? 22);
const GROUPS = 8;
const VERBOSE = process.env.CRASH_VERBOSE === "1";
const t0 = Date.now();
function trace(msg: string): void {
  if (VERBOSE) process.stderr.write(`[crash ${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}\n`);
}

/** mulberry32: a small seeded generator, so a failing run can be replayed from its seed */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Server {
  proc: ChildProcess;
  port: number;
  exited: Promise<void>;
}

/** Spawns the server; resolves once it prints its address (recovery is done by then). */
function spawnServer(dir: string): { proc: ChildProcess; ready: Promise<Server>; exited: Promise<void> } {
  const proc = spawn(process.execPath, [CLI, "serve", "--port", "0", "--data-dir", dir], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  const ready = new Promise<Server>((resolve, reject) => {
    proc.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /listening on postgres:\/\/\S+:(\d+)\//.exec(out);
      if (m) resolve({ proc, port: Number(m[1]), exited });
    });
    proc.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    proc.once("exit", (code, signal) => reject(new Error(`server exited (${code ?? signal}) before listening: ${err}`)));
  });
  ready.catch(() => {});
  return { proc, ready, exited };
}

async function client(port: number): Promise<pg.Client> {
  const c = new pg.Client({ host: "127.0.0.1", port, user: "sage", database: "sage" });
  c.on("error", () => {}); // the kill ends every connection
  await c.connect();
  return c;
}

/** Allowed contents of one `acc` row: its value after the last acknowledged write, or any of the
 * values an unacknowledged write may have left ("absent" = no row). */
type AccValue = string; // "grp|amount" or "absent"

interface EventBatch {
  ids: number[];
  rows: Map<number, string>; // id -> "grp|v"
  acked: boolean;
}

class Model {
  acc = new Map<number, Set<AccValue>>();
  grps = new Map<number, Set<string>>();
  batches: EventBatch[] = [];
  eventOwner = new Map<number, EventBatch>();
  /** the largest row count of the generator stream a client has seen */
  genSeen = 0;
  /** the generator's first rows as a client first saw them: a restart must not change them */
  genFirstRows: string | null = null;
  nextId = 1;
  acknowledged = 0;
  unacknowledged = 0;

  current(id: number): AccValue {
    const s = this.acc.get(id)!;
    if (s.size !== 1) throw new Error(`acc ${id} unresolved`);
    return [...s][0];
  }
}

/** One writer: INSERT/UPDATE/DELETE on acc (on ids it owns), multi-row INSERTs into events, UPDATE of grps. */
async function writer(c: pg.Client, m: Model, rand: () => number, owns: (id: number) => boolean, touchesGrps: boolean, stop: () => boolean, errors: string[]): Promise<void> {
  while (!stop()) {
    const r = rand();
    const live = [...m.acc.keys()].filter((id) => owns(id) && m.acc.get(id)!.size === 1 && m.current(id) !== "absent");
    try {
      if (r < 0.45 || live.length === 0) {
        const id = m.nextId++;
        const grp = Math.floor(rand() * GROUPS);
        const amount = Math.floor(rand() * 1000);
        const after = `${grp}|${amount}`;
        m.acc.set(id, new Set(["absent", after]));
        m.unacknowledged++;
        await c.query(`INSERT INTO acc VALUES (${id}, ${grp}, ${amount})`);
        m.acc.set(id, new Set([after]));
        m.unacknowledged--;
        m.acknowledged++;
      } else if (r < 0.65) {
        const id = live[Math.floor(rand() * live.length)];
        const [grp, amount] = m.current(id).split("|").map(Number);
        const d = 1 + Math.floor(rand() * 9);
        const after = `${grp}|${amount + d}`;
        m.acc.get(id)!.add(after);
        m.unacknowledged++;
        await c.query(`UPDATE acc SET amount = amount + ${d} WHERE id = ${id}`);
        m.acc.set(id, new Set([after]));
        m.unacknowledged--;
        m.acknowledged++;
      } else if (r < 0.75) {
        const id = live[Math.floor(rand() * live.length)];
        m.acc.get(id)!.add("absent");
        m.unacknowledged++;
        await c.query(`DELETE FROM acc WHERE id = ${id}`);
        m.acc.set(id, new Set(["absent"]));
        m.unacknowledged--;
        m.acknowledged++;
      } else if (r < 0.8 && touchesGrps) {
        const grp = Math.floor(rand() * GROUPS);
        const name = `g${grp}_${Math.floor(rand() * 3)}`;
        m.grps.get(grp)!.add(name);
        m.unacknowledged++;
        await c.query(`UPDATE grps SET name = '${name}' WHERE grp = ${grp}`);
        m.grps.set(grp, new Set([name]));
        m.unacknowledged--;
        m.acknowledged++;
      } else {
        const n = 1 + Math.floor(rand() * 5);
        const batch = newBatch(m, n, rand);
        m.unacknowledged++;
        await c.query(`INSERT INTO events VALUES ${[...batch.rows].map(([id, row]) => `(${id}, ${row.replace("|", ", ")})`).join(", ")}`);
        batch.acked = true;
        m.unacknowledged--;
        m.acknowledged++;
      }
    } catch (e) {
      if (!stop()) errors.push(`writer: ${(e as Error).message}`);
      return;
    }
  }
}

function newBatch(m: Model, n: number, rand: () => number): EventBatch {
  const batch: EventBatch = { ids: [], rows: new Map(), acked: false };
  for (let i = 0; i < n; i++) {
    const id = m.nextId++;
    batch.ids.push(id);
    batch.rows.set(id, `${Math.floor(rand() * GROUPS)}|${Math.floor(rand() * 100)}`);
    m.eventOwner.set(id, batch);
  }
  m.batches.push(batch);
  return batch;
}

/** COPY FROM STDIN batches into events (each under the COPY's one-statement batch size, so atomic). */
async function copier(c: pg.Client, m: Model, rand: () => number, stop: () => boolean, errors: string[]): Promise<void> {
  while (!stop()) {
    const batch = newBatch(m, 20 + Math.floor(rand() * 300), rand);
    const text = [...batch.rows].map(([id, row]) => `${id}\t${row.replace("|", "\t")}\n`).join("");
    m.unacknowledged++;
    try {
      await pipeline(Readable.from([Buffer.from(text)]), c.query(copyFrom("COPY events FROM STDIN")));
      batch.acked = true;
      m.unacknowledged--;
      m.acknowledged++;
    } catch (e) {
      if (!stop()) errors.push(`copy: ${(e as Error).message}`);
      return;
    }
  }
}

/** Reads the generator stream's row count now and then: what a client saw must survive. */
async function watcher(c: pg.Client, m: Model, stop: () => boolean): Promise<void> {
  while (!stop()) {
    try {
      const r = await c.query("SELECT count(*)::bigint AS n FROM ticks");
      m.genSeen = Math.max(m.genSeen, Number(r.rows[0].n));
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 30));
  }
}

const SETUP = `
  CREATE TABLE acc (id BIGINT PRIMARY KEY, grp INT NOT NULL, amount INT NOT NULL);
  CREATE TABLE events (id BIGINT, grp INT, v INT);
  CREATE TABLE grps (grp INT PRIMARY KEY, name TEXT);
  INSERT INTO grps SELECT g, 'g' || g::text || '_0' FROM generate_series(0, ${GROUPS - 1}) AS s(g);
  CREATE STREAM ticks (seq BIGINT, k INT, v INT, at TIMESTAMP) WITH (connector = 'datagen',
    fields.seq.kind = 'sequence', fields.seq.end = '1000000000', fields.k.min = '0', fields.k.max = '${GROUPS - 1}',
    fields.v.min = '0', fields.v.max = '1000', datagen.rows.per.second = '500', retention = 'all');`;

/** Each view and the query it must equal. */
const VIEWS: [string, string][] = [
  ["acc_by_grp", "SELECT grp, count(*) AS n, sum(amount) AS s, max(amount) AS top FROM acc GROUP BY grp"],
  ["events_by_name", "SELECT g.name, count(*) AS n, sum(e.v) AS s FROM events e JOIN grps g ON e.grp = g.grp GROUP BY g.name"],
  ["acc_events", "SELECT a.grp, count(*) AS n, count(DISTINCT e.id) AS d FROM acc a JOIN events e ON a.id % 50 = e.id % 50 AND a.grp = e.grp GROUP BY a.grp"],
  ["ticks_by_k", "SELECT k, count(*) AS n, sum(v) AS s, max(seq) AS m FROM ticks GROUP BY k"],
  ["ticks_named", "SELECT g.name, count(*) AS n FROM ticks t JOIN grps g ON t.k = g.grp WHERE t.v < 500 GROUP BY g.name"],
];

async function verify(c: pg.Client, m: Model, cycle: number): Promise<void> {
  const where = `cycle ${cycle}`;
  await c.query("FLUSH");
  // acc: one row per id, each in an allowed state; then the model follows what recovery kept
  const acc = await c.query("SELECT id::text AS id, grp, amount FROM acc");
  const seen = new Map<number, AccValue>();
  for (const r of acc.rows) {
    const id = Number(r.id);
    expect(seen.has(id), `${where}: acc id ${id} twice`).toBe(false);
    seen.set(id, `${r.grp}|${r.amount}`);
  }
  for (const id of seen.keys()) expect(m.acc.has(id), `${where}: acc id ${id} was never written`).toBe(true);
  for (const [id, allowed] of m.acc) {
    const actual = seen.get(id) ?? "absent";
    expect([...allowed], `${where}: acc id ${id}`).toContain(actual);
    m.acc.set(id, new Set([actual]));
  }
  const grps = await c.query("SELECT grp, name FROM grps");
  expect(grps.rows.length, `${where}: grps rows`).toBe(GROUPS);
  for (const r of grps.rows) {
    expect([...m.grps.get(r.grp)!], `${where}: grps ${r.grp}`).toContain(r.name);
    m.grps.set(r.grp, new Set([r.name]));
  }
  // events: acknowledged batches exactly once, the others all or nothing
  const ev = await c.query("SELECT id::text AS id, grp, v FROM events");
  const count = new Map<number, number>();
  for (const r of ev.rows) {
    const id = Number(r.id);
    count.set(id, (count.get(id) ?? 0) + 1);
    const batch = m.eventOwner.get(id);
    expect(batch, `${where}: events id ${id} was never written`).toBeDefined();
    expect(`${r.grp}|${r.v}`, `${where}: events id ${id}`).toBe(batch!.rows.get(id));
  }
  const kept: EventBatch[] = [];
  for (const b of m.batches) {
    const present = b.ids.filter((id) => count.has(id)).length;
    for (const id of b.ids) expect(count.get(id) ?? 0, `${where}: events id ${id} copies`).toBeLessThanOrEqual(1);
    if (b.acked) expect(present, `${where}: acknowledged batch of ${b.ids.length} from id ${b.ids[0]}`).toBe(b.ids.length);
    else expect([0, b.ids.length], `${where}: unacknowledged batch from id ${b.ids[0]} is partial`).toContain(present);
    if (present > 0) kept.push({ ...b, acked: true });
    else for (const id of b.ids) m.eventOwner.delete(id);
  }
  m.batches = kept;
  // the generator: a gapless prefix of its sequence, no shorter than any count a client saw
  const t = await c.query("SELECT count(*)::bigint AS n, count(DISTINCT seq)::bigint AS d, coalesce(max(seq), -1)::bigint AS mx, coalesce(min(seq), 0)::bigint AS mn FROM ticks");
  const { n, d, mx, mn } = t.rows[0];
  expect({ d: Number(d), mx: Number(mx), mn: Number(mn) }, `${where}: ticks`).toEqual({ d: Number(n), mx: Number(n) - 1, mn: 0 });
  expect(Number(n), `${where}: ticks lost rows a client had seen`).toBeGreaterThanOrEqual(m.genSeen);
  const first = await c.query("SELECT seq::text, k, v, at::text FROM ticks WHERE seq < 20 ORDER BY seq");
  if (m.genFirstRows === null && first.rows.length === 20) m.genFirstRows = JSON.stringify(first.rows);
  else if (m.genFirstRows !== null) expect(JSON.stringify(first.rows), `${where}: the generator's first rows changed`).toBe(m.genFirstRows);
  // every view equals its query over the recovered input; the view and the query go in one
  // message so the generator cannot tick between them, and a few tries cover the case it does
  for (const [name, query] of VIEWS) {
    let last: [unknown, unknown] = [null, null];
    let equal = false;
    for (let attempt = 0; attempt < 5 && !equal; attempt++) {
      const res = (await c.query(`SELECT * FROM ${name} ORDER BY 1; ${query} ORDER BY 1`)) as unknown as pg.QueryResult[];
      last = [res[0].rows, res[1].rows];
      equal = JSON.stringify(last[0]) === JSON.stringify(last[1]);
    }
    expect(last[0], `${where}: view ${name}`).toEqual(last[1]);
  }
}

describe("crash recovery under SIGKILL", () => {
  it(`keeps every acknowledged write exactly once and views equal to their queries across ${CYCLES} kills`, { timeout: 480_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "sage-crashtest-"));
    const rand = rng(SEED);
    const m = new Model();
    for (let g = 0; g < GROUPS; g++) m.grps.set(g, new Set([`g${g}_0`]));
    let kills = 0;
    let startupKills = 0;
    let server: Server | null = null;
    try {
      for (let cycle = 0; cycle <= CYCLES; cycle++) {
        // now and then a kill lands during recovery itself
        if (cycle > 0 && rand() < 0.2) {
          const early = spawnServer(dir);
          await new Promise((r) => setTimeout(r, Math.floor(rand() * 400)));
          early.proc.kill("SIGKILL");
          await early.exited;
          startupKills++;
        }
        const s = spawnServer(dir);
        server = await s.ready;
        trace(`cycle ${cycle}: server up on ${server.port}`);
        const admin = await client(server.port);
        if (cycle === 0) {
          await admin.query(SETUP);
          for (const [name, query] of VIEWS) await admin.query(`CREATE MATERIALIZED VIEW ${name} AS ${query}`);
        } else {
          await verify(admin, m, cycle);
          trace(`cycle ${cycle}: verified`);
        }
        if (cycle === CYCLES) {
          await admin.end();
          break;
        }
        // the load, until the kill
        let killed = false;
        const stop = () => killed;
        const errors: string[] = [];
        const clients = await Promise.all([client(server.port), client(server.port), client(server.port), client(server.port)]);
        const work = [
          writer(clients[0], m, rng(SEED + cycle * 7 + 1), (id) => id % 2 === 0, true, stop, errors),
          writer(clients[1], m, rng(SEED + cycle * 7 + 2), (id) => id % 2 === 1, false, stop, errors),
          copier(clients[2], m, rng(SEED + cycle * 7 + 3), stop, errors),
          watcher(clients[3], m, stop),
        ];
        await new Promise((r) => setTimeout(r, 150 + Math.floor(rand() * 1000)));
        killed = true;
        server.proc.kill("SIGKILL");
        await server.exited;
        kills++;
        trace(`cycle ${cycle}: killed (${m.acknowledged} acknowledged so far)`);
        await Promise.all(work);
        for (const c of [admin, ...clients]) void c.end().catch(() => {});
        expect(errors, `cycle ${cycle}: statements failed before the kill`).toEqual([]);
        server = null;
      }
      expect(kills).toBe(CYCLES);
      // the run must have exercised something: many acknowledged writes, some cut off by a kill
      expect(m.acknowledged).toBeGreaterThan(CYCLES);
      expect(m.genSeen).toBeGreaterThan(0);
      console.log(`crash test seed ${SEED}: ${kills} kills under load + ${startupKills} during recovery, ${m.acknowledged} acknowledged writes (${m.unacknowledged} cut off by a kill), ${m.acc.size} acc ids, ${m.batches.length} event batches, ${m.genSeen} generator rows seen`);
    } catch (e) {
      (e as Error).message = `[crash test seed ${SEED}; rerun with CRASH_SEED=${SEED}] ${(e as Error).message}`;
      throw e;
    } finally {
      if (server) {
        server.proc.kill("SIGKILL");
        await server.exited;
      }
      if (process.env.CRASH_KEEP_DIR) trace(`data directory kept: ${dir}`);
      else rmSync(dir, { recursive: true, force: true });
    }
  });
});
