// A database in memory (or in a temp data directory) served over pgwire and HTTP on free loopback
// ports, as `sage-sql serve` wires them: the HTTP tests start one per case and stop them all after.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Database } from "../../src/index.js";
import { HttpServer, PgServer, ServerMetrics, type HbaRule, type UserConfig } from "../../src/server/index.js";

export interface RunningServers {
  db: Database;
  pg: PgServer;
  http: HttpServer;
  metrics: ServerMetrics;
  /** the HTTP port's base URL */
  url: string;
  /** the data directory, when asked for one */
  dir?: string;
}

export interface ServerOptions {
  users?: UserConfig[];
  hba?: HbaRule[];
  /** a temp data directory (checkpoints off) instead of memory */
  dataDir?: boolean;
  sessionIdleMs?: number;
  loginFailures?: { max: number; windowMs: number };
  /** the HTTP port serves HTTPS with this key and certificate */
  tls?: { key: Buffer; cert: Buffer };
}

const running: RunningServers[] = [];

export async function startServers(options: ServerOptions = {}): Promise<RunningServers> {
  const dir = options.dataDir ? mkdtempSync(join(tmpdir(), "sage-http-")) : undefined;
  const db = await Database.open(dir ? { dataDir: dir, checkpointInterval: 0 } : { memory: true });
  let server: PgServer | undefined;
  const metrics = new ServerMetrics(db, () => server?.sessionCount ?? 0);
  server = await PgServer.start({ db, port: 0, users: options.users, hba: options.hba, onQuery: (s, ok) => metrics.queryDone("pgwire", s, ok) });
  const http = await HttpServer.start({ db, port: 0, hba: server.hba, users: server.users, defaultUser: "sage", metrics, sessionIdleMs: options.sessionIdleMs, loginFailures: options.loginFailures, tls: options.tls });
  const r: RunningServers = { db, pg: server, http, metrics, url: `http://127.0.0.1:${http.port}`, dir };
  running.push(r);
  return r;
}

/** Stops every server startServers started (call it in afterEach). */
export async function stopServers(): Promise<void> {
  for (const r of running.splice(0)) {
    await r.http.close();
    await r.pg.close();
    r.metrics.close();
    await r.db.close();
    if (r.dir) rmSync(r.dir, { recursive: true, force: true });
  }
}
