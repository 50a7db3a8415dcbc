// Stream commands (engine worker): Redis 7.0's t_stream.c handlers over RStream
// (src/engine/types/stream.ts), blocking XREAD/XREADGROUP through src/engine/blocking.ts.
//
// Every handler follows 7.0's order of checks (it decides which error a client sees
// first): XRANGE parses ids and COUNT before the lookup; XDEL, XACK, XCLAIM look the key
// up before parsing ids; XPENDING and XAUTOCLAIM parse first.
//
// Effects, as 7.0 rewrites what it propagates:
// - XADD with `*` or `ms-*` logs the id it generated; `~` trimming (XADD and XTRIM) logs
//   `=` with what it did (MAXLEN <length after>, MINID <first id kept>), LIMIT dropped
//   (streamRewriteApproxSpecifier / streamRewriteTrimArgument).
// - XREADGROUP, XCLAIM and XAUTOCLAIM are not logged themselves: each entry delivered or
//   claimed logs `XCLAIM key group consumer 0 id TIME ms RETRYCOUNT n FORCE JUSTID LASTID
//   id`, and a group whose last id moved logs `XGROUP SETID key group id ENTRIESREAD n`
//   (streamPropagateXCLAIM / streamPropagateGroupID). A consumer XREADGROUP creates logs
//   `XGROUP CREATECONSUMER` (7.0 does so only with NOACK; we always do, so a replay has
//   every consumer), and a history read (an explicit id) logs an XCLAIM per entry it
//   delivers again (7.0 logs nothing, and its replicas' delivery counts drift).
// Group metadata changes that Redis does not signal (XGROUP CREATE/SETID, XACK, XCLAIM...)
// count a dirty change without signalling the key (no WATCH, no wake-up), as in Redis.
//
// Invariants: no handler mutates before all its arguments are validated; a stream is
// never deleted for being empty (Redis keeps empty streams).

import { errors, eqi, latin1, string2ll } from '../args.js';
import { blockingTimeoutOrReply, type Blocking } from '../blocking.js';
import type { CommandContext, CommandSpec } from '../command.js';
import type { CommandSpecExtras, KeySpec } from '../command-table.js';
import type { Engine } from '../engine.js';
import type { Db } from '../keyspace.js';
import type { ReplyWriter } from '../reply.js';
import { ConsumerGroup, Consumer, formatId, idMax, idMs, idSeq, invalidEntriesRead, makeId, Nack, RStream, u64Max, type TrimArgs } from '../types/stream.js';
import { replyHelp, subcommandSyntaxError } from './connection.js';
import { lookupKeyRead } from './strings.js';

const invalidIdError = 'ERR Invalid stream ID specified as stream command argument';
/** XREAD BLOCK without COUNT serves at most this many entries (XREAD_BLOCKED_DEFAULT_COUNT). */
const xreadBlockedDefaultCount = 1000;
/** XTRIM/XADD `~` without LIMIT: 100 * stream-node-max-entries. */
const approxTrimDefaultLimit = 10000;

function blockingOf(ctx: CommandContext): Blocking {
  return (ctx.engine as Engine).blocking;
}

/** A change Redis counts in server.dirty without signalModifiedKey. */
function dirty(ctx: CommandContext, n = 1): void {
  ctx.keyspace.dirty += n;
}

// --- Id parsing (streamGenericParseIDOrReply) ----------------------------------------------

/** C's strtoull(s, &end, 10) over the whole string (string2ull's fallback), or null. */
function strtoull(s: string): bigint | null {
  let i = 0;
  while (i < s.length && (s.charCodeAt(i) === 32 || (s.charCodeAt(i) >= 9 && s.charCodeAt(i) <= 13))) i++;
  let neg = false;
  if (s[i] === '+' || s[i] === '-') {
    neg = s[i] === '-';
    i++;
  }
  const start = i;
  while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
  if (i === start || i !== s.length) return null;
  const v = BigInt(s.slice(start));
  if (v > u64Max) return null;
  return neg ? (u64Max + 1n - v) & u64Max : v;
}

/** Redis's string2ull. */
function string2ull(s: string): bigint | null {
  const ll = string2ll(s);
  if (ll !== null) return ll < 0n ? null : ll;
  if (s.length === 0) return null;
  return strtoull(s);
}

interface ParsedId {
  id: bigint;
  /** False for the `ms-*` form. */
  seqGiven: boolean;
}

/**
 * Parses an id: `-`, `+` (unless strict), `ms`, `ms-seq`, and with `allowSeqStar`
 * `ms-*`. Replies the error and returns null when invalid (if `reply`).
 */
function parseIdGeneric(ctx: CommandContext | null, arg: Buffer, missingSeq: bigint, strict: boolean, allowSeqStar = false): ParsedId | null {
  let s = latin1(arg);
  const invalid = (): null => {
    ctx?.reply.error(invalidIdError);
    return null;
  };
  if (s.length > 127) return invalid();
  const nul = s.indexOf('\0');
  if (nul >= 0) s = s.slice(0, nul);
  if (strict && (s === '-' || s === '+')) return invalid();
  if (s === '-') return { id: 0n, seqGiven: true };
  if (s === '+') return { id: idMax, seqGiven: true };
  const dash = s.indexOf('-');
  const msPart = dash >= 0 ? s.slice(0, dash) : s;
  const ms = string2ull(msPart);
  if (ms === null) return invalid();
  let seq = missingSeq;
  let seqGiven = true;
  if (dash >= 0) {
    const rest = s.slice(dash + 1);
    if (allowSeqStar && rest === '*') {
      seq = 0n;
      seqGiven = false;
    } else {
      const v = string2ull(rest);
      if (v === null) return invalid();
      seq = v;
    }
  }
  return { id: makeId(ms, seq), seqGiven };
}

function parseIdOrReply(ctx: CommandContext, arg: Buffer, missingSeq = 0n): bigint | null {
  return parseIdGeneric(ctx, arg, missingSeq, false)?.id ?? null;
}

function parseStrictIdOrReply(ctx: CommandContext, arg: Buffer, missingSeq = 0n): bigint | null {
  return parseIdGeneric(ctx, arg, missingSeq, true)?.id ?? null;
}

/** streamParseIntervalIDOrReply: `(id` is exclusive; returns [id, exclusive]. */
function parseIntervalIdOrReply(ctx: CommandContext, arg: Buffer, missingSeq: bigint): [bigint, boolean] | null {
  if (arg.length > 1 && arg[0] === 40) {
    const id = parseStrictIdOrReply(ctx, arg.subarray(1), missingSeq);
    return id === null ? null : [id, true];
  }
  const id = parseIdOrReply(ctx, arg, missingSeq);
  return id === null ? null : [id, false];
}

/** streamIncrID: null on overflow of the largest id. */
function incrId(id: bigint): bigint | null {
  return id === idMax ? null : id + 1n;
}

function decrId(id: bigint): bigint | null {
  return id === 0n ? null : id - 1n;
}

/** getLongLongFromObjectOrReply with an optional custom message. */
function int64OrReply(ctx: CommandContext, arg: Buffer, msg?: string): bigint | null {
  const v = string2ll(latin1(arg));
  if (v === null) ctx.reply.error(msg ?? errors.notInteger);
  return v;
}

// --- Lookups ---------------------------------------------------------------------------------

/** The stream at key, undefined if missing, null after WRONGTYPE. */
function streamOrReply(ctx: CommandContext, key: string, read: boolean): RStream | undefined | null {
  const v = read ? lookupKeyRead(ctx, key) : ctx.db.lookup(key, ctx.nowMs);
  if (v === undefined) return undefined;
  if (!(v instanceof RStream)) {
    ctx.reply.error(errors.wrongType);
    return null;
  }
  return v;
}

/** An argument as C's %s prints it inside an error (up to a NUL). */
function cstr(buf: Buffer): string {
  const nul = buf.indexOf(0);
  return latin1(nul >= 0 ? buf.subarray(0, nul) : buf);
}

// --- Replies ---------------------------------------------------------------------------------

function replyId(out: ReplyWriter, id: bigint): void {
  out.bulkLatin1(formatId(id));
}

function replyEntry(out: ReplyWriter, id: bigint, fv: readonly string[]): void {
  out.array(2);
  replyId(out, id);
  out.array(fv.length);
  for (const s of fv) out.bulkLatin1(s);
}

/** Replies the entries in [start, end] (count 0 = all); returns how many. */
function replyRange(out: ReplyWriter, s: RStream, start: bigint, end: bigint, count: number, rev: boolean): number {
  const h = out.beginDeferred();
  let n = 0;
  s.range(start, end, rev, (id, fv) => {
    replyEntry(out, id, fv);
    n++;
    return count === 0 || n < count;
  });
  out.endDeferred(h, n);
  return n;
}

// --- Propagation -----------------------------------------------------------------------------

function propagateXclaim(ctx: CommandContext, key: string, group: ConsumerGroup, id: bigint, nack: Nack): void {
  ctx.alsoPropagate(ctx.db.index, ['XCLAIM', key, group.name, nack.consumer.name, '0', formatId(id), 'TIME', String(nack.deliveryTime), 'RETRYCOUNT', String(nack.deliveryCount), 'FORCE', 'JUSTID', 'LASTID', formatId(group.lastId)]);
}

function propagateGroupId(ctx: CommandContext, key: string, group: ConsumerGroup): void {
  ctx.alsoPropagate(ctx.db.index, ['XGROUP', 'SETID', key, group.name, formatId(group.lastId), 'ENTRIESREAD', String(group.entriesRead)]);
}

function propagateConsumerCreation(ctx: CommandContext, key: string, group: ConsumerGroup, consumer: string): void {
  ctx.alsoPropagate(ctx.db.index, ['XGROUP', 'CREATECONSUMER', key, group.name, consumer]);
}

// --- XADD / XTRIM --------------------------------------------------------------------------

interface AddTrimArgs {
  trim: TrimArgs | null;
  /** argv index of the MAXLEN/MINID value, and of LIMIT's keyword (or -1). */
  trimArgIdx: number;
  limitIdx: number;
  noMkstream: boolean;
  id: ParsedId | null;
  /** XADD: the id argument's index. */
  idIdx: number;
}

/** streamParseAddOrTrimArgsOrReply. */
function parseAddTrimArgs(ctx: CommandContext, xadd: boolean): AddTrimArgs | null {
  const argv = ctx.argv;
  const r: AddTrimArgs = { trim: null, trimArgIdx: -1, limitIdx: -1, noMkstream: false, id: null, idIdx: argv.length };
  let strategy: 'maxlen' | 'minid' | null = null;
  let approx = false;
  let maxlen = 0;
  let minid = 0n;
  let limit = 0;
  let limitGiven = false;
  let i = 2;
  for (; i < argv.length; i++) {
    const moreargs = argv.length - 1 - i;
    const opt = argv[i]!;
    if (xadd && opt.length === 1 && opt[0] === 42) break; // '*'
    if (eqi(opt, 'maxlen') && moreargs > 0) {
      if (strategy !== null) {
        ctx.reply.error('ERR syntax error, MAXLEN and MINID options at the same time are not compatible');
        return null;
      }
      approx = false;
      const next = argv[i + 1]!;
      if (moreargs >= 2 && next.length === 1 && next[0] === 126) {
        approx = true;
        i++;
      } else if (moreargs >= 2 && next.length === 1 && next[0] === 61) {
        i++;
      }
      const v = int64OrReply(ctx, argv[i + 1]!);
      if (v === null) return null;
      if (v < 0n) {
        ctx.reply.error('ERR The MAXLEN argument must be >= 0.');
        return null;
      }
      maxlen = Number(v);
      i++;
      strategy = 'maxlen';
      r.trimArgIdx = i;
    } else if (eqi(opt, 'minid') && moreargs > 0) {
      if (strategy !== null) {
        ctx.reply.error('ERR syntax error, MAXLEN and MINID options at the same time are not compatible');
        return null;
      }
      approx = false;
      const next = argv[i + 1]!;
      if (moreargs >= 2 && next.length === 1 && next[0] === 126) {
        approx = true;
        i++;
      } else if (moreargs >= 2 && next.length === 1 && next[0] === 61) {
        i++;
      }
      const id = parseStrictIdOrReply(ctx, argv[i + 1]!);
      if (id === null) return null;
      minid = id;
      i++;
      strategy = 'minid';
      r.trimArgIdx = i;
    } else if (eqi(opt, 'limit') && moreargs > 0) {
      const v = int64OrReply(ctx, argv[i + 1]!);
      if (v === null) return null;
      if (v < 0n) {
        ctx.reply.error('ERR The LIMIT argument must be >= 0.');
        return null;
      }
      limit = Number(v);
      limitGiven = true;
      r.limitIdx = i;
      i++;
    } else if (xadd && eqi(opt, 'nomkstream')) {
      r.noMkstream = true;
    } else if (xadd) {
      const id = parseIdGeneric(ctx, opt, 0n, true, true);
      if (id === null) return null;
      r.id = id;
      break;
    } else {
      ctx.reply.error(errors.syntax);
      return null;
    }
  }
  r.idIdx = i;
  if (limit !== 0 && strategy === null) {
    ctx.reply.error('ERR syntax error, LIMIT cannot be used without specifying a trimming strategy');
    return null;
  }
  if (!xadd && strategy === null) {
    ctx.reply.error('ERR syntax error, XTRIM must be called with a trimming strategy');
    return null;
  }
  if (limitGiven) {
    if (!approx) {
      ctx.reply.error('ERR syntax error, LIMIT cannot be used without the special ~ option');
      return null;
    }
  } else {
    limit = approx ? approxTrimDefaultLimit : 0;
  }
  if (strategy !== null) r.trim = { strategy, maxlen, minid, approx, limit };
  return r;
}

/** The argv to log after a `~` trim: `=` and what was done, LIMIT dropped. */
function rewriteApproxTrim(argv: readonly Buffer[], a: AddTrimArgs, s: RStream, idOverride?: string): (Buffer | string)[] {
  const out: (Buffer | string)[] = [];
  const trim = a.trim!;
  for (let j = 0; j < argv.length; j++) {
    if (j === a.limitIdx) {
      j++;
      continue;
    }
    if (trim.approx && j === a.trimArgIdx - 1) out.push('=');
    else if (trim.approx && j === a.trimArgIdx) out.push(trim.strategy === 'maxlen' ? String(s.length) : formatId(s.nodes.length > 0 ? s.nodes[0]!.masterId : idMax));
    else if (idOverride !== undefined && j === a.idIdx) out.push(idOverride);
    else out.push(argv[j]!);
  }
  return out;
}

function xaddCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  const a = parseAddTrimArgs(ctx, true);
  if (a === null) return;
  const fieldPos = a.idIdx + 1;
  const nfv = argv.length - fieldPos;
  if (nfv < 2 || nfv % 2 === 1) {
    ctx.reply.error("ERR wrong number of arguments for 'xadd' command");
    return;
  }
  if (a.id !== null && a.id.seqGiven && a.id.id === 0n) {
    ctx.reply.error('ERR The ID specified in XADD must be greater than 0-0');
    return;
  }
  const key = latin1(argv[1]!);
  let s = streamOrReply(ctx, key, false);
  if (s === null) return;
  let created = false;
  if (s === undefined) {
    if (a.noMkstream) {
      ctx.reply.nil();
      return;
    }
    s = new RStream();
    created = true;
  }
  if (s.lastId === idMax) {
    ctx.reply.error('ERR The stream has exhausted the last possible ID, unable to add more items');
    return;
  }
  let id: bigint;
  if (a.id === null) {
    const ms = BigInt(ctx.nowMs);
    id = ms > idMs(s.lastId) ? makeId(ms, 0n) : s.lastId + 1n;
  } else if (a.id.seqGiven) {
    id = a.id.id;
  } else if (idMs(s.lastId) === idMs(a.id.id)) {
    if (idSeq(s.lastId) === u64Max) {
      // 7.0.15 reports this overflow with the ERANGE text.
      ctx.reply.error('ERR Elements are too large to be stored');
      return;
    }
    id = s.lastId + 1n;
  } else {
    id = a.id.id;
  }
  if (id <= s.lastId) {
    ctx.reply.error('ERR The ID specified in XADD is equal or smaller than the target stream top item');
    return;
  }
  const fv: string[] = [];
  for (let j = fieldPos; j < argv.length; j++) fv.push(latin1(argv[j]!));
  const config = ctx.engine.config;
  s.append(id, fv, Number(config.streamNodeMaxBytes), Number(config.streamNodeMaxEntries));
  if (created) ctx.db.set(key, s);
  else ctx.db.touched(key);
  const idStr = formatId(id);
  ctx.reply.bulkLatin1(idStr);
  if (a.trim !== null) s.trim(a.trim);
  const rewriteId = a.id === null || !a.id.seqGiven;
  if ((a.trim !== null && (a.trim.approx || a.limitIdx >= 0)) || rewriteId) {
    ctx.propagate(a.trim !== null ? rewriteApproxTrim(argv, a, s, rewriteId ? idStr : undefined) : argv.map((b, j) => (j === a.idIdx ? idStr : b)));
  }
}

function xtrimCommand(ctx: CommandContext): void {
  const a = parseAddTrimArgs(ctx, false);
  if (a === null) return;
  const key = latin1(ctx.argv[1]!);
  const s = streamOrReply(ctx, key, false);
  if (s === null) return;
  if (s === undefined) {
    ctx.reply.int(0);
    return;
  }
  const deleted = s.trim(a.trim!);
  if (deleted > 0) {
    ctx.db.touched(key);
    if (a.trim!.approx || a.limitIdx >= 0) ctx.propagate(rewriteApproxTrim(ctx.argv, a, s));
  }
  ctx.reply.int(deleted);
}

// --- Reads -----------------------------------------------------------------------------------

function xlenCommand(ctx: CommandContext): void {
  const s = streamOrReply(ctx, latin1(ctx.argv[1]!), true);
  if (s === null) return;
  ctx.reply.int(s === undefined ? 0 : s.length);
}

function xrangeGeneric(ctx: CommandContext, rev: boolean): void {
  const argv = ctx.argv;
  const startArg = rev ? argv[3]! : argv[2]!;
  const endArg = rev ? argv[2]! : argv[3]!;
  const sp = parseIntervalIdOrReply(ctx, startArg, 0n);
  if (sp === null) return;
  let start = sp[0];
  if (sp[1]) {
    const v = incrId(start);
    if (v === null) {
      ctx.reply.error('ERR invalid start ID for the interval');
      return;
    }
    start = v;
  }
  const ep = parseIntervalIdOrReply(ctx, endArg, u64Max);
  if (ep === null) return;
  let end = ep[0];
  if (ep[1]) {
    const v = decrId(end);
    if (v === null) {
      ctx.reply.error('ERR invalid end ID for the interval');
      return;
    }
    end = v;
  }
  let count = -1n;
  for (let j = 4; j < argv.length; j++) {
    const additional = argv.length - j - 1;
    if (eqi(argv[j]!, 'count') && additional >= 1) {
      const c = int64OrReply(ctx, argv[j + 1]!);
      if (c === null) return;
      count = c < 0n ? 0n : c;
      j++;
    } else {
      ctx.reply.error(errors.syntax);
      return;
    }
  }
  const s = streamOrReply(ctx, latin1(argv[1]!), true);
  if (s === null) return;
  if (s === undefined) {
    ctx.reply.array(0);
    return;
  }
  if (count === 0n) {
    ctx.reply.nilArray();
    return;
  }
  replyRange(ctx.reply, s, start, end, count === -1n ? 0 : Number(count > 1n << 52n ? 1n << 52n : count), rev);
}

// --- XREAD / XREADGROUP ------------------------------------------------------------------------

interface XreadArgs {
  timeoutAtMs: number; // -1: no BLOCK
  count: number; // 0: no limit
  keys: string[];
  keyArgs: Buffer[];
  /** Per key: the id to read after; idMax for `>`. */
  ids: bigint[];
  group: string | null;
  consumer: string | null;
  noack: boolean;
}

/** The part of xreadCommand that runs for one stream: replies [key, entries]; true if served. */
function serveStream(ctx: CommandContext, s: RStream, key: string, keyArg: Buffer, after: bigint, count: number, group: ConsumerGroup | null, consumerName: string | null, noack: boolean, history: boolean): void {
  const out = ctx.reply;
  if (out.resp === 2) out.array(2);
  out.bulk(keyArg);
  if (group === null) {
    const start = incrId(after);
    if (start === null) {
      out.array(0);
      return;
    }
    replyRange(out, s, start, idMax, count, false);
    return;
  }
  let consumer = group.consumers.get(consumerName!);
  if (consumer === undefined) {
    consumer = group.createConsumer(consumerName!, ctx.nowMs);
    dirty(ctx);
    propagateConsumerCreation(ctx, key, group, consumerName!);
  }
  consumer.seenTime = ctx.nowMs;
  dirty(ctx);
  if (history) {
    // streamReplyWithRangeFromConsumerPEL: this consumer's own pending entries.
    const pel = consumer.pel;
    const h = out.beginDeferred();
    let n = 0;
    // xreadCommand increments the id before choosing history: entries after it.
    const from = incrId(after);
    for (let i = from === null ? pel.size : pel.lowerBound(from); i < pel.size && (count === 0 || n < count); i++) {
      const id = pel.keys[i]!;
      const fv = s.get(id);
      if (fv === undefined) {
        out.array(2);
        replyId(out, id);
        out.nilArray();
      } else {
        replyEntry(out, id, fv);
        const nack = pel.values[i]!;
        nack.deliveryTime = ctx.nowMs;
        nack.deliveryCount++;
        // 7.0 does not propagate a history read; a replay must see the new count and time.
        propagateXclaim(ctx, key, group, id, nack);
      }
      n++;
    }
    out.endDeferred(h, n);
    return;
  }
  const start = incrId(after);
  const h = out.beginDeferred();
  let n = 0;
  let moved = false;
  if (start !== null) {
    s.range(start, idMax, false, (id, fv) => {
      if (id > group.lastId) {
        if (group.entriesRead !== invalidEntriesRead && !s.rangeHasTombstones(id)) group.entriesRead++;
        else if (s.entriesAdded !== 0) group.entriesRead = s.estimateDistance(id);
        group.lastId = id;
        moved = true;
      }
      replyEntry(out, id, fv);
      if (!noack) {
        let nack = group.pel.get(id);
        if (nack === undefined) {
          nack = new Nack(consumer, ctx.nowMs, 1);
          group.pel.set(id, nack);
          consumer.pel.set(id, nack);
        } else {
          nack.consumer.pel.delete(id);
          nack.consumer = consumer;
          nack.deliveryTime = ctx.nowMs;
          nack.deliveryCount = 1;
          consumer.pel.set(id, nack);
        }
        propagateXclaim(ctx, key, group, id, nack);
      }
      n++;
      return count === 0 || n < count;
    });
  }
  out.endDeferred(h, n);
  if (moved) propagateGroupId(ctx, key, group);
}

function parseXread(ctx: CommandContext, xreadgroup: boolean): XreadArgs | null {
  const argv = ctx.argv;
  const r: XreadArgs = { timeoutAtMs: -1, count: 0, keys: [], keyArgs: [], ids: [], group: null, consumer: null, noack: false };
  let streamsArg = 0;
  let streamsCount = 0;
  for (let i = 1; i < argv.length; i++) {
    const moreargs = argv.length - i - 1;
    const o = argv[i]!;
    if (eqi(o, 'block') && moreargs > 0) {
      i++;
      const t = blockingTimeoutOrReply(ctx, argv[i]!, 'milliseconds');
      if (t === null) return null;
      r.timeoutAtMs = t;
    } else if (eqi(o, 'count') && moreargs > 0) {
      i++;
      const c = int64OrReply(ctx, argv[i]!);
      if (c === null) return null;
      r.count = c < 0n ? 0 : Number(c > 1n << 52n ? 1n << 52n : c);
    } else if (eqi(o, 'streams') && moreargs > 0) {
      streamsArg = i + 1;
      streamsCount = argv.length - streamsArg;
      if (streamsCount % 2 !== 0) {
        // 7.0.15 names XREAD and '$' for XREADGROUP too.
        ctx.reply.error("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.");
        return null;
      }
      streamsCount /= 2;
      break;
    } else if (eqi(o, 'group') && moreargs >= 2) {
      if (!xreadgroup) {
        ctx.reply.error('ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.');
        return null;
      }
      r.group = latin1(argv[i + 1]!);
      r.consumer = latin1(argv[i + 2]!);
      i += 2;
    } else if (eqi(o, 'noack')) {
      if (!xreadgroup) {
        ctx.reply.error('ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.');
        return null;
      }
      r.noack = true;
    } else {
      ctx.reply.error(errors.syntax);
      return null;
    }
  }
  if (streamsArg === 0) {
    ctx.reply.error(errors.syntax);
    return null;
  }
  if (xreadgroup && r.group === null) {
    ctx.reply.error('ERR Missing GROUP option for XREADGROUP');
    return null;
  }
  for (let i = streamsArg + streamsCount; i < argv.length; i++) {
    const keyArg = argv[i - streamsCount]!;
    const key = latin1(keyArg);
    const v = ctx.db.lookup(key, ctx.nowMs);
    if (v !== undefined && !(v instanceof RStream)) {
      ctx.reply.error(errors.wrongType);
      return null;
    }
    if (r.group !== null) {
      if (v === undefined || !v.groups.has(r.group)) {
        ctx.reply.error(`NOGROUP No such key '${cstr(keyArg)}' or consumer group '${cstr(argv[2]!)}' in XREADGROUP with GROUP option`);
        return null;
      }
    }
    r.keys.push(key);
    r.keyArgs.push(keyArg);
    const idArg = argv[i]!;
    if (idArg.length === 1 && idArg[0] === 36) {
      if (xreadgroup) {
        ctx.reply.error('ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.');
        return null;
      }
      r.ids.push(v === undefined ? 0n : v.lastId);
      continue;
    }
    if (idArg.length === 1 && idArg[0] === 62) {
      if (!xreadgroup) {
        ctx.reply.error('ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.');
        return null;
      }
      r.ids.push(idMax);
      continue;
    }
    const id = parseStrictIdOrReply(ctx, idArg);
    if (id === null) return null;
    r.ids.push(id);
  }
  return r;
}

function xreadGeneric(ctx: CommandContext, xreadgroup: boolean): void {
  const a = parseXread(ctx, xreadgroup);
  // XREADGROUP is logged through what it does (XCLAIM, XGROUP SETID), never as sent.
  if (xreadgroup) ctx.propagate(null);
  if (a === null) return;
  const out = ctx.reply;
  let h = -1;
  let served = 0;
  for (let i = 0; i < a.keys.length; i++) {
    const v = ctx.db.lookup(a.keys[i]!, ctx.nowMs);
    if (!(v instanceof RStream)) continue;
    const s = v;
    let gt = a.ids[i]!;
    let serve = false;
    let history = false;
    const group = a.group !== null ? s.groups.get(a.group)! : null;
    if (group !== null) {
      if (gt !== idMax) {
        serve = true;
        history = true;
      } else if (s.length > 0) {
        const maxid = s.edgeId(false)!;
        if (maxid > group.lastId) {
          serve = true;
          gt = group.lastId;
        }
      }
    } else if (s.length > 0) {
      if (s.edgeId(false)! > gt) serve = true;
    }
    if (!serve) continue;
    if (served === 0) h = out.beginDeferred();
    served++;
    serveStream(ctx, s, a.keys[i]!, a.keyArgs[i]!, gt, a.count, group, a.consumer, a.noack, history);
  }
  if (served > 0) {
    out.endDeferred(h, served, out.resp === 2 ? 'array' : 'map');
    return;
  }
  if (a.timeoutAtMs === -1) {
    out.nilArray();
    return;
  }
  const blocking = blockingOf(ctx);
  if (blocking.denyBlocking(ctx.client)) {
    out.nilArray();
    return;
  }
  const ids = a.ids.slice();
  const count = a.count !== 0 ? a.count : xreadBlockedDefaultCount;
  const groupName = a.group;
  const keyArgs = new Map<string, Buffer>();
  for (let i = 0; i < a.keys.length; i++) if (!keyArgs.has(a.keys[i]!)) keyArgs.set(a.keys[i]!, Buffer.from(a.keyArgs[i]!));
  const idOf = (key: string): bigint => ids[a.keys.indexOf(key)]!;
  const consumer = a.consumer;
  const noack = a.noack;
  blocking.block(ctx, {
    keys: a.keys,
    timeoutAtMs: a.timeoutAtMs,
    // Redis wakes stream readers only on XADD (and XGROUP DESTROY, deletion); we are asked
    // on every change of the key, so "ready" means an entry past the reader's id exists,
    // which only an XADD creates: XSETID or XDEL wake nobody, as in Redis.
    ready: (db: Db, key: string, nowMs: number) => {
      const v = db.lookup(key, nowMs);
      if (groupName !== null) {
        // 7.0 unblocks XREADGROUP with an error when the key or the group went away.
        if (!(v instanceof RStream)) return true;
        const g = v.groups.get(groupName);
        if (g === undefined) return true;
        const last = v.edgeId(false);
        return last !== undefined && last > g.lastId;
      }
      if (!(v instanceof RStream)) return false;
      const last = v.edgeId(false);
      return last !== undefined && last > idOf(key);
    },
    serve: (c: CommandContext, key: string) => {
      const v = c.db.lookup(key, c.nowMs);
      if (groupName !== null) c.propagate(null);
      if (!(v instanceof RStream)) {
        c.reply.error('UNBLOCKED the stream key no longer exists');
        return;
      }
      let gt = idOf(key);
      let group: ConsumerGroup | null = null;
      if (groupName !== null) {
        group = v.groups.get(groupName) ?? null;
        if (group === null) {
          c.reply.error('NOGROUP the consumer group this client was blocked on no longer exists');
          return;
        }
        gt = group.lastId;
      }
      if (c.reply.resp === 2) {
        c.reply.array(1);
      } else {
        c.reply.map(1);
      }
      serveStream(c, v, key, keyArgs.get(key)!, gt, count, group, consumer, noack, false);
    },
    timeoutReply: (w: ReplyWriter) => w.nilArray(),
  });
}

// --- XDEL ------------------------------------------------------------------------------------

function xdelCommand(ctx: CommandContext): void {
  const key = latin1(ctx.argv[1]!);
  const s = streamOrReply(ctx, key, false);
  if (s === null) return;
  if (s === undefined) {
    ctx.reply.int(0);
    return;
  }
  const ids: bigint[] = [];
  for (let j = 2; j < ctx.argv.length; j++) {
    const id = parseStrictIdOrReply(ctx, ctx.argv[j]!);
    if (id === null) return;
    ids.push(id);
  }
  let deleted = 0;
  for (const id of ids) if (s.delete(id)) deleted++;
  if (deleted > 0) {
    s.updateFirstId();
    ctx.db.touched(key);
  }
  ctx.reply.int(deleted);
}

// --- XSETID ----------------------------------------------------------------------------------

function xsetidCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  const id = parseStrictIdOrReply(ctx, argv[2]!);
  if (id === null) return;
  let entriesAdded = -1n;
  let maxXdel = 0n;
  for (let i = 3; i < argv.length; ) {
    const moreargs = argv.length - 1 - i;
    if (eqi(argv[i]!, 'entriesadded') && moreargs > 0) {
      const v = int64OrReply(ctx, argv[i + 1]!);
      if (v === null) return;
      if (v < 0n) {
        ctx.reply.error('ERR entries_added must be positive');
        return;
      }
      entriesAdded = v;
      i += 2;
    } else if (eqi(argv[i]!, 'maxdeletedid') && moreargs > 0) {
      const v = parseStrictIdOrReply(ctx, argv[i + 1]!);
      if (v === null) return;
      if (id < v) {
        ctx.reply.error('ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id');
        return;
      }
      maxXdel = v;
      i += 2;
    } else {
      ctx.reply.error(errors.syntax);
      return;
    }
  }
  const key = latin1(argv[1]!);
  const s = streamOrReply(ctx, key, false);
  if (s === null) return;
  if (s === undefined) {
    ctx.reply.error(errors.noSuchKey);
    return;
  }
  if (s.length > 0) {
    if (id < s.edgeId(false)!) {
      ctx.reply.error('ERR The ID specified in XSETID is smaller than the target stream top item');
      return;
    }
    if (entriesAdded !== -1n && BigInt(s.length) > entriesAdded) {
      ctx.reply.error('ERR The entries_added specified in XSETID is smaller than the target stream length');
      return;
    }
  }
  s.lastId = id;
  if (entriesAdded !== -1n) s.entriesAdded = Number(entriesAdded);
  if (maxXdel !== 0n) s.maxDeletedId = maxXdel;
  ctx.reply.ok();
  ctx.db.touched(key);
}

// --- XGROUP ----------------------------------------------------------------------------------

const xgroupHelp = [
  'CREATE <key> <groupname> <id|$> [option]',
  '    Create a new consumer group. Options are:',
  '    * MKSTREAM',
  '      Create the empty stream if it does not exist.',
  '    * ENTRIESREAD entries_read',
  "      Set the group's entries_read counter (internal use).",
  'CREATECONSUMER <key> <groupname> <consumer>',
  '    Create a new consumer in the specified group.',
  'DELCONSUMER <key> <groupname> <consumer>',
  '    Remove the specified consumer.',
  'DESTROY <key> <groupname>',
  '    Remove the specified group.',
  'SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]',
  '    Set the current group ID and entries_read counter.',
];

function xgroupCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  const opt = argv[1]!;
  let s: RStream | undefined;
  let mkstream = false;
  let entriesRead = BigInt(invalidEntriesRead);
  let group: ConsumerGroup | undefined;
  const key = argv.length >= 3 ? latin1(argv[2]!) : '';
  const grpname = argv.length >= 4 ? latin1(argv[3]!) : '';
  if (argv.length >= 4) {
    if (eqi(opt, 'create') && argv.length >= 5) {
      for (let i = 5; i < argv.length; ) {
        if (eqi(argv[i]!, 'mkstream')) {
          mkstream = true;
          i++;
        } else if (eqi(argv[i]!, 'entriesread') && i + 1 < argv.length) {
          const v = int64OrReply(ctx, argv[i + 1]!);
          if (v === null) return;
          if (v < 0n && v !== -1n) {
            ctx.reply.error('ERR value for ENTRIESREAD must be positive or -1');
            return;
          }
          entriesRead = v;
          i += 2;
        } else {
          subcommandSyntaxError(ctx);
          return;
        }
      }
    }
    const v = streamOrReply(ctx, key, false);
    if (v === null) return;
    s = v;
  }
  if (argv.length >= 4 && !mkstream) {
    if (s === undefined) {
      ctx.reply.error('ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.');
      return;
    }
    group = s.groups.get(grpname);
    if (group === undefined && (eqi(opt, 'setid') || eqi(opt, 'createconsumer') || eqi(opt, 'delconsumer'))) {
      ctx.reply.error(`NOGROUP No such consumer group '${cstr(argv[3]!)}' for key name '${cstr(argv[2]!)}'`);
      return;
    }
  }
  if (argv.length === 2 && eqi(opt, 'help')) {
    replyHelp(ctx, xgroupHelp);
  } else if (eqi(opt, 'create') && argv.length >= 5 && argv.length <= 8) {
    let id: bigint;
    const idArg = argv[4]!;
    if (idArg.length === 1 && idArg[0] === 36) {
      id = s !== undefined ? s.lastId : 0n;
    } else {
      const v = parseStrictIdOrReply(ctx, idArg);
      if (v === null) return;
      id = v;
    }
    let created = false;
    if (s === undefined) {
      s = new RStream();
      created = true;
    }
    if (s.groups.has(grpname)) {
      ctx.reply.error('BUSYGROUP Consumer Group name already exists');
      return;
    }
    s.createGroup(grpname, id, Number(entriesRead));
    if (created) ctx.db.set(key, s);
    else dirty(ctx);
    ctx.reply.ok();
  } else if (eqi(opt, 'setid') && (argv.length === 5 || argv.length === 7)) {
    let id: bigint;
    const idArg = argv[4]!;
    if (idArg.length === 1 && idArg[0] === 36) {
      id = s!.lastId;
    } else {
      const v = parseIdOrReply(ctx, idArg);
      if (v === null) return;
      id = v;
    }
    if (argv.length === 7) {
      if (!eqi(argv[5]!, 'entriesread')) {
        subcommandSyntaxError(ctx);
        return;
      }
      const v = int64OrReply(ctx, argv[6]!);
      if (v === null) return;
      if (v < 0n && v !== -1n) {
        ctx.reply.error('ERR value for ENTRIESREAD must be positive or -1');
        return;
      }
      entriesRead = v;
    }
    group!.lastId = id;
    group!.entriesRead = Number(entriesRead);
    dirty(ctx);
    ctx.reply.ok();
  } else if (eqi(opt, 'destroy') && argv.length === 4) {
    if (group !== undefined) {
      s!.groups.delete(grpname);
      // Signalled, so XREADGROUP clients blocked on it get -NOGROUP (signalKeyAsReady).
      ctx.db.touched(key);
      ctx.reply.int(1);
    } else {
      ctx.reply.int(0);
    }
  } else if (eqi(opt, 'createconsumer') && argv.length === 5) {
    const name = latin1(argv[4]!);
    if (group!.consumers.has(name)) {
      ctx.reply.int(0);
    } else {
      group!.createConsumer(name, ctx.nowMs);
      dirty(ctx);
      ctx.reply.int(1);
    }
  } else if (eqi(opt, 'delconsumer') && argv.length === 5) {
    const c = group!.consumers.get(latin1(argv[4]!));
    let pending = 0;
    if (c !== undefined) {
      pending = group!.deleteConsumer(c);
      dirty(ctx);
    }
    ctx.reply.int(pending);
  } else {
    subcommandSyntaxError(ctx);
  }
}

// --- XACK / XPENDING -------------------------------------------------------------------------

function xackCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  const s = streamOrReply(ctx, latin1(argv[1]!), true);
  if (s === null) return;
  const group = s?.groups.get(latin1(argv[2]!));
  if (s === undefined || group === undefined) {
    ctx.reply.int(0);
    return;
  }
  const ids: bigint[] = [];
  for (let j = 3; j < argv.length; j++) {
    const id = parseStrictIdOrReply(ctx, argv[j]!);
    if (id === null) return;
    ids.push(id);
  }
  let acked = 0;
  for (const id of ids) {
    const nack = group.pel.get(id);
    if (nack === undefined) continue;
    group.pel.delete(id);
    nack.consumer.pel.delete(id);
    acked++;
  }
  if (acked > 0) dirty(ctx, acked);
  ctx.reply.int(acked);
}

function xpendingCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  const justinfo = argv.length === 3;
  if (argv.length !== 3 && (argv.length < 6 || argv.length > 9)) {
    ctx.reply.error(errors.syntax);
    return;
  }
  let minidle = 0n;
  let count = 0n;
  let start = 0n;
  let end = 0n;
  let consumerName: string | null = null;
  if (argv.length >= 6) {
    let startidx = 3;
    if (eqi(argv[3]!, 'idle')) {
      const v = int64OrReply(ctx, argv[4]!);
      if (v === null) return;
      minidle = v;
      if (argv.length < 8) {
        ctx.reply.error(errors.syntax);
        return;
      }
      startidx += 2;
    }
    const c = int64OrReply(ctx, argv[startidx + 2]!);
    if (c === null) return;
    count = c < 0n ? 0n : c;
    const sp = parseIntervalIdOrReply(ctx, argv[startidx]!, 0n);
    if (sp === null) return;
    start = sp[0];
    if (sp[1]) {
      const v = incrId(start);
      if (v === null) {
        ctx.reply.error('ERR invalid start ID for the interval');
        return;
      }
      start = v;
    }
    const ep = parseIntervalIdOrReply(ctx, argv[startidx + 1]!, u64Max);
    if (ep === null) return;
    end = ep[0];
    if (ep[1]) {
      const v = decrId(end);
      if (v === null) {
        ctx.reply.error('ERR invalid end ID for the interval');
        return;
      }
      end = v;
    }
    if (startidx + 3 < argv.length) consumerName = latin1(argv[startidx + 3]!);
  }
  const s = streamOrReply(ctx, latin1(argv[1]!), true);
  if (s === null) return;
  const group = s?.groups.get(latin1(argv[2]!));
  if (s === undefined || group === undefined) {
    ctx.reply.error(`NOGROUP No such key '${cstr(argv[1]!)}' or consumer group '${cstr(argv[2]!)}'`);
    return;
  }
  const out = ctx.reply;
  if (justinfo) {
    out.array(4);
    out.int(group.pel.size);
    if (group.pel.size === 0) {
      out.nil();
      out.nil();
      out.nilArray();
      return;
    }
    replyId(out, group.pel.keys[0]!);
    replyId(out, group.pel.keys[group.pel.size - 1]!);
    const withPending = group.sortedConsumers().filter((c) => c.pel.size > 0);
    out.array(withPending.length);
    for (const c of withPending) {
      out.array(2);
      out.bulkLatin1(c.name);
      out.bulkLatin1(String(c.pel.size));
    }
    return;
  }
  let pel = group.pel;
  if (consumerName !== null) {
    const c = group.consumers.get(consumerName);
    if (c === undefined) {
      out.array(0);
      return;
    }
    pel = c.pel;
  }
  const now = ctx.nowMs;
  const h = out.beginDeferred();
  let n = 0;
  for (let i = pel.lowerBound(start); count > 0n && i < pel.size && pel.keys[i]! <= end; i++) {
    const nack = pel.values[i]!;
    if (minidle !== 0n && BigInt(now - nack.deliveryTime) < minidle) continue;
    n++;
    count--;
    out.array(4);
    replyId(out, pel.keys[i]!);
    out.bulkLatin1(nack.consumer.name);
    out.int(Math.max(0, now - nack.deliveryTime));
    out.int(nack.deliveryCount);
  }
  out.endDeferred(h, n);
}

// --- XCLAIM / XAUTOCLAIM -----------------------------------------------------------------------

function lookupOrCreateConsumer(ctx: CommandContext, group: ConsumerGroup, name: string): Consumer {
  let c = group.consumers.get(name);
  if (c === undefined) {
    c = group.createConsumer(name, ctx.nowMs);
    dirty(ctx);
  }
  c.seenTime = ctx.nowMs;
  return c;
}

function xclaimCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  ctx.propagate(null);
  const key = latin1(argv[1]!);
  const s = streamOrReply(ctx, key, true);
  if (s === null) return;
  const group = s?.groups.get(latin1(argv[2]!));
  if (s === undefined || group === undefined) {
    ctx.reply.error(`NOGROUP No such key '${cstr(argv[1]!)}' or consumer group '${cstr(argv[2]!)}'`);
    return;
  }
  const mi = int64OrReply(ctx, argv[4]!, 'ERR Invalid min-idle-time argument for XCLAIM');
  if (mi === null) return;
  const minidle = mi < 0n ? 0 : Number(mi);
  const ids: bigint[] = [];
  let j = 5;
  for (; j < argv.length; j++) {
    const p = parseIdGeneric(null, argv[j]!, 0n, true);
    if (p === null) break;
    ids.push(p.id);
  }
  const now = ctx.nowMs;
  let deliverytime = -1;
  let retrycount = -1n;
  let force = false;
  let justid = false;
  let lastId = 0n;
  for (; j < argv.length; j++) {
    const moreargs = argv.length - 1 - j;
    const opt = argv[j]!;
    if (eqi(opt, 'force')) force = true;
    else if (eqi(opt, 'justid')) justid = true;
    else if (eqi(opt, 'idle') && moreargs > 0) {
      j++;
      const v = int64OrReply(ctx, argv[j]!, 'ERR Invalid IDLE option argument for XCLAIM');
      if (v === null) return;
      deliverytime = now - Number(v);
    } else if (eqi(opt, 'time') && moreargs > 0) {
      j++;
      const v = int64OrReply(ctx, argv[j]!, 'ERR Invalid TIME option argument for XCLAIM');
      if (v === null) return;
      deliverytime = Number(v);
    } else if (eqi(opt, 'retrycount') && moreargs > 0) {
      j++;
      const v = int64OrReply(ctx, argv[j]!, 'ERR Invalid RETRYCOUNT option argument for XCLAIM');
      if (v === null) return;
      retrycount = v;
    } else if (eqi(opt, 'lastid') && moreargs > 0) {
      j++;
      const v = parseStrictIdOrReply(ctx, argv[j]!);
      if (v === null) return;
      lastId = v;
    } else {
      ctx.reply.error(`ERR Unrecognized XCLAIM option '${cstr(opt)}'`);
      return;
    }
  }
  let propagateLastId = false;
  if (lastId > group.lastId) {
    group.lastId = lastId;
    propagateLastId = true;
  }
  if (deliverytime !== -1) {
    if (deliverytime < 0 || deliverytime > now) deliverytime = now;
  } else {
    deliverytime = now;
  }
  let consumer: Consumer | null = null;
  const name = latin1(argv[3]!);
  const out = ctx.reply;
  const h = out.beginDeferred();
  let n = 0;
  for (const id of ids) {
    let nack = group.pel.get(id);
    const fv = s.get(id);
    if (fv === undefined) {
      if (nack !== undefined) {
        propagateXclaim(ctx, key, group, id, nack);
        propagateLastId = false;
        dirty(ctx);
        group.pel.delete(id);
        nack.consumer.pel.delete(id);
      }
      continue;
    }
    let fresh = false;
    if (force && nack === undefined) {
      fresh = true;
    }
    if (nack === undefined && !fresh) continue;
    if (!fresh && minidle !== 0 && now - nack!.deliveryTime < minidle) continue;
    if (consumer === null) consumer = lookupOrCreateConsumer(ctx, group, name);
    if (fresh) {
      // streamCreateNACK starts the count at 1.
      nack = new Nack(consumer, deliverytime, 1);
      group.pel.set(id, nack);
      consumer.pel.set(id, nack);
    } else if (nack!.consumer !== consumer) {
      nack!.consumer.pel.delete(id);
      nack!.consumer = consumer;
      consumer.pel.set(id, nack!);
    }
    nack!.deliveryTime = deliverytime;
    if (retrycount >= 0n) nack!.deliveryCount = Number(retrycount);
    else if (!justid) nack!.deliveryCount++;
    if (justid) replyId(out, id);
    else replyEntry(out, id, fv);
    n++;
    propagateXclaim(ctx, key, group, id, nack!);
    propagateLastId = false;
    dirty(ctx);
  }
  if (propagateLastId) {
    propagateGroupId(ctx, key, group);
    dirty(ctx);
  }
  out.endDeferred(h, n);
}

function xautoclaimCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  ctx.propagate(null);
  const mi = int64OrReply(ctx, argv[4]!, 'ERR Invalid min-idle-time argument for XAUTOCLAIM');
  if (mi === null) return;
  const minidle = mi < 0n ? 0 : Number(mi);
  const sp = parseIntervalIdOrReply(ctx, argv[5]!, 0n);
  if (sp === null) return;
  let start = sp[0];
  if (sp[1]) {
    const v = incrId(start);
    if (v === null) {
      ctx.reply.error('ERR invalid start ID for the interval');
      return;
    }
    start = v;
  }
  let count = 100;
  let justid = false;
  // LONG_MAX / max(sizeof(streamID), attempts_factor 10) = LONG_MAX / 16.
  const maxCount = 9223372036854775807n / 16n;
  for (let j = 6; j < argv.length; j++) {
    const moreargs = argv.length - 1 - j;
    if (eqi(argv[j]!, 'count') && moreargs > 0) {
      const v = string2ll(latin1(argv[j + 1]!));
      if (v === null || v < 1n || v > maxCount) {
        ctx.reply.error('ERR COUNT must be > 0');
        return;
      }
      count = Number(v);
      j++;
    } else if (eqi(argv[j]!, 'justid')) {
      justid = true;
    } else {
      ctx.reply.error(errors.syntax);
      return;
    }
  }
  const key = latin1(argv[1]!);
  const s = streamOrReply(ctx, key, true);
  if (s === null) return;
  const group = s?.groups.get(latin1(argv[2]!));
  if (s === undefined || group === undefined) {
    ctx.reply.error(`NOGROUP No such key '${cstr(argv[1]!)}' or consumer group '${cstr(argv[2]!)}'`);
    return;
  }
  let attempts = count * 10;
  const now = ctx.nowMs;
  const name = latin1(argv[3]!);
  let consumer: Consumer | null = null;
  const deletedIds: bigint[] = [];
  const out = ctx.reply;
  out.array(3);
  const entries: [bigint, string[]][] = [];
  const pel = group.pel;
  let i = pel.lowerBound(start);
  while (attempts-- > 0 && count > 0 && i < pel.size) {
    const id = pel.keys[i]!;
    const nack = pel.values[i]!;
    const fv = s.get(id);
    if (fv === undefined) {
      propagateXclaim(ctx, key, group, id, nack);
      dirty(ctx);
      pel.delete(id);
      nack.consumer.pel.delete(id);
      deletedIds.push(id);
      count--;
      continue;
    }
    i++;
    if (minidle !== 0 && now - nack.deliveryTime < minidle) continue;
    if (consumer === null) consumer = lookupOrCreateConsumer(ctx, group, name);
    if (nack.consumer !== consumer) {
      nack.consumer.pel.delete(id);
      nack.consumer = consumer;
      consumer.pel.set(id, nack);
    }
    nack.deliveryTime = now;
    if (!justid) nack.deliveryCount++;
    entries.push([id, fv]);
    count--;
    propagateXclaim(ctx, key, group, id, nack);
    dirty(ctx);
  }
  replyId(out, i < pel.size ? pel.keys[i]! : 0n);
  out.array(entries.length);
  for (const [id, fv] of entries) {
    if (justid) replyId(out, id);
    else replyEntry(out, id, fv);
  }
  out.array(deletedIds.length);
  for (const id of deletedIds) replyId(out, id);
}

// --- XINFO -----------------------------------------------------------------------------------

const xinfoHelp = ['CONSUMERS <key> <groupname>', '    Show consumers of <groupname>.', 'GROUPS <key>', '    Show the stream consumer groups.', 'STREAM <key> [FULL [COUNT <count>]', '    Show information about the stream.'];

/** rax node count of `keys` 16-byte keys: a close stand-in (Redis's radix-tree-nodes). */
function raxNodeEstimate(s: RStream): number {
  return s.nodes.length === 0 ? 1 : s.nodes.length + 1;
}

function replyLag(out: ReplyWriter, s: RStream, g: ConsumerGroup): void {
  const lag = s.groupLag(g);
  if (lag === null) out.nil();
  else out.int(lag);
}

function replyEntriesRead(out: ReplyWriter, g: ConsumerGroup): void {
  if (g.entriesRead === invalidEntriesRead) out.nil();
  else out.int(g.entriesRead);
}

function xinfoStream(ctx: CommandContext, s: RStream): void {
  const argv = ctx.argv;
  const rest = argv.length - 3;
  let full = true;
  let count = 10n;
  if (rest === 0) {
    full = false;
  } else {
    if ((rest !== 1 && rest !== 3) || !eqi(argv[3]!, 'full')) {
      subcommandSyntaxError(ctx);
      return;
    }
    if (rest === 3) {
      if (!eqi(argv[4]!, 'count')) {
        subcommandSyntaxError(ctx);
        return;
      }
      const c = int64OrReply(ctx, argv[5]!);
      if (c === null) return;
      count = c < 0n ? 0n : c;
    }
  }
  const cnt = Number(count > 1n << 52n ? 1n << 52n : count);
  const out = ctx.reply;
  out.map(full ? 9 : 10);
  out.bulkLatin1('length');
  out.int(s.length);
  out.bulkLatin1('radix-tree-keys');
  out.int(s.nodes.length);
  out.bulkLatin1('radix-tree-nodes');
  out.int(raxNodeEstimate(s));
  out.bulkLatin1('last-generated-id');
  replyId(out, s.lastId);
  out.bulkLatin1('max-deleted-entry-id');
  replyId(out, s.maxDeletedId);
  out.bulkLatin1('entries-added');
  out.int(s.entriesAdded);
  out.bulkLatin1('recorded-first-entry-id');
  replyId(out, s.firstId);
  if (!full) {
    out.bulkLatin1('groups');
    out.int(s.groups.size);
    out.bulkLatin1('first-entry');
    const first = s.edgeId(true);
    if (first === undefined) out.nil();
    else replyEntry(out, first, s.get(first)!);
    out.bulkLatin1('last-entry');
    const last = s.edgeId(false);
    if (last === undefined) out.nil();
    else replyEntry(out, last, s.get(last)!);
    return;
  }
  out.bulkLatin1('entries');
  replyRange(out, s, 0n, idMax, cnt, false);
  out.bulkLatin1('groups');
  const groups = s.sortedGroups();
  out.array(groups.length);
  for (const g of groups) {
    out.map(7);
    out.bulkLatin1('name');
    out.bulkLatin1(g.name);
    out.bulkLatin1('last-delivered-id');
    replyId(out, g.lastId);
    out.bulkLatin1('entries-read');
    replyEntriesRead(out, g);
    out.bulkLatin1('lag');
    replyLag(out, s, g);
    out.bulkLatin1('pel-count');
    out.int(g.pel.size);
    out.bulkLatin1('pending');
    const np = cnt === 0 ? g.pel.size : Math.min(cnt, g.pel.size);
    out.array(np);
    for (let i = 0; i < np; i++) {
      const nack = g.pel.values[i]!;
      out.array(4);
      replyId(out, g.pel.keys[i]!);
      out.bulkLatin1(nack.consumer.name);
      out.int(nack.deliveryTime);
      out.int(nack.deliveryCount);
    }
    out.bulkLatin1('consumers');
    const consumers = g.sortedConsumers();
    out.array(consumers.length);
    for (const c of consumers) {
      out.map(4);
      out.bulkLatin1('name');
      out.bulkLatin1(c.name);
      out.bulkLatin1('seen-time');
      out.int(c.seenTime);
      out.bulkLatin1('pel-count');
      out.int(c.pel.size);
      out.bulkLatin1('pending');
      const nc = cnt === 0 ? c.pel.size : Math.min(cnt, c.pel.size);
      out.array(nc);
      for (let i = 0; i < nc; i++) {
        const nack = c.pel.values[i]!;
        out.array(3);
        replyId(out, c.pel.keys[i]!);
        out.int(nack.deliveryTime);
        out.int(nack.deliveryCount);
      }
    }
  }
}

function xinfoCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  const opt = argv[1]!;
  if (eqi(opt, 'help')) {
    if (argv.length !== 2) subcommandSyntaxError(ctx);
    else replyHelp(ctx, xinfoHelp);
    return;
  }
  const v = lookupKeyRead(ctx, latin1(argv[2]!));
  if (v === undefined) {
    ctx.reply.error(errors.noSuchKey);
    return;
  }
  if (!(v instanceof RStream)) {
    ctx.reply.error(errors.wrongType);
    return;
  }
  const s = v;
  const out = ctx.reply;
  if (eqi(opt, 'consumers') && argv.length === 4) {
    const g = s.groups.get(latin1(argv[3]!));
    if (g === undefined) {
      out.error(`NOGROUP No such consumer group '${cstr(argv[3]!)}' for key name '${cstr(argv[2]!)}'`);
      return;
    }
    const consumers = g.sortedConsumers();
    out.array(consumers.length);
    for (const c of consumers) {
      out.map(3);
      out.bulkLatin1('name');
      out.bulkLatin1(c.name);
      out.bulkLatin1('pending');
      out.int(c.pel.size);
      out.bulkLatin1('idle');
      out.int(Math.max(0, ctx.nowMs - c.seenTime));
    }
  } else if (eqi(opt, 'groups') && argv.length === 3) {
    const groups = s.sortedGroups();
    out.array(groups.length);
    for (const g of groups) {
      out.map(6);
      out.bulkLatin1('name');
      out.bulkLatin1(g.name);
      out.bulkLatin1('consumers');
      out.int(g.consumers.size);
      out.bulkLatin1('pending');
      out.int(g.pel.size);
      out.bulkLatin1('last-delivered-id');
      replyId(out, g.lastId);
      out.bulkLatin1('entries-read');
      replyEntriesRead(out, g);
      out.bulkLatin1('lag');
      replyLag(out, s, g);
    }
  } else if (eqi(opt, 'stream')) {
    xinfoStream(ctx, s);
  } else {
    subcommandSyntaxError(ctx);
  }
}

// --- The table (Redis 7.0's src/commands/x*.json) ------------------------------------------------

type Flags = CommandSpec['flags'];

const ks = (flags: string[], index: number): KeySpec => ({ flags, beginSearch: { type: 'index', index }, findKeys: { type: 'range', lastkey: 0, keystep: 1, limit: 0 } });
/** XREAD/XREADGROUP: keys after the STREAMS keyword, half of the rest. */
const ksStreams = (flags: string[], startfrom = 1): KeySpec => ({ flags, beginSearch: { type: 'keyword', keyword: 'STREAMS', startfrom }, findKeys: { type: 'range', lastkey: -1, keystep: 1, limit: 2 } });

function spec(name: string, arity: number, flags: Flags, keys: [number, number, number], categories: string[], since: string, complexity: string, summary: string, handler: CommandSpec['handler'], keySpecs: readonly KeySpec[], extra: Partial<CommandSpec> = {}): CommandSpec & CommandSpecExtras {
  return { name, arity, flags, firstKey: keys[0], lastKey: keys[1], keyStep: keys[2], categories, group: 'stream', since, complexity, summary, handler, keySpecs, ...extra };
}

/** XREAD/XREADGROUP key positions: after STREAMS, the first half of what follows. */
function xreadKeys(argv: readonly Buffer[]): number[] {
  for (let i = 1; i < argv.length; i++) {
    if (eqi(argv[i]!, 'streams')) {
      const n = Math.floor((argv.length - i - 1) / 2);
      const out: number[] = [];
      for (let j = 0; j < n; j++) out.push(i + 1 + j);
      return out;
    }
  }
  return [];
}

const one: [number, number, number] = [1, 1, 1];
const two: [number, number, number] = [2, 2, 1];
const none: [number, number, number] = [0, 0, 0];

function sub(name: string, arity: number, flags: Flags, keys: [number, number, number], categories: string[], since: string, complexity: string, summary: string, handler: CommandSpec['handler'], keySpecs: readonly KeySpec[]): CommandSpec & CommandSpecExtras {
  return spec(name, arity, flags, keys, categories, since, complexity, summary, handler, keySpecs);
}

export const streamCommands: readonly CommandSpec[] = [
  spec('xadd', -5, ['write', 'denyoom', 'fast'], one, ['write', 'stream', 'fast'], '5.0.0', 'O(1) when adding a new entry, O(N) when trimming where N being the number of entries evicted.', 'Appends a new entry to a stream', xaddCommand, [{ ...ks(['RW', 'update'], 1), notes: 'UPDATE instead of INSERT because of the optional trimming feature' }], { tips: ['nondeterministic_output'] } as Partial<CommandSpec>),
  spec('xtrim', -4, ['write'], one, ['write', 'stream', 'slow'], '5.0.0', 'O(N), with N being the number of evicted entries. Constant times are very small however, since entries are organized in macro nodes containing multiple entries that can be released with a single deallocation.', 'Trims the stream to (approximately if \'~\' is passed) a certain size', xtrimCommand, [ks(['RW', 'delete'], 1)], { tips: ['nondeterministic_output'] } as Partial<CommandSpec>),
  spec('xdel', -3, ['write', 'fast'], one, ['write', 'stream', 'fast'], '5.0.0', 'O(1) for each single item to delete in the stream, regardless of the stream size.', 'Removes the specified entries from the stream. Returns the number of items actually deleted, that may be different from the number of IDs passed in case certain IDs do not exist.', xdelCommand, [ks(['RW', 'delete'], 1)]),
  spec('xlen', 2, ['readonly', 'fast'], one, ['read', 'stream', 'fast'], '5.0.0', 'O(1)', 'Return the number of entries in a stream', xlenCommand, [ks(['RO'], 1)]),
  spec('xrange', -4, ['readonly'], one, ['read', 'stream', 'slow'], '5.0.0', 'O(N) with N being the number of elements being returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).', 'Return a range of elements in a stream, with IDs matching the specified IDs interval', (c) => xrangeGeneric(c, false), [ks(['RO', 'access'], 1)]),
  spec('xrevrange', -4, ['readonly'], one, ['read', 'stream', 'slow'], '5.0.0', 'O(N) with N being the number of elements returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).', 'Return a range of elements in a stream, with IDs matching the specified IDs interval, in reverse order (from greater to smaller IDs) compared to XRANGE', (c) => xrangeGeneric(c, true), [ks(['RO', 'access'], 1)]),
  spec('xread', -4, ['readonly', 'blocking', 'movablekeys'], none, ['read', 'stream', 'slow', 'blocking'], '5.0.0', 'For each stream mentioned: O(N) with N being the number of elements being returned, it means that XREAD-ing with a fixed COUNT is O(1). Note that when the BLOCK option is used, XADD will pay O(M) time in order to serve the M clients blocked on the stream getting new data.', 'Return never seen elements in multiple streams, with IDs greater than the ones reported by the caller for each stream. Can block.', (c) => xreadGeneric(c, false), [ksStreams(['RO', 'access'])], { getKeys: xreadKeys }),
  spec('xreadgroup', -7, ['write', 'blocking', 'movablekeys'], none, ['write', 'stream', 'slow', 'blocking'], '5.0.0', 'For each stream mentioned: O(M) with M being the number of elements returned. If M is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1). On the other side when XREADGROUP blocks, XADD will pay the O(N) time in order to serve the N clients blocked on the stream getting new data.', 'Return new entries from a stream using a consumer group, or access the history of the pending entries for a given consumer. Can block.', (c) => xreadGeneric(c, true), [ksStreams(['RO', 'access'], 4)], { getKeys: xreadKeys }),
  spec('xack', -4, ['write', 'fast'], one, ['write', 'stream', 'fast'], '5.0.0', 'O(1) for each message ID processed.', 'Marks a pending message as correctly processed, effectively removing it from the pending entries list of the consumer group. Return value of the command is the number of messages successfully acknowledged, that is, the IDs we were actually able to resolve in the PEL.', xackCommand, [ks(['RW', 'update'], 1)]),
  spec('xpending', -3, ['readonly'], one, ['read', 'stream', 'slow'], '5.0.0', 'O(N) with N being the number of elements returned, so asking for a small fixed number of entries per call is O(1). O(M), where M is the total number of entries scanned when used with the IDLE filter. When the command returns just the summary and the list of consumers is small, it runs in O(1) time; otherwise, an additional O(N) time for iterating every consumer.', 'Return information and entries from a stream consumer group pending entries list, that are messages fetched but never acknowledged.', xpendingCommand, [ks(['RO', 'access'], 1)], { tips: ['nondeterministic_output'] } as Partial<CommandSpec>),
  spec('xclaim', -6, ['write', 'fast'], one, ['write', 'stream', 'fast'], '5.0.0', 'O(log N) with N being the number of messages in the PEL of the consumer group.', 'Changes (or acquires) ownership of a message in a consumer group, as if the message was delivered to the specified consumer.', xclaimCommand, [ks(['RW', 'update'], 1)], { tips: ['nondeterministic_output'] } as Partial<CommandSpec>),
  spec('xautoclaim', -6, ['write', 'fast'], one, ['write', 'stream', 'fast'], '6.2.0', 'O(1) if COUNT is small.', 'Changes (or acquires) ownership of messages in a consumer group, as if the messages were delivered to the specified consumer.', xautoclaimCommand, [ks(['RW', 'delete'], 1)], { tips: ['nondeterministic_output'] } as Partial<CommandSpec>),
  spec('xsetid', -3, ['write', 'denyoom', 'fast'], one, ['write', 'stream', 'fast'], '5.0.0', 'O(1)', 'An internal command for replicating stream values', xsetidCommand, [ks(['RW', 'update'], 1)]),
  {
    name: 'xgroup',
    arity: -2,
    flags: [],
    firstKey: 0,
    lastKey: 0,
    keyStep: 0,
    categories: ['slow'],
    group: 'stream',
    summary: 'A container for consumer groups commands',
    since: '5.0.0',
    complexity: 'Depends on subcommand.',
    subcommands: [
      sub('xgroup|create', -5, ['write', 'denyoom'], two, ['write', 'stream', 'slow'], '5.0.0', 'O(1)', 'Create a consumer group.', xgroupCommand, [ks(['RW', 'insert'], 2)]),
      sub('xgroup|setid', -5, ['write'], two, ['write', 'stream', 'slow'], '5.0.0', 'O(1)', 'Set a consumer group to an arbitrary last delivered ID value.', xgroupCommand, [ks(['RW', 'update'], 2)]),
      sub('xgroup|destroy', 4, ['write'], two, ['write', 'stream', 'slow'], '5.0.0', 'O(N) where N is the number of entries in the group\'s pending entries list (PEL).', 'Destroy a consumer group.', xgroupCommand, [ks(['RW', 'delete'], 2)]),
      sub('xgroup|createconsumer', 5, ['write', 'denyoom'], two, ['write', 'stream', 'slow'], '6.2.0', 'O(1)', 'Create a consumer in a consumer group.', xgroupCommand, [ks(['RW', 'insert'], 2)]),
      sub('xgroup|delconsumer', 5, ['write'], two, ['write', 'stream', 'slow'], '5.0.0', 'O(1)', 'Delete a consumer from a consumer group.', xgroupCommand, [ks(['RW', 'delete'], 2)]),
      sub('xgroup|help', 2, ['loading', 'stale'], none, ['stream', 'slow'], '5.0.0', 'O(1)', 'Show helpful text about the different subcommands', xgroupCommand, []),
    ],
  },
  {
    name: 'xinfo',
    arity: -2,
    flags: [],
    firstKey: 0,
    lastKey: 0,
    keyStep: 0,
    categories: ['slow'],
    group: 'stream',
    summary: 'A container for stream introspection commands',
    since: '5.0.0',
    complexity: 'Depends on subcommand.',
    subcommands: [
      sub('xinfo|consumers', 4, ['readonly'], two, ['read', 'stream', 'slow'], '5.0.0', 'O(1)', 'List the consumers in a consumer group', xinfoCommand, [ks(['RO', 'access'], 2)]),
      sub('xinfo|groups', 3, ['readonly'], two, ['read', 'stream', 'slow'], '5.0.0', 'O(1)', 'List the consumer groups of a stream', xinfoCommand, [ks(['RO', 'access'], 2)]),
      sub('xinfo|stream', -3, ['readonly'], two, ['read', 'stream', 'slow'], '5.0.0', 'O(1)', 'Get information about a stream', xinfoCommand, [ks(['RO', 'access'], 2)]),
      sub('xinfo|help', 2, ['loading', 'stale'], none, ['stream', 'slow'], '5.0.0', 'O(1)', 'Show helpful text about the different subcommands', xinfoCommand, []),
    ],
  },
];
