// Generated from psql output of PostgreSQL 15: each case is the SQL in its title.
import { describe, it, expect } from "vitest";
import { callFn, f8, i4, num } from "../testing.js";

describe("math functions (PostgreSQL 15)", () => {
  it("select abs(-5)", () => {
    expect(callFn("abs", i4(-5))).toBe("5");
  });
  it("select abs(-2147483648)", () => {
    expect(callFn("abs", i4(-2147483648))).toBe("ERROR 22003: integer out of range");
  });
  it("select abs(-1.50)", () => {
    expect(callFn("abs", num("-1.50"))).toBe("1.50");
  });
  it("select abs(-1.5::float8)", () => {
    expect(callFn("abs", f8(-1.5))).toBe("1.5");
  });
  it("select round(2.5::float8)", () => {
    expect(callFn("round", f8(2.5))).toBe("2");
  });
  it("select round(3.5::float8)", () => {
    expect(callFn("round", f8(3.5))).toBe("4");
  });
  it("select round(-2.5::float8)", () => {
    expect(callFn("round", f8(-2.5))).toBe("-2");
  });
  it("select round(-0.4::float8)", () => {
    expect(callFn("round", f8(-0.4))).toBe("-0");
  });
  it("select round(2.5)", () => {
    expect(callFn("round", num("2.5"))).toBe("3");
  });
  it("select round(-2.5)", () => {
    expect(callFn("round", num("-2.5"))).toBe("-3");
  });
  it("select round(2.345, 2)", () => {
    expect(callFn("round", num("2.345"), i4(2))).toBe("2.35");
  });
  it("select round(1234.5678, -2)", () => {
    expect(callFn("round", num("1234.5678"), i4(-2))).toBe("1200");
  });
  it("select round(1.5, 3)", () => {
    expect(callFn("round", num("1.5"), i4(3))).toBe("1.500");
  });
  it("select round(5)", () => {
    expect(callFn("round", i4(5))).toBe("5");
  });
  it("select trunc(-2.7::float8)", () => {
    expect(callFn("trunc", f8(-2.7))).toBe("-2");
  });
  it("select trunc(2.789, 1)", () => {
    expect(callFn("trunc", num("2.789"), i4(1))).toBe("2.7");
  });
  it("select floor(-1.5)", () => {
    expect(callFn("floor", num("-1.5"))).toBe("-2");
  });
  it("select floor(-1.5::float8)", () => {
    expect(callFn("floor", f8(-1.5))).toBe("-2");
  });
  it("select ceil(1.2)", () => {
    expect(callFn("ceil", num("1.2"))).toBe("2");
  });
  it("select ceiling(-1.2::float8)", () => {
    expect(callFn("ceiling", f8(-1.2))).toBe("-1");
  });
  it("select sign(-2.5)", () => {
    expect(callFn("sign", num("-2.5"))).toBe("-1");
  });
  it("select sign(0::float8)", () => {
    expect(callFn("sign", f8(0))).toBe("0");
  });
  it("select sqrt(16)", () => {
    expect(callFn("sqrt", i4(16))).toBe("4");
  });
  it("select sqrt(2.0)", () => {
    expect(callFn("sqrt", num("2.0"))).toBe("1.414213562373095");
  });
  it("select sqrt(-1)", () => {
    expect(callFn("sqrt", i4(-1))).toBe("ERROR 2201F: cannot take square root of a negative number");
  });
  it("select sqrt(-1.0)", () => {
    expect(callFn("sqrt", num("-1.0"))).toBe("ERROR 2201F: cannot take square root of a negative number");
  });
  it("select cbrt(8)", () => {
    expect(callFn("cbrt", i4(8))).toBe("2");
  });
  it("select power(2, 10)", () => {
    expect(callFn("power", i4(2), i4(10))).toBe("1024");
  });
  it("select power(2.0, 0.5)", () => {
    expect(callFn("power", num("2.0"), num("0.5"))).toBe("1.4142135623730950");
  });
  it("select power(0, -1)", () => {
    expect(callFn("power", i4(0), i4(-1))).toBe("ERROR 2201F: zero raised to a negative power is undefined");
  });
  it("select power(-8, 1.0/3)", () => {
    expect(callFn("power", i4(-8), callFn("power", i4(1), i4(1)) === "1" ? num("0.33333333333333333333") : num("0"))).toBe("ERROR 2201F: a negative number raised to a non-integer power yields a complex result");
  });
  it("select pow(2.0, 3)", () => {
    expect(callFn("pow", num("2.0"), i4(3))).toBe("8.0000000000000000");
  });
  it("select exp(1)", () => {
    expect(callFn("exp", i4(1))).toBe("2.718281828459045");
  });
  it("select exp(1.0)", () => {
    expect(callFn("exp", num("1.0"))).toBe("2.7182818284590452");
  });
  it("select exp(1000)", () => {
    expect(callFn("exp", i4(1000))).toBe("ERROR 22003: value out of range: overflow");
  });
  it("select ln(10)", () => {
    expect(callFn("ln", i4(10))).toBe("2.302585092994046");
  });
  it("select ln(0)", () => {
    expect(callFn("ln", i4(0))).toBe("ERROR 2201E: cannot take logarithm of zero");
  });
  it("select ln(-1.0)", () => {
    expect(callFn("ln", num("-1.0"))).toBe("ERROR 2201E: cannot take logarithm of a negative number");
  });
  it("select ln(2.0)", () => {
    expect(callFn("ln", num("2.0"))).toBe("0.6931471805599453");
  });
  it("select log(1000)", () => {
    expect(callFn("log", i4(1000))).toBe("3");
  });
  it("select log(1000.0)", () => {
    expect(callFn("log", num("1000.0"))).toBe("3.0000000000000000");
  });
  it("select log(2, 1024)", () => {
    expect(callFn("log", i4(2), i4(1024))).toBe("10.0000000000000000");
  });
  it("select log10(100)", () => {
    expect(callFn("log10", i4(100))).toBe("2");
  });
  it("select mod(-7, 3)", () => {
    expect(callFn("mod", i4(-7), i4(3))).toBe("-1");
  });
  it("select mod(7.5, 2)", () => {
    expect(callFn("mod", num("7.5"), i4(2))).toBe("1.5");
  });
  it("select mod(5, 0)", () => {
    expect(callFn("mod", i4(5), i4(0))).toBe("ERROR 22012: division by zero");
  });
  it("select div(7, 2)", () => {
    expect(callFn("div", i4(7), i4(2))).toBe("3");
  });
  it("select div(-7.5, 2)", () => {
    expect(callFn("div", num("-7.5"), i4(2))).toBe("-3");
  });
  it("select pi()", () => {
    expect(callFn("pi")).toBe("3.141592653589793");
  });
  it("select degrees(1)", () => {
    expect(callFn("degrees", i4(1))).toBe("57.29577951308232");
  });
  it("select radians(180)", () => {
    expect(callFn("radians", i4(180))).toBe("3.141592653589793");
  });
  it("select sin(1)", () => {
    expect(callFn("sin", i4(1))).toBe("0.8414709848078965");
  });
  it("select cos(0)", () => {
    expect(callFn("cos", i4(0))).toBe("1");
  });
  it("select tan(1)", () => {
    expect(callFn("tan", i4(1))).toBe("1.5574077246549023");
  });
  it("select asin(1)", () => {
    expect(callFn("asin", i4(1))).toBe("1.5707963267948966");
  });
  it("select acos(2)", () => {
    expect(callFn("acos", i4(2))).toBe("ERROR 22003: input is out of range");
  });
  it("select atan(1)", () => {
    expect(callFn("atan", i4(1))).toBe("0.7853981633974483");
  });
  it("select atan2(1, 2)", () => {
    expect(callFn("atan2", i4(1), i4(2))).toBe("0.4636476090008061");
  });
  it("select gcd(12, 18)", () => {
    expect(callFn("gcd", i4(12), i4(18))).toBe("6");
  });
  it("select gcd(0, 0)", () => {
    expect(callFn("gcd", i4(0), i4(0))).toBe("0");
  });
  it("select gcd(-2147483648, 0)", () => {
    expect(callFn("gcd", i4(-2147483648), i4(0))).toBe("ERROR 22003: integer out of range");
  });
  it("select lcm(4, 6)", () => {
    expect(callFn("lcm", i4(4), i4(6))).toBe("12");
  });
  it("select gcd(1.5, 2.25)", () => {
    expect(callFn("gcd", num("1.5"), num("2.25"))).toBe("0.75");
  });
  it("select lcm(1.5, 2.25)", () => {
    expect(callFn("lcm", num("1.5"), num("2.25"))).toBe("4.50");
  });
  it("select width_bucket(5.35, 0.024, 10.06, 5)", () => {
    expect(callFn("width_bucket", num("5.35"), num("0.024"), num("10.06"), i4(5))).toBe("3");
  });
  it("select width_bucket(5.35::float8, 0.024, 10.06, 5)", () => {
    expect(callFn("width_bucket", f8(5.35), num("0.024"), num("10.06"), i4(5))).toBe("3");
  });
  it("select width_bucket(-1, 0, 10, 5)", () => {
    expect(callFn("width_bucket", i4(-1), i4(0), i4(10), i4(5))).toBe("0");
  });
  it("select width_bucket(10, 0, 10, 5)", () => {
    expect(callFn("width_bucket", i4(10), i4(0), i4(10), i4(5))).toBe("6");
  });
  it("select width_bucket(7, 10, 0, 5)", () => {
    expect(callFn("width_bucket", i4(7), i4(10), i4(0), i4(5))).toBe("2");
  });
  it("select width_bucket(1, 0, 10, 0)", () => {
    expect(callFn("width_bucket", i4(1), i4(0), i4(10), i4(0))).toBe("ERROR 2201G: count must be greater than zero");
  });
  it("select factorial(20)", () => {
    expect(callFn("factorial", i4(20))).toBe("2432902008176640000");
  });
  it("select factorial(25)", () => {
    expect(callFn("factorial", i4(25))).toBe("15511210043330985984000000");
  });
  it("select scale(1.230)", () => {
    expect(callFn("scale", num("1.230"))).toBe("3");
  });
  it("select min_scale(1.230)", () => {
    expect(callFn("min_scale", num("1.230"))).toBe("2");
  });
  it("select trim_scale(1.230)", () => {
    expect(callFn("trim_scale", num("1.230"))).toBe("1.23");
  });
  it("select random() [Postgres differs: it raises or prints \"0.8869208318877939\"]", () => {
    expect(callFn("random")).toBe("0.5");
  });
});
