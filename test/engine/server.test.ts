// Server commands (src/engine/commands/server.ts) driven through a real in-process
// Engine. The golden table holds the replies Debian's redis-server 7.0.15 gave for the
// same sequence (captured over TCP; CONFIG GET of several names and INFO are checked
// apart, since their order or values are the server's own).

import { describe, expect, it } from 'vitest';
import { configPatternMatch } from '../../src/engine/commands/server.js';
import { slowlogOf } from '../../src/engine/slowlog.js';
import { FakeClock, newEngine, openClient, resp, runCommand, useResp3 } from './support/run.js';

const golden: Array<[string[], string]> = [
  [['CONFIG', 'GET', 'maxmemory'], '*2\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n'],
  [['CONFIG', 'GET', 'hash-max-ziplist-entries'], '*2\r\n$24\r\nhash-max-ziplist-entries\r\n$3\r\n512\r\n'],
  [['CONFIG', 'GET', 'nosuch'], '*0\r\n'],
  [['CONFIG', 'SET', 'foo', 'bar'], '-ERR Unknown option or number of arguments for CONFIG SET - \'foo\'\r\n'],
  [['CONFIG', 'SET', 'databases', '3'], '-ERR CONFIG SET failed (possibly related to argument \'databases\') - can\'t set immutable config\r\n'],
  [['CONFIG', 'SET', 'hz', 'abc'], '-ERR CONFIG SET failed (possibly related to argument \'hz\') - argument couldn\'t be parsed into an integer\r\n'],
  [['CONFIG', 'SET', 'hz', '-1'], '-ERR CONFIG SET failed (possibly related to argument \'hz\') - argument must be between 0 and 2147483647 inclusive\r\n'],
  [['CONFIG', 'SET', 'maxmemory', 'abc'], '-ERR CONFIG SET failed (possibly related to argument \'maxmemory\') - argument must be a memory value\r\n'],
  [['CONFIG', 'SET', 'maxmemory-policy', 'x'], '-ERR CONFIG SET failed (possibly related to argument \'maxmemory-policy\') - argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction\r\n'],
  [['CONFIG', 'SET', 'appendonly', 'maybe'], '-ERR CONFIG SET failed (possibly related to argument \'appendonly\') - argument must be \'yes\' or \'no\'\r\n'],
  [['CONFIG', 'SET', 'notify-keyspace-events', 'Q'], '-ERR CONFIG SET failed (possibly related to argument \'notify-keyspace-events\') - Invalid event class character. Use \'Ag$lshzxeKEtmdn\'.\r\n'],
  [['CONFIG', 'SET', 'save', 'abc'], '-ERR CONFIG SET failed (possibly related to argument \'save\') - Invalid save parameters\r\n'],
  [['CONFIG', 'SET', 'hz', '10', 'hz', '11'], '-ERR CONFIG SET failed (possibly related to argument \'hz\') - duplicate parameter\r\n'],
  [['CONFIG', 'SET', 'timeout', '5', 'foo', '1'], '-ERR Unknown option or number of arguments for CONFIG SET - \'foo\'\r\n'],
  [['CONFIG', 'SET', 'databases', '1', 'foo', '1'], '-ERR CONFIG SET failed (possibly related to argument \'databases\') - can\'t set immutable config\r\n'],
  [['CONFIG', 'SET', 'hz', '1000'], '+OK\r\n'],
  [['CONFIG', 'GET', 'hz'], '*2\r\n$2\r\nhz\r\n$3\r\n500\r\n'],
  [['CONFIG', 'SET', 'hz', '10'], '+OK\r\n'],
  [['CONFIG', 'SET', 'maxmemory', '1gb'], '+OK\r\n'],
  [['CONFIG', 'GET', 'maxmemory'], '*2\r\n$9\r\nmaxmemory\r\n$10\r\n1073741824\r\n'],
  [['CONFIG', 'SET', 'maxmemory', '0'], '+OK\r\n'],
  [['CONFIG', 'SET', 'list-max-listpack-size', '99999999999'], '-ERR CONFIG SET failed (possibly related to argument \'list-max-listpack-size\') - argument must be between -2147483648 and 2147483647 inclusive\r\n'],
  [['CONFIG', 'SET', 'slowlog-max-len', '-1'], '-ERR CONFIG SET failed (possibly related to argument \'slowlog-max-len\') - argument must be between 0 and 9223372036854775807 inclusive\r\n'],
  [['CONFIG', 'SET', 'proto-max-bulk-len', '5'], '-ERR CONFIG SET failed (possibly related to argument \'proto-max-bulk-len\') - argument must be between 1048576 and 9223372036854775807 inclusive\r\n'],
  [['CONFIG', 'SET', 'notify-keyspace-events', 'KEA'], '+OK\r\n'],
  [['CONFIG', 'GET', 'notify-keyspace-events'], '*2\r\n$22\r\nnotify-keyspace-events\r\n$3\r\nAKE\r\n'],
  [['CONFIG', 'SET', 'notify-keyspace-events', 'An'], '+OK\r\n'],
  [['CONFIG', 'GET', 'notify-keyspace-events'], '*2\r\n$22\r\nnotify-keyspace-events\r\n$1\r\nA\r\n'],
  [['CONFIG', 'SET', 'notify-keyspace-events', ''], '+OK\r\n'],
  [['CONFIG', 'SET', 'save', '100 10 5 1'], '+OK\r\n'],
  [['CONFIG', 'GET', 'save'], '*2\r\n$4\r\nsave\r\n$10\r\n100 10 5 1\r\n'],
  [['CONFIG', 'SET', 'save', ''], '+OK\r\n'],
  [['CONFIG', 'SET', 'hz', '10', 'timeout'], '-ERR syntax error\r\n'],
  [['CONFIG', 'SET', 'timeout', '7', 'hz', 'x'], '-ERR CONFIG SET failed (possibly related to argument \'hz\') - argument couldn\'t be parsed into an integer\r\n'],
  [['CONFIG', 'GET', 'timeout'], '*2\r\n$7\r\ntimeout\r\n$1\r\n0\r\n'],
  [['CONFIG', 'SET', 'timeout', '0'], '+OK\r\n'],
  [['CONFIG', 'SET', 'HZ', '12'], '+OK\r\n'],
  [['CONFIG', 'GET', 'Hz'], '*2\r\n$2\r\nHz\r\n$2\r\n12\r\n'],
  [['CONFIG', 'SET', 'hz', '10'], '+OK\r\n'],
  [['CONFIG', 'SET', 'hash-max-ziplist-entries', '-1'], '-ERR CONFIG SET failed (possibly related to argument \'hash-max-ziplist-entries\') - argument must be between 0 and 9223372036854775807 inclusive\r\n'],
  [['CONFIG', 'SET', 'maxmemory-policy', 'ALLKEYS-LRU'], '+OK\r\n'],
  [['CONFIG', 'GET', 'maxmemory-policy'], '*2\r\n$16\r\nmaxmemory-policy\r\n$11\r\nallkeys-lru\r\n'],
  [['CONFIG', 'SET', 'maxmemory-policy', 'noeviction'], '+OK\r\n'],
  [['CONFIG', 'HELP'], '*11\r\n+CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+GET <pattern>\r\n+    Return parameters matching the glob-like <pattern> and their values.\r\n+SET <directive> <value>\r\n+    Set the configuration <directive> to <value>.\r\n+RESETSTAT\r\n+    Reset statistics reported by the INFO command.\r\n+REWRITE\r\n+    Rewrite the configuration file.\r\n+HELP\r\n+    Prints this help.\r\n'],
  [['CONFIG', 'REWRITE'], '-ERR The server is running without a config file\r\n'],
  [['CONFIG', 'FOO'], '-ERR unknown subcommand \'FOO\'. Try CONFIG HELP.\r\n'],
  [['CONFIG', 'RESETSTAT'], '+OK\r\n'],
  [['SLOWLOG', 'HELP'], '*12\r\n+SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+GET [<count>]\r\n+    Return top <count> entries from the slowlog (default: 10, -1 mean all).\r\n+    Entries are made of:\r\n+    id, timestamp, time in microseconds, arguments array, client IP and port,\r\n+    client name\r\n+LEN\r\n+    Return the length of the slowlog.\r\n+RESET\r\n+    Reset the slowlog.\r\n+HELP\r\n+    Prints this help.\r\n'],
  [['SLOWLOG', 'GET', 'x'], '-ERR count should be greater than or equal to -1\r\n'],
  [['SLOWLOG', 'GET', '-5'], '-ERR count should be greater than or equal to -1\r\n'],
  [['SLOWLOG', 'GET', '1', '2'], '-ERR unknown subcommand or wrong number of arguments for \'GET\'. Try SLOWLOG HELP.\r\n'],
  [['SLOWLOG', 'RESET'], '+OK\r\n'],
  [['SLOWLOG', 'LEN'], ':0\r\n'],
  [['SLOWLOG', 'FOO'], '-ERR unknown subcommand \'FOO\'. Try SLOWLOG HELP.\r\n'],
  [['LATENCY', 'HELP'], '*17\r\n+LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+DOCTOR\r\n+    Return a human readable latency analysis report.\r\n+GRAPH <event>\r\n+    Return an ASCII latency graph for the <event> class.\r\n+HISTORY <event>\r\n+    Return time-latency samples for the <event> class.\r\n+LATEST\r\n+    Return the latest latency samples for all events.\r\n+RESET [<event> ...]\r\n+    Reset latency data of one or more <event> classes.\r\n+    (default: reset all data for all event classes)\r\n+HISTOGRAM [COMMAND ...]\r\n+    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.\r\n+    If no commands are specified then all histograms are replied.\r\n+HELP\r\n+    Prints this help.\r\n'],
  [['LATENCY', 'LATEST'], '*0\r\n'],
  [['LATENCY', 'HISTORY', 'command'], '*0\r\n'],
  [['LATENCY', 'RESET'], ':0\r\n'],
  [['LATENCY', 'RESET', 'a', 'b'], ':0\r\n'],
  [['MEMORY', 'HELP'], '*14\r\n+MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+DOCTOR\r\n+    Return memory problems reports.\r\n+MALLOC-STATS\r\n+    Return internal statistics report from the memory allocator.\r\n+PURGE\r\n+    Attempt to purge dirty pages for reclamation by the allocator.\r\n+STATS\r\n+    Return information about the memory usage of the server.\r\n+USAGE <key> [SAMPLES <count>]\r\n+    Return memory in bytes used by <key> and its value. Nested values are\r\n+    sampled up to <count> times (default: 5, 0 means sample all).\r\n+HELP\r\n+    Prints this help.\r\n'],
  [['MEMORY', 'USAGE', 'nokey'], '$-1\r\n'],
  [['SET', 'k', 'hello'], '+OK\r\n'],
  [['MEMORY', 'USAGE', 'k'], ':64\r\n'],
  [['SET', 'k', '123'], '+OK\r\n'],
  [['MEMORY', 'USAGE', 'k'], ':48\r\n'],
  [['SET', 'k', '12345678901234567890123'], '+OK\r\n'],
  [['MEMORY', 'USAGE', 'k'], ':80\r\n'],
  [['SET', 'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'], '+OK\r\n'],
  [['MEMORY', 'USAGE', 'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk'], ':136\r\n'],
  [['SET', 'k', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'], '+OK\r\n'],
  [['MEMORY', 'USAGE', 'k'], ':160\r\n'],
  [['MEMORY', 'USAGE', 'k', 'SAMPLES'], '-ERR syntax error\r\n'],
  [['MEMORY', 'USAGE', 'k', 'SAMPLES', 'x'], '-ERR value is not an integer or out of range\r\n'],
  [['MEMORY', 'USAGE', 'k', 'SAMPLES', '-1'], '-ERR syntax error\r\n'],
  [['MEMORY', 'USAGE', 'k', 'SAMPLES', '0'], ':160\r\n'],
  [['MEMORY', 'USAGE', 'k', 'FOO', '1'], '-ERR syntax error\r\n'],
  [['MEMORY', 'PURGE'], '+OK\r\n'],
  [['DEBUG', 'FOO'], '-ERR unknown subcommand or wrong number of arguments for \'FOO\'. Try DEBUG HELP.\r\n'],
  [['DEBUG', 'SLEEP'], '-ERR unknown subcommand or wrong number of arguments for \'SLEEP\'. Try DEBUG HELP.\r\n'],
  [['DEBUG', 'SLEEP', '0'], '+OK\r\n'],
  [['DEBUG', 'SLEEP', 'abc'], '+OK\r\n'],
  [['DEBUG', 'help', 'x'], '-ERR unknown subcommand or wrong number of arguments for \'help\'. Try DEBUG HELP.\r\n'],
  [['INFO', 'nosuchsection'], '$0\r\n\r\n'],
  [['LASTSAVE', 'x'], '-ERR wrong number of arguments for \'lastsave\' command\r\n'],
  [['TIME', 'x'], '-ERR wrong number of arguments for \'time\' command\r\n'],
];

/** The body of a RESP2 bulk reply. */
function bulkBody(r: string): string {
  expect(r.startsWith('$')).toBe(true);
  const nl = r.indexOf('\r\n');
  const n = Number(r.slice(1, nl));
  expect(r.length).toBe(nl + 2 + n + 2);
  return r.slice(nl + 2, nl + 2 + n);
}

/** INFO text as section title -> field -> value. */
function parseInfo(text: string): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  let cur: Map<string, string> | null = null;
  for (const line of text.split('\r\n')) {
    if (line.startsWith('# ')) {
      cur = new Map();
      out.set(line.slice(2), cur);
    } else if (line !== '') {
      const i = line.indexOf(':');
      cur!.set(line.slice(0, i), line.slice(i + 1));
    }
  }
  return out;
}

describe('server commands', () => {
  it('reply byte for byte as redis-server 7.0.15 to the golden sequence', () => {
    const engine = newEngine();
    const c = openClient(engine);
    for (const [argv, expected] of golden) {
      expect([argv, runCommand(engine, c, argv)]).toEqual([argv, expected]);
    }
  });

  it('INFO prints the default sections in Redis order with CRLF lines', () => {
    const clock = new FakeClock();
    const engine = newEngine({ clock: clock.now });
    const c = openClient(engine);
    runCommand(engine, c, ['SET', 'a', '1']);
    runCommand(engine, c, ['SET', 'b', '1', 'PX', '10000']);
    runCommand(engine, c, ['SELECT', '3']);
    runCommand(engine, c, ['SET', 'x', '1']);
    runCommand(engine, c, ['GET', 'x']);
    runCommand(engine, c, ['GET', 'nokey']);
    const text = bulkBody(runCommand(engine, c, ['INFO']));
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const info = parseInfo(text);
    expect([...info.keys()]).toEqual(['Server', 'Clients', 'Memory', 'Persistence', 'Stats', 'Replication', 'CPU', 'Modules', 'Errorstats', 'Cluster', 'Keyspace']);
    expect(text.startsWith('# Server\r\nredis_version:7.0.15\r\n')).toBe(true);
    expect(text).toContain('\r\n\r\n# Clients\r\n');
    const server = info.get('Server')!;
    expect(server.get('redis_mode')).toBe('standalone');
    expect(server.get('process_id')).toBe(String(process.pid));
    expect(server.get('hz')).toBe('10');
    expect(server.get('keeldb_version')).toMatch(/^\d+\.\d+\.\d+$/);
    expect(server.get('run_id')).toMatch(/^[0-9a-f]{40}$/);
    expect(info.get('Clients')!.get('connected_clients')).toBe('1');
    expect(info.get('Memory')!.get('maxmemory_policy')).toBe('noeviction');
    expect(info.get('Persistence')!.get('loading')).toBe('0');
    expect(info.get('Persistence')!.get('aof_enabled')).toBe('0');
    const stats = info.get('Stats')!;
    expect(stats.get('keyspace_hits')).toBe('1');
    expect(stats.get('keyspace_misses')).toBe('1');
    expect(stats.get('total_connections_received')).toBe('1');
    expect(stats.get('total_commands_processed')).toBe('6');
    expect(info.get('Replication')!.get('role')).toBe('master');
    expect(info.get('CPU')!.get('used_cpu_user')).toMatch(/^\d+\.\d{6}$/);
    expect(info.get('Keyspace')).toEqual(
      new Map([
        ['db0', 'keys=2,expires=1,avg_ttl=10000'],
        ['db3', 'keys=1,expires=0,avg_ttl=0'],
      ]),
    );
  });

  it('INFO selects sections: named, several, default, all, everything, unknown', () => {
    const engine = newEngine();
    const c = openClient(engine);
    runCommand(engine, c, ['GET', 'x']);
    const sections = (args: string[]): string[] => [...parseInfo(bulkBody(runCommand(engine, c, ['INFO', ...args]))).keys()];
    expect(sections(['keyspace', 'SERVER'])).toEqual(['Server', 'Keyspace']);
    expect(sections(['default'])).toEqual(sections([]));
    expect(sections(['all'])).toEqual(['Server', 'Clients', 'Memory', 'Persistence', 'Stats', 'Replication', 'CPU', 'Modules', 'Commandstats', 'Errorstats', 'Latencystats', 'Cluster', 'Keyspace']);
    expect(sections(['everything'])).toEqual(sections(['all']));
    expect(runCommand(engine, c, ['INFO', 'nosuch'])).toBe('$0\r\n\r\n');
    const cmdstats = parseInfo(bulkBody(runCommand(engine, c, ['INFO', 'commandstats']))).get('Commandstats')!;
    expect(cmdstats.get('cmdstat_get')).toMatch(/^calls=1,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=0$/);
    expect(cmdstats.get('cmdstat_info')).toMatch(/^calls=7,/);
  });

  it('INFO is verbatim text in RESP3', () => {
    const engine = newEngine();
    const c = openClient(engine);
    useResp3(engine, c);
    const r = runCommand(engine, c, ['INFO', 'cluster']);
    expect(r).toBe('=34\r\ntxt:# Cluster\r\ncluster_enabled:0\r\n\r\n');
  });

  it('CONFIG GET matches globs case-insensitively, once per name, as a RESP3 map', () => {
    const engine = newEngine();
    const c = openClient(engine);
    const pairs = (r: string): string[] => {
      const parts = r.split('\r\n');
      const out: string[] = [];
      for (let i = 1; i < parts.length - 1; i += 4) out.push(`${parts[i + 1]}=${parts[i + 3]}`);
      return out.sort();
    };
    expect(pairs(runCommand(engine, c, ['CONFIG', 'GET', 'HASH-MAX-*', 'hash-max-listpack-value']))).toEqual([
      'hash-max-listpack-entries=512',
      'hash-max-listpack-value=64',
      'hash-max-ziplist-entries=512',
      'hash-max-ziplist-value=64',
    ]);
    expect(runCommand(engine, c, ['CONFIG', 'GET', 'PORT', 'port'])).toBe(resp.array(resp.bulk('PORT'), resp.bulk('0')));
    expect(runCommand(engine, c, ['CONFIG', 'GET', 'b?nd'])).toBe(resp.array(resp.bulk('bind'), resp.bulk('127.0.0.1')));
    const all = pairs(runCommand(engine, c, ['CONFIG', 'GET', '*']));
    expect(all).toContain('databases=16');
    expect(all).toContain('list-compress-depth=0');
    expect(all).not.toContain('set-max-listpack-entries=128'); // a 7.2 parameter: not in 7.0's CONFIG
    useResp3(engine, c);
    expect(runCommand(engine, c, ['CONFIG', 'GET', 'maxmemory'])).toBe('%1\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n');
  });

  it('CONFIG GET patterns follow stringmatch with nocase', () => {
    const m = configPatternMatch;
    expect([m('*', 'hz'), m('H?', 'hz'), m('h[a-z]', 'hz'), m('h[z-a]', 'hz'), m('h[^z]', 'hz'), m('h\\z', 'hz')]).toEqual([true, true, true, true, false, true]);
    expect([m('*max*len', 'slowlog-max-len'), m('slowlog-*', 'slowlog-max-len'), m('slowlog', 'slowlog-max-len'), m('[]', 'a'), m('a.', 'ab')]).toEqual([true, true, false, false, false]);
  });

  it('CONFIG SET is atomic: a bad value later in the list leaves every parameter unchanged', () => {
    const engine = newEngine();
    const c = openClient(engine);
    expect(runCommand(engine, c, ['CONFIG', 'SET', 'timeout', '7', 'maxmemory', '1mb', 'hz', 'x'])).toBe(
      resp.err('ERR CONFIG SET failed (possibly related to argument \'hz\') - argument couldn\'t be parsed into an integer'),
    );
    expect(engine.config.timeout).toBe(0);
    expect(engine.config.maxmemory).toBe(0n);
    expect(runCommand(engine, c, ['CONFIG', 'SET', 'timeout', '7', 'maxmemory', '1mb'])).toBe(resp.ok);
    expect(engine.config.timeout).toBe(7);
    expect(engine.config.maxmemory).toBe(1_048_576n);
    expect(runCommand(engine, c, ['CONFIG', 'SET', 'appendonly', 'yes'])).toBe(resp.err('ERR CONFIG SET failed (possibly related to argument \'appendonly\')'));
    expect(runCommand(engine, c, ['CONFIG', 'SET', 'port', '1'])).toBe(resp.err('ERR CONFIG SET failed (possibly related to argument \'port\') - can\'t set immutable config'));
  });

  it('CONFIG SET requirepass and hash thresholds reach the Config fields other modules read', () => {
    const engine = newEngine();
    const c = openClient(engine);
    expect(runCommand(engine, c, ['CONFIG', 'SET', 'requirepass', 'secret', 'hash-max-ziplist-entries', '5'])).toBe(resp.ok);
    expect(engine.config.requirepass).toBe('secret');
    expect(engine.config.hashMaxListpackEntries).toBe(5);
    expect(runCommand(engine, c, ['CONFIG', 'GET', 'hash-max-listpack-entries'])).toBe(resp.array(resp.bulk('hash-max-listpack-entries'), resp.bulk('5')));
  });

  it('CONFIG RESETSTAT clears the counters', () => {
    const engine = newEngine();
    const c = openClient(engine);
    runCommand(engine, c, ['GET', 'x']);
    runCommand(engine, c, ['SET', 'x', '1', 'EX', '0']);
    expect(engine.stats.keyspaceMisses).toBe(1);
    expect(engine.stats.totalErrorReplies).toBe(1);
    expect(runCommand(engine, c, ['CONFIG', 'RESETSTAT'])).toBe(resp.ok);
    expect(engine.stats.keyspaceMisses).toBe(0);
    expect(engine.stats.totalErrorReplies).toBe(0);
    const stats = parseInfo(bulkBody(runCommand(engine, c, ['INFO', 'commandstats']))).get('Commandstats')!;
    expect([...stats.keys()]).toEqual(['cmdstat_config|resetstat']);
  });

  it('TIME and LASTSAVE come from the engine clock', () => {
    const clock = new FakeClock(1_700_000_000_123);
    const engine = newEngine({ clock: clock.now });
    const c = openClient(engine);
    expect(runCommand(engine, c, ['LASTSAVE'])).toBe(resp.int(1_700_000_000));
    clock.advance(5_000);
    expect(runCommand(engine, c, ['TIME'])).toBe(resp.array(resp.bulk('1700000005'), resp.bulk('123000')));
    expect(runCommand(engine, c, ['LASTSAVE'])).toBe(resp.int(1_700_000_000));
  });

  it('SLOWLOG records commands at or above the threshold, trimmed as Redis, newest first', () => {
    const clock = new FakeClock(1_700_000_000_000);
    const engine = newEngine({ clock: clock.now });
    const c = openClient(engine);
    expect(runCommand(engine, c, ['SLOWLOG', 'RESET'])).toBe(resp.ok);
    expect(runCommand(engine, c, ['CONFIG', 'SET', 'slowlog-log-slower-than', '0'])).toBe(resp.ok);
    runCommand(engine, c, ['CLIENT', 'SETNAME', 'me']);
    const many = ['MSET'];
    for (let i = 0; i < 40; i++) many.push(`k${i}`);
    runCommand(engine, c, many); // 41 arguments: 31 kept, the 32nd counts the rest
    runCommand(engine, c, ['SET', 'k', 'x'.repeat(130)]);
    const r = runCommand(engine, c, ['SLOWLOG', 'GET', '2']);
    const parts = r.split('\r\n');
    expect(parts[0]).toBe('*2');
    // Newest first: the SET, with its value cut at 128 bytes.
    expect(r).toContain(`$146\r\n${'x'.repeat(128)}... (2 more bytes)\r\n`);
    expect(r).toContain('*32\r\n$4\r\nMSET\r\n');
    expect(r).toContain('$3\r\nk29\r\n$23\r\n... (10 more arguments)\r\n');
    expect(r).toContain('$15\r\n127.0.0.1:40001\r\n$2\r\nme\r\n');
    expect(r.startsWith('*2\r\n*6\r\n:')).toBe(true);
    expect(r).toContain(':1700000000\r\n');
    const len = Number(runCommand(engine, c, ['SLOWLOG', 'LEN']).slice(1, -2));
    expect(len).toBeGreaterThanOrEqual(4);
    expect(runCommand(engine, c, ['CONFIG', 'SET', 'slowlog-max-len', '2'])).toBe(resp.ok);
    runCommand(engine, c, ['PING']);
    expect(runCommand(engine, c, ['SLOWLOG', 'LEN'])).toBe(resp.int(2));
    expect(runCommand(engine, c, ['CONFIG', 'SET', 'slowlog-log-slower-than', '-1'])).toBe(resp.ok);
    expect(runCommand(engine, c, ['SLOWLOG', 'RESET'])).toBe(resp.ok);
    runCommand(engine, c, ['PING']);
    expect(runCommand(engine, c, ['SLOWLOG', 'GET'])).toBe('*0\r\n');
  });

  it('SLOWLOG redacts passwords as 7.0 does', () => {
    const engine = newEngine();
    const c = openClient(engine);
    runCommand(engine, c, ['SLOWLOG', 'RESET']);
    runCommand(engine, c, ['CONFIG', 'SET', 'slowlog-log-slower-than', '0']);
    runCommand(engine, c, ['AUTH', 'u', 'p']);
    runCommand(engine, c, ['HELLO', '2', 'AUTH', 'default', 'pw', 'SETNAME', 'n']);
    runCommand(engine, c, ['CONFIG', 'SET', 'requirepass', '', 'hz', '10']);
    const r = runCommand(engine, c, ['SLOWLOG', 'GET', '3']);
    const red = '$10\r\n(redacted)\r\n';
    expect(r).toContain(`*6\r\n$6\r\nCONFIG\r\n$3\r\nSET\r\n$11\r\nrequirepass\r\n${red}$2\r\nhz\r\n$2\r\n10\r\n`);
    expect(r).toContain(`*7\r\n$5\r\nHELLO\r\n$1\r\n2\r\n$4\r\nAUTH\r\n${red}${red}$7\r\nSETNAME\r\n$1\r\nn\r\n`);
    expect(r).toContain(`*3\r\n$4\r\nAUTH\r\n${red}${red}`);
    expect(r).not.toContain('pw');
  });

  it('LATENCY records a command event only when latency-monitor-threshold is set', () => {
    const clock = new FakeClock(1_700_000_000_000);
    const engine = newEngine({ clock: clock.now });
    const c = openClient(engine);
    expect(runCommand(engine, c, ['LATENCY', 'LATEST'])).toBe('*0\r\n');
    runCommand(engine, c, ['DEBUG', 'SLEEP', '0.02']);
    expect(runCommand(engine, c, ['LATENCY', 'LATEST'])).toBe('*0\r\n');
    expect(runCommand(engine, c, ['CONFIG', 'SET', 'latency-monitor-threshold', '5'])).toBe(resp.ok);
    runCommand(engine, c, ['DEBUG', 'SLEEP', '0.02']);
    const latest = runCommand(engine, c, ['LATENCY', 'LATEST']);
    expect(latest).toMatch(/^\*1\r\n\*4\r\n\$7\r\ncommand\r\n:1700000000\r\n:(\d+)\r\n:(\d+)\r\n$/);
    const ms = Number(/:(\d+)\r\n:\d+\r\n$/.exec(latest)![1]);
    expect(ms).toBeGreaterThanOrEqual(20);
    expect(runCommand(engine, c, ['LATENCY', 'HISTORY', 'command'])).toBe(`*1\r\n*2\r\n:1700000000\r\n:${ms}\r\n`);
    expect(runCommand(engine, c, ['LATENCY', 'RESET', 'nosuch', 'command'])).toBe(resp.int(1));
    expect(runCommand(engine, c, ['LATENCY', 'LATEST'])).toBe('*0\r\n');
  });

  it('MEMORY STATS lists 7.0\'s fields in order, with one entry per non-empty db', () => {
    const engine = newEngine();
    const c = openClient(engine);
    runCommand(engine, c, ['SET', 'a', '1']);
    runCommand(engine, c, ['SELECT', '2']);
    runCommand(engine, c, ['SET', 'b', '1']);
    const r = runCommand(engine, c, ['MEMORY', 'STATS']);
    expect(r.startsWith('*58\r\n')).toBe(true);
    const names = [...r.matchAll(/\$\d+\r\n([a-z0-9.\-]+)\r\n/g)].map((m) => m[1]).filter((n) => /[a-z]/.test(n!));
    expect(names.slice(0, 11)).toEqual(['peak.allocated', 'total.allocated', 'startup.allocated', 'replication.backlog', 'clients.slaves', 'clients.normal', 'cluster.links', 'aof.buffer', 'lua.caches', 'functions.caches', 'db.0']);
    expect(names).toContain('db.2');
    expect(names.slice(-4)).toEqual(['rss-overhead.ratio', 'rss-overhead.bytes', 'fragmentation', 'fragmentation.bytes']);
    expect(r).toContain('$10\r\nkeys.count\r\n:2\r\n');
    expect(runCommand(engine, c, ['MEMORY', 'DOCTOR'])).toMatch(/^\$105\r\nHi Sam, I can't find any memory issue/);
  });

  it('LATENCY HISTOGRAM and INFO latencystats report power-of-two buckets per command', () => {
    const engine = newEngine();
    const c = openClient(engine);
    // Every command takes 100 us by this clock (read at its start and its end).
    let us = 0;
    engine.nowUs = (): number => (us += 100);
    runCommand(engine, c, ['SET', 'a', '1']);
    runCommand(engine, c, ['SET', 'a', '2']);
    runCommand(engine, c, ['CONFIG', 'GET', 'hz']);
    expect(runCommand(engine, c, ['LATENCY', 'HISTOGRAM', 'set', 'config', 'nosuch', 'get'])).toBe(
      '*4\r\n$3\r\nset\r\n*4\r\n$5\r\ncalls\r\n:2\r\n$14\r\nhistogram_usec\r\n*2\r\n:128\r\n:2\r\n' +
        '$10\r\nconfig|get\r\n*4\r\n$5\r\ncalls\r\n:1\r\n$14\r\nhistogram_usec\r\n*2\r\n:128\r\n:1\r\n',
    );
    const lat = parseInfo(bulkBody(runCommand(engine, c, ['INFO', 'latencystats']))).get('Latencystats')!;
    expect(lat.get('latency_percentiles_usec_set')).toBe('p50=128.000,p99=128.000,p99.9=128.000');
    expect(lat.get('latency_percentiles_usec_latency|histogram')).toBe('p50=128.000,p99=128.000,p99.9=128.000');
  });

  it('LATENCY DOCTOR and GRAPH render as redis-server 7.0.15 did for the same samples', () => {
    const clock = new FakeClock(1795679349_000);
    const engine = newEngine({ clock: clock.now });
    const c = openClient(engine);
    expect(runCommand(engine, c, ['LATENCY', 'DOCTOR'])).toBe(
      '$288\r\nI\'m sorry, Dave, I can\'t do that. Latency monitoring is disabled in this Redis instance. You may use "CONFIG SET latency-monitor-threshold <milliseconds>." in order to enable it. If we weren\'t in a deep space mission I\'d suggest to take a look at https://redis.io/topics/latency-monitor.\n\r\n',
    );
    runCommand(engine, c, ['CONFIG', 'SET', 'latency-monitor-threshold', '100']);
    expect(runCommand(engine, c, ['LATENCY', 'DOCTOR'])).toBe(
      '$196\r\nDave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n\r\n',
    );
    expect(runCommand(engine, c, ['LATENCY', 'GRAPH', 'command'])).toBe(resp.err('ERR No samples available for event \'command\''));
    // Samples redis-server recorded for DEBUG SLEEP 0.15, 0.31, 0.2, 0.12, 0.45 (time, ms).
    const latency = slowlogOf(engine).latency;
    for (const [t, ms] of [[1795679342, 150], [1795679344, 313], [1795679345, 200], [1795679346, 121], [1795679348, 450]] as const) latency.addSample('command', ms, t);
    expect(bulkBody(runCommand(engine, c, ['LATENCY', 'GRAPH', 'command']))).toBe(
      'command - high 450 ms, low 121 ms (all time high 450 ms)\n' + '-'.repeat(80) + '\n    #\n o  |\n |  |\no|#_|\n     \n75431\nsssss\n',
    );
    expect(bulkBody(runCommand(engine, c, ['LATENCY', 'DOCTOR']))).toBe(
      'Dave, I have observed latency spikes in this Redis instance. You don\'t mind talking about it, do you Dave?\n\n' +
        '1. command: 5 latency spikes (average 246ms, mean deviation 107ms, period 1.40 sec). Worst all time event 450ms.\n\n' +
        'I have a few advices for you:\n\n' +
        '- Check your Slow Log to understand what are the commands you are running which are too slow to execute. Please check https://redis.io/commands/slowlog for more information.\n' +
        '- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects into multiple smaller objects.\n',
    );
    expect(runCommand(engine, c, ['LATENCY', 'RESET', 'COMMAND'])).toBe(resp.int(1));
  });

  it('DEBUG SLEEP blocks the engine through engine.sleep', () => {
    const engine = newEngine();
    const c = openClient(engine);
    const slept: number[] = [];
    engine.sleep = (ms: number): void => {
      slept.push(ms);
    };
    expect(runCommand(engine, c, ['DEBUG', 'SLEEP', '1.5'])).toBe(resp.ok);
    expect(runCommand(engine, c, ['DEBUG', 'SLEEP', '-1'])).toBe(resp.ok);
    expect(slept).toEqual([1500]);
  });
});

describe('TIME reads the wall clock', () => {
  /** [seconds, microseconds] from a TIME reply (RESP2). */
  function parseTime(reply: string): [number, number] {
    const parts = reply.split('\r\n');
    return [Number(parts[2]), Number(parts[4])];
  }

  it('to the microsecond, not the command time in whole milliseconds', () => {
    const engine = newEngine();
    const c = openClient(engine);
    const usecs: number[] = [];
    for (let i = 0; i < 50; i++) usecs.push(parseTime(runCommand(engine, c, ['TIME']))[1]);
    for (const us of usecs) expect(us >= 0 && us < 1_000_000).toBe(true);
    // With millisecond time every value would be a multiple of 1000.
    expect(usecs.some((us) => us % 1000 !== 0)).toBe(true);
  });

  it('inside EXEC, where the command time is frozen, each TIME reads the clock again', () => {
    const engine = newEngine();
    const c = openClient(engine);
    runCommand(engine, c, ['MULTI']);
    runCommand(engine, c, ['TIME']);
    runCommand(engine, c, ['DEBUG', 'SLEEP', '0.05']);
    runCommand(engine, c, ['TIME']);
    const reply = runCommand(engine, c, ['EXEC']);
    const times = [...reply.matchAll(/\*2\r\n\$\d+\r\n(\d+)\r\n\$\d+\r\n(\d+)\r\n/g)].map((m) => Number(m[1]) * 1e6 + Number(m[2]));
    expect(times.length).toBe(2);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(50_000);
  });
});
