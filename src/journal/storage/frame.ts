// The journal's on-disk frame: one log entry in a segment file (src/journal/storage).
// Pure encode/decode on Buffers; runs wherever storage runs (log-node main thread, or
// the simulator). All integers little-endian; u64 fields hold safe integers (< 2^53).
//
//   offset size field
//        0    4 frameBytes     whole frame, this field and the checksum included (48 + payloadBytes)
//        4    1 version        journalFormatVersion (src/journal/record-types.ts)
//        5    1 type           RecordType code
//        6    2 engineVersion
//        8    8 index          Raft index = journal entry id
//       16    8 term
//       24    4 writerId
//       28    8 writerSeq
//       36    4 payloadBytes
//       40    P payload
//     40+P    8 xxhash64 of bytes [0, 40+P)
//
// Invariant: a frame is accepted only if its length fields agree, its version is known
// and its checksum matches; anything else is a torn or corrupt frame and the log is cut there.

import { assert } from '../../assert.js';
import { journalPayloadBytesMax } from '../../limits.js';
import { journalFormatVersion } from '../record-types.js';
import { ChecksumBatch, checksum64 } from './checksum.js';
import { isU64, loadU32, loadU64, storeU16, storeU32, storeU64 } from '../../le-bytes.js';
import type { LogEntry } from './types.js';

export const frameHeaderBytes = 40;
export const frameChecksumBytes = 8;
export const frameOverheadBytes = frameHeaderBytes + frameChecksumBytes;
export const frameBytesMax = frameOverheadBytes + journalPayloadBytesMax;

export function writeU64(buf: Buffer, value: number, at: number): void {
  // The message is built only on failure.
  if (!isU64(value)) assert(false, `u64 field out of range: ${value}`);
  if (!(at >= 0 && at + 8 <= buf.byteLength)) throw new RangeError(`u64 at ${at} outside a buffer of ${buf.byteLength} bytes`);
  storeU64(buf, at, value);
}

/** Reads a u64 written by writeU64; returns NaN above 2^53 (never a valid value). */
export function readU64(buf: Buffer, at: number): number {
  if (!(at >= 0 && at + 8 <= buf.byteLength)) throw new RangeError(`u64 at ${at} outside a buffer of ${buf.byteLength} bytes`);
  return loadU64(buf, at);
}

export function frameBytesOf(entry: LogEntry): number {
  return frameOverheadBytes + entry.payload.byteLength;
}

/**
 * Writes one entry's frame at `at` in `buf` (which must have room) WITHOUT its
 * checksum; returns the bytes the frame takes. sealFrames must run over it before the
 * bytes are used: the append path writes a chunk's frames, then seals them in one batch.
 */
export function encodeFrameUnsealed(entry: LogEntry, buf: Buffer, at: number): number {
  const payload = entry.payload;
  const payloadBytes = payload.byteLength;
  // Checked here because the stores below take the low bits of whatever they are given
  // (the messages are built only on failure: this runs once per record appended).
  if (payloadBytes > journalPayloadBytesMax) assert(false, `journal payload of ${payloadBytes} bytes is over the limit`);
  if (!(entry.type >= 0 && entry.type <= 0xff && entry.engineVersion >= 0 && entry.engineVersion <= 0xffff)) assert(false, 'frame field out of range');
  if (!(entry.writerId >= 0 && entry.writerId <= 0xffff_ffff)) assert(false, 'writerId out of range');
  if (!(isU64(entry.index) && isU64(entry.term) && isU64(entry.writerSeq))) assert(false, `u64 field out of range in entry ${entry.index}`);
  const frameBytes = frameOverheadBytes + payloadBytes;
  if (!(at >= 0 && at + frameBytes <= buf.byteLength)) assert(false, 'frame does not fit its buffer');
  storeU32(buf, at, frameBytes);
  buf[at + 4] = journalFormatVersion;
  buf[at + 5] = entry.type;
  storeU16(buf, at + 6, entry.engineVersion);
  storeU64(buf, at + 8, entry.index);
  storeU64(buf, at + 16, entry.term);
  storeU32(buf, at + 24, entry.writerId);
  storeU64(buf, at + 28, entry.writerSeq);
  storeU32(buf, at + 36, payloadBytes);
  buf.set(payload, at + frameHeaderBytes);
  return frameBytes;
}

/**
 * Writes the checksum of every frame in buf[start, end), which holds whole frames back
 * to back as encodeFrameUnsealed wrote them (their length fields are trusted: we just
 * wrote them). Hashes through ChecksumBatch: one copy into wasm memory per window.
 */
export function sealFrames(buf: Buffer, start: number, end: number): void {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let at = start;
  while (at < end) {
    // Load a window of whole frames (at least one, however big).
    let windowEnd = at;
    while (windowEnd < end) {
      const frameBytes = loadU32(buf, windowEnd);
      assert(frameBytes >= frameOverheadBytes && windowEnd + frameBytes <= end, 'sealFrames: bad frame length');
      if (windowEnd > at && windowEnd + frameBytes - at > ChecksumBatch.windowBytes) break;
      windowEnd += frameBytes;
    }
    ChecksumBatch.load(buf, at, windowEnd);
    for (let frame = at; frame < windowEnd; ) {
      const frameBytes = loadU32(buf, frame);
      const summed = frameBytes - frameChecksumBytes;
      ChecksumBatch.store(frame - at, summed, view, frame + summed);
      frame += frameBytes;
    }
    at = windowEnd;
  }
}

/** Encodes one entry at `at` in `buf` (which must have room); returns the bytes written. */
export function encodeFrame(entry: LogEntry, buf: Buffer, at: number): number {
  const frameBytes = encodeFrameUnsealed(entry, buf, at);
  sealFrames(buf, at, at + frameBytes);
  return frameBytes;
}

export type FrameDecode =
  | { readonly ok: true; readonly entry: LogEntry; readonly frameBytes: number }
  | { readonly ok: false; readonly torn: boolean; readonly reason: string };

/**
 * Decodes the frame at `at`. `torn` means the bytes end inside the frame (a torn write at
 * the tail); otherwise the frame is corrupt. The payload is a view into `buf` (callers pass
 * buffers they own).
 */
export function decodeFrame(buf: Buffer, at: number, end = buf.byteLength): FrameDecode {
  const available = end - at;
  if (available < 4) return { ok: false, torn: true, reason: 'torn frame (length cut)' };
  const frameBytes = buf.readUInt32LE(at);
  if (frameBytes < frameOverheadBytes || frameBytes > frameBytesMax) {
    return { ok: false, torn: false, reason: `bad frame length ${frameBytes}` };
  }
  if (available < frameBytes) return { ok: false, torn: true, reason: `torn frame (${available} of ${frameBytes} bytes)` };
  const version = buf.readUInt8(at + 4);
  if (version !== journalFormatVersion) return { ok: false, torn: false, reason: `unknown frame version ${version}` };
  const payloadBytes = buf.readUInt32LE(at + 36);
  if (payloadBytes + frameOverheadBytes !== frameBytes) {
    return { ok: false, torn: false, reason: `frame length ${frameBytes} disagrees with payload length ${payloadBytes}` };
  }
  const sumAt = at + frameHeaderBytes + payloadBytes;
  const index = readU64(buf, at + 8);
  if (buf.readBigUInt64LE(sumAt) !== checksum64(buf.subarray(at, sumAt))) {
    return { ok: false, torn: false, reason: `checksum mismatch at index ${index}` };
  }
  const term = readU64(buf, at + 16);
  const writerSeq = readU64(buf, at + 28);
  if (Number.isNaN(index) || Number.isNaN(term) || Number.isNaN(writerSeq)) {
    return { ok: false, torn: false, reason: 'u64 field above 2^53' };
  }
  const entry: LogEntry = {
    index,
    term,
    type: buf.readUInt8(at + 5),
    engineVersion: buf.readUInt16LE(at + 6),
    writerId: buf.readUInt32LE(at + 24),
    writerSeq,
    payload: buf.subarray(at + frameHeaderBytes, sumAt),
  };
  return { ok: true, entry, frameBytes };
}
