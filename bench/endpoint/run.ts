// KeelDB vs redis-server, side by side, with redis-benchmark (benchmark process, main
// thread; it starts the two servers and each redis-benchmark run as child processes).
//
//   npm run build && npx tsx bench/endpoint/run.ts [--runs 3] [--quick]
//
// Both servers get the same data: 1M keys (key:000000000000 .. key:000000999999, as
// redis-benchmark -r names them) with 100-byte values, loaded by our own pipelined
// loader (resp-client.ts: 10,000 SETs per write, DBSIZE checked), so every key GET asks
// for exists. Then, for GET and SET at -P 1 and -P 16, redis-benchmark runs with the
// same flags against each server in turn, alternating which goes first, --runs times;
// the medians of ops/s, p50 and p99 (redis-benchmark 7's --csv columns) are reported
// with the KeelDB/redis ratio, and memory is compared after the fill: redis's INFO
// used_memory_rss against KeelDB's VmRSS (/proc/PID/status).
//
// The machine has 2 cores: redis-benchmark itself needs one, so each server competes
// with it; the load average at start and end is recorded because other work on the
// machine moves the numbers. --quick (10k keys, small -n, 1 run) is a smoke mode that
// finishes in well under a minute and does not touch RESULTS.md unless --write is given.
// `--vs redis` replaces KeelDB by a second redis-server (to check the script itself).
//
// Invariant: every process started here is stopped before exit, on success, on error
// and on SIGINT/SIGTERM/SIGHUP (processes.ts).

import { Command } from 'commander';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchWorkspace, freePort, vmRssBytes, type Managed } from './processes.js';
import { prefill, RespConnection, waitForPong } from './resp-client.js';
import { replaceSection } from './results-section.js';
import { positiveInt } from './options.js';
import { benchmarkCsvRow, median, progressLogger, toolVersion } from './bench-stats.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const valueBytes = 100;
const clientCount = 50;
const prefillBatchCount = 10_000;
/** KeelDB starts a worker thread and may be slow to come up on a loaded machine. */
const startDeadlineMs = 30_000;

interface Options {
  runs: number;
  quick: boolean;
  keys: number;
  requestsP1: number;
  requestsP16: number;
  vs: 'keeldb' | 'redis';
  write: boolean;
  results: string;
  /** Extra arguments for `keeldb server` (e.g. --server-cpulist none) and for redis-server. */
  keeldbArgs: string[];
  redisArgs: string[];
}

interface Sample {
  rps: number;
  p50Ms: number;
  p99Ms: number;
}

interface Target {
  label: string;
  managed: Managed;
  port: number;
  isRedis: boolean;
}

const progress = progressLogger('endpoint');

function parseOptions(argv: string[]): Options {
  const program = new Command()
    .name('bench/endpoint/run.ts')
    .description('KeelDB vs redis-server with redis-benchmark; writes bench/RESULTS.md')
    .option('--runs <n>', 'runs per test (median reported)', positiveInt)
    .option('--quick', 'smoke mode: 10k keys, small -n, < 60 s')
    .option('--keys <n>', 'keys prefilled and -r range (default 1000000; quick 10000)', positiveInt)
    .option('--requests-p1 <n>', 'redis-benchmark -n at -P 1 (default 200000; quick 10000)', positiveInt)
    .option('--requests-p16 <n>', 'redis-benchmark -n at -P 16 (default 1000000; quick 50000)', positiveInt)
    .option('--vs <server>', "the server compared with redis: 'keeldb' or 'redis'", 'keeldb')
    .option('--write', 'write bench/RESULTS.md even in --quick mode')
    .option('--no-write', 'do not write bench/RESULTS.md')
    .option('--results <path>', 'results file', join(repoRoot, 'bench/RESULTS.md'))
    .option('--keeldb-args <args>', "extra arguments for keeldb server, space-separated (e.g. '--server-cpulist none')", '')
    .option('--redis-args <args>', "extra arguments for redis-server, space-separated (e.g. '--server_cpulist 1')", '');
  program.parse(argv, { from: 'user' });
  const o = program.opts<{
    runs?: number;
    quick?: boolean;
    keys?: number;
    requestsP1?: number;
    requestsP16?: number;
    vs: string;
    write?: boolean;
    results: string;
    keeldbArgs: string;
    redisArgs: string;
  }>();
  const vs = o.vs === 'keeldb' || o.vs === 'redis' ? o.vs : program.error("--vs must be 'keeldb' or 'redis'");
  const quick = o.quick === true;
  return {
    runs: o.runs ?? (quick ? 1 : 3),
    quick,
    keys: o.keys ?? (quick ? 10_000 : 1_000_000),
    requestsP1: o.requestsP1 ?? (quick ? 10_000 : 200_000),
    requestsP16: o.requestsP16 ?? (quick ? 50_000 : 1_000_000),
    vs,
    // With both --write and --no-write defined, commander leaves it undefined unless given.
    write: o.write ?? !quick,
    results: o.results,
    keeldbArgs: o.keeldbArgs.split(' ').filter((a) => a !== ''),
    redisArgs: o.redisArgs.split(' ').filter((a) => a !== ''),
  };
}

async function infoField(port: number, section: string, field: string): Promise<number> {
  const conn = await RespConnection.open(port);
  try {
    const info = await conn.command(['INFO', section]);
    const m = new RegExp(`^${field}:(\\d+)`, 'm').exec(String(info));
    if (m === null) throw new Error(`INFO ${section} on port ${port} has no ${field}`);
    return Number(m[1]);
  } finally {
    conn.close();
  }
}

interface Memory {
  redisUsedMemoryRss: number;
  redisVmRss: number;
  otherBytes: number;
  otherHow: string;
}

async function measureMemory(redis: Target, other: Target): Promise<Memory> {
  return {
    redisUsedMemoryRss: await infoField(redis.port, 'memory', 'used_memory_rss'),
    redisVmRss: await vmRssBytes(redis.managed.pid),
    otherBytes: other.isRedis
      ? await infoField(other.port, 'memory', 'used_memory_rss')
      : await vmRssBytes(other.managed.pid),
    otherHow: other.isRedis ? 'used_memory_rss' : 'VmRSS',
  };
}

function mb(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}

function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const { group, workDir, stop } = benchWorkspace('keeldb-endpoint-', (sig) => progress(`${sig}: stopping every process started`));

  try {
    for (const tool of ['redis-server', 'redis-benchmark']) {
      try {
        execFileSync(tool, ['--version'], { stdio: 'ignore' });
      } catch {
        throw new Error(`${tool} is not installed (Debian: apt-get install redis-server redis-tools)`);
      }
    }
    if (opts.vs === 'keeldb' && !existsSync(join(repoRoot, 'dist/src/main/cli.js'))) {
      throw new Error('dist/ is missing: run `npm run build` first');
    }
    const loadStart = loadavg()[0]!;
    const redisVersion = toolVersion('redis-server');
    const benchVersion = toolVersion('redis-benchmark');

    const startRedis = async (label: string): Promise<Target> => {
      const port = await freePort();
      const dir = join(workDir, label.replace(/\W+/g, '-'));
      execFileSync('mkdir', ['-p', dir]);
      const managed = group.start(label, 'redis-server', [
        '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...opts.redisArgs,
      ]);
      return { label, managed, port, isRedis: true };
    };
    const redis = await startRedis('redis');
    let other: Target;
    if (opts.vs === 'redis') {
      other = await startRedis('redis-b');
    } else {
      const port = await freePort();
      const managed = group.start(
        'keeldb',
        process.execPath,
        [join(repoRoot, 'bin/keeldb.js'), 'server', '--port', String(port), '--journal', 'none', ...opts.keeldbArgs],
        repoRoot,
      );
      other = { label: 'keeldb', managed, port, isRedis: false };
    }
    const targets = [redis, other];
    for (const t of targets) {
      progress(`waiting for ${t.label} (pid ${t.managed.pid}) on port ${t.port}`);
      await waitForPong(t.port, startDeadlineMs, () =>
        t.managed.exitStatus() === null ? null : `${t.managed.exitStatus()}: ${t.managed.output().trim()}`,
      );
    }
    for (const t of targets) {
      progress(`prefilling ${t.label}: ${fmtInt(opts.keys)} keys, ${valueBytes}-byte values`);
      const start = Date.now();
      await prefill(t.port, opts.keys, valueBytes, prefillBatchCount, (done) => {
        progress(`  ${t.label}: ${fmtInt(done)} keys`);
      });
      progress(`  ${t.label}: filled in ${((Date.now() - start) / 1000).toFixed(1)} s`);
    }
    const memFill = await measureMemory(redis, other);
    progress(
      `memory after fill: redis used_memory_rss ${mb(memFill.redisUsedMemoryRss)} MB, ` +
        `${other.label} ${memFill.otherHow} ${mb(memFill.otherBytes)} MB`,
    );

    const tests = [
      { test: 'get', pipeline: 1, requests: opts.requestsP1 },
      { test: 'get', pipeline: 16, requests: opts.requestsP16 },
      { test: 'set', pipeline: 1, requests: opts.requestsP1 },
      { test: 'set', pipeline: 16, requests: opts.requestsP16 },
    ];
    const benchFlags = (t: (typeof tests)[number]): string[] => [
      '-c', String(clientCount), '-d', String(valueBytes), '-r', String(opts.keys),
      '-n', String(t.requests), '--csv', '-t', t.test, '-P', String(t.pipeline),
    ];
    const samples = new Map<string, Sample[]>();
    const runTimeoutMs = opts.quick ? 60_000 : 600_000;
    // One discarded pass per server first, so JIT warm-up is not measured as KeelDB's speed.
    for (const target of targets) {
      const warm = Math.max(1000, Math.floor(opts.requestsP16 / 10));
      progress(`warm-up (not recorded): ${target.label}, GET and SET -P 16 -n ${warm}`);
      await group.run(
        'redis-benchmark',
        'redis-benchmark',
        ['-h', '127.0.0.1', '-p', String(target.port), '-c', String(clientCount), '-d', String(valueBytes),
          '-r', String(opts.keys), '-n', String(warm), '--csv', '-t', 'get,set', '-P', '16'],
        runTimeoutMs,
      );
    }
    for (const t of tests) {
      for (let run = 0; run < opts.runs; run++) {
        // Alternate which server goes first, so drift on the machine hits both alike.
        const order = run % 2 === 0 ? targets : [...targets].reverse();
        for (const target of order) {
          const dead = target.managed.exitStatus();
          if (dead !== null) throw new Error(`${target.label} exited (${dead}): ${target.managed.output().trim()}`);
          progress(`${t.test.toUpperCase()} -P ${t.pipeline} run ${run + 1}/${opts.runs}: ${target.label}`);
          const out = await group.run(
            'redis-benchmark',
            'redis-benchmark',
            ['-h', '127.0.0.1', '-p', String(target.port), ...benchFlags(t)],
            runTimeoutMs,
          );
          const s = benchmarkCsvRow(out, t.test);
          progress(`  ${fmtInt(s.rps)} ops/s, p50 ${s.p50Ms} ms, p99 ${s.p99Ms} ms`);
          const key = `${t.test}/${t.pipeline}/${target.label}`;
          samples.set(key, [...(samples.get(key) ?? []), s]);
        }
      }
    }
    const memEnd = await measureMemory(redis, other);
    const loadEnd = loadavg()[0]!;
    await group.stopAll();

    // --- report -------------------------------------------------------------------------
    const med = (key: string): Sample => {
      const xs = samples.get(key)!;
      return { rps: median(xs.map((x) => x.rps)), p50Ms: median(xs.map((x) => x.p50Ms)), p99Ms: median(xs.map((x) => x.p99Ms)) };
    };
    const otherName = other.label === 'keeldb' ? 'KeelDB' : 'redis (B)';
    const rows: string[] = [];
    rows.push(
      `| test | redis ops/s | ${otherName} ops/s | ratio | target | redis p50 / p99 ms | ${otherName} p50 / p99 ms | p99 ratio (target <= 2) |`,
      '|---|---:|---:|---:|---:|---:|---:|---:|',
    );
    for (const t of tests) {
      const a = med(`${t.test}/${t.pipeline}/${redis.label}`);
      const b = med(`${t.test}/${t.pipeline}/${other.label}`);
      const ratio = b.rps / a.rps;
      const target = t.pipeline === 1 ? 0.9 : 0.7;
      const p99Ratio = b.p99Ms / a.p99Ms;
      rows.push(
        `| ${t.test.toUpperCase()} -P ${t.pipeline} | ${fmtInt(a.rps)} | ${fmtInt(b.rps)} | ${ratio.toFixed(2)} | ` +
          `>= ${target} ${ratio >= target ? 'met' : 'missed'} | ${a.p50Ms.toFixed(3)} / ${a.p99Ms.toFixed(3)} | ` +
          `${b.p50Ms.toFixed(3)} / ${b.p99Ms.toFixed(3)} | ${p99Ratio.toFixed(2)} ${p99Ratio <= 2 ? 'met' : 'missed'} |`,
      );
    }
    const memRatio = memFill.otherBytes / memFill.redisUsedMemoryRss;
    const cmd = ['npx tsx bench/endpoint/run.ts', ...process.argv.slice(2)].join(' ');
    const cpuModel = cpus()[0]?.model.trim() ?? 'unknown CPU';
    const section = [
      `## Endpoint: ${otherName} vs redis-server (redis-benchmark)`,
      '',
      `- Date: ${new Date().toISOString()}${opts.quick ? ' (**--quick smoke run: not a measurement**)' : ''}`,
      `- Machine: ${availableParallelism()} CPUs (${cpuModel}), node ${process.version}, redis-server ${redisVersion}, ` +
        `redis-benchmark ${benchVersion}; 1-minute load average ${loadStart.toFixed(2)} at start, ${loadEnd.toFixed(2)} at end ` +
        '(a shared machine: other work moves these numbers).',
      `- Command: \`npm run build && ${cmd}\``,
      `- Data: ${fmtInt(opts.keys)} keys \`key:%012d\` with ${valueBytes}-byte values on each server, loaded by the ` +
        `script's own pipelined loader (${fmtInt(prefillBatchCount)} SETs per write, DBSIZE checked).`,
      `- Each test: \`redis-benchmark -h 127.0.0.1 -p PORT -c ${clientCount} -d ${valueBytes} -r ${opts.keys} -n N --csv -t get|set -P 1|16\`, ` +
        `N = ${fmtInt(opts.requestsP1)} at -P 1 and ${fmtInt(opts.requestsP16)} at -P 16; the two servers run alternately ` +
        `(first one, then the other, the order swapped each run) after one discarded warm-up pass each; ` +
        `each cell is the median of ${opts.runs} run(s). ` +
        `redis-server runs with \`--save '' --appendonly no${opts.redisArgs.map((a) => ` ${a}`).join('')}\`` +
        `${other.isRedis ? '' : `, KeelDB with \`--journal none${opts.keeldbArgs.map((a) => ` ${a}`).join('')}\` (CPU affinity: --server-cpulist, default auto, src/platform/cpu-affinity.ts)`}.`,
      '',
      ...rows,
      '',
      `Memory after the fill: redis used_memory_rss ${mb(memFill.redisUsedMemoryRss)} MB (its VmRSS ${mb(memFill.redisVmRss)} MB), ` +
        `${otherName} ${memFill.otherHow} ${mb(memFill.otherBytes)} MB: ratio **${memRatio.toFixed(2)}** ` +
        `(target <= 2.5: ${memRatio <= 2.5 ? 'met' : 'missed'}). After the benchmarks: redis ${mb(memEnd.redisUsedMemoryRss)} MB, ` +
        `${otherName} ${mb(memEnd.otherBytes)} MB.`,
    ].join('\n');
    console.log(section);
    if (opts.write) {
      await replaceSection(opts.results, 'endpoint', section);
      progress(`wrote the endpoint section of ${opts.results}`);
    } else {
      progress('results not written (quick mode without --write, or --no-write)');
    }
  } finally {
    await stop();
  }
}

main().catch((err: unknown) => {
  progress(`failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
