// The io-mux's request-side wake (test process): an IoMux on real rings with no engine
// worker; the test pops the request ring itself. A record pushed while an earlier one is
// still in the ring does not notify (the engine pops until the ring is empty and never
// parks while a record waits, so it comes to the later record anyway); a record pushed
// into an empty ring does. What server.ts hangs on that notify (the engine's doorbell,
// a futex wake when it is parked) is counted here by wrapping notify as server.ts does.

import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { IoMux } from '../../src/io-mux/io-mux.js';
import { SpscRing } from '../../src/ring/spsc-ring.js';
import { RawClient, resp } from '../main/raw-client.js';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

/** Pops and releases every record in the ring; returns how many there were. */
function drain(ring: SpscRing): number {
  let n = 0;
  while (ring.tryPop() !== null) {
    ring.release();
    n++;
  }
  return n;
}

describe('request wake', () => {
  it('notifies for a record pushed into an empty ring, not for one pushed behind another', async () => {
    const channel = new MessageChannel();
    const requestRing = SpscRing.create(1 << 16);
    let notifies = 0;
    const notify = requestRing.notify.bind(requestRing);
    requestRing.notify = (): void => {
      notifies++;
      notify();
    };
    const mux = new IoMux({
      requestRing,
      replyRing: SpscRing.create(1 << 16),
      port: channel.port1,
      jumboCounters: new Int32Array(new SharedArrayBuffer(16)),
      requirePass: false,
    });
    const port = await mux.listen(0, '127.0.0.1');
    const client = new RawClient(port);
    cleanup = async () => {
      client.close();
      await mux.close();
      channel.port1.close();
    };
    await client.connected;
    // The open entry: the first record, into an empty ring.
    await client.until(() => mux.requestRecords === 1, 5000, 'the open record');
    expect(notifies).toBe(1);
    // Commands in later turns, while the open record is still unread: behind it.
    client.write(resp('PING'));
    await client.until(() => mux.requestRecords === 2, 5000, 'the first PING record');
    client.write(resp('ECHO', 'x'));
    await client.until(() => mux.requestRecords === 3, 5000, 'the ECHO record');
    expect(notifies).toBe(1);
    expect(drain(requestRing)).toBe(3);
    // The ring is empty again: the next record must wake the engine.
    client.write(resp('PING'));
    await client.until(() => mux.requestRecords === 4, 5000, 'the second PING record');
    expect(notifies).toBe(2);
    expect(drain(requestRing)).toBe(1);
  });
});
