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
// Invariants: latestSeq >= committedSeq for records of this epoch; `need` of a client's
// held entries never decreases along its queue (each is max(own, previous)), so a
// commit releases a prefix; keyDeps only holds seqs > some committed value and is
// cleaned in seq order (pending FIFO); an entry is either in `out` or held, never both.

import { assert } from '../assert.js';
import type { CommandSpec } from '../engine/command.js';
import type { Client } from '../engine/client.js';
import type { EffectRecord } from '../engine/effects.js';
import { EntryKind, type ReplyWriter } from '../engine/reply.js';
import { replyEntryHeaderBytes } from '../workers/batch-format.js';
import { commandKeys, effectKeys, type CommandKeys } from './command-keys.js';

interface HeldEntry {
  /** The whole entry, header included ([kind][clientId][bodyBytes][body]). */
  readonly bytes: Buffer;
  /** The seq this entry's own content depends on (0: held only for order). */
  readonly own: number;
  /** max(own, the previous held entry's need): when it may leave. */
  readonly need: number;
}

interface PendingWrite {
  readonly seq: number;
  /** The dependency-map keys this write set, or null if it was an 'all' write. */
  readonly keys: string[] | null;
}

/** Resolves an effect's argv to its command spec (the engine's table). */
export type ResolveCommand = (argv: readonly Buffer[]) => CommandSpec | undefined;

function depKey(dbIndex: number, key: Buffer): string {
  return `${dbIndex}\n${key.latin1Slice(0, key.length)}`;
}

export class Tracker {
  /** Highest seq known committed (from the journal writer). */
  committedSeq = 0;
  /** Last seq assigned to an effect record. */
  latestSeq = 0;
  /** Held entries in total (INFO). */
  heldCount = 0;

  /** Key -> seq of the latest uncommitted write that touched it. */
  private readonly keyDeps = new Map<string, number>();
  /** Seq of the latest uncommitted write whose keys cannot be named (FLUSHALL, MOVE...). */
  private allSeq = 0;
  private pending: PendingWrite[] = [];
  private pendingHead = 0;
  private readonly held = new Map<number, HeldEntry[]>();
  /** Entries of frontierOut before `frontier` have been through afterEntries. */
  private frontierOut: ReplyWriter | undefined;
  private frontier = 0;

  constructor(private readonly resolve: ResolveCommand) {}

  /** True while some write is not yet committed. */
  get hasPending(): boolean {
    return this.latestSeq > this.committedSeq;
  }

  // --- Writes --------------------------------------------------------------------------

  /** A new effect record: assigns its seq and notes the keys it touched. */
  noteWrite(record: EffectRecord): number {
    const seq = ++this.latestSeq;
    let keys: string[] | null = [];
    for (const effect of record.effects) {
      const found = effectKeys(this.resolve(effect.argv), effect.argv);
      if (found === 'all' || found === 'independent') {
        keys = null;
        break;
      }
      for (const i of found) keys.push(depKey(effect.dbIndex, effect.argv[i]!));
    }
    if (keys === null) {
      this.allSeq = seq;
    } else {
      for (const k of keys) this.keyDeps.set(k, seq);
    }
    this.pending.push({ seq, keys });
    return seq;
  }

  // --- Reads ---------------------------------------------------------------------------

  /** The seq a command's reply must wait for because of what it reads (0: none). */
  dependency(client: Client, argv: readonly Buffer[]): number {
    if (!this.hasPending) return 0;
    const spec = this.resolve(argv);
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
    return this.keysDependency(client.dbIndex, commandKeys(spec, argv), argv);
  }

  private keysDependency(dbIndex: number, keys: CommandKeys, argv: readonly Buffer[]): number {
    if (keys === 'independent') return 0;
    if (keys === 'all') return this.latestSeq;
    let need = this.allSeq > this.committedSeq ? this.allSeq : 0;
    if (this.keyDeps.size === 0) return need;
    for (const i of keys) {
      const seq = this.keyDeps.get(depKey(dbIndex, argv[i]!));
      if (seq !== undefined && seq > need) need = seq;
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
      const id = buf.readUInt32LE(o + 1);
      const size = replyEntryHeaderBytes + buf.readUInt32LE(o + 5);
      const own = o >= start && need > this.committedSeq ? need : 0;
      const queue = this.held.get(id);
      if (own > 0 || queue !== undefined) {
        this.hold(id, queue, Buffer.from(buf.subarray(o, o + size)), own);
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

  private hold(clientId: number, queue: HeldEntry[] | undefined, bytes: Buffer, own: number): void {
    let q = queue;
    if (q === undefined) {
      q = [];
      this.held.set(clientId, q);
    }
    const prev = q.length > 0 ? q[q.length - 1]!.need : 0;
    q.push({ bytes, own, need: Math.max(prev, own) });
    this.heldCount++;
  }

  /** The journal committed through `committedSeq`: emits every entry now free into `out`. */
  release(committedSeq: number, out: ReplyWriter): void {
    if (committedSeq <= this.committedSeq) return;
    this.committedSeq = committedSeq;
    while (this.pendingHead < this.pending.length && this.pending[this.pendingHead]!.seq <= committedSeq) {
      const w = this.pending[this.pendingHead++]!;
      if (w.keys !== null) {
        for (const k of w.keys) if (this.keyDeps.get(k) === w.seq) this.keyDeps.delete(k);
      }
    }
    if (this.pendingHead > 1024 && this.pendingHead * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.pendingHead);
      this.pendingHead = 0;
    }
    for (const [id, q] of this.held) {
      let n = 0;
      while (n < q.length && q[n]!.need <= committedSeq) {
        out.raw(q[n]!.bytes);
        n++;
      }
      if (n === q.length) this.held.delete(id);
      else if (n > 0) q.splice(0, n);
      this.heldCount -= n;
    }
    this.frontierOut = out;
    this.frontier = out.length;
  }

  /** The client is gone: its held entries are dropped (the io-mux would drop them). */
  dropClient(clientId: number): void {
    const q = this.held.get(clientId);
    if (q === undefined) return;
    this.heldCount -= q.length;
    this.held.delete(clientId);
  }

  /**
   * The journal failed (an append that cannot commit, or fenced): every held entry
   * leaves now; a reply whose content depended on an uncommitted write becomes the
   * error `message` (its outcome is unknown), one held only for order leaves as is.
   * Forgets every pending write: the engine drops its state and reloads the journal.
   */
  failAll(out: ReplyWriter, message: string): void {
    for (const [id, q] of this.held) {
      for (const e of q) {
        if (e.own > this.committedSeq && e.bytes[0] === EntryKind.reply) {
          out.beginEntry(EntryKind.reply, id);
          out.error(message);
          out.endEntry();
        } else {
          out.raw(e.bytes);
        }
      }
    }
    this.held.clear();
    this.heldCount = 0;
    this.frontierOut = out;
    this.frontier = out.length;
    this.keyDeps.clear();
    this.pending = [];
    this.pendingHead = 0;
    this.allSeq = 0;
    // Later records get fresh seqs above every old one; nothing old is pending.
    this.committedSeq = this.latestSeq;
    assert(!this.hasPending, 'tracker: pending writes after failAll');
  }
}
