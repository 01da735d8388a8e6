import { describe, it, expect } from "vitest";
import { Decimal } from "./numeric.js";
import { SqlError } from "./errors.js";

const d = (s: string) => Decimal.parse(s);
const str = (x: Decimal) => x.toString();

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return (e as SqlError).code;
  }
  return undefined;
}

// Expected values are what PostgreSQL 15 prints.
describe("Decimal parse/format", () => {
  it("keeps the display scale", () => {
    expect(str(d("1.50"))).toBe("1.50");
    expect(str(d("  1.5e3  "))).toBe("1500");
    expect(str(d("1.5E-3"))).toBe("0.0015");
    expect(str(d("-.5"))).toBe("-0.5");
    expect(str(d("5."))).toBe("5");
    expect(str(d("0.000"))).toBe("0.000");
    expect(str(d("-0.0"))).toBe("0.0");
    expect(str(d("1.0e-2"))).toBe("0.010");
  });
  it("special values", () => {
    expect(str(d("Infinity"))).toBe("Infinity");
    expect(str(d("-inf"))).toBe("-Infinity");
    expect(str(d("NaN").add(Decimal.ONE))).toBe("NaN");
    expect(str(d("inf").mul(d("-1")))).toBe("-Infinity");
  });
  it("rejects bad input with 22P02", () => {
    expect(code(() => d("x"))).toBe("22P02");
    expect(() => d("1.2.3")).toThrow('invalid input syntax for type numeric: "1.2.3"');
    expect(code(() => d(""))).toBe("22P02");
    expect(code(() => d("1e"))).toBe("22P02");
    expect(code(() => d("-NaN"))).toBe("22P02");
  });
  it("float conversions", () => {
    expect(str(Decimal.fromFloat(0.1))).toBe("0.1");
    expect(str(Decimal.fromFloat(1 / 3))).toBe("0.333333333333333");
    expect(str(Decimal.fromFloat(1e20))).toBe("100000000000000000000");
    expect(str(Decimal.fromFloat(123456789012345678))).toBe("123456789012346000");
    expect(str(Decimal.fromFloat(Math.fround(0.1), 6))).toBe("0.1");
    expect(str(Decimal.fromFloat(1.5e-10))).toBe("0.00000000015");
    expect(str(Decimal.fromNumber(0.1))).toBe("0.1");
    expect(str(Decimal.fromNumber(42))).toBe("42");
    expect(d("0.1").toNumber()).toBe(0.1);
    expect(d("123456789012345678901234567890").toNumber()).toBe(1.2345678901234568e29);
  });
});

describe("Decimal arithmetic", () => {
  it("add/mul scales", () => {
    expect(str(d("1.50").add(d("1")))).toBe("2.50");
    expect(str(d("1.5").mul(d("1.25")))).toBe("1.875");
    expect(str(d("1.5").sub(d("2.25")))).toBe("-0.75");
  });
  it("division scale follows select_div_scale", () => {
    expect(str(d("1").div(d("3")))).toBe("0.33333333333333333333");
    expect(str(d("10").div(d("4")))).toBe("2.5000000000000000");
    expect(str(d("2").div(d("3")))).toBe("0.66666666666666666667");
    expect(str(d("1").div(d("7.0")))).toBe("0.14285714285714285714");
    expect(str(d("100000").div(d("3")))).toBe("33333.333333333333");
    expect(str(d("0.001").div(d("7")))).toBe("0.00014285714285714286");
    expect(str(d("12345678901234567890").div(d("3")))).toBe("4115226300411522630");
    expect(str(d("1.000").div(d("3")))).toBe("0.33333333333333333333");
    expect(str(d("1e-20").div(d("3")))).toBe("0.0000000000000000000033333333333333333333");
    expect(str(d("5").div(d("1e-20")))).toBe("500000000000000000000.00000000000000000000");
  });
  it("division by zero is 22012", () => {
    expect(code(() => d("1").div(d("0")))).toBe("22012");
    expect(() => d("1").mod(d("0.0"))).toThrow("division by zero");
  });
  it("mod, div, round, trunc, floor, ceil", () => {
    expect(str(d("7.5").mod(d("2")))).toBe("1.5");
    expect(str(d("-7.5").mod(d("2")))).toBe("-1.5");
    expect(str(d("7").mod(d("-2.25")))).toBe("0.25");
    expect(str(d("-7").mod(d("3")))).toBe("-1");
    expect(str(d("7.5").divTrunc(d("2")))).toBe("3");
    expect(str(d("-7.5").divTrunc(d("2")))).toBe("-3");
    expect(str(d("2.5").round())).toBe("3");
    expect(str(d("-2.5").round())).toBe("-3");
    expect(str(d("1234.567").round(-2))).toBe("1200");
    expect(str(d("1.5").round(3))).toBe("1.500");
    expect(str(d("-1.59").trunc(1))).toBe("-1.5");
    expect(str(d("-1.5").floor())).toBe("-2");
    expect(str(d("-1.5").ceil())).toBe("-1");
    expect(str(d("1.1").ceil())).toBe("2");
  });
  it("compares across scales and specials", () => {
    expect(d("1.0").cmp(d("1.00"))).toBe(0);
    expect(d("1.01").cmp(d("1.1"))).toBe(-1);
    expect(d("NaN").cmp(d("Infinity"))).toBe(1);
    expect(d("NaN").cmp(d("NaN"))).toBe(0);
    expect(d("-Infinity").cmp(d("-1e100"))).toBe(-1);
    expect(str(d("1.500").normalize())).toBe("1.5");
  });
  it("toBigInt rounds half away from zero", () => {
    expect(d("2.5").toBigInt()).toBe(3n);
    expect(d("-2.5").toBigInt()).toBe(-3n);
    expect(d("2.49").toBigInt()).toBe(2n);
    expect(code(() => d("NaN").toBigInt("integer"))).toBe("0A000");
  });
});

describe("Decimal transcendental functions", () => {
  it("sqrt", () => {
    expect(str(d("2").sqrt())).toBe("1.414213562373095");
    expect(str(d("100").sqrt())).toBe("10.000000000000000");
    expect(str(d("0.0001").sqrt())).toBe("0.01000000000000000");
    expect(str(d("1e20").sqrt())).toBe("10000000000.00000");
    expect(str(d("2.00000000000000000000").sqrt())).toBe("1.41421356237309504880");
    expect(str(d("0").sqrt())).toBe("0.000000000000000");
    expect(code(() => d("-1").sqrt())).toBe("2201F");
  });
  it("exp and ln", () => {
    expect(str(d("1").exp())).toBe("2.7182818284590452");
    expect(str(d("10").exp())).toBe("22026.465794806717");
    expect(str(d("-10").exp())).toBe("0.00004539992976248485");
    expect(str(d("100").exp())).toBe("26881171418161354484126255515800135873611119");
    expect(str(d("10").ln())).toBe("2.3025850929940457");
    expect(str(d("1.0001").ln())).toBe("0.00009999500033330834");
    expect(str(d("1e-10").ln())).toBe("-23.025850929940457");
    expect(str(d("1e100").ln())).toBe("230.25850929940457");
    expect(str(d("2.0").ln())).toBe("0.6931471805599453");
    expect(code(() => d("0").ln())).toBe("2201E");
  });
  it("log", () => {
    expect(str(d("2").log10())).toBe("0.3010299956639812");
    expect(str(d("1000").log10())).toBe("3.0000000000000000");
    expect(str(d("2").log(d("10")))).toBe("0.3010299956639812");
    expect(str(d("8.0").log(d("2.0")))).toBe("3.0000000000000000");
    expect(str(d("100.0").log10())).toBe("2.0000000000000000");
  });
  it("power", () => {
    expect(str(d("2").pow(d("3")))).toBe("8.0000000000000000");
    expect(str(d("2").pow(d("0.5")))).toBe("1.4142135623730950");
    expect(str(d("2.5").pow(d("2.5")))).toBe("9.8821176880261854");
    expect(str(d("0.5").pow(d("-3")))).toBe("8.0000000000000000");
    expect(str(d("1.1").pow(d("100")))).toBe("13780.6123398222701841");
    expect(str(d("-2").pow(d("3")))).toBe("-8.0000000000000000");
    expect(str(d("0").pow(d("0")))).toBe("1.0000000000000000");
    expect(str(d("10").pow(d("-20")))).toBe("0.0000000000000000");
    expect(str(d("10").pow(d("20")))).toBe("100000000000000000000.0000000000000000");
    expect(str(d("2").pow(d("-2")))).toBe("0.2500000000000000");
    expect(code(() => d("0").pow(d("-1")))).toBe("2201F");
    expect(code(() => d("-1").pow(d("0.5")))).toBe("2201F");
  });
});
