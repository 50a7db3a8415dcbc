// Generic key commands (engine worker): Redis 7.0's db.c (DEL, EXISTS, TYPE, RENAME,
// KEYS, SCAN, RANDOMKEY, DBSIZE, FLUSHDB/FLUSHALL, COPY, MOVE, SWAPDB, TOUCH), expire.c
// (EXPIRE family, TTL family, PERSIST), object.c (OBJECT) and cluster.c (DUMP,
// RESTORE).
//
// Every handler follows Redis's order of checks (it decides which error a client sees
// first: EXPIRE parses its flags before its number, RESTORE checks BUSYKEY before the
// TTL and the TTL before the payload). Reads that Redis does with lookupKeyRead count
// keyspace hits/misses (lookupKeyRead from strings.ts); write lookups do not. Options
// are compared as C's strcasecmp compares them: up to the first NUL byte.
//
// Effects, as Redis 7.0 propagates them: EXPIRE/PEXPIRE/EXPIREAT log
// `PEXPIREAT key <abs ms> [flags]`; a TTL already in the past deletes the key and logs
// DEL (UNLINK under lazyfree-lazy-expire); RESTORE with a relative TTL logs
// `RESTORE key <abs ms> payload ... ABSTTL`, and one whose TTL already passed logs DEL
// when REPLACE removed a key (nothing otherwise); FLUSHDB/FLUSHALL are always logged
// (Redis's forceCommandPropagation), as `FLUSHDB` / `FLUSHALL` without SYNC/ASYNC
// (the effect is the same; how to free memory is the replica's business).
//
// Where KeelDB differs from Redis, knowingly:
// - OBJECT ENCODING of a string is computed from its bytes (int if a canonical int64,
//   embstr up to 44 bytes, raw above), as Redis's tryObjectEncoding classifies a value
//   that SET stores. Redis also remembers how a value was built: APPEND to an
//   existing key and SETRANGE leave 'raw' even for short or numeric results; KeelDB
//   marks such keys (Db.markRawString) and carries the mark with the value through
//   RENAME, MOVE and SWAPDB (the same object in Redis) and COPY (dupStringObject makes
//   a raw copy of a raw string, its sds exactly sized).
// - OBJECT REFCOUNT: 2147483647 (Redis's shared integer objects) for the canonical
//   integers 0..9999 when shared integers are allowed, else 1; values made by
//   APPEND/SETRANGE are never shared in Redis but may be here.
// - Per-key access data (Db access stamps) holds the last access time or, under an LFU
//   policy, Redis's LFU counter (src/engine/lfu.ts), which RESTORE's IDLETIME/FREQ set.
// - Expiry times are JS numbers (keyspace.ts): an absolute time beyond 2^53 ms (year
//   287,396) is stored rounded, so PTTL/PEXPIRETIME may differ from Redis for such
//   times; one that rounds to 2^63 is reported as INT64_MAX, exact for the usual
//   PEXPIREAT key 9223372036854775807.
//
// Invariants: no handler mutates before every argument is validated; every mutation
// goes through ctx.db / ctx.keyspace.

import { eqi, errors, latin1, string2ll, int64Max, int64Min } from '../args.js';
import { lfuCount, lfuStamp } from '../lfu.js';
import type { CommandContext, CommandSpec } from '../command.js';
import type { CommandSpecExtras, KeySpec } from '../command-table.js';
import { typeOf, type Db, type RValue } from '../keyspace.js';
import type { SdsSize } from '../sds-size.js';
import { globMatch } from '../glob.js';
import { createDumpPayload, loadDumpPayload, verifyDumpPayload } from '../dump.js';
// Streams register their RDB codec here, where DUMP and RESTORE need it (the other types register from their own modules).
import '../types/stream-rdb.js';
import { encodingForConfig } from '../restore-encoding.js';
import { RList, saveList } from '../types/list.js';

/** list-max-listpack-size's default, the fill the registered list saver uses. */
const listFillDefault = -2;
import { lookupKeyRead, lookupKeyReadStored } from './strings.js';
import { replyHelp } from './connection.js';
import { notify, NotifyType } from '../notify.js';

// --- Shared helpers --------------------------------------------------------------------

/** The bytes of an argument up to its first NUL, as C's string functions see it. */
function cBytes(buf: Buffer): Buffer {
  const nul = buf.indexOf(0);
  return nul < 0 ? buf : buf.subarray(0, nul);
}

/** C's strcasecmp(arg, lower) == 0. */
function ceqi(buf: Buffer, lower: string): boolean {
  return eqi(cBytes(buf), lower);
}

/** An argument as C's %s prints it in an error: up to a NUL, CR/LF made spaces. */
function cText(buf: Buffer): string {
  return latin1(cBytes(buf)).replace(/[\r\n]/g, ' ');
}

const intRangeError = 'ERR value is out of range, value must between -2147483648 and 2147483647';
const sameObjectError = 'ERR source and destination objects are the same';
const busyKeyError = 'BUSYKEY Target key name already exists.';
const badFormatError = 'ERR Bad data format';

/**
 * Redis's getIntFromObjectOrReply: an int32, or null after the error reply (`msg`
 * replaces both the not-an-integer and the out-of-range texts when given).
 */
function intArgOrReply(ctx: CommandContext, buf: Buffer, msg?: string): number | null {
  const v = string2ll(latin1(buf));
  if (v === null) {
    ctx.reply.error(msg ?? errors.notInteger);
    return null;
  }
  if (v < -2147483648n || v > 2147483647n) {
    ctx.reply.error(msg ?? intRangeError);
    return null;
  }
  return Number(v);
}

/** Redis's selectDb range check for a DB argument. */
function dbOrNull(ctx: CommandContext, index: number): Db | null {
  if (index < 0 || index >= ctx.keyspace.dbs.length) return null;
  return ctx.keyspace.db(index);
}

/** Redis's lookupKeyWrite: the live value (expired keys deleted), no stats. */
function lookupKeyWrite(ctx: CommandContext, db: Db, key: string): RValue | undefined {
  return db.lookup(key, ctx.nowMs);
}

/** A deep copy for COPY (strings are immutable JS strings). */
function duplicate(v: RValue): RValue {
  return typeof v === 'string' ? v : v.clone();
}

/** Shared integers (refcount INT_MAX) exist unless an LRU/LFU policy with a maxmemory forbids them. */
function sharedIntegersAllowed(ctx: CommandContext): boolean {
  const cfg = ctx.engine.config;
  return cfg.maxmemory === 0n || !(cfg.maxmemoryPolicy.includes('lru') || cfg.maxmemoryPolicy.includes('lfu'));
}

function lfuPolicy(ctx: CommandContext): boolean {
  return ctx.engine.config.maxmemoryPolicy.includes('lfu');
}

/** OBJECT ENCODING of a string value, classified as tryObjectEncoding classifies it. */
export function stringEncoding(s: string): 'int' | 'embstr' | 'raw' {
  if (s.length <= 20 && string2ll(s) !== null) return 'int';
  return s.length <= 44 ? 'embstr' : 'raw';
}

// --- DEL, UNLINK, EXISTS, TYPE, TOUCH ---------------------------------------------------

function delGeneric(ctx: CommandContext): void {
  const argv = ctx.argv;
  const db = ctx.db;
  let deleted = 0;
  for (let j = 1; j < argv.length; j++) {
    const key = latin1(argv[j]!);
    // An expired key is deleted as an expiry (logged as its own DEL), not counted.
    if (db.expires.size > 0) db.expireIfNeeded(key, ctx.nowMs);
    if (db.delete(key)) {
      notify(ctx, NotifyType.generic, 'del', key);
      deleted++;
    }
  }
  ctx.reply.int(deleted);
}

function existsCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  let count = 0;
  for (let j = 1; j < argv.length; j++) if (lookupKeyReadStored(ctx, latin1(argv[j]!), true) !== undefined) count++;
  ctx.reply.int(count);
}

function typeCommand(ctx: CommandContext): void {
  const v = lookupKeyReadStored(ctx, latin1(ctx.argv[1]!), true);
  ctx.reply.status(v === undefined ? 'none' : typeOf(v));
}

function touchCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  let count = 0;
  for (let j = 1; j < argv.length; j++) if (lookupKeyReadStored(ctx, latin1(argv[j]!)) !== undefined) count++;
  ctx.reply.int(count);
}

// --- EXPIRE family ------------------------------------------------------------------------

const EXPIRE_NX = 1;
const EXPIRE_XX = 2;
const EXPIRE_GT = 4;
const EXPIRE_LT = 8;

/** parseExtendedExpireArgumentsOrReply: the NX/XX/GT/LT flags from argv[3..], or null. */
function parseExpireFlags(ctx: CommandContext): number | null {
  const argv = ctx.argv;
  let flags = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!;
    if (ceqi(opt, 'nx')) flags |= EXPIRE_NX;
    else if (ceqi(opt, 'xx')) flags |= EXPIRE_XX;
    else if (ceqi(opt, 'gt')) flags |= EXPIRE_GT;
    else if (ceqi(opt, 'lt')) flags |= EXPIRE_LT;
    else {
      ctx.reply.error(`ERR Unsupported option ${cText(opt)}`);
      return null;
    }
  }
  if (flags & EXPIRE_NX && flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT)) {
    ctx.reply.error('ERR NX and XX, GT or LT options at the same time are not compatible');
    return null;
  }
  if (flags & EXPIRE_GT && flags & EXPIRE_LT) {
    ctx.reply.error('ERR GT and LT options at the same time are not compatible');
    return null;
  }
  return flags;
}

/**
 * expireGenericCommand: `basetimeMs` is 0 for the *AT forms and now for the relative
 * ones; `seconds` says the argument is in seconds.
 */
function expireGeneric(ctx: CommandContext, name: string, relative: boolean, seconds: boolean): void {
  const argv = ctx.argv;
  const flags = parseExpireFlags(ctx);
  if (flags === null) return;
  const param = string2ll(latin1(argv[2]!));
  if (param === null) {
    ctx.reply.error(errors.notInteger);
    return;
  }
  const invalid = `ERR invalid expire time in '${name}' command`;
  let when = param;
  if (seconds) {
    // C's LLONG_MAX / 1000 truncates toward zero, as BigInt division does.
    if (when > int64Max / 1000n || when < int64Min / 1000n) {
      ctx.reply.error(invalid);
      return;
    }
    when *= 1000n;
  }
  const basetime = relative ? BigInt(ctx.nowMs) : 0n;
  if (when > int64Max - basetime) {
    ctx.reply.error(invalid);
    return;
  }
  when += basetime;

  const keyBuf = argv[1]!;
  const key = latin1(keyBuf);
  const db = ctx.db;
  if (db.lookupStored(key, ctx.nowMs) === undefined) {
    ctx.reply.int(0);
    return;
  }
  if (flags !== 0) {
    const current = db.getExpire(key);
    const cur = BigInt(current);
    if (flags & EXPIRE_NX && current !== -1) {
      ctx.reply.int(0);
      return;
    }
    if (flags & EXPIRE_XX && current === -1) {
      ctx.reply.int(0);
      return;
    }
    // No TTL counts as an infinite one: GT always fails, LT always passes.
    if (flags & EXPIRE_GT && (when <= cur || current === -1)) {
      ctx.reply.int(0);
      return;
    }
    if (flags & EXPIRE_LT && current !== -1 && when >= cur) {
      ctx.reply.int(0);
      return;
    }
  }

  if (when <= BigInt(ctx.nowMs)) {
    // checkAlreadyExpired: delete now, and log it as an explicit deletion.
    db.delete(key);
    ctx.propagate([ctx.engine.config.lazyfreeLazyExpire ? 'UNLINK' : 'DEL', keyBuf]);
    notify(ctx, NotifyType.generic, 'del', key);
    ctx.reply.int(1);
    return;
  }
  db.setExpire(key, Number(when));
  notify(ctx, NotifyType.generic, 'expire', key);
  ctx.reply.int(1);
  if (name !== 'pexpireat') {
    const rewritten: Array<Buffer | string> = [...argv];
    rewritten[0] = 'PEXPIREAT';
    rewritten[2] = when.toString();
    ctx.propagate(rewritten);
  }
}

function expireCommand(ctx: CommandContext): void {
  expireGeneric(ctx, 'expire', true, true);
}
function pexpireCommand(ctx: CommandContext): void {
  expireGeneric(ctx, 'pexpire', true, false);
}
function expireatCommand(ctx: CommandContext): void {
  expireGeneric(ctx, 'expireat', false, true);
}
function pexpireatCommand(ctx: CommandContext): void {
  expireGeneric(ctx, 'pexpireat', false, false);
}

/** ttlGenericCommand: -2 missing, -1 no TTL, else the TTL or absolute time (s rounded, or ms). */
function ttlGeneric(ctx: CommandContext, outputMs: boolean, outputAbs: boolean): void {
  const key = latin1(ctx.argv[1]!);
  if (lookupKeyReadStored(ctx, key, true) === undefined) {
    ctx.reply.int(-2);
    return;
  }
  const expire = ctx.db.getExpire(key);
  if (expire === -1) {
    ctx.reply.int(-1);
    return;
  }
  if (expire >= 2 ** 63) {
    // Only int64 values within 512 of the largest round up to 2^63 as a double; report
    // the largest, which is exact for PEXPIREAT <INT64_MAX>, the one value clients use.
    const ttl = outputAbs ? int64Max : int64Max - BigInt(ctx.nowMs);
    ctx.reply.int(outputMs ? ttl : (ttl + 500n) / 1000n);
    return;
  }
  let ttl = outputAbs ? expire : expire - ctx.nowMs;
  if (ttl < 0) ttl = 0;
  ctx.reply.int(outputMs ? ttl : Math.floor((ttl + 500) / 1000));
}

function persistCommand(ctx: CommandContext): void {
  const key = latin1(ctx.argv[1]!);
  if (ctx.db.lookupStored(key, ctx.nowMs) === undefined) {
    ctx.reply.int(0);
    return;
  }
  const persisted = ctx.db.persist(key);
  if (persisted) notify(ctx, NotifyType.generic, 'persist', key);
  ctx.reply.int(persisted ? 1 : 0);
}

// --- RENAME, RENAMENX, COPY, MOVE, SWAPDB ------------------------------------------------

function renameGeneric(ctx: CommandContext, nx: boolean): void {
  const src = latin1(ctx.argv[1]!);
  const dst = latin1(ctx.argv[2]!);
  const db = ctx.db;
  const value = lookupKeyWrite(ctx, db, src);
  if (value === undefined) {
    ctx.reply.error(errors.noSuchKey);
    return;
  }
  if (src === dst) {
    // Nothing changes (and nothing is logged), but the source had to exist.
    if (nx) ctx.reply.int(0);
    else ctx.reply.ok();
    return;
  }
  const expire = db.getExpire(src);
  const raw = db.rawStringSize(src);
  if (lookupKeyWrite(ctx, db, dst) !== undefined) {
    if (nx) {
      ctx.reply.int(0);
      return;
    }
    db.delete(dst);
  }
  db.set(dst, value);
  if (expire !== -1) db.setExpire(dst, expire);
  keepRawMark(db, dst, raw);
  db.delete(src);
  notify(ctx, NotifyType.generic, 'rename_from', src);
  notify(ctx, NotifyType.generic, 'rename_to', dst);
  if (nx) ctx.reply.int(1);
  else ctx.reply.ok();
}

/** RENAME and MOVE keep the value object in Redis: its 'raw' encoding and sds size go with it. */
function keepRawMark(db: Db, key: string, raw: SdsSize | null | undefined): void {
  if (raw === undefined) return;
  if (raw === null) db.markRawString(key);
  else db.setRawStringSize(key, raw);
}

function copyCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  const src = ctx.db;
  let dst = ctx.db;
  let replace = false;
  for (let j = 3; j < argv.length; j++) {
    const additional = argv.length - j - 1;
    if (ceqi(argv[j]!, 'replace')) {
      replace = true;
    } else if (ceqi(argv[j]!, 'db') && additional >= 1) {
      const index = intArgOrReply(ctx, argv[j + 1]!);
      if (index === null) return;
      const db = dbOrNull(ctx, index);
      if (db === null) {
        ctx.reply.error(errors.invalidDbIndex);
        return;
      }
      dst = db;
      j++;
    } else {
      ctx.reply.error(errors.syntax);
      return;
    }
  }
  const key = latin1(argv[1]!);
  const newKey = latin1(argv[2]!);
  if (src === dst && key === newKey) {
    ctx.reply.error(sameObjectError);
    return;
  }
  const value = lookupKeyRead(ctx, key);
  if (value === undefined) {
    ctx.reply.int(0);
    return;
  }
  const expire = src.getExpire(key);
  let existing = false;
  if (lookupKeyWrite(ctx, dst, newKey) !== undefined) {
    if (!replace) {
      ctx.reply.int(0);
      return;
    }
    existing = true;
  }
  const copy = duplicate(value);
  const raw = src.rawStringSize(key);
  if (existing) dst.delete(newKey);
  dst.set(newKey, copy);
  if (expire !== -1) dst.setExpire(newKey, expire);
  // dupStringObject: a raw string's copy is raw, its sds made exactly (sdsnewlen).
  if (raw !== undefined) dst.markRawString(newKey);
  notify(ctx, NotifyType.generic, 'copy_to', newKey, dst.index);
  ctx.reply.int(1);
}

function moveCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  const src = ctx.db;
  const index = intArgOrReply(ctx, argv[2]!);
  if (index === null) return;
  const dst = dbOrNull(ctx, index);
  if (dst === null) {
    ctx.reply.error(errors.invalidDbIndex);
    return;
  }
  if (dst === src) {
    ctx.reply.error(sameObjectError);
    return;
  }
  const key = latin1(argv[1]!);
  const value = lookupKeyWrite(ctx, src, key);
  if (value === undefined) {
    ctx.reply.int(0);
    return;
  }
  const expire = src.getExpire(key);
  if (lookupKeyWrite(ctx, dst, key) !== undefined) {
    ctx.reply.int(0);
    return;
  }
  const raw = src.rawStringSize(key);
  dst.set(key, value);
  if (expire !== -1) dst.setExpire(key, expire);
  keepRawMark(dst, key, raw);
  src.delete(key);
  notify(ctx, NotifyType.generic, 'move_from', key, src.index);
  notify(ctx, NotifyType.generic, 'move_to', key, dst.index);
  ctx.reply.int(1);
}

function swapdbCommand(ctx: CommandContext): void {
  const id1 = intArgOrReply(ctx, ctx.argv[1]!, 'ERR invalid first DB index');
  if (id1 === null) return;
  const id2 = intArgOrReply(ctx, ctx.argv[2]!, 'ERR invalid second DB index');
  if (id2 === null) return;
  const count = ctx.keyspace.dbs.length;
  if (id1 < 0 || id1 >= count || id2 < 0 || id2 >= count) {
    ctx.reply.error(errors.invalidDbIndex);
    return;
  }
  // Redis counts a swap of a database with itself as a change (server.dirty++) too.
  if (id1 === id2) ctx.keyspace.dirty++;
  else ctx.keyspace.swap(id1, id2);
  ctx.reply.ok();
}

// --- KEYS, SCAN, RANDOMKEY, DBSIZE --------------------------------------------------------

function keysCommand(ctx: CommandContext): void {
  const pattern = latin1(ctx.argv[1]!);
  const allKeys = pattern === '*';
  const db = ctx.db;
  const keys = db.dict.keys;
  const reply = ctx.reply;
  const handle = reply.beginDeferred();
  let count = 0;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    // KEYS is read-only: it skips logically expired keys without deleting them.
    if ((allKeys || globMatch(pattern, key)) && !db.isExpired(key, ctx.nowMs)) {
      reply.bulkLatin1(key);
      count++;
    }
  }
  reply.endDeferred(handle, count);
}

/**
 * parseScanCursorOrReply: C's strtoul in base 10 over the argument up to its first NUL
 * (optional sign, a negative value wraps as unsigned long), refusing a leading space,
 * trailing characters and overflow. Returns the cursor, or null after the error.
 */
function parseScanCursor(ctx: CommandContext, buf: Buffer): bigint | null {
  const s = latin1(cBytes(buf));
  const invalid = (): null => {
    ctx.reply.error('ERR invalid cursor');
    return null;
  };
  if (s.length === 0) return 0n;
  const c0 = s.charCodeAt(0);
  if (c0 === 32 || (c0 >= 9 && c0 <= 13)) return invalid();
  const m = /^([+-]?)(\d+)$/.exec(s);
  if (m === null) return invalid();
  const magnitude = BigInt(m[2]!);
  const ulongMax = 0xffffffffffffffffn;
  if (magnitude > ulongMax) return invalid();
  return m[1] === '-' && magnitude !== 0n ? ulongMax + 1n - magnitude : magnitude;
}

function scanCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  const cursor = parseScanCursor(ctx, argv[1]!);
  if (cursor === null) return;
  let count = 10;
  let pattern: string | null = null;
  let typeName: Buffer | null = null;
  for (let i = 2; i < argv.length; ) {
    const remaining = argv.length - i;
    const opt = argv[i]!;
    if (ceqi(opt, 'count') && remaining >= 2) {
      const n = string2ll(latin1(argv[i + 1]!));
      if (n === null) {
        ctx.reply.error(errors.notInteger);
        return;
      }
      if (n < 1n) {
        ctx.reply.error(errors.syntax);
        return;
      }
      count = Number(n); // beyond 2^53 the rounding is harmless: no dict is that big
      i += 2;
    } else if (ceqi(opt, 'match') && remaining >= 2) {
      const p = latin1(argv[i + 1]!);
      pattern = p === '*' ? null : p;
      i += 2;
    } else if (ceqi(opt, 'type') && remaining >= 2) {
      typeName = argv[i + 1]!;
      i += 2;
    } else {
      ctx.reply.error(errors.syntax);
      return;
    }
  }
  const db = ctx.db;
  const start = cursor > BigInt(db.dict.size) ? db.dict.size : Number(cursor);
  const collected: string[] = [];
  const next = db.dict.scan(start, count, (key) => {
    collected.push(key);
  });
  // Filter after collecting, as Redis does: the expiry check below may delete keys.
  const reply = ctx.reply;
  reply.array(2);
  reply.bulkLatin1(String(next));
  const handle = reply.beginDeferred();
  let n = 0;
  for (const key of collected) {
    if (pattern !== null && !globMatch(pattern, key)) continue;
    if (typeName !== null) {
      // Redis looks the key up (counting a hit or miss, expiring it) to read its type.
      const v = lookupKeyReadStored(ctx, key);
      if (!ceqi(typeName, v === undefined ? 'none' : typeOf(v))) continue;
    }
    if (db.expires.size > 0 && db.expireIfNeeded(key, ctx.nowMs)) continue;
    reply.bulkLatin1(key);
    n++;
  }
  reply.endDeferred(handle, n);
}

function randomkeyCommand(ctx: CommandContext): void {
  const db = ctx.db;
  for (;;) {
    const slot = db.dict.randomSlot(ctx.keyspace.random);
    if (slot < 0) {
      ctx.reply.nil();
      return;
    }
    const key = db.dict.keys[slot]!;
    // An expired pick is deleted (and logged) and another key drawn, as dbRandomKey does.
    if (db.expires.size > 0 && db.expireIfNeeded(key, ctx.nowMs)) continue;
    ctx.reply.bulkLatin1(key);
    return;
  }
}

function dbsizeCommand(ctx: CommandContext): void {
  ctx.reply.int(ctx.db.size);
}

// --- FLUSHDB, FLUSHALL ----------------------------------------------------------------------

/** getFlushCommandFlags: no argument, or exactly one of SYNC / ASYNC. */
function flushArgsOk(ctx: CommandContext): boolean {
  const argv = ctx.argv;
  if (argv.length === 1 || (argv.length === 2 && (ceqi(argv[1]!, 'sync') || ceqi(argv[1]!, 'async')))) return true;
  ctx.reply.error(errors.syntax);
  return false;
}

function flushdbCommand(ctx: CommandContext): void {
  if (!flushArgsOk(ctx)) return;
  ctx.db.flush();
  // forceCommandPropagation: logged even when the database was already empty.
  ctx.keyspace.dirty++;
  ctx.propagate(['FLUSHDB']);
  ctx.reply.ok();
}

function flushallCommand(ctx: CommandContext): void {
  if (!flushArgsOk(ctx)) return;
  for (const db of ctx.keyspace.dbs) db.flush();
  ctx.keyspace.dirty++;
  ctx.propagate(['FLUSHALL']);
  ctx.reply.ok();
}

// --- OBJECT ------------------------------------------------------------------------------------

/** objectCommandLookupOrReply: the value, or null after replying nil. */
function objectLookup(ctx: CommandContext): RValue | null {
  const v = lookupKeyRead(ctx, latin1(ctx.argv[2]!), true);
  if (v === undefined) {
    ctx.reply.nil();
    return null;
  }
  return v;
}

function objectEncodingCommand(ctx: CommandContext): void {
  const v = objectLookup(ctx);
  if (v === null) return;
  const raw = typeof v === 'string' && ctx.db.isRawString(latin1(ctx.argv[2]!));
  ctx.reply.bulkLatin1(typeof v === 'string' ? (raw ? 'raw' : stringEncoding(v)) : v.encoding());
}

function objectRefcountCommand(ctx: CommandContext): void {
  const v = objectLookup(ctx);
  if (v === null) return;
  let shared = false;
  if (typeof v === 'string' && v.length <= 4 && sharedIntegersAllowed(ctx)) {
    const n = string2ll(v);
    shared = n !== null && n >= 0n && n < 10000n;
  }
  ctx.reply.int(shared ? 2147483647 : 1);
}

function objectIdletimeCommand(ctx: CommandContext): void {
  const v = objectLookup(ctx);
  if (v === null) return;
  if (lfuPolicy(ctx)) {
    ctx.reply.error(
      'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
    );
    return;
  }
  const accessMs = ctx.db.lastAccessMs(latin1(ctx.argv[2]!))!;
  // Redis's LRU clock ticks in whole seconds.
  ctx.reply.int(Math.max(0, Math.floor(ctx.nowMs / 1000) - Math.floor(accessMs / 1000)));
}

function objectFreqCommand(ctx: CommandContext): void {
  const v = objectLookup(ctx);
  if (v === null) return;
  if (!lfuPolicy(ctx)) {
    ctx.reply.error(
      'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
    );
    return;
  }
  ctx.reply.int(lfuCount(ctx.db.accessStamp(latin1(ctx.argv[2]!))!, ctx.nowMs));
}

const objectHelpLines = [
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
];

function objectHelpCommand(ctx: CommandContext): void {
  replyHelp(ctx, objectHelpLines);
}

// --- DUMP, RESTORE -------------------------------------------------------------------------------

function dumpCommand(ctx: CommandContext): void {
  const v = lookupKeyRead(ctx, latin1(ctx.argv[1]!));
  if (v === undefined) {
    ctx.reply.nil();
    return;
  }
  // Lists are cut into quicklist nodes by list-max-listpack-size (types/list.ts's saveList).
  const fill = ctx.engine.config.listMaxListpackSize;
  const payload = v instanceof RList && fill !== listFillDefault ? createDumpPayload(v, (w, o) => saveList(w, o as RList, fill)) : createDumpPayload(v);
  if (payload === null) {
    // A type whose module has not registered an RDB codec yet.
    ctx.reply.error(badFormatError);
    return;
  }
  ctx.reply.bulk(payload);
}

function restoreCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  let replace = false;
  let absTtl = false;
  let idleSet = false;
  let idleSeconds = 0;
  let freqSet = false;
  let freqCount = 0;
  for (let j = 4; j < argv.length; j++) {
    const additional = argv.length - j - 1;
    const opt = argv[j]!;
    if (ceqi(opt, 'replace')) {
      replace = true;
    } else if (ceqi(opt, 'absttl')) {
      absTtl = true;
    } else if (ceqi(opt, 'idletime') && additional >= 1 && !freqSet) {
      const idle = string2ll(latin1(argv[j + 1]!));
      if (idle === null) {
        ctx.reply.error(errors.notInteger);
        return;
      }
      if (idle < 0n) {
        ctx.reply.error('ERR Invalid IDLETIME value, must be >= 0');
        return;
      }
      idleSet = true;
      idleSeconds = Number(idle);
      j++;
    } else if (ceqi(opt, 'freq') && additional >= 1 && !idleSet) {
      const freq = string2ll(latin1(argv[j + 1]!));
      if (freq === null) {
        ctx.reply.error(errors.notInteger);
        return;
      }
      if (freq < 0n || freq > 255n) {
        ctx.reply.error('ERR Invalid FREQ value, must be >= 0 and <= 255');
        return;
      }
      freqSet = true;
      freqCount = Number(freq);
      j++;
    } else {
      ctx.reply.error(errors.syntax);
      return;
    }
  }
  const keyBuf = argv[1]!;
  const key = latin1(keyBuf);
  const db = ctx.db;
  if (!replace && lookupKeyWrite(ctx, db, key) !== undefined) {
    ctx.reply.error(busyKeyError);
    return;
  }
  const ttlArg = string2ll(latin1(argv[2]!));
  if (ttlArg === null) {
    ctx.reply.error(errors.notInteger);
    return;
  }
  if (ttlArg < 0n) {
    ctx.reply.error('ERR Invalid TTL value, must be >= 0');
    return;
  }
  const payload = argv[3]!;
  if (!verifyDumpPayload(payload)) {
    ctx.reply.error('ERR DUMP payload version or checksum are wrong');
    return;
  }
  const loaded = loadDumpPayload(payload);
  if (loaded === null) {
    ctx.reply.error(badFormatError);
    return;
  }
  // The loaders decide encodings by Redis's defaults; RESTORE follows the CONFIG values.
  const value = encodingForConfig(loaded, payload, ctx.engine.config);
  const deleted = replace ? db.delete(key) : false;
  let ttl = ttlArg;
  if (ttl !== 0n && !absTtl) ttl += BigInt(ctx.nowMs);
  if (ttl !== 0n && ttl <= BigInt(ctx.nowMs)) {
    // Already expired: the value is dropped; a replaced key's deletion is the effect.
    if (deleted) ctx.propagate(['DEL', keyBuf]);
    ctx.reply.ok();
    return;
  }
  db.set(key, value);
  notify(ctx, NotifyType.generic, 'restore', key);
  // objectSetLRUOrLFU: the access time goes back by the given idle seconds (LRU policies).
  if (idleSet && !lfuPolicy(ctx)) db.setLastAccessMs(key, ctx.nowMs - idleSeconds * 1000);
  if (freqSet && lfuPolicy(ctx)) db.setLastAccessMs(key, lfuStamp(ctx.nowMs, freqCount));
  if (ttl !== 0n) {
    db.setExpire(key, Number(ttl));
    if (!absTtl) {
      const rewritten: Array<Buffer | string> = [...argv];
      rewritten[2] = ttl.toString();
      rewritten.push('ABSTTL');
      ctx.propagate(rewritten);
    }
  }
  ctx.reply.ok();
}

// --- The table (Redis 7.0.15's COMMAND INFO / COMMAND DOCS) -------------------------------

type Spec = CommandSpec & CommandSpecExtras;

const ks = (flags: string[], index: number, lastkey = 0): KeySpec => ({
  flags,
  beginSearch: { type: 'index', index },
  findKeys: { type: 'range', lastkey, keystep: 1, limit: 0 },
});

const multiShardSum = ['request_policy:multi_shard', 'response_policy:agg_sum'];
const allShardsSucceeded = ['request_policy:all_shards', 'response_policy:all_succeeded'];
const nondet = ['nondeterministic_output'];

const expireSpec = (name: string, handler: CommandSpec['handler'], summary: string, since: string): Spec => ({
  name,
  arity: -3,
  flags: ['write', 'fast'],
  firstKey: 1,
  lastKey: 1,
  keyStep: 1,
  categories: ['keyspace', 'write', 'fast'],
  group: 'generic',
  summary,
  since,
  complexity: 'O(1)',
  keySpecs: [ks(['RW', 'update'], 1)],
  handler,
});

const ttlSpec = (name: string, handler: CommandSpec['handler'], summary: string, since: string, tips: string[]): Spec => ({
  name,
  arity: 2,
  flags: ['readonly', 'fast'],
  firstKey: 1,
  lastKey: 1,
  keyStep: 1,
  categories: ['keyspace', 'read', 'fast'],
  group: 'generic',
  summary,
  since,
  complexity: 'O(1)',
  tips,
  keySpecs: [ks(['RO', 'access'], 1)],
  handler,
});

const objectSub = (sub: string, summary: string, since: string, handler: CommandSpec['handler']): Spec => ({
  name: `object|${sub}`,
  arity: 3,
  flags: ['readonly'],
  firstKey: 2,
  lastKey: 2,
  keyStep: 1,
  categories: ['keyspace', 'read', 'slow'],
  group: 'generic',
  summary,
  since,
  complexity: 'O(1)',
  tips: nondet,
  keySpecs: [ks(['RO'], 2)],
  handler,
});

export const keyCommands: readonly CommandSpec[] = [
  { name: 'del', arity: -2, flags: ['write'], firstKey: 1, lastKey: -1, keyStep: 1, categories: ['keyspace', 'write', 'slow'], group: 'generic', since: '1.0.0', complexity: 'O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).', summary: 'Delete a key', tips: multiShardSum, keySpecs: [ks(['RM', 'delete'], 1, -1)], handler: delGeneric } satisfies Spec,
  { name: 'unlink', arity: -2, flags: ['write', 'fast'], firstKey: 1, lastKey: -1, keyStep: 1, categories: ['keyspace', 'write', 'fast'], group: 'generic', since: '4.0.0', complexity: 'O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of.', summary: 'Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.', tips: multiShardSum, keySpecs: [ks(['RM', 'delete'], 1, -1)], handler: delGeneric } satisfies Spec,
  { name: 'exists', arity: -2, flags: ['readonly', 'fast'], firstKey: 1, lastKey: -1, keyStep: 1, categories: ['keyspace', 'read', 'fast'], group: 'generic', since: '1.0.0', complexity: 'O(N) where N is the number of keys to check.', summary: 'Determine if a key exists', tips: multiShardSum, keySpecs: [ks(['RO'], 1, -1)], handler: existsCommand } satisfies Spec,
  { name: 'type', arity: 2, flags: ['readonly', 'fast'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['keyspace', 'read', 'fast'], group: 'generic', since: '1.0.0', complexity: 'O(1)', summary: 'Determine the type stored at key', keySpecs: [ks(['RO'], 1)], handler: typeCommand } satisfies Spec,
  expireSpec('expire', expireCommand, "Set a key's time to live in seconds", '1.0.0'),
  expireSpec('pexpire', pexpireCommand, "Set a key's time to live in milliseconds", '2.6.0'),
  expireSpec('expireat', expireatCommand, 'Set the expiration for a key as a UNIX timestamp', '1.2.0'),
  expireSpec('pexpireat', pexpireatCommand, 'Set the expiration for a key as a UNIX timestamp specified in milliseconds', '2.6.0'),
  ttlSpec('ttl', (ctx) => ttlGeneric(ctx, false, false), 'Get the time to live for a key in seconds', '1.0.0', nondet),
  ttlSpec('pttl', (ctx) => ttlGeneric(ctx, true, false), 'Get the time to live for a key in milliseconds', '2.6.0', nondet),
  ttlSpec('expiretime', (ctx) => ttlGeneric(ctx, false, true), 'Get the expiration Unix timestamp for a key', '7.0.0', []),
  ttlSpec('pexpiretime', (ctx) => ttlGeneric(ctx, true, true), 'Get the expiration Unix timestamp for a key in milliseconds', '7.0.0', []),
  { name: 'persist', arity: 2, flags: ['write', 'fast'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['keyspace', 'write', 'fast'], group: 'generic', since: '2.2.0', complexity: 'O(1)', summary: 'Remove the expiration from a key', keySpecs: [ks(['RW', 'update'], 1)], handler: persistCommand } satisfies Spec,
  { name: 'rename', arity: 3, flags: ['write'], firstKey: 1, lastKey: 2, keyStep: 1, categories: ['keyspace', 'write', 'slow'], group: 'generic', since: '1.0.0', complexity: 'O(1)', summary: 'Rename a key', keySpecs: [ks(['RW', 'access', 'delete'], 1), ks(['OW', 'update'], 2)], handler: (ctx) => renameGeneric(ctx, false) } satisfies Spec,
  { name: 'renamenx', arity: 3, flags: ['write', 'fast'], firstKey: 1, lastKey: 2, keyStep: 1, categories: ['keyspace', 'write', 'fast'], group: 'generic', since: '1.0.0', complexity: 'O(1)', summary: 'Rename a key, only if the new key does not exist', keySpecs: [ks(['RW', 'access', 'delete'], 1), ks(['OW', 'insert'], 2)], handler: (ctx) => renameGeneric(ctx, true) } satisfies Spec,
  { name: 'keys', arity: 2, flags: ['readonly'], firstKey: 0, lastKey: 0, keyStep: 0, categories: ['keyspace', 'read', 'slow', 'dangerous'], group: 'generic', since: '1.0.0', complexity: 'O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length.', summary: 'Find all keys matching the given pattern', tips: ['request_policy:all_shards', 'nondeterministic_output_order'], handler: keysCommand } satisfies Spec,
  { name: 'scan', arity: -2, flags: ['readonly'], firstKey: 0, lastKey: 0, keyStep: 0, categories: ['keyspace', 'read', 'slow'], group: 'generic', since: '2.8.0', complexity: 'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.', summary: 'Incrementally iterate the keys space', tips: ['nondeterministic_output', 'request_policy:special'], handler: scanCommand } satisfies Spec,
  { name: 'randomkey', arity: 1, flags: ['readonly'], firstKey: 0, lastKey: 0, keyStep: 0, categories: ['keyspace', 'read', 'slow'], group: 'generic', since: '1.0.0', complexity: 'O(1)', summary: 'Return a random key from the keyspace', tips: ['request_policy:all_shards', 'nondeterministic_output'], handler: randomkeyCommand } satisfies Spec,
  { name: 'dbsize', arity: 1, flags: ['readonly', 'fast'], firstKey: 0, lastKey: 0, keyStep: 0, categories: ['keyspace', 'read', 'fast'], group: 'server', since: '1.0.0', complexity: 'O(1)', summary: 'Return the number of keys in the selected database', tips: ['request_policy:all_shards', 'response_policy:agg_sum'], handler: dbsizeCommand } satisfies Spec,
  { name: 'flushdb', arity: -1, flags: ['write'], firstKey: 0, lastKey: 0, keyStep: 0, categories: ['keyspace', 'write', 'slow', 'dangerous'], group: 'server', since: '1.0.0', complexity: 'O(N) where N is the number of keys in the selected database', summary: 'Remove all keys from the current database', tips: allShardsSucceeded, handler: flushdbCommand } satisfies Spec,
  { name: 'flushall', arity: -1, flags: ['write'], firstKey: 0, lastKey: 0, keyStep: 0, categories: ['keyspace', 'write', 'slow', 'dangerous'], group: 'server', since: '1.0.0', complexity: 'O(N) where N is the total number of keys in all databases', summary: 'Remove all keys from all databases', tips: allShardsSucceeded, handler: flushallCommand } satisfies Spec,
  { name: 'copy', arity: -3, flags: ['write', 'denyoom'], firstKey: 1, lastKey: 2, keyStep: 1, categories: ['keyspace', 'write', 'slow'], group: 'generic', since: '6.2.0', complexity: 'O(N) worst case for collections, where N is the number of nested items. O(1) for string values.', summary: 'Copy a key', keySpecs: [ks(['RO', 'access'], 1), ks(['OW', 'update'], 2)], handler: copyCommand } satisfies Spec,
  { name: 'move', arity: 3, flags: ['write', 'fast'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['keyspace', 'write', 'fast'], group: 'generic', since: '1.0.0', complexity: 'O(1)', summary: 'Move a key to another database', keySpecs: [ks(['RW', 'access', 'update'], 1)], handler: moveCommand } satisfies Spec,
  { name: 'swapdb', arity: 3, flags: ['write', 'fast'], firstKey: 0, lastKey: 0, keyStep: 0, categories: ['keyspace', 'write', 'fast', 'dangerous'], group: 'server', since: '4.0.0', complexity: 'O(N) where N is the count of clients watching or blocking on keys from both databases.', summary: 'Swaps two Redis databases', handler: swapdbCommand } satisfies Spec,
  { name: 'touch', arity: -2, flags: ['readonly', 'fast'], firstKey: 1, lastKey: -1, keyStep: 1, categories: ['keyspace', 'read', 'fast'], group: 'generic', since: '3.2.1', complexity: 'O(N) where N is the number of keys that will be touched.', summary: 'Alters the last access time of a key(s). Returns the number of existing keys specified.', tips: multiShardSum, keySpecs: [ks(['RO'], 1, -1)], handler: touchCommand } satisfies Spec,
  {
    name: 'object',
    arity: -2,
    flags: [],
    firstKey: 0,
    lastKey: 0,
    keyStep: 0,
    categories: ['slow'],
    group: 'generic',
    since: '2.2.3',
    complexity: 'Depends on subcommand.',
    summary: 'A container for object introspection commands',
    subcommands: [
      { name: 'object|help', arity: 2, flags: ['loading', 'stale'], firstKey: 0, lastKey: 0, keyStep: 0, categories: ['keyspace', 'slow'], group: 'generic', since: '6.2.0', complexity: 'O(1)', summary: 'Show helpful text about the different subcommands', handler: objectHelpCommand },
      objectSub('encoding', 'Inspect the internal encoding of a Redis object', '2.2.3', objectEncodingCommand),
      objectSub('idletime', 'Get the time since a Redis object was last accessed', '2.2.3', objectIdletimeCommand),
      objectSub('freq', 'Get the logarithmic access frequency counter of a Redis object', '4.0.0', objectFreqCommand),
      objectSub('refcount', 'Get the number of references to the value of the key', '2.2.3', objectRefcountCommand),
    ],
  },
  { name: 'dump', arity: 2, flags: ['readonly'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['keyspace', 'read', 'slow'], group: 'generic', since: '2.6.0', complexity: 'O(1) to access the key and additional O(N*M) to serialize it, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1).', summary: 'Return a serialized version of the value stored at the specified key.', tips: nondet, keySpecs: [ks(['RO', 'access'], 1)], handler: dumpCommand } satisfies Spec,
  { name: 'restore', arity: -4, flags: ['write', 'denyoom'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['keyspace', 'write', 'slow', 'dangerous'], group: 'generic', since: '2.6.0', complexity: 'O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).', summary: 'Create a key using the provided serialized value, previously obtained using DUMP.', keySpecs: [ks(['OW', 'update'], 1)], handler: restoreCommand } satisfies Spec,
];
