// Differential tests for the `cjson` library scripts see (src/engine/scripting/lua-cjson.ts)
// against redis-server 7.0.15, through EVAL, byte for byte: encoding (number
// formatting, escapes, arrays vs objects, sparse arrays, nesting), decoding (every
// error text and position, strtod's number forms, unicode escapes), the settings and
// their persistence across scripts, and random JSON documents (fast-check, seeded):
// decoded, re-encoded, and mutated into errors.
// Objects with more than one key are left out of the random documents: cjson writes
// keys in the order Lua's `next` walks a table, and fengari's order is not Lua 5.1's.

import fc from 'fast-check';
import { describe } from 'vitest';
import { diffCase, diffSeq, usePair } from '../support/diff-pair.js';
import { describeWithOracle } from '../support/oracle-guard.js';

const ev = (script: string, ...args: string[]): string[] => ['EVAL', script, '0', ...args];
const dec = (json: string): string[] => ev('return cjson.decode(ARGV[1])', json);

/** A JSON number in one of the forms cjson and strtod read. */
const jsonNumber = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000 }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => (Object.is(d, -0) ? '-0' : String(d))),
  fc.tuple(fc.integer({ min: -999, max: 999 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: -30, max: 30 })).map(([a, b, e]) => `${a}.${b}e${e}`),
  fc.constantFrom('0', '-0', '1e308', '2.5E-3', '123456789012345678', '0.1', '1e-7', '9007199254740993'),
);

/** A JSON string with escapes of every kind and raw bytes (latin1 chars = bytes). */
const jsonString = fc
  .array(
    fc.oneof(
      fc.constantFrom('a', 'Z', ' ', '/', '\\/', '\\"', '\\\\', '\\b', '\\f', '\\n', '\\r', '\\t', '\\u0041', '\\u00e9', '\\u20ac', '\\ud83d\\ude00', '\\u0000', '\\u007F'),
      fc.integer({ min: 0x20, max: 0xff }).filter((c) => c !== 0x22 && c !== 0x5c).map((c) => String.fromCharCode(c)),
    ),
    { maxLength: 12 },
  )
  .map((parts) => `"${parts.join('')}"`);

const ws = fc.constantFrom('', ' ', '\n', '\t ', '\r\n');

const { json } = fc.letrec<{ json: string; array: string; object: string }>((tie) => ({
  json: fc.oneof({ depthSize: 'small', withCrossShrink: true }, jsonNumber, jsonString, fc.constantFrom('true', 'false', 'null'), tie('array'), tie('object')),
  array: fc.tuple(ws, fc.array(tie('json'), { maxLength: 5 }), ws).map(([a, items, b]) => `[${a}${items.join(`,${a}`)}${b}]`),
  object: fc.oneof(fc.constant('{}'), fc.tuple(jsonString, ws, tie('json')).map(([k, w, v]) => `{${k}${w}:${w}${v}}`)),
}));

/** A document with one byte changed, dropped or inserted: most become decode errors. */
const mutated = fc
  .tuple(json, fc.nat(), fc.constantFrom('', ',', ']', '}', '"', ':', 'x', '\\', '-', '0', ' ', '[', '{', 'e'))
  .map(([doc, at, insert]) => {
    const i = at % (doc.length + 1);
    return doc.slice(0, i) + insert + doc.slice(i + (insert === '' ? 1 : at % 2));
  });

const seed = Number(process.env.KEELDB_FC_SEED ?? 20261126);

describeWithOracle('diff: cjson', () => {
  const pair = usePair();
  for (const proto of [2, 3] as const) {
    describe(`RESP${proto}`, () => {
      const seq = (name: string, steps: Parameters<typeof diffSeq>[2]): void => diffSeq(pair, name, steps, { proto });

      seq('encode: numbers, strings, arrays, objects, errors', [
        ev('return {cjson._NAME, cjson._VERSION}'),
        ev('local t={} for k,v in pairs(cjson) do t[#t+1]=k end table.sort(t) return t'),
        ev('return cjson.encode({1,2,3,{a=1}})'),
        ev("return cjson.encode(0.1)..' '..cjson.encode(1/3)..' '..cjson.encode(1e20)..' '..cjson.encode(123456789012345678)..' '..cjson.encode(-3.25e-7)..' '..cjson.encode(2^53)"),
        ev('return cjson.encode({100000000000005, 100000000000015, 999999999999995, 0.125, 2^-24, 1e-5, 123456.789e3})'),
        ev('return cjson.encode(1/0)'),
        ev('return cjson.encode(0/0)'),
        ev('return cjson.encode({[1]=1,[100]=2})'),
        ev('return cjson.encode({[1]=1,[5]=2})'),
        ev('local t = {} t[11]=1 return cjson.encode(t)'),
        ev('local t = {} t[10]=1 return cjson.encode(t)'),
        ev('return cjson.encode({1,2,nil,4})'),
        ev('return cjson.encode({nil,nil,3})'),
        ev('return cjson.encode(ARGV[1])', 'a/b"\\\u0001\u007f\u0080\u00ff\t\n\r\b\f'),
        ev("local t={} local c=t for i=1,1500 do c[1]={} c=c[1] end return cjson.encode(t)"),
        ev('return cjson.encode(redis.call)'),
        ev('return cjson.encode({[true]=1})'),
        ev('return cjson.encode({[1.5]=1})'),
        ev('return cjson.encode({[2]=1})'),
        ev('return cjson.encode()'),
        ev('return cjson.encode(1, 2)'),
        ev('return cjson.encode({})'),
        ev('return cjson.encode(cjson.null)'),
        ev('return cjson.encode({cjson.null, false, true})'),
        ev('return cjson.encode({a={b={c=1}}})'),
        ev("return cjson.encode('')"),
        ev('return cjson.encode(3)'),
      ]);

      seq('decode: values, numbers, unicode, errors', [
        dec('{"a":}'),
        dec('0x10'),
        dec('[1,2,nan]'),
        dec('inf'),
        dec('"\\u00e9\\ud83d\\ude00x\\/\\b"'),
        dec('"\\ud83d"'),
        dec('"\\udc00"'),
        dec('"\\u12"'),
        dec('"\\q"'),
        dec('"abc'),
        dec(' [1 2]'),
        dec('{1:2}'),
        dec('{"a" 2}'),
        dec('[1,]'),
        dec(''),
        dec('tru'),
        dec('nul'),
        dec('-x'),
        dec('-'),
        dec('.'),
        dec('1.'),
        dec('.5'),
        dec('[1] x'),
        dec('+5'),
        dec('-Infinity'),
        dec('NaN'),
        dec('1e999'),
        dec('0x1p4'),
        dec('00012'),
        dec('a\u0000'),
        dec('[1\u0000]'),
        dec('["\\u0000a"]'),
        dec('{"a":[1,2,{"b":null}],"c":"d"}'),
        dec('  "x"  '),
        dec('[]'),
        dec('{}'),
        ev("return cjson.decode('['..string.rep('[',1100)..string.rep(']',1100)..']')"),
        ev('return tostring(cjson.decode(ARGV[1]))', '1.5e3'),
        ev('return cjson.encode(cjson.decode(ARGV[1]))', '[1.5,-2,1e300,"x",true,false,null,{}]'),
        ev('return cjson.decode(1, 2)'),
        ev('return cjson.decode({})'),
        ev('return cjson.decode()'),
        ev('return cjson.decode(5)'),
        ev('return type(cjson.null)'),
      ]);

      seq('settings: ranges, options, instances, persistence across scripts', [
        ev('return cjson.encode_max_depth()'),
        ev('return cjson.decode_max_depth()'),
        ev('return cjson.encode_number_precision()'),
        ev('return {cjson.encode_sparse_array()}'),
        ev('return cjson.encode_invalid_numbers()'),
        ev('return cjson.decode_invalid_numbers()'),
        ev('return cjson.encode_keep_buffer()'),
        ev('return cjson.encode_number_precision(15)'),
        ev('return cjson.encode_number_precision(0)'),
        ev("return cjson.encode_number_precision('x')"),
        ev('return cjson.encode_number_precision(3, 4)'),
        ev('return {cjson.new().encode_sparse_array(true, 3, 5)}'),
        ev("return cjson.new().encode_sparse_array('on')"),
        ev("return cjson.encode_sparse_array('x')"),
        ev('return cjson.encode_sparse_array(true, -1)'),
        ev("return cjson.new().encode_invalid_numbers('null')"),
        ev("return cjson.encode_invalid_numbers('bogus')"),
        ev('local c = cjson.new() c.encode_invalid_numbers(true) return c.encode({1/0, -1/0, 0/0})'),
        ev("local c = cjson.new() c.encode_invalid_numbers('null') return c.encode({1/0, 0/0})"),
        ev("local c = cjson.new() c.decode_invalid_numbers(false) return {pcall(c.decode, '[0x10]')}"),
        ev("local c = cjson.new() c.decode_invalid_numbers(false) return c.decode('+1')"),
        ev('local c = cjson.new() c.encode_sparse_array(true) return c.encode({[1]=1,[20]=2})'),
        ev('local c = cjson.new() c.encode_sparse_array(false, 0) return c.encode({[1]=1,[20]=2})'),
        ev('local c = cjson.new() c.encode_max_depth(2) return c.encode({{{1}}})'),
        ev("local c = cjson.new() c.decode_max_depth(2) return c.decode('[[[1]]]')"),
        ev('return cjson.encode_max_depth(0)'),
        ev("return cjson.new().encode_keep_buffer('on')"),
        ev('return cjson.encode_keep_buffer(1)'),
        ev('cjson.encode = nil return 1'),
        ev('return cjson.new == cjson.new'),
        ev('cjson.encode_number_precision(5) return cjson.encode(math.pi)'),
        ev('return cjson.encode(math.pi)'),
        ev('cjson.encode_number_precision(14) return cjson.encode(math.pi)'),
        ['SCRIPT', 'FLUSH'],
        ev('return cjson.encode(math.pi)'),
      ]);

      diffCase(pair, `random JSON documents (fast-check seed ${seed})`, async (c) => {
        const docs = fc.sample(json, { numRuns: 150, seed: seed + proto });
        for (const doc of docs) {
          await c.cmd(ev('return cjson.encode(cjson.decode(ARGV[1]))', doc));
          await c.cmd(dec(doc));
        }
        for (const doc of fc.sample(mutated, { numRuns: 150, seed: seed + 10 + proto })) await c.cmd(dec(doc));
      }, { proto });

      diffCase(pair, `random byte strings encoded (fast-check seed ${seed})`, async (c) => {
        const strings = fc.sample(fc.uint8Array({ maxLength: 40 }), { numRuns: 100, seed: seed + 20 + proto });
        for (const s of strings) await c.cmd(['EVAL', 'return cjson.encode({ARGV[1], #ARGV[1]})', '0', Buffer.from(s)]);
      }, { proto });
    });
  }
});
