// Micro-benchmark of the io-mux request parser (src/io-mux/resp-parser.ts) against
// redis-parser, its fuzzing reference, on the request shapes redis-benchmark sends:
// pipelines of 16 `SET key:NNNNNN <100 bytes>` or `GET key:NNNNNN` (-P 16 -d 100).
// Runs on the main thread, in-process.
//   npx tsx bench/io-mux/parser.bench.ts [--runs 3] [--quick]
// Variants, all fed the same chunks:
//   - fast path -> batch: the io-mux's real path, offsets straight into a BatchEncoder
//     (the copy into the request batch included);
//   - fast path -> argv views: builds an argv array of subarray views per command, the
//     same work redis-parser's output represents (a fair parser-only comparison);
//   - redis-parser -> batch: the alternative io-mux path, redis-parser's argv arrays
//     encoded into the same BatchEncoder;
//   - redis-parser: returnBuffers, one array of Buffer slices per command;
// each for the pipeline in one chunk and split into 1000-byte chunks (commands
// straddle chunk boundaries). Prints commands/s, median of --runs runs.

import { Bench } from 'tinybench';
import RedisParser from 'redis-parser';
import { RequestParser } from '../../src/io-mux/resp-parser.js';
import { BatchEncoder } from '../../src/workers/batch-format.js';
import { encodeArgv } from '../endpoint/resp-client.js';

interface Options {
  runs: number;
  quick: boolean;
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { runs: 1, quick: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') opts.quick = true;
    else if (a === '--runs') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1) throw new Error('--runs must be a positive integer');
      opts.runs = n;
    } else throw new Error(`unknown argument '${a}' (usage: parser.bench.ts [--runs N] [--quick])`);
  }
  return opts;
}

const pipelineDepth = 16;

function pipeline(kind: 'SET' | 'GET'): Buffer {
  const value = Buffer.alloc(100, 0x78);
  const cmds: Buffer[] = [];
  for (let i = 0; i < pipelineDepth; i++) {
    const key = `key:${String(100000 + i * 7919).slice(-6)}`;
    cmds.push(encodeArgv(kind === 'SET' ? ['SET', key, value] : ['GET', key]));
  }
  return Buffer.concat(cmds);
}

function chunked(buf: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let o = 0; o < buf.length; o += size) out.push(buf.subarray(o, o + size));
  return out;
}

let sink = 0; // consumed results, so nothing is optimised away

function fastToBatch(): (chunks: Buffer[]) => void {
  const encoder = new BatchEncoder((record) => {
    sink += record.length;
  }, 4 * 1024 * 1024, 1024 * 1024);
  const parser = new RequestParser({
    command(src, starts, ends, argc) {
      encoder.commandFromOffsets(1, src, starts, ends, argc);
    },
    inline(argv) {
      encoder.commandFromArgv(1, argv);
    },
  });
  return (chunks) => {
    for (const c of chunks) parser.feed(c);
    encoder.flush();
  };
}

function fastToViews(): (chunks: Buffer[]) => void {
  const parser = new RequestParser({
    command(src, starts, ends, argc) {
      const argv = new Array<Buffer>(argc);
      for (let i = 0; i < argc; i++) argv[i] = src.subarray(starts[i]!, ends[i]!);
      sink += argv[argc - 1]!.length;
    },
    inline(argv) {
      sink += argv.length;
    },
  });
  return (chunks) => {
    for (const c of chunks) parser.feed(c);
  };
}

function referenceToBatch(): (chunks: Buffer[]) => void {
  const encoder = new BatchEncoder((record) => {
    sink += record.length;
  }, 4 * 1024 * 1024, 1024 * 1024);
  const parser = new RedisParser({
    returnBuffers: true,
    returnReply(reply: unknown) {
      encoder.commandFromArgv(1, reply as Buffer[]);
    },
    returnError() {
      throw new Error('unexpected reply error');
    },
  });
  return (chunks) => {
    for (const c of chunks) parser.execute(c);
    encoder.flush();
  };
}

function reference(): (chunks: Buffer[]) => void {
  const parser = new RedisParser({
    returnBuffers: true,
    returnReply(reply: unknown) {
      const argv = reply as Buffer[];
      sink += argv[argv.length - 1]!.length;
    },
    returnError() {
      throw new Error('unexpected reply error');
    },
  });
  return (chunks) => {
    for (const c of chunks) parser.execute(c);
  };
}

async function runOnce(opts: Options): Promise<Map<string, number>> {
  const bench = new Bench({ time: opts.quick ? 100 : 700, warmupTime: opts.quick ? 20 : 200 });
  for (const kind of ['SET', 'GET'] as const) {
    const whole = [pipeline(kind)];
    const split = chunked(whole[0]!, 1000);
    for (const [shape, chunks] of [
      ['1 chunk', whole],
      ['1000 B chunks', split],
    ] as const) {
      const variants: [string, () => (c: Buffer[]) => void][] = [
        ['fast path -> batch', fastToBatch],
        ['redis-parser -> batch', referenceToBatch],
        ['fast path -> argv views', fastToViews],
        ['redis-parser', reference],
      ];
      for (const [name, make] of variants) {
        const run = make();
        bench.add(`${kind} -P ${pipelineDepth}, ${shape}: ${name}`, () => run(chunks as Buffer[]));
      }
    }
  }
  await bench.run();
  const out = new Map<string, number>();
  for (const task of bench.tasks) {
    const result = task.result as unknown as { throughput?: { mean: number }; hz?: number } | undefined;
    const hz = result?.throughput?.mean ?? result?.hz;
    if (hz !== undefined) out.set(task.name, hz * pipelineDepth);
  }
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const runs: Map<string, number>[] = [];
  for (let r = 0; r < opts.runs; r++) {
    process.stderr.write(`parser bench: run ${r + 1}/${opts.runs}\n`);
    runs.push(await runOnce(opts));
  }
  const names = [...runs[0]!.keys()];
  const value = (name: string): number => median(runs.map((m) => m.get(name)!));
  console.log(`io-mux request parser, commands/s, median of ${opts.runs} run(s)${opts.quick ? ' (quick)' : ''}; node ${process.version}`);
  console.log('\n| benchmark | commands/s | vs redis-parser |\n|---|---:|---:|');
  for (const name of names) {
    // Each variant against its redis-parser counterpart (the batch paths against each other).
    const ref = value(name.replace(/: .*$/, name.endsWith('-> batch') ? ': redis-parser -> batch' : ': redis-parser'));
    const v = value(name);
    console.log(`| ${name} | ${Math.round(v).toLocaleString('en-US')} | ${(v / ref).toFixed(2)}x |`);
  }
  if (sink === -1) console.log('');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
