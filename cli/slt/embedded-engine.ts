// The sqllogictest runner on the embedded engine: each test file gets a fresh in-memory Database.

import { Database, SqlError, formatValue, type DataType, type StatementResult } from "../../src/index.js";
import type { ValueKind } from "./compare.js";
import { SltEngineError, type SltDatabase, type SltEngine, type SltResult } from "./engine.js";

export const embeddedEngine: SltEngine = {
  name: "sage-sql (embedded, in memory)",
  async open(): Promise<SltDatabase> {
    const db = await Database.open({ memory: true });
    return {
      async connect() {
        const session = db.connect({ applicationName: "sqllogictest" });
        return {
          async run(sql: string): Promise<SltResult[]> {
            try {
              return (await session.execute(sql)).map(toSltResult);
            } catch (e) {
              throw toEngineError(e);
            }
          },
        };
      },
      close: () => db.close(),
    };
  },
};

export function valueKind(type: DataType): ValueKind {
  switch (type.id) {
    case "smallint":
    case "integer":
    case "bigint":
      return "integer";
    case "real":
    case "double":
      return "float";
    case "numeric":
      return "numeric";
    case "boolean":
      return "boolean";
    default:
      return "text";
  }
}

function toSltResult(r: StatementResult): SltResult {
  return {
    command: r.command,
    rowCount: r.rowCount,
    columns: r.columns.map((c) => ({ name: c.name, kind: valueKind(c.type) })),
    rows: r.rows.map((row) =>
      row.map((v, i) => (v === null || v === undefined ? null : formatValue(r.columns[i].type, v))),
    ),
  };
}

function toEngineError(e: unknown): SltEngineError {
  if (e instanceof SqlError) {
    // XX000 is how the engine reports its own crashes
    return new SltEngineError(e.message, e.code, e.code === "XX000");
  }
  const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return new SltEngineError(`internal error (not an SqlError): ${message}`, undefined, true);
}
