// Generated from psql output of PostgreSQL 15: each case is the SQL in its title.
import { describe, it, expect } from "vitest";
import { callFn, f8, i4, i8, iv, lit, num, ts, tstz } from "../testing.js";

describe("to_char / to_date / to_timestamp (PostgreSQL 15)", () => {
  it("select to_char(123, '999')", () => {
    expect(callFn("to_char", i4(123), lit("999"))).toBe(" 123");
  });
  it("select to_char(-123, '999')", () => {
    expect(callFn("to_char", i4(-123), lit("999"))).toBe("-123");
  });
  it("select to_char(5, '0000')", () => {
    expect(callFn("to_char", i4(5), lit("0000"))).toBe(" 0005");
  });
  it("select to_char(3.14159, '9.99')", () => {
    expect(callFn("to_char", num("3.14159"), lit("9.99"))).toBe(" 3.14");
  });
  it("select to_char(123, 'FM999')", () => {
    expect(callFn("to_char", i4(123), lit("FM999"))).toBe("123");
  });
  it("select to_char(1234.5, '9,999.99')", () => {
    expect(callFn("to_char", num("1234.5"), lit("9,999.99"))).toBe(" 1,234.50");
  });
  it("select to_char(12345, '999')", () => {
    expect(callFn("to_char", i4(12345), lit("999"))).toBe(" ###");
  });
  it("select to_char(0.5, '9.99')", () => {
    expect(callFn("to_char", num("0.5"), lit("9.99"))).toBe("  .50");
  });
  it("select to_char(0.5, '0.99')", () => {
    expect(callFn("to_char", num("0.5"), lit("0.99"))).toBe(" 0.50");
  });
  it("select to_char(-0.5, 'FM9.99')", () => {
    expect(callFn("to_char", num("-0.5"), lit("FM9.99"))).toBe("-.5");
  });
  it("select to_char(12, '9999.99')", () => {
    expect(callFn("to_char", i4(12), lit("9999.99"))).toBe("   12.00");
  });
  it("select to_char(12, 'FM9999.99')", () => {
    expect(callFn("to_char", i4(12), lit("FM9999.99"))).toBe("12.");
  });
  it("select to_char(12, 'FM9999.00')", () => {
    expect(callFn("to_char", i4(12), lit("FM9999.00"))).toBe("12.00");
  });
  it("select to_char(-12, 'S999')", () => {
    expect(callFn("to_char", i4(-12), lit("S999"))).toBe(" -12");
  });
  it("select to_char(12, 'S999')", () => {
    expect(callFn("to_char", i4(12), lit("S999"))).toBe(" +12");
  });
  it("select to_char(-12, '999MI')", () => {
    expect(callFn("to_char", i4(-12), lit("999MI"))).toBe(" 12-");
  });
  it("select to_char(12, '999MI')", () => {
    expect(callFn("to_char", i4(12), lit("999MI"))).toBe(" 12 ");
  });
  it("select to_char(-12, '999PR')", () => {
    expect(callFn("to_char", i4(-12), lit("999PR"))).toBe(" <12>");
  });
  it("select to_char(1234567, '9G999G999')", () => {
    expect(callFn("to_char", i4(1234567), lit("9G999G999"))).toBe(" 1,234,567");
  });
  it("select to_char(1.5, '9D9')", () => {
    expect(callFn("to_char", num("1.5"), lit("9D9"))).toBe(" 1.5");
  });
  it("select to_char(9.99, '9.9')", () => {
    expect(callFn("to_char", num("9.99"), lit("9.9"))).toBe(" #.#");
  });
  it("select to_char(0, '999')", () => {
    expect(callFn("to_char", i4(0), lit("999"))).toBe("   0");
  });
  it("select to_char(0, 'FM999')", () => {
    expect(callFn("to_char", i4(0), lit("FM999"))).toBe("0");
  });
  it("select to_char(0.0, 'FM0.00')", () => {
    expect(callFn("to_char", num("0.0"), lit("FM0.00"))).toBe("0.00");
  });
  it("select to_char(1.5::float8, '9.9')", () => {
    expect(callFn("to_char", f8(1.5), lit("9.9"))).toBe(" 1.5");
  });
  it("select to_char(2.5::float8, '9')", () => {
    expect(callFn("to_char", f8(2.5), lit("9"))).toBe(" 2");
  });
  it("select to_char(2.5::numeric, '9')", () => {
    expect(callFn("to_char", num("2.5"), lit("9"))).toBe(" 3");
  });
  it("select to_char(0.125::float8, '9.99')", () => {
    expect(callFn("to_char", f8(0.125), lit("9.99"))).toBe("  .12");
  });
  it("select to_char(123456789012::bigint, '999,999,999,999')", () => {
    expect(callFn("to_char", i8(123456789012), lit("999,999,999,999"))).toBe(" 123,456,789,012");
  });
  it("select to_char(42, 'FM9999th')", () => {
    expect(callFn("to_char", i4(42), lit("FM9999th"))).toBe("42nd");
  });
  it("select to_char(125, 'RN')", () => {
    expect(callFn("to_char", i4(125), lit("RN"))).toBe("           CXXV");
  });
  it("select to_char(125, 'FMRN')", () => {
    expect(callFn("to_char", i4(125), lit("FMRN"))).toBe("CXXV");
  });
  it("select to_char(1234, '09999')", () => {
    expect(callFn("to_char", i4(1234), lit("09999"))).toBe(" 01234");
  });
  it("select to_char(1234.5678, '99999.999')", () => {
    expect(callFn("to_char", num("1234.5678"), lit("99999.999"))).toBe("  1234.568");
  });
  it("select to_char(-1234.5678, 'FM9G999D99')", () => {
    expect(callFn("to_char", num("-1234.5678"), lit("FM9G999D99"))).toBe("-1,234.57");
  });
  it("select to_char(timestamp '2024-01-05 14:05:09.123456', 'YYYY-MM-DD HH24:MI:SS.MS.US')", () => {
    expect(callFn("to_char", ts("2024-01-05 14:05:09.123456"), lit("YYYY-MM-DD HH24:MI:SS.MS.US"))).toBe("2024-01-05 14:05:09.123.123456");
  });
  it("select to_char(timestamp '2024-01-05 14:05:09', 'HH12:MI AM')", () => {
    expect(callFn("to_char", ts("2024-01-05 14:05:09"), lit("HH12:MI AM"))).toBe("02:05 PM");
  });
  it("select to_char(timestamp '2024-01-05 00:05:09', 'HH:MI pm')", () => {
    expect(callFn("to_char", ts("2024-01-05 00:05:09"), lit("HH:MI pm"))).toBe("12:05 am");
  });
  it("select to_char(timestamp '2024-01-05', 'Mon Month MONTH month Dy Day DY')", () => {
    expect(callFn("to_char", ts("2024-01-05"), lit("Mon Month MONTH month Dy Day DY"))).toBe("Jan January   JANUARY   january   Fri Friday    FRI");
  });
  it("select to_char(timestamp '2024-01-05', 'FMMonth FMDay FMDD FMMM')", () => {
    expect(callFn("to_char", ts("2024-01-05"), lit("FMMonth FMDay FMDD FMMM"))).toBe("January Friday 5 1");
  });
  it("select to_char(timestamp '2024-01-05', 'DDD D Q WW IW CC J')", () => {
    expect(callFn("to_char", ts("2024-01-05"), lit("DDD D Q WW IW CC J"))).toBe("005 6 1 01 01 21 2460315");
  });
  it("select to_char(timestamp '2024-01-05', 'DDth Dth FMDDth')", () => {
    expect(callFn("to_char", ts("2024-01-05"), lit("DDth Dth FMDDth"))).toBe("05th 6th 5th");
  });
  it("select to_char(timestamp '2024-01-05', '\"Week\" W, \"day\" ID')", () => {
    expect(callFn("to_char", ts("2024-01-05"), lit("\"Week\" W, \"day\" ID"))).toBe("Week 1, day 5");
  });
  it("select to_char(timestamptz '2024-01-05 10:00+00', 'TZ OF TZH:TZM')", () => {
    expect(callFn("to_char", tstz("2024-01-05 10:00+00"), lit("TZ OF TZH:TZM"))).toBe("UTC +00 +00:00");
  });
  it("select to_char(timestamp '0044-03-15', 'YYYY BC') [Postgres differs: it raises or prints \"0044 AD\"]", () => {
    expect(callFn("to_char", ts("0044-03-15 BC"), lit("YYYY BC"))).toBe("0044 BC");
  });
  it("select to_char(timestamp '2024-01-05', 'Y,YYY YYY YY Y')", () => {
    expect(callFn("to_char", ts("2024-01-05"), lit("Y,YYY YYY YY Y"))).toBe("2,024 024 24 4");
  });
  it("select to_char(timestamp '2024-01-05 14:05:09', 'SSSS')", () => {
    expect(callFn("to_char", ts("2024-01-05 14:05:09"), lit("SSSS"))).toBe("50709");
  });
  it("select to_char(timestamp '2024-11-05', 'RM|rm|FMRM|yyyy|hh24|Mon')", () => {
    expect(callFn("to_char", ts("2024-11-05"), lit("RM|rm|FMRM|yyyy|hh24|Mon"))).toBe("XI  |xi  |XI|2024|00|Nov");
  });
  it("select to_char(timestamp '2024-12-30', 'IYYY-IW-ID')", () => {
    expect(callFn("to_char", ts("2024-12-30"), lit("IYYY-IW-ID"))).toBe("2025-01-1");
  });
  it("select to_char(timestamp '2024-01-05 14:05:09', 'HH24\\:MI')", () => {
    expect(callFn("to_char", ts("2024-01-05 14:05:09"), lit("HH24\\:MI"))).toBe("14\\:05");
  });
  it("select to_char(interval '1 day 02:03:04', 'HH24:MI:SS')", () => {
    expect(callFn("to_char", iv("1 day 02:03:04"), lit("HH24:MI:SS"))).toBe("02:03:04");
  });
  it("select to_char(interval '27 hours 5 minutes', 'HH24:MI')", () => {
    expect(callFn("to_char", iv("27 hours 5 minutes"), lit("HH24:MI"))).toBe("27:05");
  });
  it("select to_date('2024-01-15', 'YYYY-MM-DD')", () => {
    expect(callFn("to_date", lit("2024-01-15"), lit("YYYY-MM-DD"))).toBe("2024-01-15");
  });
  it("select to_date('15/01/2024', 'DD/MM/YYYY')", () => {
    expect(callFn("to_date", lit("15/01/2024"), lit("DD/MM/YYYY"))).toBe("2024-01-15");
  });
  it("select to_date('20240115', 'YYYYMMDD')", () => {
    expect(callFn("to_date", lit("20240115"), lit("YYYYMMDD"))).toBe("2024-01-15");
  });
  it("select to_date('Jan 15, 2024', 'Mon DD, YYYY')", () => {
    expect(callFn("to_date", lit("Jan 15, 2024"), lit("Mon DD, YYYY"))).toBe("2024-01-15");
  });
  it("select to_date('15 January 2024', 'DD Month YYYY')", () => {
    expect(callFn("to_date", lit("15 January 2024"), lit("DD Month YYYY"))).toBe("2024-01-15");
  });
  it("select to_date('2024-13-15', 'YYYY-MM-DD')", () => {
    expect(callFn("to_date", lit("2024-13-15"), lit("YYYY-MM-DD"))).toBe("ERROR 22008: date/time field value out of range: \"2024-13-15\"");
  });
  it("select to_timestamp('2024-01-15 10:30:45', 'YYYY-MM-DD HH24:MI:SS')", () => {
    expect(callFn("to_timestamp", lit("2024-01-15 10:30:45"), lit("YYYY-MM-DD HH24:MI:SS"))).toBe("2024-01-15 10:30:45+00");
  });
  it("select to_timestamp('Jan 15 2024 10:30 PM', 'Mon DD YYYY HH:MI AM')", () => {
    expect(callFn("to_timestamp", lit("Jan 15 2024 10:30 PM"), lit("Mon DD YYYY HH:MI AM"))).toBe("2024-01-15 22:30:00+00");
  });
  it("select to_timestamp('2024-01-15 10:30:45.123', 'YYYY-MM-DD HH24:MI:SS.MS')", () => {
    expect(callFn("to_timestamp", lit("2024-01-15 10:30:45.123"), lit("YYYY-MM-DD HH24:MI:SS.MS"))).toBe("2024-01-15 10:30:45.123+00");
  });
  it("select to_timestamp('2024-01-15 10:30:45.5', 'YYYY-MM-DD HH24:MI:SS.US')", () => {
    expect(callFn("to_timestamp", lit("2024-01-15 10:30:45.5"), lit("YYYY-MM-DD HH24:MI:SS.US"))).toBe("2024-01-15 10:30:45.5+00");
  });
  it("select to_number('12,454.8-', '99G999D9S')", () => {
    expect(callFn("to_number", lit("12,454.8-"), lit("99G999D9S"))).toBe("-12454.8");
  });
  it("select to_char(-12, 'PL999')", () => {
    expect(callFn("to_char", i4(-12), lit("PL999"))).toBe("  -12");
  });
  it("select to_char(12, 'PL999')", () => {
    expect(callFn("to_char", i4(12), lit("PL999"))).toBe("+  12");
  });
  it("select to_char(12, '999PL')", () => {
    expect(callFn("to_char", i4(12), lit("999PL"))).toBe("  12+");
  });
  it("select to_char(-12, '999PL')", () => {
    expect(callFn("to_char", i4(-12), lit("999PL"))).toBe(" -12 ");
  });
  it("select to_char(-12, 'SG999')", () => {
    expect(callFn("to_char", i4(-12), lit("SG999"))).toBe("- 12");
  });
  it("select to_char(12, '999SG')", () => {
    expect(callFn("to_char", i4(12), lit("999SG"))).toBe(" 12+");
  });
  it("select to_char(-12, 'MI999')", () => {
    expect(callFn("to_char", i4(-12), lit("MI999"))).toBe("- 12");
  });
  it("select to_char(12, 'MI999')", () => {
    expect(callFn("to_char", i4(12), lit("MI999"))).toBe("  12");
  });
  it("select to_char(12, '999PR')", () => {
    expect(callFn("to_char", i4(12), lit("999PR"))).toBe("  12 ");
  });
  it("select to_char(-12, 'FM999PR')", () => {
    expect(callFn("to_char", i4(-12), lit("FM999PR"))).toBe("<12>");
  });
  it("select to_char(-12, 'FMS999')", () => {
    expect(callFn("to_char", i4(-12), lit("FMS999"))).toBe("-12");
  });
  it("select to_char(-12, '999S')", () => {
    expect(callFn("to_char", i4(-12), lit("999S"))).toBe(" 12-");
  });
  it("select to_char(12, 'FM999MI')", () => {
    expect(callFn("to_char", i4(12), lit("FM999MI"))).toBe("12");
  });
  it("select to_char(-5.5, 'FM999.99PR')", () => {
    expect(callFn("to_char", num("-5.5"), lit("FM999.99PR"))).toBe("<5.5>");
  });
  it("select to_char(12, '9G999')", () => {
    expect(callFn("to_char", i4(12), lit("9G999"))).toBe("    12");
  });
  it("select to_char(-12, 'FM9G999')", () => {
    expect(callFn("to_char", i4(-12), lit("FM9G999"))).toBe("-12");
  });
  it("select to_char(12345.678, '99.99')", () => {
    expect(callFn("to_char", num("12345.678"), lit("99.99"))).toBe(" ##.##");
  });
  it("select to_char(1.5, '\"Total: \"9.9')", () => {
    expect(callFn("to_char", num("1.5"), lit("\"Total: \"9.9"))).toBe("Total:  1.5");
  });
});
