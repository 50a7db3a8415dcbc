// How Raft runs its inbound messages (src/journal/raft/raft.ts, enqueue): one at a time,
// in arrival order, and at once when nothing is running or waiting (since session 10,
// a CPU saving on every log node per append: no promise chain per message). What the
// queue must keep: a message whose handling awaits storage (a new term's hard state)
// holds every later one until it is done, and those then run in order.

import { describe, expect, it } from 'vitest';
import { silentLogger, seededRandom, type Transport } from '../../../src/journal/env.js';
import type { AppendEntries, AppendEntriesResponse, NodeId, PeerMessage } from '../../../src/journal/messages.js';
import { Raft } from '../../../src/journal/raft/raft.js';
import { RecordType } from '../../../src/journal/record-types.js';
import type { LogEntry } from '../../../src/journal/storage/types.js';
import { MemDisk, MemStorage } from '../../../src/journal/sim/mem-storage.js';
import { SimClock } from '../../../src/journal/sim/sim-clock.js';

/** Follower 1 of a cluster {1, 2, 3}, fed by hand through its transport. */
function follower() {
  const clock = new SimClock();
  const random = seededRandom(7);
  const storage = new MemStorage(new MemDisk({ clock, random, syncMsMin: 1, syncMsMax: 1 }));
  let deliver: ((from: NodeId, message: PeerMessage) => void) | undefined;
  const sent: AppendEntriesResponse[] = [];
  const transport: Transport = {
    send: (_to, message) => {
      if (message.kind === 'appendEntriesResponse') sent.push(message);
    },
    onMessage: (handler) => {
      deliver = handler;
    },
  };
  const raft = new Raft({ id: 1, peers: [2, 3] }, storage, { clock, random, transport, logger: silentLogger }, {
    onAppend: () => {},
    onTruncate: () => {},
    onCommit: () => {},
    onRoleChange: () => {},
    onFatal: (error) => {
      throw error;
    },
  });
  return { clock, storage, raft, sent, deliver: (m: AppendEntries) => deliver!(2, m), start: () => storage.open().then(() => raft.start()) };
}

function entry(index: number, term: number): LogEntry {
  return { index, term, type: RecordType.effects, engineVersion: 1, writerId: 9, writerSeq: index, payload: new Uint8Array([index]) };
}

function appendEntries(term: number, prev: number, prevTerm: number, entries: LogEntry[]): AppendEntries {
  return { kind: 'appendEntries', term, leaderId: 2, prevLogIndex: prev, prevLogTerm: prevTerm, entries, leaderCommit: 0, probe: 0, trimBeforeId: 0 };
}

describe('Raft message dispatch', () => {
  it('handles an AppendEntries at once when no other message is running or waiting', async () => {
    const f = follower();
    await f.start();
    f.deliver(appendEntries(1, 0, 0, [entry(1, 1)])); // a new term: saved before the append
    await f.clock.runUntil(f.clock.now() + 10);
    expect(f.raft.term).toBe(1);
    expect(f.storage.lastIndex).toBe(1);
    f.deliver(appendEntries(1, 1, 1, [entry(2, 1)]));
    // No await in between: the entry is in the log as the delivery returns.
    expect(f.storage.lastIndex).toBe(2);
    await f.clock.runUntil(f.clock.now() + 10);
    expect(f.sent.filter((r) => r.success).map((r) => r.matchIndex)).toEqual([1, 2]);
  });

  it('holds later messages behind one that awaits storage, then runs them in arrival order', async () => {
    const f = follower();
    await f.start();
    // Term 3 must be saved (a timer of the simulated disk) before its entries go in; the
    // next two arrive meanwhile and must neither run first nor be lost.
    f.deliver(appendEntries(3, 0, 0, [entry(1, 3)]));
    f.deliver(appendEntries(3, 1, 3, [entry(2, 3)]));
    f.deliver(appendEntries(3, 2, 3, [entry(3, 3)]));
    expect(f.storage.lastIndex).toBe(0);
    await f.clock.runUntil(f.clock.now() + 10);
    expect(f.raft.term).toBe(3);
    expect(f.storage.lastIndex).toBe(3);
    expect(f.sent.every((r) => r.success)).toBe(true);
    expect(f.sent.map((r) => r.matchIndex)).toEqual([1, 2, 3]);
  });
});
