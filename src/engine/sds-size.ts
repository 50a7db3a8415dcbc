// The allocation behind a string Redis grows in place (engine worker, MEMORY USAGE): sds.c's
// sdsnewlen and sdsMakeRoomFor sizes under jemalloc, so MEMORY USAGE of a string that
// SETBIT or BITFIELD lengthened reports what Redis 7.0 would hold.
//
//   sdsnewlen(len)        header by sdsReqType(len) (1 byte under 32, 3 under 256, 5 under
//                         64K, 9 above; the empty string gets 3), one allocation of
//                         header + len + 1 rounded up to jemalloc's size class; `alloc`
//                         (the usable data bytes) is that class minus header and NUL,
//                         except for the 1-byte header, which records no spare room.
//   sdsMakeRoomFor(+n)    nothing while len + n fits `alloc`; else greedy: the new length
//                         doubled under 1 MB (SDS_MAX_PREALLOC), + 1 MB above, header by
//                         that size (never the 1-byte one), rounded up as above.
//   Both cap `alloc` at what the header type can record (sdsTypeMaxSize).
//
// Invariants: len <= alloc < total.

import { jemallocBytes } from './types/hash.js';

/** An sds's data capacity (Redis's sdsalloc) and its whole allocation (zmalloc_size). */
export interface SdsSize {
  alloc: number;
  total: number;
}

const maxPreallocBytes = 1024 * 1024;

function headerBytes(len: number): number {
  return len < 32 ? 1 : len < 256 ? 3 : len < 65536 ? 5 : len < 2 ** 32 ? 9 : 17;
}

/**
 * sdsTypeMaxSize: the largest `alloc` a header can record. The allocation may be larger
 * (jemalloc's class), but the spare room beyond this is not used, so the next growth
 * comes sooner (e.g. an sdshdr8 in a 320-byte class records 255, not 316).
 */
function allocMax(hdr: number): number {
  return hdr === 3 ? 255 : hdr === 5 ? 65535 : hdr === 9 ? 2 ** 32 - 1 : Number.MAX_SAFE_INTEGER;
}

/** The sds sdsnewlen makes for `len` bytes (createRawStringObject, dbUnshareStringValue). */
export function sdsNew(len: number): SdsSize {
  const hdr = len === 0 ? 3 : headerBytes(len);
  const total = jemallocBytes(hdr + len + 1);
  return { alloc: hdr === 1 ? len : Math.min(total - hdr - 1, allocMax(hdr)), total };
}

/** The sds after sdsgrowzero / sdsMakeRoomFor to `len` bytes, from `from`. */
export function sdsGrow(from: SdsSize, len: number): SdsSize {
  if (len <= from.alloc) return from;
  const newlen = len < maxPreallocBytes ? len * 2 : len + maxPreallocBytes;
  const hdr = Math.max(3, headerBytes(newlen));
  const total = jemallocBytes(hdr + newlen + 1);
  return { alloc: Math.min(total - hdr - 1, allocMax(hdr)), total };
}

/** Redis's OBJ_ENCODING_EMBSTR_SIZE_LIMIT: longer strings SET stores are 'raw'. */
const embstrBytesMax = 44;

/**
 * The sds Redis holds for an existing string of `length` bytes before an in-place write
 * (APPEND, SETRANGE, SETBIT, BITFIELD), from the key's raw-string mark (Db.rawStringSize):
 * the size an earlier in-place write recorded; for a string SET (or the like) stored
 * 'raw' (no mark), the argument's sds after tryObjectEncoding's trimStringObjectIfNeeded
 * (spare room over a tenth of the length is given back: alloc = length, the allocation
 * keeps its size class); else (marked raw without a size) what dbUnshareStringValue's,
 * SETRANGE's or SETBIT's sdsnewlen makes.
 */
export function storedSds(recorded: SdsSize | null | undefined, length: number): SdsSize {
  if (recorded) return recorded;
  const fresh = sdsNew(length);
  if (recorded === undefined && length > embstrBytesMax && fresh.alloc - length > Math.floor(length / 10)) return { alloc: length, total: fresh.total };
  return fresh;
}

