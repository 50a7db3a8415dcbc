// The floor of a quorum append on this machine: what the log's protocol shape costs
// before any of KeelDB's own work. Three minimal Node processes stand in for the log
// nodes (each: a TCP server that writes every frame it gets with one O_DSYNC pwrite into
// a preallocated file, inline, as our log nodes do when the disk is idle, then answers);
// a client keeps ONE append in flight (as SET -P 1 does) and times each round trip.
//
//   npx tsx bench/journal/append-floor.ts [--n 3000] [--bytes 6000] [--runs 3] [--shapes single,fanout,relay] [--no-disk]
//       [--pause-ms 0]   (idle time between appends: 2 paces them near the real log nodes' rate)
//
// Shapes (same processes, same disk, alternating, medians of --runs):
//   single  client -> one node -> pwrite -> ack            (redis --appendfsync always's shape: one
//                                                            durable write per cycle, one process)
//   fanout  client -> all three nodes at once -> 2 of 3 acks (a writer-driven quorum: 2 hops)
//   relay   client -> leader -> both followers; the leader  (Raft's shape, what the journal does:
//           writes its own copy, then acks the client once  4 hops, the follower's write between)
//           its write and one follower's are done
// Printed: the append round trip p50 / p99 in ms and CPU µs per append of each node
// (utime + stime from /proc, so a node's wake-ups, syscalls and the pwrite's kernel time).
// The nodes do nothing else (no checksum, no Raft state, no decode), so a shape's figure
// is a lower bound for any log built in Node on this host in that shape.
// The rate matters, not only the shape: back to back, appends come every ~0.5 ms, but the
// real log nodes under SET -P 1 see one every ~2 ms (the writer waits for a group), and a
// durable write costs more CPU when writes are spaced (ext4 updates the file's mtime at
// most once per jiffy, and an O_DSYNC write after an mtime change also writes the inode
// block: 46 µs of CPU per 6 KB write back to back, 101-143 µs at 1-5 ms apart, session
// 10), and a woken process finds its caches cold. --pause-ms compares like with like.
//
// Invariant: every child started here is killed before exit, on success, error or signal.

import { fork, type ChildProcess } from 'node:child_process';
import { closeSync, constants, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { nonNegativeInt, positiveInt } from '../endpoint/options.js';

const fileBytes = 64 * 1024 * 1024;
const headerBytes = 8; // [u32 frame bytes][u32 seq]

/** Cuts frames out of a byte stream; calls `onFrame` with each whole frame (a view). */
function frameSplitter(onFrame: (frame: Buffer) => void): (chunk: Buffer) => void {
  let pending: Buffer | null = null;
  return (chunk: Buffer) => {
    let buf = pending === null ? chunk : Buffer.concat([pending, chunk]);
    pending = null;
    while (buf.byteLength >= 4) {
      const n = buf.readUInt32LE(0);
      if (buf.byteLength < n) break;
      onFrame(buf.subarray(0, n));
      buf = buf.subarray(n);
    }
    if (buf.byteLength > 0) pending = Buffer.from(buf);
  };
}

function ackFrame(seq: number): Buffer {
  const b = Buffer.allocUnsafe(headerBytes);
  b.writeUInt32LE(headerBytes, 0);
  b.writeUInt32LE(seq, 4);
  return b;
}

// ---- node role (a child process) -------------------------------------------------------

function runNode(dir: string, followerPorts: number[], disk: boolean): void {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'log');
  const plain = openSync(path, 'w');
  const zeros = Buffer.alloc(1024 * 1024);
  for (let at = 0; at < fileBytes; at += zeros.byteLength) writeSync(plain, zeros, 0, zeros.byteLength, at);
  closeSync(plain);
  const fd = openSync(path, constants.O_WRONLY | constants.O_DSYNC);
  let offset = 0;
  const durableWrite = (frame: Buffer): void => {
    if (!disk) return;
    if (offset + frame.byteLength > fileBytes) offset = 0;
    let done = 0;
    while (done < frame.byteLength) done += writeSync(fd, frame, done, frame.byteLength - done, offset + done);
    offset += frame.byteLength;
  };

  // Relay leader state: per seq, whether our write and a follower's ack are in.
  const followers: Socket[] = [];
  const waiting = new Map<number, { client: Socket; acks: number; written: boolean }>();
  const maybeAck = (seq: number): void => {
    const w = waiting.get(seq);
    if (w === undefined || !w.written || w.acks < 1) return;
    waiting.delete(seq);
    w.client.write(ackFrame(seq));
  };
  for (const port of followerPorts) {
    const s = connect(port, '127.0.0.1');
    s.setNoDelay(true);
    s.on('data', frameSplitter((f) => {
      const seq = f.readUInt32LE(4);
      const w = waiting.get(seq);
      if (w !== undefined) w.acks++;
      maybeAck(seq);
    }));
    followers.push(s);
  }

  const server = createServer((client) => {
    client.setNoDelay(true);
    client.on('data', frameSplitter((frame) => {
      const seq = frame.readUInt32LE(4);
      if (followers.length === 0) {
        durableWrite(frame);
        client.write(ackFrame(seq));
        return;
      }
      // Relay: hand the frame to the kernel for both followers first, then write our
      // copy while they write theirs (the journal's leader does the same).
      const copy = Buffer.from(frame);
      waiting.set(seq, { client, acks: 0, written: false });
      for (const f of followers) f.write(copy);
      durableWrite(frame);
      waiting.get(seq)!.written = true;
      maybeAck(seq);
    }));
    client.on('error', () => client.destroy());
  });
  server.listen(0, '127.0.0.1', () => {
    const addr = server.address();
    process.send!({ port: typeof addr === 'object' && addr !== null ? addr.port : 0 });
  });
  process.on('disconnect', () => process.exit(0));
}

// ---- client role (the benchmark process) -----------------------------------------------

interface Node { child: ChildProcess; port: number; dir: string }

const children: ChildProcess[] = [];
let noDisk = false;
function killAll(): void {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
}
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => { killAll(); process.exit(1); });

async function startNode(root: string, name: string, followerPorts: number[] = []): Promise<Node> {
  const dir = join(root, name);
  const child = fork(process.argv[1]!, ['--role-node', dir, '--followers', followerPorts.join(','), ...(noDisk ? ['--no-disk'] : [])], { stdio: 'inherit' });
  children.push(child);
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`node ${name} exited ${code}`)));
  });
  return { child, port, dir };
}

function cpuUs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10_000; // clock ticks of 10 ms
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

interface Result { p50Ms: number; p99Ms: number; cpuUsPerAppend: number[] }

/** Sends `n` appends one at a time to `targets`; each completes after `quorum` acks. */
async function drive(targets: number[], quorum: number, n: number, bytes: number, pids: number[], pauseMs: number): Promise<Result> {
  const sockets = await Promise.all(targets.map((port) => new Promise<Socket>((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.setNoDelay(true);
    s.once('error', reject);
  })));
  const payload = Buffer.alloc(bytes, 0x61);
  payload.writeUInt32LE(bytes, 0);
  const latencies: number[] = [];
  let seq = 0;
  let acks = 0;
  let started = 0n;
  let done: (() => void) | null = null;
  for (const s of sockets) {
    s.on('data', frameSplitter((f) => {
      if (f.readUInt32LE(4) !== seq) return; // a late ack of an append already complete
      if (++acks === quorum) done!();
    }));
  }
  const one = (): Promise<void> => new Promise((resolve) => {
    seq++;
    acks = 0;
    payload.writeUInt32LE(seq, 4);
    done = resolve;
    started = process.hrtime.bigint();
    for (const s of sockets) s.write(payload);
  });
  for (let i = 0; i < Math.min(200, n); i++) await one(); // warm-up: JIT, TCP windows
  const cpu0 = pids.map(cpuUs);
  for (let i = 0; i < n; i++) {
    await one();
    latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
  const cpu1 = pids.map(cpuUs);
  for (const s of sockets) s.destroy();
  latencies.sort((a, b) => a - b);
  return { p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99), cpuUsPerAppend: cpu1.map((c, i) => (c - cpu0[i]!) / n) };
}

async function main(): Promise<void> {
  const opts = new Command()
    .name('bench/journal/append-floor.ts')
    .option('--n <n>', 'appends per run', positiveInt, 3000)
    .option('--bytes <n>', 'bytes per append (6000 is ~40 SET -d 100 effect records)', positiveInt, 6000)
    .option('--runs <n>', 'runs per shape (median reported)', positiveInt, 3)
    .option('--shapes <list>', 'comma-separated subset of single,fanout,relay', 'single,fanout,relay')
    .option('--no-disk', 'nodes answer without writing (what the messages alone cost)')
    .option('--pause-ms <n>', 'idle milliseconds after each append (paces the appends; 0: back to back)', nonNegativeInt, 0)
    .parse()
    .opts<{ n: number; bytes: number; runs: number; shapes: string; disk: boolean; pauseMs: number }>();
  noDisk = !opts.disk;
  if (opts.bytes < headerBytes) throw new Error(`--bytes must be at least ${headerBytes}`);
  const shapes = opts.shapes.split(',');
  for (const s of shapes) if (!['single', 'fanout', 'relay'].includes(s)) throw new Error(`unknown shape '${s}'`);

  const root = mkdtempSync(join(tmpdir(), 'keeldb-append-floor-'));
  try {
    console.error(`starting 6 node processes in ${root} (each preallocates ${fileBytes / 1024 / 1024} MiB)`);
    // Three standalone nodes (single, fanout) and a relay trio (leader -> two followers).
    const plain = [await startNode(root, 'a'), await startNode(root, 'b'), await startNode(root, 'c')];
    const f1 = await startNode(root, 'f1', []);
    const f2 = await startNode(root, 'f2', []);
    const leader = await startNode(root, 'leader', [f1.port, f2.port]);
    const results = new Map<string, Result[]>();
    const load0 = loadavg()[0]!;
    for (let run = 0; run < opts.runs; run++) {
      for (const shape of run % 2 === 0 ? shapes : [...shapes].reverse()) {
        const r = shape === 'single'
          ? await drive([plain[0]!.port], 1, opts.n, opts.bytes, [plain[0]!.child.pid!], opts.pauseMs)
          : shape === 'fanout'
            ? await drive(plain.map((p) => p.port), 2, opts.n, opts.bytes, plain.map((p) => p.child.pid!), opts.pauseMs)
            : await drive([leader.port], 1, opts.n, opts.bytes, [leader.child.pid!, f1.child.pid!, f2.child.pid!], opts.pauseMs);
        console.error(`run ${run + 1}/${opts.runs} ${shape}: p50 ${r.p50Ms.toFixed(3)} ms, p99 ${r.p99Ms.toFixed(3)} ms, CPU µs/append ${r.cpuUsPerAppend.map((c) => c.toFixed(0)).join(' / ')}`);
        results.set(shape, [...(results.get(shape) ?? []), r]);
      }
    }
    const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    console.log(`\nappend floor${noDisk ? ' (--no-disk: no write)' : ''}: ${opts.n} appends of ${opts.bytes} bytes, one in flight${opts.pauseMs > 0 ? `, ${opts.pauseMs} ms apart` : ''}, medians of ${opts.runs} runs; load ${load0.toFixed(1)} -> ${loadavg()[0]!.toFixed(1)}`);
    console.log('| shape | p50 ms | p99 ms | CPU µs per append, per node | CPU µs per append, all nodes |');
    console.log('|---|---:|---:|---|---:|');
    for (const shape of shapes) {
      const rs = results.get(shape)!;
      const perNode = rs[0]!.cpuUsPerAppend.map((_, i) => med(rs.map((r) => r.cpuUsPerAppend[i]!)));
      const names = shape === 'relay' ? ['leader', 'follower', 'follower'] : perNode.map(() => 'node');
      console.log(`| ${shape} | ${med(rs.map((r) => r.p50Ms)).toFixed(3)} | ${med(rs.map((r) => r.p99Ms)).toFixed(3)} | ` +
        `${perNode.map((c, i) => `${names[i]} ${c.toFixed(0)}`).join(', ')} | ${med(rs.map((r) => r.cpuUsPerAppend.reduce((a, b) => a + b, 0))).toFixed(0)} |`);
    }
  } finally {
    killAll();
    rmSync(root, { recursive: true, force: true });
  }
}

const roleAt = process.argv.indexOf('--role-node');
if (roleAt >= 0) {
  const followersAt = process.argv.indexOf('--followers');
  const list = followersAt >= 0 ? process.argv[followersAt + 1] ?? '' : '';
  runNode(process.argv[roleAt + 1]!, list === '' ? [] : list.split(',').map(Number), !process.argv.includes('--no-disk'));
} else {
  main().catch((err: unknown) => { console.error(err); killAll(); process.exit(1); });
}
