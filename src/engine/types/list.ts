// RList: the Redis list value (engine worker), Redis 7.0's quicklist without its command
// handlers (src/engine/commands/lists.ts), so it can be fuzzed alone.
//
// Representation: one ring buffer of latin1 strings (one char per byte, as the keyspace
// stores bytes) with a head index and a length; the capacity is a power of two and
// doubles when full, halves when a quarter full (never below minCapacity). That gives
// O(1) pushes and pops at both ends (LPUSH/RPUSH/LPOP/RPOP, the benchmark's hot paths),
// O(1) LINDEX/LSET and O(N) middle edits (LINSERT/LREM/LTRIM), which are O(N) in Redis
// too. No per-element object beyond the string itself: one pointer slot per element.
//
// OBJECT ENCODING: Redis 7.0 always reports "quicklist" for a list (the listpack list
// encoding arrived in 7.2), whatever list-max-listpack-size says; we answer the same.
//
// Invariants: capacity is a power of two >= minCapacity; 0 <= head < capacity;
// 0 <= length <= capacity; slots outside [head, head+length) hold undefined (so popped
// strings can be collected); callers never keep an empty list in the keyspace.

import { assert } from '../../assert.js';
import { RObject } from '../keyspace.js';

const minCapacity = 8;

/** Which end of a list: Redis's LIST_HEAD (left) and LIST_TAIL (right). */
export const ListEnd = { head: 0, tail: 1 } as const;
export type ListEnd = (typeof ListEnd)[keyof typeof ListEnd];

export class RList extends RObject {
  readonly type = 'list' as const;
  private items: (string | undefined)[];
  private head = 0;
  private count = 0;
  private mask: number;

  constructor(capacity = minCapacity) {
    super();
    let cap = minCapacity;
    while (cap < capacity) cap *= 2;
    this.items = new Array<string | undefined>(cap);
    this.mask = cap - 1;
  }

  encoding(): string {
    return 'quicklist';
  }

  get length(): number {
    return this.count;
  }

  clone(): RList {
    const c = new RList(this.count);
    for (let i = 0; i < this.count; i++) c.items[i] = this.items[(this.head + i) & this.mask];
    c.count = this.count;
    return c;
  }

  /** Builds a list holding `values` in order (tests, restore). */
  static from(values: readonly string[]): RList {
    const l = new RList(values.length);
    for (let i = 0; i < values.length; i++) l.items[i] = values[i];
    l.count = values.length;
    return l;
  }

  private grow(): void {
    const cap = this.items.length;
    const next = new Array<string | undefined>(cap * 2);
    for (let i = 0; i < this.count; i++) next[i] = this.items[(this.head + i) & this.mask];
    this.items = next;
    this.head = 0;
    this.mask = cap * 2 - 1;
  }

  private maybeShrink(): void {
    const cap = this.items.length;
    if (cap <= minCapacity || this.count * 4 > cap) return;
    const next = new Array<string | undefined>(cap / 2);
    for (let i = 0; i < this.count; i++) next[i] = this.items[(this.head + i) & this.mask];
    this.items = next;
    this.head = 0;
    this.mask = cap / 2 - 1;
  }

  push(value: string, where: ListEnd): void {
    if (this.count === this.items.length) this.grow();
    if (where === ListEnd.head) {
      this.head = (this.head - 1) & this.mask;
      this.items[this.head] = value;
    } else {
      this.items[(this.head + this.count) & this.mask] = value;
    }
    this.count++;
  }

  /** Removes and returns the element at `where`, or undefined if empty. */
  pop(where: ListEnd): string | undefined {
    if (this.count === 0) return undefined;
    let at: number;
    if (where === ListEnd.head) {
      at = this.head;
      this.head = (this.head + 1) & this.mask;
    } else {
      at = (this.head + this.count - 1) & this.mask;
    }
    const v = this.items[at];
    this.items[at] = undefined;
    this.count--;
    if (this.count === 0) this.head = 0;
    this.maybeShrink();
    assert(v !== undefined, 'list slot inside the ring is empty');
    return v;
  }

  /** The element at index i in [0, length). */
  at(i: number): string {
    assert(i >= 0 && i < this.count, 'list index out of range');
    return this.items[(this.head + i) & this.mask]!;
  }

  set(i: number, value: string): void {
    assert(i >= 0 && i < this.count, 'list index out of range');
    this.items[(this.head + i) & this.mask] = value;
  }

  /** Redis's index convention: negative counts from the tail. -1 if out of range. */
  resolveIndex(index: number): number {
    const i = index < 0 ? this.count + index : index;
    return i >= 0 && i < this.count ? i : -1;
  }

  /** Inserts `value` so that it ends at index i in [0, length]. O(min(i, length-i)). */
  insertAt(i: number, value: string): void {
    assert(i >= 0 && i <= this.count, 'insert index out of range');
    if (i === 0) return this.push(value, ListEnd.head);
    if (i === this.count) return this.push(value, ListEnd.tail);
    if (this.count === this.items.length) this.grow();
    if (i < this.count - i) {
      // Shift the first i elements one slot to the left.
      this.head = (this.head - 1) & this.mask;
      for (let j = 0; j < i; j++) this.items[(this.head + j) & this.mask] = this.items[(this.head + j + 1) & this.mask];
    } else {
      for (let j = this.count; j > i; j--) this.items[(this.head + j) & this.mask] = this.items[(this.head + j - 1) & this.mask];
    }
    this.items[(this.head + i) & this.mask] = value;
    this.count++;
  }

  /** Keeps only the elements in [start, end] (already clamped, start <= end), or none. */
  keepRange(start: number, end: number): void {
    if (start > end || start >= this.count) {
      this.clear();
      return;
    }
    const keep = end - start + 1;
    for (let i = 0; i < start; i++) this.items[(this.head + i) & this.mask] = undefined;
    for (let i = end + 1; i < this.count; i++) this.items[(this.head + i) & this.mask] = undefined;
    this.head = (this.head + start) & this.mask;
    this.count = keep;
    this.compact();
  }

  /**
   * LREM's scan: removes up to `limit` elements equal to `value` (0 = all), from the head
   * when fromHead, else from the tail. Returns how many were removed.
   */
  removeMatching(value: string, limit: number, fromHead: boolean): number {
    const n = this.count;
    const keep = new Array<boolean>(n);
    let removed = 0;
    if (fromHead) {
      for (let i = 0; i < n; i++) {
        const hit = (limit === 0 || removed < limit) && this.items[(this.head + i) & this.mask] === value;
        if (hit) removed++;
        keep[i] = !hit;
      }
    } else {
      for (let i = n - 1; i >= 0; i--) {
        const hit = (limit === 0 || removed < limit) && this.items[(this.head + i) & this.mask] === value;
        if (hit) removed++;
        keep[i] = !hit;
      }
    }
    if (removed === 0) return 0;
    let w = 0;
    for (let i = 0; i < n; i++) {
      if (keep[i]) {
        this.items[(this.head + w) & this.mask] = this.items[(this.head + i) & this.mask];
        w++;
      }
    }
    for (let i = w; i < n; i++) this.items[(this.head + i) & this.mask] = undefined;
    this.count = w;
    this.compact();
    return removed;
  }

  /** The keyspace digest's content (src/engine/digest.ts): the elements in order. */
  *digestParts(): Iterable<string> {
    for (let i = 0; i < this.count; i++) yield this.items[(this.head + i) & this.mask]!;
  }

  /** Every element from head to tail (tests, DUMP, the digest). */
  toArray(): string[] {
    const out: string[] = new Array<string>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.items[(this.head + i) & this.mask]!;
    return out;
  }

  private clear(): void {
    this.items = new Array<string | undefined>(minCapacity);
    this.mask = minCapacity - 1;
    this.head = 0;
    this.count = 0;
  }

  /** Shrinks the ring to fit after a bulk removal. */
  private compact(): void {
    if (this.count === 0) {
      this.clear();
      return;
    }
    let cap = this.items.length;
    while (cap > minCapacity && this.count * 4 <= cap) cap /= 2;
    if (cap === this.items.length) return;
    const next = new Array<string | undefined>(cap);
    for (let i = 0; i < this.count; i++) next[i] = this.items[(this.head + i) & this.mask];
    this.items = next;
    this.head = 0;
    this.mask = cap - 1;
  }
}
