// ZTree: the ordered half of a large sorted set (engine worker), what Redis 7.0 calls
// the "skiplist" encoding (t_zset.c's zskiplist + dict), kept instead as a B+tree with
// subtree counts (an order-statistic tree) in typed arrays, plus the member -> id index.
// Fuzzed alone in test/engine/skiplist.test.ts.
//
// Why not a skiplist: ZADD on a 1M-member set spent ~50% of the engine's time in the
// skiplist's two searches (the old position to unlink, the new one to link), each ~40
// dependent steps through cold node blocks. Here an element's leaf is known from its id
// (no search to remove it: the counts are fixed by walking parent pointers up), and the
// one search to insert visits ~3 inner nodes and one leaf, each a binary search over
// contiguous scores.
//
// Order: by (score, member); members are latin1 strings, so JS's `<` on them is
// memcmp-then-length, as Redis's sdscmp. Scores are never NaN; -0 and 0 are equal, as
// in C, and tie on the member.
//
// Elements. An element is an id in [0, length): ids are DENSE. Per id: members[id],
// scores[id] (a copy of its score, so scoreOf needs no leaf), idLeaf[id] (the leaf
// holding it). Deleting id x moves the last id into x (its leaf slot, the per-id arrays
// and the index change), so a uniformly random id is a uniformly random member
// (ZRANDMEMBER) and a SCAN cursor walking ids from high to low never skips an element
// present for the whole scan (DenseDict's guarantee). A score update keeps the id.
//
// Leaves (index `lf`): up to leafCap elements at lScore/lId[lf * leafCap + slot], sorted;
// lCount, lParent (an inner node or NIL for the root), lNext/lPrev chain the leaves in
// order. Every leaf but a root leaf holds at least one element.
// Inner nodes (index `n`): up to fanout children at iChild[n * fanout + i], with
// iSize (the child subtree's element count: ranks) and a separator (iSepScore,
// iSepMember) for i >= 1: every key in child i - 1 < separator i <= every key in child
// i. A separator is a lower bound copied from a key when a node split; it may outlive
// that member (deletes never touch separators), which keeps routing correct. Slot 0's
// separator is unused for routing. Every leaf is at depth `height` (0: the root is a
// leaf). A leaf or inner node that falls below a quarter full merges with a sibling
// (same parent) when both fit in three quarters, an empty one goes, and a root with one
// child gives way to it, so a set that shrinks gives back its nodes.
//
// Invariants (checked by `check()` in tests): the leaf chain visits every id once in
// order; each id is in idLeaf[id] with scores[id] equal to its leaf score; sizes sum
// to subtree counts; parents mirror children; separators bound their children as above;
// index.get(members[id]) === id.

import { assert } from '../../assert.js';
import { DenseDict } from '../dense-dict.js';
import { NIL, type NodeRange, type ZNodes } from './znodes.js';

/** Elements per leaf: a leaf's scores are 512 bytes, a binary search touches ~6 lines of them. */
const leafCap = 64;
/** Children per inner node: 1M elements need ~3 inner levels. */
const fanout = 64;
/** A leaf below this count tries to merge with a sibling... */
const leafMergeBelow = leafCap / 4;
/** ...when both fit in this many, leaving room for inserts before the next split. */
const leafMergeMax = (leafCap * 3) / 4;
/** An inner node below this many children tries to merge with a sibling, as leaves do. */
const innerMergeBelow = fanout / 4;
const innerMergeMax = (fanout * 3) / 4;
/** Deeper than any tree can get (each level multiplies the leaves by >= 2). */
const heightMax = 40;

/** The search path of the last descent: per depth, the inner node and the child taken. */
const pathNode = new Int32Array(heightMax);
const pathIdx = new Int32Array(heightMax);

export class ZTree implements ZNodes {
  // --- Per element (id) ---
  private readonly members: string[] = [];
  private scores: Float64Array;
  private idLeaf: Int32Array;
  /** member -> id: a DenseDict (its stored hashes are compared before members, unlike a Map's chains). */
  private readonly index = new DenseDict<number>();
  private count = 0;

  // --- Leaves ---
  private lScore: Float64Array;
  private lId: Int32Array;
  private lCount: Int32Array;
  private lParent: Int32Array;
  private lNext: Int32Array;
  private lPrev: Int32Array;
  private leafTop = 0;
  private readonly freeLeaves: number[] = [];
  private headLeaf: number;
  private tailLeaf: number;

  // --- Inner nodes ---
  private iChild: Int32Array;
  private iSize: Int32Array;
  private iSepScore: Float64Array;
  private readonly iSepMember: string[] = [];
  private iCount: Int32Array;
  private iParent: Int32Array;
  /** 1 when the node's children are leaves, else one more than its children's. */
  private iLevel: Uint8Array;
  private innerTop = 0;
  private readonly freeInner: number[] = [];

  /** A leaf when height === 0, else an inner node. */
  private root: number;
  private height = 0;

  /** Where the last id looked up or returned sits in its leaf (checked before use). */
  private hintId = NIL;
  private hintSlot = 0;

  /** Evaluates a NodeRange on a separator: scoreOf/memberOf of any id answer the key below. */
  private viewScore = 0;
  private viewMember = '';
  private readonly sepView: ZNodes = {
    scoreOf: (): number => this.viewScore,
    memberOf: (): string => this.viewMember,
  };

  constructor(capacity = 4) {
    // A converted listpack is loaded in order (full leaves); no inner node until a leaf
    // splits, so a small set costs about one leaf.
    const leaves = Math.max(1, Math.ceil(capacity / leafCap));
    this.scores = new Float64Array(capacity);
    this.idLeaf = new Int32Array(capacity);
    this.lScore = new Float64Array(leaves * leafCap);
    this.lId = new Int32Array(leaves * leafCap);
    this.lCount = new Int32Array(leaves);
    this.lParent = new Int32Array(leaves);
    this.lNext = new Int32Array(leaves);
    this.lPrev = new Int32Array(leaves);
    const inner = 0;
    this.iChild = new Int32Array(inner * fanout);
    this.iSize = new Int32Array(inner * fanout);
    this.iSepScore = new Float64Array(inner * fanout);
    this.iCount = new Int32Array(inner);
    this.iParent = new Int32Array(inner);
    this.iLevel = new Uint8Array(inner);
    this.root = this.allocLeaf();
    this.headLeaf = this.root;
    this.tailLeaf = this.root;
  }

  get length(): number {
    return this.count;
  }

  /** The id of member, or NIL. */
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

  /** The first element in order, or NIL. */
  first(): number {
    if (this.count === 0) return NIL;
    return this.hint(this.lId[this.headLeaf * leafCap]!, 0);
  }

  /** The last element in order, or NIL. */
  last(): number {
    if (this.count === 0) return NIL;
    const t = this.tailLeaf;
    const slot = this.lCount[t]! - 1;
    return this.hint(this.lId[t * leafCap + slot]!, slot);
  }

  next(id: number): number {
    const lf = this.idLeaf[id]!;
    const slot = this.slotOf(lf, id) + 1;
    if (slot < this.lCount[lf]!) return this.hint(this.lId[lf * leafCap + slot]!, slot);
    const n = this.lNext[lf]!;
    return n === NIL ? NIL : this.hint(this.lId[n * leafCap]!, 0);
  }

  prev(id: number): number {
    const lf = this.idLeaf[id]!;
    const slot = this.slotOf(lf, id) - 1;
    if (slot >= 0) return this.hint(this.lId[lf * leafCap + slot]!, slot);
    const p = this.lPrev[lf]!;
    if (p === NIL) return NIL;
    const last = this.lCount[p]! - 1;
    return this.hint(this.lId[p * leafCap + last]!, last);
  }

  private hint(id: number, slot: number): number {
    this.hintId = id;
    this.hintSlot = slot;
    return id;
  }

  /** id's slot in its leaf lf: the hint when it still holds, else a scan of the leaf. */
  private slotOf(lf: number, id: number): number {
    const base = lf * leafCap;
    const lId = this.lId;
    if (this.hintId === id && this.hintSlot < this.lCount[lf]! && lId[base + this.hintSlot] === id) return this.hintSlot;
    const n = this.lCount[lf]!;
    for (let s = 0; s < n; s++) {
      if (lId[base + s] === id) {
        this.hintId = id;
        this.hintSlot = s;
        return s;
      }
    }
    assert(false, 'ztree id missing from its leaf');
    return NIL;
  }

  // --- Storage -----------------------------------------------------------------------------

  private growIds(): void {
    const cap = Math.max(4, this.scores.length * 2);
    const s = new Float64Array(cap);
    s.set(this.scores);
    this.scores = s;
    const l = new Int32Array(cap);
    l.set(this.idLeaf);
    this.idLeaf = l;
  }

  /** A fresh empty leaf, unlinked. */
  private allocLeaf(): number {
    let lf = this.freeLeaves.pop();
    if (lf === undefined) {
      if (this.leafTop === this.lCount.length) {
        const cap = this.lCount.length * 2;
        this.lScore = grownF64(this.lScore, cap * leafCap);
        this.lId = grownI32(this.lId, cap * leafCap);
        this.lCount = grownI32(this.lCount, cap);
        this.lParent = grownI32(this.lParent, cap);
        this.lNext = grownI32(this.lNext, cap);
        this.lPrev = grownI32(this.lPrev, cap);
      }
      lf = this.leafTop++;
    }
    this.lCount[lf] = 0;
    this.lParent[lf] = NIL;
    this.lNext[lf] = NIL;
    this.lPrev[lf] = NIL;
    return lf;
  }

  private freeLeaf(lf: number): void {
    this.lCount[lf] = 0;
    this.freeLeaves.push(lf);
  }

  /** A fresh inner node without children. */
  private allocInner(): number {
    let n = this.freeInner.pop();
    if (n === undefined) {
      if (this.innerTop === this.iCount.length) {
        const cap = Math.max(1, this.iCount.length * 2);
        this.iChild = grownI32(this.iChild, cap * fanout);
        this.iSize = grownI32(this.iSize, cap * fanout);
        this.iSepScore = grownF64(this.iSepScore, cap * fanout);
        this.iCount = grownI32(this.iCount, cap);
        this.iParent = grownI32(this.iParent, cap);
        const level = new Uint8Array(cap);
        level.set(this.iLevel);
        this.iLevel = level;
      }
      n = this.innerTop++;
      for (let i = 0; i < fanout; i++) this.iSepMember.push('');
    }
    this.iCount[n] = 0;
    this.iParent[n] = NIL;
    return n;
  }

  private freeInnerNode(n: number): void {
    const base = n * fanout;
    for (let i = 0; i < fanout; i++) this.iSepMember[base + i] = ''; // drop member strings
    this.iCount[n] = 0;
    this.freeInner.push(n);
  }

  private setParent(child: number, childIsLeaf: boolean, parent: number): void {
    if (childIsLeaf) this.lParent[child] = parent;
    else this.iParent[child] = parent;
  }

  private sizeOf(node: number, isLeaf: boolean): number {
    if (isLeaf) return this.lCount[node]!;
    const base = node * fanout;
    let s = 0;
    for (let i = 0; i < this.iCount[node]!; i++) s += this.iSize[base + i]!;
    return s;
  }

  /** The index of child in inner node n's children. */
  private childIndex(n: number, child: number): number {
    const base = n * fanout;
    const k = this.iCount[n]!;
    const iChild = this.iChild;
    for (let i = 0; i < k; i++) if (iChild[base + i] === child) return i;
    assert(false, 'ztree child missing from its parent');
    return NIL;
  }

  // --- Mutation ---------------------------------------------------------------------------------

  /** Inserts a member that is not present; returns its id. */
  insert(score: number, member: string): number {
    assert(!Number.isNaN(score), 'NaN score in a sorted set');
    const id = this.count;
    if (id === this.scores.length) this.growIds();
    // One index probe instead of has() then set(): set() says whether the member was new.
    assert(this.index.set(member, id), 'sorted set insert of a present member');
    this.members.push(member);
    this.scores[id] = score;
    this.count++;
    this.place(id);
    return id;
  }

  /** Changes a present member's score, keeping its id. */
  updateScore(id: number, score: number): void {
    assert(!Number.isNaN(score), 'NaN score in a sorted set');
    const lf = this.idLeaf[id]!;
    const slot = this.slotOf(lf, id);
    const base = lf * leafCap;
    // Still between its neighbours in the same leaf: only the score changes, as Redis's
    // zslUpdateScore does in place. (At a leaf's ends the separators would need a look.)
    if (slot > 0 && slot < this.lCount[lf]! - 1) {
      const member = this.members[id]!;
      const ps = this.lScore[base + slot - 1]!;
      const ns = this.lScore[base + slot + 1]!;
      const afterPrev = ps < score || (ps === score && this.members[this.lId[base + slot - 1]!]! < member);
      const beforeNext = score < ns || (score === ns && member < this.members[this.lId[base + slot + 1]!]!);
      if (afterPrev && beforeNext) {
        this.lScore[base + slot] = score;
        this.scores[id] = score;
        return;
      }
    }
    this.unplace(id);
    this.scores[id] = score;
    this.place(id);
  }

  /** Deletes element id; the last id moves into its place. */
  deleteId(id: number): void {
    assert(id >= 0 && id < this.count, 'sorted set delete of a bad id');
    this.unplace(id);
    this.index.delete(this.members[id]!);
    const last = this.count - 1;
    if (id !== last) {
      const lf = this.idLeaf[last]!;
      this.lId[lf * leafCap + this.slotOf(lf, last)] = id;
      const member = this.members[last]!;
      this.members[id] = member;
      this.scores[id] = this.scores[last]!;
      this.idLeaf[id] = lf;
      this.index.set(member, id);
    }
    this.members.pop();
    this.count--;
    this.hintId = NIL;
  }

  /** Deletes member; returns true if it was present. */
  delete(member: string): boolean {
    const id = this.index.get(member);
    if (id === undefined) return false;
    this.deleteId(id);
    return true;
  }

  /** Puts id (members/scores set, in no leaf) at its place by (score, member). */
  private place(id: number): void {
    const score = this.scores[id]!;
    const member = this.members[id]!;
    const members = this.members;
    // Descend: at each inner node the last child whose separator <= the key.
    let node = this.root;
    const iSepScore = this.iSepScore;
    const iSepMember = this.iSepMember;
    for (let d = 0; d < this.height; d++) {
      const base = node * fanout;
      let lo = 1;
      let hi = this.iCount[node]!;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        const ss = iSepScore[base + mid]!;
        if (ss < score || (ss === score && iSepMember[base + mid]! <= member)) lo = mid + 1;
        else hi = mid;
      }
      pathNode[d] = node;
      pathIdx[d] = lo - 1;
      node = this.iChild[base + lo - 1]!;
    }
    // In the leaf: the count of elements before the key.
    const lf = node;
    const base = lf * leafCap;
    let lScore = this.lScore;
    let lId = this.lId;
    let lo = 0;
    let hi = this.lCount[lf]!;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const s = lScore[base + mid]!;
      if (s < score || (s === score && members[lId[base + mid]!]! < member)) lo = mid + 1;
      else hi = mid;
    }
    const pos = lo;
    if (this.lCount[lf]! < leafCap) {
      this.leafInsert(lf, pos, id, score);
      for (let d = 0; d < this.height; d++) this.iSize[pathNode[d]! * fanout + pathIdx[d]!]!++;
      return;
    }
    // Full: split. Appending past the last leaf's end (ascending loads) moves nothing, so
    // such a set fills its leaves; otherwise half moves.
    const right = this.allocLeaf(); // may grow the leaf arrays: read them again
    lScore = this.lScore;
    lId = this.lId;
    const m = pos === leafCap && this.lNext[lf] === NIL ? leafCap : leafCap / 2;
    const rBase = right * leafCap;
    const idLeaf = this.idLeaf;
    for (let s = m; s < leafCap; s++) {
      lScore[rBase + s - m] = lScore[base + s]!;
      const moved = lId[base + s]!;
      lId[rBase + s - m] = moved;
      idLeaf[moved] = right;
    }
    this.lCount[right] = leafCap - m;
    this.lCount[lf] = m;
    const after = this.lNext[lf]!;
    this.lNext[right] = after;
    this.lPrev[right] = lf;
    this.lNext[lf] = right;
    if (after === NIL) this.tailLeaf = right;
    else this.lPrev[after] = right;
    if (pos <= m && m < leafCap) this.leafInsert(lf, pos, id, score);
    else this.leafInsert(right, pos - m, id, score);
    this.addChild(this.height - 1, lf, right, true, lScore[rBase]!, members[lId[rBase]!]!);
  }

  /** Shifts leaf lf's slots >= pos up one and puts id there (the leaf has room). */
  private leafInsert(lf: number, pos: number, id: number, score: number): void {
    const base = lf * leafCap;
    const lScore = this.lScore;
    const lId = this.lId;
    for (let s = base + this.lCount[lf]!; s > base + pos; s--) {
      lScore[s] = lScore[s - 1]!;
      lId[s] = lId[s - 1]!;
    }
    lScore[base + pos] = score;
    lId[base + pos] = id;
    this.lCount[lf]!++;
    this.idLeaf[id] = lf;
    this.hintId = id;
    this.hintSlot = pos;
  }

  /**
   * Adds `right`, just split off `left`, after it in left's parent (pathNode[d], where
   * left is child pathIdx[d]); d < 0 when left is the root. Sizes of left and right are
   * set exactly; the ancestors above gain the one inserted element.
   */
  private addChild(d: number, left: number, right: number, isLeaf: boolean, sepScore: number, sepMember: string): void {
    if (d < 0) {
      const n = this.allocInner();
      const base = n * fanout;
      this.iChild[base] = left;
      this.iChild[base + 1] = right;
      this.iSize[base] = this.sizeOf(left, isLeaf);
      this.iSize[base + 1] = this.sizeOf(right, isLeaf);
      this.iSepScore[base + 1] = sepScore;
      this.iSepMember[base + 1] = sepMember;
      this.iCount[n] = 2;
      this.iLevel[n] = isLeaf ? 1 : this.iLevel[left]! + 1;
      this.setParent(left, isLeaf, n);
      this.setParent(right, isLeaf, n);
      this.root = n;
      this.height++;
      assert(this.height < heightMax, 'ztree too deep');
      return;
    }
    const p = pathNode[d]!;
    const idx = pathIdx[d]!;
    if (this.iCount[p]! < fanout) {
      this.innerInsert(p, idx, left, right, isLeaf, sepScore, sepMember);
      for (let u = 0; u < d; u++) this.iSize[pathNode[u]! * fanout + pathIdx[u]!]!++;
      return;
    }
    // Full: split p. Appending at its end moves nothing (ascending loads), else half moves.
    const q = this.allocInner();
    const m = idx === fanout - 1 && this.iParentIsRightmost(d) ? fanout : fanout / 2;
    const pBase = p * fanout;
    const qBase = q * fanout;
    for (let i = m; i < fanout; i++) {
      const child = this.iChild[pBase + i]!;
      this.iChild[qBase + i - m] = child;
      this.iSize[qBase + i - m] = this.iSize[pBase + i]!;
      this.iSepScore[qBase + i - m] = this.iSepScore[pBase + i]!;
      this.iSepMember[qBase + i - m] = this.iSepMember[pBase + i]!;
      this.iSepMember[pBase + i] = '';
      this.setParent(child, isLeaf, q);
    }
    this.iCount[q] = fanout - m;
    this.iCount[p] = m;
    this.iLevel[q] = this.iLevel[p]!;
    if (m === fanout) {
      // Appending: right alone in q, its separator in q's slot 0 (q's own, for the parent).
      this.iSize[pBase + idx] = this.sizeOf(left, isLeaf);
      this.innerInsert(q, -1, left, right, isLeaf, sepScore, sepMember);
    } else if (idx < m) {
      this.innerInsert(p, idx, left, right, isLeaf, sepScore, sepMember);
    } else {
      this.innerInsert(q, idx - m, left, right, isLeaf, sepScore, sepMember);
    }
    this.addChild(d - 1, p, q, false, this.iSepScore[qBase]!, this.iSepMember[qBase]!);
  }

  /** True if pathNode[d] is the last node of its level (every ancestor took its last child). */
  private iParentIsRightmost(d: number): boolean {
    for (let u = 0; u < d; u++) if (pathIdx[u] !== this.iCount[pathNode[u]!]! - 1) return false;
    return true;
  }

  /**
   * In inner node n (with room), puts right after left, child idx of n; idx === -1 when
   * left is not in n (an appending split): right goes first and left's size is the caller's.
   */
  private innerInsert(n: number, idx: number, left: number, right: number, isLeaf: boolean, sepScore: number, sepMember: string): void {
    const base = n * fanout;
    const k = this.iCount[n]!;
    for (let i = k; i > idx + 1; i--) {
      this.iChild[base + i] = this.iChild[base + i - 1]!;
      this.iSize[base + i] = this.iSize[base + i - 1]!;
      this.iSepScore[base + i] = this.iSepScore[base + i - 1]!;
      this.iSepMember[base + i] = this.iSepMember[base + i - 1]!;
    }
    this.iChild[base + idx + 1] = right;
    this.iSize[base + idx + 1] = this.sizeOf(right, isLeaf);
    this.iSepScore[base + idx + 1] = sepScore;
    this.iSepMember[base + idx + 1] = sepMember;
    if (idx >= 0) this.iSize[base + idx] = this.sizeOf(left, isLeaf);
    this.iCount[n] = k + 1;
    this.setParent(right, isLeaf, n);
  }

  /** Takes id out of its leaf (counts, merges and empty nodes fixed); id keeps its per-id fields. */
  private unplace(id: number): void {
    const lf = this.idLeaf[id]!;
    const slot = this.slotOf(lf, id);
    const base = lf * leafCap;
    const n = this.lCount[lf]! - 1;
    const lScore = this.lScore;
    const lId = this.lId;
    for (let s = base + slot; s < base + n; s++) {
      lScore[s] = lScore[s + 1]!;
      lId[s] = lId[s + 1]!;
    }
    this.lCount[lf] = n;
    let child = lf;
    let p = this.lParent[lf]!;
    while (p !== NIL) {
      this.iSize[p * fanout + this.childIndex(p, child)]!--;
      child = p;
      p = this.iParent[p]!;
    }
    if (n < leafMergeBelow && lf !== this.root) this.rebalanceLeaf(lf);
  }

  /** Leaf lf (not the root) fell below leafMergeBelow: remove it if empty, or merge it with a sibling. */
  private rebalanceLeaf(lf: number): void {
    const p = this.lParent[lf]!;
    const idx = this.childIndex(p, lf);
    if (this.lCount[lf] === 0) {
      this.unlinkLeaf(lf);
      this.removeChild(p, idx);
      return;
    }
    const base = p * fanout;
    if (idx + 1 < this.iCount[p]!) {
      const right = this.iChild[base + idx + 1]!;
      if (this.lCount[lf]! + this.lCount[right]! <= leafMergeMax) {
        this.mergeLeaves(p, idx, lf, right);
        return;
      }
    }
    if (idx > 0) {
      const left = this.iChild[base + idx - 1]!;
      if (this.lCount[lf]! + this.lCount[left]! <= leafMergeMax) this.mergeLeaves(p, idx - 1, left, lf);
    }
  }

  /** Moves leaf right's elements to the end of left (its predecessor, child li of p) and drops right. */
  private mergeLeaves(p: number, li: number, left: number, right: number): void {
    const lBase = left * leafCap;
    const rBase = right * leafCap;
    const ln = this.lCount[left]!;
    const rn = this.lCount[right]!;
    for (let s = 0; s < rn; s++) {
      this.lScore[lBase + ln + s] = this.lScore[rBase + s]!;
      const moved = this.lId[rBase + s]!;
      this.lId[lBase + ln + s] = moved;
      this.idLeaf[moved] = left;
    }
    this.lCount[left] = ln + rn;
    this.lCount[right] = 0;
    this.iSize[p * fanout + li]! += rn;
    this.iSize[p * fanout + li + 1] = 0;
    this.unlinkLeaf(right);
    this.removeChild(p, li + 1);
  }

  /** Takes leaf lf out of the leaf chain and frees it. */
  private unlinkLeaf(lf: number): void {
    const before = this.lPrev[lf]!;
    const after = this.lNext[lf]!;
    if (before === NIL) this.headLeaf = after;
    else this.lNext[before] = after;
    if (after === NIL) this.tailLeaf = before;
    else this.lPrev[after] = before;
    this.freeLeaf(lf);
  }

  /**
   * Removes child idx (an empty subtree, already freed) from inner node n; n then goes
   * if empty, or merges with a sibling if sparse, and a root with one child gives way.
   */
  private removeChild(n: number, idx: number): void {
    const base = n * fanout;
    const k = this.iCount[n]! - 1;
    assert(this.iSize[base + idx] === 0, 'ztree removal of a non-empty child');
    for (let i = base + idx; i < base + k; i++) {
      this.iChild[i] = this.iChild[i + 1]!;
      this.iSize[i] = this.iSize[i + 1]!;
      this.iSepScore[i] = this.iSepScore[i + 1]!;
      this.iSepMember[i] = this.iSepMember[i + 1]!;
    }
    this.iSepMember[base + k] = '';
    this.iCount[n] = k;
    if (k === 0) {
      // Only a root collapses to one child first, so n is not the root.
      const g = this.iParent[n]!;
      assert(g !== NIL, 'ztree empty root');
      const gi = this.childIndex(g, n);
      this.freeInnerNode(n);
      this.removeChild(g, gi);
      return;
    }
    if (k < innerMergeBelow && n !== this.root) {
      const g = this.iParent[n]!;
      const gi = this.childIndex(g, n);
      const gBase = g * fanout;
      if (gi + 1 < this.iCount[g]! && k + this.iCount[this.iChild[gBase + gi + 1]!]! <= innerMergeMax) {
        this.mergeInner(g, gi, n, this.iChild[gBase + gi + 1]!);
        return;
      }
      if (gi > 0 && k + this.iCount[this.iChild[gBase + gi - 1]!]! <= innerMergeMax) {
        this.mergeInner(g, gi - 1, this.iChild[gBase + gi - 1]!, n);
        return;
      }
    }
    // A root with one child gives way to it (repeatedly: that child may have one too).
    while (this.height > 0 && this.iCount[this.root] === 1) {
      const old = this.root;
      const child = this.iChild[old * fanout]!;
      this.height--;
      this.setParent(child, this.height === 0, NIL);
      this.freeInnerNode(old);
      this.root = child;
    }
  }

  /** Moves inner node right's children to the end of left (its predecessor, child li of g) and drops right. */
  private mergeInner(g: number, li: number, left: number, right: number): void {
    const lBase = left * fanout;
    const rBase = right * fanout;
    const gBase = g * fanout;
    const lk = this.iCount[left]!;
    const rk = this.iCount[right]!;
    const leafKids = this.iLevel[left] === 1;
    for (let j = 0; j < rk; j++) {
      const child = this.iChild[rBase + j]!;
      this.iChild[lBase + lk + j] = child;
      this.iSize[lBase + lk + j] = this.iSize[rBase + j]!;
      this.iSepScore[lBase + lk + j] = this.iSepScore[rBase + j]!;
      this.iSepMember[lBase + lk + j] = this.iSepMember[rBase + j]!;
      this.setParent(child, leafKids, left);
    }
    // right's first child is bounded below by right's own separator in g.
    this.iSepScore[lBase + lk] = this.iSepScore[gBase + li + 1]!;
    this.iSepMember[lBase + lk] = this.iSepMember[gBase + li + 1]!;
    this.iCount[left] = lk + rk;
    this.iSize[gBase + li]! += this.iSize[gBase + li + 1]!;
    this.iSize[gBase + li + 1] = 0;
    this.freeInnerNode(right);
    this.removeChild(g, li + 1);
  }

  // --- Ranks and ranges --------------------------------------------------------------------------

  /** 0-based rank of element id. */
  rankOf(id: number): number {
    const lf = this.idLeaf[id]!;
    let rank = this.slotOf(lf, id);
    let child = lf;
    let p = this.lParent[lf]!;
    while (p !== NIL) {
      const base = p * fanout;
      const idx = this.childIndex(p, child);
      for (let i = 0; i < idx; i++) rank += this.iSize[base + i]!;
      child = p;
      p = this.iParent[p]!;
    }
    return rank;
  }

  /** The element at 0-based rank, or NIL. */
  idAtRank(rank: number): number {
    if (rank < 0 || rank >= this.count) return NIL;
    let node = this.root;
    let r = rank;
    for (let d = 0; d < this.height; d++) {
      const base = node * fanout;
      let i = 0;
      while (r >= this.iSize[base + i]!) r -= this.iSize[base + i++]!;
      assert(i < this.iCount[node]!, 'ztree sizes');
      node = this.iChild[base + i]!;
    }
    assert(r < this.lCount[node]!, 'ztree leaf size');
    return this.hint(this.lId[node * leafCap + r]!, r);
  }

  private sepGteMin(r: NodeRange, at: number): boolean {
    this.viewScore = this.iSepScore[at]!;
    this.viewMember = this.iSepMember[at]!;
    return r.gteMin(this.sepView, 0);
  }

  private sepLteMax(r: NodeRange, at: number): boolean {
    this.viewScore = this.iSepScore[at]!;
    this.viewMember = this.iSepMember[at]!;
    return r.lteMax(this.sepView, 0);
  }

  /** True if some element may be in range (Redis's zslIsInRange / zslIsInLexRange). */
  private inRange(r: NodeRange): boolean {
    if (r.empty || this.count === 0) return false;
    return r.gteMin(this, this.last()) && r.lteMax(this, this.first());
  }

  /** The first element in range, or NIL. */
  firstInRange(r: NodeRange): number {
    if (!this.inRange(r)) return NIL;
    // Descend to the last child whose separator is below the range: everything after it
    // is at or above the range's start.
    let node = this.root;
    for (let d = 0; d < this.height; d++) {
      const base = node * fanout;
      let lo = 1;
      let hi = this.iCount[node]!;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (!this.sepGteMin(r, base + mid)) lo = mid + 1;
        else hi = mid;
      }
      node = this.iChild[base + lo - 1]!;
    }
    const base = node * leafCap;
    let lo = 0;
    let hi = this.lCount[node]!;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (!r.gteMin(this, this.lId[base + mid]!)) lo = mid + 1;
      else hi = mid;
    }
    let lf = node;
    let slot = lo;
    if (slot === this.lCount[lf]) {
      lf = this.lNext[lf]!;
      if (lf === NIL) return NIL;
      slot = 0;
    }
    const id = this.hint(this.lId[lf * leafCap + slot]!, slot);
    return r.lteMax(this, id) ? id : NIL;
  }

  /** The last element in range, or NIL. */
  lastInRange(r: NodeRange): number {
    if (!this.inRange(r)) return NIL;
    // Descend to the last child whose separator is within the range's end: everything
    // after it is past the end.
    let node = this.root;
    for (let d = 0; d < this.height; d++) {
      const base = node * fanout;
      let lo = 1;
      let hi = this.iCount[node]!;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.sepLteMax(r, base + mid)) lo = mid + 1;
        else hi = mid;
      }
      node = this.iChild[base + lo - 1]!;
    }
    const base = node * leafCap;
    let lo = 0;
    let hi = this.lCount[node]!;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (r.lteMax(this, this.lId[base + mid]!)) lo = mid + 1;
      else hi = mid;
    }
    let lf = node;
    let slot = lo - 1;
    if (slot < 0) {
      lf = this.lPrev[lf]!;
      if (lf === NIL) return NIL;
      slot = this.lCount[lf]! - 1;
    }
    const id = this.hint(this.lId[lf * leafCap + slot]!, slot);
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

  /** Inner levels above the leaves (tests: a fuzz reaches the depth it means to). */
  depth(): number {
    return this.height;
  }

  /** True if (s1, m1) orders before (s2, m2). */
  private static before(s1: number, m1: string, s2: number, m2: string): boolean {
    return s1 < s2 || (s1 === s2 && m1 < m2);
  }

  /** Verifies every invariant (tests and fuzzing; O(n log n)). */
  check(): void {
    // The tree: sizes, parents, separators; its leaves in order.
    const leaves: number[] = [];
    const walk = (node: number, depth: number, parent: number): number => {
      if (depth === this.height) {
        assert(this.lParent[node] === parent, 'ztree leaf parent');
        assert(node === this.root || this.lCount[node]! > 0, 'ztree empty leaf');
        leaves.push(node);
        return this.lCount[node]!;
      }
      assert(this.iParent[node] === parent && this.iLevel[node] === this.height - depth, 'ztree inner parent or level');
      const k = this.iCount[node]!;
      assert(k >= (node === this.root ? 2 : 1) && k <= fanout, 'ztree inner count');
      const base = node * fanout;
      let total = 0;
      for (let i = 0; i < k; i++) {
        const firstLeaf = leaves.length;
        const size = walk(this.iChild[base + i]!, depth + 1, node);
        assert(this.iSize[base + i] === size, 'ztree subtree size');
        if (i > 0) {
          // Separator i is above everything before child i and at or below everything in it.
          const ss = this.iSepScore[base + i]!;
          const sm = this.iSepMember[base + i]!;
          const prevLeaf = leaves[firstLeaf - 1]!;
          const pl = prevLeaf * leafCap + this.lCount[prevLeaf]! - 1;
          assert(ZTree.before(this.lScore[pl]!, this.members[this.lId[pl]!]!, ss, sm), 'ztree separator above the left');
          const fl = leaves[firstLeaf]! * leafCap;
          assert(!ZTree.before(this.lScore[fl]!, this.members[this.lId[fl]!]!, ss, sm), 'ztree separator below the right');
        }
        total += size;
      }
      return total;
    };
    const total = walk(this.root, 0, NIL);
    assert(total === this.count && this.members.length === this.count && this.index.size === this.count, 'ztree length');
    // The leaf chain: the same leaves, in order, elements strictly increasing.
    let lf = this.headLeaf;
    let prevLeaf = NIL;
    let prevId = NIL;
    let n = 0;
    const seen = new Uint8Array(this.count);
    for (let i = 0; i < leaves.length; i++) {
      assert(lf === leaves[i], 'ztree leaf chain');
      assert(this.lPrev[lf] === prevLeaf, 'ztree leaf back link');
      for (let s = 0; s < this.lCount[lf]!; s++) {
        const id = this.lId[lf * leafCap + s]!;
        assert(id >= 0 && id < this.count && seen[id] === 0, 'ztree id');
        seen[id] = 1;
        assert(this.idLeaf[id] === lf && this.lScore[lf * leafCap + s] === this.scores[id], 'ztree id leaf or score');
        if (prevId !== NIL) assert(ZTree.before(this.scores[prevId]!, this.members[prevId]!, this.scores[id]!, this.members[id]!), 'ztree order');
        assert(this.index.get(this.members[id]!) === id, 'ztree index');
        assert(this.idAtRank(n) === id && this.rankOf(id) === n, 'ztree rank');
        prevId = id;
        n++;
      }
      prevLeaf = lf;
      lf = this.lNext[lf]!;
    }
    assert(lf === NIL && this.tailLeaf === prevLeaf && n === this.count, 'ztree leaf chain end');
  }
}

function grownF64(a: Float64Array, length: number): Float64Array {
  const b = new Float64Array(length);
  b.set(a);
  return b;
}

function grownI32(a: Int32Array, length: number): Int32Array {
  const b = new Int32Array(length);
  b.set(a);
  return b;
}
