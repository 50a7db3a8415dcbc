// SORT and SORT_RO (engine worker): Redis 7.0's sort.c over lists, sets and sorted sets.
//
// Steps, as sortCommandGeneric: parse every option (a bad LIMIT number or an unknown
// word stops with its error before the key is looked up); look the key up (a missing
// key sorts as an empty list, another type is WRONGTYPE); load the elements; compute
// each element's sort key (the element, or the value BY's pattern points at); sort;
// then reply with the elements, or with what each GET pattern points at, or STORE them
// as a list.
//
// Comparison, as sortCompare: numeric by the strtod value, ties broken by the bytes of
// the elements; ALPHA by the bytes (strcoll in the C locale, so up to the first NUL,
// for a reply; the full bytes for STORE); with BY and ALPHA a missing BY value sorts
// first. JS's Array.prototype.sort is stable, as glibc's merge sort qsort is, so ties
// keep the load order; Redis's own pqsort (BY with a LIMIT) is not stable: ties there
// may come out in another order than Redis's.
//
// Orders that are Redis's hash order (a hashtable set with BY nosort and no STORE) are
// KeelDB's set order, not Redis's; a set with BY nosort and STORE is sorted ALPHA as
// Redis does (so that the stored list is deterministic).
//
// Effects: SORT ... STORE is deterministic given the keyspace, so it is logged as sent.
//
// Keys: getKeys answers as Redis's sortGetKeys (the sorted key and STORE's), which is
// what COMMAND GETKEYS must show. The keys BY and GET patterns read depend on the data
// and are not in it: the durable write path's tracker (src/durability/command-keys.ts)
// does not see them, so a SORT that reads a pattern key written by a not yet committed
// write is not held for it. Open: command-keys.ts should count SORT/SORT_RO with a BY
// or GET pattern holding '*' as reading 'all'.
//
// Invariants: nothing is written before every option parsed; STORE of an empty result
// deletes the destination.

import { errors, eqi, latin1, string2ll } from '../args.js';
import type { CommandContext, CommandSpec } from '../command.js';
import type { CommandSpecExtras } from '../command-table.js';
import type { RValue } from '../keyspace.js';
import { RHash } from '../types/hash.js';
import { ListEnd, RList } from '../types/list.js';
import { RSet } from '../types/set.js';
import { NIL, ZSkiplist } from '../types/skiplist.js';
import { RZSet } from '../types/zset.js';
import { notify, NotifyType } from '../notify.js';
import { lookupKeyRead } from './strings.js';

interface SortItem {
  obj: string;
  score: number;
  /** ALPHA BY: the BY value, or null if it was missing. */
  cmp: string | null;
}

/**
 * Redis's lookupKeyByPattern: '#' is the element itself; otherwise the first '*' is
 * replaced by the element and the key read ('->field' after the '*' reads a hash
 * field). Null when the pattern has no '*', the key is missing or of the wrong type.
 */
function lookupByPattern(ctx: CommandContext, pattern: string, subst: string): string | null {
  if (pattern === '#') return subst;
  // C string functions: the pattern ends at its first NUL.
  const nul = pattern.indexOf('\0');
  const pat = nul === -1 ? pattern : pattern.slice(0, nul);
  const star = pat.indexOf('*');
  if (star === -1) return null;
  const arrow = pat.indexOf('->', star + 1);
  let field: string | null = null;
  let keyEnd = pattern.length;
  if (arrow !== -1 && arrow + 2 < pat.length) {
    field = pattern.slice(arrow + 2);
    keyEnd = arrow;
  }
  const key = pattern.slice(0, star) + subst + pattern.slice(star + 1, keyEnd);
  const o: RValue | undefined = lookupKeyRead(ctx, key);
  if (o === undefined) return null;
  if (field !== null) {
    if (!(o instanceof RHash)) return null;
    return o.get(field) ?? null;
  }
  return typeof o === 'string' ? o : null;
}

/** strtod over the whole string as sort.c checks it: null if not a valid double. */
function sortScore(s: string): number | null {
  // strtod stops at a NUL: the C string ends there. An empty one converts nothing and
  // leaves the end pointer on the terminator, which sort.c accepts as 0.
  const nul = s.indexOf('\0');
  const c = nul === -1 ? s : s.slice(0, nul);
  if (c.length === 0) return 0;
  // Leading white space is skipped (isspace), trailing is not; white space alone
  // converts nothing and leaves the end pointer on it: an error.
  const t = c.replace(/^[ \t\n\v\f\r]+/, '');
  if (t.length === 0) return null;
  const m = /^([+-]?)(?:(inf(?:inity)?)|(nan(?:\([0-9a-zA-Z_]*\))?)|(0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?\d+)?)|((?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?))$/i.exec(t);
  if (m === null) return null;
  if (m[3] !== undefined) return null; // NaN
  const sign = m[1] === '-' ? -1 : 1;
  if (m[2] !== undefined) return sign * Infinity;
  let v: number;
  if (m[4] !== undefined) {
    const h = m[4].slice(2);
    const p = h.search(/[pP]/);
    const mant = p >= 0 ? h.slice(0, p) : h;
    const exp = p >= 0 ? Number(h.slice(p + 1)) : 0;
    const dot = mant.indexOf('.');
    const digits = mant.replace('.', '');
    const fracDigits = dot >= 0 ? mant.length - dot - 1 : 0;
    v = Number.parseInt(digits || '0', 16) * Math.pow(2, exp - 4 * fracDigits);
  } else {
    v = Number(m[5]);
  }
  // ERANGE: overflow to infinity, or underflow (a nonzero text giving 0 or a subnormal).
  if (!Number.isFinite(v)) return null;
  if (v === 0 ? /[1-9a-fA-F]/.test(m[4] !== undefined ? m[4].slice(2).replace(/[pP].*$/, '') : m[5]!.replace(/[eE].*$/, '')) : Math.abs(v) < 2.2250738585072014e-308) return null;
  return sign * v;
}

/** Bytes compared as memcmp then length (compareStringObjects, binary). */
function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** strcoll in the C locale: strcmp, which stops at the first NUL. */
function compareCString(a: string, b: string): number {
  const na = a.indexOf('\0');
  const nb = b.indexOf('\0');
  return compareBytes(na === -1 ? a : a.slice(0, na), nb === -1 ? b : b.slice(0, nb));
}

function sortGeneric(ctx: CommandContext, readonly: boolean): void {
  const argv = ctx.argv;
  let desc = false;
  let alpha = false;
  let limitStart = 0;
  let limitCount = -1;
  let dontsort = false;
  let sortby: string | null = null;
  let storekey: string | null = null;
  const gets: string[] = [];
  for (let j = 2; j < argv.length; j++) {
    const left = argv.length - j - 1;
    const a = argv[j]!;
    if (eqi(a, 'asc')) desc = false;
    else if (eqi(a, 'desc')) desc = true;
    else if (eqi(a, 'alpha')) alpha = true;
    else if (eqi(a, 'limit') && left >= 2) {
      const s = string2ll(latin1(argv[j + 1]!));
      const c = s === null ? null : string2ll(latin1(argv[j + 2]!));
      if (s === null || c === null) return ctx.reply.error(errors.notInteger);
      limitStart = Number(s);
      limitCount = Number(c);
      j += 2;
    } else if (!readonly && eqi(a, 'store') && left >= 1) {
      storekey = latin1(argv[++j]!);
    } else if (eqi(a, 'by') && left >= 1) {
      sortby = latin1(argv[++j]!);
      const nul = sortby.indexOf('\0');
      if ((nul === -1 ? sortby : sortby.slice(0, nul)).indexOf('*') === -1) dontsort = true;
    } else if (eqi(a, 'get') && left >= 1) {
      gets.push(latin1(argv[++j]!));
    } else {
      return ctx.reply.error(errors.syntax);
    }
  }
  const key = latin1(argv[1]!);
  const sortval = lookupKeyRead(ctx, key);
  if (sortval !== undefined && !(sortval instanceof RList) && !(sortval instanceof RSet) && !(sortval instanceof RZSet)) {
    return ctx.reply.error(errors.wrongType);
  }
  if (dontsort && sortval instanceof RSet && storekey !== null) {
    // A set's order is its hash order: STORE must be deterministic, so sort ALPHA.
    dontsort = false;
    alpha = true;
    sortby = null;
  }
  // Redis converts a listpack sorted set to a skiplist for SORT, for good (OBJECT
  // ENCODING says so afterwards). RZSet's own conversion is private, so it is redone
  // here through its public `sl`.
  if (sortval instanceof RZSet && sortval.listpack) {
    const lp = sortval.sl;
    const sl = new ZSkiplist(Math.max(4, lp.length * 2));
    for (let id = lp.first(); id !== NIL; id = lp.next(id)) sl.insert(lp.scoreOf(id), lp.memberOf(id));
    sortval.sl = sl;
  }
  let vectorlen = sortval === undefined ? 0 : sortval instanceof RList ? sortval.length : sortval.size;
  let start = Math.min(Math.max(limitStart, 0), vectorlen);
  limitCount = Math.min(Math.max(limitCount, -1), vectorlen);
  let end = limitCount < 0 ? vectorlen - 1 : start + limitCount - 1;
  if (start >= vectorlen) {
    start = vectorlen - 1;
    end = vectorlen - 2;
  }
  if (end >= vectorlen) end = vectorlen - 1;
  const vector: SortItem[] = [];
  const item = (obj: string): SortItem => ({ obj, score: 0, cmp: null });
  if (sortval === undefined) {
    // An empty list.
  } else if (sortval instanceof RList) {
    if (dontsort) {
      // The list's own order (reversed for DESC), only the LIMIT range.
      if (end >= start) {
        const n = end - start + 1;
        const len = sortval.length;
        for (let i = 0; i < n; i++) vector.push(item(sortval.at(desc ? len - start - 1 - i : start + i)));
        end -= start;
        start = 0;
      }
    } else {
      const len = sortval.length;
      for (let i = 0; i < len; i++) vector.push(item(sortval.at(i)));
    }
  } else if (sortval instanceof RSet) {
    for (let i = 0; i < sortval.size; i++) vector.push(item(sortval.memberAt(i)));
  } else if (dontsort) {
    const sl = sortval.sl;
    const n = vectorlen > 0 && (start !== 0 || end !== vectorlen - 1) ? end - start + 1 : vectorlen;
    let id = desc ? (start > 0 ? sl.idAtRank(vectorlen - 1 - start) : sl.last()) : start > 0 ? sl.idAtRank(start) : sl.first();
    for (let i = 0; i < n && id !== NIL; i++) {
      vector.push(item(sl.memberOf(id)));
      id = desc ? sl.prev(id) : sl.next(id);
    }
    end -= start;
    start = 0;
  } else {
    const sl = sortval.sl;
    for (let id = sl.first(); id !== NIL; id = sl.next(id)) vector.push(item(sl.memberOf(id)));
  }
  vectorlen = vector.length;
  let conversionError = false;
  if (!dontsort) {
    for (const it of vector) {
      let byval: string | null;
      if (sortby !== null) {
        byval = lookupByPattern(ctx, sortby, it.obj);
        if (byval === null) continue;
      } else {
        byval = it.obj;
      }
      if (alpha) {
        if (sortby !== null) it.cmp = byval;
      } else {
        const sc = sortScore(byval);
        if (sc === null) conversionError = true;
        else it.score = sc;
      }
    }
    const store = storekey !== null;
    const byPattern = sortby !== null;
    const compare = (a: SortItem, b: SortItem): number => {
      let cmp: number;
      if (!alpha) {
        cmp = a.score > b.score ? 1 : a.score < b.score ? -1 : compareBytes(a.obj, b.obj);
      } else if (byPattern) {
        if (a.cmp === null || b.cmp === null) cmp = a.cmp === b.cmp ? 0 : a.cmp === null ? -1 : 1;
        else cmp = store ? compareBytes(a.cmp, b.cmp) : compareCString(a.cmp, b.cmp);
      } else {
        cmp = store ? compareBytes(a.obj, b.obj) : compareCString(a.obj, b.obj);
      }
      return desc ? -cmp : cmp;
    };
    vector.sort(compare);
  }
  const outputlen = vectorlen === 0 || end < start ? 0 : gets.length > 0 ? gets.length * (end - start + 1) : end - start + 1;
  if (conversionError) return ctx.reply.error("ERR One or more scores can't be converted into double");
  if (storekey === null) {
    ctx.reply.array(outputlen);
    for (let j = start; j <= end && outputlen > 0; j++) {
      const obj = vector[j]!.obj;
      if (gets.length === 0) ctx.reply.bulkLatin1(obj);
      for (const g of gets) {
        const v = lookupByPattern(ctx, g, obj);
        if (v === null) ctx.reply.nil();
        else ctx.reply.bulkLatin1(v);
      }
    }
    return;
  }
  const out = new RList();
  for (let j = start; j <= end && outputlen > 0; j++) {
    const obj = vector[j]!.obj;
    if (gets.length === 0) out.push(obj, ListEnd.tail);
    for (const g of gets) out.push(lookupByPattern(ctx, g, obj) ?? '', ListEnd.tail);
  }
  if (outputlen > 0) {
    ctx.db.set(storekey, out);
    notify(ctx, NotifyType.list, 'sortstore', storekey);
  } else if (ctx.db.delete(storekey)) {
    notify(ctx, NotifyType.generic, 'del', storekey);
  }
  ctx.reply.int(outputlen);
}

function sortCommand(ctx: CommandContext): void {
  sortGeneric(ctx, false);
}

function sortRoCommand(ctx: CommandContext): void {
  sortGeneric(ctx, true);
}

// --- The table (Redis 7.0's src/commands/sort.json, sort_ro.json) ---------------------------

export const sortCommands: readonly (CommandSpec & CommandSpecExtras)[] = [
  { name: 'sort', arity: -2, flags: ['write', 'denyoom', 'movablekeys'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['write', 'set', 'sortedset', 'list', 'slow', 'dangerous'], group: 'generic', since: '1.0.0', complexity: 'O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).', summary: 'Sort the elements in a list, set or sorted set', getKeys: sortKeys, keySpecs: [{ flags: ['RO', 'access'], beginSearch: { type: 'index', index: 1 }, findKeys: { type: 'range', lastkey: 0, keystep: 1, limit: 0 } }, { notes: "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort", flags: ['RO', 'access'], beginSearch: { type: 'unknown' }, findKeys: { type: 'unknown' } }, { notes: "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array", flags: ['OW', 'update'], beginSearch: { type: 'unknown' }, findKeys: { type: 'unknown' } }], handler: sortCommand },
  { name: 'sort_ro', arity: -2, flags: ['readonly', 'movablekeys'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['read', 'set', 'sortedset', 'list', 'slow', 'dangerous'], group: 'generic', since: '7.0.0', complexity: 'O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).', summary: 'Sort the elements in a list, set or sorted set. Read-only variant of SORT.', keySpecs: [{ flags: ['RO', 'access'], beginSearch: { type: 'index', index: 1 }, findKeys: { type: 'range', lastkey: 0, keystep: 1, limit: 0 } }, { notes: "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort", flags: ['RO', 'access'], beginSearch: { type: 'unknown' }, findKeys: { type: 'unknown' } }], getKeys: () => [1], handler: sortRoCommand },
];

/** sortGetKeys: the sorted key, and the STORE destination when there is one. */
function sortKeys(argv: readonly Buffer[]): number[] {
  const keys = [1];
  for (let j = 2; j < argv.length; j++) {
    const a = argv[j]!;
    if (eqi(a, 'limit')) j += 2;
    else if (eqi(a, 'get') || eqi(a, 'by')) j += 1;
    else if (eqi(a, 'store') && j + 1 < argv.length) {
      keys.push(j + 1);
      j++;
    }
  }
  return keys;
}
