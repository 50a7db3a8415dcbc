import { describe, expect, it } from 'vitest';
import { eqi, parseCFloat, string2ld, string2ll, string2safeInt } from '../../src/engine/args.js';

describe('Redis number parsing', () => {
  it('string2ll accepts exactly the int64 spellings Redis accepts', () => {
    expect(string2ll('0')).toBe(0n);
    expect(string2ll('-1')).toBe(-1n);
    expect(string2ll('9223372036854775807')).toBe(9223372036854775807n);
    expect(string2ll('-9223372036854775808')).toBe(-9223372036854775808n);
    for (const bad of ['', '-', '+1', ' 1', '1 ', '01', '-0', '9223372036854775808', '1.0', '0x10', '1e3']) {
      expect(string2ll(bad), bad).toBeNull();
    }
    expect(string2safeInt('9007199254740993')).toBeNull();
    expect(string2safeInt('123')).toBe(123);
  });

  it('string2ld follows strtold over the whole string', () => {
    expect(string2ld('1.5')).toBe(1.5);
    expect(string2ld('-inf')).toBe(-Infinity);
    expect(string2ld('+Infinity')).toBe(Infinity);
    expect(string2ld('1e3')).toBe(1000);
    expect(string2ld('.5')).toBe(0.5);
    expect(string2ld('5.')).toBe(5);
    expect(string2ld('0x1p4')).toBe(16);
    for (const bad of ['', ' 1', '1 ', 'nan', 'abc', '1e', '--1']) expect(string2ld(bad), bad).toBeNull();
    expect(Number.isNaN(parseCFloat('NaN'))).toBe(true);
  });

  it('eqi compares bytes to a lower-case literal ignoring case', () => {
    expect(eqi(Buffer.from('PxAt'), 'pxat')).toBe(true);
    expect(eqi(Buffer.from('pxa'), 'pxat')).toBe(false);
    expect(eqi(Buffer.from('px@t'), 'px`t')).toBe(false);
  });
});
