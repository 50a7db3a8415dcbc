// Differential test of stream-node-max-bytes and stream-node-max-entries (issue 6) against
// redis-server 7.0.15: CONFIG SET's validation and error texts, CONFIG GET's values, and
// XADD cutting stream nodes by the values in force (so DUMP's node layout, XINFO
// STREAM's radix-tree-keys, and `MAXLEN ~`, which trims whole nodes, answer as Redis).
// Each case sets the parameters on both servers and restores the defaults after.

import { expect, it } from 'vitest';
import { usePairConns } from '../support/diff-pair.js';
import { describeWithOracle } from '../support/oracle-guard.js';
import type { Arg } from '../support/resp-conn.js';
import { showBytes } from '../support/resp-decode.js';

type Cmd = readonly Arg[];

function show(c: Cmd): string {
  return c.map((a) => (Buffer.isBuffer(a) ? `<${a.length} bytes>` : String(a))).join(' ');
}

/** XINFO STREAM with radix-tree-nodes masked: it counts Redis's rax nodes, which KeelDB does not build. */
function maskRaxNodes(reply: Buffer): Buffer {
  return Buffer.from(reply.toString('latin1').replace(/(radix-tree-nodes\r\n):\d+/g, '$1:N'), 'latin1');
}

describeWithOracle('diff: stream-node-max-bytes / stream-node-max-entries', () => {
  const conns = usePairConns();

  /** Runs cmds on both servers (defaults restored after); returns every differing reply. */
  async function differences(cmds: readonly Cmd[]): Promise<{ diffs: string[]; redis: Buffer[] }> {
    const all: Cmd[] = [['FLUSHALL'], ...cmds, ['CONFIG', 'SET', 'stream-node-max-bytes', '4096', 'stream-node-max-entries', '100']];
    const [r, s] = await Promise.all([conns().redis.pipeline(all), conns().subject.pipeline(all)]);
    const diffs: string[] = [];
    for (let i = 0; i < all.length; i++) {
      const isInfo = String(all[i]![0]).toUpperCase() === 'XINFO';
      const [a, b] = isInfo ? [maskRaxNodes(r[i]!), maskRaxNodes(s[i]!)] : [r[i]!, s[i]!];
      if (!a.equals(b)) diffs.push(`step ${i}: ${show(all[i]!)}\n  redis:   ${showBytes(r[i]!).slice(0, 300)}\n  subject: ${showBytes(s[i]!).slice(0, 300)}`);
    }
    return { diffs, redis: r.slice(1) };
  }

  function xadds(key: string, count: number, value: (i: number) => string = (i) => `v${i}`): Cmd[] {
    return Array.from({ length: count }, (_, i) => ['XADD', key, `${i + 1}-1`, 'f', value(i)]);
  }

  it('CONFIG SET stream-node-max-entries 5, 23 XADDs: DUMP is byte-identical', async () => {
    const cmds: Cmd[] = [['CONFIG', 'SET', 'stream-node-max-entries', '5'], ...xadds('s', 23), ['DUMP', 's'], ['XINFO', 'STREAM', 's'], ['CONFIG', 'GET', 'stream-node-max-entries']];
    const { diffs, redis } = await differences(cmds);
    expect(diffs).toEqual([]);
    // Five nodes of 5 entries would be 5 keys: the cut really happened (radix-tree-keys 5).
    expect(redis[cmds.length - 2]!.toString('latin1')).toContain('radix-tree-keys\r\n:5\r\n');
    expect(redis[cmds.length - 1]!.toString('latin1')).toBe('*2\r\n$23\r\nstream-node-max-entries\r\n$1\r\n5\r\n');
  });

  it('a byte bound cuts nodes, entries 0 means no entry bound, and MAXLEN ~ trims the cut nodes', async () => {
    const cmds: Cmd[] = [
      ['CONFIG', 'SET', 'stream-node-max-bytes', '200', 'stream-node-max-entries', '0'],
      ...xadds('b', 40, (i) => 'x'.repeat(i % 9)),
      ['DUMP', 'b'],
      ['XINFO', 'STREAM', 'b'],
      ['XTRIM', 'b', 'MAXLEN', '~', '25'],
      ['XLEN', 'b'],
      ['DUMP', 'b'],
      // Entries only (bytes 0 = 1 GB): 250 entries in nodes of 120.
      ['CONFIG', 'SET', 'stream-node-max-bytes', '0', 'stream-node-max-entries', '120'],
      ...xadds('e', 250),
      ['DUMP', 'e'],
      ['XINFO', 'STREAM', 'e'],
      // A change between XADDs: the open node is cut by the new bound from then on.
      ['CONFIG', 'SET', 'stream-node-max-entries', '3'],
      ['XADD', 'e', '1000-1', 'f', 'v'],
      ['XADD', 'e', '1000-2', 'f', 'v'],
      ['XADD', 'e', '1000-3', 'f', 'v'],
      ['DUMP', 'e'],
      ['XINFO', 'STREAM', 'e'],
      ['CONFIG', 'SET', 'stream-node-max-bytes', '1kb', 'stream-node-max-entries', '1000'],
      ...xadds('k', 60, (i) => 'y'.repeat(i)),
      ['DUMP', 'k'],
      ['CONFIG', 'GET', 'stream-node-max-bytes'],
    ];
    const { diffs } = await differences(cmds);
    expect(diffs).toEqual([]);
  });

  it('CONFIG SET validation and CONFIG GET answer as Redis', async () => {
    const values = ['-1', 'abc', '1kb', '5.5', ' 5', '0', '9223372036854775807', '9223372036854775808', '18446744073709551616', '4gb', '100'];
    const cmds: Cmd[] = [];
    for (const name of ['stream-node-max-bytes', 'stream-node-max-entries']) {
      for (const v of values) cmds.push(['CONFIG', 'SET', name, v], ['CONFIG', 'GET', name]);
    }
    // (A glob's order is Redis's dict order, not part of the contract: names are asked one by one.)
    cmds.push(['CONFIG', 'SET', 'stream-node-max-entries', '7', 'stream-node-max-bytes', 'bad'], ['CONFIG', 'GET', 'stream-node-max-entries']);
    const { diffs, redis } = await differences(cmds);
    expect(diffs).toEqual([]);
    expect(redis[0]!.toString('latin1')).toMatch(/^-ERR CONFIG SET failed/);
  });
});
