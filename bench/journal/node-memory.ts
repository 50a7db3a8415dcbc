// How each log node's memory grows with its log: runs a durable KeelDB (three log nodes
// and a server, bench/durability/cluster.ts) through phases of redis-benchmark SETs and
// prints every node's RSS and RssAnon (/proc/PID/status) after each phase, then after
// an idle pause. Issue 4's lead 1 (session 9): a node's RSS rose from ~55 MB to ~400 MB
// over 1.2M small SETs and 123 MB of 4 KiB values, and stayed there idle.
//
//   npx tsc -p tsconfig.json && npx tsx bench/journal/node-memory.ts [--keeldb <bin/keeldb.js>]
//       [--small 1200000] [--big 30000] [--idle-s 20] [--node-args '...']
//
// Phases: SET -c 50 -d 100 -P 16 -r 1000000 (--small requests), SET -c 50 -d 4096 -P 16
// (--big requests), then --idle-s seconds with no load. Memory is mostly a property of
// the build, not of the machine's load, so this needs no A/B alternation; CPU is not
// measured. Peak RSS is VmHWM: glibc keeps a freed chunk below the top of its heap
// resident, so a node's RSS stays near its peak. With --node-args
// '--heapsnapshot-signal=SIGUSR2' every node writes a heap snapshot (into the current
// directory) after the idle pause, which is what showed session 9's leak (Raft's entry
// cache kept evicted entries); with '--trace-gc' the tail of each node's GC log is printed.
//
// Invariant: every process started here is stopped before exit (benchWorkspace).

import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchWorkspace } from '../endpoint/processes.js';
import { waitForPong } from '../endpoint/resp-client.js';
import { positiveInt } from '../endpoint/options.js';
import { startDurableCluster } from '../durability/cluster.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

const opts = new Command()
  .name('bench/journal/node-memory.ts')
  .option('--keeldb <path>', 'the keeldb entry to run', join(repoRoot, 'bin/keeldb.js'))
  .option('--small <n>', 'SET -d 100 -P 16 requests', positiveInt, 1_200_000)
  .option('--big <n>', 'SET -d 4096 -P 16 requests', positiveInt, 30_000)
  .option('--idle-s <s>', 'seconds of idle before the last reading', positiveInt, 20)
  .option('--node-args <args>', 'extra node flags for the log nodes (space-separated)', '')
  .parse()
  .opts<{ keeldb: string; small: number; big: number; idleS: number; nodeArgs: string }>();

/** VmRSS, RssAnon and VmHWM (peak RSS) of a process, MB. */
function memoryOf(pid: number): { rss: number; anon: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, anon: kb('RssAnon') / 1024, peak: kb('VmHWM') / 1024 };
}

async function main(): Promise<void> {
  const { group, workDir, stop } = benchWorkspace('keeldb-node-memory-');
  try {
    const nodeArgs = (): string[] => (opts.nodeArgs === '' ? [] : opts.nodeArgs.split(' '));
    const { port, nodes, dead } = await startDurableCluster(group, workDir, repoRoot, { keeldb: opts.keeldb, secret: 'node-memory', nodeArgs });
    await waitForPong(port, 60_000, dead);
    const report = (phase: string): void => {
      const cells = nodes.map((m) => {
        const { rss, anon, peak } = memoryOf(m.pid);
        return `${rss.toFixed(0)}/${anon.toFixed(0)}/${peak.toFixed(0)}`;
      });
      console.log(`${phase.padEnd(28)} RSS/RssAnon/peak RSS MB per node: ${cells.join('  ')}`);
    };
    const bench = (n: number, bytes: number): Promise<unknown> =>
      group.run('redis-benchmark', 'redis-benchmark', ['-h', '127.0.0.1', '-p', String(port), '-c', '50', '-d', String(bytes),
        '-r', '1000000', '-n', String(n), '-t', 'set', '-P', '16', '-q'], 1_200_000);
    console.log(`node-memory: ${opts.keeldb}`);
    report('start');
    await bench(opts.small, 100);
    report(`after ${opts.small} SET -d 100`);
    await bench(opts.big, 4096);
    report(`after ${opts.big} SET -d 4096`);
    await new Promise((resolve) => setTimeout(resolve, opts.idleS * 1000));
    report(`after ${opts.idleS} s idle`);
    if (opts.nodeArgs.includes('--heapsnapshot-signal=SIGUSR2')) {
      for (const m of nodes) process.kill(m.pid, 'SIGUSR2');
      await new Promise((resolve) => setTimeout(resolve, 20_000));
      report('after a heap snapshot (GC)');
    }
    if (opts.nodeArgs.includes('--trace-gc')) for (const m of nodes) console.log(`${m.name}:\n${m.output().split('\n').slice(-4).join('\n')}`);
  } finally {
    await stop();
  }
}

await main();
