// Answers a query over pg_catalog / information_schema relations by running it, unchanged, on a
// scratch in-memory database holding those relations as tables filled from the catalog model
// (kept between queries, reloaded per relation when its rows change). Interim: once the engine serves system relations itself (the hook described in the
// report), the query goes to the engine and this file goes away.

import type { StatementResult } from "../../types/index.js";
import type { EngineDatabase, EngineSession } from "../engine.js";
import { qualifiedNames } from "../sql-scan.js";
import { castTypeName } from "../parameters.js";
import { SYSTEM_RELATIONS, type CatalogContext, type SystemRelation } from "./system-relations.js";

const BY_BARE_NAME = new Map(SYSTEM_RELATIONS.filter((r) => r.schema === "pg_catalog").map((r) => [r.name, r]));

/** The system relations a statement names (`pg_class`, `pg_catalog.pg_class`, `information_schema.tables`). */
export function referencedSystemRelations(sql: string): SystemRelation[] {
  const found = new Set<SystemRelation>();
  for (const chain of qualifiedNames(sql)) {
    const last = chain[chain.length - 1];
    const schema = chain.length >= 2 ? chain[chain.length - 2] : undefined;
    if (schema === undefined) {
      const r = BY_BARE_NAME.get(last);
      if (r) found.add(r);
    } else {
      const r = SYSTEM_RELATIONS.find((x) => x.schema === schema && x.name === last);
      if (r) found.add(r);
    }
  }
  return [...found];
}

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

const BATCH_PARAMS = 2000;

async function load(session: EngineSession, rel: SystemRelation, rows: unknown[][]): Promise<void> {
  const defs = rel.columns.map((c) => `${quote(c.name)} ${castTypeName(c.type)}`).join(", ");
  await session.execute(`CREATE TABLE ${rel.schema}.${rel.name} (${defs})`);
  const width = rel.columns.length;
  const perBatch = Math.max(1, Math.floor(BATCH_PARAMS / width));
  for (let start = 0; start < rows.length; start += perBatch) {
    const batch = rows.slice(start, start + perBatch);
    const tuples: string[] = [];
    const params: unknown[] = [];
    for (const row of batch) {
      const marks: string[] = [];
      for (let i = 0; i < width; i++) {
        params.push(row[i] ?? null);
        marks.push(`$${params.length}`);
      }
      tuples.push(`(${marks.join(", ")})`);
    }
    await session.execute(`INSERT INTO ${rel.schema}.${rel.name} VALUES ${tuples.join(", ")}`, params);
  }
}

/**
 * The scratch database that answers catalog queries, kept between queries: each query first
 * brings the relations it reads up to date (a relation whose rows changed since it was loaded,
 * after DDL, a new role, another session's settings, is dropped and loaded again; an unchanged
 * one is reused), then runs. Queries run one at a time, so one session's rows never show
 * through another's query.
 */
export class CatalogSnapshot {
  private scratch: Promise<EngineDatabase> | null = null;
  /** per loaded relation: the rows it holds, as a comparison key */
  private readonly loaded = new Map<SystemRelation, string>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly open: () => Promise<EngineDatabase>) {}

  /** Runs `sql` over up-to-date copies of `relations`; all of its results. */
  run(sql: string, relations: readonly SystemRelation[], ctx: CatalogContext): Promise<StatementResult[]> {
    const next = this.queue.then(() => this.runNow(sql, relations, ctx));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async runNow(sql: string, relations: readonly SystemRelation[], ctx: CatalogContext): Promise<StatementResult[]> {
    if (this.scratch === null) this.scratch = this.open();
    let db: EngineDatabase;
    try {
      db = await this.scratch;
    } catch (e) {
      this.scratch = null;
      throw e;
    }
    const session = db.connect({ user: ctx.roles[0], superuser: true }); // a scratch database that knows no roles (nor the session's database: it answers for any)
    try {
      for (const rel of relations) {
        const rows = rel.rows(ctx);
        const key = JSON.stringify(rows, (_, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));
        if (this.loaded.get(rel) === key) continue;
        this.loaded.delete(rel);
        await session.execute(`DROP TABLE IF EXISTS ${rel.schema}.${rel.name}`);
        await load(session, rel, rows);
        this.loaded.set(rel, key);
      }
      return await session.execute(sql);
    } finally {
      session.close();
    }
  }

  async close(): Promise<void> {
    const scratch = this.scratch;
    this.scratch = null;
    this.loaded.clear();
    if (scratch) await (await scratch.catch(() => null))?.close();
  }
}
