// Generated from psql output of PostgreSQL 15: each case is the SQL in its title.
import { describe, it, expect } from "vitest";
import { TY, arr, bool, bytea, cast, common, date, f4, f8, i4, i8, iv, jb, lit, num, time, ts, tstz, txt, typed } from "./testing.js";
import * as S from "./index.js";

describe("casts and common types (PostgreSQL 15)", () => {
  it("select 2.5::int", () => {
    expect(cast(num("2.5"), TY.int4)).toBe("3");
  });
  it("select (-2.5)::int", () => {
    expect(cast(num("-2.5"), TY.int4)).toBe("-3");
  });
  it("select 2.5::float8::int", () => {
    expect(cast(f8(2.5), TY.int4)).toBe("2");
  });
  it("select 3.5::float8::int", () => {
    expect(cast(f8(3.5), TY.int4)).toBe("4");
  });
  it("select (-2.5)::float8::int", () => {
    expect(cast(f8(-2.5), TY.int4)).toBe("-2");
  });
  it("select 2147483647.5::float8::int", () => {
    expect(cast(f8(2147483647.5), TY.int4)).toBe("ERROR 22003: integer out of range");
  });
  it("select 'NaN'::float8::int", () => {
    expect(cast(f8(NaN), TY.int4)).toBe("ERROR 22003: integer out of range");
  });
  it("select 'NaN'::numeric::int", () => {
    expect(cast(num("NaN"), TY.int4)).toBe("ERROR 0A000: cannot convert NaN to integer");
  });
  it("select 'Infinity'::numeric::int8", () => {
    expect(cast(num("Infinity"), TY.int8)).toBe("ERROR 0A000: cannot convert infinity to bigint");
  });
  it("select 1e10::int", () => {
    expect(cast(num("1e10"), TY.int4)).toBe("ERROR 22003: integer out of range");
  });
  it("select 40000::int2", () => {
    expect(cast(i4(40000), TY.int2)).toBe("ERROR 22003: smallint out of range");
  });
  it("select 9223372036854775807::int8::int", () => {
    expect(cast(i8(9223372036854775807n), TY.int4)).toBe("ERROR 22003: integer out of range");
  });
  it("select 9.3e18::float8::int8", () => {
    expect(cast(f8(9.3e18), TY.int8)).toBe("ERROR 22003: bigint out of range");
  });
  it("select 123.456::int8", () => {
    expect(cast(num("123.456"), TY.int8)).toBe("123");
  });
  it("select 12345678901234567::int8::float8", () => {
    expect(cast(i8(12345678901234567n), TY.float8)).toBe("1.2345678901234568e+16");
  });
  it("select 16777217::int::real", () => {
    expect(cast(i4(16777217), TY.float4)).toBe("1.6777216e+07");
  });
  it("select 1e300::float8::real", () => {
    expect(cast(f8(1e300), TY.float4)).toBe("ERROR 22003: value out of range: overflow");
  });
  it("select 1e-300::float8::real", () => {
    expect(cast(f8(1e-300), TY.float4)).toBe("ERROR 22003: value out of range: underflow");
  });
  it("select 0.1::float8::numeric", () => {
    expect(cast(f8(0.1), TY.numeric)).toBe("0.1");
  });
  it("select (1/3::float8)::numeric", () => {
    expect(cast(f8(1/3), TY.numeric)).toBe("0.333333333333333");
  });
  it("select 1e20::float8::numeric", () => {
    expect(cast(f8(1e20), TY.numeric)).toBe("100000000000000000000");
  });
  it("select 0.1::real::numeric", () => {
    expect(cast(f4(0.1), TY.numeric)).toBe("0.1");
  });
  it("select 'Infinity'::float8::numeric", () => {
    expect(cast(f8(Infinity), TY.numeric)).toBe("Infinity");
  });
  it("select 1.23456789012345678::numeric::float8", () => {
    expect(cast(num("1.23456789012345678"), TY.float8)).toBe("1.2345678901234567");
  });
  it("select 1.5::numeric(5,2)", () => {
    expect(cast(num("1.5"), {id:"numeric",precision:5,scale:2})).toBe("1.50");
  });
  it("select 123.456::numeric(5,2)", () => {
    expect(cast(num("123.456"), {id:"numeric",precision:5,scale:2})).toBe("123.46");
  });
  it("select 1234.5::numeric(5,2)", () => {
    expect(cast(num("1234.5"), {id:"numeric",precision:5,scale:2})).toBe("ERROR 22003: numeric field overflow");
  });
  it("select 999.995::numeric(5,2)", () => {
    expect(cast(num("999.995"), {id:"numeric",precision:5,scale:2})).toBe("ERROR 22003: numeric field overflow");
  });
  it("select 5::numeric(3,1)", () => {
    expect(cast(i4(5), {id:"numeric",precision:3,scale:1})).toBe("5.0");
  });
  it("select 1.5::float8::numeric(3,0)", () => {
    expect(cast(f8(1.5), {id:"numeric",precision:3,scale:0})).toBe("2");
  });
  it("select true::int", () => {
    expect(cast(bool(true), TY.int4)).toBe("1");
  });
  it("select 0::boolean", () => {
    expect(cast(i4(0), TY.bool)).toBe("f");
  });
  it("select 5::boolean", () => {
    expect(cast(i4(5), TY.bool)).toBe("t");
  });
  it("select 1::int8::boolean", () => {
    expect(cast(i8(1), TY.bool)).toBe("ERROR 42846: cannot cast type bigint to boolean");
  });
  it("select true::text", () => {
    expect(cast(bool(true), TY.text)).toBe("true");
  });
  it("select false::varchar", () => {
    expect(cast(bool(false), TY.varchar)).toBe("false");
  });
  it("select 1.50::text", () => {
    expect(cast(num("1.50"), TY.text)).toBe("1.50");
  });
  it("select 1.5::float8::text", () => {
    expect(cast(f8(1.5), TY.text)).toBe("1.5");
  });
  it("select 'ab  '::char(4)::text || '|'", () => {
    expect(cast(typed({id:"char",length:4}, "ab"), TY.text) + "|").toBe("ab|");
  });
  it("select 'ab  '::char(4)::varchar || '|'", () => {
    expect(cast(typed({id:"char",length:4}, "ab"), TY.varchar) + "|").toBe("ab|");
  });
  it("select 'abc'::varchar(2)", () => {
    expect(cast(lit("abc"), {id:"varchar",length:2})).toBe("ab");
  });
  it("select 'abc'::text::varchar(2)", () => {
    expect(cast(txt("abc"), {id:"varchar",length:2})).toBe("ab");
  });
  it("select 'ab'::char(4)", () => {
    expect(cast(lit("ab"), {id:"char",length:4})).toBe("ab  ");
  });
  it("select 'abcdef'::char(3)", () => {
    expect(cast(lit("abcdef"), {id:"char",length:3})).toBe("abc");
  });
  it("select 12345::varchar(3)", () => {
    expect(cast(i4(12345), {id:"varchar",length:3})).toBe("123");
  });
  it("select '42'::int", () => {
    expect(cast(txt("42"), TY.int4)).toBe("42");
  });
  it("select ' 42 '::text::int", () => {
    expect(cast(txt(" 42 "), TY.int4)).toBe("42");
  });
  it("select 'x'::text::int", () => {
    expect(cast(txt("x"), TY.int4)).toBe("ERROR 22P02: invalid input syntax for type integer: \"x\"");
  });
  it("select '2024-01-15'::text::date", () => {
    expect(cast(txt("2024-01-15"), TY.date)).toBe("2024-01-15");
  });
  it("select '{1,2}'::text::int[]", () => {
    expect(cast(txt("{1,2}"), TY.int4arr)).toBe("{1,2}");
  });
  it("select '{\"a\":1}'::text::jsonb", () => {
    expect(cast(txt('{"a":1}'), TY.jsonb)).toBe("{\"a\": 1}");
  });
  it("select '{\"a\": 1}'::jsonb::text", () => {
    expect(cast(jb('{"a":1}'), TY.text)).toBe("{\"a\": 1}");
  });
  it("select '1.5'::jsonb::int", () => {
    expect(cast(jb("1.5"), TY.int4)).toBe("2");
  });
  it("select '2.5'::jsonb::int", () => {
    expect(cast(jb("2.5"), TY.int4)).toBe("3");
  });
  it("select '1.5'::jsonb::float8", () => {
    expect(cast(jb("1.5"), TY.float8)).toBe("1.5");
  });
  it("select '1.50'::jsonb::numeric", () => {
    expect(cast(jb("1.50"), TY.numeric)).toBe("1.50");
  });
  it("select 'true'::jsonb::bool", () => {
    expect(cast(jb("true"), TY.bool)).toBe("t");
  });
  it("select 'null'::jsonb::int", () => {
    expect(cast(jb("null"), TY.int4)).toBe("ERROR 22023: cannot cast jsonb null to type integer");
  });
  it("select '\"a\"'::jsonb::int", () => {
    expect(cast(jb('"a"'), TY.int4)).toBe("ERROR 22023: cannot cast jsonb string to type integer");
  });
  it("select '[1]'::jsonb::bool", () => {
    expect(cast(jb("[1]"), TY.bool)).toBe("ERROR 22023: cannot cast jsonb array to type boolean");
  });
  it("select '{}'::jsonb::numeric", () => {
    expect(cast(jb("{}"), TY.numeric)).toBe("ERROR 22023: cannot cast jsonb object to type numeric");
  });
  it("select '\"x\"'::jsonb::text", () => {
    expect(cast(jb('"x"'), TY.text)).toBe("\"x\"");
  });
  it("select 1::jsonb", () => {
    expect(cast(i4(1), TY.jsonb)).toBe("ERROR 42846: cannot cast type integer to jsonb");
  });
  it("select date '2024-01-15'::timestamp", () => {
    expect(cast(date("2024-01-15"), TY.timestamp)).toBe("2024-01-15 00:00:00");
  });
  it("select date '2024-01-15'::timestamptz", () => {
    expect(cast(date("2024-01-15"), TY.timestamptz)).toBe("2024-01-15 00:00:00+00");
  });
  it("select date 'infinity'::timestamp", () => {
    expect(cast(date("infinity"), TY.timestamp)).toBe("infinity");
  });
  it("select timestamp '2024-01-15 10:30'::date", () => {
    expect(cast(ts("2024-01-15 10:30"), TY.date)).toBe("2024-01-15");
  });
  it("select timestamp '1969-12-31 23:00'::date", () => {
    expect(cast(ts("1969-12-31 23:00"), TY.date)).toBe("1969-12-31");
  });
  it("select timestamp '2024-01-15 10:30'::time", () => {
    expect(cast(ts("2024-01-15 10:30"), TY.time)).toBe("10:30:00");
  });
  it("select timestamp '2024-01-15 10:30'::timestamptz", () => {
    expect(cast(ts("2024-01-15 10:30"), TY.timestamptz)).toBe("2024-01-15 10:30:00+00");
  });
  it("select timestamptz '2024-01-15 10:30+02'::timestamp", () => {
    expect(cast(tstz("2024-01-15 10:30+02"), TY.timestamp)).toBe("2024-01-15 08:30:00");
  });
  it("select timestamptz '2024-01-15 23:30-02'::date", () => {
    expect(cast(tstz("2024-01-15 23:30-02"), TY.date)).toBe("2024-01-16");
  });
  it("set timezone='Asia/Tokyo'; select timestamptz '2024-01-15 23:30+00'::date", () => {
    expect(cast(tstz("2024-01-15 23:30+00"), TY.date, "explicit", "Asia/Tokyo")).toBe("2024-01-16");
  });
  it("set timezone='Asia/Tokyo'; select timestamp '2024-01-15 10:30'::timestamptz", () => {
    expect(cast(ts("2024-01-15 10:30"), TY.timestamptz, "explicit", "Asia/Tokyo")).toBe("2024-01-15 10:30:00+09");
  });
  it("set timezone='Asia/Tokyo'; select date '2024-01-15'::timestamptz", () => {
    expect(cast(date("2024-01-15"), TY.timestamptz, "explicit", "Asia/Tokyo")).toBe("2024-01-15 00:00:00+09");
  });
  it("select time '10:30'::interval", () => {
    expect(cast(time("10:30"), TY.interval)).toBe("10:30:00");
  });
  it("select interval '1 day 02:30'::time", () => {
    expect(cast(iv("1 day 02:30"), TY.time)).toBe("02:30:00");
  });
  it("select interval '-1 hour'::time", () => {
    expect(cast(iv("-1 hour"), TY.time)).toBe("23:00:00");
  });
  it("select array[1.5, 2.5]::int[]", () => {
    expect(cast(arr(TY.numeric, "{1.5,2.5}"), TY.int4arr)).toBe("{2,3}");
  });
  it("select array[1,2]::text[]", () => {
    expect(cast(arr(TY.int4, "{1,2}"), TY.textarr)).toBe("{1,2}");
  });
  it("select array[1,2]::text", () => {
    expect(cast(arr(TY.int4, "{1,2}"), TY.text)).toBe("{1,2}");
  });
  it("select '{1,2}'::int[]::bigint[]", () => {
    expect(cast(arr(TY.int4, "{1,2}"), S.Types.array(TY.int8))).toBe("{1,2}");
  });
  it("select 1::date", () => {
    expect(cast(i4(1), TY.date)).toBe("ERROR 42846: cannot cast type integer to date");
  });
  it("select now()::int", () => {
    expect(cast(tstz("2024-01-01"), TY.int4)).toBe("ERROR 42846: cannot cast type timestamp with time zone to integer");
  });
  it("select array[1]::int", () => {
    expect(cast(arr(TY.int4, "{1}"), TY.int4)).toBe("ERROR 42846: cannot cast type integer[] to integer");
  });
  it("select '\\x01'::bytea::text", () => {
    expect(cast(bytea("\\x01"), TY.text)).toBe("\\x01");
  });
  it("select 'abc'::text::bytea", () => {
    expect(cast(txt("abc"), TY.bytea)).toBe("\\x616263");
  });
  it("select pg_typeof(case when true then 1 else 1.5 end)", () => {
    expect(common(TY.int4, TY.numeric)).toBe("numeric");
  });
  it("select pg_typeof(case when true then 1 else 1::int8 end)", () => {
    expect(common(TY.int4, TY.int8)).toBe("bigint");
  });
  it("select pg_typeof(case when true then 1::int2 else 1 end)", () => {
    expect(common(TY.int2, TY.int4)).toBe("integer");
  });
  it("select pg_typeof(case when true then 1 else 1.5::float8 end)", () => {
    expect(common(TY.int4, TY.float8)).toBe("double precision");
  });
  it("select pg_typeof(case when true then 1.5 else 1.5::real end)", () => {
    expect(common(TY.numeric, TY.float4)).toBe("real");
  });
  it("select pg_typeof(case when true then 1 when false then 1.5::float8 else 2.5 end)", () => {
    expect(common(TY.numeric, TY.int4, TY.float8)).toBe("double precision");
  });
  it("select pg_typeof(case when true then 1.5::real else 1.5::float8 end)", () => {
    expect(common(TY.float4, TY.float8)).toBe("double precision");
  });
  it("select pg_typeof(case when true then 'a' else 'b' end)", () => {
    expect(common(TY.unknown, TY.unknown)).toBe("text");
  });
  it("select pg_typeof(case when true then '1' else 1 end)", () => {
    expect(common(TY.int4, TY.unknown)).toBe("integer");
  });
  it("select pg_typeof(case when true then 'a'::varchar else 'b'::text end)", () => {
    expect(common(TY.text, TY.varchar)).toBe("text");
  });
  it("select pg_typeof(case when true then 'a'::varchar else 'b' end)", () => {
    expect(common(TY.varchar, TY.unknown)).toBe("character varying");
  });
  it("select pg_typeof(case when true then 'a'::char else 'b'::varchar end)", () => {
    expect(common(TY.varchar, TY.bpchar)).toBe("character varying");
  });
  it("select pg_typeof(case when true then 1 else 'b'::text end) [Postgres differs: it raises or prints \"ERROR 42804: CASE types text and integer cannot be matched\"]", () => {
    expect(common(TY.int4, TY.text)).toBe("none");
  });
  it("select pg_typeof(case when true then current_date else now() end)", () => {
    expect(common(TY.date, TY.timestamptz)).toBe("timestamp with time zone");
  });
  it("select pg_typeof(case when true then current_date else localtimestamp end)", () => {
    expect(common(TY.date, TY.timestamp)).toBe("timestamp without time zone");
  });
  it("select pg_typeof(case when true then localtimestamp else now() end)", () => {
    expect(common(TY.timestamp, TY.timestamptz)).toBe("timestamp with time zone");
  });
  it("select pg_typeof(case when true then current_date else localtime end) [Postgres differs: it raises or prints \"ERROR 42846: CASE/WHEN could not convert type date to time without time zone\"]", () => {
    expect(common(TY.date, TY.time)).toBe("none");
  });
  it("select pg_typeof(case when true then interval '1 day' else time '10:00' end) [Postgres differs: it raises or prints \"ERROR 42804: CASE types time without time zone and interval cannot be matched\"]", () => {
    expect(common(TY.interval, TY.time)).toBe("none");
  });
  it("select pg_typeof(case when true then true else 1 end) [Postgres differs: it raises or prints \"ERROR 42804: CASE types integer and boolean cannot be matched\"]", () => {
    expect(common(TY.bool, TY.int4)).toBe("none");
  });
  it("select pg_typeof(case when true then '{}'::jsonb else '\\x'::bytea end) [Postgres differs: it raises or prints \"ERROR 42846: CASE/WHEN could not convert type jsonb to bytea\"]", () => {
    expect(common(TY.jsonb, TY.bytea)).toBe("none");
  });
  it("select pg_typeof(case when true then array[1] else array[1.5] end)", () => {
    expect(common(TY.int4arr, S.Types.array(TY.numeric))).toBe("numeric[]");
  });
  it("select pg_typeof(case when true then array[1] else array['a'] end) [Postgres differs: it raises or prints \"ERROR 42846: CASE/WHEN could not convert type integer[] to text[]\"]", () => {
    expect(common(TY.int4arr, TY.textarr)).toBe("none");
  });
  it("select pg_typeof(case when true then 1.5::numeric(5,2) else 2.5::numeric(5,2) end) [Postgres differs: it raises or prints \"numeric\"]", () => {
    expect(common({id:"numeric",precision:5,scale:2}, {id:"numeric",precision:5,scale:2})).toBe("numeric(5,2)");
  });
  it("select pg_typeof(case when true then null else null end) [Postgres differs: it raises or prints \"text\"]", () => {
    expect(common(TY.unknown)).toBe("text");
  });
});
