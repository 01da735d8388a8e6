export {
  Catalog,
  relationKindName,
  type RelationEntry,
  type RelationKind,
  type ColumnSchema,
  type IndexEntry,
} from "./catalog.js";
