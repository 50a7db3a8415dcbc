// What the side-by-side CPU benches share (benchmark process, main thread; the servers
// and redis-benchmark are child processes): cpu-per-request, handoff-stats,
// main-thread-cpu, main-thread-floor and latency-ab all start servers, wait for them,
// prefill redis-benchmark's key range and time redis-benchmark runs of the same shape
// (-c 50 -d 100 -r KEYS). One copy, so their figures stay comparable with each other
// and with RESULTS.md.

import type { Managed } from './processes.js';
import { prefill, waitForPong } from './resp-client.js';

/** One redis-benchmark test a --tests list can name: its key there, its row name, -t and -P. */
export interface BenchmarkTest {
  key: string;
  name: string;
  t: string;
  p: number;
}

const knownTests: readonly BenchmarkTest[] = [
  { key: 'get16', name: 'GET -P 16', t: 'get', p: 16 },
  { key: 'set16', name: 'SET -P 16', t: 'set', p: 16 },
  { key: 'get1', name: 'GET -P 1', t: 'get', p: 1 },
  { key: 'set1', name: 'SET -P 1', t: 'set', p: 1 },
  // Issue 6's targets: redis-benchmark's own keys and values.
  { key: 'lpush16', name: 'LPUSH -P 16', t: 'lpush', p: 16 },
  { key: 'lpop16', name: 'LPOP -P 16', t: 'lpop', p: 16 },
  { key: 'sadd16', name: 'SADD -P 16', t: 'sadd', p: 16 },
  { key: 'hset16', name: 'HSET -P 16', t: 'hset', p: 16 },
  { key: 'zadd16', name: 'ZADD -P 16', t: 'zadd', p: 16 },
  { key: 'lrange16', name: 'LRANGE_100 -P 16', t: 'lrange_100', p: 16 },
];

/** The tests of `order` (a bench's own row order) that the comma-separated `list` names. */
export function selectTests(order: readonly string[], list: string): BenchmarkTest[] {
  const wanted = list.split(',');
  return order.filter((key) => wanted.includes(key)).map((key) => {
    const test = knownTests.find((x) => x.key === key);
    if (test === undefined) throw new Error(`selectTests: no test '${key}'`);
    return test;
  });
}

/** redis-server's arguments for a bench: this port, loopback only, no persistence, files in `workDir`. */
export function redisServerArgs(port: number, workDir: string): string[] {
  return ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', workDir];
}

/**
 * Waits until the server answers PING (failing with its exit status and output if it
 * died), then, unless `keys` is null, prefills redis-benchmark's -r range with 100-byte values.
 */
export async function readyForBenchmark(t: { port: number; managed: Managed }, keys: number | null): Promise<void> {
  await waitForPong(t.port, 30_000, () => (t.managed.exitStatus() === null ? null : `${t.managed.exitStatus()}: ${t.managed.output()}`));
  if (keys !== null) await prefill(t.port, keys, 100, 10_000, () => {});
}

/** redis-benchmark's arguments for one run of `n` requests of -t `t` -P `p` against `port`. */
export function benchmarkArgs(port: number, keys: number, n: number, t: string, p: number | string): string[] {
  return ['-h', '127.0.0.1', '-p', String(port), '-c', '50', '-d', '100', '-r', String(keys), '-n', String(n), '--csv', '-t', t, '-P', String(p)];
}
