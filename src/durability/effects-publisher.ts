// The engine's end of the effects ring (engine worker; engine-worker.ts builds one with
// a journal, bench/durability/engine-durable.bench.ts too): gives each EffectRecord its
// seq (the tracker), encodes it in place after the ring header (ring-records.ts) and
// pushes it for the journal-writer worker; wakes the writer once per reply flush, and
// only when it asked for it (writerWakeSeq, shared-state.ts).
//
// Invariants: records enter the ring in seq order, one per seq (seqs are dense); a full
// ring blocks the engine (backpressure), never drops a record; a record too large for
// one journal record goes as a header flagged effectsOversize (the writer then fails
// the epoch: it is never acknowledged); nothing published is left unannounced when the
// engine parks (the worker calls notify() before every wait).

import { assert } from '../assert.js';
import type { EffectRecord } from '../engine/effects.js';
import { engineIdleWaitMs, journalPayloadBytesMax, journalWriterEagerBytes } from '../limits.js';
import type { SpscRing } from '../ring/spsc-ring.js';
import { effectRecordBytes, effectsHeaderBytes, effectsOversize, writeEffectRecord, writeEffectsHeader } from './ring-records.js';
import { DurabilityShared, SharedBig } from './shared-state.js';
import type { Tracker } from './tracker.js';

export class EffectsPublisher {
  /** The engine's reload count: the writer drops records of an epoch it abandoned. */
  epoch = 0;
  /** Where a ring record is assembled (reused: the ring copies it). */
  private scratch = Buffer.allocUnsafe(64 * 1024);
  /** The last record's view of scratch: records of one size (a SET load) reuse it. */
  private view = this.scratch.subarray(0, 0);
  /** Records pushed since the last notify(). */
  private unnotified = false;

  constructor(
    private readonly ring: SpscRing,
    private readonly tracker: Tracker,
    private readonly shared: DurabilityShared,
  ) {}

  /** Gives the record its seq and hands it to the journal writer (blocks while the ring is full); returns the seq. */
  publish(record: EffectRecord): number {
    const seq = this.tracker.noteWrite(record);
    const payloadBytes = effectRecordBytes(record);
    // Too large for one journal record: the writer fails this epoch (never acknowledged).
    const oversize = payloadBytes > journalPayloadBytesMax;
    const bytes = effectsHeaderBytes + (oversize ? 0 : payloadBytes);
    if (this.scratch.length < bytes) {
      this.scratch = Buffer.allocUnsafe(Math.max(bytes, this.scratch.length * 2));
      this.view = this.scratch.subarray(0, 0);
    }
    const scratch = this.scratch;
    writeEffectsHeader(scratch, this.epoch, seq, oversize ? effectsOversize : 0);
    // Encoded in place after the header (no Buffer per record: it mattered for 4 KB values).
    if (!oversize) assert(writeEffectRecord(record, scratch, effectsHeaderBytes) === bytes, 'effect record size');
    if (this.view.length !== bytes) this.view = scratch.subarray(0, bytes);
    const rec = this.view;
    const ring = this.ring;
    while (!ring.tryPush(rec)) {
      ring.notify();
      ring.waitForSpace(rec.length, engineIdleWaitMs);
    }
    // The writer is woken once per flush (notify), not per record: an Atomics.notify of
    // a thread parked in waitAsync costs microseconds, was a quarter of the engine's CPU
    // under a SET -P 16 load, and one wake-up per batch also hands the writer a whole
    // batch at once (larger groups).
    this.unnotified = true;
    return seq;
  }

  /**
   * Wakes the writer if records were pushed since the last call and it asked for them
   * (shared-state.ts, writerWakeSeq): while an append is in flight it takes a small
   * group at the ack anyway.
   */
  notify(): void {
    if (!this.unnotified) return;
    this.unnotified = false;
    const ring = this.ring;
    if (this.tracker.latestSeq >= this.shared.load(SharedBig.writerWakeSeq) || ring.usedBytes() >= journalWriterEagerBytes) ring.notify();
  }
}
