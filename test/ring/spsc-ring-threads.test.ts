// Two-thread tests of SpscRing: records streamed between a worker thread and this
// (main) thread in both directions, and between two workers, through small rings so
// they wrap and fill constantly; every record's length, sequence and bytes are checked
// in order (records.ts). The workers block in Atomics.wait (waitForData/waitForSpace);
// the main thread only uses the non-blocking waitForDataAsync/waitForSpaceAsync.

import { afterEach, describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { SpscRing } from '../../src/ring/spsc-ring.js';
import { checkRecord, fillRecord, recordLength } from './fixtures/records.js';

const workers: Worker[] = [];

interface Peer {
  done: Promise<number>;
  /** Set once the peer reported an error or died, so the main-thread loop stops waiting. */
  failed: () => boolean;
}

function startPeer(data: Record<string, unknown>): Peer {
  // Node 20 ignores `--import tsx` in a Worker's execArgv: a .mjs bootstrap registers tsx.
  const worker = new Worker(new URL('./fixtures/tsx-worker.mjs', import.meta.url), {
    argv: [new URL('./fixtures/ring-peer.ts', import.meta.url).href],
    workerData: data,
  });
  workers.push(worker);
  const done = new Promise<number>((resolve, reject) => {
    worker.once('message', (m: { ok: boolean; count?: number; error?: string }) =>
      m.ok ? resolve(m.count!) : reject(new Error(m.error)),
    );
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`peer exited with code ${code} before reporting`)));
  });
  let failed = false;
  done.catch(() => {
    failed = true;
  });
  return { done, failed: () => failed };
}

afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.terminate()));
});

// A pending Atomics.waitAsync does not keep the process alive; the workers' handles
// do here, and every wait below is bounded anyway.
const waitMs = 10_000;
/** Event-loop turns the ping-pong waits for the echo to release a request record (it releases right after its push). */
const spaceTurnsMax = 100_000;
const count = 20_000;

describe('SpscRing, two threads', () => {
  it('worker producer -> main-thread consumer (waitForDataAsync)', async () => {
    const ring = SpscRing.create(4096);
    const maxBytes = 1500;
    const seed = 11;
    const peer = startPeer({ role: 'producer', sab: ring.sab, count, seed, maxBytes });
    for (let i = 0; i < count; ) {
      const rec = ring.tryPop();
      if (rec === null) {
        if (peer.failed()) break;
        await ring.waitForDataAsync(waitMs);
        continue;
      }
      const problem = checkRecord(rec, seed, i, maxBytes);
      ring.release();
      expect(problem).toBeNull();
      i++;
    }
    expect(await peer.done).toBe(count);
    expect(ring.usedBytes()).toBe(0);
  });

  it('main-thread producer (waitForSpaceAsync) -> worker consumer (waitForData)', async () => {
    const ring = SpscRing.create(4096);
    const maxBytes = 3000;
    const seed = 12;
    const peer = startPeer({ role: 'consumer', sab: ring.sab, count, seed, maxBytes });
    const buf = new Uint8Array(maxBytes);
    for (let i = 0; i < count; i++) {
      const rec = fillRecord(buf, i, recordLength(seed, i, maxBytes));
      while (!ring.tryPush(rec) && !peer.failed()) {
        ring.notify();
        await ring.waitForSpaceAsync(rec.length, waitMs);
      }
      ring.notify();
    }
    expect(await peer.done).toBe(count);
    expect(ring.usedBytes()).toBe(0);
  });

  it('worker producer -> worker consumer, both blocking in Atomics.wait', async () => {
    const ring = SpscRing.create(1024);
    const maxBytes = 1000;
    const seed = 13;
    const consumer = startPeer({ role: 'consumer', sab: ring.sab, count, seed, maxBytes });
    const producer = startPeer({ role: 'producer', sab: ring.sab, count, seed, maxBytes });
    expect(await Promise.all([producer.done, consumer.done])).toEqual([count, count]);
    expect(ring.usedBytes()).toBe(0);
  });

  it('the blocking waits return false after their timeout in a worker', async () => {
    const ring = SpscRing.create(64);
    const peer = startPeer({ role: 'timeouts', sab: ring.sab, count: 1, seed: 0, maxBytes: 4 });
    expect(await peer.done).toBe(1);
    expect(ring.usedBytes()).toBe(64);
  });

  it('ping-pong: the main thread sends one record at a time, a worker echoes it back', async () => {
    const request = SpscRing.create(256);
    const reply = SpscRing.create(256);
    const rounds = 2_000;
    const maxBytes = 200;
    const seed = 14;
    const peer = startPeer({ role: 'echo', sab: request.sab, replySab: reply.sab, count: rounds, seed, maxBytes });
    const buf = new Uint8Array(maxBytes);
    for (let i = 0; i < rounds; i++) {
      // The echo pushes its reply before it releases the request record (the record is a
      // view into the ring), so the reply can arrive while the previous request still
      // holds its space: wait for the release, a bounded number of turns.
      const rec0 = fillRecord(buf, i, recordLength(seed, i, maxBytes));
      let pushed = request.tryPush(rec0);
      for (let turn = 0; !pushed && turn < spaceTurnsMax && !peer.failed(); turn++) {
        await new Promise((resolve) => setImmediate(resolve));
        pushed = request.tryPush(rec0);
      }
      expect(pushed).toBe(true);
      request.notify();
      let rec = reply.tryPop();
      while (rec === null && !peer.failed()) {
        await reply.waitForDataAsync(waitMs);
        rec = reply.tryPop();
      }
      if (rec === null) break;
      expect(checkRecord(rec, seed, i, maxBytes)).toBeNull();
      reply.release();
    }
    expect(await peer.done).toBe(rounds);
  });
});
