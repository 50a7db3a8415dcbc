// A minimal RESP2 client for the endpoint benchmark (main thread of the benchmark
// process): one connection, one command at a time, plus the pipelined prefill loader.
// It talks to redis-server and KeelDB alike and depends on neither ioredis nor the
// server's own code, so a KeelDB bug cannot hide behind shared code.
// Invariant: a reply is parsed only once it is complete; any other reply than the one
// expected (an error, a short count) rejects with the server's text.

import { connect, type Socket } from 'node:net';

export type Reply = string | number | null | Error;

export function encodeCommand(args: string[]): Buffer {
  let s = `*${args.length}\r\n`;
  for (const a of args) s += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
  return Buffer.from(s);
}

/** One command with binary arguments, as a client sends it: the in-process parser and connection benches' input. */
export function encodeArgv(argv: readonly (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${argv.length}\r\n`)];
  for (const a of argv) {
    const b = typeof a === 'string' ? Buffer.from(a) : a;
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** Parses one simple/error/integer/bulk reply at `buf[0..]`; null if incomplete. */
function parseReply(buf: Buffer): { reply: Reply; bytes: number } | null {
  const eol = buf.indexOf('\r\n');
  if (eol < 0) return null;
  const line = buf.toString('utf8', 1, eol);
  switch (buf[0]) {
    case 0x2b: // +
      return { reply: line, bytes: eol + 2 };
    case 0x2d: // -
      return { reply: new Error(line), bytes: eol + 2 };
    case 0x3a: // :
      return { reply: Number(line), bytes: eol + 2 };
    case 0x24: {
      // $
      const len = Number(line);
      if (len < 0) return { reply: null, bytes: eol + 2 };
      if (buf.length < eol + 2 + len + 2) return null;
      return { reply: buf.toString('utf8', eol + 2, eol + 2 + len), bytes: eol + 2 + len + 2 };
    }
    default:
      throw new Error(`unexpected reply type '${String.fromCharCode(buf[0]!)}'`);
  }
}

export class RespConnection {
  private buf: Buffer = Buffer.alloc(0);
  private waiter: (() => void) | null = null;
  private failure: Error | null = null;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
      this.wake();
    });
    socket.on('error', (err) => {
      this.failure = err;
      this.wake();
    });
    socket.on('close', () => {
      this.failure ??= new Error('connection closed by the server');
      this.wake();
    });
  }

  static open(port: number, timeoutMs = 2000): Promise<RespConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`connect to 127.0.0.1:${port} timed out`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.setNoDelay(true);
        resolve(new RespConnection(socket));
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  private async more(): Promise<void> {
    if (this.failure !== null) throw this.failure;
    await new Promise<void>((resolve) => (this.waiter = resolve));
    if (this.failure !== null && this.buf.length === 0) throw this.failure;
  }

  async command(args: string[]): Promise<Reply> {
    this.socket.write(encodeCommand(args));
    for (;;) {
      const parsed = this.buf.length > 0 ? parseReply(this.buf) : null;
      if (parsed !== null) {
        this.buf = this.buf.subarray(parsed.bytes);
        return parsed.reply;
      }
      await this.more();
    }
  }

  /**
   * Writes `payload` (`count` pipelined commands that each answer +OK) and waits for
   * exactly `count` "+OK\r\n" replies.
   */
  async pipelineOk(payload: Buffer, count: number): Promise<void> {
    this.socket.write(payload);
    const want = 5 * count;
    while (this.buf.length < want) {
      // An error reply is longer than +OK: detect it early rather than waiting forever.
      if (this.buf.length > 0 && this.buf[0] !== 0x2b) break;
      await this.more();
    }
    const okLine = Buffer.from('+OK\r\n');
    for (let i = 0; i < count; i++) {
      if (this.buf.compare(okLine, 0, 5, i * 5, i * 5 + 5) !== 0) {
        const text = this.buf.toString('utf8', i * 5, Math.min(this.buf.length, i * 5 + 200));
        throw new Error(`prefill: reply ${i} of a batch is not +OK: ${JSON.stringify(text)}`);
      }
    }
    this.buf = this.buf.subarray(want);
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Keys as redis-benchmark's -r names them: "key:" and 12 digits, 0 .. count-1. */
export function benchmarkKey(i: number): string {
  return `key:${String(i).padStart(12, '0')}`;
}

/**
 * Loads `keyCount` keys (key:000000000000 ...) with `valueBytes`-byte values, in
 * pipelined batches of `batchCount` SETs per write, and checks DBSIZE afterwards. Every
 * key of redis-benchmark's -r range exists afterwards, which random SETs would not give.
 */
export async function prefill(
  port: number,
  keyCount: number,
  valueBytes: number,
  batchCount: number,
  progress: (done: number) => void,
): Promise<void> {
  const conn = await RespConnection.open(port);
  try {
    const value = 'x'.repeat(valueBytes);
    const tail = `\r\n$${valueBytes}\r\n${value}\r\n`;
    for (let start = 0; start < keyCount; start += batchCount) {
      const end = Math.min(keyCount, start + batchCount);
      let s = '';
      for (let i = start; i < end; i++) s += `*3\r\n$3\r\nSET\r\n$16\r\n${benchmarkKey(i)}${tail}`;
      await conn.pipelineOk(Buffer.from(s, 'latin1'), end - start);
      if (((start / batchCount) & 15) === 15 || end === keyCount) progress(end);
    }
    const size = await conn.command(['DBSIZE']);
    if (size !== keyCount) throw new Error(`prefill: DBSIZE is ${String(size)}, expected ${keyCount}`);
  } finally {
    conn.close();
  }
}

/** Waits until PING answers PONG on 127.0.0.1:port, or `isDead()` or the deadline. */
export async function waitForPong(port: number, deadlineMs: number, isDead: () => string | null): Promise<void> {
  const start = Date.now();
  let last = '';
  while (Date.now() - start < deadlineMs) {
    const dead = isDead();
    if (dead !== null) throw new Error(`the server exited (${dead}) before answering PING`);
    try {
      const conn = await RespConnection.open(port, 1000);
      try {
        const r = await conn.command(['PING']);
        if (r === 'PONG') return;
        last = String(r);
      } finally {
        conn.close();
      }
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no PONG from port ${port} within ${deadlineMs} ms (last: ${last})`);
}
