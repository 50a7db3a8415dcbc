// Issue 6's throughput rows: KeelDB vs redis-server, side by side, for the data-type
// commands redis-benchmark knows (benchmark process, main thread; the two servers and
// each redis-benchmark run are child processes).
//
//   npm run build && npx tsx bench/endpoint/types.ts [--runs 3] [--requests N] [--write]
//
// Each run does, on each server in turn (the order swapped every run, so neither always
// goes first on a warmer machine): FLUSHALL, then `redis-benchmark -c 50 -P 16 -r 1000000
// -n N --csv -t T` for T = lpush, lpop, sadd, hset, zadd, lrange_100, one process per
// test in that order (so LPOP pops what LPUSH pushed; redis-benchmark's lrange_100 fills
// its list with its own LPUSH pass first). A discarded warm-up pass precedes the runs;
// cells are medians. redis-server runs with `--save '' --appendonly no`, KeelDB with
// `--journal none`: this measures the engine and the endpoint, not durability.

import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { benchWorkspace, freePort, type Managed } from './processes.js';
import { RespConnection, waitForPong } from './resp-client.js';
import { replaceSection } from './results-section.js';
import { positiveInt } from './options.js';
import { benchmarkCsvRow, median, progressLogger } from './bench-stats.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../..');
const clientCount = 50;
const pipeline = 16;
const keyRange = 1_000_000;
const startDeadlineMs = 30_000;
/** redis-benchmark's tests and the ratio issue 6 asks of each. */
const tests = ['lpush', 'lpop', 'sadd', 'hset', 'zadd', 'lrange_100'] as const;
const targetRatio = 0.6;

interface Target {
  readonly label: string;
  readonly managed: Managed;
  readonly port: number;
}

interface Sample {
  rps: number;
  p50Ms: number;
  p99Ms: number;
}

const progress = progressLogger('types');

async function flushAll(port: number): Promise<void> {
  const conn = await RespConnection.open(port);
  try {
    const reply = await conn.command(['FLUSHALL']);
    if (reply !== 'OK') throw new Error(`FLUSHALL on port ${port}: ${String(reply)}`);
  } finally {
    conn.close();
  }
}

async function main(): Promise<void> {
  const program = new Command()
    .name('types')
    .description("issue 6's data-type commands, KeelDB vs redis-server with redis-benchmark -P 16")
    .option('--runs <n>', 'runs (median reported)', positiveInt, 3)
    .option('--requests <n>', 'redis-benchmark -n per test', positiveInt, 500_000)
    .option('--write', 'write the types section of bench/RESULTS.md');
  program.parse(process.argv.slice(2), { from: 'user' });
  const opts = program.opts<{ runs: number; requests: number; write?: boolean }>();

  const { group, workDir, stop } = benchWorkspace('keeldb-types-');
  try {
    const loadStart = loadavg()[0]!;
    const redisPort = await freePort();
    const redis: Target = {
      label: 'redis',
      port: redisPort,
      managed: group.start('redis', 'redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', workDir]),
    };
    const keelPort = await freePort();
    const keeldb: Target = {
      label: 'keeldb',
      port: keelPort,
      managed: group.start('keeldb', process.execPath, [join(repoRoot, 'bin/keeldb.js'), 'server', '--port', String(keelPort), '--journal', 'none'], repoRoot),
    };
    for (const t of [redis, keeldb]) {
      await waitForPong(t.port, startDeadlineMs, () => (t.managed.exitStatus() === null ? null : `${t.managed.exitStatus()}: ${t.managed.output().trim()}`));
    }
    const pass = async (t: Target, n: number): Promise<Map<string, Sample>> => {
      await flushAll(t.port);
      const out = new Map<string, Sample>();
      for (const test of tests) {
        const csv = await group.run(
          `redis-benchmark ${test} on ${t.label}`,
          'redis-benchmark',
          ['-h', '127.0.0.1', '-p', String(t.port), '-c', String(clientCount), '-P', String(pipeline), '-r', String(keyRange), '-n', String(n), '--csv', '-t', test],
          600_000,
        );
        out.set(test, benchmarkCsvRow(csv, test));
      }
      return out;
    };
    progress('warm-up pass on each server (discarded)');
    for (const t of [redis, keeldb]) await pass(t, Math.max(10_000, opts.requests >> 3));
    const samples = new Map<string, { redis: Sample[]; keeldb: Sample[] }>(tests.map((t) => [t, { redis: [], keeldb: [] }]));
    for (let run = 0; run < opts.runs; run++) {
      const order = run % 2 === 0 ? [redis, keeldb] : [keeldb, redis];
      for (const t of order) {
        progress(`run ${run + 1}/${opts.runs}: ${t.label}`);
        const result = await pass(t, opts.requests);
        for (const [test, s] of result) {
          samples.get(test)![t.label as 'redis' | 'keeldb'].push(s);
          progress(`  ${test}: ${Math.round(s.rps).toLocaleString('en-US')} ops/s, p50 ${s.p50Ms} ms, p99 ${s.p99Ms} ms`);
        }
      }
    }
    const loadEnd = loadavg()[0]!;
    const rows: string[] = [];
    let met = 0;
    for (const test of tests) {
      const s = samples.get(test)!;
      const r = median(s.redis.map((x) => x.rps));
      const k = median(s.keeldb.map((x) => x.rps));
      const ratio = k / r;
      if (ratio >= targetRatio) met++;
      rows.push(
        `| ${test.toUpperCase()} -P ${pipeline} | ${Math.round(r).toLocaleString('en-US')} | ${Math.round(k).toLocaleString('en-US')} | ${ratio.toFixed(2)} | ` +
          `${ratio >= targetRatio ? 'met' : '**missed**'} | ${median(s.redis.map((x) => x.p50Ms)).toFixed(3)} / ${median(s.redis.map((x) => x.p99Ms)).toFixed(3)} | ` +
          `${median(s.keeldb.map((x) => x.p50Ms)).toFixed(3)} / ${median(s.keeldb.map((x) => x.p99Ms)).toFixed(3)} |`,
      );
    }
    const body = [
      '## Data-type commands: KeelDB vs redis-server at -P 16 (issue 6)',
      '',
      `- Date: ${new Date().toISOString()}`,
      `- Machine: 2 CPUs, node ${process.version}; 1-minute load average ${loadStart.toFixed(2)} at start, ${loadEnd.toFixed(2)} at end (a shared machine; compare within this section only).`,
      `- Command: \`npm run build && npx tsx bench/endpoint/types.ts --runs ${opts.runs} --requests ${opts.requests} --write\``,
      `- Each test: \`redis-benchmark -h 127.0.0.1 -p PORT -c ${clientCount} -P ${pipeline} -r ${keyRange} -n ${opts.requests} --csv -t TEST\`, one process per test in the order shown, after FLUSHALL; the two servers alternate (order swapped each run) after a discarded warm-up pass; medians of ${opts.runs} run(s). redis-server \`--save '' --appendonly no\`, KeelDB \`--journal none\`.`,
      '',
      `| test | redis ops/s | KeelDB ops/s | ratio | target >= ${targetRatio} | redis p50 / p99 ms | KeelDB p50 / p99 ms |`,
      '|---|---:|---:|---:|---|---:|---:|',
      ...rows,
      '',
      `${met} of ${tests.length} tests meet the target.`,
    ].join('\n');
    process.stdout.write(`${body}\n`);
    if (opts.write === true) {
      await replaceSection(join(repoRoot, 'bench/RESULTS.md'), 'types', body);
      progress('wrote the types section of bench/RESULTS.md');
    }
  } finally {
    await stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`types bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
