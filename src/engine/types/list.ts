// RList: the Redis list value (engine worker), Redis 7.0's quicklist without its command
// handlers (src/engine/commands/lists.ts), so it can be fuzzed alone.
//
// Representation: one ring buffer of latin1 strings (one char per byte, as the keyspace
// stores bytes), each element kept FRAMED as its RESP bulk string: "$<len>\r\n<bytes>\r\n"
// (what every reply of an element writes, RESP2 and RESP3 alike). So LRANGE writes a
// run of elements with one latin1Write of their concatenation, and LPOP/LINDEX one
// write without a header: per-element native calls were most of LRANGE_100's engine
// time. The framing is a function of the bytes, so framed strings compare equal exactly
// when the elements do (LPOS, LREM, LINSERT compare framed). The string API (push, pop,
// at, set, ...) frames and unframes; the *Framed/*Bytes methods are the hot paths'.
// A ring with a head index and a length; the capacity is a power of two and
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
// strings can be collected); every slot inside holds a flat framed string (frameBytes /
// frameLatin1); callers never keep an empty list in the keyspace.

import { assert } from '../../assert.js';
import { string2ll } from '../args.js';
import { RdbFormatError, RdbType, registerRdbLoader, registerRdbSaver, type RdbReader, type RdbWriter } from '../dump.js';
import { RObject } from '../keyspace.js';
import { jemallocBytes } from './hash.js';

const minCapacity = 8;

/** Which end of a list: Redis's LIST_HEAD (left) and LIST_TAIL (right). */
export const ListEnd = { head: 0, tail: 1 } as const;
export type ListEnd = (typeof ListEnd)[keyof typeof ListEnd];

/** Where elements are framed before one latin1Slice makes the flat string; grows to fit. */
let frameScratch = Buffer.allocUnsafe(4096);
/** Elements above this are framed in a buffer of their own (the scratch stays small). */
const frameScratchBytesMax = 64 * 1024;

function frameBuffer(dataBytes: number): Buffer {
  const need = dataBytes + 16; // '$' + up to 10 digits + 2 CRLF
  if (need <= frameScratch.length) return frameScratch;
  if (need > frameScratchBytesMax) return Buffer.allocUnsafe(need);
  frameScratch = Buffer.allocUnsafe(frameScratchBytesMax);
  return frameScratch;
}

/** Writes "$<n>\r\n" at 0; returns the bytes written. */
function writeBulkHeader(buf: Buffer, n: number): number {
  buf[0] = 36; // '$'
  let digits = 1;
  for (let p = 10; p <= n; p *= 10) digits++;
  let at = 1 + digits;
  for (let v = n; at > 1; v = Math.floor(v / 10)) buf[--at] = 48 + (v % 10);
  buf[1 + digits] = 13;
  buf[2 + digits] = 10;
  return 3 + digits;
}

/** An element's stored form from its bytes: one native call (latin1Slice) as before framing. */
export function frameBytes(b: Uint8Array): string {
  const buf = frameBuffer(b.length);
  let at = writeBulkHeader(buf, b.length);
  buf.set(b, at);
  at += b.length;
  buf[at++] = 13;
  buf[at++] = 10;
  return buf.latin1Slice(0, at);
}

/** An element's stored form from a latin1 string. */
export function frameLatin1(v: string): string {
  const buf = frameBuffer(v.length);
  let at = writeBulkHeader(buf, v.length);
  at += buf.latin1Write(v, at);
  buf[at++] = 13;
  buf[at++] = 10;
  return buf.latin1Slice(0, at);
}

/** The element a framed string holds. */
export function unframe(framed: string): string {
  return framed.slice(framed.indexOf('\n') + 1, framed.length - 2);
}

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
    for (let i = 0; i < values.length; i++) l.items[i] = frameLatin1(values[i]!);
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
    this.pushFramed(frameLatin1(value), where);
  }

  /** LPUSH/RPUSH's path: an argument's bytes, framed once. */
  pushBytes(value: Uint8Array, where: ListEnd): void {
    this.pushFramed(frameBytes(value), where);
  }

  /** Pushes an element already framed (one popped from a list: LMOVE). */
  pushFramed(value: string, where: ListEnd): void {
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
    const v = this.popFramed(where);
    return v === undefined ? undefined : unframe(v);
  }

  /** Removes and returns the framed element at `where` (a bulk reply as is), or undefined if empty. */
  popFramed(where: ListEnd): string | undefined {
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
    return unframe(this.framedAt(i));
  }

  /** The framed element at index i in [0, length) (its bulk reply; equal iff the elements are). */
  framedAt(i: number): string {
    assert(i >= 0 && i < this.count, 'list index out of range');
    return this.items[(this.head + i) & this.mask]!;
  }

  set(i: number, value: string): void {
    assert(i >= 0 && i < this.count, 'list index out of range');
    this.items[(this.head + i) & this.mask] = frameLatin1(value);
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
    const framed = frameLatin1(value);
    if (this.count === this.items.length) this.grow();
    if (i < this.count - i) {
      // Shift the first i elements one slot to the left.
      this.head = (this.head - 1) & this.mask;
      for (let j = 0; j < i; j++) this.items[(this.head + j) & this.mask] = this.items[(this.head + j + 1) & this.mask];
    } else {
      for (let j = this.count; j > i; j--) this.items[(this.head + j) & this.mask] = this.items[(this.head + j - 1) & this.mask];
    }
    this.items[(this.head + i) & this.mask] = framed;
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
  removeMatching(element: string, limit: number, fromHead: boolean): number {
    const value = frameLatin1(element);
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

  /** MEMORY USAGE (src/engine/commands/server.ts): Redis's estimate for this list as a quicklist. */
  memoryBytes(samples = 5): number {
    return listMemoryBytes(this, samples);
  }

  /** The keyspace digest's content (src/engine/digest.ts): the elements in order. */
  *digestParts(): Iterable<string> {
    for (let i = 0; i < this.count; i++) yield unframe(this.items[(this.head + i) & this.mask]!);
  }

  /** Every element from head to tail (tests, DUMP, the digest). */
  toArray(): string[] {
    const out: string[] = new Array<string>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = unframe(this.items[(this.head + i) & this.mask]!);
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
