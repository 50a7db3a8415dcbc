// Elections under CPU starvation (src/journal/raft/raft.ts, journalTimerLateMs): when
// every log node of a healthy cluster is descheduled for longer than an election
// timeout (a loaded host), their election timers fire late, on resume, before the
// messages that would have reset them are handled. A late timer must not make a
// follower campaign nor the leader step down (check-quorum): the leader and its term
// stay. The control run, with the late-timer check disabled, shows the flap this
// prevents, so the test can fail.

import { describe, expect, it } from 'vitest';
import { seededRandom, silentLogger, type JournalEnv } from '../../../src/journal/env.js';
import type { PeerMessage } from '../../../src/journal/messages.js';
import { LogNode } from '../../../src/journal/node/log-node.js';
import { MemDisk, MemStorage } from '../../../src/journal/sim/mem-storage.js';
import { PausableClock, SimClock } from '../../../src/journal/sim/sim-clock.js';
import { SimNetwork } from '../../../src/journal/sim/sim-network.js';

async function starvedCluster(seed: number, timerLateMs: number | undefined) {
  const clock = new SimClock();
  const random = seededRandom(seed);
  const network = new SimNetwork(clock, random, { lossRate: 0, duplicateRate: 0, delayMsMin: 0.5, delayMsMax: 1 });
  const nodes = new Map<number, LogNode>();
  const clocks = new Map<number, PausableClock>();
  for (const id of [1, 2, 3]) {
    const own = new PausableClock(clock);
    clocks.set(id, own);
    let raftHandler: ((from: number, m: PeerMessage) => void) | undefined;
    const env: JournalEnv = {
      clock: own,
      random,
      logger: silentLogger,
      transport: { send: (to, m) => network.send(id, to, m), onMessage: (h) => (raftHandler = h) },
    };
    const raft = timerLateMs === undefined ? {} : { timerLateMs };
    const node = new LogNode({ id, peers: [1, 2, 3].filter((p) => p !== id), storage: new MemStorage(new MemDisk({ clock, random })), env, raft });
    nodes.set(id, node);
    // A paused process handles nothing: deliveries wait for its resume, like unread sockets.
    network.listen(id, (from, message) => own.run(() => raftHandler?.(from, message as PeerMessage)));
    await node.start();
  }
  await clock.runUntil(5_000);
  const leaders = [...nodes.values()].filter((n) => n.role === 'leader');
  expect(leaders.length).toBe(1);
  return { clock, nodes, clocks, leader: leaders[0]!.id, term: leaders[0]!.term };
}

/** Starves every node for `ms` (the leader first: it resumes first), `times` times; returns how many leader changes were seen. */
async function starve(seed: number, timerLateMs: number | undefined, ms: number, times: number): Promise<{ changes: number; stable: boolean }> {
  const { clock, nodes, clocks, leader, term } = await starvedCluster(seed, timerLateMs);
  for (let i = 0; i < times; i++) {
    for (const c of clocks.values()) c.pause();
    await clock.runUntil(clock.now() + ms);
    // Resume the leader first, then the followers, as a scheduler might.
    clocks.get(leader)!.resume();
    for (const [id, c] of clocks) if (id !== leader) c.resume();
    await clock.runUntil(clock.now() + 500);
  }
  await clock.runUntil(clock.now() + 3_000);
  const now = [...nodes.values()].filter((n) => n.role === 'leader');
  const changes = Math.max(...[...nodes.values()].map((n) => n.term)) - term;
  return { changes, stable: now.length === 1 && now[0]!.id === leader && now[0]!.term === term };
}

describe('Raft under CPU starvation', () => {
  it('keeps its leader and term when every node is descheduled past an election timeout', async () => {
    for (const seed of [1, 2, 3, 4]) {
      const r = await starve(seed, undefined, 2_500, 3);
      expect(r, `seed ${seed}`).toEqual({ changes: 0, stable: true });
    }
  });

  it('control: without the late-timer check the same starvation moves the term', async () => {
    let moved = 0;
    for (const seed of [1, 2, 3, 4]) {
      const r = await starve(seed, Number.POSITIVE_INFINITY, 2_500, 3);
      if (r.changes > 0) moved++;
    }
    expect(moved).toBeGreaterThan(0);
  });
});
