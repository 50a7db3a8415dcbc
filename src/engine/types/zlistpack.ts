// ZListpack: a small sorted set as Redis 7.0 keeps it in a listpack (engine worker): two
// parallel arrays, members and scores, sorted by (score, member bytes). RZSet
// (src/engine/types/zset.ts) uses it while Redis would, and converts to a ZTree past
// zset-max-listpack-entries / -value, so a small sorted set costs two small arrays
// rather than a tree's typed arrays and index.
//
// It offers the ZTree API the commands use, with ids that are ranks: an id is the
// element's 0-based position, valid until the next mutation (callers never keep an id
// across a mutation). Lookups are linear or binary searches, as Redis's listpack walks
// are linear, which is cheap at these sizes.
//
// Invariants: members.length === scores.length; sorted by (score, member); members unique.

import { assert } from '../../assert.js';
import { NIL, type NodeRange } from './znodes.js';

export class ZListpack {
  private readonly members: string[] = [];
  private readonly scores: number[] = [];

  get length(): number {
    return this.members.length;
  }

  idOf(member: string): number {
    return this.members.indexOf(member);
  }

  scoreOf(id: number): number {
    return this.scores[id]!;
  }

  memberOf(id: number): string {
    return this.members[id]!;
  }

  first(): number {
    return this.members.length > 0 ? 0 : NIL;
  }

  last(): number {
    return this.members.length - 1;
  }

  next(id: number): number {
    return id + 1 < this.members.length ? id + 1 : NIL;
  }

  prev(id: number): number {
    return id > 0 ? id - 1 : NIL;
  }

  rankOf(id: number): number {
    return id;
  }

  idAtRank(rank: number): number {
    return rank >= 0 && rank < this.members.length ? rank : NIL;
  }

  /** The first position whose element does not order before (score, member). */
  private position(score: number, member: string): number {
    let lo = 0;
    let hi = this.members.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const s = this.scores[mid]!;
      if (s < score || (s === score && this.members[mid]! < member)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Inserts a member that is not present; returns its position. */
  insert(score: number, member: string): number {
    assert(!Number.isNaN(score), 'NaN score in a listpack');
    assert(this.members.indexOf(member) < 0, 'listpack insert of a present member');
    const i = this.position(score, member);
    this.members.splice(i, 0, member);
    this.scores.splice(i, 0, score);
    return i;
  }

  /** Appends an element known to order after every other (building from a sorted source). */
  append(score: number, member: string): void {
    this.members.push(member);
    this.scores.push(score);
  }

  deleteId(id: number): void {
    assert(id >= 0 && id < this.members.length, 'listpack delete of a bad id');
    this.members.splice(id, 1);
    this.scores.splice(id, 1);
  }

  delete(member: string): boolean {
    const id = this.members.indexOf(member);
    if (id < 0) return false;
    this.deleteId(id);
    return true;
  }

  updateScore(id: number, score: number): void {
    const member = this.members[id]!;
    this.deleteId(id);
    this.insert(score, member);
  }

  /** Redis's zzlIsInRange / zzlIsInLexRange: the last element >= min and the first <= max. */
  private inRange(r: NodeRange): boolean {
    const n = this.members.length;
    return !r.empty && n > 0 && r.gteMin(this, n - 1) && r.lteMax(this, 0);
  }

  firstInRange(r: NodeRange): number {
    if (!this.inRange(r)) return NIL;
    for (let i = 0; i < this.members.length; i++) {
      if (r.gteMin(this, i)) return r.lteMax(this, i) ? i : NIL;
    }
    return NIL;
  }

  lastInRange(r: NodeRange): number {
    if (!this.inRange(r)) return NIL;
    for (let i = this.members.length - 1; i >= 0; i--) {
      if (r.lteMax(this, i)) return r.gteMin(this, i) ? i : NIL;
    }
    return NIL;
  }
}
