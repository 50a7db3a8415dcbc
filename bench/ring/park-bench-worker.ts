// One side of bench/ring/park.bench.ts's ping-pong (a worker thread): rings the peer's
// doorbell, then parks on its own until the peer rings back, `n` times (side 0 starts).
// Ring and park follow src/durability/shared-state.ts (a counter, a sleeping flag only
// the sleeper clears, flag-then-recheck); the wake is an Atomics.notify of an
// Atomics.wait, or one byte written to a FIFO the sleeper blocks on in read(2).

import { readSync, writeSync } from 'node:fs';
import { workerData, parentPort } from 'node:worker_threads';

interface ParkWorkerData {
  readonly sab: SharedArrayBuffer;
  readonly side: 0 | 1;
  readonly n: number;
  readonly mechanism: 'atomics' | 'fifo';
  /** Read end of this side's FIFO, write end of the peer's (mechanism fifo). */
  readonly readFd: number;
  readonly peerWriteFd: number;
}

const d = workerData as ParkWorkerData;
// Per side s: [16s] doorbell, [16s + 1] sleeping (own cache lines); [32] start, [33] ready count.
const cells = new Int32Array(d.sab);
const bell = (s: number): number => 16 * s;
const sleeping = (s: number): number => 16 * s + 1;
const me = d.side;
const peer = 1 - me;
const byte = new Uint8Array(1);
const drain = new Uint8Array(64);

function ring(): void {
  Atomics.add(cells, bell(peer), 1);
  if (Atomics.load(cells, sleeping(peer)) !== 0) {
    if (d.mechanism === 'atomics') Atomics.notify(cells, bell(peer));
    else writeSync(d.peerWriteFd, byte);
  }
}

function park(seen: number): void {
  for (;;) {
    Atomics.store(cells, sleeping(me), 1);
    if (Atomics.load(cells, bell(me)) !== seen) break;
    if (d.mechanism === 'atomics') Atomics.wait(cells, bell(me), seen, 1000);
    else readSync(d.readFd, drain, 0, drain.length, null);
  }
  Atomics.store(cells, sleeping(me), 0);
}

// Ready (cells[33] counts both sides), then wait for the main thread's start (cells[32]).
Atomics.add(cells, 33, 1);
while (Atomics.load(cells, 32) === 0) Atomics.wait(cells, 32, 0, 100);

let seen = 0;
for (let i = 0; i < d.n; i++) {
  if (me === 0) ring();
  park(seen);
  seen = Atomics.load(cells, bell(me));
  if (me === 1) ring();
}
parentPort!.postMessage('done');
