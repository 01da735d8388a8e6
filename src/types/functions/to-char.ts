// to_char / to_date / to_timestamp(text, text): Postgres's formatting.c templates, the common
// subset. Date/time: HH HH12 HH24 MI SS MS US FF1-6 SSSS(S) AM PM A.M. P.M. Y,YYY YYYY YYY YY Y
// IYYY IYY IY I BC AD B.C. A.D. MONTH Month month MON Mon mon MM DAY Day day DY Dy dy DDD IDDD DD
// D ID W WW IW CC J Q RM rm TZ TZH TZM OF, with FM/TM/FX prefixes, TH/th suffixes, "quoted text"
// and \" escapes. Number templates are in number-format.ts.

import { Types } from "../data-type.js";
import { SqlError, SqlState } from "../errors.js";
import { Decimal } from "../numeric.js";
import { Interval } from "../interval.js";
import {
  CIVIL,
  USECS_PER_DAY,
  USECS_PER_HOUR,
  USECS_PER_MINUTE,
  USECS_PER_SEC,
  civilFromDays,
  dayOfWeek,
  daysFromCivil,
  daysInMonth,
  formatOffset,
  localToUtc,
  utcToLocal,
  zoneOffsetSeconds,
} from "../datetime.js";
import { defineFunction } from "./registry.js";
import { exactDecimal, formatNumber, ordinal } from "./number-format.js";

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const ROMAN_MONTHS = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"];

/** Keywords, longest first; `ci` = also matched case-insensitively. */
const DT_KEYWORDS: { k: string; ci: boolean }[] = [
  "Y,YYY", "A.D.", "A.M.", "B.C.", "P.M.", "a.d.", "a.m.", "b.c.", "p.m.", "HH24", "HH12", "IDDD", "IYYY", "YYYY",
  "SSSSS", "SSSS", "MONTH", "Month", "month", "FF1", "FF2", "FF3", "FF4", "FF5", "FF6", "DAY", "Day", "day", "DDD", "IYY",
  "YYY", "MON", "Mon", "mon", "TZH", "TZM", "AD", "ad", "AM", "am", "BC", "bc", "PM", "pm", "CC", "DD", "DY", "Dy", "dy",
  "HH", "ID", "IW", "IY", "MI", "MM", "MS", "OF", "RM", "rm", "SS", "TZ", "tz", "US", "WW", "YY", "D", "I", "J", "Q", "W", "Y",
].map((k) => ({ k, ci: !/^(MONTH|Month|month|DAY|Day|day|MON|Mon|mon|DY|Dy|dy|AM|am|PM|pm|AD|ad|BC|bc|A\.M\.|a\.m\.|P\.M\.|p\.m\.|A\.D\.|a\.d\.|B\.C\.|b\.c\.|RM|rm|TZ|tz)$/.test(k) }));

type Token = { kind: "lit"; text: string } | { kind: "kw"; k: string; fm: boolean; th: "" | "TH" | "th" };

const FORMAT_CACHE = new Map<string, Token[]>();

function tokenizeDateFormat(fmt: string): Token[] {
  let cached = FORMAT_CACHE.get(fmt);
  if (cached !== undefined) return cached;
  const out: Token[] = [];
  let i = 0;
  while (i < fmt.length) {
    let fm = false;
    for (;;) {
      const p = fmt.slice(i, i + 2).toUpperCase();
      if (p === "FM") {
        fm = true;
        i += 2;
      } else if (p === "TM" || p === "FX") i += 2;
      else break;
    }
    if (i >= fmt.length) break;
    const c = fmt[i];
    if (c === '"') {
      let j = i + 1;
      let s = "";
      while (j < fmt.length && fmt[j] !== '"') {
        if (fmt[j] === "\\" && j + 1 < fmt.length) j++;
        s += fmt[j++];
      }
      out.push({ kind: "lit", text: s });
      i = j + 1;
      continue;
    }
    if (c === "\\" && fmt[i + 1] === '"') {
      // only \" is an escape outside quotes; other backslashes print as themselves
      out.push({ kind: "lit", text: '"' });
      i += 2;
      continue;
    }
    let matched: string | null = null;
    for (const { k, ci } of DT_KEYWORDS) {
      const s = fmt.slice(i, i + k.length);
      if (s === k || (ci && s.toUpperCase() === k)) {
        matched = k;
        break;
      }
    }
    if (matched === null) {
      out.push({ kind: "lit", text: c });
      i++;
      continue;
    }
    i += matched.length;
    let th: "" | "TH" | "th" = "";
    const suf = fmt.slice(i, i + 2);
    if (suf === "TH" || suf === "th") {
      th = suf;
      i += 2;
    }
    out.push({ kind: "kw", k: matched, fm, th });
  }
  if (FORMAT_CACHE.size > 1000) FORMAT_CACHE.clear();
  FORMAT_CACHE.set(fmt, out);
  return out;
}

function pad(n: number, width: number, fm: boolean): string {
  const neg = n < 0;
  let s = String(Math.abs(n));
  if (!fm && s.length < width) s = "0".repeat(width - s.length) + s;
  return neg ? "-" + s : s;
}

function caseAs(k: string, s: string): string {
  if (k === k.toUpperCase()) return s.toUpperCase();
  if (k === k.toLowerCase()) return s.toLowerCase();
  return s;
}

function isoYearWeek(days: number): [number, number] {
  const dow = (dayOfWeek(days) + 6) % 7;
  const thursday = days - dow + 3;
  civilFromDays(thursday);
  const y = CIVIL[0];
  return [y, Math.floor((thursday - daysFromCivil(y, 1, 1)) / 7) + 1];
}

function zoneAbbrev(zone: string, utcUs: number): string {
  try {
    const parts = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "short" }).formatToParts(new Date(utcUs / 1000));
    const name = parts.find((p) => p.type === "timeZoneName")?.value ?? "";
    if (name !== "" && !/^GMT[+-]/.test(name)) return name === "GMT" && zone.toUpperCase() === "UTC" ? "UTC" : name;
  } catch {
    // fixed offsets fall through
  }
  return formatOffset(zoneOffsetSeconds(zone, utcUs));
}

/**
 * to_char for a wall-clock time `local` (µs). `zone`/`utc` are set for timestamptz (TZ, OF);
 * for timestamp values TZ prints nothing and OF prints +00, as Postgres.
 */
export function formatDateTime(local: number, fmt: string, zone: string | null, utc: number): string {
  const days = Math.floor(local / USECS_PER_DAY);
  const time = local - days * USECS_PER_DAY;
  civilFromDays(days);
  const ay = CIVIL[0];
  const mon = CIVIL[1];
  const mday = CIVIL[2];
  const bc = ay <= 0;
  const year = bc ? 1 - ay : ay;
  const hour = Math.floor(time / USECS_PER_HOUR);
  const min = Math.floor(time / USECS_PER_MINUTE) % 60;
  const sec = Math.floor(time / USECS_PER_SEC) % 60;
  const usec = time % USECS_PER_SEC;
  const dow = dayOfWeek(days);
  const doy = days - daysFromCivil(ay, 1, 1) + 1;
  let out = "";
  for (const t of tokenizeDateFormat(fmt)) {
    if (t.kind === "lit") {
      out += t.text;
      continue;
    }
    const fm = t.fm;
    let s: string;
    let num: number | null = null;
    switch (t.k.toUpperCase()) {
      case "HH":
      case "HH12":
        num = hour % 12 === 0 ? 12 : hour % 12;
        s = pad(num, 2, fm);
        break;
      case "HH24":
        num = hour;
        s = pad(hour, 2, fm);
        break;
      case "MI":
        num = min;
        s = pad(min, 2, fm);
        break;
      case "SS":
        num = sec;
        s = pad(sec, 2, fm);
        break;
      case "MS":
        num = Math.floor(usec / 1000);
        s = pad(num, 3, fm);
        break;
      case "US":
        num = usec;
        s = pad(usec, 6, fm);
        break;
      case "FF1":
      case "FF2":
      case "FF3":
      case "FF4":
      case "FF5":
      case "FF6": {
        const n = Number(t.k[2]);
        num = Math.floor(usec / 10 ** (6 - n));
        s = pad(num, n, fm);
        break;
      }
      case "SSSS":
      case "SSSSS":
        num = Math.floor(time / USECS_PER_SEC);
        s = String(num);
        break;
      case "AM":
      case "PM":
        s = caseAs(t.k, hour >= 12 ? "PM" : "AM");
        break;
      case "A.M.":
      case "P.M.":
        s = caseAs(t.k, hour >= 12 ? "P.M." : "A.M.");
        break;
      case "Y,YYY":
        s = Math.floor(year / 1000) + "," + pad(year % 1000, 3, false);
        break;
      case "YYYY":
        num = year;
        s = pad(year, 4, fm);
        break;
      case "YYY":
        num = year % 1000;
        s = pad(num, 3, fm);
        break;
      case "YY":
        num = year % 100;
        s = pad(num, 2, fm);
        break;
      case "Y":
        num = year % 10;
        s = String(num);
        break;
      case "IYYY":
      case "IYY":
      case "IY":
      case "I": {
        let iy = isoYearWeek(days)[0];
        if (iy <= 0) iy = 1 - iy; // BC years print without sign, as YYYY does
        const w = t.k.length;
        num = w === 4 ? iy : iy % 10 ** w;
        s = pad(num, w, fm);
        break;
      }
      case "BC":
      case "AD":
        s = caseAs(t.k, bc ? "BC" : "AD");
        break;
      case "B.C.":
      case "A.D.":
        s = caseAs(t.k, bc ? "B.C." : "A.D.");
        break;
      case "MONTH":
        s = caseAs(t.k, MONTHS[mon - 1]);
        if (!fm) s = s.padEnd(9);
        break;
      case "MON":
        s = caseAs(t.k, MONTHS[mon - 1].slice(0, 3));
        break;
      case "MM":
        num = mon;
        s = pad(mon, 2, fm);
        break;
      case "DAY":
        s = caseAs(t.k, DAYS[dow]);
        if (!fm) s = s.padEnd(9);
        break;
      case "DY":
        s = caseAs(t.k, DAYS[dow].slice(0, 3));
        break;
      case "DDD":
        num = doy;
        s = pad(doy, 3, fm);
        break;
      case "IDDD": {
        const [iy] = isoYearWeek(days);
        const jan4 = daysFromCivil(iy, 1, 4);
        const start = jan4 - ((dayOfWeek(jan4) + 6) % 7);
        num = days - start + 1;
        s = pad(num, 3, fm);
        break;
      }
      case "DD":
        num = mday;
        s = pad(mday, 2, fm);
        break;
      case "D":
        num = dow + 1;
        s = String(num);
        break;
      case "ID":
        num = dow === 0 ? 7 : dow;
        s = String(num);
        break;
      case "W":
        num = Math.floor((mday - 1) / 7) + 1;
        s = String(num);
        break;
      case "WW":
        num = Math.floor((doy - 1) / 7) + 1;
        s = pad(num, 2, fm);
        break;
      case "IW":
        num = isoYearWeek(days)[1];
        s = pad(num, 2, fm);
        break;
      case "CC":
        num = ay > 0 ? Math.floor((ay + 99) / 100) : -Math.floor((99 - (ay - 1)) / 100);
        s = pad(num, 2, fm);
        break;
      case "J":
        num = days + 2440588;
        s = String(num);
        break;
      case "Q":
        num = Math.floor((mon - 1) / 3) + 1;
        s = String(num);
        break;
      case "RM":
        s = caseAs(t.k, ROMAN_MONTHS[mon - 1]);
        if (!fm) s = s.padEnd(4);
        break;
      case "TZ":
        s = zone === null ? "" : caseAs(t.k, zoneAbbrev(zone, utc));
        break;
      case "TZH": {
        const off = zone === null ? 0 : zoneOffsetSeconds(zone, utc);
        s = (off < 0 ? "-" : "+") + pad(Math.floor(Math.abs(off) / 3600), 2, fm);
        break;
      }
      case "TZM": {
        const off = zone === null ? 0 : zoneOffsetSeconds(zone, utc);
        s = pad(Math.floor((Math.abs(off) % 3600) / 60), 2, fm);
        break;
      }
      case "OF":
        s = formatOffset(zone === null ? 0 : zoneOffsetSeconds(zone, utc));
        break;
      default:
        s = t.k;
    }
    if (t.th !== "" && num !== null) s += ordinal(num, t.th === "TH");
    out += s;
  }
  return out;
}

/** to_char(interval, text): the fields of the interval as a pseudo-timestamp. */
function formatIntervalChar(iv: Interval, fmt: string): string {
  // Postgres formats the interval's fields: hours are not wrapped at 24; years/months/days as given
  const t = iv.micros;
  const hours = Math.trunc(t / USECS_PER_HOUR);
  const rest = t - hours * USECS_PER_HOUR;
  let out = "";
  for (const tok of tokenizeDateFormat(fmt)) {
    if (tok.kind === "lit") {
      out += tok.text;
      continue;
    }
    const fm = tok.fm;
    switch (tok.k.toUpperCase()) {
      case "HH24":
        out += pad(hours, 2, fm);
        break;
      case "HH":
      case "HH12":
        out += pad(hours % 12 === 0 ? 12 : hours % 12, 2, fm);
        break;
      case "MI":
        out += pad(Math.trunc(rest / USECS_PER_MINUTE), 2, fm);
        break;
      case "SS":
        out += pad(Math.trunc((rest % USECS_PER_MINUTE) / USECS_PER_SEC), 2, fm);
        break;
      case "MS":
        out += pad(Math.trunc((rest % USECS_PER_SEC) / 1000), 3, fm);
        break;
      case "US":
        out += pad(rest % USECS_PER_SEC, 6, fm);
        break;
      case "DD":
        out += pad(iv.days, 2, fm);
        break;
      case "MM":
        out += pad(iv.months % 12, 2, fm);
        break;
      case "YYYY":
        out += pad(Math.trunc(iv.months / 12), 4, fm);
        break;
      default:
        out += tok.k;
    }
  }
  return out;
}

// ---- parsing (to_date / to_timestamp) ------------------------------------------------------------

function invalidValue(value: string, field: string): SqlError {
  return new SqlError(SqlState.InvalidDatetimeFormat, `invalid value "${value}" for "${field}"`, {
    detail: "Value must be an integer.",
  });
}

interface Parsed {
  year: number | null;
  bc: boolean;
  month: number;
  day: number;
  hour: number;
  min: number;
  sec: number;
  usec: number;
  pm: boolean | null;
  doy: number | null;
  tzOffset: number | null;
  julian: number | null;
}

function parseDateTimeWithFormat(text: string, fmt: string): Parsed {
  const r: Parsed = { year: null, bc: false, month: 1, day: 1, hour: 0, min: 0, sec: 0, usec: 0, pm: null, doy: null, tzOffset: null, julian: null };
  let i = 0;
  const skipSpaces = () => {
    while (i < text.length && text[i] === " ") i++;
  };
  const readInt = (maxLen: number, field: string): number => {
    skipSpaces();
    let j = i;
    if (text[j] === "-" || text[j] === "+") j++;
    const start = j;
    while (j < text.length && j - start < maxLen && text[j] >= "0" && text[j] <= "9") j++;
    if (j === start) throw invalidValue(text.slice(i, i + maxLen), field);
    const v = Number(text.slice(i, j));
    i = j;
    return v;
  };
  const readName = (names: string[], len: number | null, field: string): number => {
    skipSpaces();
    const lower = text.slice(i).toLowerCase();
    for (let k = 0; k < names.length; k++) {
      const n = (len === null ? names[k] : names[k].slice(0, len)).toLowerCase();
      if (lower.startsWith(n)) {
        i += n.length;
        return k;
      }
    }
    throw new SqlError(SqlState.InvalidDatetimeFormat, `invalid value "${text.slice(i, i + (len ?? 9)).trim()}" for "${field}"`, {
      detail: "The given value did not match any of the allowed values for this field.",
    });
  };
  const tokens = tokenizeDateFormat(fmt);
  for (let ti = 0; ti < tokens.length; ti++) {
    const t = tokens[ti];
    if (t.kind === "lit") {
      // separators match any single non-alphanumeric character (or are skipped)
      for (const ch of t.text) {
        if (ch === " ") skipSpaces();
        else if (i < text.length && !/[A-Za-z0-9]/.test(text[i])) i++;
      }
      continue;
    }
    const k = t.k.toUpperCase();
    switch (k) {
      case "YYYY":
      case "IYYY":
        // a year directly followed by another field takes exactly 4 digits (YYYYMMDD)
        r.year = readInt(k === "YYYY" && tokens[ti + 1]?.kind !== "kw" ? 9 : 4, t.k);
        break;
      case "Y,YYY": {
        const a = readInt(3, t.k);
        if (text[i] === ",") i++;
        r.year = a * 1000 + readInt(3, t.k);
        break;
      }
      case "YYY":
      case "IYY": {
        const v = readInt(3, t.k);
        r.year = v < 100 ? v + 2000 : v + 1000;
        break;
      }
      case "YY":
      case "IY": {
        const v = readInt(2, t.k);
        r.year = v < 70 ? 2000 + v : 1900 + v;
        break;
      }
      case "Y":
      case "I":
        r.year = 2000 + readInt(1, t.k);
        break;
      case "MM":
        r.month = readInt(2, t.k);
        break;
      case "MONTH":
        r.month = readName(MONTHS, null, t.k) + 1;
        break;
      case "MON":
        r.month = readName(MONTHS, 3, t.k) + 1;
        break;
      case "RM": {
        skipSpaces();
        const m = /^(xii|xi|x|ix|viii|vii|vi|v|iv|iii|ii|i)/i.exec(text.slice(i));
        if (m === null) throw invalidValue(text.slice(i, i + 4), t.k);
        r.month = ROMAN_MONTHS.indexOf(m[1].toUpperCase()) + 1;
        i += m[1].length;
        break;
      }
      case "DD":
        r.day = readInt(2, t.k);
        break;
      case "DDD":
      case "IDDD":
        r.doy = readInt(3, t.k);
        break;
      case "DAY":
        readName(DAYS, null, t.k);
        break;
      case "DY":
        readName(DAYS, 3, t.k);
        break;
      case "D":
      case "ID":
        readInt(1, t.k);
        break;
      case "HH":
      case "HH12":
      case "HH24":
        r.hour = readInt(2, t.k);
        if (k !== "HH24" && (r.hour < 1 || r.hour > 12)) {
          throw new SqlError(SqlState.InvalidDatetimeFormat, `hour "${r.hour}" is invalid for the 12-hour clock`, {
            hint: "Use the 24-hour clock, or give an hour between 1 and 12.",
          });
        }
        if (k !== "HH24" && r.pm === null) r.pm = false;
        break;
      case "MI":
        r.min = readInt(2, t.k);
        break;
      case "SS":
        r.sec = readInt(2, t.k);
        break;
      case "MS":
      case "FF1":
      case "FF2":
      case "FF3":
      case "FF4":
      case "FF5":
      case "FF6":
      case "US": {
        skipSpaces();
        const width = k === "MS" ? 3 : k === "US" ? 6 : Number(k[2]);
        const m = new RegExp(`^\\d{1,${width}}`).exec(text.slice(i));
        if (m === null) throw invalidValue(text.slice(i, i + width), t.k);
        i += m[0].length;
        const scale = k === "MS" ? 1000 : 10 ** (6 - m[0].length);
        r.usec = k === "MS" ? Number(m[0].padEnd(3, "0")) * 1000 : Number(m[0]) * scale;
        break;
      }
      case "SSSS":
      case "SSSSS": {
        const s = readInt(5, t.k);
        r.hour = Math.floor(s / 3600);
        r.min = Math.floor(s / 60) % 60;
        r.sec = s % 60;
        break;
      }
      case "AM":
      case "PM":
      case "A.M.":
      case "P.M.": {
        skipSpaces();
        const m = /^(a\.?m\.?|p\.?m\.?)/i.exec(text.slice(i));
        if (m === null) throw invalidValue(text.slice(i, i + 2), t.k);
        r.pm = m[1][0].toLowerCase() === "p";
        i += m[1].length;
        break;
      }
      case "BC":
      case "AD":
      case "B.C.":
      case "A.D.": {
        skipSpaces();
        const m = /^(b\.?c\.?|a\.?d\.?)/i.exec(text.slice(i));
        if (m === null) throw invalidValue(text.slice(i, i + 2), t.k);
        r.bc = m[1][0].toLowerCase() === "b";
        i += m[1].length;
        break;
      }
      case "J":
        r.julian = readInt(9, t.k);
        break;
      case "TZH": {
        skipSpaces();
        const m = /^([+-])?(\d{1,2})/.exec(text.slice(i));
        if (m === null) throw invalidValue(text.slice(i, i + 3), t.k);
        i += m[0].length;
        r.tzOffset = (m[1] === "-" ? -1 : 1) * Number(m[2]) * 3600 + (r.tzOffset !== null ? r.tzOffset % 3600 : 0);
        break;
      }
      case "TZM": {
        const v = readInt(2, t.k);
        r.tzOffset = (r.tzOffset ?? 0) + (r.tzOffset !== null && r.tzOffset < 0 ? -v : v) * 60;
        break;
      }
      default:
        // CC, Q, W, WW, IW, TZ, OF: consumed, ignored
        skipSpaces();
        while (i < text.length && /[A-Za-z0-9+:-]/.test(text[i])) i++;
    }
  }
  return r;
}

function parsedToLocal(p: Parsed, text: string, withTime: boolean): number {
  let days: number;
  if (p.julian !== null) days = p.julian - 2440588;
  else {
    let y = p.year ?? 1;
    if (p.bc) y = 1 - y;
    if (p.doy !== null) {
      days = daysFromCivil(y, 1, 1) + p.doy - 1;
    } else {
      if (p.month < 1 || p.month > 12 || p.day < 1 || p.day > daysInMonth(y, p.month)) {
        throw new SqlError(SqlState.DatetimeFieldOverflow, `date/time field value out of range: "${text}"`);
      }
      days = daysFromCivil(y, p.month, p.day);
    }
  }
  let hour = p.hour;
  if (p.pm !== null) {
    if (p.pm && hour < 12) hour += 12;
    if (!p.pm && hour === 12) hour = 0;
  }
  if (hour > 24 || p.min > 59 || p.sec > 60) {
    throw new SqlError(SqlState.DatetimeFieldOverflow, `date/time field value out of range: "${text}"`);
  }
  if (!withTime) return days;
  return days * USECS_PER_DAY + hour * USECS_PER_HOUR + p.min * USECS_PER_MINUTE + p.sec * USECS_PER_SEC + p.usec;
}

export function registerToChar(): void {
  const TEXT = Types.text;
  defineFunction({
    name: "to_char", params: [Types.timestamp, TEXT], ret: TEXT, id: "to_char:timestamp",
    impl: (a) => (Number.isFinite(a[0] as number) ? formatDateTime(a[0] as number, a[1] as string, null, a[0] as number) : null),
  });
  defineFunction({
    name: "to_char", params: [Types.timestamptz, TEXT], ret: TEXT, id: "to_char:timestamptz",
    impl: (a, ctx) => {
      const us = a[0] as number;
      if (!Number.isFinite(us)) return null;
      return formatDateTime(utcToLocal(us, ctx.timeZone), a[1] as string, ctx.timeZone, us);
    },
  });
  defineFunction({ name: "to_char", params: [Types.interval, TEXT], ret: TEXT, id: "to_char:interval", impl: (a) => formatIntervalChar(a[0] as Interval, a[1] as string) });
  defineFunction({ name: "to_char", params: [Types.integer, TEXT], ret: TEXT, id: "to_char:int4", impl: (a) => formatNumber(Decimal.fromNumber(a[0] as number), a[1] as string, false) });
  defineFunction({ name: "to_char", params: [Types.bigint, TEXT], ret: TEXT, id: "to_char:int8", impl: (a) => formatNumber(Decimal.fromBigInt(a[0] as bigint), a[1] as string, false) });
  defineFunction({ name: "to_char", params: [Types.numeric, TEXT], ret: TEXT, id: "to_char:numeric", impl: (a) => formatNumber(a[0] as Decimal, a[1] as string, false) });
  const floatChar = (a: unknown[]) => {
    const x = a[0] as number;
    if (!Number.isFinite(x)) return formatNumber(Decimal.ZERO, a[1] as string, true).replace(/\d/g, "#");
    return formatNumber(exactDecimal(x), a[1] as string, true);
  };
  defineFunction({ name: "to_char", params: [Types.real, TEXT], ret: TEXT, id: "to_char:float4", impl: floatChar });
  defineFunction({ name: "to_char", params: [Types.double, TEXT], ret: TEXT, id: "to_char:float8", impl: floatChar });
  defineFunction({
    name: "to_date", params: [TEXT, TEXT], ret: Types.date, id: "to_date",
    impl: (a) => parsedToLocal(parseDateTimeWithFormat(a[0] as string, a[1] as string), a[0] as string, false),
  });
  defineFunction({
    name: "to_timestamp", params: [TEXT, TEXT], ret: Types.timestamptz, id: "to_timestamp:text",
    impl: (a, ctx) => {
      const p = parseDateTimeWithFormat(a[0] as string, a[1] as string);
      const local = parsedToLocal(p, a[0] as string, true);
      return p.tzOffset !== null ? local - p.tzOffset * USECS_PER_SEC : localToUtc(local, ctx.timeZone);
    },
  });
  defineFunction({
    name: "to_number", params: [TEXT, TEXT], ret: Types.numeric, id: "to_number",
    impl: (a) => {
      const s = (a[0] as string).replace(/[^0-9.+-]/g, "");
      const neg = /-|<.*>/.test(a[0] as string);
      const d = Decimal.tryParse(s.replace(/[+-]/g, ""));
      if (d === null) throw new SqlError(SqlState.InvalidTextRepresentation, `invalid input syntax for type numeric: " "`);
      return neg ? d.neg() : d;
    },
  });
}
