// Lua 5.1's string-to-number conversion (luaO_str2d: C's strtod, then only white
// space may follow), shared by the patched fengari core (lua51-numbers.ts: numerals,
// coercion, tonumber) and the bundled libraries' argument checks (lua-lib-util.ts).
// Pure function, any thread. glibc's strtod accepts leading white space, a sign,
// "inf"/"infinity"/"nan"/"nan(...)" in any case, hex numbers with an optional
// fraction and binary exponent ("0x1p4"), and decimals; Lua 5.1 then reads the
// string only up to a NUL, as C does.

const isSpace = (c: number | undefined): boolean => c === 32 || (c !== undefined && c >= 9 && c <= 13);
const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 48 && c <= 57;
const hexValue = (c: number | undefined): number => {
  if (c === undefined) return -1;
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  return l >= 97 && l <= 102 ? l - 87 : -1;
};

function matchWord(s: Uint8Array, at: number, word: string): boolean {
  if (at + word.length > s.length) return false;
  for (let i = 0; i < word.length; i++) if ((s[at + i]! | 0x20) !== word.charCodeAt(i)) return false;
  return true;
}

/**
 * Lua 5.1's luaO_str2d: glibc's strtod on the string (up to a NUL, as C sees it),
 * then only white space may follow. Returns the number, or null.
 */
export function str2d51(str: Uint8Array): number | null {
  const nul = str.indexOf(0);
  const s = nul >= 0 ? str.subarray(0, nul) : str;
  let i = 0;
  while (isSpace(s[i])) i++;
  let negative = false;
  if (s[i] === 43 || s[i] === 45) negative = s[i++] === 45;
  let n: number;
  if (matchWord(s, i, 'inf')) {
    n = Infinity;
    i += matchWord(s, i, 'infinity') ? 8 : 3;
  } else if (matchWord(s, i, 'nan')) {
    n = NaN;
    i += 3;
    if (s[i] === 40) {
      // nan(n-char-sequence)
      let j = i + 1;
      while (j < s.length && (isDigit(s[j]) || ((s[j]! | 0x20) >= 97 && (s[j]! | 0x20) <= 122) || s[j] === 95)) j++;
      if (s[j] === 41) i = j + 1;
    }
  } else if (s[i] === 48 && (s[i + 1]! | 0x20) === 120 && (hexValue(s[i + 2]) >= 0 || (s[i + 2] === 46 && hexValue(s[i + 3]) >= 0))) {
    i += 2;
    let m = 0n;
    let fracDigits = 0;
    let seenDot = false;
    for (;;) {
      const h = hexValue(s[i]);
      if (h >= 0) {
        m = (m << 4n) | BigInt(h);
        if (seenDot) fracDigits++;
        i++;
      } else if (s[i] === 46 && !seenDot) {
        seenDot = true;
        i++;
      } else break;
    }
    let exp = 0;
    if ((s[i]! | 0x20) === 112) {
      let j = i + 1;
      let expNeg = false;
      if (s[j] === 43 || s[j] === 45) expNeg = s[j++] === 45;
      if (isDigit(s[j])) {
        while (isDigit(s[j])) exp = Math.min(exp * 10 + (s[j++]! - 48), 100000);
        if (expNeg) exp = -exp;
        i = j;
      }
    }
    n = Number(m) * 2 ** (exp - 4 * fracDigits);
    if (!Number.isFinite(n) && m !== 0n) n = Infinity;
  } else {
    const start = i;
    let mantissaDigits = 0;
    while (isDigit(s[i])) {
      i++;
      mantissaDigits++;
    }
    if (s[i] === 46) {
      i++;
      while (isDigit(s[i])) {
        i++;
        mantissaDigits++;
      }
    }
    if (mantissaDigits === 0) return null;
    if ((s[i]! | 0x20) === 101) {
      let j = i + 1;
      if (s[j] === 43 || s[j] === 45) j++;
      if (isDigit(s[j])) {
        while (isDigit(s[j])) j++;
        i = j;
      }
    }
    n = Number(Buffer.from(s.buffer, s.byteOffset + start, i - start).latin1Slice());
  }
  while (isSpace(s[i])) i++;
  if (i !== s.length) return null;
  return negative ? -n : n;
}
