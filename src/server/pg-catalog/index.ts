// pg_catalog emulation: psql's describe queries (\d and friends) are recognised and answered
// from the catalog; other statements that read pg_catalog or information_schema relations run on
// a snapshot of those relations (catalog-snapshot.ts).

import type { Database, Session, StatementResult } from "../../index.js";
import { buildCatalogModel } from "./catalog-model.js";
import { referencedSystemRelations, runOnSnapshot } from "./catalog-snapshot.js";
import { OidRegistry } from "./oid-registry.js";
import { findPsqlHandler } from "./psql-describe.js";
import type { CatalogContext } from "./system-relations.js";

export { SYSTEM_RELATIONS, type SystemRelation, type SystemColumn, type CatalogContext } from "./system-relations.js";
export { buildCatalogModel, type CatalogModel } from "./catalog-model.js";
export { OidRegistry } from "./oid-registry.js";

export interface CatalogEmulation {
  /** whether this statement is answered here rather than by the engine */
  handles(sql: string): boolean;
  run(sql: string, session: Session): AsyncGenerator<StatementResult>;
}

/**
 * @param roles the role names to report besides the session's user (the configured users)
 */
export function createCatalogEmulation(db: Database, roles: () => string[] = () => []): CatalogEmulation {
  const oids = new OidRegistry();
  const context = (session: Session): CatalogContext => {
    const user = session.user;
    const all = [user, ...roles().filter((r) => r !== user)];
    return {
      model: buildCatalogModel(db, oids, user),
      session,
      roles: all,
      database: session.options.database ?? user,
      roleOid: (name) => oids.role(name, user),
    };
  };
  return {
    handles: (sql) => findPsqlHandler(sql) !== undefined || referencedSystemRelations(sql).length > 0,
    async *run(sql, session) {
      const ctx = context(session);
      const handler = findPsqlHandler(sql);
      if (handler) {
        yield handler(sql, ctx);
        return;
      }
      yield* runOnSnapshot(sql, referencedSystemRelations(sql), ctx);
    },
  };
}
