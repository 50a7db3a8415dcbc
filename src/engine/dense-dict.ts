// DenseDict: a string-keyed dictionary with O(1) random access and a SCAN cursor that
// keeps Redis's guarantee (engine worker).
//
// Layout: `keys[i]` and `values[i]` are parallel dense arrays; the index maps a key to
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
// The index (key -> slot) is an open-addressing hash table in an Int32Array, not a JS
// Map: each table entry is [hash, slot + 1] (0 = empty), linear probing, at most half
// full, deletion by backward shift (no tombstones). A lookup hashes the key (a seeded
// 32-bit hash over its char codes) and compares the stored 32-bit hash before it reads
// the stored key string; a Map compared every key in the probed bucket chain, each a
// cache miss on this machine's large keyspaces (measured with bench/endpoint/
// engine-batch.bench.ts: Map.get was ~39% of the engine's CPU per GET). The table lives
// outside the JS heap, so the GC never scans it. The seed is random per process (hash
// flooding), and the table's order is never observable: iteration, SCAN and random
// slots use the dense arrays.
//
// Invariants: keys.length === values.length === the number of table entries; the entry
// for keys[i] holds slot i + 1 and hashKey(keys[i]); every entry is reachable from its
// home position (hash & mask) without crossing an empty entry; the table is at most half
// full; stamps, when kept, has the same length as keys; slotOf's cached key, when set,
// is keys[lastSlot].

import { assert } from '../assert.js';
import { probeTableEntriesMin as tableEntriesMin, rehashProbeTable, removeProbeEntry, verifyProbeTable } from './probe-table.js';
/** Commands between prefetchKeys calls: each call readies the next this many lookups. */
export const prefetchGroupKeys = 8;
/** The most keys one prefetchKeys call takes: three groups, one per stage of its pipeline. */
export const prefetchKeysMax = 3 * prefetchGroupKeys;

/** Per-process hash seed: table collisions cannot be planned from outside. */
const hashSeed = globalThis.crypto.getRandomValues(new Int32Array(1))[0]!;

/**
 * The seeded 32-bit hash of a key's char codes: murmur3's body over 4 chars (bytes) at a
 * time, FNV-1a steps for the last 0-3, then murmur3's fmix32. Four chars a step keeps
 * the chain of dependent multiplies short (a byte-at-a-time hash of a 16-byte key was
 * half of a cached key lookup's time).
 */
function hashKey(key: string): number {
  const n = key.length;
  let h = hashSeed ^ n;
  let i = 0;
  for (; i + 4 <= n; i += 4) h = mixWord(h, key.charCodeAt(i) | (key.charCodeAt(i + 1) << 8) | (key.charCodeAt(i + 2) << 16) | (key.charCodeAt(i + 3) << 24));
  for (; i < n; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return fmix32(h);
}

/** hashKey of the latin1 string these bytes spell (one char per byte), without making it. */
function hashKeyBytes(key: Uint8Array): number {
  const n = key.length;
  let h = hashSeed ^ n;
  let i = 0;
  for (; i + 4 <= n; i += 4) h = mixWord(h, key[i]! | (key[i + 1]! << 8) | (key[i + 2]! << 16) | (key[i + 3]! << 24));
  for (; i < n; i++) h = Math.imul(h ^ key[i]!, 0x01000193);
  return fmix32(h);
}

/** murmur3's step for one 32-bit word `w` into state `h`. */
function mixWord(h: number, w: number): number {
  let k = Math.imul(w, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  h ^= Math.imul(k, 0x1b873593);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** True if the latin1 string `key` spells exactly `bytes`. */
function keyEqualsBytes(key: string, bytes: Uint8Array): boolean {
  const n = bytes.length;
  if (key.length !== n) return false;
  for (let i = 0; i < n; i++) if (key.charCodeAt(i) !== bytes[i]) return false;
  return true;
}

/** murmur3's 32-bit finaliser: every input bit reaches every output bit. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

export class DenseDict<V> {
  readonly keys: string[] = [];
  readonly values: V[] = [];
  /** Per-key numbers parallel to keys (null unless asked for at construction). */
  readonly stamps: number[] | null;
  /** [hash, slot + 1] per entry; slot + 1 === 0 marks an empty entry. */
  private table = new Int32Array(2 * tableEntriesMin);
  private mask = tableEntriesMin - 1;

  /**
   * Called with a candidate's value (its stored hash matched) BEFORE its key is compared:
   * the keyspace touches the value's slab slot there, so that memory access starts while
   * the key string is still being fetched instead of after it (two cache misses overlapped
   * instead of chained: GET over 100k keys, in engine-batch.bench.ts, -17% CPU).
   */
  private readonly warm: ((value: V) => void) | null;

  /**
   * Called by a lookup by bytes with a candidate's value (its stored hash matched): 1 if
   * the value holds a copy of its key and that copy spells `key`, 0 if it holds one that
   * does not, -1 if it holds none (the key string is compared). The keyspace's slab values
   * keep their key beside them: comparing there reads the line the value is read from
   * next, where the key string was one more dependent cache miss per lookup.
   */
  private readonly matchBytes: ((value: V, key: Uint8Array) => number) | null;

  /**
   * prefetchKeys' touch of a candidate's value (all of what a read copies); returns true
   * when the value holds its key (a lookup by bytes will not read the key string).
   */
  private readonly prefetchValue: ((value: V) => boolean) | null;

  constructor(
    options: {
      stamps?: boolean;
      warm?: (value: V) => void;
      matchBytes?: (value: V, key: Uint8Array) => number;
      prefetchValue?: (value: V) => boolean;
    } = {},
  ) {
    this.stamps = options.stamps === true ? [] : null;
    this.warm = options.warm ?? null;
    this.matchBytes = options.matchBytes ?? null;
    this.prefetchValue = options.prefetchValue ?? null;
  }

  get size(): number {
    return this.keys.length;
  }

  has(key: string): boolean {
    return this.slotOf(key) !== undefined;
  }

  /** The key's slot (index into keys/values/stamps), or undefined. */
  slotOf(key: string): number | undefined {
    // An empty dict (most databases' `expires`) answers without hashing the key.
    if (this.keys.length === 0) return undefined;
    // The key found last, again (a pipeline of LPUSH/SADD/HSET on one key, or a command
    // that looks its key up twice): the same string object compares at once.
    if (key === this.lastKey) return this.lastSlot;
    const h = hashKey(key);
    const t = this.table;
    const mask = this.mask;
    const keys = this.keys;
    for (let p = h & mask; ; p = (p + 1) & mask) {
      const s = t[2 * p + 1]!;
      if (s === 0) return undefined;
      if (t[2 * p] === h) {
        if (this.warm !== null) this.warm(this.values[s - 1]!);
        if (keys[s - 1] === key) {
          this.lastKey = key;
          this.lastSlot = s - 1;
          return s - 1;
        }
      }
    }
  }

  /**
   * slotOf's one-entry cache: the last key it found and that key's slot. A key keeps its
   * slot until a delete (the swap-remove moves the last key) or clear, which forget it.
   */
  private lastKey: string | undefined = undefined;
  private lastSlot = -1;

  /**
   * As slotOf, for a key given as its bytes (the latin1 string they spell), or -1: a
   * read by a request's argument needs no key string (GET: the latin1Slice and its
   * garbage were ~8% of the engine's CPU per GET).
   */
  slotOfBytes(key: Uint8Array): number {
    if (this.keys.length === 0) return -1;
    const h = hashKeyBytes(key);
    const t = this.table;
    const mask = this.mask;
    const keys = this.keys;
    const match = this.matchBytes;
    for (let p = h & mask; ; p = (p + 1) & mask) {
      const s = t[2 * p + 1]!;
      if (s === 0) return -1;
      if (t[2 * p] === h) {
        if (match !== null) {
          const m = match(this.values[s - 1]!, key);
          if (m === 1) return s - 1;
          if (m === 0) continue;
        } else if (this.warm !== null) {
          this.warm(this.values[s - 1]!);
        }
        if (keyEqualsBytes(keys[s - 1]!, key)) return s - 1;
      }
    }
  }

  /** What prefetchKeys read last (kept so the reads are not optimised away). */
  private prefetched = 0;
  /**
   * prefetchKeys' pipeline: for the keys after the previous call's first group, where
   * each key started in the previous call's bytes (-1: none), its hash, and its candidate
   * slot + 1 (0: only its table entry was touched).
   */
  private readonly pipeStarts = new Int32Array(2 * prefetchGroupKeys).fill(-1);
  private readonly pipeHashes = new Int32Array(2 * prefetchGroupKeys);
  private readonly pipeSlots = new Int32Array(2 * prefetchGroupKeys);
  private pipeBytes: Uint8Array | null = null;

  /**
   * Touches what lookups of the keys bytes[starts[j], starts[j] + lengths[j]), j < n, will
   * read, and nothing else. The engine worker calls it every prefetchGroupKeys commands
   * with the keys of up to the next three groups: over 1M keys every step of a lookup is a
   * cache (and TLB) miss, and each step needs the one before (table entry, then the slot's
   * value and stamp, then the value's slab line), so touching a key's whole chain at once
   * waits for each step in turn. Instead it is a pipeline across calls: a call touches
   * the table entries of the third group, the values and stamps of the second (their
   * table entries were touched by the previous call) and the slab lines and key strings
   * of the first (their values were touched by the previous call): three independent sets
   * of misses, issued back to back, overlap. A key the previous call did not see (a new
   * batch, another record) has its whole chain touched. Only the home entry: a probe run
   * longer than one is rare at most half full. A wrong guess (a stale slot after a write,
   * another database) costs only time: nothing here changes anything observable.
   */
  prefetchKeys(bytes: Uint8Array, starts: Int32Array, lengths: Int32Array, n: number): void {
    assert(n <= prefetchKeysMax, 'prefetchKeys: too many keys');
    const pipeStarts = this.pipeStarts;
    const pipeHashes = this.pipeHashes;
    const pipeSlots = this.pipeSlots;
    const samePipe = this.pipeBytes === bytes;
    if (this.keys.length === 0) {
      pipeStarts.fill(-1);
      return;
    }
    const t = this.table;
    const mask = this.mask;
    const slots = this.prefetchSlots;
    const hashes = this.prefetchHashes;
    let acc = 0;
    // First every key's hash (no memory traffic: a pure chain of multiplies), from the
    // pipeline when the previous call saw the key; then, in a loop of loads only, their
    // table entries, so that the misses are all in flight together (hashing between
    // them left room for only a few). A key of the first group whose value was touched
    // last call needs neither (slot < 0: its candidate, already known).
    for (let j = 0; j < n; j++) {
      const start = starts[j]!;
      if (j < 2 * prefetchGroupKeys && samePipe && pipeStarts[j] === start) {
        hashes[j] = pipeHashes[j]!;
        slots[j] = j < prefetchGroupKeys && pipeSlots[j] !== 0 ? -pipeSlots[j]! : 0;
        continue;
      }
      const end = start + lengths[j]!;
      let h = hashSeed ^ lengths[j]!;
      let i = start;
      for (; i + 4 <= end; i += 4) h = mixWord(h, bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
      for (; i < end; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
      hashes[j] = fmix32(h);
      slots[j] = 0;
    }
    for (let j = 2 * prefetchGroupKeys; j < n; j++) acc ^= t[2 * (hashes[j]! & mask) + 1]!; // third group: the entry only
    for (let j = 0; j < n && j < 2 * prefetchGroupKeys; j++) {
      if (slots[j]! < 0) continue;
      const h = hashes[j]!;
      const p = h & mask;
      const s = t[2 * p + 1]!;
      slots[j] = s !== 0 && t[2 * p] === h ? s : 0;
    }
    // The values and stamps of the first two groups' candidates (a positive slot), and
    // for the first group the slab lines and the key string.
    const values = this.values;
    const keys = this.keys;
    const stamps = this.stamps;
    const count = keys.length;
    for (let j = 0; j < n && j < 2 * prefetchGroupKeys; j++) {
      let s = slots[j]!;
      if (s === 0) continue;
      const known = s < 0; // its value was touched last call
      if (known) s = -s;
      if (s > count) continue; // stale
      const v = values[s - 1]!;
      if (!known && stamps !== null) acc ^= stamps[s - 1]!;
      if (j >= prefetchGroupKeys) continue;
      let keyKept = false;
      if (this.prefetchValue !== null) keyKept = this.prefetchValue(v);
      else if (this.warm !== null) this.warm(v);
      if (!keyKept) acc ^= keys[s - 1]!.length;
    }
    // What the next call (after the first group's commands) will find at its positions.
    this.pipeBytes = bytes;
    for (let j = 0; j < 2 * prefetchGroupKeys; j++) {
      const from = j + prefetchGroupKeys;
      if (from < n) {
        pipeStarts[j] = starts[from]!;
        pipeHashes[j] = hashes[from]!;
        const s = slots[from]!;
        pipeSlots[j] = from < 2 * prefetchGroupKeys ? (s < 0 ? -s : s) : 0;
      } else {
        pipeStarts[j] = -1;
      }
    }
    this.prefetched = acc;
  }

  /** prefetchKeys' candidate slot + 1 per key (0: none; negative: its value already touched), reused. */
  private readonly prefetchSlots = new Int32Array(prefetchKeysMax);
  /** prefetchKeys' hash per key, reused. */
  private readonly prefetchHashes = new Int32Array(prefetchKeysMax);

  get(key: string): V | undefined {
    const i = this.slotOf(key);
    return i === undefined ? undefined : this.values[i];
  }

  /** Sets key to value (and its stamp, when stamps are kept); returns true if the key is new. */
  set(key: string, value: V, stamp = 0): boolean {
    const h = hashKey(key);
    const keys = this.keys;
    let t = this.table;
    let mask = this.mask;
    let p = h & mask;
    for (; ; p = (p + 1) & mask) {
      const s = t[2 * p + 1]!;
      if (s === 0) break;
      if (t[2 * p] === h && keys[s - 1] === key) {
        this.values[s - 1] = value;
        if (this.stamps !== null) this.stamps[s - 1] = stamp;
        return false;
      }
    }
    if (2 * (keys.length + 1) > mask + 1) {
      this.resize(2 * (mask + 1));
      t = this.table;
      mask = this.mask;
      for (p = h & mask; t[2 * p + 1] !== 0; p = (p + 1) & mask);
    }
    keys.push(key);
    this.values.push(value);
    if (this.stamps !== null) this.stamps.push(stamp);
    t[2 * p] = h;
    t[2 * p + 1] = keys.length;
    return true;
  }

  /** Deletes key; returns true if it existed. */
  delete(key: string): boolean {
    const keys = this.keys;
    if (keys.length === 0) return false; // e.g. SET clearing a TTL in a db without any
    this.lastKey = undefined;
    const t = this.table;
    const mask = this.mask;
    const h = hashKey(key);
    let p = h & mask;
    for (; ; p = (p + 1) & mask) {
      const s = t[2 * p + 1]!;
      if (s === 0) return false;
      if (t[2 * p] === h && keys[s - 1] === key) break;
    }
    const i = t[2 * p + 1]! - 1;
    this.removeEntry(p);
    const last = keys.length - 1;
    if (i !== last) {
      // Swap-remove: the last key moves into the hole; its entry must say so.
      const movedKey = keys[last]!;
      let q = hashKey(movedKey) & mask;
      while (t[2 * q + 1] !== last + 1) q = (q + 1) & mask;
      t[2 * q + 1] = i + 1;
      keys[i] = movedKey;
      this.values[i] = this.values[last]!;
      if (this.stamps !== null) this.stamps[i] = this.stamps[last]!;
    }
    keys.pop();
    this.values.pop();
    if (this.stamps !== null) this.stamps.pop();
    // Shrink when an eighth full (Redis resizes its dicts too), keeping lookups dense.
    if (mask + 1 > tableEntriesMin && 8 * keys.length < mask + 1) this.resize((mask + 1) / 2);
    return true;
  }

  /** Empties table entry p, shifting later entries of its probe run back (no tombstones). */
  private removeEntry(p: number): void {
    removeProbeEntry(this.table, this.mask, p);
  }

  /** Rebuilds the table with `entries` entries (a power of two, at least twice the keys). */
  private resize(entries: number): void {
    this.table = rehashProbeTable(this.table, entries, this.keys.length);
    this.mask = entries - 1;
  }

  clear(): void {
    this.lastKey = undefined;
    this.keys.length = 0;
    this.values.length = 0;
    if (this.stamps !== null) this.stamps.length = 0;
    this.table = new Int32Array(2 * tableEntriesMin);
    this.mask = tableEntriesMin - 1;
  }

  /** Checks every invariant of the file comment (O(n): tests). */
  verify(): void {
    const entries = verifyProbeTable(this.table, this.mask, (hash, slot) => {
      const key = this.keys[slot];
      assert(key !== undefined && hash === hashKey(key), 'DenseDict entry does not match its key');
    });
    assert(entries === this.keys.length && this.values.length === entries, 'DenseDict arrays and index disagree');
    assert(this.stamps === null || this.stamps.length === entries, 'DenseDict stamps length');
    assert(this.lastKey === undefined || this.keys[this.lastSlot] === this.lastKey, 'DenseDict slot cache out of date');
    for (let i = 0; i < this.keys.length; i++) assert(this.slotOf(this.keys[i]!) === i, 'DenseDict slot mismatch');
    if (this.matchBytes !== null) {
      for (let i = 0; i < this.keys.length; i++) {
        assert(this.matchBytes(this.values[i]!, Buffer.from(this.keys[i]!, 'latin1')) !== 0, 'DenseDict value holds another key');
        assert(this.slotOfBytes(Buffer.from(this.keys[i]!, 'latin1')) === i, 'DenseDict slot by bytes mismatch');
      }
    }
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
