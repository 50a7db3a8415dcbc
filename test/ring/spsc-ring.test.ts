// Single-thread tests of SpscRing (src/ring/spsc-ring.ts): records wrap around the end
// of the data region with random sizes and must come out exactly as a model FIFO says;
// a full ring refuses, an oversize record throws, misuse trips the assertions, and the
// blocking waits refuse to run on the main thread (vitest runs this file on one).

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SpscRing, ringHeaderBytes, ringRecordFootprintBytes } from '../../src/ring/spsc-ring.js';
import { AssertionError } from '../../src/assert.js';

function bytes(length: number, salt: number): Uint8Array {
  const b = new Uint8Array(length);
  for (let k = 0; k < length; k++) b[k] = (salt * 131 + k * 7) & 0xff;
  return b;
}

/**
 * A ring of `capacity` whose free-running counters start at `start` (documented layout:
 * head at byte 64, tail at byte 128); attached afresh, as each side caches the other's.
 */
function ringStartingAt(capacity: number, start: number): SpscRing {
  const sab = SpscRing.create(capacity).sab;
  const header = new Int32Array(sab, 0, ringHeaderBytes / 4);
  Atomics.store(header, 64 / 4, start | 0);
  Atomics.store(header, 128 / 4, start | 0);
  return SpscRing.attach(sab);
}

type Op = { kind: 'push'; length: number; salt: number } | { kind: 'pop' };

describe('SpscRing, one thread', () => {
  it('matches a model FIFO with random record sizes, wrapping many times', () => {
    const capacityArb = fc.constantFrom(16, 32, 64, 256, 1024);
    fc.assert(
      fc.property(
        capacityArb,
        // Start the counters anywhere, including just below 2^32, so they wrap too.
        fc.oneof(fc.constant(0), fc.constant(0xffffff00), fc.integer({ min: 0, max: 0x3fffffff })),
        fc.array(
          fc.oneof(
            fc.record({ kind: fc.constant('push' as const), length: fc.nat(1100), salt: fc.nat(255) }),
            fc.constant({ kind: 'pop' as const }),
          ),
          { maxLength: 300 },
        ),
        (capacity, start, ops: Op[]) => {
          // Counters stay 4 mod 8 (payloads 8-aligned: spsc-ring.ts).
          const ring = ringStartingAt(capacity, (start & ~7) | 4);
          const model: Uint8Array[] = [];
          let modelUsed = 0;
          for (const op of ops) {
            if (op.kind === 'push') {
              const length = op.length % (ring.maxRecordBytes + 1);
              const rec = bytes(length, op.salt);
              const fits = capacity - modelUsed >= ringRecordFootprintBytes(length);
              expect(ring.tryPush(rec)).toBe(fits);
              if (fits) {
                model.push(rec);
                modelUsed += ringRecordFootprintBytes(length);
              }
            } else {
              const got = ring.tryPop();
              const want = model.shift();
              if (want === undefined) {
                expect(got).toBeNull();
              } else {
                expect(got).not.toBeNull();
                expect(Buffer.from(got!).equals(Buffer.from(want))).toBe(true);
                ring.release();
                modelUsed -= ringRecordFootprintBytes(want.length);
              }
            }
            expect(ring.usedBytes()).toBe(modelUsed);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('returns a zero-copy view when contiguous and a copy when the record wraps', () => {
    const ring = SpscRing.create(64);
    expect(ring.tryPush(bytes(40, 1))).toBe(true);
    const first = ring.tryPop()!;
    expect(first.buffer).toBe(ring.sab);
    ring.release();
    // Counters start at 4; the 40-byte record takes 48 bytes: tail is now at 52, a
    // 30-byte record's payload starts at 56 and wraps.
    const wrapped = bytes(30, 2);
    expect(ring.tryPush(wrapped)).toBe(true);
    const got = ring.tryPop()!;
    expect(got.buffer).not.toBe(ring.sab);
    expect(Buffer.from(got).equals(Buffer.from(wrapped))).toBe(true);
    ring.release();
    expect(ring.usedBytes()).toBe(0);
  });

  it('refuses a push when full and accepts it after a release', () => {
    const ring = SpscRing.create(64);
    const rec = bytes(12, 3); // footprint 16
    for (let i = 0; i < 4; i++) expect(ring.tryPush(rec)).toBe(true);
    expect(ring.usedBytes()).toBe(64);
    expect(ring.tryPush(new Uint8Array(0))).toBe(false);
    expect(ring.tryPop()).not.toBeNull();
    ring.release();
    expect(ring.tryPush(rec)).toBe(true);
    expect(ring.tryPush(rec)).toBe(false);
  });

  it('carries a record of exactly maxRecordBytes, wrapped, and an empty record', () => {
    const ring = SpscRing.create(256);
    expect(ring.maxRecordBytes).toBe(252);
    expect(ring.tryPush(bytes(100, 4))).toBe(true);
    ring.tryPop();
    ring.release();
    const big = bytes(ring.maxRecordBytes, 5);
    expect(ring.tryPush(big)).toBe(true);
    expect(ring.usedBytes()).toBe(256);
    expect(Buffer.from(ring.tryPop()!).equals(Buffer.from(big))).toBe(true);
    ring.release();
    expect(ring.tryPush(new Uint8Array(0))).toBe(true);
    expect(ring.tryPop()!.length).toBe(0);
    ring.release();
  });

  it('throws RangeError for a record larger than maxRecordBytes, even when empty', () => {
    const ring = SpscRing.create(256);
    expect(() => ring.tryPush(new Uint8Array(ring.maxRecordBytes + 1))).toThrow(RangeError);
    expect(ring.usedBytes()).toBe(0);
  });

  it('asserts on release without a popped record and on a second pop before release', () => {
    const ring = SpscRing.create(64);
    expect(() => ring.release()).toThrow(AssertionError);
    ring.tryPush(bytes(4, 6));
    ring.tryPush(bytes(4, 7));
    ring.tryPop();
    expect(() => ring.tryPop()).toThrow(AssertionError);
    ring.release();
    expect(() => ring.release()).toThrow(AssertionError);
  });

  it('attach sees the same records; foreign buffers and bad capacities are refused', () => {
    const producer = SpscRing.create(128);
    const consumer = SpscRing.attach(producer.sab);
    expect(consumer.capacityBytes).toBe(128);
    producer.tryPush(bytes(9, 8));
    expect(Buffer.from(consumer.tryPop()!).equals(Buffer.from(bytes(9, 8)))).toBe(true);
    consumer.release();
    expect(producer.usedBytes()).toBe(0);
    expect(() => SpscRing.attach(new SharedArrayBuffer(ringHeaderBytes + 128))).toThrow(AssertionError);
    expect(() => SpscRing.create(100)).toThrow(RangeError);
    expect(() => SpscRing.create(8)).toThrow(RangeError);
  });

  it('detects a corrupted length prefix instead of reading past the tail', () => {
    const ring = SpscRing.create(64);
    ring.tryPush(bytes(4, 9));
    new Int32Array(ring.sab, ringHeaderBytes + 4, 1)[0] = 40; // the first prefix (counters start at 4) claims more than was pushed
    expect(() => ring.tryPop()).toThrow(AssertionError);
  });

  it('refuses to block on the main thread; the async waits resolve without blocking', async () => {
    const ring = SpscRing.create(64);
    expect(() => ring.waitForData(1)).toThrow(/main thread/);
    expect(() => ring.waitForSpace(4, 1)).toThrow(/main thread/);
    const pending = ring.waitForDataAsync(5_000);
    ring.tryPush(bytes(4, 10));
    ring.notify();
    await pending;
    expect(ring.tryPop()).not.toBeNull();
    ring.release();
    await ring.waitForDataAsync(1); // empty: times out, resolves
    expect(await ring.waitForSpaceAsync(60, 1)).toBe(true);
    await expect(ring.waitForSpaceAsync(61, 1)).rejects.toThrow(RangeError);
  });

  it('starts every payload 8-aligned (V8 copies SharedArrayBuffer bytes by words only when both ends are aligned alike)', () => {
    const ring = SpscRing.create(256);
    for (let i = 0; i < 200; i++) {
      const length = (i * 13) % 61;
      expect(ring.tryPush(bytes(length, i))).toBe(true);
      const got = ring.tryPop()!;
      if (got.buffer === ring.sab) expect((got.byteOffset - ringHeaderBytes) % 8).toBe(0);
      expect(Buffer.from(got).equals(Buffer.from(bytes(length, i)))).toBe(true);
      ring.release();
    }
    expect(ringRecordFootprintBytes(0)).toBe(8);
    expect(ringRecordFootprintBytes(4)).toBe(8);
    expect(ringRecordFootprintBytes(5)).toBe(16);
  });
});
