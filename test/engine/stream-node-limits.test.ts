// RStream.append's node cuts (src/engine/types/stream.ts) under the bounds XADD passes from
// stream-node-max-bytes / -max-entries, and the two CONFIG parameters end to end through
// the engine: the defaults, 0 meaning "no entry bound" and "1 GB of bytes", and a change
// between appends applying from the next append on.

import { describe, expect, test } from 'vitest';
import { makeId, RStream } from '../../src/engine/types/stream.js';
import { streamNodeBytesMax, streamNodeEntriesMax } from '../../src/limits.js';
import { newEngine, openClient, runCommand } from './support/run.js';

function nodeSizes(s: RStream): number[] {
  return s.nodes.map((n) => n.live + n.deleted);
}

describe('RStream.append node bounds', () => {
  test('the defaults are the limits.ts values', () => {
    const s = new RStream();
    for (let i = 1; i <= 250; i++) s.append(makeId(BigInt(i), 0n), ['f', 'v']);
    expect(nodeSizes(s)).toEqual([streamNodeEntriesMax, streamNodeEntriesMax, 250 - 2 * streamNodeEntriesMax]);
    expect(streamNodeBytesMax).toBe(4096);
  });

  test('an entry bound of 0 is no bound; a byte bound of 0 is 1 GB', () => {
    const s = new RStream();
    for (let i = 1; i <= 500; i++) s.append(makeId(BigInt(i), 0n), ['f', 'v'], 0, 0);
    expect(nodeSizes(s)).toEqual([500]);
  });

  test('a byte bound cuts before the node would reach it', () => {
    const s = new RStream();
    for (let i = 1; i <= 60; i++) s.append(makeId(BigInt(i), 0n), ['f', 'x'.repeat(20)], 300, 0);
    expect(s.nodes.length).toBeGreaterThan(3);
    for (const n of s.nodes.slice(0, -1)) expect(n.bytes).toBeLessThan(300 + 30);
  });

  test('a changed bound applies from the next append', () => {
    const s = new RStream();
    for (let i = 1; i <= 7; i++) s.append(makeId(BigInt(i), 0n), ['f', 'v'], 4096, 10);
    for (let i = 8; i <= 12; i++) s.append(makeId(BigInt(i), 0n), ['f', 'v'], 4096, 3);
    expect(nodeSizes(s)).toEqual([7, 3, 2]);
  });
});

describe('CONFIG stream-node-max-entries / -max-bytes through XADD', () => {
  test('XADD cuts nodes by the values CONFIG SET put in force', () => {
    const engine = newEngine();
    const c = openClient(engine);
    expect(runCommand(engine, c, ['CONFIG', 'GET', 'stream-node-max-bytes'])).toBe('*2\r\n$21\r\nstream-node-max-bytes\r\n$4\r\n4096\r\n');
    expect(runCommand(engine, c, ['CONFIG', 'GET', 'stream-node-max-entries'])).toBe('*2\r\n$23\r\nstream-node-max-entries\r\n$3\r\n100\r\n');
    expect(runCommand(engine, c, ['CONFIG', 'SET', 'stream-node-max-entries', '4'])).toBe('+OK\r\n');
    for (let i = 1; i <= 10; i++) runCommand(engine, c, ['XADD', 's', `${i}-1`, 'f', 'v']);
    expect(runCommand(engine, c, ['XINFO', 'STREAM', 's'])).toContain('radix-tree-keys\r\n:3\r\n');
    expect(runCommand(engine, c, ['CONFIG', 'SET', 'stream-node-max-entries', '-1'])).toBe("-ERR CONFIG SET failed (possibly related to argument 'stream-node-max-entries') - argument must be between 0 and 9223372036854775807 inclusive\r\n");
    expect(runCommand(engine, c, ['CONFIG', 'SET', 'stream-node-max-bytes', '9223372036854775807'])).toBe('+OK\r\n');
    expect(runCommand(engine, c, ['CONFIG', 'GET', 'stream-node-max-bytes'])).toBe('*2\r\n$21\r\nstream-node-max-bytes\r\n$19\r\n9223372036854775807\r\n');
  });
});
