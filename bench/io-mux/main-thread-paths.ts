// Where the io-mux main thread's CPU per SET -P 1 goes, cache mode against durable mode
// (benchmark process, main thread; the servers, log nodes, perf and redis-benchmark are
// child processes). Linux with perf only.
//
//   npx tsc -p tsconfig.json && npx tsx bench/io-mux/main-thread-paths.ts [--keeldb a/bin/keeldb.js] [--n 60000] [--runs 3] [--modes cache,durable] [--no-profile]
//
// One server per mode (cache: --journal none; durable: three log nodes of the same build,
// bench/durability/cluster.ts), the modes measured alternately, SET -c 50 -d 100 -P 1
// -r 100000. Per run, on the server's main thread only:
//   - CPU µs per request from /proc/PID/task/PID/schedstat (ns on the CPU);
//   - voluntary and involuntary context switches per 1000 requests (/proc status);
//   - syscalls per 1000 requests (perf stat -t on the syscalls:sys_enter_* tracepoints);
//   - unless --no-profile, the CPU split by path (perf record -g -t, stacks classified by
//     the io-mux's JS frames: node runs with --perf-basic-prof): the reply drain's write
//     syscalls (on loopback they also run the client's TCP receive and wake it) and the
//     rest of the drain, the engine doorbell's Atomics.notify (V8's futex mutex, the
//     engine's wake-up), the request flush and parse (JS), epoll_wait (sleeps included),
//     read syscalls with libuv's and Node's read path before the JS callback (requests
//     and the wake pipe), the rest. A path's µs per request is its share of the samples
//     times the schedstat figure.
// It answers "does durable mode make the io-mux do more per request (turns, records,
// syscalls) or does the same work cost more": compare the counts, then the paths.
//
// Invariant: every process started here is stopped before exit (benchWorkspace), and the
// perf map files the servers wrote (/tmp/perf-PID.map) are removed.

import { Command } from 'commander';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchWorkspace, freePort, type Managed } from '../endpoint/processes.js';
import { startDurableCluster } from '../durability/cluster.js';
import { waitForPong } from '../endpoint/resp-client.js';
import { positiveInt } from '../endpoint/options.js';
import { median } from '../endpoint/bench-stats.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

const program = new Command()
  .name('bench/io-mux/main-thread-paths.ts')
  .option('--keeldb <path>', "the keeldb entry (default this checkout's bin/keeldb.js)", '')
  .option('--n <n>', 'requests per run', positiveInt, 60_000)
  .option('--runs <n>', 'runs per mode (medians reported)', positiveInt, 1)
  .option('--modes <list>', 'comma-separated subset of cache,durable', 'cache,durable')
  .option('--no-profile', 'skip perf record (counts only)')
  .parse();
const opts = program.opts<{ keeldb: string; n: number; runs: number; modes: string; profile: boolean }>();
const keeldb = opts.keeldb === '' ? join(repoRoot, 'bin/keeldb.js') : opts.keeldb;
const modes = opts.modes.split(',').map((m) => m.trim());
for (const m of modes) if (m !== 'cache' && m !== 'durable') throw new Error(`--modes: unknown mode ${m} (cache, durable)`);

const syscalls = ['read', 'write', 'writev', 'epoll_wait', 'epoll_pwait', 'futex'];
/** Stack classes, in the order a sample is tested against them (first match wins). */
const paths: [string, RegExp][] = [
  ['reply writes', /handleReplyRecord|drainReplies|onReplyPipe|replyWake/], // refined below
  ['doorbell notify', /Builtin_AtomicsNotify|FutexEmulation|pthread_cond_signal|__lll_lock_wake/],
  ['request flush JS', /flushNow|batch-format\.js/],
  ['request parse JS', /(onRead|onData) file:\S*io-mux\/connection\.js|resp-parser\.js/],
  ['epoll_wait', /do_epoll_wait/],
  ['reads (syscall, libuv, Node)', /uv__read|__libc_read|vfs_read/],
];
const replyWrite = /__GI___libc_write|__writev|do_writev/;
const pathNames = ['reply writes', 'reply drain JS', 'doorbell notify', 'request flush JS', 'request parse JS', 'epoll_wait', 'reads (syscall, libuv, Node)', 'rest'];

interface Target { mode: string; server: Managed; port: number }
interface RunResult { mainUs: number; vol: number; invol: number; sys: Map<string, number>; path: Map<string, number> }

const ws = benchWorkspace('keeldb-main-paths-');
const perfMaps: string[] = [];
try {
  const targets: Target[] = [];
  for (const mode of modes) {
    const serverArgs = opts.profile ? ['--perf-basic-prof'] : [];
    if (mode === 'cache') {
      const port = await freePort();
      const server = ws.group.start('cache-server', process.execPath, [...serverArgs, keeldb, 'server', '--port', String(port), '--bind', '127.0.0.1', '--journal', 'none'], repoRoot);
      await waitForPong(port, 30_000, () => server.exitStatus());
      targets.push({ mode, server, port });
    } else {
      const c = await startDurableCluster(ws.group, ws.workDir, repoRoot, { keeldb, secret: 'main-thread-paths-secret', serverArgs, label: 'durable' });
      await waitForPong(c.port, 60_000, c.dead);
      targets.push({ mode, server: c.server, port: c.port });
    }
    perfMaps.push(`/tmp/perf-${targets.at(-1)!.server.pid}.map`);
  }
  const results = new Map<string, RunResult[]>(modes.map((m) => [m, []]));
  const load0 = loadavg()[0]!;
  for (const t of targets) await benchmark(t, 20_000); // warm-up: JIT, sockets, the journal's first appends
  for (let r = 0; r < opts.runs; r++) {
    for (const t of targets) {
      results.get(t.mode)!.push(await measure(t, r));
      console.error(`run ${r + 1}/${opts.runs} ${t.mode}: main ${results.get(t.mode)!.at(-1)!.mainUs.toFixed(2)} µs/req`);
    }
  }
  print(results, load0, loadavg()[0]!);
} finally {
  await ws.stop();
  for (const f of perfMaps) rmSync(f, { force: true });
}

async function benchmark(t: Target, n: number): Promise<void> {
  await ws.group.run('redis-benchmark', 'redis-benchmark', ['-h', '127.0.0.1', '-p', String(t.port), '-c', '50', '-d', '100', '-r', '100000', '-n', String(n), '-P', '1', '-t', 'set', '-q'], 600_000);
}

function mainNs(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ')[0]);
}

function switches(pid: number): [number, number] {
  const s = readFileSync(`/proc/${pid}/task/${pid}/status`, 'utf8');
  return [Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(s)![1]), Number(/^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(s)![1])];
}

async function stopPerf(p: ChildProcess): Promise<void> {
  const exited = new Promise<void>((resolve) => p.once('close', () => resolve()));
  p.kill('SIGINT');
  await exited;
}

async function measure(t: Target, run: number): Promise<RunResult> {
  const pid = t.server.pid;
  const statFile = join(ws.workDir, `stat-${t.mode}-${run}.csv`);
  const dataFile = join(ws.workDir, `perf-${t.mode}-${run}.data`);
  const events = syscalls.map((s) => `syscalls:sys_enter_${s}`).join(',');
  const perfStat = spawn('perf', ['stat', '-x', ',', '-t', String(pid), '-e', events, '-o', statFile], { stdio: 'ignore' });
  const perfRecord = opts.profile ? spawn('perf', ['record', '-g', '-t', String(pid), '-o', dataFile], { stdio: 'ignore' }) : undefined;
  await new Promise((resolve) => setTimeout(resolve, 300)); // perf attaches
  const ns0 = mainNs(pid);
  const [v0, i0] = switches(pid);
  await benchmark(t, opts.n);
  const ns1 = mainNs(pid);
  const [v1, i1] = switches(pid);
  await stopPerf(perfStat);
  if (perfRecord !== undefined) await stopPerf(perfRecord);
  const mainUs = (ns1 - ns0) / 1000 / opts.n;
  const sys = new Map<string, number>();
  for (const line of readFileSync(statFile, 'utf8').split('\n')) {
    const f = line.split(',');
    const name = f[2]?.replace('syscalls:sys_enter_', '');
    if (name !== undefined && /^[0-9.]+$/.test(f[0] ?? '')) sys.set(name, (Number(f[0]) / opts.n) * 1000);
  }
  const path = new Map<string, number>(pathNames.map((p) => [p, 0]));
  if (opts.profile) {
    const script = spawnSync('perf', ['script', '-i', dataFile, '-F', 'ip,sym'], { maxBuffer: 1 << 30, encoding: 'utf8' });
    const samples = script.stdout.split(/\n\s*\n/).filter((s) => s.trim() !== '');
    for (const s of samples) {
      let name = 'rest';
      for (const [p, re] of paths) {
        if (!re.test(s)) continue;
        name = p === 'reply writes' && !replyWrite.test(s) ? 'reply drain JS' : p;
        break;
      }
      path.set(name, path.get(name)! + 1);
    }
    for (const [p, count] of path) path.set(p, samples.length === 0 ? 0 : (count / samples.length) * mainUs);
  }
  return { mainUs, vol: ((v1 - v0) / opts.n) * 1000, invol: ((i1 - i0) / opts.n) * 1000, sys, path };
}

function print(results: Map<string, RunResult[]>, load0: number, load1: number): void {
  const cols = [...results.keys()];
  const row = (name: string, f: (r: RunResult) => number, digits: number): string =>
    `| ${name} | ${cols.map((c) => median(results.get(c)!.map(f)).toFixed(digits)).join(' | ')} |`;
  console.log(`\nio-mux main thread, SET -c 50 -d 100 -P 1, ${opts.n} requests, medians of ${opts.runs}; load ${load0.toFixed(1)} -> ${load1.toFixed(1)}\n`);
  console.log(`| per request | ${cols.join(' | ')} |`);
  console.log(`|---|${cols.map(() => '---:').join('|')}|`);
  console.log(row('CPU µs', (r) => r.mainUs, 2));
  console.log(row('voluntary switches /1000', (r) => r.vol, 1));
  console.log(row('involuntary switches /1000', (r) => r.invol, 1));
  for (const s of syscalls) console.log(row(`${s} /1000`, (r) => r.sys.get(s) ?? 0, 1));
  if (opts.profile) for (const p of pathNames) console.log(row(`${p} µs`, (r) => r.path.get(p)!, 2));
}
