// The tracker's view of which keys a command touches (src/durability/command-keys.ts).
import { describe, expect, it } from 'vitest';
import { commandKeys, effectKeys } from '../../src/durability/command-keys.js';
import { buildCommandTable } from '../../src/engine/command-table.js';

const table = buildCommandTable();
const argv = (...a: string[]) => a.map((s) => Buffer.from(s));
function keysOf(...a: string[]) {
  const spec = table.lookup(a[0]!.toLowerCase());
  expect(spec, a[0]).toBeDefined();
  return commandKeys(spec!, argv(...a));
}

describe('command keys for the tracker', () => {
  it('names the keys of keyed commands', () => {
    expect(keysOf('GET', 'k')).toEqual([1]);
    expect(keysOf('MSET', 'a', '1', 'b', '2')).toEqual([1, 3]);
    expect(keysOf('SORT', 'l', 'LIMIT', '0', '5')).toEqual([1]);
  });

  it('makes SORT with BY or GET patterns wait for every earlier write', () => {
    expect(keysOf('SORT', 'l', 'BY', 'w_*')).toBe('all');
    expect(keysOf('SORT_RO', 'l', 'get', '#', 'GET', 'o_*')).toBe('all');
  });

  it('classes keyless commands', () => {
    expect(keysOf('PING')).toBe('independent');
    expect(keysOf('DBSIZE')).toBe('all');
    expect(effectKeys(table.lookup('swapdb'), argv('SWAPDB', '0', '1'))).toBe('all');
  });
});
