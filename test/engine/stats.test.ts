// Stats (src/engine/stats.ts): the per-command latency histogram, counters and reset.

import { describe, expect, it } from 'vitest';
import { Stats, latencyBucket, latencyPercentileUs } from '../../src/engine/stats.js';

describe('Stats latency buckets', () => {
  it('bucket durations by powers of two and read percentiles from them', () => {
    expect([0, 1, 2, 3, 4, 100, 128, 2 ** 40].map(latencyBucket)).toEqual([0, 1, 2, 2, 3, 7, 8, 31]);
    const s = new Stats();
    for (let i = 0; i < 98; i++) s.recordCall('get', 3, false);
    s.recordCall('get', 1000, false);
    s.recordCall('get', 5000, true);
    const st = s.commands.get('get')!;
    expect([latencyPercentileUs(st, 0.5), latencyPercentileUs(st, 0.99), latencyPercentileUs(st, 0.999)]).toEqual([4, 1024, 8192]);
    expect([st.calls, st.usec, st.failedCalls]).toEqual([100, 98 * 3 + 6000, 1]);
  });

  it('counts error codes and clears everything on reset', () => {
    const s = new Stats();
    s.recordErrorCode('ERR syntax error');
    s.recordErrorCode('WRONGTYPE Operation against a key holding the wrong kind of value');
    s.recordErrorCode('ERR x');
    s.recordCall('set', 5, false);
    s.keyspaceHits = 3;
    expect([...s.errorCodes]).toEqual([
      ['ERR', 2],
      ['WRONGTYPE', 1],
    ]);
    s.reset();
    expect([s.errorCodes.size, s.commands.size, s.keyspaceHits, s.totalCommandsProcessed]).toEqual([0, 0, 0, 0]);
  });

  it('samples ops per second between INFO calls at least 100 ms apart', () => {
    const s = new Stats();
    expect(s.sampleOps(1000)).toBe(0);
    for (let i = 0; i < 50; i++) s.recordCall('get', 1, false);
    expect(s.sampleOps(1050)).toBe(0); // too soon: the last rate
    expect(s.sampleOps(1500)).toBe(100);
    expect(s.sampleOps(1550)).toBe(100);
  });
  it('counts a repeated command into its own stat, also after a reset', () => {
    const stats = new Stats();
    stats.recordCall('get', 1, false);
    stats.recordCall('get', 2, false);
    stats.recordCall('set', 3, true);
    stats.recordCall('get', 4, false);
    expect(stats.commands.get('get')).toMatchObject({ calls: 3, usec: 7, failedCalls: 0 });
    expect(stats.commands.get('set')).toMatchObject({ calls: 1, usec: 3, failedCalls: 1 });
    stats.reset();
    stats.recordCall('get', 5, false);
    expect(stats.commands.get('get')).toMatchObject({ calls: 1, usec: 5 });
    expect(stats.commands.size).toBe(1);
  });
});
