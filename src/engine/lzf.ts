// LZF compression (liblzf 3.6, as Redis uses it for RDB strings and DUMP payloads)
// (engine worker).
//
// Format (liblzf's lzf_c.c), a sequence of chunks:
//   000LLLLL  <L+1 literal bytes>           literal run of 1..32 bytes
//   LLLooooo  oooooooo                      back reference, length L+2 (L in 1..6)
//   111ooooo  LLLLLLLL oooooooo             back reference, length L+9
// where the 13-bit offset o means "copy from o+1 bytes before the output position".
//
// `lzfCompress` reproduces liblzf 3.6's compressor as built by Redis and by Debian's
// liblzf (HLOG 16, VERY_FAST, not ULTRA_FAST), hash function and table updates
// included, so that DUMP payloads are byte-identical to redis-server's. One deliberate
// difference: liblzf leaves its hash table uninitialised (INIT_HTAB 0) and may, very
// rarely, pick up a stale slot that happens to point at equal bytes; we start from an
// empty table. Either output decompresses to the same bytes.
//
// Invariants: lzfCompress returns null rather than output longer than `outBytesMax`;
// lzfDecompress never reads or writes out of bounds and returns null on any
// malformed input (as liblzf returns 0 with CHECK_INPUT).

const HLOG = 16;
const HSIZE = 1 << HLOG;
const MAX_LIT = 1 << 5;
const MAX_OFF = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3);

/**
 * Reused between calls: `base + position + 1` of the last input position with each
 * hash. `base` grows past every call's positions, so entries of earlier calls read as
 * empty without clearing 256 KiB per call (small strings are the common case).
 */
const htab = new Uint32Array(HSIZE);
let htabBase = 0;

function idx(h: number): number {
  // ((h >> (3*8 - HLOG)) - h*5) & (HSIZE - 1), in uint32 arithmetic.
  return ((h >>> (24 - HLOG)) - Math.imul(h, 5)) & (HSIZE - 1);
}

/**
 * Compresses `input` into at most `outBytesMax` bytes; null if that is not possible
 * (liblzf returns 0 then; Redis then stores the string verbatim).
 */
export function lzfCompress(input: Uint8Array, outBytesMax: number): Buffer | null {
  const inLen = input.length;
  if (inLen === 0 || outBytesMax <= 0) return null;
  if (htabBase + inLen + 1 > 0xffffffff) {
    htab.fill(0);
    htabBase = 0;
  }
  const base = htabBase;
  htabBase += inLen + 1;
  const out = Buffer.allocUnsafe(outBytesMax);
  const outEnd = outBytesMax;
  let ip = 0;
  let op = 0;
  let lit = 0;
  op++; // start run

  // FRST(ip) then NEXT: hval accumulates bytes shifted left, truncated to 32 bits.
  let hval = ((input[0]! << 8) | (inLen > 1 ? input[1]! : 0)) >>> 0;
  while (ip < inLen - 2) {
    hval = ((hval << 8) | input[ip + 2]!) >>> 0;
    const slot = idx(hval);
    const stored = htab[slot]!;
    htab[slot] = base + ip + 1;
    const ref = stored - base - 1;
    let off = 0;
    if (
      stored > base &&
      ref < ip &&
      (off = ip - ref - 1) < MAX_OFF &&
      ref > 0 &&
      input[ref] === input[ip] &&
      input[ref + 1] === input[ip + 1] &&
      input[ref + 2] === input[ip + 2]
    ) {
      // Match found.
      let len = 2;
      let maxlen = inLen - ip - len;
      if (maxlen > MAX_REF) maxlen = MAX_REF;

      // liblzf 3.6's exact room test (3.5, bundled in Redis's tree, tested before
      // undoing an empty run and also required ip + 4 < in_end).
      if (op - (lit === 0 ? 1 : 0) + 3 + 1 >= outEnd) return null;

      out[op - lit - 1] = lit - 1; // stop run
      if (lit === 0) op--; // undo run if length is zero

      // liblzf unrolls the first 16 comparisons without checking maxlen (they stay in
      // bounds: maxlen > 16 there); the match may then end past maxlen, and the
      // output depends on it, so the unrolled loop is reproduced as it is.
      let mismatch = false;
      if (maxlen > 16) {
        for (let k = 0; k < 16; k++) {
          len++;
          if (input[ref + len] !== input[ip + len]) {
            mismatch = true;
            break;
          }
        }
      }
      if (!mismatch) {
        do len++;
        while (len < maxlen && input[ref + len] === input[ip + len]);
      }

      len -= 2; // len is now #octets - 1
      ip++;

      if (len < 7) {
        out[op++] = ((off >> 8) + (len << 5)) & 0xff;
      } else {
        out[op++] = ((off >> 8) + (7 << 5)) & 0xff;
        out[op++] = (len - 7) & 0xff;
      }
      out[op++] = off & 0xff;
      lit = 0;
      op++; // start run

      ip += len + 1;
      if (ip >= inLen - 2) break;

      // VERY_FAST: re-hash the last two positions of the match.
      ip -= 2;
      hval = ((input[ip]! << 8) | input[ip + 1]!) >>> 0;
      hval = ((hval << 8) | input[ip + 2]!) >>> 0;
      htab[idx(hval)] = base + ip + 1;
      ip++;
      hval = ((hval << 8) | input[ip + 2]!) >>> 0;
      htab[idx(hval)] = base + ip + 1;
      ip++;
    } else {
      // One more literal byte.
      if (op >= outEnd) return null;
      lit++;
      out[op++] = input[ip++]!;
      if (lit === MAX_LIT) {
        out[op - lit - 1] = lit - 1; // stop run
        lit = 0;
        op++; // start run
      }
    }
  }

  if (op + 3 > outEnd) return null; // at most 3 bytes can be missing here

  while (ip < inLen) {
    lit++;
    out[op++] = input[ip++]!;
    if (lit === MAX_LIT) {
      out[op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
  }

  out[op - lit - 1] = lit - 1; // end run
  if (lit === 0) op--; // undo run if length is zero
  return out.subarray(0, op);
}

/**
 * Decompresses `input` into exactly `outBytes` bytes, as Redis checks
 * (lzf_decompress(...) == len); null if the input is malformed or does not produce
 * exactly that many bytes.
 */
export function lzfDecompress(input: Uint8Array, outBytes: number): Buffer | null {
  const inLen = input.length;
  if (inLen === 0) return null;
  const out = Buffer.allocUnsafe(outBytes);
  let ip = 0;
  let op = 0;
  do {
    let ctrl = input[ip++]!;
    if (ctrl < 1 << 5) {
      // Literal run.
      ctrl++;
      if (op + ctrl > outBytes) return null;
      if (ip + ctrl > inLen) return null;
      out.set(input.subarray(ip, ip + ctrl), op);
      op += ctrl;
      ip += ctrl;
    } else {
      // Back reference.
      let len = ctrl >> 5;
      let ref = op - ((ctrl & 0x1f) << 8) - 1;
      if (ip >= inLen) return null;
      if (len === 7) {
        len += input[ip++]!;
        if (ip >= inLen) return null;
      }
      ref -= input[ip++]!;
      if (op + len + 2 > outBytes) return null;
      if (ref < 0) return null;
      // Byte by byte: the source may overlap the bytes being written (runs).
      for (let k = 0; k < len + 2; k++) out[op++] = out[ref++]!;
    }
  } while (ip < inLen);
  return op === outBytes ? out : null;
}
