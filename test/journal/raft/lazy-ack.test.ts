// Lazy acks (src/journal/raft/raft.ts): with three log nodes the leader names one follower
// the eager acker of each batch and the other answers at most journalLazyAckMs (or
// journalLazyAckBatchesMax batches) late, one answer for several batches. On a simulated
// cluster under a stream of appends (one every 2 ms), the test checks the saving (the lazy
// follower answers a fraction of its batches) and what the rule must not break: every
// append is answered only once a majority holds it synced, a follower's match never
// falls, and a dead eager follower is passed over, so the commits wait for it only
// briefly (a bounded delay, never a stall), then go at the live follower's pace again;
// healed, the cut-off follower catches up.

import { describe, expect, it } from 'vitest';
import type { ClientResponse } from '../../../src/journal/messages.js';
import { RecordType } from '../../../src/journal/record-types.js';
import { journalHeartbeatMs, journalLazyAckMs } from '../../../src/limits.js';
import { cluster } from './cluster-harness.js';

const appendEveryMs = 2;

async function streamingCluster() {
  const answersSent = new Map<number, number>([[1, 0], [2, 0], [3, 0]]);
  const batchesReceived = new Map<number, number>([[1, 0], [2, 0], [3, 0]]);
  /** Highest match each follower has shown the leader (a success answer's matchIndex). */
  const shownMatch = new Map<number, number>([[1, 0], [2, 0], [3, 0]]);
  let violations: string[] = [];
  // The cluster exists before its callbacks run, so they read it through this holder.
  const holder: { check?: (id: number, r: ClientResponse) => void } = {};
  const c = await cluster({
    seed: 5,
    syncMs: { min: 0, max: 1 }, // a fast disk: a commit takes a few ms, well below journalLazyAckMs
    onSend: (id, _to, m) => {
      if (m.kind === 'appendEntries' && m.entries.length > 0) batchesReceived.set(_to, batchesReceived.get(_to)! + 1);
      if (m.kind === 'appendEntriesResponse' && m.success) {
        answersSent.set(id, answersSent.get(id)! + 1);
        shownMatch.set(id, Math.max(shownMatch.get(id)!, m.matchIndex));
      }
    },
    onRespond: (id, r) => holder.check?.(id, r),
  });
  // An appendOk leaves only once a majority (the leader and a follower) holds its
  // entries synced: checked at the moment the leader answers.
  holder.check = (_id, r) => {
    if (r.kind !== 'appendOk') return;
    const synced = [...c.storages.values()].filter((s) => s.syncedIndex >= r.lastId).length;
    if (synced < 2) violations.push(`append ${r.firstId}..${r.lastId} answered with ${synced} synced copies`);
  };
  let seq = 0;
  /** Appends every appendEveryMs for `ms` of simulated time; returns [requestId, sentAt] of each. */
  const stream = async (ms: number): Promise<Array<[number, number]>> => {
    const sent: Array<[number, number]> = [];
    const end = c.clock.now() + ms;
    while (c.clock.now() < end) {
      seq++;
      const requestId = c.send(c.leader, {
        kind: 'append',
        writerId: 1,
        writerSeq: seq,
        condition: { afterId: c.nodes.get(c.leader)!.lastIndex },
        records: [{ type: RecordType.effects, engineVersion: 1, payload: new Uint8Array([seq & 0xff, 1, 2, 3]) }],
      });
      sent.push([requestId, c.clock.now()]);
      await c.clock.runUntil(c.clock.now() + appendEveryMs);
    }
    await c.clock.runUntil(c.clock.now() + 4 * journalLazyAckMs);
    return sent;
  };
  const followers = [1, 2, 3].filter((id) => id !== c.leader);
  return { c, answersSent, batchesReceived, shownMatch, stream, followers, violations: () => violations, resetViolations: () => (violations = []) };
}

describe('lazy acks', () => {
  it('the lazy follower answers a fraction of its batches; every append still commits on a synced majority', async () => {
    const { c, answersSent, batchesReceived, stream, followers, violations } = await streamingCluster();
    const before = new Map(followers.map((id) => [id, [answersSent.get(id)!, batchesReceived.get(id)!]] as const));
    const sent = await stream(2_000);
    for (const [requestId] of sent) expect(c.responses.get(requestId), `request ${requestId}`).toMatchObject({ kind: 'appendOk' });
    expect(violations()).toEqual([]);
    const perFollower = followers.map((id) => {
      const [answers0, batches0] = before.get(id)!;
      return { id, answers: answersSent.get(id)! - answers0, batches: batchesReceived.get(id)! - batches0 };
    });
    for (const f of perFollower) expect(f.batches).toBeGreaterThan(sent.length * 0.9);
    perFollower.sort((a, b) => a.answers - b.answers);
    const [lazy, eager] = perFollower as [(typeof perFollower)[0], (typeof perFollower)[0]];
    // The eager follower answers (nearly) every batch; the lazy one about one in
    // journalLazyAckBatchesMax (4) or per journalLazyAckMs (5 batches here). Without lazy
    // acks both answered every batch.
    expect(eager.answers).toBeGreaterThan(eager.batches * 0.9);
    expect(lazy.answers).toBeLessThan(lazy.batches / 3);
    // Idle, everyone converges on the last commit.
    await c.clock.runUntil(c.clock.now() + 3 * journalHeartbeatMs); // followers learn the last commit from a heartbeat
    const leaderNode = c.nodes.get(c.leader)!;
    expect(leaderNode.commitIndex).toBe(leaderNode.lastIndex);
    for (const id of followers) {
      expect(c.nodes.get(id)!.lastIndex).toBe(leaderNode.lastIndex);
      expect(c.nodes.get(id)!.commitIndex).toBe(leaderNode.commitIndex);
    }
  });

  it('passes over a dead eager follower: commits wait at most briefly, then go at the live follower\'s pace; healed, it catches up', async () => {
    const { c, answersSent, shownMatch, stream, followers, violations } = await streamingCluster();
    const answersBefore = new Map(followers.map((id) => [id, answersSent.get(id)!]));
    await stream(500);
    // The eager follower is the one that answered most.
    const [eager, lazy] = [...followers].sort((a, b) => answersSent.get(b)! - answersBefore.get(b)! - (answersSent.get(a)! - answersBefore.get(a)!)) as [number, number];
    const lazyMatchBefore = shownMatch.get(lazy)!;
    // Cut the eager follower off from both other nodes.
    c.network.partition(eager, c.leader);
    c.network.partition(eager, lazy);
    const cutAt = c.clock.now();
    // Record when each answer arrives (the stream runs the clock in 2 ms steps, too coarse).
    const answeredAt = new Map<number, number>();
    const sent: Array<[number, number]> = [];
    /** Runs the clock `ms` in 0.25 ms steps, noting when answers arrive. */
    const runNoting = async (ms: number): Promise<void> => {
      for (let t = 0; t < ms; t += 0.25) {
        await c.clock.runUntil(c.clock.now() + 0.25);
        for (const [id] of sent) if (!answeredAt.has(id) && c.responses.has(id)) answeredAt.set(id, c.clock.now());
      }
    };
    let seq = 1_000_000;
    const end = cutAt + 1_000;
    while (c.clock.now() < end) {
      seq++;
      const requestId = c.send(c.leader, {
        kind: 'append',
        writerId: 2,
        writerSeq: seq - 1_000_000,
        condition: { afterId: c.nodes.get(c.leader)!.lastIndex },
        records: [{ type: RecordType.effects, engineVersion: 1, payload: new Uint8Array([seq & 0xff]) }],
      });
      sent.push([requestId, c.clock.now()]);
      await runNoting(appendEveryMs);
    }
    await runNoting(4 * journalLazyAckMs);
    expect(violations()).toEqual([]);
    for (const [requestId] of sent) expect(c.responses.get(requestId), `request ${requestId}`).toMatchObject({ kind: 'appendOk' });
    const latency = (requestId: number, sentAt: number): number => answeredAt.get(requestId)! - sentAt;
    // Right after the cut: bounded by the lazy follower's answers (each at most
    // journalLazyAckMs late; one more until the leader sees the eager one lag).
    for (const [requestId, sentAt] of sent) expect(latency(requestId, sentAt)).toBeLessThan(3 * journalLazyAckMs + 5);
    // Once passed over (well within 100 ms), the live follower answers at once: an
    // append commits in a few network hops, far below journalLazyAckMs. A leader that
    // kept naming the dead follower would wait up to journalLazyAckMs for every commit.
    const late = sent.filter(([, sentAt]) => sentAt >= cutAt + 100);
    expect(late.length).toBeGreaterThan(300);
    const slowest = Math.max(...late.map(([requestId, sentAt]) => latency(requestId, sentAt)));
    expect(slowest).toBeLessThan(0.7 * journalLazyAckMs);
    // The live follower's match only rose.
    expect(shownMatch.get(lazy)!).toBeGreaterThan(lazyMatchBefore);
    expect(c.nodes.get(c.leader)!.role).toBe('leader');
    // Healed: the cut-off follower catches up and learns the commit index.
    c.network.healAll();
    await stream(300);
    await c.clock.runUntil(c.clock.now() + 3 * journalHeartbeatMs);
    const leaderNode = c.nodes.get(c.leader)!;
    expect(leaderNode.commitIndex).toBe(leaderNode.lastIndex);
    for (const id of followers) {
      expect(c.nodes.get(id)!.lastIndex).toBe(leaderNode.lastIndex);
      expect(c.nodes.get(id)!.commitIndex).toBe(leaderNode.commitIndex);
    }
    expect(violations()).toEqual([]);
  });
});
