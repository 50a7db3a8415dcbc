// The engine worker's durable overhead per write, alone on one thread (benchmark
// process, main thread): the same SET batches (redis-benchmark -c 50 -P 16 -d 100
// traffic, built with the io-mux's BatchEncoder) executed as engine-worker.ts does,
// once as a cache (--journal none: no tracker, no effects) and once durable: the
// Tracker holds every reply, an EffectsPublisher encodes each effect record into a
// real effects ring, a stand-in journal writer pops them in this thread (its cost is
// counted, it is small), and each batch's commit arrives one batch later (committedSeq,
// then Tracker.release as the worker's releaseCommitted does), so that held replies are
// copied in and out as under load. Keep the loop alike engine-worker.ts's.
//
//   npx tsx bench/durability/engine-durable.bench.ts [--keys 100000] [--commands 1000000] [--runs 3]
//       [--modes cache,durable] [--pipeline 16] [--value-bytes 100]
//
// The request batches lie in a SharedArrayBuffer, each at an 8-aligned offset, as the
// io-mux's request ring holds them: copies out of them (a value into the effects ring)
// cost what they cost in the server, which depends on both ends' alignment.
//
// Reported: CPU µs per SET (process.cpuUsage, user + system), median of the runs, per
// mode; durable minus cache is what the write path costs the engine thread in JS (not
// the thread wake-ups, which need real threads: bench/durability/cpu-per-write.ts).

import { Command } from 'commander';
import { Engine } from '../../src/engine/engine.js';
import { prefetchGroupKeys, prefetchKeysMax } from '../../src/engine/dense-dict.js';
import { ReplyWriter } from '../../src/engine/reply.js';
import { EffectsPublisher } from '../../src/durability/effects-publisher.js';
import { DurabilityShared, SharedBig } from '../../src/durability/shared-state.js';
import { Tracker } from '../../src/durability/tracker.js';
import { SpscRing } from '../../src/ring/spsc-ring.js';
import { BatchEncoder, RequestKind, RequestReader, recordHeaderBytes } from '../../src/workers/batch-format.js';
import { benchmarkKey } from '../endpoint/resp-client.js';
import { positiveInt } from '../endpoint/options.js';

const opts = new Command()
  .name('bench/durability/engine-durable.bench.ts')
  .option('--keys <n>', 'keys prefilled and random key range', positiveInt, 100_000)
  .option('--commands <n>', 'SETs per run', positiveInt, 1_000_000)
  .option('--runs <n>', 'runs per mode (median reported)', positiveInt, 3)
  .option('--clients <n>', 'clients per batch (redis-benchmark -c)', positiveInt, 50)
  .option('--pipeline <n>', 'commands per client per batch (redis-benchmark -P)', positiveInt, 16)
  .option('--modes <list>', 'comma-separated subset of cache,durable', 'cache,durable')
  .option('--value-bytes <n>', 'SET value size (redis-benchmark -d)', positiveInt, 100)
  .parse()
  .opts<{ keys: number; commands: number; runs: number; clients: number; pipeline: number; modes: string; valueBytes: number }>();

const value = Buffer.alloc(opts.valueBytes, 'x');
let seed = 12345;
function randomBelow(n: number): number {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed % n;
}

function buildBatches(count: number): Buffer[] {
  const records: Buffer[] = [];
  const encoder = new BatchEncoder((record) => records.push(Buffer.from(record)), 4 * 1024 * 1024, 1024 * 1024);
  const starts = Int32Array.of(0, 3, 19);
  const ends = Int32Array.of(3, 19, 19 + value.length);
  const src = Buffer.alloc(19 + value.length);
  src.latin1Write('SET', 0);
  value.copy(src, 19);
  for (let done = 0; done < count; ) {
    for (let c = 1; c <= opts.clients && done < count; c++) {
      for (let p = 0; p < opts.pipeline && done < count; p++, done++) {
        src.latin1Write(benchmarkKey(randomBelow(opts.keys)), 3);
        encoder.commandFromOffsets(c, src, starts, ends, 3);
      }
    }
    encoder.flush();
  }
  // Into shared memory, 8-aligned, as in the request ring.
  let total = 0;
  for (const r of records) total += (r.length + 7) & ~7;
  const shared = Buffer.from(new SharedArrayBuffer(total));
  let at = 0;
  return records.map((r) => {
    const view = shared.subarray(at, at + r.length);
    r.copy(view);
    at += (r.length + 7) & ~7;
    return view;
  });
}

interface Setup {
  readonly engine: Engine;
  readonly tracker?: Tracker;
  readonly effects?: EffectsPublisher;
  readonly ring?: SpscRing;
  readonly shared?: DurabilityShared;
}

function setup(durable: boolean): Setup {
  const engine = new Engine({ port: 6379, bind: '127.0.0.1' });
  const db = engine.keyspace.db(0);
  const v = value.latin1Slice(0, value.length);
  for (let i = 0; i < opts.keys; i++) db.set(benchmarkKey(i), v);
  for (let c = 1; c <= opts.clients; c++) engine.openClient(c, `127.0.0.1:${10000 + c}`, '127.0.0.1:6379');
  if (!durable) return { engine };
  const shared = DurabilityShared.create();
  const ring = SpscRing.create(64 * 1024 * 1024);
  const tracker = new Tracker((argv) => engine.resolve(argv));
  const effects = new EffectsPublisher(ring, tracker, shared);
  engine.tracker = tracker;
  engine.onEffects = (record) => {
    effects.publish(record);
  };
  return { engine, tracker, effects, ring, shared };
}

function run(s: Setup, batches: readonly Buffer[], out: ReplyWriter, reader: RequestReader): void {
  const { engine, tracker, effects, ring, shared } = s;
  let previousSeq = 0;
  for (const record of batches) {
    // startReplyRecord
    out.reset();
    out.ensure(recordHeaderBytes);
    out.length = recordHeaderBytes;
    tracker?.resetFrontier(out, recordHeaderBytes);
    // executeBatch
    reader.reset(record);
    engine.beginTimedBatch();
    let prefetchLeft = 0;
    while (!reader.done) {
      const kind = reader.u8();
      const clientId = reader.u32();
      if (kind !== RequestKind.command) throw new Error(`unexpected request entry kind ${kind}`);
      const argv = reader.argv();
      // The worker's key prefetch pipeline (DenseDict.prefetchKeys), as engine-worker.ts runs it.
      if (--prefetchLeft <= 0) {
        const peeked = reader.peekKeys(prefetchKeysMax);
        if (peeked > 0) engine.prefetchKeys(reader.buf, reader.peekStarts, reader.peekLengths, peeked);
        prefetchLeft = Math.min(peeked, prefetchGroupKeys);
      }
      engine.execute(clientId, argv, out);
    }
    engine.endTimedBatch();
    if (tracker !== undefined && ring !== undefined && shared !== undefined && effects !== undefined) {
      // flushReplies publishes the batch's records (effects.notify); the stand-in journal
      // writer takes them; the previous batch commits.
      effects.notify();
      while (ring.tryPop() !== null) ring.release();
      if (previousSeq > 0) shared.store(SharedBig.committedSeq, previousSeq);
      previousSeq = tracker.latestSeq;
      // releaseCommitted (at the worker's next loop turn), then flushReplies' catch-up
      const committed = shared.load(SharedBig.committedSeq);
      if (committed > tracker.committedSeq) tracker.release(committed, out);
      tracker.catchUp(out);
    }
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const batches = buildBatches(opts.commands);
const results: string[] = [];
for (const mode of opts.modes.split(',')) {
  const s = setup(mode === 'durable');
  const out = new ReplyWriter(4 * 1024 * 1024);
  const reader = new RequestReader();
  const perSetUs: number[] = [];
  for (let r = 0; r < opts.runs + 1; r++) {
    const before = process.cpuUsage();
    run(s, batches, out, reader);
    const used = process.cpuUsage(before);
    if (r > 0) perSetUs.push((used.user + used.system) / opts.commands); // run 0 warms up
  }
  results.push(`${mode}: ${median(perSetUs).toFixed(3)} CPU µs/SET (runs: ${perSetUs.map((x) => x.toFixed(3)).join(', ')})`);
}
console.log(`SET -d ${opts.valueBytes} -P ${opts.pipeline} x ${opts.clients} clients, ${opts.keys} keys, ${opts.commands} per run`);
for (const line of results) console.log(line);
