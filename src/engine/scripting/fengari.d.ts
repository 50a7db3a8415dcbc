// Types for the parts of fengari (Lua 5.3 in JS, no bundled types) that the scripting
// VM uses (src/engine/scripting/lua-vm.ts). Loose on purpose: a lua_State is opaque.
declare module 'fengari' {
  export type LuaState = { readonly __luaState: unique symbol };
  export type LuaJsFunction = (L: LuaState) => number;
  interface Lua {
    readonly LUA_OK: number;
    readonly LUA_TNIL: number;
    readonly LUA_TBOOLEAN: number;
    readonly LUA_TNUMBER: number;
    readonly LUA_TSTRING: number;
    readonly LUA_TTABLE: number;
    readonly LUA_TFUNCTION: number;
    readonly LUA_TNONE: number;
    readonly LUA_TLIGHTUSERDATA: number;
    readonly LUA_REGISTRYINDEX: number;
    readonly LUA_MASKCOUNT: number;
    lua_gettop(L: LuaState): number;
    lua_settop(L: LuaState, idx: number): void;
    lua_checkstack(L: LuaState, n: number): boolean;
    lua_pop(L: LuaState, n: number): void;
    lua_type(L: LuaState, idx: number): number;
    lua_toboolean(L: LuaState, idx: number): boolean;
    lua_tonumber(L: LuaState, idx: number): number;
    lua_isinteger(L: LuaState, idx: number): boolean;
    lua_tointeger(L: LuaState, idx: number): number;
    lua_tolstring(L: LuaState, idx: number): Uint8Array | null;
    lua_pushnil(L: LuaState): void;
    lua_pushboolean(L: LuaState, b: boolean): void;
    lua_pushinteger(L: LuaState, n: number): void;
    lua_pushnumber(L: LuaState, n: number): void;
    lua_pushlstring(L: LuaState, s: Uint8Array, len: number): void;
    lua_pushliteral(L: LuaState, s: string): void;
    lua_pushjsfunction(L: LuaState, f: LuaJsFunction): void;
    lua_pushvalue(L: LuaState, idx: number): void;
    lua_remove(L: LuaState, idx: number): void;
    lua_setupvalue(L: LuaState, funcindex: number, n: number): Uint8Array | null;
    lua_pushglobaltable(L: LuaState): void;
    lua_createtable(L: LuaState, narr: number, nrec: number): void;
    lua_rawseti(L: LuaState, idx: number, n: number): void;
    lua_rawgeti(L: LuaState, idx: number, n: number): number;
    lua_rawset(L: LuaState, idx: number): void;
    lua_setfield(L: LuaState, idx: number, k: Uint8Array): void;
    lua_getfield(L: LuaState, idx: number, k: Uint8Array): number;
    lua_setglobal(L: LuaState, name: Uint8Array): void;
    lua_getglobal(L: LuaState, name: Uint8Array): number;
    lua_pcall(L: LuaState, nargs: number, nresults: number, msgh: number): number;
    lua_error(L: LuaState): never;
    lua_sethook(L: LuaState, f: ((L: LuaState, ar: unknown) => void) | null, mask: number, count: number): void;
    lua_close(L: LuaState): void;
    lua_typename(L: LuaState, t: number): Uint8Array | null;
    lua_concat(L: LuaState, n: number): void;
    lua_replace(L: LuaState, idx: number): void;
    lua_insert(L: LuaState, idx: number): void;
    lua_pushcclosure(L: LuaState, f: LuaJsFunction, n: number): void;
    lua_upvalueindex(i: number): number;
    lua_setmetatable(L: LuaState, idx: number): void;
    lua_next(L: LuaState, idx: number): number;
    lua_pushlightuserdata(L: LuaState, p: unknown): void;
    lua_touserdata(L: LuaState, idx: number): unknown;
    lua_rawlen(L: LuaState, idx: number): number;
    lua_absindex(L: LuaState, idx: number): number;
    lua_settable(L: LuaState, idx: number): void;
    lua_gettable(L: LuaState, idx: number): number;
    lua_rawget(L: LuaState, idx: number): number;
    lua_topointer(L: LuaState, idx: number): unknown;
    lua_getmetatable(L: LuaState, idx: number): boolean;
    lua_call(L: LuaState, nargs: number, nresults: number): void;
    lua_tocfunction(L: LuaState, idx: number): LuaJsFunction | null;
  }
  interface Lauxlib {
    luaL_newstate(): LuaState;
    luaL_loadbuffer(L: LuaState, buff: Uint8Array, sz: number | null, name: Uint8Array): number;
    luaL_ref(L: LuaState, t: number): number;
    luaL_unref(L: LuaState, t: number, ref: number): void;
    luaL_dostring(L: LuaState, s: Uint8Array): number;
    luaL_where(L: LuaState, level: number): void;
    luaL_argerror(L: LuaState, arg: number, extramsg: Uint8Array): number;
  }
  interface Lualib {
    luaL_openlibs(L: LuaState): void;
  }
  const fengari: {
    lua: Lua;
    lauxlib: Lauxlib;
    lualib: Lualib;
    to_luastring(s: string): Uint8Array;
  };
  export default fengari;
}
