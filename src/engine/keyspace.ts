// The keyspace: 16 databases of keys with optional expiry (engine worker). Redis's db.c.
//
// Values: a Redis string is either a slab handle (a small integer naming its bytes in
// the StringSlab, src/engine/string-slab.ts: off the V8 heap, no object per value) or a
// JS string in which every char is one byte (latin1); other types are objects that
// extend RObject (one module per type, e.g. src/engine/types/t_list.ts). Keys are latin1
// strings.
//
// Handles are the stored form only: the write fast paths (SET, MSET, SETEX...) store
// one through setBytes, and the read fast paths (GET, MGET, STRLEN, TYPE) read one
// through lookupStored/peekStored (GET: lookupStoredBytes, by the key's bytes) with the
// slab's accessors. Every other reader goes
// through lookup/peek/lookupBytes/valueOf, which MATERIALISE the value: the handle
// becomes its latin1 string in the dict and is freed, so the rest of the engine only
// ever sees string | RObject, exactly as before the slab. Db owns the handles: every
// path that replaces or removes a value (set, overwrite, delete, expiry, flush) frees
// the old handle, exactly once; SWAPDB moves them (the slab is per Keyspace). A handle
// stored through setBytes keeps a copy of its key's bytes beside the value (when short
// enough): lookups by a request's key bytes compare that copy, in the value's own cache
// line, instead of the dict's key string; a handle therefore never moves to another key
// (RENAME, COPY, MOVE go through the materialised string).
//
// Expiry is lazy (every lookup checks) and active (Keyspace.activeExpireCycle samples
// keys with a TTL). Either way an expired key is deleted and reported through
// `hooks.expired`, which the engine turns into a DEL effect on the write path, as
// Redis propagates a DEL.
//
// Every mutation goes through Db so that `hooks.modified` (WATCH, later client-side
// caching) and the dirty counter (which tells the write path a command changed
// something) cannot be forgotten by a handler.
//
// In-place string writes (SETBIT, BITFIELD on big values) go to a StringBuffer
// (string-buffer.ts) kept beside the dict: the dict's string is rebuilt from it lazily,
// by the next lookup/peek of that key or any read through `dict`, which also frees the
// buffer (it lives only through a run of writes), so a run of writes costs O(1) each
// instead of O(n). Any other write to the key drops its buffer.
//
// Invariants: a key in `expires` is in `dict`; expiry times are absolute unix ms; a key
// with a StringBuffer holds a string in `dict` (out of date while the buffer is stale).

import { assert } from '../assert.js';
import { DenseDict } from './dense-dict.js';
import { lfuNewStamp, lfuTouch } from './lfu.js';
import type { SdsSize } from './sds-size.js';
import { StringBuffer } from './string-buffer.js';
import { StringSlab } from './string-slab.js';
import { activeExpireSampleCount, databaseCount } from '../limits.js';

export type RType = 'string' | 'list' | 'set' | 'zset' | 'hash' | 'stream';

/** Base of every non-string value type. */
export abstract class RObject {
  abstract readonly type: Exclude<RType, 'string'>;
  /** Redis's OBJECT ENCODING name for the current representation. */
  abstract encoding(): string;
  /** A deep copy (COPY). */
  abstract clone(): RObject;
}

export type RValue = string | RObject;
/** A value as the dict stores it: a number is a StringSlab handle (a string value). */
export type StoredValue = RValue | number;

export function typeOf(v: StoredValue): RType {
  return typeof v === 'object' ? v.type : 'string';
}

export interface KeyspaceHooks {
  /** A key's value or TTL changed, or it was deleted (Redis's signalModifiedKey). */
  modified(db: number, key: string): void;
  /** A key was deleted because it expired; the engine logs a DEL for it. */
  expired(db: number, key: string): void;
  /**
   * Whether anyone would use `modified`'s key names now (WATCH, blocked clients, client
   * tracking): when not, a write may skip making the key's string (Db.overwriteBytes).
   * Absent: always.
   */
  keyNamesWanted?(): boolean;
  /**
   * Databases a and b are about to swap contents (SWAPDB). `modified` is called for
   * every key each holds as well; this is for what a key-by-key signal cannot say (a
   * WATCHed key that only the other database holds: Redis's touchAllWatchedKeysInDb).
   */
  swapping?(a: number, b: number): void;
}

export class Db {
  /**
   * Values, with each key's last access time (unix ms) as its stamp (OBJECT IDLETIME). A
   * lookup warms a candidate's slab slot before comparing its key (DenseDict's `warm`).
   */
  private readonly table = new DenseDict<StoredValue>({
    stamps: true,
    warm: (v) => {
      if (typeof v === 'number') this.keyspace.slab.warm(v);
    },
    // A slab value keeps its key's bytes beside it (string-slab.ts): a lookup by bytes
    // compares them there, in the line it reads the value from.
    matchBytes: (v, key) => (typeof v === 'number' ? this.keyspace.slab.keyMatch(v, key) : -1),
    prefetchValue: (v) => typeof v === 'number' && this.keyspace.slab.warmAll(v),
  });
  /** Write buffers of strings changed in place, by key (usually empty). */
  private readonly stringBuffers = new Map<string, StringBuffer>();
  /** key -> absolute expiry time, unix ms. */
  readonly expires = new DenseDict<number>();
  /**
   * Keys whose string Redis would report as 'raw' whatever its bytes: APPEND to an
   * existing key and SETRANGE build the value in place (Redis's dbUnshareStringValue).
   * Any other write replaces the value and drops the mark. Usually empty. The value is
   * the sds size Redis would have grown the string to (SETBIT/BITFIELD growth, for
   * MEMORY USAGE), or null when it is what sdsnewlen makes for the current length.
   */
  private readonly rawStrings = new Map<string, SdsSize | null>();

  constructor(
    readonly index: number,
    private readonly keyspace: Keyspace,
  ) {}

  /**
   * The key table, every string current (pending in-place writes are settled first).
   * Values may be slab handles: read them through valueOf / stringOf.
   */
  get dict(): DenseDict<StoredValue> {
    if (this.stringBuffers.size !== 0) this.settleAll();
    return this.table;
  }

  get size(): number {
    return this.table.size;
  }

  /** True if the key has a TTL that has passed at `nowMs`. Does not delete. */
  isExpired(key: string, nowMs: number): boolean {
    const at = this.expires.get(key);
    return at !== undefined && at <= nowMs;
  }

  /** Deletes the key if it has expired; returns true if it did. */
  expireIfNeeded(key: string, nowMs: number): boolean {
    if (!this.isExpired(key, nowMs)) return false;
    this.deleteKey(key);
    this.keyspace.hooks.expired(this.index, key);
    return true;
  }

  /**
   * The live value of key at `nowMs` (expired keys are deleted on the way); records the
   * access for OBJECT IDLETIME, as Redis's lookupKey does.
   */
  lookup(key: string, nowMs: number): RValue | undefined {
    const slot = this.liveSlot(key, nowMs, true);
    if (slot < 0) return undefined;
    const v = this.table.values[slot]!;
    return typeof v === 'number' ? this.materialise(slot, v) : v;
  }

  /**
   * The slot of key's live value at `nowMs`, or -1: an expired key is deleted on the way,
   * a pending in-place string write is settled, and `touch` records the access (LRU time
   * or LFU counter), as Redis's lookupKey does unless LOOKUP_NOTOUCH.
   */
  private liveSlot(key: string, nowMs: number, touch: boolean): number {
    if (this.expires.size > 0) this.expireIfNeeded(key, nowMs);
    const slot = this.table.slotOf(key);
    if (slot === undefined) return -1;
    if (touch) this.touch(slot, nowMs);
    if (this.stringBuffers.size !== 0) this.settle(key, slot);
    return slot;
  }

  /**
   * As lookup, but a string may come back as its slab handle (read it with
   * keyspace.slab): the fast paths' read, which builds no string.
   */
  lookupStored(key: string, nowMs: number): StoredValue | undefined {
    const slot = this.liveSlot(key, nowMs, true);
    return slot < 0 ? undefined : this.table.values[slot];
  }

  /** Touches the lookups of these keys ahead of them (DenseDict.prefetchKeys). */
  prefetchKeys(bytes: Uint8Array, starts: Int32Array, lengths: Int32Array, n: number): void {
    this.table.prefetchKeys(bytes, starts, lengths, n);
  }

  /**
   * As lookupStored, for a key given as its bytes (a request's argument): no key string
   * is made unless the key must be deleted (expired) or settled (an in-place write).
   */
  lookupStoredBytes(key: Buffer, nowMs: number): StoredValue | undefined {
    if (this.stringBuffers.size !== 0) return this.lookupStored(key.latin1Slice(0, key.length), nowMs);
    if (this.expires.size > 0) {
      const e = this.expires.slotOfBytes(key);
      if (e >= 0 && this.expires.values[e]! <= nowMs) return this.lookupStored(key.latin1Slice(0, key.length), nowMs);
    }
    const slot = this.table.slotOfBytes(key);
    if (slot < 0) return undefined;
    this.touch(slot, nowMs);
    return this.table.values[slot];
  }

  /** Records an access to the key in slot (LRU time or LFU counter), as Redis's lookupKey. */
  private touch(slot: number, nowMs: number): void {
    const stamps = this.table.stamps!;
    stamps[slot] = this.keyspace.access.lfu ? lfuTouch(stamps[slot]!, nowMs, this.keyspace.random) : nowMs;
  }

  /** As peek, but a string may come back as its slab handle (TYPE, STRLEN-like reads). */
  peekStored(key: string, nowMs: number): StoredValue | undefined {
    const slot = this.liveSlot(key, nowMs, false);
    return slot < 0 ? undefined : this.table.values[slot];
  }

  /**
   * Key's value without any expiry check or access record (MEMORY USAGE reads the dict
   * directly, as Redis does), materialised.
   */
  valueNoExpire(key: string): RValue | undefined {
    const slot = this.dict.slotOf(key);
    if (slot === undefined) return undefined;
    const v = this.table.values[slot]!;
    return typeof v === 'number' ? this.materialise(slot, v) : v;
  }

  /** A stored value as string | RObject, without changing the dict (digest, iteration). */
  valueOf(v: StoredValue): RValue {
    return typeof v === 'number' ? this.keyspace.slab.latin1(v) : v;
  }

  /** Replaces the handle in slot by its latin1 string and frees it; returns the string. */
  private materialise(slot: number, handle: number): string {
    const s = this.keyspace.slab.latin1(handle);
    this.table.values[slot] = s;
    this.keyspace.slab.free(handle);
    return s;
  }

  /** As lookup, without recording an access (Redis's LOOKUP_NOTOUCH: TYPE, TTL, OBJECT...). */
  peek(key: string, nowMs: number): RValue | undefined {
    const slot = this.liveSlot(key, nowMs, false);
    if (slot < 0) return undefined;
    const v = this.table.values[slot]!;
    return typeof v === 'number' ? this.materialise(slot, v) : v;
  }

  /**
   * As lookup, for commands that read or write a string's bytes in place: a string with
   * a write buffer comes back as its StringBuffer, without rebuilding the string.
   */
  lookupBytes(key: string, nowMs: number): RValue | StringBuffer | undefined {
    if (this.stringBuffers.size === 0) return this.lookup(key, nowMs);
    if (this.expires.size > 0) this.expireIfNeeded(key, nowMs);
    const slot = this.table.slotOf(key);
    if (slot === undefined) return undefined;
    this.touch(slot, nowMs);
    const sb = this.stringBuffers.get(key);
    if (sb !== undefined) return sb;
    const v = this.table.values[slot]!;
    return typeof v === 'number' ? this.materialise(slot, v) : v;
  }

  /** The write buffer of key's string, made from the current value (one O(n) copy) if new. */
  stringBuffer(key: string): StringBuffer {
    let sb = this.stringBuffers.get(key);
    if (sb === undefined) {
      const slot = this.table.slotOf(key);
      assert(slot !== undefined, 'string buffer of a missing key');
      let v = this.table.values[slot]!;
      if (typeof v === 'number') v = this.materialise(slot, v);
      assert(typeof v === 'string', 'string buffer of a non-string key');
      sb = StringBuffer.from(v);
      this.stringBuffers.set(key, sb);
    }
    return sb;
  }

  /**
   * Records a write into key's string buffer: the dict's string is now stale, the key
   * reads as 'raw' (built in place), and the change is signalled and counted as dirty.
   */
  stringBufferWritten(key: string): void {
    const sb = this.stringBuffers.get(key);
    const slot = this.table.slotOf(key);
    assert(sb !== undefined && slot !== undefined, 'write to a missing string buffer');
    sb.stale = true;
    this.table.stamps![slot] = this.newStamp(key);
    if (!this.rawStrings.has(key)) this.rawStrings.set(key, null);
    this.touched(key);
  }

  /** Rebuilds key's string from its buffer if the buffer is newer, and frees the buffer. */
  private settle(key: string, slot: number): void {
    const sb = this.stringBuffers.get(key);
    if (sb === undefined) return;
    if (sb.stale) {
      assert(typeof this.table.values[slot] === 'string', 'a string buffer over a slab handle');
      this.table.values[slot] = sb.toLatin1();
    }
    this.stringBuffers.delete(key);
  }

  private settleAll(): void {
    for (const key of [...this.stringBuffers.keys()]) this.settle(key, this.table.slotOf(key)!);
  }

  /** Forgets key's write buffer (its value is being replaced or deleted). */
  private dropStringBuffer(key: string): void {
    this.stringBuffers.delete(key);
  }

  /** Forgets every write buffer, settling them first (SWAPDB moves the strings). */
  dropStringBuffers(): void {
    this.settleAll();
  }

  /**
   * The access stamp a write gives key: now (LRU), or under LFU a new key's initial
   * counter while an existing key keeps its own (Redis's dbOverwrite keeps the LFU data).
   */
  private newStamp(key: string): number {
    if (!this.keyspace.access.lfu) return this.keyspace.clockMs;
    const slot = this.table.slotOf(key);
    return slot === undefined ? lfuNewStamp(this.keyspace.clockMs) : this.table.stamps![slot]!;
  }

  /** The key's raw access stamp (last access ms, or LFU data under an LFU policy). */
  accessStamp(key: string): number | undefined {
    const slot = this.table.slotOf(key);
    return slot === undefined ? undefined : this.table.stamps![slot];
  }

  /** Unix ms of the key's last access, or undefined for a missing key. */
  lastAccessMs(key: string): number | undefined {
    const slot = this.table.slotOf(key);
    return slot === undefined ? undefined : this.table.stamps![slot];
  }

  /** Sets the key's last access time (RESTORE ... IDLETIME). */
  setLastAccessMs(key: string, atMs: number): void {
    const slot = this.table.slotOf(key);
    assert(slot !== undefined, 'access time of a missing key');
    this.table.stamps![slot] = atMs;
  }

  exists(key: string, nowMs: number): boolean {
    return this.lookupStored(key, nowMs) !== undefined;
  }

  /**
   * Sets key to value (Redis's setKey): the TTL is removed unless `keepTtl`.
   * Signals the modification and counts one dirty change.
   */
  set(key: string, value: RValue, keepTtl = false): void {
    this.store(key, value);
    if (this.rawStrings.size !== 0) this.rawStrings.delete(key);
    if (this.stringBuffers.size !== 0) this.dropStringBuffer(key);
    if (!keepTtl) this.expires.delete(key);
    this.touched(key);
  }

  /**
   * As set, with a string value given as bytes (SET, MSET, SETEX...): a value short
   * enough goes to the slab (no JS string made), a longer one becomes a latin1 string.
   */
  setBytes(key: string, bytes: Buffer, keepTtl = false): void {
    const slot = this.table.slotOf(key);
    const old = slot === undefined ? undefined : this.table.values[slot];
    if (typeof old === 'number' && this.keyspace.slab.overwrite(old, bytes)) {
      // The same size class: written in place, the handle kept (as store stamps a write).
      if (!this.keyspace.access.lfu) this.table.stamps![slot!] = this.keyspace.clockMs;
    } else {
      const handle = this.keyspace.slab.alloc(bytes, 0, bytes.length, key);
      this.storeAt(slot, key, handle >= 0 ? handle : bytes.latin1Slice(0, bytes.length));
    }
    if (this.rawStrings.size !== 0) this.rawStrings.delete(key);
    if (this.stringBuffers.size !== 0) this.dropStringBuffer(key);
    if (!keepTtl) this.expires.delete(key);
    this.touched(key);
  }

  /**
   * SET key value's fast path, by the key's bytes: when key holds a slab value of the
   * new value's size class, has no TTL, and nobody wants modified keys' names, the value
   * is overwritten in place, stamped and counted as setBytes would, and no key string is
   * made (its latin1Slice and garbage were ~5% of the engine's CPU per SET). Returns
   * false, with nothing changed, otherwise: the caller takes the general path.
   */
  overwriteBytes(key: Buffer, bytes: Buffer): boolean {
    if (this.stringBuffers.size !== 0 || this.rawStrings.size !== 0) return false;
    const hooks = this.keyspace.hooks;
    if (hooks.keyNamesWanted === undefined || hooks.keyNamesWanted()) return false;
    // A TTL is removed by name (and an expired key deleted first, by name).
    if (this.expires.size !== 0 && this.expires.slotOfBytes(key) >= 0) return false;
    const slot = this.table.slotOfBytes(key);
    if (slot < 0) return false;
    const old = this.table.values[slot];
    if (typeof old !== 'number' || !this.keyspace.slab.overwrite(old, bytes)) return false;
    if (!this.keyspace.access.lfu) this.table.stamps![slot] = this.keyspace.clockMs;
    this.keyspace.dirty++;
    return true;
  }

  /** Stores value for key with a write's access stamp, freeing the handle it replaces. */
  private store(key: string, value: StoredValue): void {
    this.storeAt(this.table.slotOf(key), key, value);
  }

  /** As store, with key's slot (undefined: a new key) already looked up. */
  private storeAt(slot: number | undefined, key: string, value: StoredValue): void {
    if (slot === undefined) {
      this.table.set(key, value, this.keyspace.access.lfu ? lfuNewStamp(this.keyspace.clockMs) : this.keyspace.clockMs);
      return;
    }
    const old = this.table.values[slot]!;
    if (typeof old === 'number') this.keyspace.slab.free(old);
    this.table.values[slot] = value;
    // Under LFU an existing key keeps its counter (Redis's dbOverwrite keeps the LFU data).
    if (!this.keyspace.access.lfu) this.table.stamps![slot] = this.keyspace.clockMs;
  }

  /** Replaces the value of an existing key in place, keeping its TTL (e.g. APPEND, INCR). */
  overwrite(key: string, value: RValue): void {
    assert(this.table.has(key), 'overwrite of a missing key');
    this.store(key, value);
    if (this.rawStrings.size !== 0) this.rawStrings.delete(key);
    if (this.stringBuffers.size !== 0) this.dropStringBuffer(key);
    this.touched(key);
  }

  /** Deletes key with its TTL; returns true if it existed. Signals and counts. */
  delete(key: string): boolean {
    if (!this.deleteKey(key)) return false;
    this.touched(key);
    return true;
  }

  /** Sets an absolute expiry (unix ms) on an existing key. */
  setExpire(key: string, atMs: number): void {
    assert(this.table.has(key), 'expire on a missing key');
    this.expires.set(key, atMs);
    this.touched(key);
  }

  /** The key's absolute expiry in unix ms, or -1 if it has none. */
  getExpire(key: string): number {
    return this.expires.get(key) ?? -1;
  }

  /** Removes the TTL; returns true if there was one. */
  persist(key: string): boolean {
    if (!this.expires.delete(key)) return false;
    this.touched(key);
    return true;
  }

  /** Removes every key, signalling each (FLUSHDB); returns how many there were. */
  flush(): number {
    const removed = this.table.size;
    for (const key of this.table.keys) this.keyspace.hooks.modified(this.index, key);
    this.freeHandles();
    this.table.clear();
    this.expires.clear();
    this.rawStrings.clear();
    this.stringBuffers.clear();
    if (removed > 0) this.keyspace.dirty += removed;
    return removed;
  }

  /** Records that key's string was built in place (APPEND/SETRANGE): OBJECT ENCODING says 'raw'. */
  markRawString(key: string): void {
    if (!this.rawStrings.has(key)) this.rawStrings.set(key, null);
  }

  isRawString(key: string): boolean {
    return this.rawStrings.size !== 0 && this.rawStrings.has(key);
  }

  /** The grown sds size of a 'raw' string (null: as sdsnewlen makes it), undefined if not raw. */
  rawStringSize(key: string): SdsSize | null | undefined {
    return this.rawStrings.size === 0 ? undefined : this.rawStrings.get(key);
  }

  /**
   * Gives `to` this db's raw-string marks (SWAPDB moves whole contents): what `to` had
   * is dropped, as its keys are.
   */
  moveRawStringMarksTo(to: Db): void {
    to.rawStrings.clear();
    for (const [key, size] of this.rawStrings) to.rawStrings.set(key, size);
    this.rawStrings.clear();
  }

  /** Marks key's string 'raw' with the sds size Redis grew it to (SETBIT/BITFIELD growth). */
  setRawStringSize(key: string, size: SdsSize): void {
    assert(this.table.has(key), 'raw string size of a missing key');
    this.rawStrings.set(key, size);
  }

  /** Marks key modified after an in-place change to an RObject value (e.g. RPUSH). */
  touched(key: string): void {
    this.keyspace.dirty++;
    this.keyspace.hooks.modified(this.index, key);
  }

  /** Frees every slab handle in the dict (its values are about to be dropped). */
  private freeHandles(): void {
    const values = this.table.values;
    const slab = this.keyspace.slab;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (typeof v === 'number') slab.free(v);
    }
  }

  private deleteKey(key: string): boolean {
    const slot = this.table.slotOf(key);
    if (slot === undefined) return false;
    const old = this.table.values[slot]!;
    if (typeof old === 'number') this.keyspace.slab.free(old);
    this.table.delete(key);
    this.expires.delete(key);
    if (this.rawStrings.size !== 0) this.rawStrings.delete(key);
    if (this.stringBuffers.size !== 0) this.dropStringBuffer(key);
    return true;
  }
}

export class Keyspace {
  readonly dbs: Db[] = [];
  /** Count of changes since start: a command that raised it is a write to log. */
  dirty = 0;
  /** The current command's time (unix ms), set by the engine: new and written keys' access time. */
  clockMs = 0;
  /** Shared with Config (maxmemory-policy): whether access stamps hold LFU data. */
  access: { lfu: boolean } = { lfu: false };
  /** The bytes of every database's slab-held string values (handles are per Keyspace). */
  readonly slab = new StringSlab();
  /** Active expiry resumes where it left off, as Redis's current_db. */
  private expireCursorDb = 0;

  constructor(
    readonly hooks: KeyspaceHooks,
    readonly random: () => number,
  ) {
    for (let i = 0; i < databaseCount; i++) this.dbs.push(new Db(i, this));
  }

  db(index: number): Db {
    const db = this.dbs[index];
    assert(db !== undefined, `database index ${index} out of range`);
    return db;
  }

  /** Exchanges two databases' contents (SWAPDB); clients keep their index. */
  swap(a: number, b: number): void {
    const dbA = this.db(a);
    const dbB = this.db(b);
    this.hooks.swapping?.(a, b);
    for (const k of dbA.dict.keys) this.hooks.modified(a, k);
    for (const k of dbB.dict.keys) this.hooks.modified(b, k);
    const tmpA = new Db(a, this);
    moveContents(dbA, tmpA);
    moveContents(dbB, dbA);
    moveContents(tmpA, dbB);
    this.dirty++;
  }

  /**
   * Active expiry (Redis's activeExpireCycle, simplified): samples keys with a TTL in
   * each database and deletes the expired ones, repeating in a database while more
   * than a quarter of a sample was expired, until `deadlineMs` (checked every loop).
   * Returns the number of keys deleted.
   */
  activeExpireCycle(nowMs: number, deadlineMs: number, clock: () => number): number {
    let deleted = 0;
    for (let n = 0; n < this.dbs.length; n++) {
      const db = this.dbs[(this.expireCursorDb + n) % this.dbs.length]!;
      for (;;) {
        const sample = Math.min(activeExpireSampleCount, db.expires.size);
        if (sample === 0) break;
        let expired = 0;
        for (let i = 0; i < sample; i++) {
          const slot = db.expires.randomSlot(this.random);
          if (slot < 0) break;
          const key = db.expires.keys[slot]!;
          if (db.expireIfNeeded(key, nowMs)) expired++;
        }
        deleted += expired;
        if (expired * 4 <= sample) break;
        if (clock() >= deadlineMs) {
          this.expireCursorDb = (this.expireCursorDb + n) % this.dbs.length;
          return deleted;
        }
      }
    }
    return deleted;
  }
}

/** Moves every key of `from` (empty afterwards) into `to`, which must be empty; handles move with them. */
function moveContents(from: Db, to: Db): void {
  from.dropStringBuffers();
  to.dropStringBuffers();
  assert(to.dict.size === 0 && to.expires.size === 0, 'SWAPDB moves into an empty db');
  const keys = from.dict.keys;
  const values = from.dict.values;
  const stamps = from.dict.stamps!;
  for (let i = 0; i < keys.length; i++) to.dict.set(keys[i]!, values[i]!, stamps[i]!);
  const ek = from.expires.keys;
  const ev = from.expires.values;
  for (let i = 0; i < ek.length; i++) to.expires.set(ek[i]!, ev[i]!);
  from.moveRawStringMarksTo(to);
  from.dict.clear();
  from.expires.clear();
}
