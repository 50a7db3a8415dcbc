// Argument parsing with Redis's exact rules, and Redis's shared error replies
// (engine worker). Numbers follow util.c: string2ll (no spaces, no '+', no leading
// zeros, int64 range) and string2ld/strtold for floats.

export const errors = {
  wrongType: 'WRONGTYPE Operation against a key holding the wrong kind of value',
  syntax: 'ERR syntax error',
  notInteger: 'ERR value is not an integer or out of range',
  notFloat: 'ERR value is not a valid float',
  overflow: 'ERR increment or decrement would overflow',
  noSuchKey: 'ERR no such key',
  outOfRange: 'ERR index out of range',
  invalidDbIndex: 'ERR DB index is out of range',
  notPositive: 'ERR value is out of range, must be positive',
} as const;

export const int64Max = 9223372036854775807n;
export const int64Min = -9223372036854775808n;

/** Compares bytes to an ASCII literal given in lower case, ignoring the bytes' case. */
export function eqi(buf: Uint8Array, lower: string): boolean {
  if (buf.length !== lower.length) return false;
  for (let i = 0; i < buf.length; i++) {
    let c = buf[i]!;
    if (c >= 65 && c <= 90) c += 32;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** Lower-case ASCII of a short token (command names, options). */
export function lowerAscii(buf: Uint8Array): string {
  let s = '';
  for (let i = 0; i < buf.length; i++) {
    let c = buf[i]!;
    if (c >= 65 && c <= 90) c += 32;
    s += String.fromCharCode(c);
  }
  return s;
}

/** Bytes as the keyspace's latin1 string (one char per byte). */
export function latin1(buf: Buffer): string {
  return buf.latin1Slice(0, buf.length);
}

/** The last key keyString() made, and a copy of its bytes (argv Buffers are reused views). */
const keyCacheBytes = Buffer.allocUnsafeSlow(64);
let keyCacheLength = -1;
let keyCacheString = '';

/**
 * An argument naming a key, as the keyspace's latin1 string. A pipeline of SADDs,
 * HSETs or LPUSHes names the same key over and over: the last key's string is reused when the
 * bytes match, sparing a latin1Slice (a call into C++, ~6% of the engine's SADD).
 */
export function keyString(buf: Buffer): string {
  const n = buf.length;
  if (n === keyCacheLength) {
    let i = 0;
    while (i < n && buf[i] === keyCacheBytes[i]) i++;
    if (i === n) return keyCacheString;
  }
  const s = buf.latin1Slice(0, n);
  if (n <= keyCacheBytes.length) {
    buf.copy(keyCacheBytes, 0, 0, n);
    keyCacheLength = n;
    keyCacheString = s;
  }
  return s;
}

/** Redis's string2ll: the int64 a string spells exactly, or null. */
export function string2ll(s: string): bigint | null {
  const n = s.length;
  if (n === 0 || n > 20) return null;
  if (n === 1 && s.charCodeAt(0) >= 48 && s.charCodeAt(0) <= 57) return BigInt(s.charCodeAt(0) - 48);
  let i = 0;
  if (s.charCodeAt(0) === 45) {
    i = 1;
    if (n === 1) return null;
  }
  const first = s.charCodeAt(i);
  if (first < 49 || first > 57) return null; // no leading zero, no sign, no space
  for (let j = i + 1; j < n; j++) {
    const c = s.charCodeAt(j);
    if (c < 48 || c > 57) return null;
  }
  const v = BigInt(s);
  if (v > int64Max || v < int64Min) return null;
  return v;
}

/** string2ll into a JS number, or null if invalid or beyond 2^53 (callers with int64 needs use string2ll). */
export function string2safeInt(s: string): number | null {
  if (s.length < 16) {
    // Fast path: fewer than 16 digits is always a safe integer.
    const v = string2ll(s);
    return v === null ? null : Number(v);
  }
  const v = string2ll(s);
  if (v === null) return null;
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) return null;
  return Number(v);
}

/** Parses a Buffer argument as int64 (Redis's getLongLongFromObject). */
export function argInt64(buf: Buffer): bigint | null {
  return string2ll(latin1(buf));
}

/**
 * Redis's string2ld (used by INCRBYFLOAT, HINCRBYFLOAT): strtold over the whole
 * string, no leading space, not NaN. Returns null if invalid.
 */
export function string2ld(s: string): number | null {
  if (s.length === 0 || s.length > 5119) return null;
  const c0 = s.charCodeAt(0);
  if (c0 === 32 || (c0 >= 9 && c0 <= 13)) return null;
  const v = parseCFloat(s);
  if (v === null || Number.isNaN(v)) return null;
  return v;
}

/** Redis's string2d (ZADD scores etc.): strtod over the whole string, no space, not NaN. */
export function string2d(s: string): number | null {
  return string2ld(s);
}

/**
 * C's strtod over the whole string: decimal or hex floats, inf/infinity/nan in any
 * case with an optional sign, optional exponent. Returns null if any char is left.
 */
export function parseCFloat(s: string): number | null {
  const m = /^([+-]?)(?:(inf(?:inity)?)|(nan)|(0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?\d+)?)|((?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?))$/i.exec(s);
  if (m === null) return null;
  const sign = m[1] === '-' ? -1 : 1;
  if (m[2] !== undefined) return sign * Infinity;
  if (m[3] !== undefined) return NaN;
  if (m[4] !== undefined) return sign * parseHexFloat(m[4]);
  return sign * Number(m[5]);
}

function parseHexFloat(s: string): number {
  const body = s.slice(2);
  const pIdx = body.search(/[pP]/);
  const mant = pIdx >= 0 ? body.slice(0, pIdx) : body;
  const exp = pIdx >= 0 ? Number(body.slice(pIdx + 1)) : 0;
  const dot = mant.indexOf('.');
  const intPart = dot >= 0 ? mant.slice(0, dot) : mant;
  const fracPart = dot >= 0 ? mant.slice(dot + 1) : '';
  let v = 0;
  for (const ch of intPart) v = v * 16 + parseInt(ch, 16);
  let scale = 1 / 16;
  for (const ch of fracPart) {
    v += parseInt(ch, 16) * scale;
    scale /= 16;
  }
  return v * Math.pow(2, exp);
}
