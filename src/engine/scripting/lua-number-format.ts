// Lua 5.1's number-to-string conversion for fengari (engine worker thread): Redis's Lua
// formats every number with LUAI_NUMFFORMAT "%.14g" (tostring, `..`, string
// arguments built from numbers), where fengari's Lua 5.3 writes floats its own way
// ("3.0", "1000000000000000.0"). Integers (fengari's 32-bit ones) print the same in
// both, so only floats change: they go through C's %.14g (formatG), NaN keeping its
// sign as glibc prints it ("-nan" for 0/0 on x86, "nan" for -(0/0)).
//
// How: fengari converts numbers to strings through lobject.luaO_tostring, which its
// API and VM (`..`, lua_tolstring) reach through the module object; the wrapper below
// replaces it for floats, once per process. The `tostring` builtin goes another way
// (luaL_tolstring -> lua_pushfstring), so installTostring51 wraps that global too.
// string.format('%s', x) still formats floats fengari's way. Invariant: integers are
// left to fengari.

import { createRequire } from 'node:module';
import fengari, { type LuaState } from 'fengari';
import { argError, formatG, pushBytes } from './lua-lib-util.js';

const { lua, to_luastring } = fengari;
const require = createRequire(import.meta.url);

interface TValueLike {
  value: number;
  ttisinteger(): boolean;
  setsvalue(s: unknown): void;
}
type ToString = ((L: unknown, obj: TValueLike) => void) & { __keeldbWrapped?: boolean };

const lobject = require('fengari/src/lobject.js') as { luaO_tostring: ToString };
const lstring = require('fengari/src/lstring.js') as { luaS_bless: (L: unknown, b: Uint8Array) => unknown };

if (lobject.luaO_tostring.__keeldbWrapped !== true) {
  const original = lobject.luaO_tostring;
  const wrapped: ToString = (L, obj) => {
    if (obj.ttisinteger()) {
      original(L, obj);
      return;
    }
    obj.setsvalue(lstring.luaS_bless(L, to_luastring(formatNumber51(obj.value))));
  };
  wrapped.__keeldbWrapped = true;
  lobject.luaO_tostring = wrapped;
}

const nanProbe = new Float64Array(1);
const nanProbeWords = new Uint32Array(nanProbe.buffer);

/** "%.14g" of a Lua 5.1 number, with glibc's signed nan. */
export function formatNumber51(n: number): string {
  if (Number.isNaN(n)) {
    nanProbe[0] = n;
    return (nanProbeWords[1]! & 0x80000000) !== 0 ? '-nan' : 'nan';
  }
  return formatG(n, 14);
}

/** Replaces the global `tostring` with one that prints floats as Lua 5.1 does. */
export function installTostring51(L: LuaState): void {
  const name = to_luastring('tostring');
  lua.lua_getglobal(L, name);
  lua.lua_pushcclosure(L, (s) => {
    if (lua.lua_gettop(s) === 0) return argError(s, 1, 'value expected');
    if (lua.lua_type(s, 1) === lua.LUA_TNUMBER && !lua.lua_isinteger(s, 1)) {
      pushBytes(s, Buffer.from(formatNumber51(lua.lua_tonumber(s, 1)), 'latin1'));
      return 1;
    }
    const nargs = lua.lua_gettop(s);
    lua.lua_pushvalue(s, lua.lua_upvalueindex(1));
    lua.lua_insert(s, 1);
    lua.lua_call(s, nargs, 1);
    return 1;
  }, 1);
  lua.lua_setglobal(L, name);
}
