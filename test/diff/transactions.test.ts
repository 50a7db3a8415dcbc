// Differential tests for transactions (issue 2 point 4): MULTI/EXEC/DISCARD, queued
// errors and EXECABORT, runtime errors inside EXEC, WATCH/UNWATCH from two clients
// (conn 0 watches, conn 1 writes), WATCH across SELECT, FLUSHALL, SWAPDB and expiry;
// under RESP2 and after HELLO 3. All exact bytes.

import { describe } from 'vitest';
import { diffCase, diffSeq, usePair, type DiffCase, type Step } from '../support/diff-pair.js';
import { describeWithOracle } from '../support/oracle-guard.js';

const on1 = (...args: string[]): Step => ({ args, conn: 1 });

describeWithOracle('diff: transactions', () => {
  const pair = usePair();
  for (const proto of [2, 3] as const) {
    describe(`RESP${proto}`, () => {
      const seq = (name: string, steps: readonly Step[], conns = 1): void => diffSeq(pair, name, steps, { proto, conns });
      const body = (name: string, f: (c: DiffCase) => Promise<void>, conns = 1): void => diffCase(pair, name, f, { proto, conns });

      seq('MULTI EXEC basics', [
        ['MULTI'],
        ['SET', 'a', '1'],
        ['INCR', 'a'],
        ['GET', 'a'],
        ['GET', 'missing'],
        ['MGET', 'a', 'missing'],
        ['EXPIRE', 'a', '100'],
        ['PERSIST', 'a'],
        ['PING'],
        ['ECHO', 'hi'],
        ['EXEC'],
        ['GET', 'a'],
        ['MULTI'],
        ['EXEC'],
        ['EXEC'],
        ['DISCARD'],
      ]);
      seq('MULTI nesting and forbidden commands', [
        ['MULTI'],
        ['MULTI'],
        ['WATCH', 'a'],
        ['SET', 'a', '1'],
        ['EXEC'],
        ['GET', 'a'],
        ['MULTI'],
        ['UNWATCH'],
        ['EXEC'],
        ['MULTI', 'x'],
        ['EXEC', 'x'],
        ['DISCARD', 'x'],
      ]);
      seq('DISCARD', [
        ['SET', 'a', 'before'],
        ['MULTI'],
        ['SET', 'a', 'inside'],
        ['DISCARD'],
        ['GET', 'a'],
        ['DISCARD'],
        ['EXEC'],
      ]);
      seq('EXECABORT on queue-time errors', [
        ['MULTI'],
        ['SET', 'a', '1'],
        ['SET', 'b'],
        ['NOSUCHCOMMAND', 'x'],
        ['GET', 'a', 'b'],
        ['EXEC'],
        ['EXISTS', 'a'],
        ['MULTI'],
        ['SET', 'a', '1'],
        ['FOO'],
        ['DISCARD'],
        ['MULTI'],
        ['SET', 'a', '1'],
        ['EXEC'],
      ]);
      seq('runtime errors inside EXEC', [
        ['SET', 's', 'abc'],
        ['MULTI'],
        ['INCR', 's'],
        ['SET', 'ok', '1'],
        ['SET', 'x', 'v', 'EX', '0'],
        ['INCRBYFLOAT', 's', '1'],
        ['SELECT', '99'],
        ['RENAME', 'missing', 'y'],
        ['GET', 'ok'],
        ['EXEC'],
        ['GET', 'ok'],
        ['GET', 's'],
      ]);
      seq('SELECT inside MULTI', [
        ['MULTI'],
        ['SELECT', '2'],
        ['SET', 'in2', 'v'],
        ['EXEC'],
        ['GET', 'in2'],
        ['SELECT', '0'],
        ['GET', 'in2'],
      ]);
      seq(
        'WATCH: another client writes',
        [
          ['SET', 'k', '0'],
          ['WATCH', 'k'],
          on1('SET', 'k', '1'),
          ['MULTI'],
          ['SET', 'k', '2'],
          ['EXEC'],
          ['GET', 'k'],
          ['WATCH', 'k'],
          ['MULTI'],
          ['SET', 'k', '3'],
          ['EXEC'],
          ['GET', 'k'],
        ],
        2,
      );
      seq(
        'WATCH: untouched, UNWATCH, DISCARD clears',
        [
          ['WATCH', 'a', 'b'],
          on1('SET', 'c', '1'),
          on1('GET', 'a'),
          ['MULTI'],
          ['SET', 'a', 'x'],
          ['EXEC'],
          ['WATCH', 'a'],
          on1('SET', 'a', 'y'),
          ['UNWATCH'],
          ['MULTI'],
          ['SET', 'a', 'z'],
          ['EXEC'],
          ['WATCH', 'a'],
          on1('SET', 'a', 'w'),
          ['MULTI'],
          ['DISCARD'],
          ['MULTI'],
          ['GET', 'a'],
          ['EXEC'],
          ['WATCH'],
          ['UNWATCH', 'x'],
        ],
        2,
      );
      seq(
        'WATCH: a write that changes nothing still counts',
        [
          ['SET', 'k', 'v'],
          ['WATCH', 'k', 'missing'],
          on1('DEL', 'missing'),
          ['MULTI'],
          ['PING'],
          ['EXEC'],
          ['WATCH', 'k'],
          on1('SET', 'k', 'v'),
          ['MULTI'],
          ['PING'],
          ['EXEC'],
          ['WATCH', 'k'],
          on1('EXPIRE', 'k', '1000'),
          ['MULTI'],
          ['PING'],
          ['EXEC'],
          ['WATCH', 'k'],
          on1('PERSIST', 'k'),
          ['MULTI'],
          ['PING'],
          ['EXEC'],
          ['WATCH', 'k'],
          on1('GET', 'k'),
          on1('SET', 'k', 'v', 'NX'),
          ['MULTI'],
          ['PING'],
          ['EXEC'],
          ['WATCH', 'k'],
          on1('APPEND', 'k', ''),
          ['MULTI'],
          ['PING'],
          ['EXEC'],
        ],
        2,
      );
      seq(
        'WATCH: per database, FLUSHALL, FLUSHDB, SWAPDB, MOVE, RENAME',
        [
          ['SET', 'k', 'v'],
          ['WATCH', 'k'],
          on1('SELECT', '1'),
          on1('SET', 'k', 'other-db'),
          ['MULTI'],
          ['PING'],
          ['EXEC'],
          ['WATCH', 'k'],
          on1('FLUSHALL'),
          ['MULTI'],
          ['PING'],
          ['EXEC'],
          ['SET', 'k', 'v'],
          ['WATCH', 'k'],
          on1('FLUSHDB'),
          ['MULTI'],
          ['PING'],
          ['EXEC'],
          on1('SET', 'k', 'in1'),
          ['SET', 'k', 'v'],
          ['WATCH', 'k'],
          on1('SWAPDB', '0', '1'),
          ['MULTI'],
          ['GET', 'k'],
          ['EXEC'],
          ['WATCH', 'k'],
          on1('SELECT', '0'),
          on1('MOVE', 'k', '1'),
          ['MULTI'],
          ['PING'],
          ['EXEC'],
          ['SET', 'r', 'v'],
          ['WATCH', 'r2'],
          on1('RENAME', 'r', 'r2'),
          ['MULTI'],
          ['PING'],
          ['EXEC'],
        ],
        2,
      );
      // Redis's touchAllWatchedKeysInDb(db, other): SWAPDB dirties a watched key that
      // exists in EITHER database, so a key that only the other database had (it appears
      // in the watcher's database) fails the EXEC too; a key in neither does not.
      seq(
        'WATCH: SWAPDB brings in a key the watcher\'s database lacked',
        [
          ['FLUSHALL'],
          on1('SELECT', '1'),
          on1('SET', 'c', 'only-in-1'),
          ['WATCH', 'c'],
          on1('SWAPDB', '0', '1'),
          ['MULTI'],
          ['GET', 'c'],
          ['EXEC'],
          ['FLUSHALL'],
          ['WATCH', 'nowhere'],
          on1('SWAPDB', '0', '1'),
          ['MULTI'],
          ['PING'],
          ['EXEC'],
          on1('SET', 'w', 'in-1'),
          ['SELECT', '1'],
          ['WATCH', 'w'],
          on1('SWAPDB', '1', '0'),
          ['MULTI'],
          ['PING'],
          ['EXEC'],
          ['SELECT', '0'],
        ],
        2,
      );
      body(
        'WATCH: a key that expires before EXEC',
        async (c) => {
          await c.cmd(['SET', 'k', 'v', 'PX', '100']);
          await c.cmd(['WATCH', 'k']);
          // 100 ms expiry, EXEC after 400 ms: the key is surely expired by then.
          await new Promise((r) => setTimeout(r, 400));
          await c.cmd(['MULTI']);
          await c.cmd(['GET', 'k']);
          await c.cmd(['EXEC']);
          await c.cmd(['SET', 'gone', 'v', 'PXAT', '1']);
          await c.cmd(['WATCH', 'gone']);
          await c.cmd(['SET', 'gone', 'again'], { conn: 1 });
          await c.cmd(['MULTI']);
          await c.cmd(['PING']);
          await c.cmd(['EXEC']);
        },
        2,
      );
      body('QUIT and RESET inside MULTI', async (c) => {
        await c.cmd(['MULTI']);
        await c.cmd(['SET', 'q', '1']);
        await c.cmd(['QUIT']);
        await c.expectClosed();
        await c.connect();
        await c.cmd(['GET', 'q'], { conn: 1 });
        await c.cmd(['MULTI'], { conn: 1 });
        await c.cmd(['SET', 'q', '2'], { conn: 1 });
        await c.cmd(['RESET'], { conn: 1 });
        await c.cmd(['EXEC'], { conn: 1 });
        await c.cmd(['GET', 'q'], { conn: 1 });
      });
      seq('MULTI with many queued commands', [
        ['MULTI'],
        ...Array.from({ length: 200 }, (_, i) => ['INCR', `c${i % 7}`]),
        ['EXEC'],
        ['MGET', 'c0', 'c1', 'c6'],
      ]);
    });
  }
});
