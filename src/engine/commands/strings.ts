// String commands (engine worker): Redis 7.0's t_string.c. A string value is a latin1 JS
// string (one char per byte) or a handle into the keyspace's StringSlab (see
// keyspace.ts); integers are stored as their decimal text, as Redis's shared integer
// objects print. SET, SETEX, PSETEX, SETNX, GETSET, MSET and MSETNX store the argument's
// bytes through Db.setBytes (no JS string made); GET, GETEX, MGET and STRLEN read a
// handle's bytes or length where it lies (lookupKeyReadStored); every other command sees
// the value materialised as a latin1 string.
//
// Every handler follows t_string.c's order of checks, because the order decides which
// error a client sees first (SET parses its options, then the expire time, then GET's
// type check, then NX/XX; GETEX looks the key up before validating the expire time).
// Reads go through lookupKeyRead (counts keyspace hits and misses); writes through
// ctx.db (WATCH and the write path see them).
//
// Effects, as 7.0 rewrites what it propagates: SET/SETEX/PSETEX with EX, PX or EXAT log
// `SET key value PXAT <abs ms>`; SET ... GET without expire logs the SET without GET;
// GETEX logs PEXPIREAT / PERSIST / DEL; GETSET logs SET; GETDEL logs DEL (UNLINK when
// the lazyfree-lazy-user-del / lazyfree-lazy-expire parameters say so); INCRBYFLOAT
// logs `SET key <result> KEEPTTL`.
//
// APPEND and SETRANGE on an existing string write in place once the result is at least
// stringInPlaceBytesMin bytes (the key's write buffer, src/engine/string-buffer.ts, as
// SETBIT does): O(bytes written) plus amortized growth instead of an O(n) rebuild of the
// immutable string, as Redis's sdscatlen/sdsgrowzero change the sds in place; they record
// the sds size Redis's greedy growth reaches, for MEMORY USAGE.
//
// Invariants: no handler mutates a key before all its arguments are validated; a
// stored integer is always string2ll-canonical text.

import { errors, eqi, int64Max, int64Min, latin1, string2ll, string2safeInt } from '../args.js';
import type { CommandContext, CommandSpec } from '../command.js';
import type { RValue, StoredValue } from '../keyspace.js';
import { computeLcs, lcsTableBytes } from '../lcs.js';
import { addLongDouble, formatLongDoubleHuman, parseLongDouble } from '../long-double.js';
import { stringInPlaceBytesMin, stringValueBytesMax } from '../../limits.js';
import { notify, NotifyType } from '../notify.js';
import { sdsGrow, storedSds } from '../sds-size.js';
import { StringBuffer } from '../string-buffer.js';

// --- Shared helpers ----------------------------------------------------------------------

/** Redis's lookupKeyRead: the live value, counting a keyspace hit or miss. */
export function lookupKeyRead(ctx: CommandContext, key: string, noTouch = false): RValue | undefined {
  const v = noTouch ? ctx.db.peek(key, ctx.nowMs) : ctx.db.lookup(key, ctx.nowMs);
  if (v === undefined) ctx.engine.stats.keyspaceMisses++;
  else ctx.engine.stats.keyspaceHits++;
  return v;
}

/** As lookupKeyRead, but a string may come back as a slab handle (no string built). */
export function lookupKeyReadStored(ctx: CommandContext, key: string, noTouch = false): StoredValue | undefined {
  const v = noTouch ? ctx.db.peekStored(key, ctx.nowMs) : ctx.db.lookupStored(key, ctx.nowMs);
  if (v === undefined) ctx.engine.stats.keyspaceMisses++;
  else ctx.engine.stats.keyspaceHits++;
  return v;
}

/** Replies with a string value as a bulk, from the slab or the latin1 string. */
function replyString(ctx: CommandContext, v: string | number): void {
  if (typeof v === 'string') {
    ctx.reply.bulkLatin1(v);
    return;
  }
  const slab = ctx.keyspace.slab;
  slab.locate(v);
  ctx.reply.bulkRange(slab.foundChunk, slab.foundStart, slab.foundStart + slab.foundLength);
}

/** Redis's getGenericCommand: replies with the value or nil; false after a WRONGTYPE. */
function getGeneric(ctx: CommandContext): boolean {
  // By the key's bytes: a hit or a miss makes no key string.
  const v = ctx.db.lookupStoredBytes(ctx.argv[1]!, ctx.nowMs);
  if (v === undefined) ctx.engine.stats.keyspaceMisses++;
  else ctx.engine.stats.keyspaceHits++;
  if (v === undefined) {
    ctx.reply.nil();
    return true;
  }
  if (typeof v === 'object') {
    ctx.reply.error(errors.wrongType);
    return false;
  }
  replyString(ctx, v);
  return true;
}

/** Redis's checkStringLength: false (after the error reply) if size + append is too long. */
function checkStringLength(ctx: CommandContext, size: number, append: number): boolean {
  const total = size + append;
  if (total > ctx.engine.config.protoMaxBulkLen || total > stringValueBytesMax) {
    ctx.reply.error('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
    return false;
  }
  return true;
}

// --- SET family ------------------------------------------------------------------------------

const NX = 1;
const XX = 2;
const GET = 4;
const KEEPTTL = 8;
const PERSIST = 16;
const EX = 32;
const PX = 64;
const EXAT = 128;
const PXAT = 256;
const ANY_EXPIRE = EX | PX | EXAT | PXAT;

interface ExtendedArgs {
  flags: number;
  expire: Buffer | null;
}

/**
 * Redis's parseExtendedStringArgumentsOrReply for SET (`forSet`) and GETEX. Repeating
 * the same expire option is allowed (the last wins); mixing kinds is a syntax error.
 */
function parseExtendedArgs(ctx: CommandContext, forSet: boolean): ExtendedArgs | null {
  const argv = ctx.argv;
  let flags = 0;
  let expire: Buffer | null = null;
  for (let j = forSet ? 3 : 2; j < argv.length; j++) {
    const opt = argv[j]!;
    const hasNext = j < argv.length - 1;
    if (forSet && eqi(opt, 'nx') && !(flags & XX)) {
      flags |= NX;
    } else if (forSet && eqi(opt, 'xx') && !(flags & NX)) {
      flags |= XX;
    } else if (forSet && eqi(opt, 'get')) {
      flags |= GET;
    } else if (forSet && eqi(opt, 'keepttl') && !(flags & (PERSIST | ANY_EXPIRE))) {
      flags |= KEEPTTL;
    } else if (!forSet && eqi(opt, 'persist') && !(flags & (ANY_EXPIRE | KEEPTTL))) {
      flags |= PERSIST;
    } else if (eqi(opt, 'ex') && !(flags & (KEEPTTL | PERSIST | EXAT | PX | PXAT)) && hasNext) {
      flags |= EX;
      expire = argv[++j]!;
    } else if (eqi(opt, 'px') && !(flags & (KEEPTTL | PERSIST | EX | EXAT | PXAT)) && hasNext) {
      flags |= PX;
      expire = argv[++j]!;
    } else if (eqi(opt, 'exat') && !(flags & (KEEPTTL | PERSIST | EX | PX | PXAT)) && hasNext) {
      flags |= EXAT;
      expire = argv[++j]!;
    } else if (eqi(opt, 'pxat') && !(flags & (KEEPTTL | PERSIST | EX | EXAT | PX)) && hasNext) {
      flags |= PXAT;
      expire = argv[++j]!;
    } else {
      ctx.reply.error(errors.syntax);
      return null;
    }
  }
  return { flags, expire };
}

/**
 * Redis's getExpireMillisecondsOrReply: the absolute expiry in unix ms, or null after
 * the error reply. Relative times are added to the command's time; any overflow of
 * int64 (which C sees as a non-positive result) is an invalid expire time.
 */
function expireAbsMs(ctx: CommandContext, expire: Buffer, flags: number, command: string): bigint | null {
  let ms = string2ll(latin1(expire));
  if (ms === null) {
    ctx.reply.error(errors.notInteger);
    return null;
  }
  const seconds = (flags & (EX | EXAT)) !== 0;
  if (ms <= 0n || (seconds && ms > int64Max / 1000n)) {
    ctx.reply.error(`ERR invalid expire time in '${command}' command`);
    return null;
  }
  if (seconds) ms *= 1000n;
  if (flags & (EX | PX)) ms += BigInt(ctx.nowMs);
  if (ms > int64Max) {
    ctx.reply.error(`ERR invalid expire time in '${command}' command`);
    return null;
  }
  return ms;
}

/** Redis's setGenericCommand. `okReply`/`abortReply` default to +OK and nil. */
function setGeneric(
  ctx: CommandContext,
  flags: number,
  expire: Buffer | null,
  command: string,
  okReply: ((ctx: CommandContext) => void) | null,
  abortReply: ((ctx: CommandContext) => void) | null,
): void {
  const argv = ctx.argv;
  let ms = 0n;
  if (expire !== null) {
    const r = expireAbsMs(ctx, expire, flags, command);
    if (r === null) return;
    ms = r;
  }
  if (flags & GET) {
    if (!getGeneric(ctx)) return;
  }
  const key = latin1(argv[1]!);
  const found = ctx.db.lookupStored(key, ctx.nowMs) !== undefined;
  if (((flags & NX) && found) || ((flags & XX) && !found)) {
    if (!(flags & GET)) {
      if (abortReply !== null) abortReply(ctx);
      else ctx.reply.nil();
    }
    return;
  }
  ctx.db.setBytes(key, argv[2]!, (flags & KEEPTTL) !== 0);
  notify(ctx, NotifyType.string, 'set', key);
  if (expire !== null) {
    ctx.db.setExpire(key, Number(ms));
    notify(ctx, NotifyType.generic, 'expire', key);
    if (!(flags & PXAT)) ctx.propagate(['SET', argv[1]!, argv[2]!, 'PXAT', ms.toString()]);
  } else if (flags & GET) {
    // Propagate without GET (it may be repeated); the key and value stay at 1 and 2.
    const out: Buffer[] = [];
    for (let j = 0; j < argv.length; j++) if (j < 3 || !eqi(argv[j]!, 'get')) out.push(argv[j]!);
    ctx.propagate(out);
  }
  if (!(flags & GET)) {
    if (okReply !== null) okReply(ctx);
    else ctx.reply.ok();
  }
}

const replyOne = (ctx: CommandContext): void => ctx.reply.int(1);
const replyZero = (ctx: CommandContext): void => ctx.reply.int(0);

function setCommand(ctx: CommandContext): void {
  if (ctx.argv.length === 3) {
    // The common case, without option parsing. An overwrite nobody hears of by the key's
    // name (no keyspace events either) is done by the key's bytes.
    if (ctx.engine.config.notifyKeyspaceEvents === '' && ctx.db.overwriteBytes(ctx.argv[1]!, ctx.argv[2]!)) {
      ctx.reply.ok();
      return;
    }
    // The lookup expires a stale key first, as Redis's lookupKeyWrite does (its DEL is
    // logged before this SET).
    const key = latin1(ctx.argv[1]!);
    if (ctx.db.expires.size > 0) ctx.db.lookupStored(key, ctx.nowMs);
    ctx.db.setBytes(key, ctx.argv[2]!);
    notify(ctx, NotifyType.string, 'set', key);
    ctx.reply.ok();
    return;
  }
  const a = parseExtendedArgs(ctx, true);
  if (a === null) return;
  setGeneric(ctx, a.flags, a.expire, 'set', null, null);
}

function setnxCommand(ctx: CommandContext): void {
  setGeneric(ctx, NX, null, 'setnx', replyOne, replyZero);
}

/** SETEX key seconds value: arguments 2 and 3 swap roles with SET's. */
function setexCommand(ctx: CommandContext): void {
  setexGeneric(ctx, EX, 'setex');
}

function psetexCommand(ctx: CommandContext): void {
  setexGeneric(ctx, PX, 'psetex');
}

function setexGeneric(ctx: CommandContext, flags: number, command: string): void {
  const argv = ctx.argv;
  const key = argv[1]!;
  const ms = expireAbsMs(ctx, argv[2]!, flags, command);
  if (ms === null) return;
  const k = latin1(key);
  ctx.db.setBytes(k, argv[3]!);
  notify(ctx, NotifyType.string, 'set', k);
  ctx.db.setExpire(k, Number(ms));
  notify(ctx, NotifyType.generic, 'expire', k);
  ctx.propagate(['SET', key, argv[3]!, 'PXAT', ms.toString()]);
  ctx.reply.ok();
}

function getCommand(ctx: CommandContext): void {
  getGeneric(ctx);
}

function getexCommand(ctx: CommandContext): void {
  const a = parseExtendedArgs(ctx, false);
  if (a === null) return;
  const keyBuf = ctx.argv[1]!;
  const key = latin1(keyBuf);
  const v = lookupKeyReadStored(ctx, key);
  if (v === undefined) {
    ctx.reply.nil();
    return;
  }
  if (typeof v === 'object') {
    ctx.reply.error(errors.wrongType);
    return;
  }
  let ms = 0n;
  if (a.expire !== null) {
    const r = expireAbsMs(ctx, a.expire, a.flags, 'getex');
    if (r === null) return;
    ms = r;
  }
  replyString(ctx, v);
  if ((a.flags & (PXAT | EXAT)) && ms <= BigInt(ctx.nowMs)) {
    // An absolute time already past deletes the key (checkAlreadyExpired).
    ctx.db.delete(key);
    ctx.propagate([ctx.engine.config.lazyfreeLazyExpire ? 'UNLINK' : 'DEL', keyBuf]);
    notify(ctx, NotifyType.generic, 'del', key);
  } else if (a.expire !== null) {
    ctx.db.setExpire(key, Number(ms));
    ctx.propagate(['PEXPIREAT', keyBuf, ms.toString()]);
    notify(ctx, NotifyType.generic, 'expire', key);
  } else if (a.flags & PERSIST) {
    if (ctx.db.persist(key)) {
      ctx.propagate(['PERSIST', keyBuf]);
      notify(ctx, NotifyType.generic, 'persist', key);
    }
  }
}

function getdelCommand(ctx: CommandContext): void {
  if (!getGeneric(ctx)) return;
  const keyBuf = ctx.argv[1]!;
  if (ctx.db.delete(latin1(keyBuf))) {
    ctx.propagate([ctx.engine.config.lazyfreeLazyUserDel ? 'UNLINK' : 'DEL', keyBuf]);
    notify(ctx, NotifyType.generic, 'del', keyBuf);
  }
}

function getsetCommand(ctx: CommandContext): void {
  if (!getGeneric(ctx)) return;
  const argv = ctx.argv;
  ctx.db.setBytes(latin1(argv[1]!), argv[2]!);
  notify(ctx, NotifyType.string, 'set', argv[1]!);
  ctx.propagate(['SET', argv[1]!, argv[2]!]);
}

function mgetCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  ctx.reply.array(argv.length - 1);
  for (let j = 1; j < argv.length; j++) {
    const v = lookupKeyReadStored(ctx, latin1(argv[j]!));
    if (v !== undefined && typeof v !== 'object') replyString(ctx, v);
    else ctx.reply.nil();
  }
}

function msetGeneric(ctx: CommandContext, nx: boolean, command: string): void {
  const argv = ctx.argv;
  if (argv.length % 2 === 0) {
    ctx.reply.error(`ERR wrong number of arguments for '${command}' command`);
    return;
  }
  if (nx) {
    for (let j = 1; j < argv.length; j += 2) {
      if (ctx.db.lookupStored(latin1(argv[j]!), ctx.nowMs) !== undefined) {
        ctx.reply.int(0);
        return;
      }
    }
  }
  for (let j = 1; j < argv.length; j += 2) {
    ctx.db.setBytes(latin1(argv[j]!), argv[j + 1]!);
    notify(ctx, NotifyType.string, 'set', argv[j]!);
  }
  if (nx) ctx.reply.int(1);
  else ctx.reply.ok();
}

function msetCommand(ctx: CommandContext): void {
  msetGeneric(ctx, false, 'mset');
}

function msetnxCommand(ctx: CommandContext): void {
  msetGeneric(ctx, true, 'msetnx');
}

// --- Byte-level commands -----------------------------------------------------------------------

/** True for a value the byte commands read as a string (a latin1 string or its write buffer). */
function isStringValue(v: RValue | StringBuffer): v is string | StringBuffer {
  return typeof v === 'string' || v instanceof StringBuffer;
}

/**
 * Writes `bytes` at `offset` of existing string key (old length `oldLength`), zero-filling
 * any gap, as Redis's dbUnshareStringValue + sdsgrowzero/sdscatlen + memcpy do: in place
 * through the key's write buffer when the value already has one or the result is at least
 * stringInPlaceBytesMin bytes, else by rebuilding the small string. Records the sds size
 * Redis's greedy sdsMakeRoomFor grows it to (MEMORY USAGE); the key reads as 'raw'.
 * Returns the new length.
 */
function writeStringBytes(ctx: CommandContext, key: string, v: string | StringBuffer, offset: number, bytes: Buffer): number {
  const oldLength = v.length;
  const length = Math.max(oldLength, offset + bytes.length);
  const size = sdsGrow(storedSds(ctx.db.rawStringSize(key), oldLength), length);
  if (v instanceof StringBuffer || length >= stringInPlaceBytesMin) {
    const sb = ctx.db.stringBuffer(key);
    sb.ensureLength(length);
    bytes.copy(sb.buf, offset);
    ctx.db.stringBufferWritten(key);
  } else {
    const value = latin1(bytes);
    let next: string;
    if (offset === oldLength) next = v + value;
    else if (offset > oldLength) next = v + '\0'.repeat(offset - oldLength) + value;
    else if (offset + bytes.length >= oldLength) next = v.slice(0, offset) + value;
    else next = v.slice(0, offset) + value + v.slice(offset + bytes.length);
    ctx.db.overwrite(key, next);
  }
  ctx.db.setRawStringSize(key, size);
  return length;
}

function appendCommand(ctx: CommandContext): void {
  const key = latin1(ctx.argv[1]!);
  const add = ctx.argv[2]!;
  const v = ctx.db.lookupBytes(key, ctx.nowMs);
  if (v === undefined) {
    ctx.db.set(key, latin1(add));
    notify(ctx, NotifyType.string, 'append', key);
    ctx.reply.int(add.length);
    return;
  }
  if (!isStringValue(v)) {
    ctx.reply.error(errors.wrongType);
    return;
  }
  if (!checkStringLength(ctx, v.length, add.length)) return;
  const length = writeStringBytes(ctx, key, v, v.length, add);
  notify(ctx, NotifyType.string, 'append', key);
  ctx.reply.int(length);
}

function strlenCommand(ctx: CommandContext): void {
  const v = lookupKeyReadStored(ctx, latin1(ctx.argv[1]!));
  if (v === undefined) {
    ctx.reply.int(0);
    return;
  }
  if (typeof v === 'object') {
    ctx.reply.error(errors.wrongType);
    return;
  }
  ctx.reply.int(typeof v === 'number' ? ctx.keyspace.slab.length(v) : v.length);
}

/** GETRANGE and SUBSTR (same handler in Redis). Offsets are int64; Number keeps their order. */
function getrangeCommand(ctx: CommandContext): void {
  const s = string2ll(latin1(ctx.argv[2]!));
  const e = s === null ? null : string2ll(latin1(ctx.argv[3]!));
  if (s === null || e === null) {
    ctx.reply.error(errors.notInteger);
    return;
  }
  let start = Number(s);
  let end = Number(e);
  const v = lookupKeyRead(ctx, latin1(ctx.argv[1]!));
  if (v === undefined) {
    ctx.reply.bulkLatin1('');
    return;
  }
  if (typeof v !== 'string') {
    ctx.reply.error(errors.wrongType);
    return;
  }
  const len = v.length;
  if (start < 0 && end < 0 && start > end) {
    ctx.reply.bulkLatin1('');
    return;
  }
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len === 0) ctx.reply.bulkLatin1('');
  else ctx.reply.bulkLatin1(v.slice(start, end + 1));
}

function substrCommand(ctx: CommandContext): void {
  getrangeCommand(ctx);
}

function setrangeCommand(ctx: CommandContext): void {
  const o = string2ll(latin1(ctx.argv[2]!));
  if (o === null) {
    ctx.reply.error(errors.notInteger);
    return;
  }
  if (o < 0n) {
    ctx.reply.error('ERR offset is out of range');
    return;
  }
  const offset = Number(o);
  const key = latin1(ctx.argv[1]!);
  const value = ctx.argv[3]!;
  const v = ctx.db.lookupBytes(key, ctx.nowMs);
  if (v === undefined) {
    if (value.length === 0) {
      ctx.reply.int(0);
      return;
    }
    if (!checkStringLength(ctx, offset, value.length)) return;
    // A new key is sdsnewlen-exact (createObject), zeros then the value.
    ctx.db.set(key, '\0'.repeat(offset) + latin1(value));
    ctx.db.markRawString(key);
    notify(ctx, NotifyType.string, 'setrange', key);
    ctx.reply.int(offset + value.length);
    return;
  }
  if (!isStringValue(v)) {
    ctx.reply.error(errors.wrongType);
    return;
  }
  if (value.length === 0) {
    ctx.reply.int(v.length);
    return;
  }
  if (!checkStringLength(ctx, offset, value.length)) return;
  const length = writeStringBytes(ctx, key, v, offset, value);
  notify(ctx, NotifyType.string, 'setrange', key);
  ctx.reply.int(length);
}

// --- Counters --------------------------------------------------------------------------------

/** Redis's incrDecrCommand: `incr` is a safe integer (fast path) or a bigint. */
function incrDecr(ctx: CommandContext, incr: number | bigint): void {
  const key = latin1(ctx.argv[1]!);
  const v = ctx.db.lookup(key, ctx.nowMs);
  if (v !== undefined && typeof v !== 'string') {
    ctx.reply.error(errors.wrongType);
    return;
  }
  let result: number | bigint;
  if (v === undefined) {
    result = incr;
  } else {
    const fast = typeof incr === 'number' ? string2safeInt(v) : null;
    if (fast !== null && typeof incr === 'number' && Number.isSafeInteger(fast + incr)) {
      result = fast + incr;
    } else {
      const old = string2ll(v);
      if (old === null) {
        ctx.reply.error(errors.notInteger);
        return;
      }
      const by = BigInt(incr);
      const sum = old + by;
      if (sum > int64Max || sum < int64Min) {
        ctx.reply.error(errors.overflow);
        return;
      }
      result = sum;
    }
  }
  const text = String(result);
  if (v === undefined) ctx.db.set(key, text);
  else ctx.db.overwrite(key, text);
  notify(ctx, NotifyType.string, 'incrby', key);
  ctx.reply.int(result);
}

function incrCommand(ctx: CommandContext): void {
  incrDecr(ctx, 1);
}

function decrCommand(ctx: CommandContext): void {
  incrDecr(ctx, -1);
}

/** The increment as a safe number when it is one, else as a bigint; null if not int64. */
function parseIncrement(buf: Buffer): number | bigint | null {
  const v = string2ll(latin1(buf));
  if (v === null) return null;
  return v <= 9007199254740991n && v >= -9007199254740991n ? Number(v) : v;
}

function incrbyCommand(ctx: CommandContext): void {
  const by = parseIncrement(ctx.argv[2]!);
  if (by === null) {
    ctx.reply.error(errors.notInteger);
    return;
  }
  incrDecr(ctx, by);
}

function decrbyCommand(ctx: CommandContext): void {
  const by = parseIncrement(ctx.argv[2]!);
  if (by === null) {
    ctx.reply.error(errors.notInteger);
    return;
  }
  if (by === int64Min) {
    ctx.reply.error('ERR decrement would overflow');
    return;
  }
  incrDecr(ctx, -by);
}

/** INCRBYFLOAT in 80-bit long double, as Redis (see long-double.ts); logged as SET ... KEEPTTL. */
function incrbyfloatCommand(ctx: CommandContext): void {
  const keyBuf = ctx.argv[1]!;
  const key = latin1(keyBuf);
  const v = ctx.db.lookup(key, ctx.nowMs);
  if (v !== undefined && typeof v !== 'string') {
    ctx.reply.error(errors.wrongType);
    return;
  }
  const value = v === undefined ? { neg: false, m: 0n, e: 0 } : parseLongDouble(v);
  const incr = value === null ? null : parseLongDouble(latin1(ctx.argv[2]!));
  if (value === null || incr === null) {
    ctx.reply.error(errors.notFloat);
    return;
  }
  const sum = addLongDouble(value, incr);
  if (typeof sum === 'string') {
    ctx.reply.error('ERR increment would produce NaN or Infinity');
    return;
  }
  const text = formatLongDoubleHuman(sum);
  if (v === undefined) ctx.db.set(key, text);
  else ctx.db.overwrite(key, text);
  notify(ctx, NotifyType.string, 'incrbyfloat', key);
  ctx.reply.bulkLatin1(text);
  ctx.propagate(['SET', keyBuf, text, 'KEEPTTL']);
}

// --- LCS ---------------------------------------------------------------------------------------

function lcsCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  const va = lookupKeyRead(ctx, latin1(argv[1]!));
  const vb = lookupKeyRead(ctx, latin1(argv[2]!));
  if ((va !== undefined && typeof va !== 'string') || (vb !== undefined && typeof vb !== 'string')) {
    ctx.reply.error('ERR The specified keys must contain string values');
    return;
  }
  const a = va ?? '';
  const b = vb ?? '';
  let getIdx = false;
  let getLen = false;
  let withMatchLen = false;
  let minMatchLen = 0n;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!;
    const moreArgs = argv.length - 1 - j;
    if (eqi(opt, 'idx')) {
      getIdx = true;
    } else if (eqi(opt, 'len')) {
      getLen = true;
    } else if (eqi(opt, 'withmatchlen')) {
      withMatchLen = true;
    } else if (eqi(opt, 'minmatchlen') && moreArgs > 0) {
      const n = string2ll(latin1(argv[j + 1]!));
      if (n === null) {
        ctx.reply.error(errors.notInteger);
        return;
      }
      minMatchLen = n < 0n ? 0n : n;
      j++;
    } else {
      ctx.reply.error(errors.syntax);
      return;
    }
  }
  if (getIdx && getLen) {
    ctx.reply.error('ERR If you want both the length and indexes, please just use IDX.');
    return;
  }
  if (lcsTableBytes(a.length, b.length) > ctx.engine.config.protoMaxBulkLen) {
    ctx.reply.error('ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len');
    return;
  }
  const minLen = minMatchLen > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(minMatchLen);
  const r = computeLcs(a, b, getIdx || !getLen, minLen);
  const reply = ctx.reply;
  if (getIdx) {
    reply.map(2);
    reply.bulkLatin1('matches');
    reply.array(r.ranges.length);
    for (const m of r.ranges) {
      reply.array(withMatchLen ? 3 : 2);
      reply.array(2);
      reply.int(m.aStart);
      reply.int(m.aEnd);
      reply.array(2);
      reply.int(m.bStart);
      reply.int(m.bEnd);
      if (withMatchLen) reply.int(m.aEnd - m.aStart + 1);
    }
    reply.bulkLatin1('len');
    reply.int(r.length);
  } else if (getLen) {
    reply.int(r.length);
  } else {
    reply.bulkLatin1(r.subsequence);
  }
}

// --- The table (Redis 7.0's src/commands/*.json, as COMMAND INFO / DOCS report them) ----------

export const stringCommands: readonly CommandSpec[] = [
  { name: 'get', arity: 2, flags: ['readonly', 'fast'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['read', 'string', 'fast'], group: 'string', since: '1.0.0', complexity: 'O(1)', summary: 'Get the value of a key', handler: getCommand },
  { name: 'set', arity: -3, flags: ['write', 'denyoom'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['write', 'string', 'slow'], group: 'string', since: '1.0.0', complexity: 'O(1)', summary: 'Set the string value of a key', handler: setCommand },
  { name: 'setnx', arity: 3, flags: ['write', 'denyoom', 'fast'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['write', 'string', 'fast'], group: 'string', since: '1.0.0', complexity: 'O(1)', summary: 'Set the value of a key, only if the key does not exist', handler: setnxCommand },
  { name: 'setex', arity: 4, flags: ['write', 'denyoom'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['write', 'string', 'slow'], group: 'string', since: '2.0.0', complexity: 'O(1)', summary: 'Set the value and expiration of a key', handler: setexCommand },
  { name: 'psetex', arity: 4, flags: ['write', 'denyoom'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['write', 'string', 'slow'], group: 'string', since: '2.6.0', complexity: 'O(1)', summary: 'Set the value and expiration in milliseconds of a key', handler: psetexCommand },
  { name: 'mget', arity: -2, flags: ['readonly', 'fast'], firstKey: 1, lastKey: -1, keyStep: 1, categories: ['read', 'string', 'fast'], group: 'string', since: '1.0.0', complexity: 'O(N) where N is the number of keys to retrieve.', summary: 'Get the values of all the given keys', handler: mgetCommand },
  { name: 'mset', arity: -3, flags: ['write', 'denyoom'], firstKey: 1, lastKey: -1, keyStep: 2, categories: ['write', 'string', 'slow'], group: 'string', since: '1.0.1', complexity: 'O(N) where N is the number of keys to set.', summary: 'Set multiple keys to multiple values', handler: msetCommand },
  { name: 'msetnx', arity: -3, flags: ['write', 'denyoom'], firstKey: 1, lastKey: -1, keyStep: 2, categories: ['write', 'string', 'slow'], group: 'string', since: '1.0.1', complexity: 'O(N) where N is the number of keys to set.', summary: 'Set multiple keys to multiple values, only if none of the keys exist', handler: msetnxCommand },
  { name: 'getset', arity: 3, flags: ['write', 'denyoom', 'fast'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['write', 'string', 'fast'], group: 'string', since: '1.0.0', complexity: 'O(1)', summary: 'Set the string value of a key and return its old value', handler: getsetCommand },
  { name: 'getdel', arity: 2, flags: ['write', 'fast'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['write', 'string', 'fast'], group: 'string', since: '6.2.0', complexity: 'O(1)', summary: 'Get the value of a key and delete the key', handler: getdelCommand },
  { name: 'getex', arity: -2, flags: ['write', 'fast'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['write', 'string', 'fast'], group: 'string', since: '6.2.0', complexity: 'O(1)', summary: 'Get the value of a key and optionally set its expiration', handler: getexCommand },
  { name: 'append', arity: 3, flags: ['write', 'denyoom', 'fast'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['write', 'string', 'fast'], group: 'string', since: '2.0.0', complexity: 'O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation.', summary: 'Append a value to a key', handler: appendCommand },
  { name: 'strlen', arity: 2, flags: ['readonly', 'fast'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['read', 'string', 'fast'], group: 'string', since: '2.2.0', complexity: 'O(1)', summary: 'Get the length of the value stored in a key', handler: strlenCommand },
  { name: 'getrange', arity: 4, flags: ['readonly'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['read', 'string', 'slow'], group: 'string', since: '2.4.0', complexity: 'O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.', summary: 'Get a substring of the string stored at a key', handler: getrangeCommand },
  { name: 'setrange', arity: 4, flags: ['write', 'denyoom'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['write', 'string', 'slow'], group: 'string', since: '2.2.0', complexity: 'O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument.', summary: 'Overwrite part of a string at key starting at the specified offset', handler: setrangeCommand },
  { name: 'substr', arity: 4, flags: ['readonly'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['read', 'string', 'slow'], group: 'string', since: '1.0.0', complexity: 'O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.', summary: 'Get a substring of the string stored at a key', handler: substrCommand },
  { name: 'incr', arity: 2, flags: ['write', 'denyoom', 'fast'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['write', 'string', 'fast'], group: 'string', since: '1.0.0', complexity: 'O(1)', summary: 'Increment the integer value of a key by one', handler: incrCommand },
  { name: 'decr', arity: 2, flags: ['write', 'denyoom', 'fast'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['write', 'string', 'fast'], group: 'string', since: '1.0.0', complexity: 'O(1)', summary: 'Decrement the integer value of a key by one', handler: decrCommand },
  { name: 'incrby', arity: 3, flags: ['write', 'denyoom', 'fast'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['write', 'string', 'fast'], group: 'string', since: '1.0.0', complexity: 'O(1)', summary: 'Increment the integer value of a key by the given amount', handler: incrbyCommand },
  { name: 'decrby', arity: 3, flags: ['write', 'denyoom', 'fast'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['write', 'string', 'fast'], group: 'string', since: '1.0.0', complexity: 'O(1)', summary: 'Decrement the integer value of a key by the given number', handler: decrbyCommand },
  { name: 'incrbyfloat', arity: 3, flags: ['write', 'denyoom', 'fast'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['write', 'string', 'fast'], group: 'string', since: '2.6.0', complexity: 'O(1)', summary: 'Increment the float value of a key by the given amount', handler: incrbyfloatCommand },
  { name: 'lcs', arity: -3, flags: ['readonly'], firstKey: 1, lastKey: 2, keyStep: 1, categories: ['read', 'string', 'slow'], group: 'string', since: '7.0.0', complexity: 'O(N*M) where N and M are the lengths of s1 and s2, respectively', summary: 'Find longest common substring', handler: lcsCommand },
];
