// Where the time of one durable SET goes, stage by stage, under the durability
// benchmark's load (redis-benchmark -c 50 -d 100 -r 1000000 -t set -P 1 by default).
//
//   npm run build && npx tsx bench/durability/latency-breakdown.ts [--keeldb <bin/keeldb.js>]
//       [--n 50000] [--pipeline 1] [--clients 50] [--node-args "--cpu-prof --cpu-prof-dir=DIR"]
//
// Starts three log nodes and a server with KEELDB_LATENCY_TRACE set
// (src/durability/latency-trace.ts: every thread stamps its stages, off and free in a
// normal run), runs a warm-up and then the measured redis-benchmark run, stops the
// server (which writes the stamps) and, for every write of the measured run, splits
// its time in the server into:
//   request   the io-mux pushed the request record -> the engine executed the SET
//   toWriter  executed -> the journal writer sent the append holding it
//   append    sent -> the append was acknowledged (the log leader, 2-of-3 fsync)
//   toEngine  acknowledged (committedSeq published, doorbell) -> the engine released the reply
//   toMain    released -> the engine pushed the reply record holding it
//   write     pushed -> the io-mux wrote it to the socket (its record released)
// Prints the median and p99 of each (ms), and of their sum. Then toWriter split by what
// a record waited for (the writer's stamps: pop, the send's wake-up source, the last
// ack before the send, which starts a cohort hold):
//   inflight  executed before that ack: executed -> the ack (the append in flight)
//   hold      those records again: the ack -> the send (the cohort hold they sat in)
//   inHold    executed after that ack: executed -> the send
//   toPop     executed -> copied into the writer's group (the engine's flush, the wake)
// and, per append, the hold's length (ack -> send) by what ended it: an ack (no hold),
// records (the cohort came back: a data wake-up), or the hold's timer.
// --handoff-stats also prints the writer's wake-up counts over the measured run
// (KEELDB_HANDOFF_STATS=1, src/ring/handoff-stats.ts). Not written to RESULTS.md.
//
// Invariant: every process started here is stopped before exit (ProcessGroup).

import { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchWorkspace } from '../endpoint/processes.js';
import { RespConnection, waitForPong } from '../endpoint/resp-client.js';
import { positiveInt } from '../endpoint/options.js';
import { printLatencyTable } from '../endpoint/bench-stats.js';
import { startDurableCluster } from './cluster.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const secret = 'latency-breakdown-secret';

const opts = new Command()
  .name('bench/durability/latency-breakdown.ts')
  .option('--keeldb <path>', 'the keeldb entry to run', join(repoRoot, 'bin/keeldb.js'))
  .option('--n <n>', 'requests in the measured run', positiveInt, 50_000)
  .option('--pipeline <n>', 'redis-benchmark -P', positiveInt, 1)
  .option('--clients <n>', 'redis-benchmark -c', positiveInt, 50)
  .option('--handoff-stats', "print the writer's wake-up counts of the measured run (KEELDB_HANDOFF_STATS=1)", false)
  .option('--node-args <args>', "extra node options for the server process (space-separated, e.g. '--cpu-prof --cpu-prof-dir=/tmp/prof': the workers inherit them)", '')
  .parse()
  .opts<{ keeldb: string; n: number; pipeline: number; clients: number; nodeArgs: string; handoffStats: boolean }>();

/** The writer's last cumulative `handoff writer name=count ...` line in `output`, parsed. */
function writerHandoffCounts(output: string): Map<string, number> {
  const lines = output.split('\n').filter((l) => l.startsWith('handoff writer '));
  const counts = new Map<string, number>();
  for (const m of (lines.at(-1) ?? '').matchAll(/(\w+)=(\d+)/g)) counts.set(m[1]!, Number(m[2]));
  return counts;
}

async function latestSeq(port: number): Promise<number> {
  const conn = await RespConnection.open(port);
  try {
    const text = String(await conn.command(['INFO', 'persistence']));
    const m = /keeldb_journal_latest_seq:(\d+)/.exec(text);
    if (m === null) throw new Error('INFO persistence has no keeldb_journal_latest_seq');
    return Number(m[1]);
  } finally {
    conn.close();
  }
}

function readField(prefix: string, thread: string, field: string): Float64Array {
  const b = readFileSync(`${prefix}.${thread}.${field}.f64`);
  return new Float64Array(b.buffer, b.byteOffset, b.length / 8);
}

async function main(): Promise<void> {
  const { group, workDir, stop } = benchWorkspace('keeldb-latency-breakdown-');
  try {
    const prefix = join(workDir, 'trace');
    const cluster = await startDurableCluster(group, workDir, repoRoot, {
      keeldb: opts.keeldb, secret,
      serverArgs: opts.nodeArgs.split(' ').filter((a) => a !== ''),
      serverEnv: { KEELDB_LATENCY_TRACE: prefix, ...(opts.handoffStats ? { KEELDB_HANDOFF_STATS: '1' } : {}) },
    });
    const port = cluster.port;
    await waitForPong(port, 60_000, () => cluster.dead());
    const bench = (n: number, p: number): Promise<unknown> =>
      group.run('redis-benchmark', 'redis-benchmark', ['-h', '127.0.0.1', '-p', String(port), '-c', String(opts.clients), '-d', '100',
        '-r', '1000000', '-n', String(n), '-t', 'set', '-P', String(p), '-q'], 600_000);
    await bench(20_000, 16); // warm-up: the JIT, the log's first segment
    const from = (await latestSeq(port)) + 1;
    const load = loadavg()[0]!;
    await new Promise((r) => setTimeout(r, 300)); // a fresh cumulative handoff line
    const handoffBefore = writerHandoffCounts(cluster.server.output());
    await bench(opts.n, opts.pipeline);
    const to = await latestSeq(port);
    await new Promise((r) => setTimeout(r, 300));
    const handoffAfter = writerHandoffCounts(cluster.server.output());
    // The worker threads write their stamps at most once a second: wait, then make the
    // engine push a reply record (it writes on a push); the main thread writes on exit.
    await new Promise((r) => setTimeout(r, 1500));
    await latestSeq(port);
    await group.stopAll();

    const f = (thread: string, field: string): Float64Array => readField(prefix, thread, field);
    const exec = f('engine', 'exec');
    const reqRecord = f('engine', 'reqRecord');
    const release = f('engine', 'release');
    const replyRecord = f('engine', 'replyRecord');
    const replyPush = f('engine', 'replyPush');
    const send = f('writer', 'send');
    const ack = f('writer', 'ack');
    const reqPush = f('main', 'reqPush');
    const replyWritten = f('main', 'replyWritten');
    const stages = ['request', 'toWriter', 'append', 'toEngine', 'toMain', 'write', 'total'] as const;
    const values = new Map<string, number[]>(stages.map((s) => [s, []]));
    const last = Math.min(to, exec.length - 1);
    // The first and last fifth are left out: the clients start and finish there.
    const skip = Math.floor((last - from) / 5);
    for (let seq = from + skip; seq <= last - skip; seq++) {
      const rq = reqRecord[seq]!;
      const rp = replyRecord[seq]!;
      const t = [reqPush[rq]!, exec[seq]!, send[seq]!, ack[seq]!, release[seq]!, replyPush[rp]!, replyWritten[rp]!];
      if (t.some((x) => !(x > 0))) continue;
      for (let i = 0; i < 6; i++) values.get(stages[i]!)!.push(t[i + 1]! - t[i]!);
      values.get('total')!.push(t[6]! - t[0]!);
    }
    const count = values.get('total')!.length;
    console.log(`latency breakdown: SET -P ${opts.pipeline} -c ${opts.clients} -n ${opts.n}, seqs ${from + skip}..${last - skip}, ${count} writes, load ${load.toFixed(1)}`);
    printLatencyTable('stage', stages, values, 9);

    // toWriter, split (see the file comment); a build older than the writer's pop stamps has none.
    if (!existsSync(`${prefix}.writer.pop.f64`)) return;
    const pop = f('writer', 'pop');
    const why = f('writer', 'why');
    const holdStart = f('writer', 'holdStart');
    const parts = ['inflight', 'hold', 'inHold', 'toPop'] as const;
    const partValues = new Map<string, number[]>(parts.map((s) => [s, []]));
    const whyNames = ['none', 'ack', 'data', 'holdTimer'];
    const holdByWhy = new Map<string, number[]>(whyNames.map((s) => [`hold@${s}`, []]));
    const recordsByWhy = new Map<string, number>(whyNames.map((s) => [s, 0]));
    for (let seq = from + skip; seq <= last - skip; seq++) {
      const e = exec[seq]!, s = send[seq]!, h = holdStart[seq]!, p = pop[seq]!;
      if (!(e > 0 && s > 0 && h > 0 && p > 0)) continue;
      const w = whyNames[why[seq]!] ?? 'none';
      recordsByWhy.set(w, recordsByWhy.get(w)! + 1);
      partValues.get('toPop')!.push(p - e);
      if (e < h) {
        partValues.get('inflight')!.push(h - e);
        partValues.get('hold')!.push(s - h);
      } else {
        partValues.get('inHold')!.push(s - e);
      }
      if (seq === from + skip || send[seq - 1] !== s) holdByWhy.get(`hold@${w}`)!.push(s - h); // once per append
    }
    console.log(`toWriter split: records by the send's wake-up ${[...recordsByWhy].map(([k, v]) => `${k} ${v}`).join(', ')};` +
      ` executed before the hold's ack ${partValues.get('inflight')!.length}, after it ${partValues.get('inHold')!.length}`);
    printLatencyTable('part', [...parts, ...holdByWhy.keys()], new Map([...partValues, ...holdByWhy]), 14);
    for (const [k, v] of holdByWhy) if (v.length > 0) console.log(`  appends sent at ${k.slice(5)}: ${v.length}`);
    if (opts.handoffStats) {
      const delta = [...handoffAfter].map(([k, v]) => `${k}=${v - (handoffBefore.get(k) ?? 0)}`).join(' ');
      console.log(`writer wake-ups over the measured run: ${delta}`);
    }
  } finally {
    await stop();
  }
}

await main();
