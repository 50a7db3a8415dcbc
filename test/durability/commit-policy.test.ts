// The journal writer's group-commit rule (src/durability/commit-policy.ts): full groups
// go whatever flies, a lone write never waits, and after an ack a group is held until
// the acked cohort is back or the hold's time runs out.

import { describe, expect, it } from 'vitest';
import { CommitPolicy } from '../../src/durability/commit-policy.js';

const limits = { anySizeInFlight: 1, eagerCount: 256, eagerBytes: 512 * 1024, holdMsMax: 2, holdLatencyFraction: 1, holdSkipAcks: 8 };

describe('commit policy', () => {
  it('sends any group while nothing flies and no hold runs; nothing when the group is empty', () => {
    const p = new CommitPolicy(limits);
    expect(p.shouldSend(1, 100, false, 0, 0)).toBe(true);
    expect(p.shouldSend(0, 8, false, 0, 0)).toBe(false);
    expect(p.wakeCount(1, 0, 0)).toBe(0);
  });

  it('while an append flies, only a full group goes, and the engine wakes the writer once it would be full', () => {
    const p = new CommitPolicy(limits);
    expect(p.shouldSend(200, 20_000, false, 1, 0)).toBe(false);
    expect(p.shouldSend(256, 20_000, false, 1, 0)).toBe(true);
    expect(p.shouldSend(3, 512 * 1024, false, 1, 0)).toBe(true);
    expect(p.shouldSend(3, 300, true, 1, 0)).toBe(true); // a carried record: the group is full
    expect(p.wakeCount(200, 1, 0)).toBe(256);
    expect(p.wakeCount(300, 1, 0)).toBe(301);
  });

  it('after an ack, holds the waiting records until the acked cohort is back', () => {
    const p = new CommitPolicy(limits);
    // 25 records acked after a 1.5 ms append while 25 others waited: hold for 50.
    p.onAck(25, 25, 1.5, 100);
    expect(p.holding(25, 100)).toBe(true);
    expect(p.shouldSend(25, 4000, false, 0, 100.2)).toBe(false);
    expect(p.wakeCount(25, 0, 100.2)).toBe(50);
    expect(p.holdLeftMs(100.5)).toBeCloseTo(1.0, 6);
    expect(p.shouldSend(49, 8000, false, 0, 100.4)).toBe(false);
    expect(p.shouldSend(50, 8000, false, 0, 100.4)).toBe(true);
    expect(p.holding(50, 100.4)).toBe(false);
  });

  it('a hold ends after the append latency x fraction, capped at holdMsMax', () => {
    const p = new CommitPolicy(limits);
    p.onAck(10, 0, 0.8, 0);
    expect(p.shouldSend(3, 500, false, 0, 0.79)).toBe(false);
    expect(p.shouldSend(3, 500, false, 0, 0.8)).toBe(true);
    p.onAck(10, 0, 50, 10);
    expect(p.shouldSend(3, 500, false, 0, 11.9)).toBe(false);
    expect(p.shouldSend(3, 500, false, 0, 12)).toBe(true);
    expect(p.holdLeftMs(13)).toBe(0);
  });

  it('a lone client is never held: its next write meets the target of one', () => {
    const p = new CommitPolicy(limits);
    p.onAck(1, 0, 1.2, 0);
    expect(p.shouldSend(1, 150, false, 0, 0.1)).toBe(true);
  });

  it('a full group is never held, and reset drops the hold', () => {
    const p = new CommitPolicy(limits);
    p.onAck(300, 10, 5, 0);
    expect(p.shouldSend(256, 30_000, false, 0, 0.1)).toBe(true);
    expect(p.shouldSend(20, 3000, false, 0, 0.1)).toBe(false);
    p.reset();
    expect(p.shouldSend(20, 3000, false, 0, 0.1)).toBe(true);
  });
});

describe('commit policy: the hold timer', () => {
  it('ends the hold when its timer fires, even if the clock reads a little earlier than the hold\'s end', () => {
    const p = new CommitPolicy(limits);
    p.onAck(20, 0, 1.5, 100);
    expect(p.holding(5, 101)).toBe(true);
    p.endHold(); // Node's timer fired at 101 (whole milliseconds on a lagging loop clock)
    expect(p.holding(5, 101)).toBe(false);
    expect(p.shouldSend(5, 500, false, 0, 101)).toBe(true);
    expect(p.wakeCount(5, 0, 101)).toBe(0); // any record wakes the writer now
    expect(p.holdLeftMs(101)).toBe(0);
  });

  it('a hold ended by its timer is still judged by what it gathered', () => {
    const p = new CommitPolicy({ ...limits, holdSkipAcks: 1 });
    p.onAck(20, 0, 1.5, 0);
    p.endHold();
    p.onSend(3); // 3 of 20 back: it did not pay
    p.onAck(20, 0, 1.5, 2);
    expect(p.shouldSend(1, 100, false, 0, 2.1)).toBe(true); // skipped
  });
});

describe('commit policy: holds must pay', () => {
  it('a hold that gets less than half its cohort back turns holding off for holdSkipAcks acks', () => {
    const p = new CommitPolicy({ ...limits, holdSkipAcks: 2 });
    p.onAck(20, 0, 1, 0);
    expect(p.shouldSend(3, 300, false, 0, 0.5)).toBe(false);
    expect(p.shouldSend(3, 300, false, 0, 1)).toBe(true); // timed out with 3 of 20 back
    p.onSend(3);
    p.onAck(20, 0, 1, 2);
    expect(p.shouldSend(1, 100, false, 0, 2.1)).toBe(true); // skipped 1
    p.onSend(1);
    p.onAck(20, 0, 1, 3);
    expect(p.shouldSend(1, 100, false, 0, 3.1)).toBe(true); // skipped 2
    p.onSend(1);
    p.onAck(20, 0, 1, 4);
    expect(p.shouldSend(1, 100, false, 0, 4.1)).toBe(false); // holding again
  });

  it('a hold that gets its cohort back keeps holding on the next ack', () => {
    const p = new CommitPolicy({ ...limits, holdSkipAcks: 2 });
    p.onAck(20, 5, 1, 0);
    expect(p.shouldSend(25, 3000, false, 0, 0.3)).toBe(true);
    p.onSend(25);
    p.onAck(25, 0, 1, 2);
    expect(p.shouldSend(10, 1000, false, 0, 2.2)).toBe(false);
  });
});
