// What one wake-up of the main thread by a worker costs, by mechanism (main thread; one
// worker thread, ring-bench-worker.ts's echo):
//   npx tsx bench/ring/wake.bench.ts [--rounds 5] [--n 50000]
// Ping-pong of one 64 B record: the main thread pushes it into a ring and wakes the
// worker (parked in Atomics.wait, as the engine parks); the worker pushes it back into a
// second ring and calls notify(), which wakes the main thread as the engine wakes the
// io-mux's reply drain, either through
//   waitAsync  Atomics.notify resolving a promise armed with waitForNotifyAsync (the
//              io-mux's path before its wake pipe, and its fallback);
//   pipe       a byte written to a WakePipe (src/ring/wake-pipe.ts), whose read callback
//              drains.
// The main thread lowers the reply ring's sleeping flag when it wakes and raises it
// before it sleeps (flagSleeping), as the io-mux does, so a round trip wakes it unless
// the echo is back before it sleeps.
// Prints, for each mechanism, the process's CPU µs (every thread: process.cpuUsage) and
// the wall µs per round trip and the share of round trips that took a wake-up, medians
// over rounds that alternate the mechanisms. Run it on a quiet machine if you can.

import { Worker } from 'node:worker_threads';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Command } from 'commander';
import { SpscRing } from '../../src/ring/spsc-ring.js';
import { WakePipe } from '../../src/ring/wake-pipe.js';
import { positiveInt } from '../endpoint/options.js';
import { median } from '../endpoint/bench-stats.js';

const opts = new Command()
  .name('bench/ring/wake.bench.ts')
  .option('--rounds <n>', 'alternating rounds (medians reported)', positiveInt, 5)
  .option('--n <n>', 'round trips per round', positiveInt, 50_000)
  .parse()
  .opts<{ rounds: number; n: number }>();

type Mechanism = 'waitAsync' | 'pipe';

interface Result {
  cpuUs: number;
  wallUs: number;
  wakeShare: number;
}

async function round(mechanism: Mechanism, n: number): Promise<Result> {
  const toWorker = SpscRing.create(1 << 16);
  const toMain = SpscRing.create(1 << 16);
  const worker = new Worker(new URL('./tsx-worker.mjs', import.meta.url), {
    argv: [new URL('./ring-bench-worker.ts', import.meta.url).href],
    workerData: { sab: toWorker.sab, replySab: toMain.sab },
  });
  let wakes = 0;
  let onWake = (): void => undefined;
  const pipe = mechanism === 'pipe' ? await WakePipe.open(() => onWake()) : undefined;
  if (mechanism === 'pipe') {
    if (pipe === undefined) throw new Error('no wake pipe on this platform');
    toMain.setConsumerWakeFd(pipe.writeFd);
  }
  const echoDone = new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', () => resolve());
  });
  worker.postMessage({ cmd: 'echo', n: n + 1 });
  const record = new Uint8Array(64).fill(1);
  // Warm-up round trip (the worker's JIT, the first park), not counted.
  let sent = 0;
  let received = 0;
  let finish = (): void => undefined;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  let armed = false;
  let cpu0 = process.cpuUsage();
  let wall0 = performance.now();
  const send = (): void => {
    if (!toWorker.tryPush(record)) throw new Error('toWorker full');
    toWorker.notify();
    sent++;
  };
  // The io-mux's replyWake: drain, raise the flag, and sleep (arm) if nothing came.
  const wake = (): void => {
    for (let rec = toMain.tryPop(); rec !== null; rec = toMain.tryPop()) {
      toMain.release();
      received++;
      if (received === 1) {
        wakes = 0;
        cpu0 = process.cpuUsage();
        wall0 = performance.now();
      }
      if (received === n + 1) {
        finish();
        return;
      }
      send();
    }
    if (toMain.flagSleeping()) {
      setImmediate(wake);
      return;
    }
    if (mechanism === 'pipe' || armed) return;
    const notified = toMain.waitForNotifyAsync();
    if (notified === undefined) {
      setImmediate(wake);
      return;
    }
    armed = true;
    void notified.then(() => {
      armed = false;
      wakes++;
      toMain.suppressNotify(); // awake: pushes need not wake us until flagSleeping
      wake();
    });
  };
  onWake = (): void => {
    wakes++;
    toMain.suppressNotify();
    wake();
  };
  send();
  wake();
  await finished;
  const cpu = process.cpuUsage(cpu0);
  const wallUs = (performance.now() - wall0) * 1000;
  await echoDone;
  await worker.terminate();
  pipe?.close();
  if (sent !== n + 1) throw new Error(`sent ${sent}`);
  return { cpuUs: (cpu.user + cpu.system) / n, wallUs: wallUs / n, wakeShare: wakes / n };
}

const mechanisms: Mechanism[] = ['waitAsync', 'pipe'];
const results = new Map<Mechanism, Result[]>(mechanisms.map((m) => [m, []]));
const loadStart = loadavg()[0]!;
for (let r = 0; r < opts.rounds; r++) {
  for (const m of r % 2 === 0 ? mechanisms : [...mechanisms].reverse()) {
    const res = await round(m, opts.n);
    results.get(m)!.push(res);
    console.log(`${m}: ${res.cpuUs.toFixed(2)} CPU µs, ${res.wallUs.toFixed(2)} wall µs per round trip, wake-ups ${res.wakeShare.toFixed(2)} per round trip`);
  }
}
console.log(`\nMain-thread wake-up by a worker, ping-pong of ${opts.n} round trips, medians of ${opts.rounds}; load ${loadStart.toFixed(1)} -> ${loadavg()[0]!.toFixed(1)}`);
console.log('| mechanism | CPU µs/round trip (all threads) | wall µs/round trip | wake-ups/round trip |');
console.log('|---|---:|---:|---:|');
for (const m of mechanisms) {
  const rs = results.get(m)!;
  console.log(`| ${m} | ${median(rs.map((x) => x.cpuUs)).toFixed(2)} | ${median(rs.map((x) => x.wallUs)).toFixed(2)} | ${median(rs.map((x) => x.wakeShare)).toFixed(2)} |`);
}
