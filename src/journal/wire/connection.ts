// WireConnection: one authenticated journal TCP connection (src/journal/wire), either
// side. Runs on the main thread of a log-node process or of a journal client.
//
// Lifecycle: handshake (handshake.ts) first, bounded by journalHandshakeMs and by a
// tiny frame limit (no unauthenticated peer can make us buffer megabytes); then frames
// of up to journalWireFrameBytesMax. Anything malformed, oversized, unexpected or late
// closes THIS connection (onClose with the reason) and never throws out of a socket
// callback: a bad peer can never crash the node.
// Frames written in one event-loop iteration leave together at its end (setImmediate):
// small ones concatenated into ONE buffer and one socket write (per-chunk stream and
// writev bookkeeping cost more than copying a few hundred bytes), big ones corked into
// one writev. Frames are sent in the order they were written.
// Messages sent before the handshake finishes are queued and flushed once it has.
// Socket reads and writes skip net.Socket's Readable and Writable where this Node
// allows it (socket-io.ts); otherwise they use 'data' events and socket.write().

import type { Socket } from 'node:net';
import { journalHandshakeMs, journalWireFrameBytesMax } from '../../limits.js';
import { decodeMessage, encodeMessage, type WireMessage } from './codec.js';
import { wireProtocolVersion } from './codes.js';
import { FrameReader } from './frame-reader.js';
import { directWriterFor, takeSocketReads, type DirectWriter } from './socket-io.js';
import { clientMac, macEquals, newNonce, serverMac } from './handshake.js';
import { WireFormatError } from './wire-buffer.js';
import { hopNowUs, hopTraceOn, setHopReadAt } from '../hop-trace.js';

/** Handshake frames are 74 bytes at most: anything bigger before authentication is hostile. */
const handshakeFrameBytesMax = 128;
/** A turn's frames up to this many bytes in all are copied into one buffer; above, corked. */
const concatBytesMax = 64 * 1024;
/**
 * The latest flush Immediate, kept referenced: Immediates live for one turn, and when a
 * garbage collection finds none alive V8 may free their map and throw away the optimized
 * code that embedded it (Node's processImmediate among it), recompiled later: see
 * wireBufferMapAnchors in wire-buffer.ts.
 */
let lastFlushImmediate: NodeJS.Immediate | undefined;
/** Connections with frames written this turn and not yet flushed (flushWireConnections). */
const unflushed = new Set<WireConnection>();

/**
 * Hands every connection's frames of this turn to its socket now rather than at the end
 * of the turn: called before this thread blocks (a log node's inline disk write), so
 * the messages already decided do not wait for the block.
 */
export function flushWireConnections(): void {
  for (const conn of unflushed) conn.flushNow();
}

export interface PeerIdentity {
  /** WireRole code. */
  readonly role: number;
  readonly nodeId: number;
}

export interface WireConnectionOptions {
  readonly socket: Socket;
  readonly secret: string;
  /** 'server': we accepted the socket and challenge; 'client': we dialed it. */
  readonly side: 'server' | 'client';
  /** What a dialing side announces (ignored on the server side). */
  readonly identity?: PeerIdentity;
  readonly frameBytesMax?: number;
  readonly handshakeMs?: number;
  /** false: 'data' events and socket.write() even where socket-io.ts works (benchmarks' A/B). */
  readonly directIo?: boolean;
  /** The handshake succeeded; `peer` is the authenticated identity of the other side (server side). */
  readonly onReady?: (peer: PeerIdentity) => void;
  /** A post-handshake message (never a handshake one). */
  readonly onMessage: (message: WireMessage) => void;
  /** The connection is gone; reason is set when we closed it for a protocol violation. */
  readonly onClose?: (reason: string | undefined) => void;
}

export class WireConnection {
  private readonly socket: Socket;
  private readonly options: WireConnectionOptions;
  private readonly reader = new FrameReader(handshakeFrameBytesMax);
  private state: 'hello' | 'auth' | 'authOk' | 'ready' | 'closed';
  private readonly ourNonce = newNonce();
  private theirNonce: Uint8Array | undefined;
  private peer: PeerIdentity = { role: 0, nodeId: 0 };
  private queued: Buffer[] = [];
  /** Frames written this turn, not yet handed to the socket (flushed by setImmediate). */
  private outgoing: Buffer[] = [];
  private outgoingBytes = 0;
  private handshakeTimer: NodeJS.Timeout | undefined;
  private closeReason: string | undefined;
  /** Writes straight to the socket's handle, once connected (undefined: socket.write()). */
  private writer: DirectWriter | undefined;
  /** socket.write() was used: the writer may take over only once the Writable is empty. */
  private wroteThroughStream = false;
  /** Reads skip the Readable (socket-io.ts); false on a Node whose internals differ. */
  readonly directReads: boolean;
  private readonly directIo: boolean;
  /** Hop-trace stamps waiting for this turn's socket write (hop-trace.ts; tracing only). */
  private flushTraces: ((atUs: number) => void)[] | undefined;

  constructor(options: WireConnectionOptions) {
    this.options = options;
    this.socket = options.socket;
    this.socket.setNoDelay(true);
    this.state = options.side === 'server' ? 'auth' : 'hello';
    this.handshakeTimer = setTimeout(() => this.fail('handshake timed out'), options.handshakeMs ?? journalHandshakeMs);
    // The 'data' listener stays even with direct reads: it keeps the Readable flowing,
    // which is what starts the handle reading and lets EOF end the socket.
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.directIo = options.directIo ?? true;
    this.directReads = this.directIo && takeSocketReads(this.socket, (chunk) => this.onData(chunk));
    this.socket.on('error', (err) => this.fail(`socket error: ${err.message}`));
    this.socket.on('close', () => this.onSocketClose());
    if (options.side === 'server') {
      this.writeFrame(encodeMessage({ kind: 'hello', version: wireProtocolVersion, nonce: this.ourNonce }));
    }
  }

  get isReady(): boolean {
    return this.state === 'ready';
  }

  get isClosed(): boolean {
    return this.state === 'closed';
  }

  /** Writes skip the Writable (socket-io.ts): true from the first write once connected. */
  get directWrites(): boolean {
    return this.writer !== undefined;
  }

  /** The authenticated other side (valid once ready, server side). */
  get identity(): PeerIdentity {
    return this.peer;
  }

  /** Bytes queued in the socket and not yet sent (backpressure signal). */
  get pendingWriteBytes(): number {
    return this.socket.writableLength + (this.writer?.pendingBytes ?? 0) + this.outgoingBytes;
  }

  /** Sends a message (queued until the handshake is done); false if the connection is closed. */
  send(message: WireMessage): boolean {
    if (this.state === 'closed') return false;
    return this.sendFrame(encodeMessage(message));
  }

  /**
   * Sends a frame already encoded with encodeMessage (one encoding shared by several
   * connections), or the parts of one in order (encodeAppendEntriesParts: they are
   * written back to back, as the bytes of one frame); like send otherwise. The bytes
   * must not be modified afterwards.
   */
  sendFrame(frame: Buffer | readonly Buffer[]): boolean {
    if (this.state === 'closed') return false;
    if (Buffer.isBuffer(frame)) {
      if (this.state !== 'ready') this.queued.push(frame);
      else this.writeFrame(frame);
      return true;
    }
    for (const part of frame) {
      if (this.state !== 'ready') this.queued.push(part);
      else this.writeFrame(part);
    }
    return true;
  }

  close(reason?: string): void {
    if (this.state === 'closed') return;
    this.closeReason ??= reason;
    this.state = 'closed';
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
    this.flushOutgoing(); // what was written this turn leaves before the FIN
    this.socket.end(); // flush what was written, then FIN
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }

  private writeFrame(frame: Buffer): void {
    if (this.outgoing.length === 0) {
      // setImmediate, not nextTick: it runs after every socket read of this event-loop
      // iteration was handled, so replies to many requests (and Raft messages prompted
      // by many appends) leave in one write instead of one syscall each.
      lastFlushImmediate = setImmediate(this.flushOutgoing);
      unflushed.add(this);
    }
    this.outgoing.push(frame);
    this.outgoingBytes += frame.byteLength;
  }

  /**
   * Hop trace only (hop-trace.ts): calls `stamp` with the time this turn's frames are
   * handed to the socket.
   */
  traceOnFlush(stamp: (atUs: number) => void): void {
    (this.flushTraces ??= []).push(stamp);
  }

  /** Flushes this turn's frames now (flushWireConnections); the Immediate then finds none. */
  flushNow(): void {
    this.flushOutgoing();
  }

  private readonly flushOutgoing = (): void => {
    unflushed.delete(this);
    const frames = this.outgoing;
    const bytes = this.outgoingBytes;
    this.outgoing = [];
    this.outgoingBytes = 0;
    if (this.flushTraces !== undefined && this.flushTraces.length > 0) {
      const at = hopNowUs();
      const stamps = this.flushTraces;
      this.flushTraces = [];
      for (const stamp of stamps) stamp(at);
    }
    if (frames.length === 0 || this.socket.destroyed || this.socket.writableEnded) return;
    if (this.directIo && this.writer === undefined && !this.socket.connecting && (!this.wroteThroughStream || this.socket.writableLength === 0)) {
      this.writer = directWriterFor(this.socket);
    }
    const writer = this.writer;
    if (writer !== undefined) {
      // One write per turn: small frames copied together, big ones in one writev.
      if (frames.length === 1) writer.write(frames[0]!);
      else if (bytes <= concatBytesMax) writer.write(Buffer.concat(frames, bytes));
      else writer.writev(frames);
      return;
    }
    this.wroteThroughStream = true;
    if (frames.length === 1) {
      this.socket.write(frames[0]!);
    } else if (bytes <= concatBytesMax) {
      this.socket.write(Buffer.concat(frames, bytes));
    } else {
      this.socket.cork();
      for (const frame of frames) this.socket.write(frame);
      this.socket.uncork();
    }
  };

  private onData(chunk: Buffer): void {
    if (this.state === 'closed') return;
    if (hopTraceOn) setHopReadAt(hopNowUs());
    let frames: Buffer[];
    try {
      frames = this.reader.push(chunk);
    } catch (err) {
      this.fail(err instanceof Error ? err.message : String(err));
      return;
    }
    for (const frame of frames) {
      if (this.isClosed) return; // a handler may have closed us mid-batch
      let message: WireMessage;
      try {
        message = decodeMessage(frame);
      } catch (err) {
        this.fail(err instanceof WireFormatError || err instanceof RangeError ? err.message : `bad frame: ${String(err)}`);
        return;
      }
      if (this.state === 'ready') {
        if (message.kind === 'hello' || message.kind === 'auth' || message.kind === 'authOk') {
          this.fail(`unexpected ${message.kind} after the handshake`);
          return;
        }
        try {
          this.options.onMessage(message);
        } catch (err) {
          // The handler's bug must not take the process down through a socket callback;
          // dropping the connection lets the other side retry.
          this.fail(`handler failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
          return;
        }
      } else {
        this.onHandshake(message);
      }
    }
  }

  private onHandshake(m: WireMessage): void {
    const secret = this.options.secret;
    if (this.state === 'hello' && m.kind === 'hello') {
      if (m.version !== wireProtocolVersion) return this.fail(`wire version ${m.version}, expected ${wireProtocolVersion}`);
      this.theirNonce = m.nonce;
      const id = this.options.identity ?? { role: 0, nodeId: 0 };
      const mac = clientMac(secret, m.nonce, this.ourNonce, id.role, id.nodeId);
      this.writeFrame(encodeMessage({ kind: 'auth', version: wireProtocolVersion, role: id.role, nodeId: id.nodeId, nonce: this.ourNonce, mac }));
      this.state = 'authOk';
      return;
    }
    if (this.state === 'auth' && m.kind === 'auth') {
      if (m.version !== wireProtocolVersion) return this.fail(`wire version ${m.version}, expected ${wireProtocolVersion}`);
      const expected = clientMac(secret, this.ourNonce, m.nonce, m.role, m.nodeId);
      if (!macEquals(expected, m.mac)) return this.fail('authentication failed (wrong cluster secret)');
      this.peer = { role: m.role, nodeId: m.nodeId };
      this.writeFrame(encodeMessage({ kind: 'authOk', mac: serverMac(secret, this.ourNonce, m.nonce, m.role, m.nodeId) }));
      this.becomeReady();
      return;
    }
    if (this.state === 'authOk' && m.kind === 'authOk') {
      const id = this.options.identity ?? { role: 0, nodeId: 0 };
      const expected = serverMac(secret, this.theirNonce!, this.ourNonce, id.role, id.nodeId);
      if (!macEquals(expected, m.mac)) return this.fail('server failed to prove the cluster secret');
      this.becomeReady();
      return;
    }
    this.fail(`unexpected ${m.kind} during the handshake`);
  }

  private becomeReady(): void {
    this.state = 'ready';
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
    this.handshakeTimer = undefined;
    this.reader.frameBytesMax = this.options.frameBytesMax ?? journalWireFrameBytesMax;
    const queued = this.queued;
    this.queued = [];
    for (const frame of queued) this.writeFrame(frame);
    this.options.onReady?.(this.peer);
  }

  /** Closes at once for a protocol violation or a socket error; onClose reports the reason. */
  private fail(reason: string): void {
    if (this.state === 'closed') return;
    this.closeReason ??= reason;
    this.state = 'closed';
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
    this.socket.destroy();
  }

  private closeNotified = false;

  private onSocketClose(): void {
    this.state = 'closed';
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
    this.queued = [];
    if (this.closeNotified) return;
    this.closeNotified = true;
    this.options.onClose?.(this.closeReason);
  }
}
