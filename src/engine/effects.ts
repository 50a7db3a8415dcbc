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
import { databaseCount } from '../limits.js';

export interface Effect {
  readonly dbIndex: number;
  /** The command to replay, name first. Owned copies (never views into a ring). */
  readonly argv: readonly Buffer[];
}

export interface EffectRecord {
  /** The primary's time for the command(s), unix ms. */
  readonly nowMs: number;
  readonly effects: readonly Effect[];
}

export const effectFormatVersion = 1;
const headerBytes = 16;

/** Bytes encodeEffectRecord(record) takes. */
export function effectRecordBytes(record: EffectRecord): number {
  let bytes = headerBytes;
  for (const e of record.effects) {
    bytes += 5;
    for (const a of e.argv) bytes += 4 + a.length;
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
  buf[at] = effectFormatVersion;
  buf[at + 1] = 0;
  buf[at + 2] = 0;
  buf[at + 3] = 0;
  buf.writeUInt32LE(record.effects.length, at + 4);
  buf.writeDoubleLE(record.nowMs, at + 8);
  let o = at + headerBytes;
  for (const e of record.effects) {
    assert(e.argv.length > 0, 'an effect has a command name');
    assert(Number.isInteger(e.dbIndex) && e.dbIndex >= 0 && e.dbIndex < databaseCount, 'effect dbIndex');
    buf[o] = e.dbIndex;
    buf.writeUInt32LE(e.argv.length, o + 1);
    o += 5;
    for (const a of e.argv) {
      buf.writeUInt32LE(a.length, o);
      o += 4;
      buf.set(a, o);
      o += a.length;
    }
  }
  return o;
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
    assert(at + 5 <= buf.length, 'effect record truncated');
    const dbIndex = buf[at]!;
    assert(dbIndex < databaseCount, 'effect dbIndex out of range');
    const argc = buf.readUInt32LE(at + 1);
    assert(argc > 0, 'an effect has a command name');
    at += 5;
    const argv: Buffer[] = [];
    for (let j = 0; j < argc; j++) {
      assert(at + 4 <= buf.length, 'effect record truncated');
      const len = buf.readUInt32LE(at);
      at += 4;
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
