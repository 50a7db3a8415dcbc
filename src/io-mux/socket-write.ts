// Direct reply writes for the io-mux (main thread): a connection's reply bytes go
// straight to its TCP handle's writeBuffer/writev, the native calls net.Socket's
// Writable ends in, skipping the Writable's per-write work (writeOrBuffer, a fresh
// WriteWrap, afterWriteDispatched, the write callback). Under GET -P 1 that work was
// about 5% of the main thread (a --cpu-prof / perf profile: Writable._write inclusive
// 54%, the native WriteBuffer 49%).
//
// How Node's own path works (lib/internal/stream_base_commons.js, src/stream_base.cc):
// handle.writeBuffer(req, bytes) first tries a non-blocking write; if the kernel took
// every byte, the call is over, `req` was never bound to a native request and is free to
// reuse, and streamBaseState[kLastWriteWasAsync] is 0. Otherwise libuv queues the rest
// (in order behind earlier queued writes: uv_try_write refuses while its queue is
// non-empty), `req` is bound until libuv calls req.oncomplete(status), and
// handle.writeQueueSize counts the bytes still queued. The caller must keep the bytes
// alive until then (req.buffer holds them, as Node does).
//
// Order with the Writable: socket.end() shuts down through libuv, which runs the
// shutdown after the queued writes; socket.destroy() cancels them (oncomplete with
// an error status), which is what destroying a client means anyway. Direct writes and
// socket.write() must not be mixed while the Writable holds bytes (they would pass
// them): connection.ts writes directly only while socket.writableLength is 0, and it
// writes nothing else through the socket.
//
// WriteWrap and streamBaseState come from Node's stream_wrap binding
// (src/net/stream-wrap.ts, shared with the journal wire; connection.ts's read callback
// reads streamBaseState too). If anything is missing (another
// Node), `directWrites` is undefined and connections write through socket.write();
// test/io-mux/write-mode.test.ts fails on this Node if that happens.

import type { Socket } from 'node:net';
import { streamWrap, type StreamWrapBinding } from '../net/stream-wrap.js';

/** A write request object (WriteWrap) as Node's own JS fills it in. */
export interface WriteReq {
  handle: unknown;
  oncomplete: (this: WriteReq, status: number) => void;
  /** Keeps the bytes of a queued write alive (libuv holds a raw pointer to them). */
  buffer: Uint8Array | Uint8Array[] | null;
  /** Who gets the completion of a queued write. */
  owner: DirectWriteOwner | null;
}

export interface DirectWriteOwner {
  /** A queued direct write finished (status 0) or failed (negative errno). */
  afterDirectWrite(status: number): void;
}

/** The TCP handle's write side (a TCPWrap: LibuvStreamWrap's methods). */
export interface WriteHandle {
  writeBuffer(req: WriteReq, bytes: Uint8Array): number;
  writev(req: WriteReq, chunks: Uint8Array[], allBuffers: boolean): number;
  readonly writeQueueSize: number;
}

/** Undefined where this Node's internals do not match (then every socket uses socket.write). */
export const directWrites: StreamWrapBinding | undefined = streamWrap;

/** The socket's handle if it can take direct writes, else undefined. */
export function writeHandleOf(socket: Socket): WriteHandle | undefined {
  if (directWrites === undefined) return undefined;
  const handle = (socket as unknown as { _handle?: Partial<WriteHandle> | null })._handle;
  if (handle === undefined || handle === null) return undefined;
  if (typeof handle.writeBuffer !== 'function' || typeof handle.writev !== 'function' || typeof handle.writeQueueSize !== 'number') return undefined;
  return handle as WriteHandle;
}

function onDirectWriteComplete(this: WriteReq, status: number): void {
  const owner = this.owner;
  this.owner = null;
  this.buffer = null;
  owner?.afterDirectWrite(status);
}

/** A request object not bound to a queued write (reused while writes complete at once). */
let spareReq: WriteReq | undefined;

function takeReq(handle: WriteHandle): WriteReq {
  let req = spareReq;
  if (req === undefined) {
    req = new directWrites!.WriteWrap() as WriteReq;
    req.oncomplete = onDirectWriteComplete;
    req.buffer = null;
    req.owner = null;
    spareReq = req;
  }
  req.handle = handle;
  return req;
}

/**
 * After writeBuffer/writev returned 0: if libuv queued part of the write, `req` now
 * belongs to it (keeps `bytes`, reports to `owner`) and the next write takes a new one.
 */
function settle(req: WriteReq, bytes: Uint8Array | Uint8Array[], owner: DirectWriteOwner): boolean {
  const binding = directWrites!;
  if (binding.streamBaseState[binding.kLastWriteWasAsync] === 0) return false;
  req.buffer = bytes;
  req.owner = owner;
  spareReq = undefined;
  return true;
}

/** A failed write may have bound and disposed of the request: it is not reused. */
function failed(err: number): number {
  spareReq = undefined;
  return err;
}

/**
 * Writes `bytes` on `handle`. Returns 0 if the kernel took them all, 1 if part of them
 * is queued (owner.afterDirectWrite follows), or a negative errno.
 */
export function writeDirect(handle: WriteHandle, bytes: Uint8Array, owner: DirectWriteOwner): number {
  const req = takeReq(handle);
  const err = handle.writeBuffer(req, bytes);
  if (err !== 0) return failed(err);
  return settle(req, bytes, owner) ? 1 : 0;
}

/** As writeDirect, for several buffers in one writev. */
export function writevDirect(handle: WriteHandle, chunks: Uint8Array[], owner: DirectWriteOwner): number {
  const req = takeReq(handle);
  const err = handle.writev(req, chunks, true);
  if (err !== 0) return failed(err);
  return settle(req, chunks, owner) ? 1 : 0;
}
