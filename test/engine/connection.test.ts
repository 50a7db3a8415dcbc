// Connection commands (src/engine/commands/connection.ts): PING, ECHO, SELECT, AUTH,
// HELLO, RESET, CLIENT *. Expected bytes are Redis 7.0.15's, taken from a real
// redis-server (ids and addresses aside).

import { describe, expect, test } from 'vitest';
import { EntryKind } from '../../src/engine/reply.js';
import { FakeClock, newEngine, openClient, resp, runCommand, runCommandEntries } from './support/run.js';

function helloReply(proto: 2 | 3, id: number): string {
  const body =
    resp.bulk('server') + resp.bulk('redis') + resp.bulk('version') + resp.bulk('7.0.15') + resp.bulk('proto') + resp.int(proto) +
    resp.bulk('id') + resp.int(id) + resp.bulk('mode') + resp.bulk('standalone') + resp.bulk('role') + resp.bulk('master') +
    resp.bulk('modules') + '*0\r\n';
  return (proto === 3 ? '%7\r\n' : '*14\r\n') + body;
}

describe('PING, ECHO, SELECT', () => {
  test('PING and ECHO', () => {
    const e = newEngine();
    const c = openClient(e);
    expect(runCommand(e, c, ['PING'])).toBe('+PONG\r\n');
    expect(runCommand(e, c, ['PING', 'hi'])).toBe(resp.bulk('hi'));
    expect(runCommand(e, c, ['ECHO', Buffer.from([0, 255, 13, 10])])).toBe('$4\r\n\x00\xff\r\n\r\n');
  });

  test('SELECT switches the database and checks the index', () => {
    const e = newEngine();
    const c = openClient(e);
    runCommand(e, c, ['SET', 'k', 'zero']);
    expect(runCommand(e, c, ['SELECT', '15'])).toBe(resp.ok);
    expect(runCommand(e, c, ['GET', 'k'])).toBe(resp.nil);
    expect(runCommand(e, c, ['SELECT', '16'])).toBe('-ERR DB index is out of range\r\n');
    expect(runCommand(e, c, ['SELECT', '-1'])).toBe('-ERR DB index is out of range\r\n');
    expect(runCommand(e, c, ['SELECT', 'x'])).toBe('-ERR value is not an integer or out of range\r\n');
    expect(runCommand(e, c, ['SELECT', '01'])).toBe('-ERR value is not an integer or out of range\r\n');
    expect(runCommand(e, c, ['SELECT', '9999999999'])).toBe('-ERR value is out of range, value must between -2147483648 and 2147483647\r\n');
    expect(runCommand(e, c, ['SELECT', '0'])).toBe(resp.ok);
    expect(runCommand(e, c, ['GET', 'k'])).toBe(resp.bulk('zero'));
  });
});

describe('AUTH', () => {
  test('without a password configured', () => {
    const e = newEngine();
    const c = openClient(e);
    expect(runCommand(e, c, ['AUTH', 'x'])).toBe('-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\r\n');
    expect(runCommand(e, c, ['AUTH', 'a', 'b'])).toBe('-WRONGPASS invalid username-password pair or user is disabled.\r\n');
    expect(runCommand(e, c, ['AUTH', 'default', 'anything'])).toBe(resp.ok);
    expect(runCommand(e, c, ['AUTH', 'a', 'b', 'c'])).toBe('-ERR syntax error\r\n');
    expect(runCommand(e, c, ['AUTH'])).toBe("-ERR wrong number of arguments for 'auth' command\r\n");
  });

  test('with requirepass', () => {
    const e = newEngine({ requirepass: 'pw' });
    const c = openClient(e);
    expect(runCommand(e, c, ['AUTH', 'nope'])).toBe('-WRONGPASS invalid username-password pair or user is disabled.\r\n');
    expect(runCommand(e, c, ['AUTH', 'bob', 'pw'])).toBe('-WRONGPASS invalid username-password pair or user is disabled.\r\n');
    expect(runCommand(e, c, ['AUTH', 'pw'])).toBe(resp.ok);
    expect(runCommand(e, c, ['PING'])).toBe('+PONG\r\n');
  });
});

describe('HELLO', () => {
  test('reply map as Redis 7.0, in the requested protocol', () => {
    const e = newEngine();
    const c = openClient(e);
    expect(runCommand(e, c, ['HELLO'])).toBe(helloReply(2, c));
    expect(runCommand(e, c, ['HELLO', '3'])).toBe(helloReply(3, c));
    expect(runCommand(e, c, ['HELLO'])).toBe(helloReply(3, c));
    expect(runCommand(e, c, ['GET', 'nothing'])).toBe('_\r\n');
    expect(runCommand(e, c, ['HELLO', '2'])).toBe(helloReply(2, c));
    expect(runCommand(e, c, ['GET', 'nothing'])).toBe(resp.nil);
  });

  test('errors', () => {
    const e = newEngine();
    const c = openClient(e);
    expect(runCommand(e, c, ['HELLO', '4'])).toBe('-NOPROTO unsupported protocol version\r\n');
    expect(runCommand(e, c, ['HELLO', '1'])).toBe('-NOPROTO unsupported protocol version\r\n');
    expect(runCommand(e, c, ['HELLO', 'x'])).toBe('-ERR Protocol version is not an integer or out of range\r\n');
    expect(runCommand(e, c, ['HELLO', '2', 'foo'])).toBe("-ERR Syntax error in HELLO option 'foo'\r\n");
    expect(runCommand(e, c, ['HELLO', '2', 'AUTH', 'a'])).toBe("-ERR Syntax error in HELLO option 'AUTH'\r\n");
    // A bad name fails the whole HELLO: the protocol does not switch.
    expect(runCommand(e, c, ['HELLO', '3', 'SETNAME', 'a b'])).toBe('-ERR Client names cannot contain spaces, newlines or special characters.\r\n');
    expect(runCommand(e, c, ['CLIENT', 'GETNAME'])).toBe(resp.nil);
  });

  test('SETNAME and AUTH options', () => {
    const e = newEngine({ requirepass: 'pw' });
    const c = openClient(e);
    expect(runCommand(e, c, ['HELLO', '3'])).toBe(
      '-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time\r\n',
    );
    expect(runCommand(e, c, ['HELLO', '3', 'AUTH', 'default', 'nope'])).toBe('-WRONGPASS invalid username-password pair or user is disabled.\r\n');
    const entries = runCommandEntries(e, c, ['HELLO', '3', 'AUTH', 'default', 'pw', 'SETNAME', 'x']);
    expect(entries[0]!.body.toString('latin1')).toBe(helloReply(3, c));
    expect(entries[1]!.kind).toBe(EntryKind.authenticated);
    expect(runCommand(e, c, ['CLIENT', 'GETNAME'])).toBe(resp.bulk('x'));
  });
});

describe('RESET', () => {
  test('clears the connection state', () => {
    const e = newEngine();
    const c = openClient(e);
    runCommand(e, c, ['HELLO', '3', 'SETNAME', 'nm']);
    runCommand(e, c, ['SELECT', '3']);
    runCommand(e, c, ['CLIENT', 'NO-EVICT', 'on']);
    runCommand(e, c, ['WATCH', 'w']);
    runCommand(e, c, ['MULTI']);
    expect(runCommand(e, c, ['RESET'])).toBe('+RESET\r\n');
    const info = runCommand(e, c, ['CLIENT', 'INFO']);
    expect(info).toMatch(/ name= /);
    expect(info).toMatch(/ flags=N db=0 /);
    expect(info).toMatch(/ multi=-1 /);
    expect(info).toMatch(/ resp=2\n\r\n$/);
    expect(e.clients.get(c)!.watched.size).toBe(0);
  });

  test('turns replies back on', () => {
    const e = newEngine();
    const c = openClient(e);
    runCommand(e, c, ['CLIENT', 'REPLY', 'OFF']);
    expect(runCommand(e, c, ['RESET'])).toBe('+RESET\r\n');
  });
});

describe('CLIENT', () => {
  test('ID, SETNAME, GETNAME', () => {
    const e = newEngine();
    const c = openClient(e, 42);
    expect(runCommand(e, c, ['CLIENT', 'ID'])).toBe(resp.int(42));
    expect(runCommand(e, c, ['CLIENT', 'GETNAME'])).toBe(resp.nil);
    expect(runCommand(e, c, ['CLIENT', 'SETNAME', 'a b'])).toBe('-ERR Client names cannot contain spaces, newlines or special characters.\r\n');
    expect(runCommand(e, c, ['CLIENT', 'SETNAME', 'a\nb'])).toBe('-ERR Client names cannot contain spaces, newlines or special characters.\r\n');
    expect(runCommand(e, c, ['CLIENT', 'SETNAME', 'conn-1'])).toBe(resp.ok);
    expect(runCommand(e, c, ['CLIENT', 'GETNAME'])).toBe(resp.bulk('conn-1'));
    expect(runCommand(e, c, ['CLIENT', 'SETNAME', ''])).toBe(resp.ok);
    expect(runCommand(e, c, ['CLIENT', 'GETNAME'])).toBe(resp.nil);
  });

  test('LIST has Redis 7.0 fields in order', () => {
    const clock = new FakeClock();
    const e = newEngine({ clock: clock.now });
    const c = openClient(e);
    clock.advance(3000);
    const list = runCommand(e, c, ['CLIENT', 'LIST']);
    const line = `id=${c} addr=127.0.0.1:${40000 + c} laddr=127.0.0.1:6380 fd=8 name= age=3 idle=0 flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=0 events=r cmd=client|list user=default redir=-1 resp=2\n`;
    expect(list).toBe(resp.bulk(line));
    expect(runCommand(e, c, ['CLIENT', 'INFO'])).toBe(resp.bulk(line.replace('cmd=client|list', 'cmd=client|info')));
    runCommand(e, c, ['HELLO', '3']);
    expect(runCommand(e, c, ['CLIENT', 'INFO'])).toMatch(/^=\d+\r\ntxt:id=/);
  });

  test('LIST filters', () => {
    const e = newEngine();
    const a = openClient(e);
    const b = openClient(e);
    const both = runCommand(e, a, ['CLIENT', 'LIST', 'TYPE', 'normal']);
    expect(both.match(/^id=/gm)?.length).toBe(2);
    expect(runCommand(e, a, ['CLIENT', 'LIST', 'TYPE', 'pubsub'])).toBe('$0\r\n\r\n');
    expect(runCommand(e, a, ['CLIENT', 'LIST', 'TYPE', 'foo'])).toBe("-ERR Unknown client type 'foo'\r\n");
    expect(runCommand(e, a, ['CLIENT', 'LIST', 'TYPE'])).toBe('-ERR syntax error\r\n');
    expect(runCommand(e, a, ['CLIENT', 'LIST', 'foo'])).toBe('-ERR syntax error\r\n');
    expect(runCommand(e, a, ['CLIENT', 'LIST', 'ID', '1', 'x'])).toBe('-ERR Invalid client ID\r\n');
    expect(runCommand(e, a, ['CLIENT', 'LIST', 'ID', '99999'])).toBe('$0\r\n\r\n');
    const onlyB = runCommand(e, a, ['CLIENT', 'LIST', 'ID', String(b)]);
    expect(onlyB).toMatch(new RegExp(`^\\$\\d+\\r\\nid=${b} `));
    expect(onlyB.match(/id=/g)?.length).toBe(1);
  });

  test('LIST flags: x in MULTI, d when a watched key changed, e for NO-EVICT', () => {
    const e = newEngine();
    const a = openClient(e);
    const b = openClient(e);
    runCommand(e, a, ['CLIENT', 'NO-EVICT', 'on']);
    runCommand(e, a, ['WATCH', 'k']);
    runCommand(e, a, ['MULTI']);
    runCommand(e, a, ['GET', 'k']);
    runCommand(e, a, ['CLIENT', 'ID']);
    runCommand(e, b, ['SET', 'k', 'v']);
    expect(runCommand(e, b, ['CLIENT', 'LIST', 'ID', String(a)])).toMatch(/ flags=xde db=0 .* multi=2 /);
  });

  test('KILL, old form and filter form', () => {
    const e = newEngine();
    const a = openClient(e);
    const b = openClient(e);
    const c = openClient(e);
    expect(runCommand(e, a, ['CLIENT', 'KILL', '1.2.3.4:5'])).toBe('-ERR No such client\r\n');
    let entries = runCommandEntries(e, a, ['CLIENT', 'KILL', `127.0.0.1:${40000 + b}`]);
    expect(entries.map((x) => [x.kind, x.clientId])).toEqual([
      [EntryKind.reply, a],
      [EntryKind.close, b],
    ]);
    expect(entries[0]!.body.toString()).toBe(resp.ok);
    expect(runCommand(e, a, ['CLIENT', 'LIST']).match(/^id=/gm)?.length).toBe(2);
    // Filter form: SKIPME defaults to yes, the reply is a count.
    expect(runCommand(e, a, ['CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'no', 'ID', String(c)])).toBe(resp.int(1));
    expect(runCommand(e, a, ['CLIENT', 'KILL', 'ID', '99'])).toBe(resp.int(0));
    expect(runCommand(e, a, ['CLIENT', 'KILL', 'USER', 'default'])).toBe(resp.int(0));
    expect(runCommand(e, a, ['CLIENT', 'KILL', 'ID', 'x'])).toBe('-ERR client-id should be greater than 0\r\n');
    expect(runCommand(e, a, ['CLIENT', 'KILL', 'TYPE', 'foo'])).toBe("-ERR Unknown client type 'foo'\r\n");
    expect(runCommand(e, a, ['CLIENT', 'KILL', 'USER', 'bob'])).toBe("-ERR No such user 'bob'\r\n");
    expect(runCommand(e, a, ['CLIENT', 'KILL', 'SKIPME', 'x'])).toBe('-ERR syntax error\r\n');
    expect(runCommand(e, a, ['CLIENT', 'KILL', 'a', 'b', 'c'])).toBe('-ERR syntax error\r\n');
    // Killing itself: the reply first, then the close.
    entries = runCommandEntries(e, a, ['CLIENT', 'KILL', 'ID', String(a), 'SKIPME', 'no']);
    expect(entries.map((x) => [x.kind, x.clientId, x.body.toString()])).toEqual([
      [EntryKind.reply, a, resp.int(1)],
      [EntryKind.close, a, ''],
    ]);
  });

  test('TRACKING OFF, TRACKINGINFO, CACHING without tracking; TRACKING ON as Redis 7.0', () => {
    const e = newEngine();
    const c = openClient(e);
    expect(runCommand(e, c, ['CLIENT', 'TRACKING', 'off'])).toBe(resp.ok);
    expect(runCommand(e, c, ['CLIENT', 'TRACKING', 'x'])).toBe('-ERR syntax error\r\n');
    expect(runCommand(e, c, ['CLIENT', 'TRACKING', 'off', 'foo'])).toBe('-ERR syntax error\r\n');
    expect(runCommand(e, c, ['CLIENT', 'CACHING', 'yes'])).toBe('-ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled\r\n');
    expect(runCommand(e, c, ['CLIENT', 'TRACKINGINFO'])).toBe('*6\r\n$5\r\nflags\r\n*1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n$8\r\nprefixes\r\n*0\r\n');
    runCommand(e, c, ['HELLO', '3']);
    expect(runCommand(e, c, ['CLIENT', 'TRACKINGINFO'])).toBe('%3\r\n$5\r\nflags\r\n~1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n$8\r\nprefixes\r\n*0\r\n');
    // Replies checked against redis-server 7.0.15.
    expect(runCommand(e, c, ['CLIENT', 'TRACKING', 'on'])).toBe(resp.ok);
    expect(runCommand(e, c, ['CLIENT', 'CACHING', 'yes'])).toBe('-ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.\r\n');
    expect(runCommand(e, c, ['CLIENT', 'TRACKINGINFO'])).toBe('%3\r\n$5\r\nflags\r\n~1\r\n$2\r\non\r\n$8\r\nredirect\r\n:0\r\n$8\r\nprefixes\r\n*0\r\n');
  });

  test('NO-EVICT, GETREDIR, UNBLOCK, HELP', () => {
    const e = newEngine();
    const c = openClient(e);
    expect(runCommand(e, c, ['CLIENT', 'NO-EVICT', 'ON'])).toBe(resp.ok);
    expect(runCommand(e, c, ['CLIENT', 'NO-EVICT', 'x'])).toBe('-ERR syntax error\r\n');
    expect(runCommand(e, c, ['CLIENT', 'GETREDIR'])).toBe(resp.int(-1));
    expect(runCommand(e, c, ['CLIENT', 'UNBLOCK', '5'])).toBe(resp.int(0));
    const help = runCommand(e, c, ['CLIENT', 'HELP']);
    expect(help.startsWith('*48\r\n+CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n')).toBe(true);
    expect(help.endsWith('+HELP\r\n+    Prints this help.\r\n')).toBe(true);
    expect(runCommand(e, c, ['CLIENT', 'HELP', 'x'])).toBe("-ERR wrong number of arguments for 'client|help' command\r\n");
  });
});
