// x86-64 `long double` (80-bit extended precision) arithmetic, exactly as Redis's
// INCRBYFLOAT and HINCRBYFLOAT do it (engine worker; pure functions, no state).
//
// Redis parses both operands with strtold, adds them as long doubles, and prints the
// sum with "%.17Lf" then trims trailing zeros (util.c ld2string, LD_STR_HUMAN). A JS
// double has a 53-bit mantissa where a long double has 64, so `10.5 + 0.1` would print
// "10.59999999999999964" instead of Redis's "10.6". We therefore model the long double
// exactly: a value is `m * 2^e` with a 64-bit integer mantissa (BigInt), every parse and
// sum is rounded to nearest-even at 64 bits as the x87 does, and printing works on the
// exact binary value, as glibc's printf does.
//
// Invariants: a finite non-zero LongDouble has 2^63 <= m < 2^64 and E_MIN <= e <= E_MAX,
// or e === E_MIN and 0 < m < 2^63 (subnormal); zero has m === 0n.

/** A finite long double: (neg ? -1 : 1) * m * 2^e. */
export interface LongDouble {
  readonly neg: boolean;
  readonly m: bigint;
  readonly e: number;
}

/** The result of an operation: a finite value, or one of the non-finite classes. */
export type LongDoubleResult = LongDouble | 'inf' | '-inf' | 'nan';

const MANT_BITS = 64;
/** Smallest exponent: the smallest subnormal is 2^-16445. */
const E_MIN = -16445;
/** Largest exponent of a 64-bit mantissa: the largest value is just below 2^16384. */
const E_MAX = 16384 - MANT_BITS;
const TWO64 = 1n << 64n;
const TWO63 = 1n << 63n;
/** Beyond these decimal magnitudes a long double is surely infinite or zero (max ~1.19e4932, min ~3.6e-4951). */
const DEC_EXP_OVER = 4934;
const DEC_EXP_UNDER = -4952;

const ZERO: LongDouble = { neg: false, m: 0n, e: 0 };

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/**
 * Rounds the exact value (neg ? -1 : 1) * num / den * 2^exp2 to a long double, to
 * nearest with ties to even, with gradual underflow. `num` and `den` are positive.
 */
function roundRational(neg: boolean, num: bigint, den: bigint, exp2: number): LongDoubleResult {
  if (num === 0n) return { neg, m: 0n, e: 0 };
  // num/den lies in [2^(bl-1), 2^(bl+1)); dividing by 2^s lands it in [2^63, 2^65).
  let s = bitLength(num) - bitLength(den) - MANT_BITS;
  for (;;) {
    let e = exp2 + s;
    let shift = s;
    if (e < E_MIN) {
      shift += E_MIN - e;
      e = E_MIN;
    }
    let q: bigint;
    let r: bigint;
    let d: bigint;
    if (shift >= 0) {
      d = den << BigInt(shift);
      q = num / d;
      r = num % d;
    } else {
      const n = num << BigInt(-shift);
      d = den;
      q = n / d;
      r = n % d;
    }
    if (q >= TWO64) {
      s++;
      continue;
    }
    const twice = r * 2n;
    if (twice > d || (twice === d && (q & 1n) === 1n)) q++;
    if (q === TWO64) {
      q = TWO63;
      e++;
    }
    if (e > E_MAX) return neg ? '-inf' : 'inf';
    if (q === 0n) return { neg, m: 0n, e: 0 };
    return { neg, m: q, e };
  }
}

const DECIMAL = /^([+-]?)(?:(\d+)\.?(\d*)|\.(\d+))(?:[eE]([+-]?\d+))?$/;
const HEX = /^([+-]?)0[xX](?:([0-9a-fA-F]+)\.?([0-9a-fA-F]*)|\.([0-9a-fA-F]+))(?:[pP]([+-]?\d+))?$/;
const SPECIAL = /^([+-]?)(inf|infinity|nan(?:\([0-9A-Za-z_]*\))?)$/i;

/**
 * C's strtold over the whole of `s` (Redis's string2ld): decimal or hex, inf/infinity,
 * nan. Returns null where string2ld fails: empty, too long, leading space, trailing
 * characters, NaN, or a finite literal that overflows or underflows to zero (ERANGE).
 */
export function parseLongDouble(s: string): LongDoubleResult | null {
  // MAX_LONG_DOUBLE_CHARS is 5 KiB: string2ld refuses slen >= 5120.
  if (s.length === 0 || s.length >= 5120) return null;
  let m = DECIMAL.exec(s);
  if (m !== null) {
    const neg = m[1] === '-';
    const intDigits = m[2] ?? '';
    const fracDigits = m[3] ?? m[4] ?? '';
    const digits = (intDigits + fracDigits).replace(/^0+/, '');
    if (digits === '') return { neg, m: 0n, e: 0 };
    const exp10 = Number(m[5] ?? '0') - fracDigits.length;
    const magnitude = exp10 + digits.length; // value < 10^magnitude
    if (magnitude > DEC_EXP_OVER) return null; // HUGE_VAL with ERANGE
    if (magnitude < DEC_EXP_UNDER) return null; // zero with ERANGE
    const mant = BigInt(digits);
    const r = exp10 >= 0 ? roundRational(neg, mant * 10n ** BigInt(exp10), 1n, 0) : roundRational(neg, mant, 10n ** BigInt(-exp10), 0);
    return finiteOrNull(r);
  }
  m = HEX.exec(s);
  if (m !== null) {
    const neg = m[1] === '-';
    const intDigits = m[2] ?? '';
    const fracDigits = m[3] ?? m[4] ?? '';
    const digits = (intDigits + fracDigits).replace(/^0+/, '');
    if (digits === '') return { neg, m: 0n, e: 0 };
    const exp2 = Number(m[5] ?? '0') - 4 * fracDigits.length;
    const magnitude = exp2 + 4 * digits.length;
    if (magnitude > 16400) return null;
    if (magnitude < E_MIN - 8) return null;
    return finiteOrNull(roundRational(neg, BigInt('0x' + digits), 1n, exp2));
  }
  m = SPECIAL.exec(s);
  if (m !== null) {
    if (m[2]!.toLowerCase().startsWith('nan')) return null; // string2ld refuses NaN
    return m[1] === '-' ? '-inf' : 'inf';
  }
  return null;
}

/** A finite literal that rounds to infinity or to zero set ERANGE: string2ld refuses it. */
function finiteOrNull(r: LongDoubleResult): LongDoubleResult | null {
  if (typeof r === 'string') return null;
  if (r.m === 0n) return null;
  return r;
}

/** a + b rounded to a long double (one rounding, as the x87's FADD). */
export function addLongDouble(a: LongDoubleResult, b: LongDoubleResult): LongDoubleResult {
  if (a === 'nan' || b === 'nan') return 'nan';
  if (typeof a === 'string' || typeof b === 'string') {
    if (typeof a === 'string' && typeof b === 'string') return a === b ? a : 'nan';
    return typeof a === 'string' ? a : (b as 'inf' | '-inf');
  }
  if (a.m === 0n) return b.m === 0n ? { neg: a.neg && b.neg, m: 0n, e: 0 } : b;
  if (b.m === 0n) return a;
  const e = Math.min(a.e, b.e);
  const va = (a.neg ? -a.m : a.m) << BigInt(a.e - e);
  const vb = (b.neg ? -b.m : b.m) << BigInt(b.e - e);
  const sum = va + vb;
  if (sum === 0n) return ZERO; // x + (-x) is +0 when rounding to nearest
  return roundRational(sum < 0n, sum < 0n ? -sum : sum, 1n, e);
}

/**
 * Redis's ld2string(..., LD_STR_HUMAN): printf("%.17Lf") of the exact binary value,
 * rounded to nearest with ties to even, then trailing zeros (and a bare '.') removed,
 * and "-0" turned into "0".
 */
export function formatLongDoubleHuman(v: LongDouble): string {
  const scaled = v.m * 10n ** 17n; // value * 10^17 = scaled * 2^e
  let n: bigint;
  if (v.e >= 0) {
    n = scaled << BigInt(v.e);
  } else {
    const d = 1n << BigInt(-v.e);
    n = scaled / d;
    const twice = (scaled % d) * 2n;
    if (twice > d || (twice === d && (n & 1n) === 1n)) n++;
  }
  let digits = n.toString().padStart(18, '0');
  const intPart = digits.slice(0, digits.length - 17);
  const frac = digits.slice(digits.length - 17).replace(/0+$/, '');
  digits = frac.length > 0 ? `${intPart}.${frac}` : intPart;
  if (v.neg && digits !== '0') return `-${digits}`;
  return digits;
}
