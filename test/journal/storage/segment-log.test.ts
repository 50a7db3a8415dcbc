// SegmentLog over both disks: round trips, rolls, trims, truncation, torn tails at every
// byte of the last frame, a flipped byte mid-log, group commit, and crash safety of
// the hard state and of synced entries (SimDisk's crash model).

import { mkdtemp, rm, truncate as fsTruncate, readFile, writeFile, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RealDisk } from '../../../src/journal/storage/real-disk.js';
import { SimDisk } from '../../../src/journal/storage/sim-disk.js';
import type { Disk } from '../../../src/journal/storage/disk.js';
import { SegmentLog, StorageCorruptionError, segmentFileName } from '../../../src/journal/storage/segment-log.js';
import { frameOverheadBytes } from '../../../src/journal/storage/frame.js';
import type { LogEntry } from '../../../src/journal/storage/types.js';
import { journalDiskWritesInFlightMax } from '../../../src/limits.js';

function entry(index: number, term = 1, payloadBytes = 10): LogEntry {
  const payload = Buffer.alloc(payloadBytes);
  for (let i = 0; i < payloadBytes; i++) payload[i] = (index * 31 + i) & 0xff;
  return { index, term, type: 2, engineVersion: 7, writerId: 9, writerSeq: index * 2, payload };
}

function entries(from: number, to: number, term = 1, payloadBytes = 10): LogEntry[] {
  const out: LogEntry[] = [];
  for (let i = from; i <= to; i++) out.push(entry(i, term, payloadBytes));
  return out;
}

function plain(e: LogEntry): object {
  return { ...e, payload: Buffer.from(e.payload).toString('hex') };
}

async function readAll(log: SegmentLog, maxBytes = 1 << 20): Promise<LogEntry[]> {
  const out: LogEntry[] = [];
  let from = log.firstIndex;
  while (from <= log.lastIndex) {
    const got = await log.read(from, log.lastIndex, maxBytes);
    expect(got.length).toBeGreaterThan(0);
    out.push(...got);
    from += got.length;
  }
  return out;
}

/**
 * A SimDisk whose operations wait in a FIFO queue; drain() completes them one a turn
 * until none is left, calling beforeFirst (if given) just before the first. The inline
 * write tests use it to decide when the disk answers.
 */
function heldDisk(): { disk: SimDisk; queue: (() => void)[]; drain: (beforeFirst?: () => void) => Promise<void> } {
  const queue: (() => void)[] = [];
  const disk = new SimDisk({ random: () => 0.5, delay: (_op, done) => queue.push(done) });
  const drain = async (beforeFirst?: () => void): Promise<void> => {
    let first = true;
    for (;;) {
      await new Promise((r) => setImmediate(r));
      const next = queue.shift();
      if (!next) return;
      if (first) beforeFirst?.();
      first = false;
      next();
    }
  };
  return { disk, queue, drain };
}

const tempDirs: string[] = [];
afterAll(async () => {
  for (const d of tempDirs) await rm(d, { recursive: true, force: true });
});

interface DiskKind {
  name: string;
  make(): Promise<Disk>;
  /** A second Disk over the same files (a process restart). */
  reopen(d: Disk): Disk;
  /** Cuts a file's bytes (test fault). */
  cut(d: Disk, file: string, bytes: number): Promise<void>;
  flip(d: Disk, file: string, offset: number): Promise<void>;
}

const kinds: DiskKind[] = [
  {
    name: 'SimDisk',
    make: async () => new SimDisk(),
    reopen: (d) => d,
    cut: async (d, file, bytes) => {
      await d.truncate(file, bytes);
      await d.fdatasync(file);
    },
    flip: async (d, file, offset) => (d as SimDisk).corrupt(file, offset),
  },
  {
    name: 'RealDisk',
    make: async () => {
      const dir = await mkdtemp(join(tmpdir(), 'keeldb-seglog-'));
      tempDirs.push(dir);
      return new RealDisk(dir);
    },
    reopen: (d) => new RealDisk((d as RealDisk).dir),
    cut: async (d, file, bytes) => fsTruncate(join((d as RealDisk).dir, file), bytes),
    flip: async (d, file, offset) => {
      const path = join((d as RealDisk).dir, file);
      const bytes = await readFile(path);
      bytes[offset]! ^= 0xff;
      await writeFile(path, bytes);
    },
  },
];

describe.each(kinds)('SegmentLog on $name', (kind) => {
  it('round-trips entries across a reopen', async () => {
    const disk = await kind.make();
    const log = new SegmentLog(disk);
    expect(await log.open()).toEqual({ entryCount: 0, truncatedBytes: 0 });
    expect([log.firstIndex, log.lastIndex, log.syncedIndex]).toEqual([1, 0, 0]);
    log.append(entries(1, 20));
    expect(log.lastIndex).toBe(20);
    expect(await log.sync()).toBe(20);
    expect(log.term(20)).toBe(1);
    expect(log.term(0)).toBe(0);
    expect(log.term(21)).toBeUndefined();
    expect((await readAll(log)).map(plain)).toEqual(entries(1, 20).map(plain));
    await log.close();

    const again = new SegmentLog(kind.reopen(disk));
    expect(await again.open()).toEqual({ entryCount: 20, truncatedBytes: 0 });
    expect((await readAll(again)).map(plain)).toEqual(entries(1, 20).map(plain));
    expect((await again.read(3, 20, 25)).map((e) => e.index)).toEqual([3, 4]); // 10-byte payloads, 25 bytes max
    expect((await again.read(5, 5, 0)).map((e) => e.index)).toEqual([5]); // always at least one
    await again.close();
  });

  it('rolls segments at the size limit, reads across them, and trims whole segments', async () => {
    const disk = await kind.make();
    const frame = frameOverheadBytes + 10;
    const log = new SegmentLog(disk, { segmentBytes: frame * 4, cacheBytes: 0 });
    await log.open();
    log.append(entries(1, 6, 1));
    log.append(entries(7, 10, 2));
    await log.sync();
    expect(log.segmentCount).toBe(3); // 1-4, 5-8, 9-10
    expect((await disk.list()).filter((n) => n.startsWith('segment-')).sort()).toEqual(
      [segmentFileName(1), segmentFileName(5), segmentFileName(9)],
    );
    // cacheBytes 0: every read comes from disk, across segment boundaries
    expect((await readAll(log, 35)).map(plain)).toEqual([...entries(1, 6, 1), ...entries(7, 10, 2)].map(plain));

    await log.trimBefore(7); // only segment 1-4 lies wholly below 7
    expect(log.firstIndex).toBe(5);
    expect(log.term(4)).toBe(1);
    expect(log.term(3)).toBeUndefined();
    await log.trimBefore(100); // never the last segment
    expect(log.firstIndex).toBe(9);
    expect(log.term(8)).toBe(2);
    expect(await disk.list()).not.toContain(segmentFileName(1));
    await log.close();

    const again = new SegmentLog(kind.reopen(disk), { segmentBytes: frame * 4 });
    expect((await again.open()).entryCount).toBe(2);
    expect([again.firstIndex, again.lastIndex, again.term(8)]).toEqual([9, 10, 2]);
    again.append(entries(11, 12, 3));
    await again.sync();
    expect((await readAll(again)).map((e) => e.index)).toEqual([9, 10, 11, 12]);
    await again.close();
  });

  it('truncateAfter removes a conflicting suffix durably, across segments', async () => {
    const disk = await kind.make();
    const frame = frameOverheadBytes + 10;
    const log = new SegmentLog(disk, { segmentBytes: frame * 3 });
    await log.open();
    log.append(entries(1, 8, 1));
    await log.sync();
    log.append(entries(9, 10, 1)); // not synced: pending chunks are cut too
    await log.truncateAfter(4);
    expect([log.lastIndex, log.syncedIndex]).toEqual([4, 4]);
    log.append(entries(5, 6, 2));
    expect(await log.sync()).toBe(6);
    expect((await readAll(log)).map((e) => [e.index, e.term])).toEqual([[1, 1], [2, 1], [3, 1], [4, 1], [5, 2], [6, 2]]);
    await log.truncateAfter(3); // a cut exactly at a segment start (segment 4-6)
    log.append(entries(4, 4, 3));
    await log.sync();
    await log.close();

    const again = new SegmentLog(kind.reopen(disk), { segmentBytes: frame * 3 });
    expect(await again.open()).toEqual({ entryCount: 4, truncatedBytes: 0 });
    expect((await readAll(again)).map((e) => [e.index, e.term])).toEqual([[1, 1], [2, 1], [3, 1], [4, 3]]);
    await again.close();
  });

  it('cuts a torn last frame at every byte offset and keeps every earlier entry', async () => {
    const payloadBytes = 10;
    const frame = frameOverheadBytes + payloadBytes;
    const source = await kind.make();
    const log = new SegmentLog(source);
    await log.open();
    log.append(entries(1, 5));
    await log.sync();
    await log.close();
    const name = segmentFileName(1);
    const full = 5 * frame;
    // Read once and close: a read reopens the file on a closed RealDisk, and a handle left
    // open is closed by the GC with a warning (seen in every CI run until session 10).
    const all = await source.read(name, 0, full);
    await source.close();
    for (let kept = 0; kept < frame; kept++) {
      // a fresh copy of the directory with the last frame cut to `kept` bytes
      const disk = await kind.make();
      await disk.append(name, all.subarray(0, 4 * frame + kept));
      await disk.fdatasync(name);
      const torn = new SegmentLog(disk);
      const report = await torn.open();
      expect(report.entryCount).toBe(4);
      expect(report.truncatedBytes).toBe(kept);
      if (kept > 0) expect(report.truncatedReason).toMatch(/torn|checksum|length/);
      expect(torn.lastIndex).toBe(4);
      torn.append(entries(5, 6, 2)); // it goes on from the cut
      await torn.sync();
      await torn.close();
      const after = new SegmentLog(kind.reopen(disk));
      expect((await after.open()).truncatedBytes).toBe(0);
      expect((await readAll(after)).map((e) => [e.index, e.term])).toEqual([[1, 1], [2, 1], [3, 1], [4, 1], [5, 2], [6, 2]]);
      await after.close();
    }
  });

  it('truncates at a flipped byte mid-log, deletes later segments and reports it', async () => {
    const disk = await kind.make();
    const frame = frameOverheadBytes + 10;
    const log = new SegmentLog(disk, { segmentBytes: frame * 4 });
    await log.open();
    log.append(entries(1, 12));
    await log.sync();
    await log.close();
    // entry 6 is the second frame of segment 5-8; flip a payload byte
    await kind.flip(disk, segmentFileName(5), frame + frameOverheadBytes - 8 + 3);
    const reopened = new SegmentLog(kind.reopen(disk), { segmentBytes: frame * 4 });
    const report = await reopened.open();
    expect(report.entryCount).toBe(5);
    expect(report.truncatedReason).toMatch(/checksum mismatch at index 6/);
    expect(report.truncatedBytes).toBe(7 * frame); // entries 6..12
    expect(await disk.list()).not.toContain(segmentFileName(9));
    expect((await readAll(reopened)).map((e) => e.index)).toEqual([1, 2, 3, 4, 5]);
    await reopened.close();
  });

  it('verifies the checksum when a running log reads an entry back from disk', async () => {
    const disk = await kind.make();
    const log = new SegmentLog(disk, { cacheBytes: 0 });
    await log.open();
    log.append(entries(1, 3));
    await log.sync();
    await kind.flip(disk, segmentFileName(1), frameOverheadBytes + 10 + 20);
    if (kind.name === 'RealDisk') {
      // RealDisk keeps its handle; the flip rewrote the file in place, so reads see it
    }
    await expect(log.read(2, 2, 100)).rejects.toBeInstanceOf(StorageCorruptionError);
    expect((await log.read(1, 1, 100))[0]!.index).toBe(1);
    await log.close();
  });

  it('persists the hard state atomically', async () => {
    const disk = await kind.make();
    const log = new SegmentLog(disk);
    await log.open();
    expect(log.loadHardState()).toEqual({ term: 0, votedFor: 0 });
    await log.saveHardState({ term: 3, votedFor: 2 });
    await log.saveHardState({ term: 4, votedFor: 0 });
    expect(log.loadHardState()).toEqual({ term: 4, votedFor: 0 });
    await log.close();
    const again = new SegmentLog(kind.reopen(disk));
    await again.open();
    expect(again.loadHardState()).toEqual({ term: 4, votedFor: 0 });
    expect(await disk.list()).not.toContain('hard-state.tmp');
    await again.close();
  });

  it('shares fsyncs between concurrent sync calls (group commit)', async () => {
    const disk = await kind.make();
    const log = new SegmentLog(disk);
    await log.open();
    const results: Promise<number>[] = [];
    for (let i = 1; i <= 50; i++) {
      log.append([entry(i)]);
      results.push(log.sync());
    }
    const synced = await Promise.all(results);
    for (let i = 0; i < 50; i++) expect(synced[i]).toBeGreaterThanOrEqual(i + 1);
    expect(log.syncedIndex).toBe(50);
    // at most journalDiskWritesInFlightMax writes start at once; everything after them shares the next
    if (disk instanceof SimDisk) expect(disk.stats.durableWrites).toBeLessThanOrEqual(journalDiskWritesInFlightMax + 2);
    await log.close();
  });
});

describe('SegmentLog crash safety on SimDisk', () => {
  function prng(seed: number): () => number {
    let s = seed >>> 0;
    return () => {
      s = (s + 0x6d2b79f5) >>> 0;
      let t = s;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  it('keeps every synced entry, and only a prefix of the unsynced ones, across random crashes', async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const random = prng(seed);
      const disk = new SimDisk({ random });
      const frame = frameOverheadBytes + 10;
      let log = new SegmentLog(disk.view(), { segmentBytes: frame * 5, cacheBytes: 64 });
      await log.open();
      const appended = new Map<number, LogEntry>();
      let term = 1;
      for (let round = 0; round < 6; round++) {
        const from = log.lastIndex + 1;
        const count = 1 + Math.floor(random() * 7);
        const batch = entries(from, from + count - 1, term);
        log.append(batch);
        for (const e of batch) appended.set(e.index, e);
        let synced = log.syncedIndex;
        if (random() < 0.6) synced = await log.sync();
        if (random() < 0.3) {
          // unsynced extra, then crash
          const extra = entries(log.lastIndex + 1, log.lastIndex + 3, term);
          log.append(extra);
          for (const e of extra) appended.set(e.index, e);
          void log.sync();
          disk.crash();
          log = new SegmentLog(disk.view(), { segmentBytes: frame * 5, cacheBytes: 64 });
          const report = await log.open();
          expect(report.entryCount, `seed ${seed}`).toBeGreaterThanOrEqual(synced);
          const got = await readAll(log);
          for (const e of got) expect(plain(e), `seed ${seed}`).toEqual(plain(appended.get(e.index)!));
          term++;
        }
      }
      await log.close();
    }
  });

  it.each([0, 3])('keeps every entry sync() confirmed when writes are in flight at the crash (delayed disk, %i frames preallocated)', async (preallocateFrames) => {
    let torn = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const random = prng(seed);
      const queue: (() => void)[] = [];
      const disk = new SimDisk({ random, delay: (_op, done) => queue.push(done) });
      const step = async (): Promise<boolean> => {
        await new Promise((r) => setImmediate(r));
        // complete a random queued operation: writes finish out of order
        if (queue.length === 0) return false;
        queue.splice(Math.floor(random() * queue.length), 1)[0]!();
        return true;
      };
      const frame = frameOverheadBytes + 10;
      const preallocateBytes = preallocateFrames * frame;
      const log = new SegmentLog(disk.view(), { segmentBytes: frame * 6, cacheBytes: 64, preallocateBytes });
      const opening = log.open();
      while (await step());
      await opening;
      let confirmed = 0;
      const appended = new Map<number, LogEntry>();
      for (let round = 0; round < 12; round++) {
        const batch = entries(log.lastIndex + 1, log.lastIndex + 1 + Math.floor(random() * 4), 1);
        log.append(batch);
        for (const e of batch) appended.set(e.index, e);
        void log.sync().then((synced) => (confirmed = Math.max(confirmed, synced)));
        for (let i = Math.floor(random() * 3); i > 0; i--) await step();
      }
      disk.crash();
      queue.length = 0;
      const reopened = new SegmentLog(disk.view(), { segmentBytes: frame * 6, preallocateBytes });
      const reopening = reopened.open();
      for (;;) {
        await new Promise((r) => setImmediate(r));
        const next = queue.shift();
        if (!next) break;
        next();
      }
      const report = await reopening;
      if (report.truncatedBytes > 0) torn++;
      expect(reopened.lastIndex, `seed ${seed}`).toBeGreaterThanOrEqual(confirmed);
      const got: LogEntry[] = [];
      let from = reopened.firstIndex;
      while (from <= reopened.lastIndex) {
        const reading = reopened.read(from, reopened.lastIndex, 1 << 20);
        for (;;) {
          await new Promise((r) => setImmediate(r));
          const next = queue.shift();
          if (!next) break;
          next();
        }
        const part = await reading;
        got.push(...part);
        from += part.length;
      }
      for (const e of got) expect(plain(e), `seed ${seed}`).toEqual(plain(appended.get(e.index)!));
    }
    expect(torn).toBeGreaterThan(0); // the crashes did cut torn or out-of-order writes
  });

  it('orders a truncation after the writes in flight and before later ones (delayed disk)', async () => {
    for (let seed = 1; seed <= 20; seed++) {
      const random = prng(seed);
      const queue: (() => void)[] = [];
      const disk = new SimDisk({ random, delay: (_op, done) => queue.push(done) });
      const drain = async (): Promise<void> => {
        for (;;) {
          await new Promise((r) => setImmediate(r));
          if (queue.length === 0) return;
          queue.splice(Math.floor(random() * queue.length), 1)[0]!(); // out of order
        }
      };
      const frame = frameOverheadBytes + 10;
      const log = new SegmentLog(disk.view(), { segmentBytes: frame * 4 });
      const opening = log.open();
      await drain();
      await opening;
      log.append(entries(1, 6, 1));
      const firstSync = log.sync();
      log.append(entries(7, 10, 1));
      const secondSync = log.sync();
      const truncating = log.truncateAfter(5);
      log.append(entries(6, 7, 2));
      const thirdSync = log.sync();
      await drain();
      await Promise.all([firstSync, secondSync, truncating]);
      expect(await thirdSync).toBe(7);
      await log.close();
      const again = new SegmentLog(disk.view(), { segmentBytes: frame * 4 });
      const reopening = again.open();
      await drain();
      expect(await reopening, `seed ${seed}`).toEqual({ entryCount: 7, truncatedBytes: 0 });
      const reading = readAll(again);
      await drain();
      expect((await reading).map((e) => [e.index, e.term])).toEqual([[1, 1], [2, 1], [3, 1], [4, 1], [5, 1], [6, 2], [7, 2]]);
    }
  });

  it('reuses chunk buffers, but never one a write in flight still carries', async () => {
    for (let seed = 1; seed <= 10; seed++) {
      const random = prng(seed);
      const queue: (() => void)[] = [];
      const disk = new SimDisk({ random, delay: (_op, done) => queue.push(done) });
      const drainSome = async (count: number): Promise<void> => {
        for (let i = 0; i < count; i++) {
          await new Promise((r) => setImmediate(r));
          if (queue.length === 0) return;
          queue.splice(Math.floor(random() * queue.length), 1)[0]!(); // out of order
        }
      };
      const view = disk.view();
      // Every durable write's bytes must be what they were when it was issued until it resolves.
      const buffers = new Set<ArrayBufferLike>();
      let writes = 0;
      let changed = 0;
      const issue = view.pwriteDurable.bind(view);
      view.pwriteDurable = async (name, offset, data) => {
        const copy = Buffer.from(data);
        buffers.add(data.buffer);
        writes++;
        await issue(name, offset, data);
        if (!copy.equals(data)) changed++;
      };
      const log = new SegmentLog(view, { segmentBytes: 4 << 20 });
      const opening = log.open();
      await drainSome(1000);
      await opening;
      let next = 1;
      const syncs: Promise<number>[] = [];
      for (let round = 0; round < 60; round++) {
        const count = 1 + Math.floor(random() * 4);
        const bytes = [10, 3000, 40_000, 100_000][Math.floor(random() * 4)]!;
        log.append(entries(next, next + count - 1, 1, bytes));
        next += count;
        syncs.push(log.sync());
        await drainSome(Math.floor(random() * 3));
      }
      await drainSome(100_000);
      await Promise.all(syncs);
      expect(changed, `seed ${seed}`).toBe(0);
      expect(buffers.size, `seed ${seed}: buffers reused`).toBeLessThan(writes);
      await log.close();
      const again = new SegmentLog(disk.view(), { segmentBytes: 4 << 20 });
      const reopening = again.open();
      await drainSome(100_000);
      expect(await reopening).toEqual({ entryCount: next - 1, truncatedBytes: 0 });
      const reading = readAll(again, 64 << 20);
      await drainSome(100_000);
      const got = await reading;
      expect(got.length).toBe(next - 1);
      for (const e of got) expect(plain(e)).toEqual(plain(entry(e.index, 1, e.payload.byteLength)));
    }
  });

  it('leaves the old or the new hard state after a crash mid-save, never garbage', async () => {
    for (let seed = 1; seed <= 30; seed++) {
      const random = prng(seed);
      const queue: (() => void)[] = [];
      const disk = new SimDisk({ random, delay: (_op, done) => queue.push(done) });
      // Runs up to `steps` disk operations, letting the storage issue the next one in between.
      const drain = async (steps: number): Promise<void> => {
        for (let i = 0; i < steps; i++) {
          await new Promise((r) => setImmediate(r));
          const next = queue.shift();
          if (!next) return;
          next();
        }
        await new Promise((r) => setImmediate(r));
      };
      const drainAll = (): Promise<void> => drain(Number.POSITIVE_INFINITY);
      const log = new SegmentLog(disk.view());
      const opening = log.open();
      await drainAll();
      await opening;
      const first = log.saveHardState({ term: 5, votedFor: 1 });
      await drainAll();
      await first;
      void log.saveHardState({ term: 6, votedFor: 3 });
      await drain(Math.floor(random() * 8));
      disk.crash();
      queue.length = 0;
      const again = new SegmentLog(disk.view());
      const reopening = again.open();
      await drainAll();
      await reopening;
      expect([{ term: 5, votedFor: 1 }, { term: 6, votedFor: 3 }]).toContainEqual(again.loadHardState());
    }
  });
});

describe('RealDisk specifics', () => {
  it('makes files and their sizes visible to plain fs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keeldb-realdisk-'));
    tempDirs.push(dir);
    const disk = new RealDisk(dir);
    await disk.append('a', Buffer.from('hello'));
    await disk.pwrite('a', 5, Buffer.from(' world'));
    await disk.fdatasync('a');
    await disk.syncDir();
    expect(await readdir(dir)).toEqual(['a']);
    expect((await stat(join(dir, 'a'))).size).toBe(11);
    expect(Buffer.from(await disk.read('a', 6, 100)).toString()).toBe('world');
    await disk.rename('a', 'b');
    expect(await disk.list()).toEqual(['b']);
    await disk.close();
  });
});

describe.each(kinds)('SegmentLog preallocation on $name', (kind) => {
  const frame = frameOverheadBytes + 10;
  const options = { segmentBytes: frame * 20, preallocateBytes: frame * 8 };

  it('keeps zeros written ahead of the records, and reopens them as a clean end', async () => {
    const disk = await kind.make();
    const log = new SegmentLog(disk, options);
    await log.open();
    log.append(entries(1, 5));
    await log.sync();
    await log.close();
    // The zero fill ran before the first write: the file reaches preallocateBytes past the records.
    expect(await kind.reopen(disk).size(segmentFileName(1))).toBe(frame * (5 + 8));
    const again = new SegmentLog(kind.reopen(disk), options);
    expect(await again.open()).toEqual({ entryCount: 5, truncatedBytes: 0 });
    again.append(entries(6, 50, 2)); // refills, then rolls into new segments
    await again.sync();
    await again.close();
    const third = new SegmentLog(kind.reopen(disk), options);
    expect(await third.open()).toEqual({ entryCount: 50, truncatedBytes: 0 });
    expect((await readAll(third)).map((e) => e.index)).toEqual(entries(1, 50).map((e) => e.index));
    await third.close();
    const names = (await kind.reopen(disk).list()).filter((n) => n.startsWith('segment-')).sort();
    expect(names.length).toBe(3);
    for (const name of names) expect(await kind.reopen(disk).size(name)).toBeLessThanOrEqual(options.segmentBytes);
  });

  it('cuts a torn frame inside the zeros, and goes on after a truncation into them', async () => {
    const disk = await kind.make();
    const log = new SegmentLog(disk, options);
    await log.open();
    log.append(entries(1, 4));
    await log.sync();
    await log.close();
    // Half a frame lands in the preallocated zeros after entry 4 (a torn write).
    const name = segmentFileName(1);
    const reopened = kind.reopen(disk);
    const sample = Buffer.from(await reopened.read(name, 0, frame)); // entry 1's frame: half of it is garbage after entry 4
    await reopened.pwrite(name, frame * 4, sample.subarray(0, frame / 2));
    await reopened.fdatasync(name);
    await reopened.close();
    const again = new SegmentLog(kind.reopen(disk), options);
    const report = await again.open();
    expect(report.entryCount).toBe(4);
    expect(report.truncatedBytes).toBeGreaterThan(0);
    // A truncation into the segment, then new entries: the cut bytes never come back.
    again.append(entries(5, 8, 2));
    await again.sync();
    await again.truncateAfter(6);
    again.append(entries(7, 9, 3));
    await again.sync();
    await again.close();
    const last = new SegmentLog(kind.reopen(disk), options);
    expect(await last.open()).toEqual({ entryCount: 9, truncatedBytes: 0 });
    expect((await readAll(last)).map((e) => [e.index, e.term])).toEqual([[1, 1], [2, 1], [3, 1], [4, 1], [5, 2], [6, 2], [7, 3], [8, 3], [9, 3]]);
    await last.close();
  });
});

describe('SegmentLog inline writes (SimDisk)', () => {
  it('writes inline only for callers that may block, when the disk is idle and nothing is in flight', async () => {
    const { disk, queue, drain } = heldDisk();
    let now = 0;
    const log = new SegmentLog(disk.view(), { inlineIdleMs: 1, now: () => now });
    const opening = log.open();
    await drain();
    await opening;
    log.append(entries(1, 2));
    const first = log.sync(true); // a new segment's name needs a directory sync: the pool
    await drain();
    expect(await first).toBe(2);
    expect(log.writeStats).toEqual({ inline: 0, pooled: 1 });

    now += 5; // idle, but the caller must not block (a log leader): the pool
    log.append(entries(3, 3));
    const leaderSync = log.sync();
    await drain();
    expect(await leaderSync).toBe(3);
    expect(log.writeStats).toEqual({ inline: 0, pooled: 2 });

    now += 5; // idle, and the caller may block (a follower): inline, no disk operation to wait for
    log.append(entries(4, 4));
    expect(await log.sync(true)).toBe(4);
    expect(log.writeStats).toEqual({ inline: 1, pooled: 2 });
    expect(queue.length).toBe(0);

    log.append(entries(5, 5)); // right after the last write: not idle, so the pool
    const fifth = log.sync(true);
    await new Promise((r) => setImmediate(r));
    expect(log.writeStats).toEqual({ inline: 1, pooled: 3 });
    now += 5;
    log.append(entries(6, 6)); // idle again, but a write is in flight: the pool too
    const sixth = log.sync(true);
    await drain();
    expect([await fifth, await sixth]).toEqual([5, 6]);
    expect(log.writeStats).toEqual({ inline: 1, pooled: 4 });

    now += 5;
    log.append(entries(7, 7));
    expect(await log.sync(true)).toBe(7);
    expect(log.writeStats.inline).toBe(2);
    disk.crash(); // what an inline write returned from is on disk
    const again = new SegmentLog(disk.view());
    const reopening = again.open();
    await drain();
    expect((await reopening).entryCount).toBe(7);
  });

  it('makes a deferred blocking write (a leader) at the end of the turn, after beforeBlocking', async () => {
    const { disk, queue, drain } = heldDisk();
    let now = 0;
    const events: string[] = [];
    const log = new SegmentLog(disk.view(), {
      inlineIdleMs: 1,
      now: () => now,
      defer: setImmediate,
      beforeBlocking: () => events.push(`flush, synced ${log.syncedIndex}`),
    });
    const opening = log.open();
    await drain();
    await opening;
    log.append(entries(1, 1));
    const first = log.sync(true, true); // a new segment: the pool (its name needs a directory sync)
    await drain();
    expect(await first).toBe(1);
    expect(log.writeStats).toEqual({ inline: 0, pooled: 1 });

    now += 5; // idle: inline, but not within this turn
    log.append(entries(2, 3));
    const second = log.sync(true, true);
    events.push('turn ends');
    expect(log.writeStats).toEqual({ inline: 0, pooled: 1 });
    expect(await second).toBe(3);
    expect(log.writeStats).toEqual({ inline: 1, pooled: 1 });
    expect(events).toEqual(['turn ends', 'flush, synced 1']); // the hook ran once, right before the blocking write
    expect(queue.length).toBe(0);
  });

  it('keeps deferred blocking writes (a leader) on the pool while inline writes are slow, and measures again later', async () => {
    const held = heldDisk();
    const disk = held.disk;
    let now = 0;
    let inlineMs = 0; // how long the next inline writes take, by `now`
    const drain = (writeMs: number): Promise<void> =>
      held.drain(() => {
        now += writeMs; // the first operation in flight ends this much later
      });
    const view = disk.view();
    const timed = {
      ...view,
      pwriteDurableSync: (name: string, offset: number, data: Uint8Array): boolean => {
        now += inlineMs;
        return view.pwriteDurableSync!(name, offset, data);
      },
    };
    const log = new SegmentLog(timed, { inlineIdleMs: 1, now: () => now, defer: setImmediate, deferredInlineWriteMsMax: 0.3 });
    const leaderWrite = async (id: number, poolMs: number): Promise<void> => {
      now += 5; // the disk is idle
      log.append(entries(id, id));
      const synced = log.sync(true, true);
      await drain(poolMs);
      expect(await synced).toBe(id);
    };
    const opening = log.open();
    await drain(0);
    await opening;
    await leaderWrite(1, 10); // a new segment: the pool, and a slow one (10 ms)
    expect(log.writeStats).toEqual({ inline: 0, pooled: 1 });
    await leaderWrite(2, 0); // a pool write's time is not the disk's: inline
    expect(log.writeStats).toEqual({ inline: 1, pooled: 1 });
    inlineMs = 2;
    await leaderWrite(3, 0); // inline, and slow: the average is 0.5 ms
    expect(log.writeStats).toEqual({ inline: 2, pooled: 1 });
    await leaderWrite(4, 0); // over 0.3 ms: the pool (the average falls to 0.375)
    expect(log.writeStats).toEqual({ inline: 2, pooled: 2 });
    await leaderWrite(5, 0); // still over: the pool (0.28)
    expect(log.writeStats).toEqual({ inline: 2, pooled: 3 });
    inlineMs = 0;
    await leaderWrite(6, 0); // under: measured inline again (fast: 0.21)
    expect(log.writeStats).toEqual({ inline: 3, pooled: 3 });
    inlineMs = 2;
    now += 5; // a follower's sync is not held to the limit: inline, slow (0.66)
    log.append(entries(7, 7));
    expect(await log.sync(true)).toBe(7);
    expect(log.writeStats).toEqual({ inline: 4, pooled: 3 });
    await leaderWrite(8, 0); // the slow follower write counts: the pool
    expect(log.writeStats).toEqual({ inline: 4, pooled: 4 });
  });
});
