import { describe, expect, it } from 'vitest';
import { checkListAppend } from '../../../src/tools/checker/list-append.js';

describe('list-append checker', () => {
  const appends = [
    { key: 'l', value: 'a', callMs: 0, returnMs: 1 },
    { key: 'l', value: 'b', callMs: 2, returnMs: 3 },
    { key: 'l', value: 'c', callMs: 4, returnMs: undefined },
  ];

  it('accepts a valid history, with or without the indeterminate append', () => {
    const reads = [{ key: 'l', callMs: 1.5, returnMs: 1.8, values: ['a'] }];
    expect(checkListAppend(appends, reads, new Map([['l', ['a', 'b']]]))).toEqual([]);
    expect(checkListAppend(appends, reads, new Map([['l', ['a', 'b', 'c']]]))).toEqual([]);
  });

  it('finds lost, duplicated, phantom, reordered and stale results', () => {
    const kinds = (reads: { key: string; callMs: number; returnMs: number; values: string[] }[], final: string[]) =>
      checkListAppend(appends, reads, new Map([['l', final]])).map((a) => a.kind);
    expect(kinds([], ['a'])).toContain('lost');
    expect(kinds([], ['a', 'b', 'b'])).toContain('duplicated');
    expect(kinds([], ['a', 'b', 'zz'])).toContain('phantom');
    expect(kinds([], ['b', 'a'])).toContain('reordered');
    expect(kinds([{ key: 'l', callMs: 0, returnMs: 5, values: ['a', 'c'] }], ['a', 'b', 'c'])).toContain('reordered');
    expect(kinds([{ key: 'l', callMs: 3.5, returnMs: 3.9, values: ['a'] }], ['a', 'b'])).toContain('stale');
  });

  it('names the operations that show each anomaly (its smallest failing piece)', () => {
    const stale = { key: 'l', callMs: 3.5, returnMs: 3.9, values: ['a'] };
    const found = checkListAppend(appends, [stale], new Map([['l', ['a']]]));
    const lost = found.find((a) => a.kind === 'lost')!;
    expect(lost.involved).toEqual([appends[1], 'final']);
    expect(found.find((a) => a.kind === 'stale')!.involved).toEqual([appends[1], stale]);
  });
});
