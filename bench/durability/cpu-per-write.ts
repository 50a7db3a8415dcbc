// CPU time per durable SET, summed over every process a write crosses, for durable
// KeelDB (the server and its three log nodes) and redis-server --appendfsync always
// (benchmark process, main thread; the servers, log nodes and redis-benchmark are child
// processes).
//
//   npm run build && npx tsx bench/durability/cpu-per-write.ts [--n16 200000] [--n1 50000] [--runs 1]
//       [--keeldb /tmp/other-checkout/bin/keeldb.js]   (an A/B against another build)
//       [--log-node-keeldb /tmp/other-checkout/bin/keeldb.js]   (log nodes of one build for both)
//       [--baseline /tmp/old-checkout/bin/keeldb.js]   (also measure that build: a before/after column)
//       [--cache]   (also KeelDB with --journal none: the server's path without the journal)
//       [--write]   (write the durability-cpu section of bench/RESULTS.md)
//
// On this shared 2-core machine ops/s moves with everyone else's load; the CPU spent per
// write barely does, and since redis-benchmark, the server and the three log nodes all
// share the 2 cores, CPU per write across ALL of them bounds the durable throughput. For
// SET at -P 1 and -P 16 (-c 50 -d 100 -r 1000000; --big adds -d 4096 -P 16) this reads
// utime+stime from /proc/PID/stat of each process before and after one redis-benchmark
// run and divides by the request count. KeelDB's server is split by thread
// (/proc/PID/task/TID/stat; the main thread is the io-mux, worker threads are all named
// 'node': the engine and the journal writer are the two busiest), its log nodes are
// reported as the leader (the busiest) and the two followers. Also shown: the wall-clock
// ops/s of that run and, for KeelDB, the records per append (INFO persistence deltas).
// redis-benchmark's own CPU per request is read too (the cutime+cstime its shell reaped):
// it shares the same 2 cores, so the throughput a CPU budget allows is
// 2 cores / (client + server µs per request).
//
// Invariant: every process started here is stopped before exit (ProcessGroup.stopAll on
// success, error and signals; SIGKILL on 'exit').

import { Command } from 'commander';
import { mkdirSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDurableCluster } from './cluster.js';
import { benchWorkspace, freePort, type ProcessGroup, type Managed } from '../endpoint/processes.js';
import { RespConnection, waitForPong } from '../endpoint/resp-client.js';
import { replaceSection } from '../endpoint/results-section.js';
import { cpuUs, threadCpuUs } from '../endpoint/proc-cpu.js';
import { positiveInt } from '../endpoint/options.js';
import { median } from '../endpoint/bench-stats.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const journalSecret = 'durability-cpu-secret';

const program = new Command()
  .name('bench/durability/cpu-per-write.ts')
  .option('--n16 <n>', 'requests per -P 16 run', positiveInt, 200_000)
  .option('--n1 <n>', 'requests per -P 1 run', positiveInt, 50_000)
  .option('--nbig <n>', 'requests per -d 4096 -P 16 run', positiveInt, 20_000)
  .option('--runs <n>', 'runs per test (median reported)', positiveInt, 1)
  .option('--tests <list>', 'comma-separated subset of set1,set16,big', 'set1,set16')
  .option('--only <server>', "measure only 'keeldb' or 'redis'")
  .option('--keeldb <path>', "the keeldb entry to run (another checkout's bin/keeldb.js, for before/after)", '')
  .option('--log-node-keeldb <path>', 'the keeldb entry the log nodes run (default: --keeldb), to A/B the server alone', '')
  .option('--baseline <path>', "another build's bin/keeldb.js, measured too (alternating) as 'before'", '')
  .option('--cache', "also measure KeelDB with '--journal none' (cache mode): the server's own path, without the journal")
  .option('--write', 'write the durability-cpu section of bench/RESULTS.md')
  .parse();
const opts = program.opts<{
  n16: number; n1: number; nbig: number; runs: number; tests: string; only?: string; keeldb: string; logNodeKeeldb: string;
  baseline: string; cache?: boolean; write?: boolean;
}>();

interface Target {
  readonly label: 'redis' | 'keeldb' | 'before' | 'cache';
  readonly port: number;
  readonly server: Managed;
  readonly nodes: readonly Managed[];
}

const tests = [
  { key: 'set1', name: 'SET -P 1', p: 1, d: 100 },
  { key: 'set16', name: 'SET -P 16', p: 16, d: 100 },
  { key: 'big', name: 'SET -d 4096 -P 16', p: 16, d: 4096 },
].filter((x) => opts.tests.split(',').includes(x.key));


async function info(port: number): Promise<Map<string, string>> {
  const conn = await RespConnection.open(port);
  try {
    const text = String(await conn.command(['INFO', 'persistence']));
    const out = new Map<string, string>();
    for (const line of text.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) out.set(line.slice(0, colon), line.slice(colon + 1));
    }
    return out;
  } finally {
    conn.close();
  }
}

interface Row {
  total: number[];
  wall: number[];
  /** Per run: the split by thread/process and the records per append. */
  parts: Map<string, number>[];
  perAppend: number[];
  /** redis-benchmark's own CPU µs per request, per run. */
  client: number[];
}

/**
 * Runs redis-benchmark under `sh -c` and returns its CPU µs (user+system): the shell
 * prints its own /proc stat after waiting for it, whose cutime+cstime (fields 16, 17, in
 * clock ticks of 10 ms) are exactly the reaped child's. 10 ms resolution: runs here last
 * seconds.
 */
async function runBenchmarkCpuUs(group: ProcessGroup, args: string[]): Promise<number> {
  const script = 'redis-benchmark "$@" >/dev/null && cat /proc/$$/stat';
  const out = await group.run('redis-benchmark', 'sh', ['-c', script, 'sh', ...args], 600_000);
  const fields = out.slice(out.lastIndexOf(')') + 2).trim().split(' ');
  // fields[0] is stat's field 3 (state): cutime and cstime are fields 16 and 17.
  const ticks = Number(fields[13]) + Number(fields[14]);
  if (!Number.isFinite(ticks)) throw new Error(`cannot read the benchmark's CPU from: ${out}`);
  return ticks * 10_000;
}

/** Index of the run whose total is the median (the split shown is that run's). */
function medianRun(row: Row): number {
  const m = median(row.total);
  return row.total.indexOf(m);
}

/**
 * Names the engine and journal-writer threads in the split. The writer names its own
 * thread `keeldb-writer` (journal-writer.ts, from session 9); builds before that leave
 * every worker thread `node`, and then the two `node` threads with the highest tids are
 * taken: the engine worker is spawned after the process's V8 and libuv helper threads,
 * and the journal writer only once the engine is online (server.ts). (Until session 9
 * this took the two BUSIEST `node` threads, lower tid the engine; under SET -d 4096 a
 * GC helper thread can be busier than the writer, and the split named it.) `threads`:
 * every thread of the server (threadCpuUs's names).
 */
function nameWorkerThreads(parts: Map<string, number>, threads: Iterable<string>): void {
  const tid = (name: string): number => Number(name.slice(name.indexOf('#') + 1));
  const all = [...threads];
  const writer = all.find((name) => name.startsWith('keeldb-writer#'));
  const nodes = all.filter((name) => /^node#\d+$/.test(name)).sort((a, b) => tid(b) - tid(a));
  const named: [string, string | undefined][] = writer !== undefined
    ? [['journal writer', writer], ['engine', nodes.find((name) => tid(name) < tid(writer))]]
    : [['journal writer', nodes[0]], ['engine', nodes[1]]];
  for (const [role, name] of named) {
    if (name === undefined) continue;
    parts.set(`${role} (${name})`, parts.get(name) ?? 0);
    parts.delete(name);
  }
}

/** The journal writer's µs per write in one run's split (NaN without one). */
function writerUs(parts: Map<string, number>): number {
  for (const [name, us] of parts) if (name.startsWith('journal writer')) return us;
  return Number.NaN;
}

async function main(): Promise<void> {
  const { group, workDir, stop } = benchWorkspace('keeldb-cpu-write-');
  try {
    const targets: Target[] = [];
    if (opts.only !== 'keeldb') {
      const port = await freePort();
      mkdirSync(join(workDir, 'redis'));
      const server = group.start('redis', 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '',
        '--appendonly', 'yes', '--appendfsync', 'always', '--dir', join(workDir, 'redis')]);
      targets.push({ label: 'redis', port, server, nodes: [] });
    }
    const builds: { label: 'keeldb' | 'before'; bin: string }[] = [];
    if (opts.only !== 'redis') builds.push({ label: 'keeldb', bin: opts.keeldb !== '' ? opts.keeldb : join(repoRoot, 'bin/keeldb.js') });
    if (opts.baseline !== '') builds.push({ label: 'before', bin: opts.baseline });
    if (opts.cache === true) {
      const port = await freePort();
      const bin = opts.keeldb !== '' ? opts.keeldb : join(repoRoot, 'bin/keeldb.js');
      const server = group.start('cache', process.execPath, [bin, 'server', '--port', String(port), '--bind', '127.0.0.1', '--journal', 'none'], repoRoot);
      targets.push({ label: 'cache', port, server, nodes: [] });
    }
    for (const { label, bin } of builds) {
      // Each build's cluster in directories of its own: with --baseline two clusters run
      // at once (they shared node-1..3 until session 3, writing each other's segments).
      const { port, server, nodes } = await startDurableCluster(group, workDir, repoRoot, {
        keeldb: bin, logNodeKeeldb: opts.logNodeKeeldb !== '' ? opts.logNodeKeeldb : bin, secret: journalSecret, label,
      });
      targets.push({ label, port, server, nodes });
    }
    for (const t of targets) {
      const dead = (): string | null => {
        for (const m of [t.server, ...t.nodes]) if (m.exitStatus() !== null) return `${m.name} ${m.exitStatus()}: ${m.output()}`;
        return null;
      };
      await waitForPong(t.port, 60_000, dead);
      // Warm-up (not recorded): the JIT, the log's first segment, the connections.
      await group.run('redis-benchmark', 'redis-benchmark', ['-h', '127.0.0.1', '-p', String(t.port), '-c', '50', '-d', '100',
        '-r', '1000000', '-n', '20000', '-t', 'set', '-P', '16', '-q'], 600_000);
    }
    const load0 = loadavg()[0]!;
    const rows = new Map<string, Map<string, Row>>();
    for (const test of tests) {
      const n = test.key === 'set1' ? opts.n1 : test.key === 'set16' ? opts.n16 : opts.nbig;
      for (let run = 0; run < opts.runs; run++) {
        for (const t of run % 2 === 0 ? targets : [...targets].reverse()) {
          const args = ['-h', '127.0.0.1', '-p', String(t.port), '-c', '50', '-d', String(test.d), '-r', '1000000', '-n', String(n),
            '--csv', '-t', 'set', '-P', String(test.p)];
          const infoBefore = t.label !== 'redis' && t.label !== 'cache' ? await info(t.port) : null;
          const thBefore = threadCpuUs(t.server.pid);
          const nodesBefore = t.nodes.map((m) => cpuUs(`/proc/${m.pid}/stat`));
          const wallStart = Date.now();
          const clientUs = await runBenchmarkCpuUs(group, args);
          const wallMs = Date.now() - wallStart;
          const thAfter = threadCpuUs(t.server.pid);
          const nodesUsed = t.nodes.map((m, i) => (cpuUs(`/proc/${m.pid}/stat`) - nodesBefore[i]!) / n).sort((a, b) => b - a);
          const parts = new Map<string, number>();
          let serverUs = 0;
          for (const [name, us] of thAfter) {
            const d = (us - (thBefore.get(name) ?? 0)) / n;
            serverUs += d;
            if (d >= 0.05) parts.set(name, d);
          }
          nameWorkerThreads(parts, thAfter.keys());
          if (nodesUsed.length === 3) {
            parts.set('leader', nodesUsed[0]!);
            parts.set('followers', nodesUsed[1]! + nodesUsed[2]!);
          }
          const total = serverUs + nodesUsed.reduce((a, b) => a + b, 0);
          let perAppend = NaN;
          if (infoBefore !== null) {
            const after = await info(t.port);
            const d = (k: string): number => Number(after.get(k)) - Number(infoBefore.get(k));
            perAppend = d('keeldb_journal_committed_seq') / d('keeldb_journal_appends');
          }
          let byTest = rows.get(test.name);
          if (byTest === undefined) rows.set(test.name, (byTest = new Map()));
          let row = byTest.get(t.label);
          if (row === undefined) byTest.set(t.label, (row = { total: [], wall: [], parts: [], perAppend: [], client: [] }));
          row.total.push(total);
          row.wall.push(n / (wallMs / 1000));
          row.parts.push(parts);
          row.perAppend.push(perAppend);
          row.client.push(clientUs / n);
          process.stderr.write(`${test.name} ${t.label}: ${total.toFixed(1)} µs/write CPU (all processes), redis-benchmark ${(clientUs / n).toFixed(1)} µs/request, ${Math.round(n / (wallMs / 1000))} writes/s wall` +
            (Number.isNaN(perAppend) ? '' : `, ${perAppend.toFixed(1)} records/append, journal writer ${writerUs(parts).toFixed(2)} µs/write`) + '\n');
        }
      }
    }
    const load1 = loadavg()[0]!;
    const lines: string[] = [];
    const hasBefore = opts.baseline !== '';
    lines.push('## Durability: CPU per durable SET (issue 4), the load-independent measure');
    lines.push('');
    lines.push(`- Date: ${new Date().toISOString()}; 1-minute load average ${load0.toFixed(1)} at start, ${load1.toFixed(1)} at end (a shared 2-core machine).`);
    lines.push(`- Command: \`npm run build && npx tsx bench/durability/cpu-per-write.ts ${process.argv.slice(2).join(' ')}\`${hasBefore ? ' (`before`: the build given as --baseline)' : ''}.`);
    lines.push('- CPU µs (utime+stime from /proc) per SET of one redis-benchmark run (`-c 50 -d 100|4096 -r 1000000`), summed over redis-server ' +
      '`--appendonly yes --appendfsync always`, or over the KeelDB server (all threads) and its three log nodes; medians of ' +
      `${opts.runs} run(s). Everything shares the 2 cores with redis-benchmark, so CPU per write bounds durable throughput whatever the load. ` +
      'Threads: main = io-mux; the journal writer names its thread `keeldb-writer` (in older builds it is the `node` thread with the highest tid), the engine is the `node` thread spawned just before it; the small ones are GC and libuv helpers. ' +
      `Log nodes: ${opts.logNodeKeeldb !== '' ? 'every server used those of the --log-node-keeldb build' : 'each build ran its own (the log-node code differs between builds too)'}.`);
    lines.push('');
    lines.push(`| test | redis-always µs/write |${hasBefore ? ' KeelDB before µs/write |' : ''} KeelDB µs/write | KeelDB/redis | journal writer µs/write (median of runs):${hasBefore ? ' before /' : ''} KeelDB | writes/s (wall, load-dependent): redis /${hasBefore ? ' before /' : ''} KeelDB | KeelDB split µs/write (the median run) |`);
    lines.push(`|---|---:|${hasBefore ? '---:|' : ''}---:|---:|---:|---:|---|`);
    for (const test of tests) {
      const byTest = rows.get(test.name)!;
      const r = byTest.get('redis');
      const k = byTest.get('keeldb');
      const o = byTest.get('before');
      const a = r === undefined ? NaN : median(r.total);
      const b = k === undefined ? NaN : median(k.total);
      const km = k === undefined ? -1 : medianRun(k);
      const split = k === undefined ? '' : [...k.parts[km]!].sort((x, y) => y[1] - x[1]).map(([name, v]) => `${name} ${v.toFixed(1)}`).join(', ') +
        `; ${k.perAppend[km]!.toFixed(1)} records/append`;
      const w = (x: Row | undefined): string => (x === undefined ? '-' : String(Math.round(median(x.wall))));
      const wall = hasBefore ? `${w(r)} / ${w(o)} / ${w(k)}` : `${w(r)} / ${w(k)}`;
      const before = hasBefore ? ` ${o === undefined ? '-' : `${median(o.total).toFixed(1)} (${o.perAppend[medianRun(o)]!.toFixed(1)} records/append)`} |` : '';
      const wr = (x: Row | undefined): string => (x === undefined ? '-' : median(x.parts.map(writerUs)).toFixed(2));
      const writer = hasBefore ? `${wr(o)} / ${wr(k)}` : wr(k);
      lines.push(`| ${test.name} | ${a.toFixed(1)} |${before} ${b.toFixed(1)} | ${(b / a).toFixed(2)} | ${writer} | ${wall} | ${split} |`);
    }
    // The CPU budget: on this host's cores, shared with redis-benchmark, no server can
    // exceed cores / (client + server µs per request) whatever its latency.
    const cores = availableParallelism();
    lines.push('');
    lines.push(`CPU ceiling on this host's ${cores} cores shared with redis-benchmark: ${cores} s / (client µs + server µs per request), in writes/s; a run's measured rate sits below its ceiling by its idle time.`);
    lines.push('');
    lines.push(`| test | redis-benchmark µs/request (median, all runs) |${opts.cache === true ? ' KeelDB --journal none µs/write |' : ''} ceiling: redis-always | ceiling: KeelDB |${opts.cache === true ? ' ceiling: KeelDB --journal none |' : ''}`);
    lines.push(`|---|---:|${opts.cache === true ? '---:|' : ''}---:|---:|${opts.cache === true ? '---:|' : ''}`);
    for (const test of tests) {
      const byTest = rows.get(test.name)!;
      const client = median([...byTest.values()].flatMap((x) => x.client));
      const ceiling = (x: Row | undefined): string => (x === undefined ? '-' : String(Math.round((cores * 1e6) / (client + median(x.total)))));
      const c = byTest.get('cache');
      lines.push(`| ${test.name} | ${client.toFixed(1)} |${opts.cache === true ? ` ${c === undefined ? '-' : median(c.total).toFixed(1)} |` : ''} ${ceiling(byTest.get('redis'))} | ${ceiling(byTest.get('keeldb'))} |${opts.cache === true ? ` ${ceiling(c)} |` : ''}`);
    }
    const section = lines.join('\n');
    console.log(`\n${section}`);
    if (opts.write === true) {
      await replaceSection(join(repoRoot, 'bench/RESULTS.md'), 'durability-cpu', section);
      process.stderr.write('wrote the durability-cpu section of bench/RESULTS.md\n');
    }
  } finally {
    await stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
