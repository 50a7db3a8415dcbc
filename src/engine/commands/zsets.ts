// Sorted-set commands (engine worker): Redis 7.0's t_zset.c handlers over RZSet
// (src/engine/types/zset.ts) and the blocked-client machinery (src/engine/blocking.ts).
//
// Order of checks, as t_zset.c (it decides which error a client sees first): ZADD parses
// its flags, the pair count, flag conflicts, then every score, then looks the key up;
// range commands (ZRANGE family, ZCOUNT, ZLEXCOUNT, ZREMRANGEBY*) parse their options
// and range before the lookup; ZUNION/ZINTER/ZDIFF look every key up (WRONGTYPE) before
// parsing WEIGHTS/AGGREGATE/WITHSCORES/LIMIT; ZPOPMIN/MAX parse a count before the
// lookup and answer a count of 0 after it; ZRANDMEMBER parses the count, WITHSCORES,
// then looks up; ZMPOP/BZMPOP parse numkeys, MIN|MAX and COUNT before the timeout.
//
// Scores: ZADD/ZINCRBY/WEIGHTS use getDoubleFromObject (strtod over the whole argument,
// no leading space, overflow and underflow-to-zero refused, no NaN); ranges use
// zslParseRange (strtod up to the first NUL: leading spaces and "" are accepted, overflow
// gives inf). Replies format doubles with reply.double (7.0's %.17g); ZSCAN writes
// scores as bulk strings in the same format.
//
// Effects, as 7.0 propagates them: ZMPOP and an immediate BZMPOP log `ZPOPMIN|ZPOPMAX key
// count`; an immediate BZPOPMIN/BZPOPMAX logs `ZPOPMIN|ZPOPMAX key`; a client served after
// blocking logs the same in its own record. Everything else is deterministic and logged
// as sent (ZADD INCR included: the same doubles give the same sum).
//
// Invariants: no handler mutates before all its arguments are validated; a sorted set
// left empty is deleted in the same command; every in-place change is followed by
// ctx.db.touched(key).

import { errors, eqi, latin1, string2ld, string2ll } from '../args.js';
import { blockingTimeoutOrReply, type Blocking } from '../blocking.js';
import type { CommandContext, CommandSpec } from '../command.js';
import type { CommandSpecExtras } from '../command-table.js';
import type { Engine } from '../engine.js';
import { globMatch } from '../glob.js';
import { notify, NotifyType } from '../notify.js';
import type { Db } from '../keyspace.js';
import { formatDouble, type ReplyWriter } from '../reply.js';
import { RSet } from '../types/set.js';
import { NIL } from '../types/znodes.js';
import type { ZTree } from '../types/ztree.js';
import { LexRange, lexMax, lexMin, type LexBound, RZSet, ScoreRange } from '../types/zset.js';
import { parseScanCursor, parseScanOptions, replyEmptyScan, scanStart, uniqueRandomIndexes } from './hashes.js';
import { lookupKeyRead } from './strings.js';

type Spec = CommandSpec & CommandSpecExtras;

const longMax = 9223372036854775807n;
const nanError = 'ERR resulting score is not a number (NaN)';
const scoreRangeError = 'ERR min or max is not a float';
const lexRangeError = 'ERR min or max not valid string range item';

// --- Lookups -------------------------------------------------------------------------------

/** The sorted set at key for reading (a hit or miss is counted); WRONGTYPE replied -> null. */
function zsetRead(ctx: CommandContext, key: string): RZSet | undefined | null {
  const v = lookupKeyRead(ctx, key);
  if (v === undefined) return undefined;
  if (!(v instanceof RZSet)) {
    ctx.reply.error(errors.wrongType);
    return null;
  }
  return v;
}

/** The sorted set at key for writing; WRONGTYPE replied -> null. */
function zsetWrite(ctx: CommandContext, key: string): RZSet | undefined | null {
  const v = ctx.db.lookup(key, ctx.nowMs);
  if (v === undefined) return undefined;
  if (!(v instanceof RZSet)) {
    ctx.reply.error(errors.wrongType);
    return null;
  }
  return v;
}

/** Deletes the key if its set became empty, else signals the in-place change. */
function afterRemove(db: Db, key: string, z: RZSet): void {
  if (z.size === 0) db.delete(key);
  else db.touched(key);
}

/** After elements left key: the sorted-set event, then "del" if the key went (as t_zset.c). */
function notifyRemoved(ctx: CommandContext, event: string, key: string, z: RZSet): void {
  notify(ctx, NotifyType.zset, event, key);
  if (z.size === 0) notify(ctx, NotifyType.generic, 'del', key);
}

// --- Argument parsing ------------------------------------------------------------------------

/** C string view of an argument: bytes up to its first NUL (what strtod/strcasecmp see). */
function cString(buf: Buffer): string {
  const nul = buf.indexOf(0);
  return latin1(nul < 0 ? buf : buf.subarray(0, nul));
}

const floatRe = /^[+-]?(?:inf(?:inity)?|nan|0x(?:[0-9a-f]+\.?[0-9a-f]*|\.[0-9a-f]+)(?:p[+-]?\d+)?|(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)$/i;

/**
 * Redis's getDoubleFromObject: strtod over the whole argument, not empty, no leading
 * space, no NaN, and no ERANGE overflow (to +-HUGE_VAL) or underflow to zero.
 */
export function parseStrictDouble(buf: Buffer): number | null {
  // Fast path: an optional sign and 1 to 15 decimal digits (redis-benchmark's scores and
  // most clients'), read from the bytes without a string: such an integer is exact as a
  // double, so it is what strtod returns (leading zeros included; "-0" is -0).
  const n = buf.length;
  if (n > 0 && n <= 16) {
    const c0 = buf[0]!;
    let i = c0 === 45 || c0 === 43 ? 1 : 0;
    if (i < n && n - i <= 15) {
      let v = 0;
      for (; i < n; i++) {
        const d = buf[i]! - 48;
        if (d < 0 || d > 9) break;
        v = v * 10 + d;
      }
      if (i === n) return c0 === 45 ? -v : v;
    }
  }
  const s = latin1(buf);
  if (s.length === 0) return null;
  const c0 = s.charCodeAt(0);
  if (c0 === 32 || (c0 >= 9 && c0 <= 13)) return null;
  if (!floatRe.test(s)) return null;
  const v = string2ld(s);
  if (v === null || Number.isNaN(v)) return null;
  const lower = s.toLowerCase();
  const isInfLiteral = lower.includes('inf');
  if (!Number.isFinite(v) && !isInfLiteral) return null;
  if (v === 0 && !isInfLiteral && hasNonZeroMantissa(lower)) return null;
  return v;
}

function hasNonZeroMantissa(lower: string): boolean {
  const hex = lower.includes('0x');
  let body = lower.replace(/^[+-]/, '');
  if (hex) body = body.slice(2).split('p')[0]!;
  else body = body.split('e')[0]!;
  return /[1-9a-f]/.test(hex ? body : body.replace(/[a-f]/g, ''));
}

/** The double a ZADD/ZINCRBY score names, or null after "value is not a valid float". */
function scoreOrReply(ctx: CommandContext, buf: Buffer, msg: string = errors.notFloat): number | null {
  const v = parseStrictDouble(buf);
  if (v === null) ctx.reply.error(msg);
  return v;
}

/** C's strtod used as zslParseRange uses it: null unless it consumes the whole C string. */
function rangeStrtod(s: string): number | null {
  if (s.length === 0) return 0; // no conversion: eptr at the (empty) end
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 32 || (c >= 9 && c <= 13)) i++;
    else break;
  }
  const rest = s.slice(i);
  if (rest.length === 0 || !floatRe.test(rest)) return null;
  const v = string2ld(rest);
  if (v === null || Number.isNaN(v)) return null;
  return v;
}

/** Redis's zslParseRange: null when either end is not a float. */
export function parseScoreRange(minBuf: Buffer, maxBuf: Buffer): ScoreRange | null {
  const min = cString(minBuf);
  const max = cString(maxBuf);
  const minex = min.charCodeAt(0) === 40; // '('
  const maxex = max.charCodeAt(0) === 40;
  const a = rangeStrtod(minex ? min.slice(1) : min);
  const b = rangeStrtod(maxex ? max.slice(1) : max);
  if (a === null || b === null) return null;
  return new ScoreRange(a, minex, b, maxex);
}

/** Redis's zslParseLexRangeItem: [x, (x, - or +. */
function parseLexItem(buf: Buffer): { bound: LexBound; ex: boolean } | null {
  if (buf.length === 0) return null;
  const c = buf[0]!;
  if (c === 43 || c === 45) {
    // '+' / '-' alone (C string: a NUL may follow).
    if (buf.length > 1 && buf[1] !== 0) return null;
    return { bound: c === 43 ? lexMax : lexMin, ex: true };
  }
  if (c === 40) return { bound: latin1(buf.subarray(1)), ex: true };
  if (c === 91) return { bound: latin1(buf.subarray(1)), ex: false };
  return null;
}

export function parseLexRange(minBuf: Buffer, maxBuf: Buffer): LexRange | null {
  const a = parseLexItem(minBuf);
  const b = parseLexItem(maxBuf);
  if (a === null || b === null) return null;
  return new LexRange(a.bound, a.ex, b.bound, b.ex);
}

/** getLongFromObjectOrReply: a long as a JS number (clamped magnitudes are harmless here). */
function longOrReply(ctx: CommandContext, buf: Buffer): number | null {
  const v = string2ll(latin1(buf));
  if (v === null) {
    ctx.reply.error(errors.notInteger);
    return null;
  }
  return Number(v);
}

/** getRangeLongFromObjectOrReply(min, max, msg): msg replaces both errors when given. */
function rangeLongOrReply(ctx: CommandContext, buf: Buffer, min: bigint, max: bigint, msg?: string): number | null {
  const v = string2ll(latin1(buf));
  if (v === null) {
    ctx.reply.error(msg ?? errors.notInteger);
    return null;
  }
  if (v < min || v > max) {
    ctx.reply.error(msg ?? `ERR value is out of range, value must between ${min} and ${max}`);
    return null;
  }
  return Number(v);
}

// --- Replies ------------------------------------------------------------------------------------

/** One element with its score: [m, s] nested in RESP3, flat in RESP2; the member alone without scores. */
function replyElement(out: ReplyWriter, member: string, score: number, withScores: boolean): void {
  if (withScores && out.resp === 3) out.array(2);
  out.bulkLatin1(member);
  if (withScores) out.double(score);
}

function elementsHeader(out: ReplyWriter, count: number, withScores: boolean): void {
  out.array(withScores && out.resp === 2 ? count * 2 : count);
}

// --- ZADD / ZINCRBY -----------------------------------------------------------------------------

function zaddGeneric(ctx: CommandContext, incrCommand: boolean): void {
  const argv = ctx.argv;
  let nx = false;
  let xx = false;
  let ch = false;
  let incr = incrCommand;
  let gt = false;
  let lt = false;
  let scoreIdx = 2;
  for (; scoreIdx < argv.length; scoreIdx++) {
    const opt = argv[scoreIdx]!;
    if (eqi(opt, 'nx')) nx = true;
    else if (eqi(opt, 'xx')) xx = true;
    else if (eqi(opt, 'ch')) ch = true;
    else if (eqi(opt, 'incr')) incr = true;
    else if (eqi(opt, 'gt')) gt = true;
    else if (eqi(opt, 'lt')) lt = true;
    else break;
  }
  let elements = argv.length - scoreIdx;
  if (elements % 2 !== 0 || elements === 0) {
    ctx.reply.error(errors.syntax);
    return;
  }
  elements /= 2;
  if (nx && xx) {
    ctx.reply.error('ERR XX and NX options at the same time are not compatible');
    return;
  }
  if ((gt && nx) || (lt && nx) || (gt && lt)) {
    ctx.reply.error('ERR GT, LT, and/or NX options at the same time are not compatible');
    return;
  }
  if (incr && elements > 1) {
    ctx.reply.error('ERR INCR option supports a single increment-element pair');
    return;
  }
  const scores: number[] = [];
  for (let j = 0; j < elements; j++) {
    const s = scoreOrReply(ctx, argv[scoreIdx + 2 * j]!);
    if (s === null) return;
    scores.push(s);
  }
  const key = latin1(argv[1]!);
  let z = zsetWrite(ctx, key);
  if (z === null) return;
  let added = 0;
  let updated = 0;
  let processed = 0;
  let score = 0;
  if (z === undefined && xx) {
    replyZadd(ctx, incr, processed, score, ch ? added + updated : added);
    return;
  }
  const created = z === undefined;
  if (z === undefined) z = new RZSet(true);
  const limits = ctx.engine.config;
  for (let j = 0; j < elements; j++) {
    const member = latin1(argv[scoreIdx + 2 * j + 1]!);
    let s = scores[j]!;
    const id = z.sl.idOf(member);
    if (id !== NIL) {
      if (nx) continue;
      const cur = z.sl.scoreOf(id);
      if (incr) {
        s += cur;
        if (Number.isNaN(s)) {
          // Nothing changed yet (INCR takes one pair on an existing member): the error is the whole reply.
          ctx.reply.error(nanError);
          return;
        }
      }
      if ((lt && s >= cur) || (gt && s <= cur)) continue;
      processed++;
      score = s;
      if (s !== cur) {
        z.updateId(id, s);
        updated++;
      }
    } else if (!xx) {
      z.insert(member, s, limits);
      added++;
      processed++;
      score = s;
    }
  }
  if (created) {
    if (z.size > 0) ctx.db.set(key, z);
  } else if (added + updated > 0) {
    ctx.db.touched(key);
  }
  replyZadd(ctx, incr, processed, score, ch ? added + updated : added);
  if (added + updated > 0) notify(ctx, NotifyType.zset, incr ? 'zincr' : 'zadd', key);
}

function replyZadd(ctx: CommandContext, incr: boolean, processed: number, score: number, count: number): void {
  if (incr) {
    if (processed > 0) ctx.reply.double(score);
    else ctx.reply.nil();
  } else {
    ctx.reply.int(count);
  }
}

// --- Single-key reads and ZREM ---------------------------------------------------------------------

function zremCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  const key = latin1(argv[1]!);
  const z = zsetWrite(ctx, key);
  if (z === null) return;
  if (z === undefined) return void ctx.reply.int(0);
  let deleted = 0;
  for (let j = 2; j < argv.length; j++) {
    if (z.delete(latin1(argv[j]!))) {
      deleted++;
      if (z.size === 0) break;
    }
  }
  if (deleted > 0) {
    afterRemove(ctx.db, key, z);
    notifyRemoved(ctx, 'zrem', key, z);
  }
  ctx.reply.int(deleted);
}

function zcardCommand(ctx: CommandContext): void {
  const z = zsetRead(ctx, latin1(ctx.argv[1]!));
  if (z === null) return;
  ctx.reply.int(z?.size ?? 0);
}

function zscoreCommand(ctx: CommandContext): void {
  const z = zsetRead(ctx, latin1(ctx.argv[1]!));
  if (z === null) return;
  const s = z?.score(latin1(ctx.argv[2]!));
  if (s === undefined) ctx.reply.nil();
  else ctx.reply.double(s);
}

function zmscoreCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  const z = zsetRead(ctx, latin1(argv[1]!));
  if (z === null) return;
  ctx.reply.array(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const s = z?.score(latin1(argv[j]!));
    if (s === undefined) ctx.reply.nil();
    else ctx.reply.double(s);
  }
}

function zrankGeneric(ctx: CommandContext, reverse: boolean): void {
  const z = zsetRead(ctx, latin1(ctx.argv[1]!));
  if (z === null) return;
  const rank = z === undefined ? -1 : z.rank(latin1(ctx.argv[2]!));
  if (rank < 0) ctx.reply.nil();
  else ctx.reply.int(reverse ? z!.size - 1 - rank : rank);
}

/** Elements of z in range r (Redis's ZCOUNT/ZLEXCOUNT: rank of the last minus rank of the first). */
function countInRange(z: RZSet, r: ScoreRange | LexRange): number {
  const first = z.sl.firstInRange(r);
  if (first === NIL) return 0;
  const last = z.sl.lastInRange(r);
  return z.sl.rankOf(last) - z.sl.rankOf(first) + 1;
}

function zcountGeneric(ctx: CommandContext, lex: boolean): void {
  const argv = ctx.argv;
  const r = lex ? parseLexRange(argv[2]!, argv[3]!) : parseScoreRange(argv[2]!, argv[3]!);
  if (r === null) return void ctx.reply.error(lex ? lexRangeError : scoreRangeError);
  const z = zsetRead(ctx, latin1(argv[1]!));
  if (z === null) return;
  ctx.reply.int(z === undefined ? 0 : countInRange(z, r));
}

// --- ZRANGE and friends ---------------------------------------------------------------------------

/** Where a range's elements go: the client (Redis's zrangeResultHandler for replies) or a new key. */
interface RangeSink {
  begin(length: number): void;
  emit(member: string, score: number): void;
  finish(count: number): void;
}

class ClientSink implements RangeSink {
  private deferred = -1;
  constructor(
    private readonly out: ReplyWriter,
    private readonly withScores: boolean,
  ) {}
  begin(length: number): void {
    if (length > 0) elementsHeader(this.out, length, this.withScores);
    else this.deferred = this.out.beginDeferred();
  }
  emit(member: string, score: number): void {
    replyElement(this.out, member, score, this.withScores);
  }
  finish(count: number): void {
    if (this.deferred >= 0) this.out.endDeferred(this.deferred, this.withScores && this.out.resp === 2 ? count * 2 : count);
  }
}

class StoreSink implements RangeSink {
  private dst: RZSet | null = null;
  constructor(
    private readonly ctx: CommandContext,
    private readonly dstKey: string,
  ) {}
  begin(): void {
    this.dst = new RZSet(true);
  }
  emit(member: string, score: number): void {
    this.dst!.insert(member, score, this.ctx.engine.config);
  }
  finish(count: number): void {
    if (count > 0) {
      this.ctx.db.set(this.dstKey, this.dst!);
      this.ctx.reply.int(count);
      notify(this.ctx, NotifyType.zset, 'zrangestore', this.dstKey);
    } else {
      this.ctx.reply.int(0);
      if (this.ctx.db.delete(this.dstKey)) notify(this.ctx, NotifyType.generic, 'del', this.dstKey);
    }
  }
}

const enum RangeType {
  auto,
  rank,
  score,
  lex,
}

/**
 * Redis 7.0's zrangeGenericCommand: argv[argStart] is the source key, then min and max,
 * then options. `store` names the destination (ZRANGESTORE).
 */
function zrangeGeneric(ctx: CommandContext, argStart: number, dstKey: string | null, rangeType: RangeType, reverseFixed: boolean | null): void {
  const argv = ctx.argv;
  let minIdx = argStart + 1;
  let maxIdx = argStart + 2;
  let offset = 0;
  let limit = -1;
  let withScores = false;
  let reverse = reverseFixed;
  for (let j = argStart + 3; j < argv.length; j++) {
    const left = argv.length - j - 1;
    const opt = argv[j]!;
    if (dstKey === null && eqi(opt, 'withscores')) {
      withScores = true;
    } else if (eqi(opt, 'limit') && left >= 2) {
      const o = longOrReply(ctx, argv[j + 1]!);
      if (o === null) return;
      const l = longOrReply(ctx, argv[j + 2]!);
      if (l === null) return;
      offset = o;
      limit = l;
      j += 2;
    } else if (reverseFixed === null && reverse === null && eqi(opt, 'rev')) {
      reverse = true;
    } else if (rangeType === RangeType.auto && eqi(opt, 'bylex')) {
      rangeType = RangeType.lex;
    } else if (rangeType === RangeType.auto && eqi(opt, 'byscore')) {
      rangeType = RangeType.score;
    } else {
      return void ctx.reply.error(errors.syntax);
    }
  }
  const rev = reverse === true;
  if (rangeType === RangeType.auto) rangeType = RangeType.rank;
  if (limit !== -1 && rangeType === RangeType.rank) return void ctx.reply.error('ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX');
  if (withScores && rangeType === RangeType.lex) return void ctx.reply.error('ERR syntax error, WITHSCORES not supported in combination with BYLEX');
  if (rev && rangeType !== RangeType.rank) {
    const t = maxIdx;
    maxIdx = minIdx;
    minIdx = t;
  }
  let start = 0;
  let end = 0;
  let scoreRange: ScoreRange | null = null;
  let lexRange: LexRange | null = null;
  if (rangeType === RangeType.rank) {
    const a = longOrReply(ctx, argv[minIdx]!);
    if (a === null) return;
    const b = longOrReply(ctx, argv[maxIdx]!);
    if (b === null) return;
    start = a;
    end = b;
  } else if (rangeType === RangeType.score) {
    scoreRange = parseScoreRange(argv[minIdx]!, argv[maxIdx]!);
    if (scoreRange === null) return void ctx.reply.error(scoreRangeError);
  } else {
    lexRange = parseLexRange(argv[minIdx]!, argv[maxIdx]!);
    if (lexRange === null) return void ctx.reply.error(lexRangeError);
  }
  const key = latin1(argv[argStart]!);
  const sink: RangeSink = dstKey !== null ? new StoreSink(ctx, dstKey) : new ClientSink(ctx.reply, withScores);
  const v = lookupKeyRead(ctx, key);
  if (v === undefined) {
    if (dstKey !== null) {
      sink.begin(-1);
      sink.finish(0);
    } else {
      ctx.reply.array(0);
    }
    return;
  }
  if (!(v instanceof RZSet)) return void ctx.reply.error(errors.wrongType);
  if (rangeType === RangeType.rank) rangeByRank(v, sink, start, end, rev);
  else rangeByNodes(v, sink, scoreRange ?? lexRange!, offset, limit, rev);
}

/** Redis's genericZrangebyrankCommand. */
function rangeByRank(z: RZSet, sink: RangeSink, start: number, end: number, rev: boolean): void {
  const llen = z.size;
  if (start < 0) start = llen + start;
  if (end < 0) end = llen + end;
  if (start < 0) start = 0;
  if (start > end || start >= llen) {
    sink.begin(0);
    sink.finish(0);
    return;
  }
  if (end >= llen) end = llen - 1;
  const rangeLen = end - start + 1;
  sink.begin(rangeLen);
  const sl = z.sl;
  let id = sl.idAtRank(rev ? llen - 1 - start : start);
  for (let n = 0; n < rangeLen; n++) {
    sink.emit(sl.memberOf(id), sl.scoreOf(id));
    id = rev ? sl.prev(id) : sl.next(id);
  }
  sink.finish(rangeLen);
}

/** Redis's genericZrangebyscoreCommand / genericZrangebylexCommand (same walk). */
function rangeByNodes(z: RZSet, sink: RangeSink, r: ScoreRange | LexRange, offset: number, limit: number, rev: boolean): void {
  if (offset > 0 && offset >= z.size) {
    sink.begin(0);
    sink.finish(0);
    return;
  }
  sink.begin(-1);
  const sl = z.sl;
  let id = rev ? sl.lastInRange(r) : sl.firstInRange(r);
  // A negative offset skips everything, a negative limit means no limit (C's `while (x--)`).
  while (id !== NIL && offset-- !== 0) id = rev ? sl.prev(id) : sl.next(id);
  let count = 0;
  while (id !== NIL && limit-- !== 0) {
    if (rev ? !r.gteMin(sl, id) : !r.lteMax(sl, id)) break;
    sink.emit(sl.memberOf(id), sl.scoreOf(id));
    count++;
    id = rev ? sl.prev(id) : sl.next(id);
  }
  sink.finish(count);
}

// --- ZREMRANGEBY* ---------------------------------------------------------------------------------

function zremrangeGeneric(ctx: CommandContext, type: RangeType): void {
  const argv = ctx.argv;
  let start = 0;
  let end = 0;
  let r: ScoreRange | LexRange | null = null;
  if (type === RangeType.rank) {
    const a = longOrReply(ctx, argv[2]!);
    if (a === null) return;
    const b = longOrReply(ctx, argv[3]!);
    if (b === null) return;
    start = a;
    end = b;
  } else if (type === RangeType.score) {
    r = parseScoreRange(argv[2]!, argv[3]!);
    if (r === null) return void ctx.reply.error(scoreRangeError);
  } else {
    r = parseLexRange(argv[2]!, argv[3]!);
    if (r === null) return void ctx.reply.error(lexRangeError);
  }
  const key = latin1(argv[1]!);
  const z = zsetWrite(ctx, key);
  if (z === null) return;
  if (z === undefined) return void ctx.reply.int(0);
  const sl = z.sl;
  const doomed: string[] = [];
  if (r === null) {
    const llen = z.size;
    if (start < 0) start = llen + start;
    if (end < 0) end = llen + end;
    if (start < 0) start = 0;
    if (start > end || start >= llen) return void ctx.reply.int(0);
    if (end >= llen) end = llen - 1;
    let id = sl.idAtRank(start);
    for (let n = start; n <= end; n++) {
      doomed.push(sl.memberOf(id));
      id = sl.next(id);
    }
  } else {
    for (let id = sl.firstInRange(r); id !== NIL && r.lteMax(sl, id); id = sl.next(id)) doomed.push(sl.memberOf(id));
  }
  for (const m of doomed) z.delete(m);
  if (doomed.length > 0) {
    afterRemove(ctx.db, key, z);
    notifyRemoved(ctx, type === RangeType.rank ? 'zremrangebyrank' : type === RangeType.score ? 'zremrangebyscore' : 'zremrangebylex', key, z);
  }
  ctx.reply.int(doomed.length);
}

// --- Pops -------------------------------------------------------------------------------------

const enum Where {
  min,
  max,
}

const popName = (where: Where): string => (where === Where.min ? 'ZPOPMIN' : 'ZPOPMAX');

/**
 * Redis's genericZpopCommand once a non-empty set is found: pops up to `count` (-1: one,
 * plain reply) from z at key and replies in the shape the caller asks for.
 */
function popFrom(ctx: CommandContext, key: string, z: RZSet, where: Where, count: number, emitKey: boolean, nested: boolean): void {
  const out = ctx.reply;
  const n = Math.min(count === -1 ? 1 : count, z.size);
  if (!nested && !emitKey) out.array(n * 2);
  else if (nested && !emitKey) out.array(n);
  else if (!nested && emitKey) {
    out.array(n * 2 + 1);
    out.bulkLatin1(key);
  } else {
    out.array(2);
    out.bulkLatin1(key);
    out.array(n);
  }
  const sl = z.sl;
  for (let i = 0; i < n; i++) {
    const id = where === Where.min ? sl.first() : sl.last();
    const member = sl.memberOf(id);
    const score = sl.scoreOf(id);
    sl.deleteId(id);
    if (nested) out.array(2);
    out.bulkLatin1(member);
    out.double(score);
  }
  afterRemove(ctx.db, key, z);
  notifyRemoved(ctx, where === Where.min ? 'zpopmin' : 'zpopmax', key, z);
}

function zpopMinMax(ctx: CommandContext, where: Where): void {
  const argv = ctx.argv;
  if (argv.length > 3) return void ctx.reply.error(errors.syntax);
  let count = -1;
  if (argv.length === 3) {
    const v = string2ll(latin1(argv[2]!));
    if (v === null || v < 0n) return void ctx.reply.error(errors.notPositive);
    count = Number(v);
  }
  const key = latin1(argv[1]!);
  const z = zsetWrite(ctx, key);
  if (z === null) return;
  if (z === undefined || count === 0) return void ctx.reply.array(0);
  popFrom(ctx, key, z, where, count, false, ctx.reply.resp === 3 && argv.length === 3);
}

interface MpopArgs {
  keys: string[];
  where: Where;
  count: number;
}

/** zmpopGenericCommand's parsing: numkeys at numkeysIdx, keys, MIN|MAX, [COUNT n]. */
function parseMpop(ctx: CommandContext, numkeysIdx: number): MpopArgs | null {
  const argv = ctx.argv;
  const numkeys = rangeLongOrReply(ctx, argv[numkeysIdx]!, 1n, longMax, 'ERR numkeys should be greater than 0');
  if (numkeys === null) return null;
  const whereIdx = numkeysIdx + numkeys + 1;
  if (whereIdx >= argv.length) {
    ctx.reply.error(errors.syntax);
    return null;
  }
  let where: Where;
  if (eqi(argv[whereIdx]!, 'min')) where = Where.min;
  else if (eqi(argv[whereIdx]!, 'max')) where = Where.max;
  else {
    ctx.reply.error(errors.syntax);
    return null;
  }
  let count = -1;
  for (let j = whereIdx + 1; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (count === -1 && eqi(argv[j]!, 'count') && more > 0) {
      j++;
      const c = rangeLongOrReply(ctx, argv[j]!, 1n, longMax, 'ERR count should be greater than 0');
      if (c === null) return null;
      count = c;
    } else {
      ctx.reply.error(errors.syntax);
      return null;
    }
  }
  const keys: string[] = [];
  for (let j = numkeysIdx + 1; j < whereIdx; j++) keys.push(latin1(argv[j]!));
  return { keys, where, count: count === -1 ? 1 : count };
}

/** The first non-empty sorted set among keys: [key, set], undefined if none, null after WRONGTYPE. */
function firstNonEmpty(ctx: CommandContext, keys: readonly string[]): [string, RZSet] | undefined | null {
  for (const key of keys) {
    const z = zsetWrite(ctx, key);
    if (z === null) return null;
    if (z !== undefined && z.size > 0) return [key, z];
  }
  return undefined;
}

function zmpopCommand(ctx: CommandContext): void {
  const p = parseMpop(ctx, 1);
  if (p === null) return;
  const found = firstNonEmpty(ctx, p.keys);
  if (found === null) return;
  if (found === undefined) return void ctx.reply.nilArray();
  popFrom(ctx, found[0], found[1], p.where, p.count, true, true);
  ctx.propagate([popName(p.where), found[0], String(p.count)]);
}

// --- Blocking pops ------------------------------------------------------------------------------

function blockingOf(ctx: CommandContext): Blocking {
  return (ctx.engine as Engine).blocking;
}

function readyZset(db: Db, key: string, nowMs: number): RZSet | undefined {
  const v = db.lookup(key, nowMs);
  return v instanceof RZSet && v.size > 0 ? v : undefined;
}

/** Redis's blockingGenericZpopCommand; count -1 is BZPOPMIN/BZPOPMAX's single pop. */
function blockingZpop(ctx: CommandContext, keys: readonly string[], where: Where, timeoutIdx: number, count: number, nested: boolean): void {
  const timeoutAtMs = blockingTimeoutOrReply(ctx, ctx.argv[timeoutIdx]!, string2ld);
  if (timeoutAtMs === null) return;
  const found = firstNonEmpty(ctx, keys);
  if (found === null) return;
  const effect = (key: string): string[] => (count === -1 ? [popName(where), key] : [popName(where), key, String(count)]);
  if (found !== undefined) {
    popFrom(ctx, found[0], found[1], where, count, true, nested);
    ctx.propagate(effect(found[0]));
    return;
  }
  const blocking = blockingOf(ctx);
  if (blocking.denyBlocking(ctx.client)) return void ctx.reply.nilArray();
  blocking.block(ctx, {
    keys,
    timeoutAtMs,
    ready: (db, key, nowMs) => readyZset(db, key, nowMs) !== undefined,
    serve: (c, key) => {
      popFrom(c, key, readyZset(c.db, key, c.nowMs)!, where, count, true, nested);
      c.propagate(effect(key));
    },
    timeoutReply: (out) => out.nilArray(),
  });
}

function bzpopMinMax(ctx: CommandContext, where: Where): void {
  const argv = ctx.argv;
  const keys: string[] = [];
  for (let j = 1; j < argv.length - 1; j++) keys.push(latin1(argv[j]!));
  blockingZpop(ctx, keys, where, argv.length - 1, -1, false);
}

function bzmpopCommand(ctx: CommandContext): void {
  const p = parseMpop(ctx, 2);
  if (p === null) return;
  blockingZpop(ctx, p.keys, p.where, 1, p.count, true);
}

// --- ZRANDMEMBER --------------------------------------------------------------------------------

function zrandmemberCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  if (argv.length >= 3) {
    zrandmemberWithCount(ctx);
    return;
  }
  const z = zsetRead(ctx, latin1(argv[1]!));
  if (z === null) return;
  if (z === undefined) return void ctx.reply.nil();
  ctx.reply.bulkLatin1(z.sl.memberOf(Math.floor(ctx.keyspace.random() * z.size)));
}

/** Redis 7.0's zrandmemberWithCountCommand and its cases. */
function zrandmemberWithCount(ctx: CommandContext): void {
  const argv = ctx.argv;
  const big = string2ll(latin1(argv[2]!));
  if (big === null) return void ctx.reply.error(errors.notInteger);
  if (big < -longMax) return void ctx.reply.error(`ERR value is out of range, value must between ${-longMax} and ${longMax}`);
  let withScores = false;
  if (argv.length > 3) {
    if (argv.length === 4 && eqi(argv[3]!, 'withscores')) withScores = true;
    else return void ctx.reply.error(errors.syntax);
  }
  // 7.0 refuses a count whose doubled reply length would overflow.
  const half = longMax / 2n;
  if (withScores && (big < -half || big > half)) return void ctx.reply.error('ERR value is out of range');
  const l = Number(big);
  const z = zsetRead(ctx, latin1(argv[1]!));
  if (z === null) return;
  const out = ctx.reply;
  if (z === undefined || l === 0) return void out.array(0);
  const uniq = l >= 0;
  let count = Math.abs(l);
  const sl = z.sl;
  const size = z.size;
  const random = ctx.keyspace.random;
  // Case 1: a negative count (or 1) samples the whole set every time.
  if (!uniq || count === 1) {
    elementsHeader(out, count, withScores);
    while (count-- > 0) {
      const id = Math.floor(random() * size);
      replyElement(out, sl.memberOf(id), sl.scoreOf(id), withScores);
    }
    return;
  }
  // Case 2: the count covers the set: all of it, from the highest down (Redis's
  // zuiInitIterator walks a sorted set from its tail).
  if (count >= size) {
    elementsHeader(out, size, withScores);
    for (let id = sl.last(); id !== NIL; id = sl.prev(id)) replyElement(out, sl.memberOf(id), sl.scoreOf(id), withScores);
    return;
  }
  // Cases 3 and 4: distinct random members; a listpack answers them in its order.
  const picked = uniqueRandomIndexes(size, count, random);
  if (z.listpack) {
    const ranked = picked.map((id) => [sl.rankOf(id), id] as const).sort((a, b) => a[0] - b[0]);
    for (let i = 0; i < ranked.length; i++) picked[i] = ranked[i]![1];
  }
  elementsHeader(out, count, withScores);
  for (const id of picked) replyElement(out, sl.memberOf(id), sl.scoreOf(id), withScores);
}

// --- ZUNION / ZINTER / ZDIFF ----------------------------------------------------------------------

const enum SetOp {
  union,
  inter,
  diff,
}

const enum Aggregate {
  sum,
  min,
  max,
}

/** One input: a sorted set or a set (scores 1), or nothing for a missing key. */
type OpSource = RZSet | RSet | null;

function sourceSize(s: OpSource): number {
  return s === null ? 0 : s.size;
}

function sourceScore(s: OpSource, member: string): number | undefined {
  if (s === null) return undefined;
  if (s instanceof RZSet) return s.score(member);
  return s.has(member) ? 1 : undefined;
}

function forEachSource(s: OpSource, visit: (member: string, score: number) => void): void {
  if (s === null) return;
  if (s instanceof RZSet) {
    const sl = s.sl;
    for (let id = sl.first(); id !== NIL; id = sl.next(id)) visit(sl.memberOf(id), sl.scoreOf(id));
  } else {
    for (let i = 0; i < s.size; i++) visit(s.memberAt(i), 1);
  }
}

function aggregate(target: number, value: number, how: Aggregate): number {
  if (how === Aggregate.sum) {
    const r = target + value;
    return Number.isNaN(r) ? 0 : r; // inf + -inf
  }
  if (how === Aggregate.min) return value < target ? value : target;
  return value > target ? value : target;
}

/** Redis 7.0's zunionInterDiffGenericCommand. */
function zsetOpGeneric(ctx: CommandContext, dstKey: string | null, numkeysIdx: number, op: SetOp, cardinalityOnly: boolean): void {
  const argv = ctx.argv;
  const n = longOrReply(ctx, argv[numkeysIdx]!);
  if (n === null) return;
  if (n < 1) return void ctx.reply.error(`ERR at least 1 input key is needed for '${latin1(argv[0]!).toLowerCase()}' command`);
  if (n > argv.length - (numkeysIdx + 1)) return void ctx.reply.error(errors.syntax);
  const sources: OpSource[] = [];
  const weights: number[] = [];
  let j = numkeysIdx + 1;
  for (let i = 0; i < n; i++, j++) {
    const key = latin1(argv[j]!);
    const v = dstKey !== null ? ctx.db.lookup(key, ctx.nowMs) : lookupKeyRead(ctx, key);
    if (v !== undefined && !(v instanceof RZSet) && !(v instanceof RSet)) return void ctx.reply.error(errors.wrongType);
    sources.push(v === undefined ? null : (v as RZSet | RSet));
    weights.push(1);
  }
  let how = Aggregate.sum;
  let withScores = false;
  let limit = 0;
  while (j < argv.length) {
    const remaining = argv.length - j;
    const opt = argv[j]!;
    if (op !== SetOp.diff && !cardinalityOnly && remaining >= n + 1 && eqi(opt, 'weights')) {
      j++;
      for (let i = 0; i < n; i++, j++) {
        const w = scoreOrReply(ctx, argv[j]!, 'ERR weight value is not a float');
        if (w === null) return;
        weights[i] = w;
      }
    } else if (op !== SetOp.diff && !cardinalityOnly && remaining >= 2 && eqi(opt, 'aggregate')) {
      const a = argv[j + 1]!;
      if (eqi(a, 'sum')) how = Aggregate.sum;
      else if (eqi(a, 'min')) how = Aggregate.min;
      else if (eqi(a, 'max')) how = Aggregate.max;
      else return void ctx.reply.error(errors.syntax);
      j += 2;
    } else if (dstKey === null && !cardinalityOnly && eqi(opt, 'withscores')) {
      withScores = true;
      j++;
    } else if (cardinalityOnly && remaining >= 2 && eqi(opt, 'limit')) {
      const v = string2ll(latin1(argv[j + 1]!));
      if (v === null || v < 0n) return void ctx.reply.error("ERR LIMIT can't be negative");
      limit = v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
      j += 2;
    } else {
      return void ctx.reply.error(errors.syntax);
    }
  }

  const members: string[] = [];
  const scores: number[] = [];
  if (op === SetOp.inter) {
    // Smallest first (a stable sort, as glibc's qsort), weights travelling with their set.
    const order = sources.map((_, i) => i).sort((a, b) => sourceSize(sources[a]!) - sourceSize(sources[b]!));
    const first = sources[order[0]!]!;
    if (sourceSize(first) > 0) {
      forEachSource(first, (member, s0) => {
        if (cardinalityOnly && limit > 0 && members.length >= limit) return;
        let score = weights[order[0]!]! * s0;
        if (Number.isNaN(score)) score = 0;
        for (let k = 1; k < order.length; k++) {
          const src = sources[order[k]!]!;
          const v = src === first ? s0 : sourceScore(src, member);
          if (v === undefined) return;
          let value = v * weights[order[k]!]!;
          if (Number.isNaN(value)) value = 0;
          score = aggregate(score, value, how);
        }
        members.push(member);
        scores.push(score);
      });
    }
  } else if (op === SetOp.union) {
    const order = sources.map((_, i) => i).sort((a, b) => sourceSize(sources[a]!) - sourceSize(sources[b]!));
    const acc = new Map<string, number>();
    for (const i of order) {
      const w = weights[i]!;
      forEachSource(sources[i]!, (member, s) => {
        let score = w * s;
        if (Number.isNaN(score)) score = 0;
        const cur = acc.get(member);
        acc.set(member, cur === undefined ? score : aggregate(cur, score, how));
      });
    }
    for (const [m, s] of acc) {
      members.push(m);
      scores.push(s);
    }
  } else {
    const first = sources[0]!;
    forEachSource(first, (member, s) => {
      for (let k = 1; k < sources.length; k++) {
        const src = sources[k]!;
        if (src === first || sourceScore(src, member) !== undefined) return;
      }
      members.push(member);
      scores.push(s);
    });
  }

  if (cardinalityOnly) return void ctx.reply.int(members.length);
  // The result, ordered as Redis's destination skiplist orders it.
  const result = new RZSet(false);
  let maxLen = 0;
  for (let i = 0; i < members.length; i++) {
    result.sl.insert(scores[i]!, members[i]!);
    if (members[i]!.length > maxLen) maxLen = members[i]!.length;
  }
  if (dstKey !== null) {
    if (result.size > 0) {
      result.convertToListpackIfNeeded(maxLen, ctx.engine.config);
      ctx.db.set(dstKey, result);
      ctx.reply.int(result.size);
      notify(ctx, NotifyType.zset, op === SetOp.union ? 'zunionstore' : op === SetOp.inter ? 'zinterstore' : 'zdiffstore', dstKey);
    } else {
      ctx.reply.int(0);
      if (ctx.db.delete(dstKey)) notify(ctx, NotifyType.generic, 'del', dstKey);
    }
    return;
  }
  const out = ctx.reply;
  elementsHeader(out, result.size, withScores);
  const sl = result.sl;
  for (let id = sl.first(); id !== NIL; id = sl.next(id)) replyElement(out, sl.memberOf(id), sl.scoreOf(id), withScores);
}

// --- ZSCAN -------------------------------------------------------------------------------------------

function zscanCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  const cursor = parseScanCursor(ctx, argv[2]!);
  if (cursor === null) return;
  const z = zsetRead(ctx, latin1(argv[1]!));
  if (z === null) return;
  if (z === undefined) return void replyEmptyScan(ctx);
  const opts = parseScanOptions(ctx, 3);
  if (opts === null) return;
  const pattern = opts.pattern;
  const sl = z.sl;
  const found: number[] = [];
  let next = 0;
  const visit = (id: number): void => {
    if (pattern === null || globMatch(pattern, sl.memberOf(id))) found.push(id);
  };
  // A listpack is returned whole, in order, with cursor 0, as Redis does.
  if (z.listpack) for (let id = sl.first(); id !== NIL; id = sl.next(id)) visit(id);
  else next = (sl as ZTree).scan(scanStart(cursor, z.size), opts.count, visit);
  const out = ctx.reply;
  out.array(2);
  out.bulkLatin1(String(next));
  out.array(found.length * 2);
  for (const id of found) {
    out.bulkLatin1(sl.memberOf(id));
    out.bulkLatin1(formatDouble(sl.scoreOf(id)));
  }
}

// --- Handlers by name ---------------------------------------------------------------------------------

const zaddCommand = (c: CommandContext): void => zaddGeneric(c, false);
const zincrbyCommand = (c: CommandContext): void => zaddGeneric(c, true);
const zrankCommand = (c: CommandContext): void => zrankGeneric(c, false);
const zrevrankCommand = (c: CommandContext): void => zrankGeneric(c, true);
const zcountCommand = (c: CommandContext): void => zcountGeneric(c, false);
const zlexcountCommand = (c: CommandContext): void => zcountGeneric(c, true);
const zrangeCommand = (c: CommandContext): void => zrangeGeneric(c, 1, null, RangeType.auto, null);
const zrangestoreCommand = (c: CommandContext): void => zrangeGeneric(c, 2, latin1(c.argv[1]!), RangeType.auto, null);
const zrevrangeCommand = (c: CommandContext): void => zrangeGeneric(c, 1, null, RangeType.rank, true);
const zrangebyscoreCommand = (c: CommandContext): void => zrangeGeneric(c, 1, null, RangeType.score, false);
const zrevrangebyscoreCommand = (c: CommandContext): void => zrangeGeneric(c, 1, null, RangeType.score, true);
const zrangebylexCommand = (c: CommandContext): void => zrangeGeneric(c, 1, null, RangeType.lex, false);
const zrevrangebylexCommand = (c: CommandContext): void => zrangeGeneric(c, 1, null, RangeType.lex, true);
const zremrangebyrankCommand = (c: CommandContext): void => zremrangeGeneric(c, RangeType.rank);
const zremrangebyscoreCommand = (c: CommandContext): void => zremrangeGeneric(c, RangeType.score);
const zremrangebylexCommand = (c: CommandContext): void => zremrangeGeneric(c, RangeType.lex);
const zpopminCommand = (c: CommandContext): void => zpopMinMax(c, Where.min);
const zpopmaxCommand = (c: CommandContext): void => zpopMinMax(c, Where.max);
const bzpopminCommand = (c: CommandContext): void => bzpopMinMax(c, Where.min);
const bzpopmaxCommand = (c: CommandContext): void => bzpopMinMax(c, Where.max);
const zinterCommand = (c: CommandContext): void => zsetOpGeneric(c, null, 1, SetOp.inter, false);
const zunionCommand = (c: CommandContext): void => zsetOpGeneric(c, null, 1, SetOp.union, false);
const zdiffCommand = (c: CommandContext): void => zsetOpGeneric(c, null, 1, SetOp.diff, false);
const zinterstoreCommand = (c: CommandContext): void => zsetOpGeneric(c, latin1(c.argv[1]!), 2, SetOp.inter, false);
const zunionstoreCommand = (c: CommandContext): void => zsetOpGeneric(c, latin1(c.argv[1]!), 2, SetOp.union, false);
const zdiffstoreCommand = (c: CommandContext): void => zsetOpGeneric(c, latin1(c.argv[1]!), 2, SetOp.diff, false);
const zintercardCommand = (c: CommandContext): void => zsetOpGeneric(c, null, 1, SetOp.inter, true);

/** Key positions of numkeys commands: numkeys at `idx`, the keys after it; `dst` adds argv[1]. */
const numkeysKeys = (idx: number, dst: boolean) => (argv: readonly Buffer[]): number[] => {
  const n = Number(string2ll(latin1(argv[idx]!)) ?? 0n);
  const out: number[] = dst ? [1] : [];
  for (let i = 0; i < n && idx + 1 + i < argv.length; i++) out.push(idx + 1 + i);
  return out;
};

// --- The table (Redis 7.0.15's COMMAND INFO / COMMAND DOCS) -------------------------------------------

export const zsetCommands: readonly Spec[] = [
  { name: 'zadd', arity: -4, flags: ['write','denyoom','fast'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['write','sortedset','fast'], group: 'sorted-set', since: '1.2.0', complexity: 'O(log(N)) for each item added, where N is the number of elements in the sorted set.', summary: 'Add one or more members to a sorted set, or update its score if it already exists', keySpecs: [{flags: ['RW','update'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}}], handler: zaddCommand },
  { name: 'zincrby', arity: 4, flags: ['write','denyoom','fast'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['write','sortedset','fast'], group: 'sorted-set', since: '1.2.0', complexity: 'O(log(N)) where N is the number of elements in the sorted set.', summary: 'Increment the score of a member in a sorted set', keySpecs: [{flags: ['RW','access','update'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}}], handler: zincrbyCommand },
  { name: 'zrem', arity: -3, flags: ['write','fast'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['write','sortedset','fast'], group: 'sorted-set', since: '1.2.0', complexity: 'O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.', summary: 'Remove one or more members from a sorted set', keySpecs: [{flags: ['RW','delete'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}}], handler: zremCommand },
  { name: 'zcard', arity: 2, flags: ['readonly','fast'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['read','sortedset','fast'], group: 'sorted-set', since: '1.2.0', complexity: 'O(1)', summary: 'Get the number of members in a sorted set', keySpecs: [{flags: ['RO'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}}], handler: zcardCommand },
  { name: 'zscore', arity: 3, flags: ['readonly','fast'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['read','sortedset','fast'], group: 'sorted-set', since: '1.2.0', complexity: 'O(1)', summary: 'Get the score associated with the given member in a sorted set', keySpecs: [{flags: ['RO','access'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}}], handler: zscoreCommand },
  { name: 'zmscore', arity: -3, flags: ['readonly','fast'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['read','sortedset','fast'], group: 'sorted-set', since: '6.2.0', complexity: 'O(N) where N is the number of members being requested.', summary: 'Get the score associated with the given members in a sorted set', keySpecs: [{flags: ['RO','access'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}}], handler: zmscoreCommand },
  { name: 'zrank', arity: 3, flags: ['readonly','fast'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['read','sortedset','fast'], group: 'sorted-set', since: '2.0.0', complexity: 'O(log(N))', summary: 'Determine the index of a member in a sorted set', keySpecs: [{flags: ['RO','access'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}}], handler: zrankCommand },
  { name: 'zrevrank', arity: 3, flags: ['readonly','fast'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['read','sortedset','fast'], group: 'sorted-set', since: '2.0.0', complexity: 'O(log(N))', summary: 'Determine the index of a member in a sorted set, with scores ordered from high to low', keySpecs: [{flags: ['RO','access'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}}], handler: zrevrankCommand },
  { name: 'zcount', arity: 4, flags: ['readonly','fast'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['read','sortedset','fast'], group: 'sorted-set', since: '2.0.0', complexity: 'O(log(N)) with N being the number of elements in the sorted set.', summary: 'Count the members in a sorted set with scores within the given values', keySpecs: [{flags: ['RO','access'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}}], handler: zcountCommand },
  { name: 'zlexcount', arity: 4, flags: ['readonly','fast'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['read','sortedset','fast'], group: 'sorted-set', since: '2.8.9', complexity: 'O(log(N)) with N being the number of elements in the sorted set.', summary: 'Count the number of members in a sorted set between a given lexicographical range', keySpecs: [{flags: ['RO','access'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}}], handler: zlexcountCommand },
  { name: 'zrange', arity: -4, flags: ['readonly'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['read','sortedset','slow'], group: 'sorted-set', since: '1.2.0', complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.', summary: 'Return a range of members in a sorted set', keySpecs: [{flags: ['RO','access'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}}], handler: zrangeCommand },
  { name: 'zrangestore', arity: -5, flags: ['write','denyoom'], firstKey: 1, lastKey: 2, keyStep: 1, categories: ['write','sortedset','slow'], group: 'sorted-set', since: '6.2.0', complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.', summary: 'Store a range of members from sorted set into another key', keySpecs: [{flags: ['OW','update'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}},{flags: ['RO','access'], beginSearch: {type: 'index', index: 2}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}}], handler: zrangestoreCommand },
  { name: 'zrevrange', arity: -4, flags: ['readonly'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['read','sortedset','slow'], group: 'sorted-set', since: '1.2.0', complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.', summary: 'Return a range of members in a sorted set, by index, with scores ordered from high to low', keySpecs: [{flags: ['RO','access'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}}], handler: zrevrangeCommand },
  { name: 'zrangebyscore', arity: -4, flags: ['readonly'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['read','sortedset','slow'], group: 'sorted-set', since: '1.0.5', complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).', summary: 'Return a range of members in a sorted set, by score', keySpecs: [{flags: ['RO','access'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}}], handler: zrangebyscoreCommand },
  { name: 'zrevrangebyscore', arity: -4, flags: ['readonly'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['read','sortedset','slow'], group: 'sorted-set', since: '2.2.0', complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).', summary: 'Return a range of members in a sorted set, by score, with scores ordered from high to low', keySpecs: [{flags: ['RO','access'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}}], handler: zrevrangebyscoreCommand },
  { name: 'zrangebylex', arity: -4, flags: ['readonly'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['read','sortedset','slow'], group: 'sorted-set', since: '2.8.9', complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).', summary: 'Return a range of members in a sorted set, by lexicographical range', keySpecs: [{flags: ['RO','access'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}}], handler: zrangebylexCommand },
  { name: 'zrevrangebylex', arity: -4, flags: ['readonly'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['read','sortedset','slow'], group: 'sorted-set', since: '2.8.9', complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).', summary: 'Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.', keySpecs: [{flags: ['RO','access'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}}], handler: zrevrangebylexCommand },
  { name: 'zremrangebyrank', arity: 4, flags: ['write'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['write','sortedset','slow'], group: 'sorted-set', since: '2.0.0', complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.', summary: 'Remove all members in a sorted set within the given indexes', keySpecs: [{flags: ['RW','delete'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}}], handler: zremrangebyrankCommand },
  { name: 'zremrangebyscore', arity: 4, flags: ['write'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['write','sortedset','slow'], group: 'sorted-set', since: '1.2.0', complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.', summary: 'Remove all members in a sorted set within the given scores', keySpecs: [{flags: ['RW','delete'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}}], handler: zremrangebyscoreCommand },
  { name: 'zremrangebylex', arity: 4, flags: ['write'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['write','sortedset','slow'], group: 'sorted-set', since: '2.8.9', complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.', summary: 'Remove all members in a sorted set between the given lexicographical range', keySpecs: [{flags: ['RW','delete'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}}], handler: zremrangebylexCommand },
  { name: 'zpopmin', arity: -2, flags: ['write','fast'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['write','sortedset','fast'], group: 'sorted-set', since: '5.0.0', complexity: 'O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.', summary: 'Remove and return members with the lowest scores in a sorted set', keySpecs: [{flags: ['RW','access','delete'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}}], handler: zpopminCommand },
  { name: 'zpopmax', arity: -2, flags: ['write','fast'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['write','sortedset','fast'], group: 'sorted-set', since: '5.0.0', complexity: 'O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.', summary: 'Remove and return members with the highest scores in a sorted set', keySpecs: [{flags: ['RW','access','delete'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}}], handler: zpopmaxCommand },
  { name: 'zmpop', arity: -4, flags: ['write','movablekeys'], firstKey: 0, lastKey: 0, keyStep: 0, categories: ['write','sortedset','slow'], group: 'sorted-set', since: '7.0.0', complexity: 'O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.', summary: 'Remove and return members with scores in a sorted set', keySpecs: [{flags: ['RW','access','delete'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'keynum', keynumidx: 0, firstkey: 1, keystep: 1}}], handler: zmpopCommand, getKeys: numkeysKeys(1, false) },
  { name: 'zrandmember', arity: -2, flags: ['readonly'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['read','sortedset','slow'], group: 'sorted-set', since: '6.2.0', complexity: 'O(N) where N is the number of elements returned', summary: 'Get one or multiple random elements from a sorted set', tips: ['nondeterministic_output'], keySpecs: [{flags: ['RO','access'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}}], handler: zrandmemberCommand },
  { name: 'zinter', arity: -3, flags: ['readonly','movablekeys'], firstKey: 0, lastKey: 0, keyStep: 0, categories: ['read','sortedset','slow'], group: 'sorted-set', since: '6.2.0', complexity: 'O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.', summary: 'Intersect multiple sorted sets', keySpecs: [{flags: ['RO','access'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'keynum', keynumidx: 0, firstkey: 1, keystep: 1}}], handler: zinterCommand, getKeys: numkeysKeys(1, false) },
  { name: 'zunion', arity: -3, flags: ['readonly','movablekeys'], firstKey: 0, lastKey: 0, keyStep: 0, categories: ['read','sortedset','slow'], group: 'sorted-set', since: '6.2.0', complexity: 'O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.', summary: 'Add multiple sorted sets', keySpecs: [{flags: ['RO','access'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'keynum', keynumidx: 0, firstkey: 1, keystep: 1}}], handler: zunionCommand, getKeys: numkeysKeys(1, false) },
  { name: 'zdiff', arity: -3, flags: ['readonly','movablekeys'], firstKey: 0, lastKey: 0, keyStep: 0, categories: ['read','sortedset','slow'], group: 'sorted-set', since: '6.2.0', complexity: 'O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.', summary: 'Subtract multiple sorted sets', keySpecs: [{flags: ['RO','access'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'keynum', keynumidx: 0, firstkey: 1, keystep: 1}}], handler: zdiffCommand, getKeys: numkeysKeys(1, false) },
  { name: 'zinterstore', arity: -4, flags: ['write','denyoom','movablekeys'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['write','sortedset','slow'], group: 'sorted-set', since: '2.0.0', complexity: 'O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.', summary: 'Intersect multiple sorted sets and store the resulting sorted set in a new key', keySpecs: [{flags: ['OW','update'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}},{flags: ['RO','access'], beginSearch: {type: 'index', index: 2}, findKeys: {type: 'keynum', keynumidx: 0, firstkey: 1, keystep: 1}}], handler: zinterstoreCommand, getKeys: numkeysKeys(2, true) },
  { name: 'zunionstore', arity: -4, flags: ['write','denyoom','movablekeys'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['write','sortedset','slow'], group: 'sorted-set', since: '2.0.0', complexity: 'O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.', summary: 'Add multiple sorted sets and store the resulting sorted set in a new key', keySpecs: [{flags: ['OW','update'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}},{flags: ['RO','access'], beginSearch: {type: 'index', index: 2}, findKeys: {type: 'keynum', keynumidx: 0, firstkey: 1, keystep: 1}}], handler: zunionstoreCommand, getKeys: numkeysKeys(2, true) },
  { name: 'zdiffstore', arity: -4, flags: ['write','denyoom','movablekeys'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['write','sortedset','slow'], group: 'sorted-set', since: '6.2.0', complexity: 'O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.', summary: 'Subtract multiple sorted sets and store the resulting sorted set in a new key', keySpecs: [{flags: ['OW','update'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}},{flags: ['RO','access'], beginSearch: {type: 'index', index: 2}, findKeys: {type: 'keynum', keynumidx: 0, firstkey: 1, keystep: 1}}], handler: zdiffstoreCommand, getKeys: numkeysKeys(2, true) },
  { name: 'zintercard', arity: -3, flags: ['readonly','movablekeys'], firstKey: 0, lastKey: 0, keyStep: 0, categories: ['read','sortedset','slow'], group: 'sorted-set', since: '7.0.0', complexity: 'O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.', summary: 'Intersect multiple sorted sets and return the cardinality of the result', keySpecs: [{flags: ['RO','access'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'keynum', keynumidx: 0, firstkey: 1, keystep: 1}}], handler: zintercardCommand, getKeys: numkeysKeys(1, false) },
  { name: 'zscan', arity: -3, flags: ['readonly'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['read','sortedset','slow'], group: 'sorted-set', since: '2.8.0', complexity: 'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..', summary: 'Incrementally iterate sorted sets elements and associated scores', tips: ['nondeterministic_output'], keySpecs: [{flags: ['RO','access'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}}], handler: zscanCommand },
  { name: 'bzpopmin', arity: -3, flags: ['write','noscript','blocking','fast'], firstKey: 1, lastKey: -2, keyStep: 1, categories: ['write','sortedset','fast','blocking'], group: 'sorted-set', since: '5.0.0', complexity: 'O(log(N)) with N being the number of elements in the sorted set.', summary: 'Remove and return the member with the lowest score from one or more sorted sets, or block until one is available', keySpecs: [{flags: ['RW','access','delete'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: -2, keystep: 1, limit: 0}}], handler: bzpopminCommand },
  { name: 'bzpopmax', arity: -3, flags: ['write','noscript','blocking','fast'], firstKey: 1, lastKey: -2, keyStep: 1, categories: ['write','sortedset','fast','blocking'], group: 'sorted-set', since: '5.0.0', complexity: 'O(log(N)) with N being the number of elements in the sorted set.', summary: 'Remove and return the member with the highest score from one or more sorted sets, or block until one is available', keySpecs: [{flags: ['RW','access','delete'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: -2, keystep: 1, limit: 0}}], handler: bzpopmaxCommand },
  { name: 'bzmpop', arity: -5, flags: ['write','blocking','movablekeys'], firstKey: 0, lastKey: 0, keyStep: 0, categories: ['write','sortedset','slow','blocking'], group: 'sorted-set', since: '7.0.0', complexity: 'O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.', summary: 'Remove and return members with scores in a sorted set or block until one is available', keySpecs: [{flags: ['RW','access','delete'], beginSearch: {type: 'index', index: 2}, findKeys: {type: 'keynum', keynumidx: 0, firstkey: 1, keystep: 1}}], handler: bzmpopCommand, getKeys: numkeysKeys(2, false) },
];
