// List commands (engine worker): Redis 7.0's t_list.c over RList (src/engine/types/list.ts)
// and the blocked-client machinery (src/engine/blocking.ts).
//
// Every handler follows t_list.c's order of checks, because the order decides which
// error a client sees first: LRANGE/LTRIM/LREM parse their numbers before the lookup,
// LINDEX/LSET look the key up (and check its type) first; LPOS and LMPOP parse all
// options first; the blocking commands parse the timeout first.
//
// Effects, as 7.0 rewrites what it propagates: LMPOP and an immediate BLMPOP log
// `LPOP|RPOP key count`; an immediate BLPOP/BRPOP logs `LPOP|RPOP key`; an immediate
// BLMOVE/BRPOPLPUSH logs LMOVE/RPOPLPUSH; a client served after blocking logs the same
// non-blocking command in its own record (blocking.ts). Everything else is logged as
// sent (it is deterministic).
//
// Invariants: no handler mutates before all its arguments are validated; a list left
// empty is deleted in the same command (Redis never keeps an empty list).

import { errors, eqi, keyString, latin1, string2ld, string2ll } from '../args.js';
import { blockingTimeoutOrReply, type Blocking, type BlockRequest } from '../blocking.js';
import type { CommandContext, CommandSpec } from '../command.js';
import type { CommandSpecExtras, KeySpec } from '../command-table.js';
import type { Engine } from '../engine.js';
import type { Db } from '../keyspace.js';
import { frameBytes, ListEnd, RList } from '../types/list.js';
import { lookupKeyRead } from './strings.js';
import { notify, NotifyType } from '../notify.js';

const longMax = 9223372036854775807n;
const longMin = -9223372036854775808n;

function blockingOf(ctx: CommandContext): Blocking {
  return (ctx.engine as Engine).blocking;
}

/** Redis's lookupKeyWrite: the live value (expired keys deleted), no stats. */
function lookupWrite(ctx: CommandContext, key: string): RList | undefined | null {
  const v = ctx.db.lookup(key, ctx.nowMs);
  if (v === undefined) return undefined;
  return v instanceof RList ? v : null;
}

/**
 * A list at key for a command: the list, undefined if missing, or null after a
 * WRONGTYPE reply.
 */
function listOrReply(ctx: CommandContext, key: string, read: boolean): RList | undefined | null {
  const v = read ? lookupKeyRead(ctx, key) : ctx.db.lookup(key, ctx.nowMs);
  if (v === undefined) return undefined;
  if (!(v instanceof RList)) {
    ctx.reply.error(errors.wrongType);
    return null;
  }
  return v;
}

/**
 * Redis's getLongFromObjectOrReply / getRangeLongFromObjectOrReply: a long in
 * [min, max] or null after the error (`msg` replaces both texts when given).
 */
function longOrReply(ctx: CommandContext, buf: Buffer, msg?: string, min = longMin, max = longMax): number | null {
  // Fast path (LRANGE's "0 99"): up to 15 digits, in string2ll's canonical form (no
  // leading zero, no '+'; "-" then 1-9), read from the bytes without a string or BigInt.
  const n = buf.length;
  if (n > 0 && n <= 15) {
    const neg = buf[0] === 45;
    let i = neg ? 1 : 0;
    const first = buf[i];
    if (first !== undefined && (first === 48 ? n === 1 : first >= 49 && first <= 57)) {
      let v = first - 48;
      for (i++; i < n; i++) {
        const d = buf[i]! - 48;
        if (d < 0 || d > 9) break;
        v = v * 10 + d;
      }
      if (i === n) {
        const r = neg ? -v : v;
        if (r >= Number(min) && r <= Number(max)) return r;
      }
    }
  }
  const v = string2ll(latin1(buf));
  if (v === null) {
    ctx.reply.error(msg ?? errors.notInteger);
    return null;
  }
  if (v < min || v > max) {
    ctx.reply.error(msg ?? `ERR value is out of range, value must between ${min} and ${max}`);
    return null;
  }
  // Beyond 2^53 the exact value no longer matters: every use clamps to a list length.
  return Number(v);
}

/** LEFT/RIGHT (Redis's getListPositionFromObjectOrReply). */
function sideOrReply(ctx: CommandContext, buf: Buffer): ListEnd | null {
  if (eqi(buf, 'left')) return ListEnd.head;
  if (eqi(buf, 'right')) return ListEnd.tail;
  ctx.reply.error(errors.syntax);
  return null;
}

const sideName = (where: ListEnd): string => (where === ListEnd.head ? 'LEFT' : 'RIGHT');
const popName = (where: ListEnd): string => (where === ListEnd.head ? 'LPOP' : 'RPOP');

/** Deletes key if its list became empty (Redis's listElementsRemoved), else marks it modified. */
/** After elements left the list: the command's event, then the key goes if empty (with 'del'). */
function afterRemoval(ctx: CommandContext, key: string, list: RList, event: string): void {
  notify(ctx, NotifyType.list, event, key);
  if (list.length === 0) {
    ctx.db.delete(key);
    notify(ctx, NotifyType.generic, 'del', key);
  } else {
    ctx.db.touched(key);
  }
}

const popEvent = (where: ListEnd): string => (where === ListEnd.head ? 'lpop' : 'rpop');
const pushEvent = (where: ListEnd): string => (where === ListEnd.head ? 'lpush' : 'rpush');

function timeoutArg(ctx: CommandContext, arg: Buffer): number | null {
  return blockingTimeoutOrReply(ctx, arg, string2ld);
}

// --- Push ------------------------------------------------------------------------------

function pushGeneric(ctx: CommandContext, where: ListEnd, xx: boolean): void {
  const argv = ctx.argv;
  const key = keyString(argv[1]!);
  let list = listOrReply(ctx, key, false);
  if (list === null) return;
  if (list === undefined) {
    if (xx) {
      ctx.reply.int(0);
      return;
    }
    list = new RList();
    for (let j = 2; j < argv.length; j++) list.pushBytes(argv[j]!, where);
    ctx.db.set(key, list);
  } else {
    for (let j = 2; j < argv.length; j++) list.pushBytes(argv[j]!, where);
    ctx.db.touched(key);
  }
  notify(ctx, NotifyType.list, pushEvent(where), key);
  ctx.reply.int(list.length);
}

// --- Pop ---------------------------------------------------------------------------------

function popGeneric(ctx: CommandContext, where: ListEnd): void {
  const argv = ctx.argv;
  if (argv.length > 3) {
    ctx.reply.error(`ERR wrong number of arguments for '${argv[0]!.latin1Slice(0, argv[0]!.length).toLowerCase()}' command`);
    return;
  }
  let count = 0;
  const hasCount = argv.length === 3;
  if (hasCount) {
    const c = longOrReply(ctx, argv[2]!, errors.notPositive, 0n);
    if (c === null) return;
    count = c;
  }
  const key = keyString(argv[1]!);
  const list = listOrReply(ctx, key, false);
  if (list === null) return;
  if (list === undefined) {
    if (hasCount) ctx.reply.nilArray();
    else ctx.reply.nil();
    return;
  }
  if (hasCount && count === 0) {
    ctx.reply.array(0);
    return;
  }
  if (!hasCount) {
    list.popTo(ctx.reply, where);
  } else {
    const n = Math.min(count, list.length);
    ctx.reply.array(n);
    for (let i = 0; i < n; i++) list.popTo(ctx.reply, where);
  }
  afterRemoval(ctx, key, list, popEvent(where));
}

// --- Reads ---------------------------------------------------------------------------------

function llenCommand(ctx: CommandContext): void {
  const list = listOrReply(ctx, keyString(ctx.argv[1]!), true);
  if (list === null) return;
  ctx.reply.int(list === undefined ? 0 : list.length);
}

function lindexCommand(ctx: CommandContext): void {
  const list = listOrReply(ctx, keyString(ctx.argv[1]!), true);
  if (list === null) return;
  if (list === undefined) {
    ctx.reply.nil();
    return;
  }
  const index = longOrReply(ctx, ctx.argv[2]!);
  if (index === null) return;
  const i = list.resolveIndex(index);
  if (i < 0) ctx.reply.nil();
  else list.writeAt(ctx.reply, i);
}

/** Redis's range clamping for LRANGE/LTRIM: [start, end] within the list, or empty. */
function clampRange(start: number, end: number, len: number): [number, number] | null {
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (start > end || start >= len) return null;
  if (end >= len) end = len - 1;
  return [start, end];
}

function lrangeCommand(ctx: CommandContext): void {
  const start = longOrReply(ctx, ctx.argv[2]!);
  if (start === null) return;
  const end = longOrReply(ctx, ctx.argv[3]!);
  if (end === null) return;
  const list = listOrReply(ctx, keyString(ctx.argv[1]!), true);
  if (list === null) return;
  if (list === undefined) {
    ctx.reply.array(0);
    return;
  }
  const r = clampRange(start, end, list.length);
  if (r === null) {
    ctx.reply.array(0);
    return;
  }
  ctx.reply.array(r[1] - r[0] + 1);
  list.writeRange(ctx.reply, r[0], r[1]);
}

function lposCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  let rank = 1;
  let count = -1;
  let maxlen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!;
    const more = j < argv.length - 1;
    if (eqi(opt, 'rank') && more) {
      let r = longOrReply(ctx, argv[++j]!);
      if (r === null) return;
      // 7.0 negates LONG_MIN into itself: it acts as -1 (the first match from the tail).
      if (r === Number(longMin)) r = -1;
      if (r === 0) {
        ctx.reply.error("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list");
        return;
      }
      rank = r;
    } else if (eqi(opt, 'count') && more) {
      const c = longOrReply(ctx, argv[++j]!, "ERR COUNT can't be negative", 0n);
      if (c === null) return;
      count = c;
    } else if (eqi(opt, 'maxlen') && more) {
      const m = longOrReply(ctx, argv[++j]!, "ERR MAXLEN can't be negative", 0n);
      if (m === null) return;
      maxlen = m;
    } else {
      ctx.reply.error(errors.syntax);
      return;
    }
  }
  const list = listOrReply(ctx, latin1(argv[1]!), true);
  if (list === null) return;
  if (list === undefined) {
    if (count !== -1) ctx.reply.array(0);
    else ctx.reply.nil();
    return;
  }
  const ele = frameBytes(argv[2]!); // framed elements are equal iff their bytes are
  const len = list.length;
  const fromHead = rank > 0;
  let skip = Math.abs(rank) - 1;
  const want = count === -1 ? 1 : count === 0 ? Infinity : count;
  const found: number[] = [];
  for (let n = 0; n < len && (maxlen === 0 || n < maxlen) && found.length < want; n++) {
    const i = fromHead ? n : len - 1 - n;
    if (!list.equalsAt(i, ele)) continue;
    if (skip > 0) {
      skip--;
      continue;
    }
    found.push(i);
  }
  if (count === -1) {
    if (found.length === 0) ctx.reply.nil();
    else ctx.reply.int(found[0]!);
    return;
  }
  ctx.reply.array(found.length);
  for (const i of found) ctx.reply.int(i);
}

// --- In-place writes ----------------------------------------------------------------------

function lsetCommand(ctx: CommandContext): void {
  const key = latin1(ctx.argv[1]!);
  const list = listOrReply(ctx, key, false);
  if (list === null) return;
  if (list === undefined) {
    ctx.reply.error(errors.noSuchKey);
    return;
  }
  const index = longOrReply(ctx, ctx.argv[2]!);
  if (index === null) return;
  const i = list.resolveIndex(index);
  if (i < 0) {
    ctx.reply.error(errors.outOfRange);
    return;
  }
  list.set(i, latin1(ctx.argv[3]!));
  ctx.db.touched(key);
  notify(ctx, NotifyType.list, 'lset', key);
  ctx.reply.ok();
}

function ltrimCommand(ctx: CommandContext): void {
  const start = longOrReply(ctx, ctx.argv[2]!);
  if (start === null) return;
  const end = longOrReply(ctx, ctx.argv[3]!);
  if (end === null) return;
  const key = latin1(ctx.argv[1]!);
  const list = listOrReply(ctx, key, false);
  if (list === null) return;
  if (list === undefined) {
    ctx.reply.ok();
    return;
  }
  const r = clampRange(start, end, list.length);
  if (r === null) list.keepRange(1, 0);
  else list.keepRange(r[0], r[1]);
  afterRemoval(ctx, key, list, 'ltrim');
  ctx.reply.ok();
}

function lremCommand(ctx: CommandContext): void {
  const toremove = longOrReply(ctx, ctx.argv[2]!);
  if (toremove === null) return;
  const key = latin1(ctx.argv[1]!);
  const list = listOrReply(ctx, key, false);
  if (list === null) return;
  if (list === undefined) {
    ctx.reply.int(0);
    return;
  }
  const removed = list.removeMatching(latin1(ctx.argv[3]!), Math.abs(toremove), toremove >= 0);
  if (removed > 0) afterRemoval(ctx, key, list, 'lrem');
  ctx.reply.int(removed);
}

function linsertCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  let after: boolean;
  if (eqi(argv[2]!, 'after')) after = true;
  else if (eqi(argv[2]!, 'before')) after = false;
  else {
    ctx.reply.error(errors.syntax);
    return;
  }
  const key = latin1(argv[1]!);
  const list = listOrReply(ctx, key, false);
  if (list === null) return;
  if (list === undefined) {
    ctx.reply.int(0);
    return;
  }
  const pivot = frameBytes(argv[3]!);
  for (let i = 0; i < list.length; i++) {
    if (!list.equalsAt(i, pivot)) continue;
    list.insertAt(after ? i + 1 : i, latin1(argv[4]!));
    ctx.db.touched(key);
    notify(ctx, NotifyType.list, 'linsert', key);
    ctx.reply.int(list.length);
    return;
  }
  ctx.reply.int(-1);
}

// --- LMOVE family ----------------------------------------------------------------------------

/**
 * Pops from the list at src (known non-empty) and pushes onto dst, replying the element
 * (lmoveGenericCommand after its checks); false (after WRONGTYPE) if dst is not a list.
 */
function moveElement(ctx: CommandContext, src: string, srcList: RList, dst: string, wherefrom: ListEnd, whereto: ListEnd): boolean {
  const d = lookupWrite(ctx, dst);
  if (d === null) {
    ctx.reply.error(errors.wrongType);
    return false;
  }
  const value = srcList.popFramed(wherefrom)!;
  let dstList = d;
  if (dstList === undefined) {
    dstList = new RList();
    dstList.pushFramed(value, whereto);
    ctx.db.set(dst, dstList);
  } else {
    dstList.pushFramed(value, whereto);
    ctx.db.touched(dst);
  }
  notify(ctx, NotifyType.list, pushEvent(whereto), dst);
  ctx.reply.raw(value);
  afterRemoval(ctx, src, srcList, popEvent(wherefrom));
  return true;
}

function lmoveGeneric(ctx: CommandContext, wherefrom: ListEnd, whereto: ListEnd): void {
  const src = latin1(ctx.argv[1]!);
  const list = listOrReply(ctx, src, false);
  if (list === null) return;
  if (list === undefined) {
    ctx.reply.nil();
    return;
  }
  moveElement(ctx, src, list, latin1(ctx.argv[2]!), wherefrom, whereto);
}

function lmoveCommand(ctx: CommandContext): void {
  const from = sideOrReply(ctx, ctx.argv[3]!);
  if (from === null) return;
  const to = sideOrReply(ctx, ctx.argv[4]!);
  if (to === null) return;
  lmoveGeneric(ctx, from, to);
}

function rpoplpushCommand(ctx: CommandContext): void {
  lmoveGeneric(ctx, ListEnd.tail, ListEnd.head);
}

// --- LMPOP -------------------------------------------------------------------------------------

/** Replies [key, [elements...]] popping up to count, and logs `LPOP|RPOP key count`. */
function popRangeWithKey(ctx: CommandContext, key: string, list: RList, where: ListEnd, count: number): void {
  const n = Math.min(count, list.length);
  ctx.reply.array(2);
  ctx.reply.bulkLatin1(key);
  ctx.reply.array(n);
  for (let i = 0; i < n; i++) list.popTo(ctx.reply, where);
  afterRemoval(ctx, key, list, popEvent(where));
  ctx.propagate([popName(where), key, String(count)]);
}

/** Parses LMPOP/BLMPOP's `numkeys key... LEFT|RIGHT [COUNT n]` from argv[numkeysIdx]. */
function parseMpop(ctx: CommandContext, numkeysIdx: number): { keys: string[]; where: ListEnd; count: number } | null {
  const argv = ctx.argv;
  const numkeys = longOrReply(ctx, argv[numkeysIdx]!, 'ERR numkeys should be greater than 0', 1n);
  if (numkeys === null) return null;
  const whereIdx = numkeysIdx + numkeys + 1;
  if (whereIdx >= argv.length) {
    ctx.reply.error(errors.syntax);
    return null;
  }
  const where = sideOrReply(ctx, argv[whereIdx]!);
  if (where === null) return null;
  let count = -1;
  for (let j = whereIdx + 1; j < argv.length; j++) {
    if (count === -1 && eqi(argv[j]!, 'count') && j < argv.length - 1) {
      const c = longOrReply(ctx, argv[++j]!, 'ERR count should be greater than 0', 1n);
      if (c === null) return null;
      count = c;
    } else {
      ctx.reply.error(errors.syntax);
      return null;
    }
  }
  if (count === -1) count = 1;
  const keys: string[] = [];
  for (let j = numkeysIdx + 1; j < whereIdx; j++) keys.push(latin1(argv[j]!));
  return { keys, where, count };
}

/** mpopGenericCommand: pops from the first non-empty list; false if all were empty. */
function mpopFirst(ctx: CommandContext, keys: readonly string[], where: ListEnd, count: number): boolean | null {
  for (const key of keys) {
    const list = listOrReply(ctx, key, false);
    if (list === null) return null;
    if (list === undefined) continue;
    popRangeWithKey(ctx, key, list, where, count);
    return true;
  }
  return false;
}

function lmpopCommand(ctx: CommandContext): void {
  const p = parseMpop(ctx, 1);
  if (p === null) return;
  const r = mpopFirst(ctx, p.keys, p.where, p.count);
  if (r === false) ctx.reply.nilArray();
}

const mpopKeys = (numkeysIdx: number) => (argv: readonly Buffer[]): number[] => {
  const n = Number(string2ll(latin1(argv[numkeysIdx]!)) ?? 0n);
  const out: number[] = [];
  for (let i = 0; i < n && numkeysIdx + 1 + i < argv.length; i++) out.push(numkeysIdx + 1 + i);
  return out;
};

// --- Blocking pops -------------------------------------------------------------------------

/** A non-empty list at key, for a blocked client's `ready` check. */
function readyList(db: Db, key: string, nowMs: number): RList | undefined {
  const v = db.lookup(key, nowMs);
  return v instanceof RList && v.length > 0 ? v : undefined;
}

const nullArrayReply = (out: import('../reply.js').ReplyWriter): void => out.nilArray();

function blockingPopGeneric(ctx: CommandContext, where: ListEnd): void {
  const argv = ctx.argv;
  const timeoutAtMs = timeoutArg(ctx, argv[argv.length - 1]!);
  if (timeoutAtMs === null) return;
  const keys: string[] = [];
  for (let j = 1; j < argv.length - 1; j++) {
    const key = latin1(argv[j]!);
    keys.push(key);
    const list = listOrReply(ctx, key, false);
    if (list === null) return;
    if (list === undefined) continue;
    ctx.reply.array(2);
    ctx.reply.bulkLatin1(key);
    list.popTo(ctx.reply, where);
    afterRemoval(ctx, key, list, popEvent(where));
    ctx.propagate([popName(where), key]);
    return;
  }
  const blocking = blockingOf(ctx);
  if (blocking.denyBlocking(ctx.client)) {
    ctx.reply.nilArray();
    return;
  }
  const request: BlockRequest = {
    keys,
    timeoutAtMs,
    ready: (db, key, nowMs) => readyList(db, key, nowMs) !== undefined,
    serve: (c, key) => {
      const list = readyList(c.db, key, c.nowMs)!;
      c.reply.array(2);
      c.reply.bulkLatin1(key);
      list.popTo(c.reply, where);
      afterRemoval(c, key, list, popEvent(where));
      c.propagate([popName(where), key]);
    },
    timeoutReply: nullArrayReply,
  };
  blocking.block(ctx, request);
}

function blmoveGeneric(ctx: CommandContext, wherefrom: ListEnd, whereto: ListEnd, timeoutArgIdx: number, rpoplpush: boolean): void {
  const argv = ctx.argv;
  const timeoutAtMs = timeoutArg(ctx, argv[timeoutArgIdx]!);
  if (timeoutAtMs === null) return;
  const src = latin1(argv[1]!);
  const dst = latin1(argv[2]!);
  const propagation = rpoplpush ? ['RPOPLPUSH', src, dst] : ['LMOVE', src, dst, sideName(wherefrom), sideName(whereto)];
  const list = listOrReply(ctx, src, false);
  if (list === null) return;
  if (list !== undefined) {
    moveElement(ctx, src, list, dst, wherefrom, whereto);
    ctx.propagate(propagation);
    return;
  }
  const blocking = blockingOf(ctx);
  if (blocking.denyBlocking(ctx.client)) {
    ctx.reply.nil();
    return;
  }
  blocking.block(ctx, {
    keys: [src],
    timeoutAtMs,
    ready: (db, key, nowMs) => readyList(db, key, nowMs) !== undefined,
    serve: (c, key) => {
      // A destination of the wrong type answers WRONGTYPE and unblocks (7.0), the
      // source untouched.
      if (moveElement(c, key, readyList(c.db, key, c.nowMs)!, dst, wherefrom, whereto)) c.propagate(propagation);
    },
    // On timeout 7.0 answers every list-blocked client with a null array, BLMOVE too.
    timeoutReply: nullArrayReply,
  });
}

function blmpopCommand(ctx: CommandContext): void {
  const timeoutAtMs = timeoutArg(ctx, ctx.argv[1]!);
  if (timeoutAtMs === null) return;
  const p = parseMpop(ctx, 2);
  if (p === null) return;
  const r = mpopFirst(ctx, p.keys, p.where, p.count);
  if (r !== false) return;
  const blocking = blockingOf(ctx);
  if (blocking.denyBlocking(ctx.client)) {
    ctx.reply.nilArray();
    return;
  }
  const { where, count } = p;
  blocking.block(ctx, {
    keys: p.keys,
    timeoutAtMs,
    ready: (db, key, nowMs) => readyList(db, key, nowMs) !== undefined,
    serve: (c, key) => popRangeWithKey(c, key, readyList(c.db, key, c.nowMs)!, where, count),
    timeoutReply: nullArrayReply,
  });
}

// --- The table (Redis 7.0's src/commands/*.json, as COMMAND INFO reports them) -------------

type Flags = CommandSpec['flags'];

function spec(
  name: string,
  arity: number,
  flags: Flags,
  keys: [number, number, number],
  categories: string[],
  since: string,
  complexity: string,
  summary: string,
  handler: CommandSpec['handler'],
  keySpecs: readonly KeySpec[],
  getKeys?: CommandSpec['getKeys'],
): CommandSpec & CommandSpecExtras {
  return { name, arity, flags, firstKey: keys[0], lastKey: keys[1], keyStep: keys[2], categories, group: 'list', since, complexity, summary, handler, keySpecs, ...(getKeys !== undefined ? { getKeys } : {}) };
}

/** A key spec as COMMAND INFO prints it: index `index`, a range to `lastkey` (Redis 7.0's JSON). */
const ks = (flags: string[], index: number, lastkey = 0): KeySpec => ({ flags, beginSearch: { type: 'index', index }, findKeys: { type: 'range', lastkey, keystep: 1, limit: 0 } });
/** LMPOP/BLMPOP: numkeys at `index`, the keys after it. */
const ksKeynum = (index: number): KeySpec => ({ flags: ['RW', 'access', 'delete'], beginSearch: { type: 'index', index }, findKeys: { type: 'keynum', keynumidx: 0, firstkey: 1, keystep: 1 } });
const ksInsert = [ks(['RW', 'insert'], 1)];
const ksPop = [ks(['RW', 'access', 'delete'], 1)];
const ksRead = [ks(['RO', 'access'], 1)];
const ksMove = [ks(['RW', 'access', 'delete'], 1), ks(['RW', 'insert'], 2)];

const one: [number, number, number] = [1, 1, 1];
const two: [number, number, number] = [1, 2, 1];
const wf = ['write', 'list', 'fast'];
const ws = ['write', 'list', 'slow'];
const rf = ['read', 'list', 'fast'];
const rs = ['read', 'list', 'slow'];
const wb = ['write', 'list', 'slow', 'blocking'];

export const listCommands: readonly CommandSpec[] = [
  spec('lpush', -3, ['write', 'denyoom', 'fast'], one, wf, '1.0.0', 'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.', 'Prepend one or multiple elements to a list', (c) => pushGeneric(c, ListEnd.head, false), ksInsert),
  spec('rpush', -3, ['write', 'denyoom', 'fast'], one, wf, '1.0.0', 'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.', 'Append one or multiple elements to a list', (c) => pushGeneric(c, ListEnd.tail, false), ksInsert),
  spec('lpushx', -3, ['write', 'denyoom', 'fast'], one, wf, '2.2.0', 'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.', 'Prepend an element to a list, only if the list exists', (c) => pushGeneric(c, ListEnd.head, true), ksInsert),
  spec('rpushx', -3, ['write', 'denyoom', 'fast'], one, wf, '2.2.0', 'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.', 'Append an element to a list, only if the list exists', (c) => pushGeneric(c, ListEnd.tail, true), ksInsert),
  spec('lpop', -2, ['write', 'fast'], one, wf, '1.0.0', 'O(N) where N is the number of elements returned', 'Remove and get the first elements in a list', (c) => popGeneric(c, ListEnd.head), ksPop),
  spec('rpop', -2, ['write', 'fast'], one, wf, '1.0.0', 'O(N) where N is the number of elements returned', 'Remove and get the last elements in a list', (c) => popGeneric(c, ListEnd.tail), ksPop),
  spec('llen', 2, ['readonly', 'fast'], one, rf, '1.0.0', 'O(1)', 'Get the length of a list', llenCommand, [ks(['RO'], 1)]),
  spec('lindex', 3, ['readonly'], one, rs, '1.0.0', 'O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1).', 'Get an element from a list by its index', lindexCommand, ksRead),
  spec('lset', 4, ['write', 'denyoom'], one, ws, '1.0.0', 'O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).', 'Set the value of an element in a list by its index', lsetCommand, [ks(['RW', 'update'], 1)]),
  spec('lrange', 4, ['readonly'], one, rs, '1.0.0', 'O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.', 'Get a range of elements from a list', lrangeCommand, ksRead),
  spec('ltrim', 4, ['write'], one, ws, '1.0.0', 'O(N) where N is the number of elements to be removed by the operation.', 'Trim a list to the specified range', ltrimCommand, [ks(['RW', 'delete'], 1)]),
  spec('lrem', 4, ['write'], one, ws, '1.0.0', 'O(N+M) where N is the length of the list and M is the number of elements removed.', 'Remove elements from a list', lremCommand, [ks(['RW', 'delete'], 1)]),
  spec('linsert', 5, ['write', 'denyoom'], one, ws, '2.2.0', 'O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N).', 'Insert an element before or after another element in a list', linsertCommand, ksInsert),
  spec('lpos', -3, ['readonly'], one, rs, '6.0.6', 'O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.', 'Return the index of matching elements on a list', lposCommand, ksRead),
  spec('lmove', 5, ['write', 'denyoom'], two, ws, '6.2.0', 'O(1)', 'Pop an element from a list, push it to another list and return it', lmoveCommand, ksMove),
  spec('rpoplpush', 3, ['write', 'denyoom'], two, ws, '1.2.0', 'O(1)', 'Remove the last element in a list, prepend it to another list and return it', rpoplpushCommand, ksMove),
  spec('lmpop', -4, ['write', 'movablekeys'], [0, 0, 0], ws, '7.0.0', 'O(N+M) where N is the number of provided keys and M is the number of elements returned.', 'Pop elements from a list', lmpopCommand, [ksKeynum(1)], mpopKeys(1)),
  spec('blpop', -3, ['write', 'noscript', 'blocking'], [1, -2, 1], wb, '2.0.0', 'O(N) where N is the number of provided keys.', 'Remove and get the first element in a list, or block until one is available', (c) => blockingPopGeneric(c, ListEnd.head), [ks(['RW', 'access', 'delete'], 1, -2)]),
  spec('brpop', -3, ['write', 'noscript', 'blocking'], [1, -2, 1], wb, '2.0.0', 'O(N) where N is the number of provided keys.', 'Remove and get the last element in a list, or block until one is available', (c) => blockingPopGeneric(c, ListEnd.tail), [ks(['RW', 'access', 'delete'], 1, -2)]),
  spec('blmove', 6, ['write', 'denyoom', 'noscript', 'blocking'], two, wb, '6.2.0', 'O(1)', 'Pop an element from a list, push it to another list and return it; or block until one is available', (c) => {
    const from = sideOrReply(c, c.argv[3]!);
    if (from === null) return;
    const to = sideOrReply(c, c.argv[4]!);
    if (to === null) return;
    blmoveGeneric(c, from, to, 5, false);
  }, ksMove),
  spec('brpoplpush', 4, ['write', 'denyoom', 'noscript', 'blocking'], two, wb, '2.2.0', 'O(1)', 'Pop an element from a list, push it to another list and return it; or block until one is available', (c) => blmoveGeneric(c, ListEnd.tail, ListEnd.head, 3, true), ksMove),
  spec('blmpop', -5, ['write', 'blocking', 'movablekeys'], [0, 0, 0], wb, '7.0.0', 'O(N+M) where N is the number of provided keys and M is the number of elements returned.', 'Pop elements from a list or block until one is available', blmpopCommand, [ksKeynum(2)], mpopKeys(2)),
];
