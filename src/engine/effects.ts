// Effects: what the write path logs (engine worker). MemoryDB logs a command's effects,
// not the command, so that a replay is exact: a write that changed the keyspace is
// recorded as the command as sent, or as the deterministic command its handler gave
// ctx.propagate (SET EX -> SET PXAT, INCRBYFLOAT -> SET KEEPTTL), plus any
// ctx.alsoPropagate extras; a key deleted by expiry (lazy or active) is recorded as a
// DEL. One command, or one whole MULTI/EXEC, is ONE EffectRecord: the journal appends it
// atomically (RecordType.effects in src/journal/record-types.ts) and a replica applies
// it whole (Engine.applyEffectRecord).
//
// Invariants: a record holds at least one effect; every argv has at least one element
// (the command name); dbIndex < databaseCount; `nowMs` is the primary's cached time of
// the command (fixed for a whole EXEC), which a replay uses so that every expiry
// decision the handlers make is the one the primary made.
//
// Binary layout (little endian), format version 1. Append-only: a change bumps the
// version byte, never reinterprets an existing one.
//
//   offset size  field
//   0      1     formatVersion (1)
//   1      3     reserved, zero
//   4      4     effectCount (u32, >= 1)
//   8      8     nowMs (f64; an integer number of unix ms)
//   16     ...   effectCount effects, each:
//                  +0  1   dbIndex (u8)
//                  +1  4   argc (u32, >= 1)
//                  +5  ... argc arguments, each: u32 byteLength, then the bytes
//
// The record ends exactly after its last argument; decode checks that.

import { assert } from '../assert.js';
import { storeU32 } from '../le-bytes.js';
import { databaseCount } from '../limits.js';

export interface Effect {
  readonly dbIndex: number;
  /**
   * The command to replay, name first. Handed to Engine.onEffects, a top-level command's
   * argv is the request's own (views into the request ring, valid during that call only:
   * encoding it there saves a copy per write); every other argv is an owned copy.
   */
  readonly argv: readonly Buffer[];
}

export interface EffectRecord {
  /** The primary's time for the command(s), unix ms. */
  readonly nowMs: number;
  readonly effects: readonly Effect[];
}

export const effectFormatVersion = 1;
/** The encoded layout: a record's header, then per effect a head, then per argument a length. */
export const effectRecordHeadBytes = 16;
export const effectHeadBytes = 5;
export const effectArgHeadBytes = 4;
const headerBytes = effectRecordHeadBytes;
/** Arguments up to this size are copied by a byte loop in writeEffectRecord. */
const smallCopyBytesMax = 32;

/** Bytes encodeEffectRecord(record) takes. */
export function effectRecordBytes(record: EffectRecord): number {
  const effects = record.effects;
  let bytes = headerBytes;
  for (let k = 0; k < effects.length; k++) {
    const argv = effects[k]!.argv;
    bytes += effectHeadBytes + effectArgHeadBytes * argv.length;
    for (let j = 0; j < argv.length; j++) bytes += argv[j]!.length;
  }
  return bytes;
}

/**
 * Writes the record's bytes into `buf` at `at`, which must have effectRecordBytes(record)
 * bytes there (the engine writes records in place in the effects ring this way, no
 * Buffer per record); returns the end offset.
 */
export function writeEffectRecord(record: EffectRecord, buf: Buffer, at: number): number {
  assert(record.effects.length > 0, 'an effect record holds at least one effect');
  const effects = record.effects;
  buf[at] = effectFormatVersion;
  buf[at + 1] = 0;
  buf[at + 2] = 0;
  buf[at + 3] = 0;
  storeU32(buf, at + 4, effects.length);
  putF64(buf, at + 8, record.nowMs);
  let o = at + headerBytes;
  // Once per write on the engine thread: indexed loops and byte stores (Buffer's
  // writeUInt32LE range-checks each call).
  for (let k = 0; k < effects.length; k++) {
    const e = effects[k]!;
    const argv = e.argv;
    assert(argv.length > 0, 'an effect has a command name');
    assert(Number.isInteger(e.dbIndex) && e.dbIndex >= 0 && e.dbIndex < databaseCount, 'effect dbIndex');
    buf[o] = e.dbIndex;
    storeU32(buf, o + 1, argv.length);
    o += effectHeadBytes;
    for (let j = 0; j < argv.length; j++) {
      const a = argv[j]!;
      const n = a.length;
      storeU32(buf, o, n);
      o += effectArgHeadBytes;
      // A command name or a key is a few bytes: a loop copies those for less than the
      // call into TypedArray.prototype.set.
      if (n <= smallCopyBytesMax) for (let i = 0; i < n; i++) buf[o + i] = a[i]!;
      else buf.set(a, o);
      o += n;
    }
  }
  return o;
}

/** putF64's staging: a double's bytes in this machine's order. */
const f64Cell = new Float64Array(1);
const f64Bytes = new Uint8Array(f64Cell.buffer);
// The staging bytes are little endian only on a little-endian machine.
assert(new Uint8Array(Uint16Array.of(1).buffer)[0] === 1, 'effects.ts assumes a little-endian machine');

/**
 * An f64 at `at`, little endian (the caller sized the buffer): Buffer's writeDoubleLE
 * checks its arguments on every call, which was a few percent of a durable write.
 */
export function putF64(buf: Buffer, at: number, value: number): void {
  f64Cell[0] = value;
  const b = f64Bytes;
  buf[at] = b[0]!;
  buf[at + 1] = b[1]!;
  buf[at + 2] = b[2]!;
  buf[at + 3] = b[3]!;
  buf[at + 4] = b[4]!;
  buf[at + 5] = b[5]!;
  buf[at + 6] = b[6]!;
  buf[at + 7] = b[7]!;
}

export function encodeEffectRecord(record: EffectRecord): Buffer {
  const bytes = effectRecordBytes(record);
  const buf = Buffer.allocUnsafe(bytes);
  assert(writeEffectRecord(record, buf, 0) === bytes, 'effect record size mismatch');
  return buf;
}

/** Decodes a record; the argv Buffers are views into `buf` (copy them to keep them past it). */
export function decodeEffectRecord(buf: Buffer): EffectRecord {
  assert(buf.length >= headerBytes, 'effect record shorter than its header');
  assert(buf[0] === effectFormatVersion, `unknown effect record format ${buf[0]}`);
  const count = buf.readUInt32LE(4);
  const nowMs = buf.readDoubleLE(8);
  assert(count > 0, 'an effect record holds at least one effect');
  const effects: Effect[] = [];
  let at = headerBytes;
  for (let i = 0; i < count; i++) {
    assert(at + effectHeadBytes <= buf.length, 'effect record truncated');
    const dbIndex = buf[at]!;
    assert(dbIndex < databaseCount, 'effect dbIndex out of range');
    const argc = buf.readUInt32LE(at + 1);
    assert(argc > 0, 'an effect has a command name');
    at += effectHeadBytes;
    const argv: Buffer[] = [];
    for (let j = 0; j < argc; j++) {
      assert(at + effectArgHeadBytes <= buf.length, 'effect record truncated');
      const len = buf.readUInt32LE(at);
      at += effectArgHeadBytes;
      assert(at + len <= buf.length, 'effect record truncated');
      argv.push(buf.subarray(at, at + len));
      at += len;
    }
    effects.push({ dbIndex, argv });
  }
  assert(at === buf.length, 'trailing bytes after an effect record');
  return { nowMs, effects };
}

/** An effect's argv from a handler's mix of Buffers and latin1 strings, copied. */
export function ownedArgv(argv: ReadonlyArray<Buffer | string>): Buffer[] {
  const out: Buffer[] = new Array(argv.length);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    out[i] = typeof a === 'string' ? Buffer.from(a, 'latin1') : Buffer.from(a);
  }
  return out;
}
