// RHash: the Redis hash value (engine worker), Redis 7.0's t_hash.c data structure
// without its command handlers (src/engine/commands/hashes.ts), so it can be fuzzed alone.
//
// Two encodings, as Redis 7.0 has them and OBJECT ENCODING names them:
//   listpack   a flat array [field0, value0, field1, value1, ...] in insertion order.
//              An update keeps a field's place; a delete closes the gap. Lookups are
//              linear, as Redis's lpFind, which is cheap at these sizes. HGETALL, HSCAN
//              and HRANDFIELD's whole-hash case return this order, which is Redis's.
//   hashtable  a ByteDict (src/engine/types/byte-dict.ts: fields and values as bytes in
//              one arena, O(1) lookup hashed from the request's bytes, O(1) uniform
//              random slot, and a SCAN cursor with Redis's guarantee). Its order is not
//              Redis's hash order; only the differential tests know that, and compare
//              such replies sorted.
// Conversion is one way, listpack -> hashtable, as Redis's hashTypeConvert: when a
// field or value is longer than hash-max-listpack-value bytes, or the hash has more
// than hash-max-listpack-entries fields. The thresholds are read at each mutation
// from the caller's limits (the engine's Config), so CONFIG SET acts on later writes
// only, as in Redis.
//
// Strings are latin1 JS strings (one char per byte), as the keyspace stores bytes; the
// hashtable keeps bytes, and setBytes() takes the request's Buffers (HSET's hot path).
// Every field is addressable by an index in [0, size): `fieldAt(i)`, `valueAt(i)`;
// that is the iteration order and what random picks use.
//
// Invariants: exactly one of `lp` and `ht` is non-null; fields are unique; a listpack
// holds at most the entries limit it was last checked against (callers delete a key
// whose hash became empty: Redis never keeps an empty hash).

import { assert } from '../../assert.js';
import { latin1, string2ll } from '../args.js';
import { ByteDict } from './byte-dict.js';
import { RdbFormatError, RdbType, registerRdbLoader, registerRdbSaver, type RdbReader, type RdbWriter } from '../dump.js';
import { RObject } from '../keyspace.js';

/** The Config fields that decide a hash's encoding (Config satisfies this). */
export interface HashLimits {
  readonly hashMaxListpackEntries: number;
  readonly hashMaxListpackValue: number;
}

export class RHash extends RObject {
  readonly type = 'hash' as const;
  /** Listpack form: fields at even indexes, each followed by its value. */
  private lp: string[] | null = [];
  private ht: ByteDict | null = null;

  encoding(): string {
    return this.lp !== null ? 'listpack' : 'hashtable';
  }

  get size(): number {
    return this.lp !== null ? this.lp.length >>> 1 : this.ht!.size;
  }

  isListpack(): boolean {
    return this.lp !== null;
  }

  clone(): RHash {
    const c = new RHash();
    if (this.lp !== null) {
      c.lp = this.lp.slice();
    } else {
      c.lp = null;
      c.ht = this.ht!.clone();
    }
    return c;
  }

  /** Index of field's pair in the listpack (field at 2*i), or -1. */
  private lpFind(field: string): number {
    const lp = this.lp!;
    for (let i = 0; i < lp.length; i += 2) if (lp[i] === field) return i >>> 1;
    return -1;
  }

  get(field: string): string | undefined {
    if (this.lp !== null) {
      const i = this.lpFind(field);
      return i < 0 ? undefined : this.lp[2 * i + 1];
    }
    const i = this.ht!.slotOf(field);
    return i < 0 ? undefined : this.ht!.valueAt(i);
  }

  has(field: string): boolean {
    return this.lp !== null ? this.lpFind(field) >= 0 : this.ht!.has(field);
  }

  /**
   * get() for a field's bytes, for a reply: a listpack's value string, or a view of a
   * hashtable's arena (valid until the hash is next written; no string is made).
   */
  getForReply(field: Buffer): string | Buffer | undefined {
    if (this.lp !== null) return this.get(latin1(field));
    const i = this.ht!.slotOfBytes(field);
    return i < 0 ? undefined : this.ht!.valueView(i);
  }

  /** has() for a field's bytes. */
  hasBytes(field: Buffer): boolean {
    return this.lp !== null ? this.lpFind(latin1(field)) >= 0 : this.ht!.slotOfBytes(field) >= 0;
  }

  /** The byte length of field's value, 0 when absent (HSTRLEN). */
  valueLengthOf(field: Buffer): number {
    if (this.lp !== null) return this.get(latin1(field))?.length ?? 0;
    const i = this.ht!.slotOfBytes(field);
    return i < 0 ? 0 : this.ht!.valueLength(i);
  }

  /**
   * Redis's hashTypeTryConversion: converts before a write of these strings if any is
   * longer than hash-max-listpack-value (every argument of HSET is checked first).
   */
  tryConversion(strings: readonly string[], limits: HashLimits): void {
    if (this.lp === null) return;
    for (const s of strings) {
      if (s.length > limits.hashMaxListpackValue) {
        this.convert();
        return;
      }
    }
  }

  /**
   * Redis's hashTypeSet: sets field to value; returns true if the field is new. An
   * update keeps the field's listpack position. Converts to a hashtable when the
   * strings or the field count pass the limits.
   */
  set(field: string, value: string, limits: HashLimits): boolean {
    if (this.lp !== null && (field.length > limits.hashMaxListpackValue || value.length > limits.hashMaxListpackValue)) this.convert();
    if (this.lp !== null) {
      const i = this.lpFind(field);
      if (i >= 0) {
        this.lp[2 * i + 1] = value;
        return false;
      }
      this.lp.push(field, value);
      if (this.lp.length >>> 1 > limits.hashMaxListpackEntries) this.convert();
      return true;
    }
    return this.ht!.set(field, value);
  }

  /**
   * set() for the request's bytes (copied into a hashtable's arena: the caller may reuse
   * its buffers), after the caller's tryConversion over every argument.
   */
  setBytes(field: Buffer, value: Buffer, limits: HashLimits): boolean {
    if (this.lp !== null) return this.set(latin1(field), latin1(value), limits);
    return this.ht!.setBytes(field, value);
  }

  /** Deletes field; returns true if it existed. */
  delete(field: string): boolean {
    if (this.lp !== null) {
      const i = this.lpFind(field);
      if (i < 0) return false;
      this.lp.splice(2 * i, 2);
      return true;
    }
    return this.ht!.delete(field);
  }

  /** delete() for a field's bytes. */
  deleteBytes(field: Buffer): boolean {
    return this.lp !== null ? this.delete(latin1(field)) : this.ht!.deleteBytes(field);
  }

  /** The field at iteration index i in [0, size). */
  fieldAt(i: number): string {
    assert(i >= 0 && i < this.size, 'hash index out of range');
    return this.lp !== null ? this.lp[2 * i]! : this.ht!.keyAt(i);
  }

  /** The value at iteration index i in [0, size). */
  valueAt(i: number): string {
    assert(i >= 0 && i < this.size, 'hash index out of range');
    return this.lp !== null ? this.lp[2 * i + 1]! : this.ht!.valueAt(i);
  }

  /** fieldAt() for a reply: a listpack's string, or a view of a hashtable's arena (valid until the next write). */
  fieldForReply(i: number): string | Buffer {
    assert(i >= 0 && i < this.size, 'hash index out of range');
    return this.lp !== null ? this.lp[2 * i]! : this.ht!.keyView(i);
  }

  /** valueAt() for a reply: a listpack's string, or a view of a hashtable's arena (valid until the next write). */
  valueForReply(i: number): string | Buffer {
    assert(i >= 0 && i < this.size, 'hash index out of range');
    return this.lp !== null ? this.lp[2 * i + 1]! : this.ht!.valueView(i);
  }

  /** A uniformly random index in [0, size); `random` returns [0, 1). */
  randomIndex(random: () => number): number {
    const n = this.size;
    assert(n > 0, 'random field of an empty hash');
    return Math.floor(random() * n);
  }

  /**
   * One SCAN step over a hashtable (listpacks are returned whole by the caller, with
   * cursor 0, as Redis does): visits up to `count` indexes below `cursor`.
   */
  scanTable(cursor: number, count: number, visit: (field: string, value: string) => void): number {
    assert(this.ht !== null, 'scanTable on a listpack');
    const ht = this.ht;
    let slot = cursor === 0 ? ht.size : Math.min(cursor, ht.size);
    let visited = 0;
    while (slot > 0 && visited < count) {
      slot--;
      visit(ht.keyAt(slot), ht.valueAt(slot));
      visited++;
    }
    return slot;
  }

  /** Digest content: field/value pairs sorted by field, independent of encoding and order. */
  digestParts(): string[] {
    const pairs: [string, string][] = [];
    for (let i = 0; i < this.size; i++) pairs.push([this.fieldAt(i), this.valueAt(i)]);
    pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const out: string[] = [];
    for (const [f, v] of pairs) out.push(f, v);
    return out;
  }

  /**
   * MEMORY USAGE's estimate of the value beyond its robj (objectComputeSize): a
   * listpack's allocation; for a hashtable the dict, its bucket array and the average
   * of the first `samples` entries (two sds strings and a dictEntry each) times the size.
   */
  memoryBytes(samples = 5): number {
    if (this.lp !== null) return jemallocBytes(encodeListpack(this.lp).length);
    const n = this.size;
    let slots = 4;
    while (slots < n) slots *= 2;
    const sampled = Math.min(samples, n);
    let elements = 0;
    const ht = this.ht!;
    for (let i = 0; i < sampled; i++) elements += sdsAllocBytes(ht.keyLength(i)) + sdsAllocBytes(ht.valueLength(i)) + dictEntryBytes;
    return dictBytes + 8 * slots + (sampled > 0 ? Math.floor((elements / sampled) * n) : 0);
  }

  /** The listpack's strings in order (field, value, ...), or null for a hashtable. */
  listpackStrings(): readonly string[] | null {
    return this.lp;
  }

  /** A hash holding exactly these listpack strings (an RDB load); fields must be unique. */
  static fromListpack(strings: string[]): RHash {
    assert(strings.length % 2 === 0, 'a hash listpack holds pairs');
    const h = new RHash();
    h.lp = strings;
    return h;
  }

  /** Converts to a hashtable (an RDB load past the entries limit). */
  toHashtable(): void {
    if (this.lp !== null) this.convert();
  }

  private convert(): void {
    const lp = this.lp!;
    const ht = new ByteDict();
    for (let i = 0; i < lp.length; i += 2) ht.set(lp[i]!, lp[i + 1]!);
    this.ht = ht;
    this.lp = null;
  }
}

// --- Allocation sizes (MEMORY USAGE) -----------------------------------------------------------

/** sizeof(dict) and sizeof(dictEntry) in Redis 7.0 on 64-bit. */
const dictBytes = 56;
const dictEntryBytes = 24;

/** jemalloc's size class for an allocation of n bytes (LG_QUANTUM 4, 4 classes per doubling). */
export function jemallocBytes(n: number): number {
  if (n <= 8) return 8;
  if (n <= 128) return Math.ceil(n / 16) * 16;
  const lg = Math.floor(Math.log2(n - 1));
  const step = 2 ** (lg - 2);
  return Math.ceil(n / step) * step;
}

/** The allocation of an sds of `len` bytes made by sdsnewlen (sds5 header below 32 bytes). */
export function sdsAllocBytes(len: number): number {
  const hdr = len < 32 ? 1 : len < 256 ? 3 : len < 65536 ? 5 : 9;
  return jemallocBytes(hdr + len + 1);
}

// --- Listpack bytes (Redis 7.0's listpack.c), for DUMP/RESTORE ------------------------------
//
// Layout: [total bytes u32 LE][element count u16 LE, 65535 when larger][entries][0xFF].
// An entry is its encoding and data, then its backlen (the size of encoding + data in
// 1 to 5 bytes, 7 bits each, most significant first, every byte but the first with the
// top bit set). A string that string2ll accepts is stored as the smallest integer
// encoding (7-bit uint, 13/16/24/32/64-bit signed); others as a 6-bit, 12-bit or 32-bit
// length and the bytes. Redis DUMPs a listpack hash as these exact bytes, so a hash
// KeelDB DUMPs is byte-identical to Redis's when their listpacks hold the same strings.

const lpEnd = 0xff;
const lpHeaderBytes = 6;

function backlenBytes(l: number): number {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

/** Appends one listpack entry for `s` (latin1) to `out`. */
function lpEncodeEntry(out: number[], s: string): void {
  const start = out.length;
  const v = s.length <= 20 ? string2ll(s) : null;
  if (v !== null) {
    if (v >= 0n && v <= 127n) {
      out.push(Number(v));
    } else if (v >= -4096n && v <= 4095n) {
      const u = Number(v < 0n ? (1n << 13n) + v : v);
      out.push(0xc0 | (u >> 8), u & 0xff);
    } else {
      let bytes: number;
      let tag: number;
      if (v >= -32768n && v <= 32767n) [tag, bytes] = [0xf1, 2];
      else if (v >= -8388608n && v <= 8388607n) [tag, bytes] = [0xf2, 3];
      else if (v >= -2147483648n && v <= 2147483647n) [tag, bytes] = [0xf3, 4];
      else [tag, bytes] = [0xf4, 8];
      let u = v < 0n ? (1n << BigInt(bytes * 8)) + v : v;
      out.push(tag);
      for (let i = 0; i < bytes; i++) {
        out.push(Number(u & 0xffn));
        u >>= 8n;
      }
    }
  } else {
    const n = s.length;
    if (n < 64) out.push(0x80 | n);
    else if (n < 4096) out.push(0xe0 | (n >> 8), n & 0xff);
    else out.push(0xf0, n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff);
    for (let i = 0; i < n; i++) out.push(s.charCodeAt(i));
  }
  const l = out.length - start;
  const b = backlenBytes(l);
  for (let i = b - 1; i >= 0; i--) {
    const seven = Math.floor(l / 2 ** (7 * i)) & 127;
    out.push(i === b - 1 ? seven : seven | 128);
  }
}

/** The listpack bytes holding `strings` in order. */
export function encodeListpack(strings: readonly string[]): Buffer {
  const body: number[] = [];
  for (const s of strings) lpEncodeEntry(body, s);
  const total = lpHeaderBytes + body.length + 1;
  const out = Buffer.allocUnsafe(total);
  out.writeUInt32LE(total, 0);
  out.writeUInt16LE(strings.length < 65535 ? strings.length : 65535, 4);
  for (let i = 0; i < body.length; i++) out[lpHeaderBytes + i] = body[i]!;
  out[total - 1] = lpEnd;
  return out;
}

/** The strings of a listpack (integers in decimal); throws RdbFormatError if malformed. */
export function decodeListpack(buf: Buffer): string[] {
  const bad = (why: string): never => {
    throw new RdbFormatError(`listpack: ${why}`);
  };
  if (buf.length < lpHeaderBytes + 1 || buf.readUInt32LE(0) !== buf.length) bad('bad size');
  const count = buf.readUInt16LE(4);
  const out: string[] = [];
  let p = lpHeaderBytes;
  const need = (n: number): void => {
    if (p + n > buf.length - 1) bad('entry past the end');
  };
  while (p < buf.length - 1) {
    const start = p;
    const b = buf[p]!;
    if (b < 0x80) {
      out.push(String(b));
      p += 1;
    } else if ((b & 0xc0) === 0x80) {
      const n = b & 0x3f;
      need(1 + n);
      out.push(buf.latin1Slice(p + 1, p + 1 + n));
      p += 1 + n;
    } else if ((b & 0xe0) === 0xc0) {
      need(2);
      let u = ((b & 0x1f) << 8) | buf[p + 1]!;
      if (u >= 4096) u -= 8192;
      out.push(String(u));
      p += 2;
    } else if ((b & 0xf0) === 0xe0) {
      need(2);
      const n = ((b & 0x0f) << 8) | buf[p + 1]!;
      need(2 + n);
      out.push(buf.latin1Slice(p + 2, p + 2 + n));
      p += 2 + n;
    } else if (b === 0xf0) {
      need(5);
      const n = buf.readUInt32LE(p + 1);
      need(5 + n);
      out.push(buf.latin1Slice(p + 5, p + 5 + n));
      p += 5 + n;
    } else if (b >= 0xf1 && b <= 0xf4) {
      const bytes = [2, 3, 4, 8][b - 0xf1]!;
      need(1 + bytes);
      let u = 0n;
      for (let i = bytes - 1; i >= 0; i--) u = (u << 8n) | BigInt(buf[p + 1 + i]!);
      const bits = BigInt(bytes * 8);
      if (u >= 1n << (bits - 1n)) u -= 1n << bits;
      out.push(u.toString());
      p += 1 + bytes;
    } else {
      bad('unknown entry encoding');
    }
    // The backlen must state this entry's size.
    const l = p - start;
    const bl = backlenBytes(l);
    need(bl);
    let stated = 0;
    for (let i = 0; i < bl; i++) stated = stated * 128 + (buf[p + i]! & 127);
    if (stated !== l) bad('bad backlen');
    p += bl;
  }
  if (p !== buf.length - 1 || buf[p] !== lpEnd) bad('missing end');
  if (count !== 65535 && count !== out.length) bad('bad element count');
  return out;
}

// --- DUMP / RESTORE (rdb.c's hash cases) ------------------------------------------------------
//
// A listpack hash is saved as RDB_TYPE_HASH_LISTPACK (its listpack bytes), a hashtable as
// RDB_TYPE_HASH (count, then field and value strings, in KeelDB's table order). Loading
// applies Redis 7.0's defaults for the encoding thresholds: the loader does not see the
// engine's Config (dump.ts's loader signature), so a RESTORE under a lowered
// hash-max-listpack-* keeps a listpack until the next write converts it.

const defaultLimits: HashLimits = { hashMaxListpackEntries: 512, hashMaxListpackValue: 64 };

registerRdbSaver('hash', (w: RdbWriter, value: RObject): number => {
  const h = value as RHash;
  const lp = h.listpackStrings();
  if (lp !== null) {
    w.blob(encodeListpack(lp));
    return RdbType.hashListpack;
  }
  w.len(h.size);
  for (let i = 0; i < h.size; i++) {
    w.string(h.fieldAt(i));
    w.string(h.valueAt(i));
  }
  return RdbType.hash;
});

registerRdbLoader(RdbType.hash, (r: RdbReader): RHash => {
  const n = r.len();
  if (n === 0) throw new RdbFormatError('empty hash');
  const h = new RHash();
  if (n > defaultLimits.hashMaxListpackEntries) h.toHashtable();
  for (let i = 0; i < n; i++) {
    const f = r.string();
    const v = r.string();
    if (h.has(f)) throw new RdbFormatError('duplicate hash field');
    h.set(f, v, defaultLimits);
  }
  return h;
});

registerRdbLoader(RdbType.hashListpack, (r: RdbReader): RHash => {
  const strings = decodeListpack(r.blob());
  if (strings.length === 0 || strings.length % 2 !== 0) throw new RdbFormatError('bad hash listpack');
  const seen = new Set<string>();
  for (let i = 0; i < strings.length; i += 2) {
    if (seen.has(strings[i]!)) throw new RdbFormatError('duplicate hash field');
    seen.add(strings[i]!);
  }
  const h = RHash.fromListpack(strings);
  if (h.size > defaultLimits.hashMaxListpackEntries) h.toHashtable();
  return h;
});
