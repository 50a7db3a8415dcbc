import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteDict } from '../../src/engine/types/byte-dict.js';

// Values of varied lengths (so updates go both in place and to a new record, and the
// arena collects garbage), keys from a small alphabet (so sets, updates and deletes meet).
type Op = { kind: 'set'; key: string; value: string | null } | { kind: 'del'; key: string } | { kind: 'delSlot'; pick: number };

const keyArb = fc.string({ maxLength: 3, unit: fc.constantFrom('a', 'b', '\u00ff', '\u0000') });
const valueArb = fc.option(fc.string({ maxLength: 40, unit: fc.constantFrom('x', 'y', '\u00e9') }), { nil: null });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), key: keyArb, value: valueArb }),
  fc.record({ kind: fc.constant('del' as const), key: keyArb }),
  fc.record({ kind: fc.constant('delSlot' as const), pick: fc.nat() }),
);

function contents(d: ByteDict): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < d.size; i++) out.set(d.keyAt(i), d.valueAt(i));
  return out;
}

describe('ByteDict', () => {
  it('behaves as a Map under random sets, updates and deletes (string and byte calls agree)', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 300 }), (ops) => {
        const d = new ByteDict();
        const m = new Map<string, string>();
        let bytes = false;
        for (const op of ops) {
          bytes = !bytes;
          if (op.kind === 'set') {
            const isNew = !m.has(op.key);
            const got = bytes
              ? d.setBytes(Buffer.from(op.key, 'latin1'), op.value === null ? null : Buffer.from(op.value, 'latin1'))
              : d.set(op.key, op.value);
            expect(got).toBe(isNew);
            // A null value (a set member) leaves an existing value as it was.
            if (op.value !== null || isNew) m.set(op.key, op.value ?? (m.get(op.key) ?? ''));
          } else if (op.kind === 'del') {
            expect(bytes ? d.deleteBytes(Buffer.from(op.key, 'latin1')) : d.delete(op.key)).toBe(m.delete(op.key));
          } else if (d.size > 0) {
            const i = op.pick % d.size;
            m.delete(d.keyAt(i));
            d.deleteSlot(i);
          }
        }
        d.verify();
        expect(d.size).toBe(m.size);
        expect(contents(d)).toEqual(m);
        for (const [k, v] of m) {
          const i = d.slotOf(k);
          expect(i).toBeGreaterThanOrEqual(0);
          expect(d.slotOfBytes(Buffer.from(k, 'latin1'))).toBe(i);
          expect(d.valueView(i).toString('latin1')).toBe(v);
          expect(d.keyView(i).toString('latin1')).toBe(k);
          expect(d.valueLength(i)).toBe(v.length);
          expect(d.keyLength(i)).toBe(k.length);
        }
        expect(d.has('absent-key')).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('copies the caller bytes: reusing the request buffer later changes nothing stored', () => {
    const d = new ByteDict();
    const k = Buffer.from('field');
    const v = Buffer.from('value-of-more-than-thirty-two-bytes-long!');
    d.setBytes(k, v);
    k.fill(0);
    v.fill(0);
    expect(d.keyAt(0)).toBe('field');
    expect(d.valueAt(0)).toBe('value-of-more-than-thirty-two-bytes-long!');
  });

  it('grows to many keys, updates every value to new lengths, and empties again', () => {
    const d = new ByteDict();
    for (let i = 0; i < 20_000; i++) expect(d.set(`element:${i}`, 'v')).toBe(true);
    for (let i = 0; i < 20_000; i++) expect(d.set(`element:${i}`, `value ${i} ${'z'.repeat(i % 50)}`)).toBe(false);
    d.verify();
    expect(d.valueAt(d.slotOf('element:12345'))).toBe(`value 12345 ${'z'.repeat(12345 % 50)}`);
    for (let i = 0; i < 19_990; i++) expect(d.delete(`element:${i}`)).toBe(true);
    d.verify();
    expect(d.size).toBe(10);
    for (let i = 19_990; i < 20_000; i++) expect(d.has(`element:${i}`)).toBe(true);
    for (let i = 19_990; i < 20_000; i++) d.delete(`element:${i}`);
    expect(d.size).toBe(0);
    d.verify();
  });

  it('clones independently', () => {
    const d = new ByteDict();
    for (let i = 0; i < 100; i++) d.set(`k${i}`, `v${i}`);
    for (let i = 0; i < 100; i += 3) d.set(`k${i}`, `longer value ${i}`);
    const c = d.clone();
    c.verify();
    expect(contents(c)).toEqual(contents(d));
    c.delete('k1');
    c.set('k2', 'changed');
    expect(d.has('k1')).toBe(true);
    expect(d.valueAt(d.slotOf('k2'))).toBe('v2');
    d.verify();
    c.verify();
  });
});
