// Hash commands (engine worker): Redis 7.0's t_hash.c handlers over RHash
// (src/engine/types/hash.ts). Also the SCAN-family helpers HSCAN shares with SSCAN
// (and ZSCAN): cursor parsing and option parsing as Redis's scanGenericCommand.
//
// Order of checks, as t_hash.c (it decides which error a client sees first): HSET's
// arity (odd argument count) before the key's type; HINCRBY/HINCRBYFLOAT parse the
// increment before looking the key up; HRANDFIELD parses its count and WITHVALUES
// before the lookup; HSCAN parses its cursor, then looks the key up (a missing key
// answers the empty scan without validating the options), then parses the options.
//
// Effects: every write is logged as sent, except HINCRBYFLOAT, logged as
// `HSET key field <result>` (its float formatting must not be recomputed on replay),
// as Redis 7.0 rewrites it. A hash emptied by HDEL is deleted.
//
// Invariants: no handler mutates before all arguments are validated; no empty hash is
// ever stored; every in-place change is followed by ctx.db.touched(key).

import { errors, eqi, int64Max, int64Min, keyString, latin1, string2ll } from '../args.js';
import type { CommandContext, CommandSpec } from '../command.js';
import type { CommandSpecExtras } from '../command-table.js';
import { globMatch } from '../glob.js';
import { addLongDouble, formatLongDoubleHuman, parseLongDouble } from '../long-double.js';
import { RHash } from '../types/hash.js';
import { lookupKeyRead } from './strings.js';
import { notify, NotifyType } from '../notify.js';
import { randomReplyElementCountMax } from '../../limits.js';

type Spec = CommandSpec & CommandSpecExtras;

// --- Shared helpers (also used by sets.ts) -------------------------------------------------

/** C string view of an argument: bytes up to its first NUL (what strcasecmp sees). */
function cBytes(buf: Buffer): Buffer {
  const nul = buf.indexOf(0);
  return nul < 0 ? buf : buf.subarray(0, nul);
}

/** A bulk reply of a stored string or of a view of a value's bytes (the *ForReply getters). */
export function replyBulk(reply: CommandContext['reply'], v: string | Buffer): void {
  if (typeof v === 'string') reply.bulkLatin1(v);
  else reply.bulk(v);
}

/** The empty scan reply: cursor "0" and no elements (Redis's shared.emptyscan). */
export function replyEmptyScan(ctx: CommandContext): void {
  ctx.reply.array(2);
  ctx.reply.bulkLatin1('0');
  ctx.reply.array(0);
}

/**
 * Redis's parseScanCursorOrReply: C's strtoul in base 10 up to the first NUL (a
 * negative value wraps as unsigned long), no leading space, no trailing characters,
 * no overflow. Returns the cursor, or null after the error reply.
 */
export function parseScanCursor(ctx: CommandContext, buf: Buffer): bigint | null {
  const s = latin1(cBytes(buf));
  if (s.length === 0) return 0n;
  const m = /^([+-]?)(\d+)$/.exec(s);
  const magnitude = m === null ? null : BigInt(m[2]!);
  const ulongMax = 0xffffffffffffffffn;
  if (m === null || magnitude === null || magnitude > ulongMax) {
    ctx.reply.error('ERR invalid cursor');
    return null;
  }
  return m[1] === '-' && magnitude !== 0n ? ulongMax + 1n - magnitude : magnitude;
}

export interface ScanOptions {
  count: number;
  /** null when there is no MATCH or the pattern is "*". */
  pattern: string | null;
}

/** scanGenericCommand's option loop for an aggregate (no TYPE); null after the error. */
export function parseScanOptions(ctx: CommandContext, from: number): ScanOptions | null {
  const argv = ctx.argv;
  let count = 10;
  let pattern: string | null = null;
  for (let i = from; i < argv.length; ) {
    const remaining = argv.length - i;
    const opt = cBytes(argv[i]!);
    if (eqi(opt, 'count') && remaining >= 2) {
      const n = string2ll(latin1(argv[i + 1]!));
      if (n === null) {
        ctx.reply.error(errors.notInteger);
        return null;
      }
      if (n < 1n) {
        ctx.reply.error(errors.syntax);
        return null;
      }
      count = n > 1_000_000_000n ? 1_000_000_000 : Number(n);
      i += 2;
    } else if (eqi(opt, 'match') && remaining >= 2) {
      const p = latin1(argv[i + 1]!);
      pattern = p === '*' ? null : p;
      i += 2;
    } else {
      ctx.reply.error(errors.syntax);
      return null;
    }
  }
  return { count, pattern };
}

/** A scan cursor bounded to a collection of `size` slots (cursors past the end resume at the end). */
export function scanStart(cursor: bigint, size: number): number {
  return cursor > BigInt(size) ? size : Number(cursor);
}

/** getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX)'s error: only LLONG_MIN is out of that range. */
export const countRangeError = 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807';

/**
 * Redis's getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX) for the count of
 * HRANDFIELD/SRANDMEMBER: a number (huge counts lose precision but keep their sign
 * and magnitude class, which is all the handlers use), or null after the error.
 */
export function parseRandomCount(ctx: CommandContext, buf: Buffer): number | null {
  const v = string2ll(latin1(buf));
  if (v === null) {
    ctx.reply.error(errors.notInteger);
    return null;
  }
  if (v === int64Min) {
    ctx.reply.error(countRangeError);
    return null;
  }
  return Number(v);
}

/**
 * A repeating random reply (negative count) that would pass the hard output limit:
 * the client is disconnected, as that limit would do, without building the reply.
 */
export function refuseHugeRandomReply(ctx: CommandContext, count: number): boolean {
  if (count <= randomReplyElementCountMax) return false;
  ctx.engine.closeClient(ctx.client);
  return true;
}

/**
 * `count` distinct indexes in [0, size) chosen uniformly (count < size). Redis's two
 * strategies, by HRANDFIELD_SUB_STRATEGY_MUL / SRANDMEMBER_SUB_STRATEGY_MUL (3): when
 * count is close to size, remove random indexes from the whole range; otherwise add
 * random indexes until there are enough.
 */
export function uniqueRandomIndexes(size: number, count: number, random: () => number): number[] {
  if (count * 3 > size) {
    const all: number[] = [];
    for (let i = 0; i < size; i++) all.push(i);
    let n = size;
    while (n > count) {
      const j = Math.floor(random() * n);
      all[j] = all[n - 1]!;
      n--;
    }
    all.length = n;
    return all;
  }
  const picked = new Set<number>();
  while (picked.size < count) picked.add(Math.floor(random() * size));
  return [...picked];
}

// --- Lookups -------------------------------------------------------------------------------

/** The hash at key for reading (a hit or miss is counted); WRONGTYPE replied -> null. */
function hashRead(ctx: CommandContext, key: string): RHash | undefined | null {
  const v = lookupKeyRead(ctx, key);
  if (v === undefined) return undefined;
  if (!(v instanceof RHash)) {
    ctx.reply.error(errors.wrongType);
    return null;
  }
  return v;
}

/** The hash at key for writing; WRONGTYPE replied -> null. */
function hashWrite(ctx: CommandContext, key: string): RHash | undefined | null {
  const v = ctx.db.lookup(key, ctx.nowMs);
  if (v === undefined) return undefined;
  if (!(v instanceof RHash)) {
    ctx.reply.error(errors.wrongType);
    return null;
  }
  return v;
}

/**
 * Redis's hashTypeLookupWriteOrCreate: the hash at key, a new empty one added to the
 * database if missing (callers always put a field in it before returning), or null
 * after WRONGTYPE. `created` tells the caller to add it with db.set once filled.
 */
function hashWriteOrCreate(ctx: CommandContext, key: string): { hash: RHash; created: boolean } | null {
  const h = hashWrite(ctx, key);
  if (h === null) return null;
  if (h === undefined) return { hash: new RHash(), created: true };
  return { hash: h, created: false };
}

/** Stores a new hash or signals an in-place change, with its keyspace event. */
function commit(ctx: CommandContext, key: string, hash: RHash, created: boolean, event: string): void {
  if (created) ctx.db.set(key, hash);
  else ctx.db.touched(key);
  notify(ctx, NotifyType.hash, event, key);
}

// --- Handlers ------------------------------------------------------------------------------

/** HSET and HMSET (same handler in Redis; only the reply differs). */
function hsetGeneric(ctx: CommandContext, command: string, isHmset: boolean): void {
  const argv = ctx.argv;
  if (argv.length % 2 === 1) {
    ctx.reply.error(`ERR wrong number of arguments for '${command}' command`);
    return;
  }
  const key = keyString(argv[1]!);
  // hashWriteOrCreate inlined: HSET is a hot path (no result object per call).
  const found = hashWrite(ctx, key);
  if (found === null) return;
  const h = found ?? new RHash();
  const limits = ctx.engine.config;
  // hashTypeTryConversion over the arguments' byte lengths (one char per byte), before any string is made.
  if (h.isListpack()) {
    for (let j = 2; j < argv.length; j++) {
      if (argv[j]!.length > limits.hashMaxListpackValue) {
        h.tryConversion([latin1(argv[j]!)], limits);
        break;
      }
    }
  }
  let created = 0;
  for (let j = 2; j < argv.length; j += 2) if (h.setBytes(argv[j]!, argv[j + 1]!, limits)) created++;
  commit(ctx, key, h, found === undefined, 'hset');
  if (isHmset) ctx.reply.ok();
  else ctx.reply.int(created);
}

function hsetCommand(ctx: CommandContext): void {
  hsetGeneric(ctx, 'hset', false);
}

function hmsetCommand(ctx: CommandContext): void {
  hsetGeneric(ctx, 'hmset', true);
}

function hsetnxCommand(ctx: CommandContext): void {
  const key = keyString(ctx.argv[1]!);
  const w = hashWriteOrCreate(ctx, key);
  if (w === null) return;
  const field = latin1(ctx.argv[2]!);
  if (w.hash.has(field)) {
    ctx.reply.int(0);
    return;
  }
  const value = latin1(ctx.argv[3]!);
  const limits = ctx.engine.config;
  w.hash.tryConversion([field, value], limits);
  w.hash.set(field, value, limits);
  commit(ctx, key, w.hash, w.created, 'hset');
  ctx.reply.int(1);
}

function hgetCommand(ctx: CommandContext): void {
  const h = hashRead(ctx, keyString(ctx.argv[1]!));
  if (h === null) return;
  const v = h?.getForReply(ctx.argv[2]!);
  if (v === undefined) ctx.reply.nil();
  else replyBulk(ctx.reply, v);
}

function hmgetCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  const h = hashRead(ctx, keyString(argv[1]!));
  if (h === null) return;
  ctx.reply.array(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const v = h?.getForReply(argv[j]!);
    if (v === undefined) ctx.reply.nil();
    else replyBulk(ctx.reply, v);
  }
}

function hdelCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  const key = keyString(argv[1]!);
  const h = hashWrite(ctx, key);
  if (h === null) return;
  if (h === undefined) {
    ctx.reply.int(0);
    return;
  }
  let deleted = 0;
  for (let j = 2; j < argv.length; j++) {
    if (h.deleteBytes(argv[j]!)) {
      deleted++;
      if (h.size === 0) break;
    }
  }
  if (deleted > 0) {
    notify(ctx, NotifyType.hash, 'hdel', key);
    if (h.size === 0) {
      ctx.db.delete(key);
      notify(ctx, NotifyType.generic, 'del', key);
    } else {
      ctx.db.touched(key);
    }
  }
  ctx.reply.int(deleted);
}

function hlenCommand(ctx: CommandContext): void {
  const h = hashRead(ctx, keyString(ctx.argv[1]!));
  if (h === null) return;
  ctx.reply.int(h?.size ?? 0);
}

function hstrlenCommand(ctx: CommandContext): void {
  const h = hashRead(ctx, keyString(ctx.argv[1]!));
  if (h === null) return;
  ctx.reply.int(h?.valueLengthOf(ctx.argv[2]!) ?? 0);
}

function hexistsCommand(ctx: CommandContext): void {
  const h = hashRead(ctx, keyString(ctx.argv[1]!));
  if (h === null) return;
  ctx.reply.int(h?.hasBytes(ctx.argv[2]!) === true ? 1 : 0);
}

const KEYS = 1;
const VALUES = 2;

/** Redis's genericHgetallCommand: a map for HGETALL, an array for HKEYS/HVALS. */
function hgetallGeneric(ctx: CommandContext, what: number): void {
  const both = what === (KEYS | VALUES);
  const h = hashRead(ctx, keyString(ctx.argv[1]!));
  if (h === null) return;
  const reply = ctx.reply;
  const n = h?.size ?? 0;
  if (both) reply.map(n);
  else reply.array(n);
  for (let i = 0; i < n; i++) {
    if (what & KEYS) replyBulk(reply, h!.fieldForReply(i));
    if (what & VALUES) replyBulk(reply, h!.valueForReply(i));
  }
}

function hkeysCommand(ctx: CommandContext): void {
  hgetallGeneric(ctx, KEYS);
}

function hvalsCommand(ctx: CommandContext): void {
  hgetallGeneric(ctx, VALUES);
}

function hgetallCommand(ctx: CommandContext): void {
  hgetallGeneric(ctx, KEYS | VALUES);
}

function hincrbyCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  const incr = string2ll(latin1(argv[3]!));
  if (incr === null) {
    ctx.reply.error(errors.notInteger);
    return;
  }
  const key = keyString(argv[1]!);
  const w = hashWriteOrCreate(ctx, key);
  if (w === null) return;
  const field = latin1(argv[2]!);
  const old = w.hash.get(field);
  let value = 0n;
  if (old !== undefined) {
    const parsed = string2ll(old);
    if (parsed === null) {
      ctx.reply.error('ERR hash value is not an integer');
      return;
    }
    value = parsed;
  }
  const sum = value + incr;
  if (sum > int64Max || sum < int64Min) {
    ctx.reply.error(errors.overflow);
    return;
  }
  w.hash.set(field, sum.toString(), ctx.engine.config);
  commit(ctx, key, w.hash, w.created, 'hincrby');
  ctx.reply.int(sum);
}

/** 80-bit long double arithmetic as Redis (long-double.ts); logged as HSET of the result. */
function hincrbyfloatCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  const incr = parseLongDouble(latin1(argv[3]!));
  if (incr === null) {
    ctx.reply.error(errors.notFloat);
    return;
  }
  if (typeof incr === 'string') {
    ctx.reply.error('ERR value is NaN or Infinity');
    return;
  }
  const key = keyString(argv[1]!);
  const w = hashWriteOrCreate(ctx, key);
  if (w === null) return;
  const field = latin1(argv[2]!);
  const old = w.hash.get(field);
  const value = old === undefined ? { neg: false, m: 0n, e: 0 } : parseLongDouble(old);
  if (value === null) {
    ctx.reply.error('ERR hash value is not a float');
    return;
  }
  const sum = addLongDouble(value, incr);
  if (typeof sum === 'string') {
    ctx.reply.error('ERR increment would produce NaN or Infinity');
    return;
  }
  const text = formatLongDoubleHuman(sum);
  w.hash.set(field, text, ctx.engine.config);
  commit(ctx, key, w.hash, w.created, 'hincrbyfloat');
  ctx.reply.bulkLatin1(text);
  ctx.propagate(['HSET', argv[1]!, argv[2]!, text]);
}

// --- HRANDFIELD ----------------------------------------------------------------------------

/** One element of an HRANDFIELD reply: [field, value] nested in RESP3, flat in RESP2. */
function replyRandomPair(ctx: CommandContext, h: RHash, i: number, withValues: boolean): void {
  if (withValues && ctx.reply.resp === 3) ctx.reply.array(2);
  ctx.reply.bulkLatin1(h.fieldAt(i));
  if (withValues) ctx.reply.bulkLatin1(h.valueAt(i));
}

/** Redis 7.0's hrandfieldWithCountCommand and its cases. */
function hrandfieldWithCount(ctx: CommandContext, l: number, withValues: boolean): void {
  const uniq = l >= 0;
  let count = Math.abs(l);
  const h = hashRead(ctx, keyString(ctx.argv[1]!));
  if (h === null) return;
  if (h === undefined || count === 0) {
    ctx.reply.array(0);
    return;
  }
  const reply = ctx.reply;
  const random = ctx.keyspace.random;
  const size = h.size;
  const perElement = withValues && reply.resp === 2 ? 2 : 1;
  // Case 1: a negative count (or 1) samples the whole hash every time.
  if (!uniq || count === 1) {
    if (refuseHugeRandomReply(ctx, count)) return;
    reply.array(count * perElement);
    while (count-- > 0) replyRandomPair(ctx, h, h.randomIndex(random), withValues);
    return;
  }
  const replySize = count < size ? count : size;
  reply.array(replySize * perElement);
  // Case 2: the count covers the whole hash: all of it, in its order.
  if (count >= size) {
    for (let i = 0; i < size; i++) replyRandomPair(ctx, h, i, withValues);
    return;
  }
  // Cases 3 and 4: distinct random fields. A listpack answers them in its own order
  // (Redis's lpRandomPairsUnique keeps it); a hashtable in the order picked.
  const picked = uniqueRandomIndexes(size, count, random);
  if (h.isListpack()) picked.sort((a, b) => a - b);
  for (const i of picked) replyRandomPair(ctx, h, i, withValues);
}

function hrandfieldCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  if (argv.length >= 3) {
    const l = parseRandomCount(ctx, argv[2]!);
    if (l === null) return;
    if (argv.length > 4 || (argv.length === 4 && !eqi(cBytes(argv[3]!), 'withvalues'))) {
      ctx.reply.error(errors.syntax);
      return;
    }
    const withValues = argv.length === 4;
    // LONG_MAX / 2: the RESP2 reply length count*2 must not overflow (compared exactly).
    const exact = string2ll(latin1(argv[2]!))!;
    if (withValues && (exact > 4611686018427387903n || exact < -4611686018427387903n)) {
      ctx.reply.error('ERR value is out of range');
      return;
    }
    hrandfieldWithCount(ctx, l, withValues);
    return;
  }
  const h = hashRead(ctx, keyString(argv[1]!));
  if (h === null) return;
  if (h === undefined) {
    ctx.reply.nil();
    return;
  }
  ctx.reply.bulkLatin1(h.fieldAt(h.randomIndex(ctx.keyspace.random)));
}

// --- HSCAN ---------------------------------------------------------------------------------

function hscanCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  const cursor = parseScanCursor(ctx, argv[2]!);
  if (cursor === null) return;
  const h = hashRead(ctx, keyString(argv[1]!));
  if (h === null) return;
  if (h === undefined) {
    replyEmptyScan(ctx);
    return;
  }
  const opts = parseScanOptions(ctx, 3);
  if (opts === null) return;
  const reply = ctx.reply;
  const pattern = opts.pattern;
  if (h.isListpack()) {
    // A listpack is returned whole, with cursor 0, as Redis does.
    reply.array(2);
    reply.bulkLatin1('0');
    const at = reply.beginDeferred();
    let n = 0;
    for (let i = 0; i < h.size; i++) {
      const f = h.fieldAt(i);
      if (pattern !== null && !globMatch(pattern, f)) continue;
      reply.bulkLatin1(f);
      reply.bulkLatin1(h.valueAt(i));
      n += 2;
    }
    reply.endDeferred(at, n);
    return;
  }
  const found: string[] = [];
  const next = h.scanTable(scanStart(cursor, h.size), opts.count, (f, v) => {
    if (pattern === null || globMatch(pattern, f)) found.push(f, v);
  });
  reply.array(2);
  reply.bulkLatin1(String(next));
  reply.array(found.length);
  for (const s of found) reply.bulkLatin1(s);
}

// --- The table (Redis 7.0.15's COMMAND INFO / COMMAND DOCS) --------------------------------

export const hashCommands: readonly Spec[] = [
  { name: 'hset', arity: -4, flags: ['write','denyoom','fast'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['write','hash','fast'], group: 'hash', since: '2.0.0', complexity: 'O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.', summary: 'Set the string value of a hash field', keySpecs: [{flags: ['RW','update'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}}], handler: hsetCommand },
  { name: 'hsetnx', arity: 4, flags: ['write','denyoom','fast'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['write','hash','fast'], group: 'hash', since: '2.0.0', complexity: 'O(1)', summary: 'Set the value of a hash field, only if the field does not exist', keySpecs: [{flags: ['RW','insert'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}}], handler: hsetnxCommand },
  { name: 'hget', arity: 3, flags: ['readonly','fast'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['read','hash','fast'], group: 'hash', since: '2.0.0', complexity: 'O(1)', summary: 'Get the value of a hash field', keySpecs: [{flags: ['RO','access'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}}], handler: hgetCommand },
  { name: 'hmget', arity: -3, flags: ['readonly','fast'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['read','hash','fast'], group: 'hash', since: '2.0.0', complexity: 'O(N) where N is the number of fields being requested.', summary: 'Get the values of all the given hash fields', keySpecs: [{flags: ['RO','access'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}}], handler: hmgetCommand },
  { name: 'hmset', arity: -4, flags: ['write','denyoom','fast'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['write','hash','fast'], group: 'hash', since: '2.0.0', complexity: 'O(N) where N is the number of fields being set.', summary: 'Set multiple hash fields to multiple values', keySpecs: [{flags: ['RW','update'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}}], handler: hmsetCommand },
  { name: 'hdel', arity: -3, flags: ['write','fast'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['write','hash','fast'], group: 'hash', since: '2.0.0', complexity: 'O(N) where N is the number of fields to be removed.', summary: 'Delete one or more hash fields', keySpecs: [{flags: ['RW','delete'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}}], handler: hdelCommand },
  { name: 'hexists', arity: 3, flags: ['readonly','fast'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['read','hash','fast'], group: 'hash', since: '2.0.0', complexity: 'O(1)', summary: 'Determine if a hash field exists', keySpecs: [{flags: ['RO'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}}], handler: hexistsCommand },
  { name: 'hlen', arity: 2, flags: ['readonly','fast'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['read','hash','fast'], group: 'hash', since: '2.0.0', complexity: 'O(1)', summary: 'Get the number of fields in a hash', keySpecs: [{flags: ['RO'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}}], handler: hlenCommand },
  { name: 'hstrlen', arity: 3, flags: ['readonly','fast'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['read','hash','fast'], group: 'hash', since: '3.2.0', complexity: 'O(1)', summary: 'Get the length of the value of a hash field', keySpecs: [{flags: ['RO'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}}], handler: hstrlenCommand },
  { name: 'hkeys', arity: 2, flags: ['readonly'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['read','hash','slow'], group: 'hash', since: '2.0.0', complexity: 'O(N) where N is the size of the hash.', summary: 'Get all the fields in a hash', tips: ['nondeterministic_output_order'], keySpecs: [{flags: ['RO','access'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}}], handler: hkeysCommand },
  { name: 'hvals', arity: 2, flags: ['readonly'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['read','hash','slow'], group: 'hash', since: '2.0.0', complexity: 'O(N) where N is the size of the hash.', summary: 'Get all the values in a hash', tips: ['nondeterministic_output_order'], keySpecs: [{flags: ['RO','access'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}}], handler: hvalsCommand },
  { name: 'hgetall', arity: 2, flags: ['readonly'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['read','hash','slow'], group: 'hash', since: '2.0.0', complexity: 'O(N) where N is the size of the hash.', summary: 'Get all the fields and values in a hash', tips: ['nondeterministic_output_order'], keySpecs: [{flags: ['RO','access'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}}], handler: hgetallCommand },
  { name: 'hincrby', arity: 4, flags: ['write','denyoom','fast'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['write','hash','fast'], group: 'hash', since: '2.0.0', complexity: 'O(1)', summary: 'Increment the integer value of a hash field by the given number', keySpecs: [{flags: ['RW','access','update'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}}], handler: hincrbyCommand },
  { name: 'hincrbyfloat', arity: 4, flags: ['write','denyoom','fast'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['write','hash','fast'], group: 'hash', since: '2.6.0', complexity: 'O(1)', summary: 'Increment the float value of a hash field by the given amount', keySpecs: [{flags: ['RW','access','update'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}}], handler: hincrbyfloatCommand },
  { name: 'hrandfield', arity: -2, flags: ['readonly'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['read','hash','slow'], group: 'hash', since: '6.2.0', complexity: 'O(N) where N is the number of fields returned', summary: 'Get one or multiple random fields from a hash', tips: ['nondeterministic_output'], keySpecs: [{flags: ['RO','access'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}}], handler: hrandfieldCommand },
  { name: 'hscan', arity: -3, flags: ['readonly'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['read','hash','slow'], group: 'hash', since: '2.8.0', complexity: 'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..', summary: 'Incrementally iterate hash fields and associated values', tips: ['nondeterministic_output'], keySpecs: [{flags: ['RO','access'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}}], handler: hscanCommand },
];
