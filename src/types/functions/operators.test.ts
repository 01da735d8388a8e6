// Generated from psql output of PostgreSQL 15: each case is the SQL in its title.
import { describe, it, expect } from "vitest";
import { arr, bool, bytea, callOp, f4, f8, i2, i4, i8, lit, num, txt, typed } from "../testing.js";
import * as S from "../index.js";

describe("operators (PostgreSQL 15 output)", () => {
  it("select 1 + 2", () => {
    expect(callOp("+", i4(1), i4(2))).toBe("3");
  });
  it("select 2147483647 + 1", () => {
    expect(callOp("+", i4(2147483647), i4(1))).toBe("ERROR 22003: integer out of range");
  });
  it("select -2147483648 / -1", () => {
    expect(callOp("/", i4(-2147483648), i4(-1))).toBe("ERROR 22003: integer out of range");
  });
  it("select 7 / 2", () => {
    expect(callOp("/", i4(7), i4(2))).toBe("3");
  });
  it("select -7 / 2", () => {
    expect(callOp("/", i4(-7), i4(2))).toBe("-3");
  });
  it("select -7 % 3", () => {
    expect(callOp("%", i4(-7), i4(3))).toBe("-1");
  });
  it("select 1 / 0", () => {
    expect(callOp("/", i4(1), i4(0))).toBe("ERROR 22012: division by zero");
  });
  it("select 1 % 0", () => {
    expect(callOp("%", i4(1), i4(0))).toBe("ERROR 22012: division by zero");
  });
  it("select 32767::int2 + 1::int2", () => {
    expect(callOp("+", i2(32767), i2(1))).toBe("ERROR 22003: smallint out of range");
  });
  it("select 2::int2 * 3::int2", () => {
    expect(callOp("*", i2(2), i2(3))).toBe("6");
  });
  it("select 9223372036854775807 + 1", () => {
    expect(callOp("+", i8(9223372036854775807n), i8(1))).toBe("ERROR 22003: bigint out of range");
  });
  it("select 3000000000 * 4", () => {
    expect(callOp("*", i8(3000000000), i4(4))).toBe("12000000000");
  });
  it("select 100000 * 100000", () => {
    expect(callOp("*", i4(100000), i4(100000))).toBe("ERROR 22003: integer out of range");
  });
  it("select 1 + 1.5", () => {
    expect(callOp("+", i4(1), num("1.5"))).toBe("2.5");
  });
  it("select 10 / 4.0", () => {
    expect(callOp("/", i4(10), num("4.0"))).toBe("2.5000000000000000");
  });
  it("select 1.5::float8 + 1", () => {
    expect(callOp("+", f8(1.5), i4(1))).toBe("2.5");
  });
  it("select 0.1::float8 + 0.2::float8", () => {
    expect(callOp("+", f8(0.1), f8(0.2))).toBe("0.30000000000000004");
  });
  it("select 1e308::float8 * 10", () => {
    expect(callOp("*", f8(1e308), i4(10))).toBe("ERROR 22003: value out of range: overflow");
  });
  it("select 1e-308::float8 * 1e-10", () => {
    expect(callOp("*", f8(1e-308), f8(1e-10))).toBe("1e-318");
  });
  it("select 1.0::float8 / 0", () => {
    expect(callOp("/", f8(1), i4(0))).toBe("ERROR 22012: division by zero");
  });
  it("select 'NaN'::float8 / 0", () => {
    expect(callOp("/", f8(NaN), f8(0))).toBe("NaN");
  });
  it("select 1.5::real * 2", () => {
    expect(callOp("*", f4(1.5), i4(2))).toBe("3");
  });
  it("select 1.1::real + 2.2::real", () => {
    expect(callOp("+", f4(1.1), f4(2.2))).toBe("3.3000002");
  });
  it("select 1.0 / 0", () => {
    expect(callOp("/", num("1.0"), i4(0))).toBe("ERROR 22012: division by zero");
  });
  it("select 7.5 % 2", () => {
    expect(callOp("%", num("7.5"), i4(2))).toBe("1.5");
  });
  it("select 2 ^ 10", () => {
    expect(callOp("^", i4(2), i4(10))).toBe("1024");
  });
  it("select 2.0 ^ 10", () => {
    expect(callOp("^", num("2.0"), i4(10))).toBe("1024.0000000000000000");
  });
  it("select 0 ^ -1", () => {
    expect(callOp("^", i4(0), i4(-1))).toBe("ERROR 2201F: zero raised to a negative power is undefined");
  });
  it("select (-8) ^ (1.0/3)", () => {
    expect(callOp("^", f8(-8), f8(1/3))).toBe("ERROR 2201F: a negative number raised to a non-integer power yields a complex result");
  });
  it("select -(-2147483647 - 1)", () => {
    expect(callOp("-", null, i4(-2147483648))).toBe("ERROR 22003: integer out of range");
  });
  it("select @ -5", () => {
    expect(callOp("@", null, i4(-5))).toBe("5");
  });
  it("select |/ 25.0::float8", () => {
    expect(callOp("|/", null, f8(25))).toBe("5");
  });
  it("select 5 & 3", () => {
    expect(callOp("&", i4(5), i4(3))).toBe("1");
  });
  it("select 5 | 3", () => {
    expect(callOp("|", i4(5), i4(3))).toBe("7");
  });
  it("select 5 # 3", () => {
    expect(callOp("#", i4(5), i4(3))).toBe("6");
  });
  it("select ~5", () => {
    expect(callOp("~", null, i4(5))).toBe("-6");
  });
  it("select 1 << 31", () => {
    expect(callOp("<<", i4(1), i4(31))).toBe("-2147483648");
  });
  it("select -8 >> 1", () => {
    expect(callOp(">>", i4(-8), i4(1))).toBe("-4");
  });
  it("select 1::int8 << 62", () => {
    expect(callOp("<<", i8(1), i4(62))).toBe("4611686018427387904");
  });
  it("select 1 = 1.0", () => {
    expect(callOp("=", i4(1), num("1.0"))).toBe("t");
  });
  it("select 1 < 1.5", () => {
    expect(callOp("<", i4(1), num("1.5"))).toBe("t");
  });
  it("select 5 = 5::int8", () => {
    expect(callOp("=", i4(5), i8(5))).toBe("t");
  });
  it("select 9007199254740993::int8 = 9007199254740992::int8", () => {
    expect(callOp("=", i8(9007199254740993n), i8(9007199254740992n))).toBe("f");
  });
  it("select 'NaN'::float8 = 'NaN'::float8", () => {
    expect(callOp("=", f8(NaN), f8(NaN))).toBe("t");
  });
  it("select 'NaN'::float8 > 'Infinity'::float8", () => {
    expect(callOp(">", f8(NaN), f8(Infinity))).toBe("t");
  });
  it("select '-0'::float8 = 0::float8", () => {
    expect(callOp("=", f8(-0), f8(0))).toBe("t");
  });
  it("select 1.5::real = 1.5::float8", () => {
    expect(callOp("=", f4(1.5), f8(1.5))).toBe("t");
  });
  it("select 0.1::real = 0.1::float8", () => {
    expect(callOp("=", f4(0.1), f8(0.1))).toBe("f");
  });
  it("select 'abc' < 'abd'", () => {
    expect(callOp("<", lit("abc"), lit("abd"))).toBe("t");
  });
  it("select 'a' < 'B'", () => {
    expect(callOp("<", lit("a"), lit("B"))).toBe("f");
  });
  it("select 'a '::char(3) = 'a'::char(2)", () => {
    expect(callOp("=", typed({id:"char",length:3}, "a "), typed({id:"char",length:2}, "a"))).toBe("t");
  });
  it("select 'a '::char(3) = 'a '::text", () => {
    expect(callOp("=", typed({id:"char",length:3}, "a "), txt("a "))).toBe("f");
  });
  it("select 'x'::varchar = 'x'::text", () => {
    expect(callOp("=", typed({id:"varchar"}, "x"), txt("x"))).toBe("t");
  });
  it("select true > false", () => {
    expect(callOp(">", bool(true), bool(false))).toBe("t");
  });
  it("select 5 = '5'", () => {
    expect(callOp("=", i4(5), lit("5"))).toBe("t");
  });
  it("select 5 = 'x'", () => {
    expect(callOp("=", i4(5), lit("x"))).toBe("ERROR 22P02: invalid input syntax for type integer: \"x\"");
  });
  it("select 'a' || 'b'", () => {
    expect(callOp("||", lit("a"), lit("b"))).toBe("ab");
  });
  it("select 'x' || 1", () => {
    expect(callOp("||", lit("x"), i4(1))).toBe("x1");
  });
  it("select 1 || 'x'", () => {
    expect(callOp("||", i4(1), lit("x"))).toBe("1x");
  });
  it("select 'x' || true", () => {
    expect(callOp("||", lit("x"), bool(true))).toBe("xtrue");
  });
  it("select 'x' || 1.50", () => {
    expect(callOp("||", lit("x"), num("1.50"))).toBe("x1.50");
  });
  it("select 'x'::text || null::int", () => {
    expect(callOp("||", txt("x"), i4(null))).toBe(null);
  });
  it("select 1 + 'a'", () => {
    expect(callOp("+", i4(1), lit("a"))).toBe("ERROR 22P02: invalid input syntax for type integer: \"a\"");
  });
  it("select 1 + 'a'::text", () => {
    expect(callOp("+", i4(1), txt("a"))).toBe("ERROR 42883: operator does not exist: integer + text");
  });
  it("select '1' + '2'", () => {
    expect(callOp("+", lit("1"), lit("2"))).toBe("ERROR 42725: operator is not unique: unknown + unknown");
  });
  it("select - 'abc'::text", () => {
    expect(callOp("-", null, txt("abc"))).toBe("ERROR 42883: operator does not exist: - text");
  });
  it("select '\\x01'::bytea || '\\x02'::bytea", () => {
    expect(callOp("||", bytea("\\x01"), bytea("\\x02"))).toBe("\\x0102");
  });
  it("select '\\x01'::bytea < '\\x0100'::bytea", () => {
    expect(callOp("<", bytea("\\x01"), bytea("\\x0100"))).toBe("t");
  });
  it("select array[1,2] = array[1,2]", () => {
    expect(callOp("=", arr(S.Types.integer, "{1,2}"), arr(S.Types.integer, "{1,2}"))).toBe("t");
  });
  it("select array[1,2] < array[1,2,0]", () => {
    expect(callOp("<", arr(S.Types.integer, "{1,2}"), arr(S.Types.integer, "{1,2,0}"))).toBe("t");
  });
  it("select array[1,null] > array[1,2]", () => {
    expect(callOp(">", arr(S.Types.integer, "{1,NULL}"), arr(S.Types.integer, "{1,2}"))).toBe("t");
  });
  it("select array[1,2] || 3", () => {
    expect(callOp("||", arr(S.Types.integer, "{1,2}"), i4(3))).toBe("{1,2,3}");
  });
  it("select 0 || array[1,2]", () => {
    expect(callOp("||", i4(0), arr(S.Types.integer, "{1,2}"))).toBe("{0,1,2}");
  });
  it("select array[1] || array[2,3]", () => {
    expect(callOp("||", arr(S.Types.integer, "{1}"), arr(S.Types.integer, "{2,3}"))).toBe("{1,2,3}");
  });
  it("select array[1,2] || array[[3,4]]", () => {
    expect(callOp("||", arr(S.Types.integer, "{1,2}"), arr(S.Types.integer, "{{3,4}}"))).toBe("{{1,2},{3,4}}");
  });
  it("select array[1,2] || 1.5", () => {
    expect(callOp("||", arr(S.Types.integer, "{1,2}"), num("1.5"))).toBe("{1,2,1.5}");
  });
  it("select array[1,2,3] @> array[3,1]", () => {
    expect(callOp("@>", arr(S.Types.integer, "{1,2,3}"), arr(S.Types.integer, "{3,1}"))).toBe("t");
  });
  it("select array[1,2] && array[2,5]", () => {
    expect(callOp("&&", arr(S.Types.integer, "{1,2}"), arr(S.Types.integer, "{2,5}"))).toBe("t");
  });
  it("select '{a,b}'::text[] <@ '{a,b,c}'", () => {
    expect(callOp("<@", arr(S.Types.text, "{a,b}"), lit("{a,b,c}"))).toBe("t");
  });
  it("select 'abc' ~ 'b'", () => {
    expect(callOp("~", lit("abc"), lit("b"))).toBe("t");
  });
  it("select 'ABC' ~* 'b'", () => {
    expect(callOp("~*", lit("ABC"), lit("b"))).toBe("t");
  });
  it("select 'abc' !~ '^b'", () => {
    expect(callOp("!~", lit("abc"), lit("^b"))).toBe("t");
  });
  it("select 'foo bar' ~ '\\mbar\\M'", () => {
    expect(callOp("~", lit("foo bar"), lit("\\mbar\\M"))).toBe("t");
  });
  it("select 'a1' ~ '[[:digit:]]'", () => {
    expect(callOp("~", lit("a1"), lit("[[:digit:]]"))).toBe("t");
  });
  it("select 'abc' ~ '('", () => {
    expect(callOp("~", lit("abc"), lit("("))).toBe("ERROR 2201B: invalid regular expression: parentheses () not balanced");
  });
  it("select 'abc' ~~ 'a%'", () => {
    expect(callOp("~~", lit("abc"), lit("a%"))).toBe("t");
  });
});
