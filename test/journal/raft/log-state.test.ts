// LogState (src/journal/node/log-state.ts): the leader token and the dedup table as a
// fold over the log, cut exactly as the log is cut.

import { describe, expect, it } from 'vitest';
import { LogState } from '../../../src/journal/node/log-state.js';
import { RecordType } from '../../../src/journal/record-types.js';
import type { LogEntry } from '../../../src/journal/storage/types.js';

function entry(index: number, type: number, writerId = 0, writerSeq = 0): LogEntry {
  return { index, term: 1, type, engineVersion: 1, writerId, writerSeq, payload: new Uint8Array(0) };
}

describe('LogState', () => {
  it('tracks the token as the latest leadership record, also as of an earlier id', () => {
    const state = new LogState();
    state.append([entry(1, RecordType.noop), entry(2, RecordType.leadership, 1, 1), entry(3, RecordType.effects, 1, 2)]);
    state.append([entry(4, RecordType.leadership, 2, 1), entry(5, RecordType.effects, 2, 2)]);
    expect(state.token).toBe(4);
    expect(state.tokenAt(3)).toBe(2);
    expect(state.tokenAt(1)).toBe(0);
    state.truncateAfter(3);
    expect(state.token).toBe(2);
    expect(state.lastIndex).toBe(3);
  });

  it('finds a retried append by (writerId, writerSeq) with its ids, and forgets cut ones', () => {
    const state = new LogState();
    state.append([entry(1, RecordType.effects, 7, 1), entry(2, RecordType.effects, 7, 2), entry(3, RecordType.effects, 7, 2)]);
    state.append([entry(4, RecordType.effects, 8, 1)]);
    expect(state.lookup(7, 2)).toEqual({ kind: 'found', group: { writerId: 7, writerSeq: 2, firstId: 2, lastId: 3 } });
    expect(state.lookup(7, 3)).toEqual({ kind: 'new' });
    state.truncateAfter(2);
    expect(state.lookup(8, 1)).toEqual({ kind: 'new' });
    expect(state.lookup(7, 2)).toEqual({ kind: 'found', group: { writerId: 7, writerSeq: 2, firstId: 2, lastId: 2 } });
  });

  it('bounds the dedup table and says when a retry is too old to deduplicate', () => {
    const state = new LogState(3);
    for (let i = 1; i <= 5; i++) state.append([entry(i, RecordType.effects, 1, i)]);
    expect(state.lookup(1, 1)).toEqual({ kind: 'forgotten' });
    expect(state.lookup(1, 2)).toEqual({ kind: 'forgotten' });
    expect(state.lookup(1, 3).kind).toBe('found');
    expect(state.lookup(1, 6)).toEqual({ kind: 'new' });
  });

  it('refuses an entry out of order (an invariant, not a client error)', () => {
    const state = new LogState();
    state.append([entry(1, RecordType.noop)]);
    expect(() => state.append([entry(3, RecordType.noop)])).toThrow(/entry 3 after 1/);
  });
});
