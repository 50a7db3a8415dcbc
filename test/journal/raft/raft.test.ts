// Raft behaviours (src/journal/raft/raft.ts) pinned down on a small simulated cluster:
// check-quorum and re-election when the leader is cut off, what the cut-off leader
// answers, pre-vote keeping a partitioned node from inflating terms, and a log that
// diverged while cut off being repaired. (Randomised faults: test/journal/sim.)

import { describe, expect, it } from 'vitest';
import { cluster } from './cluster-harness.js';

describe('Raft', () => {
  it('a leader cut off from its peers steps down; its pending append is never acknowledged; a new leader takes over', async () => {
    const { clock, network, nodes, callMaybe, isolate, append, leader } = await cluster();
    const oldTerm = nodes.get(leader)!.term;
    isolate(leader);
    const pending = await callMaybe(
      leader,
      { kind: 'append', writerId: 1, writerSeq: 1, condition: { afterId: 1 }, records: [{ type: 2, engineVersion: 1, payload: new Uint8Array([1]) }] },
      3_000,
    );
    // Check-quorum makes it step down; the append's outcome is reported unknown, never ok.
    expect(pending).toMatchObject({ kind: 'error', error: { code: 'unavailable' } });
    expect(nodes.get(leader)!.role).not.toBe('leader');
    const others = [1, 2, 3].filter((id) => id !== leader);
    const newLeaders = others.filter((id) => nodes.get(id)!.role === 'leader');
    expect(newLeaders.length).toBe(1);
    const newLeader = newLeaders[0]!;
    expect(nodes.get(newLeader)!.term).toBeGreaterThan(oldTerm);
    // The new leader's log does not hold the cut-off append; an append after its tail works.
    const tailId = nodes.get(newLeader)!.lastIndex;
    expect(await append(newLeader, 2, 1, { afterId: tailId })).toMatchObject({ kind: 'appendOk', firstId: tailId + 1 });
    // Healed, the old leader drops its divergent entry and converges on the new log.
    network.healAll();
    await clock.runUntil(clock.now() + 2_000);
    for (const node of nodes.values()) {
      expect(node.commitIndex).toBe(tailId + 1);
      expect(node.lastIndex).toBe(tailId + 1);
    }
    expect([...nodes.values()].filter((n) => n.role === 'leader').length).toBe(1);
  });

  it('a cut-off leader does not answer a tail (read index needs a majority)', async () => {
    const { nodes, callMaybe, isolate, leader } = await cluster();
    isolate(leader);
    const response = await callMaybe(leader, { kind: 'tail' }, 3_000);
    expect(response).toMatchObject({ kind: 'error', error: { code: 'notLeader' } });
    expect(nodes.get(leader)!.role).not.toBe('leader');
  });

  it('pre-vote: a partitioned follower does not inflate the term or depose the leader on return', async () => {
    const { clock, network, nodes, isolate, leader, follower, append } = await cluster();
    const term = nodes.get(leader)!.term;
    isolate(follower);
    await clock.runUntil(clock.now() + 5_000); // many election timeouts on the follower
    expect(nodes.get(follower)!.term).toBe(term);
    network.healAll();
    await clock.runUntil(clock.now() + 1_000);
    expect(nodes.get(leader)!.role).toBe('leader');
    expect(nodes.get(leader)!.term).toBe(term);
    expect(nodes.get(follower)!.role).toBe('follower');
    expect(await append(leader, 1, 1, { afterId: nodes.get(leader)!.lastIndex })).toMatchObject({ kind: 'appendOk' });
  });

  it('commits with one follower down and catches it up when it returns', async () => {
    const { clock, network, nodes, isolate, leader, follower, append } = await cluster();
    isolate(follower);
    let tail = nodes.get(leader)!.lastIndex;
    for (let seq = 1; seq <= 20; seq++) {
      const r = await append(leader, 1, seq, { afterId: tail });
      expect(r).toMatchObject({ kind: 'appendOk', firstId: tail + 1 });
      tail++;
    }
    expect(nodes.get(follower)!.lastIndex).toBeLessThan(tail);
    network.healAll();
    await clock.runUntil(clock.now() + 1_000);
    expect(nodes.get(follower)!.lastIndex).toBe(tail);
    expect(nodes.get(follower)!.commitIndex).toBe(tail);
  });
});
