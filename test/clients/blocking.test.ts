// Blocking list commands over real TCP with two ioredis clients (test process; the server
// is a child process): one blocks in BLPOP, the other pushes and wakes it; the blocked
// connection's later commands answer after the pop, in order; a timeout answers null;
// a disconnect while blocked leaves the element for the next waiter.

import { Redis } from 'ioredis';
import { afterEach, expect, it } from 'vitest';
import { describeWithSubject } from '../support/oracle-guard.js';
import { useSubjectServer } from '../support/use-server.js';

const opened: Redis[] = [];
function client(port: number): Redis {
  const r = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1, retryStrategy: () => null });
  r.on('error', () => undefined);
  opened.push(r);
  return r;
}

afterEach(() => {
  while (opened.length > 0) opened.pop()!.disconnect();
});

/** Waits until the server reports exactly `n` blocked clients (CLIENT LIST flags), so the push comes after the block. */
async function untilBlocked(r: Redis, n: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const list = (await r.call('CLIENT', 'LIST')) as string;
    const blocked = list.split('\n').filter((l) => / cmd=(blpop|brpop|blmove|blmpop|brpoplpush) /.test(l)).length;
    if (blocked === n) return;
    await new Promise((res) => setTimeout(res, 10));
  }
  throw new Error(`never saw ${n} blocked client(s)`);
}

describeWithSubject('blocking list commands (ioredis, TCP)', () => {
  const server = useSubjectServer();

  it('BLPOP on one connection is woken by RPUSH on another, and its pipelined commands follow in order', async () => {
    const waiter = client(server().port);
    const pusher = client(server().port);
    await pusher.flushall();
    const popped = waiter.blpop('jobs', 0);
    const after = waiter.echo('after');
    await untilBlocked(pusher, 1);
    expect(await pusher.rpush('jobs', 'job-1', 'job-2')).toBe(2);
    expect(await popped).toEqual(['jobs', 'job-1']);
    expect(await after).toBe('after');
    expect(await pusher.lrange('jobs', 0, -1)).toEqual(['job-2']);
  });

  it('BLMOVE is woken and moves; a short timeout answers null', async () => {
    const waiter = client(server().port);
    const pusher = client(server().port);
    await pusher.flushall();
    const moved = waiter.blmove('src', 'dst', 'LEFT', 'RIGHT', 0);
    await untilBlocked(pusher, 1);
    await pusher.lpush('src', 'x');
    expect(await moved).toBe('x');
    expect(await pusher.lrange('dst', 0, -1)).toEqual(['x']);
    expect(await waiter.brpop('nothing', 0.05)).toBeNull();
  });

  it('a client that disconnects while blocked is dropped: the element goes to the next waiter', async () => {
    const first = client(server().port);
    const second = client(server().port);
    const pusher = client(server().port);
    await pusher.flushall();
    first.blpop('q', 0).catch(() => undefined);
    await untilBlocked(pusher, 1);
    const secondPop = second.blpop('q', 0);
    await untilBlocked(pusher, 2);
    first.disconnect();
    await untilBlocked(pusher, 1);
    await pusher.rpush('q', 'v');
    expect(await secondPop).toEqual(['q', 'v']);
  });
});
