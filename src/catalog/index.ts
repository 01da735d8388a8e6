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
} from "./catalog.js";
