// Set commands (engine worker): Redis 7.0's t_set.c handlers over RSet
// (src/engine/types/set.ts).
//
// Order of checks, as t_set.c: SPOP/SRANDMEMBER parse their count before the lookup;
// SINTERCARD validates numkeys and LIMIT before any lookup; the multi-key reads look
// every key up, and a WRONGTYPE anywhere wins over a missing key; SMOVE answers 0 for
// a missing source before checking the destination's type; SSCAN parses the cursor,
// then looks the key up (a missing key answers the empty scan without validating the
// options), then parses the options.
//
// Replies, as 7.0: SMEMBERS, SINTER, SUNION, SDIFF and SPOP with a count answer a set
// (~ in RESP3); SRANDMEMBER with a count answers an array. SINTER iterates its smallest
// set (a stable sort by size, as glibc's qsort), SUNION/SDIFF answer a fresh set built
// from the inputs (an intset when every member is an integer, so sorted).
//
// Effects, as 7.0 propagates them: SPOP without a count is logged as `SREM key member`;
// SPOP with a count that empties the set as `DEL key` (UNLINK under
// lazyfree-lazy-server-del), otherwise as one `SREM key member` per popped member and
// not as itself. SRANDMEMBER never writes. The STORE forms are logged as sent (their
// result is a function of the keyspace). A set emptied by SREM/SMOVE/SPOP is deleted.
//
// Invariants: no handler mutates before all arguments are validated; no empty set is
// ever stored; every in-place change is followed by ctx.db.touched(key).

import { errors, eqi, keyString, latin1, string2ll } from '../args.js';
import type { CommandContext, CommandSpec } from '../command.js';
import type { CommandSpecExtras } from '../command-table.js';
import { globMatch } from '../glob.js';
import type { Db } from '../keyspace.js';
import { RSet } from '../types/set.js';
import { parseRandomCount, replyBulk, parseScanCursor, refuseHugeRandomReply, parseScanOptions, replyEmptyScan, scanStart, uniqueRandomIndexes } from './hashes.js';
import { lookupKeyRead } from './strings.js';
import { notify, NotifyType } from '../notify.js';

type Spec = CommandSpec & CommandSpecExtras;

// --- Lookups -------------------------------------------------------------------------------

/** The set at key for reading (a hit or miss is counted); WRONGTYPE replied -> null. */
function setRead(ctx: CommandContext, key: string): RSet | undefined | null {
  const v = lookupKeyRead(ctx, key);
  if (v === undefined) return undefined;
  if (!(v instanceof RSet)) {
    ctx.reply.error(errors.wrongType);
    return null;
  }
  return v;
}

/** The set at key for writing; WRONGTYPE replied -> null. */
function setWrite(ctx: CommandContext, key: string): RSet | undefined | null {
  const v = ctx.db.lookup(key, ctx.nowMs);
  if (v === undefined) return undefined;
  if (!(v instanceof RSet)) {
    ctx.reply.error(errors.wrongType);
    return null;
  }
  return v;
}

/** Deletes the key if its set became empty, else signals the in-place change. */
/** After members left the set: the command's event, then the key goes if empty (with 'del'). */
function afterRemove(ctx: CommandContext, key: string, set: RSet, event: string): void {
  notify(ctx, NotifyType.set, event, key);
  if (set.size === 0) {
    ctx.db.delete(key);
    notify(ctx, NotifyType.generic, 'del', key);
  } else {
    ctx.db.touched(key);
  }
}

/** Replies a whole set (members in its order) as a RESP3 set / RESP2 array. */
function replySetMembers(ctx: CommandContext, set: RSet): void {
  const n = set.size;
  ctx.reply.set(n);
  for (let i = 0; i < n; i++) replyBulk(ctx.reply, set.memberForReply(i));
}

// --- Single-key commands -------------------------------------------------------------------

function saddCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  const key = keyString(argv[1]!);
  let set = setWrite(ctx, key);
  if (set === null) return;
  const created = set === undefined;
  if (set === undefined) set = RSet.forMember(latin1(argv[2]!));
  const limits = ctx.engine.config;
  let added = 0;
  for (let j = 2; j < argv.length; j++) if (set.addBytes(argv[j]!, limits)) added++;
  if (created) ctx.db.set(key, set);
  else if (added > 0) ctx.db.touched(key);
  if (added > 0) notify(ctx, NotifyType.set, 'sadd', key);
  ctx.reply.int(added);
}

function sremCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  const key = keyString(argv[1]!);
  const set = setWrite(ctx, key);
  if (set === null) return;
  if (set === undefined) {
    ctx.reply.int(0);
    return;
  }
  let deleted = 0;
  for (let j = 2; j < argv.length; j++) {
    if (set.removeBytes(argv[j]!)) {
      deleted++;
      if (set.size === 0) break;
    }
  }
  if (deleted > 0) afterRemove(ctx, key, set, 'srem');
  ctx.reply.int(deleted);
}

function scardCommand(ctx: CommandContext): void {
  const set = setRead(ctx, keyString(ctx.argv[1]!));
  if (set === null) return;
  ctx.reply.int(set?.size ?? 0);
}

function sismemberCommand(ctx: CommandContext): void {
  const set = setRead(ctx, keyString(ctx.argv[1]!));
  if (set === null) return;
  ctx.reply.int(set?.hasBytes(ctx.argv[2]!) === true ? 1 : 0);
}

function smismemberCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  const set = setRead(ctx, keyString(argv[1]!));
  if (set === null) return;
  ctx.reply.array(argv.length - 2);
  for (let j = 2; j < argv.length; j++) ctx.reply.int(set?.hasBytes(argv[j]!) === true ? 1 : 0);
}

function smoveCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  const srcKey = keyString(argv[1]!);
  const dstKey = latin1(argv[2]!);
  const srcValue = ctx.db.lookup(srcKey, ctx.nowMs);
  const dstValue = ctx.db.lookup(dstKey, ctx.nowMs);
  if (srcValue === undefined) {
    ctx.reply.int(0);
    return;
  }
  if (!(srcValue instanceof RSet) || (dstValue !== undefined && !(dstValue instanceof RSet))) {
    ctx.reply.error(errors.wrongType);
    return;
  }
  const member = latin1(argv[3]!);
  if (srcKey === dstKey) {
    ctx.reply.int(srcValue.has(member) ? 1 : 0);
    return;
  }
  if (!srcValue.remove(member)) {
    ctx.reply.int(0);
    return;
  }
  afterRemove(ctx, srcKey, srcValue, 'srem');
  if (dstValue === undefined) {
    const dst = RSet.forMember(member);
    dst.add(member, ctx.engine.config);
    ctx.db.set(dstKey, dst);
    notify(ctx, NotifyType.set, 'sadd', dstKey);
  } else if (dstValue.add(member, ctx.engine.config)) {
    ctx.db.touched(dstKey);
    notify(ctx, NotifyType.set, 'sadd', dstKey);
  }
  ctx.reply.int(1);
}

// --- SPOP and SRANDMEMBER --------------------------------------------------------------------

function spopCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  if (argv.length === 3) {
    spopWithCount(ctx);
    return;
  }
  if (argv.length > 3) {
    ctx.reply.error(errors.syntax);
    return;
  }
  const keyBuf = argv[1]!;
  const key = latin1(keyBuf);
  const set = setWrite(ctx, key);
  if (set === null) return;
  if (set === undefined) {
    ctx.reply.nil();
    return;
  }
  const member = set.memberAt(set.randomIndex(ctx.keyspace.random));
  set.remove(member);
  afterRemove(ctx, key, set, 'spop');
  ctx.propagate(['SREM', keyBuf, member]);
  ctx.reply.bulkLatin1(member);
}

/** Redis 7.0's spopWithCountCommand and its three cases. */
function spopWithCount(ctx: CommandContext): void {
  const argv = ctx.argv;
  // getPositiveLongFromObjectOrReply: one message for a non-integer and a negative.
  const l = string2ll(latin1(argv[2]!));
  if (l === null || l < 0n) {
    ctx.reply.error(errors.notPositive);
    return;
  }
  const keyBuf = argv[1]!;
  const key = latin1(keyBuf);
  const set = setWrite(ctx, key);
  if (set === null) return;
  if (set === undefined || l === 0n) {
    ctx.reply.set(0);
    return;
  }
  const size = set.size;
  // Case 1: the count covers the whole set: answer it (as SUNION of the key would),
  // delete the key, and log a DEL.
  if (l >= BigInt(size)) {
    replySetMembers(ctx, unionOf([set], ctx.engine.config));
    notify(ctx, NotifyType.set, 'spop', key);
    ctx.db.delete(key);
    notify(ctx, NotifyType.generic, 'del', key);
    ctx.propagate([ctx.engine.config.lazyfreeLazyServerDel ? 'UNLINK' : 'DEL', keyBuf]);
    return;
  }
  let count = Number(l);
  const random = ctx.keyspace.random;
  const dbIndex = ctx.db.index;
  const reply = ctx.reply;
  notify(ctx, NotifyType.set, 'spop', key);
  reply.set(count);
  const remaining = size - count;
  if (remaining * 5 > count) {
    // Case 2: few members popped: pick and remove them one by one.
    while (count-- > 0) {
      const member = set.memberAt(set.randomIndex(random));
      reply.bulkLatin1(member);
      set.remove(member);
      ctx.alsoPropagate(dbIndex, ['SREM', keyBuf, member]);
    }
    ctx.db.touched(key);
  } else {
    // Case 3: most members popped: move the few that remain into a new set (its
    // encoding chosen afresh, as Redis's setTypeCreate), answer the rest.
    let kept: RSet | null = null;
    for (let r = 0; r < remaining; r++) {
      const member = set.memberAt(set.randomIndex(random));
      if (kept === null) kept = RSet.forMember(member);
      kept.add(member, ctx.engine.config);
      set.remove(member);
    }
    for (let i = 0; i < set.size; i++) {
      const member = set.memberAt(i);
      reply.bulkLatin1(member);
      ctx.alsoPropagate(dbIndex, ['SREM', keyBuf, member]);
    }
    ctx.db.overwrite(key, kept!);
  }
  ctx.propagate(null);
}

function srandmemberCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  if (argv.length === 3) {
    srandmemberWithCount(ctx);
    return;
  }
  if (argv.length > 3) {
    ctx.reply.error(errors.syntax);
    return;
  }
  const set = setRead(ctx, keyString(argv[1]!));
  if (set === null) return;
  if (set === undefined) {
    ctx.reply.nil();
    return;
  }
  replyBulk(ctx.reply, set.memberForReply(set.randomIndex(ctx.keyspace.random)));
}

/** Redis 7.0's srandmemberWithCountCommand and its cases. */
function srandmemberWithCount(ctx: CommandContext): void {
  const l = parseRandomCount(ctx, ctx.argv[2]!);
  if (l === null) return;
  const uniq = l >= 0;
  let count = Math.abs(l);
  const set = setRead(ctx, keyString(ctx.argv[1]!));
  if (set === null) return;
  const reply = ctx.reply;
  if (set === undefined || count === 0) {
    reply.array(0);
    return;
  }
  const random = ctx.keyspace.random;
  const size = set.size;
  // Case 1: a negative count (or 1) samples the whole set every time.
  if (!uniq || count === 1) {
    if (refuseHugeRandomReply(ctx, count)) return;
    reply.array(count);
    while (count-- > 0) replyBulk(reply, set.memberForReply(set.randomIndex(random)));
    return;
  }
  // Case 2: the count covers the whole set: all of it, in its order.
  if (count >= size) {
    reply.array(size);
    for (let i = 0; i < size; i++) replyBulk(reply, set.memberForReply(i));
    return;
  }
  // Cases 3 and 4: distinct random members.
  reply.array(count);
  for (const i of uniqueRandomIndexes(size, count, random)) replyBulk(reply, set.memberForReply(i));
}

// --- Multi-key algebra --------------------------------------------------------------------------

/**
 * Looks up every key of argv[from..to) as a set (missing keys are null). Returns
 * undefined after a WRONGTYPE reply: every key is looked up first, as Redis does.
 */
function lookupSets(ctx: CommandContext, from: number, to: number): (RSet | null)[] | undefined {
  const sets: (RSet | null)[] = [];
  for (let j = from; j < to; j++) {
    const v = lookupKeyRead(ctx, latin1(ctx.argv[j]!));
    if (v === undefined) {
      sets.push(null);
      continue;
    }
    if (!(v instanceof RSet)) {
      ctx.reply.error(errors.wrongType);
      return undefined;
    }
    sets.push(v);
  }
  return sets;
}

/** The members of the intersection, in the order of the smallest set (stable by size). */
function intersection(sets: readonly RSet[], limit: number): string[] {
  const ordered = sets.slice().sort((a, b) => a.size - b.size);
  const first = ordered[0]!;
  const out: string[] = [];
  for (let i = 0; i < first.size; i++) {
    // A hashtable member is probed by its bytes; a string is made only for a result.
    const m = first.memberForReply(i);
    let all = true;
    for (let j = 1; j < ordered.length; j++) {
      const s = ordered[j]!;
      if (s !== first && !(typeof m === 'string' ? s.has(m) : s.hasBytes(m))) {
        all = false;
        break;
      }
    }
    if (all) {
      out.push(typeof m === 'string' ? m : m.latin1Slice(0, m.length));
      if (limit > 0 && out.length >= limit) break;
    }
  }
  return out;
}

/** A new set of the given members: an intset first, converted as members require. */
function setOf(members: readonly string[], limits: { readonly setMaxIntsetEntries: number }): RSet {
  const s = new RSet();
  for (const m of members) s.add(m, limits);
  return s;
}

/** Redis's SET_OP_UNION into a fresh set (dstset starts as an intset). */
function unionOf(sets: readonly (RSet | null)[], limits: { readonly setMaxIntsetEntries: number }): RSet {
  const dst = new RSet();
  for (const s of sets) {
    if (s === null) continue;
    for (let i = 0; i < s.size; i++) {
      const m = s.memberForReply(i); // a hashtable's view: copied by addBytes, no string made
      if (typeof m === 'string') dst.add(m, limits);
      else dst.addBytes(m, limits);
    }
  }
  return dst;
}

/** Redis's SET_OP_DIFF (either algorithm gives the same members) into a fresh set. */
function diffOf(sets: readonly (RSet | null)[], limits: { readonly setMaxIntsetEntries: number }): RSet {
  const dst = new RSet();
  const first = sets[0];
  if (first === null || first === undefined) return dst;
  for (let j = 1; j < sets.length; j++) if (sets[j] === first) return dst; // the same key: empty
  for (let i = 0; i < first.size; i++) {
    // A hashtable member is probed by its bytes (a view: dst is another set, so it stays valid).
    const m = first.memberForReply(i);
    let found = false;
    for (let j = 1; j < sets.length; j++) {
      const s = sets[j];
      if (s !== null && s !== undefined && (typeof m === 'string' ? s.has(m) : s.hasBytes(m))) {
        found = true;
        break;
      }
    }
    if (!found) {
      if (typeof m === 'string') dst.add(m, limits);
      else dst.addBytes(m, limits);
    }
  }
  return dst;
}

/** Stores `result` at dstKey (or deletes dstKey when it is empty), replying its size. */
function storeResult(ctx: CommandContext, dstKey: string, result: RSet): void {
  if (result.size > 0) {
    ctx.db.set(dstKey, result);
    notify(ctx, NotifyType.set, ctx.argv[0]!.latin1Slice(0, ctx.argv[0]!.length).toLowerCase(), dstKey);
    ctx.reply.int(result.size);
  } else {
    if (ctx.db.delete(dstKey)) notify(ctx, NotifyType.generic, 'del', dstKey);
    ctx.reply.int(0);
  }
}

/** Redis's sinterGenericCommand without cardinality_only. */
function sinterGeneric(ctx: CommandContext, from: number, dstKey: string | null): void {
  const sets = lookupSets(ctx, from, ctx.argv.length);
  if (sets === undefined) return;
  if (sets.includes(null)) {
    if (dstKey !== null) {
      if (ctx.db.delete(dstKey)) notify(ctx, NotifyType.generic, 'del', dstKey);
      ctx.reply.int(0);
    } else {
      ctx.reply.set(0);
    }
    return;
  }
  const members = intersection(sets as RSet[], 0);
  if (dstKey !== null) {
    storeResult(ctx, dstKey, setOf(members, ctx.engine.config));
    return;
  }
  ctx.reply.set(members.length);
  for (const m of members) ctx.reply.bulkLatin1(m);
}

function sinterCommand(ctx: CommandContext): void {
  sinterGeneric(ctx, 1, null);
}

/** SMEMBERS is SINTER of one key in Redis 7.0. */
function smembersCommand(ctx: CommandContext): void {
  sinterGeneric(ctx, 1, null);
}

function sinterstoreCommand(ctx: CommandContext): void {
  sinterGeneric(ctx, 2, keyString(ctx.argv[1]!));
}

function sintercardCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  const n = string2ll(keyString(argv[1]!));
  if (n === null || n < 1n) {
    ctx.reply.error('ERR numkeys should be greater than 0');
    return;
  }
  if (n > BigInt(argv.length - 2)) {
    ctx.reply.error("ERR Number of keys can't be greater than number of args");
    return;
  }
  const numkeys = Number(n);
  let limit = 0;
  for (let j = 2 + numkeys; j < argv.length; j++) {
    const moreArgs = argv.length - 1 - j;
    if (eqi(argv[j]!, 'limit') && moreArgs > 0) {
      j++;
      const l = string2ll(latin1(argv[j]!));
      if (l === null || l < 0n) {
        ctx.reply.error("ERR LIMIT can't be negative");
        return;
      }
      limit = l > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(l);
    } else {
      ctx.reply.error(errors.syntax);
      return;
    }
  }
  const sets = lookupSets(ctx, 2, 2 + numkeys);
  if (sets === undefined) return;
  if (sets.includes(null)) {
    ctx.reply.int(0);
    return;
  }
  ctx.reply.int(intersection(sets as RSet[], limit).length);
}

function sunionDiffGeneric(ctx: CommandContext, from: number, dstKey: string | null, diff: boolean): void {
  const sets = lookupSets(ctx, from, ctx.argv.length);
  if (sets === undefined) return;
  const limits = ctx.engine.config;
  const result = diff ? diffOf(sets, limits) : unionOf(sets, limits);
  if (dstKey !== null) storeResult(ctx, dstKey, result);
  else replySetMembers(ctx, result);
}

function sunionCommand(ctx: CommandContext): void {
  sunionDiffGeneric(ctx, 1, null, false);
}

function sunionstoreCommand(ctx: CommandContext): void {
  sunionDiffGeneric(ctx, 2, keyString(ctx.argv[1]!), false);
}

function sdiffCommand(ctx: CommandContext): void {
  sunionDiffGeneric(ctx, 1, null, true);
}

function sdiffstoreCommand(ctx: CommandContext): void {
  sunionDiffGeneric(ctx, 2, keyString(ctx.argv[1]!), true);
}

// --- SSCAN ---------------------------------------------------------------------------------------

function sscanCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  const cursor = parseScanCursor(ctx, argv[2]!);
  if (cursor === null) return;
  const set = setRead(ctx, keyString(argv[1]!));
  if (set === null) return;
  if (set === undefined) {
    replyEmptyScan(ctx);
    return;
  }
  const opts = parseScanOptions(ctx, 3);
  if (opts === null) return;
  const pattern = opts.pattern;
  const found: string[] = [];
  let next = 0;
  if (set.isIntset()) {
    // An intset is returned whole, with cursor 0, as Redis does.
    for (let i = 0; i < set.size; i++) {
      const m = set.memberAt(i);
      if (pattern === null || globMatch(pattern, m)) found.push(m);
    }
  } else {
    next = set.scanTable(scanStart(cursor, set.size), opts.count, (m) => {
      if (pattern === null || globMatch(pattern, m)) found.push(m);
    });
  }
  const reply = ctx.reply;
  reply.array(2);
  reply.bulkLatin1(String(next));
  reply.array(found.length);
  for (const m of found) reply.bulkLatin1(m);
}

// --- The table (Redis 7.0.15's COMMAND INFO / COMMAND DOCS) --------------------------------

export const setCommands: readonly Spec[] = [
  { name: 'sadd', arity: -3, flags: ['write','denyoom','fast'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['write','set','fast'], group: 'set', since: '1.0.0', complexity: 'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.', summary: 'Add one or more members to a set', keySpecs: [{flags: ['RW','insert'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}}], handler: saddCommand },
  { name: 'srem', arity: -3, flags: ['write','fast'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['write','set','fast'], group: 'set', since: '1.0.0', complexity: 'O(N) where N is the number of members to be removed.', summary: 'Remove one or more members from a set', keySpecs: [{flags: ['RW','delete'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}}], handler: sremCommand },
  { name: 'scard', arity: 2, flags: ['readonly','fast'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['read','set','fast'], group: 'set', since: '1.0.0', complexity: 'O(1)', summary: 'Get the number of members in a set', keySpecs: [{flags: ['RO'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}}], handler: scardCommand },
  { name: 'sismember', arity: 3, flags: ['readonly','fast'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['read','set','fast'], group: 'set', since: '1.0.0', complexity: 'O(1)', summary: 'Determine if a given value is a member of a set', keySpecs: [{flags: ['RO'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}}], handler: sismemberCommand },
  { name: 'smismember', arity: -3, flags: ['readonly','fast'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['read','set','fast'], group: 'set', since: '6.2.0', complexity: 'O(N) where N is the number of elements being checked for membership', summary: 'Returns the membership associated with the given elements for a set', keySpecs: [{flags: ['RO','access'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}}], handler: smismemberCommand },
  { name: 'smembers', arity: 2, flags: ['readonly'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['read','set','slow'], group: 'set', since: '1.0.0', complexity: 'O(N) where N is the set cardinality.', summary: 'Get all the members in a set', tips: ['nondeterministic_output_order'], keySpecs: [{flags: ['RO','access'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}}], handler: smembersCommand },
  { name: 'srandmember', arity: -2, flags: ['readonly'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['read','set','slow'], group: 'set', since: '1.0.0', complexity: 'Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.', summary: 'Get one or multiple random members from a set', tips: ['nondeterministic_output'], keySpecs: [{flags: ['RO','access'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}}], handler: srandmemberCommand },
  { name: 'spop', arity: -2, flags: ['write','fast'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['write','set','fast'], group: 'set', since: '1.0.0', complexity: 'Without the count argument O(1), otherwise O(N) where N is the value of the passed count.', summary: 'Remove and return one or multiple random members from a set', tips: ['nondeterministic_output'], keySpecs: [{flags: ['RW','access','delete'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}}], handler: spopCommand },
  { name: 'smove', arity: 4, flags: ['write','fast'], firstKey: 1, lastKey: 2, keyStep: 1, categories: ['write','set','fast'], group: 'set', since: '1.0.0', complexity: 'O(1)', summary: 'Move a member from one set to another', keySpecs: [{flags: ['RW','access','delete'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}},{flags: ['RW','insert'], beginSearch: {type: 'index', index: 2}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}}], handler: smoveCommand },
  { name: 'sinter', arity: -2, flags: ['readonly'], firstKey: 1, lastKey: -1, keyStep: 1, categories: ['read','set','slow'], group: 'set', since: '1.0.0', complexity: 'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.', summary: 'Intersect multiple sets', tips: ['nondeterministic_output_order'], keySpecs: [{flags: ['RO','access'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: -1, keystep: 1, limit: 0}}], handler: sinterCommand },
  { name: 'sintercard', arity: -3, flags: ['readonly','movablekeys'], firstKey: 0, lastKey: 0, keyStep: 0, categories: ['read','set','slow'], group: 'set', since: '7.0.0', complexity: 'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.', summary: 'Intersect multiple sets and return the cardinality of the result', keySpecs: [{flags: ['RO','access'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'keynum', keynumidx: 0, firstkey: 1, keystep: 1}}], handler: sintercardCommand },
  { name: 'sunion', arity: -2, flags: ['readonly'], firstKey: 1, lastKey: -1, keyStep: 1, categories: ['read','set','slow'], group: 'set', since: '1.0.0', complexity: 'O(N) where N is the total number of elements in all given sets.', summary: 'Add multiple sets', tips: ['nondeterministic_output_order'], keySpecs: [{flags: ['RO','access'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: -1, keystep: 1, limit: 0}}], handler: sunionCommand },
  { name: 'sdiff', arity: -2, flags: ['readonly'], firstKey: 1, lastKey: -1, keyStep: 1, categories: ['read','set','slow'], group: 'set', since: '1.0.0', complexity: 'O(N) where N is the total number of elements in all given sets.', summary: 'Subtract multiple sets', tips: ['nondeterministic_output_order'], keySpecs: [{flags: ['RO','access'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: -1, keystep: 1, limit: 0}}], handler: sdiffCommand },
  { name: 'sinterstore', arity: -3, flags: ['write','denyoom'], firstKey: 1, lastKey: -1, keyStep: 1, categories: ['write','set','slow'], group: 'set', since: '1.0.0', complexity: 'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.', summary: 'Intersect multiple sets and store the resulting set in a key', keySpecs: [{flags: ['RW','update'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}},{flags: ['RO','access'], beginSearch: {type: 'index', index: 2}, findKeys: {type: 'range', lastkey: -1, keystep: 1, limit: 0}}], handler: sinterstoreCommand },
  { name: 'sunionstore', arity: -3, flags: ['write','denyoom'], firstKey: 1, lastKey: -1, keyStep: 1, categories: ['write','set','slow'], group: 'set', since: '1.0.0', complexity: 'O(N) where N is the total number of elements in all given sets.', summary: 'Add multiple sets and store the resulting set in a key', keySpecs: [{flags: ['OW','update'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}},{flags: ['RO','access'], beginSearch: {type: 'index', index: 2}, findKeys: {type: 'range', lastkey: -1, keystep: 1, limit: 0}}], handler: sunionstoreCommand },
  { name: 'sdiffstore', arity: -3, flags: ['write','denyoom'], firstKey: 1, lastKey: -1, keyStep: 1, categories: ['write','set','slow'], group: 'set', since: '1.0.0', complexity: 'O(N) where N is the total number of elements in all given sets.', summary: 'Subtract multiple sets and store the resulting set in a key', keySpecs: [{flags: ['OW','update'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}},{flags: ['RO','access'], beginSearch: {type: 'index', index: 2}, findKeys: {type: 'range', lastkey: -1, keystep: 1, limit: 0}}], handler: sdiffstoreCommand },
  { name: 'sscan', arity: -3, flags: ['readonly'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['read','set','slow'], group: 'set', since: '2.8.0', complexity: 'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..', summary: 'Incrementally iterate Set elements', tips: ['nondeterministic_output'], keySpecs: [{flags: ['RO','access'], beginSearch: {type: 'index', index: 1}, findKeys: {type: 'range', lastkey: 0, keystep: 1, limit: 0}}], handler: sscanCommand },
];
