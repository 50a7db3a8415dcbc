// CRC-64/Jones as Redis's crc64.c computes it (engine worker): the checksum in the
// footer of every DUMP payload and RDB file.
//
// Parameters (Redis's crc64.c): polynomial 0xad93d23594c935a9, reflected input and
// output, initial value 0, no final xor; check value crc64("123456789") =
// 0xe9c6d914c4b8d9ca (asserted at load). The register is kept as two uint32 halves
// so the byte loop never allocates (a BigInt per byte would).
//
// Invariants: TABLE_HI/TABLE_LO hold the 256 reflected table entries; `crc64` is pure.

import { assert } from '../assert.js';

/** The polynomial bit-reversed (Redis works on the reflected form): 0x95ac9329ac4bc9b5. */
const POLY_REFLECTED_HI = 0x95ac9329;
const POLY_REFLECTED_LO = 0xac4bc9b5;

const TABLE_HI = new Uint32Array(256);
const TABLE_LO = new Uint32Array(256);

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

/**
 * Continues a CRC-64/Jones over `bytes[start, end)` from `crc` (0 to begin), as
 * Redis's crc64(crc, s, l). Returns the register as a bigint.
 */
export function crc64(bytes: Uint8Array, crc = 0n, start = 0, end = bytes.length): bigint {
  let hi = Number((crc >> 32n) & 0xffffffffn) >>> 0;
  let lo = Number(crc & 0xffffffffn) >>> 0;
  for (let i = start; i < end; i++) {
    const idx = (lo ^ bytes[i]!) & 0xff;
    lo = (((lo >>> 8) | (hi << 24)) ^ TABLE_LO[idx]!) >>> 0;
    hi = ((hi >>> 8) ^ TABLE_HI[idx]!) >>> 0;
  }
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** Writes crc64(bytes[0, end)) little-endian at `at` (the DUMP footer's layout). */
export function writeCrc64LE(buf: Buffer, end: number, at: number): void {
  buf.writeBigUInt64LE(crc64(buf, 0n, 0, end), at);
}

assert(crc64(Buffer.from('123456789', 'latin1')) === 0xe9c6d914c4b8d9can, 'crc64 check value');
