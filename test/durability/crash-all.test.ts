// kill -9 of the server and all three log nodes together, mid-stream (test process;
// real processes from dist/, see crash-harness.ts): a whole-host crash. After every
// process restarts, the log nodes recover their logs from disk, elect a leader, and
// the server replays the journal: every acknowledged write is there and nothing that
// was never sent. Twice, writing on after the first recovery.

import { afterAll, expect, it } from 'vitest';
import { allNames, checkKeyspace, Deployment, summary, Workload } from './crash-harness.js';

const clientCount = 16;
const ackedPerPhase = 300;

const d = new Deployment();
afterAll(async () => {
  await d.stop();
});

it('keeps every acknowledged write across two kill -9s of every process at once', async () => {
  await d.start();
  const w = new Workload(clientCount);
  for (let phase = 1; phase <= 2; phase++) {
    const before = w.ackedCount();
    await w.start(d.port);
    await w.waitForAcked(before + ackedPerPhase, 40_000, () => d.tail());
    await d.kill(allNames);
    await w.ended();
    await d.restart(allNames);
    const problems = await checkKeyspace(d.port, w);
    console.log(`phase ${phase}: ${summary(w)}`);
    expect(problems, `phase ${phase}, ${summary(w)}\n${d.tail()}`).toEqual([]);
  }
  expect(w.ackedCount()).toBeGreaterThanOrEqual(2 * ackedPerPhase);
});
