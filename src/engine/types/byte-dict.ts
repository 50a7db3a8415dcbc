// ByteDict: the hashtable encoding of sets and hashes (engine worker), a byte-keyed
// dictionary whose keys and values live in one ArrayBuffer arena instead of JS strings.
//
// Why: SADD and HSET on a set or hash of ~400k members spent most of their engine time
// making a latin1 string of each argument, then (as the strings survived) having the
// scavenger copy each one to old space and the write barrier record each store into the
// big keys/values arrays. Here a lookup hashes the request's bytes directly and an insert
// copies them into the arena: no JS object is made per member, and the GC sees a few
// large typed arrays instead of 400k small strings.
//
// Layout (slot i in [0, size) is dense, as DenseDict's: deleting swaps the last slot into
// the hole, so a uniformly random slot is a uniformly random key, and SCAN keeps Redis's
// guarantee by walking slots from high to low, see src/engine/dense-dict.ts):
//   arena            bytes; slot i's record is its key then its value (sets: no value)
//   slots            Int32Array, 4 per slot, together so a lookup that finds its key
//                    touches one cache line of them (at 400k members every line is a miss):
//                      [4i]     the record's arena offset (the arena is under 2 GiB, asserted)
//                      [4i + 1] the key's bytes
//                      [4i + 2] the value's bytes (0 for a set)
//                      [4i + 3] the key's hash, so a delete's swap never reads the arena
//   table            Int32Array of [hash, slot + 1] entries (0 = empty): open addressing,
//                    linear probing, at most half full, deletion by backward shift. A probe
//                    compares the 32-bit hash before the key bytes.
// An update whose value has the old length overwrites it in place; any other update
// appends a new record and the old one becomes garbage. The arena is compacted (records
// rewritten in slot order) when growing it would otherwise double a half-garbage arena,
// or when deletes leave it under a quarter live.
//
// The hash is DenseDict's (FNV-1a steps over the bytes, then murmur3's fmix32) with its
// own per-process random seed (hash flooding); the table's order is never observable.
//
// Invariants: the table holds exactly `size` entries, the entry for slot i holds
// slot i's hash and i + 1, and is reachable from its home (hash & mask) without crossing an
// empty entry; the table is at most half full; records of live slots do not overlap and
// lie below arenaUsed; liveBytes is the sum of the live records' lengths.

import { assert } from '../../assert.js';
import { probeTableEntriesMin as tableEntriesMin, rehashProbeTable, removeProbeEntry, verifyProbeTable } from '../probe-table.js';

/** Smallest per-slot capacity; a power of two. */
const slotCapacityMin = 4;
/** The smallest arena (bytes): a dict starts small, as most hashtables hold few members. */
const arenaBytesMin = 64;
/** Offsets are int32: the arena may not pass this. */
const arenaBytesMax = 2 ** 31 - 1;
/** Per-process hash seed: table collisions cannot be planned from outside. */
const hashSeed = globalThis.crypto.getRandomValues(new Int32Array(1))[0]!;

/** The seeded 32-bit hash of bytes[start, end). */
function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = hashSeed ^ (end - start);
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** A reusable buffer for a latin1 string's bytes (string-keyed calls: not the hot path). */
let scratch = Buffer.allocUnsafeSlow(256);
function latin1Bytes(s: string): Buffer {
  if (s.length > scratch.length) scratch = Buffer.allocUnsafeSlow(Math.max(s.length, 2 * scratch.length));
  scratch.latin1Write(s, 0, s.length);
  return scratch;
}

export class ByteDict {
  private arena: Buffer = Buffer.allocUnsafeSlow(arenaBytesMin);
  private arenaUsed = 0;
  private liveBytes = 0;
  private count = 0;
  private slots = new Int32Array(4 * slotCapacityMin);
  /** [hash, slot + 1] per entry; slot + 1 === 0 marks an empty entry. */
  private table = new Int32Array(2 * tableEntriesMin);
  private mask = tableEntriesMin - 1;

  get size(): number {
    return this.count;
  }

  /** An independent copy (its arena compacted). */
  clone(): ByteDict {
    const c = new ByteDict();
    c.count = this.count;
    c.liveBytes = this.liveBytes;
    c.slots = this.slots.slice();
    c.table = this.table.slice();
    c.mask = this.mask;
    c.arena = this.arena;
    c.arenaUsed = this.arenaUsed;
    c.rebuildArena(this.liveBytes);
    return c;
  }

  // --- Lookup --------------------------------------------------------------------------

  /** The table entry index holding key[start, end) with hash h, or -(first empty entry) - 1. */
  private probe(key: Uint8Array, start: number, end: number, h: number): number {
    const t = this.table;
    const mask = this.mask;
    const len = end - start;
    for (let p = h & mask; ; p = (p + 1) & mask) {
      const s = t[2 * p + 1]!;
      if (s === 0) return -p - 1;
      if (t[2 * p] === h && this.slots[4 * (s - 1) + 1] === len && this.keyEquals(s - 1, key, start, len)) return p;
    }
  }

  private keyEquals(slot: number, key: Uint8Array, start: number, len: number): boolean {
    const a = this.arena;
    const off = this.slots[4 * slot]!;
    for (let i = 0; i < len; i++) if (a[off + i] !== key[start + i]) return false;
    return true;
  }

  /** The slot of key (its bytes), or -1. */
  slotOfBytes(key: Uint8Array): number {
    if (this.count === 0) return -1;
    const p = this.probe(key, 0, key.length, hashBytes(key, 0, key.length));
    return p < 0 ? -1 : this.table[2 * p + 1]! - 1;
  }

  /** The slot of key (a latin1 string), or -1. */
  slotOf(key: string): number {
    if (this.count === 0) return -1;
    const b = latin1Bytes(key);
    const p = this.probe(b, 0, key.length, hashBytes(b, 0, key.length));
    return p < 0 ? -1 : this.table[2 * p + 1]! - 1;
  }

  has(key: string): boolean {
    return this.slotOf(key) >= 0;
  }

  // --- Slots -----------------------------------------------------------------------------

  /** Slot i's key as a latin1 string. */
  keyAt(i: number): string {
    const off = this.slots[4 * i]!;
    return this.arena.latin1Slice(off, off + this.slots[4 * i + 1]!);
  }

  /** Slot i's value as a latin1 string (sets: ''). */
  valueAt(i: number): string {
    const off = this.slots[4 * i]! + this.slots[4 * i + 1]!;
    return this.arena.latin1Slice(off, off + this.slots[4 * i + 2]!);
  }

  /** Slot i's value bytes: a view into the arena, valid until the next write to the dict. */
  valueView(i: number): Buffer {
    const off = this.slots[4 * i]! + this.slots[4 * i + 1]!;
    return this.arena.subarray(off, off + this.slots[4 * i + 2]!);
  }

  /** Slot i's key bytes: a view into the arena, valid until the next write to the dict. */
  keyView(i: number): Buffer {
    const off = this.slots[4 * i]!;
    return this.arena.subarray(off, off + this.slots[4 * i + 1]!);
  }

  keyLength(i: number): number {
    return this.slots[4 * i + 1]!;
  }

  valueLength(i: number): number {
    return this.slots[4 * i + 2]!;
  }

  // --- Writes ----------------------------------------------------------------------------

  /**
   * Sets key to value (both bytes; value null for a set member, kept empty); returns
   * true if the key is new. The bytes are copied: the caller may reuse its buffers.
   */
  setBytes(key: Uint8Array, value: Uint8Array | null): boolean {
    const klen = key.length;
    const vlen = value === null ? 0 : value.length;
    const h = hashBytes(key, 0, klen);
    let p = this.count === 0 ? -(h & this.mask) - 1 : this.probe(key, 0, klen, h);
    if (p >= 0) {
      const slot = this.table[2 * p + 1]! - 1;
      if (value === null) return false;
      const old = this.slots[4 * slot + 2]!;
      if (old === vlen) {
        this.copyIn(value, this.slots[4 * slot]! + klen);
        return false;
      }
      // A new record (the key copied from the arena, value from the caller).
      const off = this.reserve(klen + vlen);
      const from = this.slots[4 * slot]!;
      this.arena.copyWithin(off, from, from + klen);
      this.copyIn(value, off + klen);
      this.liveBytes += vlen - old;
      this.slots[4 * slot] = off;
      this.slots[4 * slot + 2] = vlen;
      return false;
    }
    const slot = this.count;
    if (4 * slot === this.slots.length) this.growSlots();
    if (2 * (slot + 1) > this.mask + 1) {
      this.resize(2 * (this.mask + 1));
      const t = this.table;
      const mask = this.mask;
      let q = h & mask;
      while (t[2 * q + 1] !== 0) q = (q + 1) & mask;
      p = -q - 1;
    }
    const off = this.reserve(klen + vlen);
    this.copyIn(key, off);
    if (value !== null) this.copyIn(value, off + klen);
    this.liveBytes += klen + vlen;
    this.slots[4 * slot] = off;
    this.slots[4 * slot + 1] = klen;
    this.slots[4 * slot + 2] = vlen;
    this.slots[4 * slot + 3] = h;
    const e = -p - 1;
    this.table[2 * e] = h;
    this.table[2 * e + 1] = slot + 1;
    this.count = slot + 1;
    return true;
  }

  /** set() for latin1 strings. */
  set(key: string, value: string | null): boolean {
    const k = Buffer.from(key, 'latin1');
    return this.setBytes(k, value === null ? null : Buffer.from(value, 'latin1'));
  }

  /** Deletes key (its bytes); returns true if it existed. */
  deleteBytes(key: Uint8Array): boolean {
    if (this.count === 0) return false;
    const p = this.probe(key, 0, key.length, hashBytes(key, 0, key.length));
    if (p < 0) return false;
    this.deleteEntry(p);
    return true;
  }

  delete(key: string): boolean {
    if (this.count === 0) return false;
    const b = latin1Bytes(key);
    const p = this.probe(b, 0, key.length, hashBytes(b, 0, key.length));
    if (p < 0) return false;
    this.deleteEntry(p);
    return true;
  }

  /** Deletes slot i's key. */
  deleteSlot(i: number): void {
    assert(i >= 0 && i < this.count, 'ByteDict slot out of range');
    const h = this.slots[4 * i + 3]!;
    const t = this.table;
    const mask = this.mask;
    let p = h & mask;
    while (t[2 * p + 1] !== i + 1) p = (p + 1) & mask;
    this.deleteEntry(p);
  }

  private deleteEntry(p: number): void {
    const t = this.table;
    const i = t[2 * p + 1]! - 1;
    this.removeEntry(p);
    this.liveBytes -= this.slots[4 * i + 1]! + this.slots[4 * i + 2]!;
    const last = this.count - 1;
    if (i !== last) {
      // Swap-remove: the last slot moves into the hole; its entry must say so.
      const mask = this.mask;
      const lh = this.slots[4 * last + 3]!;
      let q = lh & mask;
      while (t[2 * q + 1] !== last + 1) q = (q + 1) & mask;
      t[2 * q + 1] = i + 1;
      this.slots[4 * i] = this.slots[4 * last]!;
      this.slots[4 * i + 1] = this.slots[4 * last + 1]!;
      this.slots[4 * i + 2] = this.slots[4 * last + 2]!;
      this.slots[4 * i + 3] = lh;
    }
    this.count = last;
    if (last === 0) {
      this.arenaUsed = 0;
    } else if (this.arenaUsed > 4096 && 4 * this.liveBytes < this.arenaUsed) {
      this.rebuildArena(2 * this.liveBytes);
    }
    // Shrink the table when an eighth full (Redis resizes its dicts too), keeping lookups dense.
    if (this.mask + 1 > tableEntriesMin && 8 * last < this.mask + 1) this.resize((this.mask + 1) / 2);
  }

  /** Empties table entry p, shifting later entries of its probe run back (no tombstones). */
  private removeEntry(p: number): void {
    removeProbeEntry(this.table, this.mask, p);
  }

  private copyIn(src: Uint8Array, off: number): void {
    const n = src.length;
    if (n <= 32) {
      const a = this.arena;
      for (let i = 0; i < n; i++) a[off + i] = src[i]!;
    } else {
      this.arena.set(src, off);
    }
  }

  /** The arena offset of `bytes` new bytes at its end, growing or compacting it first. */
  private reserve(bytes: number): number {
    if (this.arenaUsed + bytes > this.arena.length) {
      const garbage = this.arenaUsed - this.liveBytes;
      if (garbage > 0 && 2 * garbage >= this.arenaUsed) this.rebuildArena(2 * (this.liveBytes + bytes));
      else this.rebuildArena(Math.max(2 * this.arena.length, this.arenaUsed + bytes));
      assert(this.arenaUsed + bytes <= this.arena.length, 'ByteDict arena past 2 GiB');
    }
    const off = this.arenaUsed;
    this.arenaUsed += bytes;
    return off;
  }

  /** A new arena of at least `bytes` holding the live records in slot order (no garbage). */
  private rebuildArena(bytes: number): void {
    const size = Math.min(Math.max(bytes, arenaBytesMin), arenaBytesMax);
    assert(size >= this.liveBytes, 'ByteDict arena past 2 GiB');
    const old = this.arena;
    const a = Buffer.allocUnsafeSlow(size);
    if (this.arenaUsed === this.liveBytes) {
      // No garbage: the records keep their offsets (the common case, a growing dict).
      old.copy(a, 0, 0, this.arenaUsed);
      this.arena = a;
      return;
    }
    let at = 0;
    for (let i = 0; i < this.count; i++) {
      const off = this.slots[4 * i]!;
      const n = this.slots[4 * i + 1]! + this.slots[4 * i + 2]!;
      old.copy(a, at, off, off + n);
      this.slots[4 * i] = at;
      at += n;
    }
    assert(at === this.liveBytes, 'ByteDict live bytes disagree with the records');
    this.arena = a;
    this.arenaUsed = at;
  }

  private growSlots(): void {
    const slots = new Int32Array(2 * this.slots.length);
    slots.set(this.slots);
    this.slots = slots;
  }

  /** Rebuilds the table with `entries` entries (a power of two, at least twice the keys). */
  private resize(entries: number): void {
    this.table = rehashProbeTable(this.table, entries, this.count);
    this.mask = entries - 1;
  }

  /** Checks every invariant of the file comment (O(n): tests). */
  verify(): void {
    const entries = verifyProbeTable(this.table, this.mask, (hash, slot) => {
      assert(slot < this.count && hash === this.slots[4 * slot + 3], 'ByteDict entry does not match its slot');
    });
    assert(entries === this.count, 'ByteDict table and slots disagree');
    let live = 0;
    const spans: [number, number][] = [];
    for (let i = 0; i < this.count; i++) {
      const off = this.slots[4 * i]!;
      const n = this.slots[4 * i + 1]! + this.slots[4 * i + 2]!;
      assert(off + n <= this.arenaUsed && this.arenaUsed <= this.arena.length, 'ByteDict record past the arena');
      assert(hashBytes(this.arena, off, off + this.slots[4 * i + 1]!) === this.slots[4 * i + 3], 'ByteDict slot hash does not match its key');
      assert(this.slotOfBytes(this.keyView(i)) === i, 'ByteDict slot mismatch');
      live += n;
      if (n > 0) spans.push([off, off + n]);
    }
    assert(live === this.liveBytes, 'ByteDict live bytes');
    spans.sort((a, b) => a[0] - b[0]);
    for (let k = 1; k < spans.length; k++) assert(spans[k - 1]![1] <= spans[k]![0], 'ByteDict records overlap');
  }
}
