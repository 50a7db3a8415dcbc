// 80-bit long double arithmetic (src/engine/long-double.ts) against values printed by
// redis-server 7.0.15 (x86-64) for INCRBYFLOAT, plus properties of exactness.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addLongDouble, formatLongDoubleHuman, parseLongDouble } from '../../src/engine/long-double.js';

function incr(a: string, b: string): string {
  const x = parseLongDouble(a);
  const y = parseLongDouble(b);
  if (x === null || y === null) return 'not a float';
  const r = addLongDouble(x, y);
  return typeof r === 'string' ? r : formatLongDoubleHuman(r);
}

describe('long double', () => {
  it('adds and prints as redis-server does', () => {
    expect(incr('10.5', '0.1')).toBe('10.6');
    expect(incr('10.6', '1e20')).toBe('100000000000000000008');
    expect(incr('3000', '1.1')).toBe('3001.10000000000000009');
    expect(incr('1.5e-20', '0')).toBe('0');
    expect(incr('-1e-20', '0')).toBe('0');
    expect(incr('0', '0x10')).toBe('16');
    expect(incr('0', '-0.0')).toBe('0');
    expect(incr('1.7976931348623157e308', '1.7976931348623157e308')).toBe(
      '359538626972463139991842093548208868096772893888658356970628841530353257046248792709403737216774171128857586838851041378617416726902272110715794556052955234146997955372576789671236326588091188869859074894581254961338834769297758245552436667197907705664206565009503223382416235440319971852753604933726679072768',
    );
    expect(incr('0', '1e400').startsWith('10000000000000000000281880683947586514586')).toBe(true);
  });

  it('refuses what string2ld refuses and reports infinities', () => {
    for (const bad of ['', ' 1', '1 ', 'nan', '-nan', '1e', 'abc', '1e99999', '1e-99999', '0x', '.']) {
      expect([bad, parseLongDouble(bad)]).toEqual([bad, null]);
    }
    expect(parseLongDouble('inf')).toBe('inf');
    expect(parseLongDouble('-Infinity')).toBe('-inf');
    expect(incr('inf', '1')).toBe('inf');
    expect(incr('inf', '-inf')).toBe('nan');
    expect(incr('1e4932', '1e4932')).toBe('inf');
    expect(parseLongDouble('0e99999')).toEqual({ neg: false, m: 0n, e: 0 });
  });

  it('adds integers below 2^64 exactly', () => {
    fc.assert(
      fc.property(fc.bigInt(-(2n ** 62n), 2n ** 62n), fc.bigInt(-(2n ** 62n), 2n ** 62n), (a, b) => {
        expect(incr(a.toString(), b.toString())).toBe((a + b).toString());
      }),
    );
  });

  it('prints a value that parses back to itself', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e30, max: 1e30 }), (d) => {
        const once = incr(String(d), '0');
        expect(incr(once, '0')).toBe(once);
      }),
    );
  });
});
