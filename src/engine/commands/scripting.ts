// Scripting commands (engine worker): EVAL, EVALSHA, EVAL_RO, EVALSHA_RO, SCRIPT
// LOAD/EXISTS/FLUSH/KILL/HELP (Redis 7.0's eval.c), FCALL, FCALL_RO and FUNCTION
// LOAD/DELETE/FLUSH/LIST/KILL/DUMP/RESTORE/STATS/HELP (functions.c; the DUMP payload's
// codec is src/engine/scripting/function-payload.ts), on the Lua VMs of
// src/engine/scripting/lua-vm.ts (one per engine, created on first use).
//
// FUNCTION LOAD/DELETE/FLUSH/RESTORE change no key: they count as a change (dirty++)
// and the write path logs the command as sent, as Redis replicates them; replaying it
// on the same library state gives the same libraries. Library order (FUNCTION LIST,
// DUMP) is insertion order; Redis's is its dict's hash order, so only single-library
// DUMP payloads can be compared byte for byte.
//
// A script's redis.call runs through the engine's call() as a nested command of a
// script client (Redis's lua_client): RESP2, the caller's database at the start,
// blocking commands answer at once (multi !== null is the engine's CLIENT_DENY_BLOCKING
// test). Effects: EVAL itself is never logged (ctx.propagate(null)); each write the
// script ran logs its own effect into the caller's unit of work, so the whole script
// becomes ONE effect record holding the commands it ran, as Redis 7 propagates effects
// (the same unit mechanism as EXEC).
//
// Scripts are atomic: the engine is synchronous and nothing else runs until the script
// returns, so when the engine runs SCRIPT KILL or FUNCTION KILL no script is running
// (NOTBUSY). While a script runs past busy-reply-threshold, the io-mux answers for the
// engine (-BUSY, the KILLs, SHUTDOWN NOSAVE): src/io-mux/busy-gate.ts, with the kill
// check in the Lua VM's count hook (src/engine/scripting/lua-vm.ts).

import type { CommandContext, CommandSpec } from '../command.js';
import type { CommandSpecExtras, KeySpec } from '../command-table.js';
import type { Engine } from '../engine.js';
import { Client } from '../client.js';
import { eqi, latin1, string2ll } from '../args.js';
import { globMatch } from '../glob.js';
import { splitInlineArgs } from '../../io-mux/inline-parser.js';
import { decodeFunctionPayload, encodeFunctionPayload } from '../scripting/function-payload.js';
import { LuaVM, sha1hex, type LuaFunctionDef, type ScriptCommandRunner } from '../scripting/lua-vm.js';

interface Library {
  readonly name: string;
  readonly code: Buffer;
  readonly functions: Map<string, LuaFunctionDef>;
}

interface ScriptingState {
  /** EVAL's VM (SCRIPT FLUSH replaces its state). */
  readonly vm: LuaVM;
  /** The functions' VM (Redis keeps functions in their own Lua state too). */
  readonly fnVm: LuaVM;
  readonly libraries: Map<string, Library>;
  /** Function name -> its library. */
  readonly functions: Map<string, Library>;
  /** Scripts with a shebang declaring no-writes, by SHA1 (cleared with the cache). */
  readonly noWritesScripts: Set<string>;
  /** Scripts that have a shebang: EVAL_RO refuses those without no-writes. */
  readonly shebangScripts: Set<string>;
  readonly client: Client;
}

const states = new WeakMap<object, ScriptingState>();

/** Id of the script client; real client ids are positive. */
const scriptClientId = -1;

function stateOf(ctx: CommandContext): ScriptingState {
  let s = states.get(ctx.engine);
  if (s === undefined) {
    const client = new Client(scriptClientId, 'lua', 'lua', ctx.nowMs, false);
    client.multi = []; // denies blocking: BLPOP and friends answer as if timed out
    s = { vm: new LuaVM(), fnVm: new LuaVM(), libraries: new Map(), functions: new Map(), noWritesScripts: new Set(), shebangScripts: new Set(), client };
    states.set(ctx.engine, s);
  }
  return s;
}

/** The number of cached scripts of an engine (INFO memory's number_of_cached_scripts). */
export function cachedScriptCount(engine: object): number {
  return states.get(engine)?.vm.scriptCount ?? 0;
}

function runnerFor(ctx: CommandContext, state: ScriptingState, readOnly: boolean): ScriptCommandRunner {
  const engine = ctx.engine as Engine;
  return (argv, out) => {
    const spec = engine.resolve(argv);
    if (spec === undefined) return 'ERR Unknown Redis command called from script';
    if (spec.handler === undefined || (spec.arity > 0 && spec.arity !== argv.length) || argv.length < -spec.arity) {
      return 'ERR Wrong number of args calling Redis command from script';
    }
    if (spec.flags.includes('noscript')) return 'ERR This Redis command is not allowed from script';
    if (readOnly && spec.flags.includes('write')) return 'ERR Write commands are not allowed from read-only scripts.';
    // TIME reads the clock itself (Redis 7.0's timeCommand), so a script looping until it
    // advances ends; every other command keeps the script's frozen time.
    state.client.resp = out.resp; // redis.setresp: the few handlers that read the client's protocol
    engine.call(state.client, spec, argv, out);
    return null;
  };
}

const scriptFlagNames = new Set(['no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys']);

/**
 * Redis 7.0's evalExtractShebangFlags: a body starting with "#!" must say "#!lua" and
 * may carry flags=a,b. Returns the error text, or whether the script declared
 * no-writes, whether it has a shebang, and the code to compile (the shebang line made
 * empty, so line numbers stay Redis's).
 */
function parseShebang(body: Buffer): string | { shebang: boolean; noWrites: boolean; code: Buffer } {
  if (body.length < 2 || body[0] !== 35 || body[1] !== 33) return { shebang: false, noWrites: false, code: body };
  let eol = body.indexOf(10);
  if (eol < 0) eol = body.length;
  const parts = body.latin1Slice(0, eol).split(' ').filter((p) => p !== '');
  if (parts[0] !== '#!lua') return `ERR Unexpected engine in script shebang: ${parts[0] ?? ''}`;
  let noWrites = false;
  for (const p of parts.slice(1)) {
    if (!p.startsWith('flags=')) return `ERR Unknown lua shebang option: ${p}`;
    for (const f of p.slice(6).split(',')) {
      if (f === '') continue;
      if (!scriptFlagNames.has(f)) return `ERR Unexpected flag in script shebang: ${f}`;
      if (f === 'no-writes') noWrites = true;
    }
  }
  return { shebang: true, noWrites, code: Buffer.concat([Buffer.from('\n'), body.subarray(Math.min(body.length, eol + 1))]) };
}

/** Compiles and caches a script body (EVAL, SCRIPT LOAD); returns an error text or null. */
function loadScript(state: ScriptingState, sha: string, body: Buffer): string | null {
  if (state.vm.has(sha)) return null;
  const parsed = parseShebang(body);
  if (typeof parsed === 'string') return parsed;
  const err = state.vm.load(sha, parsed.code);
  if (err !== null) return err;
  if (parsed.shebang) state.shebangScripts.add(sha);
  if (parsed.noWrites) state.noWritesScripts.add(sha);
  return null;
}

/**
 * EVAL's and FCALL's numkeys (argv[2]), checked in Redis's order; null after replying.
 * Only the not-an-integer text differs between the two commands.
 */
function numkeysOrReply(ctx: CommandContext, notIntegerError: string): bigint | null {
  const numkeys = string2ll(latin1(ctx.argv[2]!));
  if (numkeys === null) {
    ctx.reply.error(notIntegerError);
    return null;
  }
  if (numkeys > BigInt(ctx.argv.length - 3)) {
    ctx.reply.error("ERR Number of keys can't be greater than number of args");
    return null;
  }
  if (numkeys < 0n) {
    ctx.reply.error("ERR Number of keys can't be negative");
    return null;
  }
  return numkeys;
}

function evalGeneric(ctx: CommandContext, bySha: boolean, readOnly: boolean): void {
  const argv = ctx.argv;
  const numkeys = numkeysOrReply(ctx, 'ERR value is not an integer or out of range');
  if (numkeys === null) return;
  const state = stateOf(ctx);
  let sha: string;
  if (bySha) {
    sha = latin1(argv[1]!).toLowerCase();
    if (sha.length !== 40 || !state.vm.has(sha)) {
      ctx.reply.error('NOSCRIPT No matching script. Please use EVAL.');
      return;
    }
  } else {
    sha = sha1hex(argv[1]!);
    const err = loadScript(state, sha, argv[1]!);
    if (err !== null) {
      ctx.reply.error(err.replace(/[\r\n]/g, ' '));
      return;
    }
  }
  const noWrites = state.noWritesScripts.has(sha);
  if (readOnly && state.shebangScripts.has(sha) && !noWrites) {
    ctx.reply.error('ERR Can not execute a script with write flag using *_ro command.');
    return;
  }
  readOnly ||= noWrites;
  const n = Number(numkeys);
  const keys = argv.slice(3, 3 + n);
  const args = argv.slice(3 + n);
  // The script's writes log themselves (engine.call collects them into this unit).
  ctx.propagate(null);
  state.client.dbIndex = ctx.client.dbIndex;
  state.vm.run(sha, keys, args, readOnly, runnerFor(ctx, state, readOnly), ctx.reply);
}

function scriptLoad(ctx: CommandContext): void {
  const state = stateOf(ctx);
  const body = ctx.argv[2]!;
  const sha = sha1hex(body);
  const err = loadScript(state, sha, body);
  if (err !== null) ctx.reply.error(err.replace(/[\r\n]/g, ' '));
  else ctx.reply.bulk(Buffer.from(sha, 'latin1'));
}

function scriptExists(ctx: CommandContext): void {
  const state = stateOf(ctx);
  ctx.reply.array(ctx.argv.length - 2);
  for (let i = 2; i < ctx.argv.length; i++) ctx.reply.int(state.vm.has(latin1(ctx.argv[i]!).toLowerCase()) ? 1 : 0);
}

function scriptFlush(ctx: CommandContext): void {
  const argv = ctx.argv;
  if (argv.length > 3 || (argv.length === 3 && !eqi(argv[2]!, 'sync') && !eqi(argv[2]!, 'async'))) {
    ctx.reply.error('ERR SCRIPT FLUSH only support SYNC|ASYNC option');
    return;
  }
  const state = stateOf(ctx);
  state.vm.flush();
  state.noWritesScripts.clear();
  state.shebangScripts.clear();
  ctx.reply.ok();
}

/** Runs only when no script runs (a busy script's KILL is the io-mux's busy gate's). */
function scriptKill(ctx: CommandContext): void {
  ctx.reply.error('NOTBUSY No scripts in execution right now.');
}

const scriptHelpLines = [
  'SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'DEBUG (YES|SYNC|NO)',
  '    Set the debug mode for subsequent scripts executed.',
  'EXISTS <sha1> [<sha1> ...]',
  '    Return information about the existence of the scripts in the script cache.',
  'FLUSH [ASYNC|SYNC]',
  '    Flush the Lua scripts cache. Very dangerous on replicas.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the scripts cache.',
  '    * SYNC: Synchronously flush the scripts cache.',
  'KILL',
  '    Kill the currently executing Lua script.',
  'LOAD <script>',
  '    Load a script into the scripts cache without executing it.',
  'HELP',
  '    Prints this help.',
];

function scriptHelp(ctx: CommandContext): void {
  ctx.reply.array(scriptHelpLines.length);
  for (const line of scriptHelpLines) ctx.reply.status(line);
}

/** EVAL's keys: argv[3 .. 3+numkeys) (none when numkeys is not a valid count). */
function evalKeys(argv: readonly Buffer[]): number[] {
  const n = argv.length >= 3 ? string2ll(latin1(argv[2]!)) : null;
  if (n === null || n <= 0n || n > BigInt(argv.length - 3)) return [];
  const keys: number[] = [];
  for (let i = 0; i < Number(n); i++) keys.push(3 + i);
  return keys;
}


// --- Functions (Redis 7.0's functions.c / function_lua.c) ---------------------------

const libNameRe = /^[A-Za-z0-9_]+$/;

/** The libraries and functions of one library context (Redis's functionsLibCtx). */
interface LibraryCtx {
  readonly libraries: Map<string, Library>;
  /** Function name -> its library. */
  readonly functions: Map<string, Library>;
}

/**
 * functionExtractLibMetaData: the shebang line "#!<engine> name=<lib>" split as
 * sdssplitargs does; returns the engine, the library name and where the body starts
 * (its first newline), or an error text.
 */
function parseLibraryMeta(code: Buffer): { engine: string; name: string; bodyStart: number } | string {
  if (code.length < 2 || code[0] !== 35 || code[1] !== 33) return 'ERR Missing library metadata';
  // strchr on a C string: a NUL before the newline ends the search.
  const nul = code.indexOf(0);
  const eol = code.indexOf(10);
  if (eol < 0 || (nul >= 0 && nul < eol)) return 'ERR Invalid library metadata';
  const parts = splitInlineArgs(code, 0, eol);
  if (parts === null || parts.length === 0) return 'ERR Invalid library metadata';
  const engine = parts[0]!.latin1Slice(2);
  let name: string | null = null;
  for (const p of parts.slice(1)) {
    const part = cString(p);
    if (part.length >= 5 && part.slice(0, 5).toLowerCase() === 'name=') {
      if (name !== null) return 'ERR Invalid metadata value, name argument was given multiple times';
      name = part.slice(5);
    } else {
      return `ERR Invalid metadata value given: ${part}`;
    }
  }
  if (name === null) return 'ERR Library name was not given';
  return { engine, name, bodyStart: eol };
}

/** A Buffer as C's "%s" prints it: up to the first NUL. */
function cString(b: Buffer): string {
  const nul = b.indexOf(0);
  return b.latin1Slice(0, nul < 0 ? b.length : nul);
}

/**
 * functionsCreateWithLibraryCtx: compiles `code` and links the library into `ctx`
 * (replacing a library of the same name when `replace`). Returns the library, or
 * Redis's error text with `ctx` unchanged.
 */
function createLibrary(state: ScriptingState, ctx: LibraryCtx, code: Buffer, replace: boolean): Library | string {
  const meta = parseLibraryMeta(code);
  if (typeof meta === 'string') return meta;
  if (!libNameRe.test(meta.name)) {
    return 'ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long';
  }
  if (meta.engine.toLowerCase() !== 'lua') return `ERR Engine '${meta.engine}' not found`;
  const old = ctx.libraries.get(meta.name);
  if (old !== undefined && !replace) return `ERR Library '${meta.name}' already exists`;
  // The body keeps its line numbers: the shebang line becomes an empty line.
  const fns = state.fnVm.loadLibrary(code.subarray(meta.bodyStart));
  if (typeof fns === 'string') return fns.replace(/[\r\n]/g, ' ');
  if (fns.size === 0) return 'ERR No functions registered';
  for (const name of fns.keys()) {
    const owner = ctx.functions.get(name);
    if (owner !== undefined && owner !== old) {
      state.fnVm.unrefFunctions(fns);
      return `ERR Function ${name} already exists`;
    }
  }
  if (old !== undefined) deleteLibrary(state, ctx, old);
  const lib: Library = { name: meta.name, code, functions: fns };
  linkLibrary(ctx, lib);
  return lib;
}

function linkLibrary(ctx: LibraryCtx, lib: Library): void {
  ctx.libraries.set(lib.name, lib);
  for (const name of lib.functions.keys()) ctx.functions.set(name, lib);
}

function unlinkLibrary(ctx: LibraryCtx, lib: Library): void {
  for (const name of lib.functions.keys()) ctx.functions.delete(name);
  ctx.libraries.delete(lib.name);
}

function functionLoad(ctx: CommandContext): void {
  const argv = ctx.argv;
  let replace = false;
  let i = 2;
  for (; i < argv.length - 1; i++) {
    if (eqi(argv[i]!, 'replace')) replace = true;
    else {
      ctx.reply.error(`ERR Unknown option given: ${cString(argv[i]!)}`);
      return;
    }
  }
  const state = stateOf(ctx);
  const lib = createLibrary(state, state, Buffer.from(argv[i]!), replace);
  if (typeof lib === 'string') {
    ctx.reply.error(lib);
    return;
  }
  ctx.keyspace.dirty++; // logged as sent: a replica loads the same library
  ctx.reply.bulk(Buffer.from(lib.name, 'latin1'));
}

function deleteLibrary(state: ScriptingState, ctx: LibraryCtx, lib: Library): void {
  state.fnVm.unrefFunctions(lib.functions);
  unlinkLibrary(ctx, lib);
}

function functionDelete(ctx: CommandContext): void {
  const state = stateOf(ctx);
  const lib = state.libraries.get(latin1(ctx.argv[2]!));
  if (lib === undefined) {
    ctx.reply.error('ERR Library not found');
    return;
  }
  deleteLibrary(state, state, lib);
  ctx.keyspace.dirty++;
  ctx.reply.ok();
}

function functionFlush(ctx: CommandContext): void {
  const argv = ctx.argv;
  if (argv.length > 3) {
    subcommandSyntaxError(ctx);
    return;
  }
  if (argv.length === 3 && !eqi(argv[2]!, 'sync') && !eqi(argv[2]!, 'async')) {
    ctx.reply.error('ERR FUNCTION FLUSH only supports SYNC|ASYNC option');
    return;
  }
  const state = stateOf(ctx);
  for (const lib of [...state.libraries.values()]) deleteLibrary(state, state, lib);
  ctx.keyspace.dirty++;
  ctx.reply.ok();
}

/** addReplySubcommandSyntaxError. */
function subcommandSyntaxError(ctx: CommandContext): void {
  const sub = cString(ctx.argv[1]!).slice(0, 128);
  ctx.reply.error(`ERR unknown subcommand or wrong number of arguments for '${sub}'. Try ${cString(ctx.argv[0]!).toUpperCase()} HELP.`);
}

/** FUNCTION DUMP: every library's code in one payload (function-payload.ts). */
function functionDump(ctx: CommandContext): void {
  const libs = stateOf(ctx).libraries.values();
  ctx.reply.bulk(encodeFunctionPayload((function* () {
    for (const lib of libs) yield lib.code;
  })()));
}

/**
 * FUNCTION RESTORE payload [FLUSH|APPEND|REPLACE] (functionRestoreCommand): the
 * payload's libraries are compiled into a fresh context first (a library or function
 * named twice in the payload fails there), then FLUSH swaps that context in, APPEND
 * refuses any library name already present, REPLACE replaces those libraries; a
 * function name still taken by another library aborts with everything as it was.
 */
function functionRestore(ctx: CommandContext): void {
  const argv = ctx.argv;
  if (argv.length > 4) {
    subcommandSyntaxError(ctx);
    return;
  }
  let policy: 'append' | 'replace' | 'flush' = 'append';
  if (argv.length === 4) {
    if (eqi(argv[3]!, 'append')) policy = 'append';
    else if (eqi(argv[3]!, 'replace')) policy = 'replace';
    else if (eqi(argv[3]!, 'flush')) policy = 'flush';
    else {
      ctx.reply.error('ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.');
      return;
    }
  }
  const codes = decodeFunctionPayload(argv[2]!);
  if (typeof codes === 'string') {
    ctx.reply.error(`ERR ${codes}`);
    return;
  }
  const state = stateOf(ctx);
  const fresh: LibraryCtx = { libraries: new Map(), functions: new Map() };
  const discard = (): void => {
    for (const lib of fresh.libraries.values()) state.fnVm.unrefFunctions(lib.functions);
  };
  for (const code of codes) {
    // RDB loading copies the code out of the payload (argv is reused after the command).
    const lib = createLibrary(state, fresh, Buffer.from(code), false);
    if (typeof lib === 'string') {
      discard();
      ctx.reply.error(lib);
      return;
    }
  }
  if (policy === 'flush') {
    for (const lib of [...state.libraries.values()]) deleteLibrary(state, state, lib);
  } else {
    const err = joinLibraries(state, fresh, policy === 'replace');
    if (err !== null) {
      discard();
      ctx.reply.error(err);
      return;
    }
  }
  for (const lib of fresh.libraries.values()) linkLibrary(state, lib);
  ctx.keyspace.dirty++; // logged as sent: a replica restores the same libraries
  ctx.reply.ok();
}

/**
 * libraryJoin's checks and unlinking: on success the libraries `fresh` replaces are
 * gone from the state (their callbacks released); on error the state is unchanged.
 */
function joinLibraries(state: ScriptingState, fresh: LibraryCtx, replace: boolean): string | null {
  const replaced: Library[] = [];
  for (const name of fresh.libraries.keys()) {
    const old = state.libraries.get(name);
    if (old === undefined) continue;
    if (!replace) return `ERR Library ${name} already exists`;
    replaced.push(old);
  }
  const replacedSet = new Set(replaced);
  for (const name of fresh.functions.keys()) {
    const owner = state.functions.get(name);
    if (owner !== undefined && !replacedSet.has(owner)) return `ERR Function ${name} already exists`;
  }
  for (const old of replaced) deleteLibrary(state, state, old);
  return null;
}

/**
 * FUNCTION STATS's engine counts (the engine worker publishes them when a script turns
 * busy: the io-mux's busy gate then answers FUNCTION STATS, src/io-mux/busy-gate.ts).
 */
export function functionCounts(engine: object): { libraries: number; functions: number } {
  const s = states.get(engine);
  return { libraries: s?.libraries.size ?? 0, functions: s?.functions.size ?? 0 };
}

/**
 * FUNCTION STATS: the running script (none: the engine runs this between scripts; while
 * one is busy, the io-mux's busy gate answers instead) and the engine's counts.
 */
function functionStats(ctx: CommandContext): void {
  const state = stateOf(ctx);
  const out = ctx.reply;
  out.map(2);
  out.bulk(Buffer.from('running_script'));
  out.nil();
  out.bulk(Buffer.from('engines'));
  out.map(1);
  out.bulk(Buffer.from('LUA'));
  out.map(2);
  out.bulk(Buffer.from('libraries_count'));
  out.int(state.libraries.size);
  out.bulk(Buffer.from('functions_count'));
  out.int(state.functions.size);
}

const functionHelpLines = [
  'FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'LOAD [REPLACE] <FUNCTION CODE>',
  '    Create a new library with the given library name and code.',
  'DELETE <LIBRARY NAME>',
  '    Delete the given library.',
  'LIST [LIBRARYNAME PATTERN] [WITHCODE]',
  '    Return general information on all the libraries:',
  '    * Library name',
  '    * The engine used to run the Library',
  '    * Library description',
  '    * Functions list',
  '    * Library code (if WITHCODE is given)',
  '    It also possible to get only function that matches a pattern using LIBRARYNAME argument.',
  'STATS',
  '    Return information about the current function running:',
  '    * Function name',
  '    * Command used to run the function',
  '    * Duration in MS that the function is running',
  '    If no function is running, return nil',
  '    In addition, returns a list of available engines.',
  'KILL',
  '    Kill the current running function.',
  'FLUSH [ASYNC|SYNC]',
  '    Delete all the libraries.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the libraries.',
  '    * SYNC: Synchronously flush the libraries.',
  'DUMP',
  '    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command',
  'RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]',
  '    Restore the libraries represented by the given payload, it is possible to give a restore policy to',
  '    control how to handle existing libraries (default APPEND):',
  '    * FLUSH: delete all existing libraries.',
  '    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.',
  '    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old',
  '      libraries with the new libraries (notice that even on this option there is a chance of failure',
  '      in case of functions name collision with another library).',
  'HELP',
  '    Prints this help.',
];

function functionHelp(ctx: CommandContext): void {
  ctx.reply.array(functionHelpLines.length);
  for (const line of functionHelpLines) ctx.reply.status(line);
}

function functionList(ctx: CommandContext): void {
  const argv = ctx.argv;
  let withCode = false;
  let pattern: string | null = null;
  for (let i = 2; i < argv.length; i++) {
    if (eqi(argv[i]!, 'withcode')) {
      if (withCode) {
        ctx.reply.error('ERR Unknown argument withcode');
        return;
      }
      withCode = true;
    } else if (eqi(argv[i]!, 'libraryname')) {
      if (pattern !== null || i + 1 >= argv.length) {
        ctx.reply.error('ERR library name argument was not given');
        return;
      }
      pattern = latin1(argv[++i]!);
    } else {
      ctx.reply.error(`ERR Unknown argument ${latin1(argv[i]!)}`);
      return;
    }
  }
  const out = ctx.reply;
  const libs = [...stateOf(ctx).libraries.values()].filter((l) => pattern === null || globMatch(pattern, l.name));
  out.array(libs.length);
  for (const lib of libs) {
    out.map(withCode ? 4 : 3);
    out.bulk(Buffer.from('library_name'));
    out.bulk(Buffer.from(lib.name, 'latin1'));
    out.bulk(Buffer.from('engine'));
    out.bulk(Buffer.from('LUA'));
    out.bulk(Buffer.from('functions'));
    out.array(lib.functions.size);
    for (const fn of lib.functions.values()) {
      out.map(3);
      out.bulk(Buffer.from('name'));
      out.bulk(Buffer.from(fn.name, 'latin1'));
      out.bulk(Buffer.from('description'));
      if (fn.description === null) out.nil();
      else out.bulk(Buffer.from(fn.description, 'latin1'));
      out.bulk(Buffer.from('flags'));
      const flags = [...functionFlagOrder].filter((f) => fn.flags.includes(f));
      out.set(flags.length);
      for (const f of flags) out.status(f);
    }
    if (withCode) {
      out.bulk(Buffer.from('library_code'));
      out.bulk(lib.code);
    }
  }
}

const functionFlagOrder = ['no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys'];

/** As scriptKill: the busy gate answers FUNCTION KILL while a function is busy. */
function functionKill(ctx: CommandContext): void {
  ctx.reply.error('NOTBUSY No scripts in execution right now.');
}

function fcallGeneric(ctx: CommandContext, readOnlyCommand: boolean): void {
  const argv = ctx.argv;
  const numkeys = numkeysOrReply(ctx, 'ERR Bad number of keys provided');
  if (numkeys === null) return;
  const state = stateOf(ctx);
  const lib = state.functions.get(latin1(argv[1]!));
  if (lib === undefined) {
    ctx.reply.error('ERR Function not found');
    return;
  }
  const fn = lib.functions.get(latin1(argv[1]!))!;
  const noWrites = fn.flags.includes('no-writes');
  if (readOnlyCommand && !noWrites) {
    ctx.reply.error('ERR Can not execute a script with write flag using *_ro command.');
    return;
  }
  const n = Number(numkeys);
  ctx.propagate(null);
  state.client.dbIndex = ctx.client.dbIndex;
  state.fnVm.callFunction(fn, argv.slice(3, 3 + n), argv.slice(3 + n), noWrites, runnerFor(ctx, state, noWrites), ctx.reply, argv);
}

const functionSub = (name: string, arity: number, flags: CommandSpec['flags'], summary: string, complexity: string, handler: CommandSpec['handler']): CommandSpec =>
  withTips({
  name: `function|${name}`,
  arity,
  flags,
  firstKey: 0,
  lastKey: 0,
  keyStep: 0,
  categories: flags.includes('write') ? ['write', 'slow', 'scripting'] : ['slow', 'scripting'],
  group: 'scripting',
  summary,
  since: '7.0.0',
  complexity,
  handler,
  });

const evalFlags: CommandSpec['flags'] = ['noscript', 'stale', 'skip_monitor', 'no_mandatory_keys', 'movablekeys'];
const evalRoFlags: CommandSpec['flags'] = ['readonly', 'noscript', 'stale', 'skip_monitor', 'no_mandatory_keys', 'movablekeys'];

/** Redis 7.0's key spec of EVAL-like commands: numkeys at argv[2], keys after it. */
function evalKeySpec(readOnly: boolean, notes: boolean): KeySpec[] {
  const spec: KeySpec = {
    flags: readOnly ? ['RO', 'access'] : ['RW', 'access', 'update'],
    beginSearch: { type: 'index', index: 2 },
    findKeys: { type: 'keynum', keynumidx: 0, firstkey: 1, keystep: 1 },
  };
  if (!notes) return [spec];
  return [{ notes: `We cannot tell how the keys will be used so we assume the worst, ${readOnly ? 'RO and ACCESS' : 'RW and UPDATE'}`, ...spec }];
}

const evalSpec = (name: string, flags: CommandSpec['flags'], summary: string, since: string, handler: CommandSpec['handler']): CommandSpec => {
  const readOnly = flags.includes('readonly');
  const spec: CommandSpec & CommandSpecExtras = {
    name,
    arity: -3,
    flags,
    firstKey: 0,
    lastKey: 0,
    keyStep: 0,
    categories: ['slow', 'scripting'],
    group: 'scripting',
    summary,
    since,
    complexity: 'Depends on the script that is executed.',
    handler,
    getKeys: evalKeys,
    keySpecs: evalKeySpec(readOnly, !name.startsWith('evalsha')),
  };
  return spec;
};

const allNodes = ['request_policy:all_nodes', 'response_policy:all_succeeded'];
const allShards = ['request_policy:all_shards', 'response_policy:all_succeeded'];
const oneSucceeded = ['request_policy:all_shards', 'response_policy:one_succeeded'];
/** Redis 7.0's command tips of the SCRIPT and FUNCTION subcommands. */
const subcommandTips: Record<string, readonly string[]> = {
  'script|load': allNodes,
  'script|exists': ['request_policy:all_shards', 'response_policy:agg_logical_and'],
  'script|flush': allNodes,
  'script|kill': oneSucceeded,
  'function|load': allShards,
  'function|list': ['nondeterministic_output_order'],
  'function|delete': allShards,
  'function|flush': allShards,
  'function|kill': oneSucceeded,
};

function withTips(spec: CommandSpec): CommandSpec {
  const tips = subcommandTips[spec.name];
  if (tips === undefined) return spec;
  const extended: CommandSpec & CommandSpecExtras = { ...spec, tips };
  return extended;
}

const sub = (name: string, arity: number, flags: CommandSpec['flags'], summary: string, complexity: string, handler: CommandSpec['handler']): CommandSpec =>
  withTips({
  name: `script|${name}`,
  arity,
  flags,
  firstKey: 0,
  lastKey: 0,
  keyStep: 0,
  categories: ['slow', 'scripting'],
  group: 'scripting',
  summary,
  since: name === 'flush' || name === 'load' || name === 'kill' || name === 'exists' ? '2.6.0' : '5.0.0',
  complexity,
  handler,
  });

export const scriptingCommands: readonly CommandSpec[] = [
  evalSpec('eval', evalFlags, 'Execute a Lua script server side', '2.6.0', (ctx) => evalGeneric(ctx, false, false)),
  evalSpec('evalsha', evalFlags, 'Execute a Lua script server side', '2.6.0', (ctx) => evalGeneric(ctx, true, false)),
  evalSpec('eval_ro', evalRoFlags, 'Execute a read-only Lua script server side', '7.0.0', (ctx) => evalGeneric(ctx, false, true)),
  evalSpec('evalsha_ro', evalRoFlags, 'Execute a read-only Lua script server side', '7.0.0', (ctx) => evalGeneric(ctx, true, true)),
  evalSpec('fcall', evalFlags, 'Invoke a function', '7.0.0', (ctx) => fcallGeneric(ctx, false)),
  evalSpec('fcall_ro', evalRoFlags, 'Invoke a read-only function', '7.0.0', (ctx) => fcallGeneric(ctx, true)),
  {
    name: 'function',
    arity: -2,
    flags: [],
    firstKey: 0,
    lastKey: 0,
    keyStep: 0,
    categories: ['slow'],
    group: 'scripting',
    summary: 'A container for function commands',
    since: '7.0.0',
    complexity: 'Depends on subcommand.',
    subcommands: [
      functionSub('load', -3, ['write', 'denyoom', 'noscript'], 'Create a function with the given arguments (name, code, description)', 'O(1) (considering compilation time is redundant)', functionLoad),
      functionSub('delete', 3, ['write', 'noscript'], 'Delete a function by name', 'O(1)', functionDelete),
      functionSub('flush', -2, ['write', 'noscript'], 'Deleting all functions', 'O(N) where N is the number of functions deleted', functionFlush),
      functionSub('list', -2, ['noscript'], 'List information about all the functions', 'O(N) where N is the number of functions', functionList),
      functionSub('kill', 2, ['noscript', 'allow_busy'], 'Kill the function currently in execution.', 'O(1)', functionKill),
      functionSub('dump', 2, ['noscript'], 'Dump all functions into a serialized binary payload', 'O(N) where N is the number of functions', functionDump),
      functionSub('restore', -3, ['write', 'denyoom', 'noscript'], 'Restore all the functions on the given payload', 'O(N) where N is the number of functions on the payload', functionRestore),
      functionSub('stats', 2, ['noscript', 'allow_busy'], 'Return information about the function currently running (name, description, duration)', 'O(1)', functionStats),
      functionSub('help', 2, ['loading', 'stale'], 'Show helpful text about the different subcommands', 'O(1)', functionHelp),
    ],
  },
  {
    name: 'script',
    arity: -2,
    flags: [],
    firstKey: 0,
    lastKey: 0,
    keyStep: 0,
    categories: ['slow'],
    group: 'scripting',
    summary: 'A container for Lua scripts management commands',
    since: '2.6.0',
    complexity: 'Depends on subcommand.',
    subcommands: [
      sub('exists', -3, ['noscript'], 'Check existence of scripts in the script cache.', 'O(N) with N being the number of scripts to check (so checking a single script is an O(1) operation).', scriptExists),
      sub('flush', -2, ['noscript'], 'Remove all the scripts from the script cache.', 'O(N) with N being the number of scripts in cache', scriptFlush),
      sub('kill', 2, ['noscript', 'allow_busy'], 'Kill the script currently in execution.', 'O(1)', scriptKill),
      sub('load', 3, ['noscript', 'stale'], 'Load the specified Lua script into the script cache.', 'O(N) with N being the length in bytes of the script body.', scriptLoad),
      sub('help', 2, ['loading', 'stale'], 'Show helpful text about the different subcommands', 'O(1)', scriptHelp),
    ],
  },
];
