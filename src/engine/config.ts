// CONFIG GET/SET parameters KeelDB has (engine worker). Redis's config.c, reduced.
//
// The parameter table (`configParams`) is data: each entry names the parameter, the
// Config field that holds its value, its type (which decides how CONFIG SET parses a
// value and with which of Redis 7.0's error texts it refuses one) and its bounds.
// Handlers and type modules read the typed fields directly (`config.hz`,
// `config.hashMaxListpackEntries`); only CONFIG GET/SET go through the table.
//
// Invariants: every field a parameter names holds a value of that parameter's type and
// within its bounds; CONFIG SET of several parameters is atomic (all values are
// parsed before any is stored). port, bind and databases are immutable here: the
// io-mux owns the listening socket and the keyspace has a fixed number of databases.
// Parameters that 7.0 spells with an alias (hash-max-ziplist-entries...) answer under
// both names, as 7.0 does.

import { string2ll } from './args.js';
import {
  busyReplyThresholdMs,
  clientCountMax,
  databaseCount,
  protoBulkBytesMax,
  queryBufferBytesMax,
  slowlogEntryCountMax,
  slowlogSlowerThanUs,
  streamNodeBytesMax,
  streamNodeEntriesMax,
} from '../limits.js';

export interface ConfigInit {
  port: number;
  bind: string;
  requirepass?: string;
}

export const maxmemoryPolicies = [
  'volatile-lru',
  'volatile-lfu',
  'volatile-random',
  'volatile-ttl',
  'allkeys-lru',
  'allkeys-lfu',
  'allkeys-random',
  'noeviction',
] as const;
export type MaxmemoryPolicy = (typeof maxmemoryPolicies)[number];

/** Redis 7.0's CONFIG_MIN_HZ / CONFIG_MAX_HZ: `hz` is stored as given but clamped to this. */
const hzMin = 1;
const hzMax = 500;

export class Config {
  port: number;
  bind: string;
  requirepass: string;
  readonly databases = databaseCount;
  maxclients = clientCountMax;
  protoMaxBulkLen = protoBulkBytesMax;
  slowlogLogSlowerThan = slowlogSlowerThanUs;
  slowlogMaxLen = slowlogEntryCountMax;
  latencyMonitorThreshold = 0;
  /** Clamped into [1, 500] as Redis's updateHZ does. */
  hz = 10;
  /** Client idle timeout, seconds (0 = none). */
  timeout = 0;
  /** Always false: KeelDB's durability is the journal, not an AOF. */
  appendonly = false;
  /** Pairs of [seconds, changes]; accepted and reported, never acted on (no RDB). */
  save: Array<[number, number]> = [];
  maxmemory = 0n;
  maxmemoryPolicy: MaxmemoryPolicy = 'noeviction';
  /** What the keyspace's per-key access stamps hold (shared with Keyspace.access). */
  readonly access = { lfu: false };
  /** Canonical keyspace-event flags string, as 7.0's keyspaceEventsFlagsToString prints it. */
  notifyKeyspaceEvents = '';
  // Encoding thresholds read by the type modules (Redis 7.0 defaults).
  hashMaxListpackEntries = 512;
  hashMaxListpackValue = 64;
  setMaxIntsetEntries = 512;
  /** Redis 7.2 parameters (not in 7.0's CONFIG): kept for the set module, not exposed. */
  setMaxListpackEntries = 128;
  setMaxListpackValue = 64;
  zsetMaxListpackEntries = 128;
  zsetMaxListpackValue = 64;
  listMaxListpackSize = -2;
  listCompressDepth = 0;
  /**
   * Where XADD cuts stream nodes (stream-node-max-bytes, -max-entries; 0 = no bound).
   * Kept as bigints: 7.0 accepts up to 2^63-1 and CONFIG GET prints it exactly; XADD
   * compares with their Number (exact far beyond any node's size).
   */
  streamNodeMaxBytes = BigInt(streamNodeBytesMax);
  streamNodeMaxEntries = BigInt(streamNodeEntriesMax);
  /** The io-mux enforces it (read at start); reported and settable as in Redis. */
  clientQueryBufferLimit = queryBufferBytesMax;
  // lazyfree-*: KeelDB frees synchronously either way; the flags only choose what is
  // propagated (UNLINK instead of DEL) and FLUSHALL/FLUSHDB's default, as in Redis.
  lazyfreeLazyEviction = false;
  lazyfreeLazyExpire = false;
  lazyfreeLazyServerDel = false;
  lazyfreeLazyUserDel = false;
  lazyfreeLazyUserFlush = false;
  /**
   * busy-reply-threshold (alias lua-time-limit), ms: past it a running script is busy
   * and others get -BUSY. A bigint so CONFIG GET prints 7.0's whole range exactly.
   */
  busyReplyThreshold = BigInt(busyReplyThresholdMs);

  constructor(init: ConfigInit) {
    this.port = init.port;
    this.bind = init.bind;
    this.requirepass = init.requirepass ?? '';
  }
}

// --- The parameter table -----------------------------------------------------------------

type NumericField =
  | 'maxclients'
  | 'protoMaxBulkLen'
  | 'slowlogLogSlowerThan'
  | 'slowlogMaxLen'
  | 'latencyMonitorThreshold'
  | 'hz'
  | 'timeout'
  | 'hashMaxListpackEntries'
  | 'hashMaxListpackValue'
  | 'setMaxIntsetEntries'
  | 'zsetMaxListpackEntries'
  | 'zsetMaxListpackValue'
  | 'listMaxListpackSize'
  | 'listCompressDepth'
  | 'clientQueryBufferLimit';

type BoolField = 'lazyfreeLazyEviction' | 'lazyfreeLazyExpire' | 'lazyfreeLazyServerDel' | 'lazyfreeLazyUserDel' | 'lazyfreeLazyUserFlush';

interface ParamBase {
  readonly name: string;
  /** 7.0's alias (the old ziplist names), answered as a parameter of its own. */
  readonly alias?: string;
  readonly immutable?: boolean;
}
interface NumericParam extends ParamBase {
  readonly kind: 'number';
  readonly field: NumericField;
  readonly min: bigint;
  readonly max: bigint;
  /** Accepts memory units (1kb, 5mb, 1gb) as 7.0's MEMORY_CONFIG. */
  readonly memory?: boolean;
  /** Unsigned C type: bounds print with %llu (no difference in digits, kept for clarity). */
  readonly unsigned?: boolean;
}
interface BoolParam extends ParamBase {
  readonly kind: 'bool';
  readonly field: BoolField;
}
interface SpecialParam extends ParamBase {
  readonly kind: 'special';
  get(c: Config): string;
  /** Validates and stores; returns the error text (after " - ") or null. */
  set(c: Config, value: string): string | null;
}
export type ConfigParam = NumericParam | BoolParam | SpecialParam;

const INT_MIN = -2147483648n;
const INT_MAX = 2147483647n;
const UINT_MAX = 4294967295n;
const LONG_MAX = 9223372036854775807n;
const LLONG_MIN = -9223372036854775808n;
const ULLONG_MAX = 18446744073709551615n;

export const configParams: readonly ConfigParam[] = [
  {
    name: 'port',
    kind: 'special',
    immutable: true,
    get: (c) => String(c.port),
    set: () => 'can\'t set immutable config',
  },
  {
    name: 'bind',
    kind: 'special',
    immutable: true,
    get: (c) => c.bind,
    set: () => 'can\'t set immutable config',
  },
  {
    name: 'databases',
    kind: 'special',
    immutable: true,
    get: (c) => String(c.databases),
    set: () => 'can\'t set immutable config',
  },
  {
    name: 'requirepass',
    kind: 'special',
    get: (c) => c.requirepass,
    set: (c, v) => {
      c.requirepass = v;
      return null;
    },
  },
  { name: 'maxclients', kind: 'number', field: 'maxclients', min: 1n, max: UINT_MAX, unsigned: true },
  { name: 'proto-max-bulk-len', kind: 'number', field: 'protoMaxBulkLen', min: 1024n * 1024n, max: LONG_MAX, memory: true },
  { name: 'slowlog-log-slower-than', kind: 'number', field: 'slowlogLogSlowerThan', min: -1n, max: LONG_MAX },
  { name: 'slowlog-max-len', kind: 'number', field: 'slowlogMaxLen', min: 0n, max: LONG_MAX, unsigned: true },
  { name: 'latency-monitor-threshold', kind: 'number', field: 'latencyMonitorThreshold', min: 0n, max: LONG_MAX },
  { name: 'hz', kind: 'number', field: 'hz', min: 0n, max: INT_MAX },
  { name: 'timeout', kind: 'number', field: 'timeout', min: 0n, max: INT_MAX, unsigned: true },
  {
    name: 'appendonly',
    kind: 'special',
    get: (c) => (c.appendonly ? 'yes' : 'no'),
    set: (c, v) => {
      const b = yesNo(v);
      if (b === null) return 'argument must be \'yes\' or \'no\'';
      // Turning the AOF on is the one thing we cannot do: Redis fails the same way when
      // it cannot start the rewrite, with no reason after the argument name.
      if (b) return '';
      c.appendonly = false;
      return null;
    },
  },
  {
    name: 'save',
    kind: 'special',
    get: (c) => c.save.map(([s, n]) => `${s} ${n}`).join(' '),
    set: (c, v) => {
      const parsed = parseSave(v);
      if (parsed === null) return 'Invalid save parameters';
      c.save = parsed;
      return null;
    },
  },
  {
    name: 'maxmemory',
    kind: 'special',
    get: (c) => c.maxmemory.toString(),
    set: (c, v) => {
      const n = memtoull(v);
      if (n === null) return 'argument must be a memory value';
      if (n > ULLONG_MAX) return `argument must be between 0 and ${ULLONG_MAX} inclusive`;
      c.maxmemory = n;
      return null;
    },
  },
  {
    name: 'maxmemory-policy',
    kind: 'special',
    get: (c) => c.maxmemoryPolicy,
    set: (c, v) => {
      const lower = v.toLowerCase();
      const p = maxmemoryPolicies.find((x) => x === lower);
      if (p === undefined) return `argument(s) must be one of the following: ${maxmemoryPolicies.join(', ')}`;
      c.maxmemoryPolicy = p;
      c.access.lfu = p.includes('lfu');
      return null;
    },
  },
  {
    name: 'notify-keyspace-events',
    kind: 'special',
    get: (c) => c.notifyKeyspaceEvents,
    set: (c, v) => {
      const flags = keyspaceEventsStringToFlags(v);
      if (flags === null) return 'Invalid event class character. Use \'Ag$lshzxeKEtmdn\'.';
      c.notifyKeyspaceEvents = keyspaceEventsFlagsToString(flags);
      return null;
    },
  },
  { name: 'hash-max-listpack-entries', alias: 'hash-max-ziplist-entries', kind: 'number', field: 'hashMaxListpackEntries', min: 0n, max: LONG_MAX, unsigned: true },
  { name: 'hash-max-listpack-value', alias: 'hash-max-ziplist-value', kind: 'number', field: 'hashMaxListpackValue', min: 0n, max: LONG_MAX, unsigned: true },
  { name: 'set-max-intset-entries', kind: 'number', field: 'setMaxIntsetEntries', min: 0n, max: LONG_MAX, unsigned: true },
  { name: 'zset-max-listpack-entries', alias: 'zset-max-ziplist-entries', kind: 'number', field: 'zsetMaxListpackEntries', min: 0n, max: LONG_MAX, unsigned: true },
  { name: 'zset-max-listpack-value', alias: 'zset-max-ziplist-value', kind: 'number', field: 'zsetMaxListpackValue', min: 0n, max: LONG_MAX, unsigned: true },
  { name: 'list-max-listpack-size', alias: 'list-max-ziplist-size', kind: 'number', field: 'listMaxListpackSize', min: INT_MIN, max: INT_MAX },
  { name: 'list-compress-depth', kind: 'number', field: 'listCompressDepth', min: 0n, max: INT_MAX },
  { name: 'client-query-buffer-limit', kind: 'number', field: 'clientQueryBufferLimit', min: 1024n * 1024n, max: LONG_MAX, memory: true },
  {
    // 7.0: size_t, MEMORY_CONFIG, 0..LONG_MAX.
    name: 'stream-node-max-bytes',
    kind: 'special',
    get: (c) => c.streamNodeMaxBytes.toString(),
    set: (c, v) => {
      const n = memtoull(v);
      if (n === null) return 'argument must be a memory value';
      if (n > LONG_MAX) return `argument must be between 0 and ${LONG_MAX} inclusive`;
      c.streamNodeMaxBytes = n;
      return null;
    },
  },
  {
    // 7.0: long long, INTEGER_CONFIG, 0..LLONG_MAX.
    name: 'stream-node-max-entries',
    kind: 'special',
    get: (c) => c.streamNodeMaxEntries.toString(),
    set: (c, v) => {
      const n = string2ll(v);
      if (n === null) return 'argument couldn\'t be parsed into an integer';
      if (n < 0n || n > LONG_MAX) return `argument must be between 0 and ${LONG_MAX} inclusive`;
      c.streamNodeMaxEntries = n;
      return null;
    },
  },
  { name: 'lazyfree-lazy-eviction', kind: 'bool', field: 'lazyfreeLazyEviction' },
  { name: 'lazyfree-lazy-expire', kind: 'bool', field: 'lazyfreeLazyExpire' },
  { name: 'lazyfree-lazy-server-del', kind: 'bool', field: 'lazyfreeLazyServerDel' },
  { name: 'lazyfree-lazy-user-del', kind: 'bool', field: 'lazyfreeLazyUserDel' },
  { name: 'lazyfree-lazy-user-flush', kind: 'bool', field: 'lazyfreeLazyUserFlush' },
  {
    // 7.0: long long ms, INTEGER_CONFIG, 0..LLONG_MAX; read by the Lua count hook.
    name: 'busy-reply-threshold',
    alias: 'lua-time-limit',
    kind: 'special',
    get: (c) => c.busyReplyThreshold.toString(),
    set: (c, v) => {
      const n = string2ll(v);
      if (n === null) return 'argument couldn\'t be parsed into an integer';
      if (n < 0n || n > LONG_MAX) return `argument must be between 0 and ${LONG_MAX} inclusive`;
      c.busyReplyThreshold = n;
      return null;
    },
  },
];

/** Every name CONFIG answers to (aliases included), lower case, in table order. */
const byName = new Map<string, ConfigParam>();
for (const p of configParams) {
  byName.set(p.name, p);
  if (p.alias !== undefined) byName.set(p.alias, p);
}
export const configNames: readonly string[] = [...byName.keys()];

/** The parameter a name (any case) names, or undefined (7.0's lookupConfig). */
export function lookupConfig(name: string): ConfigParam | undefined {
  return byName.get(name.toLowerCase());
}

export function getConfigValue(c: Config, p: ConfigParam): string {
  if (p.kind === 'special') return p.get(c);
  if (p.kind === 'bool') return c[p.field] ? 'yes' : 'no';
  return String(c[p.field]);
}

/** Parses and stores one value; returns Redis's error text (after " - ") or null. */
export function setConfigValue(c: Config, p: ConfigParam, value: string): string | null {
  if (p.kind === 'special') return p.set(c, value);
  if (p.kind === 'bool') {
    const b = yesNo(value);
    if (b === null) return 'argument must be \'yes\' or \'no\'';
    c[p.field] = b;
    return null;
  }
  let n: bigint | null = null;
  if (p.memory === true) n = memtoull(value);
  if (n === null && p.memory !== true) n = string2ll(value);
  if (n === null) return p.memory === true ? 'argument must be a memory value' : 'argument couldn\'t be parsed into an integer';
  if (n < p.min || n > p.max) return `argument must be between ${p.min} and ${p.max} inclusive`;
  let v = Number(n);
  if (p.field === 'hz') v = Math.min(hzMax, Math.max(hzMin, v));
  c[p.field] = v;
  return null;
}

/** Snapshot of every parameter's value (CONFIG SET restores it if a later value fails). */
export function backupConfig(c: Config, params: readonly ConfigParam[]): string[] {
  return params.map((p) => getConfigValue(c, p));
}

/** 7.0's yesnotoi. */
function yesNo(v: string): boolean | null {
  const l = v.toLowerCase();
  if (l === 'yes') return true;
  if (l === 'no') return false;
  return null;
}

/**
 * 7.0's memtoull: digits then an optional unit (b, k, kb, m, mb, g, gb, any case);
 * k/m/g are powers of 1000, kb/mb/gb powers of 1024. A value beyond 2^64-1 saturates
 * as strtoull does (ERANGE is not an error there).
 */
export function memtoull(v: string): bigint | null {
  if (v.startsWith('-')) return null;
  let i = 0;
  while (i < v.length && v.charCodeAt(i) >= 48 && v.charCodeAt(i) <= 57) i++;
  const unit = v.slice(i).toLowerCase();
  const mul = ({ '': 1n, b: 1n, k: 1000n, kb: 1024n, m: 1000n ** 2n, mb: 1024n ** 2n, g: 1000n ** 3n, gb: 1024n ** 3n } as Record<string, bigint>)[unit];
  if (mul === undefined) return null;
  if (i >= 128) return null;
  let val = i === 0 ? 0n : BigInt(v.slice(0, i));
  if (val > ULLONG_MAX) val = ULLONG_MAX;
  if (val > ULLONG_MAX / mul) return null;
  return val * mul;
}

/** 7.0's save parsing: "" clears; else pairs of seconds >= 1 and changes >= 0. */
function parseSave(v: string): Array<[number, number]> | null {
  const parts = v.split(/\s+/).filter((s) => s.length > 0);
  if (parts.length % 2 !== 0) return null;
  const out: Array<[number, number]> = [];
  for (let j = 0; j < parts.length; j += 2) {
    const s = strtollWhole(parts[j]!);
    const n = strtollWhole(parts[j + 1]!);
    if (s === null || n === null || s < 1n || n < 0n) return null;
    out.push([Number(s), Number(n)]);
  }
  return out;
}

/** strtoll(s, &end, 10) with *end == '\0' required: optional space and sign, then digits. */
function strtollWhole(s: string): bigint | null {
  const m = /^\s*([+-]?\d+)$/.exec(s);
  if (m === null) return null;
  let n = BigInt(m[1]!);
  if (n > LONG_MAX) n = LONG_MAX;
  if (n < LLONG_MIN) n = LLONG_MIN;
  return n;
}

// Keyspace event classes (notify.c). Bits in 7.0's order.
const ev = {
  K: 1 << 0,
  E: 1 << 1,
  g: 1 << 2,
  $: 1 << 3,
  l: 1 << 4,
  s: 1 << 5,
  h: 1 << 6,
  z: 1 << 7,
  x: 1 << 8,
  e: 1 << 9,
  t: 1 << 10,
  m: 1 << 11,
  d: 1 << 12,
  n: 1 << 13,
} as const;
/** 'A': every class except key-miss (m) and new-key (n). */
const evAll = ev.g | ev.$ | ev.l | ev.s | ev.h | ev.z | ev.x | ev.e | ev.t | ev.d;

export function keyspaceEventsStringToFlags(s: string): number | null {
  let flags = 0;
  for (const ch of s) {
    if (ch === 'A') flags |= evAll;
    else if (Object.prototype.hasOwnProperty.call(ev, ch)) flags |= ev[ch as keyof typeof ev];
    else return null;
  }
  return flags;
}

export function keyspaceEventsFlagsToString(flags: number): string {
  let r = '';
  if ((flags & evAll) === evAll) {
    r += 'A';
  } else {
    for (const ch of ['g', '$', 'l', 's', 'h', 'z', 'x', 'e', 't', 'd', 'n'] as const) if (flags & ev[ch]) r += ch;
  }
  if (flags & ev.K) r += 'K';
  if (flags & ev.E) r += 'E';
  if (flags & ev.m) r += 'm';
  return r;
}
