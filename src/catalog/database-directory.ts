// The cluster's databases (Postgres's shared pg_database): each has an owner and an ACL (CONNECT,
// CREATE, TEMP) and a connection limit. One directory is shared by the catalogs of every database
// of a process, as roles and role memberships are (see Catalog.joinCluster); everything else in a
// catalog belongs to its own database.

import type { SchemaAcl } from "./acl.js";

/** The name the first database (the data directory's own, from before CREATE DATABASE) answers to. */
export const DEFAULT_DATABASE = "sage";

export interface DatabaseEntry {
  name: string;
  /** owner and ACL; the database's own catalog points at this same object (catalog.access.database) */
  access: SchemaAcl;
  /** CONNECTION LIMIT; -1: none */
  connectionLimit: number;
  /** where its data lives, relative to the first database's data directory ("" for the first) */
  dir: string;
}

export class DatabaseDirectory {
  private readonly entries = new Map<string, DatabaseEntry>();
  /** bumped on CREATE / DROP / RENAME (a fresh directory name for each new database) */
  private created = 0;

  constructor(first: SchemaAcl) {
    this.entries.set(DEFAULT_DATABASE, { name: DEFAULT_DATABASE, access: first, connectionLimit: -1, dir: "" });
  }

  get(name: string): DatabaseEntry | undefined {
    return this.entries.get(name);
  }

  list(): DatabaseEntry[] {
    return [...this.entries.values()];
  }

  /** Registers a new database; its directory name is unique in the log's history, so a dropped database's leftovers never meet a new one of the same name. */
  add(name: string, owner: string, connectionLimit: number): DatabaseEntry {
    const entry: DatabaseEntry = { name, access: { owner, acl: null }, connectionLimit, dir: `databases/${++this.created}-${encodeURIComponent(name)}` };
    this.entries.set(name, entry);
    return entry;
  }

  remove(name: string): void {
    this.entries.delete(name);
  }

  rename(from: string, to: string): void {
    const e = this.entries.get(from);
    if (!e) return;
    this.entries.delete(from);
    e.name = to;
    this.entries.set(to, e);
  }

  /** Databases a role owns (DROP ROLE refuses while there are any). */
  ownedBy(role: string): string[] {
    return this.list().filter((e) => e.access.owner === role).map((e) => e.name);
  }
}
