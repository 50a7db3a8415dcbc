// Per-stage timestamps of durable writes, for bench/durability/latency-breakdown.ts only
// (imported by the main thread, the engine worker and the journal-writer worker; each
// builds its own LatencyTrace). Off unless the environment variable
// KEELDB_LATENCY_TRACE names a file prefix: then every call site is one branch on the
// module constant `latencyTraceOn`, and nothing is allocated or timed.
//
// When on, a thread stamps events by index into Float64Arrays (one per field):
//   main   (server.ts)        reqPush[request record]  replyWritten[reply record]
//   engine (engine-worker.ts) exec[seq] reqRecord[seq] release[seq] replyRecord[seq]
//                             replyPush[reply record]
//   writer (journal-writer.ts) send[seq] ack[seq]
// Times are milliseconds on one clock shared by the threads (performance.timeOrigin +
// performance.now(): each thread has its own origin). Record indexes count ring records
// in push/pop order, which an SPSC ring keeps, so the main thread's n-th reply record is
// the engine's n-th. Only the first traceIndexCount indexes are kept. The arrays are
// written as raw little-endian f64 files `<prefix>.<thread>.<field>.f64` at most once per
// second while stamps arrive (the engine has no event loop) and by flush().
//
// Invariant: with tracing off, no call site changes what the server does.

import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const tracePrefix = process.env['KEELDB_LATENCY_TRACE'] ?? '';
export const latencyTraceOn = tracePrefix !== '';

/** Indexes kept per field (a -P 1 benchmark run with its warm-up fits). */
const traceIndexCount = 1 << 19;
const dumpIntervalMs = 1000;

export class LatencyTrace<F extends string> {
  private readonly fields = new Map<F, Float64Array>();
  private readonly origin = performance.timeOrigin;
  private dumpedMs = 0;
  private dirty = false;

  constructor(
    private readonly thread: string,
    names: readonly F[],
  ) {
    for (const n of names) this.fields.set(n, new Float64Array(traceIndexCount));
  }

  /** The shared clock, ms. */
  now(): number {
    return this.origin + performance.now();
  }

  /** Stamps `field[index] = value` (a time from now(), or an index). */
  set(field: F, index: number, value: number): void {
    if (index < 0 || index >= traceIndexCount) return;
    this.fields.get(field)![index] = value;
    this.dirty = true;
  }

  /** Stamps the range [from, to] of `field` with `value`. */
  setRange(field: F, from: number, to: number, value: number): void {
    const a = this.fields.get(field)!;
    const end = Math.min(to, traceIndexCount - 1);
    for (let i = Math.max(0, from); i <= end; i++) a[i] = value;
    this.dirty = true;
  }

  /** Writes the files if a second passed since the last write. */
  maybeFlush(): void {
    const now = performance.now();
    if (!this.dirty || now - this.dumpedMs < dumpIntervalMs) return;
    this.flush();
  }

  flush(): void {
    this.dumpedMs = performance.now();
    this.dirty = false;
    for (const [name, a] of this.fields) writeFileSync(`${tracePrefix}.${this.thread}.${name}.f64`, new Uint8Array(a.buffer));
  }
}
