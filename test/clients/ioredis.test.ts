// ioredis against KeelDB (test process; the server is a child process): the client's
// connect handshake (it reads INFO for `loading:0`), basic string and key commands,
// pipelines, MULTI/EXEC, error replies as ReplyError, binary values, SCAN streams,
// SELECT through the `db` option, and AUTH against --requirepass.

import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { describeWithSubject } from '../support/oracle-guard.js';
import { useSubjectServer } from '../support/use-server.js';

const opened: Redis[] = [];
function client(port: number, options: Record<string, unknown> = {}): Redis {
  const r = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1, retryStrategy: () => null, ...options });
  r.on('error', () => undefined); // surfaced through the failing command instead
  opened.push(r);
  return r;
}

afterEach(() => {
  while (opened.length > 0) opened.pop()!.disconnect();
});

describeWithSubject('ioredis', () => {
  const server = useSubjectServer();

  it('connects (ready check) and runs string and key commands', async () => {
    const r = client(server().port);
    expect(await r.ping()).toBe('PONG');
    await r.flushall();
    expect(await r.set('greeting', 'hello')).toBe('OK');
    expect(await r.get('greeting')).toBe('hello');
    expect(await r.get('missing')).toBeNull();
    expect(await r.incr('visits')).toBe(1);
    expect(await r.incrby('visits', 10)).toBe(11);
    expect(await r.incrbyfloat('visits', '0.5')).toBe('11.5');
    expect(await r.append('greeting', ' world')).toBe(11);
    expect(await r.mget('greeting', 'missing', 'visits')).toEqual(['hello world', null, '11.5']);
    expect(await r.set('ttl', 'v', 'EX', 100)).toBe('OK');
    expect(await r.ttl('ttl')).toBeGreaterThanOrEqual(99);
    expect(await r.exists('ttl', 'missing', 'greeting')).toBe(2);
    expect(await r.del('ttl', 'missing')).toBe(1);
    expect(await r.set('nx', '1', 'NX')).toBe('OK');
    expect(await r.set('nx', '2', 'NX')).toBeNull();
    expect(await r.getrange('greeting', 0, 4)).toBe('hello');
    expect(await r.type('greeting')).toBe('string');
    expect(await r.dbsize()).toBe(3);
  });

  it('reports server errors as ReplyError with Redis text', async () => {
    const r = client(server().port);
    await r.set('s', 'abc');
    await expect(r.incr('s')).rejects.toThrow('ERR value is not an integer or out of range');
    await expect(r.call('set', 'k')).rejects.toThrow("ERR wrong number of arguments for 'set' command");
    await expect(r.call('nosuchcommand')).rejects.toThrow(/ERR unknown command 'nosuchcommand'/);
    expect(await r.ping()).toBe('PONG');
  });

  it('pipelines many commands and returns replies in order', async () => {
    const r = client(server().port);
    await r.del('counter');
    const p = r.pipeline();
    for (let i = 0; i < 500; i++) p.incr('counter');
    p.get('counter');
    const results = await p.exec();
    expect(results).toHaveLength(501);
    expect(results!.slice(0, 500).map(([err, v]) => [err, v])).toEqual(Array.from({ length: 500 }, (_, i) => [null, i + 1]));
    expect(results![500]).toEqual([null, '500']);
  });

  it('runs MULTI/EXEC and WATCH', async () => {
    const r = client(server().port);
    const other = client(server().port);
    await r.set('balance', '10');
    const res = await r.multi().incrby('balance', 5).get('balance').set('note', 'x').exec();
    expect(res).toEqual([[null, 15], [null, '15'], [null, 'OK']]);
    await r.watch('balance');
    await other.set('balance', '0');
    expect(await r.multi().set('balance', '99').exec()).toBeNull();
    expect(await r.get('balance')).toBe('0');
  });

  it('round-trips binary values and iterates SCAN', async () => {
    const r = client(server().port);
    await r.flushdb();
    const bin = Buffer.from([0, 1, 2, 0xfe, 0xff, 13, 10]);
    await r.set('bin', bin);
    expect(await r.getBuffer('bin')).toEqual(bin);
    for (let i = 0; i < 50; i++) await r.set(`scan:${i}`, String(i));
    const keys = new Set<string>();
    await new Promise<void>((resolve, reject) => {
      const stream = r.scanStream({ match: 'scan:*', count: 7 });
      stream.on('data', (batch: string[]) => batch.forEach((k) => keys.add(k)));
      stream.on('end', () => resolve());
      stream.on('error', reject);
    });
    expect(keys.size).toBe(50);
  });

  it('selects a database with the db option', async () => {
    const r3 = client(server().port, { db: 3 });
    await r3.set('in3', 'yes');
    const r0 = client(server().port);
    expect(await r0.get('in3')).toBeNull();
    expect(await r3.get('in3')).toBe('yes');
  });
});

describeWithSubject('ioredis with --requirepass', () => {
  const server = useSubjectServer({ requirepass: 's3cret' });

  it('authenticates with the password option and is refused without it', async () => {
    const good = client(server().port, { password: 's3cret' });
    expect(await good.set('a', '1')).toBe('OK');
    expect(await good.get('a')).toBe('1');
    // ioredis's handshake (HELLO) runs before any command: refused without a password.
    const none = client(server().port, { lazyConnect: true });
    const noneErrors: string[] = [];
    none.on('error', (e: Error) => noneErrors.push(e.message));
    await expect(none.connect()).rejects.toThrow();
    expect(noneErrors.join('\n')).toMatch(/NOAUTH/);
    const wrong = client(server().port, { password: 'wrong', lazyConnect: true });
    const wrongErrors: string[] = [];
    wrong.on('error', (e: Error) => wrongErrors.push(e.message));
    await wrong.connect().catch(() => undefined);
    await wrong.get('a').catch(() => undefined);
    expect(wrongErrors.join('\n')).toMatch(/WRONGPASS/);
  });
});
