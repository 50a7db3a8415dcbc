// kill -9 of the server mid-stream (test process; real log-node and server processes
// from dist/, see crash-harness.ts): concurrent clients write SET, INCR, RPUSH, HSET and
// MULTI/EXEC with writes in flight when the server dies; after a restart (which replays
// the journal) every acknowledged write is there and nothing that was never sent. Twice:
// the second phase goes on writing after the first recovery, so unknown outcomes sit in
// the middle of each client's history, not only at its end.
// A canary runs the same against --journal none and must be caught losing writes.

import { afterAll, expect, it } from 'vitest';
import { checkKeyspace, Deployment, summary, Workload } from './crash-harness.js';

const clientCount = 16;
const ackedPerPhase = 300;

const d = new Deployment();
const canary = new Deployment({ journalNone: true });
afterAll(async () => {
  await Promise.all([d.stop(), canary.stop()]);
});

it('keeps every acknowledged write across two kill -9s of the server', async () => {
  await d.start();
  const w = new Workload(clientCount);
  for (let phase = 1; phase <= 2; phase++) {
    const before = w.ackedCount();
    await w.start(d.port);
    await w.waitForAcked(before + ackedPerPhase, 40_000, () => d.tail());
    await d.kill(['server']);
    await w.ended();
    await d.restart(['server']);
    const problems = await checkKeyspace(d.port, w);
    console.log(`phase ${phase}: ${summary(w)}`);
    expect(problems, `phase ${phase}, ${summary(w)}\n${d.tail()}`).toEqual([]);
  }
  expect(w.ackedCount()).toBeGreaterThanOrEqual(2 * ackedPerPhase);
});

// The canary: the same workload and kill against a server that is not durable
// (--journal none) must be caught losing acknowledged writes, or the checker proves nothing.
it('canary: the checker catches lost acknowledged writes (--journal none)', async () => {
  await canary.start();
  const w = new Workload(clientCount);
  await w.start(canary.port);
  await w.waitForAcked(ackedPerPhase, 40_000, () => canary.tail());
  await canary.kill(['server']);
  await w.ended();
  await canary.restart(['server']);
  const problems = await checkKeyspace(canary.port, w);
  expect(problems.some((p) => /acknowledged .* is missing|missing, but the write/.test(p))).toBe(true);
});
