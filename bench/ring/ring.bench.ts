// Micro-benchmarks of the SPSC ring (src/ring/spsc-ring.ts); runs on the main thread
// and starts worker threads (ring-bench-worker.ts) for the cross-thread cases.
//   npx tsx bench/ring/ring.bench.ts [--runs 3] [--quick] [--write]
// (--write replaces the ring section of bench/RESULTS.md with this run's table.)
// Measures, for 64 B and 1 KiB records:
//   - single-thread push+pop: batches of records pushed then popped on one thread (the
//     ring's own cost, no cache-line transfer);
//   - cross-thread streaming: a producer worker to a consumer worker, both blocking in
//     Atomics.wait as the engine worker does, through a ring of requestRingBytes;
// and ping-pong round-trip latency for one 64 B record:
//   - main thread <-> worker: the main thread waits with waitForDataAsync (the io-mux
//     path: an event-loop turn per wake-up), the worker echoes blocking in Atomics.wait;
//   - worker <-> worker: both sides block in Atomics.wait.
// Prints one table of medians over --runs runs. Numbers from a shared 2-core machine
// are noisy: compare runs made back to back, not across days.

import { Worker } from 'node:worker_threads';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Bench } from 'tinybench';
import { SpscRing } from '../../src/ring/spsc-ring.js';
import { requestRingBytes } from '../../src/limits.js';
import { replaceSection } from '../endpoint/results-section.js';

interface Metrics {
  recordsPerSec?: number;
  mbPerSec?: number;
  p50Us?: number;
  p99Us?: number;
}

interface Options {
  runs: number;
  quick: boolean;
  write: boolean;
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { runs: 1, quick: false, write: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') opts.quick = true;
    else if (a === '--write') opts.write = true;
    else if (a === '--runs') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1) throw new Error('--runs must be a positive integer');
      opts.runs = n;
    } else throw new Error(`unknown argument '${a}' (usage: ring.bench.ts [--runs N] [--quick] [--write])`);
  }
  return opts;
}

/** A worker running ring-bench-worker.ts, with a promise-returning command call. */
class BenchPeer {
  private readonly worker: Worker;
  private pending: ((m: { done: boolean; ms?: number; error?: string }) => void) | null = null;

  constructor(sab: SharedArrayBuffer, replySab?: SharedArrayBuffer) {
    // Node 20 workers do not inherit tsx's loader hooks: a .mjs bootstrap registers them.
    this.worker = new Worker(new URL('./tsx-worker.mjs', import.meta.url), {
      argv: [new URL('./ring-bench-worker.ts', import.meta.url).href],
      workerData: { sab, replySab },
    });
    this.worker.on('message', (m: { done: boolean; ms?: number; error?: string }) => {
      const p = this.pending;
      this.pending = null;
      p?.(m);
    });
    this.worker.on('error', (err) => {
      const p = this.pending;
      this.pending = null;
      p?.({ done: false, error: err.message });
    });
  }

  run(command: Record<string, unknown>): Promise<number> {
    return new Promise((resolve, reject) => {
      this.pending = (m) => (m.done ? resolve(m.ms!) : reject(new Error(m.error)));
      this.worker.postMessage(command);
    });
  }

  stop(): Promise<number> {
    return this.worker.terminate();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function latencyOf(bench: Bench, name: string): { p50Ms: number; p99Ms: number } {
  const r = bench.getTask(name)?.result;
  if (r === undefined || !('latency' in r)) throw new Error(`benchmark '${name}' has no result`);
  return { p50Ms: r.latency.p50, p99Ms: r.latency.p99 };
}

const sizes = [64, 1024] as const;

async function singleThread(opts: Options, out: Map<string, Metrics>): Promise<void> {
  const batch = 256; // records per iteration: 256 KiB of 1 KiB records fit a 1 MiB ring
  const bench = new Bench({ time: opts.quick ? 200 : 1000, warmupTime: opts.quick ? 50 : 250 });
  for (const size of sizes) {
    const ring = SpscRing.create(1024 * 1024);
    const rec = new Uint8Array(size).fill(1);
    bench.add(`push+pop ${size} B`, () => {
      for (let i = 0; i < batch; i++) if (!ring.tryPush(rec)) throw new Error('ring full');
      for (let i = 0; i < batch; i++) {
        if (ring.tryPop() === null) throw new Error('ring empty');
        ring.release();
      }
    });
  }
  await bench.run();
  for (const size of sizes) {
    const name = `push+pop ${size} B`;
    const perRecordMs = latencyOf(bench, name).p50Ms / batch;
    const recordsPerSec = 1000 / perRecordMs;
    out.set(`single thread, ${name}`, { recordsPerSec, mbPerSec: (recordsPerSec * size) / 1e6 });
  }
}

async function crossThread(opts: Options, out: Map<string, Metrics>): Promise<void> {
  for (const size of sizes) {
    const ring = SpscRing.create(requestRingBytes);
    const producer = new BenchPeer(ring.sab);
    const consumer = new BenchPeer(ring.sab);
    try {
      const n = (opts.quick ? 20 : 100) * (size === 64 ? 10_000 : 1_000);
      const times: number[] = [];
      for (let i = 0; i < (opts.quick ? 2 : 5); i++) {
        const t0 = performance.now();
        await Promise.all([consumer.run({ cmd: 'consume', n }), producer.run({ cmd: 'produce', n, bytes: size })]);
        if (i > 0) times.push(performance.now() - t0); // the first pass warms up (JIT, page faults)
      }
      const recordsPerSec = (n * 1000) / median(times);
      out.set(`worker -> worker stream, ${size} B`, { recordsPerSec, mbPerSec: (recordsPerSec * size) / 1e6 });
    } finally {
      await Promise.all([producer.stop(), consumer.stop()]);
    }
  }
}

async function pingPongMain(opts: Options, out: Map<string, Metrics>): Promise<void> {
  const request = SpscRing.create(64 * 1024);
  const reply = SpscRing.create(64 * 1024);
  const echo = new BenchPeer(request.sab, reply.sab);
  const rec = new Uint8Array(64).fill(3);
  const echoDone = echo.run({ cmd: 'echo', n: 2 ** 31 - 1 });
  try {
    const bench = new Bench({ time: opts.quick ? 300 : 1500, warmupTime: opts.quick ? 50 : 250 });
    bench.add('ping-pong main <-> worker', async () => {
      if (!request.tryPush(rec)) throw new Error('request ring full');
      request.notify();
      let got = reply.tryPop();
      while (got === null) {
        await reply.waitForDataAsync(10_000);
        got = reply.tryPop();
      }
      reply.release();
    });
    await bench.run();
    const { p50Ms, p99Ms } = latencyOf(bench, 'ping-pong main <-> worker');
    out.set('ping-pong main <-> worker, 64 B (records/s = round trips/s)', { recordsPerSec: 1000 / p50Ms, p50Us: p50Ms * 1000, p99Us: p99Ms * 1000 });
    // A zero-length record ends the echo loop; its echo is drained to leave both rings empty.
    request.tryPush(new Uint8Array(0));
    request.notify();
    await echoDone;
  } finally {
    await echo.stop();
  }
}

async function pingPongWorkers(opts: Options, out: Map<string, Metrics>): Promise<void> {
  const request = SpscRing.create(64 * 1024);
  const reply = SpscRing.create(64 * 1024);
  const pinger = new BenchPeer(request.sab, reply.sab);
  const echo = new BenchPeer(request.sab, reply.sab);
  try {
    const n = opts.quick ? 20_000 : 100_000;
    const perRound: number[] = [];
    for (let i = 0; i < (opts.quick ? 2 : 4); i++) {
      const [, ms] = await Promise.all([echo.run({ cmd: 'echo', n }), pinger.run({ cmd: 'ping', n, bytes: 64 })]);
      if (i > 0) perRound.push(ms / n);
    }
    const rttMs = median(perRound);
    // Mean round trip from a batch (per-round percentiles would need a timer per round).
    out.set('ping-pong worker <-> worker, 64 B (round trips/s; mean RTT as p50)', { recordsPerSec: 1000 / rttMs, p50Us: rttMs * 1000 });
  } finally {
    await Promise.all([pinger.stop(), echo.stop()]);
  }
}

function fmt(n: number | undefined, digits = 0): string {
  if (n === undefined) return '';
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const loadStart = loadavg()[0]!;
  const runs: Map<string, Metrics>[] = [];
  for (let r = 0; r < opts.runs; r++) {
    process.stderr.write(`ring bench: run ${r + 1}/${opts.runs}\n`);
    const out = new Map<string, Metrics>();
    await singleThread(opts, out);
    await crossThread(opts, out);
    await pingPongMain(opts, out);
    await pingPongWorkers(opts, out);
    runs.push(out);
  }
  const pick = (name: string, key: keyof Metrics): number | undefined => {
    const xs = runs.map((m) => m.get(name)?.[key]).filter((x): x is number => x !== undefined);
    return xs.length === 0 ? undefined : median(xs);
  };
  const rows = [...runs[0]!.keys()].map((name) => ({
    benchmark: name,
    'records/s': fmt(pick(name, 'recordsPerSec')),
    'MB/s': fmt(pick(name, 'mbPerSec'), 1),
    'p50 µs': fmt(pick(name, 'p50Us'), 1),
    'p99 µs': fmt(pick(name, 'p99Us'), 1),
  }));
  console.log(`SPSC ring, median of ${opts.runs} run(s)${opts.quick ? ' (quick)' : ''}; node ${process.version}`);
  console.table(rows);
  const table = [
    '| benchmark | records/s | MB/s | p50 µs | p99 µs |',
    '|---|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.benchmark} | ${r['records/s']} | ${r['MB/s']} | ${r['p50 µs']} | ${r['p99 µs']} |`),
  ];
  const section = [
    '## SPSC ring (src/ring)',
    '',
    `- Date: ${new Date().toISOString()}${opts.quick ? ' (--quick)' : ''}`,
    `- Machine: ${availableParallelism()} CPUs (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), node ${process.version}; ` +
      `1-minute load average ${loadStart.toFixed(2)} at start, ${loadavg()[0]!.toFixed(2)} at end (a shared machine).`,
    `- Command: \`npx tsx bench/ring/ring.bench.ts ${process.argv.slice(2).join(' ')}\`; each cell is the median of ${opts.runs} run(s).`,
    '- single thread: batches of 256 records pushed then popped through a 1 MiB ring (p50 batch time / 256).',
    `- worker -> worker stream: a producer and a consumer worker, both blocking in Atomics.wait, through a ${requestRingBytes / (1024 * 1024)} MiB ring (requestRingBytes), notify every 64 records.`,
    '- ping-pong main <-> worker: one 64 B record and its echo per round; the main thread waits with waitForDataAsync (the io-mux path), p50/p99 of the round trip.',
    '- ping-pong worker <-> worker: both sides block in Atomics.wait; mean round trip over a batch.',
    '',
    ...table,
  ].join('\n');
  console.log(`\n${section}`);
  if (opts.write) {
    const resultsPath = fileURLToPath(new URL('../RESULTS.md', import.meta.url));
    await replaceSection(resultsPath, 'ring', section);
    process.stderr.write(`ring bench: wrote the ring section of ${resultsPath}\n`);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack ?? err.message : String(err));
  process.exit(1);
});
