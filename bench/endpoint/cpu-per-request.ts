// CPU time per request of KeelDB and redis-server, side by side (benchmark process, main
// thread; the servers and redis-benchmark are child processes).
//
//   npm run build && npx tsx bench/endpoint/cpu-per-request.ts [--keys 100000] [--n16 400000] [--n1 100000] [--runs 1]
//   (A/B of two builds: --keeldb <a/bin/keeldb.js> --keeldb-b <b/bin/keeldb.js>, measured alternately)
//
// On this shared 2-core machine ops/s moves with everyone else's load; the CPU a server
// spends per request barely does. So for GET and SET at -P 16 and -P 1 (-c 50 -d 100
// -r KEYS, keys prefilled) this reads the server process's utime+stime from
// /proc/PID/stat before and after one redis-benchmark run and divides by the request
// count. The whole process is counted (for KeelDB: main thread, engine worker, GC
// helper threads); per-thread figures (/proc/PID/task/TID/stat, by thread name) show
// where KeelDB's time goes (from the last run of each test). Reported: µs per request for each, and the ratio
// KeelDB/redis (lower is better; the ops/s targets need about 1/0.7 ≈ 1.4 at -P 16,
// given that KeelDB and redis-benchmark share the machine's 2 cores).
//
// Invariant: every process started here is stopped before exit (processes.ts).

import { Command } from 'commander';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchWorkspace, freePort, type Managed } from './processes.js';
import { benchmarkArgs, readyForBenchmark, redisServerArgs, selectTests } from './cpu-runs.js';
import { cpuUs, threadCpuUs } from './proc-cpu.js';
import { positiveInt } from './options.js';
import { median } from './bench-stats.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

const program = new Command()
  .name('bench/endpoint/cpu-per-request.ts')
  .option('--keys <n>', 'keys prefilled and -r range', positiveInt, 100_000)
  .option('--n16 <n>', 'requests per -P 16 run', positiveInt, 400_000)
  .option('--n1 <n>', 'requests per -P 1 run', positiveInt, 100_000)
  .option('--runs <n>', 'runs per test (median reported)', positiveInt, 1)
  .option('--tests <list>', 'comma-separated subset of get16,set16,get1,set1 (default) and lpush16,lpop16,sadd16,hset16,zadd16,lrange16', 'get16,set16,get1,set1')
  .option('--only <server>', "measure only 'keeldb' or 'redis'")
  .option('--keeldb <path>', 'the keeldb entry to run (another checkout\'s bin/keeldb.js, for before/after)', '')
  .option('--keeldb-b <path>', "a second keeldb entry measured side by side as 'keeldb-b' (an A/B of two builds in one run)", '')
  .option('--node-args <args>', "extra node options for the KeelDB process (space-separated, e.g. '--min-semi-space-size=16')", '')
  .parse();
const opts = program.opts<{ keys: number; n16: number; n1: number; runs: number; tests: string; only?: string; nodeArgs: string; keeldb: string; keeldbB: string }>();

interface Target {
  label: string;
  managed: Managed;
  port: number;
}

// Issue 6's targets (lpush16 ... lrange16) are not in the default list.
const tests = selectTests(['get16', 'set16', 'get1', 'set1', 'lpush16', 'lpop16', 'sadd16', 'hset16', 'zadd16', 'lrange16'], opts.tests);


async function main(): Promise<void> {
  const { group, workDir, stop } = benchWorkspace('keeldb-cpu-');
  try {
    const targets: Target[] = [];
    if (opts.only !== 'keeldb') {
      const port = await freePort();
      const managed = group.start('redis', 'redis-server', redisServerArgs(port, workDir));
      targets.push({ label: 'redis', managed, port });
    }
    if (opts.only !== 'redis') {
      const port = await freePort();
      const managed = group.start('keeldb', process.execPath, [...opts.nodeArgs.split(' ').filter((a) => a !== ''), opts.keeldb !== '' ? opts.keeldb : join(repoRoot, 'bin/keeldb.js'), 'server', '--port', String(port), '--journal', 'none'], repoRoot);
      targets.push({ label: 'keeldb', managed, port });
      if (opts.keeldbB !== '') {
        const portB = await freePort();
        const managedB = group.start('keeldb-b', process.execPath, [...opts.nodeArgs.split(' ').filter((a) => a !== ''), opts.keeldbB, 'server', '--port', String(portB), '--journal', 'none'], repoRoot);
        targets.push({ label: 'keeldb-b', managed: managedB, port: portB });
      }
    }
    for (const t of targets) await readyForBenchmark(t, opts.keys);
    const load0 = loadavg()[0]!;
    const results = new Map<string, Map<string, number[]>>();
    const threads = new Map<string, Map<string, number>>();
    for (const test of tests) {
      const n = test.p === 16 ? opts.n16 : opts.n1;
      for (let run = 0; run < opts.runs; run++) {
        for (const t of run % 2 === 0 ? targets : [...targets].reverse()) {
          const args = benchmarkArgs(t.port, opts.keys, n, test.t, test.p);
          const before = cpuUs(`/proc/${t.managed.pid}/stat`);
          const thBefore = threadCpuUs(t.managed.pid);
          const wallStart = Date.now();
          await group.run('redis-benchmark', 'redis-benchmark', args, 600_000);
          const wallMs = Date.now() - wallStart;
          const used = cpuUs(`/proc/${t.managed.pid}/stat`) - before;
          const thAfter = threadCpuUs(t.managed.pid);
          const perReq = used / n;
          let r = results.get(test.name);
          if (r === undefined) results.set(test.name, (r = new Map()));
          (r.get(t.label) ?? r.set(t.label, []).get(t.label)!).push(perReq);
          if (t.label !== 'redis') {
            const th = new Map<string, number>();
            for (const [name, us] of thAfter) th.set(name, (us - (thBefore.get(name) ?? 0)) / n);
            threads.set(`${test.name} ${t.label}`, th);
          }
          process.stderr.write(`${test.name} ${t.label}: ${perReq.toFixed(2)} µs/req CPU, ${Math.round(n / (wallMs / 1000))} req/s wall\n`);
        }
      }
    }
    const load1 = loadavg()[0]!;
    console.log(`\nCPU µs per request (server process utime+stime / requests), medians of ${opts.runs}; load ${load0.toFixed(1)} -> ${load1.toFixed(1)}`);
    const withB = opts.keeldbB !== '';
    console.log(`| test | redis µs/req | KeelDB µs/req | KeelDB/redis |${withB ? ' KeelDB-b µs/req | KeelDB-b/redis |' : ''} KeelDB threads µs/req |`);
    console.log(`|---|---:|---:|---:|${withB ? '---:|---:|' : ''}---|`);
    const threadText = (key: string): string => {
      const th = threads.get(key);
      return th === undefined ? '' : [...th].filter(([, v]) => v >= 0.02).sort((x, y) => y[1] - x[1]).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ');
    };
    for (const test of tests) {
      const r = results.get(test.name)!;
      const a = r.has('redis') ? median(r.get('redis')!) : NaN;
      const b = r.has('keeldb') ? median(r.get('keeldb')!) : NaN;
      const c = r.has('keeldb-b') ? median(r.get('keeldb-b')!) : NaN;
      const bCells = withB ? ` ${c.toFixed(2)} | ${(c / a).toFixed(2)} |` : '';
      const thText = withB ? `a: ${threadText(`${test.name} keeldb`)}; b: ${threadText(`${test.name} keeldb-b`)}` : threadText(`${test.name} keeldb`);
      console.log(`| ${test.name} | ${a.toFixed(2)} | ${b.toFixed(2)} | ${(b / a).toFixed(2)} |${bCells} ${thText} |`);
    }
  } finally {
    await stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
