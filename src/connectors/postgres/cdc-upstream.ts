// What the Postgres CDC source asks of the upstream server before it mirrors anything, each
// failure a clear error naming the fix: wal_level = logical, the publication, the replication
// slot (created when missing), the table (published, with a primary key or a replica identity
// that identifies rows, and the mirror's columns); and the initial snapshot of a table.

import type pg from "pg";
import { SqlError, SqlState } from "../../types/index.js";
import type { ConnectorOptions } from "../connector-options.js";
import { connectPg, pgError, quotePgIdent, quotePgName, readPgTarget, type PgTarget } from "./pg-connection.js";
import { RAW_TEXT_TYPES } from "./replication-stream.js";
import { parseLsn } from "./pgoutput-decoder.js";

export const CDC_CONNECTOR = "postgres-cdc";
/** rows per FETCH while reading a snapshot */
const SNAPSHOT_BATCH = 10_000;
export const CDC_SOURCE_OPTIONS = ["connector", "hostname", "host", "port", "username", "user", "password", "password_secret", "database", "dbname", "slot", "slot.name", "publication", "publication.name"];

export interface CdcConfig {
  target: PgTarget;
  slot: string;
  publication: string;
}

export function readCdcOptions(options: Record<string, string>, o: ConnectorOptions, sourceName: string, resolveSecret?: (name: string) => string): CdcConfig {
  const unknown = Object.keys(options).find((k) => !CDC_SOURCE_OPTIONS.includes(k.toLowerCase()));
  if (unknown !== undefined) {
    throw new SqlError(SqlState.InvalidParameterValue, `unknown option "${unknown}" for connector '${CDC_CONNECTOR}'`, { hint: `Options: ${CDC_SOURCE_OPTIONS.slice(1).join(", ")}.` });
  }
  const slot = o.string(["slot", "slot.name"], `sage_${sourceName}`.toLowerCase().replace(/[^a-z0-9_]/g, "_"));
  if (!/^[a-z0-9_]{1,63}$/.test(slot)) throw new SqlError(SqlState.InvalidParameterValue, `invalid value for option "slot": "${slot}"`, { hint: "Slot names use lower-case letters, digits and underscores (at most 63)." });
  return { target: readPgTarget(o, resolveSecret), slot, publication: o.string(["publication", "publication.name"], "sage_publication") };
}

async function withClient<T>(t: PgTarget, f: (c: pg.Client) => Promise<T>): Promise<T> {
  let c: pg.Client;
  try {
    c = await connectPg(t, { types: RAW_TEXT_TYPES });
  } catch (e) {
    throw pgError(e, `cannot connect to Postgres at ${t.host}:${t.port}`, "Check hostname, port, username, password and database, and that the server accepts connections.");
  }
  try {
    return await f(c);
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** CREATE SOURCE: the server can do logical replication, the publication exists, the slot is there. */
export async function prepareUpstream(cfg: CdcConfig): Promise<void> {
  await withClient(cfg.target, async (c) => {
    const wal = (await c.query("SHOW wal_level")).rows[0].wal_level;
    if (wal !== "logical") {
      throw new SqlError(SqlState.ObjectNotInPrerequisiteState, `Postgres at ${cfg.target.host}:${cfg.target.port} has wal_level = ${wal}; CDC needs wal_level = logical`, {
        hint: "Run ALTER SYSTEM SET wal_level = logical on that server and restart it.",
      });
    }
    const pub = await c.query("SELECT 1 FROM pg_publication WHERE pubname = $1", [cfg.publication]);
    if (pub.rowCount === 0) {
      throw new SqlError(SqlState.UndefinedObject, `publication "${cfg.publication}" does not exist on the upstream Postgres`, {
        hint: `Create it there: CREATE PUBLICATION ${quotePgIdent(cfg.publication)} FOR TABLE <the tables to mirror> (or FOR ALL TABLES).`,
      });
    }
    const slot = await c.query("SELECT plugin FROM pg_replication_slots WHERE slot_name = $1", [cfg.slot]);
    if (slot.rowCount === 0) {
      try {
        await c.query("SELECT pg_create_logical_replication_slot($1, 'pgoutput')", [cfg.slot]);
      } catch (e) {
        throw pgError(e, `cannot create replication slot "${cfg.slot}"`, "The user needs the REPLICATION attribute, and max_replication_slots a free slot.");
      }
    } else if (slot.rows[0].plugin !== "pgoutput") {
      throw new SqlError(SqlState.ObjectNotInPrerequisiteState, `replication slot "${cfg.slot}" uses plugin ${slot.rows[0].plugin}, not pgoutput`, { hint: "Name another slot with option slot = '...'." });
    }
  });
}

/** CREATE TABLE ... FROM source TABLE 'schema.table': the upstream table is published and identifies its rows. */
export async function checkUpstreamTable(cfg: CdcConfig, table: string, columns: string[]): Promise<void> {
  const [schema, name] = table.includes(".") ? table.split(".", 2) : ["public", table];
  await withClient(cfg.target, async (c) => {
    const rel = await c.query(
      `SELECT c.oid, c.relreplident, EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary) AS has_pk
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')`,
      [schema, name],
    );
    if (rel.rowCount === 0) throw new SqlError(SqlState.UndefinedTable, `upstream table "${schema}.${name}" does not exist`, { hint: "Name it as 'schema.table' exactly as in Postgres." });
    const { oid, relreplident, has_pk } = rel.rows[0];
    if (relreplident === "n" || (relreplident === "d" && has_pk !== "t" && has_pk !== true)) {
      throw new SqlError(SqlState.ObjectNotInPrerequisiteState, `upstream table "${schema}.${name}" has no primary key, so its UPDATEs and DELETEs do not identify rows`, {
        hint: `Add a primary key there, or run ALTER TABLE ${quotePgName(`${schema}.${name}`)} REPLICA IDENTITY FULL.`,
      });
    }
    const pub = await c.query("SELECT 1 FROM pg_publication_tables WHERE pubname = $1 AND schemaname = $2 AND tablename = $3", [cfg.publication, schema, name]);
    if (pub.rowCount === 0) {
      throw new SqlError(SqlState.ObjectNotInPrerequisiteState, `upstream table "${schema}.${name}" is not in publication "${cfg.publication}"`, {
        hint: `Run ALTER PUBLICATION ${quotePgIdent(cfg.publication)} ADD TABLE ${quotePgName(`${schema}.${name}`)} on the upstream server.`,
      });
    }
    const cols = await c.query("SELECT attname FROM pg_attribute WHERE attrelid = $1 AND attnum > 0 AND NOT attisdropped", [oid]);
    const have = new Set(cols.rows.map((r: { attname: string }) => r.attname));
    const missing = columns.filter((n) => !have.has(n));
    if (missing.length > 0) {
      throw new SqlError(SqlState.UndefinedColumn, `column "${missing[0]}" does not exist in upstream table "${schema}.${name}"`, { hint: `Its columns: ${[...have].join(", ")}.` });
    }
  });
}

/**
 * A table's rows as Postgres text, read in one REPEATABLE READ transaction; returns the WAL
 * position then and the transaction snapshot (pg_current_snapshot: "xmin:xmax:xip,..."), which
 * says exactly which upstream transactions the rows include.
 */
export async function readSnapshot(cfg: CdcConfig, table: string, columns: string[], onRows: (rows: (string | null)[][]) => void): Promise<{ lsn: bigint; snapshot: string }> {
  return withClient(cfg.target, async (c) => {
    await c.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const at = (await c.query("SELECT pg_current_wal_lsn() AS l, pg_current_snapshot()::text AS s")).rows[0];
    // in batches through a cursor: a large table is not held in memory at once
    await c.query(`DECLARE sage_snapshot NO SCROLL CURSOR FOR SELECT ${columns.map(quotePgIdent).join(", ")} FROM ${quotePgName(table)}`);
    for (let first = true; ; first = false) {
      const r = await c.query({ text: `FETCH ${SNAPSHOT_BATCH} FROM sage_snapshot`, rowMode: "array" });
      if (r.rows.length > 0 || first) onRows(r.rows as (string | null)[][]);
      if (r.rows.length < SNAPSHOT_BATCH) break;
    }
    await c.query("COMMIT");
    return { lsn: parseLsn(at.l), snapshot: at.s };
  });
}

/**
 * Whether a streamed transaction (its 32-bit xid, as pgoutput's Begin carries it) is visible in a
 * snapshot "xmin:xmax:xip,...": committed before the snapshot was taken, so its changes are
 * already in the rows read. (Compared within one xid epoch: 64-bit snapshot ids are taken mod 2^32.)
 */
export function snapshotIncludes(snapshot: string, xid: number): boolean {
  const [xmin, xmax, xip] = snapshot.split(":");
  const lo = Number(BigInt(xmin) % 4294967296n);
  const hi = Number(BigInt(xmax) % 4294967296n);
  if (xid < lo) return true;
  if (xid >= hi) return false;
  return !(xip ?? "").split(",").some((x) => x !== "" && Number(BigInt(x) % 4294967296n) === xid);
}
