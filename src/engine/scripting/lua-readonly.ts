// Redis 7.0's read-only Lua tables, in fengari (engine worker thread). Redis's Lua has a
// `readonly` flag on tables: once the state is set up, the globals table and every
// table reachable from it (string, math, table, coroutine, bit, cjson, cmsgpack,
// struct, redis, ...) and the string metatable refuse any write, even rawset, with
// "Attempt to modify a readonly table" (with the script's position when a Lua
// assignment does it, without one from a C function such as rawset).
//
// fengari has no such flag, so this module gives it one: it wraps fengari's single
// table-store entry point (ltable.luaH_setfrom: every Lua assignment, rawset and
// lua_setfield goes through it; callers reach it through the module object, so the
// wrapper sees them all) to refuse stores into tables marked here. The wrapper is
// installed once per process and only affects marked tables.
//
// Invariants: marking is one-way for a table (a new Lua state starts unmarked);
// writes our own code must make to a marked table (KEYS and ARGV into the globals)
// go through `unprotected`, which lifts the check for the duration of one call.

import { createRequire } from 'node:module';
import fengari, { type LuaState } from 'fengari';

const { lua, to_luastring } = fengari;
const require = createRequire(import.meta.url);

interface FengariTable {
  __keeldbReadonly?: boolean;
}
type SetFrom = (L: unknown, t: FengariTable, key: unknown, value: unknown) => void;

const ltable = require('fengari/src/ltable.js') as { luaH_setfrom: SetFrom & { __keeldbWrapped?: boolean } };
const ldebug = require('fengari/src/ldebug.js') as { luaG_runerror: (L: unknown, msg: Uint8Array) => never };

const readonlyError = to_luastring('Attempt to modify a readonly table');
let bypass = 0;

if (ltable.luaH_setfrom.__keeldbWrapped !== true) {
  const original = ltable.luaH_setfrom;
  const wrapped: SetFrom & { __keeldbWrapped?: boolean } = (L, t, key, value) => {
    if (t.__keeldbReadonly === true && bypass === 0) ldebug.luaG_runerror(L, readonlyError);
    original(L, t, key, value);
  };
  wrapped.__keeldbWrapped = true;
  ltable.luaH_setfrom = wrapped;
}

/** Runs `fn` with the read-only check lifted (our own writes into protected tables). */
export function unprotected<T>(fn: () => T): T {
  bypass++;
  try {
    return fn();
  } finally {
    bypass--;
  }
}

/**
 * luaSetTableProtectionRecursively: marks the table at the top of the stack, every
 * table reachable through its values, and their metatables, read-only.
 */
export function protectRecursively(L: LuaState): void {
  const t = lua.lua_topointer(L, -1) as FengariTable | null;
  if (t === null || t.__keeldbReadonly === true) return;
  t.__keeldbReadonly = true;
  lua.lua_checkstack(L, 4);
  lua.lua_pushnil(L);
  while (lua.lua_next(L, -2) !== 0) {
    if (lua.lua_type(L, -1) === lua.LUA_TTABLE) protectRecursively(L);
    lua.lua_pop(L, 1);
  }
  if (lua.lua_getmetatable(L, -1)) {
    protectRecursively(L);
    lua.lua_pop(L, 1);
  }
}

/**
 * Protects the globals and everything reachable from them, and the string metatable.
 * setmetatable is wrapped first: fengari's checks a table's __metatable field only,
 * Redis's refuses to touch a read-only table.
 */
export function protectGlobals(L: LuaState): void {
  const name = to_luastring('setmetatable');
  lua.lua_getglobal(L, name);
  const original = lua.lua_tocfunction(L, -1)!;
  lua.lua_pop(L, 1);
  // The original runs in this same frame, so its own errors still name 'setmetatable'.
  lua.lua_pushjsfunction(L, (s) => {
    const t = lua.lua_type(s, 1) === lua.LUA_TTABLE ? (lua.lua_topointer(s, 1) as FengariTable) : null;
    if (t !== null && t.__keeldbReadonly === true) ldebug.luaG_runerror(s, readonlyError);
    return original(s);
  });
  lua.lua_setglobal(L, name);
  lua.lua_pushglobaltable(L);
  protectRecursively(L);
  lua.lua_pop(L, 1);
  lua.lua_pushliteral(L, '');
  if (lua.lua_getmetatable(L, -1)) {
    protectRecursively(L);
    lua.lua_pop(L, 1);
  }
  lua.lua_pop(L, 1);
}
