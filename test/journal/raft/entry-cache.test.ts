// EntryCache (src/journal/raft/entry-cache.ts): recent entries for replication.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { EntryCache } from '../../../src/journal/raft/entry-cache.js';
import type { LogEntry } from '../../../src/journal/storage/types.js';

function entries(from: number, count: number, bytes = 10): LogEntry[] {
  return Array.from({ length: count }, (_, i) => ({
    index: from + i, term: 1, type: 2, engineVersion: 1, writerId: 1, writerSeq: from + i, payload: new Uint8Array(bytes),
  }));
}

describe('EntryCache', () => {
  it('serves cached ranges cut by count and bytes, and nothing it does not hold', () => {
    const cache = new EntryCache(0, 1000);
    cache.append(entries(1, 20));
    expect(cache.get(5, 20, 3, 1000)!.map((e) => e.index)).toEqual([5, 6, 7]);
    expect(cache.get(5, 20, 100, 25)!.map((e) => e.index)).toEqual([5, 6]);
    expect(cache.get(21, 30, 10, 1000)).toBeUndefined();
  });

  it('evicts the oldest entries past its byte budget', () => {
    const cache = new EntryCache(0, 100);
    cache.append(entries(1, 20)); // 200 bytes: keeps the last 10
    expect(cache.get(10, 20, 100, 1000)).toBeUndefined();
    expect(cache.get(11, 20, 100, 1000)!.length).toBe(10);
  });

  it('is cut exactly where the log is cut', () => {
    const cache = new EntryCache(0, 1000);
    cache.append(entries(1, 10));
    cache.truncateAfter(6);
    expect(cache.endIndex).toBe(7);
    expect(cache.get(5, 10, 100, 1000)!.map((e) => e.index)).toEqual([5, 6]);
    cache.append(entries(7, 2));
    expect(cache.endIndex).toBe(9);
  });

  it('keeps no reference to an evicted entry (its payload, a whole append, is garbage at once)', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const cache = new EntryCache(0, 1000);
    const payloads: WeakRef<Uint8Array>[] = [];
    // In a function of its own: no local of this test holds the entries.
    const fill = (): void => {
      const batch = entries(1, 100, 100); // 10,000 bytes: keeps the last 10
      for (const e of batch) payloads.push(new WeakRef(e.payload));
      cache.append(batch);
    };
    fill();
    await new Promise((resolve) => setImmediate(resolve)); // WeakRef targets are kept until the job ends
    gc();
    const alive = payloads.map((ref, i) => (ref.deref() === undefined ? 0 : i + 1)).filter((index) => index > 0);
    expect(alive).toEqual([91, 92, 93, 94, 95, 96, 97, 98, 99, 100]);
    expect(cache.get(91, 100, 100, 1000)!.length).toBe(10);
  });
});
