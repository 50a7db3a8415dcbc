// A raw TCP client for the server tests (test process): writes bytes, accumulates
// everything the server sends, and waits for a byte count, a predicate or the close.

import net from 'node:net';

export class RawClient {
  readonly socket: net.Socket;
  private chunks: Buffer[] = [];
  private received = 0;
  closed = false;
  private waiters: (() => void)[] = [];
  readonly connected: Promise<void>;

  constructor(port: number, opts: { read?: boolean } = {}) {
    this.socket = net.connect(port, '127.0.0.1');
    this.connected = new Promise((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('error', reject);
    });
    this.socket.on('error', () => {});
    this.socket.on('data', (d: Buffer) => {
      this.chunks.push(d);
      this.received += d.length;
      this.wake();
    });
    this.socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    if (opts.read === false) this.socket.pause();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  get receivedBytes(): number {
    return this.received;
  }

  data(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  write(b: string | Buffer): void {
    this.socket.write(typeof b === 'string' ? Buffer.from(b, 'latin1') : b);
  }

  /** Resolves once `pred` holds; rejects after `timeoutMs` with what arrived so far. */
  async until(pred: () => boolean, timeoutMs = 20_000, what = 'condition'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred()) {
      const left = deadline - Date.now();
      if (left <= 0) {
        const d = this.data();
        throw new Error(`timed out waiting for ${what}; got ${d.length} bytes: ${JSON.stringify(d.subarray(0, 300).toString('latin1'))}; closed=${this.closed}`);
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  untilBytes(n: number, timeoutMs?: number): Promise<void> {
    return this.until(() => this.received >= n, timeoutMs, `${n} bytes`);
  }

  untilClosed(timeoutMs?: number): Promise<void> {
    return this.until(() => this.closed, timeoutMs, 'close');
  }

  /** Sends `request` and waits for exactly the bytes of `expected` (then compares). */
  async roundTrip(request: string | Buffer, expectedBytes: number): Promise<Buffer> {
    const start = this.received;
    this.write(request);
    await this.untilBytes(start + expectedBytes);
    return this.data().subarray(start);
  }

  close(): void {
    this.socket.destroy();
  }
}

export function resp(...argv: (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${argv.length}\r\n`)];
  for (const a of argv) {
    const b = typeof a === 'string' ? Buffer.from(a, 'latin1') : a;
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}
