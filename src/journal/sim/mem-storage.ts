// MemStorage: a simple in-memory LogStorage for the simulator, with the same durability
// contract as the real SegmentLog on a disk: appends, truncations and trims are pending
// until a sync; a crash keeps the durable image plus a PRNG-chosen prefix of the pending
// operations, and may tear the last kept append to a prefix of its entries (a torn
// frame is cut at recovery, which is exactly "a prefix of the entries"). Hard state is
// written atomically (temp file + rename) and is durable once saveHardState resolves.
//
// The durable image lives in a MemDisk, which outlives the storage objects built on it:
// a crash abandons the old MemStorage (its pending promises never resolve, its timers
// act on nothing) and a restart opens a new one on the same MemDisk.
//
// Runs in the simulator only (one thread). Operations complete after delays drawn from
// the simulation's PRNG on the simulation's clock.

import { assert } from '../../assert.js';
import type { Clock, Random } from '../env.js';
import type { HardState, LogEntry, LogStorage, RecoveryReport } from '../storage/types.js';

type PendingOp =
  | { kind: 'append'; entries: LogEntry[] }
  | { kind: 'truncate'; afterIndex: number }
  | { kind: 'trim'; beforeIndex: number };

interface Image {
  /** Entries trimIndex+1 .. trimIndex+entries.length. */
  entries: LogEntry[];
  trimIndex: number;
  trimTerm: number;
}

function applyOp(image: Image, op: PendingOp, segmentEntryCount: number): void {
  switch (op.kind) {
    case 'append': {
      for (const entry of op.entries) {
        if (entry.index !== image.trimIndex + image.entries.length + 1) continue; // log jumped: skip
        image.entries.push(entry);
      }
      return;
    }
    case 'truncate': {
      const keep = Math.max(0, op.afterIndex - image.trimIndex);
      if (keep < image.entries.length) image.entries.length = keep;
      return;
    }
    case 'trim': {
      // Whole "segments" of segmentEntryCount entries, aligned on index 1.
      const lastIndex = image.trimIndex + image.entries.length;
      let newTrim = Math.floor((op.beforeIndex - 1) / segmentEntryCount) * segmentEntryCount;
      newTrim = Math.min(newTrim, lastIndex);
      if (newTrim <= image.trimIndex) return;
      const drop = newTrim - image.trimIndex;
      image.trimTerm = image.entries[drop - 1]!.term;
      image.entries = image.entries.slice(drop);
      image.trimIndex = newTrim;
      return;
    }
  }
}

export interface MemDiskOptions {
  readonly clock: Clock;
  readonly random: Random;
  /** Time an fsync takes: uniform in [min, max] ms. */
  readonly syncMsMin?: number;
  readonly syncMsMax?: number;
  readonly segmentEntryCount?: number;
  /** Whether a crash may keep part of the unsynced operations and tear the last one. */
  readonly tornWrites?: boolean;
}

/** The durable state of one node's directory, across crashes. */
export class MemDisk {
  durable: Image = { entries: [], trimIndex: 0, trimTerm: 0 };
  hardState: HardState = { term: 0, votedFor: 0 };
  /** Operations issued by the current incarnation since its last completed sync. */
  pending: PendingOp[] = [];
  /** Bumped by crash(): storage objects of an earlier generation are dead. */
  generation = 0;
  readonly options: Required<MemDiskOptions>;

  constructor(options: MemDiskOptions) {
    this.options = {
      syncMsMin: 1,
      syncMsMax: 8,
      segmentEntryCount: 32,
      tornWrites: true,
      ...options,
    };
  }

  /** The process dies: keep a prefix of the unsynced operations, maybe tear the last. */
  crash(): void {
    this.generation++;
    const random = this.options.random;
    if (this.options.tornWrites && this.pending.length > 0) {
      const keep = random.int(this.pending.length + 1);
      for (let i = 0; i < keep; i++) {
        let op = this.pending[i]!;
        if (i === keep - 1 && op.kind === 'append' && op.entries.length > 0) {
          op = { kind: 'append', entries: op.entries.slice(0, random.int(op.entries.length + 1)) };
        }
        applyOp(this.durable, op, this.options.segmentEntryCount);
      }
    }
    this.pending = [];
  }

  syncDelayMs(): number {
    const { syncMsMin, syncMsMax } = this.options;
    return syncMsMin + this.options.random.int(syncMsMax - syncMsMin + 1);
  }
}

export class MemStorage implements LogStorage {
  private image: Image = { entries: [], trimIndex: 0, trimTerm: 0 };
  private synced = 0;
  private readonly generation: number;
  private syncInFlight: Promise<number> | undefined;
  private syncNext: Promise<number> | undefined;
  /** Bumped by every truncation: a sync that started before one proves nothing past it. */
  private truncations = 0;

  constructor(private readonly disk: MemDisk) {
    this.generation = disk.generation;
  }

  private get alive(): boolean {
    return this.disk.generation === this.generation;
  }

  async open(): Promise<RecoveryReport> {
    const d = this.disk.durable;
    this.image = { entries: d.entries.slice(), trimIndex: d.trimIndex, trimTerm: d.trimTerm };
    this.synced = this.lastIndex;
    return { entryCount: this.image.entries.length, truncatedBytes: 0 };
  }

  get firstIndex(): number {
    return this.image.trimIndex + 1;
  }
  get lastIndex(): number {
    return this.image.trimIndex + this.image.entries.length;
  }
  get syncedIndex(): number {
    return this.synced;
  }

  term(index: number): number | undefined {
    if (index === this.image.trimIndex) return this.image.trimTerm;
    if (index < this.image.trimIndex || index > this.lastIndex) return undefined;
    return this.image.entries[index - this.image.trimIndex - 1]!.term;
  }

  async read(from: number, to: number, maxBytes: number): Promise<LogEntry[]> {
    assert(from >= this.firstIndex && to <= this.lastIndex && from <= to, `mem storage: read ${from}..${to} out of range`);
    const out: LogEntry[] = [];
    let bytes = 0;
    for (let index = from; index <= to; index++) {
      const entry = this.image.entries[index - this.image.trimIndex - 1]!;
      if (out.length > 0 && bytes + entry.payload.byteLength > maxBytes) break;
      bytes += entry.payload.byteLength;
      out.push(entry);
    }
    return out;
  }

  append(entries: readonly LogEntry[]): void {
    if (entries.length === 0) return;
    assert(entries[0]!.index === this.lastIndex + 1, `mem storage: append ${entries[0]!.index} after ${this.lastIndex}`);
    for (let i = 1; i < entries.length; i++) assert(entries[i]!.index === entries[i - 1]!.index + 1, 'gap in append');
    const copy = entries.slice();
    for (const entry of copy) this.image.entries.push(entry);
    if (this.alive) this.disk.pending.push({ kind: 'append', entries: copy });
  }

  async truncateAfter(afterIndex: number): Promise<void> {
    assert(afterIndex >= this.image.trimIndex, 'mem storage: truncate into the trimmed part');
    applyOp(this.image, { kind: 'truncate', afterIndex }, this.disk.options.segmentEntryCount);
    this.synced = Math.min(this.synced, afterIndex);
    this.truncations++;
    if (this.alive) this.disk.pending.push({ kind: 'truncate', afterIndex });
  }

  sync(): Promise<number> {
    if (this.syncInFlight === undefined) return this.startSync();
    // Group commit: everything appended now rides on the next fsync.
    this.syncNext ??= this.syncInFlight.then(() => {
      this.syncNext = undefined;
      return this.startSync();
    });
    return this.syncNext;
  }

  private startSync(): Promise<number> {
    const disk = this.disk;
    const count = disk.pending.length;
    const target = this.lastIndex;
    const epoch = this.truncations;
    const promise = new Promise<number>((resolve) => {
      disk.options.clock.setTimer(disk.syncDelayMs(), () => {
        if (!this.alive) return; // crashed meanwhile: never completes
        const done = disk.pending.splice(0, count);
        for (const op of done) applyOp(disk.durable, op, disk.options.segmentEntryCount);
        if (epoch === this.truncations) this.synced = Math.max(this.synced, target);
        this.syncInFlight = undefined;
        resolve(this.synced);
      });
    });
    this.syncInFlight = promise;
    return promise;
  }

  loadHardState(): HardState {
    return this.disk.hardState;
  }

  saveHardState(state: HardState): Promise<void> {
    const disk = this.disk;
    return new Promise<void>((resolve) => {
      disk.options.clock.setTimer(disk.syncDelayMs(), () => {
        if (!this.alive) return;
        disk.hardState = { term: state.term, votedFor: state.votedFor };
        resolve();
      });
    });
  }

  async trimBefore(beforeIndex: number): Promise<void> {
    applyOp(this.image, { kind: 'trim', beforeIndex }, this.disk.options.segmentEntryCount);
    if (this.alive) this.disk.pending.push({ kind: 'trim', beforeIndex });
  }

  async close(): Promise<void> {}
}
