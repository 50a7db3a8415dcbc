// Differential tests of Redis 7.0's busy-script rules (issue 6), against redis-server
// 7.0.15 over raw RESP: with busy-reply-threshold at 100 ms, a script that never ends on
// one connection makes the others get -BUSY (EVAL or FUNCTION text), EXEC -EXECABORT,
// SCRIPT KILL / FUNCTION KILL their answers (OK, the wrong-kind BUSY, UNKILLABLE after a
// write, NOTBUSY when idle), FUNCTION STATS its running_script (a busy FCALL: name, the
// FCALL as sent, duration_ms compared as a number past the threshold) or -BUSY (a busy
// EVAL), and the script's caller gets the killed error. In KeelDB the
// engine worker is stuck in the script, so all of this is the io-mux's busy gate
// (src/io-mux/busy-gate.ts) over the control area; every reply is compared byte for byte.
//
// The script is started on both servers, then the test waits well past the threshold
// before the other connection speaks (busy-scripts-queued.test.ts covers commands that
// arrive before the threshold, and WATCH, AUTH, HELLO and RESET while busy).

import { describe } from 'vitest';
import { diffCase, diffSeq, usePair } from '../support/diff-pair.js';
import { describeWithOracle } from '../support/oracle-guard.js';
import { finish, start, statsWithDuration, waitBusy } from './busy-scripts-support.js';

const loop = 'while true do end';
const infiniteLib = "#!lua name=busylib\nredis.register_function('spin', function(keys, args) while true do end end)";

describeWithOracle('diff: busy scripts (SCRIPT KILL, FUNCTION KILL, -BUSY)', () => {
  const pair = usePair();

  for (const proto of [2, 3] as const) {
    describe(`RESP${proto}`, () => {
      diffCase(
        pair,
        'EVAL that never ends: BUSY for others, FUNCTION KILL refused, SCRIPT KILL ends it',
        async (c) => {
          await c.cmd(['CONFIG', 'SET', 'busy-reply-threshold', '100']);
          await c.cmd(['SET', 'x', '1'], { conn: 1 });
          const script = start(c, 0, ['EVAL', loop, '0']);
          await waitBusy(c);
          await c.cmd(['GET', 'x'], { conn: 1 });
          await c.cmd(['PING'], { conn: 1 });
          await c.cmd(['SET', 'x', '2'], { conn: 1 });
          await c.cmd(['EXEC'], { conn: 1 });
          await c.cmd(['NOSUCHCOMMAND', 'a'], { conn: 1 });
          await c.cmd(['GET'], { conn: 1 });
          await c.cmd(['SCRIPT', 'NOSUCH'], { conn: 1 });
          await c.cmd(['SHUTDOWN'], { conn: 1 });
          await c.cmd(['SHUTDOWN', 'SAVE'], { conn: 1 });
          await c.cmd(['SHUTDOWN', 'BLAH'], { conn: 1 });
          await c.cmd(['SHUTDOWN', 'ABORT'], { conn: 1 });
          await c.cmd(['SHUTDOWN', 'NOSAVE', 'SAVE'], { conn: 1 });
          await c.cmd(['FUNCTION', 'KILL'], { conn: 1 });
          await c.cmd(['FUNCTION', 'STATS'], { conn: 1 });
          await c.cmd(['FUNCTION', 'STATS', 'x'], { conn: 1 });
          await c.cmd(['SCRIPT', 'KILL', 'x'], { conn: 1 });
          await c.cmd(['SCRIPT', 'KILL'], { conn: 2 });
          await finish(c, 'EVAL (killed)', script);
          await c.cmd(['GET', 'x'], { conn: 1 });
          await c.cmd(['SCRIPT', 'KILL'], { conn: 1 });
          await c.cmd(['FUNCTION', 'KILL'], { conn: 2 });
          await c.cmd(['CONFIG', 'GET', 'busy-reply-threshold']);
          await c.cmd(['CONFIG', 'GET', 'lua-time-limit']);
        },
        { proto, conns: 3 },
      );

      diffCase(
        pair,
        'a MULTI open when the script turned busy is aborted by a rejected command; EXEC discards it',
        async (c) => {
          await c.cmd(['CONFIG', 'SET', 'busy-reply-threshold', '100']);
          await c.cmd(['MULTI'], { conn: 1 });
          await c.cmd(['SET', 'a', '1'], { conn: 1 });
          await c.cmd(['MULTI'], { conn: 2 });
          const script = start(c, 0, ['EVAL', loop, '0']);
          await waitBusy(c);
          await c.cmd(['INCR', 'a'], { conn: 1 });
          await c.cmd(['EXEC'], { conn: 2 });
          await c.cmd(['SCRIPT', 'KILL'], { conn: 3 });
          await finish(c, 'EVAL (killed)', script);
          await c.cmd(['EXEC'], { conn: 1 });
          await c.cmd(['EXEC'], { conn: 2 });
          await c.cmd(['GET', 'a'], { conn: 1 });
        },
        { proto, conns: 4 },
      );

      diffCase(
        pair,
        'a client in MULTI before the script turned busy: SHUTDOWN refused (no_multi), SCRIPT KILL queued',
        async (c) => {
          await c.cmd(['CONFIG', 'SET', 'busy-reply-threshold', '100']);
          await c.cmd(['MULTI'], { conn: 1 });
          await c.cmd(['MULTI'], { conn: 3 });
          const script = start(c, 0, ['EVAL', loop, '0']);
          await waitBusy(c);
          await c.cmd(['SHUTDOWN', 'NOSAVE'], { conn: 1 });
          await c.cmd(['QUIT'], { conn: 3 });
          await c.expectClosed({ conn: 3 });
          const queued = start(c, 1, ['SCRIPT', 'KILL']);
          await c.cmd(['SCRIPT', 'KILL'], { conn: 2 });
          await finish(c, 'EVAL (killed)', script);
          await finish(c, 'SCRIPT KILL in MULTI', queued);
          await c.cmd(['EXEC'], { conn: 1 });
        },
        { proto, conns: 4 },
      );

      diffCase(
        pair,
        'MULTI, DISCARD, UNWATCH and queued allow_busy commands are answered at once while a script is busy',
        async (c) => {
          await c.cmd(['CONFIG', 'SET', 'busy-reply-threshold', '100']);
          await c.cmd(['SET', 'q', '0'], { conn: 1 });
          await c.cmd(['MULTI'], { conn: 3 });
          const script = start(c, 0, ['EVAL', loop, '0']);
          await waitBusy(c);
          await c.cmd(['UNWATCH'], { conn: 1 });
          await c.cmd(['DISCARD'], { conn: 1 });
          await c.cmd(['MULTI'], { conn: 1 });
          await c.cmd(['MULTI'], { conn: 1 });
          await c.cmd(['WATCH', 'q'], { conn: 1 });
          await c.cmd(['UNWATCH'], { conn: 1 });
          await c.cmd(['SCRIPT', 'KILL'], { conn: 1 });
          await c.cmd(['FUNCTION', 'STATS'], { conn: 1 });
          await c.cmd(['DISCARD'], { conn: 1 });
          await c.cmd(['DISCARD'], { conn: 1 });
          await c.cmd(['MULTI'], { conn: 1 });
          await c.cmd(['UNWATCH'], { conn: 1 });
          await c.cmd(['INCR', 'q'], { conn: 1 });
          await c.cmd(['EXEC'], { conn: 1 });
          await c.cmd(['EXEC'], { conn: 1 });
          await c.cmd(['MULTI'], { conn: 1 });
          await c.cmd(['SHUTDOWN', 'NOSAVE'], { conn: 1 });
          await c.cmd(['UNWATCH'], { conn: 3 });
          await c.cmd(['MULTI'], { conn: 3 });
          await c.cmd(['DISCARD'], { conn: 3 });
          await c.cmd(['DISCARD'], { conn: 3 });
          await c.cmd(['MULTI'], { conn: 3 });
          await c.cmd(['UNWATCH'], { conn: 3 });
          await c.cmd(['SCRIPT', 'KILL'], { conn: 2 });
          await finish(c, 'EVAL (killed)', script);
          await c.cmd(['EXEC'], { conn: 1 });
          await c.cmd(['EXEC'], { conn: 3 });
          await c.cmd(['GET', 'q'], { conn: 1 });
          await c.cmd(['MULTI'], { conn: 1 });
          await c.cmd(['EXEC'], { conn: 1 });
        },
        { proto, conns: 4 },
      );

      diffCase(
        pair,
        'FCALL that never ends: FUNCTION variant of BUSY, SCRIPT KILL refused, FUNCTION KILL ends it',
        async (c) => {
          await c.cmd(['CONFIG', 'SET', 'busy-reply-threshold', '100']);
          await c.cmd(['FUNCTION', 'LOAD', 'REPLACE', infiniteLib]);
          await c.cmd(['FUNCTION', 'LOAD', 'REPLACE', "#!lua name=otherlib\nredis.register_function('f1', function() return 1 end)\nredis.register_function('f2', function() return 2 end)"]);
          await c.cmd(['MULTI'], { conn: 2 });
          const call = start(c, 0, ['fcall', 'spin', '2', 'k1', Buffer.from('k\0\xff2', 'latin1'), 'arg', '']);
          await waitBusy(c);
          // In MULTI, FUNCTION STATS is queued.
          const queued = start(c, 2, ['FUNCTION', 'STATS']);
          await c.cmd(['FUNCTION', 'STATS'], { conn: 1, cmp: statsWithDuration });
          await c.cmd(['function', 'stats'], { conn: 1, cmp: statsWithDuration });
          await c.cmd(['GET', 'x'], { conn: 1 });
          await c.cmd(['EXEC'], { conn: 1 });
          await c.cmd(['SHUTDOWN'], { conn: 1 });
          await c.cmd(['SCRIPT', 'KILL'], { conn: 1 });
          await c.cmd(['FUNCTION', 'KILL'], { conn: 1 });
          await finish(c, 'FCALL (killed)', call);
          await finish(c, 'FUNCTION STATS in MULTI', queued);
          await c.cmd(['EXEC'], { conn: 2 });
          await c.cmd(['FUNCTION', 'STATS'], { conn: 1 });
          await c.cmd(['FUNCTION', 'DELETE', 'busylib'], { conn: 1 });
          await c.cmd(['FUNCTION', 'DELETE', 'otherlib'], { conn: 1 });
        },
        { proto, conns: 3 },
      );
    });
  }

  diffCase(
    pair,
    'pcall cannot swallow the kill',
    async (c) => {
      await c.cmd(['CONFIG', 'SET', 'busy-reply-threshold', '100']);
      const script = start(c, 0, ['EVAL', 'while true do\n  pcall(function() while true do end end)\nend', '0']);
      await waitBusy(c);
      await c.cmd(['SCRIPT', 'KILL'], { conn: 1 });
      await finish(c, 'EVAL (killed through pcall)', script);
      await c.cmd(['PING'], { conn: 1 });
    },
    { conns: 2 },
  );

  diffSeq(pair, 'SHUTDOWN that does not stop the server: from a script, bad arguments, ABORT, inside MULTI (no_multi)', [
    ['MULTI'],
    ['SET', 'k', 'v'],
    ['SHUTDOWN', 'NOSAVE'],
    ['EXEC'],
    ['EXISTS', 'k'],
    ['SHUTDOWN', 'FOO'],
    ['SHUTDOWN', 'ABORT'],
    ['SHUTDOWN', 'SAVE', 'NOSAVE'],
    ['SHUTDOWN', 'ABORT', 'NOW'],
    ['EVAL', "return redis.pcall('shutdown')", '0'],
    ['COMMAND', 'INFO', 'SHUTDOWN'],
  ]);

  diffCase(
    pair,
    'busy-reply-threshold / lua-time-limit: CONFIG GET and SET errors',
    async (c) => {
      await c.cmd(['CONFIG', 'SET', 'lua-time-limit', '250']);
      await c.cmd(['CONFIG', 'GET', 'busy-reply-threshold']);
      await c.cmd(['CONFIG', 'GET', 'LUA-time-limit']);
      await c.cmd(['CONFIG', 'SET', 'busy-reply-threshold', '-1']);
      await c.cmd(['CONFIG', 'SET', 'busy-reply-threshold', 'abc']);
      await c.cmd(['CONFIG', 'SET', 'busy-reply-threshold', '9223372036854775807']);
      await c.cmd(['CONFIG', 'GET', 'lua-time-limit']);
      await c.cmd(['CONFIG', 'SET', 'busy-reply-threshold', '9223372036854775808']);
      await c.cmd(['CONFIG', 'SET', 'busy-reply-threshold', '5000']);
      await c.cmd(['CONFIG', 'GET', 'busy-reply-threshold']);
      await c.cmd(['SCRIPT', 'KILL']);
      await c.cmd(['FUNCTION', 'KILL']);
    },
  );
});

// TIME inside a script reads the clock at each call (Redis 7.0's timeCommand), so a
// script waiting on TIME ends; keys still expire by the script's frozen start time. The
// loops are capped, so a frozen TIME fails the comparison (0 instead of 1) instead of
// hanging; the replies hold no clock values, only what they imply.
const waitOnTime = (ms: number): string => `
local a = redis.call('TIME')
local t0 = tonumber(a[1]) * 1000000 + tonumber(a[2])
local advanced = 0
for i = 1, 20000 do
  for j = 1, 10000 do end -- Redis needs ~0.7 s to reach the cap: it never does first
  local b = redis.call('TIME')
  if tonumber(b[1]) * 1000000 + tonumber(b[2]) - t0 >= ${ms * 1000} then advanced = 1 break end
end
return {advanced, #a, type(a[1]), type(a[2]), redis.call('GET', KEYS[1])}`;

describeWithOracle('diff: TIME inside a script', () => {
  const pair = usePair();
  diffSeq(pair, 'a script looping on TIME ends; a key expiring meanwhile still exists for the script', [
    ['EVAL', waitOnTime(10), '1', 'nokey'],
    ['SET', 'k', 'v', 'PX', '100'],
    ['EVAL', waitOnTime(250), '1', 'k'],
    ['GET', 'k'],
    ['EVAL', "local t = redis.call('time') return {#t, tonumber(t[2]) < 1000000 and 1 or 0}", '0'],
  ]);
});

// Only SHUTDOWN NOSAVE ends a script that wrote: this pair does not survive its case.
describeWithOracle('diff: a busy script that wrote (UNKILLABLE, SHUTDOWN NOSAVE)', () => {
  const pair = usePair();
  diffCase(
    pair,
    'SCRIPT KILL and FUNCTION KILL answer UNKILLABLE; SHUTDOWN NOSAVE stops the server',
    async (c) => {
      await c.cmd(['CONFIG', 'SET', 'busy-reply-threshold', '100']);
      const script = start(c, 0, ['EVAL', "redis.call('set', KEYS[1], 'v') while true do end", '1', 'k']);
      await waitBusy(c);
      await c.cmd(['SCRIPT', 'KILL'], { conn: 1 });
      await c.cmd(['FUNCTION', 'KILL'], { conn: 1 });
      await c.cmd(['GET', 'k'], { conn: 1 });
      await c.cmd(['SHUTDOWN'], { conn: 1 });
      await c.cmd(['SHUTDOWN', 'NOSAVE'], { conn: 2 });
      await finish(c, 'EVAL (server stopped)', script);
      await c.expectClosed({ conn: 1 });
    },
    { conns: 3 },
  );
});
