// The durable write path's shared memory (imported by the main thread, the engine
// worker and the journal-writer worker; holds no code that runs at load): the engine's
// doorbell, the committed sequence number and the figures INFO shows.
//
// Layout of the SharedArrayBuffer (durabilitySharedBytes), named indexes below:
//   BigInt64 view, bytes 0..63 (written only by the journal writer unless noted)
//     0  committedSeq       every effect record with seq <= this is committed (on disk
//                           on 2 of 3 log nodes); only grows within an epoch
//     1  committedId        journal id of the last committed effects append
//     2  appendCount        appends acknowledged so far
//     3  appendLatencyP50Us append latency, recent window, microseconds
//     4  appendLatencyP99Us
//     5  heldReplies        replies the tracker holds now (written by the engine)
//     6  loadedRecords      records replayed at the last load
//     7  writerWakeSeq      the journal writer wants a wake-up only once an effect record
//                           with seq >= this is in the effects ring (or the ring holds
//                           journalWriterEagerBytes): 0 = wake it for any record. While
//                           an append is in flight a small group waits for its ack
//                           anyway (adaptive group commit, journal-writer.ts), so waking
//                           the writer per engine batch would only cost wake-ups.
//   Int32 view, from byte 64 (its own cache line)
//     16 doorbell           bumped (Atomics.add) by whoever has news for the engine:
//                           the io-mux (a request), the journal writer (a commit, a
//                           replay record); the engine parks on it
//     17 engineSleeping     1 while the engine is (about to be) parked on the doorbell;
//                           only the engine clears it
//     18 loading            1 while the journal is being replayed (written by the writer
//                           before it pushes the first replay record, cleared by the
//                           engine once it applied the end-of-load record)
//
// Wake-up protocol (the ring's, see src/ring/spsc-ring.ts): the producer publishes its
// data, then bumps the doorbell, then notifies if the engine flagged it sleeps; the
// engine flags that it sleeps, reads the doorbell, checks every source, and waits only
// while the doorbell still holds the value it read. Atomics are sequentially consistent,
// so one of the two sides always sees the other's write: no wake-up is lost. The flag
// is the engine's alone to clear (after its wait): a producer must not take it down
// when it notifies (be0b6dc did, with an exchange, to save the repeated notifies of
// producers that ring while the engine is waking). A producer delayed between its
// doorbell bump and its flag check could then clear the flag of the engine's NEXT park
// after the engine had already taken its data, its notify finding no waiter yet; the
// engine then slept with the flag down and later rings did not wake it (until its
// timer tick). Atomics.wait cannot re-raise the flag after it registers, unlike the
// rings' async consumers (spsc-ring.ts), so the repeated notifies stay.
// writerWakeSeq follows the same rule: the writer stores it, then re-reads the effects
// ring's tail; the engine publishes a record (tail), then reads writerWakeSeq and the
// writer's sleeping flag.

import { handoffStats, handoffStatsOn, reportHandoffStats } from '../ring/handoff-stats.js';

export const durabilitySharedBytes = 128;

export const SharedBig = {
  committedSeq: 0,
  committedId: 1,
  appendCount: 2,
  appendLatencyP50Us: 3,
  appendLatencyP99Us: 4,
  heldReplies: 5,
  loadedRecords: 6,
  writerWakeSeq: 7,
} as const;

export const SharedInt = {
  doorbell: 16,
  engineSleeping: 17,
  loading: 18,
} as const;

/** Typed views over one shared buffer; any thread builds its own from the SAB. */
export class DurabilityShared {
  readonly big: BigInt64Array;
  readonly int: Int32Array;

  constructor(readonly sab: SharedArrayBuffer) {
    this.big = new BigInt64Array(sab, 0, 8);
    this.int = new Int32Array(sab, 0, durabilitySharedBytes / 4);
  }

  static create(): DurabilityShared {
    return new DurabilityShared(new SharedArrayBuffer(durabilitySharedBytes));
  }

  load(index: number): number {
    return Number(Atomics.load(this.big, index));
  }

  store(index: number, value: number): void {
    Atomics.store(this.big, index, BigInt(value));
  }

  /** Producer side: data is published; wake the engine if it sleeps. */
  ring(): void {
    Atomics.add(this.int, SharedInt.doorbell, 1);
    if (handoffStatsOn) handoffStats.doorbellRings++;
    // Never cleared here (see the wake-up protocol above): the engine clears it.
    if (Atomics.load(this.int, SharedInt.engineSleeping) !== 0) {
      if (handoffStatsOn) handoffStats.doorbellNotifies++;
      Atomics.notify(this.int, SharedInt.doorbell);
    }
  }

  /**
   * Engine side (a worker: it blocks): parks until the doorbell rings or `timeoutMs`
   * passes, unless `hasWork()` (checked after flagging sleep) says there is work now.
   */
  park(timeoutMs: number, hasWork: () => boolean): void {
    Atomics.store(this.int, SharedInt.engineSleeping, 1);
    const bell = Atomics.load(this.int, SharedInt.doorbell);
    if (handoffStatsOn) {
      handoffStats.parks++;
      reportHandoffStats('engine'); // throttled; the engine parks at least once per timer tick
    }
    if (!hasWork()) {
      const result = Atomics.wait(this.int, SharedInt.doorbell, bell, timeoutMs);
      if (handoffStatsOn) {
        handoffStats.parkWaits++;
        if (result === 'ok') handoffStats.parkWokenOk++;
        else if (result === 'timed-out') handoffStats.parkTimedOut++;
        else handoffStats.parkNotEqual++;
      }
    }
    Atomics.store(this.int, SharedInt.engineSleeping, 0);
  }
}
