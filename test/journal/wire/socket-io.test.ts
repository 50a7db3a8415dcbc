// Direct socket reads and writes (src/journal/wire/socket-io.ts) under WireConnection,
// over real loopback TCP: on this Node both sides use them (so an upgrade that changes
// Node's internals cannot silently fall back to the slower Readable/Writable path), a
// write the kernel cannot take at once is queued and still arrives whole and in order,
// and EOF from the other side still closes the connection.

import { createServer, connect, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WireConnection } from '../../../src/journal/wire/connection.js';
import type { WireMessage } from '../../../src/journal/wire/codec.js';
import { directSocketIo } from '../../../src/journal/wire/socket-io.js';

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

const until = async (cond: () => boolean, ms = 10_000): Promise<void> => {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > ms) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 5));
  }
};

interface Accepted {
  port: number;
  conns: WireConnection[];
  messages: WireMessage[];
  closes: (string | undefined)[];
}

async function listen(): Promise<Accepted> {
  const side: Omit<Accepted, 'port'> = { conns: [], messages: [], closes: [] };
  const server = createServer((socket) => {
    const conn: WireConnection = new WireConnection({
      socket,
      secret: 'k',
      side: 'server',
      onMessage: (m) => {
        side.messages.push(m);
        if (m.kind === 'tail') conn.send({ kind: 'tailOk', requestId: m.requestId, tailId: m.requestId, leaderToken: 0 });
      },
      onClose: (reason) => side.closes.push(reason),
    });
    side.conns.push(conn);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { ...side, port: (server.address() as { port: number }).port };
}

describe('direct socket reads and writes', () => {
  it('are available on this Node and used by both sides of a connection', async () => {
    expect(directSocketIo).toBeDefined();
    const s = await listen();
    const got: WireMessage[] = [];
    const c = new WireConnection({
      socket: connect(s.port, '127.0.0.1'),
      secret: 'k',
      side: 'client',
      identity: { role: 0, nodeId: 0 },
      onMessage: (m) => got.push(m),
    });
    for (let i = 1; i <= 3; i++) c.send({ kind: 'tail', requestId: i });
    await until(() => got.length === 3);
    expect(got.map((m) => (m.kind === 'tailOk' ? m.tailId : -1))).toEqual([1, 2, 3]);
    expect(c.directReads).toBe(true);
    expect(c.directWrites).toBe(true);
    expect(s.conns[0]!.directReads).toBe(true);
    expect(s.conns[0]!.directWrites).toBe(true);
    c.close();
    await until(() => s.closes.length === 1);
  });

  it('queues what the kernel cannot take at once and delivers it whole and in order, before the FIN', async () => {
    const s = await listen();
    const c = new WireConnection({
      socket: connect(s.port, '127.0.0.1'),
      secret: 'k',
      side: 'client',
      identity: { role: 0, nodeId: 0 },
      onMessage: () => undefined,
    });
    c.send({ kind: 'tail', requestId: 1 });
    await until(() => c.isReady && s.messages.length === 1);
    // 48 MiB in one turn (more than any loopback socket buffer takes at once), then a
    // second turn of small frames that must queue behind it, then close.
    const payload = (id: number, bytes: number): Buffer => Buffer.alloc(bytes, id & 0xff);
    const append = (id: number, bytes: number): WireMessage => ({
      kind: 'append',
      requestId: id,
      writerId: 1,
      writerSeq: id,
      records: [{ type: 2, engineVersion: 1, payload: payload(id, bytes) }],
      condition: { leaderToken: 1 },
    });
    for (let id = 2; id < 8; id++) c.send(append(id, 8 * 1024 * 1024));
    expect(c.pendingWriteBytes).toBeGreaterThan(0);
    await new Promise((r) => setImmediate(r));
    expect(c.pendingWriteBytes).toBeGreaterThan(0); // handed to libuv, not all taken by the kernel yet
    for (let id = 8; id < 20; id++) c.send(append(id, 100));
    await new Promise((r) => setImmediate(r));
    c.close();
    await until(() => s.closes.length === 1);
    const got = s.messages.slice(1).map((m) => {
      if (m.kind !== 'append') return [];
      const p = m.records[0]!.payload;
      return [m.requestId, p.byteLength, p.every((b) => b === (m.requestId & 0xff))];
    });
    const expected: unknown[] = [];
    for (let id = 2; id < 20; id++) expected.push([id, id < 8 ? 8 * 1024 * 1024 : 100, true]);
    expect(got).toEqual(expected);
  });

  it('closes the connection when the other side ends its socket', async () => {
    const s = await listen();
    const raw = connect(s.port, '127.0.0.1');
    raw.on('error', () => undefined);
    raw.on('data', () => raw.end()); // the server's hello arrived: our FIN follows
    await until(() => s.closes.length === 1);
    expect(s.conns[0]!.directReads).toBe(true);
    expect(s.conns[0]!.isClosed).toBe(true);
  });
});
