// RZSet: the Redis sorted set value (engine worker), Redis 7.0's t_zset.c data type
// without its command handlers (src/engine/commands/zsets.ts), so it can be fuzzed alone.
//
// Two structures, as Redis 7.0's two encodings, which OBJECT ENCODING names:
//   listpack   a ZListpack (src/engine/types/zlistpack.ts): two sorted arrays, linear or
//              binary searches, ids are ranks. Small sets cost two small arrays.
//   skiplist   a ZTree (src/engine/types/ztree.ts): a B+tree with subtree counts in
//              typed arrays, ordered by (score, member), with a member index, O(log n)
//              ranks, dense ids for O(1) random picks and a SCAN cursor with Redis's
//              guarantee. Redis's encoding name is kept: only its layout differs.
// Both answer every ordered query in the same (score, member) order through one API
// (`sl`), so the commands do not care which one they hold, except ZSCAN (a listpack is
// returned whole with cursor 0, in order) and ZRANDMEMBER's distinct picks (a listpack
// answers them in its order). The conversions, as 7.0:
//   - a new key starts as a listpack, and adding a member converts when the set would
//     exceed zset-max-listpack-entries or the member is longer than
//     zset-max-listpack-value (so zset-max-listpack-entries 0 means skiplist at once);
//   - the conversion is sticky: removing members never converts back;
//   - ZUNIONSTORE/ZINTERSTORE/ZDIFFSTORE results convert back to listpack when small
//     (zsetConvertToListpackIfNeeded); ZRANGESTORE builds its result by adds.
// A listpack stores a score as text ("-0" is then read back as the integer 0), so a
// listpack never holds -0; a skiplist does.
//
// Scores are doubles, never NaN (commands refuse NaN before reaching here).
//
// Invariants: members are unique; size > 0 whenever the value is in the keyspace (the
// commands delete a key whose set became empty).

import { assert } from '../../assert.js';
import { string2ld } from '../args.js';
import { RdbFormatError, RdbType, registerRdbLoader, registerRdbSaver, type RdbReader, type RdbWriter } from '../dump.js';
import { decodeListpack, encodeListpack } from './hash.js';
import { RObject } from '../keyspace.js';
import { formatDouble } from '../reply.js';
import { ZListpack } from './zlistpack.js';
import { NIL, type NodeRange, type ZNodes } from './znodes.js';
import { ZTree } from './ztree.js';

/** The Config fields that decide a sorted set's encoding (Config satisfies this). */
export interface ZSetLimits {
  readonly zsetMaxListpackEntries: number;
  readonly zsetMaxListpackValue: number;
}

export class RZSet extends RObject {
  readonly type = 'zset' as const;
  /** The ordered elements: a ZListpack while Redis would keep a listpack, else a ZTree. */
  sl: ZListpack | ZTree;

  constructor(listpack = true) {
    super();
    this.sl = listpack ? new ZListpack() : new ZTree();
  }

  /** True while Redis would keep this set as a listpack. */
  get listpack(): boolean {
    return this.sl instanceof ZListpack;
  }

  encoding(): string {
    return this.listpack ? 'listpack' : 'skiplist';
  }

  get size(): number {
    return this.sl.length;
  }

  clone(): RZSet {
    const c = new RZSet(this.listpack);
    for (let id = this.sl.first(); id !== NIL; id = this.sl.next(id)) c.sl.insert(this.sl.scoreOf(id), this.sl.memberOf(id));
    return c;
  }

  /** The member's score, or undefined. */
  score(member: string): number | undefined {
    const id = this.sl.idOf(member);
    return id === NIL ? undefined : this.sl.scoreOf(id);
  }

  /** Adds a member that is not present, converting as Redis's zsetAdd does first. */
  insert(member: string, score: number, limits: ZSetLimits): void {
    if (this.listpack && (this.sl.length + 1 > limits.zsetMaxListpackEntries || member.length > limits.zsetMaxListpackValue)) this.toSkiplist();
    this.sl.insert(this.stored(score), member);
  }

  /** Sets a present member's score. */
  update(member: string, score: number): void {
    const id = this.sl.idOf(member);
    assert(id !== NIL, 'update of a missing member');
    this.sl.updateScore(id, this.stored(score));
  }

  /** Sets the score of the member whose id (in `sl`) the caller just looked up. */
  updateId(id: number, score: number): void {
    assert(id !== NIL, 'update of a missing member');
    this.sl.updateScore(id, this.stored(score));
  }

  /**
   * The score as the current encoding keeps it: a listpack stores the text "-0", which
   * it encodes as the integer 0, so -0 reads back as 0; a skiplist keeps -0.
   */
  private stored(score: number): number {
    return this.listpack && score === 0 ? 0 : score;
  }

  delete(member: string): boolean {
    return this.sl.delete(member);
  }

  /** 0-based rank of member in ascending order, or -1. */
  rank(member: string): number {
    const id = this.sl.idOf(member);
    return id === NIL ? -1 : this.sl.rankOf(id);
  }

  /** Redis's zsetConvert to skiplist (one way, until a STORE builds a new value). */
  private toSkiplist(): void {
    const lp = this.sl;
    const sl = new ZTree(Math.max(4, lp.length * 2));
    for (let id = lp.first(); id !== NIL; id = lp.next(id)) sl.insert(lp.scoreOf(id), lp.memberOf(id));
    this.sl = sl;
  }

  /** Redis's zsetConvertToListpackIfNeeded, for STORE results. */
  convertToListpackIfNeeded(maxMemberBytes: number, limits: ZSetLimits): void {
    if (this.listpack || this.sl.length > limits.zsetMaxListpackEntries || maxMemberBytes > limits.zsetMaxListpackValue) return;
    const sl = this.sl;
    const lp = new ZListpack();
    for (let id = sl.first(); id !== NIL; id = sl.next(id)) {
      const s = sl.scoreOf(id);
      lp.append(s === 0 ? 0 : s, sl.memberOf(id));
    }
    this.sl = lp;
  }

  /** Members and scores in order, for DEBUG DIGEST-like comparisons (src/engine/digest.ts). */
  *digestParts(): Iterable<string> {
    for (let id = this.sl.first(); id !== NIL; id = this.sl.next(id)) {
      yield this.sl.memberOf(id);
      yield formatDouble(this.sl.scoreOf(id));
    }
  }
}

// --- Ranges (Redis's zrangespec and zlexrangespec) -------------------------------------------

/** A score interval; min/max excluded when their flag says so. */
export class ScoreRange implements NodeRange {
  readonly empty: boolean;
  constructor(
    readonly min: number,
    readonly minex: boolean,
    readonly max: number,
    readonly maxex: boolean,
  ) {
    this.empty = min > max || (min === max && (minex || maxex));
  }
  gteMinScore(v: number): boolean {
    return this.minex ? v > this.min : v >= this.min;
  }
  lteMaxScore(v: number): boolean {
    return this.maxex ? v < this.max : v <= this.max;
  }
  gteMin(sl: ZNodes, id: number): boolean {
    return this.gteMinScore(sl.scoreOf(id));
  }
  lteMax(sl: ZNodes, id: number): boolean {
    return this.lteMaxScore(sl.scoreOf(id));
  }
}

/** The '-' and '+' of a lex range: below and above every string. */
export const lexMin = Symbol('lexMin');
export const lexMax = Symbol('lexMax');
export type LexBound = string | typeof lexMin | typeof lexMax;

/** Redis's sdscmplex: '-' below everything, '+' above everything. */
export function compareLex(a: LexBound, b: LexBound): number {
  if (a === b) return 0;
  if (a === lexMin || b === lexMax) return -1;
  if (a === lexMax || b === lexMin) return 1;
  return a < b ? -1 : 1;
}

/** A member interval (all members share one score for it to mean anything, as Redis says). */
export class LexRange implements NodeRange {
  readonly empty: boolean;
  constructor(
    readonly min: LexBound,
    readonly minex: boolean,
    readonly max: LexBound,
    readonly maxex: boolean,
  ) {
    const cmp = compareLex(min, max);
    this.empty = cmp > 0 || (cmp === 0 && (minex || maxex));
  }
  gteMinMember(m: string): boolean {
    const c = compareLex(m, this.min);
    return this.minex ? c > 0 : c >= 0;
  }
  lteMaxMember(m: string): boolean {
    const c = compareLex(m, this.max);
    return this.maxex ? c < 0 : c <= 0;
  }
  gteMin(sl: ZNodes, id: number): boolean {
    return this.gteMinMember(sl.memberOf(id));
  }
  lteMax(sl: ZNodes, id: number): boolean {
    return this.lteMaxMember(sl.memberOf(id));
  }
}

// --- DUMP / RESTORE (Redis 7.0's rdb.c for sorted sets) ------------------------------------

/** Redis's defaults: RESTORE decides the loaded encoding by them, as hashes do. */
const defaultLimits: ZSetLimits = { zsetMaxListpackEntries: 128, zsetMaxListpackValue: 64 };

// A listpack is saved as its bytes (member, score text by d2string: %.17g, integers as
// integers); a skiplist as RDB_TYPE_ZSET_2: the length, then from the greatest element
// down, each member as an RDB string and its score as a little-endian binary double.
registerRdbSaver('zset', (w: RdbWriter, value: RObject): number => {
  const z = value as RZSet;
  const sl = z.sl;
  if (z.listpack) {
    const strings: string[] = [];
    for (let id = sl.first(); id !== NIL; id = sl.next(id)) strings.push(sl.memberOf(id), formatDouble(sl.scoreOf(id)));
    w.blob(encodeListpack(strings));
    return RdbType.zsetListpack;
  }
  w.len(z.size);
  const bytes = Buffer.allocUnsafe(8);
  for (let id = sl.last(); id !== NIL; id = sl.prev(id)) {
    w.string(sl.memberOf(id));
    bytes.writeDoubleLE(sl.scoreOf(id), 0);
    w.raw(bytes);
  }
  return RdbType.zset2;
});

/** A sorted set of loaded pairs; duplicates, NaN and emptiness are format errors. */
function loadedZset(members: readonly string[], scores: readonly number[], listpack: boolean): RZSet {
  if (members.length === 0) throw new RdbFormatError('empty sorted set');
  const z = new RZSet(listpack);
  for (let i = 0; i < members.length; i++) {
    const s = scores[i]!;
    if (Number.isNaN(s)) throw new RdbFormatError('NaN score');
    if (z.sl.idOf(members[i]!) !== NIL) throw new RdbFormatError('duplicate sorted set member');
    z.sl.insert(listpack && s === 0 ? 0 : s, members[i]!);
  }
  return z;
}

registerRdbLoader(RdbType.zset2, (r: RdbReader): RZSet => {
  const n = r.len();
  const members: string[] = [];
  const scores: number[] = [];
  let maxLen = 0;
  for (let i = 0; i < n; i++) {
    const m = r.string();
    members.push(m);
    scores.push(r.take(8).readDoubleLE(0));
    if (m.length > maxLen) maxLen = m.length;
  }
  // Saved from the greatest element down: loaded from the least up, a ZTree appends to
  // its last leaf and fills every leaf (loaded descending, each split would leave halves).
  members.reverse();
  scores.reverse();
  // 7.0 loads a skiplist and converts it to a listpack when it is small enough.
  return loadedZset(members, scores, n <= defaultLimits.zsetMaxListpackEntries && maxLen <= defaultLimits.zsetMaxListpackValue);
});

registerRdbLoader(RdbType.zsetListpack, (r: RdbReader): RZSet => {
  const strings = decodeListpack(r.blob());
  if (strings.length % 2 !== 0) throw new RdbFormatError('bad sorted set listpack');
  const members: string[] = [];
  const scores: number[] = [];
  for (let i = 0; i < strings.length; i += 2) {
    members.push(strings[i]!);
    const s = string2ld(strings[i + 1]!);
    if (s === null) throw new RdbFormatError('bad sorted set score');
    scores.push(s);
  }
  return loadedZset(members, scores, members.length <= defaultLimits.zsetMaxListpackEntries);
});
