// SORT / SORT_RO (src/engine/commands/sort.ts) through a real in-process Engine: what
// the differential tests cannot show: SORT ... STORE is logged as sent and replays to
// the same list; a SORT without STORE logs nothing (except that it makes a listpack
// sorted set a skiplist, which is not a keyspace change); BY nosort over a hashtable
// set answers in KeelDB's own set order (Redis's is its hash order), and the same
// with STORE is sorted ALPHA, deterministic.

import { describe, expect, test } from 'vitest';
import type { EffectRecord } from '../../src/engine/effects.js';
import { newEngine, openClient, resp, runCommand, ownedEffectRecord } from './support/run.js';

describe('SORT through the engine', () => {
  test('STORE is logged as sent and replays to the same list; plain SORT is not logged', () => {
    const a = newEngine();
    const records: EffectRecord[] = [];
    a.onEffects = (r) => records.push(ownedEffectRecord(r));
    const c = openClient(a);
    runCommand(a, c, ['RPUSH', 'l', '3', '1', '2']);
    runCommand(a, c, ['MSET', 'w_1', '9', 'w_2', '8', 'w_3', '7']);
    runCommand(a, c, ['ZADD', 'z', '1', 'x', '2', 'y']);
    expect(runCommand(a, c, ['SORT', 'l'])).toBe(resp.array(resp.bulk('1'), resp.bulk('2'), resp.bulk('3')));
    expect(runCommand(a, c, ['SORT', 'z', 'BY', 'nosort', 'DESC'])).toBe(resp.array(resp.bulk('y'), resp.bulk('x')));
    expect(runCommand(a, c, ['OBJECT', 'ENCODING', 'z'])).toBe(resp.bulk('skiplist'));
    expect(runCommand(a, c, ['SORT', 'l', 'BY', 'w_*', 'GET', '#', 'GET', 'w_*', 'STORE', 'd'])).toBe(resp.int(6));
    expect(runCommand(a, c, ['SORT_RO', 'l', 'STORE', 'd'])).toBe(resp.err('ERR syntax error'));
    const shown = records.map((r) => r.effects.map((x) => x.argv.map((v) => v.toString('latin1')).join(' ')).join(' | '));
    expect(shown.slice(3)).toEqual(['SORT l BY w_* GET # GET w_* STORE d']);
    const b = newEngine();
    const cb = openClient(b);
    for (const r of records) for (const x of r.effects) runCommand(b, cb, x.argv.map((v) => Buffer.from(v)));
    const expected = resp.array(resp.bulk('3'), resp.bulk('7'), resp.bulk('2'), resp.bulk('8'), resp.bulk('1'), resp.bulk('9'));
    expect(runCommand(a, c, ['LRANGE', 'd', '0', '-1'])).toBe(expected);
    expect(runCommand(b, cb, ['LRANGE', 'd', '0', '-1'])).toBe(expected);
  });

  test('BY nosort over a hashtable set: the set order without STORE, ALPHA with STORE', () => {
    const e = newEngine();
    const c = openClient(e);
    runCommand(e, c, ['SADD', 's', 'pear', 'apple', 'fig']);
    const plain = runCommand(e, c, ['SORT', 's', 'BY', 'nosort']);
    expect(plain).toBe(runCommand(e, c, ['SMEMBERS', 's']));
    expect(runCommand(e, c, ['SORT', 's', 'BY', 'nosort', 'STORE', 'd'])).toBe(resp.int(3));
    expect(runCommand(e, c, ['LRANGE', 'd', '0', '-1'])).toBe(resp.array(resp.bulk('apple'), resp.bulk('fig'), resp.bulk('pear')));
  });

  test('an empty result deletes the STORE destination; wrong types and bad scores', () => {
    const e = newEngine();
    const c = openClient(e);
    runCommand(e, c, ['SET', 'd', 'x']);
    expect(runCommand(e, c, ['SORT', 'missing', 'STORE', 'd'])).toBe(resp.int(0));
    expect(runCommand(e, c, ['EXISTS', 'd'])).toBe(resp.int(0));
    runCommand(e, c, ['HSET', 'h', 'f', 'v']);
    expect(runCommand(e, c, ['SORT', 'h'])).toBe(resp.err('WRONGTYPE Operation against a key holding the wrong kind of value'));
    runCommand(e, c, ['RPUSH', 'l', 'x', '1']);
    expect(runCommand(e, c, ['SORT', 'l'])).toBe(resp.err("ERR One or more scores can't be converted into double"));
    expect(runCommand(e, c, ['SORT', 'l', 'ALPHA'])).toBe(resp.array(resp.bulk('1'), resp.bulk('x')));
  });
});
