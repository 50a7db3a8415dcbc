// DenseDict: a string-keyed dictionary with O(1) random access and a SCAN cursor that
// keeps Redis's guarantee (engine worker).
//
// Layout: `keys[i]` and `values[i]` are parallel dense arrays; `index` maps a key to
// its slot i. Deleting swaps the last slot into the hole, so the arrays stay dense and
// a uniformly random slot is a uniformly random key (RANDOMKEY, SRANDMEMBER, active
// expiry sampling).
//
// SCAN walks slots from high to low. A cursor c != 0 means "slots below c remain".
// Swap-remove only moves the last element into a lower hole: an element that was
// already visited can be visited again (allowed), but no element present for the
// whole scan is ever skipped; elements added during a scan land at the top, above the
// cursor, and may be missed (allowed). Cursor 0 starts at the top and 0 is returned
// at the end, as Redis does.
//
// Optionally a third parallel array, `stamps`, holds a number per key (the keyspace
// keeps each key's last access time there, for OBJECT IDLETIME); it moves with its key.
//
// Invariants: keys.length === values.length === index.size; index.get(keys[i]) === i;
// stamps, when kept, has the same length.

import { assert } from '../assert.js';

export class DenseDict<V> {
  readonly keys: string[] = [];
  readonly values: V[] = [];
  /** Per-key numbers parallel to keys (null unless asked for at construction). */
  readonly stamps: number[] | null;
  private readonly index = new Map<string, number>();

  constructor(options: { stamps?: boolean } = {}) {
    this.stamps = options.stamps === true ? [] : null;
  }

  get size(): number {
    return this.keys.length;
  }

  has(key: string): boolean {
    return this.index.has(key);
  }

  /** The key's slot (index into keys/values/stamps), or undefined. */
  slotOf(key: string): number | undefined {
    return this.index.get(key);
  }

  get(key: string): V | undefined {
    const i = this.index.get(key);
    return i === undefined ? undefined : this.values[i];
  }

  /** Sets key to value (and its stamp, when stamps are kept); returns true if the key is new. */
  set(key: string, value: V, stamp = 0): boolean {
    const i = this.index.get(key);
    if (i !== undefined) {
      this.values[i] = value;
      if (this.stamps !== null) this.stamps[i] = stamp;
      return false;
    }
    this.index.set(key, this.keys.length);
    this.keys.push(key);
    this.values.push(value);
    if (this.stamps !== null) this.stamps.push(stamp);
    return true;
  }

  /** Deletes key; returns true if it existed. */
  delete(key: string): boolean {
    const i = this.index.get(key);
    if (i === undefined) return false;
    const last = this.keys.length - 1;
    if (i !== last) {
      const movedKey = this.keys[last]!;
      this.keys[i] = movedKey;
      this.values[i] = this.values[last]!;
      if (this.stamps !== null) this.stamps[i] = this.stamps[last]!;
      this.index.set(movedKey, i);
    }
    this.keys.pop();
    this.values.pop();
    if (this.stamps !== null) this.stamps.pop();
    this.index.delete(key);
    assert(this.keys.length === this.index.size, 'DenseDict arrays and index disagree');
    return true;
  }

  clear(): void {
    this.keys.length = 0;
    this.values.length = 0;
    if (this.stamps !== null) this.stamps.length = 0;
    this.index.clear();
  }

  /** A uniformly random slot, or -1 when empty. `random` returns [0, 1). */
  randomSlot(random: () => number): number {
    if (this.keys.length === 0) return -1;
    return Math.floor(random() * this.keys.length);
  }

  /**
   * Visits up to `count` slots below the cursor (from the top when cursor is 0),
   * calling `visit(key, value)`; returns the next cursor (0 when done).
   */
  scan(cursor: number, count: number, visit: (key: string, value: V) => void): number {
    let slot = cursor === 0 ? this.keys.length : Math.min(cursor, this.keys.length);
    let visited = 0;
    while (slot > 0 && visited < count) {
      slot--;
      visit(this.keys[slot]!, this.values[slot]!);
      visited++;
    }
    return slot;
  }
}
