// Effects batches (src/durability/effects-batch.ts): several EffectRecords in one journal
// record. Golden bytes of format 1, round trip through the effect codec, a plain single
// record passes through, and damaged batches are refused.

import { describe, expect, it } from 'vitest';
import { encodeEffectsBatch, splitEffectsPayload } from '../../src/durability/effects-batch.js';
import { decodeEffectRecord, encodeEffectRecord, type EffectRecord } from '../../src/engine/effects.js';

const rec = (nowMs: number, ...argv: string[]): EffectRecord => ({ nowMs, effects: [{ dbIndex: 0, argv: argv.map((a) => Buffer.from(a)) }] });
const show = (r: EffectRecord): string => r.effects.map((e) => e.argv.map((a) => a.toString()).join(' ')).join(' | ');

describe('effects batch', () => {
  it('golden header of format 1', () => {
    const batch = encodeEffectsBatch([Buffer.from([1, 2]), Buffer.from([3])]);
    expect(batch.toString('hex')).toBe('eb010000' + '02000000' + '02000000' + '0102' + '01000000' + '03');
  });

  it('round trips effect records in order; a plain record passes through', () => {
    const records = [rec(1, 'SET', 'a', '1'), rec(2, 'INCR', 'a'), rec(3, 'DEL', 'b', 'c')];
    const batch = encodeEffectsBatch(records.map(encodeEffectRecord));
    expect(splitEffectsPayload(batch).map((p) => show(decodeEffectRecord(Buffer.from(p))))).toEqual(['SET a 1', 'INCR a', 'DEL b c']);
    const single = encodeEffectRecord(records[0]!);
    expect(splitEffectsPayload(single)).toEqual([single]);
  });

  it('refuses truncated or padded batches', () => {
    const batch = encodeEffectsBatch([encodeEffectRecord(rec(1, 'SET', 'a', '1')), encodeEffectRecord(rec(2, 'DEL', 'a'))]);
    expect(() => splitEffectsPayload(batch.subarray(0, batch.length - 1))).toThrow(/truncated/);
    expect(() => splitEffectsPayload(Buffer.concat([batch, Buffer.of(0)]))).toThrow(/trailing/);
  });
});
