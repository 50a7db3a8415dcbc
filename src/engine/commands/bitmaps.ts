// Bitmap commands (engine worker): Redis 7.0's bitops.c. A bitmap is a string value (a
// latin1 JS string, one char per byte); bit 0 is the most significant bit of byte 0.
//
// Order of checks follows bitops.c, because it decides which error a client sees
// first: SETBIT parses the offset, then the bit, then looks the key up (WRONGTYPE);
// BITFIELD parses every operation before looking the key up; BITPOS parses the bit,
// then looks the key up, then parses the range.
//
// Cost of a write: a JS string is immutable, so a write to a small string (under
// stringInPlaceBytesMin) builds a new one: SETBIT inside the string from two slices and
// the new byte, a growing write through a zeroed Buffer. A write to a bigger existing
// string goes to the key's write buffer (Db.stringBuffer, src/engine/string-buffer.ts):
// O(1) plus amortized growth, as Redis changes its sds in place; the dict's string is
// rebuilt once, by the next ordinary read. GETBIT reads the buffer directly, so SETBIT and
// GETBIT on a big bitmap never rebuild it (bench/engine/setbit.bench.ts).
//
// Effects: every write here is deterministic, so the command is logged as sent.
// Strings written here are 'raw' for OBJECT ENCODING, as Redis builds them in place
// (createObject / dbUnshareStringValue).
//
// Invariants: no handler mutates before every argument is validated; a written value
// never exceeds stringValueBytesMax.

import { errors, eqi, int64Max, latin1, string2ll } from '../args.js';
import type { CommandContext, CommandSpec } from '../command.js';
import type { CommandSpecExtras } from '../command-table.js';
import { stringInPlaceBytesMin, stringValueBytesMax } from '../../limits.js';
import type { RValue } from '../keyspace.js';
import { notify, NotifyType } from '../notify.js';
import { sdsGrow, storedSds, type SdsSize } from '../sds-size.js';
import { StringBuffer } from '../string-buffer.js';
import { lookupKeyRead } from './strings.js';

const bitOffsetError = 'ERR bit offset is not an integer or out of range';
const bitValueError = 'ERR bit is not an integer or out of range';
const bitfieldTypeError = 'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.';
const tooBigError = 'ERR string exceeds maximum allowed size (proto-max-bulk-len)';

/** Popcount of each byte value. */
const popcount8 = new Uint8Array(256);
for (let i = 1; i < 256; i++) popcount8[i] = (i & 1) + popcount8[i >> 1]!;

/**
 * Redis's getBitOffsetFromArgument: the bit offset, or null after the error reply.
 * `bits` > 0 allows BITFIELD's '#N' form (N * bits, wrapping as C's int64 does).
 */
function bitOffsetOrReply(ctx: CommandContext, arg: Buffer, hash: boolean, bits: number): number | null {
  const s = latin1(arg);
  const useHash = hash && bits > 0 && s.charCodeAt(0) === 35; // '#'
  let v = string2ll(useHash ? s.slice(1) : s);
  if (v === null) {
    ctx.reply.error(bitOffsetError);
    return null;
  }
  if (useHash) v = BigInt.asIntN(64, v * BigInt(bits));
  if (v < 0n || v >> 3n >= BigInt(ctx.engine.config.protoMaxBulkLen)) {
    ctx.reply.error(bitOffsetError);
    return null;
  }
  return Number(v);
}

/** Where a bit write goes: a fresh Buffer to store back, or the key's write buffer. */
interface BitWrite {
  buf: Buffer;
  /** The value was created or lengthened. */
  grew: boolean;
  existed: boolean;
  /** `buf` is the key's write buffer's view: storing it back only records the write. */
  inPlace: boolean;
  /** The sds size Redis grows an existing string to (MEMORY USAGE), or null. */
  grownSize: SdsSize | null;
}

/** True for values the bit commands read as strings (a latin1 string or its write buffer). */
function isStringValue(v: RValue | StringBuffer): v is string | StringBuffer {
  return typeof v === 'string' || v instanceof StringBuffer;
}

/**
 * Redis's lookupStringForBitCommand: the key's bytes grown with zeros to hold byte
 * `maxBit >> 3`, writable; null after a WRONGTYPE or size error. An existing string of at
 * least stringInPlaceBytesMin bytes is written in place (its write buffer); others are
 * copied into a fresh Buffer that storeBitmap stores back.
 */
function lookupForBitWrite(ctx: CommandContext, key: string, maxBit: number): BitWrite | null {
  const byte = Math.floor(maxBit / 8);
  const v = ctx.db.lookupBytes(key, ctx.nowMs);
  if (v !== undefined && !isStringValue(v)) {
    ctx.reply.error(errors.wrongType);
    return null;
  }
  const oldLength = v === undefined ? 0 : v.length;
  const len = Math.max(oldLength, byte + 1);
  if (len > stringValueBytesMax) {
    // Redis would allocate up to proto-max-bulk-len; a JS string cannot be that long.
    ctx.reply.error(tooBigError);
    return null;
  }
  // Redis grows an existing string with sdsgrowzero (greedy); a new one is sdsnewlen-exact.
  const grownSize = v !== undefined && len > oldLength ? sdsGrow(storedSds(ctx.db.rawStringSize(key), oldLength), len) : null;
  if (v !== undefined && (v instanceof StringBuffer || len >= stringInPlaceBytesMin)) {
    const sb = ctx.db.stringBuffer(key);
    sb.ensureLength(len);
    return { buf: sb.view(), grew: len > oldLength, existed: true, inPlace: true, grownSize };
  }
  const old = v ?? '';
  const buf = Buffer.alloc(len);
  if (old.length > 0) buf.latin1Write(old, 0, old.length);
  return { buf, grew: v === undefined || len > old.length, existed: v !== undefined, inPlace: false, grownSize };
}

/** Stores a bitmap written in place: the key keeps its TTL and reads as 'raw'. */
function storeBitmap(ctx: CommandContext, key: string, w: BitWrite): void {
  if (w.inPlace) {
    ctx.db.stringBufferWritten(key);
  } else {
    const s = w.buf.latin1Slice(0, w.buf.length);
    if (w.existed) ctx.db.overwrite(key, s);
    else ctx.db.set(key, s);
    ctx.db.markRawString(key);
  }
  if (w.grownSize !== null) ctx.db.setRawStringSize(key, w.grownSize);
}

/** lookupKeyRead for the bit readers: a string with a write buffer is read without rebuilding it. */
function lookupBytesRead(ctx: CommandContext, key: string): RValue | StringBuffer | undefined {
  const v = ctx.db.lookupBytes(key, ctx.nowMs);
  if (v === undefined) ctx.engine.stats.keyspaceMisses++;
  else ctx.engine.stats.keyspaceHits++;
  return v;
}

// --- SETBIT / GETBIT ---------------------------------------------------------------------

function setbitCommand(ctx: CommandContext): void {
  const offset = bitOffsetOrReply(ctx, ctx.argv[2]!, false, 0);
  if (offset === null) return;
  const on = string2ll(latin1(ctx.argv[3]!));
  if (on === null || (on !== 0n && on !== 1n)) {
    ctx.reply.error(bitValueError);
    return;
  }
  const key = latin1(ctx.argv[1]!);
  const byte = Math.floor(offset / 8);
  const bit = 7 - (offset & 7);
  const v = ctx.db.lookupBytes(key, ctx.nowMs);
  if (v !== undefined && !isStringValue(v)) {
    ctx.reply.error(errors.wrongType);
    return;
  }
  if (typeof v === 'string' && byte < v.length && v.length < stringInPlaceBytesMin) {
    // A small string, in range: rebuilt, and not at all when the bit already has the value.
    const byteval = v.charCodeAt(byte);
    const bitval = (byteval >> bit) & 1;
    if (bitval !== Number(on)) {
      const next = on === 1n ? byteval | (1 << bit) : byteval & ~(1 << bit);
      const size = ctx.db.rawStringSize(key); // a rewrite in place keeps Redis's allocation
      ctx.db.overwrite(key, v.slice(0, byte) + String.fromCharCode(next) + v.slice(byte + 1));
      if (size) ctx.db.setRawStringSize(key, size);
      notify(ctx, NotifyType.string, 'setbit', key);
    }
    ctx.db.markRawString(key);
    ctx.reply.int(bitval);
    return;
  }
  const w = lookupForBitWrite(ctx, key, offset);
  if (w === null) return;
  const byteval = w.buf[byte]!;
  const bitval = (byteval >> bit) & 1;
  // Redis writes when the value was created or lengthened, or the bit changes.
  if (w.grew || bitval !== Number(on)) {
    w.buf[byte] = on === 1n ? byteval | (1 << bit) : byteval & ~(1 << bit);
    storeBitmap(ctx, key, w);
    notify(ctx, NotifyType.string, 'setbit', key);
  } else {
    ctx.db.markRawString(key);
  }
  ctx.reply.int(bitval);
}

function getbitCommand(ctx: CommandContext): void {
  const offset = bitOffsetOrReply(ctx, ctx.argv[2]!, false, 0);
  if (offset === null) return;
  const v = lookupBytesRead(ctx, latin1(ctx.argv[1]!));
  if (v === undefined) {
    ctx.reply.int(0);
    return;
  }
  if (!isStringValue(v)) {
    ctx.reply.error(errors.wrongType);
    return;
  }
  const byte = Math.floor(offset / 8);
  if (byte >= v.length) ctx.reply.int(0);
  else ctx.reply.int(((typeof v === 'string' ? v.charCodeAt(byte) : v.buf[byte]!) >> (7 - (offset & 7))) & 1);
}

// --- BITCOUNT / BITPOS -------------------------------------------------------------------

function popcount(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i <= to; i++) n += popcount8[s.charCodeAt(i)]!;
  return n;
}

/** BYTE or BIT at argv[i]; null after a syntax error reply. */
function unitOrReply(ctx: CommandContext, i: number): boolean | null {
  const a = ctx.argv[i]!;
  if (eqi(a, 'bit')) return true;
  if (eqi(a, 'byte')) return false;
  ctx.reply.error(errors.syntax);
  return null;
}

function bitcountCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  let isBit = false;
  let start = 0;
  let end = 0;
  // 7.0 looks the key up before it parses the range: a missing key answers 0 and a
  // wrong type WRONGTYPE whatever the other arguments are.
  const o = lookupKeyRead(ctx, latin1(argv[1]!));
  if (o === undefined) return ctx.reply.int(0);
  if (typeof o !== 'string') return ctx.reply.error(errors.wrongType);
  const v = o;
  if (argv.length === 4 || argv.length === 5) {
    const s = string2ll(latin1(argv[2]!));
    if (s === null) return ctx.reply.error(errors.notInteger);
    const e = string2ll(latin1(argv[3]!));
    if (e === null) return ctx.reply.error(errors.notInteger);
    if (argv.length === 5) {
      const u = unitOrReply(ctx, 4);
      if (u === null) return;
      isBit = u;
    }
    const total = isBit ? v.length * 8 : v.length;
    // Offsets are int64; Number keeps their order and the clamping below.
    start = Number(s);
    end = Number(e);
    if (start < 0 && end < 0 && start > end) return ctx.reply.int(0);
    if (start < 0) start = total + start;
    if (end < 0) end = total + end;
    if (start < 0) start = 0;
    if (end < 0) end = 0;
    if (end >= total) end = total - 1;
  } else if (argv.length === 2) {
    start = 0;
    end = v.length - 1;
  } else {
    return ctx.reply.error(errors.syntax);
  }
  if (start > end) return ctx.reply.int(0);
  if (!isBit) return ctx.reply.int(popcount(v, start, end));
  // Bit range: count whole bytes, then drop the bits outside the range at both edges.
  const sb = Math.floor(start / 8);
  const eb = Math.floor(end / 8);
  let n = popcount(v, sb, eb);
  const firstMask = ~((1 << (8 - (start & 7))) - 1) & 0xff;
  const lastMask = (1 << (7 - (end & 7))) - 1;
  n -= popcount8[v.charCodeAt(sb) & firstMask]!;
  n -= popcount8[v.charCodeAt(eb) & lastMask]!;
  ctx.reply.int(n);
}

function bitposCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  const b = string2ll(latin1(argv[2]!));
  if (b === null) return ctx.reply.error(errors.notInteger);
  if (b !== 0n && b !== 1n) return ctx.reply.error('ERR The bit argument must be 1 or 0.');
  const bit = Number(b);
  const o = lookupKeyRead(ctx, latin1(argv[1]!));
  if (o === undefined) return ctx.reply.int(bit ? -1 : 0);
  if (typeof o !== 'string') return ctx.reply.error(errors.wrongType);
  const v = o;
  let isBit = false;
  let endGiven = false;
  // The range, in bits, inclusive.
  let startBit: number;
  let endBit: number;
  if (argv.length >= 4 && argv.length <= 6) {
    const s = string2ll(latin1(argv[3]!));
    if (s === null) return ctx.reply.error(errors.notInteger);
    if (argv.length === 6) {
      const u = unitOrReply(ctx, 5);
      if (u === null) return;
      isBit = u;
    }
    let total = v.length;
    let start = Number(s);
    let end: number;
    if (argv.length >= 5) {
      const e = string2ll(latin1(argv[4]!));
      if (e === null) return ctx.reply.error(errors.notInteger);
      end = Number(e);
      endGiven = true;
    } else {
      end = isBit ? total * 8 + 7 : total - 1;
    }
    if (isBit) total *= 8;
    if (start < 0) start = total + start;
    if (end < 0) end = total + end;
    if (start < 0) start = 0;
    if (end < 0) end = 0;
    if (end >= total) end = total - 1;
    if (start > end) return ctx.reply.int(-1);
    startBit = isBit ? start : start * 8;
    endBit = isBit ? end : end * 8 + 7;
  } else if (argv.length === 3) {
    if (v.length === 0) return ctx.reply.int(-1);
    startBit = 0;
    endBit = v.length * 8 - 1;
  } else {
    return ctx.reply.error(errors.syntax);
  }
  // Whole bytes that cannot hold the bit are skipped 8 bits at a time.
  const skip = bit ? 0 : 0xff;
  let i = startBit;
  while (i <= endBit) {
    const byteval = v.charCodeAt(i >> 3);
    if ((i & 7) === 0 && i + 7 <= endBit && byteval === skip) {
      i += 8;
      continue;
    }
    if (((byteval >> (7 - (i & 7))) & 1) === bit) return ctx.reply.int(i);
    i++;
  }
  // Not found. Looking for a 0 without an explicit end: the string is zero padded.
  if (bit === 0 && !endGiven) return ctx.reply.int(endBit + 1);
  ctx.reply.int(-1);
}

// --- BITOP -------------------------------------------------------------------------------

function bitopCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  const opArg = argv[1]!;
  let op: 'and' | 'or' | 'xor' | 'not';
  if (eqi(opArg, 'and')) op = 'and';
  else if (eqi(opArg, 'or')) op = 'or';
  else if (eqi(opArg, 'xor')) op = 'xor';
  else if (eqi(opArg, 'not')) op = 'not';
  else return ctx.reply.error(errors.syntax);
  if (op === 'not' && argv.length !== 4) return ctx.reply.error('ERR BITOP NOT must be called with a single source key.');
  const srcs: string[] = [];
  let maxLen = 0;
  for (let j = 3; j < argv.length; j++) {
    const o = lookupKeyRead(ctx, latin1(argv[j]!));
    if (o === undefined) {
      srcs.push('');
      continue;
    }
    if (typeof o !== 'string') return ctx.reply.error(errors.wrongType);
    srcs.push(o);
    if (o.length > maxLen) maxLen = o.length;
  }
  const dest = latin1(argv[2]!);
  if (maxLen === 0) {
    if (ctx.db.delete(dest)) notify(ctx, NotifyType.generic, 'del', dest);
    return ctx.reply.int(0);
  }
  const out = Buffer.alloc(maxLen);
  const first = srcs[0]!;
  if (op === 'not') {
    for (let i = 0; i < maxLen; i++) out[i] = ~first.charCodeAt(i) & 0xff;
  } else {
    for (let i = 0; i < maxLen; i++) {
      let acc = i < first.length ? first.charCodeAt(i) : 0;
      for (let k = 1; k < srcs.length; k++) {
        const s = srcs[k]!;
        const c = i < s.length ? s.charCodeAt(i) : 0;
        if (op === 'and') acc &= c;
        else if (op === 'or') acc |= c;
        else acc ^= c;
      }
      out[i] = acc;
    }
  }
  ctx.db.set(dest, out.latin1Slice(0, maxLen));
  ctx.db.markRawString(dest);
  notify(ctx, NotifyType.string, 'set', dest);
  ctx.reply.int(maxLen);
}

// --- BITFIELD ----------------------------------------------------------------------------

const OP_GET = 0;
const OP_SET = 1;
const OP_INCRBY = 2;
const WRAP = 0;
const SAT = 1;
const FAIL = 2;

interface BitfieldOp {
  offset: number;
  value: bigint;
  opcode: number;
  overflow: number;
  bits: number;
  signed: boolean;
}

/** Redis's getBitfieldTypeFromArgument: i1..i64 or u1..u63 (lower-case letter only). */
function bitfieldTypeOrReply(ctx: CommandContext, arg: Buffer): { signed: boolean; bits: number } | null {
  const s = latin1(arg);
  const c = s.charCodeAt(0);
  if (c !== 105 && c !== 117) {
    ctx.reply.error(bitfieldTypeError);
    return null;
  }
  const signed = c === 105;
  // C reads the digits up to the first NUL byte.
  const nul = s.indexOf('\0');
  const n = string2ll(s.slice(1, nul === -1 ? s.length : nul));
  if (n === null || n < 1n || (signed && n > 64n) || (!signed && n > 63n)) {
    ctx.reply.error(bitfieldTypeError);
    return null;
  }
  return { signed, bits: Number(n) };
}

function getUnsignedBits(buf: Uint8Array, offset: number, bits: number): bigint {
  let value = 0n;
  for (let j = 0; j < bits; j++) {
    const o = offset + j;
    const byte = buf[o >> 3] ?? 0;
    value = (value << 1n) | BigInt((byte >> (7 - (o & 7))) & 1);
  }
  return value;
}

function getSignedBits(buf: Uint8Array, offset: number, bits: number): bigint {
  return BigInt.asIntN(bits, getUnsignedBits(buf, offset, bits));
}

function setBits(buf: Uint8Array, offset: number, bits: number, value: bigint): void {
  const u = BigInt.asUintN(64, value);
  for (let j = 0; j < bits; j++) {
    const bitval = Number((u >> BigInt(bits - 1 - j)) & 1n);
    const o = offset + j;
    const byte = o >> 3;
    const bit = 7 - (o & 7);
    buf[byte] = (buf[byte]! & ~(1 << bit)) | (bitval << bit);
  }
}

const i64 = (v: bigint): bigint => BigInt.asIntN(64, v);
const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);

/** Redis's checkUnsignedBitfieldOverflow: [overflow, limit]; values are C's uint64/int64. */
function unsignedOverflow(value: bigint, incr: bigint, bits: number, owtype: number): [number, bigint] {
  const max = (1n << BigInt(bits)) - 1n;
  const maxIncr = i64(max - value);
  const minIncr = i64(-value);
  const wrap = (): bigint => u64(value + incr) & max;
  if (value > max || (incr > 0n && incr > maxIncr)) return [1, owtype === WRAP ? wrap() : owtype === SAT ? max : 0n];
  if (incr < 0n && incr < minIncr) return [-1, owtype === WRAP ? wrap() : 0n];
  return [0, 0n];
}

/** Redis's checkSignedBitfieldOverflow. */
function signedOverflow(value: bigint, incr: bigint, bits: number, owtype: number): [number, bigint] {
  const max = bits === 64 ? int64Max : (1n << BigInt(bits - 1)) - 1n;
  const min = -max - 1n;
  const maxIncr = i64(max - value);
  const minIncr = i64(min - value);
  const wrap = (): bigint => BigInt.asIntN(bits, u64(value + incr));
  if (value > max || (bits !== 64 && incr > maxIncr) || (value >= 0n && incr > 0n && incr > maxIncr)) {
    return [1, owtype === WRAP ? wrap() : max];
  }
  if (value < min || (bits !== 64 && incr < minIncr) || (value < 0n && incr < 0n && incr < minIncr)) {
    return [-1, owtype === WRAP ? wrap() : min];
  }
  return [0, 0n];
}

function bitfieldGeneric(ctx: CommandContext, readonlyCommand: boolean): void {
  const argv = ctx.argv;
  const ops: BitfieldOp[] = [];
  let overflow = WRAP;
  let readonly = true;
  let highestWrite = 0;
  for (let j = 2; j < argv.length; j++) {
    const rem = argv.length - j - 1;
    const sub = argv[j]!;
    let opcode: number;
    if (eqi(sub, 'get') && rem >= 2) opcode = OP_GET;
    else if (eqi(sub, 'set') && rem >= 3) opcode = OP_SET;
    else if (eqi(sub, 'incrby') && rem >= 3) opcode = OP_INCRBY;
    else if (eqi(sub, 'overflow') && rem >= 1) {
      const t = argv[++j]!;
      if (eqi(t, 'wrap')) overflow = WRAP;
      else if (eqi(t, 'sat')) overflow = SAT;
      else if (eqi(t, 'fail')) overflow = FAIL;
      else return ctx.reply.error('ERR Invalid OVERFLOW type specified');
      continue;
    } else {
      return ctx.reply.error(errors.syntax);
    }
    const type = bitfieldTypeOrReply(ctx, argv[j + 1]!);
    if (type === null) return;
    const offset = bitOffsetOrReply(ctx, argv[j + 2]!, true, type.bits);
    if (offset === null) return;
    let value = 0n;
    if (opcode !== OP_GET) {
      readonly = false;
      if (highestWrite < offset + type.bits - 1) highestWrite = offset + type.bits - 1;
      const v = string2ll(latin1(argv[j + 3]!));
      if (v === null) return ctx.reply.error(errors.notInteger);
      value = v;
    }
    ops.push({ offset, value, opcode, overflow, bits: type.bits, signed: type.signed });
    j += opcode === OP_GET ? 2 : 3;
  }
  const key = latin1(argv[1]!);
  let buf: Buffer | null = null;
  let write: BitWrite | null = null;
  let grew = false;
  if (readonly) {
    const o = lookupKeyRead(ctx, key);
    if (o !== undefined && typeof o !== 'string') return ctx.reply.error(errors.wrongType);
    if (o !== undefined) buf = Buffer.from(o, 'latin1');
  } else {
    if (readonlyCommand) return ctx.reply.error('ERR BITFIELD_RO only supports the GET subcommand');
    write = lookupForBitWrite(ctx, key, highestWrite);
    if (write === null) return;
    buf = write.buf;
    grew = write.grew;
  }
  let changes = 0;
  ctx.reply.array(ops.length);
  for (const op of ops) {
    if (op.opcode === OP_GET) {
      if (op.signed) ctx.reply.int(buf === null ? 0n : getSignedBits(buf, op.offset, op.bits));
      else ctx.reply.int(buf === null ? 0n : getUnsignedBits(buf, op.offset, op.bits));
      continue;
    }
    const b = buf!;
    let oldval: bigint;
    let newval: bigint;
    let retval: bigint;
    let over: number;
    if (op.signed) {
      oldval = getSignedBits(b, op.offset, op.bits);
      if (op.opcode === OP_INCRBY) {
        const [o, limit] = signedOverflow(oldval, op.value, op.bits, op.overflow);
        over = o;
        newval = o !== 0 ? limit : i64(oldval + op.value);
        retval = newval;
      } else {
        const [o, limit] = signedOverflow(op.value, 0n, op.bits, op.overflow);
        over = o;
        newval = o !== 0 ? limit : op.value;
        retval = oldval;
      }
    } else {
      oldval = getUnsignedBits(b, op.offset, op.bits);
      if (op.opcode === OP_INCRBY) {
        const [o, limit] = unsignedOverflow(oldval, op.value, op.bits, op.overflow);
        over = o;
        newval = o !== 0 ? limit : u64(oldval + op.value);
        retval = newval;
      } else {
        const [o, limit] = unsignedOverflow(u64(op.value), 0n, op.bits, op.overflow);
        over = o;
        newval = o !== 0 ? limit : u64(op.value);
        retval = oldval;
      }
    }
    if (over !== 0 && op.overflow === FAIL) {
      ctx.reply.nil();
      continue;
    }
    // addReplyLongLong of a uint64: C casts it to long long.
    ctx.reply.int(i64(retval));
    setBits(b, op.offset, op.bits, newval);
    if (grew || oldval !== newval) changes++;
  }
  // Store whenever the value was created or grown, even if every op failed: the key
  // exists on the primary then (Redis creates it too), and the record must carry it.
  // Redis notifies only when a write op succeeded on it.
  if (!readonly && (changes > 0 || grew)) storeBitmap(ctx, key, write!);
  else if (!readonly) ctx.db.markRawString(key);
  if (changes > 0) notify(ctx, NotifyType.string, 'setbit', key);
}

function bitfieldCommand(ctx: CommandContext): void {
  bitfieldGeneric(ctx, false);
}

function bitfieldRoCommand(ctx: CommandContext): void {
  bitfieldGeneric(ctx, true);
}

// --- The table (Redis 7.0's src/commands/*.json) ----------------------------------------------

export const bitmapCommands: readonly (CommandSpec & CommandSpecExtras)[] = [
  { name: 'setbit', arity: 4, flags: ['write', 'denyoom'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['write', 'bitmap', 'slow'], group: 'bitmap', since: '2.2.0', complexity: 'O(1)', summary: 'Sets or clears the bit at offset in the string value stored at key', keySpecs: [{ flags: ['RW', 'access', 'update'], beginSearch: { type: 'index', index: 1 }, findKeys: { type: 'range', lastkey: 0, keystep: 1, limit: 0 } }], handler: setbitCommand },
  { name: 'getbit', arity: 3, flags: ['readonly', 'fast'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['read', 'bitmap', 'fast'], group: 'bitmap', since: '2.2.0', complexity: 'O(1)', summary: 'Returns the bit value at offset in the string value stored at key', keySpecs: [{ flags: ['RO', 'access'], beginSearch: { type: 'index', index: 1 }, findKeys: { type: 'range', lastkey: 0, keystep: 1, limit: 0 } }], handler: getbitCommand },
  { name: 'bitcount', arity: -2, flags: ['readonly'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['read', 'bitmap', 'slow'], group: 'bitmap', since: '2.6.0', complexity: 'O(N)', summary: 'Count set bits in a string', keySpecs: [{ flags: ['RO', 'access'], beginSearch: { type: 'index', index: 1 }, findKeys: { type: 'range', lastkey: 0, keystep: 1, limit: 0 } }], handler: bitcountCommand },
  { name: 'bitpos', arity: -3, flags: ['readonly'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['read', 'bitmap', 'slow'], group: 'bitmap', since: '2.8.7', complexity: 'O(N)', summary: 'Find first bit set or clear in a string', keySpecs: [{ flags: ['RO', 'access'], beginSearch: { type: 'index', index: 1 }, findKeys: { type: 'range', lastkey: 0, keystep: 1, limit: 0 } }], handler: bitposCommand },
  { name: 'bitop', arity: -4, flags: ['write', 'denyoom'], firstKey: 2, lastKey: -1, keyStep: 1, categories: ['write', 'bitmap', 'slow'], group: 'bitmap', since: '2.6.0', complexity: 'O(N)', summary: 'Perform bitwise operations between strings', keySpecs: [{ flags: ['OW', 'update'], beginSearch: { type: 'index', index: 2 }, findKeys: { type: 'range', lastkey: 0, keystep: 1, limit: 0 } }, { flags: ['RO', 'access'], beginSearch: { type: 'index', index: 3 }, findKeys: { type: 'range', lastkey: -1, keystep: 1, limit: 0 } }], handler: bitopCommand },
  { name: 'bitfield', arity: -2, flags: ['write', 'denyoom'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['write', 'bitmap', 'slow'], group: 'bitmap', since: '3.2.0', complexity: 'O(1) for each subcommand specified', summary: 'Perform arbitrary bitfield integer operations on strings', keySpecs: [{ notes: 'This command allows both access and modification of the key', flags: ['RW', 'access', 'update', 'variable_flags'], beginSearch: { type: 'index', index: 1 }, findKeys: { type: 'range', lastkey: 0, keystep: 1, limit: 0 } }], handler: bitfieldCommand },
  { name: 'bitfield_ro', arity: -2, flags: ['readonly', 'fast'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['read', 'bitmap', 'fast'], group: 'bitmap', since: '6.0.0', complexity: 'O(1) for each subcommand specified', summary: 'Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD', keySpecs: [{ flags: ['RO', 'access'], beginSearch: { type: 'index', index: 1 }, findKeys: { type: 'range', lastkey: 0, keystep: 1, limit: 0 } }], handler: bitfieldRoCommand },
];
