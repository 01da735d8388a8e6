// SQL data types as the engine sees them. A DataType is plain data (it travels in physical plans
// to workers). Each type has one in-memory scalar form (see `ScalarValue` below) and one column
// layout (see column.ts).

export type TypeId =
  | "boolean"
  | "smallint"
  | "integer"
  | "bigint"
  | "real"
  | "double"
  | "numeric"
  | "text"
  | "varchar"
  | "char"
  | "bytea"
  | "date"
  | "time"
  | "timestamp"
  | "timestamptz"
  | "interval"
  | "jsonb"
  | "vector"
  | "array"
  /** the type of an untyped literal ('abc', NULL) until context gives it one, as in Postgres */
  | "unknown";

export interface DataType {
  readonly id: TypeId;
  /** numeric(precision, scale) */
  readonly precision?: number;
  readonly scale?: number;
  /** varchar(n), char(n) */
  readonly length?: number;
  /** vector(n) */
  readonly dims?: number;
  /** array element type */
  readonly element?: DataType;
}

export const Types = {
  boolean: { id: "boolean" } as DataType,
  smallint: { id: "smallint" } as DataType,
  integer: { id: "integer" } as DataType,
  bigint: { id: "bigint" } as DataType,
  real: { id: "real" } as DataType,
  double: { id: "double" } as DataType,
  numeric: { id: "numeric" } as DataType,
  text: { id: "text" } as DataType,
  varchar: { id: "varchar" } as DataType,
  bytea: { id: "bytea" } as DataType,
  date: { id: "date" } as DataType,
  time: { id: "time" } as DataType,
  timestamp: { id: "timestamp" } as DataType,
  timestamptz: { id: "timestamptz" } as DataType,
  interval: { id: "interval" } as DataType,
  jsonb: { id: "jsonb" } as DataType,
  unknown: { id: "unknown" } as DataType,
  vector: (dims?: number): DataType => (dims === undefined ? { id: "vector" } : { id: "vector", dims }),
  array: (element: DataType): DataType => ({ id: "array", element }),
} as const;

/** How a column of this type is laid out in memory. */
export type PhysicalKind = "bool" | "int32" | "int64" | "float64" | "object";

export function physicalKind(t: DataType): PhysicalKind {
  switch (t.id) {
    case "boolean":
      return "bool";
    case "smallint":
    case "integer":
    case "date":
      return "int32";
    case "bigint":
      return "int64";
    case "real":
    case "double":
    case "time":
    case "timestamp":
    case "timestamptz":
      return "float64";
    default:
      return "object";
  }
}

export function typeEquals(a: DataType, b: DataType): boolean {
  if (a.id !== b.id) return false;
  if (a.id === "array") return typeEquals(a.element!, b.element!);
  return true;
}

export function isNumericType(t: DataType): boolean {
  return (
    t.id === "smallint" ||
    t.id === "integer" ||
    t.id === "bigint" ||
    t.id === "real" ||
    t.id === "double" ||
    t.id === "numeric"
  );
}

export function isIntegerType(t: DataType): boolean {
  return t.id === "smallint" || t.id === "integer" || t.id === "bigint";
}

export function isStringType(t: DataType): boolean {
  return t.id === "text" || t.id === "varchar" || t.id === "char";
}

export function isTemporalType(t: DataType): boolean {
  return t.id === "date" || t.id === "time" || t.id === "timestamp" || t.id === "timestamptz";
}

/** The name Postgres prints for a type (pg_typeof, error messages, \d). */
export function typeName(t: DataType): string {
  switch (t.id) {
    case "boolean":
      return "boolean";
    case "smallint":
      return "smallint";
    case "integer":
      return "integer";
    case "bigint":
      return "bigint";
    case "real":
      return "real";
    case "double":
      return "double precision";
    case "numeric":
      return t.precision !== undefined
        ? `numeric(${t.precision},${t.scale ?? 0})`
        : "numeric";
    case "text":
      return "text";
    case "varchar":
      return t.length !== undefined ? `character varying(${t.length})` : "character varying";
    case "char":
      return `character(${t.length ?? 1})`;
    case "bytea":
      return "bytea";
    case "date":
      return "date";
    case "time":
      return "time without time zone";
    case "timestamp":
      return "timestamp without time zone";
    case "timestamptz":
      return "timestamp with time zone";
    case "interval":
      return "interval";
    case "jsonb":
      return "jsonb";
    case "vector":
      return t.dims !== undefined ? `vector(${t.dims})` : "vector";
    case "array":
      return `${typeName(t.element!)}[]`;
    case "unknown":
      return "unknown";
  }
}
