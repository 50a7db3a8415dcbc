// RSet: the Redis set value (engine worker), Redis 7.0's t_set.c / intset.c data
// structure without its command handlers (src/engine/commands/sets.ts).
//
// Two encodings, as Redis 7.0 has them (7.0 has no listpack sets) and OBJECT ENCODING
// names them:
//   intset     every member is a canonical int64 (string2ll spells it exactly): a
//              sorted BigInt64Array with spare capacity, 8 bytes a member as Redis's
//              intset at its widest. Iteration (SMEMBERS, SSCAN, ...) is numeric
//              order, as Redis's. Lookup is a binary search.
//   hashtable  a ByteDict (src/engine/types/byte-dict.ts): members' bytes in one arena,
//              dense slots plus an open-addressing index member -> slot: O(1) lookup
//              (one probe per SADD, hashed from the request's bytes, no JS string made),
//              O(1) uniform random slot, and a SCAN cursor with Redis's guarantee (slots
//              walked high to low, swap-remove only moves the last slot down, so no
//              member present for the whole scan is skipped).
//              Its order is not Redis's hash order; the differential tests compare such
//              replies sorted.
// Conversion is one way, intset -> hashtable (Redis's setTypeConvert): when a member
// is not a canonical integer, or the set has more than set-max-intset-entries members,
// read from the caller's limits (the engine's Config) at each add.
//
// Members are bytes; the string-keyed methods take and give latin1 JS strings (one char
// per byte), the *Bytes methods the request's Buffers (the hot paths: SADD, SREM, ...). Every member is addressable by an
// index in [0, size) (`memberAt`): that is the iteration order and what random picks use.
//
// Invariants: exactly one of `ints` and `table` is non-null; an intset's first
// `intCount` entries are strictly increasing.

import { assert } from '../../assert.js';
import { latin1, string2ll } from '../args.js';
import { ByteDict } from './byte-dict.js';
import { RdbFormatError, RdbType, registerRdbLoader, registerRdbSaver, type RdbReader, type RdbWriter } from '../dump.js';
import { RObject } from '../keyspace.js';
import { jemallocBytes, sdsAllocBytes } from './hash.js';

/** The Config field that decides a set's encoding (Config satisfies this). */
export interface SetLimits {
  readonly setMaxIntsetEntries: number;
}

const intsetInitialCapacity = 4;

/** Bytes per member the intset needs for v (intset.c's _intsetValueEncoding). */
function intWidthOf(v: bigint): number {
  if (v < -2147483648n || v > 2147483647n) return 8;
  if (v < -32768n || v > 32767n) return 4;
  return 2;
}

export class RSet extends RObject {
  readonly type = 'set' as const;
  private ints: BigInt64Array | null = new BigInt64Array(intsetInitialCapacity);
  private intCount = 0;
  /**
   * Redis's intset encoding, bytes per member (2, 4 or 8): the widest any member ever
   * needed, never narrowed (intsets upgrade, never downgrade); DUMP writes this width.
   */
  private intWidth = 2;
  /** The hashtable encoding: members are its keys (values empty). */
  private table: ByteDict | null = null;

  /** Redis's setTypeCreate: an intset if `first` is a canonical integer, else a hashtable. */
  static forMember(first: string): RSet {
    const s = new RSet();
    if (string2ll(first) === null) s.convert();
    return s;
  }

  encoding(): string {
    return this.ints !== null ? 'intset' : 'hashtable';
  }

  get size(): number {
    return this.ints !== null ? this.intCount : this.table!.size;
  }

  isIntset(): boolean {
    return this.ints !== null;
  }

  clone(): RSet {
    const c = new RSet();
    if (this.ints !== null) {
      c.ints = this.ints.slice(0, Math.max(this.intCount, intsetInitialCapacity));
      c.intCount = this.intCount;
      c.intWidth = this.intWidth;
    } else {
      c.ints = null;
      c.table = this.table!.clone();
    }
    return c;
  }

  /** Binary search: the slot of v, or -(insertion point) - 1. */
  private intFind(v: bigint): number {
    const a = this.ints!;
    let lo = 0;
    let hi = this.intCount - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const x = a[mid]!;
      if (x < v) lo = mid + 1;
      else if (x > v) hi = mid - 1;
      else return mid;
    }
    return -lo - 1;
  }

  has(member: string): boolean {
    if (this.ints !== null) {
      const v = string2ll(member);
      return v !== null && this.intFind(v) >= 0;
    }
    return this.table!.has(member);
  }

  /** has() for a member's bytes. */
  hasBytes(member: Buffer): boolean {
    if (this.ints !== null) return this.has(latin1(member));
    return this.table!.slotOfBytes(member) >= 0;
  }

  /** add() for a member's bytes (copied: the caller may reuse its buffer). */
  addBytes(member: Buffer, limits: SetLimits): boolean {
    if (this.ints !== null) return this.add(latin1(member), limits);
    return this.table!.setBytes(member, null);
  }

  /** remove() for a member's bytes. */
  removeBytes(member: Buffer): boolean {
    if (this.ints !== null) return this.remove(latin1(member));
    return this.table!.deleteBytes(member);
  }

  /** Redis's setTypeAdd: returns true if the member is new; converts past the limits. */
  add(member: string, limits: SetLimits): boolean {
    if (this.ints !== null) {
      const v = string2ll(member);
      if (v !== null) {
        const at = this.intFind(v);
        if (at >= 0) return false;
        const pos = -at - 1;
        if (this.intCount === this.ints.length) {
          const grown = new BigInt64Array(this.ints.length * 2);
          grown.set(this.ints);
          this.ints = grown;
        }
        this.ints.copyWithin(pos + 1, pos, this.intCount);
        this.ints[pos] = v;
        this.intCount++;
        const width = intWidthOf(v);
        if (width > this.intWidth) this.intWidth = width;
        if (this.intCount > limits.setMaxIntsetEntries) this.convert();
        return true;
      }
      this.convert();
    }
    return this.table!.set(member, null);
  }

  /** Removes member; returns true if it was there. */
  remove(member: string): boolean {
    if (this.ints !== null) {
      const v = string2ll(member);
      if (v === null) return false;
      const at = this.intFind(v);
      if (at < 0) return false;
      this.ints.copyWithin(at, at + 1, this.intCount);
      this.intCount--;
      return true;
    }
    // Swap-remove: the last member moves into the hole (the order SCAN relies on).
    return this.table!.delete(member);
  }

  /** The member at iteration index i in [0, size), as its bytes (integers in decimal). */
  memberAt(i: number): string {
    assert(i >= 0 && i < this.size, 'set index out of range');
    return this.ints !== null ? String(this.ints[i]!) : this.table!.keyAt(i);
  }

  /**
   * memberAt() for a reply: an intset member's decimal string, or a view of a
   * hashtable's arena (valid until the set is next written; no string is made).
   */
  memberForReply(i: number): string | Buffer {
    assert(i >= 0 && i < this.size, 'set index out of range');
    return this.ints !== null ? String(this.ints[i]!) : this.table!.keyView(i);
  }

  /** A uniformly random index in [0, size); `random` returns [0, 1). */
  randomIndex(random: () => number): number {
    const n = this.size;
    assert(n > 0, 'random member of an empty set');
    return Math.floor(random() * n);
  }

  /**
   * One SCAN step over a hashtable (intsets are returned whole by the caller, with
   * cursor 0, as Redis does): visits up to `count` slots below the cursor (from the
   * top when it is 0); returns the next cursor, 0 at the end.
   */
  scanTable(cursor: number, count: number, visit: (member: string) => void): number {
    assert(this.table !== null, 'scanTable on an intset');
    const table = this.table;
    let slot = cursor === 0 ? table.size : Math.min(cursor, table.size);
    let visited = 0;
    while (slot > 0 && visited < count) {
      slot--;
      visit(table.keyAt(slot));
      visited++;
    }
    return slot;
  }

  /** Digest content: the members sorted, independent of encoding and order. */
  digestParts(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.size; i++) out.push(this.memberAt(i));
    return out.sort();
  }

  /**
   * MEMORY USAGE's estimate of the value beyond its robj (objectComputeSize): an
   * intset's allocation; for a hashtable the dict, its bucket array and the average of
   * the first `samples` members (an sds and a dictEntry each) times the size.
   */
  memoryBytes(samples = 5): number {
    if (this.ints !== null) return jemallocBytes(8 + this.intWidth * this.intCount);
    const n = this.size;
    let slots = 4;
    while (slots < n) slots *= 2;
    const sampled = Math.min(samples, n);
    let elements = 0;
    for (let i = 0; i < sampled; i++) elements += sdsAllocBytes(this.table!.keyLength(i)) + 24;
    return 56 + 8 * slots + (sampled > 0 ? Math.floor((elements / sampled) * n) : 0);
  }

  /** The intset's bytes as Redis lays them out (encoding u32, length u32, members LE), or null. */
  intsetBytes(): Buffer | null {
    if (this.ints === null) return null;
    const w = this.intWidth;
    const out = Buffer.allocUnsafe(8 + w * this.intCount);
    out.writeUInt32LE(w, 0);
    out.writeUInt32LE(this.intCount, 4);
    for (let i = 0; i < this.intCount; i++) {
      const v = this.ints[i]!;
      if (w === 2) out.writeInt16LE(Number(v), 8 + 2 * i);
      else if (w === 4) out.writeInt32LE(Number(v), 8 + 4 * i);
      else out.writeBigInt64LE(v, 8 + 8 * i);
    }
    return out;
  }

  /** A set from intset bytes (an RDB load); throws RdbFormatError unless valid and non-empty. */
  static fromIntsetBytes(b: Buffer): RSet {
    if (b.length < 8) throw new RdbFormatError('intset: short');
    const w = b.readUInt32LE(0);
    const n = b.readUInt32LE(4);
    if ((w !== 2 && w !== 4 && w !== 8) || b.length !== 8 + w * n || n === 0) throw new RdbFormatError('intset: bad header');
    const s = new RSet();
    const ints = new BigInt64Array(Math.max(n, intsetInitialCapacity));
    for (let i = 0; i < n; i++) {
      const v = w === 2 ? BigInt(b.readInt16LE(8 + 2 * i)) : w === 4 ? BigInt(b.readInt32LE(8 + 4 * i)) : b.readBigInt64LE(8 + 8 * i);
      if (i > 0 && v <= ints[i - 1]!) throw new RdbFormatError('intset: not strictly increasing');
      ints[i] = v;
    }
    s.ints = ints;
    s.intCount = n;
    s.intWidth = w;
    return s;
  }

  /** Converts to a hashtable (an RDB load past the intset limit). */
  toHashtable(): void {
    if (this.ints !== null) this.convert();
  }

  private convert(): void {
    const table = new ByteDict();
    const ints = this.ints!;
    for (let i = 0; i < this.intCount; i++) table.set(String(ints[i]!), null);
    this.table = table;
    this.ints = null;
    this.intCount = 0;
  }
}

// --- DUMP / RESTORE (rdb.c's set cases) -------------------------------------------------------
//
// An intset is saved as RDB_TYPE_SET_INTSET (its bytes, byte-identical to Redis's when
// both hold the same members and reached the same width); a hashtable as RDB_TYPE_SET
// (count, then members in KeelDB's table order). Loading applies Redis 7.0's default
// set-max-intset-entries: the loader does not see the engine's Config (dump.ts's loader
// signature).

const defaultLimits: SetLimits = { setMaxIntsetEntries: 512 };

registerRdbSaver('set', (w: RdbWriter, value: RObject): number => {
  const s = value as RSet;
  const bytes = s.intsetBytes();
  if (bytes !== null) {
    w.blob(bytes);
    return RdbType.setIntset;
  }
  w.len(s.size);
  for (let i = 0; i < s.size; i++) w.string(s.memberAt(i));
  return RdbType.set;
});

registerRdbLoader(RdbType.set, (r: RdbReader): RSet => {
  const n = r.len();
  if (n === 0) throw new RdbFormatError('empty set');
  const s = new RSet();
  if (n > defaultLimits.setMaxIntsetEntries) s.toHashtable();
  for (let i = 0; i < n; i++) {
    if (!s.add(r.string(), defaultLimits)) throw new RdbFormatError('duplicate set member');
  }
  return s;
});

registerRdbLoader(RdbType.setIntset, (r: RdbReader): RSet => {
  const s = RSet.fromIntsetBytes(r.blob());
  if (s.size > defaultLimits.setMaxIntsetEntries) s.toHashtable();
  return s;
});
