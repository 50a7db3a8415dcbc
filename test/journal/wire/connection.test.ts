// WireConnection over real loopback TCP: the handshake authenticates both sides with
// the cluster secret; a wrong secret, garbage, an oversized frame or silence closes
// the connection (with a reason) and nothing else.

import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WireConnection, type PeerIdentity } from '../../../src/journal/wire/connection.js';
import { encodeAppendEntriesParts, encodeMessage, type WireMessage } from '../../../src/journal/wire/codec.js';
import type { AppendEntries } from '../../../src/journal/messages.js';

interface ServerSide {
  server: Server;
  port: number;
  messages: WireMessage[];
  closes: (string | undefined)[];
  peers: PeerIdentity[];
}

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

async function listen(secret: string, handshakeMs = 2000): Promise<ServerSide> {
  const side: Omit<ServerSide, 'port' | 'server'> = { messages: [], closes: [], peers: [] };
  const server = createServer((socket) => {
    const conn: WireConnection = new WireConnection({
      socket,
      secret,
      side: 'server',
      handshakeMs,
      onReady: (peer) => side.peers.push(peer),
      onMessage: (m) => {
        side.messages.push(m);
        if (m.kind === 'tail') conn.send({ kind: 'tailOk', requestId: m.requestId, tailId: 42, leaderToken: 0 });
      },
      onClose: (reason) => side.closes.push(reason),
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { ...side, server, port };
}

function dial(port: number, secret: string, onMessage: (m: WireMessage) => void, onClose?: (r: string | undefined) => void): WireConnection {
  const socket = connect(port, '127.0.0.1');
  return new WireConnection({ socket, secret, side: 'client', identity: { role: 1, nodeId: 2 }, onMessage, onClose });
}

const until = async (cond: () => boolean, ms = 5000): Promise<void> => {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > ms) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('WireConnection', () => {
  it('authenticates both sides and then carries messages both ways', async () => {
    const s = await listen('s3cret');
    const got: WireMessage[] = [];
    const c = dial(s.port, 's3cret', (m) => got.push(m));
    c.send({ kind: 'tail', requestId: 7 }); // queued until the handshake is done
    await until(() => got.length === 1);
    expect(got[0]).toEqual({ kind: 'tailOk', requestId: 7, tailId: 42, leaderToken: 0 });
    expect(s.peers).toEqual([{ role: 1, nodeId: 2 }]);
    expect(c.isReady).toBe(true);
    c.close();
    await until(() => s.closes.length === 1);
  });

  it('delivers in order what one turn writes, small frames (one buffer) and big ones (corked), and flushes it on close', async () => {
    const s = await listen('s3cret');
    const c = dial(s.port, 's3cret', () => undefined);
    c.send({ kind: 'tail', requestId: 1 });
    await until(() => c.isReady && s.messages.length === 1);
    const expected: number[] = [];
    const write = (requestId: number, payloadBytes: number): void => {
      expected.push(requestId);
      c.send({
        kind: 'append',
        requestId,
        writerId: 1,
        writerSeq: requestId,
        records: [{ type: 2, engineVersion: 1, payload: Buffer.alloc(payloadBytes, requestId & 0xff) }],
        condition: { leaderToken: 1 },
      });
    };
    for (let i = 2; i < 200; i++) write(i, 100); // one turn, under 64 KiB in all
    await until(() => s.messages.length === 199);
    for (let i = 200; i < 260; i++) write(i, i % 3 === 0 ? 70_000 : 10); // one turn, over 64 KiB
    c.close(); // written this turn: leaves before the FIN
    await until(() => s.closes.length === 1);
    const got = s.messages.slice(1).map((m) => (m.kind === 'append' ? [m.requestId, m.records[0]!.payload.byteLength, m.records[0]!.payload[0]] : []));
    expect(got).toEqual(expected.map((id) => [id, id >= 200 && id % 3 === 0 ? 70_000 : id >= 200 ? 10 : 100, id & 0xff]));
  });

  it('sends a frame given as parts (encodeAppendEntriesParts) as one frame, in order with the others, queued or not', async () => {
    const s = await listen('s3cret');
    const c = dial(s.port, 's3cret', () => undefined);
    const ae = (probe: number, sizes: number[]): AppendEntries => ({
      kind: 'appendEntries', term: 1, leaderId: 1, prevLogIndex: 0, prevLogTerm: 0, leaderCommit: 0, probe, trimBeforeId: 0,
      entries: sizes.map((bytes, i) => ({ index: i + 1, term: 1, type: 2, engineVersion: 1, writerId: 1, writerSeq: i + 1, payload: Buffer.alloc(bytes, probe) })),
    });
    c.sendFrame(encodeAppendEntriesParts(ae(1, [100_000, 10]))); // before the handshake: queued
    c.sendFrame(encodeMessage({ kind: 'tail', requestId: 2 }));
    await until(() => s.messages.length === 2);
    c.sendFrame(encodeAppendEntriesParts(ae(3, [5, 70_000, 20_000]))); // one turn: parts among frames
    c.sendFrame(encodeMessage({ kind: 'tail', requestId: 4 }));
    c.sendFrame(encodeAppendEntriesParts(ae(5, [30_000])));
    await until(() => s.messages.length === 5);
    const got = s.messages.map((m) =>
      m.kind === 'appendEntries' ? [m.probe, ...m.entries.map((e) => [e.payload.byteLength, e.payload[0], e.payload[e.payload.byteLength - 1]])] : [m.kind],
    );
    expect(got).toEqual([
      [1, [100_000, 1, 1], [10, 1, 1]],
      ['tail'],
      [3, [5, 3, 3], [70_000, 3, 3], [20_000, 3, 3]],
      ['tail'],
      [5, [30_000, 5, 5]],
    ]);
    c.close();
  });

  it('closes a connection that presents the wrong secret, before any message is handled', async () => {
    const s = await listen('right');
    const closes: (string | undefined)[] = [];
    const c = dial(s.port, 'wrong', () => undefined, (r) => closes.push(r));
    c.send({ kind: 'tail', requestId: 1 });
    await until(() => s.closes.length === 1 && closes.length === 1);
    expect(s.closes[0]).toMatch(/authentication failed/);
    expect(s.messages).toEqual([]);
  });

  it('closes on garbage, on an oversized frame before auth, and on silence', async () => {
    const s = await listen('k', 300);
    const raw = (bytes: Buffer): Socket => {
      const sock = connect(s.port, '127.0.0.1');
      sock.on('error', () => undefined);
      sock.write(bytes);
      return sock;
    };
    raw(Buffer.from('GET / HTTP/1.1\r\n\r\n'));
    const big = Buffer.alloc(8);
    big.writeUInt32LE(1 << 20, 0);
    raw(big);
    raw(Buffer.alloc(0)); // silent: the handshake timer closes it
    await until(() => s.closes.length === 3);
    expect(s.closes.some((r) => /over the limit/.test(r ?? ''))).toBe(true);
    expect(s.closes.some((r) => /timed out/.test(r ?? ''))).toBe(true);
    expect(s.messages).toEqual([]);
  });
});
