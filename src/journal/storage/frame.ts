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
import { checksum64 } from './checksum.js';
import type { LogEntry } from './types.js';

export const frameHeaderBytes = 40;
export const frameChecksumBytes = 8;
export const frameOverheadBytes = frameHeaderBytes + frameChecksumBytes;
export const frameBytesMax = frameOverheadBytes + journalPayloadBytesMax;

const u32Span = 0x1_0000_0000;

/**
 * The checksum goes through this 8-byte scratch (a DataView store, then an 8-byte copy):
 * Buffer#writeBigUInt64LE range-checks and splits the BigInt with BigInt arithmetic,
 * allocating, once per record on the append path.
 */
const checksumScratch = new DataView(new ArrayBuffer(frameChecksumBytes));
const checksumScratchBytes = new Uint8Array(checksumScratch.buffer);

export function writeU64(buf: Buffer, value: number, at: number): void {
  // The message is built only on failure (this runs three times per record appended).
  if (!(Number.isSafeInteger(value) && value >= 0)) assert(false, `u64 field out of range: ${value}`);
  buf.writeUInt32LE(value % u32Span, at);
  buf.writeUInt32LE(Math.floor(value / u32Span), at + 4);
}

/** Reads a u64 written by writeU64; returns NaN above 2^53 (never a valid value). */
export function readU64(buf: Buffer, at: number): number {
  const high = buf.readUInt32LE(at + 4);
  if (high >= 0x20_0000) return Number.NaN;
  return high * u32Span + buf.readUInt32LE(at);
}

export function frameBytesOf(entry: LogEntry): number {
  return frameOverheadBytes + entry.payload.byteLength;
}

/** Encodes one entry at `at` in `buf` (which must have room); returns the bytes written. */
export function encodeFrame(entry: LogEntry, buf: Buffer, at: number): number {
  const payloadBytes = entry.payload.byteLength;
  if (payloadBytes > journalPayloadBytesMax) assert(false, `journal payload of ${payloadBytes} bytes is over the limit`);
  assert(entry.type >= 0 && entry.type <= 0xff && entry.engineVersion >= 0 && entry.engineVersion <= 0xffff, 'frame field out of range');
  assert(entry.writerId >= 0 && entry.writerId <= 0xffff_ffff, 'writerId out of range');
  const frameBytes = frameOverheadBytes + payloadBytes;
  buf.writeUInt32LE(frameBytes, at);
  buf.writeUInt8(journalFormatVersion, at + 4);
  buf.writeUInt8(entry.type, at + 5);
  buf.writeUInt16LE(entry.engineVersion, at + 6);
  writeU64(buf, entry.index, at + 8);
  writeU64(buf, entry.term, at + 16);
  buf.writeUInt32LE(entry.writerId, at + 24);
  writeU64(buf, entry.writerSeq, at + 28);
  buf.writeUInt32LE(payloadBytes, at + 36);
  buf.set(entry.payload, at + frameHeaderBytes);
  const sumAt = at + frameHeaderBytes + payloadBytes;
  // A plain Uint8Array view: Buffer#subarray goes through Node's FastBuffer constructor.
  checksumScratch.setBigUint64(0, checksum64(new Uint8Array(buf.buffer, buf.byteOffset + at, sumAt - at)), true);
  buf.set(checksumScratchBytes, sumAt);
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
