// Differential tests for the list commands (issue 6, lists): every command with its
// options and error paths, sent to redis-server and KeelDB over raw RESP and compared
// byte for byte, under RESP2 and again after HELLO 3; blocking commands with data
// present, inside MULTI, woken by a second connection, and with a short timeout; then
// a fast-check random sequence of list commands (bounded in time).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytes, commandInfo } from '../support/comparators.js';
import { diffCase, diffSeq, usePair, type Step, usePairConns } from '../support/diff-pair.js';
import { describeWithOracle } from '../support/oracle-guard.js';
import type { Arg } from '../support/resp-conn.js';
import { showBytes } from '../support/resp-decode.js';

const i64Max = '9223372036854775807';
const listCommandNames = ['lpush', 'rpush', 'lpushx', 'rpushx', 'lpop', 'rpop', 'llen', 'lindex', 'lset', 'lrange', 'ltrim', 'lrem', 'linsert', 'lpos', 'lmove', 'rpoplpush', 'lmpop', 'blpop', 'brpop', 'blmove', 'brpoplpush', 'blmpop'];
const i64Min = '-9223372036854775808';

describeWithOracle('diff: lists', () => {
  const pair = usePair();
  for (const proto of [2, 3] as const) {
    describe(`RESP${proto}`, () => {
      const seq = (name: string, steps: readonly Step[]): void => diffSeq(pair, name, steps, { proto });

      seq('LPUSH RPUSH LPUSHX RPUSHX LLEN LRANGE', [
        ['LPUSHX', 'l', 'a'],
        ['RPUSHX', 'l', 'a'],
        ['EXISTS', 'l'],
        ['LPUSH', 'l', 'a', 'b', 'c'],
        ['RPUSH', 'l', 'x', 'y'],
        ['LPUSHX', 'l', 'p1', 'p2'],
        ['RPUSHX', 'l', 'r1'],
        ['LLEN', 'l'],
        ['LLEN', 'nokey'],
        ['LRANGE', 'l', '0', '-1'],
        ['RPUSH', 'bin', Buffer.from([0, 1, 0xff, 13, 10]), ''],
        ['LRANGE', 'bin', '0', '-1'],
        ['TYPE', 'l'],
        ['OBJECT', 'ENCODING', 'l'],
        ['LPUSH', 'l'],
        ['RPUSH'],
        ['LPUSHX', 'l'],
        ['lpush', 'L', 'case'],
        ['LRANGE', 'L', '0', '0'],
      ]);
      seq('LRANGE ranges and errors', [
        ['RPUSH', 'l', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
        ['LRANGE', 'l', '0', '0'],
        ['LRANGE', 'l', '-3', '-1'],
        ['LRANGE', 'l', '-100', '100'],
        ['LRANGE', 'l', '5', '2'],
        ['LRANGE', 'l', '10', '20'],
        ['LRANGE', 'l', '-1', '-3'],
        ['LRANGE', 'l', '3', i64Max],
        ['LRANGE', 'l', i64Min, '2'],
        ['LRANGE', 'l', 'a', '2'],
        ['LRANGE', 'l', '1', 'b'],
        ['LRANGE', 'l', '1.5', '2'],
        ['LRANGE', 'l', '9223372036854775808', '2'],
        ['LRANGE', 'nokey', 'a', '2'],
        ['LRANGE', 'nokey', '0', '-1'],
        ['LRANGE', 'l', '0'],
      ]);
      seq('LPOP RPOP with and without count', [
        ['LPOP', 'l'],
        ['RPOP', 'l'],
        ['LPOP', 'l', '2'],
        ['RPOP', 'l', '0'],
        ['RPUSH', 'l', 'a', 'b', 'c', 'd', 'e'],
        ['LPOP', 'l'],
        ['RPOP', 'l'],
        ['LPOP', 'l', '0'],
        ['LPOP', 'l', '1'],
        ['RPOP', 'l', '5'],
        ['EXISTS', 'l'],
        ['RPUSH', 'l', 'a'],
        ['LPOP', 'l', '-1'],
        ['LPOP', 'l', 'x'],
        ['LPOP', 'l', i64Max],
        ['EXISTS', 'l'],
        ['RPUSH', 'l', 'a'],
        ['LPOP', 'l', '1', '2'],
        ['RPOP'],
        ['RPOP', 'nokey', '-1'],
        ['RPOP', 'nokey', '0'],
      ]);
      seq('LINDEX and LSET', [
        ['LINDEX', 'l', '0'],
        ['LINDEX', 'l', 'x'],
        ['LSET', 'l', '0', 'v'],
        ['LSET', 'l', 'x', 'v'],
        ['RPUSH', 'l', 'a', 'b', 'c'],
        ['LINDEX', 'l', '0'],
        ['LINDEX', 'l', '-1'],
        ['LINDEX', 'l', '3'],
        ['LINDEX', 'l', '-4'],
        ['LINDEX', 'l', 'x'],
        ['LINDEX', 'l', i64Max],
        ['LSET', 'l', '1', 'B'],
        ['LSET', 'l', '-1', 'C'],
        ['LSET', 'l', '3', 'D'],
        ['LSET', 'l', '-4', 'D'],
        ['LSET', 'l', 'x', 'D'],
        ['LRANGE', 'l', '0', '-1'],
      ]);
      seq('LTRIM', [
        ['LTRIM', 'l', '0', '1'],
        ['LTRIM', 'l', 'a', '1'],
        ['RPUSH', 'l', '0', '1', '2', '3', '4', '5'],
        ['LTRIM', 'l', '1', '-2'],
        ['LRANGE', 'l', '0', '-1'],
        ['LTRIM', 'l', '-100', '100'],
        ['LRANGE', 'l', '0', '-1'],
        ['LTRIM', 'l', '1', 'x'],
        ['LTRIM', 'l', '3', '1'],
        ['EXISTS', 'l'],
        ['RPUSH', 'l', 'a', 'b'],
        ['LTRIM', 'l', '5', '10'],
        ['EXISTS', 'l'],
      ]);
      seq('LREM', [
        ['LREM', 'l', '0', 'a'],
        ['LREM', 'l', 'x', 'a'],
        ['RPUSH', 'l', 'a', 'b', 'a', 'c', 'a', 'b', 'a'],
        ['LREM', 'l', '2', 'a'],
        ['LRANGE', 'l', '0', '-1'],
        ['LREM', 'l', '-1', 'b'],
        ['LRANGE', 'l', '0', '-1'],
        ['LREM', 'l', '0', 'a'],
        ['LRANGE', 'l', '0', '-1'],
        ['LREM', 'l', '0', 'zz'],
        ['LREM', 'l', 'x', 'b'],
        ['LREM', 'l', '0', 'b'],
        ['LREM', 'l', '0', 'c'],
        ['EXISTS', 'l'],
      ]);
      seq('LINSERT', [
        ['LINSERT', 'l', 'BEFORE', 'a', 'x'],
        ['LINSERT', 'l', 'MIDDLE', 'a', 'x'],
        ['RPUSH', 'l', 'a', 'b', 'c'],
        ['LINSERT', 'l', 'BEFORE', 'a', 'x'],
        ['LINSERT', 'l', 'after', 'c', 'y'],
        ['LINSERT', 'l', 'After', 'b', 'z'],
        ['LINSERT', 'l', 'before', 'nope', 'z'],
        ['LINSERT', 'l', 'sideways', 'nope', 'z'],
        ['LRANGE', 'l', '0', '-1'],
        ['LINSERT', 'l', 'BEFORE', 'a'],
      ]);
      seq('LPOS', [
        ['LPOS', 'l', 'a'],
        ['LPOS', 'l', 'a', 'COUNT', '0'],
        ['LPOS', 'l', 'a', 'RANK', '0'],
        ['LPOS', 'l', 'a', 'FOO'],
        ['RPUSH', 'l', 'a', 'b', 'c', 'a', 'b', 'c', 'a'],
        ['LPOS', 'l', 'a'],
        ['LPOS', 'l', 'c'],
        ['LPOS', 'l', 'z'],
        ['LPOS', 'l', 'a', 'RANK', '2'],
        ['LPOS', 'l', 'a', 'RANK', '-1'],
        ['LPOS', 'l', 'a', 'RANK', '-2'],
        ['LPOS', 'l', 'a', 'RANK', '4'],
        ['LPOS', 'l', 'a', 'COUNT', '0'],
        ['LPOS', 'l', 'a', 'COUNT', '2'],
        ['LPOS', 'l', 'a', 'COUNT', '2', 'RANK', '-1'],
        ['LPOS', 'l', 'a', 'COUNT', '0', 'MAXLEN', '4'],
        ['LPOS', 'l', 'a', 'MAXLEN', '3', 'RANK', '2'],
        ['LPOS', 'l', 'z', 'COUNT', '3'],
        ['LPOS', 'l', 'a', 'RANK', '0'],
        ['LPOS', 'l', 'a', 'RANK', 'x'],
        ['LPOS', 'l', 'a', 'RANK', i64Min],
        ['LPOS', 'l', 'a', 'RANK', i64Max],
        ['LPOS', 'l', 'a', 'COUNT', '-1'],
        ['LPOS', 'l', 'a', 'COUNT', 'x'],
        ['LPOS', 'l', 'a', 'MAXLEN', '-1'],
        ['LPOS', 'l', 'a', 'MAXLEN', 'y'],
        ['LPOS', 'l', 'a', 'COUNT'],
        ['LPOS', 'l', 'a', 'rank', '1', 'count', '1', 'maxlen', '0'],
        ['LPOS', 'l'],
      ]);
      seq('LMOVE and RPOPLPUSH', [
        ['LMOVE', 's', 'd', 'LEFT', 'RIGHT'],
        ['RPOPLPUSH', 's', 'd'],
        ['RPUSH', 's', 'a', 'b', 'c'],
        ['LMOVE', 's', 'd', 'LEFT', 'RIGHT'],
        ['LMOVE', 's', 'd', 'RIGHT', 'LEFT'],
        ['LMOVE', 's', 'd', 'left', 'left'],
        ['EXISTS', 's'],
        ['LRANGE', 'd', '0', '-1'],
        ['RPOPLPUSH', 'd', 'd'],
        ['LRANGE', 'd', '0', '-1'],
        ['LMOVE', 'd', 'd', 'LEFT', 'RIGHT'],
        ['LRANGE', 'd', '0', '-1'],
        ['LMOVE', 'd', 'd', 'UP', 'RIGHT'],
        ['LMOVE', 'd', 'd', 'LEFT', 'DOWN'],
        ['SET', 'str', 'v'],
        ['LMOVE', 'd', 'str', 'LEFT', 'RIGHT'],
        ['RPOPLPUSH', 'str', 'd'],
        ['LMOVE', 'nokey', 'str', 'LEFT', 'RIGHT'],
        ['LRANGE', 'd', '0', '-1'],
        ['RPUSH', 'one', 'x'],
        ['RPOPLPUSH', 'one', 'one'],
        ['LRANGE', 'one', '0', '-1'],
      ]);
      seq('LMPOP', [
        ['LMPOP', '2', 'a', 'b', 'LEFT'],
        ['RPUSH', 'b', '1', '2', '3', '4'],
        ['LMPOP', '2', 'a', 'b', 'LEFT'],
        ['LMPOP', '2', 'a', 'b', 'RIGHT', 'COUNT', '2'],
        ['LMPOP', '1', 'b', 'LEFT', 'COUNT', '10'],
        ['EXISTS', 'b'],
        ['LMPOP', '0', 'a', 'LEFT'],
        ['LMPOP', '-1', 'a', 'LEFT'],
        ['LMPOP', 'x', 'a', 'LEFT'],
        ['LMPOP', '3', 'a', 'LEFT'],
        ['LMPOP', '1', 'a', 'MIDDLE'],
        ['LMPOP', '1', 'a', 'LEFT', 'COUNT', '0'],
        ['LMPOP', '1', 'a', 'LEFT', 'COUNT', '-1'],
        ['LMPOP', '1', 'a', 'LEFT', 'COUNT', 'x'],
        ['LMPOP', '1', 'a', 'LEFT', 'COUNT', '1', 'COUNT', '2'],
        ['LMPOP', '1', 'a', 'LEFT', 'COUNT'],
        ['LMPOP', '1', 'a', 'LEFT', 'FOO'],
        ['LMPOP', '1', 'a'],
        ['SET', 'str', 'v'],
        ['RPUSH', 'c', 'x'],
        ['LMPOP', '2', 'str', 'c', 'LEFT'],
        ['LMPOP', '2', 'c', 'str', 'LEFT'],
        ['LMPOP', '1', 'str', 'LEFT', 'COUNT', 'x'],
      ]);
      diffCase(pair, 'DUMP is byte-identical and RESTORE reads it back', async (c) => {
        const big = Array.from({ length: 400 }, (_, i) => (i % 7 === 0 ? String(i * 1000) : i % 5 === 0 ? 'y'.repeat(i) : `e${i}`));
        const ints = ['0', '127', '128', '-1', '-4096', '4095', '4096', '-32768', '32767', '32768', '-8388608', '8388607', '8388608', '2147483647', '-2147483648', '2147483648', '9223372036854775807', '-9223372036854775808', '007', '-0', '+1', ' 1', '1.5'];
        await c.cmd(['RPUSH', 'tiny', 'a', 'bb', '', 'x'.repeat(63), 'x'.repeat(64), 'x'.repeat(4095), 'x'.repeat(4096)]);
        await c.cmd(['RPUSH', 'ints', ...ints]);
        await c.cmd(['RPUSH', 'big', ...big]);
        await c.cmd(['RPUSH', 'huge', ...big, ...big, ...big, ...big]);
        await c.cmd(['LPUSH', 'lpushed', 'a', 'b', 'c']);
        for (const k of ['tiny', 'ints', 'big', 'huge', 'lpushed']) {
          const [r] = await c.cmd(['DUMP', k]);
          if (!Buffer.isBuffer(r)) continue;
          // The payload of a bulk reply: after the "$<len>\r\n" header, without the final CRLF.
          const payload = r.subarray(r.indexOf(10) + 1, r.length - 2);
          await c.cmd(['RESTORE', `${k}-copy`, '0', payload]);
          await c.cmd(['LRANGE', `${k}-copy`, '0', '-1']);
          await c.cmd(['DUMP', `${k}-copy`]);
        }
        await c.cmd(['RESTORE', 'bad', '0', Buffer.from([18, 1, 2, 3, 1, 2, 3, 10, 0, 0x72, 0x5a, 0x30, 0x9a, 0x33, 0xe1, 0x2a, 0x8c])]);
        // MEMORY USAGE: the quicklist estimate over the same node layout. (Key names of 5-6
        // bytes would show server.ts's sds header size for keys, not the list's estimate.)
        for (const k of ['tiny', 'ints', 'big', 'huge', 'lpushed']) await c.cmd(['MEMORY', 'USAGE', k]);
      }, { proto });
      diffCase(pair, 'large lists: ranges, LINDEX, LSET, LINSERT, LREM, LPOS, LTRIM across 8 KiB nodes', async (c) => {
        const vals = Array.from({ length: 3000 }, (_, i) => (i % 11 === 0 ? 'pivot' : `value-${i}-${'z'.repeat(i % 50)}`));
        await c.cmd(['RPUSH', 'big', ...vals]);
        await c.cmd(['LPUSH', 'big', ...vals.slice(0, 500)]);
        await c.cmd(['LLEN', 'big']);
        await c.cmd(['LRANGE', 'big', '1000', '1100']);
        await c.cmd(['LRANGE', 'big', '-150', '-1']);
        await c.cmd(['LINDEX', 'big', '1777']);
        await c.cmd(['LINDEX', 'big', '-1777']);
        await c.cmd(['LSET', 'big', '2000', 'changed']);
        await c.cmd(['LINSERT', 'big', 'AFTER', 'changed', 'inserted']);
        await c.cmd(['LPOS', 'big', 'pivot', 'RANK', '-3', 'COUNT', '5']);
        await c.cmd(['LPOS', 'big', 'pivot', 'COUNT', '0', 'MAXLEN', '400']);
        await c.cmd(['LREM', 'big', '-7', 'pivot']);
        await c.cmd(['LREM', 'big', '0', 'pivot']);
        await c.cmd(['LTRIM', 'big', '100', '-100']);
        await c.cmd(['LRANGE', 'big', '0', '-1']);
        await c.cmd(['OBJECT', 'ENCODING', 'big']);
        await c.cmd(['CONFIG', 'SET', 'list-max-listpack-size', '5']);
        await c.cmd(['RPUSH', 'small', 'a', 'b', 'c', 'd', 'e', 'f']);
        await c.cmd(['OBJECT', 'ENCODING', 'small']);
        await c.cmd(['CONFIG', 'SET', 'list-max-listpack-size', '-2']);
        await c.cmd(['LMPOP', '2', 'nokey', 'big', 'RIGHT', 'COUNT', '1000']);
        await c.cmd(['LPOP', 'big', '100000']);
        await c.cmd(['EXISTS', 'big']);
      }, { proto });
      seq('WRONGTYPE for every command', [
        ['SET', 's', 'v'],
        ['LPUSH', 's', 'a'],
        ['RPUSH', 's', 'a'],
        ['LPUSHX', 's', 'a'],
        ['RPUSHX', 's', 'a'],
        ['LPOP', 's'],
        ['RPOP', 's', '2'],
        ['LPOP', 's', 'x'],
        ['LLEN', 's'],
        ['LINDEX', 's', '0'],
        ['LINDEX', 's', 'x'],
        ['LSET', 's', '0', 'v'],
        ['LSET', 's', 'x', 'v'],
        ['LRANGE', 's', '0', '-1'],
        ['LRANGE', 's', 'x', '-1'],
        ['LTRIM', 's', '0', '-1'],
        ['LREM', 's', '0', 'v'],
        ['LINSERT', 's', 'BEFORE', 'a', 'b'],
        ['LINSERT', 's', 'NOPE', 'a', 'b'],
        ['LPOS', 's', 'v'],
        ['LPOS', 's', 'v', 'RANK', '0'],
        ['LMOVE', 's', 'd', 'LEFT', 'LEFT'],
        ['RPOPLPUSH', 's', 'd'],
        ['BLPOP', 's', '0'],
        ['BRPOP', 'nokey', 's', '0'],
        ['BLMOVE', 's', 'd', 'LEFT', 'LEFT', '0'],
        ['BRPOPLPUSH', 's', 'd', '0'],
        ['BLMPOP', '0', '1', 's', 'LEFT'],
        ['RPUSH', 'l', 'x'],
        ['GET', 'l'],
        ['APPEND', 'l', 'x'],
      ]);
      seq('blocking commands with data present', [
        ['RPUSH', 'a', '1', '2', '3'],
        ['RPUSH', 'b', 'x', 'y'],
        ['BLPOP', 'nokey', 'a', '0'],
        ['BRPOP', 'a', 'b', '1'],
        ['BLPOP', 'b', 'a', '0.5'],
        ['BLMOVE', 'b', 'c', 'LEFT', 'RIGHT', '0'],
        ['BRPOPLPUSH', 'a', 'c', '0'],
        ['LRANGE', 'c', '0', '-1'],
        ['BLMPOP', '0', '2', 'nokey', 'c', 'RIGHT', 'COUNT', '5'],
        ['EXISTS', 'a', 'b', 'c'],
      ]);
      seq('blocking command errors', [
        ['BLPOP', 'a', 'x'],
        ['BLPOP', 'a', '-1'],
        ['BLPOP', 'a', 'inf'],
        ['BLPOP', 'a', '-inf'],
        ['BLPOP', 'a', '1e16'],
        ['BLPOP', 'a', '1 '],
        ['BLPOP', 'a', ''],
        ['BLPOP', 'a', 'nan'],
        ['BLPOP', 'a', ' 1'],
        ['BLPOP', 'a', '1e300'],
        ['BLPOP', 'a', '9223372036854775807'],
        ['BLPOP', 'a'],
        ['BRPOP', 'a', '-5'],
        ['BLMOVE', 'a', 'b', 'LEFT', 'UP', 'x'],
        ['BLMOVE', 'a', 'b', 'LEFT', 'RIGHT', 'x'],
        ['BLMOVE', 'a', 'b', 'LEFT', 'RIGHT', '-1'],
        ['BRPOPLPUSH', 'a', 'b', 'x'],
        ['BLMPOP', 'x', '1', 'a', 'LEFT'],
        ['BLMPOP', '-1', '1', 'a', 'LEFT'],
        ['BLMPOP', '0', '0', 'a', 'LEFT'],
        ['BLMPOP', '0', '1', 'a', 'UP'],
        ['BLMPOP', '0', '1', 'a', 'LEFT', 'COUNT', '0'],
        ['BLMPOP', '0', '5', 'a', 'LEFT'],
        ['BLMPOP', '0', '1', 'a'],
      ]);
      seq('blocking commands inside MULTI answer at once', [
        ['MULTI'],
        ['BLPOP', 'a', '0'],
        ['BRPOP', 'a', 'b', '0'],
        ['BLMOVE', 'a', 'b', 'LEFT', 'RIGHT', '0'],
        ['BRPOPLPUSH', 'a', 'b', '0'],
        ['BLMPOP', '0', '1', 'a', 'LEFT'],
        ['RPUSH', 'a', 'x', 'y'],
        ['BLPOP', 'a', '0'],
        ['BLMPOP', '0', '1', 'a', 'LEFT', 'COUNT', '3'],
        ['EXEC'],
      ]);
      seq('blocking commands time out (short timeout)', [
        ['BLPOP', 'a', '0.05'],
        ['BRPOP', 'a', 'b', '0.01'],
        ['BLMOVE', 'a', 'b', 'LEFT', 'RIGHT', '0.02'],
        ['BRPOPLPUSH', 'a', 'b', '0.01'],
        ['BLMPOP', '0.01', '2', 'a', 'b', 'LEFT'],
        ['PING'],
      ]);

      diffCase(pair, 'COMMAND INFO of the list commands', async (c) => {
        for (const name of listCommandNames) await c.cmd(['COMMAND', 'INFO', name], { cmp: commandInfo });
        await c.cmd(['COMMAND', 'GETKEYS', 'LMPOP', '2', 'a', 'b', 'LEFT']);
        await c.cmd(['COMMAND', 'GETKEYS', 'BLMPOP', '0', '3', 'a', 'b', 'c', 'RIGHT', 'COUNT', '2']);
        await c.cmd(['COMMAND', 'GETKEYS', 'BLPOP', 'a', 'b', '0']);
        await c.cmd(['COMMAND', 'GETKEYS', 'BLMOVE', 'a', 'b', 'LEFT', 'LEFT', '0']);
      }, { proto });

      diffCase(
        pair,
        'a blocked client is woken by a push from another connection, FIFO',
        async (c) => {
          const [r0, s0] = [c.conn('redis', 0)!, c.conn('subject', 0)!];
          const [r1, s1] = [c.conn('redis', 1)!, c.conn('subject', 1)!];
          // Two clients block on the same key, in order 0 then 1.
          const b0 = Promise.all([r0.send(['BLPOP', 'q', 'other', '0']), s0.send(['BLPOP', 'q', 'other', '0'])]);
          await settle(c);
          const b1 = Promise.all([r1.send(['BRPOPLPUSH', 'q', 'dst', '0']), s1.send(['BRPOPLPUSH', 'q', 'dst', '0'])]);
          await settle(c);
          await c.cmd(['RPUSH', 'q', 'first', 'second', 'third'], { conn: 2 });
          const [r0v, s0v] = await b0;
          const [r1v, s1v] = await b1;
          if (!r0v.equals(s0v)) c.note('BLPOP woken', showBytes(r0v), showBytes(s0v));
          if (!r1v.equals(s1v)) c.note('BRPOPLPUSH woken', showBytes(r1v), showBytes(s1v));
          await c.cmd(['LRANGE', 'q', '0', '-1'], { conn: 2 });
          await c.cmd(['LRANGE', 'dst', '0', '-1'], { conn: 2 });
          // A MULTI's pushes wake only after EXEC; BLMPOP gets COUNT elements.
          const b2 = Promise.all([r0.send(['BLMPOP', '0', '1', 'm', 'LEFT', 'COUNT', '2']), s0.send(['BLMPOP', '0', '1', 'm', 'LEFT', 'COUNT', '2'])]);
          await settle(c);
          await c.cmd(['MULTI'], { conn: 2 });
          await c.cmd(['RPUSH', 'm', '1', '2', '3'], { conn: 2 });
          await c.cmd(['LPOP', 'm'], { conn: 2 });
          await c.cmd(['EXEC'], { conn: 2 });
          const [r2v, s2v] = await b2;
          if (!r2v.equals(s2v)) c.note('BLMPOP woken after EXEC', showBytes(r2v), showBytes(s2v));
          await c.cmd(['LRANGE', 'm', '0', '-1'], { conn: 2 });
          // Commands sent behind a blocked one are answered after it, in order.
          const b3 = Promise.all([r1.send(['BLPOP', 'w', '0']), s1.send(['BLPOP', 'w', '0'])]);
          const after = Promise.all([r1.send(['ECHO', 'after']), s1.send(['ECHO', 'after'])]);
          await settle(c);
          await c.cmd(['LPUSH', 'w', 'v'], { conn: 2 });
          const [r3v, s3v] = await b3;
          const [r4v, s4v] = await after;
          if (!r3v.equals(s3v)) c.note('BLPOP woken', showBytes(r3v), showBytes(s3v));
          if (!r4v.equals(s4v)) c.note('ECHO after BLPOP', showBytes(r4v), showBytes(s4v));
          // BLMOVE onto a destination of the wrong type: WRONGTYPE on wake, source kept.
          await c.cmd(['SET', 'str', 'x'], { conn: 2 });
          const b5 = Promise.all([r0.send(['BLMOVE', 'src', 'str', 'LEFT', 'LEFT', '0']), s0.send(['BLMOVE', 'src', 'str', 'LEFT', 'LEFT', '0'])]);
          await settle(c);
          await c.cmd(['RPUSH', 'src', 'e'], { conn: 2 });
          const [r5v, s5v] = await b5;
          if (!r5v.equals(s5v)) c.note('BLMOVE woken onto WRONGTYPE', showBytes(r5v), showBytes(s5v));
          await c.cmd(['LRANGE', 'src', '0', '-1'], { conn: 2 });
          // A list arriving by RENAME wakes a client blocked on the key twice, once.
          const b6 = Promise.all([r0.send(['BRPOP', 'dup', 'dup', '0']), s0.send(['BRPOP', 'dup', 'dup', '0'])]);
          await settle(c);
          await c.cmd(['RPUSH', 'tmp', 'a', 'b'], { conn: 2 });
          await c.cmd(['RENAME', 'tmp', 'dup'], { conn: 2 });
          const [r6v, s6v] = await b6;
          if (!r6v.equals(s6v)) c.note('BRPOP woken by RENAME', showBytes(r6v), showBytes(s6v));
          await c.cmd(['LRANGE', 'dup', '0', '-1'], { conn: 2 });
        },
        { proto, conns: 3 },
      );
    });
  }
});

/** Lets a command just sent on another connection reach both servers first (not a timing assertion). */
async function settle(c: { cmd(args: readonly Arg[], o: { conn: number }): Promise<unknown> }): Promise<void> {
  await new Promise((r) => setTimeout(r, 50));
  await c.cmd(['PING'], { conn: 2 });
}

// --- Random sequences ------------------------------------------------------------------

type Cmd = string[];
const key = fc.constantFrom('a', 'b', 'c');
const elem = fc.constantFrom('x', 'y', 'z', '', '1', 'x'.repeat(70));
const idx = fc.oneof(fc.integer({ min: -8, max: 8 }).map(String), fc.constantFrom('x', i64Max, i64Min));
const side = fc.constantFrom('LEFT', 'RIGHT', 'left', 'UP');
const command: fc.Arbitrary<Cmd> = fc.oneof(
  fc.tuple(fc.constantFrom('LPUSH', 'RPUSH', 'LPUSHX', 'RPUSHX'), key, fc.array(elem, { minLength: 1, maxLength: 4 })).map(([c, k, es]) => [c, k, ...es]),
  fc.tuple(fc.constantFrom('LPOP', 'RPOP'), key, fc.option(fc.constantFrom('0', '1', '3', '-1', 'x'), { nil: undefined })).map(([c, k, n]) => (n === undefined ? [c, k] : [c, k, n])),
  fc.tuple(key).map(([k]) => ['LLEN', k]),
  fc.tuple(key, idx).map(([k, i]) => ['LINDEX', k, i]),
  fc.tuple(key, idx, elem).map(([k, i, e]) => ['LSET', k, i, e]),
  fc.tuple(fc.constantFrom('LRANGE', 'LTRIM'), key, idx, idx).map(([c, k, a, b]) => [c, k, a, b]),
  fc.tuple(key, idx, elem).map(([k, i, e]) => ['LREM', k, i, e]),
  fc.tuple(key, fc.constantFrom('BEFORE', 'AFTER', 'x'), elem, elem).map(([k, w, p, e]) => ['LINSERT', k, w, p, e]),
  fc.tuple(key, elem, fc.array(fc.tuple(fc.constantFrom('RANK', 'COUNT', 'MAXLEN'), idx), { maxLength: 2 })).map(([k, e, opts]) => ['LPOS', k, e, ...opts.flat()]),
  fc.tuple(key, key, side, side).map(([s, d, a, b]) => ['LMOVE', s, d, a, b]),
  fc.tuple(key, key).map(([s, d]) => ['RPOPLPUSH', s, d]),
  fc.tuple(fc.array(key, { minLength: 1, maxLength: 3 }), side, fc.option(fc.constantFrom('1', '2', '0'), { nil: undefined })).map(([ks, s, n]) => ['LMPOP', String(ks.length), ...ks, s, ...(n === undefined ? [] : ['COUNT', n])]),
  fc.tuple(fc.constantFrom('BLPOP', 'BRPOP'), key).map(([c, k]) => [c, k, '0.01']),
  fc.tuple(key, key).map(([s, d]) => ['BLMOVE', s, d, 'RIGHT', 'LEFT', '0.01']),
  fc.tuple(key, elem).map(([k, v]) => ['SET', k, v]),
  fc.tuple(key).map(([k]) => ['DEL', k]),
  fc.tuple(key).map(([k]) => ['TYPE', k]),
);

describeWithOracle('diff: random list command sequences (fast-check)', () => {
  const conns = usePairConns();

  it('every reply matches redis-server', async () => {
    const firstDifference = async (seq: readonly Cmd[]): Promise<string | null> => {
      const all: Arg[][] = [['FLUSHALL'], ...seq];
      const [r, s] = await Promise.all([conns().redis.pipeline(all), conns().subject.pipeline(all)]);
      for (let i = 0; i < all.length; i++) {
        if (bytes(r[i]!, s[i]!) !== null) return `step ${i}: ${all[i]!.join(' ')}\n  redis:   ${showBytes(r[i]!)}\n  subject: ${showBytes(s[i]!)}`;
      }
      return null;
    };
    let last: string | null = null;
    const result = await fc.check(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 25 }), async (seq) => {
        const d = await firstDifference(seq);
        if (d !== null) last = d;
        return d === null;
      }),
      { numRuns: 150, interruptAfterTimeLimit: 15_000, markInterruptAsFailure: false },
    );
    if (result.failed) {
      const minimal = (result.counterexample?.[0] ?? []) as Cmd[];
      expect.fail(`seed ${result.seed}\n${minimal.map((c) => '  ' + c.join(' ')).join('\n')}\n${(await firstDifference(minimal)) ?? last}`);
    }
    expect(result.numRuns).toBeGreaterThan(0);
  }, 40_000);
});
