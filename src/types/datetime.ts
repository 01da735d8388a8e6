// Calendar arithmetic, time zones, and the text forms of date, time, timestamp and timestamptz as
// Postgres reads and prints them (DateStyle ISO, MDY; IntervalStyle postgres).
//
// Scalar forms: date = days since 1970-01-01 (int32; ±infinity are INT32_MAX / INT32_MIN as in
// Postgres), time = µs since midnight, timestamp/timestamptz = µs since 1970-01-01 00:00 UTC
// (±Infinity for ±infinity). Calendar is proleptic Gregorian; year 0 is 1 BC.

import { SqlError, SqlState } from "./errors.js";
import { rint } from "./float.js";

export const USECS_PER_SEC = 1_000_000;
export const USECS_PER_MINUTE = 60_000_000;
export const USECS_PER_HOUR = 3_600_000_000;
export const USECS_PER_DAY = 86_400_000_000;
export const DATE_POS_INFINITY = 2147483647;
export const DATE_NEG_INFINITY = -2147483648;

/** Days from 1970-01-01 of the first and last valid dates (4714-11-24 BC .. 5874897-12-31). */
export const MIN_DATE_DAYS = -2440588;
export const MAX_DATE_DAYS = 2147483494 - 2440588 - 1;
/** µs bounds of valid timestamps (4714-11-24 00:00 BC .. 294277-01-01 00:00 exclusive). */
export const MIN_TIMESTAMP = MIN_DATE_DAYS * USECS_PER_DAY;
export const END_TIMESTAMP = 9224318016000000000;

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(y: number, m: number): number {
  return m === 2 && isLeapYear(y) ? 29 : MONTH_DAYS[m - 1];
}

/** Days since 1970-01-01 of a proleptic Gregorian date (astronomical year: 0 = 1 BC). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (m + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Scratch output of civilFromDays: [year, month, day] (reused to avoid per-call allocation). */
export const CIVIL = new Int32Array(3);

/** Fills CIVIL with the (astronomical) year, month and day of a day number. */
export function civilFromDays(days: number): Int32Array {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  CIVIL[0] = yoe + era * 400 + (m <= 2 ? 1 : 0);
  CIVIL[1] = m;
  CIVIL[2] = d;
  return CIVIL;
}

/** Day of week, 0 = Sunday. */
export function dayOfWeek(days: number): number {
  const r = (days + 4) % 7;
  return r < 0 ? r + 7 : r;
}

/** floor(a / b) and the non-negative remainder, for µs ↔ days. */
export function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

export function isFiniteDate(days: number): boolean {
  return days !== DATE_POS_INFINITY && days !== DATE_NEG_INFINITY;
}

// ---- output ---------------------------------------------------------------------------------

function pad2(n: number): string {
  return n < 10 ? "0" + n : String(n);
}

function padYear(y: number): string {
  const s = String(y);
  return s.length >= 4 ? s : "0000".slice(s.length) + s;
}

/** "YYYY-MM-DD" plus " BC" when needed (without the BC suffix in `parts`). */
function ymd(days: number): { text: string; bc: boolean } {
  const c = civilFromDays(days);
  let y = c[0];
  const bc = y <= 0;
  if (bc) y = 1 - y;
  return { text: padYear(y) + "-" + pad2(c[1]) + "-" + pad2(c[2]), bc };
}

export function formatDate(days: number): string {
  if (days === DATE_POS_INFINITY) return "infinity";
  if (days === DATE_NEG_INFINITY) return "-infinity";
  const r = ymd(days);
  return r.bc ? r.text + " BC" : r.text;
}

/** "HH:MM:SS" with the fraction printed without trailing zeros. */
export function formatTime(us: number): string {
  const h = Math.floor(us / USECS_PER_HOUR);
  let rest = us - h * USECS_PER_HOUR;
  const m = Math.floor(rest / USECS_PER_MINUTE);
  rest -= m * USECS_PER_MINUTE;
  const s = Math.floor(rest / USECS_PER_SEC);
  const f = rest - s * USECS_PER_SEC;
  return pad2(h) + ":" + pad2(m) + ":" + pad2(s) + formatFraction(f);
}

/** ".123" for 123000 µs; "" for 0. */
export function formatFraction(us: number): string {
  if (us === 0) return "";
  let s = String(us);
  s = "000000".slice(s.length) + s;
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 48) end--;
  return "." + s.slice(0, end);
}

export function formatTimestamp(us: number): string {
  if (us === Infinity) return "infinity";
  if (us === -Infinity) return "-infinity";
  const days = Math.floor(us / USECS_PER_DAY);
  const r = ymd(days);
  const t = formatTime(us - days * USECS_PER_DAY);
  return r.text + " " + t + (r.bc ? " BC" : "");
}

/** "+HH", "+HH:MM" or "+HH:MM:SS" for an offset in seconds east of UTC. */
export function formatOffset(offsetSec: number): string {
  const sign = offsetSec < 0 ? "-" : "+";
  let a = Math.abs(offsetSec);
  const h = Math.floor(a / 3600);
  a -= h * 3600;
  const m = Math.floor(a / 60);
  const s = a - m * 60;
  let out = sign + pad2(h);
  if (m !== 0 || s !== 0) out += ":" + pad2(m);
  if (s !== 0) out += ":" + pad2(s);
  return out;
}

export function formatTimestamptz(us: number, zone = "UTC"): string {
  if (us === Infinity) return "infinity";
  if (us === -Infinity) return "-infinity";
  const off = zoneOffsetSeconds(zone, us);
  const local = us + off * USECS_PER_SEC;
  const days = Math.floor(local / USECS_PER_DAY);
  const r = ymd(days);
  const t = formatTime(local - days * USECS_PER_DAY);
  return r.text + " " + t + formatOffset(off) + (r.bc ? " BC" : "");
}

// ---- time zones -----------------------------------------------------------------------------

interface Zone {
  /** fixed offset in seconds east of UTC, or null for a zone with rules (Intl) */
  fixed: number | null;
  fmt: Intl.DateTimeFormat | null;
  cache: Map<number, number>;
}

const ZONES = new Map<string, Zone>();

/** Common abbreviations, as Postgres's default timezone_abbreviations (seconds east of UTC). */
const ABBREVIATIONS: Record<string, number> = {
  utc: 0, gmt: 0, z: 0, zulu: 0, ut: 0, wet: 0, west: 3600, bst: 3600, cet: 3600, cest: 7200,
  met: 3600, mest: 7200, eet: 7200, eest: 10800, msk: 10800, ist: 7200, est: -18000, edt: -14400,
  cst: -21600, cdt: -18000, mst: -25200, mdt: -21600, pst: -28800, pdt: -25200, akst: -32400,
  akdt: -28800, hst: -36000, jst: 32400, kst: 32400, aest: 36000, aedt: 39600, acst: 34200,
  awst: 28800, nzst: 43200, nzdt: 46800, sgt: 28800, hkt: 28800,
};

export function zoneAbbreviationOffset(name: string): number | undefined {
  return ABBREVIATIONS[name.toLowerCase()];
}

function unknownZone(name: string): SqlError {
  return new SqlError(SqlState.InvalidParameterValue, `time zone "${name}" not recognized`);
}

/** Parses "+05", "-08:30", "+0530" (ISO sign: east positive); null if not numeric. */
function parseNumericOffset(s: string): number | null {
  const m = /^([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?$/.exec(s);
  if (m === null) return null;
  const v = Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
  return m[1] === "-" ? -v : v;
}

function getZone(name: string): Zone {
  let z = ZONES.get(name);
  if (z !== undefined) return z;
  const lower = name.trim().toLowerCase();
  let fixed: number | null = null;
  let fmt: Intl.DateTimeFormat | null = null;
  if (lower === "utc" || lower === "gmt" || lower === "z" || lower === "etc/utc" || lower === "etc/gmt" || lower === "zulu" || lower === "universal") {
    fixed = 0;
  } else {
    // POSIX forms as Postgres's TimeZone setting reads them: "+05" and "UTC+05" mean 5 hours WEST
    const posix = /^(?:utc|gmt)?([+-]?)(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?$/.exec(lower);
    if (posix !== null) {
      const v = Number(posix[2]) * 3600 + Number(posix[3] ?? 0) * 60 + Number(posix[4] ?? 0);
      fixed = posix[1] === "-" ? v : -v;
    } else {
      try {
        fmt = new Intl.DateTimeFormat("en-US", {
          timeZone: name.trim(),
          hourCycle: "h23",
          era: "short",
          year: "numeric",
          month: "numeric",
          day: "numeric",
          hour: "numeric",
          minute: "numeric",
          second: "numeric",
        });
      } catch {
        const abbr = ABBREVIATIONS[lower];
        if (abbr === undefined) throw unknownZone(name);
        fixed = abbr;
      }
    }
  }
  z = { fixed, fmt, cache: new Map() };
  if (ZONES.size > 256) ZONES.clear();
  ZONES.set(name, z);
  return z;
}

/** Throws 22023 if the zone is not recognized. */
export function checkTimeZone(name: string): void {
  getZone(name);
}

function intlOffset(fmt: Intl.DateTimeFormat, utcSec: number): number {
  const parts = fmt.formatToParts(new Date(utcSec * 1000));
  let y = 0;
  let mo = 1;
  let d = 1;
  let h = 0;
  let mi = 0;
  let s = 0;
  let bc = false;
  for (const p of parts) {
    switch (p.type) {
      case "year":
        y = Number(p.value);
        break;
      case "month":
        mo = Number(p.value);
        break;
      case "day":
        d = Number(p.value);
        break;
      case "hour":
        h = Number(p.value);
        break;
      case "minute":
        mi = Number(p.value);
        break;
      case "second":
        s = Number(p.value);
        break;
      case "era":
        bc = p.value.startsWith("B");
        break;
    }
  }
  if (bc) y = 1 - y;
  const localSec = daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
  return localSec - utcSec;
}

const BUCKET = 900; // offsets are cached per 15 minutes of UTC time

/** Offset of `zone` (seconds east of UTC) at the UTC instant `utcMicros`. */
export function zoneOffsetSeconds(zone: string, utcMicros: number): number {
  const z = getZone(zone);
  if (z.fixed !== null) return z.fixed;
  if (!Number.isFinite(utcMicros)) return 0;
  const sec = Math.floor(utcMicros / USECS_PER_SEC);
  const bucket = Math.floor(sec / BUCKET);
  const hit = z.cache.get(bucket);
  if (hit !== undefined) return hit;
  const start = bucket * BUCKET;
  const a = intlOffset(z.fmt!, start);
  const b = intlOffset(z.fmt!, start + BUCKET - 1);
  if (a === b) {
    if (z.cache.size > 50000) z.cache.clear();
    z.cache.set(bucket, a);
    return a;
  }
  return intlOffset(z.fmt!, sec);
}

/** The UTC instant of a local wall-clock time in `zone` (Postgres's rules for gaps/overlaps). */
export function localToUtc(localMicros: number, zone: string): number {
  if (!Number.isFinite(localMicros)) return localMicros;
  const z = getZone(zone);
  if (z.fixed !== null) return localMicros - z.fixed * USECS_PER_SEC;
  const day = USECS_PER_DAY;
  const early = zoneOffsetSeconds(zone, localMicros - day) * USECS_PER_SEC;
  const late = zoneOffsetSeconds(zone, localMicros + day) * USECS_PER_SEC;
  if (early === late) {
    const u = localMicros - early;
    const o = zoneOffsetSeconds(zone, u) * USECS_PER_SEC;
    return o === early ? u : localMicros - o;
  }
  const uLate = localMicros - late;
  if (zoneOffsetSeconds(zone, uLate) * USECS_PER_SEC === late) return uLate; // overlap: standard time
  const uEarly = localMicros - early;
  if (zoneOffsetSeconds(zone, uEarly) * USECS_PER_SEC === early) return uEarly;
  return uEarly; // gap: read with the offset in force before the transition
}

/** Local wall-clock µs of a UTC instant in `zone`. */
export function utcToLocal(utcMicros: number, zone: string): number {
  if (!Number.isFinite(utcMicros)) return utcMicros;
  return utcMicros + zoneOffsetSeconds(zone, utcMicros) * USECS_PER_SEC;
}

// ---- input ----------------------------------------------------------------------------------

const MONTHS: Record<string, number> = {
  jan: 1, january: 1, feb: 2, february: 2, mar: 3, march: 3, apr: 4, april: 4, may: 5, jun: 6,
  june: 6, jul: 7, july: 7, aug: 8, august: 8, sep: 9, sept: 9, september: 9, oct: 10,
  october: 10, nov: 11, november: 11, dec: 12, december: 12,
};

const WEEKDAYS = new Set([
  "sun", "sunday", "mon", "monday", "tue", "tues", "tuesday", "wed", "wednesday", "thu", "thur",
  "thurs", "thursday", "fri", "friday", "sat", "saturday",
]);

const ISO_RE = /^(\d{4})-(\d\d)-(\d\d)(?:[ Tt](\d\d):(\d\d)(?::(\d\d)(?:\.(\d{1,9}))?)?\s*([Zz]|[+-]\d\d(?::?\d\d)?)?)?$/;

export type DateTimeKind = "date" | "time" | "timestamp" | "timestamptz";

const KIND_NAME: Record<DateTimeKind, string> = {
  date: "date",
  time: "time",
  timestamp: "timestamp",
  timestamptz: "timestamp with time zone",
};

function badSyntax(kind: DateTimeKind, text: string): SqlError {
  return new SqlError(SqlState.InvalidDatetimeFormat, `invalid input syntax for type ${KIND_NAME[kind]}: "${text}"`);
}

function outOfRange(text: string, hint = false): SqlError {
  return new SqlError(SqlState.DatetimeFieldOverflow, `date/time field value out of range: "${text}"`, hint ? { hint: 'Perhaps you need a different "datestyle" setting.' } : {});
}

/** The fields of a parsed date/time literal. */
export interface ParsedDateTime {
  special: "epoch" | "infinity" | "-infinity" | "now" | "today" | "tomorrow" | "yesterday" | "allballs" | null;
  year: number; // astronomical after BC adjustment; NaN when absent
  month: number;
  day: number;
  hasDate: boolean;
  hasTime: boolean;
  /** µs since midnight (may be 24:00:00) */
  time: number;
  /** seconds east of UTC when the text names a zone/offset */
  offset: number | null;
  zoneName: string | null;
}

/** Postgres-style parsing of date/time input (ParseDateTime + DecodeDateTime, simplified). */
export function parseDateTimeFields(text: string, kind: DateTimeKind): ParsedDateTime {
  const out: ParsedDateTime = {
    special: null, year: NaN, month: NaN, day: NaN, hasDate: false, hasTime: false, time: 0,
    offset: null, zoneName: null,
  };
  const src = text.trim();
  if (src === "") throw badSyntax(kind, text);
  const iso = ISO_RE.exec(src);
  if (iso !== null) {
    // fast path: YYYY-MM-DD[( |T)HH:MM[:SS[.ffffff]]][Z|±HH[:MM]]
    out.year = Number(iso[1]);
    out.month = Number(iso[2]);
    out.day = Number(iso[3]);
    out.hasDate = true;
    if (iso[4] !== undefined) {
      const h = Number(iso[4]);
      const mi = Number(iso[5]);
      const sec = iso[6] === undefined ? 0 : Number(iso[6]);
      const frac = iso[7] ? rint(Number("0." + iso[7]) * USECS_PER_SEC) : 0;
      if (h > 24 || mi > 59 || sec > 60 || (h === 24 && (mi !== 0 || sec !== 0 || frac !== 0))) throw outOfRange(text);
      out.time = h * USECS_PER_HOUR + mi * USECS_PER_MINUTE + sec * USECS_PER_SEC + frac;
      out.hasTime = true;
      if (iso[8] !== undefined) out.offset = iso[8] === "Z" || iso[8] === "z" ? 0 : parseNumericOffset(iso[8]);
    }
    if (out.year === 0) throw outOfRange(text);
    if (out.month < 1 || out.month > 12) throw outOfRange(text, true);
    if (out.day < 1 || out.day > daysInMonth(out.year, out.month)) throw outOfRange(text);
    return out;
  }
  const lower = src.toLowerCase();
  switch (lower) {
    case "epoch":
    case "infinity":
    case "-infinity":
    case "now":
    case "today":
    case "tomorrow":
    case "yesterday":
    case "allballs":
      out.special = lower;
      return out;
    case "+infinity":
      out.special = "infinity";
      return out;
  }
  // split into tokens: whitespace and commas separate; "T" between a date and a time too
  const raw = src.split(/[\s,]+/).filter((t) => t.length > 0);
  const tokens: string[] = [];
  for (const t of raw) {
    const m = /^(\d{4}-\d{1,2}-\d{1,2}|\d{8})[Tt](.+)$/.exec(t);
    if (m !== null) {
      tokens.push(m[1], m[2]);
    } else if (/^[Tt]\d/.test(t) && tokens.length > 0) {
      tokens.push(t.slice(1));
    } else tokens.push(t);
  }
  let bc = false;
  let ampm: "am" | "pm" | null = null;
  const nums: string[] = []; // unclassified numbers (day / year)
  let monthFromName = NaN;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const tl = t.toLowerCase();
    if (/^\d{1,8}([-/.])\d{1,2}\1\d{1,8}$/.test(t) || /^\d{1,8}([-/.])[a-z]{3,9}\1\d{1,8}$/i.test(t) || /^[a-z]{3,9}([-/.])\d{1,2}\1\d{1,8}$/i.test(t)) {
      if (out.hasDate) throw badSyntax(kind, text);
      decodeDate(t, out, text);
      continue;
    }
    if (/^\d{8}$/.test(t) && !out.hasDate) {
      out.year = Number(t.slice(0, 4));
      out.month = Number(t.slice(4, 6));
      out.day = Number(t.slice(6, 8));
      out.hasDate = true;
      continue;
    }
    if (/^j\d+$/.test(tl)) {
      // Julian day number
      const jd = Number(tl.slice(1));
      civilFromDays(jd - 2440588);
      out.year = CIVIL[0];
      out.month = CIVIL[1];
      out.day = CIVIL[2];
      out.hasDate = true;
      continue;
    }
    // a time, possibly with a zone glued on: 10:30:00+02, 10:30Z, 103000 (after a date)
    const tm = /^(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d*))?)?(.*)$/.exec(t) ?? (out.hasDate && !out.hasTime ? /^(\d{2})(\d{2})(\d{2})(?:\.(\d*))?(.*)$/.exec(t) : null);
    if (tm !== null) {
      if (out.hasTime) throw badSyntax(kind, text);
      const h = Number(tm[1]);
      const mi = Number(tm[2]);
      const s = tm[3] === undefined ? 0 : Number(tm[3]);
      const frac = tm[4] ? rint(Number("0." + tm[4]) * USECS_PER_SEC) : 0;
      if (h > 24 || mi > 59 || s > 60 || (h === 24 && (mi !== 0 || s !== 0 || frac !== 0))) throw outOfRange(text);
      out.time = h * USECS_PER_HOUR + mi * USECS_PER_MINUTE + s * USECS_PER_SEC + frac;
      out.hasTime = true;
      const rest = tm[5];
      if (rest !== "") {
        const off = rest.toLowerCase() === "z" ? 0 : parseNumericOffset(rest);
        if (off === null) throw badSyntax(kind, text);
        out.offset = off;
      }
      continue;
    }
    if (tl === "bc") {
      bc = true;
      continue;
    }
    if (tl === "ad") continue;
    if (tl === "am" || tl === "a.m." || tl === "pm" || tl === "p.m.") {
      ampm = tl[0] === "a" ? "am" : "pm";
      continue;
    }
    if (tl === "at" || tl === "on") continue;
    if (MONTHS[tl] !== undefined) {
      if (!Number.isNaN(monthFromName)) throw badSyntax(kind, text);
      monthFromName = MONTHS[tl];
      continue;
    }
    if (WEEKDAYS.has(tl)) continue;
    if (/^\d+$/.test(t)) {
      nums.push(t);
      continue;
    }
    // zones: +02, -05:30, Z, UTC, abbreviations, IANA names
    if (/^[+-]\d/.test(t)) {
      const off = parseNumericOffset(t);
      if (off === null || out.offset !== null) throw badSyntax(kind, text);
      out.offset = off;
      continue;
    }
    if (/^[a-z]/i.test(t)) {
      if (out.offset !== null || out.zoneName !== null) throw badSyntax(kind, text);
      const abbr = ABBREVIATIONS[tl];
      if (abbr !== undefined) {
        out.offset = abbr;
        continue;
      }
      if (t.includes("/")) {
        try {
          getZone(t);
        } catch {
          throw badSyntax(kind, text);
        }
        out.zoneName = t;
        continue;
      }
    }
    throw badSyntax(kind, text);
  }
  if (!Number.isNaN(monthFromName)) {
    if (out.hasDate) throw badSyntax(kind, text);
    // Mon DD YYYY, DD Mon YYYY, Month DD, YYYY, YYYY Mon DD
    out.month = monthFromName;
    if (nums.length !== 2) throw badSyntax(kind, text);
    const [a, b] = nums;
    if (a.length > 2) {
      out.year = Number(a);
      out.day = Number(b);
    } else {
      out.day = Number(a);
      out.year = Number(b);
    }
    out.hasDate = true;
  } else if (nums.length > 0) {
    throw badSyntax(kind, text);
  }
  if (ampm !== null) {
    if (!out.hasTime) throw badSyntax(kind, text);
    const h = Math.floor(out.time / USECS_PER_HOUR);
    if (h > 12) throw outOfRange(text);
    if (ampm === "pm" && h < 12) out.time += 12 * USECS_PER_HOUR;
    if (ampm === "am" && h === 12) out.time -= 12 * USECS_PER_HOUR;
  }
  if (out.hasDate) {
    if (bc) {
      if (out.year <= 0) throw outOfRange(text);
      out.year = 1 - out.year;
    } else if (out.year === 0) throw outOfRange(text);
    if (out.month < 1 || out.month > 12) throw outOfRange(text, true);
    if (out.day < 1 || out.day > daysInMonth(out.year, out.month)) throw outOfRange(text);
  } else if (bc) throw badSyntax(kind, text);
  return out;
}

function decodeDate(t: string, out: ParsedDateTime, text: string): void {
  const parts = t.split(/[-/.]/);
  const isNum = (s: string) => /^\d+$/.test(s);
  let y: number;
  let m: number;
  let d: number;
  if (!isNum(parts[1])) {
    // YYYY-Mon-DD or DD-Mon-YYYY
    m = MONTHS[parts[1].toLowerCase()];
    if (m === undefined) throw badSyntax("date", text);
    if (parts[0].length > 2) {
      y = Number(parts[0]);
      d = Number(parts[2]);
    } else {
      d = Number(parts[0]);
      y = Number(parts[2]);
    }
  } else if (!isNum(parts[0])) {
    // Mon-DD-YYYY
    m = MONTHS[parts[0].toLowerCase()];
    if (m === undefined) throw badSyntax("date", text);
    d = Number(parts[1]);
    y = Number(parts[2]);
  } else if (parts[0].length > 2) {
    y = Number(parts[0]);
    m = Number(parts[1]);
    d = Number(parts[2]);
  } else {
    // MDY
    m = Number(parts[0]);
    d = Number(parts[1]);
    y = Number(parts[2]);
    if (parts[2].length <= 2) {
      // two-digit years: 70..99 → 19xx, 00..69 → 20xx
      y = y < 70 ? 2000 + y : 1900 + y;
    }
  }
  out.year = y;
  out.month = m;
  out.day = d;
  out.hasDate = true;
}

/** Current time in µs (for 'now', 'today' input, which Postgres resolves at input time). */
function nowMicros(): number {
  return Date.now() * 1000;
}

function dateRangeCheck(days: number, text: string): number {
  if (days < MIN_DATE_DAYS || days > MAX_DATE_DAYS) {
    throw new SqlError(SqlState.DatetimeFieldOverflow, `date out of range: "${text}"`);
  }
  return days;
}

export function parseDate(text: string, zone = "UTC"): number {
  const f = parseDateTimeFields(text, "date");
  switch (f.special) {
    case "epoch":
      return 0;
    case "infinity":
      return DATE_POS_INFINITY;
    case "-infinity":
      return DATE_NEG_INFINITY;
    case "now":
    case "today":
    case "tomorrow":
    case "yesterday": {
      const today = Math.floor(utcToLocal(nowMicros(), zone) / USECS_PER_DAY);
      return today + (f.special === "tomorrow" ? 1 : f.special === "yesterday" ? -1 : 0);
    }
    case "allballs":
      throw badSyntax("date", text);
  }
  if (!f.hasDate) throw badSyntax("date", text);
  return dateRangeCheck(daysFromCivil(f.year, f.month, f.day), text);
}

export function parseTime(text: string): number {
  const f = parseDateTimeFields(text, "time");
  if (f.special === "allballs") return 0;
  if (f.special === "now") {
    const n = nowMicros();
    return n - Math.floor(n / USECS_PER_DAY) * USECS_PER_DAY;
  }
  if (f.special !== null || !f.hasTime) throw badSyntax("time", text);
  return f.time;
}

function timestampRangeCheck(us: number, text: string): number {
  if (us < MIN_TIMESTAMP || us >= END_TIMESTAMP) {
    throw new SqlError(SqlState.DatetimeFieldOverflow, `timestamp out of range: "${text}"`);
  }
  return us;
}

/** timestamp without time zone: a zone in the text is ignored, as Postgres does. */
export function parseTimestamp(text: string, zone = "UTC"): number {
  const f = parseDateTimeFields(text, "timestamp");
  switch (f.special) {
    case "epoch":
      return 0;
    case "infinity":
      return Infinity;
    case "-infinity":
      return -Infinity;
    case "now":
      return utcToLocal(nowMicros(), zone);
    case "today":
    case "tomorrow":
    case "yesterday": {
      const today = Math.floor(utcToLocal(nowMicros(), zone) / USECS_PER_DAY);
      return (today + (f.special === "tomorrow" ? 1 : f.special === "yesterday" ? -1 : 0)) * USECS_PER_DAY;
    }
    case "allballs":
      throw badSyntax("timestamp", text);
  }
  if (!f.hasDate) throw badSyntax("timestamp", text);
  const us = daysFromCivil(f.year, f.month, f.day) * USECS_PER_DAY + f.time;
  return timestampRangeCheck(us, text);
}

/** timestamptz: no zone in the text means the session zone `zone`. */
export function parseTimestamptz(text: string, zone = "UTC"): number {
  const f = parseDateTimeFields(text, "timestamptz");
  switch (f.special) {
    case "epoch":
      return 0;
    case "infinity":
      return Infinity;
    case "-infinity":
      return -Infinity;
    case "now":
      return nowMicros();
    case "today":
    case "tomorrow":
    case "yesterday": {
      const today = Math.floor(utcToLocal(nowMicros(), zone) / USECS_PER_DAY);
      const local = (today + (f.special === "tomorrow" ? 1 : f.special === "yesterday" ? -1 : 0)) * USECS_PER_DAY;
      return localToUtc(local, zone);
    }
    case "allballs":
      throw badSyntax("timestamptz", text);
  }
  if (!f.hasDate) throw badSyntax("timestamptz", text);
  const local = daysFromCivil(f.year, f.month, f.day) * USECS_PER_DAY + f.time;
  let us: number;
  if (f.offset !== null) us = local - f.offset * USECS_PER_SEC;
  else us = localToUtc(local, f.zoneName ?? zone);
  return timestampRangeCheck(us, text);
}
