// A minimal RESP2 client for the torture harness (main thread of the harness). One
// connection, one command at a time, a timeout per command, no retries, no reconnects:
// the workload decides what an error means for its history. Replies decode to strings
// (simple and bulk), numbers (integers), null (nil bulk or array), arrays, and
// RespError for error replies.
//
// Invariants: at most one command is outstanding; once the connection failed (timeout,
// reset, close, protocol error) every later call rejects with `ConnectionLost` and the
// caller opens a new connection.

import net from 'node:net';

export type Reply = string | number | null | RespError | Reply[];

/** An error reply from the server (the command was answered). */
export class RespError {
  constructor(readonly text: string) {}
}

/** The connection failed before or while waiting for the reply: the outcome is unknown. */
export class ConnectionLost extends Error {
  override name = 'ConnectionLost';
  constructor(
    message: string,
    /** True when the command's bytes were never handed to the socket. */
    readonly notSent: boolean,
  ) {
    super(message);
  }
}

export class RespClient {
  private buffer: Buffer = Buffer.alloc(0);
  private waiter: { resolve: (r: Reply) => void; reject: (e: Error) => void; timer: NodeJS.Timeout } | null = null;
  private failed: string | null = null;

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.fail(`connection error: ${err.message}`));
    socket.on('close', () => this.fail('connection closed'));
  }

  static connect(port: number, timeoutMs: number): Promise<RespClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new ConnectionLost('connect timed out', true));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new RespClient(socket));
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(new ConnectionLost(`connect failed: ${err.message}`, true));
      });
    });
  }

  get broken(): boolean {
    return this.failed !== null;
  }

  call(args: readonly string[], timeoutMs: number): Promise<Reply> {
    if (this.failed !== null) return Promise.reject(new ConnectionLost(this.failed, true));
    if (this.waiter !== null) throw new Error('RespClient: one command at a time');
    const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
    for (const a of args) {
      const b = Buffer.from(a, 'utf8');
      parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
    }
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => this.fail(`timed out after ${timeoutMs} ms`), timeoutMs);
      this.waiter = { resolve, reject, timer };
      this.socket.write(Buffer.concat(parts));
    });
  }

  close(): void {
    this.fail('closed by the client');
    this.socket.destroy();
  }

  private fail(reason: string): void {
    if (this.failed !== null) return;
    this.failed = reason;
    this.socket.destroy();
    const w = this.waiter;
    this.waiter = null;
    if (w !== null) {
      clearTimeout(w.timer);
      w.reject(new ConnectionLost(reason, false));
    }
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    let parsed: [Reply, number] | null;
    try {
      parsed = parse(this.buffer, 0);
    } catch (err) {
      this.fail(`protocol error: ${(err as Error).message}`);
      return;
    }
    if (parsed === null) return;
    const [reply, end] = parsed;
    this.buffer = this.buffer.subarray(end);
    const w = this.waiter;
    if (w === null) {
      this.fail('reply without a command');
      return;
    }
    this.waiter = null;
    clearTimeout(w.timer);
    w.resolve(reply);
  }
}

/** Parses one reply at `pos`; null if incomplete. */
function parse(buf: Buffer, pos: number): [Reply, number] | null {
  if (pos >= buf.length) return null;
  const eol = buf.indexOf('\r\n', pos);
  if (eol < 0) return null;
  const type = buf[pos];
  const line = buf.toString('utf8', pos + 1, eol);
  const next = eol + 2;
  switch (type) {
    case 0x2b: // +
      return [line, next];
    case 0x2d: // -
      return [new RespError(line), next];
    case 0x3a: // :
      return [Number(line), next];
    case 0x24: { // $
      const n = Number(line);
      if (n < 0) return [null, next];
      if (buf.length < next + n + 2) return null;
      return [buf.toString('utf8', next, next + n), next + n + 2];
    }
    case 0x2a: { // *
      const n = Number(line);
      if (n < 0) return [null, next];
      const items: Reply[] = [];
      let at = next;
      for (let i = 0; i < n; i++) {
        const item = parse(buf, at);
        if (item === null) return null;
        items.push(item[0]);
        at = item[1];
      }
      return [items, at];
    }
    default:
      throw new Error(`unexpected reply type byte ${type}`);
  }
}
