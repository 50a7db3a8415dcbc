// HyperLogLog commands (engine worker): Redis 7.0's PFADD, PFCOUNT and PFMERGE over the
// byte-exact representation in src/engine/types/hyperloglog.ts. An HLL is a string
// value; every write stores the new bytes as a 'raw' string (Redis unshares it first).
//
// Order of checks as hyperloglog.c: a key that exists must be a string (WRONGTYPE) and
// then a valid HLL ("-WRONGTYPE Key is not a valid HyperLogLog string value."); a
// corrupt sparse body found while working answers "-INVALIDOBJ Corrupted HLL object
// detected" without storing anything.
//
// Effects: PFADD and PFMERGE are deterministic and logged as sent. PFCOUNT of one key
// whose cached cardinality is stale writes the new cache into the value, as Redis does
// (it counts as a change there too): it is logged as sent, and replays to the same bytes.
//
// Invariants: no handler stores before its last error check; a stored HLL is valid.

import { errors, latin1 } from '../args.js';
import type { CommandContext, CommandSpec } from '../command.js';
import type { CommandSpecExtras } from '../command-table.js';
import { countRaw, Hll, HLL_SPARSE, hllHeaderBytes, hllRegisterCount, hllSelfTest, isHllString } from '../types/hyperloglog.js';
import { hllSparseBytesMax } from '../../limits.js';
import { notify, NotifyType } from '../notify.js';
import { lookupKeyRead } from './strings.js';

const notHllError = 'WRONGTYPE Key is not a valid HyperLogLog string value.';
const corruptError = 'INVALIDOBJ Corrupted HLL object detected';

/** isHLLObjectOrReply for an existing value: the HLL's bytes, or null after the reply. */
function hllOrReply(ctx: CommandContext, v: string | object): Hll | null {
  if (typeof v !== 'string') {
    ctx.reply.error(errors.wrongType);
    return null;
  }
  if (!isHllString(v)) {
    ctx.reply.error(notHllError);
    return null;
  }
  return Hll.fromString(v);
}

function store(ctx: CommandContext, key: string, h: Hll, existed: boolean): void {
  if (existed) ctx.db.overwrite(key, h.toString());
  else ctx.db.set(key, h.toString());
  ctx.db.markRawString(key);
}

function pfaddCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  const key = latin1(argv[1]!);
  const v = ctx.db.lookup(key, ctx.nowMs);
  let h: Hll;
  let updated = 0;
  if (v === undefined) {
    h = Hll.create();
    updated++;
  } else {
    const got = hllOrReply(ctx, v);
    if (got === null) return;
    h = got;
  }
  for (let j = 2; j < argv.length; j++) {
    const r = h.add(argv[j]!, hllSparseBytesMax);
    if (r === 1) updated++;
    else if (r === -1) {
      // Redis has already created a new key by now; a new key is never corrupt, so
      // only an existing (unchanged) value can get here.
      ctx.reply.error(corruptError);
      return;
    }
  }
  if (updated > 0) {
    h.invalidateCache();
    store(ctx, key, h, v !== undefined);
    notify(ctx, NotifyType.string, 'pfadd', key);
  } else {
    ctx.db.markRawString(key);
  }
  ctx.reply.int(updated > 0 ? 1 : 0);
}

function pfcountCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  if (argv.length > 2) {
    const max = new Uint8Array(hllRegisterCount);
    for (let j = 1; j < argv.length; j++) {
      const v = lookupKeyRead(ctx, latin1(argv[j]!));
      if (v === undefined) continue;
      const h = hllOrReply(ctx, v);
      if (h === null) return;
      if (!h.mergeInto(max)) return ctx.reply.error(corruptError);
    }
    return ctx.reply.int(countRaw(max));
  }
  const key = latin1(argv[1]!);
  const v = lookupKeyRead(ctx, key);
  if (v === undefined) return ctx.reply.int(0);
  const h = hllOrReply(ctx, v);
  if (h === null) return;
  // Redis unshares the value before anything else: it reads as 'raw' from now on.
  ctx.db.markRawString(key);
  if (h.cacheValid()) return ctx.reply.int(h.cachedCard());
  const card = h.count();
  if (card === null) return ctx.reply.error(corruptError);
  h.setCachedCard(card);
  store(ctx, key, h, true);
  ctx.reply.int(card);
}

function pfmergeCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  const max = new Uint8Array(hllRegisterCount);
  let useDense = false;
  for (let j = 1; j < argv.length; j++) {
    const v = lookupKeyRead(ctx, latin1(argv[j]!));
    if (v === undefined) continue;
    const h = hllOrReply(ctx, v);
    if (h === null) return;
    if (h.encoding === 0) useDense = true;
    if (!h.mergeInto(max)) return ctx.reply.error(corruptError);
  }
  const key = latin1(argv[1]!);
  const v = ctx.db.lookup(key, ctx.nowMs);
  // The destination, if it exists, was checked as a source above (it is argv[1]).
  const h = v === undefined ? Hll.create() : Hll.fromString(v as string);
  if (useDense && !h.toDense()) return ctx.reply.error(corruptError);
  for (let j = 0; j < hllRegisterCount; j++) {
    if (max[j] === 0) continue;
    h.set(j, max[j]!, hllSparseBytesMax);
  }
  h.invalidateCache();
  store(ctx, key, h, v !== undefined);
  // A PFADD event, as Redis (a merge is a mass add).
  notify(ctx, NotifyType.string, 'pfadd', key);
  ctx.reply.ok();
}

/**
 * PFDEBUG GETREG|DECODE|ENCODING|TODENSE key (a debugging command, as 7.0). GETREG and
 * TODENSE convert a sparse HLL to dense for good, as Redis does (and count as a write,
 * so the conversion is logged with the command).
 */
function pfdebugCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  const sub = latin1(argv[1]!);
  const key = latin1(argv[2]!);
  const v = ctx.db.lookup(key, ctx.nowMs);
  if (v === undefined) return ctx.reply.error('ERR The specified key does not exist');
  const h = hllOrReply(ctx, v);
  if (h === null) return;
  ctx.db.markRawString(key);
  const lower = sub.toLowerCase();
  const known = lower === 'getreg' || lower === 'decode' || lower === 'encoding' || lower === 'todense';
  if (!known) return ctx.reply.error(`ERR Unknown PFDEBUG subcommand '${sub}'`);
  if (argv.length !== 3) return ctx.reply.error(`ERR Wrong number of arguments for the '${sub}' subcommand`);
  if (lower === 'getreg' || lower === 'todense') {
    const wasSparse = h.encoding === HLL_SPARSE;
    if (wasSparse) {
      if (!h.toDense()) return ctx.reply.error(corruptError);
      store(ctx, key, h, true);
    }
    if (lower === 'todense') return ctx.reply.int(wasSparse ? 1 : 0);
    const max = new Uint8Array(hllRegisterCount);
    h.mergeInto(max);
    ctx.reply.array(hllRegisterCount);
    for (let j = 0; j < hllRegisterCount; j++) ctx.reply.int(max[j]!);
    return;
  }
  if (lower === 'encoding') return ctx.reply.status(h.encoding === HLL_SPARSE ? 'sparse' : 'dense');
  // DECODE
  if (h.encoding !== HLL_SPARSE) return ctx.reply.error('ERR HLL encoding is not sparse');
  const parts: string[] = [];
  const b = h.buf;
  for (let p = hllHeaderBytes; p < h.len; ) {
    const op = b[p]!;
    if ((op & 0xc0) === 0) {
      parts.push(`z:${(op & 0x3f) + 1}`);
      p++;
    } else if ((op & 0xc0) === 0x40) {
      parts.push(`Z:${(((op & 0x3f) << 8) | (b[p + 1] ?? 0)) + 1}`);
      p += 2;
    } else {
      parts.push(`v:${((op >> 2) & 0x1f) + 1},${(op & 3) + 1}`);
      p++;
    }
  }
  ctx.reply.bulkLatin1(parts.join(' '));
}

/** PFSELFTEST: hllSelfTest (a smaller run than Redis's), +OK or its failure. */
function pfselftestCommand(ctx: CommandContext): void {
  const failure = hllSelfTest(ctx.keyspace.random);
  if (failure === null) ctx.reply.ok();
  else ctx.reply.error(failure);
}

// --- The table (Redis 7.0's src/commands/*.json) ----------------------------------------------

export const hyperloglogCommands: readonly (CommandSpec & CommandSpecExtras)[] = [
  { name: 'pfadd', arity: -2, flags: ['write', 'denyoom', 'fast'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['write', 'hyperloglog', 'fast'], group: 'hyperloglog', since: '2.8.9', complexity: 'O(1) to add every element.', summary: 'Adds the specified elements to the specified HyperLogLog.', keySpecs: [{ flags: ['RW', 'insert'], beginSearch: { type: 'index', index: 1 }, findKeys: { type: 'range', lastkey: 0, keystep: 1, limit: 0 } }], handler: pfaddCommand },
  { name: 'pfcount', arity: -2, flags: ['readonly'], firstKey: 1, lastKey: -1, keyStep: 1, categories: ['read', 'hyperloglog', 'slow'], group: 'hyperloglog', since: '2.8.9', complexity: 'O(1) with a very small average constant time when called with a single key. O(N) with N being the number of keys, and much bigger constant times, when called with multiple keys.', summary: 'Return the approximated cardinality of the set(s) observed by the HyperLogLog at key(s).', keySpecs: [{ notes: 'RW because it may change the internal representation of the key, and propagate to replicas', flags: ['RW', 'access'], beginSearch: { type: 'index', index: 1 }, findKeys: { type: 'range', lastkey: -1, keystep: 1, limit: 0 } }], handler: pfcountCommand },
  { name: 'pfmerge', arity: -2, flags: ['write', 'denyoom'], firstKey: 1, lastKey: -1, keyStep: 1, categories: ['write', 'hyperloglog', 'slow'], group: 'hyperloglog', since: '2.8.9', complexity: 'O(N) to merge N HyperLogLogs, but with high constant times.', summary: 'Merge N different HyperLogLogs into a single one.', keySpecs: [{ flags: ['RW', 'access', 'insert'], beginSearch: { type: 'index', index: 1 }, findKeys: { type: 'range', lastkey: 0, keystep: 1, limit: 0 } }, { flags: ['RO', 'access'], beginSearch: { type: 'index', index: 2 }, findKeys: { type: 'range', lastkey: -1, keystep: 1, limit: 0 } }], handler: pfmergeCommand },
  { name: 'pfdebug', arity: 3, flags: ['write', 'denyoom', 'admin'], firstKey: 2, lastKey: 2, keyStep: 1, categories: ['write', 'hyperloglog', 'admin', 'slow', 'dangerous'], group: 'hyperloglog', since: '2.8.9', complexity: 'N/A', summary: 'Internal commands for debugging HyperLogLog values', keySpecs: [{ flags: ['RW', 'access'], beginSearch: { type: 'index', index: 2 }, findKeys: { type: 'range', lastkey: 0, keystep: 1, limit: 0 } }], handler: pfdebugCommand },
  { name: 'pfselftest', arity: 1, flags: ['admin'], firstKey: 0, lastKey: 0, keyStep: 0, categories: ['hyperloglog', 'admin', 'slow', 'dangerous'], group: 'hyperloglog', since: '2.8.9', complexity: 'N/A', summary: 'An internal command for testing HyperLogLog values', handler: pfselftestCommand },
];
