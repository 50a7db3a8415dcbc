// Node's `stream_wrap` binding: what direct socket I/O needs of Node's internals, found
// once per thread. Used by the io-mux's reply writes and read callback
// (src/io-mux/socket-write.ts, connection.ts) and by the journal wire's direct reads and
// writes (src/journal/wire/socket-io.ts), which each looked it up with a copy of this.
//
// process.binding('stream_wrap') is on Node 20's allowlist and holds the objects Node's
// own lib/internal/stream_base_commons.js uses: WriteWrap (a write request a handle's
// writeBuffer/writev binds when libuv queues the write) and streamBaseState (an Int32Array
// the native side fills per read and per write, at the k* indexes).
//
// Invariant: `streamWrap` is undefined unless every piece is present and every index lies
// inside streamBaseState; then each caller keeps Node's own stream path.

export interface StreamWrapBinding {
  /** Makes a write request object; the callers fill in handle, oncomplete and their fields. */
  readonly WriteWrap: new () => object;
  readonly streamBaseState: Int32Array;
  /** Where a read's byte count (or negative errno) is. */
  readonly kReadBytesOrError: number;
  /** Where a read's offset into its ArrayBuffer is. */
  readonly kArrayBufferOffset: number;
  /** Non-zero after writeBuffer/writev if libuv queued part of the write. */
  readonly kLastWriteWasAsync: number;
}

function findStreamWrap(): StreamWrapBinding | undefined {
  try {
    const binding = (process as unknown as { binding(name: string): Partial<StreamWrapBinding> }).binding('stream_wrap');
    const { WriteWrap, streamBaseState, kReadBytesOrError, kArrayBufferOffset, kLastWriteWasAsync } = binding;
    if (typeof WriteWrap !== 'function' || !(streamBaseState instanceof Int32Array)) return undefined;
    for (const index of [kReadBytesOrError, kArrayBufferOffset, kLastWriteWasAsync]) {
      if (typeof index !== 'number' || index < 0 || index >= streamBaseState.length) return undefined;
    }
    return {
      WriteWrap,
      streamBaseState,
      kReadBytesOrError: kReadBytesOrError!,
      kArrayBufferOffset: kArrayBufferOffset!,
      kLastWriteWasAsync: kLastWriteWasAsync!,
    };
  } catch {
    return undefined;
  }
}

/** Undefined where this Node's internals do not match. */
export const streamWrap: StreamWrapBinding | undefined = findStreamWrap();
