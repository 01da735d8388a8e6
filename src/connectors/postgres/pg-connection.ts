// Connecting to a PostgreSQL server from a connector's WITH options (hostname, port, username,
// password, database), shared by the Postgres sink and the CDC source; and telling passing failures
// (server down, connection lost) from ones a retry cannot fix.

import type pg from "pg";
import { SqlError, SqlState } from "../../types/index.js";
import type { ConnectorOptions } from "../connector-options.js";

export interface PgTarget {
  host: string;
  port: number;
  user: string;
  /** the value, or (password = SECRET name) what reads the secret when connecting: never stored */
  password: string | (() => string) | undefined;
  database: string;
}

/**
 * The connection options; 22023 on a bad one. `password_secret` (from `password = SECRET name`)
 * names a secret `resolveSecret` opens at each connect.
 */
export function readPgTarget(o: ConnectorOptions, resolveSecret?: (name: string) => string): PgTarget {
  const secret = o.raw("password_secret")?.value;
  if (secret !== undefined && o.raw("password") !== undefined) throw new SqlError(SqlState.InvalidParameterValue, `give option "password" once`);
  if (secret !== undefined && resolveSecret === undefined) throw new SqlError(SqlState.FeatureNotSupported, `option "password" cannot take a SECRET here`);
  return {
    host: o.string(["hostname", "host"], "127.0.0.1"),
    port: o.number("port", 5432, { min: 1, max: 65535 }),
    user: o.string(["username", "user"], "postgres"),
    password: secret !== undefined ? () => resolveSecret!(secret) : o.raw("password")?.value,
    database: o.string(["database", "dbname"], "postgres"),
  };
}

/** `pg`, loaded on first use (not at every process start) */
let pgModule: Promise<typeof pg> | null = null;

export async function connectPg(t: PgTarget, extra: Partial<pg.ClientConfig> = {}): Promise<pg.Client> {
  pgModule ??= import("pg").then((m) => m.default);
  const { Client } = await pgModule;
  // a secret is opened at each connect (a replaced or rotated one is picked up), never kept
  const password = typeof t.password === "function" ? t.password() : t.password;
  const client = new Client({ host: t.host, port: t.port, user: t.user, password, database: t.database, connectionTimeoutMillis: 10_000, ...extra });
  // an idle client's socket error must not crash the process: the next query sees it
  client.on("error", () => undefined);
  await client.connect();
  return client;
}

/** SQLSTATE classes a retry can outlast: connection (08), resources (53), operator intervention (57), transaction rollback (40). */
export function pgRetryable(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return e instanceof Error && !(e instanceof SqlError);
  if (/^(08|53|57|40)/.test(code)) return true;
  // node socket errors: ECONNREFUSED, ECONNRESET, ETIMEDOUT, EPIPE, ...
  return /^E[A-Z]+$/.test(code);
}

/** A Postgres error as ours, keeping its SQLSTATE when it has one. */
export function pgError(e: unknown, what: string, hint?: string): SqlError {
  if (e instanceof SqlError) return e;
  const err = e as { code?: string; message?: string; detail?: string };
  const code = typeof err?.code === "string" && /^[0-9A-Z]{5}$/.test(err.code) ? err.code : "08006";
  return new SqlError(code, `${what}: ${err?.message ?? String(e)}`, { ...(err?.detail ? { detail: err.detail } : {}), ...(hint ? { hint } : {}) });
}

/** "schema.table" or "table" as a quoted SQL name. */
export function quotePgName(name: string): string {
  return name
    .split(".")
    .map((p) => `"${p.trim().replace(/^"|"$/g, "").replace(/"/g, '""')}"`)
    .join(".");
}

export function quotePgIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
