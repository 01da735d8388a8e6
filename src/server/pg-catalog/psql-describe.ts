// psql's describe queries (src/bin/psql/describe.c, as psql 15 sends them), recognised by their
// text and answered from the catalog model.

import type { StatementResult } from "../../index.js";
import type { CatalogContext } from "./system-relations.js";

export type PsqlHandler = (sql: string, ctx: CatalogContext) => StatementResult;

export function findPsqlHandler(sql: string): PsqlHandler | undefined {
  void sql;
  return undefined;
}
