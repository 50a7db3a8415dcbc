// The blocked-client machinery (src/engine/blocking.ts) through a real Engine: the order
// clients are served in, timeouts on the engine's injected clock, MULTI, disconnects,
// WRONGTYPE on wake, held requests, CLIENT UNBLOCK, and the effects a served pop records.

import { describe, expect, test } from 'vitest';
import type { EffectRecord } from '../../src/engine/effects.js';
import type { Engine } from '../../src/engine/engine.js';
import { EntryKind, ReplyWriter } from '../../src/engine/reply.js';
import { FakeClock, newEngine, openClient, parseEntries, repliesFor, resp, runCommand, runCommandEntries, runTick, useResp3, ownedEffectRecord } from './support/run.js';

function recording(engine: Engine): string[] {
  const records: string[] = [];
  engine.onEffects = (r: EffectRecord) => records.push(r.effects.map((e) => `${e.dbIndex}:${e.argv.map((a) => a.toString('latin1')).join(' ')}`).join(' | '));
  return records;
}

/** Entries as [clientId, latin1 body] pairs, reply entries only. */
function replies(entries: ReturnType<typeof runCommandEntries>): [number, string][] {
  return entries.filter((e) => e.kind === EntryKind.reply).map((e) => [e.clientId, e.body.toString('latin1')]);
}

const popped = (key: string, value: string): string => resp.array(resp.bulk(key), resp.bulk(value));

describe('blocking pops', () => {
  test('three clients blocked on one key are served in the order they blocked, one element each', () => {
    const e = newEngine();
    const [a, b, c, w] = [openClient(e), openClient(e), openClient(e), openClient(e)];
    expect(runCommand(e, a, ['BLPOP', 'q', '0'])).toBe('');
    expect(runCommand(e, b, ['BRPOP', 'other', 'q', '0'])).toBe('');
    expect(runCommand(e, c, ['BLPOP', 'q', '0'])).toBe('');
    // Two elements: a and b are served (FIFO), c keeps waiting.
    const out = runCommandEntries(e, w, ['RPUSH', 'q', 'x', 'y']);
    expect(replies(out)).toEqual([
      [w, resp.int(2)],
      [a, popped('q', 'x')],
      [b, popped('q', 'y')],
    ]);
    expect(e.blocking.blockedCount).toBe(1);
    expect(runCommand(e, w, ['EXISTS', 'q'])).toBe(resp.int(0));
    expect(replies(runCommandEntries(e, w, ['LPUSH', 'q', 'z']))).toEqual([
      [w, resp.int(1)],
      [c, popped('q', 'z')],
    ]);
    expect(e.blocking.blockedCount).toBe(0);
  });

  test('a client blocked on several keys is served from the first one made ready, once', () => {
    const e = newEngine();
    const [a, w] = [openClient(e), openClient(e)];
    runCommand(e, a, ['BLPOP', 'k1', 'k2', '0']);
    expect(replies(runCommandEntries(e, w, ['RPUSH', 'k2', 'v']))).toEqual([
      [w, resp.int(1)],
      [a, popped('k2', 'v')],
    ]);
    expect(replies(runCommandEntries(e, w, ['RPUSH', 'k1', 'v']))).toEqual([[w, resp.int(1)]]);
    expect(runCommand(e, w, ['LLEN', 'k1'])).toBe(resp.int(1));
  });

  test('a timeout fires from tick on the injected clock with a null array (RESP3: null)', () => {
    const clock = new FakeClock(1_000_000);
    const e = newEngine({ clock: clock.now });
    const [a, b] = [openClient(e), openClient(e)];
    useResp3(e, b);
    runCommand(e, a, ['BLPOP', 'q', '1.5']);
    runCommand(e, b, ['BLMOVE', 'q', 'd', 'LEFT', 'RIGHT', '0.5']);
    clock.advance(400);
    let t = runTick(e);
    expect(t.entries).toEqual([]);
    expect(t.waitMs).toBeLessThanOrEqual(101);
    clock.advance(200);
    t = runTick(e);
    expect(replies(t.entries)).toEqual([[b, '_\r\n']]);
    clock.advance(1000);
    t = runTick(e);
    expect(replies(t.entries)).toEqual([[a, resp.nilArray]]);
    expect(e.blocking.blockedCount).toBe(0);
  });

  test('timeout 0 waits forever', () => {
    const clock = new FakeClock(0);
    const e = newEngine({ clock: clock.now });
    const a = openClient(e);
    runCommand(e, a, ['BRPOP', 'q', '0']);
    clock.advance(10 * 24 * 3600 * 1000);
    expect(runTick(e).entries).toEqual([]);
    expect(e.blocking.blockedCount).toBe(1);
  });

  test('requests sent behind a blocked command wait and then run in order', () => {
    const e = newEngine();
    const [a, w] = [openClient(e), openClient(e)];
    runCommand(e, a, ['BLPOP', 'q', '0']);
    expect(runCommand(e, a, ['SET', 'k', 'v'])).toBe('');
    expect(runCommand(e, a, ['GET', 'k'])).toBe('');
    expect(runCommand(e, w, ['GET', 'k'])).toBe(resp.nil); // not run yet
    expect(replies(runCommandEntries(e, w, ['RPUSH', 'q', 'x']))).toEqual([
      [w, resp.int(1)],
      [a, popped('q', 'x')],
      [a, resp.ok],
      [a, resp.bulk('v')],
    ]);
  });

  test('a held request may block again; the rest stays held', () => {
    const e = newEngine();
    const [a, w] = [openClient(e), openClient(e)];
    runCommand(e, a, ['BLPOP', 'q', '0']);
    runCommand(e, a, ['BLPOP', 'q', '0']);
    runCommand(e, a, ['PING']);
    expect(replies(runCommandEntries(e, w, ['RPUSH', 'q', 'x']))).toEqual([
      [w, resp.int(1)],
      [a, popped('q', 'x')],
    ]);
    expect(replies(runCommandEntries(e, w, ['RPUSH', 'q', 'y']))).toEqual([
      [w, resp.int(1)],
      [a, popped('q', 'y')],
      [a, '+PONG\r\n'],
    ]);
  });

  test('a push inside MULTI wakes only after EXEC; the transaction pushes and pops first', () => {
    const e = newEngine();
    const [a, w] = [openClient(e), openClient(e)];
    runCommand(e, a, ['BLPOP', 'q', '0']);
    runCommand(e, w, ['MULTI']);
    expect(replies(runCommandEntries(e, w, ['RPUSH', 'q', '1', '2']))).toEqual([[w, resp.queued]]);
    runCommand(e, w, ['LPOP', 'q']);
    expect(replies(runCommandEntries(e, w, ['EXEC']))).toEqual([
      [w, resp.array(resp.int(2), resp.bulk('1'))],
      [a, popped('q', '2')],
    ]);
  });

  test('inside MULTI a blocking command answers at once: null array, BLMOVE nil', () => {
    const e = newEngine();
    const a = openClient(e);
    runCommand(e, a, ['MULTI']);
    runCommand(e, a, ['BLPOP', 'q', '0']);
    runCommand(e, a, ['BLMOVE', 'q', 'd', 'LEFT', 'LEFT', '0']);
    runCommand(e, a, ['BLMPOP', '0', '1', 'q', 'LEFT']);
    expect(runCommand(e, a, ['EXEC'])).toBe(resp.array(resp.nilArray, resp.nil, resp.nilArray));
    expect(e.blocking.blockedCount).toBe(0);
  });

  test('a client that disconnects while blocked is removed and never served', () => {
    const e = newEngine();
    const [a, b, w] = [openClient(e), openClient(e), openClient(e)];
    runCommand(e, a, ['BLPOP', 'q', '0']);
    runCommand(e, b, ['BLPOP', 'q', '0']);
    e.closeClient(a);
    expect(e.blocking.blockedCount).toBe(1);
    expect(replies(runCommandEntries(e, w, ['RPUSH', 'q', 'x', 'y']))).toEqual([
      [w, resp.int(2)],
      [b, popped('q', 'x')],
    ]);
    expect(runCommand(e, w, ['LRANGE', 'q', '0', '-1'])).toBe(resp.array(resp.bulk('y')));
  });

  test('a key replaced by another type does not wake list waiters (7.0); BLMOVE onto a wrong-type destination answers WRONGTYPE', () => {
    const e = newEngine();
    const [a, b, w] = [openClient(e), openClient(e), openClient(e)];
    runCommand(e, a, ['BLPOP', 'q', '0']);
    expect(replies(runCommandEntries(e, w, ['SET', 'q', 'str']))).toEqual([[w, resp.ok]]);
    expect(e.blocking.blockedCount).toBe(1);
    runCommand(e, w, ['DEL', 'q']);
    runCommand(e, w, ['SET', 'dst', 'str']);
    runCommand(e, b, ['BLMOVE', 'src', 'dst', 'LEFT', 'RIGHT', '0']);
    expect(replies(runCommandEntries(e, w, ['RPUSH', 'src', 'v']))).toEqual([
      [w, resp.int(1)],
      [b, resp.err('WRONGTYPE Operation against a key holding the wrong kind of value')],
    ]);
    expect(runCommand(e, w, ['LRANGE', 'src', '0', '-1'])).toBe(resp.array(resp.bulk('v')));
    // a is still waiting on q and takes it when q becomes a list.
    expect(replies(runCommandEntries(e, w, ['RPUSH', 'q', 'z']))).toEqual([
      [w, resp.int(1)],
      [a, popped('q', 'z')],
    ]);
  });

  test('BLMOVE served pushes onto a key another client waits on: both are served in one go', () => {
    const e = newEngine();
    const [a, b, w] = [openClient(e), openClient(e), openClient(e)];
    runCommand(e, a, ['BLMOVE', 's', 'd', 'RIGHT', 'LEFT', '0']);
    runCommand(e, b, ['BLPOP', 'd', '0']);
    expect(replies(runCommandEntries(e, w, ['RPUSH', 's', 'v']))).toEqual([
      [w, resp.int(1)],
      [a, resp.bulk('v')],
      [b, popped('d', 'v')],
    ]);
  });

  test('BLMPOP served gets up to COUNT elements', () => {
    const e = newEngine();
    const [a, w] = [openClient(e), openClient(e)];
    runCommand(e, a, ['BLMPOP', '0', '2', 'x', 'y', 'RIGHT', 'COUNT', '2']);
    expect(replies(runCommandEntries(e, w, ['RPUSH', 'y', '1', '2', '3']))).toEqual([
      [w, resp.int(3)],
      [a, resp.array(resp.bulk('y'), resp.array(resp.bulk('3'), resp.bulk('2')))],
    ]);
  });

  test('a blocking command does not block in another database than the push', () => {
    const e = newEngine();
    const [a, w] = [openClient(e), openClient(e)];
    runCommand(e, a, ['SELECT', '3']);
    runCommand(e, a, ['BLPOP', 'q', '0']);
    expect(replies(runCommandEntries(e, w, ['RPUSH', 'q', 'x']))).toEqual([[w, resp.int(1)]]);
    runCommand(e, w, ['SELECT', '3']);
    expect(replies(runCommandEntries(e, w, ['RPUSH', 'q', 'y']))).toEqual([
      [w, resp.int(1)],
      [a, popped('q', 'y')],
    ]);
  });
});

describe('command statistics', () => {
  test('a blocking command is counted once: when it answers, not when it blocks', () => {
    const e = newEngine();
    const [a, w] = [openClient(e), openClient(e)];
    runCommand(e, w, ['RPUSH', 'q', 'x']);
    runCommand(e, a, ['BLPOP', 'q', '0']); // immediate
    runCommand(e, a, ['BLPOP', 'q', '0']); // blocks
    expect(e.stats.commands.get('blpop')?.calls).toBe(1);
    runCommand(e, w, ['RPUSH', 'q', 'y']); // serves it
    expect(e.stats.commands.get('blpop')?.calls).toBe(2);
  });
});

describe('CLIENT UNBLOCK and INFO', () => {
  test('unblock with TIMEOUT answers a null array; with ERROR the UNBLOCKED error; unknown ids 0', () => {
    const e = newEngine();
    const [a, b, w] = [openClient(e), openClient(e), openClient(e)];
    runCommand(e, a, ['BLPOP', 'q', '0']);
    runCommand(e, b, ['BLPOP', 'q', '0']);
    expect(e.blocking.requestUnblock(a, false)).toBe(true);
    expect(e.blocking.requestUnblock(a, false)).toBe(false);
    expect(e.blocking.requestUnblock(999, true)).toBe(false);
    // The reply comes out after the next unit of work (the CLIENT UNBLOCK command's own reply).
    expect(replies(runCommandEntries(e, w, ['PING']))).toEqual([
      [w, '+PONG\r\n'],
      [a, resp.nilArray],
    ]);
    e.blocking.requestUnblock(b, true);
    expect(replies(runCommandEntries(e, w, ['PING']))).toEqual([
      [w, '+PONG\r\n'],
      [b, resp.err('UNBLOCKED client unblocked via CLIENT UNBLOCK')],
    ]);
  });
});

describe('effects of blocking pops', () => {
  test('an immediate pop is recorded as the non-blocking command', () => {
    const e = newEngine();
    const records = recording(e);
    const a = openClient(e);
    runCommand(e, a, ['RPUSH', 'l', '1', '2', '3', '4', '5']);
    runCommand(e, a, ['BLPOP', 'l', '0']);
    runCommand(e, a, ['BRPOP', 'l', '0']);
    runCommand(e, a, ['BLMOVE', 'l', 'd', 'LEFT', 'RIGHT', '0']);
    runCommand(e, a, ['BRPOPLPUSH', 'd', 'l', '0']);
    runCommand(e, a, ['BLMPOP', '0', '1', 'l', 'RIGHT', 'COUNT', '9']);
    runCommand(e, a, ['LMPOP', '1', 'd', 'LEFT']);
    expect(records).toEqual(['0:RPUSH l 1 2 3 4 5', '0:LPOP l', '0:RPOP l', '0:LMOVE l d LEFT RIGHT', '0:RPOPLPUSH d l', '0:RPOP l 9']);
  });

  test('a served pop is its own record after the write that woke it; a timeout records nothing', () => {
    const clock = new FakeClock(0);
    const e = newEngine({ clock: clock.now });
    const records = recording(e);
    const [a, b, c, w] = [openClient(e), openClient(e), openClient(e), openClient(e)];
    runCommand(e, a, ['BRPOP', 'q', '0']);
    runCommand(e, b, ['BRPOPLPUSH', 'q', 'd', '0']);
    runCommand(e, c, ['BLMPOP', '1', '1', 'q', 'LEFT', 'COUNT', '2']);
    runCommand(e, w, ['RPUSH', 'q', '1', '2', '3', '4']);
    expect(records).toEqual(['0:RPUSH q 1 2 3 4', '0:RPOP q', '0:RPOPLPUSH q d', '0:LPOP q 2']);
    runCommand(e, a, ['BLPOP', 'none', '1']);
    clock.advance(2000);
    runTick(e);
    expect(records.length).toBe(4);
  });

  test('replaying the records of blocked pops gives the same keyspace', async () => {
    const { keyspaceDigest } = await import('../../src/engine/digest.js');
    const e = newEngine();
    const recs: EffectRecord[] = [];
    e.onEffects = (r) => recs.push(ownedEffectRecord(r));
    const [a, b, w] = [openClient(e), openClient(e), openClient(e)];
    runCommand(e, a, ['BLMOVE', 's', 'd', 'LEFT', 'LEFT', '0']);
    runCommand(e, b, ['BLPOP', 'd', '0']);
    runCommand(e, w, ['RPUSH', 's', 'x', 'y', 'z']);
    runCommand(e, w, ['MULTI']);
    runCommand(e, w, ['LPUSH', 'd', 'p']);
    runCommand(e, w, ['EXEC']);
    const replica = newEngine();
    for (const r of recs) replica.applyEffectRecord(r);
    expect(keyspaceDigest(replica.keyspace)).toBe(keyspaceDigest(e.keyspace));
  });
});

describe('reply entries', () => {
  test('the woken reply is its own entry after the waker entry (never nested)', () => {
    const e = newEngine();
    const [a, w] = [openClient(e), openClient(e)];
    runCommand(e, a, ['BLPOP', 'q', '0']);
    const out = new ReplyWriter(64);
    e.execute(w, [Buffer.from('RPUSH'), Buffer.from('q'), Buffer.from('v')], out);
    const entries = parseEntries(out);
    expect(entries.map((x) => x.clientId)).toEqual([w, a]);
    expect(repliesFor(entries, a)).toBe(popped('q', 'v'));
  });
});

describe('blockingTimeoutOrReply', () => {
  const parse = async (arg: string, unit: 'seconds' | 'milliseconds'): Promise<string | number> => {
    const { blockingTimeoutOrReply } = await import('../../src/engine/blocking.js');
    const { string2ld } = await import('../../src/engine/args.js');
    const out = new ReplyWriter(64);
    const ctx = { reply: out, nowMs: 1000 } as unknown as Parameters<typeof blockingTimeoutOrReply>[0];
    const r = blockingTimeoutOrReply(ctx, Buffer.from(arg), unit === 'seconds' ? string2ld : 'milliseconds');
    return r === null ? out.buf.latin1Slice(0, out.length) : r;
  };

  test('seconds: ms rounded up and made absolute, 0 forever, errors as 7.0.15', async () => {
    expect(await parse('1.5', 'seconds')).toBe(2500);
    expect(await parse('0.0001', 'seconds')).toBe(1001);
    expect(await parse('0', 'seconds')).toBe(0);
    expect(await parse('-0.0001', 'seconds')).toBe(0);
    expect(await parse('-1', 'seconds')).toBe(resp.err('ERR timeout is negative'));
    expect(await parse('inf', 'seconds')).toBe(resp.err('ERR timeout is negative'));
    expect(await parse('x', 'seconds')).toBe(resp.err('ERR timeout is not a float or out of range'));
  });

  test('milliseconds (XREAD BLOCK): an integer', async () => {
    expect(await parse('250', 'milliseconds')).toBe(1250);
    expect(await parse('0', 'milliseconds')).toBe(0);
    expect(await parse('-5', 'milliseconds')).toBe(resp.err('ERR timeout is negative'));
    expect(await parse('1.5', 'milliseconds')).toBe(resp.err('ERR timeout is not an integer or out of range'));
  });
});
