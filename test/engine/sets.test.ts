// Set commands through a real Engine (test/engine/support/run.ts): what the
// differential tests cannot compare byte for byte (SPOP and SRANDMEMBER's random
// cases), the effects the write path records (SPOP as SREMs or DEL), and replay.

import { describe, expect, test } from 'vitest';
import { keyspaceDigest } from '../../src/engine/digest.js';
import type { EffectRecord } from '../../src/engine/effects.js';
import type { Engine } from '../../src/engine/engine.js';
import { decodeReply, type RespValue } from '../support/resp-decode.js';
import { EntryKind } from '../../src/engine/reply.js';
import { newEngine, openClient, resp, runCommand, runCommandEntries, seededRandom, useResp3, ownedEffectRecord } from './support/run.js';

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

function recording(engine: Engine): EffectRecord[] {
  const out: EffectRecord[] = [];
  engine.onEffects = (r) => out.push(ownedEffectRecord(r));
  return out;
}

function show(r: EffectRecord): string[] {
  return r.effects.map((e) => `${e.dbIndex}:${e.argv.map((a) => a.toString('latin1')).join(' ')}`);
}

function members(e: Engine, c: number, key: string): string[] {
  return texts(decode(runCommand(e, c, ['SMEMBERS', key]))).sort();
}

describe('SRANDMEMBER random cases', () => {
  test('positive counts are distinct members (both strategies); negative counts repeat', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const e = newEngine({ random: seededRandom(seed) });
      const c = openClient(e);
      const all: string[] = [];
      for (let i = 0; i < 20; i++) all.push(seed % 2 === 0 ? String(i) : `m${i}`);
      runCommand(e, c, ['SADD', 's', ...all]);
      for (const count of [2, 5, 19]) {
        const got = texts(decode(runCommand(e, c, ['SRANDMEMBER', 's', String(count)])));
        expect(got.length).toBe(count);
        expect(new Set(got).size).toBe(count);
        for (const m of got) expect(all).toContain(m);
      }
      const many = texts(decode(runCommand(e, c, ['SRANDMEMBER', 's', '-100'])));
      expect(many.length).toBe(100);
      expect(new Set(many).size).toBeLessThan(21);
      for (const m of many) expect(all).toContain(m);
      expect(members(e, c, 's').length).toBe(20);
    }
  });
});

describe('huge repeating counts', () => {
  test('SRANDMEMBER and HRANDFIELD with a count past the output limit disconnect instead of building the reply', () => {
    const e = newEngine();
    const c = openClient(e);
    runCommand(e, c, ['SADD', 's', 'a']);
    runCommand(e, c, ['HSET', 'h', 'f', 'v']);
    for (const argv of [['SRANDMEMBER', 's', '-9223372036854775807'], ['HRANDFIELD', 'h', '-4611686018427387903', 'WITHVALUES']]) {
      const victim = openClient(e);
      const entries = runCommandEntries(e, victim, argv);
      expect(entries.filter((x) => x.kind === EntryKind.reply && x.body.length > 0)).toEqual([]);
      expect(entries.some((x) => x.kind === EntryKind.close && x.clientId === victim)).toBe(true);
    }
    // Below the limit a repeating reply is built as usual.
    expect(runCommand(e, c, ['SRANDMEMBER', 's', '-2'])).toBe(resp.array(resp.bulk('a'), resp.bulk('a')));
  });
});

describe('SPOP', () => {
  test('without a count: one member, recorded as SREM; the last one deletes the key', () => {
    const e = newEngine({ random: seededRandom(2) });
    const records = recording(e);
    const c = openClient(e);
    runCommand(e, c, ['SADD', 's', 'a', 'b']);
    const first = decode(runCommand(e, c, ['SPOP', 's']));
    const second = decode(runCommand(e, c, ['SPOP', 's']));
    expect(first.kind === 'bulk' && second.kind === 'bulk').toBe(true);
    if (first.kind !== 'bulk' || second.kind !== 'bulk') return;
    const popped = [first.bytes.toString('latin1'), second.bytes.toString('latin1')];
    expect(popped.sort()).toEqual(['a', 'b']);
    expect(runCommand(e, c, ['EXISTS', 's'])).toBe(resp.int(0));
    expect(records.map(show)).toEqual([['0:SADD s a b'], [`0:SREM s ${first.bytes.toString('latin1')}`], [`0:SREM s ${second.bytes.toString('latin1')}`]]);
  });

  test('with a count below the size (both cases): distinct members removed, one SREM each, never SPOP', () => {
    for (const [size, count] of [
      [20, 3],
      [20, 18],
      [600, 10],
      [600, 590],
    ] as const) {
      for (const ints of [true, false]) {
        const e = newEngine({ random: seededRandom(size + count) });
        const records = recording(e);
        const c = openClient(e);
        const all: string[] = [];
        for (let i = 0; i < size; i++) all.push(ints ? String(i) : `m${i}`);
        runCommand(e, c, ['SADD', 's', ...all]);
        useResp3(e, c);
        const reply = decode(runCommand(e, c, ['SPOP', 's', String(count)]));
        expect(reply.kind).toBe('set');
        const got = texts(reply);
        expect(new Set(got).size).toBe(count);
        const left = members(e, c, 's');
        expect(left.length).toBe(size - count);
        expect(new Set([...left, ...got]).size).toBe(size);
        const spop = records[records.length - 1]!;
        expect(show(spop).sort()).toEqual(got.map((m) => `0:SREM s ${m}`).sort());
        // Replaying the SREMs leaves the same members.
        const b = newEngine();
        for (const r of records) b.applyEffectRecord(r);
        expect(keyspaceDigest(b.keyspace)).toBe(keyspaceDigest(e.keyspace));
      }
    }
  });

  test('a count covering the set answers all of it, deletes the key, records DEL', () => {
    const e = newEngine();
    const records = recording(e);
    const c = openClient(e);
    runCommand(e, c, ['SADD', 's', '3', '1', '2']);
    expect(runCommand(e, c, ['SPOP', 's', '3'])).toBe(resp.array(resp.bulk('1'), resp.bulk('2'), resp.bulk('3')));
    expect(runCommand(e, c, ['EXISTS', 's'])).toBe(resp.int(0));
    expect(show(records[1]!)).toEqual(['0:DEL s']);
    runCommand(e, c, ['SADD', 's', 'x']);
    runCommand(e, c, ['CONFIG', 'SET', 'lazyfree-lazy-server-del', 'yes']);
    runCommand(e, c, ['SPOP', 's', '5']);
    expect(show(records[records.length - 1]!)).toEqual(['0:UNLINK s']);
  });

  test('SPOP 0, SRANDMEMBER and failed writes record nothing', () => {
    const e = newEngine();
    const records = recording(e);
    const c = openClient(e);
    runCommand(e, c, ['SADD', 's', 'a']);
    runCommand(e, c, ['SPOP', 's', '0']);
    runCommand(e, c, ['SRANDMEMBER', 's', '-3']);
    runCommand(e, c, ['SADD', 's', 'a']);
    runCommand(e, c, ['SREM', 's', 'zz']);
    runCommand(e, c, ['SMOVE', 's', 'd', 'zz']);
    runCommand(e, c, ['SINTERSTORE', 'd', 'nokey']);
    expect(records.map(show)).toEqual([['0:SADD s a']]);
  });
});

describe('set effects replay', () => {
  test('SMOVE and the STORE forms replay to the same keyspace', () => {
    const a = newEngine({ random: seededRandom(4) });
    const records = recording(a);
    const c = openClient(a);
    runCommand(a, c, ['SADD', 'x', '1', '2', '3', 'w']);
    runCommand(a, c, ['SADD', 'y', '2', '3', '4']);
    runCommand(a, c, ['SMOVE', 'x', 'z', 'w']);
    runCommand(a, c, ['SINTERSTORE', 'i', 'x', 'y']);
    runCommand(a, c, ['SUNIONSTORE', 'u', 'x', 'y', 'z']);
    runCommand(a, c, ['SDIFFSTORE', 'd', 'x', 'y']);
    runCommand(a, c, ['SPOP', 'u', '2']);
    runCommand(a, c, ['SPOP', 'y']);
    const b = newEngine();
    for (const r of records) b.applyEffectRecord(r);
    expect(keyspaceDigest(b.keyspace)).toBe(keyspaceDigest(a.keyspace));
    expect(members(a, c, 'z')).toEqual(['w']);
  });
});

describe('set algebra over hashtable sets (members probed by their bytes)', () => {
  test('SINTER, SUNION, SDIFF and their STORE forms match a model, with an intset and a non-ASCII member', () => {
    const e = newEngine();
    const c = openClient(e);
    const a: string[] = [];
    const b: string[] = [];
    for (let i = 0; i < 700; i++) a.push(`m:${i}`);
    for (let i = 400; i < 1200; i += 2) b.push(`m:${i}`);
    a.push('\u00e9t\u00e9', '7');
    b.push('\u00e9t\u00e9', '7');
    runCommand(e, c, ['SADD', 'a', ...a.map((m) => Buffer.from(m, 'latin1'))]);
    runCommand(e, c, ['SADD', 'b', ...b.map((m) => Buffer.from(m, 'latin1'))]);
    runCommand(e, c, ['SADD', 'i', '7', '8', '9']);
    expect(runCommand(e, c, ['OBJECT', 'ENCODING', 'a'])).toBe('$9\r\nhashtable\r\n');
    const inB = new Set(b);
    const inter = a.filter((m) => inB.has(m)).sort();
    const union = [...new Set([...a, ...b])].sort();
    const diff = a.filter((m) => !inB.has(m)).sort();
    expect(members(e, c, 'a').length).toBe(a.length);
    expect(texts(decode(runCommand(e, c, ['SINTER', 'a', 'b']))).sort()).toEqual(inter);
    expect(texts(decode(runCommand(e, c, ['SUNION', 'a', 'b']))).sort()).toEqual(union);
    expect(texts(decode(runCommand(e, c, ['SDIFF', 'a', 'b']))).sort()).toEqual(diff);
    expect(texts(decode(runCommand(e, c, ['SINTER', 'a', 'i']))).sort()).toEqual(['7']);
    expect(texts(decode(runCommand(e, c, ['SDIFF', 'i', 'a']))).sort()).toEqual(['8', '9']);
    runCommand(e, c, ['SDIFFSTORE', 'd', 'a', 'b']);
    runCommand(e, c, ['SUNIONSTORE', 'u', 'a', 'b']);
    expect(members(e, c, 'd')).toEqual(diff);
    expect(members(e, c, 'u')).toEqual(union);
    expect(runCommand(e, c, ['SISMEMBER', 'u', Buffer.from('\u00e9t\u00e9', 'latin1')])).toBe(':1\r\n');
  });
});
