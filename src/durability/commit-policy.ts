// When the journal writer sends the group it is gathering (journal-writer.ts's kick):
// the adaptive group-commit rule, kept apart from the writer's I/O so that it can be
// tested alone. Runs in the journal-writer worker; pure state, time passed in.
//
// The rule:
// - a full group goes at once, whatever flies: journalWriterEagerRecordCount records,
//   journalWriterEagerBytes, or a record carried over because the group was full;
// - up to journalWriterAppendsAnySizeMax appends in flight (1: none), a group of any
//   size goes at once (a lone write never waits)...
// - ...except during a cohort hold. When an ack releases `acked` records, their clients
//   (closed-loop clients: redis-benchmark, an application waiting on each reply) will
//   mostly send their next writes within a reply round trip. Without a hold, the records
//   that waited during the append leave at once, alone, and the returning clients then
//   wait behind THAT append: two cohorts of clients alternate forever, each append
//   carrying half of them (SET -P 1 -c 50: ~25 records per append). Holding the group
//   until it also holds the returning cohort (target = records waiting + records acked)
//   merges the cohorts into one append (~40-50 records), and every append costs the
//   three log nodes an entry, messages and an fsync round, which is most of the CPU a
//   durable write costs on this machine. The hold ends when the target is reached or
//   after min(journalWriterHoldMsMax, the append's own latency x
//   journalWriterHoldLatencyFraction), whichever is first, so a client that does not
//   come back delays the others by at most that much, and a lone client (target 1) is
//   never held at all;
// - holds must pay: one that ends with less than half of its cohort back (sparse or
//   open-loop writers, who do not answer an ack with a write) turns holding off for the
//   next journalWriterHoldSkipAcks acks, so such loads are held on few appends.
//
// Invariants: holding never sends anything early or acknowledges anything: it only
// delays a send, by a bounded time; a full group is never held.

export interface CommitPolicyLimits {
  /** Appends in flight up to which a group of any size may go (journalWriterAppendsAnySizeMax). */
  readonly anySizeInFlight: number;
  /** A group of this many records goes whatever flies (journalWriterEagerRecordCount). */
  readonly eagerCount: number;
  /** ...or of this many bytes (journalWriterEagerBytes). */
  readonly eagerBytes: number;
  /** Longest cohort hold (journalWriterHoldMsMax). */
  readonly holdMsMax: number;
  /** A hold lasts at most this fraction of the acked append's latency (journalWriterHoldLatencyFraction). */
  readonly holdLatencyFraction: number;
  /** Acks without a hold after one that did not pay (journalWriterHoldSkipAcks). */
  readonly holdSkipAcks: number;
}

export class CommitPolicy {
  /** The cohort hold: records the group waits for... */
  private holdTarget = 0;
  /** ...until this time at the latest (ms, the caller's clock). */
  private holdUntilMs = 0;
  /** The hold's start: records waiting then, and records acked (its cohort). */
  private holdWaiting = 0;
  private holdAcked = 0;
  /** Acks left before holding again (after a hold that did not pay). */
  private skipAcks = 0;

  constructor(private readonly limits: CommitPolicyLimits) {}

  /**
   * An ack released `acked` records, while `waiting` records were in the group (a
   * carried record included); the append took `latencyMs`. Starts a cohort hold.
   */
  onAck(acked: number, waiting: number, latencyMs: number, nowMs: number): void {
    if (this.skipAcks > 0) {
      this.skipAcks--;
      return;
    }
    this.holdTarget = waiting + acked;
    this.holdWaiting = waiting;
    this.holdAcked = acked;
    this.holdUntilMs = nowMs + Math.min(this.limits.holdMsMax, Math.max(0, latencyMs) * this.limits.holdLatencyFraction);
  }

  /** A group of `count` records was sent: any hold is over; judge whether it paid. */
  onSend(count: number): void {
    if (this.holdTarget === 0) return;
    if (2 * (count - this.holdWaiting) < this.holdAcked) this.skipAcks = this.limits.holdSkipAcks;
    this.holdTarget = 0;
    this.holdUntilMs = 0;
  }

  /**
   * The hold's timer fired: the hold is over, even if the caller's clock reads a little
   * earlier than its end (Node's timers run on a loop clock that lags performance.now():
   * see journalWriterHoldTimerSlackMs); re-arming for the rest would cost the writer a
   * second wake-up. The hold's cohort is kept, so onSend still judges it.
   */
  endHold(): void {
    this.holdUntilMs = 0;
  }

  /** Drops any hold (a failed epoch). */
  reset(): void {
    this.holdTarget = 0;
    this.holdUntilMs = 0;
    this.skipAcks = 0;
  }

  /** The group is worth an append whatever flies. */
  full(count: number, bytes: number, carry: boolean): boolean {
    return carry || count >= this.limits.eagerCount || bytes >= this.limits.eagerBytes;
  }

  /** True while a group of `count` records waits for the returning cohort. */
  holding(count: number, nowMs: number): boolean {
    return count < this.holdTarget && nowMs < this.holdUntilMs;
  }

  /** Whether a non-empty group goes now, with `inflight` appends flying (the in-flight cap is the caller's). */
  shouldSend(count: number, bytes: number, carry: boolean, inflight: number, nowMs: number): boolean {
    if (count === 0) return false;
    if (this.full(count, bytes, carry)) return true;
    return inflight < this.limits.anySizeInFlight && !this.holding(count, nowMs);
  }

  /**
   * How many records the group should hold before the writer needs a wake-up from the
   * engine (shared-state.ts, writerWakeSeq); 0: wake it for any record.
   */
  wakeCount(count: number, inflight: number, nowMs: number): number {
    if (inflight >= this.limits.anySizeInFlight) return Math.max(count + 1, this.limits.eagerCount);
    if (this.holding(count, nowMs)) return this.holdTarget;
    return 0;
  }

  /** Milliseconds until the current hold ends (0 when none is running). */
  holdLeftMs(nowMs: number): number {
    return Math.max(0, this.holdUntilMs - nowMs);
  }
}
