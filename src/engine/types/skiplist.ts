// ZSkiplist: the ordered half of a sorted set (engine worker), Redis's zskiplist
// (t_zset.c) laid out as a struct of arrays instead of one heap object per node, plus
// the member -> node index (Redis's zset dict). Fuzzed alone in test/engine/skiplist.test.ts.
//
// Order: by (score, member bytes); members are latin1 strings, so JS's `<` on them is
// memcmp-then-length, as Redis's sdscmp. Scores are never NaN.
//
// Layout. A node is an id in [0, length): ids are DENSE. Per id:
//   scores[id]   Float64Array   the score
//   members[id]  string[]       the member
//   levels[id]   Uint8Array     the node's level count, 1..32
//   backs[id]    Int32Array     the previous node at level 0, or NIL
//   offsets[id]  Int32Array     where the node's levels start in `pool`
// `pool` is one Int32Array of [forward id, span] pairs, level i of a node at
// offsets[id] + 2*i. The head (Redis's header) owns pool[0, 64): 32 levels, id HEAD.
// Freed level blocks are kept per level count and reused. So a node costs about
// 8 + 8 + 1 + 4 + 4 + 2*4*1.33 bytes plus its member string and its index entry,
// with no per-node object for the collector to trace.
//
// Dense ids give O(1) uniform random picks (ZRANDMEMBER) and a SCAN cursor with Redis's
// guarantee, as DenseDict: deleting id x moves the last id into x (its predecessors'
// forward pointers are found by one search and rewritten), so an element present for a
// whole scan walked from high ids to low is never skipped. A score update relinks the
// same id (never moves it), so updates do not disturb a scan either.
//
// Ranks are 1-based inside (Redis's spans: the head's span to the first node is 1);
// the public API speaks 0-based ranks.
//
// Invariants (checked by `check()` in tests): the level-0 chain visits every id once in
// order; spans sum to ranks; backs mirror forwards; index.get(members[id]) === id.

import { assert } from '../../assert.js';

export const NIL = -1;
const HEAD = -2;
const levelMax = 32;
/** Redis's ZSKIPLIST_P: a node has level > i with probability 0.25^i. */
const levelP = 0.25;

/** Deterministic level generator (xorshift32): levels only affect speed, never replies. */
let levelSeed = 0x9e3779b9;
function randomLevel(): number {
  let level = 1;
  for (;;) {
    levelSeed ^= levelSeed << 13;
    levelSeed ^= levelSeed >>> 17;
    levelSeed ^= levelSeed << 5;
    if ((levelSeed & 0xffff) < levelP * 0xffff && level < levelMax) level++;
    else return level;
  }
}

/** Read access to nodes by id (ZSkiplist and ZListpack both provide it). */
export interface ZNodes {
  scoreOf(id: number): number;
  memberOf(id: number): string;
}

/** A predicate pair describing a range over nodes (score or lex), as zrangespec/zlexrangespec. */
export interface NodeRange {
  /** True when the range is empty whatever the content (min > max...). */
  readonly empty: boolean;
  gteMin(nodes: ZNodes, id: number): boolean;
  lteMax(nodes: ZNodes, id: number): boolean;
}

const scratchUpdateOff = new Int32Array(levelMax);
const scratchUpdateId = new Int32Array(levelMax);
const scratchRankAt = new Float64Array(levelMax);

export class ZSkiplist {
  private scores: Float64Array;
  private members: string[] = [];
  private levels: Uint8Array;
  private backs: Int32Array;
  private offsets: Int32Array;
  private pool: Int32Array;
  private poolTop = 2 * levelMax;
  /** Freed level blocks by level count; created at the first delete (most sets never free). */
  private freeBlocks: number[][] | null = null;
  private readonly index = new Map<string, number>();
  private level = 1;
  private tailId = NIL;
  private count = 0;
  /**
   * Scratch for searches: pool offsets of predecessors and their ids, ranks crossed.
   * Shared by every skiplist (one thread, and each search's result is used before the
   * next search starts), so a small sorted set does not carry them.
   */
  private readonly updateOff = scratchUpdateOff;
  private readonly updateId = scratchUpdateId;
  private readonly rankAt = scratchRankAt;

  constructor(capacity = 4) {
    this.scores = new Float64Array(capacity);
    this.levels = new Uint8Array(capacity);
    this.backs = new Int32Array(capacity);
    this.offsets = new Int32Array(capacity);
    this.pool = new Int32Array(2 * levelMax + capacity * 4);
    for (let i = 0; i < levelMax; i++) {
      this.pool[2 * i] = NIL;
      this.pool[2 * i + 1] = 0;
    }
  }

  get length(): number {
    return this.count;
  }

  /** The node id of member, or NIL. */
  idOf(member: string): number {
    const id = this.index.get(member);
    return id === undefined ? NIL : id;
  }

  scoreOf(id: number): number {
    return this.scores[id]!;
  }

  memberOf(id: number): string {
    return this.members[id]!;
  }

  /** The first node in order, or NIL. */
  first(): number {
    return this.pool[0]!;
  }

  /** The last node in order, or NIL. */
  last(): number {
    return this.tailId;
  }

  next(id: number): number {
    return this.pool[this.offsets[id]!]!;
  }

  prev(id: number): number {
    return this.backs[id]!;
  }

  // --- Storage -----------------------------------------------------------------------------

  private growNodes(): void {
    const cap = this.scores.length * 2;
    const s = new Float64Array(cap);
    s.set(this.scores);
    this.scores = s;
    const l = new Uint8Array(cap);
    l.set(this.levels);
    this.levels = l;
    const b = new Int32Array(cap);
    b.set(this.backs);
    this.backs = b;
    const o = new Int32Array(cap);
    o.set(this.offsets);
    this.offsets = o;
  }

  private allocBlock(level: number): number {
    const free = this.freeBlocks?.[level];
    if (free !== undefined && free.length > 0) return free.pop()!;
    const need = this.poolTop + 2 * level;
    if (need > this.pool.length) {
      let size = this.pool.length * 2;
      while (size < need) size *= 2;
      const p = new Int32Array(size);
      p.set(this.pool.subarray(0, this.poolTop));
      this.pool = p;
    }
    const off = this.poolTop;
    this.poolTop = need;
    return off;
  }

  // --- Search --------------------------------------------------------------------------------

  /** True if node f orders before (score, member). */
  private before(f: number, score: number, member: string): boolean {
    const fs = this.scores[f]!;
    return fs < score || (fs === score && this.members[f]! < member);
  }

  /**
   * Fills updateOff/updateId/rankAt with, per level, the last node ordering before
   * (score, member) and the 1-based rank crossed to reach it (Redis's insert walk).
   */
  private findPredecessors(score: number, member: string): void {
    const pool = this.pool;
    let xOff = 0;
    let xId = HEAD;
    for (let i = this.level - 1; i >= 0; i--) {
      this.rankAt[i] = i === this.level - 1 ? 0 : this.rankAt[i + 1]!;
      for (;;) {
        const f = pool[xOff + 2 * i]!;
        if (f === NIL || !this.before(f, score, member)) break;
        this.rankAt[i]! += pool[xOff + 2 * i + 1]!;
        xId = f;
        xOff = this.offsets[f]!;
      }
      this.updateOff[i] = xOff;
      this.updateId[i] = xId;
    }
  }

  // --- Mutation ---------------------------------------------------------------------------------

  /** Inserts a member that is not present; returns its id. */
  insert(score: number, member: string): number {
    assert(!Number.isNaN(score), 'NaN score in a skiplist');
    assert(!this.index.has(member), 'skiplist insert of a present member');
    const id = this.count;
    if (id === this.scores.length) this.growNodes();
    const level = randomLevel();
    this.scores[id] = score;
    this.members[id] = member;
    this.levels[id] = level;
    this.offsets[id] = this.allocBlock(level);
    this.count++;
    this.index.set(member, id);
    this.link(id);
    return id;
  }

  /** Links node id (fields set, not in the chain) at its place by (score, member). */
  private link(id: number): void {
    const pool = this.pool;
    const score = this.scores[id]!;
    const member = this.members[id]!;
    this.findPredecessors(score, member);
    const level = this.levels[id]!;
    const length = this.count - 1; // nodes in the chain before this one
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        this.rankAt[i] = 0;
        this.updateOff[i] = 0;
        this.updateId[i] = HEAD;
        pool[2 * i + 1] = length;
      }
      this.level = level;
    }
    const off = this.offsets[id]!;
    const rank0 = this.rankAt[0]!;
    for (let i = 0; i < level; i++) {
      const u = this.updateOff[i]! + 2 * i;
      pool[off + 2 * i] = pool[u]!;
      pool[u] = id;
      const crossed = rank0 - this.rankAt[i]!;
      pool[off + 2 * i + 1] = pool[u + 1]! - crossed;
      pool[u + 1] = crossed + 1;
    }
    for (let i = level; i < this.level; i++) pool[this.updateOff[i]! + 2 * i + 1]!++;
    this.backs[id] = this.updateId[0] === HEAD ? NIL : this.updateId[0]!;
    const f0 = pool[off]!;
    if (f0 !== NIL) this.backs[f0] = id;
    else this.tailId = id;
  }

  /** Unlinks node id from the chain (Redis's zslDeleteNode); its slot stays. */
  private unlink(id: number): void {
    const pool = this.pool;
    this.findPredecessors(this.scores[id]!, this.members[id]!);
    const off = this.offsets[id]!;
    for (let i = 0; i < this.level; i++) {
      const u = this.updateOff[i]! + 2 * i;
      if (pool[u] === id) {
        pool[u + 1]! += pool[off + 2 * i + 1]! - 1;
        pool[u] = pool[off + 2 * i]!;
      } else {
        pool[u + 1]!--;
      }
    }
    const f0 = pool[off]!;
    if (f0 !== NIL) this.backs[f0] = this.backs[id]!;
    else this.tailId = this.backs[id]!;
    while (this.level > 1 && pool[2 * (this.level - 1)] === NIL) this.level--;
  }

  /** Changes a present member's score, keeping its id (Redis's zslUpdateScore). */
  updateScore(id: number, score: number): void {
    assert(!Number.isNaN(score), 'NaN score in a skiplist');
    const back = this.backs[id]!;
    const fwd = this.pool[this.offsets[id]!]!;
    const member = this.members[id]!;
    // Still in place: only the score changes (no relinking), as Redis does.
    if ((back === NIL || this.before(back, score, member)) && (fwd === NIL || !this.before(fwd, score, member))) {
      this.scores[id] = score;
      return;
    }
    this.unlink(id);
    this.scores[id] = score;
    this.link(id);
  }

  /** Deletes node id; the last id moves into its slot. */
  deleteId(id: number): void {
    assert(id >= 0 && id < this.count, 'skiplist delete of a bad id');
    this.unlink(id);
    if (this.freeBlocks === null) {
      this.freeBlocks = [];
      for (let l = 0; l <= levelMax; l++) this.freeBlocks.push([]);
    }
    this.freeBlocks[this.levels[id]!]!.push(this.offsets[id]!);
    this.index.delete(this.members[id]!);
    const last = this.count - 1;
    if (id !== last) this.moveId(last, id);
    this.members.pop();
    this.count--;
  }

  /** Deletes member; returns true if it was present. */
  delete(member: string): boolean {
    const id = this.index.get(member);
    if (id === undefined) return false;
    this.deleteId(id);
    return true;
  }

  /** Renumbers node `from` (linked) as `to` (a free slot): every pointer to it is rewritten. */
  private moveId(from: number, to: number): void {
    const pool = this.pool;
    const level = this.levels[from]!;
    this.findPredecessors(this.scores[from]!, this.members[from]!);
    for (let i = 0; i < level; i++) {
      const u = this.updateOff[i]! + 2 * i;
      assert(pool[u] === from, 'skiplist predecessor lost');
      pool[u] = to;
    }
    const off = this.offsets[from]!;
    const f0 = pool[off]!;
    if (f0 !== NIL) this.backs[f0] = to;
    else this.tailId = to;
    this.scores[to] = this.scores[from]!;
    this.members[to] = this.members[from]!;
    this.levels[to] = level;
    this.backs[to] = this.backs[from]!;
    this.offsets[to] = off;
    this.index.set(this.members[to]!, to);
  }

  // --- Ranks and ranges --------------------------------------------------------------------------

  /** 0-based rank of node id (Redis's zslGetRank - 1). */
  rankOf(id: number): number {
    this.findPredecessors(this.scores[id]!, this.members[id]!);
    return this.rankAt[0]!;
  }

  /** The node at 0-based rank, or NIL (Redis's zslGetElementByRank). */
  idAtRank(rank: number): number {
    if (rank < 0 || rank >= this.count) return NIL;
    const target = rank + 1;
    const pool = this.pool;
    let traversed = 0;
    let xOff = 0;
    let xId = HEAD;
    for (let i = this.level - 1; i >= 0; i--) {
      for (;;) {
        const f = pool[xOff + 2 * i]!;
        const span = pool[xOff + 2 * i + 1]!;
        if (f === NIL || traversed + span > target) break;
        traversed += span;
        xId = f;
        xOff = this.offsets[f]!;
      }
      if (traversed === target) return xId;
    }
    return NIL;
  }

  /** True if some node may be in range (Redis's zslIsInRange / zslIsInLexRange). */
  private inRange(r: NodeRange): boolean {
    if (r.empty || this.count === 0) return false;
    return r.gteMin(this, this.tailId) && r.lteMax(this, this.first());
  }

  /** The first node in range, or NIL. */
  firstInRange(r: NodeRange): number {
    if (!this.inRange(r)) return NIL;
    const pool = this.pool;
    let xOff = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      for (;;) {
        const f = pool[xOff + 2 * i]!;
        if (f === NIL || r.gteMin(this, f)) break;
        xOff = this.offsets[f]!;
      }
    }
    const x = pool[xOff]!;
    assert(x !== NIL, 'skiplist inner range ran off the end');
    return r.lteMax(this, x) ? x : NIL;
  }

  /** The last node in range, or NIL. */
  lastInRange(r: NodeRange): number {
    if (!this.inRange(r)) return NIL;
    const pool = this.pool;
    let xOff = 0;
    let xId = HEAD;
    for (let i = this.level - 1; i >= 0; i--) {
      for (;;) {
        const f = pool[xOff + 2 * i]!;
        if (f === NIL || !r.lteMax(this, f)) break;
        xId = f;
        xOff = this.offsets[f]!;
      }
    }
    assert(xId !== HEAD, 'skiplist inner range before the start');
    return r.gteMin(this, xId) ? xId : NIL;
  }

  // --- Whole-structure ---------------------------------------------------------------------------

  /** Visits up to `count` ids below the cursor (from the top when 0); returns the next cursor. */
  scan(cursor: number, count: number, visit: (id: number) => void): number {
    let slot = cursor === 0 ? this.count : Math.min(cursor, this.count);
    let visited = 0;
    while (slot > 0 && visited < count) {
      slot--;
      visit(slot);
      visited++;
    }
    return slot;
  }

  /** Approximate bytes held by the arrays (not strings or the index), for memory reports. */
  arrayBytes(): number {
    return this.scores.byteLength + this.levels.byteLength + this.backs.byteLength + this.offsets.byteLength + this.pool.byteLength + this.members.length * 8;
  }

  /** Verifies every invariant (tests and fuzzing; O(n log n)). */
  check(): void {
    const pool = this.pool;
    let id = this.first();
    let n = 0;
    let prev = NIL;
    const seen = new Uint8Array(this.count);
    while (id !== NIL) {
      assert(id >= 0 && id < this.count, 'skiplist id out of range');
      assert(seen[id] === 0, 'skiplist cycle');
      seen[id] = 1;
      assert(this.backs[id] === prev, 'skiplist back pointer');
      if (prev !== NIL) assert(this.before(prev, this.scores[id]!, this.members[id]!), 'skiplist order');
      assert(this.index.get(this.members[id]!) === id, 'skiplist index');
      assert(this.idAtRank(n) === id, 'skiplist rank by span');
      assert(this.rankOf(id) === n, 'skiplist rank of id');
      prev = id;
      id = pool[this.offsets[id]!]!;
      n++;
    }
    assert(n === this.count && this.index.size === this.count, 'skiplist length');
    assert(this.tailId === prev, 'skiplist tail');
  }
}
