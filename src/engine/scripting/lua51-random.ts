// Redis's math.random and math.randomseed for scripts (engine worker thread): Redis 7.0
// replaces Lua's (script_lua.c redis_math_random) by its own lrand48 (rand.c), so a
// script's random numbers are the same sequence on every platform: r is
// (lrand48() % INT32_MAX) / INT32_MAX, then r, floor(r*u)+1 or floor(r*(u-l+1))+l.
// lrand48 is the 48-bit linear congruential generator X = (0x5DEECE66D * X + 0xB) mod
// 2^48 whose output is X >> 17; randomseed(s) sets X to (s << 16) | 0x330E. The state
// is one per process, as rand.c's statics: shared by EVAL and FCALL, kept across
// scripts and SCRIPT FLUSH, and starting from lrand48's default seed.

import fengari, { type LuaState } from 'fengari';
import { argError, checkNumber51, luaError, setFunction } from './lua-lib-util.js';

const { lua } = fengari;

const multiplier = 0x5deece66dn;
const increment = 0xbn;
const mask48 = (1n << 48n) - 1n;
/** REDIS_LRAND48_MAX (INT32_MAX). */
const lrand48Max = 2147483647;
/** rand.c's initial X (X2 X1 X0 = 0x1234 0xABCD 0x330E). */
let state = 0x1234abcd330en;

function lrand48(): number {
  state = (state * multiplier + increment) & mask48;
  return Number(state >> 17n);
}

function srand48(seed: number): void {
  const s = seed | 0;
  state = (BigInt((s >>> 16) & 0xffff) << 32n) | (BigInt(s & 0xffff) << 16n) | 0x330en;
}

/** luaL_checkint (5.1): the number truncated toward zero, as C's (int) cast. */
function checkInt(L: LuaState, arg: number): number {
  const n = checkNumber51(L, arg);
  return Number.isFinite(n) ? Math.trunc(n) | 0 : 0;
}

/** Sets math.random and math.randomseed of the table on top of the stack. */
export function installRedisRandom(L: LuaState): void {
  setFunction(L, 'random', (s) => {
    const r = (lrand48() % lrand48Max) / lrand48Max;
    switch (lua.lua_gettop(s)) {
      case 0:
        lua.lua_pushnumber(s, r);
        break;
      case 1: {
        const u = checkInt(s, 1);
        if (u < 1) argError(s, 1, 'interval is empty');
        lua.lua_pushnumber(s, Math.floor(r * u) + 1);
        break;
      }
      case 2: {
        const l = checkInt(s, 1);
        const u = checkInt(s, 2);
        if (l > u) argError(s, 2, 'interval is empty');
        lua.lua_pushnumber(s, Math.floor(r * (u - l + 1)) + l);
        break;
      }
      default:
        return luaError(s, 'wrong number of arguments');
    }
    return 1;
  });
  setFunction(L, 'randomseed', (s) => {
    srand48(checkInt(s, 1));
    return 0;
  });
}
