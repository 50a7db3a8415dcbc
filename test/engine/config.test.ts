// The CONFIG parameter table (src/engine/config.ts): parsing and error texts as Redis
// 7.0's config.c, checked without an engine.

import { describe, expect, it } from 'vitest';
import {
  Config,
  configNames,
  getConfigValue,
  keyspaceEventsFlagsToString,
  keyspaceEventsStringToFlags,
  lookupConfig,
  memtoull,
  setConfigValue,
} from '../../src/engine/config.js';

function set(c: Config, name: string, value: string): string | null {
  const p = lookupConfig(name);
  expect(p).toBeDefined();
  return setConfigValue(c, p!, value);
}

function get(c: Config, name: string): string {
  return getConfigValue(c, lookupConfig(name)!);
}

describe('Config', () => {
  it('keeps the constructor the engine calls and Redis 7.0 defaults', () => {
    const c = new Config({ port: 7000, bind: '127.0.0.1', requirepass: 'pw' });
    expect([get(c, 'port'), get(c, 'bind'), get(c, 'requirepass'), get(c, 'databases')]).toEqual(['7000', '127.0.0.1', 'pw', '16']);
    expect(get(c, 'proto-max-bulk-len')).toBe('536870912');
    expect(get(c, 'slowlog-log-slower-than')).toBe('10000');
    expect(get(c, 'slowlog-max-len')).toBe('128');
    expect(get(c, 'hash-max-listpack-entries')).toBe('512');
    expect(get(c, 'zset-max-listpack-entries')).toBe('128');
    expect(get(c, 'list-max-listpack-size')).toBe('-2');
    expect(get(c, 'save')).toBe('');
    expect(get(c, 'appendonly')).toBe('no');
    expect(get(c, 'maxmemory-policy')).toBe('noeviction');
  });

  it('looks names up case-insensitively, aliases included', () => {
    expect(lookupConfig('HZ')).toBe(lookupConfig('hz'));
    expect(lookupConfig('list-max-ziplist-size')).toBe(lookupConfig('list-max-listpack-size'));
    expect(lookupConfig('set-max-listpack-entries')).toBeUndefined();
    expect(configNames).toContain('zset-max-ziplist-value');
    expect(new Set(configNames).size).toBe(configNames.length);
  });

  it('parses numbers strictly and checks bounds with Redis text', () => {
    const c = new Config({ port: 0, bind: '127.0.0.1' });
    expect(set(c, 'hz', '010')).toBe('argument couldn\'t be parsed into an integer');
    expect(set(c, 'hz', '-1')).toBe('argument must be between 0 and 2147483647 inclusive');
    expect(set(c, 'maxclients', '0')).toBe('argument must be between 1 and 4294967295 inclusive');
    expect(set(c, 'list-max-listpack-size', '-2147483649')).toBe('argument must be between -2147483648 and 2147483647 inclusive');
    expect(set(c, 'proto-max-bulk-len', '1k')).toBe('argument must be between 1048576 and 9223372036854775807 inclusive');
    expect(set(c, 'proto-max-bulk-len', '2mb')).toBeNull();
    expect(c.protoMaxBulkLen).toBe(2 * 1024 * 1024);
    expect(set(c, 'proto-max-bulk-len', 'x')).toBe('argument must be a memory value');
    // hz is stored clamped to [1, 500], as updateHZ does.
    expect(set(c, 'hz', '0')).toBeNull();
    expect(get(c, 'hz')).toBe('1');
    expect(set(c, 'hz', '100000')).toBeNull();
    expect(c.hz).toBe(500);
  });

  it('parses memory values as memtoull', () => {
    expect(memtoull('0')).toBe(0n);
    expect(memtoull('')).toBe(0n);
    expect(memtoull('1k')).toBe(1000n);
    expect(memtoull('1KB')).toBe(1024n);
    expect(memtoull('3m')).toBe(3_000_000n);
    expect(memtoull('1Gb')).toBe(1024n ** 3n);
    expect(memtoull('5b')).toBe(5n);
    expect(memtoull('-1')).toBeNull();
    expect(memtoull('1.5')).toBeNull();
    expect(memtoull('1 kb')).toBeNull();
    expect(memtoull('18446744073709551616')).toBe(18446744073709551615n); // strtoull saturates
    expect(memtoull('18446744073709551616kb')).toBeNull();
  });

  it('validates enums, booleans, save and keyspace events', () => {
    const c = new Config({ port: 0, bind: '127.0.0.1' });
    expect(set(c, 'maxmemory-policy', 'AllKeys-LFU')).toBeNull();
    expect(get(c, 'maxmemory-policy')).toBe('allkeys-lfu');
    expect(set(c, 'maxmemory-policy', 'lru')).toMatch(/^argument\(s\) must be one of the following: volatile-lru, /);
    expect(set(c, 'appendonly', 'NO')).toBeNull();
    expect(set(c, 'appendonly', '1')).toBe('argument must be \'yes\' or \'no\'');
    expect(set(c, 'save', '3600 1  300 100')).toBeNull();
    expect(get(c, 'save')).toBe('3600 1 300 100');
    expect(set(c, 'save', '3600')).toBe('Invalid save parameters');
    expect(set(c, 'save', '0 1')).toBe('Invalid save parameters');
    expect(set(c, 'save', '1 -1')).toBe('Invalid save parameters');
    expect(get(c, 'save')).toBe('3600 1 300 100');
    expect(set(c, 'save', '')).toBeNull();
    expect(get(c, 'save')).toBe('');
    expect(set(c, 'notify-keyspace-events', 'KEA')).toBeNull();
    expect(get(c, 'notify-keyspace-events')).toBe('AKE');
    expect(set(c, 'notify-keyspace-events', 'Q')).toBe('Invalid event class character. Use \'Ag$lshzxeKEtmdn\'.');
    expect(get(c, 'notify-keyspace-events')).toBe('AKE');
  });

  it('has the lazyfree flags and client-query-buffer-limit clients read', () => {
    const c = new Config({ port: 0, bind: '127.0.0.1' });
    expect(get(c, 'client-query-buffer-limit')).toBe('1073741824');
    expect(set(c, 'client-query-buffer-limit', '1k')).toBe('argument must be between 1048576 and 9223372036854775807 inclusive');
    expect(get(c, 'lazyfree-lazy-user-flush')).toBe('no');
    expect(set(c, 'lazyfree-lazy-user-flush', 'x')).toBe('argument must be \'yes\' or \'no\'');
    expect(set(c, 'LAZYFREE-LAZY-USER-DEL', 'YES')).toBeNull();
    expect(c.lazyfreeLazyUserDel).toBe(true);
    expect(get(c, 'lazyfree-lazy-user-del')).toBe('yes');
  });

  it('prints keyspace event flags in 7.0 order', () => {
    const canon = (s: string): string => keyspaceEventsFlagsToString(keyspaceEventsStringToFlags(s)!);
    expect(canon('mnxK')).toBe('xnKm');
    expect(canon('g$lshzxetd')).toBe('A');
    expect(canon('An')).toBe('A');
    expect(canon('Ex$')).toBe('$xE');
    expect(canon('')).toBe('');
  });
});
