// Thread hand-off counts per request (benchmark process, main thread; the server and
// redis-benchmark are child processes): how many request batches, doorbell rings,
// futex wakes of the engine, engine parks, reply notifies and io-mux async wakes one
// request costs, for GET/SET/LPUSH at -P 16 and -P 1 (-c 50 -d 100 -r KEYS).
//
//   npm run build && npx tsx bench/endpoint/handoff-stats.ts [--keeldb a/bin/keeldb.js] [--keeldb-b b/bin/keeldb.js] [--tests get16,lpush16,get1] [--runs 1]
//       [--durable]   (each server journals to three log nodes of its own build; no prefill)
//
// The server runs with KEELDB_HANDOFF_STATS=1 (src/ring/handoff-stats.ts): each of its
// threads writes cumulative counters to stderr; the difference of the last lines before
// and after a run, divided by the run's requests, is printed per 1000 requests, with
// the server's CPU µs per request (the counting itself costs a little) and the context
// switches of its main and engine threads (/proc/PID/task/TID/status; those count for a
// build without the counters too).
//
// Invariant: every process started here is stopped before exit (processes.ts).

import { Command } from 'commander';
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchWorkspace, freePort, type Managed } from './processes.js';
import { startDurableCluster } from '../durability/cluster.js';
import { benchmarkArgs, readyForBenchmark, selectTests } from './cpu-runs.js';
import { cpuUs, threadCpuUs } from './proc-cpu.js';
import { positiveInt } from './options.js';
import { median } from './bench-stats.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

const program = new Command()
  .name('bench/endpoint/handoff-stats.ts')
  .option('--keys <n>', 'keys prefilled and -r range', positiveInt, 100_000)
  .option('--n16 <n>', 'requests per -P 16 run', positiveInt, 200_000)
  .option('--n1 <n>', 'requests per -P 1 run', positiveInt, 100_000)
  .option('--runs <n>', 'runs per test (median reported)', positiveInt, 1)
  .option('--tests <list>', 'comma-separated subset of get16,set16,lpush16,get1,set1', 'get16,lpush16,get1')
  .option('--keeldb <path>', "the keeldb entry to run (default this checkout's bin/keeldb.js)", '')
  .option('--keeldb-b <path>', 'a second keeldb entry, measured alternately', '')
  .option('--durable', 'durable servers (three log nodes each, started by bench/durability/cluster.ts); the key range is not prefilled')
  .parse();
const opts = program.opts<{ keys: number; n16: number; n1: number; runs: number; tests: string; keeldb: string; keeldbB: string; durable?: boolean }>();

const tests = selectTests(['get16', 'set16', 'lpush16', 'get1', 'set1'], opts.tests);

/** Counters shown, per thread, in this order. */
const shown: [string, string][] = [
  ['main', 'socketReads'],
  ['main', 'requestFlushes'],
  ['main', 'requestFlushesSmall'],
  ['main', 'requestRecords'],
  ['main', 'requestPushesBehind'],
  ['main', 'doorbellRings'],
  ['main', 'doorbellNotifies'],
  ['main', 'replyWakes'],
  ['main', 'replyWakesEmpty'],
  ['main', 'waitAsyncArmed'],
  ['main', 'replyRecords'],
  ['main', 'replyConnections'],
  ['main', 'socketWrites'],
  ['engine', 'parkWaits'],
  ['engine', 'parkWokenOk'],
  ['engine', 'parkNotEqual'],
  ['engine', 'ringNotifyCalls'],
  ['engine', 'ringNotifies'],
];

interface Target {
  label: string;
  managed: Managed;
  port: number;
  /** The last report line's counters, per thread. */
  latest: Map<string, Map<string, number>>;
}

function watch(managed: Managed): Map<string, Map<string, number>> {
  const latest = new Map<string, Map<string, number>>();
  let partial = '';
  managed.child.stderr!.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      const words = line.split(' ');
      if (words[0] !== 'handoff' || words.length < 2) continue;
      const counts = new Map<string, number>();
      for (const w of words.slice(2)) {
        const [k, v] = w.split('=');
        counts.set(k!, Number(v));
      }
      latest.set(words[1]!, counts);
    }
  });
  return latest;
}

function snapshot(t: Target): Map<string, number> {
  const s = new Map<string, number>();
  for (const [thread, counts] of t.latest) for (const [k, v] of counts) s.set(`${thread}.${k}`, v);
  return s;
}

/** Voluntary and involuntary context switches per thread ('main' or the thread id), from /proc. */
function contextSwitches(pid: number): Map<string, [number, number]> {
  const m = new Map<string, [number, number]>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const status = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
      const v = Number(/\bvoluntary_ctxt_switches:\s+(\d+)/.exec(status)?.[1] ?? 0);
      const nv = Number(/nonvoluntary_ctxt_switches:\s+(\d+)/.exec(status)?.[1] ?? 0);
      m.set(tid === String(pid) ? 'main' : tid, [v, nv]);
    } catch {
      // the thread ended between readdir and read
    }
  }
  return m;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const { group, workDir, stop } = benchWorkspace('keeldb-handoff-');
  process.env.KEELDB_HANDOFF_STATS = '1';
  try {
    const targets: Target[] = [];
    const entries = [opts.keeldb !== '' ? opts.keeldb : join(repoRoot, 'bin/keeldb.js'), ...(opts.keeldbB !== '' ? [opts.keeldbB] : [])];
    for (const [i, entry] of entries.entries()) {
      const label = i === 0 ? 'keeldb' : 'keeldb-b';
      if (opts.durable === true) {
        const cluster = await startDurableCluster(group, workDir, repoRoot, { keeldb: entry, secret: 'handoff-stats-secret', label });
        targets.push({ label, managed: cluster.server, port: cluster.port, latest: watch(cluster.server) });
        continue;
      }
      const port = await freePort();
      const managed = group.start(label, process.execPath, [entry, 'server', '--port', String(port), '--journal', 'none'], repoRoot);
      targets.push({ label, managed, port, latest: watch(managed) });
    }
    // A durable server waits for its journal (up to a minute); SETs need no prefill.
    for (const t of targets) await readyForBenchmark(t, opts.durable === true ? null : opts.keys);
    const load0 = loadavg()[0]!;
    /** test -> label -> counter -> per-1000-request values (one per run). */
    const results = new Map<string, Map<string, Map<string, number[]>>>();
    for (const test of tests) {
      const n = test.p === 16 ? opts.n16 : opts.n1;
      for (let run = 0; run < opts.runs; run++) {
        for (const t of run % 2 === 0 ? targets : [...targets].reverse()) {
          const args = benchmarkArgs(t.port, opts.keys, n, test.t, test.p);
          await sleep(300); // the last report before the run
          const before = snapshot(t);
          const cpu0 = cpuUs(`/proc/${t.managed.pid}/stat`);
          const th0 = threadCpuUs(t.managed.pid);
          const cs0 = contextSwitches(t.managed.pid);
          await group.run('redis-benchmark', 'redis-benchmark', args, 600_000);
          const cpu1 = cpuUs(`/proc/${t.managed.pid}/stat`);
          const th1 = threadCpuUs(t.managed.pid);
          const cs1 = contextSwitches(t.managed.pid);
          await sleep(300); // the first report after it
          const after = snapshot(t);
          const byTest = results.get(test.name) ?? results.set(test.name, new Map()).get(test.name)!;
          const byLabel = byTest.get(t.label) ?? byTest.set(t.label, new Map()).get(t.label)!;
          const put = (k: string, v: number): void => void (byLabel.get(k) ?? byLabel.set(k, []).get(k)!).push(v);
          for (const [thread, name] of shown) {
            const k = `${thread}.${name}`;
            put(k, (((after.get(k) ?? 0) - (before.get(k) ?? 0)) * 1000) / n);
          }
          // Context switches of the main thread and of the busiest other thread (the engine).
          const csDelta = (id: string): [number, number] => {
            const a = cs0.get(id) ?? [0, 0];
            const b = cs1.get(id) ?? a;
            return [((b[0] - a[0]) * 1000) / n, ((b[1] - a[1]) * 1000) / n];
          };
          const busiest = [...th1].filter(([name]) => name !== 'main').sort((x, y) => y[1] - (th0.get(y[0]) ?? 0) - (x[1] - (th0.get(x[0]) ?? 0)))[0];
          const engineTid = busiest === undefined ? 'main' : busiest[0].slice(busiest[0].lastIndexOf('#') + 1);
          put('main voluntary switches', csDelta('main')[0]);
          put('main involuntary switches', csDelta('main')[1]);
          put('engine voluntary switches', csDelta(engineTid)[0]);
          put('engine involuntary switches', csDelta(engineTid)[1]);
          put('cpu µs/req', (cpu1 - cpu0) / n);
          // The main thread, and the busiest other thread (the engine worker).
          const used = [...th1].map(([name, us]) => [name, (us - (th0.get(name) ?? 0)) / n] as const);
          put('cpu main µs/req', used.find(([name]) => name === 'main')?.[1] ?? NaN);
          put('cpu engine µs/req', Math.max(...used.filter(([name]) => name !== 'main').map(([, v]) => v)));
          process.stderr.write(`${test.name} ${t.label}: ${((cpu1 - cpu0) / n).toFixed(2)} µs/req\n`);
        }
      }
    }
    const load1 = loadavg()[0]!;
    console.log(`\nHand-off counts per 1000 requests (medians of ${opts.runs}); load ${load0.toFixed(1)} -> ${load1.toFixed(1)}`);
    for (const test of tests) {
      const byTest = results.get(test.name)!;
      const labels = [...byTest.keys()];
      console.log(`\n${test.name}\n| counter | ${labels.join(' | ')} |\n|---|${labels.map(() => '---:').join('|')}|`);
      const keys = [...byTest.get(labels[0]!)!.keys()];
      for (const k of keys) console.log(`| ${k} | ${labels.map((l) => median(byTest.get(l)!.get(k) ?? [NaN]).toFixed(k.startsWith('cpu') ? 2 : 1)).join(' | ')} |`);
    }
  } finally {
    await stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
