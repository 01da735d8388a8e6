// Database: the public entry every caller goes through (REPL, server, tests). It owns the
// catalog and the stored relations; a Session holds per-connection settings and runs statements.

import { Catalog } from "./catalog/index.js";
import { StreamRuntime, type RelationReader } from "./executor/index.js";
import { Session } from "./session.js";
import { StoredRelation } from "./stored-relation.js";
import { SqlError, SqlState, type Chunk } from "./types/index.js";

export interface DatabaseOptions {
  /** data directory; ignored when `memory` is set */
  dataDir?: string;
  /** keep everything in memory (tests, `sage-sql --memory`) */
  memory?: boolean;
}

export interface SessionOptions {
  user?: string;
  database?: string;
  applicationName?: string;
}

export class Database implements RelationReader {
  readonly catalog = new Catalog();
  /** running continuous queries (materialized views, subscriptions) */
  readonly streams = new StreamRuntime();
  private readonly stored = new Map<string, StoredRelation>();
  private closed = false;

  private constructor(readonly options: DatabaseOptions) {}

  static async open(options: DatabaseOptions = {}): Promise<Database> {
    return new Database(options);
  }

  /** A new session (one per client connection). */
  connect(options: SessionOptions = {}): Session {
    if (this.closed) throw new SqlError(SqlState.AdminShutdown, "the database is closed");
    return new Session(this, options);
  }

  /** Runs statements on a fresh session; see Session.execute. */
  async execute(sql: string, params: unknown[] = []): Promise<import("./result.js").StatementResult[]> {
    return this.connect().execute(sql, params);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** The stored rows of a table or stream (created with it). */
  relation(id: string): StoredRelation {
    const r = this.stored.get(id);
    if (!r) throw new SqlError(SqlState.InternalError, `no storage for relation ${id}`);
    return r;
  }

  addStored(r: StoredRelation): void {
    this.stored.set(r.entry.id, r);
  }

  dropStored(id: string): void {
    this.stored.delete(id);
  }

  /**
   * A relation changed (a write committed): its changes flow to the continuous queries reading
   * it, and a barrier makes them visible everywhere before the writing statement returns.
   */
  publishChanges(relation: string, inserted: unknown[][], deleted: unknown[][]): void {
    if (inserted.length + deleted.length === 0 || !this.streams.hasConsumers(relation)) return;
    this.streams.publish(relation, this.relation(relation).changes(inserted, deleted));
    this.streams.barrier();
  }

  scan(relation: string, columns: number[]): Iterable<Chunk> {
    return this.relation(relation).store.scan(columns);
  }
}

export { Session };
