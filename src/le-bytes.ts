// Little-endian integer stores and loads on a Uint8Array by plain indexed access, for
// the per-record encoders and decoders on hot paths: the journal's (storage/frame.ts,
// wire/codec.ts), the engine's effect records (engine/effects.ts,
// durability/ring-records.ts), reply entries (engine/reply.ts) and request batches
// (workers/batch-format.ts). Runs in whichever thread calls it.
//
// Why not Buffer#writeUInt32LE and friends: each call range-checks its value and
// offset and returns a value, and a 35-record append runs ~300 of them per node (frame
// encoding, AppendEntries encoding and decoding); plain stores compile to a few moves.
// The CALLER checks ranges: a store takes the low bits of what it is given, and the
// bytes it writes must be in bounds (an out-of-bounds indexed store is silently dropped).
// u64 values are safe integers (< 2^53), stored as two u32 halves, low first.

const u32Span = 0x1_0000_0000;

export function storeU16(buf: Uint8Array, at: number, v: number): void {
  buf[at] = v;
  buf[at + 1] = v >>> 8;
}

export function storeU32(buf: Uint8Array, at: number, v: number): void {
  buf[at] = v;
  buf[at + 1] = v >>> 8;
  buf[at + 2] = v >>> 16;
  buf[at + 3] = v >>> 24;
}

/** `v` must be a safe non-negative integer (the caller checked). */
export function storeU64(buf: Uint8Array, at: number, v: number): void {
  const low = v % u32Span;
  storeU32(buf, at, low);
  storeU32(buf, at + 4, (v - low) / u32Span);
}

export function loadU16(buf: Uint8Array, at: number): number {
  return buf[at]! | (buf[at + 1]! << 8);
}

export function loadU32(buf: Uint8Array, at: number): number {
  return (buf[at]! | (buf[at + 1]! << 8) | (buf[at + 2]! << 16)) + buf[at + 3]! * 0x100_0000;
}

/** The u64 at `at`, or NaN when it is at or above 2^53 (never a valid value). */
export function loadU64(buf: Uint8Array, at: number): number {
  const high = loadU32(buf, at + 4);
  if (high >= 0x20_0000) return Number.NaN;
  return high * u32Span + loadU32(buf, at);
}

/** A safe non-negative integer: what a u64 field may hold. */
export function isU64(v: number): boolean {
  return Number.isSafeInteger(v) && v >= 0;
}
