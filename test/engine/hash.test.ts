// RHash alone (src/engine/types/hash.ts): random operation sequences against a simple
// model (a Map for content, an array for the listpack's insertion order), checking
// content, the listpack order, the encoding Redis 7.0 would report, clone
// independence and the digest's independence from order and encoding.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { decodeListpack, encodeListpack, RHash, type HashLimits } from '../../src/engine/types/hash.js';
import { seededRandom } from './support/run.js';

type Op = { kind: 'set'; f: string; v: string } | { kind: 'del'; f: string };

const field = fc.oneof(fc.constantFrom('a', 'b', 'c', '', '1'), fc.string({ maxLength: 3 }), fc.constant('x'.repeat(9)));
const value = fc.oneof(fc.constantFrom('', 'v', '12'), fc.string({ maxLength: 4 }), fc.constant('y'.repeat(9)));
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('set' as const), f: field, v: value }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('del' as const), f: field }) },
);

function contents(h: RHash): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < h.size; i++) out.push([h.fieldAt(i), h.valueAt(i)]);
  return out;
}

describe('RHash against a model', () => {
  test('content, listpack order, encoding, clone', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 8 }), (ops, entries, valueBytes) => {
        const limits: HashLimits = { hashMaxListpackEntries: entries, hashMaxListpackValue: valueBytes };
        const h = new RHash();
        const model = new Map<string, string>();
        const order: string[] = [];
        let converted = false;
        for (const o of ops) {
          if (o.kind === 'set') {
            const isNew = !model.has(o.f);
            if (o.f.length > valueBytes || o.v.length > valueBytes) converted = true;
            expect(h.set(o.f, o.v, limits)).toBe(isNew);
            model.set(o.f, o.v);
            if (isNew) order.push(o.f);
            if (model.size > entries) converted = true;
          } else {
            expect(h.delete(o.f)).toBe(model.delete(o.f));
            const i = order.indexOf(o.f);
            if (i >= 0) order.splice(i, 1);
          }
          expect(h.size).toBe(model.size);
          expect(h.encoding()).toBe(converted ? 'hashtable' : 'listpack');
        }
        for (const [f, v] of model) {
          expect(h.get(f)).toBe(v);
          expect(h.has(f)).toBe(true);
        }
        expect(h.get('not-there-at-all')).toBeUndefined();
        if (!converted) expect(contents(h).map(([f]) => f)).toEqual(order);
        expect(new Map(contents(h))).toEqual(model);
        // A clone is deep: changing it leaves the original alone.
        const c = h.clone();
        expect(contents(c)).toEqual(contents(h));
        expect(c.encoding()).toBe(h.encoding());
        c.set('clone-only', 'v', limits);
        expect(h.has('clone-only')).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  test('tryConversion converts when any string is longer than hash-max-listpack-value', () => {
    const limits = { hashMaxListpackEntries: 128, hashMaxListpackValue: 4 };
    const h = new RHash();
    h.tryConversion(['abcd', 'ab'], limits);
    expect(h.encoding()).toBe('listpack');
    h.tryConversion(['ab', 'abcde'], limits);
    expect(h.encoding()).toBe('hashtable');
  });

  test('the digest ignores insertion order and encoding', () => {
    const small = { hashMaxListpackEntries: 128, hashMaxListpackValue: 64 };
    const tiny = { hashMaxListpackEntries: 1, hashMaxListpackValue: 64 };
    const a = new RHash();
    a.set('x', '1', small);
    a.set('y', '2', small);
    const b = new RHash();
    b.set('y', '2', tiny);
    b.set('x', '1', tiny);
    expect(a.encoding()).toBe('listpack');
    expect(b.encoding()).toBe('hashtable');
    expect(b.digestParts()).toEqual(a.digestParts());
    b.set('x', '3', tiny);
    expect(b.digestParts()).not.toEqual(a.digestParts());
  });

  test('random indexes are in range and reach every field', () => {
    const h = new RHash();
    const limits = { hashMaxListpackEntries: 128, hashMaxListpackValue: 64 };
    for (const f of ['a', 'b', 'c', 'd']) h.set(f, f, limits);
    const random = seededRandom(7);
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) seen.add(h.fieldAt(h.randomIndex(random)));
    expect([...seen].sort()).toEqual(['a', 'b', 'c', 'd']);
  });

  test('a hashtable scan visits every field present for the whole scan, despite deletes', () => {
    const limits = { hashMaxListpackEntries: 1, hashMaxListpackValue: 64 };
    const h = new RHash();
    for (let i = 0; i < 50; i++) h.set(`f${i}`, 'v', limits);
    const seen = new Set<string>();
    let cursor = 0;
    let step = 0;
    do {
      cursor = h.scanTable(cursor, 5, (f) => seen.add(f));
      // Delete a field already visited or not (odd ones) while scanning.
      if (step < 10) h.delete(`f${step * 2 + 1}`);
      step++;
    } while (cursor !== 0);
    for (let i = 0; i < 50; i += 2) expect(seen.has(`f${i}`)).toBe(true);
  });
});

describe('listpack bytes', () => {
  test('decode(encode(strings)) gives the strings back, integers in canonical form', () => {
    const str = fc.oneof(
      fc.string({ maxLength: 5 }),
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String),
      fc.integer({ min: -70000, max: 70000 }).map(String),
      fc.constantFrom('x'.repeat(63), 'x'.repeat(64), 'y'.repeat(4095), 'y'.repeat(4096), '01', '-0', '+3'),
    );
    fc.assert(
      fc.property(fc.array(str, { maxLength: 40 }), (strings) => {
        expect(decodeListpack(encodeListpack(strings))).toEqual(strings);
      }),
      { numRuns: 300 },
    );
  });

  test('golden bytes: 7-bit, 13-bit and string entries with their backlens', () => {
    // redis-server 7.0.15: HSET h a 1 b -1, then DUMP h holds exactly these bytes.
    expect(encodeListpack(['a', '1', 'b', '-1']).toString('hex')).toBe('1200000004008161020101816202dfff02ff');
  });

  test('malformed listpacks are refused', () => {
    const good = encodeListpack(['a', 'b']);
    expect(() => decodeListpack(good.subarray(0, good.length - 1))).toThrow();
    const badEnd = Buffer.from(good);
    badEnd[badEnd.length - 1] = 0;
    expect(() => decodeListpack(badEnd)).toThrow();
    const badCount = Buffer.from(good);
    badCount[4] = 3;
    expect(() => decodeListpack(badCount)).toThrow();
  });
});
