// The journal API of a LogNode (src/journal/node/log-node.ts) on a fault-free simulated
// cluster of three: conditional append, leader tokens and fencing, retry dedup, reads
// of committed entries (long poll), linearizable tail, trim, and the error answers.
// (The faulty runs are test/journal/sim; this file pins down each answer's exact shape.)

import { describe, expect, it } from 'vitest';
import { RecordType } from '../../../src/journal/record-types.js';
import { cluster, type RequestBody } from './cluster-harness.js';

describe('LogNode journal API', () => {
  it('conditional append: accepted at the tail, rejected elsewhere with the tail id', async () => {
    const { call, append, leader } = await cluster();
    const tail = await call(leader, { kind: 'tail' });
    expect(tail).toMatchObject({ kind: 'tailOk', tailId: 1, leaderToken: 0 }); // the leader's no-op
    expect(await append(leader, 1, 1, { afterId: 1 })).toMatchObject({ kind: 'appendOk', firstId: 2, lastId: 2 });
    expect(await append(leader, 1, 2, { afterId: 1 })).toMatchObject({ kind: 'error', error: { code: 'tailMismatch', tailId: 2 } });
  });

  it('leader tokens: a leadership record sets the token; an older token is fenced', async () => {
    const { call, append, leader } = await cluster();
    const a = await append(leader, 1, 1, { afterId: 1 }, RecordType.leadership);
    expect(a).toMatchObject({ kind: 'appendOk', firstId: 2 });
    expect(await append(leader, 1, 2, { leaderToken: 2 })).toMatchObject({ kind: 'appendOk', firstId: 3 });
    const b = await append(leader, 2, 1, { afterId: 3 }, RecordType.leadership);
    expect(b).toMatchObject({ kind: 'appendOk', firstId: 4 });
    expect(await append(leader, 1, 3, { leaderToken: 2 })).toMatchObject({ kind: 'error', error: { code: 'fenced', currentToken: 4 } });
    expect(await append(leader, 2, 2, { leaderToken: 4 })).toMatchObject({ kind: 'appendOk', firstId: 5 });
    expect(await call(leader, { kind: 'tail' })).toMatchObject({ kind: 'tailOk', tailId: 5, leaderToken: 4 });
    // A leadership record is a compare-and-set on the tail, never appended under a token.
    expect(await append(leader, 2, 3, { leaderToken: 4 }, RecordType.leadership)).toMatchObject({ kind: 'error', error: { code: 'badRequest' } });
  });

  it('a retried append (same writerId and writerSeq) is not applied twice, even with a stale condition', async () => {
    const { call, append, leader } = await cluster();
    expect(await append(leader, 9, 1, { afterId: 1 })).toMatchObject({ kind: 'appendOk', firstId: 2, lastId: 2 });
    expect(await append(leader, 9, 1, { afterId: 1 })).toMatchObject({ kind: 'appendOk', firstId: 2, lastId: 2 });
    expect(await call(leader, { kind: 'tail' })).toMatchObject({ tailId: 2 });
  });

  it('followers redirect writes and tails to the leader, and serve committed reads', async () => {
    const { clock, call, append, leader, follower } = await cluster();
    expect(await append(follower, 1, 1, { afterId: 1 })).toMatchObject({ kind: 'error', error: { code: 'notLeader', leaderHint: leader } });
    expect(await call(follower, { kind: 'tail' })).toMatchObject({ kind: 'error', error: { code: 'notLeader', leaderHint: leader } });
    await append(leader, 1, 1, { afterId: 1 });
    await clock.runUntil(clock.now() + 200); // a heartbeat carries the commit index
    const read = await call(follower, { kind: 'read', fromId: 1, maxBytes: 1 << 20, waitMs: 0 });
    expect(read.kind).toBe('readOk');
    if (read.kind !== 'readOk') return;
    expect(read.entries.map((e) => [e.index, e.type, e.writerId])).toEqual([[1, RecordType.noop, 0], [2, RecordType.effects, 1]]);
    expect(new TextDecoder().decode(read.entries[1]!.payload)).toBe('w1s1');
  });

  it('a long-poll read waits for the next commit, and answers empty when waitMs passes', async () => {
    const { clock, call, append, leader, nodes } = await cluster();
    expect(await call(leader, { kind: 'read', fromId: 2, maxBytes: 100, waitMs: 50 })).toMatchObject({ kind: 'readOk', entries: [] });
    const pending = call(leader, { kind: 'read', fromId: 2, maxBytes: 100, waitMs: 10_000 });
    await clock.runUntil(clock.now() + 100);
    await append(leader, 1, 1, { afterId: 1 });
    const read = await pending;
    expect(read.kind === 'readOk' && read.entries.map((e) => e.index)).toEqual([2]);
    expect(nodes.get(leader)!.commitIndex).toBe(2);
  });

  it('rejects malformed appends with badRequest', async () => {
    const { call, leader } = await cluster();
    const bad = [
      { writerId: 0, writerSeq: 1, records: [{ type: 2, engineVersion: 1, payload: new Uint8Array(1) }], condition: { afterId: 1 } },
      { writerId: 1, writerSeq: 1, records: [], condition: { afterId: 1 } },
      { writerId: 1, writerSeq: 1, records: [{ type: RecordType.noop, engineVersion: 1, payload: new Uint8Array(1) }], condition: { afterId: 1 } },
      { writerId: 1, writerSeq: 1, records: [{ type: 2, engineVersion: 1, payload: new Uint8Array(1) }], condition: {} },
    ];
    for (const request of bad) {
      expect(await call(leader, { kind: 'append', ...request } as RequestBody)).toMatchObject({ kind: 'error', error: { code: 'badRequest' } });
    }
  });

  it('trim keeps the current leadership record and is reported', async () => {
    const { call, append, leader } = await cluster();
    await append(leader, 1, 1, { afterId: 1 }, RecordType.leadership);
    for (let seq = 2; seq <= 5; seq++) await append(leader, 1, seq, { leaderToken: 2 });
    expect(await call(leader, { kind: 'trim', beforeId: 5 })).toMatchObject({ kind: 'trimOk', trimBeforeId: 2 });
  });
});
