// A raw RESP connection over real TCP (test process, main thread).
// Sends commands as RESP arrays of bulk strings (or arbitrary raw bytes) and reads back
// exactly one complete reply's raw bytes at a time, in order, using the reply-boundary
// scanner. No client library sits in between, so the differential tests see the very
// bytes each server wrote.
//
// Invariants: replies are handed out in arrival order, one per read; a read that times
// out destroys the connection (the stream can no longer be trusted to line up), and every
// pending and later read then fails with ConnClosedError or ReplyTimeoutError.

import net from 'node:net';
import { replyEnd } from './resp-scan.js';

export type Arg = string | Buffer | number;

export class ConnClosedError extends Error {
  override name = 'ConnClosedError';
}
export class ReplyTimeoutError extends Error {
  override name = 'ReplyTimeoutError';
}

/** Default wait for one reply; generous because the CI machine is a loaded 2-core box. */
export const replyTimeoutMs = 5_000;

export function encodeCommand(args: readonly Arg[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`, 'latin1')];
  for (const a of args) {
    const b = Buffer.isBuffer(a) ? a : Buffer.from(String(a), 'utf8');
    parts.push(Buffer.from(`$${b.length}\r\n`, 'latin1'), b, Buffer.from('\r\n', 'latin1'));
  }
  return Buffer.concat(parts);
}

interface Waiter {
  resolve: (reply: Buffer) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class RespConn {
  private buf: Buffer = Buffer.alloc(0);
  private readonly waiters: Waiter[] = [];
  private closedFlag = false;
  private scanError: Error | null = null;
  /** Resolves when the peer or we closed the socket. */
  readonly closed: Promise<void>;

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    this.closed = new Promise((resolve) => {
      socket.on('close', () => {
        this.closedFlag = true;
        this.failAll(new ConnClosedError('connection closed by peer'));
        resolve();
      });
    });
    socket.on('error', () => {
      // 'close' follows; ECONNRESET from a server that closed on a protocol error is expected.
    });
    socket.on('data', (chunk: Buffer) => {
      this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
      this.deliver();
    });
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RespConn> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host });
      const onError = (err: Error): void => reject(err);
      socket.once('error', onError);
      socket.once('connect', () => {
        socket.off('error', onError);
        resolve(new RespConn(socket));
      });
    });
  }

  get isClosed(): boolean {
    return this.closedFlag;
  }

  /** Bytes received but not yet handed out as a reply (an incomplete reply, or extra). */
  get pendingBytes(): Buffer {
    return this.buf;
  }

  write(bytes: Buffer | string): void {
    if (this.closedFlag || this.socket.destroyed) return;
    this.socket.write(bytes);
  }

  /** Sends one command and returns its raw reply. */
  send(args: readonly Arg[], timeoutMs = replyTimeoutMs): Promise<Buffer> {
    this.write(encodeCommand(args));
    return this.readReply(timeoutMs);
  }

  /** Sends all commands in one write, then reads one reply per command. */
  async pipeline(commands: readonly (readonly Arg[])[], timeoutMs = replyTimeoutMs): Promise<Buffer[]> {
    this.write(Buffer.concat(commands.map(encodeCommand)));
    const replies: Buffer[] = [];
    for (let i = 0; i < commands.length; i++) replies.push(await this.readReply(timeoutMs));
    return replies;
  }

  readReply(timeoutMs = replyTimeoutMs): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new ReplyTimeoutError(`no complete reply within ${timeoutMs} ms`));
        this.destroy();
      }, timeoutMs);
      const waiter: Waiter = { resolve, reject, timer };
      this.waiters.push(waiter);
      this.deliver();
    });
  }

  /** Waits for the peer to close; false if it is still open after timeoutMs. */
  async waitClosed(timeoutMs = replyTimeoutMs): Promise<boolean> {
    if (this.closedFlag) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const result = await Promise.race([this.closed.then(() => true), timeout]);
    clearTimeout(timer);
    return result;
  }

  /** Waits timeoutMs and returns whatever bytes arrived (used to show that nothing did). */
  async collectFor(timeoutMs: number): Promise<Buffer> {
    await new Promise((r) => setTimeout(r, timeoutMs));
    const out = this.buf;
    this.buf = Buffer.alloc(0);
    return out;
  }

  close(): void {
    this.socket.end();
    this.socket.destroy();
  }

  private destroy(): void {
    this.socket.destroy();
  }

  private deliver(): void {
    while (this.waiters.length > 0 && this.buf.length > 0) {
      let end: number;
      try {
        end = replyEnd(this.buf, 0);
      } catch (err) {
        this.scanError = err as Error;
        this.failAll(this.scanError);
        this.destroy();
        return;
      }
      if (end < 0) return;
      const reply = Buffer.from(this.buf.subarray(0, end));
      this.buf = this.buf.subarray(end);
      const waiter = this.waiters.shift()!;
      clearTimeout(waiter.timer);
      waiter.resolve(reply);
    }
    if (this.closedFlag) this.failAll(new ConnClosedError('connection closed by peer'));
  }

  private failAll(err: Error): void {
    while (this.waiters.length > 0) {
      const w = this.waiters.shift()!;
      clearTimeout(w.timer);
      w.reject(this.scanError ?? err);
    }
  }
}
