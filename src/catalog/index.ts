export {
  Catalog,
  relationKindName,
  type RelationEntry,
  type RelationKind,
  type ColumnSchema,
  type IndexEntry,
  type VectorIndexSpec,
  type ModelEntry,
  type RoleEntry,
  type FunctionEntry,
  functionSignature,
} from "./catalog.js";
export * from "./acl.js";
export { DatabaseDirectory, DEFAULT_DATABASE, type DatabaseEntry } from "./database-directory.js";
