// pg_catalog emulation (placeholder until the catalog handlers land).

import type { Database, Session, StatementResult } from "../../index.js";

export interface CatalogEmulation {
  /** whether this statement is answered here rather than by the engine */
  handles(sql: string): boolean;
  run(sql: string, session: Session): AsyncGenerator<StatementResult>;
}

export function createCatalogEmulation(db: Database): CatalogEmulation {
  void db;
  return {
    handles: () => false,
    async *run() {},
  };
}
