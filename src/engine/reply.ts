// ReplyWriter: encodes RESP2 or RESP3 replies into one growing Buffer (engine worker).
//
// The engine writes every reply of a batch into one writer, framed per client as
// entries (see src/workers/batch-format.ts for the frame); handlers only see the RESP
// methods below. The writer never allocates per reply: it grows by doubling and
// writes numbers and latin1 strings straight into its buffer.
//
// Invariants: `length <= buf.length`; between beginEntry and endEntry exactly one
// entry is open; a RESP3-only type written for a RESP2 client degrades exactly as
// Redis degrades it (map -> flat array, null -> $-1 or *-1, double -> bulk, ...).

import { assert } from '../assert.js';
import { storeU32 } from '../le-bytes.js';

/** Kinds of entry in a reply batch (engine -> io-mux); numbered explicitly. */
export const EntryKind = {
  /** RESP bytes to write to the client's socket. */
  reply: 1,
  /** Close the client's socket after writing the replies before this entry. */
  close: 2,
  /** The client's authentication state changed; body: one byte, 1 authenticated, 0 not. */
  authenticated: 3,
} as const;

const CRLF0 = 13;
const CRLF1 = 10;

/** Formats a double as Redis 7.0's addReplyDouble does (%.17g, inf/-inf/nan). */
export function formatDouble(d: number): string {
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (Number.isNaN(d)) return 'nan';
  return formatG17(d);
}

/** C's printf("%.17g"): 17 significant digits, trailing zeros stripped, exponent if < -4 or >= 17. */
export function formatG17(d: number): string {
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  const exp = Math.floor(Math.log10(Math.abs(d)));
  let s = d.toPrecision(17);
  // toPrecision picks its own notation; recompute the C rule from the real exponent.
  const e = s.includes('e') ? Number(s.slice(s.indexOf('e') + 1)) : exp;
  if (e < -4 || e >= 17) {
    let [mant, ex] = d.toExponential(16).split('e');
    if (mant!.includes('.')) mant = mant!.replace(/0+$/, '').replace(/\.$/, '');
    const n = Number(ex);
    const sign = n < 0 ? '-' : '+';
    const abs = Math.abs(n);
    return `${mant}e${sign}${abs < 10 ? '0' : ''}${abs}`;
  }
  s = d.toFixed(Math.max(0, 16 - e));
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s;
}

/**
 * bulkRange copies a value up to this long byte by byte, a longer one through a view
 * (measured on this machine: the loop costs ~1.3 ns a byte, a view and a native set ~32
 * ns whatever the length, so the view wins from ~24 bytes; at 100 bytes, GET's value
 * in redis-benchmark, the loop was a fifth of the engine's CPU per GET).
 */
const bulkRangeLoopBytesMax = 16;

/** Node's Buffer class proper (Buffer[Symbol.species]): `new` of it makes a view with no species lookup. */
const FastBuffer = (Buffer as unknown as { [Symbol.species]: new (memory: ArrayBufferLike, byteOffset: number, length: number) => Buffer })[Symbol.species];

export class ReplyWriter {
  buf: Buffer;
  length = 0;
  /** 2 or 3: set by the engine from the client's HELLO before each command. */
  resp: 2 | 3 = 2;
  private entryStart = -1;

  constructor(initialBytes = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  reset(): void {
    assert(this.entryStart === -1, 'reset with an open entry');
    this.length = 0;
  }

  /** Makes room for `bytes` more bytes. */
  ensure(bytes: number): void {
    const need = this.length + bytes;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  // --- Entry framing: [kind u8][clientId u32 LE][bodyBytes u32 LE][body] ------------

  beginEntry(kind: number, clientId: number): void {
    assert(this.entryStart === -1, 'nested reply entry');
    this.ensure(9);
    const at = this.length;
    this.buf[at] = kind;
    storeU32(this.buf, at + 1, clientId); // by hand: writeUInt32LE checks its arguments, twice per entry
    this.entryStart = at;
    this.length = at + 9;
  }

  endEntry(): void {
    assert(this.entryStart !== -1, 'endEntry without beginEntry');
    storeU32(this.buf, this.entryStart + 5, this.length - this.entryStart - 9);
    this.entryStart = -1;
  }

  /** Drops the current entry if nothing was written into it (e.g. CLIENT REPLY OFF). */
  endEntryOrDropIfEmpty(): void {
    assert(this.entryStart !== -1, 'endEntry without beginEntry');
    if (this.length === this.entryStart + 9) {
      this.length = this.entryStart;
      this.entryStart = -1;
    } else {
      this.endEntry();
    }
  }

  /** A position to return to with truncate(), e.g. to discard a reply. */
  mark(): number {
    return this.length;
  }

  truncate(mark: number): void {
    assert(mark <= this.length && mark >= 0, 'truncate past the end');
    this.length = mark;
  }

  /** The bytes written since `mark`, copied (used by MULTI to keep queued replies). */
  copySince(mark: number): Buffer {
    return Buffer.from(this.buf.subarray(mark, this.length));
  }

  // --- RESP primitives -----------------------------------------------------------------

  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
  }

  private crlf(): void {
    this.buf[this.length++] = CRLF0;
    this.buf[this.length++] = CRLF1;
  }

  private prefixedNumber(prefix: number, n: number): void {
    this.ensure(24);
    this.buf[this.length++] = prefix;
    this.writeIntDigits(n);
    this.crlf();
  }

  private writeIntDigits(n: number): void {
    if (n >= 0 && n < 10) {
      this.buf[this.length++] = 48 + n;
      return;
    }
    // Lengths and counts (every bulk header) are small non-negative integers: their
    // digits go straight into the buffer, without a String per reply.
    if (n > 0 && n <= 0x7fffffff && (n | 0) === n) {
      let digits = 1;
      for (let p = 10; p <= n; p *= 10) digits++;
      const buf = this.buf;
      let at = this.length + digits;
      this.length = at;
      for (let v = n; v > 0; v = (v / 10) | 0) buf[--at] = 48 + (v % 10);
      return;
    }
    this.length += this.buf.latin1Write(String(n), this.length);
  }

  /** +OK style status. `s` must not contain CR or LF. */
  status(s: string): void {
    this.ensure(s.length + 3);
    this.buf[this.length++] = 43; // '+'
    this.length += this.buf.latin1Write(s, this.length);
    this.crlf();
  }

  ok(): void {
    // Byte by byte: every SET answers this, and latin1Write is a native call.
    this.ensure(5);
    const buf = this.buf;
    buf[this.length++] = 43; // '+'
    buf[this.length++] = 79; // 'O'
    buf[this.length++] = 75; // 'K'
    this.crlf();
  }

  /** An error reply; `s` carries its code, e.g. "ERR syntax error" or "WRONGTYPE ...". */
  error(s: string): void {
    this.ensure(s.length + 3);
    this.buf[this.length++] = 45; // '-'
    this.length += this.buf.latin1Write(s, this.length);
    this.crlf();
  }

  int(n: number | bigint): void {
    if (typeof n === 'bigint') {
      const s = n.toString();
      this.ensure(s.length + 3);
      this.buf[this.length++] = 58;
      this.length += this.buf.latin1Write(s, this.length);
      this.crlf();
      return;
    }
    this.prefixedNumber(58, n); // ':'
  }

  /** A bulk string from bytes. */
  bulk(b: Uint8Array): void {
    this.prefixedNumber(36, b.length); // '$'
    this.ensure(b.length + 2);
    this.buf.set(b, this.length);
    this.length += b.length;
    this.crlf();
  }

  /** A bulk string from src[start, end) (a string value's bytes in the slab, without a copy to a string). */
  bulkRange(src: Uint8Array, start: number, end: number): void {
    const n = end - start;
    this.prefixedNumber(36, n); // '$'
    this.ensure(n + 2);
    const buf = this.buf;
    if (n <= bulkRangeLoopBytesMax) {
      // A short value is copied by a loop: cheaper than making a view for it.
      let at = this.length;
      for (let i = start; i < end; i++) buf[at++] = src[i]!;
    } else {
      buf.set(new FastBuffer(src.buffer, src.byteOffset + start, n), this.length);
    }
    this.length += n;
    this.crlf();
  }

  /** A bulk string from a latin1 string (each char is one byte: how the keyspace stores bytes). */
  bulkLatin1(s: string): void {
    this.prefixedNumber(36, s.length);
    this.ensure(s.length + 2);
    this.length += this.buf.latin1Write(s, this.length);
    this.crlf();
  }

  /** A bulk string holding an integer's decimal form (e.g. INCR in a MULTI returns :; GETs return $). */
  bulkInt(n: number | bigint): void {
    this.bulkLatin1(String(n));
  }

  /** Null bulk: $-1 in RESP2, _ in RESP3. */
  nil(): void {
    this.ensure(5);
    if (this.resp === 3) {
      this.buf[this.length++] = 95; // '_'
    } else {
      this.buf[this.length++] = 36;
      this.buf[this.length++] = 45;
      this.buf[this.length++] = 49;
    }
    this.crlf();
  }

  /** Null array: *-1 in RESP2, _ in RESP3. */
  nilArray(): void {
    this.ensure(5);
    if (this.resp === 3) {
      this.buf[this.length++] = 95;
    } else {
      this.buf[this.length++] = 42;
      this.buf[this.length++] = 45;
      this.buf[this.length++] = 49;
    }
    this.crlf();
  }

  array(count: number): void {
    this.prefixedNumber(42, count); // '*'
  }

  /** A map of `pairs` pairs: % in RESP3, a flat array of 2*pairs in RESP2. */
  map(pairs: number): void {
    if (this.resp === 3) this.prefixedNumber(37, pairs);
    else this.prefixedNumber(42, pairs * 2);
  }

  /** A set: ~ in RESP3, an array in RESP2. */
  set(count: number): void {
    this.prefixedNumber(this.resp === 3 ? 126 : 42, count);
  }

  /** A push message header: > in RESP3, an array in RESP2 (pub/sub). */
  push(count: number): void {
    this.prefixedNumber(this.resp === 3 ? 62 : 42, count);
  }

  /** A double: , in RESP3, a bulk string of Redis's formatting in RESP2. */
  double(d: number): void {
    const s = formatDouble(d);
    if (this.resp === 3) {
      this.ensure(s.length + 3);
      this.buf[this.length++] = 44; // ','
      this.length += this.buf.latin1Write(s, this.length);
      this.crlf();
    } else {
      this.bulkLatin1(s);
    }
  }

  /** A boolean: #t/#f in RESP3, :1/:0 in RESP2. */
  bool(b: boolean): void {
    if (this.resp === 3) {
      this.ensure(4);
      this.buf[this.length++] = 35; // '#'
      this.buf[this.length++] = b ? 116 : 102;
      this.crlf();
    } else {
      this.int(b ? 1 : 0);
    }
  }

  /** Verbatim text (INFO, CLIENT LIST...): =len\r\ntxt:... in RESP3, bulk in RESP2. */
  verbatim(s: string, format = 'txt'): void {
    if (this.resp === 3) {
      this.prefixedNumber(61, s.length + 4); // '='
      this.ensure(s.length + 6);
      this.length += this.buf.latin1Write(format, this.length);
      this.buf[this.length++] = 58; // ':'
      this.length += this.buf.latin1Write(s, this.length);
      this.crlf();
    } else {
      this.bulkLatin1(s);
    }
  }

  /**
   * Starts an aggregate whose length is known only at the end (Redis's
   * addReplyDeferredLen). Returns a handle for endDeferred.
   */
  beginDeferred(): number {
    return this.length;
  }

  /** Inserts the header `*count` (or `%`/`~` with prefix) at `handle`, moving the body. */
  endDeferred(handle: number, count: number, kind: 'array' | 'map' | 'set' = 'array'): void {
    let prefix = 42;
    let n = count;
    if (kind === 'map') {
      if (this.resp === 3) prefix = 37;
      else n = count * 2;
    } else if (kind === 'set' && this.resp === 3) {
      prefix = 126;
    }
    const header = `${String.fromCharCode(prefix)}${n}\r\n`;
    const bodyBytes = this.length - handle;
    this.ensure(header.length);
    this.buf.copy(this.buf, handle + header.length, handle, handle + bodyBytes);
    this.buf.latin1Write(header, handle);
    this.length += header.length;
  }
}
