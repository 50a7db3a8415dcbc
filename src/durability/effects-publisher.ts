// The engine's end of the effects ring (engine worker; engine-worker.ts builds one with
// a journal, bench/durability/engine-durable.bench.ts too): gives each EffectRecord its
// seq (the tracker), encodes it straight into the ring's space (SpscRing.tryReserve;
// the ring header of ring-records.ts, then the record) and leaves it unpublished; at
// each reply flush (notify()) publishes the ring's tail once for all of them and wakes
// the journal-writer worker, only when it asked for it (writerWakeSeq, shared-state.ts).
//
// Each record's largest argument is placed at the offset mod 8 of the bytes it is copied
// from (a pad after the ring header, ring-records.ts), so that writeEffectRecord's copy
// of a big value from the request ring moves words, not bytes.
//
// Invariants: records enter the ring in seq order, one per seq (seqs are dense); a full
// ring blocks the engine (backpressure), never drops a record, and is published before
// the engine waits for space (the writer could not free what it cannot see); a record
// too large for one journal record goes as a header flagged effectsOversize (the writer
// then fails the epoch: it is never acknowledged); nothing pushed is left unpublished
// or unannounced when the engine parks (the worker calls notify() before every wait,
// and at busy onset).

import { assert } from '../assert.js';
import { effectArgHeadBytes, effectHeadBytes, effectRecordHeadBytes, type EffectRecord } from '../engine/effects.js';
import { engineIdleWaitMs, journalPayloadBytesMax, journalWriterEagerBytes } from '../limits.js';
import { ringReserveFull, ringReserveWraps, type SpscRing } from '../ring/spsc-ring.js';
import { effectRecordBytes, effectsHeaderBytes, effectsOversize, effectsPadMax, writeEffectRecord, writeEffectsHeader } from './ring-records.js';
import { DurabilityShared, SharedBig } from './shared-state.js';
import type { Tracker } from './tracker.js';

/**
 * Arguments shorter than this are not worth a pad: effects.ts copies up to 32 bytes with
 * a byte loop, and a misaligned copy of a few hundred bytes costs about as much as an
 * aligned one (~0.2 µs).
 */
const alignArgumentBytesMin = 256;

/**
 * The pad (ring-records.ts) that puts the record's largest argument of at least
 * alignArgumentBytesMin bytes at the same offset mod 8 as its source bytes, 0 when it
 * has none: the ring record starts 8-aligned and its payload at effectsHeaderBytes + pad,
 * so the argument lands at pad + its offset in the encoded record, mod 8.
 */
export function effectsPadFor(record: EffectRecord): number {
  let longest = alignArgumentBytesMin - 1;
  let pad = 0;
  let o = effectRecordHeadBytes;
  const effects = record.effects;
  for (let k = 0; k < effects.length; k++) {
    const argv = effects[k]!.argv;
    o += effectHeadBytes;
    for (let j = 0; j < argv.length; j++) {
      const a = argv[j]!;
      o += effectArgHeadBytes;
      if (a.length > longest) {
        longest = a.length;
        pad = (a.byteOffset - (effectsHeaderBytes + o)) & effectsPadMax;
      }
      o += a.length;
    }
  }
  return pad;
}

export class EffectsPublisher {
  /** The engine's reload count: the writer drops records of an epoch it abandoned. */
  epoch = 0;
  /** Where a record that would straddle the ring's end is assembled (reused: the ring copies it). */
  private scratch = Buffer.allocUnsafe(64 * 1024);
  /** Records pushed since the last notify() (unpublished until then). */
  private unnotified = false;

  constructor(
    private readonly ring: SpscRing,
    private readonly tracker: Tracker,
    private readonly shared: DurabilityShared,
  ) {}

  /**
   * Gives the record its seq and puts it in the ring, unpublished until the next
   * notify() (blocks while the ring is full); returns the seq.
   */
  publish(record: EffectRecord): number {
    const seq = this.tracker.noteWrite(record);
    const payloadBytes = effectRecordBytes(record);
    // Too large for one journal record: the writer fails this epoch (never acknowledged).
    const oversize = payloadBytes > journalPayloadBytesMax;
    const pad = oversize ? 0 : effectsPadFor(record);
    const bytes = effectsHeaderBytes + pad + (oversize ? 0 : payloadBytes);
    const flags = oversize ? effectsOversize : 0;
    const ring = this.ring;
    let at = ring.tryReserve(bytes);
    while (at === ringReserveFull) {
      // The writer must see (and be woken for) what fills the ring before the engine waits.
      ring.publish();
      ring.notify();
      ring.waitForSpace(bytes, engineIdleWaitMs);
      at = ring.tryReserve(bytes);
    }
    if (at !== ringReserveWraps) {
      // Encoded straight into the ring's space: no scratch copy (one per write; 4 KiB of
      // a big value's).
      const buf = ring.producerBytes;
      writeEffectsHeader(buf, at, this.epoch, seq, flags, pad);
      if (!oversize) assert(writeEffectRecord(record, buf, at + effectsHeaderBytes + pad) === at + bytes, 'effect record size');
      ring.commitReserved();
    } else {
      // Once per lap of the ring: the record would straddle its end, so it is assembled
      // aside and split-copied.
      if (this.scratch.length < bytes) this.scratch = Buffer.allocUnsafe(Math.max(bytes, this.scratch.length * 2));
      const scratch = this.scratch;
      writeEffectsHeader(scratch, 0, this.epoch, seq, flags, pad);
      if (!oversize) assert(writeEffectRecord(record, scratch, effectsHeaderBytes + pad) === bytes, 'effect record size');
      assert(ring.tryPush(scratch.subarray(0, bytes), false), 'effects ring: a record that fits was refused');
    }
    // The tail is published and the writer woken once per flush (notify), not per
    // record: the writer reads the ring only after a wake-up or an ack; an
    // Atomics.notify of a thread parked in waitAsync costs microseconds, was a quarter of
    // the engine's CPU under a SET -P 16 load when it ran per record, and one wake-up per
    // batch also hands the writer a whole batch at once (larger groups).
    this.unnotified = true;
    return seq;
  }

  /**
   * Publishes the records pushed since the last call and wakes the writer if it asked
   * for them (shared-state.ts, writerWakeSeq): while an append is in flight it takes a
   * small group at the ack anyway.
   */
  notify(): void {
    if (!this.unnotified) return;
    this.unnotified = false;
    const ring = this.ring;
    ring.publish();
    if (this.tracker.latestSeq >= this.shared.load(SharedBig.writerWakeSeq) || ring.usedBytes() >= journalWriterEagerBytes) ring.notify();
  }
}
