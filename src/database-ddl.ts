// CREATE DATABASE, ALTER DATABASE (OWNER TO, RENAME TO, CONNECTION LIMIT) and DROP DATABASE, with
// Postgres's checks and wording. The database directory they change is shared by every database
// of the process (src/database-cluster.ts), so the statements are logged in the first database's
// log, which is replayed before the other databases open.

import type * as A from "./parser/index.js";
import { BOOTSTRAP_SUPERUSER, DEFAULT_DATABASE, type DatabaseEntry } from "./catalog/index.js";
import { RoleRights, isMemberOf, isSuperuser } from "./privileges.js";
import type { Session } from "./session.js";
import { SqlError, SqlState, type StatementResult } from "./types/index.js";

const DUPLICATE_DATABASE = "42P04";

function result(command: string, notices: string[] = []): StatementResult {
  return { command, rowCount: 0, columns: [], rows: [], notices };
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Whether `st` is a database statement executeDatabaseDdl runs. */
export function isDatabaseDdl(st: A.Statement): boolean {
  return st.kind === "create_database" || ((st.kind === "drop" || st.kind === "alter") && st.objectKind === "database");
}

/** CONNECTION LIMIT n (-1: none); Postgres refuses anything below -1. */
function connectionLimit(value: string, pos: number | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < -1) throw new SqlError(SqlState.InvalidParameterValue, `invalid connection limit: ${value}`, { position: pos });
  return n;
}

function roleName(session: Session, name: string, pos: number | undefined): string {
  if (name === "current_user" || name === "current_role") return session.role;
  if (name === "session_user") return session.user;
  if (!session.db.catalog.roles.has(name) && name !== BOOTSTRAP_SUPERUSER) throw new SqlError(SqlState.UndefinedObject, `role "${name}" does not exist`, { position: pos });
  return name;
}

function mayCreateDatabases(session: Session): boolean {
  const role = session.db.catalog.roles.get(session.role);
  return isSuperuser(session.db.catalog, session.role) || role?.createdb === true;
}

/** A non-superuser must own the database (through membership too). */
function checkOwner(session: Session, entry: DatabaseEntry, pos: number | undefined): void {
  if (session.db.isReplaying) return;
  if (!new RoleRights(session.db.catalog, session.role).isOwner(entry.access.owner)) {
    throw new SqlError(SqlState.InsufficientPrivilege, `must be owner of database ${entry.name}`, { position: pos });
  }
}

/** Refuses while sessions other than this one are connected to the database. */
function checkUnused(session: Session, entry: DatabaseEntry, pos: number | undefined): void {
  if (session.db.isReplaying) return;
  const cluster = session.db.cluster;
  const engine = cluster.all().find((e) => cluster.entryOf(e) === entry);
  const others = engine ? cluster.clientCount(engine) - (engine === session.db && session.options.database !== undefined ? 1 : 0) : 0;
  if (others > 0) {
    throw new SqlError(SqlState.ObjectInUse, `database "${entry.name}" is being accessed by other users`, {
      position: pos,
      detail: `There ${others === 1 ? "is 1 other session" : `are ${others} other sessions`} using the database.`,
    });
  }
}

function lookup(session: Session, name: string, pos: number | undefined): DatabaseEntry {
  const entry = session.db.catalog.databases.get(name);
  if (!entry) throw new SqlError(SqlState.InvalidCatalogName, `database "${name}" does not exist`, { position: pos });
  return entry;
}

/** Runs a database statement; returns its result and the statement the (first database's) log keeps. */
export async function executeDatabaseDdl(session: Session, st: A.Statement): Promise<{ result: StatementResult; logged: string }> {
  const databases = session.db.catalog.databases;
  const replaying = session.db.isReplaying;
  // creating or removing a database's files cannot be rolled back, so Postgres refuses both in a block
  if (session.transactionStatus !== "I" && (st.kind === "create_database" || st.kind === "drop")) {
    throw new SqlError(SqlState.ActiveSqlTransaction, `${st.kind === "drop" ? "DROP" : "CREATE"} DATABASE cannot run inside a transaction block`, { position: st.pos });
  }
  if (st.kind === "create_database") {
    if (!replaying && !mayCreateDatabases(session)) throw new SqlError(SqlState.InsufficientPrivilege, "permission denied to create database", { position: st.pos });
    let owner = session.role;
    let limit = -1;
    for (const o of st.with) {
      const key = o.key.toLowerCase();
      const value = o.value.kind === "secret" ? "" : String(o.value.value);
      if (key === "owner") owner = roleName(session, value, o.pos);
      else if (key === "connection_limit" || key === "connection limit") limit = connectionLimit(value, o.pos);
      else if (!["encoding", "template", "lc_collate", "lc_ctype", "locale", "locale_provider", "allow_connections", "is_template", "strategy", "tablespace", "icu_locale", "oid", "collation_version"].includes(key)) {
        throw new SqlError(SqlState.SyntaxError, `option "${o.key}" not recognized`, { position: o.pos });
      }
    }
    if (!replaying && owner !== session.role && !isSuperuser(session.db.catalog, session.role) && !isMemberOf(session.db.catalog, session.role, owner)) {
      throw new SqlError(SqlState.InsufficientPrivilege, `must be member of role "${owner}"`, { position: st.pos });
    }
    if (databases.get(st.name) || st.name === DEFAULT_DATABASE) {
      if (st.ifNotExists) return { result: result("CREATE DATABASE", [`database "${st.name}" already exists, skipping`]), logged: "" };
      throw new SqlError(DUPLICATE_DATABASE, `database "${st.name}" already exists`, { position: st.pos });
    }
    const entry = databases.add(st.name, owner, limit);
    try {
      await session.db.cluster.open(entry);
    } catch (e) {
      databases.remove(st.name);
      throw e;
    }
    return { result: result("CREATE DATABASE"), logged: `CREATE DATABASE ${quoteIdent(st.name)} WITH OWNER = ${quoteIdent(owner)} CONNECTION LIMIT = ${limit}` };
  }
  if (st.kind === "drop") {
    const notices: string[] = [];
    for (const n of st.names) {
      const name = n.parts[n.parts.length - 1];
      const entry = databases.get(name);
      if (!entry) {
        if (st.ifExists) {
          notices.push(`database "${name}" does not exist, skipping`);
          continue;
        }
        throw new SqlError(SqlState.InvalidCatalogName, `database "${name}" does not exist`, { position: n.pos });
      }
      checkOwner(session, entry, n.pos);
      if (!replaying && session.db.cluster.entryOf(session.db) === entry) throw new SqlError(SqlState.ObjectInUse, "cannot drop the currently open database", { position: n.pos });
      if (entry.name === DEFAULT_DATABASE) throw new SqlError(SqlState.ObjectInUse, `cannot drop the first database "${DEFAULT_DATABASE}"`, { position: n.pos, hint: "It holds the cluster's roles and the list of databases." });
      checkUnused(session, entry, n.pos);
      databases.remove(name);
      await session.db.cluster.drop(entry);
    }
    return { result: result("DROP DATABASE", notices), logged: notices.length === st.names.length ? "" : (st.text ?? "") };
  }
  if (st.kind !== "alter" || st.objectKind !== "database") throw new SqlError(SqlState.InternalError, `not a database statement: ${st.kind}`);
  const entry = lookup(session, st.name.parts[st.name.parts.length - 1], st.name.pos);
  const action = st.action;
  if (action.kind === "owner_to") {
    const to = roleName(session, action.owner, st.pos);
    if (!replaying && !isSuperuser(session.db.catalog, session.role)) {
      checkOwner(session, entry, st.pos);
      if (!isMemberOf(session.db.catalog, session.role, to)) throw new SqlError(SqlState.InsufficientPrivilege, `must be member of role "${to}"`, { position: st.pos });
      if (!mayCreateDatabases(session)) throw new SqlError(SqlState.InsufficientPrivilege, "permission denied to change owner of database", { position: st.pos });
    }
    // the ACL's owner entries follow the owner, as Postgres's aclnewowner does
    for (const i of entry.access.acl ?? []) {
      if (i.grantee === entry.access.owner) i.grantee = to;
      if (i.grantor === entry.access.owner) i.grantor = to;
    }
    entry.access.owner = to;
    session.db.catalog.version++;
    return { result: result("ALTER DATABASE"), logged: `ALTER DATABASE ${quoteIdent(entry.name)} OWNER TO ${quoteIdent(to)}` };
  }
  if (action.kind === "rename") {
    checkOwner(session, entry, st.pos);
    if (!replaying && !mayCreateDatabases(session)) throw new SqlError(SqlState.InsufficientPrivilege, "permission denied to rename database", { position: st.pos });
    if (entry.name === DEFAULT_DATABASE) throw new SqlError(SqlState.FeatureNotSupported, `the first database "${DEFAULT_DATABASE}" cannot be renamed`, { position: st.pos });
    if (!replaying && session.db.cluster.entryOf(session.db) === entry) throw new SqlError(SqlState.FeatureNotSupported, "current database cannot be renamed", { position: st.pos });
    if (databases.get(action.newName) || action.newName === DEFAULT_DATABASE) throw new SqlError(DUPLICATE_DATABASE, `database "${action.newName}" already exists`, { position: st.pos });
    checkUnused(session, entry, st.pos);
    const from = entry.name;
    databases.rename(from, action.newName);
    session.db.catalog.version++;
    return { result: result("ALTER DATABASE"), logged: `ALTER DATABASE ${quoteIdent(from)} RENAME TO ${quoteIdent(action.newName)}` };
  }
  // ALTER DATABASE d [WITH] CONNECTION LIMIT n (the parser keeps it as text)
  const text = action.kind === "other" ? action.text : "";
  const m = /\bconnection\s+limit\s*=?\s*(-?\d+)\s*;?\s*$/i.exec(text ?? "");
  if (!m) throw new SqlError(SqlState.FeatureNotSupported, "this form of ALTER DATABASE is not supported yet", { position: st.pos });
  checkOwner(session, entry, st.pos);
  entry.connectionLimit = connectionLimit(m[1], st.pos);
  session.db.catalog.version++;
  return { result: result("ALTER DATABASE"), logged: `ALTER DATABASE ${quoteIdent(entry.name)} CONNECTION LIMIT ${entry.connectionLimit}` };
}
