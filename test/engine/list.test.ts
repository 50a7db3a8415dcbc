// RList (src/engine/types/list.ts) alone, against a plain array model: random operation
// sequences (pushes and pops at both ends, set, insert, keepRange, removeMatching) must
// leave the same elements in the same order, through growth, wrap-around and shrinking,
// within one chunk and across many (elements near and above listChunkBytes), and the
// byte paths (pushBytes, popTo, writeAt, writeRange, equalsAt) must agree with it.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { listChunkBytes } from '../../src/limits.js';
import { frameLatin1, ListEnd, RList, type FramedSink } from '../../src/engine/types/list.js';

/** A growable byte sink like the engine's ReplyWriter. */
function sink(): FramedSink {
  return {
    buf: Buffer.alloc(16),
    length: 0,
    ensure(bytes: number): void {
      if (this.length + bytes <= this.buf.length) return;
      const next = Buffer.alloc(Math.max(this.buf.length * 2, this.length + bytes));
      this.buf.copy(next, 0, 0, this.length);
      this.buf = next;
    },
  };
}
const bulk = (v: string): string => `$${v.length}\r\n${v}\r\n`;

type Op =
  | { op: 'push'; where: ListEnd; v: string }
  | { op: 'pop'; where: ListEnd }
  | { op: 'set'; i: number; v: string }
  | { op: 'insert'; i: number; v: string }
  | { op: 'keep'; start: number; end: number }
  | { op: 'remove'; v: string; limit: number; fromHead: boolean }
  | { op: 'pushBytes'; where: ListEnd; v: string }
  | { op: 'popTo'; where: ListEnd };

const value = fc.constantFrom('a', 'b', 'c', '', 'x'.repeat(50));
const where = fc.constantFrom<ListEnd>(ListEnd.head, ListEnd.tail);
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('push' as const), where, v: value }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('pop' as const), where }) },
  fc.record({ op: fc.constant('set' as const), i: fc.nat(200), v: value }),
  fc.record({ op: fc.constant('insert' as const), i: fc.nat(200), v: value }),
  fc.record({ op: fc.constant('keep' as const), start: fc.nat(100), end: fc.nat(100) }),
  fc.record({ op: fc.constant('remove' as const), v: value, limit: fc.nat(3), fromHead: fc.boolean() }),
);

function apply(list: RList, model: string[], o: Op): void {
  switch (o.op) {
    case 'pushBytes':
      list.pushBytes(Buffer.from(o.v, 'latin1'), o.where);
      if (o.where === ListEnd.head) model.unshift(o.v);
      else model.push(o.v);
      break;
    case 'popTo': {
      const out = sink();
      const popped = list.popTo(out, o.where);
      const want = o.where === ListEnd.head ? model.shift() : model.pop();
      expect(popped).toBe(want !== undefined);
      expect(out.buf.latin1Slice(0, out.length)).toBe(want === undefined ? '' : bulk(want));
      break;
    }
    case 'push':
      list.push(o.v, o.where);
      if (o.where === ListEnd.head) model.unshift(o.v);
      else model.push(o.v);
      break;
    case 'pop': {
      const got = list.pop(o.where);
      const want = o.where === ListEnd.head ? model.shift() : model.pop();
      expect(got).toBe(want);
      break;
    }
    case 'set':
      if (model.length === 0) return;
      list.set(o.i % model.length, o.v);
      model[o.i % model.length] = o.v;
      break;
    case 'insert': {
      const i = o.i % (model.length + 1);
      list.insertAt(i, o.v);
      model.splice(i, 0, o.v);
      break;
    }
    case 'keep': {
      list.keepRange(o.start, Math.min(o.end, Math.max(0, model.length - 1)));
      const end = Math.min(o.end, model.length - 1);
      const kept = o.start > end || o.start >= model.length ? [] : model.slice(o.start, end + 1);
      model.splice(0, model.length, ...kept);
      break;
    }
    case 'remove': {
      let removed = 0;
      const keep: boolean[] = model.map(() => true);
      const order = o.fromHead ? model.map((_, i) => i) : model.map((_, i) => model.length - 1 - i);
      for (const i of order) {
        if (model[i] === o.v && (o.limit === 0 || removed < o.limit)) {
          keep[i] = false;
          removed++;
        }
      }
      expect(list.removeMatching(o.v, o.limit, o.fromHead)).toBe(removed);
      const next = model.filter((_, i) => keep[i]);
      model.splice(0, model.length, ...next);
      break;
    }
  }
}

/** Checks every read path against the model. */
function checkReads(list: RList, model: string[]): void {
  expect(list.length).toBe(model.length);
  expect(list.toArray()).toEqual(model);
  for (let i = 0; i < model.length; i++) expect(list.at(i)).toBe(model[i]);
  for (let i = model.length - 1; i >= 0; i--) {
    expect(list.equalsAt(i, frameLatin1(model[i]!))).toBe(true);
    expect(list.equalsAt(i, frameLatin1(model[i]! + 'q'))).toBe(false);
  }
  if (model.length > 0) {
    const all = sink();
    list.writeRange(all, 0, model.length - 1);
    expect(all.buf.latin1Slice(0, all.length)).toBe(model.map(bulk).join(''));
    const mid = Math.floor(model.length / 2);
    const part = sink();
    list.writeRange(part, mid, model.length - 1);
    list.writeAt(part, mid);
    expect(part.buf.latin1Slice(0, part.length)).toBe(model.slice(mid).map(bulk).join('') + bulk(model[mid]!));
  }
}

describe('RList', () => {
  test('random operations across many chunks match an array model', () => {
    // Elements from a few bytes to past one chunk, so chunks fill, split, empty and
    // hold one oversized element.
    const big = fc.constantFrom('a', '', '7', 'z'.repeat(300), 'x'.repeat(Math.floor(listChunkBytes / 6)), 'y'.repeat(listChunkBytes + 10));
    const bigOp: fc.Arbitrary<Op> = fc.oneof(
      { weight: 6, arbitrary: fc.record({ op: fc.constant('pushBytes' as const), where, v: big }) },
      { weight: 2, arbitrary: fc.record({ op: fc.constant('push' as const), where, v: big }) },
      { weight: 3, arbitrary: fc.record({ op: fc.constant('popTo' as const), where }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('pop' as const), where }) },
      fc.record({ op: fc.constant('set' as const), i: fc.nat(200), v: big }),
      fc.record({ op: fc.constant('insert' as const), i: fc.nat(200), v: big }),
      fc.record({ op: fc.constant('keep' as const), start: fc.nat(30), end: fc.nat(120) }),
      fc.record({ op: fc.constant('remove' as const), v: big, limit: fc.nat(3), fromHead: fc.boolean() }),
    );
    fc.assert(
      fc.property(fc.array(bigOp, { minLength: 20, maxLength: 200 }), (ops) => {
        const list = new RList();
        const model: string[] = [];
        for (const o of ops) {
          apply(list, model, o);
          expect(list.length).toBe(model.length);
        }
        checkReads(list, model);
        checkReads(list.clone(), model);
      }),
      { numRuns: 60 },
    );
  });

  test('thousands of small elements pushed at one end and popped at the other (a queue)', () => {
    const l = new RList();
    const model: string[] = [];
    let next = 0;
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 3000; i++) {
        const v = String(next++);
        l.pushBytes(Buffer.from(v), ListEnd.head);
        model.unshift(v);
      }
      const out = sink();
      for (let i = 0; i < 2500; i++) l.popTo(out, ListEnd.tail);
      const popped = model.splice(model.length - 2500, 2500).reverse();
      expect(out.buf.latin1Slice(0, out.length)).toBe(popped.map(bulk).join(''));
    }
    checkReads(l, model);
  });

  test('random operations match an array model', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const list = new RList();
        const model: string[] = [];
        for (const o of ops) {
          apply(list, model, o);
          expect(list.length).toBe(model.length);
        }
        expect(list.toArray()).toEqual(model);
        for (let i = 0; i < model.length; i++) expect(list.at(i)).toBe(model[i]);
        expect([...list.digestParts()]).toEqual(model);
        expect(list.clone().toArray()).toEqual(model);
      }),
      { numRuns: 300 },
    );
  });

  test('resolveIndex follows Redis: negative from the tail, -1 out of range', () => {
    const l = RList.from(['a', 'b', 'c']);
    expect([0, 2, 3, -1, -3, -4].map((i) => l.resolveIndex(i))).toEqual([0, 2, -1, 2, 0, -1]);
  });

  test('a clone is independent, and OBJECT ENCODING is quicklist as 7.0 reports', () => {
    const l = RList.from(['a']);
    const c = l.clone();
    c.push('b', ListEnd.tail);
    expect(l.toArray()).toEqual(['a']);
    expect(c.toArray()).toEqual(['a', 'b']);
    expect(l.encoding()).toBe('quicklist');
    expect(l.type).toBe('list');
  });

  test('grows and shrinks through many pushes and pops at both ends', () => {
    const l = new RList();
    for (let i = 0; i < 10_000; i++) l.push(String(i), i % 2 === 0 ? ListEnd.head : ListEnd.tail);
    expect(l.length).toBe(10_000);
    expect(l.at(0)).toBe('9998');
    expect(l.at(9_999)).toBe('9999');
    for (let i = 0; i < 9_999; i++) l.pop(i % 3 === 0 ? ListEnd.head : ListEnd.tail);
    expect(l.length).toBe(1);
    expect(l.pop(ListEnd.head)).toBeDefined();
    expect(l.pop(ListEnd.tail)).toBeUndefined();
  });
});
