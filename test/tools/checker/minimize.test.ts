// The history reductions and the SVG timeline. The reductions claim soundness
// ("linearizable before implies linearizable after"), so the property test applies
// every one of them to generated linearizable histories and demands they stay
// linearizable; a minimized violation must still violate and be smaller.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Operation } from '../../../src/tools/checker/history.js';
import { checkLinearizable } from '../../../src/tools/checker/linearizability.js';
import { minimizeViolation, prefixAt, pruneIndeterminate, registerReducer, setReducer } from '../../../src/tools/checker/minimize.js';
import { type RegisterInput, type RegisterOutput, registerModel, type SetInput, type SetOutput, setModel } from '../../../src/tools/checker/model.js';
import { timelineSvg } from '../../../src/tools/checker/timeline-svg.js';

type RegOp = Operation<RegisterInput, RegisterOutput>;
const stride = 1_000_000;
const reducer = registerReducer(stride);

/** A register history from ops taking effect at random instants in their intervals; some made indeterminate. */
const linearizableRegisterHistory = fc
  .array(
    fc.record({
      client: fc.integer({ min: 0, max: 3 }),
      kind: fc.constantFrom('get', 'set', 'incr'),
      start: fc.integer({ min: 0, max: 100 }),
      len: fc.integer({ min: 1, max: 30 }),
      at: fc.double({ min: 0, max: 1, noNaN: true }),
      lost: fc.integer({ min: 0, max: 9 }),
    }),
    { minLength: 1, maxLength: 12 },
  )
  .map((specs) => {
    const timed = specs.map((s, i) => ({ ...s, i, effect: s.start + s.at * s.len }));
    let value: string | null = null;
    const outputs = new Map<number, RegisterOutput>();
    for (const t of [...timed].sort((a, b) => a.effect - b.effect)) {
      if (t.kind === 'get') outputs.set(t.i, value);
      else if (t.kind === 'set') {
        value = String((t.i + 1) * stride);
        outputs.set(t.i, 'OK');
      } else {
        value = String(BigInt(value ?? '0') + 1n);
        outputs.set(t.i, value);
      }
    }
    return timed.map((t): RegOp => {
      const input: RegisterInput = t.kind === 'set' ? { op: 'set', value: String((t.i + 1) * stride) } : { op: t.kind as 'get' | 'incr' };
      // An indeterminate write happened (we computed its effect), but its client never heard.
      if (t.lost === 0 && t.kind !== 'get') return { id: t.i, client: t.client + 10 * t.i, key: 'k', input, callMs: t.start };
      return { id: t.i, client: t.client, key: 'k', input, callMs: t.start, returnMs: t.start + t.len, output: outputs.get(t.i)! };
    });
  });

const linearizable = (h: readonly RegOp[]): boolean => checkLinearizable(registerModel, h).ok;

describe('sound reductions', () => {
  it('keep generated linearizable register histories linearizable', () => {
    fc.assert(
      fc.property(linearizableRegisterHistory, fc.integer({ min: 0, max: 130 }), (history, cut) => {
        expect(linearizable(history)).toBe(true);
        expect(linearizable(prefixAt(history, cut))).toBe(true);
        expect(linearizable(pruneIndeterminate(reducer, history))).toBe(true);
        for (const op of history) {
          if (reducer.droppable(op, history)) expect(linearizable(history.filter((o) => o !== op))).toBe(true);
        }
        for (const group of reducer.groups!(history)) expect(linearizable(history.filter((o) => !group.includes(o)))).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('keep set histories linearizable when an unobserved SADD or a read is dropped', () => {
    let id = 0;
    const add = (v: string, t0: number, t1: number | undefined): Operation<SetInput, SetOutput> => ({ id: id++, client: id, key: 's', input: { op: 'add', value: v }, callMs: t0, returnMs: t1, output: t1 === undefined ? undefined : [] });
    const read = (out: string[], t0: number, t1: number): Operation<SetInput, SetOutput> => ({ id: id++, client: id, key: 's', input: { op: 'read' }, callMs: t0, returnMs: t1, output: out });
    const h = [add('a', 0, 1), add('b', 2, undefined), read(['a'], 3, 4), add('c', 5, 6), read(['a', 'c'], 7, 8)];
    expect(checkLinearizable(setModel, h).ok).toBe(true);
    expect(setReducer.droppable(h[1]!, h)).toBe(true); // b never seen
    expect(setReducer.droppable(h[3]!, h)).toBe(false); // c seen
    expect(pruneIndeterminate(setReducer, h)).not.toContain(h[1]);
  });
});

describe('minimizeViolation', () => {
  it('cuts a lost-write history down to the write that was lost and the read that missed it', () => {
    const ops: RegOp[] = [];
    let id = 0;
    const push = (client: number, input: RegisterInput, t0: number, t1: number | undefined, output?: RegisterOutput): void => {
      ops.push({ id: id++, client, key: 'k', input, callMs: t0, returnMs: t1, output });
    };
    for (let i = 0; i < 30; i++) {
      const v = String((i + 1) * stride);
      push(i % 4, { op: 'set', value: v }, i * 10, i * 10 + 2, 'OK');
      push((i + 1) % 4, { op: 'get' }, i * 10 + 3, i * 10 + 5, v);
      push((i + 2) % 4, { op: 'incr' }, i * 10 + 6, i * 10 + 8, String(BigInt(v) + 1n));
    }
    push(7, { op: 'incr' }, 301, undefined); // indeterminate
    push(5, { op: 'get' }, 400, 401, null); // everything lost
    push(6, { op: 'get' }, 402, 403, null);
    expect(linearizable(ops)).toBe(false);
    const piece = minimizeViolation(registerModel, reducer, ops);
    expect(linearizable(piece)).toBe(false);
    expect(piece.length).toBeLessThanOrEqual(5);
    expect(piece.some((o) => o.input.op === 'get' && o.output === null)).toBe(true);
    expect(piece.some((o) => o.input.op === 'set')).toBe(true);
  });

  it('draws the piece as an SVG timeline with the stuck operation marked', () => {
    const h: RegOp[] = [
      { id: 0, client: 0, key: 'k', input: { op: 'set', value: '1' }, callMs: 0, returnMs: 1, output: 'OK' },
      { id: 1, client: 1, key: 'k', input: { op: 'set', value: '2' }, callMs: 2, returnMs: 3, output: 'OK' },
      { id: 2, client: 2, key: 'k', input: { op: 'get' }, callMs: 4, returnMs: 5, output: '1' },
      { id: 3, client: 3, key: 'k', input: { op: 'incr' }, callMs: 4.5 },
    ];
    const r = checkLinearizable(registerModel, h).keys[0]!;
    expect(r.result).toBe('violation');
    const svg = timelineSvg(registerModel, h, { title: 'k <&>', stuckId: r.stuckAt?.id, linearizedIds: r.linearized?.map((o) => o.id), faults: [{ startMs: 1, endMs: 2, label: 'kill' }] });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.endsWith('</svg>')).toBe(true);
    expect(svg).toContain('k &lt;&amp;&gt;');
    expect(svg).toContain('GET -&gt; 1');
    expect(svg).toContain('stroke="#c00"'); // the stuck read
    expect(svg).toContain('stroke-dasharray'); // the indeterminate INCR
    expect(svg.match(/<g>/g)?.length).toBe(4);
  });
});
