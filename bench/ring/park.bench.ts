// What one wake-up of a parked worker costs, by mechanism (main thread starts two worker
// threads, park-bench-worker.ts, that ping-pong through doorbells like the engine's,
// src/durability/shared-state.ts):
//   npx tsx bench/ring/park.bench.ts [--rounds 5] [--n 50000]
//   taskset -c 0 npx tsx bench/ring/park.bench.ts   (one CPU, as `keeldb up` places the server here)
//   atomics  Atomics.notify of an Atomics.wait: both take V8's one process-wide futex
//            mutex, and the waker signals the waiter's condition variable while holding
//            it, so a waiter woken on the same CPU may preempt the waker only to block on
//            that mutex (two more context switches);
//   fifo     one byte written to a FIFO the sleeper blocks on with readSync (no mutex; but
//            no timed wait either: the engine's timers would need a waker of their own).
// Prints, per mechanism, the process's CPU µs (process.cpuUsage, every thread) and wall
// µs per wake-up (two per round trip), medians over rounds that alternate the mechanisms,
// and the voluntary/involuntary context switches per wake-up (/proc/self/status, all threads).
//
// Measured here (session 10, --rounds 3 --n 20000, load ~2.7; one CPU, two, or the
// other CPU alike, since a ping-pong runs one side at a time): atomics 5.2-5.3 CPU µs
// per wake, 1.04 voluntary and 0.70 involuntary switches; fifo 4.0-4.2 µs, 0.59 and 0.41.
// So parking the engine on a pipe instead of its doorbell's Atomics.wait would save
// ~1.2 µs per wake-up: at durable SET -P 1 (~67 engine wake-ups per 1000 SETs,
// bench/endpoint/handoff-stats.ts --durable) ~0.1 µs per SET, before the cost of the
// timer wake-ups it would need. The rest of a wake-up's price in the server (its CPU per
// park cycle is several times this) is the switch itself and cold caches, which any
// mechanism pays.

import { Worker } from 'node:worker_threads';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Command } from 'commander';
import { positiveInt } from '../endpoint/options.js';
import { median } from '../endpoint/bench-stats.js';

const opts = new Command()
  .name('bench/ring/park.bench.ts')
  .option('--rounds <n>', 'alternating rounds (medians reported)', positiveInt, 5)
  .option('--n <n>', 'round trips per round', positiveInt, 50_000)
  .parse()
  .opts<{ rounds: number; n: number }>();

type Mechanism = 'atomics' | 'fifo';

/** Context switches of every thread of this process so far (voluntary, involuntary). */
function switches(): [number, number] {
  let v = 0;
  let iv = 0;
  for (const tid of readdirSync('/proc/self/task')) {
    const status = readFileSync(`/proc/self/task/${tid}/status`, 'latin1');
    v += Number(/voluntary_ctxt_switches:\s+(\d+)/.exec(status)?.[1] ?? 0);
    iv += Number(/nonvoluntary_ctxt_switches:\s+(\d+)/.exec(status)?.[1] ?? 0);
  }
  return [v, iv];
}

async function round(mechanism: Mechanism, dir: string): Promise<{ cpuUs: number; wallUs: number; vol: number; invol: number }> {
  const sab = new SharedArrayBuffer(3 * 64);
  const fds: number[] = [];
  const fifo = (i: number): number => {
    const path = join(dir, `fifo-${i}`);
    execFileSync('mkfifo', [path]);
    // O_RDWR: the open does not wait for a writer, and reads block (no O_NONBLOCK).
    const fd = openSync(path, constants.O_RDWR);
    fds.push(fd);
    rmSync(path);
    return fd;
  };
  const fifoFds = mechanism === 'fifo' ? [fifo(0), fifo(1)] : [-1, -1];
  const workers = [0, 1].map(
    (side) =>
      new Worker(new URL('./tsx-worker.mjs', import.meta.url), {
        argv: [new URL('./park-bench-worker.ts', import.meta.url).href],
        workerData: { sab, side, n: opts.n, mechanism, readFd: fifoFds[side], peerWriteFd: fifoFds[1 - side] },
      }),
  );
  const finished = Promise.all(
    workers.map(
      (w) =>
        new Promise((resolve, reject) => {
          w.once('message', resolve);
          w.once('error', reject);
          w.once('exit', (code) => reject(new Error(`park worker exited (${code}) before it was done`)));
        }),
    ),
  );
  // The workers load tsx first, then wait for the start (cells[32]): measured from there.
  const cells = new Int32Array(sab);
  while (Atomics.load(cells, 33) < 2) await new Promise((r) => setTimeout(r, 10));
  const [v0, iv0] = switches();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  Atomics.store(cells, 32, 1);
  Atomics.notify(cells, 32);
  await finished;
  const wallUs = (performance.now() - t0) * 1000;
  const cpu = process.cpuUsage(cpu0);
  const [v1, iv1] = switches();
  await Promise.all(workers.map((w) => w.terminate()));
  for (const fd of fds) closeSync(fd);
  const wakes = 2 * opts.n;
  return { cpuUs: (cpu.user + cpu.system) / wakes, wallUs: wallUs / wakes, vol: (v1 - v0) / wakes, invol: (iv1 - iv0) / wakes };
}

const dir = mkdtempSync(join(tmpdir(), 'keeldb-park-'));
try {
  const results: Record<Mechanism, { cpuUs: number[]; wallUs: number[]; vol: number[]; invol: number[] }> = {
    atomics: { cpuUs: [], wallUs: [], vol: [], invol: [] },
    fifo: { cpuUs: [], wallUs: [], vol: [], invol: [] },
  };
  for (let r = 0; r < opts.rounds; r++) {
    for (const m of ['atomics', 'fifo'] as const) {
      const x = await round(m, dir);
      for (const k of ['cpuUs', 'wallUs', 'vol', 'invol'] as const) results[m][k].push(x[k]);
    }
  }
  console.log(`park: ${opts.n} round trips x ${opts.rounds} rounds, load ${loadavg()[0]!.toFixed(1)}`);
  console.log('| mechanism | CPU µs/wake | wall µs/wake | voluntary switches/wake | involuntary/wake |');
  console.log('|---|---:|---:|---:|---:|');
  for (const m of ['atomics', 'fifo'] as const) {
    const x = results[m];
    console.log(`| ${m} | ${median(x.cpuUs).toFixed(2)} | ${median(x.wallUs).toFixed(2)} | ${median(x.vol).toFixed(2)} | ${median(x.invol).toFixed(2)} |`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
