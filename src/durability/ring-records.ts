// Records on the two rings between the engine worker and the journal-writer worker
// (imported by both threads; no code runs at load). Little endian.
//
// Effects ring (engine -> journal writer), one record per EffectRecord:
//   offset size  field
//   0      4     epoch     u32: the engine's reload count; the writer drops records of
//                          an epoch it has abandoned (a failed journal, see tracker.ts)
//   4      8     seq       f64 (an integer < 2^53): dense from 1 per server incarnation
//   12     1     flags     0, or effectsOversize: the record was too large for the
//                          journal and is not included (the writer fails the epoch)
//   13     3     reserved  0
//   16     ...   payload   the encoded EffectRecord (src/engine/effects.ts)
//
// Replay ring (journal writer -> engine):
//   offset size  field
//   0      1     kind      ReplayKind
//   1      3     reserved  0
//   4      ...   body      effects: an encoded EffectRecord to apply;
//                          loaded: empty (the load is over, serve clients);
//                          reset: latin1 reason (fail held replies, drop the keyspace,
//                          answer -LOADING until the next `loaded`)
//
// Invariants: the writer pushes `reset` before any record of the reload it starts, and
// `loaded` only after the last record of the load; the engine applies them in order.
// effectRecordBytes/writeEffectRecord produce exactly encodeEffectRecord's bytes
// (src/engine/effects.ts, format version 1; test/durability/ring-records.test.ts checks
// it on random records), written in place after the ring header: no Buffer per record.

import { assert } from '../assert.js';
import { databaseCount } from '../limits.js';
import { effectFormatVersion, type EffectRecord } from '../engine/effects.js';

export const effectsHeaderBytes = 16;
export const effectsOversize = 1;

export const ReplayKind = {
  effects: 1,
  loaded: 2,
  reset: 3,
} as const;

export const replayHeaderBytes = 4;

export function writeEffectsHeader(buf: Buffer, epoch: number, seq: number, flags: number): void {
  buf.writeUInt32LE(epoch >>> 0, 0);
  buf.writeDoubleLE(seq, 4);
  buf[12] = flags;
  buf[13] = 0;
  buf[14] = 0;
  buf[15] = 0;
}

/** Bytes encodeEffectRecord(record) takes (src/engine/effects.ts, format version 1). */
export function effectRecordBytes(record: EffectRecord): number {
  let bytes = 16;
  for (const e of record.effects) {
    bytes += 5;
    for (const a of e.argv) bytes += 4 + a.length;
  }
  return bytes;
}

/**
 * Writes encodeEffectRecord(record)'s bytes into `buf` at `at` (it must have
 * effectRecordBytes(record) bytes there); returns the end offset.
 */
export function writeEffectRecord(record: EffectRecord, buf: Buffer, at: number): number {
  assert(effectFormatVersion === 1, 'writeEffectRecord writes format version 1: update it with effects.ts');
  assert(record.effects.length > 0, 'an effect record holds at least one effect');
  buf[at] = effectFormatVersion;
  buf[at + 1] = 0;
  buf[at + 2] = 0;
  buf[at + 3] = 0;
  buf.writeUInt32LE(record.effects.length, at + 4);
  buf.writeDoubleLE(record.nowMs, at + 8);
  let o = at + 16;
  for (const e of record.effects) {
    assert(e.argv.length > 0, 'an effect has a command name');
    assert(Number.isInteger(e.dbIndex) && e.dbIndex >= 0 && e.dbIndex < databaseCount, 'effect dbIndex');
    buf[o] = e.dbIndex;
    buf.writeUInt32LE(e.argv.length, o + 1);
    o += 5;
    for (const a of e.argv) {
      buf.writeUInt32LE(a.length, o);
      o += 4;
      buf.set(a, o);
      o += a.length;
    }
  }
  return o;
}
