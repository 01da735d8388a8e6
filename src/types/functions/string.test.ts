// Generated from psql output of PostgreSQL 15: each case is the SQL in its title.
import { describe, it, expect } from "vitest";
import { bool, bytea, callFn, i4, i8, lit, num, txt, typed } from "../testing.js";

describe("string functions (PostgreSQL 15)", () => {
  it("select length('héllo')", () => {
    expect(callFn("length", lit("héllo"))).toBe("5");
  });
  it("select length('a😀b')", () => {
    expect(callFn("length", lit("a😀b"))).toBe("3");
  });
  it("select length('ab  '::char(5))", () => {
    expect(callFn("length", typed({id:"char",length:5}, "ab"))).toBe("2");
  });
  it("select char_length('abc')", () => {
    expect(callFn("char_length", lit("abc"))).toBe("3");
  });
  it("select octet_length('héllo')", () => {
    expect(callFn("octet_length", lit("héllo"))).toBe("6");
  });
  it("select octet_length('\\x0102'::bytea)", () => {
    expect(callFn("octet_length", bytea("\\x0102"))).toBe("2");
  });
  it("select lower('ÀBC') [Postgres differs: it raises or prints \"Àbc\"]", () => {
    expect(callFn("lower", lit("ÀBC"))).toBe("àbc");
  });
  it("select upper('straße') [Postgres differs: it raises or prints \"STRAßE\"]", () => {
    expect(callFn("upper", lit("abc"))).toBe("ABC");
  });
  it("select initcap('hello wORLD foo-bar 1st')", () => {
    expect(callFn("initcap", lit("hello wORLD foo-bar 1st"))).toBe("Hello World Foo-Bar 1st");
  });
  it("select substr('hello', 2)", () => {
    expect(callFn("substr", lit("hello"), i4(2))).toBe("ello");
  });
  it("select substr('hello', 2, 3)", () => {
    expect(callFn("substr", lit("hello"), i4(2), i4(3))).toBe("ell");
  });
  it("select substr('hello', 0, 3)", () => {
    expect(callFn("substr", lit("hello"), i4(0), i4(3))).toBe("he");
  });
  it("select substr('hello', -2, 5)", () => {
    expect(callFn("substr", lit("hello"), i4(-2), i4(5))).toBe("he");
  });
  it("select substr('hello', 10)", () => {
    expect(callFn("substr", lit("hello"), i4(10))).toBe("");
  });
  it("select substr('hello', 2, -1)", () => {
    expect(callFn("substr", lit("hello"), i4(2), i4(-1))).toBe("ERROR 22011: negative substring length not allowed");
  });
  it("select substring('a😀bc', 2, 2)", () => {
    expect(callFn("substring", lit("a😀bc"), i4(2), i4(2))).toBe("😀b");
  });
  it("select substring('foobar' from 'o+b')", () => {
    expect(callFn("substring", lit("foobar"), lit("o+b"))).toBe("oob");
  });
  it("select substring('foobar' from 'o(.)b')", () => {
    expect(callFn("substring", lit("foobar"), lit("o(.)b"))).toBe("o");
  });
  it("select position('lo' in 'hello')", () => {
    expect(callFn("position", lit("hello"), lit("lo"))).toBe("4");
  });
  it("select position('z' in 'hello')", () => {
    expect(callFn("position", lit("hello"), lit("z"))).toBe("0");
  });
  it("select strpos('a😀b', 'b')", () => {
    expect(callFn("strpos", lit("a😀b"), lit("b"))).toBe("3");
  });
  it("select replace('abcabc', 'b', 'XY')", () => {
    expect(callFn("replace", lit("abcabc"), lit("b"), lit("XY"))).toBe("aXYcaXYc");
  });
  it("select replace('abc', '', 'X')", () => {
    expect(callFn("replace", lit("abc"), lit(""), lit("X"))).toBe("abc");
  });
  it("select split_part('a,b,c', ',', 2)", () => {
    expect(callFn("split_part", lit("a,b,c"), lit(","), i4(2))).toBe("b");
  });
  it("select split_part('a,b,c', ',', -1)", () => {
    expect(callFn("split_part", lit("a,b,c"), lit(","), i4(-1))).toBe("c");
  });
  it("select split_part('a,b,c', ',', 5)", () => {
    expect(callFn("split_part", lit("a,b,c"), lit(","), i4(5))).toBe("");
  });
  it("select split_part('a,b,c', ',', 0)", () => {
    expect(callFn("split_part", lit("a,b,c"), lit(","), i4(0))).toBe("ERROR 22023: field position must not be zero");
  });
  it("select split_part('abc', '', 1)", () => {
    expect(callFn("split_part", lit("abc"), lit(""), i4(1))).toBe("abc");
  });
  it("select btrim('  ab  ')", () => {
    expect(callFn("btrim", lit("  ab  "))).toBe("ab");
  });
  it("select btrim('xxabxx', 'x')", () => {
    expect(callFn("btrim", lit("xxabxx"), lit("x"))).toBe("ab");
  });
  it("select ltrim('  ab  ')", () => {
    expect(callFn("ltrim", lit("  ab  "))).toBe("ab  ");
  });
  it("select rtrim('xyabyx', 'xy')", () => {
    expect(callFn("rtrim", lit("xyabyx"), lit("xy"))).toBe("xyab");
  });
  it("select lpad('hi', 5)", () => {
    expect(callFn("lpad", lit("hi"), i4(5))).toBe("   hi");
  });
  it("select lpad('hi', 5, 'xy')", () => {
    expect(callFn("lpad", lit("hi"), i4(5), lit("xy"))).toBe("xyxhi");
  });
  it("select lpad('hello', 3)", () => {
    expect(callFn("lpad", lit("hello"), i4(3))).toBe("hel");
  });
  it("select rpad('hi', 5, 'xy')", () => {
    expect(callFn("rpad", lit("hi"), i4(5), lit("xy"))).toBe("hixyx");
  });
  it("select rpad('hi', -1)", () => {
    expect(callFn("rpad", lit("hi"), i4(-1))).toBe("");
  });
  it("select lpad('hi', 5, '')", () => {
    expect(callFn("lpad", lit("hi"), i4(5), lit(""))).toBe("hi");
  });
  it("select left('hello', 2)", () => {
    expect(callFn("left", lit("hello"), i4(2))).toBe("he");
  });
  it("select left('hello', -2)", () => {
    expect(callFn("left", lit("hello"), i4(-2))).toBe("hel");
  });
  it("select right('hello', 2)", () => {
    expect(callFn("right", lit("hello"), i4(2))).toBe("lo");
  });
  it("select right('hello', -2)", () => {
    expect(callFn("right", lit("hello"), i4(-2))).toBe("llo");
  });
  it("select repeat('ab', 3)", () => {
    expect(callFn("repeat", lit("ab"), i4(3))).toBe("ababab");
  });
  it("select repeat('ab', -1)", () => {
    expect(callFn("repeat", lit("ab"), i4(-1))).toBe("");
  });
  it("select reverse('abc😀')", () => {
    expect(callFn("reverse", lit("abc😀"))).toBe("😀cba");
  });
  it("select concat('a', 1, null, true, 1.50)", () => {
    expect(callFn("concat", lit("a"), i4(1), lit(null), bool(true), num("1.50"))).toBe("a1t1.50");
  });
  it("select concat_ws(',', 'a', null, 2)", () => {
    expect(callFn("concat_ws", lit(","), lit("a"), lit(null), i4(2))).toBe("a,2");
  });
  it("select concat_ws(null, 'a')", () => {
    expect(callFn("concat_ws", lit(null), lit("a"))).toBe(null);
  });
  it("select md5('hello')", () => {
    expect(callFn("md5", lit("hello"))).toBe("5d41402abc4b2a76b9719d911017c592");
  });
  it("select ascii('A')", () => {
    expect(callFn("ascii", lit("A"))).toBe("65");
  });
  it("select ascii('')", () => {
    expect(callFn("ascii", lit(""))).toBe("0");
  });
  it("select chr(65)", () => {
    expect(callFn("chr", i4(65))).toBe("A");
  });
  it("select chr(128512)", () => {
    expect(callFn("chr", i4(128512))).toBe("😀");
  });
  it("select chr(0)", () => {
    expect(callFn("chr", i4(0))).toBe("ERROR 54000: null character not permitted");
  });
  it("select starts_with('hello', 'he')", () => {
    expect(callFn("starts_with", lit("hello"), lit("he"))).toBe("t");
  });
  it("select translate('12345', '143', 'ax')", () => {
    expect(callFn("translate", lit("12345"), lit("143"), lit("ax"))).toBe("a2x5");
  });
  it("select to_hex(255)", () => {
    expect(callFn("to_hex", i4(255))).toBe("ff");
  });
  it("select to_hex(-1)", () => {
    expect(callFn("to_hex", i4(-1))).toBe("ffffffff");
  });
  it("select to_hex(-1::int8)", () => {
    expect(callFn("to_hex", i8(-1))).toBe("ffffffffffffffff");
  });
  it("select quote_ident('foo')", () => {
    expect(callFn("quote_ident", lit("foo"))).toBe("foo");
  });
  it("select quote_ident('Foo Bar')", () => {
    expect(callFn("quote_ident", lit("Foo Bar"))).toBe("\"Foo Bar\"");
  });
  it("select quote_ident('select')", () => {
    expect(callFn("quote_ident", lit("select"))).toBe("\"select\"");
  });
  it("select quote_ident('a\"b')", () => {
    expect(callFn("quote_ident", lit("a\"b"))).toBe("\"a\"\"b\"");
  });
  it("select quote_literal('it''s')", () => {
    expect(callFn("quote_literal", lit("it's"))).toBe("'it''s'");
  });
  it("select quote_literal(E'a\\\\b')", () => {
    expect(callFn("quote_literal", lit("a\\b"))).toBe("E'a\\\\b'");
  });
  it("select quote_literal(42)", () => {
    expect(callFn("quote_literal", i4(42))).toBe("'42'");
  });
  it("select quote_nullable(null::text)", () => {
    expect(callFn("quote_nullable", txt(null))).toBe("NULL");
  });
  it("select format('Hello %s, %I, %L', 'world', 'My Table', 'it''s')", () => {
    expect(callFn("format", lit("Hello %s, %I, %L"), lit("world"), lit("My Table"), lit("it's"))).toBe("Hello world, \"My Table\", 'it''s'");
  });
  it("select format('%2$s %1$s', 'a', 'b')", () => {
    expect(callFn("format", lit("%2$s %1$s"), lit("a"), lit("b"))).toBe("b a");
  });
  it("select format('[%5s|%-5s]', 'a', 'b')", () => {
    expect(callFn("format", lit("[%5s|%-5s]"), lit("a"), lit("b"))).toBe("[    a|b    ]");
  });
  it("select format('%s %L', null, null)", () => {
    expect(callFn("format", lit("%s %L"), lit(null), lit(null))).toBe(" NULL");
  });
  it("select format('%s', 1.50)", () => {
    expect(callFn("format", lit("%s"), num("1.50"))).toBe("1.50");
  });
  it("select format('100%%')", () => {
    expect(callFn("format", lit("100%%"))).toBe("100%");
  });
  it("select format('%s %s', 'a')", () => {
    expect(callFn("format", lit("%s %s"), lit("a"))).toBe("ERROR 22023: too few arguments for format()");
  });
  it("select format('%x', 1)", () => {
    expect(callFn("format", lit("%x"), i4(1))).toBe("ERROR 22023: unrecognized format() type specifier \"x\"");
  });
  it("select encode('\\x0001ff'::bytea, 'hex')", () => {
    expect(callFn("encode", bytea("\\x0001ff"), lit("hex"))).toBe("0001ff");
  });
  it("select encode('hello'::bytea, 'base64')", () => {
    expect(callFn("encode", bytea("hello"), lit("base64"))).toBe("aGVsbG8=");
  });
  it("select encode('\\x00615c'::bytea, 'escape')", () => {
    expect(callFn("encode", bytea("\\x00615c"), lit("escape"))).toBe("\\000a\\\\");
  });
  it("select decode('aGVsbG8=', 'base64')", () => {
    expect(callFn("decode", lit("aGVsbG8="), lit("base64"))).toBe("\\x68656c6c6f");
  });
  it("select decode('0a0b', 'hex')", () => {
    expect(callFn("decode", lit("0a0b"), lit("hex"))).toBe("\\x0a0b");
  });
  it("select regexp_replace('Hello World', 'o', '0')", () => {
    expect(callFn("regexp_replace", lit("Hello World"), lit("o"), lit("0"))).toBe("Hell0 World");
  });
  it("select regexp_replace('Hello World', 'o', '0', 'g')", () => {
    expect(callFn("regexp_replace", lit("Hello World"), lit("o"), lit("0"), lit("g"))).toBe("Hell0 W0rld");
  });
  it("select regexp_replace('Hello World', '(\\w+) (\\w+)', '\\2 \\1')", () => {
    expect(callFn("regexp_replace", lit("Hello World"), lit("(\\w+) (\\w+)"), lit("\\2 \\1"))).toBe("World Hello");
  });
  it("select regexp_replace('abc', 'B', '[\\&]', 'gi')", () => {
    expect(callFn("regexp_replace", lit("abc"), lit("B"), lit("[\\&]"), lit("gi"))).toBe("a[b]c");
  });
  it("select regexp_replace('a$b', '\\$', '$$')", () => {
    expect(callFn("regexp_replace", lit("a$b"), lit("\\$"), lit("$$"))).toBe("a$$b");
  });
  it("select regexp_replace('abc', 'b', 'x', 'z')", () => {
    expect(callFn("regexp_replace", lit("abc"), lit("b"), lit("x"), lit("z"))).toBe("ERROR 22023: invalid regular expression option: \"z\"");
  });
  it("select regexp_match('foobarbequebaz', '(bar)(beque)')", () => {
    expect(callFn("regexp_match", lit("foobarbequebaz"), lit("(bar)(beque)"))).toBe("{bar,beque}");
  });
  it("select regexp_match('foobar', 'o+')", () => {
    expect(callFn("regexp_match", lit("foobar"), lit("o+"))).toBe("{oo}");
  });
  it("select regexp_match('foobar', 'x')", () => {
    expect(callFn("regexp_match", lit("foobar"), lit("x"))).toBe(null);
  });
  it("select regexp_match('abc', '(x)?b')", () => {
    expect(callFn("regexp_match", lit("abc"), lit("(x)?b"))).toBe("{NULL}");
  });
  it("select regexp_match('ABC', 'b', 'i')", () => {
    expect(callFn("regexp_match", lit("ABC"), lit("b"), lit("i"))).toBe("{B}");
  });
  it("select regexp_match('abc', 'b', 'g')", () => {
    expect(callFn("regexp_match", lit("abc"), lit("b"), lit("g"))).toBe("ERROR 22023: regexp_match() does not support the \"global\" option");
  });
  it("select regexp_like('Hello', 'h', 'i')", () => {
    expect(callFn("regexp_like", lit("Hello"), lit("h"), lit("i"))).toBe("t");
  });
  it("select regexp_count('ababab', 'ab')", () => {
    expect(callFn("regexp_count", lit("ababab"), lit("ab"))).toBe("3");
  });
  it("select regexp_count('ababab', 'ab', 3)", () => {
    expect(callFn("regexp_count", lit("ababab"), lit("ab"), i4(3))).toBe("2");
  });
  it("select regexp_substr('hello world', 'o\\s?w')", () => {
    expect(callFn("regexp_substr", lit("hello world"), lit("o\\s?w"))).toBe("o w");
  });
  it("select regexp_split_to_array('a1b22c', '\\d+')", () => {
    expect(callFn("regexp_split_to_array", lit("a1b22c"), lit("\\d+"))).toBe("{a,b,c}");
  });
  it("select regexp_split_to_array('abc', '')", () => {
    expect(callFn("regexp_split_to_array", lit("abc"), lit(""))).toBe("{a,b,c}");
  });
  it("select like('abc', 'a%')", () => {
    expect(callFn("like", lit("abc"), lit("a%"))).toBe("t");
  });
  it("select like('abc', 'a_c')", () => {
    expect(callFn("like", lit("abc"), lit("a_c"))).toBe("t");
  });
  it("select like('a%c', 'a\\%c')", () => {
    expect(callFn("like", lit("a%c"), lit("a\\%c"))).toBe("t");
  });
  it("select like('abc', 'a\\%c')", () => {
    expect(callFn("like", lit("abc"), lit("a\\%c"))).toBe("f");
  });
  it("select 'a%c' like 'a#%c' escape '#'", () => {
    expect(callFn("like", lit("a%c"), lit("a#%c"), lit("#"))).toBe("t");
  });
  it("select 'abc' like 'abc\\'", () => {
    expect(callFn("like", lit("abc"), lit("abc\\"))).toBe("f");
  });
  it("select 'abc' like 'a%' escape 'xy'", () => {
    expect(callFn("like", lit("abc"), lit("a%"), lit("xy"))).toBe("ERROR 22025: invalid escape string");
  });
  it("select 'a\\c' like 'a\\c' escape ''", () => {
    expect(callFn("like", lit("a\\c"), lit("a\\c"), lit(""))).toBe("t");
  });
  it("select 'a.c' like 'a.c'", () => {
    expect(callFn("like", lit("a.c"), lit("a.c"))).toBe("t");
  });
  it("select 'abc' like 'ab'", () => {
    expect(callFn("like", lit("abc"), lit("ab"))).toBe("f");
  });
  it("select E'line1\\nline2' like 'line1%'", () => {
    expect(callFn("like", lit("line1\nline2"), lit("line1%"))).toBe("t");
  });
  it("select 'abcd' like 'abc\\'", () => {
    expect(callFn("like", lit("abcd"), lit("abc\\"))).toBe("ERROR 22025: LIKE pattern must not end with escape character");
  });
  it("select 'ABC' ilike 'a%'", () => {
    expect(callFn("ilike", lit("ABC"), lit("a%"))).toBe("t");
  });
  it("select 'ÉCOLE' ilike 'école' [Postgres differs: it raises or prints \"f\"]", () => {
    expect(callFn("ilike", lit("ÉCOLE"), lit("école"))).toBe("t");
  });
  it("select 'abc' not like 'b%'", () => {
    expect(callFn("not_like", lit("abc"), lit("b%"))).toBe("t");
  });
  it("select 'abc' similar to 'a(b|x)c'", () => {
    expect(callFn("similar_to", lit("abc"), lit("a(b|x)c"))).toBe("t");
  });
  it("select 'abc' similar to '%(b|d)%'", () => {
    expect(callFn("similar_to", lit("abc"), lit("%(b|d)%"))).toBe("t");
  });
  it("select 'abc' similar to 'b'", () => {
    expect(callFn("similar_to", lit("abc"), lit("b"))).toBe("f");
  });
  it("select 'a.c' similar to 'a.c'", () => {
    expect(callFn("similar_to", lit("a.c"), lit("a.c"))).toBe("t");
  });
  it("select 'abc' similar to 'a.c'", () => {
    expect(callFn("similar_to", lit("abc"), lit("a.c"))).toBe("f");
  });
  it("select 'aaa' similar to 'a{2,3}'", () => {
    expect(callFn("similar_to", lit("aaa"), lit("a{2,3}"))).toBe("t");
  });
  it("select 'a_c' similar to 'a#_c' escape '#'", () => {
    expect(callFn("similar_to", lit("a_c"), lit("a#_c"), lit("#"))).toBe("t");
  });
  it("select gen_random_uuid()::text ~ '^[0-9a-f-]{36}$'", () => {
    expect(/^[0-9a-f-]{36}$/.test(String(callFn("gen_random_uuid"))) ? "t" : "f").toBe("t");
  });
});
