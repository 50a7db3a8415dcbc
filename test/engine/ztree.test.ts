// ZTree (src/engine/types/ztree.ts), ZListpack (src/engine/types/zlistpack.ts) and RZSet
// against a simple model: a sorted array of [score, member]. Random operations (insert,
// delete, score updates, deletes that move the last id) keep every invariant (`check()`),
// and ranks, rank lookups, score and lex range ends and iteration in both directions
// agree with the model, on small sets and on sets large enough for a 3-level tree
// (leaf splits, inner splits, leaf merges, root growth and collapse).

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { NIL } from '../../src/engine/types/znodes.js';
import { ZTree } from '../../src/engine/types/ztree.js';
import { ZListpack } from '../../src/engine/types/zlistpack.js';
import { LexRange, lexMax, lexMin, RZSet, ScoreRange } from '../../src/engine/types/zset.js';

type Entry = [number, string];
const order = (a: Entry, b: Entry): number => (a[0] !== b[0] ? a[0] - b[0] : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);

function forward(sl: ZTree | ZListpack): Entry[] {
  const out: Entry[] = [];
  for (let id = sl.first(); id !== NIL; id = sl.next(id)) out.push([sl.scoreOf(id), sl.memberOf(id)]);
  return out;
}

function backward(sl: ZTree | ZListpack): Entry[] {
  const out: Entry[] = [];
  for (let id = sl.last(); id !== NIL; id = sl.prev(id)) out.push([sl.scoreOf(id), sl.memberOf(id)]);
  return out;
}

const member = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'aa', 'ab', '', 'zz', '\u00ff', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6');
const score = fc.oneof(fc.constantFrom(0, 1, -1, 2.5, Infinity, -Infinity), fc.integer({ min: -5, max: 5 }));
const op = fc.oneof(
  fc.tuple(fc.constant('add' as const), score, member),
  fc.tuple(fc.constant('del' as const), score, member),
  fc.tuple(fc.constant('upd' as const), score, member),
);

describe('ZTree and ZListpack against a sorted-array model', () => {
  test.each([
    ['ZTree', (): ZTree | ZListpack => new ZTree()],
    ['ZListpack', (): ZTree | ZListpack => new ZListpack()],
  ])('%s: random inserts, deletes and updates keep order, ranks, ranges and invariants', (_name, make) => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), fc.tuple(score, score, fc.boolean(), fc.boolean()), (ops, [a, b, minex, maxex]) => {
        const sl = make();
        const model = new Map<string, number>();
        for (const [kind, s, m] of ops) {
          if (kind === 'add' && !model.has(m)) {
            sl.insert(s, m);
            model.set(m, s);
          } else if (kind === 'del') {
            expect(sl.delete(m)).toBe(model.delete(m));
          } else if (kind === 'upd' && model.has(m)) {
            sl.updateScore(sl.idOf(m), s);
            model.set(m, s);
          }
        }
        if (sl instanceof ZTree) sl.check();
        const sorted: Entry[] = [...model.entries()].map(([m, s]) => [s, m] as Entry).sort(order);
        expect(forward(sl)).toEqual(sorted);
        expect(backward(sl)).toEqual(sorted.slice().reverse());
        expect(sl.length).toBe(sorted.length);
        sorted.forEach(([, m], i) => {
          expect(sl.rankOf(sl.idOf(m))).toBe(i);
          expect(sl.memberOf(sl.idAtRank(i))).toBe(m);
        });
        expect(sl.idAtRank(sorted.length)).toBe(NIL);
        const r = new ScoreRange(a, minex, b, maxex);
        const inRange = sorted.filter(([s]) => (minex ? s > a : s >= a) && (maxex ? s < b : s <= b));
        const first = sl.firstInRange(r);
        const last = sl.lastInRange(r);
        expect(first === NIL ? null : sl.memberOf(first)).toBe(inRange.length ? inRange[0]![1] : null);
        expect(last === NIL ? null : sl.memberOf(last)).toBe(inRange.length ? inRange[inRange.length - 1]![1] : null);
      }),
      { numRuns: 300 },
    );
  });

  test('lex ranges over equal scores: first/last match the model, - and + bound everything', () => {
    const bound = fc.oneof(fc.constant(lexMin), fc.constant(lexMax), member);
    fc.assert(
      fc.property(fc.uniqueArray(member, { maxLength: 16 }), bound, bound, fc.boolean(), fc.boolean(), (members, a, b, minex, maxex) => {
        const sl = new ZTree();
        for (const m of members) sl.insert(0, m);
        const r = new LexRange(a, minex, b, maxex);
        const sorted = members.slice().sort();
        const inRange = sorted.filter((m) => r.gteMinMember(m) && r.lteMaxMember(m));
        const first = sl.firstInRange(r);
        const last = sl.lastInRange(r);
        expect(first === NIL ? null : sl.memberOf(first)).toBe(inRange[0] ?? null);
        expect(last === NIL ? null : sl.memberOf(last)).toBe(inRange.length ? inRange[inRange.length - 1]! : null);
      }),
      { numRuns: 300 },
    );
  });

  test('a scan from the top never misses a member present throughout, despite deletes and updates', () => {
    const sl = new ZTree();
    for (let i = 0; i < 500; i++) sl.insert(i % 17, `m${i}`);
    const seen = new Set<string>();
    const stable = new Set<string>();
    for (let i = 0; i < 500; i++) if (i % 3 !== 0) stable.add(`m${i}`);
    let cursor = 0;
    let step = 0;
    do {
      cursor = sl.scan(cursor, 7, (id) => seen.add(sl.memberOf(id)));
      // Between calls: delete some members not in `stable`, move others' scores.
      for (let k = 0; k < 3; k++) {
        const victim = `m${(step * 3 * 3 + k * 3) % 500}`;
        if (!stable.has(victim)) sl.delete(victim);
      }
      const moved = `m${(step * 7 + 1) % 500}`;
      if (sl.idOf(moved) !== NIL) sl.updateScore(sl.idOf(moved), -step);
      step++;
    } while (cursor !== 0);
    sl.check();
    for (const m of stable) expect(seen.has(m)).toBe(true);
  });

  test('large sets: 20000 members keep sizes and ranks exact through mass deletion', () => {
    const sl = new ZTree();
    for (let i = 0; i < 20_000; i++) sl.insert((i * 7919) % 1000, `k${i}`);
    for (let i = 0; i < 20_000; i += 2) expect(sl.delete(`k${i}`)).toBe(true);
    sl.check();
    expect(sl.length).toBe(10_000);
    let prev = -Infinity;
    for (let r = 0; r < sl.length; r += 997) {
      const id = sl.idAtRank(r);
      expect(sl.scoreOf(id)).toBeGreaterThanOrEqual(prev);
      prev = sl.scoreOf(id);
      expect(sl.rankOf(id)).toBe(r);
    }
  });
});

describe('ZTree at depth: splits, merges, root growth and collapse', () => {
  /** Deterministic PRNG (the failures replay). */
  function prng(seed: number): (n: number) => number {
    let x = seed >>> 0 || 1;
    return (n) => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return (x >>> 0) % n;
    };
  }

  function agree(t: ZTree, model: Map<string, number>, rnd: (n: number) => number): void {
    t.check();
    const sorted: Entry[] = [...model.entries()].map(([m, s]) => [s, m] as Entry).sort(order);
    expect(t.length).toBe(sorted.length);
    // Element by element (toEqual on 10^5-element arrays is slow): the first mismatch fails.
    let i = 0;
    for (let id = t.first(); id !== NIL; id = t.next(id), i++) {
      if (t.memberOf(id) !== sorted[i]?.[1] || t.scoreOf(id) !== sorted[i]![0]) expect([i, t.memberOf(id), t.scoreOf(id)]).toEqual([i, ...(sorted[i] ?? [])].reverse());
    }
    expect(i).toBe(sorted.length);
    for (let id = t.last(); id !== NIL; id = t.prev(id)) {
      i--;
      if (t.memberOf(id) !== sorted[i]?.[1]) expect([i, t.memberOf(id)]).toEqual([i, sorted[i]?.[1]]);
    }
    expect(i).toBe(0);
    for (let k = 0; k < 20; k++) {
      const a = rnd(1200) - 100;
      const b = a + rnd(300);
      const minex = rnd(2) === 0;
      const maxex = rnd(2) === 0;
      const r = new ScoreRange(a, minex, b, maxex);
      const inRange = sorted.filter(([s]) => (minex ? s > a : s >= a) && (maxex ? s < b : s <= b));
      const first = t.firstInRange(r);
      const last = t.lastInRange(r);
      expect(first === NIL ? null : t.memberOf(first)).toBe(inRange.length ? inRange[0]![1] : null);
      expect(last === NIL ? null : t.memberOf(last)).toBe(inRange.length ? inRange[inRange.length - 1]![1] : null);
    }
  }

  /** Lets vitest's worker talk to its parent between long synchronous phases. */
  const breathe = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

  test('random inserts, updates and deletes up to 160000 members (3 inner levels), then down to none', async () => {
    const rnd = prng(20261126);
    const t = new ZTree();
    const model = new Map<string, number>();
    const pool = 200_000;
    const step = (addBias: number): void => {
      const m = `e${rnd(pool)}`;
      const s = rnd(1000); // few distinct scores: many ties broken by member
      const op = rnd(100);
      if (!model.has(m)) {
        if (op < addBias) {
          t.insert(s, m);
          model.set(m, s);
        }
      } else if (op < addBias) {
        t.updateScore(t.idOf(m), s);
        model.set(m, s);
      } else {
        if (!t.delete(m)) expect.fail(`${m} was not deleted`);
        model.delete(m);
      }
    };
    for (let i = 0; i < 160_000; i++) {
      const s = rnd(1000); // few distinct scores: many ties broken by member
      t.insert(s, `e${i}`);
      model.set(`e${i}`, s);
    }
    expect(t.depth()).toBe(3);
    agree(t, model, rnd);
    await breathe();
    for (let i = 0; i < 100_000; i++) step(50);
    agree(t, model, rnd);
    await breathe();
    // Down to none by deletes of random present members (merges, empty nodes, root collapse).
    for (const m of [...model.keys()]) {
      if (rnd(2) === 0) continue;
      if (!t.delete(m)) expect.fail(`${m} was not deleted`);
      model.delete(m);
    }
    agree(t, model, rnd);
    await breathe();
    for (const m of [...model.keys()]) {
      if (!t.delete(m)) expect.fail(`${m} was not deleted`);
      model.delete(m);
      if (model.size === 1000 || model.size === 70 || model.size === 1) agree(t, model, rnd);
      if (model.size === 1000) expect(t.depth()).toBeLessThan(3); // sparse nodes merged, the root gave way
    }
    expect(t.depth()).toBe(0);
    agree(t, model, rnd);
    expect(t.first()).toBe(NIL);
    // And it grows again from empty.
    for (let i = 0; i < 5000; i++) {
      t.insert(i % 7, `again${i}`);
      model.set(`again${i}`, i % 7);
    }
    agree(t, model, rnd);
  }, 120_000);

  test('ascending and descending loads (the appending split) keep order and ranks', async () => {
    const rnd = prng(7);
    for (const dir of [1, -1]) {
      const t = new ZTree();
      const model = new Map<string, number>();
      for (let i = 0; i < 100_000; i++) {
        const s = dir * Math.floor(i / 3);
        t.insert(s, `m${String(i).padStart(7, '0')}`);
        model.set(`m${String(i).padStart(7, '0')}`, s);
      }
      agree(t, model, rnd);
      await breathe();
      // Score updates that keep the neighbours (in place) and ones that move far.
      for (let i = 0; i < 100_000; i += 101) {
        const m = `m${String(i).padStart(7, '0')}`;
        const s = i % 2 === 0 ? model.get(m)! : -model.get(m)! + 0.5;
        t.updateScore(t.idOf(m), s);
        model.set(m, s);
      }
      agree(t, model, rnd);
    }
  }, 120_000);
});

describe('RZSet', () => {
  const limits = { zsetMaxListpackEntries: 3, zsetMaxListpackValue: 4 };

  test('encoding follows 7.0: listpack until a 4th member or a long member, then sticky skiplist', () => {
    const z = new RZSet(true);
    z.insert('a', 1, limits);
    z.insert('b', 2, limits);
    z.insert('c', 3, limits);
    expect(z.encoding()).toBe('listpack');
    z.insert('d', 4, limits);
    expect(z.encoding()).toBe('skiplist');
    z.delete('d');
    z.delete('c');
    expect(z.encoding()).toBe('skiplist');
    const w = new RZSet(true);
    w.insert('abcde', 1, limits);
    expect(w.encoding()).toBe('skiplist');
    z.convertToListpackIfNeeded(1, limits);
    expect(z.encoding()).toBe('listpack');
  });

  test('a listpack keeps -0 as 0, a skiplist keeps -0; clone keeps content and encoding', () => {
    const lp = new RZSet(true);
    lp.insert('a', -0, limits);
    expect(Object.is(lp.score('a'), 0)).toBe(true);
    const sk = new RZSet(false);
    sk.insert('a', -0, limits);
    expect(Object.is(sk.score('a'), -0)).toBe(true);
    sk.insert('b', 2, limits);
    const c = sk.clone();
    expect(c.encoding()).toBe('skiplist');
    expect([...c.digestParts()]).toEqual([...sk.digestParts()]);
    c.delete('a');
    expect(sk.size).toBe(2);
    expect(c.rank('b')).toBe(0);
  });
});
