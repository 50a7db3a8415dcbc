// Bounds-checked little-endian writer and reader for the journal's wire frames
// (src/journal/wire). The reader throws WireFormatError on any overrun or bad value,
// which the connection turns into closing that connection: a peer's malformed frame is
// never a crash. u64 fields are safe integers (< 2^53), sent as two u32 halves.

import { Buffer } from 'node:buffer';

/** A frame that breaks the wire format: the connection that sent it is closed. */
export class WireFormatError extends Error {
  override name = 'WireFormatError';
}

const u32Span = 0x1_0000_0000;

export class WireWriter {
  private buf: Buffer;
  private at = 0;

  constructor(capacity = 256) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  private room(bytes: number): void {
    if (this.at + bytes <= this.buf.byteLength) return;
    const grown = Buffer.allocUnsafe(Math.max(this.at + bytes, this.buf.byteLength * 2));
    this.buf.copy(grown, 0, 0, this.at);
    this.buf = grown;
  }

  u8(v: number): this {
    this.room(1);
    this.buf.writeUInt8(v, this.at);
    this.at += 1;
    return this;
  }

  u16(v: number): this {
    this.room(2);
    this.buf.writeUInt16LE(v, this.at);
    this.at += 2;
    return this;
  }

  u32(v: number): this {
    this.room(4);
    this.buf.writeUInt32LE(v, this.at);
    this.at += 4;
    return this;
  }

  u64(v: number): this {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`u64 field out of range: ${v}`);
    this.room(8);
    this.buf.writeUInt32LE(v % u32Span, this.at);
    this.buf.writeUInt32LE(Math.floor(v / u32Span), this.at + 4);
    this.at += 8;
    return this;
  }

  bool(v: boolean): this {
    return this.u8(v ? 1 : 0);
  }

  bytes(v: Uint8Array): this {
    this.room(v.byteLength);
    this.buf.set(v, this.at);
    this.at += v.byteLength;
    return this;
  }

  /** u32 length + bytes. */
  blob(v: Uint8Array): this {
    return this.u32(v.byteLength).bytes(v);
  }

  /** u16 length + UTF-8 (short texts: error reasons), cut to 1000 bytes. */
  text(v: string): this {
    const bytes = Buffer.from(v, 'utf8').subarray(0, 1000);
    return this.u16(bytes.byteLength).bytes(bytes);
  }

  get length(): number {
    return this.at;
  }

  /**
   * Makes room for `bytes` and skips over them, returning where they start in `buffer`
   * (read it after this call: making room may replace it). The caller fills them, with
   * the plain stores of le-bytes.ts: the per-record encoders' fast path.
   */
  reserve(bytes: number): number {
    this.room(bytes);
    const at = this.at;
    this.at += bytes;
    return at;
  }

  /** The buffer being written (see reserve). */
  get buffer(): Buffer {
    return this.buf;
  }

  /** Patches a u32 already written (the frame length). */
  patchU32(at: number, v: number): void {
    this.buf.writeUInt32LE(v, at);
  }

  /** The bytes written (a view: the writer must not be reused after). */
  finish(): Buffer {
    return this.buf.subarray(0, this.at);
  }
}

export class WireReader {
  private at: number;

  constructor(
    private readonly buf: Buffer,
    start = 0,
    private readonly end = buf.byteLength,
  ) {
    this.at = start;
  }

  private need(bytes: number): void {
    if (this.at + bytes > this.end) throw new WireFormatError('frame ends early');
  }

  u8(): number {
    this.need(1);
    return this.buf.readUInt8(this.at++);
  }

  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16LE(this.at);
    this.at += 2;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.at);
    this.at += 4;
    return v;
  }

  u64(): number {
    this.need(8);
    const low = this.buf.readUInt32LE(this.at);
    const high = this.buf.readUInt32LE(this.at + 4);
    this.at += 8;
    if (high >= 0x20_0000) throw new WireFormatError('u64 field above 2^53');
    return high * u32Span + low;
  }

  bool(): boolean {
    const v = this.u8();
    if (v > 1) throw new WireFormatError(`bad boolean ${v}`);
    return v === 1;
  }

  /**
   * Checks that `bytes` more are there and skips over them, returning where they start
   * in `buffer`: the per-record decoders' fast path reads them with le-bytes.ts loads.
   */
  take(bytes: number): number {
    this.need(bytes);
    const at = this.at;
    this.at += bytes;
    return at;
  }

  /** The frame being read (see take). */
  get buffer(): Buffer {
    return this.buf;
  }

  /** A view of the next `length` bytes (zero copy: the frame buffer is not reused). */
  bytes(length: number): Buffer {
    this.need(length);
    const v = this.buf.subarray(this.at, this.at + length);
    this.at += length;
    return v;
  }

  blob(): Buffer {
    return this.bytes(this.u32());
  }

  text(): string {
    return this.bytes(this.u16()).toString('utf8');
  }

  /** Throws unless every byte was consumed (trailing garbage is malformed). */
  done(): void {
    if (this.at !== this.end) throw new WireFormatError(`${this.end - this.at} trailing bytes`);
  }
}

/**
 * One live WireWriter and one live WireReader for the life of the process. Both live
 * for one message; when a garbage collection finds none alive, V8 may free their
 * objects' maps, and every optimized function that embedded such a map is thrown away
 * (deopt reason "weak objects") and later recompiled. On a log node at a few hundred
 * messages a second that churn recurs after every major GC (its TurboFan compiles were
 * a large share of the node's CPU); a live instance keeps the maps.
 */
export const wireBufferMapAnchors: readonly unknown[] = [new WireWriter(8), new WireReader(Buffer.alloc(0))];
