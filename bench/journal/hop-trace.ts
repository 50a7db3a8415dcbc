// Where a durable SET's journal append spends its time, hop by hop across processes, and
// what each log node's CPU is per append, under the durability benchmark's load
// (redis-benchmark -c 50 -d 100 -r 1000000 -t set -P 1 by default).
//
//   npx tsc -p tsconfig.json && npx tsx bench/journal/hop-trace.ts [--keeldb <bin/keeldb.js>]
//       [--n 50000] [--pipeline 1] [--clients 50] [--value-bytes 100] [--cpu-prof <dir>] [--no-trace]
//
// Starts three log nodes and a server with KEELDB_JOURNAL_TRACE set (src/journal/hop-trace.ts:
// the journal client, the wire connections, the log node and Raft stamp events; off and
// free in a normal run), runs a warm-up and the measured run, stops everything (each
// process writes its stamps) and, for every append acknowledged in the measured run's
// middle three fifths, prints the p50 / p99 of each hop (ms):
//   writer sent -> leader read -> AE sent -> follower read -> follower synced ->
//   ack sent -> leader read ack -> commit -> appendOk sent -> writer read
// (the follower hops for the follower whose ack reached the leader first), and the CPU
// (user + system, /proc) of each log node per append over the measured run.
// With --no-trace nothing is stamped (CPU only); --cpu-prof writes each log node's
// V8 profile into that directory. A build without hop-trace.ts prints CPU only.
//
// Invariant: every process started here is stopped before exit (ProcessGroup).

import { Command } from 'commander';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchWorkspace } from '../endpoint/processes.js';
import { RespConnection, waitForPong } from '../endpoint/resp-client.js';
import { positiveInt } from '../endpoint/options.js';
import { printLatencyTable } from '../endpoint/bench-stats.js';
import { startDurableCluster } from '../durability/cluster.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const secret = 'hop-trace-secret';
const clockTicksPerSecond = 100;

const opts = new Command()
  .name('bench/journal/hop-trace.ts')
  .option('--keeldb <path>', 'the keeldb entry to run', join(repoRoot, 'bin/keeldb.js'))
  .option('--n <n>', 'requests in the measured run', positiveInt, 50_000)
  .option('--pipeline <n>', 'redis-benchmark -P', positiveInt, 1)
  .option('--clients <n>', 'redis-benchmark -c', positiveInt, 50)
  .option('--value-bytes <n>', 'redis-benchmark -d (4096 with --pipeline 16: the 4 KiB row)', positiveInt, 100)
  .option('--cpu-prof <dir>', 'write each log node\'s --cpu-prof profile here')
  .option('--no-trace', 'stamp nothing (CPU per append only)')
  .option('--node-args <args>', 'extra node flags for the log nodes (space-separated)', '')
  .option('--keep-output <dir>', 'write each log node\'s stdout and stderr tail here')
  .parse()
  .opts<{ keeldb: string; n: number; pipeline: number; clients: number; valueBytes: number; cpuProf?: string; trace: boolean; nodeArgs: string; keepOutput?: string }>();

/** Minor page faults of a process so far (/proc/PID/stat field 10). */
function minorFaults(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[7]);
}

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14, 15)
}

/** INFO persistence counters: appends made and writes committed so far. */
async function journalCounters(port: number): Promise<{ appends: number; seq: number }> {
  const conn = await RespConnection.open(port);
  try {
    const text = String(await conn.command(['INFO', 'persistence']));
    const field = (name: string): number => Number(new RegExp(`${name}:(\\d+)`).exec(text)?.[1] ?? NaN);
    return { appends: field('keeldb_journal_appends'), seq: field('keeldb_journal_committed_seq') };
  } finally {
    conn.close();
  }
}

/** One event stream: times in order and the running maximum of their indexes. */
interface Stream {
  readonly maxIndex: number[];
  readonly time: number[];
}

function streamOf(events: { index: number; time: number }[]): Stream {
  events.sort((a, b) => a.time - b.time);
  const maxIndex: number[] = [];
  const time: number[] = [];
  let max = 0;
  for (const e of events) {
    max = Math.max(max, e.index);
    maxIndex.push(max);
    time.push(e.time);
  }
  return { maxIndex, time };
}

/** The time the stream first reached an index >= at (NaN if never). */
function firstAtOrAbove(s: Stream | undefined, at: number): number {
  if (s === undefined) return NaN;
  let lo = 0;
  let hi = s.maxIndex.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (s.maxIndex[mid]! >= at) hi = mid;
    else lo = mid + 1;
  }
  return lo < s.time.length ? s.time[lo]! : NaN;
}

/** Reads every trace file: role -> event -> stream. */
function readTraces(dir: string): Map<string, Map<string, Stream>> {
  const byRole = new Map<string, Map<string, { index: number; time: number }[]>>();
  for (const file of readdirSync(dir)) {
    if (!file.endsWith('.trace')) continue;
    const role = file.slice(0, file.indexOf('-'));
    const events = byRole.get(role) ?? new Map<string, { index: number; time: number }[]>();
    byRole.set(role, events);
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      if (line === '') continue;
      const [event, index, time] = line.split(' ');
      const list = events.get(event!) ?? [];
      events.set(event!, list);
      list.push({ index: Number(index), time: Number(time) });
    }
  }
  const out = new Map<string, Map<string, Stream>>();
  for (const [role, events] of byRole) {
    const streams = new Map<string, Stream>();
    for (const [event, list] of events) streams.set(event, streamOf(list));
    out.set(role, streams);
  }
  return out;
}

async function main(): Promise<void> {
  const { group, workDir, stop } = benchWorkspace('keeldb-hop-trace-');
  try {
    const traceDir = join(workDir, 'trace');
    mkdirSync(traceDir);
    const nodeArgs = (id: number): string[] => {
      const args = opts.cpuProf !== undefined ? ['--cpu-prof', '--cpu-prof-dir', opts.cpuProf, '--cpu-prof-name', `node${id}.cpuprofile`] : [];
      if (opts.nodeArgs !== '') args.push(...opts.nodeArgs.split(' '));
      return args;
    };
    const { port, nodes, dead } = await startDurableCluster(group, workDir, repoRoot, {
      keeldb: opts.keeldb, secret, nodeArgs,
      env: opts.trace ? { KEELDB_JOURNAL_TRACE: traceDir } : undefined,
    });
    await waitForPong(port, 60_000, dead);
    const bench = (n: number, p: number): Promise<unknown> =>
      group.run('redis-benchmark', 'redis-benchmark', ['-h', '127.0.0.1', '-p', String(port), '-c', String(opts.clients), '-d', String(opts.valueBytes),
        '-r', '1000000', '-n', String(n), '-t', 'set', '-P', String(p), '-q'], 600_000);
    await bench(20_000, 16); // warm-up: the JIT, the log's first segment
    const load = loadavg()[0]!;
    const counters0 = await journalCounters(port);
    const ticks0 = nodes.map((m) => cpuTicks(m.pid));
    const faults0 = nodes.map((m) => minorFaults(m.pid));
    const t0 = Number(process.hrtime.bigint()) / 1000;
    await bench(opts.n, opts.pipeline);
    const t1 = Number(process.hrtime.bigint()) / 1000;
    const ticks1 = nodes.map((m) => cpuTicks(m.pid));
    const faults1 = nodes.map((m) => minorFaults(m.pid));
    const counters1 = await journalCounters(port);
    await group.stopAll();

    const traces = readTraces(traceDir);
    const client = traces.get('client');
    const mb = (counters1.seq - counters0.seq) * opts.valueBytes / 1e6;
    console.log(`hop trace: SET -P ${opts.pipeline} -c ${opts.clients} -d ${opts.valueBytes} -n ${opts.n}, load ${load.toFixed(1)}, ${opts.keeldb}`);
    // Appends of the measured run: from the leader's trace if there is one, else unknown.
    let leaderRole = '';
    const followerRoles: string[] = [];
    for (const [role, streams] of traces) {
      if (!role.startsWith('node')) continue;
      if (streams.has('lRead')) leaderRole = role;
      else followerRoles.push(role);
    }
    const leader = traces.get(leaderRole);
    const cSent = client?.get('cSent');
    const appends = counters1.appends - counters0.appends;
    const cpu = nodes.map((m, i) => ((ticks1[i]! - ticks0[i]!) / clockTicksPerSecond) * 1e6 / appends).sort((a, b) => b - a);
    console.log(`${appends} appends, ${((counters1.seq - counters0.seq) / appends).toFixed(1)} records per append; ` +
      `log nodes' CPU µs per append (busiest first: the leader): ${cpu.map((c) => c.toFixed(0)).join(' / ')}; ` +
      `per MB of values: ${cpu.map((c) => ((c * appends) / mb / 1000).toFixed(1)).join(' / ')} ms (${(mb / ((t1 - t0) / 1e6)).toFixed(1)} MB/s); ` +
      `minor faults per append (node order): ${nodes.map((_, i) => ((faults1[i]! - faults0[i]!) / appends).toFixed(0)).join(' / ')}`);
    if (client === undefined || leader === undefined || cSent === undefined) return;

    const hops = ['sent->leaderRead', 'leaderRead->aeSent', 'aeSent->fRead', 'fRead->fHandle', 'fHandle->fSynced', 'fSynced->ackSent',
      'ackSent->ackRead', 'leaderRead->lSynced', 'ackRead->commit', 'commit->okSent', 'okSent->writerRead', 'total', 'firstAck->secondAck'] as const;
    const values = new Map<string, number[]>(hops.map((h) => [h, []]));
    const cRead = client.get('cRead')!;
    // The middle three fifths of the measured run's appends.
    const ids: number[] = [];
    for (let i = 0; i < cSent.time.length; i++) if (cSent.time[i]! >= t0 && cSent.time[i]! <= t1) ids.push(cSent.maxIndex[i]!);
    const skip = Math.floor(ids.length / 5);
    let commitByAck = 0;
    let commitByLeader = 0;
    for (const L of ids.slice(skip, ids.length - skip)) {
      const sent = firstAtOrAbove(cSent, L);
      const read = firstAtOrAbove(cRead, L);
      const lRead = firstAtOrAbove(leader.get('lRead'), L);
      // The follower whose acknowledgment reached the leader first.
      let best = '';
      let bestAck = Infinity;
      let otherAck = Infinity;
      for (const f of followerRoles) {
        const ack = firstAtOrAbove(leader.get(`ackRead${f.slice(4)}`), L);
        if (ack < bestAck) {
          otherAck = bestAck;
          bestAck = ack;
          best = f;
        } else if (ack < otherAck) {
          otherAck = ack;
        }
      }
      if (best === '') continue;
      const fs = traces.get(best)!;
      const aeSent = firstAtOrAbove(leader.get(`aeSent${best.slice(4)}`), L);
      const fRead = firstAtOrAbove(fs.get('fRead'), L);
      const fHandle = firstAtOrAbove(fs.get('fHandle'), L);
      const fSynced = firstAtOrAbove(fs.get('fSynced'), L);
      const ackSent = firstAtOrAbove(fs.get('ackSent'), L);
      const lSynced = firstAtOrAbove(leader.get('lSynced'), L);
      const commit = firstAtOrAbove(leader.get('commit'), L);
      const okSent = firstAtOrAbove(leader.get('okSent'), L);
      const t = [sent, lRead, aeSent, fRead, fHandle, fSynced, ackSent, bestAck];
      if (t.some((x) => Number.isNaN(x)) || Number.isNaN(commit) || Number.isNaN(okSent) || Number.isNaN(read)) continue;
      for (let i = 0; i < 7; i++) values.get(hops[i]!)!.push((t[i + 1]! - t[i]!) / 1000);
      values.get('leaderRead->lSynced')!.push((lSynced - lRead) / 1000);
      values.get('ackRead->commit')!.push((commit - bestAck) / 1000);
      values.get('commit->okSent')!.push((okSent - commit) / 1000);
      values.get('okSent->writerRead')!.push((read - okSent) / 1000);
      values.get('total')!.push((read - sent) / 1000);
      if (Number.isFinite(otherAck)) values.get('firstAck->secondAck')!.push((otherAck - bestAck) / 1000);
      if (lSynced <= bestAck) commitByAck++;
      else commitByLeader++;
    }
    console.log(`${values.get('total')!.length} appends joined; the leader's own write ended before the first ack in ${commitByAck}, after in ${commitByLeader}`);
    printLatencyTable('hop', hops, values, 21);
  } finally {
    await stop();
  }
}

await main();
