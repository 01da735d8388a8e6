import { describe, it, expect } from "vitest";
import { castContext, castValue, canCast } from "./cast.js";
import { parseTypeName } from "./text-format.js";
import { Types, typeName, DataType } from "./data-type.js";
import { SqlError } from "./errors.js";

const ty = (n: string) => parseTypeName(n);

function code(f: () => unknown): string {
  try {
    f();
    return "ok";
  } catch (e) {
    return `${(e as SqlError).code}: ${(e as SqlError).message}`;
  }
}

// pg_cast rows of PostgreSQL 15 among our types (castsource|casttarget|castcontext).
const PG_CAST = `
bigint|double precision|i
bigint|integer|a
bigint|numeric|i
bigint|real|i
bigint|smallint|a
boolean|integer|e
boolean|text|a
date|timestamp with time zone|i
date|timestamp without time zone|i
double precision|bigint|a
double precision|integer|a
double precision|numeric|a
double precision|real|a
double precision|smallint|a
integer|bigint|i
integer|boolean|e
integer|double precision|i
integer|numeric|i
integer|real|i
integer|smallint|a
interval|time without time zone|a
jsonb|bigint|e
jsonb|boolean|e
jsonb|double precision|e
jsonb|integer|e
jsonb|numeric|e
jsonb|real|e
jsonb|smallint|e
numeric|bigint|a
numeric|double precision|i
numeric|integer|a
numeric|real|i
numeric|smallint|a
real|bigint|a
real|double precision|i
real|integer|a
real|numeric|a
real|smallint|a
smallint|bigint|i
smallint|double precision|i
smallint|integer|i
smallint|numeric|i
smallint|real|i
time without time zone|interval|i
timestamp with time zone|date|a
timestamp with time zone|time without time zone|a
timestamp with time zone|timestamp without time zone|a
timestamp without time zone|date|a
timestamp without time zone|time without time zone|a
timestamp without time zone|timestamp with time zone|i
`;

describe("castContext follows pg_cast", () => {
  const ctx = { i: "implicit", a: "assignment", e: "explicit" } as const;
  const triples = PG_CAST.trim().split("\n");
  it("has every pg_cast row", () => {
    expect(triples.length).toBe(50);
    for (const t of triples) {
      const [src, dst, c] = t.trim().split("|");
      expect(`${src} -> ${dst}: ${castContext(ty(src), ty(dst))}`).toBe(`${src} -> ${dst}: ${ctx[c as "i" | "a" | "e"]}`);
    }
  });
  it("I/O conversions: to text is assignment, from text explicit", () => {
    expect(castContext(Types.integer, Types.text)).toBe("assignment");
    expect(castContext(Types.jsonb, Types.varchar)).toBe("assignment");
    expect(castContext(Types.text, Types.integer)).toBe("explicit");
    expect(castContext(Types.text, Types.varchar)).toBe("implicit");
    expect(castContext({ id: "char", length: 2 }, Types.text)).toBe("implicit");
    expect(castContext(Types.unknown, Types.interval)).toBe("implicit");
  });
  it("missing casts are null", () => {
    expect(castContext(Types.smallint, Types.boolean)).toBe(null);
    expect(castContext(Types.date, Types.time)).toBe(null);
    expect(castContext(Types.integer, Types.date)).toBe(null);
    expect(castContext(Types.bytea, Types.jsonb)).toBe(null);
    expect(canCast(Types.integer, Types.bigint, "implicit")).toBe(true);
    expect(canCast(Types.bigint, Types.integer, "implicit")).toBe(false);
    expect(canCast(Types.bigint, Types.integer, "assignment")).toBe(true);
  });
  it("arrays and vectors", () => {
    expect(castContext(Types.array(Types.integer), Types.array(Types.bigint))).toBe("implicit");
    expect(castContext(Types.array(Types.bigint), Types.array(Types.integer))).toBe("assignment");
    expect(castContext(Types.array(Types.real), Types.vector(3))).toBe("assignment");
    expect(castContext(Types.vector(3), Types.array(Types.real))).toBe("implicit");
    expect(castContext(Types.vector(3), Types.vector())).toBe("implicit");
    expect(castContext(Types.array(Types.text), Types.vector())).toBe(null);
  });
});

describe("castValue contexts and type modifiers", () => {
  const vc2: DataType = { id: "varchar", length: 2 };
  const ch2: DataType = { id: "char", length: 2 };
  it("varchar(n): explicit truncates, assignment raises 22001 (trailing spaces are cut silently)", () => {
    expect(castValue("abc", Types.text, vc2, "explicit")).toBe("ab");
    expect(code(() => castValue("abc", Types.text, vc2, "assignment"))).toBe("22001: value too long for type character varying(2)");
    expect(castValue("ab   ", Types.text, vc2, "assignment")).toBe("ab");
    expect(code(() => castValue("abc", Types.unknown, ch2, "assignment"))).toBe("22001: value too long for type character(2)");
    expect(castValue("a", Types.unknown, ch2, "assignment")).toBe("a ");
    expect(castValue("😀😀😀", Types.text, vc2, "explicit")).toBe("😀😀");
  });
  it("numeric(p,s) applies in every context", () => {
    const n52: DataType = { id: "numeric", precision: 5, scale: 2 };
    const e = (() => {
      try {
        castValue(12345, Types.integer, n52, "assignment");
      } catch (x) {
        return x as SqlError;
      }
      return null;
    })();
    expect(e?.code).toBe("22003");
    expect(e?.message).toBe("numeric field overflow");
    expect(e?.detail).toBe("A field with precision 5, scale 2 must round to an absolute value less than 10^3.");
  });
  it("vectors", () => {
    const v = castValue([1, 2, 3], Types.array(Types.integer), Types.vector(3), "assignment") as Float32Array;
    expect(Array.from(v)).toEqual([1, 2, 3]);
    expect(code(() => castValue([1, 2], Types.array(Types.real), Types.vector(3)))).toBe("22000: expected 3 dimensions, not 2");
    expect(code(() => castValue([1, null], Types.array(Types.real), Types.vector()))).toBe("22004: array must not contain nulls");
    expect(code(() => castValue([1, NaN], Types.array(Types.double), Types.vector()))).toBe("22000: NaN not allowed in vector");
    expect(code(() => castValue("[1,2]", Types.text, Types.vector(3)))).toBe("22000: expected 3 dimensions, not 2");
    expect(code(() => castValue("[]", Types.unknown, Types.vector()))).toBe("22000: vector must have at least 1 dimension");
    expect(code(() => castValue("1,2", Types.unknown, Types.vector()))).toBe('22P02: invalid input syntax for type vector: "1,2"');
    expect(castValue(new Float32Array([1.5, 2]), Types.vector(2), Types.array(Types.real))).toEqual([1.5, 2]);
    expect(castValue(new Float32Array([1.5, 2]), Types.vector(2), Types.text)).toBe("[1.5,2]");
  });
  it("unsupported pairs raise 42846", () => {
    expect(code(() => castValue(1, Types.smallint, Types.boolean))).toBe("42846: cannot cast type smallint to boolean");
    expect(code(() => castValue(1, Types.integer, Types.date))).toBe("42846: cannot cast type integer to date");
    expect(code(() => castValue([1], Types.array(Types.integer), Types.integer))).toBe("42846: cannot cast type integer[] to integer");
  });
});

describe("parseTypeName", () => {
  const cases: [string, number[], number, string][] = [
    ["int", [], 0, "integer"],
    ["INT4", [], 0, "integer"],
    ["integer", [], 0, "integer"],
    ["int2", [], 0, "smallint"],
    ["smallint", [], 0, "smallint"],
    ["int8", [], 0, "bigint"],
    ["bigint", [], 0, "bigint"],
    ["serial", [], 0, "integer"],
    ["bigserial", [], 0, "bigint"],
    ["float4", [], 0, "real"],
    ["real", [], 0, "real"],
    ["float8", [], 0, "double precision"],
    ["double  precision", [], 0, "double precision"],
    ["float", [], 0, "double precision"],
    ["float", [24], 0, "real"],
    ["float", [25], 0, "double precision"],
    ["numeric", [], 0, "numeric"],
    ["decimal", [10, 2], 0, "numeric(10,2)"],
    ["numeric", [5], 0, "numeric(5,0)"],
    ["text", [], 0, "text"],
    ["string", [], 0, "text"],
    ["varchar", [], 0, "character varying"],
    ["character varying", [20], 0, "character varying(20)"],
    ["varchar(10)", [], 0, "character varying(10)"],
    ["char", [], 0, "character(1)"],
    ["character", [3], 0, "character(3)"],
    ["bytea", [], 0, "bytea"],
    ["bool", [], 0, "boolean"],
    ["boolean", [], 0, "boolean"],
    ["date", [], 0, "date"],
    ["time", [], 0, "time without time zone"],
    ["time without time zone", [], 0, "time without time zone"],
    ["timestamp", [3], 0, "timestamp without time zone"],
    ["timestamp without time zone", [], 0, "timestamp without time zone"],
    ["timestamptz", [], 0, "timestamp with time zone"],
    ["timestamp with time zone", [], 0, "timestamp with time zone"],
    ["interval", [], 0, "interval"],
    ["json", [], 0, "jsonb"],
    ["jsonb", [], 0, "jsonb"],
    ["vector", [3], 0, "vector(3)"],
    ["int", [], 1, "integer[]"],
    ["text[]", [], 0, "text[]"],
    ["int", [], 2, "integer[]"],
    ["pg_catalog.int4", [], 0, "integer"],
  ];
  it("maps every spelling", () => {
    for (const [n, mods, dims, want] of cases) expect(`${n} → ${typeName(parseTypeName(n, mods, dims))}`).toBe(`${n} → ${want}`);
  });
  it("round-trips typeName", () => {
    for (const t of [Types.integer, { id: "numeric", precision: 10, scale: 2 } as DataType, { id: "varchar", length: 5 } as DataType, Types.vector(3), Types.array(Types.timestamptz)]) {
      expect(parseTypeName(typeName(t))).toEqual(t);
    }
  });
  it("errors like Postgres", () => {
    expect(code(() => parseTypeName("foo"))).toBe('42704: type "foo" does not exist');
    expect(code(() => parseTypeName("numeric", [0]))).toBe("22023: NUMERIC precision 0 must be between 1 and 1000");
    expect(code(() => parseTypeName("varchar", [0]))).toBe("22023: length for type varchar must be at least 1");
    expect(code(() => parseTypeName("float", [60]))).toBe("22023: precision for type float must be less than 54 bits");
    expect(code(() => parseTypeName("vector", [0]))).toBe("22023: dimensions for type vector must be at least 1");
  });
});
