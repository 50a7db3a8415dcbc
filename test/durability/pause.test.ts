// The log nodes paused (SIGSTOP) under a live server (test process; real processes
// from dist/, see crash-harness.ts). MemoryDB's tracker rule, observed from outside:
// while the journal cannot commit, a write's reply waits, and so does a read of the
// same key (it would show a value that might be lost); a read of another key answers
// at once. After SIGCONT both complete, with the written value.

import { afterAll, expect, it } from 'vitest';
import type { RespValue } from '../support/resp-decode.js';
import { Deployment, nodeNames, RespClient, sleep } from './crash-harness.js';

/** How long a held reply must stay unanswered (well under journalCommitTimeoutMs). */
const heldMs = 1_000;

const d = new Deployment();
const conns: RespClient[] = [];
afterAll(async () => {
  for (const c of conns) c.close();
  for (const n of nodeNames) d.supervisor.signal(n, 'SIGCONT');
  await d.stop();
});

function track(p: Promise<RespValue>): { settled: () => boolean; value: Promise<RespValue> } {
  let done = false;
  const value = p.finally(() => {
    done = true;
  });
  return { settled: () => done, value };
}

it('holds a write and a read of its key while the log nodes are stopped; other keys answer', async () => {
  await d.start();
  const writer = await RespClient.connect(d.port);
  const sameKeyReader = await RespClient.connect(d.port);
  const otherKeyReader = await RespClient.connect(d.port);
  conns.push(writer, sameKeyReader, otherKeyReader);
  expect(await writer.call('SET', 'paused:a', 'before')).toEqual({ kind: 'simple', text: 'OK' });
  expect(await writer.call('SET', 'paused:b', 'other')).toEqual({ kind: 'simple', text: 'OK' });

  for (const n of nodeNames) expect(d.supervisor.signal(n, 'SIGSTOP')).toBe(true);
  const write = track(writer.call('SET', 'paused:a', 'after'));
  await sleep(100);
  // The read of another key answers. It also orders the next read after the write: the
  // write was in the server's socket before this read was sent, so the io-mux took it
  // in this read's batch or an earlier one, and the same-key read, sent only after this
  // answer, comes in a later batch: it must see the write, so it waits.
  const otherKeyRead = await otherKeyReader.call('GET', 'paused:b');
  expect(otherKeyRead).toEqual({ kind: 'bulk', bytes: Buffer.from('other') });
  const sameKeyRead = track(sameKeyReader.call('GET', 'paused:a'));
  await sleep(heldMs);
  expect(write.settled()).toBe(false);
  expect(sameKeyRead.settled()).toBe(false);

  for (const n of nodeNames) expect(d.supervisor.signal(n, 'SIGCONT')).toBe(true);
  expect(await write.value).toEqual({ kind: 'simple', text: 'OK' });
  expect(await sameKeyRead.value).toEqual({ kind: 'bulk', bytes: Buffer.from('after') });
});
