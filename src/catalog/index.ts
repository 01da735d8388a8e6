export {
  Catalog,
  relationKindName,
  type RelationEntry,
  type RelationKind,
  type ColumnSchema,
  type IndexEntry,
  type ModelEntry,
  type FunctionEntry,
  functionSignature,
} from "./catalog.js";
