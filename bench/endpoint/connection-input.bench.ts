// In-process micro-benchmark of the io-mux's per-read JS (benchmark process, main
// thread): Connection.onData on the chunks redis-benchmark sends (-d 100, GET and SET,
// -P 1 and -P 16), through the real RequestParser and a real BatchEncoder (flushed to a
// counting sink every 64 reads, as the io-mux flushes once per event-loop turn) and a
// real busy gate (no script busy). The
// socket is a stand-in (no handle, so 'stream' reads), so this times our JS alone: the
// parser, the connection's bookkeeping and the encoder, not Node's read callback or
// the kernel. A/B of two builds, alternating rounds:
//
//   npx tsx bench/endpoint/connection-input.bench.ts --a /tmp/s5/base/dist --b dist [--rounds 5]
//
// Prints CPU ns per command, the median over rounds, for each build and their ratio.

import { Command } from 'commander';
import { positiveInt } from './options.js';
import { alternatingRounds, printAbMedians } from './bench-stats.js';
import { encodeArgv } from './resp-client.js';

const program = new Command()
  .name('bench/endpoint/connection-input.bench.ts')
  .requiredOption('--a <dist>', "the first build's dist directory (holds src/io-mux/connection.js)")
  .requiredOption('--b <dist>', "the second build's dist directory")
  .option('--rounds <n>', 'alternating rounds (medians reported)', positiveInt, 5)
  .option('--reads <n>', 'onData calls per timed round and shape', positiveInt, 400_000)
  .parse();
const opts = program.opts<{ a: string; b: string; rounds: number; reads: number }>();

/** `depth` commands as redis-benchmark -d 100 sends them, in one chunk. */
function chunk(kind: 'GET' | 'SET', depth: number): Buffer {
  const value = Buffer.alloc(100, 0x78);
  const cmds: Buffer[] = [];
  for (let i = 0; i < depth; i++) {
    const key = `key:${String(100000000000 + i * 7919).slice(-12)}`;
    cmds.push(encodeArgv(kind === 'SET' ? ['SET', key, value] : ['GET', key]));
  }
  return Buffer.concat(cmds);
}

const shapes = [
  { name: 'GET -P 1', data: chunk('GET', 1), depth: 1 },
  { name: 'SET -P 1', data: chunk('SET', 1), depth: 1 },
  { name: 'GET -P 16', data: chunk('GET', 16), depth: 16 },
  { name: 'SET -P 16', data: chunk('SET', 16), depth: 16 },
];

/** What the benchmark drives of a build's Connection. */
interface BenchConnection {
  onData(chunk: Buffer, length: number): void;
}

interface Build {
  label: string;
  /** A fresh connection on a stand-in socket, and the flush the io-mux would do per turn. */
  make(): { conn: BenchConnection; flush: () => void };
}

let sink = 0;

async function loadBuild(label: string, dist: string): Promise<Build> {
  const { Connection } = (await import(`${dist}/src/io-mux/connection.js`)) as {
    Connection: new (id: number, socket: unknown, host: unknown, requirePass: boolean) => BenchConnection;
  };
  const { BatchEncoder } = (await import(`${dist}/src/workers/batch-format.js`)) as {
    BatchEncoder: new (sink: (record: Buffer) => void, recordBytesMax: number, flushBytes: number) => { flush(): void };
  };
  const { BusyGate } = (await import(`${dist}/src/io-mux/busy-gate.js`)) as {
    BusyGate: new (control: unknown, host: { drainReplies(): void; shutdownNow(): void }) => unknown;
  };
  const { ControlArea } = (await import(`${dist}/src/workers/control-area.js`)) as {
    ControlArea: { create(config: { maxClients: number; protoMaxBulkLen: number; queryBufferBytesMax: number }): unknown };
  };
  return {
    label,
    make() {
      const encoder = new BatchEncoder((record) => {
        sink += record.length;
      }, 4 * 1024 * 1024, 1024 * 1024);
      const host = {
        encoder,
        scheduleFlush(): void {},
        shouldPauseForBacklog: (): boolean => false,
        outputPauseBytes: 1 << 20,
        outputBytesMax: 1 << 26,
        // Never reached here: no sync entry could come back.
        requestInflightBytes: Number.MAX_SAFE_INTEGER,
        requestRecords: 0,
        // As in the server: a gate over a control area where no script is busy.
        busyGate: new BusyGate(ControlArea.create({ maxClients: 10_000, protoMaxBulkLen: 512 * 1024 * 1024, queryBufferBytesMax: 1024 * 1024 * 1024 }), {
          drainReplies(): void {},
          shutdownNow(): void {},
        }),
      };
      let paused = true;
      const socket = {
        isPaused: (): boolean => paused,
        pause(): void {
          paused = true;
        },
        resume(): void {
          paused = false;
        },
        on(): void {},
        once(): void {},
        destroyed: false,
        writableLength: 0,
      };
      return { conn: new Connection(1, socket, host, false), flush: () => encoder.flush() };
    },
  };
}

/**
 * CPU ns per command of `reads` onData calls of `data` (process CPU time, not wall time:
 * on a shared machine the wall clock also counts the time others had the core).
 */
function time(build: Build, data: Buffer, depth: number, reads: number): number {
  const { conn, flush } = build.make();
  const start = process.cpuUsage();
  for (let i = 0; i < reads; i++) {
    conn.onData(data, data.length);
    if ((i & 63) === 63) flush();
  }
  flush();
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / (reads * depth);
}

async function main(): Promise<void> {
  const builds = [await loadBuild('a', opts.a), await loadBuild('b', opts.b)];
  // Warm-up: every shape through both builds, so both are optimised before timing.
  for (const b of builds) for (const s of shapes) time(b, s.data, s.depth, 100_000);
  const samples = alternatingRounds(builds, shapes, opts.rounds, (b, s) => time(b, s.data, s.depth, s.depth === 1 ? opts.reads : opts.reads / 8));
  printAbMedians(`Connection.onData, ns per command, medians of ${opts.rounds} rounds; node ${process.version}`, opts, shapes, samples);
  if (sink === -1) console.log('');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
