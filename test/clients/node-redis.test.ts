// node-redis (package `redis`) against KeelDB (test process; the server is a child
// process): RESP2 and RESP3 connections (RESP3 makes the client send HELLO 3 and decode
// maps, nulls and doubles), basic commands, auto-pipelining, MULTI/EXEC, WATCH, error
// replies, client name, and AUTH against --requirepass.

import { createClient } from 'redis';
import { afterEach, describe, expect, it } from 'vitest';
import { describeWithSubject } from '../support/oracle-guard.js';
import { useSubjectServer } from '../support/use-server.js';

type Client = ReturnType<typeof createClient>;
const opened: { destroy(): void }[] = [];

async function connect(port: number, options: Record<string, unknown> = {}): Promise<Client> {
  const c = createClient({ socket: { port, host: '127.0.0.1', reconnectStrategy: false }, ...options }) as Client;
  c.on('error', () => undefined); // surfaced through the failing command instead
  opened.push(c);
  await c.connect();
  return c;
}

afterEach(() => {
  while (opened.length > 0) opened.pop()!.destroy();
});

describeWithSubject('node-redis', () => {
  const server = useSubjectServer();

  for (const resp of [2, 3] as const) {
    describe(`RESP${resp}`, () => {
      it('runs string and key commands', async () => {
        const c = await connect(server().port, { RESP: resp });
        expect(await c.ping()).toBe('PONG');
        await c.flushAll();
        expect(await c.set('k', 'v', { EX: 100 })).toBe('OK');
        expect(await c.get('k')).toBe('v');
        expect(await c.get('missing')).toBeNull();
        const ttl = await c.ttl('k');
        expect(ttl === 100 || ttl === 99).toBe(true);
        expect(await c.incr('n')).toBe(1);
        expect(await c.incrByFloat('n', 1.5)).toBe('2.5');
        expect(await c.mGet(['k', 'missing', 'n'])).toEqual(['v', null, '2.5']);
        expect(await c.exists(['k', 'n', 'missing'])).toBe(2);
        expect(await c.keys('*')).toEqual(expect.arrayContaining(['k', 'n']));
        expect(await c.expireTime('k')).toBeGreaterThan(Math.floor(Date.now() / 1000));
        expect(await c.del(['k', 'n'])).toBe(2);
        expect(await c.dbSize()).toBe(0);
      });

      it('auto-pipelines concurrent commands in order', async () => {
        const c = await connect(server().port, { RESP: resp });
        await c.del('counter');
        const replies = await Promise.all(Array.from({ length: 300 }, () => c.incr('counter')));
        expect(replies).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
      });

      it('runs MULTI/EXEC and aborts on a touched WATCH', async () => {
        const c = await connect(server().port, { RESP: resp });
        const other = await connect(server().port, { RESP: resp });
        const res = await c.multi().set('a', '1').incr('a').get('a').exec();
        expect(res).toEqual(['OK', 2, '2']);
        await c.watch('a');
        await other.set('a', 'changed');
        await expect(c.multi().set('a', 'mine').exec()).rejects.toThrow();
        expect(await c.get('a')).toBe('changed');
      });

      it('reports errors with Redis text', async () => {
        const c = await connect(server().port, { RESP: resp });
        await c.set('s', 'abc');
        await expect(c.incr('s')).rejects.toThrow('ERR value is not an integer or out of range');
        await expect(c.sendCommand(['GET'])).rejects.toThrow("ERR wrong number of arguments for 'get' command");
        expect(await c.ping()).toBe('PONG');
      });

      it('sets the client name and reads CONFIG and HELLO', async () => {
        const c = await connect(server().port, { RESP: resp, name: 'nr-client' });
        expect(await c.clientGetName()).toBe('nr-client');
        expect(await c.configGet('databases')).toEqual({ databases: '16' });
        const hello = (await c.sendCommand(['HELLO'])) as unknown;
        if (resp === 3) {
          expect(hello).toBeTypeOf('object');
          const entries = hello instanceof Map ? Object.fromEntries(hello) : (hello as Record<string, unknown>);
          expect(entries.proto).toBe(3);
          expect(entries.server).toBe('redis');
        } else {
          expect(Array.isArray(hello)).toBe(true);
          expect((hello as unknown[]).slice(0, 2)).toEqual(['server', 'redis']);
        }
      });
    });
  }
});

describeWithSubject('node-redis with --requirepass', () => {
  const server = useSubjectServer({ requirepass: 's3cret' });

  for (const resp of [2, 3] as const) {
    it(`authenticates with the password option (RESP${resp})`, async () => {
      const c = await connect(server().port, { RESP: resp, password: 's3cret' });
      expect(await c.set('a', '1')).toBe('OK');
      expect(await c.get('a')).toBe('1');
    });
  }
  it('is refused without a password and with a wrong one', async () => {
    // node-redis's handshake (HELLO, CLIENT SETINFO) runs before any command: refused.
    await expect(connect(server().port)).rejects.toThrow(/NOAUTH/);
    await expect(connect(server().port, { password: 'wrong' })).rejects.toThrow(/WRONGPASS/);
  });
});
