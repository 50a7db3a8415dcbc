// Lua 5.1's standard library surface in fengari's Lua 5.3 state (engine worker thread;
// installRedisLuaLibs runs it once per new state, before the globals are made
// read-only): what Redis 7.0's Lua 5.1 has and 5.3 dropped (unpack, gcinfo,
// math.pow/mod/log10/ldexp/frexp/cosh/sinh/tanh/atan2, table.getn/setn/maxn/foreach/
// foreachi, string.gfind) is added, table.insert/remove trust their position as 5.1's
// do, string.rep ignores 5.3's separator; what 5.3 added (table.unpack/pack/move,
// math.type/tointeger/ult/maxinteger/mininteger, string.pack/unpack/packsize,
// coroutine.isyieldable, the `fengari` global) is removed, so that a script reading
// one meets Redis's nonexistent-global or nil-field error. tonumber is 5.1's (strtod
// and strtoul: "nan", "inf", " 0x10 ", base conversions of 64-bit values, a
// truncated base) and math.log ignores a second argument as 5.1's does.
// Invariant: argument errors keep Lua's texts ("bad argument #1 to 'getn' (table
// expected, got nil)"), since these run as functions called by the script.

import fengari, { type LuaState } from 'fengari';
import { argError, checkNumber51, luaError, setFunction, typeError } from './lua-lib-util.js';
import { str2d51 } from './lua51-str2d.js';
import { installRedisRandom } from './lua51-random.js';

const { lua, to_luastring } = fengari;

function setNil(L: LuaState, name: string): void {
  lua.lua_pushnil(L);
  lua.lua_setfield(L, -2, to_luastring(name));
}

function checkTable(L: LuaState, arg: number): void {
  if (lua.lua_type(L, arg) !== lua.LUA_TTABLE) typeError(L, arg, 'table');
}

function checkFunction(L: LuaState, arg: number): void {
  if (lua.lua_type(L, arg) !== lua.LUA_TFUNCTION) typeError(L, arg, 'function');
}

/** luaL_checkint (5.1): the number truncated toward zero. */
function checkInt(L: LuaState, arg: number): number {
  const n = checkNumber51(L, arg);
  return Number.isFinite(n) ? Math.trunc(n) : 0;
}

/** C's strtoul(s, &end, base) as a double, or null when no digit was read or junk follows. */
function strtoul51(s: Buffer, base: number): number | null {
  let i = 0;
  const space = (c: number | undefined): boolean => c === 32 || (c !== undefined && c >= 9 && c <= 13);
  while (space(s[i])) i++;
  let negative = false;
  if (s[i] === 43 || s[i] === 45) negative = s[i++] === 45;
  if (base === 16 && s[i] === 48 && (s[i + 1]! | 0x20) === 120) {
    const d = digitValue(s[i + 2]);
    if (d >= 0 && d < 16) i += 2;
  }
  const start = i;
  let v = 0n;
  const max = (1n << 64n) - 1n;
  let overflow = false;
  for (;;) {
    const d = digitValue(s[i]);
    if (d < 0 || d >= base) break;
    v = v * BigInt(base) + BigInt(d);
    if (v > max) overflow = true;
    i++;
  }
  if (i === start) return null;
  while (space(s[i])) i++;
  if (i !== s.length) return null;
  if (overflow) v = max;
  else if (negative) v = BigInt.asUintN(64, -v);
  return Number(v);
}

function digitValue(c: number | undefined): number {
  if (c === undefined) return -1;
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  return l >= 97 && l <= 122 ? l - 87 : -1;
}

/** Lua 5.1's luaB_tonumber. */
function tonumber51(L: LuaState): number {
  const base = lua.lua_type(L, 2) <= lua.LUA_TNIL ? 10 : checkInt(L, 2);
  if (base === 10) {
    if (lua.lua_type(L, 1) === lua.LUA_TNONE) argError(L, 1, 'value expected');
    const t = lua.lua_type(L, 1);
    if (t === lua.LUA_TNUMBER) {
      lua.lua_pushnumber(L, lua.lua_tonumber(L, 1));
      return 1;
    }
    if (t === lua.LUA_TSTRING) {
      const n = str2d51(lua.lua_tolstring(L, 1)!);
      if (n !== null) {
        lua.lua_pushnumber(L, n);
        return 1;
      }
    }
  } else {
    const t = lua.lua_type(L, 1);
    if (t !== lua.LUA_TSTRING && t !== lua.LUA_TNUMBER) typeError(L, 1, 'string');
    if (base < 2 || base > 36) argError(L, 2, 'base out of range');
    lua.lua_pushvalue(L, 1);
    const u8 = lua.lua_tolstring(L, -1)!;
    lua.lua_pop(L, 1);
    const raw = Buffer.from(u8.buffer, u8.byteOffset, u8.length);
    const nul = raw.indexOf(0);
    const n = strtoul51(nul >= 0 ? raw.subarray(0, nul) : raw, base);
    if (n !== null) {
      lua.lua_pushnumber(L, n);
      return 1;
    }
  }
  lua.lua_pushnil(L);
  return 1;
}

/** C's frexp: [m, e] with x = m * 2^e and 0.5 <= |m| < 1 (x itself and 0 for 0, inf, nan). */
function frexp(x: number): [number, number] {
  if (x === 0 || !Number.isFinite(x)) return [x, 0];
  let e = Math.max(-1073, Math.floor(Math.log2(Math.abs(x))) + 1);
  let m = x * 2 ** -e;
  while (Math.abs(m) < 0.5) {
    m *= 2;
    e--;
  }
  while (Math.abs(m) >= 1) {
    m /= 2;
    e++;
  }
  return [m, e];
}

/** C's ldexp: x * 2^e without an intermediate overflow or underflow. */
function ldexp(x: number, e: number): number {
  if (e > 1023) return x * 2 ** 1023 * 2 ** (e - 1023);
  if (e < -1022) return x * 2 ** -1022 * 2 ** (e + 1022);
  return x * 2 ** e;
}

function installMath(L: LuaState): void {
  lua.lua_getglobal(L, to_luastring('math'));
  const unary = (name: string, f: (x: number) => number): void =>
    setFunction(L, name, (s) => {
      lua.lua_pushnumber(s, f(checkNumber51(s, 1)));
      return 1;
    });
  installRedisRandom(L);
  setFunction(L, 'pow', (s) => {
    lua.lua_pushnumber(s, Math.pow(checkNumber51(s, 1), checkNumber51(s, 2)));
    return 1;
  });
  lua.lua_getfield(L, -1, to_luastring('fmod'));
  lua.lua_setfield(L, -2, to_luastring('mod'));
  unary('log', Math.log);
  unary('log10', Math.log10);
  unary('cosh', Math.cosh);
  unary('sinh', Math.sinh);
  unary('tanh', Math.tanh);
  setFunction(L, 'atan2', (s) => {
    lua.lua_pushnumber(s, Math.atan2(checkNumber51(s, 1), checkNumber51(s, 2)));
    return 1;
  });
  setFunction(L, 'ldexp', (s) => {
    lua.lua_pushnumber(s, ldexp(checkNumber51(s, 1), checkInt(s, 2)));
    return 1;
  });
  setFunction(L, 'frexp', (s) => {
    const [m, e] = frexp(checkNumber51(s, 1));
    lua.lua_pushnumber(s, m);
    lua.lua_pushnumber(s, e);
    return 2;
  });
  for (const name of ['type', 'tointeger', 'ult', 'maxinteger', 'mininteger']) setNil(L, name);
  lua.lua_pop(L, 1);
}

function installTable(L: LuaState): void {
  lua.lua_getglobal(L, to_luastring('table'));
  // 5.1's unpack is a global; 5.3 moved it into table.
  lua.lua_getfield(L, -1, to_luastring('unpack'));
  lua.lua_setglobal(L, to_luastring('unpack'));
  for (const name of ['unpack', 'pack', 'move']) setNil(L, name);
  // 5.1's insert and remove trust the position (5.3 refuses one out of bounds).
  setFunction(L, 'insert', (s) => {
    checkTable(s, 1);
    let e = lua.lua_rawlen(s, 1) + 1;
    let pos: number;
    const top = lua.lua_gettop(s);
    if (top === 2) pos = e;
    else if (top === 3) {
      pos = checkInt(s, 2);
      if (pos > e) e = pos;
      for (let i = e; i > pos; i--) {
        lua.lua_rawgeti(s, 1, i - 1);
        lua.lua_rawseti(s, 1, i);
      }
    } else return luaError(s, "wrong number of arguments to 'insert'");
    lua.lua_rawseti(s, 1, pos);
    return 0;
  });
  setFunction(L, 'remove', (s) => {
    checkTable(s, 1);
    const e = lua.lua_rawlen(s, 1);
    let pos = lua.lua_type(s, 2) <= lua.LUA_TNIL ? e : checkInt(s, 2);
    if (!(pos >= 1 && pos <= e)) return 0;
    lua.lua_rawgeti(s, 1, pos);
    for (; pos < e; pos++) {
      lua.lua_rawgeti(s, 1, pos + 1);
      lua.lua_rawseti(s, 1, pos);
    }
    lua.lua_pushnil(s);
    lua.lua_rawseti(s, 1, e);
    return 1;
  });
  setFunction(L, 'getn', (s) => {
    checkTable(s, 1);
    lua.lua_pushnumber(s, lua.lua_rawlen(s, 1));
    return 1;
  });
  setFunction(L, 'setn', (s) => {
    checkTable(s, 1);
    return luaError(s, "'setn' is obsolete");
  });
  setFunction(L, 'maxn', (s) => {
    checkTable(s, 1);
    let max = 0;
    lua.lua_pushnil(s);
    while (lua.lua_next(s, 1) !== 0) {
      lua.lua_pop(s, 1);
      if (lua.lua_type(s, -1) === lua.LUA_TNUMBER) {
        const v = lua.lua_tonumber(s, -1);
        if (v > max) max = v;
      }
    }
    lua.lua_pushnumber(s, max);
    return 1;
  });
  setFunction(L, 'foreachi', (s) => {
    checkTable(s, 1);
    checkFunction(s, 2);
    const n = lua.lua_rawlen(s, 1);
    for (let i = 1; i <= n; i++) {
      lua.lua_pushvalue(s, 2);
      lua.lua_pushnumber(s, i);
      lua.lua_rawgeti(s, 1, i);
      lua.lua_call(s, 2, 1);
      if (lua.lua_type(s, -1) !== lua.LUA_TNIL) return 1;
      lua.lua_pop(s, 1);
    }
    return 0;
  });
  setFunction(L, 'foreach', (s) => {
    checkTable(s, 1);
    checkFunction(s, 2);
    lua.lua_pushnil(s);
    while (lua.lua_next(s, 1) !== 0) {
      lua.lua_pushvalue(s, 2);
      lua.lua_pushvalue(s, -3);
      lua.lua_pushvalue(s, -3);
      lua.lua_call(s, 2, 1);
      if (lua.lua_type(s, -1) !== lua.LUA_TNIL) return 1;
      lua.lua_pop(s, 2);
    }
    return 0;
  });
  lua.lua_pop(L, 1);
}

function installString(L: LuaState): void {
  lua.lua_getglobal(L, to_luastring('string'));
  lua.lua_getfield(L, -1, to_luastring('gmatch'));
  lua.lua_setfield(L, -2, to_luastring('gfind'));
  for (const name of ['pack', 'unpack', 'packsize']) setNil(L, name);
  // 5.1's string.rep(s, n) has no separator argument: a third one is ignored.
  lua.lua_getfield(L, -1, to_luastring('rep'));
  const rep = lua.lua_tocfunction(L, -1)!;
  lua.lua_pop(L, 1);
  setFunction(L, 'rep', (s) => {
    if (lua.lua_gettop(s) > 2) lua.lua_settop(s, 2); // a missing argument stays "no value"
    return rep(s);
  });
  lua.lua_pop(L, 1);
}

export function installLua51Libs(L: LuaState): void {
  installMath(L);
  installTable(L);
  installString(L);
  lua.lua_getglobal(L, to_luastring('coroutine'));
  setNil(L, 'isyieldable');
  lua.lua_pop(L, 1);
  lua.lua_pushnil(L);
  lua.lua_setglobal(L, to_luastring('fengari'));
  lua.lua_pushjsfunction(L, tonumber51);
  lua.lua_setglobal(L, to_luastring('tonumber'));
  lua.lua_pushjsfunction(L, (s) => {
    // 5.1's gcinfo: the heap in KB. fengari leaves memory to the JS engine.
    lua.lua_pushnumber(s, Math.floor(process.memoryUsage().heapUsed / 1024));
    return 1;
  });
  lua.lua_setglobal(L, to_luastring('gcinfo'));
}
