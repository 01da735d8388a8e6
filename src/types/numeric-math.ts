// Integer arithmetic behind Decimal: powers of ten, rounding division, digit counts, integer
// square roots, and fixed-point ln / exp on bigints (for numeric's sqrt, ln, log, exp, power).

const POW10: bigint[] = [];
{
  let p = 1n;
  for (let i = 0; i <= 64; i++) {
    POW10.push(p);
    p *= 10n;
  }
}

/** 10^n as a bigint (cached for small n). */
export function pow10(n: number): bigint {
  return n < POW10.length ? POW10[n] : 10n ** BigInt(n);
}

export function absBig(x: bigint): bigint {
  return x < 0n ? -x : x;
}

/** Number of decimal digits of |x| (0 has 1 digit). */
export function digitCount(x: bigint): number {
  if (x < 0n) x = -x;
  if (x < POW10[POW10.length - 1]) {
    let lo = 1;
    let hi = POW10.length - 1; // x < 10^hi
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (x < POW10[mid]) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
  return x.toString().length;
}

/** round(n / d) half away from zero, d > 0. */
export function divRound(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n - q * d;
  if (r === 0n) return q;
  if (absBig(r) * 2n >= d) return n < 0n ? q - 1n : q + 1n;
  return q;
}

export function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  // Newton's iteration from above converges monotonically to floor(sqrt(n))
  let x: bigint;
  const f = Number(n);
  if (Number.isFinite(f)) x = BigInt(Math.ceil(Math.sqrt(f) * (1 + 1e-14))) + 1n;
  else x = 1n << BigInt(Math.ceil((n.toString(16).length * 4) / 2) + 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** ln(unscaled × 10^-scale) × 10^w (the value > 0), accurate to a few units in the last place. */
export function lnFixed(unscaled: bigint, scale: number, w: number): bigint {
  const d = { unscaled, scale };
  const nd = digitCount(d.unscaled);
  const k = nd - 1 - d.scale; // d = m × 10^k, m in [1, 10)
  const guard = 10;
  const W = w + guard;
  const one = pow10(W);
  // m at scale W: unscaled × 10^(W - scale - k)
  const e = W - d.scale - k;
  let m = e >= 0 ? d.unscaled * pow10(e) : d.unscaled / pow10(-e);
  let res = 0n;
  if (k !== 0) res += BigInt(k) * ln10Fixed(W);
  // reduce m toward 1 with square roots: ln(m) = 2^j ln(m^(1/2^j))
  let j = 0;
  const threshold = one / 100n;
  while (absBig(m - one) > threshold) {
    m = isqrt(m * one);
    j++;
  }
  // ln(m) = 2 atanh(z), z = (m-1)/(m+1)
  const z = ((m - one) * one) / (m + one);
  const z2 = (z * z) / one;
  let term = z;
  let sum = 0n;
  for (let n = 1n; term !== 0n; n += 2n) {
    sum += term / n;
    term = (term * z2) / one;
  }
  res += (2n * sum) << BigInt(j);
  return divRound(res, pow10(guard));
}

const LN10_CACHE = new Map<number, bigint>();

function ln10Fixed(W: number): bigint {
  let v = LN10_CACHE.get(W);
  if (v === undefined) {
    // ln 10 = 3 ln 2 + ln 1.25; ln 2 = 2 atanh(1/3), ln 1.25 = 2 atanh(1/9)
    const guard = 10;
    const one = pow10(W + guard);
    const atanhInv = (q: bigint): bigint => {
      let term = one / q;
      const q2 = q * q;
      let sum = 0n;
      for (let n = 1n; term !== 0n; n += 2n) {
        sum += term / n;
        term /= q2;
      }
      return sum;
    };
    const ln2 = 2n * atanhInv(3n);
    const ln125 = 2n * atanhInv(9n);
    v = divRound(3n * ln2 + ln125, pow10(guard));
    if (LN10_CACHE.size > 64) LN10_CACHE.clear();
    LN10_CACHE.set(W, v);
  }
  return v;
}

/** e^(xs × 10^-w) rounded to rscale decimals, as the unscaled digits at that scale. */
export function expScaled(xs: bigint, w: number, rscale: number): bigint {
  const neg = xs < 0n;
  let a = absBig(xs);
  const approx = Number(a) / 10 ** Math.min(w, 300);
  const resultDigits = Math.ceil((w <= 300 ? approx : 0) * 0.4343) + 2; // decimal weight of e^|x|
  // working scale: enough that e^|x| (or its reciprocal) is exact to rscale
  const W = rscale + resultDigits + 20;
  const one = pow10(W);
  a = w <= W ? a * pow10(W - w) : a / pow10(w - W);
  // halve until small
  let k = 0;
  const small = one / 1000n;
  while (a > small) {
    a >>= 1n;
    k++;
  }
  const W2 = W + Math.ceil(k * 0.302) + 4; // squaring amplifies error by 2^k
  const one2 = pow10(W2);
  let y = a * pow10(W2 - W);
  // Taylor series of e^y
  let term = one2;
  let sum = one2;
  for (let n = 1n; term !== 0n; n++) {
    term = (term * y) / (one2 * n);
    sum += term;
  }
  for (let i = 0; i < k; i++) sum = (sum * sum) / one2;
  y = sum; // e^|x| at scale W2
  if (!neg) return divRound(y, pow10(W2 - rscale));
  // e^-|x| = 1 / e^|x|
  return divRound(pow10(W2 + rscale), y);
}

