// Differential tests for the `cmsgpack` library scripts see
// (src/engine/scripting/lua-cmsgpack.ts) against redis-server 7.0.15, through EVAL,
// byte for byte: every encoding width, floats, tables as arrays or maps, nesting,
// unpack_one/unpack_limit offsets, every error text; then random values (fast-check,
// seeded) packed in Lua, random MessagePack built here in every width Redis reads,
// and random bytes unpacked.
// Maps with several keys are left out of the random values: their entries come out
// in the order Lua's `next` walks a table, and fengari's order is not Lua 5.1's (for
// integer keys outside 1..n too: 5.1 keeps those in its hash part).

import fc from 'fast-check';
import { describe } from 'vitest';
import { diffCase, diffSeq, usePair } from '../support/diff-pair.js';
import { describeWithOracle } from '../support/oracle-guard.js';

const ev = (script: string, ...args: (string | Buffer)[]): (string | Buffer)[] => ['EVAL', script, '0', ...args];
const bytes = (...b: number[]): string => `string.char(${b.join(',')})`;

/** A Lua expression for a random value cmsgpack packs deterministically. */
const { luaValue } = fc.letrec<{ luaValue: string; array: string; map: string }>((tie) => ({
  luaValue: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.integer({ min: -2147483648, max: 2147483647 }).map((n) => `(${n})`),
    fc.constantFrom('0', '127', '128', '255', '256', '65535', '65536', '4294967295', '4294967296', '2^53', '-2^53', '2^63', '-2^63', '-32', '-33', '-128', '-129', '-32768', '-32769'),
    fc.double({ noNaN: true }).map((d) => (Number.isFinite(d) ? `(${d.toExponential()})` : d > 0 ? '(1/0)' : '(-1/0)')),
    fc.constantFrom('0.5', '0.1', '1.5', '(0/0)', '3.4028234663852886e38', '1e39'),
    fc.string({ maxLength: 40 }).map((s) => JSON.stringify(s).replace(/\\u/g, '\\\\u')),
    fc.constantFrom(0, 1, 31, 32, 255, 256, 1000, 65535, 65536).map((n) => `string.rep('x', ${n})`),
    fc.constantFrom('true', 'false', 'nil', 'redis.call', 'cjson.null'),
    tie('array'),
    tie('map'),
  ),
  array: fc.array(tie('luaValue'), { maxLength: 20 }).map((items) => `{${items.filter((v) => v !== 'nil').join(', ')}}`),
  map: fc.oneof(
    fc.tuple(fc.string({ minLength: 1, maxLength: 8 }), tie('luaValue')).map(([k, v]) => `{[${JSON.stringify(k).replace(/\\u/g, '\\\\u')}] = ${v}}`),
    fc.tuple(fc.integer({ min: 2, max: 40 }), tie('luaValue')).map(([k, v]) => `{[${k}] = ${v}}`),
  ),
}));

/** MessagePack bytes for a random value, in any of the widths Redis reads (not only the smallest). */
const { packed } = fc.letrec<{ packed: number[] }>((tie) => ({
  packed: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.integer({ min: 0, max: 127 }).map((n) => [n]),
    fc.integer({ min: -32, max: -1 }).map((n) => [n & 0xff]),
    fc.integer({ min: 0, max: 255 }).map((n) => [0xcc, n]),
    fc.integer({ min: -128, max: 127 }).map((n) => [0xd0, n & 0xff]),
    fc.integer({ min: 0, max: 65535 }).map((n) => [0xcd, n >> 8, n & 0xff]),
    fc.integer({ min: -32768, max: 32767 }).map((n) => [0xd1, (n >> 8) & 0xff, n & 0xff]),
    fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }).map((b) => [0xce, ...b]),
    fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }).map((b) => [0xd2, ...b]),
    fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 8, maxLength: 8 }).map((b) => [0xcf, ...b]),
    fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 8, maxLength: 8 }).map((b) => [0xd3, ...b]),
    fc.double({ noNaN: true }).map((d) => {
      const v = new DataView(new ArrayBuffer(9));
      v.setUint8(0, 0xcb);
      v.setFloat64(1, d);
      return [...new Uint8Array(v.buffer)];
    }),
    fc.float({ noNaN: true }).map((f) => {
      const v = new DataView(new ArrayBuffer(5));
      v.setUint8(0, 0xca);
      v.setFloat32(1, f);
      return [...new Uint8Array(v.buffer)];
    }),
    fc.constantFrom(0xc0, 0xc2, 0xc3).map((b) => [b]),
    fc.uint8Array({ maxLength: 31 }).map((s) => [0xa0 | s.length, ...s]),
    fc.uint8Array({ maxLength: 40 }).map((s) => [0xd9, s.length, ...s]),
    fc.uint8Array({ maxLength: 40 }).map((s) => [0xda, 0, s.length, ...s]),
    fc.uint8Array({ maxLength: 40 }).map((s) => [0xdb, 0, 0, 0, s.length, ...s]),
    fc.array(tie('packed'), { maxLength: 5 }).map((items) => [0x90 | items.length, ...items.flat()]),
    fc.array(tie('packed'), { maxLength: 5 }).map((items) => [0xdc, 0, items.length, ...items.flat()]),
    fc.array(tie('packed'), { maxLength: 5 }).map((items) => [0xdd, 0, 0, 0, items.length, ...items.flat()]),
    fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 6 }), tie('packed')).map(([k, v]) => [0x81, 0xa0 | k.length, ...k, ...v]),
    fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 6 }), tie('packed')).map(([k, v]) => [0xde, 0, 1, 0xa0 | k.length, ...k, ...v]),
  ),
}));

const seed = Number(process.env.KEELDB_FC_SEED ?? 20261126);

describeWithOracle('diff: cmsgpack', () => {
  const pair = usePair();
  for (const proto of [2, 3] as const) {
    describe(`RESP${proto}`, () => {
      const seq = (name: string, steps: Parameters<typeof diffSeq>[2]): void => diffSeq(pair, name, steps, { proto });

      seq('pack: widths, floats, tables, nesting', [
        ev("local t={} for k,v in pairs(cmsgpack) do t[#t+1]=k..'='..tostring(v):sub(1,9) end table.sort(t) return t"),
        ev('return {cmsgpack._NAME, cmsgpack._VERSION, cmsgpack._COPYRIGHT, cmsgpack._DESCRIPTION}'),
        ev("return cmsgpack.pack(string.rep('a', 31), string.rep('b', 32), string.rep('c', 255), string.rep('d', 256))"),
        ev("return #cmsgpack.pack(string.rep('a', 70000))"),
        ev('return cmsgpack.pack(1.5, 0.1, 1/0, 0/0, -0.0, 2^63, -2^63, 2^64, -1/0)'),
        ev('return cmsgpack.pack(0, 1, 127, 128, 255, 256, 65535, 65536, 2^32-1, 2^32, 2^53, -1, -32, -33, -128, -129, -32768, -32769, -2^31, -2^31-1, -2^53)'),
        ev("return cmsgpack.pack({['1']='a'})"),
        ev('return cmsgpack.pack({1,2,nil,4})'),
        ev("return cmsgpack.pack({1,2,3,{4,{5}}})"),
        ev('return cmsgpack.pack({a=1})'),
        ev('return cmsgpack.pack({})'),
        ev('local t = {} for i = 1, 20 do t[i] = i end return cmsgpack.pack(t)'),
        ev('local t = {} for i = 1, 70000 do t[i] = 1 end return #cmsgpack.pack(t)'),
        ev('local t = {} local c = t for i=1,20 do c[1] = {} c = c[1] end return cmsgpack.pack(t)'),
        ev('local t = {} t[1] = t return cmsgpack.pack(t)'),
        ev('return cmsgpack.pack(redis.call, cjson.null, nil, true, false)'),
        ev('return cmsgpack.pack()'),
        ev('cmsgpack.pack = nil'),
      ]);

      seq('unpack: values, offsets, limits, errors', [
        ev(`return cmsgpack.unpack(${bytes(0xd9, 3)}..'abc')`),
        ev(`return cmsgpack.unpack(${bytes(0xc4, 3)}..'abc')`),
        ev(`return cmsgpack.unpack(${bytes(0xc1)})`),
        ev(`return cmsgpack.unpack(${bytes(0xcf, 255, 255, 255, 255, 255, 255, 255, 255)})`),
        ev(`return cmsgpack.unpack(${bytes(0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0)})`),
        ev(`return cmsgpack.unpack(${bytes(0xca, 0x40, 0x49, 0x0f, 0xdb)})`),
        ev('return {cmsgpack.unpack_one(cmsgpack.pack(1,2,3), 1)}'),
        ev('return {cmsgpack.unpack_one(cmsgpack.pack(1,2,3), 3)}'),
        ev('return {cmsgpack.unpack_one(cmsgpack.pack(1,2,3))}'),
        ev('return {cmsgpack.unpack_limit(cmsgpack.pack(1,2,3), 0, 0)}'),
        ev('return {cmsgpack.unpack_limit(cmsgpack.pack(1,2,3), 2)}'),
        ev('return {cmsgpack.unpack_limit(cmsgpack.pack(1,2,3), 5, 1)}'),
        ev("return cmsgpack.unpack('', -1)"),
        ev("return {cmsgpack.unpack('')}"),
        ev("return cmsgpack.unpack_one('abc', -1)"),
        ev("return cmsgpack.unpack_one('abc', 5)"),
        ev("return cmsgpack.unpack_limit('abc', -2)"),
        ev("return cmsgpack.unpack_limit('abc')"),
        ev("return cmsgpack.unpack_limit('abc', 'x')"),
        ev('return cmsgpack.unpack()'),
        ev('return cmsgpack.unpack({})'),
        ev(`return cmsgpack.unpack(${bytes(0x92, 1)})`),
        ev(`return cmsgpack.unpack(${bytes(0x81, 0xc0, 1)})`),
        ev(`return cmsgpack.unpack(${bytes(0x81, 0xcb, 0xff, 0xf8, 0, 0, 0, 0, 0, 0, 1)})`),
        ev(`return cmsgpack.unpack(${bytes(0xdd, 0, 0, 0, 5, 1)})`),
        ev(`return cmsgpack.unpack(${bytes(0xda, 0)})`),
        ev(`return cmsgpack.unpack(${bytes(0xdb, 0, 0, 0, 9, 65)})`),
        ev(`return cmsgpack.unpack(${bytes(0xde, 0, 1, 0xa1, 65, 7)})`),
        ev("return cmsgpack.unpack(cmsgpack.pack({1,{2,{3,'x'}},true,false,'s'}))"),
        ev("return {cmsgpack.unpack(cmsgpack.pack(1,'two',{3}))}"),
        ev('return tostring(cmsgpack.unpack(cmsgpack.pack(1.5)))..tostring(cmsgpack.unpack(cmsgpack.pack(0.1)))'),
        ev(`return #{cmsgpack.unpack(string.rep(${bytes(1)}, 7990))}`),
        ev(`return #{cmsgpack.unpack(string.rep(${bytes(1)}, 8010))}`),
        ev(`return cmsgpack.unpack(string.rep(${bytes(0x91)}, 5000)..${bytes(1)})`),
      ]);

      diffCase(pair, `random Lua values packed and unpacked (fast-check seed ${seed})`, async (c) => {
        for (const v of fc.sample(luaValue, { numRuns: 120, seed: seed + proto })) {
          await c.cmd(ev(`return cmsgpack.pack(${v})`));
          await c.cmd(ev(`return {cmsgpack.unpack(cmsgpack.pack(${v}, ${v}))}`));
        }
      }, { proto });

      diffCase(pair, `random MessagePack in every width, and random bytes (fast-check seed ${seed})`, async (c) => {
        for (const p of fc.sample(packed, { numRuns: 150, seed: seed + 30 + proto })) {
          const b = Buffer.from(p);
          await c.cmd(ev('return {cmsgpack.unpack(ARGV[1])}', b));
          await c.cmd(ev('return cmsgpack.pack(cmsgpack.unpack(ARGV[1]))', b));
          await c.cmd(ev('return {cmsgpack.unpack_limit(ARGV[1], 1, math.floor(#ARGV[1] / 2))}', b));
        }
        for (const s of fc.sample(fc.uint8Array({ maxLength: 24 }), { numRuns: 150, seed: seed + 40 + proto })) {
          await c.cmd(ev('return {pcall(cmsgpack.unpack, ARGV[1])}', Buffer.from(s)));
        }
      }, { proto });
    });
  }
});
