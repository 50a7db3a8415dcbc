// The control area alone (src/workers/control-area.ts): the kill / first-write
// exclusion, script.c's scriptKill answers in Redis's order, generations, the owed
// bitmap, and config publication. Both "threads" are played by one test here; the
// cross-thread behaviour is covered by test/diff/busy-scripts.test.ts.

import { describe, expect, it } from 'vitest';
import {
  busyReplyEval,
  busyReplyFunction,
  ControlArea,
  ScriptFlag,
  unkillableReply,
} from '../../src/workers/control-area.js';
import { busyOwedBitmapBits } from '../../src/limits.js';

const config = { maxClients: 10_000, protoMaxBulkLen: 512 * 1024 * 1024, queryBufferBytesMax: 1024 * 1024 * 1024 };
const notBusy = '-NOTBUSY No scripts in execution right now.\r\n';

describe('ControlArea', () => {
  it('answers NOTBUSY while no script is busy', () => {
    const c = ControlArea.create(config);
    expect(c.kill(true)).toBe(notBusy);
    expect(c.kill(false)).toBe(notBusy);
    expect(c.killed).toBe(false);
  });

  it('kills a busy EVAL with SCRIPT KILL only; FUNCTION KILL gets the EVAL BUSY text', () => {
    const c = ControlArea.create(config);
    c.publishBusy(7, false, false, 3, 0);
    expect(c.busyRecord).toBe(3);
    expect(c.kill(false)).toBe(busyReplyEval);
    expect(c.killed).toBe(false);
    expect(c.kill(true)).toBe('+OK\r\n');
    expect(c.killed).toBe(true);
    // A killed script must not write any more.
    expect(c.markDirty()).toBe(false);
    c.clearBusy();
    expect(c.killed).toBe(false);
    expect(c.kill(true)).toBe(notBusy);
  });

  it('kills a busy function with FUNCTION KILL only; SCRIPT KILL gets the FUNCTION BUSY text', () => {
    const c = ControlArea.create(config);
    c.publishBusy(8, true, false, 1, 0);
    expect(c.kill(true)).toBe(busyReplyFunction);
    expect(c.kill(false)).toBe('+OK\r\n');
    expect(c.killed).toBe(true);
  });

  it('a script that wrote is UNKILLABLE, whether it wrote before or after turning busy (checked before the kind)', () => {
    const c = ControlArea.create(config);
    c.publishBusy(9, false, true, 1, 0);
    expect(c.kill(true)).toBe(unkillableReply);
    expect(c.kill(false)).toBe(unkillableReply);
    c.clearBusy();
    c.publishBusy(10, true, false, 1, 0);
    expect(c.markDirty()).toBe(true);
    expect(c.scriptState & ScriptFlag.dirty).toBe(ScriptFlag.dirty);
    expect(c.kill(false)).toBe(unkillableReply);
    expect(c.killed).toBe(false);
    expect(c.markDirty()).toBe(true); // already dirty: nothing changes
  });

  it('keeps generations apart: a new busy script starts unkilled', () => {
    const c = ControlArea.create(config);
    c.publishBusy(1, false, false, 1, 0);
    expect(c.kill(true)).toBe('+OK\r\n');
    c.clearBusy();
    c.publishBusy(2, false, false, 2, 0);
    expect(c.killed).toBe(false);
    expect(c.scriptState >>> 8).toBe(2);
  });

  it('marks and clears owed clients by id modulo the bitmap', () => {
    const c = ControlArea.create(config);
    c.markOwed(5);
    c.markOwed(busyOwedBitmapBits + 77);
    expect(c.owes(5)).toBe(true);
    expect(c.owes(77)).toBe(true); // a collision: that client only waits
    expect(c.owes(6)).toBe(false);
    c.clearOwed();
    expect(c.owes(5)).toBe(false);
    expect(c.owes(77)).toBe(false);
  });

  it('publishes config values with a new generation', () => {
    const c = ControlArea.create(config);
    const gen = c.configGeneration;
    c.publishConfig({ maxClients: 2, protoMaxBulkLen: 1048576, queryBufferBytesMax: 2 * 1048576 });
    expect(c.configGeneration).toBe(gen + 1);
    expect(c.readConfig()).toEqual({ maxClients: 2, protoMaxBulkLen: 1048576, queryBufferBytesMax: 2 * 1048576 });
    // Views built from the same SAB (another thread) see the same values.
    expect(new ControlArea(c.sab).readConfig().maxClients).toBe(2);
  });
});
