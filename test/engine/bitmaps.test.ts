// Bitmap commands (src/engine/commands/bitmaps.ts) through a real in-process Engine:
// what the differential tests cannot show: the effects recorded for the write path
// (a SETBIT that changes nothing is not logged; a BITFIELD whose every op FAILs still
// logs the key it created, since the value exists on the primary), the refusal of a
// bitmap longer than a JS string can hold (Redis would allocate it), and replays of
// random bitmap writes reaching the same bytes.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { EffectRecord } from '../../src/engine/effects.js';
import type { Engine } from '../../src/engine/engine.js';
import { newEngine, openClient, resp, runCommand, ownedEffectRecord } from './support/run.js';

function recording(e: Engine): () => string[] {
  const records: EffectRecord[] = [];
  e.onEffects = (r) => records.push(ownedEffectRecord(r));
  return () => records.map((r) => r.effects.map((x) => x.argv.map((a) => a.toString('latin1')).join(' ')).join(' | '));
}

describe('bitmaps through the engine', () => {
  test('effects: no-op writes are not logged, creations are', () => {
    const e = newEngine();
    const shown = recording(e);
    const c = openClient(e);
    expect(runCommand(e, c, ['SETBIT', 'b', '3', '1'])).toBe(resp.int(0));
    expect(runCommand(e, c, ['SETBIT', 'b', '3', '1'])).toBe(resp.int(1));
    expect(runCommand(e, c, ['SETBIT', 'b', '2', '0'])).toBe(resp.int(0));
    expect(runCommand(e, c, ['BITFIELD', 'f', 'OVERFLOW', 'FAIL', 'INCRBY', 'u8', '0', '300'])).toBe('*1\r\n$-1\r\n');
    expect(runCommand(e, c, ['GET', 'f'])).toBe(resp.bulk('\x00'));
    expect(runCommand(e, c, ['BITFIELD', 'f', 'SET', 'u8', '0', '0'])).toBe('*1\r\n:0\r\n');
    expect(runCommand(e, c, ['BITFIELD', 'f', 'GET', 'u8', '0'])).toBe('*1\r\n:0\r\n');
    expect(runCommand(e, c, ['BITOP', 'NOT', 'n', 'b'])).toBe(resp.int(1));
    expect(runCommand(e, c, ['BITOP', 'AND', 'n', 'missing'])).toBe(resp.int(0));
    expect(runCommand(e, c, ['BITOP', 'AND', 'n', 'missing'])).toBe(resp.int(0));
    expect(shown()).toEqual(['SETBIT b 3 1', 'BITFIELD f OVERFLOW FAIL INCRBY u8 0 300', 'BITOP NOT n b', 'BITOP AND n missing']);
  });

  test('a bitmap past the JS string limit is refused with an error, nothing stored', () => {
    const e = newEngine();
    const c = openClient(e);
    expect(runCommand(e, c, ['SETBIT', 'b', '4294967295', '1'])).toBe(resp.err('ERR string exceeds maximum allowed size (proto-max-bulk-len)'));
    expect(runCommand(e, c, ['BITFIELD', 'b', 'SET', 'u8', '4294967280', '1'])).toBe(resp.err('ERR string exceeds maximum allowed size (proto-max-bulk-len)'));
    expect(runCommand(e, c, ['EXISTS', 'b'])).toBe(resp.int(0));
    expect(runCommand(e, c, ['GETBIT', 'b', '4294967295'])).toBe(resp.int(0));
  });

  test('RESP3: BITFIELD nulls and integers', () => {
    const e = newEngine();
    const c = openClient(e);
    runCommand(e, c, ['HELLO', '3']);
    expect(runCommand(e, c, ['BITFIELD', 'f', 'OVERFLOW', 'FAIL', 'INCRBY', 'i8', '0', '200', 'INCRBY', 'u4', '0', '3'])).toBe('*2\r\n_\r\n:3\r\n');
  });

  test('replaying the recorded effects gives the same bytes (random bitmap writes)', () => {
    const key = fc.constantFrom('a', 'b');
    const cmd = fc.oneof(
      fc.tuple(key, fc.integer({ min: 0, max: 200 }), fc.constantFrom('0', '1')).map(([k, o, b]) => ['SETBIT', k, String(o), b]),
      fc.tuple(fc.constantFrom('AND', 'OR', 'XOR', 'NOT'), key, key, key).map(([op, d, x, y]) => (op === 'NOT' ? ['BITOP', op, d, x] : ['BITOP', op, d, x, y])),
      fc.tuple(key, fc.constantFrom('u8', 'i16', 'u63', 'i64'), fc.integer({ min: 0, max: 100 }), fc.integer({ min: -1000, max: 1000 }), fc.constantFrom('WRAP', 'SAT', 'FAIL')).map(([k, t, o, v, w]) => ['BITFIELD', k, 'OVERFLOW', w, 'INCRBY', t, String(o), String(v)]),
    );
    fc.assert(
      fc.property(fc.array(cmd, { maxLength: 30 }), (cmds) => {
        const a = newEngine();
        const b = newEngine();
        const records: EffectRecord[] = [];
        a.onEffects = (r) => records.push(ownedEffectRecord(r));
        const ca = openClient(a);
        const cb = openClient(b);
        for (const args of cmds) runCommand(a, ca, args);
        for (const r of records) for (const x of r.effects) runCommand(b, cb, x.argv.map((v) => Buffer.from(v)));
        for (const k of ['a', 'b']) expect(runCommand(b, cb, ['GET', k])).toBe(runCommand(a, ca, ['GET', k]));
      }),
      { numRuns: 100 },
    );
  });
});
