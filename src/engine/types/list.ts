// RList: the Redis list value (engine worker), Redis 7.0's quicklist without its command
// handlers (src/engine/commands/lists.ts), so it can be fuzzed alone.
//
// Representation: a deque of chunks, each a Buffer holding a run of elements back to
// back, every element FRAMED as its RESP bulk string "$<len>\r\n<bytes>\r\n" (what every
// reply of an element writes, RESP2 and RESP3 alike), plus a Uint16Array of where each
// element starts. So:
//   - LPUSH/RPUSH write the frame into the end chunk's free bytes at that side (a chunk
//     keeps free space at both ends, like a listpack grown from either side): no JS object
//     per element, and no string for the GC to trace or copy. A list of 500k elements is
//     ~1 chunk object per listChunkBytes instead of 500k strings on the heap.
//   - LPOP/LINDEX copy one element's bytes into the reply, LRANGE one run per chunk.
//   - The framing is a function of the bytes, so framed elements compare equal exactly
//     when the elements do (LPOS, LREM, LINSERT compare framed).
// The chunks sit in a ring (head index, count, power-of-two capacity): O(1) pushes and pops
// at both ends. Element i is found by walking chunk counts from the nearer end, or from a
// cursor left by the previous lookup, so a sequential scan (LPOS, SORT, DUMP) is O(1) per
// element; middle edits (LSET, LINSERT, LREM) rebuild the chunks they touch, O(N) as in
// Redis.
//
// Chunk sizes: a list's first chunk starts small and doubles as it fills, up to
// listChunkBytes; later chunks are listChunkBytes (an element larger than that gets a
// chunk of its own size). Full-size chunks freed by pops are kept in a small pool, since
// a queue (LPUSH + RPOP) frees one at one end as it needs one at the other.
//
// OBJECT ENCODING: Redis 7.0 always reports "quicklist" for a list (the listpack list
// encoding arrived in 7.2), whatever list-max-listpack-size says; we answer the same.
// MEMORY USAGE and DUMP model Redis's own nodes (below), not these chunks.
//
// Invariants: every chunk in the ring holds at least one element; in a chunk, elements
// lo..hi-1 start at offs[lo..hi-1] in increasing order, offs[lo] === start, each element
// ends where the next starts and the last at `end`; every element is a complete frame;
// `count` is the sum of the chunks' hi - lo; slots of the ring outside [rhead, rhead+nch)
// hold undefined; the cursor (curPos, curBase), when curPos >= 0, names a chunk and the
// index of its first element; callers never keep an empty list in the keyspace.

import { assert } from '../../assert.js';
import { listChunkBytes, listChunkPoolCountMax } from '../../limits.js';
import { string2ll } from '../args.js';
import { RdbFormatError, RdbType, registerRdbLoader, registerRdbSaver, type RdbReader, type RdbWriter } from '../dump.js';
import { RObject } from '../keyspace.js';
import { jemallocBytes } from './hash.js';

/** Which end of a list: Redis's LIST_HEAD (left) and LIST_TAIL (right). */
export const ListEnd = { head: 0, tail: 1 } as const;
export type ListEnd = (typeof ListEnd)[keyof typeof ListEnd];

/** Where framed elements are copied to: the engine's ReplyWriter (src/engine/reply.ts). */
export interface FramedSink {
  buf: Buffer;
  length: number;
  ensure(bytes: number): void;
}

/** A list's first chunk is at least this big (then doubles towards listChunkBytes). */
const firstChunkBytesMin = 64;
/** Chunks this big or bigger get an ArrayBuffer of their own (Buffer.poolSize / 2 slices the pool below it). */
const chunkOwnBufferBytesMin = 4096;
/** Offsets a new chunk has room for at least (the Uint16Array doubles as elements arrive). */
const chunkOffsetCountMin = 4;
/** The ring of chunks never has fewer slots than this. */
const ringSlotCountMin = 4;
/**
 * Copies up to this many bytes byte by byte: below it, a loop beats a view + set (measured:
 * the loop ~1.3 ns a byte, a view and a native set ~32 ns whatever the length).
 */
const copyLoopBytesMax = 24;
// Offsets are Uint16: every frame in a chunk starts below listChunkBytes (a chunk bigger
// than that holds one frame, at 0).
assert(listChunkBytes <= 65536, 'listChunkBytes must keep chunk offsets within 16 bits');

/** The bytes of "$<n>\r\n". */
function bulkHeaderBytes(n: number): number {
  return n < 10 ? 4 : n < 100 ? 5 : n < 1000 ? 6 : n < 10000 ? 7 : n < 100000 ? 8 : 8 + String(Math.floor(n / 100000)).length;
}

/** The bytes of an element of n bytes, framed. */
function framedBytesOf(n: number): number {
  return bulkHeaderBytes(n) + n + 2;
}

/** Writes "$<n>\r\n" at `at`; returns the bytes written. */
function writeBulkHeader(buf: Uint8Array, at: number, n: number): number {
  const hb = bulkHeaderBytes(n);
  buf[at] = 36; // '$'
  let p = at + hb - 2;
  buf[p] = 13;
  buf[p + 1] = 10;
  let v = n; // < 2^31 (proto-max-bulk-len caps an element at 512 MB): int32 division
  do {
    buf[--p] = 48 + (v % 10);
    v = (v / 10) | 0;
  } while (v > 0);
  return hb;
}

/** An element framed from its bytes (a comparison target: LPOS, LINSERT's pivot). */
export function frameBytes(b: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(framedBytesOf(b.length));
  const at = writeBulkHeader(out, 0, b.length);
  out.set(b, at);
  out[at + b.length] = 13;
  out[at + b.length + 1] = 10;
  return out;
}

/** An element framed from a latin1 string. */
export function frameLatin1(v: string): Buffer {
  const out = Buffer.allocUnsafe(framedBytesOf(v.length));
  const at = writeBulkHeader(out, 0, v.length);
  out.latin1Write(v, at);
  out[at + v.length] = 13;
  out[at + v.length + 1] = 10;
  return out;
}

/** The element (latin1) of the frame at [s, e) of buf. */
function unframeAt(buf: Buffer, s: number, e: number): string {
  let d = s + 3;
  while (buf[d] !== 10) d++;
  return buf.latin1Slice(d + 1, e - 2);
}

/** Copies src[s, e) to the end of out. */
function copyOut(out: FramedSink, src: Buffer, s: number, e: number): void {
  const n = e - s;
  out.ensure(n);
  const dst = out.buf;
  let at = out.length;
  if (n <= copyLoopBytesMax) {
    for (let j = s; j < e; j++) dst[at++] = src[j]!;
  } else {
    // A plain Uint8Array view: Buffer#subarray looks up its species, a measurable cost here.
    dst.set(new Uint8Array(src.buffer, src.byteOffset + s, n), at);
  }
  out.length += n;
}

/** The frame RList.unlink removed last: popped[poppedStart, poppedEnd). */
let popped: Buffer = Buffer.alloc(0);
let poppedStart = 0;
let poppedEnd = 0;

/** A run of framed elements; see the file comment for its invariants. */
class Chunk {
  constructor(
    public bytes: Buffer,
    public start: number,
    public end: number,
    public offs: Uint16Array,
    public lo: number,
    public hi: number,
  ) {}
}

/**
 * A chunk's bytes. Small ones are slices of Node's shared Buffer pool (a bump of its
 * offset, no allocation of their own): a small list costs about what its elements did as
 * strings, and the pool's 8 KiB block goes with the last live slice. Bigger ones get their
 * own ArrayBuffer.
 */
function chunkBytesAlloc(bytes: number): Buffer {
  return bytes < chunkOwnBufferBytesMin ? Buffer.allocUnsafe(bytes) : Buffer.allocUnsafeSlow(bytes);
}

/** Full-size chunks freed by pops, reused before allocating (engine worker only). */
const chunkPool: Chunk[] = [];

/**
 * An empty chunk of `capacity` bytes, its free space all at the `where` side, with
 * offsets for as many frames of flen bytes as fit.
 */
function newChunk(capacity: number, where: ListEnd, flen: number): Chunk {
  const c = capacity === listChunkBytes && chunkPool.length > 0 ? chunkPool.pop()! : new Chunk(chunkBytesAlloc(capacity), 0, 0, new Uint16Array(Math.max(chunkOffsetCountMin, Math.ceil(capacity / flen))), 0, 0);
  if (where === ListEnd.head) {
    c.start = c.end = capacity;
    c.lo = c.hi = c.offs.length;
  } else {
    c.start = c.end = 0;
    c.lo = c.hi = 0;
  }
  return c;
}

function releaseChunk(c: Chunk): void {
  if (c.bytes.length === listChunkBytes && chunkPool.length < listChunkPoolCountMax) chunkPool.push(c);
}

/**
 * Collects framed elements (ranges of buffers), then cuts them into chunks of at most
 * listChunkBytes (an oversized element alone), each allocated to fit: the slow paths'
 * way to make chunks (LSET, LINSERT, LREM, COPY, RESTORE).
 */
class ChunkBuilder {
  private readonly srcs: Uint8Array[] = [];
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];

  get count(): number {
    return this.srcs.length;
  }

  add(src: Uint8Array, s: number, e: number): void {
    this.srcs.push(src);
    this.starts.push(s);
    this.ends.push(e);
  }

  /** Every element of chunk c from index k0 up to (not including) k1. */
  addFrom(c: Chunk, k0: number, k1: number): void {
    for (let k = k0; k < k1; k++) this.add(c.bytes, c.offs[k]!, k + 1 < c.hi ? c.offs[k + 1]! : c.end);
  }

  build(): Chunk[] {
    const out: Chunk[] = [];
    const n = this.srcs.length;
    let i = 0;
    while (i < n) {
      let bytes = this.ends[i]! - this.starts[i]!;
      let j = i + 1;
      while (j < n && bytes + this.ends[j]! - this.starts[j]! <= listChunkBytes) {
        bytes += this.ends[j]! - this.starts[j]!;
        j++;
      }
      const count = j - i;
      const c = new Chunk(chunkBytesAlloc(bytes), 0, bytes, new Uint16Array(Math.max(chunkOffsetCountMin, count)), 0, count);
      let at = 0;
      for (let k = i; k < j; k++) {
        c.offs[k - i] = at;
        const src = this.srcs[k]!;
        const s = this.starts[k]!;
        const e = this.ends[k]!;
        c.bytes.set(src.subarray(s, e), at);
        at += e - s;
      }
      out.push(c);
      i = j;
    }
    return out;
  }
}

export class RList extends RObject {
  readonly type = 'list' as const;
  private ring: (Chunk | undefined)[];
  private rhead = 0;
  private nch = 0;
  private rmask: number;
  private count = 0;
  /** The chunk (ring-relative position) the last lookup found, or -1. */
  private curPos = -1;
  /** The index of that chunk's first element. */
  private curBase = 0;

  constructor() {
    super();
    this.ring = new Array<Chunk | undefined>(ringSlotCountMin);
    this.rmask = ringSlotCountMin - 1;
  }

  encoding(): string {
    return 'quicklist';
  }

  get length(): number {
    return this.count;
  }

  clone(): RList {
    const b = new ChunkBuilder();
    for (let p = 0; p < this.nch; p++) {
      const c = this.chunkAt(p);
      b.addFrom(c, c.lo, c.hi);
    }
    const l = new RList();
    l.setChunks(b.build());
    return l;
  }

  /** Builds a list holding `values` in order (tests, SORT STORE, RESTORE). */
  static from(values: readonly string[]): RList {
    const b = new ChunkBuilder();
    for (const v of values) {
      const f = frameLatin1(v);
      b.add(f, 0, f.length);
    }
    const l = new RList();
    l.setChunks(b.build());
    return l;
  }

  // --- The ring of chunks ---------------------------------------------------------------

  private chunkAt(p: number): Chunk {
    return this.ring[(this.rhead + p) & this.rmask]!;
  }

  /** Replaces every chunk with `chunks` (each non-empty), in order. */
  private setChunks(chunks: readonly Chunk[]): void {
    let cap = ringSlotCountMin;
    while (cap < chunks.length) cap *= 2;
    this.ring = new Array<Chunk | undefined>(cap);
    this.rmask = cap - 1;
    this.rhead = 0;
    this.nch = chunks.length;
    let count = 0;
    for (let p = 0; p < chunks.length; p++) {
      const c = chunks[p]!;
      assert(c.hi > c.lo, 'an empty chunk in a list');
      this.ring[p] = c;
      count += c.hi - c.lo;
    }
    this.count = count;
    this.curPos = -1;
  }

  /** The chunks in order (the slow paths' starting point for a rebuild). */
  private chunkArray(): Chunk[] {
    const out: Chunk[] = new Array<Chunk>(this.nch);
    for (let p = 0; p < this.nch; p++) out[p] = this.chunkAt(p);
    return out;
  }

  private resizeRing(cap: number): void {
    const next = new Array<Chunk | undefined>(cap);
    for (let p = 0; p < this.nch; p++) next[p] = this.chunkAt(p);
    this.ring = next;
    this.rhead = 0;
    this.rmask = cap - 1;
  }

  private pushChunk(c: Chunk, where: ListEnd): void {
    if (this.nch === this.ring.length) this.resizeRing(this.ring.length * 2);
    if (where === ListEnd.head) {
      this.rhead = (this.rhead - 1) & this.rmask;
      this.ring[this.rhead] = c;
    } else {
      this.ring[(this.rhead + this.nch) & this.rmask] = c;
    }
    this.nch++;
  }

  /** Removes the (emptied) chunk at `where` and gives it to the pool. */
  private dropChunk(where: ListEnd): void {
    let slot: number;
    if (where === ListEnd.head) {
      slot = this.rhead;
      this.rhead = (this.rhead + 1) & this.rmask;
    } else {
      slot = (this.rhead + this.nch - 1) & this.rmask;
    }
    releaseChunk(this.ring[slot]!);
    this.ring[slot] = undefined;
    this.nch--;
    if (this.nch === 0) this.rhead = 0;
    const cap = this.ring.length;
    if (cap > ringSlotCountMin && this.nch * 4 <= cap) this.resizeRing(cap / 2);
  }

  // --- Pushes --------------------------------------------------------------------------------

  /** The end chunk at `where` with room for a frame of flen bytes (a new one if need be). */
  private roomFor(flen: number, where: ListEnd): Chunk {
    if (this.nch > 0) {
      const c = where === ListEnd.head ? this.ring[this.rhead]! : this.ring[(this.rhead + this.nch - 1) & this.rmask]!;
      if (where === ListEnd.head ? c.start >= flen && c.lo > 0 : c.bytes.length - c.end >= flen && c.hi < c.offs.length) return c;
      if (c.end - c.start + flen <= listChunkBytes) {
        makeRoom(c, flen, where);
        return c;
      }
    }
    let cap: number;
    if (flen > listChunkBytes) cap = flen;
    else if (this.nch > 0) cap = listChunkBytes;
    else {
      // Room for a second element like this one: a list of two (common) allocates once.
      cap = firstChunkBytesMin;
      while (cap < 2 * flen && cap < listChunkBytes) cap *= 2;
    }
    const c = newChunk(cap, where, flen);
    this.pushChunk(c, where);
    return c;
  }

  push(value: string, where: ListEnd): void {
    const n = value.length;
    const c = this.reserve(framedBytesOf(n), where);
    const bytes = c.bytes;
    let at = this.reservedAt;
    at += writeBulkHeader(bytes, at, n);
    at += bytes.latin1Write(value, at);
    bytes[at] = 13;
    bytes[at + 1] = 10;
  }

  /** LPUSH/RPUSH's path: an argument's bytes, framed into the end chunk. */
  pushBytes(value: Uint8Array, where: ListEnd): void {
    const n = value.length;
    const c = this.reserve(framedBytesOf(n), where);
    const bytes = c.bytes;
    let at = this.reservedAt;
    at += writeBulkHeader(bytes, at, n);
    if (n <= copyLoopBytesMax) {
      for (let j = 0; j < n; j++) bytes[at + j] = value[j]!;
    } else {
      bytes.set(value, at);
    }
    at += n;
    bytes[at] = 13;
    bytes[at + 1] = 10;
  }

  /** Pushes an element already framed (one popped from a list: LMOVE). */
  pushFramed(framed: Uint8Array, where: ListEnd): void {
    this.reserve(framed.length, where).bytes.set(framed, this.reservedAt);
  }

  /** Where reserve() put the last frame, in the chunk it returned. */
  private reservedAt = 0;

  /**
   * Makes room for one more element's frame of flen bytes at `where` and counts it: returns
   * the chunk, with the frame's offset in reservedAt (a field, not a pair: pushes are the
   * LPUSH hot path). The caller writes the frame there.
   */
  private reserve(flen: number, where: ListEnd): Chunk {
    const c = this.roomFor(flen, where);
    let at: number;
    if (where === ListEnd.head) {
      at = c.start - flen;
      c.start = at;
      c.offs[--c.lo] = at;
    } else {
      at = c.end;
      c.end = at + flen;
      c.offs[c.hi++] = at;
    }
    this.reservedAt = at;
    this.count++;
    this.curPos = -1;
    return c;
  }

  // --- Pops -----------------------------------------------------------------------------------

  /**
   * Unlinks the element at `where` (the list is not empty). Its frame stays readable at
   * popped[poppedStart, poppedEnd) until the next push (a chunk it emptied may wait in the
   * pool, untouched until then), for the caller to copy.
   */
  private unlink(where: ListEnd): void {
    let c: Chunk;
    if (where === ListEnd.head) {
      c = this.ring[this.rhead]!;
      poppedStart = c.start;
      poppedEnd = c.lo + 1 < c.hi ? c.offs[c.lo + 1]! : c.end;
      c.lo++;
      c.start = poppedEnd;
    } else {
      c = this.ring[(this.rhead + this.nch - 1) & this.rmask]!;
      c.hi--;
      poppedStart = c.offs[c.hi]!;
      poppedEnd = c.end;
      c.end = poppedStart;
    }
    popped = c.bytes;
    this.count--;
    this.curPos = -1;
    if (c.lo === c.hi) this.dropChunk(where);
  }

  /** LPOP/RPOP's path: removes the element at `where`, its frame copied to out; false if empty. */
  popTo(out: FramedSink, where: ListEnd): boolean {
    if (this.count === 0) return false;
    this.unlink(where);
    copyOut(out, popped, poppedStart, poppedEnd);
    return true;
  }

  /** Removes and returns the framed element at `where` (a copy), or undefined if empty. */
  popFramed(where: ListEnd): Buffer | undefined {
    if (this.count === 0) return undefined;
    this.unlink(where);
    return Buffer.from(popped.subarray(poppedStart, poppedEnd));
  }

  /** Removes and returns the element at `where`, or undefined if empty. */
  pop(where: ListEnd): string | undefined {
    const v = this.popFramed(where);
    return v === undefined ? undefined : unframeAt(v, 0, v.length);
  }

  // --- Lookups by index -------------------------------------------------------------------

  /** The chunk holding element i in [0, length); leaves curPos/curBase on it. */
  private locate(i: number): Chunk {
    assert(i >= 0 && i < this.count, 'list index out of range');
    let p: number;
    let base: number;
    let c: Chunk;
    const fromTail = this.count - 1 - i;
    if (this.curPos >= 0 && Math.abs(i - this.curBase) < Math.min(i, fromTail)) {
      p = this.curPos;
      base = this.curBase;
      c = this.chunkAt(p);
    } else if (i <= fromTail) {
      p = 0;
      base = 0;
      c = this.chunkAt(0);
    } else {
      p = this.nch - 1;
      c = this.chunkAt(p);
      base = this.count - (c.hi - c.lo);
    }
    while (i < base) {
      c = this.chunkAt(--p);
      base -= c.hi - c.lo;
    }
    while (i >= base + (c.hi - c.lo)) {
      base += c.hi - c.lo;
      c = this.chunkAt(++p);
    }
    this.curPos = p;
    this.curBase = base;
    return c;
  }

  /** The element at index i in [0, length). */
  at(i: number): string {
    const c = this.locate(i);
    const k = c.lo + i - this.curBase;
    return unframeAt(c.bytes, c.offs[k]!, k + 1 < c.hi ? c.offs[k + 1]! : c.end);
  }

  /** Copies the frame of element i in [0, length) to out (LINDEX's reply). */
  writeAt(out: FramedSink, i: number): void {
    const c = this.locate(i);
    const k = c.lo + i - this.curBase;
    copyOut(out, c.bytes, c.offs[k]!, k + 1 < c.hi ? c.offs[k + 1]! : c.end);
  }

  /** Copies the frames of elements [start, end] (within the list) to out: one copy per chunk. */
  writeRange(out: FramedSink, start: number, end: number): void {
    assert(start <= end && end < this.count, 'list range out of bounds');
    let c = this.locate(start);
    let p = this.curPos;
    let k = c.lo + start - this.curBase;
    let left = end - start + 1;
    for (;;) {
      const take = Math.min(c.hi - k, left);
      copyOut(out, c.bytes, c.offs[k]!, k + take < c.hi ? c.offs[k + take]! : c.end);
      left -= take;
      if (left === 0) return;
      c = this.chunkAt(++p);
      k = c.lo;
    }
  }

  /** Whether element i in [0, length) is the element `framed` holds (framed equal iff bytes equal). */
  equalsAt(i: number, framed: Uint8Array): boolean {
    const c = this.locate(i);
    const k = c.lo + i - this.curBase;
    const s = c.offs[k]!;
    const e = k + 1 < c.hi ? c.offs[k + 1]! : c.end;
    if (e - s !== framed.length) return false;
    const bytes = c.bytes;
    for (let j = 0; j < framed.length; j++) if (bytes[s + j] !== framed[j]) return false;
    return true;
  }

  set(i: number, value: string): void {
    const framed = frameLatin1(value);
    const c = this.locate(i);
    const p = this.curPos;
    const k = c.lo + i - this.curBase;
    const s = c.offs[k]!;
    const e = k + 1 < c.hi ? c.offs[k + 1]! : c.end;
    if (e - s === framed.length) {
      c.bytes.set(framed, s);
      return;
    }
    const b = new ChunkBuilder();
    b.addFrom(c, c.lo, k);
    b.add(framed, 0, framed.length);
    b.addFrom(c, k + 1, c.hi);
    this.replaceChunk(p, b.build());
  }

  /** Redis's index convention: negative counts from the tail. -1 if out of range. */
  resolveIndex(index: number): number {
    const i = index < 0 ? this.count + index : index;
    return i >= 0 && i < this.count ? i : -1;
  }

  /** Inserts `value` so that it ends at index i in [0, length]. */
  insertAt(i: number, value: string): void {
    assert(i >= 0 && i <= this.count, 'insert index out of range');
    if (i === 0) return this.push(value, ListEnd.head);
    if (i === this.count) return this.push(value, ListEnd.tail);
    const framed = frameLatin1(value);
    const c = this.locate(i);
    const p = this.curPos;
    const k = c.lo + i - this.curBase;
    const b = new ChunkBuilder();
    b.addFrom(c, c.lo, k);
    b.add(framed, 0, framed.length);
    b.addFrom(c, k, c.hi);
    this.replaceChunk(p, b.build());
  }

  /** Replaces the chunk at ring position p with `chunks` (built from it, so it is released). */
  private replaceChunk(p: number, chunks: Chunk[]): void {
    const all = this.chunkArray();
    all.splice(p, 1, ...chunks);
    this.setChunks(all);
  }

  /** Keeps only the elements in [start, end] (already clamped, start <= end), or none. */
  keepRange(start: number, end: number): void {
    if (start > end || start >= this.count) {
      this.clear();
      return;
    }
    let front = start;
    let back = this.count - 1 - Math.min(end, this.count - 1);
    while (front > 0) {
      const c = this.ring[this.rhead]!;
      const n = c.hi - c.lo;
      if (n <= front) {
        this.count -= n;
        front -= n;
        this.dropChunk(ListEnd.head);
      } else {
        c.lo += front;
        c.start = c.offs[c.lo]!;
        this.count -= front;
        front = 0;
      }
    }
    while (back > 0) {
      const c = this.ring[(this.rhead + this.nch - 1) & this.rmask]!;
      const n = c.hi - c.lo;
      if (n <= back) {
        this.count -= n;
        back -= n;
        this.dropChunk(ListEnd.tail);
      } else {
        c.hi -= back;
        c.end = c.offs[c.hi]!;
        this.count -= back;
        back = 0;
      }
    }
    this.curPos = -1;
  }

  /**
   * LREM's scan: removes up to `limit` elements equal to `value` (0 = all), from the head
   * when fromHead, else from the tail. Returns how many were removed.
   */
  removeMatching(element: string, limit: number, fromHead: boolean): number {
    const target = frameLatin1(element);
    const n = this.count;
    const hits: number[] = [];
    for (let j = 0; j < n && (limit === 0 || hits.length < limit); j++) {
      const i = fromHead ? j : n - 1 - j;
      if (this.equalsAt(i, target)) hits.push(i);
    }
    if (hits.length === 0) return 0;
    if (!fromHead) hits.reverse();
    const b = new ChunkBuilder();
    let h = 0;
    let i = 0;
    for (let p = 0; p < this.nch; p++) {
      const c = this.chunkAt(p);
      for (let k = c.lo; k < c.hi; k++, i++) {
        if (h < hits.length && hits[h] === i) {
          h++;
          continue;
        }
        b.add(c.bytes, c.offs[k]!, k + 1 < c.hi ? c.offs[k + 1]! : c.end);
      }
    }
    this.setChunks(b.build());
    return hits.length;
  }

  /** MEMORY USAGE (src/engine/commands/server.ts): Redis's estimate for this list as a quicklist. */
  memoryBytes(samples = 5): number {
    return listMemoryBytes(this, samples);
  }

  /** The keyspace digest's content (src/engine/digest.ts): the elements in order. */
  *digestParts(): Iterable<string> {
    for (let p = 0; p < this.nch; p++) {
      const c = this.chunkAt(p);
      for (let k = c.lo; k < c.hi; k++) yield unframeAt(c.bytes, c.offs[k]!, k + 1 < c.hi ? c.offs[k + 1]! : c.end);
    }
  }

  /** Every element from head to tail (tests, DUMP, the digest). */
  toArray(): string[] {
    const out: string[] = [];
    for (const v of this.digestParts()) out.push(v);
    return out;
  }

  private clear(): void {
    while (this.nch > 0) this.dropChunk(ListEnd.tail);
    this.count = 0;
    this.curPos = -1;
  }
}

/**
 * Gives chunk c room for a frame of flen bytes and one offset at its `where` end, c
 * holding at most listChunkBytes - flen bytes: moves its elements within (when at least
 * a quarter is free) or into a bigger allocation (doubling, up to listChunkBytes) whose
 * free space is all at that end.
 */
function makeRoom(c: Chunk, flen: number, where: ListEnd): void {
  const head = where === ListEnd.head;
  const used = c.end - c.start;
  const cap = c.bytes.length;
  if ((head ? c.start : cap - c.end) < flen) {
    const free = cap - used;
    let newStart: number;
    if (free >= 2 * flen && free * 4 >= cap) {
      newStart = head ? flen + Math.floor((free - flen) / 2) : Math.floor((free - flen) / 2);
      c.bytes.copyWithin(newStart, c.start, c.end);
    } else {
      let newCap = Math.min(listChunkBytes, cap * 2);
      if (newCap < used + flen) newCap = used + flen;
      if (newCap === cap) {
        // Full size already (free >= flen): centre what is there.
        newStart = head ? flen + Math.floor((free - flen) / 2) : Math.floor((free - flen) / 2);
        c.bytes.copyWithin(newStart, c.start, c.end);
      } else {
        const next = chunkBytesAlloc(newCap);
        newStart = head ? newCap - used : 0;
        next.set(c.bytes.subarray(c.start, c.end), newStart);
        c.bytes = next;
      }
    }
    const delta = newStart - c.start;
    for (let k = c.lo; k < c.hi; k++) c.offs[k] = c.offs[k]! + delta;
    c.start = newStart;
    c.end = newStart + used;
  }
  if (head ? c.lo === 0 : c.hi === c.offs.length) {
    const n = c.hi - c.lo;
    const len = c.offs.length;
    const free = len - n;
    let newLo: number;
    if (free >= 2 && free * 4 >= len) {
      newLo = head ? 1 + Math.floor((free - 1) / 2) : Math.floor((free - 1) / 2);
      c.offs.copyWithin(newLo, c.lo, c.hi);
    } else {
      const next = new Uint16Array(len * 2);
      newLo = head ? len * 2 - n : 0;
      next.set(c.offs.subarray(c.lo, c.hi), newLo);
      c.offs = next;
    }
    c.lo = newLo;
    c.hi = newLo + n;
  }
}

// --- DUMP / RESTORE (Redis 7.0's RDB_TYPE_LIST_QUICKLIST_2) --------------------------------
//
// Layout (rdb.c rdbSaveObject for a quicklist): len(nodeCount), then per node
// len(container: 1 plain, 2 packed) and the node as an RDB string: a plain node is one
// element, a packed node a listpack:
//
//   offset size  field
//   0      4     total bytes (u32 LE)
//   4      2     element count (u16 LE; 65535 means "count them")
//   6      ...   entries: encoding+data, then backlen (1-5 bytes, 7 bits each)
//   end-1  1     0xFF terminator
//
// Nodes are cut as a list built by RPUSH under list-max-listpack-size -2 (8 KiB per node,
// quicklist.c's _quicklistNodeAllowInsert estimate), so a DUMP is byte-identical to
// Redis's for any list that fits one node, and for RPUSH-built lists of any size. Lists
// with another history may be cut elsewhere by Redis; RESTORE reads any cut.

/** quicklist.c's optimization_level: node byte limits for fill -1..-5. */
const nodeBytesByFill = [4096, 8192, 16384, 32768, 65536];
/** quicklist.c's SIZE_SAFETY_LIMIT: a node never grows past this when fill counts entries. */
const nodeSafetyBytes = 8192;
/** quicklist.c's SIZE_ESTIMATE_OVERHEAD: what one entry may add beyond its bytes. */
const entryOverheadBytes = 8;
const listpackHeaderBytes = 6;

/**
 * _quicklistNodeAllowInsert + quicklistNodeExceedsLimit (7.0.15): may an element of
 * `sz` bytes join a node of `nodeBytes` and `count` entries under list-max-listpack-size `fill`?
 */
function nodeAllowsInsert(nodeBytes: number, count: number, sz: number, fill: number): boolean {
  const newBytes = nodeBytes + sz + entryOverheadBytes;
  if (fill < 0) return newBytes <= nodeBytesByFill[Math.min(-fill - 1, nodeBytesByFill.length - 1)]!;
  if (newBytes > nodeSafetyBytes) return false;
  return count + 1 <= (fill === 0 ? 1 : fill);
}

/** One listpack entry's encoding+data for a latin1 string (lpEncodeGetType). */
function listpackEntry(s: string): Buffer {
  const v = s.length <= 20 ? string2ll(s) : null;
  if (v !== null) {
    const n = Number(v);
    if (n >= 0 && n <= 127) return Buffer.of(n);
    if (n >= -4096 && n <= 4095) {
      const u = n < 0 ? (1 << 13) + n : n;
      return Buffer.of(0xc0 | (u >> 8), u & 0xff);
    }
    if (n >= -32768 && n <= 32767) {
      const b = Buffer.alloc(3);
      b[0] = 0xf1;
      b.writeInt16LE(n, 1);
      return b;
    }
    if (n >= -8388608 && n <= 8388607) {
      const b = Buffer.alloc(4);
      b[0] = 0xf2;
      b.writeIntLE(n, 1, 3);
      return b;
    }
    if (n >= -2147483648 && n <= 2147483647) {
      const b = Buffer.alloc(5);
      b[0] = 0xf3;
      b.writeInt32LE(n, 1);
      return b;
    }
    const b = Buffer.alloc(9);
    b[0] = 0xf4;
    b.writeBigInt64LE(v, 1);
    return b;
  }
  const len = s.length;
  let head: Buffer;
  if (len < 64) head = Buffer.of(0x80 | len);
  else if (len < 4096) head = Buffer.of(0xe0 | (len >> 8), len & 0xff);
  else {
    head = Buffer.alloc(5);
    head[0] = 0xf0;
    head.writeUInt32LE(len, 1);
  }
  return Buffer.concat([head, Buffer.from(s, 'latin1')]);
}

/** The bytes listpackEntry(s) would take (encoding + data), without building it. */
function listpackEntryBytes(s: string): number {
  const v = s.length <= 20 ? string2ll(s) : null;
  if (v !== null) {
    if (v >= 0n && v <= 127n) return 1;
    if (v >= -4096n && v <= 4095n) return 2;
    if (v >= -32768n && v <= 32767n) return 3;
    if (v >= -8388608n && v <= 8388607n) return 4;
    if (v >= -2147483648n && v <= 2147483647n) return 5;
    return 9;
  }
  return (s.length < 64 ? 1 : s.length < 4096 ? 2 : 5) + s.length;
}

/** The bytes of lpEncodeBacklen(l). */
function backlenBytes(l: number): number {
  return l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
}

/**
 * The element counts and listpack bytes of the nodes Redis's quicklist would hold for
 * this list built by RPUSH under `fill` (see the section comment).
 */
function quicklistNodes(list: RList, fill: number): { counts: number[]; bytes: number[] } {
  const counts: number[] = [];
  const bytes: number[] = [];
  let count = 0;
  let nodeBytes = listpackHeaderBytes + 1;
  for (let i = 0; i < list.length; i++) {
    const s = list.at(i);
    if (count > 0 && !nodeAllowsInsert(nodeBytes, count, s.length, fill)) {
      counts.push(count);
      bytes.push(nodeBytes);
      count = 0;
      nodeBytes = listpackHeaderBytes + 1;
    }
    const e = listpackEntryBytes(s);
    nodeBytes += e + backlenBytes(e);
    count++;
  }
  if (count > 0) {
    counts.push(count);
    bytes.push(nodeBytes);
  }
  return { counts, bytes };
}

/** sizeof(quicklist) and sizeof(quicklistNode) in Redis 7.0 on 64-bit. */
const quicklistStructBytes = 40;
const quicklistNodeStructBytes = 40;

/**
 * MEMORY USAGE's estimate beyond the robj (objectComputeSize for a quicklist): the
 * quicklist struct plus the average of the first `samples` nodes (struct and listpack
 * allocation) times the node count.
 */
export function listMemoryBytes(list: RList, samples = 5, fill = -2): number {
  const { bytes } = quicklistNodes(list, fill);
  const sampled = Math.max(1, Math.min(samples === 0 ? bytes.length : samples, bytes.length));
  let elements = 0;
  for (let i = 0; i < sampled && i < bytes.length; i++) elements += quicklistNodeStructBytes + jemallocBytes(bytes[i]!);
  return quicklistStructBytes + Math.floor((elements / sampled) * bytes.length);
}

/** lpEncodeBacklen: the entry's length, 7 bits per byte, readable from the right. */
function backlen(l: number): Buffer {
  if (l <= 127) return Buffer.of(l);
  if (l < 16383) return Buffer.of(l >> 7, (l & 127) | 128);
  if (l < 2097151) return Buffer.of(l >> 14, ((l >> 7) & 127) | 128, (l & 127) | 128);
  if (l < 268435455) return Buffer.of(l >> 21, ((l >> 14) & 127) | 128, ((l >> 7) & 127) | 128, (l & 127) | 128);
  return Buffer.of(Math.floor(l / 2 ** 28), ((l >> 21) & 127) | 128, ((l >> 14) & 127) | 128, ((l >> 7) & 127) | 128, (l & 127) | 128);
}

/** A listpack holding `entries` (each encoding+data), with backlens, header and terminator. */
function buildListpack(entries: readonly Buffer[]): Buffer {
  const parts: Buffer[] = [Buffer.alloc(listpackHeaderBytes)];
  let bytes = listpackHeaderBytes + 1;
  for (const e of entries) {
    const b = backlen(e.length);
    parts.push(e, b);
    bytes += e.length + b.length;
  }
  parts.push(Buffer.of(0xff));
  const lp = Buffer.concat(parts, bytes);
  lp.writeUInt32LE(bytes, 0);
  lp.writeUInt16LE(Math.min(entries.length, 65535), 4);
  return lp;
}

/** Saves a list as RPUSH under `fill` would have built it; returns RDB_TYPE_LIST_QUICKLIST_2. */
export function saveList(w: RdbWriter, list: RList, fill = -2): number {
  const { counts } = quicklistNodes(list, fill);
  w.len(counts.length);
  let at = 0;
  for (const n of counts) {
    const entries: Buffer[] = new Array<Buffer>(n);
    for (let i = 0; i < n; i++) entries[i] = listpackEntry(list.at(at + i));
    at += n;
    w.len(2); // QUICKLIST_NODE_CONTAINER_PACKED
    w.blob(buildListpack(entries));
  }
  return RdbType.listQuicklist2;
}

/** Appends every element of a listpack to `out` (lpValidateIntegrity + lpGet). */
export function readListpack(lp: Buffer, out: string[]): void {
  if (lp.length < listpackHeaderBytes + 1 || lp.readUInt32LE(0) !== lp.length || lp[lp.length - 1] !== 0xff) throw new RdbFormatError('bad listpack header');
  const declared = lp.readUInt16LE(4);
  let at = listpackHeaderBytes;
  let count = 0;
  const end = lp.length - 1;
  while (at < end) {
    const c = lp[at]!;
    let entryBytes: number;
    let value: string;
    if (c < 0x80) {
      entryBytes = 1;
      value = String(c);
    } else if (c < 0xc0) {
      const len = c & 0x3f;
      entryBytes = 1 + len;
      if (at + entryBytes > end) throw new RdbFormatError('listpack entry overflows');
      value = lp.latin1Slice(at + 1, at + 1 + len);
    } else if (c < 0xe0) {
      entryBytes = 2;
      if (at + 2 > end) throw new RdbFormatError('listpack entry overflows');
      const u = ((c & 0x1f) << 8) | lp[at + 1]!;
      value = String(u >= 4096 ? u - 8192 : u);
    } else if (c < 0xf0) {
      if (at + 2 > end) throw new RdbFormatError('listpack entry overflows');
      const len = ((c & 0x0f) << 8) | lp[at + 1]!;
      entryBytes = 2 + len;
      if (at + entryBytes > end) throw new RdbFormatError('listpack entry overflows');
      value = lp.latin1Slice(at + 2, at + 2 + len);
    } else {
      const intBytes = c === 0xf1 ? 2 : c === 0xf2 ? 3 : c === 0xf3 ? 4 : c === 0xf4 ? 8 : c === 0xf0 ? 4 : -1;
      if (intBytes < 0) throw new RdbFormatError('bad listpack encoding');
      if (at + 1 + intBytes > end) throw new RdbFormatError('listpack entry overflows');
      if (c === 0xf0) {
        const len = lp.readUInt32LE(at + 1);
        entryBytes = 5 + len;
        if (at + entryBytes > end) throw new RdbFormatError('listpack entry overflows');
        value = lp.latin1Slice(at + 5, at + 5 + len);
      } else {
        entryBytes = 1 + intBytes;
        value = c === 0xf4 ? lp.readBigInt64LE(at + 1).toString() : String(lp.readIntLE(at + 1, intBytes));
      }
    }
    const bl = backlen(entryBytes).length;
    if (at + entryBytes + bl > end) throw new RdbFormatError('listpack backlen overflows');
    out.push(value);
    count++;
    at += entryBytes + bl;
  }
  if (declared !== 65535 && declared !== count) throw new RdbFormatError('listpack count mismatch');
}

registerRdbSaver('list', (w, value) => saveList(w, value as RList));

registerRdbLoader(RdbType.listQuicklist2, (r: RdbReader) => {
  const nodes = r.len();
  const values: string[] = [];
  for (let i = 0; i < nodes; i++) {
    const container = r.len();
    if (container === 1) values.push(r.string());
    else if (container === 2) readListpack(r.blob(), values);
    else throw new RdbFormatError('bad quicklist node container');
  }
  // Redis skips empty nodes but refuses an empty list.
  if (values.length === 0) throw new RdbFormatError('empty list');
  return RList.from(values);
});

registerRdbLoader(RdbType.list, (r: RdbReader) => {
  const n = r.len();
  if (n === 0) throw new RdbFormatError('empty list');
  const values: string[] = [];
  for (let i = 0; i < n; i++) values.push(r.string());
  return RList.from(values);
});
