// The HyperLogLog structure (src/engine/types/hyperloglog.ts) alone, and PFADD/PFCOUNT/
// PFMERGE through a real in-process Engine. Golden bytes are what Debian's redis-server
// 7.0.15 stored for the same commands (captured with redis-cli GET); the properties
// check the sparse encoding against a plain array of registers and against the dense
// encoding, which must always agree.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { EffectRecord } from '../../src/engine/effects.js';
import { HLL_DENSE, HLL_SPARSE, Hll, hllDenseBytes, hllPatLen, hllRegisterCount, hllSelfTest } from '../../src/engine/types/hyperloglog.js';
import { newEngine, openClient, resp, runCommand, ownedEffectRecord } from './support/run.js';

const header = 'HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80';
const bytes = (s: string): Uint8Array => Buffer.from(s, 'latin1');

/** The registers of an HLL as a plain array. */
function registers(h: Hll): Uint8Array {
  const max = new Uint8Array(hllRegisterCount);
  if (!h.mergeInto(max)) throw new Error('corrupt HLL');
  return max;
}

describe('Hll structure', () => {
  test('golden: PFADD h a, PFADD h2 hello world foo bar baz (redis-server 7.0.15 bytes)', () => {
    const h = Hll.create();
    expect(h.toString()).toBe('HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff');
    expect(h.add(bytes('a'), 3000)).toBe(1);
    h.invalidateCache();
    expect(h.toString()).toBe(header + 'q\xa6\x84NW');
    expect(hllPatLen(bytes('a'))).toEqual([12711, 2]);
    const h2 = Hll.create();
    for (const e of ['hello', 'world', 'foo', 'bar', 'baz']) h2.add(bytes(e), 3000);
    h2.invalidateCache();
    expect(h2.toString()).toBe(header + 'J\xb5\x88N\xe6\x8cC\x14\x90GJ\x80C\x15\x80X\xe7');
    expect(h2.count()).toBe(5);
  });

  test('sparse and dense agree with a plain register array (random register sets)', () => {
    const op = fc.tuple(fc.integer({ min: 0, max: hllRegisterCount - 1 }), fc.integer({ min: 1, max: 51 }));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), fc.constantFrom(3000, 200, 1_000_000), (ops, maxBytes) => {
        const sparse = Hll.create();
        const dense = Hll.create();
        expect(dense.toDense()).toBe(true);
        const model = new Uint8Array(hllRegisterCount);
        const problems: string[] = [];
        for (const [i, c] of ops) {
          const changed = c > model[i]! ? 1 : 0;
          if (changed) model[i] = c;
          if (sparse.set(i, c, maxBytes) !== changed) problems.push(`sparse set ${i} ${c}`);
          if (dense.set(i, c, maxBytes) !== changed) problems.push(`dense set ${i} ${c}`);
          // A sparse HLL stays within its byte limit (else it went dense).
          if (sparse.encoding === HLL_SPARSE ? sparse.len > Math.max(maxBytes, 18) : sparse.len !== hllDenseBytes) problems.push(`length ${sparse.len}`);
        }
        expect(problems).toEqual([]);
        // Buffer.equals: a deep toEqual of 16384 registers is slow.
        expect(Buffer.from(registers(sparse)).equals(Buffer.from(model))).toBe(true);
        expect(Buffer.from(registers(dense)).equals(Buffer.from(model))).toBe(true);
        expect(sparse.count()).toBe(dense.count());
        expect(dense.encoding).toBe(HLL_DENSE);
      }),
      { numRuns: 150 },
    );
  });

  test('a register above 32 promotes to dense; 2000 distinct elements count as 2000 (as redis)', () => {
    const h = Hll.create();
    expect(h.set(5, 33, 3000)).toBe(1);
    expect(h.encoding).toBe(HLL_DENSE);
    expect(h.len).toBe(hllDenseBytes);
    const d = Hll.create();
    for (let i = 1; i <= 2000; i++) d.add(bytes(`e${i}`), 3000);
    expect(d.encoding).toBe(HLL_DENSE);
    expect(d.count()).toBe(2000);
  });

  test('corrupt sparse bodies are reported, never accepted', () => {
    const short = Hll.fromString(header + '\x40\x63'); // covers 100 registers
    expect(short.count()).toBeNull();
    expect(short.mergeInto(new Uint8Array(hllRegisterCount))).toBe(false);
    expect(short.toDense()).toBe(false);
    expect(short.add(bytes('a'), 3000)).toBe(-1);
    const long = Hll.fromString(header + '\x7f\xff\x80'); // 16385 registers
    expect(long.count()).toBeNull();
    expect(long.mergeInto(new Uint8Array(hllRegisterCount))).toBe(false);
  });

  test('the self-test (PFSELFTEST) passes', () => {
    let x = 7;
    const random = (): number => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32);
    expect(hllSelfTest(random, 10_000)).toBeNull();
  });

  test('the estimator: empty is 0, the cache round-trips', () => {
    const h = Hll.create();
    expect(h.count()).toBe(0);
    h.setCachedCard(123456789012);
    expect(h.cacheValid()).toBe(true);
    expect(h.cachedCard()).toBe(123456789012);
    h.invalidateCache();
    expect(h.cacheValid()).toBe(false);
  });
});

describe('PF* commands through the engine', () => {
  test('replies, stored bytes, raw encoding, TTL kept', () => {
    const e = newEngine();
    const c = openClient(e);
    expect(runCommand(e, c, ['PFADD', 'h', 'a'])).toBe(resp.int(1));
    expect(runCommand(e, c, ['PFADD', 'h', 'a'])).toBe(resp.int(0));
    expect(runCommand(e, c, ['GET', 'h'])).toBe(resp.bulk(header + 'q\xa6\x84NW'));
    expect(runCommand(e, c, ['PFCOUNT', 'h'])).toBe(resp.int(1));
    // The cache is now written into the value, valid (top bit clear).
    expect(runCommand(e, c, ['GET', 'h'])).toBe(resp.bulk('HYLL\x01\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00q\xa6\x84NW'));
    expect(runCommand(e, c, ['OBJECT', 'ENCODING', 'h'])).toBe(resp.bulk('raw'));
    expect(runCommand(e, c, ['PEXPIREAT', 'h', '4102444800000'])).toBe(resp.int(1));
    expect(runCommand(e, c, ['PFADD', 'h', 'b'])).toBe(resp.int(1));
    expect(runCommand(e, c, ['PEXPIRETIME', 'h'])).toBe(resp.int(4102444800000));
    expect(runCommand(e, c, ['SET', 's', 'x'])).toBe(resp.ok);
    expect(runCommand(e, c, ['PFADD', 's', 'a'])).toBe(resp.err('WRONGTYPE Key is not a valid HyperLogLog string value.'));
    expect(runCommand(e, c, ['RPUSH', 'l', 'x'])).toBe(resp.int(1));
    expect(runCommand(e, c, ['PFCOUNT', 'l'])).toBe(resp.err('WRONGTYPE Operation against a key holding the wrong kind of value'));
  });

  test('effects: PFADD that changes nothing is not logged; PFCOUNT that writes its cache is', () => {
    const e = newEngine();
    const records: EffectRecord[] = [];
    e.onEffects = (r) => records.push(ownedEffectRecord(r));
    const c = openClient(e);
    const show = (): string[] => records.map((r) => r.effects.map((x) => x.argv.map((a) => a.toString('latin1')).join(' ')).join(' | '));
    runCommand(e, c, ['PFADD', 'h', 'a']);
    runCommand(e, c, ['PFADD', 'h', 'a']);
    runCommand(e, c, ['PFCOUNT', 'h']);
    runCommand(e, c, ['PFCOUNT', 'h']);
    runCommand(e, c, ['PFMERGE', 'm', 'h', 'nokey']);
    expect(show()).toEqual(['PFADD h a', 'PFCOUNT h', 'PFMERGE m h nokey']);
  });
});
