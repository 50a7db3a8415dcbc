// How the io-mux writes replies (test process): on this Node, connections must write
// straight to the socket's handle (socket-write.ts: no Writable per write). That path
// relies on Node internals, so these tests fail if an upgrade quietly takes it away
// (the server would still work through socket.write(), only slower). They also check
// what the Writable used to do for us: a write libuv queues keeps its place (replies
// in order, QUIT's close after every queued byte) and counts as unsent output.

import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { directWrites, writeHandleOf } from '../../src/io-mux/socket-write.js';
import { RawClient, resp } from '../main/raw-client.js';
import { useInProcessServer } from './in-process-server.js';

/** A value far larger than loopback's socket buffers take at once, so its write queues. */
const bigValue = Buffer.alloc(24 * 1024 * 1024);
for (let i = 0; i < bigValue.length; i += 4) bigValue.writeUInt32LE((i * 2654435761) >>> 0, i);
const bigReply = Buffer.concat([Buffer.from(`$${bigValue.length}\r\n`), bigValue, Buffer.from('\r\n')]);

const { server, client } = useInProcessServer(async (newClient) => {
  const setup = newClient();
  await setup.connected;
  await setup.roundTrip(resp('SET', 'wm:big', bigValue), 5);
});
const serverSide = (c: RawClient) => [...server().ioMux.connections.values()].find((cn) => cn.socket.remotePort === c.socket.localPort);

describe('direct writes', () => {
  it('are available on this Node (WriteWrap and streamBaseState from the stream_wrap binding)', () => {
    expect(directWrites).toBeDefined();
    expect(typeof directWrites!.WriteWrap).toBe('function');
    // A socket without a handle (not connected) cannot take them.
    expect(writeHandleOf(new net.Socket())).toBeUndefined();
  });

  it('are what every accepted connection uses', async () => {
    const a = client();
    const b = client();
    await Promise.all([a.connected, b.connected]);
    expect((await a.roundTrip(resp('PING'), 7)).toString()).toBe('+PONG\r\n');
    expect((await b.roundTrip(resp('PING'), 7)).toString()).toBe('+PONG\r\n');
    for (const conn of server().ioMux.connections.values()) expect(conn.writeMode).toBe('direct');
  });

  it('keep replies in order behind a write that libuv queued, and count it as unsent output', async () => {
    const lazy = client({ read: false });
    await lazy.connected;
    lazy.write(Buffer.concat([resp('GET', 'wm:big'), resp('ECHO', 'after-big'), resp('GET', 'wm:big'), resp('PING')]));
    // The kernel cannot take 48 MB from a client that does not read: the rest waits in
    // libuv's queue, and the connection says so.
    await lazy.until(() => (serverSide(lazy)?.outputBytes ?? 0) > 0, 10_000, 'queued output');
    lazy.socket.resume();
    const expected = Buffer.concat([bigReply, Buffer.from('$9\r\nafter-big\r\n'), bigReply, Buffer.from('+PONG\r\n')]);
    await lazy.untilBytes(expected.length, 60_000);
    expect(lazy.data().equals(expected)).toBe(true);
    // Every queued write completed: nothing is unsent any more.
    await lazy.until(() => serverSide(lazy)?.outputBytes === 0, 10_000, 'the queue to empty');
  }, 90_000);

  it("close after QUIT only once every queued byte is out", async () => {
    const lazy = client({ read: false });
    await lazy.connected;
    lazy.write(Buffer.concat([resp('GET', 'wm:big'), resp('QUIT')]));
    // The server ends the socket while the reply is still queued.
    await lazy.until(() => serverSide(lazy)?.state !== 'open', 10_000, 'QUIT to be executed');
    lazy.socket.resume();
    await lazy.untilClosed(60_000);
    expect(lazy.data().equals(Buffer.concat([bigReply, Buffer.from('+OK\r\n')]))).toBe(true);
  }, 90_000);
});
