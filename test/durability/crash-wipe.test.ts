// One log node killed with kill -9 and its directory wiped (test process; real
// processes from dist/, see crash-harness.ts). The node killed is the log leader, so
// the journal also fails over. While it is down, and after it restarts empty, writes
// go on being acknowledged; it catches up from the other two (it serves every committed
// entry on its own). The proof that its copy is whole: stop it (SIGTERM), kill -9 the
// rest, wipe a second node, and start only the caught-up node, the wiped second one and
// the server: the caught-up node is the only copy, and every acknowledged write must be
// there.

import { afterAll, expect, it } from 'vitest';
import { checkKeyspace, Deployment, nodeNames, summary, Workload } from './crash-harness.js';

const clientCount = 16;
const ackedPerStep = 200;

const d = new Deployment();
afterAll(async () => {
  await d.stop();
});

it('a log node killed and wiped catches up from the others while writes go on', async () => {
  await d.start();
  const w = new Workload(clientCount);
  await w.start(d.port);
  await w.waitForAcked(ackedPerStep, 40_000, () => d.tail());

  const wiped = d.currentLeader() ?? 'log-node-1';
  await d.kill([wiped]);
  d.wipe(wiped);
  let before = w.ackedCount();
  await w.waitForAcked(before + ackedPerStep, 40_000, () => `writes stalled with ${wiped} down\n${d.tail()}`);

  await d.restart([wiped]);
  before = w.ackedCount();
  await w.waitForAcked(before + ackedPerStep, 40_000, () => `writes stalled after ${wiped} came back empty\n${d.tail()}`);
  await w.stop();
  expect(await checkKeyspace(d.port, w), `${summary(w)}\n${d.tail()}`).toEqual([]);

  const tail = await d.journalTail();
  await d.nodeServesThrough(wiped, tail, 30_000);

  // The proof: the recovered node is the only copy of the journal. It stops with
  // SIGTERM, which drains its disk writes: a follower serves committed entries it has
  // written but not yet synced (they are on a majority already), so a kill -9 right
  // after catching up could legitimately lose its own copy of the newest ones.
  const other = nodeNames.find((n) => n !== wiped)!;
  const third = nodeNames.find((n) => n !== wiped && n !== other)!;
  await d.terminate([wiped]);
  await d.kill(['server', other, third]);
  d.wipe(other);
  await d.restart([wiped, other, 'server']);
  const problems = await checkKeyspace(d.port, w);
  console.log(`${wiped} wiped and recovered, then the only copy: ${summary(w)}`);
  expect(problems, `${summary(w)}\n${d.tail()}`).toEqual([]);
  await d.restart([third]);
});
