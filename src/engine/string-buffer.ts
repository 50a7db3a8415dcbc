// A string value's write buffer (engine worker): the mutable bytes behind a string that
// commands change in place (SETBIT, BITFIELD), so that a write costs O(1) plus growth
// instead of rebuilding an immutable JS string of n bytes (Redis changes its sds in
// place too).
//
// The keyspace (keyspace.ts, Db) owns these: the dict keeps holding a latin1 string for
// every key, and while a buffer is `stale` that string is out of date; the Db rebuilds it
// (one O(n) copy) the first time anything reads the value the ordinary way, and frees
// the buffer then, so readers never see a buffer and a buffer's memory lasts only
// through a run of in-place writes. Any write that replaces the value drops the buffer.
//
// Capacity grows like sds's greedy sdsMakeRoomFor (double up to 1 MB, then +1 MB), so a
// run of growing writes copies O(n) bytes in total.
//
// Invariants: length <= buf.length; every byte at or past `length` is zero (growth
// exposes zeros, as sdsgrowzero does, without clearing).

import { assert } from '../assert.js';

/** sds's SDS_MAX_PREALLOC: above it, growth adds this much instead of doubling. */
const greedyStepBytes = 1024 * 1024;

export class StringBuffer {
  /** True while the dict's string for this key is older than these bytes. */
  stale = false;

  private constructor(
    public buf: Buffer,
    public length: number,
  ) {}

  /** A buffer holding the bytes of latin1 string `s` (one O(n) copy). */
  static from(s: string): StringBuffer {
    const buf = Buffer.alloc(s.length === 0 ? 16 : s.length);
    buf.latin1Write(s, 0, s.length);
    return new StringBuffer(buf, s.length);
  }

  /** The current bytes (a view: valid until the next growth). */
  view(): Buffer {
    return this.buf.subarray(0, this.length);
  }

  /** Grows the value with zero bytes to at least `length` bytes (never shrinks). */
  ensureLength(length: number): void {
    if (length <= this.length) return;
    if (length > this.buf.length) {
      const capacity = length < greedyStepBytes ? length * 2 : length + greedyStepBytes;
      const next = Buffer.alloc(capacity);
      this.buf.copy(next, 0, 0, this.length);
      this.buf = next;
    }
    this.length = length;
  }

  /** The value as a latin1 string (one O(n) copy). */
  toLatin1(): string {
    assert(this.length <= this.buf.length, 'string buffer length past its capacity');
    return this.buf.latin1Slice(0, this.length);
  }
}
