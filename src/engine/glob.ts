// Glob-style pattern matching with Redis's exact semantics (engine worker): util.c's
// stringmatchlen, used by KEYS, SCAN MATCH and (later) PSUBSCRIBE, HSCAN, CONFIG GET.
//
// Pattern and subject are latin1 strings (one char per byte, as the keyspace stores
// them). Rules, as Redis implements them (including its quirks):
//   *       any run of bytes (consecutive stars collapse);
//   ?       exactly one byte;
//   [abc]   one byte of the set; [^abc] one byte not in it; [a-z] a range, and a
//           reversed range [z-a] means the same; inside brackets `\x` is the byte x;
//           an unterminated `[` matches as if the set ended at the pattern's end;
//   \x      the byte x literally (a trailing backslash is a literal backslash);
//   nocase  folds only ASCII A-Z (Redis runs in the C locale for LC_CTYPE).
// Quirks kept on purpose: C's `char` is signed on x86-64, so range bounds and the
// subject byte compare as signed bytes (a range [a-\xff] is [\xff-a] = [-1..97]);
// C reads the pattern's NUL terminator where Redis's loop peeks one past the end, so
// `at(i)` returns 0 there.
//
// Complexity: Redis bounds the backtracking of `*` with skipLongerMatches (a failed
// tail after a star cannot succeed later for an earlier star); so do we, which makes
// the worst case polynomial instead of exponential. Recursion (one level per `*`) is
// capped as in the CVE-2024-31228 fix Debian's 7.0.15 carries: deeper than
// globNestingMax levels simply does not match, so no pattern can overflow the stack.
//
// Invariants: never throws on any input; pure.

import { globNestingMax } from '../limits.js';

/** Folds ASCII A-Z to a-z, leaving every other byte value (including signed negatives) alone. */
function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/** C's signed char: 0x80..0xff become -128..-1. */
function signedByte(c: number): number {
  return c >= 128 ? c - 256 : c;
}

interface MatchState {
  skipLongerMatches: boolean;
}


/** True if `subject` matches the glob `pattern` (Redis's stringmatchlen). */
export function globMatch(pattern: string, subject: string, nocase = false): boolean {
  const state: MatchState = { skipLongerMatches: false };
  return matchFrom(pattern, 0, subject, 0, nocase, state, 0);
}

function matchFrom(
  pattern: string,
  p0: number,
  s: string,
  s0: number,
  nocase: boolean,
  state: MatchState,
  nesting: number,
): boolean {
  if (nesting > globNestingMax) return false;
  const plen = pattern.length;
  const slen = s.length;
  // The pattern char at i, or the NUL terminator C would read at and past the end.
  const at = (i: number): number => (i < plen ? pattern.charCodeAt(i) : 0);
  let p = p0;
  let i = s0;
  while (p < plen && i < slen) {
    const pc = pattern.charCodeAt(p);
    if (pc === 42 /* '*' */) {
      while (p + 1 < plen && pattern.charCodeAt(p + 1) === 42) p++;
      if (p + 1 === plen) return true; // a trailing star matches the rest
      while (i < slen) {
        if (matchFrom(pattern, p + 1, s, i, nocase, state, nesting + 1)) return true;
        if (state.skipLongerMatches) return false;
        i++;
      }
      // No suffix of the subject matched the rest of the pattern: an earlier star
      // trying a longer match could only start the rest later, which also fails.
      state.skipLongerMatches = true;
      return false;
    } else if (pc === 63 /* '?' */) {
      i++;
    } else if (pc === 91 /* '[' */) {
      p++;
      const not = at(p) === 94; /* '^' */
      if (not) p++;
      let match = false;
      const c = s.charCodeAt(i);
      for (;;) {
        const cur = at(p);
        if (cur === 92 /* '\\' */ && plen - p >= 2) {
          p++;
          if (pattern.charCodeAt(p) === c) match = true;
        } else if (cur === 93 /* ']' */ && p < plen) {
          break;
        } else if (p >= plen) {
          // Unterminated set: step back so the shared `p++` below lands on the end.
          p--;
          break;
        } else if (plen - p >= 3 && pattern.charCodeAt(p + 1) === 45 /* '-' */) {
          let start = signedByte(cur);
          let end = signedByte(pattern.charCodeAt(p + 2));
          let sc = signedByte(c);
          if (start > end) {
            const t = start;
            start = end;
            end = t;
          }
          if (nocase) {
            start = lower(start);
            end = lower(end);
            sc = lower(sc);
          }
          p += 2;
          if (sc >= start && sc <= end) match = true;
        } else if (nocase ? lower(cur) === lower(c) : cur === c) {
          match = true;
        }
        p++;
      }
      if (not) match = !match;
      if (!match) return false;
      i++;
    } else {
      if (pc === 92 /* '\\' */ && plen - p >= 2) p++;
      const lit = pattern.charCodeAt(p);
      const c = s.charCodeAt(i);
      if (nocase ? lower(lit) !== lower(c) : lit !== c) return false;
      i++;
    }
    p++;
    if (i === slen) {
      while (p < plen && pattern.charCodeAt(p) === 42) p++;
      break;
    }
  }
  return p >= plen && i === slen;
}
