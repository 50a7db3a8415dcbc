// C's printf of a double under %e %E %f %g %G, as glibc prints it (engine worker
// thread, through string.format in scripts): Redis's Lua 5.1 hands these conversions
// to the C library, where fengari's Lua 5.3 writes JavaScript's own spellings
// ("1.5e+0", "Infinity", 0.5 rounded up). Digits are exact: the double's binary value
// m * 2^e is scaled by a power of ten with BigInts and rounded half to even, as glibc
// does in its default rounding mode, so %.0f of 0.5 is "0" and %f of 1e300 prints
// every digit of the stored value.
// Invariants: `precision` < 0 means the default (6); infinities and NaNs print as
// inf/nan (INF/NAN for the upper-case conversions) with the NaN's sign bit, and are
// never zero-padded.

const probe = new Float64Array(1);
const probeWords = new Uint32Array(probe.buffer);

/** The double's sign bit (true for -0 and negative NaNs). */
function signBit(n: number): boolean {
  probe[0] = n;
  return (probeWords[1]! & 0x80000000) !== 0;
}

/** |n| (finite, non-zero) as mantissa * 2^exponent with an integer mantissa. */
function decompose(n: number): { m: bigint; e: number } {
  probe[0] = Math.abs(n);
  const hi = probeWords[1]!;
  const lo = probeWords[0]!;
  const biased = (hi >>> 20) & 0x7ff;
  const frac = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (biased === 0) return { m: frac, e: -1074 };
  return { m: frac | (1n << 52n), e: biased - 1075 };
}

/** round(|n| * 10^scale), exactly, ties to even. */
function scaledRound(m: bigint, e: number, scale: number): bigint {
  let num = m;
  let den = 1n;
  if (e >= 0) num <<= BigInt(e);
  else den <<= BigInt(-e);
  if (scale >= 0) num *= 10n ** BigInt(scale);
  else den *= 10n ** BigInt(-scale);
  const q = num / den;
  const r2 = (num % den) * 2n;
  if (r2 > den || (r2 === den && (q & 1n) === 1n)) return q + 1n;
  return q;
}

/** %f's digits of |n| with `p` decimals. */
function fixedDigits(n: number, p: number): string {
  if (n === 0) return p > 0 ? `0.${'0'.repeat(p)}` : '0';
  const { m, e } = decompose(n);
  const digits = scaledRound(m, e, p).toString().padStart(p + 1, '0');
  return p > 0 ? `${digits.slice(0, digits.length - p)}.${digits.slice(digits.length - p)}` : digits;
}

/** |n| rounded to p+1 significant digits: the digit string and the decimal exponent. */
function significant(n: number, p: number): { digits: string; exp: number } {
  if (n === 0) return { digits: '0'.repeat(p + 1), exp: 0 };
  const { m, e } = decompose(n);
  let exp = Math.floor(Math.log10(Math.abs(n)));
  for (;;) {
    const q = scaledRound(m, e, p - exp);
    const s = q.toString();
    if (s.length === p + 2) {
      exp++; // rounded up to the next power of ten, or log10 estimated one low
      continue;
    }
    if (s.length < p + 1) {
      exp--;
      continue;
    }
    return { digits: s, exp };
  }
}

function expSuffix(exp: number, upper: boolean): string {
  const a = Math.abs(exp);
  return `${upper ? 'E' : 'e'}${exp < 0 ? '-' : '+'}${a < 10 ? `0${a}` : a}`;
}

/**
 * printf("%<flags><width>.<precision><conv>", n) for conv in e E f g G. `flags` is any
 * of "-+ #0"; width 0 means none.
 */
export function formatFloatC(n: number, conv: string, flags: string, width: number, precision: number): string {
  const upper = conv === 'E' || conv === 'G';
  const negative = signBit(n);
  const sign = negative ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
  const alt = flags.includes('#');
  let body: string;
  let finite = true;
  if (Number.isNaN(n) || !Number.isFinite(n)) {
    finite = false;
    body = Number.isNaN(n) ? 'nan' : 'inf';
    if (upper) body = body.toUpperCase();
  } else {
    const p = precision < 0 ? 6 : precision;
    const a = Math.abs(n);
    if (conv === 'f') {
      body = fixedDigits(a, p);
      if (alt && p === 0) body += '.';
    } else if (conv === 'e' || conv === 'E') {
      const { digits, exp } = significant(a, p);
      body = digits[0]! + (p > 0 || alt ? '.' : '') + digits.slice(1) + expSuffix(exp, upper);
    } else {
      const P = p === 0 ? 1 : p;
      const { exp } = significant(a, P - 1);
      if (P > exp && exp >= -4) {
        body = fixedDigits(a, P - 1 - exp);
        if (!alt && body.includes('.')) body = body.replace(/0+$/, '').replace(/\.$/, '');
        else if (alt && !body.includes('.')) body += '.';
      } else {
        const { digits } = significant(a, P - 1);
        let mant = digits[0]! + (P - 1 > 0 || alt ? '.' : '') + digits.slice(1);
        if (!alt && mant.includes('.')) mant = mant.replace(/0+$/, '').replace(/\.$/, '');
        body = mant + expSuffix(exp, upper);
      }
    }
  }
  const text = sign + body;
  if (text.length >= width) return text;
  if (flags.includes('-')) return text.padEnd(width, ' ');
  if (finite && flags.includes('0')) return sign + body.padStart(width - sign.length, '0');
  return text.padStart(width, ' ');
}
