// MULTI / EXEC / DISCARD / WATCH / UNWATCH (src/engine/commands/transactions.ts and the
// dispatcher's queuing). Expected behaviour checked against redis-server 7.0.15,
// including Redis 7's rules for watched keys that expire.

import { describe, expect, test } from 'vitest';
import { FakeClock, newEngine, openClient, resp, runCommand, runTick } from './support/run.js';

describe('MULTI / EXEC / DISCARD', () => {
  test('queued commands run in order and reply as one array', () => {
    const e = newEngine();
    const c = openClient(e);
    expect(runCommand(e, c, ['MULTI'])).toBe(resp.ok);
    expect(runCommand(e, c, ['SET', 'a', '1'])).toBe(resp.queued);
    expect(runCommand(e, c, ['INCR', 'a'])).toBe(resp.queued);
    expect(runCommand(e, c, ['GET', 'a'])).toBe(resp.queued);
    expect(runCommand(e, c, ['PING'])).toBe(resp.queued);
    expect(runCommand(e, c, ['EXEC'])).toBe(resp.array(resp.ok, resp.int(2), resp.bulk('2'), '+PONG\r\n'));
    expect(runCommand(e, c, ['EXEC'])).toBe('-ERR EXEC without MULTI\r\n');
  });

  test('a runtime error inside EXEC does not stop the others', () => {
    const e = newEngine();
    const c = openClient(e);
    runCommand(e, c, ['MULTI']);
    runCommand(e, c, ['SET', 'a', 'x']);
    runCommand(e, c, ['INCR', 'a']);
    runCommand(e, c, ['SET', 'b', 'y']);
    expect(runCommand(e, c, ['EXEC'])).toBe(resp.array(resp.ok, '-ERR value is not an integer or out of range\r\n', resp.ok));
    expect(runCommand(e, c, ['GET', 'b'])).toBe(resp.bulk('y'));
  });

  test('nesting, DISCARD, errors without MULTI', () => {
    const e = newEngine();
    const c = openClient(e);
    expect(runCommand(e, c, ['DISCARD'])).toBe('-ERR DISCARD without MULTI\r\n');
    runCommand(e, c, ['MULTI']);
    expect(runCommand(e, c, ['MULTI'])).toBe('-ERR MULTI calls can not be nested\r\n');
    expect(runCommand(e, c, ['WATCH', 'x'])).toBe('-ERR WATCH inside MULTI is not allowed\r\n');
    runCommand(e, c, ['SET', 'a', '1']);
    expect(runCommand(e, c, ['DISCARD'])).toBe(resp.ok);
    expect(runCommand(e, c, ['GET', 'a'])).toBe(resp.nil);
    // Neither error above aborted the transaction: they are not rejections.
    runCommand(e, c, ['MULTI']);
    runCommand(e, c, ['MULTI']);
    runCommand(e, c, ['SET', 'a', '1']);
    expect(runCommand(e, c, ['EXEC'])).toBe(resp.array(resp.ok));
  });

  test('an unknown command inside MULTI aborts it', () => {
    const e = newEngine();
    const c = openClient(e);
    runCommand(e, c, ['MULTI']);
    expect(runCommand(e, c, ['NOPE', 'x'])).toBe("-ERR unknown command 'NOPE', with args beginning with: 'x' \r\n");
    runCommand(e, c, ['SET', 'a', '1']);
    expect(runCommand(e, c, ['EXEC'])).toBe('-EXECABORT Transaction discarded because of previous errors.\r\n');
    expect(runCommand(e, c, ['GET', 'a'])).toBe(resp.nil);
    expect(runCommand(e, c, ['EXEC'])).toBe('-ERR EXEC without MULTI\r\n');
  });

  test('SELECT inside MULTI applies to the commands after it', () => {
    const e = newEngine();
    const c = openClient(e);
    runCommand(e, c, ['MULTI']);
    runCommand(e, c, ['SELECT', '2']);
    runCommand(e, c, ['SET', 'a', 'in2']);
    expect(runCommand(e, c, ['EXEC'])).toBe(resp.array(resp.ok, resp.ok));
    expect(runCommand(e, c, ['GET', 'a'])).toBe(resp.bulk('in2'));
    runCommand(e, c, ['SELECT', '0']);
    expect(runCommand(e, c, ['GET', 'a'])).toBe(resp.nil);
  });

  test('a rejected EXEC discards the transaction and says why, inside MULTI or not', () => {
    const e = newEngine();
    const c = openClient(e);
    const abort = "-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command\r\n";
    expect(runCommand(e, c, ['EXEC', 'x'])).toBe(abort);
    runCommand(e, c, ['MULTI']);
    runCommand(e, c, ['SET', 'a', '1']);
    expect(runCommand(e, c, ['EXEC', 'x'])).toBe(abort);
    expect(runCommand(e, c, ['EXEC'])).toBe('-ERR EXEC without MULTI\r\n');
    expect(runCommand(e, c, ['GET', 'a'])).toBe(resp.nil);
  });

  test('an empty transaction', () => {
    const e = newEngine();
    const c = openClient(e);
    runCommand(e, c, ['MULTI']);
    expect(runCommand(e, c, ['EXEC'])).toBe('*0\r\n');
  });

  test('QUIT is not queued', () => {
    const e = newEngine();
    const c = openClient(e);
    runCommand(e, c, ['MULTI']);
    expect(runCommand(e, c, ['QUIT'])).toBe(resp.ok);
  });

  test('the whole EXEC runs at one time', () => {
    // A clock that jumps 100 ms on every read once armed: had any queued command read
    // the clock itself, the key (alive at EXEC's time) would have expired under it.
    let t = 1_700_000_000_000;
    let armed = false;
    const e = newEngine({ clock: () => (armed ? (t += 100) : t) });
    const c = openClient(e);
    runCommand(e, c, ['SET', 'k', 'v', 'PX', '150']);
    runCommand(e, c, ['MULTI']);
    for (let i = 0; i < 3; i++) runCommand(e, c, ['GET', 'k']);
    armed = true;
    expect(runCommand(e, c, ['EXEC'])).toBe(resp.array(resp.bulk('v'), resp.bulk('v'), resp.bulk('v')));
    expect(runCommand(e, c, ['GET', 'k'])).toBe(resp.nil);
  });
});

describe('WATCH', () => {
  test('a key modified by another client fails EXEC with a null array', () => {
    const e = newEngine();
    const a = openClient(e);
    const b = openClient(e);
    expect(runCommand(e, a, ['WATCH', 'k'])).toBe(resp.ok);
    runCommand(e, a, ['MULTI']);
    runCommand(e, a, ['SET', 'k', 'mine']);
    runCommand(e, b, ['SET', 'k', 'theirs']);
    expect(runCommand(e, a, ['EXEC'])).toBe(resp.nilArray);
    expect(runCommand(e, a, ['GET', 'k'])).toBe(resp.bulk('theirs'));
  });

  test('RESP3 gets a null for a failed EXEC', () => {
    const e = newEngine();
    const a = openClient(e);
    runCommand(e, a, ['HELLO', '3']);
    runCommand(e, a, ['WATCH', 'k']);
    runCommand(e, a, ['SET', 'k', 'x']);
    runCommand(e, a, ['MULTI']);
    expect(runCommand(e, a, ['EXEC'])).toBe('_\r\n');
  });

  test('its own modification before MULTI counts; setting the same value counts', () => {
    const e = newEngine();
    const a = openClient(e);
    const b = openClient(e);
    runCommand(e, a, ['WATCH', 'k4']);
    runCommand(e, a, ['SET', 'k4', 'x']);
    runCommand(e, a, ['MULTI']);
    expect(runCommand(e, a, ['EXEC'])).toBe(resp.nilArray);
    runCommand(e, a, ['SET', 'k5', 'x']);
    runCommand(e, a, ['WATCH', 'k5']);
    runCommand(e, b, ['SET', 'k5', 'x']);
    runCommand(e, a, ['MULTI']);
    expect(runCommand(e, a, ['EXEC'])).toBe(resp.nilArray);
  });

  test('untouched, other-database and no-op changes do not fail EXEC', () => {
    const e = newEngine();
    const a = openClient(e);
    const b = openClient(e);
    runCommand(e, a, ['WATCH', 'k', 'missing']);
    runCommand(e, b, ['SELECT', '1']);
    runCommand(e, b, ['SET', 'k', 'other-db']);
    runCommand(e, b, ['GETDEL', 'missing']); // deletes nothing
    runCommand(e, a, ['MULTI']);
    runCommand(e, a, ['PING']);
    expect(runCommand(e, a, ['EXEC'])).toBe(resp.array('+PONG\r\n'));
  });

  test('EXEC and DISCARD and UNWATCH forget the watched keys', () => {
    const e = newEngine();
    const a = openClient(e);
    const b = openClient(e);
    runCommand(e, a, ['WATCH', 'k']);
    runCommand(e, a, ['MULTI']);
    runCommand(e, a, ['EXEC']);
    runCommand(e, b, ['SET', 'k', '1']);
    runCommand(e, a, ['MULTI']);
    expect(runCommand(e, a, ['EXEC'])).toBe('*0\r\n');

    runCommand(e, a, ['WATCH', 'k']);
    runCommand(e, a, ['MULTI']);
    runCommand(e, a, ['DISCARD']);
    runCommand(e, b, ['SET', 'k', '2']);
    runCommand(e, a, ['MULTI']);
    expect(runCommand(e, a, ['EXEC'])).toBe('*0\r\n');

    runCommand(e, a, ['WATCH', 'k']);
    runCommand(e, b, ['SET', 'k', '3']);
    expect(runCommand(e, a, ['UNWATCH'])).toBe(resp.ok);
    runCommand(e, a, ['MULTI']);
    expect(runCommand(e, a, ['EXEC'])).toBe('*0\r\n');
    expect(e.clients.get(a)!.watched.size).toBe(0);
  });

  test('a watched key that expires before EXEC fails it (Redis 7)', () => {
    const clock = new FakeClock();
    const e = newEngine({ clock: clock.now });
    const a = openClient(e);
    runCommand(e, a, ['SET', 'k1', 'v', 'PX', '100']);
    runCommand(e, a, ['WATCH', 'k1']);
    runCommand(e, a, ['MULTI']);
    runCommand(e, a, ['PING']);
    clock.advance(200);
    expect(runCommand(e, a, ['EXEC'])).toBe(resp.nilArray);
  });

  test('a key already expired at WATCH: its deletion by expiry is no change, a write is', () => {
    const clock = new FakeClock();
    const e = newEngine({ clock: clock.now });
    const a = openClient(e);
    const b = openClient(e);
    runCommand(e, a, ['SET', 'k2', 'v', 'PX', '50']);
    runCommand(e, a, ['SET', 'k3', 'v', 'PX', '50']);
    clock.advance(100);
    runCommand(e, a, ['WATCH', 'k2']);
    runCommand(e, a, ['MULTI']);
    runCommand(e, a, ['PING']);
    expect(runCommand(e, b, ['GET', 'k2'])).toBe(resp.nil); // lazily deleted here
    expect(runCommand(e, a, ['EXEC'])).toBe(resp.array('+PONG\r\n'));

    runCommand(e, a, ['WATCH', 'k3']);
    runCommand(e, a, ['MULTI']);
    runCommand(e, a, ['PING']);
    runCommand(e, b, ['SET', 'k3', 'new']);
    expect(runCommand(e, a, ['EXEC'])).toBe(resp.nilArray);
  });

  test('active expiry of a watched live key fails EXEC', () => {
    const clock = new FakeClock();
    const e = newEngine({ clock: clock.now });
    const a = openClient(e);
    runCommand(e, a, ['SET', 'k', 'v', 'PX', '10']);
    runCommand(e, a, ['WATCH', 'k']);
    clock.advance(1000);
    runTick(e);
    expect(e.keyspace.db(0).size).toBe(0);
    runCommand(e, a, ['MULTI']);
    expect(runCommand(e, a, ['EXEC'])).toBe(resp.nilArray);
  });
});
