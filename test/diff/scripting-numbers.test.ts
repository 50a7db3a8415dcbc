// Differential tests of how scripts turn numbers into strings, against redis-server
// 7.0.15 through EVAL: Lua 5.1's "%.14g" for tostring and `..` (fengari's Lua 5.3
// would write "2.0" and "1000000000000000.0"), glibc's signed nan and inf spellings,
// and the number arguments of the libraries (struct, bit) that go through the same
// conversion. string.format('%s') of a float and the 5.3-only syntax are not covered:
// those still differ (src/engine/scripting/lua-number-format.ts).

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
    });
  }
});
