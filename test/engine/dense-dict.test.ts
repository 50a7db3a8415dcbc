import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DenseDict, prefetchGroupKeys, prefetchKeysMax } from '../../src/engine/dense-dict.js';

type Op = { kind: 'set'; key: string; value: number } | { kind: 'del'; key: string };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), key: fc.string({ maxLength: 2 }), value: fc.integer() }),
  fc.record({ kind: fc.constant('del' as const), key: fc.string({ maxLength: 2 }) }),
);

describe('DenseDict', () => {
  it('behaves as a Map under random sets and deletes', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 200 }), (ops) => {
        const d = new DenseDict<number>();
        const m = new Map<string, number>();
        for (const op of ops) {
          if (op.kind === 'set') expect(d.set(op.key, op.value)).toBe(!m.has(op.key));
          else expect(d.delete(op.key)).toBe(m.delete(op.key));
          if (op.kind === 'set') m.set(op.key, op.value);
        }
        expect(d.size).toBe(m.size);
        for (const [k, v] of m) expect(d.get(k)).toBe(v);
      }),
    );
  });

  it('keeps its index consistent through growth, shrinking and probe-run deletions', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 400 })), { maxLength: 1500 }),
        (ops) => {
          const d = new DenseDict<number>({ stamps: true });
          const m = new Map<string, number>();
          for (const [isSet, n] of ops) {
            const key = `k${n}`;
            if (isSet) {
              expect(d.set(key, n, n * 2)).toBe(!m.has(key));
              m.set(key, n);
            } else {
              expect(d.delete(key)).toBe(m.delete(key));
            }
          }
          d.verify();
          expect(d.size).toBe(m.size);
          for (const [k, v] of m) {
            expect(d.get(k)).toBe(v);
            expect(d.stamps![d.slotOf(k)!]).toBe(v * 2);
          }
          expect(d.get('absent')).toBeUndefined();
        },
      ),
      { numRuns: 60 },
    );
  });

  it('grows to many keys and empties again', () => {
    const d = new DenseDict<number>();
    for (let i = 0; i < 20_000; i++) d.set(`key:${i}`, i);
    d.verify();
    for (let i = 0; i < 20_000; i += 2) expect(d.delete(`key:${i}`)).toBe(true);
    d.verify();
    for (let i = 1; i < 20_000; i += 2) expect(d.get(`key:${i}`)).toBe(i);
    for (let i = 1; i < 20_000; i += 2) d.delete(`key:${i}`);
    d.verify();
    expect(d.size).toBe(0);
    d.set('', 1);
    d.clear();
    d.verify();
    expect(d.has('')).toBe(false);
  });

  it('SCAN returns every key present for the whole scan, despite deletes and inserts between calls', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ maxLength: 3 }), { maxLength: 60 }),
        fc.array(opArb, { maxLength: 40 }),
        fc.integer({ min: 1, max: 7 }),
        (initial, ops, count) => {
          const d = new DenseDict<number>();
          for (const k of initial) d.set(k, 0);
          const touched = new Set<string>();
          const seen = new Set<string>();
          let cursor = 0;
          let step = 0;
          do {
            cursor = d.scan(cursor, count, (k) => seen.add(k));
            const op = ops[step++];
            if (op !== undefined) {
              touched.add(op.key);
              if (op.kind === 'set') d.set(op.key, op.value);
              else d.delete(op.key);
            }
          } while (cursor !== 0);
          for (const k of initial) {
            if (!touched.has(k)) expect(seen.has(k)).toBe(true);
          }
        },
      ),
    );
  });

  it('picks random slots within bounds and -1 when empty', () => {
    const d = new DenseDict<number>();
    expect(d.randomSlot(() => 0.5)).toBe(-1);
    d.set('a', 1);
    d.set('b', 2);
    expect(d.randomSlot(() => 0)).toBe(0);
    expect(d.randomSlot(() => 0.999)).toBe(1);
  });
  it('finds a key by its bytes exactly as by its latin1 string', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 6 }), { maxLength: 60 }), fc.array(fc.uint8Array({ maxLength: 6 }), { maxLength: 20 }), (stored, probes) => {
        const d = new DenseDict<number>();
        for (const b of stored) d.set(Buffer.from(b).latin1Slice(), b.length);
        for (const b of [...stored, ...probes]) {
          const bytes = Buffer.from(b);
          expect(d.slotOfBytes(bytes)).toBe(d.slotOf(bytes.latin1Slice()) ?? -1);
        }
      }),
    );
    expect(new DenseDict<number>().slotOfBytes(Buffer.from('a'))).toBe(-1);
  });
  it('answers a repeated lookup from its cache, never a slot a delete moved', () => {
    const d = new DenseDict<number>();
    for (const k of ['a', 'b', 'c']) d.set(k, k.charCodeAt(0));
    expect(d.slotOf('c')).toBe(2);
    expect(d.slotOf('c')).toBe(2);
    d.delete('a'); // swap-remove: 'c' moves into slot 0
    expect(d.slotOf('c')).toBe(0);
    expect(d.get('c')).toBe(99);
    expect(d.slotOf('a')).toBeUndefined();
    d.set('a', 1); // an insert moves nobody
    expect(d.slotOf('c')).toBe(0);
    d.verify();
    d.clear();
    expect(d.slotOf('c')).toBeUndefined();
  });
  it('hands a candidate value to warm before comparing its key, and finds the same slots', () => {
    const warmed: number[] = [];
    const d = new DenseDict<number>({ warm: (v) => warmed.push(v) });
    for (let i = 0; i < 100; i++) d.set(`k${i}`, i);
    expect(d.slotOf('k42')).toBe(42);
    expect(d.slotOfBytes(Buffer.from('k7'))).toBe(7);
    expect(d.slotOfBytes(Buffer.from('absent'))).toBe(-1);
    expect(warmed.slice(0, 2)).toEqual([42, 7]);
    d.verify();
  });
  it('prefetchKeys warms the values of keys given as bytes (hashed as lookups hash them), and changes nothing', () => {
    const warmed: number[] = [];
    const d = new DenseDict<number>({ warm: (v) => warmed.push(v) });
    for (let i = 0; i < 1000; i++) d.set(`key:${i}`, i);
    // 16 keys inside one buffer, as a request batch holds them; the last 4 absent.
    const wanted = Array.from({ length: 16 }, (_, j) => (j < 12 ? `key:${j * 37}` : `nokey:${j}`));
    const bytes = Buffer.from(`xx${wanted.join('')}`, 'latin1');
    const starts = new Int32Array(16);
    const lengths = new Int32Array(16);
    let at = 2;
    wanted.forEach((k, j) => {
      starts[j] = at;
      lengths[j] = k.length;
      at += k.length;
    });
    d.prefetchKeys(bytes, starts, lengths, 16);
    // The values of the first group now, the second's at the call a group later (the
    // worker's next call: the window moved by prefetchGroupKeys).
    d.prefetchKeys(bytes, starts.subarray(prefetchGroupKeys), lengths.subarray(prefetchGroupKeys), 16 - prefetchGroupKeys);
    // Only a key's home table entry is touched: at most half full, most keys are there.
    expect(warmed.length).toBeGreaterThanOrEqual(6);
    for (const v of warmed) expect(wanted.slice(0, 12)).toContain(`key:${v}`);
    for (let j = 0; j < 12; j++) expect(d.get(`key:${j * 37}`)).toBe(j * 37);
    expect(d.size).toBe(1000);
    d.verify();
  });

  it('prefetchKeys as a pipeline over calls a group apart: each group is readied once, stale slots are ignored', () => {
    const touched: number[] = [];
    const d = new DenseDict<number>({ stamps: true, prefetchValue: (v) => (touched.push(v), v % 2 === 0) });
    for (let i = 0; i < 4000; i++) d.set(`key:${i}`, i, i);
    // A batch of 64 keys in one buffer, as the worker peeks them: up to three groups a call.
    const wanted = Array.from({ length: 64 }, (_, j) => `key:${(j * 61) % 4000}`);
    const bytes = Buffer.from(wanted.join(''), 'latin1');
    const allStarts: number[] = [];
    let at = 0;
    for (const k of wanted) {
      allStarts.push(at);
      at += k.length;
    }
    const starts = new Int32Array(prefetchKeysMax);
    const lengths = new Int32Array(prefetchKeysMax);
    const call = (first: number): void => {
      const n = Math.min(prefetchKeysMax, wanted.length - first);
      for (let j = 0; j < n; j++) {
        starts[j] = allStarts[first + j]!;
        lengths[j] = wanted[first + j]!.length;
      }
      d.prefetchKeys(bytes, starts, lengths, n);
    };
    for (let first = 0; first < wanted.length; first += prefetchGroupKeys) call(first);
    // Each key's value is touched once, when its group is next (a key off its home entry
    // may be missed: only home entries are read).
    const expected = wanted.map((k) => Number(k.slice(4)));
    expect(touched.length).toBeGreaterThanOrEqual(16); // most keys sit at their home entry
    expect(new Set(touched).size).toBe(touched.length);
    for (const v of touched) expect(expected).toContain(v);
    // The pipeline's slots go stale when the dict shrinks between calls: ignored, no throw.
    touched.length = 0;
    call(0);
    for (let i = 3999; i >= 10; i--) d.delete(`key:${i}`);
    call(prefetchGroupKeys);
    call(2 * prefetchGroupKeys);
    for (const v of touched) expect(v).toBeLessThan(4000);
    // Nothing observable changed.
    expect(d.size).toBe(10);
    for (let i = 0; i < 10; i++) expect(d.get(`key:${i}`)).toBe(i);
    d.verify();
  });
});
