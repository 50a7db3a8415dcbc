// Differential tests of how scripts turn numbers into strings, against redis-server
// 7.0.15 through EVAL: Lua 5.1's "%.14g" for tostring and `..` (fengari's Lua 5.3
// would write "2.0" and "1000000000000000.0"), glibc's signed nan and inf spellings,
// and the number arguments of the libraries (struct, bit) that go through the same
// conversion, and string.format's %s/%q/%d family with numbers. %e/%f/%g and the
// 5.3-only syntax are in scripting-lua51.test.ts.

import { describe } from 'vitest';
import { diffSeq, usePair } from '../support/diff-pair.js';
import { describeWithOracle } from '../support/oracle-guard.js';

const ev = (script: string, ...args: string[]): string[] => ['EVAL', script, '0', ...args];

describeWithOracle('diff: scripting number formatting', () => {
  const pair = usePair();
  for (const proto of [2, 3] as const) {
    describe(`RESP${proto}`, () => {
      diffSeq(pair, 'tostring and concatenation of numbers', [
        ev('return {tostring(0/0), tostring(-(0/0)), tostring(math.huge), tostring(-math.huge), tostring(1e100), tostring(2^63)}'),
        ev("return {tostring(0.1+0.2), 1.5+0.5 .. '', tostring(1e15), tostring(123456789012), tostring(2^31), tostring(3)}"),
        ev("return {tostring(7/2), 10/2 .. 'x', tostring(-1e-5), tostring(2^53), tostring(100000000000005), tostring(1/3)}"),
        ev("return tostring(tonumber(ARGV[1]) * 2)", '1.25'),
        ev("return tostring(tonumber(ARGV[1]) + 0.5)", '1.5'),
        ev("redis.call('set', 'k', tonumber(ARGV[1]) / 4 .. '') return redis.call('get', 'k')", '10'),
        ev('return tostring()'),
        ev('return {tostring(nil), tostring(true), tostring(-0.5)}'),
        ev("return struct.pack('c0', 2.5)"),
        ev('return bit.tohex(2.0)'),
        ev('return cmsgpack.pack(0/0, -(0/0))'),
      ], { proto });
      diffSeq(pair, 'string.format with numbers, and the wrapped builtins\' own errors', [
        ev("return {string.format('%s|%5s|%-6s|', 2.0, 1.5, 3), string.format('%d %i %x %c %5.2d', 3.7, -2.5, 255.9, 65.2, 7.9), string.format('%d', 2^53), string.format('%q', 1.5), string.format('%s', 1e15)}"),
        ev("return string.format('%q|%q', 3, 'a\\nb')"),
        ev("return string.format('%05d|%-5d|%+d|% d|%.3d|%#x|%#o|%X', 4.5, 2.5, 3.5, 7.0, 5.5, 255.0, 8.0, 3054.9)"),
        ev("return string.format('%d|%x', -1.5, -1.5)"),
        ev("return string.format('%5.1f|%d|%s|%x', 3.14159, 42, 'hi', 255)"),
        ev("return string.format('%%|%s', 1.25)"),
        ev("return string.format('%d', 1/0)"),
        ev("return ('%s'):format(0.5)"),
        ev("return string.format('%c%c', 72.0, 105)"),
        ev("return string.format('%d', 'x')"),
        ev('return string.format()'),
        ev("return string.format('%s')"),
        ev('return setmetatable(1, {})'),
        ev('return tostring(1.5, 2)'),
      ], { proto });
    });
  }
});
