// StringSlab: the bytes of Redis string values kept off the V8 heap (engine worker).
//
// Why: a string value stored as a JS string is a heap object. Under a SET-heavy load
// (redis-benchmark -d 100 over 1M keys) every SET's new value survives a scavenge, is
// promoted, and makes the value it replaced old-generation garbage: the engine spends a
// good part of its CPU in the GC and the mark-compact pauses set SET's p99
// (bench/RESULTS.md). Here a value is a HANDLE, a small non-negative integer (a Smi,
// which V8 stores inside the dict's values array: no object per value, nothing for the
// GC to copy or mark), naming a fixed-size slot in an ArrayBuffer chunk.
//
// Big values too (up to stringSlabSlotBytesMax, 256 KiB): as a JS string a 4 KiB value
// costs a latin1 decode, a copy on promotion and old-generation marking and sweeping;
// measured in-process (bench/engine/string-values.bench.ts), SET over an existing 4 KiB
// key took 10.7 CPU µs as a string and 2.9 in the slab, 16 KiB 28 vs 4.4, 64 KiB 123 vs
// 9.3, 256 KiB ~300 vs ~31. What it does not save: a new value's first touch of its page
// (~2.5 µs per 4 KiB page on the measuring VM, the same for a string), and full GCs:
// V8 counts a chunk's bytes as external memory and starts a full GC after every 64 MB
// allocated since the last, so a growing set of big values brings one per ~16k new 4 KiB
// values, where strings grow the old generation's limit geometrically (500k small keys
// held, then 100k new 4 KiB values: 6 full GCs vs 1-2, CPU per SET within noise). A
// WebAssembly.Memory grown in place is counted too (worse: a full GC per grow).
//
// Layout: size classes of slot bytes (16, 32, ... 256 by 16, then four steps per power
// of two up to 4096; above that four steps per power of two plus bigSlotExtraBytes (64),
// 4160, 5184, 6208, 7232, 8256, ... up to stringSlabSlotBytesMax); each class a list of
// chunks of at most stringSlabChunkBytes (stringSlabBigChunkBytes for the classes above
// 4096), cut into slots, a power of two of them per chunk (so a slot number's chunk is a
// shift, not a division: every access computes it; a slot bigger than half the chunk
// bytes is a chunk of its own). Why the 64 extra bytes: values cluster at powers of two
// (redis-benchmark -d 4096, 4 KiB pages, 16 KiB buffers), and a slot also holds the
// header and the key; 4096 + 5 + a 16-byte key in a 5120-byte slot would waste a
// quarter of it (jemalloc does that to Redis's 4 KiB values), in a 4160-byte one 1%.
// Four steps per power of two, as jemalloc's size classes: at most a quarter wasted by
// rounding, about a tenth on average for sizes spread evenly. A slot is
// [value length: i32 LE][key length: u8][key bytes][value bytes]: a value of n bytes with
// a kept key of k bytes goes to the smallest class with 5 + k + n <= slot bytes. The key
// is kept beside its value so that a lookup by a request's key bytes compares them in
// the line it reads the value from (keyMatch), instead of fetching the dict's key string
// from elsewhere: over 1M keys each of those was one more cache (and TLB) miss per GET
// and SET. Key length 255 means no key kept (allocated without one, or a key longer than
// keyKeptBytesMax or too long for the largest slot beside its value): lookups then compare
// the dict's key string. A free slot's length is -1, so "slot in use" is checked on every access. Free slots of a class are an Int32Array
// stack (last freed, first reused: warm in the cache); a class with no free slot cuts a
// new one from its last chunk, or allocates a chunk. A class whose last value is freed
// drops its chunks (FLUSHALL returns the memory).
//
// Handle: (slot number within its class << classBits) | class index. Slot numbers are
// chunk * slotsPerChunk + slot, below 2^(31 - classBits), so a handle is a Smi.
//
// The keyspace (keyspace.ts, Db) owns every handle: it frees the old one whenever a
// value is replaced or removed, exactly once. `liveCount` counts handles in use (the
// tests check it returns to 0).
//
// Invariants: a handle in use has class < classCount, slot number < its class's cut
// count, and 5 + kept key bytes + length <= slotBytes; a kept key is the key the
// keyspace stores the handle under (keyspace.ts: a handle never moves to another key); a free slot's length is -1; the free stack
// holds each free slot once; liveCount = sum over classes of (cut - free).

import { assert } from '../assert.js';
import { stringSlabBigChunkBytes, stringSlabChunkBytes, stringSlabSlotBytesMax } from '../limits.js';

/** Bytes of a slot's header: the value's length (i32) and the kept key's length (u8). */
const headerBytes = 5;
/** Offset of the kept key's length byte in a slot. */
const keyLengthAt = 4;
/** The key length byte of a slot that keeps no key. */
const noKey = 255;
/** The longest key kept beside its value. */
const keyKeptBytesMax = 254;
const classBits = 6;
/** Slots above 4096 bytes are a power of two, or 1.25, 1.5, 1.75 of one, plus this (see above). */
const bigSlotExtraBytes = 64;
/** The largest slot of the small classes, which step by 16 and then by quarter powers of two. */
const smallSlotBytesMax = 4096;
const classMask = (1 << classBits) - 1;
/** warmAll touches at most this many bytes of a slot (see there). */
const warmAllBytesMax = 1024;
/** Slot numbers per class are below this, so a handle stays a non-negative Smi. */
const slotNumberLimit = 2 ** (31 - classBits);

/**
 * Slot bytes of each class: 16..256 by 16, then 4 steps per power of two up to 4096,
 * then 4 steps per power of two plus bigSlotExtraBytes up to stringSlabSlotBytesMax.
 */
const classSlotBytes: number[] = [];
for (let b = 16; b <= 256; b += 16) classSlotBytes.push(b);
for (let p = 256; p < smallSlotBytesMax; p *= 2) {
  for (let q = 1; q <= 4; q++) classSlotBytes.push(p + (p / 4) * q);
}
const smallClassCount = classSlotBytes.length;
for (let p = smallSlotBytesMax; p + bigSlotExtraBytes <= stringSlabSlotBytesMax; p *= 2) {
  for (let q = 0; q < 4 && p + (p / 4) * q + bigSlotExtraBytes <= stringSlabSlotBytesMax; q++) {
    classSlotBytes.push(p + (p / 4) * q + bigSlotExtraBytes);
  }
}
assert(classSlotBytes[smallClassCount - 1] === smallSlotBytesMax, 'string slab small classes end at 4096');
assert(classSlotBytes.length <= classMask + 1, 'string slab classes fit the handle');
assert(classSlotBytes[classSlotBytes.length - 1] === stringSlabSlotBytesMax, 'string slab classes end at the max');
// Every slot starts on a cache line of its chunk (the big classes: multiples of 1 KiB plus 64).
for (const b of classSlotBytes) assert(b <= 256 || b % 64 === 0, 'string slab slots above 256 bytes are whole cache lines');

/** The largest value the slab holds; a longer one stays a JS string. */
export const stringSlabValueBytesMax = stringSlabSlotBytesMax - headerBytes;

/** Class index by the bytes a slot must hold (header, kept key and value), up to 4096. */
const classByNeed = new Uint8Array(smallSlotBytesMax + 1);
{
  let c = 0;
  for (let n = 0; n <= smallSlotBytesMax; n++) {
    while (classSlotBytes[c]! < n) c++;
    classByNeed[n] = c;
  }
}
/**
 * Class index by the KiB (rounded up) past bigSlotExtraBytes a slot must hold, above
 * 4096 bytes: the big classes are whole KiB plus bigSlotExtraBytes, so the rounding
 * never skips one.
 */
const bigClassByKiB = new Uint8Array(((stringSlabSlotBytesMax - bigSlotExtraBytes) >> 10) + 1);
{
  let c = smallClassCount;
  for (let kib = 0; kib < bigClassByKiB.length; kib++) {
    while (classSlotBytes[c]! - bigSlotExtraBytes < kib << 10) c++;
    bigClassByKiB[kib] = c;
  }
}

/** The smallest class whose slots hold `need` bytes (0 <= need <= stringSlabSlotBytesMax). */
function classOfNeed(need: number): number {
  return need <= smallSlotBytesMax ? classByNeed[need]! : bigClassByKiB[(need - bigSlotExtraBytes + 1023) >> 10]!;
}

class SizeClass {
  /** Slots per chunk, a power of two (slot number >>> chunkShift is its chunk: no division). */
  readonly slotsPerChunk: number;
  readonly chunkShift: number;
  readonly slotMask: number;
  /** Chunk byte views and their Int32 views (for the length prefixes). */
  chunks: Buffer[] = [];
  words: Int32Array[] = [];
  /** Slots cut from the chunks so far (slot numbers 0..cut-1 exist). */
  cut = 0;
  free = new Int32Array(64);
  freeCount = 0;

  constructor(readonly slotBytes: number) {
    const chunkBytes = slotBytes <= smallSlotBytesMax ? stringSlabChunkBytes : stringSlabBigChunkBytes;
    // A slot bigger than a chunk is a chunk of its own.
    this.chunkShift = slotBytes >= chunkBytes ? 0 : 31 - Math.clz32(Math.floor(chunkBytes / slotBytes));
    this.slotsPerChunk = 1 << this.chunkShift;
    this.slotMask = this.slotsPerChunk - 1;
  }

  get liveCount(): number {
    return this.cut - this.freeCount;
  }
}

export class StringSlab {
  private readonly classes: SizeClass[] = classSlotBytes.map((b) => new SizeClass(b));
  /** Handles in use. */
  liveCount = 0;

  /**
   * A handle holding a copy of bytes[start, end), with `key` (a latin1 string) kept beside
   * it when given and short enough, or -1 if the value is too long for the slab.
   */
  alloc(bytes: Uint8Array, start = 0, end = bytes.length, key: string | null = null): number {
    const n = end - start;
    if (n > stringSlabValueBytesMax) return -1;
    const k = key !== null && key.length <= keyKeptBytesMax && headerBytes + key.length + n <= stringSlabSlotBytesMax ? key.length : -1;
    const classIndex = classOfNeed(headerBytes + (k < 0 ? 0 : k) + n);
    const sc = this.classes[classIndex]!;
    let slot: number;
    let reused = false;
    if (sc.freeCount > 0) {
      slot = sc.free[--sc.freeCount]!;
      reused = true;
    } else {
      if (sc.cut === sc.chunks.length * sc.slotsPerChunk) {
        if (sc.cut + sc.slotsPerChunk > slotNumberLimit) return -1;
        const chunk = Buffer.allocUnsafeSlow(sc.slotsPerChunk * sc.slotBytes);
        sc.chunks.push(chunk);
        sc.words.push(new Int32Array(chunk.buffer, chunk.byteOffset, chunk.length >> 2));
      }
      slot = sc.cut++;
    }
    const chunkIndex = slot >>> sc.chunkShift;
    const at = (slot & sc.slotMask) * sc.slotBytes;
    const words = sc.words[chunkIndex]!;
    assert(!reused || words[at >> 2] === -1, 'string slab slot reused while in use');
    words[at >> 2] = n;
    const chunk = sc.chunks[chunkIndex]!;
    let valueAt = at + headerBytes;
    if (k < 0) {
      chunk[at + keyLengthAt] = noKey;
    } else {
      chunk[at + keyLengthAt] = k;
      // By hand: keys are short, and latin1Write is a native call with argument checks.
      for (let i = 0; i < k; i++) chunk[valueAt + i] = key!.charCodeAt(i);
      valueAt += k;
    }
    chunk.set(n === bytes.length ? bytes : bytes.subarray(start, end), valueAt);
    this.liveCount++;
    return (slot << classBits) | classIndex;
  }

  /**
   * Writes `bytes` over handle's value when they fit its size class, keeping the handle
   * (an overwrite, SET on an existing key, costs one slot write instead of a free and an
   * alloc, each touching a slot); false, with nothing changed, when they do not.
   */
  overwrite(handle: number, bytes: Uint8Array): boolean {
    const n = bytes.length;
    if (n > stringSlabValueBytesMax) return false;
    const sc = this.classOf(handle);
    const slot = handle >>> classBits;
    const chunkIndex = slot >>> sc.chunkShift;
    const at = (slot & sc.slotMask) * sc.slotBytes;
    const chunk = sc.chunks[chunkIndex]!;
    const kb = chunk[at + keyLengthAt]!;
    const need = headerBytes + (kb === noKey ? 0 : kb) + n;
    if (need > stringSlabSlotBytesMax || classOfNeed(need) !== (handle & classMask)) return false;
    const words = sc.words[chunkIndex]!;
    assert(words[at >> 2]! >= 0, 'string slab overwrite of a free slot');
    words[at >> 2] = n;
    chunk.set(bytes, at + headerBytes + (kb === noKey ? 0 : kb));
    return true;
  }

  /**
   * Whether the key kept beside handle's value spells exactly `key`: 1 yes, 0 no, -1 no
   * key kept (the caller compares its own copy of the key). Reads the slot's first line,
   * the one a read of the value needs next.
   */
  keyMatch(handle: number, key: Uint8Array): number {
    const sc = this.classes[handle & classMask]!;
    const slot = handle >>> classBits;
    const chunk = sc.chunks[slot >>> sc.chunkShift]!;
    const at = (slot & sc.slotMask) * sc.slotBytes;
    const k = chunk[at + keyLengthAt]!;
    if (k === noKey) return -1;
    const n = key.length;
    if (k !== n) return 0;
    const from = at + headerBytes;
    for (let i = 0; i < n; i++) if (chunk[from + i] !== key[i]) return 0;
    return 1;
  }

  /**
   * As warm, touching every cache line of the slot's key and value up to warmAllBytesMax
   * (a read copies the whole value: GET of a 100-byte value spans two or three lines; the
   * rest of a big value streams in behind the copy's own sequential reads, and touching
   * all of it ahead would only evict the lines of the next keys); for lookups ahead of
   * their commands (DenseDict.prefetchKeys). Returns whether the slot keeps its key.
   */
  warmAll(handle: number): boolean {
    const sc = this.classes[handle & classMask];
    if (sc === undefined) return false;
    const slot = handle >>> classBits;
    const chunkIndex = slot >>> sc.chunkShift;
    const words = sc.words[chunkIndex];
    if (words === undefined) return false;
    const atWord = ((slot & sc.slotMask) * sc.slotBytes) >> 2;
    const n = words[atWord]!;
    const kb = sc.chunks[chunkIndex]![(atWord << 2) + keyLengthAt]!;
    let acc = n;
    if (n > 0) {
      // One read per 64 bytes (16 words), and the last word of the value.
      const lastWord = atWord + ((Math.min(headerBytes + (kb === noKey ? 0 : kb) + n, warmAllBytesMax) - 1) >> 2);
      for (let w = atWord + 16; w < lastWord; w += 16) acc ^= words[w]!;
      acc ^= words[lastWord]!;
    }
    this.warmed = acc;
    return kb !== noKey;
  }

  /** Returns handle's slot to its class. */
  free(handle: number): void {
    const sc = this.classOf(handle);
    const slot = handle >>> classBits;
    const chunkIndex = slot >>> sc.chunkShift;
    const at = (slot & sc.slotMask) * sc.slotBytes;
    const words = sc.words[chunkIndex]!;
    assert(words[at >> 2]! >= 0, 'string slab free of a free slot');
    words[at >> 2] = -1;
    this.liveCount--;
    if (sc.freeCount === sc.cut - 1) {
      // The class's last value: give its chunks back (FLUSHALL, a finished fill).
      sc.chunks = [];
      sc.words = [];
      sc.cut = 0;
      sc.freeCount = 0;
      if (sc.free.length > 64) sc.free = new Int32Array(64);
      return;
    }
    if (sc.freeCount === sc.free.length) {
      const next = new Int32Array(sc.free.length * 2);
      next.set(sc.free);
      sc.free = next;
    }
    sc.free[sc.freeCount++] = slot;
  }

  /** What warm() read last (kept so the read is not optimised away). */
  private warmed = 0;

  /**
   * Reads handle's length word and keeps it nowhere useful: a key lookup calls this for
   * a candidate's value before comparing the key (DenseDict's `warm`), so the slot's
   * cache miss overlaps the key string's instead of following it. A handle that does not
   * name a slot is ignored (the lookup's own checks judge it).
   */
  warm(handle: number): void {
    const sc = this.classes[handle & classMask];
    if (sc === undefined) return;
    const slot = handle >>> classBits;
    const words = sc.words[slot >>> sc.chunkShift];
    if (words !== undefined) this.warmed = words[((slot & sc.slotMask) * sc.slotBytes) >> 2]!;
  }

  /** The value's length in bytes. */
  length(handle: number): number {
    this.locate(handle);
    return this.foundLength;
  }

  /** Where locate() found a value: its chunk, its first byte's offset and its length. */
  foundChunk: Buffer = Buffer.alloc(0);
  foundStart = 0;
  foundLength = 0;

  /**
   * Sets foundChunk/foundStart/foundLength to handle's bytes: one class lookup for a
   * read that needs all three (GET), and no object allocated to return them.
   */
  locate(handle: number): void {
    const sc = this.classOf(handle);
    const slot = handle >>> classBits;
    const chunkIndex = slot >>> sc.chunkShift;
    const at = (slot & sc.slotMask) * sc.slotBytes;
    const n = sc.words[chunkIndex]![at >> 2]!;
    assert(n >= 0 && n <= sc.slotBytes - headerBytes, 'string slab handle not in use');
    const chunk = sc.chunks[chunkIndex]!;
    const kb = chunk[at + keyLengthAt]!;
    this.foundChunk = chunk;
    this.foundStart = at + headerBytes + (kb === noKey ? 0 : kb);
    this.foundLength = n;
  }

  /** The chunk holding handle's bytes; they start at bytesStart(handle). */
  chunk(handle: number): Buffer {
    const sc = this.classOf(handle);
    return sc.chunks[(handle >>> classBits) >>> sc.chunkShift]!;
  }

  /** Offset in chunk(handle) of the value's first byte. */
  bytesStart(handle: number): number {
    this.locate(handle);
    return this.foundStart;
  }

  /** The value as a latin1 string (one char per byte, as the keyspace stores strings). */
  latin1(handle: number): string {
    this.locate(handle);
    return this.foundChunk.latin1Slice(this.foundStart, this.foundStart + this.foundLength);
  }

  /** Bytes of chunk memory held (MEMORY STATS-style accounting, tests). */
  chunkBytes(): number {
    let total = 0;
    for (const sc of this.classes) for (const c of sc.chunks) total += c.length;
    return total;
  }

  /** Checks every invariant (tests). */
  verify(): void {
    let live = 0;
    for (const sc of this.classes) {
      assert(sc.cut <= sc.chunks.length * sc.slotsPerChunk, 'string slab cut past its chunks');
      assert(sc.freeCount <= sc.cut, 'string slab free stack longer than its slots');
      const seen = new Set<number>();
      for (let i = 0; i < sc.freeCount; i++) {
        const slot = sc.free[i]!;
        assert(slot < sc.cut && !seen.has(slot), 'string slab free stack entry out of range or repeated');
        seen.add(slot);
      }
      for (let slot = 0; slot < sc.cut; slot++) {
        const chunkIndex = slot >>> sc.chunkShift;
        const at = (slot & sc.slotMask) * sc.slotBytes;
        const n = sc.words[chunkIndex]![at >> 2]!;
        const kb = sc.chunks[chunkIndex]![at + keyLengthAt]!;
        const kept = kb === noKey ? 0 : kb;
        assert(seen.has(slot) ? n === -1 : n >= 0 && headerBytes + kept + n <= sc.slotBytes, 'string slab slot length out of range');
        // A live slot is in the smallest class that holds it (overwrite keeps that true).
        assert(seen.has(slot) || classOfNeed(headerBytes + kept + n) === this.classes.indexOf(sc), 'string slab slot in the wrong class');
      }
      live += sc.liveCount;
    }
    assert(live === this.liveCount, 'string slab live count out of step');
  }

  private classOf(handle: number): SizeClass {
    assert(handle >= 0 && (handle | 0) === handle, 'string slab handle out of range');
    const sc = this.classes[handle & classMask];
    assert(sc !== undefined && handle >>> classBits < sc.cut, 'string slab handle out of range');
    return sc;
  }
}
