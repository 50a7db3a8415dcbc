// Request parser for one connection (main thread, io-mux): RESP multibulk requests
// (`*N\r\n$len\r\nbytes\r\n...`) on a zero-copy fast path, and inline commands
// (src/io-mux/inline-parser.ts) when a request does not start with '*', as Redis's
// processInputBuffer decides per request.
//
// Zero copy: a command that lies inside one socket chunk is handed to the sink as the
// chunk itself plus the start/end offsets of each argument (two reused Int32Arrays):
// nothing is allocated per command. Only the incomplete tail of a chunk is copied, into
// one pending buffer, and chunks that follow are appended to it; the parser re-parses
// the pending command only once enough bytes for it have arrived (`needBytes`), and a
// bulk whose length is known gets a buffer of exactly its size, so a 512 MB argument
// arriving in 64 KB chunks costs one copy, not a quadratic number.
//
// One pass for the common request (plainMultibulk): plain decimal headers, all of it in
// the chunk, an authenticated client. Anything else (incomplete, unusual, an error) is
// parsed again from its '*' with every check (multibulk), which alone decides errors.
// In-process (bench/endpoint/connection-input.bench.ts, CPU ns per command of the
// connection, parser and encoder) it took GET 155 -> 138 and SET 247 -> 229 at -P 1,
// GET 126 -> 114 and SET 219 -> 206 at -P 16.
//
// Errors follow Redis 7.0's processMultibulkBuffer / processInlineBuffer exactly (texts,
// and the order of the checks); Redis finds header ends with strchr, which stops at a
// NUL byte, so a NUL before the '\r' (or the inline '\n') means "not found yet" here too.
// Commands before the bad bytes are delivered; after an error the parser is dead.
//
// Invariants: 0 <= pendStart <= pendEnd <= pend.length; the sink's views are valid only
// during the call; argc <= multibulkCountMax; every bulk <= bulkBytesMax.

import { assert } from '../assert.js';
import { inlineBytesMax, multibulkCountMax, protoBulkBytesMax, queryBufferBytesMax, unauthenticatedBulkBytesMax, unauthenticatedMultibulkCountMax } from '../limits.js';
import { splitInlineArgs } from './inline-parser.js';

export interface CommandSink {
  /** A multibulk command: argument i is src[starts[i], ends[i]). Valid during the call only. */
  command(src: Buffer, starts: Int32Array, ends: Int32Array, argc: number): void;
  /** An inline command (fresh buffers). */
  inline(argv: Buffer[]): void;
}

/** Why feed()/resume() stopped. */
export const ParseStatus = {
  /** Everything was consumed, or the rest waits for more bytes. */
  more: 0,
  /** holdAfterCommand is set and one command was delivered: call resume() later. */
  held: 1,
  /** A protocol error: `errorText` holds Redis's text (without "-ERR "). Dead after it. */
  error: 2,
  /** Unparsed input passed queryBufferBytesMax: Redis closes such a client silently. */
  queryBufferFull: 3,
} as const;
export type ParseStatus = (typeof ParseStatus)[keyof typeof ParseStatus];

const STAR = 42;
const DOLLAR = 36;
const CR = 13;
const LF = 10;
const NUL = 0;

const INCOMPLETE = -1;
const FAILED = -2;

export interface ParserLimits {
  multibulkCountMax: number;
  bulkBytesMax: number;
  inlineBytesMax: number;
  queryBufferBytesMax: number;
}

export const defaultParserLimits: ParserLimits = {
  multibulkCountMax,
  bulkBytesMax: protoBulkBytesMax,
  inlineBytesMax,
  queryBufferBytesMax,
};

const emptyBuffer = Buffer.alloc(0);
/** A pending buffer bigger than this is dropped when it empties, not kept for reuse. */
const pendKeepBytesMax = 256 * 1024;

export class RequestParser {
  /** Before AUTH with requirepass: Redis's smaller limits apply (authRequired). */
  unauthenticated = false;
  /** Deliver one command, then stop with ParseStatus.held until resume(). */
  holdAfterCommand = false;
  errorText = '';

  private starts = new Int32Array(16);
  private ends = new Int32Array(16);
  private pend: Buffer = emptyBuffer;
  private pendStart = 0;
  private pendEnd = 0;
  /** Bytes from pendStart the pending command needs before a re-parse can progress. */
  private needBytes = 0;
  private held = false;
  private dead = false;

  constructor(
    private readonly sink: CommandSink,
    private readonly limits: ParserLimits = defaultParserLimits,
  ) {}

  /** Unparsed bytes kept for the next chunk. */
  get pendingBytes(): number {
    return this.pendEnd - this.pendStart;
  }

  /** Parses chunk[0, length) (default: all of it); the chunk may be reused after the call. */
  feed(chunk: Buffer, length = chunk.length): ParseStatus {
    assert(!this.dead, 'RequestParser.feed after an error');
    assert(length <= chunk.length, 'feed past the end of its chunk');
    if (this.pendEnd === this.pendStart && !this.held) {
      return this.run(chunk, 0, length);
    }
    this.append(chunk, length);
    if (this.pendEnd - this.pendStart > this.limits.queryBufferBytesMax) return this.fail(ParseStatus.queryBufferFull, '');
    if (this.held || this.pendEnd - this.pendStart < this.needBytes) return ParseStatus.more;
    return this.run(this.pend, this.pendStart, this.pendEnd);
  }

  /** Continues after ParseStatus.held. */
  resume(): ParseStatus {
    assert(!this.dead, 'RequestParser.resume after an error');
    this.held = false;
    if (this.pendEnd === this.pendStart || this.pendEnd - this.pendStart < this.needBytes) return ParseStatus.more;
    return this.run(this.pend, this.pendStart, this.pendEnd);
  }

  private fail(status: ParseStatus, text: string): ParseStatus {
    this.dead = true;
    this.errorText = text;
    this.pend = emptyBuffer;
    this.pendStart = this.pendEnd = 0;
    return status;
  }

  private append(chunk: Buffer, length: number): void {
    const have = this.pendEnd - this.pendStart;
    const need = have + length;
    if (this.pend.length - this.pendEnd < length) {
      if (this.pend.length >= need && this.pendStart > 0) {
        this.pend.copyWithin(0, this.pendStart, this.pendEnd);
      } else {
        // A known bulk gets exactly its size; unknown growth doubles.
        const size = Math.max(need, this.needBytes, Math.min(2 * need, need + 16 * 1024 * 1024), 16 * 1024);
        const next = Buffer.allocUnsafe(size);
        this.pend.copy(next, 0, this.pendStart, this.pendEnd);
        this.pend = next;
      }
      this.pendStart = 0;
      this.pendEnd = have;
    }
    chunk.copy(this.pend, this.pendEnd, 0, length);
    this.pendEnd += length;
  }

  /** Parses commands from src[pos, end); keeps the unparsed rest pending. */
  private run(src: Buffer, pos: number, end: number): ParseStatus {
    let status: ParseStatus = ParseStatus.more;
    this.needBytes = 0;
    while (pos < end) {
      const next = src[pos] === STAR ? this.multibulk(src, pos, end) : this.inline(src, pos, end);
      if (next === FAILED) return this.fail(ParseStatus.error, this.errorText);
      if (next === INCOMPLETE) break;
      pos = next;
      if (this.held) {
        status = ParseStatus.held;
        break;
      }
    }
    // Keep the rest.
    if (src === this.pend) {
      this.pendStart = pos;
      if (pos === end) {
        this.pendStart = this.pendEnd = 0;
        if (this.pend.length > pendKeepBytesMax) this.pend = emptyBuffer;
      }
    } else if (pos < end) {
      const rest = end - pos;
      if (this.pend.length < rest || this.pend.length < this.needBytes) {
        this.pend = Buffer.allocUnsafe(Math.max(rest * 2, this.needBytes, 16 * 1024));
      }
      src.copy(this.pend, 0, pos, end);
      this.pendStart = 0;
      this.pendEnd = rest;
      if (rest > this.limits.queryBufferBytesMax) return this.fail(ParseStatus.queryBufferFull, '');
    }
    return status;
  }

  /** Set by scanHeader: the header's value when it is a plain decimal, else -1. */
  private scanned = -1;

  /**
   * Position of the first '\r' in [from, end), or -1 if none or a NUL comes first
   * (Redis's strchr). On the way, sets `scanned` to the number in [from + 1, cr) when it
   * is 1 to 15 plain digits without a leading zero (or "0"), else to -1: the caller then
   * asks string2ll, which decides every unusual form exactly as Redis does.
   */
  private scanHeader(src: Buffer, from: number, end: number): number {
    // The type byte itself counts for strchr too ('\r' or NUL in its place).
    const t = src[from]!;
    if (t === CR) {
      this.scanned = -1;
      return from;
    }
    if (t === NUL) return -1;
    let v = 0;
    let simple = true;
    const first = from + 1;
    for (let i = first; i < end; i++) {
      const c = src[i]!;
      if (c === CR) {
        const digits = i - first;
        this.scanned = simple && digits > 0 && digits <= 15 && (src[first] !== 48 || digits === 1) ? v : -1;
        return i;
      }
      const d = c - 48;
      if (d >= 0 && d <= 9) v = v * 10 + d;
      else {
        if (c === NUL) return -1;
        simple = false;
      }
    }
    return -1;
  }

  private error(text: string): number {
    this.errorText = text;
    return FAILED;
  }

  /** One multibulk request at src[pos] === '*'. Returns the position after it. */
  private multibulk(src: Buffer, pos: number, end: number): number {
    if (!this.unauthenticated) {
      const next = this.plainMultibulk(src, pos, end);
      if (next >= 0) {
        this.sink.command(src, this.starts, this.ends, this.plainCount);
        if (this.holdAfterCommand) this.held = true;
        return next;
      }
    }
    const limits = this.limits;
    let cr = this.scanHeader(src, pos, end);
    if (cr < 0) {
      if (end - pos > limits.inlineBytesMax) return this.error('Protocol error: too big mbulk count string');
      this.needBytes = end - pos + 1;
      return INCOMPLETE;
    }
    // Redis waits until the byte after '\r' is there (it does not check it is '\n').
    if (cr + 1 >= end) {
      this.needBytes = cr + 2 - pos;
      return INCOMPLETE;
    }
    const count = this.scanned >= 0 ? this.scanned : string2ll(src, pos + 1, cr);
    if (Number.isNaN(count) || count > limits.multibulkCountMax) {
      return this.error('Protocol error: invalid multibulk length');
    }
    if (count > unauthenticatedMultibulkCountMax && this.unauthenticated) {
      return this.error('Protocol error: unauthenticated multibulk length');
    }
    let p = cr + 2;
    if (count <= 0) return p; // *0 and *-1 are skipped, as Redis does
    let starts = this.starts;
    let ends = this.ends;
    for (let i = 0; i < count; i++) {
      if (i === starts.length) {
        // Grown as arguments actually arrive, never from the header's claim alone.
        this.growOffsets();
        starts = this.starts;
        ends = this.ends;
      }
      if (p >= end) {
        this.needBytes = p - pos + 1;
        return INCOMPLETE;
      }
      cr = this.scanHeader(src, p, end);
      if (cr < 0) {
        if (end - p > limits.inlineBytesMax) return this.error('Protocol error: too big bulk count string');
        this.needBytes = end - pos + 1;
        return INCOMPLETE;
      }
      if (cr + 1 >= end) {
        this.needBytes = cr + 2 - pos;
        return INCOMPLETE;
      }
      if (src[p] !== DOLLAR) {
        // Redis's addReplyErrorFormat turns CR and LF into spaces (one-line errors).
        const got = src[p] === CR || src[p] === LF ? 32 : src[p]!;
        return this.error(`Protocol error: expected '$', got '${String.fromCharCode(got)}'`);
      }
      const len = this.scanned >= 0 ? this.scanned : string2ll(src, p + 1, cr);
      if (Number.isNaN(len) || len < 0 || len > limits.bulkBytesMax) {
        return this.error('Protocol error: invalid bulk length');
      }
      if (len > unauthenticatedBulkBytesMax && this.unauthenticated) {
        return this.error('Protocol error: unauthenticated bulk length');
      }
      p = cr + 2;
      // Redis skips the two bytes after the bulk without checking they are CRLF.
      if (end - p < len + 2) {
        this.needBytes = p + len + 2 - pos;
        return INCOMPLETE;
      }
      starts[i] = p;
      ends[i] = p + len;
      p += len + 2;
    }
    this.sink.command(src, starts, ends, count);
    if (this.holdAfterCommand) this.held = true;
    return p;
  }

  /** Set by plainMultibulk: the argument count of the request it parsed. */
  private plainCount = 0;

  /**
   * The request as clients send it, in one pass: `*N\r\n`, then N times `$len\r\n`,
   * len bytes and two more, where N (at least 1, at most the offsets arrays' length and
   * multibulkCountMax) and every len (at most bulkBytesMax) are plain decimals without
   * sign or leading zero, all within src[pos, end). Fills starts/ends and plainCount and
   * returns the position after the request; returns -1 for anything else (incomplete,
   * unusual, or an error), and multibulk() then parses the same bytes with every check
   * in Redis's order. On the requests taken here both paths agree: Redis's strchr finds
   * the same '\r' (no NUL before it) and string2ll the same value, and the byte after a
   * header's '\r' and the two after a bulk are skipped unchecked, as Redis does.
   */
  private plainMultibulk(src: Buffer, pos: number, end: number): number {
    const starts = this.starts;
    const ends = this.ends;
    const bulkMax = this.limits.bulkBytesMax;
    let p = this.plainDecimal(src, pos + 1, end, Math.min(starts.length, this.limits.multibulkCountMax));
    if (p < 0) return -1;
    const count = this.plainValue;
    if (count < 1) return -1;
    p += 2;
    for (let i = 0; i < count; i++) {
      if (p >= end || src[p] !== DOLLAR) return -1;
      p = this.plainDecimal(src, p + 1, end, bulkMax);
      if (p < 0) return -1;
      const len = this.plainValue;
      p += 2;
      if (end - p < len + 2) return -1;
      starts[i] = p;
      ends[i] = p + len;
      p += len + 2;
    }
    this.plainCount = count;
    return p;
  }

  /** Set by plainDecimal: the value it read. */
  private plainValue = 0;

  /**
   * A header's plain decimal at src[p]: digits only, no leading zero unless it is "0",
   * at most `max`, ended by a '\r' before `end`. Sets plainValue and returns the '\r''s
   * position, or -1 for anything else (plainMultibulk's caller then takes the checked path).
   */
  private plainDecimal(src: Buffer, p: number, end: number, max: number): number {
    if (p >= end) return -1;
    let v = src[p]! - 48;
    if (v < 0 || v > 9) return -1;
    if (v === 0) {
      p++;
      if (p >= end || src[p] !== CR) return -1;
    } else {
      for (p++; ; p++) {
        if (p >= end) return -1;
        const c = src[p]!;
        if (c === CR) break;
        const d = c - 48;
        if (d < 0 || d > 9) return -1;
        v = v * 10 + d;
        if (v > max) return -1;
      }
      if (v > max) return -1;
    }
    this.plainValue = v;
    return p;
  }

  private growOffsets(): void {
    const starts = new Int32Array(this.starts.length * 2);
    const ends = new Int32Array(this.starts.length * 2);
    starts.set(this.starts);
    ends.set(this.ends);
    this.starts = starts;
    this.ends = ends;
  }

  /** One inline request at src[pos] !== '*'. Returns the position after its line. */
  private inline(src: Buffer, pos: number, end: number): number {
    let nl = -1;
    for (let i = pos; i < end; i++) {
      const c = src[i]!;
      if (c === LF) {
        nl = i;
        break;
      }
      if (c === NUL) break;
    }
    if (nl < 0) {
      if (end - pos > this.limits.inlineBytesMax) return this.error('Protocol error: too big inline request');
      this.needBytes = end - pos + 1;
      return INCOMPLETE;
    }
    let lineEnd = nl;
    if (nl > pos && src[nl - 1] === CR) lineEnd--;
    const argv = splitInlineArgs(src, pos, lineEnd);
    if (argv === null) return this.error('Protocol error: unbalanced quotes in request');
    if (argv.length > 0) {
      this.sink.inline(argv);
      if (this.holdAfterCommand) this.held = true;
    }
    return nl + 1;
  }
}

/**
 * Redis's string2ll over src[start, end): an optional '-', no leading zeros, no '+',
 * no blanks, within int64. Returns NaN where string2ll fails. Values beyond 2^53 lose
 * precision, harmless here: every caller compares against limits far below that.
 */
export function string2ll(src: Uint8Array, start: number, end: number): number {
  const len = end - start;
  if (len <= 0 || len >= 21) return NaN;
  if (len === 1 && src[start] === 48) return 0;
  let p = start;
  let negative = false;
  if (src[p] === 45) {
    negative = true;
    p++;
    if (p === end) return NaN;
  }
  const first = src[p]! - 48;
  if (first < 1 || first > 9) return NaN;
  let v = first;
  p++;
  for (; p < end; p++) {
    const d = src[p]! - 48;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  const digits = end - start - (negative ? 1 : 0);
  if (digits >= 19) {
    // Near the int64 edge: decide overflow exactly.
    let big = 0n;
    for (let i = negative ? start + 1 : start; i < end; i++) big = big * 10n + BigInt(src[i]! - 48);
    if (negative ? big > 9223372036854775808n : big > 9223372036854775807n) return NaN;
  }
  return negative ? -v : v;
}
