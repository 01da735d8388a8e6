// The public surface of sage-sql: open a Database, connect Sessions, run SQL.
export { Database, Session, type DatabaseOptions, type SessionOptions } from "./database.js";
export type { StatementResult, ResultColumn, ChangeFeedHandle } from "./types/index.js";
export {
  SqlError,
  SqlState,
  formatValue,
  typeName,
  type DataType,
  type TypeId,
} from "./types/index.js";
export { splitStatements, KEYWORDS } from "./parser/index.js";
export { Subscription } from "./executor/index.js";

// ---- for the wire-protocol server (src/server): scalar value classes, the input function and
// the catalog's entry types (pg_catalog emulation reads db.catalog).
export { Types, parseValue, Decimal, Interval, Jsonb } from "./types/index.js";
export type { Catalog, RelationEntry, ColumnSchema, IndexEntry, RelationKind } from "./catalog/index.js";
