// The Lua VM behind EVAL/EVALSHA (engine worker thread): one fengari lua_State per
// engine with Redis's sandbox (no io/os/package/loadfile/dofile; reading an unknown
// global or creating one is an error), the `redis` library (call, pcall, error_reply,
// status_reply, sha1hex, log, LOG_*, setresp, set_repl and REPL_*, breakpoint, debug,
// acl_check_cmd, REDIS_VERSION(_NUM)) and the compiled scripts by SHA1.
//
// Why fengari (bench/engine/lua-vm.bench.ts, one run on the shared 2-core machine,
// medians): round trip `return call('get', KEYS[1])` into a synchronous JS function:
// fengari 2.5 us vs wasmoon 6.4 us; a 1000-call loop: fengari 1.06 ms vs wasmoon
// 13.4 ms (wasmoon marshals every crossing through its type extensions); compiling a
// new small chunk: fengari 13 us vs wasmoon 6 us (EVAL compiles once per SHA, then
// runs from the cache, so crossings dominate). Also: fengari is created synchronously
// (wasmoon's factory is async, the engine is synchronous), and its strings are byte
// arrays, so binary values pass through unchanged (latin1 in, latin1 out).
//
// Lua 5.3 (fengari) vs Redis's Lua 5.1: the lua51-*.ts modules give scripts 5.1's
// behaviour where fengari's differs: one number type (lua51-numbers.ts: no 32-bit
// integer wrap-around, strtod's string conversion, truncated integer arguments),
// 5.1's tokens (lua51-syntax.ts: `//`, bit operators, `goto` and labels fail to
// compile with 5.1's errors), 5.1's message texts (lua51-messages.ts), its library
// surface (lua51-libs.ts: unpack, math.pow, table.getn, 5.1's tonumber; no
// table.pack or math.type), and numbers printed as "%.14g" with C's %e/%f/%g in
// string.format (lua-number-format.ts). Still 5.3's: string escapes \x, \u{} and \z
// (5.1 reads "\x41" as "x41"), `#` of a table with holes (another border), empty
// statements `;;` and a call on a new line (5.1's "ambiguous syntax"), math.random's
// sequence (Redis has its own generator). Redis's libraries are all there:
// `bit` (LuaBitOp's functions, below), cjson, cmsgpack and struct (lua-libs.ts), and,
// as in Redis 7.0, the globals and every table reachable from them are read-only
// (lua-readonly.ts).
//
// Invariants: the stack is balanced after every run (settop(0)); a script is atomic
// because the engine is synchronous and the VM only calls back through `runner`.

import fengari, { type LuaState } from 'fengari';
import { createHash } from 'node:crypto';
import { assert } from '../../assert.js';
import './lua51-numbers.js';
import './lua51-syntax.js';
import './lua51-messages.js';
import { installRedisLuaLibs } from './lua-libs.js';
import { protectGlobals, unprotected } from './lua-readonly.js';
import { checkNumber51 } from './lua-lib-util.js';
import { ReplyWriter } from '../reply.js';
import { luaToReply, pushReply } from './conversions.js';
import { currentScriptWatch, type ScriptWatch } from '../control-hooks.js';
import { lua51CompileError, lua51Escapes } from './lua51-escapes.js';
import { scriptHookInstructionCount } from '../../limits.js';
import { buildCommandTable, type CommandTable } from '../command-table.js';
import { lowerAscii } from '../args.js';
import { redisCompatVersion } from '../info.js';

const { lua, lauxlib, lualib, to_luastring } = fengari;

/**
 * Runs one redis.call for the script: returns an error text (without its code, e.g.
 * 'Unknown Redis command called from script') when the command is refused before it
 * runs, or null after writing the command's RESP2 reply into `out`.
 */
export type ScriptCommandRunner = (argv: Buffer[], out: ReplyWriter) => string | null;

const chunkName = to_luastring('@user_script');
const functionChunkName = to_luastring('@user_function');
const fnEnvName = to_luastring('__redis__fn__env');
const fnSetEnvName = to_luastring('__redis__fn__setenv');
/** Redis 7.0's function flags (FUNCTION LIST prints them in this order). */
export const functionFlags = new Set(['no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys']);

/** A function registered by FUNCTION LOAD. */
export interface LuaFunctionDef {
  readonly name: string;
  /** Registry reference of the callback. */
  readonly ref: number;
  readonly flags: readonly string[];
  readonly description: string | null;
}
const errField = to_luastring('err');
/** Lua's LUA_MASKCOUNT (1 << LUA_HOOKCOUNT): the count hook below. */
const maskCount = 1 << 3;
/** Redis's error for a script killed by SCRIPT KILL or FUNCTION KILL (script_lua.c). */
const killedError = 'ERR Script killed by user with SCRIPT KILL...';
/** Runs so far (all VMs of this thread): names the busy script in the control area. */
let runGeneration = 0;
// The watched run in progress (this thread; scripts do not nest): what FUNCTION STATS
// reports once it is busy. Module state, read through runningScriptInfo() by the engine
// worker's publishBusy (control-hooks.ts's ScriptWatch does not carry it).
const noArgv: readonly Buffer[] = [];
let runName = '';
let runCommandArgv: readonly Buffer[] = noArgv;
let runStartEpochMs = 0;

/** What the watched run reports in FUNCTION STATS (call only while it runs). */
export interface RunningScriptInfo {
  /** The function's name (an EVAL's is its SHA1). */
  readonly name: string;
  /** The caller's command (FCALL's argv; empty for an EVAL). */
  readonly argv: readonly Buffer[];
  /** When the run started, ms since the epoch (comparable across threads). */
  readonly startEpochMs: number;
}

export function runningScriptInfo(): RunningScriptInfo {
  return { name: runName, argv: runCommandArgv, startEpochMs: runStartEpochMs };
}
/** The command table redis.acl_check_cmd looks names up in (built on first use). */
let commandTable: CommandTable | null = null;
const sourceField = to_luastring('source');
const lineField = to_luastring('line');
const keysName = to_luastring('KEYS');
/** The registry's loaded-modules table (LUA_LOADED_TABLE). */
const loadedTableName = to_luastring('_LOADED');
const argvName = to_luastring('ARGV');

/** Set up in the fresh state, before the globals are protected (Redis 7.0's script_lua.c). */
const preludeLua = `
local dbg = debug
__redis__err__handler = function(err)
  -- Redis reports the script's frame; here JS functions and the global guard (Lua,
  -- not C as in Redis) sit between it and the error, so walk up to it.
  local level = 2
  local i = dbg.getinfo(level, 'nSl')
  while i and i.source ~= '@user_script' and i.source ~= '@user_function' do
    level = level + 1
    i = dbg.getinfo(level, 'nSl')
  end
  if type(err) ~= 'table' then err = {err = 'ERR ' .. tostring(err)} end
  if i then err['source'] = i.source; err['line'] = i.currentline end
  return err
end
io = nil; os = nil; package = nil; require = nil; loadfile = nil; dofile = nil; utf8 = nil; print = nil
-- As Redis 7.0's Lua 5.1 globals: no debug library, loadstring exists, rawlen does not.
debug = nil; loadstring = load; rawlen = nil
`;

const protectLua = `
-- FUNCTION LOAD runs a library with only redis.register_function/log/LOG_* visible;
-- its functions later run against the full globals. One proxy environment for every
-- library, switched by __redis__fn__setenv (loads and calls never overlap).
local G = _G
local loadRedis = {register_function = __redis__register_function, log = redis.log,
  LOG_DEBUG = 0, LOG_VERBOSE = 1, LOG_NOTICE = 2, LOG_WARNING = 3}
setmetatable(loadRedis, {
  __index = function(t, n) error("Script attempted to access nonexistent global variable '" .. tostring(n) .. "'", 2) end,
})
local loadEnv = {redis = loadRedis}
local current = G
__redis__fn__env = setmetatable({}, {
  __index = function(t, n)
    local v = rawget(current, n)
    if v == nil then error("Script attempted to access nonexistent global variable '" .. tostring(n) .. "'", 2) end
    return v
  end,
  __newindex = function(t, n, v) error("Attempt to modify a readonly table", 2) end,
})
__redis__fn__setenv = function(loading) if loading then current = loadEnv else current = G end end
__redis__register_function = nil
setmetatable(_G, {
  __index = function(t, n) error("Script attempted to access nonexistent global variable '" .. tostring(n) .. "'", 2) end,
  __newindex = function(t, n, v) error("Attempt to modify a readonly table", 2) end,
})
`;

export function sha1hex(body: Uint8Array): string {
  return createHash('sha1').update(body).digest('hex');
}

/** Lua 5.1's %.17g, as Redis formats a number argument of redis.call. */
export function formatG17(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const exp = Number(n.toExponential(16).split('e')[1]);
  if (exp < -4 || exp >= 17) {
    const [m, e] = n.toExponential(16).split('e') as [string, string];
    const mant = m.includes('.') ? m.replace(/0+$/, '').replace(/\.$/, '') : m;
    const sign = e[0] === '-' ? '-' : '+';
    const digits = e.replace(/^[+-]/, '');
    return `${mant}e${sign}${digits.length < 2 ? `0${digits}` : digits}`;
  }
  const fixed = n.toFixed(Math.max(0, 16 - exp));
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}

export class LuaVM {
  private L: LuaState;
  /** SHA1 (lower-case hex) -> registry reference of the compiled chunk. */
  private readonly refs = new Map<string, number>();
  private errHandlerRef = 0;
  private runner: ScriptCommandRunner | null = null;
  /** The functions registered so far while FUNCTION LOAD runs a library, else null. */
  private loading: Map<string, LuaFunctionDef> | null = null;
  private readOnly = false;
  /** The protocol of redis.call's replies in this run (redis.setresp). */
  private callResp: 2 | 3 = 2;
  /** Each redis.call's reply, parsed back into Lua values. */
  private readonly scratch = new ReplyWriter(4096);
  // Busy-script state of the run in progress (only with a ScriptWatch installed, i.e.
  // in the engine worker): when it started, whether it passed busy-reply-threshold
  // (published), wrote, or was killed.
  private watch: ScriptWatch | null = null;
  private runStartMs = 0;
  private runIsFunction = false;
  private runBusy = false;
  private runDirty = false;
  private runKilled = false;

  constructor() {
    this.L = this.newState();
  }

  /** The number of cached scripts (INFO's number_of_cached_scripts). */
  get scriptCount(): number {
    return this.refs.size;
  }

  has(sha: string): boolean {
    return this.refs.has(sha);
  }

  /** SCRIPT FLUSH: a new state, as Redis (scriptingReset). */
  flush(): void {
    lua.lua_close(this.L);
    this.refs.clear();
    this.L = this.newState();
  }

  /** Compiles and caches `body` under `sha`; returns Redis's compile error text or null. */
  load(sha: string, body: Buffer): string | null {
    if (this.refs.has(sha)) return null;
    const L = this.L;
    const src = lua51Escapes(body);
    if (lauxlib.luaL_loadbuffer(L, src, src.length, chunkName) !== lua.LUA_OK) {
      const msg = lua51CompileError(luaString(L, -1));
      lua.lua_settop(L, 0);
      return `ERR Error compiling script (new function): ${msg}`;
    }
    this.refs.set(sha, lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX));
    return null;
  }

  /** Runs a cached script; its reply (or error) goes to `out` in the client's protocol. */
  run(sha: string, keys: readonly Buffer[], args: readonly Buffer[], readOnly: boolean, runner: ScriptCommandRunner, out: ReplyWriter): void {
    const ref = this.refs.get(sha);
    assert(ref !== undefined, 'run of a script not loaded');
    const L = this.L;
    lua.lua_settop(L, 0);
    setArrayGlobal(L, keysName, keys);
    setArrayGlobal(L, argvName, args);
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, this.errHandlerRef);
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, ref);
    this.invoke(0, sha, readOnly, runner, out, false);
  }

  /**
   * FCALL: runs a registered function with (keys, args) as its two parameters.
   * `commandArgv` (the FCALL as sent) is what FUNCTION STATS shows while it is busy.
   */
  callFunction(
    fn: LuaFunctionDef,
    keys: readonly Buffer[],
    args: readonly Buffer[],
    readOnly: boolean,
    runner: ScriptCommandRunner,
    out: ReplyWriter,
    commandArgv: readonly Buffer[] = noArgv,
  ): void {
    const L = this.L;
    runCommandArgv = commandArgv;
    lua.lua_settop(L, 0);
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, this.errHandlerRef);
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, fn.ref);
    pushArray(L, keys);
    pushArray(L, args);
    this.invoke(2, fn.name, readOnly, runner, out, true);
  }

  /** Calls the function under its arguments (the error handler at index 1) and replies. */
  private invoke(nargs: number, label: string, readOnly: boolean, runner: ScriptCommandRunner, out: ReplyWriter, isFunction: boolean): void {
    assert(this.runner === null, 'scripts do not nest');
    const L = this.L;
    this.runner = runner;
    this.readOnly = readOnly;
    this.callResp = 2; // every run starts in RESP2 (scriptPrepareForRun)
    this.beginWatch(isFunction, label);
    let status: number;
    try {
      status = lua.lua_pcall(L, nargs, 1, 1);
    } finally {
      this.runner = null;
      this.endWatch();
    }
    if (status !== lua.LUA_OK) {
      out.error(sanitize(errorText(L, -1, label)));
    } else {
      luaToReply(L, -1, out, 0);
    }
    lua.lua_settop(L, 0);
  }

  // --- Busy scripts (Redis 7.0's script.c scriptInterrupt, script_lua.c luaMaskCountHook) ---

  /** Arms the count hook for one run, if the engine worker installed a ScriptWatch. */
  private beginWatch(isFunction: boolean, label: string): void {
    const watch = currentScriptWatch();
    if (watch === null) {
      runCommandArgv = noArgv;
      return;
    }
    this.watch = watch;
    runGeneration = (runGeneration + 1) & 0xffffff;
    this.runStartMs = performance.now();
    runName = label;
    if (!isFunction) runCommandArgv = noArgv;
    runStartEpochMs = performance.timeOrigin + this.runStartMs;
    this.runIsFunction = isFunction;
    this.runBusy = false;
    this.runDirty = false;
    this.runKilled = false;
    lua.lua_sethook(this.L, this.countHook, maskCount, scriptHookInstructionCount);
  }

  private endWatch(): void {
    const watch = this.watch;
    if (watch === null) return;
    this.watch = null;
    runCommandArgv = noArgv; // the caller's argv may be reused once the command returns
    lua.lua_sethook(this.L, null, 0, 0);
    if (this.runBusy) watch.endBusy();
  }

  /**
   * Every scriptHookInstructionCount instructions: past busy-reply-threshold the run is
   * published as busy (the io-mux then answers others with -BUSY); once busy, the
   * requests queued behind the script are answered (ScriptWatch.whileBusy), and a kill
   * from the io-mux or from those requests raises Redis's error. After a kill the hook fires at every
   * instruction, so a pcall in the script cannot swallow the error and go on.
   */
  private readonly countHook = (L: LuaState): void => {
    const watch = this.watch;
    if (watch === null) return;
    if (!this.runKilled) {
      if (!this.runBusy) {
        if (performance.now() - this.runStartMs < watch.thresholdMs()) return;
        this.runBusy = true;
        watch.publishBusy(runGeneration, this.runIsFunction, this.runDirty);
      }
      watch.whileBusy(); // answers what queued behind the script (it may kill it: SCRIPT KILL)
      if (!watch.killed()) return;
      this.raiseKilled(L);
    }
    pushError(L, killedError);
    lua.lua_error(L);
  };

  private raiseKilled(L: LuaState): void {
    this.runKilled = true;
    lua.lua_sethook(L, this.countHook, maskCount, 1);
  }

  /**
   * Before a redis.call of a write command: the run becomes dirty (UNKILLABLE). Once it
   * is busy this is a CAS against the io-mux's kill, so a killed script never writes and
   * a script that wrote is never killed. Returns false if the script was killed.
   */
  private noteWrite(argv: readonly Buffer[]): boolean {
    const watch = this.watch;
    if (watch === null || this.runDirty || !watch.isWrite(argv)) return true;
    if (this.runBusy && !watch.markDirty()) {
      this.raiseKilled(this.L);
      return false;
    }
    this.runDirty = true;
    return true;
  }

  /**
   * FUNCTION LOAD's run of a library body (the code after its shebang line, which the
   * caller replaces by a newline so that line numbers match Redis's). Returns the
   * functions it registered, or Redis's error text.
   */
  loadLibrary(code: Buffer): Map<string, LuaFunctionDef> | string {
    const L = this.L;
    lua.lua_settop(L, 0);
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, this.errHandlerRef);
    const src = lua51Escapes(code);
    if (lauxlib.luaL_loadbuffer(L, src, src.length, functionChunkName) !== lua.LUA_OK) {
      const msg = lua51CompileError(luaString(L, -1));
      lua.lua_settop(L, 0);
      return `ERR Error compiling function: ${msg}`;
    }
    lua.lua_getglobal(L, fnEnvName);
    lua.lua_setupvalue(L, -2, 1);
    const registered = new Map<string, LuaFunctionDef>();
    this.loading = registered;
    this.setFnEnv(true);
    let status: number;
    try {
      status = lua.lua_pcall(L, 0, 0, 1);
    } finally {
      this.setFnEnv(false);
      this.loading = null;
    }
    if (status !== lua.LUA_OK) {
      let msg = 'execution failure';
      if (lua.lua_type(L, -1) === lua.LUA_TTABLE) {
        lua.lua_getfield(L, -1, errField);
        msg = luaString(L, -1);
      } else if (lua.lua_type(L, -1) === lua.LUA_TSTRING) {
        msg = luaString(L, -1);
      }
      lua.lua_settop(L, 0);
      this.unrefFunctions(registered);
      return `ERR Error registering functions: ${msg}`;
    }
    lua.lua_settop(L, 0);
    return registered;
  }

  /** Releases the callbacks of a library that is deleted or replaced. */
  unrefFunctions(fns: ReadonlyMap<string, LuaFunctionDef>): void {
    for (const fn of fns.values()) lauxlib.luaL_unref(this.L, lua.LUA_REGISTRYINDEX, fn.ref);
  }

  private setFnEnv(loading: boolean): void {
    const L = this.L;
    lua.lua_getglobal(L, fnSetEnvName);
    lua.lua_pushboolean(L, loading);
    assert(lua.lua_pcall(L, 1, 0, 0) === lua.LUA_OK, 'set function env');
  }

  /** redis.register_function(name, callback) or redis.register_function{...} (FUNCTION LOAD only). */
  private registerFunction(L: LuaState): number {
    const fail = (msg: string): number => {
      pushError(L, msg);
      return lua.lua_error(L);
    };
    const registered = this.loading;
    if (registered === null) return fail('ERR redis.register_function can only be called on FUNCTION LOAD command');
    const argc = lua.lua_gettop(L);
    let flags: string[] = [];
    let description: string | null = null;
    if (argc === 1 && lua.lua_type(L, 1) === lua.LUA_TTABLE) {
      lua.lua_getfield(L, 1, to_luastring('function_name'));
      lua.lua_getfield(L, 1, to_luastring('callback'));
      lua.lua_getfield(L, 1, to_luastring('flags'));
      lua.lua_getfield(L, 1, to_luastring('description'));
      if (lua.lua_type(L, 5) === lua.LUA_TSTRING) description = luaString(L, 5);
      else if (lua.lua_type(L, 5) !== lua.LUA_TNIL) return fail('ERR description argument given to redis.register_function must be a string');
      if (lua.lua_type(L, 4) === lua.LUA_TTABLE) {
        for (let i = 1; ; i++) {
          const t = lua.lua_rawgeti(L, 4, i);
          if (t === lua.LUA_TNIL) {
            lua.lua_pop(L, 1);
            break;
          }
          if (t !== lua.LUA_TSTRING) return fail('ERR unknown flag given');
          flags.push(luaString(L, -1));
          lua.lua_pop(L, 1);
        }
      } else if (lua.lua_type(L, 4) !== lua.LUA_TNIL) {
        return fail('ERR flags argument to redis.register_function must be a table representing function flags');
      }
      lua.lua_settop(L, 3);
      lua.lua_remove(L, 1);
    } else if (argc !== 2) {
      return fail('ERR wrong number of arguments to redis.register_function');
    }
    // Now [1] = name, [2] = callback.
    const name = lua.lua_type(L, 1) === lua.LUA_TSTRING ? luaString(L, 1) : '';
    if (!/^[A-Za-z0-9_]+$/.test(name)) {
      // Redis 7.0.15 says "Library names" for a bad function name too.
      return fail('ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long');
    }
    if (lua.lua_type(L, 2) !== lua.LUA_TFUNCTION) return fail('ERR second argument to redis.register_function must be a function');
    for (const f of flags) if (!functionFlags.has(f)) return fail('ERR unknown flag given');
    flags = [...new Set(flags)];
    if (registered.has(name)) return fail('ERR Function already exists in the library');
    lua.lua_pushvalue(L, 2);
    registered.set(name, { name, ref: lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX), flags, description });
    return 0;
  }

  private newState(): LuaState {
    const L = lauxlib.luaL_newstate();
    lualib.luaL_openlibs(L);
    assert(lauxlib.luaL_dostring(L, to_luastring(preludeLua)) === lua.LUA_OK, 'lua prelude');
    lua.lua_getglobal(L, to_luastring('__redis__err__handler'));
    this.errHandlerRef = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    this.installRedisLib(L);
    assert(lauxlib.luaL_dostring(L, to_luastring(protectLua)) === lua.LUA_OK, 'lua protect');
    protectGlobals(L);
    // 5.1's luaL_argerror names a function it cannot name from the call site '?' ("bad
    // argument #1 to '?'", e.g. under pcall); 5.3's looks it up in the loaded-modules
    // table ('string.rep'). Scripts have no require, so the table is emptied once the
    // libraries are open.
    lua.lua_createtable(L, 0, 0);
    lua.lua_setfield(L, lua.LUA_REGISTRYINDEX, loadedTableName);
    lua.lua_settop(L, 0);
    return L;
  }

  private installRedisLib(L: LuaState): void {
    lua.lua_createtable(L, 0, 12);
    const fn = (name: string, f: (L: LuaState) => number): void => {
      lua.lua_pushjsfunction(L, f);
      lua.lua_setfield(L, -2, to_luastring(name));
    };
    fn('call', (s) => this.redisCall(s, true));
    fn('pcall', (s) => this.redisCall(s, false));
    fn('error_reply', (s) => {
      if (lua.lua_gettop(s) !== 1 || lua.lua_type(s, -1) !== lua.LUA_TSTRING) {
        pushError(s, 'ERR wrong number or type of arguments');
        return 1;
      }
      const err = luaBytes(s, -1).latin1Slice();
      pushError(s, errorFromReply(err.startsWith('-') ? err : `-${err}`));
      return 1;
    });
    fn('status_reply', (s) => {
      if (lua.lua_gettop(s) !== 1 || lua.lua_type(s, -1) !== lua.LUA_TSTRING) {
        pushError(s, 'ERR wrong number or type of arguments');
        return 1;
      }
      lua.lua_createtable(s, 0, 1);
      lua.lua_pushvalue(s, 1);
      lua.lua_setfield(s, -2, to_luastring('ok'));
      return 1;
    });
    fn('sha1hex', (s) => {
      if (lua.lua_gettop(s) !== 1) {
        lua.lua_pushliteral(s, 'wrong number of arguments');
        return lua.lua_error(s);
      }
      const bytes = lua.lua_type(s, 1) === lua.LUA_TSTRING || lua.lua_type(s, 1) === lua.LUA_TNUMBER ? luaBytes(s, 1) : Buffer.alloc(0);
      const hex = Buffer.from(sha1hex(bytes), 'latin1');
      lua.lua_pushlstring(s, hex, hex.length);
      return 1;
    });
    fn('log', (s) => {
      // No server log file exists here: the call is checked as Redis does, then dropped.
      if (lua.lua_gettop(s) < 2) {
        pushError(s, 'ERR redis.log() requires two arguments or more.');
        return lua.lua_error(s);
      }
      if (lua.lua_type(s, 1) !== lua.LUA_TNUMBER) {
        pushError(s, 'ERR First argument must be a number (log level).');
        return lua.lua_error(s);
      }
      const level = lua.lua_tonumber(s, 1);
      if (level < 0 || level > 3) {
        pushError(s, 'ERR Invalid debug level.');
        return lua.lua_error(s);
      }
      return 0;
    });
    fn('replicate_commands', (s) => {
      lua.lua_pushboolean(s, true);
      return 1;
    });
    // script_lua.c's set_repl: checked as Redis does, then ignored. KeelDB's journal is
    // the dataset, so a script's writes are always logged (REPL_NONE cannot skip them).
    fn('set_repl', (s) => {
      if (this.runner === null) {
        pushError(s, 'ERR redis.set_repl can only be called inside a script invocation');
        return lua.lua_error(s);
      }
      if (lua.lua_gettop(s) !== 1) {
        pushError(s, 'ERR redis.set_repl() requires two arguments.'); // sic (7.0)
        return lua.lua_error(s);
      }
      const flags = Math.trunc(lua.lua_tonumber(s, -1)) | 0;
      if ((flags & ~3) !== 0) {
        pushError(s, 'ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.');
        return lua.lua_error(s);
      }
      return 0;
    });
    // The debugger's calls outside a debugging session (there is no SCRIPT DEBUG here).
    // redis.setresp(2|3): the protocol redis.call's replies are converted from (per run).
    fn('setresp', (s) => {
      if (this.runner === null) {
        pushError(s, 'ERR redis.setresp can only be called inside a script invocation');
        return lua.lua_error(s);
      }
      if (lua.lua_gettop(s) !== 1) {
        pushError(s, 'ERR redis.setresp() requires one argument.');
        return lua.lua_error(s);
      }
      const resp = Math.trunc(lua.lua_tonumber(s, -1));
      if (resp !== 2 && resp !== 3) {
        pushError(s, 'ERR RESP version must be 2 or 3.');
        return lua.lua_error(s);
      }
      this.callResp = resp;
      return 0;
    });
    fn('breakpoint', (s) => {
      lua.lua_pushboolean(s, false);
      return 1;
    });
    fn('debug', () => 0);
    fn('acl_check_cmd', (s) => this.aclCheckCmd(s));
    const level = (name: string, n: number): void => {
      lua.lua_pushinteger(L, n);
      lua.lua_setfield(L, -2, to_luastring(name));
    };
    level('LOG_DEBUG', 0);
    level('LOG_VERBOSE', 1);
    level('LOG_NOTICE', 2);
    level('LOG_WARNING', 3);
    level('REPL_NONE', 0);
    level('REPL_AOF', 1);
    level('REPL_SLAVE', 2);
    level('REPL_REPLICA', 2);
    level('REPL_ALL', 3);
    // 0x00MMmmpp (7.0.15: 458767). Read here, not at module load: info.ts imports this
    // module's importers, so its constant is only initialised once every module is.
    level('REDIS_VERSION_NUM', redisCompatVersion.split('.').reduce((n, part) => n * 256 + Number(part), 0));
    const version = Buffer.from(redisCompatVersion, 'latin1');
    lua.lua_pushlstring(L, version, version.length);
    lua.lua_setfield(L, -2, to_luastring('REDIS_VERSION'));
    lua.lua_setglobal(L, to_luastring('redis'));
    installBitLib(L);
    installRedisLuaLibs(L);
    lua.lua_pushjsfunction(L, (s) => this.registerFunction(s));
    lua.lua_setglobal(L, to_luastring('__redis__register_function'));
  }

  /**
   * redis.acl_check_cmd(command, args...): whether the caller may run it. KeelDB has
   * only the default user, who may run every command; an unknown command (or
   * subcommand) raises Redis's error. Arity is not checked, as in Redis.
   */
  private aclCheckCmd(L: LuaState): number {
    const argc = lua.lua_gettop(L);
    if (argc === 0) {
      pushError(L, 'ERR Please specify at least one argument for this redis lib call');
      return lua.lua_error(L);
    }
    const argv: Buffer[] = [];
    for (let i = 1; i <= Math.min(argc, 2); i++) {
      const t = lua.lua_type(L, i);
      if (t === lua.LUA_TSTRING) argv.push(Buffer.from(luaBytes(L, i)));
      else if (t === lua.LUA_TNUMBER) argv.push(Buffer.from(formatG17(lua.lua_tonumber(L, i)), 'latin1'));
      else {
        pushError(L, 'ERR Lua redis lib command arguments must be strings or integers');
        return lua.lua_error(L);
      }
    }
    const table = (commandTable ??= buildCommandTable());
    let spec = table.lookupArg(argv[0]!);
    if (spec !== undefined && spec.subcommands !== undefined && argc >= 2) spec = table.lookup(`${spec.name}|${lowerAscii(argv[1]!)}`);
    if (spec === undefined) {
      pushError(L, 'ERR Invalid command passed to redis.acl_check_cmd()');
      return lua.lua_error(L);
    }
    lua.lua_pushboolean(L, true);
    return 1;
  }

  /** redis.call (raise) and redis.pcall: Redis 7.0's luaRedisGenericCommand. */
  private redisCall(L: LuaState, raise: boolean): number {
    const fail = (msg: string): number => {
      pushError(L, msg);
      return raise ? lua.lua_error(L) : 1;
    };
    const argc = lua.lua_gettop(L);
    if (argc === 0) return fail('ERR Please specify at least one argument for this redis lib call');
    const argv: Buffer[] = new Array(argc);
    for (let i = 1; i <= argc; i++) {
      const t = lua.lua_type(L, i);
      if (t === lua.LUA_TSTRING) argv[i - 1] = luaBytes(L, i);
      else if (t === lua.LUA_TNUMBER) argv[i - 1] = Buffer.from(formatG17(lua.lua_tonumber(L, i)), 'latin1');
      else return fail('ERR Lua redis lib command arguments must be strings or integers');
    }
    const runner = this.runner;
    if (runner === null) return fail('ERR redis.call can only be called inside a script invocation');
    if (!this.noteWrite(argv)) {
      pushError(L, killedError);
      return lua.lua_error(L);
    }
    const out = this.scratch;
    out.reset();
    out.resp = this.callResp;
    const refused = runner(argv, out);
    if (refused !== null) return fail(refused);
    lua.lua_settop(L, 0);
    const isError = out.length > 0 && out.buf[0] === 45;
    if (isError) {
      pushError(L, errorFromReply(out.buf.latin1Slice(0, out.length)));
      return raise ? lua.lua_error(L) : 1;
    }
    pushReply(L, out.buf, 0, out.length);
    return 1;
  }

  /** True while a read-only script (EVAL_RO) runs: the runner refuses writes. */
  get runningReadOnly(): boolean {
    return this.readOnly;
  }
}

/** LuaBitOp's number to int32 (barg). */
function toBit(L: LuaState, idx: number): number {
  // LuaBitOp's barg: luaL_checknumber (numeric strings accepted, Lua 5.1's error
  // text), then the low 32 bits of n + 2^52 + 2^51 (round half to even, wraps).
  bitScratch[0] = checkNumber51(L, idx) + 6755399441055744.0;
  return bitScratchWords[0]! | 0;
}
const bitScratch = new Float64Array(1);
const bitScratchWords = new Uint32Array(bitScratch.buffer);

/** The `bit` library Redis bundles (LuaBitOp 1.0): 32-bit operations on numbers. */
function installBitLib(L: LuaState): void {
  lua.lua_createtable(L, 0, 12);
  const fn = (name: string, f: (s: LuaState) => number): void => {
    lua.lua_pushjsfunction(L, (s) => {
      lua.lua_pushinteger(s, f(s) | 0);
      return 1;
    });
    lua.lua_setfield(L, -2, to_luastring(name));
  };
  const fold = (op: (a: number, b: number) => number) => (s: LuaState): number => {
    let r = toBit(s, 1);
    for (let i = 2; i <= lua.lua_gettop(s); i++) r = op(r, toBit(s, i));
    return r;
  };
  fn('tobit', (s) => toBit(s, 1));
  fn('bnot', (s) => ~toBit(s, 1));
  fn('band', fold((a, b) => a & b));
  fn('bor', fold((a, b) => a | b));
  fn('bxor', fold((a, b) => a ^ b));
  fn('lshift', (s) => toBit(s, 1) << (toBit(s, 2) & 31));
  fn('rshift', (s) => toBit(s, 1) >>> (toBit(s, 2) & 31));
  fn('arshift', (s) => toBit(s, 1) >> (toBit(s, 2) & 31));
  fn('rol', (s) => {
    const x = toBit(s, 1);
    const n = toBit(s, 2) & 31;
    return (x << n) | (x >>> (32 - n));
  });
  fn('ror', (s) => {
    const x = toBit(s, 1);
    const n = toBit(s, 2) & 31;
    return (x >>> n) | (x << (32 - n));
  });
  fn('bswap', (s) => {
    const x = toBit(s, 1);
    return ((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);
  });
  lua.lua_pushjsfunction(L, (s) => {
    const x = toBit(s, 1);
    let n = lua.lua_gettop(s) >= 2 ? toBit(s, 2) : 8;
    const upper = n < 0;
    if (upper) n = -n;
    if (n > 8) n = 8;
    let hex = (x >>> 0).toString(16).padStart(8, '0').slice(8 - n);
    if (upper) hex = hex.toUpperCase();
    const b = Buffer.from(hex, 'latin1');
    lua.lua_pushlstring(s, b, b.length);
    return 1;
  });
  lua.lua_setfield(L, -2, to_luastring('tohex'));
  lua.lua_setglobal(L, to_luastring('bit'));
}

/** Redis's luaPushErrorBuff: "-CODE msg" keeps its code, anything else gets ERR. */
function errorFromReply(reply: string): string {
  let msg: string;
  let code: string;
  if (reply.startsWith('-')) {
    const space = reply.indexOf(' ');
    if (space < 0) {
      code = 'ERR';
      msg = reply.slice(1);
    } else {
      code = reply.slice(1, space);
      msg = reply.slice(space + 1);
    }
  } else {
    code = 'ERR';
    msg = reply;
  }
  return `${code} ${msg.replace(/^[\r\n]+|[\r\n]+$/g, '')}`;
}

function pushError(L: LuaState, text: string): void {
  lua.lua_createtable(L, 0, 1);
  const b = Buffer.from(text, 'latin1');
  lua.lua_pushlstring(L, b, b.length);
  lua.lua_setfield(L, -2, errField);
}

/** The text of a failed run: Redis 7.0's "<err> script: <sha>, on <source>:<line>." */
function errorText(L: LuaState, idx: number, sha: string): string {
  if (lua.lua_type(L, idx) !== lua.LUA_TTABLE) return `ERR Error running script ${sha}, ${luaString(L, idx).slice(0, 100)}`;
  lua.lua_getfield(L, idx, errField);
  const msg = lua.lua_type(L, -1) === lua.LUA_TSTRING ? luaString(L, -1) : '';
  lua.lua_pop(L, 1);
  lua.lua_getfield(L, idx, sourceField);
  const source = lua.lua_type(L, -1) === lua.LUA_TSTRING ? luaString(L, -1) : '(null)';
  lua.lua_pop(L, 1);
  lua.lua_getfield(L, idx, lineField);
  const line = lua.lua_type(L, -1) === lua.LUA_TNUMBER ? String(Math.trunc(lua.lua_tonumber(L, -1))) : '(null)';
  lua.lua_pop(L, 1);
  return `${msg} script: ${sha}, on ${source}:${line}.`;
}

function sanitize(s: string): string {
  return /[\r\n]/.test(s) ? s.replace(/[\r\n]/g, ' ') : s;
}

function pushArray(L: LuaState, items: readonly Buffer[]): void {
  lua.lua_createtable(L, items.length, 0);
  for (let i = 0; i < items.length; i++) {
    lua.lua_pushlstring(L, items[i]!, items[i]!.length);
    lua.lua_rawseti(L, -2, i + 1);
  }
}

function setArrayGlobal(L: LuaState, name: Uint8Array, items: readonly Buffer[]): void {
  lua.lua_pushglobaltable(L);
  lua.lua_pushlstring(L, name, name.length);
  lua.lua_createtable(L, items.length, 0);
  for (let i = 0; i < items.length; i++) {
    lua.lua_pushlstring(L, items[i]!, items[i]!.length);
    lua.lua_rawseti(L, -2, i + 1);
  }
  unprotected(() => lua.lua_rawset(L, -3)); // the globals are read-only to scripts
  lua.lua_pop(L, 1);
}

/** A Lua string (or number) at idx as a Buffer view (valid while the value lives). */
export function luaBytes(L: LuaState, idx: number): Buffer {
  const u8 = lua.lua_tolstring(L, idx);
  if (u8 === null) return Buffer.alloc(0);
  return Buffer.from(u8.buffer, u8.byteOffset, u8.length);
}

function luaString(L: LuaState, idx: number): string {
  return luaBytes(L, idx).latin1Slice();
}
