// Fuzzing a real log-node process's TCP port: garbage before the handshake, a wrong
// secret, oversized lengths, and random or truncated frames after a valid handshake.
// Every bad connection is closed by the node; the node never crashes and keeps serving
// a well-behaved client.

import { connect, type Socket } from 'node:net';
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import { JournalClient } from '../../../src/journal/client/journal-client.js';
import { encodeMessage } from '../../../src/journal/wire/codec.js';
import { WireRole } from '../../../src/journal/wire/codes.js';
import { WireConnection } from '../../../src/journal/wire/connection.js';
import { Cluster, clusterSecret, waitFor } from './cluster.js';

let cluster: Cluster | undefined;
const clients: JournalClient[] = [];
afterAll(async () => {
  for (const c of clients) c.close();
  await cluster?.stopAll();
});

/** Sends raw bytes on a fresh connection (optionally after a valid handshake); resolves when the node closes it. */
async function sendRaw(port: number, bytes: Buffer, handshake: boolean, secret = clusterSecret): Promise<'closed' | 'open'> {
  const socket: Socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  const closed = new Promise<'closed'>((r) => socket.once('close', () => r('closed')));
  if (handshake) {
    const conn = new WireConnection({ socket, secret, side: 'client', identity: { role: WireRole.client, nodeId: 0 }, onMessage: () => undefined });
    await Promise.race([waitFor(() => conn.isReady || conn.isClosed, 5000, 'handshake'), closed]);
    if (conn.isClosed) return 'closed';
  } else {
    socket.resume(); // consume the node's hello, or 'close' never comes
    await new Promise((r) => socket.once('connect', r));
  }
  socket.write(bytes);
  const result = await Promise.race([closed, new Promise<'open'>((r) => setTimeout(() => r('open'), 3000))]);
  socket.destroy();
  return result;
}

it('closes bad connections and keeps serving', async () => {
  cluster = await Cluster.start();
  const port = cluster.node(1).port;
  const client = new JournalClient({ nodes: cluster.addresses, secret: clusterSecret, timeoutMs: 20_000 });
  clients.push(client);
  await client.tail();

  // before the handshake: anything at all closes the connection
  expect(await sendRaw(port, Buffer.from('PING\r\n'), false)).toBe('closed');
  const huge = Buffer.alloc(9);
  huge.writeUInt32LE(0xffff_fff0, 0);
  expect(await sendRaw(port, huge, false)).toBe('closed');
  // a wrong secret never gets past the handshake
  expect(await sendRaw(port, encodeMessage({ kind: 'tail', requestId: 1 }), true, 'not-the-secret')).toBe('closed');

  // after a valid handshake: oversized, undersized, unknown, truncated and random frames
  expect(await sendRaw(port, huge, true)).toBe('closed');
  expect(await sendRaw(port, Buffer.from([3, 0, 0, 0, 20]), true)).toBe('closed');
  expect(await sendRaw(port, Buffer.from([5, 0, 0, 0, 0xee]), true)).toBe('closed');
  const tail = encodeMessage({ kind: 'tail', requestId: 9 });
  const short = Buffer.from(tail.subarray(0, 7));
  short.writeUInt32LE(7, 0);
  expect(await sendRaw(port, short, true)).toBe('closed');
  // a peer message from a client, and a handshake frame after the handshake
  expect(await sendRaw(port, encodeMessage({ kind: 'requestVoteResponse', term: 1, voteGranted: true, preVote: false }), true)).toBe('closed');
  expect(await sendRaw(port, encodeMessage({ kind: 'authOk', mac: Buffer.alloc(32) }), true)).toBe('closed');

  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: 40 }), fc.uint8Array({ minLength: 0, maxLength: 64 }), async (kind, body) => {
      const frame = Buffer.alloc(5 + body.byteLength);
      frame.writeUInt32LE(frame.byteLength, 0);
      frame.writeUInt8(kind, 4);
      frame.set(body, 5);
      // Random bodies are almost always malformed (closed); a rare valid client request is answered (open).
      expect(['closed', 'open']).toContain(await sendRaw(port, frame, true));
    }),
    { numRuns: 25 },
  );

  // the node is alive and serves a good client
  expect(cluster.isRunning(1)).toBe(true);
  const { tailId } = await client.tail();
  expect(tailId).toBeGreaterThanOrEqual(1);
  expect(cluster.node(1).stderr).toMatch(/closed a connection/);
}, 120_000);
