// The effects ring's in-place encoder (src/durability/ring-records.ts) against the
// engine's encodeEffectRecord (src/engine/effects.ts): the journal must hold exactly the
// engine's format, so the two must produce the same bytes for any record.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeEffectRecord, encodeEffectRecord, type EffectRecord } from '../../src/engine/effects.js';
import { effectRecordBytes, effectsHeaderBytes, writeEffectRecord, writeEffectsHeader } from '../../src/durability/ring-records.js';

const recordArb: fc.Arbitrary<EffectRecord> = fc.record({
  nowMs: fc.integer({ min: 0, max: 2 ** 45 }),
  effects: fc.array(
    fc.record({
      dbIndex: fc.integer({ min: 0, max: 15 }),
      argv: fc.array(fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)), { minLength: 1, maxLength: 6 }),
    }),
    { minLength: 1, maxLength: 5 },
  ),
});

describe('effects ring records', () => {
  it('writeEffectRecord writes exactly encodeEffectRecord\'s bytes, in place after the ring header', () => {
    fc.assert(
      fc.property(recordArb, fc.integer({ min: 0, max: 64 }), (record, pad) => {
        const expected = encodeEffectRecord(record);
        expect(effectRecordBytes(record)).toBe(expected.length);
        const buf = Buffer.alloc(pad + effectsHeaderBytes + expected.length + 8, 0xaa);
        writeEffectsHeader(buf, pad, 3, 12345, 0);
        expect(buf.subarray(0, pad).every((b) => b === 0xaa)).toBe(true); // nothing before `at`
        const end = writeEffectRecord(record, buf, pad + effectsHeaderBytes);
        expect(end).toBe(pad + effectsHeaderBytes + expected.length);
        expect(buf.subarray(pad + effectsHeaderBytes, end).equals(expected)).toBe(true);
        expect(buf.readUInt32LE(pad)).toBe(3);
        expect(buf.readDoubleLE(pad + 4)).toBe(12345);
        // Bytes after the record are untouched, and it decodes back.
        expect(buf.subarray(end).every((b) => b === 0xaa)).toBe(true);
        const back = decodeEffectRecord(buf.subarray(pad + effectsHeaderBytes, end));
        expect(back.nowMs).toBe(record.nowMs);
        expect(back.effects.map((e) => [e.dbIndex, e.argv.map((a) => a.toString('hex'))])).toEqual(
          record.effects.map((e) => [e.dbIndex, e.argv.map((a) => a.toString('hex'))]),
        );
      }),
      { numRuns: 300 },
    );
  });
});
