// Who may open a session, as Postgres decides in InitializeSessionUserId: the user must be a role
// (or a user the caller vouches for: the server's configured users, an embedder's own name given
// with `superuser`), a client logging in needs LOGIN, and its role's CONNECTION LIMIT counts its
// open logins (superusers are exempt, as in Postgres). Then the role's ALTER ROLE ... SET values
// become the session's defaults (the client's startup parameters and SET override them later).

import { BOOTSTRAP_SUPERUSER } from "./catalog/index.js";
import type { Database, SessionOptions } from "./database.js";
import type { SessionSettings } from "./settings.js";
import { vouchForSuperuser } from "./privileges.js";
import { SqlError, SqlState } from "./types/index.js";

/** open logins per role, per cluster of databases (keyed by its first database) */
const openLogins = new WeakMap<Database, Map<string, number>>();

function logins(db: Database): Map<string, number> {
  // roles are the cluster's: a role's logins to every database count against its limit
  const root = db.cluster.root;
  let m = openLogins.get(root);
  if (!m) openLogins.set(root, (m = new Map()));
  return m;
}

/** How many sessions `role` has open through a login (pgwire, HTTP). */
export function openLoginCount(db: Database, role: string): number {
  return logins(db).get(role) ?? 0;
}

/**
 * Checks that `options` may open a session on `db` and applies the role's settings to `settings`.
 * Throws 28000 (no such role, no LOGIN) or 53300 (over CONNECTION LIMIT). Returns the function
 * that gives the login's slot back when the session closes.
 */
export function admitSession(db: Database, options: SessionOptions, settings: SessionSettings): () => void {
  const user = options.user ?? BOOTSTRAP_SUPERUSER;
  const role = db.catalog.roles.get(user);
  if (role === undefined && user !== BOOTSTRAP_SUPERUSER && options.superuser === undefined) {
    throw new SqlError(SqlState.InvalidAuthorizationSpecification, `role "${user}" does not exist`);
  }
  if (role === undefined && options.superuser === true) vouchForSuperuser(db.catalog, user);
  // SHOW is_superuser (and the ParameterStatus clients read) tells the truth about a role
  if (role !== undefined) settings.set("is_superuser", role.superuser ? "on" : "off");
  for (const [name, value] of Object.entries(role?.settings ?? {})) {
    try {
      settings.set(name, value);
    } catch {
      // a value stored before its setting's rules changed: Postgres warns and goes on
    }
  }
  if (!options.login || role === undefined) return () => {};
  if (!role.login) throw new SqlError(SqlState.InvalidAuthorizationSpecification, `role "${user}" is not permitted to log in`);
  const open = logins(db);
  const limit = role.connectionLimit ?? -1;
  if (limit >= 0 && !role.superuser && (open.get(user) ?? 0) >= limit) {
    throw new SqlError(SqlState.TooManyConnections, `too many connections for role "${user}"`);
  }
  open.set(user, (open.get(user) ?? 0) + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const n = (open.get(user) ?? 1) - 1;
    if (n <= 0) open.delete(user);
    else open.set(user, n);
  };
}
