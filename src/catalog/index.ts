export {
  Catalog,
  relationKindName,
  type RelationEntry,
  type RelationKind,
  type ColumnSchema,
  type IndexEntry,
  type ModelEntry,
  type RoleEntry,
} from "./catalog.js";
export * from "./acl.js";
