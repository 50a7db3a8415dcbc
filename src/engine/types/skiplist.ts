// ZSkiplist: the ordered half of a sorted set (engine worker), Redis's zskiplist
// (t_zset.c) laid out in one Int32Array of node blocks instead of one heap object per
// node, plus the member -> node index (Redis's zset dict). Fuzzed alone in
// test/engine/skiplist.test.ts.
//
// Order: by (score, member bytes); members are latin1 strings, so JS's `<` on them is
// memcmp-then-length, as Redis's sdscmp. Scores are never NaN.
//
// Layout. A node is an id in [0, length): ids are DENSE. Its fields live in a block of
// `pool` (an Int32Array; `f64` is a Float64Array view of the same bytes), at an even
// offset `off`:
//   offset        size (int32 slots)  field
//   off + 0       2                   the score (f64[off >> 1])
//   off + 2       1                   the node's id (NIL for the head)
//   off + 3       1                   the node's level count, 1..32
//   off + 4 + 2i  1                   forward at level i: the next node's block offset, or NIL
//   off + 5 + 2i  1                   span at level i
// Per id: members[id] (the string), offsets[id] (its block), backs[id] (the previous
// node's id at level 0, or NIL). The head (Redis's header) is the block at offset 0 with
// 32 levels. Forward pointers are block offsets, not ids, so a search step reads one
// block (score, id and level entries are adjacent, as in Redis's zskiplistNode): one
// cache miss per step instead of three when the arrays were per field (ZADD's cost on
// large sets). Freed blocks are kept per level count and reused. A node costs about
// 16 + 2*4*1.33 bytes of block, 12 of per-id arrays, plus its member string and its
// index entry (src/engine/dense-dict.ts), with no per-node object for the collector to trace.
//
// Dense ids give O(1) uniform random picks (ZRANDMEMBER) and a SCAN cursor with Redis's
// guarantee, as DenseDict: deleting id x moves the last id into x (only its block's id
// slot, its successor's back and the index change: pointers are offsets), so an element
// present for a whole scan walked from high ids to low is never skipped. A score update
// relinks the same id (never moves it), so updates do not disturb a scan either.
//
// Ranks are 1-based inside (Redis's spans: the head's span to the first node is 1);
// the public API speaks 0-based ranks.
//
// Invariants (checked by `check()` in tests): the level-0 chain visits every id once in
// order; spans sum to ranks; backs mirror forwards; pool[offsets[id] + 2] === id;
// index.get(members[id]) === id.

import { assert } from '../../assert.js';
import { DenseDict } from '../dense-dict.js';

export const NIL = -1;
const levelMax = 32;
/** Redis's ZSKIPLIST_P: a node has level > i with probability 0.25^i. */
const levelP = 0.25;
/** Block slots (see the layout above). */
const nodeId = 2;
const nodeLevel = 3;
const nodeLevels = 4;
/** The head's block: the header slots and levelMax [forward, span] pairs, at offset 0. */
const headSlots = nodeLevels + 2 * levelMax;

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
const scratchRankAt = new Float64Array(levelMax);

export class ZSkiplist {
  /** Node blocks (layout above); its length is even so `f64` covers it exactly. */
  private pool: Int32Array;
  private f64: Float64Array;
  private members: string[] = [];
  private backs: Int32Array;
  private offsets: Int32Array;
  private poolTop = headSlots;
  /** Freed blocks by level count; created at the first delete (most sets never free). */
  private freeBlocks: number[][] | null = null;
  /** member -> id: a DenseDict (its stored hashes are compared before members, unlike a Map's chains). */
  private readonly index = new DenseDict<number>();
  private level = 1;
  private tailId = NIL;
  private count = 0;
  /**
   * Scratch for searches: block offsets of the predecessors per level, ranks crossed.
   * Shared by every skiplist (one thread, and each search's result is used before the
   * next search starts), so a small sorted set does not carry them.
   */
  private readonly updateOff = scratchUpdateOff;
  private readonly rankAt = scratchRankAt;

  constructor(capacity = 4) {
    this.backs = new Int32Array(capacity);
    this.offsets = new Int32Array(capacity);
    this.pool = new Int32Array(headSlots + capacity * 8);
    this.f64 = new Float64Array(this.pool.buffer);
    this.pool[nodeId] = NIL;
    this.pool[nodeLevel] = levelMax;
    for (let i = 0; i < levelMax; i++) {
      this.pool[nodeLevels + 2 * i] = NIL;
      this.pool[nodeLevels + 2 * i + 1] = 0;
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
    return this.f64[this.offsets[id]! >> 1]!;
  }

  memberOf(id: number): string {
    return this.members[id]!;
  }

  /** The first node in order, or NIL. */
  first(): number {
    const f = this.pool[nodeLevels]!;
    return f === NIL ? NIL : this.pool[f + nodeId]!;
  }

  /** The last node in order, or NIL. */
  last(): number {
    return this.tailId;
  }

  next(id: number): number {
    const f = this.pool[this.offsets[id]! + nodeLevels]!;
    return f === NIL ? NIL : this.pool[f + nodeId]!;
  }

  prev(id: number): number {
    return this.backs[id]!;
  }

  // --- Storage -----------------------------------------------------------------------------

  private growNodes(): void {
    const cap = this.offsets.length * 2;
    const b = new Int32Array(cap);
    b.set(this.backs);
    this.backs = b;
    const o = new Int32Array(cap);
    o.set(this.offsets);
    this.offsets = o;
  }

  /** A block for a node of `level` levels (its slots hold garbage); may move the pool. */
  private allocBlock(level: number): number {
    const free = this.freeBlocks?.[level];
    if (free !== undefined && free.length > 0) return free.pop()!;
    const need = this.poolTop + nodeLevels + 2 * level;
    if (need > this.pool.length) {
      let size = this.pool.length * 2;
      while (size < need) size *= 2;
      const p = new Int32Array(size);
      p.set(this.pool.subarray(0, this.poolTop));
      this.pool = p;
      this.f64 = new Float64Array(p.buffer);
    }
    const off = this.poolTop;
    this.poolTop = need;
    return off;
  }

  // --- Search --------------------------------------------------------------------------------

  /** True if the node at block offset fOff orders before (score, member). */
  private before(fOff: number, score: number, member: string): boolean {
    const fs = this.f64[fOff >> 1]!;
    return fs < score || (fs === score && this.members[this.pool[fOff + nodeId]!]! < member);
  }

  /**
   * Fills updateOff/rankAt with, per level, the block of the last node ordering before
   * (score, member) and the 1-based rank crossed to reach it (Redis's insert walk).
   */
  private findPredecessors(score: number, member: string): void {
    const pool = this.pool;
    const f64 = this.f64;
    const members = this.members;
    const updateOff = this.updateOff;
    const rankAt = this.rankAt;
    let xOff = 0;
    let rank = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      const at = nodeLevels + 2 * i;
      for (;;) {
        const f = pool[xOff + at]!;
        if (f === NIL) break;
        const fs = f64[f >> 1]!;
        // Not before (score, member): stop (scores are never NaN).
        if (fs > score || (fs === score && !(members[pool[f + nodeId]!]! < member))) break;
        rank += pool[xOff + at + 1]!;
        xOff = f;
      }
      updateOff[i] = xOff;
      rankAt[i] = rank;
    }
  }

  // --- Mutation ---------------------------------------------------------------------------------

  /** Inserts a member that is not present; returns its id. */
  insert(score: number, member: string): number {
    assert(!Number.isNaN(score), 'NaN score in a skiplist');
    const id = this.count;
    if (id === this.offsets.length) this.growNodes();
    const level = randomLevel();
    const off = this.allocBlock(level);
    this.f64[off >> 1] = score;
    this.pool[off + nodeId] = id;
    this.pool[off + nodeLevel] = level;
    this.members[id] = member;
    this.offsets[id] = off;
    // One index probe instead of has() then set(): set() says whether the member was new.
    assert(this.index.set(member, id), 'skiplist insert of a present member');
    this.count++;
    this.link(id);
    return id;
  }

  /** Links node id (fields set, not in the chain) at its place by (score, member). */
  private link(id: number): void {
    const pool = this.pool;
    const off = this.offsets[id]!;
    this.findPredecessors(this.f64[off >> 1]!, this.members[id]!);
    const updateOff = this.updateOff;
    const rankAt = this.rankAt;
    const level = pool[off + nodeLevel]!;
    const length = this.count - 1; // nodes in the chain before this one
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        rankAt[i] = 0;
        updateOff[i] = 0;
        pool[nodeLevels + 2 * i + 1] = length;
      }
      this.level = level;
    }
    const rank0 = rankAt[0]!;
    for (let i = 0; i < level; i++) {
      const u = updateOff[i]! + nodeLevels + 2 * i;
      const o = off + nodeLevels + 2 * i;
      pool[o] = pool[u]!;
      pool[u] = off;
      const crossed = rank0 - rankAt[i]!;
      pool[o + 1] = pool[u + 1]! - crossed;
      pool[u + 1] = crossed + 1;
    }
    for (let i = level; i < this.level; i++) pool[updateOff[i]! + nodeLevels + 2 * i + 1]!++;
    this.backs[id] = pool[updateOff[0]! + nodeId]!; // the head's id slot is NIL
    const f0 = pool[off + nodeLevels]!;
    if (f0 !== NIL) this.backs[pool[f0 + nodeId]!] = id;
    else this.tailId = id;
  }

  /** Unlinks node id from the chain (Redis's zslDeleteNode); its block stays. */
  private unlink(id: number): void {
    const pool = this.pool;
    const off = this.offsets[id]!;
    this.findPredecessors(this.f64[off >> 1]!, this.members[id]!);
    const updateOff = this.updateOff;
    for (let i = 0; i < this.level; i++) {
      const u = updateOff[i]! + nodeLevels + 2 * i;
      if (pool[u] === off) {
        pool[u + 1]! += pool[off + nodeLevels + 2 * i + 1]! - 1;
        pool[u] = pool[off + nodeLevels + 2 * i]!;
      } else {
        pool[u + 1]!--;
      }
    }
    const f0 = pool[off + nodeLevels]!;
    if (f0 !== NIL) this.backs[pool[f0 + nodeId]!] = this.backs[id]!;
    else this.tailId = this.backs[id]!;
    while (this.level > 1 && pool[nodeLevels + 2 * (this.level - 1)] === NIL) this.level--;
  }

  /** Changes a present member's score, keeping its id (Redis's zslUpdateScore). */
  updateScore(id: number, score: number): void {
    assert(!Number.isNaN(score), 'NaN score in a skiplist');
    const off = this.offsets[id]!;
    const back = this.backs[id]!;
    const fwd = this.pool[off + nodeLevels]!;
    const member = this.members[id]!;
    // Still in place: only the score changes (no relinking), as Redis does.
    if ((back === NIL || this.before(this.offsets[back]!, score, member)) && (fwd === NIL || !this.before(fwd, score, member))) {
      this.f64[off >> 1] = score;
      return;
    }
    this.unlink(id);
    this.f64[off >> 1] = score;
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
    const off = this.offsets[id]!;
    this.freeBlocks[this.pool[off + nodeLevel]!]!.push(off);
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

  /**
   * Renumbers node `from` (linked) as `to` (a free id). Forward pointers are block
   * offsets, so only the block's id slot, the successor's back and the index change.
   */
  private moveId(from: number, to: number): void {
    const pool = this.pool;
    const off = this.offsets[from]!;
    assert(pool[off + nodeId] === from, 'skiplist block id');
    pool[off + nodeId] = to;
    const f0 = pool[off + nodeLevels]!;
    if (f0 !== NIL) this.backs[pool[f0 + nodeId]!] = to;
    else this.tailId = to;
    const member = this.members[from]!;
    this.members[to] = member;
    this.backs[to] = this.backs[from]!;
    this.offsets[to] = off;
    this.index.set(member, to);
  }

  // --- Ranks and ranges --------------------------------------------------------------------------

  /** 0-based rank of node id (Redis's zslGetRank - 1). */
  rankOf(id: number): number {
    this.findPredecessors(this.scoreOf(id), this.members[id]!);
    return this.rankAt[0]!;
  }

  /** The node at 0-based rank, or NIL (Redis's zslGetElementByRank). */
  idAtRank(rank: number): number {
    if (rank < 0 || rank >= this.count) return NIL;
    const target = rank + 1;
    const pool = this.pool;
    let traversed = 0;
    let xOff = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      const at = nodeLevels + 2 * i;
      for (;;) {
        const f = pool[xOff + at]!;
        if (f === NIL) break;
        const span = pool[xOff + at + 1]!;
        if (traversed + span > target) break;
        traversed += span;
        xOff = f;
      }
      if (traversed === target) return pool[xOff + nodeId]!;
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
      const at = nodeLevels + 2 * i;
      for (;;) {
        const f = pool[xOff + at]!;
        if (f === NIL || r.gteMin(this, pool[f + nodeId]!)) break;
        xOff = f;
      }
    }
    const x = pool[xOff + nodeLevels]!;
    assert(x !== NIL, 'skiplist inner range ran off the end');
    const id = pool[x + nodeId]!;
    return r.lteMax(this, id) ? id : NIL;
  }

  /** The last node in range, or NIL. */
  lastInRange(r: NodeRange): number {
    if (!this.inRange(r)) return NIL;
    const pool = this.pool;
    let xOff = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      const at = nodeLevels + 2 * i;
      for (;;) {
        const f = pool[xOff + at]!;
        if (f === NIL || !r.lteMax(this, pool[f + nodeId]!)) break;
        xOff = f;
      }
    }
    assert(xOff !== 0, 'skiplist inner range before the start');
    const id = pool[xOff + nodeId]!;
    return r.gteMin(this, id) ? id : NIL;
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
    return this.backs.byteLength + this.offsets.byteLength + this.pool.byteLength + this.members.length * 8;
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
      const off = this.offsets[id]!;
      assert(pool[off + nodeId] === id && pool[off + nodeLevel]! >= 1 && pool[off + nodeLevel]! <= levelMax, 'skiplist block header');
      if (prev !== NIL) assert(this.before(this.offsets[prev]!, this.scoreOf(id), this.members[id]!), 'skiplist order');
      assert(this.index.get(this.members[id]!) === id, 'skiplist index');
      assert(this.idAtRank(n) === id, 'skiplist rank by span');
      assert(this.rankOf(id) === n, 'skiplist rank of id');
      prev = id;
      id = this.next(id);
      n++;
    }
    assert(n === this.count && this.index.size === this.count, 'skiplist length');
    assert(this.tailId === prev, 'skiplist tail');
  }
}
