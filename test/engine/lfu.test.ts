import { describe, expect, it } from 'vitest';
import { lfuCount, lfuInitCount, lfuNewStamp, lfuTouch } from '../../src/engine/lfu.js';
import { newEngine, openClient, runCommand } from './support/run.js';

describe('LFU counter (evict.c)', () => {
  const t0 = 1_700_000_000_000;
  it('starts at LFU_INIT_VAL, always counts the first access, then grows logarithmically', () => {
    const s0 = lfuNewStamp(t0);
    expect(lfuCount(s0, t0)).toBe(lfuInitCount);
    const s1 = lfuTouch(s0, t0, () => 0.999);
    expect(lfuCount(s1, t0)).toBe(lfuInitCount + 1);
    // At 6 the increment chance is 1/11: a draw above it does not count.
    expect(lfuCount(lfuTouch(s1, t0, () => 0.5), t0)).toBe(6);
    expect(lfuCount(lfuTouch(s1, t0, () => 0.05), t0)).toBe(7);
  });

  it('decays by one per minute of idleness', () => {
    const s = lfuTouch(lfuNewStamp(t0), t0, () => 0);
    expect(lfuCount(s, t0 + 3 * 60_000)).toBe(3);
    expect(lfuCount(s, t0 + 100 * 60_000)).toBe(0);
  });

  it('OBJECT FREQ reports it under an LFU policy, as Redis does after one read', () => {
    const engine = newEngine();
    const id = openClient(engine);
    expect(runCommand(engine, id, ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu'])).toBe('+OK\r\n');
    runCommand(engine, id, ['SET', 'f', 'v']);
    expect(runCommand(engine, id, ['OBJECT', 'FREQ', 'f'])).toBe(':5\r\n');
    runCommand(engine, id, ['GET', 'f']);
    expect(runCommand(engine, id, ['OBJECT', 'FREQ', 'f'])).toBe(':6\r\n');
    runCommand(engine, id, ['SET', 'f', 'w']);
    expect(runCommand(engine, id, ['OBJECT', 'FREQ', 'f'])).toBe(':6\r\n');
    expect(runCommand(engine, id, ['OBJECT', 'IDLETIME', 'f'])).toMatch(/^-ERR An LFU maxmemory policy is selected/);
  });
});
