// Generic key commands (src/engine/commands/keys.ts) through a real in-process Engine:
// replies and error texts byte for byte as Redis 7.0.15 gives them, the effects each
// command logs, and that replaying those effects rebuilds the same keyspace.

import fc from 'fast-check';
import { beforeEach, describe, expect, test } from 'vitest';
import { keyspaceDigest } from '../../src/engine/digest.js';
import { decodeEffectRecord, encodeEffectRecord, type EffectRecord } from '../../src/engine/effects.js';
import { createDumpPayload } from '../../src/engine/dump.js';
import type { Engine } from '../../src/engine/engine.js';
import { FakeClock, newEngine, openClient, resp, runCommand, seededRandom, useResp3, ownedEffectRecord } from './support/run.js';

const { ok, nil, int, err, bulk, status, array } = resp;

let clock: FakeClock;
let engine: Engine;
let c: number;
let records: EffectRecord[];

function r(...argv: Array<string | Buffer>): string {
  return runCommand(engine, c, argv);
}

/** Effects logged since the last call, as 'db:ARG ARG' strings. */
function effects(): string[] {
  const out = records.flatMap((rec) => rec.effects.map((e) => `${e.dbIndex}:${e.argv.map((a) => a.toString('latin1')).join(' ')}`));
  records.length = 0;
  return out;
}

/** Sorted members of a flat RESP2 array of bulk strings. */
function bulks(reply: string): string[] {
  const lines = reply.split('\r\n');
  const out: string[] = [];
  for (let i = 1; i < lines.length - 1; i += 2) out.push(lines[i + 1]!);
  return out.sort();
}

beforeEach(() => {
  clock = new FakeClock(1_700_000_000_000);
  engine = newEngine({ clock: clock.now, random: seededRandom(7) });
  c = openClient(engine);
  records = [];
  engine.onEffects = (rec) => records.push(ownedEffectRecord(rec));
});

describe('DEL, UNLINK, EXISTS, TYPE, TOUCH', () => {
  test('counts, repeats and types', () => {
    r('SET', 'a', '1');
    r('SET', 'b', '2');
    expect(r('EXISTS', 'a', 'a', 'b', 'zz')).toBe(int(3));
    expect(r('TYPE', 'a')).toBe(status('string'));
    expect(r('TYPE', 'zz')).toBe(status('none'));
    expect(r('TOUCH', 'a', 'zz', 'b')).toBe(int(2));
    expect(r('DEL', 'a', 'a', 'zz')).toBe(int(1));
    expect(r('UNLINK', 'b')).toBe(int(1));
    expect(r('EXISTS', 'a', 'b')).toBe(int(0));
    effects();
    expect(r('DEL', 'nothing')).toBe(int(0));
    expect(effects()).toEqual([]);
  });

  test('an expired key is deleted as an expiry, not counted', () => {
    r('SET', 'k', 'v', 'PX', '100');
    effects();
    clock.advance(100);
    expect(r('DEL', 'k')).toBe(int(0));
    expect(effects()).toEqual(['0:DEL k']);
  });

  test('keyspace hits and misses are counted by EXISTS/TYPE, not by DEL', () => {
    r('SET', 'a', '1');
    const before = engine.stats.keyspaceHits + engine.stats.keyspaceMisses;
    r('EXISTS', 'a', 'b');
    r('DEL', 'x');
    expect(engine.stats.keyspaceHits + engine.stats.keyspaceMisses - before).toBe(2);
  });
});

describe('EXPIRE family', () => {
  test('relative and absolute forms are logged as PEXPIREAT with an absolute time', () => {
    const now = clock.ms;
    r('SET', 'k', 'v');
    effects();
    expect(r('EXPIRE', 'k', '100')).toBe(int(1));
    expect(effects()).toEqual([`0:PEXPIREAT k ${now + 100_000}`]);
    expect(r('PEXPIRE', 'k', '1500', 'XX')).toBe(int(1));
    expect(effects()).toEqual([`0:PEXPIREAT k ${now + 1500} XX`]);
    expect(r('EXPIREAT', 'k', String(Math.floor(now / 1000) + 50))).toBe(int(1));
    expect(effects()).toEqual([`0:PEXPIREAT k ${(Math.floor(now / 1000) + 50) * 1000}`]);
    expect(r('pexpireat', 'k', String(now + 7777))).toBe(int(1));
    expect(effects()).toEqual([`0:pexpireat k ${now + 7777}`]);
    expect(r('PTTL', 'k')).toBe(int(7777));
    expect(r('TTL', 'k')).toBe(int(8)); // (7777 + 500) / 1000
    expect(r('PEXPIRETIME', 'k')).toBe(int(now + 7777));
    expect(r('EXPIRETIME', 'k')).toBe(int(Math.floor((now + 7777 + 500) / 1000)));
  });

  test('a time in the past deletes the key and logs DEL', () => {
    r('SET', 'k', 'v');
    effects();
    expect(r('EXPIRE', 'k', '-1')).toBe(int(1));
    expect(effects()).toEqual(['0:DEL k']);
    expect(r('EXISTS', 'k')).toBe(int(0));
    r('SET', 'k', 'v');
    effects();
    expect(r('PEXPIREAT', 'k', String(clock.ms))).toBe(int(1));
    expect(effects()).toEqual(['0:DEL k']);
    r('SET', 'k', 'v');
    r('CONFIG', 'SET', 'lazyfree-lazy-expire', 'yes');
    effects();
    expect(r('PEXPIRE', 'k', '0')).toBe(int(1));
    expect(effects()).toEqual(['0:UNLINK k']);
  });

  test('NX XX GT LT', () => {
    r('SET', 'k', 'v');
    expect(r('EXPIRE', 'k', '100', 'XX')).toBe(int(0));
    expect(r('EXPIRE', 'k', '100', 'GT')).toBe(int(0)); // no TTL is an infinite one
    expect(r('EXPIRE', 'k', '100', 'LT')).toBe(int(1));
    expect(r('EXPIRE', 'k', '200', 'NX')).toBe(int(0));
    expect(r('EXPIRE', 'k', '50', 'GT')).toBe(int(0));
    expect(r('EXPIRE', 'k', '200', 'gt')).toBe(int(1));
    expect(r('EXPIRE', 'k', '300', 'LT')).toBe(int(0));
    expect(r('EXPIRE', 'k', '100', 'lt', 'xx')).toBe(int(1));
    expect(r('TTL', 'k')).toBe(int(100));
    expect(r('EXPIRE', 'missing', '100')).toBe(int(0));
  });

  test('errors, in Redis order', () => {
    r('SET', 'k', 'v');
    expect(r('EXPIRE', 'k', '10', 'foo')).toBe(err('ERR Unsupported option foo'));
    expect(r('EXPIRE', 'k', 'abc', 'nx')).toBe(err('ERR value is not an integer or out of range'));
    expect(r('EXPIRE', 'k', 'abc', 'bad')).toBe(err('ERR Unsupported option bad'));
    expect(r('EXPIRE', 'k', '10', 'nx', 'xx')).toBe(err('ERR NX and XX, GT or LT options at the same time are not compatible'));
    expect(r('EXPIRE', 'k', '10', 'nx', 'gt')).toBe(err('ERR NX and XX, GT or LT options at the same time are not compatible'));
    expect(r('EXPIRE', 'k', '10', 'gt', 'lt')).toBe(err('ERR GT and LT options at the same time are not compatible'));
    expect(r('EXPIRE', 'k', '99999999999999999')).toBe(err("ERR invalid expire time in 'expire' command"));
    expect(r('EXPIREAT', 'k', '-9999999999999999')).toBe(err("ERR invalid expire time in 'expireat' command"));
    expect(r('PEXPIRE', 'k', '9223372036854775807')).toBe(err("ERR invalid expire time in 'pexpire' command"));
    expect(r('EXPIRE', 'k')).toBe(err("ERR wrong number of arguments for 'expire' command"));
    // The missing key is checked after the arguments.
    expect(r('EXPIRE', 'missing', '99999999999999999')).toBe(err("ERR invalid expire time in 'expire' command"));
  });

  test('the largest expire time is reported exactly', () => {
    r('SET', 'k', 'v');
    expect(r('PEXPIREAT', 'k', '9223372036854775807')).toBe(int(1));
    expect(r('PEXPIRETIME', 'k')).toBe(':9223372036854775807\r\n');
    expect(r('EXPIRETIME', 'k')).toBe(':9223372036854776\r\n');
    expect(r('PTTL', 'k')).toBe(`:${9223372036854775807n - BigInt(clock.ms)}\r\n`);
    expect(r('TTL', 'k')).toBe(`:${(9223372036854775807n - BigInt(clock.ms) + 500n) / 1000n}\r\n`);
  });

  test('TTL family on missing keys and keys without TTL; PERSIST', () => {
    r('SET', 'k', 'v');
    for (const cmd of ['TTL', 'PTTL', 'EXPIRETIME', 'PEXPIRETIME']) {
      expect(r(cmd, 'missing')).toBe(int(-2));
      expect(r(cmd, 'k')).toBe(int(-1));
    }
    expect(r('PERSIST', 'k')).toBe(int(0));
    expect(r('PERSIST', 'missing')).toBe(int(0));
    r('PEXPIRE', 'k', '1000');
    effects();
    expect(r('PERSIST', 'k')).toBe(int(1));
    expect(effects()).toEqual(['0:PERSIST k']);
    expect(r('TTL', 'k')).toBe(int(-1));
  });
});

describe('RENAME, RENAMENX', () => {
  test('moves the value and keeps the TTL', () => {
    r('SET', 'a', 'v');
    r('PEXPIRE', 'a', '5000');
    r('SET', 'b', 'old');
    expect(r('RENAME', 'a', 'b')).toBe(ok);
    expect(r('GET', 'b')).toBe(bulk('v'));
    expect(r('PTTL', 'b')).toBe(int(5000));
    expect(r('EXISTS', 'a')).toBe(int(0));
    r('SET', 'c', 'x');
    expect(r('RENAME', 'c', 'b')).toBe(ok);
    expect(r('PTTL', 'b')).toBe(int(-1)); // the source had no TTL
  });

  test('errors and same-key cases', () => {
    expect(r('RENAME', 'nope', 'x')).toBe(err('ERR no such key'));
    expect(r('RENAMENX', 'nope', 'x')).toBe(err('ERR no such key'));
    expect(r('RENAME', 'nope', 'nope')).toBe(err('ERR no such key'));
    r('SET', 'a', '1');
    r('SET', 'b', '2');
    effects();
    expect(r('RENAME', 'a', 'a')).toBe(ok);
    expect(r('RENAMENX', 'a', 'a')).toBe(int(0));
    expect(effects()).toEqual([]);
    expect(r('RENAMENX', 'a', 'b')).toBe(int(0));
    expect(r('RENAMENX', 'a', 'c')).toBe(int(1));
    expect(r('GET', 'c')).toBe(bulk('1'));
    expect(effects()).toEqual(['0:RENAMENX a c']);
  });
});

describe('KEYS, SCAN, RANDOMKEY, DBSIZE', () => {
  test('KEYS matches globs and skips expired keys without deleting them', () => {
    for (const k of ['hello', 'hallo', 'hxllo', 'hllo', 'heeeello', 'a*b']) r('SET', k, '1');
    expect(bulks(r('KEYS', 'h?llo'))).toEqual(['hallo', 'hello', 'hxllo']);
    expect(bulks(r('KEYS', 'h*llo'))).toEqual(['hallo', 'heeeello', 'hello', 'hllo', 'hxllo']);
    expect(bulks(r('KEYS', 'h[ae]llo'))).toEqual(['hallo', 'hello']);
    expect(bulks(r('KEYS', 'h[^e]llo'))).toEqual(['hallo', 'hxllo']);
    expect(bulks(r('KEYS', 'h[a-b]llo'))).toEqual(['hallo']);
    expect(bulks(r('KEYS', 'a\\*b'))).toEqual(['a*b']);
    expect(bulks(r('KEYS', '*'))).toHaveLength(6);
    r('PEXPIRE', 'hello', '10');
    clock.advance(10);
    effects();
    expect(bulks(r('KEYS', 'h?llo'))).toEqual(['hallo', 'hxllo']);
    expect(effects()).toEqual([]);
    expect(r('DBSIZE')).toBe(int(6)); // not deleted yet, as in Redis
  });

  test('SCAN visits every key exactly once without churn, with COUNT, MATCH and TYPE', () => {
    const keys: string[] = [];
    for (let i = 0; i < 95; i++) {
      keys.push(`key:${i}`);
      r('SET', `key:${i}`, String(i));
    }
    const seen: string[] = [];
    let cursor = '0';
    let calls = 0;
    do {
      const reply = r('SCAN', cursor, 'COUNT', '7');
      const m = /^\*2\r\n\$\d+\r\n(\d+)\r\n/.exec(reply)!;
      cursor = m[1]!;
      seen.push(...bulks(reply.slice(m[0].length)));
      calls++;
    } while (cursor !== '0');
    expect(seen.sort()).toEqual(keys.sort());
    expect(calls).toBe(Math.ceil(95 / 7));
    const matched = r('SCAN', '0', 'COUNT', '1000', 'MATCH', 'key:1?');
    expect(bulks(matched.slice(matched.indexOf('*', 2)))).toEqual(['key:10', 'key:11', 'key:12', 'key:13', 'key:14', 'key:15', 'key:16', 'key:17', 'key:18', 'key:19']);
    expect(r('SCAN', '0', 'COUNT', '1000', 'TYPE', 'list')).toBe(array(bulk('0'), array()));
    expect(r('SCAN', '0', 'COUNT', '1000', 'TYPE', 'nosuchtype')).toBe(array(bulk('0'), array()));
    const strings = r('SCAN', '0', 'COUNT', '1000', 'TYPE', 'STRING', 'MATCH', 'key:9*');
    expect(bulks(strings.slice(strings.indexOf('*', 2)))).toHaveLength(6);
  });

  test('SCAN deletes expired keys it meets, and parses cursors as strtoul', () => {
    r('SET', 'k', 'v', 'PX', '5');
    r('SET', 'j', 'v');
    clock.advance(5);
    effects();
    expect(r('SCAN', '0')).toBe(array(bulk('0'), array(bulk('j'))));
    expect(effects()).toEqual(['0:DEL k']);
    expect(r('SCAN', '')).toBe(array(bulk('0'), array(bulk('j'))));
    expect(r('SCAN', '-1')).toBe(array(bulk('0'), array(bulk('j'))));
    expect(r('SCAN', '+0')).toBe(array(bulk('0'), array(bulk('j'))));
    expect(r('SCAN', '18446744073709551615')).toBe(array(bulk('0'), array(bulk('j'))));
    for (const bad of [' 1', '1 ', 'x', '0x10', '-', '18446744073709551616', '1.5']) {
      expect(r('SCAN', bad)).toBe(err('ERR invalid cursor'));
    }
    expect(r('SCAN', '0', 'COUNT', '0')).toBe(err('ERR syntax error'));
    expect(r('SCAN', '0', 'COUNT', 'x')).toBe(err('ERR value is not an integer or out of range'));
    expect(r('SCAN', '0', 'COUNT')).toBe(err('ERR syntax error'));
    expect(r('SCAN', '0', 'FOO', 'bar')).toBe(err('ERR syntax error'));
    expect(r('SCAN', 'x', 'COUNT', '0')).toBe(err('ERR invalid cursor'));
  });

  test('RANDOMKEY returns a live key, deleting expired picks on the way', () => {
    expect(r('RANDOMKEY')).toBe(nil);
    for (let i = 0; i < 10; i++) r('SET', `dead${i}`, 'v', 'PX', '1');
    r('SET', 'live', 'v');
    clock.advance(1);
    effects();
    expect(r('RANDOMKEY')).toBe(bulk('live'));
    const dels = effects();
    expect(dels.every((e) => /^0:DEL dead\d$/.test(e))).toBe(true);
    expect(r('DBSIZE')).toBe(int(11 - dels.length));
  });
});

describe('FLUSHDB, FLUSHALL', () => {
  test('flush and are always logged, without SYNC/ASYNC', () => {
    r('SET', 'a', '1');
    r('SELECT', '3');
    r('SET', 'b', '1');
    effects();
    expect(r('FLUSHDB', 'ASYNC')).toBe(ok);
    expect(effects()).toEqual(['3:FLUSHDB']);
    expect(r('DBSIZE')).toBe(int(0));
    expect(r('FLUSHDB')).toBe(ok);
    expect(effects()).toEqual(['3:FLUSHDB']);
    r('SELECT', '0');
    expect(r('DBSIZE')).toBe(int(1));
    expect(r('FLUSHALL', 'sync')).toBe(ok);
    expect(effects()).toEqual(['0:FLUSHALL']);
    expect(r('DBSIZE')).toBe(int(0));
    expect(r('FLUSHALL', 'now')).toBe(err('ERR syntax error'));
    expect(r('FLUSHDB', 'now')).toBe(err('ERR syntax error'));
    expect(r('FLUSHALL', 'sync', 'sync')).toBe(err('ERR syntax error'));
  });
});

describe('COPY, MOVE, SWAPDB', () => {
  test('COPY within and across databases, REPLACE, TTL kept', () => {
    r('SET', 'src', 'v');
    r('PEXPIRE', 'src', '9000');
    expect(r('COPY', 'src', 'dst')).toBe(int(1));
    expect(r('GET', 'dst')).toBe(bulk('v'));
    expect(r('PTTL', 'dst')).toBe(int(9000));
    r('SET', 'other', 'o');
    expect(r('COPY', 'other', 'dst')).toBe(int(0));
    expect(r('COPY', 'other', 'dst', 'REPLACE')).toBe(int(1));
    expect(r('PTTL', 'dst')).toBe(int(-1));
    expect(r('COPY', 'src', 'dst', 'DB', '5')).toBe(int(1));
    r('SELECT', '5');
    expect(r('GET', 'dst')).toBe(bulk('v'));
    r('SELECT', '0');
    expect(r('COPY', 'missing', 'x')).toBe(int(0));
    expect(r('COPY', 'src', 'src')).toBe(err('ERR source and destination objects are the same'));
    expect(r('COPY', 'src', 'src', 'DB', '0')).toBe(err('ERR source and destination objects are the same'));
    expect(r('COPY', 'src', 'src', 'DB', '1')).toBe(int(1));
    expect(r('COPY', 'src', 'x', 'DB')).toBe(err('ERR syntax error'));
    expect(r('COPY', 'src', 'x', 'FOO')).toBe(err('ERR syntax error'));
    expect(r('COPY', 'src', 'x', 'DB', 'a')).toBe(err('ERR value is not an integer or out of range'));
    expect(r('COPY', 'src', 'x', 'DB', '99999999999')).toBe(err('ERR value is out of range, value must between -2147483648 and 2147483647'));
    expect(r('COPY', 'src', 'x', 'DB', '16')).toBe(err('ERR DB index is out of range'));
  });

  test('MOVE', () => {
    r('SET', 'k', 'v');
    r('PEXPIRE', 'k', '3000');
    expect(r('MOVE', 'k', '0')).toBe(err('ERR source and destination objects are the same'));
    expect(r('MOVE', 'k', '16')).toBe(err('ERR DB index is out of range'));
    expect(r('MOVE', 'k', 'x')).toBe(err('ERR value is not an integer or out of range'));
    expect(r('MOVE', 'k', '99999999999')).toBe(err('ERR value is out of range, value must between -2147483648 and 2147483647'));
    expect(r('MOVE', 'missing', '1')).toBe(int(0));
    expect(r('MOVE', 'k', '1')).toBe(int(1));
    expect(r('EXISTS', 'k')).toBe(int(0));
    r('SELECT', '1');
    expect(r('PTTL', 'k')).toBe(int(3000));
    r('SET', 'k2', 'x');
    r('SELECT', '0');
    r('SET', 'k2', 'y');
    expect(r('MOVE', 'k2', '1')).toBe(int(0));
  });

  test('SWAPDB', () => {
    r('SET', 'a', '0');
    r('SELECT', '1');
    r('SET', 'b', '1');
    effects();
    expect(r('SWAPDB', '0', '1')).toBe(ok);
    expect(effects()).toEqual(['1:SWAPDB 0 1']);
    expect(r('GET', 'a')).toBe(bulk('0'));
    expect(r('SWAPDB', '1', '1')).toBe(ok);
    expect(effects()).toEqual(['1:SWAPDB 1 1']);
    expect(r('GET', 'a')).toBe(bulk('0'));
    expect(r('SWAPDB', 'a', '1')).toBe(err('ERR invalid first DB index'));
    expect(r('SWAPDB', '1', 'a')).toBe(err('ERR invalid second DB index'));
    expect(r('SWAPDB', '99999999999', '1')).toBe(err('ERR invalid first DB index'));
    expect(r('SWAPDB', '1', '17')).toBe(err('ERR DB index is out of range'));
    expect(r('SWAPDB', '-1', '0')).toBe(err('ERR DB index is out of range'));
  });
});

describe('OBJECT', () => {
  test('ENCODING, REFCOUNT, IDLETIME, FREQ, HELP', () => {
    r('SET', 'int', '123');
    r('SET', 'big', '12345');
    r('SET', 'neg', '-9223372036854775808');
    r('SET', 'short', 'hello');
    r('SET', 'long', 'x'.repeat(45));
    r('SET', 'edge', 'x'.repeat(44));
    r('SET', 'lead', '0123');
    expect(r('OBJECT', 'ENCODING', 'int')).toBe(bulk('int'));
    expect(r('OBJECT', 'ENCODING', 'neg')).toBe(bulk('int'));
    expect(r('OBJECT', 'ENCODING', 'short')).toBe(bulk('embstr'));
    expect(r('OBJECT', 'ENCODING', 'edge')).toBe(bulk('embstr'));
    expect(r('OBJECT', 'ENCODING', 'long')).toBe(bulk('raw'));
    expect(r('OBJECT', 'ENCODING', 'lead')).toBe(bulk('embstr'));
    expect(r('OBJECT', 'ENCODING', 'missing')).toBe(nil);
    expect(r('OBJECT', 'REFCOUNT', 'int')).toBe(int(2147483647));
    expect(r('OBJECT', 'REFCOUNT', 'big')).toBe(int(1));
    expect(r('OBJECT', 'REFCOUNT', 'short')).toBe(int(1));
    expect(r('OBJECT', 'IDLETIME', 'short')).toBe(int(0));
    expect(r('OBJECT', 'FREQ', 'missing')).toBe(nil);
    expect(r('OBJECT', 'FREQ', 'short')).toBe(
      err('ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.'),
    );
    const help = r('OBJECT', 'HELP');
    expect(help.startsWith('*15\r\n+OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+ENCODING <key>\r\n')).toBe(true);
    expect(help.endsWith('+HELP\r\n+    Prints this help.\r\n')).toBe(true);
  });
});

describe('DUMP, RESTORE', () => {
  test('round trip with TTL forms and the logged ABSTTL rewrite', () => {
    const value = 'v'.repeat(100) + 'abc';
    r('SET', 'k', value);
    const dumped = r('DUMP', 'k');
    const payload = Buffer.from(dumped.slice(dumped.indexOf('\r\n') + 2, -2), 'latin1');
    expect(r('RESTORE', 'k', '0', payload)).toBe(err('BUSYKEY Target key name already exists.'));
    effects();
    expect(r('RESTORE', 'k2', '5000', payload)).toBe(ok);
    expect(effects()).toEqual([`0:RESTORE k2 ${clock.ms + 5000} ${payload.toString('latin1')} ABSTTL`]);
    expect(r('GET', 'k2')).toBe(bulk(value));
    expect(r('PTTL', 'k2')).toBe(int(5000));
    expect(r('RESTORE', 'k2', String(clock.ms + 100), payload, 'ABSTTL', 'REPLACE')).toBe(ok);
    expect(effects()).toEqual([`0:RESTORE k2 ${clock.ms + 100} ${payload.toString('latin1')} ABSTTL REPLACE`]);
    expect(r('PTTL', 'k2')).toBe(int(100));
    // Already expired: with REPLACE the old key goes (logged DEL); without, nothing happens.
    expect(r('RESTORE', 'k2', '1', payload, 'ABSTTL', 'REPLACE')).toBe(ok);
    expect(effects()).toEqual(['0:DEL k2']);
    expect(r('EXISTS', 'k2')).toBe(int(0));
    expect(r('RESTORE', 'k3', '1', payload, 'ABSTTL')).toBe(ok);
    expect(effects()).toEqual([]);
    expect(r('RESTORE', 'k4', '0', payload, 'IDLETIME', '10', 'REPLACE')).toBe(ok);
    expect(r('GET', 'k4')).toBe(bulk(value));
    expect(r('DUMP', 'missing')).toBe(nil);
  });

  test('errors, in Redis order', () => {
    r('SET', 'k', 'v');
    const dumped = r('DUMP', 'k');
    const payload = Buffer.from(dumped.slice(dumped.indexOf('\r\n') + 2, -2), 'latin1');
    expect(r('RESTORE', 'q', '0', 'abc')).toBe(err('ERR DUMP payload version or checksum are wrong'));
    expect(r('RESTORE', 'k', '0', 'abc')).toBe(err('BUSYKEY Target key name already exists.'));
    expect(r('RESTORE', 'q', '-1', 'abc')).toBe(err('ERR Invalid TTL value, must be >= 0'));
    expect(r('RESTORE', 'q', 'x', 'abc')).toBe(err('ERR value is not an integer or out of range'));
    expect(r('RESTORE', 'q', '0', 'abc', 'IDLETIME', '-1')).toBe(err('ERR Invalid IDLETIME value, must be >= 0'));
    expect(r('RESTORE', 'q', '0', 'abc', 'FREQ', '256')).toBe(err('ERR Invalid FREQ value, must be >= 0 and <= 255'));
    expect(r('RESTORE', 'q', '0', 'abc', 'IDLETIME', '1', 'FREQ', '1')).toBe(err('ERR syntax error'));
    expect(r('RESTORE', 'q', '0', 'abc', 'FOO')).toBe(err('ERR syntax error'));
    expect(r('RESTORE', 'q', '0', 'abc', 'IDLETIME')).toBe(err('ERR syntax error'));
    const corrupt = Buffer.from(payload);
    corrupt[1] ^= 1;
    expect(r('RESTORE', 'q', '0', corrupt)).toBe(err('ERR DUMP payload version or checksum are wrong'));
    const newer = Buffer.from(payload);
    newer.writeUInt16LE(11, newer.length - 10);
    expect(r('RESTORE', 'q', '0', newer)).toBe(err('ERR DUMP payload version or checksum are wrong'));
  });
});

describe('inside MULTI and under RESP3', () => {
  test('rewrites are logged per command of an EXEC, in one record', () => {
    r('SET', 'k', 'v');
    r('SET', 'gone', 'v');
    effects();
    r('MULTI');
    r('EXPIRE', 'k', '10');
    r('EXPIRE', 'gone', '0');
    r('FLUSHDB', 'ASYNC');
    expect(r('EXEC')).toBe(array(int(1), int(1), ok));
    expect(records).toHaveLength(1);
    expect(effects()).toEqual([`0:PEXPIREAT k ${clock.ms + 10_000}`, '0:DEL gone', '0:FLUSHDB']);
  });

  test('missing values are RESP3 nulls', () => {
    useResp3(engine, c);
    expect(r('RANDOMKEY')).toBe('_\r\n');
    expect(r('OBJECT', 'ENCODING', 'missing')).toBe('_\r\n');
    expect(r('DUMP', 'missing')).toBe('_\r\n');
    r('SET', 'k', 'v');
    expect(r('SCAN', '0')).toBe(array(bulk('0'), array(bulk('k'))));
  });
});

describe('replaying the logged effects rebuilds the keyspace', () => {
  test('a mixed sequence through time', () => {
    const replica = newEngine({ clock: clock.now, random: seededRandom(9) });
    const all: EffectRecord[] = [];
    engine.onEffects = (rec) => all.push(ownedEffectRecord(rec));
    const script: Array<Array<string>> = [
      ['SET', 'a', '1'],
      ['SET', 'b', 'bee'],
      ['EXPIRE', 'a', '10'],
      ['PEXPIRE', 'b', '50', 'NX'],
      ['COPY', 'b', 'c', 'DB', '2'],
      ['RENAME', 'a', 'z'],
      ['MOVE', 'z', '3'],
      ['SWAPDB', '2', '3'],
      ['SET', 'gone', 'x'],
      ['EXPIRE', 'gone', '-5'],
      ['SET', 'r', 'rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr'],
      ['DUMP', 'r'],
      ['PERSIST', 'b'],
      ['FLUSHDB'],
    ];
    for (const argv of script) {
      const reply = r(...argv);
      if (argv[0] === 'DUMP') {
        const payload = Buffer.from(reply.slice(reply.indexOf('\r\n') + 2, -2), 'latin1');
        expect(r('RESTORE', 'restored', '20000', payload)).toBe(ok);
      }
      clock.advance(7);
    }
    r('SET', 'late', 'x', 'PX', '30');
    r('SELECT', '2');
    r('RANDOMKEY');
    clock.advance(40);
    r('SELECT', '0');
    r('SCAN', '0');
    for (const rec of all) replica.applyEffectRecord(rec);
    expect(keyspaceDigest(replica.keyspace)).toBe(keyspaceDigest(engine.keyspace));
    expect(engine.keyspace.dbs.some((db) => db.size > 0)).toBe(true);
  });
});

describe('replaying key-command effects, property', () => {
  test('random RESTORE / EXPIRE / SCAN / RANDOMKEY / MOVE sequences replay to the same keyspace', () => {
    const start = 1_700_000_000_000;
    const key = fc.constantFrom('k0', 'k1', 'k2', 'k3');
    const payload = fc.constantFrom('v', '42', '-70000', 'x'.repeat(60), '').map((v) => createDumpPayload(v)!);
    const ttl = fc.constantFrom('0', '1', '50', '400', '-1', '9223372036854775807', '4000000000000');
    const cmd = fc.oneof(
      fc.tuple(key, fc.constantFrom('a', 'bb', '7')).map(([k, v]) => ['SET', k, v]),
      fc.tuple(key, fc.constantFrom('0', '100', '300'), payload, fc.constantFrom<string[]>([], ['REPLACE'], ['ABSTTL'], ['REPLACE', 'ABSTTL'])).map(([k, t, p, o]) => [
        'RESTORE', k, t === '0' || !o.includes('ABSTTL') ? t : String(start + Number(t)), p, ...o,
      ]),
      fc.tuple(fc.constantFrom('EXPIRE', 'PEXPIRE', 'EXPIREAT', 'PEXPIREAT'), key, ttl, fc.constantFrom([], ['NX'], ['XX'], ['GT'], ['LT'], ['XX', 'LT'])).map(([c, k, t, o]) => [c, k, t, ...o]),
      key.map((k) => ['PERSIST', k]),
      fc.tuple(fc.constantFrom('RENAME', 'RENAMENX'), key, key).map(([c, a, b]) => [c, a, b]),
      fc.tuple(key, fc.constantFrom('0', '1')).map(([k, d]) => ['MOVE', k, d]),
      fc.tuple(key, key, fc.constantFrom([], ['REPLACE'], ['DB', '1'])).map(([a, b, o]) => ['COPY', a, b, ...o]),
      fc.constantFrom(['SCAN', '0', 'COUNT', '2'], ['SCAN', '0', 'TYPE', 'string'], ['RANDOMKEY'], ['KEYS', '*'], ['SWAPDB', '0', '1'], ['SELECT', '0'], ['SELECT', '1'], ['FLUSHDB', 'ASYNC']),
      fc.tuple(key, key).map(([a, b]) => ['DEL', a, b]),
    );
    const step = fc.oneof(
      { weight: 6, arbitrary: cmd.map((argv) => ({ argv, advance: 0 })) },
      { weight: 2, arbitrary: fc.integer({ min: 1, max: 200 }).map((ms) => ({ argv: null, advance: ms })) },
    );
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 2 ** 31 }), (steps, seed) => {
        const clk = new FakeClock(start);
        const a = newEngine({ clock: clk.now, random: seededRandom(seed) });
        const encoded: Buffer[] = [];
        a.onEffects = (rec) => encoded.push(encodeEffectRecord(rec));
        const client = openClient(a);
        for (const s of steps) {
          if (s.argv === null) clk.advance(s.advance);
          else runCommand(a, client, s.argv);
        }
        // The replica's clock is far ahead: expiry must be decided by each record's time.
        const b = newEngine({ clock: () => clk.ms + 10_000_000, random: seededRandom(seed + 1) });
        for (const buf of encoded) b.applyEffectRecord(decodeEffectRecord(buf));
        expect(keyspaceDigest(b.keyspace)).toBe(keyspaceDigest(a.keyspace));
      }),
      { numRuns: 200 },
    );
  });
});
