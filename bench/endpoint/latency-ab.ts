// Tail latency and CPU per request of two KeelDB builds (or one build under two sets of
// node options), side by side, optionally with redis-server (benchmark process, main
// thread; the servers and redis-benchmark are child processes).
//
//   npm run build && npx tsx bench/endpoint/latency-ab.ts --keeldb A/bin/keeldb.js [--keeldb-b B/bin/keeldb.js]
//     [--node-args '...'] [--node-args-b '...'] [--keys 1000000] [--n 1000000] [--runs 3] [--tests set16,get16] [--redis]
//
// Issue 2's SET -P 16 p99 is set by the engine worker's GC pauses (every SET of a
// prefilled key makes a 100-byte string that survives into the old generation), so it
// needs the 1M prefilled keys and long runs to show; run.ts measures it too but
// against redis only, one build at a time. This runs redis-benchmark (-c 50 -d 100 -r
// KEYS --csv) on each target in turn, alternating the order per run, and reports per
// target the medians of p50, p99 and max latency (ms, redis-benchmark's), ops/s, and
// CPU µs per request of the process and of its busiest worker thread (the engine). On a
// shared machine, compare only the targets of one run with each other.
//
// Invariant: every process started here is stopped before exit (processes.ts).

import { Command } from 'commander';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchWorkspace, freePort, type Managed } from './processes.js';
import { benchmarkArgs, readyForBenchmark, redisServerArgs } from './cpu-runs.js';
import { cpuUs, threadCpuUs } from './proc-cpu.js';
import { positiveInt } from './options.js';
import { benchmarkCsvRow, median } from './bench-stats.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

const opts = new Command()
  .name('bench/endpoint/latency-ab.ts')
  .option('--keeldb <path>', 'build A entry (bin/keeldb.js)', join(repoRoot, 'bin/keeldb.js'))
  .option('--keeldb-b <path>', 'build B entry (default: build A again, e.g. with --node-args-b)', '')
  .option('--node-args <args>', 'node options for A (space-separated)', '')
  .option('--node-args-b <args>', 'node options for B (space-separated)', '')
  .option('--redis', 'also measure redis-server')
  .option('--keys <n>', 'keys prefilled and -r range', positiveInt, 1_000_000)
  .option('--n <n>', 'requests per redis-benchmark run', positiveInt, 1_000_000)
  .option('--runs <n>', 'runs per test and target (median reported)', positiveInt, 3)
  .option('--tests <list>', 'comma-separated of set16, get16, set1, get1', 'set16')
  .parse()
  .opts<{ keeldb: string; keeldbB: string; nodeArgs: string; nodeArgsB: string; redis?: boolean; keys: number; n: number; runs: number; tests: string }>();

interface Target {
  label: string;
  managed: Managed;
  port: number;
}

interface Row {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  cpuUs: number;
  engineUs: number;
}

const split = (s: string): string[] => s.split(' ').filter((a) => a !== '');

async function main(): Promise<void> {
  const { group, workDir, stop } = benchWorkspace('keeldb-latency-');
  try {
    const targets: Target[] = [];
    if (opts.redis === true) {
      const port = await freePort();
      targets.push({ label: 'redis', port, managed: group.start('redis', 'redis-server', redisServerArgs(port, workDir)) });
    }
    const builds = [{ label: 'A', entry: opts.keeldb, args: opts.nodeArgs }];
    if (opts.keeldbB !== '' || opts.nodeArgsB !== '') builds.push({ label: 'B', entry: opts.keeldbB !== '' ? opts.keeldbB : opts.keeldb, args: opts.nodeArgsB });
    for (const b of builds) {
      const port = await freePort();
      const managed = group.start(b.label, process.execPath, [...split(b.args), b.entry, 'server', '--port', String(port), '--journal', 'none'], repoRoot);
      targets.push({ label: b.label, managed, port });
    }
    for (const t of targets) await readyForBenchmark(t, opts.keys);
    const load0 = loadavg()[0]!;
    const rows = new Map<string, Row[]>();
    for (const test of opts.tests.split(',')) {
      const m = /^(get|set)(1|16)$/.exec(test);
      if (m === null) throw new Error(`unknown test ${test}`);
      for (let run = 0; run < opts.runs; run++) {
        for (const t of run % 2 === 0 ? targets : [...targets].reverse()) {
          const args = benchmarkArgs(t.port, opts.keys, opts.n, m[1]!, m[2]!);
          const before = cpuUs(`/proc/${t.managed.pid}/stat`);
          const thBefore = threadCpuUs(t.managed.pid);
          const out = await group.run('redis-benchmark', 'redis-benchmark', args, 600_000);
          const used = cpuUs(`/proc/${t.managed.pid}/stat`) - before;
          let engineUs = 0;
          for (const [name, us] of threadCpuUs(t.managed.pid)) if (name !== 'main') engineUs = Math.max(engineUs, us - (thBefore.get(name) ?? 0));
          const s = benchmarkCsvRow(out, m[1]!);
          const row = { rps: s.rps, p50Ms: s.p50Ms, p99Ms: s.p99Ms, maxMs: s.maxMs, cpuUs: used / opts.n, engineUs: t.label === 'redis' ? 0 : engineUs / opts.n };
          const key = `${test} ${t.label}`;
          (rows.get(key) ?? rows.set(key, []).get(key)!).push(row);
          process.stderr.write(`${key}: ${JSON.stringify(row)}\n`);
        }
      }
    }
    console.log(`\nmedians of ${opts.runs} (keys ${opts.keys}, -n ${opts.n}); load ${load0.toFixed(1)} -> ${loadavg()[0]!.toFixed(1)}; A: ${opts.keeldb} ${opts.nodeArgs}; B: ${opts.keeldbB} ${opts.nodeArgsB}`);
    console.log('| test | target | ops/s | p50 ms | p99 ms | max ms | CPU µs/req | engine thread µs/req |');
    console.log('|---|---|---:|---:|---:|---:|---:|---:|');
    for (const [key, rs] of rows) {
      const f = (pick: (r: Row) => number, d: number): string => median(rs.map(pick)).toFixed(d);
      const [test, label] = key.split(' ');
      console.log(`| ${test} | ${label} | ${f((r) => r.rps, 0)} | ${f((r) => r.p50Ms, 3)} | ${f((r) => r.p99Ms, 3)} | ${f((r) => r.maxMs, 1)} | ${f((r) => r.cpuUs, 2)} | ${f((r) => r.engineUs, 2)} |`);
    }
  } finally {
    await stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
