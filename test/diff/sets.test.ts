// Differential tests for the set commands (issue 6): every command with its options
// and error paths, sent to redis-server 7.0.15 and KeelDB over raw RESP and compared
// byte for byte, under RESP2 and again after HELLO 3; then a fast-check random
// sequence of set commands.
//
// Order: an intset answers in numeric order on both servers, compared exactly. A
// hashtable's order is Redis's hash order, which KeelDB does not reproduce: only
// replies that list a hashtable's members are compared sorted (sortedArray), and
// SSCAN over one as the sorted union of a full iteration.
// SPOP and SRANDMEMBER are random: only their deterministic cases are compared (count
// 0, a count covering the whole set, a one-member set, a missing key, errors); the
// random cases are checked for shape and membership in the engine tests.

import fc from 'fast-check';
import { describe } from 'vitest';
import { sortedArray } from '../support/comparators.js';
import { diffCase, diffSeq, usePair, type DiffCase, type Step } from '../support/diff-pair.js';
import { compareFullScan, type ScanElements } from '../support/full-scan.js';
import { describeWithOracle } from '../support/oracle-guard.js';
import { describeRandomSequences } from '../support/random-sequences.js';
import type { Arg } from '../support/resp-conn.js';
import { decodeReply, type RespValue } from '../support/resp-decode.js';

const sorted = (args: readonly Arg[]): Step => ({ args, cmp: sortedArray });

/** The members of a reply as sorted latin1 texts, or null if it is not a list of bulks. */
function membersOf(v: RespValue): string[] | null {
  if (v.kind !== 'array' && v.kind !== 'set') return null;
  const out: string[] = [];
  for (const item of v.items) {
    if (item.kind !== 'bulk') return null;
    out.push(item.bytes.toString('latin1'));
  }
  return out.sort();
}

/** An SSCAN page's members. */
const scanMembers: ScanElements = (items) => {
  const members = membersOf(items);
  if (members === null) throw new Error('bad scan reply');
  return members;
};

const i64Max = '9223372036854775807';
const i64Min = '-9223372036854775808';

describeWithOracle('diff: sets', () => {
  const pair = usePair();
  for (const proto of [2, 3] as const) {
    describe(`RESP${proto}`, () => {
      const seq = (name: string, steps: readonly Step[]): void => diffSeq(pair, name, steps, { proto });
      const body = (name: string, fn: (c: DiffCase) => Promise<void>): void => diffCase(pair, name, fn, { proto });

      seq('SADD SREM SCARD SISMEMBER SMISMEMBER SMEMBERS on an intset', [
        ['SADD', 's', '3', '1', '2', '3', '-5', i64Max, i64Min, '0'],
        ['SMEMBERS', 's'],
        ['OBJECT', 'ENCODING', 's'],
        ['SCARD', 's'],
        ['SISMEMBER', 's', '2'],
        ['SISMEMBER', 's', '02'],
        ['SISMEMBER', 's', '+2'],
        ['SISMEMBER', 's', 'x'],
        ['SMISMEMBER', 's', '1', '4', '-5', 'x', '1'],
        ['SREM', 's', '1', '1', 'x', '01', '-5'],
        ['SMEMBERS', 's'],
        ['SADD', 's', '2', '3'],
        ['SCARD', 'nokey'],
        ['SISMEMBER', 'nokey', 'a'],
        ['SMISMEMBER', 'nokey', 'a', 'b'],
        ['SMEMBERS', 'nokey'],
        ['SREM', 'nokey', 'a'],
        ['SADD', 's', '9223372036854775808'],
        ['OBJECT', 'ENCODING', 's'],
        sorted(['SMEMBERS', 's']),
        ['SREM', 's', '9223372036854775808', '2', '3', i64Max, i64Min, '0'],
        ['EXISTS', 's'],
        ['TYPE', 's'],
        ['SADD', 'z', '0'],
        ['SADD', 'z', '-0'],
        ['OBJECT', 'ENCODING', 'z'],
        sorted(['SMEMBERS', 'z']),
      ]);
      seq('hashtable sets (compared sorted where the order is the hash order)', [
        ['SADD', 'h', 'b', 'a', 'c', 'a', ''],
        ['OBJECT', 'ENCODING', 'h'],
        sorted(['SMEMBERS', 'h']),
        ['SCARD', 'h'],
        ['SADD', 'h', '1', '2'],
        ['SISMEMBER', 'h', '1'],
        ['SISMEMBER', 'h', ''],
        ['SREM', 'h', 'a', 'zz', '1'],
        sorted(['SMEMBERS', 'h']),
        ['SADD', 'bin', Buffer.from([0, 0xff, 13, 10]), Buffer.from([0x80])],
        ['SISMEMBER', 'bin', Buffer.from([0x80])],
        sorted(['SMEMBERS', 'bin']),
        ['SREM', 'h', 'b', 'c', '', '2'],
        ['EXISTS', 'h'],
      ]);
      seq('arity and syntax errors', [
        ['SADD', 's'],
        ['SADD'],
        ['SREM', 's'],
        ['SCARD'],
        ['SISMEMBER', 's'],
        ['SMISMEMBER', 's'],
        ['SMEMBERS'],
        ['SMEMBERS', 'a', 'b'],
        ['SMOVE', 'a', 'b'],
        ['SINTER'],
        ['SINTERSTORE', 'd'],
        ['SUNIONSTORE', 'd'],
        ['SDIFFSTORE', 'd'],
        ['SINTERCARD', '1'],
        ['SPOP'],
        ['SRANDMEMBER'],
        ['SSCAN', 's'],
        ['SPOP', 's', '1', '2'],
        ['SRANDMEMBER', 's', '1', '2'],
      ]);
      seq('WRONGTYPE on every command', [
        ['SET', 'str', 'v'],
        ['SADD', 's', '1'],
        ['SADD', 'str', 'a'],
        ['SREM', 'str', 'a'],
        ['SCARD', 'str'],
        ['SISMEMBER', 'str', 'a'],
        ['SMISMEMBER', 'str', 'a'],
        ['SMEMBERS', 'str'],
        ['SRANDMEMBER', 'str'],
        ['SRANDMEMBER', 'str', '2'],
        ['SRANDMEMBER', 'str', 'x'],
        ['SPOP', 'str'],
        ['SPOP', 'str', '2'],
        ['SPOP', 'str', '-2'],
        ['SMOVE', 'str', 's', '1'],
        ['SMOVE', 's', 'str', '1'],
        ['SMOVE', 'nokey', 'str', '1'],
        ['SMOVE', 's', 'str', 'notmember'],
        ['SINTER', 's', 'str'],
        ['SINTER', 'nokey', 'str'],
        ['SINTERSTORE', 'd', 's', 'str'],
        ['SINTERSTORE', 'str', 's'],
        ['GET', 'str'],
        ['SINTERCARD', '2', 's', 'str'],
        ['SUNION', 's', 'str'],
        ['SDIFF', 'nokey', 'str'],
        ['SUNIONSTORE', 'd', 'str'],
        ['SDIFFSTORE', 'd', 's', 'str'],
        ['SSCAN', 'str', '0'],
        ['SSCAN', 'str', 'x'],
        ['SET', 'str2', 'v'],
        ['SUNIONSTORE', 'str2', 's'],
        ['TYPE', 'str2'],
        ['SMEMBERS', 'str2'],
      ]);
      seq('SMOVE', [
        ['SADD', 'a', '1', '2', '3'],
        ['SMOVE', 'a', 'b', '2'],
        ['SMEMBERS', 'a'],
        ['SMEMBERS', 'b'],
        ['OBJECT', 'ENCODING', 'b'],
        ['SMOVE', 'a', 'b', '9'],
        ['SMOVE', 'a', 'a', '1'],
        ['SMOVE', 'a', 'a', '9'],
        ['SMOVE', 'nokey', 'a', '1'],
        ['SMOVE', 'a', 'c', 'x'],
        ['SADD', 'b', '1'],
        ['SMOVE', 'a', 'b', '1'],
        ['SMEMBERS', 'b'],
        ['SMOVE', 'a', 'b', '3'],
        ['EXISTS', 'a'],
        ['SADD', 'w', 'word'],
        ['SMOVE', 'w', 'n', 'word'],
        ['OBJECT', 'ENCODING', 'n'],
        ['SMOVE', 'b', 'n', '1'],
        sorted(['SMEMBERS', 'n']),
        ['SMEMBERS', 'b'],
      ]);
      seq('SINTER SINTERSTORE SINTERCARD', [
        ['SADD', 'a', '1', '2', '3', '4', '5'],
        ['SADD', 'b', '5', '4', '3', '10'],
        ['SADD', 'c', '3', '4', 'x'],
        ['SINTER', 'a', 'b'],
        ['SINTER', 'b', 'a'],
        // c is the smallest and a hashtable: the reply is in its hash order.
        sorted(['SINTER', 'a', 'b', 'c']),
        ['SINTER', 'a', 'a'],
        ['SINTER', 'a', 'nokey'],
        ['SINTER', 'nokey'],
        ['SINTERSTORE', 'd', 'a', 'b'],
        ['SMEMBERS', 'd'],
        ['OBJECT', 'ENCODING', 'd'],
        ['SINTERSTORE', 'd', 'a', 'c'],
        ['SMEMBERS', 'd'],
        ['OBJECT', 'ENCODING', 'd'],
        ['SET', 'd2', 'str'],
        ['EXPIRE', 'd2', '100'],
        ['SINTERSTORE', 'd2', 'a', 'b'],
        ['TTL', 'd2'],
        ['SINTERSTORE', 'd', 'a', 'nokey'],
        ['EXISTS', 'd'],
        ['SINTERSTORE', 'd', 'a', 'c', 'b'],
        ['SINTERSTORE', 'a', 'a', 'b'],
        ['SMEMBERS', 'a'],
        ['SADD', 'e', '100'],
        ['SINTERSTORE', 'd', 'a', 'e'],
        ['EXISTS', 'd'],
        ['SINTERCARD', '2', 'a', 'b'],
        ['SINTERCARD', '1', 'a'],
        ['SINTERCARD', '2', 'a', 'b', 'LIMIT', '1'],
        ['SINTERCARD', '2', 'a', 'b', 'limit', '0'],
        ['SINTERCARD', '2', 'a', 'b', 'LIMIT', '100'],
        ['SINTERCARD', '2', 'a', 'nokey'],
        ['SINTERCARD', '0', 'a'],
        ['SINTERCARD', '-1', 'a'],
        ['SINTERCARD', 'x', 'a'],
        ['SINTERCARD', '3', 'a', 'b'],
        ['SINTERCARD', '2', 'a', 'b', 'LIMIT'],
        ['SINTERCARD', '2', 'a', 'b', 'LIMIT', '-1'],
        ['SINTERCARD', '2', 'a', 'b', 'LIMIT', 'x'],
        ['SINTERCARD', '2', 'a', 'b', 'FOO', '1'],
        ['SINTERCARD', '1', 'a', 'b'],
        ['SINTERCARD', '9223372036854775808', 'a'],
      ]);
      seq('SUNION SDIFF and their STORE forms', [
        ['SADD', 'a', '3', '1', '2'],
        ['SADD', 'b', '2', '5', '4'],
        ['SADD', 'c', 'x', '1'],
        ['SUNION', 'a', 'b'],
        ['SUNION', 'a', 'nokey', 'b'],
        ['SUNION', 'nokey'],
        sorted(['SUNION', 'a', 'c']),
        ['SDIFF', 'a', 'b'],
        ['SDIFF', 'b', 'a'],
        ['SDIFF', 'a', 'nokey'],
        ['SDIFF', 'nokey', 'a'],
        ['SDIFF', 'a', 'a'],
        ['SDIFF', 'a', 'b', 'a'],
        ['SDIFF', 'c', 'a'],
        ['SDIFF', 'a', 'c'],
        ['SUNIONSTORE', 'd', 'a', 'b'],
        ['SMEMBERS', 'd'],
        ['OBJECT', 'ENCODING', 'd'],
        ['SUNIONSTORE', 'd', 'a', 'c'],
        ['OBJECT', 'ENCODING', 'd'],
        sorted(['SMEMBERS', 'd']),
        ['SDIFFSTORE', 'd', 'c', 'a'],
        ['SMEMBERS', 'd'],
        ['OBJECT', 'ENCODING', 'd'],
        ['SDIFFSTORE', 'd', 'a', 'a'],
        ['EXISTS', 'd'],
        ['SUNIONSTORE', 'd', 'nokey'],
        ['EXISTS', 'd'],
        ['SDIFFSTORE', 'a', 'a', 'b'],
        ['SMEMBERS', 'a'],
        ['SUNIONSTORE', 'b', 'b', 'c'],
        sorted(['SMEMBERS', 'b']),
      ]);
      seq('SPOP and SRANDMEMBER deterministic cases', [
        ['SPOP', 'nokey'],
        ['SPOP', 'nokey', '3'],
        ['SPOP', 'nokey', '0'],
        ['SRANDMEMBER', 'nokey'],
        ['SRANDMEMBER', 'nokey', '3'],
        ['SRANDMEMBER', 'nokey', '-3'],
        ['SADD', 'one', 'only'],
        ['SRANDMEMBER', 'one'],
        ['SRANDMEMBER', 'one', '-4'],
        ['SRANDMEMBER', 'one', '1'],
        ['SPOP', 'one', '0'],
        ['SPOP', 'one'],
        ['EXISTS', 'one'],
        ['SADD', 's', '5', '3', '1', '4'],
        ['SRANDMEMBER', 's', '0'],
        ['SRANDMEMBER', 's', '4'],
        ['SRANDMEMBER', 's', '100'],
        ['SRANDMEMBER', 's', i64Max],
        ['SRANDMEMBER', 's', i64Min],
        ['SRANDMEMBER', 's', 'x'],
        ['SRANDMEMBER', 's', '1.5'],
        ['SPOP', 's', '-1'],
        ['SPOP', 's', 'x'],
        ['SPOP', 's', '9223372036854775808'],
        ['SPOP', 's', '4'],
        ['EXISTS', 's'],
        ['SADD', 's', '5', '3', '1'],
        ['SPOP', 's', i64Max],
        ['SADD', 'h', 'b', 'a', 'c'],
        sorted(['SRANDMEMBER', 'h', '3']),
        sorted(['SPOP', 'h', '10']),
        ['EXISTS', 'h'],
        ['SADD', 'one', 'x'],
        ['SPOP', 'one', '1'],
      ]);
      seq('SSCAN on an intset and its errors', [
        ['SSCAN', 'nokey', '0'],
        ['SSCAN', 'nokey', '0', 'BADOPT'],
        ['SSCAN', 'nokey', 'x'],
        ['SADD', 's', '10', '1', '2', '-20', '11'],
        ['SSCAN', 's', '0'],
        ['SSCAN', 's', '0', 'MATCH', '1*'],
        ['SSCAN', 's', '0', 'MATCH', '-*', 'COUNT', '1'],
        ['SSCAN', 's', '0', 'COUNT', '0'],
        ['SSCAN', 's', '0', 'COUNT', 'x'],
        ['SSCAN', 's', '0', 'MATCH'],
        ['SSCAN', 's', '0', 'TYPE', 'set'],
        ['SSCAN', 's', 'x'],
        ['SSCAN', 's', '-1'],
        ['SSCAN', 's', '5'],
        ['SADD', 'small', 'a', 'b'],
        sorted(['SSCAN', 'small', '0', 'MATCH', 'z*']),
      ]);
      body('DUMP of an intset is byte-identical (its width never narrows); RESTORE of redis-server\'s payloads', async (c) => {
        await c.cmd(['SADD', 'i16', '1', '-5', '300', '32767', '-32768']);
        await c.cmd(['DUMP', 'i16']);
        await c.cmd(['SADD', 'i32', '1', '40000']);
        await c.cmd(['DUMP', 'i32']);
        await c.cmd(['SADD', 'i64', '2', '5000000000']);
        await c.cmd(['SREM', 'i64', '5000000000']);
        await c.cmd(['DUMP', 'i64']);
        await c.cmd(['SINTERSTORE', 'fresh', 'i64']);
        await c.cmd(['DUMP', 'fresh']);
        await c.cmd(['SADD', 'words', 'a', 'b', 'c']);
        await c.cmd(['DUMP', 'words'], { cmp: (o, s) => (o.length === s.length ? null : 'lengths differ') });
        const many: Arg[] = ['SADD', 'many'];
        for (let i = 0; i < 600; i++) many.push(String(i));
        await c.cmd(many);
        for (const k of ['i16', 'i32', 'i64', 'words', 'many']) {
          const payload = decodeReply(await c.conn('redis')!.send(['DUMP', k]));
          if (payload.kind !== 'bulk') throw new Error('DUMP did not answer a bulk');
          await c.cmd(['RESTORE', `${k}:copy`, '0', payload.bytes]);
          await c.cmd(['OBJECT', 'ENCODING', `${k}:copy`]);
          await c.cmd(['SMEMBERS', `${k}:copy`], { cmp: sortedArray });
          await c.cmd(['SCARD', `${k}:copy`]);
        }
        await c.cmd(['RESTORE', 'bad', '0', Buffer.from([11, 0x01, 0x02, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0])]);
      });
      seq('MEMORY USAGE of intsets', [
        ['SADD', 's', '1'],
        ['MEMORY', 'USAGE', 's'],
        ['SADD', 's', '2', '3', '100000'],
        ['MEMORY', 'USAGE', 's'],
        ['SREM', 's', '100000'],
        ['MEMORY', 'USAGE', 's'],
      ]);
      body('set-max-intset-entries, large sets and full SSCAN iterations', async (c) => {
        await c.cmd(['CONFIG', 'SET', 'set-max-intset-entries', '4']);
        try {
          await c.cmd(['SADD', 's', '4', '3', '2', '1']);
          await c.cmd(['OBJECT', 'ENCODING', 's']);
          await c.cmd(['SADD', 's', '5']);
          await c.cmd(['OBJECT', 'ENCODING', 's']);
          await c.cmd(['SADD', 't', '1', '2', '3', '4', '5', '6']);
          await c.cmd(['OBJECT', 'ENCODING', 't']);
          await c.cmd(['SUNIONSTORE', 'u', 's']);
          await c.cmd(['OBJECT', 'ENCODING', 'u']);
        } finally {
          await c.cmd(['CONFIG', 'SET', 'set-max-intset-entries', '512']);
        }
        const ints: Arg[] = ['SADD', 'ints'];
        for (let i = 0; i < 512; i++) ints.push(String(i * 7 - 1000));
        await c.cmd(ints);
        await c.cmd(['OBJECT', 'ENCODING', 'ints']);
        await c.cmd(['SMEMBERS', 'ints']);
        await c.cmd(['SADD', 'ints', '100000']);
        await c.cmd(['OBJECT', 'ENCODING', 'ints']);
        await c.cmd(['SMEMBERS', 'ints'], { cmp: sortedArray });
        const words: Arg[] = ['SADD', 'words'];
        for (let i = 0; i < 600; i++) words.push(`m:${i}`);
        await c.cmd(words);
        await compareFullScan(c, ['SSCAN', 'words'], scanMembers);
        await compareFullScan(c, ['SSCAN', 'words', 'COUNT', '13'], scanMembers);
        await compareFullScan(c, ['SSCAN', 'words', 'MATCH', 'm:5*', 'COUNT', '100'], scanMembers);
        await compareFullScan(c, ['SSCAN', 'ints', 'MATCH', '-9*'], scanMembers);
        await c.cmd(['SINTER', 'words', 'ints'], { cmp: sortedArray });
        await c.cmd(['SINTERCARD', '2', 'words', 'words', 'LIMIT', '10']);
        await c.cmd(['SDIFFSTORE', 'd', 'words', 'ints']);
        await c.cmd(['SCARD', 'd']);
        await c.cmd(['SUNIONSTORE', 'd', 'words', 'ints']);
        await c.cmd(['SRANDMEMBER', 'words', '5'], { cmp: (o, s) => (membersOf(decodeReply(o))?.length === membersOf(decodeReply(s))?.length ? null : 'sizes differ') });
        await c.cmd(['SPOP', 'words', '590'], { cmp: (o, s) => (membersOf(decodeReply(o))?.length === membersOf(decodeReply(s))?.length ? null : 'sizes differ') });
        await c.cmd(['SCARD', 'words']);
        await c.cmd(['SPOP', 'words', '3'], { cmp: (o, s) => (membersOf(decodeReply(o))?.length === membersOf(decodeReply(s))?.length ? null : 'sizes differ') });
        await c.cmd(['SCARD', 'words']);
      });
    });
  }
});

// --- Random sequences ------------------------------------------------------------------

type Cmd = string[];

const key = fc.constantFrom('s1', 's2', 's3', 'str');
const member = fc.constantFrom('1', '2', '3', '-7', '10', 'a', 'b', '', '01');
// Integers only: an intset's order is numeric on both servers, so whole replies compare exactly.
const intMember = fc.constantFrom('1', '2', '3', '-7', '10', '0', '9223372036854775807');
const keys = fc.array(key, { minLength: 1, maxLength: 3 });
const command: fc.Arbitrary<Cmd> = fc.oneof(
  fc.tuple(key, fc.array(intMember, { minLength: 1, maxLength: 4 })).map(([k, ms]) => ['SADD', k, ...ms]),
  fc.tuple(key, fc.array(member, { minLength: 1, maxLength: 3 })).map(([k, ms]) => ['SREM', k, ...ms]),
  key.map((k) => ['SCARD', k]),
  fc.tuple(key, member).map(([k, m]) => ['SISMEMBER', k, m]),
  fc.tuple(key, fc.array(member, { minLength: 1, maxLength: 3 })).map(([k, ms]) => ['SMISMEMBER', k, ...ms]),
  key.map((k) => ['SMEMBERS', k]),
  fc.tuple(key, key, member).map(([a, b, m]) => ['SMOVE', a, b, m]),
  keys.map((ks) => ['SINTER', ...ks]),
  keys.map((ks) => ['SUNION', ...ks]),
  keys.map((ks) => ['SDIFF', ...ks]),
  fc.tuple(key, keys).map(([d, ks]) => ['SINTERSTORE', d, ...ks]),
  fc.tuple(key, keys).map(([d, ks]) => ['SUNIONSTORE', d, ...ks]),
  fc.tuple(key, keys).map(([d, ks]) => ['SDIFFSTORE', d, ...ks]),
  fc.tuple(keys, fc.constantFrom<string[]>([], ['LIMIT', '1'], ['LIMIT', '0'])).map(([ks, o]) => ['SINTERCARD', String(ks.length), ...ks, ...o]),
  fc.tuple(key, fc.constantFrom('100', '0', '-1x')).map(([k, n]) => ['SRANDMEMBER', k, n]),
  fc.tuple(key, fc.constantFrom('100', '0')).map(([k, n]) => ['SPOP', k, n]),
  fc.tuple(key, fc.constantFrom<string[]>([], ['MATCH', '1*'], ['COUNT', '2'])).map(([k, o]) => ['SSCAN', k, '0', ...o]),
  fc.tuple(key, member).map(([k, m]) => ['SET', k, m]),
  key.map((k) => ['DEL', k]),
  key.map((k) => ['OBJECT', 'ENCODING', k]),
);

describeRandomSequences('diff: random set command sequences (fast-check)', command, 150);

