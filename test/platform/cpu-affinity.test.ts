// --server-cpulist (src/platform/cpu-affinity.ts), in the test process and as `keeldb server`
// processes (the child runs the build in dist/): the list parser, the `auto` rule, and
// the CPU mask of every thread of a running server (the workers, created after the mask
// was set, included), for auto, an explicit list and none; bad lists end the process
// with exit 1 and a message.

import type { ChildProcess } from 'node:child_process';
import { afterAll, expect, it } from 'vitest';
import { allowedCpus, autoServerCpus, parseCpuList } from '../../src/platform/cpu-affinity.js';
import { serverCpuAutoPinCpusMax } from '../../src/limits.js';
import { killAll, spawnKeeldb, waitForOutput, type KeeldbProcess } from '../support/keeldb-process.js';
import { freePort } from '../support/ports.js';
import { ownCpuList, threadCpuLists } from '../support/proc-threads.js';

const started: ChildProcess[] = [];
afterAll(() => killAll(started, 'SIGKILL'));

async function startServer(extra: string[]): Promise<KeeldbProcess> {
  const p = spawnKeeldb(['server', '--port', String(await freePort()), '--journal', 'none', ...extra], started);
  await waitForOutput(/Ready to accept connections/, p);
  return p;
}

it('parses CPU lists as taskset and Redis server_cpulist write them, and rejects the rest', () => {
  expect(parseCpuList('3')).toEqual([3]);
  expect(parseCpuList('0-3')).toEqual([0, 1, 2, 3]);
  expect(parseCpuList('0-7:2')).toEqual([0, 2, 4, 6]);
  expect(parseCpuList('5, 1,1-2')).toEqual([1, 2, 5]);
  expect(() => parseCpuList('3-1')).toThrow(/ends before it starts/);
  expect(() => parseCpuList('0-3:0')).toThrow(/stride below 1/);
  expect(() => parseCpuList('')).toThrow(/is not a CPU/);
  expect(() => parseCpuList('x')).toThrow(/'x' is not a CPU/);
  expect(() => parseCpuList('-1')).toThrow(/is not a CPU/);
  expect(() => parseCpuList('0-99999')).toThrow(/CPU 99999 is above 4095/);
});

it('auto pins to the current CPU only on a host of at most serverCpuAutoPinCpusMax CPUs', () => {
  const small = Array.from({ length: serverCpuAutoPinCpusMax }, (_, i) => i);
  expect(autoServerCpus(small, 0)).toEqual([0]);
  expect(autoServerCpus(small, small.length - 1)).toEqual([small.length - 1]);
  // A current CPU outside the allowed set (it moved meanwhile): the last allowed.
  expect(autoServerCpus([4, 6], 0)).toEqual([6]);
  expect(autoServerCpus([4, 6], undefined)).toEqual([6]);
  const large = Array.from({ length: serverCpuAutoPinCpusMax + 1 }, (_, i) => i);
  expect(autoServerCpus(large, 0)).toBeUndefined();
  expect(autoServerCpus(undefined, 0)).toBeUndefined();
});

it('a server started with the default (auto) keeps every thread on one CPU on a small host', async () => {
  const allowed = allowedCpus()!;
  expect(allowed.length).toBeGreaterThan(0);
  const p = await startServer([]);
  const lists = threadCpuLists(p.child.pid!);
  const threads = [...lists.values()].reduce((a, b) => a + b, 0);
  expect(threads).toBeGreaterThan(2); // main, the engine worker and V8's own threads
  if (allowed.length <= serverCpuAutoPinCpusMax) {
    expect(lists.size).toBe(1);
    const [only] = [...lists.keys()];
    expect(allowed).toContain(Number(only));
    // Printed after the ready line (the first line says whether writes are durable).
    await waitForOutput(/the engine run on CPU/, p);
    expect(p.output()).toMatch(/^KeelDB: --journal none: writes are NOT durable/);
    // No journal, so no journal writer to place.
    expect(p.output()).toContain(`KeelDB: the io-mux and the engine run on CPU ${only} (--server-cpulist auto: ${allowed.length} CPU(s) here`);
  } else {
    expect([...lists.keys()]).toEqual([ownCpuList()]);
    expect(p.output()).not.toContain('run on CPU');
  }
  p.child.kill('SIGKILL');
});

it('--server-cpulist with a list pins every thread to it; none leaves them on every allowed CPU', async () => {
  const allowed = allowedCpus()!;
  const last = allowed[allowed.length - 1]!;
  const pinned = await startServer(['--server-cpulist', String(last)]);
  expect(threadCpuLists(pinned.child.pid!)).toEqual(new Map([[String(last), expect.any(Number)]]));
  await waitForOutput(/the server's threads run on CPU/, pinned);
  expect(pinned.output()).toContain(`KeelDB: the server's threads run on CPU ${last} (--server-cpulist)`);
  pinned.child.kill('SIGKILL');

  const free = await startServer(['--server-cpulist', 'none']);
  expect([...threadCpuLists(free.child.pid!).keys()]).toEqual([ownCpuList()]);
  expect(free.output()).not.toContain('run on CPU');
  free.child.kill('SIGKILL');
});

it('a bad or impossible --server-cpulist ends the server with exit 1 and says why', async () => {
  const bad = spawnKeeldb(['server', '--port', String(await freePort()), '--journal', 'none', '--server-cpulist', '3-1'], started);
  expect(await bad.exited).toBe(1);
  expect(bad.output()).toMatch(/--server-cpulist <cpus>' argument '3-1' is invalid\. range '3-1' ends before it starts/);
  // A CPU this host does not have (taskset refuses it): no silent fallback for an explicit list.
  const missing = spawnKeeldb(['server', '--port', String(await freePort()), '--journal', 'none', '--server-cpulist', '4095'], started);
  expect(await missing.exited).toBe(1);
  expect(missing.output()).toMatch(/cannot set the CPU affinity to 4095 \(taskset: /);
  expect(missing.output()).not.toContain('Ready to accept connections');
});
