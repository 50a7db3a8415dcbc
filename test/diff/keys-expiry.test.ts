// Differential tests for the key-space commands and expiry (issue 2 point 4, keys):
// DEL/UNLINK/EXISTS/TYPE, the EXPIRE family with NX XX GT LT, TTL/PTTL/EXPIRETIME,
// PERSIST, RENAME(NX), KEYS, SCAN, RANDOMKEY, DBSIZE, FLUSHDB/FLUSHALL, COPY, MOVE,
// SELECT, SWAPDB, TOUCH, OBJECT, DUMP/RESTORE; under RESP2 and after HELLO 3.
// Exact bytes everywhere except, each marked at its use: TTL right after a relative
// expire (intNear: a clock tick may fall between the two servers), KEYS and SCAN
// (sortedArray or a full-iteration set: the order is the hash table's), RANDOMKEY over
// several keys (membership), OBJECT IDLETIME (intNear). Expiry that must happen uses
// absolute times in the past or a short PX plus a wait much longer than it, and is
// observed with GET/EXISTS (lazy expiry makes those exact); DBSIZE is not read while an
// expired key may still await the active cycle.
// Non-string keys (a list, a set, a hash) go through the type-generic commands too.

import { describe } from 'vitest';
import { intNear, sortedArray } from '../support/comparators.js';
import { diffCase, diffSeq, usePair, type DiffCase, type Step } from '../support/diff-pair.js';
import { describeWithOracle } from '../support/oracle-guard.js';
import { decodeReply, textOf } from '../support/resp-decode.js';

const futureS = '4102444800';
const futureMs = '4102444800123';
const i64Max = '9223372036854775807';
const ttl = (k: string): Step => ({ args: ['TTL', k], cmp: intNear(1) });
const pttl = (k: string): Step => ({ args: ['PTTL', k], cmp: intNear(1500) });
const sorted = (args: string[]): Step => ({ args, cmp: sortedArray });

/** Iterates SCAN to cursor 0 on one server; returns the sorted set of keys seen. */
async function scanAll(c: DiffCase, side: 'redis' | 'subject', extra: string[]): Promise<string[] | string> {
  const conn = c.conn(side);
  if (conn === null) return '<no-connection>';
  const seen = new Set<string>();
  let cursor = '0';
  for (let round = 0; round < 1000; round++) {
    let reply;
    try {
      reply = decodeReply(await conn.send(['SCAN', cursor, ...extra]));
    } catch (err) {
      return `<${(err as Error).message}>`;
    }
    if (reply.kind !== 'array' || reply.items.length !== 2) return `<bad SCAN reply: ${JSON.stringify(reply)}>`;
    const [next, keys] = reply.items as [Parameters<typeof textOf>[0], Parameters<typeof textOf>[0]];
    if (keys.kind !== 'array') return '<SCAN keys not an array>';
    for (const k of keys.items) seen.add(textOf(k));
    cursor = textOf(next);
    if (cursor === '0') return [...seen].sort();
  }
  return '<SCAN did not finish in 1000 rounds>';
}

describeWithOracle('diff: keys and expiry', () => {
  const pair = usePair();
  for (const proto of [2, 3] as const) {
    describe(`RESP${proto}`, () => {
      const seq = (name: string, steps: readonly Step[]): void => diffSeq(pair, name, steps, { proto });
      const body = (name: string, f: (c: DiffCase) => Promise<void>): void => diffCase(pair, name, f, { proto });

      seq('DEL UNLINK EXISTS TYPE TOUCH', [
        ['MSET', 'a', '1', 'b', '2', 'c', '3'],
        ['EXISTS', 'a'],
        ['EXISTS', 'a', 'a', 'b', 'missing'],
        ['DEL', 'a', 'missing', 'a'],
        ['EXISTS', 'a'],
        ['UNLINK', 'b', 'c', 'missing'],
        ['EXISTS', 'b', 'c'],
        ['DEL', 'missing'],
        ['SET', 't', 'v'],
        ['TYPE', 't'],
        ['TYPE', 'missing'],
        ['TOUCH', 't', 'missing', 't'],
        ['TOUCH'],
        ['DEL'],
        ['UNLINK'],
        ['EXISTS'],
        ['TYPE'],
        ['TYPE', 'a', 'b'],
      ]);
      seq('EXPIRE family and TTL', [
        ['SET', 'k', 'v'],
        ['TTL', 'k'],
        ['PTTL', 'k'],
        ['TTL', 'missing'],
        ['PTTL', 'missing'],
        ['EXPIRETIME', 'k'],
        ['EXPIRETIME', 'missing'],
        ['PEXPIRETIME', 'missing'],
        ['EXPIRE', 'k', '100'],
        ttl('k'),
        ['PEXPIRE', 'k', '100000'],
        pttl('k'),
        ['EXPIREAT', 'k', futureS],
        ['EXPIRETIME', 'k'],
        ['PEXPIRETIME', 'k'],
        ['PEXPIREAT', 'k', futureMs],
        ['PEXPIRETIME', 'k'],
        ['EXPIRETIME', 'k'],
        ['EXPIRE', 'missing', '100'],
        ['PEXPIRE', 'missing', '100'],
        ['EXPIREAT', 'missing', futureS],
        ['PEXPIREAT', 'missing', futureMs],
        ['EXPIRE', 'k', 'abc'],
        ['EXPIRE', 'k', '1.5'],
        ['EXPIRE', 'k', ''],
        ['EXPIRE', 'k', i64Max],
        ['PEXPIRE', 'k', i64Max],
        ['EXPIREAT', 'k', i64Max],
        ['PEXPIREAT', 'k', i64Max],
        ['EXPIRE', 'k', '-9223372036854775808'],
        ['EXPIRE', 'k', '9223372036854775'],
        ['EXPIRE', 'k', '9223372036854776'],
        ['PEXPIRETIME', 'k'],
        ['EXPIRE', 'k'],
        ['EXPIRE'],
        ['TTL'],
        ['PTTL', 'a', 'b'],
        ['EXPIRETIME'],
        ['SET', 'z', 'v'],
        ['EXPIRE', 'z', '0'],
        ['EXISTS', 'z'],
        ['SET', 'z', 'v'],
        ['EXPIRE', 'z', '-5'],
        ['GET', 'z'],
        ['SET', 'z', 'v'],
        ['PEXPIRE', 'z', '-1'],
        ['GET', 'z'],
        ['SET', 'z', 'v'],
        ['EXPIREAT', 'z', '1'],
        ['GET', 'z'],
        ['SET', 'z', 'v'],
        ['PEXPIREAT', 'z', '0'],
        ['GET', 'z'],
      ]);
      seq('EXPIRE NX XX GT LT', [
        ['SET', 'k', 'v'],
        ['EXPIRE', 'k', '100', 'XX'],
        ['EXPIRE', 'k', '100', 'GT'],
        ['EXPIRE', 'k', '100', 'LT'],
        ttl('k'),
        ['PERSIST', 'k'],
        ['EXPIRE', 'k', '100', 'NX'],
        ['EXPIRE', 'k', '200', 'NX'],
        ttl('k'),
        ['EXPIRE', 'k', '200', 'XX'],
        ttl('k'),
        ['EXPIRE', 'k', '100', 'GT'],
        ['EXPIRE', 'k', '300', 'GT'],
        ['EXPIRE', 'k', '400', 'LT'],
        ['EXPIRE', 'k', '50', 'LT'],
        ttl('k'),
        ['EXPIRE', 'k', '50', 'NX', 'XX'],
        ['EXPIRE', 'k', '50', 'GT', 'LT'],
        ['EXPIRE', 'k', '50', 'NX', 'GT'],
        ['EXPIRE', 'k', '50', 'NX', 'LT'],
        ['EXPIRE', 'k', '40', 'XX', 'GT'], // not 50: equal relative times race the clock
        ['EXPIRE', 'k', '50', 'FOO'],
        ['EXPIRE', 'k', '50', 'nx'],
        // 60 s against a TTL of just under 50 s: GT holds whatever the clock did meanwhile.
        ['PEXPIRE', 'k', '60000', 'XX', 'GT'],
        ['EXPIREAT', 'k', futureS, 'GT'],
        ['EXPIRETIME', 'k'],
        ['PEXPIREAT', 'k', futureMs, 'LT'],
        ['PEXPIREAT', 'k', '4102444800100', 'LT'],
        ['PEXPIRETIME', 'k'],
        ['EXPIREAT', 'k', '1', 'GT'],
        ['EXISTS', 'k'],
        ['EXPIREAT', 'k', '1', 'LT'],
        ['EXISTS', 'k'],
        ['EXPIRE', 'missing', '10', 'NX'],
        ['SET', 'p', 'v'],
        ['EXPIRE', 'p', '-1', 'GT'],
        ['EXISTS', 'p'],
        ['EXPIRE', 'p', '-1', 'LT'],
        ['EXISTS', 'p'],
      ]);
      seq('PERSIST', [
        ['SET', 'k', 'v', 'EX', '100'],
        ['PERSIST', 'k'],
        ['PERSIST', 'k'],
        ['TTL', 'k'],
        ['PERSIST', 'missing'],
        ['PERSIST'],
        ['PERSIST', 'a', 'b'],
      ]);
      body('lazy expiry of a short PX', async (c) => {
        await c.cmd(['SET', 'short', 'v', 'PX', '50']);
        await c.cmd(['SET', 'short2', 'v']);
        await c.cmd(['PEXPIRE', 'short2', '50']);
        await c.cmd(['SET', 'keep', 'v']);
        // 50 ms expiries, checked after 300 ms: far beyond any tick or scheduling delay.
        await new Promise((r) => setTimeout(r, 300));
        await c.cmd(['GET', 'short']);
        await c.cmd(['EXISTS', 'short2']);
        await c.cmd(['TTL', 'short']);
        await c.cmd(['PTTL', 'short2']);
        await c.cmd(['EXPIRETIME', 'short']);
        await c.cmd(['PERSIST', 'short']);
        await c.cmd(['APPEND', 'short', 'x']);
        await c.cmd(['GET', 'short']);
        await c.cmd(['TTL', 'short']);
        await c.cmd(['DBSIZE']);
        await c.cmd(['GET', 'keep']);
      });
      body('commands on keys that expired but were not yet removed', async (c) => {
        for (const k of ['e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7']) await c.cmd(['SET', k, 'v', 'PX', '50']);
        await c.cmd(['SET', 'live', 'v']);
        await c.cmd(['SELECT', '1']);
        await c.cmd(['SET', 'x', 'v', 'PX', '50']);
        await c.cmd(['SELECT', '0']);
        // 50 ms expiries, used after 300 ms: expired, whether or not the active cycle ran.
        await new Promise((r) => setTimeout(r, 300));
        await c.cmd(['EXPIRE', 'e1', '100']);
        await c.cmd(['RENAME', 'e2', 'n2']);
        await c.cmd(['RENAMENX', 'e3', 'n3']);
        await c.cmd(['COPY', 'e4', 'n4']);
        await c.cmd(['MOVE', 'e5', '2']);
        await c.cmd(['SET', 'e6', 'new', 'XX']);
        await c.cmd(['SETNX', 'e7', 'new']);
        await c.cmd(['GET', 'e7']);
        await c.cmd(['TTL', 'e7']);
        await c.cmd(['DEL', 'e7']);
        // Only 'live' is left in db 0: KEYS and RANDOMKEY must not see the expired keys.
        await c.cmd(['KEYS', '*'], { cmp: sortedArray });
        await c.cmd(['RANDOMKEY']);
        await c.cmd(['SWAPDB', '0', '1']);
        await c.cmd(['GET', 'x']);
        await c.cmd(['EXISTS', 'x', 'live']);
        await c.cmd(['RANDOMKEY']);
        await c.cmd(['SWAPDB', '0', '1']);
        await c.cmd(['OBJECT', 'ENCODING', 'e1']);
        await c.cmd(['DUMP', 'e1']);
        await c.cmd(['INCR', 'e1']);
        await c.cmd(['TTL', 'e1']);
      });
      body('OBJECT FREQ under an LFU policy', async (c) => {
        await c.cmd(['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu']);
        try {
          await c.cmd(['SET', 'f', 'v']);
          await c.cmd(['OBJECT', 'FREQ', 'f']);
          await c.cmd(['GET', 'f']);
          await c.cmd(['OBJECT', 'FREQ', 'f']);
          await c.cmd(['OBJECT', 'IDLETIME', 'f']);
        } finally {
          await c.cmd(['CONFIG', 'SET', 'maxmemory-policy', 'noeviction']);
        }
      });
      body('generic commands on lists, sets and hashes', async (c) => {
        await c.cmd(['RPUSH', 'l', 'a', 'b', 'c']);
        await c.cmd(['SADD', 's', '1', '2', '3']);
        await c.cmd(['SADD', 'sw', 'x', 'y']);
        await c.cmd(['HSET', 'h', 'f', 'v', 'g', 'w']);
        await c.cmd(['SET', 'str', 'v']);
        for (const k of ['l', 's', 'sw', 'h', 'str']) {
          await c.cmd(['TYPE', k]);
          await c.cmd(['OBJECT', 'ENCODING', k]);
          await c.cmd(['EXISTS', k]);
        }
        for (const t of ['list', 'set', 'hash', 'string', 'zset', 'stream']) {
          const [r, s] = await Promise.all([scanAll(c, 'redis', ['TYPE', t]), scanAll(c, 'subject', ['TYPE', t])]);
          if (JSON.stringify(r) !== JSON.stringify(s)) c.note(`SCAN TYPE ${t} (full iteration)`, JSON.stringify(r), JSON.stringify(s));
        }
        await c.cmd(['KEYS', '*'], { cmp: sortedArray });
        await c.cmd(['EXPIRE', 'l', '100']);
        await c.cmd(['TTL', 'l'], { cmp: intNear(1) });
        await c.cmd(['PEXPIREAT', 's', futureMs]);
        await c.cmd(['PEXPIRETIME', 's']);
        await c.cmd(['PERSIST', 's']);
        await c.cmd(['RENAME', 'l', 'l2']);
        await c.cmd(['LRANGE', 'l2', '0', '-1']);
        await c.cmd(['TTL', 'l2'], { cmp: intNear(1) });
        await c.cmd(['RENAMENX', 'h', 'str']);
        await c.cmd(['RENAME', 'h', 'str']);
        await c.cmd(['TYPE', 'str']);
        await c.cmd(['HGET', 'str', 'f']);
        await c.cmd(['COPY', 'l2', 'l3']);
        await c.cmd(['RPUSH', 'l3', 'd']);
        await c.cmd(['LRANGE', 'l2', '0', '-1']);
        await c.cmd(['LRANGE', 'l3', '0', '-1']);
        await c.cmd(['COPY', 's', 'l3', 'REPLACE']);
        await c.cmd(['TYPE', 'l3']);
        await c.cmd(['COPY', 's', 's1', 'DB', '1']);
        await c.cmd(['MOVE', 'sw', '1']);
        await c.cmd(['SELECT', '1']);
        await c.cmd(['SCARD', 's1']);
        await c.cmd(['TYPE', 'sw']);
        await c.cmd(['SELECT', '0']);
        await c.cmd(['SWAPDB', '0', '1']);
        await c.cmd(['TYPE', 'sw']);
        await c.cmd(['SWAPDB', '0', '1']);
        await c.cmd(['DUMP', 'l2']);
        await c.cmd(['DUMP', 's']);
        await c.cmd(['DUMP', 'str']);
        const [dr] = await c.cmd(['DUMP', 's']);
        if (Buffer.isBuffer(dr)) {
          const v = decodeReply(dr);
          if (v.kind === 'bulk') {
            await c.cmd(['RESTORE', 'restored', '0', Buffer.from(v.bytes)]);
            await c.cmd(['SMISMEMBER', 'restored', '1', '2', '4']);
            await c.cmd(['TYPE', 'restored']);
          }
        }
        await c.cmd(['DEL', 'l2', 's', 'str', 'missing']);
        await c.cmd(['EXISTS', 'l2', 's', 'str']);
        await c.cmd(['UNLINK', 'l3', 'restored']);
        await c.cmd(['DBSIZE']);
      });
      seq('RENAME RENAMENX', [
        ['RENAME', 'missing', 'x'],
        ['RENAMENX', 'missing', 'x'],
        ['SET', 'a', '1', 'EXAT', futureS],
        ['RENAME', 'a', 'b'],
        ['EXISTS', 'a'],
        ['GET', 'b'],
        ['EXPIRETIME', 'b'],
        ['RENAME', 'b', 'b'],
        ['RENAMENX', 'b', 'b'],
        ['SET', 'c', '3'],
        ['RENAMENX', 'b', 'c'],
        ['RENAMENX', 'b', 'd'],
        ['GET', 'd'],
        ['EXPIRETIME', 'd'],
        ['RENAME', 'c', 'd'],
        ['GET', 'd'],
        ['TTL', 'd'],
        ['RENAME', 'd'],
        ['RENAMENX', 'd', 'e', 'f'],
      ]);
      seq('KEYS', [
        ['KEYS', '*'],
        ['MSET', 'hello', '1', 'hallo', '2', 'hxllo', '3', 'hllo', '4', 'heeeello', '5', 'h*llo', '6', 'a[b', '7', 'x\\y', '8'],
        sorted(['KEYS', '*']),
        sorted(['KEYS', 'h?llo']),
        sorted(['KEYS', 'h*llo']),
        sorted(['KEYS', 'h[ae]llo']),
        sorted(['KEYS', 'h[^e]llo']),
        sorted(['KEYS', 'h[a-b]llo']),
        sorted(['KEYS', 'h\\*llo']),
        sorted(['KEYS', 'a[[]b']),
        sorted(['KEYS', 'a\\[b']),
        sorted(['KEYS', 'x\\\\y']),
        sorted(['KEYS', 'nomatch*']),
        sorted(['KEYS', '[']),
        sorted(['KEYS', 'h[']),
        sorted(['KEYS', '*o']),
        sorted(['KEYS', 'HELLO']),
        ['KEYS'],
        ['KEYS', 'a', 'b'],
      ]);
      body('SCAN', async (c) => {
        for (let i = 0; i < 40; i++) await c.cmd(['SET', `key:${i}`, String(i)]);
        await c.cmd(['SET', 'other', 'x']);
        // Cursors are the hash table's; compare what a full iteration returns, as sets.
        for (const extra of [[], ['COUNT', '5'], ['MATCH', 'key:1*'], ['MATCH', 'other', 'COUNT', '100'], ['TYPE', 'string'], ['TYPE', 'list'], ['MATCH', 'key:*', 'TYPE', 'string', 'COUNT', '3']]) {
          const [r, s] = await Promise.all([scanAll(c, 'redis', extra), scanAll(c, 'subject', extra)]);
          if (JSON.stringify(r) !== JSON.stringify(s)) c.note(`SCAN ... ${extra.join(' ')} (full iteration)`, JSON.stringify(r), JSON.stringify(s));
        }
        await c.cmd(['SCAN', 'abc']);
        await c.cmd(['SCAN', '0', 'COUNT', '0']);
        await c.cmd(['SCAN', '0', 'COUNT', 'x']);
        await c.cmd(['SCAN', '0', 'COUNT']);
        await c.cmd(['SCAN', '0', 'MATCH']);
        await c.cmd(['SCAN', '0', 'FOO', 'bar']);
        await c.cmd(['SCAN', '0', 'TYPE']);
        await c.cmd(['SCAN']);
        await c.cmd(['FLUSHALL']);
        await c.cmd(['SCAN', '0']);
        await c.cmd(['SCAN', '-1']);
        await c.cmd(['SET', 'only', '1']);
        await c.cmd(['SCAN', '0']);
        await c.cmd(['SCAN', '0', 'TYPE', 'nosuchtype']);
        // Cursors other than 0 on a non-empty db depend on the hash seed: not compared.
        await c.cmd(['SCAN', '18446744073709551616']);
      });
      body('RANDOMKEY DBSIZE', async (c) => {
        await c.cmd(['RANDOMKEY']);
        await c.cmd(['DBSIZE']);
        await c.cmd(['SET', 'one', '1']);
        await c.cmd(['RANDOMKEY']);
        await c.cmd(['DBSIZE']);
        await c.cmd(['MSET', 'two', '2', 'three', '3']);
        await c.cmd(['DBSIZE']);
        // Which key RANDOMKEY picks is random: it must be one of the keys.
        const [r, s] = await c.cmd(['RANDOMKEY'], { cmp: () => null });
        for (const [side, out] of [['redis', r], ['subject', s]] as const) {
          const key = Buffer.isBuffer(out) ? textOf(decodeReply(out)) : out;
          if (!['one', 'two', 'three'].includes(key)) c.note(`RANDOMKEY (${side})`, 'one of one/two/three', key);
        }
        await c.cmd(['SET', 'gone', 'v', 'PXAT', '1']);
        await c.cmd(['RANDOMKEY', 'x']);
        await c.cmd(['DBSIZE', 'x']);
      });
      seq('FLUSHDB FLUSHALL', [
        ['MSET', 'a', '1', 'b', '2'],
        ['SELECT', '1'],
        ['SET', 'c', '3'],
        ['FLUSHDB'],
        ['DBSIZE'],
        ['SELECT', '0'],
        ['DBSIZE'],
        ['FLUSHDB', 'ASYNC'],
        ['DBSIZE'],
        ['SET', 'a', '1'],
        ['FLUSHDB', 'SYNC'],
        ['DBSIZE'],
        ['SET', 'a', '1'],
        ['SELECT', '5'],
        ['SET', 'b', '1'],
        ['FLUSHALL', 'ASYNC'],
        ['DBSIZE'],
        ['SELECT', '0'],
        ['DBSIZE'],
        ['SET', 'a', '1'],
        ['FLUSHALL', 'SYNC'],
        ['DBSIZE'],
        ['FLUSHALL', 'sync'],
        ['FLUSHALL', 'FOO'],
        ['FLUSHDB', 'FOO'],
        ['FLUSHALL', 'SYNC', 'ASYNC'],
        ['FLUSHDB', 'ASYNC', 'x'],
      ]);
      seq('SELECT', [
        ['SELECT', '0'],
        ['SELECT', '15'],
        ['SET', 'in15', 'v'],
        ['SELECT', '16'],
        ['SELECT', '-1'],
        ['SELECT', 'abc'],
        ['SELECT', '1.0'],
        ['SELECT', ''],
        ['SELECT', i64Max],
        ['GET', 'in15'],
        ['SELECT', '0'],
        ['GET', 'in15'],
        ['SELECT'],
        ['SELECT', '1', '2'],
      ]);
      seq('MOVE', [
        ['SET', 'k', 'v', 'EXAT', futureS],
        ['MOVE', 'k', '1'],
        ['EXISTS', 'k'],
        ['MOVE', 'k', '1'],
        ['SELECT', '1'],
        ['GET', 'k'],
        ['EXPIRETIME', 'k'],
        ['MOVE', 'k', '1'],
        ['SET', 'j', 'x'],
        ['SELECT', '0'],
        ['SET', 'j', 'y'],
        ['MOVE', 'j', '1'],
        ['GET', 'j'],
        ['MOVE', 'j', '16'],
        ['MOVE', 'j', '-1'],
        ['MOVE', 'j', 'x'],
        ['MOVE', 'missing', '1'],
        ['MOVE', 'j'],
      ]);
      seq('SWAPDB', [
        ['SET', 'a', '0'],
        ['SELECT', '1'],
        ['SET', 'b', '1', 'EXAT', futureS],
        ['SWAPDB', '0', '1'],
        ['GET', 'a'],
        ['GET', 'b'],
        ['SELECT', '0'],
        ['GET', 'b'],
        ['EXPIRETIME', 'b'],
        ['SWAPDB', '0', '0'],
        ['GET', 'b'],
        ['SWAPDB', '0', '16'],
        ['SWAPDB', '-1', '0'],
        ['SWAPDB', 'a', '0'],
        ['SWAPDB', '0', 'b'],
        ['SWAPDB', '0'],
      ]);
      seq('COPY', [
        ['SET', 'src', 'v', 'EXAT', futureS],
        ['COPY', 'src', 'dst'],
        ['GET', 'dst'],
        ['EXPIRETIME', 'dst'],
        ['COPY', 'src', 'dst'],
        ['SET', 'src', 'w'],
        ['COPY', 'src', 'dst', 'REPLACE'],
        ['GET', 'dst'],
        ['TTL', 'dst'],
        ['COPY', 'src', 'src'],
        ['COPY', 'src', 'src', 'DB', '1'],
        ['SELECT', '1'],
        ['GET', 'src'],
        ['SELECT', '0'],
        ['COPY', 'src', 'src', 'DB', '1'],
        ['COPY', 'src', 'src', 'DB', '1', 'REPLACE'],
        ['COPY', 'missing', 'x'],
        ['COPY', 'src', 'x', 'DB', '16'],
        ['COPY', 'src', 'x', 'DB', 'abc'],
        ['COPY', 'src', 'x', 'DB'],
        ['COPY', 'src', 'x', 'FOO'],
        ['COPY', 'src', 'x', 'REPLACE', 'REPLACE'],
        ['COPY', 'src'],
        ['COPY', 'src', 'src', 'DB', '0'],
      ]);
      body('OBJECT', async (c) => {
        await c.cmd(['SET', 'int', '12345']);
        await c.cmd(['SET', 'neg', '-7']);
        await c.cmd(['SET', 'embstr', 'hello']);
        await c.cmd(['SET', 'raw', 'x'.repeat(45)]);
        await c.cmd(['SET', 'edge', 'x'.repeat(44)]);
        await c.cmd(['SET', 'bigint', '12345678901234567890']);
        await c.cmd(['SET', 'lead0', '0123']);
        await c.cmd(['APPEND', 'app', 'a']);
        await c.cmd(['SET', 'setr', 'abc']);
        await c.cmd(['SETRANGE', 'setr', '1', 'x']);
        await c.cmd(['SET', 'inc', '5']);
        await c.cmd(['INCR', 'inc']);
        for (const k of ['int', 'neg', 'embstr', 'raw', 'edge', 'bigint', 'lead0', 'app', 'setr', 'inc', 'missing']) {
          await c.cmd(['OBJECT', 'ENCODING', k]);
        }
        await c.cmd(['OBJECT', 'REFCOUNT', 'int']);
        await c.cmd(['OBJECT', 'REFCOUNT', 'embstr']);
        await c.cmd(['OBJECT', 'REFCOUNT', 'missing']);
        await c.cmd(['OBJECT', 'FREQ', 'int']);
        await c.cmd(['OBJECT', 'FREQ', 'missing']);
        // Idle seconds depend on the clock: both near 0 right after a write.
        await c.cmd(['OBJECT', 'IDLETIME', 'embstr'], { cmp: intNear(1) });
        await c.cmd(['OBJECT', 'IDLETIME', 'missing']);
        await c.cmd(['OBJECT', 'ENCODING']);
        await c.cmd(['OBJECT', 'ENCODING', 'a', 'b']);
        await c.cmd(['OBJECT', 'FOO', 'a']);
        await c.cmd(['OBJECT']);
      });
      body('DUMP RESTORE', async (c) => {
        await c.cmd(['SET', 'a', 'hello']);
        await c.cmd(['SET', 'n', '12345']);
        await c.cmd(['SET', 'l', 'x'.repeat(100)]);
        await c.cmd(['DUMP', 'missing']);
        const dumps: Buffer[] = [];
        for (const k of ['a', 'n', 'l']) {
          const [r] = await c.cmd(['DUMP', k]);
          if (Buffer.isBuffer(r)) {
            const v = decodeReply(r);
            if (v.kind === 'bulk') dumps.push(Buffer.from(v.bytes));
          }
        }
        // Redis's own payloads, restored on both servers: KeelDB must accept them.
        for (const [i, payload] of dumps.entries()) {
          await c.cmd(['RESTORE', `r${i}`, '0', payload]);
          await c.cmd(['GET', `r${i}`]);
          await c.cmd(['TTL', `r${i}`]);
        }
        if (dumps.length > 0) {
          const p = dumps[0]!;
          await c.cmd(['RESTORE', 'r0', '0', p]);
          await c.cmd(['RESTORE', 'r0', '0', p, 'REPLACE']);
          await c.cmd(['RESTORE', 'rt', '100000', p]);
          await c.cmd(['PTTL', 'rt'], { cmp: intNear(1500) });
          await c.cmd(['RESTORE', 'ra', futureMs, p, 'ABSTTL']);
          await c.cmd(['PEXPIRETIME', 'ra']);
          await c.cmd(['RESTORE', 'rp', '1', p, 'ABSTTL']);
          await c.cmd(['EXISTS', 'rp']);
          await c.cmd(['RESTORE', 'ri', '0', p, 'IDLETIME', '1000']);
          await c.cmd(['OBJECT', 'IDLETIME', 'ri'], { cmp: intNear(1) });
          await c.cmd(['RESTORE', 'rf', '0', p, 'FREQ', '100']);
          await c.cmd(['RESTORE', 'rx', '-1', p]);
          await c.cmd(['RESTORE', 'rx', 'abc', p]);
          await c.cmd(['RESTORE', 'rx', '0', p, 'IDLETIME', '-1']);
          await c.cmd(['RESTORE', 'rx', '0', p, 'FREQ', '256']);
          await c.cmd(['RESTORE', 'rx', '0', p, 'FOO']);
          const corrupt = Buffer.from(p);
          corrupt[corrupt.length - 1] = corrupt[corrupt.length - 1]! ^ 0xff;
          await c.cmd(['RESTORE', 'rx', '0', corrupt]);
          await c.cmd(['RESTORE', 'rx', '0', 'garbage']);
          await c.cmd(['EXISTS', 'rx']);
        }
        await c.cmd(['DUMP']);
        await c.cmd(['RESTORE', 'k', '0']);
      });
    });
  }
});
