// How the io-mux reads its sockets (test process): on this Node, accepted sockets must
// use user-buffer reads (connection.ts: one shared read buffer, the callback straight
// from onStreamRead, no Readable machinery). That path relies on Node internals, so
// these tests fail if an upgrade quietly takes it away (the server would still work,
// through 'data' events, only slower). They also check that the shared buffer is safe
// (commands split across reads, interleaved with other connections' reads) and that a
// socket that cannot switch still works through 'data' events.

import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { Connection, userBufferReads, type ConnectionHost } from '../../src/io-mux/connection.js';
import { BatchEncoder } from '../../src/workers/batch-format.js';
import { resp } from '../main/raw-client.js';
import { useInProcessServer } from './in-process-server.js';

const { server, client } = useInProcessServer();

describe('user-buffer reads', () => {
  it("are available on this Node (Socket's onread fields found on a probe socket)", () => {
    expect(userBufferReads).toBeDefined();
    expect(userBufferReads!.buffer.description).toBe('kBuffer');
    expect(userBufferReads!.callback.description).toBe('kBufferCb');
  });

  it('are what every accepted connection uses', async () => {
    const a = client();
    const b = client();
    await Promise.all([a.connected, b.connected]);
    expect((await a.roundTrip(resp('PING'), 7)).toString()).toBe('+PONG\r\n');
    expect((await b.roundTrip(resp('PING'), 7)).toString()).toBe('+PONG\r\n');
    expect(server().ioMux.connections.size).toBeGreaterThanOrEqual(2);
    for (const conn of server().ioMux.connections.values()) {
      expect(conn.readMode).toBe('user-buffer');
      // ...and the handle calls the io-mux's read callback, not Node's onStreamRead.
      expect(conn.ownReadCallback).toBe(true);
    }
  });

  it('keep split commands intact while other connections reuse the shared buffer', async () => {
    // Values larger than the shared read buffer, written in odd pieces on two
    // connections at once: each connection's pending tail must be its own copy.
    const conns = [client(), client(), client()];
    await Promise.all(conns.map((c) => c.connected));
    const values = conns.map((_, i) => Buffer.alloc(200_000 + i * 7, 97 + i));
    const requests = conns.map((_, i) => Buffer.concat([resp('SET', `rm:${i}`, values[i]!), resp('GET', `rm:${i}`), resp('ECHO', `tail-${i}`)]));
    const piece = 9_973;
    for (let at = 0; at < requests[0]!.length + 3 * piece; at += piece) {
      conns.forEach((c, i) => {
        const req = requests[i]!;
        if (at < req.length) c.write(req.subarray(at, Math.min(at + piece, req.length)));
      });
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(
      conns.map(async (c, i) => {
        const v = values[i]!;
        const expected = Buffer.concat([Buffer.from(`+OK\r\n$${v.length}\r\n`), v, Buffer.from(`\r\n$6\r\ntail-${i}\r\n`)]);
        await c.untilBytes(expected.length);
        expect(c.data().equals(expected)).toBe(true);
      }),
    );
  });
});

describe("'data' events (the fallback)", () => {
  it('serve a socket that is already reading (cannot switch)', async () => {
    const records: Buffer[] = [];
    const encoder = new BatchEncoder((record) => records.push(Buffer.from(record)), 64 * 1024, 64 * 1024);
    let flushes = 0;
    const host: ConnectionHost = {
      encoder,
      scheduleFlush: () => void flushes++,
      shouldPauseForBacklog: () => false,
      outputPauseBytes: 1 << 20,
      outputBytesMax: 1 << 21,
      requestInflightBytes: 1 << 20,
      requestRecords: 0,
    };
    // No pauseOnConnect: the accepted socket reads at once, so the switch is refused.
    const accepted = new Promise<Connection>((resolve) => {
      const srv = net.createServer((socket) => {
        resolve(new Connection(1, socket, host, false));
        srv.close();
      });
      srv.listen(0, '127.0.0.1', () => {
        const port = (srv.address() as net.AddressInfo).port;
        const sock = net.connect(port, '127.0.0.1', () => sock.end(Buffer.concat([resp('ECHO', 'fallback-one'), resp('ECHO', 'fallback-two')])));
      });
    });
    const conn = await accepted;
    expect(conn.readMode).toBe('stream');
    await new Promise<void>((resolve) => conn.socket.once('end', () => resolve()));
    encoder.flush();
    const all = Buffer.concat(records).toString('latin1');
    expect(all).toContain('fallback-one');
    expect(all.indexOf('fallback-two')).toBeGreaterThan(all.indexOf('fallback-one'));
    expect(flushes).toBeGreaterThan(0);
    conn.destroy();
  });
});
