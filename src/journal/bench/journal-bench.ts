// `keeldb journal-bench`: measures the journal end to end beside the raw disk limit of
// the same run. Main thread of its own process; it starts three log-node child
// processes in a temporary directory (or targets running ones with --nodes), N
// JournalClients each keeping `depth` appends in flight, for S seconds.
//
// Raw disk limit: one writer appends B bytes to each of 3 files in the same temporary
// directory, fdatasyncs the three at once and counts the time until 2 of the 3 are done
// (what a 2-of-3 quorum write cannot beat on this disk); its p50 is reported beside
// the journal's.
// Output: a human table on stdout, then ONE JSON line (the last line):
// {"appendsPerSec","mbPerSec","p50Ms","p99Ms","rawQuorumFsyncP50Ms","clients","bytes",
//  "clientCpuUsPerAppend","nodeCpuUsPerAppend"}.
// The CPU figures are load-independent where throughput is not: CPU time (user +
// system) spent during the measured window divided by the appends completed in it, for
// this process (all clients) and for each log node it started (from /proc/<pid>/stat,
// highest first: the log leader's; empty with --nodes or without /proc).

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JournalClient } from '../client/journal-client.js';
import { RecordType } from '../record-types.js';

export interface JournalBenchOptions {
  readonly clients: number;
  readonly bytes: number;
  readonly seconds: number;
  readonly nodes?: readonly string[];
  readonly secret: string;
  /** Appends each client keeps in flight (default 1). */
  readonly depth?: number;
}

export interface JournalBenchResult {
  readonly appendsPerSec: number;
  readonly mbPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly rawQuorumFsyncP50Ms: number;
  readonly clients: number;
  readonly bytes: number;
  /** CPU microseconds per append in the bench process (the clients). */
  readonly clientCpuUsPerAppend: number;
  /** CPU microseconds per append in each started log node, highest (the leader) first. */
  readonly nodeCpuUsPerAppend: number[];
}

/** How long the raw 2-of-3 fdatasync loop runs (enough samples for a stable p50). */
const rawMeasureMs = 2000;
/** Appends before measuring (connections, JIT, segment creation). */
const warmupMs = 1000;

export async function runJournalBench(opts: JournalBenchOptions): Promise<JournalBenchResult> {
  const depth = opts.depth ?? 1;
  const dir = await mkdtemp(join(tmpdir(), 'keeldb-journal-bench-'));
  const children: ChildProcess[] = [];
  try {
    const rawP50 = await rawQuorumFsyncP50(dir, opts.bytes);
    const nodes = opts.nodes ?? (await startNodes(dir, opts.secret, children));
    const result = await measure(nodes, opts, depth, rawP50, children);
    printTable(result, depth, opts.seconds, opts.nodes ? 'running nodes' : 'three local log nodes');
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return result;
  } finally {
    for (const c of children) c.kill('SIGKILL');
    await Promise.all(children.map((c) => (c.exitCode !== null || c.signalCode !== null ? undefined : new Promise((r) => c.once('exit', r)))));
    await rm(dir, { recursive: true, force: true });
  }
}

async function rawQuorumFsyncP50(dir: string, bytes: number): Promise<number> {
  const files = await Promise.all([0, 1, 2].map((i) => open(join(dir, `raw-${i}`), 'w')));
  const data = Buffer.alloc(bytes, 0x61);
  const samples: number[] = [];
  const positions = [0, 0, 0];
  const end = performance.now() + rawMeasureMs;
  try {
    while (performance.now() < end) {
      const start = performance.now();
      await new Promise<void>((resolve, reject) => {
        let done = 0;
        files.forEach((f, i) => {
          const at = positions[i]!;
          positions[i] = at + bytes;
          f.write(data, 0, bytes, at)
            .then(() => f.datasync())
            .then(() => {
              if (++done === 2) resolve();
            }, reject);
        });
      });
      samples.push(performance.now() - start);
      // let the third fsync finish before the next round (a quorum writer does not pile up)
      await Promise.all(files.map((f) => f.datasync()));
    }
  } finally {
    await Promise.all(files.map((f) => f.close()));
  }
  return percentile(samples, 0.5);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

/** Starts three log nodes with this same CLI entry (dist or tsx) and waits until they listen. */
async function startNodes(dir: string, secret: string, children: ChildProcess[]): Promise<string[]> {
  const ports = [await freePort(), await freePort(), await freePort()];
  const addresses = ports.map((p) => `127.0.0.1:${p}`);
  const entry = process.argv[1]!;
  await Promise.all(
    [1, 2, 3].map((id) => {
      const peers = [1, 2, 3].filter((j) => j !== id).map((j) => `${j}=${addresses[j - 1]}`).join(',');
      const child = spawn(
        process.execPath,
        [...process.execArgv, entry, 'log-node', '--id', String(id), '--port', String(ports[id - 1]), '--dir', join(dir, `node-${id}`), '--peers', peers, '--secret', secret],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      children.push(child);
      child.stderr!.resume();
      return new Promise<void>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('listening on')) resolve();
        });
        child.once('exit', (code) => reject(new Error(`log node ${id} exited with ${code} before listening`)));
      });
    }),
  );
  return addresses;
}

/** CPU microseconds (user + system) a child process has used, from /proc; undefined if unknown. */
async function childCpuUs(child: ChildProcess): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${child.pid}/stat`, 'utf8');
    // Fields after the ")" that ends the command name: utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / clockTicksPerSecond;
  } catch {
    return undefined;
  }
}
/** USER_HZ: 100 on Linux whatever the kernel's HZ (what /proc/<pid>/stat counts in). */
const clockTicksPerSecond = 100;

async function measure(
  nodes: readonly string[],
  opts: JournalBenchOptions,
  depth: number,
  rawP50: number,
  children: readonly ChildProcess[],
): Promise<JournalBenchResult> {
  const clients = Array.from({ length: opts.clients }, () => new JournalClient({ nodes, secret: opts.secret, timeoutMs: 30_000 }));
  try {
    // The benchmark is a database leader: claim leadership, then append under its token.
    const setup = clients[0]!;
    let token = 0;
    for (let attempt = 0; token === 0; attempt++) {
      try {
        const { tailId } = await setup.tail();
        token = (await setup.append([{ type: RecordType.leadership, engineVersion: 1, payload: Buffer.from('bench') }], { afterId: tailId })).lastId;
      } catch (err) {
        if (attempt > 20) throw err;
      }
    }
    const payload = Buffer.alloc(opts.bytes, 0x62);
    const record = [{ type: RecordType.effects, engineVersion: 1, payload }];
    const latencies: number[] = [];
    let measuring = false;
    let stop = false;
    let count = 0;
    const loop = async (client: JournalClient): Promise<void> => {
      while (!stop) {
        const start = performance.now();
        await client.append(record, { leaderToken: token });
        if (measuring && !stop) {
          latencies.push(performance.now() - start);
          count++;
        }
      }
    };
    const loops = clients.flatMap((c) => Array.from({ length: depth }, () => loop(c)));
    await sleep(warmupMs);
    const nodeCpuBefore = await Promise.all(children.map(childCpuUs));
    const cpuBefore = process.cpuUsage();
    measuring = true;
    const start = performance.now();
    await sleep(opts.seconds * 1000);
    const elapsedS = (performance.now() - start) / 1000;
    measuring = false;
    const cpu = process.cpuUsage(cpuBefore);
    const nodeCpuAfter = await Promise.all(children.map(childCpuUs));
    stop = true;
    await Promise.all(loops);
    const appendsPerSec = count / elapsedS;
    return {
      appendsPerSec: round(appendsPerSec, 0),
      mbPerSec: round((appendsPerSec * opts.bytes) / 1e6, 2),
      p50Ms: round(percentile(latencies, 0.5), 3),
      p99Ms: round(percentile(latencies, 0.99), 3),
      rawQuorumFsyncP50Ms: round(rawP50, 3),
      clients: opts.clients,
      bytes: opts.bytes,
      clientCpuUsPerAppend: round((cpu.user + cpu.system) / Math.max(count, 1), 1),
      nodeCpuUsPerAppend: nodeCpuAfter
        .map((after, i) => (after === undefined || nodeCpuBefore[i] === undefined ? -1 : (after - nodeCpuBefore[i]!) / Math.max(count, 1)))
        .filter((us) => us >= 0)
        .sort((a, b) => b - a)
        .map((us) => round(us, 1)),
    };
  } finally {
    for (const c of clients) c.close();
  }
}

function printTable(r: JournalBenchResult, depth: number, seconds: number, target: string): void {
  const rows: [string, string][] = [
    ['target', target],
    ['clients x depth', `${r.clients} x ${depth}`],
    ['record bytes', String(r.bytes)],
    ['seconds', String(seconds)],
    ['appends/s', String(r.appendsPerSec)],
    ['MB/s', String(r.mbPerSec)],
    ['append p50 ms', String(r.p50Ms)],
    ['append p99 ms', String(r.p99Ms)],
    ['raw 2-of-3 fdatasync p50 ms', String(r.rawQuorumFsyncP50Ms)],
    ['p50 / raw', r.rawQuorumFsyncP50Ms > 0 ? (r.p50Ms / r.rawQuorumFsyncP50Ms).toFixed(2) : 'n/a'],
    ['client CPU us/append', String(r.clientCpuUsPerAppend)],
    ['log node CPU us/append', r.nodeCpuUsPerAppend.length > 0 ? r.nodeCpuUsPerAppend.join(' / ') : 'n/a'],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) process.stdout.write(`${k.padEnd(width)}  ${v}\n`);
}

function percentile(samples: number[], q: number): number {
  if (samples.length === 0) return 0;
  const sorted = Float64Array.from(samples).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
