// The engine worker's share of issue 6's data-type requests, alone on one thread
// (benchmark process, main thread): redis-benchmark's own commands for -t lpush, lpop,
// sadd, hset, zadd and lrange_100 (-d 100 -r KEYS), batched as the io-mux would
// (-c 50 -P 16), then decoded and executed as the engine worker's executeBatch does
// (the loop of bench/endpoint/engine-batch.bench.ts: keep the three alike), replies into
// one ReplyWriter.
//
//   npx tsx bench/engine/types.bench.ts [--keys 100000] [--commands 1000000] [--runs 3] [--tests lpush,lpop,sadd,hset,zadd,lrange]
//   node --cpu-prof --import tsx bench/engine/types.bench.ts --tests zadd   (a profile of one test)
//   npx tsx bench/engine/types.bench.ts --b /tmp/other-checkout   (an A/B in one process)
//
// With --b, the engine source of another checkout (its src/, e.g. a `git worktree` of the
// commit to compare with) is imported beside this one's ("a") and both run the same
// batches, alternating run by run, so the load of a shared machine hits both alike.
//
// The commands, as redis-benchmark 7.0 formats them (__rand_int__ = 12 zero-padded digits
// below --keys):
//   lpush   LPUSH mylist <100 x>              one list, emptied (untimed) before each run
//   lpop    LPOP mylist                       the list refilled (untimed) before each run
//   sadd    SADD myset element:__rand_int__
//   hset    HSET myhash element:__rand_int__ <100 x>
//   zadd    ZADD myzset __rand_int__ element:__rand_int__  (score and member draw separately)
//   lrange  LRANGE mylist 0 99                over a list of 600 elements of 100 bytes
//                                             (redis-benchmark's lrange fill is LPUSH)
// Reported: CPU µs per command (process.cpuUsage, user + system), the median of the runs
// after one warm-up run. Keys start empty for each test (FLUSHALL between tests), so the
// set, hash and sorted set grow towards --keys members over the runs, as on a server.

import { Command } from 'commander';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { positiveInt } from '../endpoint/options.js';

const allTests = ['lpush', 'lpop', 'sadd', 'hset', 'zadd', 'lrange'] as const;
const opts = new Command()
  .name('bench/engine/types.bench.ts')
  .option('--keys <n>', 'the __rand_int__ range (redis-benchmark -r)', positiveInt, 100_000)
  .option('--commands <n>', 'commands per run', positiveInt, 1_000_000)
  .option('--runs <n>', 'runs per test (median reported)', positiveInt, 3)
  .option('--clients <n>', 'clients per batch (redis-benchmark -c)', positiveInt, 50)
  .option('--pipeline <n>', 'commands per client per batch (redis-benchmark -P)', positiveInt, 16)
  .option('--tests <list>', `comma-separated subset of ${allTests.join(',')}`, allTests.join(','))
  .option('--b <dir>', 'another checkout whose src/ runs side by side as "b"', '')
  .parse()
  .opts<{ keys: number; commands: number; runs: number; clients: number; pipeline: number; tests: string; b: string }>();

type EngineModule = typeof import('../../src/engine/engine.js');
type ReplyModule = typeof import('../../src/engine/reply.js');
type BatchModule = typeof import('../../src/workers/batch-format.js');
type Engine = InstanceType<EngineModule['Engine']>;
type ReplyWriter = InstanceType<ReplyModule['ReplyWriter']>;
type RequestReader = InstanceType<BatchModule['RequestReader']>;

/** One build's engine: its modules and a running Engine. */
interface Side {
  name: string;
  engine: Engine;
  ReplyWriter: ReplyModule['ReplyWriter'];
  BatchEncoder: BatchModule['BatchEncoder'];
  RequestReader: BatchModule['RequestReader'];
  RequestKind: BatchModule['RequestKind'];
}

async function loadSide(name: string, root: string): Promise<Side> {
  const url = (rel: string): string => pathToFileURL(resolve(root, rel)).href;
  const em = (await import(url('src/engine/engine.js'))) as EngineModule;
  const rm = (await import(url('src/engine/reply.js'))) as ReplyModule;
  const bm = (await import(url('src/workers/batch-format.js'))) as BatchModule;
  const engine = new em.Engine({ port: 6379, bind: '127.0.0.1' });
  return { name, engine, ReplyWriter: rm.ReplyWriter, BatchEncoder: bm.BatchEncoder, RequestReader: bm.RequestReader, RequestKind: bm.RequestKind };
}

const value = 'x'.repeat(100);
let seed = 12345;
/** A small deterministic PRNG: the same batches for every build compared. */
function randomBelow(n: number): number {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed % n;
}
const randInt = (): string => String(randomBelow(opts.keys)).padStart(12, '0');

/** One command's arguments for a test, as redis-benchmark sends it. */
function commandArgs(test: string): string[] {
  switch (test) {
    case 'lpush':
      return ['LPUSH', 'mylist', value];
    case 'lpop':
      return ['LPOP', 'mylist'];
    case 'sadd':
      return ['SADD', 'myset', `element:${randInt()}`];
    case 'hset':
      return ['HSET', 'myhash', `element:${randInt()}`, value];
    case 'zadd':
      return ['ZADD', 'myzset', randInt(), `element:${randInt()}`];
    case 'lrange':
      return ['LRANGE', 'mylist', '0', '99'];
    default:
      throw new Error(`unknown test ${test} (expected one of ${allTests.join(',')})`);
  }
}

/** Encodes `argvs` into batch records of `clients` x `pipeline` commands, as the io-mux would. */
function encode(side: Side, argvs: readonly (readonly string[])[], clientOf: (i: number) => number): Buffer[] {
  const records: Buffer[] = [];
  const encoder = new side.BatchEncoder((record) => records.push(Buffer.from(record)), 4 * 1024 * 1024, 1024 * 1024);
  let starts = new Int32Array(8);
  let ends = new Int32Array(8);
  const perBatch = opts.clients * opts.pipeline;
  for (let i = 0; i < argvs.length; i++) {
    const argv = argvs[i]!;
    const src = Buffer.from(argv.join(''), 'latin1');
    if (argv.length > starts.length) {
      starts = new Int32Array(argv.length);
      ends = new Int32Array(argv.length);
    }
    let at = 0;
    for (let a = 0; a < argv.length; a++) {
      starts[a] = at;
      at += argv[a]!.length;
      ends[a] = at;
    }
    encoder.commandFromOffsets(clientOf(i), src, starts, ends, argv.length);
    if ((i + 1) % perBatch === 0) encoder.flush();
  }
  encoder.flush();
  return records;
}

function buildArgvs(test: string, count: number): string[][] {
  const argvs: string[][] = new Array<string[]>(count);
  for (let i = 0; i < count; i++) argvs[i] = commandArgs(test);
  return argvs;
}

/** Within a batch: client 1's `pipeline` commands, then client 2's, ... */
function buildBatches(side: Side, argvs: readonly (readonly string[])[]): Buffer[] {
  return encode(side, argvs, (i) => 1 + (Math.floor(i / opts.pipeline) % opts.clients));
}

/** Runs one-off commands (setup, untimed) on client 1. */
function run(side: Side, argvs: string[][]): void {
  const out = new side.ReplyWriter();
  const reader = new side.RequestReader();
  for (const r of encode(side, argvs, () => 1)) {
    out.reset();
    executeRequestBatch(side, reader, r, out);
  }
}

function openClients(side: Side): void {
  const records: Buffer[] = [];
  const encoder = new side.BatchEncoder((record) => records.push(Buffer.from(record)), 4 * 1024 * 1024, 1024 * 1024);
  for (let c = 1; c <= opts.clients; c++) encoder.open(c, `127.0.0.1:${10000 + c}`, '127.0.0.1:6379');
  encoder.flush();
  const out = new side.ReplyWriter();
  const reader = new side.RequestReader();
  for (const r of records) executeRequestBatch(side, reader, r, out);
}

/** The command and open entries of engine-worker.ts's executeBatch (no tracker: --journal none). */
function executeRequestBatch(side: Side, reader: RequestReader, record: Buffer, out: ReplyWriter): void {
  const engine = side.engine;
  reader.reset(record);
  engine.beginTimedBatch();
  while (!reader.done) {
    const kind = reader.u8();
    const clientId = reader.u32();
    if (kind === side.RequestKind.command) {
      const argc = reader.u32();
      const argv = new Array<Buffer>(argc);
      for (let i = 0; i < argc; i++) argv[i] = reader.bytes(reader.u32());
      engine.execute(clientId, argv, out);
    } else {
      if (kind !== side.RequestKind.open) throw new Error(`unexpected request entry kind ${kind}`);
      engine.openClient(clientId, reader.latin1(), reader.latin1());
    }
    if (out.length >= 1024 * 1024) out.reset();
  }
  engine.endTimedBatch();
}

/** Untimed state a run needs first. */
function setup(side: Side, test: string): void {
  if (test === 'lpush') {
    run(side, [['DEL', 'mylist']]); // bounds the memory: one run's elements at a time
  } else if (test === 'lpop') {
    run(side, [['DEL', 'mylist']]);
    const push: string[][] = [];
    for (let i = 0; i < opts.commands; i += 1000) push.push(['RPUSH', 'mylist', ...new Array<string>(Math.min(1000, opts.commands - i)).fill(value)]);
    run(side, push);
  } else if (test === 'lrange') {
    run(side, [['DEL', 'mylist'], ['LPUSH', 'mylist', ...new Array<string>(600).fill(value)]]);
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const sides = [await loadSide('a', new URL('../../', import.meta.url).pathname)];
if (opts.b !== '') sides.push(await loadSide('b', opts.b));
for (const side of sides) openClients(side);
for (const test of opts.tests.split(',')) {
  const argvs = buildArgvs(test, opts.commands);
  const results = sides.map((side) => {
    run(side, [['FLUSHALL']]);
    const out = new side.ReplyWriter(1024 * 1024);
    return { side, batches: buildBatches(side, argvs), out, reader: new side.RequestReader(), perCommandUs: [] as number[] };
  });
  for (let r = 0; r < opts.runs + 1; r++) {
    for (const x of r % 2 === 0 ? results : [...results].reverse()) {
      setup(x.side, test);
      const before = process.cpuUsage();
      for (const record of x.batches) {
        x.out.reset();
        executeRequestBatch(x.side, x.reader, record, x.out);
      }
      const used = process.cpuUsage(before);
      if (r > 0) x.perCommandUs.push((used.user + used.system) / opts.commands); // run 0 warms up
    }
  }
  for (const x of results) {
    const label = sides.length > 1 ? ` [${x.side.name}]` : '';
    console.log(`${test.toUpperCase()}${label} -P ${opts.pipeline} x ${opts.clients} clients, -r ${opts.keys}: ${median(x.perCommandUs).toFixed(3)} CPU µs/command (runs: ${x.perCommandUs.map((v) => v.toFixed(3)).join(', ')})`);
  }
}
