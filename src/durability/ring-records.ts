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
//   13     1     pad       0..7: bytes (of any value) between the header and the payload
//   14     2     reserved  0
//   16+pad ...   payload   the encoded EffectRecord (src/engine/effects.ts)
//
// The pad is chosen by the publisher so that the record's largest argument lands in the
// ring at the same offset mod 8 as the bytes it is copied from (a view of the request
// ring, where RESP framing puts it anywhere): V8 copies to or from a SharedArrayBuffer
// with a relaxed-atomic memcpy that moves 8-byte words only when both ends are aligned
// alike, else byte by byte (~2-3 µs for 4 KiB instead of ~0.3). Ring records start
// 8-aligned (SpscRing), so the pad alone decides that alignment.
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
// The payload is written in place after the ring header by effects.ts's
// writeEffectRecord (re-exported here for the engine worker): no Buffer per record.

import { putF64 } from '../engine/effects.js';
import { storeU32 } from '../le-bytes.js';

export { effectRecordBytes, writeEffectRecord } from '../engine/effects.js';

export const effectsHeaderBytes = 16;
export const effectsOversize = 1;
/** Offset of the pad byte in the effects ring header. */
const padOffset = 13;
/** Largest pad: an offset mod 8. */
export const effectsPadMax = 7;

/** Where the payload of the effects ring record at buf[at...] starts (after its header and pad). */
export function effectsPayloadStart(buf: Uint8Array, at: number): number {
  return at + effectsHeaderBytes + buf[at + padOffset]!;
}

export const ReplayKind = {
  effects: 1,
  loaded: 2,
  reset: 3,
} as const;

export const replayHeaderBytes = 4;

/**
 * Writes the effects ring header at buf[at, at + effectsHeaderBytes) (once per write: no
 * checked Buffer writes; `at` is where the ring reserved the record, or 0 in a scratch);
 * the payload goes at at + effectsHeaderBytes + pad.
 */
export function writeEffectsHeader(buf: Buffer, at: number, epoch: number, seq: number, flags: number, pad = 0): void {
  storeU32(buf, at, epoch >>> 0);
  putF64(buf, at + 4, seq);
  buf[at + 12] = flags;
  buf[at + padOffset] = pad;
  buf[at + 14] = 0;
  buf[at + 15] = 0;
}
