// The busy gate's answers change the client in the engine (test process, KeelDB child
// process over TCP, no oracle): while a script is busy, MULTI, a rejected command and
// a queued one answered by the io-mux's gate (src/io-mux/busy-gate.ts) reach the engine as
// busyApplied request entries (batch-format.ts, sent by Connection.sendUnanswered). If
// they travelled as anything else the engine would answer them (an extra reply) or not
// apply them (EXEC without MULTI), and this fails. The replies are Redis 7.0's (the
// diff tests in test/diff/busy-scripts*.test.ts compare them with redis-server).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerHandle } from '../support/child-server.js';
import { startKeelDb } from '../support/keeldb-server.js';
import { RespConn } from '../support/resp-conn.js';

const busyEval = '-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n';

describe('busy gate: what it answered is applied by the engine', () => {
  let server: ServerHandle;
  beforeAll(async () => {
    server = await startKeelDb();
  });
  afterAll(async () => {
    await server.stop();
  });

  it('MULTI opened, a command rejected and one queued by the gate: EXEC aborts, no extra reply', async () => {
    const admin = await RespConn.connect(server.port);
    const caller = await RespConn.connect(server.port);
    const client = await RespConn.connect(server.port);
    try {
      expect((await admin.send(['CONFIG', 'SET', 'busy-reply-threshold', '100'])).toString()).toBe('+OK\r\n');
      const script = caller.send(['EVAL', 'while true do end', '0'], 15_000);
      // Busy once a fresh connection's PING says so (the gate answers idle connections).
      for (let i = 0; ; i++) {
        await new Promise((r) => setTimeout(r, 100));
        const probe = await RespConn.connect(server.port);
        const reply = await probe.send(['PING'], 2_000).catch(() => Buffer.alloc(0));
        probe.close();
        if (reply.toString() === busyEval) break;
        expect(i).toBeLessThan(50);
      }
      expect((await client.send(['MULTI'])).toString()).toBe('+OK\r\n');
      expect((await client.send(['SET', 'k', 'v'])).toString()).toBe(busyEval);
      expect((await client.send(['SCRIPT', 'KILL'])).toString()).toBe('+QUEUED\r\n');
      expect((await admin.send(['SCRIPT', 'KILL'])).toString()).toBe('+OK\r\n');
      expect((await script).toString()).toMatch(/^-ERR Script killed by user with SCRIPT KILL/);
      expect((await client.send(['EXEC'])).toString()).toBe('-EXECABORT Transaction discarded because of previous errors.\r\n');
      expect((await client.send(['EXISTS', 'k'])).toString()).toBe(':0\r\n');
      expect(client.pendingBytes.length).toBe(0); // no extra reply came
    } finally {
      admin.close();
      caller.close();
      client.close();
    }
  });
});
