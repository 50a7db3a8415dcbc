// Where the io-mux main thread's CPU per request goes, against a floor (benchmark
// process, main thread; the servers and redis-benchmark are child processes).
//
//   npx tsx bench/endpoint/main-thread-floor.ts [--keeldb <build>/bin/keeldb.js] [--runs 3] [--tests get1,set1,get16,set16]
//
// Three servers under the same redis-benchmark load (-c 50 -d 100 -r KEYS, keys
// prefilled where they are stored), measured alternately: redis-server; floor-server.ts
// (the io-mux's own Connection, its reads, parser and direct writes, with canned replies
// at the end of each event-loop turn and no engine); and KeelDB (--journal none). For
// each: the main thread's CPU µs per request (utime+stime from /proc), medians of the
// runs. KeelDB's main thread minus the floor's is what the hand-off to the engine (batch
// records, the ring, the wake, the reply drain) costs the main thread; the floor minus
// redis-server's main thread is what Node's socket callbacks and our per-connection JS
// cost over Redis's C (both do one read and one write per request at -P 1: strace -f -c).
//
// Invariant: every process started here is stopped before exit (processes.ts).

import { Command } from 'commander';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchWorkspace, freePort, type Managed } from './processes.js';
import { benchmarkArgs, readyForBenchmark, redisServerArgs, selectTests } from './cpu-runs.js';
import { threadCpuUs } from './proc-cpu.js';
import { positiveInt } from './options.js';
import { median } from './bench-stats.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

const opts = new Command()
  .name('bench/endpoint/main-thread-floor.ts')
  .option('--keeldb <path>', 'the keeldb entry to run', join(repoRoot, 'bin/keeldb.js'))
  .option('--keys <n>', 'keys prefilled (redis, KeelDB) and -r range', positiveInt, 100_000)
  .option('--n16 <n>', 'requests per -P 16 run', positiveInt, 400_000)
  .option('--n1 <n>', 'requests per -P 1 run', positiveInt, 100_000)
  .option('--runs <n>', 'runs per test (medians reported)', positiveInt, 3)
  .option('--tests <list>', 'comma-separated subset of get1,set1,get16,set16', 'get1,set1,get16,set16')
  .parse()
  .opts<{ keeldb: string; keys: number; n16: number; n1: number; runs: number; tests: string }>();

const tests = selectTests(['get1', 'set1', 'get16', 'set16'], opts.tests);

type Label = 'redis' | 'floor' | 'keeldb';

interface Target {
  label: Label;
  managed: Managed;
  port: number;
}

async function main(): Promise<void> {
  const { group, workDir, stop } = benchWorkspace('keeldb-floor-');
  try {
    const targets: Target[] = [];
    const start = async (label: Label, command: string, args: (port: number) => string[]): Promise<void> => {
      const port = await freePort();
      targets.push({ label, managed: group.start(label, command, args(port), repoRoot), port });
    };
    await start('redis', 'redis-server', (port) => redisServerArgs(port, workDir));
    await start('floor', process.execPath, (port) => ['--import', 'tsx', join(repoRoot, 'bench/endpoint/floor-server.ts'), '--port', String(port)]);
    await start('keeldb', process.execPath, (port) => [opts.keeldb, 'server', '--port', String(port), '--journal', 'none']);
    for (const t of targets) await readyForBenchmark(t, t.label !== 'floor' ? opts.keys : null);
    const load0 = loadavg()[0]!;
    const samples = new Map<string, number[]>();
    for (const test of tests) {
      const n = test.p === 16 ? opts.n16 : opts.n1;
      for (let run = 0; run < opts.runs; run++) {
        for (const t of run % 2 === 0 ? targets : [...targets].reverse()) {
          const args = benchmarkArgs(t.port, opts.keys, n, test.t, test.p);
          const before = threadCpuUs(t.managed.pid).get('main') ?? 0;
          await group.run('redis-benchmark', 'redis-benchmark', args, 600_000);
          const us = ((threadCpuUs(t.managed.pid).get('main') ?? 0) - before) / n;
          const key = `${test.key} ${t.label}`;
          (samples.get(key) ?? samples.set(key, []).get(key)!).push(us);
          process.stderr.write(`${test.name} ${t.label}: main thread ${us.toFixed(2)} µs/req\n`);
        }
      }
    }
    console.log(`\nMain thread CPU µs per request, medians of ${opts.runs}; load ${load0.toFixed(1)} -> ${loadavg()[0]!.toFixed(1)}; keeldb: ${opts.keeldb}`);
    console.log('| test | redis-server | floor (Connection, no engine) | KeelDB | floor - redis | KeelDB - floor (the hand-off) |');
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const test of tests) {
      const [r, f, k] = (['redis', 'floor', 'keeldb'] as const).map((l) => median(samples.get(`${test.key} ${l}`)!));
      console.log(`| ${test.name} | ${r!.toFixed(2)} | ${f!.toFixed(2)} | ${k!.toFixed(2)} | ${(f! - r!).toFixed(2)} | ${(k! - f!).toFixed(2)} |`);
    }
  } finally {
    await stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
