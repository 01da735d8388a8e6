// What the server needs of the engine, as interfaces: a database that hands out sessions and
// shows its catalog, and a session that runs SQL. `Database` and `Session` (src/database.ts)
// satisfy them; the server never imports the top of src/ (rooms point down, see DESIGN.md).

import type { Catalog } from "../catalog/index.js";
import type { StatementResult } from "../types/index.js";

export interface EngineSettings {
  get(name: string): string;
  set(name: string, value: string | null): void;
  all(): { name: string; setting: string; description: string }[];
}

export interface EngineSession {
  readonly settings: EngineSettings;
  readonly user: string;
  readonly options: { user?: string; database?: string; applicationName?: string };
  /** 'I' idle, 'T' in a transaction block */
  readonly transactionStatus: "I" | "T";
  /** runs each statement of `sql`, yielding its result; throws the first failing statement's SqlError */
  run(sql: string, params?: unknown[]): AsyncGenerator<StatementResult>;
  execute(sql: string, params?: unknown[]): Promise<StatementResult[]>;
  close(): void;
}

export interface EngineDatabase {
  readonly catalog: Catalog;
  connect(options?: { user?: string; database?: string; applicationName?: string }): EngineSession;
  close(): Promise<void>;
}

/** A fresh in-memory database of the same kind as `db` (the pg_catalog snapshot runs on one). */
export async function openScratchDatabase(db: EngineDatabase): Promise<EngineDatabase> {
  const kind = db.constructor as unknown as { open?: (options: { memory: boolean }) => Promise<EngineDatabase> };
  if (typeof kind.open !== "function") throw new Error("the database cannot open a scratch database");
  return kind.open({ memory: true });
}
