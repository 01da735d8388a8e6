// NUMERIC in Postgres's binary format (numeric_send / numeric_recv): int16 ndigits, int16 weight,
// int16 sign, int16 dscale, then ndigits base-10000 digits, most significant first. The value is
// sum(digit[i] × 10000^(weight − i)).

import { Decimal, SqlError } from "../types/index.js";

const NUMERIC_POS = 0x0000;
const NUMERIC_NEG = 0x4000;
const NUMERIC_NAN = 0xc000;
const NUMERIC_PINF = 0xd000;
const NUMERIC_NINF = 0xf000;

function header(ndigits: number, weight: number, sign: number, dscale: number): Buffer {
  const b = Buffer.alloc(8 + ndigits * 2);
  b.writeInt16BE(ndigits, 0);
  b.writeInt16BE(weight, 2);
  b.writeUInt16BE(sign, 4);
  b.writeInt16BE(dscale, 6);
  return b;
}

export function encodeNumericBinary(d: Decimal): Buffer {
  if (d.isNaN()) return header(0, 0, NUMERIC_NAN, 0);
  if (d.isInfinite()) return header(0, 0, d.sign() > 0 ? NUMERIC_PINF : NUMERIC_NINF, 0);
  const scale = d.scale;
  const neg = d.unscaled < 0n;
  const abs = neg ? -d.unscaled : d.unscaled;
  if (abs === 0n) return header(0, 0, NUMERIC_POS, scale);
  let digits = abs.toString();
  // split into integer and fraction digit strings, padded to whole base-10000 groups
  let intPart = digits.length > scale ? digits.slice(0, digits.length - scale) : "";
  let fracPart = digits.length > scale ? digits.slice(digits.length - scale) : "0".repeat(scale - digits.length) + digits;
  intPart = "0".repeat((4 - (intPart.length % 4)) % 4) + intPart;
  fracPart = fracPart + "0".repeat((4 - (fracPart.length % 4)) % 4);
  digits = intPart + fracPart;
  const groups: number[] = [];
  for (let i = 0; i < digits.length; i += 4) groups.push(Number(digits.slice(i, i + 4)));
  let weight = intPart.length / 4 - 1;
  let first = 0;
  while (first < groups.length && groups[first] === 0) {
    first++;
    weight--;
  }
  let last = groups.length;
  while (last > first && groups[last - 1] === 0) last--;
  const used = groups.slice(first, last);
  const b = header(used.length, weight, neg ? NUMERIC_NEG : NUMERIC_POS, scale);
  for (let i = 0; i < used.length; i++) b.writeInt16BE(used[i], 8 + i * 2);
  return b;
}

export function decodeNumericBinary(b: Uint8Array): Decimal {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  if (buf.length < 8) throw new SqlError("22P03", "insufficient data left in message");
  const ndigits = buf.readInt16BE(0);
  const weight = buf.readInt16BE(2);
  const sign = buf.readUInt16BE(4);
  const dscale = buf.readInt16BE(6);
  if (ndigits < 0 || buf.length !== 8 + ndigits * 2) throw new SqlError("22P03", "invalid length in external \"numeric\" value");
  if (sign === NUMERIC_NAN) return Decimal.NaN;
  if (sign === NUMERIC_PINF) return Decimal.POSITIVE_INFINITY;
  if (sign === NUMERIC_NINF) return Decimal.NEGATIVE_INFINITY;
  if (sign !== NUMERIC_POS && sign !== NUMERIC_NEG) throw new SqlError("22P03", "invalid sign in external \"numeric\" value");
  if (dscale < 0) throw new SqlError("22P03", "invalid scale in external \"numeric\" value");
  let s = "";
  for (let i = 0; i < ndigits; i++) {
    const g = buf.readInt16BE(8 + i * 2);
    if (g < 0 || g >= 10000) throw new SqlError("22P03", "invalid digit in external \"numeric\" value");
    s += String(g).padStart(4, "0");
  }
  let u = ndigits === 0 ? 0n : BigInt(s);
  if (sign === NUMERIC_NEG) u = -u;
  const exp10 = 4 * (weight - ndigits + 1);
  return Decimal.of(u, -exp10).round(dscale);
}
