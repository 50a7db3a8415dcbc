// Keyspace notifications at engine level (in-process Engine, fake clock): the class
// flags of notify-keyspace-events select what is sent, keyspace and keyevent channels
// carry the right payloads and db number, and expired keys (lazy on access, active in
// the timer cycle) send `expired`; nothing is sent while the option is empty.

import { describe, expect, it } from 'vitest';
import { FakeClock, newEngine, openClient, repliesFor, runCommand, runCommandEntries, runTick, ownedEffectRecord } from './support/run.js';

const bulk = (s: string): string => `$${s.length}\r\n${s}\r\n`;
const msg = (ch: string, payload: string): string => `*3\r\n${bulk('message')}${bulk(ch)}${bulk(payload)}`;

function setup(flags: string, clock?: FakeClock) {
  const e = newEngine(clock === undefined ? {} : { clock: clock.now });
  const sub = openClient(e);
  const cli = openClient(e);
  expect(runCommand(e, cli, ['CONFIG', 'SET', 'notify-keyspace-events', flags])).toBe('+OK\r\n');
  return { e, sub, cli };
}

describe('keyspace notifications', () => {
  it('K and E send on both channels; the db number is the client’s', () => {
    const { e, sub, cli } = setup('KE$');
    runCommand(e, sub, ['SUBSCRIBE', '__keyspace@0__:k', '__keyevent@0__:set', '__keyevent@3__:set']);
    const entries = runCommandEntries(e, cli, ['SET', 'k', 'v']);
    expect(repliesFor(entries, sub)).toBe(msg('__keyspace@0__:k', 'set') + msg('__keyevent@0__:set', 'k'));
    runCommand(e, cli, ['SELECT', '3']);
    expect(repliesFor(runCommandEntries(e, cli, ['SET', 'k', 'v']), sub)).toBe(msg('__keyevent@3__:set', 'k'));
  });

  it('a class not enabled sends nothing; an empty option sends nothing', () => {
    const { e, sub, cli } = setup('El');
    runCommand(e, sub, ['PSUBSCRIBE', '*']);
    expect(repliesFor(runCommandEntries(e, cli, ['SET', 'k', 'v']), sub)).toBe('');
    expect(repliesFor(runCommandEntries(e, cli, ['RPUSH', 'l', 'a']), sub)).toContain('__keyevent@0__:rpush');
    runCommand(e, cli, ['CONFIG', 'SET', 'notify-keyspace-events', '']);
    expect(repliesFor(runCommandEntries(e, cli, ['RPUSH', 'l', 'a']), sub)).toBe('');
  });

  it('a lazily expired key sends expired (x class), then the command runs', () => {
    const clock = new FakeClock();
    const { e, sub, cli } = setup('Ex', clock);
    runCommand(e, sub, ['SUBSCRIBE', '__keyevent@0__:expired']);
    runCommand(e, cli, ['SET', 'k', 'v', 'PX', '100']);
    clock.advance(200);
    const entries = runCommandEntries(e, cli, ['GET', 'k']);
    expect(repliesFor(entries, cli)).toBe('$-1\r\n');
    expect(repliesFor(entries, sub)).toBe(msg('__keyevent@0__:expired', 'k'));
  });

  it('the active expiry cycle sends expired', () => {
    const clock = new FakeClock();
    const { e, sub, cli } = setup('Ex', clock);
    runCommand(e, sub, ['SUBSCRIBE', '__keyevent@0__:expired']);
    runCommand(e, cli, ['SET', 'k', 'v', 'PX', '10']);
    clock.advance(1000);
    const { entries } = runTick(e);
    expect(repliesFor(entries, sub)).toBe(msg('__keyevent@0__:expired', 'k'));
    expect(runCommand(e, cli, ['EXISTS', 'k'])).toBe(':0\r\n');
  });

  it('notifications record no effects of their own', () => {
    const { e, sub, cli } = setup('KEA');
    const records: { effects: { argv: Buffer[] }[] }[] = [];
    e.onEffects = (r) => records.push(ownedEffectRecord(r) as never);
    runCommand(e, sub, ['PSUBSCRIBE', '*']);
    runCommand(e, cli, ['SET', 'k', 'v']);
    expect(records.map((r) => r.effects.map((x) => x.argv.map((b) => b.toString()).join(' ')))).toEqual([['SET k v']]);
  });
});
