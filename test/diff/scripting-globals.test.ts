// Differential tests of what scripts see around Redis's Lua libraries, against
// redis-server 7.0.15 through EVAL: Redis 7.0's read-only globals (every library
// table, the globals themselves, the string metatable; even rawset and setmetatable
// refuse), the 5.1 globals that exist or not (debug, loadstring, rawlen), and the
// `bit` library's argument checks and rounding (LuaBitOp's barg: numeric strings,
// round half to even, Lua 5.1's error texts).

import { describe } from 'vitest';
import { diffSeq, usePair } from '../support/diff-pair.js';
import { describeWithOracle } from '../support/oracle-guard.js';

const ev = (script: string, ...args: string[]): string[] => ['EVAL', script, '0', ...args];

describeWithOracle('diff: scripting globals and bit', () => {
  const pair = usePair();
  for (const proto of [2, 3] as const) {
    describe(`RESP${proto}`, () => {
      const seq = (name: string, steps: Parameters<typeof diffSeq>[2]): void => diffSeq(pair, name, steps, { proto });

      seq('read-only globals and library tables', [
        ev('redis.call = nil return 1'),
        ev('string.rep = nil return 1'),
        ev('math.myx = 1 return 1'),
        ev('table.insert = nil return 1'),
        ev('bit.band = nil return 1'),
        ev('cjson.encode = nil return 1'),
        ev('cmsgpack.pack = nil return 1'),
        ev('struct.pack = nil return 1'),
        ev('coroutine.x = 1 return 1'),
        ev('local t = string t.x = 1 return 1'),
        ev('redis.LOG_DEBUG = 5 return 1'),
        ev("rawset(_G, 'x', 1) return 1"),
        ev("rawset(cjson, 'x', 1) return 1"),
        ev('setmetatable(cjson, nil) return 1'),
        ev('setmetatable(_G, nil) return 1'),
        ev("getmetatable('').__index = nil return 1"),
        ev('return getmetatable(cjson)'),
        ev('return getmetatable(_G) == nil'),
        ev('return next(cjson) ~= nil'),
        ev("return rawget(cjson, 'encode') ~= nil"),
        ev('local t = {} t.x = 1 setmetatable(t, {}) return t.x'),
        ev("KEYS[1] = 'x' return KEYS[1]", 'a'),
        ev("table.insert(KEYS, 'z') return KEYS", 'a'),
        ev('return redis.call("ping")'),
        ev('return type(debug)'),
        ev('return type(loadstring)'),
        ev('return {rawequal(cjson, cjson), rawlen(KEYS)}'),
      ]);

      seq('bit: argument checks and rounding', [
        ev("return bit.band('x')"),
        ev('return bit.band()'),
        ev("return bit.tobit('12')"),
        ev("return bit.tobit(1.5)..' '..bit.tobit(2.5)..' '..bit.tobit(-1.5)..' '..bit.tobit(-2.5)"),
        ev('return bit.tohex(1, 0)'),
        ev('return bit.tohex(-1, -9)'),
        ev('return bit.tohex(255, 2.7)'),
        ev('return bit.lshift(1, 33)'),
        ev('return bit.rol(1, -1)'),
        ev("return bit.bor(1, '2', 4)"),
        ev('return {bit.tobit(2^53), bit.tobit(2^52 + 1), bit.tobit(2^32 + 7), bit.tobit(-2^31 - 1)}'),
        ev('return bit.tobit(0/0)'),
        ev('return bit.tobit(1/0)'),
        ev('return {bit.bswap(1), bit.bnot(-1)}'),
        ev('return tostring(bit.tobit(5))'),
        ev('local t={} for k,v in pairs(bit) do t[#t+1]=k end table.sort(t) return t'),
      ]);
    });
  }
});
