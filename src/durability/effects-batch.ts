// Effects batch: several EffectRecords (src/engine/effects.ts) in ONE journal record's
// payload (journal writer worker: it packs them and, at load, unpacks them). One
// journal entry per append instead of one per command: the log nodes' cost is mostly
// per entry (framing, checksum, replication bookkeeping, dedup), so a group commit of
// 50 records costs about one entry, and an append can never be cut into a prefix.
//
// A payload of RecordType.effects is either one EffectRecord (its first byte is the
// effect format version, a small number) or a batch, whose first byte is
// effectsBatchMarker, a value effect format versions never take.
//
// Layout (little endian), batch format version 1:
//   offset size  field
//   0      1     marker        effectsBatchMarker (0xEB)
//   1      1     version       1
//   2      2     reserved      0
//   4      4     count         u32, >= 2 (a single record is written plain)
//   8      ...   count times:  u32 byteLength, then the EffectRecord's bytes
//
// Invariants: the batch ends exactly after its last record (checked); records keep the
// order they were committed in.

import { assert } from '../assert.js';
import { effectFormatVersion } from '../engine/effects.js';

export const effectsBatchMarker = 0xeb;
export const effectsBatchVersion = 1;
export const effectsBatchHeaderBytes = 8;
const headerBytes = effectsBatchHeaderBytes;

// An effect format version must never be mistaken for the batch marker.
assert(effectFormatVersion < effectsBatchMarker, 'effect format versions stay below the batch marker');

/** Bytes a batch of records with these payload sizes takes. */
export function effectsBatchBytes(totalPayloadBytes: number, count: number): number {
  return headerBytes + 4 * count + totalPayloadBytes;
}

/**
 * Writes the batch header for `count` records at `at` in `buf`, whose records (each a
 * u32 length, then its bytes) the caller wrote from at + effectsBatchHeaderBytes on:
 * the journal writer builds its group in place this way, one copy per record.
 */
export function writeEffectsBatchHeader(buf: Buffer, count: number, at = 0): void {
  assert(count >= 2, 'a batch holds at least two records');
  buf[at] = effectsBatchMarker;
  buf[at + 1] = effectsBatchVersion;
  buf[at + 2] = 0;
  buf[at + 3] = 0;
  buf.writeUInt32LE(count, at + 4);
}

export function encodeEffectsBatch(records: readonly Uint8Array[]): Buffer {
  let total = 0;
  for (const r of records) total += r.length;
  const buf = Buffer.allocUnsafe(effectsBatchBytes(total, records.length));
  writeEffectsBatchHeader(buf, records.length);
  let at = headerBytes;
  for (const r of records) {
    buf.writeUInt32LE(r.length, at);
    buf.set(r, at + 4);
    at += 4 + r.length;
  }
  assert(at === buf.length, 'effects batch size mismatch');
  return buf;
}

/** The EffectRecord payloads in a journal effects payload (views into it), in order. */
export function splitEffectsPayload(payload: Uint8Array): Uint8Array[] {
  if (payload.length === 0 || payload[0] !== effectsBatchMarker) return [payload];
  assert(payload.length >= headerBytes, 'effects batch shorter than its header');
  assert(payload[1] === effectsBatchVersion, `unknown effects batch version ${payload[1]}`);
  const view = Buffer.from(payload.buffer, payload.byteOffset, payload.length);
  const count = view.readUInt32LE(4);
  const out: Uint8Array[] = [];
  let at = headerBytes;
  for (let i = 0; i < count; i++) {
    assert(at + 4 <= view.length, 'effects batch truncated');
    const len = view.readUInt32LE(at);
    at += 4;
    assert(at + len <= view.length, 'effects batch truncated');
    out.push(payload.subarray(at, at + len));
    at += len;
  }
  assert(at === view.length, 'trailing bytes after an effects batch');
  return out;
}
