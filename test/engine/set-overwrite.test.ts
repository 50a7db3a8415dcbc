// SET over an existing string of the same size class (in-process Engine): the fast path
// that overwrites the slab value by the key's bytes (Db.overwriteBytes) must leave every
// Redis-visible effect of a SET in place: WATCH fails the EXEC, a tracking client is
// invalidated, keyspace events fire, a TTL goes, an expired key is deleted (and logged)
// first, the access time and the write path's effect record are as for any SET.

import { describe, expect, it } from 'vitest';
import type { EffectRecord } from '../../src/engine/effects.js';
import { FakeClock, newEngine, openClient, repliesFor, runCommand, runCommandEntries, useResp3, ownedEffectRecord } from './support/run.js';

const bulk = (s: string): string => `$${s.length}\r\n${s}\r\n`;
const v1 = 'a'.repeat(100);
const v2 = 'b'.repeat(100);

describe('SET over a value of the same size class', () => {
  it('replaces the value, keeps one live slab handle and counts one write', () => {
    const e = newEngine();
    const c = openClient(e);
    runCommand(e, c, ['SET', 'k', v1]);
    const dirty = e.keyspace.dirty;
    expect(runCommand(e, c, ['SET', 'k', v2])).toBe('+OK\r\n');
    expect(e.keyspace.dirty).toBe(dirty + 1);
    expect(runCommand(e, c, ['GET', 'k'])).toBe(bulk(v2));
    expect(e.keyspace.slab.liveCount).toBe(1);
  });

  it('fails a watcher’s EXEC', () => {
    const e = newEngine();
    const w = openClient(e);
    const other = openClient(e);
    runCommand(e, w, ['SET', 'k', v1]);
    runCommand(e, w, ['WATCH', 'k']);
    runCommand(e, other, ['SET', 'k', v2]);
    runCommand(e, w, ['MULTI']);
    runCommand(e, w, ['GET', 'k']);
    expect(runCommand(e, w, ['EXEC'])).toBe('*-1\r\n');
  });

  it('invalidates a tracking client that read the key', () => {
    const e = newEngine();
    const t = openClient(e);
    const w = openClient(e);
    useResp3(e, t);
    runCommand(e, w, ['SET', 'k', v1]);
    runCommand(e, t, ['CLIENT', 'TRACKING', 'on']);
    runCommand(e, t, ['GET', 'k']);
    const entries = runCommandEntries(e, w, ['SET', 'k', v2]);
    expect(repliesFor(entries, t)).toBe(`>2\r\n${bulk('invalidate')}*1\r\n${bulk('k')}`);
  });

  it('fires the set keyspace event', () => {
    const e = newEngine();
    const s = openClient(e);
    const w = openClient(e);
    runCommand(e, w, ['SET', 'k', v1]);
    runCommand(e, w, ['CONFIG', 'SET', 'notify-keyspace-events', 'K$']);
    runCommand(e, s, ['SUBSCRIBE', '__keyspace@0__:k']);
    const entries = runCommandEntries(e, w, ['SET', 'k', v2]);
    expect(repliesFor(entries, s)).toBe(`*3\r\n${bulk('message')}${bulk('__keyspace@0__:k')}${bulk('set')}`);
  });

  it('removes a TTL; deletes an expired key first and logs its DEL', () => {
    const clock = new FakeClock();
    const e = newEngine({ clock: clock.now });
    const records: EffectRecord[] = [];
    e.onEffects = (r) => records.push(ownedEffectRecord(r));
    const c = openClient(e);
    runCommand(e, c, ['SET', 'k', v1, 'PX', '100000']);
    runCommand(e, c, ['SET', 'k', v2]);
    expect(runCommand(e, c, ['PTTL', 'k'])).toBe(':-1\r\n');
    runCommand(e, c, ['SET', 'k', v1, 'PX', '10']);
    clock.advance(20);
    records.length = 0;
    runCommand(e, c, ['SET', 'k', v2]);
    expect(records.map((r) => r.effects.map((x) => x.argv.map((a) => Buffer.from(a).toString('latin1')).join(' ')))).toEqual([['DEL k', `SET k ${v2}`]]);
    expect(e.stats.expiredKeys).toBe(1);
  });

  it('stamps the access time as any write does', () => {
    const clock = new FakeClock();
    const e = newEngine({ clock: clock.now });
    const c = openClient(e);
    runCommand(e, c, ['SET', 'k', v1]);
    clock.advance(5000);
    expect(runCommand(e, c, ['OBJECT', 'IDLETIME', 'k'])).toBe(':5\r\n');
    runCommand(e, c, ['SET', 'k', v2]);
    expect(runCommand(e, c, ['OBJECT', 'IDLETIME', 'k'])).toBe(':0\r\n');
  });
});
