// The `struct` library Redis 7.0 gives scripts (Roberto Ierusalimschy's struct 1.4 with
// Redis's bounds fixes, built for x86-64), in JS over fengari (engine worker thread).
// Read to match, not copied:
//
//   struct.pack(fmt, ...)        struct.unpack(fmt, data [, pos])     struct.size(fmt)
//   options  > <  endianness (default little, x86's native)
//            !n   maximum alignment (default 8; a power of 2)
//            b B  int8   h H  int16   l L  int64 (C long)   T  size_t (8)
//            i In int of n bytes (default 4, at most 32; bytes past 8 are zero,
//                 since the value is a 64-bit integer shifted 8 bits per byte)
//            f d  float, double    x  one zero byte    s  zero-terminated string
//            cn   n chars (pack: n = 0 means the whole string; unpack: c0 takes
//                 its length from the previous result)     ' ' ignored
//   Numbers are packed through C's double -> int64/uint64 conversions as x86-64
//   makes them (NaN -> 2^63, >= 2^64 -> 0, < -2^63 -> INT64_MIN); unpacked integers
//   become doubles (a signed value wider than 8 bytes is sign-extended from bit
//   ((8n - 1) mod 64), the x86 shift-count masking of the C code's shift).
//
// Invariants: unpack returns its values then the next position; every error is
// raised (luaL_error / luaL_argerror texts), nothing partial is returned.

import fengari, { type LuaState } from 'fengari';
import {
  argError, checkBytes51, checkNumber51, luaError, pushBytes, pushNumber51, setFunction, toNumber51,
} from './lua-lib-util.js';

const { lua, to_luastring } = fengari;

const int32Max = 2147483647;
/** MAXINTSIZE: the widest integer option. */
const intBytesMax = 32;
/** MAXALIGN on x86-64: max(alignment padding before a double (8), sizeof(int) (4)). */
const alignMax = 8;
/** Lua 5.1's per-frame slot limit (luaL_checkstack's "too many results"). */
const luaFrameSlotsMax = 8000;

const BIG = 0;
const LITTLE = 1;

interface Header {
  endian: number;
  align: number;
}

class Fmt {
  i = 0;
  constructor(readonly s: Buffer) {}
  /** The next byte, 0 at the end (a C string: a NUL ends the format too). */
  peek(): number {
    return this.i < this.s.length ? this.s[this.i]! : 0;
  }
  next(): number {
    return this.s[this.i++]!;
  }
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isAlnum = (c: number): boolean => isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isp2 = (x: number): boolean => x > 0 && (x & (x - 1)) === 0;

/** getnum: a decimal count in the format, or `dflt`; "integral size overflow" past INT_MAX. */
function getnum(L: LuaState, f: Fmt, dflt: number): number {
  if (!isDigit(f.peek())) return dflt;
  let a = 0;
  do {
    const d = f.peek() - 48;
    if (a > Math.floor(int32Max / 10) || a * 10 > int32Max - d) luaError(L, 'integral size overflow');
    a = a * 10 + d;
    f.i++;
  } while (isDigit(f.peek()));
  return a;
}

function optsize(L: LuaState, opt: number, f: Fmt): number {
  switch (String.fromCharCode(opt)) {
    case 'B':
    case 'b':
      return 1;
    case 'H':
    case 'h':
      return 2;
    case 'L':
    case 'l':
    case 'T':
    case 'd':
      return 8;
    case 'f':
      return 4;
    case 'x':
      return 1;
    case 'c':
      return getnum(L, f, 1);
    case 'i':
    case 'I': {
      const sz = getnum(L, f, 4);
      if (sz > intBytesMax) luaError(L, `integral size ${sz} is larger than limit of ${intBytesMax}`);
      return sz;
    }
    default:
      return 0;
  }
}

function gettoalign(len: number, h: Header, opt: number, size: number): number {
  if (size === 0 || opt === 99 /* c */) return 0;
  if (size > h.align) size = h.align;
  return (size - (len & (size - 1))) & (size - 1);
}

function controloptions(L: LuaState, opt: number, f: Fmt, h: Header): void {
  if (opt === 32) return;
  if (opt === 62) h.endian = BIG;
  else if (opt === 60) h.endian = LITTLE;
  else if (opt === 33) {
    const a = getnum(L, f, alignMax);
    if (!isp2(a)) luaError(L, `alignment ${a} is not a power of 2`);
    h.align = a;
  } else {
    argError(L, 1, `invalid format option '${String.fromCharCode(opt)}'`);
  }
}

const twoTo63 = 2 ** 63;
const twoTo64 = 2 ** 64;

/** The C conversions putinteger does, as x86-64 code computes them. */
function toUint64(n: number): bigint {
  if (Number.isNaN(n)) return 1n << 63n;
  if (n < 0) return n >= -twoTo63 ? BigInt.asUintN(64, BigInt(Math.trunc(n))) : 1n << 63n;
  return n < twoTo64 ? BigInt(Math.trunc(n)) : 0n;
}

function isIntegerOption(opt: number): boolean {
  return 'bBhHlLTiI'.includes(String.fromCharCode(opt));
}

function pack(L: LuaState): number {
  const f = new Fmt(Buffer.from(checkBytes51(L, 1)));
  const h: Header = { endian: LITTLE, align: 1 };
  // The C code pushes a nil to mark the end of the arguments: one missing argument
  // reads as nil ("got nil", not "got no value").
  lua.lua_pushnil(L);
  let arg = 2;
  let total = 0;
  const out: number[] = [];
  while (f.peek() !== 0) {
    const opt = f.next();
    let size = optsize(L, opt, f);
    let toalign = gettoalign(total, h, opt, size);
    total += toalign;
    while (toalign-- > 0) out.push(0);
    if (isIntegerOption(opt)) {
      let value = toUint64(checkNumber51(L, arg++));
      const bytes = new Array<number>(size);
      for (let i = 0; i < size; i++) {
        bytes[h.endian === LITTLE ? i : size - 1 - i] = Number(value & 0xffn);
        value >>= 8n;
      }
      out.push(...bytes);
    } else if (opt === 120 /* x */) {
      out.push(0);
    } else if (opt === 102 /* f */ || opt === 100 /* d */) {
      const n = checkNumber51(L, arg++);
      const v = new DataView(new ArrayBuffer(size));
      if (opt === 102) v.setFloat32(0, n, h.endian === LITTLE);
      else v.setFloat64(0, n, h.endian === LITTLE);
      for (let i = 0; i < size; i++) out.push(v.getUint8(i));
    } else if (opt === 99 /* c */ || opt === 115 /* s */) {
      const s = checkBytes51(L, arg++);
      if (size === 0) size = s.length;
      // luaL_argcheck with the already advanced index, as the C code does.
      if (s.length < size) argError(L, arg, 'string too short');
      for (let i = 0; i < size; i++) out.push(s[i]!);
      if (opt === 115) {
        out.push(0);
        size++;
      }
    } else {
      controloptions(L, opt, f, h);
    }
    total += size;
  }
  pushBytes(L, Uint8Array.from(out));
  return 1;
}

/** getinteger: the bytes as a 64-bit register would collect them, then to a double. */
function getinteger(data: Buffer, at: number, endian: number, signed: boolean, size: number): number {
  let l = 0n;
  if (endian === BIG) {
    for (let i = 0; i < size; i++) l = BigInt.asUintN(64, (l << 8n) | BigInt(data[at + i]!));
  } else {
    for (let i = size - 1; i >= 0; i--) l = BigInt.asUintN(64, (l << 8n) | BigInt(data[at + i]!));
  }
  if (!signed) return Number(l);
  const mask = BigInt.asUintN(64, ~0n << BigInt((size * 8 - 1) & 63));
  if (l & mask) l |= mask;
  return Number(BigInt.asIntN(64, l));
}

function unpack(L: LuaState): number {
  const f = new Fmt(Buffer.from(checkBytes51(L, 1)));
  const data = Buffer.from(checkBytes51(L, 2));
  const ld = data.length;
  let offset = 1;
  if (lua.lua_type(L, 3) !== lua.LUA_TNONE && lua.lua_type(L, 3) !== lua.LUA_TNIL) {
    const n = checkNumber51(L, 3);
    offset = Number.isFinite(n) ? Math.trunc(n) : 0;
  }
  // A size_t in C: 0 is refused, a negative offset wraps to a huge one.
  if (offset === 0) argError(L, 3, 'offset must be 1 or greater');
  const wrapped = offset < 0;
  let pos = offset - 1;
  const h: Header = { endian: LITTLE, align: 1 };
  let n = 0;
  lua.lua_settop(L, 2);
  while (f.peek() !== 0) {
    const opt = f.next();
    let size = optsize(L, opt, f);
    if (!wrapped) pos += gettoalign(pos, h, opt, size);
    if (wrapped || !(size <= ld && pos <= ld - size)) argError(L, 2, 'data string too short');
    if (lua.lua_gettop(L) + 2 > luaFrameSlotsMax || !lua.lua_checkstack(L, 4)) luaError(L, 'stack overflow (too many results)');
    if (isIntegerOption(opt)) {
      const signed = opt >= 97;
      pushNumber51(L, getinteger(data, pos, h.endian, signed, size));
      n++;
    } else if (opt === 120 /* x */) {
      // padding: nothing to push
    } else if (opt === 102 || opt === 100) {
      const v = new DataView(data.buffer, data.byteOffset + pos, size);
      pushNumber51(L, opt === 102 ? v.getFloat32(0, h.endian === LITTLE) : v.getFloat64(0, h.endian === LITTLE));
      n++;
    } else if (opt === 99 /* c */) {
      if (size === 0) {
        const prev = n === 0 ? null : toNumber51(L, -1);
        if (prev === null) luaError(L, "format 'c0' needs a previous size");
        // The C code's size_t conversion of the previous number (x86-64: -0.5 -> 0,
        // -5 -> 2^64-5, 1e300 -> 0); anything past the data fails just below.
        const asSize = toUint64(prev!);
        size = asSize > BigInt(ld) ? Number.MAX_SAFE_INTEGER : Number(asSize);
        lua.lua_pop(L, 1);
        n--;
        if (!(size <= ld && pos <= ld - size)) argError(L, 2, 'data string too short');
      }
      pushBytes(L, data.subarray(pos, pos + size));
      n++;
    } else if (opt === 115 /* s */) {
      const e = data.indexOf(0, pos);
      if (e < 0) luaError(L, 'unfinished string in data');
      size = e - pos + 1;
      pushBytes(L, data.subarray(pos, e));
      n++;
    } else {
      controloptions(L, opt, f, h);
    }
    pos += size;
  }
  pushNumber51(L, pos + 1);
  return n + 1;
}

function size(L: LuaState): number {
  const f = new Fmt(Buffer.from(checkBytes51(L, 1)));
  const h: Header = { endian: LITTLE, align: 1 };
  let pos = 0;
  while (f.peek() !== 0) {
    const opt = f.next();
    const sz = optsize(L, opt, f);
    pos += gettoalign(pos, h, opt, sz);
    if (opt === 115) argError(L, 1, "option 's' has no fixed size");
    else if (opt === 99 && sz === 0) argError(L, 1, "option 'c0' has no fixed size");
    if (!isAlnum(opt)) controloptions(L, opt, f, h);
    pos += sz;
  }
  pushNumber51(L, pos);
  return 1;
}

export function installStruct(L: LuaState): void {
  lua.lua_createtable(L, 0, 3);
  setFunction(L, 'pack', pack);
  setFunction(L, 'unpack', unpack);
  setFunction(L, 'size', size);
  lua.lua_setglobal(L, to_luastring('struct'));
}
