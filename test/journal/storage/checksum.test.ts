// The batch checksum path (storage/checksum.ts, frame.ts sealFrames) against the
// one-at-a-time path that recovery verifies with: every frame sealed in a batch (of any
// size, across the batch window, one frame bigger than the window) decodes as intact.

import { describe, expect, it } from 'vitest';
import { ChecksumBatch, checksum64 } from '../../../src/journal/storage/checksum.js';
import { decodeFrame, encodeFrame, encodeFrameUnsealed, frameBytesOf, sealFrames } from '../../../src/journal/storage/frame.js';
import type { LogEntry } from '../../../src/journal/storage/types.js';

const entry = (index: number, payloadBytes: number): LogEntry => ({
  index, term: 2, type: 2, engineVersion: 1, writerId: 9, writerSeq: index,
  payload: Buffer.from(Array.from({ length: payloadBytes }, (_, i) => (i * 31 + index) & 0xff)),
});

function sealedChunk(entries: LogEntry[]): Buffer {
  const buf = Buffer.alloc(entries.reduce((n, e) => n + frameBytesOf(e), 0));
  let at = 0;
  for (const e of entries) at += encodeFrameUnsealed(e, buf, at);
  sealFrames(buf, 0, at);
  return buf;
}

describe('batch checksums', () => {
  it('agree with checksum64 on every length and offset', () => {
    const bytes = Buffer.from(Array.from({ length: 600 }, (_, i) => (i * 89 + 3) & 0xff));
    ChecksumBatch.load(bytes, 100, 600);
    for (let length = 0; length <= 300; length += 7) {
      for (const at of [0, 1, 5, 8, 33]) expect(ChecksumBatch.sum(at, length)).toBe(checksum64(bytes.subarray(100 + at, 100 + at + length)));
    }
  });

  it('seal frames that decode, in chunks smaller and larger than the window and around one frame bigger than it', () => {
    const sizes = [0, 1, 7, 130, 4096];
    const small = Array.from({ length: 40 }, (_, i) => entry(i + 1, sizes[i % sizes.length]!));
    // ~1.6 MiB of 100 KiB frames: more than one window.
    const many = Array.from({ length: 16 }, (_, i) => entry(i + 1, 100 * 1024 + i));
    const huge = [entry(1, 10), entry(2, ChecksumBatch.windowBytes + 5), entry(3, 10)];
    for (const entries of [small, many, huge]) {
      const buf = sealedChunk(entries);
      let at = 0;
      for (const e of entries) {
        const decoded = decodeFrame(buf, at);
        expect(decoded.ok, `entry ${e.index}`).toBe(true);
        if (!decoded.ok) return;
        expect(decoded.entry.index).toBe(e.index);
        expect(Buffer.compare(Buffer.from(decoded.entry.payload), Buffer.from(e.payload))).toBe(0);
        at += decoded.frameBytes;
      }
      expect(at).toBe(buf.byteLength);
    }
  });

  it('seal only the frames asked for, and encodeFrame seals its own', () => {
    const entries = [entry(1, 20), entry(2, 20)];
    const buf = Buffer.alloc(frameBytesOf(entries[0]!) + frameBytesOf(entries[1]!));
    const first = encodeFrame(entries[0]!, buf, 0);
    encodeFrameUnsealed(entries[1]!, buf, first);
    expect(decodeFrame(buf, 0).ok).toBe(true);
    const unsealed = decodeFrame(buf, first);
    expect(unsealed.ok).toBe(false);
    if (!unsealed.ok) expect(unsealed.reason).toMatch(/checksum mismatch/);
    sealFrames(buf, first, buf.byteLength);
    expect(decodeFrame(buf, first).ok).toBe(true);
  });
});
