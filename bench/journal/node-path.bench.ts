// The log nodes' JavaScript per append, warm and in one process: three LogNodes over real
// SegmentLogs (RealDisk in a temp directory, the log-node process's storage options), a
// transport that encodes every peer message to its wire frame and decodes it on the
// other side (as TcpTransport and WireConnection do, minus the sockets), and a client
// whose append requests and answers go through the codec too. Appends are made one at a
// time (SET -P 1's shape: ~35 records of ~100 bytes), and the CPU of the whole process is
// divided by the appends.
//
//   npx tsc -p tsconfig.json && npx tsx bench/journal/node-path.bench.ts [--root <checkout>]
//       [--appends 5000] [--records 35] [--bytes 130] [--dir /dev/shm]
//
// --root imports another build's dist/ (an A/B of the code alone); --dir /dev/shm takes
// the disk's kernel time out, leaving the JavaScript and Node's own work. What this does
// not see: the sockets' syscalls, epoll, the wake-ups, cold caches between appends.
//
// Invariant: every node is stopped and the temp directory removed before exit.

import { Command } from 'commander';
import { mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { positiveInt } from '../endpoint/options.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const opts = new Command()
  .name('bench/journal/node-path.bench.ts')
  .option('--root <dir>', 'the checkout whose dist/ to run', repoRoot)
  .option('--appends <n>', 'appends measured (after as many warm-up ones)', positiveInt, 5000)
  .option('--records <n>', 'records per append', positiveInt, 35)
  .option('--bytes <n>', 'payload bytes per record', positiveInt, 130)
  .option('--dir <dir>', 'where the temp directory goes', '/tmp')
  .parse()
  .opts<{ root: string; appends: number; records: number; bytes: number; dir: string }>();

const dist = (path: string): string => pathToFileURL(join(resolve(opts.root), 'dist', path)).href;

// Another build's modules, typed as this checkout's (the bench relies on the same API).
type LogNodeModule = typeof import('../../src/journal/node/log-node.js');
type SegmentLogModule = typeof import('../../src/journal/storage/segment-log.js');
type RealDiskModule = typeof import('../../src/journal/storage/real-disk.js');
type CodecModule = typeof import('../../src/journal/wire/codec.js');
type EnvModule = typeof import('../../src/journal/env.js');
type LimitsModule = typeof import('../../src/limits.js');
type LogNode = InstanceType<LogNodeModule['LogNode']>;
type WireMessage = import('../../src/journal/wire/codec.js').WireMessage;
type PeerMessage = import('../../src/journal/messages.js').PeerMessage;
type ClientRequest = import('../../src/journal/messages.js').ClientRequest;
type ClientResponse = import('../../src/journal/messages.js').ClientResponse;

async function main(): Promise<void> {
  const { LogNode } = (await import(dist('src/journal/node/log-node.js'))) as LogNodeModule;
  const { SegmentLog } = (await import(dist('src/journal/storage/segment-log.js'))) as SegmentLogModule;
  const { RealDisk } = (await import(dist('src/journal/storage/real-disk.js'))) as RealDiskModule;
  const { encodeMessage, decodeMessage } = (await import(dist('src/journal/wire/codec.js'))) as CodecModule;
  const { realClock, seededRandom, silentLogger } = (await import(dist('src/journal/env.js'))) as EnvModule;
  const limits = (await import(dist('src/limits.js'))) as LimitsModule;

  const workDir = mkdtempSync(join(opts.dir, 'keeldb-node-path-'));
  const handlers = new Map<number, (from: number, m: PeerMessage) => void>();
  const nodes: LogNode[] = [];
  try {
    for (const id of [1, 2, 3]) {
      const disk = new RealDisk(join(workDir, `node-${id}`));
      await disk.ensureDir();
      const storage = new SegmentLog(disk, {
        defer: setImmediate,
        preallocateBytes: limits.journalSegmentPreallocateBytes,
        inlineIdleMs: limits.journalDiskInlineIdleMs,
        now: () => performance.now(),
        deferredInlineWriteMsMax: limits.journalLeaderInlineWriteMsMax,
      });
      const transport = {
        send: (to: number, m: PeerMessage): void => {
          const frame = encodeMessage(m);
          setImmediate(() => handlers.get(to)?.(id, decodeMessage(frame) as PeerMessage));
        },
        onMessage: (h: (from: number, m: PeerMessage) => void): void => void handlers.set(id, h),
      };
      const env = { clock: realClock(), random: seededRandom(id * 7919), transport, logger: silentLogger };
      const node = new LogNode({ id, peers: [1, 2, 3].filter((p) => p !== id), storage, env });
      await node.start();
      nodes.push(node);
    }
    const leader = async (): Promise<LogNode> => {
      for (;;) {
        const l = nodes.find((n) => n.role === 'leader');
        if (l !== undefined && l.commitIndex >= l.lastIndex) return l;
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const l = await leader();
    const payloads = Array.from({ length: opts.records }, (_, i) => Buffer.alloc(opts.bytes, i));
    let writerSeq = 0;
    let requestId = 0;
    const appendOne = (afterId: number | undefined, token: number): Promise<WireMessage> =>
      new Promise((done) => {
        writerSeq++;
        const request: ClientRequest = {
          kind: 'append', requestId: ++requestId, writerId: 1, writerSeq,
          condition: afterId !== undefined ? { afterId } : { leaderToken: token },
          records: payloads.map((payload, i) => ({ type: afterId !== undefined && i === 0 ? 3 : 2, engineVersion: 1, payload })),
        };
        const frame = encodeMessage(request);
        setImmediate(() => l.handleClientRequest(decodeMessage(frame) as ClientRequest, (r: ClientResponse) => {
          const answer = encodeMessage(r);
          setImmediate(() => done(decodeMessage(answer)));
        }));
      });
    // The first append takes leadership (a leadership record with afterId), the rest use its token.
    const first = await appendOne(l.lastIndex, 0);
    if (first.kind !== 'appendOk') throw new Error(`first append: ${JSON.stringify(first)}`);
    const token = l.leaderToken;
    const run = async (n: number): Promise<void> => {
      for (let i = 0; i < n; i++) {
        const r = await appendOne(undefined, token);
        if (r.kind !== 'appendOk') throw new Error(`append: ${JSON.stringify(r)}`);
      }
    };
    await run(opts.appends);
    const start = process.cpuUsage();
    const faults0 = process.resourceUsage().minorPageFault;
    const t0 = performance.now();
    await run(opts.appends);
    const cpu = process.cpuUsage(start);
    const ms = performance.now() - t0;
    const faults = process.resourceUsage().minorPageFault - faults0;
    console.log(
      `${opts.root}: ${opts.appends} appends of ${opts.records} x ${opts.bytes} B: ` +
        `${((cpu.user + cpu.system) / opts.appends).toFixed(1)} us CPU per append (user ${(cpu.user / opts.appends).toFixed(1)}, ` +
        `system ${(cpu.system / opts.appends).toFixed(1)}), all three nodes; ${((ms * 1000) / opts.appends).toFixed(0)} us wall; ` +
        `${(faults / opts.appends).toFixed(2)} minor page faults per append`,
    );
  } finally {
    for (const n of nodes) n.stop(false);
    rmSync(workDir, { recursive: true, force: true });
  }
}

await main();
process.exit(0);
