// The command clock inside a timed batch (src/engine/engine.ts commandNowMs): with the
// real clock, a command's nowMs is the batch's Date.now plus the monotonic time up to
// the previous command's end. These pin what that must keep from a Date.now per
// command: time moves on within one batch (a key expires behind a DEBUG SLEEP in the
// same pipeline), it never runs ahead of the wall clock, and never goes backwards.

import { describe, expect, it } from 'vitest';
import { newEngine, openClient, runCommand } from './support/run.js';

describe('engine: command time inside a timed batch', () => {
  it('a key set with PX expires behind a DEBUG SLEEP in the same batch', () => {
    const engine = newEngine();
    const c = openClient(engine);
    engine.beginTimedBatch();
    expect(runCommand(engine, c, ['SET', 'k', 'v', 'PX', '30'])).toBe('+OK\r\n');
    expect(runCommand(engine, c, ['GET', 'k'])).toBe('$1\r\nv\r\n');
    expect(runCommand(engine, c, ['DEBUG', 'SLEEP', '0.06'])).toBe('+OK\r\n');
    expect(runCommand(engine, c, ['GET', 'k'])).toBe('$-1\r\n');
    engine.endTimedBatch();
  });

  it('nowMs is never ahead of Date.now and never decreases, across batches', () => {
    const engine = newEngine();
    const c = openClient(engine);
    let last = 0;
    for (let batch = 0; batch < 20; batch++) {
      engine.beginTimedBatch();
      for (let i = 0; i < 50; i++) {
        runCommand(engine, c, ['SET', `k${i}`, 'v']);
        expect(engine.nowMs).toBeLessThanOrEqual(Date.now());
        expect(engine.nowMs).toBeGreaterThanOrEqual(last);
        expect(Number.isInteger(engine.nowMs)).toBe(true);
        last = engine.nowMs;
      }
      engine.endTimedBatch();
    }
  });
});
