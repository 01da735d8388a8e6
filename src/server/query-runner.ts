// Runs the SQL of one Query (or one bound portal) for a connection: statements the pg_catalog
// emulation recognises (psql's \d queries, drivers' type lookups) are answered from the catalog;
// everything else goes to the engine session. A query string without such statements goes to
// the engine whole, so it parses all of it before running any (as Postgres does); otherwise it
// runs statement by statement, error positions shifted back to the whole string.

import { SqlError, splitStatements, type Session, type StatementResult } from "../index.js";
import type { CatalogEmulation } from "./pg-catalog/index.js";

export class QueryRunner {
  constructor(
    private readonly session: Session,
    private readonly catalog: CatalogEmulation,
  ) {}

  async *run(sql: string): AsyncGenerator<StatementResult> {
    const parts = splitStatements(sql).filter((p) => p.text !== "");
    if (!parts.some((p) => this.catalog.handles(p.text))) {
      yield* this.session.run(sql);
      return;
    }
    for (const p of parts) {
      if (this.catalog.handles(p.text)) {
        try {
          yield* this.catalog.run(p.text, this.session);
        } catch (e) {
          throw shift(e, p.pos - 1);
        }
        continue;
      }
      try {
        yield* this.session.run(p.text);
      } catch (e) {
        throw shift(e, p.pos - 1);
      }
    }
  }
}

function shift(e: unknown, by: number): unknown {
  if (e instanceof SqlError && e.position !== undefined && by > 0) e.position += by;
  return e;
}
