// The journal keeps one writer's token appends in writerSeq order (src/journal/node/
// log-node.ts, log-state.ts), which the durable write path relies on: the journal
// writer pipelines appends in seq order, and after a log-leader change their retries
// race. Here, on the simulated three-node cluster, the retry of append n+1 reaches the
// leader before append n: it must wait (retryable `unavailable`), never land first.

import { describe, expect, it } from 'vitest';
import { RecordType } from '../../src/journal/record-types.js';
import { cluster } from '../journal/raft/cluster-harness.js';

describe('token appends of one writer land in writerSeq order', () => {
  it('an append that overtakes its predecessor waits for it, then both land in order', async () => {
    const { call, append, leader } = await cluster();
    const claim = await append(leader, 7, 1, { afterId: 1 }, RecordType.leadership);
    expect(claim).toMatchObject({ kind: 'appendOk', firstId: 2 });
    // Append 3 arrives first (append 2 was lost with the old leader's connection).
    const early = await append(leader, 7, 3, { leaderToken: 2 });
    expect(early).toMatchObject({ kind: 'error', error: { code: 'unavailable' } });
    expect(await call(leader, { kind: 'tail' })).toMatchObject({ tailId: 2 });
    // Append 2's retry lands, then 3's retry lands after it.
    expect(await append(leader, 7, 2, { leaderToken: 2 })).toMatchObject({ kind: 'appendOk', firstId: 3, lastId: 3 });
    expect(await append(leader, 7, 3, { leaderToken: 2 })).toMatchObject({ kind: 'appendOk', firstId: 4, lastId: 4 });
    // Retries of appends already in the log still get their ids (dedup comes first).
    expect(await append(leader, 7, 2, { leaderToken: 2 })).toMatchObject({ kind: 'appendOk', firstId: 3 });
    const read = await call(leader, { kind: 'read', fromId: 1, maxBytes: 1 << 20, waitMs: 0 });
    expect(read.kind).toBe('readOk');
    if (read.kind !== 'readOk') return;
    expect(read.entries.filter((e) => e.writerId === 7).map((e) => e.writerSeq)).toEqual([1, 2, 3]);
  });

  it('other writers are not held back by one writer\'s gap', async () => {
    const { append, leader } = await cluster();
    await append(leader, 7, 1, { afterId: 1 }, RecordType.leadership);
    expect(await append(leader, 7, 5, { leaderToken: 2 })).toMatchObject({ kind: 'error', error: { code: 'unavailable' } });
    // A writer with nothing in the log yet is not ordered against anything.
    expect(await append(leader, 8, 1, { leaderToken: 2 })).toMatchObject({ kind: 'appendOk', firstId: 3 });
    expect(await append(leader, 8, 2, { leaderToken: 2 })).toMatchObject({ kind: 'appendOk', firstId: 4 });
  });
});
