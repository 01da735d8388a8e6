// Exact 64-bit integer helpers that avoid allocating a BigInt per row: an int64 column is read
// through an Int32Array view of its buffer (little-endian words), as a number whenever the value
// is a safe integer, and written the same way. BigInt is used only for values beyond 2^53.

const TWO_32 = 4294967296;
/** |v| < 2^53 */
export const SAFE = 9007199254740992;

export function words(data: BigInt64Array): Int32Array {
  return new Int32Array(data.buffer, data.byteOffset, data.length * 2);
}

/** Row i as a number when |v| < 2^53, else NaN (the caller then takes the BigInt path). */
export function readSafe(w: Int32Array, i: number): number {
  const hi = w[2 * i + 1];
  if (hi >= -2097152 && hi < 2097152) return hi * TWO_32 + (w[2 * i] >>> 0);
  return NaN;
}

/** Writes a safe integer into row i. */
export function writeSafe(w: Int32Array, i: number, v: number): void {
  const hi = Math.floor(v / TWO_32);
  w[2 * i + 1] = hi;
  w[2 * i] = v - hi * TWO_32;
}

/** Compares rows of two int64 columns without BigInt: negative, 0 or positive. */
export function compareWords(a: Int32Array, i: number, b: Int32Array, j: number): number {
  const ha = a[2 * i + 1];
  const hb = b[2 * j + 1];
  if (ha !== hb) return ha < hb ? -1 : 1;
  const la = a[2 * i] >>> 0;
  const lb = b[2 * j] >>> 0;
  return la === lb ? 0 : la < lb ? -1 : 1;
}

export const INT64_MIN = -9223372036854775808n;
export const INT64_MAX = 9223372036854775807n;
