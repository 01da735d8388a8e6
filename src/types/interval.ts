// INTERVAL in Postgres's three fields: months, days, and microseconds. The fields keep their own
// signs ('1 mon -1 days' is a valid value). Comparison and hashing use the total span with 30-day
// months and 24-hour days, as Postgres's interval_cmp does; arithmetic follows timestamp.c.

import { SqlError, SqlState } from "./errors.js";
import { USECS_PER_DAY, USECS_PER_HOUR, USECS_PER_MINUTE, USECS_PER_SEC, formatFraction } from "./datetime.js";

const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;
const DAYS_PER_MONTH = 30;
const SECS_PER_DAY = 86400;

function intervalOutOfRange(): SqlError {
  return new SqlError(SqlState.DatetimeFieldOverflow, "interval out of range");
}

function badInterval(text: string): SqlError {
  return new SqlError(SqlState.InvalidDatetimeFormat, `invalid input syntax for type interval: "${text}"`);
}

function fieldOverflow(text: string): SqlError {
  return new SqlError(SqlState.IntervalFieldOverflow, `interval field value out of range: "${text}"`);
}

function rint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function checkInt32(v: number): number {
  if (!(v >= INT32_MIN && v <= INT32_MAX)) throw intervalOutOfRange();
  return v;
}

/** TSROUND: round to 6 decimal places (absorbs float noise in cascaded fractions). */
function tsround(x: number): number {
  return rint(x * 1e6) / 1e6;
}

type Unit = "us" | "ms" | "s" | "min" | "h" | "d" | "w" | "mon" | "y" | "dec" | "c" | "mil";

const UNITS: Record<string, Unit> = {
  microsecond: "us", microseconds: "us", microsecon: "us", usec: "us", usecs: "us", us: "us", useconds: "us",
  millisecond: "ms", milliseconds: "ms", millisecon: "ms", msec: "ms", msecs: "ms", ms: "ms", mseconds: "ms",
  second: "s", seconds: "s", sec: "s", secs: "s", s: "s",
  minute: "min", minutes: "min", min: "min", mins: "min", m: "min",
  hour: "h", hours: "h", hr: "h", hrs: "h", h: "h",
  day: "d", days: "d", d: "d",
  week: "w", weeks: "w", w: "w",
  month: "mon", months: "mon", mon: "mon", mons: "mon",
  year: "y", years: "y", yr: "y", yrs: "y", y: "y",
  decade: "dec", decades: "dec", dec: "dec", decs: "dec",
  century: "c", centuries: "c", cent: "c", c: "c",
  millennium: "mil", millennia: "mil", millenniums: "mil", mil: "mil", mils: "mil",
};

/** Accumulator for parsing. */
class Acc {
  months = 0;
  days = 0;
  micros = 0;
  seen = new Set<string>();

  mark(key: string, text: string): void {
    if (this.seen.has(key)) throw badInterval(text);
    this.seen.add(key);
  }

  fractDays(frac: number, scale: number): void {
    if (frac === 0) return;
    frac *= scale;
    const extra = Math.trunc(frac);
    this.days += extra;
    frac -= extra;
    this.micros += rint(frac * USECS_PER_DAY);
  }

  /** Applies `value` (with its fraction) in `unit`. */
  apply(value: number, unit: Unit, text: string): void {
    const ip = Math.trunc(value);
    const fp = value - ip;
    switch (unit) {
      case "us":
        this.mark("us", text);
        this.micros += rint(value);
        break;
      case "ms":
        this.mark("ms", text);
        this.micros += rint(value * 1000);
        break;
      case "s":
        this.mark("s", text);
        this.micros += ip * USECS_PER_SEC + rint(fp * USECS_PER_SEC);
        break;
      case "min":
        this.mark("min", text);
        this.micros += ip * USECS_PER_MINUTE + rint(fp * USECS_PER_MINUTE);
        break;
      case "h":
        this.mark("h", text);
        this.micros += ip * USECS_PER_HOUR + rint(fp * USECS_PER_HOUR);
        break;
      case "d":
        this.mark("d", text);
        this.days += ip;
        this.micros += rint(fp * USECS_PER_DAY);
        break;
      case "w":
        this.mark("w", text);
        this.days += ip * 7;
        this.fractDays(fp, 7);
        break;
      case "mon":
        this.mark("mon", text);
        this.months += ip;
        this.fractDays(fp, DAYS_PER_MONTH);
        break;
      case "y":
        this.mark("y", text);
        this.months += ip * 12 + rint(fp * 12);
        break;
      case "dec":
        this.mark("dec", text);
        this.months += ip * 120 + rint(fp * 120);
        break;
      case "c":
        this.mark("c", text);
        this.months += ip * 1200 + rint(fp * 1200);
        break;
      case "mil":
        this.mark("mil", text);
        this.months += ip * 12000 + rint(fp * 12000);
        break;
    }
  }
}

const NUMBER_RE = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)([a-z]*)$/;
const TIME_RE = /^([+-]?)(\d+):(\d+)(?::(\d+))?(?:\.(\d*))?$/;

export class Interval {
  constructor(
    readonly months: number,
    readonly days: number,
    /** microseconds (an integer) */
    readonly micros: number,
  ) {}

  static readonly ZERO = new Interval(0, 0, 0);

  static fromMicros(us: number): Interval {
    return new Interval(0, 0, us);
  }

  /** Postgres's interval input: '1 day 02:03:04', '1 year 2 mons', '-1 hour', 'P1DT2H', '@ 1 minute ago'. */
  static parse(text: string): Interval {
    const src = text.trim().toLowerCase();
    if (src === "") throw badInterval(text);
    if (src[0] === "p") return parseIso(src, text);
    const acc = new Acc();
    let tokens = src.split(/\s+/);
    if (tokens[0] === "@") tokens = tokens.slice(1);
    else if (tokens[0].startsWith("@")) tokens[0] = tokens[0].slice(1);
    let ago = false;
    if (tokens.length > 0 && tokens[tokens.length - 1] === "ago") {
      ago = true;
      tokens.pop();
    }
    if (tokens.length === 0) throw badInterval(text);
    for (let i = 0; i < tokens.length; i++) {
      const tok = tokens[i];
      if (tok.includes(":")) {
        parseTimeField(tok, acc, text);
        continue;
      }
      const ym = /^([+-]?)(\d+)-(\d+)$/.exec(tok);
      if (ym !== null) {
        // SQL-standard year-month literal
        acc.mark("y", text);
        acc.mark("mon", text);
        const mon = Number(ym[3]);
        if (mon > 11) throw fieldOverflow(text);
        const total = Number(ym[2]) * 12 + mon;
        acc.months += ym[1] === "-" ? -total : total;
        continue;
      }
      const m = NUMBER_RE.exec(tok);
      if (m === null) throw badInterval(text);
      const value = Number(m[1]);
      if (!Number.isFinite(value)) throw badInterval(text);
      let unitName = m[2];
      if (unitName === "") {
        const next = tokens[i + 1];
        if (next !== undefined && UNITS[next] !== undefined) {
          unitName = next;
          i++;
        } else if (next !== undefined && next.includes(":")) {
          unitName = "d"; // '1 02:03:04': a bare number before a time is days
        } else if (next === undefined) {
          unitName = "s"; // a trailing bare number is seconds
        } else throw badInterval(text);
      }
      const unit = UNITS[unitName];
      if (unit === undefined) throw badInterval(text);
      acc.apply(value, unit, text);
    }
    return finish(acc, ago);
  }

  /** Postgres's default output style (IntervalStyle = postgres). */
  toString(): string {
    const year = Math.trunc(this.months / 12);
    const mon = this.months % 12;
    const mday = this.days;
    let out = "";
    let isZero = true;
    let isBefore = false;
    const part = (value: number, unit: string): void => {
      if (value === 0) return;
      out += (isZero ? "" : " ") + (isBefore && value > 0 ? "+" : "") + value + " " + unit + (value !== 1 ? "s" : "");
      isBefore = value < 0;
      isZero = false;
    };
    part(year, "year");
    part(mon, "mon");
    part(mday, "day");
    const t = this.micros;
    if (isZero || t !== 0) {
      const neg = t < 0;
      const a = Math.abs(t);
      const hour = Math.floor(a / USECS_PER_HOUR);
      let rest = a - hour * USECS_PER_HOUR;
      const min = Math.floor(rest / USECS_PER_MINUTE);
      rest -= min * USECS_PER_MINUTE;
      const sec = Math.floor(rest / USECS_PER_SEC);
      const frac = rest - sec * USECS_PER_SEC;
      out +=
        (isZero ? "" : " ") +
        (neg ? "-" : isBefore ? "+" : "") +
        (hour < 10 ? "0" + hour : String(hour)) +
        ":" +
        (min < 10 ? "0" + min : String(min)) +
        ":" +
        (sec < 10 ? "0" + sec : String(sec)) +
        formatFraction(frac);
    }
    return out;
  }

  toJSON(): string {
    return this.toString();
  }

  /** The ISO 8601 form Postgres's IntervalStyle iso_8601 prints ('P1Y2M3DT4H5M6S'). */
  toISOString(): string {
    const y = Math.trunc(this.months / 12);
    const mo = this.months % 12;
    if (this.months === 0 && this.days === 0 && this.micros === 0) return "PT0S";
    let s = "P";
    if (y !== 0) s += y + "Y";
    if (mo !== 0) s += mo + "M";
    if (this.days !== 0) s += this.days + "D";
    if (this.micros !== 0) {
      s += "T";
      const neg = this.micros < 0;
      let a = Math.abs(this.micros);
      const h = Math.floor(a / USECS_PER_HOUR);
      a -= h * USECS_PER_HOUR;
      const mi = Math.floor(a / USECS_PER_MINUTE);
      a -= mi * USECS_PER_MINUTE;
      const sign = neg ? "-" : "";
      if (h !== 0) s += sign + h + "H";
      if (mi !== 0) s += sign + mi + "M";
      if (a !== 0) {
        const sec = Math.floor(a / USECS_PER_SEC);
        s += sign + sec + formatFraction(a - sec * USECS_PER_SEC) + "S";
      }
    }
    return s;
  }

  // ---- arithmetic -----------------------------------------------------------------------------

  neg(): Interval {
    return new Interval(checkInt32(-this.months), checkInt32(-this.days), -this.micros || 0);
  }

  add(o: Interval): Interval {
    return new Interval(checkInt32(this.months + o.months), checkInt32(this.days + o.days), this.micros + o.micros);
  }

  sub(o: Interval): Interval {
    return new Interval(checkInt32(this.months - o.months), checkInt32(this.days - o.days), this.micros - o.micros);
  }

  /** interval * float8, cascading fractional months and days down as Postgres's interval_mul. */
  mul(factor: number): Interval {
    if (Number.isNaN(factor)) throw intervalOutOfRange();
    const mDouble = this.months * factor;
    if (!(mDouble >= INT32_MIN && mDouble <= INT32_MAX)) throw intervalOutOfRange();
    const months = Math.trunc(mDouble);
    const dDouble = this.days * factor;
    if (!(dDouble >= INT32_MIN && dDouble <= INT32_MAX)) throw intervalOutOfRange();
    let days = Math.trunc(dDouble);
    const monthRemainderDays = tsround((this.months * factor - months) * DAYS_PER_MONTH);
    let secRemainder = tsround((this.days * factor - days + monthRemainderDays - Math.trunc(monthRemainderDays)) * SECS_PER_DAY);
    if (Math.abs(secRemainder) >= SECS_PER_DAY) {
      days = checkInt32(days + Math.trunc(secRemainder / SECS_PER_DAY));
      secRemainder -= Math.trunc(secRemainder / SECS_PER_DAY) * SECS_PER_DAY;
    }
    days = checkInt32(days + Math.trunc(monthRemainderDays));
    const t = rint(this.micros * factor + secRemainder * USECS_PER_SEC);
    if (!Number.isFinite(t) || Math.abs(t) >= 9.223372036854776e18) throw intervalOutOfRange();
    return new Interval(months, days, t || 0);
  }

  /** interval / float8 (division by zero → 22012). */
  div(factor: number): Interval {
    if (factor === 0) throw new SqlError(SqlState.DivisionByZero, "division by zero");
    if (Number.isNaN(factor)) throw intervalOutOfRange();
    const months = Math.trunc(this.months / factor);
    let days = Math.trunc(this.days / factor);
    const monthRemainderDays = tsround((this.months / factor - months) * DAYS_PER_MONTH);
    let secRemainder = tsround((this.days / factor - days + monthRemainderDays - Math.trunc(monthRemainderDays)) * SECS_PER_DAY);
    if (Math.abs(secRemainder) >= SECS_PER_DAY) {
      days += Math.trunc(secRemainder / SECS_PER_DAY);
      secRemainder -= Math.trunc(secRemainder / SECS_PER_DAY) * SECS_PER_DAY;
    }
    days += Math.trunc(monthRemainderDays);
    const t = rint(this.micros / factor + secRemainder * USECS_PER_SEC);
    return new Interval(months || 0, days || 0, t || 0);
  }

  // ---- comparison -----------------------------------------------------------------------------

  /** Total span in µs with 30-day months (exact while below 2^53, about 285 years). */
  spanMicros(): number {
    return (this.months * DAYS_PER_MONTH + this.days) * USECS_PER_DAY + this.micros;
  }

  cmp(o: Interval): number {
    // compare (whole days, µs remainder) exactly
    const aDays = this.months * DAYS_PER_MONTH + this.days;
    const bDays = o.months * DAYS_PER_MONTH + o.days;
    const aq = Math.floor(this.micros / USECS_PER_DAY);
    const bq = Math.floor(o.micros / USECS_PER_DAY);
    const ad = aDays + aq;
    const bd = bDays + bq;
    if (ad !== bd) return ad < bd ? -1 : 1;
    const ar = this.micros - aq * USECS_PER_DAY;
    const br = o.micros - bq * USECS_PER_DAY;
    return ar < br ? -1 : ar > br ? 1 : 0;
  }

  eq(o: Interval): boolean {
    return this.cmp(o) === 0;
  }

  /** A primitive equal for equal spans (for hashing). */
  key(): number | string {
    const span = this.spanMicros();
    if (Number.isSafeInteger(span)) return span;
    const d = this.months * DAYS_PER_MONTH + this.days;
    const q = Math.floor(this.micros / USECS_PER_DAY);
    return `${d + q}:${this.micros - q * USECS_PER_DAY}`;
  }

  // ---- justify --------------------------------------------------------------------------------

  justifyHours(): Interval {
    let time = this.micros;
    const wholeDay = Math.trunc(time / USECS_PER_DAY);
    time -= wholeDay * USECS_PER_DAY;
    let day = checkInt32(this.days + wholeDay);
    if (day > 0 && time < 0) {
      time += USECS_PER_DAY;
      day--;
    } else if (day < 0 && time > 0) {
      time -= USECS_PER_DAY;
      day++;
    }
    return new Interval(this.months, day, time || 0);
  }

  justifyDays(): Interval {
    let day = this.days;
    const wholeMonth = Math.trunc(day / DAYS_PER_MONTH);
    day -= wholeMonth * DAYS_PER_MONTH;
    let month = checkInt32(this.months + wholeMonth);
    if (month > 0 && day < 0) {
      day += DAYS_PER_MONTH;
      month--;
    } else if (month < 0 && day > 0) {
      day -= DAYS_PER_MONTH;
      month++;
    }
    return new Interval(month, day || 0, this.micros);
  }

  justify(): Interval {
    let month = this.months;
    let day = this.days;
    let time = this.micros;
    if ((day > 0 && time > 0) || (day < 0 && time < 0)) {
      const wm = Math.trunc(day / DAYS_PER_MONTH);
      day -= wm * DAYS_PER_MONTH;
      month = checkInt32(month + wm);
    }
    const wholeDay = Math.trunc(time / USECS_PER_DAY);
    time -= wholeDay * USECS_PER_DAY;
    day += wholeDay;
    const wholeMonth = Math.trunc(day / DAYS_PER_MONTH);
    day -= wholeMonth * DAYS_PER_MONTH;
    month = checkInt32(month + wholeMonth);
    if (month > 0 && (day < 0 || (day === 0 && time < 0))) {
      day += DAYS_PER_MONTH;
      month--;
    } else if (month < 0 && (day > 0 || (day === 0 && time > 0))) {
      day -= DAYS_PER_MONTH;
      month++;
    }
    if (day > 0 && time < 0) {
      time += USECS_PER_DAY;
      day--;
    } else if (day < 0 && time > 0) {
      time -= USECS_PER_DAY;
      day++;
    }
    return new Interval(month || 0, day || 0, time || 0);
  }
}

function parseTimeField(tok: string, acc: Acc, text: string): void {
  const m = TIME_RE.exec(tok);
  if (m === null) throw badInterval(text);
  acc.mark("h", text);
  acc.mark("min", text);
  acc.mark("s", text);
  let h = Number(m[2]);
  let mi = Number(m[3]);
  let s = m[4] === undefined ? 0 : Number(m[4]);
  if (m[4] === undefined && m[5] !== undefined) {
    // 'mm:ss.fff'
    s = mi;
    mi = h;
    h = 0;
  }
  if (mi > 59 || s > 59) throw fieldOverflow(text);
  const frac = m[5] ? rint(Number("0." + m[5]) * USECS_PER_SEC) : 0;
  const us = h * USECS_PER_HOUR + mi * USECS_PER_MINUTE + s * USECS_PER_SEC + frac;
  acc.micros += m[1] === "-" ? -us : us;
}

function finish(acc: Acc, ago: boolean): Interval {
  let { months, days, micros } = acc;
  if (ago) {
    months = -months;
    days = -days;
    micros = -micros;
  }
  checkInt32(months);
  checkInt32(days);
  if (!Number.isFinite(micros) || Math.abs(micros) >= 9.223372036854776e18) throw intervalOutOfRange();
  return new Interval(months || 0, days || 0, micros || 0);
}

/** ISO 8601 durations: 'P1Y2M3DT4H5M6S', 'P1W', and the alternative form 'P0001-02-03T04:05:06'. */
function parseIso(src: string, text: string): Interval {
  const acc = new Acc();
  let body = src.slice(1);
  if (body === "") throw badInterval(text);
  const alt = /^(\d{4})-(\d{2})-(\d{2})(?:t(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?)?$/.exec(body);
  if (alt !== null) {
    acc.months = Number(alt[1]) * 12 + Number(alt[2]);
    acc.days = Number(alt[3]);
    if (alt[4] !== undefined) {
      acc.micros =
        Number(alt[4]) * USECS_PER_HOUR + Number(alt[5]) * USECS_PER_MINUTE + Number(alt[6]) * USECS_PER_SEC +
        (alt[7] ? rint(Number("0." + alt[7]) * USECS_PER_SEC) : 0);
    }
    return finish(acc, false);
  }
  let inTime = false;
  while (body.length > 0) {
    if (body[0] === "t") {
      if (inTime) throw badInterval(text);
      inTime = true;
      body = body.slice(1);
      if (body === "") throw badInterval(text);
      continue;
    }
    const m = /^([+-]?(?:\d+\.?\d*|\.\d+))([a-z])/.exec(body);
    if (m === null) throw badInterval(text);
    const v = Number(m[1]);
    let unit: Unit;
    switch (m[2]) {
      case "y":
        if (inTime) throw badInterval(text);
        unit = "y";
        break;
      case "m":
        unit = inTime ? "min" : "mon";
        break;
      case "w":
        if (inTime) throw badInterval(text);
        unit = "w";
        break;
      case "d":
        if (inTime) throw badInterval(text);
        unit = "d";
        break;
      case "h":
        if (!inTime) throw badInterval(text);
        unit = "h";
        break;
      case "s":
        if (!inTime) throw badInterval(text);
        unit = "s";
        break;
      default:
        throw badInterval(text);
    }
    acc.apply(v, unit, text);
    body = body.slice(m[0].length);
  }
  return finish(acc, false);
}
