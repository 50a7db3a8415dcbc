// CRC-64/Jones as Redis's crc64.c computes it (engine worker): the checksum in the
// footer of every DUMP payload and RDB file.
//
// Parameters (Redis's crc64.c): polynomial 0xad93d23594c935a9, reflected input and
// output, initial value 0, no final xor; check value crc64("123456789") =
// 0xe9c6d914c4b8d9ca (asserted at load). The register is kept as two uint32 halves
// so the byte loop never allocates (a BigInt per byte would).
//
// Invariants: TABLE_HI/TABLE_LO hold the reflected slicing-by-8 tables; `crc64` is pure.

import { assert } from '../assert.js';

/** The polynomial bit-reversed (Redis works on the reflected form): 0x95ac9329ac4bc9b5. */
const POLY_REFLECTED_HI = 0x95ac9329;
const POLY_REFLECTED_LO = 0xac4bc9b5;

// Slicing-by-8 (as Redis's crcspeed): TABLE_*[k * 256 + n] is the CRC of byte n followed
// by k zero bytes, so eight input bytes are folded with eight lookups.
const TABLE_HI = new Uint32Array(8 * 256);
const TABLE_LO = new Uint32Array(8 * 256);

for (let n = 0; n < 256; n++) {
  let hi = 0;
  let lo = n;
  for (let k = 0; k < 8; k++) {
    const lsb = lo & 1;
    lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
    hi = hi >>> 1;
    if (lsb) {
      hi = (hi ^ POLY_REFLECTED_HI) >>> 0;
      lo = (lo ^ POLY_REFLECTED_LO) >>> 0;
    }
  }
  TABLE_HI[n] = hi;
  TABLE_LO[n] = lo;
}
for (let k = 1; k < 8; k++) {
  for (let n = 0; n < 256; n++) {
    const prevHi = TABLE_HI[(k - 1) * 256 + n]!;
    const prevLo = TABLE_LO[(k - 1) * 256 + n]!;
    const idx = prevLo & 0xff;
    TABLE_LO[k * 256 + n] = (((prevLo >>> 8) | (prevHi << 24)) ^ TABLE_LO[idx]!) >>> 0;
    TABLE_HI[k * 256 + n] = ((prevHi >>> 8) ^ TABLE_HI[idx]!) >>> 0;
  }
}

/**
 * Continues a CRC-64/Jones over `bytes[start, end)` from `crc` (0 to begin), as
 * Redis's crc64(crc, s, l). Returns the register as a bigint.
 */
export function crc64(bytes: Uint8Array, crc = 0n, start = 0, end = bytes.length): bigint {
  let hi = Number((crc >> 32n) & 0xffffffffn) >>> 0;
  let lo = Number(crc & 0xffffffffn) >>> 0;
  const T_HI = TABLE_HI;
  const T_LO = TABLE_LO;
  let i = start;
  for (; i + 8 <= end; i += 8) {
    lo ^= bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    hi ^= bytes[i + 4]! | (bytes[i + 5]! << 8) | (bytes[i + 6]! << 16) | (bytes[i + 7]! << 24);
    const a = 7 * 256 + (lo & 0xff);
    const b = 6 * 256 + ((lo >>> 8) & 0xff);
    const c = 5 * 256 + ((lo >>> 16) & 0xff);
    const d = 4 * 256 + (lo >>> 24);
    const e = 3 * 256 + (hi & 0xff);
    const f = 2 * 256 + ((hi >>> 8) & 0xff);
    const g = 256 + ((hi >>> 16) & 0xff);
    const h = hi >>> 24;
    lo = (T_LO[a]! ^ T_LO[b]! ^ T_LO[c]! ^ T_LO[d]! ^ T_LO[e]! ^ T_LO[f]! ^ T_LO[g]! ^ T_LO[h]!) >>> 0;
    hi = (T_HI[a]! ^ T_HI[b]! ^ T_HI[c]! ^ T_HI[d]! ^ T_HI[e]! ^ T_HI[f]! ^ T_HI[g]! ^ T_HI[h]!) >>> 0;
  }
  for (; i < end; i++) {
    const idx = (lo ^ bytes[i]!) & 0xff;
    lo = (((lo >>> 8) | (hi << 24)) ^ T_LO[idx]!) >>> 0;
    hi = ((hi >>> 8) ^ T_HI[idx]!) >>> 0;
  }
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** Writes crc64(bytes[0, end)) little-endian at `at` (the DUMP footer's layout). */
export function writeCrc64LE(buf: Buffer, end: number, at: number): void {
  buf.writeBigUInt64LE(crc64(buf, 0n, 0, end), at);
}

assert(crc64(Buffer.from('123456789', 'latin1')) === 0xe9c6d914c4b8d9can, 'crc64 check value');
