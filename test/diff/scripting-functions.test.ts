// Differential tests for FUNCTION DUMP / RESTORE / STATS / HELP (issue 6), against
// redis-server 7.0.15 over raw RESP, under RESP2 and RESP3: DUMP payloads byte for
// byte (one library: Redis lists several in its dict's hash order), RESTORE of
// hand-made payloads (every error text, pre-GA records, policies), and payloads
// crossing between the two servers in both directions.

import { describe, expect } from 'vitest';
import { crc64 } from '../../src/engine/crc64.js';
import { RdbWriter } from '../../src/engine/dump.js';
import { diffCase, diffSeq, usePair, type DiffCase } from '../support/diff-pair.js';
import { describeWithOracle } from '../support/oracle-guard.js';
import { decodeReply } from '../support/resp-decode.js';

/** A payload with Redis's footer (version, CRC64) around what `body` writes. */
function payload(body: (w: RdbWriter) => void, version = 10): Buffer {
  const w = new RdbWriter();
  body(w);
  const out = Buffer.alloc(w.length + 10);
  w.buf.copy(out, 0, 0, w.length);
  out.writeUInt16LE(version, w.length);
  out.writeBigUInt64LE(crc64(out, 0n, 0, w.length + 2), w.length + 2);
  return out;
}

const lib = (name: string, fn = `${name}f`): string =>
  `#!lua name=${name}\nredis.register_function('${fn}', function(keys, args) return '${name}' end)`;
const record = (code: string) => (w: RdbWriter): void => {
  w.byte(245);
  w.string(code);
};
const both = (...bodies: ((w: RdbWriter) => void)[]) => (w: RdbWriter): void => {
  for (const b of bodies) b(w);
};

const longLib =
  "#!lua name=longlib\n" +
  "local function helper(keys, args)\n  local total = 0\n  for i = 1, #args do total = total + tonumber(args[i]) end\n  return total\nend\n" +
  "redis.register_function{function_name='sumit', callback=helper, flags={'no-writes'}, description='sums its arguments, sums its arguments'}\n";

function bulkOf(reply: unknown): Buffer {
  const v = decodeReply(reply as Buffer);
  if (v.kind !== 'bulk') throw new Error(`not a bulk reply: ${v.kind}`);
  return v.bytes;
}

/** Lists each library alone (LIBRARYNAME with its exact name), so no order is compared. */
async function listEach(c: DiffCase, names: readonly string[]): Promise<void> {
  for (const n of names) await c.cmd(['FUNCTION', 'LIST', 'LIBRARYNAME', n, 'WITHCODE']);
  await c.cmd(['FUNCTION', 'STATS']);
}

describeWithOracle('diff: FUNCTION DUMP/RESTORE/STATS', () => {
  const pair = usePair();
  for (const proto of [2, 3] as const) {
    describe(`RESP${proto}`, () => {
      const seq = (name: string, steps: Parameters<typeof diffSeq>[2]): void => diffSeq(pair, name, steps, { proto });
      const dcase = (name: string, body: (c: DiffCase) => Promise<void>): void => diffCase(pair, name, body, { proto });

      seq('stats, help, dump of one library, argument errors', [
        ['FUNCTION', 'FLUSH'],
        ['FUNCTION', 'STATS'],
        ['FUNCTION', 'DUMP'],
        ['FUNCTION', 'LOAD', lib('one')],
        ['FUNCTION', 'STATS'],
        ['FUNCTION', 'DUMP'],
        ['FUNCTION', 'LOAD', 'REPLACE', longLib],
        ['FUNCTION', 'DELETE', 'one'],
        ['FUNCTION', 'DUMP'],
        ['FUNCTION', 'STATS'],
        ['FUNCTION', 'HELP'],
        ['FUNCTION', 'HELP', 'x'],
        ['FUNCTION', 'STATS', 'x'],
        ['FUNCTION', 'DUMP', 'x'],
        ['FUNCTION', 'RESTORE'],
        ['FUNCTION', 'RESTORE', 'x', 'y', 'z'],
        ['FUNCTION', 'restore', 'x', 'y', 'z'],
        ['FUNCTION', 'RESTORE', 'x', 'bogus'],
        ['FUNCTION', 'RESTORE', 'x'],
        ['FUNCTION', 'RESTORE', ''],
        ['FUNCTION', 'FLUSH', 'a', 'b'],
        ['FUNCTION', 'Flush', 'a', 'b'],
        ['COMMAND', 'INFO', 'function|dump', 'function|restore', 'function|stats', 'function|help'],
      ]);

      dcase('restore of hand-made payloads: errors leave the libraries as they were', async (c) => {
        await c.cmd(['FUNCTION', 'FLUSH']);
        const cases: [Buffer, ...string[]][] = [
          [payload(() => {})],
          [payload((w) => { w.byte(0); w.string('abc'); })],
          [payload((w) => { w.byte(250); })],
          [payload((w) => { w.byte(245); w.byte(40); w.raw(Buffer.from('ab')); })],
          [payload(record('return 1'))],
          [payload(record('#!lua name=zz\nreturn +'))],
          [payload(record("#!lua name=rt\nerror('boom')"))],
          [payload(both(record(lib('a')), record(lib('a', 'g'))))],
          [payload(both(record(lib('a')), record(lib('b', 'af'))))],
          [payload(record(lib('a')), 11)],
          [payload(record(lib('a')), 9)],
          [payload(record(lib('a')), 0)],
          [Buffer.from('abc')],
          [payload((w) => { record(lib('q'))(w); w.byte(0); })],
          [payload(record('#!lua name=a-b\nx'))],
          [payload(record('#!js name=ab\nx'))],
          [payload(record('#!lua name=ab\nlocal x = 1'))],
          [payload(record('#!lua name=ab'))],
          [payload(record('#!lua name=ab "unbalanced\nx'))],
          [payload(record('#!lua name=ab name=cd\nx'))],
          [payload(record('#!lua\nx'))],
          [payload(record('#!lua nome=ab\nx'))],
          [payload((w) => { w.byte(245); w.byte(0xc3); w.byte(5); w.byte(30); w.raw(Buffer.from([0xe0, 1, 2, 3, 4])); })],
          [payload((w) => { w.byte(245); w.byte(0xc0); w.byte(5); })],
          [payload((w) => { w.byte(245); w.byte(0x81); w.raw(Buffer.alloc(8, 0xff)); })],
          [payload(record("#!LUA NAME=up\nredis.register_function('upf', function() return 1 end)")), 'FLUSH'],
        ];
        for (const [p, ...policy] of cases) {
          await c.cmd(['FUNCTION', 'RESTORE', p, ...policy]);
          await c.cmd(['FUNCTION', 'STATS']);
        }
        await listEach(c, ['up']);
      });

      dcase('restore of pre-GA (7.0-rc) records', async (c) => {
        await c.cmd(['FUNCTION', 'FLUSH']);
        const preGa = (name: string, engine: string, description: string | null, code: string) => (w: RdbWriter): void => {
          w.byte(246);
          w.string(name);
          w.string(engine);
          w.byte(description === null ? 0 : 1);
          if (description !== null) w.string(description);
          w.string(code);
        };
        const body = (fn: string): string => `redis.register_function('${fn}', function() return '${fn}' end)`;
        await c.cmd(['FUNCTION', 'RESTORE', payload(preGa('pg', 'LUA', null, lib('pg')))]);
        await c.cmd(['FUNCTION', 'RESTORE', payload(preGa('pg1', 'LUA', null, body('x1')))]);
        await c.cmd(['FUNCTION', 'RESTORE', payload(preGa('pg2', 'lua', 'a description', body('x2')))]);
        await c.cmd(['FUNCTION', 'RESTORE', payload(preGa('pg3', 'js', null, body('x3')))]);
        await c.cmd(['FUNCTION', 'RESTORE', payload((w) => { w.byte(246); w.byte(0x80); })]);
        await c.cmd(['FUNCTION', 'RESTORE', payload((w) => { w.byte(246); w.string('a'); w.byte(0x80); })]);
        await c.cmd(['FUNCTION', 'RESTORE', payload((w) => { w.byte(246); w.string('a'); w.string('b'); w.byte(0xc5); })]);
        await c.cmd(['FUNCTION', 'RESTORE', payload((w) => { w.byte(246); w.string('a'); w.string('b'); w.byte(0); w.byte(0x80); })]);
        await listEach(c, ['pg1', 'pg2']);
        await c.cmd(['FCALL', 'x2', '0']);
      });

      dcase('restore policies: APPEND, REPLACE, FLUSH and function collisions', async (c) => {
        await c.cmd(['FUNCTION', 'FLUSH']);
        await c.cmd(['FUNCTION', 'LOAD', lib('a')]);
        await c.cmd(['FUNCTION', 'LOAD', lib('b')]);
        const ab2 = payload(both(record(lib('a', 'a2')), record(lib('c'))));
        await c.cmd(['FUNCTION', 'RESTORE', ab2]);
        await c.cmd(['FUNCTION', 'RESTORE', ab2, 'APPEND']);
        await c.cmd(['FUNCTION', 'RESTORE', payload(record(lib('d', 'bf'))), 'REPLACE']);
        await c.cmd(['FUNCTION', 'RESTORE', payload(record(lib('b', 'af'))), 'replace']);
        await listEach(c, ['a', 'b', 'c']);
        await c.cmd(['FUNCTION', 'RESTORE', ab2, 'REPLACE']);
        await listEach(c, ['a', 'b', 'c']);
        await c.cmd(['FCALL', 'a2', '0']);
        await c.cmd(['FCALL', 'af', '0']);
        // A library that takes over another's function name under REPLACE of the owner.
        await c.cmd(['FUNCTION', 'RESTORE', payload(record(lib('b', 'a2'))), 'REPLACE']);
        await c.cmd(['FUNCTION', 'RESTORE', payload(both(record(lib('a', 'bf')), record(lib('b', 'a2')))), 'REPLACE']);
        await listEach(c, ['a', 'b', 'c']);
        await c.cmd(['FUNCTION', 'RESTORE', payload(record(lib('z'))), 'Flush']);
        await listEach(c, ['a', 'z']);
        await c.cmd(['FUNCTION', 'RESTORE', payload(record('return 1')), 'FLUSH']);
        await listEach(c, ['z']);
        await c.cmd(['FUNCTION', 'RESTORE', payload(() => {}), 'FLUSH']);
        await listEach(c, ['z']);
      });

      dcase('payloads cross both ways: Redis -> KeelDB and KeelDB -> Redis', async (c) => {
        await c.cmd(['FUNCTION', 'FLUSH']);
        const names = ['one', 'two', 'three'];
        await c.cmd(['FUNCTION', 'LOAD', longLib]);
        for (const n of names) await c.cmd(['FUNCTION', 'LOAD', lib(n)]);
        const [fromRedis, fromKeel] = await c.cmd(['FUNCTION', 'DUMP'], { cmp: () => null }); // order differs
        const redisPayload = bulkOf(fromRedis);
        const keelPayload = bulkOf(fromKeel);
        expect(keelPayload.length).toBe(redisPayload.length);
        await c.cmd(['FUNCTION', 'FLUSH']);
        await c.each((side) => ['FUNCTION', 'RESTORE', side === 'redis' ? keelPayload : redisPayload]);
        await listEach(c, ['longlib', ...names]);
        await c.cmd(['FCALL_RO', 'sumit', '0', '1', '2', '39']);
        await c.each((side) => ['FUNCTION', 'RESTORE', side === 'redis' ? keelPayload : redisPayload]);
        await c.each((side) => ['FUNCTION', 'RESTORE', side === 'redis' ? keelPayload : redisPayload, 'REPLACE']);
        await listEach(c, ['longlib', ...names]);
      });
    });
  }
});
