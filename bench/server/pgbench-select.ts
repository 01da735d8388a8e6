// Point selects by primary key over the wire protocol: pgbench's select-only script
// (`\set aid random(1, 100000 * :scale)` / `SELECT abalance FROM pgbench_accounts WHERE aid = :aid`)
// with prepared statements at N concurrent clients, against sage-sql's server (in this process,
// over an in-memory database) and a real PostgreSQL 15 started here in a temp dir on loopback
// (initdb + pg_ctl; as root the server runs as the unprivileged user `pgtest`). Both hold the
// same pgbench tables at scale 1 (100k accounts, primary keys). Rounds alternate sage and
// postgres; each reports pgbench's TPS and average latency, and the rows pair them as ratios.

import { execFile, execFileSync } from "node:child_process";
import { chownSync, mkdtempSync, rmSync } from "node:fs";
import { freePort } from "../../test/free-port.js";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { Database } from "../../src/index.js";
import { PgServer } from "../../src/server/index.js";
import { type BenchCase, type BenchContext, type BenchModule, type Contender, type Measurement, measure, resultRow } from "../lib/harness.js";

const PG_BIN = process.env.PGBIN ?? "/usr/lib/postgresql/15/bin";
const PG_USER = "pgtest";

function run(cmd: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { env: { ...process.env, ...env }, timeout: 600_000, maxBuffer: 16 * 2 ** 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${cmd} ${args.join(" ")}: ${stderr || error.message}`));
      else resolve(stdout + stderr);
    });
  });
}

const isRoot = process.getuid?.() === 0;

/** Runs a PostgreSQL binary, as `pgtest` when we are root (postgres refuses to run as root). */
function asPgUser(bin: string, args: string[]): Promise<string> {
  return isRoot ? run("runuser", ["-u", PG_USER, "--", join(PG_BIN, bin), ...args]) : run(join(PG_BIN, bin), args);
}

/** A throwaway PostgreSQL 15 on loopback. */
async function startPostgres(): Promise<{ port: number; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), "sage-bench-pg-"));
  if (isRoot) {
    try {
      execFileSync("id", [PG_USER], { stdio: "ignore" });
    } catch {
      execFileSync("useradd", ["-m", PG_USER]);
    }
    const uid = Number(execFileSync("id", ["-u", PG_USER]).toString());
    const gid = Number(execFileSync("id", ["-g", PG_USER]).toString());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, "data");
  const port = await freePort();
  await asPgUser("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "--locale=C", "--encoding=UTF8"]);
  await asPgUser("pg_ctl", ["-D", data, "-l", join(dir, "server.log"), "-w", "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=100 -c fsync=off`, "start"]);
  return {
    port,
    stop: async () => {
      await asPgUser("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const TABLES = [
  "CREATE TABLE pgbench_branches (bid INT PRIMARY KEY, bbalance INT, filler CHAR(88))",
  "CREATE TABLE pgbench_tellers (tid INT PRIMARY KEY, bid INT, tbalance INT, filler CHAR(84))",
  "CREATE TABLE pgbench_accounts (aid INT PRIMARY KEY, bid INT, abalance INT, filler CHAR(84))",
  "CREATE TABLE pgbench_history (tid INT, bid INT, aid INT, delta INT, mtime TIMESTAMP, filler CHAR(22))",
];

interface PgbenchFigures {
  tps: number;
  latencyMs: number;
}

async function pgbenchSelect(port: number, user: string, clients: number, seconds: number): Promise<PgbenchFigures> {
  const out = await run("pgbench", ["-h", "127.0.0.1", "-p", String(port), "-U", user, "-n", "-S", "-M", "prepared", "-c", String(clients), "-j", "2", "-T", String(seconds), "postgres"], { PGPASSWORD: "" });
  const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(out);
  const lat = /latency average = ([\d.]+) ms/.exec(out);
  const failed = /number of failed transactions: (\d+)/.exec(out);
  if (!tps || !lat) throw new Error(`unexpected pgbench output: ${out}`);
  if (failed && failed[1] !== "0") throw new Error(`pgbench reported ${failed[1]} failed transactions`);
  return { tps: Number(tps[1]), latencyMs: Number(lat[1]) };
}

function selectCase(): BenchCase {
  return {
    name: "pgbench-select",
    async run(ctx: BenchContext) {
      const clients = ctx.quick ? 4 : 16;
      const seconds = ctx.quick ? 1 : 10;
      const db = await Database.open({ memory: true });
      const server = await PgServer.start({ db, host: "127.0.0.1", port: 0 });
      let postgres: { port: number; stop(): Promise<void> } | null = null;
      try {
        // sage: the tables with primary keys, then pgbench's client-side data generation (COPY)
        const c = new pg.Client({ host: "127.0.0.1", port: server.port, user: "sage", database: "postgres" });
        await c.connect();
        for (const sql of TABLES) await c.query(sql);
        await c.end();
        ctx.log("  pgbench-select: loading sage (scale 1, 100k accounts)");
        await run("pgbench", ["-h", "127.0.0.1", "-p", String(server.port), "-U", "sage", "-i", "-I", "g", "-s", "1", "postgres"]);
        let pgError: string | null = null;
        try {
          postgres = await startPostgres();
          await run("pgbench", ["-h", "127.0.0.1", "-p", String(postgres.port), "-U", "postgres", "-i", "-s", "1", "-q", "postgres"]);
        } catch (e) {
          pgError = e instanceof Error ? e.message.split("\n")[0] : String(e);
          ctx.log(`  pgbench-select: PostgreSQL unavailable: ${pgError}`);
        }
        const latency = new Map<string, number[]>();
        const contender = (name: string, port: () => number, user: string): Contender => ({
          name,
          optional: name !== "sage",
          async run(round) {
            if (name === "postgres" && pgError) throw new Error(pgError);
            const f = await pgbenchSelect(port(), user, clients, seconds);
            if (round >= 0) {
              if (!latency.has(name)) latency.set(name, []);
              latency.get(name)!.push(f.latencyMs);
            }
            return { value: f.tps };
          },
        });
        const m = await measure({
          name: "pgbench-select",
          contenders: [contender("sage", () => server.port, "sage"), contender("postgres", () => postgres!.port, "postgres")],
          runs: ctx.quick ? 3 : 5,
          warmups: 1,
          minWarmupSeconds: 0,
          ctx,
        });
        const note = `pgbench -S -M prepared, ${clients} clients, -j 2, ${seconds} s per run; scale 1 (100k rows, primary key on aid); same machine, loopback TCP`;
        const lat: Measurement = { values: latency, checks: new Map(), heap: new Map(), failed: m.failed, single: new Map() };
        return [
          resultRow(m, { name: "pgbench-select/tps", unit: "tx/s", higherIsBetter: true, sage: "sage", notes: note }),
          resultRow(lat, { name: "pgbench-select/latency", unit: "ms", higherIsBetter: false, sage: "sage", notes: note }),
        ];
      } finally {
        await postgres?.stop();
        await server.close();
        await db.close();
      }
    },
  };
}

export const serverModule: BenchModule = {
  name: "server",
  description: "the Postgres wire server under pgbench: point selects by primary key, against PostgreSQL 15 in the same run",
  cases: [selectCase()],
};
