// Runs the SQL of one Query (or one bound portal) for a connection: statements the pg_catalog
// emulation recognises (psql's \d queries, drivers' type lookups) are answered from the catalog;
// COPY FROM STDIN / TO STDOUT are handed back to the connection (they need the copy
// sub-protocol); everything else goes to the engine session. A query string without such
// statements goes to the engine whole, so it parses all of it before running any (as Postgres
// does); otherwise it runs statement by statement, error positions shifted back to the whole
// string.

import { SqlError, type DataType, type StatementResult } from "../types/index.js";
import { splitStatements } from "../parser/index.js";
import type { EngineSession } from "./engine.js";
import { parseCopyStatement, type CopyStatement } from "./copy/copy-statement.js";
import type { CatalogEmulation } from "./pg-catalog/index.js";

/** A COPY the connection must carry out with the client. */
export interface CopyRequest {
  kind: "copy";
  statement: CopyStatement;
}

export type RunItem = StatementResult | CopyRequest;

export function isCopyRequest(item: RunItem): item is CopyRequest {
  return (item as CopyRequest).kind === "copy";
}

export class QueryRunner {
  constructor(
    private readonly session: EngineSession,
    private readonly catalog: CatalogEmulation,
    /** told each query's duration and outcome (/metrics) */
    private readonly observe?: (seconds: number, ok: boolean) => void,
  ) {}

  /** Whether `sql` goes to the engine session whole (no catalog-emulated statement, no COPY). */
  goesToEngine(sql: string): boolean {
    return !splitStatements(sql).some((p) => p.text !== "" && this.special(p.text));
  }

  /** The engine's prepare of one statement (see EngineSession.prepare). */
  prepare(sql: string, paramTypes: (DataType | undefined)[]) {
    return this.session.prepare(sql, paramTypes);
  }

  private special(text: string): boolean {
    return this.catalog.handles(text) || /^\s*copy\b/i.test(text);
  }

  /** Runs `sql`; `params` (with their types) go to the engine, for SQL that goesToEngine; `signal` cancels it. */
  async *run(sql: string, params: unknown[] = [], paramTypes: (DataType | undefined)[] = [], signal?: AbortSignal): AsyncGenerator<RunItem> {
    if (!this.observe) return yield* this.runStatements(sql, params, paramTypes, signal);
    const started = performance.now();
    let ok = false;
    try {
      yield* this.runStatements(sql, params, paramTypes, signal);
      ok = true;
    } finally {
      this.observe((performance.now() - started) / 1000, ok);
    }
  }

  private async *runStatements(sql: string, params: unknown[], paramTypes: (DataType | undefined)[], signal?: AbortSignal): AsyncGenerator<RunItem> {
    const parts = splitStatements(sql).filter((p) => p.text !== "");
    if (!parts.some((p) => this.special(p.text))) {
      yield* this.session.run(sql, params, { paramTypes, signal });
      return;
    }
    for (const p of parts) {
      this.session.refuseInFailedTransaction();
      let copy: CopyStatement | undefined;
      try {
        copy = /^\s*copy\b/i.test(p.text) ? parseCopyStatement(p.text) : undefined;
      } catch (e) {
        throw shift(e, p.pos - 1);
      }
      if (copy) {
        yield { kind: "copy", statement: copy };
        continue;
      }
      if (this.catalog.handles(p.text)) {
        try {
          yield* this.catalog.run(p.text, this.session);
        } catch (e) {
          throw shift(e, p.pos - 1);
        }
        continue;
      }
      try {
        yield* this.session.run(p.text, [], { signal });
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
