// The index table shared by DenseDict (dense-dict.ts) and ByteDict (types/byte-dict.ts),
// engine worker: an open-addressing hash table in an Int32Array whose entries are
// [hash, slot + 1] (0 = empty), linear probing, at most half full, deletion by backward
// shift (no tombstones). Each dictionary keeps its own table and mask and does its own
// probing (how a probe compares keys is what differs between them); these are the two
// operations that know only the table.
//
// Invariant (both dictionaries assert it in verify()): every entry is reachable from its
// home position (hash & mask) without crossing an empty entry.

import { assert } from '../assert.js';

/** Smallest table (entries); a power of two. */
export const probeTableEntriesMin = 8;

/** Empties entry p of table t, shifting later entries of its probe run back. */
export function removeProbeEntry(t: Int32Array, mask: number, p: number): void {
  let hole = p;
  for (let j = (p + 1) & mask; t[2 * j + 1] !== 0; j = (j + 1) & mask) {
    const home = t[2 * j]! & mask;
    // The entry at j may fill the hole only if its home is not cyclically in (hole, j].
    const stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
    if (stays) continue;
    t[2 * hole] = t[2 * j]!;
    t[2 * hole + 1] = t[2 * j + 1]!;
    hole = j;
  }
  t[2 * hole] = 0;
  t[2 * hole + 1] = 0;
}

/**
 * A new table of `entries` entries (a power of two, at least twice `count`, the entries
 * in `old`) holding old's entries. It walks the old table in order rather than the
 * slots: entries then land in the new table at nearly increasing positions (two streams
 * when doubling), so the rebuild is sequential memory traffic instead of one cache miss
 * per key (it was ~40% of HSET's dict time in a profile of a hash growing to 200k fields).
 */
export function rehashProbeTable(old: Int32Array, entries: number, count: number): Int32Array<ArrayBuffer> {
  assert((entries & (entries - 1)) === 0 && entries >= probeTableEntriesMin, 'probe table size must be a power of two');
  assert(2 * count <= entries, 'probe table would be more than half full');
  const t = new Int32Array(2 * entries);
  const mask = entries - 1;
  for (let e = 0; e < old.length; e += 2) {
    const s = old[e + 1]!;
    if (s === 0) continue;
    const h = old[e]!;
    let p = h & mask;
    while (t[2 * p + 1] !== 0) p = (p + 1) & mask;
    t[2 * p] = h;
    t[2 * p + 1] = s;
  }
  return t;
}

/**
 * Checks the table's own invariants (tests: O(table)): every entry reachable from its
 * home without crossing an empty entry, at most half full; calls `entry(hash, slot)`
 * for each entry (slot: the dense slot it names) so the dictionary checks it
 * against its slots. Returns the number of entries.
 */
export function verifyProbeTable(t: Int32Array, mask: number, entry: (hash: number, slot: number) => void): number {
  let entries = 0;
  for (let p = 0; p <= mask; p++) {
    const s = t[2 * p + 1]!;
    if (s === 0) continue;
    entries++;
    entry(t[2 * p]!, s - 1);
    for (let q = t[2 * p]! & mask; q !== p; q = (q + 1) & mask) assert(t[2 * q + 1] !== 0, 'probe table entry unreachable from its home');
  }
  assert(2 * entries <= mask + 1, 'probe table more than half full');
  return entries;
}
