// Redis's type conversions between replies and Lua values (engine worker thread), as
// Redis 7.0's script_lua.c:
//   reply -> Lua (pushReply): integer -> number; bulk -> string; nil bulk / nil array
//     -> false; array -> table; status -> {ok=...}; error -> {err=...} (redis.call
//     raises it instead: lua-vm.ts); after redis.setresp(3) also null -> nil, boolean
//     -> boolean, double -> {double=n}, big number -> {big_number=s}, verbatim ->
//     {verbatim_string={format=, string=}}, map -> {map={k=v}}, set -> {set={m=true}},
//     and an attribute is skipped.
//   Lua -> reply (luaToReply): number -> integer (truncated); string -> bulk; true -> 1;
//     false and nil -> nil; {err=...} -> error; {ok=...} -> status; {double=n},
//     {big_number=s}, {verbatim_string={format=,string=}}, {map=t}, {set=t} -> those
//     RESP3 types (in RESP2: bulk strings, flat arrays); any other table -> array of
//     t[1], t[2], ... up to the first nil; other types -> nil.
//
// Invariants: pushReply reads one complete RESP value (the engine wrote it); every
// function leaves the Lua stack as it found it except for the one value pushed.

import fengari, { type LuaState } from 'fengari';
import { assert } from '../../assert.js';
import type { ReplyWriter } from '../reply.js';
import { forEachPair51 } from './lua-lib-util.js';

const { lua, to_luastring } = fengari;

const okField = to_luastring('ok');
const errField = to_luastring('err');
/** Nesting beyond this is refused (Redis: "reached lua stack limit"); cycles end here too. */
const luaReplyDepthMax = 1000;
const int32Min = -2147483648;
const int32Max = 2147483647;

/** Pushes the RESP2 or RESP3 value at buf[start, end) onto the Lua stack. */
export function pushReply(L: LuaState, buf: Buffer, start: number, end: number): void {
  const at = pushValue(L, buf, start);
  assert(at === end, 'pushReply: trailing bytes');
}

/** Pushes {field = <what value() pushes>}. */
function pushWrapped(L: LuaState, field: Uint8Array, value: () => void): void {
  lua.lua_createtable(L, 0, 1);
  value();
  lua.lua_setfield(L, -2, field);
}

function lineEnd(buf: Buffer, at: number): number {
  const cr = buf.indexOf(13, at);
  assert(cr >= 0, 'RESP line without CRLF');
  return cr;
}

function pushNumber(L: LuaState, n: number): void {
  // fengari's integers are 32-bit: larger values go as floats (Lua 5.1 has only doubles).
  if (n >= int32Min && n <= int32Max) lua.lua_pushinteger(L, n);
  else lua.lua_pushnumber(L, n);
}

/** Pushes one value starting at `at`; returns the offset after it. */
function pushValue(L: LuaState, buf: Buffer, at: number): number {
  const type = buf[at]!;
  const cr = lineEnd(buf, at + 1);
  const line = buf.latin1Slice(at + 1, cr);
  const next = cr + 2;
  switch (type) {
    case 58: // ':'
      pushNumber(L, Number(line));
      return next;
    case 36: {
      // '$'
      const len = Number(line);
      if (len < 0) {
        lua.lua_pushboolean(L, false);
        return next;
      }
      lua.lua_pushlstring(L, buf.subarray(next, next + len), len);
      return next + len + 2;
    }
    case 43: {
      // '+'
      lua.lua_createtable(L, 0, 1);
      const b = buf.subarray(at + 1, cr);
      lua.lua_pushlstring(L, b, b.length);
      lua.lua_setfield(L, -2, okField);
      return next;
    }
    case 45: {
      // '-': an error inside an array (a nested error in EXEC-like replies)
      lua.lua_createtable(L, 0, 1);
      const b = buf.subarray(at + 1, cr);
      lua.lua_pushlstring(L, b, b.length);
      lua.lua_setfield(L, -2, errField);
      return next;
    }
    case 42: {
      // '*'
      const n = Number(line);
      if (n < 0) {
        lua.lua_pushboolean(L, false);
        return next;
      }
      lua.lua_createtable(L, n, 0);
      let p = next;
      for (let i = 1; i <= n; i++) {
        p = pushValue(L, buf, p);
        lua.lua_rawseti(L, -2, i);
      }
      return p;
    }
    case 95: // '_' RESP3 null
      lua.lua_pushnil(L);
      return next;
    case 35: // '#' RESP3 boolean
      lua.lua_pushboolean(L, line === 't');
      return next;
    case 44: {
      // ',' RESP3 double: {double = n}
      const n = line === 'inf' ? Infinity : line === '-inf' ? -Infinity : line === 'nan' || line === '-nan' ? NaN : Number(line);
      pushWrapped(L, doubleField, () => lua.lua_pushnumber(L, n));
      return next;
    }
    case 40: {
      // '(' RESP3 big number: {big_number = "digits"}
      const b = buf.subarray(at + 1, cr);
      pushWrapped(L, bigNumberField, () => lua.lua_pushlstring(L, b, b.length));
      return next;
    }
    case 61: {
      // '=' RESP3 verbatim string: {verbatim_string = {format = "txt", string = ...}}
      const len = Number(line);
      const body = buf.subarray(next, next + len);
      pushWrapped(L, verbatimField, () => {
        lua.lua_createtable(L, 0, 2);
        lua.lua_pushlstring(L, body.subarray(0, 3), 3);
        lua.lua_setfield(L, -2, formatField);
        lua.lua_pushlstring(L, body.subarray(4), Math.max(0, len - 4));
        lua.lua_setfield(L, -2, stringField);
      });
      return next + len + 2;
    }
    case 37: // '%' RESP3 map: {map = {k = v}}
    case 126: {
      // '~' RESP3 set: {set = {member = true}}
      const n = Number(line);
      let p = next;
      const isMap = type === 37;
      pushWrapped(L, isMap ? mapField : setField, () => {
        lua.lua_createtable(L, 0, n);
        for (let i = 0; i < n; i++) {
          p = pushValue(L, buf, p);
          if (isMap) p = pushValue(L, buf, p);
          else lua.lua_pushboolean(L, true);
          if (lua.lua_type(L, -2) === lua.LUA_TNIL) lua.lua_pop(L, 2);
          else lua.lua_rawset(L, -3);
        }
      });
      return p;
    }
    case 124: {
      // '|' RESP3 attribute: skipped, the value after it is the reply (as Redis does)
      const n = Number(line);
      let p = next;
      for (let i = 0; i < 2 * n; i++) {
        p = pushValue(L, buf, p);
        lua.lua_pop(L, 1);
      }
      return pushValue(L, buf, p);
    }
    default:
      assert(false, `pushReply: unexpected RESP type ${type}`);
  }
}

/** Writes the Lua value at `idx` as a reply (Redis's luaReplyToRedisReply). */
export function luaToReply(L: LuaState, idx: number, out: ReplyWriter, depth: number): void {
  const top = lua.lua_gettop(L);
  const abs = idx < 0 ? top + idx + 1 : idx;
  const t = lua.lua_type(L, abs);
  if (t === lua.LUA_TSTRING) {
    const u8 = lua.lua_tolstring(L, abs)!;
    out.bulk(u8);
  } else if (t === lua.LUA_TBOOLEAN) {
    if (lua.lua_toboolean(L, abs)) out.int(1);
    else out.nil();
  } else if (t === lua.LUA_TNUMBER) {
    const n = lua.lua_isinteger(L, abs) ? lua.lua_tointeger(L, abs) : Math.trunc(lua.lua_tonumber(L, abs));
    // C's (long long) cast on x86-64: NaN, infinities and out-of-range values all
    // become INT64_MIN (cvttsd2si's "integer indefinite"), as Redis replies.
    if (Number.isSafeInteger(n)) out.int(n);
    else if (Number.isFinite(n) && n >= -9223372036854775808 && n < 9223372036854775808) out.int(BigInt(n));
    else out.int(-9223372036854775808n);
  } else if (t === lua.LUA_TTABLE) {
    if (depth >= luaReplyDepthMax || !lua.lua_checkstack(L, 4)) {
      out.error('ERR reached lua stack limit');
      return;
    }
    lua.lua_getfield(L, abs, errField);
    if (lua.lua_type(L, -1) === lua.LUA_TSTRING) {
      const msg = Buffer.from(lua.lua_tolstring(L, -1)!).latin1Slice();
      lua.lua_pop(L, 1);
      // Redis's addReplyErrorFormat("-%s"): the message as is, CR/LF made spaces.
      out.error(msg.replace(/[\r\n]/g, ' '));
      return;
    }
    lua.lua_pop(L, 1);
    lua.lua_getfield(L, abs, okField);
    if (lua.lua_type(L, -1) === lua.LUA_TSTRING) {
      const msg = Buffer.from(lua.lua_tolstring(L, -1)!).latin1Slice();
      lua.lua_pop(L, 1);
      out.status(msg.replace(/[\r\n]/g, ' '));
      return;
    }
    lua.lua_pop(L, 1);
    if (typedTableReply(L, abs, out, depth)) return;
    const handle = out.beginDeferred();
    let n = 0;
    for (;;) {
      lua.lua_rawgeti(L, abs, n + 1);
      if (lua.lua_type(L, -1) === lua.LUA_TNIL) {
        lua.lua_pop(L, 1);
        break;
      }
      luaToReply(L, -1, out, depth + 1);
      lua.lua_pop(L, 1);
      n++;
    }
    out.endDeferred(handle, n);
  } else {
    out.nil();
  }
}

const doubleField = to_luastring('double');
const bigNumberField = to_luastring('big_number');
const verbatimField = to_luastring('verbatim_string');
const formatField = to_luastring('format');
const stringField = to_luastring('string');
const mapField = to_luastring('map');
const setField = to_luastring('set');

/**
 * The RESP3-typed tables of luaReplyToRedisReply, checked in Redis's order after err
 * and ok: {double=n}, {big_number=s}, {verbatim_string={format=, string=}}, {map=t},
 * {set=t}; each is written in the client's protocol (RESP2: bulk strings and flat
 * arrays). Returns false, with the stack unchanged, for any other table.
 */
function typedTableReply(L: LuaState, abs: number, out: ReplyWriter, depth: number): boolean {
  lua.lua_getfield(L, abs, doubleField);
  if (lua.lua_type(L, -1) === lua.LUA_TNUMBER) {
    out.double(lua.lua_tonumber(L, -1));
    lua.lua_pop(L, 1);
    return true;
  }
  lua.lua_pop(L, 1);
  lua.lua_getfield(L, abs, bigNumberField);
  if (lua.lua_type(L, -1) === lua.LUA_TSTRING) {
    const text = Buffer.from(lua.lua_tolstring(L, -1)!).latin1Slice().replace(/[\r\n]/g, ' ');
    lua.lua_pop(L, 1);
    if (out.resp === 3) out.raw(Buffer.from(`(${text}\r\n`, 'latin1'));
    else out.bulk(Buffer.from(text, 'latin1'));
    return true;
  }
  lua.lua_pop(L, 1);
  lua.lua_getfield(L, abs, verbatimField);
  if (lua.lua_type(L, -1) === lua.LUA_TTABLE) {
    lua.lua_getfield(L, -1, formatField);
    lua.lua_getfield(L, -2, stringField);
    if (lua.lua_type(L, -2) === lua.LUA_TSTRING && lua.lua_type(L, -1) === lua.LUA_TSTRING) {
      const format = Buffer.from(lua.lua_tolstring(L, -2)!).latin1Slice().padEnd(3, '\0').slice(0, 3);
      out.verbatim(Buffer.from(lua.lua_tolstring(L, -1)!).latin1Slice(), format);
      lua.lua_pop(L, 3);
      return true;
    }
    lua.lua_pop(L, 2);
  }
  lua.lua_pop(L, 1);
  for (const [field, kind] of [[mapField, 'map'], [setField, 'set']] as const) {
    lua.lua_getfield(L, abs, field);
    if (lua.lua_type(L, -1) !== lua.LUA_TTABLE) {
      lua.lua_pop(L, 1);
      continue;
    }
    const handle = out.beginDeferred();
    let n = 0;
    forEachPair51(L, () => {
      luaToReply(L, -2, out, depth + 1);
      if (kind === 'map') luaToReply(L, -1, out, depth + 1);
      n++;
    });
    out.endDeferred(handle, n, kind);
    lua.lua_pop(L, 1);
    return true;
  }
  return false;
}
