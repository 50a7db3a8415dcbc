// xxhash64 for the journal's frames and small files (src/journal/storage) and nothing
// else. Runs in any thread that imports it; the wasm module is instantiated once per
// module instance by top-level await, so callers use plain synchronous functions.
//
// Two ways in:
// - checksum64(bytes): one checksum (xxhash-wasm's h64Raw). Meta files, frame reads.
// - ChecksumBatch: many checksums over one buffer, the append path (a leader's and a
//   follower's frames, ~35 per append at SET -P 1). h64Raw costs ~220 ns a call on top
//   of the hashing: a view of the frame to pass it, the wasm memory's `buffer` getter
//   (a C++ call), a copy into wasm memory, a BigInt seed in and two BigInts out. A batch
//   copies its bytes into wasm memory once and calls the module's xxh64 export per
//   span: 35 frames took 8.0 µs of CPU one by one and 2.0 µs as a batch.
// The batch path instantiates its own copy of the package's wasm binary (the same one
// h64Raw runs, shipped as workerd/xxhash.wasm), so it can address the memory itself.
// At load both paths must agree on test vectors (asserted: a changed package fails
// here, not in the data).

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import xxhash from 'xxhash-wasm';
import { assert } from '../../assert.js';

const api = await xxhash();

/** xxhash64 (seed 0) of the bytes. */
export function checksum64(bytes: Uint8Array): bigint {
  return api.h64Raw(bytes);
}

/** The part of the WebAssembly global used here (this project's TypeScript libs do not declare it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmGlobal {
  instantiate(bytes: Uint8Array): Promise<{ instance: { exports: unknown } }>;
}
const webAssembly = (globalThis as unknown as { WebAssembly: WasmGlobal }).WebAssembly;

interface XxhashExports {
  readonly mem: WasmMemory;
  /** xxhash64 of memory [at, at + length) with a seed; the result as a signed i64. */
  xxh64(at: number, length: number, seed: bigint): bigint;
}

const wasmPath = new URL('../workerd/xxhash.wasm', pathToFileURL(createRequire(import.meta.url).resolve('xxhash-wasm')));
const wasm = (await webAssembly.instantiate(readFileSync(wasmPath))).instance.exports as XxhashExports;
assert(typeof wasm.xxh64 === 'function' && wasm.mem?.buffer instanceof ArrayBuffer, 'checksum: xxhash wasm exports changed');
const wasmPageBytes = 64 * 1024;
/** Bytes of wasm memory the batch path may use: memory grows to this, or to one larger span. */
const batchWindowBytes = 1024 * 1024;
let heap = new Uint8Array(wasm.mem.buffer);

/**
 * Many checksums over spans of one buffer. load() copies a window of it into wasm
 * memory; sum() hashes a span inside the loaded window. Single-threaded use: a batch
 * is loaded and summed without anything else loading in between.
 */
export const ChecksumBatch = {
  /** Largest span of bytes one load() should take (larger single spans grow the memory). */
  windowBytes: batchWindowBytes,

  /** Copies bytes [start, end) of `buf` into wasm memory; later sums are relative to start. */
  load(buf: Uint8Array, start: number, end: number): void {
    const bytes = end - start;
    if (bytes > heap.byteLength) {
      wasm.mem.grow(Math.ceil((bytes - heap.byteLength) / wasmPageBytes));
      heap = new Uint8Array(wasm.mem.buffer);
    }
    heap.set(start === 0 && end === buf.byteLength ? buf : buf.subarray(start, end));
  },

  /** xxhash64 (seed 0) of the loaded bytes [at, at + length), as an unsigned BigInt. */
  sum(at: number, length: number): bigint {
    return BigInt.asUintN(64, wasm.xxh64(at, length, 0n));
  },

  /** Stores that checksum little-endian at `offset` of `view` (the frames' append path). */
  store(at: number, length: number, view: DataView, offset: number): void {
    view.setBigUint64(offset, wasm.xxh64(at, length, 0n), true); // setBigUint64 takes it mod 2^64
  },
};

// The two paths agree (lengths across xxhash's 32-byte stripes and 8/4/1-byte tails).
{
  const probe = new Uint8Array(300);
  for (let i = 0; i < probe.length; i++) probe[i] = (i * 131 + 7) & 0xff;
  ChecksumBatch.load(probe, 0, probe.length);
  for (const length of [0, 1, 3, 4, 7, 8, 31, 32, 33, 64, 100, 299]) {
    for (const at of [0, 1]) {
      const expected = checksum64(probe.subarray(at, at + length));
      const stored = new DataView(new ArrayBuffer(8));
      ChecksumBatch.store(at, length, stored, 0);
      assert(ChecksumBatch.sum(at, length) === expected && stored.getBigUint64(0, true) === expected, 'checksum: the batch path disagrees with h64Raw');
    }
  }
}
