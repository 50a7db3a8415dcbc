// Helpers shared by the Lua libraries Redis bundles (cjson, cmsgpack, struct, bit),
// written in JS against fengari (engine worker thread): Lua 5.1's argument checks and
// error texts as those C libraries produce them under Redis's Lua 5.1, C's "%.Ng"
// number formatting, and walking a table in (roughly) Lua 5.1's order.
//
// Why these exist: fengari is Lua 5.3, whose luaL_check* texts and number rules
// differ from 5.1's ("number has no integer representation" vs 5.1's silent
// truncation); the libraries call these instead so scripts see Redis's errors.
//
// Invariants: every error helper raises (never returns normally); errors carry
// luaL_where(L, 1), i.e. "user_script:<line>: " of the calling script line, as
// luaL_error does in C.

import fengari, { type LuaState } from 'fengari';
import { str2d51 } from './lua51-str2d.js';

const { lua, lauxlib, to_luastring } = fengari;

/** luaL_error: "<where>msg" raised as a string error. */
export function luaError(L: LuaState, msg: string): never {
  // Room for the message: fengari does not check pushes against the frame's top.
  lua.lua_checkstack(L, 4);
  lauxlib.luaL_where(L, 1);
  const b = Buffer.from(msg, 'latin1');
  lua.lua_pushlstring(L, b, b.length);
  lua.lua_concat(L, 2);
  return lua.lua_error(L);
}

/** luaL_argerror: "bad argument #n to 'name' (msg)". */
export function argError(L: LuaState, arg: number, msg: string): never {
  lua.lua_checkstack(L, 8);
  return lauxlib.luaL_argerror(L, arg, to_luastring(msg)) as never;
}

/** Lua 5.1's type names (lightuserdata is "userdata", as lua_typename says). */
export function typeName(L: LuaState, idx: number): string {
  const t = lua.lua_type(L, idx);
  if (t === lua.LUA_TNONE) return 'no value';
  if (t === lua.LUA_TLIGHTUSERDATA) return 'userdata';
  return lua.lua_typename(L, t) === null ? '?' : Buffer.from(lua.lua_typename(L, t)!).latin1Slice();
}

/** luaL_typerror (5.1): "<expected> expected, got <type>". */
export function typeError(L: LuaState, arg: number, expected: string): never {
  return argError(L, arg, `${expected} expected, got ${typeName(L, arg)}`);
}

/** Lua 5.1's lua_tonumber: numbers, and strings that read as numbers (strtod); else null. */
export function toNumber51(L: LuaState, idx: number): number | null {
  const t = lua.lua_type(L, idx);
  if (t === lua.LUA_TNUMBER) return lua.lua_tonumber(L, idx);
  if (t === lua.LUA_TSTRING) return str2d51(lua.lua_tolstring(L, idx)!);
  return null;
}

/** luaL_checknumber (5.1). */
export function checkNumber51(L: LuaState, arg: number): number {
  const n = toNumber51(L, arg);
  if (n === null) return typeError(L, arg, 'number');
  return n;
}

/** luaL_checkinteger (5.1): a number truncated toward zero (C's cast), 0 for NaN. */
export function checkInteger51(L: LuaState, arg: number): number {
  const n = checkNumber51(L, arg);
  return Number.isFinite(n) ? Math.trunc(n) : 0;
}

/** luaL_checklstring (5.1): strings, and numbers converted in place as Lua does. */
export function checkBytes51(L: LuaState, arg: number): Buffer {
  const t = lua.lua_type(L, arg);
  if (t !== lua.LUA_TSTRING && t !== lua.LUA_TNUMBER) return typeError(L, arg, 'string');
  if (t === lua.LUA_TNUMBER) {
    // 5.1 converts with "%.14g" (lua-number-format.ts makes fengari do the same).
    lua.lua_pushvalue(L, arg);
    lua.lua_tolstring(L, -1);
    lua.lua_replace(L, arg);
  }
  const u8 = lua.lua_tolstring(L, arg)!;
  return Buffer.from(u8.buffer, u8.byteOffset, u8.length);
}

/** luaL_checkoption: the option's index, or "invalid option 'x'". */
export function checkOption(L: LuaState, arg: number, options: readonly string[]): number {
  const name = checkBytes51(L, arg).latin1Slice();
  const i = options.indexOf(name);
  if (i < 0) return argError(L, arg, `invalid option '${name}'`);
  return i;
}

/**
 * Pushes a number as Lua 5.1 would hold it: an integral value that fits fengari's
 * 32-bit integers as an integer (so tostring prints "3", not 5.3's "3.0"), else a float.
 */
export function pushNumber51(L: LuaState, n: number): void {
  if (Number.isInteger(n) && n >= -2147483648 && n <= 2147483647 && !Object.is(n, -0)) lua.lua_pushinteger(L, n);
  else lua.lua_pushnumber(L, n);
}

/**
 * C's printf("%.<precision>g", n), as glibc prints it: inf/nan spelled so, and the
 * exact decimal value rounded half to even (JS's toExponential/toFixed round a tie
 * away from zero: %.14g of 100000000000005 is "1e+14" in C).
 */
export function formatG(n: number, precision: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const p = Math.max(1, precision);
  const [head, exp] = roundDigits(Math.abs(n), p);
  const digits = head.replace(/0+$/, '');
  const sign = n < 0 ? '-' : '';
  if (exp < -4 || exp >= p) {
    const e = String(Math.abs(exp));
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${mant}e${exp < 0 ? '-' : '+'}${e.length < 2 ? `0${e}` : e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const int = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const frac = digits.slice(exp + 1);
  return `${sign}${int}${frac === '' ? '' : `.${frac}`}`;
}

/** The first `p` significant digits of a > 0, rounded half to even, and the decimal exponent. */
function roundDigits(a: number, p: number): [string, number] {
  // Up to 100 digits: far past any tie a double can make at p <= 17 digits.
  const [m, e] = a.toExponential(Math.min(100, p + 60)).split('e') as [string, string];
  let exp = Number(e);
  const all = m.replace('.', '');
  let head = all.slice(0, p);
  const rest = all.slice(p);
  let up: boolean;
  if (rest === '' || rest[0]! < '5') up = false;
  else if (rest[0]! > '5' || /[1-9]/.test(rest.slice(1))) up = true;
  else up = Number(head[head.length - 1]) % 2 === 1;
  if (up) {
    let bumped = (BigInt(head) + 1n).toString();
    if (bumped.length > p) {
      bumped = bumped.slice(0, p);
      exp++;
    }
    head = bumped;
  }
  return [head, exp];
}

/** Sets field `name` of the table on top of the stack to a JS function. */
export function setFunction(L: LuaState, name: string, f: (L: LuaState) => number): void {
  lua.lua_pushjsfunction(L, f);
  lua.lua_setfield(L, -2, to_luastring(name));
}

/** Sets field `name` of the table on top of the stack to a string. */
export function setString(L: LuaState, name: string, value: string): void {
  const b = Buffer.from(value, 'latin1');
  lua.lua_pushlstring(L, b, b.length);
  lua.lua_setfield(L, -2, to_luastring(name));
}

/** Pushes bytes as a Lua string. */
export function pushBytes(L: LuaState, b: Uint8Array): void {
  lua.lua_pushlstring(L, b, b.length);
}

/**
 * Walks the table at the top of the stack the way Lua 5.1's `next` mostly does:
 * positive integer keys first, ascending (where 5.1 keeps its array part), then
 * every other key in fengari's `next` order (5.1's hash order cannot be reproduced).
 * For each pair, key and value are pushed, `visit` runs, and the caller's visit
 * must leave exactly those two values, which are then popped.
 */
export function forEachPair51(L: LuaState, visit: () => void): void {
  const ints: number[] = [];
  lua.lua_checkstack(L, 6);
  lua.lua_createtable(L, 0, 0); // the other keys, in next order
  let others = 0;
  lua.lua_pushnil(L);
  while (lua.lua_next(L, -3) !== 0) {
    lua.lua_pop(L, 1);
    // Every number is a double (lua51-numbers.ts): 5.1's array keys are the integral ones.
    const k = lua.lua_type(L, -1) === lua.LUA_TNUMBER ? lua.lua_tonumber(L, -1) : 0;
    if (Number.isInteger(k) && k > 0 && k <= 0x7fffffff) {
      ints.push(k);
    } else {
      lua.lua_pushvalue(L, -1);
      lua.lua_rawseti(L, -3, ++others);
    }
  }
  ints.sort((a, b) => a - b);
  for (const k of ints) {
    lua.lua_pushinteger(L, k);
    lua.lua_pushinteger(L, k);
    lua.lua_rawget(L, -4);
    visit();
    lua.lua_pop(L, 2);
  }
  for (let i = 1; i <= others; i++) {
    lua.lua_rawgeti(L, -1, i);
    lua.lua_pushvalue(L, -1);
    lua.lua_rawget(L, -4);
    visit();
    lua.lua_pop(L, 2);
  }
  lua.lua_pop(L, 1);
}
