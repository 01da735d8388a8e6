import { describe, it, expect } from "vitest";
import { Interval } from "./interval.js";
import { SqlError } from "./errors.js";

const p = (s: string) => Interval.parse(s).toString();

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return (e as SqlError).code;
  }
  return undefined;
}

// Expected strings are PostgreSQL 15's output (IntervalStyle postgres).
describe("Interval input and output", () => {
  it("reads the Postgres forms", () => {
    expect(p("10 seconds")).toBe("00:00:10");
    expect(p("1 day 02:03:04")).toBe("1 day 02:03:04");
    expect(p("1 year 2 mons")).toBe("1 year 2 mons");
    expect(p("-1 hour")).toBe("-01:00:00");
    expect(p("P1DT2H")).toBe("1 day 02:00:00");
    expect(p("@ 1 minute ago")).toBe("-00:01:00");
    expect(p("01:02:03")).toBe("01:02:03");
    expect(p("1.5 days")).toBe("1 day 12:00:00");
    expect(p("1.5 months")).toBe("1 mon 15 days");
    expect(p("1.5 years")).toBe("1 year 6 mons");
    expect(p("10")).toBe("00:00:10");
    expect(p("1 2:03")).toBe("1 day 02:03:00");
    expect(p("-1 days +02:00:00")).toBe("-1 days +02:00:00");
    expect(p("1 week")).toBe("7 days");
    expect(p("1.5 weeks")).toBe("10 days 12:00:00");
    expect(p("100 ms")).toBe("00:00:00.1");
    expect(p("3 us")).toBe("00:00:00.000003");
  });
  it("reads ISO 8601 and SQL-standard forms", () => {
    expect(p("P1Y2M3DT4H5M6.5S")).toBe("1 year 2 mons 3 days 04:05:06.5");
    expect(p("P0001-02-03T04:05:06")).toBe("1 year 2 mons 3 days 04:05:06");
    expect(p("PT1.5H")).toBe("01:30:00");
    expect(p("P1.5Y")).toBe("1 year 6 mons");
    expect(p("1-2")).toBe("1 year 2 mons");
    expect(p("-1-2")).toBe("-1 years -2 mons");
    expect(p("P1W")).toBe("7 days");
    expect(p("P2W3D")).toBe("17 days");
  });
  it("more forms", () => {
    expect(p("1 decade")).toBe("10 years");
    expect(p("2 centuries")).toBe("200 years");
    expect(p("1 millennium")).toBe("1000 years");
    expect(p("1 hour 30 minutes ago")).toBe("-01:30:00");
    expect(p("  1 day  ")).toBe("1 day");
    expect(p("1d 2h 3m 4s")).toBe("1 day 02:03:04");
    expect(p("1 day -1 hour")).toBe("1 day -01:00:00");
    expect(p("-01:30")).toBe("-01:30:00");
    expect(p("1.5")).toBe("00:00:01.5");
    expect(p("1:30")).toBe("01:30:00");
    expect(p("-1 day 2 hours")).toBe("-1 days +02:00:00");
    expect(p("1 mon 1 day ago")).toBe("-1 mons -1 days");
    expect(p("-1 mon ago")).toBe("1 mon");
    expect(p("1 year 1.5 months")).toBe("1 year 1 mon 15 days");
    expect(p("1.123456789 seconds")).toBe("00:00:01.123457");
    expect(p("-0.000001 seconds")).toBe("-00:00:00.000001");
    expect(p("2 days 1:00 ago")).toBe("-2 days -01:00:00");
    expect(p("1 day 1.5")).toBe("1 day 00:00:01.5");
    expect(p("1 mon 2 days 03:04:05.678")).toBe("1 mon 2 days 03:04:05.678");
    expect(p("-1 year -2 mons")).toBe("-1 years -2 mons");
    expect(p("1 year -2 mons")).toBe("10 mons");
    expect(p("1:2:3.4567891")).toBe("01:02:03.456789");
    expect(p("24:00:00")).toBe("24:00:00");
    expect(p("1 hours 90 minutes")).toBe("02:30:00");
    expect(p("5 minutes 3.5 seconds")).toBe("00:05:03.5");
    expect(p(".5 hour")).toBe("00:30:00");
    expect(p("1 yr 2 mon")).toBe("1 year 2 mons");
    expect(p("2 hrs 3 mins 4 secs")).toBe("02:03:04");
    expect(p("178956970 years")).toBe("178956970 years");
  });
  it("errors", () => {
    expect(code(() => Interval.parse("1 2"))).toBe("22007");
    expect(code(() => Interval.parse("1:60"))).toBe("22015");
    expect(() => Interval.parse("hello")).toThrow('invalid input syntax for type interval: "hello"');
    expect(code(() => Interval.parse("1 hour 1 hour"))).toBe("22007");
    expect(code(() => Interval.parse(""))).toBe("22007");
    expect(code(() => Interval.parse("P"))).toBe("22007");
    expect(code(() => Interval.parse("178956971 years"))).toBe("22008");
  });
});

describe("Interval arithmetic", () => {
  const i = (s: string) => Interval.parse(s);
  it("mul/div cascade like Postgres", () => {
    expect(i("1 day").mul(1.5).toString()).toBe("1 day 12:00:00");
    expect(i("1 month").div(3).toString()).toBe("10 days");
    expect(i("1 mon").mul(0.5).toString()).toBe("15 days");
    expect(i("1 hour").div(7).toString()).toBe("00:08:34.285714");
    expect(i("1 year").mul(1.3).toString()).toBe("1 year 3 mons 18 days");
    expect(code(() => i("1 hour").div(0))).toBe("22012");
  });
  it("add/sub", () => {
    expect(i("1 day").sub(i("25 hours")).toString()).toBe("1 day -25:00:00");
    expect(i("0").toString()).toBe("00:00:00");
    expect(i("1 mon -1 day").toString()).toBe("1 mon -1 days");
    expect(i("-00:00:00.5").toString()).toBe("-00:00:00.5");
  });
  it("justify", () => {
    expect(i("35 days").justifyDays().toString()).toBe("1 mon 5 days");
    expect(i("27 hours").justifyHours().toString()).toBe("1 day 03:00:00");
    expect(i("1 mon -1 hour").justify().toString()).toBe("29 days 23:00:00");
    expect(i("-27 hours").justifyHours().toString()).toBe("-1 days -03:00:00");
    expect(i("-1 mon 35 days").justify().toString()).toBe("5 days");
  });
  it("compares by span", () => {
    expect(i("1 month").cmp(i("30 days"))).toBe(0);
    expect(i("1 day").cmp(i("24 hours"))).toBe(0);
    expect(i("1 year").cmp(i("360 days"))).toBe(0);
    expect(i("1 year").cmp(i("361 days"))).toBe(-1);
    expect(i("1 month").key()).toBe(i("30 days").key());
    expect(i("1 month").key()).not.toBe(i("31 days").key());
  });
});
