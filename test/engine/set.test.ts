// RSet alone (src/engine/types/set.ts): random operation sequences against a simple
// model (a JS Set), checking content, the intset's numeric order, the encoding Redis
// 7.0 would report (intset while every member is a canonical int64 and the count is
// within set-max-intset-entries), clone independence and the digest.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { string2ll } from '../../src/engine/args.js';
import { RSet } from '../../src/engine/types/set.js';
import { seededRandom } from './support/run.js';

type Op = { kind: 'add' | 'rem'; m: string };

const member = fc.oneof(
  fc.integer({ min: -30, max: 30 }).map(String),
  fc.constantFrom('9223372036854775807', '-9223372036854775808', '9223372036854775808', '01', '+1', '-0', ' 1', 'a', ''),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String),
);
const op: fc.Arbitrary<Op> = fc.record({ kind: fc.constantFrom<'add' | 'rem'>('add', 'add', 'rem'), m: member });

function contents(s: RSet): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.size; i++) out.push(s.memberAt(i));
  return out;
}

describe('RSet against a model', () => {
  test('content, intset order, encoding, clone', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), fc.integer({ min: 1, max: 20 }), (ops, maxInts) => {
        const limits = { setMaxIntsetEntries: maxInts };
        const s = new RSet();
        const model = new Set<string>();
        let converted = false;
        for (const o of ops) {
          if (o.kind === 'add') {
            const isNew = !model.has(o.m);
            expect(s.add(o.m, limits)).toBe(isNew);
            model.add(o.m);
            if (string2ll(o.m) === null || model.size > maxInts) converted = true;
          } else {
            expect(s.remove(o.m)).toBe(model.delete(o.m));
          }
          expect(s.size).toBe(model.size);
          expect(s.encoding()).toBe(converted ? 'hashtable' : 'intset');
        }
        for (const m of model) expect(s.has(m)).toBe(true);
        for (const m of ['01', '+1', ' 1', 'zzz']) expect(s.has(m)).toBe(model.has(m));
        const list = contents(s);
        expect(new Set(list)).toEqual(model);
        if (!converted) {
          const sortedNumerically = [...list].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0));
          expect(list).toEqual(sortedNumerically);
        }
        const c = s.clone();
        expect(contents(c)).toEqual(list);
        expect(c.encoding()).toBe(s.encoding());
        c.add('clone-only', limits);
        c.add('12345', limits);
        expect(s.has('clone-only')).toBe(false);
        expect(s.has('12345')).toBe(model.has('12345'));
      }),
      { numRuns: 300 },
    );
  });

  test('forMember picks the encoding of the first member (setTypeCreate)', () => {
    expect(RSet.forMember('12').encoding()).toBe('intset');
    expect(RSet.forMember('012').encoding()).toBe('hashtable');
    expect(RSet.forMember('x').encoding()).toBe('hashtable');
  });

  test('the digest ignores encoding and order', () => {
    const a = new RSet();
    const b = RSet.forMember('x');
    for (const m of ['3', '1', '2']) a.add(m, { setMaxIntsetEntries: 512 });
    for (const m of ['2', '3', '1']) b.add(m, { setMaxIntsetEntries: 512 });
    expect(a.encoding()).toBe('intset');
    expect(b.encoding()).toBe('hashtable');
    expect(b.digestParts()).toEqual(a.digestParts());
  });

  test('random indexes reach every member; a hashtable scan survives deletes', () => {
    const s = new RSet();
    const limits = { setMaxIntsetEntries: 512 };
    for (const m of ['a', 'b', 'c']) s.add(m, limits);
    const random = seededRandom(3);
    const seen = new Set<string>();
    for (let i = 0; i < 100; i++) seen.add(s.memberAt(s.randomIndex(random)));
    expect([...seen].sort()).toEqual(['a', 'b', 'c']);
    const big = RSet.forMember('m0');
    for (let i = 0; i < 40; i++) big.add(`m${i}`, limits);
    const visited = new Set<string>();
    let cursor = 0;
    let step = 0;
    do {
      cursor = big.scanTable(cursor, 3, (m) => visited.add(m));
      if (step < 10) big.remove(`m${step * 2 + 1}`);
      step++;
    } while (cursor !== 0);
    for (let i = 0; i < 40; i += 2) expect(visited.has(`m${i}`)).toBe(true);
  });
});
