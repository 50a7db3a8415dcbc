// The two small metadata files of a log node's directory, each written atomically
// (writeFileAtomic: temp + fdatasync + rename + dir fsync) and checksummed, so a crash
// leaves either the old or the new content and bit rot is detected, never trusted.
//
// hard-state (32 bytes): Raft's currentTerm and votedFor.
//   0 u32 magic 'KHS1'   4 u32 reserved 0   8 u64 term   16 u32 votedFor   20 u32 reserved 0
//  24 u64 xxhash64 of bytes [0, 24)
// trim-point (32 bytes): id and term of the last trimmed entry (0, 0 when never trimmed).
//   0 u32 magic 'KTP1'   4 u32 reserved 0   8 u64 index  16 u64 term   24 u64 xxhash64 of [0, 24)

import { checksum64 } from './checksum.js';
import { readU64, writeU64 } from './frame.js';
import type { HardState } from './types.js';

export const hardStateFile = 'hard-state';
export const trimPointFile = 'trim-point';
const metaBytes = 32;
const hardStateMagic = 0x3153484b; // 'KHS1' little-endian
const trimPointMagic = 0x3150544b; // 'KTP1'

export interface TrimPoint {
  readonly index: number;
  readonly term: number;
}

/** A metadata file that fails its checks: the node refuses to start rather than guess. */
export class MetaFileCorruptError extends Error {
  override name = 'MetaFileCorruptError';
}

function seal(buf: Buffer): Buffer {
  buf.writeBigUInt64LE(checksum64(buf.subarray(0, 24)), 24);
  return buf;
}

function unseal(bytes: Uint8Array, magic: number, file: string): Buffer {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.byteLength !== metaBytes) throw new MetaFileCorruptError(`${file}: ${buf.byteLength} bytes, expected ${metaBytes}`);
  if (buf.readUInt32LE(0) !== magic) throw new MetaFileCorruptError(`${file}: bad magic`);
  if (buf.readBigUInt64LE(24) !== checksum64(buf.subarray(0, 24))) throw new MetaFileCorruptError(`${file}: checksum mismatch`);
  return buf;
}

export function encodeHardState(state: HardState): Buffer {
  const buf = Buffer.alloc(metaBytes);
  buf.writeUInt32LE(hardStateMagic, 0);
  writeU64(buf, state.term, 8);
  buf.writeUInt32LE(state.votedFor, 16);
  return seal(buf);
}

export function decodeHardState(bytes: Uint8Array): HardState {
  const buf = unseal(bytes, hardStateMagic, hardStateFile);
  const term = readU64(buf, 8);
  if (Number.isNaN(term)) throw new MetaFileCorruptError(`${hardStateFile}: term out of range`);
  return { term, votedFor: buf.readUInt32LE(16) };
}

export function encodeTrimPoint(point: TrimPoint): Buffer {
  const buf = Buffer.alloc(metaBytes);
  buf.writeUInt32LE(trimPointMagic, 0);
  writeU64(buf, point.index, 8);
  writeU64(buf, point.term, 16);
  return seal(buf);
}

export function decodeTrimPoint(bytes: Uint8Array): TrimPoint {
  const buf = unseal(bytes, trimPointMagic, trimPointFile);
  const index = readU64(buf, 8);
  const term = readU64(buf, 16);
  if (Number.isNaN(index) || Number.isNaN(term)) throw new MetaFileCorruptError(`${trimPointFile}: out of range`);
  return { index, term };
}
