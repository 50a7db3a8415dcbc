// SET and GET by value size, in-process (engine.execute per command, main thread): the
// engine's CPU per command and the memory a value costs, for the string storage of one
// build (the string slab, src/engine/string-slab.ts, or a JS string per value).
//
//   NODE_OPTIONS='--expose-gc --max-semi-space-size=21' npx tsx bench/engine/string-values.bench.ts
//       [--sizes 100,4096,16384,65536] [--budget-mb 256] [--commands-mb 1024] [--runs 3]
//       [--src /tmp/s9/base]   (another checkout: its src/engine is measured instead)
//
// --max-semi-space-size=21 gives the main thread the engine worker's young generation
// (limits.ts engineYoungGenerationBytesMax, 64 MiB = 3 semi-spaces of ~21 MiB).
// For an A/B, run it once per build, alternating, in separate processes (a shared heap
// would charge one build's garbage to the other's GC).
//
// Per value size S, with K = budget / S keys (at most 100k) of 16 bytes, as
// redis-benchmark's key:000000000000:
//   set-new   SET of keys nobody holds (a FLUSHALL, untimed, empties the db between runs)
//   set-over  SET over a random existing key of the same size (redis-benchmark -r)
//   get       GET of a random existing key
// CPU µs per command (process.cpuUsage: user + system of every thread, GC helpers too),
// median of --runs after one warm-up run, with that run's minor page faults per command
// (a first touch of a 4 KiB page costs ~2.5 µs of kernel time on this VM); commands per
// run: commands-mb / S (at most 1M).
// Memory per key: the growth of V8's heap over K SETs of fresh keys, after a full GC
// (when --expose-gc allows), and the slab's chunk bytes (off the heap); their sum is
// what a key costs. (RSS, and V8's external count, which lags the freeing of the previous
// size's chunks, move with what earlier sizes left: not comparable within one process.)

import { Command } from 'commander';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const positive = (s: string): number => {
  const n = Number(s);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`not a positive integer: ${s}`);
  return n;
};
const opts = new Command()
  .name('bench/engine/string-values.bench.ts')
  .option('--sizes <list>', 'comma-separated value sizes in bytes', '100,4096,16384,65536')
  .option('--budget-mb <n>', 'MiB of values held (keys = budget / size, at most 100k)', positive, 256)
  .option('--commands-mb <n>', 'MiB of values written per run (commands = this / size, at most 1M)', positive, 1024)
  .option('--runs <n>', 'timed runs per test (median reported)', positive, 3)
  .option('--src <dir>', 'a checkout whose src/engine is measured (default: this one)', repo)
  .parse()
  .opts<{ sizes: string; budgetMb: number; commandsMb: number; runs: number; src: string }>();

interface EngineLike {
  keyspace: { slab: { chunkBytes(): number } };
  openClient(id: number, addr: string, laddr: string): void;
  execute(clientId: number, argv: Buffer[], out: { reset(): void; length: number }): void;
}
const { Engine } = (await import(path.join(opts.src, 'src/engine/engine.js'))) as { Engine: new (o: object) => EngineLike };
const { ReplyWriter } = (await import(path.join(opts.src, 'src/engine/reply.js'))) as {
  ReplyWriter: new (bytes: number) => { reset(): void; length: number };
};

const gc = (globalThis as { gc?: () => void }).gc;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
let seed = 12345;
function randomBelow(n: number): number {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed % n;
}
const keyOf = (i: number): Buffer => Buffer.from(`key:${String(i).padStart(12, '0')}`, 'latin1');
const SET = Buffer.from('SET');
const GET = Buffer.from('GET');
const FLUSHALL = Buffer.from('FLUSHALL');

console.log(`src ${opts.src}`);
for (const size of opts.sizes.split(',').map(positive)) {
  const engine = new Engine({ port: 6379, bind: '127.0.0.1' });
  engine.openClient(1, '127.0.0.1:10001', '127.0.0.1:6379');
  const out = new ReplyWriter(4 * 1024 * 1024);
  const run = (argv: Buffer[]): void => {
    engine.execute(1, argv, out);
    if (out.length >= 1024 * 1024) out.reset();
  };
  const value = Buffer.alloc(size, 'x');
  const keyCount = Math.min(100_000, Math.floor((opts.budgetMb * 1024 * 1024) / size));
  const commandCount = Math.min(1_000_000, Math.floor((opts.commandsMb * 1024 * 1024) / size));
  const keys = Array.from({ length: keyCount }, (_, i) => keyOf(i));
  // set-new draws from keys beyond the held ones: one per command, none held before.
  const newKeys = Array.from({ length: commandCount }, (_, i) => keyOf(keyCount + i));

  const heldBytes = (): number => {
    gc?.();
    const m = process.memoryUsage();
    return m.heapUsed;
  };
  const heldBefore = heldBytes();
  for (const k of keys) run([SET, k, value]);
  const heldPerKey = (heldBytes() - heldBefore) / keyCount;
  const slabPerKey = engine.keyspace.slab.chunkBytes() / keyCount;

  /** Median CPU µs per command, and the minor page faults per command of that run. */
  const timed = (body: () => void, before?: () => void): string => {
    const runs: { us: number; faults: number }[] = [];
    for (let r = 0; r <= opts.runs; r++) {
      before?.();
      const faults = process.resourceUsage().minorPageFault;
      const t = process.cpuUsage();
      body();
      const used = process.cpuUsage(t);
      if (r > 0) runs.push({ us: (used.user + used.system) / commandCount, faults: (process.resourceUsage().minorPageFault - faults) / commandCount });
    }
    const m = runs.find((x) => x.us === median(runs.map((y) => y.us)))!;
    return `${m.us.toFixed(3)} (${m.faults.toFixed(2)} faults)`;
  };
  const setOver = timed(() => {
    for (let i = 0; i < commandCount; i++) run([SET, keys[randomBelow(keyCount)]!, value]);
  });
  const get = timed(() => {
    for (let i = 0; i < commandCount; i++) run([GET, keys[randomBelow(keyCount)]!]);
  });
  const setNew = timed(
    () => {
      for (let i = 0; i < commandCount; i++) run([SET, newKeys[i]!, value]);
    },
    () => {
      run([FLUSHALL]);
      out.reset();
      gc?.();
    },
  );
  console.log(
    `-d ${size}: ${keyCount} keys, ${commandCount} commands/run; CPU µs/command set-new ${setNew}, set-over ${setOver}, get ${get}; ` +
      `memory/key heap ${heldPerKey.toFixed(0)} B, slab ${slabPerKey.toFixed(0)} B`,
  );
}
