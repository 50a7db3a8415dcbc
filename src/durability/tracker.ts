// The tracker (engine worker): MemoryDB's rule that nobody learns of a write before it
// is durable. Every effect record gets a sequence number (dense from 1 per server
// incarnation); the journal writer publishes committedSeq (shared-state.ts).
//
// - A write's reply is held until its record's seq <= committedSeq.
// - A command that reads or writes a key touched by a not-yet-committed write is held
//   until that write's seq (keys from the command table, command-keys.ts); a keyless
//   command that may look at any key (KEYS, DBSIZE, INFO, FLUSHALL...) waits for the
//   latest seq. Reads of other keys answer at once.
// - Per client, replies leave in order: once a client has a held entry, every later
//   entry of that client (replies, closes, auth changes, flow-control syncs) is held
//   behind it. Held entries are copied bytes, emitted as entries when the commit comes.
// - Commands that changed nothing are not journaled (the engine logs only dirty
//   changes); a lazily expired key yields a DEL in the reader's own record, so the
//   reader waits for it.
//
// Entries reach the tracker per unit of work (Engine.runTopLevel, serveBlocked) with the
// seq they need; entries written without a unit (a blocked client's timeout) are
// caught up from the frontier, in order, before the worker sends the reply batch.
//
// Key dependencies live in a hashed table of seqs (trackerKeySlotCount slots): a write
// stores its seq in the slot of each key it touched (database and key bytes hashed),
// a command waits for the largest seq in its keys' slots when that is not committed
// yet. Two keys sharing a slot only make a read wait for an unrelated write (never
// show uncommitted data), and nothing needs cleaning: a slot whose seq is committed is
// free. No string, Map entry or object per write: this ran for every write and read.
//
// Invariants: latestSeq >= committedSeq for records of this epoch; `need` of a client's
// held entries never decreases along its queue (each is max(own, previous)), so a
// commit releases a prefix; a key's slot holds a seq >= that of the latest write that
// touched the key (seqs only grow); an entry is either in `out` or held, never both.

import { assert } from '../assert.js';
import type { CommandSpec } from '../engine/command.js';
import type { Client } from '../engine/client.js';
import type { EffectRecord } from '../engine/effects.js';
import { EntryKind, type ReplyWriter } from '../engine/reply.js';
import { trackerKeySlotCount } from '../limits.js';
import { replyEntryHeaderBytes } from '../workers/batch-format.js';
import { commandKeys, effectKeys, plainKeyPositions, type CommandKeys, type KeyPositions } from './command-keys.js';

/**
 * One client's held entries, in order: their bytes back to back in one buffer (reused
 * once drained) and, per entry, where it ends, the seq its own content depends on (0:
 * held only for order) and its need = max(own, the previous entry's need), when it may
 * leave. A commit releases a prefix with one copy; no allocation per held entry.
 */
class HeldQueue {
  bytes = Buffer.allocUnsafe(256);
  /** Bytes written; entries [head, ends.length) occupy [start, used). */
  used = 0;
  start = 0;
  head = 0;
  ends: number[] = [];
  owns: number[] = [];
  needs: number[] = [];

  get count(): number {
    return this.ends.length - this.head;
  }

  push(src: Buffer, from: number, to: number, own: number): void {
    const size = to - from;
    if (this.used + size > this.bytes.length) {
      const live = this.used - this.start;
      let cap = this.bytes.length;
      while (cap < live + size) cap *= 2;
      const grown = cap === this.bytes.length ? this.bytes : Buffer.allocUnsafe(cap);
      this.bytes.copy(grown, 0, this.start, this.used);
      // Offsets move down by `start` (copyWithin semantics when reusing the buffer).
      for (let i = this.head; i < this.ends.length; i++) this.ends[i]! -= this.start;
      this.bytes = grown;
      this.used = live;
      this.start = 0;
    }
    // A reply entry is mostly a few bytes (+OK and its header): a loop copies those
    // without the Uint8Array view Buffer.copy builds per call.
    if (size <= smallCopyBytesMax) {
      const dst = this.bytes;
      for (let i = 0, at = this.used; i < size; i++) dst[at + i] = src[from + i]!;
    } else {
      src.copy(this.bytes, this.used, from, to);
    }
    this.used += size;
    const n = this.ends.length;
    const prev = n > this.head ? this.needs[n - 1]! : 0;
    this.ends.push(this.used);
    this.owns.push(own);
    this.needs.push(own > prev ? own : prev);
  }

  /** Emits every entry whose need <= committedSeq (one raw copy); returns how many. */
  release(committedSeq: number, out: ReplyWriter): number {
    let k = this.head;
    const n = this.ends.length;
    while (k < n && this.needs[k]! <= committedSeq) k++;
    const released = k - this.head;
    if (released === 0) return 0;
    const end = this.ends[k - 1]!;
    out.raw(this.bytes.subarray(this.start, end));
    if (k === n) {
      this.clear();
    } else {
      this.start = end;
      this.head = k;
      if (this.head > 64 && this.head * 2 > n) {
        this.ends = this.ends.slice(this.head);
        this.owns = this.owns.slice(this.head);
        this.needs = this.needs.slice(this.head);
        this.head = 0;
      }
    }
    return released;
  }

  clear(): void {
    this.used = 0;
    this.start = 0;
    this.head = 0;
    this.ends.length = 0;
    this.owns.length = 0;
    this.needs.length = 0;
  }
}

/** Resolves an effect's argv to its command spec (the engine's table). */
export type ResolveCommand = (argv: readonly Buffer[]) => CommandSpec | undefined;

const keySlotMask = trackerKeySlotCount - 1;
/** Held entries up to this size are copied by a loop, not Buffer.copy (HeldQueue.push). */
const smallCopyBytesMax = 64;
/** Command names resolved, cached by their bytes as sent (Tracker.spec): slots, and the longest name kept. */
const specCacheSlotCount = 16;
const specCacheNameBytesMax = 32;
/** Drained held-entry queues kept for reuse, and the largest buffer one may keep. */
const spareQueueCountMax = 256;
const spareQueueBytesMax = 64 * 1024;

/** A u32 of a reply entry header (byte loads: Buffer's readUInt32LE checks its argument per call). */
function u32At(buf: Buffer, at: number): number {
  return (buf[at]! | (buf[at + 1]! << 8) | (buf[at + 2]! << 16) | (buf[at + 3]! << 24)) >>> 0;
}

/**
 * The table slot of a key of a database: four bytes a step (a multiply and a shift
 * each: a byte at a time made a 16-byte key a chain of 16 dependent multiplies, per
 * write), FNV-1a steps for the last 0-3 bytes, then a final mix.
 */
export function keySlot(dbIndex: number, key: Buffer): number {
  const n = key.length;
  let h = (0x811c9dc5 ^ dbIndex ^ (n << 4)) | 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    h = Math.imul(h ^ (key[i]! | (key[i + 1]! << 8) | (key[i + 2]! << 16) | (key[i + 3]! << 24)), 0x5bd1e995);
    h ^= h >>> 15;
  }
  for (; i < n; i++) h = Math.imul(h ^ key[i]!, 0x01000193);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return h & keySlotMask;
}

export class Tracker {
  /** Highest seq known committed (from the journal writer). */
  committedSeq = 0;
  /** Last seq assigned to an effect record. */
  latestSeq = 0;
  /** Held entries in total (INFO). */
  heldCount = 0;

  /** Key slot -> seq of the latest write that touched a key of that slot (file comment). */
  private readonly keySeqs = new Float64Array(trackerKeySlotCount);
  /** Seq of the latest uncommitted write whose keys cannot be named (FLUSHALL, MOVE...). */
  private allSeq = 0;
  /** Clients with held entries, and their queues. */
  private readonly held = new Map<number, HeldQueue>();
  /** Drained queues kept for reuse (bounded), so a busy client does not allocate one per hold. */
  private readonly spareQueues: HeldQueue[] = [];
  /** Entries of frontierOut before `frontier` have been through afterEntries. */
  private frontierOut: ReplyWriter | undefined;
  private frontier = 0;
  /**
   * The command table's answer for a command name as sent (direct-mapped by its first
   * byte and length): resolving went through a latin1 string and a Map lookup, twice
   * per write (dependency, then noteWrite). Only specs that argv[0] alone decides are
   * kept (no subcommands), and the table never changes while the server runs.
   */
  private readonly specNames: (Buffer | undefined)[] = new Array<Buffer | undefined>(specCacheSlotCount).fill(undefined);
  private readonly specs: (CommandSpec | undefined)[] = new Array<CommandSpec | undefined>(specCacheSlotCount).fill(undefined);
  /** plainKeyPositions of specs[slot] (its WeakMap lookup was per write). */
  private readonly specPositions: (KeyPositions | undefined)[] = new Array<KeyPositions | undefined>(specCacheSlotCount).fill(undefined);
  /** The cache slot spec() answered from last, or -1 (an uncached answer). */
  private lastSpecSlot = -1;

  constructor(private readonly resolve: ResolveCommand) {}

  /** resolve(argv), through the name cache. */
  private spec(argv: readonly Buffer[]): CommandSpec | undefined {
    const name = argv[0]!;
    const n = name.length;
    const slot = ((n > 0 ? name[0]! | 0x20 : 0) + n * 7) & (specCacheSlotCount - 1);
    const cached = this.specNames[slot];
    if (cached !== undefined && cached.length === n) {
      let i = 0;
      while (i < n && cached[i] === name[i]) i++;
      if (i === n) {
        this.lastSpecSlot = slot;
        return this.specs[slot];
      }
    }
    this.lastSpecSlot = -1;
    const spec = this.resolve(argv);
    if (spec !== undefined && spec.subcommands === undefined && !spec.name.includes('|') && n <= specCacheNameBytesMax) {
      this.specNames[slot] = Buffer.from(name);
      this.specs[slot] = spec;
      this.specPositions[slot] = plainKeyPositions(spec);
    }
    return spec;
  }

  /** plainKeyPositions(spec) of the spec the last spec() call returned. */
  private positionsOfLast(spec: CommandSpec | undefined): KeyPositions | undefined {
    return this.lastSpecSlot >= 0 ? this.specPositions[this.lastSpecSlot] : plainKeyPositions(spec);
  }

  /** The ids of the clients that have held entries (the busy gate must not answer them). */
  heldClientIds(): IterableIterator<number> {
    return this.held.keys();
  }

  /** True while some write is not yet committed. */
  get hasPending(): boolean {
    return this.latestSeq > this.committedSeq;
  }

  // --- Writes --------------------------------------------------------------------------

  /** A new effect record: assigns its seq and notes the keys it touched. */
  noteWrite(record: EffectRecord): number {
    const seq = ++this.latestSeq;
    for (const effect of record.effects) {
      const argv = effect.argv;
      const spec = this.spec(argv);
      const simple = this.positionsOfLast(spec);
      if (simple !== undefined && !simple.crossDatabase) {
        const last = simple.last < 0 ? argv.length + simple.last : simple.last;
        for (let i = simple.first; i <= last && i < argv.length; i += simple.step) this.keySeqs[keySlot(effect.dbIndex, argv[i]!)] = seq;
        continue;
      }
      const found = effectKeys(spec, argv);
      if (found === 'all' || found === 'independent') {
        // Its keys cannot be named: every later keyed command waits for it.
        this.allSeq = seq;
        continue;
      }
      for (const i of found) this.keySeqs[keySlot(effect.dbIndex, argv[i]!)] = seq;
    }
    return seq;
  }

  // --- Reads ---------------------------------------------------------------------------

  /** The seq a command's reply must wait for because of what it reads (0: none). */
  dependency(client: Client, argv: readonly Buffer[]): number {
    if (!this.hasPending) return 0;
    const spec = this.spec(argv);
    if (spec === undefined) return 0;
    if (spec.name === 'exec' && client.multi !== null) {
      let need = 0;
      for (const q of client.multi) {
        // A SELECT inside the transaction moves later commands to another database.
        if (q.spec.name === 'select') return this.latestSeq;
        need = Math.max(need, this.keysDependency(client.dbIndex, commandKeys(q.spec, q.argv), q.argv));
      }
      return need;
    }
    const simple = this.positionsOfLast(spec);
    if (simple !== undefined) return this.positionsDependency(client.dbIndex, simple.first, simple.last, simple.step, argv);
    return this.keysDependency(client.dbIndex, commandKeys(spec, argv), argv);
  }

  private keysDependency(dbIndex: number, keys: CommandKeys, argv: readonly Buffer[]): number {
    if (keys === 'independent') return 0;
    if (keys === 'all') return this.latestSeq;
    let need = this.allSeq > this.committedSeq ? this.allSeq : 0;
    for (const i of keys) {
      const seq = this.keySeqs[keySlot(dbIndex, argv[i]!)]!;
      if (seq > need) need = seq;
    }
    return need > this.committedSeq ? need : 0;
  }

  /** keysDependency for a command with plain key positions, without building the list. */
  private positionsDependency(dbIndex: number, first: number, last: number, step: number, argv: readonly Buffer[]): number {
    let need = this.allSeq > this.committedSeq ? this.allSeq : 0;
    const end = last < 0 ? argv.length + last : last;
    for (let i = first; i <= end && i < argv.length; i += step) {
      const seq = this.keySeqs[keySlot(dbIndex, argv[i]!)]!;
      if (seq > need) need = seq;
    }
    return need > this.committedSeq ? need : 0;
  }

  // --- Replies -------------------------------------------------------------------------

  /**
   * The worker started a new reply record in `out` at `at`: everything before left.
   * Entries written into `out` past the frontier without passing through afterEntries
   * (blocked clients' timeouts written by the engine's timers) are caught up, in order,
   * by the next afterEntries or catchUp.
   */
  resetFrontier(out: ReplyWriter, at: number): void {
    this.frontierOut = out;
    this.frontier = at;
  }

  /** Processes entries written since the frontier (before the worker sends `out`). */
  catchUp(out: ReplyWriter): void {
    this.afterEntries(out, out.length, 0, 0);
  }

  /**
   * After a command (or a worker-written entry) wrote entries [start, out.length):
   * when the unit needs seq `need` > committedSeq, every entry it wrote waits for that
   * seq — its client's reply, and what it sent other clients (keyspace notifications,
   * invalidations: nobody learns of a write before it is durable); every entry of a
   * client that already has held entries waits behind them. Entries between the
   * frontier and `start` are processed first, as held-for-order only. `clientId` is the
   * unit's client (kept for callers' clarity; the rule no longer depends on it).
   */
  afterEntries(out: ReplyWriter, start: number, clientId: number, need: number): void {
    const from = this.frontierOut === out && this.frontier <= start ? this.frontier : start;
    if (this.held.size === 0 && need <= this.committedSeq) {
      this.frontierOut = out;
      this.frontier = out.length;
      return;
    }
    const buf = out.buf;
    const end = out.length;
    let write = from;
    for (let o = from; o < end; ) {
      const id = u32At(buf, o + 1);
      const size = replyEntryHeaderBytes + u32At(buf, o + 5);
      const own = o >= start && need > this.committedSeq ? need : 0;
      const queue = this.held.get(id);
      if (own > 0 || queue !== undefined) {
        this.hold(id, queue, buf, o, o + size, own);
      } else {
        if (write !== o) buf.copyWithin(write, o, o + size);
        write += size;
      }
      o += size;
    }
    out.truncate(write);
    this.frontierOut = out;
    this.frontier = write;
  }

  private hold(clientId: number, queue: HeldQueue | undefined, src: Buffer, from: number, to: number, own: number): void {
    let q = queue;
    if (q === undefined) {
      q = this.spareQueues.pop() ?? new HeldQueue();
      this.held.set(clientId, q);
    }
    q.push(src, from, to, own);
    this.heldCount++;
  }

  private retire(clientId: number, q: HeldQueue): void {
    this.held.delete(clientId);
    q.clear();
    // Keep a few drained queues (small ones) for the next clients that wait.
    if (this.spareQueues.length < spareQueueCountMax && q.bytes.length <= spareQueueBytesMax) this.spareQueues.push(q);
  }

  /** The journal committed through `committedSeq`: emits every entry now free into `out`. */
  release(committedSeq: number, out: ReplyWriter): void {
    if (committedSeq <= this.committedSeq) return;
    this.committedSeq = committedSeq;
    for (const [id, q] of this.held) {
      this.heldCount -= q.release(committedSeq, out);
      if (q.count === 0) this.retire(id, q);
    }
    this.frontierOut = out;
    this.frontier = out.length;
  }

  /** The client is gone: its held entries are dropped (the io-mux would drop them). */
  dropClient(clientId: number): void {
    const q = this.held.get(clientId);
    if (q === undefined) return;
    this.heldCount -= q.count;
    this.retire(clientId, q);
  }

  /**
   * The journal failed (an append that cannot commit, or fenced): every held entry
   * leaves now; a reply whose content depended on an uncommitted write becomes the
   * error `message` (its outcome is unknown), one held only for order leaves as is.
   * Forgets every pending write: the engine drops its state and reloads the journal.
   */
  failAll(out: ReplyWriter, message: string): void {
    for (const [id, q] of this.held) {
      let at = q.start;
      for (let i = q.head; i < q.ends.length; i++) {
        const end = q.ends[i]!;
        if (q.owns[i]! > this.committedSeq && q.bytes[at] === EntryKind.reply) {
          out.beginEntry(EntryKind.reply, id);
          out.error(message);
          out.endEntry();
        } else {
          out.raw(q.bytes.subarray(at, end));
        }
        at = end;
      }
      this.retire(id, q);
    }
    this.heldCount = 0;
    this.frontierOut = out;
    this.frontier = out.length;
    // Every slot's seq is <= latestSeq, committed below: nothing old is a dependency.
    this.allSeq = 0;
    // Later records get fresh seqs above every old one; nothing old is pending.
    this.committedSeq = this.latestSeq;
    assert(!this.hasPending, 'tracker: pending writes after failAll');
  }
}

