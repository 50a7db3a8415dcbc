// Differential tests for connection and server commands (issue 2 point 4): PING, ECHO,
// QUIT, RESET, HELLO, AUTH/NOAUTH (a second pair of servers with --requirepass), CLIENT
// *, INFO, CONFIG, TIME, LASTSAVE, DEBUG SLEEP, MEMORY USAGE, SLOWLOG, CLIENT PAUSE,
// LATENCY, COMMAND; under RESP2 and after HELLO 3.
// Exact bytes except where the servers legitimately differ, each explicit at its use:
// HELLO's version and id; CLIENT ID/LIST/INFO (ids, addresses, ages: compared by field
// names and the state fields); INFO (section and field names and value kinds; counters
// we control compared exactly); COMMAND COUNT and DOCS (structure: KeelDB has fewer
// commands, docs text is Redis's to write); TIME, LASTSAVE, MEMORY USAGE (type only).

import { describe } from 'vitest';
import { clientLines, commandInfo, hello, intNear, shape } from '../support/comparators.js';
import { diffCase, diffSeq, usePair, type DiffCase, type Step } from '../support/diff-pair.js';
import { parseInfo, valueKind } from '../support/info.js';
import { describeWithOracle } from '../support/oracle-guard.js';
import { decodeReply, textOf, type RespValue } from '../support/resp-decode.js';

/** Fields clients and tools read from INFO (redis-cli, ioredis, exporters). */
const infoFields: Record<string, string[]> = {
  server: ['redis_version', 'redis_mode', 'os', 'arch_bits', 'process_id', 'run_id', 'tcp_port', 'uptime_in_seconds', 'uptime_in_days', 'hz', 'executable', 'config_file'],
  clients: ['connected_clients', 'blocked_clients', 'maxclients'],
  memory: ['used_memory', 'used_memory_human', 'used_memory_rss', 'used_memory_peak', 'maxmemory', 'maxmemory_policy', 'mem_fragmentation_ratio'],
  persistence: ['loading', 'rdb_changes_since_last_save', 'rdb_last_save_time', 'aof_enabled'],
  stats: ['total_connections_received', 'total_commands_processed', 'instantaneous_ops_per_sec', 'rejected_connections', 'expired_keys', 'evicted_keys', 'keyspace_hits', 'keyspace_misses'],
  replication: ['role', 'connected_slaves', 'master_replid', 'master_repl_offset'],
  cpu: ['used_cpu_sys', 'used_cpu_user'],
};

/** Hex identifiers (a build id may be all digits): only their presence is compared. */
const infoIdFields = new Set(['redis_git_sha1', 'redis_git_dirty', 'redis_build_id', 'run_id', 'master_replid', 'master_replid2']);

/** The commands of issue 2 point 4: their COMMAND INFO must be Redis's. */
const issueCommands = [
  'get', 'set', 'setnx', 'setex', 'psetex', 'mget', 'mset', 'msetnx', 'getset', 'getdel', 'getex', 'append', 'strlen', 'getrange', 'setrange', 'substr', 'incr', 'decr', 'incrby', 'decrby', 'incrbyfloat', 'lcs',
  'del', 'unlink', 'exists', 'type', 'expire', 'pexpire', 'expireat', 'pexpireat', 'ttl', 'pttl', 'expiretime', 'pexpiretime', 'persist', 'rename', 'renamenx', 'keys', 'scan', 'randomkey', 'dbsize', 'flushdb', 'flushall', 'copy', 'move', 'select', 'swapdb', 'touch', 'object', 'dump', 'restore',
  'ping', 'echo', 'quit', 'reset', 'hello', 'auth', 'client', 'info', 'config', 'time', 'lastsave', 'debug', 'memory', 'slowlog', 'latency', 'command',
  'multi', 'exec', 'discard', 'watch', 'unwatch',
];

function text(out: unknown): string | null {
  if (!Buffer.isBuffer(out)) return null;
  try {
    return textOf(decodeReply(out));
  } catch {
    return null;
  }
}

/** Compares INFO's structure; counters named in `exact` must be equal. */
function compareInfo(c: DiffCase, what: string, r: unknown, s: unknown, exact: string[] = []): void {
  const tr = text(r);
  const ts = text(s);
  if (tr === null || ts === null) {
    c.note(what, String(tr), String(ts));
    return;
  }
  // RESP3 sends INFO as a verbatim string, RESP2 as a bulk string: the kinds must agree.
  const kindR = Buffer.isBuffer(r) ? decodeReply(r).kind : 'none';
  const kindS = Buffer.isBuffer(s) ? decodeReply(s).kind : 'none';
  if (kindR !== kindS) c.note(`${what}: reply kind`, kindR, kindS);
  const ir = parseInfo(tr);
  const is = parseInfo(ts);
  const sectionsR = [...ir.keys()].join(',');
  const sectionsS = [...is.keys()].join(',');
  if (sectionsR !== sectionsS) c.note(`${what}: sections`, sectionsR, sectionsS);
  for (const [section, fieldsR] of ir) {
    if (!(section in infoFields)) continue; // per-command/error/latency stats: below
    const fs = is.get(section);
    if (fs === undefined) continue; // reported with the sections
    // Every field Redis prints, with the same kind of value (a client parses it).
    for (const [f, vr] of fieldsR) {
      const vs = fs.get(f);
      if (vs === undefined) c.note(`${what}: ${section}.${f}`, vr, 'missing');
      else if (!infoIdFields.has(f) && valueKind(vr) !== valueKind(vs)) c.note(`${what}: ${section}.${f} value kind`, `${valueKind(vr)} (${vr})`, `${valueKind(vs)} (${vs})`);
    }
    for (const f of infoFields[section]!) if (!fieldsR.has(f)) c.note(`${what}: ${section}.${f} (expected in Redis's own INFO)`, 'missing', String(fs.get(f)));
  }
  for (const f of exact) {
    const [section, field] = f.split('.') as [string, string];
    const vr = ir.get(section)?.get(field);
    const vs = is.get(section)?.get(field);
    if (vr !== vs) c.note(`${what}: ${f}`, String(vr), String(vs));
  }
  const kr = ir.get('keyspace');
  if (kr !== undefined) {
    const ks = is.get('keyspace');
    const lr = [...kr.entries()].map(([k, v]) => `${k}:${v.replace(/avg_ttl=\d+/, 'avg_ttl=*')}`).join(' ');
    const ls = ks === undefined ? 'missing' : [...ks.entries()].map(([k, v]) => `${k}:${v.replace(/avg_ttl=\d+/, 'avg_ttl=*')}`).join(' ');
    // avg_ttl is a running estimate: only its presence is compared.
    if (lr !== ls) c.note(`${what}: keyspace`, lr, ls);
  }
}

describeWithOracle('diff: connection and server', () => {
  const pair = usePair();
  for (const proto of [2, 3] as const) {
    describe(`RESP${proto}`, () => {
      const seq = (name: string, steps: readonly Step[], conns = 1): void => diffSeq(pair, name, steps, { proto, conns });
      const body = (name: string, f: (c: DiffCase) => Promise<void>, conns = 1): void => diffCase(pair, name, f, { proto, conns });

      seq('PING ECHO unknown commands', [
        ['PING'],
        ['PING', 'hello'],
        ['PING', ''],
        ['PING', 'a', 'b'],
        ['ping'],
        ['ECHO', 'hi'],
        ['ECHO', Buffer.from([0, 0xff, 13, 10])],
        ['ECHO'],
        ['ECHO', 'a', 'b'],
        ['NOSUCHCOMMAND'],
        ['NOSUCHCOMMAND', 'a', 'b'],
        ['NOSUCH', 'x'.repeat(200)],
        ['GET\u0000X', 'a'],
        ['h\u00e9llo\r\nx', 'a\nb', 'c d', '\u0001'],
        ['NOSUCH', 'a', 'b', 'c', 'd', 'e', 'f', 'g'],
        ['N'.repeat(300)],
        [''],
      ]);
      body('QUIT', async (c) => {
        await c.cmd(['SET', 'q', 'v']);
        await c.cmd(['QUIT']);
        await c.expectClosed();
      });
      body('QUIT with arguments', async (c) => {
        await c.cmd(['QUIT', 'now']);
        await c.expectClosed();
      });
      body('RESET', async (c) => {
        await c.cmd(['SELECT', '3']);
        await c.cmd(['SET', 'in3', 'v']);
        await c.cmd(['CLIENT', 'SETNAME', 'named']);
        await c.cmd(['WATCH', 'in3']);
        await c.cmd(['MULTI']);
        await c.cmd(['SET', 'x', '1']);
        await c.cmd(['RESET']);
        await c.cmd(['GET', 'in3']);
        await c.cmd(['CLIENT', 'GETNAME']);
        await c.cmd(['EXEC']);
        await c.cmd(['HELLO'], { cmp: hello });
        await c.cmd(['GET', 'missing']);
        await c.silent(['CLIENT', 'REPLY', 'OFF']);
        await c.silent(['PING']);
        await c.cmd(['RESET']);
        await c.cmd(['PING']);
        await c.cmd(['RESET', 'x']);
      });
      seq('HELLO', [
        { args: ['HELLO'], cmp: hello },
        { args: ['HELLO', '2'], cmp: hello },
        ['GET', 'missing'],
        { args: ['HELLO', '3'], cmp: hello },
        ['GET', 'missing'],
        { args: ['HELLO', '3', 'SETNAME', 'helloname'], cmp: hello },
        ['CLIENT', 'GETNAME'],
        ['HELLO', '4'],
        ['HELLO', '1'],
        ['HELLO', '0'],
        ['HELLO', 'abc'],
        ['HELLO', '3', 'FOO'],
        ['HELLO', '3', 'SETNAME'],
        ['HELLO', '3', 'SETNAME', 'bad name'],
        ['HELLO', '3', 'AUTH', 'default'],
        { args: ['HELLO', '3', 'AUTH', 'default', 'anything'], cmp: hello },
        ['HELLO', '3', 'AUTH', 'nouser', 'x'],
        { args: ['HELLO', '2'], cmp: hello },
        ['MGET', 'a', 'missing'],
      ]);
      seq('AUTH without a password configured', [
        ['AUTH', 'x'],
        ['AUTH', 'default', 'x'],
        ['AUTH', 'nouser', 'x'],
        ['AUTH'],
        ['AUTH', 'a', 'b', 'c'],
      ]);
      body('CLIENT ID SETNAME GETNAME', async (c) => {
        // Ids are per-server counters: an integer on both.
        await c.cmd(['CLIENT', 'ID'], { cmp: shape });
        await c.cmd(['CLIENT', 'GETNAME']);
        await c.cmd(['CLIENT', 'SETNAME', 'alpha']);
        await c.cmd(['CLIENT', 'GETNAME']);
        await c.cmd(['CLIENT', 'SETNAME', 'has space']);
        await c.cmd(['CLIENT', 'SETNAME', 'new\nline']);
        await c.cmd(['CLIENT', 'SETNAME', '']);
        await c.cmd(['CLIENT', 'GETNAME']);
        await c.cmd(['CLIENT', 'SETNAME']);
        await c.cmd(['CLIENT', 'SETNAME', 'a', 'b']);
        await c.cmd(['CLIENT', 'GETNAME', 'x']);
        await c.cmd(['CLIENT', 'ID', 'x']);
        await c.cmd(['CLIENT', 'FOO']);
        await c.cmd(['CLIENT']);
      });
      body(
        'CLIENT LIST INFO KILL',
        async (c) => {
          await c.cmd(['CLIENT', 'SETNAME', 'first']);
          await c.cmd(['SELECT', '2'], { conn: 1 });
          await c.cmd(['CLIENT', 'SETNAME', 'second'], { conn: 1 });
          const state = ['name', 'db', 'sub', 'psub', 'multi', 'flags', 'cmd', 'resp', 'user'];
          await c.cmd(['CLIENT', 'INFO'], { cmp: clientLines(state) });
          await c.cmd(['CLIENT', 'LIST'], { cmp: clientLines(state) });
          await c.cmd(['CLIENT', 'LIST', 'TYPE', 'normal'], { cmp: clientLines(state) });
          await c.cmd(['CLIENT', 'LIST', 'TYPE', 'pubsub'], { cmp: clientLines(state) });
          await c.cmd(['CLIENT', 'LIST', 'TYPE', 'foo']);
          await c.cmd(['CLIENT', 'LIST', 'FOO']);
          await c.cmd(['CLIENT', 'INFO', 'x']);
          const [ir, is] = await c.cmd(['CLIENT', 'ID'], { conn: 1, cmp: shape });
          await c.cmd(['CLIENT', 'LIST', 'ID', '999999'], { cmp: clientLines(state) });
          await c.each((side) => ['CLIENT', 'LIST', 'ID', text(side === 'redis' ? ir : is) ?? '0'], { cmp: clientLines(state) });
          await c.cmd(['CLIENT', 'KILL', 'ID', '999999']);
          await c.cmd(['CLIENT', 'KILL', '127.0.0.1:1']);
          await c.cmd(['CLIENT', 'KILL', 'ADDR', '127.0.0.1:1']);
          await c.cmd(['CLIENT', 'KILL', 'ID', 'abc']);
          await c.cmd(['CLIENT', 'KILL', 'FOO', 'bar']);
          await c.cmd(['CLIENT', 'KILL', 'SKIPME', 'maybe']);
          await c.cmd(['CLIENT', 'KILL']);
          await c.each((side) => ['CLIENT', 'KILL', 'ID', text(side === 'redis' ? ir : is) ?? '0']);
          await c.expectClosed({ conn: 1 });
          await c.cmd(['CLIENT', 'LIST'], { cmp: clientLines(state) });
          // Our own id, with SKIPME yes (the default): nothing killed.
          const [mr, ms] = await c.cmd(['CLIENT', 'ID'], { cmp: shape });
          await c.each((side) => ['CLIENT', 'KILL', 'ID', text(side === 'redis' ? mr : ms) ?? '0']);
          await c.each((side) => ['CLIENT', 'KILL', 'ID', text(side === 'redis' ? mr : ms) ?? '0', 'SKIPME', 'no'], {});
          await c.expectClosed();
        },
        2,
      );
      body('CLIENT REPLY', async (c) => {
        await c.silent(['CLIENT', 'REPLY', 'OFF']);
        await c.silent(['SET', 'a', '1']);
        await c.silent(['GET', 'a']);
        await c.cmd(['CLIENT', 'REPLY', 'ON']);
        await c.cmd(['GET', 'a']);
        await c.silent(['CLIENT', 'REPLY', 'SKIP']);
        await c.silent(['SET', 'a', '2']);
        await c.cmd(['GET', 'a']);
        await c.cmd(['CLIENT', 'REPLY', 'FOO']);
        await c.cmd(['CLIENT', 'REPLY']);
      });
      seq('CLIENT NO-EVICT PAUSE UNPAUSE', [
        ['CLIENT', 'NO-EVICT', 'on'],
        ['CLIENT', 'NO-EVICT', 'off'],
        ['CLIENT', 'NO-EVICT', 'maybe'],
        ['CLIENT', 'NO-EVICT'],
        ['CLIENT', 'PAUSE', '50'],
        ['CLIENT', 'UNPAUSE'],
        ['CLIENT', 'PAUSE', '50', 'WRITE'],
        ['CLIENT', 'PAUSE', '50', 'ALL'],
        ['CLIENT', 'UNPAUSE'],
        ['CLIENT', 'PAUSE', 'abc'],
        ['CLIENT', 'PAUSE', '-1'],
        ['CLIENT', 'PAUSE', '10', 'FOO'],
        ['CLIENT', 'PAUSE'],
        ['CLIENT', 'UNPAUSE', 'x'],
        ['SET', 'after', 'pause'],
        ['GET', 'after'],
      ]);
      body('CLIENT PAUSE WRITE holds writes of other clients, not reads', async (c) => {
        await c.cmd(['SET', 'k', 'v']);
        await c.cmd(['CLIENT', 'PAUSE', '300', 'WRITE']);
        await c.cmd(['GET', 'k'], { conn: 1 });
        await c.cmd(['SET', 'k', 'w'], { conn: 1 });
        await c.cmd(['GET', 'k']);
      }, 2);
      body('INFO', async (c) => {
        await c.cmd(['MSET', 'a', '1', 'b', '2']);
        await c.cmd(['SET', 'e', 'v', 'EXAT', '4102444800']);
        await c.cmd(['SELECT', '3']);
        await c.cmd(['SET', 'c', '3']);
        await c.cmd(['SELECT', '0']);
        await c.cmd(['CONFIG', 'RESETSTAT']);
        await c.cmd(['GET', 'a']);
        await c.cmd(['GET', 'missing']);
        await c.cmd(['MGET', 'a', 'b', 'missing']);
        await c.cmd(['SET', 'short', 'v', 'PX', '50']);
        await new Promise((r) => setTimeout(r, 300));
        await c.cmd(['GET', 'short']);
        const [sr, ss] = await c.cmd(['INFO', 'stats'], { cmp: () => null });
        compareInfo(c, 'INFO stats', sr, ss, ['stats.keyspace_hits', 'stats.keyspace_misses', 'stats.expired_keys', 'stats.evicted_keys']);
        for (const args of [['INFO'], ['INFO', 'default'], ['INFO', 'all'], ['INFO', 'everything'], ['INFO', 'server', 'clients'], ['INFO', 'SERVER'], ['INFO', 'keyspace'], ['INFO', 'memory'], ['INFO', 'persistence'], ['INFO', 'replication'], ['INFO', 'cpu']]) {
          const [r, s] = await c.cmd(args, { cmp: () => null });
          compareInfo(c, args.join(' '), r, s, args.length === 1 ? ['clients.connected_clients', 'server.redis_mode', 'replication.role'] : []);
        }
        await c.cmd(['INFO', 'nosuchsection']);
        // Per-command and per-error counters after a reset: names and counts are exact,
        // times (usec, usec_per_call) are the servers' own.
        await c.cmd(['CONFIG', 'RESETSTAT']);
        await c.cmd(['SET', 'a', 'x']);
        await c.cmd(['GET', 'a']);
        await c.cmd(['GET', 'a']);
        await c.cmd(['INCR', 'a']);
        await c.cmd(['GET']);
        await c.cmd(['NOSUCHCOMMAND']);
        await c.cmd(['SET', 'k', 'v', 'EX', '0']);
        await c.cmd(['CLIENT', 'GETNAME']);
        for (const section of ['commandstats', 'errorstats']) {
          const [r, s] = await c.cmd(['INFO', section], { cmp: () => null });
          const counts = (out: unknown): string => {
            const t = text(out);
            if (t === null) return String(out);
            const sec = parseInfo(t).get(section);
            if (sec === undefined) return `no # ${section}`;
            return [...sec.entries()].map(([k, v]) => `${k}:${v.replace(/usec(_per_call)?=[\d.]+,?/g, '')}`).sort().join(' ');
          };
          if (counts(r) !== counts(s)) c.note(`INFO ${section} (counts)`, counts(r), counts(s));
        }
      });
      body('CONFIG', async (c) => {
        for (const p of ['databases', 'maxmemory', 'maxmemory-policy', 'maxclients', 'timeout', 'hz', 'save', 'appendonly', 'requirepass', 'proto-max-bulk-len', 'client-query-buffer-limit', 'slowlog-log-slower-than', 'slowlog-max-len', 'latency-monitor-threshold', 'notify-keyspace-events', 'lazyfree-lazy-user-flush', 'nosuchparameter', 'DATABASES']) {
          await c.cmd(['CONFIG', 'GET', p]);
        }
        // The port is each server's own.
        await c.cmd(['CONFIG', 'GET', 'port'], { cmp: shape });
        await c.cmd(['CONFIG', 'GET', 'slowlog-*'], { cmp: shape });
        await c.cmd(['CONFIG', 'SET', 'slowlog-max-len', '64']);
        await c.cmd(['CONFIG', 'GET', 'slowlog-max-len']);
        await c.cmd(['CONFIG', 'SET', 'slowlog-max-len', '128']);
        await c.cmd(['CONFIG', 'SET', 'slowlog-max-len', 'abc']);
        await c.cmd(['CONFIG', 'SET', 'maxmemory', 'abc']);
        await c.cmd(['CONFIG', 'SET', 'nosuchparameter', 'x']);
        await c.cmd(['CONFIG', 'SET', 'slowlog-max-len']);
        await c.cmd(['CONFIG', 'SET', 'databases', '20']);
        await c.cmd(['CONFIG', 'RESETSTAT']);
        await c.cmd(['CONFIG', 'RESETSTAT', 'x']);
        await c.cmd(['CONFIG', 'GET']);
        await c.cmd(['CONFIG', 'FOO']);
        await c.cmd(['CONFIG']);
      });
      body('TIME LASTSAVE DEBUG SLEEP MEMORY USAGE', async (c) => {
        const [tr, ts] = await c.cmd(['TIME'], { cmp: shape });
        for (const [side, out] of [['redis', tr], ['subject', ts]] as const) {
          if (!Buffer.isBuffer(out)) continue;
          const v = decodeReply(out);
          const secs = v.kind === 'array' ? Number(textOf(v.items[0]!)) : NaN;
          const micros = v.kind === 'array' ? Number(textOf(v.items[1]!)) : NaN;
          // Both read the same wall clock: within a minute of ours.
          if (!(Math.abs(secs - Date.now() / 1000) < 60 && micros >= 0 && micros < 1e6)) c.note(`TIME (${side}) is the wall clock`, 'yes', showTime(v));
        }
        await c.cmd(['TIME', 'x']);
        await c.cmd(['LASTSAVE'], { cmp: shape });
        await c.cmd(['LASTSAVE', 'x']);
        await c.cmd(['DEBUG', 'SLEEP', '0']);
        await c.cmd(['DEBUG', 'SLEEP', '0.05']);
        await c.cmd(['SET', 'k', 'v']);
        await c.cmd(['SET', 'big', 'x'.repeat(5000)]);
        // Sizes are the allocator's: an integer on both.
        await c.cmd(['MEMORY', 'USAGE', 'k'], { cmp: shape });
        await c.cmd(['MEMORY', 'USAGE', 'big'], { cmp: shape });
        await c.cmd(['MEMORY', 'USAGE', 'k', 'SAMPLES', '5'], { cmp: shape });
        await c.cmd(['MEMORY', 'USAGE', 'missing']);
        await c.cmd(['MEMORY', 'USAGE', 'k', 'SAMPLES', 'x']);
        await c.cmd(['MEMORY', 'USAGE', 'k', 'FOO']);
        await c.cmd(['MEMORY', 'USAGE']);
        await c.cmd(['MEMORY', 'FOO']);
      });
      body('SLOWLOG', async (c) => {
        await c.cmd(['SLOWLOG', 'RESET']);
        await c.cmd(['SLOWLOG', 'LEN']);
        await c.cmd(['SLOWLOG', 'GET']);
        await c.cmd(['CONFIG', 'SET', 'slowlog-log-slower-than', '0']);
        await c.cmd(['SET', 'a', '1']);
        await c.cmd(['GET', 'a']);
        await c.cmd(['CONFIG', 'SET', 'slowlog-log-slower-than', '10000']);
        await c.cmd(['SLOWLOG', 'LEN']);
        // Entries hold ids, times, durations and client addresses: compared by structure.
        await c.cmd(['SLOWLOG', 'GET'], { cmp: shape });
        await c.cmd(['SLOWLOG', 'GET', '1'], { cmp: shape });
        await c.cmd(['SLOWLOG', 'GET', '-1'], { cmp: shape });
        await c.cmd(['SLOWLOG', 'GET', 'x']);
        await c.cmd(['SLOWLOG', 'RESET']);
        await c.cmd(['SLOWLOG', 'LEN']);
        await c.cmd(['SLOWLOG', 'FOO']);
        await c.cmd(['SLOWLOG']);
      });
      seq('LATENCY', [
        ['LATENCY', 'RESET'],
        ['LATENCY', 'LATEST'],
        ['LATENCY', 'HISTORY', 'command'],
        ['LATENCY', 'RESET', 'command'],
        ['LATENCY', 'HISTORY'],
        ['LATENCY', 'FOO'],
        ['LATENCY'],
      ]);
      seq('HELP of container commands', [
        ['COMMAND', 'HELP'],
        ['CLIENT', 'HELP'],
        ['CONFIG', 'HELP'],
        ['OBJECT', 'HELP'],
        ['MEMORY', 'HELP'],
        ['SLOWLOG', 'HELP'],
        ['LATENCY', 'HELP'],
        ['CLIENT', 'HELP', 'x'],
      ]);
      body('COMMAND', async (c) => {
        // KeelDB implements a subset: COMMAND COUNT is an integer on both.
        await c.cmd(['COMMAND', 'COUNT'], { cmp: shape });
        for (const name of issueCommands) await c.cmd(['COMMAND', 'INFO', name], { cmp: commandInfo });
        await c.cmd(['COMMAND', 'INFO', 'get', 'nosuchcommand', 'SET'], { cmp: commandInfo });
        await c.cmd(['COMMAND', 'INFO', 'config|get'], { cmp: commandInfo });
        // COMMAND INFO with no name lists every command: KeelDB has fewer, so shape is not compared.
        // Docs are prose: compare which fields each command documents.
        const [dr, ds] = await c.cmd(['COMMAND', 'DOCS', 'get', 'set', 'expire', 'client'], { cmp: () => null });
        const fieldsOf = (out: unknown): string => {
          if (!Buffer.isBuffer(out)) return String(out);
          const v = decodeReply(out);
          const entries = mapEntries(v);
          return entries.map(([k, d]) => `${textOf(k)}{${mapEntries(d).map(([f]) => textOf(f)).join(',')}}`).join(' ');
        };
        if (fieldsOf(dr) !== fieldsOf(ds)) c.note('COMMAND DOCS get set expire client (field names)', fieldsOf(dr), fieldsOf(ds));
        await c.cmd(['COMMAND', 'DOCS', 'nosuchcommand']);
        await c.cmd(['COMMAND', 'FOO']);
      });
    });
  }
});

function mapEntries(v: RespValue): [RespValue, RespValue][] {
  if (v.kind === 'map') return v.entries;
  if (v.kind === 'array') {
    const out: [RespValue, RespValue][] = [];
    for (let i = 0; i + 1 < v.items.length; i += 2) out.push([v.items[i]!, v.items[i + 1]!]);
    return out;
  }
  return [];
}

function showTime(v: RespValue): string {
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
}

describeWithOracle('diff: AUTH with --requirepass', () => {
  const pair = usePair({ requirepass: 's3cret' });
  for (const proto of [2, 3] as const) {
    describe(`RESP${proto}`, () => {
      diffCase(
        pair,
        'NOAUTH before AUTH, WRONGPASS, AUTH, RESET',
        async (c) => {
          await c.cmd(['PING']);
          await c.cmd(['GET', 'a']);
          await c.cmd(['SET', 'a', '1']);
          await c.cmd(['NOSUCHCOMMAND']);
          await c.cmd(['SET', 'a']);
          await c.cmd(['HELLO', String(proto)]);
          await c.cmd(['HELLO', String(proto), 'AUTH', 'default', 'wrong']);
          await c.cmd(['AUTH', 'wrong']);
          await c.cmd(['AUTH', 'default', 'wrong']);
          await c.cmd(['AUTH', 'nouser', 's3cret']);
          await c.cmd(['GET', 'a']);
          if (proto === 3) await c.cmd(['HELLO', '3', 'AUTH', 'default', 's3cret'], { cmp: hello });
          else await c.cmd(['AUTH', 's3cret']);
          await c.cmd(['SET', 'a', '1']);
          await c.cmd(['GET', 'a']);
          await c.cmd(['AUTH', 'default', 's3cret']);
          await c.cmd(['AUTH', 'wrong']);
          await c.cmd(['GET', 'a']);
          await c.cmd(['RESET']);
          await c.cmd(['GET', 'a']);
          await c.cmd(['AUTH', 's3cret']);
          await c.cmd(['FLUSHALL']);
          await c.cmd(['QUIT']);
          await c.expectClosed();
        },
        { setup: 'none' },
      );
      diffCase(
        pair,
        'QUIT before AUTH',
        async (c) => {
          await c.cmd(['QUIT']);
          await c.expectClosed();
        },
        { setup: 'none' },
      );
      diffCase(
        pair,
        'unauthenticated protocol limits',
        async (c) => {
          // Before AUTH, Redis refuses multibulk headers above 10 and bulks above 16 KiB.
          await c.raw('*11\r\n', 1);
          await c.expectClosed();
          await c.connect();
          await c.raw(`*2\r\n$${16 * 1024 + 1}\r\n`, 1, { conn: 1 });
          await c.expectClosed({ conn: 1 });
          await c.connect();
          await c.raw('*10\r\n$4\r\nPING\r\n' + '$1\r\nx\r\n'.repeat(9), 1, { conn: 2 });
        },
        { setup: 'none' },
      );
    });
  }
});
