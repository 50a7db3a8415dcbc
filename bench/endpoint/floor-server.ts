// A RESP server made of the io-mux's own Connection (src/io-mux/connection.ts: the same
// socket reads, parser and direct reply writes) with the engine replaced by canned
// replies written at the end of the event-loop turn, one write per connection per turn,
// as the io-mux writes a reply record (a child process of main-thread-floor.ts; one
// thread). What its main thread spends per request is the floor of the io-mux's main
// thread in Node, with no hand-off to an engine: no ring, no batch record, no wake.
//
//   node --import tsx bench/endpoint/floor-server.ts --port P
//
// Replies by the first letter of the command: GET a 100-byte bulk, SET +OK, PING +PONG,
// CONFIG an empty array (redis-benchmark asks for two settings at start), SHUTDOWN exits;
// anything else an error. Not a database: it stores nothing.
//
// Invariant: a connection's replies go out in the order of its commands.

import net from 'node:net';
import { Command } from 'commander';
import { Connection, type ConnectionHost } from '../../src/io-mux/connection.js';
import type { BatchEncoder } from '../../src/workers/batch-format.js';
import { positiveInt } from './options.js';

const opts = new Command()
  .name('bench/endpoint/floor-server.ts')
  .requiredOption('--port <n>', 'port on 127.0.0.1', positiveInt)
  .parse()
  .opts<{ port: number }>();

const replies = {
  get: Buffer.from(`$100\r\n${'x'.repeat(100)}\r\n`),
  set: Buffer.from('+OK\r\n'),
  ping: Buffer.from('+PONG\r\n'),
  config: Buffer.from('*0\r\n'),
  other: Buffer.from('-ERR the floor server knows GET, SET, PING and CONFIG only\r\n'),
};

function replyTo(first: number): Buffer {
  switch (first | 0x20) {
    case 0x67: // g
      return replies.get;
    case 0x73: // s
      return replies.set;
    case 0x70: // p
      return replies.ping;
    case 0x63: // c
      return replies.config;
    default:
      return replies.other;
  }
}

const connections = new Map<number, Connection>();
/** Each connection's replies of this turn, in command order. */
const pending = new Map<number, Buffer[]>();
let flushScheduled = false;

function answer(id: number, reply: Buffer): void {
  const list = pending.get(id);
  if (list === undefined) pending.set(id, [reply]);
  else list.push(reply);
}

function flush(): void {
  flushScheduled = false;
  for (const [id, list] of pending) {
    const conn = connections.get(id);
    if (conn !== undefined) conn.write(list.length === 1 ? list[0]! : Buffer.concat(list));
  }
  pending.clear();
}

// The parts of BatchEncoder a Connection calls, answering instead of encoding.
const encoder = {
  commandFromOffsets(id: number, src: Buffer, starts: Int32Array, ends: Int32Array, argc: number): void {
    if (argc === 1 && ends[0]! - starts[0]! === 8 && (src[starts[0]!]! | 0x20) === 0x73 && (src[starts[0]! + 1]! | 0x20) === 0x68) process.exit(0); // SHUTDOWN
    answer(id, replyTo(src[starts[0]!]!));
  },
  commandFromArgv(id: number, argv: readonly Buffer[]): void {
    answer(id, replyTo(argv[0]![0]!));
  },
  sync(): void {},
  protocolError(id: number): void {
    connections.get(id)?.destroy();
  },
  busyApplied(): void {},
} as unknown as BatchEncoder;

const host: ConnectionHost = {
  encoder,
  scheduleFlush(): void {
    if (flushScheduled) return;
    flushScheduled = true;
    setImmediate(flush);
  },
  shouldPauseForBacklog: () => false,
  outputPauseBytes: 1 << 20,
  outputBytesMax: 1 << 26,
  // No engine to sync with: a sync entry would never come back.
  requestInflightBytes: Number.MAX_SAFE_INTEGER,
  requestRecords: 0,
};

let nextId = 1;
const server = net.createServer({ noDelay: true, pauseOnConnect: true }, (socket) => {
  socket.on('error', () => {});
  const id = nextId++;
  connections.set(id, new Connection(id, socket, host, false));
  socket.on('close', () => {
    connections.delete(id);
    pending.delete(id);
  });
});
server.listen(opts.port, '127.0.0.1');
