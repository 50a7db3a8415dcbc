// In-process micro-benchmark of the io-mux's reply drain (benchmark process, main
// thread): IoMux.drainReplies on reply records shaped as the engine builds them for
// redis-benchmark -c 50 -d 100 (GET: a 106-byte bulk reply, SET: +OK; -P 1: one entry
// for each of 50 connections, -P 16: 16 consecutive entries for each), pushed into a
// real reply ring. The 50 connections are stand-ins that take the drain's writes and
// count their bytes (no socket, no kernel), so this times our JS alone: popping the
// record, walking its entries, copying the replies out of the ring and the per
// connection bookkeeping, plus the ring push (the same in both builds). A/B of two
// builds, alternating rounds:
//
//   npx tsx bench/io-mux/reply-drain.bench.ts --a /tmp/s6/base/dist --b dist [--rounds 5]
//
// Prints CPU ns per reply entry, the median over rounds, for each build and their ratio.

import { MessageChannel } from 'node:worker_threads';
import { Command } from 'commander';
import { EntryKind } from '../../src/engine/reply.js';
import { RecordKind, replyEntryHeaderBytes } from '../../src/workers/batch-format.js';
import { positiveInt } from '../endpoint/options.js';
import { alternatingRounds, printAbMedians } from '../endpoint/bench-stats.js';

const program = new Command()
  .name('bench/io-mux/reply-drain.bench.ts')
  .requiredOption('--a <dist>', "the first build's dist directory (holds src/io-mux/io-mux.js)")
  .requiredOption('--b <dist>', "the second build's dist directory")
  .option('--rounds <n>', 'alternating rounds (medians reported)', positiveInt, 5)
  .option('--entries <n>', 'reply entries drained per timed round and shape', positiveInt, 2_000_000)
  .parse();
const opts = program.opts<{ a: string; b: string; rounds: number; entries: number }>();

const connectionCount = 50;
const entryKindReply = EntryKind.reply;
const recordKindBatch = RecordKind.batch;
const entryHeaderBytes = replyEntryHeaderBytes;

function record(body: Buffer, depth: number): Buffer {
  const parts: Buffer[] = [Buffer.from([recordKindBatch])];
  for (let c = 1; c <= connectionCount; c++) {
    for (let i = 0; i < depth; i++) {
      const head = Buffer.alloc(entryHeaderBytes);
      head[0] = entryKindReply;
      head.writeUInt32LE(c, 1);
      head.writeUInt32LE(body.length, 5);
      parts.push(head, body);
    }
  }
  return Buffer.concat(parts);
}

const getReply = Buffer.from(`$100\r\n${'x'.repeat(100)}\r\n`);
const setReply = Buffer.from('+OK\r\n');
const shapes = [
  { name: 'GET -P 1', data: record(getReply, 1), entries: connectionCount },
  { name: 'SET -P 1', data: record(setReply, 1), entries: connectionCount },
  { name: 'GET -P 16', data: record(getReply, 16), entries: connectionCount * 16 },
  { name: 'SET -P 16', data: record(setReply, 16), entries: connectionCount * 16 },
];

let sink = 0;

/** What the drain uses of a Connection, writing nowhere. */
class StandInConnection {
  state = 'open';
  drainEpoch = 0;
  readonly drainRuns: number[] = [];
  drainClose = false;
  drainSynced = 0;
  outputBytes = 0;
  write(bytes: Uint8Array): void {
    sink += bytes.length;
  }
  writeRuns(_out: Buffer, runs: readonly number[]): void {
    sink += runs.length;
  }
  endAfterWrites(): void {}
  onSynced(): void {}
  setAuthenticated(): void {}
}

interface Ring {
  tryPush(record: Uint8Array): boolean;
}

interface Build {
  label: string;
  ring: Ring;
  drain: () => void;
}

async function loadBuild(label: string, dist: string): Promise<Build> {
  const { IoMux } = (await import(`${dist}/src/io-mux/io-mux.js`)) as {
    IoMux: new (opts: unknown) => { connections: Map<number, unknown>; drainReplies(): void };
  };
  const { SpscRing } = (await import(`${dist}/src/ring/spsc-ring.js`)) as {
    SpscRing: { create(bytes: number): Ring };
  };
  const replyRing = SpscRing.create(1 << 22);
  const channel = new MessageChannel();
  const mux = new IoMux({
    requestRing: SpscRing.create(1 << 16),
    replyRing,
    port: channel.port1,
    jumboCounters: new Int32Array(new SharedArrayBuffer(16)),
    requirePass: false,
  });
  for (let c = 1; c <= connectionCount; c++) mux.connections.set(c, new StandInConnection());
  return { label, ring: replyRing, drain: () => mux.drainReplies() };
}

/** CPU ns per reply entry of pushing and draining `data` until `entries` entries. */
function time(build: Build, data: Buffer, perRecord: number, entries: number): number {
  const records = Math.max(1, Math.round(entries / perRecord));
  const start = process.cpuUsage();
  for (let i = 0; i < records; i++) {
    if (!build.ring.tryPush(data)) throw new Error('reply ring full');
    build.drain();
  }
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / (records * perRecord);
}

async function main(): Promise<void> {
  const builds = [await loadBuild('a', opts.a), await loadBuild('b', opts.b)];
  for (const b of builds) for (const s of shapes) time(b, s.data, s.entries, 200_000);
  const samples = alternatingRounds(builds, shapes, opts.rounds, (b, s) => time(b, s.data, s.entries, opts.entries));
  printAbMedians(`IoMux.drainReplies (with the ring push), ns per reply entry, medians of ${opts.rounds} rounds; node ${process.version}`, opts, shapes, samples);
  if (sink === -1) console.log('');
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
