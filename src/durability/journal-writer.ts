// The journal writer: its own worker thread in the server process (started by
// src/main/server.ts with --journal). It owns the server's JournalClient and does three
// jobs, in this order, over and over:
//
// 1. Load: read the journal from its start to its tail (`tail()` then `read()`), pushing
//    every effects record into the replay ring for the engine to apply, printing
//    progress on stderr every second; the engine answers -LOADING meanwhile.
// 2. Claim leadership: append a RecordType.leadership record with { afterId: the last id
//    applied }; on tailMismatch, replay the gap and try again. The record's id is the
//    leader token for every later append; an older server still running is fenced by it.
//    Then tell the engine (`loaded` on the replay ring) and the main thread ('ready').
// 3. Serve: pop every effect record the engine published (effects ring) straight into
//    the group being gathered (effects-group.ts: one copy per record, built in the
//    effects batch layout, up to journalBatchBytesMax and journalAppendRecordCountMax
//    records; a record that does not fit is carried into the next group), and append
//    it as ONE RecordType.effects record with { leaderToken }, its wire frame written in
//    the group's headroom so the group goes to the socket without another copy
//    (src/journal/client/append-frame.ts). Adaptive group commit (commit-policy.ts): a
//    full group (journalWriterEagerRecordCount records or journalWriterEagerBytes) goes
//    at once, up to journalWriterAppendsInFlightMax in flight; a smaller one goes when nothing flies
//    (a lone write never waits), except that after an ack it is held briefly until the
//    clients of that ack are back (a cohort hold, bounded by journalWriterHoldMsMax and
//    the append's latency), so closed-loop clients share one append instead of
//    alternating between two: every append costs the log nodes (entries, messages, an
//    fsync round) CPU on the cores the server shares.
//    When an append and every one before it are acknowledged, publish committedSeq
//    (Atomics.store) and ring the engine's doorbell, once per ack.
//
// Failure: an append that is not acknowledged within journalCommitTimeoutMs (the
// client's timeout: outcome unknown), or is fenced (another server took the token), or
// an effect record too large for the journal, abandons the epoch: the writer pushes
// `reset` (the engine fails every held reply and drops its keyspace) and goes back to 1.
// Records of the abandoned epoch still in the ring are dropped.
//
// Why a plain worker and not piscina: this is one long-lived streaming loop that owns
// sockets, in-flight appends and order across them. A pool of stateless tasks would
// split that state and reorder appends; nothing here is a task to farm out.
//
// Invariants: appends are issued in seq order on one JournalClient, so their writerSeqs
// are in seq order, and the log node accepts a writer's token append only right after
// its previous append (src/journal/node/log-state.ts): the log holds the records in seq
// order even across retries and log-leader changes. committedSeq only grows within an
// epoch and is published only for a prefix of acknowledged appends.

import { writeFileSync, writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { assert } from '../assert.js';
import { setThreadCpus } from '../platform/cpu-affinity.js';
import { appendFramePrefixBytes } from '../journal/client/append-frame.js';
import { JournalClient, JournalClientError } from '../journal/client/journal-client.js';
import { RecordType } from '../journal/record-types.js';
import {
  journalAppendRecordCountMax,
  journalBatchBytesMax,
  journalWriterAppendsAnySizeMax,
  journalWriterAppendsInFlightMax,
  journalWriterEagerBytes,
  journalWriterEagerRecordCount,
  journalWriterHoldLatencyFraction,
  journalWriterHoldMsMax,
  journalWriterHoldSkipAcks,
  journalWriterHoldTimerSlackMs,
  loadProgressIntervalMs,
} from '../limits.js';
import { SpscRing } from '../ring/spsc-ring.js';
import { WakePipe } from '../ring/wake-pipe.js';
import { CommitPolicy } from './commit-policy.js';
import { splitEffectsPayload } from './effects-batch.js';
import { EffectsGroup } from './effects-group.js';
import { effectsOversize, effectsPayloadStart, ReplayKind, replayHeaderBytes } from './ring-records.js';
import { DurabilityShared, SharedBig } from './shared-state.js';
import { LatencyTrace, latencyTraceOn } from './latency-trace.js';
import { handoffStatsOn } from '../ring/handoff-stats.js';

export interface JournalWriterData {
  readonly effectsRing: SharedArrayBuffer;
  readonly replayRing: SharedArrayBuffer;
  readonly durability: SharedArrayBuffer;
  /** host:port of log nodes 1..3. */
  readonly nodes: readonly string[];
  readonly secret: string;
  /** journalCommitTimeoutMs unless a test shortens it. */
  readonly commitTimeoutMs: number;
  /** CPUs this thread widens itself to at start (src/platform/cpu-affinity.ts: auto pins the rest of the server to one). */
  readonly cpus?: readonly number[];
  /**
   * Wake this thread for effect records through a wake pipe (src/ring/wake-pipe.ts)
   * instead of Atomics.waitAsync. Only when the engine stops before this worker does:
   * the pipe's fds close when this worker ends, and the engine must not write to a
   * closed (or reused) fd (server.ts terminates the writer after the engine exited).
   */
  readonly wakePipe?: boolean;
}

/** Messages to the main thread. */
export type JournalWriterMessage =
  | { readonly kind: 'ready'; readonly records: number; readonly token: number; readonly reload: boolean }
  | { readonly kind: 'log'; readonly line: string };

/** The engine version stamped on records (the replication stream's version tag). */
const engineVersion = 1;
/** Pause before retrying a load whose journal did not answer. */
const loadRetryPauseMs = 200;
/** Append latencies kept for INFO's percentiles. */
const latencyWindowCount = 1024;

/**
 * What woke the writer, and what the wake-ups carried (KEELDB_HANDOFF_STATS=1 only;
 * written to stderr as `handoff writer name=count ...`, cumulative, like the other
 * threads' lines of src/ring/handoff-stats.ts): every wake-up of a thread costs
 * microseconds of CPU on both sides, and one that sends nothing is pure cost.
 */
const wakeStats = {
  /** Acks handled (each a socket read of the writer's event loop). */
  ackWakes: 0,
  /** Effects-ring wake-ups (the engine's notify), and those that sent nothing. */
  dataWakes: 0,
  dataWakesIdle: 0,
  /** Cohort-hold timer wake-ups, and those that sent nothing. */
  holdTimerWakes: 0,
  holdTimerWakesIdle: 0,
  /** Appends sent, by what woke the writer, and the effect records they carried. */
  appends: 0,
  appendsAtAck: 0,
  appendsAtData: 0,
  appendsAtHoldTimer: 0,
  appendRecords: 0,
};
const wakeSource = { none: 0, ack: 1, data: 2, holdTimer: 3 } as const;
const wakeStatsReportMs = 100;

interface InFlight {
  readonly lastSeq: number;
  /** Effect records in this append. */
  readonly count: number;
  readonly startedMs: number;
  done: boolean;
  lastId: number;
}

class JournalWriter {
  private readonly effects: SpscRing;
  private readonly replay: SpscRing;
  private readonly shared: DurabilityShared;
  private readonly client: JournalClient;
  private epoch = 0;
  private serving = false;
  private token = 0;
  private lastAppliedId = 0;
  /** The group being gathered for the next append (effects-group.ts). */
  private readonly group = new EffectsGroup(journalBatchBytesMax, journalAppendRecordCountMax, appendFramePrefixBytes);
  /** A record popped when the group was full (a copy): it opens the next group. */
  private carry: { readonly seq: number; readonly payload: Buffer } | null = null;
  private inflight: InFlight[] = [];
  /** A view of the buffer the last popped record lay in (popEffects). */
  private recordView: DataView | undefined;
  /** When the group goes (commit-policy.ts). */
  private readonly policy = new CommitPolicy({
    anySizeInFlight: journalWriterAppendsAnySizeMax,
    eagerCount: journalWriterEagerRecordCount,
    eagerBytes: journalWriterEagerBytes,
    holdMsMax: journalWriterHoldMsMax,
    holdLatencyFraction: journalWriterHoldLatencyFraction,
    holdSkipAcks: journalWriterHoldSkipAcks,
  });
  /** Ends a cohort hold on time when no record arrives to end it (armed only while holding). */
  private holdTimer: NodeJS.Timeout | undefined;
  /** The last writerWakeSeq published (shared-state.ts). */
  private wakeSeq = 0;
  private waitingForData = false;
  private committedSeq = 0;
  private appendCount = 0;
  private readonly latencies = new Float64Array(latencyWindowCount);
  private latencyCount = 0;
  private loads = 0;
  /** Bench-only stage stamps (latency-trace.ts). */
  //   send, ack  [seq]: the append holding the record was sent, acknowledged
  //   pop        [seq]: the record was copied from the effects ring into the group
  //   why        [seq]: what woke the writer for the send (wakeSource)
  //   holdStart  [seq]: the last ack before the send (0: none yet), i.e. the hold's start
  private readonly trace = latencyTraceOn ? new LatencyTrace('writer', ['send', 'ack', 'pop', 'why', 'holdStart']) : undefined;
  /** The last ack's time on the trace's clock (trace only). */
  private lastAckTraceMs = 0;
  /** The effects ring's wake pipe, once open (JournalWriterData.wakePipe); else waitAsync. */
  private wakePipe: WakePipe | undefined;
  /** What the running kick() was woken by (wake statistics only). */
  private wokenBy: number = wakeSource.none;

  constructor(private readonly data: JournalWriterData) {
    this.effects = SpscRing.attach(data.effectsRing);
    this.replay = SpscRing.attach(data.replayRing);
    this.shared = new DurabilityShared(data.durability);
    this.client = new JournalClient({ nodes: data.nodes, secret: data.secret, timeoutMs: data.commitTimeoutMs });
    setInterval(() => {
      this.publishLatency();
      this.trace?.maybeFlush();
    }, 1000).unref();
    if (handoffStatsOn) {
      setInterval(() => {
        let line = 'handoff writer';
        for (const [name, count] of Object.entries(wakeStats)) line += ` ${name}=${count}`;
        writeSync(2, `${line}\n`);
      }, wakeStatsReportMs).unref();
    }
  }

  /** kick() on a wake-up from `source`, counting it (KEELDB_HANDOFF_STATS=1). */
  private kickCounted(source: number): void {
    if (!handoffStatsOn && this.trace === undefined) return this.kick();
    const appends = wakeStats.appends;
    this.wokenBy = source;
    this.kick();
    this.wokenBy = wakeSource.none;
    if (!handoffStatsOn) return;
    if (source === wakeSource.data) {
      wakeStats.dataWakes++;
      if (wakeStats.appends === appends) wakeStats.dataWakesIdle++;
    } else if (source === wakeSource.holdTimer) {
      wakeStats.holdTimerWakes++;
      if (wakeStats.appends === appends) wakeStats.holdTimerWakesIdle++;
    } else if (source === wakeSource.ack) {
      wakeStats.ackWakes++;
    }
  }

  start(): void {
    this.kick();
    void this.load();
    if (this.data.wakePipe === true) void WakePipe.open(this.onPipeWake).then((pipe) => this.usePipe(pipe));
  }

  /**
   * From now on the engine wakes this thread by writing a byte to the pipe (SpscRing
   * notify) instead of Atomics.notify: a socket read of this thread's event loop instead
   * of a waitAsync promise, whose every wake-up is a platform task posted under V8's
   * process-wide futex mutex, a uv_async, then a promise resolution and a microtask
   * checkpoint. The waitAsync armed before may stay pending for good: nothing notifies
   * it any more, and a pending waitAsync keeps no thread alive.
   */
  private usePipe(pipe: WakePipe | undefined): void {
    if (pipe === undefined) return; // not Linux: waitAsync stays
    this.wakePipe = pipe;
    this.effects.setConsumerWakeFd(pipe.writeFd);
    this.kick(); // flags sleep the pipe's way (and drains what came meanwhile)
  }

  /** Wake bytes arrived: the engine published records we asked for. */
  private readonly onPipeWake = (): void => {
    // Down while we work: the engine's notifies meanwhile would only be stale wake-ups.
    // Only the sleeper lowers its flag (spsc-ring.ts); kick() raises it again.
    this.effects.suppressNotify();
    this.kickCounted(wakeSource.data);
  };

  // --- Load and leadership -------------------------------------------------------------

  private async load(): Promise<void> {
    const reload = this.loads++ > 0;
    const epoch = this.epoch;
    let records = 0;
    let bytes = 0;
    const startedMs = performance.now();
    let lastReportMs = startedMs;
    let lastReportRecords = 0;
    let lastReportBytes = 0;
    const progress = (final: boolean): void => {
      const now = performance.now();
      if (!final && now - lastReportMs < loadProgressIntervalMs) return;
      const seconds = Math.max(0.001, (now - lastReportMs) / 1000);
      const rate = (records - lastReportRecords) / seconds;
      const mbRate = (bytes - lastReportBytes) / 1e6 / seconds;
      this.log(
        `KeelDB: loading the journal: ${records} records, ${(bytes / 1e6).toFixed(1)} MB` +
          (final ? ` in ${((now - startedMs) / 1000).toFixed(1)} s` : ` (${Math.round(rate)} records/s, ${mbRate.toFixed(1)} MB/s)`),
      );
      lastReportMs = now;
      lastReportRecords = records;
      lastReportBytes = bytes;
    };
    const replayTo = async (tailId: number): Promise<void> => {
      if (this.lastAppliedId >= tailId) return;
      for await (const entry of this.client.read(this.lastAppliedId + 1)) {
        assert(entry.index === this.lastAppliedId + 1, 'journal read out of order');
        if (entry.type === RecordType.effects) {
          for (const record of splitEffectsPayload(entry.payload)) {
            await this.pushReplay(ReplayKind.effects, record);
            records++;
          }
          bytes += entry.payload.length;
          progress(false);
        }
        this.lastAppliedId = entry.index;
        if (entry.index >= tailId) break;
      }
    };
    for (;;) {
      assert(epoch === this.epoch, 'journal writer: epoch changed during a load');
      try {
        const { tailId } = await this.client.tail();
        await replayTo(tailId);
        for (;;) {
          try {
            const claim = Buffer.from(`keeldb writer ${this.client.writerId}`, 'latin1');
            const r = await this.client.append([{ type: RecordType.leadership, engineVersion, payload: claim }], { afterId: this.lastAppliedId });
            this.token = r.lastId;
            this.lastAppliedId = r.lastId;
            break;
          } catch (err) {
            if (!(err instanceof JournalClientError) || err.code !== 'tailMismatch') throw err;
            await replayTo(err.detail ?? 0);
          }
        }
        break;
      } catch (err) {
        this.log(`KeelDB: journal load: ${err instanceof Error ? err.message : String(err)}; retrying`);
        await new Promise((r) => setTimeout(r, loadRetryPauseMs));
      }
    }
    progress(true);
    this.shared.store(SharedBig.loadedRecords, records);
    this.serving = true;
    await this.pushReplay(ReplayKind.loaded, Buffer.alloc(0));
    const msg: JournalWriterMessage = { kind: 'ready', records, token: this.token, reload };
    parentPort?.postMessage(msg);
    this.kick();
  }

  private async pushReplay(kind: number, body: Uint8Array): Promise<void> {
    const rec = Buffer.allocUnsafe(replayHeaderBytes + body.length);
    rec[0] = kind;
    rec[1] = 0;
    rec[2] = 0;
    rec[3] = 0;
    rec.set(body, replayHeaderBytes);
    while (!this.replay.tryPush(rec)) {
      this.shared.ring();
      await this.replay.waitForSpaceAsync(rec.length, 100);
    }
    this.shared.ring();
  }

  // --- Serving: group commit -----------------------------------------------------------

  /** Pops what the engine published, sends what may be sent, waits for more. */
  private readonly kick = (): void => {
    for (;;) {
      this.popEffects();
      const now = performance.now();
      if (
        this.serving &&
        this.inflight.length < journalWriterAppendsInFlightMax &&
        this.policy.shouldSend(this.group.count, this.group.bytes, this.carry !== null, this.inflight.length, now)
      ) {
        this.sendAppend();
        continue;
      }
      // When the engine should wake us (shared-state.ts): for any record while a group
      // of any size may go, else once the group would be full or the hold's cohort is
      // back. Lowering it races with a record the engine published meanwhile under the
      // old value: re-read the ring after the store (both sides use sequentially
      // consistent atomics).
      let wakeSeq = 0;
      if (this.serving) {
        const wakeCount = this.policy.wakeCount(this.group.count, this.inflight.length, now);
        if (wakeCount > 0) wakeSeq = this.group.lastSeq + Math.max(1, wakeCount - this.group.count);
        if (this.policy.holding(this.group.count, now)) this.armHoldTimer(now);
      }
      if (wakeSeq !== this.wakeSeq) {
        const lowered = wakeSeq < this.wakeSeq;
        this.wakeSeq = wakeSeq;
        this.shared.store(SharedBig.writerWakeSeq, wakeSeq);
        if (lowered && this.carry === null && this.effects.usedBytes() > 0) continue;
      }
      if (this.wakePipe !== undefined) {
        // Flag that we sleep, then re-check the ring (flag-then-recheck, spsc-ring.ts): a
        // record published before the flag was seen is drained now. A full group waits
        // for an ack, not for records: no flag, no wake-ups.
        if (this.carry !== null || this.group.full) this.effects.suppressNotify();
        else if (this.effects.flagSleeping()) continue;
        return;
      }
      break;
    }
    if (!this.waitingForData && this.carry === null && !this.group.full) {
      this.waitingForData = true;
      void this.effects.waitForDataAsync().then(() => {
        this.waitingForData = false;
        this.kickCounted(wakeSource.data);
      });
    }
  };

  /** Kicks when the cohort hold ends, in case no record ends it first. */
  private armHoldTimer(nowMs: number): void {
    if (this.holdTimer !== undefined) return;
    this.holdTimer = setTimeout(() => {
      this.holdTimer = undefined;
      this.policy.endHold(); // over, whatever performance.now() says (journalWriterHoldTimerSlackMs): no second wake-up
      this.kickCounted(wakeSource.holdTimer);
    }, this.policy.holdLeftMs(nowMs) + journalWriterHoldTimerSlackMs);
  }

  /** Drops the hold's timer: the hold ended (a send) or the epoch failed. */
  private clearHoldTimer(): void {
    if (this.holdTimer === undefined) return;
    clearTimeout(this.holdTimer);
    this.holdTimer = undefined;
  }

  /** Moves records from the effects ring into the group (one copy each) until it is full. */
  private popEffects(): void {
    while (this.carry === null && !this.group.full) {
      const rec = this.effects.tryPop();
      if (rec === null) return;
      // The header is read in place through a DataView of the buffer the record lies in
      // (the ring's, or its wrap scratch): no Buffer object per record (~340 per append at
      // SET -P 16).
      let dv = this.recordView;
      if (dv === undefined || dv.buffer !== rec.buffer) dv = this.recordView = new DataView(rec.buffer);
      const at = rec.byteOffset;
      const epoch = dv.getUint32(at, true);
      const seq = dv.getFloat64(at + 4, true);
      const flags = rec[12]!;
      if (epoch !== this.epoch) {
        this.effects.release(); // an abandoned epoch: its replies have failed already
        continue;
      }
      if (flags === effectsOversize) {
        this.effects.release();
        this.fail(`an effect record of seq ${seq} is larger than the journal's record limit`);
        continue;
      }
      const payloadStart = effectsPayloadStart(rec, 0); // after the header and its pad (ring-records.ts)
      if (!this.group.tryAdd(seq, rec, payloadStart, rec.length)) {
        // The group is full: keep this one for the next group (the ring slot must go).
        this.carry = { seq, payload: Buffer.from(rec.subarray(payloadStart)) };
      }
      if (this.trace !== undefined) this.trace.set('pop', seq, this.trace.now());
      this.effects.release();
    }
  }

  private sendAppend(): void {
    // One journal record per append (effects-batch.ts): one entry, whole or absent.
    const { payloadStart, payloadEnd, lastSeq, count, buffer } = this.group.take();
    if (handoffStatsOn) {
      wakeStats.appends++;
      wakeStats.appendRecords += count;
      if (this.wokenBy === wakeSource.ack) wakeStats.appendsAtAck++;
      else if (this.wokenBy === wakeSource.data) wakeStats.appendsAtData++;
      else if (this.wokenBy === wakeSource.holdTimer) wakeStats.appendsAtHoldTimer++;
    }
    this.policy.onSend(count);
    this.clearHoldTimer(); // the hold is over: its timer would only wake the thread for nothing
    if (this.trace !== undefined) {
      this.trace.setRange('send', lastSeq - count + 1, lastSeq, this.trace.now());
      this.trace.setRange('why', lastSeq - count + 1, lastSeq, this.wokenBy);
      this.trace.setRange('holdStart', lastSeq - count + 1, lastSeq, this.lastAckTraceMs);
    }
    const carry = this.carry;
    if (carry !== null) {
      this.carry = null;
      assert(this.group.tryAdd(carry.seq, carry.payload, 0, carry.payload.length), 'journal writer: a carried record opens a group');
    }
    const entry: InFlight = { lastSeq, count, startedMs: performance.now(), done: false, lastId: 0 };
    this.inflight.push(entry);
    const epoch = this.epoch;
    // A callback, not a promise: the ack is handled straight from the socket read that
    // carried it (no promise hops), so the engine hears of it at once. In place: the
    // frame is written in the group's headroom and the group goes to the socket as it is.
    const append = { buffer, payloadStart, payloadEnd, type: RecordType.effects, engineVersion };
    this.client.appendInPlaceThen(append, this.token, (failure, r) => {
      if (epoch !== this.epoch) return;
      if (failure !== undefined || r === undefined) this.fail(failure?.message ?? 'no append result');
      else this.onAppended(entry, buffer, r.lastId);
    });
  }

  /** The append of `entry` was acknowledged: publish what is now committed, ring the engine. */
  private onAppended(entry: InFlight, buffer: Buffer, lastId: number): void {
    entry.done = true;
    entry.lastId = lastId;
    this.group.recycle(buffer); // acknowledged: the client is done with the payload
    const now = performance.now();
    this.latencies[this.latencyCount++ % latencyWindowCount] = now - entry.startedMs;
    this.appendCount++;
    let advanced = false;
    let acked = 0;
    while (this.inflight.length > 0 && this.inflight[0]!.done) {
      const head = this.inflight.shift()!;
      acked += head.count;
      if (this.trace !== undefined) {
        this.lastAckTraceMs = this.trace.now();
        this.trace.setRange('ack', head.lastSeq - head.count + 1, head.lastSeq, this.lastAckTraceMs);
      }
      assert(head.lastSeq > this.committedSeq, 'journal writer: committedSeq must grow');
      this.committedSeq = head.lastSeq;
      this.lastAppliedId = head.lastId;
      advanced = true;
    }
    if (advanced) {
      this.policy.onAck(acked, this.group.count + (this.carry !== null ? 1 : 0), now - entry.startedMs, now);
      this.shared.store(SharedBig.committedId, this.lastAppliedId);
      this.shared.store(SharedBig.appendCount, this.appendCount);
      this.shared.store(SharedBig.committedSeq, this.committedSeq);
      this.shared.ring();
    }
    this.kickCounted(wakeSource.ack);
  }

  /** Abandons the epoch: the engine fails held replies, drops its state, and we reload. */
  private fail(reason: string): void {
    this.log(`KeelDB: the journal did not confirm writes (${reason}): failing held replies and reloading from the journal`);
    this.epoch++;
    this.serving = false;
    this.inflight = [];
    this.policy.reset();
    this.clearHoldTimer();
    this.carry = null;
    this.group.clear();
    this.token = 0;
    this.lastAppliedId = 0;
    void this.pushReplay(ReplayKind.reset, Buffer.from(reason.slice(0, 200), 'latin1')).then(() => this.load());
  }

  private publishLatency(): void {
    const n = Math.min(this.latencyCount, latencyWindowCount);
    if (n === 0) return;
    const sorted = Array.from(this.latencies.subarray(0, n)).sort((a, b) => a - b);
    this.shared.store(SharedBig.appendLatencyP50Us, Math.round(sorted[Math.floor(n * 0.5)]! * 1000));
    this.shared.store(SharedBig.appendLatencyP99Us, Math.round(sorted[Math.min(n - 1, Math.floor(n * 0.99))]! * 1000));
  }

  private log(line: string): void {
    const msg: JournalWriterMessage = { kind: 'log', line };
    parentPort?.postMessage(msg);
  }
}

/**
 * Names this thread in /proc (`ps -L`, perf, top -H, bench/durability/cpu-per-write.ts's
 * split): Node names every worker thread `node`, and the engine, the writer and V8's
 * helper threads were told apart by tid order and how busy they were, which misread a
 * busy GC helper as the writer under SET -d 4096. Linux only; elsewhere it stays unnamed.
 */
const writerThreadName = 'keeldb-writer';

{
  const data = workerData as JournalWriterData;
  try {
    writeFileSync('/proc/thread-self/comm', writerThreadName);
  } catch {
    // not Linux, or /proc is not mounted: the name is only for tools
  }
  // First, before this thread's work: the io-mux and the engine stay on their CPU.
  if (data.cpus !== undefined) {
    try {
      setThreadCpus(data.cpus);
    } catch (err) {
      const line = `KeelDB: warning: ${(err as Error).message}; the journal writer stays on the server's CPU`;
      parentPort?.postMessage({ kind: 'log', line } satisfies JournalWriterMessage);
    }
  }
  new JournalWriter(data).start();
}
