// sage_catalog.audit_log: who did what, from where, and whether it was allowed. Recorded:
// logins (ok, failed, throttled, denied) from the server; every DDL statement, GRANT/REVOKE and
// role change, and every statement refused for lack of privilege (42501), from the session; and
// each time a model or connector opens a secret. Statement text is recorded redacted (no
// password or secret value, see statement-redaction.ts). The log is append-only: there is no
// statement that changes or removes a record (UPDATE, DELETE, TRUNCATE, INSERT, DROP, ALTER of
// it are refused with 42501 for every role, superusers included), and only superusers read it.
// Records go to their own file in the data directory (storage/audit-file.ts) before the event is
// reported; memory keeps the newest `maxRecords` for reading (100,000 with a data directory,
// 10,000 in memory: the server's scratch databases for pg_catalog queries run DDL too).

import type * as A from "./parser/index.js";
import type { Database } from "./database.js";
import type { Session } from "./session.js";
import { isSuperuser } from "./privileges.js";
import { redactStatement } from "./statement-redaction.js";
import { AuditFile, type AuditRecord } from "./storage/index.js";
import { SqlError, SqlState, Types, toSqlError } from "./types/index.js";

export type { AuditRecord };

/** a secret opened again by the same user within this time is not recorded again */
const SECRET_USE_QUIET_MS = 60_000;

export class AuditLog {
  private readonly kept: AuditRecord[] = [];
  private file: AuditFile | null = null;
  private readonly secretUses = new Map<string, number>();
  /** set when a record could not be written (a full disk): audited statements are refused until a restart */
  failure: SqlError | null = null;

  /** @param maxRecords records kept in memory for reading (the file keeps more, see AuditFile's retention) */
  constructor(private readonly maxRecords = 100_000) {}

  /** Opens the data directory's audit file (records already there become readable). */
  open(dir: string): void {
    const { file, records } = AuditFile.open(dir);
    this.file = file;
    this.kept.push(...records.slice(-this.maxRecords));
  }

  /** Appends a record (time now unless given); durable before it returns when there is a data directory. */
  record(r: Omit<AuditRecord, "time"> & { time?: number }): void {
    const rec: AuditRecord = { ...r, time: r.time ?? Date.now(), detail: r.detail === null ? null : redactStatement(r.detail) };
    this.kept.push(rec);
    try {
      this.file?.append(rec);
    } catch (e) {
      this.failure = toSqlError(e);
      throw e;
    }
    if (this.kept.length > this.maxRecords * 1.1) this.kept.splice(0, this.kept.length - this.maxRecords);
  }

  /** The kept records, oldest first. */
  records(): readonly AuditRecord[] {
    return this.kept;
  }

  /** A model or connector opened secret `name` (recorded at most once a minute per secret and use). */
  secretOpened(name: string, use: string, error?: unknown): void {
    const key = `${name}\0${use}\0${error === undefined}`;
    const now = Date.now();
    const last = this.secretUses.get(key);
    if (last !== undefined && now - last < SECRET_USE_QUIET_MS) return;
    if (this.secretUses.size > 10_000) this.secretUses.clear();
    this.secretUses.set(key, now);
    const e = error === undefined ? undefined : toSqlError(error);
    this.record({ role: null, sessionUser: null, clientAddress: null, database: null, action: "SECRET USE", object: name, outcome: e ? "failed" : "ok", sqlstate: e?.code ?? null, detail: use });
  }

  close(): void {
    this.file?.close();
    this.file = null;
  }
}

/** Registers the relation; its rows are the kept records. */
export function registerAuditLogRelation(db: Database): void {
  const text = Types.text;
  db.registerSystemRelation(
    "sage_catalog",
    "audit_log",
    [
      { name: "time", type: Types.timestamptz },
      { name: "role", type: text },
      { name: "session_user", type: text },
      { name: "client_addr", type: text },
      { name: "database", type: text },
      { name: "action", type: text },
      { name: "object", type: text },
      { name: "outcome", type: text },
      { name: "sqlstate", type: text },
      { name: "detail", type: text },
    ],
    () => db.audit.records().map((r) => [r.time * 1000, r.role, r.sessionUser, r.clientAddress, r.database, r.action, r.object, r.outcome, r.sqlstate, r.detail]),
    "sys_sage_catalog_audit_log",
  );
}

/** Whether a name (parts) is sage_catalog.audit_log. */
function isAuditLogName(parts: unknown): boolean {
  if (!Array.isArray(parts) || parts.length < 2) return false;
  const p = parts.map((x) => String(x).toLowerCase());
  return p[p.length - 1] === "audit_log" && p[p.length - 2] === "sage_catalog";
}

/** Whether the statement's tree names sage_catalog.audit_log anywhere. */
function namesAuditLog(node: unknown, depth = 0): boolean {
  if (node === null || typeof node !== "object" || depth > 200) return false;
  if (Array.isArray(node)) return node.some((x) => namesAuditLog(x, depth + 1));
  const parts = (node as { parts?: unknown }).parts;
  if (parts !== undefined && isAuditLogName(parts)) return true;
  for (const v of Object.values(node)) if (v !== null && typeof v === "object" && namesAuditLog(v, depth + 1)) return true;
  return false;
}

const CHANGES = new Set(["insert", "update", "delete", "truncate", "drop", "alter", "copy", "create_index", "grant"]);

/**
 * Refuses any statement that would change sage_catalog.audit_log (everyone, superusers too) and
 * any that reads it unless the role is a superuser. Runs before the statement.
 */
export function guardAuditLog(session: Session, st: A.Statement): void {
  if (session.db.isReplaying) return;
  // the audit log could not be written: statements it would record are refused rather than run unrecorded
  const failure = session.db.audit.failure;
  if (failure && !NOT_AUDITED.has(st.kind)) throw new SqlError(failure.code, `the audit log cannot be written, so this statement is refused: ${failure.message}`, { hint: "Free space for the data directory and restart the server." });
  // a cheap look at the text first; the tree decides
  if (st.text !== undefined && !/audit_log/i.test(st.text)) return;
  if (!namesAuditLog(st)) return;
  const reads = st.kind === "copy" ? st.direction === "to" : !CHANGES.has(st.kind);
  if (!reads) {
    throw new SqlError(SqlState.InsufficientPrivilege, "permission denied for relation audit_log", { position: st.pos, detail: "sage_catalog.audit_log is append-only: no role may change or remove its records." });
  }
  if (!isSuperuser(session.db.catalog, session.role)) {
    throw new SqlError(SqlState.InsufficientPrivilege, "permission denied for relation audit_log", { position: st.pos, hint: "Only superusers read sage_catalog.audit_log." });
  }
}

/** Statement kinds that are not recorded unless refused for lack of privilege (queries, writes, session settings). */
const NOT_AUDITED = new Set(["select", "insert", "update", "delete", "copy", "subscribe", "flush", "checkpoint", "show", "explain", "set", "reset", "transaction", "truncate", "cancel_job"]);

/** The object a statement acts on, as text. */
function objectOf(st: A.Statement): string | null {
  const s = st as { name?: unknown; names?: unknown; table?: unknown; on?: { names?: unknown }; grantees?: unknown; privileges?: { name: string }[] };
  const nameText = (n: unknown): string | null => {
    if (typeof n === "string") return n;
    const parts = (n as { parts?: unknown } | undefined)?.parts;
    return Array.isArray(parts) ? parts.join(".") : null;
  };
  if (st.kind === "grant") {
    const what = st.on ? `${st.on.objectKind} ${st.on.names.map(nameText).join(", ")}` : st.privileges.map((p) => p.name).join(", ");
    return `${what} ${st.revoke ? "from" : "to"} ${st.grantees.join(", ")}`;
  }
  if (Array.isArray(s.names)) return s.names.map(nameText).filter((x) => x !== null).join(", ") || null;
  return nameText(s.name) ?? nameText(s.table);
}

/** What a statement does, as its command words (CREATE TABLE, DROP ROLE, GRANT, ALTER ROLE...). */
function actionOf(st: A.Statement): string {
  switch (st.kind) {
    case "grant":
      return st.revoke ? "REVOKE" : "GRANT";
    case "create_role":
      return st.user ? "CREATE USER" : "CREATE ROLE";
    case "drop":
      return `DROP ${st.objectKind.toUpperCase()}`;
    case "alter":
      return `ALTER ${st.objectKind.toUpperCase()}`;
    case "create_view":
      return st.materialized ? "CREATE MATERIALIZED VIEW" : "CREATE VIEW";
    default:
      return st.kind.replace(/_/g, " ").toUpperCase();
  }
}

/**
 * Records a statement that ran (error undefined) or failed: DDL, GRANT/REVOKE and role changes
 * always; anything else only when refused for lack of privilege.
 */
export function auditStatement(session: Session, st: A.Statement, error?: unknown): void {
  if (session.db.isReplaying) return;
  const e = error === undefined ? undefined : toSqlError(error);
  const denied = e?.code === SqlState.InsufficientPrivilege;
  if (NOT_AUDITED.has(st.kind) && !denied) return;
  session.db.audit.record({
    role: session.role,
    sessionUser: session.user,
    clientAddress: session.options.clientAddress ?? null,
    database: session.options.database ?? null,
    action: actionOf(st),
    object: objectOf(st),
    outcome: e === undefined ? "ok" : denied ? "denied" : "failed",
    sqlstate: e?.code ?? null,
    detail: st.text ?? null,
  });
}
