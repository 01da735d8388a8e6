// A throwaway PostgreSQL 15 for connector tests: initdb in a temp directory (as a non-root user
// when run as root: Postgres refuses root), started on loopback with wal_level = logical so that
// logical replication (CDC) works, and removed on stop. Port: PG_TEST_PORT or the one given.

import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

const BIN = process.env.PGBIN ?? "/usr/lib/postgresql/15/bin";
const USER = process.env.PGSLT_USER ?? "pgtest";

export const hasPostgres = (() => {
  try {
    execFileSync(`${BIN}/pg_ctl`, ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

function asUser(cmd: string): string {
  const root = process.getuid?.() === 0;
  if (!root) return execFileSync("bash", ["-c", cmd], { encoding: "utf8" });
  try {
    execFileSync("id", [USER], { stdio: "ignore" });
  } catch {
    // another test file may be creating it at the same moment: fine if it exists afterwards
    try {
      execFileSync("useradd", ["-m", USER], { stdio: "ignore" });
    } catch {
      execFileSync("id", [USER], { stdio: "ignore" });
    }
  }
  return execFileSync("su", [USER, "-s", "/bin/bash", "-c", cmd], { encoding: "utf8" });
}

export interface PgServer {
  port: number;
  dir: string;
  config: { host: string; port: number; user: string; database: string };
  query(sql: string, params?: unknown[]): Promise<pg.QueryResult>;
  /** a query's rows as Postgres's own text, values joined by `|` (NULL as `NULL`), to compare with ours */
  textRows(sql: string): Promise<string[]>;
  /**
   * Drops replication slots once their walsenders have gone: a client's replication connection
   * closes before the server's backend for it exits, and an active slot cannot be dropped.
   */
  dropSlots(...names: string[]): Promise<void>;
  /** stop (fast), keeping the data directory: start() brings it back */
  stop(): void;
  start(): void;
  /** stop and remove the data directory */
  destroy(): void;
}

export function startPostgres(port: number, settings: string[] = ["wal_level=logical", "max_replication_slots=10", "max_wal_senders=10"]): PgServer {
  const dir = mkdtempSync(join(tmpdir(), "sage-pg-"));
  chmodSync(dir, 0o777);
  const data = join(dir, "data");
  asUser(`${BIN}/initdb -D ${data} -U postgres --auth=trust --locale=C --encoding=UTF8 >/dev/null`);
  const opts = ["-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1", "-c", "timezone=UTC", "-c", "lc_messages=C", "-c", "fsync=off", ...settings.flatMap((s) => ["-c", s])].join(" ");
  const log = join(dir, "server.log");
  // -t 180: a loaded CI machine can take longer than pg_ctl's default 60 s to accept connections.
  // A failure carries the server log's tail (the bare "could not start server" said nothing).
  const start = () => {
    try {
      asUser(`${BIN}/pg_ctl -D ${data} -l ${log} -w -t 180 -o '${opts}' start >/dev/null`);
    } catch (e) {
      const tail = existsSync(log) ? readFileSync(log, "utf8").split("\n").slice(-15).join("\n") : "(no server log)";
      throw new Error(`${(e as Error).message}\n--- ${log} ---\n${tail}`);
    }
  };
  const stop = () => {
    try {
      asUser(`${BIN}/pg_ctl -D ${data} -m fast -w stop >/dev/null`);
    } catch {
      /* already stopped */
    }
  };
  start();
  const config = { host: "127.0.0.1", port, user: "postgres", database: "postgres" };
  return {
    port,
    dir,
    config,
    async query(sql, params) {
      const c = new pg.Client(config);
      await c.connect();
      try {
        return await c.query(sql, params);
      } finally {
        await c.end();
      }
    },
    async textRows(sql) {
      const r = await this.query(sql);
      return r.rows.map((row) => Object.values(row).map((v) => (v === null ? "NULL" : String(v))).join("|"));
    },
    async dropSlots(...names) {
      const deadline = Date.now() + 15_000;
      const active = async () =>
        (await this.query("SELECT count(*)::int AS n FROM pg_replication_slots WHERE slot_name = ANY($1) AND active", [names])).rows[0].n as number;
      while ((await active()) > 0) {
        if (Date.now() > deadline) throw new Error(`replication slots ${names.join(", ")} still active after 15 s`);
        await new Promise((r) => setTimeout(r, 50));
      }
      await this.query("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ANY($1)", [names]);
    },
    stop,
    start,
    destroy() {
      stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
