// Differential tests for PFADD / PFCOUNT / PFMERGE (issue 6): the stored bytes (GET of
// the key: header, cached cardinality, sparse opcodes or dense registers) and every
// reply are compared byte for byte with redis-server 7.0.15, under RESP2 and RESP3:
// sparse HLLs, the promotion to dense (by a register above 32 and by
// hll-sparse-max-bytes), dense HLLs, merges of every mix, the cache written by
// PFCOUNT, and the errors on non-HLL and corrupt strings.

import { commandInfo } from '../support/comparators.js';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { diffCase, diffSeq, runCase, usePair, watchKeyspaceEvents, type Step } from '../support/diff-pair.js';
import type { Arg } from '../support/resp-conn.js';
import { describeWithOracle } from '../support/oracle-guard.js';

/** PFADD of `n` elements `${prefix}${i}` in chunks of `chunk`. */
function adds(key: string, prefix: string, n: number, chunk = 100): Step[] {
  const steps: Step[] = [];
  for (let i = 0; i < n; i += chunk) {
    const els: string[] = [];
    for (let j = i; j < Math.min(n, i + chunk); j++) els.push(`${prefix}${j}`);
    steps.push(['PFADD', key, ...els]);
  }
  return steps;
}

describeWithOracle('diff: hyperloglog', () => {
  const pair = usePair();
  for (const proto of [2, 3] as const) {
    describe(`RESP${proto}`, () => {
      const seq = (name: string, steps: readonly Step[]): void => diffSeq(pair, name, steps, { proto });

      seq('PFADD PFCOUNT small sparse', [
        ['PFCOUNT', 'h'],
        ['PFADD', 'h'],
        ['GET', 'h'],
        ['PFADD', 'h'],
        ['PFADD', 'h', 'a'],
        ['GET', 'h'],
        ['PFADD', 'h', 'a'],
        ['PFADD', 'h', 'b', 'c', 'd', 'a'],
        ['GET', 'h'],
        ['PFCOUNT', 'h'],
        ['GET', 'h'],
        ['PFCOUNT', 'h'],
        ['OBJECT', 'ENCODING', 'h'],
        ['PFADD', 'h2', '', 'x'.repeat(7), 'y'.repeat(8), 'z'.repeat(9), 'w'.repeat(100), Buffer.from([0, 255, 128, 1, 2, 3, 4, 5, 6, 7, 8])],
        ['GET', 'h2'],
        ['PFCOUNT', 'h2'],
        ['PFCOUNT', 'h', 'h2'],
        ['PFCOUNT', 'h', 'h2', 'nokey'],
        ['TYPE', 'h'],
        ['STRLEN', 'h'],
      ]);
      seq('sparse growing: 1..400 elements, every stored byte', [
        ...adds('s', 'e', 50, 1).flatMap((s) => [s, ['GET', 's'] as Step]),
        ...adds('s', 'f', 400, 25).flatMap((s) => [s, ['GET', 's'] as Step, ['PFCOUNT', 's'] as Step]),
      ]);
      seq('promotion by hll-sparse-max-bytes, then dense', [
        ...adds('d', 'm', 3000, 200).flatMap((s) => [s, ['STRLEN', 'd'] as Step, ['PFCOUNT', 'd'] as Step]),
        ['GET', 'd'],
        ...adds('d', 'n', 20000, 1000),
        ['GET', 'd'],
        ['PFCOUNT', 'd'],
        ['GET', 'd'],
        ['PFADD', 'd', 'm1'],
        ['PFADD', 'd', 'zzzz-new-1', 'zzzz-new-2'],
        ['PFCOUNT', 'd'],
      ]);
      seq('large cardinalities', [...adds('big', 'x', 100000, 2000), ['PFCOUNT', 'big'], ['GET', 'big']]);
      seq('PFMERGE sparse + sparse, sparse + dense, missing keys', [
        ['PFMERGE', 'dest'],
        ['GET', 'dest'],
        ['PFCOUNT', 'dest'],
        ...adds('a', 'a', 30, 10),
        ...adds('b', 'b', 40, 10),
        ['PFMERGE', 'm1', 'a', 'b', 'nokey'],
        ['GET', 'm1'],
        ['PFCOUNT', 'm1'],
        ['PFMERGE', 'a', 'b'],
        ['GET', 'a'],
        ...adds('c', 'c', 5000, 1000),
        ['PFMERGE', 'm2', 'a', 'c'],
        ['GET', 'm2'],
        ['PFCOUNT', 'm2'],
        ['PFMERGE', 'b', 'c'],
        ['GET', 'b'],
        ['PFCOUNT', 'a', 'b', 'c', 'm1', 'm2'],
        ...adds('many', 'q', 1500, 500),
        ['PFMERGE', 'many2', 'many', 'a'],
        ['GET', 'many2'],
        ['SET', 'str', 'x'],
        ['PFMERGE', 'str', 'a'],
        ['PFMERGE', 'zz', 'a', 'str'],
        ['EXISTS', 'zz'],
      ]);
      seq('PFMERGE keeps the TTL, PFADD too', [
        ['PFADD', 't', 'a'],
        ['EXPIREAT', 't', '4102444800'],
        ['PFADD', 't', 'b'],
        ['EXPIRETIME', 't'],
        ['PFMERGE', 't', 't'],
        ['EXPIRETIME', 't'],
        ['PFCOUNT', 't'],
        ['EXPIRETIME', 't'],
      ]);
      seq('PFDEBUG', [
        ['PFDEBUG', 'DECODE', 'nokey'],
        ['PFDEBUG', 'FOO', 'nokey'],
        ['PFADD', 'h', 'a', 'b', 'c'],
        ['PFDEBUG', 'DECODE', 'h'],
        ['PFDEBUG', 'encoding', 'h'],
        ['PFDEBUG', 'FOO', 'h'],
        ['PFDEBUG', 'GETREG', 'h'],
        ['PFDEBUG', 'ENCODING', 'h'],
        ['GET', 'h'],
        ['PFDEBUG', 'DECODE', 'h'],
        ['PFDEBUG', 'TODENSE', 'h'],
        ['PFADD', 'h2', 'x'],
        ['PFDEBUG', 'TODENSE', 'h2'],
        ['GET', 'h2'],
        ['PFCOUNT', 'h2'],
        ['SET', 's', 'x'],
        ['PFDEBUG', 'GETREG', 's'],
        ['PFDEBUG', 'GETREG', 'h', 'extra'],
        ['PFDEBUG', 'GETREG'],
        { args: ['COMMAND', 'INFO', 'pfdebug'], cmp: commandInfo },
        { args: ['COMMAND', 'INFO', 'pfselftest'], cmp: commandInfo },
        ['PFSELFTEST'],
        ['PFSELFTEST', 'x'],
      ]);
      diffCase(
        pair,
        'keyspace notifications of PF* writes',
        async (c) => {
          await c.connect();
          const events = await watchKeyspaceEvents(c);
          await events(['PFADD', 'h', 'a'], 2);
          await events(['PFADD', 'h', 'a'], 0);
          await events(['PFCOUNT', 'h'], 0);
          await events(['PFMERGE', 'm', 'h'], 2);
          await events(['PFMERGE', 'h', 'h'], 2);
          await events(['PFADD', 'h'], 0);
          await c.cmd(['CONFIG', 'SET', 'notify-keyspace-events', ''], { conn: 0 });
          await c.cmd(['PING'], { conn: 0 });
        },
        { proto },
      );
      seq('COMMAND INFO and GETKEYS', [
        { args: ['COMMAND', 'INFO', 'pfadd'], cmp: commandInfo },
        { args: ['COMMAND', 'INFO', 'pfcount'], cmp: commandInfo },
        { args: ['COMMAND', 'INFO', 'pfmerge'], cmp: commandInfo },
        ['COMMAND', 'GETKEYS', 'PFMERGE', 'd', 'a', 'b'],
        ['COMMAND', 'GETKEYS', 'PFCOUNT', 'a', 'b'],
      ]);
      seq('errors: not an HLL, wrong type, arity', [
        ['SET', 's', 'hello'],
        ['PFADD', 's', 'a'],
        ['PFCOUNT', 's'],
        ['PFCOUNT', 's', 'x'],
        ['PFMERGE', 'd', 's'],
        ['SET', 'n', '12345'],
        ['PFADD', 'n', 'a'],
        ['SET', 'fake', 'HYLL\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80'],
        ['PFADD', 'fake', 'a'],
        ['PFCOUNT', 'fake'],
        ['SET', 'shortdense', 'HYLL\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00'],
        ['PFADD', 'shortdense', 'a'],
        ['RPUSH', 'l', 'a'],
        ['PFADD', 'l', 'a'],
        ['PFCOUNT', 'l'],
        ['PFCOUNT', 'l', 'x'],
        ['PFMERGE', 'l', 'x'],
        ['PFMERGE', 'x', 'l'],
        ['PFADD'],
        ['PFCOUNT'],
        ['PFMERGE'],
      ]);
      seq('corrupt sparse bodies', [
        // Sparse header, opcodes covering only 100 registers.
        ['SET', 'c1', Buffer.concat([Buffer.from('HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80', 'latin1'), Buffer.from([0x40, 99])])],
        ['PFCOUNT', 'c1'],
        ['PFCOUNT', 'c1', 'c1'],
        ['PFMERGE', 'x', 'c1'],
        ['EXISTS', 'x'],
        ['PFADD', 'c1', 'a'],
        // Valid header, one XZERO of 16384 plus one more VAL: too many registers.
        ['SET', 'c2', Buffer.concat([Buffer.from('HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80', 'latin1'), Buffer.from([0x7f, 0xff, 0x80])])],
        ['PFCOUNT', 'c2'],
        ['PFMERGE', 'y', 'c2'],
        // A valid sparse HLL written by SET (cached count stale): PFCOUNT writes the cache.
        ['SET', 'ok', Buffer.concat([Buffer.from('HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80', 'latin1'), Buffer.from([0x20, 0x88, 0x7f, 0xda])])],
        ['PFCOUNT', 'ok'],
        ['GET', 'ok'],
        ['OBJECT', 'ENCODING', 'ok'],
        ['SET', 'ok2', Buffer.concat([Buffer.from('HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80', 'latin1'), Buffer.from([0x20, 0x88, 0x7f, 0xdd])])],
        ['OBJECT', 'ENCODING', 'ok2'],
        ['PFCOUNT', 'ok2'],
        ['GET', 'ok2'],
        ['OBJECT', 'ENCODING', 'ok2'],
        ['PFADD', 'ok2', 'a', 'b'],
        ['GET', 'ok2'],
        ['PFMERGE', 'ok3', 'ok2', 'ok'],
        ['EXISTS', 'ok3'],
        ['SET', 'c3', Buffer.concat([Buffer.from('HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80', 'latin1'), Buffer.from([0x7f, 0xfe, 0x81])])],
        ['PFMERGE', 'c3d', 'c3'],
        ['PFCOUNT', 'c3'],
        ['PFADD', 'c3', 'a', 'b', 'c'],
        ['GET', 'c3'],
      ]);
      diffCase(
        pair,
        'many random-ish adds compared after every batch',
        async (c) => {
          let x = 12345;
          for (let round = 0; round < 60; round++) {
            const els: string[] = [];
            const n = 1 + (round % 7) * 20;
            for (let i = 0; i < n; i++) {
              x = (Math.imul(x, 1103515245) + 12345) >>> 0;
              els.push(`r${x % 100000}`);
            }
            await c.cmd(['PFADD', 'r', ...els]);
            await c.cmd(['GET', 'r']);
            if (round % 5 === 0) await c.cmd(['PFCOUNT', 'r']);
          }
        },
        { proto },
      );
    });
  }

  it('fast-check: random PFADD/PFCOUNT/PFMERGE sequences give the same bytes', async () => {
    const key = fc.constantFrom('a', 'b', 'c');
    const elems = fc.array(fc.oneof(fc.integer({ min: 0, max: 3000 }).map(String), fc.uint8Array({ maxLength: 12 }).map((u) => Buffer.from(u))), { maxLength: 40 });
    const cmd: fc.Arbitrary<Arg[]> = fc.oneof(
      fc.tuple(key, elems).map(([k, es]) => ['PFADD', k, ...es]),
      fc.tuple(key, fc.integer({ min: 0, max: 5000 })).map(([k, n]) => ['PFADD', k, ...Array.from({ length: 300 }, (_, i) => `bulk${n + i}`)]),
      fc.array(key, { minLength: 1, maxLength: 3 }).map((ks) => ['PFCOUNT', ...ks]),
      fc.array(key, { minLength: 1, maxLength: 3 }).map((ks) => ['PFMERGE', ...ks]),
      key.map((k) => ['GET', k]),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(cmd, { minLength: 1, maxLength: 20 }), (cmds) =>
        runCase(pair(), 'fast-check hyperloglog', async (c) => {
          for (const a of cmds) await c.cmd(a);
          for (const k of ['a', 'b', 'c']) await c.cmd(['GET', k]);
        }),
      ),
      { numRuns: Number(process.env.KEELDB_FC_RUNS ?? 40), interruptAfterTimeLimit: 15_000 },
    );
  }, 40_000);
});
