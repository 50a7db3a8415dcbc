// Pub/Sub with real clients against KeelDB (test process; the server and redis-cli are
// child processes): an ioredis subscriber (channels, patterns, keyspace notifications)
// receiving what another ioredis connection PUBLISHes,
// and `redis-cli subscribe` spawned and its stdout read until the published messages
// appear. Each waits for a message by event, never by sleeping.

import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterEach, expect, it } from 'vitest';
import { describeWithRedisCli, describeWithSubject } from '../support/oracle-guard.js';
import { useSubjectServer } from '../support/use-server.js';

const opened: Redis[] = [];
const children: ChildProcess[] = [];
function client(port: number): Redis {
  const r = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1, retryStrategy: () => null });
  r.on('error', () => undefined);
  opened.push(r);
  return r;
}

afterEach(() => {
  while (opened.length > 0) opened.pop()!.disconnect();
  while (children.length > 0) children.pop()!.kill('SIGKILL');
});

/** Resolves with the next `n` events `event` emits on `r` (argument arrays). */
function nextEvents(r: Redis, event: string, n: number): Promise<unknown[][]> {
  return new Promise((resolve) => {
    const got: unknown[][] = [];
    const on = (...args: unknown[]): void => {
      got.push(args);
      if (got.length === n) {
        r.off(event, on);
        resolve(got);
      }
    };
    r.on(event, on);
  });
}

describeWithSubject('pubsub with ioredis', () => {
  const server = useSubjectServer();

  it('a subscriber receives published messages, in order, with receiver counts', async () => {
    const sub = client(server().port);
    const pub = client(server().port);
    expect(await sub.subscribe('news', 'sport')).toBe(2);
    const messages = nextEvents(sub, 'message', 3);
    expect(await pub.publish('news', 'one')).toBe(1);
    expect(await pub.publish('sport', 'two')).toBe(1);
    expect(await pub.publish('news', 'three')).toBe(1);
    expect(await pub.publish('nobody', 'x')).toBe(0);
    expect(await messages).toEqual([
      ['news', 'one'],
      ['sport', 'two'],
      ['news', 'three'],
    ]);
    expect(await pub.pubsub('NUMSUB', 'news')).toEqual(['news', 1]);
    await sub.unsubscribe('news');
    expect(await pub.publish('news', 'gone')).toBe(0);
  });

  it('pattern subscriptions and keyspace notifications', async () => {
    const sub = client(server().port);
    const pub = client(server().port);
    await pub.config('SET', 'notify-keyspace-events', 'KEA');
    try {
      await sub.psubscribe('__keyevent@0__:*');
      const events = nextEvents(sub, 'pmessage', 3);
      await pub.set('k', 'v');
      await pub.lpush('l', 'a');
      await pub.del('k');
      expect(await events).toEqual([
        ['__keyevent@0__:*', '__keyevent@0__:set', 'k'],
        ['__keyevent@0__:*', '__keyevent@0__:lpush', 'l'],
        ['__keyevent@0__:*', '__keyevent@0__:del', 'k'],
      ]);
    } finally {
      await pub.config('SET', 'notify-keyspace-events', '');
    }
  });
});

describeWithRedisCli('pubsub with redis-cli', () => {
  const server = useSubjectServer();

  it('`redis-cli subscribe` prints the messages PUBLISHed to its channel', async () => {
    const port = server().port;
    const child = spawn('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'subscribe', 'chan'], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString('latin1');
    });
    const waitFor = (text: string): Promise<void> =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          if (!out.includes(text)) return;
          child.stdout!.off('data', check);
          resolve();
        };
        // Registered after the accumulating listener: runs once `out` has the new bytes.
        child.stdout!.on('data', check);
        child.once('exit', () => reject(new Error(`redis-cli exited; output so far: ${JSON.stringify(out)}`)));
        check();
      });
    // Non-TTY output: each reply element on its own line.
    await waitFor('subscribe\nchan\n1\n');
    const pub = client(port);
    expect(await pub.publish('chan', 'hello world')).toBe(1);
    expect(await pub.publish('chan', 'second')).toBe(1);
    await waitFor('message\nchan\nsecond\n');
    expect(out).toBe('subscribe\nchan\n1\nmessage\nchan\nhello world\nmessage\nchan\nsecond\n');
  });
});
