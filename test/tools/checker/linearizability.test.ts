import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Operation } from '../../../src/tools/checker/history.js';
import { checkLinearizable } from '../../../src/tools/checker/linearizability.js';
import { type RegisterInput, type RegisterOutput, registerModel, setModel } from '../../../src/tools/checker/model.js';

type RegOp = Operation<RegisterInput, RegisterOutput>;
let nextId = 0;
function op(client: number, input: RegisterInput, callMs: number, returnMs: number | undefined, output?: RegisterOutput, key = 'k'): RegOp {
  return { id: nextId++, client, key, input, callMs, returnMs, output };
}
const get = (c: number, out: RegisterOutput, t0: number, t1: number, key?: string) => op(c, { op: 'get' }, t0, t1, out, key);
const set = (c: number, v: string, t0: number, t1: number | undefined, key?: string) => op(c, { op: 'set', value: v }, t0, t1, 'OK', key);
const incr = (c: number, out: string | undefined, t0: number, t1: number | undefined) => op(c, { op: 'incr' }, t0, t1, out);

describe('linearizability checker (registers and counters)', () => {
  it('accepts a sequential history and a read concurrent with a write', () => {
    expect(checkLinearizable(registerModel, [set(0, '1', 0, 1), get(0, '1', 2, 3)]).ok).toBe(true);
    expect(checkLinearizable(registerModel, [set(0, '1', 0, 10), get(1, '1', 5, 6), get(2, null, 4, 7)]).ok).toBe(true);
  });

  it('rejects a stale read after a newer write completed', () => {
    const r = checkLinearizable(registerModel, [set(0, '1', 0, 1), set(0, '2', 2, 3), get(1, '1', 4, 5)]);
    expect(r.ok).toBe(false);
    expect(r.keys[0]!.result).toBe('violation');
    expect(r.keys[0]!.stuckAt?.input).toEqual({ op: 'get' });
  });

  it('rejects a read that goes back in time between two reads (new-old inversion)', () => {
    const h = [set(0, '1', 0, 1), set(1, '2', 2, 20), get(2, '2', 3, 4), get(3, '1', 5, 6)];
    expect(checkLinearizable(registerModel, h).ok).toBe(false);
  });

  it('treats an indeterminate write as maybe-happened, at any time after its call', () => {
    expect(checkLinearizable(registerModel, [set(0, '1', 0, 1), set(1, '2', 2, undefined), get(2, '1', 10, 11)]).ok).toBe(true);
    expect(checkLinearizable(registerModel, [set(0, '1', 0, 1), set(1, '2', 2, undefined), get(2, '2', 10, 11), get(2, '2', 12, 13)]).ok).toBe(true);
    // Once the indeterminate write is seen, the older value cannot come back.
    const h = [set(0, '1', 0, 1), set(1, '2', 2, undefined), get(2, '2', 10, 11), get(2, '1', 12, 13)];
    expect(checkLinearizable(registerModel, h).ok).toBe(false);
    // An indeterminate write cannot take effect before it was called.
    expect(checkLinearizable(registerModel, [get(0, '2', 0, 1), set(1, '2', 2, undefined)]).ok).toBe(false);
  });

  it('checks counters: two increments cannot both return 1; an indeterminate one may count', () => {
    expect(checkLinearizable(registerModel, [incr(0, '1', 0, 5), incr(1, '1', 1, 6)]).ok).toBe(false);
    expect(checkLinearizable(registerModel, [incr(0, '1', 0, 5), incr(1, '2', 1, 6)]).ok).toBe(true);
    expect(checkLinearizable(registerModel, [incr(0, undefined, 0, undefined), incr(1, '2', 10, 11)]).ok).toBe(true);
    expect(checkLinearizable(registerModel, [incr(0, undefined, 0, undefined), incr(1, '1', 10, 11)]).ok).toBe(true);
    expect(checkLinearizable(registerModel, [incr(0, undefined, 0, undefined), incr(1, '3', 10, 11)]).ok).toBe(false);
  });

  it('checks keys independently and reports only the broken one', () => {
    const h = [set(0, 'a', 0, 1, 'x'), get(1, 'a', 2, 3, 'x'), set(0, 'b', 0, 1, 'y'), get(1, 'zzz', 2, 3, 'y')];
    const r = checkLinearizable(registerModel, h);
    expect(r.ok).toBe(false);
    expect(r.keys.filter((k) => k.result === 'violation').map((k) => k.key)).toEqual(['y']);
  });

  it('checks sets: a read must show exactly the adds linearized before it', () => {
    let id = 0;
    const s = (value: string, t0: number, t1: number) => ({ id: id++, client: 0, key: 's', input: { op: 'add' as const, value }, callMs: t0, returnMs: t1, output: [] as string[] });
    const r = (out: string[], t0: number, t1: number) => ({ id: id++, client: 1, key: 's', input: { op: 'read' as const }, callMs: t0, returnMs: t1, output: out });
    expect(checkLinearizable(setModel, [s('a', 0, 1), s('b', 2, 10), r(['a'], 3, 4), r(['a', 'b'], 11, 12)]).ok).toBe(true);
    expect(checkLinearizable(setModel, [s('a', 0, 1), s('b', 2, 3), r(['a'], 4, 5)]).ok).toBe(false);
  });

  // Generate histories from a real register whose operations take effect at a random
  // instant inside their interval: always linearizable. Corrupting one read's output
  // to a value never written must always be caught.
  it('accepts generated linearizable histories and catches a corrupted read', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ client: fc.integer({ min: 0, max: 3 }), kind: fc.constantFrom('get', 'set', 'incr'), start: fc.integer({ min: 0, max: 100 }), len: fc.integer({ min: 1, max: 30 }), at: fc.double({ min: 0, max: 1, noNaN: true }) }), { minLength: 1, maxLength: 14 }),
        (specs) => {
          const timed = specs.map((s, i) => ({ ...s, i, effect: s.start + s.at * s.len }));
          const byEffect = [...timed].sort((a, b) => a.effect - b.effect);
          let value: string | null = null;
          const outputs = new Map<number, RegisterOutput>();
          for (const t of byEffect) {
            if (t.kind === 'get') outputs.set(t.i, value);
            else if (t.kind === 'set') { value = String(t.i + 100); outputs.set(t.i, 'OK'); }
            else { value = String(BigInt(value ?? '0') + 1n); outputs.set(t.i, value); }
          }
          const history: RegOp[] = timed.map((t) => ({
            id: t.i, client: t.client, key: 'k',
            input: t.kind === 'set' ? { op: 'set', value: String(t.i + 100) } : { op: t.kind as 'get' | 'incr' },
            callMs: t.start, returnMs: t.start + t.len, output: outputs.get(t.i)!,
          }));
          expect(checkLinearizable(registerModel, history).ok).toBe(true);
          const readIdx = history.findIndex((h) => h.input.op === 'get');
          if (readIdx >= 0) {
            const corrupted = history.map((h, i) => (i === readIdx ? { ...h, output: 'never-written' } : h));
            expect(checkLinearizable(registerModel, corrupted).ok).toBe(false);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
