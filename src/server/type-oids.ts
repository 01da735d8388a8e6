// The Postgres type OIDs, sizes and type modifiers the wire protocol reports for our DataTypes,
// and the reverse lookup for the parameter types a client names in Parse.
//
// pgvector's `vector` has no fixed OID in Postgres (CREATE EXTENSION assigns one); clients find
// it by name in pg_type, so we pick fixed OIDs of our own for it and its array type and the
// pg_type emulation (pg-catalog/) reports them.

import { Types, type DataType } from "../types/index.js";

export const VECTOR_OID = 16385;
export const VECTOR_ARRAY_OID = 16386;

export interface WireType {
  oid: number;
  /** pg_type.typlen (-1 variable length) */
  size: number;
  /** the type modifier (atttypmod), -1 when none */
  modifier: number;
}

interface OidEntry {
  oid: number;
  arrayOid: number;
  size: number;
  /** pg_type.typname */
  name: string;
  type: DataType;
}

const ENTRIES: OidEntry[] = [
  { oid: 16, arrayOid: 1000, size: 1, name: "bool", type: Types.boolean },
  { oid: 21, arrayOid: 1005, size: 2, name: "int2", type: Types.smallint },
  { oid: 23, arrayOid: 1007, size: 4, name: "int4", type: Types.integer },
  { oid: 20, arrayOid: 1016, size: 8, name: "int8", type: Types.bigint },
  { oid: 700, arrayOid: 1021, size: 4, name: "float4", type: Types.real },
  { oid: 701, arrayOid: 1022, size: 8, name: "float8", type: Types.double },
  { oid: 1700, arrayOid: 1231, size: -1, name: "numeric", type: Types.numeric },
  { oid: 25, arrayOid: 1009, size: -1, name: "text", type: Types.text },
  { oid: 1043, arrayOid: 1015, size: -1, name: "varchar", type: Types.varchar },
  { oid: 1042, arrayOid: 1014, size: -1, name: "bpchar", type: { id: "char" } },
  { oid: 17, arrayOid: 1001, size: -1, name: "bytea", type: Types.bytea },
  { oid: 1082, arrayOid: 1182, size: 4, name: "date", type: Types.date },
  { oid: 1083, arrayOid: 1183, size: 8, name: "time", type: Types.time },
  { oid: 1114, arrayOid: 1115, size: 8, name: "timestamp", type: Types.timestamp },
  { oid: 1184, arrayOid: 1185, size: 8, name: "timestamptz", type: Types.timestamptz },
  { oid: 1186, arrayOid: 1187, size: 16, name: "interval", type: Types.interval },
  { oid: 3802, arrayOid: 3807, size: -1, name: "jsonb", type: Types.jsonb },
  { oid: VECTOR_OID, arrayOid: VECTOR_ARRAY_OID, size: -1, name: "vector", type: Types.vector() },
];

const BY_ID = new Map<string, OidEntry>(ENTRIES.map((e) => [e.type.id, e]));
const BY_OID = new Map<number, DataType>();
for (const e of ENTRIES) {
  BY_OID.set(e.oid, e.type);
  BY_OID.set(e.arrayOid, Types.array(e.type));
}
// types clients name that map onto ours
BY_OID.set(114, Types.jsonb); // json: accepted, kept as jsonb
BY_OID.set(199, Types.array(Types.jsonb));
BY_OID.set(18, { id: "char", length: 1 }); // "char"
BY_OID.set(19, Types.text); // name
BY_OID.set(26, Types.bigint); // oid
BY_OID.set(1028, Types.array(Types.bigint)); // _oid

export const TEXT_OID = 25;
export const UNKNOWN_OID = 705;

/** The Postgres type modifier of a type (numeric: (p << 16 | s) + 4, varchar/char: n + 4, vector: dims). */
export function typeModifier(t: DataType): number {
  switch (t.id) {
    case "numeric":
      return t.precision !== undefined ? ((t.precision << 16) | (t.scale ?? 0)) + 4 : -1;
    case "varchar":
      return t.length !== undefined ? t.length + 4 : -1;
    case "char":
      return t.length !== undefined ? t.length + 4 : -1;
    case "vector":
      return t.dims ?? -1;
    case "array":
      return typeModifier(t.element ?? Types.text);
    default:
      return -1;
  }
}

function baseElement(t: DataType): DataType {
  let e = t;
  while (e.id === "array") e = e.element ?? Types.text;
  return e;
}

/** OID of a type (an unknown-typed result column is reported as text, as Postgres resolves it). */
export function typeOid(t: DataType): number {
  if (t.id === "array") return BY_ID.get(baseElement(t).id)?.arrayOid ?? 1009;
  return BY_ID.get(t.id)?.oid ?? TEXT_OID;
}

export function wireType(t: DataType): WireType {
  const size = t.id === "array" ? -1 : (BY_ID.get(t.id)?.size ?? -1);
  return { oid: typeOid(t), size, modifier: typeModifier(t) };
}

/** The type a client means by a parameter type OID; undefined for 0 (unspecified) and OIDs we lack. */
export function typeForOid(oid: number): DataType | undefined {
  return BY_OID.get(oid);
}

/** pg_type rows we report: (oid, typname, typlen, element oid or 0, array oid or 0). */
export function builtinTypes(): { oid: number; name: string; size: number; elementOid: number; arrayOid: number; type: DataType }[] {
  const out: { oid: number; name: string; size: number; elementOid: number; arrayOid: number; type: DataType }[] = [];
  for (const e of ENTRIES) {
    out.push({ oid: e.oid, name: e.name, size: e.size, elementOid: 0, arrayOid: e.arrayOid, type: e.type });
    out.push({ oid: e.arrayOid, name: "_" + e.name, size: -1, elementOid: e.oid, arrayOid: 0, type: Types.array(e.type) });
  }
  return out;
}
