// Stream commands through a real Engine (src/engine/commands/streams.ts): what each write
// logs as its effect (7.0's rewrites), blocking XREAD/XREADGROUP served by a later XADD,
// and time-dependent ids from the engine's clock. Reply bytes against redis-server are
// covered by test/diff/streams.test.ts.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { keyspaceDigest } from '../../src/engine/digest.js';
import { decodeEffectRecord, encodeEffectRecord, type EffectRecord } from '../../src/engine/effects.js';
import type { Engine } from '../../src/engine/engine.js';
import { FakeClock, newEngine, openClient, repliesFor, resp, runCommand, runCommandEntries, runTick } from './support/run.js';

function recording(engine: Engine): string[] {
  const out: string[] = [];
  engine.onEffects = (r: EffectRecord) => out.push(r.effects.map((e) => e.argv.map((a) => a.toString('latin1')).join(' ')).join(' | '));
  return out;
}

const t0 = 1_700_000_000_000;

describe('XADD', () => {
  test('`*` takes the id from the engine clock and logs it; `ms-*` logs the id it made', () => {
    const clock = new FakeClock(t0);
    const e = newEngine({ clock: clock.now });
    const c = openClient(e);
    const log = recording(e);
    expect(runCommand(e, c, ['XADD', 's', '*', 'f', 'v'])).toBe(resp.bulk(`${t0}-0`));
    expect(runCommand(e, c, ['XADD', 's', '*', 'f', 'v'])).toBe(resp.bulk(`${t0}-1`));
    clock.ms = t0 - 5; // a clock going back never makes ids go back
    expect(runCommand(e, c, ['XADD', 's', '*', 'f', 'v'])).toBe(resp.bulk(`${t0}-2`));
    expect(runCommand(e, c, ['XADD', 's', `${t0}-*`, 'f', 'v'])).toBe(resp.bulk(`${t0}-3`));
    expect(runCommand(e, c, ['XADD', 's', '99999999999999-*', 'f', 'v'])).toBe(resp.bulk('99999999999999-0'));
    expect(log).toEqual([`XADD s ${t0}-0 f v`, `XADD s ${t0}-1 f v`, `XADD s ${t0}-2 f v`, `XADD s ${t0}-3 f v`, 'XADD s 99999999999999-0 f v']);
  });

  test('explicit ids and exact trims are logged as sent; `~` is logged as `=` with what it did, LIMIT dropped', () => {
    const e = newEngine();
    const c = openClient(e);
    for (let i = 1; i <= 250; i++) runCommand(e, c, ['XADD', 's', String(i), 'f', String(i)]);
    const log = recording(e);
    expect(runCommand(e, c, ['XADD', 's', 'MAXLEN', '2', '251', 'f', 'v'])).toBe(resp.bulk('251-0'));
    runCommand(e, c, ['DEL', 's']);
    for (let i = 1; i <= 250; i++) runCommand(e, c, ['XADD', 's', String(i), 'f', String(i)]);
    log.length = 0;
    // Nodes of 100 entries: `~ 120` can drop only the first node (100 entries).
    expect(runCommand(e, c, ['XADD', 's', 'MAXLEN', '~', '120', 'LIMIT', '1000', '251', 'f', 'v'])).toBe(resp.bulk('251-0'));
    expect(runCommand(e, c, ['XLEN', 's'])).toBe(resp.int(151));
    expect(runCommand(e, c, ['XTRIM', 's', 'MINID', '~', '230'])).toBe(resp.int(100));
    expect(runCommand(e, c, ['XTRIM', 's', 'MINID', '~', '230'])).toBe(resp.int(0));
    expect(log).toEqual(['XADD s MAXLEN = 151 251 f v', 'XTRIM s MINID = 201-0']);
  });
});

describe('consumer groups', () => {
  test('XREADGROUP logs XCLAIMs, CREATECONSUMER and SETID; XREADGROUP itself is never logged', () => {
    const clock = new FakeClock(t0);
    const e = newEngine({ clock: clock.now });
    const c = openClient(e);
    runCommand(e, c, ['XADD', 's', '1', 'f', 'a']);
    runCommand(e, c, ['XADD', 's', '2', 'f', 'b']);
    runCommand(e, c, ['XGROUP', 'CREATE', 's', 'g', '0']);
    const log = recording(e);
    runCommand(e, c, ['XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '>']);
    expect(log).toEqual([
      [
        'XGROUP CREATECONSUMER s g alice',
        `XCLAIM s g alice 0 1-0 TIME ${t0} RETRYCOUNT 1 FORCE JUSTID LASTID 1-0`,
        `XCLAIM s g alice 0 2-0 TIME ${t0} RETRYCOUNT 1 FORCE JUSTID LASTID 2-0`,
        'XGROUP SETID s g 2-0 ENTRIESREAD 2',
      ].join(' | '),
    ]);
    log.length = 0;
    runCommand(e, c, ['XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '>']);
    runCommand(e, c, ['XREADGROUP', 'GROUP', 'g', 'alice', 'NOACK', 'STREAMS', 's', '>']);
    expect(log).toEqual([]);
    clock.advance(100);
    runCommand(e, c, ['XCLAIM', 's', 'g', 'bob', '50', '1', '9']);
    // XCLAIM creates bob itself on a replay: no CREATECONSUMER; the missing 9-0 logs nothing.
    expect(log).toEqual([`XCLAIM s g bob 0 1-0 TIME ${t0 + 100} RETRYCOUNT 2 FORCE JUSTID LASTID 2-0`]);
  });

  test('XAUTOCLAIM drops deleted entries from the PEL and logs their removal', () => {
    const clock = new FakeClock(t0);
    const e = newEngine({ clock: clock.now });
    const c = openClient(e);
    for (const id of ['1', '2', '3']) runCommand(e, c, ['XADD', 's', id, 'f', id]);
    runCommand(e, c, ['XGROUP', 'CREATE', 's', 'g', '0']);
    runCommand(e, c, ['XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '>']);
    runCommand(e, c, ['XDEL', 's', '2']);
    clock.advance(10);
    const log = recording(e);
    const r = runCommand(e, c, ['XAUTOCLAIM', 's', 'g', 'bob', '0', '0', 'JUSTID']);
    expect(r).toBe(resp.array(resp.bulk('0-0'), resp.array(resp.bulk('1-0'), resp.bulk('3-0')), resp.array(resp.bulk('2-0'))));
    expect(log).toHaveLength(1);
    expect(log[0]!.split(' | ')).toEqual([
      `XCLAIM s g bob 0 1-0 TIME ${t0 + 10} RETRYCOUNT 1 FORCE JUSTID LASTID 3-0`,
      `XCLAIM s g alice 0 2-0 TIME ${t0} RETRYCOUNT 1 FORCE JUSTID LASTID 3-0`,
      `XCLAIM s g bob 0 3-0 TIME ${t0 + 10} RETRYCOUNT 1 FORCE JUSTID LASTID 3-0`,
    ]);
    expect(runCommand(e, c, ['XPENDING', 's', 'g'])).toBe(resp.array(resp.int(2), resp.bulk('1-0'), resp.bulk('3-0'), resp.array(resp.array(resp.bulk('bob'), resp.bulk('2')))));
  });
});

describe('blocking', () => {
  test('XREAD BLOCK $ is served by the next XADD; a timeout answers a null array', () => {
    const clock = new FakeClock(t0);
    const e = newEngine({ clock: clock.now });
    const reader = openClient(e);
    const writer = openClient(e);
    expect(runCommand(e, reader, ['XREAD', 'BLOCK', '0', 'STREAMS', 's', '$'])).toBe('');
    const entries = runCommandEntries(e, writer, ['XADD', 's', '5', 'k', 'v']);
    expect(repliesFor(entries, writer)).toBe(resp.bulk('5-0'));
    expect(repliesFor(entries, reader)).toBe(resp.array(resp.array(resp.bulk('s'), resp.array(resp.array(resp.bulk('5-0'), resp.array(resp.bulk('k'), resp.bulk('v')))))));
    expect(runCommand(e, reader, ['XREAD', 'BLOCK', '100', 'STREAMS', 's', '$'])).toBe('');
    clock.advance(101);
    expect(repliesFor(runTick(e).entries, reader)).toBe(resp.nilArray);
  });

  test('a blocked XREADGROUP is served with its effects in their own record; DESTROY answers NOGROUP', () => {
    const clock = new FakeClock(t0);
    const e = newEngine({ clock: clock.now });
    const reader = openClient(e);
    const writer = openClient(e);
    runCommand(e, writer, ['XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM']);
    const log = recording(e);
    expect(runCommand(e, reader, ['XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 's', '>'])).toBe('');
    expect(log).toEqual([]);
    const entries = runCommandEntries(e, writer, ['XADD', 's', '7', 'k', 'v']);
    expect(repliesFor(entries, reader)).toBe(resp.array(resp.array(resp.bulk('s'), resp.array(resp.array(resp.bulk('7-0'), resp.array(resp.bulk('k'), resp.bulk('v')))))));
    expect(log).toEqual([
      'XADD s 7 k v',
      `XGROUP CREATECONSUMER s g c | XCLAIM s g c 0 7-0 TIME ${t0} RETRYCOUNT 1 FORCE JUSTID LASTID 7-0 | XGROUP SETID s g 7-0 ENTRIESREAD 1`,
    ]);
    expect(runCommand(e, reader, ['XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 's', '>'])).toBe('');
    const destroyed = runCommandEntries(e, writer, ['XGROUP', 'DESTROY', 's', 'g']);
    expect(repliesFor(destroyed, reader)).toBe(resp.err('NOGROUP the consumer group this client was blocked on no longer exists'));
  });
});

describe('replaying the effects of stream commands reproduces the keyspace', () => {
  const key = fc.constantFrom('s1', 's2');
  const group = fc.constantFrom('g1', 'g2');
  const consumer = fc.constantFrom('c1', 'c2', 'c3');
  const idArg = fc.integer({ min: 0, max: 400 }).map((d) => `${t0 + d}`);
  const command = fc.oneof(
    { weight: 6, arbitrary: fc.tuple(key, fc.constantFrom([], [], ['MAXLEN', '~', '3'], ['MAXLEN', '4'], ['MINID', '~', `${t0 + 100}`], ['NOMKSTREAM']), fc.constantFrom('*', `${t0 + 50}-*`)).map(([k, o, id]) => ['XADD', k, ...o, id, 'f', 'v']) },
    fc.tuple(key, fc.constantFrom(['MAXLEN', '~', '0'], ['MAXLEN', '=', '2'], ['MINID', `${t0 + 200}`], ['MAXLEN', '~', '0', 'LIMIT', '1'])).map(([k, o]) => ['XTRIM', k, ...o]),
    fc.tuple(key, idArg).map(([k, id]) => ['XDEL', k, id]),
    { weight: 5, arbitrary: fc.tuple(key, group, fc.constantFrom('0', '$')).map(([k, g, id]) => ['XGROUP', 'CREATE', k, g, id, 'MKSTREAM']) },
    fc.tuple(key, group, fc.constantFrom('0', '$')).map(([k, g, id]) => ['XGROUP', 'SETID', k, g, id]),
    fc.tuple(key, group, fc.constantFrom('DESTROY', 'CREATECONSUMER', 'DELCONSUMER'), consumer).map(([k, g, sub, c]) => (sub === 'DESTROY' ? ['XGROUP', sub, k, g] : ['XGROUP', sub, k, g, c])),
    { weight: 6, arbitrary: fc.tuple(key, group, consumer, fc.constantFrom([], ['NOACK'], ['BLOCK', '100'], ['COUNT', '1']), fc.constantFrom('>', '0')).map(([k, g, c, o, id]) => ['XREADGROUP', 'GROUP', g, c, ...o, 'STREAMS', k, id]) },
    fc.tuple(key, group, idArg).map(([k, g, id]) => ['XACK', k, g, id]),
    fc.tuple(key, group, consumer, idArg, fc.constantFrom([], ['JUSTID'], ['FORCE'], ['IDLE', '50', 'RETRYCOUNT', '3'], ['LASTID', `${t0 + 300}`])).map(([k, g, c, id, o]) => ['XCLAIM', k, g, c, '10', id, ...o]),
    fc.tuple(key, group, consumer, fc.constantFrom([], ['JUSTID'])).map(([k, g, c, o]) => ['XAUTOCLAIM', k, g, c, '20', '0', 'COUNT', '2', ...o]),
    fc.tuple(key, fc.constantFrom(`${t0 + 1000}`, `${t0 + 10}-5`)).map(([k, id]) => ['XSETID', k, id]),
  );
  const step = fc.oneof(
    { weight: 8, arbitrary: fc.record({ client: fc.integer({ min: 0, max: 1 }), argv: command }) },
    { weight: 2, arbitrary: fc.integer({ min: 1, max: 60 }) },
  );

  test('digest(replica) === digest(primary) for random stream sequences; dropping a record changes it', () => {
    let withGroupsRead = 0;
    fc.assert(
      fc.property(fc.array(step, { minLength: 5, maxLength: 50 }), (steps) => {
        const clock = new FakeClock(t0);
        const a = newEngine({ clock: clock.now });
        const records: EffectRecord[] = [];
        a.onEffects = (r) => records.push(decodeEffectRecord(encodeEffectRecord(r)));
        const clients = [openClient(a), openClient(a)];
        // Every group exists at first, so deliveries are common; later steps may destroy them.
        for (const [k, g] of [['s1', 'g1'], ['s1', 'g2'], ['s2', 'g1'], ['s2', 'g2']]) runCommand(a, clients[0]!, ['XGROUP', 'CREATE', k!, g!, '0', 'MKSTREAM']);
        for (const s of steps) {
          if (typeof s === 'number') {
            clock.advance(s);
            runTick(a);
          } else {
            runCommand(a, clients[s.client]!, s.argv);
          }
        }
        if (records.some((r) => r.effects.some((e) => e.argv[0]!.toString() === 'XCLAIM'))) withGroupsRead++;
        runCommand(a, openClient(a), ['SET', 'canary', 'x']);
        const b = newEngine({ clock: () => clock.ms + 10_000_000 });
        for (const r of records) b.applyEffectRecord(r);
        expect(keyspaceDigest(b.keyspace)).toBe(keyspaceDigest(a.keyspace));
        const c = newEngine({ clock: () => clock.ms + 10_000_000 });
        for (const r of records.slice(0, -1)) c.applyEffectRecord(r);
        expect(keyspaceDigest(c.keyspace)).not.toBe(keyspaceDigest(a.keyspace));
      }),
      { numRuns: 200 },
    );
    // The property must have exercised consumer-group deliveries, not only plain XADDs.
    expect(withGroupsRead).toBeGreaterThan(15);
  });
});

describe('blocking wake-ups', () => {
  test('XSETID and XDEL wake no blocked reader; the next XADD does', () => {
    const e = newEngine();
    const reader = openClient(e);
    const writer = openClient(e);
    runCommand(e, writer, ['XADD', 's', '5', 'f', 'v']);
    expect(runCommand(e, reader, ['XREAD', 'BLOCK', '0', 'STREAMS', 's', '$'])).toBe('');
    expect(repliesFor(runCommandEntries(e, writer, ['XSETID', 's', '9']), reader)).toBe('');
    expect(repliesFor(runCommandEntries(e, writer, ['XDEL', 's', '5']), reader)).toBe('');
    const served = runCommandEntries(e, writer, ['XADD', 's', '10', 'a', 'b']);
    expect(repliesFor(served, reader)).toBe(resp.array(resp.array(resp.bulk('s'), resp.array(resp.array(resp.bulk('10-0'), resp.array(resp.bulk('a'), resp.bulk('b')))))));
  });
});
