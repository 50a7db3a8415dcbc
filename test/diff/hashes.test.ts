// Differential tests for the hash commands (issue 6): every command with its options
// and error paths, sent to redis-server 7.0.15 and KeelDB over raw RESP and compared
// byte for byte, under RESP2 and again after HELLO 3; then a fast-check random
// sequence of hash commands.
//
// Order: a listpack hash answers in insertion order on both servers, compared exactly.
// A hashtable's order is Redis's hash order, which KeelDB does not reproduce: only
// replies from hashtable-encoded hashes are compared sorted (sortedPairs, sortedArray),
// and HSCAN over one is compared as the sorted union of a full iteration.
// HRANDFIELD is random: only its deterministic cases are compared (count 0, a count
// covering the whole hash, a one-field hash, a missing key, errors); the random cases
// are compared by shape and membership in the engine tests.

import fc from 'fast-check';
import { describe } from 'vitest';
import { sortedArray, type Comparator } from '../support/comparators.js';
import { diffCase, diffSeq, usePair, type DiffCase, type Step } from '../support/diff-pair.js';
import { compareFullScan, type ScanElements } from '../support/full-scan.js';
import { describeWithOracle } from '../support/oracle-guard.js';
import { describeRandomSequences } from '../support/random-sequences.js';
import type { Arg } from '../support/resp-conn.js';
import { decodeReply, type RespValue } from '../support/resp-decode.js';

/** A RESP value as comparable text (bulk bytes as latin1). */
function show(v: RespValue): string {
  switch (v.kind) {
    case 'bulk':
    case 'verbatim':
      return `$${v.bytes.toString('latin1')}`;
    case 'integer':
      return `:${v.value}`;
    case 'array':
    case 'set':
    case 'push':
      return `[${v.items.map(show).join(',')}]`;
    case 'map':
      return `{${v.entries.map(([a, b]) => `${show(a)}=>${show(b)}`).join(',')}}`;
    default:
      return JSON.stringify(v);
  }
}

/**
 * Field/value pairs in any order (HGETALL of a hashtable): a RESP3 map, or a RESP2
 * flat array of pairs; the aggregate kinds must match.
 */
const sortedPairs: Comparator = (o, s) => {
  const pairsOf = (v: RespValue): string[] | null => {
    if (v.kind === 'map') return v.entries.map(([a, b]) => `${show(a)}=>${show(b)}`).sort();
    if (v.kind !== 'array') return null;
    const out: string[] = [];
    for (let i = 0; i + 1 < v.items.length; i += 2) out.push(`${show(v.items[i]!)}=>${show(v.items[i + 1]!)}`);
    return out.sort();
  };
  const a = decodeReply(o);
  const b = decodeReply(s);
  if (a.kind !== b.kind) return `kinds differ: ${a.kind} vs ${b.kind}`;
  const pa = pairsOf(a);
  const pb = pairsOf(b);
  if (pa === null || pb === null) return o.equals(s) ? null : 'not pairs';
  return JSON.stringify(pa) === JSON.stringify(pb) ? null : 'pairs differ (order ignored)';
};

const sorted = (args: readonly Arg[]): Step => ({ args, cmp: sortedArray });
const pairs = (args: readonly Arg[]): Step => ({ args, cmp: sortedPairs });

/** An HSCAN page's field=>value pairs. */
const scanFieldValues: ScanElements = (items) => {
  if (items.kind !== 'array') throw new Error(`bad scan reply ${show(items)}`);
  const out: string[] = [];
  for (let i = 0; i < items.items.length; i += 2) out.push(items.items.slice(i, i + 2).map(show).join('=>'));
  return out;
};

const i64Max = '9223372036854775807';
const i64Min = '-9223372036854775808';
const long = (n: number, ch = 'x'): string => ch.repeat(n);

describeWithOracle('diff: hashes', () => {
  const pair = usePair();
  for (const proto of [2, 3] as const) {
    describe(`RESP${proto}`, () => {
      const seq = (name: string, steps: readonly Step[]): void => diffSeq(pair, name, steps, { proto });
      const body = (name: string, fn: (c: DiffCase) => Promise<void>): void => diffCase(pair, name, fn, { proto });

      seq('HSET HGET HMSET HSETNX basics', [
        ['HSET', 'h', 'f1', 'v1'],
        ['HSET', 'h', 'f1', 'v1b', 'f2', 'v2', 'f3', ''],
        ['HGET', 'h', 'f1'],
        ['HGET', 'h', 'f3'],
        ['HGET', 'h', 'nope'],
        ['HGET', 'nokey', 'f'],
        ['HMSET', 'h', 'f4', '4', 'f5', '5'],
        ['HSETNX', 'h', 'f1', 'x'],
        ['HSETNX', 'h', 'f6', 'six'],
        ['HSETNX', 'new', 'f', 'v'],
        ['HGETALL', 'h'],
        ['HGETALL', 'new'],
        ['HGETALL', 'nokey'],
        ['HKEYS', 'h'],
        ['HVALS', 'h'],
        ['HKEYS', 'nokey'],
        ['HVALS', 'nokey'],
        ['HLEN', 'h'],
        ['HLEN', 'nokey'],
        ['HSET', 'bin', Buffer.from([0, 1, 0xff, 13, 10]), Buffer.from([0x80, 0])],
        ['HGETALL', 'bin'],
        ['hset', 'h', 'F1', 'upper'],
        ['HgetAll', 'h'],
        ['TYPE', 'h'],
        ['OBJECT', 'ENCODING', 'h'],
      ]);
      seq('arity and syntax errors', [
        ['HSET', 'h', 'f'],
        ['HSET', 'h', 'f', 'v', 'g'],
        ['HSET', 'h'],
        ['HMSET', 'h', 'f', 'v', 'g'],
        ['HMSET', 'h', 'f'],
        ['HSETNX', 'h', 'f'],
        ['HGET', 'h'],
        ['HMGET', 'h'],
        ['HDEL', 'h'],
        ['HLEN'],
        ['HSTRLEN', 'h'],
        ['HEXISTS', 'h'],
        ['HKEYS'],
        ['HGETALL', 'a', 'b'],
        ['HINCRBY', 'h', 'f'],
        ['HINCRBYFLOAT', 'h', 'f'],
        ['HRANDFIELD'],
        ['HSCAN', 'h'],
        ['EXISTS', 'h'],
      ]);
      seq('WRONGTYPE on every command (and arity before type)', [
        ['SET', 's', 'str'],
        ['HSET', 's', 'f', 'v'],
        ['HSET', 's', 'f'],
        ['HMSET', 's', 'f', 'v'],
        ['HSETNX', 's', 'f', 'v'],
        ['HGET', 's', 'f'],
        ['HMGET', 's', 'f', 'g'],
        ['HDEL', 's', 'f'],
        ['HLEN', 's'],
        ['HSTRLEN', 's', 'f'],
        ['HEXISTS', 's', 'f'],
        ['HKEYS', 's'],
        ['HVALS', 's'],
        ['HGETALL', 's'],
        ['HINCRBY', 's', 'f', '1'],
        ['HINCRBY', 's', 'f', 'x'],
        ['HINCRBYFLOAT', 's', 'f', '1.5'],
        ['HINCRBYFLOAT', 's', 'f', 'x'],
        ['HRANDFIELD', 's'],
        ['HRANDFIELD', 's', '2'],
        ['HRANDFIELD', 's', 'x'],
        ['HRANDFIELD', 's', '2', 'WITHVALUES'],
        ['HSCAN', 's', '0'],
        ['HSCAN', 's', 'x'],
        ['HSCAN', 's', '0', 'BADOPT'],
        ['GET', 's'],
        ['HSET', 'h', 'f', 'v'],
        ['GET', 'h'],
        ['INCR', 'h'],
      ]);
      seq('HMGET HSTRLEN HEXISTS', [
        ['HSET', 'h', 'a', '1', 'b', 'hello', 'c', ''],
        ['HMGET', 'h', 'a', 'zz', 'b', 'c', 'a'],
        ['HMGET', 'nokey', 'a', 'b'],
        ['HSTRLEN', 'h', 'a'],
        ['HSTRLEN', 'h', 'b'],
        ['HSTRLEN', 'h', 'c'],
        ['HSTRLEN', 'h', 'zz'],
        ['HSTRLEN', 'nokey', 'a'],
        ['HEXISTS', 'h', 'a'],
        ['HEXISTS', 'h', 'zz'],
        ['HEXISTS', 'nokey', 'a'],
      ]);
      seq('HDEL keeps order and deletes the emptied key', [
        ['HSET', 'h', 'a', '1', 'b', '2', 'c', '3', 'd', '4'],
        ['HDEL', 'h', 'b'],
        ['HGETALL', 'h'],
        ['HSET', 'h', 'b', 'again', 'a', 'upd'],
        ['HGETALL', 'h'],
        ['HDEL', 'h', 'zz', 'a', 'a', 'c'],
        ['HGETALL', 'h'],
        ['HDEL', 'nokey', 'a'],
        ['HDEL', 'h', 'd', 'b', 'x'],
        ['EXISTS', 'h'],
        ['HLEN', 'h'],
        ['HSET', 'e', 'f', 'v'],
        ['EXPIRE', 'e', '1000'],
        ['HDEL', 'e', 'f'],
        ['TTL', 'e'],
        ['HSET', 'e', 'f', 'v'],
        ['TTL', 'e'],
      ]);
      seq('HINCRBY', [
        ['HINCRBY', 'h', 'f', '5'],
        ['HINCRBY', 'h', 'f', '-12'],
        ['HGET', 'h', 'f'],
        ['HINCRBY', 'h', 'f', 'abc'],
        ['HINCRBY', 'h', 'f', '1.5'],
        ['HINCRBY', 'h', 'f', ''],
        ['HINCRBY', 'h', 'f', ' 1'],
        ['HINCRBY', 'h', 'f', '9223372036854775808'],
        ['HSET', 'h', 'big', i64Max, 'small', i64Min, 'text', 'abc', 'lead', '007', 'sp', ' 1', 'fl', '1.0'],
        ['HINCRBY', 'h', 'big', '1'],
        ['HINCRBY', 'h', 'big', '0'],
        ['HINCRBY', 'h', 'big', '-1'],
        ['HINCRBY', 'h', 'small', '-1'],
        ['HINCRBY', 'h', 'small', '1'],
        ['HINCRBY', 'h', 'small', i64Max],
        ['HINCRBY', 'h', 'text', '1'],
        ['HINCRBY', 'h', 'lead', '1'],
        ['HINCRBY', 'h', 'sp', '1'],
        ['HINCRBY', 'h', 'fl', '1'],
        ['HINCRBY', 'new', 'f', i64Min],
        ['HGETALL', 'h'],
        ['HGETALL', 'new'],
        ['HINCRBY', 'nokey2', 'f', 'x'],
        ['EXISTS', 'nokey2'],
      ]);
      seq('HINCRBYFLOAT', [
        ['HINCRBYFLOAT', 'h', 'f', '10.5'],
        ['HINCRBYFLOAT', 'h', 'f', '0.1'],
        ['HINCRBYFLOAT', 'h', 'f', '-10.6'],
        ['HINCRBYFLOAT', 'h', 'g', '1e3'],
        ['HINCRBYFLOAT', 'h', 'g', '5.0e3'],
        ['HINCRBYFLOAT', 'h', 'g', '0x10'],
        ['HINCRBYFLOAT', 'h', 'g', '-0'],
        ['HINCRBYFLOAT', 'h', 'g', '3.0000000000000000001'],
        ['HINCRBYFLOAT', 'h', 'f', 'inf'],
        ['HINCRBYFLOAT', 'h', 'f', '-inf'],
        ['HINCRBYFLOAT', 'h', 'f', 'nan'],
        ['HINCRBYFLOAT', 'h', 'f', 'abc'],
        ['HINCRBYFLOAT', 'h', 'f', ''],
        ['HINCRBYFLOAT', 'h', 'f', ' 1'],
        ['HINCRBYFLOAT', 'h', 'f', '1e5000'],
        ['HSET', 'h', 'text', 'abc', 'int', '17', 'big', i64Max, 'inf', 'inf', 'huge', '1e4000'],
        ['HINCRBYFLOAT', 'h', 'text', '1'],
        ['HINCRBYFLOAT', 'h', 'int', '0.5'],
        ['HINCRBYFLOAT', 'h', 'big', '1'],
        ['HINCRBYFLOAT', 'h', 'inf', '1'],
        ['HINCRBYFLOAT', 'h', 'huge', '1e4000'],
        ['HINCRBYFLOAT', 'h', 'huge', '1e4932'],
        // The 4933-byte result made the hash a hashtable: compared sorted.
        ['OBJECT', 'ENCODING', 'h'],
        pairs(['HGETALL', 'h']),
        ['HINCRBYFLOAT', 'nokey2', 'f', 'x'],
        ['EXISTS', 'nokey2'],
      ]);
      seq('OBJECT ENCODING by value length and entry count', [
        ['HSET', 'h', 'f', long(64)],
        ['OBJECT', 'ENCODING', 'h'],
        ['HSET', 'h', 'g', long(65)],
        ['OBJECT', 'ENCODING', 'h'],
        ['HSET', 'h2', long(65), 'v'],
        ['OBJECT', 'ENCODING', 'h2'],
        ['HSETNX', 'h3', 'f', long(65)],
        ['OBJECT', 'ENCODING', 'h3'],
        ['HSET', 'h4', 'f', '1'],
        ['HINCRBYFLOAT', 'h4', 'f', '0.' + '1'.repeat(70)],
        ['OBJECT', 'ENCODING', 'h4'],
        ['HSET', 'h5', 'a', '1', 'b', long(100)],
        ['HDEL', 'h5', 'b'],
        ['OBJECT', 'ENCODING', 'h5'],
        ['HGETALL', 'h5'],
      ]);
      body('hash-max-listpack-entries and a hashtable hash', async (c) => {
        await c.cmd(['CONFIG', 'SET', 'hash-max-listpack-entries', '4']);
        try {
          for (let i = 0; i < 4; i++) await c.cmd(['HSET', 'h', `f${i}`, `v${i}`]);
          await c.cmd(['OBJECT', 'ENCODING', 'h']);
          await c.cmd(['HGETALL', 'h']);
          await c.cmd(['HSET', 'h', 'f4', 'v4']);
          await c.cmd(['OBJECT', 'ENCODING', 'h']);
          await c.cmd(['HSET', 'm', 'a', '1', 'b', '2', 'c', '3', 'd', '4', 'e', '5']);
          await c.cmd(['OBJECT', 'ENCODING', 'm']);
          await c.cmd(['CONFIG', 'SET', 'hash-max-listpack-entries', '512']);
          await c.cmd(['HSET', 'h', 'f5', 'v5']);
          await c.cmd(['OBJECT', 'ENCODING', 'h']);
          for (const step of [pairs(['HGETALL', 'h']), sorted(['HKEYS', 'h']), sorted(['HVALS', 'h'])]) {
            const s = step as { args: Arg[]; cmp: Comparator };
            await c.cmd(s.args, { cmp: s.cmp });
          }
          await c.cmd(['HRANDFIELD', 'h', '100'], { cmp: sortedArray });
          await c.cmd(['HRANDFIELD', 'h', '6'], { cmp: sortedArray });
          await c.cmd(['HLEN', 'h']);
          await c.cmd(['HDEL', 'h', 'f0', 'f1', 'f2', 'f3', 'f4']);
          await c.cmd(['OBJECT', 'ENCODING', 'h']);
          await c.cmd(['HGETALL', 'h']);
          await c.cmd(['HSCAN', 'h', '0']);
          await c.cmd(['HDEL', 'h', 'f5']);
          await c.cmd(['EXISTS', 'h']);
        } finally {
          await c.cmd(['CONFIG', 'SET', 'hash-max-listpack-entries', '512']);
        }
      });
      seq('HRANDFIELD deterministic cases', [
        ['HRANDFIELD', 'nokey'],
        ['HRANDFIELD', 'nokey', '5'],
        ['HRANDFIELD', 'nokey', '-5', 'WITHVALUES'],
        ['HSET', 'one', 'only', 'val'],
        ['HRANDFIELD', 'one'],
        ['HRANDFIELD', 'one', '1'],
        ['HRANDFIELD', 'one', '-3'],
        ['HRANDFIELD', 'one', '-3', 'WITHVALUES'],
        ['HRANDFIELD', 'one', '1', 'withvalues'],
        ['HSET', 'h', 'a', '1', 'b', '2', 'c', '3'],
        ['HRANDFIELD', 'h', '0'],
        ['HRANDFIELD', 'h', '0', 'WITHVALUES'],
        ['HRANDFIELD', 'h', '3'],
        ['HRANDFIELD', 'h', '10'],
        ['HRANDFIELD', 'h', '10', 'WITHVALUES'],
        ['HRANDFIELD', 'h', i64Max],
        ['HRANDFIELD', 'h', 'x'],
        ['HRANDFIELD', 'h', '1.5'],
        ['HRANDFIELD', 'h', i64Min],
        ['HRANDFIELD', 'h', '9223372036854775808'],
        ['HRANDFIELD', 'h', '1', 'WITHVALUE'],
        ['HRANDFIELD', 'h', '1', 'WITHVALUES', 'x'],
        ['HRANDFIELD', 'h', i64Max, 'WITHVALUES'],
        ['HRANDFIELD', 'h', '4611686018427387903', 'WITHVALUES'],
        ['HRANDFIELD', 'h', '4611686018427387904', 'WITHVALUES'],
        ['HRANDFIELD', 'h', '-4611686018427387904', 'WITHVALUES'],
        ['HRANDFIELD', 'nokey', '4611686018427387904', 'WITHVALUES'],
        ['HRANDFIELD', 'h', 'x', 'BAD'],
      ]);
      seq('HSCAN on a listpack and its errors', [
        ['HSCAN', 'nokey', '0'],
        ['HSCAN', 'nokey', '0', 'BADOPT'],
        ['HSCAN', 'nokey', 'x'],
        ['HSET', 'h', 'apple', '1', 'banana', '2', 'avocado', '3', 'cherry', '4'],
        ['HSCAN', 'h', '0'],
        ['HSCAN', 'h', '0', 'MATCH', 'a*'],
        ['HSCAN', 'h', '0', 'match', '*an*', 'COUNT', '1'],
        ['HSCAN', 'h', '0', 'MATCH', '*'],
        ['HSCAN', 'h', '0', 'MATCH', '[bc]*', 'MATCH', 'b*'],
        ['HSCAN', 'h', '0', 'COUNT', '0'],
        ['HSCAN', 'h', '0', 'COUNT', '-1'],
        ['HSCAN', 'h', '0', 'COUNT', 'x'],
        ['HSCAN', 'h', '0', 'COUNT'],
        ['HSCAN', 'h', '0', 'MATCH'],
        ['HSCAN', 'h', '0', 'TYPE', 'string'],
        ['HSCAN', 'h', '0', 'NOPE', 'x'],
        ['HSCAN', 'h', 'abc'],
        ['HSCAN', 'h', '-1'],
        ['HSCAN', 'h', ' 1'],
        ['HSCAN', 'h', '1'],
        ['HSCAN', 'h', '18446744073709551615'],
        ['HSCAN', 'h', '18446744073709551616'],
        ['HSCAN', 'h', ''],
        ['HSCAN', 'h', '+0'],
        ['HSET', 'n', '1', 'a', '22', 'b', '-3', 'c'],
        ['HSCAN', 'n', '0', 'MATCH', '?'],
      ]);
      body('HSCAN over a hashtable: the full iteration', async (c) => {
        const args: Arg[] = ['HSET', 'big'];
        for (let i = 0; i < 700; i++) args.push(`field:${i}`, `v${i}`);
        await c.cmd(args);
        await c.cmd(['OBJECT', 'ENCODING', 'big']);
        await compareFullScan(c, ['HSCAN', 'big'], scanFieldValues);
        await compareFullScan(c, ['HSCAN', 'big', 'COUNT', '7'], scanFieldValues);
        await compareFullScan(c, ['HSCAN', 'big', 'MATCH', 'field:1*', 'COUNT', '50'], scanFieldValues);
        await c.cmd(['HLEN', 'big']);
        await c.cmd(['HGET', 'big', 'field:699']);
        await c.cmd(['HGETALL', 'big'], { cmp: sortedPairs });
        await c.cmd(['HKEYS', 'big'], { cmp: sortedArray });
        await c.cmd(['HRANDFIELD', 'big', '-1', 'WITHVALUES'], { cmp: (o, s) => (decodeReply(o).kind === decodeReply(s).kind ? null : 'kinds differ') });
      });
      body('DUMP of a listpack is byte-identical; RESTORE of redis-server\'s payloads', async (c) => {
        const values = ['0', '1', '127', '128', '-1', '-4096', '4095', '4096', '-32768', '32767', '32768', '-8388608', '8388607', '8388608',
          '2147483647', '-2147483648', '2147483648', i64Max, i64Min, '9223372036854775808', '01', '+1', '-0', '', 'x'.repeat(63), 'y'.repeat(64)];
        const args: Arg[] = ['HSET', 'h'];
        values.forEach((v, i) => args.push(v, `v${i}`, `f${i}`, v));
        await c.cmd(args);
        await c.cmd(['HDEL', 'h', 'f3', '-1']);
        await c.cmd(['HSET', 'h', 'f4', 'updated', '0', 'changed']);
        await c.cmd(['OBJECT', 'ENCODING', 'h']);
        await c.cmd(['DUMP', 'h']);
        await c.cmd(['HSET', 'long', 'f', 'z'.repeat(64), 'g', Buffer.from([0, 0xff])]);
        await c.cmd(['DUMP', 'long']);
        await c.cmd(['HSET', 'table', 'f', 'z'.repeat(65)]);
        await c.cmd(['DUMP', 'table'], { cmp: (o, s) => (o.length === s.length ? null : 'lengths differ') });
        for (const k of ['h', 'long', 'table']) {
          const payload = decodeReply(await c.conn('redis')!.send(['DUMP', k]));
          if (payload.kind !== 'bulk') throw new Error('DUMP did not answer a bulk');
          await c.cmd(['RESTORE', `${k}:copy`, '0', payload.bytes]);
          await c.cmd(['OBJECT', 'ENCODING', `${k}:copy`]);
          await c.cmd(['HGETALL', `${k}:copy`], { cmp: sortedPairs });
          await c.cmd(['HLEN', `${k}:copy`]);
        }
        await c.cmd(['RESTORE', 'h:copy2', '0', Buffer.from([16, 0x01, 0x02, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0])]);
        await c.cmd(['HGETALL', 'h:copy']);
      });
      seq('MEMORY USAGE of listpack hashes', [
        ['HSET', 'h', 'a', '1'],
        ['MEMORY', 'USAGE', 'h'],
        ['HSET', 'h', 'b', 'x'.repeat(60), 'c', '-70000', 'd', '12345678901'],
        ['MEMORY', 'USAGE', 'h'],
        ['HDEL', 'h', 'b'],
        ['MEMORY', 'USAGE', 'h'],
      ]);
      seq('keys created and deleted through MULTI', [
        ['MULTI'],
        ['HSET', 'h', 'a', '1'],
        ['HINCRBY', 'h', 'a', '2'],
        ['HINCRBYFLOAT', 'h', 'b', '1.5'],
        ['HGETALL', 'h'],
        ['HDEL', 'h', 'a', 'b'],
        ['EXISTS', 'h'],
        ['EXEC'],
      ]);
    });
  }
});

// --- Random sequences ------------------------------------------------------------------

type Cmd = string[];

const key = fc.constantFrom('h1', 'h2', 's');
const field = fc.constantFrom('a', 'b', 'c', 'd', '1', '');
const value = fc.oneof(fc.constantFrom('0', '1', '-1', '10.5', 'x', '', '9223372036854775807', '1e3', 'inf'), fc.integer({ min: -50, max: 50 }).map(String));
const command: fc.Arbitrary<Cmd> = fc.oneof(
  fc.tuple(key, fc.array(fc.tuple(field, value), { minLength: 1, maxLength: 3 })).map(([k, fv]) => ['HSET', k, ...fv.flat()]),
  fc.tuple(key, field, value).map(([k, f, v]) => ['HSETNX', k, f, v]),
  fc.tuple(key, field, value).map(([k, f, v]) => ['HMSET', k, f, v]),
  fc.tuple(key, field).map(([k, f]) => ['HGET', k, f]),
  fc.tuple(key, fc.array(field, { minLength: 1, maxLength: 3 })).map(([k, fs]) => ['HMGET', k, ...fs]),
  fc.tuple(key, fc.array(field, { minLength: 1, maxLength: 3 })).map(([k, fs]) => ['HDEL', k, ...fs]),
  fc.tuple(key, field).map(([k, f]) => ['HEXISTS', k, f]),
  fc.tuple(key, field).map(([k, f]) => ['HSTRLEN', k, f]),
  key.map((k) => ['HLEN', k]),
  key.map((k) => ['HKEYS', k]),
  key.map((k) => ['HVALS', k]),
  key.map((k) => ['HGETALL', k]),
  fc.tuple(key, field, value).map(([k, f, v]) => ['HINCRBY', k, f, v]),
  fc.tuple(key, field, value).map(([k, f, v]) => ['HINCRBYFLOAT', k, f, v]),
  fc.tuple(key, fc.constantFrom<string[]>(['100'], ['0'], ['100', 'WITHVALUES'], ['x'])).map(([k, o]) => ['HRANDFIELD', k, ...o]),
  fc.tuple(key, fc.constantFrom<string[]>([], ['MATCH', '?'], ['COUNT', '1'])).map(([k, o]) => ['HSCAN', k, '0', ...o]),
  fc.tuple(key, value).map(([k, v]) => ['SET', k, v]),
  key.map((k) => ['DEL', k]),
  key.map((k) => ['TYPE', k]),
  key.map((k) => ['OBJECT', 'ENCODING', k]),
);

describeRandomSequences('diff: random hash command sequences (fast-check)', command, 150);
