// Hash commands through a real Engine (test/engine/support/run.ts): what the
// differential tests cannot compare byte for byte (HRANDFIELD's random cases), the
// effects the write path records (HINCRBYFLOAT as HSET), WATCH, and replay.

import { describe, expect, test } from 'vitest';
import { keyspaceDigest } from '../../src/engine/digest.js';
import type { EffectRecord } from '../../src/engine/effects.js';
import type { Engine } from '../../src/engine/engine.js';
import { decodeReply, type RespValue } from '../support/resp-decode.js';
import { newEngine, openClient, resp, runCommand, seededRandom, useResp3, ownedEffectRecord } from './support/run.js';

function decode(s: string): RespValue {
  return decodeReply(Buffer.from(s, 'latin1'));
}

function texts(v: RespValue): string[] {
  if (v.kind !== 'array' && v.kind !== 'set') throw new Error(`not a list: ${v.kind}`);
  return v.items.map((i) => {
    if (i.kind !== 'bulk') throw new Error(`not a bulk: ${i.kind}`);
    return i.bytes.toString('latin1');
  });
}

function recording(engine: Engine): string[] {
  const out: string[] = [];
  engine.onEffects = (r: EffectRecord) => out.push(r.effects.map((e) => `${e.dbIndex}:${e.argv.map((a) => a.toString('latin1')).join(' ')}`).join(' | '));
  return out;
}

function hashWith(e: Engine, c: number, n: number, key = 'h'): string[] {
  const fields: string[] = [];
  const args = ['HSET', key];
  for (let i = 0; i < n; i++) {
    fields.push(`f${i}`);
    args.push(`f${i}`, `v${i}`);
  }
  runCommand(e, c, args);
  return fields;
}

describe('HRANDFIELD random cases', () => {
  test('a positive count below the size: distinct fields; a listpack keeps its order', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const e = newEngine({ random: seededRandom(seed) });
      const c = openClient(e);
      const fields = hashWith(e, c, 10);
      for (const count of [2, 4, 9]) {
        const got = texts(decode(runCommand(e, c, ['HRANDFIELD', 'h', String(count)])));
        expect(got.length).toBe(count);
        expect(new Set(got).size).toBe(count);
        for (const f of got) expect(fields).toContain(f);
        expect(got).toEqual([...got].sort((a, b) => fields.indexOf(a) - fields.indexOf(b)));
      }
    }
  });

  test('a negative count repeats; WITHVALUES pairs each field with its value (flat in RESP2, nested in RESP3)', () => {
    const e = newEngine({ random: seededRandom(5) });
    const c = openClient(e);
    hashWith(e, c, 3);
    const many = texts(decode(runCommand(e, c, ['HRANDFIELD', 'h', '-50'])));
    expect(many.length).toBe(50);
    expect(new Set(many).size).toBe(3);
    const flat = texts(decode(runCommand(e, c, ['HRANDFIELD', 'h', '-6', 'WITHVALUES'])));
    expect(flat.length).toBe(12);
    for (let i = 0; i < flat.length; i += 2) expect(flat[i + 1]).toBe(flat[i]!.replace('f', 'v'));
    useResp3(e, c);
    const nested = decode(runCommand(e, c, ['HRANDFIELD', 'h', '2', 'WITHVALUES']));
    expect(nested.kind).toBe('array');
    if (nested.kind !== 'array') return;
    expect(nested.items.length).toBe(2);
    for (const p of nested.items) {
      const [f, v] = texts(p);
      expect(v).toBe(f!.replace('f', 'v'));
    }
  });

  test('a hashtable answers distinct random fields too (both strategies)', () => {
    const e = newEngine({ random: seededRandom(9) });
    const c = openClient(e);
    runCommand(e, c, ['CONFIG', 'SET', 'hash-max-listpack-entries', '2']);
    const fields = hashWith(e, c, 30);
    expect(runCommand(e, c, ['OBJECT', 'ENCODING', 'h'])).toBe(resp.bulk('hashtable'));
    for (const count of [3, 25]) {
      const got = texts(decode(runCommand(e, c, ['HRANDFIELD', 'h', String(count)])));
      expect(new Set(got).size).toBe(count);
      for (const f of got) expect(fields).toContain(f);
    }
    const one = decode(runCommand(e, c, ['HRANDFIELD', 'h']));
    expect(one.kind).toBe('bulk');
    if (one.kind === 'bulk') expect(fields).toContain(one.bytes.toString('latin1'));
  });

  test('HRANDFIELD writes nothing', () => {
    const e = newEngine();
    const effects = recording(e);
    const c = openClient(e);
    hashWith(e, c, 3);
    runCommand(e, c, ['HRANDFIELD', 'h', '-5', 'WITHVALUES']);
    runCommand(e, c, ['HRANDFIELD', 'h']);
    expect(effects).toEqual(['0:HSET h f0 v0 f1 v1 f2 v2']);
  });
});

describe('hash effects', () => {
  test('HINCRBYFLOAT is recorded as HSET of the result; failed and no-op writes are not recorded', () => {
    const e = newEngine();
    const effects = recording(e);
    const c = openClient(e);
    expect(runCommand(e, c, ['HINCRBYFLOAT', 'h', 'f', '10.5'])).toBe(resp.bulk('10.5'));
    expect(runCommand(e, c, ['HINCRBYFLOAT', 'h', 'f', '0.1'])).toBe(resp.bulk('10.6'));
    runCommand(e, c, ['HINCRBYFLOAT', 'h', 'f', 'x']);
    runCommand(e, c, ['HSETNX', 'h', 'f', 'y']);
    runCommand(e, c, ['HDEL', 'h', 'nope']);
    runCommand(e, c, ['HINCRBY', 'h', 'n', '2']);
    runCommand(e, c, ['HDEL', 'h', 'f', 'n']);
    expect(effects).toEqual(['0:HSET h f 10.5', '0:HSET h f 10.6', '0:HINCRBY h n 2', '0:HDEL h f n']);
    expect(runCommand(e, c, ['EXISTS', 'h'])).toBe(resp.int(0));
  });

  test('HSET touches a watched key (EXEC fails); a read does not', () => {
    const e = newEngine();
    const a = openClient(e);
    const b = openClient(e);
    runCommand(e, a, ['HSET', 'h', 'f', '1']);
    runCommand(e, a, ['WATCH', 'h']);
    runCommand(e, b, ['HGET', 'h', 'f']);
    runCommand(e, b, ['HSET', 'h', 'f', '1']);
    runCommand(e, a, ['MULTI']);
    runCommand(e, a, ['HGET', 'h', 'f']);
    expect(runCommand(e, a, ['EXEC'])).toBe(resp.nilArray);
  });

  test('replaying the recorded effects gives the same keyspace', () => {
    const a = newEngine({ random: seededRandom(1) });
    const records: EffectRecord[] = [];
    a.onEffects = (r) => records.push(ownedEffectRecord(r));
    const c = openClient(a);
    runCommand(a, c, ['HSET', 'h', 'a', '1', 'b', '2']);
    runCommand(a, c, ['HINCRBYFLOAT', 'h', 'a', '0.3']);
    runCommand(a, c, ['HINCRBYFLOAT', 'h', 'c', '1e-3']);
    runCommand(a, c, ['HMSET', 'h', 'big', 'x'.repeat(100)]);
    runCommand(a, c, ['HDEL', 'h', 'b']);
    const b = newEngine();
    for (const r of records) b.applyEffectRecord(r);
    expect(keyspaceDigest(b.keyspace)).toBe(keyspaceDigest(a.keyspace));
  });
});

describe('keyString (the last key string reused for the same bytes)', () => {
  test('a reused argument buffer with new bytes gives the new key, same length or not', async () => {
    const { keyString } = await import('../../src/engine/args.js');
    const arg = Buffer.from('myset');
    expect(keyString(arg)).toBe('myset');
    expect(keyString(Buffer.from('myset'))).toBe('myset');
    arg.write('myseu'); // the batch buffer behind argv is reused for later requests
    expect(keyString(arg)).toBe('myseu');
    expect(keyString(Buffer.from('myse'))).toBe('myse');
    expect(keyString(Buffer.from([0xff, 0x00, 0x41]))).toBe('\u00ff\u0000A');
    const long = Buffer.alloc(100, 0x61);
    expect(keyString(long)).toBe('a'.repeat(100));
    long[99] = 0x62;
    expect(keyString(long)).toBe(`${'a'.repeat(99)}b`);
  });
});
