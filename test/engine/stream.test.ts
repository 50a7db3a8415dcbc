// RStream alone (src/engine/types/stream.ts), against a sorted-array model: appends,
// range reads both ways, deletes, exact and approximate trims, the node invariants that
// `~` trimming depends on, clone independence and the listpack byte accounting.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { formatId, idMax, makeId, RStream } from '../../src/engine/types/stream.js';
import { streamNodeBytesMax, streamNodeEntriesMax } from '../../src/limits.js';

type Op =
  | { kind: 'add'; gap: number; fields: number; value: string }
  | { kind: 'del'; pick: number }
  | { kind: 'trim'; maxlen: number; approx: boolean }
  | { kind: 'minid'; pick: number; approx: boolean };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('add' as const), gap: fc.integer({ min: 1, max: 3 }), fields: fc.integer({ min: 1, max: 3 }), value: fc.constantFrom('v', '12', 'x'.repeat(300), '-7') }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('del' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('trim' as const), maxlen: fc.integer({ min: 0, max: 300 }), approx: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('minid' as const), pick: fc.nat(), approx: fc.boolean() }) },
);

function checkInvariants(s: RStream, model: bigint[]): void {
  let live = 0;
  let prevLast = -1n;
  for (const n of s.nodes) {
    expect(n.live).toBeGreaterThan(0);
    expect(n.live + n.deleted).toBeLessThanOrEqual(streamNodeEntriesMax);
    expect(n.masterId).toBeGreaterThan(prevLast);
    expect(n.ids[0]!).toBeGreaterThanOrEqual(n.masterId);
    prevLast = n.lastAnyId;
    live += n.live;
  }
  expect(live).toBe(s.length);
  expect(s.length).toBe(model.length);
  const ids: bigint[] = [];
  s.range(0n, idMax, false, (id) => {
    ids.push(id);
    return true;
  });
  expect(ids).toEqual(model);
  expect(s.firstId).toBe(model[0] ?? 0n);
}

describe('RStream against a sorted-array model', () => {
  test('random operations keep entries, order, counts and node invariants', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const s = new RStream();
        let model: bigint[] = [];
        let ms = 0n;
        for (const o of ops) {
          if (o.kind === 'add') {
            ms += BigInt(o.gap);
            const id = makeId(ms, 0n);
            const fv: string[] = [];
            for (let i = 0; i < o.fields; i++) fv.push(`f${i}`, o.value);
            s.append(id, fv);
            model.push(id);
          } else if (o.kind === 'del') {
            if (model.length === 0) continue;
            const id = model[o.pick % model.length]!;
            expect(s.delete(id)).toBe(true);
            expect(s.delete(id)).toBe(false);
            model = model.filter((x) => x !== id);
            s.updateFirstId();
          } else if (o.kind === 'trim') {
            const before = model.length;
            const removed = s.trim({ strategy: 'maxlen', maxlen: o.maxlen, minid: 0n, approx: o.approx, limit: 0 });
            // Always the oldest entries; exact trims reach maxlen, approximate ones never pass it.
            model = model.slice(removed);
            expect(before - removed).toBe(model.length);
            if (!o.approx) expect(model.length).toBe(Math.min(before, o.maxlen));
            else expect(model.length).toBeGreaterThanOrEqual(Math.min(before, o.maxlen));
          } else {
            const minid = model.length === 0 ? makeId(ms, 0n) : model[o.pick % model.length]!;
            const removed = s.trim({ strategy: 'minid', maxlen: 0, minid, approx: o.approx, limit: 0 });
            expect(model.slice(0, removed).every((id) => id < minid)).toBe(true);
            model = model.slice(removed);
            if (!o.approx) expect(model.every((id) => id >= minid)).toBe(true);
          }
          checkInvariants(s, model);
        }
      }),
      { numRuns: 150 },
    );
  });

  test('range reads in both directions match the model for any bounds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 450 }), fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 500 }), (n, a, b) => {
        const s = new RStream();
        const model: bigint[] = [];
        for (let i = 1; i <= n; i++) {
          const id = makeId(BigInt(i), BigInt(i % 3));
          s.append(id, ['f', String(i)]);
          model.push(id);
        }
        const lo = makeId(BigInt(Math.min(a, b)), 1n);
        const hi = makeId(BigInt(Math.max(a, b)), 1n);
        const fwd: bigint[] = [];
        s.range(lo, hi, false, (id) => (fwd.push(id), true));
        const rev: bigint[] = [];
        s.range(lo, hi, true, (id) => (rev.push(id), true));
        const want = model.filter((id) => id >= lo && id <= hi);
        expect(fwd).toEqual(want);
        expect(rev).toEqual([...want].reverse());
      }),
      { numRuns: 200 },
    );
  });
});

describe('nodes as Redis cuts them', () => {
  test('a node closes at stream-node-max-entries, and earlier when its listpack would reach stream-node-max-bytes', () => {
    const s = new RStream();
    for (let i = 1; i <= 250; i++) s.append(makeId(BigInt(i), 0n), ['field', String(i)]);
    expect(s.nodes.map((n) => n.live)).toEqual([100, 100, 50]);
    const wide = new RStream();
    for (let i = 1; i <= 60; i++) wide.append(makeId(BigInt(i), 0n), ['f', 'x'.repeat(200)]);
    expect(wide.nodes.length).toBeGreaterThan(1);
    for (const n of wide.nodes) expect(n.bytes).toBeLessThan(streamNodeBytesMax + 250);
  });

  test('deleting the last live entry of a node removes the node; tombstones still count toward the entry bound', () => {
    const s = new RStream();
    for (let i = 1; i <= 100; i++) s.append(makeId(BigInt(i), 0n), ['f', 'v']);
    for (let i = 1; i <= 99; i++) expect(s.delete(makeId(BigInt(i), 0n))).toBe(true);
    expect(s.nodes).toHaveLength(1);
    s.append(makeId(101n, 0n), ['f', 'v']); // 1 live + 99 deleted = 100: a new node
    expect(s.nodes).toHaveLength(2);
    expect(s.delete(makeId(100n, 0n))).toBe(true);
    expect(s.nodes).toHaveLength(1);
    expect(s.maxDeletedId).toBe(makeId(100n, 0n));
  });

  test('clone is deep: groups, PELs and entries are independent', () => {
    const s = new RStream();
    s.append(makeId(1n, 0n), ['f', 'v']);
    const g = s.createGroup('g', 0n, -1);
    const c = g.createConsumer('c', 5);
    const copy = s.clone();
    s.append(makeId(2n, 0n), ['f', 'w']);
    g.deleteConsumer(c);
    expect(copy.length).toBe(1);
    expect(copy.groups.get('g')!.consumers.has('c')).toBe(true);
    expect(formatId(copy.lastId)).toBe('1-0');
    expect(copy.digestParts()).not.toEqual(s.digestParts());
  });
});
