// Differential tests: CONFIG SET of the limits the io-mux enforces (maxclients,
// proto-max-bulk-len) and of the idle `timeout` takes effect at once, with Redis 7.0's
// texts, byte for byte against redis-server 7.0.15. In KeelDB the engine worker owns
// CONFIG but the io-mux (main thread) enforces the limits: the engine publishes them in
// the control area (src/workers/control-area.ts) before CONFIG SET's +OK leaves. Idle
// clients are closed by the engine's timers (it knows who is blocked or subscribed),
// through a close entry the io-mux acts on.

import { describe } from 'vitest';
import { diffCase, usePair, type DiffCase } from '../support/diff-pair.js';
import { describeWithOracle } from '../support/oracle-guard.js';
import { showBytes } from '../support/resp-decode.js';
import { RespConn } from '../support/resp-conn.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** What a new connection to `port` receives before the server closes it (or in 1 s). */
async function greetingOf(port: number): Promise<string> {
  const conn = await RespConn.connect(port);
  try {
    const closed = await conn.waitClosed(1_000);
    return `${showBytes(conn.pendingBytes)}${closed ? ' <closed>' : ' <open>'}`;
  } finally {
    conn.close();
  }
}

async function compareGreeting(c: DiffCase, what: string): Promise<void> {
  const [r, s] = await Promise.all([greetingOf(c.pair.oracle.port), greetingOf(c.pair.subject.port)]);
  if (r !== s) c.note(what, r, s);
}

describeWithOracle('diff: CONFIG SET limits reach the io-mux', () => {
  const pair = usePair();

  diffCase(pair, 'maxclients: a connection past the new limit gets Redis error and is closed', async (c) => {
    await sleep(200); // connections of the pair's start-up are gone
    await c.cmd(['CONFIG', 'SET', 'maxclients', '1']);
    await compareGreeting(c, 'new connection with maxclients 1');
    await c.cmd(['CONFIG', 'SET', 'maxclients', '10000']);
    await compareGreeting(c, 'new connection with maxclients 10000 (nothing arrives)');
    await c.cmd(['CONFIG', 'GET', 'maxclients']);
  });

  diffCase(
    pair,
    'timeout: idle clients are closed, a subscribed one is not',
    async (c) => {
      await c.cmd(['SUBSCRIBE', 'ch'], { conn: 1 });
      await c.cmd(['CONFIG', 'SET', 'timeout', '1']);
      await c.expectClosed({ conn: 2, timeoutMs: 8_000 });
      await c.expectClosed({ conn: 0, timeoutMs: 8_000 });
      await c.cmd(['PING'], { conn: 1 });
      const fresh = await c.connect();
      await c.cmd(['CONFIG', 'SET', 'timeout', '0'], { conn: fresh });
      await c.cmd(['UNSUBSCRIBE'], { conn: 1 });
    },
    { conns: 3 },
  );

  for (const proto of [2, 3] as const) {
    describe(`RESP${proto}`, () => {
      diffCase(
        pair,
        'proto-max-bulk-len: a bulk past the new limit is a protocol error',
        async (c) => {
          await c.cmd(['CONFIG', 'SET', 'proto-max-bulk-len', '1000']);
          await c.cmd(['CONFIG', 'SET', 'proto-max-bulk-len', '1048576']);
          await c.cmd(['CONFIG', 'GET', 'proto-max-bulk-len']);
          await c.cmd(['SET', 'k', Buffer.alloc(1048576, 97)]);
          await c.cmd(['STRLEN', 'k']);
          await c.raw('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1048577\r\n', 1);
          await c.expectClosed();
          const other = await c.connect();
          await c.cmd(['CONFIG', 'SET', 'proto-max-bulk-len', '512mb'], { conn: other });
          await c.cmd(['SET', 'k', Buffer.alloc(1048577, 98)], { conn: other });
          await c.cmd(['STRLEN', 'k'], { conn: other });
        },
        { proto },
      );
    });
  }
});
