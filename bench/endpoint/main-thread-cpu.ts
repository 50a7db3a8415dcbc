// The io-mux main thread's CPU per request, A/B of two KeelDB builds (benchmark process,
// main thread; the servers and redis-benchmark are child processes).
//
//   npx tsx bench/endpoint/main-thread-cpu.ts --a <base/bin/keeldb.js> --b <new/bin/keeldb.js> [--runs 3] [--tests get16,set16,get1,set1]
//
// cpu-per-request.ts reports whole-process medians and the threads of the last run
// only; this reports the median over runs of each thread that matters for the io-mux:
// the main thread (socket reads, parsing, reply writes) and the engine worker (the
// busiest 'node' thread). Same load as cpu-per-request.ts (-c 50 -d 100 -r KEYS, keys
// prefilled), the two builds measured alternately so the machine's load hits both.
//
// Invariant: every process started here is stopped before exit (processes.ts).

import { Command } from 'commander';
import { loadavg } from 'node:os';
import { benchWorkspace, freePort, type Managed } from './processes.js';
import { benchmarkArgs, readyForBenchmark, selectTests } from './cpu-runs.js';
import { threadCpuUs } from './proc-cpu.js';
import { positiveInt } from './options.js';
import { median } from './bench-stats.js';

const program = new Command()
  .name('bench/endpoint/main-thread-cpu.ts')
  .requiredOption('--a <path>', 'the first keeldb entry (bin/keeldb.js of a build)')
  .requiredOption('--b <path>', 'the second keeldb entry')
  .option('--keys <n>', 'keys prefilled and -r range', positiveInt, 100_000)
  .option('--n16 <n>', 'requests per -P 16 run', positiveInt, 400_000)
  .option('--n1 <n>', 'requests per -P 1 run', positiveInt, 100_000)
  .option('--runs <n>', 'runs per test (medians reported)', positiveInt, 3)
  .option('--tests <list>', 'comma-separated subset of get16,set16,get1,set1', 'get16,set16,get1,set1')
  .parse();
const opts = program.opts<{ a: string; b: string; keys: number; n16: number; n1: number; runs: number; tests: string }>();

const tests = selectTests(['get16', 'set16', 'get1', 'set1'], opts.tests);


interface Target {
  label: 'a' | 'b';
  managed: Managed;
  port: number;
}

/** Main thread and busiest worker thread µs/req of one run. */
function threadsPerRequest(before: Map<string, number>, after: Map<string, number>, n: number): { main: number; worker: number } {
  let worker = 0;
  for (const [name, us] of after) {
    if (name === 'main' || !name.startsWith('node#')) continue;
    worker = Math.max(worker, (us - (before.get(name) ?? 0)) / n);
  }
  return { main: ((after.get('main') ?? 0) - (before.get('main') ?? 0)) / n, worker };
}

async function main(): Promise<void> {
  const { group, workDir, stop } = benchWorkspace('keeldb-main-cpu-');
  try {
    const targets: Target[] = [];
    for (const [label, entry] of [['a', opts.a], ['b', opts.b]] as const) {
      const port = await freePort();
      const managed = group.start(`keeldb-${label}`, process.execPath, [entry, 'server', '--port', String(port), '--journal', 'none'], workDir);
      targets.push({ label, managed, port });
    }
    for (const t of targets) await readyForBenchmark(t, opts.keys);
    const load0 = loadavg()[0]!;
    const rows: string[] = [];
    for (const test of tests) {
      const n = test.p === 16 ? opts.n16 : opts.n1;
      const samples = { a: { main: [] as number[], worker: [] as number[] }, b: { main: [] as number[], worker: [] as number[] } };
      for (let run = 0; run < opts.runs; run++) {
        for (const t of run % 2 === 0 ? targets : [...targets].reverse()) {
          const args = benchmarkArgs(t.port, opts.keys, n, test.t, test.p);
          const before = threadCpuUs(t.managed.pid);
          await group.run('redis-benchmark', 'redis-benchmark', args, 600_000);
          const r = threadsPerRequest(before, threadCpuUs(t.managed.pid), n);
          samples[t.label].main.push(r.main);
          samples[t.label].worker.push(r.worker);
          process.stderr.write(`${test.name} ${t.label}: main ${r.main.toFixed(2)}, engine worker ${r.worker.toFixed(2)} µs/req\n`);
        }
      }
      const [am, bm] = [median(samples.a.main), median(samples.b.main)];
      rows.push(`| ${test.name} | ${am.toFixed(2)} | ${bm.toFixed(2)} | ${(bm / am).toFixed(2)} | ${median(samples.a.worker).toFixed(2)} | ${median(samples.b.worker).toFixed(2)} |`);
    }
    console.log(`\nThread CPU µs per request, medians of ${opts.runs}; load ${load0.toFixed(1)} -> ${loadavg()[0]!.toFixed(1)}`);
    console.log('| test | main a | main b | b/a | engine worker a | engine worker b |');
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const r of rows) console.log(r);
  } finally {
    await stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
