// FUNCTION DUMP / RESTORE in the engine (src/engine/scripting/function-payload.ts and the
// handlers in src/engine/commands/scripting.ts): the payload codec round-trips any code
// and rejects any corruption; RESTORE is logged as sent and a replica replaying the log
// ends with the same libraries; a failed RESTORE changes nothing and logs nothing.

import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import type { EffectRecord } from '../../../src/engine/effects.js';
import type { Engine } from '../../../src/engine/engine.js';
import { decodeFunctionPayload, encodeFunctionPayload } from '../../../src/engine/scripting/function-payload.js';
import { newEngine, openClient, runCommand, ownedEffectRecord } from '../support/run.js';

function recording(engine: Engine): EffectRecord[] {
  const records: EffectRecord[] = [];
  engine.onEffects = (r) => records.push(ownedEffectRecord(r));
  return records;
}

/** The bulk payload of a FUNCTION DUMP reply. */
function dumpOf(e: Engine, c: number): Buffer {
  const reply = Buffer.from(runCommand(e, c, ['FUNCTION', 'DUMP']), 'latin1');
  const eol = reply.indexOf('\r\n');
  expect(reply[0]).toBe(36);
  return reply.subarray(eol + 2, reply.length - 2);
}

const lib = (name: string, fn: string, body = `return '${name}'`): string =>
  `#!lua name=${name}\nredis.register_function('${fn}', function(keys, args) ${body} end)`;

describe('function payload codec', () => {
  test('decode(encode(codes)) gives the codes back, for any bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 6 }), (arrays) => {
        const codes = arrays.map((a) => Buffer.from(a));
        const decoded = decodeFunctionPayload(encodeFunctionPayload(codes));
        expect(decoded).toEqual(codes);
      }),
    );
  });

  test('any single flipped bit is refused with Redis\'s checksum error', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 80 }), { minLength: 1, maxLength: 3 }), fc.nat(), fc.integer({ min: 0, max: 7 }), (texts, at, bit) => {
        const p = encodeFunctionPayload(texts.map((t) => Buffer.from(t, 'latin1')));
        const i = at % p.length;
        const bad = Buffer.from(p);
        bad[i] = bad[i]! ^ (1 << bit);
        // A flip in the version's high byte makes it > 10; anything else breaks the CRC.
        expect(decodeFunctionPayload(bad)).toBe('DUMP payload version or checksum are wrong');
      }),
    );
  });

  test('short codes use the RDB integer and verbatim encodings, long ones LZF', () => {
    expect(encodeFunctionPayload([Buffer.from('12')]).subarray(0, 3)).toEqual(Buffer.from([245, 0xc0, 12]));
    expect(encodeFunctionPayload([Buffer.from('abc')]).subarray(0, 5)).toEqual(Buffer.from([245, 3, 97, 98, 99]));
    expect(encodeFunctionPayload([Buffer.alloc(100, 97)])[1]).toBe(0xc3);
  });
});

describe('FUNCTION RESTORE in the engine', () => {
  test('RESTORE is logged as sent; a replica replaying the log has the same libraries', () => {
    const e = newEngine();
    const c = openClient(e);
    runCommand(e, c, ['FUNCTION', 'LOAD', lib('a', 'fa')]);
    runCommand(e, c, ['FUNCTION', 'LOAD', lib('b', 'fb', "return redis.call('incr', keys[1])")]);
    const payload = dumpOf(e, c);
    const records = recording(e);
    expect(runCommand(e, c, ['FUNCTION', 'FLUSH'])).toBe('+OK\r\n');
    expect(runCommand(e, c, ['FUNCTION', 'RESTORE', payload])).toBe('+OK\r\n');
    expect(runCommand(e, c, ['FUNCTION', 'RESTORE', payload, 'REPLACE'])).toBe('+OK\r\n');
    expect(runCommand(e, c, ['FCALL', 'fb', '1', 'n'])).toBe(':1\r\n');
    expect(records.map((r) => r.effects.map((x) => x.argv.map((b) => b.toString('latin1')).join(' ')))).toEqual([
      ['FUNCTION FLUSH'],
      [`FUNCTION RESTORE ${payload.toString('latin1')}`],
      [`FUNCTION RESTORE ${payload.toString('latin1')} REPLACE`],
      ['incr n'],
    ]);
    const replica = newEngine();
    const rc = openClient(replica);
    runCommand(replica, rc, ['FUNCTION', 'LOAD', lib('stale', 'old')]);
    for (const r of records) replica.applyEffectRecord(r);
    expect(dumpOf(replica, rc)).toEqual(dumpOf(e, c));
    expect(runCommand(replica, rc, ['FCALL', 'fa', '0'])).toBe('$1\r\na\r\n');
    expect(runCommand(replica, rc, ['GET', 'n'])).toBe('$1\r\n1\r\n');
  });

  test('a failed RESTORE logs nothing and leaves every library working', () => {
    const e = newEngine();
    const c = openClient(e);
    runCommand(e, c, ['FUNCTION', 'LOAD', lib('a', 'fa')]);
    runCommand(e, c, ['FUNCTION', 'LOAD', lib('b', 'fb')]);
    const records = recording(e);
    const clash = encodeFunctionPayload([Buffer.from(lib('a', 'new1')), Buffer.from(lib('c', 'fb'))]);
    expect(runCommand(e, c, ['FUNCTION', 'RESTORE', clash])).toBe('-ERR Library a already exists\r\n');
    expect(runCommand(e, c, ['FUNCTION', 'RESTORE', clash, 'REPLACE'])).toBe('-ERR Function fb already exists\r\n');
    const broken = encodeFunctionPayload([Buffer.from(lib('d', 'fd')), Buffer.from('#!lua name=e\nreturn +')]);
    expect(runCommand(e, c, ['FUNCTION', 'RESTORE', broken, 'FLUSH'])).toMatch(/^-ERR Error compiling function: /);
    expect(records).toEqual([]);
    expect(runCommand(e, c, ['FCALL', 'fa', '0'])).toBe('$1\r\na\r\n');
    expect(runCommand(e, c, ['FCALL', 'fb', '0'])).toBe('$1\r\nb\r\n');
    for (const f of ['new1', 'fd']) expect(runCommand(e, c, ['FCALL', f, '0'])).toBe('-ERR Function not found\r\n');
    expect(runCommand(e, c, ['FUNCTION', 'STATS'])).toBe('*4\r\n$14\r\nrunning_script\r\n$-1\r\n$7\r\nengines\r\n*2\r\n$3\r\nLUA\r\n*4\r\n$15\r\nlibraries_count\r\n:2\r\n$15\r\nfunctions_count\r\n:2\r\n');
  });
});
