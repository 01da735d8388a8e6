// to_char templates for numbers (Postgres's formatting.c NUM_* part): 9 0 . D , G S MI PL SG PR
// FM EEEE RN TH V L and "quoted text". Numeric values round half away from zero; floats are
// converted exactly and round half to even, as printf does in Postgres.

import { Decimal } from "../numeric.js";

export function ordinal(n: number, upper: boolean): string {
  const a = Math.abs(n) % 100;
  let s = "th";
  if (a < 11 || a > 13) {
    const d = a % 10;
    s = d === 1 ? "st" : d === 2 ? "nd" : d === 3 ? "rd" : "th";
  }
  return upper ? s.toUpperCase() : s;
}

interface NumFormat {
  pre: number; // digit positions before the decimal point
  post: number; // digit positions after
  zeroStart: number; // index (from the left, among pre digits) of the first '0', or -1
  postZeros: number; // number of leading '0' positions after the point that must print
  lastPostZero: number; // last '0' position after the point (1-based), 0 if none
  point: boolean;
  fm: boolean;
  sign: "none" | "S" | "MI" | "PL" | "SG" | "PR";
  signAtEnd: boolean;
  eeee: boolean;
  rn: boolean;
  th: "" | "TH" | "th";
  v: number;
  /** layout of the integer part: 'd' digit, ',' group separator, other literal text */
  layout: string[];
  postLayout: string[];
  prefix: string;
  suffix: string;
}

const NUM_CACHE = new Map<string, NumFormat>();

function parseNumFormat(fmt: string): NumFormat {
  let f = NUM_CACHE.get(fmt);
  if (f !== undefined) return f;
  f = {
    pre: 0, post: 0, zeroStart: -1, postZeros: 0, lastPostZero: 0, point: false, fm: false, sign: "none",
    signAtEnd: false, eeee: false, rn: false, th: "", v: 0, layout: [], postLayout: [], prefix: "", suffix: "",
  };
  let i = 0;
  let afterV = false;
  let seenDigit = false;
  while (i < fmt.length) {
    const rest = fmt.slice(i);
    const up = rest.toUpperCase();
    if (up.startsWith("FM")) {
      f.fm = true;
      i += 2;
    } else if (up.startsWith("EEEE")) {
      f.eeee = true;
      i += 4;
    } else if (up.startsWith("RN")) {
      f.rn = true;
      i += 2;
    } else if (rest.startsWith("TH") || rest.startsWith("th")) {
      f.th = rest.startsWith("TH") ? "TH" : "th";
      i += 2;
    } else if (up.startsWith("MI") || up.startsWith("PL") || up.startsWith("SG") || up.startsWith("PR")) {
      f.sign = up.slice(0, 2) as NumFormat["sign"];
      f.signAtEnd = seenDigit;
      i += 2;
    } else if (up[0] === "S") {
      f.sign = "S";
      f.signAtEnd = seenDigit;
      i++;
    } else if (up[0] === "V") {
      afterV = true;
      i++;
    } else if (rest[0] === "9" || rest[0] === "0") {
      seenDigit = true;
      if (afterV) f.v++;
      if (f.point) {
        f.post++;
        f.postLayout.push(rest[0]);
        if (rest[0] === "0") f.lastPostZero = f.post;
      } else if (!afterV) {
        if (rest[0] === "0" && f.zeroStart < 0) f.zeroStart = f.pre;
        f.pre++;
        f.layout.push("d");
      }
      i++;
    } else if (rest[0] === "." || up[0] === "D") {
      f.point = true;
      i++;
    } else if (rest[0] === "," || up[0] === "G") {
      if (f.point) f.postLayout.push(",");
      else f.layout.push(",");
      i++;
    } else if (rest[0] === '"') {
      // quoted literal text
      let j = 1;
      let lit = "";
      while (j < rest.length && rest[j] !== '"') {
        if (rest[j] === "\\" && j + 1 < rest.length) j++;
        lit += rest[j++];
      }
      if (seenDigit) f.suffix += lit;
      else f.prefix += lit;
      i += j + 1;
    } else if (up[0] === "L") {
      // currency symbol: the C locale's is a blank
      if (seenDigit) f.suffix += " ";
      else f.prefix += " ";
      i++;
    } else {
      if (seenDigit) f.suffix += rest[0];
      else f.prefix += rest[0];
      i++;
    }
  }
  if (NUM_CACHE.size > 1000) NUM_CACHE.clear();
  NUM_CACHE.set(fmt, f);
  return f;
}

/** Exact decimal value of a double (for printf-style half-even rounding of floats). */
export function exactDecimal(x: number): Decimal {
  if (Number.isInteger(x)) return Decimal.fromBigInt(BigInt(x));
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  const bits = buf.getBigUint64(0);
  const neg = bits >> 63n === 1n;
  const expBits = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & 0xfffffffffffffn;
  let e: number;
  if (expBits === 0) e = -1074;
  else {
    mant |= 1n << 52n;
    e = expBits - 1075;
  }
  // value = mant × 2^e, e < 0: = mant × 5^-e / 10^-e
  const u = mant * 5n ** BigInt(-e);
  return Decimal.of(neg ? -u : u, -e);
}

function roundHalfEven(d: Decimal, scale: number): Decimal {
  const r = d.round(scale);
  // detect an exact tie and fix it to even
  const back = d.sub(r).abs();
  const half = Decimal.of(5n, scale + 1);
  if (back.cmp(half) === 0) {
    const t = d.trunc(scale);
    const lastDigit = (t.unscaled < 0n ? -t.unscaled : t.unscaled) % 10n;
    return lastDigit % 2n === 0n ? t : r;
  }
  return r;
}

function toRoman(n: number): string {
  const vals: [number, string][] = [
    [1000, "M"], [900, "CM"], [500, "D"], [400, "CD"], [100, "C"], [90, "XC"], [50, "L"], [40, "XL"], [10, "X"], [9, "IX"], [5, "V"], [4, "IV"], [1, "I"],
  ];
  let s = "";
  for (const [v, r] of vals) {
    while (n >= v) {
      s += r;
      n -= v;
    }
  }
  return s;
}

/** to_char for numbers; `value` is a Decimal (floats are converted exactly and round half-even). */
export function formatNumber(value: Decimal, fmt: string, halfEven: boolean): string {
  const f = parseNumFormat(fmt);
  if (f.rn) {
    const n = Number(value.round(0).toString());
    if (n < 1 || n > 3999) return "#".repeat(15);
    const r = toRoman(n);
    const s = fmt.includes("rn") ? r.toLowerCase() : r;
    return f.fm ? s : s.padStart(15);
  }
  let v = value;
  if (f.v > 0) v = v.mul(Decimal.of(10n ** BigInt(f.v)));
  const neg = v.sign() < 0;
  if (f.eeee) {
    const x = Math.abs(v.toNumber());
    let s = x.toExponential(f.post);
    s = s.replace(/e([+-])(\d)$/, "e$10$2");
    return (neg ? "-" : " ") + s;
  }
  const rounded = halfEven ? roundHalfEven(v.abs(), f.post) : v.abs().round(f.post);
  const str = rounded.toString();
  const dot = str.indexOf(".");
  let intDigits = dot < 0 ? str : str.slice(0, dot);
  let fracDigits = dot < 0 ? "" : str.slice(dot + 1);
  fracDigits = fracDigits.padEnd(f.post, "0");
  if (intDigits === "0") intDigits = "";
  const overflow = intDigits.length > f.pre;
  // integer part
  let intOut = "";
  let started = false;
  const firstDigitPos = f.pre - intDigits.length;
  let digitIndex = 0;
  for (const l of f.layout) {
    if (l === "d") {
      let ch: string;
      if (overflow) ch = "#";
      else if (digitIndex >= firstDigitPos) ch = intDigits[digitIndex - firstDigitPos];
      else if (f.zeroStart >= 0 && digitIndex >= f.zeroStart) ch = "0";
      else if (digitIndex === f.pre - 1 && f.post === 0 && !f.point) ch = "0"; // zero prints as "0"
      else ch = f.fm ? "" : " ";
      if (ch !== "" && ch !== " ") started = true;
      intOut += ch;
      digitIndex++;
    } else if (l === ",") intOut += started ? "," : f.fm ? "" : " ";
    else intOut += l;
  }
  let fracOut = "";
  if (f.point) {
    let digits = overflow ? "#".repeat(f.post) : fracDigits;
    if (f.fm && !overflow) {
      // drop trailing zeros in '9' positions
      let end = digits.length;
      while (end > f.lastPostZero && digits[end - 1] === "0") end--;
      digits = digits.slice(0, end);
    }
    fracOut = "." + digits;
  }
  const digitsPart = intOut + fracOut;
  const lead = /^ */.exec(digitsPart)![0].length;
  const pad = digitsPart.slice(0, lead);
  const core = digitsPart.slice(lead);
  const blank = f.fm ? "" : " ";
  let body: string;
  switch (f.sign) {
    case "none":
      // the sign sits right before the first printed character
      body = pad + (neg ? "-" : blank) + core;
      break;
    case "PL": {
      const withSign = pad + (neg ? "-" : blank) + core;
      const pl = neg ? blank : "+";
      body = f.signAtEnd ? withSign + pl : pl + withSign;
      break;
    }
    case "S":
      body = f.signAtEnd ? digitsPart + (neg ? "-" : "+") : pad + (neg ? "-" : "+") + core;
      break;
    case "MI":
      body = f.signAtEnd ? digitsPart + (neg ? "-" : blank) : (neg ? "-" : blank) + digitsPart;
      break;
    case "SG":
      body = f.signAtEnd ? digitsPart + (neg ? "-" : "+") : (neg ? "-" : "+") + digitsPart;
      break;
    case "PR":
      body = neg ? pad + "<" + core + ">" : blank + digitsPart + blank;
      break;
  }
  if (f.th !== "" && !overflow) {
    const n = Number(rounded.trunc(0).toString());
    body += ordinal(n, f.th === "TH");
  }
  return f.prefix + body + f.suffix;
}

