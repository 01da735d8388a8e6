// Generated from psql output of PostgreSQL 15: each case is the SQL in its title.
import { describe, it, expect } from "vitest";
import { arr, callFn, i4, lit, tstz, typed } from "../testing.js";
import * as S from "../index.js";

describe("array and system functions (PostgreSQL 15)", () => {
  it("select array_length(array[1,2,3], 1)", () => {
    expect(callFn("array_length", arr(S.Types.integer, "{1,2,3}"), i4(1))).toBe("3");
  });
  it("select array_length(array[1,2,3], 2)", () => {
    expect(callFn("array_length", arr(S.Types.integer, "{1,2,3}"), i4(2))).toBe(null);
  });
  it("select array_length('{}'::int[], 1)", () => {
    expect(callFn("array_length", arr(S.Types.integer, "{}"), i4(1))).toBe(null);
  });
  it("select array_length('{{1,2,3},{4,5,6}}'::int[], 2)", () => {
    expect(callFn("array_length", arr(S.Types.integer, "{{1,2,3},{4,5,6}}"), i4(2))).toBe("3");
  });
  it("select array_upper(array[1,2], 1)", () => {
    expect(callFn("array_upper", arr(S.Types.integer, "{1,2}"), i4(1))).toBe("2");
  });
  it("select array_lower(array[1,2], 1)", () => {
    expect(callFn("array_lower", arr(S.Types.integer, "{1,2}"), i4(1))).toBe("1");
  });
  it("select array_ndims('{{1},{2}}'::int[])", () => {
    expect(callFn("array_ndims", arr(S.Types.integer, "{{1},{2}}"))).toBe("2");
  });
  it("select array_dims('{{1,2},{3,4}}'::int[])", () => {
    expect(callFn("array_dims", arr(S.Types.integer, "{{1,2},{3,4}}"))).toBe("[1:2][1:2]");
  });
  it("select cardinality('{{1,2},{3,4}}'::int[])", () => {
    expect(callFn("cardinality", arr(S.Types.integer, "{{1,2},{3,4}}"))).toBe("4");
  });
  it("select cardinality('{}'::int[])", () => {
    expect(callFn("cardinality", arr(S.Types.integer, "{}"))).toBe("0");
  });
  it("select array_position(array['a','b','c','b'], 'b')", () => {
    expect(callFn("array_position", arr(S.Types.text, "{a,b,c,b}"), lit("b"))).toBe("2");
  });
  it("select array_position(array['a','b','c','b'], 'b', 3)", () => {
    expect(callFn("array_position", arr(S.Types.text, "{a,b,c,b}"), lit("b"), i4(3))).toBe("4");
  });
  it("select array_position(array[1,null,3], null)", () => {
    expect(callFn("array_position", arr(S.Types.integer, "{1,NULL,3}"), lit(null))).toBe("2");
  });
  it("select array_position(array[1.0, 2.00], 2)", () => {
    expect(callFn("array_position", arr(S.Types.numeric, "{1.0,2.00}"), i4(2))).toBe("2");
  });
  it("select array_positions(array[1,2,1], 1)", () => {
    expect(callFn("array_positions", arr(S.Types.integer, "{1,2,1}"), i4(1))).toBe("{1,3}");
  });
  it("select array_to_string(array[1,null,3], ',')", () => {
    expect(callFn("array_to_string", arr(S.Types.integer, "{1,NULL,3}"), lit(","))).toBe("1,3");
  });
  it("select array_to_string(array[1,null,3], ',', '*')", () => {
    expect(callFn("array_to_string", arr(S.Types.integer, "{1,NULL,3}"), lit(","), lit("*"))).toBe("1,*,3");
  });
  it("select array_to_string('{{a,b},{c,d}}'::text[], '-')", () => {
    expect(callFn("array_to_string", arr(S.Types.text, "{{a,b},{c,d}}"), lit("-"))).toBe("a-b-c-d");
  });
  it("select array_to_string(array[true,false], ',')", () => {
    expect(callFn("array_to_string", arr(S.Types.boolean, "{t,f}"), lit(","))).toBe("t,f");
  });
  it("select string_to_array('a,b,,c', ',')", () => {
    expect(callFn("string_to_array", lit("a,b,,c"), lit(","))).toBe("{a,b,\"\",c}");
  });
  it("select string_to_array('a,b,,c', ',', '')", () => {
    expect(callFn("string_to_array", lit("a,b,,c"), lit(","), lit(""))).toBe("{a,b,NULL,c}");
  });
  it("select string_to_array('abc', null)", () => {
    expect(callFn("string_to_array", lit("abc"), lit(null))).toBe("{a,b,c}");
  });
  it("select string_to_array('abc', '')", () => {
    expect(callFn("string_to_array", lit("abc"), lit(""))).toBe("{abc}");
  });
  it("select string_to_array('', ',')", () => {
    expect(callFn("string_to_array", lit(""), lit(","))).toBe("{}");
  });
  it("select string_to_array('a b', ' ')", () => {
    expect(callFn("string_to_array", lit("a b"), lit(" "))).toBe("{a,b}");
  });
  it("select array_append(array[1,2], 3)", () => {
    expect(callFn("array_append", arr(S.Types.integer, "{1,2}"), i4(3))).toBe("{1,2,3}");
  });
  it("select array_append(null::int[], 3)", () => {
    expect(callFn("array_append", { type: S.Types.array(S.Types.integer), value: null }, i4(3))).toBe("{3}");
  });
  it("select array_append(array[1,2], null)", () => {
    expect(callFn("array_append", arr(S.Types.integer, "{1,2}"), lit(null))).toBe("{1,2,NULL}");
  });
  it("select array_prepend(0, array[1,2])", () => {
    expect(callFn("array_prepend", i4(0), arr(S.Types.integer, "{1,2}"))).toBe("{0,1,2}");
  });
  it("select array_cat(array[1,2], array[3])", () => {
    expect(callFn("array_cat", arr(S.Types.integer, "{1,2}"), arr(S.Types.integer, "{3}"))).toBe("{1,2,3}");
  });
  it("select array_cat(null, array[3])", () => {
    expect(callFn("array_cat", { type: S.Types.array(S.Types.integer), value: null }, arr(S.Types.integer, "{3}"))).toBe("{3}");
  });
  it("select array_cat('{{1,2}}'::int[], '{{3,4}}'::int[])", () => {
    expect(callFn("array_cat", arr(S.Types.integer, "{{1,2}}"), arr(S.Types.integer, "{{3,4}}"))).toBe("{{1,2},{3,4}}");
  });
  it("select array_cat('{{1,2}}'::int[], '{3,4,5}'::int[])", () => {
    expect(callFn("array_cat", arr(S.Types.integer, "{{1,2}}"), arr(S.Types.integer, "{3,4,5}"))).toBe("ERROR 2202E: cannot concatenate incompatible arrays");
  });
  it("select array_remove(array[1,2,1,null], 1)", () => {
    expect(callFn("array_remove", arr(S.Types.integer, "{1,2,1,NULL}"), i4(1))).toBe("{2,NULL}");
  });
  it("select array_remove(array[1,2,1,null], null)", () => {
    expect(callFn("array_remove", arr(S.Types.integer, "{1,2,1,NULL}"), lit(null))).toBe("{1,2,1}");
  });
  it("select array_replace(array[1,2,1], 1, 9)", () => {
    expect(callFn("array_replace", arr(S.Types.integer, "{1,2,1}"), i4(1), i4(9))).toBe("{9,2,9}");
  });
  it("select trim_array(array[1,2,3], 2)", () => {
    expect(callFn("trim_array", arr(S.Types.integer, "{1,2,3}"), i4(2))).toBe("{1}");
  });
  it("select pg_typeof(1::int)", () => {
    expect(callFn("pg_typeof", i4(1))).toBe("integer");
  });
  it("select pg_typeof('x')", () => {
    expect(callFn("pg_typeof", lit("x"))).toBe("unknown");
  });
  it("select pg_typeof('x'::varchar(10))", () => {
    expect(callFn("pg_typeof", typed({id:"varchar",length:10}, "x"))).toBe("character varying");
  });
  it("select pg_typeof(1.5::numeric(5,2))", () => {
    expect(callFn("pg_typeof", typed({id:"numeric",precision:5,scale:2}, "1.5"))).toBe("numeric");
  });
  it("select pg_typeof(array[1])", () => {
    expect(callFn("pg_typeof", arr(S.Types.integer, "{1}"))).toBe("integer[]");
  });
  it("select pg_typeof(now())", () => {
    expect(callFn("pg_typeof", tstz("2024-01-01"))).toBe("timestamp with time zone");
  });
  it("select pg_typeof(null)", () => {
    expect(callFn("pg_typeof", lit(null))).toBe("unknown");
  });
  it("select current_database() [Postgres differs: it raises or prints \"postgres\"]", () => {
    expect(callFn("current_database")).toBe("sage");
  });
  it("select current_schema()", () => {
    expect(callFn("current_schema")).toBe("public");
  });
  it("select num_nulls(1, null, 'a', null)", () => {
    expect(callFn("num_nulls", i4(1), lit(null), lit("a"), lit(null))).toBe("2");
  });
  it("select num_nonnulls(1, null, 'a')", () => {
    expect(callFn("num_nonnulls", i4(1), lit(null), lit("a"))).toBe("2");
  });
});
