// The io-mux's reply drain (test process): an IoMux on real rings with no engine
// worker, real TCP clients, and reply records built by hand, so that the layouts the
// engine rarely produces are tested on purpose: one connection's replies interleaved
// with another's (written as several runs under cork, still in order), replies after a
// close entry (dropped), entries for an unknown client (skipped), and replies whose
// writes stay queued while later records reuse the drain's scratch buffer.

import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { IoMux } from '../../src/io-mux/io-mux.js';
import { SpscRing } from '../../src/ring/spsc-ring.js';
import { EntryKind } from '../../src/engine/reply.js';
import { RecordKind, recordHeaderBytes, replyEntryHeaderBytes } from '../../src/workers/batch-format.js';
import { RawClient } from '../main/raw-client.js';

interface Entry {
  kind: number;
  id: number;
  body: string;
}

function replyRecord(entries: Entry[]): Buffer {
  const parts: Buffer[] = [Buffer.from([RecordKind.batch])];
  for (const e of entries) {
    const head = Buffer.alloc(replyEntryHeaderBytes);
    head[0] = e.kind;
    head.writeUInt32LE(e.id, 1);
    head.writeUInt32LE(Buffer.byteLength(e.body), 5);
    parts.push(head, Buffer.from(e.body, 'latin1'));
  }
  const record = Buffer.concat(parts);
  expect(record.length).toBe(recordHeaderBytes + entries.reduce((n, e) => n + replyEntryHeaderBytes + e.body.length, 0));
  return record;
}

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function setUp(
  clientCount: number,
  opts: { readers?: boolean[]; outputBytesMax?: number } = {},
): Promise<{ mux: IoMux; replyRing: SpscRing; clients: RawClient[]; ids: number[]; channel: MessageChannel }> {
  const channel = new MessageChannel();
  const replyRing = SpscRing.create(1 << 16);
  const mux = new IoMux({
    requestRing: SpscRing.create(1 << 16),
    replyRing,
    port: channel.port1,
    jumboCounters: new Int32Array(new SharedArrayBuffer(16)),
    requirePass: false,
    ...(opts.outputBytesMax === undefined ? {} : { outputPauseBytes: opts.outputBytesMax / 2, outputBytesMax: opts.outputBytesMax }),
  });
  const port = await mux.listen(0, '127.0.0.1');
  const clients: RawClient[] = [];
  for (let i = 0; i < clientCount; i++) {
    const c = new RawClient(port, { read: opts.readers?.[i] ?? true });
    clients.push(c);
    await c.connected;
    await c.until(() => mux.connections.size === i + 1, 5000, 'the io-mux accepted the client');
  }
  cleanup = async () => {
    for (const c of clients) c.close();
    await mux.close();
    channel.port1.close();
  };
  return { mux, replyRing, clients, ids: [...mux.connections.keys()], channel };
}

describe('reply drain', () => {
  it('is woken through the wake pipe, which closes with the MessagePort', async () => {
    const { mux, replyRing, clients, ids, channel } = await setUp(1);
    // Built a few event-loop turns after the IoMux (wake-pipe.ts: Linux only, as CI is).
    await clients[0]!.until(() => mux.replyWakeMode === 'pipe', 5000, 'the io-mux switched to its wake pipe');
    // The engine's side after a push: with the drain asleep (its flag up), notify writes
    // to the pipe; nothing else drains here (no requests, so no turn's flush).
    expect(replyRing.tryPush(replyRecord([{ kind: EntryKind.reply, id: ids[0]!, body: '+woken\r\n' }]))).toBe(true);
    replyRing.notify();
    await clients[0]!.untilBytes('+woken\r\n'.length);
    expect(clients[0]!.data().toString('latin1')).toBe('+woken\r\n');
    // The port closes once the engine stopped: nobody writes to the pipe any more.
    channel.port1.close();
    await clients[0]!.until(() => mux.replyWakeMode === 'closed', 5000, 'the wake pipe closed with the port');
  });

  it("writes a connection's interleaved replies in order (several runs, one corked write)", async () => {
    const { mux, replyRing, clients, ids } = await setUp(2);
    const [a, b] = ids as [number, number];
    const long = 'x'.repeat(300); // past the byte-by-byte copy's limit
    const record = replyRecord([
      { kind: EntryKind.reply, id: a, body: '+a1\r\n' },
      { kind: EntryKind.reply, id: a, body: '+a2\r\n' },
      { kind: EntryKind.reply, id: b, body: '+b1\r\n' },
      { kind: EntryKind.reply, id: a, body: `+${long}\r\n` },
      { kind: EntryKind.reply, id: 999_999, body: '+nobody\r\n' },
      { kind: EntryKind.reply, id: b, body: '+b2\r\n' },
      { kind: EntryKind.reply, id: a, body: '+a4\r\n' },
    ]);
    expect(replyRing.tryPush(record)).toBe(true);
    mux.drainReplies();
    const expectA = `+a1\r\n+a2\r\n+${long}\r\n+a4\r\n`;
    const expectB = '+b1\r\n+b2\r\n';
    await clients[0]!.untilBytes(expectA.length);
    await clients[1]!.untilBytes(expectB.length);
    expect(clients[0]!.data().toString('latin1')).toBe(expectA);
    expect(clients[1]!.data().toString('latin1')).toBe(expectB);
    expect(mux.counters.corkedReplyWrites).toBe(2);
  });

  it('writes nothing after a close entry, and closes after the replies before it', async () => {
    const { mux, replyRing, clients, ids } = await setUp(2);
    const [a, b] = ids as [number, number];
    const record = replyRecord([
      { kind: EntryKind.reply, id: a, body: '+before\r\n' },
      { kind: EntryKind.reply, id: b, body: '+other\r\n' },
      { kind: EntryKind.close, id: a, body: '' },
      { kind: EntryKind.reply, id: a, body: '+after\r\n' },
      { kind: EntryKind.reply, id: b, body: '+still\r\n' },
    ]);
    expect(replyRing.tryPush(record)).toBe(true);
    mux.drainReplies();
    await clients[0]!.untilClosed();
    expect(clients[0]!.data().toString('latin1')).toBe('+before\r\n');
    await clients[1]!.untilBytes(16);
    expect(clients[1]!.data().toString('latin1')).toBe('+other\r\n+still\r\n');
  });

  it("keeps a slow client's queued replies intact while later records are drained", async () => {
    // Client 0 does not read, so the kernel's buffers fill and its writes stay queued in
    // libuv (holding views of the bytes); client 1 reads. Every reply is distinct.
    const recordCount = 1200;
    const { mux, replyRing, clients, ids } = await setUp(2, { readers: [false, true], outputBytesMax: 1 << 30 });
    const [slow, fast] = ids as [number, number];
    const expectSlow: string[] = [];
    const expectFast: string[] = [];
    for (let i = 0; i < recordCount; i++) {
      const big = `+${String(i).padStart(6, '0')}${String.fromCharCode(97 + (i % 26)).repeat(8000)}\r\n`;
      const small = `+s${i}\r\n`;
      const other = `+f${i}\r\n`;
      expectSlow.push(big, small);
      expectFast.push(other);
      const record = replyRecord([
        { kind: EntryKind.reply, id: slow, body: big },
        { kind: EntryKind.reply, id: fast, body: other },
        { kind: EntryKind.reply, id: slow, body: small },
      ]);
      while (!replyRing.tryPush(record)) mux.drainReplies();
      mux.drainReplies();
    }
    const wantSlow = expectSlow.join('');
    const wantFast = expectFast.join('');
    await clients[1]!.untilBytes(wantFast.length);
    expect(clients[1]!.data().toString('latin1')).toBe(wantFast);
    expect(mux.connections.get(slow)!.outputBytes).toBeGreaterThan(0); // writes were queued
    clients[0]!.socket.resume();
    await clients[0]!.untilBytes(wantSlow.length, 30_000);
    const got = clients[0]!.data().toString('latin1');
    expect(got.length).toBe(wantSlow.length);
    expect(got === wantSlow).toBe(true); // (not toBe: a 10 MB diff)
  }, 60_000);
});
