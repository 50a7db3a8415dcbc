// String commands (src/engine/commands/strings.ts) driven through a real in-process
// Engine. The golden table holds the replies Debian's redis-server 7.0.15 gave for the
// same sequence (captured over TCP); the other tests pin what a table cannot show:
// WRONGTYPE against a non-string value, expiry with a fake clock, effects as 7.0
// propagates them, keyspace hits/misses and RESP3 shapes.

import { describe, expect, it } from 'vitest';
import type { EffectRecord } from '../../src/engine/effects.js';
import type { Engine } from '../../src/engine/engine.js';
import { RObject } from '../../src/engine/keyspace.js';
import { FakeClock, newEngine, openClient, resp, runCommand, useResp3 } from './support/run.js';

class FakeList extends RObject {
  readonly type = 'list' as const;
  encoding(): string {
    return 'quicklist';
  }
  clone(): RObject {
    return new FakeList();
  }
}

const wrongType = resp.err('WRONGTYPE Operation against a key holding the wrong kind of value');

/** Replies of redis-server 7.0.15 to this exact sequence, starting from an empty db. */
const golden: Array<[string[], string]> = [
  [['SET', 'k', 'v'], '+OK\r\n'],
  [['GET', 'k'], '$1\r\nv\r\n'],
  [['GET', 'nokey'], '$-1\r\n'],
  [['SET', 'k', 'v2', 'GET'], '$1\r\nv\r\n'],
  [['SET', 'k', 'v3', 'NX'], '$-1\r\n'],
  [['SET', 'k', 'v3', 'XX', 'GET'], '$2\r\nv2\r\n'],
  [['SET', 'n', '1', 'XX', 'GET'], '$-1\r\n'],
  [['SET', 'k', 'v', 'EX', '10', 'PX', '10'], '-ERR syntax error\r\n'],
  [['SET', 'k', 'v', 'EX', '0'], '-ERR invalid expire time in \'set\' command\r\n'],
  [['SET', 'k', 'v', 'EX', '-5'], '-ERR invalid expire time in \'set\' command\r\n'],
  [['SET', 'k', 'v', 'PX', 'abc'], '-ERR value is not an integer or out of range\r\n'],
  [['SET', 'k', 'v', 'KEEPTTL', 'EX', '3'], '-ERR syntax error\r\n'],
  [['SET', 'k', 'v', 'EX', '3', 'KEEPTTL'], '-ERR syntax error\r\n'],
  [['SET', 'k', 'v', 'FOO'], '-ERR syntax error\r\n'],
  [['SET', 'k', 'v', 'EX'], '-ERR syntax error\r\n'],
  [['SET', 'k', 'v', 'GET', 'NX'], '$2\r\nv3\r\n'],
  [['SETNX', 'k', 'a'], ':0\r\n'],
  [['SETNX', 'new', 'a'], ':1\r\n'],
  [['SETEX', 'k', '0', 'v'], '-ERR invalid expire time in \'setex\' command\r\n'],
  [['SETEX', 'k', 'abc', 'v'], '-ERR value is not an integer or out of range\r\n'],
  [['SETEX', 'k', '100', 'v'], '+OK\r\n'],
  [['PSETEX', 'k', '-1', 'v'], '-ERR invalid expire time in \'psetex\' command\r\n'],
  [['PSETEX', 'k', '1000', 'v'], '+OK\r\n'],
  [['MGET', 'k', 'nokey', 'new'], '*3\r\n$1\r\nv\r\n$-1\r\n$1\r\na\r\n'],
  [['MSET', 'a', '1', 'b'], '-ERR wrong number of arguments for \'mset\' command\r\n'],
  [['MSET', 'a', '1', 'b', '2'], '+OK\r\n'],
  [['MSETNX', 'a', '1', 'c', '3'], ':0\r\n'],
  [['MSETNX', 'c', '3', 'd', '4'], ':1\r\n'],
  [['MSETNX', 'e', '3'], ':1\r\n'],
  [['GETSET', 'a', 'x'], '$1\r\n1\r\n'],
  [['GETSET', 'zz', 'x'], '$-1\r\n'],
  [['GETDEL', 'zz'], '$1\r\nx\r\n'],
  [['GETDEL', 'zz'], '$-1\r\n'],
  [['GETEX', 'a'], '$1\r\nx\r\n'],
  [['GETEX', 'a', 'EX', '0'], '-ERR invalid expire time in \'getex\' command\r\n'],
  [['GETEX', 'nokey', 'EX', '0'], '$-1\r\n'],
  [['GETEX', 'a', 'PERSIST', 'EX', '1'], '-ERR syntax error\r\n'],
  [['GETEX', 'a', 'FOO'], '-ERR syntax error\r\n'],
  [['GETEX', 'a', 'EX', '100'], '$1\r\nx\r\n'],
  [['GETEX', 'a', 'PERSIST'], '$1\r\nx\r\n'],
  [['GETEX', 'a', 'PXAT', '1'], '$1\r\nx\r\n'],
  [['APPEND', 'ap', 'hello'], ':5\r\n'],
  [['APPEND', 'ap', ' world'], ':11\r\n'],
  [['GET', 'ap'], '$11\r\nhello world\r\n'],
  [['STRLEN', 'ap'], ':11\r\n'],
  [['STRLEN', 'nokey'], ':0\r\n'],
  [['GETRANGE', 'ap', '0', '4'], '$5\r\nhello\r\n'],
  [['GETRANGE', 'ap', '-5', '-1'], '$5\r\nworld\r\n'],
  [['GETRANGE', 'ap', '-1', '-5'], '$0\r\n\r\n'],
  [['GETRANGE', 'ap', '5', '1'], '$0\r\n\r\n'],
  [['GETRANGE', 'ap', '0', '100'], '$11\r\nhello world\r\n'],
  [['GETRANGE', 'ap', 'x', '1'], '-ERR value is not an integer or out of range\r\n'],
  [['GETRANGE', 'nokey', '0', '1'], '$0\r\n\r\n'],
  [['SUBSTR', 'ap', '1', '3'], '$3\r\nell\r\n'],
  [['SETRANGE', 'ap', '6', 'WORLD'], ':11\r\n'],
  [['GET', 'ap'], '$11\r\nhello WORLD\r\n'],
  [['SETRANGE', 'sr', '5', 'x'], ':6\r\n'],
  [['GET', 'sr'], '$6\r\n\u0000\u0000\u0000\u0000\u0000x\r\n'],
  [['SETRANGE', 'sr2', '0', ''], ':0\r\n'],
  [['SETRANGE', 'ap', '-1', 'x'], '-ERR offset is out of range\r\n'],
  [['SETRANGE', 'ap', '1', ''], ':11\r\n'],
  [['SETRANGE', 'ap', '536870912', 'x'], '-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n'],
  [['INCR', 'i'], ':1\r\n'],
  [['INCRBY', 'i', '10'], ':11\r\n'],
  [['DECR', 'i'], ':10\r\n'],
  [['DECRBY', 'i', '5'], ':5\r\n'],
  [['INCRBY', 'i', 'abc'], '-ERR value is not an integer or out of range\r\n'],
  [['SET', 'big', '9223372036854775806'], '+OK\r\n'],
  [['INCR', 'big'], ':9223372036854775807\r\n'],
  [['INCR', 'big'], '-ERR increment or decrement would overflow\r\n'],
  [['DECRBY', 'big', '-9223372036854775808'], '-ERR decrement would overflow\r\n'],
  [['SET', 'neg', '-9223372036854775807'], '+OK\r\n'],
  [['DECR', 'neg'], ':-9223372036854775808\r\n'],
  [['DECR', 'neg'], '-ERR increment or decrement would overflow\r\n'],
  [['SET', 's', ' 1'], '+OK\r\n'],
  [['INCR', 's'], '-ERR value is not an integer or out of range\r\n'],
  [['INCR', 'ap'], '-ERR value is not an integer or out of range\r\n'],
  [['INCRBYFLOAT', 'f', '1.5'], '$3\r\n1.5\r\n'],
  [['INCRBYFLOAT', 'f', 'abc'], '-ERR value is not a valid float\r\n'],
  [['INCRBYFLOAT', 'ap', '1'], '-ERR value is not a valid float\r\n'],
  [['INCRBYFLOAT', 'f', '1e400'], '$401\r\n10000000000000000000281880683947586514586453433629052038625910693539685534008629862039363994848324160522094053927317616200295822777259255734023828976593340661017797447434546173917862448116674971723778943824391593338047470675026246684401359237513603830343735485505244955964979021825038280091068414947402456898653040951017512658092615827588920183472511643316591362664138176309734806343732497430221946880\r\n'],
  [['INCRBYFLOAT', 'f', '-1.5'], '$401\r\n10000000000000000000281880683947586514586453433629052038625910693539685534008629862039363994848324160522094053927317616200295822777259255734023828976593340661017797447434546173917862448116674971723778943824391593338047470675026246684401359237513603830343735485505244955964979021825038280091068414947402456898653040951017512658092615827588920183472511643316591362664138176309734806343732497430221946880\r\n'],
  [['SET', 'lcs1', 'ohmytext'], '+OK\r\n'],
  [['SET', 'lcs2', 'mynewtext'], '+OK\r\n'],
  [['LCS', 'lcs1', 'lcs2'], '$6\r\nmytext\r\n'],
  [['LCS', 'lcs1', 'lcs2', 'LEN'], ':6\r\n'],
  [['LCS', 'lcs1', 'lcs2', 'IDX'], '*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n'],
  [['LCS', 'lcs1', 'lcs2', 'IDX', 'MINMATCHLEN', '4', 'WITHMATCHLEN'], '*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n$3\r\nlen\r\n:6\r\n'],
  [['LCS', 'lcs1', 'lcs2', 'IDX', 'WITHMATCHLEN'], '*4\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n*3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:6\r\n'],
  [['LCS', 'lcs1', 'lcs2', 'IDX', 'LEN'], '-ERR If you want both the length and indexes, please just use IDX.\r\n'],
  [['LCS', 'lcs1', 'lcs2', 'FOO'], '-ERR syntax error\r\n'],
  [['LCS', 'lcs1', 'lcs2', 'MINMATCHLEN'], '-ERR syntax error\r\n'],
  [['LCS', 'lcs1', 'lcs2', 'MINMATCHLEN', 'x'], '-ERR value is not an integer or out of range\r\n'],
  [['SET', 'x1', 'aaa'], '+OK\r\n'],
  [['LCS', 'x1', 'x1', 'IDX'], '*4\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:0\r\n:2\r\n*2\r\n:0\r\n:2\r\n$3\r\nlen\r\n:3\r\n'],
  [['LCS', 'nokey', 'nokey2', 'IDX'], '*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n'],
  [['INCRBY', 'i', '9223372036854775807'], '-ERR increment or decrement would overflow\r\n'],
  [['INCRBY', 'i2', '9223372036854775807'], ':9223372036854775807\r\n'],
  [['INCR', 'i2'], '-ERR increment or decrement would overflow\r\n'],
  [['DECRBY', 'x9', '9223372036854775808'], '-ERR value is not an integer or out of range\r\n'],
  [['SET', 'k', 'v', 'PXAT', '1'], '+OK\r\n'],
  [['GET', 'k'], '$-1\r\n'],
];

function effectsOf(engine: Engine): string[][] {
  const out: string[][] = [];
  engine.onEffects = (r: EffectRecord) => {
    for (const e of r.effects) out.push(e.argv.map((a) => a.toString('latin1')));
  };
  return out;
}

describe('string commands', () => {
  it('reply byte for byte as redis-server 7.0.15 to the golden sequence', () => {
    const engine = newEngine();
    const c = openClient(engine);
    for (const [argv, expected] of golden) {
      expect([argv, runCommand(engine, c, argv)]).toEqual([argv, expected]);
    }
  });

  it('answer WRONGTYPE for a key of another type, and SET overwrites it', () => {
    const engine = newEngine();
    const c = openClient(engine);
    engine.keyspace.db(0).set('l', new FakeList());
    for (const argv of [
      ['GET', 'l'],
      ['SET', 'l', 'x', 'GET'],
      ['GETSET', 'l', 'x'],
      ['GETDEL', 'l'],
      ['GETEX', 'l', 'EX', '10'],
      ['APPEND', 'l', 'x'],
      ['STRLEN', 'l'],
      ['GETRANGE', 'l', '0', '1'],
      ['SETRANGE', 'l', '0', 'x'],
      ['INCR', 'l'],
      ['DECRBY', 'l', '2'],
      ['INCRBYFLOAT', 'l', '1'],
    ]) {
      expect([argv, runCommand(engine, c, argv)]).toEqual([argv, wrongType]);
    }
    expect(runCommand(engine, c, ['LCS', 'l', 'x'])).toBe(resp.err('ERR The specified keys must contain string values'));
    expect(runCommand(engine, c, ['MGET', 'l'])).toBe(resp.array(resp.nil));
    expect(runCommand(engine, c, ['SET', 'l', 'x'])).toBe(resp.ok);
    expect(runCommand(engine, c, ['GET', 'l'])).toBe(resp.bulk('x'));
  });

  it('expire keys at their time, and keep or drop the TTL as Redis does', () => {
    const clock = new FakeClock();
    const engine = newEngine({ clock: clock.now });
    const c = openClient(engine);
    const db = engine.keyspace.db(0);
    expect(runCommand(engine, c, ['SET', 'k', '1', 'PX', '100'])).toBe(resp.ok);
    expect(db.getExpire('k')).toBe(clock.ms + 100);
    expect(runCommand(engine, c, ['INCR', 'k'])).toBe(resp.int(2)); // keeps the TTL
    expect(runCommand(engine, c, ['INCRBYFLOAT', 'k', '0.5'])).toBe(resp.bulk('2.5'));
    expect(runCommand(engine, c, ['APPEND', 'k', '0'])).toBe(resp.int(4));
    expect(runCommand(engine, c, ['SETRANGE', 'k', '0', '3'])).toBe(resp.int(4));
    expect(db.getExpire('k')).toBe(clock.ms + 100);
    expect(runCommand(engine, c, ['SET', 'k', 'v', 'KEEPTTL'])).toBe(resp.ok);
    expect(db.getExpire('k')).toBe(clock.ms + 100);
    clock.advance(99);
    expect(runCommand(engine, c, ['GET', 'k'])).toBe(resp.bulk('v'));
    clock.advance(1);
    expect(runCommand(engine, c, ['GET', 'k'])).toBe(resp.nil);
    expect(runCommand(engine, c, ['STRLEN', 'k'])).toBe(resp.int(0));

    expect(runCommand(engine, c, ['SETEX', 'a', '10', 'v'])).toBe(resp.ok);
    expect(db.getExpire('a')).toBe(clock.ms + 10_000);
    expect(runCommand(engine, c, ['GETSET', 'a', 'w'])).toBe(resp.bulk('v'));
    expect(db.getExpire('a')).toBe(-1); // GETSET is a plain SET
    expect(runCommand(engine, c, ['SET', 'b', 'v', 'EXAT', String(Math.floor(clock.ms / 1000) + 5)])).toBe(resp.ok);
    expect(db.getExpire('b')).toBe((Math.floor(clock.ms / 1000) + 5) * 1000);
    expect(runCommand(engine, c, ['SET', 'b', 'v'])).toBe(resp.ok);
    expect(db.getExpire('b')).toBe(-1);
    expect(runCommand(engine, c, ['GETEX', 'b', 'PX', '50'])).toBe(resp.bulk('v'));
    expect(db.getExpire('b')).toBe(clock.ms + 50);
    expect(runCommand(engine, c, ['GETEX', 'b', 'PERSIST'])).toBe(resp.bulk('v'));
    expect(db.getExpire('b')).toBe(-1);
    // An expired key is missing for NX and for MSETNX.
    expect(runCommand(engine, c, ['PSETEX', 'e', '10', 'v'])).toBe(resp.ok);
    clock.advance(10);
    expect(runCommand(engine, c, ['SET', 'e', 'w', 'NX'])).toBe(resp.ok);
    expect(runCommand(engine, c, ['PSETEX', 'f', '10', 'v'])).toBe(resp.ok);
    clock.advance(10);
    expect(runCommand(engine, c, ['MSETNX', 'f', '1'])).toBe(resp.int(1));
  });

  it('propagate deterministic effects as Redis 7.0 rewrites them', () => {
    const clock = new FakeClock();
    const engine = newEngine({ clock: clock.now });
    const effects = effectsOf(engine);
    const c = openClient(engine);
    const now = clock.ms;
    const run = (...argv: string[]): string => runCommand(engine, c, argv);
    run('SET', 'k', 'v', 'EX', '10');
    run('SET', 'k', 'v', 'px', '10', 'XX');
    run('SET', 'k', 'v', 'EXAT', '2000000000');
    run('SET', 'k', 'v', 'PXAT', '2000000000000');
    run('SETEX', 'k', '5', 'v');
    run('PSETEX', 'k', '5', 'v');
    run('SET', 'k', 'w', 'GET', 'get');
    run('SET', 'k', 'x', 'NX'); // not set: nothing logged
    run('GETEX', 'k', 'EX', '7');
    run('GETEX', 'k', 'PERSIST');
    run('GETEX', 'k', 'PERSIST'); // no TTL left: nothing logged
    run('GETEX', 'k'); // read only
    run('GETSET', 'k', 'y');
    run('INCRBYFLOAT', 'f', '1.5');
    run('GETDEL', 'f');
    run('GETDEL', 'f');
    run('SET', 'g', 'v');
    run('GETEX', 'g', 'EXAT', '1');
    run('INCR', 'i');
    expect(effects).toEqual([
      ['SET', 'k', 'v', 'PXAT', String(now + 10_000)],
      ['SET', 'k', 'v', 'PXAT', String(now + 10)],
      ['SET', 'k', 'v', 'PXAT', '2000000000000'],
      ['SET', 'k', 'v', 'PXAT', '2000000000000'],
      ['SET', 'k', 'v', 'PXAT', String(now + 5_000)],
      ['SET', 'k', 'v', 'PXAT', String(now + 5)],
      ['SET', 'k', 'w'],
      ['PEXPIREAT', 'k', String(now + 7_000)],
      ['PERSIST', 'k'],
      ['SET', 'k', 'y'],
      ['SET', 'f', '1.5', 'KEEPTTL'],
      ['DEL', 'f'],
      ['SET', 'g', 'v'],
      ['DEL', 'g'],
      ['INCR', 'i'],
    ]);
  });

  it('propagate UNLINK instead of DEL when the lazyfree parameters ask for it', () => {
    const engine = newEngine();
    const effects = effectsOf(engine);
    const c = openClient(engine);
    runCommand(engine, c, ['CONFIG', 'SET', 'lazyfree-lazy-user-del', 'yes', 'lazyfree-lazy-expire', 'yes']);
    runCommand(engine, c, ['MSET', 'a', '1', 'b', '2']);
    runCommand(engine, c, ['GETDEL', 'a']);
    runCommand(engine, c, ['GETEX', 'b', 'PXAT', '1']);
    expect(effects.slice(-2)).toEqual([
      ['UNLINK', 'a'],
      ['UNLINK', 'b'],
    ]);
  });

  it('count keyspace hits and misses on reads only', () => {
    const engine = newEngine();
    const c = openClient(engine);
    runCommand(engine, c, ['SET', 'a', '1']);
    runCommand(engine, c, ['GET', 'a']);
    runCommand(engine, c, ['GET', 'b']);
    runCommand(engine, c, ['MGET', 'a', 'b', 'c']);
    runCommand(engine, c, ['INCR', 'a']); // a write lookup: not counted
    runCommand(engine, c, ['STRLEN', 'a']);
    expect([engine.stats.keyspaceHits, engine.stats.keyspaceMisses]).toEqual([3, 3]);
  });

  it('keep int64 exact beyond 2^53 and refuse overflow', () => {
    const engine = newEngine();
    const c = openClient(engine);
    expect(runCommand(engine, c, ['SET', 'n', '9007199254740991'])).toBe(resp.ok);
    expect(runCommand(engine, c, ['INCR', 'n'])).toBe(':9007199254740992\r\n');
    expect(runCommand(engine, c, ['INCR', 'n'])).toBe(':9007199254740993\r\n');
    expect(runCommand(engine, c, ['INCRBY', 'n', '-9007199254740993'])).toBe(resp.int(0));
    expect(runCommand(engine, c, ['DECRBY', 'n', '9223372036854775807'])).toBe(':-9223372036854775807\r\n');
    expect(runCommand(engine, c, ['DECR', 'n'])).toBe(':-9223372036854775808\r\n');
    expect(runCommand(engine, c, ['DECR', 'n'])).toBe(resp.err('ERR increment or decrement would overflow'));
    expect(runCommand(engine, c, ['GET', 'n'])).toBe(resp.bulk('-9223372036854775808'));
    expect(runCommand(engine, c, ['SET', 'z', '007'])).toBe(resp.ok);
    expect(runCommand(engine, c, ['INCR', 'z'])).toBe(resp.err('ERR value is not an integer or out of range'));
  });

  it('compute INCRBYFLOAT in long double precision, as redis-server prints it', () => {
    const engine = newEngine();
    const c = openClient(engine);
    // Each pair: [increment, reply] on one key, replies taken from redis-server 7.0.15.
    const steps: Array<[string, string]> = [
      ['10.5', '10.5'],
      ['0.1', '10.6'],
      ['1e20', '100000000000000000008'],
      ['-100000000000000000008', '0'],
      ['3.0e3', '3000'],
      ['1.1', '3001.10000000000000009'],
      ['-3001.10000000000000009', '0'],
      ['0x10', '16'],
      ['-16.0', '0'],
    ];
    for (const [by, expected] of steps) {
      expect([by, runCommand(engine, c, ['INCRBYFLOAT', 'f', by])]).toEqual([by, resp.bulk(expected)]);
    }
    expect(runCommand(engine, c, ['INCRBYFLOAT', 'f', 'inf'])).toBe(resp.err('ERR increment would produce NaN or Infinity'));
    expect(runCommand(engine, c, ['INCRBYFLOAT', 'f', ' 1'])).toBe(resp.err('ERR value is not a valid float'));
    expect(runCommand(engine, c, ['INCRBYFLOAT', 'f', 'nan'])).toBe(resp.err('ERR value is not a valid float'));
    expect(runCommand(engine, c, ['INCRBYFLOAT', 'g', '1.5e-20'])).toBe(resp.bulk('0'));
  });

  it('refuse strings longer than proto-max-bulk-len', () => {
    const engine = newEngine();
    const c = openClient(engine);
    const tooLong = resp.err('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
    expect(runCommand(engine, c, ['SETRANGE', 'k', '536870912', 'x'])).toBe(tooLong);
    expect(runCommand(engine, c, ['SETRANGE', 'k', '9223372036854775807', 'x'])).toBe(tooLong);
    expect(runCommand(engine, c, ['CONFIG', 'SET', 'proto-max-bulk-len', '1mb'])).toBe(resp.ok);
    expect(runCommand(engine, c, ['SETRANGE', 'k', String(1024 * 1024 - 1), 'x'])).toBe(resp.int(1024 * 1024));
    expect(runCommand(engine, c, ['APPEND', 'k', 'y'])).toBe(tooLong);
    expect(runCommand(engine, c, ['STRLEN', 'k'])).toBe(resp.int(1024 * 1024));
    expect(runCommand(engine, c, ['GETRANGE', 'k', '0', '1'])).toBe(resp.bulk('\0\0'));
  });

  it('keep bytes exactly (latin1 values, binary-safe)', () => {
    const engine = newEngine();
    const c = openClient(engine);
    const bytes = Buffer.from([0, 255, 13, 10, 128, 65]);
    expect(runCommand(engine, c, [Buffer.from('SET'), Buffer.from('b'), bytes])).toBe(resp.ok);
    expect(runCommand(engine, c, ['GET', 'b'])).toBe(`$6\r\n${bytes.toString('latin1')}\r\n`);
    expect(runCommand(engine, c, ['APPEND', 'b', Buffer.from([200])])).toBe(resp.int(7));
    expect(runCommand(engine, c, ['GETRANGE', 'b', '-2', '-1'])).toBe(`$2\r\nA${String.fromCharCode(200)}\r\n`);
  });

  it('use RESP3 shapes: null, and a map for LCS IDX', () => {
    const engine = newEngine();
    const c = openClient(engine);
    useResp3(engine, c);
    expect(runCommand(engine, c, ['GET', 'nokey'])).toBe('_\r\n');
    runCommand(engine, c, ['MSET', 'a', 'ohmytext', 'b', 'mynewtext']);
    expect(runCommand(engine, c, ['LCS', 'a', 'b', 'IDX', 'MINMATCHLEN', '4'])).toBe(
      '%2\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n$3\r\nlen\r\n:6\r\n',
    );
  });

  it('refuse an LCS whose table exceeds proto-max-bulk-len', () => {
    const engine = newEngine();
    const c = openClient(engine);
    runCommand(engine, c, ['CONFIG', 'SET', 'proto-max-bulk-len', '1mb']);
    runCommand(engine, c, ['SET', 'a', 'x'.repeat(600)]);
    expect(runCommand(engine, c, ['LCS', 'a', 'a', 'LEN'])).toBe(
      resp.err('ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len'),
    );
    runCommand(engine, c, ['SET', 'a', 'x'.repeat(500)]);
    expect(runCommand(engine, c, ['LCS', 'a', 'a', 'LEN'])).toBe(resp.int(500));
  });
});
