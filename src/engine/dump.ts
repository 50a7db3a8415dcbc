// DUMP / RESTORE payloads in Redis's format (engine worker): Redis's cluster.c
// createDumpPayload / verifyDumpPayload and the object part of rdb.c.
//
// Payload layout (all of it is one RESP bulk string):
//   offset 0          RDB object type, 1 byte (0 = string, see RdbType)
//   offset 1          the value in the RDB encoding of that type
//   offset n-10       RDB version, uint16 little-endian (10 for Redis 7.0)
//   offset n-8        CRC-64/Jones of bytes [0, n-8), uint64 little-endian
//
// Strings are encoded as rdb.c's rdbSaveRawString: a canonical decimal integer of at
// most 11 chars that fits an int32 as RDB_ENC_INT8/16/32; else, above 20 bytes, LZF
// when it saves at least 4 bytes (rdbcompression yes, Redis's default); else a length
// and the bytes. The output is byte-identical to redis-server 7.0's (its LZF is
// liblzf 3.6, see lzf.ts); loading accepts every string encoding Redis writes.
//
// Other types plug in: a type module calls registerRdbSaver for its RType and
// registerRdbLoader for each RDB type number it reads (e.g. lists: 18, quicklist 2),
// using RdbWriter / RdbReader for lengths and strings. A value or payload type with
// no codec is refused: DUMP and RESTORE then answer "ERR Bad data format".
//
// Like Redis, loading reads from the whole payload, footer included (a length that
// runs into the footer is not an error by itself), and ignores bytes left over after
// the value.
//
// Invariants: a payload we produce always passes verifyDumpPayload; the reader never
// reads outside its buffer (a short read throws RdbFormatError, reported as
// "Bad data format").

import { assert } from '../assert.js';
import { crc64 } from './crc64.js';
import { lzfCompress, lzfDecompress } from './lzf.js';
import { string2ll } from './args.js';
import type { RObject, RType, RValue } from './keyspace.js';

/** RDB_VERSION of Redis 7.0: a payload with a higher version is refused. */
export const rdbVersion = 10;

/** RDB object type numbers (rdb.h), frozen: they are Redis's on-disk format. */
export const RdbType = {
  string: 0,
  list: 1,
  set: 2,
  zset: 3,
  hash: 4,
  zset2: 5,
  moduleV1: 6,
  module2: 7,
  hashZipmap: 9,
  listZiplist: 10,
  setIntset: 11,
  zsetZiplist: 12,
  hashZiplist: 13,
  listQuicklist: 14,
  streamListpacks: 15,
  hashListpack: 16,
  zsetListpack: 17,
  listQuicklist2: 18,
  streamListpacks2: 19,
} as const;

/** rdbIsObjectType for RDB version 10 (Redis 7.0). */
export function isRdbObjectType(t: number): boolean {
  return (t >= 0 && t <= 7) || (t >= 9 && t <= 19);
}

/** Length-prefix kinds (top two bits of the first byte) and special encodings. */
const RDB_6BITLEN = 0;
const RDB_14BITLEN = 1;
const RDB_32BITLEN = 0x80;
const RDB_64BITLEN = 0x81;
const RDB_ENCVAL = 3;
const RDB_ENC_INT8 = 0;
const RDB_ENC_INT16 = 1;
const RDB_ENC_INT32 = 2;
const RDB_ENC_LZF = 3;

/** Bytes of the footer: version (2) + CRC64 (8). */
const footerBytes = 10;

/** A malformed payload: reported to the client as "ERR Bad data format". */
export class RdbFormatError extends Error {
  override name = 'RdbFormatError';
}

/** Appends RDB-encoded values to one growing buffer. */
export class RdbWriter {
  buf: Buffer;
  length = 0;

  constructor(initialBytes = 64) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  private ensure(bytes: number): void {
    const need = this.length + bytes;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.length++] = b & 0xff;
  }

  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** rdbSaveLen: 6-bit, 14-bit, 32-bit or 64-bit big-endian lengths. */
  len(n: number): void {
    assert(Number.isSafeInteger(n) && n >= 0, 'RDB length out of range');
    if (n < 1 << 6) {
      this.byte((RDB_6BITLEN << 6) | n);
    } else if (n < 1 << 14) {
      this.byte((RDB_14BITLEN << 6) | ((n >> 8) & 0x3f));
      this.byte(n & 0xff);
    } else if (n <= 0xffffffff) {
      this.ensure(5);
      this.buf[this.length++] = RDB_32BITLEN;
      this.buf.writeUInt32BE(n, this.length);
      this.length += 4;
    } else {
      this.ensure(9);
      this.buf[this.length++] = RDB_64BITLEN;
      this.buf.writeBigUInt64BE(BigInt(n), this.length);
      this.length += 8;
    }
  }

  /**
   * rdbSaveLen of a uint64 given as a bigint (stream ids, counters that may be C's
   * (uint64_t)-1): the same 6/14/32-bit forms below 2^32, RDB_64BITLEN above.
   */
  len64(n: bigint): void {
    assert(n >= 0n && n <= 0xffffffffffffffffn, 'RDB 64-bit length out of range');
    if (n <= 0xffffffffn) {
      this.len(Number(n));
      return;
    }
    this.ensure(9);
    this.buf[this.length++] = RDB_64BITLEN;
    this.buf.writeBigUInt64BE(n, this.length);
    this.length += 8;
  }

  /** rdbSaveMillisecondTime: an int64, little-endian. */
  millisecondTime(ms: number): void {
    assert(Number.isSafeInteger(ms), 'RDB millisecond time out of range');
    this.ensure(8);
    this.buf.writeBigInt64LE(BigInt(ms), this.length);
    this.length += 8;
  }

  /** rdbSaveRawString for a latin1 string: int encodings, LZF, or verbatim. */
  string(s: string): void {
    if (s.length <= 11 && this.tryIntegerEncoding(s)) return;
    this.lzfOrVerbatim(Buffer.from(s, 'latin1'));
  }

  /** rdbSaveRawString for bytes (listpack and other blobs are saved this way too). */
  blob(bytes: Buffer): void {
    if (bytes.length <= 11 && this.tryIntegerEncoding(bytes.latin1Slice(0, bytes.length))) return;
    this.lzfOrVerbatim(bytes);
  }

  private lzfOrVerbatim(bytes: Buffer): void {
    const n = bytes.length;
    if (n > 20) {
      // Redis requires at least 4 bytes saved (outlen = len - 4).
      const compressed = lzfCompress(bytes, n - 4);
      if (compressed !== null) {
        this.byte((RDB_ENCVAL << 6) | RDB_ENC_LZF);
        this.len(compressed.length);
        this.len(n);
        this.raw(compressed);
        return;
      }
    }
    this.len(n);
    this.raw(bytes);
  }

  /** rdbTryIntegerEncoding: a canonical decimal that fits an int32 (rdbEncodeInteger). */
  private tryIntegerEncoding(s: string): boolean {
    const v = string2ll(s);
    if (v === null) return false;
    const n = Number(v);
    if (n >= -128 && n <= 127) {
      this.byte((RDB_ENCVAL << 6) | RDB_ENC_INT8);
      this.byte(n);
    } else if (n >= -32768 && n <= 32767) {
      this.byte((RDB_ENCVAL << 6) | RDB_ENC_INT16);
      this.byte(n);
      this.byte(n >> 8);
    } else if (n >= -2147483648 && n <= 2147483647) {
      this.ensure(5);
      this.buf[this.length++] = (RDB_ENCVAL << 6) | RDB_ENC_INT32;
      this.buf.writeInt32LE(n, this.length);
      this.length += 4;
    } else {
      return false;
    }
    return true;
  }

  /** The bytes written so far (a view; copy before the writer is reused). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

/** Reads RDB-encoded values from a buffer; every short or bad read throws RdbFormatError. */
export class RdbReader {
  pos = 0;

  constructor(readonly buf: Buffer) {}

  private need(bytes: number): void {
    if (bytes < 0 || this.pos + bytes > this.buf.length) throw new RdbFormatError('short read');
  }

  byte(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  take(bytes: number): Buffer {
    this.need(bytes);
    const out = this.buf.subarray(this.pos, this.pos + bytes);
    this.pos += bytes;
    return out;
  }

  /** rdbLoadLenByRef: returns the length, or the encoding number when `encoded` is set. */
  lenOrEncoding(): { value: number; encoded: boolean } {
    const first = this.byte();
    const kind = (first & 0xc0) >> 6;
    if (kind === RDB_ENCVAL) return { value: first & 0x3f, encoded: true };
    if (kind === RDB_6BITLEN) return { value: first & 0x3f, encoded: false };
    if (kind === RDB_14BITLEN) return { value: ((first & 0x3f) << 8) | this.byte(), encoded: false };
    if (first === RDB_32BITLEN) {
      this.need(4);
      const v = this.buf.readUInt32BE(this.pos);
      this.pos += 4;
      return { value: v, encoded: false };
    }
    if (first === RDB_64BITLEN) {
      this.need(8);
      const v = this.buf.readBigUInt64BE(this.pos);
      this.pos += 8;
      // Anything this large cannot fit in the payload: the next read fails anyway.
      return { value: v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v), encoded: false };
    }
    throw new RdbFormatError('unknown length encoding');
  }

  len(): number {
    const r = this.lenOrEncoding();
    if (r.encoded) throw new RdbFormatError('unexpected encoded length');
    return r.value;
  }

  /** rdbLoadLen as the full uint64 (stream ids and counters): a bigint, never clamped. */
  len64(): bigint {
    this.need(1);
    const first = this.buf[this.pos]!;
    if (first !== RDB_64BITLEN) return BigInt(this.len());
    this.pos++;
    this.need(8);
    const v = this.buf.readBigUInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  /** rdbLoadMillisecondTime: an int64, little-endian (a time outside JS's safe range is bad data). */
  millisecondTime(): number {
    this.need(8);
    const v = this.buf.readBigInt64LE(this.pos);
    this.pos += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) throw new RdbFormatError('millisecond time out of range');
    return Number(v);
  }

  /** rdbGenericLoadStringObject, as a latin1 string. */
  string(): string {
    const b = this.blob();
    return b.latin1Slice(0, b.length);
  }

  /** rdbGenericLoadStringObject, as bytes (a view into the payload when stored verbatim). */
  blob(): Buffer {
    const r = this.lenOrEncoding();
    if (!r.encoded) return this.take(r.value);
    switch (r.value) {
      case RDB_ENC_INT8: {
        this.need(1);
        return Buffer.from(String(this.buf.readInt8(this.pos++)), 'latin1');
      }
      case RDB_ENC_INT16: {
        this.need(2);
        const v = this.buf.readInt16LE(this.pos);
        this.pos += 2;
        return Buffer.from(String(v), 'latin1');
      }
      case RDB_ENC_INT32: {
        this.need(4);
        const v = this.buf.readInt32LE(this.pos);
        this.pos += 4;
        return Buffer.from(String(v), 'latin1');
      }
      case RDB_ENC_LZF: {
        const clen = this.len();
        const len = this.len();
        const compressed = this.take(clen);
        // liblzf fails every chunk into a zero-byte target and returns 0, which equals
        // the expected length: Redis accepts any compressed bytes as an empty string.
        if (len === 0) return Buffer.alloc(0);
        const out = lzfDecompress(compressed, len);
        if (out === null) throw new RdbFormatError('invalid LZF compressed string');
        return out;
      }
      default:
        throw new RdbFormatError('unknown string encoding');
    }
  }
}

/** Saves a value of one RObject type; returns the RDB type number it wrote the value as. */
export type RdbSaver = (w: RdbWriter, value: RObject) => number;
/** Loads a value stored under one RDB type number; throws RdbFormatError on bad data. */
export type RdbLoader = (r: RdbReader) => RValue;

const savers = new Map<RType, RdbSaver>();
const loaders = new Map<number, RdbLoader>();

/** A type module registers how to DUMP its values. */
export function registerRdbSaver(type: Exclude<RType, 'string'>, saver: RdbSaver): void {
  assert(!savers.has(type), `RDB saver for ${type} registered twice`);
  savers.set(type, saver);
}

/** A type module registers how to RESTORE values of an RDB type number. */
export function registerRdbLoader(rdbType: number, loader: RdbLoader): void {
  assert(isRdbObjectType(rdbType), `not an RDB object type: ${rdbType}`);
  assert(!loaders.has(rdbType), `RDB loader for type ${rdbType} registered twice`);
  loaders.set(rdbType, loader);
}

registerRdbLoader(RdbType.string, (r) => r.string());

/**
 * createDumpPayload: the DUMP bytes of a value, or null if its type has no codec yet.
 * `saverFor` replaces the type's registered saver (a list saved under a CONFIG
 * list-max-listpack-size, which the registered savers cannot see).
 */
export function createDumpPayload(value: RValue, saverFor?: RdbSaver): Buffer | null {
  const w = new RdbWriter(typeof value === 'string' ? value.length + 24 : 256);
  if (typeof value === 'string') {
    w.byte(RdbType.string);
    w.string(value);
  } else {
    const saver = saverFor ?? savers.get(value.type);
    if (saver === undefined) return null;
    const typeAt = w.length;
    w.byte(0); // patched below, once the saver says which encoding it chose
    const rdbType = saver(w, value);
    assert(isRdbObjectType(rdbType), 'saver returned a bad RDB type');
    w.buf[typeAt] = rdbType;
  }
  const end = w.length;
  const out = Buffer.allocUnsafe(end + footerBytes);
  w.buf.copy(out, 0, 0, end);
  out.writeUInt16LE(rdbVersion, end);
  out.writeBigUInt64LE(crc64(out, 0n, 0, end + 2), end + 2);
  assert(verifyDumpPayload(out), 'our own DUMP payload fails verification');
  return out;
}

/** verifyDumpPayload: footer present, version not newer than ours, CRC64 matches. */
export function verifyDumpPayload(payload: Buffer): boolean {
  if (payload.length < footerBytes) return false;
  const footer = payload.length - footerBytes;
  const version = payload.readUInt16LE(footer);
  if (version > rdbVersion) return false;
  const crc = crc64(payload, 0n, 0, payload.length - 8);
  return crc === payload.readBigUInt64LE(footer + 2);
}

/**
 * Loads the value of a verified payload (rdbLoadObjectType + rdbLoadObject); null
 * when the payload is malformed or its type has no loader yet ("Bad data format").
 */
export function loadDumpPayload(payload: Buffer): RValue | null {
  const r = new RdbReader(payload);
  try {
    const type = r.byte();
    if (!isRdbObjectType(type)) return null;
    const loader = loaders.get(type);
    if (loader === undefined) return null;
    return loader(r);
  } catch (err) {
    if (err instanceof RdbFormatError) return null;
    throw err;
  }
}
