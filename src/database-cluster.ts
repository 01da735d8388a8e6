// The databases of one process (CREATE DATABASE): one Database engine per database, the first at
// the data directory's own layout, the others under `<data-dir>/databases/<n>-<name>/`. Roles,
// role memberships and the database directory (owners, ACLs, connection limits) are shared by
// all of them, as Postgres's shared catalogs are, and are logged in the first database's log;
// everything else belongs to one database. Connections pick their database by name; this is where
// the name is resolved and CONNECT and the connection limits are checked.

import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_DATABASE, type DatabaseEntry, type RoleEntry } from "./catalog/index.js";
import { RoleRights, databaseAcl, isSuperuser } from "./privileges.js";
import { Session } from "./session.js";
import { SqlError, SqlState } from "./types/index.js";
import type { Database, SessionOptions } from "./database.js";

/** Opens the engine of another database, sharing `root`'s roles (database.ts supplies it). */
export type OpenEngine = (entry: DatabaseEntry) => Promise<Database>;

/**
 * While a database other than the first replays its log, the roles its statements name may since
 * have been dropped or renamed (the shared roles are already in their final state): every name is
 * taken as a role then, so replay rebuilds what the log says.
 */
class ReplayRoles extends Map<string, RoleEntry> {
  constructor(private readonly shared: Map<string, RoleEntry>) {
    super();
  }
  override has(name: string): boolean {
    return true;
  }
  override get(name: string): RoleEntry | undefined {
    return this.shared.get(name) ?? { name, login: false, superuser: false, createdb: false, createrole: false, passwordSecret: null, inherit: true };
  }
}

export class DatabaseCluster {
  private readonly engines = new Map<DatabaseEntry, Database>();
  private readonly clients = new Map<Database, number>();

  constructor(
    readonly root: Database,
    private readonly rootDir: string | null,
    private readonly openEngine: OpenEngine,
  ) {
    this.engines.set(root.catalog.databases.get(DEFAULT_DATABASE)!, root);
  }

  /** The database `engine` is (its directory entry). */
  entryOf(engine: Database): DatabaseEntry {
    // an engine's catalog holds its entry's access object (also while it opens, before it is listed here)
    const entry = this.root.catalog.databases.list().find((e) => e.access === engine.catalog.access.database);
    if (!entry) throw new SqlError(SqlState.InternalError, "an engine outside its cluster");
    return entry;
  }

  /** Every open database's engine (DROP ROLE looks for what a role owns in each). */
  all(): Database[] {
    return [...this.engines.values()];
  }

  /** After the first database recovered: opens the others it lists, removes leftovers of dropped ones. */
  async openAll(): Promise<void> {
    for (const entry of this.root.catalog.databases.list()) if (!this.engines.has(entry)) await this.open(entry);
    if (this.rootDir === null) return;
    const dir = join(this.rootDir, "databases");
    if (!existsSync(dir)) return;
    const live = new Set(this.root.catalog.databases.list().map((e) => e.dir));
    for (const name of readdirSync(dir)) if (!live.has(`databases/${name}`)) rmSync(join(dir, name), { recursive: true, force: true });
  }

  /** Opens a database's engine (CREATE DATABASE, and at start); during the first one's replay only the directory changes. */
  async open(entry: DatabaseEntry): Promise<void> {
    if (this.root.isReplaying) return;
    const engine = await this.openEngine(entry);
    this.engines.set(entry, engine);
  }

  /** Where a database keeps its data (undefined: in memory). */
  dataDir(entry: DatabaseEntry): string | undefined {
    return this.rootDir === null ? undefined : join(this.rootDir, entry.dir);
  }

  /** Roles for a database's catalog while it replays its log, then the shared ones. */
  static replayRoles(shared: Map<string, RoleEntry>): Map<string, RoleEntry> {
    return new ReplayRoles(shared);
  }

  /**
   * Logs `sql` in every database but the first and waits until it is durable: a role rename, so
   * each database's replay renames its own objects' references at the right point of its log.
   */
  async logInMembers(sql: string): Promise<void> {
    const members = this.all().filter((e) => e !== this.root);
    for (const e of members) e.log([{ t: "ddl", sql }]);
    for (const e of members) await e.durable();
  }

  /** Client sessions open on `engine`. */
  clientCount(engine: Database): number {
    return this.clients.get(engine) ?? 0;
  }

  /** Closes and forgets a database's engine and its files (DROP DATABASE). */
  async drop(entry: DatabaseEntry): Promise<void> {
    const engine = this.engines.get(entry);
    this.engines.delete(entry);
    if (engine) {
      this.clients.delete(engine);
      await engine.close();
    }
    const dir = this.dataDir(entry);
    if (dir !== undefined && !this.root.isReplaying) rmSync(dir, { recursive: true, force: true });
  }

  /**
   * The database a client names: a database of that name; else the first database, which answers
   * to its own name `sage`, to `postgres` and to the user's name (clients default the database to
   * the user name) when no database has that name.
   */
  resolve(name: string, user: string): DatabaseEntry {
    const entry = this.root.catalog.databases.get(name);
    if (entry) return entry;
    if (name === "postgres" || name === user) return this.root.catalog.databases.get(DEFAULT_DATABASE)!;
    throw new SqlError(SqlState.InvalidCatalogName, `database "${name}" does not exist`);
  }

  /** A client session on the database `options.database` names, after its CONNECT and connection-limit checks. */
  connect(options: SessionOptions): Session {
    const user = options.user ?? "sage";
    const entry = this.resolve(options.database!, user);
    const engine = this.engines.get(entry);
    if (!engine) throw new SqlError(SqlState.InvalidCatalogName, `database "${entry.name}" does not exist`);
    const cat = engine.catalog;
    // a superuser the caller vouches for (a configured user who is no catalog role) passes, as catalog superusers do
    const vouched = options.superuser === true && !cat.roles.has(user);
    if (!vouched && !isSuperuser(cat, user)) {
      if (!new RoleRights(cat, user).has(databaseAcl(cat), "c")) {
        throw new SqlError(SqlState.InsufficientPrivilege, `permission denied for database "${entry.name}"`, { detail: "User does not have CONNECT privilege." });
      }
      if (entry.connectionLimit >= 0 && this.clientCount(engine) >= entry.connectionLimit) {
        throw new SqlError(SqlState.TooManyConnections, `too many connections for database "${entry.name}"`);
      }
    }
    let open = false;
    const onClose = () => {
      if (!open) return;
      open = false;
      if (this.engines.get(entry) === engine) this.clients.set(engine, this.clientCount(engine) - 1);
    };
    // the role's own checks (LOGIN, its CONNECTION LIMIT) run as the session opens; counted once it has
    const session = new Session(engine, { ...options, database: entry.name, onClose });
    open = true;
    this.clients.set(engine, this.clientCount(engine) + 1);
    return session;
  }
}
