// Lua 5.1's single number type for fengari (engine worker thread, patched once per
// process when this module loads): Redis's Lua 5.1 has only doubles, where fengari's
// Lua 5.3 also has 32-bit integers whose + - * wrap around (100000 * 100000 gave
// 1410065408, tonumber('2000000000') * 3 a negative number) and which refuse a
// fractional index (string.sub(s, 2.5) errors where 5.1 truncates).
//
// How, all through fengari's module objects (the VM and the API call them there):
// - TValue.ttisinteger() answers false while scripts run, and ttisfloat() true for
//   every number, so the VM's integer fast paths (arithmetic, unary minus, numeric
//   for loops) never run: every result is a double, as in 5.1. The parser keeps the
//   real answers (its constant cache stores integer indexes), so luaY_parser is
//   wrapped to say when it runs; integers still stored (library results, table keys)
//   then act as doubles of the same value.
// - luaO_str2num is 5.1's luaO_str2d (C's strtod: "nan", "inf", "0x10", " 1e5 "; a
//   double always), for numerals in source, tonumber and string coercion.
// - lvm.tointeger, behind lua_tointeger and luaL_checkinteger, truncates as 5.1's
//   (int) cast does; values outside fengari's 32-bit integers still fail.
// Cost: fengari's float paths are slower than its integer ones; a pure arithmetic
// loop (3M iterations of s = s + i * 2 - (i % 7)) takes ~1.6x the CPU time it took
// with wrapping integers (node, process.cpuUsage, medians of 6). Scripts that mostly
// call redis.call do not notice.
// Invariant: patched once (the __keeldbLua51 mark); numbers print through
// lua-number-format.ts, whose "%.14g" is also right for integral doubles.

import { createRequire } from 'node:module';
import { str2d51 } from './lua51-str2d.js';

const require = createRequire(import.meta.url);

interface TValueProto {
  type: number;
  value: unknown;
  ttisinteger(): boolean;
  ttisfloat(): boolean;
  setfltvalue(n: number): void;
  svalue(): Uint8Array;
}
const lobject = require('fengari/src/lobject.js') as {
  TValue: { prototype: TValueProto };
  luaO_str2num: (s: Uint8Array, o: TValueProto) => number;
};
const lparser = require('fengari/src/lparser.js') as { luaY_parser: (...args: unknown[]) => unknown };
const lvm = require('fengari/src/lvm.js') as { tointeger: (o: TValueProto) => number | false } & { __keeldbLua51?: boolean };

/** Lua 5.3's tags: LUA_TNUMBER, and its float and integer variants. */
const tNumber = 3;
const tNumFlt = 3;
const tNumInt = 3 | (1 << 4);
const tString = 4;
/** fengari's lua_Integer range (lua_numbertointeger). */
const intMin = -2147483648;

let parsing = 0;

if (lvm.__keeldbLua51 !== true) {
  lvm.__keeldbLua51 = true;
  const proto = lobject.TValue.prototype;
  proto.ttisinteger = function ttisinteger(this: TValueProto): boolean {
    return parsing > 0 && this.type === tNumInt;
  };
  proto.ttisfloat = function ttisfloat(this: TValueProto): boolean {
    return parsing > 0 ? this.type === tNumFlt : (this.type & 0x0f) === tNumber;
  };
  const parse = lparser.luaY_parser;
  lparser.luaY_parser = (...args: unknown[]): unknown => {
    parsing++;
    try {
      return parse(...args);
    } finally {
      parsing--;
    }
  };
  lobject.luaO_str2num = (s, o) => {
    const n = str2d51(s);
    if (n === null) return 0;
    o.setfltvalue(n);
    return s.length + 1;
  };
  lvm.tointeger = (o) => {
    let n: number;
    if ((o.type & 0x0f) === tNumber) n = o.value as number;
    else if ((o.type & 0x0f) === tString) {
      const d = str2d51(o.svalue());
      if (d === null) return false;
      n = d;
    } else return false;
    const t = Math.trunc(n);
    return t >= intMin && t < -intMin ? t : false;
  };
}
