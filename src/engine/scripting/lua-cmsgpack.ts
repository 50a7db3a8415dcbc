// The `cmsgpack` library Redis 7.0 gives scripts (lua-cmsgpack 0.4.0 as bundled in
// Redis's deps/lua, built for Lua 5.1), in JS over fengari (engine worker thread).
// Read to match, not copied:
//
//   cmsgpack.pack(v1, v2, ...)   each value in turn, concatenated:
//     integral finite numbers that fit int64 -> the smallest of fixint, uint8/16/32/64,
//     int8/16/32/64; other numbers -> float32 (0xca) when the float holds the same
//     value, else float64 (0xcb); strings -> fixstr (< 32 bytes), str8 (0xd9, < 256),
//     str16 (0xda), str32 (0xdb); booleans; a table whose keys are exactly the
//     numbers 1..n -> an array of t[1]..t[n], any other table -> a map (keys and
//     values in `next` order); tables nested 16 deep, functions, nil, userdata -> nil.
//     No argument: "bad argument #0 to 'pack' (MessagePack pack needs input.)".
//   cmsgpack.unpack(s)           every top-level value in s (0 values for "").
//   cmsgpack.unpack_one(s [, offset])
//   cmsgpack.unpack_limit(s, limit [, offset])
//                                the next offset (-1 at the end), then up to `limit`
//                                values; unpack_limit(s, 0, 0) is unpack(s).
//     Integers decode to Lua numbers (uint64 above 2^63 wraps negative, as Lua 5.1's
//     lua_pushinteger does); bin, ext and fixext types are "Bad data format in input.";
//     a short input is "Missing bytes in input."; a map with a nil or NaN key raises
//     Lua's own "table index is nil/NaN".
//
// Known differences: map entries come out in fengari's `next` order, not Lua 5.1's
// (single-entry maps and arrays are byte-identical).
//
// Invariants: pack leaves one string on the stack; unpack's results sit above its
// argument; the decoder mirrors the C code's stack use so Lua 5.1's 8000-slot frame
// limit ("stack overflow (too many return values at once; ...)") hits at the same
// point.

import fengari, { type LuaState } from 'fengari';
import { argError, checkBytes51, checkInteger51, forEachPair51, luaError, pushBytes, pushNumber51, setFunction, setString } from './lua-lib-util.js';

const { lua, to_luastring } = fengari;

/** LUACMSGPACK_MAX_NESTING: deeper tables are packed as nil (survives cycles). */
const nestingMax = 16;
/** Lua 5.1's LUAI_MAXCSTACK: the most slots one C function's frame may use. */
const luaFrameSlotsMax = 8000;
/**
 * Containers nested deeper than this fail as Lua 5.1's frame limit makes them fail
 * (at about 3999 levels there): the JS recursion here can exhaust V8's stack from
 * about 1500 levels once Lua's error handler runs on top of it, so it comes earlier
 * than in Redis.
 */
const decodeNestingMax = 1000;
let decodeNesting = 0;

export function installCmsgpack(L: LuaState): void {
  lua.lua_createtable(L, 0, 8);
  setFunction(L, 'pack', pack);
  setFunction(L, 'unpack', (s) => unpackFull(s, 0, 0));
  setFunction(L, 'unpack_one', (s) => {
    const offset = optInt(s, 2, 0);
    lua.lua_settop(s, 1);
    return unpackFull(s, 1, offset);
  });
  setFunction(L, 'unpack_limit', (s) => {
    const limit = checkInt(s, 2);
    const offset = optInt(s, 3, 0);
    lua.lua_settop(s, 1);
    return unpackFull(s, limit, offset);
  });
  setString(L, '_NAME', 'cmsgpack');
  setString(L, '_VERSION', 'lua-cmsgpack 0.4.0');
  setString(L, '_COPYRIGHT', 'Copyright (C) 2012, Salvatore Sanfilippo');
  setString(L, '_DESCRIPTION', 'MessagePack C implementation for Lua');
  lua.lua_setglobal(L, to_luastring('cmsgpack'));
}

/** luaL_checkinteger (5.1 truncation; limits and offsets are 64-bit lua_Integers). */
function checkInt(L: LuaState, arg: number): number {
  return checkInteger51(L, arg);
}

function optInt(L: LuaState, arg: number, dflt: number): number {
  const t = lua.lua_type(L, arg);
  return t === lua.LUA_TNIL || t === lua.LUA_TNONE ? dflt : checkInt(L, arg);
}

// --- pack --------------------------------------------------------------------------

class Buf {
  bytes: number[] = [];
  push(...b: number[]): void {
    for (const x of b) this.bytes.push(x & 0xff);
  }
  be(n: number, width: number): void {
    for (let i = width - 1; i >= 0; i--) this.bytes.push(Math.floor(n / 2 ** (8 * i)) & 0xff);
  }
}

function encodeBytes(buf: Buf, s: Uint8Array): void {
  const n = s.length;
  if (n < 32) buf.push(0xa0 | n);
  else if (n <= 0xff) buf.push(0xd9, n);
  else if (n <= 0xffff) {
    buf.push(0xda);
    buf.be(n, 2);
  } else {
    buf.push(0xdb);
    buf.be(n, 4);
  }
  for (const b of s) buf.bytes.push(b);
}

const scratch = new DataView(new ArrayBuffer(8));

function encodeDouble(buf: Buf, d: number): void {
  // NaN fails the float test (NaN !== NaN) and keeps its bits, sign included (V8
  // keeps x86's negative default NaN from 0/0, as Redis's C code does).
  if (Math.fround(d) === d) {
    scratch.setFloat32(0, d);
    buf.push(0xca, scratch.getUint8(0), scratch.getUint8(1), scratch.getUint8(2), scratch.getUint8(3));
  } else {
    scratch.setFloat64(0, d);
    buf.push(0xcb);
    for (let i = 0; i < 8; i++) buf.push(scratch.getUint8(i));
  }
}

function encodeInt(buf: Buf, n: bigint): void {
  if (n >= 0n) {
    if (n <= 127n) buf.push(Number(n));
    else if (n <= 0xffn) buf.push(0xcc, Number(n));
    else if (n <= 0xffffn) {
      buf.push(0xcd);
      buf.be(Number(n), 2);
    } else if (n <= 0xffffffffn) {
      buf.push(0xce);
      buf.be(Number(n), 4);
    } else {
      buf.push(0xcf);
      for (let i = 7; i >= 0; i--) buf.push(Number((n >> BigInt(8 * i)) & 0xffn));
    }
  } else if (n >= -32n) {
    buf.push(Number(n) & 0xff);
  } else if (n >= -128n) {
    buf.push(0xd0, Number(n) & 0xff);
  } else if (n >= -32768n) {
    buf.push(0xd1);
    buf.be(Number(n) & 0xffff, 2);
  } else if (n >= -2147483648n) {
    buf.push(0xd2);
    buf.be(Number(n) >>> 0, 4);
  } else {
    const u = BigInt.asUintN(64, n);
    buf.push(0xd3);
    for (let i = 7; i >= 0; i--) buf.push(Number((u >> BigInt(8 * i)) & 0xffn));
  }
}

function encodeLength(buf: Buf, n: number, fix: number, b16: number, b32: number): void {
  if (n <= 15) buf.push(fix | n);
  else if (n <= 65535) {
    buf.push(b16);
    buf.be(n, 2);
  } else {
    buf.push(b32);
    buf.be(n, 4);
  }
}

/** table_is_an_array: every key a number, integral, >= 1, and max == count. */
function tableIsArray(L: LuaState): boolean {
  const top = lua.lua_gettop(L);
  let count = 0;
  let max = 0;
  lua.lua_pushnil(L);
  while (lua.lua_next(L, -2) !== 0) {
    lua.lua_pop(L, 1);
    if (lua.lua_type(L, -1) !== lua.LUA_TNUMBER) {
      lua.lua_settop(L, top);
      return false;
    }
    const n = lua.lua_tonumber(L, -1);
    if (!(n > 0) || !Number.isFinite(n) || (n | 0) !== n) {
      lua.lua_settop(L, top);
      return false;
    }
    if (n > max) max = n;
    count++;
  }
  lua.lua_settop(L, top);
  return max === count;
}

/** mp_encode_lua_type: the value on top of the stack, which it pops. */
function encodeValue(L: LuaState, buf: Buf, level: number): void {
  let t = lua.lua_type(L, -1);
  if (t === lua.LUA_TTABLE && level === nestingMax) t = lua.LUA_TNIL;
  if (t === lua.LUA_TSTRING) {
    encodeBytes(buf, lua.lua_tolstring(L, -1)!);
  } else if (t === lua.LUA_TBOOLEAN) {
    buf.push(lua.lua_toboolean(L, -1) ? 0xc3 : 0xc2);
  } else if (t === lua.LUA_TNUMBER) {
    const n = lua.lua_tonumber(L, -1);
    if (Number.isInteger(n) && n >= -9223372036854775808 && n < 9223372036854775808) encodeInt(buf, BigInt(n));
    else encodeDouble(buf, n);
  } else if (t === lua.LUA_TTABLE) {
    lua.lua_checkstack(L, 4);
    if (tableIsArray(L)) {
      const len = lua.lua_rawlen(L, -1);
      encodeLength(buf, len, 0x90, 0xdc, 0xdd);
      for (let j = 1; j <= len; j++) {
        lua.lua_pushinteger(L, j);
        lua.lua_gettable(L, -2);
        encodeValue(L, buf, level + 1);
      }
    } else {
      let len = 0;
      lua.lua_pushnil(L);
      while (lua.lua_next(L, -2) !== 0) {
        lua.lua_pop(L, 1);
        len++;
      }
      encodeLength(buf, len, 0x80, 0xde, 0xdf);
      forEachPair51(L, () => {
        lua.lua_pushvalue(L, -2);
        encodeValue(L, buf, level + 1); // the key
        lua.lua_pushvalue(L, -1);
        encodeValue(L, buf, level + 1); // the value
      });
    }
  } else {
    buf.push(0xc0);
  }
  lua.lua_pop(L, 1);
}

function pack(L: LuaState): number {
  const nargs = lua.lua_gettop(L);
  if (nargs === 0) return argError(L, 0, 'MessagePack pack needs input.');
  const buf = new Buf();
  for (let i = 1; i <= nargs; i++) {
    lua.lua_pushvalue(L, i);
    encodeValue(L, buf, 0);
  }
  pushBytes(L, Uint8Array.from(buf.bytes));
  return 1;
}

// --- unpack ------------------------------------------------------------------------

const enum CurError {
  None,
  Eof,
  BadFormat,
}

class Cursor {
  err = CurError.None;
  constructor(
    readonly s: Uint8Array,
    public p: number,
  ) {}
  get left(): number {
    return this.s.length - this.p;
  }
  /** mp_cur_need: false (and the EOF error) when fewer than n bytes remain. */
  need(n: number): boolean {
    if (this.left < n) {
      this.err = CurError.Eof;
      return false;
    }
    return true;
  }
  u(at: number, width: number): number {
    let v = 0;
    for (let i = 0; i < width; i++) v = v * 256 + this.s[this.p + at + i]!;
    return v;
  }
}

/** mp_decode_to_lua_type: pushes one value (or sets c.err). */
function decodeValue(L: LuaState, c: Cursor): void {
  if (!c.need(1)) return;
  // luaL_checkstack(L, 1, ...) under Lua 5.1's per-frame limit.
  if (lua.lua_gettop(L) + 1 > luaFrameSlotsMax || !lua.lua_checkstack(L, 4)) {
    luaError(L, 'stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)');
  }
  const b = c.s[c.p]!;
  const view = new DataView(c.s.buffer, c.s.byteOffset, c.s.length);
  switch (b) {
    case 0xcc:
      if (!c.need(2)) return;
      pushNumber51(L, c.u(1, 1));
      c.p += 2;
      return;
    case 0xd0:
      if (!c.need(2)) return;
      pushNumber51(L, view.getInt8(c.p + 1));
      c.p += 2;
      return;
    case 0xcd:
      if (!c.need(3)) return;
      pushNumber51(L, c.u(1, 2));
      c.p += 3;
      return;
    case 0xd1:
      if (!c.need(3)) return;
      pushNumber51(L, view.getInt16(c.p + 1));
      c.p += 3;
      return;
    case 0xce:
      if (!c.need(5)) return;
      pushNumber51(L, c.u(1, 4));
      c.p += 5;
      return;
    case 0xd2:
      if (!c.need(5)) return;
      pushNumber51(L, view.getInt32(c.p + 1));
      c.p += 5;
      return;
    case 0xcf:
    case 0xd3:
      // Both go through lua_pushinteger (signed 64-bit) before becoming a double.
      if (!c.need(9)) return;
      pushNumber51(L, Number(view.getBigInt64(c.p + 1)));
      c.p += 9;
      return;
    case 0xc0:
      lua.lua_pushnil(L);
      c.p += 1;
      return;
    case 0xc3:
      lua.lua_pushboolean(L, true);
      c.p += 1;
      return;
    case 0xc2:
      lua.lua_pushboolean(L, false);
      c.p += 1;
      return;
    case 0xca:
      if (!c.need(5)) return;
      pushNumber51(L, view.getFloat32(c.p + 1));
      c.p += 5;
      return;
    case 0xcb:
      if (!c.need(9)) return;
      pushNumber51(L, view.getFloat64(c.p + 1));
      c.p += 9;
      return;
    case 0xd9:
      return decodeString(L, c, 2, c.need(2) ? c.u(1, 1) : -1);
    case 0xda:
      return decodeString(L, c, 3, c.need(3) ? c.u(1, 2) : -1);
    case 0xdb:
      return decodeString(L, c, 5, c.need(5) ? c.u(1, 4) : -1);
    case 0xdc:
      if (!c.need(3)) return;
      return decodeArray(L, c, 3, c.u(1, 2));
    case 0xdd:
      if (!c.need(5)) return;
      return decodeArray(L, c, 5, c.u(1, 4));
    case 0xde:
      if (!c.need(3)) return;
      return decodeMap(L, c, 3, c.u(1, 2));
    case 0xdf:
      if (!c.need(5)) return;
      return decodeMap(L, c, 5, c.u(1, 4));
    default:
      if ((b & 0x80) === 0) {
        pushNumber51(L, b);
        c.p += 1;
      } else if ((b & 0xe0) === 0xe0) {
        pushNumber51(L, b - 256);
        c.p += 1;
      } else if ((b & 0xe0) === 0xa0) {
        decodeString(L, c, 1, b & 0x1f);
      } else if ((b & 0xf0) === 0x90) {
        decodeArray(L, c, 1, b & 0xf);
      } else if ((b & 0xf0) === 0x80) {
        decodeMap(L, c, 1, b & 0xf);
      } else {
        c.err = CurError.BadFormat;
      }
  }
}

/** A string of `len` bytes after a `header`-byte header (len -1: header already short). */
function decodeString(L: LuaState, c: Cursor, header: number, len: number): void {
  if (len < 0 || !c.need(header + len)) return;
  pushBytes(L, c.s.subarray(c.p + header, c.p + header + len));
  c.p += header + len;
}

function decodeArray(L: LuaState, c: Cursor, header: number, len: number): void {
  c.p += header;
  lua.lua_createtable(L, 0, 0);
  if (lua.lua_gettop(L) + 1 > luaFrameSlotsMax || decodeNesting >= decodeNestingMax) {
    decodeNesting = 0;
    luaError(L, 'stack overflow (in function mp_decode_to_lua_array)');
  }
  decodeNesting++;
  try {
    for (let index = 1; index <= len; index++) {
      lua.lua_pushinteger(L, index);
      decodeValue(L, c);
      if (c.err !== CurError.None) return;
      lua.lua_settable(L, -3);
    }
  } finally {
    decodeNesting--;
  }
}

function decodeMap(L: LuaState, c: Cursor, header: number, len: number): void {
  c.p += header;
  lua.lua_createtable(L, 0, 0);
  if (decodeNesting >= decodeNestingMax) {
    decodeNesting = 0;
    luaError(L, 'stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)');
  }
  decodeNesting++;
  try {
    for (let i = 0; i < len; i++) {
      decodeValue(L, c);
      if (c.err !== CurError.None) return;
      decodeValue(L, c);
      if (c.err !== CurError.None) return;
      lua.lua_settable(L, -3);
    }
  } finally {
    decodeNesting--;
  }
}

/** mp_unpack_full: values from `offset`, up to `limit` (0 and 0: all, no offset result). */
function unpackFull(L: LuaState, limitArg: number, offset: number): number {
  const s = checkBytes51(L, 1);
  const decodeAll = limitArg === 0 && offset === 0;
  // Redis's text prints the input length where it says "limit".
  if (offset < 0 || limitArg < 0) return luaError(L, `Invalid request to unpack with offset of ${offset | 0} and limit of ${s.length}.`);
  if (offset > s.length) return luaError(L, `Start offset ${offset | 0} greater than input length ${s.length}.`);
  const limit = decodeAll ? 2147483647 : limitArg;
  const c = new Cursor(s, offset);
  let count = 0;
  for (; c.left > 0 && count < limit; count++) {
    decodeValue(L, c);
    if (c.err === CurError.Eof) return luaError(L, 'Missing bytes in input.');
    if (c.err === CurError.BadFormat) return luaError(L, 'Bad data format in input.');
  }
  if (!decodeAll) {
    lua.lua_pushinteger(L, c.left === 0 ? -1 : s.length - c.left);
    lua.lua_insert(L, 2);
    count++;
  }
  return count;
}
