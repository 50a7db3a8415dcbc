// Worker thread for bench/ring/ring.bench.ts. Waits for commands on its parentPort and
// runs each one synchronously, blocking in Atomics.wait as the engine worker does:
//   { cmd: 'produce', n, bytes }  push n records of `bytes` bytes, notify per 64 records
//   { cmd: 'consume', n }         pop and release n records
//   { cmd: 'echo', n }            pop each record from `sab`, push it to `replySab`,
//                                 n records or until a zero-length record arrives
//   { cmd: 'ping', n, bytes }     n round trips: push to `sab`, wait for the echo on `replySab`
// Answers { done: true, ms } with the elapsed time of the command.

import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { SpscRing } from '../../src/ring/spsc-ring.js';

interface BenchWorkerData {
  sab: SharedArrayBuffer;
  replySab?: SharedArrayBuffer;
}
type Command =
  | { cmd: 'produce'; n: number; bytes: number }
  | { cmd: 'consume'; n: number }
  | { cmd: 'echo'; n: number }
  | { cmd: 'ping'; n: number; bytes: number };

const data = workerData as BenchWorkerData;
const ring = SpscRing.attach(data.sab);
const reply = data.replySab === undefined ? null : SpscRing.attach(data.replySab);
const stuckMs = 10_000; // a benchmark peer silent this long is a bug: fail loudly

function produce(n: number, bytes: number): void {
  const rec = new Uint8Array(bytes).fill(7);
  for (let i = 0; i < n; i++) {
    while (!ring.tryPush(rec)) {
      ring.notify();
      if (!ring.waitForSpace(bytes, stuckMs)) throw new Error('produce: no space');
    }
    if ((i & 63) === 63) ring.notify();
  }
  ring.notify();
}

function consume(n: number): void {
  let sum = 0;
  for (let i = 0; i < n; ) {
    const rec = ring.tryPop();
    if (rec === null) {
      if (!ring.waitForData(stuckMs)) throw new Error('consume: no data');
      continue;
    }
    sum += rec.length; // touch the record so the pop is not just counter arithmetic
    ring.release();
    i++;
  }
  if (sum < 0) throw new Error('unreachable');
}

function echo(n: number): void {
  const out = reply!;
  for (let i = 0; i < n; ) {
    const rec = ring.tryPop();
    if (rec === null) {
      if (!ring.waitForData(stuckMs)) throw new Error('echo: no data');
      continue;
    }
    i++;
    const last = rec.length === 0;
    while (!out.tryPush(rec)) {
      if (!out.waitForSpace(rec.length, stuckMs)) throw new Error('echo: no space');
    }
    ring.release();
    out.notify();
    if (last) return;
  }
}

function ping(n: number, bytes: number): void {
  const back = reply!;
  const rec = new Uint8Array(bytes).fill(9);
  for (let i = 0; i < n; i++) {
    if (!ring.tryPush(rec)) throw new Error('ping: request ring full');
    ring.notify();
    let got = back.tryPop();
    while (got === null) {
      if (!back.waitForData(stuckMs)) throw new Error('ping: no echo');
      got = back.tryPop();
    }
    back.release();
  }
}

parentPort!.on('message', (c: Command) => {
  const t0 = performance.now();
  try {
    if (c.cmd === 'produce') produce(c.n, c.bytes);
    else if (c.cmd === 'consume') consume(c.n);
    else if (c.cmd === 'echo') echo(c.n);
    else ping(c.n, c.bytes);
    parentPort!.postMessage({ done: true, ms: performance.now() - t0 });
  } catch (err) {
    parentPort!.postMessage({ done: false, error: err instanceof Error ? err.message : String(err) });
  }
});
