// The engine's end of the effects ring (src/durability/effects-publisher.ts), alone: a
// real SpscRing and shared state, a Tracker on a stub command table, and this test as
// the journal writer popping the ring.

import { describe, expect, it } from 'vitest';
import { EffectsPublisher } from '../../src/durability/effects-publisher.js';
import { effectsOversize, effectsPayloadStart } from '../../src/durability/ring-records.js';
import { DurabilityShared, SharedBig } from '../../src/durability/shared-state.js';
import { Tracker } from '../../src/durability/tracker.js';
import { decodeEffectRecord, type EffectRecord } from '../../src/engine/effects.js';
import { journalPayloadBytesMax } from '../../src/limits.js';
import { SpscRing } from '../../src/ring/spsc-ring.js';

function setup(ringBytes = 1 << 16) {
  const ring = SpscRing.create(ringBytes);
  const writerSide = SpscRing.attach(ring.sab);
  const shared = DurabilityShared.create();
  const tracker = new Tracker(() => undefined);
  const publisher = new EffectsPublisher(ring, tracker, shared);
  const pop = (): { epoch: number; seq: number; flags: number; payload: Buffer } | null => {
    const rec = writerSide.tryPop();
    if (rec === null) return null;
    const view = Buffer.from(rec.buffer, rec.byteOffset, rec.length);
    const out = { epoch: view.readUInt32LE(0), seq: view.readDoubleLE(4), flags: view[12]!, payload: Buffer.from(view.subarray(effectsPayloadStart(view, 0))) };
    writerSide.release();
    return out;
  };
  return { ring, writerSide, shared, tracker, publisher, pop };
}

const record = (value: string): EffectRecord => ({
  nowMs: 1700000000000,
  effects: [{ dbIndex: 0, argv: [Buffer.from('SET'), Buffer.from('k'), Buffer.from(value)] }],
});

describe('EffectsPublisher', () => {
  it('pushes each record with its seq (dense from 1) and epoch, encoded as the engine encodes it; records of other sizes reuse nothing stale', () => {
    const t = setup();
    expect(t.publisher.publish(record('a'))).toBe(1);
    expect(t.publisher.publish(record('bbbbbbbb'))).toBe(2);
    t.publisher.epoch = 3;
    expect(t.publisher.publish(record('c'))).toBe(3);
    // Pushed unpublished: the writer sees them once the engine flushes (notify()).
    expect(t.pop()).toBeNull();
    t.publisher.notify();
    const got = [t.pop(), t.pop(), t.pop(), t.pop()];
    expect(got[3]).toBeNull();
    expect(got.slice(0, 3).map((r) => [r!.epoch, r!.seq, r!.flags])).toEqual([[0, 1, 0], [0, 2, 0], [3, 3, 0]]);
    expect(got.slice(0, 3).map((r) => decodeEffectRecord(r!.payload).effects[0]!.argv[2]!.toString())).toEqual(['a', 'bbbbbbbb', 'c']);
    expect(t.tracker.latestSeq).toBe(3);
  });

  it('flags a record too large for one journal record instead of carrying it (the writer fails the epoch)', () => {
    const t = setup();
    const big: EffectRecord = { nowMs: 1, effects: [{ dbIndex: 0, argv: [Buffer.from('SET'), Buffer.from('k'), Buffer.alloc(journalPayloadBytesMax)] }] };
    expect(t.publisher.publish(big)).toBe(1);
    t.publisher.notify();
    const r = t.pop()!;
    expect([r.seq, r.flags, r.payload.length]).toEqual([1, effectsOversize, 0]);
  });

  it('carries records across the ring\'s end, lap after lap: encoded in place, or assembled aside when one would straddle the end', () => {
    const t = setup(1024);
    let seq = 0;
    let straddled = 0;
    for (let lap = 0; lap < 200; lap++) {
      const values = Array.from({ length: 1 + (lap % 4) }, (_, i) => 'v'.repeat((lap * 37 + i * 11) % 97) + String(lap));
      for (const v of values) {
        expect(t.publisher.publish(record(v))).toBe(++seq);
      }
      t.publisher.notify();
      for (const v of values) {
        const rec = t.writerSide.tryPop()!;
        if (rec.buffer !== t.ring.sab) straddled++; // the consumer copied a wrapped record
        const view = Buffer.from(rec.buffer, rec.byteOffset, rec.length);
        expect(decodeEffectRecord(Buffer.from(view.subarray(effectsPayloadStart(view, 0)))).effects[0]!.argv[2]!.toString()).toBe(v);
        t.writerSide.release();
      }
      expect(t.writerSide.tryPop()).toBeNull();
    }
    expect(straddled).toBeGreaterThan(0);
  });

  it('wakes a writer that waits for any record (writerWakeSeq 0) once per notify()', async () => {
    const t = setup();
    t.shared.store(SharedBig.writerWakeSeq, 0);
    const woken = t.writerSide.waitForDataAsync(); // empty ring: the writer parks
    t.publisher.publish(record('a'));
    t.publisher.notify();
    await woken; // only a notify resolves it (no timeout given)
    expect(t.pop()!.seq).toBe(1);
  });

  it('wakes a writer that asked for a later seq once that seq is published', async () => {
    const t = setup();
    t.shared.store(SharedBig.writerWakeSeq, 2);
    const woken = t.writerSide.waitForDataAsync();
    t.publisher.publish(record('a'));
    t.publisher.notify(); // seq 1 < 2: not yet (the writer takes it at its next ack)
    t.publisher.publish(record('b'));
    t.publisher.notify();
    await woken;
    expect([t.pop()!.seq, t.pop()!.seq]).toEqual([1, 2]);
  });

  it("puts a record's largest argument (256 bytes or more) in the ring at its source's offset mod 8, in place or assembled aside", () => {
    // Values are views of a SharedArrayBuffer (as of the request ring) at every offset mod
    // 8, behind keys of several lengths; a small ring makes records straddle its end too.
    const t = setup(1 << 14);
    const source = Buffer.from(new SharedArrayBuffer(1 << 16));
    for (let i = 0; i < source.length; i++) source[i] = (i * 7 + 3) & 0xff;
    let seq = 0;
    let padded = 0;
    for (let round = 0; round < 40; round++) {
      for (const [valueAt, valueBytes] of [[100 + round, 4096], [9 + 3 * round, 300], [round, 255]] as const) {
        const value = source.subarray(valueAt, valueAt + valueBytes);
        const key = Buffer.from('k'.repeat(1 + (round % 11)));
        const small = Buffer.from('x'.repeat(round % 5));
        const rec: EffectRecord = { nowMs: 1, effects: [{ dbIndex: 0, argv: [Buffer.from('MSET'), key, small, Buffer.from('k2'), value] }] };
        expect(t.publisher.publish(rec)).toBe(++seq);
        t.publisher.notify();
        const popped = t.writerSide.tryPop()!;
        const view = Buffer.from(popped.buffer, popped.byteOffset, popped.length);
        const payloadAt = effectsPayloadStart(view, 0);
        if (payloadAt > 16) padded++;
        const back = decodeEffectRecord(Buffer.from(view.subarray(payloadAt)));
        expect(back.effects[0]!.argv[4]!.equals(value)).toBe(true);
        const valueInRing = view.length - valueBytes; // the value is the record's last bytes
        if (popped.buffer === t.ring.sab && valueBytes >= 256) expect((popped.byteOffset + valueInRing) % 8).toBe(valueAt % 8);
        if (valueBytes < 256) expect(payloadAt).toBe(16); // no pad for a short argument
        t.writerSide.release();
      }
    }
    expect(padded).toBeGreaterThan(0);
  });
});
