// Differential tests for Pub/Sub, keyspace notifications and client-side caching
// against redis-server 7.0.15: two connections per server (conn 1 subscribes or
// tracks, conn 0 publishes or writes); every reply and every message the subscriber
// receives is compared byte for byte, in RESP2 and in RESP3 (pushes).
// Only one pattern per subscriber matches a channel (Redis iterates patterns in hash
// order) and PUBSUB CHANNELS lists at most one channel, so order is defined.

import { describe } from 'vitest';
import { diffCase, usePair, type DiffCase } from '../support/diff-pair.js';
import { encodeCommand, type Arg } from '../support/resp-conn.js';
import { describeWithOracle } from '../support/oracle-guard.js';

const sub = 1;
const pub = 0;

/** Sends a command that answers `replies` replies (SUBSCRIBE a b: two), compares them all. */
async function multi(c: DiffCase, args: readonly Arg[], replies: number, conn: number): Promise<void> {
  await c.raw(encodeCommand(args), replies, { conn });
}

/** The next `n` messages waiting on `conn`. */
async function messages(c: DiffCase, n: number, conn = sub): Promise<void> {
  await c.raw('', n, { conn });
}

describeWithOracle('diff: pubsub', () => {
  const pair = usePair();
  for (const proto of [2, 3] as const) {
    describe(`RESP${proto}`, () => {
      const opts = { proto, conns: 2 } as const;

      diffCase(
        pair,
        'SUBSCRIBE, PUBLISH, UNSUBSCRIBE',
        async (c) => {
          await multi(c, ['SUBSCRIBE', 'a', 'b'], 2, sub);
          await c.cmd(['PUBLISH', 'a', 'one'], { conn: pub });
          await messages(c, 1);
          await c.cmd(['PUBLISH', 'b', Buffer.from([0, 13, 10, 255])], { conn: pub });
          await messages(c, 1);
          await c.cmd(['PUBLISH', 'zzz', 'none'], { conn: pub });
          await c.cmd(['PUBSUB', 'NUMSUB', 'a', 'b', 'c'], { conn: pub });
          await c.cmd(['PUBSUB', 'CHANNELS', 'a*'], { conn: pub });
          await c.cmd(['PUBSUB', 'NUMPAT'], { conn: pub });
          await multi(c, ['UNSUBSCRIBE', 'a'], 1, sub);
          await c.cmd(['PUBLISH', 'a', 'gone'], { conn: pub });
          await c.cmd(['PING'], { conn: sub });
          await c.cmd(['PING', 'x'], { conn: sub });
          await multi(c, ['UNSUBSCRIBE', 'b'], 1, sub);
          await multi(c, ['UNSUBSCRIBE'], 1, sub);
          await c.cmd(['PING'], { conn: sub });
          await c.cmd(['PUBLISH', 'a'], { conn: pub });
          await c.cmd(['SUBSCRIBE'], { conn: pub });
        },
        opts,
      );

      diffCase(
        pair,
        'PSUBSCRIBE and pattern messages',
        async (c) => {
          await multi(c, ['PSUBSCRIBE', 'news.*'], 1, sub);
          await multi(c, ['SUBSCRIBE', 'news.x'], 1, sub);
          await c.cmd(['PUBLISH', 'news.x', 'both'], { conn: pub });
          await messages(c, 2);
          await c.cmd(['PUBLISH', 'news.y', 'pattern'], { conn: pub });
          await messages(c, 1);
          await c.cmd(['PUBSUB', 'NUMPAT'], { conn: pub });
          await multi(c, ['PUNSUBSCRIBE', 'news.*', 'other'], 2, sub);
          await multi(c, ['PUNSUBSCRIBE'], 1, sub);
          await multi(c, ['UNSUBSCRIBE'], 1, sub);
        },
        opts,
      );

      diffCase(
        pair,
        'shard channels',
        async (c) => {
          await multi(c, ['SSUBSCRIBE', 's1'], 1, sub);
          await c.cmd(['SPUBLISH', 's1', 'hi'], { conn: pub });
          await messages(c, 1);
          await c.cmd(['PUBLISH', 's1', 'not shard'], { conn: pub });
          await c.cmd(['PUBSUB', 'SHARDCHANNELS'], { conn: pub });
          await c.cmd(['PUBSUB', 'SHARDNUMSUB', 's1', 's2'], { conn: pub });
          await multi(c, ['SUNSUBSCRIBE'], 1, sub);
          await multi(c, ['SUNSUBSCRIBE'], 1, sub);
        },
        opts,
      );

      diffCase(
        pair,
        'subscribed mode, RESET',
        async (c) => {
          await multi(c, ['SUBSCRIBE', 'a'], 1, sub);
          await c.cmd(['GET', 'k'], { conn: sub });
          await c.cmd(['CLIENT', 'GETNAME'], { conn: sub });
          await c.cmd(['RESET'], { conn: sub });
          await c.cmd(['GET', 'k'], { conn: sub });
          await c.cmd(['PUBLISH', 'a', 'x'], { conn: pub });
        },
        opts,
      );

      diffCase(
        pair,
        'SUBSCRIBE inside MULTI, HELLO while subscribed, QUIT',
        async (c) => {
          await c.cmd(['MULTI'], { conn: sub });
          await c.cmd(['SUBSCRIBE', 'm1'], { conn: sub });
          await c.cmd(['PING'], { conn: sub });
          await c.cmd(['EXEC'], { conn: sub });
          await c.cmd(['PUBLISH', 'm1', 'after exec'], { conn: pub });
          await messages(c, 1);
          await c.cmd(['HELLO', String(proto === 3 ? 2 : 3)], { conn: sub, cmp: () => null });
          await c.cmd(['GET', 'k'], { conn: sub });
          await c.cmd(['PING'], { conn: sub });
          await c.cmd(['PUBLISH', 'm1', 'after hello'], { conn: pub });
          await messages(c, 1);
          await c.cmd(['QUIT'], { conn: sub });
          await c.expectClosed({ conn: sub });
          await c.cmd(['PUBSUB', 'NUMSUB', 'm1'], { conn: pub });
        },
        opts,
      );

      diffCase(
        pair,
        'keyspace notifications',
        async (c) => {
          await c.cmd(['CONFIG', 'SET', 'notify-keyspace-events', 'KEA'], { conn: pub });
          await multi(c, ['PSUBSCRIBE', '__key*@0__:*'], 1, sub);
          await c.cmd(['SET', 'k', 'v'], { conn: pub });
          await messages(c, 2);
          await c.cmd(['DEL', 'k'], { conn: pub });
          await messages(c, 2);
          await c.cmd(['LPUSH', 'l', 'a', 'b'], { conn: pub });
          await messages(c, 2);
          await c.cmd(['HSET', 'h', 'f', 'v'], { conn: pub });
          await messages(c, 2);
          await c.cmd(['SADD', 's', 'm'], { conn: pub });
          await messages(c, 2);
          await c.cmd(['RENAME', 'l', 'l2'], { conn: pub });
          await messages(c, 4);
          await c.cmd(['EXPIRE', 's', '100'], { conn: pub });
          await messages(c, 2);
          await c.cmd(['CONFIG', 'SET', 'notify-keyspace-events', ''], { conn: pub });
          await c.cmd(['SET', 'quiet', 'v'], { conn: pub });
          await c.cmd(['PING'], { conn: sub });
        },
        opts,
      );

      // Set members are integers (intset: a defined order in SPOP's reply).
      // One message per event ('E' only), then PING on the subscriber: an extra or
      // missing message on either side shows up as a mismatch.
      const events: ReadonlyArray<readonly [readonly Arg[], number]> = [
        [['SET', 's', '1'], 1],
        [['SET', 's', '2', 'EX', '100'], 2],
        [['SETEX', 's2', '100', 'v'], 2],
        [['SETNX', 's', 'x'], 0],
        [['APPEND', 's', 'x'], 1],
        [['SETRANGE', 's', '0', 'y'], 1],
        [['INCR', 'n'], 1],
        [['INCRBYFLOAT', 'n', '1.5'], 1],
        [['MSET', 'a', '1', 'b', '2'], 2],
        [['GETSET', 'a', '3'], 1],
        [['GETEX', 'a', 'EX', '100'], 1],
        [['GETEX', 'a', 'PERSIST'], 1],
        [['GETDEL', 'a'], 1],
        [['EXPIRE', 'b', '100'], 1],
        [['PERSIST', 'b'], 1],
        [['EXPIRE', 'b', '-1'], 1],
        [['DEL', 's', 's2', 'nothing'], 2],
        [['RPUSH', 'l', 'a', 'b', 'c', 'd'], 1],
        [['LPUSHX', 'l', 'z'], 1],
        [['LPOP', 'l'], 1],
        [['RPOP', 'l', '2'], 1],
        [['LSET', 'l', '0', 'q'], 1],
        [['LINSERT', 'l', 'BEFORE', 'q', 'p'], 1],
        [['LREM', 'l', '0', 'p'], 1],
        [['LMOVE', 'l', 'l2', 'LEFT', 'RIGHT'], 2],
        [['RPUSH', 'l', 'a', 'b'], 1],
        [['LTRIM', 'l', '5', '10'], 2],
        [['LMPOP', '1', 'l2', 'LEFT'], 2],
        [['HSET', 'h', 'a', '1', 'b', '2'], 1],
        [['HSETNX', 'h', 'a', '1'], 0],
        [['HINCRBY', 'h', 'a', '5'], 1],
        [['HINCRBYFLOAT', 'h', 'a', '0.5'], 1],
        [['HDEL', 'h', 'a', 'x'], 1],
        [['HDEL', 'h', 'b'], 2],
        [['SADD', 'st', 'a', 'b', 'c'], 1],
        [['SADD', 'st', 'a'], 0],
        [['SREM', 'st', 'a'], 1],
        [['SMOVE', 'st', 'st2', 'b'], 2],
        [['SMOVE', 'st', 'st2', 'c'], 3],
        [['SADD', 'st', '1', '2'], 1],
        [['SUNIONSTORE', 'u', 'st', 'st2'], 1],
        [['SINTERSTORE', 'u', 'st', 'st2'], 1],
        [['SDIFFSTORE', 'd', 'st', 'st2'], 1],
        [['SPOP', 'd', '10'], 2],
        [['SET', 'r', 'v'], 1],
        [['RENAME', 'r', 'r2'], 2],
        [['COPY', 'r2', 'r3'], 1],
        [['MOVE', 'r3', '1'], 2],
      ];
      diffCase(
        pair,
        'keyspace events per command (keyevent channel, every class)',
        async (c) => {
          await c.cmd(['CONFIG', 'SET', 'notify-keyspace-events', 'EA'], { conn: pub });
          await multi(c, ['PSUBSCRIBE', '__keyevent@*__:*'], 1, sub);
          try {
            for (const [args, n] of events) {
              await c.cmd(args, { conn: pub });
              if (n > 0) await messages(c, n);
              await c.cmd(['PING', String(args[0])], { conn: sub });
            }
          } finally {
            await c.cmd(['CONFIG', 'SET', 'notify-keyspace-events', ''], { conn: pub });
          }
        },
        opts,
      );

      if (proto === 3) {
        diffCase(
          pair,
          'a RESP3 client gets its own keyspace event before the reply',
          async (c) => {
            await c.cmd(['CONFIG', 'SET', 'notify-keyspace-events', 'E$'], { conn: pub });
            try {
              await multi(c, ['SUBSCRIBE', '__keyevent@0__:set'], 1, sub);
              await c.cmd(['SET', 'k', 'v'], { conn: sub });
              await messages(c, 1);
              await c.cmd(['PUBLISH', '__keyevent@0__:set', 'self'], { conn: sub });
              await messages(c, 1);
            } finally {
              await c.cmd(['CONFIG', 'SET', 'notify-keyspace-events', ''], { conn: pub });
            }
          },
          opts,
        );
      }

      diffCase(
        pair,
        'CLIENT TRACKING errors and info',
        async (c) => {
          await c.cmd(['CLIENT', 'TRACKINGINFO']);
          await c.cmd(['CLIENT', 'GETREDIR']);
          await c.cmd(['CLIENT', 'CACHING', 'yes']);
          await c.cmd(['CLIENT', 'TRACKING', 'on', 'PREFIX', 'a']);
          await c.cmd(['CLIENT', 'TRACKING', 'on', 'BCAST', 'OPTIN']);
          await c.cmd(['CLIENT', 'TRACKING', 'on', 'OPTIN', 'OPTOUT']);
          await c.cmd(['CLIENT', 'TRACKING', 'on', 'REDIRECT', '999999']);
          await c.cmd(['CLIENT', 'TRACKING', 'on', 'REDIRECT', 'x']);
          await c.cmd(['CLIENT', 'TRACKING', 'on', 'BOGUS']);
          await c.cmd(['CLIENT', 'TRACKING', 'maybe']);
          await c.cmd(['CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'ab', 'PREFIX', 'a']);
          await c.cmd(['CLIENT', 'TRACKING', 'on', 'OPTIN']);
          await c.cmd(['CLIENT', 'TRACKINGINFO']);
          await c.cmd(['CLIENT', 'CACHING', 'no']);
          await c.cmd(['CLIENT', 'CACHING', 'yes']);
          await c.cmd(['CLIENT', 'TRACKINGINFO']);
          await c.cmd(['CLIENT', 'TRACKING', 'on', 'OPTOUT']);
          await c.cmd(['CLIENT', 'TRACKING', 'on', 'BCAST']);
          await c.cmd(['CLIENT', 'GETREDIR']);
          await c.cmd(['CLIENT', 'TRACKING', 'off']);
          await c.cmd(['CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'x', 'PREFIX', 'b', 'NOLOOP']);
          await c.cmd(['CLIENT', 'TRACKINGINFO']);
          await c.cmd(['CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'bb']);
          await c.cmd(['CLIENT', 'TRACKING', 'off']);
          await c.cmd(['CLIENT', 'TRACKINGINFO']);
        },
        opts,
      );

      if (proto === 3) {
        diffCase(
          pair,
          'tracking invalidations (RESP3 push)',
          async (c) => {
            await c.cmd(['CLIENT', 'TRACKING', 'on'], { conn: sub });
            await c.cmd(['SET', 'k', 'v'], { conn: pub });
            await c.cmd(['GET', 'k'], { conn: sub });
            await c.cmd(['SET', 'k', 'w'], { conn: pub });
            await messages(c, 1);
            // Invalidated once: a second write says nothing until the key is read again.
            await c.cmd(['SET', 'k', 'x'], { conn: pub });
            await c.cmd(['GET', 'k'], { conn: sub });
            await c.cmd(['FLUSHALL'], { conn: pub });
            await messages(c, 1);
            await c.cmd(['CLIENT', 'TRACKING', 'off'], { conn: sub });
            await c.cmd(['CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'user:'], { conn: sub });
            await c.cmd(['SET', 'user:1', 'a'], { conn: pub });
            await messages(c, 1);
            await c.cmd(['SET', 'other', 'a'], { conn: pub });
            await c.cmd(['PING'], { conn: sub });
            // OPTIN: CLIENT CACHING yes covers the next command; other CLIENT subcommands do not spend it.
            await c.cmd(['CLIENT', 'TRACKING', 'off'], { conn: sub });
            await c.cmd(['CLIENT', 'TRACKING', 'on', 'OPTIN'], { conn: sub });
            await c.cmd(['GET', 'a'], { conn: sub });
            await c.cmd(['CLIENT', 'CACHING', 'yes'], { conn: sub });
            await c.cmd(['CLIENT', 'TRACKINGINFO'], { conn: sub });
            await c.cmd(['GET', 'b'], { conn: sub });
            await c.cmd(['GET', 'c'], { conn: sub });
            await c.cmd(['MSET', 'a', '1', 'b', '1', 'c', '1'], { conn: pub });
            await messages(c, 1);
            await c.cmd(['PING'], { conn: sub });
            // Its own write, then NOLOOP.
            await c.cmd(['CLIENT', 'TRACKING', 'off'], { conn: sub });
            await c.cmd(['CLIENT', 'TRACKING', 'on'], { conn: sub });
            await c.cmd(['GET', 'a'], { conn: sub });
            await c.cmd(['SET', 'a', '2'], { conn: sub });
            await messages(c, 1);
            await c.cmd(['CLIENT', 'TRACKING', 'on', 'NOLOOP'], { conn: sub });
            await c.cmd(['GET', 'a'], { conn: sub });
            await c.cmd(['SET', 'a', '3'], { conn: sub });
            await c.cmd(['PING'], { conn: sub });
          },
          opts,
        );
      } else {
        diffCase(
          pair,
          'tracking invalidations (RESP2 redirect to a __redis__:invalidate subscriber)',
          async (c) => {
            const [r, s] = await c.cmd(['CLIENT', 'ID'], { conn: sub, cmp: () => null });
            const id = (b: unknown): string => (Buffer.isBuffer(b) ? b.toString('latin1').slice(1).trim() : '0');
            await multi(c, ['SUBSCRIBE', '__redis__:invalidate'], 1, sub);
            await c.each((side) => ['CLIENT', 'TRACKING', 'on', 'REDIRECT', side === 'redis' ? id(r) : id(s)], { conn: pub });
            await c.cmd(['SET', 'k', 'v'], { conn: pub });
            await c.cmd(['GET', 'k'], { conn: pub });
            await c.cmd(['SET', 'k', 'w'], { conn: pub });
            await messages(c, 1);
            await c.cmd(['FLUSHDB'], { conn: pub });
            await messages(c, 1);
          },
          opts,
        );
      }
    });
  }
});
