// The wake pipe (src/ring/wake-pipe.ts) as a ring's wake-up (test process, one worker
// thread): once the consumer set its fd, notify() writes a byte there instead of
// Atomics.notify, only while the consumer flags that it sleeps, and leaves the flag for
// the consumer to clear; and a worker streaming records to a consumer woken only by the
// pipe, lowering and raising its flag as the io-mux does, loses none (a lost wake-up
// hangs it: the test times out).

import { afterEach, describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { SpscRing } from '../../src/ring/spsc-ring.js';
import { WakePipe } from '../../src/ring/wake-pipe.js';
import { readTurns, startProducer, streamConsumer, turnDrain } from './fixtures/record-stream.js';

/** The ring header's consumerSleeping field (spsc-ring.ts layout: byte 68). */
const consumerSleepingIndex = 17;

const workers: Worker[] = [];
const pipes: WakePipe[] = [];
afterEach(async () => {
  // Producers first: a pipe is closed only once nobody writes to it.
  await Promise.all(workers.splice(0).map((w) => w.terminate()));
  for (const p of pipes.splice(0)) p.close();
});

async function openPipe(onWake: () => void): Promise<WakePipe> {
  const pipe = await WakePipe.open(onWake);
  expect(pipe).toBeDefined(); // Linux: the io-mux must get its pipe here
  pipes.push(pipe!);
  return pipe!;
}

function turns(n: number): Promise<void> {
  return new Promise((resolve) => {
    const step = (left: number): void => {
      if (left === 0) resolve();
      else setTimeout(() => step(left - 1), 2);
    };
    step(n);
  });
}

describe('wake pipe', () => {
  it('notify writes a wake byte only while the consumer flags that it sleeps, and leaves the flag up', async () => {
    const ring = SpscRing.create(1024);
    const header = new Int32Array(ring.sab, 0, 64);
    let wakes = 0;
    const pipe = await openPipe(() => {
      wakes++;
    });
    expect(pipe.writeFd).toBeGreaterThan(2);
    ring.setConsumerWakeFd(pipe.writeFd);
    // A drain is scheduled (the flag is down): a push wakes nobody.
    ring.suppressNotify();
    expect(ring.tryPush(new Uint8Array([1]))).toBe(true);
    ring.notify();
    await turns(10);
    expect(wakes).toBe(0);
    // The scheduled drain raises the flag and finds the record itself.
    expect(ring.flagSleeping()).toBe(true);
    expect(Array.from(ring.tryPop()!)).toEqual([1]);
    ring.release();
    expect(ring.flagSleeping()).toBe(false);
    // Asleep: a push wakes us through the pipe, and the flag stays for us to clear.
    expect(ring.tryPush(new Uint8Array([2]))).toBe(true);
    ring.notify();
    expect(Atomics.load(header, consumerSleepingIndex)).toBe(1);
    for (let i = 0; i < 500 && wakes === 0; i++) await turns(1);
    expect(wakes).toBe(1);
    expect(Array.from(ring.tryPop()!)).toEqual([2]);
    ring.release();
    // No Atomics.notify any more: a waitAsync armed now is not resolved by a notify.
    const armed = ring.waitForNotifyAsync();
    expect(armed).toBeDefined();
    let resolved = false;
    void armed!.then(() => {
      resolved = true;
    });
    expect(ring.tryPush(new Uint8Array([3]))).toBe(true);
    ring.notify();
    for (let i = 0; i < 500 && wakes === 1; i++) await turns(1);
    expect(wakes).toBe(2);
    expect(resolved).toBe(false);
  });

  it('a worker streaming records to a consumer woken only by the pipe loses none', async () => {
    const ring = SpscRing.create(4096);
    const shape = { count: 20_000, seed: 11, maxBytes: 300 };
    const { count } = shape;
    const consumer = streamConsumer(ring, shape);
    const { drain, taken, finished } = consumer;
    // io-mux.ts replyWake with the pipe: nothing to arm, the pipe is always read.
    const wake = (): void => {
      drain();
      if (!ring.flagSleeping()) return;
      drainNextTurn();
    };
    const drainNextTurn = turnDrain(ring, wake);
    const pipe = await openPipe(wake);
    ring.setConsumerWakeFd(pipe.writeFd);
    const { worker, failed } = startProducer(ring, shape);
    workers.push(worker);
    // Turns that "read requests": the flag goes down until the turn's flush drains. Only
    // for the first half: in the second, the pipe alone drives the drain, so a lost
    // wake-up leaves records in the ring and the test times out.
    wake();
    readTurns(ring, consumer, () => taken() < count / 2, wake);
    await Promise.race([finished, failed]);
    expect(taken()).toBe(count);
  }, 60_000);
});
