// One client connection's state in the io-mux (main thread): the socket, its request
// parser, its authentication state as the engine reports it, and its output
// backpressure. Requests go straight from the parser into the io-mux's batch encoder
// (this object is the parser's sink); replies come back from the io-mux's reply drain,
// already grouped so that each reply record costs one socket write per connection.
//
// Reply order: one engine worker executes batches in ring order, so a connection's
// replies arrive in the order of its commands; the io-mux writes them in arrival order.
// Before AUTH (with requirepass) the parser holds after each command and a sync entry
// follows it: parsing resumes only once the engine answered, so the next request is
// checked with the right limits (Redis checks them after executing the previous one).
//
// Backpressure: a client that has sent clientRequestInflightBytes since the engine last
// caught up with it stops being read until a sync entry comes back (so the replies in
// flight are bounded); past clientOutputPauseBytes of unsent output the socket stops
// being read until 'drain'; past clientOutputBytesMax the client is disconnected
// (Redis's output-buffer limit). The engine hears of every socket close (close entry).
// The socket is read only while none of the reasons to pause holds (updateReading).
//
// Reads (readMode): where Node allows it, the socket reads into one buffer shared by
// every connection and calls onData straight from the read callback ('user-buffer',
// see enableUserBufferReads below), skipping the Readable stream machinery (push,
// addChunk, emit 'data') and the fresh Buffer per read; otherwise through 'data' events
// ('stream'). Sharing one buffer is safe because the parser consumes a chunk within the
// call: the encoder copies every command, and an incomplete tail is copied into the
// parser's own pending buffer.
//
// Writes (writeMode): where Node allows it, replies go straight to the socket's handle
// ('direct', see socket-write.ts), skipping the Writable's per-write work; the bytes
// libuv still queues (handle.writeQueueSize) are the unsent output the limits above
// apply to, and a queued write's completion takes the place of 'drain'. Otherwise
// through socket.write() ('stream'). A connection writes only through write()/writeRuns().
//
// Invariants: state never moves back (open, then closing, then closed); nothing is parsed after a
// protocol error; no write happens after end/destroy.

import net, { type Socket } from 'node:net';
import type { BatchEncoder } from '../workers/batch-format.js';
import { ParseStatus, RequestParser, type CommandSink, type ParserLimits } from './resp-parser.js';
import type { BusyGate, GateConnection } from './busy-gate.js';
import { handoffStats, handoffStatsOn } from '../ring/handoff-stats.js';
import { directWrites, writeDirect, writeHandleOf, writevDirect, type DirectWriteOwner, type WriteHandle } from './socket-write.js';

export interface ConnectionHost {
  readonly encoder: BatchEncoder;
  /** A request was encoded: flush the batch at the end of this event-loop turn. */
  scheduleFlush(): void;
  /** The request ring is backed up: the host pauses this socket and resumes it later. */
  shouldPauseForBacklog(conn: Connection): boolean;
  /** clientOutputPauseBytes, clientOutputBytesMax, clientRequestInflightBytes, unless a test lowers them. */
  readonly outputPauseBytes: number;
  readonly requestInflightBytes: number;
  readonly outputBytesMax: number;
  /** Request records pushed so far (a connection's lastRecord is relative to it). */
  readonly requestRecords: number;
  /** Answers for the engine while a script is busy (absent: never intercepts). */
  readonly busyGate?: BusyGate;
  /** Parser limits CONFIG SET may change (absent: the defaults). */
  readonly parserLimits?: ParserLimits;
}

/**
 * net.Socket's `onread: { buffer, callback }` option (public for client sockets: Node
 * reads into `buffer` and calls `callback(nread, buffer)` from onStreamRead, with no
 * Readable push and no Buffer per read) stores its two values under module-private
 * symbols (kBuffer, kBufferCb in lib/internal/stream_base_commons.js) that net.Server's
 * accepted sockets cannot be given through any option. So they are found once, on a
 * handle-less probe socket built with the public option (matched by identity, not by
 * name alone), and an accepted socket that is still paused (pauseOnConnect) gets the
 * same two fields plus `_handle.useUserBuffer` (what Node itself calls for the option):
 * from then on Socket.prototype.pause/resume/read start and stop the handle's reads
 * directly, EOF still ends the stream, and errors still destroy it, exactly as for a
 * client socket with `onread`. If any of it is missing (another Node), `userBufferReads`
 * is undefined and every socket uses 'data' events; test/io-mux/read-mode.test.ts fails
 * on this Node if that happens, so an upgrade cannot silently cost the fast path.
 */
interface UserBufferSymbols {
  buffer: symbol;
  callback: symbol;
  generator: symbol;
}

function findUserBufferSymbols(): UserBufferSymbols | undefined {
  try {
    const buffer = Buffer.alloc(1);
    const callback = (): void => {};
    // @types/node types `onread` for socket.connect() only; the constructor takes it too.
    const probe = new net.Socket({ onread: { buffer, callback } } as net.SocketConstructorOpts);
    const fields = probe as unknown as Record<symbol, unknown>;
    const symbols = Object.getOwnPropertySymbols(probe);
    const bufferSymbol = symbols.find((s) => fields[s] === buffer);
    const callbackSymbol = symbols.find((s) => fields[s] === callback);
    // The generator form (onread.buffer as a function) must be off (null) for a fixed buffer.
    const generatorSymbol = symbols.find((s) => s.description === 'kBufferGen' && fields[s] === null);
    probe.destroy();
    if (bufferSymbol === undefined || callbackSymbol === undefined || generatorSymbol === undefined) return undefined;
    return { buffer: bufferSymbol, callback: callbackSymbol, generator: generatorSymbol };
  } catch {
    return undefined;
  }
}

/** Undefined where this Node's internals do not match (then every socket uses 'data'). */
export const userBufferReads: UserBufferSymbols | undefined = findUserBufferSymbols();

/**
 * Bytes of the read buffer shared by every connection: what one read() may take. 64 KiB,
 * as Node's own per-read allocation, so a pipelined client is read in as few calls.
 */
const sharedReadBytes = 64 * 1024;
let sharedReadBuffer: Buffer | undefined;

interface UserBufferHandle {
  useUserBuffer(buffer: Uint8Array): void;
  reading?: boolean;
}

/**
 * Switches a paused, freshly accepted socket to user-buffer reads; false (nothing
 * changed) when this Node or this socket does not allow it.
 */
function enableUserBufferReads(socket: Socket, callback: (nread: number, buffer: Buffer) => void): boolean {
  const symbols = userBufferReads;
  const handle = (socket as unknown as { _handle?: UserBufferHandle | null })._handle;
  if (symbols === undefined || handle === undefined || handle === null || typeof handle.useUserBuffer !== 'function') return false;
  const fields = socket as unknown as Record<symbol, unknown>;
  // An accepted socket starts with all three null; anything else is not the Node we know.
  if (fields[symbols.buffer] !== null || fields[symbols.callback] !== null || fields[symbols.generator] !== null) return false;
  if (handle.reading === true) return false; // pauseOnConnect stopped it: the switch needs that
  sharedReadBuffer ??= Buffer.allocUnsafe(sharedReadBytes);
  fields[symbols.buffer] = sharedReadBuffer;
  fields[symbols.callback] = callback;
  handle.useUserBuffer(sharedReadBuffer);
  return true;
}

/**
 * Replaces the handle's read callback (Node's onStreamRead, which the native side calls
 * for every read) with one that hands data straight to `callback`: Node's also updates
 * the socket's idle timer (the io-mux sets none; the engine closes idle clients) and
 * looks up the user buffer and callback through symbols on every read (4% of the main
 * thread's samples under GET -P 1). EOF and errors still go to Node's function. Only
 * for a socket in user-buffer reads; false (nothing changed) if this Node differs.
 */
function takeReadCallback(socket: Socket, conn: Connection): boolean {
  const binding = directWrites;
  const handle = (socket as unknown as { _handle?: { onread?: unknown } | null })._handle;
  if (binding === undefined || handle === undefined || handle === null || typeof handle.onread !== 'function') return false;
  const nodeOnRead = handle.onread as (this: unknown, arrayBuffer: unknown) => unknown;
  const state = binding.streamBaseState;
  const index = binding.kReadBytesOrError;
  const buffer = sharedReadBuffer!;
  // Straight to onData, which drops input once the connection is not open. A destroyed
  // socket has no handle left to read (destroy closes it), so Node's own check of
  // socket.destroyed (a getter over both stream states) is not repeated per read.
  handle.onread = function onRead(this: unknown, arrayBuffer: unknown): unknown {
    const nread = state[index]!;
    if (nread > 0) {
      conn.onData(buffer, nread);
      return undefined;
    }
    return nodeOnRead.call(this, arrayBuffer);
  };
  return true;
}

/** Arguments as separate Buffers (views into the chunk), for the busy gate's slow path. */
function argvOf(src: Buffer, starts: Int32Array, ends: Int32Array, argc: number): Buffer[] {
  const argv = new Array<Buffer>(argc);
  for (let i = 0; i < argc; i++) argv[i] = src.subarray(starts[i]!, ends[i]!);
  return argv;
}

export class Connection implements CommandSink, GateConnection, DirectWriteOwner {
  state: 'open' | 'closing' | 'closed' = 'open';
  /**
   * Upper bound of the request record (host.requestRecords numbering) that holds this
   * connection's latest request expecting a reply: the busy gate answers it only when
   * that record is older than the busy one.
   */
  lastRecord = 0;
  readonly parser: RequestParser;
  authenticated: boolean;
  /** Why each sync entry in flight was sent, oldest first (they come back in order). */
  private readonly syncs: ('held' | 'inflight')[] = [];
  /** Request bytes read since the last inflight sync was sent. */
  private unsyncedBytes = 0;
  private pausedForInflight = false;
  private pausedForOutput = false;
  pausedForBacklog = false;
  /**
   * A script was busy when this input was read (BusyGate.prepare): only then are its
   * commands offered to the busy gate. One read's commands share the answer: one that
   * turns busy meanwhile leaves them to the engine, which answers whatever reaches its
   * queue while busy (busy-pump.ts), as it does for input read before the gate drained.
   */
  private gateBusy = false;
  /** Disconnected for the output-buffer limit (tests read it). */
  outputLimitHit = false;

  /** How this socket is read (see the file comment). */
  readonly readMode: 'user-buffer' | 'stream';
  /** In user-buffer reads: the handle calls our read callback, not Node's (takeReadCallback). */
  readonly ownReadCallback: boolean = false;
  /** How replies are written (see the file comment). */
  readonly writeMode: 'direct' | 'stream';
  /** The socket's handle while writeMode is 'direct'. */
  private readonly writeHandle: WriteHandle | undefined;
  /** Direct writes libuv still holds (queued, not yet completed). */
  private directQueued = 0;

  // Scratch of the io-mux's reply drain, valid during one reply record.
  drainEpoch = 0;
  /** Start and end offsets of this connection's runs of reply bytes, in order. */
  readonly drainRuns: number[] = [];
  drainClose = false;
  drainSynced = 0;

  constructor(
    readonly id: number,
    readonly socket: Socket,
    private readonly host: ConnectionHost,
    private readonly requirePass: boolean,
  ) {
    this.parser = host.parserLimits === undefined ? new RequestParser(this) : new RequestParser(this, host.parserLimits);
    this.authenticated = !requirePass;
    this.applyAuthLimits();
    // The socket arrives paused (pauseOnConnect), so the read mode can still change.
    const onRead = (nread: number, buffer: Buffer): void => this.onData(buffer, nread);
    if (enableUserBufferReads(socket, onRead)) {
      this.readMode = 'user-buffer';
      this.ownReadCallback = takeReadCallback(socket, this);
    } else {
      this.readMode = 'stream';
      socket.on('data', (chunk: Buffer) => this.onData(chunk, chunk.length));
    }
    this.writeHandle = writeHandleOf(socket);
    this.writeMode = this.writeHandle === undefined ? 'stream' : 'direct';
    this.updateReading();
  }

  // --- CommandSink -------------------------------------------------------------------

  command(src: Buffer, starts: Int32Array, ends: Int32Array, argc: number): void {
    if (this.gateBusy && this.host.busyGate!.intercept(this, argvOf(src, starts, ends, argc))) return;
    this.host.encoder.commandFromOffsets(this.id, src, starts, ends, argc);
    this.lastRecord = this.host.requestRecords + 1;
  }

  inline(argv: Buffer[]): void {
    if (this.gateBusy && this.host.busyGate!.intercept(this, argv)) return;
    this.host.encoder.commandFromArgv(this.id, argv);
    this.lastRecord = this.host.requestRecords + 1;
  }

  /** A request that gets no reply (the busy gate's marker to the engine). */
  sendUnanswered(argv: readonly Buffer[]): void {
    this.host.encoder.busyApplied(this.id, argv);
    this.host.scheduleFlush();
  }

  // --- input -----------------------------------------------------------------------------

  /** chunk[0, length) was read; valid during the call only (it may be the shared buffer). */
  onData(chunk: Buffer, length: number): void {
    if (handoffStatsOn) handoffStats.socketReads++;
    const gate = this.host.busyGate;
    this.gateBusy = gate !== undefined && gate.prepare();
    if (this.state !== 'open') return;
    this.handle(this.parser.feed(chunk, length));
    this.host.scheduleFlush();
    if (this.state !== 'open') return;
    // The socket was being read (this data came): only a reason to pause that appears
    // now changes that, so the socket's own state is consulted only then.
    let pause = false;
    this.unsyncedBytes += length;
    if (this.unsyncedBytes >= this.host.requestInflightBytes && !this.pausedForInflight) {
      this.unsyncedBytes = 0;
      this.pausedForInflight = true;
      this.syncs.push('inflight');
      this.host.encoder.sync(this.id);
      this.lastRecord = this.host.requestRecords + 1;
      pause = true;
    }
    if (!this.pausedForBacklog && this.host.shouldPauseForBacklog(this)) {
      this.pausedForBacklog = true;
      pause = true;
    }
    if (pause) this.updateReading();
  }

  /** Reads the socket only while no reason to pause holds. */
  private updateReading(): void {
    const read = this.state === 'open' && !this.pausedForOutput && !this.pausedForBacklog && !this.pausedForInflight;
    if (read === this.socket.isPaused()) {
      if (read) this.socket.resume();
      else this.socket.pause();
    }
  }

  private handle(status: ParseStatus): void {
    switch (status) {
      case ParseStatus.more:
        return;
      case ParseStatus.held:
        this.syncs.push('held');
        this.host.encoder.sync(this.id);
        this.lastRecord = this.host.requestRecords + 1;
        return;
      case ParseStatus.error:
        // The replies before it, then the error, then close: the worker answers the
        // protocolError entry in order and sends the close.
        this.state = 'closing';
        this.socket.pause();
        this.host.encoder.protocolError(this.id, this.parser.errorText);
        return;
      case ParseStatus.queryBufferFull:
        // Redis closes such a client without a reply (client-query-buffer-limit).
        this.destroy();
        return;
    }
  }

  private applyAuthLimits(): void {
    const unauth = this.requirePass && !this.authenticated;
    this.parser.unauthenticated = unauth;
    this.parser.holdAfterCommand = unauth;
  }

  setAuthenticated(authenticated: boolean): void {
    this.authenticated = authenticated;
    this.applyAuthLimits();
  }

  /** The engine executed everything before our oldest sync entry. */
  onSynced(): void {
    const why = this.syncs.shift();
    if (this.state !== 'open' || why === undefined) return;
    if (why === 'inflight') {
      this.pausedForInflight = false;
      this.updateReading();
      return;
    }
    // Called from the reply drain: the gate is not prepared here (re-entrancy), only asked.
    this.gateBusy = this.host.busyGate?.busy === true;
    this.handle(this.parser.resume());
    this.host.scheduleFlush();
  }

  resumeFromBacklog(): void {
    if (!this.pausedForBacklog) return;
    this.pausedForBacklog = false;
    this.updateReading();
  }

  // --- output ----------------------------------------------------------------------------

  /** Writes replies (one write per reply record) and applies the output limits. */
  write(bytes: Uint8Array): void {
    if (this.state === 'closed') return;
    if (handoffStatsOn) handoffStats.socketWrites++;
    const handle = this.writeHandle;
    if (handle === undefined) {
      this.socket.write(bytes);
    } else {
      // Destroyed (an error, before 'close' arrives): the bytes could not go anywhere.
      if (this.socket.destroyed) return;
      const result = writeDirect(handle, bytes, this);
      // All of it went to the kernel and nothing is queued: no output to check.
      if (result === 0 && this.directQueued === 0) return;
      this.afterDirectDispatch(result);
    }
    this.checkOutput();
  }

  /** Writes the given [start, end) runs of `out`, in order, as one write (writev). */
  writeRuns(out: Buffer, runs: readonly number[]): void {
    if (this.state === 'closed') return;
    if (handoffStatsOn) handoffStats.socketWrites++;
    const handle = this.writeHandle;
    if (handle === undefined) {
      this.socket.cork();
      for (let i = 0; i < runs.length; i += 2) this.socket.write(out.subarray(runs[i]!, runs[i + 1]!));
      this.socket.uncork();
    } else {
      if (this.socket.destroyed) return;
      const chunks = new Array<Uint8Array>(runs.length / 2);
      for (let i = 0; i < runs.length; i += 2) chunks[i / 2] = out.subarray(runs[i]!, runs[i + 1]!);
      const result = writevDirect(handle, chunks, this);
      if (result === 0 && this.directQueued === 0) return;
      this.afterDirectDispatch(result);
    }
    this.checkOutput();
  }

  private afterDirectDispatch(result: number): void {
    if (result === 1) this.directQueued++;
    // A write error: what Node does for a failed socket write (destroy the socket).
    else if (result < 0) this.destroy();
  }

  /** socket-write.ts: a queued direct write completed (or failed, or was cancelled). */
  afterDirectWrite(status: number): void {
    this.directQueued--;
    if (status < 0) {
      this.destroy();
      return;
    }
    if (this.pausedForOutput && this.outputBytes === 0) this.resumeAfterOutput();
  }

  /** After the replies before it are written: close (QUIT, CLIENT KILL, protocol error). */
  endAfterWrites(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.socket.end();
  }

  private checkOutput(): void {
    const unsent = this.outputBytes;
    if (unsent > this.host.outputBytesMax) {
      this.outputLimitHit = true;
      this.destroy();
      return;
    }
    if (unsent > this.host.outputPauseBytes && !this.pausedForOutput && this.state === 'open') {
      this.pausedForOutput = true;
      this.updateReading();
      // Direct writes: the queued write that empties the queue resumes (afterDirectWrite).
      if (this.writeHandle === undefined) this.socket.once('drain', () => this.resumeAfterOutput());
    }
  }

  private resumeAfterOutput(): void {
    this.pausedForOutput = false;
    this.updateReading();
  }

  /**
   * Unsent reply bytes: in the Writable ('stream'), or queued in libuv ('direct'; the
   * Writable is empty then, as nothing else writes through it).
   */
  get outputBytes(): number {
    const handle = this.writeHandle;
    if (handle === undefined || this.directQueued === 0) return this.socket.writableLength;
    return this.socket.writableLength + handle.writeQueueSize;
  }

  get isPausedForOutput(): boolean {
    return this.pausedForOutput;
  }

  destroy(): void {
    if (this.state === 'closed' && this.socket.destroyed) return;
    this.state = 'closed';
    this.socket.destroy();
  }
}
