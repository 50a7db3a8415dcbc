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
// Held entries of all clients share one log (HeldLog), in the order they were written,
// with a client's last need in a Map: a commit scans the log once, copies each run of
// released entries to the reply batch and moves the rest down.
//
// Invariants: latestSeq >= committedSeq for records of this epoch; the `need` of a
// client's held entries never decreases along the log (each is max(own, previous)), so
// releasing every entry whose need is committed releases a prefix of each client's;
// a client has held entries iff its last need (clientNeeds) is above committedSeq; a
// key's slot holds a seq >= that of the latest write that touched the key (seqs only
// grow); an entry is either in `out` or held, never both.

import { assert } from '../assert.js';
import type { CommandSpec } from '../engine/command.js';
import type { Client } from '../engine/client.js';
import type { EffectRecord } from '../engine/effects.js';
import { EntryKind, type ReplyWriter } from '../engine/reply.js';
import { trackerKeySlotCount } from '../limits.js';
import { replyEntryHeaderBytes } from '../workers/batch-format.js';
import { commandKeys, effectKeys, plainKeyPositions, type CommandKeys, type KeyPositions } from './command-keys.js';

/**
 * Every held entry of every client, in the order they were written: their bytes back to
 * back in one buffer and, per entry, where it ends, the seq its own content depends on
 * (0: held only for order) and its need = max(own, the need of its client's previous
 * held entry), when it may leave. A client's needs never decrease along the log, so
 * releasing every entry whose need is committed keeps each client's order; entries of
 * different clients may leave out of log order (a read of one client waiting for an
 * earlier seq than another client's write before it). A commit copies each run of
 * consecutive released entries to the reply batch at once and moves the kept ones to
 * the front; nothing is allocated per entry, per client or per commit (the previous
 * per-client queues cost a Map entry, a queue and a copy per client per commit:
 * ~40 of each per commit under SET -P 1).
 */
class HeldLog {
  bytes = Buffer.allocUnsafe(4096);
  /** Bytes of the entries [0, count). */
  used = 0;
  count = 0;
  ends: Int32Array = new Int32Array(256);
  owns: Float64Array = new Float64Array(256);
  /** A need of -1 marks an entry of a client that closed: dropped at the next release. */
  needs: Float64Array = new Float64Array(256);

  push(src: Buffer, from: number, to: number, own: number, need: number): void {
    const size = to - from;
    if (this.used + size > this.bytes.length) {
      let cap = this.bytes.length * 2;
      while (cap < this.used + size) cap *= 2;
      const grown = Buffer.allocUnsafe(cap);
      this.bytes.copy(grown, 0, 0, this.used);
      this.bytes = grown;
    }
    const n = this.count;
    if (n === this.ends.length) {
      this.ends = grownInt32(this.ends);
      this.owns = grownFloat64(this.owns);
      this.needs = grownFloat64(this.needs);
    }
    // A reply entry is mostly a few bytes (+OK and its header): a loop copies those
    // without the Uint8Array view Buffer.copy builds per call.
    const at = this.used;
    if (size <= smallCopyBytesMax) {
      const dst = this.bytes;
      for (let i = 0; i < size; i++) dst[at + i] = src[from + i]!;
    } else {
      src.copy(this.bytes, at, from, to);
    }
    this.used = at + size;
    this.ends[n] = this.used;
    this.owns[n] = own;
    this.needs[n] = need;
    this.count = n + 1;
  }

  /**
   * Emits every entry whose need <= committedSeq (a run of consecutive ones with one
   * copy), removes the closed clients' ones (counted when drop() marked them), and
   * moves the rest to the front in order; returns how many it emitted.
   */
  release(committedSeq: number, out: ReplyWriter): number {
    const n = this.count;
    const bytes = this.bytes;
    let kept = 0;
    let emitted = 0;
    let write = 0; // where the next kept entry's bytes go
    let runStart = 0; // the pending run of released entries: [runStart, runEnd)
    let runEnd = 0;
    let start = 0;
    for (let i = 0; i < n; i++) {
      const end = this.ends[i]!;
      const need = this.needs[i]!;
      if (need <= committedSeq) {
        if (need >= 0) {
          // Released: extends the pending run, or starts one after a kept or dropped entry.
          if (runEnd !== start) {
            if (runEnd > runStart) emit(bytes, runStart, runEnd, out);
            runStart = start;
          }
          runEnd = end;
          emitted++;
        }
      } else {
        // Kept: the pending run goes first, since moving this entry down may overwrite it.
        if (runEnd > runStart) emit(bytes, runStart, runEnd, out);
        runStart = runEnd = end;
        if (write !== start) bytes.copyWithin(write, start, end);
        write += end - start;
        this.ends[kept] = write;
        this.owns[kept] = this.owns[i]!;
        this.needs[kept] = need;
        kept++;
      }
      start = end;
    }
    if (runEnd > runStart) emit(bytes, runStart, runEnd, out);
    this.count = kept;
    this.used = write;
    if (kept === 0 && this.bytes.length > heldLogBytesKeptMax) this.bytes = Buffer.allocUnsafe(4096);
    return emitted;
  }

  /** Marks `clientId`'s entries dropped (a closed client); returns how many. */
  drop(clientId: number): number {
    let dropped = 0;
    let start = 0;
    for (let i = 0; i < this.count; i++) {
      if (this.needs[i]! >= 0 && u32At(this.bytes, start + 1) === clientId) {
        this.needs[i] = -1;
        dropped++;
      }
      start = this.ends[i]!;
    }
    return dropped;
  }

  clear(): void {
    this.used = 0;
    this.count = 0;
  }
}

/** Copies held bytes [from, to) into the reply batch (a loop for a few bytes: no view). */
function emit(src: Buffer, from: number, to: number, out: ReplyWriter): void {
  const size = to - from;
  out.ensure(size);
  const dst = out.buf;
  const at = out.length;
  if (size <= smallCopyBytesMax) for (let i = 0; i < size; i++) dst[at + i] = src[from + i]!;
  else src.copy(dst, at, from, to);
  out.length = at + size;
}

function grownInt32(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

function grownFloat64(a: Float64Array): Float64Array {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}

/** Resolves an effect's argv to its command spec (the engine's table). */
export type ResolveCommand = (argv: readonly Buffer[]) => CommandSpec | undefined;

const keySlotMask = trackerKeySlotCount - 1;
/** Held entries (and runs of them) up to this size are copied by a loop, not Buffer.copy (HeldLog). */
const smallCopyBytesMax = 64;
/** Command names resolved, cached by their bytes as sent (Tracker.spec): slots, and the longest name kept. */
const specCacheSlotCount = 16;
const specCacheNameBytesMax = 32;
/** A drained held log larger than this gives its buffer back (a burst of big held replies). */
const heldLogBytesKeptMax = 1024 * 1024;

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
  /** Every held entry, in order (HeldLog). */
  private readonly held = new HeldLog();
  /**
   * Client id -> the need of its last held entry: the client has held entries while it
   * is above committedSeq (a stale, committed one is as good as none; removed when the
   * client closes).
   */
  private readonly clientNeeds = new Map<number, number>();
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
  *heldClientIds(): IterableIterator<number> {
    for (const [id, need] of this.clientNeeds) if (need > this.committedSeq) yield id;
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
    const committed = this.committedSeq;
    if (this.held.count === 0 && need <= committed) {
      this.frontierOut = out;
      this.frontier = out.length;
      return;
    }
    const buf = out.buf;
    const end = out.length;
    const clientNeeds = this.clientNeeds;
    let write = from;
    for (let o = from; o < end; ) {
      const id = u32At(buf, o + 1);
      const size = replyEntryHeaderBytes + u32At(buf, o + 5);
      const own = o >= start && need > committed ? need : 0;
      const last = this.held.count === 0 ? undefined : clientNeeds.get(id);
      const behind = last !== undefined && last > committed ? last : 0;
      if (own > 0 || behind > 0) {
        const entryNeed = own > behind ? own : behind;
        this.held.push(buf, o, o + size, own, entryNeed);
        if (entryNeed !== last) clientNeeds.set(id, entryNeed);
        this.heldCount++;
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

  /** The journal committed through `committedSeq`: emits every entry now free into `out`. */
  release(committedSeq: number, out: ReplyWriter): void {
    if (committedSeq <= this.committedSeq) return;
    this.committedSeq = committedSeq;
    if (this.held.count > 0) this.heldCount -= this.held.release(committedSeq, out);
    this.frontierOut = out;
    this.frontier = out.length;
  }

  /** The client is gone: its held entries are dropped (the io-mux would drop them). */
  dropClient(clientId: number): void {
    const last = this.clientNeeds.get(clientId);
    if (last === undefined) return;
    this.clientNeeds.delete(clientId);
    if (last > this.committedSeq) this.heldCount -= this.held.drop(clientId);
  }

  /**
   * The journal failed (an append that cannot commit, or fenced): every held entry
   * leaves now; a reply whose content depended on an uncommitted write becomes the
   * error `message` (its outcome is unknown), one held only for order leaves as is.
   * Forgets every pending write: the engine drops its state and reloads the journal.
   */
  failAll(out: ReplyWriter, message: string): void {
    const held = this.held;
    let at = 0;
    for (let i = 0; i < held.count; i++) {
      const end = held.ends[i]!;
      if (held.needs[i]! >= 0) {
        if (held.owns[i]! > this.committedSeq && held.bytes[at] === EntryKind.reply) {
          out.beginEntry(EntryKind.reply, u32At(held.bytes, at + 1));
          out.error(message);
          out.endEntry();
        } else {
          emit(held.bytes, at, end, out);
        }
      }
      at = end;
    }
    held.clear();
    this.clientNeeds.clear();
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

