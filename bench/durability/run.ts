// Durable KeelDB vs redis-server with `appendfsync always`, side by side, with
// redis-benchmark (benchmark process, main thread; every server, log node and
// redis-benchmark is a child process).
//
//   npm run build && npx tsx bench/durability/run.ts [--runs 3] [--quick]
//
// The two durable configurations on the same disk (one temporary directory under
// os.tmpdir()):
// - redis-server --appendonly yes --appendfsync always --save '' --dir <tmp>/redis:
//   one machine, one fsync per event-loop turn before replying;
// - KeelDB as `keeldb up` runs it (src/main/up.ts: upChildSpecs): three log-node
//   processes in <tmp>/keeldb/node-1..3 and the server with --journal on them: a reply
//   leaves once the write is on disk on 2 of 3 log nodes.
// Both get the same prefill (--keys keys `key:%012d` with 100-byte values, our own
// pipelined loader), then, for each test, redis-benchmark runs with the same flags
// against each server in turn (the order swapped each run), --runs times; each cell is
// the median. Tests (`-c 50 -d 100 -r 1000000` unless said):
// - SET -P 1 and SET -P 16: ops/s, p50, p99.
// - GET alone, then GET while a second redis-benchmark drives a SET load (-P 1) on other
//   keys (`SET load:__rand_int__ <100 bytes>`, started 1 s before): GET's p50 under load
//   against alone. The GETs read prefilled keys (-r --keys, so every GET finds a value).
// - SET -d 4096 -P 16: MB/s of values = ops/s x 4096.
// The load average is recorded: the machine has 2 cores shared with other work, so
// only numbers taken side by side in one run compare. --quick: small -n, 1 run, a smoke
// test (< 2 min) that does not write RESULTS.md unless --write.
//
// Invariant: every process started here is stopped before exit: on success, on error,
// on SIGINT/SIGTERM/SIGHUP (stopEverything), and by a last-resort SIGKILL on 'exit'.

import { Command, InvalidArgumentError } from 'commander';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Supervisor } from '../../src/main/supervisor.js';
import { upChildSpecs } from '../../src/main/up.js';
import { upLogNodeNiceLevel } from '../../src/limits.js';
import { formatServerCpuList, parseServerCpuList, type ServerCpuList } from '../../src/platform/cpu-affinity.js';
import { parseNiceLevel } from '../../src/platform/cpu-priority.js';
import { freePort, ProcessGroup, type Managed } from '../endpoint/processes.js';
import { prefill, RespConnection, waitForPong } from '../endpoint/resp-client.js';
import { replaceSection } from '../endpoint/results-section.js';
import { benchmarkCsvRow, median, progressLogger, toolVersion } from '../endpoint/bench-stats.js';
import { positiveInt } from '../endpoint/options.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const clientCount = 50;
const valueBytes = 100;
const bigValueBytes = 4096;
const randomRange = 1_000_000;
const prefillBatchCount = 10_000;
const startDeadlineMs = 60_000;
/** The SET load runs this long before the GETs under load start. */
const loadRampMs = 1_000;
const journalSecret = 'durability-bench-secret';

interface Options {
  runs: number;
  quick: boolean;
  keys: number;
  requestsP1: number;
  requestsP16: number;
  requestsGet: number;
  requestsBig: number;
  write: boolean;
  results: string;
  /** The log nodes' nice level (default: what `keeldb up` gives, upLogNodeNiceLevel). */
  logNodeNice: number;
  /** The server's --server-cpulist (default auto, as keeldb up). */
  serverCpulist: ServerCpuList;
}

interface Sample {
  rps: number;
  p50Ms: number;
  p99Ms: number;
}

interface Target {
  label: 'redis' | 'keeldb';
  port: number;
  /** Null while it runs; else why it is gone. */
  dead(): string | null;
}

const progress = progressLogger('durability');

function niceLevel(value: string): number {
  try {
    return parseNiceLevel(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

function parseOptions(argv: string[]): Options {
  const program = new Command()
    .name('bench/durability/run.ts')
    .description('durable KeelDB (3 log nodes) vs redis-server --appendfsync always; writes bench/RESULTS.md')
    .option('--runs <n>', 'runs per test (median reported)', positiveInt)
    .option('--quick', 'smoke mode: small -n, 1 run')
    .option('--keys <n>', 'keys prefilled for the GETs (default 200000; quick 10000)', positiveInt)
    .option('--requests-p1 <n>', 'redis-benchmark -n for SET -P 1 (default 50000; quick 5000)', positiveInt)
    .option('--requests-p16 <n>', 'redis-benchmark -n for SET -P 16 (default 200000; quick 20000)', positiveInt)
    .option('--requests-get <n>', 'redis-benchmark -n for the GETs (default 50000; quick 5000)', positiveInt)
    .option('--requests-big <n>', 'redis-benchmark -n for SET -d 4096 -P 16 (default 20000; quick 5000)', positiveInt)
    .option('--write', 'write bench/RESULTS.md even in --quick mode')
    .option('--no-write', 'do not write bench/RESULTS.md')
    .option('--results <path>', 'results file', join(repoRoot, 'bench/RESULTS.md'))
    .option('--log-node-nice <level>', `the log nodes' nice level (default ${upLogNodeNiceLevel}, as keeldb up)`, niceLevel, upLogNodeNiceLevel)
    .option('--server-cpulist <cpus>', "the server's --server-cpulist: auto (default, as keeldb up), none or a CPU list", 'auto');
  program.parse(argv, { from: 'user' });
  const o = program.opts<{
    runs?: number;
    quick?: boolean;
    keys?: number;
    requestsP1?: number;
    requestsP16?: number;
    requestsGet?: number;
    requestsBig?: number;
    write?: boolean;
    results: string;
    logNodeNice: number;
    serverCpulist: string;
  }>();
  const quick = o.quick === true;
  return {
    runs: o.runs ?? (quick ? 1 : 3),
    quick,
    keys: o.keys ?? (quick ? 10_000 : 200_000),
    requestsP1: o.requestsP1 ?? (quick ? 5_000 : 50_000),
    requestsP16: o.requestsP16 ?? (quick ? 20_000 : 200_000),
    requestsGet: o.requestsGet ?? (quick ? 5_000 : 50_000),
    requestsBig: o.requestsBig ?? (quick ? 5_000 : 20_000),
    write: o.write ?? !quick,
    results: o.results,
    logNodeNice: o.logNodeNice,
    serverCpulist: parseServerCpuList(o.serverCpulist),
  };
}

async function infoFields(port: number, section: string): Promise<Map<string, string>> {
  const conn = await RespConnection.open(port);
  try {
    const info = String(await conn.command(['INFO', section]));
    const out = new Map<string, string>();
    for (const line of info.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) out.set(line.slice(0, colon), line.slice(colon + 1));
    }
    return out;
  } finally {
    conn.close();
  }
}

function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function met(ok: boolean): string {
  return ok ? 'met' : '**missed**';
}

interface TestSpec {
  readonly id: string;
  readonly title: string;
  /** redis-benchmark flags after -h/-p. */
  readonly flags: string[];
  /** Run a SET load on other keys meanwhile. */
  readonly underLoad: boolean;
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const group = new ProcessGroup();
  const workDir = mkdtempSync(join(tmpdir(), 'keeldb-durability-'));
  let supervisor: Supervisor | null = null;
  const supervisorLines: string[] = [];
  let stopped = false;
  const stopEverything = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await Promise.all([group.stopAll(), supervisor?.stop()]);
    rmSync(workDir, { recursive: true, force: true });
  };
  process.on('exit', () => {
    // Last resort: nothing of ours may outlive the benchmark.
    if (supervisor !== null) for (const n of supervisor.names()) supervisor.signal(n, 'SIGKILL');
  });
  let signalled = false;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      if (signalled) return;
      signalled = true;
      progress(`${sig}: stopping every process started`);
      void stopEverything().finally(() => process.exit(130));
    });
  }

  try {
    for (const tool of ['redis-server', 'redis-benchmark']) {
      try {
        execFileSync(tool, ['--version'], { stdio: 'ignore' });
      } catch {
        throw new Error(`${tool} is not installed (Debian: apt-get install redis-server redis-tools)`);
      }
    }
    if (!existsSync(join(repoRoot, 'dist/src/main/cli.js'))) throw new Error('dist/ is missing: run `npm run build` first');
    const loadStart = loadavg()[0]!;
    const redisVersion = toolVersion('redis-server');
    const benchVersion = toolVersion('redis-benchmark');

    // --- the two durable servers -------------------------------------------------------
    const redisDir = join(workDir, 'redis');
    mkdirSync(redisDir);
    const redisPort = await freePort();
    const redisArgs = ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes',
      '--appendfsync', 'always', '--dir', redisDir];
    const redisProc: Managed = group.start('redis', 'redis-server', redisArgs);
    const redis: Target = { label: 'redis', port: redisPort, dead: () => redisProc.exitStatus() };

    const keeldbPort = await freePort();
    const journalPorts = [await freePort(), await freePort(), await freePort()];
    const sup = new Supervisor(
      upChildSpecs(join(workDir, 'keeldb'), '127.0.0.1', { server: keeldbPort, journal: journalPorts }, journalSecret, opts.logNodeNice, opts.serverCpulist),
      (line) => {
        supervisorLines.push(line);
        if (supervisorLines.length > 200) supervisorLines.shift();
      },
    );
    supervisor = sup;
    sup.setAutoRestart(false); // a crash must fail the benchmark, not hide in a restart
    progress(`starting KeelDB: log nodes on ${journalPorts.join(',')}, server on ${keeldbPort}`);
    let startTimer: NodeJS.Timeout | undefined;
    await Promise.race([
      sup.start(),
      new Promise<never>((_, reject) => {
        startTimer = setTimeout(() => reject(new Error(`KeelDB did not start in time:\n${supervisorLines.join('\n')}`)), startDeadlineMs);
      }),
    ]).finally(() => clearTimeout(startTimer));
    const keeldb: Target = {
      label: 'keeldb',
      port: keeldbPort,
      dead: () => {
        const down = sup.names().filter((n) => sup.pid(n) === undefined);
        return down.length === 0 ? null : `${down.join(', ')} exited:\n${supervisorLines.slice(-30).join('\n')}`;
      },
    };
    const targets = [redis, keeldb];
    for (const t of targets) await waitForPong(t.port, startDeadlineMs, t.dead);

    for (const t of targets) {
      progress(`prefilling ${t.label}: ${fmtInt(opts.keys)} keys, ${valueBytes}-byte values`);
      const start = Date.now();
      await prefill(t.port, opts.keys, valueBytes, prefillBatchCount, (done) => progress(`  ${t.label}: ${fmtInt(done)} keys`));
      progress(`  ${t.label}: filled in ${((Date.now() - start) / 1000).toFixed(1)} s`);
    }

    const base = ['-c', String(clientCount), '--csv'];
    const tests: TestSpec[] = [
      { id: 'set1', title: 'SET -P 1', flags: [...base, '-d', String(valueBytes), '-r', String(randomRange), '-n', String(opts.requestsP1), '-t', 'set', '-P', '1'], underLoad: false },
      { id: 'set16', title: 'SET -P 16', flags: [...base, '-d', String(valueBytes), '-r', String(randomRange), '-n', String(opts.requestsP16), '-t', 'set', '-P', '16'], underLoad: false },
      { id: 'get', title: 'GET -P 1 alone', flags: [...base, '-d', String(valueBytes), '-r', String(opts.keys), '-n', String(opts.requestsGet), '-t', 'get', '-P', '1'], underLoad: false },
      { id: 'getLoaded', title: 'GET -P 1 under a SET load on other keys', flags: [...base, '-d', String(valueBytes), '-r', String(opts.keys), '-n', String(opts.requestsGet), '-t', 'get', '-P', '1'], underLoad: true },
      { id: 'set4k', title: 'SET -d 4096 -P 16', flags: [...base, '-d', String(bigValueBytes), '-r', String(randomRange), '-n', String(opts.requestsBig), '-t', 'set', '-P', '16'], underLoad: false },
    ];
    const loadFlags = ['-c', String(clientCount), '-r', String(randomRange), '-P', '1', '-l', 'SET', 'load:__rand_int__', 'v'.repeat(valueBytes)];
    const runTimeoutMs = opts.quick ? 120_000 : 900_000;
    const bench = async (t: Target, flags: string[]): Promise<Sample> => {
      const dead = t.dead();
      if (dead !== null) throw new Error(`${t.label} is down (${dead})`);
      return benchmarkCsvRow(await group.run('redis-benchmark', 'redis-benchmark', ['-h', '127.0.0.1', '-p', String(t.port), ...flags], runTimeoutMs));
    };

    for (const t of targets) {
      const warm = Math.max(1000, Math.floor(opts.requestsP16 / 10));
      progress(`warm-up (not recorded): ${t.label}, SET and GET -P 16 -n ${warm}`);
      await group.run('redis-benchmark', 'redis-benchmark',
        ['-h', '127.0.0.1', '-p', String(t.port), ...base, '-d', String(valueBytes), '-r', String(opts.keys), '-n', String(warm), '-t', 'set,get', '-P', '16'],
        runTimeoutMs);
    }

    const samples = new Map<string, Sample[]>();
    for (const test of tests) {
      for (let run = 0; run < opts.runs; run++) {
        const order = run % 2 === 0 ? targets : [...targets].reverse();
        for (const t of order) {
          progress(`${test.title} run ${run + 1}/${opts.runs}: ${t.label}`);
          let load: Managed | null = null;
          if (test.underLoad) {
            load = group.start('set-load', 'redis-benchmark', ['-h', '127.0.0.1', '-p', String(t.port), ...loadFlags]);
            await new Promise((r) => setTimeout(r, loadRampMs));
            if (load.exitStatus() !== null) throw new Error(`the SET load exited early (${load.exitStatus()}): ${load.output()}`);
          }
          let s: Sample;
          try {
            s = await bench(t, test.flags);
          } finally {
            if (load !== null) {
              load.child.kill('SIGTERM');
              await load.exited;
            }
          }
          progress(`  ${fmtInt(s.rps)} ops/s, p50 ${s.p50Ms} ms, p99 ${s.p99Ms} ms`);
          const key = `${test.id}/${t.label}`;
          samples.set(key, [...(samples.get(key) ?? []), s]);
        }
      }
    }
    const persistence = await infoFields(keeldb.port, 'persistence');
    const loadEnd = loadavg()[0]!;
    await stopEverything();

    // --- report -----------------------------------------------------------------------------
    const med = (id: string, label: string): Sample => {
      const xs = samples.get(`${id}/${label}`)!;
      return { rps: median(xs.map((x) => x.rps)), p50Ms: median(xs.map((x) => x.p50Ms)), p99Ms: median(xs.map((x) => x.p99Ms)) };
    };
    const r = (id: string): Sample => med(id, 'redis');
    const k = (id: string): Sample => med(id, 'keeldb');
    const ms = (x: number): string => x.toFixed(3);
    const rows: string[] = [
      '| test | redis-always ops/s | KeelDB ops/s | ratio | redis-always p50 / p99 ms | KeelDB p50 / p99 ms | target | |',
      '|---|---:|---:|---:|---:|---:|---|---|',
    ];
    const row = (id: string, title: string, target: string, ok: boolean | null): void => {
      const a = r(id);
      const b = k(id);
      rows.push(
        `| ${title} | ${fmtInt(a.rps)} | ${fmtInt(b.rps)} | ${(b.rps / a.rps).toFixed(2)} | ${ms(a.p50Ms)} / ${ms(a.p99Ms)} | ` +
          `${ms(b.p50Ms)} / ${ms(b.p99Ms)} | ${target} | ${ok === null ? '' : met(ok)} |`,
      );
    };
    const set1Ratio = k('set1').rps / r('set1').rps;
    row('set1', 'SET -P 1', '>= 1.0 x ops/s, p50 <= 1.5 ms, p99 <= 5 ms',
      set1Ratio >= 1.0 && k('set1').p50Ms <= 1.5 && k('set1').p99Ms <= 5);
    row('set16', 'SET -P 16', '>= 0.7 x ops/s', k('set16').rps / r('set16').rps >= 0.7);
    row('get', 'GET -P 1 alone', '(baseline of the next row)', null);
    const getRatioK = k('getLoaded').p50Ms / k('get').p50Ms;
    const getRatioR = r('getLoaded').p50Ms / r('get').p50Ms;
    row('getLoaded', 'GET -P 1 under a SET load on other keys', 'KeelDB p50 <= 1.2 x its GET alone', getRatioK <= 1.2);
    const mbR = (r('set4k').rps * bigValueBytes) / 1e6;
    const mbK = (k('set4k').rps * bigValueBytes) / 1e6;
    row('set4k', 'SET -d 4096 -P 16', '>= 50 MB/s of values', mbK >= 50);

    const cmd = ['npx tsx bench/durability/run.ts', ...process.argv.slice(2)].join(' ');
    const cpuModel = cpus()[0]?.model.trim() ?? 'unknown CPU';
    const appends = Number(persistence.get('keeldb_journal_appends') ?? NaN);
    const committedSeq = Number(persistence.get('keeldb_journal_committed_seq') ?? NaN);
    const flagsOf = (id: string): string => tests.find((t) => t.id === id)!.flags.join(' ');
    const section = [
      '## Durability: KeelDB (3 log nodes, 2-of-3 fsync) vs redis-server `--appendfsync always` (issue 4)',
      '',
      `- Date: ${new Date().toISOString()}${opts.quick ? ' (**--quick smoke run: not a measurement**)' : ''}`,
      `- Machine: ${availableParallelism()} CPUs (${cpuModel}), node ${process.version}, redis-server ${redisVersion}, ` +
        `redis-benchmark ${benchVersion}; 1-minute load average ${loadStart.toFixed(2)} at start, ${loadEnd.toFixed(2)} at end ` +
        '(a shared machine: other work moves these numbers; compare within this section only).',
      `- Command: \`npm run build && ${cmd}\``,
      "- redis: `redis-server --port PORT --bind 127.0.0.1 --save '' --appendonly yes --appendfsync always --dir <tmp>/redis`. " +
        `KeelDB: what \`keeldb up\` starts (src/main/up.ts): \`keeldb log-node --id i --dir <tmp>/keeldb/node-i --nice ${opts.logNodeNice} ...\` x 3 and ` +
        `\`keeldb server --journal 127.0.0.1:J1,127.0.0.1:J2,127.0.0.1:J3 --server-cpulist ${formatServerCpuList(opts.serverCpulist)}\`. Both directories on the same disk (one temporary directory).`,
      `- Data: ${fmtInt(opts.keys)} keys \`key:%012d\` with ${valueBytes}-byte values on each server first (our pipelined loader, ` +
        `${fmtInt(prefillBatchCount)} SETs per write, DBSIZE checked), so every GET finds its key.`,
      '- Each test is `redis-benchmark -h 127.0.0.1 -p PORT` plus:',
      `  - SET -P 1: \`${flagsOf('set1')}\``,
      `  - SET -P 16: \`${flagsOf('set16')}\``,
      `  - GET alone and under load: \`${flagsOf('get')}\`; the load, started ${loadRampMs} ms before and stopped after: ` +
        `\`redis-benchmark -h 127.0.0.1 -p PORT ${loadFlags.slice(0, -1).join(' ')} <${valueBytes} bytes>\``,
      `  - SET -d 4096 -P 16: \`${flagsOf('set4k')}\``,
      `- The two servers run alternately (the order swapped each run), after one discarded warm-up pass each; each cell is the median of ${opts.runs} run(s).`,
      '',
      ...rows,
      '',
      `- GET p50 under the SET load / GET alone: KeelDB **${getRatioK.toFixed(2)}** (target <= 1.2: ${met(getRatioK <= 1.2)}), redis-always ${getRatioR.toFixed(2)}.`,
      `- SET -d 4096 -P 16, MB/s of values (ops/s x 4096): KeelDB **${mbK.toFixed(1)}** (target >= 50: ${met(mbK >= 50)}), redis-always ${mbR.toFixed(1)}.`,
      `- KeelDB's journal at the end (INFO persistence): ${fmtInt(committedSeq)} effect records committed in ${fmtInt(appends)} appends ` +
        `(${(committedSeq / appends).toFixed(1)} records per append: the group commit), append latency p50 ` +
        `${persistence.get('keeldb_journal_append_latency_p50_ms') ?? '?'} ms, p99 ${persistence.get('keeldb_journal_append_latency_p99_ms') ?? '?'} ms over the last appends.`,
    ].join('\n');
    console.log(section);
    if (opts.write) {
      await replaceSection(opts.results, 'durability', section);
      progress(`wrote the durability section of ${opts.results}`);
    } else {
      progress('results not written (quick mode without --write, or --no-write)');
    }
  } finally {
    await stopEverything();
  }
}

main().catch((err: unknown) => {
  progress(`failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
