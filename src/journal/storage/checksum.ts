// xxhash64 for the journal's frames and small files (src/journal/storage) and nothing
// else. Runs in any thread that imports it; the wasm module is instantiated once per
// module instance by top-level await, so callers use a plain synchronous function.

import xxhash from 'xxhash-wasm';

const api = await xxhash();

/** xxhash64 (seed 0) of the bytes. */
export function checksum64(bytes: Uint8Array): bigint {
  return api.h64Raw(bytes);
}
