// The stream type (engine worker): Redis 7.0's t_stream.c data structure, apart from its
// command handlers (src/engine/commands/streams.ts).
//
// Encoding. Redis keeps a stream as a radix tree of listpack nodes; each node holds up
// to stream-node-max-entries (default 100) entries and about stream-node-max-bytes
// (default 4096) of listpack, keyed by its first ("master") entry id; XADD passes the
// CONFIG values current when it appends (a node keeps the cut it was made with). We keep the same nodes, because
// they are visible: `MAXLEN ~`/`MINID ~` trim only whole nodes, and XINFO STREAM
// reports radix-tree-keys. A node here is a sorted array of its live entries (ids and
// field/value arrays) plus its tombstones (entries XDEL or an exact trim marked deleted,
// which Redis keeps in the listpack until the whole node goes) and the listpack's byte
// size, computed exactly as listpack.c would lay it out, so that the decision to open a
// new node is Redis's and DUMP can write the listpack Redis would hold
// (src/engine/types/stream-rdb.ts).
//
// Ids are one bigint: ms << 64 | seq (both unsigned 64-bit), so comparing ids is one
// bigint comparison. Range reads binary-search the node array then the node: O(log n).
//
// Consumer groups: a Map by name (replies sort names by bytes, as Redis's rax order), a
// group PEL and per-consumer PELs as sorted id maps sharing Nack objects.
//
// Invariants: nodes are in id order and disjoint; every node has >= 1 entry, and >= 1
// live entry except one an exact trim emptied (Redis's streamTrim keeps such a node:
// its entries stay in the listpack, marked deleted, until a later trim drops the node;
// XDEL drops a node as its last live entry goes); `length` is the sum of live entries; lastId >= every entry id; a Nack is in its
// group's PEL and in exactly its consumer's PEL.

import { assert } from '../../assert.js';
import { RObject } from '../keyspace.js';
import { streamNodeBytesMax, streamNodeEntriesMax } from '../../limits.js';
import { string2ll } from '../args.js';

/** Redis's STREAM_LISTPACK_MAX_SIZE: the byte bound of a node whatever stream-node-max-bytes says. */
const streamListpackBytesMax = 1 << 30;

export const u64Max = (1n << 64n) - 1n;
export const idMax = (1n << 128n) - 1n;
const seqMask = u64Max;

export const makeId = (ms: bigint, seq: bigint): bigint => (ms << 64n) | seq;
export const idMs = (id: bigint): bigint => id >> 64n;
export const idSeq = (id: bigint): bigint => id & seqMask;
export function formatId(id: bigint): string {
  return `${id >> 64n}-${id & seqMask}`;
}

/** Sentinel of Redis's SCG_INVALID_ENTRIES_READ. */
export const invalidEntriesRead = -1;

// --- Listpack sizes (listpack.c), to decide node boundaries as Redis does ----------------

function lpIntBytes(v: bigint | number): number {
  const n = typeof v === 'bigint' ? v : BigInt(v);
  if (n >= 0n && n <= 127n) return 1;
  if (n >= -4096n && n <= 4095n) return 2;
  if (n >= -32768n && n <= 32767n) return 3;
  if (n >= -8388608n && n <= 8388607n) return 4;
  if (n >= -2147483648n && n <= 2147483647n) return 5;
  return 9;
}

/** lpEncodeBacklen's size (its thresholds are one below the powers of 128). */
function lpBacklenBytes(l: number): number {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

/** Bytes of one listpack element holding integer `v`. */
function lpIntEntryBytes(v: bigint | number): number {
  const l = lpIntBytes(v);
  return l + lpBacklenBytes(l);
}

/** Bytes of one listpack element holding string `s` (int-encoded when it spells an int64). */
function lpStringEntryBytes(s: string): number {
  if (s.length > 0 && s.length <= 20) {
    const v = string2ll(s);
    if (v !== null) return lpIntEntryBytes(v);
  }
  const n = s.length;
  const l = n < 64 ? 1 + n : n < 4096 ? 2 + n : 5 + n;
  return l + lpBacklenBytes(l);
}

/** An int64 difference as the listpack stores it (C's wrap-around of uint64 subtraction). */
function asInt64(v: bigint): bigint {
  return BigInt.asIntN(64, v);
}

export class StreamNode {
  /** Live entries, in id order. */
  readonly ids: bigint[] = [];
  readonly fvs: string[][] = [];
  /**
   * Entries marked deleted (XDEL, exact trim), in id order: Redis keeps them in the
   * listpack with the deleted flag, and DUMP writes them (src/engine/types/stream-rdb.ts).
   */
  readonly tombIds: bigint[] = [];
  readonly tombFvs: string[][] = [];
  /** The id of the last entry ever appended (tombstones included). */
  lastAnyId: bigint;
  /** The listpack's byte size as Redis would have it. */
  bytes: number;

  constructor(
    readonly masterId: bigint,
    readonly masterFields: readonly string[],
  ) {
    this.lastAnyId = masterId;
    // lpNew (6 header + 1 end), count, deleted, num-fields, the fields, the 0 terminator.
    let b = 7 + lpIntEntryBytes(1) + lpIntEntryBytes(0) + lpIntEntryBytes(masterFields.length) + lpIntEntryBytes(0);
    for (const f of masterFields) b += lpStringEntryBytes(f);
    this.bytes = b;
  }

  get live(): number {
    return this.ids.length;
  }

  /** Entries marked deleted (still in Redis's listpack). */
  get deleted(): number {
    return this.tombIds.length;
  }

  sameFields(fv: readonly string[]): boolean {
    const m = this.masterFields;
    if (fv.length !== m.length * 2) return false;
    for (let i = 0; i < m.length; i++) if (fv[i * 2] !== m[i]) return false;
    return true;
  }

  /** Appends an entry (id above every id here), growing `bytes` as lpAppend would. */
  append(id: bigint, fv: string[]): void {
    const same = this.ids.length + this.deleted === 0 || this.sameFields(fv);
    const numfields = fv.length / 2;
    let b = lpIntEntryBytes(same ? 2 : 0);
    b += lpIntEntryBytes(asInt64(idMs(id) - idMs(this.masterId)));
    b += lpIntEntryBytes(asInt64(idSeq(id) - idSeq(this.masterId)));
    if (!same) b += lpIntEntryBytes(numfields);
    for (let i = 0; i < numfields; i++) {
      if (!same) b += lpStringEntryBytes(fv[i * 2]!);
      b += lpStringEntryBytes(fv[i * 2 + 1]!);
    }
    b += lpIntEntryBytes(numfields + 3 + (same ? 0 : numfields + 1));
    // The live count grows by one: its integer may need a wider encoding.
    const count = this.ids.length;
    if (this.ids.length + this.deleted > 0) b += lpIntEntryBytes(count + 1) - lpIntEntryBytes(count);
    this.bytes += b;
    this.ids.push(id);
    this.fvs.push(fv);
    this.lastAnyId = id;
  }

  /** Marks the live entry at index i deleted (it moves to the tombstones, in id order). */
  removeAt(i: number): void {
    const count = this.ids.length;
    this.bytes += lpIntEntryBytes(count - 1) - lpIntEntryBytes(count) + lpIntEntryBytes(this.deleted + 1) - lpIntEntryBytes(this.deleted);
    const id = this.ids[i]!;
    const fv = this.fvs[i]!;
    this.ids.splice(i, 1);
    this.fvs.splice(i, 1);
    const t = this.tombIds;
    let lo = 0;
    let hi = t.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (t[mid]! < id) lo = mid + 1;
      else hi = mid;
    }
    t.splice(lo, 0, id);
    this.tombFvs.splice(lo, 0, fv);
  }

  /**
   * Adds an entry read from a DUMP payload's listpack (ids ascending, the caller
   * checked), live or deleted; the caller sets `bytes` and `lastAnyId` from the listpack.
   */
  loadEntry(id: bigint, fv: string[], deleted: boolean): void {
    if (deleted) {
      this.tombIds.push(id);
      this.tombFvs.push(fv);
    } else {
      this.ids.push(id);
      this.fvs.push(fv);
    }
  }

  /** Index of the first live id >= id (ids.length if none). */
  lowerBound(id: bigint): number {
    const ids = this.ids;
    let lo = 0;
    let hi = ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ids[mid]! < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  clone(): StreamNode {
    const n = new StreamNode(this.masterId, this.masterFields);
    n.ids.push(...this.ids);
    for (const fv of this.fvs) n.fvs.push(fv.slice());
    n.tombIds.push(...this.tombIds);
    for (const fv of this.tombFvs) n.tombFvs.push(fv.slice());
    n.lastAnyId = this.lastAnyId;
    n.bytes = this.bytes;
    return n;
  }
}

// --- Sorted id maps (PELs) ------------------------------------------------------------------

export class IdMap<V> {
  readonly keys: bigint[] = [];
  readonly values: V[] = [];

  get size(): number {
    return this.keys.length;
  }

  lowerBound(id: bigint): number {
    const ks = this.keys;
    let lo = 0;
    let hi = ks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ks[mid]! < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  get(id: bigint): V | undefined {
    const i = this.lowerBound(id);
    return i < this.keys.length && this.keys[i] === id ? this.values[i] : undefined;
  }

  /** Inserts or replaces; returns true if inserted. */
  set(id: bigint, v: V): boolean {
    const i = this.lowerBound(id);
    if (i < this.keys.length && this.keys[i] === id) {
      this.values[i] = v;
      return false;
    }
    this.keys.splice(i, 0, id);
    this.values.splice(i, 0, v);
    return true;
  }

  delete(id: bigint): boolean {
    const i = this.lowerBound(id);
    if (i < this.keys.length && this.keys[i] === id) {
      this.keys.splice(i, 1);
      this.values.splice(i, 1);
      return true;
    }
    return false;
  }
}

export class Consumer {
  readonly pel = new IdMap<Nack>();
  constructor(
    readonly name: string,
    /** Last time (unix ms) the consumer was seen by XREADGROUP/XCLAIM...: XINFO's idle. */
    public seenTime: number,
  ) {}
}

export class Nack {
  constructor(
    public consumer: Consumer,
    public deliveryTime: number,
    public deliveryCount: number,
  ) {}
}

export class ConsumerGroup {
  readonly pel = new IdMap<Nack>();
  readonly consumers = new Map<string, Consumer>();
  constructor(
    readonly name: string,
    public lastId: bigint,
    public entriesRead: number,
  ) {}

  /** Consumers in Redis's rax order (bytes). */
  sortedConsumers(): Consumer[] {
    return [...this.consumers.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  createConsumer(name: string, nowMs: number): Consumer {
    assert(!this.consumers.has(name), 'consumer created twice');
    const c = new Consumer(name, nowMs);
    this.consumers.set(name, c);
    return c;
  }

  /** Deletes a consumer and its pending entries; returns how many were pending. */
  deleteConsumer(c: Consumer): number {
    const n = c.pel.size;
    for (const id of c.pel.keys) this.pel.delete(id);
    this.consumers.delete(c.name);
    return n;
  }
}

/** What XADD/XTRIM's trim options say (streamAddTrimArgs). */
export interface TrimArgs {
  strategy: 'maxlen' | 'minid';
  maxlen: number;
  minid: bigint;
  approx: boolean;
  /** 0 = no limit. */
  limit: number;
}

export class RStream extends RObject {
  readonly type = 'stream' as const;
  nodes: StreamNode[] = [];
  length = 0;
  lastId = 0n;
  /** The first live entry's id (0-0 when empty): Redis 7.0's first_id. */
  firstId = 0n;
  maxDeletedId = 0n;
  entriesAdded = 0;
  readonly groups = new Map<string, ConsumerGroup>();

  encoding(): string {
    return 'stream';
  }

  sortedGroups(): ConsumerGroup[] {
    return [...this.groups.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * Appends an entry with an id above lastId (the caller checked), opening a new node as
   * 7.0's streamAppendItem does: when the last node's listpack bytes plus the new
   * fields' and values' bytes reach `nodeBytesMax` (0, or above 1 GB: 1 GB, Redis's
   * STREAM_LISTPACK_MAX_SIZE), or its entries, live and deleted, reach `nodeEntriesMax`
   * (0: no bound). The bounds are stream-node-max-bytes and -max-entries.
   */
  append(id: bigint, fv: string[], nodeBytesMax: number = streamNodeBytesMax, nodeEntriesMax: number = streamNodeEntriesMax): void {
    assert(id > this.lastId || (this.length === 0 && this.lastId === 0n && id > 0n), 'stream id must grow');
    let node = this.nodes.length > 0 ? this.nodes[this.nodes.length - 1]! : undefined;
    if (node !== undefined) {
      let totelelen = 0;
      for (const s of fv) totelelen += s.length;
      const bytesMax = nodeBytesMax === 0 || nodeBytesMax > streamListpackBytesMax ? streamListpackBytesMax : nodeBytesMax;
      if (node.bytes + totelelen >= bytesMax) node = undefined;
      else if (nodeEntriesMax !== 0 && node.live + node.deleted >= nodeEntriesMax) node = undefined;
    }
    if (node === undefined) {
      const fields: string[] = [];
      for (let i = 0; i < fv.length; i += 2) fields.push(fv[i]!);
      node = new StreamNode(id, fields);
      this.nodes.push(node);
    }
    node.append(id, fv);
    if (this.length === 0) this.firstId = id;
    this.length++;
    this.entriesAdded++;
    this.lastId = id;
  }

  /** Index of the node that would hold id (the last node whose master id <= id), or -1. */
  private nodeIndexFor(id: bigint): number {
    const nodes = this.nodes;
    let lo = 0;
    let hi = nodes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (nodes[mid]!.masterId <= id) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /** The field/value array of the entry with this id, or undefined. */
  get(id: bigint): string[] | undefined {
    const ni = this.nodeIndexFor(id);
    if (ni < 0) return undefined;
    const node = this.nodes[ni]!;
    const i = node.lowerBound(id);
    return i < node.ids.length && node.ids[i] === id ? node.fvs[i] : undefined;
  }

  /**
   * Calls fn for every live entry with start <= id <= end, ascending or descending,
   * until fn returns false.
   */
  range(start: bigint, end: bigint, rev: boolean, fn: (id: bigint, fv: string[]) => boolean): void {
    if (start > end || this.length === 0) return;
    const nodes = this.nodes;
    if (!rev) {
      let ni = Math.max(0, this.nodeIndexFor(start));
      for (; ni < nodes.length; ni++) {
        const node = nodes[ni]!;
        if (node.masterId > end) return;
        for (let i = node.lowerBound(start); i < node.ids.length; i++) {
          const id = node.ids[i]!;
          if (id > end) return;
          if (!fn(id, node.fvs[i]!)) return;
        }
      }
    } else {
      for (let ni = this.nodeIndexFor(end); ni >= 0; ni--) {
        const node = nodes[ni]!;
        let i = node.lowerBound(end);
        if (i === node.ids.length || node.ids[i]! > end) i--;
        for (; i >= 0; i--) {
          const id = node.ids[i]!;
          if (id < start) return;
          if (!fn(id, node.fvs[i]!)) return;
        }
      }
    }
  }

  /** The first (or last) live id, or undefined when empty (nodes an exact trim emptied are skipped). */
  edgeId(first: boolean): bigint | undefined {
    const nodes = this.nodes;
    if (first) {
      for (let ni = 0; ni < nodes.length; ni++) if (nodes[ni]!.live > 0) return nodes[ni]!.ids[0];
      return undefined;
    }
    for (let ni = nodes.length - 1; ni >= 0; ni--) {
      const node = nodes[ni]!;
      if (node.live > 0) return node.ids[node.live - 1];
    }
    return undefined;
  }

  /** Deletes one entry (XDEL); returns true if it existed. */
  delete(id: bigint): boolean {
    const ni = this.nodeIndexFor(id);
    if (ni < 0) return false;
    const node = this.nodes[ni]!;
    const i = node.lowerBound(id);
    if (i >= node.ids.length || node.ids[i] !== id) return false;
    if (node.live === 1) this.nodes.splice(ni, 1);
    else node.removeAt(i);
    this.length--;
    if (id > this.maxDeletedId) this.maxDeletedId = id;
    return true;
  }

  /** Recomputes firstId after deletions (Redis: streamGetEdgeID(s,1,1,&first_id)). */
  updateFirstId(): void {
    this.firstId = this.length === 0 ? 0n : this.edgeId(true)!;
  }

  /** streamTrim: returns how many entries were removed. */
  trim(args: TrimArgs): number {
    let deleted = 0;
    while (this.nodes.length > 0) {
      if (args.strategy === 'maxlen' && this.length <= args.maxlen) break;
      const node = this.nodes[0]!;
      const entries = node.live;
      if (args.limit !== 0 && deleted + entries > args.limit) break;
      const removeNode = args.strategy === 'maxlen' ? this.length - entries >= args.maxlen : node.lastAnyId < args.minid;
      if (removeNode) {
        this.nodes.shift();
        this.length -= entries;
        deleted += entries;
        continue;
      }
      if (args.approx) break;
      // Exact: mark entries deleted from the front of this node.
      while (node.live > 0) {
        if (args.strategy === 'maxlen') {
          if (this.length <= args.maxlen) break;
        } else if (node.ids[0]! >= args.minid) {
          break;
        }
        node.removeAt(0);
        this.length--;
        deleted++;
      }
      // A MINID trim can empty a node whose last entry (>= minid) was already deleted:
      // Redis keeps it (all tombstones) and so do we; the next trim that reaches it drops it.
      assert(node.live + node.deleted > 0, 'a stream node without entries');
      break;
    }
    this.updateFirstId();
    return deleted;
  }

  /** Redis's streamEstimateDistanceFromFirstEverEntry. */
  estimateDistance(id: bigint): number {
    if (this.entriesAdded === 0) return 0;
    if (this.length === 0 && id <= this.lastId) return this.entriesAdded;
    if (id === this.lastId) return this.entriesAdded;
    if (id > this.lastId) return invalidEntriesRead;
    if (this.maxDeletedId === 0n || this.maxDeletedId < this.firstId) {
      if (id < this.firstId) return this.entriesAdded - this.length;
      if (id === this.firstId) return this.entriesAdded - this.length + 1;
    }
    return invalidEntriesRead;
  }

  /** Redis's streamRangeHasTombstones(s, start, NULL-or-end). */
  rangeHasTombstones(start: bigint, end: bigint = idMax): boolean {
    if (this.length === 0 || this.maxDeletedId === 0n) return false;
    if (this.firstId > this.maxDeletedId) return false;
    return start <= this.maxDeletedId && this.maxDeletedId <= end;
  }

  /** Consumer group lag, or null when Redis replies null (streamReplyWithCGLag). */
  groupLag(g: ConsumerGroup): number | null {
    if (this.entriesAdded === 0) return 0;
    if (g.entriesRead !== invalidEntriesRead && !this.rangeHasTombstones(g.lastId)) return this.entriesAdded - g.entriesRead;
    const read = this.estimateDistance(g.lastId);
    if (read !== invalidEntriesRead) return this.entriesAdded - read;
    return null;
  }

  createGroup(name: string, lastId: bigint, entriesRead: number): ConsumerGroup {
    assert(!this.groups.has(name), 'group created twice');
    const g = new ConsumerGroup(name, lastId, entriesRead);
    this.groups.set(name, g);
    return g;
  }

  clone(): RStream {
    const s = new RStream();
    s.nodes = this.nodes.map((n) => n.clone());
    s.length = this.length;
    s.lastId = this.lastId;
    s.firstId = this.firstId;
    s.maxDeletedId = this.maxDeletedId;
    s.entriesAdded = this.entriesAdded;
    for (const g of this.groups.values()) {
      const cg = s.createGroup(g.name, g.lastId, g.entriesRead);
      for (const c of g.consumers.values()) {
        const cc = cg.createConsumer(c.name, c.seenTime);
        for (let i = 0; i < c.pel.keys.length; i++) {
          const n = c.pel.values[i]!;
          const nn = new Nack(cc, n.deliveryTime, n.deliveryCount);
          cc.pel.set(c.pel.keys[i]!, nn);
          cg.pel.set(c.pel.keys[i]!, nn);
        }
      }
    }
    return s;
  }

  /** Digest content (src/engine/digest.ts): entries, metadata, node cuts, tombstones, groups, PELs. */
  digestParts(): string[] {
    const out: string[] = [`${this.length}`, formatId(this.lastId), formatId(this.firstId), formatId(this.maxDeletedId), `${this.entriesAdded}`, `${this.nodes.length}`];
    this.range(0n, idMax, false, (id, fv) => {
      out.push(formatId(id), `${fv.length}`, ...fv);
      return true;
    });
    // Node cuts and tombstones: DUMP and `~` trims depend on them, so a replica must match.
    for (const node of this.nodes) {
      out.push('n', formatId(node.masterId), `${node.deleted}`);
      for (let i = 0; i < node.tombIds.length; i++) out.push(formatId(node.tombIds[i]!), `${node.tombFvs[i]!.length}`, ...node.tombFvs[i]!);
    }
    for (const g of this.sortedGroups()) {
      out.push('g', g.name, formatId(g.lastId), `${g.entriesRead}`);
      for (const c of g.sortedConsumers()) {
        out.push('c', c.name, `${c.pel.size}`);
      }
      for (let i = 0; i < g.pel.keys.length; i++) {
        const n = g.pel.values[i]!;
        out.push('p', formatId(g.pel.keys[i]!), n.consumer.name, `${n.deliveryTime}`, `${n.deliveryCount}`);
      }
    }
    return out;
  }
}
