// Differential privilege test: the same roles, memberships, ownership changes, GRANT/REVOKE and
// default privileges run on a real PostgreSQL 15 (started here) and on sage-sql; then generated
// (role, statement) attempts run on both, each connected as the role itself, and whether each
// is allowed, or denied with which SQLSTATE and message, must match. PRIV_SEED picks another
// generated script (the seed is printed with any mismatch); PRIV_ALL=1 prints every mismatch.
// The same attempts also run through the HTTP API (POST /api/query, HTTP Basic with each role's
// password) against a second sage-sql database given the same script: it must agree too.

import { execFileSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { freePort } from "./free-port.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { Database, HttpServer, PgServer, ServerMetrics } from "../src/index.js";

const PG_BIN = "/usr/lib/postgresql/15/bin";
const SCRIPT = new URL("../sqltests/tools/pg-server.sh", import.meta.url).pathname;
const havePg = existsSync(`${PG_BIN}/initdb`);

const ROLES = ["r_owner", "r_reader", "r_writer", "r_grp", "r_member", "r_noinh", "r_nobody", "r_col", "r_admin"];

/** Run on both, as the superuser (sage / postgres), in order. */
const SETUP = [
  ...ROLES.map((r) => `CREATE ROLE ${r} LOGIN${r === "r_noinh" ? " NOINHERIT" : ""}`),
  "GRANT CREATE ON SCHEMA public TO r_owner",
  "CREATE SCHEMA app",
  "GRANT USAGE, CREATE ON SCHEMA app TO r_owner",
  "GRANT USAGE ON SCHEMA app TO r_grp",
  "GRANT r_grp TO r_member",
  "GRANT r_grp TO r_noinh",
  "GRANT r_reader TO r_admin WITH ADMIN OPTION",
  "ALTER DEFAULT PRIVILEGES FOR ROLE r_owner GRANT SELECT ON TABLES TO r_nobody",
  "ALTER DEFAULT PRIVILEGES FOR ROLE r_owner IN SCHEMA app GRANT INSERT, UPDATE ON TABLES TO r_reader",
  "ALTER DEFAULT PRIVILEGES FOR ROLE r_col GRANT ALL ON TABLES TO r_grp WITH GRANT OPTION",
  "ALTER DEFAULT PRIVILEGES FOR ROLE r_col REVOKE SELECT ON TABLES FROM r_col",
  "GRANT CREATE ON SCHEMA public TO r_col",
  "SET ROLE r_owner",
  "CREATE TABLE t1 (id int, v int, secret text)",
  "INSERT INTO t1 VALUES (1, 10, 'a'), (2, 20, 'b'), (3, 30, 'c')",
  "CREATE TABLE app.t2 (id int, v int)",
  "INSERT INTO app.t2 VALUES (1, 1)",
  "CREATE VIEW v1 AS SELECT id, v FROM t1",
  "CREATE MATERIALIZED VIEW m1 AS SELECT id, v FROM t1",
  "GRANT SELECT ON t1 TO r_reader",
  "GRANT SELECT, INSERT, UPDATE, DELETE ON t1 TO r_writer",
  "GRANT SELECT ON v1 TO r_grp",
  "GRANT SELECT ON m1 TO PUBLIC",
  "GRANT SELECT (id, v), UPDATE (v), INSERT (id, v) ON t1 TO r_col",
  "GRANT ALL ON app.t2 TO r_grp",
  "GRANT TRUNCATE ON t1 TO r_writer WITH GRANT OPTION",
  "RESET ROLE",
  "CREATE TABLE t3 (id int, v int)",
  "INSERT INTO t3 VALUES (1, 1)",
  "ALTER TABLE t3 OWNER TO r_writer",
  "REVOKE UPDATE ON t1 FROM r_writer",
  "SET ROLE r_writer",
  "GRANT TRUNCATE ON t1 TO r_reader",
  "GRANT SELECT ON t3 TO r_col WITH GRANT OPTION",
  "RESET ROLE",
  "CREATE TABLE t4 (id int, v int)",
  "GRANT SELECT ON ALL TABLES IN SCHEMA app TO r_reader",
  "GRANT INSERT ON t4 TO PUBLIC",
  "CREATE VIEW v4 AS SELECT id FROM t4",
  "ALTER VIEW v4 OWNER TO r_reader",
  "GRANT SELECT ON v4 TO r_nobody",
  // the database: CREATE (what CREATE SCHEMA needs) through a group, CONNECT with grant option
  "GRANT CREATE ON DATABASE sage TO r_grp",
  "GRANT CONNECT ON DATABASE sage TO r_admin WITH GRANT OPTION",
];

const RELS = ["t1", "app.t2", "v1", "m1", "t3", "t4", "v4"];
const TABLES = ["t1", "app.t2", "t3", "t4"];
const PRIVS = ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE"];

/** mulberry32: a small seeded generator, so a failing run can be replayed. */
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

function generate(seed: number, n: number): { role: string; sql: string }[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  let k = 0;
  // tables the run creates (owners' default privileges apply to them); a failed CREATE fails alike on both
  const created: string[] = ["t1"];
  const rareOnes = new Set<() => string>();
  const rare = (f: () => string) => (rareOnes.add(f), f);
  const templates: (() => string)[] = [
    () => `SELECT * FROM ${pick(RELS)}`,
    () => `SELECT id FROM ${pick(RELS)}`,
    () => `SELECT count(*) FROM ${pick(RELS)}`,
    () => `SELECT v FROM t1 WHERE id = 1`,
    () => `SELECT ${pick(["id", "v", "secret", "id, secret"])} FROM t1`,
    () => `SELECT a.id FROM ${pick(RELS)} a JOIN ${pick(RELS)} b ON a.id = b.id`,
    () => `SELECT id FROM t1 WHERE id IN (SELECT id FROM ${pick(RELS)})`,
    () => `INSERT INTO ${pick(TABLES)} (id, v) VALUES (${100 + k++}, 1)`,
    () => `INSERT INTO t1 (id, v, secret) VALUES (${100 + k++}, 1, 'x')`,
    // (views Postgres can update automatically are not writable here: only denials of them are compared)
    () => `INSERT INTO m1 (id, v) VALUES (${100 + k++}, 1)`,
    () => `UPDATE ${pick(TABLES)} SET v = 5 WHERE id = 1`,
    () => `UPDATE t1 SET ${pick(["v = 7", "v = v + 1", "secret = 'z'", "v = id"])}`,
    () => `DELETE FROM ${pick(TABLES)} WHERE id = -1`,
    () => `DELETE FROM ${pick(TABLES)} WHERE false`,
    () => `TRUNCATE ${pick(["t1", "t3", "t4", "app.t2"])}`,
    rare(() => `ALTER TABLE ${pick(TABLES)} RENAME COLUMN zz TO yy`),
    rare(() => `DROP TABLE ${pick(TABLES)}, zz_missing`),
    rare(() => `DROP VIEW ${pick(["v1", "v4"])}, zz_missing`),
    () => {
      const name = `${pick(["", "app."])}new_${k++}`;
      created.push(name);
      return `CREATE TABLE ${name} (id int, v int)`;
    },
    () => `SELECT * FROM ${pick(created)}`,
    () => `INSERT INTO ${pick(created)} (id, v) VALUES (1, 2)`,
    () => `UPDATE ${pick(created)} SET v = 3 WHERE id = 1`,
    rare(() => `GRANT SELECT ON ${pick(created)} TO ${pick(ROLES)}`),
    () => `CREATE VIEW new_v${k++} AS SELECT * FROM ${pick(RELS)}`,
    () => `CREATE MATERIALIZED VIEW new_m${k++} AS SELECT id FROM ${pick(RELS)}`,
    rare(() => `ALTER TABLE ${pick(TABLES)} OWNER TO ${pick(ROLES)}`),
    rare(() => `GRANT ${pick(PRIVS)} ON ${pick(RELS)} TO ${pick(ROLES)}`),
    rare(() => `REVOKE ${pick(PRIVS)} ON ${pick(RELS)} FROM ${pick(ROLES)}`),
    rare(() => `GRANT ${pick(["r_grp", "r_reader"])} TO ${pick(ROLES)}`),
    rare(() => `GRANT SELECT ON ${pick(RELS)} TO ${pick(ROLES)} GRANTED BY ${pick(ROLES)}`),
    rare(() => `REVOKE GRANT OPTION FOR ${pick(PRIVS)} ON ${pick(RELS)} FROM ${pick(ROLES)} ${pick(["CASCADE", "RESTRICT"])}`),
    rare(() => `GRANT ${pick(PRIVS)} ON ${pick(RELS)} TO ${pick(ROLES)} WITH GRANT OPTION`),
    rare(() => `SET ROLE ${pick(ROLES)}`),
    () => `CREATE SCHEMA s_${k++}`,
    () => `SELECT has_table_privilege('${pick(ROLES)}', '${pick(RELS)}', '${pick(PRIVS)}')`,
    () => `SELECT has_column_privilege('${pick(ROLES)}', 't1', '${pick(["id", "v", "secret"])}', '${pick(["SELECT", "UPDATE", "INSERT"])}')`,
    () => `SELECT has_schema_privilege('${pick(ROLES)}', '${pick(["public", "app"])}', '${pick(["USAGE", "CREATE"])}')`,
    () => `SELECT pg_has_role('${pick(ROLES)}', '${pick(ROLES)}', '${pick(["MEMBER", "USAGE"])}')`,
    () => `SELECT has_database_privilege('${pick(ROLES)}', 'sage', '${pick(["CONNECT", "CREATE", "TEMP", "CREATE WITH GRANT OPTION", "CONNECT WITH GRANT OPTION"])}')`,
    rare(() => `GRANT ${pick(["CREATE", "CONNECT", "ALL"])} ON DATABASE sage TO ${pick(ROLES)}`),
    rare(() => `REVOKE ${pick(["CREATE", "CONNECT"])} ON DATABASE sage FROM ${pick(ROLES)}`),
    // no role here has CREATEDB or owns the database: each is refused, with Postgres's words
    rare(() => `CREATE DATABASE d_${k++}`),
    rare(() => pick(["DROP DATABASE sage", "ALTER DATABASE sage CONNECTION LIMIT 5", "ALTER DATABASE sage RENAME TO d_new", "ALTER DATABASE sage OWNER TO r_owner"])),
    () => `SELECT current_user, session_user`,
  ];
  // ownership changes and grants are rarer than reads and writes, so the script keeps its shape
  const weights = templates.map((t) => (rareOnes.has(t) ? 0.4 : 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const out: { role: string; sql: string }[] = [];
  for (let i = 0; i < n; i++) {
    let x = r() * total;
    let t = 0;
    while (x >= weights[t]) x -= weights[t++];
    out.push({ role: pick(ROLES), sql: templates[t]() });
  }
  return out;
}

/** allowed (with the rows, for inquiries) or denied with SQLSTATE and message. */
type Outcome = string;

function describeError(e: unknown): Outcome {
  const err = e as { code?: string; message?: string };
  return `ERROR ${err.code} ${err.message}`;
}

describe.skipIf(!havePg)("privileges against PostgreSQL 15", () => {
  const dir = `/tmp/sage-priv-pg-${process.pid}`;
  let port = 0;
  let db: Database;
  const clients = new Map<string, pg.Client>();
  // the HTTP side: its own database (attempts change state), served with password logins only
  let httpDb: Database;
  let httpPg: PgServer;
  let http: HttpServer;
  let metrics: ServerMetrics;

  beforeAll(async () => {
    port = Number(process.env.PRIV_PGPORT ?? 0) || (await freePort());
    const env = { ...process.env, PGPORT: String(port), PGSLT_DIR: dir };
    execFileSync("bash", [SCRIPT, "start"], { env, stdio: "pipe" });
    const admin = new pg.Client({ host: "127.0.0.1", port, user: "postgres", database: "postgres" });
    await admin.connect();
    await admin.query("CREATE DATABASE sage");
    await admin.end();
    db = await Database.open({ memory: true });
    httpDb = await Database.open({ memory: true });
    const hba = [{ host: "all", user: "sage", method: "trust" as const }, { host: "all", user: "all", method: "scram-sha-256" as const }];
    httpPg = await PgServer.start({ db: httpDb, host: "127.0.0.1", port: 0, hba });
    metrics = new ServerMetrics(httpDb, () => httpPg.sessionCount);
    http = await HttpServer.start({ db: httpDb, host: "127.0.0.1", port: 0, hba, users: httpPg.users, defaultUser: "sage", metrics });
  }, 60_000);

  afterAll(async () => {
    for (const c of clients.values()) await c.end().catch(() => {});
    await db?.close();
    await http?.close();
    metrics?.close();
    await httpPg?.close();
    await httpDb?.close();
    try {
      execFileSync("bash", [SCRIPT, "stop"], { env: { ...process.env, PGPORT: String(port), PGSLT_DIR: dir }, stdio: "pipe" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("allows and denies what Postgres does, with its SQLSTATE and message", async () => {
    // a fixed seed keeps CI deterministic; PRIV_SEED=<n> explores others (seed 31 shows a known gap:
    // Postgres's per-column pass of a table-level REVOKE by a non-owner, see docs/security.md)
    const seed = Number(process.env.PRIV_SEED ?? 1);
    const pgAdmin = new pg.Client({ host: "127.0.0.1", port, user: "postgres", database: "sage" });
    await pgAdmin.connect();
    const sageAdmin = db.connect();
    const httpAdmin = httpDb.connect();
    for (const sql of SETUP) {
      await pgAdmin.query(sql);
      await sageAdmin.execute(sql);
      await httpAdmin.execute(sql);
    }
    for (const r of ROLES) await httpAdmin.execute(`ALTER ROLE ${r} PASSWORD 'pw-${r}'`);
    await pgAdmin.end();
    const sessions = new Map(ROLES.map((r) => [r, db.connect({ user: r })]));
    for (const r of ROLES) {
      const c = new pg.Client({ host: "127.0.0.1", port, user: r, database: "sage" });
      await c.connect();
      clients.set(r, c);
    }
    const attempts = generate(seed, 700);
    const mismatches: string[] = [];
    const httpMismatches: string[] = [];
    const counts = { allowed: 0, denied: 0, otherErrors: 0 };
    for (const { role, sql } of attempts) {
      let want: Outcome;
      let got: Outcome;
      try {
        const r = await clients.get(role)!.query({ text: sql, rowMode: "array" });
        want = `OK ${sql.startsWith("SELECT has_") || sql.startsWith("SELECT pg_has") || sql.startsWith("SELECT current_user") ? JSON.stringify(r.rows) : ""}`;
      } catch (e) {
        want = describeError(e);
      }
      try {
        const r = await sessions.get(role)!.execute(sql);
        got = `OK ${sql.startsWith("SELECT has_") || sql.startsWith("SELECT pg_has") || sql.startsWith("SELECT current_user") ? JSON.stringify(r[r.length - 1].rows) : ""}`;
      } catch (e) {
        got = describeError(e);
      }
      // the HTTP API: one request (a session of its own) per attempt
      const res = await fetch(`http://127.0.0.1:${http.port}/api/query`, {
        method: "POST",
        headers: { authorization: `Basic ${Buffer.from(`${role}:pw-${role}`).toString("base64")}`, "content-type": "application/json" },
        body: JSON.stringify({ sql }),
      });
      const body = (await res.json()) as { results: { rows: unknown[][] }[]; error?: { code: string; message: string } };
      const viaHttp: Outcome = body.error
        ? `ERROR ${body.error.code} ${body.error.message}`
        : `OK ${sql.startsWith("SELECT has_") || sql.startsWith("SELECT pg_has") || sql.startsWith("SELECT current_user") ? JSON.stringify(body.results[body.results.length - 1].rows) : ""}`;
      if (want !== viaHttp) httpMismatches.push(`${role}: ${sql}\n  postgres: ${want}\n  http: ${viaHttp}`);
      // SET ROLE lasts for the next attempts of that role on both sides; put it back after one statement
      if (sql.startsWith("SET ROLE")) {
        await clients.get(role)!.query("RESET ROLE");
        await sessions.get(role)!.execute("RESET ROLE");
      }
      if (want.startsWith("OK")) counts.allowed++;
      else if (want.startsWith("ERROR 42501")) counts.denied++;
      else counts.otherErrors++;
      if (want !== got) mismatches.push(`${role}: ${sql}\n  postgres: ${want}\n  sage-sql: ${got}`);
    }
    const summary = `seed ${seed} (PRIV_SEED=${seed} replays it): ${attempts.length} attempts, ${counts.allowed} allowed, ${counts.denied} denied (42501), ${counts.otherErrors} other errors; ${mismatches.length} mismatches`;
    console.log(summary);
    if (process.env.PRIV_ALL) console.log(mismatches.join("\n"));
    console.log(`HTTP API: ${attempts.length} attempts, ${httpMismatches.length} mismatches`);
    if (process.env.PRIV_ALL) console.log(httpMismatches.join("\n"));
    expect(mismatches.slice(0, 15).join("\n"), summary).toBe("");
    expect(httpMismatches.slice(0, 15).join("\n"), `HTTP API, ${summary}`).toBe("");
    expect(counts.allowed).toBeGreaterThan(100);
    expect(counts.denied).toBeGreaterThan(100);
  }, 120_000);
});
