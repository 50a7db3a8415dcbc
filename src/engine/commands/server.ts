// Server commands (engine worker): INFO, CONFIG, TIME, LASTSAVE, DEBUG, MEMORY, SLOWLOG,
// LATENCY, as Redis 7.0's server.c, config.c, debug.c, object.c, slowlog.c and
// latency.c answer them (DBSIZE, CLIENT and COMMAND live in other modules).
//
// Error texts are 7.0's, byte for byte. Help texts are 7.0's (DEBUG HELP lists
// subcommands KeelDB does not have: clients read them as Redis's).
//
// Invariants: CONFIG SET changes all of its parameters or none; handlers read time
// only from ctx.nowMs (DEBUG SLEEP blocks through engine.sleep).

import { eqi, latin1, lowerAscii, string2ll } from '../args.js';
import type { CommandContext, CommandSpec } from '../command.js';
import {
  type ConfigParam,
  backupConfig,
  configNames,
  getConfigValue,
  lookupConfig,
  setConfigValue,
} from '../config.js';
import { globMatch } from '../glob.js';
import { infoString, memorySnapshot, selectSections } from '../info.js';
import { RObject } from '../keyspace.js';
import { latencyDoctorReport, latencyGraph } from '../latency.js';
import { slowlogOf } from '../slowlog.js';
import { latencyBucketCount, latencyBucketUpperUs } from '../stats.js';
import { keyspaceDigest } from '../digest.js';
import { controlHooksOf } from '../control-hooks.js';

function replyHelp(ctx: CommandContext, lines: readonly string[]): void {
  ctx.reply.array(lines.length);
  for (const l of lines) ctx.reply.status(l);
}

// --- INFO ------------------------------------------------------------------------------------

function infoCommand(ctx: CommandContext): void {
  const args: string[] = [];
  for (let j = 1; j < ctx.argv.length; j++) args.push(lowerAscii(ctx.argv[j]!));
  ctx.reply.verbatim(infoString(ctx.engine, ctx.keyspace, ctx.nowMs, selectSections(args)));
}

// --- CONFIG ----------------------------------------------------------------------------------

/** CONFIG GET's match of a pattern against a parameter name: stringmatchlen with nocase. */
export function configPatternMatch(pattern: string, name: string): boolean {
  return globMatch(pattern, name, true);
}

function configGetCommand(ctx: CommandContext): void {
  const matches = new Map<string, ConfigParam>(); // lower-case name -> param, reply order
  const shown = new Map<string, string>(); // lower-case name -> name as replied
  for (let j = 2; j < ctx.argv.length; j++) {
    const pattern = latin1(ctx.argv[j]!);
    if (!/[[*?]/.test(pattern)) {
      const lower = pattern.toLowerCase();
      if (matches.has(lower)) continue;
      const p = lookupConfig(pattern);
      if (p !== undefined) {
        matches.set(lower, p);
        shown.set(lower, pattern); // 7.0 replies with the name as the client spelled it
      }
      continue;
    }
    for (const name of configNames) {
      if (matches.has(name)) continue;
      if (configPatternMatch(pattern, name)) {
        matches.set(name, lookupConfig(name)!);
        shown.set(name, name);
      }
    }
  }
  const config = ctx.engine.config;
  ctx.reply.map(matches.size);
  for (const [lower, p] of matches) {
    ctx.reply.bulkLatin1(shown.get(lower)!);
    ctx.reply.bulkLatin1(getConfigValue(config, p));
  }
}

function configSetCommand(ctx: CommandContext): void {
  // Until the engine installs the slowlog at start (see slowlog.ts), setting its
  // thresholds is the moment it must start listening.
  slowlogOf(ctx.engine);
  const argv = ctx.argv;
  if (argv.length % 2 !== 0) {
    ctx.reply.error('ERR syntax error');
    return;
  }
  const params: ConfigParam[] = [];
  /** The lower-case name each parameter was set by (an alias or its own), for errors. */
  const names: string[] = [];
  const values: string[] = [];
  let unknownName: string | null = null;
  let errName: string | null = null;
  let errText: string | null = null;
  for (let j = 2; j < argv.length; j += 2) {
    const name = latin1(argv[j]!);
    const p = lookupConfig(name);
    if (p === undefined) {
      if (unknownName === null && errName === null) unknownName = name;
      continue;
    }
    if (unknownName !== null || errName !== null) continue;
    if (p.immutable === true) {
      errName = name;
      errText = 'can\'t set immutable config';
      continue;
    }
    // 7.0 registers an alias as a config of its own: the alias and its target are not duplicates.
    if (names.includes(name.toLowerCase())) {
      errName = name;
      errText = 'duplicate parameter';
      continue;
    }
    params.push(p);
    names.push(name.toLowerCase());
    values.push(latin1(argv[j + 1]!));
  }
  if (unknownName !== null) {
    ctx.reply.error(`ERR Unknown option or number of arguments for CONFIG SET - '${unknownName}'`);
    return;
  }
  if (errName !== null) {
    ctx.reply.error(`ERR CONFIG SET failed (possibly related to argument '${errName}') - ${errText}`);
    return;
  }
  const config = ctx.engine.config;
  const backup = backupConfig(config, params);
  for (let i = 0; i < params.length; i++) {
    const err = setConfigValue(config, params[i]!, values[i]!);
    if (err !== null) {
      for (let k = 0; k <= i; k++) setConfigValue(config, params[k]!, backup[k]!);
      const suffix = err === '' ? '' : ` - ${err}`;
      ctx.reply.error(`ERR CONFIG SET failed (possibly related to argument '${names[i]!}')${suffix}`);
      return;
    }
  }
  // The io-mux enforces maxclients, proto-max-bulk-len and client-query-buffer-limit: it
  // takes the new values before it forwards this +OK.
  controlHooksOf(ctx.engine)?.configChanged();
  ctx.reply.ok();
}

// --- SHUTDOWN --------------------------------------------------------------------------------

/**
 * SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT], Redis 7.0's shutdownCommand checks.
 * KeelDB has no RDB: SAVE and NOSAVE change nothing (acknowledged writes are already in
 * the journal, or, with --journal none, nowhere). No shutdown is ever in progress (no
 * replicas to wait for), so ABORT always fails. On success nothing is answered: the
 * server stops accepting, closes every client and exits 0. While a script is busy the
 * io-mux's busy gate answers SHUTDOWN instead (src/io-mux/busy-gate.ts).
 */
function shutdownCommand(ctx: CommandContext): void {
  let nosave = false;
  let save = false;
  let other = false;
  let abort = false;
  for (let j = 1; j < ctx.argv.length; j++) {
    const a = lowerAscii(ctx.argv[j]!);
    if (a === 'nosave') nosave = true;
    else if (a === 'save') save = true;
    else if (a === 'now' || a === 'force') other = true;
    else if (a === 'abort') abort = true;
    else {
      ctx.reply.error('ERR syntax error');
      return;
    }
  }
  if ((abort && (nosave || save || other)) || (nosave && save)) {
    ctx.reply.error('ERR syntax error');
    return;
  }
  if (abort) {
    ctx.reply.error('ERR No shutdown in progress.');
    return;
  }
  // SHUTDOWN has the no_multi flag: the engine refuses to queue it, as Redis does; this
  // check only guards against a transaction that reaches the handler another way.
  if (ctx.client.multi !== null) {
    ctx.reply.error('ERR Command not allowed inside a transaction');
    return;
  }
  const hooks = controlHooksOf(ctx.engine);
  if (hooks === undefined) {
    // An engine without a worker around it (unit tests) has no process to stop.
    ctx.reply.error('ERR Errors trying to SHUTDOWN. Check logs.');
    return;
  }
  hooks.shutdown();
}

function configResetstatCommand(ctx: CommandContext): void {
  ctx.engine.stats.reset();
  ctx.reply.ok();
}

function configRewriteCommand(ctx: CommandContext): void {
  ctx.reply.error('ERR The server is running without a config file');
}

function configHelpCommand(ctx: CommandContext): void {
  replyHelp(ctx, configHelp);
}

// --- TIME, LASTSAVE, DEBUG -------------------------------------------------------------------

/** The clock read now, to the microsecond, not the command's frozen time (Redis's timeCommand). */
function timeCommand(ctx: CommandContext): void {
  const us = ctx.engine.wallClockUs();
  ctx.reply.array(2);
  ctx.reply.bulkLatin1(String(Math.floor(us / 1_000_000)));
  ctx.reply.bulkLatin1(String(us % 1_000_000));
}

/** KeelDB never saves a snapshot of its own: the last save is the server's start. */
function lastsaveCommand(ctx: CommandContext): void {
  ctx.reply.int(Math.floor(ctx.engine.startedMs / 1000));
}

function debugCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  const sub = argv[1]!;
  if (eqi(sub, 'help') && argv.length === 2) {
    replyHelp(ctx, debugHelp);
    return;
  }
  if (eqi(sub, 'sleep') && argv.length >= 3) {
    // strtod of the argument: a leading number, else 0 (Redis does not complain).
    const seconds = Number.parseFloat(latin1(argv[2]!));
    const ms = Number.isFinite(seconds) ? seconds * 1000 : 0;
    if (ms > 0) ctx.engine.sleep(ms);
    ctx.reply.ok();
    return;
  }
  if (eqi(sub, 'digest') && argv.length === 2) {
    // A status reply of 40 hex digits, as Redis (forty zeros for an empty keyspace).
    ctx.reply.status(keyspaceDigest(ctx.keyspace));
    return;
  }
  ctx.reply.error(`ERR unknown subcommand or wrong number of arguments for '${latin1(sub)}'. Try DEBUG HELP.`);
}

// --- MEMORY ----------------------------------------------------------------------------------

/** jemalloc's size class for an allocation of n bytes (LG_QUANTUM 4, 4 classes per doubling). */
export function jemallocSize(n: number): number {
  if (n <= 8) return 8;
  if (n <= 128) return Math.ceil(n / 16) * 16;
  const lg = Math.floor(Math.log2(n - 1));
  const step = 2 ** (lg - 2);
  return Math.ceil(n / step) * step;
}

/**
 * Bytes of an sds string of `len` bytes made by sdsnewlen (header by sdsReqType, plus the
 * NUL): under 32 bytes a 1-byte SDS_TYPE_5 header, except the empty string, which
 * sdsnewlen makes SDS_TYPE_8 (3 bytes) so it can grow.
 */
function sdsBytes(len: number): number {
  const hdr = len === 0 ? 3 : len < 32 ? 1 : len < 256 ? 3 : len < 65536 ? 5 : len < 2 ** 32 ? 9 : 17;
  return jemallocSize(hdr + len + 1);
}

/** Redis's objectComputeSize estimate for a string value (robj is 16 bytes). */
function stringValueBytes(v: string): number {
  if (v.length <= 20 && string2ll(v) !== null) return 16; // OBJ_ENCODING_INT
  if (v.length <= 44) return jemallocSize(16 + 3 + v.length + 1); // EMBSTR: robj and sds in one block
  return 16 + sdsBytes(v.length);
}

/** Other types may report their own size (an optional `memoryBytes()` on the RObject). */
function objectValueBytes(v: RObject): number {
  const sized = v as RObject & { memoryBytes?: () => number };
  return 16 + (typeof sized.memoryBytes === 'function' ? sized.memoryBytes() : 64);
}

function memoryUsageCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  for (let j = 3; j < argv.length; j++) {
    if (eqi(argv[j]!, 'samples') && j + 1 < argv.length) {
      const n = string2ll(latin1(argv[j + 1]!));
      if (n === null) {
        ctx.reply.error('ERR value is not an integer or out of range');
        return;
      }
      if (n < 0n) {
        ctx.reply.error('ERR syntax error');
        return;
      }
      j++;
    } else {
      ctx.reply.error('ERR syntax error');
      return;
    }
  }
  // Redis looks the dict up directly: an expired key not yet deleted still answers.
  const key = latin1(argv[2]!);
  const v = ctx.db.valueNoExpire(key);
  if (v === undefined) {
    ctx.reply.nil();
    return;
  }
  // A string built in place (SETBIT, SETRANGE, APPEND...) is a raw robj plus its own sds,
  // as big as Redis grew it (SETBIT/BITFIELD growth is greedy, keyspace.ts tracks it).
  const valueBytes = typeof v === 'string' ? (ctx.db.isRawString(key) ? 16 + (ctx.db.rawStringSize(key)?.total ?? sdsBytes(v.length)) : stringValueBytes(v)) : objectValueBytes(v);
  const dictEntryBytes = 24;
  ctx.reply.int(valueBytes + sdsBytes(key.length) + dictEntryBytes);
}

function memoryHelpCommand(ctx: CommandContext): void {
  replyHelp(ctx, memoryHelp);
}

function memoryPurgeCommand(ctx: CommandContext): void {
  ctx.reply.ok();
}

/** MEMORY STATS with 7.0's fields and order; V8's heap stands in for jemalloc's figures. */
function memoryStatsCommand(ctx: CommandContext): void {
  const m = memorySnapshot(ctx.engine);
  const r = ctx.reply;
  const dbs = ctx.keyspace.dbs.filter((db) => db.size > 0);
  let keys = 0;
  for (const db of dbs) keys += db.size;
  const dataset = Math.max(0, m.used - m.startup);
  r.map(27 + dbs.length);
  const int = (k: string, v: number): void => {
    r.bulkLatin1(k);
    r.int(Math.round(v));
  };
  const dbl = (k: string, v: number): void => {
    r.bulkLatin1(k);
    r.double(v);
  };
  int('peak.allocated', m.peak);
  int('total.allocated', m.used);
  int('startup.allocated', m.startup);
  for (const k of ['replication.backlog', 'clients.slaves', 'clients.normal', 'cluster.links', 'aof.buffer', 'lua.caches', 'functions.caches']) int(k, 0);
  for (const db of dbs) {
    r.bulkLatin1(`db.${db.index}`);
    r.map(3);
    // Redis's dict: a 24-byte entry per key plus a power-of-two array of 8-byte slots.
    const tableBytes = (n: number): number => (n === 0 ? 0 : n * 24 + 2 ** Math.ceil(Math.log2(n)) * 8);
    int('overhead.hashtable.main', tableBytes(db.size));
    int('overhead.hashtable.expires', tableBytes(db.expires.size));
    int('overhead.hashtable.slot-to-keys', 0);
  }
  int('overhead.total', m.startup);
  int('keys.count', keys);
  int('keys.bytes-per-key', keys === 0 ? 0 : Math.floor(dataset / keys));
  int('dataset.bytes', dataset);
  dbl('dataset.percentage', m.used === 0 ? 0 : (dataset * 100) / m.used);
  dbl('peak.percentage', (m.used * 100) / m.peak);
  int('allocator.allocated', m.heapUsed);
  int('allocator.active', m.heapTotal);
  int('allocator.resident', m.rss);
  dbl('allocator-fragmentation.ratio', m.heapTotal / Math.max(1, m.heapUsed));
  int('allocator-fragmentation.bytes', m.heapTotal - m.heapUsed);
  dbl('allocator-rss.ratio', m.rss / Math.max(1, m.heapTotal));
  int('allocator-rss.bytes', m.rss - m.heapTotal);
  dbl('rss-overhead.ratio', 1);
  int('rss-overhead.bytes', 0);
  dbl('fragmentation', m.rss / Math.max(1, m.used));
  int('fragmentation.bytes', m.rss - m.used);
}

/**
 * MEMORY DOCTOR: 7.0's report when it finds nothing to say (KeelDB has no allocator
 * fragmentation or big-client figures for its detectors to look at).
 */
function memoryDoctorCommand(ctx: CommandContext): void {
  ctx.reply.verbatim('Hi Sam, I can\'t find any memory issue in your instance. I can only account for what occurs on this base.\n');
}

function memoryMallocStatsCommand(ctx: CommandContext): void {
  ctx.reply.verbatim('Stats not supported for the current allocator');
}

// --- SLOWLOG ---------------------------------------------------------------------------------

function slowlogGetCommand(ctx: CommandContext): void {
  let count = 10;
  if (ctx.argv.length > 3) {
    ctx.reply.error(`ERR unknown subcommand or wrong number of arguments for '${latin1(ctx.argv[1]!)}'. Try SLOWLOG HELP.`);
    return;
  }
  if (ctx.argv.length === 3) {
    const n = string2ll(latin1(ctx.argv[2]!));
    if (n === null || n < -1n) {
      ctx.reply.error('ERR count should be greater than or equal to -1');
      return;
    }
    count = n === -1n ? Infinity : Number(n);
  }
  const entries = slowlogOf(ctx.engine).entries;
  const n = Math.min(count, entries.length);
  const r = ctx.reply;
  r.array(n);
  for (let i = 0; i < n; i++) {
    const e = entries[i]!;
    r.array(6);
    r.int(e.id);
    r.int(e.time);
    r.int(e.durationUs);
    r.array(e.argv.length);
    for (const a of e.argv) r.bulkLatin1(a);
    r.bulkLatin1(e.peer);
    r.bulkLatin1(e.clientName);
  }
}

function slowlogLenCommand(ctx: CommandContext): void {
  ctx.reply.int(slowlogOf(ctx.engine).entries.length);
}

function slowlogResetCommand(ctx: CommandContext): void {
  slowlogOf(ctx.engine).reset();
  ctx.reply.ok();
}

function slowlogHelpCommand(ctx: CommandContext): void {
  replyHelp(ctx, slowlogHelp);
}

// --- LATENCY ---------------------------------------------------------------------------------

function latencyLatestCommand(ctx: CommandContext): void {
  const rows = slowlogOf(ctx.engine).latency.latest();
  ctx.reply.array(rows.length);
  for (const [event, time, latest, max] of rows) {
    ctx.reply.array(4);
    ctx.reply.bulkLatin1(event);
    ctx.reply.int(time);
    ctx.reply.int(latest);
    ctx.reply.int(max);
  }
}

function latencyHistoryCommand(ctx: CommandContext): void {
  const samples = slowlogOf(ctx.engine).latency.history(latin1(ctx.argv[2]!));
  ctx.reply.array(samples.length);
  for (const s of samples) {
    ctx.reply.array(2);
    ctx.reply.int(s.time);
    ctx.reply.int(s.latencyMs);
  }
}

function latencyResetCommand(ctx: CommandContext): void {
  const events: string[] = [];
  for (let j = 2; j < ctx.argv.length; j++) events.push(latin1(ctx.argv[j]!));
  ctx.reply.int(slowlogOf(ctx.engine).latency.reset(events));
}

/**
 * LATENCY HISTOGRAM [command ...]: per command, its calls and a cumulative histogram
 * (bucket upper bound in us -> calls at or below it), listing only buckets that hold
 * calls, as 7.0 does. A container name stands for its subcommands; unknown names and
 * commands never called are left out.
 */
function latencyHistogramCommand(ctx: CommandContext): void {
  const stats = ctx.engine.stats.commands;
  const names: string[] = [];
  if (ctx.argv.length === 2) {
    for (const [name, s] of stats) if (s.calls > 0) names.push(name);
    names.sort();
  } else {
    for (let j = 2; j < ctx.argv.length; j++) {
      const name = lowerAscii(ctx.argv[j]!);
      const found = [...stats.keys()].filter((k) => k === name || k.startsWith(`${name}|`)).sort();
      for (const k of found) if (stats.get(k)!.calls > 0 && !names.includes(k)) names.push(k);
    }
  }
  const r = ctx.reply;
  r.map(names.length);
  for (const name of names) {
    const s = stats.get(name)!;
    r.bulkLatin1(name);
    r.map(2);
    r.bulkLatin1('calls');
    r.int(s.calls);
    r.bulkLatin1('histogram_usec');
    let used = 0;
    for (let i = 0; i < latencyBucketCount; i++) if (s.latencyBuckets[i]! > 0) used++;
    r.map(used);
    let cumulative = 0;
    for (let i = 0; i < latencyBucketCount; i++) {
      const n = s.latencyBuckets[i]!;
      if (n === 0) continue;
      cumulative += n;
      r.int(latencyBucketUpperUs(i));
      r.int(cumulative);
    }
  }
}

function latencyDoctorCommand(ctx: CommandContext): void {
  ctx.reply.verbatim(latencyDoctorReport(slowlogOf(ctx.engine).latency, ctx.engine.config, Math.floor(ctx.nowMs / 1000)));
}

function latencyGraphCommand(ctx: CommandContext): void {
  const event = latin1(ctx.argv[2]!);
  const series = slowlogOf(ctx.engine).latency.series(event);
  if (series === undefined) {
    ctx.reply.error(`ERR No samples available for event '${event}'`);
    return;
  }
  ctx.reply.verbatim(latencyGraph(event, series, Math.floor(ctx.nowMs / 1000)));
}

function latencyHelpCommand(ctx: CommandContext): void {
  replyHelp(ctx, latencyHelp);
}

// --- Help texts (Redis 7.0.15's, verbatim) ---------------------------------------------------

const configHelp: readonly string[] = [
  'CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GET <pattern>',
  '    Return parameters matching the glob-like <pattern> and their values.',
  'SET <directive> <value>',
  '    Set the configuration <directive> to <value>.',
  'RESETSTAT',
  '    Reset statistics reported by the INFO command.',
  'REWRITE',
  '    Rewrite the configuration file.',
  'HELP',
  '    Prints this help.',
];
const slowlogHelp: readonly string[] = [
  'SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GET [<count>]',
  '    Return top <count> entries from the slowlog (default: 10, -1 mean all).',
  '    Entries are made of:',
  '    id, timestamp, time in microseconds, arguments array, client IP and port,',
  '    client name',
  'LEN',
  '    Return the length of the slowlog.',
  'RESET',
  '    Reset the slowlog.',
  'HELP',
  '    Prints this help.',
];
const latencyHelp: readonly string[] = [
  'LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'DOCTOR',
  '    Return a human readable latency analysis report.',
  'GRAPH <event>',
  '    Return an ASCII latency graph for the <event> class.',
  'HISTORY <event>',
  '    Return time-latency samples for the <event> class.',
  'LATEST',
  '    Return the latest latency samples for all events.',
  'RESET [<event> ...]',
  '    Reset latency data of one or more <event> classes.',
  '    (default: reset all data for all event classes)',
  'HISTOGRAM [COMMAND ...]',
  '    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.',
  '    If no commands are specified then all histograms are replied.',
  'HELP',
  '    Prints this help.',
];
const memoryHelp: readonly string[] = [
  'MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'DOCTOR',
  '    Return memory problems reports.',
  'MALLOC-STATS',
  '    Return internal statistics report from the memory allocator.',
  'PURGE',
  '    Attempt to purge dirty pages for reclamation by the allocator.',
  'STATS',
  '    Return information about the memory usage of the server.',
  'USAGE <key> [SAMPLES <count>]',
  '    Return memory in bytes used by <key> and its value. Nested values are',
  '    sampled up to <count> times (default: 5, 0 means sample all).',
  'HELP',
  '    Prints this help.',
];
const debugHelp: readonly string[] = [
  'DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'AOF-FLUSH-SLEEP <microsec>',
  '    Server will sleep before flushing the AOF, this is used for testing.',
  'ASSERT',
  '    Crash by assertion failed.',
  'CHANGE-REPL-ID',
  '    Change the replication IDs of the instance.',
  '    Dangerous: should be used only for testing the replication subsystem.',
  'CONFIG-REWRITE-FORCE-ALL',
  '    Like CONFIG REWRITE but writes all configuration options, including',
  '    keywords not listed in original configuration file or default values.',
  'CRASH-AND-RECOVER [<milliseconds>]',
  '    Hard crash and restart after a <milliseconds> delay (default 0).',
  'DIGEST',
  '    Output a hex signature representing the current DB content.',
  'DIGEST-VALUE <key> [<key> ...]',
  '    Output a hex signature of the values of all the specified keys.',
  'ERROR <string>',
  '    Return a Redis protocol error with <string> as message. Useful for clients',
  '    unit tests to simulate Redis errors.',
  'LEAK <string>',
  '    Create a memory leak of the input string.',
  'LOG <message>',
  '    Write <message> to the server log.',
  'HTSTATS <dbid>',
  '    Return hash table statistics of the specified Redis database.',
  'HTSTATS-KEY <key>',
  '    Like HTSTATS but for the hash table stored at <key>\'s value.',
  'LOADAOF',
  '    Flush the AOF buffers on disk and reload the AOF in memory.',
  'REPLICATE <string>',
  '    Replicates the provided string to replicas, allowing data divergence.',
  'MALLCTL <key> [<val>]',
  '    Get or set a malloc tuning integer.',
  'MALLCTL-STR <key> [<val>]',
  '    Get or set a malloc tuning string.',
  'OBJECT <key>',
  '    Show low level info about `key` and associated value.',
  'DROP-CLUSTER-PACKET-FILTER <packet-type>',
  '    Drop all packets that match the filtered type. Set to -1 allow all packets.',
  'OOM',
  '    Crash the server simulating an out-of-memory error.',
  'PANIC',
  '    Crash the server simulating a panic.',
  'POPULATE <count> [<prefix>] [<size>]',
  '    Create <count> string keys named key:<num>. If <prefix> is specified then',
  '    it is used instead of the \'key\' prefix. These are not propagated to',
  '    replicas. Cluster slots are not respected so keys not belonging to the',
  '    current node can be created in cluster mode.',
  'PROTOCOL <type>',
  '    Reply with a test value of the specified type. <type> can be: string,',
  '    integer, double, bignum, null, array, set, map, attrib, push, verbatim,',
  '    true, false.',
  'RELOAD [option ...]',
  '    Save the RDB on disk and reload it back to memory. Valid <option> values:',
  '    * MERGE: conflicting keys will be loaded from RDB.',
  '    * NOFLUSH: the existing database will not be removed before load, but',
  '      conflicting keys will generate an exception and kill the server.',
  '    * NOSAVE: the database will be loaded from an existing RDB file.',
  '    Examples:',
  '    * DEBUG RELOAD: verify that the server is able to persist, flush and reload',
  '      the database.',
  '    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an',
  '      existing RDB file.',
  '    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB',
  '      file to the database.',
  'RESTART [<milliseconds>]',
  '    Graceful restart: save config, db, restart after a <milliseconds> delay (default 0).',
  'SDSLEN <key>',
  '    Show low level SDS string info representing `key` and value.',
  'SEGFAULT',
  '    Crash the server with sigsegv.',
  'SET-ACTIVE-EXPIRE <0|1>',
  '    Setting it to 0 disables expiring keys in background when they are not',
  '    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the',
  '    default.',
  'QUICKLIST-PACKED-THRESHOLD <size>',
  '    Sets the threshold for elements to be inserted as plain vs packed nodes',
  '    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.',
  'SET-SKIP-CHECKSUM-VALIDATION <0|1>',
  '    Enables or disables checksum checks for RDB files and RESTORE\'s payload.',
  'SLEEP <seconds>',
  '    Stop the server for <seconds>. Decimals allowed.',
  'STRINGMATCH-TEST',
  '    Run a fuzz tester against the stringmatchlen() function.',
  'STRUCTSIZE',
  '    Return the size of different Redis core C structures.',
  'LISTPACK <key>',
  '    Show low level info about the listpack encoding of <key>.',
  'QUICKLIST <key> [<0|1>]',
  '    Show low level info about the quicklist encoding of <key>.',
  '    The optional argument (0 by default) sets the level of detail',
  'CLIENT-EVICTION',
  '    Show low level client eviction pools info (maxmemory-clients).',
  'PAUSE-CRON <0|1>',
  '    Stop periodic cron job processing.',
  'REPLYBUFFER PEAK-RESET-TIME <NEVER||RESET|time>',
  '    Sets the time (in milliseconds) to wait between client reply buffer peak resets.',
  '    In case NEVER is provided the last observed peak will never be reset',
  '    In case RESET is provided the peak reset time will be restored to the default value',
  'REPLYBUFFER RESIZING <0|1>',
  '    Enable or disable the reply buffer resize cron job',
  'CLUSTERLINK KILL <to|from|all> <node-id>',
  '    Kills the link based on the direction to/from (both) with the provided node.',
  'HELP',
  '    Prints this help.',
];

// --- The table (Redis 7.0's src/commands/*.json, as COMMAND INFO / DOCS report them) ----------

export const serverCommands: readonly CommandSpec[] = [
  { name: 'info', arity: -1, flags: ['loading', 'stale'], firstKey: 0, lastKey: 0, keyStep: 0, categories: ['slow', 'dangerous'], group: 'server', since: '1.0.0', complexity: 'O(1)', summary: 'Get information and statistics about the server', handler: infoCommand },
  {
    name: 'config', arity: -2, flags: [], firstKey: 0, lastKey: 0, keyStep: 0, categories: ['slow'], group: 'server', since: '2.0.0', complexity: 'Depends on subcommand.', summary: 'A container for server configuration commands',
    subcommands: [
      { name: 'config|rewrite', arity: 2, flags: ['admin', 'noscript', 'loading', 'stale'], firstKey: 0, lastKey: 0, keyStep: 0, categories: ['admin', 'slow', 'dangerous'], group: 'server', since: '2.8.0', complexity: 'O(1)', summary: 'Rewrite the configuration file with the in memory configuration', handler: configRewriteCommand },
      { name: 'config|resetstat', arity: 2, flags: ['admin', 'noscript', 'loading', 'stale'], firstKey: 0, lastKey: 0, keyStep: 0, categories: ['admin', 'slow', 'dangerous'], group: 'server', since: '2.0.0', complexity: 'O(1)', summary: 'Reset the stats returned by INFO', handler: configResetstatCommand },
      { name: 'config|get', arity: -3, flags: ['admin', 'noscript', 'loading', 'stale'], firstKey: 0, lastKey: 0, keyStep: 0, categories: ['admin', 'slow', 'dangerous'], group: 'server', since: '2.0.0', complexity: 'O(N) when N is the number of configuration parameters provided', summary: 'Get the values of configuration parameters', handler: configGetCommand },
      { name: 'config|help', arity: 2, flags: ['loading', 'stale'], firstKey: 0, lastKey: 0, keyStep: 0, categories: ['slow'], group: 'server', since: '5.0.0', complexity: 'O(1)', summary: 'Show helpful text about the different subcommands', handler: configHelpCommand },
      { name: 'config|set', arity: -4, flags: ['admin', 'noscript', 'loading', 'stale'], firstKey: 0, lastKey: 0, keyStep: 0, categories: ['admin', 'slow', 'dangerous'], group: 'server', since: '2.0.0', complexity: 'O(N) when N is the number of configuration parameters provided', summary: 'Set configuration parameters to the given values', handler: configSetCommand },
    ],
  },
  { name: 'shutdown', arity: -1, flags: ['admin', 'noscript', 'loading', 'stale', 'no_multi', 'allow_busy'], firstKey: 0, lastKey: 0, keyStep: 0, categories: ['admin', 'slow', 'dangerous'], group: 'server', since: '1.0.0', complexity: 'O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)', summary: 'Synchronously save the dataset to disk and then shut down the server', handler: shutdownCommand },
  { name: 'time', arity: 1, flags: ['loading', 'stale', 'fast'], firstKey: 0, lastKey: 0, keyStep: 0, categories: ['fast'], group: 'server', since: '2.6.0', complexity: 'O(1)', summary: 'Return the current server time', handler: timeCommand },
  { name: 'lastsave', arity: 1, flags: ['loading', 'stale', 'fast'], firstKey: 0, lastKey: 0, keyStep: 0, categories: ['admin', 'fast', 'dangerous'], group: 'server', since: '1.0.0', complexity: 'O(1)', summary: 'Get the UNIX time stamp of the last successful save to disk', handler: lastsaveCommand },
  { name: 'debug', arity: -2, flags: ['admin', 'noscript', 'loading', 'stale'], firstKey: 0, lastKey: 0, keyStep: 0, categories: ['admin', 'slow', 'dangerous'], group: 'server', since: '1.0.0', complexity: 'Depends on subcommand.', summary: 'A container for debugging commands', handler: debugCommand },
  {
    name: 'memory', arity: -2, flags: [], firstKey: 0, lastKey: 0, keyStep: 0, categories: ['slow'], group: 'server', since: '4.0.0', complexity: 'Depends on subcommand.', summary: 'A container for memory diagnostics commands',
    subcommands: [
      { name: 'memory|malloc-stats', arity: 2, flags: [], firstKey: 0, lastKey: 0, keyStep: 0, categories: ['slow'], group: 'server', since: '4.0.0', complexity: 'Depends on how much memory is allocated, could be slow', summary: 'Show allocator internal stats', handler: memoryMallocStatsCommand },
      { name: 'memory|purge', arity: 2, flags: [], firstKey: 0, lastKey: 0, keyStep: 0, categories: ['slow'], group: 'server', since: '4.0.0', complexity: 'Depends on how much memory is allocated, could be slow', summary: 'Ask the allocator to release memory', handler: memoryPurgeCommand },
      { name: 'memory|help', arity: 2, flags: ['loading', 'stale'], firstKey: 0, lastKey: 0, keyStep: 0, categories: ['slow'], group: 'server', since: '4.0.0', complexity: 'O(1)', summary: 'Show helpful text about the different subcommands', handler: memoryHelpCommand },
      { name: 'memory|stats', arity: 2, flags: [], firstKey: 0, lastKey: 0, keyStep: 0, categories: ['slow'], group: 'server', since: '4.0.0', complexity: 'O(1)', summary: 'Show memory usage details', handler: memoryStatsCommand },
      { name: 'memory|doctor', arity: 2, flags: [], firstKey: 0, lastKey: 0, keyStep: 0, categories: ['slow'], group: 'server', since: '4.0.0', complexity: 'O(1)', summary: 'Outputs memory problems report', handler: memoryDoctorCommand },
      { name: 'memory|usage', arity: -3, flags: ['readonly'], firstKey: 2, lastKey: 2, keyStep: 1, categories: ['read', 'slow'], group: 'server', since: '4.0.0', complexity: 'O(N) where N is the number of samples.', summary: 'Estimate the memory usage of a key', handler: memoryUsageCommand },
    ],
  },
  {
    name: 'slowlog', arity: -2, flags: [], firstKey: 0, lastKey: 0, keyStep: 0, categories: ['slow'], group: 'server', since: '2.2.12', complexity: 'Depends on subcommand.', summary: 'A container for slow log commands',
    subcommands: [
      { name: 'slowlog|get', arity: -2, flags: ['admin', 'loading', 'stale'], firstKey: 0, lastKey: 0, keyStep: 0, categories: ['admin', 'slow', 'dangerous'], group: 'server', since: '2.2.12', complexity: 'O(N) where N is the number of entries returned', summary: 'Get the slow log\'s entries', handler: slowlogGetCommand },
      { name: 'slowlog|reset', arity: 2, flags: ['admin', 'loading', 'stale'], firstKey: 0, lastKey: 0, keyStep: 0, categories: ['admin', 'slow', 'dangerous'], group: 'server', since: '2.2.12', complexity: 'O(N) where N is the number of entries in the slowlog', summary: 'Clear all entries from the slow log', handler: slowlogResetCommand },
      { name: 'slowlog|len', arity: 2, flags: ['admin', 'loading', 'stale'], firstKey: 0, lastKey: 0, keyStep: 0, categories: ['admin', 'slow', 'dangerous'], group: 'server', since: '2.2.12', complexity: 'O(1)', summary: 'Get the slow log\'s length', handler: slowlogLenCommand },
      { name: 'slowlog|help', arity: 2, flags: ['loading', 'stale'], firstKey: 0, lastKey: 0, keyStep: 0, categories: ['slow'], group: 'server', since: '6.2.0', complexity: 'O(1)', summary: 'Show helpful text about the different subcommands', handler: slowlogHelpCommand },
    ],
  },
  {
    name: 'latency', arity: -2, flags: [], firstKey: 0, lastKey: 0, keyStep: 0, categories: ['slow'], group: 'server', since: '2.8.13', complexity: 'Depends on subcommand.', summary: 'A container for latency diagnostics commands',
    subcommands: [
      { name: 'latency|help', arity: 2, flags: ['loading', 'stale'], firstKey: 0, lastKey: 0, keyStep: 0, categories: ['slow'], group: 'server', since: '2.8.13', complexity: 'O(1)', summary: 'Show helpful text about the different subcommands.', handler: latencyHelpCommand },
      { name: 'latency|graph', arity: 3, flags: ['admin', 'noscript', 'loading', 'stale'], firstKey: 0, lastKey: 0, keyStep: 0, categories: ['admin', 'slow', 'dangerous'], group: 'server', since: '2.8.13', complexity: 'O(1)', summary: 'Return a latency graph for the event.', handler: latencyGraphCommand },
      { name: 'latency|reset', arity: -2, flags: ['admin', 'noscript', 'loading', 'stale'], firstKey: 0, lastKey: 0, keyStep: 0, categories: ['admin', 'slow', 'dangerous'], group: 'server', since: '2.8.13', complexity: 'O(1)', summary: 'Reset latency data for one or more events.', handler: latencyResetCommand },
      { name: 'latency|doctor', arity: 2, flags: ['admin', 'noscript', 'loading', 'stale'], firstKey: 0, lastKey: 0, keyStep: 0, categories: ['admin', 'slow', 'dangerous'], group: 'server', since: '2.8.13', complexity: 'O(1)', summary: 'Return a human readable latency analysis report.', handler: latencyDoctorCommand },
      { name: 'latency|histogram', arity: -2, flags: ['admin', 'noscript', 'loading', 'stale'], firstKey: 0, lastKey: 0, keyStep: 0, categories: ['admin', 'slow', 'dangerous'], group: 'server', since: '7.0.0', complexity: 'O(N) where N is the number of commands with latency information being retrieved.', summary: 'Return the cumulative distribution of latencies of a subset of commands or all.', handler: latencyHistogramCommand },
      { name: 'latency|latest', arity: 2, flags: ['admin', 'noscript', 'loading', 'stale'], firstKey: 0, lastKey: 0, keyStep: 0, categories: ['admin', 'slow', 'dangerous'], group: 'server', since: '2.8.13', complexity: 'O(1)', summary: 'Return the latest latency samples for all events.', handler: latencyLatestCommand },
      { name: 'latency|history', arity: 3, flags: ['admin', 'noscript', 'loading', 'stale'], firstKey: 0, lastKey: 0, keyStep: 0, categories: ['admin', 'slow', 'dangerous'], group: 'server', since: '2.8.13', complexity: 'O(1)', summary: 'Return timestamp-latency samples for the event.', handler: latencyHistoryCommand },
    ],
  },
];
