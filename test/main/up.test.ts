// `keeldb up` as a process (test process; the `up` child runs bin/keeldb.js from dist/,
// and starts its own four children): the ready line, serving with the journal, a
// killed server restarted with its data, a clean stop of every child on SIGTERM, the
// data-directory lock, the log nodes' CPU priority and the server's CPU affinity, and giving up
// (exit 1) when the server can never start.

import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { callWhenServing, RespClient } from '../durability/crash-harness.js';
import { killAll, listening, spawnKeeldb, waitForOutput, type KeeldbProcess } from '../support/keeldb-process.js';
import { freePort } from '../support/ports.js';
import { cpuListOf, ownCpuList, threadCpuLists } from '../support/proc-threads.js';
import { serverCpuAutoPinCpusMax, upLogNodeNiceLevel } from '../../src/limits.js';
import { allowedCpus, parseCpuList } from '../../src/platform/cpu-affinity.js';

const dir = mkdtempSync(join(tmpdir(), 'keeldb-up-'));
const started: ChildProcess[] = [];
const blockers: Server[] = [];

afterAll(() => {
  killAll(started, 'SIGTERM');
  for (const s of blockers) s.close();
  // Give `up` time to stop its children before the directory goes.
  return new Promise<void>((resolve) =>
    setTimeout(() => {
      rmSync(dir, { recursive: true, force: true });
      resolve();
    }, 500),
  );
});

/** `keeldb up <args>`. */
function startUp(args: string[]): KeeldbProcess {
  return spawnKeeldb(['up', ...args], started);
}

/** Pids of the live processes whose parent is pid (from /proc). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** The nice level of every thread of pid (/proc/PID/task/TID/stat, field 19), deduplicated. */
function threadNiceLevels(pid: number): number[] {
  const levels = new Set<number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      levels.add(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
    } catch {
      // the thread ended meanwhile
    }
  }
  return [...levels].sort((a, b) => a - b);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

it('starts three log nodes and a durable server, restarts a killed server with its data, stops all on SIGTERM', async () => {
  const port = await freePort();
  const journalPorts = [await freePort(), await freePort(), await freePort()];
  const data = join(dir, 'data');
  const up = startUp(['--dir', data, '--port', String(port), '--journal-ports', journalPorts.join(',')]);
  await waitForOutput(/KeelDB up: ready on 127\.0\.0\.1:\d+/, up);
  expect(up.output()).toContain(`KeelDB up: ready on 127.0.0.1:${port}; journal: log nodes on 127.0.0.1:${journalPorts.join(',')}`);
  expect(up.output()).toMatch(/\[server\] KeelDB: --journal .*acknowledged once it is on disk on 2 of 3/);
  expect(readdirSync(data).sort()).toEqual(['node-1', 'node-2', 'node-3', 'up.pid']);
  const children = childrenOf(up.child.pid!);
  expect(children.length).toBe(4);

  // A second `up` on the same directory refuses to start.
  const second = startUp(['--dir', data, '--port', String(await freePort())]);
  expect(await second.exited).toBe(1);
  expect(second.output()).toMatch(/in use by another keeldb up \(pid \d+\)/);

  const c = await RespClient.connect(port);
  expect(await c.call('SET', 'up:key', 'durable')).toEqual({ kind: 'simple', text: 'OK' });
  const info = await c.call('INFO', 'server');
  c.close();
  const serverPid = Number(/process_id:(\d+)/.exec(info.kind === 'bulk' ? info.bytes.toString() : '')?.[1]);
  expect(children).toContain(serverPid);
  // The log nodes run below the server's CPU priority, every thread of them; the server keeps ours.
  expect(upLogNodeNiceLevel).toBeGreaterThan(getPriority());
  for (const pid of children.filter((p) => p !== serverPid)) expect(threadNiceLevels(pid)).toEqual([upLogNodeNiceLevel]);
  expect(threadNiceLevels(serverPid)).toEqual([getPriority()]);
  // On a small host (--server-cpulist auto) the io-mux and the engine share one CPU and the
  // journal writer widens itself back to every CPU; the log nodes are never pinned.
  const ownCpus = ownCpuList();
  for (const pid of children.filter((p) => p !== serverPid)) expect([...threadCpuLists(pid).keys()]).toEqual([ownCpus]);
  const serverCpus = threadCpuLists(serverPid);
  const mainCpus = cpuListOf(`/proc/${serverPid}/task/${serverPid}/status`);
  if (allowedCpus()!.length <= serverCpuAutoPinCpusMax) {
    expect(parseCpuList(mainCpus).length).toBe(1);
    expect(serverCpus.get(mainCpus)).toBeGreaterThanOrEqual(2); // the main thread, the engine, V8's helpers
    expect(serverCpus.get(ownCpus)).toBeGreaterThanOrEqual(1); // the journal writer
    expect(serverCpus.size).toBe(2);
    expect(up.output()).toContain(`[server] KeelDB: the io-mux and the engine run on CPU ${mainCpus}, the journal writer on ${parseCpuList(ownCpus).join(',')}`);
  } else {
    expect([...serverCpus.keys()]).toEqual([ownCpus]);
  }
  process.kill(serverPid, 'SIGKILL');
  await waitForOutput(/\[supervisor\] restarting server/, up);
  expect(await callWhenServing(port, ['GET', 'up:key'])).toEqual({ kind: 'bulk', bytes: Buffer.from('durable') });

  const now = childrenOf(up.child.pid!);
  expect(now.length).toBe(4);
  up.child.kill('SIGTERM');
  expect(await up.exited).toBe(0);
  for (const pid of now) expect(alive(pid)).toBe(false);
  expect(readdirSync(data)).not.toContain('up.pid');
});

it('gives up with exit 1 when the server can never start (its port is taken)', async () => {
  const blocker = createServer();
  blockers.push(blocker);
  const port = await new Promise<number>((resolve) =>
    blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)),
  );
  const journalPorts = [await freePort(), await freePort(), await freePort()];
  const up = startUp(['--dir', join(dir, 'blocked'), '--port', String(port), '--journal-ports', journalPorts.join(',')]);
  expect(await up.exited).toBe(1);
  expect(up.output()).toMatch(/server exited 3 times before it was ever ready/);
  // Its log nodes were stopped before it exited: nothing listens on their ports.
  for (const p of journalPorts) expect(await listening(p)).toBe(false);
});

it('rejects bad --journal-ports at the command line', async () => {
  const up = startUp(['--dir', join(dir, 'bad'), '--journal-ports', '7001,7001,7002']);
  expect(await up.exited).toBe(1);
  expect(up.output()).toMatch(/--journal-ports.*three different non-zero ports/);
});

it('rejects a nice level outside 0..19 at the command line, for up and for a log node', async () => {
  const up = startUp(['--dir', join(dir, 'bad-nice'), '--log-node-nice', '20']);
  expect(await up.exited).toBe(1);
  expect(up.output()).toMatch(/--log-node-nice <level>' argument '20' is invalid\. must be an integer from 0 to 19/);
  const node = spawnKeeldb(['log-node', '--id', '1', '--port', '1', '--dir', join(dir, 'bad-nice-node'), '--peers', '127.0.0.1:2', '--nice', '-1'], started);
  expect(await node.exited).toBe(1);
  expect(node.output()).toMatch(/--nice <level>' argument '-1' is invalid/);
});

it('gives log nodes the nice level --log-node-nice asks for, 0 leaving them at the server\'s', async () => {
  const port = await freePort();
  const journalPorts = [await freePort(), await freePort(), await freePort()];
  const up = startUp(['--dir', join(dir, 'nice0'), '--port', String(port), '--journal-ports', journalPorts.join(','), '--log-node-nice', '0']);
  await waitForOutput(/KeelDB up: ready on/, up);
  const children = childrenOf(up.child.pid!);
  expect(children.length).toBe(4);
  for (const pid of children) expect(threadNiceLevels(pid)).toEqual([getPriority()]);
  up.child.kill('SIGTERM');
  expect(await up.exited).toBe(0);
});
