// A connection stops reading its socket for each reason to pause that appears while it
// reads (requests in flight past requestInflightBytes, the request backlog), and reads
// again once that reason clears (test process: a real accepted socket in user-buffer
// reads, a stand-in io-mux host). connection.ts consults the socket's pause state only
// when such a reason appears during a read, so these tests guard that it still does.

import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Connection, type ConnectionHost } from '../../src/io-mux/connection.js';
import { BatchEncoder } from '../../src/workers/batch-format.js';
import { resp } from '../main/raw-client.js';

interface Setup {
  conn: Connection;
  client: net.Socket;
  /** Commands the connection handed to the encoder so far. */
  commands(): number;
  /** Sync entries the connection asked for so far. */
  syncs(): number;
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

async function setup(requestInflightBytes: number, pauseForBacklog: () => boolean): Promise<Setup> {
  const encoder = new BatchEncoder(() => {}, 64 * 1024, 64 * 1024);
  let commands = 0;
  let syncs = 0;
  const encode = encoder.commandFromOffsets.bind(encoder);
  encoder.commandFromOffsets = (...args) => {
    commands++;
    encode(...args);
  };
  const sync = encoder.sync.bind(encoder);
  encoder.sync = (id) => {
    syncs++;
    sync(id);
  };
  const host: ConnectionHost = {
    encoder,
    scheduleFlush: () => {},
    shouldPauseForBacklog: () => pauseForBacklog(),
    outputPauseBytes: 1 << 20,
    outputBytesMax: 1 << 21,
    requestInflightBytes,
    requestRecords: 0,
  };
  const srv = net.createServer({ pauseOnConnect: true });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const accepted = new Promise<Connection>((resolve) => srv.once('connection', (socket) => resolve(new Connection(1, socket, host, false))));
  const client = net.connect((srv.address() as net.AddressInfo).port, '127.0.0.1');
  const conn = await accepted;
  cleanups.push(() => {
    client.destroy();
    conn.destroy();
    srv.close();
  });
  expect(conn.readMode).toBe('user-buffer');
  return { conn, client, commands: () => commands, syncs: () => syncs };
}

async function until(cond: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not reached within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A few event-loop turns with the socket's data (if it were read) given time to arrive. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 10));
}

const pings = (n: number): Buffer => Buffer.concat(Array.from({ length: n }, () => resp('PING')));

describe('reading pauses and resumes', () => {
  it('for requests in flight: paused once they pass requestInflightBytes, read again when the sync entry comes back', async () => {
    const s = await setup(100, () => false);
    s.client.write(pings(10)); // 140 bytes: past 100 in one read or two
    await until(() => s.syncs() === 1);
    expect(s.conn.socket.isPaused()).toBe(true);
    const before = s.commands();
    s.client.write(pings(3));
    await settle();
    expect(s.commands()).toBe(before); // not read while paused
    s.conn.onSynced();
    expect(s.conn.socket.isPaused()).toBe(false);
    await until(() => s.commands() === before + 3);
  });

  it('for the request backlog: paused when the host says so, read again on resumeFromBacklog', async () => {
    let backedUp = true;
    const s = await setup(1 << 20, () => backedUp);
    s.client.write(pings(2));
    await until(() => s.commands() === 2);
    expect(s.conn.pausedForBacklog).toBe(true);
    expect(s.conn.socket.isPaused()).toBe(true);
    s.client.write(pings(4));
    await settle();
    expect(s.commands()).toBe(2);
    backedUp = false;
    s.conn.resumeFromBacklog();
    expect(s.conn.socket.isPaused()).toBe(false);
    await until(() => s.commands() === 6);
  });

  it('keeps reading while no reason to pause appears', async () => {
    const s = await setup(1 << 20, () => false);
    for (let i = 1; i <= 5; i++) {
      s.client.write(pings(1));
      await until(() => s.commands() === i);
      expect(s.conn.socket.isPaused()).toBe(false);
    }
  });
});
