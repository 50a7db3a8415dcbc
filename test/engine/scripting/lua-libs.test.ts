// Unit tests of the pieces under the Lua libraries (src/engine/scripting/lua-lib-util.ts,
// lua-cjson.ts's strtod, lua-readonly.ts) and of the library state as the engine keeps
// it: C's "%.Ng" on known values, strtod's number forms and stopping points, the
// read-only flag (globals refuse writes, KEYS/ARGV and new tables do not, a script
// cannot leave a library broken for the next one), and per-state settings (cjson's
// survive across scripts and SCRIPT FLUSH resets them; functions have their own).

import { describe, expect, test } from 'vitest';
import { formatG } from '../../../src/engine/scripting/lua-lib-util.js';
import { strtod } from '../../../src/engine/scripting/lua-cjson.js';
import { newEngine, openClient, runCommand } from '../support/run.js';

describe('formatG (C printf %.Ng)', () => {
  test.each([
    [0.1, 14, '0.1'],
    [1 / 3, 14, '0.33333333333333'],
    [1e20, 14, '1e+20'],
    [123456789012345678, 14, '1.2345678901235e+17'],
    [100000000000000, 14, '1e+14'],
    [10000000000000, 14, '10000000000000'],
    [0.0001, 14, '0.0001'],
    [0.00001, 14, '1e-05'],
    [-0, 14, '-0'],
    [Math.PI, 3, '3.14'],
    [2.5, 1, '2'],
    [3.5, 1, '4'],
    [1e308 * 10, 14, 'inf'],
    [-Infinity, 14, '-inf'],
    [NaN, 14, 'nan'],
    [1.5e-300, 14, '1.5e-300'],
    [100000000000005, 14, '1e+14'],
    [100000000000015, 14, '1.0000000000002e+14'],
    [0.125, 2, '0.12'],
    [0.375, 2, '0.38'],
    [999999999999995, 14, '1e+15'],
    [123.456, 14, '123.456'],
    [-1e-5, 3, '-1e-05'],
    [12345678, 3, '1.23e+07'],
    [99.99, 3, '100'],
  ])('%s with precision %s -> %s', (n, p, s) => {
    expect(formatG(n, p)).toBe(s);
  });
});

describe('strtod', () => {
  const read = (s: string): [number, number] | null => {
    const r = strtod(Buffer.from(s, 'latin1'), 0);
    return r === null ? null : [r.value, r.end];
  };
  test('decimal forms and where they stop', () => {
    expect(read('12')).toEqual([12, 2]);
    expect(read('-1.5e3x')).toEqual([-1500, 6]);
    expect(read('1.')).toEqual([1, 2]);
    expect(read('.5')).toEqual([0.5, 2]);
    expect(read('1e')).toEqual([1, 1]);
    expect(read('1e+')).toEqual([1, 1]);
    expect(read('00012')).toEqual([12, 5]);
    expect(read('+7]')).toEqual([7, 2]);
    expect(read('9007199254740993')).toEqual([9007199254740992, 16]);
  });
  test('hex, infinity and nan', () => {
    expect(read('0x10')).toEqual([16, 4]);
    expect(read('0x1p4')).toEqual([16, 5]);
    expect(read('-0x.8')).toEqual([-0.5, 5]);
    expect(read('0x')).toEqual([0, 1]);
    expect(read('inf')).toEqual([Infinity, 3]);
    expect(read('-Infinity,')).toEqual([-Infinity, 9]);
    const nan = read('nan(123)');
    expect(Number.isNaN(nan![0])).toBe(true);
    expect(nan![1]).toBe(8);
  });
  test('nothing read', () => {
    expect(read('-')).toBeNull();
    expect(read('.')).toBeNull();
    expect(read('x')).toBeNull();
  });
});

describe('library state in the engine', () => {
  test('globals are read-only, KEYS/ARGV and new tables are not, and nothing leaks to the next script', () => {
    const e = newEngine();
    const c = openClient(e);
    expect(runCommand(e, c, ['EVAL', 'cjson.encode = nil', '0'])).toMatch(/^-ERR user_script:1: Attempt to modify a readonly table script: /);
    expect(runCommand(e, c, ['EVAL', "rawset(string, 'x', 1)", '0'])).toMatch(/^-ERR Attempt to modify a readonly table script: /);
    expect(runCommand(e, c, ['EVAL', 'return cjson.encode({1})', '0'])).toBe('$3\r\n[1]\r\n');
    expect(runCommand(e, c, ['EVAL', "KEYS[1] = 'b' ARGV[2] = 'c' local t = {} t.x = 1 return {KEYS[1], ARGV[2], t.x}", '1', 'a'])).toBe('*3\r\n$1\r\nb\r\n$1\r\nc\r\n:1\r\n');
    expect(runCommand(e, c, ['EVAL', 'return KEYS[1]', '1', 'k'])).toBe('$1\r\nk\r\n');
    const cj = runCommand(e, c, ['EVAL', "local n = cjson.new() n.encode_number_precision(3) return n.encode(math.pi)..' '..cjson.encode(math.pi)", '0']);
    expect(cj).toBe('$20\r\n3.14 3.1415926535898\r\n');
  });

  test('cjson settings persist across scripts until SCRIPT FLUSH; functions have their own state', () => {
    const e = newEngine();
    const c = openClient(e);
    runCommand(e, c, ['EVAL', 'cjson.encode_number_precision(4)', '0']);
    expect(runCommand(e, c, ['EVAL', 'return cjson.encode(math.pi)', '0'])).toBe('$5\r\n3.142\r\n');
    runCommand(e, c, ['FUNCTION', 'LOAD', "#!lua name=j\nredis.register_function('pi', function() return cjson.encode(math.pi) end)"]);
    expect(runCommand(e, c, ['FCALL', 'pi', '0'])).toBe('$15\r\n3.1415926535898\r\n');
    runCommand(e, c, ['SCRIPT', 'FLUSH']);
    expect(runCommand(e, c, ['EVAL', 'return cjson.encode(math.pi)', '0'])).toBe('$15\r\n3.1415926535898\r\n');
  });

  test('struct, cmsgpack and cjson round trips inside one script', () => {
    const e = newEngine();
    const c = openClient(e);
    const script = "local s = struct.pack('>i4c0d', -5, 'abc', 2.5) local a, b, d = struct.unpack('>i4c3d', s) " +
      "local m = cmsgpack.unpack(cmsgpack.pack({a, b, d})) return cjson.encode(m)";
    expect(runCommand(e, c, ['EVAL', script, '0'])).toBe('$14\r\n[-5,"abc",2.5]\r\n');
  });
});
