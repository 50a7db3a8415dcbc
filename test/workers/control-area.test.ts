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
import { busyOwedBitmapBits, busyRunningScriptBytesMax } from '../../src/limits.js';

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

  it('publishes the running function for FUNCTION STATS, void once its episode ends', () => {
    const c = ControlArea.create(config);
    expect(c.readRunning(c.scriptState)).toBe(null); // nothing published yet
    const record = Buffer.from('$4\r\nname\r\n$1\r\nf\r\n$7\r\ncommand\r\n*1\r\n$5\r\nFCALL\r\n');
    c.publishRunning(1_700_000_000_123.5, 2, 3, record);
    c.publishBusy(4, true, false, 1, 0);
    const state = c.scriptState;
    const seen = new ControlArea(c.sab).readRunning(state); // the io-mux's own view
    expect(seen).toEqual({ startMs: 1_700_000_000_123.5, librariesCount: 2, functionsCount: 3, record });
    // A copy: the engine may rewrite the area for the next busy script.
    c.clearBusy();
    c.publishRunning(5, 0, 0, Buffer.from('$4\r\nname\r\n'));
    expect(seen!.record).toEqual(record);
    // The episode read is over: a late reader gets nothing rather than the next script's record.
    c.publishBusy(5, true, false, 2, 0);
    expect(c.readRunning(state)).toBe(null);
    expect(c.readRunning(c.scriptState)!.record.toString()).toBe('$4\r\nname\r\n');
    // An EVAL (no record) or an FCALL too large for the area: FUNCTION STATS waits for the engine.
    c.publishRunning(6, 0, 0, null);
    expect(c.readRunning(c.scriptState)).toBe(null);
    c.publishRunning(6, 0, 0, Buffer.alloc(busyRunningScriptBytesMax + 1));
    expect(c.readRunning(c.scriptState)).toBe(null);
    c.publishRunning(6, 0, 0, Buffer.alloc(busyRunningScriptBytesMax, 7));
    expect(c.readRunning(c.scriptState)!.record.length).toBe(busyRunningScriptBytesMax);
  });

  it('keeps RESP3 and stats-wait bits per client; a RESP3 bit shared with a RESP2 client makes it wait', () => {
    const c = ControlArea.create(config);
    c.markResp3(3);
    c.markResp3(10);
    c.markResp2(4);
    c.markResp2(busyOwedBitmapBits + 10); // collides with RESP3 client 10
    expect(c.isResp3(3)).toBe(true);
    expect(c.isResp3(4)).toBe(false);
    expect(c.statsWait(3)).toBe(false);
    expect(c.statsWait(4)).toBe(false);
    expect(c.statsWait(10)).toBe(true); // both share the bit: neither is answered by the io-mux
    c.markStatsWait(20);
    expect(c.statsWait(20)).toBe(true);
    expect(c.owes(20)).toBe(false); // its other commands are still answered (-BUSY)
    c.clearOwed();
    expect(c.isResp3(3)).toBe(false);
    expect(c.statsWait(10)).toBe(false);
    expect(c.statsWait(20)).toBe(false);
  });

  it('keeps a MULTI bit only when no client outside MULTI shares it', () => {
    const c = ControlArea.create(config);
    // The engine marks every client in MULTI, then clears the bits of those outside it.
    c.markMulti(7);
    c.markMulti(9);
    c.unmarkMulti(8);
    c.unmarkMulti(busyOwedBitmapBits + 9); // shares client 9's bit, outside MULTI
    expect(c.inMulti(7)).toBe(true);
    expect(c.inMulti(8)).toBe(false);
    expect(c.inMulti(9)).toBe(false); // unsure: answered as outside MULTI, never made to wait
    expect(c.inMulti(busyOwedBitmapBits + 9)).toBe(false);
    c.clearOwed();
    expect(c.inMulti(7)).toBe(false);
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
