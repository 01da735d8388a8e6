// CREATE USER / CREATE ROLE, ALTER USER / ALTER ROLE (attributes, PASSWORD, RENAME) and DROP
// USER / DROP ROLE: the catalog's roles, which the server authenticates (with the password's
// secret) and shows in pg_roles / pg_user / pg_authid. A password is stored as Postgres stores it
// with password_encryption = scram-sha-256: as a SCRAM-SHA-256 secret (a given SCRAM secret is
// kept as is; an MD5 hash is refused, since only SCRAM verifiers are stored — one already in an
// older log still replays), and the log records the secret, never the cleartext. Privileges and role
// membership are in grant.ts; what keeps a role from being dropped is in ownership.ts.

import type * as A from "./parser/index.js";
import type { RoleEntry } from "./catalog/index.js";
import { formatScramVerifier, scramVerifierFromPassword } from "./server/auth/index.js";
import type { Session } from "./session.js";
import { checkRoleDroppable, forgetRole, renameRoleReferences } from "./ownership.js";
import { isSuperuser } from "./privileges.js";
import { SqlError, SqlState, type StatementResult } from "./types/index.js";
import { SessionSettings } from "./settings.js";

const RESERVED = new Set(["public", "none", "current_user", "session_user", "current_role"]);

function result(command: string, notices: string[] = []): StatementResult {
  return { command, rowCount: 0, columns: [], rows: [], notices };
}

function isRoleDrop(st: A.Statement): st is A.DropStatement {
  return st.kind === "drop" && (st.objectKind === "role" || st.objectKind === "user");
}

function isRoleAlter(st: A.Statement): st is A.AlterStatement {
  return st.kind === "alter" && (st.objectKind === "role" || st.objectKind === "user");
}

/** Whether `st` is a role statement executeRoleDdl runs. */
export function isRoleDdl(st: A.Statement): boolean {
  return st.kind === "create_role" || isRoleDrop(st) || isRoleAlter(st);
}

/** The stored form of a password: a SCRAM secret given as such, else its SCRAM-SHA-256 secret. */
function passwordSecret(password: string | null, replaying: boolean, pos: number | undefined): string | null {
  if (password === null) return null;
  if (/^md5[0-9a-f]{32}$/.test(password)) {
    if (replaying) return password;
    throw new SqlError(SqlState.InvalidParameterValue, "MD5 password hashes are not accepted: passwords are stored only as SCRAM-SHA-256 verifiers", { position: pos, hint: "Give the password itself (it is hashed with SCRAM-SHA-256) or a SCRAM-SHA-256 verifier." });
  }
  if (password.startsWith("SCRAM-SHA-256$")) return password;
  return formatScramVerifier(scramVerifierFromPassword(password));
}

function applyOptions(role: RoleEntry, options: readonly A.RoleOption[], pos: number | undefined, replaying: boolean): void {
  for (const o of options) {
    if (o.kind === "password") role.passwordSecret = passwordSecret(o.value, replaying, pos);
    else if (o.kind === "flag") {
      if (o.name === "login") role.login = o.value;
      else if (o.name === "superuser") role.superuser = o.value;
      else if (o.name === "createdb") role.createdb = o.value;
      else if (o.name === "createrole") role.createrole = o.value;
      else if (o.name === "inherit") role.inherit = o.value;
      // REPLICATION, BYPASSRLS: accepted, not kept
    } else if (o.kind === "connection_limit") {
      if (o.value < -1) throw new SqlError(SqlState.InvalidParameterValue, `invalid connection limit: ${o.value}`, { position: pos });
      role.connectionLimit = o.value;
    } else if (o.kind === "in_role") {
      throw new SqlError(SqlState.FeatureNotSupported, "role membership (IN ROLE) is not supported yet", { position: pos });
    }
    // VALID UNTIL: accepted, not enforced (CONNECTION LIMIT is, at login: see role-login.ts)
  }
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A statement that recreates `role` (what the log keeps: the secret, not the cleartext). */
function roleDefinition(verb: "CREATE" | "ALTER", role: RoleEntry): string {
  const flags = [role.login ? "LOGIN" : "NOLOGIN", role.superuser ? "SUPERUSER" : "NOSUPERUSER", role.createdb ? "CREATEDB" : "NOCREATEDB", role.createrole ? "CREATEROLE" : "NOCREATEROLE", role.inherit === false ? "NOINHERIT" : "INHERIT"];
  const password = role.passwordSecret === null ? "PASSWORD NULL" : `PASSWORD '${role.passwordSecret.replace(/'/g, "''")}'`;
  const limit = role.connectionLimit !== undefined ? ` CONNECTION LIMIT ${role.connectionLimit}` : "";
  return `${verb} ROLE ${quoteIdent(role.name)} WITH ${flags.join(" ")}${limit} ${password}`;
}

/** Runs a role statement; returns its result and the statement the log keeps for replay. */
export function executeRoleDdl(session: Session, st: A.Statement): { result: StatementResult; logged: string; memberLog?: string } {
  const roles = session.db.catalog.roles;
  // a database other than the first replays a rename the cluster logged into it too (roles themselves
  // are the first database's, already final): its own objects follow the name from this point of its log
  if (session.db.isReplaying && session.db.cluster.root !== session.db) {
    if (isRoleAlter(st) && st.action.kind === "rename") renameRoleReferences(session.db.catalog, st.name.parts[st.name.parts.length - 1], st.action.newName, false);
    return { result: result("ALTER ROLE"), logged: "" };
  }
  // Postgres: CREATE / ALTER / DROP ROLE need CREATEROLE (superuser roles: a superuser); a role may change its own password
  const mayManage = session.db.isReplaying || isSuperuser(session.db.catalog, session.role) || roles.get(session.role)?.createrole === true;
  if (!mayManage) {
    if (st.kind === "create_role") throw new SqlError(SqlState.InsufficientPrivilege, "permission denied to create role", { position: st.pos });
    if (isRoleDrop(st)) throw new SqlError(SqlState.InsufficientPrivilege, "permission denied to drop role", { position: st.pos });
    const own = isRoleAlter(st) && st.name.parts[st.name.parts.length - 1] === session.role && st.action.kind === "role_options" && st.action.options.every((o) => o.kind === "password");
    if (isRoleAlter(st) && !own) throw new SqlError(SqlState.InsufficientPrivilege, "permission denied", { position: st.pos });
  }
  if (st.kind === "create_role") {
    if (RESERVED.has(st.name.toLowerCase()) || st.name.startsWith("pg_")) {
      throw new SqlError(SqlState.ReservedName, `role name "${st.name}" is reserved`, { position: st.pos });
    }
    if (roles.has(st.name) || st.name === session.user) throw new SqlError(SqlState.DuplicateObject, `role "${st.name}" already exists`, { position: st.pos });
    const role: RoleEntry = { name: st.name, login: st.user, superuser: false, createdb: false, createrole: false, passwordSecret: null, inherit: true };
    applyOptions(role, st.options, st.pos, session.db.isReplaying);
    roles.set(role.name, role);
    session.db.catalog.version++;
    return { result: result("CREATE ROLE"), logged: roleDefinition("CREATE", role) };
  }
  if (isRoleAlter(st)) {
    const name = st.name.parts[st.name.parts.length - 1];
    const role = roles.get(name);
    if (!role) throw new SqlError(SqlState.UndefinedObject, `role "${name}" does not exist`, { position: st.pos });
    if (st.action.kind === "set_config") {
      setRoleConfig(role, st.action.name, st.action.value);
      session.db.catalog.version++;
      return { result: result("ALTER ROLE"), logged: st.text ?? "" };
    }
    if (st.action.kind === "role_options") applyOptions(role, st.action.options, st.pos, session.db.isReplaying);
    else if (st.action.kind === "rename") {
      if (roles.has(st.action.newName)) throw new SqlError(SqlState.DuplicateObject, `role "${st.action.newName}" already exists`, { position: st.pos });
      roles.delete(name);
      role.name = st.action.newName;
      // an MD5 secret is salted with the name: Postgres clears it on rename
      const cleared = role.passwordSecret?.startsWith("md5") === true;
      if (cleared) role.passwordSecret = null;
      roles.set(role.name, role);
      for (const engine of session.db.cluster.all()) renameRoleReferences(engine.catalog, name, role.name);
      session.db.catalog.version++;
      return { result: result("ALTER ROLE", cleared ? ["MD5 password cleared because of role rename"] : []), logged: st.text ?? "", memberLog: st.text };
    } else throw new SqlError(SqlState.FeatureNotSupported, `this form of ALTER ${st.objectKind.toUpperCase()} is not supported yet`, { position: st.pos });
    session.db.catalog.version++;
    return { result: result("ALTER ROLE"), logged: roleDefinition("ALTER", role) };
  }
  if (!isRoleDrop(st)) throw new SqlError(SqlState.InternalError, `not a role statement: ${st.kind}`);
  const notices: string[] = [];
  for (const n of st.names) {
    const name = n.parts[n.parts.length - 1];
    if (name === session.user) throw new SqlError(SqlState.ObjectInUse, "current user cannot be dropped", { position: n.pos });
    if (name === session.role) throw new SqlError(SqlState.ObjectInUse, "current user cannot be dropped", { position: n.pos });
    if (roles.has(name)) {
      // roles are the cluster's: what a role owns or was granted in any database keeps it
      for (const engine of session.db.cluster.all()) checkRoleDroppable(engine.catalog, name, n.pos);
      forgetRole(session.db.catalog, name);
    }
    if (!roles.delete(name)) {
      if (st.ifExists) notices.push(`role "${name}" does not exist, skipping`);
      else throw new SqlError(SqlState.UndefinedObject, `role "${name}" does not exist`, { position: n.pos });
    }
  }
  session.db.catalog.version++;
  return { result: result("DROP ROLE", notices), logged: st.text ?? "" };
}

/**
 * ALTER ROLE r SET name = value / RESET name / RESET ALL: the role's session defaults (applied at
 * login, see role-login.ts). A value is checked as SET checks it (unknown name: 42704, bad value:
 * 22023) and kept as given, as Postgres keeps it in pg_db_role_setting.
 */
function setRoleConfig(role: RoleEntry, rawName: string, value: string | null): void {
  const name = SessionSettings.normalizeName(rawName);
  const settings = { ...(role.settings ?? {}) };
  if (name === "all" && value === null) {
    delete role.settings;
    return;
  }
  if (value === null) delete settings[name]; // (Postgres accepts RESET of a name it does not know)
  else {
    new SessionSettings().set(name, value); // validates; the value is kept as given and read again at each login
    settings[name] = value;
  }
  if (Object.keys(settings).length === 0) delete role.settings;
  else role.settings = settings;
}
