// The thread hand-off's wake-ups (src/ring/spsc-ring.ts notify, src/durability/
// shared-state.ts ring/park): the producer that wakes a sleeper leaves its flag for the
// sleeper to clear (a6c5545: a waker that cleared it could lose the sleeper's next
// wake-up); and no wake-up is lost, with a real worker parking thousands of times. The
// io-mux's reply side through waitAsync (its fallback: wake-pipe.test.ts tests the pipe;
// suppressNotify / flagSleeping / waitForNotifyAsync): records pushed while the consumer
// has a drain scheduled wake nobody, one armed promise serves across flag changes, and
// a worker streaming records to a consumer that lowers and raises its flag as the io-mux
// does loses none.

import { afterEach, describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { SpscRing } from '../../src/ring/spsc-ring.js';
import { DurabilityShared, SharedInt } from '../../src/durability/shared-state.js';
import { readTurns, startProducer, streamConsumer, turnDrain } from './fixtures/record-stream.js';

/** The ring header's consumerSleeping field (spsc-ring.ts layout: byte 68). */
const consumerSleepingIndex = 17;

const workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.terminate()));
});

describe('hand-off wake-ups', () => {
  it('SpscRing.notify leaves the sleeping flag for the consumer to clear', async () => {
    const ring = SpscRing.create(1024);
    const header = new Int32Array(ring.sab, 0, 64);
    const woken = ring.waitForDataAsync(10_000);
    expect(Atomics.load(header, consumerSleepingIndex)).toBe(1);
    expect(ring.tryPush(new Uint8Array([1, 2, 3]))).toBe(true);
    ring.notify();
    // Not cleared by the notifier: a notify for a record already taken would otherwise
    // clear the flag of the consumer's next sleep (a lost wake-up, spsc-ring.ts).
    expect(Atomics.load(header, consumerSleepingIndex)).toBe(1);
    expect(ring.tryPush(new Uint8Array([4]))).toBe(true);
    ring.notify();
    await woken;
    expect(Array.from(ring.tryPop()!)).toEqual([1, 2, 3]);
    ring.release();
    expect(Array.from(ring.tryPop()!)).toEqual([4]);
    ring.release();
    // The next sleep flags itself again and is woken again.
    const again = ring.waitForDataAsync(10_000);
    expect(Atomics.load(header, consumerSleepingIndex)).toBe(1);
    expect(ring.tryPush(new Uint8Array([5]))).toBe(true);
    ring.notify();
    await again;
    expect(Array.from(ring.tryPop()!)).toEqual([5]);
    ring.release();
  });

  it('DurabilityShared.ring leaves engineSleeping for the engine to clear', () => {
    // A producer that cleared it could leave the engine parked with the flag down (a
    // stale ring from before its last drain), and later rings would not wake it.
    const shared = DurabilityShared.create();
    Atomics.store(shared.int, SharedInt.engineSleeping, 1); // as park() does before waiting
    const bell = Atomics.load(shared.int, SharedInt.doorbell);
    shared.ring();
    expect(Atomics.load(shared.int, SharedInt.engineSleeping)).toBe(1);
    shared.ring();
    expect(Atomics.load(shared.int, SharedInt.doorbell)).toBe(bell + 2);
  });

  it('an engine parking on the doorbell misses no ring (worker thread)', async () => {
    const shared = DurabilityShared.create();
    const items = new Int32Array(new SharedArrayBuffer(8));
    const count = 5000;
    const worker = new Worker(new URL('./fixtures/tsx-worker.mjs', import.meta.url), {
      argv: [new URL('./fixtures/doorbell-peer.ts', import.meta.url).href],
      workerData: { durability: shared.sab, items: items.buffer, count },
    });
    workers.push(worker);
    const messages: unknown[] = [];
    let arrived = (): void => undefined;
    worker.on('message', (m) => {
      messages.push(m);
      arrived();
    });
    const failed = new Promise<never>((_, reject) => worker.once('error', reject));
    const nextMessage = (): Promise<unknown> =>
      Promise.race([failed, new Promise<unknown>((resolve) => {
        if (messages.length > 0) resolve(messages.shift());
        else arrived = () => resolve(messages.shift());
      })]);
    expect(await nextMessage()).toBe('ready');
    for (let i = 0; i < count; i++) {
      Atomics.add(items, 0, 1); // publish, then ring: the io-mux's order
      shared.ring();
      // Every third item, let the worker take everything and go to park, so rings find
      // it parked, about to park, or busy, in turn.
      if (i % 3 === 0) {
        while (Atomics.load(items, 1) < Atomics.load(items, 0)) await new Promise((r) => setImmediate(r));
        await new Promise((r) => setImmediate(r));
      }
    }
    const r = (await nextMessage()) as { parks: number; timedOut: number; taken: number };
    expect(r.taken).toBe(count);
    expect(r.timedOut).toBe(0);
    expect(r.parks).toBeGreaterThan(0);
  }, 60_000);

  it('a consumer with a drain scheduled is not notified; one armed promise serves across flag changes', async () => {
    const ring = SpscRing.create(1024);
    const header = new Int32Array(ring.sab, 0, 64);
    expect(ring.flagSleeping()).toBe(false); // empty
    const armed = ring.waitForNotifyAsync();
    expect(armed).toBeDefined();
    let woken = false;
    void armed!.then(() => {
      woken = true;
    });
    // A drain is scheduled (the io-mux read requests this turn): pushes wake nobody.
    ring.suppressNotify();
    expect(Atomics.load(header, consumerSleepingIndex)).toBe(0);
    expect(ring.tryPush(new Uint8Array([1]))).toBe(true);
    ring.notify();
    // A notify would resolve the promise within a few event-loop turns.
    await new Promise((r) => setTimeout(r, 20));
    expect(woken).toBe(false);
    // The scheduled drain: raising the flag finds the record pushed before it.
    expect(ring.flagSleeping()).toBe(true);
    expect(Array.from(ring.tryPop()!)).toEqual([1]);
    ring.release();
    expect(ring.flagSleeping()).toBe(false);
    expect(Atomics.load(header, consumerSleepingIndex)).toBe(1);
    // The promise armed before all that is still the one a notify resolves.
    expect(ring.tryPush(new Uint8Array([2]))).toBe(true);
    ring.notify();
    expect(Atomics.load(header, consumerSleepingIndex)).toBe(1); // the consumer's to clear
    await armed;
    expect(woken).toBe(true);
    // Arming while a record waits: nothing to wait for (undefined), the caller drains.
    expect(ring.waitForNotifyAsync()).toBeUndefined();
    expect(Array.from(ring.tryPop()!)).toEqual([2]);
    ring.release();
    expect(ring.waitForNotifyAsync()).toBeDefined(); // empty again: armed (left pending)
  });

  it('a worker streaming records to a consumer that lowers and raises its flag as the io-mux does loses none', async () => {
    const ring = SpscRing.create(4096);
    const shape = { count: 20_000, seed: 7, maxBytes: 300 };
    const { count } = shape;
    const { worker, failed } = startProducer(ring, shape);
    workers.push(worker);
    const consumer = streamConsumer(ring, shape);
    const { drain, taken, finished } = consumer;
    let armed = false;
    // io-mux.ts replyWake, with its two kinds of scheduled drain.
    const wake = (): void => {
      drain();
      if (!ring.flagSleeping()) {
        if (armed) return;
        const notified = ring.waitForNotifyAsync();
        if (notified !== undefined) {
          armed = true;
          void notified.then(() => {
            armed = false;
            wake();
          });
          return;
        }
      }
      drainNextTurn();
    };
    const drainNextTurn = turnDrain(ring, wake);
    wake();
    // Turns that "read requests": the flag goes down until the turn's flush drains.
    readTurns(ring, consumer, () => taken() !== count, wake);
    await Promise.race([finished, failed]);
    expect(taken()).toBe(count);
  }, 60_000);
});
