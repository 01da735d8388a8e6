// pg_catalog emulation: a statement that reads pg_catalog or information_schema relations (psql's
// \d queries, drivers' metadata queries) has Postgres's catalog functions rewritten away
// (query-rewrite.ts) and runs on a snapshot of those relations (catalog-snapshot.ts).

import type { StatementResult } from "../../types/index.js";
import { openScratchDatabase, type EngineDatabase, type EngineSession } from "../engine.js";
import { buildCatalogModel } from "./catalog-model.js";
import { CatalogSnapshot, referencedSystemRelations } from "./catalog-snapshot.js";
import { OidRegistry } from "./oid-registry.js";
import { rewriteCatalogQuery, usesCatalogFunctions } from "./query-rewrite.js";
import { rewriteExpandArray } from "./expand-array-rewrite.js";
import type { CatalogContext } from "./system-relations.js";
import { DATABASE_OID } from "./oid-registry.js";
import { formatAclItem } from "../../catalog/index.js";

export { SYSTEM_RELATIONS, type SystemRelation, type SystemColumn, type CatalogContext } from "./system-relations.js";
export { buildCatalogModel, type CatalogModel } from "./catalog-model.js";
export { OidRegistry } from "./oid-registry.js";

export interface CatalogEmulation {
  /** whether this statement is answered here rather than by the engine */
  handles(sql: string): boolean;
  run(sql: string, session: EngineSession): AsyncGenerator<StatementResult>;
  /** releases the scratch database */
  close(): Promise<void>;
}

/**
 * @param roles the role names to report besides the session's user and the catalog's roles (the configured users)
 * @param openScratch a fresh in-memory database for catalog snapshots
 */
export function createCatalogEmulation(db: EngineDatabase, roles: () => string[] = () => [], openScratch: () => Promise<EngineDatabase> = () => openScratchDatabase(db)): CatalogEmulation {
  const oids = new OidRegistry();
  const snapshot = new CatalogSnapshot(openScratch);
  const context = (session: EngineSession): CatalogContext => {
    const user = session.user;
    // a session shows its own database's objects (CREATE DATABASE: each database has its engine)
    const engine = session.db ?? db;
    const catalogRoles = engine.catalog.roles;
    const all = [...new Set([user, ...roles(), ...catalogRoles.keys()])];
    const databases = engine.catalog.databases.list().map((d, i) => ({
      oid: i === 0 ? DATABASE_OID : oids.oid(`database:${d.dir}`),
      name: d.name,
      owner: d.access.owner,
      connectionLimit: d.connectionLimit,
      acl: d.access.acl === null ? null : d.access.acl.map((item) => formatAclItem(item, "database")),
    }));
    return {
      model: buildCatalogModel(engine, oids, user),
      session,
      roles: all,
      roleAttributes: (name) => {
        const r = catalogRoles.get(name);
        if (!r) return { superuser: true, login: true, createdb: true, createrole: true, passwordSecret: null };
        const config = r.settings ? Object.entries(r.settings).map(([k, v]) => `${k}=${v}`) : undefined;
        return { superuser: r.superuser, login: r.login, createdb: r.createdb, createrole: r.createrole, passwordSecret: r.passwordSecret, connectionLimit: r.connectionLimit, config };
      },
      database: session.options.database ?? "sage",
      roleOid: (name) => oids.role(name, user),
      databases,
    };
  };
  return {
    handles: (sql) => referencedSystemRelations(sql).length > 0 || usesCatalogFunctions(sql),
    async *run(sql, session) {
      const ctx = context(session);
      const rewritten = rewriteCatalogQuery(rewriteExpandArray(sql), ctx.model);
      yield* await snapshot.run(rewritten, referencedSystemRelations(rewritten), ctx);
    },
    close: () => snapshot.close(),
  };
}
