// Memory of a large sorted set, KeelDB's RZSet vs redis-server 7.0's skiplist encoding
// (bench process; starts and stops its own redis-server on a free port, 127.0.0.1).
//
//   node --expose-gc --import tsx bench/engine/zset-memory.ts [members]   (default 1_000_000)
//   KEELDB_BENCH_SMALL=1 ... runs 20_000 members (the CI mode).
//
// Both sides get the same members ("member:<i>") and scores (i * 1.5, a third of them
// repeated so ties are ordered by member). KeelDB's cost is the growth of V8's heap plus
// array buffers (the skiplist's typed arrays live there) across building the set, after a
// full GC; Redis's is the growth of INFO memory's used_memory across the ZADDs.
// Issue 6's target: KeelDB <= 3 x Redis.

import { spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { Redis } from 'ioredis';
import { RZSet } from '../../src/engine/types/zset.js';

const count = process.env.KEELDB_BENCH_SMALL === '1' ? 20_000 : Number(process.argv[2] ?? 1_000_000);
const batch = 1000;
const memberOf = (i: number): string => `member:${i}`;
const scoreOf = (i: number): number => (i % 3 === 0 ? 7 : i * 1.5);

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g === undefined) throw new Error('run with node --expose-gc');
  g();
  g();
}

function usedBytes(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const sock = connect(port, '127.0.0.1');
      sock.once('connect', () => {
        sock.destroy();
        resolve(true);
      });
      sock.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`redis-server did not listen on ${port}`);
}

function keeldbBytes(): number {
  gc();
  const before = usedBytes();
  const z = new RZSet(false);
  const limits = { zsetMaxListpackEntries: 128, zsetMaxListpackValue: 64 };
  for (let i = 0; i < count; i++) z.insert(memberOf(i), scoreOf(i), limits);
  gc();
  const after = usedBytes();
  if (z.size !== count) throw new Error('lost members');
  (globalThis as { keep?: unknown }).keep = z;
  return after - before;
}

async function redisBytes(): Promise<number> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  try {
    await waitForPort(port);
    const r = new Redis({ port, host: '127.0.0.1' });
    const used = async (): Promise<number> => Number(/used_memory:(\d+)/.exec(await r.info('memory'))![1]);
    await r.zadd('z', 0, 'warm');
    await r.zrem('z', 'warm');
    const before = await used();
    for (let i = 0; i < count; i += batch) {
      const args: (string | number)[] = [];
      for (let j = i; j < Math.min(count, i + batch); j++) args.push(scoreOf(j), memberOf(j));
      await r.zadd('z', ...args);
    }
    const after = await used();
    if ((await r.zcard('z')) !== count) throw new Error('redis lost members');
    r.disconnect();
    return after - before;
  } finally {
    child.kill('SIGKILL');
  }
}

const k = keeldbBytes();
const r = await redisBytes();
const mb = (b: number): string => (b / 1024 / 1024).toFixed(1);
console.log(`sorted set of ${count} members: keeldb ${mb(k)} MiB (${(k / count).toFixed(1)} B/member), redis-server ${mb(r)} MiB (${(r / count).toFixed(1)} B/member), ratio ${(k / r).toFixed(2)}x (target <= 3x)`);
