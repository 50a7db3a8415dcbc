// The glob matcher (src/engine/glob.ts): hand-checked cases of Redis's stringmatchlen,
// its quirks included, and a fuzz against a real redis-server: random patterns over an
// alphabet rich in metacharacters, signed high bytes and NULs, matched by KEYS on the
// server against the same keys, must select exactly the keys globMatch selects.

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { globMatch } from '../../src/engine/glob.js';
import type { ServerHandle } from '../support/child-server.js';
import { describeWithOracle } from '../support/oracle-guard.js';
import { startRedis } from '../support/redis-oracle.js';
import { decodeReply } from '../support/resp-decode.js';
import { RespConn } from '../support/resp-conn.js';

describe('globMatch, hand-checked', () => {
  const cases: Array<[pattern: string, subject: string, expected: boolean, nocase?: boolean]> = [
    ['', '', true],
    ['', 'a', false],
    ['*', '', false], // Redis's loop never runs on an empty subject (KEYS/SCAN special-case "*")
    ['*', 'anything', true],
    ['**', 'x', true],
    ['a*', 'a', true],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXbYY', false],
    ['?', '', false],
    ['?', 'x', true],
    ['??', 'x', false],
    ['h?llo', 'hello', true],
    ['h[ae]llo', 'hallo', true],
    ['h[ae]llo', 'hillo', false],
    ['h[^e]llo', 'hallo', true],
    ['h[^e]llo', 'hello', false],
    ['h[a-b]llo', 'hbllo', true],
    ['h[b-a]llo', 'hbllo', true], // a reversed range is the same range
    ['[a-]', ']', true], // "a-]" is the range ']'..'a'; the set is unterminated
    ['[abc', 'b', true], // unterminated set: up to the end
    ['[abc', 'bx', false],
    ['[', 'x', false],
    ['[]', 'x', false],
    ['[]]', ']', false], // '[]' is an empty set, then a literal ']'
    ['[\\]]', ']', true],
    ['[\\', '\\', true], // a lone backslash at the end of a set is a literal
    ['\\*', '*', true],
    ['\\*', 'x', false],
    ['a\\', 'a\\', true], // a trailing backslash is a literal backslash
    ['\\', '\\', true],
    ['x*\\', 'xyz\\', true],
    ['[\x80-\xff]', '\x90', true],
    ['[\x80-\xff]', 'a', false],
    ['[a-\xff]', 'm', false], // signed chars: [97..-1] is [-1..97], which excludes 'm'
    ['[a-\xff]', '\xff', true],
    ['[a-\xff]', 'A', true],
    ['*a', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab', false],
    ['a*a*a*a*a*a*a*a*a*a*a*a*a*b', 'a'.repeat(60), false], // must not take exponential time
    ['HELLO', 'hello', true, true],
    ['h[A-Z]llo', 'hello', true, true],
    ['h[^A-Z]llo', 'hello', false, true],
    ['[\\E]', 'e', false, true], // an escaped char inside a set ignores nocase, as Redis
    ['\xc0', '\xe0', false, true], // only ASCII letters fold
    ['HELLO', 'hello', false],
  ];
  test('recursion is capped at 1000 stars, as redis-server 7.0.15-1~deb12u10 answers', () => {
    // Checked on the server: KEYS ('a*' x n) + 'b' finds 'a' x n + 'b' for n = 1000, not 1001.
    expect(globMatch('a*'.repeat(1000) + 'b', 'a'.repeat(1000) + 'b')).toBe(true);
    expect(globMatch('a*'.repeat(1001) + 'b', 'a'.repeat(1001) + 'b')).toBe(false);
    // A huge pattern neither overflows the stack nor throws.
    expect(globMatch('a*'.repeat(200_000), 'a'.repeat(10))).toBe(false);
    expect(globMatch('*'.repeat(200_000) + 'x', 'abcx')).toBe(true); // consecutive stars collapse
  });

  for (const [pattern, subject, expected, nocase] of cases) {
    test(`${JSON.stringify(pattern)} ${nocase ? '(nocase) ' : ''}vs ${JSON.stringify(subject.slice(0, 20))}`, () => {
      expect(globMatch(pattern, subject, nocase ?? false)).toBe(expected);
    });
  }
});

/** mulberry32: a seeded PRNG so a failing pattern can be reproduced. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describeWithOracle('globMatch against redis-server KEYS', () => {
  let redis: ServerHandle;
  let conn: RespConn;
  const keyAlphabet = ['a', 'b', 'c', 'A', 'm', '-', ']', '[', '*', '?', '\\', '^', '\x00', '\x80', '\xff'];
  const patternAlphabet = [...keyAlphabet, '*', '*', '?', '[', '[', ']', ']', '^', '-', '\\'];
  const keys = new Set<string>();

  beforeAll(async () => {
    redis = await startRedis();
    conn = await RespConn.connect(redis.port);
    const rnd = prng(42);
    while (keys.size < 400) {
      const len = Math.floor(rnd() * 5);
      let k = '';
      for (let i = 0; i < len; i++) k += keyAlphabet[Math.floor(rnd() * keyAlphabet.length)];
      keys.add(k);
    }
    const sets = [...keys].map((k) => ['SET', Buffer.from(k, 'latin1'), '1']);
    await conn.pipeline(sets);
  }, 30_000);

  afterAll(async () => {
    conn?.close();
    await redis?.stop();
  });

  test('random patterns select the same keys', async () => {
    const seed = 20251126;
    const rnd = prng(seed);
    const patterns: string[] = [];
    for (let n = 0; n < 1500; n++) {
      const len = Math.floor(rnd() * 7);
      let p = '';
      for (let i = 0; i < len; i++) p += patternAlphabet[Math.floor(rnd() * patternAlphabet.length)];
      patterns.push(p);
    }
    const replies = await conn.pipeline(patterns.map((p) => ['KEYS', Buffer.from(p, 'latin1')]), 20_000);
    let nonTrivial = 0;
    patterns.forEach((p, i) => {
      const reply = decodeReply(replies[i]!);
      expect(reply.kind).toBe('array');
      const theirs = (reply as { items: Array<{ bytes: Buffer }> }).items.map((it) => it.bytes.toString('latin1')).sort();
      // KEYS treats "*" as "every key" without calling the matcher (the empty key included).
      const ours = [...keys].filter((k) => p === '*' || globMatch(p, k)).sort();
      expect(ours, `seed ${seed}, pattern ${JSON.stringify(p)}`).toEqual(theirs);
      if (theirs.length > 0 && theirs.length < keys.size) nonTrivial++;
    });
    expect(nonTrivial).toBeGreaterThan(200); // the fuzz really discriminated
  }, 30_000);
});
