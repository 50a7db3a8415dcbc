// The dispatcher (src/engine/engine.ts): lookup, arity, NOAUTH, MULTI flagging, CLIENT
// REPLY, CLIENT PAUSE deferral, entry framing (close, authenticated), stats. Expected
// texts are Redis 7.0.15's, taken from a real redis-server.

import { describe, expect, test } from 'vitest';
import { EntryKind } from '../../src/engine/reply.js';
import { FakeClock, newEngine, openClient, repliesFor, resp, runCommand, runCommandEntries, runTick } from './support/run.js';

describe('lookup and arity', () => {
  test('unknown command quotes its arguments, as Redis does', () => {
    const e = newEngine();
    const c = openClient(e);
    expect(runCommand(e, c, ['FOO', 'a', 'b'])).toBe("-ERR unknown command 'FOO', with args beginning with: 'a' 'b' \r\n");
    expect(runCommand(e, c, ['foo'])).toBe("-ERR unknown command 'foo', with args beginning with: \r\n");
  });

  test('unknown command arguments are cut at 128 bytes in total', () => {
    const e = newEngine();
    const c = openClient(e);
    const x100 = 'x'.repeat(100);
    expect(runCommand(e, c, ['FOO', x100, x100, 'b'])).toBe(`-ERR unknown command 'FOO', with args beginning with: '${x100}' '${'x'.repeat(25)}' \r\n`);
  });

  test('newlines in an error become spaces', () => {
    const e = newEngine();
    const c = openClient(e);
    expect(runCommand(e, c, ['a\nb', 'c'])).toBe("-ERR unknown command 'a b', with args beginning with: 'c' \r\n");
  });

  test('unknown subcommand names the container in upper case', () => {
    const e = newEngine();
    const c = openClient(e);
    expect(runCommand(e, c, ['Client', 'Foo'])).toBe("-ERR unknown subcommand 'Foo'. Try CLIENT HELP.\r\n");
  });

  test('arity errors use the full name', () => {
    const e = newEngine();
    const c = openClient(e);
    expect(runCommand(e, c, ['GET'])).toBe("-ERR wrong number of arguments for 'get' command\r\n");
    expect(runCommand(e, c, ['client'])).toBe("-ERR wrong number of arguments for 'client' command\r\n");
    expect(runCommand(e, c, ['CLIENT', 'SETNAME'])).toBe("-ERR wrong number of arguments for 'client|setname' command\r\n");
    expect(runCommand(e, c, ['ECHO'])).toBe("-ERR wrong number of arguments for 'echo' command\r\n");
    expect(runCommand(e, c, ['PING', 'a', 'b'])).toBe("-ERR wrong number of arguments for 'ping' command\r\n");
  });

  test('a subcommand\'s full name is not a command', () => {
    const e = newEngine();
    const c = openClient(e);
    expect(runCommand(e, c, ['client|id'])).toBe("-ERR unknown command 'client|id', with args beginning with: \r\n");
  });

  test('command names are case-insensitive', () => {
    const e = newEngine();
    const c = openClient(e);
    expect(runCommand(e, c, ['pInG'])).toBe('+PONG\r\n');
    expect(runCommand(e, c, ['cLiEnT', 'iD'])).toBe(resp.int(c));
  });
});

describe('authentication', () => {
  test('NOAUTH before AUTH, but lookup and arity come first; AUTH emits an authenticated entry', () => {
    const e = newEngine({ requirepass: 'secret' });
    const c = openClient(e);
    expect(runCommand(e, c, ['GET', 'k'])).toBe('-NOAUTH Authentication required.\r\n');
    expect(runCommand(e, c, ['NOPE'])).toBe("-ERR unknown command 'NOPE', with args beginning with: \r\n");
    expect(runCommand(e, c, ['GET'])).toBe("-ERR wrong number of arguments for 'get' command\r\n");
    expect(runCommand(e, c, ['AUTH', 'wrong'])).toBe('-WRONGPASS invalid username-password pair or user is disabled.\r\n');
    const entries = runCommandEntries(e, c, ['AUTH', 'secret']);
    expect(entries.map((x) => x.kind)).toEqual([EntryKind.reply, EntryKind.authenticated]);
    expect(entries[1]!.body).toEqual(Buffer.of(1));
    expect(runCommand(e, c, ['GET', 'k'])).toBe(resp.nil);
  });

  test('RESET deauthenticates when a password is required', () => {
    const e = newEngine({ requirepass: 'secret' });
    const c = openClient(e);
    runCommand(e, c, ['AUTH', 'default', 'secret']);
    const entries = runCommandEntries(e, c, ['RESET']);
    expect(repliesFor(entries, c)).toBe('+RESET\r\n');
    expect(entries.find((x) => x.kind === EntryKind.authenticated)?.body).toEqual(Buffer.of(0));
    expect(runCommand(e, c, ['PING'])).toBe('-NOAUTH Authentication required.\r\n');
  });
});

describe('MULTI queuing in the dispatcher', () => {
  test('a rejected command inside MULTI aborts the transaction', () => {
    const e = newEngine();
    const c = openClient(e);
    expect(runCommand(e, c, ['MULTI'])).toBe(resp.ok);
    expect(runCommand(e, c, ['SET', 'k', 'v'])).toBe(resp.queued);
    expect(runCommand(e, c, ['GET'])).toBe("-ERR wrong number of arguments for 'get' command\r\n");
    expect(runCommand(e, c, ['EXEC'])).toBe('-EXECABORT Transaction discarded because of previous errors.\r\n');
    expect(runCommand(e, c, ['GET', 'k'])).toBe(resp.nil);
  });

  test('NOAUTH for MULTI, EXEC (as an EXECABORT) and DISCARD', () => {
    const e = newEngine({ requirepass: 'pw' });
    const c = openClient(e);
    // MULTI itself needs auth: rejected, no transaction opened.
    expect(runCommand(e, c, ['MULTI'])).toBe('-NOAUTH Authentication required.\r\n');
    expect(runCommand(e, c, ['EXEC'])).toBe('-EXECABORT Transaction discarded because of: NOAUTH Authentication required.\r\n');
    expect(runCommand(e, c, ['DISCARD'])).toBe('-NOAUTH Authentication required.\r\n');
  });

  test('queued commands are copies of the request buffers', () => {
    const e = newEngine();
    const c = openClient(e);
    runCommand(e, c, ['MULTI']);
    // runCommandEntries scribbles over every argument after execute, as the ring would.
    runCommand(e, c, ['SET', 'key1', 'value1']);
    runCommand(e, c, ['GET', 'key1']);
    expect(runCommand(e, c, ['EXEC'])).toBe(resp.array(resp.ok, resp.bulk('value1')));
  });
});

describe('CLIENT REPLY', () => {
  test('OFF silences until ON; SKIP silences the next command only', () => {
    const e = newEngine();
    const c = openClient(e);
    expect(runCommand(e, c, ['CLIENT', 'REPLY', 'OFF'])).toBe('');
    expect(runCommand(e, c, ['PING'])).toBe('');
    expect(runCommand(e, c, ['NOPE'])).toBe('');
    expect(runCommand(e, c, ['CLIENT', 'REPLY', 'ON'])).toBe(resp.ok);
    expect(runCommand(e, c, ['CLIENT', 'REPLY', 'SKIP'])).toBe('');
    expect(runCommand(e, c, ['PING'])).toBe('');
    expect(runCommand(e, c, ['PING'])).toBe('+PONG\r\n');
    expect(runCommand(e, c, ['CLIENT', 'REPLY', 'maybe'])).toBe('-ERR syntax error\r\n');
  });

  test('a silenced command writes no entry at all', () => {
    const e = newEngine();
    const c = openClient(e);
    runCommand(e, c, ['CLIENT', 'REPLY', 'OFF']);
    expect(runCommandEntries(e, c, ['PING'])).toEqual([]);
  });
});

describe('CLIENT PAUSE', () => {
  test('WRITE defers writes (and everything after them from that client) until the pause ends', () => {
    const clock = new FakeClock();
    const e = newEngine({ clock: clock.now });
    const admin = openClient(e);
    const w = openClient(e);
    const r = openClient(e);
    expect(runCommand(e, admin, ['CLIENT', 'PAUSE', '1000', 'WRITE'])).toBe(resp.ok);
    expect(runCommand(e, w, ['SET', 'k', '1'])).toBe('');
    expect(runCommand(e, w, ['GET', 'k'])).toBe(''); // waits behind the deferred SET
    expect(runCommand(e, r, ['GET', 'k'])).toBe(resp.nil); // reads run
    expect(runCommand(e, r, ['CLIENT', 'LIST', 'ID', String(w)])).toMatch(/ flags=b /);
    const early = runTick(e);
    expect(early.entries).toEqual([]);
    expect(early.waitMs).toBeLessThanOrEqual(1000);
    clock.advance(1000);
    const { entries } = runTick(e);
    expect(repliesFor(entries, w)).toBe(resp.ok + resp.bulk('1'));
    expect(runCommand(e, r, ['GET', 'k'])).toBe(resp.bulk('1'));
  });

  test('ALL defers every command, CLIENT UNPAUSE from the pausing client included', () => {
    const clock = new FakeClock();
    const e = newEngine({ clock: clock.now });
    const a = openClient(e);
    const b = openClient(e);
    runCommand(e, a, ['CLIENT', 'PAUSE', '500']);
    expect(runCommand(e, b, ['PING'])).toBe('');
    expect(runCommand(e, a, ['CLIENT', 'UNPAUSE'])).toBe('');
    clock.advance(500);
    const { entries } = runTick(e);
    expect(repliesFor(entries, b)).toBe('+PONG\r\n');
    expect(repliesFor(entries, a)).toBe(resp.ok);
  });

  test('CLIENT UNPAUSE runs the deferred commands right after its own reply', () => {
    const clock = new FakeClock();
    const e = newEngine({ clock: clock.now });
    const a = openClient(e);
    const b = openClient(e);
    runCommand(e, a, ['CLIENT', 'PAUSE', '100000', 'WRITE']);
    expect(runCommand(e, b, ['INCR', 'n'])).toBe('');
    const entries = runCommandEntries(e, a, ['CLIENT', 'UNPAUSE']);
    expect(entries.map((x) => [x.clientId, x.body.toString('latin1')])).toEqual([
      [a, resp.ok],
      [b, resp.int(1)],
    ]);
  });

  test('a transaction with writes waits at EXEC under a WRITE pause', () => {
    const clock = new FakeClock();
    const e = newEngine({ clock: clock.now });
    const a = openClient(e);
    const b = openClient(e);
    runCommand(e, b, ['MULTI']);
    expect(runCommand(e, b, ['GET', 'x'])).toBe(resp.queued);
    runCommand(e, a, ['CLIENT', 'PAUSE', '100', 'WRITE']);
    // Redis defers a write even inside MULTI (it is checked before queuing).
    expect(runCommand(e, b, ['SET', 'x', '1'])).toBe('');
    expect(runCommand(e, b, ['EXEC'])).toBe('');
    clock.advance(100);
    expect(repliesFor(runTick(e).entries, b)).toBe(resp.queued + resp.array(resp.nil, resp.ok));
  });

  test('bad arguments', () => {
    const e = newEngine();
    const c = openClient(e);
    expect(runCommand(e, c, ['CLIENT', 'PAUSE', 'x'])).toBe('-ERR timeout is not an integer or out of range\r\n');
    expect(runCommand(e, c, ['CLIENT', 'PAUSE', '-1'])).toBe('-ERR timeout is negative\r\n');
    expect(runCommand(e, c, ['CLIENT', 'PAUSE', '10', 'foo'])).toBe('-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n');
    expect(runCommand(e, c, ['CLIENT', 'PAUSE', 'x', 'foo'])).toBe('-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n');
    expect(runCommand(e, c, ['CLIENT', 'PAUSE', '1', '2', '3'])).toBe("-ERR unknown subcommand or wrong number of arguments for 'PAUSE'. Try CLIENT HELP.\r\n");
  });
});

describe('closing clients', () => {
  test('QUIT replies +OK, then a close entry; later commands are ignored', () => {
    const e = newEngine();
    const c = openClient(e);
    const entries = runCommandEntries(e, c, ['QUIT']);
    expect(entries.map((x) => x.kind)).toEqual([EntryKind.reply, EntryKind.close]);
    expect(entries[0]!.body.toString()).toBe(resp.ok);
    expect(runCommandEntries(e, c, ['PING'])).toEqual([]);
    e.closeClient(c);
    expect(e.clients.has(c)).toBe(false);
  });

  test('closing a socket forgets its watched keys', () => {
    const e = newEngine();
    const a = openClient(e);
    const b = openClient(e);
    runCommand(e, a, ['WATCH', 'k']);
    e.closeClient(a);
    expect(runCommand(e, b, ['SET', 'k', 'v'])).toBe(resp.ok);
    expect(e.clients.size).toBe(1);
  });
});

describe('stats', () => {
  test('calls, failed calls and rejected calls are counted per command', () => {
    const e = newEngine();
    const c = openClient(e);
    runCommand(e, c, ['SET', 'k', 'v']);
    runCommand(e, c, ['INCR', 'k']); // fails: not an integer
    runCommand(e, c, ['INCR']); // rejected: arity
    runCommand(e, c, ['NOPE']);
    const incr = e.stats.commands.get('incr')!;
    expect(incr.calls).toBe(1);
    expect(incr.failedCalls).toBe(1);
    expect(incr.rejectedCalls).toBe(1);
    expect(e.stats.commands.get('set')!.calls).toBe(1);
    expect(e.stats.totalErrorReplies).toBe(3);
  });

  test('error replies are counted by code for INFO errorstats', () => {
    const e = newEngine();
    const c = openClient(e);
    runCommand(e, c, ['NOPE']);
    runCommand(e, c, ['GET']);
    runCommand(e, c, ['SET', 'k', 'v']);
    runCommand(e, c, ['INCR', 'k']);
    runCommand(e, c, ['MULTI']);
    runCommand(e, c, ['INCR', 'k']);
    runCommand(e, c, ['EXEC']); // the INCR inside fails: counted too
    runCommand(e, c, ['MULTI']);
    runCommand(e, c, ['NOPE']);
    runCommand(e, c, ['EXEC']);
    expect(Object.fromEntries(e.stats.errorCodes)).toEqual({ ERR: 5, EXECABORT: 1 }); // as redis-server 7.0.15's INFO errorstats
    expect(e.stats.totalErrorReplies).toBe(6);
  });

  test('commands inside EXEC are counted, and so is EXEC', () => {
    const e = newEngine();
    const c = openClient(e);
    runCommand(e, c, ['MULTI']);
    runCommand(e, c, ['SET', 'k', 'v']);
    runCommand(e, c, ['EXEC']);
    expect(e.stats.commands.get('set')!.calls).toBe(1);
    expect(e.stats.commands.get('exec')!.calls).toBe(1);
  });
});

describe('RESP3', () => {
  test('replies follow the client protocol', () => {
    const e = newEngine();
    const a = openClient(e);
    const b = openClient(e);
    runCommand(e, a, ['HELLO', '3']);
    expect(runCommand(e, a, ['GET', 'missing'])).toBe('_\r\n');
    expect(runCommand(e, b, ['GET', 'missing'])).toBe(resp.nil);
  });
});

describe('timers', () => {
  test('tick runs active expiry and asks to be called again within the interval', () => {
    const clock = new FakeClock();
    const e = newEngine({ clock: clock.now });
    const c = openClient(e);
    runCommand(e, c, ['SET', 'k', 'v', 'PX', '50']);
    clock.advance(200);
    const { waitMs } = runTick(e);
    expect(waitMs).toBeGreaterThan(0);
    expect(waitMs).toBeLessThanOrEqual(100);
    expect(e.keyspace.db(0).size).toBe(0);
    expect(e.stats.expiredKeys).toBe(1);
  });
});
