// Hand-off counters (any thread: each thread's module instance counts its own side):
// how often the io-mux and the engine worker wake each other. Off unless the process
// starts with KEELDB_HANDOFF_STATS=1; every counting site is `if (handoffStatsOn) ...`
// on a module constant, so a normal server pays one predictable branch per site.
//
// With it on, each thread writes one line of cumulative counts to stderr (fd 2, a
// synchronous write: the engine worker has no event loop to spare) at most every
// handoffStatsReportMs:
//   handoff <thread> <name>=<count> ...
// bench/endpoint/handoff-stats.ts reads the last line of each thread before and after a
// redis-benchmark run and divides the difference by the requests.
//
// Invariant: counters only grow; reporting never blocks on anything but stderr.

import { writeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export const handoffStatsOn = process.env.KEELDB_HANDOFF_STATS === '1';

/** At most one report line per thread per this many milliseconds. */
const handoffStatsReportMs = 100;

/** This thread's counters (names are what the report prints). */
export const handoffStats = {
  /** Request records pushed into the request ring (io-mux). */
  requestRecords: 0,
  /**
   * io-mux: request records pushed behind an earlier one still in the ring: the engine
   * would reach them without a doorbell. Skipping it there (96283ea, reverted) took ~30%
   * of the doorbell rings off durable SET -P 1 but the main thread, no longer stalled in
   * those notifies (V8's futex mutex, against the waking engine), pushed ~11% more, smaller
   * request records and the engine parked ~10% more often: no CPU gained.
   */
  requestPushesBehind: 0,
  /** Doorbell rings (DurabilityShared.ring) and those that found the engine parked. */
  doorbellRings: 0,
  doorbellNotifies: 0,
  /** SpscRing.notify calls, and those that found the consumer asleep (Atomics.notify). */
  ringNotifyCalls: 0,
  ringNotifies: 0,
  /** io-mux: reply drains run (one per wake), those that found nothing, waitAsync armed. */
  replyWakes: 0,
  replyWakesEmpty: 0,
  waitAsyncArmed: 0,
  /** io-mux: reply records drained and the connections they touched. */
  replyRecords: 0,
  replyConnections: 0,
  /** io-mux: socket reads handed to a parser, and the flushes (turns that read requests). */
  socketReads: 0,
  requestFlushes: 0,
  /** io-mux: flushes whose turn made 1 to 3 socket reads (tiny batches). */
  requestFlushesSmall: 0,
  /** io-mux: reply socket writes (write or writev calls on a socket). */
  socketWrites: 0,
  /** Engine: park() calls, Atomics.wait entered, and how each wait ended. */
  parks: 0,
  parkWaits: 0,
  parkWokenOk: 0,
  parkTimedOut: 0,
  parkNotEqual: 0,
};

let lastReportMs = 0;

/** Writes this thread's line if handoffStatsReportMs passed since the last one. */
export function reportHandoffStats(thread: string): void {
  const now = performance.now();
  if (now - lastReportMs < handoffStatsReportMs) return;
  lastReportMs = now;
  let line = `handoff ${thread}`;
  for (const [name, count] of Object.entries(handoffStats)) if (count !== 0) line += ` ${name}=${count}`;
  writeSync(2, `${line}\n`);
}
