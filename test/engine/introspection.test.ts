// COMMAND and its subcommands (src/engine/commands/introspection.ts), derived from the
// one command table. Byte-exact expectations for the engine's own commands were taken
// from redis-server 7.0.15; other modules' commands are checked for shape and for
// consistency with the table.

import { describe, expect, test } from 'vitest';
import type { CommandSpec } from '../../src/engine/command.js';
import { newEngine, openClient, resp, runCommand } from './support/run.js';

/** A tiny RESP2 parser for checking shapes (strings as latin1). */
type R = string | number | null | R[] | { error: string };
function parse(s: string): R {
  let i = 0;
  const line = (): string => {
    const end = s.indexOf('\r\n', i);
    const l = s.slice(i, end);
    i = end + 2;
    return l;
  };
  const value = (): R => {
    const t = s[i++];
    const l = line();
    if (t === '+') return l;
    if (t === '-') return { error: l };
    if (t === ':') return Number(l);
    if (t === '$') {
      const n = Number(l);
      if (n < 0) return null;
      const v = s.slice(i, i + n);
      i += n + 2;
      return v;
    }
    if (t === '*') {
      const n = Number(l);
      if (n < 0) return null;
      const out: R[] = [];
      for (let k = 0; k < n; k++) out.push(value());
      return out;
    }
    throw new Error(`unexpected RESP type ${t}`);
  };
  const v = value();
  expect(i).toBe(s.length);
  return v;
}

describe('COMMAND INFO', () => {
  test('byte-identical to Redis 7.0.15 for the engine\'s own commands', () => {
    const e = newEngine();
    const c = openClient(e);
    expect(runCommand(e, c, ['COMMAND', 'INFO', 'ping', 'client|id', 'multi', 'exec', 'nosuch'])).toBe(
      '*5\r\n*10\r\n$4\r\nping\r\n:-1\r\n*1\r\n+fast\r\n:0\r\n:0\r\n:0\r\n*2\r\n+@fast\r\n+@connection\r\n*2\r\n$25\r\nrequest_policy:all_shards\r\n$29\r\nresponse_policy:all_succeeded\r\n*0\r\n*0\r\n' +
        '*10\r\n$9\r\nclient|id\r\n:2\r\n*3\r\n+noscript\r\n+loading\r\n+stale\r\n:0\r\n:0\r\n:0\r\n*2\r\n+@slow\r\n+@connection\r\n*0\r\n*0\r\n*0\r\n' +
        '*10\r\n$5\r\nmulti\r\n:1\r\n*5\r\n+noscript\r\n+loading\r\n+stale\r\n+fast\r\n+allow_busy\r\n:0\r\n:0\r\n:0\r\n*2\r\n+@fast\r\n+@transaction\r\n*0\r\n*0\r\n*0\r\n' +
        '*10\r\n$4\r\nexec\r\n:1\r\n*4\r\n+noscript\r\n+loading\r\n+stale\r\n+skip_slowlog\r\n:0\r\n:0\r\n:0\r\n*2\r\n+@slow\r\n+@transaction\r\n*0\r\n*0\r\n*0\r\n' +
        '$-1\r\n',
    );
  });

  test('key specs (derived from the legacy range) match Redis for WATCH, in RESP2 and RESP3', () => {
    const e = newEngine();
    const c = openClient(e);
    const keySpec2 =
      '*1\r\n*6\r\n$5\r\nflags\r\n*1\r\n+RO\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n' +
      '$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:-1\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n';
    expect(runCommand(e, c, ['COMMAND', 'INFO', 'watch'])).toBe(
      '*1\r\n*10\r\n$5\r\nwatch\r\n:-2\r\n*5\r\n+noscript\r\n+loading\r\n+stale\r\n+fast\r\n+allow_busy\r\n:1\r\n:-1\r\n:1\r\n*2\r\n+@fast\r\n+@transaction\r\n*0\r\n' + keySpec2 + '*0\r\n',
    );
    runCommand(e, c, ['HELLO', '3']);
    expect(runCommand(e, c, ['COMMAND', 'INFO', 'watch'])).toBe(
      '*1\r\n*10\r\n$5\r\nwatch\r\n:-2\r\n~5\r\n+noscript\r\n+loading\r\n+stale\r\n+fast\r\n+allow_busy\r\n:1\r\n:-1\r\n:1\r\n~2\r\n+@fast\r\n+@transaction\r\n~0\r\n' +
        '~1\r\n%3\r\n$5\r\nflags\r\n~1\r\n+RO\r\n$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n%1\r\n$5\r\nindex\r\n:1\r\n' +
        '$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n%3\r\n$7\r\nlastkey\r\n:-1\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n~0\r\n',
    );
  });

  test('names are case-insensitive, containers list their subcommands', () => {
    const e = newEngine();
    const c = openClient(e);
    const info = parse(runCommand(e, c, ['COMMAND', 'INFO', 'CLIENT', 'Client|List'])) as R[][];
    expect(info[0]![0]).toBe('client');
    const subs = info[0]![9] as R[][];
    expect(subs.map((s) => s[0])).toContain('client|list');
    expect(info[1]![0]).toBe('client|list');
    expect(info[1]![7]).toEqual(['nondeterministic_output']);
    // RESP3: subcommands are an array when there are some, an empty set otherwise (as Redis).
    runCommand(e, c, ['HELLO', '3']);
    const raw = runCommand(e, c, ['COMMAND', 'INFO', 'client']);
    expect(raw.startsWith('*1\r\n*10\r\n$6\r\nclient\r\n:-2\r\n~0\r\n:0\r\n:0\r\n:0\r\n~1\r\n+@slow\r\n~0\r\n~0\r\n*16\r\n*10\r\n$12\r\nclient|pause\r\n')).toBe(true);
    expect(raw.endsWith('~0\r\n')).toBe(true);
  });

  test('COMMAND and COMMAND COUNT agree with the table; every entry is well formed', () => {
    const e = newEngine();
    const c = openClient(e);
    const count = e.allCommands().length;
    expect(runCommand(e, c, ['COMMAND', 'COUNT'])).toBe(resp.int(count));
    const all = parse(runCommand(e, c, ['COMMAND'])) as R[][];
    expect(all.length).toBe(count);
    const names = new Set<string>();
    const check = (entry: R[], spec: CommandSpec): void => {
      expect(entry.length).toBe(10);
      expect(entry[0]).toBe(spec.name);
      expect(entry[1]).toBe(spec.arity);
      expect(spec.arity).not.toBe(0);
      expect(new Set(entry[2] as string[])).toEqual(new Set([...spec.flags, ...(spec.getKeys ? ['movablekeys'] : [])]));
      expect(entry.slice(3, 6)).toEqual([spec.firstKey, spec.lastKey, spec.keyStep]);
      expect(new Set(entry[6] as string[])).toEqual(new Set(spec.categories.map((x) => `@${x}`)));
      const subs = entry[9] as R[][];
      expect(subs.length).toBe(spec.subcommands?.length ?? 0);
      subs.forEach((s, i) => check(s, spec.subcommands![i]!));
    };
    for (const entry of all) {
      const name = entry[0] as string;
      expect(names.has(name)).toBe(false);
      names.add(name);
      check(entry, e.lookupCommand(name)!);
    }
  });

  test('flags and categories come out in Redis\'s table order whatever the spec order', () => {
    const e = newEngine();
    const c = openClient(e);
    const quit = parse(runCommand(e, c, ['COMMAND', 'INFO', 'quit'])) as R[][];
    expect(quit[0]![2]).toEqual(['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy']);
    expect(quit[0]![6]).toEqual(['@fast', '@connection']);
  });
});

describe('COMMAND DOCS', () => {
  test('a map of name to docs; unknown names are left out', () => {
    const e = newEngine();
    const c = openClient(e);
    expect(runCommand(e, c, ['COMMAND', 'DOCS', 'nosuch'])).toBe('*0\r\n');
    expect(runCommand(e, c, ['COMMAND', 'DOCS', 'ping', 'nosuch'])).toBe(
      '*2\r\n$4\r\nping\r\n*10\r\n$7\r\nsummary\r\n$15\r\nPing the server\r\n$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$10\r\nconnection\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n' +
        '$9\r\narguments\r\n*1\r\n*6\r\n$4\r\nname\r\n$7\r\nmessage\r\n$4\r\ntype\r\n$6\r\nstring\r\n$5\r\nflags\r\n*1\r\n+optional\r\n',
    );
    // Doc flags, deprecation and history come from Redis's metadata (command-meta.ts).
    expect(runCommand(e, c, ['COMMAND', 'DOCS', 'getset'])).toContain(
      '$9\r\ndoc_flags\r\n*1\r\n+deprecated\r\n$16\r\ndeprecated_since\r\n$5\r\n6.2.0\r\n$11\r\nreplaced_by\r\n$30\r\n`SET` with the `!GET` argument\r\n$9\r\narguments\r\n*2\r\n' +
        '*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*4\r\n$4\r\nname\r\n$5\r\nvalue\r\n$4\r\ntype\r\n$6\r\nstring\r\n',
    );
    runCommand(e, c, ['HELLO', '3']);
    expect(runCommand(e, c, ['COMMAND', 'DOCS', 'nosuch', 'echo']).startsWith('%1\r\n$4\r\necho\r\n%5\r\n$7\r\nsummary\r\n')).toBe(true);
  });

  test('containers carry their subcommands; COMMAND DOCS with no name covers the table', () => {
    const e = newEngine();
    const c = openClient(e);
    const docs = parse(runCommand(e, c, ['COMMAND', 'DOCS', 'client'])) as R[];
    const body = docs[1] as R[];
    expect(body.slice(0, 8)).toEqual(['summary', 'A container for client connection commands', 'since', '2.4.0', 'group', 'connection', 'complexity', 'Depends on subcommand.']);
    expect(body[8]).toBe('subcommands');
    expect((body[9] as R[]).filter((_, i) => i % 2 === 0)).toContain('client|kill');
    const all = parse(runCommand(e, c, ['COMMAND', 'DOCS'])) as R[];
    expect(all.length).toBe(2 * e.allCommands().length);
  });
});

describe('COMMAND LIST', () => {
  test('all names, subcommands included; filters', () => {
    const e = newEngine();
    const c = openClient(e);
    const all = parse(runCommand(e, c, ['COMMAND', 'LIST'])) as string[];
    expect(all).toContain('client|list');
    expect(all).toContain('watch');
    const tx = parse(runCommand(e, c, ['COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'transaction'])) as string[];
    expect(new Set(tx)).toEqual(new Set(['multi', 'exec', 'discard', 'watch', 'unwatch']));
    const cl = parse(runCommand(e, c, ['COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'cl*'])) as string[];
    expect(cl).toContain('client');
    expect(cl).toContain('client|pause');
    expect(cl.every((n) => n.startsWith('cl'))).toBe(true);
    expect(runCommand(e, c, ['COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'CLIENT|[i]d'])).toBe(resp.array(resp.bulk('client|id')));
    expect(runCommand(e, c, ['COMMAND', 'LIST', 'FILTERBY', 'MODULE', 'x'])).toBe('*0\r\n');
    expect(runCommand(e, c, ['COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'nope'])).toBe('*0\r\n');
    expect(runCommand(e, c, ['COMMAND', 'LIST', 'FILTERBY', 'foo', 'x'])).toBe('-ERR syntax error\r\n');
    expect(runCommand(e, c, ['COMMAND', 'LIST', 'foo'])).toBe('-ERR syntax error\r\n');
  });
});

describe('COMMAND GETKEYS', () => {
  test('keys from the table, with Redis\'s errors', () => {
    const e = newEngine();
    const c = openClient(e);
    expect(runCommand(e, c, ['COMMAND', 'GETKEYS', 'watch', 'a', 'b'])).toBe(resp.array(resp.bulk('a'), resp.bulk('b')));
    expect(runCommand(e, c, ['COMMAND', 'GETKEYS', 'SET', 'a', 'b'])).toBe(resp.array(resp.bulk('a')));
    expect(runCommand(e, c, ['COMMAND', 'GETKEYS', 'mset', 'a', 'b', 'c', 'd'])).toBe(resp.array(resp.bulk('a'), resp.bulk('c')));
    expect(runCommand(e, c, ['COMMAND', 'GETKEYS', 'get'])).toBe("-ERR wrong number of arguments for 'command|getkeys' command\r\n");
    expect(runCommand(e, c, ['COMMAND', 'GETKEYS', 'foo', 'a'])).toBe('-ERR Invalid command specified\r\n');
    expect(runCommand(e, c, ['COMMAND', 'GETKEYS', 'ping', 'x'])).toBe('-ERR The command has no key arguments\r\n');
    expect(runCommand(e, c, ['COMMAND', 'GETKEYS', 'client', 'list'])).toBe('-ERR The command has no key arguments\r\n');
    expect(runCommand(e, c, ['COMMAND', 'GETKEYS', 'get', 'a', 'b'])).toBe('-ERR Invalid number of arguments specified for command\r\n');
  });

  test('GETKEYSANDFLAGS pairs each key with its key-spec flags', () => {
    const e = newEngine();
    const c = openClient(e);
    expect(runCommand(e, c, ['COMMAND', 'GETKEYSANDFLAGS', 'watch', 'a'])).toBe('*1\r\n*2\r\n$1\r\na\r\n*1\r\n+RO\r\n');
    // Byte-identical to Redis 7.0.15, including SET's variable flags.
    expect(runCommand(e, c, ['COMMAND', 'GETKEYSANDFLAGS', 'set', 'a', 'b', 'get'])).toBe('*1\r\n*2\r\n$1\r\na\r\n*3\r\n+RW\r\n+access\r\n+update\r\n');
    expect(runCommand(e, c, ['COMMAND', 'GETKEYSANDFLAGS', 'set', 'a', 'b'])).toBe('*1\r\n*2\r\n$1\r\na\r\n*2\r\n+OW\r\n+update\r\n');
    expect(runCommand(e, c, ['COMMAND', 'GETKEYSANDFLAGS', 'lcs', 'a', 'b'])).toBe('*2\r\n*2\r\n$1\r\na\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\nb\r\n*2\r\n+RO\r\n+access\r\n');
  });
});

test('COMMAND HELP is Redis\'s text', () => {
  const e = newEngine();
  const c = openClient(e);
  expect(runCommand(e, c, ['COMMAND', 'HELP'])).toBe(
    '*21\r\n+COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+(no subcommand)\r\n+    Return details about all Redis commands.\r\n+COUNT\r\n+    Return the total number of commands in this Redis server.\r\n+LIST\r\n+    Return a list of all commands in this Redis server.\r\n+INFO [<command-name> ...]\r\n+    Return details about multiple Redis commands.\r\n+    If no command names are given, documentation details for all\r\n+    commands are returned.\r\n+DOCS [<command-name> ...]\r\n+    Return documentation details about multiple Redis commands.\r\n+    If no command names are given, documentation details for all\r\n+    commands are returned.\r\n+GETKEYS <full-command>\r\n+    Return the keys from a full Redis command.\r\n+GETKEYSANDFLAGS <full-command>\r\n+    Return the keys and the access flags from a full Redis command.\r\n+HELP\r\n+    Prints this help.\r\n',
  );
});
