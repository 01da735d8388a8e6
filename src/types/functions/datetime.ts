// Date/time operators and functions: date ± integer, timestamp ± interval (month arithmetic clamps
// to the month's last day; timestamptz does its day/month steps in the session time zone),
// differences, now() and friends, date_trunc, extract (numeric) / date_part (double precision),
// date_bin, age, make_*, justify_*, isfinite, to_timestamp(double), AT TIME ZONE (timezone()).

import { DataType, Types } from "../data-type.js";
import { SqlError, SqlState } from "../errors.js";
import { Decimal } from "../numeric.js";
import { Interval } from "../interval.js";
import { rint } from "../float.js";
import {
  CIVIL,
  DATE_NEG_INFINITY,
  DATE_POS_INFINITY,
  END_TIMESTAMP,
  MAX_DATE_DAYS,
  MIN_DATE_DAYS,
  MIN_TIMESTAMP,
  USECS_PER_DAY,
  USECS_PER_HOUR,
  USECS_PER_MINUTE,
  USECS_PER_SEC,
  civilFromDays,
  dayOfWeek,
  daysFromCivil,
  daysInMonth,
  isFiniteDate,
  localToUtc,
  utcToLocal,
  zoneOffsetSeconds,
  checkTimeZone,
} from "../datetime.js";
import { EvalContext, defineFunction, defineOperator } from "./registry.js";
import { binop, prefixop } from "./operators.js";

const D = Types.date;
const T = Types.time;
const TS = Types.timestamp;
const TZ = Types.timestamptz;
const IV = Types.interval;
const I4 = Types.integer;
const F8 = Types.double;
const N = Types.numeric;
const TEXT = Types.text;

export function timestampOutOfRange(): SqlError {
  return new SqlError(SqlState.DatetimeFieldOverflow, "timestamp out of range");
}

function dateOutOfRange(): SqlError {
  return new SqlError(SqlState.DatetimeFieldOverflow, "date out of range");
}

function checkTs(us: number): number {
  if (!(us >= MIN_TIMESTAMP && us < END_TIMESTAMP)) throw timestampOutOfRange();
  return us;
}

function dateToTs(d: number): number {
  if (d === DATE_POS_INFINITY) return Infinity;
  if (d === DATE_NEG_INFINITY) return -Infinity;
  return d * USECS_PER_DAY;
}

/** timestamp (wall clock) + interval, as timestamp_pl_interval. */
export function addIntervalLocal(us: number, iv: Interval): number {
  if (!Number.isFinite(us)) return us;
  if (iv.months !== 0 || iv.days !== 0) {
    let days = Math.floor(us / USECS_PER_DAY);
    const time = us - days * USECS_PER_DAY;
    if (iv.months !== 0) {
      civilFromDays(days);
      let y = CIVIL[0];
      let m = CIVIL[1] + iv.months;
      let d = CIVIL[2];
      y += Math.floor((m - 1) / 12);
      m = ((((m - 1) % 12) + 12) % 12) + 1;
      const dim = daysInMonth(y, m);
      if (d > dim) d = dim;
      days = daysFromCivil(y, m, d);
    }
    days += iv.days;
    us = days * USECS_PER_DAY + time;
  }
  return checkTs(us + iv.micros);
}

/** timestamptz + interval: months and days step in the zone's wall clock, time in absolute µs. */
export function addIntervalZoned(us: number, iv: Interval, zone: string): number {
  if (!Number.isFinite(us)) return us;
  if (iv.months !== 0 || iv.days !== 0) {
    const local = utcToLocal(us, zone);
    const stepped = addIntervalLocal(local, new Interval(iv.months, iv.days, 0));
    us = localToUtc(stepped, zone);
  }
  return checkTs(us + iv.micros);
}

function tsDiff(a: number, b: number): Interval {
  if (!Number.isFinite(a) || !Number.isFinite(b)) {
    throw new SqlError(SqlState.DatetimeFieldOverflow, "cannot subtract infinite timestamps");
  }
  return new Interval(0, 0, a - b).justifyHours();
}

function timeAdd(t: number, micros: number): number {
  let r = (t + micros) % USECS_PER_DAY;
  if (r < 0) r += USECS_PER_DAY;
  return r;
}

function addDays(d: number, n: number): number {
  if (!isFiniteDate(d)) return d;
  const r = d + n;
  if (r < MIN_DATE_DAYS || r > MAX_DATE_DAYS) throw dateOutOfRange();
  return r;
}

function registerOperators(): void {
  binop("+", D, I4, D, "+:date_int4", (d: number, n: number) => addDays(d, n));
  binop("+", I4, D, D, "+:int4_date", (n: number, d: number) => addDays(d, n));
  binop("-", D, I4, D, "-:date_int4", (d: number, n: number) => addDays(d, -n));
  binop("-", D, D, I4, "-:date", (a: number, b: number) => {
    if (!isFiniteDate(a) || !isFiniteDate(b)) throw new SqlError(SqlState.DatetimeFieldOverflow, "cannot subtract infinite dates");
    return a - b;
  });
  binop("+", D, IV, TS, "+:date_interval", (d: number, iv: Interval) => addIntervalLocal(dateToTs(d), iv));
  binop("+", IV, D, TS, "+:interval_date", (iv: Interval, d: number) => addIntervalLocal(dateToTs(d), iv));
  binop("-", D, IV, TS, "-:date_interval", (d: number, iv: Interval) => addIntervalLocal(dateToTs(d), iv.neg()));
  binop("+", D, T, TS, "+:date_time", (d: number, t: number) => checkTs(dateToTs(d) + t));
  binop("+", T, D, TS, "+:time_date", (t: number, d: number) => checkTs(dateToTs(d) + t));

  binop("+", TS, IV, TS, "+:timestamp_interval", addIntervalLocal);
  binop("+", IV, TS, TS, "+:interval_timestamp", (iv: Interval, t: number) => addIntervalLocal(t, iv));
  binop("-", TS, IV, TS, "-:timestamp_interval", (t: number, iv: Interval) => addIntervalLocal(t, iv.neg()));
  binop("-", TS, TS, IV, "-:timestamp", tsDiff);

  const zoned = (f: (args: unknown[], ctx: EvalContext) => unknown) => f;
  defineOperator("binary", {
    name: "+", params: [TZ, IV], ret: TZ, id: "+:timestamptz_interval",
    impl: zoned((a, ctx) => addIntervalZoned(a[0] as number, a[1] as Interval, ctx.timeZone)),
  });
  defineOperator("binary", {
    name: "+", params: [IV, TZ], ret: TZ, id: "+:interval_timestamptz",
    impl: zoned((a, ctx) => addIntervalZoned(a[1] as number, a[0] as Interval, ctx.timeZone)),
  });
  defineOperator("binary", {
    name: "-", params: [TZ, IV], ret: TZ, id: "-:timestamptz_interval",
    impl: zoned((a, ctx) => addIntervalZoned(a[0] as number, (a[1] as Interval).neg(), ctx.timeZone)),
  });
  binop("-", TZ, TZ, IV, "-:timestamptz", tsDiff);

  binop("+", T, IV, T, "+:time_interval", (t: number, iv: Interval) => timeAdd(t, iv.micros));
  binop("+", IV, T, T, "+:interval_time", (iv: Interval, t: number) => timeAdd(t, iv.micros));
  binop("-", T, IV, T, "-:time_interval", (t: number, iv: Interval) => timeAdd(t, -iv.micros));
  binop("-", T, T, IV, "-:time", (a: number, b: number) => new Interval(0, 0, a - b));

  binop("+", IV, IV, IV, "+:interval", (a: Interval, b: Interval) => a.add(b));
  binop("-", IV, IV, IV, "-:interval", (a: Interval, b: Interval) => a.sub(b));
  prefixop("-", IV, IV, "-:interval", (a: Interval) => a.neg());
  prefixop("+", IV, IV, "+:interval", (a: Interval) => a);
  binop("*", IV, F8, IV, "*:interval_float8", (a: Interval, f: number) => a.mul(f));
  binop("*", F8, IV, IV, "*:float8_interval", (f: number, a: Interval) => a.mul(f));
  binop("/", IV, F8, IV, "/:interval_float8", (a: Interval, f: number) => a.div(f));
}

// ---- units ---------------------------------------------------------------------------------------

type UnitName =
  | "microseconds" | "milliseconds" | "second" | "minute" | "hour" | "day" | "week" | "month" | "quarter"
  | "year" | "decade" | "century" | "millennium" | "dow" | "isodow" | "doy" | "isoyear" | "epoch" | "julian"
  | "timezone" | "timezone_hour" | "timezone_minute";

const UNIT_ALIASES: Record<string, UnitName> = {
  microsecond: "microseconds", microseconds: "microseconds", us: "microseconds", usec: "microseconds", usecs: "microseconds", useconds: "microseconds",
  millisecond: "milliseconds", milliseconds: "milliseconds", ms: "milliseconds", msec: "milliseconds", msecs: "milliseconds", mseconds: "milliseconds",
  second: "second", seconds: "second", sec: "second", secs: "second", s: "second",
  minute: "minute", minutes: "minute", min: "minute", mins: "minute", m: "minute",
  hour: "hour", hours: "hour", h: "hour", hr: "hour", hrs: "hour",
  day: "day", days: "day", d: "day",
  week: "week", weeks: "week", w: "week",
  month: "month", months: "month", mon: "month", mons: "month",
  quarter: "quarter", qtr: "quarter",
  year: "year", years: "year", y: "year", yr: "year", yrs: "year",
  decade: "decade", decades: "decade", dec: "decade",
  century: "century", centuries: "century", c: "century", cent: "century",
  millennium: "millennium", millennia: "millennium", mil: "millennium", mils: "millennium",
  dow: "dow", isodow: "isodow", doy: "doy", isoyear: "isoyear", epoch: "epoch", julian: "julian", j: "julian",
  timezone: "timezone", timezone_hour: "timezone_hour", timezone_minute: "timezone_minute",
};

const TYPE_LABEL: Record<string, string> = {
  date: "date",
  time: "time without time zone",
  timestamp: "timestamp without time zone",
  timestamptz: "timestamp with time zone",
  interval: "interval",
};

function unitOf(text: string, typeId: string): UnitName {
  const u = UNIT_ALIASES[text.toLowerCase().trim()];
  if (u === undefined) {
    throw new SqlError(SqlState.InvalidParameterValue, `unit "${text}" not recognized for type ${TYPE_LABEL[typeId]}`);
  }
  return u;
}

/** Units date_trunc does not know at all (extract-only fields). */
function truncUnitOf(text: string, typeId: string): UnitName {
  const u = unitOf(text, typeId);
  if (u === "dow" || u === "isodow" || u === "doy" || u === "isoyear" || u === "epoch" || u === "julian") {
    throw new SqlError(SqlState.InvalidParameterValue, `unit "${text}" not recognized for type ${TYPE_LABEL[typeId]}`);
  }
  return u;
}

function unsupported(text: string, typeId: string): SqlError {
  return new SqlError(SqlState.FeatureNotSupported, `unit "${text}" not supported for type ${TYPE_LABEL[typeId]}`);
}

/** ISO 8601 week-numbering year and week of a day number. */
function isoWeek(days: number): { year: number; week: number } {
  const dow = (dayOfWeek(days) + 6) % 7; // Monday = 0
  const thursday = days - dow + 3;
  civilFromDays(thursday);
  const year = CIVIL[0];
  const jan1 = daysFromCivil(year, 1, 1);
  return { year, week: Math.floor((thursday - jan1) / 7) + 1 };
}

// ---- date_trunc ------------------------------------------------------------------------------------

function truncYear(y: number, u: UnitName): number {
  switch (u) {
    case "millennium":
      return y > 0 ? Math.trunc((y + 999) / 1000) * 1000 - 999 : -Math.trunc((999 - (y - 1)) / 1000) * 1000 + 1;
    case "century":
      return y > 0 ? Math.trunc((y + 99) / 100) * 100 - 99 : -Math.trunc((99 - (y - 1)) / 100) * 100 + 1;
    case "decade":
      return y > 0 ? Math.trunc(y / 10) * 10 : -Math.trunc((8 - (y - 1)) / 10) * 10;
    default:
      return y;
  }
}

/** date_trunc on a wall-clock timestamp. */
export function truncLocal(unitText: string, us: number, typeId: string): number {
  const u = truncUnitOf(unitText, typeId);
  if (!Number.isFinite(us)) return us;
  const days = Math.floor(us / USECS_PER_DAY);
  const time = us - days * USECS_PER_DAY;
  switch (u) {
    case "microseconds":
      return us;
    case "milliseconds":
      return days * USECS_PER_DAY + Math.floor(time / 1000) * 1000;
    case "second":
      return days * USECS_PER_DAY + Math.floor(time / USECS_PER_SEC) * USECS_PER_SEC;
    case "minute":
      return days * USECS_PER_DAY + Math.floor(time / USECS_PER_MINUTE) * USECS_PER_MINUTE;
    case "hour":
      return days * USECS_PER_DAY + Math.floor(time / USECS_PER_HOUR) * USECS_PER_HOUR;
    case "day":
      return days * USECS_PER_DAY;
    case "week":
      return (days - ((dayOfWeek(days) + 6) % 7)) * USECS_PER_DAY;
  }
  civilFromDays(days);
  let y = CIVIL[0];
  let m = CIVIL[1];
  switch (u) {
    case "month":
      break;
    case "quarter":
      m = 3 * Math.floor((m - 1) / 3) + 1;
      break;
    case "year":
    case "decade":
    case "century":
    case "millennium":
      y = truncYear(y, u);
      m = 1;
      break;
    default:
      throw unsupported(unitText, typeId);
  }
  return daysFromCivil(y, m, 1) * USECS_PER_DAY;
}

function truncInterval(unitText: string, iv: Interval): Interval {
  const u = truncUnitOf(unitText, "interval");
  let months = iv.months;
  let days = iv.days;
  let t = iv.micros;
  const truncTo = (unit: number) => Math.trunc(t / unit) * unit;
  switch (u) {
    case "millennium":
      months = Math.trunc(months / 12000) * 12000;
      return new Interval(months, 0, 0);
    case "century":
      return new Interval(Math.trunc(months / 1200) * 1200, 0, 0);
    case "decade":
      return new Interval(Math.trunc(months / 120) * 120, 0, 0);
    case "year":
      return new Interval(Math.trunc(months / 12) * 12, 0, 0);
    case "quarter":
      return new Interval(Math.trunc(months / 12) * 12 + Math.trunc((months % 12) / 3) * 3, 0, 0);
    case "month":
      return new Interval(months, 0, 0);
    case "day":
      return new Interval(months, days, 0);
    case "hour":
      t = truncTo(USECS_PER_HOUR);
      break;
    case "minute":
      t = truncTo(USECS_PER_MINUTE);
      break;
    case "second":
      t = truncTo(USECS_PER_SEC);
      break;
    case "milliseconds":
      t = truncTo(1000);
      break;
    case "microseconds":
      break;
    case "week":
      throw new SqlError(SqlState.FeatureNotSupported, `unit "${unitText}" not supported for type interval`, {
        detail: "Months usually have fractional weeks.",
      });
    default:
      throw unsupported(unitText, "interval");
  }
  days = iv.days;
  return new Interval(months, days, t || 0);
}

// ---- extract / date_part -------------------------------------------------------------------------

const EPOCH_JDATE = 2440588;

/**
 * Field value of a wall-clock timestamp (or date when `isDate`) as a Decimal (extract) —
 * date_part converts it to double. `offsetSec` is set for timestamptz.
 */
function extractLocal(unitText: string, us: number, typeId: string, offsetSec: number | null, utcUs: number): Decimal | null {
  const u = unitOf(unitText, typeId);
  const isDate = typeId === "date";
  if (!Number.isFinite(us)) {
    switch (u) {
      case "epoch":
      case "julian":
      case "year":
      case "isoyear":
      case "decade":
      case "century":
      case "millennium":
        return us > 0 ? Decimal.POSITIVE_INFINITY : Decimal.NEGATIVE_INFINITY;
      default:
        if (isDate && isTimeUnit(u)) throw unsupported(unitText, typeId);
        return null;
    }
  }
  const days = Math.floor(us / USECS_PER_DAY);
  const time = us - days * USECS_PER_DAY;
  const secPart = time % USECS_PER_MINUTE; // µs within the minute
  civilFromDays(days);
  const y = CIVIL[0];
  const m = CIVIL[1];
  const d = CIVIL[2];
  const int = (v: number) => Decimal.fromBigInt(BigInt(v));
  if (isDate && isTimeUnit(u)) throw unsupported(unitText, typeId);
  switch (u) {
    case "microseconds":
      return int(secPart);
    case "milliseconds":
      return Decimal.of(BigInt(secPart), 3);
    case "second":
      return Decimal.of(BigInt(secPart), 6);
    case "minute":
      return int(Math.floor(time / USECS_PER_MINUTE) % 60);
    case "hour":
      return int(Math.floor(time / USECS_PER_HOUR));
    case "day":
      return int(d);
    case "month":
      return int(m);
    case "quarter":
      return int(Math.floor((m - 1) / 3) + 1);
    case "week":
      return int(isoWeek(days).week);
    case "year":
      return int(y > 0 ? y : y - 1);
    case "isoyear": {
      const iy = isoWeek(days).year;
      return int(iy > 0 ? iy : iy - 1);
    }
    case "decade":
      return int(y >= 0 ? Math.trunc(y / 10) : -Math.trunc((8 - (y - 1)) / 10));
    case "century":
      return int(y > 0 ? Math.trunc((y + 99) / 100) : -Math.trunc((99 - (y - 1)) / 100));
    case "millennium":
      return int(y > 0 ? Math.trunc((y + 999) / 1000) : -Math.trunc((999 - (y - 1)) / 1000));
    case "dow":
      return int(dayOfWeek(days));
    case "isodow": {
      const w = dayOfWeek(days);
      return int(w === 0 ? 7 : w);
    }
    case "doy":
      return int(days - daysFromCivil(y, 1, 1) + 1);
    case "julian":
      if (isDate) return int(days + EPOCH_JDATE);
      return int(days + EPOCH_JDATE).add(int(time).div(int(USECS_PER_DAY)));
    case "epoch":
      if (isDate) return Decimal.fromBigInt(BigInt(days) * 86400n);
      return Decimal.of(BigInt(utcUs), 6);
    case "timezone":
    case "timezone_hour":
    case "timezone_minute":
      if (offsetSec === null) throw unsupported(unitText, typeId);
      if (u === "timezone") return int(offsetSec);
      if (u === "timezone_hour") return int(Math.trunc(offsetSec / 3600));
      return int(Math.trunc((offsetSec % 3600) / 60));
  }
}

function isTimeUnit(u: UnitName): boolean {
  return u === "microseconds" || u === "milliseconds" || u === "second" || u === "minute" || u === "hour" || u === "timezone" || u === "timezone_hour" || u === "timezone_minute";
}

function extractTime(unitText: string, t: number): Decimal {
  const u = unitOf(unitText, "time");
  const secPart = t % USECS_PER_MINUTE;
  switch (u) {
    case "microseconds":
      return Decimal.fromBigInt(BigInt(secPart));
    case "milliseconds":
      return Decimal.of(BigInt(secPart), 3);
    case "second":
      return Decimal.of(BigInt(secPart), 6);
    case "minute":
      return Decimal.fromBigInt(BigInt(Math.floor(t / USECS_PER_MINUTE) % 60));
    case "hour":
      return Decimal.fromBigInt(BigInt(Math.floor(t / USECS_PER_HOUR)));
    case "epoch":
      return Decimal.of(BigInt(t), 6);
    default:
      throw unsupported(unitText, "time");
  }
}

function extractInterval(unitText: string, iv: Interval): Decimal {
  const u = unitOf(unitText, "interval");
  const t = iv.micros;
  const int = (v: number) => Decimal.fromBigInt(BigInt(v));
  const secPart = t % USECS_PER_MINUTE;
  const years = Math.trunc(iv.months / 12);
  switch (u) {
    case "microseconds":
      return int(secPart);
    case "milliseconds":
      return Decimal.of(BigInt(secPart), 3);
    case "second":
      return Decimal.of(BigInt(secPart), 6);
    case "minute":
      return int(Math.trunc(t / USECS_PER_MINUTE) % 60);
    case "hour":
      return int(Math.trunc(t / USECS_PER_HOUR));
    case "day":
      return int(iv.days);
    case "month":
      return int(iv.months % 12);
    case "quarter":
      return int(Math.trunc((iv.months % 12) / 3) + 1);
    case "year":
      return int(years);
    case "decade":
      return int(Math.trunc(years / 10));
    case "century":
      return int(Math.trunc(years / 100));
    case "millennium":
      return int(Math.trunc(years / 1000));
    case "epoch": {
      const secs = BigInt(Math.round(365.25 * 86400)) * BigInt(years) + BigInt(30 * 86400) * BigInt(iv.months % 12) + 86400n * BigInt(iv.days);
      return Decimal.of(secs * 1000000n + BigInt(t), 6);
    }
    default:
      throw unsupported(unitText, "interval");
  }
}

function toDouble(d: Decimal | null): number | null {
  return d === null ? null : d.toNumber();
}

function registerExtract(): void {
  const variants: [string, DataType, (field: string, v: unknown, ctx: EvalContext) => Decimal | null][] = [
    ["timestamp", TS, (f, v) => extractLocal(f, v as number, "timestamp", null, v as number)],
    [
      "timestamptz",
      TZ,
      (f, v, ctx) => {
        const us = v as number;
        const off = Number.isFinite(us) ? zoneOffsetSeconds(ctx.timeZone, us) : 0;
        return extractLocal(f, Number.isFinite(us) ? us + off * USECS_PER_SEC : us, "timestamptz", off, us);
      },
    ],
    ["date", D, (f, v) => {
      const d = v as number;
      const us = dateToTs(d);
      return extractLocal(f, us, "date", null, us);
    }],
    ["time", T, (f, v) => extractTime(f, v as number)],
    ["interval", IV, (f, v) => extractInterval(f, v as Interval)],
  ];
  for (const [name, t, fn] of variants) {
    defineFunction({ name: "extract", params: [TEXT, t], ret: N, id: `extract:${name}`, impl: (a, ctx) => fn(a[0] as string, a[1], ctx) });
    // date_part(text, date) is date_part(text, date::timestamp) in Postgres
    const part = name === "date" ? variants[0][2] : fn;
    defineFunction({
      name: "date_part",
      params: [TEXT, t],
      ret: F8,
      id: `date_part:${name}`,
      impl: name === "date" ? (a, ctx) => toDouble(part(a[0] as string, dateToTs(a[1] as number), ctx)) : (a, ctx) => toDouble(part(a[0] as string, a[1], ctx)),
    });
  }
}

// ---- age ----------------------------------------------------------------------------------------

interface Tm {
  y: number;
  m: number;
  d: number;
  us: number; // µs since midnight
}

function toTm(us: number): Tm {
  const days = Math.floor(us / USECS_PER_DAY);
  civilFromDays(days);
  return { y: CIVIL[0], m: CIVIL[1], d: CIVIL[2], us: us - days * USECS_PER_DAY };
}

/** Postgres's timestamp_age on wall-clock values. */
export function age(a: number, b: number): Interval {
  if (!Number.isFinite(a) || !Number.isFinite(b)) throw new SqlError(SqlState.DatetimeFieldOverflow, "cannot subtract infinite timestamps");
  const t1 = toTm(a);
  const t2 = toTm(b);
  let usec = (t1.us % USECS_PER_SEC) - (t2.us % USECS_PER_SEC);
  const s1 = Math.floor(t1.us / USECS_PER_SEC);
  const s2 = Math.floor(t2.us / USECS_PER_SEC);
  let sec = (s1 % 60) - (s2 % 60);
  let min = (Math.floor(s1 / 60) % 60) - (Math.floor(s2 / 60) % 60);
  let hour = Math.floor(s1 / 3600) - Math.floor(s2 / 3600);
  let mday = t1.d - t2.d;
  let mon = t1.m - t2.m;
  let year = t1.y - t2.y;
  const neg = a < b;
  if (neg) {
    usec = -usec;
    sec = -sec;
    min = -min;
    hour = -hour;
    mday = -mday;
    mon = -mon;
    year = -year;
  }
  while (usec < 0) {
    usec += USECS_PER_SEC;
    sec--;
  }
  while (sec < 0) {
    sec += 60;
    min--;
  }
  while (min < 0) {
    min += 60;
    hour--;
  }
  while (hour < 0) {
    hour += 24;
    mday--;
  }
  while (mday < 0) {
    if (neg) mday += daysInMonth(t1.y, t1.m);
    else mday += daysInMonth(t2.y, t2.m);
    mon--;
  }
  while (mon < 0) {
    mon += 12;
    year--;
  }
  if (neg) {
    usec = -usec;
    sec = -sec;
    min = -min;
    hour = -hour;
    mday = -mday;
    mon = -mon;
    year = -year;
  }
  const micros = ((hour * 60 + min) * 60 + sec) * USECS_PER_SEC + usec;
  return new Interval(year * 12 + mon || 0, mday || 0, micros || 0);
}

// ---- constructors -------------------------------------------------------------------------------

function makeDate(y: number, m: number, d: number): number {
  const bad = () =>
    new SqlError(SqlState.DatetimeFieldOverflow, `date field value out of range: ${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`);
  if (y === 0) throw bad();
  const ay = y < 0 ? y + 1 : y;
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(ay, m)) throw bad();
  const days = daysFromCivil(ay, m, d);
  if (days < MIN_DATE_DAYS || days > MAX_DATE_DAYS) throw dateOutOfRange();
  return days;
}

function makeTime(h: number, mi: number, s: number): number {
  if (h < 0 || mi < 0 || mi > 59 || s < 0 || s > 60 || h > 24 || (h === 24 && (mi > 0 || s > 0))) {
    throw new SqlError(SqlState.DatetimeFieldOverflow, `time field value out of range: ${h}:${String(mi).padStart(2, "0")}:${String(s).padStart(2, "0")}`);
  }
  return h * USECS_PER_HOUR + mi * USECS_PER_MINUTE + rint(s * USECS_PER_SEC);
}

function makeInterval(a: unknown[]): Interval {
  const n = (i: number) => (i < a.length ? (a[i] as number) : 0);
  const secs = n(6);
  if (!Number.isFinite(secs)) throw new SqlError(SqlState.DatetimeFieldOverflow, "interval out of range");
  const months = n(0) * 12 + n(1);
  const days = n(2) * 7 + n(3);
  const micros = n(4) * USECS_PER_HOUR + n(5) * USECS_PER_MINUTE + rint(secs * USECS_PER_SEC);
  if (Math.abs(months) > 2147483647 || Math.abs(days) > 2147483647) throw new SqlError(SqlState.DatetimeFieldOverflow, "interval out of range");
  return new Interval(months, days, micros || 0);
}

function registerFunctions(): void {
  const now = (_: unknown[], ctx: EvalContext) => ctx.now;
  for (const name of ["now", "current_timestamp", "transaction_timestamp", "statement_timestamp"]) {
    defineFunction({ name, params: [], ret: TZ, id: name, impl: now });
  }
  defineFunction({ name: "clock_timestamp", params: [], ret: TZ, id: "clock_timestamp", volatile: true, impl: () => Date.now() * 1000 });
  defineFunction({
    name: "current_date", params: [], ret: D, id: "current_date",
    impl: (_, ctx) => Math.floor(utcToLocal(ctx.now, ctx.timeZone) / USECS_PER_DAY),
  });
  const localTime = (_: unknown[], ctx: EvalContext) => {
    const l = utcToLocal(ctx.now, ctx.timeZone);
    return l - Math.floor(l / USECS_PER_DAY) * USECS_PER_DAY;
  };
  defineFunction({ name: "current_time", params: [], ret: T, id: "current_time", impl: localTime });
  defineFunction({ name: "localtime", params: [], ret: T, id: "localtime", impl: localTime });
  defineFunction({ name: "localtimestamp", params: [], ret: TS, id: "localtimestamp", impl: (_, ctx) => utcToLocal(ctx.now, ctx.timeZone) });

  defineFunction({ name: "date_trunc", params: [TEXT, TS], ret: TS, id: "date_trunc:timestamp", impl: (a) => truncLocal(a[0] as string, a[1] as number, "timestamp") });
  defineFunction({
    name: "date_trunc", params: [TEXT, TZ], ret: TZ, id: "date_trunc:timestamptz",
    impl: (a, ctx) => truncZoned(a[0] as string, a[1] as number, ctx.timeZone),
  });
  defineFunction({
    name: "date_trunc", params: [TEXT, TZ, TEXT], ret: TZ, id: "date_trunc:timestamptz_zone",
    impl: (a) => {
      checkTimeZone(a[2] as string);
      return truncZoned(a[0] as string, a[1] as number, a[2] as string);
    },
  });
  defineFunction({ name: "date_trunc", params: [TEXT, IV], ret: IV, id: "date_trunc:interval", impl: (a) => truncInterval(a[0] as string, a[1] as Interval) });

  defineFunction({ name: "date_bin", params: [IV, TS, TS], ret: TS, id: "date_bin:timestamp", impl: (a) => dateBin(a[0] as Interval, a[1] as number, a[2] as number) });
  defineFunction({ name: "date_bin", params: [IV, TZ, TZ], ret: TZ, id: "date_bin:timestamptz", impl: (a) => dateBin(a[0] as Interval, a[1] as number, a[2] as number) });

  defineFunction({ name: "age", params: [TS, TS], ret: IV, id: "age:timestamp", impl: (a) => age(a[0] as number, a[1] as number) });
  defineFunction({
    name: "age", params: [TZ, TZ], ret: IV, id: "age:timestamptz",
    impl: (a, ctx) => age(utcToLocal(a[0] as number, ctx.timeZone), utcToLocal(a[1] as number, ctx.timeZone)),
  });
  defineFunction({
    name: "age", params: [TS], ret: IV, id: "age:timestamp1",
    impl: (a, ctx) => age(Math.floor(utcToLocal(ctx.now, ctx.timeZone) / USECS_PER_DAY) * USECS_PER_DAY, a[0] as number),
  });
  defineFunction({
    name: "age", params: [TZ], ret: IV, id: "age:timestamptz1",
    impl: (a, ctx) => age(Math.floor(utcToLocal(ctx.now, ctx.timeZone) / USECS_PER_DAY) * USECS_PER_DAY, utcToLocal(a[0] as number, ctx.timeZone)),
  });

  defineFunction({ name: "make_date", params: [I4, I4, I4], ret: D, id: "make_date", impl: (a) => makeDate(a[0] as number, a[1] as number, a[2] as number) });
  defineFunction({ name: "make_time", params: [I4, I4, F8], ret: T, id: "make_time", impl: (a) => makeTime(a[0] as number, a[1] as number, a[2] as number) });
  const makeTs = (a: unknown[]) => {
    const d = makeDate(a[0] as number, a[1] as number, a[2] as number);
    return checkTs(d * USECS_PER_DAY + makeTime(a[3] as number, a[4] as number, a[5] as number));
  };
  defineFunction({ name: "make_timestamp", params: [I4, I4, I4, I4, I4, F8], ret: TS, id: "make_timestamp", impl: makeTs });
  defineFunction({ name: "make_timestamptz", params: [I4, I4, I4, I4, I4, F8], ret: TZ, id: "make_timestamptz", impl: (a, ctx) => localToUtc(makeTs(a), ctx.timeZone) });
  defineFunction({
    name: "make_timestamptz", params: [I4, I4, I4, I4, I4, F8, TEXT], ret: TZ, id: "make_timestamptz_zone",
    impl: (a) => {
      checkTimeZone(a[6] as string);
      return localToUtc(makeTs(a), a[6] as string);
    },
  });
  const ivParams = [I4, I4, I4, I4, I4, I4, F8];
  for (let n = 0; n <= 7; n++) {
    defineFunction({ name: "make_interval", params: ivParams.slice(0, n), ret: IV, id: `make_interval${n}`, impl: (a) => makeInterval(a) });
  }
  defineFunction({ name: "justify_days", params: [IV], ret: IV, id: "justify_days", impl: (a) => (a[0] as Interval).justifyDays() });
  defineFunction({ name: "justify_hours", params: [IV], ret: IV, id: "justify_hours", impl: (a) => (a[0] as Interval).justifyHours() });
  defineFunction({ name: "justify_interval", params: [IV], ret: IV, id: "justify_interval", impl: (a) => (a[0] as Interval).justify() });
  defineFunction({ name: "isfinite", params: [D], ret: Types.boolean, id: "isfinite:date", impl: (a) => isFiniteDate(a[0] as number) });
  defineFunction({ name: "isfinite", params: [TS], ret: Types.boolean, id: "isfinite:timestamp", impl: (a) => Number.isFinite(a[0] as number) });
  defineFunction({ name: "isfinite", params: [TZ], ret: Types.boolean, id: "isfinite:timestamptz", impl: (a) => Number.isFinite(a[0] as number) });
  defineFunction({ name: "isfinite", params: [IV], ret: Types.boolean, id: "isfinite:interval", impl: () => true });
  defineFunction({
    name: "to_timestamp", params: [F8], ret: TZ, id: "to_timestamp:float8",
    impl: (a) => {
      const s = a[0] as number;
      if (s !== s) throw new SqlError(SqlState.DatetimeFieldOverflow, "timestamp cannot be NaN");
      if (!Number.isFinite(s)) return s;
      const us = rint(s * USECS_PER_SEC);
      if (!(us >= MIN_TIMESTAMP && us < END_TIMESTAMP)) {
        throw new SqlError(SqlState.DatetimeFieldOverflow, `timestamp out of range: "${s}"`);
      }
      return us;
    },
  });
  // AT TIME ZONE: timezone(zone, timestamp) → timestamptz; timezone(zone, timestamptz) → timestamp
  defineFunction({
    name: "timezone", params: [TEXT, TS], ret: TZ, id: "timezone:timestamp",
    impl: (a) => {
      checkTimeZone(a[0] as string);
      return localToUtc(a[1] as number, a[0] as string);
    },
  });
  defineFunction({
    name: "timezone", params: [TEXT, TZ], ret: TS, id: "timezone:timestamptz",
    impl: (a) => {
      checkTimeZone(a[0] as string);
      return utcToLocal(a[1] as number, a[0] as string);
    },
  });
}

function truncZoned(unit: string, us: number, zone: string): number {
  const u = truncUnitOf(unit, "timestamptz");
  if (!Number.isFinite(us)) return us;
  const local = utcToLocal(us, zone);
  const t = truncLocal(unit, local, "timestamptz");
  // units below a day keep the instant's offset; others re-resolve local midnight in the zone
  if (u === "microseconds" || u === "milliseconds" || u === "second" || u === "minute" || u === "hour") return us - (local - t);
  return localToUtc(t, zone);
}

function dateBin(stride: Interval, source: number, origin: number): number {
  if (!Number.isFinite(source)) return source;
  if (!Number.isFinite(origin)) throw new SqlError(SqlState.FeatureNotSupported, "origin out of range");
  if (stride.months !== 0) {
    throw new SqlError(SqlState.FeatureNotSupported, "timestamps cannot be binned into intervals containing months or years");
  }
  const strideUs = stride.days * USECS_PER_DAY + stride.micros;
  if (strideUs <= 0) throw new SqlError(SqlState.DatetimeFieldOverflow, "stride must be greater than zero");
  const diff = source - origin;
  let bin = diff - (diff % strideUs);
  if (diff < 0 && diff % strideUs !== 0) bin -= strideUs;
  return checkTs(origin + bin);
}

export function registerDatetime(): void {
  registerOperators();
  registerExtract();
  registerFunctions();
}
