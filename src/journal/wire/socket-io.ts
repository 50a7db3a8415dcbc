// Direct socket reads and writes for WireConnection (src/journal/wire), skipping
// net.Socket's Readable and Writable. Runs wherever a WireConnection runs: a log-node
// process's main thread, or the journal-writer worker of a database process.
//
// Why: a log node handles two to four small messages per append (the append or the
// AppendEntries, the acknowledgments, the answer); under SET -P 1 the Readable's
// push/emit/maybeReadMore and the Writable's writeOrBuffer/WriteWrap/afterWrite around
// each one were 7-11 % of a node's CPU (node --cpu-prof, steady state, session 5).
//
// Reads: the TCP handle's `onread` (Node's onStreamRead, lib/internal/stream_base_commons.js)
// is replaced by one that hands each read straight to the connection as a Buffer over
// the ArrayBuffer Node allocated for that read (one per read, never reused: frames and
// the entries decoded from them may keep views into it). EOF and errors still go to
// Node's function, so 'end', 'error' and 'close' behave as before.
// Writes: bytes go to the handle's writeBuffer, the native call socket.write() ends in.
// If the kernel takes them all the call is over; otherwise libuv queues the rest (in
// order behind anything queued before: uv_try_write refuses while its queue is not
// empty), the request object is bound until its oncomplete(status), and it keeps the
// bytes alive meanwhile. Direct writes and socket.write() are never mixed on a socket
// (a connection that cannot write directly uses socket.write() only); socket.end()
// shuts down after the queued writes, as libuv orders them.
//
// Invariant: if any piece of Node's internals is missing or different (another Node),
// `directSocketIo` is undefined and WireConnection uses 'data' and socket.write();
// test/journal/wire/socket-io.test.ts fails on this Node if that happens.

import type { Socket } from 'node:net';
import { streamWrap, type StreamWrapBinding } from '../../net/stream-wrap.js';

/** A write request (a WriteWrap) as Node's own code fills it in. */
interface WriteReq {
  handle: unknown;
  oncomplete: (this: WriteReq, status: number) => void;
  /** The bytes of a queued write (libuv holds raw pointers to them). */
  buffer: Uint8Array | Uint8Array[] | null;
  writer: DirectWriter | null;
}

interface StreamHandle {
  onread: (this: unknown, arrayBuffer: ArrayBuffer | undefined) => unknown;
  writeBuffer(req: WriteReq, bytes: Uint8Array): number;
  writev(req: WriteReq, chunks: Uint8Array[], allBuffers: boolean): number;
  readonly writeQueueSize: number;
}

/** Undefined where this Node's internals do not match (then sockets use 'data' and write()). */
export const directSocketIo: StreamWrapBinding | undefined = streamWrap;

function streamHandleOf(socket: Socket): StreamHandle | undefined {
  const handle = (socket as unknown as { _handle?: Partial<StreamHandle> | null })._handle;
  if (handle === undefined || handle === null) return undefined;
  if (
    typeof handle.onread !== 'function' ||
    typeof handle.writeBuffer !== 'function' ||
    typeof handle.writev !== 'function' ||
    typeof handle.writeQueueSize !== 'number'
  ) {
    return undefined;
  }
  return handle as StreamHandle;
}

/**
 * Routes the socket's reads to `onChunk` (see the file comment); false (nothing changed)
 * when this Node or this socket does not allow it. The socket must have its handle
 * (accepted, or connect() called) and must not have been read from yet.
 */
export function takeSocketReads(socket: Socket, onChunk: (chunk: Buffer) => void): boolean {
  const binding = directSocketIo;
  const handle = binding === undefined ? undefined : streamHandleOf(socket);
  if (binding === undefined || handle === undefined) return false;
  const nodeOnRead = handle.onread;
  const state = binding.streamBaseState;
  const nreadAt = binding.kReadBytesOrError;
  const offsetAt = binding.kArrayBufferOffset;
  handle.onread = function onRead(this: unknown, arrayBuffer: ArrayBuffer | undefined): unknown {
    const nread = state[nreadAt]!;
    if (nread > 0 && arrayBuffer !== undefined) {
      if (!socket.destroyed) onChunk(Buffer.from(arrayBuffer, state[offsetAt]!, nread));
      return undefined;
    }
    return nodeOnRead.call(this, arrayBuffer); // nothing read, EOF or an error: Node's handling
  };
  return true;
}

function onQueuedWriteComplete(this: WriteReq, status: number): void {
  const writer = this.writer;
  this.writer = null;
  this.buffer = null;
  writer?.afterQueuedWrite(status);
}

/**
 * Writes a socket's bytes through its handle (see the file comment). Create it only
 * with a handle from directWriterFor, before anything was written through the socket.
 */
export class DirectWriter {
  /** A request not bound to a queued write, reused while writes complete at once. */
  private spare: WriteReq | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly handle: StreamHandle,
  ) {}

  /** Bytes libuv still holds for this socket (backpressure). */
  get pendingBytes(): number {
    return this.handle.writeQueueSize;
  }

  /** Writes `bytes` (never modified afterwards); a failure destroys the socket. */
  write(bytes: Uint8Array): void {
    const req = this.takeReq();
    this.settle(req, this.handle.writeBuffer(req, bytes), bytes);
  }

  /** Writes the chunks in order in one call (never modified afterwards). */
  writev(chunks: Uint8Array[]): void {
    const req = this.takeReq();
    this.settle(req, this.handle.writev(req, chunks, true), chunks);
  }

  private takeReq(): WriteReq {
    let req = this.spare;
    if (req === undefined) {
      req = new directSocketIo!.WriteWrap() as WriteReq;
      req.oncomplete = onQueuedWriteComplete;
      req.buffer = null;
      req.writer = null;
    }
    req.handle = this.handle;
    return req;
  }

  private settle(req: WriteReq, err: number, bytes: Uint8Array | Uint8Array[]): void {
    const binding = directSocketIo!;
    if (err !== 0) {
      this.spare = undefined; // a failed write may have bound and disposed of it
      this.socket.destroy(new Error(`socket write failed (errno ${err})`));
      return;
    }
    if (binding.streamBaseState[binding.kLastWriteWasAsync] === 0) {
      this.spare = req; // the kernel took every byte: the request is free again
      return;
    }
    req.buffer = bytes;
    req.writer = this;
    this.spare = undefined;
  }

  afterQueuedWrite(status: number): void {
    if (status < 0 && !this.socket.destroyed) this.socket.destroy(new Error(`socket write failed (errno ${status})`));
  }
}

/** A DirectWriter for the socket, or undefined when it must use socket.write(). */
export function directWriterFor(socket: Socket): DirectWriter | undefined {
  if (directSocketIo === undefined || socket.writableLength > 0) return undefined;
  const handle = streamHandleOf(socket);
  return handle === undefined ? undefined : new DirectWriter(socket, handle);
}
