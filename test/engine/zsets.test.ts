// Sorted-set commands through a real Engine (src/engine/commands/zsets.ts): blocking pops
// (served in order, the effect a served pop records, timeouts on the injected clock,
// MULTI), ZMPOP's logged effect, ZRANDMEMBER's random cases (shape, distinctness,
// listpack order), and a full ZSCAN of a skiplist-encoded set under writes.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { string2ld } from '../../src/engine/args.js';
import { parseStrictDouble } from '../../src/engine/commands/zsets.js';
import type { EffectRecord } from '../../src/engine/effects.js';
import type { Engine } from '../../src/engine/engine.js';
import { EntryKind } from '../../src/engine/reply.js';
import { decodeReply, type RespValue } from '../support/resp-decode.js';
import { FakeClock, newEngine, openClient, resp, runCommand, runCommandEntries, runTick, seededRandom, useResp3 } from './support/run.js';

function recording(engine: Engine): string[] {
  const records: string[] = [];
  engine.onEffects = (r: EffectRecord) => records.push(r.effects.map((e) => `${e.dbIndex}:${e.argv.map((a) => a.toString('latin1')).join(' ')}`).join(' | '));
  return records;
}

function replies(entries: ReturnType<typeof runCommandEntries>): [number, string][] {
  return entries.filter((e) => e.kind === EntryKind.reply).map((e) => [e.clientId, e.body.toString('latin1')]);
}

/** The bulk strings of a (possibly nested) array reply, flattened. */
function bulks(raw: string): string[] {
  const out: string[] = [];
  const walk = (v: RespValue): void => {
    if (v.kind === 'bulk') out.push(v.bytes.toString('latin1'));
    else if (v.kind === 'array' || v.kind === 'set') v.items.forEach(walk);
    else if (v.kind === 'double') out.push(v.text);
  };
  walk(decodeReply(Buffer.from(raw, 'latin1')));
  return out;
}

describe('blocking sorted-set pops', () => {
  test('BZPOPMIN/BZPOPMAX/BZMPOP clients are served in the order they blocked; served pops log ZPOPMIN/ZPOPMAX', () => {
    const e = newEngine();
    const [a, b, c, w] = [openClient(e), openClient(e), openClient(e), openClient(e)];
    const log = recording(e);
    expect(runCommand(e, a, ['BZPOPMIN', 'nokey', 'z', '0'])).toBe('');
    expect(runCommand(e, b, ['BZPOPMAX', 'z', '0'])).toBe('');
    expect(runCommand(e, c, ['BZMPOP', '0', '1', 'z', 'MAX', 'COUNT', '5'])).toBe('');
    expect(e.blocking.blockedCount).toBe(3);
    const out = runCommandEntries(e, w, ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd']);
    expect(replies(out)).toEqual([
      [w, resp.int(4)],
      [a, resp.array(resp.bulk('z'), resp.bulk('a'), resp.bulk('1'))],
      [b, resp.array(resp.bulk('z'), resp.bulk('d'), resp.bulk('4'))],
      [c, resp.array(resp.bulk('z'), resp.array(resp.array(resp.bulk('c'), resp.bulk('3')), resp.array(resp.bulk('b'), resp.bulk('2'))))],
    ]);
    expect(log).toEqual(['0:ZADD z 1 a 2 b 3 c 4 d', '0:ZPOPMIN z', '0:ZPOPMAX z', '0:ZPOPMAX z 5']);
    expect(runCommand(e, w, ['EXISTS', 'z'])).toBe(resp.int(0));
    expect(e.blocking.blockedCount).toBe(0);
  });

  test('immediate blocking pops and ZMPOP log the pops they did', () => {
    const e = newEngine();
    const w = openClient(e);
    const log = recording(e);
    runCommand(e, w, ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c']);
    expect(runCommand(e, w, ['BZPOPMAX', 'z', '1'])).toBe(resp.array(resp.bulk('z'), resp.bulk('c'), resp.bulk('3')));
    expect(runCommand(e, w, ['ZMPOP', '2', 'nokey', 'z', 'MIN', 'COUNT', '1'])).toBe(resp.array(resp.bulk('z'), resp.array(resp.array(resp.bulk('a'), resp.bulk('1')))));
    expect(runCommand(e, w, ['BZMPOP', '1', '1', 'z', 'MIN'])).toBe(resp.array(resp.bulk('z'), resp.array(resp.array(resp.bulk('b'), resp.bulk('2')))));
    expect(log).toEqual(['0:ZADD z 1 a 2 b 3 c', '0:ZPOPMAX z', '0:ZPOPMIN z 1', '0:ZPOPMIN z 1']);
  });

  test('a timeout fires from tick on the injected clock with a null array (RESP3: null); MULTI never blocks', () => {
    const clock = new FakeClock(1_000_000);
    const e = newEngine({ clock: clock.now });
    const [a, b, w] = [openClient(e), openClient(e), openClient(e)];
    useResp3(e, b);
    expect(runCommand(e, a, ['BZPOPMIN', 'z', '0.5'])).toBe('');
    expect(runCommand(e, b, ['BZMPOP', '0.5', '1', 'z', 'MIN'])).toBe('');
    clock.advance(400);
    expect(replies(runTick(e).entries)).toEqual([]);
    clock.advance(200);
    expect(replies(runTick(e).entries)).toEqual([
      [a, resp.nilArray],
      [b, '_\r\n'],
    ]);
    runCommand(e, w, ['MULTI']);
    runCommand(e, w, ['BZPOPMIN', 'z', '0']);
    expect(runCommand(e, w, ['EXEC'])).toBe(resp.array(resp.nilArray));
  });

  test('a key that becomes another type does not wake a sorted-set waiter', () => {
    const e = newEngine();
    const [a, w] = [openClient(e), openClient(e)];
    runCommand(e, a, ['BZPOPMIN', 'k', '0']);
    expect(replies(runCommandEntries(e, w, ['RPUSH', 'k', 'x']))).toEqual([[w, resp.int(1)]]);
    runCommand(e, w, ['DEL', 'k']);
    expect(replies(runCommandEntries(e, w, ['ZADD', 'k', '5', 'm']))).toEqual([
      [w, resp.int(1)],
      [a, resp.array(resp.bulk('k'), resp.bulk('m'), resp.bulk('5'))],
    ]);
  });
});

describe('ZRANDMEMBER random cases', () => {
  test('distinct members for a positive count, repeats allowed for a negative one, listpack picks in order', () => {
    const e = newEngine({ random: seededRandom(7) });
    const c = openClient(e);
    runCommand(e, c, ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e', '6', 'f']);
    for (let i = 0; i < 30; i++) {
      const picked = bulks(runCommand(e, c, ['ZRANDMEMBER', 'z', '3']));
      expect(new Set(picked).size).toBe(3);
      expect(picked.slice().sort()).toEqual(picked); // listpack order = (score, member) order here
      const withScores = bulks(runCommand(e, c, ['ZRANDMEMBER', 'z', '-8', 'WITHSCORES']));
      expect(withScores.length).toBe(16);
      for (let j = 0; j < 16; j += 2) expect(Number(withScores[j + 1])).toBe(withScores[j]!.charCodeAt(0) - 96);
    }
    expect(bulks(runCommand(e, c, ['ZRANDMEMBER', 'z']))[0]).toMatch(/^[a-f]$/);
    // A skiplist: distinct picks, any order.
    const args = ['ZADD', 'big'];
    for (let i = 0; i < 300; i++) args.push(String(i), `m${i}`);
    runCommand(e, c, args);
    expect(runCommand(e, c, ['OBJECT', 'ENCODING', 'big'])).toBe(resp.bulk('skiplist'));
    for (const n of ['5', '150', '299']) expect(new Set(bulks(runCommand(e, c, ['ZRANDMEMBER', 'big', n]))).size).toBe(Number(n));
  });
});

describe('ZSCAN of a skiplist', () => {
  test('a full iteration with COUNT returns every member present throughout, with its score', () => {
    const e = newEngine();
    const c = openClient(e);
    const args = ['ZADD', 'z'];
    for (let i = 0; i < 500; i++) args.push(String(i / 4), `m${i}`);
    runCommand(e, c, args);
    const seen = new Map<string, string>();
    let cursor = '0';
    let round = 0;
    do {
      const items = bulks(runCommand(e, c, ['ZSCAN', 'z', cursor, 'COUNT', '20']));
      cursor = items[0]!;
      for (let i = 1; i < items.length; i += 2) seen.set(items[i]!, items[i + 1]!);
      // Writes between calls: remove members m<k> with k divisible by 7 and not by 2.
      runCommand(e, c, ['ZREM', 'z', `m${(round * 14 + 7) % 500}`]);
      runCommand(e, c, ['ZINCRBY', 'z', '1000', `m${(round * 2) % 500}`]);
      round++;
    } while (cursor !== '0');
    for (let i = 0; i < 500; i++) if (i % 7 !== 0 || i % 2 === 0) expect(seen.has(`m${i}`)).toBe(true);
    expect(seen.get('m1')).toBe('0.25');
  });
});

describe('score parsing', () => {
  test("parseStrictDouble's digits fast path gives strtod's value (sign, leading zeros, -0, 15 and 16 digits)", () => {
    fc.assert(
      fc.property(fc.constantFrom('', '+', '-'), fc.stringMatching(/^[0-9]{1,17}$/), (sign, digits) => {
        const s = sign + digits;
        expect(Object.is(parseStrictDouble(Buffer.from(s, 'latin1')), string2ld(s))).toBe(true);
      }),
      { numRuns: 2000 },
    );
    expect(Object.is(parseStrictDouble(Buffer.from('-0')), -0)).toBe(true);
    expect(parseStrictDouble(Buffer.from('000000012345'))).toBe(12345);
    expect(parseStrictDouble(Buffer.from('999999999999999'))).toBe(999999999999999);
    for (const bad of ['+', '-', '1\x002', '1 ', ' 1', '12a']) expect(parseStrictDouble(Buffer.from(bad, 'latin1'))).toBe(null);
  });
});
