// CPU per message round trip of WireConnection's socket I/O, direct (socket-io.ts)
// against net.Socket's Readable/Writable ('data' events, socket.write()), in one
// process over loopback TCP. Main thread of its own process.
//
//   npx tsx bench/journal/wire-io.bench.ts [--round-trips 20000] [--entries 40] [--runs 3]
//
// One round trip is what a follower sees per append: an AppendEntries of `entries`
// 100-byte entries one way and its 46-byte acknowledgment back, the next one sent when
// the acknowledgment arrives (one message per turn each way, as under SET -P 1). Both
// ends are in this process, so the CPU time (user + system) per round trip covers two
// reads and two writes; the modes alternate run by run and the medians are printed.

import { createServer, connect, type Server } from 'node:net';
import { Command } from 'commander';
import { WireConnection } from '../../src/journal/wire/connection.js';
import type { AppendEntries, AppendEntriesResponse } from '../../src/journal/messages.js';
import type { LogEntry } from '../../src/journal/storage/types.js';

const opts = new Command()
  .option('--round-trips <n>', 'round trips per run', (v) => Number(v), 20_000)
  .option('--entries <n>', 'entries per AppendEntries', (v) => Number(v), 40)
  .option('--runs <n>', 'runs per mode', (v) => Number(v), 3)
  .parse()
  .opts<{ roundTrips: number; entries: number; runs: number }>();

const entries: LogEntry[] = [];
for (let i = 0; i < opts.entries; i++) {
  entries.push({ index: i + 1, term: 1, type: 2, engineVersion: 1, writerId: 7, writerSeq: 1, payload: Buffer.alloc(100, i) });
}
const request: AppendEntries = {
  kind: 'appendEntries', term: 1, leaderId: 1, prevLogIndex: 0, prevLogTerm: 0, entries, leaderCommit: 0, probe: 1, trimBeforeId: 0,
};
const ack: AppendEntriesResponse = {
  kind: 'appendEntriesResponse', term: 1, success: true, matchIndex: opts.entries, prevLogIndex: 0, conflictIndex: 0, probe: 1,
};

async function run(directIo: boolean): Promise<number> {
  let server: Server | undefined;
  const accepted = new Promise<WireConnection>((resolve) => {
    server = createServer((socket) => {
      const conn: WireConnection = new WireConnection({
        socket, secret: 'b', side: 'server', directIo,
        onReady: () => resolve(conn),
        onMessage: () => conn.send(ack),
      });
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const port = (server!.address() as { port: number }).port;
  let left = opts.roundTrips;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((r) => (finish = r));
  const client: WireConnection = new WireConnection({
    socket: connect(port, '127.0.0.1'), secret: 'b', side: 'client', identity: { role: 1, nodeId: 2 }, directIo,
    onMessage: () => {
      if (--left === 0) finish();
      else client.send(request);
    },
  });
  const serverConn = await accepted;
  // Warm-up round trips (JIT), then the measured ones.
  left = 2000;
  client.send(request);
  await done;
  const measured = new Promise<void>((r) => (finish = r));
  left = opts.roundTrips;
  const before = process.cpuUsage();
  client.send(request);
  await measured;
  const used = process.cpuUsage(before);
  client.close();
  serverConn.close();
  server!.close();
  return (used.user + used.system) / opts.roundTrips;
}

const results = new Map<string, number[]>([['direct', []], ['stream', []]]);
for (let i = 0; i < opts.runs; i++) {
  for (const direct of i % 2 === 0 ? [true, false] : [false, true]) {
    const us = await run(direct);
    results.get(direct ? 'direct' : 'stream')!.push(us);
    process.stderr.write(`${direct ? 'direct' : 'stream'}: ${us.toFixed(2)} µs CPU per round trip\n`);
  }
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`CPU µs per round trip (AppendEntries of ${opts.entries} x 100 B + ack), medians of ${opts.runs}: ` +
  `direct ${median(results.get('direct')!).toFixed(2)}, stream ${median(results.get('stream')!).toFixed(2)}`);
