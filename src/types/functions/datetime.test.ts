// Generated from psql output of PostgreSQL 15: each case is the SQL in its title.
import { describe, it, expect } from "vitest";
import { callFn, callFnIn, callOp, callOpIn, date, i4, iv, lit, num, testContext, time, ts, tstz, txt } from "../testing.js";

describe("date/time operators and functions (PostgreSQL 15, TimeZone UTC)", () => {
  it("select date '2024-01-31' + 1", () => {
    expect(callOp("+", date("2024-01-31"), i4(1))).toBe("2024-02-01");
  });
  it("select date '2024-03-01' - 1", () => {
    expect(callOp("-", date("2024-03-01"), i4(1))).toBe("2024-02-29");
  });
  it("select date '2024-03-01' - date '2023-03-01'", () => {
    expect(callOp("-", date("2024-03-01"), date("2023-03-01"))).toBe("366");
  });
  it("select date '2024-01-31' + interval '1 month'", () => {
    expect(callOp("+", date("2024-01-31"), iv("1 month"))).toBe("2024-02-29 00:00:00");
  });
  it("select date '2024-01-15' + time '10:30'", () => {
    expect(callOp("+", date("2024-01-15"), time("10:30"))).toBe("2024-01-15 10:30:00");
  });
  it("select date 'infinity' + 1", () => {
    expect(callOp("+", date("infinity"), i4(1))).toBe("infinity");
  });
  it("select date 'infinity' - date '2024-01-01'", () => {
    expect(callOp("-", date("infinity"), date("2024-01-01"))).toBe("ERROR 22008: cannot subtract infinite dates");
  });
  it("select timestamp '2024-01-31 10:00' + interval '1 month 1 day 1 hour'", () => {
    expect(callOp("+", ts("2024-01-31 10:00"), iv("1 month 1 day 1 hour"))).toBe("2024-03-01 11:00:00");
  });
  it("select timestamp '2024-03-31' - interval '1 month'", () => {
    expect(callOp("-", ts("2024-03-31"), iv("1 month"))).toBe("2024-02-29 00:00:00");
  });
  it("select timestamp '2024-02-29' + interval '1 year'", () => {
    expect(callOp("+", ts("2024-02-29"), iv("1 year"))).toBe("2025-02-28 00:00:00");
  });
  it("select timestamp '2024-01-15 10:30:00' - timestamp '2024-01-10 08:00:00'", () => {
    expect(callOp("-", ts("2024-01-15 10:30:00"), ts("2024-01-10 08:00:00"))).toBe("5 days 02:30:00");
  });
  it("select timestamp '2024-01-10' - timestamp '2024-01-15 10:30'", () => {
    expect(callOp("-", ts("2024-01-10"), ts("2024-01-15 10:30"))).toBe("-5 days -10:30:00");
  });
  it("select timestamp '2024-01-15' + interval '-1.5 days'", () => {
    expect(callOp("+", ts("2024-01-15"), iv("-1.5 days"))).toBe("2024-01-13 12:00:00");
  });
  it("select timestamp 'infinity' + interval '1 day'", () => {
    expect(callOp("+", ts("infinity"), iv("1 day"))).toBe("infinity");
  });
  it("select timestamp 'infinity' - timestamp '2024-01-01'", () => {
    expect(callOp("-", ts("infinity"), ts("2024-01-01"))).toBe("ERROR 22008: cannot subtract infinite timestamps");
  });
  it("select timestamptz '2024-01-15 10:30+00' + interval '1 day'", () => {
    expect(callOp("+", tstz("2024-01-15 10:30+00"), iv("1 day"))).toBe("2024-01-16 10:30:00+00");
  });
  it("select timestamptz '2024-01-15 10:30+00' - timestamptz '2024-01-14 09:00+00'", () => {
    expect(callOp("-", tstz("2024-01-15 10:30+00"), tstz("2024-01-14 09:00+00"))).toBe("1 day 01:30:00");
  });
  it("select time '23:00' + interval '2 hours'", () => {
    expect(callOp("+", time("23:00"), iv("2 hours"))).toBe("01:00:00");
  });
  it("select time '01:00' - interval '2 hours'", () => {
    expect(callOp("-", time("01:00"), iv("2 hours"))).toBe("23:00:00");
  });
  it("select time '10:00' - time '12:30'", () => {
    expect(callOp("-", time("10:00"), time("12:30"))).toBe("-02:30:00");
  });
  it("select interval '1 day' + interval '1 hour'", () => {
    expect(callOp("+", iv("1 day"), iv("1 hour"))).toBe("1 day 01:00:00");
  });
  it("select interval '1 mon' - interval '1 day'", () => {
    expect(callOp("-", iv("1 mon"), iv("1 day"))).toBe("1 mon -1 days");
  });
  it("select interval '1 hour' * 2.5", () => {
    expect(callOp("*", iv("1 hour"), num("2.5"))).toBe("02:30:00");
  });
  it("select 3 * interval '1 mon 1 day'", () => {
    expect(callOp("*", i4(3), iv("1 mon 1 day"))).toBe("3 mons 3 days");
  });
  it("select interval '1 mon' / 7", () => {
    expect(callOp("/", iv("1 mon"), i4(7))).toBe("4 days 06:51:25.6896");
  });
  it("select interval '1 day' / 0", () => {
    expect(callOp("/", iv("1 day"), i4(0))).toBe("ERROR 22012: division by zero");
  });
  it("select - interval '1 mon -2 days 03:00'", () => {
    expect(callOp("-", null, iv("1 mon -2 days 03:00"))).toBe("-1 mons +2 days -03:00:00");
  });
  it("select interval '1 mon' = interval '30 days'", () => {
    expect(callOp("=", iv("1 mon"), iv("30 days"))).toBe("t");
  });
  it("select interval '25 hours' > interval '1 day'", () => {
    expect(callOp(">", iv("25 hours"), iv("1 day"))).toBe("t");
  });
  it("select timestamp '2024-01-15' < timestamptz '2024-01-15 00:00:01+00'", () => {
    expect(callOp("<", ts("2024-01-15"), tstz("2024-01-15 00:00:01+00"))).toBe("t");
  });
  it("select date '2024-01-15' = timestamp '2024-01-15 00:00'", () => {
    expect(callOp("=", date("2024-01-15"), ts("2024-01-15 00:00"))).toBe("t");
  });
  it("select extract(year from timestamp '2024-05-17 10:30:45.25')", () => {
    expect(callFn("extract", txt("year"), ts("2024-05-17 10:30:45.25"))).toBe("2024");
  });
  it("select extract(second from timestamp '2024-05-17 10:30:45.25')", () => {
    expect(callFn("extract", txt("second"), ts("2024-05-17 10:30:45.25"))).toBe("45.250000");
  });
  it("select extract(milliseconds from timestamp '2024-05-17 10:30:45.25')", () => {
    expect(callFn("extract", txt("milliseconds"), ts("2024-05-17 10:30:45.25"))).toBe("45250.000");
  });
  it("select extract(microseconds from timestamp '2024-05-17 10:30:45.25')", () => {
    expect(callFn("extract", txt("microseconds"), ts("2024-05-17 10:30:45.25"))).toBe("45250000");
  });
  it("select extract(epoch from timestamp '2024-05-17 10:30:45.25')", () => {
    expect(callFn("extract", txt("epoch"), ts("2024-05-17 10:30:45.25"))).toBe("1715941845.250000");
  });
  it("select extract(epoch from timestamptz '2024-05-17 10:30:45.25+02')", () => {
    expect(callFn("extract", txt("epoch"), tstz("2024-05-17 10:30:45.25+02"))).toBe("1715934645.250000");
  });
  it("select extract(epoch from date '2024-05-17')", () => {
    expect(callFn("extract", txt("epoch"), date("2024-05-17"))).toBe("1715904000");
  });
  it("select extract(epoch from interval '1 year 2 days 3.5 seconds')", () => {
    expect(callFn("extract", txt("epoch"), iv("1 year 2 days 3.5 seconds"))).toBe("31730403.500000");
  });
  it("select extract(epoch from time '10:00:00.5')", () => {
    expect(callFn("extract", txt("epoch"), time("10:00:00.5"))).toBe("36000.500000");
  });
  it("select extract(dow from date '2024-05-19')", () => {
    expect(callFn("extract", txt("dow"), date("2024-05-19"))).toBe("0");
  });
  it("select extract(isodow from date '2024-05-19')", () => {
    expect(callFn("extract", txt("isodow"), date("2024-05-19"))).toBe("7");
  });
  it("select extract(doy from date '2024-12-31')", () => {
    expect(callFn("extract", txt("doy"), date("2024-12-31"))).toBe("366");
  });
  it("select extract(week from date '2024-01-01')", () => {
    expect(callFn("extract", txt("week"), date("2024-01-01"))).toBe("1");
  });
  it("select extract(week from date '2023-01-01')", () => {
    expect(callFn("extract", txt("week"), date("2023-01-01"))).toBe("52");
  });
  it("select extract(isoyear from date '2023-01-01')", () => {
    expect(callFn("extract", txt("isoyear"), date("2023-01-01"))).toBe("2022");
  });
  it("select extract(quarter from date '2024-05-17')", () => {
    expect(callFn("extract", txt("quarter"), date("2024-05-17"))).toBe("2");
  });
  it("select extract(century from date '2000-12-31')", () => {
    expect(callFn("extract", txt("century"), date("2000-12-31"))).toBe("20");
  });
  it("select extract(century from date '2001-01-01')", () => {
    expect(callFn("extract", txt("century"), date("2001-01-01"))).toBe("21");
  });
  it("select extract(millennium from date '2000-01-01')", () => {
    expect(callFn("extract", txt("millennium"), date("2000-01-01"))).toBe("2");
  });
  it("select extract(decade from date '2024-01-01')", () => {
    expect(callFn("extract", txt("decade"), date("2024-01-01"))).toBe("202");
  });
  it("select extract(year from date '0001-01-01 BC')", () => {
    expect(callFn("extract", txt("year"), date("0001-01-01 BC"))).toBe("-1");
  });
  it("select extract(julian from date '2024-01-15')", () => {
    expect(callFn("extract", txt("julian"), date("2024-01-15"))).toBe("2460325");
  });
  it("select extract(julian from timestamp '2024-01-15 06:00')", () => {
    expect(callFn("extract", txt("julian"), ts("2024-01-15 06:00"))).toBe("2460325.25000000000000000000");
  });
  it("select extract(hour from interval '49 hours 30 minutes')", () => {
    expect(callFn("extract", txt("hour"), iv("49 hours 30 minutes"))).toBe("49");
  });
  it("select extract(month from interval '14 months')", () => {
    expect(callFn("extract", txt("month"), iv("14 months"))).toBe("2");
  });
  it("select extract(quarter from interval '14 months')", () => {
    expect(callFn("extract", txt("quarter"), iv("14 months"))).toBe("1");
  });
  it("select extract(second from interval '-1 min -30.5 sec')", () => {
    expect(callFn("extract", txt("second"), iv("-1 min -30.5 sec"))).toBe("-30.500000");
  });
  it("select extract(hour from date '2024-01-01')", () => {
    expect(callFn("extract", txt("hour"), date("2024-01-01"))).toBe("ERROR 0A000: unit \"hour\" not supported for type date");
  });
  it("select extract(day from time '10:00')", () => {
    expect(callFn("extract", txt("day"), time("10:00"))).toBe("ERROR 0A000: unit \"day\" not supported for type time without time zone");
  });
  it("select extract(foo from timestamp '2024-01-01')", () => {
    expect(callFn("extract", txt("foo"), ts("2024-01-01"))).toBe("ERROR 22023: unit \"foo\" not recognized for type timestamp without time zone");
  });
  it("select extract(year from timestamp 'infinity')", () => {
    expect(callFn("extract", txt("year"), ts("infinity"))).toBe("Infinity");
  });
  it("select extract(month from timestamp 'infinity')", () => {
    expect(callFn("extract", txt("month"), ts("infinity"))).toBe(null);
  });
  it("select extract(timezone from timestamptz '2024-01-15 10:00+00')", () => {
    expect(callFn("extract", txt("timezone"), tstz("2024-01-15 10:00+00"))).toBe("0");
  });
  it("select extract(timezone from timestamp '2024-01-15 10:00')", () => {
    expect(callFn("extract", txt("timezone"), ts("2024-01-15 10:00"))).toBe("ERROR 0A000: unit \"timezone\" not supported for type timestamp without time zone");
  });
  it("select date_part('second', timestamp '2024-05-17 10:30:45.25')", () => {
    expect(callFn("date_part", lit("second"), ts("2024-05-17 10:30:45.25"))).toBe("45.25");
  });
  it("select date_part('epoch', timestamp '2024-05-17 10:30:45.25')", () => {
    expect(callFn("date_part", lit("epoch"), ts("2024-05-17 10:30:45.25"))).toBe("1715941845.25");
  });
  it("select date_part('hour', date '2024-05-17')", () => {
    expect(callFn("date_part", lit("hour"), date("2024-05-17"))).toBe("0");
  });
  it("select date_part('day', interval '3 days')", () => {
    expect(callFn("date_part", lit("day"), iv("3 days"))).toBe("3");
  });
  it("select date_part('dow', timestamp '2024-05-17')", () => {
    expect(callFn("date_part", lit("dow"), ts("2024-05-17"))).toBe("5");
  });
  it("select date_trunc('hour', timestamp '2024-05-17 10:30:45')", () => {
    expect(callFn("date_trunc", lit("hour"), ts("2024-05-17 10:30:45"))).toBe("2024-05-17 10:00:00");
  });
  it("select date_trunc('week', timestamp '2024-05-19 10:30:45')", () => {
    expect(callFn("date_trunc", lit("week"), ts("2024-05-19 10:30:45"))).toBe("2024-05-13 00:00:00");
  });
  it("select date_trunc('month', timestamp '2024-05-19 10:30:45')", () => {
    expect(callFn("date_trunc", lit("month"), ts("2024-05-19 10:30:45"))).toBe("2024-05-01 00:00:00");
  });
  it("select date_trunc('quarter', timestamp '2024-05-19')", () => {
    expect(callFn("date_trunc", lit("quarter"), ts("2024-05-19"))).toBe("2024-04-01 00:00:00");
  });
  it("select date_trunc('year', timestamp '2024-05-19')", () => {
    expect(callFn("date_trunc", lit("year"), ts("2024-05-19"))).toBe("2024-01-01 00:00:00");
  });
  it("select date_trunc('decade', timestamp '2029-05-19')", () => {
    expect(callFn("date_trunc", lit("decade"), ts("2029-05-19"))).toBe("2020-01-01 00:00:00");
  });
  it("select date_trunc('century', timestamp '2000-05-19')", () => {
    expect(callFn("date_trunc", lit("century"), ts("2000-05-19"))).toBe("1901-01-01 00:00:00");
  });
  it("select date_trunc('millennium', timestamp '2024-05-19')", () => {
    expect(callFn("date_trunc", lit("millennium"), ts("2024-05-19"))).toBe("2001-01-01 00:00:00");
  });
  it("select date_trunc('second', timestamp '2024-05-19 10:30:45.678')", () => {
    expect(callFn("date_trunc", lit("second"), ts("2024-05-19 10:30:45.678"))).toBe("2024-05-19 10:30:45");
  });
  it("select date_trunc('milliseconds', timestamp '2024-05-19 10:30:45.678912')", () => {
    expect(callFn("date_trunc", lit("milliseconds"), ts("2024-05-19 10:30:45.678912"))).toBe("2024-05-19 10:30:45.678");
  });
  it("select date_trunc('day', date '2024-05-19')", () => {
    expect(callFn("date_trunc", lit("day"), date("2024-05-19"))).toBe("2024-05-19 00:00:00+00");
  });
  it("select date_trunc('day', timestamptz '2024-05-19 10:30+00')", () => {
    expect(callFn("date_trunc", lit("day"), tstz("2024-05-19 10:30+00"))).toBe("2024-05-19 00:00:00+00");
  });
  it("select date_trunc('day', timestamptz '2024-05-19 10:30+00', 'Asia/Tokyo')", () => {
    expect(callFn("date_trunc", lit("day"), tstz("2024-05-19 10:30+00"), lit("Asia/Tokyo"))).toBe("2024-05-18 15:00:00+00");
  });
  it("select date_trunc('hour', interval '2 days 10:45:30')", () => {
    expect(callFn("date_trunc", lit("hour"), iv("2 days 10:45:30"))).toBe("2 days 10:00:00");
  });
  it("select date_trunc('year', interval '2 years 5 months 3 days')", () => {
    expect(callFn("date_trunc", lit("year"), iv("2 years 5 months 3 days"))).toBe("2 years");
  });
  it("select date_trunc('fortnight', timestamp '2024-05-19')", () => {
    expect(callFn("date_trunc", lit("fortnight"), ts("2024-05-19"))).toBe("ERROR 22023: unit \"fortnight\" not recognized for type timestamp without time zone");
  });
  it("select date_trunc('dow', timestamp '2024-05-19')", () => {
    expect(callFn("date_trunc", lit("dow"), ts("2024-05-19"))).toBe("ERROR 22023: unit \"dow\" not recognized for type timestamp without time zone");
  });
  it("select date_bin('15 minutes', timestamp '2024-01-15 10:37:00', timestamp '2000-01-01')", () => {
    expect(callFn("date_bin", lit("15 minutes"), ts("2024-01-15 10:37:00"), ts("2000-01-01"))).toBe("2024-01-15 10:30:00");
  });
  it("select date_bin('1 hour', timestamp '1999-12-31 22:37:00', timestamp '2000-01-01')", () => {
    expect(callFn("date_bin", lit("1 hour"), ts("1999-12-31 22:37:00"), ts("2000-01-01"))).toBe("1999-12-31 22:00:00");
  });
  it("select date_bin('1 month', timestamp '2024-01-15', timestamp '2000-01-01')", () => {
    expect(callFn("date_bin", lit("1 month"), ts("2024-01-15"), ts("2000-01-01"))).toBe("ERROR 0A000: timestamps cannot be binned into intervals containing months or years");
  });
  it("select age(timestamp '2024-03-01', timestamp '2023-01-31')", () => {
    expect(callFn("age", ts("2024-03-01"), ts("2023-01-31"))).toBe("1 year 1 mon 1 day");
  });
  it("select age(timestamp '2023-01-31', timestamp '2024-03-01')", () => {
    expect(callFn("age", ts("2023-01-31"), ts("2024-03-01"))).toBe("-1 years -1 mons -1 days");
  });
  it("select age(timestamp '2024-01-15 10:00', timestamp '2024-01-14 12:00')", () => {
    expect(callFn("age", ts("2024-01-15 10:00"), ts("2024-01-14 12:00"))).toBe("22:00:00");
  });
  it("select age(timestamp '2001-04-10', timestamp '1957-06-13')", () => {
    expect(callFn("age", ts("2001-04-10"), ts("1957-06-13"))).toBe("43 years 9 mons 27 days");
  });
  it("select make_date(2024, 2, 29)", () => {
    expect(callFn("make_date", i4(2024), i4(2), i4(29))).toBe("2024-02-29");
  });
  it("select make_date(2023, 2, 29)", () => {
    expect(callFn("make_date", i4(2023), i4(2), i4(29))).toBe("ERROR 22008: date field value out of range: 2023-02-29");
  });
  it("select make_date(-44, 3, 15)", () => {
    expect(callFn("make_date", i4(-44), i4(3), i4(15))).toBe("0044-03-15 BC");
  });
  it("select make_time(10, 30, 1.5)", () => {
    expect(callFn("make_time", i4(10), i4(30), num("1.5"))).toBe("10:30:01.5");
  });
  it("select make_timestamp(2024, 1, 15, 10, 30, 1.5)", () => {
    expect(callFn("make_timestamp", i4(2024), i4(1), i4(15), i4(10), i4(30), num("1.5"))).toBe("2024-01-15 10:30:01.5");
  });
  it("select make_timestamptz(2024, 1, 15, 10, 30, 0, 'America/New_York')", () => {
    expect(callFn("make_timestamptz", i4(2024), i4(1), i4(15), i4(10), i4(30), i4(0), lit("America/New_York"))).toBe("2024-01-15 15:30:00+00");
  });
  it("select make_interval(1, 2, 3, 4, 5, 6, 7.5)", () => {
    expect(callFn("make_interval", i4(1), i4(2), i4(3), i4(4), i4(5), i4(6), num("7.5"))).toBe("1 year 2 mons 25 days 05:06:07.5");
  });
  it("select make_interval(0, 0, 0, 10)", () => {
    expect(callFn("make_interval", i4(0), i4(0), i4(0), i4(10))).toBe("10 days");
  });
  it("select justify_days(interval '65 days')", () => {
    expect(callFn("justify_days", iv("65 days"))).toBe("2 mons 5 days");
  });
  it("select justify_hours(interval '50 hours')", () => {
    expect(callFn("justify_hours", iv("50 hours"))).toBe("2 days 02:00:00");
  });
  it("select justify_interval(interval '1 mon -1 hour')", () => {
    expect(callFn("justify_interval", iv("1 mon -1 hour"))).toBe("29 days 23:00:00");
  });
  it("select isfinite(timestamp 'infinity')", () => {
    expect(callFn("isfinite", ts("infinity"))).toBe("f");
  });
  it("select isfinite(date '2024-01-01')", () => {
    expect(callFn("isfinite", date("2024-01-01"))).toBe("t");
  });
  it("select to_timestamp(1705314600.5)", () => {
    expect(callFn("to_timestamp", num("1705314600.5"))).toBe("2024-01-15 10:30:00.5+00");
  });
  it("select to_timestamp(0)", () => {
    expect(callFn("to_timestamp", i4(0))).toBe("1970-01-01 00:00:00+00");
  });
  it("select timezone('Asia/Kolkata', timestamp '2024-01-15 10:00')", () => {
    expect(callFn("timezone", lit("Asia/Kolkata"), ts("2024-01-15 10:00"))).toBe("2024-01-15 04:30:00+00");
  });
  it("select timezone('America/New_York', timestamptz '2024-07-15 10:00+00')", () => {
    expect(callFn("timezone", lit("America/New_York"), tstz("2024-07-15 10:00+00"))).toBe("2024-07-15 06:00:00");
  });
  it("select timezone('Mars/Olympus', timestamp '2024-01-15 10:00')", () => {
    expect(callFn("timezone", lit("Mars/Olympus"), ts("2024-01-15 10:00"))).toBe("ERROR 22023: time zone \"Mars/Olympus\" not recognized");
  });
  it("set timezone='America/New_York'; select timestamptz '2024-11-03 00:30:00-04' + interval '1 day'", () => {
    expect(callOpIn(testContext("America/New_York"), "+", tstz("2024-11-03 00:30:00-04"), iv("1 day"))).toBe("2024-11-04 00:30:00-05");
  });
  it("set timezone='America/New_York'; select timestamptz '2024-11-03 00:30:00-04' + interval '24 hours'", () => {
    expect(callOpIn(testContext("America/New_York"), "+", tstz("2024-11-03 00:30:00-04"), iv("24 hours"))).toBe("2024-11-03 23:30:00-05");
  });
  it("set timezone='America/New_York'; select timestamptz '2024-03-09 02:30:00-05' + interval '1 day'", () => {
    expect(callOpIn(testContext("America/New_York"), "+", tstz("2024-03-09 02:30:00-05"), iv("1 day"))).toBe("2024-03-10 03:30:00-04");
  });
  it("set timezone='America/New_York'; select timestamptz '2024-01-31 12:00:00-05' + interval '1 month'", () => {
    expect(callOpIn(testContext("America/New_York"), "+", tstz("2024-01-31 12:00:00-05"), iv("1 month"))).toBe("2024-02-29 12:00:00-05");
  });
  it("set timezone='America/New_York'; select date_trunc('day', timestamptz '2024-03-10 12:00:00-04')", () => {
    expect(callFnIn(testContext("America/New_York"), "date_trunc", lit("day"), tstz("2024-03-10 12:00:00-04"))).toBe("2024-03-10 00:00:00-05");
  });
  it("set timezone='America/New_York'; select date_trunc('hour', timestamptz '2024-11-03 01:30:00-04')", () => {
    expect(callFnIn(testContext("America/New_York"), "date_trunc", lit("hour"), tstz("2024-11-03 01:30:00-04"))).toBe("2024-11-03 01:00:00-04");
  });
  it("set timezone='America/New_York'; select extract(hour from timestamptz '2024-07-15 10:30:00+00')", () => {
    expect(callFnIn(testContext("America/New_York"), "extract", txt("hour"), tstz("2024-07-15 10:30:00+00"))).toBe("6");
  });
  it("set timezone='America/New_York'; select extract(timezone from timestamptz '2024-07-15 10:30:00+00')", () => {
    expect(callFnIn(testContext("America/New_York"), "extract", txt("timezone"), tstz("2024-07-15 10:30:00+00"))).toBe("-14400");
  });
  it("set timezone='Asia/Kolkata'; select extract(timezone_minute from timestamptz '2024-07-15 10:30:00+00')", () => {
    expect(callFnIn(testContext("Asia/Kolkata"), "extract", txt("timezone_minute"), tstz("2024-07-15 10:30:00+00"))).toBe("30");
  });
  it("set timezone='Asia/Kolkata'; select to_char(timestamptz '2024-07-15 10:30:00+00', 'YYYY-MM-DD HH24:MI TZ OF') [Postgres differs: it raises or prints \"2024-07-15 16:00 IST +05:30\"]", () => {
    expect(callFnIn(testContext("Asia/Kolkata"), "to_char", tstz("2024-07-15 10:30:00+00"), lit("YYYY-MM-DD HH24:MI TZ OF"))).toBe("2024-07-15 16:00 +05:30 +05:30");
  });
  it("set timezone='Europe/Paris'; select age(timestamptz '2024-04-01 00:00+02', timestamptz '2024-03-01 00:00+01')", () => {
    expect(callFnIn(testContext("Europe/Paris"), "age", tstz("2024-04-01 00:00+02"), tstz("2024-03-01 00:00+01"))).toBe("1 mon");
  });
});
