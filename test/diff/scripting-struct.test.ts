// Differential tests for the `struct` library scripts see
// (src/engine/scripting/lua-struct.ts) against redis-server 7.0.15, through EVAL,
// byte for byte: every option, endianness, alignment, C's number conversions at
// the edges, unpack positions, struct.size, every error text; then random formats
// with random values (fast-check, seeded): packed, unpacked (numbers compared by their
// IEEE bits, as fengari's string.format('%.17g') is not C's) and sized.

import fc from 'fast-check';
import { describe } from 'vitest';
import { diffCase, diffSeq, usePair } from '../support/diff-pair.js';
import { describeWithOracle } from '../support/oracle-guard.js';

const ev = (script: string, ...args: (string | Buffer)[]): (string | Buffer)[] => ['EVAL', script, '0', ...args];

/** One format option with a Lua value that fits it (null: the option takes none). */
const option = fc.oneof(
  fc.tuple(fc.constantFrom('b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I', 'i1', 'i2', 'I3', 'i5', 'I8', 'i12'), fc.oneof(
    fc.integer({ min: -2147483648, max: 2147483647 }).map(String),
    fc.constantFrom('0', '-1', '255', '256', '65535', '-32769', '2^31', '2^53', '-2^53', '2^63', '2^64', '-2^63', '1.5', '-2.5', '(0/0)', '(1/0)')),
  ),
  fc.tuple(fc.constantFrom('f', 'd', '>f', '<d'), fc.oneof(fc.double({ noNaN: true }).map((d) => (Object.is(d, -0) ? '(-1/(1/0))' : Number.isFinite(d) ? `(${d.toExponential()})` : d > 0 ? '(1/0)' : '(-1/0)')), fc.constantFrom('0.1', '1.5', '(-1/(1/0))'))),
  fc.tuple(fc.constantFrom('c1', 'c3', 'c0', 's'), fc.string({ maxLength: 6 }).filter((s) => !s.includes('\0')).map((s) => JSON.stringify(s).replace(/\\u/g, '\\\\u'))),
  fc.tuple(fc.constantFrom('x', ' ', '<', '>', '!', '!1', '!2', '!4', '!8'), fc.constant(null)),
);

const structCase = fc.array(option, { minLength: 1, maxLength: 8 }).map((opts) => {
  const fmt = opts.map(([o]) => o).join('');
  const values = opts.filter(([, v]) => v !== null).map(([, v]) => v as string);
  return { fmt, values };
});

const seed = Number(process.env.KEELDB_FC_SEED ?? 20261126);

describeWithOracle('diff: struct', () => {
  const pair = usePair();
  for (const proto of [2, 3] as const) {
    describe(`RESP${proto}`, () => {
      const seq = (name: string, steps: Parameters<typeof diffSeq>[2]): void => diffSeq(pair, name, steps, { proto });

      seq('pack, unpack, size: options, edges, errors', [
        ev('local t={} for k,v in pairs(struct) do t[#t+1]=k end table.sort(t) return t'),
        ev("return struct.pack('i9', 1)"),
        ev("return struct.pack('i33', 1)"),
        ev("return struct.pack('i3', -2)"),
        ev("return struct.pack('>i3', -2)"),
        ev("return struct.pack('>i9', -2)"),
        ev("return struct.pack('i99999999999', 1)"),
        ev("return struct.pack('!3i', 1)"),
        ev("return struct.pack('!4bi', 1, 2)"),
        ev("return struct.pack('!bi', 1, 2)"),
        ev("return struct.pack('!16i', 1)"),
        ev("return struct.pack('!0i', 1)"),
        ev("return struct.pack('x!2xi2', 7)"),
        ev("return struct.pack('z', 1)"),
        ev("return struct.pack('c', 'abc')"),
        ev("return struct.pack('c0', 'abc')"),
        ev("return struct.pack('c5', 'abc')"),
        ev("return struct.pack('s', 'abc')"),
        ev("return struct.pack('fd', 1.5, 0.1)"),
        ev("return struct.pack('T', 1)"),
        ev("return struct.pack('L', -1)"),
        ev("return struct.pack('B', 300)"),
        ev("return struct.pack('b', 'x')"),
        ev("return struct.pack('b')"),
        ev("return struct.pack('i', '12')"),
        ev("return struct.pack('i', 2.7)..struct.pack('i', -2.7)"),
        ev("return struct.pack('<L', 0/0)..struct.pack('<L', 2^64)..struct.pack('<L', -2^64)..struct.pack('<L', 1/0)..struct.pack('<L', 2^63)..struct.pack('<L', 1.9e19)..struct.pack('<L',-1.5)"),
        ev("return {struct.unpack('b', 'a', 0)}"),
        ev("return {struct.unpack('b', 'a', 2)}"),
        ev("return {struct.unpack('b', 'a', -1)}"),
        ev("return {struct.unpack('', 'a', -1)}"),
        ev("return {struct.unpack('b', 'a', 'x')}"),
        ev("return {struct.unpack('c0', 'abc')}"),
        ev("return {struct.unpack('bc0', '\\2abc')}"),
        ev("return {struct.unpack('c1c0', '5abcdefg')}"),
        ev("return {struct.unpack('s', 'abc')}"),
        ev("return {struct.unpack('ss', 'ab\\0cd\\0')}"),
        ev("return {struct.unpack('>I2 xc2', 'abcdef')}"),
        ev("return {struct.unpack('!4 b i', 'abcdefgh')}"),
        ev("return {struct.unpack('i9', '\\1\\0\\0\\0\\0\\0\\0\\0\\2')}"),
        ev("return {struct.unpack('>i9', '\\1\\0\\0\\0\\0\\0\\0\\0\\2')}"),
        ev("return {struct.unpack('i3', '\\255\\255\\127')}"),
        ev("return {struct.unpack('i16', string.rep('\\255', 16))}"),
        ev("return {struct.unpack('>I8', string.rep('\\255', 8))}"),
        ev("return {struct.unpack('>hHlLbB', struct.pack('>hHlLbB', -2, 65535, -3, 2^40, -128, 255))}"),
        ev("return {struct.unpack('!8 b d', struct.pack('!8 b d', 1, 2.5))}"),
        ev("return {struct.unpack('>f', struct.pack('>f', 1.5))}"),
        ev("return {struct.unpack('i', 'abcd', 5)}"),
        ev("return {struct.unpack('', 'abcd', 5)}"),
        ev('return {struct.unpack()}'),
        ev("return {struct.size('!4bid')}"),
        ev("return {struct.size('!8bT i3 h')}"),
        ev("return {struct.size('s')}"),
        ev("return {struct.size('c0')}"),
        ev("return {struct.size('q')}"),
        ev("return {struct.size('#')}"),
        ev('return struct.size()'),
        ev('struct.pack = nil'),
      ]);

      diffCase(pair, `random formats and values (fast-check seed ${seed})`, async (c) => {
        for (const { fmt, values } of fc.sample(structCase, { numRuns: 200, seed: seed + proto })) {
          const f = JSON.stringify(fmt);
          const args = values.join(', ');
          await c.cmd(ev(`return struct.pack(${f}${args === '' ? '' : `, ${args}`})`));
          await c.cmd(ev(`local s = struct.pack(${f}${args === '' ? '' : `, ${args}`}) local r = {struct.unpack(${f}, s)} for i = 1, #r do if type(r[i]) == 'number' then r[i] = struct.pack('>d', r[i]) end end return r`));
          await c.cmd(ev(`return {pcall(struct.size, ${f})}`));
        }
      }, { proto });
    });
  }
});
