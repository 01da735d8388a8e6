// The users the server authenticates, with their password secrets: a SCRAM-SHA-256 verifier
// and/or an MD5 hash, as Postgres keeps in pg_authid.rolpassword. Users configured with the
// server come first; then the engine's roles (`CREATE USER ... PASSWORD`), found through
// `lookupRole` and read from their stored secret.

import { parseScramVerifier, scramVerifierFromPassword, type ScramVerifier } from "./scram.js";

export interface UserConfig {
  name: string;
  /**
   * a cleartext password (its SCRAM-SHA-256 verifier is derived and kept), or a stored secret:
   * `SCRAM-SHA-256$iter:salt$StoredKey:ServerKey` or `md5<32 hex>`
   */
  password: string;
  superuser?: boolean;
}

export interface UserEntry {
  name: string;
  scram: ScramVerifier | null;
  /** "md5" + md5(password + name) */
  md5: string | null;
  superuser: boolean;
}

/** A role of the engine's catalog as the server needs it. */
export interface CatalogRole {
  name: string;
  login: boolean;
  superuser: boolean;
  passwordSecret: string | null;
}

export class UserStore {
  private readonly users = new Map<string, UserEntry>();
  /** entries read from catalog roles, by name, kept while the role's secret stays the same */
  private readonly fromRoles = new Map<string, { key: string; entry: UserEntry }>();

  constructor(
    users: readonly UserConfig[] = [],
    private readonly lookupRole: (name: string) => CatalogRole | undefined = () => undefined,
  ) {
    for (const u of users) this.set(u);
  }

  /** the configured users' names */
  names(): string[] {
    return [...this.users.keys()];
  }

  /**
   * The superuser flag of a user from the server's configuration; undefined for any other name (a
   * catalog role: the engine decides from the catalog, and refuses names that are no role).
   */
  configuredSuperuser(name: string): boolean | undefined {
    return this.users.get(name)?.superuser;
  }

  set(config: UserConfig): void {
    this.users.set(config.name, entryFor(config));
  }

  get(name: string): UserEntry | undefined {
    const configured = this.users.get(name);
    if (configured) return configured;
    const role = this.lookupRole(name);
    // a role without a password has no secret to check a password against (one without LOGIN is
    // still checked, and refused after: canLogin)
    if (!role || role.passwordSecret === null) return undefined;
    const key = `${role.name}\0${role.passwordSecret}\0${role.superuser}`;
    const cached = this.fromRoles.get(name);
    if (cached?.key === key) return cached.entry;
    const entry = entryFor({ name: role.name, password: role.passwordSecret, superuser: role.superuser });
    this.fromRoles.set(name, { key, entry });
    return entry;
  }

  /** false for a catalog role without LOGIN (a group role): it may not log in, by any method, trust included */
  canLogin(name: string): boolean {
    if (this.users.has(name)) return true;
    const role = this.lookupRole(name);
    return role === undefined || role.login;
  }

  delete(name: string): void {
    this.users.delete(name);
  }

  get size(): number {
    return this.users.size;
  }
}

function entryFor(config: UserConfig): UserEntry {
  const { name, password } = config;
  let scram: ScramVerifier | null = null;
  let md5: string | null = null;
  if (password.startsWith("SCRAM-SHA-256$")) {
    scram = parseScramVerifier(password);
    if (!scram) throw new Error(`invalid SCRAM-SHA-256 secret for user "${name}"`);
  } else if (/^md5[0-9a-f]{32}$/.test(password)) {
    md5 = password;
  } else {
    // a cleartext password is kept only as its SCRAM verifier (an md5 rule then runs SCRAM, as Postgres does)
    scram = scramVerifierFromPassword(password);
  }
  return { name, scram, md5, superuser: config.superuser ?? true };
}
