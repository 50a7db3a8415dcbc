// The journal writer's group of effect records (src/durability/effects-group.ts): the
// limits that end a group, the payload layout (a lone record plain, several as an
// effects batch that splits back into the same records, in order), and buffer reuse.

import { describe, expect, it } from 'vitest';
import { EffectsGroup } from '../../src/durability/effects-group.js';
import { effectsBatchMarker, splitEffectsPayload } from '../../src/durability/effects-batch.js';

function record(seq: number, bytes: number): Buffer {
  const b = Buffer.alloc(bytes, seq & 0xff);
  b[0] = 1; // an effect format version, never the batch marker
  return b;
}

describe('effects group', () => {
  it('a lone record is taken plain; several as a batch that splits back in order', () => {
    const g = new EffectsGroup(1024, 16);
    const r1 = record(1, 40);
    expect(g.tryAdd(1, r1, 0, r1.length)).toBe(true);
    const one = g.take();
    expect(one.count).toBe(1);
    expect(one.lastSeq).toBe(1);
    expect(one.payload.equals(r1)).toBe(true);
    expect(g.count).toBe(0);

    const rs = [record(2, 10), record(3, 0 + 1), record(4, 300)];
    rs.forEach((r, i) => expect(g.tryAdd(2 + i, r, 0, r.length)).toBe(true));
    const many = g.take();
    expect(many.count).toBe(3);
    expect(many.lastSeq).toBe(4);
    expect(many.payload[0]).toBe(effectsBatchMarker);
    expect(splitEffectsPayload(many.payload).map((p) => Buffer.from(p).toString('hex'))).toEqual(rs.map((r) => r.toString('hex')));
  });

  it('refuses the record that would pass the byte limit (it opens the next group), and the count limit', () => {
    const g = new EffectsGroup(100, 3); // 100 bytes of records with their 4-byte prefixes
    const a = record(1, 46);
    const b = record(2, 46);
    const c = record(3, 1);
    expect(g.tryAdd(1, a, 0, a.length)).toBe(true); // 50
    expect(g.tryAdd(2, b, 0, b.length)).toBe(true); // 100: exactly the limit
    expect(g.tryAdd(3, c, 0, c.length)).toBe(false); // 105
    expect(g.count).toBe(2);
    expect(splitEffectsPayload(g.take().payload).length).toBe(2);
    expect(g.tryAdd(3, c, 0, c.length)).toBe(true);
    expect(g.tryAdd(4, c, 0, c.length)).toBe(true);
    expect(g.tryAdd(5, c, 0, c.length)).toBe(true);
    expect(g.full).toBe(true);
    expect(g.tryAdd(6, c, 0, c.length)).toBe(false);
    expect(g.take().count).toBe(3);
  });

  it('takes a lone record larger than the byte limit, and grows its buffer past the first one', () => {
    const g = new EffectsGroup(1000, 4096);
    const big = record(1, 100_000);
    expect(g.tryAdd(1, big, 0, big.length)).toBe(true);
    expect(g.take().payload.equals(big)).toBe(true);
    const g2 = new EffectsGroup(1 << 20, 4096);
    const parts: Buffer[] = [];
    for (let i = 1; i <= 100; i++) {
      const r = record(i, 700 + i);
      parts.push(r);
      expect(g2.tryAdd(i, r, 0, r.length)).toBe(true);
    }
    const taken = g2.take();
    expect(splitEffectsPayload(taken.payload).map((p) => Buffer.from(p).toString('hex'))).toEqual(parts.map((r) => r.toString('hex')));
  });

  it('copies the record out of its source (a ring slot is reused after release) and a taken payload is never written again', () => {
    const g = new EffectsGroup(1024, 16);
    const slot = Buffer.from([1, 2, 3, 4, 5, 6]);
    g.tryAdd(1, slot, 1, 4); // a view of part of the slot
    slot.fill(0);
    const r = record(2, 5);
    g.tryAdd(2, r, 0, r.length);
    const first = g.take();
    const copy = Buffer.from(first.payload);
    const r3 = record(3, 5);
    g.tryAdd(3, r3, 0, r3.length);
    g.tryAdd(4, r3, 0, r3.length);
    g.take();
    expect(first.payload.equals(copy)).toBe(true);
    expect(Buffer.from(splitEffectsPayload(first.payload)[0]!)).toEqual(Buffer.from([2, 3, 4]));
  });

  it('writes a later group into a recycled buffer (an acknowledged append), never into one still out', () => {
    const g = new EffectsGroup(1 << 20, 4096);
    const r = record(1, 50);
    g.tryAdd(1, r, 0, r.length);
    g.tryAdd(2, r, 0, r.length);
    const first = g.take();
    expect(first.buffer.buffer).toBe(first.payload.buffer);
    g.tryAdd(3, r, 0, r.length);
    g.tryAdd(4, r, 0, r.length);
    const second = g.take(); // first is still out: second was written elsewhere
    expect(second.buffer).not.toBe(first.buffer);
    const copy = Buffer.from(second.payload);
    g.recycle(first.buffer);
    const r5 = record(5, 50);
    g.tryAdd(5, r5, 0, r5.length);
    g.tryAdd(6, r5, 0, r5.length);
    const third = g.take(); // written into the buffer the group took after `second`
    expect(third.buffer).not.toBe(first.buffer);
    const r7 = record(7, 60);
    g.tryAdd(7, r7, 0, r7.length);
    g.tryAdd(8, r7, 0, r7.length);
    const fourth = g.take();
    expect(fourth.buffer).toBe(first.buffer); // the group after third reuses the recycled one
    expect(second.payload.equals(copy)).toBe(true); // never recycled: untouched
    expect(splitEffectsPayload(third.payload).map((p) => Buffer.from(p).toString('hex'))).toEqual([r5, r5].map((x) => x.toString('hex')));
    expect(splitEffectsPayload(fourth.payload).map((p) => Buffer.from(p).toString('hex'))).toEqual([r7, r7].map((x) => x.toString('hex')));
  });

  it('keeps its headroom free in front of the payload, a lone record and a batch alike, across buffer growth', () => {
    const headroom = 41;
    const g = new EffectsGroup(1 << 20, 4096, headroom);
    const r1 = record(1, 30);
    g.tryAdd(1, r1, 0, r1.length);
    const one = g.take();
    expect(one.payloadStart).toBeGreaterThanOrEqual(headroom);
    expect(one.buffer.subarray(one.payloadStart, one.payloadEnd).equals(r1)).toBe(true);
    expect(one.payload.equals(r1)).toBe(true);
    const rs = [record(2, 9000), record(3, 9000), record(4, 5)]; // grows past the 16 KiB start
    rs.forEach((r, i) => g.tryAdd(2 + i, r, 0, r.length));
    const many = g.take();
    expect(many.payloadStart).toBe(headroom);
    expect(many.payload).toEqual(many.buffer.subarray(headroom, many.payloadEnd));
    expect(g.bytes).toBe(8); // bytes counts the batch header, not the headroom
    expect(splitEffectsPayload(many.payload).map((p) => Buffer.from(p).toString('hex'))).toEqual(rs.map((r) => r.toString('hex')));
  });

  it('copies records out of shared memory byte for byte at every alignment, staged or not, in pieces past 64 KiB', () => {
    // Lengths under, at and over the staged-copy threshold and the stage's piece size; the
    // source at every offset mod 8, and the group's records shifted by a short first one.
    const shared = Buffer.from(new SharedArrayBuffer(1 << 19));
    for (let i = 0; i < shared.length; i++) shared[i] = (i * 131 + (i >> 9)) & 0xff;
    let seq = 0;
    for (const first of [1, 2, 5, 8]) {
      const g = new EffectsGroup(1 << 23, 4096, 13);
      const sources: Buffer[] = [];
      const add = (start: number, length: number): void => {
        sources.push(Buffer.from(shared.subarray(start, start + length)));
        expect(g.tryAdd(++seq, shared, start, start + length)).toBe(true);
      };
      add(100, first);
      for (let skew = 0; skew < 8; skew++) {
        for (const length of [1000, 1024, 4096 + skew, 65536, 65536 + 8 * 1024 + 3, 2 * 65536 + 17]) add(4096 + 64 * skew + skew, length);
      }
      const taken = g.take();
      expect(splitEffectsPayload(taken.payload).map((p) => Buffer.from(p).equals(sources.shift()!))).not.toContain(false);
    }
  });

  it('asserts that seqs grow (the ring order), across groups too', () => {
    const g = new EffectsGroup(1024, 16);
    const r = record(1, 5);
    g.tryAdd(5, r, 0, r.length);
    g.take();
    expect(() => g.tryAdd(5, r, 0, r.length)).toThrow(/seqs grow/);
  });
});
