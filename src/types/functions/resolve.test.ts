// Generated from psql output of PostgreSQL 15: each case is the SQL in its title.
import { describe, it, expect } from "vitest";
import { TY, fnType, opType } from "../testing.js";
import * as S from "../index.js";

describe("overload resolution result types (PostgreSQL 15)", () => {
  it("select pg_typeof(1::int2 + 1::int2)", () => {
    expect(opType("+", TY.int2, TY.int2)).toBe("smallint");
  });
  it("select pg_typeof(1::int2 + 1)", () => {
    expect(opType("+", TY.int2, TY.int4)).toBe("integer");
  });
  it("select pg_typeof(1 + 1::int8)", () => {
    expect(opType("+", TY.int4, TY.int8)).toBe("bigint");
  });
  it("select pg_typeof(1::int2 * 1::int8)", () => {
    expect(opType("*", TY.int2, TY.int8)).toBe("bigint");
  });
  it("select pg_typeof(1 + 1.5)", () => {
    expect(opType("+", TY.int4, TY.numeric)).toBe("numeric");
  });
  it("select pg_typeof(1::int8 + 1.5)", () => {
    expect(opType("+", TY.int8, TY.numeric)).toBe("numeric");
  });
  it("select pg_typeof(1 + 1.5::float8)", () => {
    expect(opType("+", TY.int4, TY.float8)).toBe("double precision");
  });
  it("select pg_typeof(1 + 1.5::real)", () => {
    expect(opType("+", TY.int4, TY.float4)).toBe("double precision");
  });
  it("select pg_typeof(1.5::real + 1.5::real)", () => {
    expect(opType("+", TY.float4, TY.float4)).toBe("real");
  });
  it("select pg_typeof(1.5::real + 1.5::float8)", () => {
    expect(opType("+", TY.float4, TY.float8)).toBe("double precision");
  });
  it("select pg_typeof(1.5 + 1.5::real)", () => {
    expect(opType("+", TY.numeric, TY.float4)).toBe("double precision");
  });
  it("select pg_typeof(1.5 + 1.5::float8)", () => {
    expect(opType("+", TY.numeric, TY.float8)).toBe("double precision");
  });
  it("select pg_typeof(2 ^ 3)", () => {
    expect(opType("^", TY.int4, TY.int4)).toBe("double precision");
  });
  it("select pg_typeof(2.0 ^ 3)", () => {
    expect(opType("^", TY.numeric, TY.int4)).toBe("numeric");
  });
  it("select pg_typeof(5 % 2::int8)", () => {
    expect(opType("%", TY.int4, TY.int8)).toBe("bigint");
  });
  it("select pg_typeof(5.5::float8 % 2)", () => {
    expect(opType("%", TY.float8, TY.int4)).toBe("ERROR 42883: operator does not exist: double precision % integer");
  });
  it("select pg_typeof(1 / 2)", () => {
    expect(opType("/", TY.int4, TY.int4)).toBe("integer");
  });
  it("select pg_typeof(- 1::int2)", () => {
    expect(opType("-", null, TY.int2)).toBe("smallint");
  });
  it("select pg_typeof(1 + '1')", () => {
    expect(opType("+", TY.int4, TY.unknown)).toBe("integer");
  });
  it("select pg_typeof('1' + 1.5)", () => {
    expect(opType("+", TY.unknown, TY.numeric)).toBe("numeric");
  });
  it("select pg_typeof(1 = 1.5)", () => {
    expect(opType("=", TY.int4, TY.numeric)).toBe("boolean");
  });
  it("select pg_typeof(1 < 1.5::float8)", () => {
    expect(opType("<", TY.int4, TY.float8)).toBe("boolean");
  });
  it("select pg_typeof('a'::varchar || 'b'::varchar)", () => {
    expect(opType("||", TY.varchar, TY.varchar)).toBe("text");
  });
  it("select pg_typeof('a'::char || 1)", () => {
    expect(opType("||", TY.bpchar, TY.int4)).toBe("text");
  });
  it("select pg_typeof('a' || 'b')", () => {
    expect(opType("||", TY.unknown, TY.unknown)).toBe("text");
  });
  it("select pg_typeof(now() - '2024-01-01')", () => {
    expect(opType("-", TY.timestamptz, TY.unknown)).toBe("interval");
  });
  it("select pg_typeof(now() + '1 day')", () => {
    expect(opType("+", TY.timestamptz, TY.unknown)).toBe("timestamp with time zone");
  });
  it("select pg_typeof(current_date + 1)", () => {
    expect(opType("+", TY.date, TY.int4)).toBe("date");
  });
  it("select pg_typeof(current_date - 1)", () => {
    expect(opType("-", TY.date, TY.int4)).toBe("date");
  });
  it("select pg_typeof(current_date - current_date)", () => {
    expect(opType("-", TY.date, TY.date)).toBe("integer");
  });
  it("select pg_typeof(current_date + interval '1 day')", () => {
    expect(opType("+", TY.date, TY.interval)).toBe("timestamp without time zone");
  });
  it("select pg_typeof(current_date + '1 day')", () => {
    expect(opType("+", TY.date, TY.unknown)).toBe("ERROR 42725: operator is not unique: date + unknown");
  });
  it("select pg_typeof(current_date - '2024-01-01')", () => {
    expect(opType("-", TY.date, TY.unknown)).toBe("integer");
  });
  it("select pg_typeof(current_date + time '10:00')", () => {
    expect(opType("+", TY.date, TY.time)).toBe("timestamp without time zone");
  });
  it("select pg_typeof(localtimestamp - localtimestamp)", () => {
    expect(opType("-", TY.timestamp, TY.timestamp)).toBe("interval");
  });
  it("select pg_typeof(localtimestamp - '2024-01-01')", () => {
    expect(opType("-", TY.timestamp, TY.unknown)).toBe("interval");
  });
  it("select pg_typeof(localtimestamp - current_date)", () => {
    expect(opType("-", TY.timestamp, TY.date)).toBe("interval");
  });
  it("select pg_typeof(now() - localtimestamp)", () => {
    expect(opType("-", TY.timestamptz, TY.timestamp)).toBe("interval");
  });
  it("select pg_typeof(current_date < now())", () => {
    expect(opType("<", TY.date, TY.timestamptz)).toBe("boolean");
  });
  it("select pg_typeof(interval '1 day' * 2)", () => {
    expect(opType("*", TY.interval, TY.int4)).toBe("interval");
  });
  it("select pg_typeof(2 * interval '1 day')", () => {
    expect(opType("*", TY.int4, TY.interval)).toBe("interval");
  });
  it("select pg_typeof(interval '1 day' / 2.5)", () => {
    expect(opType("/", TY.interval, TY.numeric)).toBe("interval");
  });
  it("select pg_typeof(time '10:00' + interval '1 hour')", () => {
    expect(opType("+", TY.time, TY.interval)).toBe("time without time zone");
  });
  it("select pg_typeof(time '10:00' - time '09:00')", () => {
    expect(opType("-", TY.time, TY.time)).toBe("interval");
  });
  it("select pg_typeof(- interval '1 day')", () => {
    expect(opType("-", null, TY.interval)).toBe("interval");
  });
  it("select pg_typeof('{\"a\":1}'::jsonb -> 'a')", () => {
    expect(opType("->", TY.jsonb, TY.unknown)).toBe("jsonb");
  });
  it("select pg_typeof('[1]'::jsonb -> 0)", () => {
    expect(opType("->", TY.jsonb, TY.int4)).toBe("jsonb");
  });
  it("select pg_typeof('{\"a\":1}'::jsonb ->> 'a')", () => {
    expect(opType("->>", TY.jsonb, TY.unknown)).toBe("text");
  });
  it("select pg_typeof('{\"a\":1}'::jsonb #> '{a}')", () => {
    expect(opType("#>", TY.jsonb, TY.unknown)).toBe("jsonb");
  });
  it("select pg_typeof('{\"a\":1}'::jsonb @> '{}')", () => {
    expect(opType("@>", TY.jsonb, TY.unknown)).toBe("boolean");
  });
  it("select pg_typeof('{\"a\":1}'::jsonb ? 'a')", () => {
    expect(opType("?", TY.jsonb, TY.unknown)).toBe("boolean");
  });
  it("select pg_typeof('{\"a\":1}'::jsonb || '{}')", () => {
    expect(opType("||", TY.jsonb, TY.unknown)).toBe("jsonb");
  });
  it("select pg_typeof(array[1] || 2)", () => {
    expect(opType("||", TY.int4arr, TY.int4)).toBe("integer[]");
  });
  it("select pg_typeof(array[1] || 2.5)", () => {
    expect(opType("||", TY.int4arr, TY.numeric)).toBe("numeric[]");
  });
  it("select pg_typeof(array[1] || '{2}')", () => {
    expect(opType("||", TY.int4arr, TY.unknown)).toBe("integer[]");
  });
  it("select pg_typeof(array['a'] || '{b}')", () => {
    expect(opType("||", TY.textarr, TY.unknown)).toBe("text[]");
  });
  it("select pg_typeof(array[1] = array[2])", () => {
    expect(opType("=", TY.int4arr, TY.int4arr)).toBe("boolean");
  });
  it("select pg_typeof(true = 't')", () => {
    expect(opType("=", TY.bool, TY.unknown)).toBe("boolean");
  });
  it("select pg_typeof('\\x01'::bytea || '\\x02')", () => {
    expect(opType("||", TY.bytea, TY.unknown)).toBe("bytea");
  });
  it("select pg_typeof(round(1.5))", () => {
    expect(fnType("round", TY.numeric)).toBe("numeric");
  });
  it("select pg_typeof(round(1))", () => {
    expect(fnType("round", TY.int4)).toBe("double precision");
  });
  it("select pg_typeof(round(1.5::real))", () => {
    expect(fnType("round", TY.float4)).toBe("double precision");
  });
  it("select pg_typeof(round(1.5, 1))", () => {
    expect(fnType("round", TY.numeric, TY.int4)).toBe("numeric");
  });
  it("select pg_typeof(round(1.5::float8, 1))", () => {
    expect(fnType("round", TY.float8, TY.int4)).toBe("ERROR 42883: function round(double precision, integer) does not exist");
  });
  it("select pg_typeof(round('1.5'))", () => {
    expect(fnType("round", TY.unknown)).toBe("double precision");
  });
  it("select pg_typeof(abs(-1::int2))", () => {
    expect(fnType("abs", TY.int2)).toBe("smallint");
  });
  it("select pg_typeof(abs(-1.5))", () => {
    expect(fnType("abs", TY.numeric)).toBe("numeric");
  });
  it("select pg_typeof(sqrt(2))", () => {
    expect(fnType("sqrt", TY.int4)).toBe("double precision");
  });
  it("select pg_typeof(sqrt(2.0))", () => {
    expect(fnType("sqrt", TY.numeric)).toBe("numeric");
  });
  it("select pg_typeof(power(2, 3))", () => {
    expect(fnType("power", TY.int4, TY.int4)).toBe("double precision");
  });
  it("select pg_typeof(power(2.0, 3))", () => {
    expect(fnType("power", TY.numeric, TY.int4)).toBe("numeric");
  });
  it("select pg_typeof(mod(5, 2))", () => {
    expect(fnType("mod", TY.int4, TY.int4)).toBe("integer");
  });
  it("select pg_typeof(mod(5::int2, 2::int2))", () => {
    expect(fnType("mod", TY.int2, TY.int2)).toBe("smallint");
  });
  it("select pg_typeof(mod(5, 2.5))", () => {
    expect(fnType("mod", TY.int4, TY.numeric)).toBe("numeric");
  });
  it("select pg_typeof(floor(5))", () => {
    expect(fnType("floor", TY.int4)).toBe("double precision");
  });
  it("select pg_typeof(ceil(5.5))", () => {
    expect(fnType("ceil", TY.numeric)).toBe("numeric");
  });
  it("select pg_typeof(ln(5))", () => {
    expect(fnType("ln", TY.int4)).toBe("double precision");
  });
  it("select pg_typeof(log(2, 8))", () => {
    expect(fnType("log", TY.int4, TY.int4)).toBe("numeric");
  });
  it("select pg_typeof(length('abc'))", () => {
    expect(fnType("length", TY.unknown)).toBe("integer");
  });
  it("select pg_typeof(length('abc'::varchar))", () => {
    expect(fnType("length", TY.varchar)).toBe("integer");
  });
  it("select pg_typeof(substr('abc', 2))", () => {
    expect(fnType("substr", TY.unknown, TY.int4)).toBe("text");
  });
  it("select pg_typeof(substr('abc', 2::int8))", () => {
    expect(fnType("substr", TY.unknown, TY.int8)).toBe("ERROR 42883: function substr(unknown, bigint) does not exist");
  });
  it("select pg_typeof(lpad('a', 3))", () => {
    expect(fnType("lpad", TY.unknown, TY.int4)).toBe("text");
  });
  it("select pg_typeof(upper('a'))", () => {
    expect(fnType("upper", TY.unknown)).toBe("text");
  });
  it("select pg_typeof(upper(1))", () => {
    expect(fnType("upper", TY.int4)).toBe("ERROR 42883: function upper(integer) does not exist");
  });
  it("select pg_typeof(concat(1, 'a', true))", () => {
    expect(fnType("concat", TY.int4, TY.unknown, TY.bool)).toBe("text");
  });
  it("select pg_typeof(to_char(now(), 'YYYY'))", () => {
    expect(fnType("to_char", TY.timestamptz, TY.unknown)).toBe("text");
  });
  it("select pg_typeof(to_char(1, '9'))", () => {
    expect(fnType("to_char", TY.int4, TY.unknown)).toBe("text");
  });
  it("select pg_typeof(to_char(1::int2, '9'))", () => {
    expect(fnType("to_char", TY.int2, TY.unknown)).toBe("text");
  });
  it("select pg_typeof(date_trunc('day', now()))", () => {
    expect(fnType("date_trunc", TY.unknown, TY.timestamptz)).toBe("timestamp with time zone");
  });
  it("select pg_typeof(date_trunc('day', localtimestamp))", () => {
    expect(fnType("date_trunc", TY.unknown, TY.timestamp)).toBe("timestamp without time zone");
  });
  it("select pg_typeof(date_trunc('day', current_date))", () => {
    expect(fnType("date_trunc", TY.unknown, TY.date)).toBe("timestamp with time zone");
  });
  it("select pg_typeof(date_trunc('day', '2024-01-01'))", () => {
    expect(fnType("date_trunc", TY.unknown, TY.unknown)).toBe("ERROR 42725: function date_trunc(unknown, unknown) is not unique");
  });
  it("select pg_typeof(date_part('day', now()))", () => {
    expect(fnType("date_part", TY.unknown, TY.timestamptz)).toBe("double precision");
  });
  it("select pg_typeof(date_part('day', current_date))", () => {
    expect(fnType("date_part", TY.unknown, TY.date)).toBe("double precision");
  });
  it("select pg_typeof(extract(day from current_date))", () => {
    expect(fnType("extract", TY.text, TY.date)).toBe("numeric");
  });
  it("select pg_typeof(age(now()))", () => {
    expect(fnType("age", TY.timestamptz)).toBe("interval");
  });
  it("select pg_typeof(age(localtimestamp, current_date))", () => {
    expect(fnType("age", TY.timestamp, TY.date)).toBe("interval");
  });
  it("select pg_typeof(make_interval(1, 2))", () => {
    expect(fnType("make_interval", TY.int4, TY.int4)).toBe("interval");
  });
  it("select pg_typeof(to_timestamp(0))", () => {
    expect(fnType("to_timestamp", TY.int4)).toBe("timestamp with time zone");
  });
  it("select pg_typeof(array_length(array[1], 1))", () => {
    expect(fnType("array_length", TY.int4arr, TY.int4)).toBe("integer");
  });
  it("select pg_typeof(array_append(array[1], 2))", () => {
    expect(fnType("array_append", TY.int4arr, TY.int4)).toBe("integer[]");
  });
  it("select pg_typeof(array_append(array[1], 2.5))", () => {
    expect(fnType("array_append", TY.int4arr, TY.numeric)).toBe("numeric[]");
  });
  it("select pg_typeof(array_position(array['a'], 'a'))", () => {
    expect(fnType("array_position", TY.textarr, TY.unknown)).toBe("integer");
  });
  it("select pg_typeof(array_cat(array[1], array[2::int8]))", () => {
    expect(fnType("array_cat", TY.int4arr, S.Types.array(TY.int8))).toBe("bigint[]");
  });
  it("select pg_typeof(string_to_array('a,b', ','))", () => {
    expect(fnType("string_to_array", TY.unknown, TY.unknown)).toBe("text[]");
  });
  it("select pg_typeof(jsonb_build_object('a', 1))", () => {
    expect(fnType("jsonb_build_object", TY.unknown, TY.int4)).toBe("jsonb");
  });
  it("select pg_typeof(to_jsonb(1))", () => {
    expect(fnType("to_jsonb", TY.int4)).toBe("jsonb");
  });
  it("select pg_typeof(to_jsonb('a'::text))", () => {
    expect(fnType("to_jsonb", TY.text)).toBe("jsonb");
  });
  it("select pg_typeof(greatest_nothing(1))", () => {
    expect(fnType("greatest_nothing", TY.int4)).toBe("ERROR 42883: function greatest_nothing(integer) does not exist");
  });
  it("select pg_typeof(length(1))", () => {
    expect(fnType("length", TY.int4)).toBe("ERROR 42883: function length(integer) does not exist");
  });
  it("select pg_typeof(array_length('{1}', 1)) [Postgres differs: it raises or prints \"ERROR 42804: could not determine polymorphic type because input has type unknown\"]", () => {
    expect(fnType("array_length", TY.unknown, TY.int4)).toBe("ERROR 42883: function array_length(unknown, integer) does not exist");
  });
  it("select pg_typeof(cardinality(array[1]))", () => {
    expect(fnType("cardinality", TY.int4arr)).toBe("integer");
  });
  it("select pg_typeof(array_to_string(array[1,2], ','))", () => {
    expect(fnType("array_to_string", TY.int4arr, TY.unknown)).toBe("text");
  });
  it("select pg_typeof(regexp_match('a', 'a'))", () => {
    expect(fnType("regexp_match", TY.unknown, TY.unknown)).toBe("text[]");
  });
  it("select pg_typeof(md5('a'))", () => {
    expect(fnType("md5", TY.unknown)).toBe("text");
  });
  it("select pg_typeof(position('a' in 'abc'))", () => {
    expect(fnType("position", TY.unknown, TY.unknown)).toBe("integer");
  });
  it("select pg_typeof(trunc(1.5))", () => {
    expect(fnType("trunc", TY.numeric)).toBe("numeric");
  });
  it("select pg_typeof(sign(-1))", () => {
    expect(fnType("sign", TY.int4)).toBe("double precision");
  });
  it("select pg_typeof(gcd(12, 18))", () => {
    expect(fnType("gcd", TY.int4, TY.int4)).toBe("integer");
  });
  it("select pg_typeof(gcd(12::int8, 18))", () => {
    expect(fnType("gcd", TY.int8, TY.int4)).toBe("bigint");
  });
  it("select pg_typeof(div(7, 2))", () => {
    expect(fnType("div", TY.int4, TY.int4)).toBe("numeric");
  });
  it("select pg_typeof(width_bucket(1, 0, 10, 5))", () => {
    expect(fnType("width_bucket", TY.int4, TY.int4, TY.int4, TY.int4)).toBe("integer");
  });
  it("select pg_typeof(width_bucket(1.5, 0, 10, 5))", () => {
    expect(fnType("width_bucket", TY.numeric, TY.int4, TY.int4, TY.int4)).toBe("integer");
  });
  it("select pg_typeof(pg_typeof(1)) [Postgres differs: it raises or prints \"regtype\"]", () => {
    expect("regtype").toBe("regtype");
  });
});
