// The write path's effect records (src/engine/effects.ts, Engine.onEffects and
// Engine.applyEffectRecord) and the keyspace digest (src/engine/digest.ts).
//
// The central property: random command sequences on engine A (strings, keys, expiry,
// MULTI/EXEC, several databases, time passing, active expiry), with every effect record
// A emits encoded, decoded and applied to an empty engine B, leave B with A's digest.
// Its canary: dropping an effect record makes the digests differ.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { keyspaceDigest } from '../../src/engine/digest.js';
import { decodeEffectRecord, type EffectRecord, encodeEffectRecord } from '../../src/engine/effects.js';
import type { Engine } from '../../src/engine/engine.js';
import { FakeClock, newEngine, openClient, resp, runCommand, runTick, seededRandom, ownedEffectRecord } from './support/run.js';

function recording(engine: Engine): EffectRecord[] {
  const records: EffectRecord[] = [];
  engine.onEffects = (r) => records.push(ownedEffectRecord(r));
  return records;
}

/** A record as plain text, e.g. '0:SET k v | 0:DEL x'. */
function show(r: EffectRecord): string {
  return r.effects.map((e) => `${e.dbIndex}:${e.argv.map((a) => a.toString('latin1')).join(' ')}`).join(' | ');
}

describe('effect record encoding', () => {
  test('golden bytes of format version 1', () => {
    const record: EffectRecord = { nowMs: 1000, effects: [{ dbIndex: 3, argv: [Buffer.from('SET'), Buffer.from('k'), Buffer.from('v')] }] };
    const hex = encodeEffectRecord(record).toString('hex');
    expect(hex).toBe(
      '01000000' + // version 1, reserved
        '01000000' + // effectCount 1
        '0000000000408f40' + // nowMs 1000 as f64 LE
        '03' + // dbIndex 3
        '03000000' + // argc 3
        '03000000' + Buffer.from('SET').toString('hex') +
        '01000000' + Buffer.from('k').toString('hex') +
        '01000000' + Buffer.from('v').toString('hex'),
    );
  });

  test('round trip of arbitrary records', () => {
    const arg = fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a));
    const effect = fc.record({ dbIndex: fc.integer({ min: 0, max: 15 }), argv: fc.array(arg, { minLength: 1, maxLength: 6 }) });
    const record = fc.record({ nowMs: fc.integer({ min: 0, max: 2 ** 50 }), effects: fc.array(effect, { minLength: 1, maxLength: 8 }) });
    fc.assert(
      fc.property(record, (r) => {
        const decoded = decodeEffectRecord(encodeEffectRecord(r));
        expect(decoded.nowMs).toBe(r.nowMs);
        expect(decoded.effects.map((e) => [e.dbIndex, e.argv.map((a) => a.toString('hex'))])).toEqual(r.effects.map((e) => [e.dbIndex, e.argv.map((a) => a.toString('hex'))]));
      }),
      { numRuns: 200 },
    );
  });

  test('truncated or padded records are refused', () => {
    const buf = encodeEffectRecord({ nowMs: 1, effects: [{ dbIndex: 0, argv: [Buffer.from('DEL'), Buffer.from('key')] }] });
    expect(() => decodeEffectRecord(buf.subarray(0, buf.length - 1))).toThrow(/truncated/);
    expect(() => decodeEffectRecord(Buffer.concat([buf, Buffer.of(0)]))).toThrow(/trailing/);
    const badVersion = Buffer.from(buf);
    badVersion[0] = 2;
    expect(() => decodeEffectRecord(badVersion)).toThrow(/format/);
  });
});

describe('what the engine records', () => {
  test('a write is recorded as sent, with its database; reads and failed writes are not', () => {
    const e = newEngine();
    const records = recording(e);
    const c = openClient(e);
    runCommand(e, c, ['SET', 'k', 'v']);
    runCommand(e, c, ['GET', 'k']);
    runCommand(e, c, ['INCR', 'k']); // error: not an integer
    runCommand(e, c, ['SELECT', '4']);
    runCommand(e, c, ['set', 'k2', 'x']);
    runCommand(e, c, ['SETNX', 'k2', 'y']); // no change
    expect(records.map(show)).toEqual(['0:SET k v', '4:set k2 x']);
  });

  test('a relative TTL is recorded as an absolute one (the handler propagates it)', () => {
    const clock = new FakeClock(5_000);
    const e = newEngine({ clock: clock.now });
    const records = recording(e);
    const c = openClient(e);
    runCommand(e, c, ['SET', 'k', 'v', 'EX', '10']);
    expect(records.map(show)).toEqual(['0:SET k v PXAT 15000']);
    expect(records[0]!.nowMs).toBe(5_000);
  });

  test('MULTI/EXEC is one record holding every effect, in order, with each database', () => {
    const e = newEngine();
    const records = recording(e);
    const c = openClient(e);
    runCommand(e, c, ['MULTI']);
    runCommand(e, c, ['SET', 'a', '1']);
    runCommand(e, c, ['GET', 'a']);
    runCommand(e, c, ['SELECT', '2']);
    runCommand(e, c, ['INCR', 'n']);
    expect(records).toEqual([]);
    runCommand(e, c, ['EXEC']);
    expect(records.map(show)).toEqual(['0:SET a 1 | 2:INCR n']);
  });

  test('aborted and discarded transactions record nothing', () => {
    const e = newEngine();
    const records = recording(e);
    const c = openClient(e);
    runCommand(e, c, ['MULTI']);
    runCommand(e, c, ['SET', 'a', '1']);
    runCommand(e, c, ['DISCARD']);
    runCommand(e, c, ['MULTI']);
    runCommand(e, c, ['SET', 'a', '1']);
    runCommand(e, c, ['GET']);
    runCommand(e, c, ['EXEC']);
    expect(records).toEqual([]);
  });

  test('a lazily expired key is recorded as a DEL before the command that found it', () => {
    const clock = new FakeClock(0);
    const e = newEngine({ clock: clock.now });
    const records = recording(e);
    const c = openClient(e);
    runCommand(e, c, ['SET', 'k', 'v', 'PXAT', '100']);
    clock.advance(200);
    expect(runCommand(e, c, ['GET', 'k'])).toBe(resp.nil);
    runCommand(e, c, ['SET', 'j', 'w', 'PXAT', '250']);
    clock.advance(100);
    runCommand(e, c, ['APPEND', 'j', 'x']);
    expect(records.map(show)).toEqual(['0:SET k v PXAT 100', '0:DEL k', '0:SET j w PXAT 250', '0:DEL j | 0:APPEND j x']);
  });

  test('active expiry records DELs', () => {
    const clock = new FakeClock(0);
    const e = newEngine({ clock: clock.now });
    const records = recording(e);
    const c = openClient(e);
    runCommand(e, c, ['SELECT', '7']);
    runCommand(e, c, ['SET', 'k', 'v', 'PXAT', '50']);
    clock.advance(1000);
    runTick(e);
    expect(records.map(show)).toEqual(['7:SET k v PXAT 50', '7:DEL k']);
  });

  test('nothing is copied or recorded when nobody listens', () => {
    const e = newEngine();
    const c = openClient(e);
    expect(runCommand(e, c, ['SET', 'k', 'v'])).toBe(resp.ok);
    expect(e.onEffects).toBeUndefined();
  });
});

describe('replay', () => {
  test('applyEffectRecord replays without replies or new effects', () => {
    const a = newEngine();
    const records = recording(a);
    const c = openClient(a);
    runCommand(a, c, ['SET', 'k', 'v']);
    runCommand(a, c, ['SELECT', '3']);
    runCommand(a, c, ['INCRBY', 'n', '5']);
    const b = newEngine();
    const replayed = recording(b);
    for (const r of records) b.applyEffectRecord(decodeEffectRecord(encodeEffectRecord(r)));
    expect(replayed).toEqual([]);
    expect(keyspaceDigest(b.keyspace)).toBe(keyspaceDigest(a.keyspace));
    const cb = openClient(b);
    runCommand(b, cb, ['SELECT', '3']);
    expect(runCommand(b, cb, ['GET', 'n'])).toBe(resp.bulk('5'));
  });

  test('the digest is order-independent and sees values, types, databases and TTLs', () => {
    const x = newEngine();
    const y = newEngine();
    const cx = openClient(x);
    const cy = openClient(y);
    runCommand(x, cx, ['SET', 'a', '1']);
    runCommand(x, cx, ['SET', 'b', '2']);
    runCommand(y, cy, ['SET', 'b', '2']);
    runCommand(y, cy, ['SET', 'a', '1']);
    expect(keyspaceDigest(x.keyspace)).toBe(keyspaceDigest(y.keyspace));
    expect(keyspaceDigest(newEngine().keyspace)).toBe('0'.repeat(40));
    const base = keyspaceDigest(x.keyspace);
    runCommand(x, cx, ['SET', 'a', '1', 'PXAT', '99999999999999']);
    const withTtl = keyspaceDigest(x.keyspace);
    expect(withTtl).not.toBe(base);
    runCommand(x, cx, ['SET', 'a', '1']);
    expect(keyspaceDigest(x.keyspace)).toBe(base);
    runCommand(x, cx, ['SELECT', '1']);
    runCommand(x, cx, ['SET', 'a', '1']);
    expect(keyspaceDigest(x.keyspace)).not.toBe(base);
  });

  test('canary: dropping one effect in the middle changes the digest', () => {
    const a = newEngine();
    const records = recording(a);
    const c = openClient(a);
    for (let i = 0; i < 5; i++) runCommand(a, c, ['INCR', 'n']);
    const full = newEngine();
    const dropped = newEngine();
    records.forEach((r) => full.applyEffectRecord(r));
    records.forEach((r, i) => i !== 2 && dropped.applyEffectRecord(r));
    expect(keyspaceDigest(full.keyspace)).toBe(keyspaceDigest(a.keyspace));
    expect(keyspaceDigest(dropped.keyspace)).not.toBe(keyspaceDigest(a.keyspace));
  });
});

// --- The property -------------------------------------------------------------------

type Step =
  | { kind: 'cmd'; client: number; argv: string[] }
  | { kind: 'multi'; client: number; argv: string[][]; discard: boolean }
  | { kind: 'advance'; ms: number }
  | { kind: 'tick' };

const key = fc.constantFrom('k0', 'k1', 'k2', 'k3', 'n0', 'n1');
const value = fc.constantFrom('', 'a', 'xyz', '7', '-3', '1.5', 'hello world', '\x00\xff');
const int = fc.integer({ min: -20, max: 20 }).map(String);
const ttlMs = fc.integer({ min: 1, max: 400 });

function commandArb(nowMs: () => number): fc.Arbitrary<string[]> {
  // Some generators yield readonly tuples; every command is used as a plain argv.
  return (fc.oneof as (...a: unknown[]) => fc.Arbitrary<string[]>)(
    fc.tuple(key, value).map(([k, v]) => ['SET', k, v]),
    fc.tuple(key, value, ttlMs).map(([k, v, t]) => ['SET', k, v, 'PX', String(t)]),
    fc.tuple(key, value, fc.integer({ min: 1, max: 2 })).map(([k, v, t]) => ['SET', k, v, 'EX', String(t)]),
    fc.tuple(key, value, ttlMs).map(([k, v, t]) => ['SET', k, v, 'PXAT', String(nowMs() + t)]),
    fc.tuple(key, value, fc.constantFrom('NX', 'XX', 'KEEPTTL', 'GET')).map(([k, v, o]) => ['SET', k, v, o]),
    fc.tuple(key, value, ttlMs).map(([k, v, t]) => ['PSETEX', k, String(t), v]),
    fc.tuple(key, value).map(([k, v]) => ['SETNX', k, v]),
    fc.tuple(key, value).map(([k, v]) => ['GETSET', k, v]),
    key.map((k) => ['GET', k]),
    key.map((k) => ['GETDEL', k]),
    fc.tuple(key, ttlMs).map(([k, t]) => ['GETEX', k, 'PX', String(t)]),
    key.map((k) => ['GETEX', k, 'PERSIST']),
    fc.tuple(key, value).map(([k, v]) => ['APPEND', k, v]),
    fc.tuple(key, fc.integer({ min: 0, max: 6 }), value).map(([k, o, v]) => ['SETRANGE', k, String(o), v]),
    key.map((k) => ['INCR', k]),
    key.map((k) => ['DECR', k]),
    fc.tuple(key, int).map(([k, n]) => ['INCRBY', k, n]),
    fc.tuple(key, fc.constantFrom('0.5', '-1.25', '3', '1e2')).map(([k, f]) => ['INCRBYFLOAT', k, f]),
    fc.tuple(key, value, key, value).map(([k1, v1, k2, v2]) => ['MSET', k1, v1, k2, v2]),
    fc.tuple(key, value, key, value).map(([k1, v1, k2, v2]) => ['MSETNX', k1, v1, k2, v2]),
    fc.tuple(key, key).map(([k1, k2]) => ['MGET', k1, k2]),
    key.map((k) => ['STRLEN', k]),
    fc.tuple(key, key).map(([k1, k2]) => ['DEL', k1, k2]),
    fc.tuple(key, ttlMs).map(([k, t]) => ['PEXPIRE', k, String(t)]),
    fc.tuple(key, fc.integer({ min: 1, max: 2 })).map(([k, t]) => ['EXPIRE', k, String(t)]),
    key.map((k) => ['PERSIST', k]),
    fc.tuple(key, ttlMs).map(([k, t]) => ['PEXPIREAT', k, String(nowMs() + t)]),
    fc.tuple(key, fc.integer({ min: -1, max: 2 })).map(([k, t]) => ['EXPIREAT', k, String(Math.floor(nowMs() / 1000) + t)]),
    fc.tuple(key, ttlMs, fc.constantFrom('NX', 'XX', 'GT', 'LT')).map(([k, t, o]) => ['PEXPIRE', k, String(t), o]),
    fc.tuple(key, key).map(([k1, k2]) => ['UNLINK', k1, k2]),
    fc.tuple(key, key).map(([k1, k2]) => ['RENAME', k1, k2]),
    fc.tuple(key, key).map(([k1, k2]) => ['RENAMENX', k1, k2]),
    fc.tuple(key, key, fc.constantFrom([], ['REPLACE'], ['DB', '5'], ['DB', '1', 'REPLACE'])).map(([k1, k2, o]) => ['COPY', k1, k2, ...o]),
    fc.tuple(key, fc.constantFrom('0', '1', '5')).map(([k, d]) => ['MOVE', k, d]),
    fc.constantFrom(['SWAPDB', '0', '1'], ['SWAPDB', '1', '5'], ['FLUSHDB'], ['TOUCH', 'k0', 'k1'], ['RANDOMKEY'], ['EXISTS', 'k0', 'k1']),
    fc.constantFrom(['SELECT', '0'], ['SELECT', '1'], ['SELECT', '5']),
    // Hashes and sets (issue 6): HINCRBYFLOAT is logged as HSET, SPOP as its SREMs or DEL.
    fc.tuple(key, value, value).map(([k, f, v]) => ['HSET', k, f, v]),
    fc.tuple(key, value, value).map(([k, f, v]) => ['HSETNX', k, f, v]),
    fc.tuple(key, value, value).map(([k, f, v]) => ['HDEL', k, f, v]),
    fc.tuple(key, value, int).map(([k, f, n]) => ['HINCRBY', k, f, n]),
    fc.tuple(key, value, fc.constantFrom('0.1', '-1.5', '3', '1e2')).map(([k, f, n]) => ['HINCRBYFLOAT', k, f, n]),
    fc.tuple(key, fc.array(value, { minLength: 1, maxLength: 3 })).map(([k, ms]) => ['SADD', k, ...ms]),
    fc.tuple(key, value).map(([k, m]) => ['SREM', k, m]),
    fc.tuple(key, fc.constantFrom([], ['1'], ['2'], ['5'])).map(([k, n]) => ['SPOP', k, ...n]),
    fc.tuple(key, key, value).map(([a, b, m]) => ['SMOVE', a, b, m]),
    fc.tuple(key, key, key).map(([d, a, b]) => ['SINTERSTORE', d, a, b]),
    fc.tuple(key, key, key).map(([d, a, b]) => ['SUNIONSTORE', d, a, b]),
    fc.tuple(key, key, key).map(([d, a, b]) => ['SDIFFSTORE', d, a, b]),
    // Lists (issue 6): blocking pops are logged as the pops they did, when they did them.
    fc.tuple(fc.constantFrom('LPUSH', 'RPUSH', 'RPUSHX'), key, fc.array(value, { minLength: 1, maxLength: 3 })).map(([c, k, vs]) => [c, k, ...vs]),
    fc.tuple(fc.constantFrom('LPOP', 'RPOP'), key, fc.constantFrom([], ['2'])).map(([c, k, n]) => [c, k, ...n]),
    fc.tuple(key, key, fc.constantFrom('LEFT', 'RIGHT')).map(([a, b, w]) => ['LMOVE', a, b, w, 'LEFT']),
    fc.tuple(key, int, value).map(([k, n, v]) => ['LREM', k, n, v]),
    fc.tuple(key, value, value).map(([k, p, v]) => ['LINSERT', k, 'BEFORE', p, v]),
    fc.tuple(key, int, int).map(([k, a, b]) => ['LTRIM', k, a, b]),
    fc.tuple(key, int, value).map(([k, i, v]) => ['LSET', k, i, v]),
    fc.tuple(key, key).map(([a, b]) => ['LMPOP', '2', a, b, 'RIGHT', 'COUNT', '2']),
    fc.tuple(fc.constantFrom('BLPOP', 'BRPOP'), key, key).map(([c, a, b]) => [c, a, b, '0.2']),
    fc.tuple(key, key).map(([a, b]) => ['BLMOVE', a, b, 'LEFT', 'RIGHT', '0.1']),
    fc.tuple(key).map(([k]) => ['BLMPOP', '0.3', '1', k, 'LEFT', 'COUNT', '2']),
    // Sorted sets (issue 6): ZMPOP and blocking pops are logged as ZPOPMIN/ZPOPMAX.
    fc.tuple(key, fc.constantFrom('1', '-0.5', '2', 'inf'), value, fc.constantFrom('3', '0.1'), value).map(([k, s1, m1, s2, m2]) => ['ZADD', k, s1, m1, s2, m2]),
    fc.tuple(key, fc.constantFrom('0.1', '-2', '1e20'), value).map(([k, n, m]) => ['ZINCRBY', k, n, m]),
    fc.tuple(key, value).map(([k, m]) => ['ZREM', k, m]),
    fc.tuple(fc.constantFrom('ZPOPMIN', 'ZPOPMAX'), key, fc.constantFrom([], ['2'])).map(([c, k, n]) => [c, k, ...n]),
    fc.tuple(key, key).map(([a, b]) => ['ZMPOP', '2', a, b, 'MAX', 'COUNT', '2']),
    fc.tuple(key, key, key).map(([d, a, b]) => ['ZUNIONSTORE', d, '2', a, b, 'WEIGHTS', '2', '0.5']),
    fc.tuple(key, key, key).map(([d, a, b]) => ['ZINTERSTORE', d, '2', a, b]),
    fc.tuple(key, key).map(([d, a]) => ['ZRANGESTORE', d, a, '0', '1']),
    fc.tuple(key).map(([k]) => ['ZREMRANGEBYSCORE', k, '(0', '2']),
    fc.tuple(fc.constantFrom('BZPOPMIN', 'BZPOPMAX'), key, key).map(([c, a, b]) => [c, a, b, '0.2']),
    fc.tuple(key).map(([k]) => ['BZMPOP', '0.3', '1', k, 'MIN', 'COUNT', '2']),
    // Bitmaps and HyperLogLog (issue 6): logged as sent; PFCOUNT writes its cache.
    fc.tuple(key, fc.constantFrom('0', '7', '100'), fc.constantFrom('0', '1')).map(([k, o, b]) => ['SETBIT', k, o, b]),
    fc.tuple(fc.constantFrom('AND', 'OR', 'XOR'), key, key, key).map(([op, d, a, b]) => ['BITOP', op, d, a, b]),
    fc.tuple(key, fc.constantFrom('u8', 'i5'), fc.constantFrom('0', '#3'), fc.constantFrom('100', '-7')).map(([k, t, o, v]) => ['BITFIELD', k, 'OVERFLOW', 'SAT', 'INCRBY', t, o, v]),
    fc.tuple(key, fc.array(value, { maxLength: 3 })).map(([k, es]) => ['PFADD', k, ...es]),
    fc.tuple(key).map(([k]) => ['PFCOUNT', k]),
    fc.tuple(key, key, key).map(([d, a, b]) => ['PFMERGE', d, a, b]),
    // Streams (issue 6): XADD * logs its id, ~ trims log what they did, XREADGROUP/XCLAIM/
    // XAUTOCLAIM log XCLAIMs and XGROUP SETID/CREATECONSUMER.
    fc.tuple(key, fc.constantFrom([], ['MAXLEN', '~', '1'], ['MAXLEN', '2'], ['MINID', '~', '1700000000100'], ['NOMKSTREAM']), value).map(([k, o, v]) => ['XADD', k, ...o, '*', 'f', v]),
    fc.tuple(key, fc.constantFrom(['MAXLEN', '~', '0'], ['MAXLEN', '=', '1'], ['MINID', '1700000000200'], ['MAXLEN', '~', '0', 'LIMIT', '1'])).map(([k, o]) => ['XTRIM', k, ...o]),
    fc.tuple(key, fc.integer({ min: 0, max: 600 })).map(([k, d]) => ['XDEL', k, `${1_700_000_000_000 + d}`]),
    fc.tuple(key, fc.constantFrom('g1', 'g2'), fc.constantFrom('0', '$')).map(([k, g, id]) => ['XGROUP', 'CREATE', k, g, id, 'MKSTREAM']),
    fc.tuple(key, fc.constantFrom('g1', 'g2')).map(([k, g]) => ['XGROUP', 'SETID', k, g, '0']),
    fc.tuple(key, fc.constantFrom('g1', 'g2'), fc.constantFrom('DESTROY', 'CREATECONSUMER', 'DELCONSUMER')).map(([k, g, sub]) => (sub === 'DESTROY' ? ['XGROUP', sub, k, g] : ['XGROUP', sub, k, g, 'c1'])),
    fc.tuple(key, fc.constantFrom('g1', 'g2'), fc.constantFrom('c1', 'c2'), fc.constantFrom([], ['NOACK'], ['BLOCK', '200']), fc.constantFrom('>', '0')).map(([k, g, c, o, id]) => ['XREADGROUP', 'GROUP', g, c, 'COUNT', '2', ...o, 'STREAMS', k, id]),
    fc.tuple(key, fc.constantFrom('g1', 'g2'), fc.integer({ min: 0, max: 600 })).map(([k, g, d]) => ['XACK', k, g, `${1_700_000_000_000 + d}`]),
    fc.tuple(key, fc.constantFrom('g1', 'g2'), fc.constantFrom('c1', 'c2'), fc.integer({ min: 0, max: 600 }), fc.constantFrom([], ['JUSTID'], ['FORCE'], ['IDLE', '50', 'RETRYCOUNT', '3'], ['LASTID', '1700000000300'])).map(([k, g, c, d, o]) => ['XCLAIM', k, g, c, '10', `${1_700_000_000_000 + d}`, ...o]),
    fc.tuple(key, fc.constantFrom('g1', 'g2'), fc.constantFrom('c1', 'c2')).map(([k, g, c]) => ['XAUTOCLAIM', k, g, c, '20', '0', 'COUNT', '2']),
    fc.tuple(key, fc.constantFrom('1700000001000', '1700000000300-5')).map(([k, id]) => ['XSETID', k, id]),
  );
}

function stepArb(nowMs: () => number): fc.Arbitrary<Step> {
  const cmd = commandArb(nowMs);
  const client = fc.integer({ min: 0, max: 1 });
  return fc.oneof(
    { weight: 10, arbitrary: fc.record({ kind: fc.constant('cmd' as const), client, argv: cmd }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('multi' as const), client, argv: fc.array(cmd, { maxLength: 5 }), discard: fc.boolean() }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 300 }) }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'tick' as const }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('cmd' as const), client, argv: fc.constant<string[]>(['FLUSHALL']) }) },
  );
}

describe('replaying a primary\'s effects reproduces its keyspace', () => {
  test('random sequences: digest(B after applying A\'s records) === digest(A); canary when a record is dropped', () => {
    const start = 1_700_000_000_000;
    // PXAT values are generated relative to the start; the clock only moves forward
    // by at most 300 ms per step, so they land both in the past and in the future.
    const steps = fc.array(stepArb(() => start), { minLength: 1, maxLength: 60 });
    fc.assert(
      fc.property(steps, fc.integer({ min: 1, max: 2 ** 31 }), (seq, seed) => {
        const clock = new FakeClock(start);
        const a = newEngine({ clock: clock.now, random: seededRandom(seed) });
        const encoded: Buffer[] = [];
        a.onEffects = (r) => encoded.push(encodeEffectRecord(r));
        const clients = [openClient(a), openClient(a)];
        for (const step of seq) {
          if (step.kind === 'cmd') {
            runCommand(a, clients[step.client]!, step.argv);
          } else if (step.kind === 'multi') {
            const c = clients[step.client]!;
            runCommand(a, c, ['MULTI']);
            for (const argv of step.argv) runCommand(a, c, argv);
            runCommand(a, c, [step.discard ? 'DISCARD' : 'EXEC']);
          } else if (step.kind === 'advance') {
            clock.advance(step.ms);
          } else {
            runTick(a);
          }
        }
        // A final distinct write: the record the canary drops must change the state.
        // The replicas' own clocks are far ahead (a lagging replay): a replay must decide
        // expiry by the record's time, never by the replica's clock.
        const replicaNow = clock.ms + 10_000_000;
        // From a fresh client: the others may be blocked (BLPOP...), their requests held.
        runCommand(a, openClient(a), ['SET', 'canary', String(seed)]);
        const b = newEngine({ clock: () => replicaNow, random: seededRandom(seed + 1) });
        const c = newEngine({ clock: () => replicaNow, random: seededRandom(seed + 1) });
        encoded.forEach((buf, i) => {
          b.applyEffectRecord(decodeEffectRecord(buf));
          if (i !== encoded.length - 1) c.applyEffectRecord(decodeEffectRecord(buf));
        });
        const digestA = keyspaceDigest(a.keyspace);
        expect(keyspaceDigest(b.keyspace)).toBe(digestA);
        expect(keyspaceDigest(c.keyspace)).not.toBe(digestA);
      }),
      { numRuns: 150 },
    );
  });
});

describe('expiry found while serving blocked clients', () => {
  test('a key that a blocked client\'s readiness check finds expired is deleted with a DEL record', () => {
    const start = 1_700_000_000_000;
    const clock = new FakeClock(start);
    const a = newEngine({ clock: clock.now, random: seededRandom(7) });
    const encoded: Buffer[] = [];
    a.onEffects = (r) => encoded.push(encodeEffectRecord(r));
    const blocked = openClient(a);
    const writer = openClient(a);
    runCommand(a, blocked, ['BLPOP', 'k0', 'k0', '0.2']);
    clock.advance(1);
    // A string whose deadline has already passed: the SET wakes the waiter on k0, whose
    // readiness check expires the key lazily.
    runCommand(a, writer, ['SET', 'k0', '', 'PXAT', String(start)]);
    expect(runCommand(a, writer, ['EXISTS', 'k0'])).toBe(':0\r\n');
    const b = newEngine({ clock: () => clock.ms + 10_000_000, random: seededRandom(8) });
    for (const buf of encoded) b.applyEffectRecord(decodeEffectRecord(buf));
    expect(encoded.map((buf) => show(decodeEffectRecord(buf)))).toContain('0:DEL k0');
    expect(keyspaceDigest(b.keyspace)).toBe(keyspaceDigest(a.keyspace));
  });
});
