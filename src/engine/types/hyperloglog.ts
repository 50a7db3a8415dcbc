// HyperLogLog (engine worker): Redis 7.0's hyperloglog.c representation, byte for byte,
// so that GET of an HLL key returns what redis-server stores and PFCOUNT agrees.
// An HLL is a plain string value; this module works on its bytes (an Hll: a Buffer
// with spare capacity and a used length, as an sds string) and knows nothing of keys.
//
// Layout (HLL_HDR_SIZE = 16 bytes of header, then the registers):
//   offset size field
//   0      4    magic "HYLL"
//   4      1    encoding: 0 dense, 1 sparse (2, raw, exists only inside PFCOUNT)
//   5      3    unused, zero
//   8      8    cached cardinality, little endian; bit 7 of byte 15 set = stale
//   16     ...  dense: 16384 6-bit registers, LSB first (12288 bytes, exactly)
//                sparse: opcodes covering all 16384 registers in order:
//                  ZERO  00xxxxxx           run of (x+1) zero registers, up to 64
//                  XZERO 01xxxxxx yyyyyyyy  run of (x<<8|y)+1 zero registers, up to 16384
//                  VAL   1vvvvvxx           run of (x+1) registers of value v+1 (1..32)
//
// Hashing: MurmurHash64A with seed 0xadc83b19; the low 14 bits pick the register, the
// run of zeros above them (plus one, at most 51) is the register's candidate value.
// 64-bit arithmetic is done on two 32-bit halves (no BigInt on the PFADD path).
//
// Sparse updates follow hllSparseSet exactly (same splits, the same merge of adjacent
// VAL opcodes scanning 5 opcodes from the previous one, promotion to dense when a value
// exceeds 32 or the string would pass hll-sparse-max-bytes), because the bytes depend
// on the order of those steps.
//
// Invariants: a valid sparse HLL's opcodes cover exactly 16384 registers; a dense one is
// exactly 12304 bytes; `len <= buf.length` and buf[len..len+1] are zero (the registers'
// read of byte+1 past the last register sees a zero, as sds's terminator).

import { assert } from '../../assert.js';

export const hllRegisterCount = 16384;
const hllP = 14;
const hllQ = 64 - hllP;
export const hllHeaderBytes = 16;
export const hllDenseBytes = hllHeaderBytes + (hllRegisterCount * 6) / 8;
export const HLL_DENSE = 0;
export const HLL_SPARSE = 1;
const valMaxValue = 32;
const valMaxLen = 4;
const zeroMaxLen = 64;
const xzeroMaxLen = 16384;
const alphaInf = 0.721347520444481703680;

/** An HLL's bytes being worked on: `buf[0..len)` is the string value. */
export class Hll {
  constructor(
    public buf: Buffer,
    public len: number,
  ) {}

  static fromString(s: string): Hll {
    const buf = Buffer.alloc(s.length + 8);
    buf.latin1Write(s, 0, s.length);
    return new Hll(buf, s.length);
  }

  /** A new empty HLL as createHLLObject: sparse, one XZERO covering every register. */
  static create(): Hll {
    const h = new Hll(Buffer.alloc(hllHeaderBytes + 2 + 8), hllHeaderBytes + 2);
    h.buf.write('HYLL', 0, 'latin1');
    h.buf[4] = HLL_SPARSE;
    const l = xzeroMaxLen - 1;
    h.buf[16] = (l >> 8) | 0x40;
    h.buf[17] = l & 0xff;
    return h;
  }

  toString(): string {
    return this.buf.latin1Slice(0, this.len);
  }

  get encoding(): number {
    return this.buf[4]!;
  }

  invalidateCache(): void {
    this.buf[15] = this.buf[15]! | 0x80;
  }

  cacheValid(): boolean {
    return (this.buf[15]! & 0x80) === 0;
  }

  cachedCard(): number {
    // A valid cache is below 2^63; cardinalities are far below 2^53.
    return this.buf.readUInt32LE(8) + this.buf.readUInt32LE(12) * 2 ** 32;
  }

  setCachedCard(card: number): void {
    this.buf.writeUInt32LE(card % 2 ** 32, 8);
    this.buf.writeUInt32LE(Math.floor(card / 2 ** 32), 12);
  }

  /** Makes room for `extra` bytes past len (keeping two zero bytes after them). */
  private reserve(extra: number): void {
    if (this.len + extra + 2 <= this.buf.length) return;
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.len + extra + 16));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  /** The dense registers' view, from offset 16. */
  private regs(): Buffer {
    return this.buf.subarray(hllHeaderBytes);
  }

  /**
   * hllSparseToDense: converts in place; false if the sparse opcodes are corrupt
   * (then nothing changes). A dense HLL is left as it is.
   */
  toDense(): boolean {
    if (this.encoding === HLL_DENSE) return true;
    const dense = Buffer.alloc(hllDenseBytes + 8);
    this.buf.copy(dense, 0, 0, hllHeaderBytes);
    dense[4] = HLL_DENSE;
    const regs = dense.subarray(hllHeaderBytes);
    let idx = 0;
    let p = hllHeaderBytes;
    const end = this.len;
    const b = this.buf;
    while (p < end) {
      const op = b[p]!;
      if ((op & 0xc0) === 0) {
        idx += (op & 0x3f) + 1;
        p++;
      } else if ((op & 0xc0) === 0x40) {
        idx += (((op & 0x3f) << 8) | b[p + 1]!) + 1;
        p += 2;
      } else {
        let runlen = (op & 3) + 1;
        const val = ((op >> 2) & 0x1f) + 1;
        if (runlen + idx > hllRegisterCount) break;
        while (runlen--) denseSetRegister(regs, idx++, val);
        p++;
      }
    }
    if (idx !== hllRegisterCount) return false;
    this.buf = dense;
    this.len = hllDenseBytes;
    return true;
  }

  /** hllAdd: 1 if a register grew, 0 if not, -1 if the sparse form is corrupt. */
  add(ele: Uint8Array, sparseMaxBytes: number): number {
    patLen(ele);
    if (this.encoding === HLL_DENSE) return denseSet(this.regs(), patIndex, patCount);
    if (this.encoding === HLL_SPARSE) return this.sparseSet(patIndex, patCount, sparseMaxBytes);
    return -1;
  }

  /** Sets register `index` to `count` if larger (hllDenseSet / hllSparseSet). */
  set(index: number, count: number, sparseMaxBytes: number): number {
    if (this.encoding === HLL_DENSE) return denseSet(this.regs(), index, count);
    return this.sparseSet(index, count, sparseMaxBytes);
  }

  /** hllSparseSet, step by step (see the file comment). */
  sparseSet(index: number, count: number, sparseMaxBytes: number): number {
    if (count > valMaxValue) return this.promote(index, count);
    this.reserve(3);
    const b = this.buf;
    const sparse = hllHeaderBytes;
    let p = sparse;
    let end = this.len;
    let first = 0;
    let prev = -1;
    let span = 0;
    while (p < end) {
      const op = b[p]!;
      let oplen = 1;
      if ((op & 0xc0) === 0) span = (op & 0x3f) + 1;
      else if (op & 0x80) span = (op & 3) + 1;
      else {
        span = (((op & 0x3f) << 8) | b[p + 1]!) + 1;
        oplen = 2;
      }
      if (index <= first + span - 1) break;
      prev = p;
      p += oplen;
      first += span;
    }
    if (span === 0 || p >= end) return -1;
    const op = b[p]!;
    const isZero = (op & 0xc0) === 0;
    const isXzero = (op & 0xc0) === 0x40;
    const isVal = (op & 0x80) !== 0;
    const next0 = isXzero ? p + 2 : p + 1;
    const next = next0 >= end ? -1 : next0;
    const runlen = isZero ? (op & 0x3f) + 1 : isXzero ? (((op & 0x3f) << 8) | b[p + 1]!) + 1 : (op & 3) + 1;
    let updatedInPlace = false;
    if (isVal) {
      const oldcount = ((op >> 2) & 0x1f) + 1;
      if (oldcount >= count) return 0;
      if (runlen === 1) {
        b[p] = valOp(count, 1);
        updatedInPlace = true;
      }
    }
    if (!updatedInPlace && isZero && runlen === 1) {
      b[p] = valOp(count, 1);
      updatedInPlace = true;
    }
    if (!updatedInPlace) {
      const seq: number[] = [];
      const last = first + span - 1;
      if (isZero || isXzero) {
        if (index !== first) pushZeros(seq, index - first);
        seq.push(valOp(count, 1));
        if (index !== last) pushZeros(seq, last - index);
      } else {
        const curval = ((op >> 2) & 0x1f) + 1;
        if (index !== first) seq.push(valOp(curval, index - first));
        seq.push(valOp(count, 1));
        if (index !== last) seq.push(valOp(curval, last - index));
      }
      const oldlen = isXzero ? 2 : 1;
      const delta = seq.length - oldlen;
      if (delta > 0 && this.len + delta > sparseMaxBytes) return this.promote(index, count);
      if (delta !== 0 && next !== -1) b.copy(b, next + delta, next, end);
      this.len += delta;
      for (let i = 0; i < seq.length; i++) b[p + i] = seq[i]!;
      end += delta;
      // Keep the zero terminator after a shrink.
      if (delta < 0) b.fill(0, this.len, this.len - delta);
    }
    // Step 4: merge adjacent VAL opcodes of the same value, up to 5 opcodes from prev.
    p = prev !== -1 ? prev : sparse;
    let scan = 5;
    while (p < end && scan-- > 0) {
      const o = b[p]!;
      if ((o & 0xc0) === 0x40) {
        p += 2;
        continue;
      }
      if ((o & 0xc0) === 0) {
        p++;
        continue;
      }
      if (p + 1 < end && b[p + 1]! & 0x80) {
        const v1 = ((o >> 2) & 0x1f) + 1;
        const o2 = b[p + 1]!;
        const v2 = ((o2 >> 2) & 0x1f) + 1;
        if (v1 === v2) {
          const len = (o & 3) + 1 + (o2 & 3) + 1;
          if (len <= valMaxLen) {
            b[p + 1] = valOp(v1, len);
            b.copy(b, p, p + 1, end);
            end--;
            this.len--;
            b[this.len] = 0;
            continue;
          }
        }
      }
      p++;
    }
    this.invalidateCache();
    return 1;
  }

  private promote(index: number, count: number): number {
    if (!this.toDense()) return -1;
    const r = denseSet(this.regs(), index, count);
    assert(r === 1, 'a promotion to dense always changes a register');
    return r;
  }

  /** hllMerge into `max` (one byte per register); false if the sparse form is corrupt. */
  mergeInto(max: Uint8Array): boolean {
    const b = this.buf;
    if (this.encoding === HLL_DENSE) {
      const regs = this.regs();
      for (let i = 0; i < hllRegisterCount; i++) {
        const v = denseGetRegister(regs, i);
        if (v > max[i]!) max[i] = v;
      }
      return true;
    }
    let i = 0;
    let p = hllHeaderBytes;
    while (p < this.len) {
      const op = b[p]!;
      if ((op & 0xc0) === 0) {
        i += (op & 0x3f) + 1;
        p++;
      } else if ((op & 0xc0) === 0x40) {
        i += (((op & 0x3f) << 8) | b[p + 1]!) + 1;
        p += 2;
      } else {
        let runlen = (op & 3) + 1;
        const val = ((op >> 2) & 0x1f) + 1;
        // 7.0.15 fails here outright (a bare break would accept a run ending at 16384).
        if (runlen + i > hllRegisterCount) return false;
        while (runlen--) {
          if (val > max[i]!) max[i] = val;
          i++;
        }
        p++;
      }
    }
    return i === hllRegisterCount;
  }

  /** hllCount of a dense or sparse HLL; null if the sparse form is corrupt. */
  count(): number | null {
    const histo = new Array<number>(64).fill(0);
    const b = this.buf;
    if (this.encoding === HLL_DENSE) {
      const regs = this.regs();
      for (let i = 0; i < hllRegisterCount; i++) histo[denseGetRegister(regs, i)]!++;
    } else {
      let idx = 0;
      let p = hllHeaderBytes;
      while (p < this.len) {
        const op = b[p]!;
        if ((op & 0xc0) === 0) {
          const r = (op & 0x3f) + 1;
          idx += r;
          histo[0] += r;
          p++;
        } else if ((op & 0xc0) === 0x40) {
          const r = (((op & 0x3f) << 8) | b[p + 1]!) + 1;
          idx += r;
          histo[0] += r;
          p += 2;
        } else {
          const r = (op & 3) + 1;
          idx += r;
          histo[((op >> 2) & 0x1f) + 1] += r;
          p++;
        }
      }
      if (idx !== hllRegisterCount) return null;
    }
    return countFromHisto(histo);
  }
}

/** hllCount of registers held one per byte (PFCOUNT of several keys: HLL_RAW). */
export function countRaw(max: Uint8Array): number {
  const histo = new Array<number>(64).fill(0);
  for (let i = 0; i < hllRegisterCount; i++) histo[max[i]!]!++;
  return countFromHisto(histo);
}

function pushZeros(seq: number[], len: number): void {
  if (len > zeroMaxLen) {
    const l = len - 1;
    seq.push((l >> 8) | 0x40, l & 0xff);
  } else {
    seq.push(len - 1);
  }
}

function valOp(val: number, len: number): number {
  return (((val - 1) << 2) | (len - 1)) | 0x80;
}

function denseGetRegister(regs: Uint8Array, i: number): number {
  const byte = (i * 6) >> 3;
  const fb = (i * 6) & 7;
  const b0 = regs[byte]!;
  const b1 = regs[byte + 1] ?? 0;
  return ((b0 >> fb) | (b1 << (8 - fb))) & 63;
}

function denseSetRegister(regs: Uint8Array, i: number, v: number): void {
  const byte = (i * 6) >> 3;
  const fb = (i * 6) & 7;
  regs[byte] = (regs[byte]! & ~(63 << fb)) | (v << fb);
  if (byte + 1 < hllRegisterCount * 6 / 8) regs[byte + 1] = (regs[byte + 1]! & ~(63 >> (8 - fb))) | (v >> (8 - fb));
}

function denseSet(regs: Uint8Array, index: number, count: number): number {
  if (count > denseGetRegister(regs, index)) {
    denseSetRegister(regs, index, count);
    return 1;
  }
  return 0;
}

function hllSigma(x: number): number {
  if (x === 1) return Infinity;
  let zPrime: number;
  let y = 1;
  let z = x;
  do {
    x *= x;
    zPrime = z;
    z += x * y;
    y += y;
  } while (zPrime !== z);
  return z;
}

function hllTau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let zPrime: number;
  let y = 1.0;
  let z = 1 - x;
  do {
    x = Math.sqrt(x);
    zPrime = z;
    y *= 0.5;
    z -= Math.pow(1 - x, 2) * y;
  } while (zPrime !== z);
  return z / 3;
}

/** Ertl's estimator as Redis 7.0's hllCount (double arithmetic, llroundl). */
function countFromHisto(histo: number[]): number {
  const m = hllRegisterCount;
  let z = m * hllTau((m - histo[hllQ + 1]!) / m);
  for (let j = hllQ; j >= 1; --j) {
    z += histo[j]!;
    z *= 0.5;
  }
  z += m * hllSigma(histo[0]! / m);
  const e = (alphaInf * m * m) / z;
  // llroundl: half away from zero; e >= 0 here (0 when z is infinite).
  // Math.round is exact (not floor(e + 0.5)) and rounds halves up, as llroundl for e >= 0.
  return Math.round(e);
}

// --- MurmurHash64A on 32-bit halves ------------------------------------------------------

const mHi = 0xc6a4a793;
const mLo = 0x5bd1e995;
let hHi = 0;
let hLo = 0;

/** (aHi,aLo) * (bHi,bLo) mod 2^64 into (mulHi, mulLo). */
let mulHi = 0;
let mulLo = 0;
function mul64(aHi: number, aLo: number, bHi: number, bLo: number): void {
  const a1 = aLo >>> 16;
  const a0 = aLo & 0xffff;
  const b1 = bLo >>> 16;
  const b0 = bLo & 0xffff;
  const lo0 = a0 * b0;
  const mid = a1 * b0 + a0 * b1;
  // High 32 bits of aLo*bLo, exactly (every term below 2^53).
  const carry = Math.floor((mid + Math.floor(lo0 / 65536)) / 65536);
  const hiLoLo = a1 * b1 + carry;
  mulLo = Math.imul(aLo, bLo) >>> 0;
  mulHi = (hiLoLo + Math.imul(aHi, bLo) + Math.imul(aLo, bHi)) >>> 0;
}

/** Register index and run length of the last patLen() call. */
let patIndex = 0;
let patCount = 0;

/** hllPatLen: hashes `ele` (MurmurHash64A, seed 0xadc83b19) into patIndex/patCount. */
function patLen(ele: Uint8Array): void {
  const len = ele.length;
  // h = seed ^ (len * m)
  mul64(0, len, mHi, mLo);
  hHi = mulHi;
  hLo = (mulLo ^ 0xadc83b19) >>> 0;
  const blocks = len - (len & 7);
  let i = 0;
  for (; i < blocks; i += 8) {
    let kLo = (ele[i]! | (ele[i + 1]! << 8) | (ele[i + 2]! << 16) | (ele[i + 3]! << 24)) >>> 0;
    let kHi = (ele[i + 4]! | (ele[i + 5]! << 8) | (ele[i + 6]! << 16) | (ele[i + 7]! << 24)) >>> 0;
    mul64(kHi, kLo, mHi, mLo);
    kHi = mulHi;
    kLo = mulLo;
    // k ^= k >> 47
    kLo = (kLo ^ (kHi >>> 15)) >>> 0;
    mul64(kHi, kLo, mHi, mLo);
    hHi = (hHi ^ mulHi) >>> 0;
    hLo = (hLo ^ mulLo) >>> 0;
    mul64(hHi, hLo, mHi, mLo);
    hHi = mulHi;
    hLo = mulLo;
  }
  const rest = len & 7;
  if (rest > 0) {
    for (let j = rest - 1; j >= 0; j--) {
      const byte = ele[i + j]!;
      if (j >= 4) hHi = (hHi ^ (byte << ((j - 4) * 8))) >>> 0;
      else hLo = (hLo ^ (byte << (j * 8))) >>> 0;
    }
    mul64(hHi, hLo, mHi, mLo);
    hHi = mulHi;
    hLo = mulLo;
  }
  hLo = (hLo ^ (hHi >>> 15)) >>> 0;
  mul64(hHi, hLo, mHi, mLo);
  hHi = mulHi;
  hLo = mulLo;
  hLo = (hLo ^ (hHi >>> 15)) >>> 0;
  patIndex = hLo & (hllRegisterCount - 1);
  // hash >>= 14; hash |= 1 << 50; count the trailing zeros + 1.
  let count = 1;
  let bit = hllP;
  while (bit < 64) {
    const set = bit < 32 ? (hLo >>> bit) & 1 : (hHi >>> (bit - 32)) & 1;
    if (set) break;
    count++;
    bit++;
  }
  if (count > hllQ + 1) count = hllQ + 1;
  patCount = count;
}

/** For tests: the register index and count of an element. */
export function hllPatLen(ele: Uint8Array): [number, number] {
  patLen(ele);
  return [patIndex, patCount];
}

/** Whether a string value is an HLL as isHLLObjectOrReply checks it. */
export function isHllString(s: string): boolean {
  if (s.length < hllHeaderBytes) return false;
  if (s.charCodeAt(0) !== 72 || s.charCodeAt(1) !== 89 || s.charCodeAt(2) !== 76 || s.charCodeAt(3) !== 76) return false;
  const enc = s.charCodeAt(4);
  if (enc > HLL_SPARSE) return false;
  if (enc === HLL_DENSE && s.length !== hllDenseBytes) return false;
  return true;
}

/**
 * PFSELFTEST's checks, smaller than Redis's (which adds 10M elements): dense registers
 * read back what was written without touching their neighbours, and a sparse and a
 * dense HLL fed the same elements agree on the count at every checkpoint, within six
 * standard errors of the truth. Returns null, or the failure as Redis words it.
 */
export function hllSelfTest(random: () => number, elementCount = 100_000): string | null {
  const regs = new Uint8Array(hllRegisterCount * 6 / 8 + 1);
  const bytes = new Uint8Array(hllRegisterCount);
  for (let cycle = 0; cycle < 20; cycle++) {
    for (let i = 0; i < hllRegisterCount; i++) {
      const r = Math.floor(random() * 64);
      bytes[i] = r;
      denseSetRegister(regs, i, r);
    }
    for (let i = 0; i < hllRegisterCount; i++) {
      const v = denseGetRegister(regs, i);
      if (v !== bytes[i]) return `TESTFAILED Register ${i} should be ${bytes[i]} but is ${v}`;
    }
  }
  const dense = Hll.create();
  dense.toDense();
  const sparse = Hll.create();
  const relErr = 1.04 / Math.sqrt(hllRegisterCount);
  const seed = Math.floor(random() * 2 ** 32);
  const ele = Buffer.alloc(8);
  let checkpoint = 1;
  for (let j = 1; j <= elementCount; j++) {
    ele.writeUInt32LE((j ^ seed) >>> 0, 0);
    ele.writeUInt32LE(Math.floor(j / 2 ** 32), 4);
    dense.add(ele, 3000);
    sparse.add(ele, 3000);
    if (j !== checkpoint) continue;
    if (j < 1500 && sparse.encoding !== HLL_SPARSE) return 'TESTFAILED sparse encoding not used';
    const d = dense.count()!;
    if (d !== sparse.count()) return 'TESTFAILED dense/sparse disagree';
    let maxErr = Math.ceil(relErr * 6 * checkpoint);
    if (checkpoint === 10) maxErr = 1;
    if (Math.abs(checkpoint - d) > maxErr) return `TESTFAILED Too big error. card:${d} abserr:${Math.abs(checkpoint - d)} maxerr:${maxErr}`;
    checkpoint *= 10;
  }
  return null;
}
