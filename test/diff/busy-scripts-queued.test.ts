// Differential tests (against redis-server 7.0.15, raw RESP, byte for byte) of requests
// that reach the server while a script runs but before busy-reply-threshold, and of the
// allow_busy commands whose replies need the engine's state (WATCH, AUTH, HELLO, RESET).
// Redis reads no socket while a script runs; once the script is busy it reads them
// (processEventsWhileBlocked) and answers every request as processCommand does: -BUSY,
// or the allow_busy commands run. In KeelDB those requests are already in the engine's
// queue, behind the script: the engine's busy pump (src/workers/busy-pump.ts) answers
// them from the Lua count hook. Each reply is awaited before the script is killed, so a
// reply that waited for the script would hang the case (a '<timeout>' mismatch), and a
// later PING on another connection shows the script was still busy.

import { describe } from 'vitest';
import { diffCase, usePair } from '../support/diff-pair.js';
import { describeWithOracle } from '../support/oracle-guard.js';
import { hello } from '../support/comparators.js';
import { finish, sleep, start, statsWithDuration, waitBusy } from './busy-scripts-support.js';

const loop = 'while true do end';
/** Long enough for the requests below to reach both servers before it passes. */
const thresholdMs = 600;
/** After the EVAL is sent: it runs on both servers, the threshold is far. */
const scriptStartedMs = 150;

/** A script that loops on TIME for `ms`, then writes KEYS[1] (a busy script that ends). */
const writeAfter = (ms: number): string => `
local a = redis.call('TIME')
local t0 = tonumber(a[1]) * 1000000 + tonumber(a[2])
while true do
  for j = 1, 10000 do end
  local b = redis.call('TIME')
  if tonumber(b[1]) * 1000000 + tonumber(b[2]) - t0 >= ${ms * 1000} then break end
end
redis.call('SET', KEYS[1], 'after')
return 1`;

describeWithOracle('diff: requests queued behind a script before it turned busy', () => {
  const pair = usePair();

  for (const proto of [2, 3] as const) {
    describe(`RESP${proto}`, () => {
      diffCase(
        pair,
        'each gets what Redis answers at the threshold: -BUSY, EXECABORT, WATCH/AUTH/RESET run, the caller waits',
        async (c) => {
          await c.cmd(['CONFIG', 'SET', 'busy-reply-threshold', String(thresholdMs)]);
          await c.cmd(['SET', 'x', '1'], { conn: 1 });
          await c.cmd(['MULTI'], { conn: 3 });
          const script = start(c, 0, ['EVAL', loop, '0']);
          const callerPing = start(c, 0, ['PING']); // the caller's next request waits for the script
          await sleep(scriptStartedMs);
          const queued = [
            start(c, 1, ['GET', 'x']),
            start(c, 1, ['PING']),
            start(c, 1, ['NOSUCH', 'a']),
            start(c, 2, ['WATCH', 'x']),
            start(c, 2, ['UNWATCH']),
            start(c, 3, ['SET', 'y', '1']),
            start(c, 3, ['SCRIPT', 'KILL', 'x']),
            start(c, 3, ['WATCH', 'x']),
            start(c, 4, ['AUTH', 'nopass']),
            start(c, 4, ['RESET']),
            start(c, 4, ['HELLO', '4']),
            start(c, 5, ['FUNCTION', 'STATS']),
            start(c, 5, ['SHUTDOWN', 'ABORT']),
            start(c, 5, ['EXEC']),
          ];
          for (const [i, p] of queued.entries()) await finish(c, `queued request ${i}`, p);
          // Still busy: the same connections again (now answered at once).
          await c.cmd(['GET', 'x'], { conn: 1 });
          await c.cmd(['MULTI'], { conn: 2 });
          await c.cmd(['INCR', 'x'], { conn: 2 });
          await c.cmd(['EXEC'], { conn: 2 });
          await c.cmd(['EXEC'], { conn: 3 });
          await c.cmd(['PING'], { conn: 4 });
          await c.cmd(['SCRIPT', 'KILL'], { conn: 5 });
          await finish(c, 'EVAL (killed)', script);
          await finish(c, "the caller's PING", callerPing);
          await c.cmd(['GET', 'x'], { conn: 1 });
          await c.cmd(['GET', 'y'], { conn: 1 });
        },
        { proto, conns: 6 },
      );
    });
  }

  diffCase(
    pair,
    'FCALL: FUNCTION STATS, FUNCTION KILL and -BUSY for requests queued before the threshold',
    async (c) => {
      await c.cmd(['CONFIG', 'SET', 'busy-reply-threshold', String(thresholdMs)]);
      await c.cmd(['FUNCTION', 'LOAD', 'REPLACE', "#!lua name=spinlib\nredis.register_function('spin', function(keys, args) while true do end end)"]);
      const call = start(c, 0, ['FCALL', 'spin', '1', 'k1', 'a\r\nb']);
      await sleep(scriptStartedMs);
      const stats = start(c, 1, ['FUNCTION', 'STATS']);
      const get = start(c, 1, ['GET', 'k1']);
      const scriptKill = start(c, 2, ['SCRIPT', 'KILL']);
      const [r, s] = await stats;
      const cmp = Buffer.isBuffer(r) && Buffer.isBuffer(s) ? statsWithDuration(r, s) : r === s ? null : 'outcome differs';
      if (cmp !== null) c.note(`FUNCTION STATS queued (${cmp})`, String(r), String(s));
      await finish(c, 'GET queued', get);
      await finish(c, 'SCRIPT KILL queued', scriptKill);
      await c.cmd(['FUNCTION', 'KILL'], { conn: 2 });
      await finish(c, 'FCALL (killed)', call);
      await c.cmd(['FUNCTION', 'DELETE', 'spinlib'], { conn: 1 });
    },
    { conns: 3 },
  );

  diffCase(
    pair,
    'a RESP3 subscriber while busy: -BUSY, and after HELLO 2 the subscribed-context error first',
    async (c) => {
      await c.cmd(['CONFIG', 'SET', 'busy-reply-threshold', String(thresholdMs)]);
      await c.cmd(['HELLO', '3'], { conn: 1, cmp: hello });
      await c.cmd(['SUBSCRIBE', 'ch'], { conn: 1 });
      const script = start(c, 0, ['EVAL', loop, '0']);
      await sleep(scriptStartedMs);
      const queued = [start(c, 1, ['GET', 'x']), start(c, 1, ['PING'])];
      for (const [i, p] of queued.entries()) await finish(c, `queued request ${i}`, p);
      await c.cmd(['HELLO', '2'], { conn: 1, cmp: hello });
      await c.cmd(['GET', 'x'], { conn: 1 });
      await c.cmd(['PING'], { conn: 1 });
      await c.cmd(['SCRIPT', 'KILL'], { conn: 2 });
      await finish(c, 'EVAL (killed)', script);
      await c.cmd(['PING'], { conn: 1 });
      await c.cmd(['RESET'], { conn: 1 });
    },
    { conns: 3 },
  );

  diffCase(
    pair,
    "a message the busy script published reaches a RESP3 subscriber before its -BUSY",
    async (c) => {
      await c.cmd(['CONFIG', 'SET', 'busy-reply-threshold', '100']);
      await c.cmd(['HELLO', '3'], { conn: 1, cmp: hello });
      await c.cmd(['SUBSCRIBE', 'ch'], { conn: 1 });
      const script = start(c, 0, ['EVAL', "redis.call('publish', 'ch', 'from the script') while true do end", '0']);
      await waitBusy(c);
      await c.cmd(['PING'], { conn: 1 }); // the message (a push) comes first
      await c.cmd(['PING'], { conn: 1 }); // then the first PING's -BUSY
      await c.cmd(['SCRIPT', 'KILL'], { conn: 2 });
      await finish(c, 'EVAL (killed)', script);
      await c.cmd(['PING'], { conn: 1 });
      await c.cmd(['RESET'], { conn: 1 });
    },
    { conns: 3 },
  );

  diffCase(
    pair,
    'a pipeline sent before the threshold: every command answered in order',
    async (c) => {
      await c.cmd(['CONFIG', 'SET', 'busy-reply-threshold', String(thresholdMs)]);
      const script = start(c, 0, ['EVAL', loop, '0']);
      await sleep(scriptStartedMs);
      const pipeline = [start(c, 1, ['MULTI']), start(c, 1, ['SET', 'k', 'v']), start(c, 1, ['UNWATCH']), start(c, 1, ['DISCARD']), start(c, 1, ['DISCARD']), start(c, 1, ['MULTI']), start(c, 1, ['MULTI']), start(c, 1, ['EXEC'])];
      for (const [i, p] of pipeline.entries()) await finish(c, `pipelined request ${i}`, p);
      await c.cmd(['PING'], { conn: 2 });
      await c.cmd(['SCRIPT', 'KILL'], { conn: 2 });
      await finish(c, 'EVAL (killed)', script);
      await c.cmd(['EXISTS', 'k'], { conn: 1 });
    },
    { conns: 3 },
  );

  diffCase(
    pair,
    'WATCH while busy sees the write the script makes afterwards: EXEC fails',
    async (c) => {
      await c.cmd(['CONFIG', 'SET', 'busy-reply-threshold', '100']);
      await c.cmd(['SET', 'w', 'before']);
      const script = start(c, 0, ['EVAL', writeAfter(3000), '1', 'w']);
      await waitBusy(c);
      await c.cmd(['WATCH', 'w'], { conn: 1 });
      await c.cmd(['PING'], { conn: 2 }); // still busy after the WATCH was answered
      await c.cmd(['WATCH', 'other'], { conn: 2 });
      await finish(c, 'EVAL (wrote after the WATCH)', script);
      await c.cmd(['MULTI'], { conn: 1 });
      await c.cmd(['SET', 'z', '1'], { conn: 1 });
      await c.cmd(['EXEC'], { conn: 1 });
      await c.cmd(['MULTI'], { conn: 2 });
      await c.cmd(['SET', 'z', '2'], { conn: 2 });
      await c.cmd(['EXEC'], { conn: 2 });
      await c.cmd(['GET', 'z'], { conn: 1 });
      await c.cmd(['GET', 'w'], { conn: 1 });
    },
    { conns: 3 },
  );
});

describeWithOracle('diff: AUTH and HELLO while a script is busy (requirepass)', () => {
  const pair = usePair({ requirepass: 'sekret' });
  diffCase(
    pair,
    'a new client authenticates while busy, then gets -BUSY; HELLO 3 with AUTH answers its map',
    async (c) => {
      await c.cmd(['CONFIG', 'SET', 'busy-reply-threshold', '100']);
      const script = start(c, 0, ['EVAL', loop, '0']);
      await waitBusy(c);
      await c.connect();
      await c.connect();
      await c.cmd(['GET', 'x'], { conn: 1 });
      await c.cmd(['AUTH', 'wrong'], { conn: 1 });
      await c.cmd(['AUTH', 'sekret'], { conn: 1 });
      await c.cmd(['GET', 'x'], { conn: 1 });
      await c.cmd(['HELLO', '3', 'AUTH', 'default', 'sekret'], { conn: 2, cmp: hello });
      await c.cmd(['PING'], { conn: 2 });
      await c.cmd(['RESET'], { conn: 2 });
      await c.cmd(['PING'], { conn: 2 });
      await c.cmd(['SCRIPT', 'KILL'], { conn: 1 });
      await finish(c, 'EVAL (killed)', script);
      await c.cmd(['PING'], { conn: 2 });
    },
  );
});
