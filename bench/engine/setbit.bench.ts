// SETBIT, SETRANGE and APPEND on big strings, before and after in-place writes
// (string-buffer.ts), side by side in one run, in-process (engine.execute per command, main thread):
//   NODE_OPTIONS=--expose-gc npx tsx bench/engine/setbit.bench.ts [--before <commit>] [--after <commit>] [--quick]
//
// "before" is the engine source at a commit from before in-place writes (default
// 5e42eba, where SETBIT, SETRANGE and APPEND rebuilt the immutable JS string: O(n) per
// write); "after" is the
// working tree, or a commit. A commit's source is extracted with `git archive` into a
// temp dir (node_modules linked) and imported next to the other, so both run the same
// workload in the same process on the same machine.
//
// Workloads, per value size (64 KB, 1 MB, 8 MB; --quick: 64 KB and 1 MB, shorter):
//   SETBIT          a bit at a pseudo-random offset inside the value
//   SETBIT+GETBIT   a write then a read of another offset (the read path of a bitmap)
//   SETBIT x100+GET a hundred writes then a GET of the whole value (the rebuild is paid
//                   once per GET instead of once per write)
//   SETRANGE 8B     8 bytes at a pseudo-random offset inside the value
//   APPEND 16B      16 bytes at the end of another key of the same size; every 16384th
//                   APPEND is preceded by a SET of the original value (timed on both
//                   sides), so the value stays within 256 KB of its size. "before"
//                   concatenates JS strings, which V8 makes O(1) ropes (flattened by the
//                   next read that needs flat bytes), so this row is about even
//   APPEND+GETBIT   an APPEND then a GETBIT inside the value: the rope's flattening is
//                   paid by every GETBIT before, while the buffer is read directly after
// Prints the mean µs per operation (timed loop after a warm-up; the best of 3 rounds that
// alternate the sides, with a full GC before each when --expose-gc allows) and the ratio.
// Bits alternate 0/1 with a pseudo-random offset, so about half the writes change a bit.
//
// Measured 2026-11-26 11:01 UTC (full mode, 2 cores, load ~14 from other work), µs/op
// before -> after: SETBIT 13.3 -> 6.2 (64 KB), 1343 -> 6.1 (1 MB), 9778 -> 6.4 (8 MB);
// SETBIT+GETBIT 12.2 -> 8.3, 1075 -> 13.6, 13122 -> 15.3; SETBIT x100+GET 1112 -> 474,
// 102824 -> 4199, 1296366 -> 22783.
// Measured 2026-11-26 12:00 UTC (full mode, load ~4), the rows in-place APPEND/SETRANGE
// added, µs/op before -> after (64 KB, 1 MB, 8 MB): SETRANGE 8B 11.6 -> 2.4, 797.6 -> 2.0,
// 5947.7 -> 2.0; APPEND 16B 1.6 -> 1.5, 1.5 -> 1.4, 1.6 -> 1.9 (even: V8's ropes made the
// old concatenation O(1) too); APPEND+GETBIT 81.7 -> 3.7, 835.5 -> 3.6, 5935.6 -> 4.1.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const rounds = 3;
const beforeAt = args.indexOf('--before');
const beforeCommit = beforeAt >= 0 ? args[beforeAt + 1]! : '5e42eba';
const afterAt = args.indexOf('--after');
const afterCommit = afterAt >= 0 ? args[afterAt + 1]! : null;

/** The source tree at `commit`, in a new temp dir that can import the repo's packages. */
function extract(commit: string, dirs: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `keeldb-setbit-${commit}-`));
  dirs.push(dir);
  const tar = execFileSync('git', ['-C', repo, 'archive', commit, 'src', 'package.json'], { maxBuffer: 256 * 1024 * 1024 });
  execFileSync('tar', ['-x', '-C', dir], { input: tar });
  fs.symlinkSync(path.join(repo, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

interface EngineLike {
  openClient(id: number, addr: string, laddr: string): void;
  execute(clientId: number, argv: Buffer[], out: { reset(): void }): void;
}
interface Side {
  name: string;
  engine: EngineLike;
  out: { reset(): void };
}

async function load(srcRoot: string, name: string): Promise<Side> {
  const { Engine } = (await import(path.join(srcRoot, 'src/engine/engine.ts'))) as { Engine: new (o: object) => EngineLike };
  const { ReplyWriter } = (await import(path.join(srcRoot, 'src/engine/reply.ts'))) as { ReplyWriter: new (n?: number) => { reset(): void } };
  const engine = new Engine({ port: 0, bind: '127.0.0.1' });
  engine.openClient(1, '127.0.0.1:40001', '127.0.0.1:6380');
  return { name, engine, out: new ReplyWriter(16 * 1024 * 1024) };
}

/** Mean µs per call of fn, over at least `ms` milliseconds (after a short warm-up). */
function meanMicros(fn: () => void, ms: number): number {
  const warmEnd = performance.now() + ms / 5;
  while (performance.now() < warmEnd) fn();
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    fn();
    n++;
    now = performance.now();
  }
  return ((now - start) * 1000) / n;
}

function run(side: Side, argv: (string | Buffer)[]): void {
  side.out.reset();
  side.engine.execute(1, argv.map((a) => (typeof a === 'string' ? Buffer.from(a, 'latin1') : a)), side.out);
}

async function main(): Promise<void> {
  const dirs: string[] = [];
  try {
    const before = await load(extract(beforeCommit, dirs), `before (${beforeCommit})`);
    const after = afterCommit === null ? await load(repo, 'after (working tree)') : await load(extract(afterCommit, dirs), `after (${afterCommit})`);
    const sizes = quick ? [64 * 1024, 1024 * 1024] : [64 * 1024, 1024 * 1024, 8 * 1024 * 1024];
    const rows: string[][] = [];
    for (const size of sizes) {
      const bits = size * 8;
      const results = new Map<string, number>();
      const tasksOf = (side: Side): [string, () => void][] => {
        run(side, ['SET', 'bm', Buffer.alloc(size, 0x55)]);
        const original = Buffer.alloc(size, 0x61);
        run(side, ['SET', 'ap', original]);
        let appends = 0;
        let i = 0;
        const offset = (): string => String(((i++ * 2654435761) >>> 0) % bits);
        return [
          ['SETBIT', () => run(side, ['SETBIT', 'bm', offset(), String(i & 1)])],
          [
            'SETBIT+GETBIT',
            () => {
              run(side, ['SETBIT', 'bm', offset(), String(i & 1)]);
              run(side, ['GETBIT', 'bm', offset()]);
            },
          ],
          [
            'SETBIT x100+GET',
            () => {
              for (let k = 0; k < 100; k++) run(side, ['SETBIT', 'bm', offset(), String(i & 1)]);
              run(side, ['GET', 'bm']);
            },
          ],
          ['SETRANGE 8B', () => run(side, ['SETRANGE', 'bm', String(((i++ * 2654435761) >>> 0) % (size - 8)), '8 bytes!'])],
          [
            'APPEND 16B',
            () => {
              if (++appends % 16384 === 0) run(side, ['SET', 'ap', original]);
              run(side, ['APPEND', 'ap', '16 bytes, again.']);
            },
          ],
          [
            'APPEND+GETBIT',
            () => {
              if (++appends % 16384 === 0) run(side, ['SET', 'ap', original]);
              run(side, ['APPEND', 'ap', '16 bytes, again.']);
              run(side, ['GETBIT', 'ap', offset()]);
            },
          ],
        ];
      };
      const sideTasks = new Map([before, after].map((side) => [side, tasksOf(side)] as const));
      // Rounds alternate the sides (GC debt of one side lands on both); the best mean counts.
      for (let round = 0; round < rounds; round++) {
        for (const [side, tasks] of sideTasks) {
          for (const [name, fn] of tasks) {
            (globalThis as { gc?: () => void }).gc?.();
            const us = meanMicros(fn, quick ? 200 : 600);
            const k = `${side.name}|${name}`;
            results.set(k, Math.min(results.get(k) ?? Infinity, us));
          }
        }
      }
      for (const op of ['SETBIT', 'SETBIT+GETBIT', 'SETBIT x100+GET', 'SETRANGE 8B', 'APPEND 16B', 'APPEND+GETBIT']) {
        const b = results.get(`${before.name}|${op}`)!;
        const a = results.get(`${after.name}|${op}`)!;
        rows.push([`${size / 1024} KB`, op, b.toFixed(1), a.toFixed(1), (b / a).toFixed(1) + 'x']);
      }
    }
    const header = ['value', 'operation', `before µs/op`, `after µs/op`, 'speedup'];
    const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
    const line = (r: string[]): string => r.map((x, c) => x.padEnd(widths[c]!)).join('  ');
    console.log(`SETBIT, SETRANGE and APPEND on big strings, in-process, ${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(1)}; ${before.name} vs ${after.name}`);
    console.log(line(header));
    for (const r of rows) console.log(line(r));
  } finally {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
