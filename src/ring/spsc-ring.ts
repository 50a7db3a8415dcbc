// Single-producer single-consumer ring of variable-length records over a
// SharedArrayBuffer. One ring per direction between the io-mux (main thread) and the
// command-engine worker: exactly one thread pushes, exactly one thread pops. Each side
// builds its own SpscRing object (`create` on one side, `attach` on the other).
//
// Layout of the SharedArrayBuffer (byte offsets; all fields Int32, native endianness,
// both sides run on the same machine):
//   header, 256 bytes, read through an Int32Array at the named indexes below
//     0   magic              ringMagic, so attach() rejects a foreign buffer
//     4   capacityBytes      size of the data region (power of two)
//     64  head               free-running byte counter: consumer-owned (written only by it)
//     68  consumerSleeping   1 while the consumer is (about to be) parked on `tail`
//     72  consumerWakeFd     -1, or the fd of a wake pipe (wake-pipe.ts) the consumer
//                            reads: notify() writes a byte there instead of Atomics.notify
//     128 tail               free-running byte counter: producer-owned
//     132 producerWaiting    1 while the producer is (about to be) parked on `head`
//   The consumer-written and producer-written fields sit on different 64-byte cache
//   lines so the two threads do not bounce one line between cores.
//   data region, capacityBytes, from byte 256
//     a record at counter c: int32 payload length at (c & mask), payload from
//     ((c + 4) & mask), wrapping around the end of the region; the record occupies
//     align8(4 + length) bytes and counters start at 4, so every record starts at
//     4 mod 8, its length prefix never straddles the end of the region and every
//     payload starts 8-aligned. That is for V8's copies into and out of a
//     SharedArrayBuffer (TypedArray set, Buffer copy): they use a relaxed-atomic
//     memcpy that moves 8-byte words only when source and destination are aligned
//     alike, else byte by byte: a 4 KiB copy took ~0.2-0.4 µs aligned and ~2-3 µs
//     misaligned here (plain memory: ~0.1). Batches pushed from the start of an
//     8-aligned buffer (BatchEncoder's, the engine's ReplyWriter) now copy by words;
//     with 4-aligned records half of them went byte by byte.
//
// Invariants (asserted on every push and pop):
//   - head and tail are 4 mod 8;
//   - 0 <= (tail - head) mod 2^32 <= capacityBytes (counters are free-running 32-bit
//     integers; differences are taken with `>>> 0`, so wrapping past 2^32 is harmless
//     because capacityBytes <= 2^30);
//   - a record's length is <= maxRecordBytes and the record lies inside [head, tail).
//
// Producing in place (the effects ring's producer, effects-publisher.ts): tryReserve
// hands out the payload's offset in `producerBytes` (the data region) when the record
// fits contiguously before the end of the region, the producer writes the payload there
// and commitReserved() ends the record; a record that would straddle the end goes
// through tryPush's split copy instead (tryReserve says so: ringReserveWraps). Records
// may also be pushed unpublished (commitReserved, tryPush(record, false)): they advance
// the producer's private tail only, and publish() makes all of them visible at once
// with one store of `tail`, so a producer that pushes many records per wake-up of its
// consumer stores the shared counter once (the consumer reads only after a wake-up).
// Producer-side invariants (asserted): at most one reservation is open, and none while
// another record is pushed or published; the private tail is >= the published one and
// within capacity of head; nothing is left unpublished when the producer blocks
// (waitForSpace: the consumer could never free the space those records hold).
//
// Memory ordering: the producer writes the payload with plain stores and then
// publishes it with Atomics.store(tail); the consumer reads tail with Atomics.load
// before reading the payload. Symmetrically, the consumer is done with a record's bytes
// before Atomics.store(head), and the producer loads head before overwriting them.
// Each side caches the other's counter (cachedHead, cachedTail) and reloads it only
// when the cached value says "full" or "empty": a stale value only lags, so it is
// conservative, and it keeps most pushes and pops off the other side's cache line.
// Atomics are sequentially consistent, which also makes the sleep/notify handshake
// below race-free: a side sets its "sleeping" flag and then re-reads the counter; the
// other side moves the counter and then reads the flag. At least one of them sees the
// other's write, so a wake-up is never lost, and Atomics.wait itself re-checks the
// counter atomically before parking. Only the sleeper clears its own flag. (be0b6dc had
// the waking side clear it with an exchange, to save repeated notifies; but a notify for
// a record the consumer had already taken could then clear the flag of its NEXT sleep
// before the wait registered, find no waiter, and leave it asleep with the flag down:
// the journal writer hung that way with records in the effects ring. A blocking
// Atomics.wait cannot re-check its flag after it registers.) A sleeper sets its flag
// before every wait.
//
// Only worker threads may block (Atomics.wait); the main thread drains with
// Atomics.waitAsync, or, once it set a wake fd (setConsumerWakeFd), with a read callback
// on its wake pipe, and never blocks. The pipe takes the place of the Atomics.notify in
// the handshake above and nothing else: a byte written after the producer saw the flag,
// a read of it after the consumer raised the flag (a stale byte is a wake that finds
// nothing, as a stale notify is). Records larger than maxRecordBytes are a
// RangeError, never a hang (the io-mux routes them through the MessagePort instead).

import { writeSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { assert } from '../assert.js';
import { handoffStats, handoffStatsOn } from './handoff-stats.js';

/** Bytes before the data region. Four 64-byte cache lines. */
export const ringHeaderBytes = 256;
/** Bytes of the length prefix in front of every record. */
export const ringLengthPrefixBytes = 4;
/** Smallest data region: one empty record plus room to wrap. */
export const ringCapacityBytesMin = 16;
/** Largest data region: free-running 32-bit counters need capacity <= 2^30. */
export const ringCapacityBytesMax = 1 << 30;

const ringMagic = 0x4b524e47; // 'KRNG'

// Int32 indexes into the header.
const magicIndex = 0;
const capacityIndex = 1;
const headIndex = 16;
const consumerSleepingIndex = 17;
const consumerWakeFdIndex = 18;
const tailIndex = 32;
const producerWaitingIndex = 33;

type WaitAsyncResult =
  | { async: false; value: 'not-equal' | 'timed-out' }
  | { async: true; value: Promise<'ok' | 'timed-out'> };
// Atomics.waitAsync exists in Node >= 16 but is typed only in lib.es2024.
const atomicsWaitAsync = (
  Atomics as unknown as {
    waitAsync(ta: Int32Array, index: number, value: number, timeoutMs?: number): WaitAsyncResult;
  }
).waitAsync;

/** tryReserve: the record does not fit now (the consumer has not released enough). */
export const ringReserveFull = -1;
/** tryReserve: it fits, but would straddle the end of the region: push it with tryPush. */
export const ringReserveWraps = -2;

/** What notify() writes to a wake pipe: any byte, one per wake. */
const wakeByte = new Uint8Array([1]);

function align8(n: number): number {
  return (n + 7) & ~7;
}

/** Where counters start: records begin at 4 mod 8, so payloads (after the prefix) are 8-aligned. */
const ringCounterStart = 4;

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
}

/** Bytes one record of `length` payload bytes occupies in the data region. */
export function ringRecordFootprintBytes(length: number): number {
  return align8(ringLengthPrefixBytes + length);
}

/**
 * One byte to a wake pipe. EAGAIN: its socket buffer is full of wake bytes the consumer
 * has not read yet, so it will wake anyway.
 */
function writeWake(fd: number): void {
  try {
    writeSync(fd, wakeByte);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
  }
}

export class SpscRing {
  readonly sab: SharedArrayBuffer;
  readonly capacityBytes: number;
  /** The largest payload that fits in an empty ring: prefix + payload = capacity. */
  readonly maxRecordBytes: number;

  private readonly header: Int32Array;
  private readonly data: Uint8Array;
  /** The data region as Int32 words, for the (always 4-aligned) length prefixes. */
  private readonly words: Int32Array;
  private readonly mask: number;
  /**
   * The data region as a Buffer, for a producer writing a reserved record in place
   * (tryReserve); never read by the consumer through it.
   */
  readonly producerBytes: Buffer;
  /**
   * Producer side: the tail including records pushed but not yet published (publish());
   * the shared `tail` lags it. Equal to it whenever the producer may block.
   */
  private producerTail: number;
  /** Producer side: payload length of the open reservation (tryReserve), -1 when none is open. */
  private reservedBytes = -1;
  /** Consumer side: footprint of the record handed out by tryPop, 0 when none is. */
  private poppedBytes = 0;
  /** Consumer side: where a wrapped record is copied so it can be read contiguously. */
  private scratch: Uint8Array = new Uint8Array(0);
  /**
   * Producer side: the consumer's head as last loaded. Stale only in the safe direction
   * (it can only lag the real head, so it under-counts free space), it spares the
   * producer a load of the consumer's cache line on most pushes; reloaded when a push
   * would not fit.
   */
  private cachedHead: number;
  /** Consumer side: the producer's tail as last loaded; likewise lags, reloaded when empty. */
  private cachedTail: number;

  static create(capacityBytes: number): SpscRing {
    if (!isPowerOfTwo(capacityBytes)) {
      throw new RangeError(`SpscRing capacityBytes must be a power of two (got ${capacityBytes})`);
    }
    if (capacityBytes < ringCapacityBytesMin || capacityBytes > ringCapacityBytesMax) {
      throw new RangeError(
        `SpscRing capacityBytes must be from ${ringCapacityBytesMin} to ${ringCapacityBytesMax} (got ${capacityBytes})`,
      );
    }
    const sab = new SharedArrayBuffer(ringHeaderBytes + capacityBytes);
    const header = new Int32Array(sab, 0, ringHeaderBytes / 4);
    header[capacityIndex] = capacityBytes;
    header[consumerWakeFdIndex] = -1; // 0 would be stdin
    header[headIndex] = ringCounterStart;
    header[tailIndex] = ringCounterStart;
    // The buffer is not shared with anyone yet; the store only orders the fields above.
    Atomics.store(header, magicIndex, ringMagic);
    return new SpscRing(sab);
  }

  static attach(sab: SharedArrayBuffer): SpscRing {
    if (!(sab instanceof SharedArrayBuffer) || sab.byteLength < ringHeaderBytes + ringCapacityBytesMin) {
      throw new TypeError('SpscRing.attach needs the SharedArrayBuffer of a ring made by SpscRing.create');
    }
    return new SpscRing(sab);
  }

  private constructor(sab: SharedArrayBuffer) {
    const header = new Int32Array(sab, 0, ringHeaderBytes / 4);
    assert(Atomics.load(header, magicIndex) === ringMagic, 'SpscRing: buffer is not a ring (bad magic)');
    const capacityBytes = header[capacityIndex]!;
    assert(isPowerOfTwo(capacityBytes), 'SpscRing: capacity in header is not a power of two');
    assert(sab.byteLength === ringHeaderBytes + capacityBytes, 'SpscRing: buffer size does not match capacity');
    this.sab = sab;
    this.header = header;
    this.capacityBytes = capacityBytes;
    this.maxRecordBytes = capacityBytes - ringLengthPrefixBytes;
    this.mask = capacityBytes - 1;
    this.data = new Uint8Array(sab, ringHeaderBytes, capacityBytes);
    this.words = new Int32Array(sab, ringHeaderBytes, capacityBytes / 4);
    this.producerBytes = Buffer.from(sab, ringHeaderBytes, capacityBytes);
    this.producerTail = Atomics.load(header, tailIndex) >>> 0;
    this.cachedHead = Atomics.load(header, headIndex) >>> 0;
    this.cachedTail = Atomics.load(header, tailIndex) >>> 0;
  }

  // --- producer side -------------------------------------------------------------------

  /**
   * Copies `record` into the ring. Returns false if there is not enough free space now
   * (the consumer has not released enough yet). With `publish` (the default) the record
   * and every unpublished one before it become visible at once; without, only at the
   * next publish(). Does not wake the consumer: push a batch, then call notify() once.
   */
  tryPush(record: Uint8Array, publish = true): boolean {
    assert(this.reservedBytes < 0, 'SpscRing.tryPush: a reservation is open');
    const length = record.length;
    if (length > this.maxRecordBytes) {
      throw new RangeError(
        `SpscRing record of ${length} bytes exceeds maxRecordBytes ${this.maxRecordBytes}`,
      );
    }
    const footprint = align8(ringLengthPrefixBytes + length);
    const tail = this.producerTail;
    if (!this.hasRoom(tail, footprint)) return false;

    const at = tail & this.mask;
    this.words[at >>> 2] = length;
    const start = (at + ringLengthPrefixBytes) & this.mask;
    const contiguous = this.capacityBytes - start;
    if (length <= contiguous) {
      this.data.set(record, start);
    } else {
      // Split copy: the end of the region, then the rest from its start.
      this.data.set(record.subarray(0, contiguous), start);
      this.data.set(record.subarray(contiguous), 0);
    }
    this.producerTail = (tail + footprint) >>> 0;
    if (publish) Atomics.store(this.header, tailIndex, this.producerTail | 0);
    return true;
  }

  /**
   * Opens a record of `length` payload bytes for the producer to write in place: returns
   * the payload's offset in `producerBytes` (write exactly `length` bytes from there,
   * then commitReserved()), ringReserveFull if it does not fit now, or ringReserveWraps
   * if it fits but would straddle the end of the region (push it with tryPush instead).
   */
  tryReserve(length: number): number {
    assert(this.reservedBytes < 0, 'SpscRing.tryReserve: a reservation is already open');
    if (length > this.maxRecordBytes) {
      throw new RangeError(
        `SpscRing record of ${length} bytes exceeds maxRecordBytes ${this.maxRecordBytes}`,
      );
    }
    const tail = this.producerTail;
    if (!this.hasRoom(tail, align8(ringLengthPrefixBytes + length))) return ringReserveFull;
    const at = tail & this.mask;
    const start = (at + ringLengthPrefixBytes) & this.mask;
    if (length > this.capacityBytes - start) return ringReserveWraps;
    this.words[at >>> 2] = length;
    this.reservedBytes = length;
    return start;
  }

  /**
   * Ends the open reservation: the record is in the ring, unpublished (publish() shows
   * it to the consumer).
   */
  commitReserved(): void {
    const length = this.reservedBytes;
    assert(length >= 0, 'SpscRing.commitReserved: no reservation is open');
    const tail = this.producerTail;
    assert(this.words[(tail & this.mask) >>> 2] === length, 'SpscRing.commitReserved: length prefix overwritten');
    this.reservedBytes = -1;
    this.producerTail = (tail + align8(ringLengthPrefixBytes + length)) >>> 0;
  }

  /** Makes every record pushed so far visible to the consumer (one store of `tail`). */
  publish(): void {
    assert(this.reservedBytes < 0, 'SpscRing.publish: a reservation is open');
    const tail = this.producerTail;
    if ((this.header[tailIndex]! >>> 0) !== tail) Atomics.store(this.header, tailIndex, tail | 0);
  }

  /** Producer side: records pushed and not yet published. */
  get unpublished(): boolean {
    return (this.header[tailIndex]! >>> 0) !== this.producerTail;
  }

  /**
   * Producer side: whether a record of `footprint` bytes fits at the private tail `tail`
   * (reloads head only when the cached one says it does not); asserts the counters.
   */
  private hasRoom(tail: number, footprint: number): boolean {
    let used = (tail - this.cachedHead) >>> 0;
    if (this.capacityBytes - used < footprint) {
      this.cachedHead = Atomics.load(this.header, headIndex) >>> 0;
      used = (tail - this.cachedHead) >>> 0;
    }
    assert(used <= this.capacityBytes, 'SpscRing: used bytes exceed capacity');
    assert((tail & 7) === ringCounterStart && (this.cachedHead & 7) === ringCounterStart, 'SpscRing: counters not 4 mod 8');
    assert(((tail - (this.header[tailIndex]! >>> 0)) >>> 0) <= used, 'SpscRing: unpublished records beyond the private tail');
    return this.capacityBytes - used >= footprint;
  }

  /**
   * Wakes the consumer if it flagged that it sleeps (the flag is the consumer's to clear):
   * through its wake pipe if it set one, else Atomics.notify.
   */
  notify(): void {
    if (handoffStatsOn) handoffStats.ringNotifyCalls++;
    if (Atomics.load(this.header, consumerSleepingIndex) !== 0) {
      if (handoffStatsOn) handoffStats.ringNotifies++;
      const fd = Atomics.load(this.header, consumerWakeFdIndex);
      if (fd >= 0) writeWake(fd);
      else Atomics.notify(this.header, tailIndex);
    }
  }

  /**
   * Worker threads only: blocks until a record of `bytes` payload bytes fits, or
   * `timeoutMs` passes. Returns true if it fits now.
   */
  waitForSpace(bytes: number, timeoutMs: number): boolean {
    // Unpublished records hold space the consumer cannot see, so cannot free: a wait
    // for it could last forever.
    assert(!this.unpublished && this.reservedBytes < 0, 'SpscRing.waitForSpace: records are unpublished');
    this.assertMayBlock('waitForSpace');
    const footprint = this.footprintChecked(bytes);
    if (this.freeBytes() >= footprint) return true;
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      Atomics.store(this.header, producerWaitingIndex, 1);
      const head = Atomics.load(this.header, headIndex);
      if (this.freeBytesGivenHead(head) >= footprint) break;
      const left = deadline - performance.now();
      if (left <= 0) break;
      Atomics.wait(this.header, headIndex, head, left);
      // A release that freed too little wakes us too: loop until enough or timeout.
    }
    Atomics.store(this.header, producerWaitingIndex, 0);
    return this.freeBytes() >= footprint;
  }

  /**
   * Main thread: resolves true once a record of `bytes` payload bytes fits, false when
   * `timeoutMs` passes first. Never blocks. As with waitForDataAsync, a pending
   * Atomics.waitAsync does not keep the process alive.
   */
  async waitForSpaceAsync(bytes: number, timeoutMs = Infinity): Promise<boolean> {
    assert(!this.unpublished && this.reservedBytes < 0, 'SpscRing.waitForSpaceAsync: records are unpublished');
    const footprint = this.footprintChecked(bytes);
    const deadline = performance.now() + timeoutMs;
    try {
      for (;;) {
        Atomics.store(this.header, producerWaitingIndex, 1);
        const head = Atomics.load(this.header, headIndex);
        if (this.freeBytesGivenHead(head) >= footprint) return true;
        const left = deadline - performance.now();
        if (left <= 0) return false;
        const r = atomicsWaitAsync(this.header, headIndex, head, left === Infinity ? undefined : left);
        if (r.async) await r.value;
      }
    } finally {
      Atomics.store(this.header, producerWaitingIndex, 0);
    }
  }

  // --- consumer side -------------------------------------------------------------------

  /**
   * The next record, or null if the ring is empty. The view points into the ring itself
   * when the record is contiguous, into a reusable scratch buffer when it wraps; either
   * way it is valid only until release(), which must be called before the next tryPop.
   */
  tryPop(): Uint8Array | null {
    assert(this.poppedBytes === 0, 'SpscRing.tryPop: the previous record was not released');
    const head = this.header[headIndex]! >>> 0; // consumer-owned: a plain read is current
    if (head === this.cachedTail) {
      // Loading tail (acquire) makes every record before it visible to this thread.
      this.cachedTail = Atomics.load(this.header, tailIndex) >>> 0;
      if (head === this.cachedTail) return null;
    }
    const tail = this.cachedTail;
    const used = (tail - head) >>> 0;
    assert(used <= this.capacityBytes, 'SpscRing: used bytes exceed capacity');
    assert((tail & 7) === ringCounterStart && (head & 7) === ringCounterStart, 'SpscRing: counters not 4 mod 8');
    assert(used >= ringLengthPrefixBytes, 'SpscRing: partial length prefix');

    const at = head & this.mask;
    const length = this.words[at >>> 2]!;
    assert(length >= 0 && length <= this.maxRecordBytes, 'SpscRing: record length out of range');
    const footprint = align8(ringLengthPrefixBytes + length);
    assert(footprint <= used, 'SpscRing: record extends past tail');
    this.poppedBytes = footprint;

    const start = (at + ringLengthPrefixBytes) & this.mask;
    const contiguous = this.capacityBytes - start;
    if (length <= contiguous) return this.data.subarray(start, start + length);
    if (this.scratch.length < length) {
      let size = Math.max(64, this.scratch.length);
      while (size < length) size *= 2;
      this.scratch = new Uint8Array(size);
    }
    this.scratch.set(this.data.subarray(start), 0);
    this.scratch.set(this.data.subarray(0, length - contiguous), contiguous);
    return this.scratch.subarray(0, length);
  }

  /** Frees the popped record's space and wakes a producer that waits for space. */
  release(): void {
    const footprint = this.poppedBytes;
    assert(footprint > 0, 'SpscRing.release: no record is popped');
    const head = this.header[headIndex]! >>> 0;
    assert(footprint <= ((this.cachedTail - head) >>> 0), 'SpscRing.release: record extends past tail');
    this.poppedBytes = 0;
    Atomics.store(this.header, headIndex, (head + footprint) | 0);
    if (Atomics.load(this.header, producerWaitingIndex) !== 0) {
      Atomics.notify(this.header, headIndex);
    }
  }

  /**
   * Worker threads only: returns at once if data is available, else flags that the
   * consumer sleeps and parks on `tail` until data arrives or `timeoutMs` passes.
   * True if data is available; false only after the timeout.
   */
  waitForData(timeoutMs: number): boolean {
    this.assertMayBlock('waitForData');
    const head = this.header[headIndex]!;
    if (Atomics.load(this.header, tailIndex) !== head) return true;
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      // Set before every wait (cheap, and true whatever woke the last one).
      Atomics.store(this.header, consumerSleepingIndex, 1);
      const tail = Atomics.load(this.header, tailIndex);
      if (tail !== head) break;
      const left = deadline - performance.now();
      if (left <= 0) break;
      // A wake-up can be stale: the producer read our flag for an earlier record that
      // we consumed before parking. Loop until data or the deadline.
      Atomics.wait(this.header, tailIndex, tail, left);
    }
    Atomics.store(this.header, consumerSleepingIndex, 0);
    return Atomics.load(this.header, tailIndex) !== head;
  }

  /**
   * Main thread: resolves when data may be available or after `timeoutMs` (default:
   * no timeout). Never blocks. The wake-up can be stale (see waitForData), so callers
   * re-check with tryPop and wait again. A pending waitAsync does
   * not keep the Node process alive: keep a handle (server socket, timer) open.
   */
  async waitForDataAsync(timeoutMs?: number): Promise<void> {
    const head = this.header[headIndex]!;
    if (Atomics.load(this.header, tailIndex) !== head) return;
    Atomics.store(this.header, consumerSleepingIndex, 1);
    try {
      const tail = Atomics.load(this.header, tailIndex);
      if (tail !== head) return;
      const r = atomicsWaitAsync(this.header, tailIndex, tail, timeoutMs);
      if (!r.async) return;
      if (handoffStatsOn) handoffStats.waitAsyncArmed++;
      await r.value;
    } finally {
      Atomics.store(this.header, consumerSleepingIndex, 0);
    }
  }

  /**
   * Main thread: the consumer will poll the ring before it next sleeps (it has a drain
   * scheduled for later in this event-loop turn), so the producer need not wake it:
   * records pushed until flagSleeping() cost the producer no Atomics.notify, and the
   * consumer no async wake-up. The promise of an armed waitForNotifyAsync stays pending.
   */
  suppressNotify(): void {
    Atomics.store(this.header, consumerSleepingIndex, 0);
  }

  /**
   * Main thread: flags that the consumer sleeps (the producer's next notify wakes it),
   * then re-checks the ring. True if data is there: the caller must drain it (and flag
   * again after), since the producer may have pushed it before it could see the flag.
   */
  flagSleeping(): boolean {
    Atomics.store(this.header, consumerSleepingIndex, 1);
    return Atomics.load(this.header, tailIndex) !== this.header[headIndex];
  }

  /**
   * Main thread, consumer side: from now on notify() wakes the consumer by writing a byte
   * to `fd` (a WakePipe's writeFd, which must stay open while the producer runs) instead
   * of Atomics.notify; a waitForNotifyAsync promise armed before is resolved only by a
   * notify that read the fd before this store.
   */
  setConsumerWakeFd(fd: number): void {
    assert(Number.isInteger(fd) && fd > 2, `SpscRing: bad wake fd ${fd}`);
    Atomics.store(this.header, consumerWakeFdIndex, fd);
  }

  /**
   * Main thread: a promise resolved by the producer's next Atomics.notify on `tail`
   * (notify() wakes only while the consumer's flag is set: see flagSleeping), or
   * undefined if `tail` moved since the caller last drained (data is there now). Unlike
   * waitForDataAsync it neither sets nor clears the flag, so one promise can stay armed
   * across event-loop turns while the flag goes up and down. No timeout; as with
   * waitForDataAsync, it does not keep the process alive.
   */
  waitForNotifyAsync(): Promise<unknown> | undefined {
    const r = atomicsWaitAsync(this.header, tailIndex, this.header[headIndex]!);
    if (!r.async) return undefined;
    if (handoffStatsOn) handoffStats.waitAsyncArmed++;
    return r.value;
  }

  // --- either side -----------------------------------------------------------------------

  /** Bytes currently occupied by records (prefixes and padding included). */
  usedBytes(): number {
    const tail = Atomics.load(this.header, tailIndex);
    const head = Atomics.load(this.header, headIndex);
    return (tail - head) >>> 0;
  }

  private freeBytes(): number {
    return this.freeBytesGivenHead(Atomics.load(this.header, headIndex));
  }

  private freeBytesGivenHead(head: number): number {
    const used = (this.header[tailIndex]! - head) >>> 0;
    assert(used <= this.capacityBytes, 'SpscRing: used bytes exceed capacity');
    return this.capacityBytes - used;
  }

  private footprintChecked(bytes: number): number {
    if (!Number.isInteger(bytes) || bytes < 0 || bytes > this.maxRecordBytes) {
      throw new RangeError(`SpscRing record of ${bytes} bytes exceeds maxRecordBytes ${this.maxRecordBytes}`);
    }
    return align8(ringLengthPrefixBytes + bytes);
  }

  private assertMayBlock(what: string): void {
    // The main thread runs the event loop for every connection: it must never park.
    assert(!isMainThread, `SpscRing.${what} blocks (Atomics.wait) and must not run on the main thread`);
  }
}
