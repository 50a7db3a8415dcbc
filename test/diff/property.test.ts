// Property-based differential test (fast-check): random sequences of string, key and
// expiry commands, with list, set and hash commands on the same keys, over a small key
// set (so commands collide), with MULTI/EXEC/DISCARD blocks and WATCH mixed in, run on
// redis-server and on KeelDB; every reply must match. On a difference fast-check
// shrinks the sequence and the failure prints the minimal one with both replies.
//
// Determinism: expiry uses absolute times far in the future or in the past (a past time
// deletes at once), and relative TTLs only large ones (never reached) without NX/XX/GT/LT
// (those would compare two relative times taken a millisecond apart). Replies that read
// the clock (TTL, PTTL, EXPIRETIME, PEXPIRETIME) are compared with intNear; KEYS as a
// set. Left out: commands whose answers are not deterministic (RANDOMKEY, SCAN cursors,
// DUMP of a hashtable-encoded set, whose member order is the dict's) and OBJECT, which
// knowingly differs (KeelDB derives encodings from the bytes). Bounded: a fixed number
// of runs and a time limit, so the file ends well within a minute.

import fc from 'fast-check';
import { expect, it } from 'vitest';
import { bytes, intNear, sortedArray, type Comparator } from '../support/comparators.js';
import { describeWithOracle } from '../support/oracle-guard.js';
import { useSequenceServers } from '../support/random-sequences.js';
import { RespConn, type Arg } from '../support/resp-conn.js';
import { showBytes } from '../support/resp-decode.js';

/** KEELDB_FC_RUNS raises the run count for a local hunt; the default keeps the file fast. */
const runCount = Number(process.env.KEELDB_FC_RUNS ?? 500);
const sequenceLengthMax = 30;
const timeLimitMs = Number(process.env.KEELDB_FC_TIME_MS ?? 40_000);

const key = fc.constantFrom('a', 'b', 'c', 'd');
const value = fc.oneof(
  fc.constantFrom('0', '1', '-1', '42', '3.5', '1e3', 'abc', '', '9223372036854775807', '-9223372036854775808', ' 7'),
  fc.integer({ min: -1000, max: 1000 }).map(String),
  fc.string({ maxLength: 6 }),
);
const intArg = fc.oneof(fc.constantFrom('0', '1', '-1', '9223372036854775807', 'x'), fc.integer({ min: -100, max: 100 }).map(String));
const floatArg = fc.constantFrom('0.1', '-1.5', '1e2', '2.0e-3', '10', 'abc', 'inf');
const futureS = fc.integer({ min: 4102444800, max: 4102444900 }).map(String);
const futureMs = fc.integer({ min: 4102444800000, max: 4102444900000 }).map(String);
const pastS = fc.constantFrom('1', '1000', '0');
const relS = fc.constantFrom('100', '1000', '-1', '0');
const flag = fc.constantFrom<string[]>([], ['NX'], ['XX'], ['GT'], ['LT']);

type Cmd = readonly string[];

const command: fc.Arbitrary<Cmd> = fc.oneof(
  fc.tuple(key, value).map(([k, v]) => ['SET', k, v]),
  fc
    .tuple(key, value, fc.constantFrom<string[]>([], ['NX'], ['XX']), fc.constantFrom<string[]>([], ['GET']), fc.oneof(
      fc.constant<string[]>([]),
      futureS.map((t) => ['EXAT', t]),
      futureMs.map((t) => ['PXAT', t]),
      pastS.map((t) => ['EXAT', t]),
      fc.constant(['EX', '100']),
      fc.constant(['PX', '100000']),
      fc.constant(['KEEPTTL']),
    ))
    .map(([k, v, c, g, e]) => ['SET', k, v, ...c, ...g, ...e]),
  key.map((k) => ['GET', k]),
  fc.tuple(key, value).map(([k, v]) => ['SETNX', k, v]),
  fc.tuple(key, value).map(([k, v]) => ['GETSET', k, v]),
  key.map((k) => ['GETDEL', k]),
  fc.tuple(key, fc.constantFrom<string[]>([], ['PERSIST'], ['EX', '100'])).map(([k, o]) => ['GETEX', k, ...o]),
  fc.tuple(key, futureS).map(([k, t]) => ['GETEX', k, 'EXAT', t]),
  fc.array(key, { minLength: 1, maxLength: 4 }).map((ks) => ['MGET', ...ks]),
  fc.array(fc.tuple(key, value), { minLength: 1, maxLength: 3 }).map((kv) => ['MSET', ...kv.flat()]),
  fc.array(fc.tuple(key, value), { minLength: 1, maxLength: 3 }).map((kv) => ['MSETNX', ...kv.flat()]),
  fc.tuple(key, value).map(([k, v]) => ['APPEND', k, v]),
  key.map((k) => ['STRLEN', k]),
  fc.tuple(key, intArg, intArg).map(([k, s, e]) => ['GETRANGE', k, s, e]),
  fc.tuple(key, fc.integer({ min: -1, max: 20 }), value).map(([k, o, v]) => ['SETRANGE', k, String(o), v]),
  key.map((k) => ['INCR', k]),
  key.map((k) => ['DECR', k]),
  fc.tuple(key, intArg).map(([k, n]) => ['INCRBY', k, n]),
  fc.tuple(key, intArg).map(([k, n]) => ['DECRBY', k, n]),
  fc.tuple(key, floatArg).map(([k, n]) => ['INCRBYFLOAT', k, n]),
  fc.tuple(key, key, fc.constantFrom<string[]>([], ['LEN'], ['IDX'], ['IDX', 'WITHMATCHLEN'], ['IDX', 'MINMATCHLEN', '2'])).map(([a, b, o]) => ['LCS', a, b, ...o]),
  fc.tuple(key, fc.constantFrom('1e308', '-0', '0.0', '5e-324', '1.7976931348623157e308', '-1e-10', '00.5', '.5')).map(([k, n]) => ['INCRBYFLOAT', k, n]),
  fc.tuple(key, futureMs).map(([k, t]) => ['GETEX', k, 'PXAT', t]),
  fc.array(key, { minLength: 1, maxLength: 3 }).map((ks) => ['DEL', ...ks]),
  fc.array(key, { minLength: 1, maxLength: 3 }).map((ks) => ['UNLINK', ...ks]),
  fc.array(key, { minLength: 1, maxLength: 3 }).map((ks) => ['EXISTS', ...ks]),
  fc.array(key, { minLength: 1, maxLength: 3 }).map((ks) => ['TOUCH', ...ks]),
  key.map((k) => ['TYPE', k]),
  fc.tuple(key, relS).map(([k, t]) => ['EXPIRE', k, t]),
  fc.tuple(key, relS).map(([k, t]) => ['PEXPIRE', k, t === '100' || t === '1000' ? t + '000' : t]),
  fc.tuple(key, fc.oneof(futureS, pastS), flag).map(([k, t, f]) => ['EXPIREAT', k, t, ...f]),
  fc.tuple(key, futureMs, flag).map(([k, t, f]) => ['PEXPIREAT', k, t, ...f]),
  key.map((k) => ['TTL', k]),
  key.map((k) => ['PTTL', k]),
  key.map((k) => ['EXPIRETIME', k]),
  key.map((k) => ['PEXPIRETIME', k]),
  key.map((k) => ['PERSIST', k]),
  fc.tuple(key, key).map(([a, b]) => ['RENAME', a, b]),
  fc.tuple(key, key).map(([a, b]) => ['RENAMENX', a, b]),
  fc.tuple(key, key, fc.constantFrom<string[]>([], ['REPLACE'], ['DB', '1'])).map(([a, b, o]) => ['COPY', a, b, ...o]),
  key.map((k) => ['MOVE', k, '1']),
  fc.constantFrom<Cmd>(['SELECT', '0'], ['SELECT', '1'], ['SWAPDB', '0', '1'], ['DBSIZE'], ['KEYS', '*'], ['FLUSHDB']),
  // Other types on the same keys, so string commands meet WRONGTYPE and generic key
  // commands (RENAME, COPY, MOVE, TYPE, DUMP, expiry) meet every type. Only replies
  // with a defined order: no SMEMBERS/HGETALL.
  fc.tuple(fc.constantFrom('RPUSH', 'LPUSH'), key, fc.array(value, { minLength: 1, maxLength: 3 })).map(([c, k, vs]) => [c, k, ...vs]),
  fc.tuple(fc.constantFrom('LPOP', 'RPOP', 'LLEN'), key).map(([c, k]) => [c, k]),
  key.map((k) => ['LRANGE', k, '0', '-1']),
  fc.tuple(key, fc.array(fc.constantFrom('1', '2', 'x', 'y', '300'), { minLength: 1, maxLength: 3 })).map(([k, ms]) => ['SADD', k, ...ms]),
  fc.tuple(key, fc.constantFrom('1', 'x')).map(([k, m]) => ['SISMEMBER', k, m]),
  key.map((k) => ['SCARD', k]),
  fc.tuple(key, fc.constantFrom('f', 'g'), value).map(([k, f, v]) => ['HSET', k, f, v]),
  fc.tuple(key, fc.constantFrom('f', 'g')).map(([k, f]) => ['HGET', k, f]),
  fc.tuple(key, fc.constantFrom('f', 'g'), intArg).map(([k, f, n]) => ['HINCRBY', k, f, n]),
  key.map((k) => ['HLEN', k]),
);

/**
 * Commands whose reply reads the clock (intNear) or a hash table's order (KEYS): their
 * normalised comparison does not reach inside an EXEC array, so they are not queued.
 */
const notExact = new Set(['TTL', 'PTTL', 'EXPIRETIME', 'PEXPIRETIME', 'KEYS']);

/**
 * A transaction block: optional WATCH of a key (which the block's own earlier commands
 * may touch), MULTI, queued commands, then EXEC or DISCARD.
 */
const block: fc.Arbitrary<Cmd[]> = fc
  .tuple(
    fc.option(key, { nil: undefined }),
    fc.array(command, { maxLength: 3 }),
    fc.array(command.filter((c) => !notExact.has(c[0]!)), { maxLength: 6 }),
    fc.constantFrom('EXEC', 'EXEC', 'DISCARD'),
  )
  .map(([watched, before, queued, end]) => [...(watched === undefined ? [] : [['WATCH', watched]]), ...before.filter((c) => !notExact.has(c[0]!)), ['MULTI'], ...queued, [end]]);

const sequence: fc.Arbitrary<Cmd[]> = fc
  .array(fc.oneof({ weight: 6, arbitrary: command.map((c) => [c]) }, { weight: 1, arbitrary: block }), { minLength: 1, maxLength: sequenceLengthMax })
  .map((parts) => parts.flat());

// Replies that read the clock or a hash table's order.
function comparatorFor(cmd: Cmd): Comparator {
  switch (cmd[0]) {
    case 'TTL':
    case 'EXPIRETIME':
      return intNear(1);
    case 'PTTL':
    case 'PEXPIRETIME':
      return intNear(1000);
    case 'KEYS':
      return sortedArray;
    default:
      return bytes;
  }
}

/** Steps of two interleaved clients: transaction control on either, so WATCH meets the other's writes. */
const twoClientStep: fc.Arbitrary<[number, Cmd]> = fc.tuple(
  fc.integer({ min: 0, max: 1 }),
  fc.oneof(
    { weight: 4, arbitrary: command.filter((c) => !notExact.has(c[0]!)) },
    { weight: 1, arbitrary: fc.oneof(key.map((k): Cmd => ['WATCH', k]), fc.constantFrom<Cmd>(['MULTI'], ['EXEC'], ['DISCARD'], ['UNWATCH'])) },
  ),
);

describeWithOracle('diff: random command sequences (fast-check)', () => {
  const { pair, connections } = useSequenceServers();

  /** Runs one sequence on both servers; returns a description of the first difference. */
  async function firstDifference(seq: readonly Cmd[]): Promise<string | null> {
    const { redis, subject } = await connections();
    // DISCARD and UNWATCH first: a sequence may have ended inside MULTI or with a WATCH.
    const reset: Arg[][] = [['DISCARD'], ['UNWATCH'], ['SELECT', '0'], ['FLUSHALL']];
    const all = [...reset, ...seq];
    const settle = (p: Promise<Buffer[]>): Promise<Buffer[] | string> => p.catch((e: Error) => `<${e.message}>`);
    const [r, s] = await Promise.all([settle(redis.pipeline(all)), settle(subject.pipeline(all))]);
    if (typeof r === 'string' || typeof s === 'string') return `connection failed: redis ${String(typeof r === 'string' ? r : 'ok')}, subject ${String(typeof s === 'string' ? s : 'ok')}`;
    for (let i = 0; i < all.length; i++) {
      const cmd = all[i]! as Cmd;
      const reason = (i < reset.length ? bytes : comparatorFor(cmd))(r[i]!, s[i]!);
      if (reason !== null) {
        return `${i < reset.length ? 'reset' : `step ${i - reset.length}`}: ${cmd.join(' ')} (${reason})\n  redis:   ${showBytes(r[i]!)}\n  subject: ${showBytes(s[i]!)}`;
      }
    }
    return null;
  }

  it('two interleaved clients: every reply matches redis-server', async () => {
    const open = async (): Promise<RespConn[][]> => [
      [await RespConn.connect(pair().oracle.port), await RespConn.connect(pair().oracle.port)],
      [await RespConn.connect(pair().subject.port), await RespConn.connect(pair().subject.port)],
    ];
    const [redisConns, subjectConns] = await open();
    const both = [redisConns!, subjectConns!];
    const send = async (side: RespConn[], conn: number, cmd: readonly Arg[]): Promise<Buffer | string> =>
      side[conn]!.send(cmd).catch((e: Error) => `<${e.message}>`);
    try {
      const result = await fc.check(
        fc.asyncProperty(fc.array(twoClientStep, { minLength: 1, maxLength: sequenceLengthMax }), async (steps) => {
          for (const side of both) {
            for (const conn of [0, 1]) for (const cmd of [['DISCARD'], ['UNWATCH'], ['SELECT', '0']]) await send(side, conn, cmd);
            await send(side, 0, ['FLUSHALL']);
          }
          for (const [conn, cmd] of steps) {
            // One step at a time on both servers, so both see the same interleaving.
            const [r, s] = await Promise.all([send(redisConns!, conn, cmd), send(subjectConns!, conn, cmd)]);
            if (typeof r === 'string' || typeof s === 'string') return r === s;
            if (bytes(r, s) !== null) return false;
          }
          return true;
        }),
        { numRuns: Math.ceil(runCount / 3), interruptAfterTimeLimit: timeLimitMs / 2, markInterruptAsFailure: false },
      );
      if (result.failed) {
        const minimal = (result.counterexample?.[0] ?? []) as [number, Cmd][];
        expect.fail(`fast-check seed ${result.seed}\nminimal interleaving (client: command):\n${minimal.map(([c, cmd]) => `  ${c}: ${cmd.join(' ')}`).join('\n')}\n(re-run with this seed to see the replies)`);
      }
      expect(result.numRuns).toBeGreaterThan(0);
    } finally {
      for (const side of both) for (const c of side) c.close();
    }
  });

  it('every reply matches redis-server', async () => {
    let lastDifference: string | null = null;
    const result = await fc.check(
      fc.asyncProperty(sequence, async (seq) => {
        const diff = await firstDifference(seq);
        if (diff !== null) lastDifference = `${seq.map((c) => c.join(' ')).join('\n')}\n-- first difference --\n${diff}`;
        return diff === null;
      }),
      { numRuns: runCount, interruptAfterTimeLimit: timeLimitMs, markInterruptAsFailure: false },
    );
    if (result.failed) {
      // After shrinking, the counterexample is minimal: re-run it to show its difference.
      const minimal = (result.counterexample?.[0] ?? []) as Cmd[];
      const diff = await firstDifference(minimal);
      const report = `fast-check seed ${result.seed}, path ${result.counterexample ? result.counterexamplePath : '?'}\n` +
        `minimal sequence:\n${minimal.map((c) => '  ' + c.join(' ')).join('\n')}\n-- difference --\n${diff ?? lastDifference ?? '(not reproduced)'}`;
      expect.fail(report);
    }
    expect(result.numRuns).toBeGreaterThan(0);
  });
});
