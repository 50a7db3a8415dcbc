// What a steady stream of appends costs in Raft messages and timers
// (src/journal/raft/raft.ts): a leader sends no heartbeat to a follower it sent a batch
// within the last heartbeat interval, and a follower does not re-arm a real timer for
// every AppendEntries (resetElectionTimer only moves the deadline), and the two followers
// of an identical batch get the same message object (so TcpTransport encodes it once).
// All three are CPU savings
// on the log nodes; the test pins them down and checks what they must not break: once
// the appends stop, heartbeats resume, every follower learns the final commit index,
// and no election happens.

import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/journal/env.js';
import type { ClientResponse, PeerMessage } from '../../../src/journal/messages.js';
import { RecordType } from '../../../src/journal/record-types.js';
import { journalHeartbeatMs } from '../../../src/limits.js';
import { cluster } from './cluster-harness.js';

/** A cluster (seed 11) that counts, per node, the timers it arms, the heartbeats it sends and the batches it receives. */
async function countingCluster() {
  /** Timers armed by each node; heartbeats (AppendEntries without entries) and batches sent by each. */
  const timersArmed = new Map<number, number>();
  const heartbeatsSent = new Map<number, number>();
  const batchesReceived = new Map<number, number>();
  /** Distinct AppendEntries objects with entries, per sender. */
  const batchObjects = new Map<number, Set<PeerMessage>>();
  for (const id of [1, 2, 3]) {
    timersArmed.set(id, 0);
    heartbeatsSent.set(id, 0);
    batchesReceived.set(id, 0);
    batchObjects.set(id, new Set());
  }
  const { clock, nodes, callMaybe, leader } = await cluster({
    seed: 11,
    nodeClock: (id, clock): Clock => ({
      now: () => clock.now(),
      setTimer: (ms, cb) => {
        timersArmed.set(id, timersArmed.get(id)! + 1);
        return clock.setTimer(ms, cb);
      },
      clearTimer: (handle) => clock.clearTimer(handle),
    }),
    onSend: (id, to, m) => {
      if (m.kind === 'appendEntries') {
        if (m.entries.length === 0) heartbeatsSent.set(id, heartbeatsSent.get(id)! + 1);
        else {
          batchesReceived.set(to, batchesReceived.get(to)! + 1);
          batchObjects.get(id)!.add(m);
        }
      }
    },
  });
  let seq = 0;
  /** One append after the leader's tail; runs the clock (0.5 ms steps) until it is answered. */
  const append = async (leader: number): Promise<ClientResponse | undefined> => {
    seq++; // the request's id: the cluster sends no other request
    return callMaybe(
      leader,
      {
        kind: 'append',
        writerId: 1,
        writerSeq: seq,
        condition: { afterId: nodes.get(leader)!.lastIndex },
        records: [{ type: RecordType.effects, engineVersion: 1, payload: new Uint8Array([seq & 0xff]) }],
      },
      500,
      0.5,
    );
  };
  return { clock, nodes, timersArmed, heartbeatsSent, batchesReceived, batchObjects, append, leader };
}

describe('Raft message economy under a steady stream of appends', () => {
  it('sends no heartbeats while batches flow, re-arms few timers on followers, and still converges once idle', async () => {
    const { clock, nodes, timersArmed, heartbeatsSent, batchesReceived, batchObjects, append, leader } = await countingCluster();
    const term = nodes.get(leader)!.term;
    const followers = [1, 2, 3].filter((id) => id !== leader);
    const heartbeatsBefore = heartbeatsSent.get(leader)!;
    const timersBefore = new Map(followers.map((id) => [id, timersArmed.get(id)!]));
    const batchesBefore = new Map(followers.map((id) => [id, batchesReceived.get(id)!]));
    batchObjects.get(leader)!.clear();
    const start = clock.now();
    let appended = 0;
    while (clock.now() - start < 1_000) {
      expect(await append(leader)).toMatchObject({ kind: 'appendOk' });
      appended++;
    }
    // A second of appends (each answered within a few ms) is 20 heartbeat intervals: the
    // leader used to send a heartbeat to each follower in each of them.
    expect(appended).toBeGreaterThan(100);
    expect(heartbeatsSent.get(leader)! - heartbeatsBefore).toBeLessThanOrEqual(2);
    for (const id of followers) {
      const batches = batchesReceived.get(id)! - batchesBefore.get(id)!;
      expect(batches).toBeGreaterThan(100);
      // One timer per AppendEntries before; now about one per election timeout.
      expect(timersArmed.get(id)! - timersBefore.get(id)!).toBeLessThan(batches / 10);
    }
    // Both followers keep up, so nearly every batch went to both as one object.
    const batches = followers.reduce((sum, id) => sum + batchesReceived.get(id)! - batchesBefore.get(id)!, 0);
    expect(batchObjects.get(leader)!.size).toBeLessThan(batches * 0.6);
    // Idle: heartbeats resume, and every follower learns the last commit index from them.
    const idleHeartbeats = heartbeatsSent.get(leader)!;
    await clock.runUntil(clock.now() + 20 * journalHeartbeatMs);
    expect(heartbeatsSent.get(leader)! - idleHeartbeats).toBeGreaterThanOrEqual(2 * 15);
    const commit = nodes.get(leader)!.commitIndex;
    expect(commit).toBe(nodes.get(leader)!.lastIndex);
    for (const id of followers) expect(nodes.get(id)!.commitIndex).toBe(commit);
    // Nobody campaigned: the deferred election timers were honoured, not lost.
    for (const node of nodes.values()) expect(node.term).toBe(term);
    expect(nodes.get(leader)!.role).toBe('leader');
  });
});
