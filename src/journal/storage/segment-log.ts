// SegmentLog: the LogStorage of one log node (types.ts), over an injected Disk. Runs on
// the log-node process's main thread, or in the simulator's single thread over SimDisk.
//
// Directory layout:
//   segment-<firstIndex, 20 digits>.log  frames (frame.ts) of consecutive indexes
//   hard-state                           term and vote (meta-files.ts)
//   trim-point                           id and term of the last trimmed entry
//
// In memory: for every stored entry its segment, byte offset and term (so term() is
// synchronous and reads know exact byte ranges), plus a bounded cache of the most
// recent entries (every entry not yet written to disk is always in it, so a leader
// can ship entries before its own fsync).
//
// Invariants:
// - segments are non-empty in memory, consecutive, and the first holds trimIndex + 1
//   (entries at or below the trim point may linger in it until the next trim);
// - frames reach the disk in durable writes (Disk.pwriteDurable, O_DSYNC), up to
//   journalDiskWritesInFlightMax at once, each carrying everything appended since the
//   previous one (group commit); syncedIndex advances only over a contiguous run of
//   completed writes (a later write finishing first proves nothing about an earlier one);
// - a truncation or trim runs alone: after every write in flight has finished and
//   before any later write is issued, so file bytes always match in-memory offsets;
// - syncedIndex <= lastIndex, and covers only entries whose bytes and whose segment's
//   directory entry are durable;
// - a truncation is durable before anything appended after it is reported synced, so
//   a crash can never resurrect a cut entry behind newer ones.
// - preallocation (option preallocateBytes): the last segment's file is kept written
//   with zeros ahead of its records, so durable writes overwrite allocated blocks
//   (no filesystem metadata to commit). A zero fill runs as an exclusive op too (never
//   concurrently with a data write: the two would race in the page cache), covers only
//   bytes past every issued data write, and its fdatasync runs in the background (it
//   only buys speed: correctness never depends on the zeros being durable).
// - chunk buffers (the encoded frames a durable write carries) are reused: an append's
//   frames go into the pending chunk of the previous one when they follow it in the same
//   segment and fit its buffer, and a buffer (of a chunk over journalDiskSmallWriteBytesMax)
//   whose write completed goes back to a small spare list (journalDiskChunkSpareBytes)
//   for later chunks. A buffer is never written
//   into while a write that carries it is in flight (it returns to the list only once
//   that write resolved). Why: with 4 KiB values an append is ~900 KB, and a fresh
//   buffer per chunk was ~900 KB of new ArrayBuffer memory per append on every node,
//   which drives V8's external-memory garbage collections; at SET -P 1 it saves the
//   copy that joined the small chunks of one turn into one write.
// - a Raft leader syncs lazily (raft.ts, lazySyncCheck): its appended frames may stay
//   pending here, unwritten, for up to journalLeaderSyncPeriodMs (longer while the disk
//   is busy), and one sync() then writes them all (issue() joins adjacent chunks into one
//   write). Nothing here depends on when sync() is called: pending frames are in the
//   cache (never evicted before they are synced), read() serves them from it, a
//   truncation shortens or drops them, a trim never passes syncedIndex, and a crash
//   loses them like any unsynced write (the leader never counted them: raft.ts).
// Recovery (open): every frame is verified; the log is cut at the first frame that is
// torn, corrupt, out of sequence or lowers the term, and everything after it is
// deleted; the caller (Raft) re-replicates the cut entries from its peers. A segment
// whose bytes after its last good frame are all zeros ends cleanly there (preallocated,
// or writes that never reached the disk: neither was acknowledged as synced).

import { assert } from '../../assert.js';
import {
  journalCacheBytes,
  journalDiskWritesInFlightMax,
  journalSegmentBytes,
  journalDiskSmallWriteBytesMax,
  journalDiskChunkSpareBytes,
} from '../../limits.js';
import { DiskFileMissingError, readWholeFile, writeFileAtomic, type Disk } from './disk.js';
import { decodeFrame, encodeFrameUnsealed, frameBytesOf, frameOverheadBytes, frameBytesMax, sealFrames } from './frame.js';
import {
  decodeHardState,
  decodeTrimPoint,
  encodeHardState,
  encodeTrimPoint,
  hardStateFile,
  trimPointFile,
} from './meta-files.js';
import type { HardState, LogEntry, LogStorage, RecoveryReport } from './types.js';

export interface SegmentLogOptions {
  /** A segment rolls once adding a frame would pass this (default journalSegmentBytes). */
  readonly segmentBytes?: number;
  /** Payload bytes of recent entries kept in memory (default journalCacheBytes). */
  readonly cacheBytes?: number;
  /**
   * Runs `issue` later, so sync() calls made by many messages handled in one event-loop
   * iteration share one durable write. The log-node process passes setImmediate; when
   * absent (the deterministic simulator) writes are issued at once.
   */
  readonly defer?: (issue: () => void) => void;
  /**
   * Bytes of zeros kept written ahead of the last segment's records (see the file
   * comment); 0 (default) disables preallocation. The log-node process passes
   * journalSegmentPreallocateBytes.
   */
  readonly preallocateBytes?: number;
  /**
   * Inline writes: with both set and a Disk that has pwriteDurableSync, a durable write
   * issued when none is in flight and the disk has been idle at least inlineIdleMs (by
   * `now`, milliseconds), for sync() calls that all allowed blocking, is made
   * synchronously on this thread (see journalDiskInlineIdleMs for why). Absent: every
   * write goes through pwriteDurable.
   */
  readonly inlineIdleMs?: number;
  readonly now?: () => number;
  /**
   * Called right before an inline write blocks the thread: the log-node process passes
   * flushWireConnections (src/journal/wire/connection.ts), so the messages queued in
   * this turn (a leader's AppendEntries and answers) leave before the thread blocks.
   */
  readonly beforeBlocking?: () => void;
  /**
   * A write for sync() calls that deferred blocking (a leader) is made inline only while
   * inline durable writes take less than this (milliseconds, a moving average by `now`):
   * on a slow disk a blocked leader would hold back every message for the whole write;
   * 0: never. Absent: no such limit. The log-node process passes journalLeaderInlineWriteMsMax.
   */
  readonly deferredInlineWriteMsMax?: number;
}

/** Data read back from disk failed its checks after open (bit rot under a running node). */
export class StorageCorruptionError extends Error {
  override name = 'StorageCorruptionError';
}

const segmentNamePattern = /^segment-(\d{20})\.log$/;

export function segmentFileName(firstIndex: number): string {
  return `segment-${String(firstIndex).padStart(20, '0')}.log`;
}

interface Segment {
  readonly name: string;
  readonly firstIndex: number;
  /** offsets[i]: byte offset of entry firstIndex + i. */
  readonly offsets: number[];
  readonly terms: number[];
  /** Bytes assigned so far (written or pending). */
  bytes: number;
  /** End of the bytes handed to the disk as data writes (issued, maybe not completed). */
  issuedEnd: number;
  /** End of the zeros written ahead (preallocation); <= issuedEnd when there are none. */
  zeroedEnd: number;
  /** A zero fill of this segment is queued or running. */
  filling: boolean;
  /** Whether the file's directory entry has been made durable. */
  dirSynced: boolean;
}

/**
 * Encoded frames of consecutive entries in one segment, not yet written: of one append()
 * call, or of several when each one's frames followed the previous ones in the buffer.
 */
interface PendingChunk {
  readonly segment: Segment;
  readonly offset: number;
  /** The frames: backing[0, bytes.byteLength). */
  bytes: Buffer;
  /** The whole buffer (room to grow into; reused once its write completed). */
  readonly backing: Buffer;
  readonly firstIndex: number;
  lastIndex: number;
}

/** One durable write (one or two segment files) in flight. */
interface WriteBatch {
  /** Last index it carries (lowered if a truncation cuts into it). */
  target: number;
  done: boolean;
  /** Its chunks (their buffers are spare again once the write completed). */
  readonly chunks: PendingChunk[];
}

/** Chunk buffers are allocated in steps of this (room for the next appends, reuse across sizes). */
const chunkCapacityStepBytes = 64 * 1024;

interface SyncWaiter {
  target: number;
  resolve(synced: number): void;
  reject(error: Error): void;
}

/** A truncate or trim: runs with no write in flight, and no write starts while it runs. */
interface ExclusiveOp {
  run(): Promise<void>;
  resolve(): void;
  reject(error: Error): void;
}

/** Whether bytes[from..] are all zero. */
function allZero(bytes: Uint8Array, from: number): boolean {
  for (let i = from; i < bytes.byteLength; i++) if (bytes[i] !== 0) return false;
  return true;
}

function lastIndexOf(seg: Segment): number {
  return seg.firstIndex + seg.offsets.length - 1;
}

export class SegmentLog implements LogStorage {
  private readonly segmentBytes: number;
  private readonly cacheBytesMax: number;
  private segments: Segment[] = [];
  private trimIndex = 0;
  private trimTerm = 0;
  private hardState: HardState = { term: 0, votedFor: 0 };
  private pending: PendingChunk[] = [];
  /** Chunk buffers no write is using (see the file comment); their bytes in all. */
  private spareChunks: Buffer[] = [];
  private spareChunkBytes = 0;
  private synced = 0;
  private inFlight: WriteBatch[] = [];
  private syncWaiters: SyncWaiter[] = [];
  private exclusive: ExclusiveOp[] = [];
  private exclusiveRunning = false;
  private readonly defer: ((issue: () => void) => void) | undefined;
  private pumpDeferred = false;
  private readonly preallocateBytes: number;
  /** Background fdatasyncs of zero fills in flight: exclusive ops wait for them. */
  private backgroundSyncs = 0;
  /** Zeros for the fills (allocated once, at the first fill). */
  private zeros: Buffer | undefined;
  /** Bytes of the last durable write issued: fills run only while writes are small. */
  private lastWriteBytes = 0;
  private readonly inlineIdleMs: number | undefined;
  private readonly now: (() => number) | undefined;
  private readonly beforeBlocking: (() => void) | undefined;
  private readonly deferredInlineWriteMsMax: number;
  /**
   * Moving average of INLINE durable write durations (by `now`, ms), for
   * deferredInlineWriteMsMax. Pool writes do not count: their time includes waiting for a
   * pool thread and then for this thread, which an inline write never pays (counting them
   * kept a leader on the pool for good once one slow write sent it there). Each write the
   * average keeps on the pool lowers it by a quarter, so the disk is measured again
   * inline after a few writes.
   */
  private writeMsAverage = 0;
  /** A sync() since the last write deferred blocking (see LogStorage.sync). */
  private blockingDeferred = false;
  /** When the last durable write completed (by `now`), for the inline rule. */
  private lastWriteDoneAt = -Infinity;
  /** A sync() since the last write did not allow blocking (see LogStorage.sync): no inline write. */
  private blockingVetoed = false;
  /** Durable writes made inline and through the pool (tests, metrics). */
  readonly writeStats = { inline: 0, pooled: 0 };
  /** Cache of entries cacheFirst.. lastIndex: cache[cacheHead + i] is entry cacheFirst + i. */
  private cache: LogEntry[] = [];
  private cacheHead = 0;
  private cacheFirst = 1;
  private cachePayloadBytes = 0;
  private hardStateChain: Promise<unknown> = Promise.resolve();
  private failure: Error | undefined;
  private opened = false;
  private closed = false;

  constructor(
    private readonly disk: Disk,
    options: SegmentLogOptions = {},
  ) {
    this.segmentBytes = options.segmentBytes ?? journalSegmentBytes;
    this.cacheBytesMax = options.cacheBytes ?? journalCacheBytes;
    this.defer = options.defer;
    this.preallocateBytes = options.preallocateBytes ?? 0;
    this.inlineIdleMs = options.inlineIdleMs;
    this.now = options.now;
    this.beforeBlocking = options.beforeBlocking;
    this.deferredInlineWriteMsMax = options.deferredInlineWriteMsMax ?? Number.POSITIVE_INFINITY;
    assert(this.segmentBytes >= frameOverheadBytes, 'segmentBytes below one frame');
    assert(this.preallocateBytes >= 0, 'preallocateBytes must not be negative');
  }

  get firstIndex(): number {
    return this.trimIndex + 1;
  }

  get lastIndex(): number {
    const last = this.segments[this.segments.length - 1];
    return last ? lastIndexOf(last) : this.trimIndex;
  }

  get syncedIndex(): number {
    return this.synced;
  }

  /** Number of segment files in use (tests, metrics). */
  get segmentCount(): number {
    return this.segments.length;
  }

  async open(): Promise<RecoveryReport> {
    assert(!this.opened, 'SegmentLog opened twice');
    this.opened = true;
    const names = await this.disk.list();
    for (const name of names) if (name.endsWith('.tmp')) await this.disk.unlink(name);

    const hard = await readWholeFile(this.disk, hardStateFile);
    if (hard) this.hardState = decodeHardState(hard);
    const trim = await readWholeFile(this.disk, trimPointFile);
    if (trim) ({ index: this.trimIndex, term: this.trimTerm } = decodeTrimPoint(trim));

    const segmentNames = names
      .map((name) => ({ name, match: segmentNamePattern.exec(name) }))
      .filter((s): s is { name: string; match: RegExpExecArray } => s.match !== null)
      .map((s) => ({ name: s.name, firstIndex: Number(s.match[1]) }))
      .sort((a, b) => a.firstIndex - b.firstIndex);

    let truncatedBytes = 0;
    let truncatedReason: string | undefined;
    let cut = false; // once set, every later segment is deleted
    let prevTerm = 0; // entries at or below the trim point may linger: compare scanned entries only
    let dirChanged = false;
    for (const { name, firstIndex } of segmentNames) {
      const size = await this.disk.size(name);
      if (cut) {
        truncatedBytes += size;
        await this.disk.unlink(name);
        dirChanged = true;
        continue;
      }
      const expected = this.segments.length > 0 ? this.lastIndex + 1 : undefined;
      if (expected !== undefined && firstIndex !== expected) {
        truncatedReason ??= `segment ${name} starts at ${firstIndex}, expected ${expected}`;
        cut = true;
        truncatedBytes += size;
        await this.disk.unlink(name);
        dirChanged = true;
        continue;
      }
      const bytes = Buffer.from(await this.disk.read(name, 0, size));
      const seg: Segment = { name, firstIndex, offsets: [], terms: [], bytes: 0, dirSynced: true, issuedEnd: 0, zeroedEnd: 0, filling: false };
      let at = 0;
      let zeroTail = false;
      while (at < bytes.byteLength) {
        const decoded = decodeFrame(bytes, at);
        let reason: string | undefined;
        if (!decoded.ok) reason = decoded.reason;
        else if (decoded.entry.index !== firstIndex + seg.offsets.length) {
          reason = `index ${decoded.entry.index} out of sequence in ${name}`;
        } else if (decoded.entry.term < prevTerm) {
          reason = `term ${decoded.entry.term} at index ${decoded.entry.index} below the previous ${prevTerm}`;
        }
        if (reason !== undefined || !decoded.ok) {
          if (allZero(bytes, at)) {
            zeroTail = true; // preallocated, or unsynced writes that never landed: a clean end
            break;
          }
          truncatedReason = `${reason} (${name} offset ${at})`;
          cut = true;
          break;
        }
        seg.offsets.push(at);
        seg.terms.push(decoded.entry.term);
        prevTerm = decoded.entry.term;
        at += decoded.frameBytes;
      }
      seg.bytes = at;
      seg.issuedEnd = at;
      seg.zeroedEnd = zeroTail ? size : at;
      if (zeroTail && at === 0) {
        await this.disk.unlink(name); // zeros only: nothing was ever written to it
        dirChanged = true;
        continue;
      }
      if (at < size && !zeroTail) {
        truncatedBytes += size - at;
        if (at === 0) {
          await this.disk.unlink(name);
          dirChanged = true;
        } else {
          await this.disk.truncate(name, at);
          await this.disk.fdatasync(name);
        }
      }
      if (seg.offsets.length === 0) {
        if (at === size && size === 0) {
          await this.disk.unlink(name); // created, never written: nothing lost
          dirChanged = true;
        }
        continue;
      }
      if (lastIndexOf(seg) <= this.trimIndex) {
        await this.disk.unlink(name); // trimmed; a crash came before its deletion
        dirChanged = true;
        continue;
      }
      if (this.segments.length === 0 && firstIndex > this.trimIndex + 1) {
        truncatedReason = `first segment ${name} starts after the trim point ${this.trimIndex}`;
        truncatedBytes += seg.bytes;
        cut = true;
        await this.disk.unlink(name);
        dirChanged = true;
        continue;
      }
      this.segments.push(seg);
    }
    if (dirChanged) await this.disk.syncDir();

    const entryCount = this.lastIndex - this.trimIndex;
    this.synced = this.lastIndex;
    this.cacheFirst = this.lastIndex + 1;
    const report: RecoveryReport =
      truncatedBytes > 0 || truncatedReason !== undefined
        ? { entryCount, truncatedBytes, truncatedReason: truncatedReason ?? 'torn tail' }
        : { entryCount, truncatedBytes: 0 };
    return report;
  }

  term(index: number): number | undefined {
    if (index === this.trimIndex) return this.trimTerm;
    if (index <= this.trimIndex || index > this.lastIndex) return undefined;
    const seg = this.segmentOf(index);
    return seg.terms[index - seg.firstIndex];
  }

  async read(from: number, to: number, maxBytes: number): Promise<LogEntry[]> {
    this.checkUsable();
    // The message is built only on failure (hot path: a template literal is formatted on every call).
    if (!(from >= this.firstIndex && to <= this.lastIndex && from <= to)) {
      assert(false, `read ${from}..${to} outside ${this.firstIndex}..${this.lastIndex}`);
    }
    const out: LogEntry[] = [];
    let payloadBytes = 0;
    let index = from;
    for (;;) {
      // A truncation or trim while we awaited the disk shortens what can be returned.
      const stop = Math.min(to, this.lastIndex);
      if (index > stop || index < this.firstIndex) return out;
      if (index >= this.cacheFirst) {
        for (; index <= stop; index++) {
          const entry = this.cache[this.cacheHead + index - this.cacheFirst]!;
          if (out.length > 0 && payloadBytes + entry.payload.byteLength > maxBytes) return out;
          out.push(entry);
          payloadBytes += entry.payload.byteLength;
        }
        return out;
      }
      // From disk: one read of consecutive frames within one segment, sized by maxBytes.
      const seg = this.segmentOf(index);
      const last = Math.min(stop, lastIndexOf(seg), this.cacheFirst - 1);
      let end = index; // exclusive
      while (end <= last) {
        const payload = this.frameEnd(seg, end) - seg.offsets[end - seg.firstIndex]! - frameOverheadBytes;
        if (out.length + (end - index) > 0 && payloadBytes + payload > maxBytes) break;
        payloadBytes += payload;
        end++;
      }
      if (end === index) return out;
      const start = seg.offsets[index - seg.firstIndex]!;
      const bytes = this.frameEnd(seg, end - 1) - start;
      let raw: Buffer;
      try {
        raw = Buffer.from(await this.disk.read(seg.name, start, bytes));
      } catch (err) {
        if (err instanceof DiskFileMissingError && !this.segments.includes(seg)) return out; // trimmed meanwhile
        throw err;
      }
      let at = 0;
      for (let i = index; i < end; i++) {
        const decoded = decodeFrame(raw, at);
        if (!decoded.ok || decoded.entry.index !== i) {
          if (!this.segments.includes(seg) || i > this.lastIndex) return out; // trimmed or truncated meanwhile
          throw new StorageCorruptionError(
            `${seg.name}: ${decoded.ok ? `index ${decoded.entry.index} where ${i} was expected` : decoded.reason}`,
          );
        }
        out.push(decoded.entry);
        at += decoded.frameBytes;
      }
      index = end;
      if (end <= last) return out; // stopped by maxBytes
    }
  }

  append(entries: readonly LogEntry[]): void {
    this.checkUsable();
    if (entries.length === 0) return;
    let expected = this.lastIndex + 1;
    let prevTerm = this.term(this.lastIndex) ?? 0;
    // Assign frames to segments, rolling as needed; one buffer per (call, segment).
    let chunkStart = 0;
    let chunkBytes = 0;
    let seg = this.segments[this.segments.length - 1];
    const flushChunk = (endExclusive: number): void => {
      if (endExclusive === chunkStart) return;
      assert(seg !== undefined);
      const offset = seg.bytes - chunkBytes;
      const lastIndex = entries[endExclusive - 1]!.index;
      // Into the previous pending chunk when these frames follow it and fit its buffer.
      const tail = this.pending[this.pending.length - 1];
      let chunk: PendingChunk;
      let start: number;
      if (
        tail !== undefined &&
        tail.segment === seg &&
        tail.offset + tail.bytes.byteLength === offset &&
        tail.bytes.byteLength + chunkBytes <= tail.backing.byteLength
      ) {
        chunk = tail;
        start = tail.bytes.byteLength;
      } else {
        const backing = this.takeChunkBuffer(chunkBytes);
        chunk = { segment: seg, offset, bytes: backing.subarray(0, 0), backing, firstIndex: entries[chunkStart]!.index, lastIndex };
        this.pending.push(chunk);
        start = 0;
      }
      const buf = chunk.backing;
      let at = start;
      for (let i = chunkStart; i < endExclusive; i++) at += encodeFrameUnsealed(entries[i]!, buf, at);
      assert(at - start === chunkBytes, 'append: frames and their byte count disagree');
      sealFrames(buf, start, at); // the chunk's checksums in one batch (checksum.ts)
      chunk.bytes = buf.subarray(0, at);
      chunk.lastIndex = lastIndex;
      chunkStart = endExclusive;
      chunkBytes = 0;
    };
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      // Messages built only on failure: this runs once per record appended.
      if (entry.index !== expected) assert(false, `append: index ${entry.index}, expected ${expected}`);
      if (entry.term < prevTerm) assert(false, `append: term ${entry.term} below ${prevTerm}`);
      const frameBytes = frameBytesOf(entry);
      assert(frameBytes <= frameBytesMax, 'append: payload over journalPayloadBytesMax');
      if (seg === undefined || (seg.offsets.length > 0 && seg.bytes + frameBytes > this.segmentBytes)) {
        flushChunk(i);
        seg = { name: segmentFileName(entry.index), firstIndex: entry.index, offsets: [], terms: [], bytes: 0, dirSynced: false, issuedEnd: 0, zeroedEnd: 0, filling: false };
        this.segments.push(seg);
      }
      seg.offsets.push(seg.bytes);
      seg.terms.push(entry.term);
      seg.bytes += frameBytes;
      chunkBytes += frameBytes;
      this.cachePush(entry);
      expected++;
      prevTerm = entry.term;
    }
    flushChunk(entries.length);
    this.maybePreallocate();
  }

  async truncateAfter(afterIndex: number): Promise<void> {
    this.checkUsable();
    assert(afterIndex >= this.trimIndex, `truncateAfter(${afterIndex}) below the trim point ${this.trimIndex}`);
    if (afterIndex >= this.lastIndex) return;
    // Memory first (the log reads as truncated at once), then the disk, in the chain.
    const cutIndex = afterIndex + 1;
    const segPos = this.segments.findIndex((s) => lastIndexOf(s) >= cutIndex);
    const seg = this.segments[segPos]!;
    const removed = this.segments.splice(cutIndex <= seg.firstIndex ? segPos : segPos + 1);
    let cutFile: { name: string; bytes: number } | undefined;
    if (cutIndex > seg.firstIndex) {
      const keep = cutIndex - seg.firstIndex;
      const bytes = seg.offsets[keep]!;
      seg.offsets.length = keep;
      seg.terms.length = keep;
      seg.bytes = bytes;
      seg.issuedEnd = Math.min(seg.issuedEnd, bytes);
      seg.zeroedEnd = Math.min(seg.zeroedEnd, bytes); // the file is cut there: no zeros remain after it
      cutFile = { name: seg.name, bytes };
    }
    // Pending chunks: drop those wholly after the cut; shorten the one the cut falls in
    // (it can only be in `seg`: a removed segment holds no index <= afterIndex).
    this.pending = this.pending.filter((c) => c.firstIndex <= afterIndex);
    for (const c of this.pending) {
      if (c.lastIndex > afterIndex) {
        assert(c.segment === seg && cutFile !== undefined, 'truncateAfter: pending chunk outside the cut segment');
        c.bytes = c.bytes.subarray(0, cutFile.bytes - c.offset);
        c.lastIndex = afterIndex;
      }
    }
    this.cacheTruncate(afterIndex);
    this.synced = Math.min(this.synced, afterIndex);
    for (const b of this.inFlight) b.target = Math.min(b.target, afterIndex);
    for (const w of this.syncWaiters) w.target = Math.min(w.target, afterIndex);
    await this.runExclusive(async () => {
      if (cutFile) {
        try {
          await this.disk.truncate(cutFile.name, cutFile.bytes);
          await this.disk.fdatasync(cutFile.name);
        } catch (err) {
          if (!(err instanceof DiskFileMissingError)) throw err; // never written: nothing to cut
        }
      }
      for (const s of removed) await this.unlinkIfPresent(s.name);
      if (removed.length > 0) await this.disk.syncDir();
    });
  }

  sync(mayBlock = false, deferBlocking = false): Promise<number> {
    this.checkUsable();
    if (!mayBlock) this.blockingVetoed = true;
    else if (deferBlocking) this.blockingDeferred = true;
    const target = this.lastIndex;
    if (this.synced >= target && this.exclusive.length === 0 && !this.exclusiveRunning) return Promise.resolve(this.synced);
    return new Promise<number>((resolve, reject) => {
      this.syncWaiters.push({ target, resolve, reject });
      // A write that will be made inline gains nothing from waiting for the end of the
      // turn (nothing else is in flight to batch with): make it now, so the caller's
      // answer leaves in this turn rather than the next.
      if (mayBlock && !deferBlocking && !this.blockingVetoed && this.inFlight.length === 0 && this.exclusive.length === 0 && this.inlineAllowed(false)) {
        this.pump();
      } else {
        this.requestPump();
      }
    });
  }

  loadHardState(): HardState {
    return this.hardState;
  }

  saveHardState(state: HardState): Promise<void> {
    this.checkUsable();
    assert(state.term >= this.hardState.term, `hard state term going back: ${state.term} < ${this.hardState.term}`);
    const bytes = encodeHardState(state);
    const done = this.hardStateChain.then(async () => {
      await writeFileAtomic(this.disk, hardStateFile, bytes);
      this.hardState = state;
    });
    this.hardStateChain = done.catch((err: unknown) => this.fail(err));
    return done;
  }

  async trimBefore(beforeIndex: number): Promise<void> {
    this.checkUsable();
    // Whole segments only, never the last one, and only entries already durable here.
    let drop = 0;
    while (drop < this.segments.length - 1) {
      const last = lastIndexOf(this.segments[drop]!);
      if (last >= beforeIndex || last > this.synced) break;
      drop++;
    }
    if (drop === 0) return;
    const removed = this.segments.splice(0, drop);
    const lastRemoved = removed[removed.length - 1]!;
    this.trimIndex = lastIndexOf(lastRemoved);
    this.trimTerm = lastRemoved.terms[lastRemoved.terms.length - 1]!;
    this.cacheDropBefore(this.trimIndex + 1);
    const point = encodeTrimPoint({ index: this.trimIndex, term: this.trimTerm });
    await this.runExclusive(async () => {
      // The trim point first: a crash before the unlinks leaves segments open() deletes.
      await writeFileAtomic(this.disk, trimPointFile, point);
      for (const s of removed) await this.unlinkIfPresent(s.name);
      await this.disk.syncDir();
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (!this.failure) await this.runExclusive(() => Promise.resolve()).catch(() => undefined); // drains writes
    this.closed = true;
    await this.hardStateChain.catch(() => undefined);
    await this.disk.close();
  }

  // --- internals -----------------------------------------------------------------------

  /** pump(), now or (with `defer`) once this event-loop iteration's messages are handled. */
  private requestPump(): void {
    if (!this.defer) return this.pump();
    if (this.pumpDeferred) return;
    this.pumpDeferred = true;
    this.defer(() => {
      this.pumpDeferred = false;
      this.pump();
    });
  }

  /** Issues durable writes for what is pending, or runs a queued truncate/trim when idle. */
  private pump(): void {
    if (this.failure || this.exclusiveRunning) return;
    if (this.exclusive.length > 0) {
      if (this.inFlight.length === 0 && this.backgroundSyncs === 0) this.startExclusive();
      return;
    }
    while (this.pending.length > 0 && this.inFlight.length < journalDiskWritesInFlightMax) this.issue();
  }

  private issue(): void {
    const chunks = this.pending;
    this.pending = [];
    const batch: WriteBatch = { target: chunks[chunks.length - 1]!.lastIndex, done: false, chunks };
    this.inFlight.push(batch);
    // One write per run of adjacent chunks in a segment (usually one per batch): each
    // disk call is a thread-pool round trip, so 64 appends must not cost 64 of them.
    const runs: { segment: Segment; offset: number; bytes: Buffer }[] = [];
    for (let i = 0; i < chunks.length; ) {
      const first = chunks[i]!;
      let j = i + 1;
      let end = first.offset + first.bytes.byteLength;
      while (j < chunks.length && chunks[j]!.segment === first.segment && chunks[j]!.offset === end) {
        end += chunks[j]!.bytes.byteLength;
        j++;
      }
      const bytes = j === i + 1 ? first.bytes : Buffer.concat(chunks.slice(i, j).map((c) => c.bytes), end - first.offset);
      runs.push({ segment: first.segment, offset: first.offset, bytes });
      this.lastWriteBytes = bytes.byteLength;
      first.segment.issuedEnd = Math.max(first.segment.issuedEnd, end);
      i = j;
    }
    const slow = this.blockingDeferred && this.writeMsAverage >= this.deferredInlineWriteMsMax;
    if (slow) this.writeMsAverage *= 0.75; // measured again inline after a few writes
    const vetoed = this.blockingVetoed || slow;
    this.blockingVetoed = false; // each write is judged by the sync() calls it serves
    this.blockingDeferred = false;
    if (
      this.inFlight.length === 1 &&
      runs.length === 1 &&
      runs[0]!.segment.dirSynced &&
      runs[0]!.bytes.byteLength <= journalDiskSmallWriteBytesMax &&
      this.inlineAllowed(vetoed)
    ) {
      const run = runs[0]!;
      let wrote: boolean;
      let startedAt: number;
      try {
        this.beforeBlocking?.();
        startedAt = this.now!();
        wrote = this.disk.pwriteDurableSync!(run.segment.name, run.offset, run.bytes);
      } catch (err) {
        this.fail(err);
        return;
      }
      if (wrote) {
        this.writeStats.inline++;
        batch.done = true;
        this.recycleChunkBuffers(batch);
        this.lastWriteDoneAt = this.now!();
        this.writeMsAverage += (this.lastWriteDoneAt - startedAt - this.writeMsAverage) / 4;
        this.advance();
        return;
      }
    }
    this.writeStats.pooled++;
    const writes: Promise<void>[] = [];
    const fresh: Segment[] = [];
    for (const run of runs) {
      writes.push(this.disk.pwriteDurable(run.segment.name, run.offset, run.bytes));
      if (!run.segment.dirSynced && !fresh.includes(run.segment)) fresh.push(run.segment);
    }
    Promise.all(writes)
      .then(async () => {
        if (fresh.length === 0) return;
        await this.disk.syncDir(); // a new segment's name must survive a crash too
        for (const seg of fresh) seg.dirSynced = true;
      })
      .then(
        () => {
          batch.done = true;
          this.recycleChunkBuffers(batch);
          if (this.now) this.lastWriteDoneAt = this.now();
          this.advance();
          this.pump();
        },
        (err: unknown) => this.fail(err),
      );
  }

  /**
   * Queues a zero fill of the last segment when its records come within half of
   * preallocateBytes of the zeros' end (never past segmentBytes). The fill runs
   * exclusively, so it starts after every issued data write and before any pending one:
   * a data write always lands after the zeros it overwrites.
   */
  private maybePreallocate(): void {
    const seg = this.segments[this.segments.length - 1];
    if (this.preallocateBytes === 0 || seg === undefined || seg.filling) return;
    // Big writes are dominated by moving their data, not by the metadata commit, and a
    // fill ahead of them would double the bytes written: fill only while writes are small.
    if (this.lastWriteBytes > journalDiskSmallWriteBytesMax) return;
    if (seg.bytes + this.preallocateBytes / 2 <= seg.zeroedEnd) return;
    if (Math.min(this.segmentBytes, seg.bytes + this.preallocateBytes) <= seg.bytes) return; // full: it rolls next
    seg.filling = true;
    void this.runExclusive(async () => {
      seg.filling = false;
      // Only the current last segment, and only while it still exists (a truncation or a
      // trim queued before may have removed it: a write would recreate the file).
      if (this.segments[this.segments.length - 1] !== seg) return;
      const start = Math.max(seg.zeroedEnd, seg.issuedEnd);
      const end = Math.min(this.segmentBytes, seg.bytes + this.preallocateBytes);
      if (end <= start) return;
      this.zeros ??= Buffer.alloc(this.preallocateBytes);
      for (let at = start; at < end; at += this.zeros.byteLength) {
        await this.disk.pwrite(seg.name, at, this.zeros.subarray(0, Math.min(this.zeros.byteLength, end - at)));
      }
      seg.zeroedEnd = end;
      this.backgroundSyncs++;
      this.disk.fdatasync(seg.name).then(
        () => {
          this.backgroundSyncs--;
          this.pump();
        },
        (err: unknown) => {
          this.backgroundSyncs--;
          this.fail(err);
        },
      );
    }).catch(() => undefined); // a failure is recorded by fail() and surfaces on the next call
  }

  /**
   * A spare chunk buffer of at least `bytes` (the smallest that fits), or a new one. Small
   * chunks (journalDiskSmallWriteBytesMax) get a buffer of their exact size, never reused,
   * as before session 9: at SET -P 1 reuse measured no better (SegmentLog alone, 6 KB
   * appends: 62/61 vs 64/67 µs per append and sync, two orders).
   */
  private takeChunkBuffer(bytes: number): Buffer {
    if (bytes <= journalDiskSmallWriteBytesMax) return Buffer.allocUnsafe(bytes);
    let best = -1;
    for (let i = 0; i < this.spareChunks.length; i++) {
      const b = this.spareChunks[i]!;
      if (b.byteLength >= bytes && (best < 0 || b.byteLength < this.spareChunks[best]!.byteLength)) best = i;
    }
    if (best >= 0) {
      const b = this.spareChunks[best]!;
      this.spareChunks.splice(best, 1);
      this.spareChunkBytes -= b.byteLength;
      return b;
    }
    return Buffer.allocUnsafeSlow(Math.ceil(Math.max(bytes, 1) / chunkCapacityStepBytes) * chunkCapacityStepBytes);
  }

  /**
   * A completed write's chunk buffers become spare (nothing reads them any more: the
   * write resolved, and cached entries keep their own payloads), the smallest dropped
   * past journalDiskChunkSpareBytes.
   */
  private recycleChunkBuffers(batch: WriteBatch): void {
    for (const c of batch.chunks) {
      if (c.backing.byteLength <= journalDiskSmallWriteBytesMax) continue; // see takeChunkBuffer
      this.spareChunks.push(c.backing);
      this.spareChunkBytes += c.backing.byteLength;
    }
    batch.chunks.length = 0;
    while (this.spareChunkBytes > journalDiskChunkSpareBytes && this.spareChunks.length > 0) {
      let smallest = 0;
      for (let i = 1; i < this.spareChunks.length; i++) if (this.spareChunks[i]!.byteLength < this.spareChunks[smallest]!.byteLength) smallest = i;
      this.spareChunkBytes -= this.spareChunks[smallest]!.byteLength;
      this.spareChunks.splice(smallest, 1);
    }
  }

  /** The inline rule (see inlineIdleMs); the caller checked nothing else is in flight. */
  private inlineAllowed(vetoed: boolean): boolean {
    if (vetoed || this.inlineIdleMs === undefined || this.now === undefined || this.disk.pwriteDurableSync === undefined) return false;
    return this.now() - this.lastWriteDoneAt >= this.inlineIdleMs;
  }

  /** Moves syncedIndex over the completed writes at the front and wakes sync() callers. */
  private advance(): void {
    while (this.inFlight.length > 0 && this.inFlight[0]!.done) {
      const b = this.inFlight.shift()!;
      this.synced = Math.max(this.synced, Math.min(b.target, this.lastIndex));
    }
    // Pending frames were never handed to the disk: none may count as synced (a lazy
    // leader keeps many pending; its commit counts only syncedIndex). In order: the first suffices.
    if (this.pending.length > 0 && this.pending[0]!.firstIndex <= this.synced) assert(false, `pending index ${this.pending[0]!.firstIndex} at or below synced ${this.synced}`);
    this.cacheEvict();
    if (this.syncWaiters.length === 0) return;
    const still: SyncWaiter[] = [];
    const ready: SyncWaiter[] = [];
    for (const w of this.syncWaiters) (w.target <= this.synced ? ready : still).push(w);
    this.syncWaiters = still;
    for (const w of ready) w.resolve(this.synced);
  }

  private runExclusive(run: () => Promise<void>): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<void>((resolve, reject) => {
      this.exclusive.push({ run, resolve, reject });
      this.pump();
    });
  }

  private startExclusive(): void {
    const op = this.exclusive.shift()!;
    this.exclusiveRunning = true;
    op.run().then(
      () => {
        this.exclusiveRunning = false;
        op.resolve();
        this.advance();
        this.pump();
      },
      (err: unknown) => {
        this.exclusiveRunning = false;
        this.fail(err);
        op.reject(this.failure!);
      },
    );
  }

  /** A failed write or fsync leaves the file in an unknown state: refuse everything after. */
  private fail(err: unknown): void {
    this.failure ??= err instanceof Error ? err : new Error(String(err));
    const waiters = this.syncWaiters;
    const ops = this.exclusive;
    this.syncWaiters = [];
    this.exclusive = [];
    for (const w of waiters) w.reject(this.failure);
    for (const op of ops) op.reject(this.failure);
  }

  private checkUsable(): void {
    assert(this.opened && !this.closed, 'SegmentLog used before open() or after close()');
    if (this.failure) throw this.failure;
  }

  private async unlinkIfPresent(name: string): Promise<void> {
    try {
      await this.disk.unlink(name);
    } catch (err) {
      if (!(err instanceof DiskFileMissingError)) throw err;
    }
  }

  private segmentOf(index: number): Segment {
    const last = this.segments[this.segments.length - 1];
    if (last !== undefined && index >= last.firstIndex && index <= lastIndexOf(last)) return last; // the hot case: the tail
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.segments[mid]!.firstIndex <= index) lo = mid;
      else hi = mid - 1;
    }
    const seg = this.segments[lo];
    if (seg === undefined || index < seg.firstIndex || index > lastIndexOf(seg)) assert(false, `no segment holds index ${index}`);
    return seg;
  }

  private frameEnd(seg: Segment, index: number): number {
    const i = index - seg.firstIndex;
    return i + 1 < seg.offsets.length ? seg.offsets[i + 1]! : seg.bytes;
  }

  private cachePush(entry: LogEntry): void {
    assert(this.cacheFirst + (this.cache.length - this.cacheHead) === entry.index, 'tail cache must stay contiguous');
    this.cache.push(entry);
    this.cachePayloadBytes += entry.payload.byteLength;
    this.cacheEvict();
  }

  /** Evicts the oldest cached entries over the budget, but never one not yet on disk. */
  private cacheEvict(): void {
    while (this.cachePayloadBytes > this.cacheBytesMax && this.cacheFirst <= this.synced && this.cacheHead < this.cache.length) {
      this.cachePayloadBytes -= this.cache[this.cacheHead]!.payload.byteLength;
      this.cache[this.cacheHead] = undefined as unknown as LogEntry;
      this.cacheHead++;
      this.cacheFirst++;
    }
    if (this.cacheHead > 1024 && this.cacheHead * 2 > this.cache.length) {
      this.cache = this.cache.slice(this.cacheHead);
      this.cacheHead = 0;
    }
  }

  private cacheTruncate(afterIndex: number): void {
    if (afterIndex < this.cacheFirst) {
      this.cache = [];
      this.cacheHead = 0;
      this.cachePayloadBytes = 0;
      this.cacheFirst = afterIndex + 1;
      return;
    }
    const keep = this.cacheHead + afterIndex - this.cacheFirst + 1;
    for (let i = keep; i < this.cache.length; i++) this.cachePayloadBytes -= this.cache[i]!.payload.byteLength;
    this.cache.length = keep;
  }

  private cacheDropBefore(index: number): void {
    while (this.cacheFirst < index && this.cacheHead < this.cache.length) {
      this.cachePayloadBytes -= this.cache[this.cacheHead]!.payload.byteLength;
      this.cacheHead++;
      this.cacheFirst++;
    }
    if (this.cacheFirst < index) this.cacheFirst = index;
  }
}
