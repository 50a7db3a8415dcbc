// Engine-level tests of scripting (src/engine/commands/scripting.ts, src/engine/scripting/):
// the effect record a script produces (one record, the commands it ran, replayable to the
// same keyspace), atomicity seen by WATCH, the script client's database and blocking
// rules, binary safety, and the number formatting of redis.call arguments.

import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import type { EffectRecord } from '../../src/engine/effects.js';
import { keyspaceDigest } from '../../src/engine/digest.js';
import { formatG17 } from '../../src/engine/scripting/lua-vm.js';
import { newEngine, openClient, runCommand, ownedEffectRecord } from './support/run.js';
import type { Engine } from '../../src/engine/engine.js';

function recording(engine: Engine): EffectRecord[] {
  const records: EffectRecord[] = [];
  engine.onEffects = (r) => records.push(ownedEffectRecord(r));
  return records;
}

const show = (r: EffectRecord): string[] => r.effects.map((e) => `${e.dbIndex}:${e.argv.map((b) => b.toString('latin1')).join(' ')}`);

describe('scripting effects', () => {
  test('a script that writes yields one record with the commands it ran, not the script', () => {
    const e = newEngine();
    const c = openClient(e);
    const records = recording(e);
    expect(runCommand(e, c, ['EVAL', "redis.call('set', KEYS[1], ARGV[1]); redis.call('incr', 'n'); redis.call('get', 'n'); return redis.call('rpush', 'l', 'a', 'b')", '1', 'k', 'v'])).toBe(':2\r\n');
    expect(records.length).toBe(1);
    expect(show(records[0]!)).toEqual(['0:set k v', '0:incr n', '0:rpush l a b']);
  });

  test('a read-only script and a failing script before any write produce no record', () => {
    const e = newEngine();
    const c = openClient(e);
    const records = recording(e);
    runCommand(e, c, ['EVAL', "return redis.call('get', 'x')", '0']);
    runCommand(e, c, ['EVAL', "error('nope')", '0']);
    runCommand(e, c, ['EVAL_RO', "return redis.call('set', 'a', 'b')", '0']);
    expect(records).toEqual([]);
    expect(runCommand(e, c, ['EXISTS', 'a'])).toBe(':0\r\n');
  });

  test('writes made before a script error stay and are logged (Redis does not roll back)', () => {
    const e = newEngine();
    const c = openClient(e);
    const records = recording(e);
    const reply = runCommand(e, c, ['EVAL', "redis.call('set', 'a', '1'); redis.call('incr', 'notanint_src'); redis.call('set', 'b', 'x'); redis.call('incr', 'b')", '0']);
    expect(reply.startsWith('-ERR value is not an integer or out of range script: ')).toBe(true);
    expect(show(records[0]!)).toEqual(['0:set a 1', '0:incr notanint_src', '0:set b x']);
  });

  test('SELECT inside a script logs in the selected db and leaves the caller in its own', () => {
    const e = newEngine();
    const c = openClient(e);
    const records = recording(e);
    expect(runCommand(e, c, ['EVAL', "redis.call('select', 2); redis.call('set', 'k', 'v'); return 1", '0'])).toBe(':1\r\n');
    expect(show(records[0]!)).toEqual(['2:set k v']);
    expect(runCommand(e, c, ['GET', 'k'])).toBe('$-1\r\n');
    runCommand(e, c, ['SELECT', '2']);
    expect(runCommand(e, c, ['GET', 'k'])).toBe('$1\r\nv\r\n');
  });

  test('replaying random scripts\' records reaches the same keyspace (digest)', () => {
    const op = fc.oneof(
      fc.tuple(fc.constant('set'), fc.constantFrom('a', 'b', 'c'), fc.integer({ min: -5, max: 5 })),
      fc.tuple(fc.constant('incrby'), fc.constantFrom('a', 'b', 'n'), fc.integer({ min: -5, max: 5 })),
      fc.tuple(fc.constant('rpush'), fc.constantFrom('l', 'm', 'a'), fc.integer({ min: 0, max: 9 })),
      fc.tuple(fc.constant('lpop'), fc.constantFrom('l', 'm'), fc.constant(0)),
      fc.tuple(fc.constant('del'), fc.constantFrom('a', 'l', 'n'), fc.constant(0)),
    );
    fc.assert(
      fc.property(fc.array(fc.array(op, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 8 }), fc.boolean(), (scripts, usePcall) => {
        const primary = newEngine();
        const c = openClient(primary);
        const records = recording(primary);
        for (const ops of scripts) {
          const fn = usePcall ? 'redis.pcall' : 'redis.call';
          const body = ops.map(([cmd, key, n]) => (cmd === 'lpop' || cmd === 'del' ? `${fn}('${cmd}', '${key}')` : `${fn}('${cmd}', '${key}', ${n})`)).join('; ');
          runCommand(primary, c, ['EVAL', body, '0']);
        }
        const replica = newEngine();
        for (const r of records) replica.applyEffectRecord(r);
        expect(records.length).toBeLessThanOrEqual(scripts.length);
        expect(keyspaceDigest(replica.keyspace)).toBe(keyspaceDigest(primary.keyspace));
      }),
      { numRuns: 60 },
    );
  });
});

describe('scripting semantics', () => {
  test('a script that touches a watched key fails the watcher\'s EXEC', () => {
    const e = newEngine();
    const a = openClient(e);
    const b = openClient(e);
    runCommand(e, a, ['WATCH', 'k']);
    runCommand(e, a, ['MULTI']);
    runCommand(e, a, ['GET', 'k']);
    runCommand(e, b, ['EVAL', "return redis.call('set', 'k', 'x')", '0']);
    expect(runCommand(e, a, ['EXEC'])).toBe('*-1\r\n');
  });

  test('EVAL inside MULTI is queued and runs in EXEC as one record', () => {
    const e = newEngine();
    const c = openClient(e);
    const records = recording(e);
    runCommand(e, c, ['MULTI']);
    expect(runCommand(e, c, ['EVAL', "return redis.call('incr', 'n')", '0'])).toBe('+QUEUED\r\n');
    runCommand(e, c, ['SET', 'k', 'v']);
    expect(runCommand(e, c, ['EXEC'])).toBe('*2\r\n:1\r\n+OK\r\n');
    expect(records.length).toBe(1);
    expect(show(records[0]!)).toEqual(['0:incr n', '0:SET k v']);
  });

  test('values are binary safe both ways', () => {
    const e = newEngine();
    const c = openClient(e);
    const bin = Buffer.from([0, 1, 0xff, 0x80, 13, 10, 0xe9]);
    runCommand(e, c, ['EVAL', "return redis.call('set', KEYS[1], ARGV[1])", '1', 'bin', bin]);
    expect(runCommand(e, c, ['GET', 'bin'])).toBe(`$7\r\n${bin.toString('latin1')}\r\n`);
    expect(runCommand(e, c, ['EVAL', "return redis.call('get', 'bin')", '0'])).toBe(`$7\r\n${bin.toString('latin1')}\r\n`);
    expect(runCommand(e, c, ['EVAL', "return string.len(redis.call('get', 'bin'))", '0'])).toBe(':7\r\n');
  });

  test('blocking commands, MULTI and EVAL are refused inside a script (noscript)', () => {
    const e = newEngine();
    const c = openClient(e);
    for (const call of ["redis.call('blpop', 'l', 0)", "redis.call('multi')", "redis.call('eval', 'return 1', 0)"]) {
      expect(runCommand(e, c, ['EVAL', call, '0'])).toMatch(/^-ERR This Redis command is not allowed from script script: [0-9a-f]{40}, on @user_script:1\.\r\n$/);
    }
  });

  test('RESP3 caller: nil and false become RESP3 null, tables stay arrays', () => {
    const e = newEngine();
    const c = openClient(e);
    runCommand(e, c, ['HELLO', '3']);
    expect(runCommand(e, c, ['EVAL', 'return {1, false, "x", nil, 2}', '0'])).toBe('*3\r\n:1\r\n_\r\n$1\r\nx\r\n');
    expect(runCommand(e, c, ['EVAL', 'return false', '0'])).toBe('_\r\n');
    expect(runCommand(e, c, ['EVAL', "return redis.call('get', 'nokey')", '0'])).toBe('_\r\n');
  });

  test('a cyclic table is refused instead of recursing forever', () => {
    const e = newEngine();
    const c = openClient(e);
    const reply = runCommand(e, c, ['EVAL', 'local t = {} t[1] = t return t', '0']);
    expect(reply).toContain('-ERR reached lua stack limit');
  });

  test('SCRIPT FLUSH empties the cache; EVAL caches its script', () => {
    const e = newEngine();
    const c = openClient(e);
    runCommand(e, c, ['EVAL', 'return 1', '0']);
    expect(runCommand(e, c, ['EVALSHA', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db', '0'])).toBe(':1\r\n');
    expect(runCommand(e, c, ['SCRIPT', 'FLUSH'])).toBe('+OK\r\n');
    expect(runCommand(e, c, ['EVALSHA', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db', '0'])).toBe('-NOSCRIPT No matching script. Please use EVAL.\r\n');
  });
});

describe('formatG17 (redis.call number arguments, C %.17g)', () => {
  test.each([
    [3, '3'],
    [-3, '-3'],
    [1.5, '1.5'],
    [0.1, '0.10000000000000001'],
    [1e20, '1e+20'],
    [123456789012345680000, '1.2345678901234568e+20'],
    [0.0001, '0.0001'],
    [0.00001, '1.0000000000000001e-05'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
  ])('%s -> %s', (n, s) => {
    expect(formatG17(n)).toBe(s);
  });
});

describe('functions', () => {
  const lib = "#!lua name=counters\nredis.register_function('bump', function(keys, args) redis.call('incrby', keys[1], args[1]); return redis.call('get', keys[1]) end)\nredis.register_function{function_name='peek', callback=function(keys) return redis.call('get', keys[1]) end, flags={'no-writes'}}";

  test('FUNCTION LOAD is logged as sent and FCALL as the commands it ran; replay gives the same keyspace and functions', () => {
    const e = newEngine();
    const c = openClient(e);
    const records = recording(e);
    expect(runCommand(e, c, ['FUNCTION', 'LOAD', lib])).toBe('$8\r\ncounters\r\n');
    expect(runCommand(e, c, ['FCALL', 'bump', '1', 'n', '5'])).toBe('$1\r\n5\r\n');
    expect(runCommand(e, c, ['FCALL_RO', 'peek', '1', 'n'])).toBe('$1\r\n5\r\n');
    expect(records.map(show)).toEqual([[`0:FUNCTION LOAD ${lib}`], ['0:incrby n 5']]);
    const replica = newEngine();
    for (const r of records) replica.applyEffectRecord(r);
    expect(keyspaceDigest(replica.keyspace)).toBe(keyspaceDigest(e.keyspace));
    const rc = openClient(replica);
    expect(runCommand(replica, rc, ['FCALL_RO', 'peek', '1', 'n'])).toBe('$1\r\n5\r\n');
  });

  test('a no-writes function cannot write; SCRIPT FLUSH leaves functions alone', () => {
    const e = newEngine();
    const c = openClient(e);
    runCommand(e, c, ['FUNCTION', 'LOAD', "#!lua name=ro\nredis.register_function{function_name='w', callback=function() return redis.call('set', 'x', 1) end, flags={'no-writes'}}"]);
    expect(runCommand(e, c, ['FCALL', 'w', '0'])).toBe('-ERR Write commands are not allowed from read-only scripts. script: w, on @user_function:2.\r\n');
    runCommand(e, c, ['SCRIPT', 'FLUSH']);
    expect(runCommand(e, c, ['FCALL', 'w', '0'])).toMatch(/^-ERR Write commands/);
    expect(runCommand(e, c, ['FUNCTION', 'FLUSH'])).toBe('+OK\r\n');
    expect(runCommand(e, c, ['FCALL', 'w', '0'])).toBe('-ERR Function not found\r\n');
  });

  test('a failed load registers nothing and leaves the old library in place', () => {
    const e = newEngine();
    const c = openClient(e);
    runCommand(e, c, ['FUNCTION', 'LOAD', lib]);
    const bad = "#!lua name=counters\nredis.register_function('bump', function() return 0 end)\nredis.register_function('other', 5)";
    expect(runCommand(e, c, ['FUNCTION', 'LOAD', 'REPLACE', bad])).toBe('-ERR Error registering functions: ERR second argument to redis.register_function must be a function\r\n');
    expect(runCommand(e, c, ['FCALL', 'bump', '1', 'n', '2'])).toBe('$1\r\n2\r\n');
    expect(runCommand(e, c, ['FCALL', 'other', '0'])).toBe('-ERR Function not found\r\n');
  });
});
