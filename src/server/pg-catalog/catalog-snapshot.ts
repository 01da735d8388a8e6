// Answers a query over pg_catalog / information_schema relations by running it, unchanged, on a
// scratch in-memory database holding just those relations as tables filled from the catalog
// model. Interim: once the engine serves system relations itself (the hook described in the
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

/** Runs `sql` against a snapshot of the given relations, in a scratch database from `open`. */
export async function* runOnSnapshot(
  sql: string,
  relations: readonly SystemRelation[],
  ctx: CatalogContext,
  open: () => Promise<EngineDatabase>,
): AsyncGenerator<StatementResult> {
  const scratch = await open();
  try {
    const session = scratch.connect({ user: ctx.roles[0], database: ctx.database });
    for (const rel of relations) await load(session, rel, rel.rows(ctx));
    yield* session.run(sql);
  } finally {
    await scratch.close();
  }
}
