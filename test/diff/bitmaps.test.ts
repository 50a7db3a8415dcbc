// Differential tests for the bitmap commands (issue 6): SETBIT GETBIT BITCOUNT BITPOS
// BITOP BITFIELD BITFIELD_RO with every option and error path, compared byte for byte
// with redis-server 7.0.15 under RESP2 and RESP3, the stored bytes checked with GET,
// then a fast-check random sequence of bitmap commands over a few keys.

import fc from 'fast-check';
import { commandInfo } from '../support/comparators.js';
import { describe, it } from 'vitest';
import { DiffPair, diffCase, diffSeq, runCase, usePair, watchKeyspaceEvents, type Step } from '../support/diff-pair.js';
import { describeWithOracle } from '../support/oracle-guard.js';
import type { Arg } from '../support/resp-conn.js';

const i64Max = '9223372036854775807';
const i64Min = '-9223372036854775808';

describeWithOracle('diff: bitmaps', () => {
  const pair = usePair();
  for (const proto of [2, 3] as const) {
    describe(`RESP${proto}`, () => {
      const seq = (name: string, steps: readonly Step[]): void => diffSeq(pair, name, steps, { proto });

      diffCase(
        pair,
        'keyspace notifications of bitmap writes',
        async (c) => {
          await c.connect();
          const events = await watchKeyspaceEvents(c);
          await events(['SETBIT', 'b', '3', '1'], 2);
          await events(['SETBIT', 'b', '3', '1'], 0);
          await events(['SETBIT', 'b', '3', '0'], 2);
          await events(['SETBIT', 'b', '100', '0'], 2);
          await events(['BITOP', 'NOT', 'd', 'b'], 2);
          await events(['BITOP', 'AND', 'd', 'nokey'], 2);
          await events(['BITOP', 'AND', 'd', 'nokey'], 0);
          await events(['BITFIELD', 'f', 'SET', 'u8', '0', '5'], 2);
          await events(['BITFIELD', 'f', 'SET', 'u8', '0', '5'], 0);
          await events(['BITFIELD', 'f', 'GET', 'u8', '0'], 0);
          await events(['BITFIELD', 'g', 'OVERFLOW', 'FAIL', 'INCRBY', 'u8', '0', '300'], 0);
          await events(['BITFIELD', 'f', 'SET', 'u8', '8', '0'], 2);
          await c.cmd(['CONFIG', 'SET', 'notify-keyspace-events', ''], { conn: 0 });
          await c.cmd(['PING'], { conn: 0 });
        },
        { proto },
      );
      seq('COMMAND INFO and GETKEYS', [
        { args: ['COMMAND', 'INFO', 'setbit'], cmp: commandInfo },
        { args: ['COMMAND', 'INFO', 'getbit'], cmp: commandInfo },
        { args: ['COMMAND', 'INFO', 'bitcount'], cmp: commandInfo },
        { args: ['COMMAND', 'INFO', 'bitpos'], cmp: commandInfo },
        { args: ['COMMAND', 'INFO', 'bitop'], cmp: commandInfo },
        { args: ['COMMAND', 'INFO', 'bitfield'], cmp: commandInfo },
        { args: ['COMMAND', 'INFO', 'bitfield_ro'], cmp: commandInfo },
        ['COMMAND', 'GETKEYS', 'BITOP', 'AND', 'd', 'a', 'b'],
        ['COMMAND', 'GETKEYS', 'BITFIELD', 'k', 'GET', 'u8', '0'],
      ]);
      seq('SETBIT GETBIT', [
        ['GETBIT', 'b', '0'],
        ['SETBIT', 'b', '7', '1'],
        ['GET', 'b'],
        ['SETBIT', 'b', '7', '1'],
        ['SETBIT', 'b', '7', '0'],
        ['SETBIT', 'b', '0', '1'],
        ['GET', 'b'],
        ['SETBIT', 'b', '100', '1'],
        ['GET', 'b'],
        ['STRLEN', 'b'],
        ['GETBIT', 'b', '100'],
        ['GETBIT', 'b', '99'],
        ['GETBIT', 'b', '1000000'],
        ['OBJECT', 'ENCODING', 'b'],
        ['SET', 's', 'abc'],
        ['OBJECT', 'ENCODING', 's'],
        ['SETBIT', 's', '1', '0'],
        ['GET', 's'],
        ['OBJECT', 'ENCODING', 's'],
        ['SET', 's2', 'abc'],
        ['SETBIT', 's2', '2', '1'],
        ['OBJECT', 'ENCODING', 's2'],
        ['SET', 'n', '123'],
        ['SETBIT', 'n', '2', '1'],
        ['GET', 'n'],
        ['GETBIT', 'n', '2'],
        ['SETBIT', 'e', '0', '0'],
        ['GET', 'e'],
        ['SETBIT', 'k', '80000', '1'],
        ['BITCOUNT', 'k'],
        ['STRLEN', 'k'],
        ['SETBIT', 't', '1', '1'],
        ['EXPIREAT', 't', '4102444800'],
        ['SETBIT', 't', '2000', '1'],
        ['EXPIRETIME', 't'],
      ]);
      seq('SETBIT GETBIT errors', [
        ['SETBIT', 'b', '-1', '1'],
        ['SETBIT', 'b', 'x', '1'],
        ['SETBIT', 'b', '4294967296', '1'],
        ['SETBIT', 'b', '1', '2'],
        ['SETBIT', 'b', '1', '-1'],
        ['SETBIT', 'b', '1', 'x'],
        ['SETBIT', 'b', '1', ''],
        ['SETBIT', 'b', '1.5', '1'],
        ['SETBIT', 'b', i64Max, '1'],
        ['GETBIT', 'b', '-1'],
        ['GETBIT', 'b', 'x'],
        ['GETBIT', 'b', '4294967296'],
        ['GETBIT', 'b', '4294967295'],
        ['RPUSH', 'l', 'a'],
        ['SETBIT', 'l', '1', '1'],
        ['SETBIT', 'l', 'x', '1'],
        ['SETBIT', 'l', '1', '5'],
        ['GETBIT', 'l', '1'],
        ['GETBIT', 'l', 'x'],
        ['SETBIT', 'b', '1'],
        ['GETBIT', 'b'],
        ['EXISTS', 'b'],
      ]);
      seq('BITCOUNT', [
        ['BITCOUNT', 'no'],
        ['BITCOUNT', 'no', '0', '-1'],
        ['SET', 'k', 'foobar'],
        ['BITCOUNT', 'k'],
        ['BITCOUNT', 'k', '0', '0'],
        ['BITCOUNT', 'k', '1', '1'],
        ['BITCOUNT', 'k', '1', '1', 'BYTE'],
        ['BITCOUNT', 'k', '5', '30', 'BIT'],
        ['BITCOUNT', 'k', '5', '30', 'bit'],
        ['BITCOUNT', 'k', '0', '-1', 'BIT'],
        ['BITCOUNT', 'k', '-5', '-1', 'BIT'],
        ['BITCOUNT', 'k', '3', '3', 'BIT'],
        ['BITCOUNT', 'k', '1', '6', 'BIT'],
        ['BITCOUNT', 'k', '-1', '-5'],
        ['BITCOUNT', 'k', '-100', '-1'],
        ['BITCOUNT', 'k', '-100', '100'],
        ['BITCOUNT', 'k', '4', '2'],
        ['BITCOUNT', 'k', '100', '200'],
        ['BITCOUNT', 'k', '-3', '-2', 'bit'],
        ['BITCOUNT', 'k', i64Min, i64Max],
        ['BITCOUNT', 'k', i64Min, i64Max, 'BIT'],
        ['BITCOUNT', 'k', '0'],
        ['BITCOUNT', 'k', '0', '1', 'BAD'],
        ['BITCOUNT', 'k', '0', '1', 'BIT', 'x'],
        ['BITCOUNT', 'k', 'a', '1'],
        ['BITCOUNT', 'k', '1', 'a'],
        ['BITCOUNT', 'no', 'a', '1'],
        ['BITCOUNT', 'no', '0', '1', 'BAD'],
        ['BITCOUNT', 'no', '0'],
        ['BITCOUNT', 'no', '0', '1', 'BIT', 'x'],
        ['SET', 'empty', ''],
        ['BITCOUNT', 'empty'],
        ['BITCOUNT', 'empty', '0', '-1'],
        ['BITCOUNT', 'empty', '0', '-1', 'BIT'],
        ['SET', 'num', '1234567'],
        ['BITCOUNT', 'num'],
        ['RPUSH', 'l', 'a'],
        ['BITCOUNT', 'l'],
        ['BITCOUNT', 'l', '0', '1'],
        ['BITCOUNT', 'l', 'x', '1'],
        ['BITCOUNT'],
      ]);
      seq('BITPOS', [
        ['BITPOS', 'no', '0'],
        ['BITPOS', 'no', '1'],
        ['BITPOS', 'no', '2'],
        ['BITPOS', 'no', 'x'],
        ['SET', 'k', '\xff\xf0\x00'],
        ['BITPOS', 'k', '0'],
        ['BITPOS', 'k', '1'],
        ['BITPOS', 'k', '0', '1'],
        ['BITPOS', 'k', '0', '2'],
        ['BITPOS', 'k', '1', '2'],
        ['BITPOS', 'k', '1', '2', '-1'],
        ['BITPOS', 'k', '0', '0', '0'],
        ['BITPOS', 'k', '0', '0', '-1'],
        ['BITPOS', 'k', '0', '3', '20', 'BIT'],
        ['BITPOS', 'k', '1', '3', '20', 'BIT'],
        ['BITPOS', 'k', '0', '3', '11', 'bit'],
        ['BITPOS', 'k', '1', '12', '23', 'BIT'],
        ['BITPOS', 'k', '0', '12', '23', 'BIT'],
        ['BITPOS', 'k', '0', '2', '5', 'BIT'],
        ['BITPOS', 'k', '1', '5', '2', 'BIT'],
        ['BITPOS', 'k', '1', '-3', '-1', 'BIT'],
        ['BITPOS', 'k', '1', '0', '-1', 'BYTE'],
        ['BITPOS', 'k', '1', '100'],
        ['BITPOS', 'k', '0', '100'],
        ['BITPOS', 'k', '0', '-100'],
        ['BITPOS', 'k', '0', '0', '1', 'BAD'],
        ['BITPOS', 'k', '0', 'x'],
        ['BITPOS', 'k', '0', '0', 'x'],
        ['BITPOS', 'k', '0', '0', '1', 'BIT', 'x'],
        ['BITPOS', 'k', '3'],
        ['SET', 'ones', '\xff\xff'],
        ['BITPOS', 'ones', '0'],
        ['BITPOS', 'ones', '0', '0'],
        ['BITPOS', 'ones', '0', '0', '-1'],
        ['BITPOS', 'ones', '0', '1'],
        ['BITPOS', 'ones', '0', '3', '9', 'BIT'],
        ['BITPOS', 'ones', '1', '3', '9', 'BIT'],
        ['SET', 'zeros', '\x00\x00'],
        ['BITPOS', 'zeros', '1'],
        ['BITPOS', 'zeros', '1', '0', '-1', 'BIT'],
        ['BITPOS', 'zeros', '0', '5', '6', 'BIT'],
        ['SET', 'empty', ''],
        ['BITPOS', 'empty', '0'],
        ['BITPOS', 'empty', '1'],
        ['BITPOS', 'empty', '0', '0'],
        ['BITPOS', 'empty', '0', '0', '-1', 'BIT'],
        ['RPUSH', 'l', 'a'],
        ['BITPOS', 'l', '1'],
        ['BITPOS', 'l', '5'],
        ['BITPOS', 'l', '1', 'x'],
        ['BITPOS', 'k'],
      ]);
      seq('BITOP', [
        ['SET', 'a', 'foobar'],
        ['SET', 'b', 'abcdef'],
        ['SET', 'c', '\x01\x02'],
        ['BITOP', 'AND', 'd', 'a', 'b'],
        ['GET', 'd'],
        ['BITOP', 'or', 'd', 'a', 'c'],
        ['GET', 'd'],
        ['BITOP', 'XOR', 'd', 'a', 'b', 'c'],
        ['GET', 'd'],
        ['BITOP', 'AND', 'd', 'a', 'c', 'no'],
        ['GET', 'd'],
        ['BITOP', 'NOT', 'd', 'c'],
        ['GET', 'd'],
        ['OBJECT', 'ENCODING', 'd'],
        ['BITOP', 'NOT', 'd', 'a', 'b'],
        ['BITOP', 'NOT', 'd', 'no'],
        ['EXISTS', 'd'],
        ['SET', 'd', 'x'],
        ['BITOP', 'AND', 'd', 'no1', 'no2'],
        ['EXISTS', 'd'],
        ['BITOP', 'AND', 'd', 'no1'],
        ['SET', 'd', 'x'],
        ['EXPIREAT', 'd', '4102444800'],
        ['BITOP', 'OR', 'd', 'a'],
        ['TTL', 'd'],
        ['BITOP', 'NAND', 'd', 'a'],
        ['RPUSH', 'l', 'x'],
        ['BITOP', 'AND', 'd', 'a', 'l'],
        ['BITOP', 'AND', 'l', 'a'],
        ['GET', 'l'],
        ['BITOP', 'AND', 'd'],
        ['SET', 'e', ''],
        ['BITOP', 'OR', 'd2', 'e'],
        ['EXISTS', 'd2'],
      ]);
      seq('BITFIELD GET SET INCRBY', [
        ['BITFIELD', 'f'],
        ['EXISTS', 'f'],
        ['BITFIELD', 'f', 'GET', 'u8', '0'],
        ['EXISTS', 'f'],
        ['BITFIELD', 'f', 'SET', 'i8', '0', '100', 'GET', 'u4', '0', 'GET', 'i4', '4'],
        ['GET', 'f'],
        ['BITFIELD', 'f', 'INCRBY', 'u2', '100', '1', 'OVERFLOW', 'SAT', 'INCRBY', 'u2', '102', '1'],
        ['GET', 'f'],
        ['BITFIELD', 'f', 'SET', 'i64', '0', i64Min, 'GET', 'i64', '0', 'GET', 'u63', '0', 'GET', 'u63', '1'],
        ['BITFIELD', 'f', 'SET', 'i64', '0', i64Max, 'INCRBY', 'i64', '0', '1'],
        ['BITFIELD', 'f', 'OVERFLOW', 'SAT', 'INCRBY', 'i64', '0', '1', 'INCRBY', 'i64', '0', i64Min],
        ['BITFIELD', 'f', 'OVERFLOW', 'FAIL', 'INCRBY', 'i64', '0', i64Max, 'INCRBY', 'i64', '0', i64Min, 'INCRBY', 'i64', '0', i64Min],
        ['BITFIELD', 'f', 'SET', 'u63', '0', i64Max, 'INCRBY', 'u63', '0', '1', 'INCRBY', 'u63', '0', '-2'],
        ['BITFIELD', 'f', 'OVERFLOW', 'SAT', 'SET', 'u8', '0', '-1', 'SET', 'u8', '8', '256', 'SET', 'i8', '16', '200', 'SET', 'i8', '24', '-200'],
        ['BITFIELD', 'f', 'OVERFLOW', 'WRAP', 'SET', 'u8', '0', '-1', 'SET', 'u8', '8', '257', 'SET', 'i8', '16', '200', 'SET', 'i8', '24', '-200'],
        ['BITFIELD', 'f', 'OVERFLOW', 'FAIL', 'SET', 'u8', '0', '-1', 'SET', 'u8', '8', '255', 'SET', 'i8', '16', '128'],
        ['BITFIELD', 'f', 'INCRBY', 'u5', '3', '40', 'INCRBY', 'i5', '3', '40', 'INCRBY', 'i5', '3', '-40', 'INCRBY', 'u5', '3', '-40'],
        ['BITFIELD', 'f', 'OVERFLOW', 'SAT', 'INCRBY', 'u5', '3', '40', 'INCRBY', 'i5', '3', '40', 'INCRBY', 'i5', '3', '-40', 'INCRBY', 'u5', '3', '-40'],
        ['BITFIELD', 'f', 'INCRBY', 'i1', '0', '1', 'INCRBY', 'u1', '0', '1', 'INCRBY', 'i1', '0', '-1'],
        ['BITFIELD', 'f', 'SET', 'u8', '#1', '7', 'GET', 'u8', '#1', 'GET', 'u8', '8', 'SET', 'i16', '#3', '-3', 'GET', 'i16', '#3'],
        ['BITFIELD', 'f', 'GET', 'u8', '1000'],
        ['BITFIELD', 'f', 'get', 'u8', '0', 'overflow', 'fail', 'incrby', 'u8', '0', '300'],
        ['GET', 'f'],
        ['OBJECT', 'ENCODING', 'f'],
        ['BITFIELD', 'g', 'OVERFLOW', 'FAIL', 'INCRBY', 'u8', '0', '300'],
        ['EXISTS', 'g'],
        ['GET', 'g'],
        ['BITFIELD_RO', 'f', 'GET', 'u8', '0', 'GET', 'i8', '#2'],
        ['BITFIELD_RO', 'f'],
        ['BITFIELD_RO', 'no', 'GET', 'u8', '0'],
        ['BITFIELD', 'f', 'SET', 'i3', '4', '3', 'SET', 'i3', '4', '-4', 'SET', 'i3', '4', '4', 'GET', 'i3', '4'],
      ]);
      seq('BITFIELD errors', [
        ['BITFIELD', 'f', 'GET', 'u64', '0'],
        ['BITFIELD', 'f', 'GET', 'i65', '0'],
        ['BITFIELD', 'f', 'GET', 'i0', '0'],
        ['BITFIELD', 'f', 'GET', 'I8', '0'],
        ['BITFIELD', 'f', 'GET', 'x8', '0'],
        ['BITFIELD', 'f', 'GET', 'u', '0'],
        ['BITFIELD', 'f', 'GET', 'u08', '0'],
        ['BITFIELD', 'f', 'GET', 'u8', '-1'],
        ['BITFIELD', 'f', 'GET', 'u8', 'x'],
        ['BITFIELD', 'f', 'GET', 'u8', '#x'],
        ['BITFIELD', 'f', 'GET', 'u8', '#-1'],
        ['BITFIELD', 'f', 'GET', 'u8', '4294967296'],
        ['BITFIELD', 'f', 'GET', 'u8', '#536870912'],
        ['BITFIELD', 'f', 'GET', 'u8', '#536870911'],
        ['BITFIELD', 'f', 'GET', 'u8', '#' + i64Max],
        ['BITFIELD', 'f', 'GET', 'u8', '#1152921504606846976'],
        ['BITFIELD', 'f', 'GET', 'u8'],
        ['BITFIELD', 'f', 'SET', 'u8', '0'],
        ['BITFIELD', 'f', 'SET', 'u8', '0', 'x'],
        ['BITFIELD', 'f', 'INCRBY', 'u8', '0', '1.5'],
        ['BITFIELD', 'f', 'OVERFLOW', 'BAD', 'GET', 'u8', '0'],
        ['BITFIELD', 'f', 'OVERFLOW'],
        ['BITFIELD', 'f', 'FOO', 'u8', '0'],
        ['BITFIELD', 'f', 'GET', 'u8', '0', 'BAR'],
        ['BITFIELD_RO', 'f', 'SET', 'u8', '0', '1'],
        ['BITFIELD_RO', 'f', 'INCRBY', 'u8', '0', '1'],
        ['BITFIELD_RO', 'f', 'GET', 'u8', '0', 'SET', 'u8', '0', 'x'],
        ['BITFIELD_RO', 'f', 'OVERFLOW', 'SAT'],
        ['EXISTS', 'f'],
        ['RPUSH', 'l', 'a'],
        ['BITFIELD', 'l', 'GET', 'u8', '0'],
        ['BITFIELD', 'l', 'SET', 'u8', '0', '1'],
        ['BITFIELD', 'l', 'SET', 'u64', '0', '1'],
        ['BITFIELD_RO', 'l', 'GET', 'u8', '0'],
        ['BITFIELD', 'l'],
        ['BITFIELD'],
        ['BITFIELD_RO'],
      ]);
    });
  }

  it('fast-check: random bitmap sequences agree', async () => {
    const key = fc.constantFrom('a', 'b', 'c');
    const off = fc.oneof(fc.integer({ min: 0, max: 80 }), fc.integer({ min: -20, max: 20 }));
    const sOff = off.map(String);
    const type = fc.constantFrom('u1', 'u3', 'u8', 'i8', 'i5', 'u16', 'i32', 'u63', 'i64');
    const val = fc.oneof(fc.integer({ min: -300, max: 300 }), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })).map(String);
    const cmd: fc.Arbitrary<Arg[]> = fc.oneof(
      fc.tuple(key, sOff, fc.constantFrom('0', '1')).map(([k, o, b]) => ['SETBIT', k, o, b]),
      fc.tuple(key, sOff).map(([k, o]) => ['GETBIT', k, o]),
      fc.tuple(key, sOff, sOff, fc.constantFrom('BYTE', 'BIT', '')).map(([k, s, e, u]) => (u === '' ? ['BITCOUNT', k, s, e] : ['BITCOUNT', k, s, e, u])),
      fc.tuple(key, fc.constantFrom('0', '1'), fc.array(sOff, { maxLength: 2 }), fc.constantFrom('BYTE', 'BIT')).map(([k, b, r, u]) => (r.length === 2 ? ['BITPOS', k, b, ...r, u] : ['BITPOS', k, b, ...r])),
      fc.tuple(fc.constantFrom('AND', 'OR', 'XOR', 'NOT'), key, fc.array(key, { minLength: 1, maxLength: 3 })).map(([op, d, s]) => ['BITOP', op, d, ...(op === 'NOT' ? s.slice(0, 1) : s)]),
      fc
        .array(
          fc.oneof(
            fc.tuple(type, sOff).map(([t, o]) => ['GET', t, o]),
            fc.tuple(type, sOff, val).map(([t, o, v]) => ['SET', t, o, v]),
            fc.tuple(type, sOff, val).map(([t, o, v]) => ['INCRBY', t, o, v]),
            fc.constantFrom('WRAP', 'SAT', 'FAIL').map((w) => ['OVERFLOW', w]),
          ),
          { maxLength: 4 },
        )
        .chain((ops) => key.map((k) => ['BITFIELD', k, ...ops.flat()])),
      key.map((k) => ['GET', k]),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(cmd, { minLength: 1, maxLength: 25 }), (cmds) =>
        runCase(pair(), 'fast-check bitmaps', async (c) => {
          for (const args of cmds) await c.cmd(args);
          for (const k of ['a', 'b', 'c']) await c.cmd(['GET', k]);
        }),
      ),
      { numRuns: Number(process.env.KEELDB_FC_RUNS ?? 60), interruptAfterTimeLimit: 15_000 },
    );
  }, 40_000);
});
