// SpscRing's in-place producer API (src/ring/spsc-ring.ts: tryReserve, commitReserved,
// unpublished pushes, publish), one thread: records written in place or pushed
// unpublished come out exactly as a model FIFO says, only after publish(), wrapping many
// times (a record that would straddle the end is refused by tryReserve and goes through
// tryPush's split copy); misuse (two reservations, a push or publish inside one, a wait
// for space with records unpublished) trips the assertions.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SpscRing, ringHeaderBytes, ringRecordFootprintBytes, ringReserveFull, ringReserveWraps } from '../../src/ring/spsc-ring.js';
import { AssertionError } from '../../src/assert.js';

function bytes(length: number, salt: number): Uint8Array {
  const b = new Uint8Array(length);
  for (let k = 0; k < length; k++) b[k] = (salt * 131 + k * 7) & 0xff;
  return b;
}

/** A producer and a consumer on one ring whose counters start at `start` (head at byte 64, tail at 128). */
function ringPair(capacity: number, start: number): { producer: SpscRing; consumer: SpscRing } {
  const sab = SpscRing.create(capacity).sab;
  const header = new Int32Array(sab, 0, ringHeaderBytes / 4);
  Atomics.store(header, 64 / 4, start | 0);
  Atomics.store(header, 128 / 4, start | 0);
  return { producer: SpscRing.attach(sab), consumer: SpscRing.attach(sab) };
}

type Op =
  | { kind: 'reserve'; length: number; salt: number }
  | { kind: 'push'; length: number; salt: number }
  | { kind: 'publish' }
  | { kind: 'pop' };

describe('SpscRing, writing in place and publishing later', () => {
  it('matches a model FIFO: in-place and unpublished records appear in order, only once published', () => {
    const lengthArb = fc.nat(300);
    fc.assert(
      fc.property(
        fc.constantFrom(16, 32, 64, 256),
        fc.oneof(fc.constant(0), fc.constant(0xffffff00), fc.integer({ min: 0, max: 0x3fffffff })),
        fc.array(
          fc.oneof(
            fc.record({ kind: fc.constant('reserve' as const), length: lengthArb, salt: fc.nat(255) }),
            fc.record({ kind: fc.constant('push' as const), length: lengthArb, salt: fc.nat(255) }),
            fc.constant({ kind: 'publish' as const }),
            fc.constant({ kind: 'pop' as const }),
          ),
          { maxLength: 300 },
        ),
        (capacity, start, ops: Op[]) => {
          const { producer, consumer } = ringPair(capacity, (start & ~7) | 4);
          const published: Uint8Array[] = [];
          const pending: Uint8Array[] = [];
          let used = 0; // published and pending footprints
          let publishedUsed = 0;
          for (const op of ops) {
            if (op.kind === 'reserve' || op.kind === 'push') {
              const length = op.length % (producer.maxRecordBytes + 1);
              const rec = bytes(length, op.salt);
              const fits = capacity - used >= ringRecordFootprintBytes(length);
              let pushed: boolean;
              if (op.kind === 'push') {
                pushed = producer.tryPush(rec, false);
              } else {
                const at = producer.tryReserve(length);
                if (at >= 0) {
                  producer.producerBytes.set(rec, at);
                  producer.commitReserved();
                  pushed = true;
                } else if (at === ringReserveWraps) {
                  // Fits, but only split: the caller pushes it instead.
                  expect(fits).toBe(true);
                  pushed = producer.tryPush(rec, false);
                } else {
                  expect(at).toBe(ringReserveFull);
                  pushed = false;
                }
              }
              expect(pushed).toBe(fits);
              if (fits) {
                pending.push(rec);
                used += ringRecordFootprintBytes(length);
              }
            } else if (op.kind === 'publish') {
              producer.publish();
              for (const rec of pending) publishedUsed += ringRecordFootprintBytes(rec.length);
              published.push(...pending.splice(0));
            } else {
              const got = consumer.tryPop();
              const want = published.shift();
              if (want === undefined) {
                // Unpublished records stay invisible.
                expect(got).toBeNull();
              } else {
                expect(got).not.toBeNull();
                expect(Buffer.from(got!).equals(Buffer.from(want))).toBe(true);
                consumer.release();
                used -= ringRecordFootprintBytes(want.length);
                publishedUsed -= ringRecordFootprintBytes(want.length);
              }
            }
            expect(producer.unpublished).toBe(pending.length > 0);
            expect(consumer.usedBytes()).toBe(publishedUsed);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reserves contiguous space only: a record that would straddle the end is refused as ringReserveWraps', () => {
    const { producer, consumer } = ringPair(64, 4);
    expect(producer.tryPush(bytes(40, 1))).toBe(true);
    consumer.tryPop();
    consumer.release();
    // The tail is at 52: a payload from 56 fits contiguously up to 8 bytes.
    expect(producer.tryReserve(9)).toBe(ringReserveWraps);
    expect(producer.unpublished).toBe(false);
    const at = producer.tryReserve(8);
    expect(at).toBe(56);
    producer.producerBytes.set(bytes(8, 2), at);
    producer.commitReserved();
    expect(consumer.tryPop()).toBeNull(); // not published yet
    producer.publish();
    expect(Buffer.from(consumer.tryPop()!).equals(Buffer.from(bytes(8, 2)))).toBe(true);
    consumer.release();
  });

  it('asserts: one reservation at a time, no push or publish inside one, no commit without one', () => {
    const { producer } = ringPair(256, 4);
    expect(() => producer.commitReserved()).toThrow(AssertionError);
    expect(producer.tryReserve(8)).toBeGreaterThanOrEqual(0);
    expect(() => producer.tryReserve(8)).toThrow(AssertionError);
    expect(() => producer.tryPush(bytes(4, 3))).toThrow(AssertionError);
    expect(() => producer.publish()).toThrow(AssertionError);
    producer.commitReserved();
    expect(() => producer.commitReserved()).toThrow(AssertionError);
    expect(() => producer.tryReserve(producer.maxRecordBytes + 1)).toThrow(RangeError);
  });

  it('asserts that nothing is unpublished when the producer would wait for space', async () => {
    const { producer } = ringPair(64, 4);
    expect(producer.tryPush(bytes(4, 4), false)).toBe(true);
    // The consumer cannot free space it cannot see: the wait could never end.
    expect(() => producer.waitForSpace(4, 1)).toThrow(/unpublished/);
    await expect(producer.waitForSpaceAsync(4, 1)).rejects.toThrow(/unpublished/);
    producer.publish();
    expect(await producer.waitForSpaceAsync(4, 1)).toBe(true);
  });

  it('asserts when head passes the published tail (the consumer took records it could not see)', () => {
    const { producer } = ringPair(64, 4);
    expect(producer.tryPush(bytes(12, 5), false)).toBe(true); // footprint 16, unpublished
    const header = new Int32Array(producer.sab, 0, ringHeaderBytes / 4);
    Atomics.store(header, 64 / 4, 20); // head moved over the unpublished record
    // A record that does not fit by the cached head makes the producer reload it.
    expect(() => producer.tryPush(bytes(48, 6))).toThrow(/unpublished records beyond/);
  });
});
