// End-to-end tests of the server (test process): the real io-mux, engine worker and
// Engine started in-process with startServer on port 0, driven over raw TCP. Pipelines
// across many connections, protocol errors (also compared byte for byte with Debian's
// redis-server), backpressure on a client that does not read, a 64 MB value both ways
// (jumbo records), inline commands, AUTH limits, maxclients.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/main/server.js';
import { describeWithOracle } from '../support/oracle-guard.js';
import { startRedis } from '../support/redis-oracle.js';
import type { ServerHandle } from '../support/child-server.js';
import { RawClient, resp } from './raw-client.js';

const quiet = (): void => {};
let server: RunningServer;
const clients: RawClient[] = [];
function client(port = server.port, opts?: { read?: boolean }): RawClient {
  const c = new RawClient(port, opts);
  clients.push(c);
  return c;
}

beforeAll(async () => {
  server = await startServer({
    port: 0,
    bind: '127.0.0.1',
    journal: 'none',
    handleSignals: false,
    log: quiet,
  });
});

afterAll(async () => {
  for (const c of clients) c.close();
  await server?.close();
});

describe('pipelining and batching', () => {
  it('many connections, pipelined, get their replies in order', async () => {
    const connCount = 24;
    const perConn = 300;
    const conns = Array.from({ length: connCount }, () => client());
    await Promise.all(conns.map((c) => c.connected));
    const expected: Buffer[] = [];
    conns.forEach((c, i) => {
      const req: Buffer[] = [];
      const rep: string[] = [];
      for (let j = 0; j < perConn; j++) {
        if (j % 3 === 0) {
          req.push(resp('INCR', `ctr:${i}`));
          rep.push(`:${j / 3 + 1}\r\n`);
        } else {
          const v = `c${i}-${j}`;
          req.push(resp('ECHO', v));
          rep.push(`$${v.length}\r\n${v}\r\n`);
        }
      }
      expected.push(Buffer.from(rep.join('')));
      // Split the pipeline into odd-sized writes so commands straddle TCP chunks.
      const all = Buffer.concat(req);
      for (let o = 0; o < all.length; o += 997) c.write(all.subarray(o, o + 997));
    });
    await Promise.all(conns.map((c, i) => c.untilBytes(expected[i]!.length)));
    conns.forEach((c, i) => expect(c.data().toString()).toBe(expected[i]!.toString()));
  });
});

describe('protocol errors', () => {
  it('answers the commands before the bad bytes, then the error, then closes only that connection', async () => {
    const bad = client();
    const good = client();
    await Promise.all([bad.connected, good.connected]);
    expect((await good.roundTrip(resp('PING'), 7)).toString()).toBe('+PONG\r\n');
    bad.write('*1\r\n$4\r\nPING\r\nECHO hi\r\n*1\r\n$x\r\n*1\r\n$4\r\nPING\r\n');
    await bad.untilClosed();
    expect(bad.data().toString()).toBe('+PONG\r\n$2\r\nhi\r\n-ERR Protocol error: invalid bulk length\r\n');
    expect((await good.roundTrip('PING\r\n', 7)).toString()).toBe('+PONG\r\n');
  });

  // The same malformed inputs to Debian's redis-server and to KeelDB: the bytes until
  // the connection closes must be identical.
  describeWithOracle('byte for byte against redis-server', () => {
    let redis: ServerHandle;
    beforeAll(async () => {
      redis = await startRedis();
    });
    afterAll(async () => {
      await redis?.stop();
    });
    const inputs = [
      '*1\r\n$4\r\nPING\r\n*abc\r\n',
      '*-5\r\n*0\r\n*1\r\n$4\r\nPING\r\n*3000000000\r\n',
      'PING\r\n*3\r\n$3\r\nSET\r\n$1\r\nx\r\nfooz\r\n',
      '*1\r\n$-1\r\n',
      '*2\r\n$4\r\nECHO\r\n\r\n',
      '*1\r\n$536870913\r\n',
      '*2\r\n$4\r\nECHO\r\n+hi\r\n',
      'ECHO "a"b\r\n',
      "ECHO 'unterminated\r\n",
      'ECHO "\\x41\\x4a\\n"\r\nPING "x"\r\n\r\n  \r\nECHO\tb\r\n*1\r\n:1\r\n',
      `*1\r\n${'1'.repeat(70_000)}`,
      `*1\r\n$1${'1'.repeat(70_000)}`,
      `ECHO ${'a'.repeat(70_000)}`,
    ];
    for (const input of inputs) {
      it(JSON.stringify(input.length > 80 ? `${input.slice(0, 40)}...(${input.length} bytes)` : input), async () => {
        const outcome = async (port: number): Promise<string> => {
          const c = client(port);
          await c.connected;
          c.write(input);
          await c.untilClosed();
          return c.data().toString('latin1');
        };
        const [theirs, ours] = await Promise.all([outcome(redis.port), outcome(server.port)]);
        expect(ours).toBe(theirs);
        expect(ours).toContain('-ERR Protocol error');
      });
    }
  });
});

describe('closing from the engine', () => {
  it('QUIT: the replies before it, +OK, then the close; nothing after it runs', async () => {
    const c = client();
    await c.connected;
    c.write('PING\r\nSET quit:k 1\r\nQUIT\r\nSET quit:k 2\r\n');
    await c.untilClosed();
    expect(c.data().toString()).toBe('+PONG\r\n+OK\r\n+OK\r\n');
    const d = client();
    await d.connected;
    expect((await d.roundTrip('GET quit:k\r\n', 7)).toString()).toBe('$1\r\n1\r\n');
  });

  it('CLIENT KILL from another connection closes the victim\'s socket', async () => {
    const victim = client();
    const killer = client();
    await Promise.all([victim.connected, killer.connected]);
    const idReply = (await victim.roundTrip('CLIENT ID\r\n', 3)).toString();
    await victim.until(() => victim.data().toString().endsWith('\r\n'));
    const id = /^:(\d+)\r\n$/.exec(victim.data().toString())?.[1];
    expect(id, idReply).toBeDefined();
    expect((await killer.roundTrip(`CLIENT KILL ID ${id}\r\n`, 4)).toString()).toBe(':1\r\n');
    await victim.untilClosed();
    expect((await killer.roundTrip('PING\r\n', 7)).toString()).toBe('+PONG\r\n');
  });
});

describe('inline commands', () => {
  it('works as telnet sends them, with quoting', async () => {
    const c = client();
    await c.connected;
    const expected = '+OK\r\n$3\r\nc d\r\n+PONG\r\n$3\r\nA\nB\r\n';
    const got = await c.roundTrip('SET "a b" \'c d\'\r\nGET "a b"\nPING\r\n\r\nECHO "A\\nB"\r\n', expected.length);
    expect(got.toString()).toBe(expected);
  });
});

describe('backpressure', () => {
  // Its own server, with low thresholds so the tests need megabytes, not gigabytes.
  let bp: RunningServer;
  beforeAll(async () => {
    bp = await startServer({
      port: 0,
      bind: '127.0.0.1',
      journal: 'none',
      handleSignals: false,
      log: quiet,
      outputPauseBytes: 256 * 1024,
      outputBytesMax: 8 * 1024 * 1024,
    });
  });
  afterAll(async () => {
    await bp?.close();
  });
  const serverSide = (c: RawClient) => [...bp.ioMux.connections.values()].find((cn) => cn.socket.remotePort === c.socket.localPort);

  it('stops reading a client that does not read its replies (paused, not disconnected), and resumes when it reads', async () => {
    const lazy = client(bp.port, { read: false });
    await lazy.connected;
    // ECHO requests, each answered with about as many bytes, written until the server
    // has paused us and our own writes back up: how much that takes depends on the
    // kernel's socket buffers (autotuned up to tens of MB), so it is not fixed.
    const value = Buffer.alloc(1000, 0x78);
    const echo = resp('ECHO', value);
    const pipeline = Buffer.concat(Array.from({ length: 256 }, () => echo));
    let sent = 0;
    const deadline = Date.now() + 30_000;
    while (!(serverSide(lazy)?.isPausedForOutput === true && lazy.socket.writableLength > 1024 * 1024)) {
      if (Date.now() > deadline || sent * echo.length > 512 * 1024 * 1024) throw new Error(`server never paused the lazy client (sent ${sent} commands)`);
      if (lazy.socket.writableLength < 4 * 1024 * 1024) {
        lazy.write(pipeline);
        sent += 256;
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    // The server stopped reading (our writes back up) and keeps the unsent output
    // bounded, well below the hard limit: paused, not disconnected.
    expect(serverSide(lazy)!.state).toBe('open');
    expect(serverSide(lazy)!.outputBytes).toBeLessThan(8 * 1024 * 1024);
    expect(lazy.socket.writableLength).toBeGreaterThan(0);
    // Now read: every reply arrives, in full, in order.
    const reply = Buffer.concat([Buffer.from(`$${value.length}\r\n`), value, Buffer.from('\r\n')]);
    lazy.socket.resume();
    await lazy.untilBytes(reply.length * sent, 60_000);
    expect(lazy.closed).toBe(false);
    const got = lazy.data();
    expect(got.length).toBe(reply.length * sent);
    expect(got.subarray(0, reply.length).equals(reply)).toBe(true);
    expect(got.subarray(got.length - reply.length).equals(reply)).toBe(true);
  }, 90_000);

  it('disconnects a client whose output passes the hard limit, and the engine forgets it', async () => {
    const setup = client(bp.port);
    await setup.connected;
    // One reply far above the 8 MiB hard limit, even after the kernel's socket buffers
    // (several MiB on loopback) have taken their share.
    const value = Buffer.alloc(40 * 1024 * 1024, 0x79);
    await setup.roundTrip(resp('SET', 'bp:huge', value), 5);
    const lazy = client(bp.port, { read: false });
    await lazy.connected;
    lazy.write(resp('CLIENT', 'SETNAME', 'lazy'));
    lazy.write(resp('GET', 'bp:huge'));
    await lazy.until(() => serverSide(lazy) === undefined, 10_000, 'the server to drop the lazy client');
    lazy.socket.resume();
    await lazy.untilClosed();
    expect(lazy.data().length).toBeLessThan(value.length);
    // The engine heard about the close: CLIENT LIST no longer shows it.
    const before = setup.receivedBytes;
    setup.write(resp('CLIENT', 'LIST'));
    await setup.until(() => setup.receivedBytes > before && setup.data().subarray(before).toString().endsWith('\r\n'), 5000, 'CLIENT LIST');
    const list = setup.data().subarray(before).toString();
    expect(list).toContain('id=');
    expect(list).not.toContain('name=lazy');
  });
});

describe('large values', () => {
  it('a 64 MB SET then GET round-trips (jumbo records both ways)', async () => {
    const c = client();
    await c.connected;
    const value = Buffer.allocUnsafe(64 * 1024 * 1024);
    for (let i = 0; i < value.length; i += 4096) value.writeUInt32LE(i ^ 0x5bd1e995, i);
    c.write(resp('SET', 'big', value));
    c.write(resp('GET', 'big'));
    c.write(resp('STRLEN', 'big'));
    const header = `$${value.length}\r\n`;
    const expectedBytes = 5 + header.length + value.length + 2 + `:${value.length}\r\n`.length;
    await c.untilBytes(expectedBytes, 60_000);
    const got = c.data();
    expect(got.subarray(0, 5).toString()).toBe('+OK\r\n');
    expect(got.subarray(5, 5 + header.length).toString()).toBe(header);
    expect(got.subarray(5 + header.length, 5 + header.length + value.length).equals(value)).toBe(true);
    expect(got.subarray(5 + header.length + value.length).toString()).toBe(`\r\n:${value.length}\r\n`);
    expect(server.ioMux.counters.jumboRequests).toBeGreaterThan(0);
    expect(server.ioMux.counters.jumboReplies).toBeGreaterThan(0);
  }, 90_000);
});

describe('maxclients', () => {
  it('refuses a connection past maxclients with Redis\'s error', async () => {
    const small = await startServer({ port: 0, bind: '127.0.0.1', journal: 'none', handleSignals: false, log: quiet, maxClients: 2 });
    try {
      const a = client(small.port);
      const b = client(small.port);
      await Promise.all([a.connected, b.connected]);
      expect((await a.roundTrip('PING\r\n', 7)).toString()).toBe('+PONG\r\n');
      expect((await b.roundTrip('PING\r\n', 7)).toString()).toBe('+PONG\r\n');
      const c = client(small.port);
      await c.untilClosed();
      expect(c.data().toString()).toBe('-ERR max number of clients reached\r\n');
    } finally {
      await small.close();
    }
  });
});

describe('requirepass', () => {
  it('applies the unauthenticated limits before AUTH, and not after it', async () => {
    const guarded = await startServer({ port: 0, bind: '127.0.0.1', journal: 'none', handleSignals: false, log: quiet, requirepass: 'pw' });
    try {
      const eleven = resp('MSET', 'a', '1', 'b', '2', 'c', '3', 'd', '4', 'e', '5');
      const early = client(guarded.port);
      await early.connected;
      early.write(eleven);
      await early.untilClosed();
      expect(early.data().toString()).toBe('-ERR Protocol error: unauthenticated multibulk length\r\n');
      // AUTH and the big command in one write: the parser waits for AUTH's result.
      const late = client(guarded.port);
      await late.connected;
      const got = await late.roundTrip(Buffer.concat([resp('AUTH', 'pw'), eleven, resp('GET', 'e')]), 5 + 5 + 7);
      expect(got.toString()).toBe('+OK\r\n+OK\r\n$1\r\n5\r\n');
      const bulk = client(guarded.port);
      await bulk.connected;
      bulk.write(resp('AUTH', Buffer.alloc(16_385, 0x61)));
      await bulk.untilClosed();
      expect(bulk.data().toString()).toBe('-ERR Protocol error: unauthenticated bulk length\r\n');
    } finally {
      await guarded.close();
    }
  });
});

describe('tiny rings', () => {
  // 4 KiB rings: request batches back up (the io-mux's backlog), and any value over
  // 1 KiB travels as a jumbo record, in both directions, interleaved with small ones.
  it('keeps every connection\'s replies in order through backlog and jumbo records', async () => {
    const tiny = await startServer({
      port: 0,
      bind: '127.0.0.1',
      journal: 'none',
      handleSignals: false,
      log: quiet,
      requestRingBytes: 4096,
      replyRingBytes: 4096,
    });
    try {
      const conns = Array.from({ length: 8 }, () => client(tiny.port));
      await Promise.all(conns.map((c) => c.connected));
      const expected: string[] = [];
      conns.forEach((c, i) => {
        const req: Buffer[] = [];
        let rep = '';
        for (let j = 0; j < 120; j++) {
          const size = j % 10 === 0 ? 3000 + j : (j * 37) % 200;
          const v = Buffer.alloc(size, 97 + ((i + j) % 26));
          req.push(resp('SET', `t:${i}:${j}`, v), resp('GET', `t:${i}:${j}`));
          rep += `+OK\r\n$${size}\r\n${v.toString()}\r\n`;
        }
        expected.push(rep);
        c.write(Buffer.concat(req));
      });
      await Promise.all(conns.map((c, i) => c.untilBytes(expected[i]!.length, 60_000)));
      conns.forEach((c, i) => expect(c.data().toString()).toBe(expected[i]));
      // The paths this test is for were taken.
      expect(tiny.ioMux.counters.backloggedRecords).toBeGreaterThan(0);
      expect(tiny.ioMux.counters.jumboRequests).toBeGreaterThan(0);
      expect(tiny.ioMux.counters.jumboReplies).toBeGreaterThan(0);
    } finally {
      await tiny.close();
    }
  }, 90_000);
});
