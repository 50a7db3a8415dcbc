// The engine worker's share of a request, alone on one thread (benchmark process, main
// thread): request batches built with the io-mux's BatchEncoder as redis-benchmark's
// traffic would make them (-c 50 -P 16 -d 100, random keys of a prefilled range), then
// decoded and executed as the engine worker's executeBatch does (RequestReader, then
// Engine.execute per command; src/workers/engine-worker.ts: keep the two loops alike),
// replies into one ReplyWriter.
//
//   npx tsx bench/endpoint/engine-batch.bench.ts [--keys 100000] [--commands 2000000] [--runs 3] [--tests get,set,lpush]
//       [--value-bytes 100]   (redis-benchmark -d: the prefilled and the SET/LPUSH values' size)
//
// GET and SET use random keys of the prefilled range (redis-benchmark -r); LPUSH sends
// what redis-benchmark's lpush test sends, `LPUSH mylist <value>`, one list growing over
// every run (as it does in a server under redis-benchmark).
//
// Reported: CPU µs per command (process.cpuUsage, user + system, so other load on the
// machine moves it less than wall time), median of the runs. No rings, no threads, no
// sockets: what is left is the engine's own cost per command, which bench/endpoint/
// cpu-per-request.ts shows as the worker thread's share.

import { Command } from 'commander';
import { Engine } from '../../src/engine/engine.js';
import { prefetchGroupKeys, prefetchKeysMax } from '../../src/engine/dense-dict.js';
import { ReplyWriter } from '../../src/engine/reply.js';
import { BatchEncoder, RecordKind, RequestKind, RequestReader } from '../../src/workers/batch-format.js';
import { benchmarkKey } from './resp-client.js';
import { positiveInt } from './options.js';

const opts = new Command()
  .name('bench/endpoint/engine-batch.bench.ts')
  .option('--keys <n>', 'keys prefilled and random key range', positiveInt, 100_000)
  .option('--commands <n>', 'commands per run', positiveInt, 2_000_000)
  .option('--runs <n>', 'runs per test (median reported)', positiveInt, 3)
  .option('--clients <n>', 'clients per batch (redis-benchmark -c)', positiveInt, 50)
  .option('--pipeline <n>', 'commands per client per batch (redis-benchmark -P)', positiveInt, 16)
  .option('--tests <list>', 'comma-separated subset of get,set,lpush', 'get,set,lpush')
  .option('--value-bytes <n>', 'value size (redis-benchmark -d)', positiveInt, 100)
  .parse()
  .opts<{ keys: number; commands: number; runs: number; clients: number; pipeline: number; tests: string; valueBytes: number }>();

const value = Buffer.alloc(opts.valueBytes, 'x');
let seed = 12345;
/** A small deterministic PRNG: the same batches for every build compared. */
function randomBelow(n: number): number {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed % n;
}

/** Batches of `clients` x `pipeline` commands, encoded as the io-mux would. */
function buildBatches(test: string, count: number): Buffer[] {
  const records: Buffer[] = [];
  const encoder = new BatchEncoder((record) => records.push(Buffer.from(record)), 4 * 1024 * 1024, 1024 * 1024);
  // argv as offsets into src: [name][key][value], the key's bytes rewritten per command.
  const name = test === 'get' ? 'GET' : test === 'set' ? 'SET' : 'LPUSH';
  const randomKey = test !== 'lpush';
  const keyBytes = randomKey ? 16 : 'mylist'.length;
  assert0(!randomKey || benchmarkKey(0).length === keyBytes, 'benchmark keys are 16 bytes');
  const starts = Int32Array.of(0, name.length, name.length + keyBytes);
  const ends = Int32Array.of(name.length, name.length + keyBytes, name.length + keyBytes + value.length);
  const src = Buffer.alloc(ends[2]!);
  src.latin1Write(name, 0);
  if (!randomKey) src.latin1Write('mylist', starts[1]!);
  value.copy(src, starts[2]!);
  const argc = test === 'get' ? 2 : 3;
  for (let done = 0; done < count; ) {
    for (let c = 1; c <= opts.clients && done < count; c++) {
      for (let p = 0; p < opts.pipeline && done < count; p++, done++) {
        if (randomKey) src.latin1Write(benchmarkKey(randomBelow(opts.keys)), starts[1]!);
        encoder.commandFromOffsets(c, src, starts, ends, argc);
      }
    }
    encoder.flush();
  }
  return records;
}

function openClients(engine: Engine): void {
  const records: Buffer[] = [];
  const encoder = new BatchEncoder((record) => records.push(Buffer.from(record)), 4 * 1024 * 1024, 1024 * 1024);
  for (let c = 1; c <= opts.clients; c++) encoder.open(c, `127.0.0.1:${10000 + c}`, '127.0.0.1:6379');
  encoder.flush();
  const out = new ReplyWriter();
  const reader = new RequestReader();
  for (const r of records) executeRequestBatch(engine, reader, r, out);
}

/**
 * The keys as the server's prefill (SET commands) leaves them: flat key strings sliced
 * from bytes (a template literal would be a cons string, slower to compare), values in
 * the string slab.
 */
function prefill(engine: Engine): void {
  const db = engine.keyspace.db(0);
  for (let i = 0; i < opts.keys; i++) {
    const key = Buffer.from(benchmarkKey(i), 'latin1');
    db.setBytes(key.latin1Slice(0, key.length), value);
  }
}

/** The command and open entries of engine-worker.ts's executeBatch (no tracker: --journal none). */
function executeRequestBatch(engine: Engine, reader: RequestReader, record: Buffer, out: ReplyWriter): void {
  reader.reset(record);
  let prefetchLeft = 0;
  engine.beginTimedBatch();
  while (!reader.done) {
    const kind = reader.u8();
    const clientId = reader.u32();
    if (kind === RequestKind.command) {
      const argv = reader.argv();
      // Every few commands, touch the next few keys' lookups together: their cache misses
      // overlap each other instead of each command waiting for its own (DenseDict.prefetchKeys).
      if (--prefetchLeft <= 0) {
        const peeked = reader.peekKeys(prefetchKeysMax);
        if (peeked > 0) engine.prefetchKeys(reader.buf, reader.peekStarts, reader.peekLengths, peeked);
        prefetchLeft = Math.min(peeked, prefetchGroup);
      }
      engine.execute(clientId, argv, out);
    } else {
      assert0(kind === RequestKind.open, `unexpected request entry kind ${kind}`);
      engine.openClient(clientId, reader.latin1(), reader.latin1());
    }
    if (out.length >= 1024 * 1024) out.reset();
  }
  engine.endTimedBatch();
}

/** Commands between prefetchKeys calls (engine-worker.ts's prefetchGroup). */
const prefetchGroup = prefetchGroupKeys;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const engine = new Engine({ port: 6379, bind: '127.0.0.1' });
prefill(engine);
openClients(engine);
assert0(RecordKind.batch === 1 && RequestKind.command === 1, 'batch format constants');
const out = new ReplyWriter(1024 * 1024);
const reader = new RequestReader();
for (const test of opts.tests.split(',')) {
  assert0(test === 'get' || test === 'set' || test === 'lpush', `unknown test '${test}'`);
  const batches = buildBatches(test, opts.commands);
  const perCommandUs: number[] = [];
  for (let run = 0; run < opts.runs + 1; run++) {
    const before = process.cpuUsage();
    for (const record of batches) {
      out.reset();
      executeRequestBatch(engine, reader, record, out);
    }
    const used = process.cpuUsage(before);
    if (run > 0) perCommandUs.push((used.user + used.system) / opts.commands); // run 0 warms up
  }
  console.log(`${test.toUpperCase()} -P ${opts.pipeline} x ${opts.clients} clients, ${opts.keys} keys, -d ${opts.valueBytes}: ${median(perCommandUs).toFixed(3)} CPU µs/command (runs: ${perCommandUs.map((x) => x.toFixed(3)).join(', ')})`);
}

function assert0(cond: boolean, what: string): void {
  if (!cond) throw new Error(what);
}
