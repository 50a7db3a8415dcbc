// LCS (src/engine/lcs.ts): properties any longest common subsequence must have, and
// Redis's documented example (ohmytext / mynewtext).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeLcs } from '../../src/engine/lcs.js';

function isSubsequence(sub: string, s: string): boolean {
  let i = 0;
  for (let j = 0; j < s.length && i < sub.length; j++) if (s[j] === sub[i]) i++;
  return i === sub.length;
}

/** Reference length by the textbook recurrence (two rows). */
function lcsLength(a: string, b: string): number {
  let prev = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const cur = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, cur[j - 1]!);
    prev = cur;
  }
  return prev[b.length]!;
}

describe('computeLcs', () => {
  it('gives Redis\'s answer for its documented example', () => {
    const r = computeLcs('ohmytext', 'mynewtext', true, 0);
    expect(r.subsequence).toBe('mytext');
    expect(r.length).toBe(6);
    expect(r.ranges).toEqual([
      { aStart: 4, aEnd: 7, bStart: 5, bEnd: 8 },
      { aStart: 2, aEnd: 3, bStart: 0, bEnd: 1 },
    ]);
    expect(computeLcs('ohmytext', 'mynewtext', true, 4).ranges).toEqual([{ aStart: 4, aEnd: 7, bStart: 5, bEnd: 8 }]);
    expect(computeLcs('ohmytext', 'mynewtext', false, 0)).toEqual({ length: 6, subsequence: '', ranges: [] });
  });

  it('finds a longest common subsequence whose ranges match in both strings', () => {
    const str = fc.string({ unit: fc.constantFrom('a', 'b', 'c', '\0', '\xff'), maxLength: 40 });
    fc.assert(
      fc.property(str, str, (a, b) => {
        const r = computeLcs(a, b, true, 0);
        expect(r.length).toBe(lcsLength(a, b));
        expect(r.subsequence.length).toBe(r.length);
        expect(isSubsequence(r.subsequence, a) && isSubsequence(r.subsequence, b)).toBe(true);
        let total = 0;
        let lastA = Infinity;
        for (const m of r.ranges) {
          expect(a.slice(m.aStart, m.aEnd + 1)).toBe(b.slice(m.bStart, m.bEnd + 1));
          expect(m.aEnd).toBeLessThan(lastA); // from the end towards the start
          lastA = m.aStart;
          total += m.aEnd - m.aStart + 1;
        }
        expect(total).toBe(r.length);
      }),
    );
  });
});
