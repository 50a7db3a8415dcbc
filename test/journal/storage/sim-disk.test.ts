// SimDisk's crash model: synced data survives, unsynced data and unsynced directory
// changes may be lost (a prefix kept), a lost write may be torn, in-flight operations
// never complete after a crash.

import { describe, expect, it } from 'vitest';
import { SimDisk } from '../../../src/journal/storage/sim-disk.js';

describe('SimDisk', () => {
  it('keeps synced bytes and loses unsynced ones when crashing without a PRNG', async () => {
    const disk = new SimDisk();
    await disk.append('f', Buffer.from('durable'));
    await disk.fdatasync('f');
    await disk.syncDir();
    await disk.append('f', Buffer.from('-lost'));
    await disk.append('g', Buffer.from('never named durably'));
    await disk.fdatasync('g');
    expect(Buffer.from(disk.contents('f')).toString()).toBe('durable-lost');
    disk.crash();
    expect(Buffer.from(disk.contents('f')).toString()).toBe('durable');
    expect(await disk.list()).toEqual(['f']); // g's creation was never made durable
  });

  it('tears a lost write to a strict prefix, chosen by the PRNG', async () => {
    const seen = new Set<number>();
    for (let seed = 0; seed < 20; seed++) {
      let s = seed;
      const random = (): number => {
        s = (s * 1103515245 + 12345) % 2147483648;
        return s / 2147483648;
      };
      const disk = new SimDisk({ random });
      await disk.append('f', Buffer.from('A'));
      await disk.fdatasync('f');
      await disk.syncDir();
      await disk.append('f', Buffer.from('BBBBBBBB'));
      disk.crash();
      const text = Buffer.from(disk.contents('f')).toString();
      expect(text).toMatch(/^AB{0,8}$/);
      seen.add(text.length);
    }
    expect(seen.size).toBeGreaterThan(1);
  });

  it('makes rename atomic: either name holds the old or the new file', async () => {
    for (let seed = 0; seed < 10; seed++) {
      const random = (): number => ((seed * 7919) % 10) / 10;
      const disk = new SimDisk({ random });
      await disk.append('state', Buffer.from('old'));
      await disk.fdatasync('state');
      await disk.syncDir();
      await disk.append('state.tmp', Buffer.from('new'));
      await disk.fdatasync('state.tmp');
      await disk.rename('state.tmp', 'state');
      disk.crash();
      expect(['old', 'new']).toContain(Buffer.from(disk.contents('state')).toString());
    }
  });

  it('never completes an operation that was in flight at the crash', async () => {
    const queue: (() => void)[] = [];
    const disk = new SimDisk({ delay: (_op, done) => queue.push(done) });
    let completed = false;
    void disk.append('f', Buffer.from('x')).then(() => (completed = true));
    disk.crash();
    for (const done of queue) done();
    await new Promise((r) => setImmediate(r));
    expect(completed).toBe(false);
    expect(await Promise.race([disk.list(), new Promise((r) => setTimeout(() => r('pending'), 0))])).toBe('pending');
    for (const done of queue.splice(0)) done();
  });

  it('flips a byte with corrupt()', async () => {
    const disk = new SimDisk();
    await disk.append('f', Buffer.from([1, 2, 3]));
    disk.corrupt('f', 1);
    expect([...disk.contents('f')]).toEqual([1, 0xfd, 3]);
  });

  it('keeps its own copy of the bytes it was given (a writer may reuse its buffer once the call returned)', async () => {
    const disk = new SimDisk();
    const buffer = Buffer.from('first');
    await disk.pwrite('f', 0, buffer);
    await disk.pwriteDurable('f', 5, buffer);
    await disk.syncDir();
    buffer.write('reuse');
    await disk.fdatasync('f'); // applies the unsynced pwrite to the durable image now
    disk.crash();
    expect(Buffer.from(disk.contents('f')).toString()).toBe('firstfirst');
  });
});
