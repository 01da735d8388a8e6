// The users the server authenticates, with their password secrets: a SCRAM-SHA-256 verifier
// and/or an MD5 hash, as Postgres keeps in pg_authid.rolpassword. The engine has no roles yet;
// until `CREATE USER ... PASSWORD` reaches a catalog, the server is configured with this list.

import { md5PasswordHash } from "./md5.js";
import { parseScramVerifier, scramVerifierFromPassword, type ScramVerifier } from "./scram.js";

export interface UserConfig {
  name: string;
  /**
   * a cleartext password (both secrets are derived from it), or a stored secret:
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

export class UserStore {
  private readonly users = new Map<string, UserEntry>();

  constructor(users: readonly UserConfig[] = []) {
    for (const u of users) this.set(u);
  }

  set(config: UserConfig): void {
    const { name, password } = config;
    let scram: ScramVerifier | null = null;
    let md5: string | null = null;
    if (password.startsWith("SCRAM-SHA-256$")) {
      scram = parseScramVerifier(password);
      if (!scram) throw new Error(`invalid SCRAM-SHA-256 secret for user "${name}"`);
    } else if (/^md5[0-9a-f]{32}$/.test(password)) {
      md5 = password;
    } else {
      scram = scramVerifierFromPassword(password);
      md5 = md5PasswordHash(name, password);
    }
    this.users.set(name, { name, scram, md5, superuser: config.superuser ?? true });
  }

  get(name: string): UserEntry | undefined {
    return this.users.get(name);
  }

  delete(name: string): void {
    this.users.delete(name);
  }

  get size(): number {
    return this.users.size;
  }
}
